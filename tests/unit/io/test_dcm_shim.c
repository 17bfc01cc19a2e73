/* DCMTK shim: build a dataset (strings, numbers of several VRs, a nested sequence, signed
 * 16-bit and 32-bit pixels), save, load, read everything back; deterministic bytes; a
 * truncated file, a non-DICOM file and a short buffer give errors naming the file. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "io/dcm_shim.h"
#include "sirt/fileio.h"

#define T(g, e) SIRT_DCM_TAG(g, e)

static int build(sirt_dcm_file **out, int bits)
{
    sirt_error err = {0};
    sirt_dcm_file *f = NULL;
    if (sirt__dcm_new(&f, &err) != SIRT_OK)
        return 0;
    sirt_dcm_item *r = sirt__dcm_root(f);
    int ok = 1;
    ok &= sirt__dcm_put_string(r, T(0x0008, 0x0016), "1.2.840.10008.5.1.4.1.1.2", &err) == SIRT_OK;
    ok &= sirt__dcm_put_string(r, T(0x0008, 0x0018), "2.25.123456789", &err) == SIRT_OK;
    ok &= sirt__dcm_put_string(r, T(0x0008, 0x0060), "CT", &err) == SIRT_OK;
    ok &= sirt__dcm_put_string(r, T(0x0010, 0x0010), "Doe^Jane", &err) == SIRT_OK;
    ok &= sirt__dcm_put_string(r, T(0x0020, 0x0037), "1\\0\\0\\0\\1\\0", &err) == SIRT_OK;
    const double ipp[3] = {-120.5, -99.25, 31.0};
    ok &= sirt__dcm_put_numbers(r, T(0x0020, 0x0032), ipp, 3, &err) == SIRT_OK; /* DS */
    const double spacing[2] = {0.9765625, 0.1};
    ok &= sirt__dcm_put_numbers(r, T(0x0028, 0x0030), spacing, 2, &err) == SIRT_OK;
    const double rows = 2, cols = 3, one = 1, sixteen = bits, fifteen = bits - 1;
    ok &= sirt__dcm_put_numbers(r, T(0x0028, 0x0010), &rows, 1, &err) == SIRT_OK; /* US */
    ok &= sirt__dcm_put_numbers(r, T(0x0028, 0x0011), &cols, 1, &err) == SIRT_OK;
    ok &= sirt__dcm_put_numbers(r, T(0x0028, 0x0002), &one, 1, &err) == SIRT_OK;
    ok &= sirt__dcm_put_numbers(r, T(0x0028, 0x0100), &sixteen, 1, &err) == SIRT_OK;
    ok &= sirt__dcm_put_numbers(r, T(0x0028, 0x0101), &sixteen, 1, &err) == SIRT_OK;
    ok &= sirt__dcm_put_numbers(r, T(0x0028, 0x0102), &fifteen, 1, &err) == SIRT_OK;
    ok &= sirt__dcm_put_numbers(r, T(0x0028, 0x0103), &one, 1, &err) == SIRT_OK;
    const double frames = 1;
    ok &= sirt__dcm_put_numbers(r, T(0x0028, 0x0008), &frames, 1, &err) == SIRT_OK; /* IS */
    const double fd = 3.0e-3;
    ok &= sirt__dcm_put_numbers(r, T(0x3004, 0x000E), &fd, 1, &err) == SIRT_OK; /* DS scaling */
    /* Nested sequence: RadiopharmaceuticalInformationSequence > one item with a nested
     * RadionuclideCodeSequence item. */
    sirt_dcm_item *it = NULL, *code = NULL;
    ok &= sirt__dcm_seq_append(r, T(0x0054, 0x0016), &it, &err) == SIRT_OK;
    if (it) {
        const double hl = 6586.2, dose = 3.7e8;
        ok &= sirt__dcm_put_numbers(it, T(0x0018, 0x1075), &hl, 1, &err) == SIRT_OK;
        ok &= sirt__dcm_put_numbers(it, T(0x0018, 0x1074), &dose, 1, &err) == SIRT_OK;
        ok &= sirt__dcm_put_string(it, T(0x0018, 0x1078), "20261124103205.000000", &err) == SIRT_OK;
        ok &= sirt__dcm_seq_append(it, T(0x0054, 0x0300), &code, &err) == SIRT_OK;
        if (code)
            ok &= sirt__dcm_put_string(code, T(0x0008, 0x0100), "C-111A1", &err) == SIRT_OK;
    }
    /* Second item, to check item indexing. */
    sirt_dcm_item *it2 = NULL;
    ok &= sirt__dcm_seq_append(r, T(0x0054, 0x0016), &it2, &err) == SIRT_OK;
    if (it2)
        ok &= sirt__dcm_put_string(it2, T(0x0018, 0x0031), "FDG", &err) == SIRT_OK;
    if (bits == 16) {
        const int16_t px[6] = {-1024, 0, 1, 32767, -32768, 1200};
        ok &= sirt__dcm_put_pixels(r, px, 6, 16, &err) == SIRT_OK;
    } else {
        const int32_t px[6] = {-70000, 0, 1, 2147483647, -2147483647 - 1, 123456789};
        ok &= sirt__dcm_put_pixels(r, px, 6, 32, &err) == SIRT_OK;
    }
    if (!ok) {
        fprintf(stderr, "build failed: %s\n", err.message);
        sirt__dcm_free(f);
        return 0;
    }
    *out = f;
    return 1;
}

