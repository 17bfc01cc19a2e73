/* DICOM SEG in (sirt/dicom.h, docs/images.md "Structures"): binary and fractional segments of
 * a multi-frame Segmentation (PS3.3 A.51, C.8.20), frames placed by their
 * PerFrameFunctionalGroupsSequence plane positions, onto the SEG's own grid or resampled
 * onto the caller's grid (sirt_mask_resample). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/dicom_write_internal.h"

#define T SIRT_DCM_TAG
#define TAG_SHARED T(0x5200, 0x9229)
#define TAG_PERFRAME T(0x5200, 0x9230)

/* A functional group attribute: the frame's own group first, then the shared one. */
static sirt_dcm_item *fg_item(const sirt_dcm_item *frame, const sirt_dcm_item *shared,
                              uint32_t seq)
{
    sirt_dcm_item *it = frame ? sirt__dcm_seq_item(frame, seq, 0) : NULL;
    if (!it && shared)
        it = sirt__dcm_seq_item(shared, seq, 0);
    return it;
}

static int get_vec(const sirt_dcm_item *it, uint32_t tag, double *v, size_t n)
{
    if (!it || sirt__dcm_vm(it, tag) < n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!sirt__dcm_get_double(it, tag, i, &v[i]))
            return 0;
    return 1;
}

typedef struct seg_frame {
    double pos[3];   /* ImagePositionPatient */
    double along;    /* position along the slice normal */
    int segment;     /* ReferencedSegmentNumber */
} seg_frame;

static sirt_status fail(sirt_dcm_file *f, seg_frame *fr, double *px, sirt_status st)
{
    sirt__dcm_free(f);
    free(fr);
    free(px);
    return st;
}

