/* `sirt run`: the whole chain on one case (sirt/run.h, docs/run.md). The output folder is
 * built under a temporary name next to it and renamed at the end, so a failed run leaves
 * nothing behind. */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run/run_internal.h"

void sirt_run_options_default(sirt_run_options *opt)
{
    memset(opt, 0, sizeof *opt);
}

void sirt__run_progress(const run_ctx *x, const char *fmt, ...)
{
    if (!x->opt->progress)
        return;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "sirt run: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void sirt__run_join(char *buf, size_t size, const char *base, const char *path)
{
    if (path[0] == '/' || !base || !*base)
        snprintf(buf, size, "%s", path);
    else
        snprintf(buf, size, "%s/%s", base, path);
}

/* SHA-256 of an input file (a folder is listed without a hash: its files are many). */
sirt_status sirt__run_add_input(run_ctx *x, const char *role, const char *path)
{
    if (x->n_inputs >= RUN_MAX_INPUTS)
        return SIRT_OK;
    run_input *in = &x->inputs[x->n_inputs];
    snprintf(in->role, sizeof in->role, "%s", role);
    snprintf(in->path, sizeof in->path, "%s", path);
    in->sha256[0] = '\0';
    struct stat sb;
    if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode)) {
        char *data = NULL;
        size_t size = 0;
        sirt_status st = sirt_read_file(path, (size_t)1 << 31, role, &data, &size, x->err);
        if (st != SIRT_OK)
            return st;
        sirt_sha256_hex(data, size, in->sha256);
        free(data);
    }
    x->n_inputs++;
    return SIRT_OK;
}

sirt_status sirt__run_out_path(run_ctx *x, char *buf, size_t size, const char *name)
{
    int n = snprintf(buf, size, "%s/%s", x->tmp_dir, name);
    if (n < 0 || (size_t)n >= size)
        return sirt_error_set(x->err, SIRT_EINVAL, "out", "output path too long: %s/%s",
                              x->tmp_dir, name);
    if (x->n_files < sizeof x->files / sizeof x->files[0])
        snprintf(x->files[x->n_files++], sizeof x->files[0], "%s", name);
    return SIRT_OK;
}


static void dirname_of(const char *path, char *buf, size_t size)
{
    snprintf(buf, size, "%s", path);
    char *slash = strrchr(buf, '/');
    if (!slash)
        snprintf(buf, size, ".");
    else if (slash == buf)
        buf[1] = '\0';
    else
        *slash = '\0';
}

static sirt_status load_case(run_ctx *x)
{
    sirt_error local = {0};
    sirt_status st = sirt_read_file(x->case_path, SIRT_CASE_MAX_BYTES, "case file", &x->case_text,
                                    &x->case_size, &local);
    if (st != SIRT_OK)
        return sirt_error_set(x->err, st, "$", "%s", local.message);
    st = sirt_case_parse_ex(x->case_text, x->case_size, SIRT_CASE_DEFER_IMAGE_VALUES, &x->c,
                            &local);
    if (st != SIRT_OK)
        return sirt_error_set(x->err, st, local.field, "%s (in %s)", local.message, x->case_path);
    return sirt__run_add_input(x, "case", x->case_path);
}

static sirt_status measure_images(run_ctx *x)
{
    sirt_case_images *im = &x->c->images;
    const char *roles[] = {"ct", "spect", "liver mask", "lungs mask", "body mask",
                           "post-treatment image"};
    const char *paths[] = {im->ct, im->spect, im->liver_mask.path, im->lungs_mask.path,
                           im->body_mask.path, im->post_image};
    char p[RUN_PATH];
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        if (!paths[i][0])
            continue;
        sirt__run_join(p, sizeof p, x->base_dir, paths[i]);
        TRY_RUN(sirt__run_add_input(x, roles[i], p));
    }
    for (size_t i = 0; i < im->n_territory_masks; i++) {
        sirt__run_join(p, sizeof p, x->base_dir, im->territory_masks[i].path);
        TRY_RUN(sirt__run_add_input(x, "territory mask", p));
    }
    for (size_t i = 0; i < im->n_tumour_masks; i++) {
        sirt__run_join(p, sizeof p, x->base_dir, im->tumour_masks[i].path);
        TRY_RUN(sirt__run_add_input(x, "tumour mask", p));
    }
    sirt__run_progress(x, "measuring volumes and SPECT counts on the images");
    TRY_RUN(sirt_image_workup_compute(x->c, x->base_dir, &x->workup, x->err));
    TRY_RUN(sirt_case_fill_from_workup(x->c, x->workup, x->err));
    sirt_error local = {0};
    sirt_status st = sirt_case_validate(x->c, &local);
    if (st != SIRT_OK)
        return sirt_error_set(x->err, st, local.field, "%s (in %s, after measuring the images)",
                              local.message, x->case_path);
    return SIRT_OK;
}

