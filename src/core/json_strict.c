/* Strict JSON reading (see json_strict.h). */
#include "core/json_strict.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/numeric.h"

/* ---- Text helpers ------------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence starting at s (at most n bytes), 0 if invalid.
 * Overlong forms, surrogates and code points above U+10FFFF are invalid (RFC 3629). */
static size_t utf8_seq_len(const unsigned char *s, size_t n)
{
    if (s[0] < 0x80)
        return 1;
    size_t len;
    uint32_t cp;
    if ((s[0] & 0xE0) == 0xC0) {
        len = 2;
        cp = s[0] & 0x1F;
    } else if ((s[0] & 0xF0) == 0xE0) {
        len = 3;
        cp = s[0] & 0x0F;
    } else if ((s[0] & 0xF8) == 0xF0) {
        len = 4;
        cp = s[0] & 0x07;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    static const uint32_t min_cp[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min_cp[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

/* Copy text for a message: control characters and invalid UTF-8 become '?', and the
 * copy is cut (at a character boundary, with "...") to fit `size`. */
static void sanitize(const char *text, char *buf, size_t size, size_t max_chars)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t n = strlen(text), o = 0, chars = 0;
    for (size_t i = 0; i < n;) {
        size_t len = utf8_seq_len(s + i, n - i);
        if (chars == max_chars || o + (len ? len : 1) + 4 > size) {
            if (o + 4 <= size) {
                memcpy(buf + o, "...", 3);
                o += 3;
            }
            break;
        }
        if (len == 0 || (len == 1 && (s[i] < 0x20 || s[i] == 0x7F))) {
            buf[o++] = '?';
            i += len ? len : 1;
        } else {
            memcpy(buf + o, s + i, len);
            o += len;
            i += len;
        }
        chars++;
    }
    buf[o] = '\0';
}

static void describe_item(const cJSON *it, char *buf, size_t size)
{
    if (cJSON_IsString(it)) {
        char clean[64];
        sanitize(it->valuestring ? it->valuestring : "", clean, sizeof clean, 40);
        snprintf(buf, size, "a string \"%s\"", clean);
    } else if (cJSON_IsNumber(it)) {
        snprintf(buf, size, "a number (%.10g)", it->valuedouble);
    } else {
        snprintf(buf, size, "%s",
                 cJSON_IsTrue(it)     ? "true"
                 : cJSON_IsFalse(it)  ? "false"
                 : cJSON_IsNull(it)   ? "null"
                 : cJSON_IsArray(it)  ? "an array"
                 : cJSON_IsObject(it) ? "an object"
                                      : "an invalid value");
    }
}

/* Levenshtein distance, for "did you mean" (keys are short; longer ones give up). */
static size_t edit_distance(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    if (na > 63 || nb > 63)
        return SIZE_MAX;
    size_t prev[64], cur[64];
    for (size_t j = 0; j <= nb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= na; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= nb; j++) {
            size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
            size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
            cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
        }
        memcpy(prev, cur, (nb + 1) * sizeof prev[0]);
    }
    return prev[nb];
}

/* The closest of `names` to `word`, or NULL if none is close (≤ 2 edits, or a third
 * of the word for long words). */
static const char *nearest(const char *word, const char *const *names)
{
    size_t best = SIZE_MAX, limit = strlen(word) / 3;
    const char *best_name = NULL;
    if (limit < 2)
        limit = 2;
    for (size_t i = 0; names[i]; i++) {
        size_t d = edit_distance(word, names[i]);
        if (d < best) {
            best = d;
            best_name = names[i];
        }
    }
    return best <= limit ? best_name : NULL;
}

/* "a, b, c", or "\"a\", \"b\"" when quoted. */
static void join_names(const char *const *names, int quoted, char *buf, size_t size)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; names[i] && o < size; i++) {
        int w = snprintf(buf + o, size - o, quoted ? "%s\"%s\"" : "%s%s", i ? ", " : "", names[i]);
        if (w < 0)
            break;
        o += (size_t)w;
    }
}

/* ---- Errors and paths --------------------------------------------------------------- */

