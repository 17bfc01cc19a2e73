/* RECIST 1.1 and mRECIST rules with worked values: domain.md §9 rows 18–19, CR with
 * nodes, PR at exactly −30%, PD by new lesion and by non-target progression, NE, best
 * overall response with confirmation, mRECIST against RECIST, target selection. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "sirt/sirt.h"

/* JSON written with ' for " to keep the tests readable. */
static char *dq(const char *s)
{
    char *o = malloc(strlen(s) + 1);
    if (!o)
        abort();
    for (size_t i = 0;; i++) {
        o[i] = s[i] == '\'' ? '"' : s[i];
        if (!s[i])
            break;
    }
    return o;
}

/* Parse and evaluate; on failure returns NULL with err filled. */
static sirt_response_result *run(const char *json_sq, sirt_response_input **in_out,
                                 sirt_error *err)
{
    char *json = dq(json_sq);
    sirt_response_input *in = NULL;
    sirt_response_result *r = NULL;
    memset(err, 0, sizeof *err);
    if (sirt_response_parse(json, strlen(json), &in, err) == SIRT_OK &&
        sirt_response_evaluate(in, &r, err) != SIRT_OK)
        check_true(r == NULL, "*out stays NULL on failure");
    free(json);
    if (in_out)
        *in_out = in;
    else
        sirt_response_input_free(in);
    return r;
}

static int contains(const char *hay, const char *needle)
{
    return strstr(hay, needle) != NULL;
}


/* Fill each "%s" of tmpl with the next argument (a NULL-terminated list of strings);
 * not printf, so the templates need not be literals. */
static void fill(char *buf, size_t size, const char *tmpl, ...)
{
    va_list ap;
    va_start(ap, tmpl);
    size_t o = 0;
    for (const char *p = tmpl; *p && o + 1 < size; p++) {
        if (p[0] == '%' && p[1] == 's') {
            const char *a = va_arg(ap, const char *);
            for (; a && *a && o + 1 < size; a++)
                buf[o++] = *a;
            p++;
        } else {
            buf[o++] = *p;
        }
    }
    buf[o] = '\0';
    va_end(ap);
}

#define HEAD "{'format': 'sirtkit-response/1', "

static void test_target_rule(void)
{
    /* domain §9 row 18: baseline 100 mm, nadir 60 mm, now 72 mm: 72/60 = 1.20 (+20%) and
     * 72 − 60 = +12 mm ≥ 5 mm → PD. */
    check_int(sirt_response_target(72, 100, 60, 0, 5), SIRT_RESP_PD, "§9 row 18: PD");
    /* 71.9 mm: +19.8% → not PD; 71.9/100 = −28.1% → not PR → SD. */
    check_int(sirt_response_target(71.9, 100, 60, 0, 5), SIRT_RESP_SD, "+19.8%% is not PD");
    /* domain §9 row 19: nadir 20 mm, now 24 mm: +20% but +4 mm < 5 mm → not PD; with a
     * 30 mm baseline 24 mm is −20% → SD. */
    check_int(sirt_response_target(24, 30, 20, 0, 5), SIRT_RESP_SD, "§9 row 19: not PD");
    /* mRECIST has no 5 mm clause: the same numbers are PD. */
    check_int(sirt_response_target(24, 30, 20, 0, 0), SIRT_RESP_PD, "row 19 numbers, mRECIST: PD");
    /* PR at exactly −30%: 70/100; 70.1 mm is −29.9% → SD. */
    check_int(sirt_response_target(70, 100, 100, 0, 5), SIRT_RESP_PR, "exactly −30%%: PR");
    check_int(sirt_response_target(70.1, 100, 100, 0, 5), SIRT_RESP_SD, "−29.9%%: SD");
    /* Decimals: 42.3 + 27.7 = 70.0 mm baseline, 49.0 mm now = −30% exactly. */
    check_int(sirt_response_target(20.3 + 28.7, 42.3 + 27.7, 42.3 + 27.7, 0, 5), SIRT_RESP_PR,
              "−30%% from decimal sums: PR");
    check_int(sirt_response_target(9, 50, 9, 1, 5), SIRT_RESP_CR, "CR when met");
    /* No change at a nadir of 0 mm is not progression (mRECIST, no 5 mm clause): 0 mm
     * against a 30 mm baseline is −100% → PR when CR is not met. */
    check_int(sirt_response_target(0, 30, 0, 0, 0), SIRT_RESP_PR, "0 mm at a 0 mm nadir: not PD");
    /* Any regrowth from a 0 mm nadir is PD under mRECIST (+∞%), not under RECIST below 5 mm. */
    check_int(sirt_response_target(3, 30, 0, 0, 0), SIRT_RESP_PD, "regrowth from 0: mRECIST PD");
    check_int(sirt_response_target(3, 30, 0, 0, 5), SIRT_RESP_PR, "+3 mm from 0: RECIST not PD");
}

