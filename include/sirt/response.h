/* sirt/response.h: follow-up response by RECIST 1.1 and mRECIST (docs/response.md).
 *
 * Input: lesions (targets and non-targets) measured at a baseline and follow-up time
 * points, read from a JSON file ("sirtkit-response/1") or built in memory. Output, per
 * criterion and per time point: the sum of diameters, its change against baseline and
 * nadir, the target, non-target and overall response (RECIST 1.1 Table 1), and the best
 * overall response with the time point that confirms it.
 *
 * RECIST 1.1: Eisenhauer et al., Eur J Cancer 2009;45:228 (domain.md §7.4).
 * mRECIST for HCC: Lencioni & Llovet, Semin Liver Dis 2010;30:52 (domain.md §7.5), on
 * the longest diameter of the viable (arterially enhancing) tumour. */
#ifndef SIRT_RESPONSE_H
#define SIRT_RESPONSE_H

#include <stddef.h>
#include <stdint.h>
#include "sirt/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SIRT_RESPONSE_FORMAT "sirtkit-response/1"
#define SIRT_RESPONSE_ID_LEN 32
#define SIRT_RESPONSE_NAME_LEN 64
#define SIRT_RESPONSE_NOTE_LEN 320
#define SIRT_RESPONSE_MAX_LESIONS 100
#define SIRT_RESPONSE_MAX_TIME_POINTS 100

/* A response category; append only. */
typedef enum sirt_resp {
    SIRT_RESP_NA = 0,             /* not applicable (no lesion of that kind) */
    SIRT_RESP_CR = 1,             /* complete response */
    SIRT_RESP_PR = 2,             /* partial response */
    SIRT_RESP_SD = 3,             /* stable disease */
    SIRT_RESP_PD = 4,             /* progressive disease */
    SIRT_RESP_NE = 5,             /* not evaluable */
    SIRT_RESP_NON_CR_NON_PD = 6,  /* non-target lesions persist, no progression */
    SIRT_RESP_BASELINE = 7        /* the baseline time point itself */
} sirt_resp;

/* "CR", "PR", "SD", "PD", "NE", "non-CR/non-PD", "n/a", "baseline". */
const char *sirt_resp_str(sirt_resp r);

typedef enum sirt_lesion_kind {
    SIRT_LESION_UNASSIGNED = 0, /* left to automatic selection */
    SIRT_LESION_TARGET = 1,
    SIRT_LESION_NON_TARGET = 2
} sirt_lesion_kind;

/* Qualitative status of a non-target lesion at one time point. */
typedef enum sirt_lesion_status {
    SIRT_STATUS_NOT_GIVEN = -1,
    SIRT_STATUS_PRESENT = 0,                 /* persists (a node: short axis ≥ 10 mm) */
    SIRT_STATUS_ABSENT = 1,                  /* gone (a node: normal, short axis < 10 mm) */
    SIRT_STATUS_UNEQUIVOCAL_PROGRESSION = 2, /* unequivocal progression (RECIST 1.1 §4.3.3) */
    SIRT_STATUS_NOT_EVALUATED = 3
} sirt_lesion_status;

typedef struct sirt_response_options {
    int auto_select_targets;       /* 0: targets as marked; 1: largest measurable, ≤ 2 per organ, ≤ 5 */
    double slice_thickness_mm;     /* CT/MR slice; > 5 mm raises the minimum to 2 × slice (RECIST 1.1 §3.1) */
    int confirmation_required;     /* CR/PR confirmed by a repeat assessment (RECIST 1.1 §4.6.1) */
    double confirmation_min_days;  /* 28: "no less than 4 weeks" (RECIST 1.1 §4.6.1) */
    double sd_min_interval_days;   /* 42: SD met at least once this long after baseline (protocol; 6–8 weeks) */
    int mrecist;                   /* -1: when every target has a baseline viable diameter; 0 off; 1 on */
    int mrecist_absolute_5mm;      /* 1: also require +5 mm for mRECIST PD (not in Lencioni 2010); default 0 */
} sirt_response_options;

sirt_response_options sirt_response_options_default(void);

typedef struct sirt_response_lesion {
    char id[SIRT_RESPONSE_ID_LEN];
    char organ[SIRT_RESPONSE_NAME_LEN];
    int nodal;                     /* 1: lymph node (short axis; all nodes are one organ) */
    sirt_lesion_kind kind;
} sirt_response_lesion;

/* One lesion at one time point. Diameters are NaN when not given. */
typedef struct sirt_response_measure {
    int given;                     /* the lesion has an entry at this time point */
    double longest_diameter_mm;    /* non-nodal lesions */
    double short_axis_mm;          /* lymph nodes */
    double viable_diameter_mm;     /* longest diameter of arterially enhancing tumour (mRECIST) */
    sirt_lesion_status status;     /* non-targets */
    sirt_lesion_status viable_status; /* non-targets under mRECIST; NOT_GIVEN: as status */
} sirt_response_measure;

