/* sirt design: microsphere design (docs/cli/design.md): the product comparison table,
 * neutron activation of a batch, and sphere counts. */
#include <errno.h>
#include <stddef.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>
#include <gsl/gsl_errno.h>

#include "cli.h"
#include "core/json_write.h"

void sirt_cmd_design_help(FILE *fp)
{
    fprintf(fp,
            "Usage: sirt design [table] [--dose-gy D] [--mass-kg M] [--density-g-per-ml R]\n"
            "       sirt design activation BATCH.json\n"
            "       sirt design spheres (--product ID | --nuclide N --diameter-um D\n"
            "                            --sphere-density-g-per-ml R --activity-per-sphere-bq A)\n"
            "                           --activity-gbq A [--hours-after-calibration T]\n"
            "                           [--perfused-ml V]\n"
            "Common options: [--catalogue FILE] [--activation-data FILE] [--json FILE]\n\n"
            "table       compares the catalogue's therapy microspheres: nuclide, half-life,\n"
            "            CSDA range, activity per sphere, activity and spheres for D Gy to\n"
            "            M kg (default 120 Gy, 1 kg), embolic load per mL (tissue density R,\n"
            "            default 1.03 g/mL) and imaging options.\n"
            "activation  neutron activation of a batch file (docs/design.md): activity at the\n"
            "            end of irradiation and after cooling, per gram and per sphere, with\n"
            "            target burn-up, and co-activated impurities.\n"
            "spheres     spheres per GBq and per vial, and the spheres delivered for a planned\n"
            "            activity T hours after calibration, with the embolic load per mL.\n\n"
            "Options:\n"
            "  --catalogue FILE        merge a user catalogue (e.g. your own microsphere)\n"
            "  --activation-data FILE  read activation data from FILE instead of the installed\n"
            "                          data/activation.json\n"
            "  --json FILE             also write the result as JSON (written atomically)\n\n"
            "Exit status: 0 success, 1 invalid input, 2 usage error.\n");
}

typedef struct design_args {
    const char *mode; /* "table", "activation", "spheres" */
    const char *batch_path, *json_path, *catalogue_path, *activation_path;
    const char *product, *nuclide;
    const char *dose, *mass, *density, *diameter, *sphere_density, *a_sphere, *activity, *hours,
        *perfused;
} design_args;

/* Options that take a value, and where it goes. */
static const char **option_slot(design_args *a, const char *opt)
{
    static const struct {
        const char *name;
        size_t offset;
    } opts[] = {
        {"--json", offsetof(design_args, json_path)},
        {"--catalogue", offsetof(design_args, catalogue_path)},
        {"--activation-data", offsetof(design_args, activation_path)},
        {"--product", offsetof(design_args, product)},
        {"--nuclide", offsetof(design_args, nuclide)},
        {"--dose-gy", offsetof(design_args, dose)},
        {"--mass-kg", offsetof(design_args, mass)},
        {"--density-g-per-ml", offsetof(design_args, density)},
        {"--diameter-um", offsetof(design_args, diameter)},
        {"--sphere-density-g-per-ml", offsetof(design_args, sphere_density)},
        {"--activity-per-sphere-bq", offsetof(design_args, a_sphere)},
        {"--activity-gbq", offsetof(design_args, activity)},
        {"--hours-after-calibration", offsetof(design_args, hours)},
        {"--perfused-ml", offsetof(design_args, perfused)},
    };
    for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++)
        if (strcmp(opt, opts[i].name) == 0)
            return (const char **)(void *)((char *)a + opts[i].offset);
    return NULL;
}

/* Which options each mode accepts (besides the common ones). */
static int option_allowed(const char *mode, const char *opt)
{
    static const char *const common[] = {"--json", "--catalogue", "--activation-data", NULL};
    static const char *const table[] = {"--dose-gy", "--mass-kg", "--density-g-per-ml", NULL};
    static const char *const spheres[] = {"--product",
                                          "--nuclide",
                                          "--diameter-um",
                                          "--sphere-density-g-per-ml",
                                          "--activity-per-sphere-bq",
                                          "--activity-gbq",
                                          "--hours-after-calibration",
                                          "--perfused-ml",
                                          NULL};
    const char *const *lists[2] = {common, strcmp(mode, "table") == 0     ? table
                                           : strcmp(mode, "spheres") == 0 ? spheres
                                                                          : NULL};
    for (int k = 0; k < 2; k++)
        for (const char *const *o = lists[k]; o && *o; o++)
            if (strcmp(*o, opt) == 0)
                return 1;
    return 0;
}

