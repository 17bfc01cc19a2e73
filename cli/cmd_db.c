/* sirt db: the records database (docs/store.md, docs/cli/db.md). */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "cli.h"

void sirt_cmd_db_help(FILE *fp)
{
    fprintf(fp,
            "Usage: sirt db COMMAND [ARG] [options]\n\n"
            "The records database: patients, plans, treatments, doses and the audit trail\n"
            "(docs/store.md).\n\n"
            "Commands:\n"
            "  init               create the database (or bring its schema up to date)\n"
            "  patients           list the patients\n"
            "  show PATIENT       a patient and its plans (PATIENT: the case's patient id, or #ROW)\n"
            "  history PATIENT    a patient's treatments with the cumulative lung dose\n"
            "  verify             recompute the audit chain; exit 1 and name the first edited,\n"
            "                     deleted or out-of-band row\n"
            "  backup FILE        consistent copy (SQLite online backup; written atomically)\n"
            "  export PATIENT     the patient's whole record as JSON (stdout, or --json FILE)\n"
            "  import FILE        add a record exported by `export`\n"
            "  rerun PLAN_ID      re-run a stored plan from its recorded inputs and compare every\n"
            "                     number with the stored plan; exit 1 when any differs\n\n"
            "Options:\n"
            "  --db PATH          the database (default: $SIRT_DB, else\n"
            "                     $XDG_DATA_HOME/sirtkit/sirt.db or ~/.local/share/sirtkit/sirt.db)\n"
            "  --json FILE        also write the result as JSON (written atomically)\n"
            "  --operator NAME    who imports (default: the OS user)\n"
            "  --catalogue FILE   rerun: merge a user catalogue over the installed one\n"
            "  --rules FILE       rerun: merge institutional rules over the installed defaults\n\n"
            "Exit status: 0 success, 1 error or a failed verify, 2 usage error.\n");
}

typedef struct db_args {
    const char *db_path, *json_path, *operator_name, *cmd, *arg, *catalogue_path, *rules_path;
} db_args;

static int needs_arg(const char *cmd)
{
    return strcmp(cmd, "show") == 0 || strcmp(cmd, "history") == 0 ||
           strcmp(cmd, "backup") == 0 || strcmp(cmd, "export") == 0 || strcmp(cmd, "import") == 0 ||
           strcmp(cmd, "rerun") == 0;
}

static int parse_args(int argc, char **argv, db_args *a)
{
    static const char *const cmds[] = {"init", "patients", "show", "history", "verify",
                                       "backup", "export", "import", "rerun", NULL};
    memset(a, 0, sizeof *a);
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--db") == 0 || strcmp(arg, "--json") == 0 ||
            strcmp(arg, "--operator") == 0 || strcmp(arg, "--catalogue") == 0 ||
            strcmp(arg, "--rules") == 0) {
            if (i + 1 >= argc || !argv[i + 1][0])
                return sirt_cli_usage("db", "option %s needs a value", arg);
            const char *v = argv[++i];
            if (strcmp(arg, "--db") == 0)
                a->db_path = v;
            else if (strcmp(arg, "--json") == 0)
                a->json_path = v;
            else if (strcmp(arg, "--catalogue") == 0)
                a->catalogue_path = v;
            else if (strcmp(arg, "--rules") == 0)
                a->rules_path = v;
            else
                a->operator_name = v;
        } else if (arg[0] == '-' && arg[1] != '\0') {
            return sirt_cli_usage("db", "unknown option '%s'", arg);
        } else if (!a->cmd) {
            int known = 0;
            for (size_t k = 0; cmds[k]; k++)
                known |= strcmp(arg, cmds[k]) == 0;
            if (!known)
                return sirt_cli_usage("db", "unknown command '%s' (init, patients, show, history, "
                                            "verify, backup, export, import, rerun)", arg);
            a->cmd = arg;
        } else if (!a->arg && needs_arg(a->cmd)) {
            a->arg = arg;
        } else {
            return sirt_cli_usage("db", "unexpected argument '%s'", arg);
        }
    }
    if (!a->cmd)
        return sirt_cli_usage("db", "missing the command (init, patients, show, history, verify, "
                                    "backup, export, import, rerun)");
    if (needs_arg(a->cmd) && !a->arg)
        return sirt_cli_usage("db", "%s needs %s", a->cmd,
                              strcmp(a->cmd, "backup") == 0 || strcmp(a->cmd, "import") == 0
                                  ? "a FILE"
                              : strcmp(a->cmd, "rerun") == 0 ? "a PLAN_ID (a plan row id)"
                                                             : "a PATIENT (patient id, or #ROW)");
    if ((a->catalogue_path || a->rules_path) && strcmp(a->cmd, "rerun") != 0)
        return sirt_cli_usage("db", "--catalogue and --rules apply to rerun only");
    return SIRT_EXIT_OK;
}

