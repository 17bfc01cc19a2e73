/* The digital patient: options, images, activity distributions and truth (docs/phantom.md). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "core/numeric.h"
#include "phantom/phantom_internal.h"

static void set_grid(sirt_phantom_grid *g, size_t nx, size_t ny, size_t nz, double dx, double dy,
                     double dz)
{
    g->size[0] = nx;
    g->size[1] = ny;
    g->size[2] = nz;
    g->spacing_mm[0] = dx;
    g->spacing_mm[1] = dy;
    g->spacing_mm[2] = dz;
}

static void set_tumour(sirt_phantom_tumour *t, const char *name, double x, double y, double z,
                       double a, double b, double c, double tn, double nec)
{
    snprintf(t->name, sizeof t->name, "%s", name);
    t->centre_mm[0] = x;
    t->centre_mm[1] = y;
    t->centre_mm[2] = z;
    t->semi_axes_mm[0] = a;
    t->semi_axes_mm[1] = b;
    t->semi_axes_mm[2] = c;
    t->tn_ratio_viable = tn;
    t->necrotic_fraction = nec;
}

sirt_phantom_options sirt_phantom_options_default(void)
{
    sirt_phantom_options o;
    memset(&o, 0, sizeof o);
    o.seed = 1;
    sirt_phantom_options_set_size(&o, "clinical", NULL);
    o.ct_noise_hu = 10.0;
    /* Three tumours inside the right liver: a large one with a necrotic core, two small. */
    o.n_tumours = 3;
    set_tumour(&o.tumours[0], "tumour_1", -75.0, 5.0, 15.0, 26.0, 24.0, 22.0, 4.0, 0.45);
    set_tumour(&o.tumours[1], "tumour_2", -25.0, -35.0, 30.0, 13.0, 12.0, 12.0, 6.0, 0.0);
    set_tumour(&o.tumours[2], "tumour_3", -100.0, -15.0, -20.0, 10.0, 10.0, 10.0, 3.0, 0.0);
    /* 99mTc-MAA: 150 MBq is within the usual 100-185 MBq (EANM 2022, Weber et al.); the
     * camera numbers are assumptions stated in docs/phantom.md (LEHR planar sensitivity of
     * about 91 cps/MBq per head; 2 heads x 60 views x 20 s). */
    o.maa_activity_mbq = 150.0;
    o.lsf_fraction = 0.08;
    o.extrahepatic_fraction = 0.005;
    o.maa_fwhm_mm = 12.0;
    o.maa_sensitivity_cps_per_mbq = 182.0;
    o.maa_acquisition_s = 1200.0;
    o.planar_sensitivity_cps_per_mbq = 91.0;
    o.planar_acquisition_s = 300.0;
    o.tc99m_mu_water_per_cm = 0.154; /* NIST XCOM, water at 140 keV (narrow beam) */
    /* Therapy: domain §3.4 (partition model), §3.7-3.8 (limits), §1 (K 49.67 J/GBq). */
    o.liver_density_g_per_ml = 1.03;  /* domain §3 (TheraSphere IFU convention) */
    o.lung_density_g_per_ml = 0.27;   /* domain §3.7 (0.25-0.30) */
    o.y90_dose_factor_j_per_gbq = 49.67;
    o.normal_liver_max_gy = 40.0;     /* resin, Levillain 2021 (domain §3.8) */
    o.lung_max_gy = 30.0;             /* Ho 1997 (domain §3.7) */
    o.y90_pet_branching = 31.86e-6;   /* Selwyn et al. 2007 (domain §6.1) */
    o.pet_acquisition_s = 900.0;      /* one 15 min bed (domain §6.1: 15-30 min) */
    o.pet_sensitivity = 0.02;         /* assumption: detected trues per positron */
    o.pet_fwhm_mm = 8.0;              /* assumption: low-count 90Y PET, few iterations */
    /* 166Ho: domain §3.6 (15.87 J/GBq, 60 Gy whole liver). */
    o.ho_dose_factor_j_per_gbq = 15.87;
    o.ho_whole_liver_dose_gy = 60.0;
    o.ho_fwhm_mm = 17.0;              /* issue: 15-20 mm with a medium-energy collimator */
    o.ho_sensitivity_cps_per_mbq = 7.0; /* assumption: 80.6 keV, 6.7% yield, ME collimator */
    o.ho_acquisition_s = 1200.0;
    return o;
}

sirt_status sirt_phantom_options_set_size(sirt_phantom_options *opt, const char *size,
                                          sirt_error *err)
{
    if (strcmp(size, "clinical") == 0) {
        set_grid(&opt->ct, 512, 512, 200, 0.8, 0.8, 2.5);
        set_grid(&opt->spect, 128, 128, 128, 4.42, 4.42, 4.42);
        set_grid(&opt->pet, 128, 128, 128, 4.0, 4.0, 4.0);
        opt->supersample = 4;
    } else if (strcmp(size, "small") == 0) {
        set_grid(&opt->ct, 128, 128, 60, 3.2, 3.2, 8.0);
        set_grid(&opt->spect, 64, 64, 64, 8.84, 8.84, 8.84);
        set_grid(&opt->pet, 64, 64, 64, 8.0, 8.0, 8.0);
        opt->supersample = 5;
    } else if (strcmp(size, "tiny") == 0) {
        set_grid(&opt->ct, 64, 64, 30, 6.4, 6.4, 16.0);
        set_grid(&opt->spect, 48, 48, 48, 11.79, 11.79, 11.79);
        set_grid(&opt->pet, 48, 48, 48, 10.67, 10.67, 10.67);
        opt->supersample = 6;
    } else {
        return sirt_error_set(err, SIRT_EINVAL, "--size",
                              "--size \"%s\" is not a phantom size (accepted: clinical, small, "
                              "tiny)",
                              size);
    }
    snprintf(opt->size_name, sizeof opt->size_name, "%s", size);
    return SIRT_OK;
}

