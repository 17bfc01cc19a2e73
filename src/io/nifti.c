/* NIfTI-1/-2 in and out through nifticlib (sirt/image.h, docs/images.md, style.md §6). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nifti2_io.h>
#include <zlib.h>

#include "io/nifti_priv.h"
#include "sirt/image.h"

#define UNIT_TAG "sirt:unit="

/* One voxel of any numeric NIfTI datatype as a double; 0 when the type is not numeric. */
static int voxel_value(const void *data, int dt, size_t n, double *v)
{
    switch (dt) {
    case NIFTI_TYPE_UINT8: *v = ((const uint8_t *)data)[n]; return 1;
    case NIFTI_TYPE_INT8: *v = ((const int8_t *)data)[n]; return 1;
    case NIFTI_TYPE_INT16: *v = ((const int16_t *)data)[n]; return 1;
    case NIFTI_TYPE_UINT16: *v = ((const uint16_t *)data)[n]; return 1;
    case NIFTI_TYPE_INT32: *v = ((const int32_t *)data)[n]; return 1;
    case NIFTI_TYPE_UINT32: *v = ((const uint32_t *)data)[n]; return 1;
    case NIFTI_TYPE_INT64: *v = (double)((const int64_t *)data)[n]; return 1;
    case NIFTI_TYPE_UINT64: *v = (double)((const uint64_t *)data)[n]; return 1;
    case NIFTI_TYPE_FLOAT32: *v = ((const float *)data)[n]; return 1;
    case NIFTI_TYPE_FLOAT64: *v = ((const double *)data)[n]; return 1;
    default: return 0;
    }
}

const char *sirt_image_nifti_datatype_name(int datatype)
{
    const char *s = nifti_datatype_string(datatype); /* "NIFTI_TYPE_INT16" */
    if (!s)
        return "UNKNOWN";
    return strncmp(s, "NIFTI_TYPE_", 11) == 0 ? s + 11 : s;
}

static sirt_status read_fail(nifti_image *nim, const char *path, sirt_status st, sirt_error *err,
                             const char *what)
{
    if (nim)
        nifti_image_free(nim);
    return sirt_error_set(err, st, "path", "\"%s\": %s", path, what);
}

/* Checks on a header (before any data is read): a NIfTI (not ANALYZE/ASCII) type, at most 3
 * dimensions, dims >= 1, a real numeric datatype. On failure nim is freed. */
static sirt_status check_header(nifti_image *nim, const char *path, sirt_error *err)
{
    if (nim->nifti_type != NIFTI_FTYPE_NIFTI1_1 && nim->nifti_type != NIFTI_FTYPE_NIFTI2_1 &&
        nim->nifti_type != NIFTI_FTYPE_NIFTI1_2 && nim->nifti_type != NIFTI_FTYPE_NIFTI2_2)
        return read_fail(nim, path, SIRT_EFORMAT, err,
                         "not a NIfTI file (ANALYZE or ASCII headers are not accepted)");
    for (int d = 4; d <= 7; d++)
        if (nim->dim[0] >= d && nim->dim[d] > 1) {
            char msg[200];
            snprintf(msg, sizeof msg,
                     "%d-D image (dim[%d] = %lld); only 3-D images are accepted (extract one "
                     "volume first)",
                     (int)nim->dim[0], d, (long long)nim->dim[d]);
            return read_fail(nim, path, SIRT_EUNSUPPORTED, err, msg);
        }
    int64_t nx = nim->nx, ny = nim->dim[0] >= 2 ? nim->ny : 1, nz = nim->dim[0] >= 3 ? nim->nz : 1;
    if (nx < 1 || ny < 1 || nz < 1)
        return read_fail(nim, path, SIRT_EFORMAT, err, "dims below 1");
    static const double zero8[1] = {0.0}; /* 8 bytes: enough for one voxel of any type */
    double probe;
    if (!voxel_value(zero8, nim->datatype, 0, &probe)) {
        char msg[160];
        const char *dts = nifti_datatype_string(nim->datatype);
        snprintf(msg, sizeof msg, "datatype %s (%d) is not a real numeric type",
                 dts ? dts : "?", nim->datatype);
        return read_fail(nim, path, SIRT_EUNSUPPORTED, err, msg);
    }
    return SIRT_OK;
}