static int parse_args(int argc, char **argv, design_args *a)
{
    memset(a, 0, sizeof *a);
    a->mode = "table";
    int i = 1;
    if (i < argc && argv[i][0] != '-') {
        if (strcmp(argv[i], "table") != 0 && strcmp(argv[i], "activation") != 0 &&
            strcmp(argv[i], "spheres") != 0)
            return sirt_cli_usage("design",
                                  "unknown subcommand '%s' (table, activation, spheres)", argv[i]);
        a->mode = argv[i++];
    }
    for (; i < argc; i++) {
        const char *arg = argv[i];
        const char **slot = option_slot(a, arg);
        if (slot) {
            if (!option_allowed(a->mode, arg))
                return sirt_cli_usage("design", "option %s does not apply to 'sirt design %s'",
                                      arg, a->mode);
            if (i + 1 >= argc)
                return sirt_cli_usage("design", "option %s needs a value", arg);
            *slot = argv[++i];
        } else if (arg[0] == '-' && arg[1] != '\0') {
            return sirt_cli_usage("design", "unknown option '%s'", arg);
        } else if (strcmp(a->mode, "activation") == 0 && !a->batch_path) {
            a->batch_path = arg;
        } else {
            return sirt_cli_usage("design", "unexpected argument '%s'", arg);
        }
    }
    if (strcmp(a->mode, "activation") == 0 && !a->batch_path)
        return sirt_cli_usage("design", "'sirt design activation' needs a BATCH.json file");
    if (strcmp(a->mode, "spheres") == 0) {
        int user = a->nuclide || a->diameter || a->sphere_density || a->a_sphere;
        if (!a->activity)
            return sirt_cli_usage("design", "'sirt design spheres' needs --activity-gbq");
        if (a->product && user)
            return sirt_cli_usage("design", "give --product or a user sphere (--nuclide, "
                                            "--diameter-um, ...), not both");
        if (!a->product && !(a->nuclide && a->diameter && a->sphere_density && a->a_sphere))
            return sirt_cli_usage("design",
                                  "give --product ID, or --nuclide, --diameter-um, "
                                  "--sphere-density-g-per-ml and --activity-per-sphere-bq");
    }
    return -1;
}

/* A number from the command line; `fallback` when the option is absent. */
static int get_number(const char *opt, const char *text, double fallback, double *out,
                      sirt_error *err)
{
    if (!text) {
        *out = fallback;
        return 1;
    }
    if (!sirt_cli_strtod(text, out)) {
        sirt_error_set(err, SIRT_EINVAL, opt, "%s \"%s\" is not a number", opt, text);
        return 0;
    }
    return 1;
}

/* Activity with an SI prefix: "6.156 kBq", "2.29 GBq". */
static const char *fmt_bq(double bq, char *buf, size_t size)
{
    static const char *const units[] = {"Bq", "kBq", "MBq", "GBq", "TBq", "PBq"};
    if (!isfinite(bq)) {
        snprintf(buf, size, "n/a");
        return buf;
    }
    int k = 0;
    double v = bq;
    while (fabs(v) >= 1000.0 && k < 5) {
        v /= 1000.0;
        k++;
    }
    snprintf(buf, size, fabs(v) < 1e-3 && v != 0 ? "%.4g %s" : "%.4g %s", v, units[k]);
    return buf;
}

static cJSON *provenance(const sirt_catalogue *cat, const sirt_activation_data *data)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "sirtkit", sirt_version());
    cJSON_AddStringToObject(p, "catalogue_version", sirt_catalogue_version(cat));
    cJSON_AddStringToObject(p, "catalogue_sources", sirt_catalogue_sources(cat));
    if (data) {
        cJSON_AddStringToObject(p, "activation_data_version", sirt_activation_data_version(data));
        cJSON_AddStringToObject(p, "activation_data_source", sirt_activation_data_source(data));
    }
    return p;
}

/* ----------------------------------------------------------------------- table */

