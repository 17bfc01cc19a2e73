/* β− spectra for the kernel Monte Carlo (docs/dose.md, "β spectra").
 *
 * N(W) ∝ F(Z, W)·p·W·(W0 − W)²·S(W), W total electron energy and p momentum in units of mc²
 * and mc, W0 the endpoint total energy (Konopinski, The Theory of Beta Radioactivity, Oxford
 * 1966, ch. 3). Fermi function: the relativistic point-charge form evaluated at the nuclear
 * radius R = 1.2·A^{1/3} fm,
 *     F = 2(1+γ)(2pR)^{2(γ−1)} e^{πη} |Γ(γ+iη)|² / Γ(2γ+1)²,  γ = √(1−(αZ)²), η = αZW/p
 * (Konopinski 1966, eq. 3.29; the same form as in Mougeot, Phys Rev C 91:055504 (2015),
 * eq. 5), Z the daughter's atomic number. Shape factor S = 1 for allowed and non-unique
 * first-forbidden branches (the ξ approximation), S = q² + λ2·p² (q = W0 − W, the neutrino
 * momentum, λ2 = F1/F0 below) for first-forbidden unique branches (Konopinski & Uhlenbeck, Phys Rev 60:308
 * (1941); Konopinski 1966 ch. 5), which 90Y (2− → 0+) is (domain.md §5.4).
 *
 * Branches: endpoint energies and intensities from ENSDF as shown by NuDat 3
 * (https://www.nndc.bnl.gov/nudat3/) — marked ⚠ where taken from secondary tables and still to
 * be checked against ENSDF. Branches below ~2% are left out and the rest renormalised. */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_sf_gamma.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dose/dose_internal.h"
#include "sirt/dose.h"

#define ME_C2_MEV 0.51099895
#define ALPHA_FS (1.0 / 137.035999)
#define HBAR_C_OVER_MC2_FM 386.15926796 /* reduced Compton wavelength, fm (CODATA 2018) */
#define SPECTRUM_POINTS 4000

typedef struct beta_branch {
    double endpoint_kev;
    double intensity; /* per decay */
    int unique1;      /* 1: first-forbidden unique shape */
} beta_branch;

typedef struct beta_nuclide {
    const char *id;
    const char *aliases[4];
    int z_daughter, a;
    beta_branch branches[3];
    const char *source;
} beta_nuclide;

static const beta_nuclide NUCLIDES[] = {
    {"Y-90", {"90Y", "Y90", "Y-90", NULL}, 40, 90,
     {{2280.1, 0.99983, 1}, {0, 0, 0}, {0, 0, 0}},
     "ENSDF/NuDat 3: 90Y beta- 2280.1 keV (99.983%, 2- -> 0+, first-forbidden unique); the "
     "519 keV branch (0.017%) is left out"},
    {"Ho-166", {"166Ho", "Ho166", "Ho-166", NULL}, 68, 166,
     {{1854.9, 0.487, 0}, {1773.9, 0.500, 1}, {0, 0, 0}},
     "ENSDF/NuDat 3: 166Ho beta- 1854.9 keV (48.7%, 0- -> 0+, allowed shape) and 1773.9 keV "
     "(50.0%, 0- -> 2+, first-forbidden unique); domain.md §1 (verify intensities)"},
    {"Lu-177", {"177Lu", "Lu177", "Lu-177", NULL}, 72, 177,
     {{498.3, 0.793, 0}, {385.3, 0.091, 0}, {176.6, 0.116, 0}},
     "ENSDF/NuDat 3: 177Lu beta- 498.3 keV (79.3%), 385.3 keV (9.1%), 176.6 keV (11.6%), "
     "allowed shapes (verify)"},
    {"P-32", {"32P", "P32", "P-32", NULL}, 16, 32,
     {{1710.66, 1.0, 0}, {0, 0, 0}, {0, 0, 0}},
     "ENSDF/NuDat 3: 32P beta- 1710.66 keV (100%, 1+ -> 0+, allowed)"},
    {"I-131", {"131I", "I131", "I-131", NULL}, 54, 131,
     {{606.3, 0.896, 0}, {333.8, 0.0723, 0}, {247.9, 0.0208, 0}},
     "ENSDF/NuDat 3: 131I beta- 606.3 keV (89.6%), 333.8 keV (7.23%), 247.9 keV (2.08%), "
     "allowed shapes (verify)"},
    {"Re-188", {"188Re", "Re188", "Re-188", NULL}, 76, 188,
     {{2120.4, 0.711, 0}, {1965.4, 0.256, 0}, {0, 0, 0}},
     "ENSDF/NuDat 3: 188Re beta- 2120.4 keV (71.1%), 1965.4 keV (25.6%), allowed shapes "
     "(verify); domain.md §1"},
};

struct sirt_beta_spectrum {
    const beta_nuclide *nuc;
    double max_mev, mean_mev;
    double t_mev[SPECTRUM_POINTS + 1];
    double cdf[SPECTRUM_POINTS + 1];
};

/* Generalised Fermi function F_{k-1} (Behrens & Jänecke, Landolt-Börnstein I/4 (1969);
 * the form used in Mougeot, Phys Rev C 91:055504 (2015), eq. 5):
 *   F_{k-1} = 4^{k-1}(2k)(k+γ_k)[(2k-1)!!]² e^{πη} (2pR)^{2(γ_k-k)} |Γ(γ_k+iη)|²/Γ(1+2γ_k)²,
 *   γ_k = √(k² − (αZ)²), η = αZW/p. k = 1 gives the usual Fermi function F0. */
