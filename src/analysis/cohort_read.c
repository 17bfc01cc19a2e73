/* Reading cohort files: JSON "sirtkit-cohort/1" through the strict layer, or CSV with a
 * header (format in docs/cohort.md). */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/json_strict.h"
#include "sirt/cohort.h"
#include "sirt/fileio.h"

/* 64 MiB holds 10^5 records with room to spare; deeper than 6 levels is never valid. */
#define COHORT_MAX_BYTES (64u << 20)
#define COHORT_MAX_DEPTH 6
/* Upper bound of a dose metric: far above any SIRT lesion dose (glass tumour doses
 * reach ~1000 Gy, domain.md §3.8); a larger value is a unit error (cGy, mGy). */
#define COHORT_MAX_DOSE_GY 1.0e4

static const char *const response_classes[] = {"CR", "PR", "SD", "PD", NULL};

void sirt_cohort_free(sirt_cohort *c)
{
    if (!c)
        return;
    free(c->records);
    free(c);
}

/* The metric names a dose in Gy: letters, digits and '_', ending in "_gy". */
static int metric_name_ok(const char *m)
{
    size_t n = strlen(m);
    if (n < 4 || n >= SIRT_COHORT_ID_LEN || strcmp(m + n - 3, "_gy") != 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((m[i] >= 'a' && m[i] <= 'z') || (m[i] >= '0' && m[i] <= '9') || m[i] == '_'))
            return 0;
    return 1;
}

/* Patients and clustering, and duplicate (patient_id, lesion_id) pairs. O(n²) in the
 * worst case would be 10^10 for 10^5 records, so compare over a sorted index. */
typedef struct key_ref {
    const sirt_cohort_record *r;
} key_ref;

static int cmp_key(const void *a, const void *b)
{
    const sirt_cohort_record *x = ((const key_ref *)a)->r, *y = ((const key_ref *)b)->r;
    int d = strcmp(x->patient_id, y->patient_id);
    if (d)
        return d;
    d = strcmp(x->lesion_id, y->lesion_id);
    if (d)
        return d;
    return x < y ? -1 : x > y;
}

static sirt_status finish_cohort(sirt_cohort *c, const char *name, sirt_error *err)
{
    if (c->n == 0)
        return sirt_error_set(err, SIRT_EINVAL, "records", "%s%sthe cohort has no records",
                              name ? name : "", name ? ": " : "");
    key_ref *k = malloc(c->n * sizeof *k);
    if (!k)
        return sirt_error_set(err, SIRT_ENOMEM, "records", "out of memory");
    for (size_t i = 0; i < c->n; i++)
        k[i].r = &c->records[i];
    qsort(k, c->n, sizeof *k, cmp_key);
    c->n_patients = 0;
    c->clustered = 0;
    for (size_t i = 0; i < c->n; i++) {
        const sirt_cohort_record *r = k[i].r;
        if (i > 0 && strcmp(r->patient_id, k[i - 1].r->patient_id) == 0) {
            c->clustered = 1;
            if (strcmp(r->lesion_id, k[i - 1].r->lesion_id) == 0) {
                const sirt_cohort_record *a = k[i - 1].r;
                const sirt_cohort_record *b = a < r ? a : r; /* the earlier one */
                const sirt_cohort_record *d = a < r ? r : a;
                sirt_status st = sirt_error_set(
                    err, SIRT_EINVAL, d->where,
                    "%s%s%s: duplicate record: patient_id \"%s\"%s%s%s is also at %s; "
                    "give each lesion its own lesion_id (one record per lesion, or one per "
                    "patient without lesion_id)",
                    name ? name : "", name ? ": " : "", d->where, r->patient_id,
                    r->lesion_id[0] ? ", lesion_id \"" : " (no lesion_id)", r->lesion_id,
                    r->lesion_id[0] ? "\"" : "", b->where);
                free(k);
                return st;
            }
        } else {
            c->n_patients++;
        }
    }
    free(k);
    return SIRT_OK;
}

