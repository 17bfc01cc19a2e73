/* Whole-file reads with a cap, and atomic writes (see sirt/fileio.h). */
#define _XOPEN_SOURCE 700 /* nftw */
#include "sirt/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

sirt_status sirt_read_file(const char *path, size_t max_bytes, const char *what,
                           char **data_out, size_t *size_out, sirt_error *err)
{
    *data_out = NULL;
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return sirt_error_set(err, SIRT_EIO, what, "cannot open %s \"%s\": %s", what, path,
                              strerror(errno));
    struct stat st;
    if (fstat(fileno(fp), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(fp);
        return sirt_error_set(err, SIRT_EIO, what, "%s \"%s\" is not a regular file", what, path);
    }
    if ((unsigned long long)st.st_size > max_bytes) {
        fclose(fp);
        return sirt_error_set(err, SIRT_ERANGE, what,
                              "%s \"%s\" is %lld bytes; the largest accepted is %zu bytes", what,
                              path, (long long)st.st_size, max_bytes);
    }
    if (st.st_size == 0) {
        fclose(fp);
        return sirt_error_set(err, SIRT_EFORMAT, what, "%s \"%s\" is empty", what, path);
    }
    size_t size = (size_t)st.st_size;
    char *data = malloc(size + 1);
    if (!data) {
        fclose(fp);
        return sirt_error_set(err, SIRT_ENOMEM, what, "out of memory reading %s \"%s\"", what,
                              path);
    }
    size_t got = fread(data, 1, size, fp);
    int read_failed = ferror(fp);
    fclose(fp);
    if (got != size || read_failed) {
        free(data);
        return sirt_error_set(err, SIRT_EIO, what, "could not read all of %s \"%s\"", what, path);
    }
    data[size] = '\0';
    *data_out = data;
    if (size_out)
        *size_out = size;
    return SIRT_OK;
}

sirt_status sirt_write_file_atomic(const char *path, const char *data, size_t size,
                                   sirt_error *err)
{
    size_t n = strlen(path) + 32;
    char *tmp = malloc(n);
    if (!tmp)
        return sirt_error_set(err, SIRT_ENOMEM, "output", "out of memory");
    snprintf(tmp, n, "%s.tmp.%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd < 0) {
        sirt_status st = sirt_error_set(err, SIRT_EIO, "output", "cannot create \"%s\": %s", tmp,
                                        strerror(errno));
        free(tmp);
        return st;
    }
    size_t done = 0;
    while (done < size) {
        ssize_t w = write(fd, data + done, size - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            int e = w < 0 ? errno : ENOSPC;
            close(fd);
            unlink(tmp);
            free(tmp);
            return sirt_error_set(err, SIRT_EIO, "output", "cannot write \"%s\": %s", path,
                                  strerror(e));
        }
        done += (size_t)w;
    }
    if (fsync(fd) != 0 || close(fd) != 0) {
        int e = errno;
        unlink(tmp);
        free(tmp);
        return sirt_error_set(err, SIRT_EIO, "output", "cannot write \"%s\": %s", path,
                              strerror(e));
    }
    if (rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        free(tmp);
        return sirt_error_set(err, SIRT_EIO, "output", "cannot create \"%s\": %s", path,
                              strerror(e));
    }
    free(tmp);
    return SIRT_OK;
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

void sirt_remove_tree(const char *path)
{
    nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}