static sirt_status check_range(double v, double lo, double hi, const char *field,
                               const char *unit, sirt_error *err)
{
    if (!sirt_finite(v) || v < lo || v > hi)
        return sirt_error_set(err, SIRT_ERANGE, field,
                              "%s = %g %s is out of range (accepted %g-%g %s)", field, v, unit, lo,
                              hi, unit);
    return SIRT_OK;
}

static sirt_status check_grid(const sirt_phantom_grid *g, const char *name, sirt_error *err)
{
    for (int a = 0; a < 3; a++) {
        if (g->size[a] < 8 || g->size[a] > 2048)
            return sirt_error_set(err, SIRT_ERANGE, name, "%s size[%d] = %zu voxels is out of "
                                  "range (accepted 8-2048)", name, a, g->size[a]);
        if (!(g->spacing_mm[a] >= 0.1 && g->spacing_mm[a] <= 50.0))
            return sirt_error_set(err, SIRT_ERANGE, name, "%s spacing_mm[%d] = %g mm is out of "
                                  "range (accepted 0.1-50 mm)", name, a, g->spacing_mm[a]);
    }
    return SIRT_OK;
}

sirt_status sirt_phantom_options_check(const sirt_phantom_options *o, sirt_error *err)
{
    sirt_status st;
    if ((double)o->seed > SIRT_PHANTOM_SEED_MAX)
        return sirt_error_set(err, SIRT_ERANGE, "--seed", "--seed = %llu is out of range "
                              "(accepted 0-4294967295)", (unsigned long long)o->seed);
    if ((st = check_grid(&o->ct, "ct", err)) || (st = check_grid(&o->spect, "spect", err)) ||
        (st = check_grid(&o->pet, "pet", err)))
        return st;
    if (o->supersample < 1 || o->supersample > 6)
        return sirt_error_set(err, SIRT_ERANGE, "supersample", "supersample = %d is out of range "
                              "(accepted 1-6 per axis)", o->supersample);
    if (o->n_tumours < 1 || o->n_tumours > SIRT_PHANTOM_MAX_TUMOURS)
        return sirt_error_set(err, SIRT_ERANGE, "tumours", "%zu tumours (accepted 1-%d)",
                              o->n_tumours, SIRT_PHANTOM_MAX_TUMOURS);
    for (size_t k = 0; k < o->n_tumours; k++) {
        const sirt_phantom_tumour *t = &o->tumours[k];
        for (int a = 0; a < 3; a++)
            if ((st = check_range(t->semi_axes_mm[a], 2.0, 80.0, "tumour semi_axes_mm", "mm",
                                  err)) ||
                (st = check_range(t->centre_mm[a], -300.0, 300.0, "tumour centre_mm", "mm", err)))
                return st;
        if ((st = check_range(t->tn_ratio_viable, 0.0, 1000.0, "tumour tn_ratio_viable", "",
                              err)) ||
            (st = check_range(t->necrotic_fraction, 0.0, 0.9, "tumour necrotic_fraction", "",
                              err)))
            return st;
    }
    if ((st = check_range(o->ct_noise_hu, 0.0, 500.0, "ct_noise_hu", "HU", err)) ||
        (st = check_range(o->maa_activity_mbq, 1.0, 1000.0, "maa_activity_mbq", "MBq", err)) ||
        (st = check_range(o->lsf_fraction, 0.0, 0.9, "--lsf-fraction", "", err)) ||
        (st = check_range(o->extrahepatic_fraction, 0.0, 0.5, "extrahepatic_fraction", "",
                          err)) ||
        (st = check_range(o->maa_fwhm_mm, 0.0, 50.0, "maa_fwhm_mm", "mm", err)) ||
        (st = check_range(o->pet_fwhm_mm, 0.0, 50.0, "pet_fwhm_mm", "mm", err)) ||
        (st = check_range(o->ho_fwhm_mm, 0.0, 50.0, "ho_fwhm_mm", "mm", err)) ||
        (st = check_range(o->maa_sensitivity_cps_per_mbq, 1e-3, 1e4,
                          "maa_sensitivity_cps_per_mbq", "cps/MBq", err)) ||
        (st = check_range(o->maa_acquisition_s, 1.0, 1e5, "maa_acquisition_s", "s", err)) ||
        (st = check_range(o->planar_sensitivity_cps_per_mbq, 1e-3, 1e4,
                          "planar_sensitivity_cps_per_mbq", "cps/MBq", err)) ||
        (st = check_range(o->planar_acquisition_s, 1.0, 1e5, "planar_acquisition_s", "s",
                          err)) ||
        (st = check_range(o->tc99m_mu_water_per_cm, 0.0, 1.0, "tc99m_mu_water_per_cm", "/cm",
                          err)) ||
        (st = check_range(o->liver_density_g_per_ml, 0.8, 1.3, "liver_density_g_per_ml",
                          "g/mL", err)) ||
        (st = check_range(o->lung_density_g_per_ml, 0.05, 1.1, "lung_density_g_per_ml", "g/mL",
                          err)) ||
        (st = check_range(o->y90_dose_factor_j_per_gbq, 1.0, 100.0,
                          "y90_dose_factor_j_per_gbq", "J/GBq", err)) ||
        (st = check_range(o->normal_liver_max_gy, 1.0, 1000.0, "normal_liver_max_gy", "Gy",
                          err)) ||
        (st = check_range(o->lung_max_gy, 1.0, 100.0, "lung_max_gy", "Gy", err)) ||
        (st = check_range(o->y90_pet_branching, 1e-7, 1e-3, "y90_pet_branching", "", err)) ||
        (st = check_range(o->pet_acquisition_s, 1.0, 1e5, "pet_acquisition_s", "s", err)) ||
        (st = check_range(o->pet_sensitivity, 1e-5, 1.0, "pet_sensitivity", "", err)) ||
        (st = check_range(o->ho_dose_factor_j_per_gbq, 1.0, 100.0, "ho_dose_factor_j_per_gbq",
                          "J/GBq", err)) ||
        (st = check_range(o->ho_whole_liver_dose_gy, 1.0, 1000.0, "ho_whole_liver_dose_gy",
                          "Gy", err)) ||
        (st = check_range(o->ho_sensitivity_cps_per_mbq, 1e-3, 1e4,
                          "ho_sensitivity_cps_per_mbq", "cps/MBq", err)) ||
        (st = check_range(o->ho_acquisition_s, 1.0, 1e5, "ho_acquisition_s", "s", err)))
        return st;
    return SIRT_OK;
}

