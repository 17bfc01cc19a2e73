/* Strict JSON input helpers (see json_read.h). */
#include "io/json_read.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/numeric.h"

/* ---- Small text helpers ----------------------------------------------------------- */

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
    if (size == 0)
        return;
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

void jr_path_key(char *buf, size_t size, const char *parent, const char *key)
{
    char clean[JR_PATH_LEN];
    sanitize(key, clean, sizeof clean, 48);
    if (snprintf(buf, size, "%s.%s", parent, clean) < 0 && size > 0)
        buf[0] = '\0';
}

void jr_path_index(char *buf, size_t size, const char *parent, size_t index)
{
    if (snprintf(buf, size, "%s[%zu]", parent, index) < 0 && size > 0)
        buf[0] = '\0';
}

static void describe_item(const cJSON *it, char *buf, size_t size)
{
    if (cJSON_IsString(it)) {
        char clean[64];
        sanitize(it->valuestring ? it->valuestring : "", clean, sizeof clean, 40);
        snprintf(buf, size, "a string \"%s\"", clean);
    } else if (cJSON_IsNumber(it)) {
        snprintf(buf, size, "a number (%.10g)", it->valuedouble);
    } else if (cJSON_IsTrue(it)) {
        snprintf(buf, size, "true");
    } else if (cJSON_IsFalse(it)) {
        snprintf(buf, size, "false");
    } else if (cJSON_IsNull(it)) {
        snprintf(buf, size, "null");
    } else if (cJSON_IsArray(it)) {
        snprintf(buf, size, "an array");
    } else if (cJSON_IsObject(it)) {
        snprintf(buf, size, "an object");
    } else {
        snprintf(buf, size, "an invalid value");
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
static const char *nearest(const char *word, const char *const *names, size_t n)
{
    size_t best = SIZE_MAX, limit = strlen(word) / 3;
    const char *best_name = NULL;
    if (limit < 2)
        limit = 2;
    for (size_t i = 0; i < n; i++) {
        size_t d = edit_distance(word, names[i]);
        if (d < best) {
            best = d;
            best_name = names[i];
        }
    }
    return best <= limit ? best_name : NULL;
}

static void join_names(const char *const *names, size_t n, char *buf, size_t size)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && o < size; i++) {
        int w = snprintf(buf + o, size - o, "%s%s", i ? ", " : "", names[i]);
        if (w < 0)
            break;
        o += (size_t)w;
    }
}

/* ---- Document ----------------------------------------------------------------------- */

/* Line and column (1-based; columns count characters, not bytes) of byte `pos`. */
static void line_col(const char *text, size_t pos, size_t *line, size_t *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < pos; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == '\n') {
            (*line)++;
            *col = 1;
        } else if ((c & 0xC0) != 0x80) {
            (*col)++;
        }
    }
}

sirt_status jr_parse_document(const char *text, size_t size, size_t max_bytes, int max_depth,
                              const char *what, cJSON **out, sirt_error *err)
{
    *out = NULL;
    if (size > max_bytes)
        return sirt_error_set(err, SIRT_ERANGE, "$",
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
        return sirt_error_set(err, SIRT_EFORMAT, "$",
                              "%s is empty: expected a JSON object {...}", what);
    if (memchr(text, '\0', size)) {
        size_t line, col;
        line_col(text, (size_t)((const char *)memchr(text, '\0', size) - text), &line, &col);
        return sirt_error_set(err, SIRT_EFORMAT, "$",
                              "%s is not a JSON text: it contains a NUL byte at line %zu, "
                              "column %zu (a binary file?)",
                              what, line, col);
    }

    /* Depth and truncation first: cJSON recurses per level, and its own error for an
     * unterminated document does not say "truncated". */
    int depth = 0, in_string = 0, escaped = 0;
    for (size_t i = 0; i < size; i++) {
        char c = text[i];
        if (in_string) {
            if (escaped)
                escaped = 0;
            else if (c == '\\')
                escaped = 1;
            else if (c == '"')
                in_string = 0;
            continue;
        }
        if (c == '"') {
            in_string = 1;
        } else if (c == '{' || c == '[') {
            if (++depth > max_depth) {
                size_t line, col;
                line_col(text, i, &line, &col);
                return sirt_error_set(err, SIRT_EFORMAT, "$",
                                      "%s is nested too deeply: more than %d levels of objects "
                                      "and arrays at line %zu, column %zu (a case file needs "
                                      "at most 5)",
                                      what, max_depth, line, col);
            }
        } else if ((c == '}' || c == ']') && depth > 0) {
            depth--;
        }
    }
    if (in_string || depth > 0) {
        size_t line, col;
        line_col(text, size, &line, &col);
        return sirt_error_set(err, SIRT_EFORMAT, "$",
                              "%s is truncated: it ends at line %zu, column %zu %s", what, line,
                              col,
                              in_string ? "inside a string"
                                        : "before every object and array is closed");
    }

    char *copy = malloc(size + 1);
    if (!copy)
        return sirt_error_set(err, SIRT_ENOMEM, "$", "out of memory reading %s", what);
    memcpy(copy, text, size);
    copy[size] = '\0';
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(copy, size + 1, &end, 1);
    if (!root) {
        size_t pos = end && end >= copy && end <= copy + size ? (size_t)(end - copy) : 0;
        size_t line, col;
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
            return sirt_error_set(err, SIRT_EFORMAT, "$",
                                  "%s is not valid JSON: unexpected end at line %zu, column %zu",
                                  what, line, col);
        return sirt_error_set(err, SIRT_EFORMAT, "$",
                              "%s is not valid JSON: syntax error at line %zu, column %zu, "
                              "near \"%s\" (check commas, quotes and brackets; comments, NaN "
                              "and Infinity are not JSON)",
                              what, line, col, near);
    }
    free(copy);
    *out = root;
    return SIRT_OK;
}

/* ---- Objects ------------------------------------------------------------------------ */

const cJSON *jr_get(const cJSON *obj, const char *key)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
    return it && !cJSON_IsNull(it) ? it : NULL;
}