static void read_back(const char *path, int bits)
{
    sirt_error err = {0};
    sirt_dcm_file *f = NULL;
    check_int(sirt__dcm_load(path, 1, &f, &err), SIRT_OK, "load %s: %s", path, err.message);
    if (!f)
        return;
    check_str(sirt__dcm_transfer_syntax(f), "1.2.840.10008.1.2.1", "Explicit VR LE");
    sirt_dcm_item *r = sirt__dcm_root(f);
    char buf[128];
    check_true(sirt__dcm_get_string(r, T(0x0010, 0x0010), buf, sizeof buf), "PatientName present");
    check_str(buf, "Doe^Jane", "PatientName");
    check_true(sirt__dcm_get_string(r, T(0x0020, 0x0037), buf, sizeof buf), "IOP as text");
    check_str(buf, "1\\0\\0\\0\\1\\0", "IOP joined by backslash");
    check_int((long)sirt__dcm_vm(r, T(0x0020, 0x0037)), 6, "IOP VM");
    check_int((long)sirt__dcm_vm(r, T(0x0020, 0x0032)), 3, "IPP VM");
    check_int((long)sirt__dcm_vm(r, T(0x0020, 0x0013)), 0, "absent tag VM 0");
    check_int(sirt__dcm_has(r, T(0x0008, 0x0060)), 1, "Modality present");
    check_int(sirt__dcm_has(r, T(0x0008, 0x0070)), 0, "Manufacturer absent");
    /* Too small a buffer: truncated and 0. */
    check_int(sirt__dcm_get_string(r, T(0x0010, 0x0010), buf, 4), 0, "short buffer -> 0");
    check_int((long)strlen(buf), 3, "short buffer truncated and terminated");
    double v = 0;
    const double ipp[3] = {-120.5, -99.25, 31.0};
    for (size_t i = 0; i < 3; i++) {
        check_int(sirt__dcm_get_double(r, T(0x0020, 0x0032), i, &v), 1, "IPP[%zu]", i);
        check_abs(v, ipp[i], 0, "IPP[%zu] value", i);
    }
    check_int(sirt__dcm_get_double(r, T(0x0020, 0x0032), 3, &v), 0, "IPP[3] out of range");
    check_true(sirt__dcm_get_double(r, T(0x0028, 0x0030), 0, &v) && v == 0.9765625,
               "PixelSpacing[0] 0.9765625 exact (DS shortest round-trip)");
    check_true(sirt__dcm_get_double(r, T(0x0028, 0x0030), 1, &v) && v == 0.1, "PixelSpacing[1]");
    check_true(sirt__dcm_get_double(r, T(0x0028, 0x0010), 0, &v) && v == 2, "Rows (US) = 2");
    check_true(sirt__dcm_get_double(r, T(0x0028, 0x0008), 0, &v) && v == 1, "NumberOfFrames IS");
    check_true(sirt__dcm_get_double(r, T(0x3004, 0x000E), 0, &v) && v == 3.0e-3, "DS 0.003");
    check_int(sirt__dcm_get_double(r, T(0x0010, 0x0010), 0, &v), 0, "name is not a number");
    /* Sequences. */
    check_int((long)sirt__dcm_seq_count(r, T(0x0054, 0x0016)), 2, "two items");
    check_int((long)sirt__dcm_seq_count(r, T(0x0008, 0x0060)), 0, "not a sequence");
    sirt_dcm_item *it = sirt__dcm_seq_item(r, T(0x0054, 0x0016), 0);
    check_true(it != NULL, "item 0");
    check_true(sirt__dcm_seq_item(r, T(0x0054, 0x0016), 2) == NULL, "item 2 absent");
    if (it) {
        check_true(sirt__dcm_get_double(it, T(0x0018, 0x1075), 0, &v) && v == 6586.2,
                   "half-life in item");
        check_true(sirt__dcm_get_double(it, T(0x0018, 0x1074), 0, &v) && v == 3.7e8, "dose");
        check_true(sirt__dcm_get_string(it, T(0x0018, 0x1078), buf, sizeof buf) &&
                       strcmp(buf, "20261124103205.000000") == 0, "DT in item");
        sirt_dcm_item *code = sirt__dcm_seq_item(it, T(0x0054, 0x0300), 0);
        check_true(code && sirt__dcm_get_string(code, T(0x0008, 0x0100), buf, sizeof buf) &&
                       strcmp(buf, "C-111A1") == 0, "nested sequence code value");
        check_int(sirt__dcm_has(it, T(0x0008, 0x0060)), 0, "item does not see root tags");
    }
    sirt_dcm_item *it2 = sirt__dcm_seq_item(r, T(0x0054, 0x0016), 1);
    check_true(it2 && sirt__dcm_get_string(it2, T(0x0018, 0x0031), buf, sizeof buf) &&
                   strcmp(buf, "FDG") == 0, "item 1");
    /* Pixels. */
    double px[6];
    check_int(sirt__dcm_get_pixels(f, px, 6, &err), SIRT_OK, "pixels: %s", err.message);
    if (bits == 16) {
        const double want[6] = {-1024, 0, 1, 32767, -32768, 1200};
        for (int i = 0; i < 6; i++)
            check_abs(px[i], want[i], 0, "pixel16[%d]", i);
    } else {
        const double want[6] = {-70000, 0, 1, 2147483647.0, -2147483648.0, 123456789};
        for (int i = 0; i < 6; i++)
            check_abs(px[i], want[i], 0, "pixel32[%d]", i);
    }
    sirt_error e2 = {0};
    check_int(sirt__dcm_get_pixels(f, px, 5, &e2), SIRT_EFORMAT, "wrong count refused");
    check_true(strstr(e2.message, path) != NULL, "count error names the file: %s", e2.message);
    sirt__dcm_free(f);

    /* Header-only load does not see the pixels but sees the rest. */
    f = NULL;
    check_int(sirt__dcm_load(path, 0, &f, &err), SIRT_OK, "header-only load");
    if (f) {
        check_int(sirt__dcm_has(sirt__dcm_root(f), T(0x7FE0, 0x0010)), 0, "no PixelData");
        check_int((long)sirt__dcm_seq_count(sirt__dcm_root(f), T(0x0054, 0x0016)), 2,
                  "sequence in header-only load");
        sirt__dcm_free(f);
    }
}