/* ---- random streams: one per image (and CT slice), derived from the seed ---------------- */

/* splitmix64 (Steele, Lea & Flood 2014): decorrelates (seed, role, index) into a GSL seed. */
static unsigned long derive_seed(uint64_t seed, uint64_t role, uint64_t index)
{
    uint64_t z = seed * 0x9E3779B97F4A7C15ull ^ (role << 32) ^ index;
    z += 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return (unsigned long)(z & 0xFFFFFFFFull);
}

enum { ROLE_CT = 1, ROLE_MAA = 2, ROLE_PLANAR = 3, ROLE_PET = 4, ROLE_HO = 5 };

/* ---- Gaussian blur, separable, zero outside the grid -------------------------------------- */

static sirt_status blur_axis(float *data, const size_t n[3], int axis, double sigma_vox,
                             sirt_error *err)
{
    if (!(sigma_vox > 0.0))
        return SIRT_OK;
    const long r = (long)ceil(4.0 * sigma_vox);
    double *kern = malloc((size_t)(2 * r + 1) * sizeof *kern);
    if (!kern)
        return sirt_error_set(err, SIRT_ENOMEM, "phantom", "out of memory");
    double ksum = 0.0;
    for (long t = -r; t <= r; t++)
        ksum += kern[t + r] = exp(-0.5 * (double)(t * t) / (sigma_vox * sigma_vox));
    for (long t = -r; t <= r; t++)
        kern[t + r] /= ksum; /* counts are conserved away from the edges */
    const size_t len = n[axis];
    const size_t stride = axis == 0 ? 1 : axis == 1 ? n[0] : n[0] * n[1];
    const size_t n_lines = n[0] * n[1] * n[2] / len;
    int failed = 0;
    long ll;
#pragma omp parallel for schedule(static) reduction(| : failed)
    for (ll = 0; ll < (long)n_lines; ll++) {
        double *line = malloc(len * sizeof *line);
        if (!line) {
            failed = 1;
            continue;
        }
        size_t base;
        const size_t l = (size_t)ll;
        if (axis == 0)
            base = l * n[0];
        else if (axis == 1)
            base = (l % n[0]) + (l / n[0]) * n[0] * n[1];
        else
            base = l;
        for (size_t p = 0; p < len; p++)
            line[p] = data[base + p * stride];
        for (long p = 0; p < (long)len; p++) {
            double s = 0.0;
            const long lo = p - r < 0 ? -p : -r, hi = p + r >= (long)len ? (long)len - 1 - p : r;
            for (long t = lo; t <= hi; t++)
                s += kern[t + r] * line[p + t];
            data[base + (size_t)p * stride] = (float)s;
        }
        free(line);
    }
    free(kern);
    if (failed)
        return sirt_error_set(err, SIRT_ENOMEM, "phantom", "out of memory");
    return SIRT_OK;
}

static sirt_status blur(sirt_image *img, double fwhm_mm, sirt_error *err)
{
    const size_t n[3] = {img->nx, img->ny, img->nz};
    sirt_status st = SIRT_OK;
    /* sigma = FWHM / (2 sqrt(2 ln 2)) */
    for (int a = 0; a < 3 && st == SIRT_OK; a++)
        st = blur_axis(img->voxels, n, a, fwhm_mm / (2.0 * sqrt(2.0 * SIRT_LN2)) /
                                              img->spacing_mm[a], err);
    return st;
}

/* In place: voxel value (expected counts) -> Poisson sample. Serial: the stream order is the
 * voxel order, so the result does not depend on the number of threads. Returns the sum. */
static double poisson_image(float *v, size_t n, unsigned long seed, double *expected_sum)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (!r)
        return -1.0;
    gsl_rng_set(r, seed);
    double total = 0.0, expected = 0.0;
    for (size_t i = 0; i < n; i++) {
        const double mu = v[i] > 0.0f ? (double)v[i] : 0.0;
        expected += mu;
        const unsigned int c = mu > 0.0 ? gsl_ran_poisson(r, mu) : 0u;
        v[i] = (float)c;
        total += (double)c;
    }
    gsl_rng_free(r);
    *expected_sum = expected;
    return total;
}

/* ---- structures --------------------------------------------------------------------------- */

static void add_structure(sirt_phantom *ph, const char *name, uint32_t classes, int label,
                          int dense)
{
    ph_structure *s = &ph->structures[ph->n_structures++];
    snprintf(s->name, sizeof s->name, "%s", name);
    s->classes = classes;
    s->label = label;
    s->dense = dense;
}

#define BIT(c) (1u << (c))