static void test_overall_table(void)
{
    /* RECIST 1.1 Table 1. */
    check_int(sirt_response_overall(SIRT_RESP_CR, SIRT_RESP_CR, 0), SIRT_RESP_CR, "CR CR no");
    check_int(sirt_response_overall(SIRT_RESP_CR, SIRT_RESP_NA, 0), SIRT_RESP_CR, "CR none no");
    check_int(sirt_response_overall(SIRT_RESP_CR, SIRT_RESP_NON_CR_NON_PD, 0), SIRT_RESP_PR,
              "CR non-CR/non-PD → PR");
    check_int(sirt_response_overall(SIRT_RESP_CR, SIRT_RESP_NE, 0), SIRT_RESP_PR, "CR NE → PR");
    check_int(sirt_response_overall(SIRT_RESP_PR, SIRT_RESP_NE, 0), SIRT_RESP_PR, "PR NE → PR");
    check_int(sirt_response_overall(SIRT_RESP_SD, SIRT_RESP_NON_CR_NON_PD, 0), SIRT_RESP_SD, "SD");
    check_int(sirt_response_overall(SIRT_RESP_NE, SIRT_RESP_NON_CR_NON_PD, 0), SIRT_RESP_NE, "NE");
    check_int(sirt_response_overall(SIRT_RESP_SD, SIRT_RESP_PD, 0), SIRT_RESP_PD, "nt PD");
    check_int(sirt_response_overall(SIRT_RESP_CR, SIRT_RESP_CR, 1), SIRT_RESP_PD, "new → PD");
    check_int(sirt_response_overall(SIRT_RESP_NE, SIRT_RESP_NE, 1), SIRT_RESP_PD, "NE + new → PD");
    /* Table 2: non-targets only. */
    check_int(sirt_response_overall(SIRT_RESP_NA, SIRT_RESP_NON_CR_NON_PD, 0),
              SIRT_RESP_NON_CR_NON_PD, "Table 2 non-CR/non-PD");
    check_int(sirt_response_overall(SIRT_RESP_NA, SIRT_RESP_CR, 0), SIRT_RESP_CR, "Table 2 CR");
    check_int(sirt_response_overall(SIRT_RESP_NA, SIRT_RESP_NE, 0), SIRT_RESP_NE, "Table 2 NE");
}

/* §9 row 18 through a series: baseline 100 mm (60 + 40), nadir 60 mm (36 + 24), 72 mm
 * (43 + 29). */
static void test_series_row18(void)
{
    sirt_error err;
    sirt_response_result *r = run(
        HEAD "'options': {'mrecist': false},"
        "'lesions': [{'id': 'L1', 'organ': 'liver', 'kind': 'target'},"
        "            {'id': 'L2', 'organ': 'lung', 'kind': 'target'}],"
        "'time_points': ["
        " {'date': '2026-01-01', 'lesions': {'L1': {'longest_diameter_mm': 60}, 'L2': {'longest_diameter_mm': 40}}},"
        " {'date': '2026-03-01', 'new_lesions': false, 'lesions': {'L1': {'longest_diameter_mm': 36}, 'L2': {'longest_diameter_mm': 24}}},"
        " {'date': '2026-05-01', 'new_lesions': false, 'lesions': {'L1': {'longest_diameter_mm': 43}, 'L2': {'longest_diameter_mm': 29}}}]}",
        NULL, &err);
    check_true(r != NULL, "row 18 series evaluates (%s)", err.message);
    if (!r)
        return;
    const sirt_response_row *rows = r->recist.rows;
    check_rel(rows[0].sum_mm, 100, 1e-12, "baseline sum 100 mm");
    check_int(rows[1].target, SIRT_RESP_PR, "60 mm is −40%%: PR");
    check_rel(rows[1].change_baseline_pct, -40, 1e-12, "−40%% vs baseline");
    check_rel(rows[2].nadir_mm, 60, 1e-12, "nadir 60 mm");
    check_rel(rows[2].change_nadir_pct, 20, 1e-9, "+20%% vs nadir");
    check_rel(rows[2].change_nadir_mm, 12, 1e-9, "+12 mm vs nadir");
    check_rel(rows[2].change_baseline_pct, -28, 1e-9, "−28%% vs baseline");
    check_int(rows[2].target, SIRT_RESP_PD, "72 mm: PD");
    check_int(rows[2].overall, SIRT_RESP_PD, "overall PD");
    check_true(!r->mrecist.evaluated, "mRECIST off");
    /* Best: PR on day 59 not confirmed (next is PD) → SD (59 ≥ 42 days). */
    check_int(r->recist.best, SIRT_RESP_SD, "best: SD (PR unconfirmed, SD met at 59 days)");
    check_int(r->recist.best_index, 1, "best at time point 1");
    sirt_response_result_free(r);
}

