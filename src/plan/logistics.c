/* Logistics (domain §4): calibration and decay, glass dose-size selection, resin
 * vial drawing, spheres delivered, and measured dose-calibrator readings. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/numeric.h"
#include "plan/plan_internal.h"

static sirt_status calibration_time(sirt__plan_ctx *x, sirt_datetime *cal)
{
    const sirt_logistics *lg = &x->c->logistics;
    const sirt_product *pr = x->product;
    if (lg->has_calibration) {
        *cal = lg->calibration;
        return SIRT_OK;
    }
    switch (pr->calibration) {
    case SIRT_CAL_WEEKLY: {
        sirt_status st = sirt_product_calibration_before(pr, lg->treatment, cal, x->err);
        if (st)
            return st;
        char buf[40];
        sirt_datetime_format(*cal, buf, sizeof buf);
        sirt__plan_note(x, "Calibration not given: %s, the last weekly calibration of %s before "
                           "the treatment (%s).",
                        buf, pr->id, pr->calibration_source);
        return SIRT_OK;
    }
    case SIRT_CAL_TREATMENT:
        *cal = lg->treatment;
        sirt__plan_note(x, "%s is calibrated to the planned treatment time: no decay between "
                           "calibration and infusion.",
                        pr->id);
        return SIRT_OK;
    case SIRT_CAL_LABEL: break;
    }
    return sirt_error_set(x->err, SIRT_EINVAL, "$.logistics.calibration",
                          "$.logistics.calibration: %s is calibrated to the date-time printed on "
                          "the vial label; give it to compute the decay",
                          pr->id);
}

/* Glass: smallest dose size (standard or custom) with A_cal >= needed (domain §4). */
static double choose_dose_size(sirt__plan_ctx *x, double needed, int *custom, int *enough)
{
    const sirt_product *pr = x->product;
    const double tol = needed * 1e-9;
    double best = INFINITY, largest = 0.0;
    *custom = 0;
    for (size_t i = 0; i < pr->n_dose_sizes; i++) {
        if (pr->dose_sizes_gbq[i] > largest)
            largest = pr->dose_sizes_gbq[i];
        if (pr->dose_sizes_gbq[i] >= needed - tol && pr->dose_sizes_gbq[i] < best)
            best = pr->dose_sizes_gbq[i];
    }
    if (x->c->logistics.allow_custom_dose == 1 && sirt_finite(pr->custom_step_gbq) &&
        pr->custom_step_gbq > 0.0 && sirt_finite(pr->custom_min_gbq) &&
        sirt_finite(pr->custom_max_gbq)) {
        double k = ceil((needed - pr->custom_min_gbq) / pr->custom_step_gbq - 1e-9);
        double size = pr->custom_min_gbq + (k > 0.0 ? k : 0.0) * pr->custom_step_gbq;
        if (size <= pr->custom_max_gbq + tol && size < best - tol) {
            best = size;
            *custom = 1;
        }
        if (pr->custom_max_gbq > largest)
            largest = pr->custom_max_gbq;
    }
    *enough = sirt_finite(best);
    return *enough ? best : largest;
}

/* Rescale every territory's activity by s (the chosen vial), recomputing all doses. */
static void rescale(sirt__plan_ctx *x, double s)
{
    for (size_t t = 0; t < x->plan->n_territories; t++)
        sirt__plan_apply_activity(x, t, x->plan->territories[t].activity_gbq * s);
    sirt__plan_totals(x);
}

static sirt_status glass(sirt__plan_ctx *x, sirt_logistics_plan *lp, double order)
{
    sirt_plan *p = x->plan;
    int custom, enough;
    double size = choose_dose_size(x, lp->activity_at_calibration_needed_gbq, &custom, &enough);
    lp->dose_size_gbq = size;
    lp->dose_size_custom = custom;
    lp->activity_at_infusion_gbq = size * lp->decay_factor;
    lp->dose_scale = order > 0.0 ? lp->activity_at_infusion_gbq / order : NAN;
    if (!enough) {
        sirt_status st = sirt__plan_warn(
            x, SIRT_RULE_DOSE_SIZE, SIRT_SEVERITY_WARNING, "dose size at calibration",
            lp->activity_at_calibration_needed_gbq, size, "GBq", x->product->dose_sizes_source,
            "Activity needed at calibration %.2f GBq exceeds the largest dose size %.1f GBq of "
            "%s: the plan uses %.1f GBq (rule %s)",
            lp->activity_at_calibration_needed_gbq, size, x->product->id, size, SIRT_RULE_DOSE_SIZE);
        if (st)
            return st;
    }
    if (p->n_territories > 1)
        sirt__plan_note(x, "One dose vial is chosen for the session total of %zu territories; "
                           "order one vial per territory to split it.",
                        p->n_territories);
    if (!sirt_finite(lp->dose_scale))
        return SIRT_OK;
    /* The plan's doses are those of the chosen vial; the prescription stays in the notes. */
    for (size_t t = 0; t < p->n_territories; t++) {
        const sirt_territory_plan *tp = &p->territories[t];
        sirt__plan_note(x, "Prescription for territory %s before the dose-size choice: %.3f GBq "
                           "to deliver, perfused %.1f Gy, normal liver %.1f Gy, lung %.2f Gy.",
                        tp->name, tp->activity_gbq, tp->perfused_dose_gy,
                        tp->normal_liver_dose_gy, tp->lung_dose_gy);
    }
    rescale(x, lp->dose_scale);
    x->deviation_vial_percent = 100.0 * fabs(lp->dose_scale - 1.0);
    sirt__plan_note(x, "Needed at calibration %.2f GBq → %s dose size %.1f GBq; at infusion "
                       "%.3f GBq = %+.1f%% of the prescription; every dose is recomputed with "
                       "this vial.",
                    lp->activity_at_calibration_needed_gbq, custom ? "custom" : "standard", size,
                    lp->activity_at_infusion_gbq, 100.0 * (lp->dose_scale - 1.0));
    return SIRT_OK;
}