static int run_table(const design_args *a, const sirt_catalogue *cat,
                     const sirt_activation_data *data, sirt_error *err)
{
    sirt_design_options o;
    sirt_design_options_default(&o);
    if (!get_number("--dose-gy", a->dose, o.dose_gy, &o.dose_gy, err) ||
        !get_number("--mass-kg", a->mass, o.mass_kg, &o.mass_kg, err) ||
        !get_number("--density-g-per-ml", a->density, o.tissue_density_g_per_ml,
                    &o.tissue_density_g_per_ml, err))
        return 0;
    sirt_design_table *t = NULL;
    if (sirt_design_compare(cat, data, &o, &t, err) != SIRT_OK)
        return 0;
    printf("Microspheres compared for %g Gy to %g kg (%.1f mL at %g g/mL), mean dose with local "
           "deposition\n",
           o.dose_gy, o.mass_kg, t->tissue_volume_ml, o.tissue_density_g_per_ml);
    printf("catalogue %s; activation data %s\n\n", sirt_catalogue_version(cat),
           sirt_activation_data_version(data));
    printf("%-16s %-7s %9s %13s %8s %10s %8s %8s %10s %11s %10s  %s\n", "product", "nuclide",
           "T1/2 h", "CSDA max/mean", "diam um", "Bq/sphere", "K J/GBq", "A GBq", "spheres",
           "spheres/mL", "vol. frac.", "imaging");
    printf("%-16s %-7s %9s %13s %8s %10s %8s %8s %10s %11s %10s\n", "", "", "", "mm", "",
           "(at cal.)", "", "", "", "", "");
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "format", "sirtkit-design-table/1");
    cJSON_AddItemToObject(root, "provenance", provenance(cat, data));
    sirt__json_add_number(root, "dose_gy", o.dose_gy);
    sirt__json_add_number(root, "mass_kg", o.mass_kg);
    sirt__json_add_number(root, "tissue_density_g_per_ml", o.tissue_density_g_per_ml);
    sirt__json_add_number(root, "tissue_volume_ml", t->tissue_volume_ml);
    cJSON *rows = cJSON_AddArrayToObject(root, "products");
    for (size_t i = 0; i < t->n_rows; i++) {
        const sirt_design_row *r = &t->rows[i];
        char img[128], csda[32];
        sirt_imaging_str(r->imaging, r->spect_kev, img, sizeof img);
        snprintf(csda, sizeof csda, "%.3g / %.3g", r->csda_range_max_mm, r->csda_range_mean_mm);
        printf("%-16s %-7s %9.2f %13s %8.4g %10.4g %8.4g %8.4g %10.3e %11.3e %10.2e  %s\n",
               r->product, r->nuclide, r->half_life_h, csda, r->diameter_um,
               r->activity_per_sphere_bq, r->dose_factor_j_per_gbq, r->activity_gbq, r->spheres,
               r->spheres_per_ml, r->sphere_volume_fraction, img);
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "product", r->product);
        cJSON_AddStringToObject(j, "name", r->name);
        cJSON_AddStringToObject(j, "nuclide", r->nuclide);
        cJSON_AddStringToObject(j, "matrix", sirt_matrix_str(r->matrix));
        sirt__json_add_number(j, "half_life_h", r->half_life_h);
        sirt__json_add_number(j, "csda_range_max_mm", r->csda_range_max_mm);
        sirt__json_add_number(j, "csda_range_mean_mm", r->csda_range_mean_mm);
        sirt__json_add_number(j, "sphere_diameter_um", r->diameter_um);
        sirt__json_add_number(j, "sphere_density_g_per_ml", r->density_g_per_ml);
        sirt__json_add_number(j, "activity_per_sphere_bq", r->activity_per_sphere_bq);
        sirt__json_add_number(j, "dose_factor_j_per_gbq", r->dose_factor_j_per_gbq);
        sirt__json_add_number(j, "activity_gbq", r->activity_gbq);
        sirt__json_add_number(j, "spheres", r->spheres);
        sirt__json_add_number(j, "spheres_per_ml", r->spheres_per_ml);
        sirt__json_add_number(j, "sphere_volume_fraction", r->sphere_volume_fraction);
        cJSON *im = cJSON_AddArrayToObject(j, "imaging");
        if (r->imaging & SIRT_IMAGING_PET)
            cJSON_AddItemToArray(im, cJSON_CreateString("PET"));
        if (r->imaging & SIRT_IMAGING_SPECT)
            cJSON_AddItemToArray(im, cJSON_CreateString("SPECT"));
        if (r->imaging & SIRT_IMAGING_BREMS)
            cJSON_AddItemToArray(im, cJSON_CreateString("bremsstrahlung SPECT"));
        if (r->imaging & SIRT_IMAGING_MRI)
            cJSON_AddItemToArray(im, cJSON_CreateString("MRI"));
        sirt__json_add_number(j, "spect_kev", r->spect_kev);
        cJSON_AddItemToArray(rows, j);
    }
    printf("\nA = D*m/K with the product's dose factor K (else the nuclide's); spheres = A / "
           "activity per sphere at calibration\n(more are needed later: domain.md section 4). "
           "Counts from the vendor's spheres per GBq when given (see 'sirt design spheres').\n"
           "Imaging: PET if internal-pair branching is given; SPECT if a gamma line 50-400 keV "
           "has yield >= 2%%;\nbremsstrahlung SPECT if the beta endpoint is >= 1 MeV; MRI for "
           "paramagnetic elements (data/activation.json).\n");
    int ok = 1;
    if (a->json_path && sirt_cli_write_json(a->json_path, root, err) != SIRT_OK)
        ok = 0;
    cJSON_Delete(root);
    sirt_design_table_free(t);
    return ok;
}

