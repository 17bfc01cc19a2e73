/* The work-up measured on images (sirt/workup_images.h, docs/run.md): masks resampled onto
 * the SPECT grid as fractional occupancy, counts summed, LSF and extrahepatic fraction. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sirt/workup_images.h"

/* Extrahepatic search excludes a margin around liver and lungs: the camera blur spills their
 * counts over about one FWHM (10–15 mm for 99mTc SPECT, Ritt et al. 2011, EJNMMI 38 Suppl 1),
 * and those counts are not extrahepatic deposition. */
#define EXTRAHEPATIC_MARGIN_MM 15.0
/* Below 0.1 % of the counts, extrahepatic counts are read as noise and scatter, not as
 * deposition: they are reported in the work-up but not put into the case (where any value
 * above 0 triggers the extrahepatic rule). A visual check of the SPECT stays necessary
 * (EANM 2022 §4). */
#define EXTRAHEPATIC_DETECTION_FRACTION 0.001

typedef struct ctx {
    const char *base_dir;
    const sirt_image *spect; /* NULL: volumes only */
    const sirt_image *ct;    /* for RTSTRUCT masks; NULL when none is used */
    sirt_error *err;
} ctx;

static void join_path(char *buf, size_t size, const char *base, const char *path)
{
    if (path[0] == '/' || !base || !*base)
        snprintf(buf, size, "%s", path);
    else
        snprintf(buf, size, "%s/%s", base, path);
}

/* Loads the mask, measures its volume and (with a SPECT) its counts; keeps the occupancy on
 * the SPECT grid in *occ_out when asked (caller frees). */
static sirt_status measure(const ctx *x, const sirt_case_image_ref *ref, const char *name,
                           sirt_structure_measure *m, float **occ_out)
{
    snprintf(m->name, sizeof m->name, "%s", name);
    m->counts = NAN;
    m->territory = -1;
    sirt_mask *mask = NULL;
    sirt_case_image_ref named = *ref;
    snprintf(named.name, sizeof named.name, "%s", name);
    sirt_status st = sirt_mask_load_ref(&named, x->base_dir, x->ct, &mask, x->err);
    if (st != SIRT_OK)
        return st;
    m->volume_ml = sirt_mask_volume_ml(mask);
    if (x->spect) {
        sirt_mask *on_spect = NULL;
        st = sirt_mask_resample(mask, x->spect, 1, &on_spect, x->err);
        if (st == SIRT_OK) {
            size_t n = sirt_image_voxel_count(x->spect);
            double sum = 0.0;
            for (size_t i = 0; i < n; i++)
                sum += (double)on_spect->image->voxels[i] * x->spect->voxels[i];
            m->counts = sum;
            if (occ_out) {
                *occ_out = on_spect->image->voxels;
                on_spect->image->voxels = NULL;
            }
        }
        sirt_mask_free(on_spect);
    }
    sirt_mask_free(mask);
    return st;
}

/* Cube dilation of a 0/1 map by r voxels along each axis (three 1-D max filters). */
static void dilate(unsigned char *map, size_t nx, size_t ny, size_t nz, const int r[3],
                   unsigned char *tmp)
{
    const size_t dims[3] = {nx, ny, nz};
    const size_t stride[3] = {1, nx, nx * ny};
    size_t n = nx * ny * nz;
    for (int axis = 0; axis < 3; axis++) {
        memcpy(tmp, map, n);
        for (size_t idx = 0; idx < n; idx++) {
            if (map[idx])
                continue;
            size_t c = (idx / stride[axis]) % dims[axis];
            for (int d = -r[axis]; d <= r[axis] && !map[idx]; d++) {
                long q = (long)c + d;
                if (d == 0 || q < 0 || q >= (long)dims[axis])
                    continue;
                if (tmp[idx + (size_t)((long)stride[axis] * d)])
                    map[idx] = 1;
            }
        }
    }
}

static sirt_status add_warning(sirt_image_workup *w, const char *rule, const char *quantity,
                               double value, double limit, const char *unit, const char *msg,
                               sirt_error *err)
{
    sirt_warning wn;
    memset(&wn, 0, sizeof wn);
    snprintf(wn.rule, sizeof wn.rule, "%s", rule);
    wn.severity = SIRT_SEVERITY_WARNING;
    snprintf(wn.quantity, sizeof wn.quantity, "%s", quantity);
    wn.value = value;
    wn.limit = limit;
    snprintf(wn.unit, sizeof wn.unit, "%s", unit);
    snprintf(wn.message, sizeof wn.message, "%s", msg);
    snprintf(wn.source, sizeof wn.source, "sirtkit image work-up (docs/run.md)");
    return sirt_warning_list_add(&w->warnings, &wn, err);
}

