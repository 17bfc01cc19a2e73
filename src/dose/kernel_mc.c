/* Voxel S-value kernels by condensed-history Monte Carlo in water (docs/dose.md).
 *
 * Each history: a β energy sampled from the nuclide's spectrum (spectrum.c), a start point
 * uniform in the central voxel, an isotropic direction. The electron is moved in steps of
 * s = min(0.05·R(E), 0.1·smallest voxel side), R the CSDA range (physics.c); the energy after
 * the step follows the CSDA range–energy relation, E' = E(R(E) − s) (continuous slowing down,
 * no straggling, no δ rays). Multiple elastic scattering over a step: one deflection at a
 * uniformly random "hinge" point of the step (the random-hinge scheme of PENELOPE, Salvat et
 * al., PENELOPE-2014 manual, NEA/NSC/DOC(2015)3, §4.2), its polar angle sampled from a
 * Wentzel (screened Rutherford) distribution whose screening parameter A is chosen so that
 * ⟨1 − cos θ⟩ = 1 − exp(−s/λ1) exactly (Goudsmit–Saunderson's first moment; λ1 the first
 * transport mean free path, physics.c). The collision part of the step's energy loss is
 * scored at the hinge point; the radiative part (bremsstrahlung) is assumed to escape and is
 * tallied separately. Below the cut-off energy whose CSDA range is 2% of the smallest voxel
 * side (at least 10 keV, range 2.5 µm) the rest is scored in place.
 *
 * Reproducibility: histories are run in fixed batches of 10,000; batch b uses its own GSL
 * mt19937 seeded with SplitMix64(seed, b); batch tallies are summed in batch order, so the
 * kernel does not depend on the number of threads. */
#include <errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "core/numeric.h"
#include "dose/dose_internal.h"
#include "sirt/dose.h"
#include "sirt/fileio.h"
#include "sirt/sirt.h"

#define BATCH_HISTORIES 10000L
#define BATCHES_PER_ROUND 16
#define NE 512
#define E_MIN_MEV 1e-3
#define E_CUT_MEV 10e-3
#define STEP_FRACTION 0.05
#define STEP_VOXEL_FRACTION 0.1
#define CUT_RANGE_VOXEL_FRACTION 0.02
#define NA_GRID 1024 /* Wentzel A inversion table */

void sirt__dose_note(char *notes, size_t size, const char *fmt, ...)
{
    if (!notes || size == 0)
        return;
    size_t len = strlen(notes);
    if (len + 2 >= size)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(notes + len, size - len, fmt, ap);
    va_end(ap);
    len = strlen(notes);
    if (len + 1 < size) {
        notes[len] = '\n';
        notes[len + 1] = '\0';
    }
}

sirt_dose_kernel_options sirt_dose_kernel_options_default(void)
{
    sirt_dose_kernel_options o;
    memset(&o, 0, sizeof o);
    o.nuclide = "Y-90";
    o.spacing_mm[0] = o.spacing_mm[1] = o.spacing_mm[2] = 4.0;
    o.density_g_per_ml = 1.0;
    o.histories = 1000000;
    o.seed = 1;
    o.symmetrise = 1;
    return o;
}

void sirt_dose_kernel_free(sirt_dose_kernel *k)
{
    if (k) {
        free(k->gy_per_decay);
        free(k);
    }
}

/* ---- transport tables ---- */
typedef struct tables {
    double ln_e0, dln;       /* log grid */
    double e[NE], r_cm[NE];  /* energy, CSDA range at the kernel density */
    double e_cut_mev;        /* tracking cut-off */
    double colfrac[NE];      /* S_col/S_tot */
    double xs_per_cm[NE];    /* 1/λ1 */
    double m_tab[NA_GRID], lna_tab[NA_GRID]; /* ⟨1−cosθ⟩ of the Wentzel law vs ln A */
    double smax_cm;
    int straggling;
    double strag_k_per_cm; /* 2π r_e² mc² N_A (Z/A) ρ, MeV²/cm per MeV */
} tables;