/* ------------------------------------------------------------------ activation */

static cJSON *line_json(const sirt_activation_line *l)
{
    const sirt_activation_result *g = &l->per_gram_element;
    cJSON *o = cJSON_CreateObject();
    cJSON *pg = cJSON_AddObjectToObject(o, "per_gram_element");
    sirt__json_add_number(pg, "target_atoms", g->target_atoms);
    sirt__json_add_number(pg, "effective_cross_section_b", g->effective_cross_section_b);
    sirt__json_add_number(pg, "saturation_activity_bq", g->saturation_activity_bq);
    sirt__json_add_number(pg, "activity_eoi_simple_bq", g->activity_eoi_simple_bq);
    sirt__json_add_number(pg, "activity_eoi_bq", g->activity_eoi_bq);
    sirt__json_add_number(pg, "activity_cooled_bq", g->activity_cooled_bq);
    sirt__json_add_number(pg, "target_burnup_fraction", g->target_burnup_fraction);
    sirt__json_add_number(o, "eoi_bq_per_g_spheres", l->eoi_bq_per_g_spheres);
    sirt__json_add_number(o, "cooled_bq_per_g_spheres", l->cooled_bq_per_g_spheres);
    sirt__json_add_number(o, "eoi_bq_per_sphere", l->eoi_bq_per_sphere);
    sirt__json_add_number(o, "cooled_bq_per_sphere", l->cooled_bq_per_sphere);
    sirt__json_add_number(o, "eoi_batch_bq", l->eoi_batch_bq);
    sirt__json_add_number(o, "cooled_batch_bq", l->cooled_batch_bq);
    sirt__json_add_number(o, "fraction_of_main_cooled", l->fraction_of_main_cooled);
    return o;
}

static cJSON *component_json(const sirt_activation_component *c, const sirt_activation_line *l)
{
    const sirt_reaction *r = &c->reaction;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "reaction", r->id);
    cJSON_AddStringToObject(o, "element", r->element);
    cJSON_AddStringToObject(o, "target", r->target);
    cJSON_AddStringToObject(o, "product", r->product);
    sirt__json_add_number(o, "element_mass_fraction", c->element_mass_fraction);
    sirt__json_add_number(o, "product_half_life_h", c->product_half_life_h);
    cJSON *d = cJSON_AddObjectToObject(o, "data");
    const struct {
        const char *key;
        const sirt_quantity *q;
    } qs[] = {{"element_molar_mass_g_per_mol", &r->element_molar_mass_g_per_mol},
              {"isotopic_abundance", &r->isotopic_abundance},
              {"thermal_cross_section_b", &r->thermal_cross_section_b},
              {"resonance_integral_b", &r->resonance_integral_b},
              {"target_absorption_b", &r->target_absorption_b},
              {"product_half_life_h", &r->product_half_life_h}};
    for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
        if (!isfinite(qs[i].q->value))
            continue;
        cJSON *q = cJSON_AddObjectToObject(d, qs[i].key);
        sirt__json_add_number(q, "value", qs[i].q->value);
        cJSON_AddStringToObject(q, "source", qs[i].q->source);
    }
    cJSON_AddItemToObject(o, "activity", line_json(l));
    return o;
}

