/* `sirt run --db`: prior treatments into the cumulative lung check, then the plan, the image
 * sets (content hashes, geometry) and the voxel doses recorded in one transaction
 * (docs/store.md, docs/run.md). */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/run_internal.h"

sirt_status sirt__run_db_open(run_ctx *x)
{
    TRY_RUN(sirt_store_open(x->opt->db_path, SIRT_STORE_CREATE, &x->store, x->err));
    if (x->opt->operator_name)
        TRY_RUN(sirt_store_set_operator(x->store, x->opt->operator_name, x->err));
    return sirt_store_merge_prior(x->store, x->c, &x->merge, x->err);
}

static const sirt_image *image_for(const run_ctx *x, const char *role)
{
    if (strcmp(role, "ct") == 0)
        return x->ct;
    if (strcmp(role, "spect") == 0)
        return x->spect;
    if (strcmp(role, "post-treatment image") == 0)
        return x->post;
    return NULL;
}

static void geometry_json(const sirt_image *im, char *buf, size_t size)
{
    snprintf(buf, size,
             "{\"size\":[%zu,%zu,%zu],\"spacing_mm\":[%.6g,%.6g,%.6g],"
             "\"origin_mm\":[%.6g,%.6g,%.6g],\"unit\":\"%s\"}",
             im->nx, im->ny, im->nz, im->spacing_mm[0], im->spacing_mm[1], im->spacing_mm[2],
             im->origin_mm[0], im->origin_mm[1], im->origin_mm[2], sirt_image_unit_name(im->unit));
}

sirt_status sirt__run_db_record(run_ctx *x)
{
    sirt_store_study studies[RUN_MAX_INPUTS];
    char geom[RUN_MAX_INPUTS][256];
    size_t n_studies = 0;
    for (size_t i = 0; i < x->n_inputs; i++) {
        const run_input *in = &x->inputs[i];
        if (strcmp(in->role, "case") == 0 || strcmp(in->role, "catalogue") == 0 ||
            strcmp(in->role, "rules") == 0)
            continue;
        const sirt_image *im = image_for(x, in->role);
        if (im)
            geometry_json(im, geom[n_studies], sizeof geom[0]);
        studies[n_studies].role = in->role;
        studies[n_studies].path = in->path;
        studies[n_studies].sha256 = in->sha256;
        studies[n_studies].geometry_json = im ? geom[n_studies] : NULL;
        n_studies++;
    }
    sirt_store_voxel_dose *vd = calloc(x->n_s ? x->n_s : 1, sizeof *vd);
    if (!vd)
        return sirt_error_set(x->err, SIRT_ENOMEM, "db", "out of memory");
    for (size_t i = 0; i < x->n_s; i++) {
        vd[i].structure = x->s[i].name;
        vd[i].volume_ml = x->s[i].dvh ? x->s[i].dvh->volume_ml : NAN;
        vd[i].planned_mean_gy = x->s[i].dvh ? x->s[i].dvh->mean_gy : NAN;
        vd[i].delivered_mean_gy = x->s[i].dvh_post ? x->s[i].dvh_post->mean_gy : NAN;
    }
    char *json = NULL;
    sirt_status st = sirt_plan_to_json(x->c, x->plan, x->case_path, &json, x->err);
    if (st == SIRT_OK) {
        sirt_store_plan_input in;
        memset(&in, 0, sizeof in);
        in.case_json = x->case_text;
        in.case_size = x->case_size;
        in.case_path = x->case_path;
        in.plan_json = json;
        in.rules_version = sirt_rules_version(x->rules);
        in.merge = &x->merge;
        in.supersedes_plan_id = (int64_t)x->opt->supersedes_plan_id;
        in.n_studies = n_studies;
        in.studies = studies;
        in.n_voxel_doses = x->n_s;
        in.voxel_doses = vd;
        st = sirt_store_record_plan(x->store, x->c, x->plan, &in, &x->rec, x->err);
    }
    free(json);
    free(vd);
    return st;
}