/* check_header, then the sirt_image allocated (its voxel count capped by sirt_image_new). */
static sirt_status check_and_alloc(nifti_image *nim, const char *path, sirt_image **img,
                                   sirt_error *err)
{
    *img = NULL;
    sirt_status st = check_header(nim, path, err);
    if (st != SIRT_OK)
        return st;
    int64_t nx = nim->nx, ny = nim->dim[0] >= 2 ? nim->ny : 1, nz = nim->dim[0] >= 3 ? nim->nz : 1;
    sirt_error e2 = {0};
    if (sirt_image_new((size_t)nx, (size_t)ny, (size_t)nz, img, &e2) != SIRT_OK) {
        nifti_image_free(nim);
        return sirt_error_set(err, e2.status, "path", "\"%s\": %s", path, e2.message);
    }
    return SIRT_OK;
}

/* Geometry, scaling, voxels and unit from a header whose data is loaded; frees nim. */
static sirt_status fill_image(nifti_image *nim, int nver, const char *path, sirt_image *img,
                              sirt_image **out, sirt_error *err)
{
    /* Geometry: sform when sform_code > 0, else qform (nifticlib builds qto_xyz from the
     * quaternion, or from pixdim alone when qform_code is 0). */
    nifti_dmat44 a;
    if (nim->sform_code > 0) {
        a = nim->sto_xyz;
        img->xform = SIRT_IMAGE_XFORM_SFORM;
    } else {
        a = nim->qto_xyz;
        img->xform = nim->qform_code > 0 ? SIRT_IMAGE_XFORM_QFORM : SIRT_IMAGE_XFORM_NONE;
    }
    double to_mm = 1.0; /* NIFTI_UNITS_UNKNOWN is taken as mm, as nibabel and ITK do */
    if (nim->xyz_units == NIFTI_UNITS_METER)
        to_mm = 1000.0;
    else if (nim->xyz_units == NIFTI_UNITS_MICRON)
        to_mm = 0.001;
    for (int c = 0; c < 3; c++) {
        double col[3], norm = 0.0;
        for (int r = 0; r < 3; r++) {
            /* RAS+ to LPS: negate x and y (DICOM PS3.3 C.7.6.2.1.1 vs NIfTI-1 header). */
            col[r] = (r < 2 ? -1.0 : 1.0) * a.m[r][c] * to_mm;
            norm += col[r] * col[r];
        }
        norm = sqrt(norm);
        img->spacing_mm[c] = norm;
        for (int r = 0; r < 3; r++)
            img->direction[r][c] = (norm > 0.0 ? col[r] / norm : (r == c ? 1.0 : 0.0)) + 0.0; /* no -0 */
    }
    for (int r = 0; r < 3; r++)
        img->origin_mm[r] = (r < 2 ? -1.0 : 1.0) * a.m[r][3] * to_mm + 0.0;

    double slope = nim->scl_slope, inter = nim->scl_inter;
    if (slope == 0.0 || !isfinite(slope) || !isfinite(inter)) { /* NIfTI-1: 0 means none */
        slope = 1.0;
        inter = 0.0;
    }
    img->scl_slope = slope;
    img->scl_inter = inter;
    img->nifti_datatype = nim->datatype;
    img->nifti_version = nver == 2 ? 2 : 1;
    size_t n = sirt_image_voxel_count(img);
    for (size_t i = 0; i < n; i++) {
        double v = 0.0;
        voxel_value(nim->data, nim->datatype, i, &v);
        img->voxels[i] = (float)(v * slope + inter);
    }
    char descrip[81];
    memcpy(descrip, nim->descrip, 80);
    descrip[80] = '\0';
    const char *tag = strstr(descrip, UNIT_TAG);
    if (tag) {
        char name[32];
        size_t k = 0;
        for (tag += strlen(UNIT_TAG); *tag && *tag != ';' && *tag != ' ' && k + 1 < sizeof name;)
            name[k++] = *tag++;
        name[k] = '\0';
        sirt_error ue = {0};
        if (sirt_image_unit_parse(name, &img->unit, "descrip", &ue) != SIRT_OK) {
            sirt_image_free(img);
            return read_fail(nim, path, SIRT_EFORMAT, err, ue.message);
        }
    }
    nifti_image_free(nim);
    *out = img;
    return SIRT_OK;
}

