/* sirt_dose_compute: local deposition and kernel convolution (docs/dose.md). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/numeric.h"
#include "dose/dose_internal.h"
#include "sirt/dose.h"
#include "sirt/mask.h"

const char *sirt_dose_method_name(sirt_dose_method m)
{
    switch (m) {
    case SIRT_DOSE_LDE:
        return "lde";
    case SIRT_DOSE_KERNEL:
        return "kernel";
    }
    return "?";
}

sirt_dose_options sirt_dose_options_default(void)
{
    sirt_dose_options o;
    memset(&o, 0, sizeof o);
    o.method = SIRT_DOSE_LDE;
    o.nuclide = "Y-90";
    o.density_g_per_ml = 1.0; /* water: the kernels' medium, so LDE and kernel agree */
    o.until_h = NAN;
    o.seed = 1;
    o.histories = 1000000;
    return o;
}

static int same_grid(const sirt_image *a, const sirt_image *b)
{
    if (a->nx != b->nx || a->ny != b->ny || a->nz != b->nz)
        return 0;
    for (int c = 0; c < 3; c++) {
        if (fabs(a->spacing_mm[c] - b->spacing_mm[c]) > 1e-3 ||
            fabs(a->origin_mm[c] - b->origin_mm[c]) > 1e-3)
            return 0;
        for (int r = 0; r < 3; r++)
            if (fabs(a->direction[r][c] - b->direction[r][c]) > 1e-5)
                return 0;
    }
    return 1;
}

static sirt_status check_options(const sirt_image *act, const sirt_dose_options *o,
                                 sirt_error *err)
{
    if (!act || !act->voxels)
        return sirt_error_set(err, SIRT_EINVAL, "activity", "no activity image given");
    if (act->unit != SIRT_IMAGE_BQ && act->unit != SIRT_IMAGE_BQ_PER_ML)
        return sirt_error_set(err, SIRT_EINVAL, "activity.unit",
                              "activity.unit = \"%s\" (accepted: \"Bq\" per voxel or "
                              "\"Bq/mL\")",
                              sirt_image_unit_name(act->unit));
    for (int c = 0; c < 3; c++)
        if (!sirt_finite(act->spacing_mm[c]) || act->spacing_mm[c] < 0.1 ||
            act->spacing_mm[c] > 50.0)
            return sirt_error_set(err, SIRT_ERANGE, "activity.spacing_mm",
                                  "activity.spacing_mm = %g mm along axis %d is out of range "
                                  "(accepted: 0.1-50 mm)",
                                  act->spacing_mm[c], c);
    if (o->method != SIRT_DOSE_LDE && o->method != SIRT_DOSE_KERNEL)
        return sirt_error_set(err, SIRT_EINVAL, "method", "method = %d is unknown (accepted: lde, "
                              "kernel)", (int)o->method);
    if (!isnan(o->until_h) && (!sirt_finite(o->until_h) || o->until_h <= 0.0 || o->until_h > 1e6))
        return sirt_error_set(err, SIRT_ERANGE, "until_h",
                              "until_h = %g h is out of range (accepted: > 0 and <= 1e6 h, "
                              "or NaN for dose to infinity)",
                              o->until_h);
    if (!sirt_finite(o->density_g_per_ml) || o->density_g_per_ml < 0.5 ||
        o->density_g_per_ml > 2.0)
        return sirt_error_set(err, SIRT_ERANGE, "density_g_per_ml",
                              "density_g_per_ml = %g g/mL is out of range (accepted: 0.5-2.0 g/mL)",
                              o->density_g_per_ml);
    if (o->threads < 0 || o->threads > 1024)
        return sirt_error_set(err, SIRT_ERANGE, "threads",
                              "threads = %d is out of range (accepted: 0-1024, 0 = default)",
                              o->threads);
    if (o->density_correction && !o->ct)
        return sirt_error_set(err, SIRT_EINVAL, "density_correction",
                              "density_correction: the density correction needs a CT (--ct) for the local densities");
    if (o->ct && o->ct->unit != SIRT_IMAGE_HU)
        return sirt_error_set(err, SIRT_EINVAL, "ct.unit",
                              "ct.unit = \"%s\" (accepted: \"HU\"; convert or set "
                              "the descrip field sirt:unit=HU)",
                              sirt_image_unit_name(o->ct->unit));
    return SIRT_OK;
}