static void define_structures(sirt_phantom *ph)
{
    const size_t nt = ph->opt.n_tumours;
    uint32_t tumours = 0, necrosis = 0;
    for (size_t k = 0; k < nt; k++) {
        tumours |= BIT(PH_TUM0 + (int)k);
        necrosis |= BIT(PH_NEC0 + (int)k);
    }
    add_structure(ph, "body", ~BIT(PH_AIR) & ((1u << PH_NCLASS) - 1u), -1, 0);
    add_structure(ph, "lungs", BIT(PH_LUNG), 2, 1);
    add_structure(ph, "liver", BIT(PH_LIVER) | tumours | necrosis, -1, 1);
    add_structure(ph, "liver_normal", BIT(PH_LIVER), 3, 1);
    for (size_t k = 0; k < nt; k++)
        add_structure(ph, ph->opt.tumours[k].name,
                      BIT(PH_TUM0 + (int)k) | BIT(PH_NEC0 + (int)k), 10 + (int)k, 1);
    add_structure(ph, "necrosis", necrosis, -1, 1);
    add_structure(ph, "stomach", BIT(PH_STOMACH) | BIT(PH_STOMACH_GAS) | BIT(PH_EXTRA), 5, 0);
    add_structure(ph, "extrahepatic", BIT(PH_EXTRA), -1, 0);
    add_structure(ph, "duodenum", BIT(PH_DUO) | BIT(PH_DUO_GAS), 6, 0);
    add_structure(ph, "bone", BIT(PH_BONE), 4, 0);
    add_structure(ph, "spleen", BIT(PH_SPLEEN), 7, 0);
    add_structure(ph, "kidneys", BIT(PH_KIDNEY), 8, 0);
}

static double structure_volume(const ph_structure *s, const double vol[PH_NCLASS])
{
    double v = 0.0;
    for (int c = 0; c < PH_NCLASS; c++)
        if (s->classes & BIT(c))
            v += vol[c];
    return v;
}

/* ---- Schneider HU -> density (domain §5.2), for the planar attenuation --------------------- */

static double hu_to_density(double hu)
{
    static const double node[][2] = {{-1000, 0.00121}, {-98, 0.93}, {-97, 0.930486},
                                     {14, 1.03},       {23, 1.031}, {100, 1.1199},
                                     {101, 1.0762},    {1600, 1.9642}, {3000, 2.8}};
    const size_t n = sizeof node / sizeof node[0];
    if (hu <= node[0][0])
        return node[0][1];
    for (size_t i = 1; i < n; i++)
        if (hu <= node[i][0])
            return node[i - 1][1] + (hu - node[i - 1][0]) / (node[i][0] - node[i - 1][0]) *
                                        (node[i][1] - node[i - 1][1]);
    return node[n - 1][1];
}

/* ---- generation --------------------------------------------------------------------------- */

static void progress(const sirt_phantom *ph, const char *stage, double f)
{
    if (ph->opt.progress)
        ph->opt.progress(ph->opt.progress_ctx, stage, f);
}

/* Per-class concentrations (Bq/mL) on a grid for a distribution: lung LSF of the hepatic +
 * pulmonary activity, liver split by T/N (necrosis 0), the extrahepatic spot. */
static void distribution(const sirt_phantom *ph, const double vol[PH_NCLASS], double a_bq,
                         double lsf, double extra_fraction, double conc[PH_NCLASS])
{
    for (int c = 0; c < PH_NCLASS; c++)
        conc[c] = 0.0;
    const double a_extra = extra_fraction * a_bq;
    const double a_rest = a_bq - a_extra;
    const double a_lung = lsf * a_rest, a_liver = a_rest - a_lung;
    double denom = vol[PH_LIVER];
    for (size_t k = 0; k < ph->opt.n_tumours; k++)
        denom += ph->opt.tumours[k].tn_ratio_viable * vol[PH_TUM0 + k];
    const double cn = denom > 0.0 ? a_liver / denom : 0.0;
    conc[PH_LIVER] = cn;
    for (size_t k = 0; k < ph->opt.n_tumours; k++)
        conc[PH_TUM0 + k] = ph->opt.tumours[k].tn_ratio_viable * cn;
    conc[PH_LUNG] = vol[PH_LUNG] > 0.0 ? a_lung / vol[PH_LUNG] : 0.0;
    conc[PH_EXTRA] = vol[PH_EXTRA] > 0.0 ? a_extra / vol[PH_EXTRA] : 0.0;
}

static sirt_status activity_image(const sirt_phantom *ph, int grid, const double conc[PH_NCLASS],
                                  sirt_image **out, sirt_error *err)
{
    sirt_status st = ph_grid_image(&ph->raster[grid].grid, SIRT_IMAGE_BQ_PER_ML, out, err);
    if (st == SIRT_OK)
        ph_raster_fill(&ph->raster[grid], conc, (*out)->voxels);
    return st;
}

/* A blurred, Poisson-sampled copy of a Bq/mL truth: counts = Bq * counts_per_bq. */
static sirt_status emission_image(const sirt_image *truth, double fwhm_mm, double counts_per_bq,
                                  unsigned long seed, sirt_image **out, double *expected,
                                  double *total, sirt_error *err)
{
    sirt_phantom_grid g;
    g.size[0] = truth->nx;
    g.size[1] = truth->ny;
    g.size[2] = truth->nz;
    for (int a = 0; a < 3; a++)
        g.spacing_mm[a] = truth->spacing_mm[a];
    sirt_status st = ph_grid_image(&g, SIRT_IMAGE_COUNTS, out, err);
    if (st != SIRT_OK)
        return st;
    const size_t n = sirt_image_voxel_count(truth);
    const double vvox_ml = g.spacing_mm[0] * g.spacing_mm[1] * g.spacing_mm[2] / 1000.0;
    for (size_t i = 0; i < n; i++)
        (*out)->voxels[i] = (float)((double)truth->voxels[i] * vvox_ml * counts_per_bq);
    st = blur(*out, fwhm_mm, err);
    if (st == SIRT_OK && poisson_image((*out)->voxels, n, seed, expected) < 0.0)
        st = sirt_error_set(err, SIRT_ENOMEM, "phantom", "out of memory (random generator)");
    if (st != SIRT_OK) {
        sirt_image_free(*out);
        *out = NULL;
        return st;
    }
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += (double)(*out)->voxels[i];
    *total = s;
    return SIRT_OK;
}