static void print_line(const char *label, double eoi, double cooled)
{
    char b1[32], b2[32];
    printf("  %-22s %16s %16s\n", label, fmt_bq(eoi, b1, sizeof b1), fmt_bq(cooled, b2, sizeof b2));
}

static int run_activation(const design_args *a, const sirt_catalogue *cat,
                          const sirt_activation_data *data, sirt_error *err)
{
    sirt_activation_batch b;
    sirt_activation_batch_result res;
    if (sirt_activation_batch_load(a->batch_path, data, cat, &b, err) != SIRT_OK ||
        sirt_activation_batch_compute(&b, &res, err) != SIRT_OK)
        return 0;
    const sirt_irradiation *irr = &b.irradiation;
    const sirt_reaction *r = &b.target.reaction;
    char buf[32], buf2[32];
    printf("Activation batch: %s (%s)\n", b.name[0] ? b.name : "(unnamed)", a->batch_path);
    if (isfinite(res.sphere_mass_g))
        printf("  spheres                %g um, %g g/mL: %.4g g per sphere, %.4g spheres per g\n",
               b.sphere_diameter_um, b.sphere_density_g_per_ml, res.sphere_mass_g,
               res.spheres_per_g);
    if (isfinite(b.batch_mass_g))
        printf("  batch                  %g g of spheres%s", b.batch_mass_g,
               isfinite(res.spheres_in_batch) ? "" : "\n");
    if (isfinite(b.batch_mass_g) && isfinite(res.spheres_in_batch))
        printf(" = %.4g spheres\n", res.spheres_in_batch);
    if (b.oxide[0])
        printf("  target                 %s: %g wt%% %s = %.4g wt%% %s\n", r->id,
               100 * b.oxide_mass_fraction, b.oxide, 100 * b.target.element_mass_fraction,
               r->element);
    else
        printf("  target                 %s: %.4g wt%% %s\n", r->id,
               100 * b.target.element_mass_fraction, r->element);
    printf("  data                   abundance %.4g, sigma %.4g b, M %.6g g/mol, product "
           "T1/2 %.4g h\n",
           r->isotopic_abundance.value, r->thermal_cross_section_b.value,
           r->element_molar_mass_g_per_mol.value, b.target.product_half_life_h);
    printf("  irradiation            thermal flux %.3g cm^-2 s^-1, epithermal %.3g cm^-2 s^-1, "
           "%g h, cooling %g h, burn-up %s\n",
           irr->thermal_flux_per_cm2_s, irr->epithermal_flux_per_cm2_s, irr->irradiation_h,
           irr->cooling_h, irr->burnup ? "on" : "off");
    if (irr->epithermal_flux_per_cm2_s > 0 && !isfinite(r->resonance_integral_b.value))
        printf("  note                   no resonance integral for %s: the epithermal flux adds "
               "nothing\n",
               r->id);
    const sirt_activation_result *g = &res.main.per_gram_element;
    char label[SIRT_ID_LEN + 16];
    snprintf(label, sizeof label, "%s activity", r->product);
    printf("\n%-24s %16s %16s\n", label, "end of irradiation", "after cooling");
    snprintf(label, sizeof label, "per g %s", r->element);
    print_line(label, g->activity_eoi_bq, g->activity_cooled_bq);
    print_line("per g spheres", res.main.eoi_bq_per_g_spheres, res.main.cooled_bq_per_g_spheres);
    if (isfinite(res.main.eoi_bq_per_sphere))
        print_line("per sphere", res.main.eoi_bq_per_sphere, res.main.cooled_bq_per_sphere);
    if (isfinite(res.main.eoi_batch_bq))
        print_line("batch", res.main.eoi_batch_bq, res.main.cooled_batch_bq);
    printf("  saturation per g %-5s %16s\n", r->element,
           fmt_bq(g->saturation_activity_bq, buf, sizeof buf));
    printf("  simple formula (8.1)   %16s per g %s (no burn-up)\n",
           fmt_bq(g->activity_eoi_simple_bq, buf2, sizeof buf2), r->element);
    printf("  target burnt           %.4g %% (burn-up changes the activity by %+.3g %%)\n",
           100 * g->target_burnup_fraction,
           100 * (g->activity_eoi_bq / g->activity_eoi_simple_bq - 1));
    if (b.n_impurities) {
        printf("\nCo-activated impurities (after cooling)\n");
        printf("  %-24s %10s %16s %16s %14s\n", "reaction", "wt%", "per g spheres", "per sphere",
               "of main");
        for (size_t i = 0; i < b.n_impurities; i++) {
            const sirt_activation_line *l = &res.impurities[i];
            printf("  %-24s %10.3g %16s %16s %14.3e\n", b.impurities[i].reaction.id,
                   100 * b.impurities[i].element_mass_fraction,
                   fmt_bq(l->cooled_bq_per_g_spheres, buf, sizeof buf),
                   fmt_bq(l->cooled_bq_per_sphere, buf2, sizeof buf2), l->fraction_of_main_cooled);
        }
    }
    if (!a->json_path)
        return 1;
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "format", "sirtkit-design-activation/1");
    cJSON_AddItemToObject(root, "provenance", provenance(cat, data));
    cJSON_AddStringToObject(root, "batch_file", a->batch_path);
    cJSON_AddStringToObject(root, "name", b.name);
    cJSON *m = cJSON_AddObjectToObject(root, "material");
    sirt__json_add_number(m, "sphere_diameter_um", b.sphere_diameter_um);
    sirt__json_add_number(m, "sphere_density_g_per_ml", b.sphere_density_g_per_ml);
    sirt__json_add_number(m, "sphere_mass_g", res.sphere_mass_g);
    sirt__json_add_number(m, "spheres_per_g", res.spheres_per_g);
    sirt__json_add_number(m, "batch_mass_g", b.batch_mass_g);
    sirt__json_add_number(m, "spheres_in_batch", res.spheres_in_batch);
    sirt__json_add_number(m, "element_mass_per_sphere_g", res.element_mass_per_sphere_g);
    if (b.oxide[0]) {
        cJSON_AddStringToObject(m, "oxide", b.oxide);
        sirt__json_add_number(m, "oxide_mass_fraction", b.oxide_mass_fraction);
    }
    cJSON *ir = cJSON_AddObjectToObject(root, "irradiation");
    sirt__json_add_number(ir, "thermal_flux_per_cm2_s", irr->thermal_flux_per_cm2_s);
    sirt__json_add_number(ir, "epithermal_flux_per_cm2_s", irr->epithermal_flux_per_cm2_s);
    sirt__json_add_number(ir, "irradiation_h", irr->irradiation_h);
    sirt__json_add_number(ir, "cooling_h", irr->cooling_h);
    cJSON_AddBoolToObject(ir, "burnup", irr->burnup);
    cJSON_AddItemToObject(root, "target", component_json(&b.target, &res.main));
    cJSON *imps = cJSON_AddArrayToObject(root, "impurities");
    for (size_t i = 0; i < b.n_impurities; i++)
        cJSON_AddItemToArray(imps, component_json(&b.impurities[i], &res.impurities[i]));
    int ok = sirt_cli_write_json(a->json_path, root, err) == SIRT_OK;
    cJSON_Delete(root);
    return ok;
}

