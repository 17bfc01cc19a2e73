/* sirt cohort results as JSON and as text (docs/cli/cohort.md). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "core/json_write.h"
#include "sirt/cohort.h"

const char *sirt_version(void);

static const char *ci_name(const sirt_cohort *c, const sirt_cohort_result *r)
{
    switch (r->options.ci) {
    case SIRT_COHORT_CI_DELTA:
        return "delta";
    case SIRT_COHORT_CI_PROFILE:
        return "profile-likelihood";
    case SIRT_COHORT_CI_BOOTSTRAP:
        break;
    }
    return c->clustered ? "cluster-bootstrap" : "bootstrap";
}

static void add_dose(cJSON *o, const char *key, const sirt_cohort_dose *d)
{
    cJSON *x = cJSON_AddObjectToObject(o, key);
    if (!x)
        return;
    sirt__json_add_number(x, "dose_gy", d->value_gy);
    sirt__json_add_number(x, "ci_lo_gy", d->lo_gy);
    sirt__json_add_number(x, "ci_hi_gy", d->hi_gy);
    cJSON_AddBoolToObject(x, "ci_lo_open", isinf(d->lo_gy));
    cJSON_AddBoolToObject(x, "ci_hi_open", isinf(d->hi_gy));
    sirt__json_add_number(x, "delta_ci_lo_gy", d->delta_lo_gy);
    sirt__json_add_number(x, "delta_ci_hi_gy", d->delta_hi_gy);
    cJSON_AddBoolToObject(x, "extrapolated", d->extrapolated);
    cJSON_AddBoolToObject(x, "undetermined", d->undetermined);
    sirt__json_add_number(x, "raw_dose_gy", d->raw_value_gy);
}

sirt_status sirt_cohort_to_json(const sirt_cohort *c, const sirt_cohort_result *r,
                                const char *source_path, char **json_out, sirt_error *err)
{
    if (!json_out)
        return sirt_error_set(err, SIRT_EINVAL, "json_out", "sirt_cohort_to_json: json_out is NULL");
    *json_out = NULL;
    if (!c || !r)
        return sirt_error_set(err, SIRT_EINVAL, "result", "sirt_cohort_to_json: no result");
    const int logm = r->options.model == SIRT_COHORT_MODEL_LOG_DOSE;
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return sirt_error_set(err, SIRT_ENOMEM, "json", "out of memory");
    cJSON_AddStringToObject(o, "format", "sirtkit-cohort-result/1");
    cJSON_AddStringToObject(o, "sirtkit_version", sirt_version());
    if (source_path)
        cJSON_AddStringToObject(o, "input", source_path);
    cJSON_AddStringToObject(o, "metric", c->metric);
    cJSON_AddStringToObject(o, "outcome",
                            c->outcome == SIRT_COHORT_TOXICITY ? "toxicity" : "response");
    cJSON_AddStringToObject(o, "model", logm ? "log-dose" : "dose");
    cJSON_AddStringToObject(o, "x", logm ? "ln(dose_gy / 1 Gy)" : "dose_gy");
    sirt__json_add_number(o, "n_records", (double)r->n);
    sirt__json_add_number(o, "n_events", (double)r->n_events);
    sirt__json_add_number(o, "n_patients", (double)r->n_patients);
    cJSON_AddBoolToObject(o, "clustered", c->clustered);
    sirt__json_add_number(o, "dose_min_gy", r->dose_min_gy);
    sirt__json_add_number(o, "dose_max_gy", r->dose_max_gy);

    cJSON *fit = cJSON_AddObjectToObject(o, "fit");
    if (fit) {
        cJSON_AddStringToObject(fit, "equation", "P = 1 / (1 + exp(-(b0 + b1 x)))");
        sirt__json_add_number(fit, "b0", r->b0);
        sirt__json_add_number(fit, "b1", r->b1);
        sirt__json_add_number(fit, "se_b0", r->se_b0);
        sirt__json_add_number(fit, "se_b1", r->se_b1);
        sirt__json_add_number(fit, "cov_b0_b1", r->cov_b0_b1);
        sirt__json_add_number(fit, "log_likelihood", r->log_likelihood);
        sirt__json_add_number(fit, "null_log_likelihood", r->null_log_likelihood);
        sirt__json_add_number(fit, "lr_p_value", r->lr_p_value);
        sirt__json_add_number(fit, "gamma50", r->gamma50);
        sirt__json_add_number(fit, "iterations", r->iterations);
    }
    cJSON *ci = cJSON_AddObjectToObject(o, "ci");
    if (ci) {
        cJSON_AddStringToObject(ci, "method", ci_name(c, r));
        sirt__json_add_number(ci, "level", r->options.ci_level);
        if (r->options.ci == SIRT_COHORT_CI_BOOTSTRAP) {
            cJSON_AddStringToObject(ci, "resampled", "patients");
            sirt__json_add_number(ci, "n_bootstrap", r->options.n_bootstrap);
            sirt__json_add_number(ci, "seed", (double)r->options.seed);
            cJSON_AddStringToObject(ci, "rng", "gsl_rng_mt19937");
            sirt__json_add_number(ci, "n_used", r->n_bootstrap_used);
            sirt__json_add_number(ci, "n_separated", r->n_bootstrap_separated);
        }
    }
    add_dose(o, "d50", &r->d50);
    add_dose(o, "d80", &r->d80);
    cJSON *roc = cJSON_AddObjectToObject(o, "roc");
    if (roc) {
        sirt__json_add_number(roc, "auc", r->auc);
        sirt__json_add_number(roc, "auc_ci_lo", r->auc_lo);
        sirt__json_add_number(roc, "auc_ci_hi", r->auc_hi);
        sirt__json_add_number(roc, "mann_whitney_u", r->mann_whitney_u);
        cJSON_AddStringToObject(roc, "youden_rule",
                                r->youden_above ? "event when dose >= threshold"
                                                : "event when dose <= threshold");
        sirt__json_add_number(roc, "youden_threshold_gy", r->youden_threshold_gy);
        sirt__json_add_number(roc, "youden_j", r->youden_j);
        sirt__json_add_number(roc, "sensitivity", r->sensitivity);
        sirt__json_add_number(roc, "specificity", r->specificity);
    }
    cJSON *ws = cJSON_AddArrayToObject(o, "warnings");
    for (size_t i = 0; ws && i < r->warnings.count; i++) {
        const sirt_warning *w = &r->warnings.items[i];
        cJSON *x = cJSON_CreateObject();
        if (!x)
            break;
        cJSON_AddStringToObject(x, "rule", w->rule);
        cJSON_AddStringToObject(x, "severity", sirt_severity_str(w->severity));
        cJSON_AddStringToObject(x, "message", w->message);
        cJSON_AddItemToArray(ws, x);
    }
    cJSON *recs = cJSON_AddArrayToObject(o, "records");
    for (size_t i = 0; recs && i < c->n; i++) {
        const sirt_cohort_record *rec = &c->records[i];
        cJSON *x = cJSON_CreateObject();
        if (!x)
            break;
        cJSON_AddStringToObject(x, "patient_id", rec->patient_id);
        if (rec->lesion_id[0])
            cJSON_AddStringToObject(x, "lesion_id", rec->lesion_id);
        sirt__json_add_number(x, "dose_gy", rec->dose_gy);
        cJSON_AddBoolToObject(x, "event", rec->event);
        if (rec->response_class[0])
            cJSON_AddStringToObject(x, "response", rec->response_class);
        sirt__json_add_number(x, "fitted_probability", sirt_cohort_probability(r, rec->dose_gy));
        cJSON_AddItemToArray(recs, x);
    }
    sirt_status st = sirt__json_print(o, json_out, NULL, err);
    cJSON_Delete(o);
    return st;
}

/* "[lo, hi] Gy" with open sides written as such. */
static void fmt_ci(char *buf, size_t size, double lo, double hi)
{
    char a[32], b[32];
    if (isinf(lo))
        snprintf(a, sizeof a, "open");
    else
        snprintf(a, sizeof a, "%.4g", lo);
    if (isinf(hi))
        snprintf(b, sizeof b, "open");
    else
        snprintf(b, sizeof b, "%.4g", hi);
    if (isnan(lo) || isnan(hi))
        snprintf(buf, size, "not available");
    else
        snprintf(buf, size, "%s to %s Gy", a, b);
}