/* ---- JSON ---------------------------------------------------------------------------- */

static sirt_status json_record(const sirt_json_ctx *jc, const cJSON *item, const char *path,
                               const char *metric, sirt_cohort_outcome outcome,
                               const int *responder, sirt_cohort_record *r)
{
    const char *keys[] = {"patient_id", "lesion_id", metric, "response", "responder",
                          "toxicity", "note", NULL};
    char p[SIRT_JSON_PATH_LEN];
    TRY(sirt__json_check_object(jc, item, path, "a record", keys));
    TRY(sirt__json_string(jc, item, path, "patient_id", "each record names its patient",
                          r->patient_id, sizeof r->patient_id));
    TRY(sirt__json_string(jc, item, path, "lesion_id", SIRT_JSON_OPTIONAL, r->lesion_id,
                          sizeof r->lesion_id));
    const sirt_json_range range = {0.0, COHORT_MAX_DOSE_GY, 0, 0, "Gy",
                                   "a dose in Gy (not cGy or mGy)"};
    TRY(sirt__json_number(jc, item, path, metric, &range, "the dose metric of the record",
                          &r->dose_gy));
    TRY(sirt__json_string(jc, item, path, "note", SIRT_JSON_OPTIONAL, NULL, 1024));
    const int has_class = sirt__json_get(jc, item, "response") != NULL;
    const int has_resp = sirt__json_get(jc, item, "responder") != NULL;
    const int has_tox = sirt__json_get(jc, item, "toxicity") != NULL;
    if (outcome == SIRT_COHORT_TOXICITY) {
        if (has_class || has_resp) {
            sirt__json_path_key(p, path, has_class ? "response" : "responder");
            return sirt__json_error(jc, SIRT_EINVAL, p,
                                    "the cohort's outcome is \"toxicity\"; give \"toxicity\": "
                                    "true|false in each record, not a response");
        }
        if (!has_tox) {
            sirt__json_path_key(p, path, "toxicity");
            return sirt__json_missing(jc, p, "the cohort's outcome is \"toxicity\"");
        }
        TRY(sirt__json_bool(jc, item, path, "toxicity", &r->event));
        return SIRT_OK;
    }
    if (has_tox) {
        sirt__json_path_key(p, path, "toxicity");
        return sirt__json_error(jc, SIRT_EINVAL, p,
                                "the cohort's outcome is \"response\"; give \"response\" "
                                "(CR|PR|SD|PD) or \"responder\": true|false, not toxicity");
    }
    if (has_class == has_resp) {
        sirt__json_path_key(p, path, has_class ? "responder" : "response");
        return sirt__json_error(jc, SIRT_EINVAL, p,
                                "%s: give exactly one of \"response\" (CR|PR|SD|PD) and "
                                "\"responder\" (true|false)",
                                has_class ? "both given" : "neither given");
    }
    if (has_resp)
        return sirt__json_bool(jc, item, path, "responder", &r->event);
    int k = 0;
    TRY(sirt__json_enum(jc, item, path, "response", response_classes, NULL, SIRT_JSON_REQUIRED,
                        &k));
    snprintf(r->response_class, sizeof r->response_class, "%s", response_classes[k]);
    r->event = responder[k];
    return SIRT_OK;
}