typedef struct sirt_response_time_point {
    char date[11];                 /* YYYY-MM-DD */
    int64_t day;                   /* days since 1970-01-01 */
    char label[SIRT_RESPONSE_NAME_LEN];
    int new_lesions;               /* 1 yes, 0 no, -1 not given (baseline) */
    sirt_response_measure *measures; /* n_lesions entries, in the order of lesions */
} sirt_response_time_point;

typedef struct sirt_response_input {
    char patient_id[SIRT_RESPONSE_NAME_LEN];
    sirt_response_options options;
    size_t n_lesions;
    sirt_response_lesion *lesions;
    size_t n_time_points;          /* the first is the baseline */
    sirt_response_time_point *time_points;
} sirt_response_input;

/* Read a "sirtkit-response/1" JSON text or file (format in docs/response.md). Errors
 * name the JSON path. *out is NULL on failure; free with sirt_response_input_free. */
sirt_status sirt_response_parse(const char *json, size_t size, sirt_response_input **out,
                                sirt_error *err);
sirt_status sirt_response_read(const char *path, sirt_response_input **out, sirt_error *err);
void sirt_response_input_free(sirt_response_input *in);

/* Parse "YYYY-MM-DD" (a real calendar date) into days since 1970-01-01. */
sirt_status sirt_response_parse_date(const char *text, const char *field, int64_t *day_out,
                                     sirt_error *err);

/* One criterion at one time point. Numbers are NaN when they do not apply. */
typedef struct sirt_response_row {
    double sum_mm;                 /* sum of target diameters (NaN when a target is missing) */
    double measured_sum_mm;        /* sum over the targets measured (equal to sum_mm when all are) */
    double nadir_mm;               /* smallest sum before this time point, baseline included */
    double change_baseline_pct;
    double change_nadir_pct;       /* NaN when the nadir is 0 mm */
    double change_nadir_mm;
    sirt_resp target, non_target, overall;
    int new_lesions;
    char note[SIRT_RESPONSE_NOTE_LEN]; /* why NE, PD or CR, in words */
} sirt_response_row;

typedef struct sirt_response_assessment {
    int evaluated;                 /* 0: criterion not applied; `why` says why */
    char why[SIRT_RESPONSE_NOTE_LEN];
    sirt_response_row *rows;       /* n_time_points rows (row 0: baseline) */
    sirt_resp best;                /* best overall response */
    int best_index;                /* time point of the best response, -1 if none */
    int confirm_index;             /* time point confirming it, -1 if none or not needed */
    char best_note[SIRT_RESPONSE_NOTE_LEN];
} sirt_response_assessment;

typedef struct sirt_response_result {
    size_t n_lesions, n_time_points;
    sirt_lesion_kind *kind;        /* per lesion, after selection */
    sirt_response_options options; /* as applied (mrecist resolved to 0 or 1) */
    sirt_response_assessment recist, mrecist;
    size_t n_notes;
    char (*notes)[SIRT_RESPONSE_NOTE_LEN]; /* selection and input remarks */
} sirt_response_result;

/* Validate the targets (selection rules, measurability), select them when asked, and
 * assess every time point and the best overall response. Errors name the JSON path of
 * the input they concern and the rule broken. *out is NULL on failure. */
sirt_status sirt_response_evaluate(const sirt_response_input *in, sirt_response_result **out,
                                   sirt_error *err);
void sirt_response_result_free(sirt_response_result *r);

/* Single rules, exposed for tests and other callers. */
/* RECIST 1.1 target response from sums (§4.3.1): CR when cr_met (every non-nodal target
 * gone, every nodal target < 10 mm; mRECIST: no viable tumour); else PD when sum ≥ 1.2 ×
 * nadir, sum > nadir and sum − nadir ≥ min_increase_mm (5 for RECIST 1.1, 0 for
 * mRECIST); else PR when sum ≤ 0.7 × baseline; else SD. Thresholds are inclusive. */
sirt_resp sirt_response_target(double sum_mm, double baseline_mm, double nadir_mm, int cr_met,
                               double min_increase_mm);
/* Overall response of one time point (RECIST 1.1 Tables 1 and 2); target or non_target
 * is SIRT_RESP_NA when the patient has no such lesion. */
sirt_resp sirt_response_overall(sirt_resp target, sirt_resp non_target, int new_lesions);

/* Text table (RECIST 1.1 and mRECIST side by side) and JSON of a result (newline-terminated
 * texts; caller frees with free()). */
sirt_status sirt_response_format_text(const sirt_response_input *in, const sirt_response_result *r,
                                      char **out, sirt_error *err);
sirt_status sirt_response_format_json(const sirt_response_input *in, const sirt_response_result *r,
                                      char **out, sirt_error *err);

#ifdef __cplusplus
}
#endif
#endif
