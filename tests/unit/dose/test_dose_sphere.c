/* LDE vs kernel in a large uniform sphere (issue 5): far from the surface (more than the
 * 90Y CSDA range of 11 mm, domain.md §1) every β deposits its energy inside the sphere,
 * so the kernel's central dose equals the local-deposition dose within 1%. The two use
 * different energies per decay: LDE Ē_np = 931.2 keV (catalogue, the 49.67 J/GBq
 * convention), the kernel the mean of our spectrum (≈934 keV) less the bremsstrahlung that
 * escapes (≈0.55%): 934·0.9945 ≈ 929 keV, 0.2% below LDE. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "sirt/dose.h"

int main(void)
{
    char dir[] = "/tmp/sirt_sphere_test_XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    const size_t n = 21;           /* 21 × 4 mm = 84 mm */
    const double a = 4.0, r_mm = 36.0; /* radius: 36 mm, centre 25 mm deeper than 11 mm */
    sirt_image *act = NULL;
    if (sirt_image_new(n, n, n, &act, NULL) != SIRT_OK)
        return 1;
    act->spacing_mm[0] = act->spacing_mm[1] = act->spacing_mm[2] = a;
    act->unit = SIRT_IMAGE_BQ_PER_ML;
    const double c = (n - 1) / 2.0;
    for (size_t k = 0; k < n; k++)
        for (size_t j = 0; j < n; j++)
            for (size_t i = 0; i < n; i++) {
                const double dx = (i - c) * a, dy = (j - c) * a, dz = (k - c) * a;
                if (dx * dx + dy * dy + dz * dz <= r_mm * r_mm)
                    act->voxels[i + n * (j + n * k)] = 1e6f; /* 1 MBq/mL */
            }
    sirt_dose_options o = sirt_dose_options_default();
    o.nuclide = "Y-90";
    o.histories = 50000;
    o.cache_dir = dir;
    sirt_error err = {0};
    sirt_image *lde = NULL, *ker = NULL;
    sirt_dose_result rl, rk;
    o.method = SIRT_DOSE_LDE;
    check_int(sirt_dose_compute(act, &o, &lde, &rl, &err), SIRT_OK, "LDE: %s", err.message);
    o.method = SIRT_DOSE_KERNEL;
    check_int(sirt_dose_compute(act, &o, &ker, &rk, &err), SIRT_OK, "kernel: %s", err.message);
    if (lde && ker) {
        const size_t mid = (size_t)c + n * ((size_t)c + n * (size_t)c);
        /* LDE by hand: 1 MBq/mL → Ã = 1e6·64.10·3600/ln2 = 3.3293e11 decays per mL;
         * D = 3.3293e11 · 0.9312 MeV · 1.602177e-13 J/MeV / 1e-3 kg = 49.67 Gy. */
        check_rel(lde->voxels[mid], 49.67, 0.005, "LDE centre: 49.67 Gy per MBq/mL (water)");
        printf("centre: LDE %.4f Gy, kernel %.4f Gy (%+.2f%%); kernel from cache %d\n",
               lde->voxels[mid], ker->voxels[mid],
               100.0 * (ker->voxels[mid] / lde->voxels[mid] - 1.0), rk.kernel_from_cache);
        check_rel(ker->voxels[mid], lde->voxels[mid], 0.01, "kernel centre = LDE within 1%%");
        /* Surface: the kernel spreads dose outwards, so just inside the edge it is lower
         * than LDE, and just outside it is > 0 where LDE is 0. */
        const size_t out_i = (size_t)c + 10; /* 40 mm from the centre: outside */
        const size_t edge = out_i + n * ((size_t)c + n * (size_t)c);
        check_abs(lde->voxels[edge], 0.0, 0.0, "LDE outside the sphere: 0");
        check_true(ker->voxels[edge] > 0.0f, "kernel outside the sphere near the surface: > 0");
        /* Energy: the kernel's total deposited energy equals LDE's within 1% (nothing
         * leaves the 84 mm grid: the sphere's surface is 6 mm from the edge, the tail
         * beyond it is ~1% of the surface layer only). */
        check_rel(rk.energy_deposited_j, rl.energy_deposited_j, 0.01, "total energy kernel vs LDE");
        check_str(rk.nuclide, "Y-90", "result names the nuclide");
        check_true(rk.kernel_half_size[0] >= 3, "kernel half-size recorded (%d)",
                   rk.kernel_half_size[0]);
    }
    sirt_image_free(lde);
    sirt_image_free(ker);
    sirt_image_free(act);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        return 1;
    return check_failures();
}