/* §9 row 19: baseline 30 mm, nadir 20 mm, 24 mm: +20% but +4 mm → not PD. */
static void test_series_row19(void)
{
    sirt_error err;
    sirt_response_result *r = run(
        HEAD "'lesions': [{'id': 'L1', 'organ': 'liver', 'kind': 'target'}],"
        "'time_points': ["
        " {'date': '2026-01-01', 'lesions': {'L1': {'longest_diameter_mm': 30}}},"
        " {'date': '2026-03-01', 'new_lesions': false, 'lesions': {'L1': {'longest_diameter_mm': 20}}},"
        " {'date': '2026-04-15', 'new_lesions': false, 'lesions': {'L1': {'longest_diameter_mm': 24}}}]}",
        NULL, &err);
    check_true(r != NULL, "row 19 series evaluates (%s)", err.message);
    if (!r)
        return;
    check_rel(r->recist.rows[2].change_nadir_pct, 20, 1e-9, "+20%% vs nadir");
    check_rel(r->recist.rows[2].change_nadir_mm, 4, 1e-9, "+4 mm vs nadir");
    check_int(r->recist.rows[2].target, SIRT_RESP_SD, "not PD (+4 mm < 5 mm); −20%% → SD");
    sirt_response_result_free(r);
}

/* CR with a nodal target: 9 mm short axis counts as CR, 11 mm does not (§4.3.1). */
static void test_cr_nodes(void)
{
    static const char *fmt =
        HEAD "'lesions': [{'id': 'L1', 'organ': 'liver', 'kind': 'target'},"
        "            {'id': 'N1', 'organ': 'hilum', 'nodal': true, 'kind': 'target'}],"
        "'time_points': ["
        " {'date': '2026-01-01', 'lesions': {'L1': {'longest_diameter_mm': 30}, 'N1': {'short_axis_mm': 20}}},"
        " {'date': '2026-03-01', 'new_lesions': false, 'lesions': {'L1': {'longest_diameter_mm': 0}, 'N1': {'short_axis_mm': %s}}}]}";
    char json[2048];
    sirt_error err;
    fill(json, sizeof json, fmt, "9", (const char *)NULL);
    sirt_response_result *r = run(json, NULL, &err);
    check_true(r != NULL, "CR case evaluates (%s)", err.message);
    if (r) {
        check_rel(r->recist.rows[1].sum_mm, 9, 1e-12, "sum is 9 mm, not 0 (node kept)");
        check_int(r->recist.rows[1].target, SIRT_RESP_CR, "node 9 mm: CR");
        check_int(r->recist.rows[1].overall, SIRT_RESP_CR, "overall CR (no non-targets)");
    }
    sirt_response_result_free(r);
    fill(json, sizeof json, fmt, "11", (const char *)NULL);
    r = run(json, NULL, &err);
    if (r) {
        /* 11/50 = −78% → PR. */
        check_int(r->recist.rows[1].target, SIRT_RESP_PR, "node 11 mm: PR, not CR");
        check_rel(r->recist.rows[1].change_baseline_pct, -78, 1e-9, "−78%%");
    }
    sirt_response_result_free(r);
}

static const char *TWO_TP =
    HEAD "'lesions': [{'id': 'L1', 'organ': 'liver', 'kind': 'target'},"
    "            {'id': 'L2', 'organ': 'liver', 'kind': 'target'},"
    "            {'id': 'NT1', 'organ': 'peritoneum', 'kind': 'non_target'}],"
    "'time_points': ["
    " {'date': '2026-01-01', 'lesions': {'L1': {'longest_diameter_mm': 40}, 'L2': {'longest_diameter_mm': 20}, 'NT1': {'status': 'present'}}},"
    " {'date': '2026-03-01', 'new_lesions': %s, 'lesions': {%s}}]}";

static sirt_response_result *two(const char *new_lesions, const char *fu, sirt_error *err)
{
    char json[2048];
    fill(json, sizeof json, TWO_TP, new_lesions, fu, (const char *)NULL);
    return run(json, NULL, err);
}

