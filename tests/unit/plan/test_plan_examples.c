/* The example case files in examples/ through the parser and the planner: the
 * domain.md worked examples end to end. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "plan_test_case.h"
#include "sirt/sirt.h"

static sirt_catalogue *cat;
static sirt_rules *rules;

static sirt_plan *plan_file(const char *name)
{
    const char *src = getenv("SIRT_SOURCE_DIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/examples/%s", src ? src : ".", name);
    sirt_case *c = NULL;
    sirt_error err = {0};
    check_int(sirt_case_read(path, &c, &err), SIRT_OK, "%s read (%s)", name, err.message);
    if (!c)
        return NULL;
    sirt_plan *p = NULL;
    check_int(sirt_plan_compute(c, cat, rules, NULL, &p, &err), SIRT_OK, "%s planned (%s)", name,
              err.message);
    sirt_case_free(c);
    if (p) {
        printf("== %s\n", name);
        print_plan(p);
    }
    return p;
}

int main(void)
{
    sirt_error err = {0};
    check_int(sirt_catalogue_load_default(&cat, &err), SIRT_OK, "catalogue (%s)", err.message);
    check_int(sirt_rules_load_default(&rules, &err), SIRT_OK, "rules (%s)", err.message);
    if (!cat || !rules)
        return check_failures();

    /* §3.2: BSA 1.9031 m², 20% involvement → 1.903 GBq; LSF 6% → full activity. */
    sirt_plan *p = plan_file("bsa-resin.json");
    if (p) {
        check_abs(p->total_activity_gbq, 1.903, 5e-4, "BSA 1.903 GBq");
        sirt_plan_free(p);
    }
    /* §3.3 + §4: 7 GBq vial, 148 Gy, deviation flagged. */
    p = plan_file("glass-mird.json");
    if (p) {
        check_rel(p->logistics.dose_size_gbq, 7.0, 0, "7 GBq");
        check_abs(p->territories[0].perfused_dose_gy, 148.4, 0.1, "148 Gy");
        check_true(find_warning(p, "dose_deviation") != NULL, "deviation flagged");
        sirt_plan_free(p);
    }
    /* §3.4: A 1.838 GBq, D_T 160 Gy, D_L 7.30 Gy. */
    p = plan_file("partition-ho1996.json");
    if (p) {
        check_abs(p->total_activity_gbq, 1.838, 5e-4, "A 1.838 GBq");
        check_abs(p->territories[0].compartments[0].dose_gy, 160.0, 1e-6, "D_T 160 Gy");
        check_abs(p->lung_dose_gy, 7.30, 5e-3, "D_L 7.30 Gy");
        sirt_plan_free(p);
    }
    /* §3.6: 1.5 kg, 60 Gy → 5671 MBq. */
    p = plan_file("ho166.json");
    if (p) {
        check_abs(p->total_activity_gbq, 5.671, 5e-4, "5671 MBq");
        check_str(p->lsf_used_from, "spect", "LSF from the scout SPECT");
        sirt_plan_free(p);
    }
    /* The demo case: two territories, cirrhosis (compromised), SPECT LSF, measured. */
    p = plan_file("demo-case.json");
    if (p) {
        check_int((long)p->n_territories, 2, "two territories");
        check_str(p->lsf_used_from, "spect", "SPECT LSF chosen");
        /* 31000/(31000+1480000) = 2.0516%. */
        check_abs(p->lsf_fraction, 31000.0 / 1511000.0, 1e-12, "SPECT LSF");
        check_true(has_note(p, "compromised (cirrhosis"), "compromised by cirrhosis");
        for (size_t t = 0; t < p->n_territories; t++)
            check_true(p->territories[t].normal_liver_dose_gy <= 30.0 + 1e-9,
                       "territory %zu within 30 Gy (compromised resin)", t);
        check_int(p->logistics.measured, 1, "measured readings used");
        check_rel(p->lung_mass_kg, 4.2 * 0.27, 1e-12, "lung mass from volume·density");
        sirt_plan_free(p);
    }
    sirt_rules_free(rules);
    sirt_catalogue_free(cat);
    return check_failures();
}