int main(void)
{
    char dir[] = "/tmp/sirt_dcmshim_XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    char p16[256], p16b[256], p32[256], trunc[256], text[256];
    snprintf(p16, sizeof p16, "%s/a16.dcm", dir);
    snprintf(p16b, sizeof p16b, "%s/b16.dcm", dir);
    snprintf(p32, sizeof p32, "%s/a32.dcm", dir);
    snprintf(trunc, sizeof trunc, "%s/trunc.dcm", dir);
    snprintf(text, sizeof text, "%s/notes.txt", dir);
    sirt_error err = {0};
    sirt_dcm_file *f = NULL;

    check_true(build(&f, 16), "build 16-bit dataset");
    check_int(sirt__dcm_save(f, p16, &err), SIRT_OK, "save: %s", err.message);
    check_int(sirt__dcm_save(f, p16b, &err), SIRT_OK, "save again");
    sirt__dcm_free(f);
    f = NULL;
    check_true(build(&f, 32), "build 32-bit dataset");
    check_int(sirt__dcm_save(f, p32, &err), SIRT_OK, "save 32: %s", err.message);
    sirt__dcm_free(f);

    read_back(p16, 16);
    read_back(p32, 32);

    /* Deterministic bytes: the same dataset saved twice (and built twice) is identical. */
    char *a = NULL, *b = NULL;
    size_t na = 0, nb = 0;
    check_int(sirt_read_file(p16, 1 << 20, "dicom", &a, &na, &err), SIRT_OK, "read a");
    check_int(sirt_read_file(p16b, 1 << 20, "dicom", &b, &nb, &err), SIRT_OK, "read b");
    check_true(a && b && na == nb && memcmp(a, b, na) == 0, "same bytes twice (%zu, %zu)", na, nb);
    check_true(a && na > 132 && memcmp(a + 128, "DICM", 4) == 0, "Part 10 preamble");

    /* Loading from a buffer gives the same values. */
    if (a) {
        sirt_dcm_file *m = NULL;
        check_int(sirt__dcm_load_buffer(a, na, "mem", &m, &err), SIRT_OK, "load buffer: %s",
                  err.message);
        double px[6];
        check_true(m && sirt__dcm_get_pixels(m, px, 6, &err) == SIRT_OK && px[0] == -1024 &&
                       px[5] == 1200, "pixels from buffer");
        sirt__dcm_free(m);
        /* Truncated in the pixel data: the buffer load and the file load fail. */
        sirt_error e3 = {0};
        m = NULL;
        check_true(sirt__dcm_load_buffer(a, na - 5, "membuf", &m, &e3) != SIRT_OK && m == NULL,
                   "truncated buffer refused");
        check_true(strstr(e3.message, "membuf") != NULL, "buffer error names it: %s", e3.message);
        check_int(sirt_write_file_atomic(trunc, a, na - 5, &err), SIRT_OK, "write truncated");
        sirt_error e4 = {0};
        sirt_status st = sirt__dcm_load(trunc, 1, &m, &e4);
        if (st == SIRT_OK) { /* lazy loading may defer the error to the pixel read */
            double px2[6];
            st = sirt__dcm_get_pixels(m, px2, 6, &e4);
            sirt__dcm_free(m);
            m = NULL;
        }
        check_true(st != SIRT_OK, "truncated file refused");
        check_true(strstr(e4.message, trunc) != NULL, "truncated error names file: %s",
                   e4.message);
        /* Truncated inside the header. */
        check_int(sirt_write_file_atomic(trunc, a, 200, &err), SIRT_OK, "write truncated hdr");
        sirt_error e5 = {0};
        check_true(sirt__dcm_load(trunc, 0, &m, &e5) != SIRT_OK && m == NULL,
                   "truncated header refused: %s", e5.message);
    }
    free(a);
    free(b);

    const char *txt = "this is not DICOM at all, just a text file with enough bytes in it to "
                      "pass the preamble length; it must be refused by the shim.\n"
                      "0123456789012345678901234567890123456789012345678901234567890123456789\n";
    check_int(sirt_write_file_atomic(text, txt, strlen(txt), &err), SIRT_OK, "write text");
    sirt_error e6 = {0};
    check_int(sirt__dcm_load(text, 1, &f, &e6), SIRT_EFORMAT, "text refused");
    check_true(strstr(e6.message, text) != NULL && strstr(e6.message, "not a DICOM") != NULL,
               "text error: %s", e6.message);
    sirt_error e7 = {0};
    char missing[300];
    snprintf(missing, sizeof missing, "%s/missing.dcm", dir);
    check_int(sirt__dcm_load(missing, 1, &f, &e7), SIRT_EIO, "missing file: %s", e7.message);
    sirt_error e8 = {0};
    check_int(sirt__dcm_load_buffer("DICM", 4, "tiny", &f, &e8), SIRT_EFORMAT, "tiny buffer");

    /* Save without SOP UIDs refused; nothing left behind. */
    sirt_dcm_file *g = NULL;
    check_int(sirt__dcm_new(&g, &err), SIRT_OK, "new");
    char nosop[300];
    snprintf(nosop, sizeof nosop, "%s/nosop.dcm", dir);
    sirt_error e9 = {0};
    check_int(sirt__dcm_save(g, nosop, &e9), SIRT_EINVAL, "save without SOP UIDs refused");
    check_true(access(nosop, F_OK) != 0, "nothing written");
    /* Integer VR out of range refused. */
    const double big = 70000;
    check_int(sirt__dcm_put_numbers(sirt__dcm_root(g), T(0x0028, 0x0010), &big, 1, &e9) ==
                  SIRT_OK, 0, "US 70000 refused");
    sirt__dcm_free(g);

    remove(p16); remove(p16b); remove(p32); remove(trunc); remove(text);
    char cmd_dir[300];
    snprintf(cmd_dir, sizeof cmd_dir, "%s", dir);
    check_int(rmdir(cmd_dir), 0, "temp folder empty (no temporary files left)");
    return check_failures();
}