/* What nifticlib is given must pass this first: sizeof_hdr 348 or 540 (either byte order),
 * then, in native order, the magic of that version and dim[0] in 1..7, and nifticlib's own
 * header check. Its conversion (3.0.1) decides again by dim[0] whether to swap, cannot swap a
 * header whose magic says version 3-9 ("not ready for version 4") and then loops up to the
 * unswapped dim[0], writing past its copy of the header on the stack (found by fuzz_nifti). */
static int header_precheck(const unsigned char *b, size_t len, int *nver, int *swapped,
                           size_t *hsize)
{
    if (len < 4)
        return 0;
    uint32_t le = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
                  (uint32_t)b[3] << 24;
    uint32_t be = (uint32_t)b[3] | (uint32_t)b[2] << 8 | (uint32_t)b[1] << 16 |
                  (uint32_t)b[0] << 24;
    *nver = (le == 348 || be == 348) ? 1 : (le == 540 || be == 540) ? 2 : 0;
    *swapped = !(le == 348 || le == 540);
    *hsize = *nver == 2 ? sizeof(nifti_2_header) : sizeof(nifti_1_header);
    if (!*nver || len < *hsize)
        return 0;
    if (*nver == 1) {
        nifti_1_header h;
        memcpy(&h, b, sizeof h);
        if (*swapped)
            nifti_swap_as_nifti1(&h);
        int magic_ok = h.magic[0] == 'n' && (h.magic[1] == '+' || h.magic[1] == 'i') &&
                       h.magic[2] == '1' && h.magic[3] == '\0';
        return magic_ok && h.dim[0] >= 1 && h.dim[0] <= 7 && nifti_hdr1_looks_good(&h);
    }
    nifti_2_header h;
    memcpy(&h, b, sizeof h);
    if (*swapped)
        nifti_swap_as_nifti2(&h);
    static const char magic2[8] = {'n', '+', '2', '\0', '\r', '\n', '\032', '\n'};
    static const char magic2i[8] = {'n', 'i', '2', '\0', '\r', '\n', '\032', '\n'};
    int magic_ok = memcmp(h.magic, magic2, 8) == 0 || memcmp(h.magic, magic2i, 8) == 0;
    return magic_ok && h.dim[0] >= 1 && h.dim[0] <= 7 && nifti_hdr2_looks_good(&h);
}

