/* bench_kernel: the C half of bench/bench_kernel.sh (bench/README.md). Not a test.
 *
 * Writes a cubic activity map (cumulated decays per voxel, smooth blobs plus noise) and the
 * 90Y voxel S-value kernel for its voxel size as NIfTI into DIR, times
 * sirt_dose_convolve_fft on it (best of --repeat runs, with --threads threads and with 1
 * thread, also its CPU time, which a loaded machine disturbs less), and writes the dose as NIfTI for the Python peer to compare with
 * scipy.signal.fftconvolve.
 *
 * Usage: bench_kernel DIR [--size N (256)] [--spacing MM (4)] [--threads T (0 = all)]
 *                         [--histories H (100000)] [--repeat R (3)] [--measure 0|1 (0)] */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sirt/sirt.h"
#include "sirt/dose.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int write_image(const char *dir, const char *name, const float *v, size_t nx, size_t ny,
                       size_t nz, double a, sirt_image_unit unit)
{
    sirt_image *img = NULL;
    sirt_error err = {0};
    if (sirt_image_new(nx, ny, nz, &img, &err) != SIRT_OK)
        return -1;
    img->spacing_mm[0] = img->spacing_mm[1] = img->spacing_mm[2] = a;
    img->unit = unit;
    memcpy(img->voxels, v, nx * ny * nz * sizeof(float));
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    const sirt_status st = sirt_image_write_nifti(img, path, &err);
    if (st != SIRT_OK)
        fprintf(stderr, "bench_kernel: %s\n", err.message);
    sirt_image_free(img);
    return st == SIRT_OK ? 0 : -1;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_kernel DIR [--size N] [--spacing MM] [--threads T] "
                        "[--histories H] [--repeat R]\n");
        return 2;
    }
    const char *dir = argv[1];
    size_t n = 256;
    double a = 4.0;
    int threads = 0, repeat = 3, measure = 0;
    long histories = 100000;
    for (int i = 2; i + 1 < argc; i += 2) {
        const double v = strtod(argv[i + 1], NULL);
        if (strcmp(argv[i], "--size") == 0)
            n = (size_t)v;
        else if (strcmp(argv[i], "--spacing") == 0)
            a = v;
        else if (strcmp(argv[i], "--threads") == 0)
            threads = (int)v;
        else if (strcmp(argv[i], "--histories") == 0)
            histories = (long)v;
        else if (strcmp(argv[i], "--repeat") == 0)
            repeat = (int)v;
        else if (strcmp(argv[i], "--measure") == 0)
            measure = (int)v;
    }
    sirt_error err = {0};
    sirt_dose_kernel_options ko = sirt_dose_kernel_options_default();
    ko.nuclide = "Y-90";
    ko.spacing_mm[0] = ko.spacing_mm[1] = ko.spacing_mm[2] = a;
    ko.histories = histories;
    ko.cache_dir = dir;
    sirt_dose_kernel *k = NULL;
    if (sirt_dose_kernel_get(&ko, &k, NULL, NULL, 0, &err) != SIRT_OK) {
        fprintf(stderr, "bench_kernel: %s\n", err.message);
        return 1;
    }
    const size_t nk[3] = {(size_t)(2 * k->half[0] + 1), (size_t)(2 * k->half[1] + 1),
                          (size_t)(2 * k->half[2] + 1)};
    const size_t nkt = nk[0] * nk[1] * nk[2];
    float *kf = malloc(nkt * sizeof *kf);
    const size_t nv = n * n * n;
    float *act = malloc(nv * sizeof *act), *out = malloc(nv * sizeof *out);
    if (!kf || !act || !out)
        return 1;
    for (size_t i = 0; i < nkt; i++)
        kf[i] = (float)k->gy_per_decay[i];
    /* Smooth blobs (a liver-like ellipsoid, three hot spheres) and deterministic noise:
     * decays per voxel of order 1e11 (1 MBq/mL for ever in 64 mL voxels ≈ 2e13). */
    unsigned long long s = 42;
    const double c = (n - 1) / 2.0;
    for (size_t z = 0; z < n; z++)
        for (size_t y = 0; y < n; y++)
            for (size_t x = 0; x < n; x++) {
                const double dx = (x - c) / (0.35 * n), dy = (y - c) / (0.25 * n),
                             dz = (z - c) / (0.3 * n);
                double v = dx * dx + dy * dy + dz * dz <= 1.0 ? 1e11 : 0.0;
                for (int b = 0; b < 3; b++) {
                    const double bx = x - c * (0.6 + 0.3 * b), by = y - c * (0.9 + 0.1 * b),
                                 bz = z - c;
                    if (bx * bx + by * by + bz * bz <= (0.04 * n) * (0.04 * n))
                        v += 5e11;
                }
                s = s * 6364136223846793005ull + 1442695040888963407ull;
                act[x + n * (y + n * z)] = (float)(v * (0.9 + 0.2 * ((s >> 11) / 9007199254740992.0)));
            }
    if (write_image(dir, "activity.nii", act, n, n, n, a, SIRT_IMAGE_UNITLESS) ||
        write_image(dir, "kernel.nii", kf, nk[0], nk[1], nk[2], a, SIRT_IMAGE_UNITLESS))
        return 1;
    /* 1. One call (plan with FFTW_ESTIMATE, transform the kernel, convolve, free): all
     * threads and 1 thread (wall and CPU time). 2. Planned once per size (FFTW_MEASURE,
     * kernel spectrum kept), then one map per run: the cost per map. */
    double best = INFINITY, best1 = INFINITY, cpu1 = INFINITY, bestp = INFINITY, cpup = INFINITY;
    for (int r = 0; r < repeat; r++) {
        double t0 = now_s();
        if (sirt_dose_convolve_fft(act, n, n, n, k->gy_per_decay, k->half, threads, out, &err) !=
            SIRT_OK) {
            fprintf(stderr, "bench_kernel: %s\n", err.message);
            return 1;
        }
        best = fmin(best, now_s() - t0);
        t0 = now_s();
        const clock_t c0 = clock();
        if (sirt_dose_convolve_fft(act, n, n, n, k->gy_per_decay, k->half, 1, out, &err) !=
            SIRT_OK)
            return 1;
        cpu1 = fmin(cpu1, (double)(clock() - c0) / CLOCKS_PER_SEC);
        best1 = fmin(best1, now_s() - t0);
    }
    sirt_dose_convolver *cv = NULL;
    double t0 = now_s();
    if (sirt_dose_convolver_new(n, n, n, k->gy_per_decay, k->half, 1, measure, &cv, &err) !=
        SIRT_OK)
        return 1;
    const double plan_s = now_s() - t0;
    for (int r = 0; r < repeat; r++) {
        t0 = now_s();
        const clock_t c0 = clock();
        if (sirt_dose_convolver_run(cv, act, out, &err) != SIRT_OK)
            return 1;
        cpup = fmin(cpup, (double)(clock() - c0) / CLOCKS_PER_SEC);
        bestp = fmin(bestp, now_s() - t0);
    }
    sirt_dose_convolver_free(cv);
    if (write_image(dir, "dose.nii", out, n, n, n, a, SIRT_IMAGE_GY))
        return 1;
    printf("grid %zu^3, %.3g mm voxels, kernel %zux%zux%zu (90Y, %ld histories)\n", n, a, nk[0],
           nk[1], nk[2], histories);
    printf("sirtkit_seconds %.4f\n", best);
    printf("sirtkit_seconds_1thread %.4f\n", best1);
    printf("sirtkit_cpu_seconds_1thread %.4f\n", cpu1);
    printf("sirtkit_plan_seconds %.4f\n", plan_s);
    printf("sirtkit_planned_seconds_1thread %.4f\n", bestp);
    printf("sirtkit_planned_cpu_seconds_1thread %.4f\n", cpup);
    sirt_dose_kernel_free(k);
    free(kf);
    free(act);
    free(out);
    return 0;
}