static sirt_status resin(sirt__plan_ctx *x, sirt_logistics_plan *lp, double order)
{
    const sirt_logistics *lg = &x->c->logistics;
    const sirt_product *pr = x->product;
    double vial = lg->vial_activity_gbq, vol = lg->vial_volume_ml;
    if (!sirt_finite(vial)) {
        vial = pr->vial_activity_gbq.value;
        sirt__plan_note(x, "Vial activity not given: the nominal %.1f GBq at calibration of %s "
                           "(%s).",
                        vial, pr->id, pr->vial_activity_gbq.source);
    }
    if (!sirt_finite(vol)) {
        vol = pr->vial_volume_ml.value;
        if (sirt_finite(vol))
            sirt__plan_note(x, "Vial volume not given: the nominal %.1f mL of %s.", vol, pr->id);
    }
    lp->vial_activity_at_infusion_gbq = vial * lp->decay_factor;
    lp->activity_at_infusion_gbq = order;
    lp->dose_scale = 1.0;
    /* V_draw = V_vial·A_patient/A_vial(t), homogeneous suspension (domain §4). */
    lp->draw_volume_ml = vol * order / lp->vial_activity_at_infusion_gbq;
    if (lp->vial_activity_at_infusion_gbq < order)
        return sirt__plan_warn(
            x, SIRT_RULE_VIAL, SIRT_SEVERITY_WARNING, "vial activity at infusion",
            lp->vial_activity_at_infusion_gbq, order, "GBq", pr->vial_activity_gbq.source,
            "The vial holds %.3f GBq at infusion, less than the %.3f GBq to draw (rule %s)",
            lp->vial_activity_at_infusion_gbq, order, SIRT_RULE_VIAL);
    return SIRT_OK;
}

static void spheres(sirt__plan_ctx *x, sirt_logistics_plan *lp)
{
    const sirt_product *pr = x->product;
    /* Delivered activity referred back to calibration, times spheres per GBq there. */
    double delivered_cal = x->plan->total_activity_gbq / lp->decay_factor;
    double per_sphere_cal = pr->activity_per_sphere_bq.value;
    if (sirt_finite(pr->spheres_per_gbq.value)) {
        lp->spheres_delivered = delivered_cal * pr->spheres_per_gbq.value;
        if (!sirt_finite(per_sphere_cal))
            per_sphere_cal = 1e9 / pr->spheres_per_gbq.value;
    } else if (sirt_finite(per_sphere_cal) && per_sphere_cal > 0.0) {
        lp->spheres_delivered = delivered_cal * 1e9 / per_sphere_cal;
    } else {
        lp->spheres_delivered = NAN;
    }
    /* a(t) = a_cal·exp(−λ(t − t_cal)) (domain §4). */
    lp->activity_per_sphere_bq = per_sphere_cal * lp->decay_factor;
}