sirt_status sirt_image_read_nifti(const char *path, sirt_image **out, sirt_error *err)
{
    *out = NULL;
    struct stat sb;
    if (stat(path, &sb) != 0)
        return sirt_error_set(err, SIRT_EIO, "path", "\"%s\": cannot read NIfTI file: %s", path,
                              strerror(errno));
    if (!S_ISREG(sb.st_mode))
        return sirt_error_set(err, SIRT_EIO, "path", "\"%s\": not a regular file", path);
    /* The header bytes first (gzread reads plain files as they are), checked as above. */
    unsigned char hb[sizeof(nifti_2_header)];
    int hn = -1, gzipped = 0;
    gzFile gf = gzopen(path, "rb");
    if (gf) {
        hn = gzread(gf, hb, (unsigned)sizeof hb);
        gzipped = !gzdirect(gf);
        gzclose(gf);
    }
    int nver0 = 0, swapped0 = 0;
    size_t hsize0 = 0;
    if (hn < 0 || !header_precheck(hb, (size_t)hn, &nver0, &swapped0, &hsize0))
        return sirt_error_set(err, SIRT_EFORMAT, "path",
                              "\"%s\": not a readable NIfTI-1/NIfTI-2 header (bad magic, size or "
                              "dims)",
                              path);
    /* Header first, without data: absurd dims are refused before nifticlib allocates. */
    nifti_image *nim = nifti_image_read(path, 0);
    if (!nim)
        return sirt_error_set(err, SIRT_EFORMAT, "path",
                              "\"%s\": not a readable NIfTI-1/NIfTI-2 header (bad magic, size or "
                              "dims)",
                              path);
    /* A plain file must hold the whole volume before the image is allocated (a 400-byte file
     * claiming 2^30 voxels is refused here, not after a 4 GiB allocation). */
    if (!gzipped && nim->nbyper > 0 && nim->iname_offset >= 0 && nim->nvox >= 0 &&
        nim->nvox <= (int64_t)SIRT_IMAGE_MAX_VOXELS && /* larger: refused as absurd below */
        (int64_t)sb.st_size - nim->iname_offset < nim->nvox * nim->nbyper)
        return read_fail(nim, path, SIRT_EFORMAT, err,
                         "voxel data could not be read (file truncated or corrupt)");
    sirt_image *img = NULL;
    sirt_status st = check_and_alloc(nim, path, &img, err);
    if (st != SIRT_OK)
        return st;
    if (nifti_image_load(nim) != 0 || !nim->data) {
        sirt_image_free(img);
        return read_fail(nim, path, SIRT_EFORMAT, err,
                         "voxel data could not be read (file truncated or corrupt)");
    }
    /* nifticlib reports nifti_type 1 for a NIfTI-2 file read; ask the header reader. */
    int nver = 1;
    void *hdr = nifti_read_header(path, &nver, 0);
    free(hdr);
    return fill_image(nim, nver, path, img, out, err);
}

