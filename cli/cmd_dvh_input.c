/* Shared input handling of sirt dvh and sirt radiobiology (cmd_dvh_input.h). */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd_dvh_input.h"

/* Names become CSV file names and JSON keys: letters, digits, '_', '-', '.', '+'. */
static int name_ok(const char *s, size_t len)
{
    if (len == 0 || len > 63 || s[0] == '.' || s[0] == '-')
        return 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.' || c == '+'))
            return 0;
    }
    return 1;
}

int dvh_input_option(dvh_input *in, int argc, char **argv, int *i, int *rc)
{
    const char *a = argv[*i];
    int is_mask = strcmp(a, "--mask") == 0, is_label = strcmp(a, "--label") == 0;
    if (strcmp(a, "--assume-gy") == 0) {
        in->assume_gy = 1;
        return 1;
    }
    if (!is_mask && !is_label && strcmp(a, "--labels") != 0)
        return 0;
    if (*i + 1 >= argc) {
        *rc = sirt_cli_usage(in->command, "option %s needs a value", a);
        return -1;
    }
    const char *v = argv[++*i];
    if (!is_mask && !is_label) {
        if (in->labels_path) {
            *rc = sirt_cli_usage(in->command, "--labels given twice");
            return -1;
        }
        in->labels_path = v;
        return 1;
    }
    const char *eq = strchr(v, '=');
    if (!eq || !name_ok(v, (size_t)(eq - v)) || eq[1] == '\0') {
        *rc = sirt_cli_usage(in->command,
                             "%s \"%s\": expected NAME=%s (NAME: 1-63 letters, digits, _ - . +)",
                             a, v, is_mask ? "FILE" : "VALUE");
        return -1;
    }
    if (in->n == DVH_MAX_STRUCTURES) {
        *rc = sirt_cli_usage(in->command, "more than %d structures", DVH_MAX_STRUCTURES);
        return -1;
    }
    dvh_structure *s = &in->s[in->n];
    memset(s, 0, sizeof *s);
    memcpy(s->name, v, (size_t)(eq - v));
    for (size_t k = 0; k < in->n; k++)
        if (strcmp(in->s[k].name, s->name) == 0) {
            *rc = sirt_cli_usage(in->command, "structure name \"%s\" given twice", s->name);
            return -1;
        }
    if (is_mask) {
        s->mask_path = eq + 1;
        snprintf(s->source, sizeof s->source, "%s", eq + 1);
    } else {
        if (!sirt_cli_strtod(eq + 1, &s->label)) {
            *rc = sirt_cli_usage(in->command, "--label \"%s\": VALUE must be a number", v);
            return -1;
        }
        s->mask_path = NULL;
        for (size_t k = 0; k < in->n; k++)
            if (!in->s[k].mask_path && in->s[k].label == s->label) {
                *rc = sirt_cli_usage(in->command, "label %g given twice (%s and %s)", s->label,
                                     in->s[k].name, s->name);
                return -1;
            }
    }
    in->n++;
    return 1;
}

int dvh_input_check(const dvh_input *in, int *rc)
{
    int has_label = 0;
    for (size_t k = 0; k < in->n; k++)
        has_label |= in->s[k].mask_path == NULL;
    if (!in->dose_path)
        *rc = sirt_cli_usage(in->command, "needs a dose image (DOSE.nii or DOSE.nii.gz)");
    else if (in->n == 0)
        *rc = sirt_cli_usage(in->command, "needs at least one --mask NAME=FILE or --label NAME=VALUE");
    else if (has_label && !in->labels_path)
        *rc = sirt_cli_usage(in->command, "--label needs --labels FILE");
    else if (!has_label && in->labels_path)
        *rc = sirt_cli_usage(in->command, "--labels given without any --label NAME=VALUE");
    else
        return 1;
    return 0;
}

sirt_status dvh_input_load(dvh_input *in, sirt_error *err)
{
    sirt_status st = sirt_image_read_nifti(in->dose_path, &in->dose, err);
    if (st != SIRT_OK)
        return st;
    sirt_image_unit u = in->dose->unit;
    if (u != SIRT_IMAGE_GY && !in->assume_gy) {
        if (u != SIRT_IMAGE_UNITLESS)
            return sirt_error_set(err, SIRT_EINVAL, in->dose_path,
                                  "%s: the image is in %s, not an absorbed dose in Gy (convert "
                                  "it, or pass --assume-gy if the values are Gy)",
                                  in->dose_path, sirt_image_unit_name(u));
        snprintf(in->unit_warning, sizeof in->unit_warning,
                 "%s records no unit; its values are taken as Gy (--assume-gy silences this)",
                 in->dose_path);
    }
    if (in->labels_path) {
        st = sirt_image_read_nifti(in->labels_path, &in->labels, err);
        if (st != SIRT_OK)
            return st;
    }
    for (size_t k = 0; k < in->n; k++)
        if (!in->s[k].mask_path)
            snprintf(in->s[k].source, sizeof in->s[k].source, "%s label %g", in->labels_path,
                     in->s[k].label);
    return SIRT_OK;
}