sirt_status sirt__json_error(const sirt_json_ctx *c, sirt_status status, const char *path,
                             const char *fmt, ...)
{
    char detail[sizeof(((sirt_error *)0)->message)];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    const char *sep = !path ? "" : strncmp(detail, "= ", 2) == 0 ? " " : ": ";
    return sirt_error_set(c->err, status, path ? path : "$", "%s%s%s%s%s", c->file ? c->file : "",
                          c->file ? ": " : "", path ? path : "", sep, detail);
}

/* `extra` (or NULL) is put in parentheses after the reason: the accepted values. */
static sirt_status missing(const sirt_json_ctx *c, const char *path, const char *why,
                           const char *extra)
{
    const char *dot = strrchr(path, '.');
    return sirt__json_error(c, SIRT_EINVAL, path, "missing required key \"%s\"%s%s%s%s%s",
                            dot ? dot + 1 : path, why[0] ? "; " : "", why, extra ? " (" : "",
                            extra ? extra : "", extra ? ")" : "");
}

sirt_status sirt__json_missing(const sirt_json_ctx *c, const char *path, const char *why)
{
    return missing(c, path, why, NULL);
}

void sirt__json_path_key(char *buf, const char *parent, const char *key)
{
    char clean[SIRT_JSON_PATH_LEN];
    sanitize(key, clean, sizeof clean, 48);
    if (snprintf(buf, SIRT_JSON_PATH_LEN, "%s.%s", parent, clean) < 0) /* cut when long */
        buf[0] = '\0';
}

void sirt__json_path_index(char *buf, const char *parent, size_t index)
{
    if (snprintf(buf, SIRT_JSON_PATH_LEN, "%s[%zu]", parent, index) < 0)
        buf[0] = '\0';
}

/* ---- Document ----------------------------------------------------------------------- */

/* Line and column (1-based; columns count characters, not bytes) of byte `pos`. */
static void line_col(const char *text, size_t pos, size_t *line, size_t *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < pos; i++) {
        unsigned char ch = (unsigned char)text[i];
        if (ch == '\n') {
            (*line)++;
            *col = 1;
        } else if ((ch & 0xC0) != 0x80) {
            (*col)++;
        }
    }
}

