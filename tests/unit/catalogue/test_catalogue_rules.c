/* Default rules (ids, limits, sources the planner relies on), bad rules files, and
 * a clinic file that tightens and adds rules. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "sirt/sirt.h"

static char dir[64];

static const char *write_tmp(const char *name, const char *text)
{
    static char path[160];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *fp = fopen(path, "w");
    if (fp) {
        fputs(text, fp);
        fclose(fp);
    }
    return path;
}

typedef struct expected_rule {
    const char *id;
    sirt_rule_quantity q;
    sirt_rule_kind kind;
    double limit;
    const char *unit;
    sirt_severity sev;
    int constrains;
    int matrix; /* -1 any */
    const char *nuclide;
    sirt_liver_condition liver;
    const char *cite; /* a substring the source must contain */
} expected_rule;

#define HEAD "{\"format\": \"sirtkit-rules/1\", \"version\": \"clinic-1\", \"rules\": ["
#define RULE(id, extra)                                                                  \
    "{\"id\": \"" id "\", \"quantity\": \"lung_dose_gy\", \"kind\": \"max\", \"limit\": 25, " \
    "\"unit\": \"Gy\", \"severity\": \"contraindication\", \"constrains_activity\": true, "   \
    "\"description\": \"d\", \"source\": \"local SOP\"" extra "}"

static void expect_error(const char *name, const char *text, sirt_status status,
                         const char *want1, const char *want2)
{
    const char *path = write_tmp(name, text);
    sirt_error err = {0};
    sirt_rules *r = (sirt_rules *)&err;
    check_int(sirt_rules_load(path, &r, &err), status, "%s: status (%s)", name, err.message);
    check_true(r == NULL, "%s: no partial rules", name);
    check_true(strstr(err.message, path) != NULL, "%s: names the file", name);
    if (want1)
        check_true(strstr(err.message, want1) != NULL, "%s: mentions '%s': %s", name, want1, err.message);
    if (want2)
        check_true(strstr(err.message, want2) != NULL, "%s: mentions '%s'", name, want2);
    remove(path);
}