/* Density per voxel on the activity grid from the CT (resampled when the grids differ and
 * the resampler is available). */
static sirt_status density_map(const sirt_image *act, const sirt_dose_options *o, float **rho_out,
                               char *notes, size_t notes_size, sirt_error *err)
{
    *rho_out = NULL;
    const size_t n = sirt_image_voxel_count(act);
    sirt_hu_table *tab = NULL;
    if (o->hu_table_path)
        TRY_STATUS(sirt_hu_table_load(o->hu_table_path, &tab, err));
    else
        TRY_STATUS(sirt_hu_table_load_default(&tab, err));
    const sirt_image *ct = o->ct;
    sirt_image *ct2 = NULL;
    if (!same_grid(ct, act)) {
        sirt_error rerr = {0};
        if (sirt_image_resample(ct, act, SIRT_RESAMPLE_TRILINEAR, &ct2, &rerr) != SIRT_OK) {
            sirt_hu_table_free(tab);
            return sirt_error_set(err, SIRT_EUNSUPPORTED, "ct",
                                  "ct: the CT grid (%zux%zux%zu, %.3gx%.3gx%.3g mm) differs from "
                                  "the activity grid (%zux%zux%zu, %.3gx%.3gx%.3g mm) and could "
                                  "not be resampled (%s); give a CT on the activity grid",
                                  ct->nx, ct->ny, ct->nz, ct->spacing_mm[0], ct->spacing_mm[1],
                                  ct->spacing_mm[2], act->nx, act->ny, act->nz,
                                  act->spacing_mm[0], act->spacing_mm[1], act->spacing_mm[2],
                                  rerr.message);
        }
        sirt__dose_note(notes, notes_size, "CT resampled (trilinear) onto the activity grid");
        ct = ct2;
    }
    float *rho = malloc(n * sizeof *rho);
    if (!rho) {
        sirt_image_free(ct2);
        sirt_hu_table_free(tab);
        return sirt_error_set(err, SIRT_ENOMEM, "ct", "out of memory for the density map");
    }
    for (size_t i = 0; i < n; i++)
        rho[i] = (float)sirt_hu_table_density(tab, ct->voxels[i]);
    sirt__dose_note(notes, notes_size, "densities from the CT via %.120s",
                    sirt_hu_table_source(tab));
    sirt_image_free(ct2);
    sirt_hu_table_free(tab);
    *rho_out = rho;
    return SIRT_OK;
}

/* FFT convolution of a non-negative map with a non-negative kernel leaves float round-off of
 * either sign around zero (about 1e-7 of the largest values per transform). Those below 1e-5
 * of the maximum dose are set to 0 and counted in the notes, so that the dose can be written
 * as RT Dose (unsigned); anything larger is an error, not clamped. A map with negative voxels
 * (low-count PET) keeps its negative doses. */
#define ROUND_OFF_FRACTION 1e-5

