/* JSON case files: the examples land in the struct with the right units; every file
 * of the bad corpus (tests/data/bad/expected.tsv) fails with the named field and a
 * useful message; size, depth and NUL limits hold. */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "sirt/sirt.h"

static const char *source_dir(void)
{
    const char *d = getenv("SIRT_SOURCE_DIR");
    return d && *d ? d : ".";
}

static sirt_case *read_example(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/examples/%s", source_dir(), name);
    sirt_error err = {0};
    sirt_case *c = NULL;
    sirt_status st = sirt_case_read(path, &c, &err);
    check_int(st, SIRT_OK, "example %s parses (%s)", name, err.message);
    return c;
}

static int contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (const char *p = hay; *p; p++) {
        size_t i = 0;
        while (i < n && p[i] && tolower((unsigned char)p[i]) == tolower((unsigned char)needle[i]))
            i++;
        if (i == n)
            return 1;
    }
    return n == 0;
}

/* ---- Examples ---------------------------------------------------------------------- */

static void test_demo(void)
{
    sirt_case *c = read_example("demo-case.json");
    if (!c)
        return;
    check_str(c->case_id, "demo-2026-03-resin-partition", "demo: case_id");
    check_str(c->patient_id, "DEMO-0001", "demo: patient id");
    check_int(c->sex, SIRT_SEX_FEMALE, "demo: sex");
    check_rel(c->height_cm, 165, 0, "demo: height cm");
    check_rel(c->weight_kg, 68, 0, "demo: weight kg");
    check_rel(c->labs.bilirubin_umol_per_l, 14, 0, "demo: bilirubin µmol/L");
    check_rel(c->labs.albumin_g_per_l, 38, 0, "demo: albumin g/L");
    check_rel(c->labs.inr, 1.1, 0, "demo: INR");
    check_int(c->labs.ascites_points, 1, "demo: ascites none = 1 point");
    check_int(c->labs.encephalopathy_points, 1, "demo: encephalopathy none = 1 point");
    check_int(c->flags.cirrhosis, 1, "demo: cirrhosis true");
    check_int(c->flags.pregnant, 0, "demo: pregnant false");
    check_int(c->flags.renal_failure, 0, "demo: renal_failure false");
    check_int(c->flags.ecog, 1, "demo: ECOG");
    check_rel(c->flags.life_expectancy_months, 12, 0, "demo: life expectancy months");
    check_int((long)c->n_prior, 1, "demo: one prior treatment");
    if (c->n_prior == 1) {
        check_rel(c->prior[0].lung_dose_gy, 4.2, 0, "demo: prior lung dose Gy");
        check_rel(c->prior[0].normal_liver_dose_gy, 28, 0, "demo: prior normal liver dose Gy");
        check_rel(c->prior[0].activity_gbq, 1.1, 0, "demo: prior activity GBq");
        check_str(c->prior[0].product, "sir-spheres", "demo: prior product");
        /* 2025-06-10T09:30+02:00 = 07:30Z; 2025-06-10 is day 20249 since 1970-01-01
         * (55 years: 55·365 + 13 leap days = 20088; + 161 days Jan 1 → Jun 10 = 20249). */
        check_int((long)c->prior[0].date.utc_s, 20249L * 86400 + 7 * 3600 + 30 * 60,
                  "demo: prior date in UTC seconds");
        check_int(c->prior[0].date.offset_min, 120, "demo: prior date offset +02:00");
    }
    check_rel(c->liver_volume_ml, 1800, 0, "demo: liver volume mL");
    check_rel(c->liver_mass_kg, NAN, 0, "demo: liver mass not given");
    check_rel(c->liver_density_g_per_ml, NAN, 0, "demo: liver density not given");
    check_rel(c->lung_volume_ml, 4200, 0, "demo: lung volume mL");
    check_rel(c->lung_density_g_per_ml, 0.27, 0, "demo: lung density g/mL");
    check_rel(c->lung_mass_kg, NAN, 0, "demo: lung mass not given (volume × density instead)");
    check_int(c->simulation.agent, SIRT_SIM_TC99M_MAA, "demo: agent MAA");
    check_int(c->simulation.planar.given, 1, "demo: planar given");
    check_rel(c->simulation.planar.lung_anterior, 52000, 0, "demo: planar lung anterior");
    check_rel(c->simulation.planar.liver_posterior, 540000, 0, "demo: planar liver posterior");
    check_rel(c->simulation.planar.background_liver_anterior, 9000, 0, "demo: planar bg liver ant");
    check_int(c->simulation.spect.given, 1, "demo: SPECT given");
    check_rel(c->simulation.spect.lung, 31000, 0, "demo: SPECT lung counts");
    check_rel(c->simulation.spect.liver, 1480000, 0, "demo: SPECT liver counts");
    check_int(c->simulation.lsf_from, 0, "demo: lsf_from spect = 0");
    check_rel(c->simulation.lsf_fraction, NAN, 0, "demo: LSF not given directly");
    check_str(c->product, "sir-spheres", "demo: product");
    check_str(c->nuclide, "Y-90", "demo: nuclide");
    check_int((long)c->n_territories, 2, "demo: two territories");
    if (c->n_territories == 2) {
        const sirt_territory *r = &c->territories[0], *l = &c->territories[1];
        check_str(r->name, "right lobe", "demo: territory 0 name");
        check_rel(r->perfused_volume_ml, 1150, 0, "demo: right lobe perfused mL");
        check_rel(r->normal_spect_counts, 820000, 0, "demo: right lobe normal counts");
        check_rel(r->lsf_fraction, NAN, 0, "demo: right lobe has no own LSF");
        check_rel(r->activity_gbq, NAN, 0, "demo: right lobe activity planned");
        check_int((long)r->n_tumours, 2, "demo: right lobe two tumours");
        if (r->n_tumours == 2) {
            check_str(r->tumours[1].name, "S8 HCC", "demo: tumour name");
            check_rel(r->tumours[0].volume_ml, 180, 0, "demo: S7 volume mL");
            check_rel(r->tumours[0].mass_kg, NAN, 0, "demo: S7 mass from volume");
            check_rel(r->tumours[0].spect_counts, 718000, 0, "demo: S7 counts");
            check_rel(r->tumours[0].tn_ratio, NAN, 0, "demo: S7 T/N from counts");
        }
        check_rel(l->normal_spect_counts, NAN, 0, "demo: left lobe no normal counts");
        check_int((long)l->n_tumours, 1, "demo: left lobe one tumour");
        if (l->n_tumours == 1)
            check_rel(l->tumours[0].tn_ratio, 4.0, 0, "demo: S3 T/N");
    }
    check_int(c->prescription.model, SIRT_MODEL_PARTITION, "demo: model");
    check_int(c->prescription.strategy, SIRT_STRATEGY_MAX_SAFE, "demo: strategy");
    check_rel(c->prescription.tumour_dose_gy, 100, 0, "demo: tumour goal Gy");
    check_rel(c->prescription.normal_liver_max_gy, 40, 0, "demo: normal liver limit Gy");
    check_rel(c->prescription.lung_max_gy, 30, 0, "demo: lung limit Gy");
    check_rel(c->prescription.residual_fraction, 0.03, 0, "demo: residual fraction");
    check_int(c->prescription.whole_liver, 0, "demo: not whole liver");
    const sirt_logistics *lg = &c->logistics;
    check_int(lg->has_calibration && lg->has_treatment, 1, "demo: both date-times");
    /* 18:00+01:00 → next day 10:30+01:00 = 16.5 h. */
    check_rel(sirt_datetime_diff_h(lg->calibration, lg->treatment), 16.5, 1e-12,
              "demo: calibration → treatment hours");
    check_rel(lg->vial_activity_gbq, 3.0, 0, "demo: vial GBq");
    check_rel(lg->vial_volume_ml, 5.0, 0, "demo: vial mL");
    check_int(lg->allow_custom_dose, -1, "demo: allow_custom_dose not given");
    check_int(lg->measured.given, 1, "demo: dose calibrator given");
    check_rel(lg->measured.vial_before_gbq, 1.72, 0, "demo: before reading GBq");
    check_rel(lg->measured.residual_gbq, 0.05, 0, "demo: residual GBq");
    check_rel(sirt_datetime_diff_h(lg->measured.before_time, lg->measured.residual_time), 1.25,
              1e-12, "demo: 10:05 → 11:20 = 1.25 h");
    sirt_case_free(c);
}

