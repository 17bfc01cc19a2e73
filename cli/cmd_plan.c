/* sirt plan: work-up, activity planning and logistics for one case file. */
#define _POSIX_C_SOURCE 200809L
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cJSON.h>

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
            "  --operator NAME      who plans (default: the OS user); recorded in the database\n"
            "  --db PATH            record the plan in the database PATH (created when absent),\n"
            "                       and count the patient's recorded treatments in the\n"
            "                       cumulative lung dose (default: $SIRT_DB when set; without\n"
            "                       --db or SIRT_DB nothing is recorded; docs/store.md)\n"
            "  --no-db              do not record even when SIRT_DB is set\n"
            "  --supersedes PLAN    the recorded plan corrects plan PLAN (a row id)\n"
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
    const char *case_path, *json_path, *catalogue_path, *rules_path, *operator_name, *db_path;
    int strict, quiet, color, no_db;
    long long supersedes;
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
            strcmp(arg, "--reason") == 0 || strcmp(arg, "--operator") == 0 ||
            strcmp(arg, "--db") == 0 || strcmp(arg, "--supersedes") == 0) {
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
            else if (strcmp(arg, "--db") == 0) {
                if (!v[0])
                    return sirt_cli_usage("plan", "--db needs a file path");
                a->db_path = v;
            } else if (strcmp(arg, "--supersedes") == 0) {
                char *end;
                a->supersedes = strtoll(v, &end, 10);
                if (end == v || *end || a->supersedes <= 0)
                    return sirt_cli_usage("plan", "--supersedes needs a plan row id (a whole number "
                                                  "> 0), got '%s'", v);
            }
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
        } else if (strcmp(arg, "--no-db") == 0) {
            a->no_db = 1;
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
    if (a->no_db && a->db_path)
        return sirt_cli_usage("plan", "--db and --no-db contradict each other");
    if (!a->db_path && !a->no_db) {
        const char *env = getenv("SIRT_DB");
        if (env && env[0])
            a->db_path = env;
    }
    if (a->supersedes && !a->db_path)
        return sirt_cli_usage("plan", "--supersedes needs a database (--db PATH or SIRT_DB)");
    const char *op = a->operator_name ? a->operator_name : os_user();
    for (size_t k = 0; k < a->n_overrides; k++)
        snprintf(a->overrides[k].operator_name, sizeof a->overrides[k].operator_name, "%s", op);
    return SIRT_EXIT_OK;
}

/* As sirt_case_read, keeping the text: its SHA-256 goes into the database. */
static sirt_status read_case(const char *path, sirt_case **out, char **text, size_t *size,
                             sirt_error *err)
{
    sirt_error local = {0};
    sirt_status st = sirt_read_file(path, SIRT_CASE_MAX_BYTES, "case file", text, size, &local);
    if (st != SIRT_OK)
        return sirt_error_set(err, st, "$", "%s", local.message);
    st = sirt_case_parse(*text, *size, out, &local);
    if (st != SIRT_OK)
        return sirt_error_set(err, st, local.field, "%s (in %s)", local.message, path);
    return SIRT_OK;
}

static void print_recorded(FILE *fp, const sirt_store *store, const sirt_store_recorded *r)
{
    fprintf(fp, "\nDatabase %s (operator %s)\n", sirt_store_path(store), sirt_store_operator(store));
    fprintf(fp, "  patient #%lld%s, work-up #%lld, plan #%lld", (long long)r->patient_id,
            r->patient_created ? " (new)" : "", (long long)r->workup_id, (long long)r->plan_id);
    if (r->treatment_id)
        fprintf(fp, ", treatment #%lld", (long long)r->treatment_id);
    fprintf(fp, ", %zu structure doses; %zu audit rows\n", r->n_structure_doses, r->n_audit_rows);
}