static sirt_status make_ct(sirt_phantom *ph, sirt_error *err)
{
    const ph_raster *r = &ph->raster[SIRT_PHANTOM_GRID_CT];
    sirt_image *ct = NULL, *lab = NULL;
    sirt_status st = ph_grid_image(&r->grid, SIRT_IMAGE_HU, &ct, err);
    if (st == SIRT_OK)
        st = ph_grid_image(&r->grid, SIRT_IMAGE_UNITLESS, &lab, err);
    if (st != SIRT_OK) {
        sirt_image_free(ct);
        return st;
    }
    double hu[PH_NCLASS];
    for (int c = 0; c < PH_NCLASS; c++)
        hu[c] = ph_class_hu(c);
    ph_raster_fill(r, hu, ct->voxels);
    /* Label map: the label with the most sub-samples (ties: the smaller label). */
    long vv;
#pragma omp parallel for schedule(static)
    for (vv = 0; vv < (long)r->n; vv++)
        if (r->cls[vv] != PH_MIXED)
            lab->voxels[vv] = (float)ph_class_label(r->cls[vv]);
    long mm;
#pragma omp parallel for schedule(static)
    for (mm = 0; mm < (long)r->n_mixed; mm++) {
        unsigned tally[10 + SIRT_PHANTOM_MAX_TUMOURS] = {0};
        const uint8_t *cnt = r->mixed_counts + (size_t)mm * PH_NCLASS;
        for (int c = 0; c < PH_NCLASS; c++)
            tally[ph_class_label(c)] += cnt[c];
        int best = 0;
        for (int l = 1; l < 10 + SIRT_PHANTOM_MAX_TUMOURS; l++)
            if (tally[l] > tally[best])
                best = l;
        lab->voxels[r->mixed_index[mm]] = (float)best;
    }
    /* Gaussian noise, rounded to whole HU as scanners store them. One stream per slice keeps
     * the result independent of the thread count. */
    const size_t nxy = ct->nx * ct->ny;
    int failed = 0;
    long kk;
#pragma omp parallel for schedule(dynamic) reduction(| : failed)
    for (kk = 0; kk < (long)ct->nz; kk++) {
        gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
        if (!g) {
            failed = 1;
            continue;
        }
        gsl_rng_set(g, derive_seed(ph->opt.seed, ROLE_CT, (uint64_t)kk));
        float *s = ct->voxels + (size_t)kk * nxy;
        for (size_t i = 0; i < nxy; i++) {
            const double noise = ph->opt.ct_noise_hu > 0.0
                                     ? gsl_ran_gaussian_ziggurat(g, ph->opt.ct_noise_hu)
                                     : 0.0;
            s[i] = (float)floor((double)s[i] + noise + 0.5);
        }
        gsl_rng_free(g);
    }
    if (failed) {
        sirt_image_free(ct);
        sirt_image_free(lab);
        return sirt_error_set(err, SIRT_ENOMEM, "phantom", "out of memory (random generator)");
    }
    ph->images[SIRT_PHANTOM_CT] = ct;
    ph->images[SIRT_PHANTOM_LABELS] = lab;
    return SIRT_OK;
}

/* Planar anterior/posterior counts of the MAA truth per compartment (ideal ROIs), with
 * attenuation along y from the Schneider density of each class times mu_water. */
static void planar(sirt_phantom *ph, const double conc[PH_NCLASS])
{
    const ph_raster *r = &ph->raster[SIRT_PHANTOM_GRID_SPECT];
    const size_t nx = r->grid.size[0], ny = r->grid.size[1], nz = r->grid.size[2];
    const double dy_cm = r->grid.spacing_mm[1] / 10.0;
    const double vvox_ml = r->grid.spacing_mm[0] * r->grid.spacing_mm[1] *
                           r->grid.spacing_mm[2] / 1000.0;
    const double nsub = (double)(r->ss * r->ss * r->ss);
    double mu[PH_NCLASS];
    for (int c = 0; c < PH_NCLASS; c++)
        mu[c] = ph->opt.tc99m_mu_water_per_cm * hu_to_density(ph_class_hu(c));
    /* Per voxel: mu and the activity of lung and liver compartments (Bq). */
    double *muv = malloc(ny * sizeof *muv), *alung = malloc(ny * sizeof *alung),
           *aliv = malloc(ny * sizeof *aliv);
    double lung_ant = 0, lung_post = 0, liv_ant = 0, liv_post = 0;
    if (muv && alung && aliv) {
        for (size_t k = 0; k < nz; k++)
            for (size_t i = 0; i < nx; i++) {
                for (size_t j = 0; j < ny; j++) {
                    const size_t v = i + nx * (j + ny * k);
                    double f[PH_NCLASS] = {0};
                    if (r->cls[v] != PH_MIXED) {
                        f[r->cls[v]] = 1.0;
                    } else {
                        /* binary search in the slice's part of the mixed list */
                        size_t lo = r->slice_first[k], hi = r->slice_first[k + 1];
                        while (lo < hi) {
                            size_t mid = lo + (hi - lo) / 2;
                            if (r->mixed_index[mid] < v)
                                lo = mid + 1;
                            else
                                hi = mid;
                        }
                        for (int c = 0; c < PH_NCLASS; c++)
                            f[c] = r->mixed_counts[lo * PH_NCLASS + (size_t)c] / nsub;
                    }
                    double u = 0.0, al = 0.0, ah = 0.0;
                    for (int c = 0; c < PH_NCLASS; c++) {
                        u += f[c] * mu[c];
                        const double a = f[c] * conc[c] * vvox_ml;
                        if (c == PH_LUNG)
                            al += a;
                        else if (c == PH_LIVER || (c >= PH_TUM0 && c < PH_NEC0))
                            ah += a;
                    }
                    muv[j] = u;
                    alung[j] = al;
                    aliv[j] = ah;
                }
                /* Anterior detector at -y (j = 0 side), posterior at +y. */
                double path = 0.0;
                for (size_t j = 0; j < ny; j++) {
                    const double t = exp(-(path + 0.5 * muv[j]) * dy_cm);
                    lung_ant += alung[j] * t;
                    liv_ant += aliv[j] * t;
                    path += muv[j];
                }
                path = 0.0;
                for (size_t j = ny; j-- > 0;) {
                    const double t = exp(-(path + 0.5 * muv[j]) * dy_cm);
                    lung_post += alung[j] * t;
                    liv_post += aliv[j] * t;
                    path += muv[j];
                }
            }
    }
    free(muv);
    free(alung);
    free(aliv);
    const double cpb = ph->opt.planar_sensitivity_cps_per_mbq * 1e-6 * ph->opt.planar_acquisition_s;
    sirt_phantom_truth *t = &ph->truth;
    t->planar_lung_ant_expected = lung_ant * cpb;
    t->planar_lung_post_expected = lung_post * cpb;
    t->planar_liver_ant_expected = liv_ant * cpb;
    t->planar_liver_post_expected = liv_post * cpb;
    gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
    if (g) {
        gsl_rng_set(g, derive_seed(ph->opt.seed, ROLE_PLANAR, 0));
        t->planar_lung_ant = gsl_ran_poisson(g, t->planar_lung_ant_expected);
        t->planar_lung_post = gsl_ran_poisson(g, t->planar_lung_post_expected);
        t->planar_liver_ant = gsl_ran_poisson(g, t->planar_liver_ant_expected);
        t->planar_liver_post = gsl_ran_poisson(g, t->planar_liver_post_expected);
        gsl_rng_free(g);
    }
    const double gl = sqrt(t->planar_lung_ant * t->planar_lung_post);
    const double gh = sqrt(t->planar_liver_ant * t->planar_liver_post);
    t->lsf_planar_fraction = gl + gh > 0.0 ? gl / (gl + gh) : NAN;
}

