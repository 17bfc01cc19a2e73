/* sirt/time.h: date-times with explicit time zones, and radioactive decay.
 *
 * Inputs carry an explicit UTC offset (ISO 8601, e.g. "2026-11-22T12:00:00-05:00"
 * or "...Z"); a date-time without one is refused rather than guessed. Internally
 * everything is seconds since the Unix epoch in UTC. */
#ifndef SIRT_TIME_H
#define SIRT_TIME_H

#include <stddef.h>
#include <stdint.h>
#include "sirt/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sirt_datetime {
    int64_t utc_s;      /* seconds since 1970-01-01T00:00:00Z */
    int offset_min;     /* the offset written in the input, minutes east of UTC */
} sirt_datetime;

/* Parse "YYYY-MM-DDThh:mm[:ss[.fff]](Z|±hh:mm|±hhmm)". `field` names the input in
 * error messages. */
sirt_status sirt_datetime_parse(const char *text, const char *field, sirt_datetime *out,
                                sirt_error *err);

/* Format as ISO 8601 in the offset stored in `t` (buf >= 32 bytes). */
void sirt_datetime_format(sirt_datetime t, char *buf, size_t size);

/* Hours from a to b (positive when b is later). */
double sirt_datetime_diff_h(sirt_datetime a, sirt_datetime b);

/* Fraction remaining after `elapsed_h` hours: exp(-ln2 * elapsed_h / half_life_h).
 * Negative elapsed_h gives a factor above 1 (decay back in time). */
double sirt_decay_factor(double half_life_h, double elapsed_h);

/* Fraction of all decays (hence of the absorbed dose of a permanent implant)
 * that happen within the first `elapsed_h` hours. */
double sirt_decay_fraction_delivered(double half_life_h, double elapsed_h);

#ifdef __cplusplus
}
#endif
#endif