void sirt_image_workup_free(sirt_image_workup *w)
{
    if (!w)
        return;
    free(w->territories);
    free(w->territory_normal);
    free(w->tumours);
    free(w->filled);
    sirt_warning_list_free(&w->warnings);
    free(w);
}

static const sirt_case_image_ref *find_mask(const sirt_case_image_ref *refs, size_t n,
                                            const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(refs[i].name, name) == 0)
            return &refs[i];
    return NULL;
}

static int uses_rtstruct(const sirt_case_images *im)
{
    int any = im->liver_mask.roi[0] || im->lungs_mask.roi[0] || im->body_mask.roi[0];
    for (size_t i = 0; i < im->n_territory_masks; i++)
        any |= im->territory_masks[i].roi[0] != 0;
    for (size_t i = 0; i < im->n_tumour_masks; i++)
        any |= im->tumour_masks[i].roi[0] != 0;
    return any;
}

static sirt_status extrahepatic(const ctx *x, const sirt_case_images *im, const float *liver_occ,
                                const float *lung_occ, sirt_image_workup *w)
{
    const sirt_image *s = x->spect;
    size_t n = sirt_image_voxel_count(s);
    float *body_occ = NULL;
    sirt_status st = SIRT_OK;
    if (im->body_mask.path[0]) {
        sirt_structure_measure body;
        st = measure(x, &im->body_mask, "body", &body, &body_occ);
        if (st != SIRT_OK)
            return st;
    }
    unsigned char *near = calloc(n, 1), *tmp = malloc(n);
    if (!near || !tmp) {
        free(near);
        free(tmp);
        free(body_occ);
        return sirt_error_set(x->err, SIRT_ENOMEM, "spect", "out of memory");
    }
    for (size_t i = 0; i < n; i++)
        near[i] = liver_occ[i] > 0.0f || lung_occ[i] > 0.0f;
    int r[3];
    for (int a = 0; a < 3; a++)
        r[a] = (int)ceil(EXTRAHEPATIC_MARGIN_MM / s->spacing_mm[a]);
    dilate(near, s->nx, s->ny, s->nz, r, tmp);
    double sum = 0.0, vol = 0.0, voxel_ml = w->spect_voxel_ml;
    for (size_t i = 0; i < n; i++) {
        if (near[i])
            continue;
        double occ = body_occ ? body_occ[i] : 1.0;
        sum += occ * s->voxels[i];
        vol += occ * voxel_ml;
    }
    snprintf(w->extrahepatic.name, sizeof w->extrahepatic.name, "extrahepatic");
    w->extrahepatic.counts = sum;
    w->extrahepatic.volume_ml = vol;
    w->extrahepatic.territory = -1;
    free(near);
    free(tmp);
    free(body_occ);
    return SIRT_OK;
}