static sirt_status plan_case(run_ctx *x)
{
    const sirt_run_options *o = x->opt;
    TRY_RUN(sirt_catalogue_load_default(&x->cat, x->err));
    if (o->catalogue_path) {
        TRY_RUN(sirt_catalogue_merge_file(x->cat, o->catalogue_path, x->err));
        TRY_RUN(sirt__run_add_input(x, "catalogue", o->catalogue_path));
    }
    TRY_RUN(sirt_rules_load_default(&x->rules, x->err));
    if (o->rules_path) {
        TRY_RUN(sirt_rules_merge_file(x->rules, o->rules_path, x->err));
        TRY_RUN(sirt__run_add_input(x, "rules", o->rules_path));
    }
    sirt_plan_options popt;
    sirt_plan_options_default(&popt);
    popt.n_overrides = o->n_overrides;
    popt.overrides = (sirt_override *)o->overrides;
    sirt__run_progress(x, "planning (%s)", x->c->product);
    TRY_RUN(sirt_plan_compute(x->c, x->cat, x->rules, &popt, &x->plan, x->err));
    if (x->store) {
        TRY_RUN(sirt_store_plan_add_note(x->plan, x->merge.note, x->err));
        TRY_RUN(sirt_store_plan_add_note(x->plan, x->merge.liver_note, x->err));
    }
    if (x->workup)
        for (size_t i = 0; i < x->workup->warnings.count; i++)
            TRY_RUN(sirt_warning_list_add(&x->plan->warnings, &x->workup->warnings.items[i],
                                          x->err));
    return SIRT_OK;
}

