/* Electron interaction data for liquid water (docs/dose.md, "Transport model").
 *
 * Collision stopping power: Bethe formula for electrons as in ICRU Report 37 (1984), eq. 2.2
 * (Rohrlich–Carlson F⁻ term), I = 75 eV and Z/A = 0.55508 for water (ICRU 37, Table 5.1),
 * with the Sternheimer density-effect correction δ (Sternheimer, Berger & Seltzer, At Data
 * Nucl Data Tables 30:261 (1984), water (liquid): C̄ = 3.5017, x0 = 0.2400, x1 = 2.8004,
 * a = 0.09116, m = 3.4773).
 * Radiative stopping power: the approximation S_rad/S_col ≈ Z·T/(800 MeV) (Attix, Introduction
 * to Radiological Physics and Radiation Dosimetry, Wiley 1986, ch. 8), with Z_eff = 7.22 for
 * water (Σ w_i Z_i²/A_i / Σ w_i Z_i/A_i). Radiative loss is < 1% of the β energy of every
 * catalogue nuclide (domain.md §5.4), so this approximation moves CSDA ranges by < 0.3%.
 * Elastic scattering: Wentzel screened Rutherford cross section with Molière's screening
 * parameter (Molière, Z Naturforsch 2a:133 (1947); the Wentzel/screened-Rutherford transport
 * cross section as in Fernández-Varea et al., Nucl Instrum Methods B 73:447 (1993)), Z(Z+1)
 * to include scattering on atomic electrons, with the McKinley–Feshbach spin (Mott) correction. */
#include <math.h>

#include "dose/dose_internal.h"
#include "sirt/dose.h"

#define ME_C2_MEV 0.51099895        /* CODATA 2018 */
#define RE_CM 2.8179403262e-13      /* classical electron radius, CODATA 2018 */
#define ALPHA_FS (1.0 / 137.035999) /* fine-structure constant, CODATA 2018 */
#define NA_PER_MOL 6.02214076e23    /* exact, SI 2019 */
#define WATER_Z_OVER_A 0.55508      /* ICRU 37 Table 5.1 */
#define WATER_I_MEV 75.0e-6         /* ICRU 37: 75 eV */
#define WATER_M_G_PER_MOL 18.0153

/* Sternheimer et al. 1984 density effect, water (liquid). */
static double density_effect(double t_mev)
{
    const double cbar = 3.5017, x0 = 0.2400, x1 = 2.8004, a = 0.09116, m = 3.4773;
    const double tau = t_mev / ME_C2_MEV;
    const double x = log10(sqrt(tau * (tau + 2.0)));
    if (x < x0)
        return 0.0; /* δ0 = 0 for insulators */
    if (x < x1)
        return 2.0 * log(10.0) * x - cbar + a * pow(x1 - x, m);
    return 2.0 * log(10.0) * x - cbar;
}

double sirt_dose_water_stopping_power(double t_mev, double *collision_out)
{
    const double tau = t_mev / ME_C2_MEV;
    const double gamma = tau + 1.0;
    const double beta2 = 1.0 - 1.0 / (gamma * gamma);
    /* 2π r_e² mc² N_A = 0.153537 MeV cm²/mol (ICRU 37 eq. 2.2 prefactor). */
    const double k = 2.0 * M_PI_VALUE * RE_CM * RE_CM * ME_C2_MEV * NA_PER_MOL * WATER_Z_OVER_A;
    const double i_over_mc2 = WATER_I_MEV / ME_C2_MEV;
    const double f = 1.0 - beta2 +
                     (tau * tau / 8.0 - (2.0 * tau + 1.0) * log(2.0)) / (gamma * gamma);
    const double col = k / beta2 *
                       (log(tau * tau * (tau + 2.0) / (2.0 * i_over_mc2 * i_over_mc2)) + f -
                        density_effect(t_mev));
    /* Attix (1986) ch. 8: S_rad/S_col ≈ Z·T/800 MeV; Z_eff = 7.22 (water). */
    const double rad = col * 7.22 * t_mev / 800.0;
    if (collision_out)
        *collision_out = col;
    return col + rad;
}

/* Integrate 1/S from 1 keV (ESTAR's lower limit) in ln T with Simpson's rule. */
double sirt_dose_water_csda_range(double t_mev)
{
    const double t0 = 1e-3;
    if (!(t_mev > t0))
        return 0.0;
    const int n = 2000; /* even */
    const double a = log(t0), b = log(t_mev), h = (b - a) / n;
    double sum = 0.0;
    for (int i = 0; i <= n; i++) {
        const double t = exp(a + i * h);
        const double g = t / sirt_dose_water_stopping_power(t, NULL);
        const double w = (i == 0 || i == n) ? 1.0 : (i % 2 ? 4.0 : 2.0);
        sum += w * g;
    }
    return sum * h / 3.0;
}

/* First transport cross section per gram of water (cm²/g): 1/λ1 = ρ·this. */
double sirt__dose_water_transport_xs(double t_mev)
{
    const double pc = sqrt(t_mev * (t_mev + 2.0 * ME_C2_MEV));
    const double e = t_mev + ME_C2_MEV;
    const double beta = pc / e;
    const double zs[2] = {1.0, 8.0};
    const double atoms_per_g[2] = {2.0 * NA_PER_MOL / WATER_M_G_PER_MOL,
                                   NA_PER_MOL / WATER_M_G_PER_MOL};
    double xs = 0.0;
    for (int i = 0; i < 2; i++) {
        const double z = zs[i];
        /* Molière screening η = χ0²/4·(1.13 + 3.76(αZ/β)²), χ0 = α Z^{1/3} mc/(0.885 p). */
        const double chi0 = ALPHA_FS * cbrt(z) * ME_C2_MEV / (0.885 * pc);
        const double az = ALPHA_FS * z / beta;
        const double eta = 0.25 * chi0 * chi0 * (1.13 + 3.76 * az * az);
        const double pre = ME_C2_MEV / (pc * beta);
        /* McKinley–Feshbach Mott correction for light nuclei (Phys Rev 74:1759 (1948)):
         * dσ_Mott/dσ_R = 1 − β² sin²(θ/2) + παZβ sin(θ/2)(1 − sin(θ/2)); weighted with
         * (1 − cos θ) and integrated in the small-screening limit it adds −β² + παZβ. */
        const double mott = -beta * beta + M_PI_VALUE * ALPHA_FS * z * beta;
        const double sigma1 = 2.0 * M_PI_VALUE * z * (z + 1.0) * RE_CM * RE_CM * pre * pre *
                              (log(1.0 + 1.0 / eta) - 1.0 / (1.0 + eta) + mott);
        xs += atoms_per_g[i] * sigma1;
    }
    return xs;
}