int main(void)
{
    sirt_error err = {0};
    sirt_rules *rules = NULL;
    check_int(sirt_rules_load_default(&rules, &err), SIRT_OK, "load default rules: %s", err.message);
    if (!rules)
        return check_failures();
    check_str(sirt_rules_version(rules), "2026.1", "version");
    check_true(strstr(sirt_rules_sources(rules), "rules.json") != NULL, "sources");
    check_int((long)sirt_rules_count(rules), 14, "14 default rules (13 from the brief + extrahepatic_uptake)");

    const int R = SIRT_MATRIX_RESIN, G = SIRT_MATRIX_GLASS;
    const sirt_rule_kind MAX = SIRT_RULE_MAX, MIN = SIRT_RULE_MIN;
    const sirt_severity W = SIRT_SEVERITY_WARNING, C = SIRT_SEVERITY_CONTRAINDICATION;
    const sirt_liver_condition ANY = SIRT_LIVER_ANY, COMP = SIRT_LIVER_COMPROMISED,
                               NOTC = SIRT_LIVER_NOT_COMPROMISED;
    /* The brief's list, in order (EANM 2022 Tables 2-3, IFUs, domain.md §3.7-§3.8, §4). */
    const expected_rule want[] = {
        {"lung_dose_single", SIRT_Q_LUNG_DOSE_GY, MAX, 30, "Gy", C, 1, -1, "", ANY, "Ho et al"},
        {"lung_dose_cumulative", SIRT_Q_LUNG_DOSE_CUMULATIVE_GY, MAX, 50, "Gy", C, 1, -1, "", ANY, "Ho et al"},
        {"lsf_resin_max", SIRT_Q_LSF_PERCENT, MAX, 20, "%", C, 0, R, "", ANY, "SIR-Spheres IFU"},
        {"lsf_resin_reduction", SIRT_Q_LSF_PERCENT, MAX, 10, "%", W, 0, R, "", ANY, "SIR-Spheres IFU"},
        {"normal_liver_resin", SIRT_Q_NORMAL_LIVER_DOSE_GY, MAX, 40, "Gy", W, 1, R, "", NOTC, "Levillain"},
        {"normal_liver_resin_compromised", SIRT_Q_NORMAL_LIVER_DOSE_GY, MAX, 30, "Gy", W, 1, R, "", COMP, "Table 3"},
        {"normal_liver_glass", SIRT_Q_NORMAL_LIVER_DOSE_GY, MAX, 120, "Gy", W, 1, G, "", ANY, "DOSISPHERE"},
        {"whole_normal_liver_glass_compromised", SIRT_Q_WHOLE_NORMAL_LIVER_DOSE_GY, MAX, 50, "Gy", W, 1, G, "", COMP, "Table 2 footnote"},
        {"whole_normal_liver_glass", SIRT_Q_WHOLE_NORMAL_LIVER_DOSE_GY, MAX, 90, "Gy", W, 1, G, "", NOTC, "Table 2 footnote"},
        {"whole_liver_ho166", SIRT_Q_WHOLE_LIVER_DOSE_GY, MAX, 60, "Gy", W, 1, -1, "Ho-166", ANY, "Smits"},
        {"tumour_dose_resin_min", SIRT_Q_TUMOUR_DOSE_GY, MIN, 100, "Gy", W, 0, R, "", ANY, "Table 3"},
        {"tumour_dose_glass_min", SIRT_Q_TUMOUR_DOSE_GY, MIN, 205, "Gy", W, 0, G, "", ANY, "Garin"},
        {"dose_deviation", SIRT_Q_DOSE_DEVIATION_PERCENT, MAX, 10, "%", W, 0, -1, "", ANY, "Konijnenberg"},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const expected_rule *e = &want[i];
        const sirt_rule *r = sirt_rules_find(rules, e->id);
        check_true(r != NULL, "rule %s present", e->id);
        if (!r)
            continue;
        check_true(r == sirt_rules_at(rules, i), "%s in file order", e->id);
        check_int(r->quantity, e->q, "%s quantity", e->id);
        check_int(r->kind, e->kind, "%s kind", e->id);
        check_rel(r->limit, e->limit, 1e-12, "%s limit", e->id);
        check_str(r->unit, e->unit, "%s unit", e->id);
        check_str(r->unit, sirt_rule_quantity_unit(r->quantity), "%s unit of quantity", e->id);
        check_int(r->severity, e->sev, "%s severity", e->id);
        check_int(r->constrains_activity, e->constrains, "%s constrains", e->id);
        check_int(r->applies_matrix, e->matrix, "%s matrix", e->id);
        check_str(r->applies_nuclide, e->nuclide, "%s nuclide", e->id);
        check_int(r->applies_liver, e->liver, "%s liver", e->id);
        check_true(strstr(r->source, e->cite) != NULL, "%s cites %s: %s", e->id, e->cite, r->source);
        check_true(r->description[0] != '\0', "%s has a description", e->id);
    }
    check_true(strstr(sirt_rules_find(rules, "tumour_dose_glass_min")->description, "189 Gy") != NULL,
               "mCRC 189 Gy noted");
    check_true(strstr(sirt_rules_find(rules, "lung_dose_single")->source, "Weber") != NULL, "EANM 2022 cited");
    check_true(sirt_rules_find(rules, "no_such_rule") == NULL, "unknown id");
    check_true(sirt_rules_at(rules, 14) == NULL, "index past the end");
    check_str(sirt_rule_quantity_str(SIRT_Q_WHOLE_NORMAL_LIVER_DOSE_GY), "whole_normal_liver_dose_gy", "quantity name");
    check_str(sirt_rule_quantity_str(SIRT_Q_EXTRAHEPATIC_PERCENT), "extrahepatic_percent", "quantity name");
    check_str(sirt_rule_quantity_str(SIRT_Q_COUNT_), "unknown", "out of range quantity");

    snprintf(dir, sizeof dir, "/tmp/sirt_rules_XXXXXX");
    if (!mkdtemp(dir)) {
        check_true(0, "mkdtemp");
        return check_failures();
    }
    /* ---- bad files ---- */
    expect_error("notjson.json", "[1, 2", SIRT_EFORMAT, "not valid JSON", NULL);
    expect_error("format.json", "{\"format\": \"sirtkit-catalogue/1\", \"version\": \"x\", \"rules\": []}",
                 SIRT_EFORMAT, "$.format", "sirtkit-rules/1");
    expect_error("unknown_key.json", HEAD RULE("a", ", \"limt\": 3") "]}", SIRT_EINVAL,
                 "$.rules[0].limt", "unknown key");
    expect_error("quantity.json",
                 HEAD "{\"id\": \"a\", \"quantity\": \"lung_dose\", \"kind\": \"max\"}]}", SIRT_EINVAL,
                 "$.rules[0].quantity", "\"lung_dose_gy\"");
    expect_error("unit.json",
                 HEAD "{\"id\": \"a\", \"quantity\": \"lsf_percent\", \"kind\": \"max\", \"unit\": \"Gy\"}]}",
                 SIRT_EINVAL, "$.rules[0].unit", "\"%\"");
    expect_error("negative.json", HEAD "{\"id\": \"a\", \"quantity\": \"lung_dose_gy\", \"kind\": \"max\", "
                 "\"unit\": \"Gy\", \"limit\": -5}]}", SIRT_ERANGE, "$.rules[0].limit", "-5 Gy");
    expect_error("percent.json", HEAD "{\"id\": \"a\", \"quantity\": \"lsf_percent\", \"kind\": \"max\", "
                 "\"unit\": \"%\", \"limit\": 150}]}", SIRT_ERANGE, "$.rules[0].limit", "[0, 100] %");
    expect_error("severity.json", HEAD RULE("a", ", \"severity\": \"fatal\"") "]}", SIRT_EINVAL,
                 "$.rules[0]", "duplicate key \"severity\"");
    expect_error("severity2.json", HEAD "{\"id\": \"a\", \"quantity\": \"lung_dose_gy\", \"kind\": \"max\", "
                 "\"unit\": \"Gy\", \"limit\": 5, \"severity\": \"fatal\"}]}", SIRT_EINVAL,
                 "$.rules[0].severity", "\"contraindication\"");
    {   /* control: the RULE() template itself is valid */
        sirt_error ec = {0};
        sirt_rules *ok = NULL;
        check_int(sirt_rules_load(write_tmp("ok.json", HEAD RULE("a", "") "]}"), &ok, &ec), SIRT_OK,
                  "valid template: %s", ec.message);
        sirt_rules_free(ok);
    }
    expect_error("dup.json", HEAD RULE("a", "") ", " RULE("a", "") "]}", SIRT_EINVAL, "$.rules[1]",
                 "duplicate rule id \"a\"");
    expect_error("id.json", HEAD RULE("Lung-Dose", "") "]}", SIRT_EINVAL, "$.rules[0].id", "lower case");
    expect_error("missing.json", HEAD "{\"id\": \"a\", \"quantity\": \"lung_dose_gy\", \"kind\": \"max\", "
                 "\"unit\": \"Gy\", \"limit\": 5, \"severity\": \"warning\", \"description\": \"d\"}]}",
                 SIRT_EINVAL, "$.rules[0].source", "missing required key");
    expect_error("min_constrains.json", HEAD "{\"id\": \"a\", \"quantity\": \"tumour_dose_gy\", \"kind\": \"min\", "
                 "\"unit\": \"Gy\", \"limit\": 5, \"severity\": \"warning\", \"constrains_activity\": true, "
                 "\"description\": \"d\", \"source\": \"s\"}]}",
                 SIRT_EINVAL, "$.rules[0].constrains_activity", "\"min\"");
    expect_error("applies.json", HEAD RULE("a", ", \"applies_to\": {\"matrix\": \"resin\", \"organ\": \"lung\"}") "]}",
                 SIRT_EINVAL, "$.rules[0].applies_to.organ", "unknown key");
    expect_error("applies_nuclide.json", HEAD RULE("a", ", \"applies_to\": {\"nuclide\": \"holmium\"}") "]}",
                 SIRT_EINVAL, "$.rules[0].applies_to.nuclide", "not a nuclide");
    expect_error("bool.json", HEAD "{\"id\": \"a\", \"quantity\": \"lung_dose_gy\", \"kind\": \"max\", "
                 "\"unit\": \"Gy\", \"limit\": 5, \"severity\": \"warning\", \"constrains_activity\": \"yes\"}]}",
                 SIRT_EINVAL, "$.rules[0].constrains_activity", "true or false");

    /* ---- a clinic tightens the single-treatment lung limit and adds a rule ---- */
    const char *clinic = write_tmp("clinic.json", HEAD
        RULE("lung_dose_single", ", \"applies_to\": {\"nuclide\": \"166Ho\"}") ", "
        "{\"id\": \"extrahepatic_max\", \"quantity\": \"extrahepatic_percent\", \"kind\": \"max\", "
        "\"limit\": 2, \"unit\": \"%\", \"severity\": \"warning\", \"description\": \"d\", \"source\": \"local SOP\"}]}");
    sirt_error e = {0};
    const long n_default = (long)sirt_rules_count(rules);
    check_int(sirt_rules_merge_file(rules, clinic, &e), SIRT_OK, "clinic merge: %s", e.message);
    const sirt_rule *lung = sirt_rules_find(rules, "lung_dose_single");
    check_rel(lung->limit, 25, 1e-12, "lung limit tightened to 25 Gy");
    check_str(lung->source, "local SOP", "source of the clinic");
    check_str(lung->applies_nuclide, "Ho-166", "alias canonicalised");
    check_true(lung == sirt_rules_at(rules, 0), "replacement keeps its place");
    check_int((long)sirt_rules_count(rules), n_default + 1, "one rule added");
    const sirt_rule *ex = sirt_rules_find(rules, "extrahepatic_max");
    check_true(ex && ex->quantity == SIRT_Q_EXTRAHEPATIC_PERCENT && ex->applies_matrix == -1 &&
               ex->applies_liver == SIRT_LIVER_ANY && !ex->constrains_activity,
               "added rule with defaults");
    check_str(sirt_rules_version(rules), "2026.1 + clinic-1", "merged version");
    check_true(strstr(sirt_rules_sources(rules), "; ") != NULL, "sources joined");
    /* A replacement may not change what the id checks; rules unchanged on failure. */
    const char *bad = write_tmp("clinic_bad.json", HEAD
        "{\"id\": \"extrahepatic_max\", \"quantity\": \"extrahepatic_percent\", \"kind\": \"max\", "
        "\"limit\": 1, \"unit\": \"%\", \"severity\": \"warning\", \"description\": \"d\", \"source\": \"s\"}, "
        "{\"id\": \"dose_deviation\", \"quantity\": \"lung_dose_gy\", \"kind\": \"max\", "
        "\"limit\": 10, \"unit\": \"Gy\", \"severity\": \"warning\", \"description\": \"d\", \"source\": \"s\"}]}");
    sirt_error eb = {0};
    check_int(sirt_rules_merge_file(rules, bad, &eb), SIRT_EINVAL, "quantity change refused");
    check_true(strstr(eb.message, "$.rules[1]") && strstr(eb.message, "dose_deviation"), "%s", eb.message);
    check_rel(sirt_rules_find(rules, "extrahepatic_max")->limit, 2, 1e-12, "no partial merge");
    check_int((long)sirt_rules_count(rules), n_default + 1, "count unchanged");
    /* write_tmp returns one static buffer: remove by name. */
    const char *tmp_names[] = {"clinic.json", "clinic_bad.json", "ok.json"};
    for (size_t i = 0; i < 3; i++)
        remove(write_tmp(tmp_names[i], ""));
    rmdir(dir);
    sirt_rules_free(rules);
    return check_failures();
}
