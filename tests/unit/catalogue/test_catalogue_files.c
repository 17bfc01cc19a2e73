/* Bad catalogue files are refused with a message naming the file, the JSON path, the
 * value and the accepted range; user files merge on top (same id replaces, new adds). */
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
    if (!fp)
        return path;
    fputs(text, fp);
    fclose(fp);
    return path;
}

#define HEAD "{\"format\": \"sirtkit-catalogue/1\", \"version\": \"t\", "
/* A valid Y-90 entry (K consistent with T½ and E_np) with one field replaceable. */
#define Y90(half_life)                                                                    \
    "{\"id\": \"Y-90\", \"half_life_h\": " half_life ", "                                 \
    "\"energy_absorbed_kev\": {\"value\": 931.2, \"unit\": \"keV\", \"source\": \"s\"}, " \
    "\"dose_factor_j_per_gbq\": {\"value\": 49.67, \"unit\": \"J/GBq\", \"source\": \"s\"}}"
#define HL_OK "{\"value\": 64.1, \"unit\": \"h\", \"source\": \"ICRP 107\"}"

/* Load `text` as a catalogue; expect `status` and each of the `want` substrings. */
static void expect_error(const char *name, const char *text, sirt_status status,
                         const char *want1, const char *want2)
{
    const char *path = write_tmp(name, text);
    sirt_error err = {0};
    sirt_catalogue *cat = (sirt_catalogue *)&err; /* must be reset to NULL */
    check_int(sirt_catalogue_load(path, &cat, &err), status, "%s: status", name);
    check_true(cat == NULL, "%s: no partial catalogue", name);
    check_true(strstr(err.message, path) != NULL, "%s: names the file: %s", name, err.message);
    if (want1)
        check_true(strstr(err.message, want1) != NULL, "%s: mentions '%s'", name, want1);
    if (want2)
        check_true(strstr(err.message, want2) != NULL, "%s: mentions '%s'", name, want2);
    sirt_catalogue_free(cat);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/sirt_cat_XXXXXX");
    if (!mkdtemp(dir)) {
        check_true(0, "mkdtemp");
        return check_failures();
    }

    /* A minimal valid file loads. */
    const char *ok = write_tmp("ok.json", HEAD "\"nuclides\": [" Y90(HL_OK) "]}");
    sirt_error err = {0};
    sirt_catalogue *cat = NULL;
    check_int(sirt_catalogue_load(ok, &cat, &err), SIRT_OK, "minimal file: %s", err.message);
    check_int((long)sirt_catalogue_nuclide_count(cat), 1, "one nuclide");
    sirt_catalogue_free(cat);

    expect_error("notjson.json", "{\"format\": \"sirtkit-catalogue/1\",\n  oops }", SIRT_EFORMAT,
                 "not valid JSON", "line 2");
    expect_error("format.json", "{\"format\": \"other/2\", \"version\": \"t\"}", SIRT_EFORMAT,
                 "$.format", "sirtkit-catalogue/1");
    expect_error("unknown_top.json", HEAD "\"nuclide\": []}", SIRT_EINVAL, "$.nuclide",
                 "unknown key");
    expect_error("unknown_key.json",
                 HEAD "\"nuclides\": [{\"id\": \"Y-90\", \"half_life\": " HL_OK "}]}",
                 SIRT_EINVAL, "$.nuclides[0].half_life", "unknown key \"half_life\"");
    expect_error("wrong_unit.json",
                 HEAD "\"nuclides\": [" Y90("{\"value\": 2.67, \"unit\": \"d\", \"source\": \"s\"}") "]}",
                 SIRT_EINVAL, "$.nuclides[0].half_life_h.unit", "expected unit \"h\"");
    expect_error("negative.json",
                 HEAD "\"nuclides\": [" Y90("{\"value\": -64.1, \"unit\": \"h\", \"source\": \"s\"}") "]}",
                 SIRT_ERANGE, "$.nuclides[0].half_life_h.value", "-64.1 h");
    expect_error("zero.json",
                 HEAD "\"nuclides\": [" Y90("{\"value\": 0, \"unit\": \"h\", \"source\": \"s\"}") "]}",
                 SIRT_ERANGE, "$.nuclides[0].half_life_h.value", "(0, 1e+09] h");
    expect_error("infinite.json",
                 HEAD "\"nuclides\": [" Y90("{\"value\": 1e999, \"unit\": \"h\", \"source\": \"s\"}") "]}",
                 SIRT_ERANGE, "$.nuclides[0].half_life_h.value", "not a finite number");
    expect_error("string_value.json",
                 HEAD "\"nuclides\": [" Y90("{\"value\": \"64.1\", \"unit\": \"h\", \"source\": \"s\"}") "]}",
                 SIRT_EINVAL, "$.nuclides[0].half_life_h.value", "expected a number");
    expect_error("no_source.json",
                 HEAD "\"nuclides\": [" Y90("{\"value\": 64.1, \"unit\": \"h\"}") "]}",
                 SIRT_EINVAL, "$.nuclides[0].half_life_h.source", "missing required key");
    expect_error("missing.json",
                 HEAD "\"nuclides\": [{\"id\": \"Y-90\", \"half_life_h\": " HL_OK "}]}",
                 SIRT_EINVAL, "$.nuclides[0].energy_absorbed_kev", "missing required key");
    expect_error("dup_id.json", HEAD "\"nuclides\": [" Y90(HL_OK) ", " Y90(HL_OK) "]}",
                 SIRT_EINVAL, "$.nuclides[1]", "duplicate nuclide id \"Y-90\"");
    expect_error("dup_key.json",
                 HEAD "\"version\": \"again\", \"nuclides\": []}", SIRT_EINVAL,
                 "$.version", "duplicate key");
    expect_error("noncanonical.json",
                 HEAD "\"nuclides\": [{\"id\": \"90Y\"}]}", SIRT_EINVAL, "$.nuclides[0].id",
                 "\"Y-90\"");
    /* K inconsistent with T½·E_np: 49.67 J/MBq typed as 49670 J/GBq. */
    expect_error("k_mismatch.json",
                 HEAD "\"nuclides\": [{\"id\": \"Y-90\", \"half_life_h\": " HL_OK ", "
                 "\"energy_absorbed_kev\": {\"value\": 931.2, \"unit\": \"keV\", \"source\": \"s\"}, "
                 "\"dose_factor_j_per_gbq\": {\"value\": 49670, \"unit\": \"J/GBq\", \"source\": \"s\"}}]}",
                 SIRT_ERANGE, "$.nuclides[0].dose_factor_j_per_gbq.value", "49.67 J/GBq");
    /* Products. */
#define PROD(extra)                                                                        \
    "{\"id\": \"my-resin\", \"name\": \"Test resin\", \"nuclide\": \"90Y\", "              \
    "\"matrix\": \"resin\", \"calibration\": {\"convention\": \"label\", \"source\": \"s\"}" \
    extra "}"
    expect_error("vial_negative.json",
                 HEAD "\"nuclides\": [" Y90(HL_OK) "], \"products\": [" PROD(", \"vial_activity_gbq\": "
                 "{\"value\": -3, \"unit\": \"GBq\", \"source\": \"s\"}") "]}",
                 SIRT_ERANGE, "$.products[0].vial_activity_gbq.value", "(0, 1000] GBq");
    expect_error("matrix.json",
                 HEAD "\"nuclides\": [" Y90(HL_OK) "], \"products\": [{\"id\": \"x\", \"name\": \"x\", "
                 "\"nuclide\": \"Y-90\", \"matrix\": \"ceramic\"}]}",
                 SIRT_EINVAL, "$.products[0].matrix", "\"resin\"");
    expect_error("unknown_nuclide.json",
                 HEAD "\"nuclides\": [" Y90(HL_OK) "], \"products\": [" PROD("") ", "
                 "{\"id\": \"lu-spheres\", \"name\": \"x\", \"nuclide\": \"Lu-177\", \"matrix\": \"glass\", "
                 "\"calibration\": {\"convention\": \"label\", \"source\": \"s\"}}]}",
                 SIRT_ENOTFOUND, "$.products[1].nuclide", "\"Lu-177\"");
    expect_error("dup_product.json",
                 HEAD "\"nuclides\": [" Y90(HL_OK) "], \"products\": [" PROD("") ", " PROD("") "]}",
                 SIRT_EINVAL, "$.products[1]", "duplicate product id");
    expect_error("upper_id.json",
                 HEAD "\"nuclides\": [" Y90(HL_OK) "], \"products\": [{\"id\": \"My-Resin\"}]}",
                 SIRT_EINVAL, "$.products[0].id", "lower case");
    expect_error("weekly_no_tz.json",
                 HEAD "\"nuclides\": [" Y90(HL_OK) "], \"products\": [{\"id\": \"g\", \"name\": \"g\", "
                 "\"nuclide\": \"Y-90\", \"matrix\": \"glass\", \"calibration\": {\"convention\": \"weekly\", "
                 "\"weekday\": \"sunday\", \"hour\": 12, \"source\": \"s\"}}]}",
                 SIRT_EINVAL, "$.products[0].calibration.time_zone", "weekly");
    expect_error("sizes_order.json",
                 HEAD "\"nuclides\": [" Y90(HL_OK) "], \"products\": [" PROD(", \"dose_sizes_gbq\": "
                 "{\"values\": [3, 7, 5], \"unit\": \"GBq\", \"source\": \"s\"}") "]}",
                 SIRT_EINVAL, "$.products[0].dose_sizes_gbq.values[2]", "increasing");
    expect_error("product_k.json",
                 HEAD "\"nuclides\": [" Y90(HL_OK) "], \"products\": [" PROD(", \"dose_factor_j_per_gbq\": "
                 "{\"value\": 15.87, \"unit\": \"J/GBq\", \"source\": \"s\"}") "]}",
                 SIRT_ERANGE, "$.products[0].dose_factor_j_per_gbq.value", "Y-90");
    {
        sirt_error e = {0};
        cat = (sirt_catalogue *)&e;
        char missing[128];
        snprintf(missing, sizeof missing, "%s/does-not-exist.json", dir);
        check_int(sirt_catalogue_load(missing, &cat, &e), SIRT_EIO, "missing file");
        check_true(cat == NULL && strstr(e.message, missing), "missing file named: %s", e.message);
    }

    /* ---- merge a user file on top of the default catalogue ---- */
    sirt_error e = {0};
    cat = NULL;
    check_int(sirt_catalogue_load_default(&cat, &e), SIRT_OK, "default: %s", e.message);
    if (!cat)
        return check_failures();
    const sirt_product *ts = sirt_catalogue_find_product(cat, "therasphere");
    const double ts_window_h = ts ? ts->use_window_h.value : NAN;
    /* User product naming an unknown nuclide: refused, catalogue unchanged. */
    const char *bad_user = write_tmp("user_bad.json", HEAD "\"products\": [{\"id\": \"sr-spheres\", "
        "\"name\": \"x\", \"nuclide\": \"Sr-89\", \"matrix\": \"resin\", "
        "\"calibration\": {\"convention\": \"label\", \"source\": \"s\"}}]}");
    sirt_error eb = {0};
    check_int(sirt_catalogue_merge_file(cat, bad_user, &eb), SIRT_ENOTFOUND, "unknown nuclide in user file");
    check_true(strstr(eb.message, "$.products[0].nuclide") && strstr(eb.message, bad_user),
               "names the path and file: %s", eb.message);
    check_int((long)sirt_catalogue_product_count(cat), 4, "catalogue unchanged after failed merge");
    check_str(sirt_catalogue_version(cat), "2026.1", "version unchanged after failed merge");

    /* Replace Y-90 with the Gulec 2006 convention (0.9267 MeV, 64.04 h -> 49.38 J/GBq),
     * replace TheraSphere's use window, add a Lu-177 product and a new nuclide. */
    const char *user = write_tmp("user.json",
        "{\"format\": \"sirtkit-catalogue/1\", \"version\": \"clinic-1\", \"nuclides\": ["
        "{\"id\": \"Y-90\", \"half_life_h\": {\"value\": 64.04, \"unit\": \"h\", \"source\": \"Gulec 2006\"}, "
        "\"energy_absorbed_kev\": {\"value\": 926.7, \"unit\": \"keV\", \"source\": \"Gulec 2006\"}, "
        "\"dose_factor_j_per_gbq\": {\"value\": 49.38, \"unit\": \"J/GBq\", \"source\": \"Gulec 2006\"}},"
        "{\"id\": \"Sr-89\", \"half_life_h\": {\"value\": 1212.7, \"unit\": \"h\", \"source\": \"test\"}, "
        "\"energy_absorbed_kev\": {\"value\": 587, \"unit\": \"keV\", \"source\": \"test\"}, "
        "\"dose_factor_j_per_gbq\": {\"value\": 1.7e2, \"unit\": \"J/GBq\", \"source\": \"test\"}}], "
        "\"products\": [{\"id\": \"therasphere\", \"name\": \"TheraSphere (clinic)\", \"nuclide\": \"yttrium-90\", "
        "\"matrix\": \"glass\", \"use_window_h\": {\"value\": 96, \"unit\": \"h\", \"source\": \"local SOP\"}, "
        "\"calibration\": {\"convention\": \"weekly\", \"weekday\": \"sunday\", \"hour\": 12, "
        "\"time_zone\": \"US-Eastern\", \"source\": \"IFU\"}}, "
        "{\"id\": \"lu-test\", \"name\": \"Lu test\", \"nuclide\": \"177Lu\", \"matrix\": \"other\", "
        "\"calibration\": {\"convention\": \"treatment\", \"source\": \"s\"}}]}");
    /* Sr-89 K check: 1212.7 h·3600/ln2 = 6 298 400 s; ·0.587·1.602e-4 = 592 J/GBq, so
     * 170 is refused: a user file with one bad entry must not be half-merged. */
    sirt_error eu = {0};
    check_int(sirt_catalogue_merge_file(cat, user, &eu), SIRT_ERANGE, "Sr-89 K inconsistent");
    check_true(strstr(eu.message, "$.nuclides[1].dose_factor_j_per_gbq.value") != NULL, "%s", eu.message);
    const sirt_nuclide *y = sirt_catalogue_find_nuclide(cat, "Y-90");
    check_rel(y->dose_factor_j_per_gbq.value, 49.67, 1e-12, "Y-90 untouched by failed merge");
    /* Fix Sr-89's K to 592 and merge again. */
    FILE *fp = fopen(user, "r");
    char buf[4096] = "";
    size_t got = fp ? fread(buf, 1, sizeof buf - 1, fp) : 0;
    if (fp)
        fclose(fp);
    buf[got] = '\0';
    char *k = strstr(buf, "1.7e2");
    if (k)
        memcpy(k, "592.0", 5);
    user = write_tmp("user.json", buf);
    sirt_error eu2 = {0};
    check_int(sirt_catalogue_merge_file(cat, user, &eu2), SIRT_OK, "merge: %s", eu2.message);
    y = sirt_catalogue_find_nuclide(cat, "90Y");
    check_rel(y->dose_factor_j_per_gbq.value, 49.38, 1e-12, "Y-90 replaced (same id)");
    check_str(y->dose_factor_j_per_gbq.source, "Gulec 2006", "replacement source");
    check_true(isnan(y->internal_pair_branching.value), "replacement is whole, not field-wise");
    check_int((long)sirt_catalogue_nuclide_count(cat), 10, "Sr-89 added");
    check_int((long)sirt_catalogue_product_count(cat), 5, "lu-test added, therasphere replaced");
    ts = sirt_catalogue_find_product(cat, "TheraSphere");
    check_true(ts && ts->use_window_h.value == 96 && ts_window_h == 288, "therasphere window 288 -> 96 h");
    check_str(ts ? ts->nuclide : "", "Y-90", "alias resolved to canonical id");
    const sirt_product *lu = sirt_catalogue_find_product(cat, "lu-test");
    check_str(lu ? lu->nuclide : "", "Lu-177", "user product on a default nuclide");
    check_str(sirt_catalogue_version(cat), "2026.1 + clinic-1", "merged version");
    check_true(strstr(sirt_catalogue_sources(cat), "; ") && strstr(sirt_catalogue_sources(cat), user),
               "sources joined: %s", sirt_catalogue_sources(cat));
    sirt_catalogue_free(cat);

    /* Remove the temp files. */
    const char *names[] = {"ok.json", "notjson.json", "format.json", "unknown_top.json",
                           "unknown_key.json", "wrong_unit.json", "negative.json", "zero.json",
                           "infinite.json", "string_value.json", "no_source.json", "missing.json",
                           "dup_id.json", "dup_key.json", "noncanonical.json", "k_mismatch.json",
                           "vial_negative.json", "matrix.json", "unknown_nuclide.json",
                           "dup_product.json", "upper_id.json", "weekly_no_tz.json",
                           "sizes_order.json", "product_k.json", "user_bad.json", "user.json"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char p[160];
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        remove(p);
    }
    rmdir(dir);
    return check_failures();
}
