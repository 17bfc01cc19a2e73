/* Radiobiology of permanent implants: BED (Dale 1985), EQD2, gEUD and LQ EUD (Niemierko
 * 1997/1999), Poisson TCP with a spread of α (Webb & Nahum 1993), LKB NTCP
 * (sirt/radiobiology.h; domain.md §5.5–5.6). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>

#include "core/numeric.h"
#include "sirt/radiobiology.h"

#define SIRT_PI_VALUE 3.14159265358979323846 /* pi: not in strict C11 math.h */

/* k in BED = D + k·D²: λ / ((μ + λ)·α/β), complete decay (Dale 1985, domain.md §5.6). */
static double bed_k(double half_life_h, double alpha_beta_gy, double repair_half_time_h)
{
    double lambda = SIRT_LN2 / half_life_h, mu = SIRT_LN2 / repair_half_time_h;
    return lambda / ((mu + lambda) * alpha_beta_gy);
}

static int bed_args_ok(double half_life_h, double alpha_beta_gy, double repair_half_time_h)
{
    return sirt_finite(half_life_h) && half_life_h > 0.0 && sirt_finite(alpha_beta_gy) &&
           alpha_beta_gy > 0.0 && sirt_finite(repair_half_time_h) && repair_half_time_h > 0.0;
}

double sirt_bed_permanent_gy(double dose_gy, double half_life_h, double alpha_beta_gy,
                             double repair_half_time_h)
{
    if (!sirt_finite(dose_gy) || dose_gy < 0.0 ||
        !bed_args_ok(half_life_h, alpha_beta_gy, repair_half_time_h))
        return NAN;
    double k = bed_k(half_life_h, alpha_beta_gy, repair_half_time_h);
    return dose_gy * (1.0 + k * dose_gy);
}

double sirt_bed_permanent_inverse_gy(double bed_gy, double half_life_h, double alpha_beta_gy,
                                     double repair_half_time_h)
{
    if (!sirt_finite(bed_gy) || bed_gy < 0.0 ||
        !bed_args_ok(half_life_h, alpha_beta_gy, repair_half_time_h))
        return NAN;
    double k = bed_k(half_life_h, alpha_beta_gy, repair_half_time_h);
    /* k·D² + D − BED = 0; the stable form of the positive root. */
    return 2.0 * bed_gy / (1.0 + sqrt(1.0 + 4.0 * k * bed_gy));
}

double sirt_eqd2_gy(double bed_gy, double alpha_beta_gy)
{
    if (!sirt_finite(bed_gy) || !sirt_finite(alpha_beta_gy) || alpha_beta_gy <= 0.0)
        return NAN;
    return bed_gy / (1.0 + 2.0 / alpha_beta_gy);
}

double sirt_ntcp_lkb(double geud_gy, double td50_gy, double m)
{
    if (!sirt_finite(geud_gy) || !sirt_finite(td50_gy) || td50_gy <= 0.0 || !sirt_finite(m) ||
        m <= 0.0)
        return NAN;
    return gsl_cdf_ugaussian_P((geud_gy - td50_gy) / (m * td50_gy));
}

sirt_status sirt_bed_image(const sirt_image *dose, double half_life_h, double alpha_beta_gy,
                           double repair_half_time_h, sirt_image **out, sirt_error *err)
{
    *out = NULL;
    if (!bed_args_ok(half_life_h, alpha_beta_gy, repair_half_time_h))
        return sirt_error_set(err, SIRT_ERANGE, "alpha_beta_gy",
                              "BED parameters T½ %g h, α/β %g Gy, T_rep %g h: each must be > 0",
                              half_life_h, alpha_beta_gy, repair_half_time_h);
    sirt_image *img = NULL;
    sirt_status st = sirt_image_new(dose->nx, dose->ny, dose->nz, &img, err);
    if (st != SIRT_OK)
        return st;
    memcpy(img->spacing_mm, dose->spacing_mm, sizeof img->spacing_mm);
    memcpy(img->origin_mm, dose->origin_mm, sizeof img->origin_mm);
    memcpy(img->direction, dose->direction, sizeof img->direction);
    img->unit = SIRT_IMAGE_GY;
    double k = bed_k(half_life_h, alpha_beta_gy, repair_half_time_h);
    size_t n = sirt_image_voxel_count(dose);
    for (size_t i = 0; i < n; i++) {
        double d = dose->voxels[i];
        /* Negative doses are noise (Monte Carlo, subtraction): BED of 0. */
        d = d > 0.0 ? d : 0.0;
        img->voxels[i] = (float)(d * (1.0 + k * d));
    }
    *out = img;
    return SIRT_OK;
}

