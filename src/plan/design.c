/* Microsphere design: sphere counts, embolic load, imaging options and the comparison
 * of the catalogue's microspheres (sirt/design.h; domain.md §2.1, §4, §6). */
#include "sirt/design.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/numeric.h"

#define UM_TO_CM 1e-4
#define PI 3.14159265358979323846

double sirt_sphere_volume_ml(double diameter_um)
{
    const double d_cm = diameter_um * UM_TO_CM; /* 1 mL = 1 cm³ */
    return PI / 6.0 * d_cm * d_cm * d_cm;
}

double sirt_sphere_mass_g(double diameter_um, double density_g_per_ml)
{
    return density_g_per_ml * sirt_sphere_volume_ml(diameter_um);
}

double sirt_activity_per_sphere_at_bq(double activity_cal_bq, double half_life_h,
                                      double hours_after_calibration)
{
    return activity_cal_bq * exp(-SIRT_LN2 / half_life_h * hours_after_calibration);
}

static void sphere_init(sirt_sphere *s)
{
    memset(s, 0, sizeof *s);
    s->half_life_h = s->diameter_um = s->density_g_per_ml = NAN;
    s->activity_per_sphere_bq = s->spheres_per_gbq = NAN;
    s->vial_activity_gbq = s->dose_mass_mg = s->spheres_per_vial = NAN;
    s->count_disagreement_fraction = NAN;
    s->count_basis = "";
}

sirt_status sirt_sphere_from_product(const sirt_catalogue *cat, const sirt_product *p,
                                     sirt_sphere *out, sirt_error *err)
{
    if (!cat || !p || !out)
        return sirt_error_set(err, SIRT_EINVAL, "product",
                              "sirt_sphere_from_product: catalogue, product or out is NULL");
    sphere_init(out);
    const sirt_nuclide *n = sirt_catalogue_find_nuclide(cat, p->nuclide);
    if (!n)
        return sirt_error_set(err, SIRT_ENOTFOUND, "nuclide",
                              "product %s: nuclide \"%s\" is not in the catalogue", p->id,
                              p->nuclide);
    snprintf(out->id, sizeof out->id, "%s", p->id);
    snprintf(out->nuclide, sizeof out->nuclide, "%s", n->id);
    out->half_life_h = n->half_life_h.value;
    out->diameter_um = p->sphere_diameter_um.value;
    out->density_g_per_ml = p->sphere_density_g_per_ml.value;
    out->vial_activity_gbq = p->vial_activity_gbq.value;
    out->dose_mass_mg = p->dose_mass_mg.value;
    const double a = p->activity_per_sphere_bq.value, per_gbq = p->spheres_per_gbq.value;
    const double m_g = sirt_sphere_mass_g(out->diameter_um, out->density_g_per_ml);
    /* The vendor's count per vial (spheres_per_gbq) is preferred: it is what is in the
     * vial; the activity per sphere is a rounded table value (SIR-Spheres: 44e6 per 3 GBq
     * gives 68 Bq, the tables say about 50 Bq; domain.md §2.1). */
    if (isfinite(per_gbq)) {
        out->spheres_per_gbq = per_gbq;
        out->activity_per_sphere_bq = 1e9 / per_gbq;
        out->count_basis = "spheres_per_gbq";
        if (isfinite(a))
            out->count_disagreement_fraction = fabs(1e9 / a - per_gbq) / per_gbq;
    } else if (isfinite(a)) {
        out->activity_per_sphere_bq = a;
        out->spheres_per_gbq = 1e9 / a;
        out->count_basis = "activity_per_sphere_bq";
    } else if (isfinite(out->dose_mass_mg) && isfinite(out->vial_activity_gbq) && isfinite(m_g)) {
        /* A dose of known mass and activity (QuiremScout: 60 mg, 250 MBq). */
        out->spheres_per_gbq = out->dose_mass_mg * 1e-3 / m_g / out->vial_activity_gbq;
        out->activity_per_sphere_bq = 1e9 / out->spheres_per_gbq;
        out->count_basis = "dose_mass_mg and vial_activity_gbq";
    } else {
        return sirt_error_set(err, SIRT_EINVAL, "product",
                              "product %s gives neither spheres_per_gbq nor "
                              "activity_per_sphere_bq (nor a dose mass with its activity and "
                              "sphere size), so its spheres cannot be counted",
                              p->id);
    }
    if (isfinite(out->dose_mass_mg) && isfinite(m_g))
        out->spheres_per_vial = out->dose_mass_mg * 1e-3 / m_g;
    else if (isfinite(out->vial_activity_gbq))
        out->spheres_per_vial = out->vial_activity_gbq * out->spheres_per_gbq;
    return SIRT_OK;
}