static const char *str(const cJSON *o, const char *key)
{
    const char *v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
    return v ? v : "–";
}

static double num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

/* "%.*f unit" or "–" when not recorded. */
static const char *fmt_num(char *buf, size_t size, double v, int digits, const char *unit)
{
    if (isfinite(v))
        snprintf(buf, size, "%.*f %s", digits, v, unit);
    else
        snprintf(buf, size, "–");
    return buf;
}

static void print_patients(const cJSON *root)
{
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, "patients");
    printf("Patients in %s: %d\n", str(root, "database"), cJSON_GetArraySize(arr));
    if (cJSON_GetArraySize(arr) > 0)
        printf("  %-5s %-24s %6s %11s  %s\n", "row", "patient", "plans", "treatments",
               "last treatment");
    const cJSON *p;
    cJSON_ArrayForEach(p, arr)
        printf("  #%-4.0f %-24s %6.0f %11.0f  %s\n", num(p, "id"), str(p, "patient_key"),
               num(p, "n_plans"), num(p, "n_treatments"), str(p, "last_treatment"));
}

static void print_treatments(const cJSON *root)
{
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, "treatments");
    printf("Treatments: %d (%.0f sessions)\n", cJSON_GetArraySize(arr), num(root, "sessions"));
    if (cJSON_GetArraySize(arr) == 0)
        return;
    printf("  %-5s %-26s %-13s %12s %12s %14s %16s  %s\n", "row", "treated at", "product",
           "delivered", "lung dose", "cumulative lung", "normal liver", "plan, operator");
    const cJSON *t;
    cJSON_ArrayForEach(t, arr)
    {
        char a[32], b[32], c[32], d[32];
        int superseded = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(t, "superseded"));
        printf("  #%-4.0f %-26s %-13s %12s %12s %14s %16s  #%.0f, %s%s\n", num(t, "id"),
               str(t, "treated_at"), str(t, "product"),
               fmt_num(a, sizeof a, num(t, "delivered_activity_gbq"), 3, "GBq"),
               fmt_num(b, sizeof b, num(t, "lung_dose_gy"), 2, "Gy"),
               superseded ? "superseded" : fmt_num(c, sizeof c, num(t, "cumulative_lung_dose_gy"), 2, "Gy"),
               fmt_num(d, sizeof d, num(t, "normal_liver_dose_gy"), 1, "Gy"), num(t, "plan_id"),
               str(t, "operator"), superseded ? " (a later record of the same session counts)" : "");
    }
    printf("Cumulative lung dose of the recorded treatments: %.2f Gy (limit 50 Gy, Ho 1997; "
           "domain §3.7)\n",
           num(root, "cumulative_lung_dose_gy"));
}