/* Create the temporary output folder next to the final one. */
static sirt_status make_tmp_dir(run_ctx *x)
{
    const char *out = x->opt->out_dir;
    struct stat sb;
    if (stat(out, &sb) == 0 && !x->opt->force)
        return sirt_error_set(x->err, SIRT_EINVAL, "out",
                              "\"%s\" exists; choose another --out folder or add --force to "
                              "replace it",
                              out);
    char parent[RUN_PATH];
    dirname_of(out, parent, sizeof parent);
    if (stat(parent, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return sirt_error_set(x->err, SIRT_EIO, "out", "\"%s\": the parent folder \"%s\" does "
                              "not exist", out, parent);
    int n = snprintf(x->tmp_dir, sizeof x->tmp_dir, "%s.tmp-XXXXXX", out);
    if (n < 0 || (size_t)n >= sizeof x->tmp_dir)
        return sirt_error_set(x->err, SIRT_EINVAL, "out", "output path too long");
    if (!mkdtemp(x->tmp_dir)) {
        x->tmp_dir[0] = '\0';
        return sirt_error_set(x->err, SIRT_EIO, "out", "\"%s\": cannot create a folder next to "
                              "it: %s", out, strerror(errno));
    }
    char fig[RUN_PATH + 16];
    snprintf(fig, sizeof fig, "%s/figures", x->tmp_dir);
    if (mkdir(fig, 0777) != 0)
        return sirt_error_set(x->err, SIRT_EIO, "out", "\"%s\": %s", fig, strerror(errno));
    return SIRT_OK;
}

static sirt_status publish(run_ctx *x)
{
    const char *out = x->opt->out_dir;
    char old[RUN_PATH + 32] = "";
    struct stat sb;
    if (stat(out, &sb) == 0) {
        /* --force: move the old folder aside first, so that the new one appears whole. */
        snprintf(old, sizeof old, "%s.old-XXXXXX", out);
        if (!mkdtemp(old) || rename(out, old) != 0) {
            sirt_status st = sirt_error_set(x->err, SIRT_EIO, "out",
                                            "\"%s\": cannot move the old folder aside: %s", out,
                                            strerror(errno));
            if (old[0])
                rmdir(old);
            return st;
        }
    }
    if (rename(x->tmp_dir, out) != 0) {
        sirt_status st = sirt_error_set(x->err, SIRT_EIO, "out", "\"%s\": %s", out,
                                        strerror(errno));
        if (old[0])
            rename(old, out);
        return st;
    }
    x->tmp_dir[0] = '\0';
    if (old[0])
        sirt_remove_tree(old);
    return SIRT_OK;
}

static void ctx_free(run_ctx *x)
{
    for (size_t i = 0; i < x->n_s; i++) {
        sirt_mask_free(x->s[i].mask);
        sirt_dvh_free(x->s[i].dvh);
        sirt_dvh_free(x->s[i].dvh_post);
        sirt_radiobio_result_free(x->s[i].rb);
    }
    free(x->s);
    sirt_image_free(x->ct);
    sirt_image_free(x->spect);
    sirt_image_free(x->activity);
    sirt_image_free(x->dose);
    sirt_image_free(x->post);
    sirt_image_free(x->post_activity);
    sirt_image_free(x->dose_post);
    sirt_image_free(x->dose_diff);
    sirt_image_workup_free(x->workup);
    sirt_store_close(x->store);
    sirt_plan_free(x->plan);
    sirt_case_free(x->c);
    sirt_rules_free(x->rules);
    sirt_catalogue_free(x->cat);
    free(x->case_text);
}

sirt_status sirt_run_case(const char *case_path, const sirt_run_options *opt,
                          sirt_run_result *result, sirt_error *err)
{
    if (result)
        memset(result, 0, sizeof *result);
    if (!case_path || !opt || !opt->out_dir || !opt->out_dir[0])
        return sirt_error_set(err, SIRT_EINVAL, "out", "a case file and an output folder are "
                              "needed");
    if (opt->monte_carlo)
        return sirt_error_set(err, SIRT_EUNSUPPORTED, "--mc",
                              "Monte Carlo dose is not available yet in this version; the "
                              "kernel convolution is the default (docs/run.md)");
    run_ctx x;
    memset(&x, 0, sizeof x);
    x.opt = opt;
    x.err = err;
    x.case_path = case_path;
    dirname_of(case_path, x.base_dir, sizeof x.base_dir);
    sirt_status st = load_case(&x);
    if (st == SIRT_OK && x.c->images.given)
        st = measure_images(&x);
    if (st == SIRT_OK && opt->db_path)
        st = sirt__run_db_open(&x);
    if (st == SIRT_OK)
        st = plan_case(&x);
    if (st == SIRT_OK)
        st = make_tmp_dir(&x);
    if (st == SIRT_OK && x.c->images.given)
        st = sirt__run_dose(&x);
    if (st == SIRT_OK && x.store)
        st = sirt__run_db_record(&x);
    if (st == SIRT_OK)
        st = sirt__run_write_outputs(&x);
    if (st == SIRT_OK && opt->log)
        st = sirt_plan_print(opt->log, x.c, x.plan, opt->color, err);
    if (st == SIRT_OK)
        st = publish(&x);
    if (st == SIRT_OK && result) {
        result->n_active_warnings =
            sirt_warning_list_count_active(&x.plan->warnings, SIRT_SEVERITY_WARNING);
        result->total_activity_gbq = x.plan->total_activity_gbq;
        result->lsf_fraction = x.plan->lsf_fraction;
        result->lung_dose_gy = x.plan->lung_dose_gy;
        result->had_images = x.c->images.given;
        result->had_post_treatment = x.dose_post != NULL;
    }
    if (x.tmp_dir[0])
        sirt_remove_tree(x.tmp_dir);
    ctx_free(&x);
    return st;
}