static void tables_init(tables *t, double e_max, double rho, double smax_cm)
{
    t->ln_e0 = log(E_MIN_MEV);
    t->dln = (log(e_max * 1.02) - t->ln_e0) / (NE - 1);
    double r = 0.0, prev_g = 0.0;
    for (int i = 0; i < NE; i++) {
        const double e = exp(t->ln_e0 + i * t->dln);
        double col = 0.0;
        const double tot = sirt_dose_water_stopping_power(e, &col);
        const double g = e / tot; /* dR/dlnE in g/cm² */
        if (i > 0)
            r += 0.5 * (g + prev_g) * t->dln;
        else
            r = 0.5 * g; /* ∫ from 0 to 1 keV taking S ∝ 1/E there: E/(2S), ~0.08 µm */
        prev_g = g;
        t->e[i] = e;
        t->r_cm[i] = r / rho;
        t->colfrac[i] = col / tot;
        t->xs_per_cm[i] = sirt__dose_water_transport_xs(e) * rho;
    }
    for (int i = 0; i < NA_GRID; i++) {
        const double lna = -30.0 + 40.0 * i / (NA_GRID - 1);
        const double a = exp(lna);
        /* ⟨u⟩ = 2A[(1+A)ln(1+1/A) − 1], u = 1 − cos θ (derivation in docs/dose.md) */
        const double m = a > 1e6 ? 1.0 - 1.0 / (3.0 * a) : 2.0 * a * ((1.0 + a) * log1p(1.0 / a) - 1.0);
        t->lna_tab[i] = lna;
        t->m_tab[i] = m;
    }
    t->smax_cm = smax_cm;
    t->straggling = 1;
    /* 0.153537 MeV cm²/g (ICRU 37 eq. 2.2 prefactor) × Z/A 0.55508 × ρ */
    t->strag_k_per_cm = 0.153537 * 0.55508 * rho;
    /* Tracking cut-off: the energy whose residual range is 2% of the smallest voxel side
     * (never below 10 keV); what is left is scored in place, a displacement below 2% of a
     * voxel. */
    t->e_cut_mev = E_CUT_MEV;
    for (int i = 0; i < NE; i++)
        if (t->r_cm[i] <= CUT_RANGE_VOXEL_FRACTION * smax_cm / STEP_VOXEL_FRACTION)
            t->e_cut_mev = fmax(E_CUT_MEV, t->e[i]);
}

/* Positions on the energy grid are fractional indices x (ln E = ln_e0 + x·dln), so that
 * the step loop needs no logarithms. */
static double index_of_energy(const tables *t, double e)
{
    const double x = (log(e) - t->ln_e0) / t->dln;
    return x < 0.0 ? 0.0 : (x > NE - 1 ? NE - 1 : x);
}

static double at_index(const double *y, double x)
{
    int i = (int)x;
    if (i >= NE - 1)
        i = NE - 2;
    const double f = x - i;
    return y[i] + f * (y[i + 1] - y[i]);
}

/* Fractional index of the energy whose CSDA range is r (bisection on the monotone table;
 * ln E linear in R between nodes). Below the first node: index 0 (1 keV, far below the
 * tracking cut-off). */
static double index_of_range(const tables *t, double r)
{
    if (r <= t->r_cm[0])
        return 0.0;
    int lo = 0, hi = NE - 1;
    if (r >= t->r_cm[hi])
        return NE - 1;
    while (hi - lo > 1) {
        const int mid = (lo + hi) / 2;
        if (t->r_cm[mid] <= r)
            lo = mid;
        else
            hi = mid;
    }
    return lo + (r - t->r_cm[lo]) / (t->r_cm[hi] - t->r_cm[lo]);
}

static double energy_at(const tables *t, double x) { return exp(t->ln_e0 + x * t->dln); }

/* Screening parameter A with ⟨1 − cos θ⟩ = m; returns a negative value for "isotropic". */
static double wentzel_a(const tables *t, double m)
{
    if (m >= t->m_tab[NA_GRID - 1])
        return -1.0;
    if (m <= t->m_tab[0])
        return exp(t->lna_tab[0]);
    int lo = 0, hi = NA_GRID - 1;
    while (hi - lo > 1) {
        const int mid = (lo + hi) / 2;
        if (t->m_tab[mid] <= m)
            lo = mid;
        else
            hi = mid;
    }
    const double f = (m - t->m_tab[lo]) / (t->m_tab[hi] - t->m_tab[lo]);
    return exp(t->lna_tab[lo] + f * (t->lna_tab[hi] - t->lna_tab[lo]));
}

