/* Deterministic DICOM UIDs (sirt/dicom.h): "2.25." + a 128-bit decimal (PS3.5 §B.2, UUID-derived
 * UIDs under the 2.25 root), the 128 bits being the first 16 bytes of SHA-256(seed, role), so
 * the same seed gives the same files and no clock or random source is involved. */
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "sirt/dicom.h"

sirt_status sirt_dicom_make_uid(uint64_t seed, const char *role, char uid[SIRT_DICOM_UID_SIZE],
                                sirt_error *err)
{
    uid[0] = '\0';
    if (!role)
        role = "";
    unsigned char seed_le[8];
    for (int b = 0; b < 8; b++)
        seed_le[b] = (unsigned char)(seed >> (8 * b));
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 &&
             EVP_DigestUpdate(ctx, seed_le, sizeof seed_le) == 1 &&
             EVP_DigestUpdate(ctx, role, strlen(role)) == 1 &&
             EVP_DigestFinal_ex(ctx, md, &md_len) == 1 && md_len >= 16;
    EVP_MD_CTX_free(ctx);
    if (!ok)
        return sirt_error_set(err, SIRT_EINTERNAL, "uid", "SHA-256 failed for UID role \"%s\"",
                              role);
    /* 128-bit big-endian number to decimal by repeated division by 10 (no __int128 in C11). */
    unsigned char n[16];
    memcpy(n, md, 16);
    char digits[40];
    int nd = 0;
    for (;;) {
        int zero = 1;
        unsigned rem = 0;
        for (int b = 0; b < 16; b++) {
            unsigned cur = (rem << 8) | n[b];
            n[b] = (unsigned char)(cur / 10);
            rem = cur % 10;
            if (n[b])
                zero = 0;
        }
        digits[nd++] = (char)('0' + rem);
        if (zero)
            break;
    }
    /* 2.25 components are decimal integers without leading zeros (the loop gives none). */
    char *p = uid;
    memcpy(p, "2.25.", 5);
    p += 5;
    for (int d = nd - 1; d >= 0; d--)
        *p++ = digits[d];
    *p = '\0';
    return SIRT_OK;
}
