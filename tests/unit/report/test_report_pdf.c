/* The PDF report and its figures from synthetic parts: files written, valid headers, the same
 * input gives the same bytes, bad sizes refused, nothing left on failure. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "sirt/sirt.h"
#include "sirt/report_pdf.h"

/* strstr over binary data (PDF streams hold NUL bytes). */
static int contains(const char *data, size_t n, const char *needle)
{
    size_t m = strlen(needle);
    for (size_t i = 0; i + m <= n; i++)
        if (memcmp(data + i, needle, m) == 0)
            return 1;
    return 0;
}

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)len + 1);
    *n = fread(b, 1, (size_t)len, f);
    fclose(f);
    return b;
}

int main(void)
{
    char dir[] = "/tmp/sirt-report-XXXXXX";
    check_true(mkdtemp(dir) != NULL, "temp dir");
    sirt_error err = {0};
    /* A 64×64×32 CT at 4 mm: water body, a "liver" ellipsoid, air outside. */
    sirt_image *ct = NULL, *dose = NULL;
    check_int(sirt_image_new(64, 64, 32, &ct, &err), SIRT_OK, "ct");
    check_int(sirt_image_new(64, 64, 32, &dose, &err), SIRT_OK, "dose");
    for (int a = 0; a < 3; a++)
        ct->spacing_mm[a] = dose->spacing_mm[a] = 4.0;
    ct->unit = SIRT_IMAGE_HU;
    dose->unit = SIRT_IMAGE_GY;
    sirt_mask *liver = NULL;
    check_int(sirt_mask_new(ct, "liver", 0, &liver, &err), SIRT_OK, "mask");
    for (size_t k = 0; k < 32; k++)
        for (size_t j = 0; j < 64; j++)
            for (size_t i = 0; i < 64; i++) {
                size_t v = i + 64 * (j + 64 * k);
                double x = (i - 32.0) * 4, y = (j - 32.0) * 4, z = (k - 16.0) * 4;
                double body = x * x / (120.0 * 120) + y * y / (90.0 * 90);
                ct->voxels[v] = body < 1 ? 40.0f : -1000.0f;
                double l = (x + 30) * (x + 30) / 3600.0 + y * y / 2500.0 + z * z / 2500.0;
                if (l < 1) {
                    ct->voxels[v] = 60.0f;
                    liver->image->voxels[v] = 1.0f;
                }
                double t = (x + 40) * (x + 40) + (y - 5) * (y - 5) + z * z;
                dose->voxels[v] = (float)(150.0 * exp(-t / 400.0) + (l < 1 ? 30.0 : 0.0));
            }
    double vol[4] = {0, 50, 100, 150}, pct[4] = {100, 80, 30, 0};
    double lo[4] = {100, 75, 25, 0}, hi[4] = {100, 85, 35, 0};
    sirt_report_curve curves[2] = {{"tumour", 4, vol, pct, lo, hi}, {"normal liver", 4, vol, pct, NULL, NULL}};
    const char *cells[] = {"Quantity", "Value", "Activity to infuse", "1.234 GBq", "Lung dose",
                           "12.3 Gy"};
    sirt_report_table t = {"Plan", 2, 3, cells};
    sirt_warning_list wl;
    sirt_warning_list_init(&wl);
    sirt_warning w;
    memset(&w, 0, sizeof w);
    snprintf(w.message, sizeof w.message, "Lung dose 34.1 Gy exceeds the 30 Gy limit");
    w.severity = SIRT_SEVERITY_WARNING;
    sirt_warning_list_add(&wl, &w, &err);
    double centre[1][3] = {{88, 133, 64}}; /* the hot spot: i = 22, j = 33.25, k = 16 at 4 mm */
    const char *labels[] = {"tumour T1"};
    double iso[] = {50, 100};
    const sirt_mask *outlines[] = {liver};
    const char *methods[] = {"Kernel convolution (test)."};
    sirt_report r;
    memset(&r, 0, sizeof r);
    r.title = "Test report";
    r.patient_id = "P1";
    r.case_id = "C1";
    r.generated_by = "sirtkit test";
    r.warnings = &wl;
    r.summary_tables = &t;
    r.n_summary_tables = 1;
    r.ct = ct;
    r.dose_gy = dose;
    r.outlines = outlines;
    r.n_outlines = 1;
    r.slice_centres_mm = (const double(*)[3])centre;
    r.slice_labels = labels;
    r.n_slices = 1;
    r.isodose_gy = iso;
    r.n_isodose = 2;
    r.curves = curves;
    r.n_curves = 2;
    r.analysis_tables = &t;
    r.n_analysis_tables = 1;
    r.method_paragraphs = methods;
    r.n_method_paragraphs = 1;
    r.provenance_table = &t;

    char a[256], b[256];
    snprintf(a, sizeof a, "%s/a.pdf", dir);
    snprintf(b, sizeof b, "%s/b.pdf", dir);
    check_int(sirt_report_write_pdf(&r, a, &err), SIRT_OK, "PDF written: %s", err.message);
    check_int(sirt_report_write_pdf(&r, b, &err), SIRT_OK, "PDF written again");
    size_t na = 0, nb = 0;
    char *pa = slurp(a, &na), *pb = slurp(b, &nb);
    check_true(pa && na > 10000 && memcmp(pa, "%PDF-", 5) == 0, "PDF header, %zu bytes", na);
    check_true(pa && pb && na == nb && memcmp(pa, pb, na) == 0,
               "the same report gives the same bytes (no creation date)");
    check_true(pa && contains(pa, na, "/FontFile"), "fonts embedded");
    free(pa);
    free(pb);

    char png[256];
    snprintf(png, sizeof png, "%s/dvh.png", dir);
    check_int(sirt_report_dvh_png(curves, 2, "DVH", 800, 500, png, &err), SIRT_OK, "DVH PNG");
    size_t np = 0;
    char *pp = slurp(png, &np);
    check_true(pp && np > 1000 && memcmp(pp + 1, "PNG", 3) == 0, "DVH PNG signature");
    free(pp);
    snprintf(png, sizeof png, "%s/slices.png", dir);
    check_int(sirt_report_slices_png(ct, dose, outlines, 1, centre[0], iso, 2, "T1", 900, png,
                                     &err),
              SIRT_OK, "slices PNG");
    char bad[256];
    snprintf(bad, sizeof bad, "%s/bad.png", dir);
    check_int(sirt_report_dvh_png(curves, 2, "DVH", 10, 500, bad, &err), SIRT_ERANGE,
              "absurd size refused");
    check_true(strstr(err.message, "10") != NULL, "message names the size: %s", err.message);
    check_true(access(bad, F_OK) != 0, "nothing left for the refused figure");
    snprintf(bad, sizeof bad, "%s/no-such-dir/r.pdf", dir);
    check_true(sirt_report_write_pdf(&r, bad, &err) != SIRT_OK, "unwritable path fails");

    sirt_warning_list_free(&wl);
    sirt_mask_free(liver);
    sirt_image_free(ct);
    sirt_image_free(dose);
    char cmd[300];
    if (getenv("SIRT_KEEP")) { fprintf(stderr, "kept %s\n", dir); return check_failures(); }
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return check_failures();
}