static double fermi_k(int k, int z, int a, double w)
{
    const double p = sqrt(w * w - 1.0);
    const double az = ALPHA_FS * z;
    const double g = sqrt((double)(k * k) - az * az);
    const double eta = az * w / p;
    const double r = 1.2 * cbrt((double)a) / HBAR_C_OVER_MC2_FM;
    gsl_sf_result lnr, arg;
    if (gsl_sf_lngamma_complex_e(g, eta, &lnr, &arg) != GSL_SUCCESS)
        return 0.0;
    const double dfact = k == 1 ? 1.0 : 3.0; /* (2k-1)!! for k = 1, 2 */
    const double pre = pow(4.0, k - 1) * 2.0 * k * (k + g) * dfact * dfact;
    return pre * exp(2.0 * (g - k) * log(2.0 * p * r) + M_PI_VALUE * eta + 2.0 * lnr.val -
                     2.0 * lgamma(2.0 * g + 1.0));
}

static double branch_density(const beta_nuclide *n, const beta_branch *b, double t_mev)
{
    const double t0 = b->endpoint_kev * 1e-3;
    if (t_mev <= 0.0 || t_mev >= t0)
        return 0.0;
    const double w = 1.0 + t_mev / ME_C2_MEV, w0 = 1.0 + t0 / ME_C2_MEV;
    const double p = sqrt(w * w - 1.0), q = w0 - w;
    const double f0 = fermi_k(1, n->z_daughter, n->a, w);
    /* First-forbidden unique: S = q² + λ2 p², λ2 = F1/F0 (Konopinski 1966 ch. 5). */
    const double shape =
        b->unique1 ? q * q + fermi_k(2, n->z_daughter, n->a, w) / f0 * p * p : 1.0;
    return f0 * p * w * q * q * shape;
}

static const beta_nuclide *find(const char *id)
{
    for (size_t i = 0; i < sizeof NUCLIDES / sizeof NUCLIDES[0]; i++)
        for (int k = 0; k < 4 && NUCLIDES[i].aliases[k]; k++)
            if (strcasecmp(id, NUCLIDES[i].aliases[k]) == 0)
                return &NUCLIDES[i];
    return NULL;
}

sirt_status sirt_beta_spectrum_new(const char *nuclide, sirt_beta_spectrum **out,
                                   sirt_error *err)
{
    *out = NULL;
    const beta_nuclide *n = nuclide ? find(nuclide) : NULL;
    if (!n)
        return sirt_error_set(err, SIRT_EUNSUPPORTED, "nuclide",
                              "nuclide \"%s\" has no β spectrum for the kernel Monte Carlo "
                              "(accepted: Y-90, Ho-166, Lu-177, P-32, I-131, Re-188)",
                              nuclide ? nuclide : "(null)");
    sirt_beta_spectrum *s = calloc(1, sizeof *s);
    if (!s)
        return sirt_error_set(err, SIRT_ENOMEM, "nuclide", "out of memory for the β spectrum");
    s->nuc = n;
    double tmax = 0.0, wsum = 0.0;
    for (int b = 0; b < 3; b++) {
        if (n->branches[b].intensity > 0.0) {
            tmax = fmax(tmax, n->branches[b].endpoint_kev * 1e-3);
            wsum += n->branches[b].intensity;
        }
    }
    s->max_mev = tmax;
    /* Per-branch normalisation so intensities weight the branches, not their raw integrals. */
    double norm[3] = {0, 0, 0};
    for (int b = 0; b < 3; b++) {
        const beta_branch *br = &n->branches[b];
        if (br->intensity <= 0.0)
            continue;
        const double t0 = br->endpoint_kev * 1e-3;
        double sum = 0.0;
        for (int i = 1; i < SPECTRUM_POINTS; i++)
            sum += branch_density(n, br, t0 * i / SPECTRUM_POINTS);
        norm[b] = sum * t0 / SPECTRUM_POINTS;
    }
    double prev = 0.0, cdf = 0.0, mean = 0.0;
    s->t_mev[0] = 0.0;
    s->cdf[0] = 0.0;
    for (int i = 1; i <= SPECTRUM_POINTS; i++) {
        const double t = tmax * i / SPECTRUM_POINTS;
        double d = 0.0;
        for (int b = 0; b < 3; b++)
            if (norm[b] > 0.0)
                d += n->branches[b].intensity / wsum * branch_density(n, &n->branches[b], t) /
                     norm[b];
        const double dt = tmax / SPECTRUM_POINTS;
        cdf += 0.5 * (prev + d) * dt;
        mean += 0.5 * (prev * (t - dt) + d * t) * dt;
        prev = d;
        s->t_mev[i] = t;
        s->cdf[i] = cdf;
    }
    for (int i = 0; i <= SPECTRUM_POINTS; i++)
        s->cdf[i] /= cdf;
    s->mean_mev = mean / cdf;
    *out = s;
    return SIRT_OK;
}

void sirt_beta_spectrum_free(sirt_beta_spectrum *s) { free(s); }
double sirt_beta_spectrum_mean_mev(const sirt_beta_spectrum *s) { return s->mean_mev; }
double sirt_beta_spectrum_max_mev(const sirt_beta_spectrum *s) { return s->max_mev; }
const char *sirt_beta_spectrum_source(const sirt_beta_spectrum *s) { return s->nuc->source; }

double sirt_beta_spectrum_sample(const sirt_beta_spectrum *s, double u)
{
    size_t lo = 0, hi = SPECTRUM_POINTS;
    while (hi - lo > 1) {
        const size_t mid = (lo + hi) / 2;
        if (s->cdf[mid] <= u)
            lo = mid;
        else
            hi = mid;
    }
    const double c0 = s->cdf[lo], c1 = s->cdf[hi];
    const double f = c1 > c0 ? (u - c0) / (c1 - c0) : 0.5;
    return s->t_mev[lo] + f * (s->t_mev[hi] - s->t_mev[lo]);
}