static sirt_status clear_round_off(const sirt_image *activity, sirt_image *dose, char *notes,
                                   size_t notes_size, sirt_error *err)
{
    size_t n = sirt_image_voxel_count(dose), count = 0;
    for (size_t i = 0; i < n; i++)
        if (activity->voxels[i] < 0.0f)
            return SIRT_OK;
    float mx = 0.0f, mn = 0.0f;
    for (size_t i = 0; i < n; i++) {
        mx = dose->voxels[i] > mx ? dose->voxels[i] : mx;
        mn = dose->voxels[i] < mn ? dose->voxels[i] : mn;
    }
    if (mn >= 0.0f)
        return SIRT_OK;
    if (-mn > ROUND_OFF_FRACTION * mx)
        return sirt_error_set(err, SIRT_EINTERNAL, "dose",
                              "the convolved dose has a negative voxel of %g Gy (maximum %g Gy): "
                              "more than round-off; not clamped",
                              (double)mn, (double)mx);
    for (size_t i = 0; i < n; i++)
        if (dose->voxels[i] < 0.0f) {
            dose->voxels[i] = 0.0f;
            count++;
        }
    sirt__dose_note(notes, notes_size,
                    "%zu voxels of FFT round-off below zero (down to %.3g Gy, maximum %.4g Gy) "
                    "set to 0",
                    count, (double)mn, (double)mx);
    return SIRT_OK;
}

