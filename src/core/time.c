/* Date-times with explicit UTC offsets, and radioactive decay (see sirt/time.h). */
#include "sirt/time.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/numeric.h"

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date (era-based civil-day count). */
static int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;
    const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const int64_t doe = z - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

/* Read exactly n digits; returns -1 if they are not all digits. */
static int digits(const char **p, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i]))
            return -1;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    return v;
}

#define FORMAT_HINT "expected ISO 8601 with a UTC offset, e.g. \"2026-11-22T12:00:00-05:00\" or \"2026-11-22T17:00:00Z\""

sirt_status sirt_datetime_parse(const char *text, const char *field, sirt_datetime *out,
                                sirt_error *err)
{
    if (!text)
        return sirt_error_set(err, SIRT_EINVAL, field, "%s: missing date-time; " FORMAT_HINT,
                              field);
    const char *p = text;
    int y = digits(&p, 4);
    if (y < 0 || *p++ != '-')
        goto bad;
    int mo = digits(&p, 2);
    if (mo < 0 || *p++ != '-')
        goto bad;
    int d = digits(&p, 2);
    if (d < 0 || (*p != 'T' && *p != ' '))
        goto bad;
    p++;
    int h = digits(&p, 2);
    if (h < 0 || *p++ != ':')
        goto bad;
    int mi = digits(&p, 2);
    if (mi < 0)
        goto bad;
    int s = 0;
    if (*p == ':') {
        p++;
        s = digits(&p, 2);
        if (s < 0)
            goto bad;
        if (*p == '.') { /* fractional seconds are accepted and truncated to the second */
            p++;
            if (!isdigit((unsigned char)*p))
                goto bad;
            while (isdigit((unsigned char)*p))
                p++;
        }
    }
    if (y < 1900 || y > 2200)
        return sirt_error_set(err, SIRT_ERANGE, field,
                              "%s: year %d in \"%s\" is outside the accepted range 1900-2200",
                              field, y, text);
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || s > 59)
        return sirt_error_set(err, SIRT_ERANGE, field,
                              "%s: \"%s\" is not a valid calendar date and time", field, text);
    int offset_min;
    if (*p == 'Z' || *p == 'z') {
        offset_min = 0;
        p++;
    } else if (*p == '+' || *p == '-') {
        int sign = *p == '-' ? -1 : 1;
        p++;
        int oh = digits(&p, 2);
        if (oh < 0)
            goto bad;
        if (*p == ':')
            p++;
        int om = digits(&p, 2);
        if (om < 0)
            goto bad;
        if (oh > 14 || om > 59)
            return sirt_error_set(err, SIRT_ERANGE, field,
                                  "%s: UTC offset in \"%s\" is outside -14:00..+14:00", field,
                                  text);
        offset_min = sign * (oh * 60 + om);
    } else if (*p == '\0') {
        return sirt_error_set(err, SIRT_EINVAL, field,
                              "%s: \"%s\" has no time zone; a UTC offset is required so that "
                              "decay is not computed from a guessed zone (" FORMAT_HINT ")",
                              field, text);
    } else {
        goto bad;
    }
    if (*p != '\0')
        goto bad;
    out->offset_min = offset_min;
    out->utc_s = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s -
                 (int64_t)offset_min * 60;
    return SIRT_OK;
bad:
    return sirt_error_set(err, SIRT_EINVAL, field, "%s: \"%s\" is not a date-time; " FORMAT_HINT,
                          field, text);
}

void sirt_datetime_format(sirt_datetime t, char *buf, size_t size)
{
    int64_t local = t.utc_s + (int64_t)t.offset_min * 60;
    int64_t days = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
    int64_t secs = local - days * 86400;
    int y, m, d;
    civil_from_days(days, &y, &m, &d);
    int off = t.offset_min < 0 ? -t.offset_min : t.offset_min;
    if (t.offset_min == 0)
        snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, (int)(secs / 3600),
                 (int)(secs / 60 % 60), (int)(secs % 60));
    else
        snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", y, m, d,
                 (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60),
                 t.offset_min < 0 ? '-' : '+', off / 60, off % 60);
}

double sirt_datetime_diff_h(sirt_datetime a, sirt_datetime b)
{
    return (double)(b.utc_s - a.utc_s) / 3600.0;
}

double sirt_decay_factor(double half_life_h, double elapsed_h)
{
    return exp(-SIRT_LN2 * elapsed_h / half_life_h);
}

double sirt_decay_fraction_delivered(double half_life_h, double elapsed_h)
{
    return -expm1(-SIRT_LN2 * elapsed_h / half_life_h);
}