/* --------------------------------------------------------------------- spheres */

static int run_spheres(const design_args *a, const sirt_catalogue *cat, sirt_error *err)
{
    sirt_sphere s;
    const sirt_product *p = NULL;
    double activity = NAN, hours = 0, perfused = NAN;
    if (!get_number("--activity-gbq", a->activity, NAN, &activity, err) ||
        !get_number("--hours-after-calibration", a->hours, 0.0, &hours, err) ||
        !get_number("--perfused-ml", a->perfused, NAN, &perfused, err))
        return 0;
    if (a->product) {
        p = sirt_catalogue_find_product(cat, a->product);
        if (!p) {
            sirt_error_set(err, SIRT_ENOTFOUND, "--product",
                           "--product \"%s\" is not a product of the catalogue (see 'sirt "
                           "catalogue')",
                           a->product);
            return 0;
        }
        if (sirt_sphere_from_product(cat, p, &s, err) != SIRT_OK)
            return 0;
    } else {
        const sirt_nuclide *n = sirt_catalogue_find_nuclide(cat, a->nuclide);
        double d = NAN, rho = NAN, as = NAN;
        if (!n) {
            sirt_error_set(err, SIRT_ENOTFOUND, "--nuclide",
                           "--nuclide \"%s\" is not a nuclide of the catalogue (see 'sirt "
                           "catalogue')",
                           a->nuclide);
            return 0;
        }
        if (!get_number("--diameter-um", a->diameter, NAN, &d, err) ||
            !get_number("--sphere-density-g-per-ml", a->sphere_density, NAN, &rho, err) ||
            !get_number("--activity-per-sphere-bq", a->a_sphere, NAN, &as, err) ||
            sirt_sphere_user(n->id, n->half_life_h.value, d, rho, as, &s, err) != SIRT_OK)
            return 0;
    }
    sirt_sphere_count c;
    if (sirt_sphere_count_compute(&s, activity, hours, perfused, &c, err) != SIRT_OK)
        return 0;
    char buf[32];
    printf("Spheres: %s (%s, T1/2 %.4g h)\n", p ? p->name : "user-defined sphere", s.nuclide,
           s.half_life_h);
    if (isfinite(s.diameter_um))
        printf("  sphere                 %g um, %g g/mL, %.4g ng\n", s.diameter_um,
               s.density_g_per_ml, 1e9 * sirt_sphere_mass_g(s.diameter_um, s.density_g_per_ml));
    printf("  at calibration         %s per sphere, %.4g spheres per GBq (from %s)\n",
           fmt_bq(s.activity_per_sphere_bq, buf, sizeof buf), s.spheres_per_gbq, s.count_basis);
    if (isfinite(s.count_disagreement_fraction) && s.count_disagreement_fraction > 0.10)
        printf("  note                   the catalogue's activity per sphere (%.4g Bq) implies "
               "%.4g spheres per GBq, %.0f %% off the count used\n",
               p->activity_per_sphere_bq.value, 1e9 / p->activity_per_sphere_bq.value,
               100 * s.count_disagreement_fraction);
    if (isfinite(s.spheres_per_vial)) {
        if (isfinite(s.dose_mass_mg))
            printf("  per dose               %.4g spheres in %g mg\n", s.spheres_per_vial,
                   s.dose_mass_mg);
        else
            printf("  per vial               %.4g spheres in %g GBq\n", s.spheres_per_vial,
                   s.vial_activity_gbq);
    }
    if (p && p->n_dose_sizes) {
        printf("  per dose vial          ");
        for (size_t i = 0; i < p->n_dose_sizes && i < SIRT_MAX_DOSE_SIZES; i++)
            printf("%s%g GBq: %.3g", i ? ", " : "", p->dose_sizes_gbq[i],
                   p->dose_sizes_gbq[i] * s.spheres_per_gbq);
        printf(" spheres (at calibration)\n");
    }
    printf("\nPlanned %g GBq at %g h after calibration\n", c.activity_gbq,
           c.hours_after_calibration);
    printf("  activity per sphere    %s (a_cal * exp(-lambda t))\n",
           fmt_bq(c.activity_per_sphere_bq, buf, sizeof buf));
    printf("  spheres                %.4g (%.4g per GBq)\n", c.spheres, c.spheres_per_gbq);
    if (isfinite(c.sphere_mass_mg))
        printf("  sphere mass            %.4g mg\n", c.sphere_mass_mg);
    if (isfinite(c.perfused_ml))
        printf("  embolic load           %.4g spheres per mL, sphere volume fraction %.3e of "
               "%g mL\n",
               c.spheres_per_ml, c.sphere_volume_fraction, c.perfused_ml);
    if (!a->json_path)
        return 1;
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "format", "sirtkit-design-spheres/1");
    cJSON_AddItemToObject(root, "provenance", provenance(cat, NULL));
    cJSON *sj = cJSON_AddObjectToObject(root, "sphere");
    cJSON_AddStringToObject(sj, "product", p ? p->id : "user");
    cJSON_AddStringToObject(sj, "nuclide", s.nuclide);
    sirt__json_add_number(sj, "half_life_h", s.half_life_h);
    sirt__json_add_number(sj, "sphere_diameter_um", s.diameter_um);
    sirt__json_add_number(sj, "sphere_density_g_per_ml", s.density_g_per_ml);
    sirt__json_add_number(sj, "sphere_mass_g",
                          sirt_sphere_mass_g(s.diameter_um, s.density_g_per_ml));
    sirt__json_add_number(sj, "activity_per_sphere_at_calibration_bq", s.activity_per_sphere_bq);
    sirt__json_add_number(sj, "spheres_per_gbq_at_calibration", s.spheres_per_gbq);
    cJSON_AddStringToObject(sj, "count_basis", s.count_basis);
    sirt__json_add_number(sj, "count_disagreement_fraction", s.count_disagreement_fraction);
    sirt__json_add_number(sj, "vial_activity_gbq", s.vial_activity_gbq);
    sirt__json_add_number(sj, "dose_mass_mg", s.dose_mass_mg);
    sirt__json_add_number(sj, "spheres_per_vial", s.spheres_per_vial);
    if (p && p->n_dose_sizes) {
        cJSON *v = cJSON_AddArrayToObject(sj, "dose_vials");
        for (size_t i = 0; i < p->n_dose_sizes && i < SIRT_MAX_DOSE_SIZES; i++) {
            cJSON *e = cJSON_CreateObject();
            sirt__json_add_number(e, "activity_gbq", p->dose_sizes_gbq[i]);
            sirt__json_add_number(e, "spheres", p->dose_sizes_gbq[i] * s.spheres_per_gbq);
            cJSON_AddItemToArray(v, e);
        }
    }
    cJSON *pj = cJSON_AddObjectToObject(root, "planned");
    sirt__json_add_number(pj, "activity_gbq", c.activity_gbq);
    sirt__json_add_number(pj, "hours_after_calibration", c.hours_after_calibration);
    sirt__json_add_number(pj, "activity_per_sphere_bq", c.activity_per_sphere_bq);
    sirt__json_add_number(pj, "spheres_per_gbq", c.spheres_per_gbq);
    sirt__json_add_number(pj, "spheres", c.spheres);
    sirt__json_add_number(pj, "sphere_mass_mg", c.sphere_mass_mg);
    sirt__json_add_number(pj, "perfused_ml", c.perfused_ml);
    sirt__json_add_number(pj, "spheres_per_ml", c.spheres_per_ml);
    sirt__json_add_number(pj, "sphere_volume_fraction", c.sphere_volume_fraction);
    int ok = sirt_cli_write_json(a->json_path, root, err) == SIRT_OK;
    cJSON_Delete(root);
    return ok;
}