static void test_pd_paths_and_ne(void)
{
    sirt_error err;
    /* Sum 55/60 = −8.3% → SD; a new lesion makes it PD. */
    sirt_response_result *r =
        two("true", "'L1': {'longest_diameter_mm': 35}, 'L2': {'longest_diameter_mm': 20}, "
                    "'NT1': {'status': 'present'}", &err);
    check_true(r != NULL, "new-lesion case (%s)", err.message);
    if (r) {
        check_int(r->recist.rows[1].target, SIRT_RESP_SD, "targets SD");
        check_int(r->recist.rows[1].non_target, SIRT_RESP_NON_CR_NON_PD, "non-target persists");
        check_int(r->recist.rows[1].overall, SIRT_RESP_PD, "new lesion: PD");
        check_true(contains(r->recist.rows[1].note, "new lesion"), "note says new lesion");
    }
    sirt_response_result_free(r);
    /* Unequivocal non-target progression. */
    r = two("false", "'L1': {'longest_diameter_mm': 35}, 'L2': {'longest_diameter_mm': 20}, "
                     "'NT1': {'status': 'unequivocal_progression'}", &err);
    if (r) {
        check_int(r->recist.rows[1].non_target, SIRT_RESP_PD, "non-target PD");
        check_int(r->recist.rows[1].overall, SIRT_RESP_PD, "overall PD by non-target");
        check_true(contains(r->recist.rows[1].note, "NT1"), "note names NT1");
    }
    sirt_response_result_free(r);
    /* L2 not measured: NE, explained. */
    r = two("false", "'L1': {'longest_diameter_mm': 35}, 'NT1': {'status': 'present'}", &err);
    check_true(r != NULL, "missing target is not an error (%s)", err.message);
    if (r) {
        check_int(r->recist.rows[1].target, SIRT_RESP_NE, "missing L2: target NE");
        check_int(r->recist.rows[1].overall, SIRT_RESP_NE, "overall NE");
        check_true(isnan(r->recist.rows[1].sum_mm), "no sum");
        check_rel(r->recist.rows[1].measured_sum_mm, 35, 1e-12, "partial sum 35 mm");
        check_true(contains(r->recist.rows[1].note, "L2 not measured"), "note names L2: %s",
                   r->recist.rows[1].note);
        check_int(r->recist.best, SIRT_RESP_NE, "best NE");
    }
    sirt_response_result_free(r);
    /* L2 not measured but L1 alone is 75 mm ≥ 1.2 × 60 and +15 mm: PD anyway. */
    r = two("false", "'L1': {'longest_diameter_mm': 75}, 'NT1': {'status': 'present'}", &err);
    if (r)
        check_int(r->recist.rows[1].target, SIRT_RESP_PD, "partial sum already PD");
    sirt_response_result_free(r);
    /* Non-target not evaluated: non-target NE; targets PR (30/60 = −50%) → overall PR. */
    r = two("false", "'L1': {'longest_diameter_mm': 20}, 'L2': {'longest_diameter_mm': 10}", &err);
    if (r) {
        check_int(r->recist.rows[1].non_target, SIRT_RESP_NE, "non-target NE");
        check_int(r->recist.rows[1].overall, SIRT_RESP_PR, "PR + NE → PR");
    }
    sirt_response_result_free(r);
    /* Targets CR, non-target present → PR (Table 1). */
    r = two("false", "'L1': {'longest_diameter_mm': 0}, 'L2': {'longest_diameter_mm': 0}, "
                     "'NT1': {'status': 'present'}", &err);
    if (r) {
        check_int(r->recist.rows[1].target, SIRT_RESP_CR, "targets CR");
        check_int(r->recist.rows[1].overall, SIRT_RESP_PR, "CR + non-CR/non-PD → PR");
    }
    sirt_response_result_free(r);
}