int jr_has(const cJSON *obj, const char *key)
{
    return jr_get(obj, key) != NULL;
}

sirt_status jr_check_keys(const cJSON *obj, const char *path, const char *const *keys,
                          size_t n_keys, sirt_error *err)
{
    uint64_t seen = 0;
    if (n_keys > 64)
        return sirt_error_set(err, SIRT_EINTERNAL, path, "%s: too many keys in the schema",
                              path);
    for (const cJSON *it = obj->child; it; it = it->next) {
        const char *name = it->string ? it->string : "";
        size_t k = 0;
        while (k < n_keys && strcmp(keys[k], name) != 0)
            k++;
        char p[JR_PATH_LEN];
        jr_path_key(p, sizeof p, path, name);
        if (k == n_keys) {
            char list[400];
            join_names(keys, n_keys, list, sizeof list);
            const char *near = nearest(name, keys, n_keys);
            if (near)
                return sirt_error_set(err, SIRT_EINVAL, p,
                                      "%s: unknown key; did you mean \"%s\"? (keys accepted in "
                                      "%s: %s)",
                                      p, near, path, list);
            return sirt_error_set(err, SIRT_EINVAL, p,
                                  "%s: unknown key (keys accepted in %s: %s)", p, path, list);
        }
        if (seen & ((uint64_t)1 << k))
            return sirt_error_set(err, SIRT_EINVAL, p,
                                  "%s: duplicate key: \"%s\" is given more than once in %s; "
                                  "keep one",
                                  p, name, path);
        seen |= (uint64_t)1 << k;
    }
    return SIRT_OK;
}

sirt_status jr_missing(sirt_error *err, const char *path, const char *why)
{
    return sirt_error_set(err, SIRT_EINVAL, path, "%s: missing; %s", path, why);
}

sirt_status jr_expect_object(const cJSON *item, const char *path, const char *what,
                             sirt_error *err)
{
    if (cJSON_IsObject(item))
        return SIRT_OK;
    char found[96];
    describe_item(item, found, sizeof found);
    return sirt_error_set(err, SIRT_EINVAL, path, "%s: expected an object {...} (%s), found %s",
                          path, what, found);
}

sirt_status jr_expect_array(const cJSON *item, const char *path, const char *what,
                            sirt_error *err)
{
    if (cJSON_IsArray(item))
        return SIRT_OK;
    char found[96];
    describe_item(item, found, sizeof found);
    return sirt_error_set(err, SIRT_EINVAL, path, "%s: expected an array [...] (%s), found %s",
                          path, what, found);
}

/* ---- Typed members ------------------------------------------------------------------ */

static void fmt_value(double v, const char *unit, char *buf, size_t size)
{
    if (unit && unit[0])
        snprintf(buf, size, "%.10g %s", v, unit);
    else
        snprintf(buf, size, "%.10g", v);
}

