/* Private to libsirt: helpers of the catalogue stage (nuclide names, data-file paths)
 * and the loaders from memory. */
#ifndef SIRT_CATALOGUE_UTIL_H
#define SIRT_CATALOGUE_UTIL_H

#include <stddef.h>

#include "sirt/catalogue.h"
#include "sirt/error.h"
#include "sirt/rules.h"

/* Data files are small; a cap keeps a wrong path (e.g. a CT volume) from being read.
 * The formats nest 6 levels deep ($.nuclides[i].gamma_lines.lines[j]). */
#define SIRT_DATA_FILE_MAX_BYTES (4u * 1024u * 1024u)
#define SIRT_DATA_FILE_MAX_DEPTH 16

/* Nuclide names: write the canonical id ("Y-90", "Tc-99m") of a spelling such as
 * "90Y", "y90", "yttrium-90", "99mTc". Returns 0 when `text` is not a nuclide name. */
int sirt__nuclide_canonical(const char *text, char *out, size_t size);

/* Resolve the path of a data file: $SIRT_DATA_DIR/<name> if set, else the build
 * tree if the file exists there, else the install prefix. */
sirt_status sirt__data_file_path(const char *name, char *buf, size_t size, sirt_error *err);

/* sirt_catalogue_load, sirt_rules_load and their _merge_file on a file already in
 * memory (`size` bytes, no NUL needed; the fuzz targets use them); `name` stands for
 * the file in messages and sources. */
sirt_status sirt__catalogue_load_text(const char *text, size_t size, const char *name,
                                      sirt_catalogue **out, sirt_error *err);
sirt_status sirt__rules_load_text(const char *text, size_t size, const char *name,
                                  sirt_rules **out, sirt_error *err);
sirt_status sirt__catalogue_merge_text(sirt_catalogue *cat, const char *text, size_t size,
                                       const char *name, sirt_error *err);
sirt_status sirt__rules_merge_text(sirt_rules *rules, const char *text, size_t size,
                                   const char *name, sirt_error *err);

#endif