static sirt_status json_root(const sirt_json_ctx *jc, const cJSON *root, sirt_cohort *c)
{
    static const char *const keys[] = {"format", "description", "metric", "outcome",
                                       "responder_classes", "records", NULL};
    static const char *const outcomes[] = {"response", "toxicity", NULL};
    char format[64], p[SIRT_JSON_PATH_LEN];
    TRY(sirt__json_check_object(jc, root, "$", "a cohort file is one JSON object", keys));
    TRY(sirt__json_string(jc, root, "$", "format", SIRT_JSON_REQUIRED, format, sizeof format));
    if (strcmp(format, SIRT_COHORT_FORMAT) != 0)
        return sirt__json_error(jc, SIRT_EFORMAT, "$.format",
                                "= \"%s\" is not a cohort format this version reads (\"%s\")",
                                format, SIRT_COHORT_FORMAT);
    TRY(sirt__json_string(jc, root, "$", "description", SIRT_JSON_OPTIONAL, NULL, 4096));
    snprintf(c->metric, sizeof c->metric, "dose_gy");
    TRY(sirt__json_string(jc, root, "$", "metric", SIRT_JSON_OPTIONAL, c->metric,
                          sizeof c->metric));
    if (!metric_name_ok(c->metric))
        return sirt__json_error(jc, SIRT_EINVAL, "$.metric",
                                "= \"%s\" is not a dose metric name: lower-case letters, digits "
                                "and '_', ending in \"_gy\" (e.g. \"mean_dose_gy\", \"bed_gy\", "
                                "\"d70_gy\"); only metrics in Gy are supported",
                                c->metric);
    int outcome = 0;
    TRY(sirt__json_enum(jc, root, "$", "outcome", outcomes, NULL, SIRT_JSON_REQUIRED, &outcome));
    c->outcome = (sirt_cohort_outcome)outcome;
    /* Responders are CR and PR unless the file says otherwise (mRECIST objective
     * response, as in Dewaraja 2020 and domain.md §5.6). */
    int responder[4] = {1, 1, 0, 0};
    const cJSON *classes = NULL;
    TRY(sirt__json_array(jc, root, "$", "responder_classes", "response classes", 4,
                         SIRT_JSON_OPTIONAL, &classes, p));
    if (classes) {
        if (c->outcome != SIRT_COHORT_RESPONSE)
            return sirt__json_error(jc, SIRT_EINVAL, p,
                                    "responder_classes only applies to \"outcome\": \"response\"");
        if (cJSON_GetArraySize(classes) == 0)
            return sirt__json_error(jc, SIRT_EINVAL, p,
                                    "is empty; name the classes counted as response, e.g. "
                                    "[\"CR\", \"PR\"]");
        memset(responder, 0, sizeof responder);
        size_t i = 0;
        for (const cJSON *it = classes->child; it; it = it->next, i++) {
            char q[SIRT_JSON_PATH_LEN];
            sirt__json_path_index(q, p, i);
            int k = -1;
            for (int j = 0; it && cJSON_IsString(it) && response_classes[j]; j++)
                if (strcmp(it->valuestring, response_classes[j]) == 0)
                    k = j;
            if (k < 0)
                return sirt__json_error(jc, SIRT_EINVAL, q,
                                        "is not one of the response classes \"CR\", \"PR\", "
                                        "\"SD\", \"PD\"");
            if (responder[k])
                return sirt__json_error(jc, SIRT_EINVAL, q, "\"%s\" is given twice",
                                        response_classes[k]);
            responder[k] = 1;
        }
        if (responder[0] && responder[1] && responder[2] && responder[3])
            return sirt__json_error(jc, SIRT_EINVAL, p,
                                    "counts every class as response; nothing is left to "
                                    "compare");
    }
    const cJSON *arr = NULL;
    TRY(sirt__json_array(jc, root, "$", "records", "record objects", SIRT_COHORT_MAX_RECORDS,
                         SIRT_JSON_REQUIRED, &arr, p));
    size_t n = (size_t)cJSON_GetArraySize(arr);
    if (n == 0)
        return sirt__json_error(jc, SIRT_EINVAL, p, "is empty; the cohort needs records");
    if (!(c->records = calloc(n, sizeof *c->records)))
        return sirt__json_error(jc, SIRT_ENOMEM, p, "out of memory");
    size_t i = 0;
    for (const cJSON *it = arr->child; it; it = it->next, i++) {
        sirt_cohort_record *r = &c->records[i];
        sirt__json_path_index(r->where, "$.records", i);
        TRY(json_record(jc, it, r->where, c->metric, c->outcome, responder, r));
        c->n = i + 1;
    }
    return SIRT_OK;
}

