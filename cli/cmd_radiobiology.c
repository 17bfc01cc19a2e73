/* sirt radiobiology: BED, EQD2, EUD, TCP and NTCP per structure from a dose image
 * (docs/cli/radiobiology.md). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>
#include <gsl/gsl_errno.h>

#include "cli.h"
#include "cmd_dvh_input.h"
#include "core/json_write.h"
#include "sirt/radiobiology.h"

void sirt_cmd_radiobiology_help(FILE *fp)
{
    fprintf(fp,
            "Usage: sirt radiobiology DOSE.nii[.gz] (--mask NAME=FILE ... | --labels FILE --label NAME=VALUE ...)\n"
            "                         --nuclide ID [--tissue TISSUE | --tissue NAME=TISSUE ...]\n"
            "                         [--tissue-file FILE] [--alpha-beta G] [--repair-h H]\n"
            "                         [--bin-gy B] [--csv DIR]\n"
            "                         [--json FILE] [--assume-gy]\n\n"
            "Per structure: BED of a permanent implant (Dale 1985: BED = D(1 + D·λ/((μ+λ)·α/β)),\n"
            "λ = ln2/T½ of the nuclide, μ = ln2/T_rep) voxel by voxel, EQD2 = BED/(1 + 2/(α/β)),\n"
            "the BED-DVH, gEUD (Niemierko: (Σv·D^a/V)^(1/a)) of dose and BED, the LQ EUD of the\n"
            "BED (EUBED = −ln(Σv·e^(−α·BED)/V)/α) and the uniform dose giving it, TCP (Poisson,\n"
            "Gaussian spread of α) for tumours and NTCP (Lyman–Kutcher–Burman) for the normal\n"
            "liver. BED quantities are shown as central [low–high]: the range over the low,\n"
            "central and high α/β and T_rep of the tissue. Parameters and sources: docs/dvh.md.\n\n"
            "Options:\n" DVH_INPUT_HELP
            "  --nuclide ID         nuclide of the implant (catalogue id: Y-90, Ho-166, ...)\n"
            "  --tissue TISSUE      tissue of every structure: tumour or normal_liver\n"
            "                       (default tumour); --tissue NAME=TISSUE for one structure\n"
            "  --tissue-file FILE   tissue parameters from FILE instead of the installed\n"
            "                       radiobiology.json (same format)\n"
            "  --alpha-beta G       use this α/β (Gy, 0 < G <= 100) instead of the tissue's range\n"
            "  --repair-h H         use this repair half-time (h, 0 < H <= 100) instead of the range\n"
            "  --bin-gy B           BED-DVH bin width, Gy (default 0.1)\n"
            "  --csv DIR            write DIR/NAME_bed.csv (the BED-DVH at the central values)\n"
            "  --json FILE          write the results as JSON (atomic)\n\n"
            "Exit status: 0 success, 1 invalid input, 2 usage error.\n");
}

static cJSON *range_json(cJSON *parent, const char *key, sirt_range r)
{
    cJSON *o = cJSON_AddObjectToObject(parent, key);
    sirt__json_add_number(o, "low", r.low);
    sirt__json_add_number(o, "central", r.central);
    sirt__json_add_number(o, "high", r.high);
    return o;
}

static cJSON *triple_json(cJSON *parent, const char *key, const double v[3])
{
    sirt_range r = {v[0], v[1], v[2]};
    return range_json(parent, key, r);
}

/* "  label" padded to 40 display columns (UTF-8: count only lead bytes, so α, ⚠ take one). */
static void print_label(const char *label)
{
    size_t cols = 0;
    for (const unsigned char *p = (const unsigned char *)label; *p; p++)
        cols += (*p & 0xC0) != 0x80;
    printf("  %s", label);
    for (; cols < 40; cols++)
        putchar(' ');
}

static void print_range(const char *label, const char *unit, sirt_range r, int digits)
{
    print_label(label);
    if (isnan(r.central)) {
        printf(" %10s\n", "-");
        return;
    }
    printf(" %10.*f %-3s [%.*f – %.*f]\n", digits, r.central, unit, digits, r.low, digits, r.high);
}

static void print_one(const char *label, const char *unit, double v, int digits)
{
    print_label(label);
    if (isnan(v))
        printf(" %10s\n", "-");
    else
        printf(" %10.*f %s\n", digits, v, unit);
}

typedef struct tissue_choice {
    char name[64]; /* structure name, "" for the default */
    const char *id;
    const sirt_tissue *tissue;
} tissue_choice;

