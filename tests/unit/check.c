#include "check.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int failures; /* test-only state: one process per test file */

static void report(int ok, const char *detail, const char *fmt, va_list ap)
{
    fprintf(ok ? stdout : stderr, "%s: ", ok ? "PASS" : "FAIL");
    vfprintf(ok ? stdout : stderr, fmt, ap);
    fprintf(ok ? stdout : stderr, " (%s)\n", detail);
    if (!ok)
        failures++;
}

void check_rel(double result, double expected, double tol_rel, const char *fmt, ...)
{
    double scale = expected != 0 ? fabs(expected) : 1.0;
    int ok = isfinite(result) ? fabs(result - expected) <= tol_rel * scale
                              : (isnan(result) && isnan(expected)) || result == expected;
    char detail[160];
    snprintf(detail, sizeof detail, "got %.10g, expected %.10g, rel tol %g", result, expected,
             tol_rel);
    va_list ap;
    va_start(ap, fmt);
    report(ok, detail, fmt, ap);
    va_end(ap);
}

void check_abs(double result, double expected, double tol_abs, const char *fmt, ...)
{
    int ok = isfinite(result) ? fabs(result - expected) <= tol_abs
                              : (isnan(result) && isnan(expected)) || result == expected;
    char detail[160];
    snprintf(detail, sizeof detail, "got %.10g, expected %.10g, abs tol %g", result, expected,
             tol_abs);
    va_list ap;
    va_start(ap, fmt);
    report(ok, detail, fmt, ap);
    va_end(ap);
}

void check_true(int cond, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report(cond, cond ? "true" : "false", fmt, ap);
    va_end(ap);
}

void check_int(long result, long expected, const char *fmt, ...)
{
    char detail[96];
    snprintf(detail, sizeof detail, "got %ld, expected %ld", result, expected);
    va_list ap;
    va_start(ap, fmt);
    report(result == expected, detail, fmt, ap);
    va_end(ap);
}

void check_str(const char *result, const char *expected, const char *fmt, ...)
{
    int ok = result && expected && strcmp(result, expected) == 0;
    char detail[256];
    snprintf(detail, sizeof detail, "got \"%.100s\", expected \"%.100s\"",
             result ? result : "(null)", expected ? expected : "(null)");
    va_list ap;
    va_start(ap, fmt);
    report(ok, detail, fmt, ap);
    va_end(ap);
}

int check_failures(void)
{
    return failures;
}
