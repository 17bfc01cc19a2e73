/* Private to the catalogue stage: strict reading of JSON data files with cJSON.
 *
 * cJSON accepts unknown and duplicate keys silently; data files that set safety
 * limits must not. Every helper reports errors as "<file>: <JSON path>: <what>",
 * with the value and the accepted range, through the caller's sirt_error. */
#ifndef SIRT_CATALOGUE_JSON_STRICT_H
#define SIRT_CATALOGUE_JSON_STRICT_H

#include <stddef.h>
#include <cJSON.h>

#include "sirt/catalogue.h"
#include "sirt/error.h"

#define SIRT_JPATH_LEN 128
/* Data files are small; a cap keeps a wrong path (e.g. a CT volume) from being read. */
#define SIRT_DATA_FILE_MAX_BYTES (4u * 1024u * 1024u)

typedef struct sirt_jctx {
    const char *file; /* path shown in messages */
    sirt_error *err;
} sirt_jctx;

/* An accepted interval for a number: [min, max], or (min, max] when min_open. */
typedef struct sirt_jrange {
    double min, max;
    int min_open;
} sirt_jrange;

/* Record "<file>: <path>: <message>" (first error wins). Returns status. */
sirt_status sirt__jerr(const sirt_jctx *c, sirt_status status, const char *path,
                       const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* Read and parse a whole file; *root is NULL on failure. */
sirt_status sirt__json_load_file(const char *path, const char *what, cJSON **root,
                                 sirt_error *err);

/* "path.key" and "path[i]" into buf (always NUL-terminated). */
void sirt__jpath_key(char *buf, const char *path, const char *key);
void sirt__jpath_index(char *buf, const char *path, size_t i);

/* `item` must be an object whose keys are all in `allowed` (NULL-terminated list),
 * each at most once. */
sirt_status sirt__json_check_object(const sirt_jctx *c, const cJSON *item, const char *path,
                                    const char *const *allowed);

/* Members of an object already checked with sirt__json_check_object. A missing
 * optional member leaves the output untouched and sets *present = 0 (present may
 * be NULL). */
sirt_status sirt__json_string(const sirt_jctx *c, const cJSON *obj, const char *path,
                              const char *key, int required, char *buf, size_t size,
                              int *present);
sirt_status sirt__json_number(const sirt_jctx *c, const cJSON *obj, const char *path,
                              const char *key, int required, sirt_jrange range,
                              const char *unit, double *out, int *present);
sirt_status sirt__json_int(const sirt_jctx *c, const cJSON *obj, const char *path,
                           const char *key, int required, int min, int max, int *out,
                           int *present);
sirt_status sirt__json_bool(const sirt_jctx *c, const cJSON *obj, const char *path,
                            const char *key, int required, int *out, int *present);
/* A number with its citation: {"value": x, "unit": "...", "source": "..."}; the unit
 * must equal `unit`. A missing optional quantity is {NaN, ""}. */
sirt_status sirt__json_quantity(const sirt_jctx *c, const cJSON *obj, const char *path,
                                const char *key, int required, sirt_jrange range,
                                const char *unit, sirt_quantity *out);
/* The value of `key` as one of `names` (NULL-terminated); *index_out is its index. */
sirt_status sirt__json_enum(const sirt_jctx *c, const cJSON *obj, const char *path,
                            const char *key, int required, const char *const *names,
                            int *index_out, int *present);

/* Nuclide names: write the canonical id ("Y-90", "Tc-99m") of a spelling such as
 * "90Y", "y90", "yttrium-90", "99mTc". Returns 0 when `text` is not a nuclide name. */
int sirt__nuclide_canonical(const char *text, char *out, size_t size);

/* Case-insensitive ASCII comparison. */
int sirt__strcaseeq(const char *a, const char *b);

/* Resolve the path of a data file: $SIRT_DATA_DIR/<name> if set, else the build
 * tree if the file exists there, else the install prefix. */
sirt_status sirt__data_file_path(const char *name, char *buf, size_t size, sirt_error *err);

#endif
