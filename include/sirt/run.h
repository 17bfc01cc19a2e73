/* sirt/run.h: the main job, `sirt run CASE` (docs/run.md): images → work-up → plan → voxel
 * dose → DVH and radiobiology → planned versus delivered → one output folder with plan.json,
 * dose (NIfTI and RT Dose), DVH CSV, figures and report.pdf. */
#ifndef SIRT_RUN_H
#define SIRT_RUN_H

#include <stddef.h>
#include <stdio.h>
#include "sirt/error.h"
#include "sirt/plan.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sirt_run_options {
    const char *out_dir;          /* required; written as a whole (temporary folder, rename) */
    int force;                    /* replace an existing output folder */
    int monte_carlo;              /* dose by Monte Carlo instead of the kernel */
    const char *catalogue_path;   /* merged into the installed catalogue; NULL: none */
    const char *rules_path;       /* merged into the installed rules; NULL: none */
    const sirt_override *overrides;
    size_t n_overrides;
    long kernel_histories;        /* 0: the dose engine's default */
    const char *cache_dir;        /* kernel cache; NULL: the dose engine's default */
    int progress;                 /* stage lines on stderr (the CLI sets it on a terminal) */
    FILE *log;                    /* the plan and the run summary as text; NULL: quiet */
    int color;                    /* colour in `log` */
    /* Records (docs/store.md): the database to record the plan, the images (hashes and
     * geometry) and the voxel doses in; NULL: nothing recorded. Prior treatments recorded
     * there join the cumulative lung check. */
    const char *db_path;
    const char *operator_name;    /* NULL: the OS user */
    long long supersedes_plan_id; /* 0: none */
} sirt_run_options;

void sirt_run_options_default(sirt_run_options *opt);

typedef struct sirt_run_result {
    size_t n_active_warnings;     /* safety warnings not overridden */
    double total_activity_gbq;
    double lsf_fraction;
    double lung_dose_gy;
    int had_images, had_post_treatment;
} sirt_run_result;

/* Run the whole chain on one case file. On failure nothing is left at opt->out_dir (an
 * existing folder is kept unless the run succeeds with opt->force). */
sirt_status sirt_run_case(const char *case_path, const sirt_run_options *opt,
                          sirt_run_result *result, sirt_error *err);

#ifdef __cplusplus
}
#endif
#endif