int sirt_cmd_design(int argc, char **argv)
{
    gsl_set_error_handler_off();
    design_args a;
    int usage = parse_args(argc, argv, &a);
    if (usage >= 0)
        return usage;
    sirt_error err = {0};
    sirt_catalogue *cat = NULL;
    sirt_activation_data *data = NULL;
    int ok = 0;
    if (sirt_catalogue_load_default(&cat, &err) != SIRT_OK)
        goto done;
    if (a.catalogue_path && sirt_catalogue_merge_file(cat, a.catalogue_path, &err) != SIRT_OK)
        goto done;
    if (strcmp(a.mode, "spheres") != 0) {
        sirt_status st = a.activation_path
                             ? sirt_activation_data_load(a.activation_path, &data, &err)
                             : sirt_activation_data_load_default(&data, &err);
        if (st != SIRT_OK)
            goto done;
    }
    if (strcmp(a.mode, "table") == 0)
        ok = run_table(&a, cat, data, &err);
    else if (strcmp(a.mode, "activation") == 0)
        ok = run_activation(&a, cat, data, &err);
    else
        ok = run_spheres(&a, cat, &err);
done:
    sirt_activation_data_free(data);
    sirt_catalogue_free(cat);
    if (!ok) {
        if (err.status == SIRT_OK)
            sirt_error_set(&err, SIRT_EINTERNAL, "design", "sirt design failed");
        return sirt_cli_fail(&err);
    }
    return SIRT_EXIT_OK;
}