/* A mask file: occupancy must be within 0..1 (a label map is refused with a hint). */
static sirt_status read_mask(const char *path, const char *name, sirt_mask **out, sirt_error *err)
{
    sirt_image *img = NULL;
    sirt_status st = sirt_image_read_nifti(path, &img, err);
    if (st != SIRT_OK)
        return st;
    size_t n = sirt_image_voxel_count(img);
    int fractional = 0;
    for (size_t i = 0; i < n; i++) {
        float v = img->voxels[i];
        if (!(v >= 0.0f && v <= 1.0f)) {
            sirt_image_free(img);
            return sirt_error_set(err, SIRT_EINVAL, path,
                                  "%s (--mask %s): value %g at voxel %zu is not an occupancy "
                                  "(accepted: 0..1; for a label map use --labels FILE --label "
                                  "NAME=VALUE)",
                                  path, name, (double)v, i);
        }
        if (v != 0.0f && v != 1.0f)
            fractional = 1;
    }
    sirt_mask *m = calloc(1, sizeof *m);
    if (!m) {
        sirt_image_free(img);
        return sirt_error_set(err, SIRT_ENOMEM, path, "out of memory");
    }
    snprintf(m->name, sizeof m->name, "%s", name);
    m->fractional = fractional;
    img->unit = SIRT_IMAGE_MASK_FRACTION;
    m->image = img;
    *out = m;
    return SIRT_OK;
}

sirt_status dvh_input_mask(const dvh_input *in, size_t k, sirt_mask **out, sirt_error *err)
{
    *out = NULL;
    const dvh_structure *s = &in->s[k];
    sirt_mask *m = NULL;
    sirt_status st = s->mask_path
                         ? read_mask(s->mask_path, s->name, &m, err)
                         : sirt_mask_from_labels(in->labels, s->label, s->name, &m, err);
    if (st != SIRT_OK)
        return st;
    if (sirt_dvh_same_grid(m->image, in->dose)) {
        *out = m;
        return SIRT_OK;
    }
    sirt_mask *r = NULL;
    st = sirt_dvh_mask_on_grid(m, in->dose, &r, err);
    if (st != SIRT_OK && err) {
        /* Name the file: the library names only the structure. */
        char msg[sizeof err->message + 4200];
        snprintf(msg, sizeof msg, "%s: %s", s->mask_path ? s->mask_path : in->labels_path,
                 err->message);
        snprintf(err->message, sizeof err->message, "%.*s", (int)sizeof err->message - 1, msg);
    }
    sirt_mask_free(m);
    *out = r;
    return st;
}

void dvh_input_free(dvh_input *in)
{
    sirt_image_free(in->dose);
    sirt_image_free(in->labels);
    in->dose = in->labels = NULL;
}

sirt_status dvh_csv_begin(const char *dir, char *tmp, size_t tmp_size, sirt_error *err)
{
    struct stat sb;
    tmp[0] = '\0';
    if (stat(dir, &sb) == 0)
        return sirt_error_set(err, SIRT_EINVAL, "--csv",
                              "--csv %s: already exists (give a new folder; nothing is "
                              "overwritten)",
                              dir);
    int nw = snprintf(tmp, tmp_size, "%s.tmp-XXXXXX", dir);
    if (nw < 0 || (size_t)nw >= tmp_size || !mkdtemp(tmp)) {
        tmp[0] = '\0';
        return sirt_error_set(err, SIRT_EIO, "--csv",
                              "--csv %s: cannot create a folder next to it: %s", dir,
                              strerror(errno));
    }
    return SIRT_OK;
}

sirt_status dvh_csv_write(const char *tmpdir, const char *stem, const sirt_dvh *h,
                          sirt_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.csv", tmpdir, stem);
    size_t cap = 80 + h->n_bins * 100, len = 0;
    char *buf = malloc(cap);
    if (!buf)
        return sirt_error_set(err, SIRT_ENOMEM, path, "out of memory for %s", path);
    len += (size_t)snprintf(buf, cap, "dose_gy,cumulative_ml,cumulative_percent,differential_ml\n");
    for (size_t b = 0; b < h->n_bins && h->n_voxels > 0; b++) {
        double pct = 100.0 * h->cumulative_ml[b] / h->volume_ml;
        len += (size_t)snprintf(buf + len, cap - len, "%.6g,%.9g,%.9g,%.9g\n", h->dose_gy[b],
                                h->cumulative_ml[b], pct, h->differential_ml[b]);
    }
    sirt_status st = sirt_write_file_atomic(path, buf, len, err);
    free(buf);
    return st;
}

sirt_status dvh_csv_commit(const char *tmpdir, const char *dir, sirt_error *err)
{
    if (rename(tmpdir, dir) != 0) {
        sirt_error_set(err, SIRT_EIO, "--csv", "--csv %s: cannot rename %s to it: %s", dir,
                       tmpdir, strerror(errno));
        dvh_csv_abort(tmpdir);
        return SIRT_EIO;
    }
    return SIRT_OK;
}

/* Only our own temporary folder: every regular file in it is ours. */
void dvh_csv_abort(const char *tmpdir)
{
    DIR *d = opendir(tmpdir);
    if (d) {
        struct dirent *e;
        char path[4096 + 300];
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            snprintf(path, sizeof path, "%s/%s", tmpdir, e->d_name);
            remove(path);
        }
        closedir(d);
    }
    rmdir(tmpdir);
}