sirt_status sirt__json_parse(const sirt_json_ctx *c, const char *text, size_t size,
                             size_t max_bytes, int max_depth, const char *what, cJSON **out)
{
    *out = NULL;
    size_t line, col;
    if (size > max_bytes)
        return sirt__json_error(c, SIRT_ERANGE, NULL,
                                "%s is %zu bytes; the largest accepted is %zu bytes", what, size,
                                max_bytes);
    /* A UTF-8 byte-order mark, which some editors write, is not JSON but harmless. */
    if (size >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        text += 3;
        size -= 3;
    }
    size_t first = 0;
    while (first < size && (text[first] == ' ' || text[first] == '\t' || text[first] == '\n' ||
                            text[first] == '\r'))
        first++;
    if (first == size)
        return sirt__json_error(c, SIRT_EFORMAT, NULL, "%s is empty: expected a JSON object {...}",
                                what);
    const char *nul = memchr(text, '\0', size);
    if (nul) {
        line_col(text, (size_t)(nul - text), &line, &col);
        return sirt__json_error(c, SIRT_EFORMAT, NULL,
                                "%s is not a JSON text: it contains a NUL byte at line %zu, "
                                "column %zu (a binary file?)",
                                what, line, col);
    }

    /* Depth and truncation first: cJSON recurses per level, and its own error for an
     * unterminated document does not say "truncated". */
    int depth = 0, in_string = 0, escaped = 0;
    for (size_t i = 0; i < size; i++) {
        char ch = text[i];
        if (in_string) {
            if (escaped)
                escaped = 0;
            else if (ch == '\\')
                escaped = 1;
            else if (ch == '"')
                in_string = 0;
        } else if (ch == '"') {
            in_string = 1;
        } else if (ch == '{' || ch == '[') {
            if (++depth > max_depth) {
                line_col(text, i, &line, &col);
                return sirt__json_error(c, SIRT_EFORMAT, NULL,
                                        "%s is nested too deeply: more than %d levels of "
                                        "objects and arrays at line %zu, column %zu",
                                        what, max_depth, line, col);
            }
        } else if ((ch == '}' || ch == ']') && depth > 0) {
            depth--;
        }
    }
    if (in_string || depth > 0) {
        line_col(text, size, &line, &col);
        return sirt__json_error(
            c, SIRT_EFORMAT, NULL,
            "%s is truncated (not valid JSON): it ends at line %zu, column %zu %s", what, line, col,
            in_string ? "inside a string" : "before every object and array is closed");
    }

    /* cJSON wants the terminating NUL inside the length when one is required. */
    char *copy = malloc(size + 1);
    if (!copy)
        return sirt__json_error(c, SIRT_ENOMEM, NULL, "out of memory reading %s", what);
    memcpy(copy, text, size);
    copy[size] = '\0';
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(copy, size + 1, &end, 1);
    if (root) {
        free(copy);
        *out = root;
        return SIRT_OK;
    }
    size_t pos = end && end >= copy && end <= copy + size ? (size_t)(end - copy) : 0;
    line_col(copy, pos, &line, &col);
    /* Show the text at the error; when that is the end of a line, the text before it. */
    char near[48], raw[32];
    size_t n = 0, from = pos;
    while (n < 24 && pos + n < size && copy[pos + n] != '\n' && copy[pos + n] != '\r')
        n++;
    if (n == 0) {
        from = pos > 24 ? pos - 24 : 0;
        n = pos - from;
    }
    for (size_t i = 0; i < n; i++) {
        char ch = copy[from + i];
        raw[i] = ch == '\n' || ch == '\r' || ch == '\t' ? ' ' : ch;
    }
    raw[n] = '\0';
    sanitize(raw, near, sizeof near, 24);
    free(copy);
    if (pos >= size)
        return sirt__json_error(c, SIRT_EFORMAT, NULL,
                                "%s is not valid JSON: unexpected end at line %zu, column %zu",
                                what, line, col);
    return sirt__json_error(c, SIRT_EFORMAT, NULL,
                            "%s is not valid JSON: syntax error at line %zu, column %zu, near "
                            "\"%s\" (check commas, quotes and brackets; comments, NaN and "
                            "Infinity are not JSON)",
                            what, line, col, near);
}

/* ---- Objects and arrays ------------------------------------------------------------- */

const cJSON *sirt__json_get(const sirt_json_ctx *c, const cJSON *obj, const char *key)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
    return it && !(c->null_is_absent && cJSON_IsNull(it)) ? it : NULL;
}

static sirt_status wrong_type(const sirt_json_ctx *c, const cJSON *item, const char *path,
                              const char *expected, const char *what)
{
    char found[96];
    describe_item(item, found, sizeof found);
    return sirt__json_error(c, SIRT_EINVAL, path, "expected %s%s%s%s, found %s", expected,
                            what ? " (" : "", what ? what : "", what ? ")" : "", found);
}

sirt_status sirt__json_check_object(const sirt_json_ctx *c, const cJSON *item, const char *path,
                                    const char *what, const char *const *keys)
{
    if (!cJSON_IsObject(item))
        return wrong_type(c, item, path, "an object {...}", what);
    size_t n_keys = 0;
    while (keys[n_keys])
        n_keys++;
    if (n_keys > 64)
        return sirt__json_error(c, SIRT_EINTERNAL, path, "too many keys in the schema");
    uint64_t seen = 0;
    for (const cJSON *it = item->child; it; it = it->next) {
        const char *name = it->string ? it->string : "";
        size_t k = 0;
        while (k < n_keys && strcmp(keys[k], name) != 0)
            k++;
        char p[SIRT_JSON_PATH_LEN], clean[64];
        sirt__json_path_key(p, path, name);
        sanitize(name, clean, sizeof clean, 48);
        if (k == n_keys) {
            char list[420];
            join_names(keys, 0, list, sizeof list);
            const char *near = nearest(name, keys);
            return sirt__json_error(
                c, SIRT_EINVAL, p, "unknown key \"%s\"%s%s%s (keys accepted in %s: %s)", clean,
                near ? "; did you mean \"" : "", near ? near : "", near ? "\"?" : "", path, list);
        }
        if (seen & ((uint64_t)1 << k))
            return sirt__json_error(c, SIRT_EINVAL, p,
                                    "duplicate key \"%s\": given more than once in %s; keep one",
                                    clean, path);
        seen |= (uint64_t)1 << k;
    }
    return SIRT_OK;
}