sirt_status sirt_dose_compute(const sirt_image *activity, const sirt_dose_options *opt,
                              sirt_image **dose_out, sirt_dose_result *info, sirt_error *err)
{
    if (!dose_out)
        return sirt_error_set(err, SIRT_EINVAL, "dose_out", "sirt_dose_compute: dose_out is NULL");
    *dose_out = NULL;
    sirt_dose_options defaults = sirt_dose_options_default();
    const sirt_dose_options *o = opt ? opt : &defaults;
    TRY_STATUS(check_options(activity, o, err));
    sirt_dose_result res;
    memset(&res, 0, sizeof res);
    res.method = o->method;

    sirt_catalogue *own_cat = NULL;
    const sirt_catalogue *cat = o->catalogue;
    if (!cat) {
        TRY_STATUS(sirt_catalogue_load_default(&own_cat, err));
        cat = own_cat;
    }
    const sirt_nuclide *nuc = o->nuclide ? sirt_catalogue_find_nuclide(cat, o->nuclide) : NULL;
    sirt_status st = SIRT_OK;
    float *rho = NULL, *decays = NULL;
    sirt_image *dose = NULL;
    sirt_dose_kernel *kernel = NULL;
    if (!nuc) {
        st = sirt_error_set(err, SIRT_ENOTFOUND, "nuclide",
                            "nuclide = \"%s\" is not in the catalogue (see 'sirt catalogue')",
                            o->nuclide ? o->nuclide : "(none)");
        goto done;
    }
    snprintf(res.nuclide, sizeof res.nuclide, "%s", nuc->id);
    res.half_life_h = nuc->half_life_h.value;
    if (!(res.half_life_h > 0.0)) {
        st = sirt_error_set(err, SIRT_EINVAL, "nuclide", "nuclide %s has no half-life in the "
                            "catalogue", nuc->id);
        goto done;
    }
    /* Cumulated activity per Bq of A0: τ (1 − e^{−λt}), τ = T½/ln2 in s (domain.md §1, §4). */
    const double tau_s = res.half_life_h * 3600.0 / SIRT_LN2;
    const double frac = isnan(o->until_h) ? 1.0 : -expm1(-SIRT_LN2 * o->until_h / res.half_life_h);
    const double decays_per_bq = tau_s * frac;
    const double vol_ml = activity->spacing_mm[0] * activity->spacing_mm[1] *
                          activity->spacing_mm[2] * 1e-3;
    const size_t n = sirt_image_voxel_count(activity);
    const double bq_scale = activity->unit == SIRT_IMAGE_BQ_PER_ML ? vol_ml : 1.0;
    decays = malloc(n * sizeof *decays);
    if (!decays) {
        st = sirt_error_set(err, SIRT_ENOMEM, "activity", "out of memory");
        goto done;
    }
    size_t negative = 0;
    double total_bq = 0.0;
    for (size_t i = 0; i < n; i++) {
        const double v = activity->voxels[i];
        if (!sirt_finite(v)) {
            st = sirt_error_set(err, SIRT_EINVAL, "activity",
                                "activity: voxel %zu (i=%zu, j=%zu, k=%zu) is not a finite number "
                                "(accepted: finite values in %s)",
                                i, i % activity->nx, (i / activity->nx) % activity->ny,
                                i / (activity->nx * activity->ny),
                                sirt_image_unit_name(activity->unit));
            goto done;
        }
        if (v < 0.0)
            negative++;
        total_bq += v * bq_scale;
        decays[i] = (float)(v * bq_scale * decays_per_bq);
    }
    res.total_activity_bq = total_bq;
    res.cumulated_activity_bq_s = total_bq * decays_per_bq;
    if (negative)
        sirt__dose_note(res.notes, sizeof res.notes,
                        "%zu voxel(s) with negative activity kept as is (reconstruction noise); "
                        "their dose is negative",
                        negative);
    if (!isnan(o->until_h))
        sirt__dose_note(res.notes, sizeof res.notes,
                        "dose from the reference time to %.6g h: %.4f of the dose to infinity",
                        o->until_h, frac);
    if (o->ct) {
        st = density_map(activity, o, &rho, res.notes, sizeof res.notes, err);
        if (st != SIRT_OK)
            goto done;
    }
    st = sirt_image_new(activity->nx, activity->ny, activity->nz, &dose, err);
    if (st != SIRT_OK)
        goto done;
    memcpy(dose->spacing_mm, activity->spacing_mm, sizeof dose->spacing_mm);
    memcpy(dose->origin_mm, activity->origin_mm, sizeof dose->origin_mm);
    memcpy(dose->direction, activity->direction, sizeof dose->direction);
    dose->unit = SIRT_IMAGE_GY;

    if (o->method == SIRT_DOSE_LDE) {
        double e_kev = nuc->energy_absorbed_kev.value;
        const char *src = nuc->energy_absorbed_kev.source;
        if (!(e_kev > 0.0)) {
            e_kev = nuc->mean_beta_kev.value;
            src = nuc->mean_beta_kev.source;
            sirt__dose_note(res.notes, sizeof res.notes,
                            "no non-penetrating energy in the catalogue for %s: the mean β "
                            "energy is used",
                            nuc->id);
        }
        if (!(e_kev > 0.0)) {
            st = sirt_error_set(err, SIRT_EINVAL, "nuclide",
                                "nuclide %s has neither energy_absorbed_kev nor mean_beta_kev "
                                "in the catalogue", nuc->id);
            goto done;
        }
        res.energy_per_decay_mev = e_kev * 1e-3;
        snprintf(res.energy_source, sizeof res.energy_source, "%s", src);
        sirt__dose_note(res.notes, sizeof res.notes,
                        "LDE: the non-penetrating energy per decay (β, conversion and Auger "
                        "electrons; %.1f keV) stays in its voxel; γ rays and bremsstrahlung "
                        "are not counted",
                        e_kev);
        /* D = Ã·E·(J/MeV) / (ρ·V·1e-3 kg/g) (domain.md §5.1). */
        const double j_per_decay = res.energy_per_decay_mev * SIRT_MEV_TO_J;
        for (size_t i = 0; i < n; i++) {
            const double r = rho ? rho[i] : o->density_g_per_ml;
            if (rho && r < 0.01) { /* air: a mass near zero gives an absurd dose */
                dose->voxels[i] = 0.0f;
                continue;
            }
            dose->voxels[i] = (float)((double)decays[i] * j_per_decay / (r * vol_ml * 1e-3));
        }
        if (rho)
            sirt__dose_note(res.notes, sizeof res.notes,
                            "voxels below 0.01 g/mL (air) get no LDE dose");
    } else {
        sirt_dose_kernel_options ko = sirt_dose_kernel_options_default();
        ko.nuclide = nuc->id;
        memcpy(ko.spacing_mm, activity->spacing_mm, sizeof ko.spacing_mm);
        ko.density_g_per_ml = o->density_g_per_ml;
        ko.histories = o->histories;
        ko.seed = o->seed;
        ko.threads = o->threads;
        ko.cache_dir = o->cache_dir;
        ko.progress = o->progress;
        int cached = 0;
        st = sirt_dose_kernel_get(&ko, &kernel, &cached, res.notes, sizeof res.notes, err);
        if (st != SIRT_OK)
            goto done;
        res.energy_per_decay_mev = kernel->mean_energy_mev;
        snprintf(res.energy_source, sizeof res.energy_source,
                 "mean of the sampled β spectrum (src/dose/spectrum.c)");
        memcpy(res.kernel_spacing_mm, kernel->spacing_mm, sizeof res.kernel_spacing_mm);
        memcpy(res.kernel_half_size, kernel->half, sizeof res.kernel_half_size);
        res.kernel_histories = kernel->histories;
        res.kernel_seed = kernel->seed;
        res.kernel_model_version = kernel->model_version;
        res.kernel_density_g_per_ml = kernel->density_g_per_ml;
        res.kernel_energy_fraction = kernel->deposited_mev / kernel->emitted_mev;
        res.kernel_from_cache = cached;
        if (!(o->cache_dir && o->cache_dir[0] == '\0')) {
            char dir[400];
            if (sirt_dose_cache_dir(o->cache_dir, dir, sizeof dir, NULL) == SIRT_OK)
                snprintf(res.kernel_cache_path, sizeof res.kernel_cache_path, "%s", dir);
        }
        sirt__dose_note(res.notes, sizeof res.notes,
                        "kernel: β continuum only (conversion and Auger electrons and photons "
                        "are not in the kernel); medium water scaled to %.3g g/mL",
                        kernel->density_g_per_ml);
        st = sirt_dose_convolve_fft(decays, activity->nx, activity->ny, activity->nz,
                                    kernel->gy_per_decay, kernel->half, o->threads,
                                    dose->voxels, err);
        if (st != SIRT_OK)
            goto done;
        st = clear_round_off(activity, dose, res.notes, sizeof res.notes, err);
        if (st != SIRT_OK)
            goto done;
        if (o->density_correction) {
            /* D_local = D_kernel·ρ_kernel/ρ_local: the same energy in a different mass. */
            for (size_t i = 0; i < n; i++)
                dose->voxels[i] = rho[i] < 0.01f
                                      ? 0.0f
                                      : (float)(dose->voxels[i] * kernel->density_g_per_ml /
                                                rho[i]);
            sirt__dose_note(res.notes, sizeof res.notes,
                            "density correction: dose scaled by %.3g g/mL / local density "
                            "(0 in air below 0.01 g/mL)",
                            kernel->density_g_per_ml);
        } else if (rho) {
            sirt__dose_note(res.notes, sizeof res.notes,
                            "CT given without density correction: the kernel dose is for "
                            "water of %.3g g/mL everywhere",
                            kernel->density_g_per_ml);
        }
    }
    double max = -INFINITY, sum_act = 0.0, energy = 0.0;
    size_t n_act = 0;
    for (size_t i = 0; i < n; i++) {
        const double d = dose->voxels[i];
        if (d > max)
            max = d;
        if (activity->voxels[i] > 0.0f) {
            sum_act += d;
            n_act++;
        }
        const double r = rho ? rho[i] : (o->method == SIRT_DOSE_KERNEL && kernel
                                             ? kernel->density_g_per_ml
                                             : o->density_g_per_ml);
        energy += d * r * vol_ml * 1e-3;
    }
    res.max_dose_gy = max;
    res.mean_dose_gy = n_act ? sum_act / (double)n_act : 0.0;
    res.energy_deposited_j = energy;
done:
    free(rho);
    free(decays);
    sirt_dose_kernel_free(kernel);
    sirt_catalogue_free(own_cat);
    if (st != SIRT_OK) {
        sirt_image_free(dose);
        return st;
    }
    if (info)
        *info = res;
    *dose_out = dose;
    return SIRT_OK;
}