void jr_range_describe(const jr_range *r, char *buf, size_t size)
{
    char lo[48], hi[48];
    fmt_value(r->min, r->unit, lo, sizeof lo);
    fmt_value(r->max, r->unit, hi, sizeof hi);
    if (isinf(r->max)) {
        snprintf(buf, size, "%s %s", r->min_open ? ">" : "≥", lo);
    } else if (!r->min_open && !r->max_open) {
        char lo_bare[32];
        snprintf(lo_bare, sizeof lo_bare, "%.10g", r->min);
        snprintf(buf, size, "%s–%s", lo_bare, hi);
    } else {
        snprintf(buf, size, "%s %s and %s %s", r->min_open ? ">" : "≥", lo,
                 r->max_open ? "<" : "≤", hi);
    }
}

static int looks_numeric(const char *s)
{
    if (!s || !*s)
        return 0;
    char *end;
    (void)strtod(s, &end);
    return end != s && *end == '\0';
}

sirt_status jr_number(const cJSON *obj, const char *parent, const char *key, const jr_range *r,
                      int required, const char *why, double *out, sirt_error *err)
{
    char p[JR_PATH_LEN], range[128];
    jr_path_key(p, sizeof p, parent, key);
    jr_range_describe(r, range, sizeof range);
    const cJSON *it = jr_get(obj, key);
    if (!it) {
        if (!required)
            return SIRT_OK;
        return sirt_error_set(err, SIRT_EINVAL, p, "%s: missing; %s (accepted %s)", p,
                              why ? why : "required", range);
    }
    if (!cJSON_IsNumber(it)) {
        char found[96];
        describe_item(it, found, sizeof found);
        int quoted = cJSON_IsString(it) && looks_numeric(it->valuestring);
        return sirt_error_set(err, SIRT_EINVAL, p,
                              "%s: expected a number%s%s (accepted %s), found %s%s", p,
                              r->unit[0] ? " in " : "", r->unit, range, found,
                              quoted ? "; write the number without quotes" : "");
    }
    double v = it->valuedouble;
    if (!sirt_finite(v))
        return sirt_error_set(err, SIRT_ERANGE, p,
                              "%s: the number is too large to represent (it overflows to "
                              "infinity); accepted %s",
                              p, range);
    int below = r->min_open ? !(v > r->min) : !(v >= r->min);
    int above = r->max_open ? !(v < r->max) : !(v <= r->max);
    if (below || above) {
        char val[48];
        fmt_value(v, r->unit, val, sizeof val);
        return sirt_error_set(err, SIRT_ERANGE, p, "%s = %s is out of range (accepted %s)%s%s",
                              p, val, range, r->hint ? "; " : "", r->hint ? r->hint : "");
    }
    *out = v;
    return SIRT_OK;
}

sirt_status jr_integer(const cJSON *obj, const char *parent, const char *key, int min, int max,
                       const char *unit, int required, const char *why, int *out,
                       sirt_error *err)
{
    jr_range r = {min, max, 0, 0, unit, NULL};
    double v = NAN;
    sirt_status st = jr_number(obj, parent, key, &r, required, why, &v, err);
    if (st != SIRT_OK || isnan(v))
        return st;
    if (floor(v) != v) {
        char p[JR_PATH_LEN];
        jr_path_key(p, sizeof p, parent, key);
        return sirt_error_set(err, SIRT_EINVAL, p,
                              "%s = %.10g is not a whole number (accepted %d–%d%s%s)", p, v, min,
                              max, unit[0] ? " " : "", unit);
    }
    *out = (int)v;
    return SIRT_OK;
}

sirt_status jr_bool(const cJSON *obj, const char *parent, const char *key, int *out,
                    sirt_error *err)
{
    const cJSON *it = jr_get(obj, key);
    if (!it)
        return SIRT_OK;
    if (!cJSON_IsBool(it)) {
        char p[JR_PATH_LEN], found[96];
        jr_path_key(p, sizeof p, parent, key);
        describe_item(it, found, sizeof found);
        return sirt_error_set(err, SIRT_EINVAL, p,
                              "%s: expected true or false (without quotes), found %s", p, found);
    }
    *out = cJSON_IsTrue(it) ? 1 : 0;
    return SIRT_OK;
}