static void compartment(sirt_phantom_compartment *c, double activity_bq, double conc)
{
    c->activity_bq = activity_bq;
    c->concentration_bq_per_ml = conc;
}

static sirt_status generate(sirt_phantom *ph, sirt_error *err)
{
    const sirt_phantom_options *o = &ph->opt;
    sirt_phantom_truth *t = &ph->truth;
    sirt_status st;
    progress(ph, "anatomy (CT grid)", 0.0);
    if ((st = ph_raster_build(&ph->anat, &o->ct, o->supersample,
                              &ph->raster[SIRT_PHANTOM_GRID_CT], err)) != SIRT_OK)
        return st;
    progress(ph, "anatomy (SPECT and PET grids)", 0.25);
    /* Emission grids are coarse: 6^3 sub-samples so compartment volumes are accurate. */
    if ((st = ph_raster_build(&ph->anat, &o->spect, 6, &ph->raster[SIRT_PHANTOM_GRID_SPECT],
                              err)) != SIRT_OK ||
        (st = ph_raster_build(&ph->anat, &o->pet, 6, &ph->raster[SIRT_PHANTOM_GRID_PET], err)) !=
            SIRT_OK)
        return st;
    progress(ph, "CT", 0.35);
    if ((st = make_ct(ph, err)) != SIRT_OK)
        return st;

    /* Truth: volumes from the fractional masks on the CT grid. */
    double vol_ct[PH_NCLASS], vol_sp[PH_NCLASS], vol_pet[PH_NCLASS];
    ph_raster_class_volumes(&ph->raster[SIRT_PHANTOM_GRID_CT], vol_ct);
    ph_raster_class_volumes(&ph->raster[SIRT_PHANTOM_GRID_SPECT], vol_sp);
    ph_raster_class_volumes(&ph->raster[SIRT_PHANTOM_GRID_PET], vol_pet);
    t->seed = o->seed;
    t->n_structures = ph->n_structures;
    for (size_t s = 0; s < ph->n_structures; s++) {
        sirt_phantom_structure_truth *st_t = &t->structures[s];
        const ph_structure *d = &ph->structures[s];
        snprintf(st_t->name, sizeof st_t->name, "%s", d->name);
        st_t->label = d->label;
        st_t->volume_ml = structure_volume(d, vol_ct);
        st_t->volume_spect_ml = structure_volume(d, vol_sp);
        st_t->density_g_per_ml = !d->dense ? NAN
                                 : (d->classes == BIT(PH_LUNG)) ? o->lung_density_g_per_ml
                                                                : o->liver_density_g_per_ml;
        st_t->mass_g = st_t->density_g_per_ml * st_t->volume_ml;
    }
    const double rho = o->liver_density_g_per_ml;
    t->liver_normal_volume_ml = vol_ct[PH_LIVER];
    t->liver_volume_ml = vol_ct[PH_LIVER];
    t->lung_volume_ml = vol_ct[PH_LUNG];
    t->n_tumours = o->n_tumours;
    double sum_tn_m = 0.0; /* sum over tumours of T/N * m, kg (partition model) */
    for (size_t k = 0; k < o->n_tumours; k++) {
        sirt_phantom_tumour_truth *tt = &t->tumours[k];
        const sirt_phantom_tumour *to = &o->tumours[k];
        tt->volume_analytic_ml = 4.0 / 3.0 * 3.14159265358979323846 * to->semi_axes_mm[0] *
                                 to->semi_axes_mm[1] * to->semi_axes_mm[2] / 1000.0;
        tt->viable_volume_ml = vol_ct[PH_TUM0 + k];
        tt->necrotic_volume_ml = vol_ct[PH_NEC0 + k];
        tt->volume_ml = tt->viable_volume_ml + tt->necrotic_volume_ml;
        tt->mass_g = tt->volume_ml * rho;
        tt->tn_ratio_viable = to->tn_ratio_viable;
        tt->tn_ratio = tt->volume_ml > 0.0
                           ? to->tn_ratio_viable * tt->viable_volume_ml / tt->volume_ml
                           : NAN;
        t->liver_volume_ml += tt->volume_ml;
        sum_tn_m += tt->tn_ratio * tt->mass_g / 1000.0;
    }
    t->liver_mass_kg = t->liver_volume_ml * rho / 1000.0;
    t->liver_normal_mass_kg = t->liver_normal_volume_ml * rho / 1000.0;
    t->lung_mass_kg = t->lung_volume_ml * o->lung_density_g_per_ml / 1000.0;
    for (int c = 0; c < PH_NCLASS; c++)
        if (vol_sp[c] <= 0.0 && (c == PH_LUNG || c == PH_LIVER || c == PH_EXTRA ||
                                 (c >= PH_TUM0 && c < PH_TUM0 + (int)o->n_tumours)))
            return sirt_error_set(err, SIRT_ERANGE, "spect", "the SPECT grid is too coarse: "
                                  "tissue class %d has no volume on it", c);

    /* MAA SPECT */
    progress(ph, "MAA SPECT", 0.5);
    double conc[PH_NCLASS];
    t->maa_activity_bq = o->maa_activity_mbq * 1e6;
    distribution(ph, vol_sp, t->maa_activity_bq, o->lsf_fraction, o->extrahepatic_fraction, conc);
    compartment(&t->maa_lung, conc[PH_LUNG] * vol_sp[PH_LUNG], conc[PH_LUNG]);
    compartment(&t->maa_liver_normal, conc[PH_LIVER] * vol_sp[PH_LIVER], conc[PH_LIVER]);
    compartment(&t->maa_extrahepatic, conc[PH_EXTRA] * vol_sp[PH_EXTRA], conc[PH_EXTRA]);
    t->maa_liver_activity_bq = t->maa_liver_normal.activity_bq;
    for (size_t k = 0; k < o->n_tumours; k++) {
        compartment(&t->tumours[k].maa, conc[PH_TUM0 + k] * vol_sp[PH_TUM0 + k],
                    conc[PH_TUM0 + k]);
        t->maa_liver_activity_bq += t->tumours[k].maa.activity_bq;
    }
    t->lsf_fraction = t->maa_lung.activity_bq / (t->maa_lung.activity_bq + t->maa_liver_activity_bq);
    const double maa_cpb = o->maa_sensitivity_cps_per_mbq * 1e-6 * o->maa_acquisition_s;
    t->maa_calibration_bq_per_count = 1.0 / maa_cpb;
    t->maa_spect_lung_counts = t->maa_lung.activity_bq * maa_cpb;
    t->maa_spect_liver_counts = t->maa_liver_activity_bq * maa_cpb;
    if ((st = activity_image(ph, SIRT_PHANTOM_GRID_SPECT, conc, &ph->images[SIRT_PHANTOM_MAA_TRUTH],
                             err)) != SIRT_OK ||
        (st = emission_image(ph->images[SIRT_PHANTOM_MAA_TRUTH], o->maa_fwhm_mm, maa_cpb,
                             derive_seed(o->seed, ROLE_MAA, 0), &ph->images[SIRT_PHANTOM_MAA_SPECT],
                             &t->maa_counts_expected, &t->maa_counts_total, err)) != SIRT_OK)
        return st;
    planar(ph, conc);

    /* 90Y therapy: partition model (domain §3.4-3.5) with the CT-grid masses. */
    progress(ph, "90Y PET", 0.7);
    const double k90 = o->y90_dose_factor_j_per_gbq;
    const double lsf = o->lsf_fraction;
    const double a_liver_gbq = o->normal_liver_max_gy * (sum_tn_m + t->liver_normal_mass_kg) /
                               (k90 * (1.0 - lsf));
    const double a_lung_gbq = lsf > 0.0 ? o->lung_max_gy * t->lung_mass_kg / (k90 * lsf) : INFINITY;
    const double a_gbq = a_liver_gbq <= a_lung_gbq ? a_liver_gbq : a_lung_gbq;
    t->y90_limit = a_liver_gbq <= a_lung_gbq ? "normal_liver" : "lung";
    t->y90_activity_bq = a_gbq * 1e9;
    const double dn = k90 * a_gbq * (1.0 - lsf) / (sum_tn_m + t->liver_normal_mass_kg);
    t->y90_dose_normal_gy = dn;
    t->y90_dose_lung_gy = k90 * a_gbq * lsf / t->lung_mass_kg;
    for (size_t k = 0; k < o->n_tumours; k++)
        t->tumours[k].dose_y90_gy = t->tumours[k].tn_ratio * dn;
    /* Therapy distribution = MAA without the extrahepatic spot (assumed corrected by coil
     * embolisation before treatment; stated in docs/phantom.md). */
    distribution(ph, vol_pet, t->y90_activity_bq, lsf, 0.0, conc);
    compartment(&t->y90_lung, conc[PH_LUNG] * vol_pet[PH_LUNG], conc[PH_LUNG]);
    compartment(&t->y90_liver_normal, conc[PH_LIVER] * vol_pet[PH_LIVER], conc[PH_LIVER]);
    for (size_t k = 0; k < o->n_tumours; k++)
        compartment(&t->tumours[k].therapy_y90, conc[PH_TUM0 + k] * vol_pet[PH_TUM0 + k],
                    conc[PH_TUM0 + k]);
    const double pet_cpb = o->y90_pet_branching * o->pet_acquisition_s * o->pet_sensitivity;
    t->pet_calibration_bq_per_count = 1.0 / pet_cpb;
    if ((st = activity_image(ph, SIRT_PHANTOM_GRID_PET, conc, &ph->images[SIRT_PHANTOM_PET_TRUTH],
                             err)) != SIRT_OK ||
        (st = emission_image(ph->images[SIRT_PHANTOM_PET_TRUTH], o->pet_fwhm_mm, pet_cpb,
                             derive_seed(o->seed, ROLE_PET, 0), &ph->images[SIRT_PHANTOM_PET],
                             &t->pet_counts_expected, &t->pet_counts_total, err)) != SIRT_OK)
        return st;
    /* PET values: counts -> Bq/mL (calibrated, as a scanner reports). */
    {
        sirt_image *pet = ph->images[SIRT_PHANTOM_PET];
        const double vvox_ml = pet->spacing_mm[0] * pet->spacing_mm[1] * pet->spacing_mm[2] / 1000.0;
        const size_t n = sirt_image_voxel_count(pet);
        for (size_t i = 0; i < n; i++)
            pet->voxels[i] = (float)((double)pet->voxels[i] / pet_cpb / vvox_ml);
        pet->unit = SIRT_IMAGE_BQ_PER_ML;
    }

    /* 166Ho: whole-liver activity for the chosen mean dose (domain §3.6). */
    progress(ph, "166Ho SPECT", 0.85);
    t->ho_activity_bq = o->ho_whole_liver_dose_gy * t->liver_mass_kg /
                        o->ho_dose_factor_j_per_gbq * 1e9;
    distribution(ph, vol_sp, t->ho_activity_bq, lsf, 0.0, conc);
    compartment(&t->ho_lung, conc[PH_LUNG] * vol_sp[PH_LUNG], conc[PH_LUNG]);
    compartment(&t->ho_liver_normal, conc[PH_LIVER] * vol_sp[PH_LIVER], conc[PH_LIVER]);
    for (size_t k = 0; k < o->n_tumours; k++)
        compartment(&t->tumours[k].therapy_ho, conc[PH_TUM0 + k] * vol_sp[PH_TUM0 + k],
                    conc[PH_TUM0 + k]);
    const double ho_cpb = o->ho_sensitivity_cps_per_mbq * 1e-6 * o->ho_acquisition_s;
    t->ho_calibration_bq_per_count = 1.0 / ho_cpb;
    if ((st = activity_image(ph, SIRT_PHANTOM_GRID_SPECT, conc, &ph->images[SIRT_PHANTOM_HO_TRUTH],
                             err)) != SIRT_OK ||
        (st = emission_image(ph->images[SIRT_PHANTOM_HO_TRUTH], o->ho_fwhm_mm, ho_cpb,
                             derive_seed(o->seed, ROLE_HO, 0), &ph->images[SIRT_PHANTOM_HO_SPECT],
                             &t->ho_counts_expected, &t->ho_counts_total, err)) != SIRT_OK)
        return st;
    progress(ph, "done", 1.0);
    return SIRT_OK;
}