sirt_status sirt__json_object(const sirt_json_ctx *c, const cJSON *parent, const char *parent_path,
                              const char *key, const char *what, const char *const *keys,
                              const char *required, const cJSON **out, char *path)
{
    *out = NULL;
    sirt__json_path_key(path, parent_path, key);
    const cJSON *it = sirt__json_get(c, parent, key);
    if (!it)
        return required ? missing(c, path, required, NULL) : SIRT_OK;
    TRY(sirt__json_check_object(c, it, path, what, keys));
    *out = it;
    return SIRT_OK;
}

sirt_status sirt__json_array(const sirt_json_ctx *c, const cJSON *parent, const char *parent_path,
                             const char *key, const char *what, int max_n, const char *required,
                             const cJSON **out, char *path)
{
    *out = NULL;
    sirt__json_path_key(path, parent_path, key);
    const cJSON *it = sirt__json_get(c, parent, key);
    if (!it)
        return required ? missing(c, path, required, NULL) : SIRT_OK;
    if (!cJSON_IsArray(it))
        return wrong_type(c, it, path, "an array [...]", what);
    int n = cJSON_GetArraySize(it);
    if (n > max_n)
        return sirt__json_error(c, SIRT_ERANGE, path, "%d entries; at most %d are accepted", n,
                                max_n);
    *out = it;
    return SIRT_OK;
}

/* ---- Typed members ------------------------------------------------------------------ */

/* "2–400 kg", "> 0 mL and ≤ 10000 mL", "≥ 0 counts"; or "[2, 400] kg", "(0, 1e+09] h". */
static void describe_range(const sirt_json_ctx *c, const sirt_json_range *r, char *buf, size_t size)
{
    const char *sp = r->unit[0] ? " " : "", *u = r->unit;
    const char *lo = r->min_open ? ">" : "≥", *hi = r->max_open ? "<" : "≤";
    if (c->interval_ranges)
        snprintf(buf, size, "%c%g, %g%c%s%s", r->min_open ? '(' : '[', r->min, r->max,
                 r->max_open || isinf(r->max) ? ')' : ']', sp, u);
    else if (isinf(r->max))
        snprintf(buf, size, "%s %g%s%s", lo, r->min, sp, u);
    else if (!r->min_open && !r->max_open)
        snprintf(buf, size, "%g–%g%s%s", r->min, r->max, sp, u);
    else
        snprintf(buf, size, "%s %g%s%s and %s %g%s%s", lo, r->min, sp, u, hi, r->max, sp, u);
}

static int looks_numeric(const char *s)
{
    if (!s || !*s)
        return 0;
    char *end;
    (void)strtod(s, &end);
    return end != s && *end == '\0';
}

sirt_status sirt__json_check_number(const sirt_json_ctx *c, const cJSON *item, const char *path,
                                    const sirt_json_range *r, double *out)
{
    char range[128];
    describe_range(c, r, range, sizeof range);
    if (!cJSON_IsNumber(item)) {
        char found[96];
        describe_item(item, found, sizeof found);
        int quoted = cJSON_IsString(item) && looks_numeric(item->valuestring);
        return sirt__json_error(c, SIRT_EINVAL, path,
                                "expected a number%s%s (accepted %s), found %s%s",
                                r->unit[0] ? " in " : "", r->unit, range, found,
                                quoted ? "; write the number without quotes" : "");
    }
    double v = item->valuedouble;
    if (!sirt_finite(v))
        return sirt__json_error(c, SIRT_ERANGE, path,
                                "not a finite number: too large to represent (it overflows to "
                                "infinity); accepted %s",
                                range);
    int below = r->min_open ? !(v > r->min) : !(v >= r->min);
    int above = r->max_open ? !(v < r->max) : !(v <= r->max);
    if (below || above)
        return sirt__json_error(
            c, SIRT_ERANGE, path, "= %.10g%s%s is out of range (accepted %s)%s%s", v,
            r->unit[0] ? " " : "", r->unit, range, r->hint ? "; " : "", r->hint ? r->hint : "");
    *out = v;
    return SIRT_OK;
}

