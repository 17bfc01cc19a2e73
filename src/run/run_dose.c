/* `sirt run`, the voxel part: activity map from the simulation SPECT, kernel dose, structures,
 * DVHs, radiobiology, and the delivered dose from the post-treatment image (docs/run.md). */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/run_internal.h"

/* DVH bins: 0.1 Gy keeps Dx/Vx interpolation error far below the kernel's uncertainty
 * (sirt dvh's default). */
#define RUN_DVH_BIN_GY 0.1

static sirt_status load(run_ctx *x, const char *rel, const char *role, sirt_image **out)
{
    char p[RUN_PATH];
    sirt__run_join(p, sizeof p, x->base_dir, rel);
    sirt__run_progress(x, "loading %s %s", role, p);
    return sirt_image_load(p, out, x->err);
}

/* The simulation SPECT as the distribution of the planned activity: every voxel gets
 * A_total · counts / (total counts). The MAA (or 166Ho scout) is the surrogate of the
 * microspheres' distribution (EANM 2022 §5; domain.md §3.4). */
static sirt_status activity_from_spect(run_ctx *x, const sirt_image *counts, double activity_bq,
                                       sirt_image **out)
{
    size_t n = sirt_image_voxel_count(counts);
    double total = 0.0;
    for (size_t i = 0; i < n; i++)
        total += counts->voxels[i] > 0.0f ? counts->voxels[i] : 0.0f;
    if (!(total > 0.0))
        return sirt_error_set(x->err, SIRT_EINVAL, "$.images.spect",
                              "the image holds no counts: no activity distribution");
    sirt_image *a = NULL;
    TRY_RUN(sirt_image_new(counts->nx, counts->ny, counts->nz, &a, x->err));
    memcpy(a->spacing_mm, counts->spacing_mm, sizeof a->spacing_mm);
    memcpy(a->origin_mm, counts->origin_mm, sizeof a->origin_mm);
    memcpy(a->direction, counts->direction, sizeof a->direction);
    a->unit = SIRT_IMAGE_BQ;
    double k = activity_bq / total;
    for (size_t i = 0; i < n; i++)
        a->voxels[i] = counts->voxels[i] > 0.0f ? (float)(counts->voxels[i] * k) : 0.0f;
    *out = a;
    return SIRT_OK;
}

static sirt_status compute_dose(run_ctx *x, const sirt_image *activity, sirt_image **dose,
                                sirt_dose_result *info)
{
    sirt_dose_options o = sirt_dose_options_default();
    o.method = SIRT_DOSE_KERNEL;
    o.nuclide = x->plan->nuclide;
    o.catalogue = x->cat;
    if (x->opt->kernel_histories > 0)
        o.histories = x->opt->kernel_histories;
    if (x->opt->cache_dir)
        o.cache_dir = x->opt->cache_dir;
    o.progress = x->opt->progress;
    if (x->ct) {
        /* The engine resamples the CT onto the activity grid and scales the water kernel by
         * the local density: the first-order correction for lung and bone (docs/dose.md);
         * still biased low in lung (d'Andrea et al. 2024). FFT round-off is cleared there. */
        o.ct = x->ct;
        o.density_correction = 1;
    }
    return sirt_dose_compute(activity, &o, dose, info, x->err);
}

static sirt_status add_structure(run_ctx *x, const char *name, const char *kind, sirt_mask *m)
{
    run_structure *s = realloc(x->s, (x->n_s + 1) * sizeof *s);
    if (!s) {
        sirt_mask_free(m);
        return sirt_error_set(x->err, SIRT_ENOMEM, "run", "out of memory");
    }
    x->s = s;
    run_structure *r = &x->s[x->n_s++];
    memset(r, 0, sizeof *r);
    snprintf(r->name, sizeof r->name, "%s", name);
    snprintf(r->kind, sizeof r->kind, "%s", kind);
    r->mask = m;
    /* Centroid (occupancy-weighted) in LPS, for the slice figures. */
    const sirt_image *im = m->image;
    double sum = 0.0, c[3] = {0, 0, 0};
    for (size_t k = 0; k < im->nz; k++)
        for (size_t j = 0; j < im->ny; j++)
            for (size_t i = 0; i < im->nx; i++) {
                double w = im->voxels[i + im->nx * (j + im->ny * k)];
                if (w <= 0.0)
                    continue;
                sum += w;
                c[0] += w * (double)i;
                c[1] += w * (double)j;
                c[2] += w * (double)k;
            }
    if (sum > 0.0) {
        double ijk[3] = {c[0] / sum, c[1] / sum, c[2] / sum};
        sirt_image_index_to_lps(im, ijk, r->centroid_mm);
    }
    return SIRT_OK;
}

static sirt_status load_mask(run_ctx *x, const sirt_case_image_ref *ref, const char *kind)
{
    sirt_mask *m = NULL;
    TRY_RUN(sirt_mask_load_ref(ref, x->base_dir, x->ct, &m, x->err));
    return add_structure(x, ref->name, kind, m);
}

