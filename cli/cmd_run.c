/* sirt run: the main job on one case, or on the bundled digital demo patient (docs/run.md,
 * docs/cli/run.md). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "cli.h"
#include "sirt/phantom.h"
#include "sirt/run.h"

#define MAX_OVERRIDES 16

void sirt_cmd_run_help(FILE *fp)
{
    fprintf(fp,
            "Usage: sirt run CASE.json --out DIR [options]\n"
            "       sirt run demo [--out DIR] [--seed N] [--size clinical|small|tiny]\n\n"
            "Runs the whole chain on one patient: loads the images the case names ($.images:\n"
            "CT, simulation SPECT, masks, post-treatment image), measures volumes, counts, LSF,\n"
            "T/N and extrahepatic deposition, plans the activity (the case's model and the\n"
            "others for comparison), computes the voxel dose (kernel convolution), DVHs and\n"
            "radiobiology, compares planned with delivered dose when a post-treatment image is\n"
            "given, and writes one folder: plan.json, plan.txt, dose_planned.nii.gz and\n"
            "dose_planned_rtdose.dcm, dvh.csv, figures/*.png and report.pdf.\n\n"
            "'sirt run demo' first writes the digital demo patient (sirt phantom) to\n"
            "DIR-patient, then runs on it.\n\n"
            "Options:\n"
            "  --out DIR            output folder (demo: default sirt-demo); written whole\n"
            "  --force              replace an existing output folder\n"
            "  --catalogue FILE     merge a clinic catalogue into the installed one\n"
            "  --rules FILE         merge clinic rules into the installed ones\n"
            "  --override RULE --reason TEXT   accept one safety warning, with the reason\n"
            "  --operator NAME      who overrides (default: the OS user)\n"
            "  --db PATH            record the plan, images and voxel doses (default $SIRT_DB);\n"
            "                       recorded prior treatments join the cumulative lung check\n"
            "  --no-db              record nothing even when SIRT_DB is set\n"
            "  --supersedes PLAN    the new plan corrects plan row PLAN (needs a database)\n"
            "  --histories N        kernel Monte Carlo histories (default: the engine's)\n"
            "  --cache DIR          kernel cache folder\n"
            "  --mc                 Monte Carlo dose (not available yet: refused)\n"
            "  --strict             exit 1 when a safety warning is active\n"
            "  --quiet              no plan on the terminal\n"
            "  --no-color           no colour on the terminal\n"
            "  --seed N, --size S   demo only: phantom seed (default 1) and size (default\n"
            "                       clinical: CT 512x512x200, about 1.5 min and 4 GB; small:\n"
            "                       CT 128x128x60; tiny)\n\n"
            "Exit status: 0 done (warnings allowed), 1 invalid input or failed run (nothing is\n"
            "left at --out), 2 usage error.\n");
}

typedef struct run_args {
    const char *case_path, *out, *catalogue, *rules, *operator_name, *cache, *size, *db;
    int force, mc, strict, quiet, color, demo, no_db;
    double supersedes;
    long histories;
    double seed;
    sirt_override overrides[MAX_OVERRIDES];
    size_t n_overrides;
} run_args;

static int parse_args(int argc, char **argv, run_args *a)
{
    memset(a, 0, sizeof *a);
    a->color = isatty(STDOUT_FILENO);
    a->seed = 1;
    int pending = 0;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define NEED_VALUE()                                                                               \
    do {                                                                                           \
        if (!v)                                                                                    \
            return sirt_cli_usage("run", "%s needs a value", arg);                                \
        i++;                                                                                       \
    } while (0)
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            sirt_cmd_run_help(stdout);
            return -1;
        } else if (strcmp(arg, "--out") == 0) {
            NEED_VALUE();
            a->out = v;
        } else if (strcmp(arg, "--catalogue") == 0) {
            NEED_VALUE();
            a->catalogue = v;
        } else if (strcmp(arg, "--rules") == 0) {
            NEED_VALUE();
            a->rules = v;
        } else if (strcmp(arg, "--operator") == 0) {
            NEED_VALUE();
            a->operator_name = v;
        } else if (strcmp(arg, "--db") == 0) {
            NEED_VALUE();
            a->db = v;
        } else if (strcmp(arg, "--no-db") == 0) {
            a->no_db = 1;
        } else if (strcmp(arg, "--supersedes") == 0) {
            NEED_VALUE();
            if (!sirt_cli_strtod(v, &a->supersedes) || a->supersedes < 1 ||
                a->supersedes != floor(a->supersedes) || a->supersedes > 9e15)
                return sirt_cli_usage("run", "--supersedes %s: expected a plan row id (1, 2, ...)",
                                      v);
        } else if (strcmp(arg, "--cache") == 0) {
            NEED_VALUE();
            a->cache = v;
        } else if (strcmp(arg, "--size") == 0) {
            NEED_VALUE();
            a->size = v;
        } else if (strcmp(arg, "--seed") == 0) {
            NEED_VALUE();
            if (!sirt_cli_strtod(v, &a->seed) || a->seed < 0 || a->seed > SIRT_PHANTOM_SEED_MAX ||
                a->seed != floor(a->seed))
                return sirt_cli_usage("run", "--seed %s: expected a whole number 0..4294967295",
                                      v);
        } else if (strcmp(arg, "--histories") == 0) {
            NEED_VALUE();
            double h;
            if (!sirt_cli_strtod(v, &h) || h < 1000 || h > 1e10 || h != floor(h))
                return sirt_cli_usage("run", "--histories %s: expected a whole number 1000..1e10",
                                      v);
            a->histories = (long)h;
        } else if (strcmp(arg, "--override") == 0) {
            NEED_VALUE();
            if (pending)
                return sirt_cli_usage("run", "--override %s needs --reason TEXT first",
                                      a->overrides[a->n_overrides - 1].rule);
            if (a->n_overrides == MAX_OVERRIDES)
                return sirt_cli_usage("run", "at most %d overrides", MAX_OVERRIDES);
            snprintf(a->overrides[a->n_overrides++].rule, sizeof a->overrides[0].rule, "%s", v);
            pending = 1;
        } else if (strcmp(arg, "--reason") == 0) {
            NEED_VALUE();
            if (!pending)
                return sirt_cli_usage("run", "--reason must follow an --override RULE");
            if (!v[0])
                return sirt_cli_usage("run", "--reason must not be empty");
            snprintf(a->overrides[a->n_overrides - 1].reason, sizeof a->overrides[0].reason,
                     "%s", v);
            pending = 0;
        } else if (strcmp(arg, "--force") == 0) {
            a->force = 1;
        } else if (strcmp(arg, "--mc") == 0) {
            a->mc = 1;
        } else if (strcmp(arg, "--strict") == 0) {
            a->strict = 1;
        } else if (strcmp(arg, "--quiet") == 0) {
            a->quiet = 1;
        } else if (strcmp(arg, "--no-color") == 0) {
            a->color = 0;
        } else if (arg[0] == '-' && arg[1] != '\0') {
            return sirt_cli_usage("run", "unknown option '%s'", arg);
        } else if (!a->case_path) {
            a->case_path = arg;
        } else {
            return sirt_cli_usage("run", "only one case is accepted (got '%s' and '%s')",
                                  a->case_path, arg);
        }
#undef NEED_VALUE
    }
    if (pending)
        return sirt_cli_usage("run", "--override %s needs --reason TEXT",
                              a->overrides[a->n_overrides - 1].rule);
    if (!a->case_path)
        return sirt_cli_usage("run", "missing the case file (or 'demo')");
    a->demo = strcmp(a->case_path, "demo") == 0;
    if (a->demo && !a->out)
        a->out = "sirt-demo";
    if (!a->out)
        return sirt_cli_usage("run", "missing --out DIR (the output folder)");
    if (!a->demo && (a->size || a->seed != 1))
        return sirt_cli_usage("run", "--seed and --size apply to 'sirt run demo' only");
    if (a->db && a->no_db)
        return sirt_cli_usage("run", "--db and --no-db contradict each other");
    if (!a->db && !a->no_db && getenv("SIRT_DB") && getenv("SIRT_DB")[0])
        a->db = getenv("SIRT_DB");
    if (a->supersedes > 0 && !a->db)
        return sirt_cli_usage("run", "--supersedes needs a database (--db PATH or SIRT_DB)");
    const char *op = a->operator_name ? a->operator_name : getenv("USER");
    for (size_t k = 0; k < a->n_overrides; k++)
        snprintf(a->overrides[k].operator_name, sizeof a->overrides[k].operator_name, "%s",
                 op ? op : "unknown");
    return SIRT_EXIT_OK;
}

static void phantom_progress(void *ctx, const char *stage, double fraction)
{
    (void)ctx;
    fprintf(stderr, "\rsirt run: demo patient: %-28s %3.0f%%", stage, 100.0 * fraction);
    if (fraction >= 1.0)
        fputc('\n', stderr);
}

/* The demo patient: generated into OUT-patient (replaced each time: the same seed gives the
 * same bytes, so nothing is lost); its case-run.json leaves the measurable numbers to the
 * images. Fills `case_path`. */
