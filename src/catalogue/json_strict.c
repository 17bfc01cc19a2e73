/* Strict JSON reading for the data files (see json_strict.h). */
#include "catalogue/json_strict.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/numeric.h"
#include "sirt/fileio.h"
#include "sirt_config.h"

sirt_status sirt__jerr(const sirt_jctx *c, sirt_status status, const char *path,
                       const char *fmt, ...)
{
    char detail[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    return sirt_error_set(c->err, status, path, "%s: %s: %s", c->file, path, detail);
}

sirt_status sirt__json_load_file(const char *path, const char *what, cJSON **root,
                                 sirt_error *err)
{
    *root = NULL;
    char *data = NULL;
    size_t size = 0;
    sirt_status st = sirt_read_file(path, SIRT_DATA_FILE_MAX_BYTES, what, &data, &size, err);
    if (st != SIRT_OK)
        return st;
    const char *end = NULL;
    /* size + 1: cJSON wants the terminating NUL inside the length when it is required. */
    cJSON *doc = cJSON_ParseWithLengthOpts(data, size + 1, &end, 1);
    if (doc && end != data + size) { /* an embedded NUL ended the text early */
        cJSON_Delete(doc);
        doc = NULL;
    }
    if (!doc) {
        /* Report line and column of the parse failure (cJSON sets `end` there). */
        size_t line = 1, col = 1;
        if (end && end >= data && end <= data + size)
            for (const char *p = data; p < end; p++) {
                if (*p == '\n') {
                    line++;
                    col = 1;
                } else {
                    col++;
                }
            }
        free(data);
        return sirt_error_set(err, SIRT_EFORMAT, "$",
                              "%s: %s is not valid JSON (syntax error near line %zu, column %zu)",
                              path, what, line, col);
    }
    free(data);
    *root = doc;
    return SIRT_OK;
}

void sirt__jpath_key(char *buf, const char *path, const char *key)
{
    snprintf(buf, SIRT_JPATH_LEN, "%s.%s", path, key);
}

void sirt__jpath_index(char *buf, const char *path, size_t i)
{
    snprintf(buf, SIRT_JPATH_LEN, "%s[%zu]", path, i);
}

static const char *type_name(const cJSON *item)
{
    if (cJSON_IsObject(item))
        return "an object";
    if (cJSON_IsArray(item))
        return "an array";
    if (cJSON_IsString(item))
        return "a string";
    if (cJSON_IsNumber(item))
        return "a number";
    if (cJSON_IsBool(item))
        return "a boolean";
    if (cJSON_IsNull(item))
        return "null";
    return "an invalid value";
}

sirt_status sirt__json_check_object(const sirt_jctx *c, const cJSON *item, const char *path,
                                    const char *const *allowed)
{
    if (!cJSON_IsObject(item))
        return sirt__jerr(c, SIRT_EINVAL, path, "expected an object, found %s",
                          type_name(item));
    for (const cJSON *m = item->child; m; m = m->next) {
        char p[SIRT_JPATH_LEN];
        sirt__jpath_key(p, path, m->string ? m->string : "");
        int known = 0;
        for (size_t i = 0; allowed[i]; i++)
            if (m->string && strcmp(m->string, allowed[i]) == 0)
                known = 1;
        if (!known) {
            /* List the accepted keys so a typo is easy to fix. */
            char list[420] = "";
            size_t len = 0;
            for (size_t i = 0; allowed[i] && len < sizeof list; i++) {
                int n = snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "",
                                 allowed[i]);
                if (n < 0)
                    break;
                len += (size_t)n;
            }
            return sirt__jerr(c, SIRT_EINVAL, p, "unknown key \"%s\"; accepted keys: %s",
                              m->string ? m->string : "", list);
        }
        for (const cJSON *o = item->child; o != m; o = o->next)
            if (o->string && strcmp(o->string, m->string) == 0)
                return sirt__jerr(c, SIRT_EINVAL, p, "duplicate key \"%s\"", m->string);
    }
    return SIRT_OK;
}

