/* Kernel Monte Carlo: energy conservation per nuclide, reproducibility with the seed and
 * independence of the thread count, the disk cache (round trip, corrupt file regenerated
 * with a note), and 90Y voxel S-values against Lanconelli et al., Phys Med Biol 57:517
 * (2012), doi:10.1088/0031-9155/57/2/517, as tabulated in domain.md §5.3. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "sirt/dose.h"

static double at(const sirt_dose_kernel *k, int i, int j, int l)
{
    const int dx = 2 * k->half[0] + 1, dy = 2 * k->half[1] + 1;
    return k->gy_per_decay[(i + k->half[0]) + dx * ((j + k->half[1]) + dy * (l + k->half[2]))];
}

static size_t count(const sirt_dose_kernel *k)
{
    return (size_t)(2 * k->half[0] + 1) * (size_t)(2 * k->half[1] + 1) *
           (size_t)(2 * k->half[2] + 1);
}

int main(void)
{
    char dir[] = "/tmp/sirt_kernel_test_XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    const int slow = getenv("SIRT_SLOW") && getenv("SIRT_SLOW")[0] == '1';
    sirt_error err = {0};

    /* 1. Energy conservation: deposited + radiative (escapes) + escaped = emitted, for
     * every nuclide with a spectrum; the kernel sum·mass equals the deposited energy. */
    const char *nucs[] = {"Y-90", "Ho-166", "Lu-177", "P-32", "I-131", "Re-188"};
    for (int i = 0; i < 6; i++) {
        sirt_dose_kernel_options o = sirt_dose_kernel_options_default();
        o.nuclide = nucs[i];
        o.spacing_mm[0] = 2.0;
        o.spacing_mm[1] = 2.5; /* anisotropic on purpose */
        o.spacing_mm[2] = 3.0;
        o.histories = 20000;
        o.cache_dir = "";
        sirt_dose_kernel *k = NULL;
        if (sirt_dose_kernel_get(&o, &k, NULL, NULL, 0, &err) != SIRT_OK) {
            check_true(0, "%s kernel: %s", nucs[i], err.message);
            continue;
        }
        const double sum = k->deposited_mev + k->radiative_mev + k->escaped_mev;
        check_rel(sum, k->emitted_mev, 1e-9, "%s: deposited + radiative + escaped = emitted",
                  nucs[i]);
        /* Gy/decay · kg → J/decay → MeV, summed: the deposited energy per history. */
        double e = 0.0;
        const double mass_kg = 1.0 * 0.2 * 0.25 * 0.3 * 1e-3;
        for (size_t v = 0; v < count(k); v++)
            e += k->gy_per_decay[v] * mass_kg / 1.602176634e-13;
        check_rel(e, k->deposited_mev / (double)o.histories, 1e-9,
                  "%s: kernel sum x voxel mass = deposited energy per decay", nucs[i]);
        /* Bremsstrahlung in water is < 1% of the β energy (domain.md §5.4). */
        check_true(k->radiative_mev / k->emitted_mev < 0.01, "%s: radiative fraction %.4f < 1%%",
                   nucs[i], k->radiative_mev / k->emitted_mev);
        check_true(k->escaped_mev == 0.0, "%s: nothing leaves a grid of half-width R_CSDA(Emax)",
                   nucs[i]);
        printf("%s: mean %.1f keV, deposited %.4f, radiative %.4f of emitted, grid %dx%dx%d\n",
               nucs[i], 1e3 * k->mean_energy_mev, k->deposited_mev / k->emitted_mev,
               k->radiative_mev / k->emitted_mev, 2 * k->half[0] + 1, 2 * k->half[1] + 1,
               2 * k->half[2] + 1);
        sirt_dose_kernel_free(k);
    }

    /* 2. Same seed, 1 vs 2 threads: identical bytes; another seed differs. */
    sirt_dose_kernel_options o = sirt_dose_kernel_options_default();
    o.nuclide = "Y-90";
    o.spacing_mm[0] = o.spacing_mm[1] = o.spacing_mm[2] = 4.0;
    o.histories = 20000;
    o.cache_dir = "";
    o.threads = 1;
    sirt_dose_kernel *k1 = NULL, *k2 = NULL, *k3 = NULL;
    check_int(sirt_dose_kernel_get(&o, &k1, NULL, NULL, 0, &err), SIRT_OK, "kernel, 1 thread");
    o.threads = 2;
    check_int(sirt_dose_kernel_get(&o, &k2, NULL, NULL, 0, &err), SIRT_OK, "kernel, 2 threads");
    o.seed = 2;
    check_int(sirt_dose_kernel_get(&o, &k3, NULL, NULL, 0, &err), SIRT_OK, "kernel, seed 2");
    if (k1 && k2 && k3) {
        check_true(memcmp(k1->gy_per_decay, k2->gy_per_decay, count(k1) * sizeof(double)) == 0,
                   "1 and 2 threads give the same kernel bytes");
        check_true(memcmp(k1->gy_per_decay, k3->gy_per_decay, count(k1) * sizeof(double)) != 0,
                   "another seed gives another kernel");
    }
    sirt_dose_kernel_free(k2);
    sirt_dose_kernel_free(k3);

    /* 3. Cache: first call generates and writes, second reads the same bytes; a corrupted
     * file is detected (checksum) and regenerated with a note. */
    o.seed = 1;
    o.threads = 0;
    o.cache_dir = dir;
    sirt_dose_kernel *c1 = NULL, *c2 = NULL, *c3 = NULL;
    int from = -1;
    char notes[1024] = "";
    check_int(sirt_dose_kernel_get(&o, &c1, &from, notes, sizeof notes, &err), SIRT_OK,
              "cached kernel, first call");
    check_int(from, 0, "first call generates");
    check_int(sirt_dose_kernel_get(&o, &c2, &from, notes, sizeof notes, &err), SIRT_OK,
              "cached kernel, second call");
    check_int(from, 1, "second call reads the cache");
    if (c1 && c2 && k1)
        check_true(memcmp(c2->gy_per_decay, k1->gy_per_decay, count(k1) * sizeof(double)) == 0,
                   "cached kernel equals the generated one");
    check_str(notes, "", "no note for a good cache file");
    char cmd[512];
    snprintf(cmd, sizeof cmd,
             "f=$(ls %s/kernel_*.bin) && printf 'XXXX' | dd of=\"$f\" bs=1 seek=2000 conv=notrunc "
             "status=none",
             dir);
    check_int(system(cmd), 0, "corrupting the cache file");
    check_int(sirt_dose_kernel_get(&o, &c3, &from, notes, sizeof notes, &err), SIRT_OK,
              "kernel after corruption");
    check_int(from, 0, "corrupt cache file regenerated");
    check_true(strstr(notes, "invalid") != NULL && strstr(notes, "regenerated") != NULL,
               "a note says the cache file was invalid and regenerated: %s", notes);
    if (c3 && k1)
        check_true(memcmp(c3->gy_per_decay, k1->gy_per_decay, count(k1) * sizeof(double)) == 0,
                   "regenerated kernel equals the original");
    sirt_dose_kernel_free(c1);
    sirt_dose_kernel_free(c2);
    sirt_dose_kernel_free(c3);
    sirt_dose_kernel_free(k1);

    /* 4. 90Y voxel S-values in soft tissue, Lanconelli 2012 (domain.md §5.3), mGy/(MBq·s).
     * Our medium is water scaled to 1.04 g/mL (ICRP soft tissue density; the soft-tissue
     * stopping power differs from water's by ~1%). Tolerance: 5% for the self voxel and
     * the first neighbours (issue 5), which includes the MC noise of the default run (1e5
     * histories: ≤ 1% on these voxels); SIRT_SLOW=1 runs 2e6 histories. */
    struct {
        double a_mm;
        double ref[5]; /* (0,0,0), (1,0,0), (1,1,0), (1,1,1), (2,0,0) */
    } vsv[2] = {{3.0, {1.59, 0.275, 0.0950, 0.0429, 0.0205}},
                {4.42, {0.689, 0.0973, 0.0248, 0.00778, 0.00210}}};
    for (int s = 0; s < 2; s++) {
        sirt_dose_kernel_options v = sirt_dose_kernel_options_default();
        v.nuclide = "Y-90";
        v.spacing_mm[0] = v.spacing_mm[1] = v.spacing_mm[2] = vsv[s].a_mm;
        v.density_g_per_ml = 1.04;
        v.histories = slow ? 2000000 : 100000;
        v.cache_dir = dir;
        sirt_dose_kernel *k = NULL;
        const clock_t t0 = clock();
        if (sirt_dose_kernel_get(&v, &k, NULL, NULL, 0, &err) != SIRT_OK) {
            check_true(0, "VSV kernel: %s", err.message);
            continue;
        }
        const int off[5][3] = {{0, 0, 0}, {1, 0, 0}, {1, 1, 0}, {1, 1, 1}, {2, 0, 0}};
        const char *names[5] = {"(0,0,0)", "(1,0,0)", "(1,1,0)", "(1,1,1)", "(2,0,0)"};
        double total = 0.0;
        for (size_t i = 0; i < count(k); i++)
            total += k->gy_per_decay[i];
        printf("%.2f mm: sum %.4f mGy/(MBq s) (domain.md: %.2f); cpu %.2f s\n", vsv[s].a_mm,
               total * 1e9, s == 0 ? 5.33 : 1.67, (double)(clock() - t0) / CLOCKS_PER_SEC);
        for (int q = 0; q < 5; q++) {
            /* Gy per decay → mGy/(MBq·s): ×1e3 mGy/Gy × 1e6 decays/(MBq·s). */
            const double val = 1e9 * at(k, off[q][0], off[q][1], off[q][2]);
            /* Self voxel and first neighbours (face and edge): 5% (issue 5). The corner
             * (1,1,1) and (2,0,0) lie in the tail of the 90Y range, where condensed history
             * without explicit δ rays runs a few % low (at 4.42 mm: −4.7% and −8.6% with 2e6
             * histories, −5.5% and −8.0% with the default 1e5): 10% and 15%, kept as regression bounds (docs/dose.md). */
            const double tol = q < 3 ? 0.05 : (q == 3 ? 0.10 : 0.15);
            printf("  %s %.4g vs Lanconelli %.4g (%+.1f%%)\n", names[q], val, vsv[s].ref[q],
                   100.0 * (val / vsv[s].ref[q] - 1.0));
            check_rel(val, vsv[s].ref[q], tol, "90Y VSV %.2f mm %s vs Lanconelli 2012",
                      vsv[s].a_mm, names[q]);
        }
        sirt_dose_kernel_free(k);
    }
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        return 1;
    return check_failures();
}
