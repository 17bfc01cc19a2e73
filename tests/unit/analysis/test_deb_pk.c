/* DEB pharmacokinetics against analytic solutions: zero-order input into one compartment
 * (infusion formula), first-order input (Bateman), the local compartment, AUC = dose/CL for
 * two compartments and for Higuchi release (infinite initial rate), and bad parameters. */
#include <math.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "check.h"
#include "sirt/deb.h"

static size_t at(const sirt_deb_pk_result *r, double t)
{
    for (size_t i = 0; i < r->n; i++)
        if (fabs(r->time_h[i] - t) < 1e-9)
            return i;
    return 0;
}

int main(void)
{
    gsl_set_error_handler_off();
    sirt_error err = {0};
    sirt_deb_pk_result *r = NULL;

    /* 1. Zero order: 100 mg at k0 = 0.01/h is R0 = 1 mg/h for 100 h; V = 20 L, k = 0.1/h.
     * During the infusion C(t) = R0/(k·V)·(1 − e^(−kt)) = 0.5 mg/L·(1 − e^(−kt))
     * = 500 ng/mL·(1 − e^(−kt)): C(10) = 316.0603, C(50) = 496.6310, C(100) = 499.9773 =
     * Cmax. AUC(0-100) = 500·(100 − 10·(1 − e^−10)) = 45000.227 ng·h/mL. Above 250 ng/mL from
     * 10·ln2 = 6.931472 h to 100 + 10·ln(499.9773/250) = 100 + 10·(0.6931472 − 0.0000454) =
     * 106.931018 h: 99.999546 h. Body at 100 h
     * holds C·V = 9.999546 mg, so 90.000454 mg are eliminated. */
    {
        sirt_deb_release z = {SIRT_DEB_ZERO_ORDER, {0.01, 0}, 0};
        sirt_deb_pk_params p = sirt_deb_pk_params_default();
        p.dose_mg = 100, p.v_l = 20, p.k_el_per_h = 0.1, p.t_end_h = 100, p.step_h = 0.01;
        check_int(sirt_deb_pk_simulate(&z, &p, &r, &err), SIRT_OK, "zero order PK (%s)",
                  err.message);
        const double ts[] = {1, 10, 50, 99.99};
        for (int i = 0; i < 4; i++)
            check_rel(r->plasma_ng_per_ml[at(r, ts[i])], 500.0 * (1 - exp(-0.1 * ts[i])), 1e-8,
                      "C(%g h) = R0/(kV)(1 - e^-kt)", ts[i]);
        check_rel(r->cmax_ng_per_ml, 499.97730, 1e-7, "Cmax at the end of release");
        check_rel(r->tmax_h, 100, 1e-12, "tmax 100 h");
        check_rel(r->auc_ng_h_per_ml, 45000.227, 1e-7, "AUC 0-100 h");
        check_rel(r->eliminated_mg, 90.000454, 1e-6, "eliminated");
        sirt_deb_pk_result_free(r);
        p.t_end_h = 200, p.threshold_ng_per_ml = 250;
        check_int(sirt_deb_pk_simulate(&z, &p, &r, &err), SIRT_OK, "zero order to 200 h");
        check_rel(r->time_above_threshold_h, 99.999546, 1e-6, "time above 250 ng/mL");
        /* after the release C decays: C(150) = C(100)·e^(−5) */
        check_rel(r->plasma_ng_per_ml[at(r, 150)], 499.97730 * exp(-5.0), 1e-7, "C(150 h)");
        /* CL instead of k: CL = k·V = 2 L/h gives the same */
        double c150 = r->plasma_ng_per_ml[at(r, 150)];
        sirt_deb_pk_result_free(r);
        p.k_el_per_h = NAN, p.cl_l_per_h = 2.0;
        check_int(sirt_deb_pk_simulate(&z, &p, &r, &err), SIRT_OK, "CL form");
        check_rel(r->plasma_ng_per_ml[at(r, 150)], c150, 1e-12, "CL = k·V same result");
        sirt_deb_pk_result_free(r);
    }

    /* 2. First order k1 = 0.05/h into one compartment k = 0.2/h, V = 10 L, 100 mg (Bateman):
     * A(t) = D·k1/(k − k1)·(e^(−k1 t) − e^(−kt)); A(10) = 33.3333·(0.6065307 − 0.1353353)
     * = 15.70651 mg → 1570.651 ng/mL; tmax = ln(k/k1)/(k − k1) = ln 4/0.15 = 9.2420 h. */
    {
        sirt_deb_release f = {SIRT_DEB_FIRST_ORDER, {0.05, 0}, 0};
        sirt_deb_pk_params p = sirt_deb_pk_params_default();
        p.dose_mg = 100, p.v_l = 10, p.k_el_per_h = 0.2, p.t_end_h = 48, p.step_h = 0.001;
        check_int(sirt_deb_pk_simulate(&f, &p, &r, &err), SIRT_OK, "first order PK");
        check_rel(r->plasma_ng_per_ml[at(r, 10)], 1570.651, 1e-6, "Bateman C(10 h)");
        check_rel(r->tmax_h, 9.2420, 1e-3, "Bateman tmax (grid 0.001 h)");
        sirt_deb_pk_result_free(r);

        /* 3. Local compartment in series: V_L = 200 mL, washout 0.5/h: A_L(t) =
         * D·k1/(kw − k1)·(e^(−k1 t) − e^(−kw t)) = 11.1111·(0.6065307 − 0.0067379) = 6.664364
         * mg at 10 h → 6.664364/200 mg/mL = 33321.8 ng/mL. Its maximum is at
         * ln(kw/k1)/(kw − k1) = ln 10/0.45 = 5.1169 h. */
        p.has_local = 1, p.local_volume_ml = 200, p.local_washout_per_h = 0.5;
        p.local_target_ng_per_ml = 30000;
        check_int(sirt_deb_pk_simulate(&f, &p, &r, &err), SIRT_OK, "local compartment");
        check_rel(r->local_ng_per_ml[at(r, 10)], 33321.82, 1e-6, "local C(10 h)");
        check_rel(r->local_tmax_h, 5.1169, 1e-3, "local tmax");
        /* Window above 30000 ng/mL: A_L = 6 mg; the first crossing solves
         * 11.1111(e^−0.05t − e^−0.5t) = 6 and lies before tmax, the last after. */
        check_true(r->local_window_start_h < 5.1169 && r->local_window_end_h > 5.1169,
                   "window brackets tmax (%g-%g h)", r->local_window_start_h,
                   r->local_window_end_h);
        double a = 100 * 0.05 / 0.45;
        double fs = a * (exp(-0.05 * r->local_window_start_h) -
                         exp(-0.5 * r->local_window_start_h)) / 200 * 1e6;
        double fe = a * (exp(-0.05 * r->local_window_end_h) - exp(-0.5 * r->local_window_end_h)) /
                    200 * 1e6;
        check_rel(fs, 30000, 1e-5, "window starts at the target");
        check_rel(fe, 30000, 1e-5, "window ends at the target");
        check_rel(r->local_time_above_target_h, r->local_window_end_h - r->local_window_start_h,
                  1e-9, "one window");
        sirt_deb_pk_result_free(r);
    }

    /* 4. Two compartments (V1 10 L, k10 0.1, k12 0.3, k21 0.05 /h): all drug is eventually
     * eliminated and AUC(0-inf) = dose/CL = 100 mg/(0.1·10 L/h) = 100 mg·h/L = 100000 ng·h/mL.
     * Slowest disposition rate: s² + 0.45 s + 0.005 = 0 → 0.01140/h, so by 2000 h the
     * remainder is e^(−22.8) ≈ 1e-10. Mass balance: released = body + eliminated. */
    {
        sirt_deb_release f = {SIRT_DEB_FIRST_ORDER, {0.5, 0}, 0};
        sirt_deb_pk_params p = sirt_deb_pk_params_default();
        p.model = SIRT_DEB_PK_TWO_COMPARTMENT;
        p.dose_mg = 100, p.v_l = 10, p.k_el_per_h = 0.1, p.k12_per_h = 0.3, p.k21_per_h = 0.05;
        p.t_end_h = 2000, p.step_h = 1;
        check_int(sirt_deb_pk_simulate(&f, &p, &r, &err), SIRT_OK, "two compartments (%s)",
                  err.message);
        check_rel(r->auc_ng_h_per_ml, 100000, 1e-6, "AUC = dose/CL");
        check_rel(r->eliminated_mg, 100, 1e-6, "all eliminated");
        sirt_deb_pk_result_free(r);
    }

    /* 5. Higuchi kH = 0.2 h^-0.5 (infinite rate at t = 0, complete at 25 h) into one
     * compartment k = 0.1/h, V = 20 L: AUC(0-500 h) = dose/(kV) = 50 mg·h/L = 50000. */
    {
        sirt_deb_release h = {SIRT_DEB_HIGUCHI, {0.2, 0}, 0};
        sirt_deb_pk_params p = sirt_deb_pk_params_default();
        p.dose_mg = 100, p.v_l = 20, p.k_el_per_h = 0.1, p.t_end_h = 500, p.step_h = 0.5;
        check_int(sirt_deb_pk_simulate(&h, &p, &r, &err), SIRT_OK, "Higuchi PK");
        check_rel(r->auc_ng_h_per_ml, 50000, 1e-6, "Higuchi AUC = dose/CL");
        check_rel(r->released_mg[at(r, 25)], 100, 1e-12, "all released at 25 h");
        check_rel(r->released_mg[at(r, 4)], 40, 1e-12, "0.2·sqrt(4)·100 = 40 mg at 4 h");
        sirt_deb_pk_result_free(r);
    }

    /* 6. Bad parameters name the field; *out stays NULL. */
    {
        sirt_deb_release f = {SIRT_DEB_FIRST_ORDER, {0.05, 0}, 0};
        sirt_deb_pk_params p = sirt_deb_pk_params_default();
        p.dose_mg = -5, p.v_l = 10, p.k_el_per_h = 0.2, p.t_end_h = 48, p.step_h = 1;
        r = (sirt_deb_pk_result *)&p; /* must be reset */
        check_int(sirt_deb_pk_simulate(&f, &p, &r, &err), SIRT_ERANGE, "negative dose");
        check_str(err.field, "pk.dose_mg", "dose field");
        check_true(r == NULL, "*out NULL");
        check_true(strstr(err.message, "-5 mg") != NULL, "value with unit: %s", err.message);
        sirt_error_clear(&err);
        p.dose_mg = 75, p.step_h = 0;
        check_int(sirt_deb_pk_simulate(&f, &p, &r, &err), SIRT_ERANGE, "step 0");
        check_str(err.field, "pk.step_h", "step field");
        sirt_error_clear(&err);
        p.step_h = 1, p.model = SIRT_DEB_PK_TWO_COMPARTMENT;
        check_int(sirt_deb_pk_simulate(&f, &p, &r, &err), SIRT_ERANGE, "two compartments need k12");
        check_str(err.field, "pk.k12_per_h", "k12 field");
        sirt_error_clear(&err);
        f.params[0] = -1;
        p.model = SIRT_DEB_PK_ONE_COMPARTMENT;
        check_int(sirt_deb_pk_simulate(&f, &p, &r, &err), SIRT_ERANGE, "negative k1");
    }
    return check_failures();
}