sirt_status sirt_image_workup_compute(const sirt_case *c, const char *base_dir,
                                      sirt_image_workup **out, sirt_error *err)
{
    *out = NULL;
    const sirt_case_images *im = &c->images;
    if (!im->given)
        return sirt_error_set(err, SIRT_EINVAL, "$.images",
                              "the case has no $.images block: nothing to measure");
    sirt_image_workup *w = calloc(1, sizeof *w);
    if (!w)
        return sirt_error_set(err, SIRT_ENOMEM, "$.images", "out of memory");
    sirt_warning_list_init(&w->warnings);
    w->lsf_fraction = w->extrahepatic_fraction = w->total_counts = NAN;
    w->extrahepatic.counts = w->extrahepatic.volume_ml = NAN;
    sirt_image *spect = NULL, *ct = NULL;
    float *liver_occ = NULL, *lung_occ = NULL;
    sirt_status st = SIRT_OK;
    ctx x = {base_dir, NULL, NULL, err};
    if (uses_rtstruct(im)) {
        char path[SIRT_PATH_LEN + 1024];
        join_path(path, sizeof path, base_dir, im->ct);
        st = sirt_image_load(path, &ct, err);
        if (st != SIRT_OK)
            goto fail;
        x.ct = ct;
    }
    if (im->spect[0]) {
        char path[SIRT_PATH_LEN + 1024];
        join_path(path, sizeof path, base_dir, im->spect);
        st = sirt_image_load(path, &spect, err);
        if (st != SIRT_OK)
            goto fail;
        x.spect = spect;
        size_t n = sirt_image_voxel_count(spect);
        double total = 0.0;
        for (size_t i = 0; i < n; i++) {
            if (!(spect->voxels[i] >= 0.0f)) {
                st = sirt_error_set(err, SIRT_EINVAL, "$.images.spect",
                                    "\"%s\": voxel %zu = %g; SPECT counts must be >= 0 and "
                                    "finite",
                                    path, i, (double)spect->voxels[i]);
                goto fail;
            }
            total += spect->voxels[i];
        }
        if (!(total > 0.0)) {
            st = sirt_error_set(err, SIRT_EINVAL, "$.images.spect", "\"%s\" holds no counts",
                                path);
            goto fail;
        }
        w->total_counts = total;
        w->spect_voxel_ml = sirt_image_voxel_volume_ml(spect);
    }
    st = measure(&x, &im->liver_mask, "liver", &w->liver, spect ? &liver_occ : NULL);
    if (st == SIRT_OK)
        st = measure(&x, &im->lungs_mask, "lungs", &w->lungs, spect ? &lung_occ : NULL);
    if (st != SIRT_OK)
        goto fail;

    w->n_territories = c->n_territories;
    w->territories = calloc(c->n_territories, sizeof *w->territories);
    w->territory_normal = calloc(c->n_territories, sizeof *w->territory_normal);
    size_t n_tum = 0;
    for (size_t t = 0; t < c->n_territories; t++)
        n_tum += c->territories[t].n_tumours;
    w->tumours = calloc(n_tum ? n_tum : 1, sizeof *w->tumours);
    if (!w->territories || !w->territory_normal || !w->tumours) {
        st = sirt_error_set(err, SIRT_ENOMEM, "$.images", "out of memory");
        goto fail;
    }
    for (size_t t = 0; t < c->n_territories; t++) {
        const sirt_territory *tr = &c->territories[t];
        const sirt_case_image_ref *tp =
            find_mask(im->territory_masks, im->n_territory_masks, tr->name);
        sirt_structure_measure *tm = &w->territories[t];
        if (tp) {
            st = measure(&x, tp, tr->name, tm, NULL);
            if (st != SIRT_OK)
                goto fail;
        } else if (c->n_territories == 1) {
            *tm = w->liver; /* one territory without its own mask: the whole liver */
            snprintf(tm->name, sizeof tm->name, "%s", tr->name);
        } else {
            tm->volume_ml = tm->counts = NAN;
            snprintf(tm->name, sizeof tm->name, "%s", tr->name);
        }
        tm->territory = (int)t;
        sirt_structure_measure *nm = &w->territory_normal[t];
        *nm = *tm;
        for (size_t u = 0; u < tr->n_tumours; u++) {
            const sirt_case_image_ref *up =
                find_mask(im->tumour_masks, im->n_tumour_masks, tr->tumours[u].name);
            if (!up)
                continue;
            sirt_structure_measure *um = &w->tumours[w->n_tumours];
            st = measure(&x, up, tr->tumours[u].name, um, NULL);
            if (st != SIRT_OK)
                goto fail;
            um->territory = (int)t;
            w->n_tumours++;
            nm->volume_ml -= um->volume_ml;
            nm->counts -= um->counts;
        }
        if (nm->volume_ml <= 0.0 || (spect && !(nm->counts > 0.0))) {
            char msg[512];
            snprintf(msg, sizeof msg,
                     "territory \"%s\": its tumours' masks hold as much volume or counts as "
                     "the territory itself (normal volume %.1f mL, normal counts %.4g); check "
                     "that the tumour masks lie inside the territory mask",
                     tr->name, nm->volume_ml, nm->counts);
            st = add_warning(w, "image_territory_normal", "normal-liver part of territory",
                             nm->volume_ml, 0.0, "mL", msg, err);
            if (st != SIRT_OK)
                goto fail;
        }
    }
    if (spect) {
        double lung = w->lungs.counts, liver = w->liver.counts;
        w->lsf_fraction = lung / (lung + liver);
        st = extrahepatic(&x, im, liver_occ, lung_occ, w);
        if (st != SIRT_OK)
            goto fail;
        w->extrahepatic_fraction = w->extrahepatic.counts / (lung + liver + w->extrahepatic.counts);
    }
    free(liver_occ);
    free(lung_occ);
    sirt_image_free(spect);
    sirt_image_free(ct);
    *out = w;
    return SIRT_OK;
fail:
    free(liver_occ);
    free(lung_occ);
    sirt_image_free(spect);
    sirt_image_free(ct);
    sirt_image_workup_free(w);
    return st;
}