sirt_status sirt_phantom_generate(const sirt_phantom_options *opt, sirt_phantom **out,
                                  sirt_error *err)
{
    *out = NULL;
    sirt_status st = sirt_phantom_options_check(opt, err);
    if (st != SIRT_OK)
        return st;
    sirt_phantom *ph = calloc(1, sizeof *ph);
    if (!ph)
        return sirt_error_set(err, SIRT_ENOMEM, "phantom", "out of memory");
    ph->opt = *opt;
    ph->anat.n_tumours = opt->n_tumours;
    memcpy(ph->anat.tumours, opt->tumours, sizeof ph->anat.tumours);
    define_structures(ph);
    st = generate(ph, err);
    if (st != SIRT_OK) {
        sirt_phantom_free(ph);
        return st;
    }
    *out = ph;
    return SIRT_OK;
}

void sirt_phantom_free(sirt_phantom *ph)
{
    if (!ph)
        return;
    for (int g = 0; g < 3; g++)
        ph_raster_free(&ph->raster[g]);
    for (int i = 0; i < SIRT_PHANTOM_N_IMAGES; i++)
        sirt_image_free(ph->images[i]);
    free(ph);
}

const sirt_phantom_options *sirt_phantom_get_options(const sirt_phantom *ph) { return &ph->opt; }
const sirt_phantom_truth *sirt_phantom_get_truth(const sirt_phantom *ph) { return &ph->truth; }