/* Normal liver = liver minus every tumour (occupancy, clipped at 0), on the liver's grid. */
static sirt_status normal_liver(run_ctx *x, size_t liver_index)
{
    const sirt_mask *liver = x->s[liver_index].mask;
    sirt_mask *nl = NULL;
    TRY_RUN(sirt_mask_new(liver->image, "normal liver", 1, &nl, x->err));
    size_t n = sirt_image_voxel_count(liver->image);
    memcpy(nl->image->voxels, liver->image->voxels, n * sizeof(float));
    for (size_t s = 0; s < x->n_s; s++) {
        if (strcmp(x->s[s].kind, "tumour") != 0)
            continue;
        const sirt_mask *t = x->s[s].mask;
        sirt_mask *on = NULL;
        if (sirt_dvh_same_grid(t->image, liver->image)) {
            for (size_t i = 0; i < n; i++)
                nl->image->voxels[i] -= t->image->voxels[i];
        } else {
            sirt_status st = sirt_mask_resample(t, liver->image, 1, &on, x->err);
            if (st != SIRT_OK) {
                sirt_mask_free(nl);
                return st;
            }
            for (size_t i = 0; i < n; i++)
                nl->image->voxels[i] -= on->image->voxels[i];
            sirt_mask_free(on);
        }
    }
    for (size_t i = 0; i < n; i++)
        if (nl->image->voxels[i] < 0.0f)
            nl->image->voxels[i] = 0.0f;
    return add_structure(x, "normal liver", "normal_liver", nl);
}

static sirt_status structures(run_ctx *x)
{
    const sirt_case_images *im = &x->c->images;
    TRY_RUN(load_mask(x, &im->liver_mask, "liver"));
    size_t liver_index = x->n_s - 1;
    TRY_RUN(load_mask(x, &im->lungs_mask, "lungs"));
    for (size_t i = 0; i < im->n_territory_masks; i++)
        TRY_RUN(load_mask(x, &im->territory_masks[i], "territory"));
    for (size_t i = 0; i < im->n_tumour_masks; i++)
        TRY_RUN(load_mask(x, &im->tumour_masks[i], "tumour"));
    return normal_liver(x, liver_index);
}

static sirt_status dvh_on(run_ctx *x, const sirt_image *dose, const run_structure *r,
                          sirt_dvh **out)
{
    sirt_dvh_options o = sirt_dvh_options_default();
    o.bin_gy = RUN_DVH_BIN_GY;
    if (sirt_dvh_same_grid(r->mask->image, dose))
        return sirt_dvh_compute(dose, r->mask, &o, out, x->err);
    sirt_mask *on = NULL;
    TRY_RUN(sirt_dvh_mask_on_grid(r->mask, dose, &on, x->err));
    sirt_status st = sirt_dvh_compute(dose, on, &o, out, x->err);
    sirt_mask_free(on);
    return st;
}

static sirt_status analyse(run_ctx *x)
{
    for (size_t i = 0; i < x->n_s; i++) {
        run_structure *r = &x->s[i];
        sirt__run_progress(x, "DVH of %s", r->name);
        TRY_RUN(dvh_on(x, x->dose, r, &r->dvh));
        if (x->dose_post)
            TRY_RUN(dvh_on(x, x->dose_post, r, &r->dvh_post));
        const char *tissue = strcmp(r->kind, "tumour") == 0         ? "tumour"
                             : strcmp(r->kind, "normal_liver") == 0 ? "normal_liver"
                                                                    : NULL;
        if (!tissue)
            continue;
        const sirt_tissue *t = sirt_tissue_find(tissue);
        if (!t)
            return sirt_error_set(x->err, SIRT_EINTERNAL, "tissue", "no tissue \"%s\"", tissue);
        sirt_mask *on = NULL;
        const sirt_mask *m = r->mask;
        if (!sirt_dvh_same_grid(m->image, x->dose)) {
            TRY_RUN(sirt_dvh_mask_on_grid(m, x->dose, &on, x->err));
            m = on;
        }
        sirt_status st = sirt_radiobio_analyse(x->dose, m, t, x->plan->half_life_h,
                                               RUN_DVH_BIN_GY, &r->rb, x->err);
        sirt_mask_free(on);
        TRY_RUN(st);
    }
    return SIRT_OK;
}

/* The post-treatment image as activity per voxel. Bq/mL: × voxel volume (values taken as
 * decay-corrected to the infusion time, as the DICOM reader does when given the treatment
 * time). Counts: × the calibration when given, else scaled to the delivered (measured, or
 * planned) activity, as the planned map is. */