/* Best overall response with confirmation (§4.4 Table 3; confirmation ≥ 4 weeks). */
static void test_best_response(void)
{
    static const char *fmt =
        HEAD "'lesions': [{'id': 'L1', 'organ': 'liver', 'kind': 'target'}],"
        "'time_points': ["
        " {'date': '2026-01-01', 'lesions': {'L1': {'longest_diameter_mm': 50}}},"
        " {'date': '%s', 'new_lesions': false, 'lesions': {'L1': {'longest_diameter_mm': 30}}},"
        " {'date': '%s', 'new_lesions': %s, 'lesions': {'L1': {'longest_diameter_mm': %s}}}]}";
    char json[2048];
    sirt_error err;
    sirt_response_input *in = NULL;
    /* PR (30/50 = −40%) on 2026-03-01, PR again on 2026-04-05: 35 days ≥ 28 → confirmed. */
    fill(json, sizeof json, fmt, "2026-03-01", "2026-04-05", "false", "28", (const char *)NULL);
    sirt_response_result *r = run(json, &in, &err);
    check_true(r != NULL, "PR/PR evaluates (%s)", err.message);
    if (r) {
        check_int(r->recist.best, SIRT_RESP_PR, "PR then PR 35 days later: confirmed PR");
        check_int(r->recist.best_index, 1, "PR at time point 1");
        check_int(r->recist.confirm_index, 2, "confirmed by time point 2");
        check_true(contains(r->recist.best_note, "35 days"), "note gives the interval: %s",
                   r->recist.best_note);
        char *text = NULL, *json_out = NULL;
        check_int(sirt_response_format_text(in, r, &text, &err), SIRT_OK, "text");
        check_int(sirt_response_format_json(in, r, &json_out, &err), SIRT_OK, "json");
        check_true(text && contains(text, "confirmed on 2026-04-05"), "text shows confirmation");
        check_true(json_out && contains(json_out, "\"confirmed_on\":\t\"2026-04-05\""),
                   "json shows confirmation");
        free(text);
        free(json_out);
    }
    sirt_response_result_free(r);
    sirt_response_input_free(in);
    /* PR again only 21 days later: not confirmed; SD met (PR on day 59 ≥ 42). */
    fill(json, sizeof json, fmt, "2026-03-01", "2026-03-22", "false", "28", (const char *)NULL);
    r = run(json, NULL, &err);
    if (r) {
        check_int(r->recist.best, SIRT_RESP_SD, "PR/PR 21 days apart: SD");
        check_int(r->recist.confirm_index, -1, "no confirmation");
    }
    sirt_response_result_free(r);
    /* Without confirmation required the first PR is the best response. */
    {
        sirt_response_input *in2 = NULL;
        char *j2 = dq(json);
        sirt_response_parse(j2, strlen(j2), &in2, &err);
        free(j2);
        if (in2) {
            in2->options.confirmation_required = 0;
            sirt_response_result *r2 = NULL;
            check_int(sirt_response_evaluate(in2, &r2, &err), SIRT_OK, "no confirmation");
            if (r2)
                check_int(r2->recist.best, SIRT_RESP_PR, "unconfirmed PR counts when not needed");
            sirt_response_result_free(r2);
        }
        sirt_response_input_free(in2);
    }
    /* PR on day 59 then PD (new lesion): best SD since SD was met on day 59 ≥ 42. */
    fill(json, sizeof json, fmt, "2026-03-01", "2026-04-15", "true", "30", (const char *)NULL);
    r = run(json, NULL, &err);
    if (r) {
        check_int(r->recist.rows[2].overall, SIRT_RESP_PD, "then PD");
        check_int(r->recist.best, SIRT_RESP_SD, "PR then PD: best SD (duration met)");
    }
    sirt_response_result_free(r);
    /* PR on day 28 then PD on day 56: SD not met at ≥ 42 days → PD. */
    fill(json, sizeof json, fmt, "2026-01-29", "2026-02-26", "true", "30", (const char *)NULL);
    r = run(json, NULL, &err);
    if (r)
        check_int(r->recist.best, SIRT_RESP_PD, "PR on day 28 then PD: best PD");
    sirt_response_result_free(r);
    /* The SD minimum is configurable: 21 days makes the day-28 PR count as SD. */
    {
        sirt_response_input *in3 = NULL;
        char *j3 = dq(json);
        sirt_response_parse(j3, strlen(j3), &in3, &err);
        free(j3);
        if (in3) {
            in3->options.sd_min_interval_days = 21;
            sirt_response_result *r3 = NULL;
            sirt_response_evaluate(in3, &r3, &err);
            if (r3)
                check_int(r3->recist.best, SIRT_RESP_SD, "SD minimum 21 days: SD");
            sirt_response_result_free(r3);
        }
        sirt_response_input_free(in3);
    }
}

/* Confirmation across an intervening assessment: NE in between is allowed, an
 * assessment below PR in between breaks it (docs/response.md). */
static void test_confirmation_gap(void)
{
    static const char *fmt =
        HEAD "'lesions': [{'id': 'L1', 'organ': 'liver', 'kind': 'target'}],"
        "'time_points': ["
        " {'date': '2026-01-01', 'lesions': {'L1': {'longest_diameter_mm': 50}}},"
        " {'date': '2026-03-01', 'new_lesions': false, 'lesions': {'L1': {'longest_diameter_mm': 30}}},"
        " {'date': '2026-03-22', 'new_lesions': false, 'lesions': {%s}},"
        " {'date': '2026-04-11', 'new_lesions': false, 'lesions': {'L1': {'longest_diameter_mm': 30}}}]}";
    char json[2048];
    sirt_error err;
    /* PR day 59, NE day 80, PR day 100 (41 days after the first PR): confirmed. */
    fill(json, sizeof json, fmt, "'L1': {'status': 'not_evaluated'}", (const char *)NULL);
    sirt_response_result *r = run(json, NULL, &err);
    check_true(r != NULL, "PR NE PR evaluates (%s)", err.message);
    if (r) {
        check_int(r->recist.rows[2].overall, SIRT_RESP_NE, "middle NE");
        check_int(r->recist.best, SIRT_RESP_PR, "PR, NE, PR: confirmed PR");
        check_int(r->recist.confirm_index, 3, "confirmed by the last time point");
    }
    sirt_response_result_free(r);
    /* PR, SD (35.5/50 = −29%; +18% vs the 30 mm nadir), PR: the SD in between breaks
     * the confirmation → SD. */
    fill(json, sizeof json, fmt, "'L1': {'longest_diameter_mm': 35.5}", (const char *)NULL);
    r = run(json, NULL, &err);
    if (r) {
        check_int(r->recist.rows[2].overall, SIRT_RESP_SD, "middle SD");
        check_int(r->recist.best, SIRT_RESP_SD, "PR, SD, PR: not confirmed → SD");
    }
    sirt_response_result_free(r);
}