double sirt_dvh_geud_gy(const sirt_dvh *dvh, double a)
{
    if (!dvh || dvh->n_voxels == 0 || !(dvh->volume_ml > 0.0) || !sirt_finite(a) || a == 0.0)
        return NAN;
    /* Normalise so that large |a| cannot overflow: gEUD = r·(Σ v (d/r)^a / V)^(1/a) with
     * r = max dose for a > 0, min dose for a < 0 (each ratio^a is then <= 1). */
    double dmax = dvh->max_gy > 0.0 ? dvh->max_gy : 0.0;
    if (dmax == 0.0 || (a < 0.0 && !(dvh->min_gy > 0.0)))
        return 0.0; /* all zero, or a zero-dose voxel dominating a cold-spot EUD */
    if (a < 0.0)
        dmax = dvh->min_gy;
    double s = 0.0;
    for (size_t i = 0; i < dvh->n_voxels; i++) {
        double d = dvh->voxel_dose_gy[i] > 0.0f ? dvh->voxel_dose_gy[i] : 0.0;
        if (d == 0.0) {
            if (a < 0.0)
                return 0.0; /* a zero-dose voxel dominates a cold-spot EUD */
            continue;
        }
        s += dvh->voxel_volume_ml[i] * pow(d / dmax, a);
    }
    return dmax * pow(s / dvh->volume_ml, 1.0 / a);
}

double sirt_dvh_eud_lq_gy(const sirt_dvh *dvh, double alpha_per_gy)
{
    if (!dvh || dvh->n_voxels == 0 || !(dvh->volume_ml > 0.0) || !sirt_finite(alpha_per_gy) ||
        alpha_per_gy <= 0.0)
        return NAN;
    /* Shift by the minimum dose so the sum cannot underflow to 0 at high doses. */
    double dmin = dvh->min_gy;
    double s = 0.0;
    for (size_t i = 0; i < dvh->n_voxels; i++)
        s += dvh->voxel_volume_ml[i] * exp(-alpha_per_gy * (dvh->voxel_dose_gy[i] - dmin));
    return dmin - log(s / dvh->volume_ml) / alpha_per_gy;
}

typedef struct tcp_ctx {
    const sirt_dvh *dvh;
    double mean, sd, rho;
} tcp_ctx;

/* ln of the expected number of surviving clonogens at α: ln(ρ Σ v e^{−α·BED}), computed
 * with the minimum BED factored out so that it does not underflow. */
static double log_survivors(const tcp_ctx *c, double alpha)
{
    const sirt_dvh *h = c->dvh;
    double bmin = h->min_gy, s = 0.0;
    for (size_t i = 0; i < h->n_voxels; i++)
        s += h->voxel_volume_ml[i] * exp(-alpha * ((double)h->voxel_dose_gy[i] - bmin));
    return log(c->rho) + log(s) - alpha * bmin;
}

static double tcp_at_alpha(const tcp_ctx *c, double alpha)
{
    double ls = log_survivors(c, alpha);
    return ls > 700.0 ? 0.0 : exp(-exp(ls));
}

static double tcp_integrand(double alpha, void *p)
{
    const tcp_ctx *c = p;
    double z = (alpha - c->mean) / c->sd;
    return exp(-0.5 * z * z) / (c->sd * sqrt(2.0 * SIRT_PI_VALUE)) * tcp_at_alpha(c, alpha);
}

sirt_status sirt_dvh_tcp_poisson(const sirt_dvh *bed_dvh, double alpha_per_gy,
                                 double alpha_sd_per_gy, double clonogens_per_cm3,
                                 double *tcp, sirt_error *err)
{
    *tcp = NAN;
    if (!sirt_finite(alpha_per_gy) || alpha_per_gy <= 0.0 || !sirt_finite(alpha_sd_per_gy) ||
        alpha_sd_per_gy < 0.0 || !sirt_finite(clonogens_per_cm3) || clonogens_per_cm3 <= 0.0)
        return sirt_error_set(err, SIRT_ERANGE, "alpha_per_gy",
                              "TCP parameters α %g Gy⁻¹, σ_α %g Gy⁻¹, %g clonogens/cm³: "
                              "accepted α > 0, σ_α >= 0, density > 0",
                              alpha_per_gy, alpha_sd_per_gy, clonogens_per_cm3);
    if (!bed_dvh || bed_dvh->n_voxels == 0)
        return SIRT_OK; /* no volume: TCP undefined (NaN) */
    tcp_ctx c = {bed_dvh, alpha_per_gy, alpha_sd_per_gy, clonogens_per_cm3};
    if (alpha_sd_per_gy == 0.0) {
        *tcp = tcp_at_alpha(&c, alpha_per_gy);
        return SIRT_OK;
    }
    /* Gaussian truncated to α > 0: integrate over [max(0, ᾱ − 8σ), ᾱ + 8σ] (the tail
     * beyond 8σ weighs < 1e-15) and divide by P(α > 0). */
    double lo = alpha_per_gy - 8.0 * alpha_sd_per_gy, hi = alpha_per_gy + 8.0 * alpha_sd_per_gy;
    if (lo < 0.0)
        lo = 0.0;
    gsl_integration_workspace *ws = gsl_integration_workspace_alloc(200);
    if (!ws)
        return sirt_error_set(err, SIRT_ENOMEM, "tcp", "out of memory for the TCP integral");
    gsl_function f = {tcp_integrand, &c};
    double result = 0.0, abserr = 0.0;
    int gs = gsl_integration_qags(&f, lo, hi, 1e-10, 1e-7, 200, ws, &result, &abserr);
    gsl_integration_workspace_free(ws);
    if (gs != GSL_SUCCESS)
        return sirt_error_set(err, SIRT_EINTERNAL, "tcp",
                              "TCP integral over α did not converge (%s; estimate %g ± %g)",
                              gsl_strerror(gs), result, abserr);
    double norm = gsl_cdf_ugaussian_P(alpha_per_gy / alpha_sd_per_gy);
    double t = result / norm;
    *tcp = t < 0.0 ? 0.0 : (t > 1.0 ? 1.0 : t);
    return SIRT_OK;
}