sirt_status sirt_sphere_user(const char *nuclide, double half_life_h, double diameter_um,
                             double density_g_per_ml, double activity_per_sphere_bq,
                             sirt_sphere *out, sirt_error *err)
{
    if (!out)
        return sirt_error_set(err, SIRT_EINVAL, "sphere", "sirt_sphere_user: out is NULL");
    sphere_init(out);
    if (!(isfinite(half_life_h) && half_life_h > 0))
        return sirt_error_set(err, SIRT_ERANGE, "half_life_h",
                              "half_life_h = %g h is out of range (accepted > 0 h)", half_life_h);
    if (!(isfinite(diameter_um) && diameter_um > 0 && diameter_um <= 5000))
        return sirt_error_set(err, SIRT_ERANGE, "sphere_diameter_um",
                              "sphere_diameter_um = %g um is out of range (accepted (0, 5000] um)",
                              diameter_um);
    if (!(isfinite(density_g_per_ml) && density_g_per_ml > 0 && density_g_per_ml <= 25))
        return sirt_error_set(err, SIRT_ERANGE, "sphere_density_g_per_ml",
                              "sphere_density_g_per_ml = %g g/mL is out of range (accepted (0, "
                              "25] g/mL)",
                              density_g_per_ml);
    if (!(isfinite(activity_per_sphere_bq) && activity_per_sphere_bq > 0 &&
          activity_per_sphere_bq <= 1e15))
        return sirt_error_set(err, SIRT_ERANGE, "activity_per_sphere_bq",
                              "activity_per_sphere_bq = %g Bq is out of range (accepted (0, 1e15] "
                              "Bq)",
                              activity_per_sphere_bq);
    snprintf(out->id, sizeof out->id, "user");
    snprintf(out->nuclide, sizeof out->nuclide, "%s", nuclide ? nuclide : "");
    out->half_life_h = half_life_h;
    out->diameter_um = diameter_um;
    out->density_g_per_ml = density_g_per_ml;
    out->activity_per_sphere_bq = activity_per_sphere_bq;
    out->spheres_per_gbq = 1e9 / activity_per_sphere_bq;
    out->count_basis = "user";
    return SIRT_OK;
}

sirt_status sirt_sphere_count_compute(const sirt_sphere *s, double activity_gbq,
                                      double hours_after_calibration, double perfused_ml,
                                      sirt_sphere_count *out, sirt_error *err)
{
    if (!s || !out)
        return sirt_error_set(err, SIRT_EINVAL, "sphere",
                              "sirt_sphere_count_compute: sphere or out is NULL");
    memset(out, 0, sizeof *out);
    if (!(isfinite(activity_gbq) && activity_gbq > 0 && activity_gbq <= 1000))
        return sirt_error_set(err, SIRT_ERANGE, "activity_gbq",
                              "activity_gbq = %g GBq is out of range (accepted (0, 1000] GBq)",
                              activity_gbq);
    /* Up to a year either side of calibration (negative: before it). */
    if (!(isfinite(hours_after_calibration) && fabs(hours_after_calibration) <= 8784))
        return sirt_error_set(err, SIRT_ERANGE, "hours_after_calibration",
                              "hours_after_calibration = %g h is out of range (accepted -8784 to "
                              "8784 h)",
                              hours_after_calibration);
    if (!isnan(perfused_ml) && !(isfinite(perfused_ml) && perfused_ml > 0 && perfused_ml <= 1e5))
        return sirt_error_set(err, SIRT_ERANGE, "perfused_ml",
                              "perfused_ml = %g mL is out of range (accepted (0, 1e5] mL)",
                              perfused_ml);
    if (!(isfinite(s->activity_per_sphere_bq) && s->activity_per_sphere_bq > 0 &&
          isfinite(s->half_life_h) && s->half_life_h > 0))
        return sirt_error_set(err, SIRT_EINVAL, "sphere",
                              "sphere %s has no activity per sphere or half-life", s->id);
    out->hours_after_calibration = hours_after_calibration;
    out->activity_gbq = activity_gbq;
    /* a(t) = a_cal·e^{−λt} (domain.md §4): older spheres carry less, so more are needed. */
    out->activity_per_sphere_bq =
        sirt_activity_per_sphere_at_bq(s->activity_per_sphere_bq, s->half_life_h,
                                       hours_after_calibration);
    out->spheres_per_gbq = 1e9 / out->activity_per_sphere_bq;
    out->spheres = activity_gbq * out->spheres_per_gbq;
    out->sphere_mass_mg = out->spheres * sirt_sphere_mass_g(s->diameter_um, s->density_g_per_ml) *
                          1e3;
    out->perfused_ml = perfused_ml;
    out->spheres_per_ml = out->spheres / perfused_ml;
    out->sphere_volume_fraction = out->spheres * sirt_sphere_volume_ml(s->diameter_um) /
                                  perfused_ml;
    return SIRT_OK;
}