/* The member `key`, or NULL; reports a missing required member. */
static sirt_status member(const sirt_jctx *c, const cJSON *obj, const char *path,
                          const char *key, int required, const cJSON **out, int *present)
{
    *out = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (present)
        *present = *out != NULL;
    if (!*out && required) {
        char p[SIRT_JPATH_LEN];
        sirt__jpath_key(p, path, key);
        return sirt__jerr(c, SIRT_EINVAL, p, "missing required key \"%s\"", key);
    }
    return SIRT_OK;
}

sirt_status sirt__json_string(const sirt_jctx *c, const cJSON *obj, const char *path,
                              const char *key, int required, char *buf, size_t size,
                              int *present)
{
    const cJSON *m;
    sirt_status st = member(c, obj, path, key, required, &m, present);
    if (st != SIRT_OK || !m)
        return st;
    char p[SIRT_JPATH_LEN];
    sirt__jpath_key(p, path, key);
    if (!cJSON_IsString(m) || !m->valuestring)
        return sirt__jerr(c, SIRT_EINVAL, p, "expected a string, found %s", type_name(m));
    size_t len = strlen(m->valuestring);
    if (len == 0)
        return sirt__jerr(c, SIRT_EINVAL, p, "empty string; a non-empty text is required");
    if (len >= size)
        return sirt__jerr(c, SIRT_ERANGE, p, "text of %zu bytes is too long; at most %zu bytes",
                          len, size - 1);
    memcpy(buf, m->valuestring, len + 1);
    return SIRT_OK;
}

static void format_range(char *buf, size_t size, sirt_jrange r, const char *unit)
{
    snprintf(buf, size, "%c%g, %g]%s%s", r.min_open ? '(' : '[', r.min, r.max,
             unit && unit[0] ? " " : "", unit ? unit : "");
}

/* Check a JSON number against a range; `p` is its full path. */
static sirt_status check_number(const sirt_jctx *c, const cJSON *m, const char *p,
                                sirt_jrange range, const char *unit, double *out)
{
    if (!cJSON_IsNumber(m))
        return sirt__jerr(c, SIRT_EINVAL, p, "expected a number, found %s", type_name(m));
    double v = m->valuedouble;
    char r[96];
    format_range(r, sizeof r, range, unit);
    if (!sirt_finite(v))
        return sirt__jerr(c, SIRT_ERANGE, p, "value is not a finite number; accepted range %s",
                          r);
    if (v > range.max || v < range.min || (range.min_open && v == range.min))
        return sirt__jerr(c, SIRT_ERANGE, p, "value %g%s%s is out of range; accepted range %s",
                          v, unit && unit[0] ? " " : "", unit ? unit : "", r);
    *out = v;
    return SIRT_OK;
}

sirt_status sirt__json_number(const sirt_jctx *c, const cJSON *obj, const char *path,
                              const char *key, int required, sirt_jrange range,
                              const char *unit, double *out, int *present)
{
    const cJSON *m;
    sirt_status st = member(c, obj, path, key, required, &m, present);
    if (st != SIRT_OK || !m)
        return st;
    char p[SIRT_JPATH_LEN];
    sirt__jpath_key(p, path, key);
    return check_number(c, m, p, range, unit, out);
}

sirt_status sirt__json_int(const sirt_jctx *c, const cJSON *obj, const char *path,
                           const char *key, int required, int min, int max, int *out,
                           int *present)
{
    double v = 0;
    int here = 0;
    sirt_jrange r = {(double)min, (double)max, 0};
    sirt_status st = sirt__json_number(c, obj, path, key, required, r, "", &v, &here);
    if (present)
        *present = here;
    if (st != SIRT_OK || !here)
        return st;
    if (v != floor(v)) {
        char p[SIRT_JPATH_LEN];
        sirt__jpath_key(p, path, key);
        return sirt__jerr(c, SIRT_EINVAL, p, "value %g is not a whole number; accepted %d..%d",
                          v, min, max);
    }
    *out = (int)v;
    return SIRT_OK;
}

