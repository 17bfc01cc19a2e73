/* Date-time parsing and decay: invariants and domain.md §4 reference values. */
#include <math.h>
#include <string.h>

#include "check.h"
#include "sirt/sirt.h"

int main(void)
{
    sirt_error err = {0};
    sirt_datetime a, b;

    /* 2026-11-22T12:00-05:00 is 17:00Z: parse both and compare. */
    check_int(sirt_datetime_parse("2026-11-22T12:00:00-05:00", "t", &a, &err), SIRT_OK, "parse offset");
    check_int(sirt_datetime_parse("2026-11-22T17:00:00Z", "t", &b, &err), SIRT_OK, "parse Z");
    check_int((long)(a.utc_s - b.utc_s), 0, "same instant in two zones");
    /* Hand count: 1970-01-01 to 2026-11-22 is 56·365 + 14 leap days + 325 = 20779 days. */
    check_int((long)(b.utc_s / 86400), 20779, "days since epoch of 2026-11-22");

    char buf[40];
    sirt_datetime_format(a, buf, sizeof buf);
    check_str(buf, "2026-11-22T12:00:00-05:00", "format keeps the written offset");

    /* Sunday 12:00 ET (EST, -05:00) to Wednesday 10:00 ET = 70 h (domain §4). */
    check_int(sirt_datetime_parse("2026-11-25T10:00-05:00", "t", &b, &err), SIRT_OK, "parse no seconds");
    check_rel(sirt_datetime_diff_h(a, b), 70.0, 1e-12, "Sunday noon to Wednesday 10:00 is 70 h");

    /* A missing offset is refused with a message naming the field. */
    sirt_error e2 = {0};
    check_int(sirt_datetime_parse("2026-11-22T12:00:00", "$.logistics.treatment", &a, &e2),
              SIRT_EINVAL, "no time zone is refused");
    check_true(strstr(e2.message, "$.logistics.treatment") != NULL, "message names the field: %s", e2.message);
    sirt_error e3 = {0};
    check_int(sirt_datetime_parse("2026-02-29T12:00Z", "t", &a, &e3), SIRT_ERANGE, "29 Feb 2026 does not exist");
    sirt_error e4 = {0};
    check_int(sirt_datetime_parse("2024-02-29T12:00Z", "t", &a, &e4), SIRT_OK, "29 Feb 2024 exists");
    sirt_error e5 = {0};
    check_int(sirt_datetime_parse("yesterday", "t", &a, &e5), SIRT_EINVAL, "words are refused");
    sirt_error e6 = {0};
    check_int(sirt_datetime_parse("2026-11-22T12:00:00+05:00junk", "t", &a, &e6), SIRT_EINVAL, "trailing text is refused");

    /* Decay, 90Y T½ = 64.1 h (domain §4 / §9 row 8): 24 h → 0.7714, 70 h → 0.4691. */
    check_rel(sirt_decay_factor(64.1, 24.0), 0.7714, 1e-4, "90Y decay over 24 h");
    check_rel(sirt_decay_factor(64.1, 70.0), 0.4691, 1e-4, "90Y decay over 70 h");
    check_rel(sirt_decay_factor(26.8, 24.0), 0.5376, 1e-3, "166Ho decay over 24 h");
    check_rel(sirt_decay_fraction_delivered(64.1, 11 * 24.0), 0.942, 1e-3, "90Y: 94.2%% of dose in 11 d");
    /* Invariant: decay over t1 then t2 equals decay over t1 + t2. */
    check_rel(sirt_decay_factor(64.1, 13.0) * sirt_decay_factor(64.1, 29.5),
              sirt_decay_factor(64.1, 42.5), 1e-14, "decay composes");
    check_rel(sirt_decay_factor(64.1, -24.0) * sirt_decay_factor(64.1, 24.0), 1.0, 1e-14,
              "decay back in time inverts decay");
    return check_failures();
}
