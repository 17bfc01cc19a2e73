/* Weekly calibration (TheraSphere: Sunday 12:00 US Eastern with US DST; domain.md §4). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "sirt/sirt.h"

/* Check that `treatment` maps to `expected` (ISO text with offset) and Δt hours. */
static void expect_cal(const sirt_product *p, const char *treatment, const char *expected,
                       double hours)
{
    sirt_error err = {0};
    sirt_datetime t, cal = {0, 0};
    check_int(sirt_datetime_parse(treatment, "t", &t, &err), SIRT_OK, "parse %s", treatment);
    check_int(sirt_product_calibration_before(p, t, &cal, &err), SIRT_OK, "%s: %s", treatment,
              err.message);
    char buf[40];
    sirt_datetime_format(cal, buf, sizeof buf);
    check_str(buf, expected, "calibration before %s", treatment);
    check_rel(sirt_datetime_diff_h(cal, t), hours, 1e-12, "%s: hours since calibration",
              treatment);
}

int main(void)
{
    sirt_error err = {0};
    sirt_catalogue *cat = NULL;
    check_int(sirt_catalogue_load_default(&cat, &err), SIRT_OK, "load: %s", err.message);
    if (!cat)
        return check_failures();
    const sirt_product *ts = sirt_catalogue_find_product(cat, "therasphere");
    check_true(ts != NULL, "therasphere present");
    if (!ts)
        return check_failures();

    /* domain §4 example: Wednesday 10:00 EST after Sunday 12:00 EST = 70 h. */
    expect_cal(ts, "2026-11-25T10:00:00-05:00", "2026-11-22T12:00:00-05:00", 70);
    /* The same instant written in UTC gives the same calibration. */
    expect_cal(ts, "2026-11-25T15:00:00Z", "2026-11-22T12:00:00-05:00", 70);
    /* July: daylight time, offset -04:00; Wed 2026-07-15 10:00 EDT -> Sun 07-12 12:00 EDT, 70 h. */
    expect_cal(ts, "2026-07-15T10:00:00-04:00", "2026-07-12T12:00:00-04:00", 70);
    /* Treatment in Europe (+02:00 CEST) on Wed 2026-07-15 16:00 = 14:00Z = 10:00 EDT. */
    expect_cal(ts, "2026-07-15T16:00:00+02:00", "2026-07-12T12:00:00-04:00", 70);
    /* At the calibration instant itself: that calibration ("at or before"). */
    expect_cal(ts, "2026-11-22T17:00:00Z", "2026-11-22T12:00:00-05:00", 0);
    /* One minute before Sunday noon: the previous Sunday (7 days less 1 min). */
    expect_cal(ts, "2026-11-22T11:59:00-05:00", "2026-11-15T12:00:00-05:00", 7 * 24 - 1.0 / 60);

    /* Across the autumn switch (first Sunday of November 2026 = Nov 1, 02:00 EDT -> 01:00 EST).
     * Sat 2026-10-31 12:00 EDT: previous Sunday 10-25 is EDT; 6 days = 144 h. */
    expect_cal(ts, "2026-10-31T12:00:00-04:00", "2026-10-25T12:00:00-04:00", 144);
    /* Tue 2026-11-03 10:00 EST: Sunday Nov 1 noon is already EST (switch at 02:00). 46 h. */
    expect_cal(ts, "2026-11-03T10:00:00-05:00", "2026-11-01T12:00:00-05:00", 46);
    /* Sun Nov 1 2026 11:00 EST: the previous Sunday 10-25 12:00 EDT (16:00Z) to 16:00Z
     * Nov 1 = 7 days = 168 h of elapsed time, though the wall clocks differ by 167 h. */
    expect_cal(ts, "2026-11-01T11:00:00-05:00", "2026-10-25T12:00:00-04:00", 168);

    /* Across the spring switch (second Sunday of March 2026 = Mar 8, 02:00 EST -> 03:00 EDT).
     * Sat 2026-03-07 10:00 EST -> Sun 03-01 12:00 EST, 142 h. */
    expect_cal(ts, "2026-03-07T10:00:00-05:00", "2026-03-01T12:00:00-05:00", 142);
    /* Wed 2026-03-11 10:00 EDT -> Sun 03-08 12:00 EDT (already daylight time), 70 h. */
    expect_cal(ts, "2026-03-11T10:00:00-04:00", "2026-03-08T12:00:00-04:00", 70);
    /* Sun 2026-03-08 11:00 EDT (15:00Z) -> Sun 03-01 12:00 EST (17:00Z): 166 h elapsed. */
    expect_cal(ts, "2026-03-08T11:00:00-04:00", "2026-03-01T12:00:00-05:00", 166);
    /* 2027: second Sunday of March is Mar 14, first Sunday of November is Nov 7. */
    expect_cal(ts, "2027-03-10T10:00:00-05:00", "2027-03-07T12:00:00-05:00", 70);
    expect_cal(ts, "2027-11-03T10:00:00-04:00", "2027-10-31T12:00:00-04:00", 70);
    /* Before 2007 (1987-2006 rule): DST ended on the last Sunday of October
     * (2006-10-29), so Sunday 2006-11-05 is EST (the current rule would say EDT);
     * it started on the first Sunday of April (2006-04-02). */
    expect_cal(ts, "2006-11-08T10:00:00-05:00", "2006-11-05T12:00:00-05:00", 70);
    expect_cal(ts, "2006-04-05T10:00:00-04:00", "2006-04-02T12:00:00-04:00", 70);

    /* Errors: products that are not calibrated weekly. */
    const sirt_product *sir = sirt_catalogue_find_product(cat, "sir-spheres");
    sirt_datetime t, cal = {0, 0};
    sirt_error e2 = {0};
    check_int(sirt_datetime_parse("2026-11-25T10:00:00-05:00", "t", &t, &e2), SIRT_OK, "parse");
    check_int(sirt_product_calibration_before(sir, t, &cal, &e2), SIRT_EINVAL, "resin: not weekly");
    check_true(strstr(e2.message, "sir-spheres") && strstr(e2.message, "label"), "message: %s",
               e2.message);
    sirt_error e3 = {0};
    const sirt_product *qs = sirt_catalogue_find_product(cat, "quiremspheres");
    check_int(sirt_product_calibration_before(qs, t, &cal, &e3), SIRT_EINVAL, "quirem: not weekly");
    /* A weekly product in UTC (no DST): Monday 08:00 UTC. */
    sirt_product mon = *ts;
    mon.calibration_weekday = 1;
    mon.calibration_hour = 8;
    snprintf(mon.calibration_tz, sizeof mon.calibration_tz, "UTC");
    expect_cal(&mon, "2026-07-15T10:00:00Z", "2026-07-13T08:00:00Z", 50);
    /* US-Pacific, Sunday 12:00: PDT in July (-07:00). */
    snprintf(mon.calibration_tz, sizeof mon.calibration_tz, "US-Pacific");
    mon.calibration_weekday = 0;
    mon.calibration_hour = 12;
    expect_cal(&mon, "2026-07-15T10:00:00-07:00", "2026-07-12T12:00:00-07:00", 70);
    /* Unknown zone is refused. */
    snprintf(mon.calibration_tz, sizeof mon.calibration_tz, "Mars");
    sirt_error e4 = {0};
    check_int(sirt_product_calibration_before(&mon, t, &cal, &e4), SIRT_EUNSUPPORTED, "unknown zone");
    sirt_catalogue_free(cat);
    return check_failures();
}
