/* Linear convolution of a cumulated-activity grid with a voxel S-value kernel.
 *
 * FFT: FFTW single precision, real-to-complex, in place. The grid is zero-padded to
 * N ≥ n + h along each axis (n voxels, kernel half-width h), which is enough for the first n
 * outputs to be free of wrap-around: the circular convolution equals the linear one there
 * because the kernel's support [−h, h] never reaches i − s ± N for i, s in [0, n). N is
 * rounded up to a product of 2 and 3 (FFTW's fastest radices; a few % more points than
 * allowing 5 and 7, but faster plans). A convolver is planned once
 * per grid size (one forward, one backward plan; the kernel's spectrum is computed once) and
 * can then convolve any number of maps of that size; plans are made in the calling thread
 * (FFTW planning is not thread-safe; fftwf_make_planner_thread_safe() guards concurrent
 * callers). */
#include <fftw3.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "dose/dose_internal.h"
#include "sirt/dose.h"

static size_t good_size(size_t n)
{
    for (size_t m = n;; m++) {
        size_t r = m;
        const size_t f[2] = {2, 3};
        for (int i = 0; i < 2; i++)
            while (r % f[i] == 0)
                r /= f[i];
        if (r == 1)
            return m;
    }
}

sirt_status sirt_dose_convolve_direct(const float *act, size_t nx, size_t ny, size_t nz,
                                      const double *kernel, const int half[3], float *out,
                                      sirt_error *err)
{
    (void)err;
    const long kx = 2 * half[0] + 1, ky = 2 * half[1] + 1;
    for (long z = 0; z < (long)nz; z++)
        for (long y = 0; y < (long)ny; y++)
            for (long x = 0; x < (long)nx; x++) {
                double acc = 0.0;
                for (long dz = -half[2]; dz <= half[2]; dz++) {
                    const long sz = z - dz;
                    if (sz < 0 || sz >= (long)nz)
                        continue;
                    for (long dy = -half[1]; dy <= half[1]; dy++) {
                        const long sy = y - dy;
                        if (sy < 0 || sy >= (long)ny)
                            continue;
                        for (long dx = -half[0]; dx <= half[0]; dx++) {
                            const long sx = x - dx;
                            if (sx < 0 || sx >= (long)nx)
                                continue;
                            acc += (double)act[sx + (long)nx * (sy + (long)ny * sz)] *
                                   kernel[(dx + half[0]) + kx * ((dy + half[1]) + ky * (dz + half[2]))];
                        }
                    }
                }
                out[x + (long)nx * (y + (long)ny * z)] = (float)acc;
            }
    return SIRT_OK;
}

struct sirt_dose_convolver {
    size_t n[3], big[3], px, ncplx; /* px: padded row length of the in-place real layout */
    int threads;
    fftwf_complex *buf;  /* in-place transforms: real view (float *)buf, rows of px floats */
    fftwf_complex *ck;   /* the kernel's spectrum, scaled by 1/N */
    fftwf_plan fwd, bwd;
};

void sirt_dose_convolver_free(sirt_dose_convolver *c)
{
    if (!c)
        return;
    if (c->fwd)
        fftwf_destroy_plan(c->fwd);
    if (c->bwd)
        fftwf_destroy_plan(c->bwd);
    fftwf_free(c->buf);
    fftwf_free(c->ck);
    free(c);
}