sirt_status sirt_cohort_print(FILE *fp, const sirt_cohort *c, const sirt_cohort_result *r,
                              sirt_error *err)
{
    if (!fp || !c || !r)
        return sirt_error_set(err, SIRT_EINVAL, "result", "sirt_cohort_print: no result");
    const int logm = r->options.model == SIRT_COHORT_MODEL_LOG_DOSE;
    const int tox = c->outcome == SIRT_COHORT_TOXICITY;
    const double pct = 100.0 * r->options.ci_level;
    char ci50[80], ci80[80], d50[80], d80[80], method[96];
    fmt_ci(ci50, sizeof ci50, r->d50.lo_gy, r->d50.hi_gy);
    fmt_ci(ci80, sizeof ci80, r->d80.lo_gy, r->d80.hi_gy);
    fmt_ci(d50, sizeof d50, r->d50.delta_lo_gy, r->d50.delta_hi_gy);
    fmt_ci(d80, sizeof d80, r->d80.delta_lo_gy, r->d80.delta_hi_gy);
    if (r->options.ci == SIRT_COHORT_CI_BOOTSTRAP)
        snprintf(method, sizeof method, "%s, %d of %d replicates, seed %lu", ci_name(c, r),
                 r->n_bootstrap_used, r->options.n_bootstrap, r->options.seed);
    else
        snprintf(method, sizeof method, "%s", ci_name(c, r));
    fprintf(fp, "Cohort dose-response: %s vs %s\n", c->metric, tox ? "toxicity" : "response");
    fprintf(fp, "  records            %zu from %zu patient(s)%s\n", r->n, r->n_patients,
            c->clustered ? " (several lesions per patient: clustered)" : "");
    fprintf(fp, "  %-18s %zu of %zu (%.1f %%)\n", tox ? "toxicity" : "responders", r->n_events,
            r->n, 100.0 * (double)r->n_events / (double)r->n);
    fprintf(fp, "  dose range         %.4g to %.4g Gy\n", r->dose_min_gy, r->dose_max_gy);
    fprintf(fp, "  model              logit P = b0 + b1 * %s\n", logm ? "ln(D / 1 Gy)" : "D");
    fprintf(fp, "  b0                 %.6g (SE %.3g)\n", r->b0, r->se_b0);
    fprintf(fp, "  b1                 %.6g %s (SE %.3g)\n", r->b1, logm ? "per ln-unit" : "/Gy",
            r->se_b1);
    fprintf(fp, "  gamma50            %.4g\n", r->gamma50);
    fprintf(fp, "  likelihood ratio   p = %.3g (dose effect vs none)\n", r->lr_p_value);
    const sirt_cohort_dose *dd[2] = {&r->d50, &r->d80};
    const char *cis[2] = {ci50, ci80}, *deltas[2] = {d50, d80};
    for (int k = 0; k < 2; k++) {
        if (dd[k]->undetermined) {
            fprintf(fp, "  D%d                not determined (see the warning)\n", k ? 80 : 50);
            continue;
        }
        fprintf(fp, "  D%d                %.4g Gy, %g %% CI %s (%s)%s\n", k ? 80 : 50,
                dd[k]->value_gy, pct, cis[k], method,
                dd[k]->extrapolated ? " [extrapolated]" : "");
        fprintf(fp, "                     delta method: %s\n", deltas[k]);
    }
    fprintf(fp, "  ROC AUC            %.4f (Mann-Whitney, ties count 1/2)", r->auc);
    if (isfinite(r->auc_lo))
        fprintf(fp, ", %g %% CI %.3f to %.3f", pct, r->auc_lo, r->auc_hi);
    fprintf(fp, "\n");
    fprintf(fp, "  Youden threshold   dose %s %.4g Gy: sensitivity %.1f %%, specificity %.1f %%, "
                "J = %.3f\n",
            r->youden_above ? ">=" : "<=", r->youden_threshold_gy, 100.0 * r->sensitivity,
            100.0 * r->specificity, r->youden_j);
    for (size_t i = 0; i < r->warnings.count; i++)
        fprintf(fp, "  warning: %s [%s]\n", r->warnings.items[i].message,
                r->warnings.items[i].rule);
    if (ferror(fp))
        return sirt_error_set(err, SIRT_EIO, "stdout", "could not write the summary");
    return SIRT_OK;
}
