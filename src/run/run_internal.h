/* Private: the state of one `sirt run` (src/run/). */
#ifndef SIRT_RUN_INTERNAL_H
#define SIRT_RUN_INTERNAL_H

#include <cJSON.h>

#include "sirt/sirt.h"
#include "sirt/dvh.h"
#include "sirt/radiobiology.h"
#include "sirt/report_pdf.h"
#include "sirt/run.h"

#define RUN_PATH 4096

#define TRY_RUN(expr)                                                                              \
    do {                                                                                           \
        sirt_status try_run_st_ = (expr);                                                          \
        if (try_run_st_ != SIRT_OK)                                                                \
            return try_run_st_;                                                                    \
    } while (0)
#define RUN_MAX_INPUTS 64

/* One structure analysed: its mask on the CT (or its own) grid and the results on the dose
 * grid. */
typedef struct run_structure {
    char name[64];
    char kind[16];            /* "liver", "lungs", "territory", "tumour", "normal_liver" */
    sirt_mask *mask;          /* owned */
    double centroid_mm[3];    /* LPS */
    sirt_dvh *dvh;            /* planned dose */
    sirt_dvh *dvh_post;       /* delivered dose (NULL without post-treatment image) */
    sirt_radiobio_result *rb; /* tumours and normal liver */
} run_structure;

typedef struct run_input {
    char role[32];
    char path[RUN_PATH];
    char sha256[65];          /* "" for a folder */
} run_input;

typedef struct run_ctx {
    const sirt_run_options *opt;
    sirt_error *err;
    const char *case_path;
    char base_dir[RUN_PATH];
    char *case_text;
    size_t case_size;
    sirt_case *c;
    sirt_catalogue *cat;
    sirt_rules *rules;
    sirt_plan *plan;
    sirt_image_workup *workup;
    sirt_image *ct, *spect, *activity, *dose;
    sirt_image *post, *post_activity, *dose_post, *dose_diff;
    sirt_dose_result dose_info, dose_post_info;
    char post_note[512];
    run_structure *s;
    size_t n_s;
    run_input inputs[RUN_MAX_INPUTS];
    size_t n_inputs;
    char tmp_dir[RUN_PATH];
    char files[32][64];       /* files written, relative to the output folder */
    size_t n_files;
    sirt_store *store;        /* --db */
    sirt_store_merge merge;
    sirt_store_recorded rec;
} run_ctx;

void sirt__run_progress(const run_ctx *x, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void sirt__run_join(char *buf, size_t size, const char *base, const char *path);
sirt_status sirt__run_add_input(run_ctx *x, const char *role, const char *path);
sirt_status sirt__run_out_path(run_ctx *x, char *buf, size_t size, const char *name);

/* run_dose.c: activity map, dose, structures, DVH, radiobiology, post-treatment. */
sirt_status sirt__run_dose(run_ctx *x);
/* run_record.c: --db. Open and merge prior treatments (before planning); record (after the
 * dose). */
sirt_status sirt__run_db_open(run_ctx *x);
sirt_status sirt__run_db_record(run_ctx *x);

/* run_output.c: plan.json, dvh.csv, figures, report.pdf. */
sirt_status sirt__run_write_outputs(run_ctx *x);

#endif
