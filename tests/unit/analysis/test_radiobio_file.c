/* data/radiobiology.json holds the built-in tissue table, and bad tissue files are refused
 * naming the JSON path (sirt/radiobiology.h). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../check.h"
#include "sirt/radiobiology.h"

static const char *write_tmp(const char *text)
{
    static char path[256];
    const char *dir = getenv("TMPDIR");
        /* One file at a time; the process id keeps concurrent runs (two build trees) apart. */
    snprintf(path, sizeof path, "%s/sirt_test_tissue_%ld.json", dir ? dir : "/tmp", (long)getpid());
    FILE *f = fopen(path, "w");
    if (!f)
        abort();
    fputs(text, f);
    fclose(f);
    return path;
}

static const char *GOOD_TISSUE =
    "\"id\": \"t\", \"alpha_beta_gy\": {\"low\": 5, \"central\": 10, \"high\": 20, \"source\": \"s\"},"
    " \"repair_half_time_h\": {\"low\": 1, \"central\": 1.5, \"high\": 2, \"source\": \"s\"},"
    " \"geud_a\": {\"value\": -10, \"source\": \"s\"},"
    " \"tcp\": {\"alpha_per_gy\": 0.3, \"alpha_sd_per_gy\": 0.05, \"clonogens_per_cm3\": 1e7, \"source\": \"s\"}";

static void expect_bad(const char *tissue_body, const char *field_part, const char *what)
{
    char text[2048];
    snprintf(text, sizeof text, "{\"tissues\": [{%s}]}", tissue_body);
    sirt_tissue_set *set = NULL;
    sirt_error err = {0};
    const char *p = write_tmp(text);
    check_true(sirt_tissue_set_load(p, &set, &err) != SIRT_OK, "%s refused", what);
    check_true(set == NULL, "%s: no output", what);
    check_true(strstr(err.message, field_part) != NULL, "%s: message names %s: %s", what,
               field_part, err.message);
    remove(p);
}

int main(void)
{
    sirt_tissue_set *set = NULL;
    sirt_error err = {0};
    check_int(sirt_tissue_set_load_default(&set, &err), SIRT_OK, "default file: %s", err.message);
    check_int((long)sirt_tissue_set_count(set), (long)sirt_tissue_count(), "same number of tissues");
    for (size_t i = 0; i < sirt_tissue_count(); i++) {
        const sirt_tissue *b = sirt_tissue_at(i), *f = sirt_tissue_set_find(set, b->id);
        check_true(f != NULL, "file has %s", b->id);
        if (!f)
            continue;
        for (int k = 0; k < 3; k++) {
            check_rel(f->alpha_beta_gy[k], b->alpha_beta_gy[k], 0, "%s α/β[%d]", b->id, k);
            check_rel(f->repair_half_time_h[k], b->repair_half_time_h[k], 0, "%s T_rep[%d]", b->id, k);
        }
        check_rel(f->geud_a, b->geud_a, 0, "%s a", b->id);
        check_rel(f->alpha_per_gy, b->alpha_per_gy, 0, "%s α", b->id);
        check_abs(f->alpha_sd_per_gy, b->alpha_sd_per_gy, 0, "%s σα", b->id);
        check_rel(f->clonogens_per_cm3, b->clonogens_per_cm3, 0, "%s ρ", b->id);
        check_int(f->is_target, b->is_target, "%s target", b->id);
        check_int(f->has_ntcp, b->has_ntcp, "%s has NTCP", b->id);
        if (b->has_ntcp) {
            check_rel(f->ntcp_td50_gy, b->ntcp_td50_gy, 0, "%s TD50", b->id);
            check_rel(f->ntcp_m, b->ntcp_m, 0, "%s m", b->id);
            check_rel(f->ntcp_n, b->ntcp_n, 0, "%s n", b->id);
        }
        check_true(strstr(f->source, "Strigari") != NULL, "%s source cited: %s", b->id, f->source);
    }
    sirt_tissue_set_free(set);

    /* A good minimal file loads. */
    char text[2048];
    snprintf(text, sizeof text, "{\"tissues\": [{%s}]}", GOOD_TISSUE);
    const char *p = write_tmp(text);
    set = NULL;
    check_int(sirt_tissue_set_load(p, &set, &err), SIRT_OK, "minimal file: %s", err.message);
    check_true(set && sirt_tissue_set_find(set, "t") && !sirt_tissue_set_find(set, "t")->has_ntcp,
               "minimal tissue, no NTCP");
    sirt_tissue_set_free(set);
    remove(p);

    char body[1024];
    snprintf(body, sizeof body, "%s, \"alpha_beta\": 3", GOOD_TISSUE);
    expect_bad(body, "alpha_beta", "unknown key");
    expect_bad("\"id\": \"t\", \"alpha_beta_gy\": {\"low\": 5, \"central\": 10, \"high\": 20}",
               "source", "missing source");
    expect_bad("\"id\": \"t\", \"alpha_beta_gy\": {\"low\": 50, \"central\": 10, \"high\": 20, "
               "\"source\": \"s\"}",
               "low <= central", "unordered range");
    expect_bad("\"id\": \"t\", \"alpha_beta_gy\": {\"low\": -5, \"central\": 10, \"high\": 20, "
               "\"source\": \"s\"}",
               "$.tissues[0].alpha_beta_gy.low", "negative α/β");
    return check_failures();
}