static int parse_positive(const char *opt, const char *text, double max, double *out,
                          sirt_error *err)
{
    double v = NAN;
    if (!sirt_cli_strtod(text, &v) || !(v > 0.0) || v > max) {
        sirt_error_set(err, SIRT_ERANGE, opt,
                       "%s \"%s\" is out of range (accepted: a number > 0 and <= %g)", opt, text,
                       max);
        return 0;
    }
    *out = v;
    return 1;
}

int sirt_cmd_radiobiology(int argc, char **argv)
{
    gsl_set_error_handler_off();
    dvh_input in;
    memset(&in, 0, sizeof in);
    in.command = "radiobiology";
    const char *nuclide_id = NULL, *json_path = NULL, *csv_dir = NULL;
    const char *ab_text = NULL, *trep_text = NULL, *bin_text = NULL, *tissue_path = NULL;
    tissue_choice choices[DVH_MAX_STRUCTURES + 1];
    size_t n_choices = 0;
    int rc = SIRT_EXIT_FAIL;
    sirt_error err = {0};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int used = dvh_input_option(&in, argc, argv, &i, &rc);
        if (used < 0)
            return rc;
        if (used)
            continue;
        if (strcmp(a, "--nuclide") == 0 || strcmp(a, "--tissue") == 0 ||
            strcmp(a, "--alpha-beta") == 0 || strcmp(a, "--repair-h") == 0 ||
            strcmp(a, "--json") == 0 || strcmp(a, "--csv") == 0 || strcmp(a, "--bin-gy") == 0 ||
            strcmp(a, "--tissue-file") == 0) {
            if (i + 1 >= argc)
                return sirt_cli_usage("radiobiology", "option %s needs a value", a);
            const char *v = argv[++i];
            if (strcmp(a, "--nuclide") == 0) {
                nuclide_id = v;
            } else if (strcmp(a, "--tissue-file") == 0) {
                tissue_path = v;
            } else if (strcmp(a, "--json") == 0) {
                json_path = v;
            } else if (strcmp(a, "--csv") == 0) {
                csv_dir = v;
            } else if (strcmp(a, "--alpha-beta") == 0) {
                ab_text = v;
            } else if (strcmp(a, "--repair-h") == 0) {
                trep_text = v;
            } else if (strcmp(a, "--bin-gy") == 0) {
                bin_text = v;
            } else {
                if (n_choices == DVH_MAX_STRUCTURES + 1)
                    return sirt_cli_usage("radiobiology", "too many --tissue options");
                tissue_choice *c = &choices[n_choices];
                memset(c, 0, sizeof *c);
                const char *eq = strchr(v, '=');
                const char *tid = eq ? eq + 1 : v;
                if (eq) {
                    size_t len = (size_t)(eq - v);
                    if (len == 0 || len >= sizeof c->name)
                        return sirt_cli_usage("radiobiology", "--tissue \"%s\": expected NAME=TISSUE", v);
                    memcpy(c->name, v, len);
                }
                c->id = tid;
                n_choices++;
            }
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            sirt_cmd_radiobiology_help(stdout);
            return SIRT_EXIT_OK;
        } else if (a[0] == '-' && a[1] != '\0') {
            return sirt_cli_usage("radiobiology", "unknown option '%s'", a);
        } else if (!in.dose_path) {
            in.dose_path = a;
        } else {
            return sirt_cli_usage("radiobiology", "only one dose image (got '%s' and '%s')",
                                  in.dose_path, a);
        }
    }
    if (!dvh_input_check(&in, &rc))
        return rc;
    if (!nuclide_id)
        return sirt_cli_usage("radiobiology", "needs --nuclide ID (e.g. Y-90)");
    /* Every NAME in --tissue NAME=... must be a structure. */
    for (size_t c = 0; c < n_choices; c++) {
        if (!choices[c].name[0])
            continue;
        size_t k = 0;
        while (k < in.n && strcmp(in.s[k].name, choices[c].name) != 0)
            k++;
        if (k == in.n)
            return sirt_cli_usage("radiobiology", "--tissue %s=...: no structure named \"%s\"",
                                  choices[c].name, choices[c].name);
    }
    double ab = NAN, trep = NAN, bin_gy = 0.1;
    if ((ab_text && !parse_positive("--alpha-beta", ab_text, 100.0, &ab, &err)) ||
        (trep_text && !parse_positive("--repair-h", trep_text, 100.0, &trep, &err)) ||
        (bin_text && !parse_positive("--bin-gy", bin_text, 100.0, &bin_gy, &err)))
        return sirt_cli_fail(&err);

    sirt_catalogue *cat = NULL;
    sirt_tissue_set *tissues = NULL;
    cJSON *root = NULL, *arr = NULL, *warnings = NULL;
    char tmpdir[4096] = "";
    if (sirt_catalogue_load_default(&cat, &err) != SIRT_OK)
        goto done;
    const sirt_nuclide *nuc = sirt_catalogue_find_nuclide(cat, nuclide_id);
    if (!nuc) {
        sirt_error_set(&err, SIRT_ENOTFOUND, "--nuclide",
                       "--nuclide: \"%s\" is not in the catalogue (see sirt catalogue)",
                       nuclide_id);
        goto done;
    }
    const double half_life_h = nuc->half_life_h.value;
    if ((tissue_path ? sirt_tissue_set_load(tissue_path, &tissues, &err)
                     : sirt_tissue_set_load_default(&tissues, &err)) != SIRT_OK)
        goto done;
    for (size_t c = 0; c < n_choices; c++) {
        choices[c].tissue = sirt_tissue_set_find(tissues, choices[c].id);
        if (!choices[c].tissue) {
            char ids[512] = "";
            for (size_t q = 0; q < sirt_tissue_set_count(tissues); q++) {
                size_t len = strlen(ids);
                snprintf(ids + len, sizeof ids - len, "%s%s", q ? ", " : "",
                         sirt_tissue_set_at(tissues, q)->id);
            }
            sirt_error_set(&err, SIRT_ENOTFOUND, "--tissue",
                           "--tissue: unknown tissue \"%s\" (accepted: %s)", choices[c].id, ids);
            goto done;
        }
    }
    const sirt_tissue *default_tissue = sirt_tissue_set_find(tissues, "tumour");
    if (!default_tissue)
        default_tissue = sirt_tissue_set_at(tissues, 0);
    if (csv_dir && dvh_csv_begin(csv_dir, tmpdir, sizeof tmpdir, &err) != SIRT_OK)
        goto done;
    if (dvh_input_load(&in, &err) != SIRT_OK)
        goto done;
    if (in.unit_warning[0])
        fprintf(stderr, "sirt: warning: %s\n", in.unit_warning);
    root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "dose_file", in.dose_path);
    cJSON_AddStringToObject(root, "nuclide", nuclide_id);
    sirt__json_add_number(root, "half_life_h", half_life_h);
    cJSON_AddStringToObject(root, "bed_formula",
                            "BED = D*(1 + D*lambda/((mu+lambda)*alpha_beta)), lambda = ln2/T_half, "
                            "mu = ln2/T_rep (Dale 1985, permanent implant, complete decay)");
    cJSON_AddStringToObject(root, "range",
                            "low/high = smallest/largest over the low, central and high alpha/beta "
                            "and T_rep of the tissue (3x3 combinations); central = both central");
    arr = cJSON_AddArrayToObject(root, "structures");
    warnings = cJSON_AddArrayToObject(root, "warnings");
    if (in.unit_warning[0])
        cJSON_AddItemToArray(warnings, cJSON_CreateString(in.unit_warning));
    printf("Dose %s (Gy), nuclide %s (T½ %.4g h). Values: central [low – high] over the α/β "
           "and T_rep ranges.\n",
           in.dose_path, nuclide_id, half_life_h);

    for (size_t k = 0; k < in.n; k++) {
        const sirt_tissue *base = default_tissue;
        for (size_t c = 0; c < n_choices; c++)
            if (!choices[c].name[0])
                base = choices[c].tissue;
        for (size_t c = 0; c < n_choices; c++)
            if (strcmp(choices[c].name, in.s[k].name) == 0)
                base = choices[c].tissue;
        sirt_tissue t = *base;
        if (ab_text)
            t.alpha_beta_gy[0] = t.alpha_beta_gy[1] = t.alpha_beta_gy[2] = ab;
        if (trep_text)
            t.repair_half_time_h[0] = t.repair_half_time_h[1] = t.repair_half_time_h[2] = trep;
        sirt_mask *m = NULL;
        sirt_radiobio_result *r = NULL;
        if (dvh_input_mask(&in, k, &m, &err) != SIRT_OK)
            goto done;
        sirt_status st = sirt_radiobio_analyse(in.dose, m, &t, half_life_h, bin_gy, &r, &err);
        sirt_mask_free(m);
        if (st != SIRT_OK)
            goto done;
        if (!(r->volume_ml > 0.0)) {
            char w[800];
            snprintf(w, sizeof w, "structure \"%s\" (%s) is empty: its values are null",
                     in.s[k].name, in.s[k].source);
            fprintf(stderr, "sirt: warning: %s\n", w);
            cJSON_AddItemToArray(warnings, cJSON_CreateString(w));
        }
        printf("\n%s (%s): tissue %s, α/β %g [%g – %g] Gy, T_rep %g [%g – %g] h, %.3f mL\n",
               r->name, in.s[k].source, t.id, t.alpha_beta_gy[1], t.alpha_beta_gy[0],
               t.alpha_beta_gy[2], t.repair_half_time_h[1], t.repair_half_time_h[0],
               t.repair_half_time_h[2], r->volume_ml);
        print_one("mean dose", "Gy", r->mean_dose_gy, 2);
        print_range("mean BED", "Gy", r->bed_mean_gy, 2);
        print_range("mean EQD2", "Gy", r->eqd2_mean_gy, 2);
        print_range("BED D70", "Gy", r->bed_d70_gy, 2);
        char label[128];
        snprintf(label, sizeof label, "gEUD of dose (a = %g)", t.geud_a);
        print_one(label, "Gy", r->geud_dose_gy, 2);
        snprintf(label, sizeof label, "gEUD of BED (a = %g)", t.geud_a);
        print_range(label, "Gy", r->geud_bed_gy, 2);
        snprintf(label, sizeof label, "EUBED (α = %g /Gy)", t.alpha_per_gy);
        print_range(label, "Gy", r->eubed_gy, 2);
        print_range("uniform dose giving the EUBED", "Gy", r->eubed_dose_gy, 2);
        if (t.is_target)
            print_range("TCP (Poisson, α spread) ⚠", "", r->tcp, 4);
        if (t.has_ntcp) {
            snprintf(label, sizeof label, "NTCP (LKB TD50 %g Gy, m %g, n %g) ⚠", t.ntcp_td50_gy,
                     t.ntcp_m, t.ntcp_n);
            print_one(label, "", r->ntcp, 4);
        }

        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(arr, o);
        cJSON_AddStringToObject(o, "name", r->name);
        cJSON_AddStringToObject(o, "source", in.s[k].source);
        cJSON *p = cJSON_AddObjectToObject(o, "tissue");
        cJSON_AddStringToObject(p, "id", t.id);
        triple_json(p, "alpha_beta_gy", t.alpha_beta_gy);
        triple_json(p, "repair_half_time_h", t.repair_half_time_h);
        sirt__json_add_number(p, "geud_a", t.geud_a);
        sirt__json_add_number(p, "alpha_per_gy", t.alpha_per_gy);
        sirt__json_add_number(p, "alpha_sd_per_gy", t.alpha_sd_per_gy);
        sirt__json_add_number(p, "clonogens_per_cm3", t.clonogens_per_cm3);
        if (t.has_ntcp) {
            cJSON *nt = cJSON_AddObjectToObject(p, "ntcp_lkb");
            sirt__json_add_number(nt, "td50_gy", t.ntcp_td50_gy);
            sirt__json_add_number(nt, "m", t.ntcp_m);
            sirt__json_add_number(nt, "n", t.ntcp_n);
        }
        cJSON_AddStringToObject(p, "source", t.source);
        sirt__json_add_number(o, "volume_ml", r->volume_ml);
        sirt__json_add_number(o, "mean_dose_gy", r->mean_dose_gy);
        sirt__json_add_number(o, "geud_dose_gy", r->geud_dose_gy);
        sirt__json_add_number(o, "eud_lq_dose_gy", r->eud_lq_dose_gy);
        range_json(o, "bed_mean_gy", r->bed_mean_gy);
        range_json(o, "eqd2_mean_gy", r->eqd2_mean_gy);
        range_json(o, "bed_d70_gy", r->bed_d70_gy);
        range_json(o, "geud_bed_gy", r->geud_bed_gy);
        range_json(o, "eubed_gy", r->eubed_gy);
        range_json(o, "eubed_dose_gy", r->eubed_dose_gy);
        if (t.is_target)
            range_json(o, "tcp", r->tcp);
        else
            cJSON_AddNullToObject(o, "tcp");
        sirt__json_add_number(o, "ntcp", r->ntcp);
        if (tmpdir[0]) {
            char stem[80];
            snprintf(stem, sizeof stem, "%s_bed", r->name);
            st = dvh_csv_write(tmpdir, stem, r->bed_dvh, &err);
        }
        sirt_radiobio_result_free(r);
        if (st != SIRT_OK)
            goto done;
    }
    if (json_path && sirt_cli_write_json(json_path, root, &err) != SIRT_OK)
        goto done;
    if (tmpdir[0]) {
        if (dvh_csv_commit(tmpdir, csv_dir, &err) != SIRT_OK) {
            tmpdir[0] = '\0';
            if (json_path)
                remove(json_path);
            goto done;
        }
        tmpdir[0] = '\0';
    }
    rc = SIRT_EXIT_OK;
done:
    if (tmpdir[0])
        dvh_csv_abort(tmpdir);
    cJSON_Delete(root);
    sirt_catalogue_free(cat);
    sirt_tissue_set_free(tissues);
    dvh_input_free(&in);
    if (rc != SIRT_EXIT_OK)
        return sirt_cli_fail(&err);
    return rc;
}