static void print_show(const cJSON *root, int with_plans)
{
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(root, "patient");
    char h[32], w[32];
    printf("Patient %s (row #%.0f) in %s\n", str(p, "patient_key"), num(p, "id"),
           str(root, "database"));
    printf("  sex %s, height %s, weight %s; recorded %s by %s\n", str(p, "sex"),
           fmt_num(h, sizeof h, num(p, "height_cm"), 0, "cm"),
           fmt_num(w, sizeof w, num(p, "weight_kg"), 1, "kg"), str(p, "created_at"),
           str(p, "created_by"));
    if (with_plans) {
        const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, "plans");
        printf("Plans: %d\n", cJSON_GetArraySize(arr));
        const cJSON *q;
        cJSON_ArrayForEach(q, arr)
        {
            char a[32], b[32];
            printf("  #%-4.0f %s  %-28s %-10s %-13s %12s  lung %s", num(q, "id"), str(q, "created_at"),
                   str(q, "case_id"), str(q, "model"), str(q, "product"),
                   fmt_num(a, sizeof a, num(q, "total_activity_gbq"), 3, "GBq"),
                   fmt_num(b, sizeof b, num(q, "lung_dose_gy"), 2, "Gy"));
            if (isfinite(num(q, "supersedes_plan_id")))
                printf(", corrects #%.0f", num(q, "supersedes_plan_id"));
            if (isfinite(num(q, "superseded_by_plan_id")))
                printf(", superseded by #%.0f", num(q, "superseded_by_plan_id"));
            printf("\n");
        }
    }
    print_treatments(root);
}

/* Print and/or write a JSON result text produced by the library. */
static int output(const db_args *a, const char *json, void (*print)(const cJSON *))
{
    sirt_error err = {0};
    cJSON *root = cJSON_Parse(json);
    if (!root) {
        sirt_error_set(&err, SIRT_ENOMEM, "json", "out of memory reading the result");
        return sirt_cli_fail(&err);
    }
    if (print)
        print(root);
    fflush(stdout);
    sirt_status st = a->json_path ? sirt_cli_write_json(a->json_path, root, &err) : SIRT_OK;
    cJSON_Delete(root);
    return st == SIRT_OK ? SIRT_EXIT_OK : sirt_cli_fail(&err);
}

static void print_show_plans(const cJSON *root) { print_show(root, 1); }
static void print_history(const cJSON *root) { print_show(root, 0); }

/* sirt db rerun: print and write what sirt_store_rerun found. */
static int rerun(const db_args *a, sirt_store *s)
{
    sirt_error err = {0};
    char *end;
    long long id = strtoll(a->arg, &end, 10);
    if (end == a->arg || *end || id <= 0)
        return sirt_cli_usage("db", "rerun needs a plan row id (a whole number > 0), got '%s'",
                              a->arg);
    sirt_catalogue *cat = NULL;
    sirt_rules *rules = NULL;
    sirt_store_rerun_result *r = NULL;
    int rc = SIRT_EXIT_FAIL;
    if (sirt_catalogue_load_default(&cat, &err) != SIRT_OK ||
        (a->catalogue_path && sirt_catalogue_merge_file(cat, a->catalogue_path, &err) != SIRT_OK) ||
        sirt_rules_load_default(&rules, &err) != SIRT_OK ||
        (a->rules_path && sirt_rules_merge_file(rules, a->rules_path, &err) != SIRT_OK) ||
        sirt_store_rerun(s, (int64_t)id, cat, rules, &r, &err) != SIRT_OK)
        goto done;
    printf("Plan #%lld in %s re-run from its recorded inputs (%zu prior treatment(s) from the "
           "database, %zu override(s))\n",
           id, sirt_store_path(s), r->n_db_priors, r->n_overrides);
    const struct {
        const char *what, *old_v, *new_v;
        int differs;
    } ver[] = {{"software", r->recorded_software_version, r->software_version, r->software_differs},
               {"catalogue", r->recorded_catalogue_version, r->catalogue_version,
                r->catalogue_differs},
               {"rules", r->recorded_rules_version, r->rules_version, r->rules_differs}};
    for (size_t i = 0; i < sizeof ver / sizeof ver[0]; i++)
        if (ver[i].differs)
            printf("  %s version differs: recorded %s, now %s (an expected cause of differences)\n",
                   ver[i].what, ver[i].old_v[0] ? ver[i].old_v : "(none)", ver[i].new_v);
    if (r->identical) {
        printf("identical: %zu numbers compared (%zu values in all)\n", r->n_numbers, r->n_values);
    } else {
        printf("different: %zu of %zu values (%zu numbers compared)\n", r->n_differences,
               r->n_values, r->n_numbers);
        for (size_t i = 0; i < r->n_differences; i++)
            printf("  %s: recorded %s, now %s\n", r->differences[i].path,
                   r->differences[i].old_value, r->differences[i].new_value);
    }
    fflush(stdout);
    if (a->json_path) {
        cJSON *root = cJSON_CreateObject();
        cJSON_AddStringToObject(root, "database", sirt_store_path(s));
        cJSON_AddNumberToObject(root, "plan_id", (double)id);
        cJSON_AddBoolToObject(root, "identical", r->identical);
        cJSON_AddNumberToObject(root, "numbers_compared", (double)r->n_numbers);
        cJSON_AddNumberToObject(root, "values_compared", (double)r->n_values);
        cJSON_AddNumberToObject(root, "db_prior_treatments", (double)r->n_db_priors);
        cJSON_AddNumberToObject(root, "overrides", (double)r->n_overrides);
        cJSON *vs = cJSON_AddObjectToObject(root, "versions");
        for (size_t i = 0; i < sizeof ver / sizeof ver[0]; i++) {
            cJSON *v = cJSON_AddObjectToObject(vs, ver[i].what);
            if (ver[i].old_v[0])
                cJSON_AddStringToObject(v, "recorded", ver[i].old_v);
            else
                cJSON_AddNullToObject(v, "recorded");
            cJSON_AddStringToObject(v, "now", ver[i].new_v);
            cJSON_AddBoolToObject(v, "differs", ver[i].differs);
        }
        cJSON *d = cJSON_AddArrayToObject(root, "differences");
        for (size_t i = 0; i < r->n_differences; i++) {
            cJSON *o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "path", r->differences[i].path);
            cJSON_AddStringToObject(o, "recorded", r->differences[i].old_value);
            cJSON_AddStringToObject(o, "now", r->differences[i].new_value);
            cJSON_AddItemToArray(d, o);
        }
        sirt_status st = sirt_cli_write_json(a->json_path, root, &err);
        cJSON_Delete(root);
        if (st != SIRT_OK)
            goto done;
    }
    rc = r->identical ? SIRT_EXIT_OK : SIRT_EXIT_FAIL;