/* Rotate unit vector d by polar cos ct and azimuth phi (standard EGS-style rotation). */
static void rotate(double d[3], double ct, double phi)
{
    const double st = sqrt(fmax(0.0, 1.0 - ct * ct));
    const double cp = cos(phi), sp = sin(phi);
    const double sz = sqrt(fmax(0.0, 1.0 - d[2] * d[2]));
    double n[3];
    if (sz > 1e-10) {
        n[0] = d[0] * ct + st * (d[0] * d[2] * cp - d[1] * sp) / sz;
        n[1] = d[1] * ct + st * (d[1] * d[2] * cp + d[0] * sp) / sz;
        n[2] = d[2] * ct - st * cp * sz;
    } else {
        const double sgn = d[2] >= 0.0 ? 1.0 : -1.0;
        n[0] = st * cp;
        n[1] = st * sp;
        n[2] = sgn * ct;
    }
    const double len = sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
    d[0] = n[0] / len;
    d[1] = n[1] / len;
    d[2] = n[2] / len;
}

typedef struct tally {
    double emitted, deposited, radiative, escaped;
} tally;

typedef struct grid {
    int half[3], dim[3];
    double a_cm[3];
} grid;

static void score(const grid *g, double *acc, tally *tl, const double x[3], double e)
{
    int idx[3];
    for (int c = 0; c < 3; c++) {
        idx[c] = (int)floor(x[c] / g->a_cm[c] + 0.5);
        if (idx[c] < -g->half[c] || idx[c] > g->half[c]) {
            tl->escaped += e;
            return;
        }
    }
    acc[(size_t)(idx[0] + g->half[0]) +
        (size_t)g->dim[0] * ((size_t)(idx[1] + g->half[1]) +
                             (size_t)g->dim[1] * (size_t)(idx[2] + g->half[2]))] += e;
    tl->deposited += e;
}

static void run_history(const tables *t, const sirt_beta_spectrum *spec, const grid *g,
                        gsl_rng *rng, double *acc, tally *tl)
{
    double e = sirt_beta_spectrum_sample(spec, gsl_rng_uniform(rng));
    tl->emitted += e;
    double x[3], d[3];
    for (int c = 0; c < 3; c++)
        x[c] = (gsl_rng_uniform(rng) - 0.5) * g->a_cm[c];
    const double cz = 2.0 * gsl_rng_uniform(rng) - 1.0;
    const double ph = 2.0 * M_PI_VALUE * gsl_rng_uniform(rng);
    const double sz = sqrt(fmax(0.0, 1.0 - cz * cz));
    d[0] = sz * cos(ph);
    d[1] = sz * sin(ph);
    d[2] = cz;
    double xi_e = index_of_energy(t, e);
    while (e > t->e_cut_mev) {
        const double r = at_index(t->r_cm, xi_e);
        const double s = fmin(STEP_FRACTION * r, t->smax_cm);
        double x1 = index_of_range(t, r - s);
        const double xmid = index_of_range(t, r - 0.5 * s);
        double e1 = energy_at(t, x1);
        double de = e - e1;
        if (t->straggling && de > 0.0) {
            /* Energy-loss straggling: a gamma-distributed loss with the CSDA mean and the
             * variance of free-electron collisions up to the Møller maximum E/2,
             * σ² = 2π r_e² mc² n_e s·(E/2)/β² (docs/dose.md); always ≥ 0, mean kept. */
            const double em = energy_at(t, xmid);
            const double gam = 1.0 + em / 0.51099895;
            const double beta2 = 1.0 - 1.0 / (gam * gam);
            const double var = t->strag_k_per_cm * s * 0.5 * e / beta2;
            de = fmin(e, gsl_ran_gamma(rng, de * de / var, var / de));
            e1 = e - de;
            x1 = e1 > t->e[0] ? index_of_energy(t, e1) : 0.0;
        }
        const double colf = at_index(t->colfrac, xmid);
        const double m = -expm1(-s * at_index(t->xs_per_cm, xmid));
        const double hinge = gsl_rng_uniform(rng);
        for (int c = 0; c < 3; c++)
            x[c] += hinge * s * d[c];
        score(g, acc, tl, x, de * colf);
        tl->radiative += de * (1.0 - colf);
        const double a = wentzel_a(t, m);
        const double u = gsl_rng_uniform(rng);
        double ct;
        if (a < 0.0)
            ct = 2.0 * u - 1.0;
        else
            ct = 1.0 - 2.0 * a * u / (1.0 + a - u); /* inverse CDF of the Wentzel law */
        rotate(d, ct, 2.0 * M_PI_VALUE * gsl_rng_uniform(rng));
        for (int c = 0; c < 3; c++)
            x[c] += (1.0 - hinge) * s * d[c];
        e = e1;
        xi_e = x1;
    }
    score(g, acc, tl, x, e);
}