static sirt_status make_demo(const run_args *a, char *case_path, size_t size, sirt_error *err)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s-patient", a->out);
    sirt_phantom_options po = sirt_phantom_options_default();
    po.seed = (uint64_t)a->seed;
    sirt_status st = sirt_phantom_options_set_size(&po, a->size ? a->size : "clinical", err);
    if (st != SIRT_OK)
        return st;
    if (isatty(STDERR_FILENO))
        po.progress = phantom_progress;
    sirt_phantom *ph = NULL;
    st = sirt_phantom_generate(&po, &ph, err);
    if (st != SIRT_OK)
        return st;
    sirt_phantom_write_options wo = sirt_phantom_write_options_default();
    wo.force = 1;
    st = sirt_phantom_write(ph, dir, &wo, err);
    sirt_phantom_free(ph);
    if (st == SIRT_OK)
        snprintf(case_path, size, "%s/case-run.json", dir);
    return st;
}

int sirt_cmd_run(int argc, char **argv)
{
    run_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc != SIRT_EXIT_OK)
        return rc < 0 ? SIRT_EXIT_OK : rc;
    gsl_set_error_handler_off();
    sirt_error err = {0};
    char demo_case[4200];
    const char *case_path = a.case_path;
    if (a.demo) {
        if (make_demo(&a, demo_case, sizeof demo_case, &err) != SIRT_OK)
            return sirt_cli_fail(&err);
        case_path = demo_case;
    }
    sirt_run_options o;
    sirt_run_options_default(&o);
    o.out_dir = a.out;
    o.force = a.force || a.demo;
    o.monte_carlo = a.mc;
    o.catalogue_path = a.catalogue;
    o.rules_path = a.rules;
    o.overrides = a.overrides;
    o.n_overrides = a.n_overrides;
    o.kernel_histories = a.histories;
    o.cache_dir = a.cache;
    o.progress = isatty(STDERR_FILENO);
    o.log = a.quiet ? NULL : stdout;
    o.color = a.color;
    o.db_path = a.db;
    o.operator_name = a.operator_name;
    o.supersedes_plan_id = (long long)a.supersedes;
    sirt_run_result r;
    if (sirt_run_case(case_path, &o, &r, &err) != SIRT_OK)
        return sirt_cli_fail(&err);
    if (!a.quiet)
        printf("\nOutput: %s (plan.json, report.pdf, dose, DVH, figures)\n", a.out);
    if (r.n_active_warnings)
        fprintf(stderr, "sirt run: %zu active safety warning(s)%s\n", r.n_active_warnings,
                a.strict ? "; failing because of --strict" : "");
    return a.strict && r.n_active_warnings ? SIRT_EXIT_FAIL : SIRT_EXIT_OK;
}