sirt_status sirt__nifti_read_buffer(const void *buf, size_t len, const char *name,
                                    sirt_image **out, sirt_error *err)
{
    *out = NULL;
    int nver = 0, swapped = 0;
    size_t hsize = 0;
    if (!header_precheck(buf, len, &nver, &swapped, &hsize))
        return sirt_error_set(err, SIRT_EFORMAT, "path",
                              "\"%s\": not a readable NIfTI-1/NIfTI-2 header (bad magic, size "
                              "or dims)",
                              name);
    nifti_image *nim = NULL;
    if (nver == 1) {
        nifti_1_header h;
        memcpy(&h, buf, sizeof h);
        if (swapped)
            nifti_swap_as_nifti1(&h);
        nim = nifti_convert_n1hdr2nim(h, name);
    } else {
        nifti_2_header h;
        memcpy(&h, buf, sizeof h);
        if (swapped)
            nifti_swap_as_nifti2(&h);
        nim = nifti_convert_n2hdr2nim(h, name);
    }
    if (!nim)
        return sirt_error_set(err, SIRT_EFORMAT, "path",
                              "\"%s\": not a readable NIfTI-1/NIfTI-2 header (bad magic, size "
                              "or dims)",
                              name);
    const unsigned char *b = buf;
    if (nim->nifti_type == NIFTI_FTYPE_NIFTI1_2 || nim->nifti_type == NIFTI_FTYPE_NIFTI2_2)
        return read_fail(nim, name, SIRT_EFORMAT, err,
                         "a two-file (.hdr/.img) header: no data in this buffer");
    sirt_status st = check_header(nim, name, err);
    if (st != SIRT_OK)
        return st;
    /* Data at iname_offset: the whole volume must be in the buffer, checked before anything
     * is allocated (dims >= 1 each, so the product only grows; stop once past the buffer). */
    size_t per = nim->nbyper > 0 ? (size_t)nim->nbyper : 0, vox = 1;
    int64_t off = nim->iname_offset;
    int64_t d3[3] = {nim->nx, nim->dim[0] >= 2 ? nim->ny : 1, nim->dim[0] >= 3 ? nim->nz : 1};
    int fits = per > 0 && off >= (int64_t)hsize && (uint64_t)off <= len;
    for (int a = 0; a < 3 && fits; a++) {
        if ((uint64_t)d3[a] > (len - (size_t)off) / per / vox)
            fits = 0;
        else
            vox *= (size_t)d3[a];
    }
    if (!fits)
        return read_fail(nim, name, SIRT_EFORMAT, err,
                         "voxel data could not be read (file truncated or corrupt)");
    sirt_image *img = NULL;
    st = check_and_alloc(nim, name, &img, err);
    if (st != SIRT_OK)
        return st;
    nim->data = malloc(vox * per);
    if (!nim->data) {
        sirt_image_free(img);
        return read_fail(nim, name, SIRT_ENOMEM, err, "out of memory");
    }
    memcpy(nim->data, b + off, vox * per);
    if ((swapped || nim->byteorder != nifti_short_order()) && nim->swapsize > 1)
        nifti_swap_Nbytes((int64_t)vox * (int64_t)per / nim->swapsize, nim->swapsize, nim->data);
    return fill_image(nim, nver, name, img, out, err);
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* The nifti_image for `img` (float32, sform and qform code 1, unit in descrip); its data
 * pointer borrows img->voxels and must be detached (set to NULL) before nifti_image_free. */
static sirt_status make_nim(const sirt_image *img, const char *path, int *gz, nifti_image **out,
                            sirt_error *err)
{
    *out = NULL;
    *gz = ends_with(path, ".nii.gz");
    if (!*gz && !ends_with(path, ".nii"))
        return sirt_error_set(err, SIRT_EINVAL, "path",
                              "\"%s\": NIfTI output name must end in .nii or .nii.gz", path);
    for (int a = 0; a < 3; a++)
        if (!(img->spacing_mm[a] > 0.0) || !isfinite(img->spacing_mm[a]))
            return sirt_error_set(err, SIRT_ERANGE, "spacing_mm",
                                  "\"%s\": spacing_mm[%d] = %g mm (accepted: > 0 mm, finite)",
                                  path, a, img->spacing_mm[a]);
    int64_t dims[8] = {3, (int64_t)img->nx, (int64_t)img->ny, (int64_t)img->nz, 1, 1, 1, 1};
    nifti_image *nim = nifti_make_new_nim(dims, NIFTI_TYPE_FLOAT32, 0);
    if (!nim)
        return sirt_error_set(err, SIRT_ENOMEM, "path", "\"%s\": cannot build a NIfTI header",
                              path);
    nim->data = img->voxels; /* borrowed; detached before nifti_image_free */
    nim->nifti_type = NIFTI_FTYPE_NIFTI1_1;
    nim->xyz_units = NIFTI_UNITS_MM;
    nim->scl_slope = 1.0;
    nim->scl_inter = 0.0;
    nim->dx = nim->pixdim[1] = img->spacing_mm[0];
    nim->dy = nim->pixdim[2] = img->spacing_mm[1];
    nim->dz = nim->pixdim[3] = img->spacing_mm[2];
    /* LPS to RAS+: negate rows x and y of the affine. */
    nifti_dmat44 a;
    memset(&a, 0, sizeof a);
    for (int r = 0; r < 3; r++) {
        double s = r < 2 ? -1.0 : 1.0;
        for (int c = 0; c < 3; c++)
            a.m[r][c] = s * img->direction[r][c] * img->spacing_mm[c];
        a.m[r][3] = s * img->origin_mm[r];
    }
    a.m[3][3] = 1.0;
    nim->sform_code = NIFTI_XFORM_SCANNER_ANAT;
    nim->sto_xyz = a;
    nim->sto_ijk = nifti_dmat44_inverse(a);
    /* The qform is the nearest rotation (nifticlib orthogonalises); the sform is exact. */
    double qb, qc, qd, qx, qy, qz, dx, dy, dz, qfac;
    nifti_dmat44_to_quatern(a, &qb, &qc, &qd, &qx, &qy, &qz, &dx, &dy, &dz, &qfac);
    nim->qform_code = NIFTI_XFORM_SCANNER_ANAT;
    nim->quatern_b = qb;
    nim->quatern_c = qc;
    nim->quatern_d = qd;
    nim->qoffset_x = qx;
    nim->qoffset_y = qy;
    nim->qoffset_z = qz;
    nim->qfac = qfac;
    nim->qto_xyz = nifti_quatern_to_dmat44(qb, qc, qd, qx, qy, qz, nim->dx, nim->dy, nim->dz,
                                           qfac);
    nim->qto_ijk = nifti_dmat44_inverse(nim->qto_xyz);
    snprintf(nim->descrip, sizeof nim->descrip, "%s%s", UNIT_TAG, sirt_image_unit_name(img->unit));
    *out = nim;
    return SIRT_OK;
}

/* Temporary name in the same folder, same extension (nifticlib picks gzip from it). */
static char *temp_name(const char *path, int gz)
{
    size_t len = strlen(path) + 64;
    char *tmp = malloc(len);
    if (tmp)
        snprintf(tmp, len, "%.*s.tmp%ld%s", (int)(strlen(path) - (gz ? 7 : 4)), path,
                 (long)getpid(), gz ? ".nii.gz" : ".nii");
    return tmp;
}

/* The temporary file reads back through nifticlib with the same dims, float32 and every voxel
 * byte, and as the NIfTI version asked for. */
static int reads_back(const char *tmp, const sirt_image *img, int version)
{
    nifti_image *back = nifti_image_read(tmp, 1);
    size_t bytes = sirt_image_voxel_count(img) * sizeof(float);
    int ok = back && back->nx == (int64_t)img->nx && back->ny == (int64_t)img->ny &&
             back->nz == (int64_t)img->nz && back->datatype == NIFTI_TYPE_FLOAT32 &&
             back->data && memcmp(back->data, img->voxels, bytes) == 0;
    if (back)
        nifti_image_free(back);
    int nver = 0;
    void *hdr = ok ? nifti_read_header(tmp, &nver, 1) : NULL;
    free(hdr);
    return ok && nver == version;
}

/* NIfTI-2 single file: nifticlib 3.0.1's writer cannot make one (for nifti_type NIFTI2_1 it
 * writes a two-file NIfTI-1 header, "ni1", and then reopens the same name for the data, so
 * the header is lost; checked with nifti_image_write on Debian's 3.0.1). So nifticlib builds
 * the 540-byte nifti_2_header (nifti_convert_nim2n2hdr) and we write header, the 4-byte
 * extension flag (no extensions) and the voxels at vox_offset 544 (NIfTI-2 header spec:
 * sizeof_hdr 540, magic "n+2\0\r\n\032\n", vox_offset a multiple of 16). Host byte order,
 * as nifticlib writes; readers detect it from sizeof_hdr. gzip through zlib. */
static int write_n2_bytes(const char *tmp, int gz, const nifti_2_header *hdr, const float *v,
                          size_t n)
{
    static const char ext[4] = {0, 0, 0, 0};
    size_t bytes = n * sizeof(float);
    if (gz) {
        gzFile f = gzopen(tmp, "wb6");
        if (!f)
            return -1;
        int ok = gzwrite(f, hdr, (unsigned)sizeof *hdr) == (int)sizeof *hdr &&
                 gzwrite(f, ext, 4) == 4;
        /* gzwrite takes unsigned lengths: write in 1 GiB pieces. */
        const char *p = (const char *)v;
        for (size_t done = 0; ok && done < bytes;) {
            unsigned piece = (unsigned)((bytes - done) > (1u << 30) ? (1u << 30) : (bytes - done));
            ok = gzwrite(f, p + done, piece) == (int)piece;
            done += piece;
        }
        return (gzclose(f) == Z_OK && ok) ? 0 : -1;
    }
    FILE *f = fopen(tmp, "wb");
    if (!f)
        return -1;
    int ok = fwrite(hdr, sizeof *hdr, 1, f) == 1 && fwrite(ext, 1, 4, f) == 4 &&
             (bytes == 0 || fwrite(v, 1, bytes, f) == bytes);
    return (fclose(f) == 0 && ok) ? 0 : -1;
}

static sirt_status write_nifti(const sirt_image *img, const char *path, int version,
                               sirt_error *err)
{
    int gz = 0;
    nifti_image *nim = NULL;
    sirt_status st = make_nim(img, path, &gz, &nim, err);
    if (st != SIRT_OK)
        return st;
    char *tmp = temp_name(path, gz);
    if (!tmp) {
        nim->data = NULL;
        nifti_image_free(nim);
        return sirt_error_set(err, SIRT_ENOMEM, "path", "out of memory");
    }
    unlink(tmp); /* a stale one from a crashed run with the same PID */
    if (version == 2) {
        nifti_2_header hdr;
        nim->nifti_type = NIFTI_FTYPE_NIFTI2_1;
        if (nifti_convert_nim2n2hdr(nim, &hdr) != 0) {
            st = sirt_error_set(err, SIRT_EINTERNAL, "path",
                                "\"%s\": nifticlib could not build a NIfTI-2 header", path);
        } else {
            static const char magic[8] = {'n', '+', '2', '\0', '\r', '\n', '\032', '\n'};
            hdr.sizeof_hdr = (int)sizeof hdr; /* 540 */
            memcpy(hdr.magic, magic, sizeof magic);
            hdr.vox_offset = (int64_t)sizeof hdr + 4; /* 544 = 34 * 16 */
            if (write_n2_bytes(tmp, gz, &hdr, img->voxels, sirt_image_voxel_count(img)) != 0)
                st = sirt_error_set(err, SIRT_EIO, "path", "\"%s\": cannot write NIfTI-2: %s",
                                    path, strerror(errno));
        }
    } else if (nifti_set_filenames(nim, tmp, 0, 1) != 0) {
        st = sirt_error_set(err, SIRT_EIO, "path", "\"%s\": cannot set NIfTI file names", path);
    } else {
        /* nifti_set_filenames resets nifti_type from the extension (".nii" -> NIfTI-1). */
        nim->nifti_type = NIFTI_FTYPE_NIFTI1_1;
        /* nifti_image_write_status is not in Debian's nifticlib 3.0.1 and nifti_image_write
         * returns void (style.md §6); its _hdr_img2 form returns only a file handle (closed:
         * NULL either way). So the status comes from reading the temporary file back. */
        nifti_image_write_hdr_img2(nim, 1, "wb", NULL, NULL);
    }
    /* Either way, header dims, version and every voxel byte must read back before the rename. */
    if (st == SIRT_OK && !reads_back(tmp, img, version))
        st = sirt_error_set(err, SIRT_EIO, "path",
                            "\"%s\": writing NIfTI-%d failed (the file does not read back)",
                            path, version);
    if (st == SIRT_OK && rename(tmp, path) != 0)
        st = sirt_error_set(err, SIRT_EIO, "path", "\"%s\": cannot rename the temporary file: %s",
                            path, strerror(errno));
    if (st != SIRT_OK)
        unlink(tmp);
    free(tmp);
    nim->data = NULL;
    nifti_image_free(nim);
    return st;
}

sirt_status sirt_image_write_nifti(const sirt_image *img, const char *path, sirt_error *err)
{
    return write_nifti(img, path, 1, err);
}

sirt_status sirt_image_write_nifti2(const sirt_image *img, const char *path, sirt_error *err)
{
    return write_nifti(img, path, 2, err);
}
