/* Shared input handling of sirt dvh and sirt radiobiology: the dose image, structures from
 * mask files (--mask NAME=FILE) or a label map (--labels FILE --label NAME=VALUE). */
#ifndef SIRT_CLI_DVH_INPUT_H
#define SIRT_CLI_DVH_INPUT_H

#include <stddef.h>
#include "sirt/sirt.h"
#include "sirt/dvh.h"

#define DVH_MAX_STRUCTURES 64

typedef struct dvh_structure {
    char name[64];
    const char *mask_path; /* --mask, or NULL for a label */
    double label;          /* --label value */
    char source[600];      /* "FILE" or "LABELS label 3" for messages and JSON */
} dvh_structure;

typedef struct dvh_input {
    const char *command;
    const char *dose_path;
    const char *labels_path;
    int assume_gy;
    dvh_structure s[DVH_MAX_STRUCTURES];
    size_t n;
    sirt_image *dose;
    sirt_image *labels;
    char unit_warning[300]; /* non-empty when the dose unit was assumed */
} dvh_input;

/* Try to consume argv[*i] (and its value): returns 1 when consumed, 0 when not an input
 * option, -1 on a usage error (printed; *rc set to the exit code). */
int dvh_input_option(dvh_input *in, int argc, char **argv, int *i, int *rc);
/* After parsing: usage checks (dose given, at least one structure, labels iff --labels). */
int dvh_input_check(const dvh_input *in, int *rc);
/* Read the dose (unit checked: Gy; unitless accepted with a warning; others refused unless
 * --assume-gy) and the label map. */
sirt_status dvh_input_load(dvh_input *in, sirt_error *err);
/* Structure k as a mask on the dose grid (caller frees). */
sirt_status dvh_input_mask(const dvh_input *in, size_t k, sirt_mask **out, sirt_error *err);
void dvh_input_free(dvh_input *in);

/* CSV curves into a folder, atomically: begin creates DIR.tmp-XXXXXX next to DIR (DIR
 * must not exist), write adds STEM.csv, commit renames the folder to DIR, abort removes it
 * with its files. */
sirt_status dvh_csv_begin(const char *dir, char *tmp, size_t tmp_size, sirt_error *err);
sirt_status dvh_csv_write(const char *tmpdir, const char *stem, const sirt_dvh *h,
                          sirt_error *err);
sirt_status dvh_csv_commit(const char *tmpdir, const char *dir, sirt_error *err);
void dvh_csv_abort(const char *tmpdir);

/* Options text shared by the two help pages. */
#define DVH_INPUT_HELP                                                                          \
    "  --mask NAME=FILE     a structure: NIfTI mask, occupancy 0..1 (binary or fractional);\n" \
    "                       on another grid than the dose it is resampled (fractional)\n"      \
    "  --labels FILE        a NIfTI label map (integer labels)\n"                             \
    "  --label NAME=VALUE   a structure: the voxels of --labels equal to VALUE\n"             \
    "  --assume-gy          take the dose as Gy whatever unit the file records\n"

#endif
