/* Private to the dose stage. */
#ifndef SIRT_DOSE_INTERNAL_H
#define SIRT_DOSE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "sirt/dose.h"

/* Return the status of x unless it is SIRT_OK. */
#define TRY_STATUS(x)                                                                         \
    do {                                                                                   \
        sirt_status try_st_ = (x);                                                         \
        if (try_st_ != SIRT_OK)                                                            \
            return try_st_;                                                                \
    } while (0)

#define M_PI_VALUE 3.14159265358979323846

/* First transport cross section per gram of water, cm²/g (physics.c). */
double sirt__dose_water_transport_xs(double t_mev);

/* Deterministic 64-bit mixing (SplitMix64, Steele et al., OOPSLA 2014) to derive one RNG
 * seed per batch from the user seed. */
static inline uint64_t sirt__splitmix64(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

/* Append a line to a notes buffer (truncated silently when full). */
void sirt__dose_note(char *notes, size_t size, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#endif