static void test_glass(void)
{
    sirt_case *c = read_example("glass-mird.json");
    if (!c)
        return;
    check_str(c->product, "therasphere", "glass: product");
    check_str(c->nuclide, "", "glass: nuclide from the product");
    check_int(c->prescription.model, SIRT_MODEL_MIRD, "glass: model");
    check_rel(c->prescription.perfused_dose_gy, 120, 0, "glass: 120 Gy");
    check_rel(c->prescription.residual_fraction, 0.02, 0, "glass: R 2%%");
    check_rel(c->simulation.lsf_fraction, 0.05, 0, "glass: LSF 5%%");
    check_int(c->simulation.lsf_from, 2, "glass: lsf_from given = 2");
    check_rel(c->territories[0].perfused_volume_ml, 1000, 0, "glass: 1000 mL lobe");
    check_rel(c->liver_density_g_per_ml, NAN, 0, "glass: density left to the product (1.03)");
    check_int(c->logistics.has_calibration, 0, "glass: calibration left to the planner");
    check_int(c->logistics.has_treatment, 1, "glass: treatment given");
    /* 2026-11-25T10:00-05:00 = 15:00Z; 2026-11-22 is day 20779 (core time test), +3. */
    check_int((long)c->logistics.treatment.utc_s, 20782L * 86400 + 15 * 3600,
              "glass: treatment Wednesday 15:00Z");
    check_int(c->logistics.treatment.offset_min, -300, "glass: offset -05:00");
    check_int(c->logistics.allow_custom_dose, 0, "glass: custom doses not allowed");
    /* Not given stays unset: no silent defaults. */
    check_rel(c->labs.bilirubin_umol_per_l, NAN, 0, "glass: no labs");
    check_int(c->labs.ascites_points, -1, "glass: ascites not given");
    check_int(c->flags.pregnant, -1, "glass: pregnancy not given");
    check_int(c->flags.ecog, -1, "glass: ECOG not given");
    check_rel(c->lung_mass_kg, NAN, 0, "glass: lung mass left to the planner (1 kg)");
    check_int(c->simulation.planar.given, 0, "glass: no planar");
    check_int((long)c->n_prior, 0, "glass: no prior treatment");
    check_rel(c->prescription.lung_max_gy, NAN, 0, "glass: lung limit from the rules file");
    sirt_case_free(c);
}