static sirt_status generate(const sirt_dose_kernel_options *opt, sirt_dose_kernel **out,
                            sirt_error *err)
{
    sirt_beta_spectrum *spec = NULL;
    TRY_STATUS(sirt_beta_spectrum_new(opt->nuclide, &spec, err));
    const double rho = opt->density_g_per_ml;
    grid g;
    const double emax = sirt_beta_spectrum_max_mev(spec);
    const double rmax_cm = sirt_dose_water_csda_range(emax) / rho;
    double amin = INFINITY;
    for (int c = 0; c < 3; c++) {
        g.a_cm[c] = opt->spacing_mm[c] * 0.1;
        amin = fmin(amin, g.a_cm[c]);
        /* Every scoring point lies within R_max of the source voxel. */
        g.half[c] = (int)ceil(rmax_cm / g.a_cm[c] + 0.5);
        g.dim[c] = 2 * g.half[c] + 1;
    }
    const size_t n = (size_t)g.dim[0] * (size_t)g.dim[1] * (size_t)g.dim[2];
    tables *t = malloc(sizeof *t);
    sirt_dose_kernel *k = calloc(1, sizeof *k);
    double *sum = k ? calloc(n, sizeof *sum) : NULL;
    double *part = calloc(n * BATCHES_PER_ROUND, sizeof *part);
    tally *tl = calloc(BATCHES_PER_ROUND, sizeof *tl);
    if (!t || !k || !sum || !part || !tl) {
        free(t);
        free(sum);
        free(part);
        free(tl);
        free(k);
        sirt_beta_spectrum_free(spec);
        return sirt_error_set(err, SIRT_ENOMEM, "kernel", "out of memory for a %dx%dx%d kernel",
                              g.dim[0], g.dim[1], g.dim[2]);
    }
    tables_init(t, emax, rho, STEP_VOXEL_FRACTION * amin);
    const long nb = (opt->histories + BATCH_HISTORIES - 1) / BATCH_HISTORIES;
    tally total = {0, 0, 0, 0};
    int failed = 0;
    for (long b0 = 0; b0 < nb && !failed; b0 += BATCHES_PER_ROUND) {
        const int nr = (int)(nb - b0 < BATCHES_PER_ROUND ? nb - b0 : BATCHES_PER_ROUND);
        memset(part, 0, n * (size_t)nr * sizeof *part);
        memset(tl, 0, (size_t)nr * sizeof *tl);
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1) num_threads(opt->threads > 0 ? opt->threads : omp_get_max_threads())
#endif
        for (int r = 0; r < nr; r++) {
            const long b = b0 + r;
            gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
            if (!rng) {
#ifdef _OPENMP
#pragma omp atomic write
#endif
                failed = 1;
                continue;
            }
            gsl_rng_set(rng, (unsigned long)sirt__splitmix64(opt->seed ^
                                                             sirt__splitmix64((uint64_t)b + 1)));
            long nh = BATCH_HISTORIES;
            if (b == nb - 1)
                nh = opt->histories - b * BATCH_HISTORIES;
            for (long h = 0; h < nh; h++)
                run_history(t, spec, &g, rng, part + n * (size_t)r, &tl[r]);
            gsl_rng_free(rng);
        }
        for (int r = 0; r < nr; r++) { /* fixed order: thread-count independent */
            const double *p = part + n * (size_t)r;
            for (size_t i = 0; i < n; i++)
                sum[i] += p[i];
            total.emitted += tl[r].emitted;
            total.deposited += tl[r].deposited;
            total.radiative += tl[r].radiative;
            total.escaped += tl[r].escaped;
        }
        if (opt->progress)
            fprintf(stderr, "\rkernel %s: %ld/%ld histories", opt->nuclide,
                    (b0 + nr) * BATCH_HISTORIES < opt->histories ? (b0 + nr) * BATCH_HISTORIES
                                                                 : opt->histories,
                    opt->histories);
    }
    if (opt->progress)
        fputc('\n', stderr);
    free(part);
    free(tl);
    free(t);
    if (failed) {
        free(sum);
        free(k);
        sirt_beta_spectrum_free(spec);
        return sirt_error_set(err, SIRT_ENOMEM, "kernel", "out of memory for a random generator");
    }
    if (opt->symmetrise) {
        /* Average the 8 mirror images: the kernel of a centred uniform voxel source in an
         * infinite homogeneous medium is symmetric under each axis reflection. */
        double *s2 = malloc(n * sizeof *s2);
        if (s2) {
            for (int kz = 0; kz < g.dim[2]; kz++)
                for (int jy = 0; jy < g.dim[1]; jy++)
                    for (int ix = 0; ix < g.dim[0]; ix++) {
                        double acc = 0.0;
                        for (int m = 0; m < 8; m++) {
                            const int i2 = (m & 1) ? g.dim[0] - 1 - ix : ix;
                            const int j2 = (m & 2) ? g.dim[1] - 1 - jy : jy;
                            const int k2 = (m & 4) ? g.dim[2] - 1 - kz : kz;
                            acc += sum[(size_t)i2 + (size_t)g.dim[0] * ((size_t)j2 + (size_t)g.dim[1] * (size_t)k2)];
                        }
                        s2[(size_t)ix + (size_t)g.dim[0] * ((size_t)jy + (size_t)g.dim[1] * (size_t)kz)] = acc / 8.0;
                    }
            free(sum);
            sum = s2;
        }
    }
    /* MeV per history → Gy per decay: E·1.602e-13 J / (ρ·V·1e-3 kg). */
    const double mass_kg = rho * g.a_cm[0] * g.a_cm[1] * g.a_cm[2] * 1e-3;
    for (size_t i = 0; i < n; i++)
        sum[i] = sum[i] / (double)opt->histories * SIRT_MEV_TO_J / mass_kg;
    snprintf(k->nuclide, sizeof k->nuclide, "%s", opt->nuclide);
    for (int c = 0; c < 3; c++) {
        k->spacing_mm[c] = opt->spacing_mm[c];
        k->half[c] = g.half[c];
    }
    k->density_g_per_ml = rho;
    k->histories = opt->histories;
    k->seed = opt->seed;
    k->model_version = SIRT_DOSE_KERNEL_MODEL_VERSION;
    snprintf(k->software_version, sizeof k->software_version, "%s", sirt_version());
    k->emitted_mev = total.emitted;
    k->deposited_mev = total.deposited;
    k->radiative_mev = total.radiative;
    k->escaped_mev = total.escaped;
    k->mean_energy_mev = total.emitted / (double)opt->histories;
    k->gy_per_decay = sum;
    sirt_beta_spectrum_free(spec);
    *out = k;
    return SIRT_OK;
}

