/* sirt plan: work-up, activity planning and logistics for one case file. */
#define _POSIX_C_SOURCE 200809L
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define MAX_OVERRIDES 32

void sirt_cmd_plan_help(FILE *fp)
{
    fprintf(fp,
            "Usage: sirt plan CASE.json [options]\n\n"
            "Reads one JSON case file (docs/case-format.md), runs the work-up, plans the\n"
            "activity by the prescribed model (and the others for comparison) and the\n"
            "logistics, checks every safety rule, and prints the plan.\n\n"
            "Options:\n"
            "  --json FILE          also write the plan as JSON (written atomically)\n"
            "  --catalogue FILE     merge a user catalogue (nuclides, products) over the installed one\n"
            "  --rules FILE         merge institutional rules over the installed defaults\n"
            "  --override RULE      go past the limit RULE on purpose (needs --reason)\n"
            "  --reason TEXT        why RULE is overridden; kept with the plan\n"
            "  --operator NAME      who plans (default: the OS user)\n"
            "  --strict             exit 1 when any safety warning is active\n"
            "  --quiet              do not print the plan (errors still go to stderr)\n"
            "  --no-color           no ANSI emphasis even on a terminal\n\n"
            "Exit status: 0 plan made (warnings allowed), 1 invalid input, failed computation,\n"
            "or an active safety warning with --strict, 2 usage error.\n");
}

static const char *os_user(void)
{
    const struct passwd *pw = getpwuid(geteuid());
    return pw && pw->pw_name ? pw->pw_name : "unknown";
}

typedef struct plan_args {
    const char *case_path, *json_path, *catalogue_path, *rules_path, *operator_name;
    int strict, quiet, color;
    size_t n_overrides;
    sirt_override overrides[MAX_OVERRIDES];
} plan_args;

static int parse_args(int argc, char **argv, plan_args *a)
{
    memset(a, 0, sizeof *a);
    a->color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
    int pending_override = 0;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        int has_value = i + 1 < argc;
        if (strcmp(arg, "--json") == 0 || strcmp(arg, "--catalogue") == 0 ||
            strcmp(arg, "--rules") == 0 || strcmp(arg, "--override") == 0 ||
            strcmp(arg, "--reason") == 0 || strcmp(arg, "--operator") == 0) {
            if (!has_value)
                return sirt_cli_usage("plan", "option %s needs a value", arg);
            const char *v = argv[++i];
            if (strcmp(arg, "--json") == 0)
                a->json_path = v;
            else if (strcmp(arg, "--catalogue") == 0)
                a->catalogue_path = v;
            else if (strcmp(arg, "--rules") == 0)
                a->rules_path = v;
            else if (strcmp(arg, "--operator") == 0)
                a->operator_name = v;
            else if (strcmp(arg, "--override") == 0) {
                if (pending_override)
                    return sirt_cli_usage("plan", "--override %s needs a --reason before the next --override",
                                          a->overrides[a->n_overrides - 1].rule);
                if (a->n_overrides == MAX_OVERRIDES)
                    return sirt_cli_usage("plan", "at most %d overrides", MAX_OVERRIDES);
                snprintf(a->overrides[a->n_overrides].rule, sizeof a->overrides[0].rule, "%s", v);
                a->n_overrides++;
                pending_override = 1;
            } else {
                if (!pending_override)
                    return sirt_cli_usage("plan", "--reason must follow an --override RULE");
                if (!v[0])
                    return sirt_cli_usage("plan", "--reason must not be empty");
                snprintf(a->overrides[a->n_overrides - 1].reason, sizeof a->overrides[0].reason,
                         "%s", v);
                pending_override = 0;
            }
        } else if (strcmp(arg, "--strict") == 0) {
            a->strict = 1;
        } else if (strcmp(arg, "--quiet") == 0) {
            a->quiet = 1;
        } else if (strcmp(arg, "--no-color") == 0) {
            a->color = 0;
        } else if (arg[0] == '-' && arg[1] != '\0') {
            return sirt_cli_usage("plan", "unknown option '%s'", arg);
        } else if (!a->case_path) {
            a->case_path = arg;
        } else {
            return sirt_cli_usage("plan", "only one case file is accepted (got '%s' and '%s')",
                                  a->case_path, arg);
        }
    }
    if (pending_override)
        return sirt_cli_usage("plan", "--override %s needs --reason TEXT",
                              a->overrides[a->n_overrides - 1].rule);
    if (!a->case_path)
        return sirt_cli_usage("plan", "missing the case file");
    const char *op = a->operator_name ? a->operator_name : os_user();
    for (size_t k = 0; k < a->n_overrides; k++)
        snprintf(a->overrides[k].operator_name, sizeof a->overrides[k].operator_name, "%s", op);
    return SIRT_EXIT_OK;
}

int sirt_cmd_plan(int argc, char **argv)
{
    plan_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc != SIRT_EXIT_OK)
        return rc;

    sirt_error err = {0};
    sirt_catalogue *cat = NULL;
    sirt_rules *rules = NULL;
    sirt_case *c = NULL;
    sirt_plan *plan = NULL;
    char *json = NULL;
    rc = SIRT_EXIT_FAIL;

    if (sirt_catalogue_load_default(&cat, &err) != SIRT_OK)
        goto done;
    if (a.catalogue_path && sirt_catalogue_merge_file(cat, a.catalogue_path, &err) != SIRT_OK)
        goto done;
    if (sirt_rules_load_default(&rules, &err) != SIRT_OK)
        goto done;
    if (a.rules_path && sirt_rules_merge_file(rules, a.rules_path, &err) != SIRT_OK)
        goto done;
    if (sirt_case_read(a.case_path, &c, &err) != SIRT_OK)
        goto done;

    sirt_plan_options opt;
    sirt_plan_options_default(&opt);
    opt.n_overrides = a.n_overrides;
    opt.overrides = a.overrides;
    if (sirt_plan_compute(c, cat, rules, &opt, &plan, &err) != SIRT_OK)
        goto done;
    if (a.json_path && sirt_plan_to_json(c, plan, a.case_path, &json, &err) != SIRT_OK)
        goto done;
    if (!a.quiet && sirt_plan_print(stdout, c, plan, a.color, &err) != SIRT_OK)
        goto done;
    fflush(stdout);
    if (json && sirt_write_file_atomic(a.json_path, json, strlen(json), &err) != SIRT_OK)
        goto done;

    size_t active = sirt_warning_list_count_active(&plan->warnings, SIRT_SEVERITY_WARNING);
    if (active)
        fprintf(stderr, "sirt plan: %zu active safety warning(s)%s\n", active,
                a.strict ? "; failing because of --strict" : "");
    rc = a.strict && active ? SIRT_EXIT_FAIL : SIRT_EXIT_OK;
done:
    if (err.status != SIRT_OK)
        rc = sirt_cli_fail(&err);
    free(json);
    sirt_plan_free(plan);
    sirt_case_free(c);
    sirt_rules_free(rules);
    sirt_catalogue_free(cat);
    return rc;
}