sirt_status sirt_dose_convolver_new(size_t nx, size_t ny, size_t nz, const double *kernel,
                                    const int half[3], int threads, int measure,
                                    sirt_dose_convolver **out, sirt_error *err)
{
    *out = NULL;
    sirt_dose_convolver *c = calloc(1, sizeof *c);
    if (!c)
        return sirt_error_set(err, SIRT_ENOMEM, "activity", "out of memory for the FFT");
    c->n[0] = nx;
    c->n[1] = ny;
    c->n[2] = nz;
    c->threads = threads;
    for (int i = 0; i < 3; i++) {
        c->big[i] = good_size(c->n[i] + (size_t)half[i]);
        if (c->big[i] > 65536) {
            sirt_dose_convolver_free(c);
            return sirt_error_set(err, SIRT_ERANGE, "activity",
                                  "activity grid %zux%zux%zu is too large for the FFT", nx, ny,
                                  nz);
        }
    }
    const size_t *big = c->big;
    c->px = 2 * (big[0] / 2 + 1);
    c->ncplx = (big[0] / 2 + 1) * big[1] * big[2];
    /* In-place transforms: two arrays instead of three, and every page is touched here,
     * not in the first run (first-touch page faults cost as much as a transform). */
    c->buf = fftwf_malloc(c->ncplx * sizeof(fftwf_complex));
    c->ck = fftwf_malloc(c->ncplx * sizeof(fftwf_complex));
    if (!c->buf || !c->ck) {
        const sirt_status st = sirt_error_set(err, SIRT_ENOMEM, "activity",
                                              "out of memory for the FFT (%zux%zux%zu padded)",
                                              big[0], big[1], big[2]);
        sirt_dose_convolver_free(c);
        return st;
    }
    fftwf_make_planner_thread_safe();
    fftwf_init_threads();
#ifdef _OPENMP
    fftwf_plan_with_nthreads(threads > 0 ? threads : omp_get_max_threads());
#else
    fftwf_plan_with_nthreads(threads > 0 ? threads : 1);
#endif
    /* Row-major dims: z slowest, x fastest (our voxel order). MEASURE overwrites the
     * array, so plan before filling it. */
    const unsigned flags = measure ? FFTW_MEASURE : FFTW_ESTIMATE;
    float *re = (float *)c->buf;
    c->fwd = fftwf_plan_dft_r2c_3d((int)big[2], (int)big[1], (int)big[0], re, c->buf, flags);
    c->bwd = fftwf_plan_dft_c2r_3d((int)big[2], (int)big[1], (int)big[0], c->buf, re, flags);
    if (!c->fwd || !c->bwd) {
        const sirt_status st = sirt_error_set(err, SIRT_EINTERNAL, "activity",
                                              "FFTW could not plan a %zux%zux%zu transform",
                                              big[0], big[1], big[2]);
        sirt_dose_convolver_free(c);
        return st;
    }
    /* The kernel's spectrum, once: offset d goes to index d mod N (centre at 0). */
    memset(c->buf, 0, c->ncplx * sizeof(fftwf_complex));
    const long kx = 2 * half[0] + 1, ky = 2 * half[1] + 1;
    for (long dz = -half[2]; dz <= half[2]; dz++)
        for (long dy = -half[1]; dy <= half[1]; dy++)
            for (long dx = -half[0]; dx <= half[0]; dx++) {
                const size_t ix = (size_t)((dx + (long)big[0]) % (long)big[0]);
                const size_t iy = (size_t)((dy + (long)big[1]) % (long)big[1]);
                const size_t iz = (size_t)((dz + (long)big[2]) % (long)big[2]);
                re[ix + c->px * (iy + big[1] * iz)] +=
                    (float)kernel[(dx + half[0]) + kx * ((dy + half[1]) + ky * (dz + half[2]))];
            }
    fftwf_execute_dft_r2c(c->fwd, re, c->buf);
    const float scale = (float)(1.0 / ((double)big[0] * (double)big[1] * (double)big[2]));
    for (size_t i = 0; i < c->ncplx; i++) {
        c->ck[i][0] = c->buf[i][0] * scale;
        c->ck[i][1] = c->buf[i][1] * scale;
    }
    *out = c;
    return SIRT_OK;
}

sirt_status sirt_dose_convolver_run(sirt_dose_convolver *c, const float *act, float *out,
                                    sirt_error *err)
{
    (void)err;
    const size_t nx = c->n[0], ny = c->n[1], nz = c->n[2];
    const size_t *big = c->big;
    float *re = (float *)c->buf;
    memset(c->buf, 0, c->ncplx * sizeof(fftwf_complex));
    for (size_t z = 0; z < nz; z++)
        for (size_t y = 0; y < ny; y++)
            memcpy(re + c->px * (y + big[1] * z), act + nx * (y + ny * z), nx * sizeof(float));
    fftwf_execute_dft_r2c(c->fwd, re, c->buf);
    fftwf_complex *ca = c->buf;
    fftwf_complex *ck = c->ck;
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(c->threads > 0 ? c->threads : omp_get_max_threads())
#endif
    for (long i = 0; i < (long)c->ncplx; i++) {
        const float ar = ca[i][0], ai = ca[i][1], br = ck[i][0], bi = ck[i][1];
        ca[i][0] = ar * br - ai * bi;
        ca[i][1] = ar * bi + ai * br;
    }
    fftwf_execute_dft_c2r(c->bwd, c->buf, re);
    for (size_t z = 0; z < nz; z++)
        for (size_t y = 0; y < ny; y++)
            memcpy(out + nx * (y + ny * z), re + c->px * (y + big[1] * z), nx * sizeof(float));
    return SIRT_OK;
}

sirt_status sirt_dose_convolve_fft(const float *act, size_t nx, size_t ny, size_t nz,
                                   const double *kernel, const int half[3], int threads,
                                   float *out, sirt_error *err)
{
    sirt_dose_convolver *c = NULL;
    TRY_STATUS(sirt_dose_convolver_new(nx, ny, nz, kernel, half, threads, 0, &c, err));
    const sirt_status st = sirt_dose_convolver_run(c, act, out, err);
    sirt_dose_convolver_free(c);
    return st;
}
