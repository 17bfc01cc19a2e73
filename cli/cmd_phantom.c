/* sirt phantom: write the digital patient (docs/cli/phantom.md, docs/phantom.md). */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "cli.h"

void sirt_cmd_phantom_help(FILE *fp)
{
    fprintf(fp,
            "Usage: sirt phantom --out DIR [--seed N] [--size clinical|small|tiny]\n"
            "                    [--format nifti|dicom|both] [--lsf-fraction F] [--force]\n\n"
            "Writes a synthetic patient into DIR: CT, fractional masks and a label map, a\n"
            "99mTc-MAA SPECT with planar counts, a 90Y PET and a 166Ho SPECT consistent with a\n"
            "partition-model plan, truth.json (every true value), case.json (sirtkit-case/1)\n"
            "and planar.json. The same seed gives the same bytes. DIR is written atomically\n"
            "(built next to it and renamed); an existing non-empty DIR is refused.\n\n"
            "Options:\n"
            "  --out DIR           output folder (required)\n"
            "  --seed N            random seed, 0-4294967295 (default 1)\n"
            "  --size NAME         clinical (CT 512x512x200, default), small (128x128x60) or\n"
            "                      tiny (64x64x30)\n"
            "  --format F          both (default: NIfTI and DICOM), nifti or dicom\n"
            "  --lsf-fraction F    lung shunt fraction of the MAA, 0-0.9 (default 0.08)\n"
            "  --force             replace an existing non-empty DIR\n\n"
            "Exit status: 0 success, 1 invalid input or failure, 2 usage error.\n");
}

static void show_progress(void *ctx, const char *stage, double f)
{
    (void)ctx;
    fprintf(stderr, "\r%-40s %3.0f %%", stage, 100.0 * f);
    if (f >= 1.0)
        fputc('\n', stderr);
    fflush(stderr);
}

/* Seeds are whole numbers 0 .. 2^32-1 (gsl_rng_set takes an unsigned long). */
static int parse_seed(const char *text, uint64_t *out, sirt_error *err)
{
    double v = NAN;
    if (!sirt_cli_strtod(text, &v) || v < 0.0 || v > SIRT_PHANTOM_SEED_MAX || v != floor(v)) {
        sirt_error_set(err, SIRT_ERANGE, "--seed",
                       "--seed \"%s\" is not a seed (accepted: a whole number 0-4294967295)",
                       text);
        return 0;
    }
    *out = (uint64_t)v;
    return 1;
}

int sirt_cmd_phantom(int argc, char **argv)
{
    const char *out = NULL, *seed_text = NULL, *size = "clinical", *format = "both";
    const char *lsf_text = NULL;
    int force = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--out") == 0 || strcmp(a, "--seed") == 0 || strcmp(a, "--size") == 0 ||
            strcmp(a, "--format") == 0 || strcmp(a, "--lsf-fraction") == 0) {
            if (i + 1 >= argc)
                return sirt_cli_usage("phantom", "option %s needs a value", a);
            const char *v = argv[++i];
            if (strcmp(a, "--out") == 0)
                out = v;
            else if (strcmp(a, "--seed") == 0)
                seed_text = v;
            else if (strcmp(a, "--size") == 0)
                size = v;
            else if (strcmp(a, "--format") == 0)
                format = v;
            else
                lsf_text = v;
        } else if (strcmp(a, "--force") == 0) {
            force = 1;
        } else if (a[0] == '-' && a[1] != '\0') {
            return sirt_cli_usage("phantom", "unknown option '%s'", a);
        } else {
            return sirt_cli_usage("phantom", "unexpected argument '%s'", a);
        }
    }
    if (!out)
        return sirt_cli_usage("phantom", "needs --out DIR");
    gsl_set_error_handler_off();

    sirt_error err = {0};
    sirt_phantom *ph = NULL;
    sirt_phantom_options opt = sirt_phantom_options_default();
    sirt_phantom_write_options w = sirt_phantom_write_options_default();
    w.force = force;
    if (strcmp(format, "nifti") == 0) {
        w.formats = SIRT_PHANTOM_FORMAT_NIFTI;
    } else if (strcmp(format, "dicom") == 0) {
        w.formats = SIRT_PHANTOM_FORMAT_DICOM;
    } else if (strcmp(format, "both") == 0) {
        w.formats = SIRT_PHANTOM_FORMAT_NIFTI | SIRT_PHANTOM_FORMAT_DICOM;
    } else {
        sirt_error_set(&err, SIRT_EINVAL, "--format",
                       "--format \"%s\" is not an output format (accepted: nifti, dicom, both)",
                       format);
        return sirt_cli_fail(&err);
    }
    if (seed_text && !parse_seed(seed_text, &opt.seed, &err))
        return sirt_cli_fail(&err);
    if (sirt_phantom_options_set_size(&opt, size, &err) != SIRT_OK)
        return sirt_cli_fail(&err);
    if (lsf_text) {
        double v = NAN;
        if (!sirt_cli_strtod(lsf_text, &v) || v < 0.0 || v > 0.9) {
            sirt_error_set(&err, SIRT_ERANGE, "--lsf-fraction",
                           "--lsf-fraction \"%s\" is not a fraction (accepted 0-0.9, e.g. 0.08 "
                           "for 8%%)",
                           lsf_text);
            return sirt_cli_fail(&err);
        }
        opt.lsf_fraction = v;
    }
    /* Refuse a non-empty folder before the work, not after it (the writer checks again). */
    if (isatty(fileno(stderr)))
        opt.progress = show_progress;
    int rc = SIRT_EXIT_FAIL;
    sirt_status st;
    if (sirt_phantom_write_check(out, &w, &err) != SIRT_OK)
        goto done;
    if (sirt_phantom_generate(&opt, &ph, &err) != SIRT_OK)
        goto done;
    st = sirt_phantom_write(ph, out, &w, &err);
    if (opt.progress)
        fputc('\n', stderr);
    if (st != SIRT_OK)
        goto done;
    const sirt_phantom_truth *t = sirt_phantom_get_truth(ph);
    printf("sirt phantom: seed %llu, size %s, written to %s\n", (unsigned long long)opt.seed,
           opt.size_name, out);
    printf("  liver                %.1f mL (%.1f mL normal), lungs %.1f mL\n", t->liver_volume_ml,
           t->liver_normal_volume_ml, t->lung_volume_ml);
    for (size_t k = 0; k < t->n_tumours; k++)
        printf("  %-20s %.2f mL (analytic %.2f mL), T/N %.3g (viable %.3g)\n",
               opt.tumours[k].name, t->tumours[k].volume_ml, t->tumours[k].volume_analytic_ml,
               t->tumours[k].tn_ratio, t->tumours[k].tn_ratio_viable);
    printf("  MAA                  %.1f MBq, LSF %.2f %% (planar GM %.2f %%)\n",
           t->maa_activity_bq / 1e6, 100.0 * t->lsf_fraction, 100.0 * t->lsf_planar_fraction);
    printf("  90Y (partition)      %.3f GBq, limited by %s; normal liver %.1f Gy, lung %.1f Gy\n",
           t->y90_activity_bq / 1e9, t->y90_limit, t->y90_dose_normal_gy, t->y90_dose_lung_gy);
    printf("  166Ho (whole liver)  %.0f MBq\n", t->ho_activity_bq / 1e6);
    rc = SIRT_EXIT_OK;
done:
    if (err.status != SIRT_OK)
        rc = sirt_cli_fail(&err);
    sirt_phantom_free(ph);
    return rc;
}