static sirt_status parse_json(const char *text, size_t size, const char *name, sirt_cohort *c,
                              sirt_error *err)
{
    sirt_json_ctx jc = {err, name, 1, 0};
    cJSON *root = NULL;
    TRY(sirt__json_parse(&jc, text, size, COHORT_MAX_BYTES, COHORT_MAX_DEPTH, "the cohort file",
                         &root));
    sirt_status st = json_root(&jc, root, c);
    cJSON_Delete(root);
    return st;
}

/* ---- CSV ----------------------------------------------------------------------------- */

enum { COL_PATIENT, COL_LESION, COL_DOSE, COL_OUTCOME, COL_N };

typedef struct csv_ctx {
    const char *name;
    sirt_error *err;
    size_t line;
} csv_ctx;

static sirt_status csv_error(const csv_ctx *x, sirt_status st, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static sirt_status csv_error(const csv_ctx *x, sirt_status st, const char *fmt, ...)
{
    char msg[512], field[40];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(field, sizeof field, "line %zu", x->line);
    return sirt_error_set(x->err, st, field, "%s%sline %zu: %s", x->name ? x->name : "",
                          x->name ? ": " : "", x->line, msg);
}

/* Split one line (no newline) at commas into at most `max` trimmed fields; returns the
 * number of fields, or -1 when there are more. Modifies the line. */
static int split_fields(char *s, char **f, int max)
{
    int n = 0;
    for (;;) {
        while (*s == ' ' || *s == '\t')
            s++;
        if (n == max)
            return -1;
        f[n++] = s;
        char *comma = strchr(s, ',');
        char *end = comma ? comma : s + strlen(s);
        while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
            end--;
        if (!comma) {
            *end = '\0';
            return n;
        }
        *end = '\0';
        s = comma + 1;
    }
}

static sirt_status csv_header(const csv_ctx *x, char **f, int nf, int *col, sirt_cohort *c)
{
    for (int k = 0; k < COL_N; k++)
        col[k] = -1;
    for (int i = 0; i < nf; i++) {
        int k = -1;
        if (strcmp(f[i], "patient_id") == 0)
            k = COL_PATIENT;
        else if (strcmp(f[i], "lesion_id") == 0)
            k = COL_LESION;
        else if (strcmp(f[i], "outcome") == 0 || strcmp(f[i], "response") == 0 ||
                 strcmp(f[i], "responder") == 0 || strcmp(f[i], "toxicity") == 0)
            k = COL_OUTCOME;
        else if (metric_name_ok(f[i]))
            k = COL_DOSE;
        if (k < 0)
            return csv_error(x, SIRT_EINVAL,
                             "header column %d \"%.40s\" is not one of patient_id, lesion_id, a "
                             "dose metric in Gy named with the suffix _gy (e.g. dose_gy), "
                             "outcome|response|responder|toxicity",
                             i + 1, f[i]);
        if (col[k] >= 0)
            return csv_error(x, SIRT_EINVAL,
                             "header columns %d and %d are both %s; give one of each", col[k] + 1,
                             i + 1, k == COL_DOSE ? "dose metrics" : k == COL_OUTCOME ? "outcomes" : f[i]);
        col[k] = i;
        if (k == COL_DOSE)
            snprintf(c->metric, sizeof c->metric, "%s", f[i]);
        if (k == COL_OUTCOME)
            c->outcome = strcmp(f[i], "toxicity") == 0 ? SIRT_COHORT_TOXICITY : SIRT_COHORT_RESPONSE;
    }
    if (col[COL_PATIENT] < 0 || col[COL_DOSE] < 0 || col[COL_OUTCOME] < 0)
        return csv_error(x, SIRT_EINVAL,
                         "the header must name patient_id, a dose metric ending in _gy (e.g. "
                         "dose_gy) and the outcome (outcome, response, responder or toxicity); "
                         "missing: %s",
                         col[COL_PATIENT] < 0 ? "patient_id"
                         : col[COL_DOSE] < 0  ? "the dose metric"
                                              : "the outcome");
    return SIRT_OK;
}

static sirt_status csv_id(const csv_ctx *x, const char *v, const char *what, char *out)
{
    size_t n = strlen(v);
    if (n >= SIRT_COHORT_ID_LEN)
        return csv_error(x, SIRT_ERANGE, "%s is %zu characters long; at most %d are accepted",
                         what, n, SIRT_COHORT_ID_LEN - 1);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)v[i] < 0x20 || v[i] == '"' || v[i] == 0x7F)
            return csv_error(x, SIRT_EINVAL,
                             "%s contains a quote or control character (quoted CSV fields are "
                             "not supported)",
                             what);
    memcpy(out, v, n + 1);
    return SIRT_OK;
}