int sirt_nuclide_imaging(const sirt_nuclide *n, const sirt_activation_data *data,
                         double *spect_kev)
{
    int flags = 0;
    double best_yield = 0, best_kev = NAN;
    if (spect_kev)
        *spect_kev = NAN;
    if (!n)
        return 0;
    /* 90Y: internal pair production gives PET (domain §6.1). */
    if (isfinite(n->internal_pair_branching.value) && n->internal_pair_branching.value > 0)
        flags |= SIRT_IMAGING_PET;
    /* A γ line a gamma camera images well: 50-400 keV (low/medium-energy collimators)
     * with at least 2% per decay (166Ho 80.6 keV at 6.7%, domain §6.3). */
    for (size_t i = 0; i < n->n_gamma_lines && i < SIRT_MAX_GAMMA_LINES; i++) {
        const sirt_gamma_line *g = &n->gamma_lines[i];
        if (g->energy_kev >= 50 && g->energy_kev <= 400 && g->yield_per_decay >= 0.02 &&
            g->yield_per_decay > best_yield) {
            best_yield = g->yield_per_decay;
            best_kev = g->energy_kev;
        }
    }
    if (best_yield > 0) {
        flags |= SIRT_IMAGING_SPECT;
        if (spect_kev)
            *spect_kev = best_kev;
    }
    /* Bremsstrahlung imaging needs energetic β: endpoint ≥ 1 MeV (90Y 2.28 MeV, domain §6.2). */
    if (isfinite(n->max_beta_kev.value) && n->max_beta_kev.value >= 1000)
        flags |= SIRT_IMAGING_BREMS;
    /* MRI: the element's flag in data/activation.json (holmium, domain §6.4). */
    char element[8];
    const char *dash = strchr(n->id, '-');
    size_t len = dash ? (size_t)(dash - n->id) : 0;
    if (len > 0 && len < sizeof element) {
        memcpy(element, n->id, len);
        element[len] = '\0';
        if (sirt_activation_element_mri(data, element, NULL))
            flags |= SIRT_IMAGING_MRI;
    }
    return flags;
}

void sirt_imaging_str(int flags, double spect_kev, char *buf, size_t size)
{
    if (!buf || size == 0)
        return;
    buf[0] = '\0';
    size_t used = 0;
    char spect[48];
    snprintf(spect, sizeof spect, isfinite(spect_kev) ? "SPECT %.0f keV" : "SPECT", spect_kev);
    const struct {
        int flag;
        const char *text;
    } names[] = {{SIRT_IMAGING_PET, "PET"},
                 {SIRT_IMAGING_SPECT, spect},
                 {SIRT_IMAGING_BREMS, "bremsstrahlung SPECT"},
                 {SIRT_IMAGING_MRI, "MRI"}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (!(flags & names[i].flag))
            continue;
        int w = snprintf(buf + used, size - used, "%s%s", used ? ", " : "", names[i].text);
        if (w < 0 || (size_t)w >= size - used)
            return;
        used += (size_t)w;
    }
    if (used == 0)
        snprintf(buf, size, "none");
}

void sirt_design_options_default(sirt_design_options *opt)
{
    opt->dose_gy = 120.0; /* glass single-compartment goal, domain §9 #4 */
    opt->mass_kg = 1.0;
    opt->tissue_density_g_per_ml = 1.03; /* TheraSphere IFU convention, domain §3 */
}