static sirt_status post_activity(run_ctx *x)
{
    const sirt_case_images *im = &x->c->images;
    const sirt_image *p = x->post;
    size_t n = sirt_image_voxel_count(p);
    double voxel_ml = sirt_image_voxel_volume_ml(p);
    if (p->unit == SIRT_IMAGE_BQ_PER_ML || p->unit == SIRT_IMAGE_BQ ||
        !isnan(im->post_calibration_bq_per_count)) {
        sirt_image *a = NULL;
        TRY_RUN(sirt_image_new(p->nx, p->ny, p->nz, &a, x->err));
        memcpy(a->spacing_mm, p->spacing_mm, sizeof a->spacing_mm);
        memcpy(a->origin_mm, p->origin_mm, sizeof a->origin_mm);
        memcpy(a->direction, p->direction, sizeof a->direction);
        a->unit = SIRT_IMAGE_BQ;
        double k = p->unit == SIRT_IMAGE_BQ_PER_ML ? voxel_ml
                   : p->unit == SIRT_IMAGE_BQ      ? 1.0
                                                   : im->post_calibration_bq_per_count;
        /* Negative values (reconstruction noise in low-count 90Y PET) are kept: clipping
         * them would bias the delivered dose upwards (Carlier et al. 2015, EJNMMI Phys 2:1). */
        for (size_t i = 0; i < n; i++)
            a->voxels[i] = (float)(p->voxels[i] * k);
        x->post_activity = a;
        snprintf(x->post_note, sizeof x->post_note,
                 "%s: activity from the image values (%s × %.6g), negative voxels kept",
                 im->post_kind, sirt_image_unit_name(p->unit), k);
        return SIRT_OK;
    }
    const sirt_logistics_plan *lp = &x->plan->logistics;
    double a_gbq = lp->measured ? lp->delivered_activity_gbq : x->plan->total_activity_gbq;
    snprintf(x->post_note, sizeof x->post_note,
             "%s in counts without calibration: scaled to the %s activity %.4g GBq",
             im->post_kind, lp->measured ? "delivered (measured)" : "planned", a_gbq);
    return activity_from_spect(x, p, a_gbq * 1e9, &x->post_activity);
}

static sirt_status write_image(run_ctx *x, const sirt_image *img, const char *name)
{
    char p[RUN_PATH];
    TRY_RUN(sirt__run_out_path(x, p, sizeof p, name));
    return sirt_image_write_nifti(img, p, x->err);
}

sirt_status sirt__run_dose(run_ctx *x)
{
    const sirt_case_images *im = &x->c->images;
    TRY_RUN(load(x, im->ct, "CT", &x->ct));
    if (!im->spect[0]) {
        sirt__run_progress(x, "no SPECT in the case: no voxel dose");
        return SIRT_OK;
    }
    TRY_RUN(load(x, im->spect, "SPECT", &x->spect));
    TRY_RUN(activity_from_spect(x, x->spect, x->plan->total_activity_gbq * 1e9, &x->activity));
    sirt__run_progress(x, "dose by kernel convolution (%s)", x->plan->nuclide);
    TRY_RUN(compute_dose(x, x->activity, &x->dose, &x->dose_info));
    TRY_RUN(write_image(x, x->activity, "activity_planned.nii.gz"));
    TRY_RUN(write_image(x, x->dose, "dose_planned.nii.gz"));
    {
        char p[RUN_PATH];
        TRY_RUN(sirt__run_out_path(x, p, sizeof p, "dose_planned_rtdose.dcm"));
        sirt_dicom_write_options wo = sirt_dicom_write_options_default();
        wo.patient_id = x->c->patient_id[0] ? x->c->patient_id : NULL;
        wo.series_description = "sirtkit planned dose (kernel)";
        /* UIDs from the case file's hash: the same case gives the same RT Dose. */
        uint64_t seed = 0;
        for (size_t i = 0; i < 16 && x->inputs[0].sha256[i]; i++)
            seed = seed * 16 + (uint64_t)(x->inputs[0].sha256[i] <= '9'
                                              ? x->inputs[0].sha256[i] - '0'
                                              : x->inputs[0].sha256[i] - 'a' + 10);
        wo.uid_seed = seed;
        TRY_RUN(sirt_dicom_write_rtdose(x->dose, p, &wo, x->err));
    }
    if (im->post_image[0]) {
        TRY_RUN(load(x, im->post_image, "post-treatment image", &x->post));
        TRY_RUN(post_activity(x));
        sirt__run_progress(x, "delivered dose by kernel convolution");
        TRY_RUN(compute_dose(x, x->post_activity, &x->dose_post, &x->dose_post_info));
        TRY_RUN(write_image(x, x->dose_post, "dose_delivered.nii.gz"));
        /* Difference on the planned grid: delivered resampled (trilinear) minus planned. */
        sirt_image *d = NULL;
        TRY_RUN(sirt_image_resample(x->dose_post, x->dose, SIRT_RESAMPLE_TRILINEAR, &d, x->err));
        size_t n = sirt_image_voxel_count(d);
        for (size_t i = 0; i < n; i++)
            d->voxels[i] -= x->dose->voxels[i];
        d->unit = SIRT_IMAGE_GY;
        x->dose_diff = d;
        TRY_RUN(write_image(x, x->dose_diff, "dose_difference.nii.gz"));
    }
    TRY_RUN(structures(x));
    return analyse(x);
}