/* mRECIST against RECIST: the lesion keeps its size, its viable part goes to 0. */
static void test_mrecist(void)
{
    sirt_error err;
    sirt_response_result *r = run(
        HEAD "'lesions': [{'id': 'L1', 'organ': 'liver', 'kind': 'target'}],"
        "'time_points': ["
        " {'date': '2026-01-01', 'lesions': {'L1': {'longest_diameter_mm': 50, 'viable_diameter_mm': 40}}},"
        " {'date': '2026-03-01', 'new_lesions': false, 'lesions': {'L1': {'longest_diameter_mm': 48, 'viable_diameter_mm': 0}}},"
        " {'date': '2026-04-15', 'new_lesions': false, 'lesions': {'L1': {'longest_diameter_mm': 49, 'viable_diameter_mm': 0}}}]}",
        NULL, &err);
    check_true(r != NULL, "mRECIST case (%s)", err.message);
    if (!r)
        return;
    check_true(r->mrecist.evaluated, "mRECIST on (viable diameters given)");
    check_int(r->recist.rows[1].target, SIRT_RESP_SD, "RECIST: 48/50 → SD");
    check_int(r->mrecist.rows[1].target, SIRT_RESP_CR, "mRECIST: no viable tumour → CR");
    check_rel(r->mrecist.rows[1].change_baseline_pct, -100, 1e-12, "viable −100%%");
    check_int(r->recist.best, SIRT_RESP_SD, "RECIST best SD");
    check_int(r->mrecist.best, SIRT_RESP_CR, "mRECIST best CR (confirmed 45 days later)");
    check_int(r->mrecist.confirm_index, 2, "confirmed by time point 2");
    sirt_response_result_free(r);

    /* mRECIST PD without the 5 mm clause: viable nadir 20 mm → 24 mm (+20%, +4 mm). */
    static const char *pd =
        HEAD "'options': {'mrecist_absolute_5mm': %s},"
        "'lesions': [{'id': 'L1', 'organ': 'liver', 'kind': 'target'}],"
        "'time_points': ["
        " {'date': '2026-01-01', 'lesions': {'L1': {'longest_diameter_mm': 50, 'viable_diameter_mm': 30}}},"
        " {'date': '2026-03-01', 'new_lesions': false, 'lesions': {'L1': {'longest_diameter_mm': 50, 'viable_diameter_mm': 20}}},"
        " {'date': '2026-04-15', 'new_lesions': false, 'lesions': {'L1': {'longest_diameter_mm': 50, 'viable_diameter_mm': 24}}}]}";
    char json[2048];
    fill(json, sizeof json, pd, "false", (const char *)NULL);
    r = run(json, NULL, &err);
    if (r)
        check_int(r->mrecist.rows[2].target, SIRT_RESP_PD, "mRECIST +20%%/+4 mm: PD (no 5 mm rule)");
    sirt_response_result_free(r);
    fill(json, sizeof json, pd, "true", (const char *)NULL);
    r = run(json, NULL, &err);
    if (r) /* 24/30 = −20% vs baseline → SD */
        check_int(r->mrecist.rows[2].target, SIRT_RESP_SD, "with the 5 mm option: SD");
    sirt_response_result_free(r);

    /* A viable diameter missing at a follow-up: mRECIST NE, RECIST still assessed. */
    r = run(HEAD "'lesions': [{'id': 'L1', 'organ': 'liver', 'kind': 'target'}],"
            "'time_points': ["
            " {'date': '2026-01-01', 'lesions': {'L1': {'longest_diameter_mm': 50, 'viable_diameter_mm': 30}}},"
            " {'date': '2026-03-01', 'new_lesions': false, 'lesions': {'L1': {'longest_diameter_mm': 30}}}]}",
            NULL, &err);
    if (r) {
        check_int(r->recist.rows[1].target, SIRT_RESP_PR, "RECIST PR");
        check_int(r->mrecist.rows[1].target, SIRT_RESP_NE, "mRECIST NE without viable diameter");
    }
    sirt_response_result_free(r);
}

/* Target selection rules: ≤ 5 in total, ≤ 2 per organ (nodes are one organ),
 * measurability thresholds. Each error names the JSON path and the rule. */