/* The plan JSON, plus a "database" member saying what was recorded. */
static sirt_status write_json(const char *path, const char *json, const sirt_store *store,
                              const sirt_store_recorded *r, const sirt_store_merge *m,
                              sirt_error *err)
{
    if (!store)
        return sirt_write_file_atomic(path, json, strlen(json), err);
    cJSON *root = cJSON_Parse(json);
    if (!root)
        return sirt_error_set(err, SIRT_ENOMEM, "json", "out of memory writing the JSON plan");
    {
        cJSON *d = cJSON_AddObjectToObject(root, "database");
        cJSON_AddStringToObject(d, "path", sirt_store_path(store));
        cJSON_AddStringToObject(d, "operator", sirt_store_operator(store));
        cJSON_AddNumberToObject(d, "patient_id", (double)r->patient_id);
        cJSON_AddBoolToObject(d, "patient_created", r->patient_created);
        cJSON_AddNumberToObject(d, "workup_id", (double)r->workup_id);
        cJSON_AddNumberToObject(d, "plan_id", (double)r->plan_id);
        if (r->treatment_id)
            cJSON_AddNumberToObject(d, "treatment_id", (double)r->treatment_id);
        else
            cJSON_AddNullToObject(d, "treatment_id");
        cJSON_AddNumberToObject(d, "structure_doses", (double)r->n_structure_doses);
        cJSON_AddNumberToObject(d, "audit_rows", (double)r->n_audit_rows);
        cJSON *added = cJSON_AddArrayToObject(d, "prior_treatments_added");
        for (size_t i = 0; i < m->n_added && i < sizeof m->added_ids / sizeof m->added_ids[0]; i++)
            cJSON_AddItemToArray(added, cJSON_CreateNumber((double)m->added_ids[i]));
        cJSON_AddNumberToObject(d, "prior_treatments_already_in_case", (double)m->n_duplicate);
    }
    sirt_status st = sirt_cli_write_json(path, root, err);
    cJSON_Delete(root);
    return st;
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
    sirt_store *store = NULL;
    char *json = NULL, *case_text = NULL;
    size_t case_size = 0;
    sirt_store_merge merge;
    sirt_store_recorded rec;
    memset(&merge, 0, sizeof merge);
    memset(&rec, 0, sizeof rec);
    rc = SIRT_EXIT_FAIL;

    if (sirt_catalogue_load_default(&cat, &err) != SIRT_OK)
        goto done;
    if (a.catalogue_path && sirt_catalogue_merge_file(cat, a.catalogue_path, &err) != SIRT_OK)
        goto done;
    if (sirt_rules_load_default(&rules, &err) != SIRT_OK)
        goto done;
    if (a.rules_path && sirt_rules_merge_file(rules, a.rules_path, &err) != SIRT_OK)
        goto done;
    if (read_case(a.case_path, &c, &case_text, &case_size, &err) != SIRT_OK)
        goto done;
    if (a.db_path) {
        /* Prior treatments recorded for this patient join the cumulative lung check. */
        if (sirt_store_open(a.db_path, SIRT_STORE_CREATE, &store, &err) != SIRT_OK)
            goto done;
        if (a.operator_name && sirt_store_set_operator(store, a.operator_name, &err) != SIRT_OK)
            goto done;
        if (sirt_store_merge_prior(store, c, &merge, &err) != SIRT_OK)
            goto done;
    }

    sirt_plan_options opt;
    sirt_plan_options_default(&opt);
    opt.n_overrides = a.n_overrides;
    opt.overrides = a.overrides;
    if (sirt_plan_compute(c, cat, rules, &opt, &plan, &err) != SIRT_OK)
        goto done;
    if (store && (sirt_store_plan_add_note(plan, merge.note, &err) != SIRT_OK ||
                  sirt_store_plan_add_note(plan, merge.liver_note, &err) != SIRT_OK))
        goto done;
    if ((a.json_path || store) && sirt_plan_to_json(c, plan, a.case_path, &json, &err) != SIRT_OK)
        goto done;
    if (store) {
        sirt_store_plan_input in = {case_text, case_size, a.case_path, json,
                                    sirt_rules_version(rules), &merge, (int64_t)a.supersedes,
                                    0, NULL, 0, NULL};
        if (sirt_store_record_plan(store, c, plan, &in, &rec, &err) != SIRT_OK)
            goto done;
    }
    if (!a.quiet && sirt_plan_print(stdout, c, plan, a.color, &err) != SIRT_OK)
        goto done;
    if (!a.quiet && store)
        print_recorded(stdout, store, &rec);
    fflush(stdout);
    if (a.json_path && write_json(a.json_path, json, store, &rec, &merge, &err) != SIRT_OK)
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
    free(case_text);
    sirt_store_close(store);
    sirt_plan_free(plan);
    sirt_case_free(c);
    sirt_rules_free(rules);
    sirt_catalogue_free(cat);
    return rc;
}