sirt_status sirt__json_bool(const sirt_jctx *c, const cJSON *obj, const char *path,
                            const char *key, int required, int *out, int *present)
{
    const cJSON *m;
    sirt_status st = member(c, obj, path, key, required, &m, present);
    if (st != SIRT_OK || !m)
        return st;
    if (!cJSON_IsBool(m)) {
        char p[SIRT_JPATH_LEN];
        sirt__jpath_key(p, path, key);
        return sirt__jerr(c, SIRT_EINVAL, p, "expected true or false, found %s", type_name(m));
    }
    *out = cJSON_IsTrue(m) ? 1 : 0;
    return SIRT_OK;
}

sirt_status sirt__json_quantity(const sirt_jctx *c, const cJSON *obj, const char *path,
                                const char *key, int required, sirt_jrange range,
                                const char *unit, sirt_quantity *out)
{
    static const char *const keys[] = {"value", "unit", "source", "note", NULL};
    out->value = NAN;
    out->source[0] = '\0';
    const cJSON *m;
    sirt_status st = member(c, obj, path, key, required, &m, NULL);
    if (st != SIRT_OK || !m)
        return st;
    char p[SIRT_JPATH_LEN];
    sirt__jpath_key(p, path, key);
    st = sirt__json_check_object(c, m, p, keys);
    if (st != SIRT_OK)
        return st;
    char u[32];
    st = sirt__json_string(c, m, p, "unit", 1, u, sizeof u, NULL);
    if (st != SIRT_OK)
        return st;
    if (strcmp(u, unit) != 0) {
        char pu[SIRT_JPATH_LEN];
        sirt__jpath_key(pu, p, "unit");
        return sirt__jerr(c, SIRT_EINVAL, pu, "unit \"%s\" is not the expected unit \"%s\"", u,
                          unit);
    }
    double v = NAN;
    st = sirt__json_number(c, m, p, "value", 1, range, unit, &v, NULL);
    if (st != SIRT_OK)
        return st;
    char note[SIRT_SOURCE_LEN];
    st = sirt__json_string(c, m, p, "note", 0, note, sizeof note, NULL);
    if (st != SIRT_OK)
        return st;
    st = sirt__json_string(c, m, p, "source", 1, out->source, sizeof out->source, NULL);
    if (st != SIRT_OK)
        return st;
    out->value = v;
    return SIRT_OK;
}

sirt_status sirt__json_enum(const sirt_jctx *c, const cJSON *obj, const char *path,
                            const char *key, int required, const char *const *names,
                            int *index_out, int *present)
{
    char v[64];
    int here = 0;
    sirt_status st = sirt__json_string(c, obj, path, key, required, v, sizeof v, &here);
    if (present)
        *present = here;
    if (st != SIRT_OK || !here)
        return st;
    for (int i = 0; names[i]; i++)
        if (strcmp(v, names[i]) == 0) {
            *index_out = i;
            return SIRT_OK;
        }
    char list[256] = "";
    size_t len = 0;
    for (size_t i = 0; names[i] && len < sizeof list; i++) {
        int n = snprintf(list + len, sizeof list - len, "%s\"%s\"", i ? ", " : "", names[i]);
        if (n < 0)
            break;
        len += (size_t)n;
    }
    char p[SIRT_JPATH_LEN];
    sirt__jpath_key(p, path, key);
    return sirt__jerr(c, SIRT_EINVAL, p, "\"%s\" is not one of %s", v, list);
}

int sirt__strcaseeq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return 0;
    return *a == *b;
}

/* Element names accepted in nuclide spellings ("yttrium-90"); symbols always work. */
static const struct {
    const char *name, *symbol;
} elements[] = {
    {"phosphorus", "p"}, {"copper", "cu"},     {"gallium", "ga"},   {"strontium", "sr"},
    {"yttrium", "y"},    {"zirconium", "zr"},  {"technetium", "tc"}, {"indium", "in"},
    {"iodine", "i"},     {"samarium", "sm"},   {"holmium", "ho"},   {"erbium", "er"},
    {"terbium", "tb"},   {"lutetium", "lu"},   {"rhenium", "re"},   {"lead", "pb"},
    {"bismuth", "bi"},   {"astatine", "at"},   {"radium", "ra"},    {"actinium", "ac"},
    {"thorium", "th"},   {"fluorine", "f"},
};