done:
    sirt_store_rerun_free(r);
    sirt_rules_free(rules);
    sirt_catalogue_free(cat);
    if (err.status != SIRT_OK)
        return sirt_cli_fail(&err);
    return rc;
}

static int run(const db_args *a, sirt_store *s)
{
    sirt_error err = {0};
    char *json = NULL;
    int rc = SIRT_EXIT_FAIL;
    const char *cmd = a->cmd;
    if (strcmp(cmd, "rerun") == 0)
        return rerun(a, s);
    if (strcmp(cmd, "init") == 0) {
        printf("Database %s: schema version %d\n", sirt_store_path(s), sirt_store_schema_version(s));
        cJSON *root = cJSON_CreateObject();
        cJSON_AddStringToObject(root, "database", sirt_store_path(s));
        cJSON_AddNumberToObject(root, "schema_version", sirt_store_schema_version(s));
        sirt_status st = a->json_path ? sirt_cli_write_json(a->json_path, root, &err) : SIRT_OK;
        cJSON_Delete(root);
        return st == SIRT_OK ? SIRT_EXIT_OK : sirt_cli_fail(&err);
    }
    if (strcmp(cmd, "patients") == 0) {
        if (sirt_store_patients_json(s, &json, &err) == SIRT_OK)
            rc = output(a, json, print_patients);
    } else if (strcmp(cmd, "show") == 0 || strcmp(cmd, "history") == 0) {
        if (sirt_store_history_json(s, a->arg, &json, &err) == SIRT_OK)
            rc = output(a, json, strcmp(cmd, "show") == 0 ? print_show_plans : print_history);
    } else if (strcmp(cmd, "verify") == 0) {
        sirt_store_verify_result v;
        if (sirt_store_verify(s, &v, &err) == SIRT_OK) {
            if (v.ok)
                printf("Database %s: audit trail intact (%zu audit rows, %zu records checked; chain "
                       "head %s)\n",
                       sirt_store_path(s), v.n_audit_rows, v.n_rows_checked, v.head_sha256);
            else
                fprintf(stderr, "sirt db verify: %s: %s\n", sirt_store_path(s), v.problem);
            cJSON *root = cJSON_CreateObject();
            cJSON_AddStringToObject(root, "database", sirt_store_path(s));
            cJSON_AddBoolToObject(root, "ok", v.ok);
            cJSON_AddNumberToObject(root, "audit_rows", (double)v.n_audit_rows);
            cJSON_AddNumberToObject(root, "records_checked", (double)v.n_rows_checked);
            if (v.ok) {
                cJSON_AddNullToObject(root, "table");
                cJSON_AddNullToObject(root, "row_id");
                cJSON_AddNullToObject(root, "problem");
                cJSON_AddStringToObject(root, "head_sha256", v.head_sha256);
            } else {
                cJSON_AddStringToObject(root, "table", v.table);
                cJSON_AddNumberToObject(root, "row_id", (double)v.row_id);
                cJSON_AddStringToObject(root, "problem", v.problem);
                cJSON_AddNullToObject(root, "head_sha256");
            }
            sirt_status st = a->json_path ? sirt_cli_write_json(a->json_path, root, &err) : SIRT_OK;
            cJSON_Delete(root);
            rc = st != SIRT_OK ? SIRT_EXIT_FAIL : v.ok ? SIRT_EXIT_OK : SIRT_EXIT_FAIL;
        }
    } else if (strcmp(cmd, "backup") == 0) {
        if (sirt_store_backup(s, a->arg, &err) == SIRT_OK) {
            printf("Database %s backed up to %s\n", sirt_store_path(s), a->arg);
            rc = SIRT_EXIT_OK;
        }
    } else if (strcmp(cmd, "export") == 0) {
        if (sirt_store_export_json(s, a->arg, &json, &err) == SIRT_OK) {
            if (a->json_path) {
                if (sirt_write_file_atomic(a->json_path, json, strlen(json), &err) == SIRT_OK)
                    rc = SIRT_EXIT_OK;
            } else {
                fputs(json, stdout);
                rc = SIRT_EXIT_OK;
            }
        }
    } else if (strcmp(cmd, "import") == 0) {
        char *text = NULL;
        size_t size = 0;
        int64_t pid = 0;
        if (sirt_read_file(a->arg, 512u * 1024u * 1024u, "record file", &text, &size, &err) ==
                SIRT_OK &&
            sirt_store_import_json(s, text, size, &pid, &err) == SIRT_OK) {
            printf("Imported %s into %s as patient row #%" PRId64 "\n", a->arg, sirt_store_path(s),
                   pid);
            rc = SIRT_EXIT_OK;
        } else if (err.status != SIRT_OK && !strstr(err.message, a->arg)) {
            /* Name the file in errors from the JSON layer. */
            sirt_error e2 = {0};
            sirt_error_set(&e2, err.status, err.field, "%s: %s", a->arg, err.message);
            err = e2;
        }
        free(text);
    }
    free(json);
    if (rc != SIRT_EXIT_OK && err.status != SIRT_OK)
        return sirt_cli_fail(&err);
    return rc;
}

int sirt_cmd_db(int argc, char **argv)
{
    db_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc != SIRT_EXIT_OK)
        return rc;
    sirt_error err = {0};
    char path[4096];
    if (!a.db_path) {
        if (sirt_store_default_path(path, sizeof path, &err) != SIRT_OK)
            return sirt_cli_fail(&err);
        a.db_path = path;
    }
    int create = strcmp(a.cmd, "init") == 0 || strcmp(a.cmd, "import") == 0;
    sirt_store *s = NULL;
    if (sirt_store_open(a.db_path, create ? SIRT_STORE_CREATE : 0, &s, &err) != SIRT_OK)
        return sirt_cli_fail(&err);
    if (a.operator_name && sirt_store_set_operator(s, a.operator_name, &err) != SIRT_OK) {
        sirt_store_close(s);
        return sirt_cli_fail(&err);
    }
    rc = run(&a, s);
    sirt_store_close(s);
    return rc;
}
