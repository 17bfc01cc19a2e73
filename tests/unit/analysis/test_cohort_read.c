/* sirt cohort: reading JSON and CSV cohort files from memory. */
#include <string.h>

#include "check.h"
#include "sirt/cohort.h"

static sirt_cohort *parse(const char *text, sirt_error *err)
{
    sirt_cohort *c = NULL;
    sirt_error_clear(err);
    sirt_cohort_parse(text, strlen(text), "t", &c, err);
    return c;
}

static void json_ok(void)
{
    sirt_error err;
    const char *t = "{\"format\": \"sirtkit-cohort/1\", \"metric\": \"bed_gy\", \"outcome\": "
                    "\"response\", \"responder_classes\": [\"CR\"], \"records\": ["
                    "{\"patient_id\": \"A\", \"lesion_id\": \"1\", \"bed_gy\": 80, \"response\": \"PR\"},"
                    "{\"patient_id\": \"A\", \"lesion_id\": \"2\", \"bed_gy\": 300, \"response\": \"CR\"},"
                    "{\"patient_id\": \"B\", \"bed_gy\": 120.5, \"responder\": true, \"note\": \"x\"}]}";
    sirt_cohort *c = parse(t, &err);
    check_true(c != NULL, "json: parsed (%s)", err.message);
    if (!c)
        return;
    check_str(c->metric, "bed_gy", "json: metric");
    check_int((long)c->n, 3, "json: 3 records");
    check_int((long)c->n_patients, 2, "json: 2 patients");
    check_true(c->clustered, "json: patient A has two lesions, so clustered");
    check_int(c->records[0].event, 0, "json: PR is not a response when only CR counts");
    check_int(c->records[1].event, 1, "json: CR responds");
    check_int(c->records[2].event, 1, "json: responder true");
    check_rel(c->records[2].dose_gy, 120.5, 0, "json: dose read");
    check_str(c->records[0].response_class, "PR", "json: class kept");
    check_str(c->records[1].where, "$.records[1]", "json: where");
    sirt_cohort_free(c);
}

static void csv_ok(void)
{
    sirt_error err;
    /* CRLF, a comment, a blank line, spaces around fields, columns in another order. */
    const char *t = "# exported 2026-01-02\r\n"
                    "outcome, dose_gy, patient_id\r\n"
                    "\r\n"
                    "PR, 150, P1\r\n"
                    "yes, 90.5, P2\r\n"
                    "SD, 40, P3\r\n";
    sirt_cohort *c = parse(t, &err);
    check_true(c != NULL, "csv: parsed (%s)", err.message);
    if (!c)
        return;
    check_int((long)c->n, 3, "csv: 3 records");
    check_true(!c->clustered, "csv: one record per patient");
    check_int(c->records[0].event + c->records[1].event + c->records[2].event, 2,
              "csv: PR and yes respond, SD not");
    check_rel(c->records[1].dose_gy, 90.5, 0, "csv: dose read");
    check_str(c->records[2].where, "line 6", "csv: where counts every physical line");
    check_int(c->outcome, SIRT_COHORT_RESPONSE, "csv: outcome column means response");
    sirt_cohort_free(c);

    c = parse("patient_id,toxicity,d70_gy\nA,1,30\nB,0,20\n", &err);
    check_true(c && c->outcome == SIRT_COHORT_TOXICITY && strcmp(c->metric, "d70_gy") == 0,
               "csv: toxicity column and metric d70_gy");
    sirt_cohort_free(c);
}

static void errors(void)
{
    sirt_error err;
    sirt_cohort *c = parse("patient_id,dose_gy,outcome\nA,10,1\nA,20,0\n", &err);
    check_true(c == NULL && strstr(err.message, "t: line 3: duplicate record: patient_id \"A\" "
                                                "(no lesion_id) is also at line 2"),
               "csv: duplicate patient without lesion_id (%s)", err.message);
    c = parse("patient_id,dose_gy,outcome\nA,inf,1\n", &err);
    check_true(c == NULL && strstr(err.message, "line 2: dose_gy \"inf\" is not a finite number"),
               "csv: inf refused (%s)", err.message);
    c = parse("patient_id,dose_gy,outcome\nA,-1,1\n", &err);
    check_true(c == NULL && strstr(err.message, "line 2: dose_gy = -1 Gy is out of range"),
               "csv: negative dose (%s)", err.message);
    check_str(err.field, "line 2", "csv: error field is the line");
    c = parse("patient_id,dose_gy,outcome\n", &err);
    check_true(c == NULL && strstr(err.message, "no records"), "csv: header only (%s)",
               err.message);
    c = parse("{\"format\": \"sirtkit-cohort/1\", \"outcome\": \"toxicity\", \"records\": "
              "[{\"patient_id\": \"A\", \"dose_gy\": 1}]}",
              &err);
    check_true(c == NULL && strstr(err.message, "$.records[0].toxicity"),
               "json: toxicity missing names the path (%s)", err.message);
    check_str(err.field, "$.records[0].toxicity", "json: error field is the path");
}

int main(void)
{
    json_ok();
    csv_ok();
    errors();
    return check_failures();
}