static void test_bsa(void)
{
    sirt_case *c = read_example("bsa-resin.json");
    if (!c)
        return;
    check_int(c->prescription.model, SIRT_MODEL_BSA, "bsa: model");
    check_rel(c->height_cm, 175, 0, "bsa: height cm");
    check_rel(c->weight_kg, 75, 0, "bsa: weight kg");
    check_int(c->prescription.whole_liver, 1, "bsa: whole liver");
    check_int(c->sex, SIRT_SEX_MALE, "bsa: sex");
    /* Tumour involvement 300 / 1500 = 20% (domain §3.2). */
    double vt = c->territories[0].tumours[0].volume_ml;
    check_rel(vt / c->liver_volume_ml, 0.20, 1e-12, "bsa: involvement 20%%");
    sirt_case_free(c);
}

static void test_ho166(void)
{
    sirt_case *c = read_example("ho166.json");
    if (!c)
        return;
    check_int(c->prescription.model, SIRT_MODEL_HO166, "ho166: model");
    check_rel(c->prescription.whole_liver_dose_gy, 60, 0, "ho166: 60 Gy");
    check_rel(c->liver_mass_kg, 1.5, 0, "ho166: liver 1.5 kg");
    check_rel(c->liver_volume_ml, NAN, 0, "ho166: liver given as mass only");
    check_rel(c->liver_density_g_per_ml, 1.06, 0, "ho166: HEPAR density");
    check_str(c->nuclide, "Ho-166", "ho166: nuclide");
    check_int(c->simulation.agent, SIRT_SIM_HO166_SCOUT, "ho166: scout");
    /* LSF from the scout: 2000 / (2000 + 398000) = 0.005. */
    double lsf = c->simulation.spect.lung / (c->simulation.spect.lung + c->simulation.spect.liver);
    check_rel(lsf, 0.005, 1e-12, "ho166: scout LSF 0.5%%");
    sirt_case_free(c);
}

