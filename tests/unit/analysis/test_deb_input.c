/* DEB input files from memory: JSON sections, CSV with comments and SDs, AICc falling back to
 * AIC on tiny data, and errors naming the JSON path or CSV line. */
#include <math.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "check.h"
#include "sirt/deb.h"

static sirt_status load(const char *text, sirt_deb_input **in, sirt_error *err)
{
    sirt_error_clear(err);
    return sirt_deb_input_load_text(text, strlen(text), "t", in, err);
}

int main(void)
{
    gsl_set_error_handler_off();
    sirt_error err = {0};
    sirt_deb_input *in = NULL;

    const char *json =
        "{\"format\": \"sirtkit-deb/1\",\n"
        " \"release\": {\"time_h\": [1, 2, 4], \"fraction\": [0.1, 0.2, 0.35],"
        " \"fraction_sd\": [0.01, 0.01, 0.02]},\n"
        " \"fit\": {\"models\": [\"zero_order\", \"higuchi\"], \"criterion\": \"aicc\"},\n"
        " \"dose\": {\"product\": \"dc_bead\", \"dose_mg\": 75},\n"
        " \"pk\": {\"model\": \"two_compartment\", \"v_l\": 20, \"cl_l_per_h\": 10,"
        " \"k12_per_h\": 0.5, \"k21_per_h\": 0.1, \"local\": {\"volume_ml\": 100,"
        " \"washout_per_h\": 0.2}, \"t_end_h\": 48, \"step_h\": 0.5}}";
    check_int(load(json, &in, &err), SIRT_OK, "JSON input (%s)", err.message);
    if (in) {
        check_int((long)in->data->n, 3, "3 points");
        check_true(in->data->sd && in->data->sd[2] == 0.02, "SDs read");
        check_int((long)in->fit.models,
                  (long)((1u << SIRT_DEB_ZERO_ORDER) | (1u << SIRT_DEB_HIGUCHI)), "models");
        check_int(in->fit.criterion, SIRT_DEB_AICC, "criterion aicc");
        check_str(in->product, "dc_bead", "product");
        check_str(in->drug, "doxorubicin", "default drug");
        check_rel(in->pk.dose_mg, 75, 0, "pk dose from $.dose");
        check_int(in->pk.model, SIRT_DEB_PK_TWO_COMPARTMENT, "two compartments");
        check_true(isnan(in->pk.k_el_per_h) && in->pk.cl_l_per_h == 10, "CL given, k not");
        check_true(in->pk.has_local && in->pk.local_washout_per_h == 0.2, "local compartment");
        check_true(in->pk_release_best, "release_model defaults to best");
        /* 3 points, 1 parameter: AICc = AIC + 2·1·2/(3 − 2) is finite; fitted on the same 3
         * points (all F <= 0.6), so both are compared. */
        sirt_deb_fit_result res;
        check_int(sirt_deb_fit_release(in->data, &in->fit, &res, &err), SIRT_OK, "fit");
        check_true(res.fits[SIRT_DEB_HIGUCHI].comparable, "Higuchi compared (all F <= 0.6)");
        check_int(res.criterion, SIRT_DEB_AICC, "AICc used");
    }
    sirt_deb_input_free(in);

    /* Two points: AICc needs n > k + 1 = 2, so AIC decides. */
    check_int(load("time_h,fraction\n1,0.1\n2,0.2\n", &in, &err), SIRT_OK, "two-point CSV");
    if (in) {
        sirt_deb_fit_options o = sirt_deb_fit_options_default();
        o.models = 1u << SIRT_DEB_ZERO_ORDER | 1u << SIRT_DEB_FIRST_ORDER;
        o.criterion = SIRT_DEB_AICC;
        sirt_deb_fit_result res;
        check_int(sirt_deb_fit_release(in->data, &o, &res, &err), SIRT_OK, "fit 2 points");
        check_true(res.best >= 0, "a best model");
        check_int(res.criterion, SIRT_DEB_AIC, "fell back to AIC");
    }
    sirt_deb_input_free(in);

    /* CSV: comments, blank lines, CRLF, sd column. */
    check_int(load("# elution run 3\r\ntime_h,fraction,sd\r\n\r\n0,0,0.01\r\n 2 , 0.3 ,0.02\r\n",
                   &in, &err),
              SIRT_OK, "CSV with comments and CRLF (%s)", err.message);
    if (in)
        check_true(in->data->n == 2 && in->data->fraction[1] == 0.3 && in->data->sd[1] == 0.02,
                   "CSV values");
    sirt_deb_input_free(in);

    /* A given release model for PK. */
    check_int(load("{\"format\": \"sirtkit-deb/1\", \"release\": {\"model\": \"weibull\","
                   " \"parameters\": {\"tau_h\": 20, \"beta\": 0.6}, \"lag_h\": 1}}",
                   &in, &err),
              SIRT_OK, "given model (%s)", err.message);
    if (in)
        check_true(in->has_release && in->release.model == SIRT_DEB_WEIBULL &&
                       in->release.params[0] == 20 && in->release.lag_h == 1 && !in->data,
                   "weibull with lag");
    sirt_deb_input_free(in);

    /* Errors: field named, *out NULL. */
    const struct {
        const char *text, *field;
    } bad[] = {
        {"{\"format\": \"sirtkit-deb/1\", \"release\": {\"time_h\": [1, 2], \"fraction\": [0.1]}}",
         "$.release.fraction"},
        {"{\"format\": \"sirtkit-deb/1\", \"release\": {\"time_h\": [1, 2], \"fraction\": [0.1, 20]}}",
         "$.release.fraction[1]"},
        {"{\"format\": \"sirtkit-deb/2\", \"release\": {}}", "$.format"},
        {"{\"format\": \"sirtkit-deb/1\", \"release\": {\"model\": \"first_order\","
         " \"parameters\": {\"k1_per_h\": 0}}}",
         "$.release.parameters.k1_per_h"},
        {"{\"format\": \"sirtkit-deb/1\", \"release\": {\"model\": \"first_order\","
         " \"parameters\": {\"k1_per_h\": 0.1}}, \"pk\": {\"v_l\": 5, \"k_el_per_h\": 0.1,"
         " \"t_end_h\": 10, \"step_h\": 1}}",
         "$.dose"},
        {"{\"format\": \"sirtkit-deb/1\", \"release\": {\"model\": \"first_order\","
         " \"parameters\": {\"k1_per_h\": 0.1}}, \"dose\": {\"dose_mg\": 5}, \"pk\": {\"v_l\": 5,"
         " \"k_el_per_h\": 0.1, \"cl_l_per_h\": 1, \"t_end_h\": 10, \"step_h\": 1}}",
         "$.pk.k_el_per_h"},
        {"{\"format\": \"sirtkit-deb/1\", \"release\": {\"time_h\": [1], \"fraction\": [0.1]},"
         " \"fit\": {\"criterion\": \"bic\"}}",
         "$.fit.criterion"},
        {"time_h,fraction\n1,0.1\n2,abc\n", "fraction"},
        {"time_h,fraction\n1,0.1,0.2\n", "line"},
        {"time_h;fraction\n1;0.1\n", "header"},
        {"time_h,fraction\n", "fraction"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        in = (sirt_deb_input *)&err;
        check_true(load(bad[i].text, &in, &err) != SIRT_OK, "bad input %zu refused", i);
        check_str(err.field, bad[i].field, "bad input %zu field (%s)", i, err.message);
        check_true(in == NULL, "bad input %zu: *out NULL", i);
    }
    return check_failures();
}