/* ---- cache ---- */

sirt_status sirt_dose_cache_dir(const char *cache_dir, char *buf, size_t size, sirt_error *err)
{
    const char *env;
    int n;
    if (cache_dir && cache_dir[0])
        n = snprintf(buf, size, "%s", cache_dir);
    else if ((env = getenv("SIRT_CACHE_DIR")) && env[0])
        n = snprintf(buf, size, "%s", env);
    else if ((env = getenv("XDG_CACHE_HOME")) && env[0])
        n = snprintf(buf, size, "%s/sirtkit", env);
    else if ((env = getenv("HOME")) && env[0])
        n = snprintf(buf, size, "%s/.cache/sirtkit", env);
    else
        return sirt_error_set(err, SIRT_ENOTFOUND, "cache_dir",
                              "no kernel cache folder: give --cache DIR or set SIRT_CACHE_DIR "
                              "(XDG_CACHE_HOME and HOME are unset)");
    if (n < 0 || (size_t)n >= size)
        return sirt_error_set(err, SIRT_ERANGE, "cache_dir", "cache folder path is too long "
                              "(accepted: < %zu bytes)", size);
    return SIRT_OK;
}

static int mkdir_p(const char *path)
{
    char tmp[512];
    if (snprintf(tmp, sizeof tmp, "%s", path) >= (int)sizeof tmp)
        return -1;
    for (char *p = tmp + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            if (mkdir(tmp, 0777) != 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    }
    if (mkdir(tmp, 0777) != 0 && errno != EEXIST)
        return -1;
    return 0;
}

static void sha256_hex(const void *data, size_t n, char hex[65])
{
    unsigned char md[32];
    unsigned int len = 0;
    hex[0] = '\0';
    if (EVP_Digest(data, n, md, &len, EVP_sha256(), NULL) != 1 || len != 32)
        return;
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

static size_t kernel_count(const sirt_dose_kernel *k)
{
    return (size_t)(2 * k->half[0] + 1) * (size_t)(2 * k->half[1] + 1) *
           (size_t)(2 * k->half[2] + 1);
}

/* The header written before the payload (every parameter that identifies the kernel). */
static int header_text(const sirt_dose_kernel_options *o, const sirt_dose_kernel *k,
                       const char *sha, char *buf, size_t size)
{
    return snprintf(buf, size,
                    "sirtkit-kernel 1\nnuclide %s\nspacing_mm %.6f %.6f %.6f\n"
                    "density_g_per_ml %.6f\nhistories %ld\nseed %llu\nsymmetrise %d\n"
                    "model_version %d\nsoftware %s\nhalf %d %d %d\nmean_energy_mev %.17g\n"
                    "emitted_mev %.17g\ndeposited_mev %.17g\nradiative_mev %.17g\n"
                    "escaped_mev %.17g\nsha256 %s\nend\n",
                    o->nuclide, o->spacing_mm[0], o->spacing_mm[1], o->spacing_mm[2],
                    o->density_g_per_ml, o->histories, (unsigned long long)o->seed,
                    o->symmetrise, SIRT_DOSE_KERNEL_MODEL_VERSION, sirt_version(), k->half[0],
                    k->half[1], k->half[2], k->mean_energy_mev, k->emitted_mev,
                    k->deposited_mev, k->radiative_mev, k->escaped_mev, sha);
}

static const char *header_value(const char *text, const char *key, char *buf, size_t size)
{
    const size_t kl = strlen(key);
    for (const char *p = text; *p;) {
        const char *eol = strchr(p, '\n');
        if (!eol)
            return NULL;
        if ((size_t)(eol - p) > kl && strncmp(p, key, kl) == 0 && p[kl] == ' ') {
            const size_t vl = (size_t)(eol - p) - kl - 1;
            if (vl >= size)
                return NULL;
            memcpy(buf, p + kl + 1, vl);
            buf[vl] = '\0';
            return buf;
        }
        if (strncmp(p, "end\n", 4) == 0)
            return NULL;
        p = eol + 1;
    }
    return NULL;
}

/* Read a cache file; 0 with *out set, or -1 with a reason. The reason is "" when the
 * file simply does not exist. */
static int cache_read(const char *path, const sirt_dose_kernel_options *o, sirt_dose_kernel **out,
                      char *why, size_t why_size)
{
    *out = NULL;
    why[0] = '\0';
    struct stat st;
    if (stat(path, &st) != 0)
        return -1;
    char *data = NULL;
    size_t size = 0;
    if (sirt_read_file(path, (size_t)1 << 30, "kernel cache file", &data, &size, NULL) !=
        SIRT_OK) {
        snprintf(why, why_size, "unreadable");
        return -1;
    }
    int rc = -1;
    sirt_dose_kernel *k = NULL;
    char v[256];
    const char *end = strstr(data, "\nend\n");
    if (strncmp(data, "sirtkit-kernel 1\n", 17) != 0 || !end) {
        snprintf(why, why_size, "not a sirtkit kernel file");
        goto out;
    }
    const size_t hdr = (size_t)(end - data) + 5;
    k = calloc(1, sizeof *k);
    if (!k) {
        snprintf(why, why_size, "out of memory");
        goto out;
    }
    if (!header_value(data, "half", v, sizeof v) ||
        sscanf(v, "%d %d %d", &k->half[0], &k->half[1], &k->half[2]) != 3 || k->half[0] < 0 ||
        k->half[1] < 0 || k->half[2] < 0 || k->half[0] > 4096 || k->half[1] > 4096 ||
        k->half[2] > 4096) {
        snprintf(why, why_size, "bad header (half)");
        goto out;
    }
#define READ_D(key, dst)                                                                       \
    do {                                                                                       \
        char *e_;                                                                              \
        if (!header_value(data, key, v, sizeof v)) {                                           \
            snprintf(why, why_size, "bad header (%s)", key);                                   \
            goto out;                                                                          \
        }                                                                                      \
        dst = strtod(v, &e_);                                                                  \
        if (*e_ != '\0') {                                                                     \
            snprintf(why, why_size, "bad header (%s)", key);                                   \
            goto out;                                                                          \
        }                                                                                      \
    } while (0)
    READ_D("mean_energy_mev", k->mean_energy_mev);
    READ_D("emitted_mev", k->emitted_mev);
    READ_D("deposited_mev", k->deposited_mev);
    READ_D("radiative_mev", k->radiative_mev);
    READ_D("escaped_mev", k->escaped_mev);
#undef READ_D
    {
        /* The whole header must be what we would write for these options. */
        char sha[65];
        const size_t n = kernel_count(k);
        if (size - hdr != n * sizeof(double)) {
            snprintf(why, why_size, "payload is %zu bytes, expected %zu", size - hdr,
                     n * sizeof(double));
            goto out;
        }
        sha256_hex(data + hdr, size - hdr, sha);
        char expect[2048];
        header_text(o, k, sha, expect, sizeof expect);
        if (strlen(expect) != hdr || memcmp(expect, data, hdr) != 0) {
            snprintf(why, why_size, "header or checksum does not match (parameters, software "
                                    "version or data changed)");
            goto out;
        }
        k->gy_per_decay = malloc(n * sizeof(double));
        if (!k->gy_per_decay) {
            snprintf(why, why_size, "out of memory");
            goto out;
        }
        memcpy(k->gy_per_decay, data + hdr, n * sizeof(double));
        for (size_t i = 0; i < n; i++)
            if (!sirt_finite(k->gy_per_decay[i]) || k->gy_per_decay[i] < 0.0) {
                snprintf(why, why_size, "value %zu is not a finite non-negative dose", i);
                goto out;
            }
    }
    snprintf(k->nuclide, sizeof k->nuclide, "%s", o->nuclide);
    for (int c = 0; c < 3; c++)
        k->spacing_mm[c] = o->spacing_mm[c];
    k->density_g_per_ml = o->density_g_per_ml;
    k->histories = o->histories;
    k->seed = o->seed;
    k->model_version = SIRT_DOSE_KERNEL_MODEL_VERSION;
    snprintf(k->software_version, sizeof k->software_version, "%s", sirt_version());
    *out = k;
    k = NULL;
    rc = 0;
out:
    sirt_dose_kernel_free(k);
    free(data);
    return rc;
}

static sirt_status cache_write(const char *path, const sirt_dose_kernel_options *o,
                               const sirt_dose_kernel *k, sirt_error *err)
{
    const size_t n = kernel_count(k);
    char sha[65];
    sha256_hex(k->gy_per_decay, n * sizeof(double), sha);
    char hdr[2048];
    const int hl = header_text(o, k, sha, hdr, sizeof hdr);
    if (hl < 0 || (size_t)hl >= sizeof hdr)
        return sirt_error_set(err, SIRT_EINTERNAL, "cache", "kernel header too long");
    char *buf = malloc((size_t)hl + n * sizeof(double));
    if (!buf)
        return sirt_error_set(err, SIRT_ENOMEM, "cache", "out of memory writing %s", path);
    memcpy(buf, hdr, (size_t)hl);
    memcpy(buf + hl, k->gy_per_decay, n * sizeof(double));
    sirt_status st = sirt_write_file_atomic(path, buf, (size_t)hl + n * sizeof(double), err);
    free(buf);
    return st;
}

static sirt_status check_options(const sirt_dose_kernel_options *o, sirt_error *err)
{
    if (!o->nuclide)
        return sirt_error_set(err, SIRT_EINVAL, "nuclide", "no nuclide given");
    for (int c = 0; c < 3; c++)
        if (!sirt_finite(o->spacing_mm[c]) || o->spacing_mm[c] < 0.1 || o->spacing_mm[c] > 50.0)
            return sirt_error_set(err, SIRT_ERANGE, "spacing_mm",
                                  "spacing_mm = %g mm (kernel voxel size along axis %d) is out of range "
                                  "(accepted: 0.1-50 mm)",
                                  o->spacing_mm[c], c);
    if (!sirt_finite(o->density_g_per_ml) || o->density_g_per_ml < 0.5 ||
        o->density_g_per_ml > 2.0)
        return sirt_error_set(err, SIRT_ERANGE, "density_g_per_ml",
                              "density_g_per_ml = %g g/mL (kernel medium) is out of range (accepted: "
                              "0.5-2.0 g/mL, water scaled)",
                              o->density_g_per_ml);
    if (o->histories < 1000 || o->histories > 1000000000L)
        return sirt_error_set(err, SIRT_ERANGE, "histories",
                              "histories = %ld is out of range (accepted: 1000-1e9)", o->histories);
    return SIRT_OK;
}

sirt_status sirt_dose_kernel_get(const sirt_dose_kernel_options *opt, sirt_dose_kernel **out,
                                 int *from_cache, char *notes, size_t notes_size,
                                 sirt_error *err)
{
    *out = NULL;
    if (from_cache)
        *from_cache = 0;
    TRY_STATUS(check_options(opt, err));
    char dir[400], path[512];
    int use_cache = !(opt->cache_dir && opt->cache_dir[0] == '\0');
    if (use_cache) {
        TRY_STATUS(sirt_dose_cache_dir(opt->cache_dir, dir, sizeof dir, err));
        char nuc[SIRT_ID_LEN];
        snprintf(nuc, sizeof nuc, "%s", opt->nuclide);
        for (char *p = nuc; *p; p++)
            if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
                *p = '_';
        snprintf(path, sizeof path,
                 "%s/kernel_%s_%.4fx%.4fx%.4fmm_rho%.4f_h%ld_s%llu_sym%d_m%d.bin", dir, nuc,
                 opt->spacing_mm[0], opt->spacing_mm[1], opt->spacing_mm[2],
                 opt->density_g_per_ml, opt->histories, (unsigned long long)opt->seed,
                 opt->symmetrise, SIRT_DOSE_KERNEL_MODEL_VERSION);
        char why[256];
        sirt_dose_kernel *k = NULL;
        if (cache_read(path, opt, &k, why, sizeof why) == 0) {
            if (from_cache)
                *from_cache = 1;
            *out = k;
            return SIRT_OK;
        }
        if (why[0])
            sirt__dose_note(notes, notes_size,
                            "kernel cache file %s was invalid (%s); regenerated", path, why);
    }
    sirt_dose_kernel *k = NULL;
    TRY_STATUS(generate(opt, &k, err));
    if (use_cache) {
        if (mkdir_p(dir) != 0) {
            sirt__dose_note(notes, notes_size, "kernel cache folder %s could not be created (%s); "
                                               "kernel not cached", dir, strerror(errno));
        } else {
            sirt_error werr = {0};
            if (cache_write(path, opt, k, &werr) != SIRT_OK)
                sirt__dose_note(notes, notes_size, "kernel not cached: %s", werr.message);
        }
    }
    *out = k;
    return SIRT_OK;
}