static void test_partition(void)
{
    sirt_case *c = read_example("partition-ho1996.json");
    if (!c)
        return;
    check_int(c->prescription.model, SIRT_MODEL_PARTITION, "ho1996: model");
    check_rel(c->liver_density_g_per_ml, 1.0, 0, "ho1996: density 1 g/mL");
    const sirt_territory *t = &c->territories[0];
    /* m_T = 200 mL · 1.0 g/mL = 0.2 kg; m_N = (1500 − 200) mL · 1.0 = 1.3 kg (domain §3.4). */
    check_rel(t->tumours[0].volume_ml * c->liver_density_g_per_ml / 1000, 0.2, 1e-12, "ho1996: m_T");
    check_rel((t->perfused_volume_ml - t->tumours[0].volume_ml) * c->liver_density_g_per_ml / 1000,
              1.3, 1e-12, "ho1996: m_N");
    check_rel(t->tumours[0].tn_ratio, 4, 0, "ho1996: T/N");
    check_rel(c->simulation.lsf_fraction, 0.08, 0, "ho1996: LSF");
    check_rel(c->prescription.normal_liver_max_gy, 40, 0, "ho1996: D_N limit");
    check_rel(c->lung_mass_kg, 1.0, 0, "ho1996: lung 1 kg");
    check_rel(c->prescription.residual_fraction, 0, 0, "ho1996: R = 0");
    check_rel(c->prescription.tumour_dose_gy, NAN, 0, "ho1996: no tumour goal");
    sirt_case_free(c);
}

/* ---- Units and messages -------------------------------------------------------------- */

#define MINI_HEAD "{\"format\":\"sirtkit-case/1\",\"case_id\":\"t\",\"product\":\"therasphere\","
#define MINI_TAIL                                                                              \
    "\"territories\":[{\"name\":\"lobe\",\"perfused_volume_ml\":1000,\"tumours\":[]}],"        \
    "\"prescription\":{\"model\":\"mird\",\"perfused_dose_gy\":120}}"

static sirt_status parse_text(const char *text, sirt_case **c, sirt_error *err)
{
    /* Copy into an exact-size buffer with no terminating NUL, so an over-read shows
     * under AddressSanitizer. */
    size_t n = strlen(text);
    char *buf = malloc(n ? n : 1);
    memcpy(buf, text, n);
    sirt_error_clear(err);
    sirt_status st = sirt_case_parse(buf, n, c, err);
    free(buf);
    return st;
}

