/* Linear convolution of a cumulated-activity grid with a voxel S-value kernel.
 *
 * FFT: FFTW single precision, real-to-complex, out-of-place. The grid is zero-padded to
 * N ≥ n + h along each axis (n voxels, kernel half-width h), which is enough for the first n
 * outputs to be free of wrap-around: the circular convolution equals the linear one there
 * because the kernel's support [−h, h] never reaches i − s ± N for i, s in [0, n). N is
 * rounded up to a product of 2, 3, 5 and 7 (FFTW's fast sizes). One forward plan serves
 * both transforms (new-array execute), one backward plan; both are made in this thread
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
        const size_t f[4] = {2, 3, 5, 7};
        for (int i = 0; i < 4; i++)
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

sirt_status sirt_dose_convolve_fft(const float *act, size_t nx, size_t ny, size_t nz,
                                   const double *kernel, const int half[3], int threads,
                                   float *out, sirt_error *err)
{
    const size_t n[3] = {nx, ny, nz};
    size_t big[3];
    for (int c = 0; c < 3; c++)
        big[c] = good_size(n[c] + (size_t)half[c]);
    if (big[0] > 65536 || big[1] > 65536 || big[2] > 65536)
        return sirt_error_set(err, SIRT_ERANGE, "activity", "grid too large for the FFT");
    const size_t nreal = big[0] * big[1] * big[2];
    const size_t nhalf = big[0] / 2 + 1;
    const size_t ncplx = nhalf * big[1] * big[2];
    float *ra = fftwf_malloc(nreal * sizeof(float));
    float *rk = fftwf_malloc(nreal * sizeof(float));
    fftwf_complex *ca = fftwf_malloc(ncplx * sizeof(fftwf_complex));
    fftwf_complex *ck = fftwf_malloc(ncplx * sizeof(fftwf_complex));
    sirt_status st = SIRT_OK;
    fftwf_plan fwd = NULL, bwd = NULL;
    if (!ra || !rk || !ca || !ck) {
        st = sirt_error_set(err, SIRT_ENOMEM, "activity",
                            "out of memory for the FFT (%zux%zux%zu padded grid)", big[0],
                            big[1], big[2]);
        goto done;
    }
    fftwf_make_planner_thread_safe();
    fftwf_init_threads();
#ifdef _OPENMP
    fftwf_plan_with_nthreads(threads > 0 ? threads : omp_get_max_threads());
#else
    fftwf_plan_with_nthreads(threads > 0 ? threads : 1);
#endif
    /* Row-major dims: z slowest, x fastest (our voxel order). */
    fwd = fftwf_plan_dft_r2c_3d((int)big[2], (int)big[1], (int)big[0], ra, ca, FFTW_ESTIMATE);
    bwd = fftwf_plan_dft_c2r_3d((int)big[2], (int)big[1], (int)big[0], ca, ra, FFTW_ESTIMATE);
    if (!fwd || !bwd) {
        st = sirt_error_set(err, SIRT_EINTERNAL, "activity", "FFTW could not plan a %zux%zux%zu "
                            "transform", big[0], big[1], big[2]);
        goto done;
    }
    memset(ra, 0, nreal * sizeof(float));
    memset(rk, 0, nreal * sizeof(float));
    for (size_t z = 0; z < nz; z++)
        for (size_t y = 0; y < ny; y++)
            memcpy(ra + big[0] * (y + big[1] * z), act + nx * (y + ny * z), nx * sizeof(float));
    /* Kernel offset d goes to index d mod N (centre at 0). */
    const long kx = 2 * half[0] + 1, ky = 2 * half[1] + 1;
    for (long dz = -half[2]; dz <= half[2]; dz++)
        for (long dy = -half[1]; dy <= half[1]; dy++)
            for (long dx = -half[0]; dx <= half[0]; dx++) {
                const size_t ix = (size_t)((dx + (long)big[0]) % (long)big[0]);
                const size_t iy = (size_t)((dy + (long)big[1]) % (long)big[1]);
                const size_t iz = (size_t)((dz + (long)big[2]) % (long)big[2]);
                rk[ix + big[0] * (iy + big[1] * iz)] =
                    (float)kernel[(dx + half[0]) + kx * ((dy + half[1]) + ky * (dz + half[2]))];
            }
    fftwf_execute_dft_r2c(fwd, ra, ca);
    fftwf_execute_dft_r2c(fwd, rk, ck);
    const float scale = (float)(1.0 / (double)nreal);
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(threads > 0 ? threads : omp_get_max_threads())
#endif
    for (long i = 0; i < (long)ncplx; i++) {
        const float ar = ca[i][0], ai = ca[i][1], br = ck[i][0], bi = ck[i][1];
        ca[i][0] = (ar * br - ai * bi) * scale;
        ca[i][1] = (ar * bi + ai * br) * scale;
    }
    fftwf_execute_dft_c2r(bwd, ca, ra);
    for (size_t z = 0; z < nz; z++)
        for (size_t y = 0; y < ny; y++)
            memcpy(out + nx * (y + ny * z), ra + big[0] * (y + big[1] * z), nx * sizeof(float));
done:
    if (fwd)
        fftwf_destroy_plan(fwd);
    if (bwd)
        fftwf_destroy_plan(bwd);
    fftwf_free(ra);
    fftwf_free(rk);
    fftwf_free(ca);
    fftwf_free(ck);
    return st;
}