sirt_status sirt__json_number(const sirt_json_ctx *c, const cJSON *obj, const char *path,
                              const char *key, const sirt_json_range *r, const char *required,
                              double *out)
{
    char p[SIRT_JSON_PATH_LEN], range[128], extra[140];
    sirt__json_path_key(p, path, key);
    const cJSON *it = sirt__json_get(c, obj, key);
    if (it)
        return sirt__json_check_number(c, it, p, r, out);
    if (!required)
        return SIRT_OK;
    describe_range(c, r, range, sizeof range);
    snprintf(extra, sizeof extra, "accepted %s", range);
    return missing(c, p, required, extra);
}

sirt_status sirt__json_int(const sirt_json_ctx *c, const cJSON *obj, const char *path,
                           const char *key, int min, int max, const char *required, int *out)
{
    sirt_json_range r = {min, max, 0, 0, "", NULL};
    double v = NAN;
    TRY(sirt__json_number(c, obj, path, key, &r, required, &v));
    if (isnan(v))
        return SIRT_OK;
    if (floor(v) != v) {
        char p[SIRT_JSON_PATH_LEN], range[64];
        sirt__json_path_key(p, path, key);
        describe_range(c, &r, range, sizeof range);
        return sirt__json_error(c, SIRT_EINVAL, p, "= %.10g is not a whole number (accepted %s)", v,
                                range);
    }
    *out = (int)v;
    return SIRT_OK;
}

sirt_status sirt__json_bool(const sirt_json_ctx *c, const cJSON *obj, const char *path,
                            const char *key, int *out)
{
    const cJSON *it = sirt__json_get(c, obj, key);
    if (!it)
        return SIRT_OK;
    if (!cJSON_IsBool(it)) {
        char p[SIRT_JSON_PATH_LEN];
        sirt__json_path_key(p, path, key);
        return wrong_type(c, it, p, "true or false (without quotes)", NULL);
    }
    *out = cJSON_IsTrue(it) ? 1 : 0;
    return SIRT_OK;
}

/* The member as a string, or an error for a missing required member or another type. */
static sirt_status get_string(const sirt_json_ctx *c, const cJSON *obj, const char *p,
                              const char *key, const char *required, const char *expected,
                              const char *extra, const cJSON **out)
{
    *out = sirt__json_get(c, obj, key);
    if (!*out)
        return required ? missing(c, p, required, extra) : SIRT_OK;
    if (!cJSON_IsString(*out) || !(*out)->valuestring) {
        sirt_status st = wrong_type(c, *out, p, expected, NULL);
        *out = NULL;
        return st;
    }
    return SIRT_OK;
}

sirt_status sirt__json_string(const sirt_json_ctx *c, const cJSON *obj, const char *path,
                              const char *key, const char *required, char *buf, size_t size)
{
    char p[SIRT_JSON_PATH_LEN];
    sirt__json_path_key(p, path, key);
    const cJSON *it;
    TRY(get_string(c, obj, p, key, required, "a string \"...\"", NULL, &it));
    if (!it)
        return SIRT_OK;
    const unsigned char *s = (const unsigned char *)it->valuestring;
    size_t n = strlen(it->valuestring);
    if (n == 0)
        return sirt__json_error(c, SIRT_EINVAL, p, "the text is empty");
    if (n >= size)
        return sirt__json_error(
            c, SIRT_ERANGE, p, "the text is %zu bytes long; at most %zu are accepted", n, size - 1);
    for (size_t i = 0; i < n;) {
        size_t len = utf8_seq_len(s + i, n - i);
        if (len == 0 || (len == 1 && (s[i] < 0x20 || s[i] == 0x7F)))
            return sirt__json_error(c, SIRT_EINVAL, p,
                                    "the text contains a control character or invalid UTF-8 "
                                    "at byte %zu",
                                    i);
        i += len;
    }
    if (buf)
        memcpy(buf, it->valuestring, n + 1);
    return SIRT_OK;
}