static void test_units_and_messages(void)
{
    sirt_case *c = NULL;
    sirt_error err;

    /* 2 mg/dL × 17.1 = 34.2 µmol/L; 3.5 g/dL × 10 = 35 g/L (domain §7.1 cut-offs). */
    check_int(parse_text(MINI_HEAD "\"patient\":{\"labs\":{\"bilirubin_mg_per_dl\":2,"
                                   "\"albumin_g_per_dl\":3.5}}," MINI_TAIL,
                         &c, &err),
              SIRT_OK, "mg/dL and g/dL accepted (%s)", err.message);
    if (c) {
        check_rel(c->labs.bilirubin_umol_per_l, 34.2, 1e-12, "bilirubin 2 mg/dL in µmol/L");
        check_rel(c->labs.albumin_g_per_l, 35, 1e-12, "albumin 3.5 g/dL in g/L");
        sirt_case_free(c);
    }

    /* The house message format. */
    check_int(parse_text(MINI_HEAD "\"patient\":{\"weight_kg\":-3}," MINI_TAIL, &c, &err),
              SIRT_ERANGE, "weight -3 kg refused");
    check_str(err.message, "$.patient.weight_kg = -3 kg is out of range (accepted 2–400 kg)",
              "message names path, value, unit and range");
    check_true(c == NULL, "*out stays NULL on failure");

    check_int(parse_text(MINI_HEAD "\"patient\":{\"height_cm\":1.75}," MINI_TAIL, &c, &err),
              SIRT_ERANGE, "height in metres refused");
    check_true(contains_ci(err.message, "height in centimetres"), "hint for cm: %s", err.message);

    check_int(parse_text(MINI_HEAD "\"anatomy\":{\"liver_volume_ml\":0}," MINI_TAIL, &c, &err),
              SIRT_ERANGE, "zero liver volume refused");
    check_true(contains_ci(err.message, "> 0 mL and ≤ 10000 mL"), "open bound shown: %s",
               err.message);

    /* Boundaries: inclusive ends accepted, open ends refused. */
    check_int(parse_text(MINI_HEAD "\"patient\":{\"weight_kg\":2,\"height_cm\":250}," MINI_TAIL,
                         &c, &err),
              SIRT_OK, "weight 2 kg and height 250 cm are inside the range");
    sirt_case_free(c);
    check_int(parse_text(MINI_HEAD "\"prescription_x\":1," MINI_TAIL, &c, &err), SIRT_EINVAL,
              "unknown key refused");
    check_true(contains_ci(err.message, "did you mean \"prescription\""), "suggestion: %s",
               err.message);
    check_int(parse_text(MINI_HEAD "\"simulation\":{\"lsf_fraction\":0}," MINI_TAIL, &c, &err),
              SIRT_OK, "LSF 0 accepted");
    sirt_case_free(c);
    check_int(parse_text(MINI_HEAD "\"simulation\":{\"lsf_fraction\":1}," MINI_TAIL, &c, &err),
              SIRT_ERANGE, "LSF 1 refused (activity would be infinite)");

    /* null means "not given". */
    check_int(parse_text(MINI_HEAD "\"patient\":{\"weight_kg\":null}," MINI_TAIL, &c, &err),
              SIRT_OK, "null is not given");
    if (c) {
        check_rel(c->weight_kg, NAN, 0, "null weight stays NaN");
        sirt_case_free(c);
    }

    /* A territory without tumours is allowed when written as []. */
    check_int(parse_text(MINI_HEAD MINI_TAIL, &c, &err), SIRT_OK, "tumours: [] accepted");
    if (c) {
        check_int((long)c->territories[0].n_tumours, 0, "no tumour");
        check_true(c->territories[0].tumours == NULL, "no tumour array");
        sirt_case_free(c);
    }

    /* Embedded NUL, control characters in names. */
    static const char nul_text[] = "{\"format\":\"sirtkit-case/1\"}\0{}";
    sirt_error_clear(&err);
    check_int(sirt_case_parse(nul_text, sizeof nul_text - 1, &c, &err), SIRT_EFORMAT,
              "embedded NUL refused");
    check_true(contains_ci(err.message, "nul byte"), "NUL message: %s", err.message);
    check_int(parse_text(MINI_HEAD "\"patient\":{\"id\":\"a\\u0001b\"}," MINI_TAIL, &c, &err),
              SIRT_EINVAL, "control character in a name refused");
    check_int(parse_text("\xEF\xBB\xBF" MINI_HEAD MINI_TAIL, &c, &err), SIRT_OK,
              "UTF-8 byte-order mark tolerated");
    sirt_case_free(c);

    /* API misuse. */
    check_int(sirt_case_parse("{}", 2, NULL, NULL), SIRT_EINVAL, "NULL out refused");
    check_int(sirt_case_read("/nonexistent/case.json", &c, &err), SIRT_EIO, "missing file");
    sirt_case_free(NULL);

    check_str(sirt_model_str(SIRT_MODEL_PARTITION), "partition", "model name");
    check_str(sirt_model_str(SIRT_MODEL_UNSET), "unset", "unset model name");
    check_str(sirt_strategy_str(SIRT_STRATEGY_TUMOUR_GOAL), "tumour_goal", "strategy name");
}

/* ---- Limits ------------------------------------------------------------------------ */

