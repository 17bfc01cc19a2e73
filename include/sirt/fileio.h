/* sirt/fileio.h: whole-file reads with a size cap, and atomic writes. */
#ifndef SIRT_FILEIO_H
#define SIRT_FILEIO_H

#include <stddef.h>
#include "sirt/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Read a whole file (NUL-terminated; caller frees). Files larger than max_bytes,
 * empty files and unreadable files are errors naming `what` and the path. */
sirt_status sirt_read_file(const char *path, size_t max_bytes, const char *what,
                           char **data_out, size_t *size_out, sirt_error *err);

/* Write `size` bytes to `path` atomically: a temporary file in the same folder,
 * fsync, then rename. On failure nothing is left at `path` nor the temporary. */
/* Remove a folder and everything below it (symbolic links are not followed); used to clean
 * up a temporary output folder. Best effort: errors are ignored. */
void sirt_remove_tree(const char *path);

sirt_status sirt_write_file_atomic(const char *path, const char *data, size_t size,
                                   sirt_error *err);

#ifdef __cplusplus
}
#endif
#endif