const sirt_image *sirt_phantom_get_image(const sirt_phantom *ph, sirt_phantom_image_id id)
{
    return (int)id >= 0 && id < SIRT_PHANTOM_N_IMAGES ? ph->images[id] : NULL;
}

const char *sirt_phantom_image_name(sirt_phantom_image_id id)
{
    static const char *names[SIRT_PHANTOM_N_IMAGES] = {
        "ct", "labels", "spect_maa_truth", "spect_maa", "pet_y90_truth", "pet_y90",
        "spect_ho166_truth", "spect_ho166"};
    return (int)id >= 0 && id < SIRT_PHANTOM_N_IMAGES ? names[id] : "?";
}

size_t sirt_phantom_structure_count(const sirt_phantom *ph) { return ph->n_structures; }

const char *sirt_phantom_structure_name(const sirt_phantom *ph, size_t i)
{
    return i < ph->n_structures ? ph->structures[i].name : NULL;
}

sirt_status sirt_phantom_mask(const sirt_phantom *ph, size_t i, sirt_phantom_grid_id grid,
                              sirt_mask **out, sirt_error *err)
{
    *out = NULL;
    if (i >= ph->n_structures || (int)grid < 0 || grid > SIRT_PHANTOM_GRID_PET)
        return sirt_error_set(err, SIRT_EINVAL, "structure", "structure %zu on grid %d does not "
                              "exist (accepted 0-%zu, grids 0-2)", i, (int)grid,
                              ph->n_structures - 1);
    const ph_raster *r = &ph->raster[grid];
    sirt_mask *m = calloc(1, sizeof *m);
    if (!m)
        return sirt_error_set(err, SIRT_ENOMEM, "phantom", "out of memory");
    sirt_status st = ph_grid_image(&r->grid, SIRT_IMAGE_MASK_FRACTION, &m->image, err);
    if (st != SIRT_OK) {
        free(m);
        return st;
    }
    snprintf(m->name, sizeof m->name, "%s", ph->structures[i].name);
    m->fractional = 1;
    double in[PH_NCLASS];
    for (int c = 0; c < PH_NCLASS; c++)
        in[c] = (ph->structures[i].classes & BIT(c)) ? 1.0 : 0.0;
    ph_raster_fill(r, in, m->image->voxels);
    *out = m;
    return SIRT_OK;
}