static sirt_status measured(sirt__plan_ctx *x, sirt_logistics_plan *lp, sirt_datetime ref)
{
    const sirt_dose_calibrator *m = &x->c->logistics.measured;
    sirt_plan *p = x->plan;
    const double th = p->half_life_h;
    if (!(m->vial_before_gbq > 0.0) || !(m->residual_gbq >= 0.0))
        return sirt_error_set(x->err, SIRT_ERANGE, "$.logistics.dose_calibrator",
                              "$.logistics.dose_calibrator: vial reading %g GBq must be > 0 and "
                              "residual %g GBq >= 0",
                              m->vial_before_gbq, m->residual_gbq);
    /* Both readings decay-corrected to the infusion time (domain §4). */
    double before = m->vial_before_gbq * sirt_decay_factor(th, sirt_datetime_diff_h(m->before_time, ref));
    double resid = m->residual_gbq * sirt_decay_factor(th, sirt_datetime_diff_h(m->residual_time, ref));
    if (resid > before)
        return sirt_error_set(x->err, SIRT_ERANGE, "$.logistics.dose_calibrator.residual_gbq",
                              "$.logistics.dose_calibrator.residual_gbq: residual %.3f GBq exceeds the "
                              "vial reading %.3f GBq (both at infusion time)",
                              resid, before);
    lp->measured = 1;
    lp->delivered_activity_gbq = before - resid;
    lp->residual_fraction_measured = resid / before;
    /* One vial per session: the readings cover every territory infused from it, so
     * every territory's delivered doses scale by delivered / planned session activity. */
    double planned = 0.0, prescribed = 0.0;
    for (size_t t = 0; t < p->n_territories; t++) {
        planned += p->territories[t].activity_gbq;
        prescribed += x->aux[t].planned_activity_gbq;
    }
    double scale = planned > 0.0 ? lp->delivered_activity_gbq / planned : NAN;
    for (size_t t = 0; t < p->n_territories; t++) {
        sirt_territory_plan *tp = &p->territories[t];
        for (size_t j = 0; j < tp->n_compartments; j++)
            tp->compartments[j].delivered_dose_gy = tp->compartments[j].dose_gy * scale;
    }
    if (prescribed > 0.0)
        x->deviation_measured_percent = 100.0 * fabs(lp->delivered_activity_gbq / prescribed - 1.0);
    sirt__plan_note(x, "Measured: %.3f GBq delivered (vial %.3f − residual %.3f GBq at infusion "
                       "time; residual fraction %.1f%%) = %+.1f%% of the prescribed %.3f GBq for "
                       "the session; delivered doses of every territory scaled by %.4f.",
                    lp->delivered_activity_gbq, before, resid,
                    100.0 * lp->residual_fraction_measured,
                    prescribed > 0.0 ? 100.0 * (lp->delivered_activity_gbq / prescribed - 1.0) : 0.0,
                    prescribed, scale);
    return SIRT_OK;
}

sirt_status sirt__plan_logistics(sirt__plan_ctx *x)
{
    const sirt_logistics *lg = &x->c->logistics;
    sirt_plan *p = x->plan;
    sirt_logistics_plan *lp = &p->logistics;
    lp->decay_factor = NAN;
    lp->elapsed_h = NAN;
    lp->activity_at_calibration_needed_gbq = NAN;
    lp->dose_size_gbq = NAN;
    lp->activity_at_infusion_gbq = NAN;
    lp->dose_scale = NAN;
    lp->vial_activity_at_infusion_gbq = NAN;
    lp->draw_volume_ml = NAN;
    lp->spheres_delivered = NAN;
    lp->activity_per_sphere_bq = NAN;
    lp->delivered_activity_gbq = NAN;
    lp->residual_fraction_measured = NAN;
    if (!lg->has_treatment) {
        if (lg->measured.given)
            return measured(x, lp, lg->measured.before_time);
        return SIRT_OK;
    }
    sirt_datetime cal;
    sirt_status st = calibration_time(x, &cal);
    if (st)
        return st;
    lp->calibration = cal;
    lp->treatment = lg->treatment;
    lp->elapsed_h = sirt_datetime_diff_h(cal, lg->treatment);
    char tcal[40], ttx[40];
    sirt_datetime_format(cal, tcal, sizeof tcal);
    sirt_datetime_format(lg->treatment, ttx, sizeof ttx);
    const double window = x->product->use_window_h.value;
    if (lp->elapsed_h < 0.0)
        return sirt_error_set(x->err, SIRT_ERANGE, "$.logistics.treatment",
                              "$.logistics.treatment: treatment %s is %.1f h before the "
                              "calibration %s; the use window of %s is 0 to %g h after "
                              "calibration",
                              ttx, -lp->elapsed_h, tcal, x->product->id,
                              sirt_finite(window) ? window : INFINITY);
    if (sirt_finite(window) && lp->elapsed_h > window)
        return sirt_error_set(x->err, SIRT_ERANGE, "$.logistics.treatment",
                              "$.logistics.treatment: treatment %s is %.1f h after the "
                              "calibration %s, beyond the use window of %g h of %s (%s)",
                              ttx, lp->elapsed_h, tcal, window, x->product->id,
                              x->product->use_window_h.source);
    lp->decay_factor = sirt_decay_factor(p->half_life_h, lp->elapsed_h);
    double order = 0.0;
    for (size_t t = 0; t < p->n_territories; t++)
        order += p->territories[t].activity_order_gbq;
    /* A_cal,needed = A_tx·exp(+λ(t_tx − t_cal)) (domain §4). */
    lp->activity_at_calibration_needed_gbq = order / lp->decay_factor;
    lp->computed = 1;
    if (x->product->n_dose_sizes > 0)
        st = glass(x, lp, order);
    else if (sirt_finite(lg->vial_activity_gbq) || sirt_finite(x->product->vial_activity_gbq.value))
        st = resin(x, lp, order);
    else {
        lp->activity_at_infusion_gbq = order;
        lp->dose_scale = 1.0;
    }
    if (st)
        return st;
    spheres(x, lp);
    if (lg->measured.given)
        return measured(x, lp, lg->treatment);
    return SIRT_OK;
}