static void test_selection_errors(void)
{
    sirt_error err;
    char json[4096];
    /* Six targets in six organs. */
    snprintf(json, sizeof json, "%s",
             HEAD "'options': {'mrecist': false}, 'lesions': ["
             "{'id': 'A', 'organ': 'o1', 'kind': 'target'}, {'id': 'B', 'organ': 'o2', 'kind': 'target'},"
             "{'id': 'C', 'organ': 'o3', 'kind': 'target'}, {'id': 'D', 'organ': 'o4', 'kind': 'target'},"
             "{'id': 'E', 'organ': 'o5', 'kind': 'target'}, {'id': 'F', 'organ': 'o6', 'kind': 'target'}],"
             "'time_points': [{'date': '2026-01-01', 'lesions': {"
             "'A': {'longest_diameter_mm': 20}, 'B': {'longest_diameter_mm': 20}, 'C': {'longest_diameter_mm': 20},"
             "'D': {'longest_diameter_mm': 20}, 'E': {'longest_diameter_mm': 20}, 'F': {'longest_diameter_mm': 20}}}]}");
    sirt_response_result *r = run(json, NULL, &err);
    check_true(r == NULL, "6 targets refused");
    check_str(err.field, "$.lesions[5].kind", "6th target named");
    check_true(contains(err.message, "at most 5"), "rule named: %s", err.message);
    sirt_response_result_free(r);

    /* Three liver targets ("Liver" and "liver" are one organ). */
    r = run(HEAD "'lesions': ["
            "{'id': 'A', 'organ': 'liver', 'kind': 'target'}, {'id': 'B', 'organ': 'Liver', 'kind': 'target'},"
            "{'id': 'C', 'organ': 'liver', 'kind': 'target'}],"
            "'time_points': [{'date': '2026-01-01', 'lesions': {"
            "'A': {'longest_diameter_mm': 20}, 'B': {'longest_diameter_mm': 20}, 'C': {'longest_diameter_mm': 20}}}]}",
            NULL, &err);
    check_true(r == NULL, "3 liver targets refused");
    check_str(err.field, "$.lesions[2].kind", "3rd liver target named");
    check_true(contains(err.message, "at most 2 targets per organ"), "rule: %s", err.message);
    sirt_response_result_free(r);

    /* Three nodes in different stations: all lymph nodes are one organ. */
    r = run(HEAD "'lesions': ["
            "{'id': 'N1', 'organ': 'hilum', 'nodal': true, 'kind': 'target'},"
            "{'id': 'N2', 'organ': 'para-aortic', 'nodal': true, 'kind': 'target'},"
            "{'id': 'N3', 'organ': 'inguinal', 'nodal': true, 'kind': 'target'}],"
            "'time_points': [{'date': '2026-01-01', 'lesions': {"
            "'N1': {'short_axis_mm': 20}, 'N2': {'short_axis_mm': 20}, 'N3': {'short_axis_mm': 20}}}]}",
            NULL, &err);
    check_true(r == NULL, "3 nodal targets refused");
    check_true(contains(err.message, "lymph nodes"), "nodes are one organ: %s", err.message);
    sirt_response_result_free(r);

    /* 9 mm non-nodal target: below 10 mm. */
    r = run(HEAD "'lesions': [{'id': 'A', 'organ': 'liver', 'kind': 'target'}],"
            "'time_points': [{'date': '2026-01-01', 'lesions': {'A': {'longest_diameter_mm': 9}}}]}",
            NULL, &err);
    check_str(err.field, "$.time_points[0].lesions.A.longest_diameter_mm", "too small: path");
    check_true(contains(err.message, "10 mm"), "threshold named: %s", err.message);
    sirt_response_result_free(r);
    /* 10 mm exactly is measurable. */
    r = run(HEAD "'lesions': [{'id': 'A', 'organ': 'liver', 'kind': 'target'}],"
            "'time_points': [{'date': '2026-01-01', 'lesions': {'A': {'longest_diameter_mm': 10}}}]}",
            NULL, &err);
    check_true(r != NULL, "10 mm is measurable (%s)", err.message);
    sirt_response_result_free(r);
    /* 7 mm slices: minimum 14 mm; 12 mm refused. */
    r = run(HEAD "'options': {'slice_thickness_mm': 7}, 'lesions': [{'id': 'A', 'organ': 'liver', 'kind': 'target'}],"
            "'time_points': [{'date': '2026-01-01', 'lesions': {'A': {'longest_diameter_mm': 12}}}]}",
            NULL, &err);
    check_true(r == NULL && contains(err.message, "14 mm"), "2 × 7 mm slice: %s", err.message);
    sirt_response_result_free(r);
    /* Node of 14 mm short axis: pathological but non-measurable. */
    r = run(HEAD "'lesions': [{'id': 'N', 'organ': 'hilum', 'nodal': true, 'kind': 'target'}],"
            "'time_points': [{'date': '2026-01-01', 'lesions': {'N': {'short_axis_mm': 14}}}]}",
            NULL, &err);
    check_str(err.field, "$.time_points[0].lesions.N.short_axis_mm", "node too small: path");
    check_true(contains(err.message, "15 mm") && contains(err.message, "non-measurable"),
               "node rule: %s", err.message);
    sirt_response_result_free(r);
    /* Target missing at baseline. */
    r = run(HEAD "'lesions': [{'id': 'A', 'organ': 'liver', 'kind': 'target'},"
            "{'id': 'B', 'organ': 'lung', 'kind': 'target'}],"
            "'time_points': [{'date': '2026-01-01', 'lesions': {'A': {'longest_diameter_mm': 20}}}]}",
            NULL, &err);
    check_str(err.field, "$.time_points[0].lesions.B", "target missing at baseline: path");
    check_true(contains(err.message, "at baseline"), "explained: %s", err.message);
    sirt_response_result_free(r);
    /* mRECIST target with 8 mm of viable tumour. */
    r = run(HEAD "'lesions': [{'id': 'A', 'organ': 'liver', 'kind': 'target'}],"
            "'time_points': [{'date': '2026-01-01', 'lesions': {'A': {'longest_diameter_mm': 30, 'viable_diameter_mm': 8}}}]}",
            NULL, &err);
    check_str(err.field, "$.time_points[0].lesions.A.viable_diameter_mm", "mRECIST viable: path");
    check_true(contains(err.message, "10 mm") && contains(err.message, "mRECIST"),
               "mRECIST rule: %s", err.message);
    sirt_response_result_free(r);
}

