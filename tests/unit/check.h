/* Minimal test helpers in the style of gsl_test_rel: each check prints what it
 * compared; the test's exit status is the number of failed checks. */
#ifndef SIRT_TEST_CHECK_H
#define SIRT_TEST_CHECK_H

#if defined(__GNUC__)
#define SIRT_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define SIRT_PRINTF(a, b)
#endif

/* |result - expected| <= tol_rel * |expected| (or <= tol_rel when expected is 0). */
void check_rel(double result, double expected, double tol_rel, const char *fmt, ...)
    SIRT_PRINTF(4, 5);
void check_abs(double result, double expected, double tol_abs, const char *fmt, ...)
    SIRT_PRINTF(4, 5);
void check_true(int cond, const char *fmt, ...) SIRT_PRINTF(2, 3);
void check_int(long result, long expected, const char *fmt, ...) SIRT_PRINTF(3, 4);
void check_str(const char *result, const char *expected, const char *fmt, ...) SIRT_PRINTF(3, 4);
/* Number of failures so far; return it from main. */
int check_failures(void);

#endif
