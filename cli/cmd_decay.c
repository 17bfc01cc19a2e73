/* sirt decay: decay correction of an activity between two date-times (docs/cli/decay.md). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "cli.h"
#include "core/json_write.h"

void sirt_cmd_decay_help(FILE *fp)
{
    fprintf(fp,
            "Usage: sirt decay NUCLIDE|PRODUCT --from DATETIME --to DATETIME\n"
            "                  [--activity-gbq A] [--catalogue FILE] [--json]\n\n"
            "Decay-corrects between two date-times with explicit UTC offsets\n"
            "(e.g. 2026-11-22T12:00:00-05:00). Prints the elapsed time, the decay factor,\n"
            "the activity at --to when --activity-gbq (the activity at --from) is given, and\n"
            "the fraction of all decays (the dose of a permanent implant) that happen\n"
            "between the two times. --to may be before --from (decay back in time).\n\n"
            "Options:\n"
            "  --activity-gbq A   activity at --from, GBq (0 < A <= 1000)\n"
            "  --catalogue FILE   merge a user catalogue over the installed one\n"
            "  --json             print JSON instead of text\n\n"
            "Exit status: 0 success, 1 invalid input, 2 usage error.\n");
}

/* A positive finite number from the command line, or a clear error naming the option. */
static int parse_activity(const char *text, double *out, sirt_error *err)
{
    double v = NAN;
    if (!sirt_cli_strtod(text, &v) || v <= 0.0 || v > 1000.0) {
        sirt_error_set(err, SIRT_ERANGE, "--activity-gbq",
                       "--activity-gbq \"%s\" is not an activity in GBq (accepted: a number "
                       "> 0 and <= 1000 GBq)",
                       text);
        return 0;
    }
    *out = v;
    return 1;
}

int sirt_cmd_decay(int argc, char **argv)
{
    const char *id = NULL, *from_text = NULL, *to_text = NULL, *activity_text = NULL;
    const char *catalogue_path = NULL;
    int json = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--from") == 0 || strcmp(a, "--to") == 0 ||
            strcmp(a, "--activity-gbq") == 0 || strcmp(a, "--catalogue") == 0) {
            if (i + 1 >= argc)
                return sirt_cli_usage("decay", "option %s needs a value", a);
            const char *v = argv[++i];
            if (strcmp(a, "--from") == 0)
                from_text = v;
            else if (strcmp(a, "--to") == 0)
                to_text = v;
            else if (strcmp(a, "--activity-gbq") == 0)
                activity_text = v;
            else
                catalogue_path = v;
        } else if (strcmp(a, "--json") == 0) {
            json = 1;
        } else if (a[0] == '-' && a[1] != '\0') {
            return sirt_cli_usage("decay", "unknown option '%s'", a);
        } else if (!id) {
            id = a;
        } else {
            return sirt_cli_usage("decay", "only one nuclide or product (got '%s' and '%s')", id, a);
        }
    }
    if (!id || !from_text || !to_text)
        return sirt_cli_usage("decay", "needs NUCLIDE|PRODUCT, --from and --to");

    sirt_error err = {0};
    sirt_catalogue *cat = NULL;
    int rc = SIRT_EXIT_FAIL;
    sirt_datetime from, to;
    double activity_gbq = NAN;
    if (sirt_datetime_parse(from_text, "--from", &from, &err) != SIRT_OK ||
        sirt_datetime_parse(to_text, "--to", &to, &err) != SIRT_OK)
        goto done;
    if (activity_text && !parse_activity(activity_text, &activity_gbq, &err))
        goto done;
    if (sirt_catalogue_load_default(&cat, &err) != SIRT_OK)
        goto done;
    if (catalogue_path && sirt_catalogue_merge_file(cat, catalogue_path, &err) != SIRT_OK)
        goto done;
    const sirt_nuclide *n = sirt_catalogue_find_nuclide(cat, id);
    if (!n) {
        const sirt_product *p = sirt_catalogue_find_product(cat, id);
        n = p ? sirt_catalogue_find_nuclide(cat, p->nuclide) : NULL;
    }
    if (!n) {
        sirt_error_set(&err, SIRT_ENOTFOUND, "NUCLIDE",
                       "\"%s\" is neither a nuclide nor a product of the catalogue (see 'sirt "
                       "catalogue')",
                       id);
        goto done;
    }
    const double t_half_h = n->half_life_h.value;
    const double elapsed_h = sirt_datetime_diff_h(from, to);
    const double factor = sirt_decay_factor(t_half_h, elapsed_h);
    /* Fraction of all decays from t=from that occur between from and to (negative when
     * to is earlier). */
    const double fraction = sirt_decay_fraction_delivered(t_half_h, elapsed_h);
    char from_buf[40], to_buf[40];
    sirt_datetime_format(from, from_buf, sizeof from_buf);
    sirt_datetime_format(to, to_buf, sizeof to_buf);
    if (json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "nuclide", n->id);
        sirt__json_add_number(o, "half_life_h", t_half_h);
        cJSON_AddStringToObject(o, "half_life_source", n->half_life_h.source);
        cJSON_AddStringToObject(o, "from", from_buf);
        cJSON_AddStringToObject(o, "to", to_buf);
        sirt__json_add_number(o, "elapsed_h", elapsed_h);
        sirt__json_add_number(o, "decay_factor", factor);
        sirt__json_add_number(o, "fraction_of_decays_between", fraction);
        if (isfinite(activity_gbq)) {
            sirt__json_add_number(o, "activity_from_gbq", activity_gbq);
            sirt__json_add_number(o, "activity_to_gbq", activity_gbq * factor);
        }
        char *text = NULL;
        sirt_status st = sirt__json_print(o, &text, NULL, &err);
        cJSON_Delete(o);
        if (st != SIRT_OK)
            goto done;
        fputs(text, stdout);
        free(text);
    } else {
        printf("%s, half-life %.4g h (%s)\n", n->id, t_half_h, n->half_life_h.source);
        printf("  from                     %s\n", from_buf);
        printf("  to                       %s\n", to_buf);
        printf("  elapsed                  %.3f h (%.3f d)\n", elapsed_h, elapsed_h / 24.0);
        printf("  decay factor             %.6f\n", factor);
        if (isfinite(activity_gbq))
            printf("  activity                 %.4f GBq -> %.4f GBq\n", activity_gbq,
                   activity_gbq * factor);
        printf("  decays in the interval   %.2f %% of all decays after 'from'\n", 100.0 * fraction);
    }
    rc = SIRT_EXIT_OK;
done:
    if (err.status != SIRT_OK)
        rc = sirt_cli_fail(&err);
    sirt_catalogue_free(cat);
    return rc;
}
