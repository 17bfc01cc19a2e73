/* Using libsirt from C: plan one case file and print the activity and the warnings.
 * Build against an installed sirtkit:
 *   cc plan_case.c $(pkg-config --cflags --libs sirt) -o plan_case */
#include <stdio.h>

#include <sirt/sirt.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s CASE.json\n", argv[0]);
        return 2;
    }
    sirt_error err = {0};
    sirt_catalogue *cat = NULL;
    sirt_rules *rules = NULL;
    sirt_case *c = NULL;
    sirt_plan *plan = NULL;
    int rc = 1;
    if (sirt_catalogue_load_default(&cat, &err) || sirt_rules_load_default(&rules, &err) ||
        sirt_case_read(argv[1], &c, &err) ||
        sirt_plan_compute(c, cat, rules, NULL, &plan, &err)) {
        fprintf(stderr, "error (%s): %s\n", sirt_status_str(err.status), err.message);
        goto done;
    }
    printf("total activity %.3f GBq, lung dose %.2f Gy\n", plan->total_activity_gbq,
           plan->lung_dose_gy);
    for (size_t i = 0; i < plan->warnings.count; i++)
        printf("warning %s: %s\n", plan->warnings.items[i].rule, plan->warnings.items[i].message);
    rc = 0;
done:
    sirt_plan_free(plan);
    sirt_case_free(c);
    sirt_rules_free(rules);
    sirt_catalogue_free(cat);
    return rc;
}