static sirt_status csv_outcome(const csv_ctx *x, const char *v, const char *colname,
                               sirt_cohort_outcome outcome, sirt_cohort_record *r)
{
    static const char *const yes[] = {"1", "true", "yes", NULL};
    static const char *const no[] = {"0", "false", "no", NULL};
    for (int i = 0; yes[i]; i++)
        if (strcmp(v, yes[i]) == 0) {
            r->event = 1;
            return SIRT_OK;
        }
    for (int i = 0; no[i]; i++)
        if (strcmp(v, no[i]) == 0) {
            r->event = 0;
            return SIRT_OK;
        }
    if (outcome == SIRT_COHORT_RESPONSE && strcmp(colname, "responder") != 0)
        for (int i = 0; response_classes[i]; i++)
            if (strcmp(v, response_classes[i]) == 0) {
                snprintf(r->response_class, sizeof r->response_class, "%s", v);
                r->event = i < 2; /* CR and PR respond (mRECIST objective response) */
                return SIRT_OK;
            }
    return csv_error(x, SIRT_EINVAL, "%s \"%.20s\" is not %s", colname, v,
                     outcome == SIRT_COHORT_RESPONSE && strcmp(colname, "responder") != 0
                         ? "a response class (CR, PR, SD, PD) nor 1/0, true/false, yes/no"
                         : "1/0, true/false or yes/no");
}