sirt_status jr_string(const cJSON *obj, const char *parent, const char *key, int required,
                      const char *why, char *buf, size_t size, sirt_error *err)
{
    char p[JR_PATH_LEN];
    jr_path_key(p, sizeof p, parent, key);
    const cJSON *it = jr_get(obj, key);
    if (!it) {
        if (!required)
            return SIRT_OK;
        return jr_missing(err, p, why ? why : "required (text)");
    }
    if (!cJSON_IsString(it) || !it->valuestring) {
        char found[96];
        describe_item(it, found, sizeof found);
        return sirt_error_set(err, SIRT_EINVAL, p, "%s: expected a string \"...\", found %s", p,
                              found);
    }
    const unsigned char *s = (const unsigned char *)it->valuestring;
    size_t n = strlen(it->valuestring);
    if (n == 0)
        return sirt_error_set(err, SIRT_EINVAL, p, "%s: the text is empty", p);
    if (n >= size)
        return sirt_error_set(err, SIRT_ERANGE, p,
                              "%s: the text is %zu bytes long; at most %zu are accepted", p, n,
                              size - 1);
    for (size_t i = 0; i < n;) {
        size_t len = utf8_seq_len(s + i, n - i);
        if (len == 0 || (len == 1 && (s[i] < 0x20 || s[i] == 0x7F)))
            return sirt_error_set(err, SIRT_EINVAL, p,
                                  "%s: the text contains a control character or invalid UTF-8 "
                                  "at byte %zu",
                                  p, i);
        i += len;
    }
    memcpy(buf, it->valuestring, n + 1);
    return SIRT_OK;
}

sirt_status jr_enum(const cJSON *obj, const char *parent, const char *key,
                    const char *const *names, const int *values, size_t n, int required,
                    const char *why, int *out, sirt_error *err)
{
    char p[JR_PATH_LEN], list[256];
    jr_path_key(p, sizeof p, parent, key);
    join_names(names, n, list, sizeof list);
    const cJSON *it = jr_get(obj, key);
    if (!it) {
        if (!required)
            return SIRT_OK;
        return sirt_error_set(err, SIRT_EINVAL, p, "%s: missing; %s (one of: %s)", p,
                              why ? why : "required", list);
    }
    if (!cJSON_IsString(it) || !it->valuestring) {
        char found[96];
        describe_item(it, found, sizeof found);
        return sirt_error_set(err, SIRT_EINVAL, p, "%s: expected one of the words %s, found %s",
                              p, list, found);
    }
    for (size_t i = 0; i < n; i++) {
        if (strcmp(it->valuestring, names[i]) == 0) {
            *out = values[i];
            return SIRT_OK;
        }
    }
    char clean[64];
    sanitize(it->valuestring, clean, sizeof clean, 40);
    const char *near = nearest(it->valuestring, names, n);
    if (near)
        return sirt_error_set(err, SIRT_EINVAL, p,
                              "%s = \"%s\" is not one of the accepted values (%s); did you mean "
                              "\"%s\"?",
                              p, clean, list, near);
    return sirt_error_set(err, SIRT_EINVAL, p,
                          "%s = \"%s\" is not one of the accepted values (%s)", p, clean, list);
}

sirt_status jr_datetime(const cJSON *obj, const char *parent, const char *key, int required,
                        const char *why, sirt_datetime *out, int *has, sirt_error *err)
{
    char p[JR_PATH_LEN], text[64];
    jr_path_key(p, sizeof p, parent, key);
    const cJSON *it = jr_get(obj, key);
    if (!it) {
        if (!required)
            return SIRT_OK;
        return sirt_error_set(err, SIRT_EINVAL, p,
                              "%s: missing; %s (ISO 8601 with a UTC offset, e.g. "
                              "\"2026-11-22T12:00:00-05:00\")",
                              p, why ? why : "required");
    }
    if (!cJSON_IsString(it) || !it->valuestring) {
        char found[96];
        describe_item(it, found, sizeof found);
        return sirt_error_set(err, SIRT_EINVAL, p,
                              "%s: expected a date-time string such as "
                              "\"2026-11-22T12:00:00-05:00\", found %s",
                              p, found);
    }
    if (strlen(it->valuestring) >= 48) {
        sanitize(it->valuestring, text, sizeof text, 40);
        return sirt_error_set(err, SIRT_EINVAL, p,
                              "%s = \"%s\" is not a date-time (too long); expected ISO 8601 "
                              "with a UTC offset, e.g. \"2026-11-22T12:00:00-05:00\"",
                              p, text);
    }
    sirt_datetime t;
    sirt_status st = sirt_datetime_parse(it->valuestring, p, &t, err);
    if (st != SIRT_OK)
        return st;
    *out = t;
    if (has)
        *has = 1;
    return SIRT_OK;
}