sirt_status sirt_design_compare(const sirt_catalogue *cat, const sirt_activation_data *data,
                                const sirt_design_options *opt, sirt_design_table **out,
                                sirt_error *err)
{
    if (!out)
        return sirt_error_set(err, SIRT_EINVAL, "out", "sirt_design_compare: out is NULL");
    *out = NULL;
    if (!cat)
        return sirt_error_set(err, SIRT_EINVAL, "catalogue",
                              "sirt_design_compare: catalogue is NULL");
    sirt_design_options o;
    sirt_design_options_default(&o);
    if (opt)
        o = *opt;
    if (!(isfinite(o.dose_gy) && o.dose_gy > 0 && o.dose_gy <= 10000))
        return sirt_error_set(err, SIRT_ERANGE, "dose_gy",
                              "dose_gy = %g Gy is out of range (accepted (0, 10000] Gy)", o.dose_gy);
    if (!(isfinite(o.mass_kg) && o.mass_kg > 0 && o.mass_kg <= 10))
        return sirt_error_set(err, SIRT_ERANGE, "mass_kg",
                              "mass_kg = %g kg is out of range (accepted (0, 10] kg)", o.mass_kg);
    if (!(isfinite(o.tissue_density_g_per_ml) && o.tissue_density_g_per_ml >= 0.5 &&
          o.tissue_density_g_per_ml <= 2.0))
        return sirt_error_set(err, SIRT_ERANGE, "tissue_density_g_per_ml",
                              "tissue_density_g_per_ml = %g g/mL is out of range (accepted "
                              "0.5-2.0 g/mL)",
                              o.tissue_density_g_per_ml);
    sirt_design_table *t = calloc(1, sizeof *t);
    size_t np = sirt_catalogue_product_count(cat);
    if (!t || (np > 0 && !(t->rows = calloc(np, sizeof *t->rows)))) {
        free(t);
        return sirt_error_set(err, SIRT_ENOMEM, "design", "out of memory");
    }
    t->options = o;
    t->tissue_volume_ml = o.mass_kg * 1000.0 / o.tissue_density_g_per_ml;
    for (size_t i = 0; i < np; i++) {
        const sirt_product *p = sirt_catalogue_product_at(cat, i);
        const sirt_nuclide *n = sirt_catalogue_find_nuclide(cat, p->nuclide);
        if (p->is_scout || !n)
            continue; /* a scout is not a therapy; a product always has its nuclide */
        sirt_design_row *r = &t->rows[t->n_rows++];
        snprintf(r->product, sizeof r->product, "%s", p->id);
        snprintf(r->name, sizeof r->name, "%s", p->name);
        snprintf(r->nuclide, sizeof r->nuclide, "%s", n->id);
        r->matrix = p->matrix;
        r->half_life_h = n->half_life_h.value;
        r->csda_range_max_mm = n->csda_range_max_mm.value;
        r->csda_range_mean_mm = n->csda_range_mean_mm.value;
        r->diameter_um = p->sphere_diameter_um.value;
        r->density_g_per_ml = p->sphere_density_g_per_ml.value;
        r->dose_factor_j_per_gbq = isfinite(p->dose_factor_j_per_gbq.value)
                                       ? p->dose_factor_j_per_gbq.value
                                       : n->dose_factor_j_per_gbq.value;
        /* A = D·m/K (domain §1: D = K·A/m, local deposition). */
        r->activity_gbq = o.dose_gy * o.mass_kg / r->dose_factor_j_per_gbq;
        sirt_sphere s;
        if (sirt_sphere_from_product(cat, p, &s, NULL) == SIRT_OK) {
            r->activity_per_sphere_bq = s.activity_per_sphere_bq;
            r->spheres = r->activity_gbq * s.spheres_per_gbq;
        } else {
            r->activity_per_sphere_bq = r->spheres = NAN;
        }
        r->spheres_per_ml = r->spheres / t->tissue_volume_ml;
        r->sphere_volume_fraction =
            r->spheres * sirt_sphere_volume_ml(r->diameter_um) / t->tissue_volume_ml;
        r->imaging = sirt_nuclide_imaging(n, data, &r->spect_kev);
    }
    *out = t;
    return SIRT_OK;
}

void sirt_design_table_free(sirt_design_table *t)
{
    if (!t)
        return;
    free(t->rows);
    free(t);
}