sirt_status sirt_dicom_read_seg(const char *path, const sirt_image *grid, sirt_mask ***out,
                                size_t *count, sirt_error *err)
{
    *out = NULL;
    *count = 0;
    sirt_dcm_file *f = NULL;
    sirt_status st = sirt__dcm_load(path, 1, &f, err);
    if (st != SIRT_OK)
        return st;
    sirt_dcm_item *root = sirt__dcm_root(f);
    char buf[64] = "";
    if (!sirt__dcm_get_string(root, T(0x0008, 0x0060), buf, sizeof buf) ||
        strcmp(buf, "SEG") != 0)
        return fail(f, NULL, NULL,
                    sirt_error_set(err, SIRT_EFORMAT, "Modality",
                                   "\"%s\": Modality is \"%s\", not a DICOM SEG", path, buf));
    int fractional = 0;
    if (sirt__dcm_get_string(root, T(0x0062, 0x0001), buf, sizeof buf) &&
        strcmp(buf, "FRACTIONAL") == 0)
        fractional = 1;
    double maxfrac = 255.0;
    if (fractional && (!sirt__dcm_get_double(root, T(0x0062, 0x000E), 0, &maxfrac) ||
                       !(maxfrac > 0)))
        return fail(f, NULL, NULL,
                    sirt_error_set(err, SIRT_EFORMAT, "MaximumFractionalValue",
                                   "\"%s\": FRACTIONAL SEG without a MaximumFractionalValue "
                                   "(0062,000E) > 0",
                                   path));
    double rows, cols, nframes;
    if (!sirt__dcm_get_double(root, T(0x0028, 0x0010), 0, &rows) ||
        !sirt__dcm_get_double(root, T(0x0028, 0x0011), 0, &cols) || !(rows >= 1) ||
        !(cols >= 1))
        return fail(f, NULL, NULL,
                    sirt_error_set(err, SIRT_EFORMAT, "Rows", "\"%s\": no Rows/Columns", path));
    if (!sirt__dcm_get_double(root, T(0x0028, 0x0008), 0, &nframes))
        nframes = 1;
    size_t nf = sirt__dcm_seq_count(root, TAG_PERFRAME);
    if (!(nframes >= 1) || nf != (size_t)nframes)
        return fail(f, NULL, NULL,
                    sirt_error_set(err, SIRT_EFORMAT, "NumberOfFrames",
                                   "\"%s\": NumberOfFrames (0028,0008) is %g but "
                                   "PerFrameFunctionalGroupsSequence (5200,9230) has %zu items; "
                                   "they must agree",
                                   path, nframes, nf));
    size_t nseg = sirt__dcm_seq_count(root, T(0x0062, 0x0002));
    if (nseg == 0)
        return fail(f, NULL, NULL,
                    sirt_error_set(err, SIRT_EFORMAT, "SegmentSequence",
                                   "\"%s\": no SegmentSequence (0062,0002)", path));
    sirt_dcm_item *shared = sirt__dcm_seq_item(root, TAG_SHARED, 0);
    size_t nx = (size_t)cols, ny = (size_t)rows;
    seg_frame *fr = calloc(nf, sizeof *fr);
    double *px = NULL;
    if (!fr)
        return fail(f, NULL, NULL, sirt_error_set(err, SIRT_ENOMEM, "SEG", "out of memory"));
    double iop[6] = {0}, ps[2] = {0}, normal[3];
    for (size_t i = 0; i < nf; i++) {
        sirt_dcm_item *pf = sirt__dcm_seq_item(root, TAG_PERFRAME, i);
        double o[6], p[2];
        sirt_dcm_item *po = fg_item(pf, shared, T(0x0020, 0x9116));
        sirt_dcm_item *pm = fg_item(pf, shared, T(0x0028, 0x9110));
        sirt_dcm_item *pp = fg_item(pf, NULL, T(0x0020, 0x9113));
        sirt_dcm_item *si = fg_item(pf, shared, T(0x0062, 0x000A));
        double segno;
        if (!get_vec(po, T(0x0020, 0x0037), o, 6) || !get_vec(pm, T(0x0028, 0x0030), p, 2) ||
            !get_vec(pp, T(0x0020, 0x0032), fr[i].pos, 3) || !si ||
            !sirt__dcm_get_double(si, T(0x0062, 0x000B), 0, &segno))
            return fail(f, fr, NULL,
                        sirt_error_set(err, SIRT_EFORMAT, "PerFrameFunctionalGroupsSequence",
                                       "\"%s\": frame %zu lacks its plane orientation, pixel "
                                       "spacing, plane position or ReferencedSegmentNumber",
                                       path, i + 1));
        if (i == 0) {
            memcpy(iop, o, sizeof iop);
            memcpy(ps, p, sizeof ps);
        } else {
            for (int c = 0; c < 6; c++)
                if (fabs(o[c] - iop[c]) > 1e-4)
                    return fail(f, fr, NULL,
                                sirt_error_set(err, SIRT_EUNSUPPORTED, "ImageOrientationPatient",
                                               "\"%s\": frame %zu has another orientation than "
                                               "frame 1",
                                               path, i + 1));
            if (fabs(p[0] - ps[0]) > 1e-4 || fabs(p[1] - ps[1]) > 1e-4)
                return fail(f, fr, NULL,
                            sirt_error_set(err, SIRT_EUNSUPPORTED, "PixelSpacing",
                                           "\"%s\": frame %zu has another pixel spacing than "
                                           "frame 1",
                                           path, i + 1));
        }
        if (!(segno >= 1 && segno <= (double)nseg && segno == floor(segno)))
            return fail(f, fr, NULL,
                        sirt_error_set(err, SIRT_EFORMAT, "ReferencedSegmentNumber",
                                       "\"%s\": frame %zu refers to segment %g; the file "
                                       "defines segments 1..%zu",
                                       path, i + 1, segno, nseg));
        fr[i].segment = (int)segno;
    }
    normal[0] = iop[1] * iop[5] - iop[2] * iop[4];
    normal[1] = iop[2] * iop[3] - iop[0] * iop[5];
    normal[2] = iop[0] * iop[4] - iop[1] * iop[3];
    if (!(ps[0] > 0 && ps[1] > 0) || fabs(sqrt(normal[0] * normal[0] + normal[1] * normal[1] +
                                               normal[2] * normal[2]) - 1.0) > 1e-3)
        return fail(f, fr, NULL,
                    sirt_error_set(err, SIRT_EFORMAT, "ImageOrientationPatient",
                                   "\"%s\": orientation or pixel spacing is degenerate", path));
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < nf; i++) {
        fr[i].along = fr[i].pos[0] * normal[0] + fr[i].pos[1] * normal[1] +
                      fr[i].pos[2] * normal[2];
        lo = fmin(lo, fr[i].along);
        hi = fmax(hi, fr[i].along);
    }
    /* Slice spacing: SpacingBetweenSlices when given, else the smallest gap between frame
     * positions (segments may skip empty slices, so gaps can be multiples of it). */
    double dz = 0;
    sirt_dcm_item *pm0 = fg_item(sirt__dcm_seq_item(root, TAG_PERFRAME, 0), shared,
                                 T(0x0028, 0x9110));
    if (!sirt__dcm_get_double(pm0, T(0x0018, 0x0088), 0, &dz) || !(dz > 0)) {
        dz = INFINITY;
        for (size_t i = 0; i < nf; i++)
            for (size_t j = 0; j < nf; j++) {
                double d = fabs(fr[i].along - fr[j].along);
                if (d > 1e-3 && d < dz)
                    dz = d;
            }
        if (!isfinite(dz)) {
            if (!sirt__dcm_get_double(pm0, T(0x0018, 0x0050), 0, &dz) || !(dz > 0))
                dz = 1.0; /* one slice: thickness only matters for volume */
        }
    }
    /* Frames spread over an absurd number of slices (a corrupt position or spacing) would
     * allocate one mask of that size per segment: refuse before allocating. */
    double nzf = (hi - lo) / dz + 1;
    if (!(nzf <= 65535.0) ||
        nzf * (double)nx * (double)ny * (double)nseg > (double)SIRT_IMAGE_MAX_VOXELS)
        return fail(f, fr, NULL,
                    sirt_error_set(err, SIRT_EFORMAT, "ImagePositionPatient",
                                   "\"%s\": frames span %.0f slices of %g mm (%zu segments of "
                                   "%zu x %zu); at most 65535 slices and 2^30 voxels in all",
                                   path, nzf, dz, nseg, nx, ny));
    size_t nz = (size_t)lround((hi - lo) / dz) + 1;
    sirt_image *like = NULL;
    st = sirt_image_new(nx, ny, nz, &like, err);
    if (st != SIRT_OK)
        return fail(f, fr, NULL, st);
    like->spacing_mm[0] = ps[1];
    like->spacing_mm[1] = ps[0];
    like->spacing_mm[2] = dz;
    for (int r = 0; r < 3; r++) {
        like->direction[r][0] = iop[r];
        like->direction[r][1] = iop[3 + r];
        like->direction[r][2] = normal[r];
    }
    /* Origin: the in-plane position of frame 1 moved to the lowest slice. */
    double in0 = fr[0].along;
    for (int r = 0; r < 3; r++)
        like->origin_mm[r] = fr[0].pos[r] + (lo - in0) * normal[r];
    like->unit = SIRT_IMAGE_MASK_FRACTION;
    for (size_t i = 0; i < nf && st == SIRT_OK; i++) {
        double kk = (fr[i].along - lo) / dz;
        double d[3];
        for (int r = 0; r < 3; r++)
            d[r] = fr[i].pos[r] - (like->origin_mm[r] + (fr[i].along - lo) * normal[r]);
        if (fabs(kk - nearbyint(kk)) > 1e-2 ||
            sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]) > 1e-2 * fmin(ps[0], ps[1]))
            st = sirt_error_set(err, SIRT_EUNSUPPORTED, "ImagePositionPatient",
                                "\"%s\": frame %zu is not on the regular grid of the others "
                                "(slice %.3f at spacing %g mm, in-plane offset %.3g mm)",
                                path, i + 1, kk, dz,
                                sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]));
    }
    size_t plane = nx * ny;
    if (st == SIRT_OK && plane * nf / nf != plane)
        st = sirt_error_set(err, SIRT_EFORMAT, "Rows", "\"%s\": frame size overflows", path);
    if (st == SIRT_OK && !(px = malloc(plane * nf * sizeof *px)))
        st = sirt_error_set(err, SIRT_ENOMEM, "PixelData", "out of memory reading \"%s\"", path);
    if (st == SIRT_OK)
        st = sirt__dcm_get_pixels(f, px, plane * nf, err);
    sirt_mask **masks = NULL;
    if (st == SIRT_OK && !(masks = calloc(nseg, sizeof *masks)))
        st = sirt_error_set(err, SIRT_ENOMEM, "SEG", "out of memory");
    for (size_t s = 0; s < nseg && st == SIRT_OK; s++) {
        sirt_dcm_item *si = sirt__dcm_seq_item(root, T(0x0062, 0x0002), s);
        char label[64] = "";
        double num = (double)(s + 1);
        if (si)
            sirt__dcm_get_double(si, T(0x0062, 0x0004), 0, &num);
        if (!si || !sirt__dcm_get_string(si, T(0x0062, 0x0005), label, sizeof label))
            snprintf(label, sizeof label, "segment_%zu", s + 1);
        if (num != (double)(s + 1))
            st = sirt_error_set(err, SIRT_EFORMAT, "SegmentNumber",
                                "\"%s\": SegmentSequence item %zu has SegmentNumber %g; "
                                "segments must be numbered 1, 2, ... in order",
                                path, s + 1, num);
        if (st == SIRT_OK)
            st = sirt_mask_new(like, label, fractional, &masks[s], err);
    }
    for (size_t i = 0; i < nf && st == SIRT_OK; i++) {
        size_t k = (size_t)lround((fr[i].along - lo) / dz);
        float *dst = masks[fr[i].segment - 1]->image->voxels + plane * k;
        const double *src = px + plane * i;
        for (size_t v = 0; v < plane; v++) {
            double val = fractional ? src[v] / maxfrac : (src[v] != 0 ? 1.0 : 0.0);
            if (val > 1.0)
                val = 1.0;
            if (val > dst[v])
                dst[v] = (float)val;
        }
    }
    sirt_image_free(like);
    sirt__dcm_free(f);
    free(fr);
    free(px);
    if (st == SIRT_OK && grid) {
        for (size_t s = 0; s < nseg && st == SIRT_OK; s++) {
            sirt_mask *r = NULL;
            st = sirt_mask_resample(masks[s], grid, fractional, &r, err);
            if (st == SIRT_OK) {
                snprintf(r->name, sizeof r->name, "%s", masks[s]->name);
                sirt_mask_free(masks[s]);
                masks[s] = r;
            }
        }
    }
    if (st != SIRT_OK) {
        if (masks)
            sirt_mask_array_free(masks, nseg);
        return st;
    }
    *out = masks;
    *count = nseg;
    return SIRT_OK;
}