/* Letters to a lower-case symbol: 1-2 letters are taken as a symbol, longer ones
 * must be a known element name. */
static int to_symbol(const char *letters, char sym[3])
{
    size_t n = strlen(letters);
    if (n == 1 || n == 2) {
        memcpy(sym, letters, n + 1);
        return 1;
    }
    for (size_t i = 0; i < sizeof elements / sizeof elements[0]; i++)
        if (strcmp(letters, elements[i].name) == 0) {
            snprintf(sym, 3, "%s", elements[i].symbol);
            return 1;
        }
    return 0;
}

int sirt__nuclide_canonical(const char *text, char *out, size_t size)
{
    /* Squeeze out separators and lower-case: "Y-90" -> "y90", "99m Tc" -> "99mtc". */
    char s[48];
    size_t n = 0;
    for (const char *p = text; *p; p++) {
        if (*p == '-' || *p == ' ' || *p == '_')
            continue;
        if (!isalnum((unsigned char)*p) || n + 1 >= sizeof s)
            return 0;
        s[n++] = (char)tolower((unsigned char)*p);
    }
    s[n] = '\0';
    if (n < 2)
        return 0;
    char letters[40] = "", sym[3];
    int mass = 0, meta = 0;
    size_t i = 0;
    if (isdigit((unsigned char)s[0])) { /* "90y", "99mtc", "166ho" */
        while (isdigit((unsigned char)s[i]) && mass < 1000)
            mass = mass * 10 + (s[i++] - '0');
        size_t rest = n - i;
        /* "99mtc": a leading m before 2+ letters marks the isomer ("99mo" stays Mo-99). */
        if (rest >= 3 && s[i] == 'm' && !to_symbol(s + i, sym)) {
            meta = 1;
            i++;
        }
        size_t k = 0;
        while (s[i] && isalpha((unsigned char)s[i]) && k + 1 < sizeof letters)
            letters[k++] = s[i++];
        letters[k] = '\0';
        if (s[i] != '\0')
            return 0;
    } else { /* "y90", "tc99m", "yttrium90" */
        size_t k = 0;
        while (isalpha((unsigned char)s[i]) && k + 1 < sizeof letters)
            letters[k++] = s[i++];
        letters[k] = '\0';
        if (!isdigit((unsigned char)s[i]))
            return 0;
        while (isdigit((unsigned char)s[i]) && mass < 1000)
            mass = mass * 10 + (s[i++] - '0');
        if (s[i] == 'm') {
            meta = 1;
            i++;
        }
        if (s[i] != '\0')
            return 0;
    }
    if (mass < 1 || mass > 300 || !to_symbol(letters, sym))
        return 0;
    int w = snprintf(out, size, "%c%s-%d%s", toupper((unsigned char)sym[0]), sym + 1, mass,
                     meta ? "m" : "");
    return w > 0 && (size_t)w < size;
}

sirt_status sirt__data_file_path(const char *name, char *buf, size_t size, sirt_error *err)
{
    const char *env = getenv("SIRT_DATA_DIR");
    const char *dir;
    if (env && env[0]) {
        dir = env;
    } else {
        dir = SIRT_DATA_BUILD_DIR;
        char probe[4096];
        int n = snprintf(probe, sizeof probe, "%s/%s", dir, name);
        FILE *fp = n > 0 && (size_t)n < sizeof probe ? fopen(probe, "rb") : NULL;
        if (fp)
            fclose(fp);
        else
            dir = SIRT_DATA_INSTALL_DIR;
    }
    int n = snprintf(buf, size, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= size)
        return sirt_error_set(err, SIRT_ERANGE, "SIRT_DATA_DIR",
                              "data file path \"%s/%s\" is longer than %zu bytes", dir, name,
                              size - 1);
    return SIRT_OK;
}