static sirt_status parse_csv(char *text, const char *name, sirt_cohort *c, sirt_error *err)
{
    csv_ctx x = {name, err, 0};
    int col[COL_N] = {-1, -1, -1, -1}, ncol = 0;
    char *header_names[8] = {0};
    char *f[8];
    size_t cap = 0;
    for (char *s = text; s && *s;) {
        char *nl = strchr(s, '\n');
        if (nl)
            *nl = '\0';
        x.line++;
        size_t len = strlen(s);
        if (len && s[len - 1] == '\r')
            s[--len] = '\0';
        char *line = s;
        s = nl ? nl + 1 : NULL;
        const char *t = line;
        while (*t == ' ' || *t == '\t')
            t++;
        if (*t == '\0' || *t == '#')
            continue; /* blank lines and comments */
        int nf = split_fields(line, f, 8);
        if (nf < 0)
            return csv_error(&x, SIRT_EINVAL, "more than 8 columns");
        if (ncol == 0) {
            TRY(csv_header(&x, f, nf, col, c));
            ncol = nf;
            memcpy(header_names, f, sizeof(char *) * (size_t)nf);
            continue;
        }
        if (nf != ncol)
            return csv_error(&x, SIRT_EINVAL, "%d columns, but the header has %d", nf, ncol);
        if (c->n == SIRT_COHORT_MAX_RECORDS)
            return csv_error(&x, SIRT_ERANGE, "more than %d records", SIRT_COHORT_MAX_RECORDS);
        if (c->n == cap) {
            size_t ncap = cap ? 2 * cap : 64;
            sirt_cohort_record *nr = realloc(c->records, ncap * sizeof *nr);
            if (!nr)
                return csv_error(&x, SIRT_ENOMEM, "out of memory");
            c->records = nr;
            cap = ncap;
        }
        sirt_cohort_record *r = &c->records[c->n];
        memset(r, 0, sizeof *r);
        snprintf(r->where, sizeof r->where, "line %zu", x.line);
        if (!f[col[COL_PATIENT]][0])
            return csv_error(&x, SIRT_EINVAL, "patient_id is empty");
        TRY(csv_id(&x, f[col[COL_PATIENT]], "patient_id", r->patient_id));
        if (col[COL_LESION] >= 0)
            TRY(csv_id(&x, f[col[COL_LESION]], "lesion_id", r->lesion_id));
        const char *dv = f[col[COL_DOSE]];
        char *end = NULL;
        errno = 0;
        double d = strtod(dv, &end);
        if (!dv[0] || end == dv || *end != '\0' || errno == ERANGE)
            return csv_error(&x, SIRT_EINVAL, "%s \"%.30s\" is not a number (a dose in Gy)",
                             c->metric, dv);
        if (!isfinite(d))
            return csv_error(&x, SIRT_EINVAL, "%s \"%.30s\" is not a finite number (a dose in Gy)",
                             c->metric, dv);
        if (d < 0.0 || d > COHORT_MAX_DOSE_GY)
            return csv_error(&x, SIRT_ERANGE,
                             "%s = %.30s Gy is out of range (accepted [0, %g] Gy)",
                             c->metric, dv, COHORT_MAX_DOSE_GY);
        r->dose_gy = d;
        TRY(csv_outcome(&x, f[col[COL_OUTCOME]], header_names[col[COL_OUTCOME]], c->outcome, r));
        c->n++;
    }
    if (ncol == 0)
        return sirt_error_set(err, SIRT_EINVAL, "header", "%s%sno header line (e.g. "
                              "\"patient_id,lesion_id,dose_gy,outcome\")",
                              name ? name : "", name ? ": " : "");
    return SIRT_OK;
}

sirt_status sirt_cohort_parse(const char *text, size_t size, const char *name, sirt_cohort **out,
                              sirt_error *err)
{
    if (!out)
        return sirt_error_set(err, SIRT_EINVAL, "out", "sirt_cohort_parse: out is NULL");
    *out = NULL;
    if (!text)
        return sirt_error_set(err, SIRT_EINVAL, "text", "sirt_cohort_parse: text is NULL");
    size_t bom = size >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0, i = bom;
    while (i < size && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n'))
        i++;
    sirt_cohort *c = calloc(1, sizeof *c);
    if (!c)
        return sirt_error_set(err, SIRT_ENOMEM, "$", "out of memory");
    sirt_status st;
    if (i < size && text[i] == '{') {
        st = parse_json(text, size, name, c, err);
    } else {
        if (memchr(text, '\0', size))
            st = sirt_error_set(err, SIRT_EFORMAT, "$",
                                "%s%sthe CSV file contains a NUL byte (a binary file?)",
                                name ? name : "", name ? ": " : "");
        else {
            char *copy = malloc(size + 1);
            if (!copy) {
                st = sirt_error_set(err, SIRT_ENOMEM, "$", "out of memory");
            } else {
                memcpy(copy, text + bom, size - bom);
                copy[size - bom] = '\0';
                snprintf(c->metric, sizeof c->metric, "dose_gy");
                st = parse_csv(copy, name, c, err);
                free(copy);
            }
        }
    }
    if (st == SIRT_OK)
        st = finish_cohort(c, name, err);
    if (st != SIRT_OK) {
        sirt_cohort_free(c);
        return st;
    }
    *out = c;
    return SIRT_OK;
}

sirt_status sirt_cohort_read(const char *path, sirt_cohort **out, sirt_error *err)
{
    if (out)
        *out = NULL;
    char *text = NULL;
    size_t size = 0;
    TRY(sirt_read_file(path, COHORT_MAX_BYTES, "cohort file", &text, &size, err));
    sirt_status st = sirt_cohort_parse(text, size, path, out, err);
    free(text);
    return st;
}