void sirt_radiobio_result_free(sirt_radiobio_result *r)
{
    if (!r)
        return;
    sirt_dvh_free(r->bed_dvh);
    free(r);
}

static void range_add(sirt_range *r, double v, int first)
{
    if (first) {
        r->low = r->high = v;
        return;
    }
    if (v < r->low || r->low != r->low)
        r->low = v;
    if (v > r->high || r->high != r->high)
        r->high = v;
}

sirt_status sirt_radiobio_analyse(const sirt_image *dose, const sirt_mask *mask,
                                  const sirt_tissue *tissue, double half_life_h,
                                  double bin_gy, sirt_radiobio_result **out, sirt_error *err)
{
    *out = NULL;
    sirt_dvh_options opt = sirt_dvh_options_default();
    if (bin_gy > 0.0)
        opt.bin_gy = bin_gy;
    sirt_dvh *phys = NULL;
    sirt_status st = sirt_dvh_compute(dose, mask, &opt, &phys, err);
    if (st != SIRT_OK)
        return st;
    sirt_radiobio_result *r = calloc(1, sizeof *r);
    if (!r) {
        sirt_dvh_free(phys);
        return sirt_error_set(err, SIRT_ENOMEM, mask->name, "out of memory");
    }
    snprintf(r->name, sizeof r->name, "%s", mask->name);
    r->volume_ml = phys->volume_ml;
    r->mean_dose_gy = phys->mean_gy;
    r->geud_dose_gy = sirt_dvh_geud_gy(phys, tissue->geud_a);
    r->eud_lq_dose_gy = sirt_dvh_eud_lq_gy(phys, tissue->alpha_per_gy);
    r->ntcp = tissue->has_ntcp
                  ? sirt_ntcp_lkb(sirt_dvh_geud_gy(phys, 1.0 / tissue->ntcp_n),
                                  tissue->ntcp_td50_gy, tissue->ntcp_m)
                  : NAN;
    sirt_dvh_free(phys);

    /* The 3×3 grid of (α/β, T_rep); index 1 of each is the central value. */
    for (int ia = 0; ia < 3 && st == SIRT_OK; ia++) {
        for (int it = 0; it < 3 && st == SIRT_OK; it++) {
            double ab = tissue->alpha_beta_gy[ia], trep = tissue->repair_half_time_h[it];
            sirt_image *bed = NULL;
            sirt_dvh *h = NULL;
            st = sirt_bed_image(dose, half_life_h, ab, trep, &bed, err);
            if (st == SIRT_OK)
                st = sirt_dvh_compute(bed, mask, &opt, &h, err);
            sirt_image_free(bed);
            if (st != SIRT_OK)
                break;
            double tcp = NAN;
            if (tissue->is_target)
                st = sirt_dvh_tcp_poisson(h, tissue->alpha_per_gy, tissue->alpha_sd_per_gy,
                                          tissue->clonogens_per_cm3, &tcp, err);
            double eubed = sirt_dvh_eud_lq_gy(h, tissue->alpha_per_gy);
            double v[7] = {h->mean_gy,
                           sirt_dvh_dx_gy(h, 70.0),
                           sirt_eqd2_gy(h->mean_gy, ab),
                           sirt_dvh_geud_gy(h, tissue->geud_a),
                           eubed,
                           sirt_bed_permanent_inverse_gy(eubed, half_life_h, ab, trep),
                           tcp};
            sirt_range *dst[7] = {&r->bed_mean_gy, &r->bed_d70_gy, &r->eqd2_mean_gy,
                                  &r->geud_bed_gy, &r->eubed_gy, &r->eubed_dose_gy, &r->tcp};
            int first = ia == 0 && it == 0;
            for (int q = 0; q < 7; q++) {
                range_add(dst[q], v[q], first);
                if (ia == 1 && it == 1)
                    dst[q]->central = v[q];
            }
            if (ia == 1 && it == 1)
                r->bed_dvh = h;
            else
                sirt_dvh_free(h);
        }
    }
    if (st != SIRT_OK) {
        sirt_radiobio_result_free(r);
        return st;
    }
    *out = r;
    return SIRT_OK;
}