sirt_status sirt__json_enum(const sirt_json_ctx *c, const cJSON *obj, const char *path,
                            const char *key, const char *const *names, const int *values,
                            const char *required, int *out)
{
    char p[SIRT_JSON_PATH_LEN], list[400], expected[440];
    sirt__json_path_key(p, path, key);
    join_names(names, 1, list, sizeof list);
    snprintf(expected, sizeof expected, "one of the words %s", list);
    const cJSON *it;
    TRY(get_string(c, obj, p, key, required, expected, expected, &it));
    if (!it)
        return SIRT_OK;
    for (int i = 0; names[i]; i++) {
        if (strcmp(it->valuestring, names[i]) == 0) {
            *out = values ? values[i] : i;
            return SIRT_OK;
        }
    }
    char clean[64];
    sanitize(it->valuestring, clean, sizeof clean, 40);
    const char *near = nearest(it->valuestring, names);
    return sirt__json_error(c, SIRT_EINVAL, p,
                            "= \"%s\" is not one of the accepted values (%s)%s%s%s", clean, list,
                            near ? "; did you mean \"" : "", near ? near : "", near ? "\"?" : "");
}

sirt_status sirt__json_quantity(const sirt_json_ctx *c, const cJSON *obj, const char *path,
                                const char *key, const sirt_json_range *r, const char *required,
                                double *value, char *source, size_t source_size)
{
    static const char *const keys[] = {"value", "unit", "source", "note", NULL};
    char p[SIRT_JSON_PATH_LEN], unit[32];
    const cJSON *q;
    *value = NAN;
    source[0] = '\0';
    TRY(sirt__json_object(c, obj, path, key, "with value, unit and source", keys, required, &q, p));
    if (!q)
        return SIRT_OK;
    TRY(sirt__json_string(c, q, p, "unit", SIRT_JSON_REQUIRED, unit, sizeof unit));
    if (strcmp(unit, r->unit) != 0) {
        char pu[SIRT_JSON_PATH_LEN];
        sirt__json_path_key(pu, p, "unit");
        return sirt__json_error(c, SIRT_EINVAL, pu, "unit \"%s\" is not the expected unit \"%s\"",
                                unit, r->unit);
    }
    double v = NAN;
    TRY(sirt__json_number(c, q, p, "value", r, SIRT_JSON_REQUIRED, &v));
    TRY(sirt__json_string(c, q, p, "note", SIRT_JSON_OPTIONAL, NULL, source_size));
    TRY(sirt__json_string(c, q, p, "source", SIRT_JSON_REQUIRED, source, source_size));
    *value = v;
    return SIRT_OK;
}

sirt_status sirt__json_datetime(const sirt_json_ctx *c, const cJSON *obj, const char *path,
                                const char *key, const char *required, sirt_datetime *out, int *has)
{
    static const char example[] = "ISO 8601 with a UTC offset, e.g. \"2026-11-22T12:00:00-05:00\"";
    char p[SIRT_JSON_PATH_LEN], text[64];
    sirt__json_path_key(p, path, key);
    const cJSON *it;
    TRY(get_string(c, obj, p, key, required,
                   "a date-time string such as "
                   "\"2026-11-22T12:00:00-05:00\"",
                   example, &it));
    if (!it)
        return SIRT_OK;
    if (strlen(it->valuestring) >= 48) {
        sanitize(it->valuestring, text, sizeof text, 40);
        return sirt__json_error(c, SIRT_EINVAL, p,
                                "= \"%s\" is not a date-time (too long); expected %s", text,
                                example);
    }
    sirt_datetime t;
    TRY(sirt_datetime_parse(it->valuestring, p, &t, c->err));
    *out = t;
    if (has)
        *has = 1;
    return SIRT_OK;
}