static void test_limits(void)
{
    sirt_case *c = NULL;
    sirt_error err = {0};

    /* A file over SIRT_CASE_MAX_BYTES, made here rather than committed: a valid head
     * and a long notes string, so only the size is wrong. */
    char path[] = "/tmp/sirt_case_bigXXXXXX";
    int fd = mkstemp(path);
    check_true(fd >= 0, "temporary file");
    if (fd >= 0) {
        FILE *fp = fdopen(fd, "wb");
        fputs(MINI_HEAD "\"notes\":\"", fp);
        for (size_t i = 0; i < SIRT_CASE_MAX_BYTES / 64 + 1; i++)
            fputs("0123456789012345678901234567890123456789012345678901234567890123", fp);
        fputs("\"," MINI_TAIL, fp);
        fclose(fp);
        check_int(sirt_case_read(path, &c, &err), SIRT_ERANGE, "file over 4 MiB refused");
        check_true(contains_ci(err.message, "largest accepted"), "size message: %s", err.message);
        check_str(err.field, "$", "size error at $");
        check_true(c == NULL, "no case from a huge file");
        unlink(path);
    }
    size_t big = (size_t)SIRT_CASE_MAX_BYTES + 1;
    char *buf = malloc(big);
    memset(buf, ' ', big);
    sirt_error_clear(&err);
    check_int(sirt_case_parse(buf, big, &c, &err), SIRT_ERANGE, "buffer over 4 MiB refused");

    /* 1,000,000 nested arrays: refused by depth before cJSON recurses. */
    size_t depth = 1000000;
    char *deep = malloc(2 * depth);
    memset(deep, '[', depth);
    memset(deep + depth, ']', depth);
    sirt_error_clear(&err);
    check_int(sirt_case_parse(deep, 2 * depth, &c, &err), SIRT_EFORMAT, "deep nesting refused");
    check_true(contains_ci(err.message, "nested too deeply"), "depth message: %s", err.message);
    check_true(contains_ci(err.message, "line 1, column 17"), "depth error located: %s",
               err.message);
    /* Unclosed nesting is reported as truncation. */
    sirt_error_clear(&err);
    check_int(sirt_case_parse(deep, 10, &c, &err), SIRT_EFORMAT, "unclosed arrays refused");
    check_true(contains_ci(err.message, "truncated"), "truncation message: %s", err.message);
    free(deep);
    free(buf);

    /* Syntax errors give line and column. */
    check_int(parse_text("{\n  \"format\": \"sirtkit-case/1\",\n  \"case_id\" \"x\"\n}", &c, &err),
              SIRT_EFORMAT, "missing colon refused");
    check_true(contains_ci(err.message, "line 3, column 13"), "syntax error located: %s",
               err.message);
}

/* ---- The bad corpus ---------------------------------------------------------------- */

static int listed(char names[][128], size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0)
            return 1;
    return 0;
}

static void test_bad_corpus(void)
{
    char dir[1024], path[1400], line[1024];
    snprintf(dir, sizeof dir, "%s/tests/data/bad", source_dir());
    snprintf(path, sizeof path, "%s/expected.tsv", dir);
    FILE *fp = fopen(path, "r");
    check_true(fp != NULL, "manifest %s", path);
    if (!fp)
        return;
    static char names[256][128];
    size_t n = 0, n_parse = 0, n_plan = 0;
    while (fgets(line, sizeof line, fp)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        char *file = line, *stage = strchr(file, '\t');
        char *field = stage ? strchr(stage + 1, '\t') : NULL;
        char *sub = field ? strchr(field + 1, '\t') : NULL;
        check_true(sub != NULL, "manifest line has four columns: %s", file);
        if (!sub)
            continue;
        *stage++ = '\0';
        *field++ = '\0';
        *sub++ = '\0';
        if (n < 256 && snprintf(names[n], sizeof names[0], "%s", file) < (int)sizeof names[0])
            n++;
        if (snprintf(path, sizeof path, "%s/%s", dir, file) >= (int)sizeof path)
            continue;
        sirt_case *c = NULL;
        sirt_error err = {0};
        sirt_status st = sirt_case_read(path, &c, &err);
        if (strcmp(stage, "parse") == 0) {
            n_parse++;
            check_true(st != SIRT_OK, "%s: refused", file);
            check_true(c == NULL, "%s: *out stays NULL", file);
            check_str(err.field, field, "%s: error field", file);
            check_true(contains_ci(err.message, sub), "%s: message contains \"%s\": %s", file,
                       sub, err.message);
            check_true(contains_ci(err.message, field) || strcmp(field, "$") == 0,
                       "%s: message names the field", file);
        } else {
            n_plan++;
            check_int(st, SIRT_OK, "%s: parses; the planner refuses it (%s)", file, err.message);
        }
        sirt_case_free(c);
    }
    fclose(fp);
    check_true(n_parse >= 36, "at least 36 parse-stage bad files (%zu)", n_parse);
    check_true(n_plan >= 3, "plan-stage bad files (%zu)", n_plan);

    /* Every .json file in the folder is in the manifest. */
    DIR *d = opendir(dir);
    check_true(d != NULL, "open %s", dir);
    if (!d)
        return;
    const struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len > 5 && strcmp(e->d_name + len - 5, ".json") == 0)
            check_true(listed(names, n, e->d_name), "%s is in expected.tsv", e->d_name);
    }
    closedir(d);
}

int main(void)
{
    test_demo();
    test_glass();
    test_bsa();
    test_ho166();
    test_partition();
    test_units_and_messages();
    test_limits();
    test_bad_corpus();
    return check_failures();
}