static sirt_status note_filled(sirt_image_workup *w, sirt_error *err, const char *path,
                               double value, const char *unit)
{
    void *p = realloc(w->filled, (w->n_filled + 1) * sizeof *w->filled);
    if (!p)
        return sirt_error_set(err, SIRT_ENOMEM, "$.images", "out of memory");
    w->filled = p;
    snprintf(w->filled[w->n_filled++], sizeof w->filled[0], "%s = %.6g %s (measured)", path,
             value, unit);
    return SIRT_OK;
}

static sirt_status fill(sirt_image_workup *w, sirt_error *err, double *slot, double value,
                        const char *path, const char *unit)
{
    if (!isnan(*slot) || !isfinite(value))
        return SIRT_OK;
    *slot = value;
    return note_filled(w, err, path, value, unit);
}

sirt_status sirt_case_fill_from_workup(sirt_case *c, sirt_image_workup *w, sirt_error *err)
{
    sirt_status st = SIRT_OK;
    char p[160];
    if (isnan(c->liver_mass_kg))
        st = fill(w, err, &c->liver_volume_ml, w->liver.volume_ml, "$.anatomy.liver_volume_ml",
                  "mL");
    size_t k = 0;
    for (size_t t = 0; t < c->n_territories && st == SIRT_OK; t++) {
        sirt_territory *tr = &c->territories[t];
        snprintf(p, sizeof p, "$.territories[%zu].perfused_volume_ml", t);
        st = fill(w, err, &tr->perfused_volume_ml, w->territories[t].volume_ml, p, "mL");
        int any_counts = 0;
        for (size_t u = 0; u < tr->n_tumours && st == SIRT_OK; u++) {
            sirt_tumour *tu = &tr->tumours[u];
            const sirt_structure_measure *m = NULL;
            for (k = 0; k < w->n_tumours; k++)
                if (w->tumours[k].territory == (int)t && strcmp(w->tumours[k].name, tu->name) == 0)
                    m = &w->tumours[k];
            if (!m)
                continue;
            if (isnan(tu->mass_kg)) {
                snprintf(p, sizeof p, "$.territories[%zu].tumours[%zu].volume_ml", t, u);
                st = fill(w, err, &tu->volume_ml, m->volume_ml, p, "mL");
            }
            if (st == SIRT_OK && isnan(tu->tn_ratio)) {
                snprintf(p, sizeof p, "$.territories[%zu].tumours[%zu].counts", t, u);
                st = fill(w, err, &tu->spect_counts, m->counts, p, "counts");
            }
            any_counts |= !isnan(tu->spect_counts);
        }
        if (st == SIRT_OK && any_counts) {
            snprintf(p, sizeof p, "$.territories[%zu].normal_counts", t);
            st = fill(w, err, &tr->normal_spect_counts, w->territory_normal[t].counts, p,
                      "counts");
        }
    }
    sirt_spect_counts *sc = &c->simulation.spect;
    if (st == SIRT_OK && !sc->given && isfinite(w->lungs.counts) && isfinite(w->liver.counts)) {
        sc->given = 1;
        sc->lung = w->lungs.counts;
        sc->liver = w->liver.counts;
        st = note_filled(w, err, "$.simulation.spect.lung_counts", sc->lung, "counts");
        if (st == SIRT_OK)
            st = note_filled(w, err, "$.simulation.spect.liver_counts", sc->liver, "counts");
    }
    if (st == SIRT_OK && w->extrahepatic_fraction >= EXTRAHEPATIC_DETECTION_FRACTION)
        st = fill(w, err, &c->simulation.extrahepatic_fraction, w->extrahepatic_fraction,
                  "$.simulation.extrahepatic_fraction", "");
    else if (st == SIRT_OK && isfinite(w->extrahepatic_fraction) &&
             isnan(c->simulation.extrahepatic_fraction))
        st = note_filled(w, err, "extrahepatic fraction below the 0.1 % detection threshold, "
                         "not put into the case:", w->extrahepatic_fraction, "");
    return st;
}
