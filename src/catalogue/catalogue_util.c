/* Helpers of the catalogue stage (see catalogue_util.h). */
#include "catalogue/catalogue_util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sirt_config.h"

/* Element names accepted in nuclide spellings ("yttrium-90"); symbols always work. */
static const struct {
    const char *name, *symbol;
} elements[] = {
    {"phosphorus", "p"}, {"copper", "cu"},    {"gallium", "ga"},    {"strontium", "sr"},
    {"yttrium", "y"},    {"zirconium", "zr"}, {"technetium", "tc"}, {"indium", "in"},
    {"iodine", "i"},     {"samarium", "sm"},  {"holmium", "ho"},    {"erbium", "er"},
    {"terbium", "tb"},   {"lutetium", "lu"},  {"rhenium", "re"},    {"lead", "pb"},
    {"bismuth", "bi"},   {"astatine", "at"},  {"radium", "ra"},     {"actinium", "ac"},
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