static void test_auto_selection(void)
{
    sirt_error err;
    sirt_response_input *in = NULL;
    /* Liver 50, 40, 30 mm; lung 25 mm; node 18 and 12 mm; bone 8 mm. Expected targets:
     * liver 50 and 40 (the 30 mm one would be a third in the liver), lung 25, node 18;
     * the 12 mm node and the 8 mm lesion are not measurable. */
    sirt_response_result *r = run(
        HEAD "'options': {'target_selection': 'auto'}, 'lesions': ["
        "{'id': 'L1', 'organ': 'liver'}, {'id': 'L2', 'organ': 'liver'}, {'id': 'L3', 'organ': 'liver'},"
        "{'id': 'P1', 'organ': 'lung'}, {'id': 'N1', 'organ': 'hilum', 'nodal': true},"
        "{'id': 'N2', 'organ': 'hilum', 'nodal': true}, {'id': 'B1', 'organ': 'bone'}],"
        "'time_points': [{'date': '2026-01-01', 'lesions': {"
        "'L1': {'longest_diameter_mm': 40}, 'L2': {'longest_diameter_mm': 50}, 'L3': {'longest_diameter_mm': 30},"
        "'P1': {'longest_diameter_mm': 25}, 'N1': {'short_axis_mm': 18}, 'N2': {'short_axis_mm': 12},"
        "'B1': {'longest_diameter_mm': 8}}},"
        " {'date': '2026-03-01', 'new_lesions': false, 'lesions': {"
        "'L1': {'longest_diameter_mm': 40}, 'L2': {'longest_diameter_mm': 50}, 'L3': {'longest_diameter_mm': 0},"
        "'P1': {'longest_diameter_mm': 25}, 'N1': {'short_axis_mm': 18}, 'N2': {'short_axis_mm': 9},"
        "'B1': {'status': 'present'}}}]}",
        &in, &err);
    check_true(r != NULL, "auto selection (%s)", err.message);
    if (r) {
        static const sirt_lesion_kind want[] = {SIRT_LESION_TARGET,     SIRT_LESION_TARGET,
                                                SIRT_LESION_NON_TARGET, SIRT_LESION_TARGET,
                                                SIRT_LESION_TARGET,     SIRT_LESION_NON_TARGET,
                                                SIRT_LESION_NON_TARGET};
        for (size_t l = 0; l < 7; l++)
            check_int(r->kind[l], want[l], "auto kind of %s", in->lesions[l].id);
        /* Sum 40 + 50 + 25 + 18 = 133 mm. */
        check_rel(r->recist.rows[0].sum_mm, 133, 1e-12, "auto baseline sum 133 mm");
        /* Non-targets at follow-up: L3 0 mm (gone), N2 9 mm (normal), B1 present. */
        check_int(r->recist.rows[1].non_target, SIRT_RESP_NON_CR_NON_PD, "B1 persists");
        check_true(r->n_notes >= 7, "a note per lesion (%zu)", r->n_notes);
    }
    sirt_response_result_free(r);
    sirt_response_input_free(in);
}

/* Non-targets only (RECIST 1.1 Table 2). */
static void test_non_target_only(void)
{
    sirt_error err;
    sirt_response_result *r = run(
        HEAD "'lesions': [{'id': 'NT', 'organ': 'peritoneum', 'kind': 'non_target'}],"
        "'time_points': ["
        " {'date': '2026-01-01', 'lesions': {'NT': {'status': 'present'}}},"
        " {'date': '2026-03-01', 'new_lesions': false, 'lesions': {'NT': {'status': 'present'}}},"
        " {'date': '2026-05-01', 'new_lesions': false, 'lesions': {'NT': {'status': 'absent'}}}]}",
        NULL, &err);
    check_true(r != NULL, "non-target only (%s)", err.message);
    if (r) {
        check_int(r->recist.rows[1].target, SIRT_RESP_NA, "no targets");
        check_int(r->recist.rows[1].overall, SIRT_RESP_NON_CR_NON_PD, "Table 2: non-CR/non-PD");
        check_int(r->recist.rows[2].overall, SIRT_RESP_CR, "Table 2: CR");
        check_int(r->recist.best, SIRT_RESP_NON_CR_NON_PD, "best non-CR/non-PD (CR unconfirmed)");
    }
    sirt_response_result_free(r);
}

int main(void)
{
    test_target_rule();
    test_overall_table();
    test_series_row18();
    test_series_row19();
    test_cr_nodes();
    test_pd_paths_and_ne();
    test_best_response();
    test_confirmation_gap();
    test_mrecist();
    test_selection_errors();
    test_auto_selection();
    test_non_target_only();
    return check_failures();
}
