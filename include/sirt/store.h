/* sirt/store.h: records in an embedded SQLite database, with an audit trail.
 *
 * One file holds patients, studies, work-ups, plans, treatments, per-structure doses,
 * follow-ups and the audit trail (docs/store.md). Records are never updated in place:
 * a corrected plan is a new row pointing at the one it supersedes. Every insert appends,
 * in the same transaction, an audit row chained by SHA-256 to the previous one, so that
 * sirt_store_verify finds an edited, deleted or out-of-band row and names it.
 *
 * A store handle is used by one thread at a time; several processes may write to the
 * same file at once (WAL, busy timeout, BEGIN IMMEDIATE retried on SQLITE_BUSY). */
#ifndef SIRT_STORE_H
#define SIRT_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "sirt/error.h"
#include "sirt/time.h"
#include "sirt/case.h"
#include "sirt/plan.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Schema version written in PRAGMA user_version by this library. */
#define SIRT_STORE_SCHEMA_VERSION 1

typedef struct sirt_store sirt_store; /* opaque */

/* Flags of sirt_store_open. */
enum {
    SIRT_STORE_CREATE = 1,  /* create the file (and its folder) when it does not exist */
    SIRT_STORE_READONLY = 2 /* never write: no creation, no migration */
};

/* Open (or create) the database at `path`, switch on foreign keys and WAL, and bring an
 * older schema forward. Refused with a clear error: a file that is not SQLite, a SQLite
 * file of another application, a schema newer than this library, a missing file without
 * SIRT_STORE_CREATE. On failure *out stays NULL. */
sirt_status sirt_store_open(const char *path, int flags, sirt_store **out, sirt_error *err);
void sirt_store_close(sirt_store *s); /* NULL is fine */

/* Who is recorded in the audit trail and on treatments (default: the OS user). */
sirt_status sirt_store_set_operator(sirt_store *s, const char *operator_name, sirt_error *err);
const char *sirt_store_operator(const sirt_store *s);
const char *sirt_store_path(const sirt_store *s);
int sirt_store_schema_version(const sirt_store *s);

/* The default database: $SIRT_DB, else $XDG_DATA_HOME/sirtkit/sirt.db, else
 * $HOME/.local/share/sirtkit/sirt.db. */
sirt_status sirt_store_default_path(char *buf, size_t size, sirt_error *err);

/* ---- Recording a plan ----------------------------------------------------------- */

/* A treatment as stored (delivered values; NaN when not recorded). */
typedef struct sirt_store_treatment {
    int64_t id;
    int64_t plan_id;
    char patient_key[SIRT_NAME_LEN];
    sirt_datetime treated_at;
    char product[SIRT_ID_LEN];
    double ordered_activity_gbq;
    double delivered_activity_gbq;
    double residual_gbq;
    double lung_dose_gy;          /* delivered */
    double normal_liver_dose_gy;  /* delivered, normal-liver mass-weighted mean */
    char operator_name[SIRT_NAME_LEN];
} sirt_store_treatment;

/* Prior treatments of `patient_key` from the database, oldest first (*out NULL, *n 0 when
 * none). Caller frees *out with free(). */
sirt_status sirt_store_treatments(sirt_store *s, const char *patient_key,
                                  sirt_store_treatment **out, size_t *n, sirt_error *err);

/* What sirt_store_merge_prior did: the database treatments added to the case and those
 * left out (already listed in the case with the same date-time, or not before the session). */
typedef struct sirt_store_merge {
    size_t n_added, n_duplicate, n_not_before;
    size_t n_rerecorded;          /* same session recorded again: only the latest counts */
    double added_lung_dose_gy;
    int64_t added_ids[64];        /* first 64 */
    char note[SIRT_TEXT_LEN];     /* one sentence for the plan notes ("" when nothing found) */
    char liver_note[SIRT_TEXT_LEN]; /* normal-liver doses of prior treatments, for information */
} sirt_store_merge;

/* Add the patient's database treatments to c->prior for the cumulative lung check,
 * skipping those the case already lists (same date-time) and those not before the
 * session (the case's treatment or dose-calibrator time). */
sirt_status sirt_store_merge_prior(sirt_store *s, sirt_case *c, sirt_store_merge *out,
                                   sirt_error *err);

/* Append a note to a computed plan (e.g. the merge note). */
sirt_status sirt_store_plan_add_note(sirt_plan *plan, const char *note, sirt_error *err);

/* Inputs of sirt_store_record_plan besides the case and the plan. */
/* An image set used by the plan (`sirt run`): the `studies` table. */
typedef struct sirt_store_study {
    const char *role;          /* "ct", "spect", "liver mask", ... (stored as modality) */
    const char *path;          /* stored as description */
    const char *sha256;        /* content hash; "" or NULL for a folder (stored as "folder") */
    const char *geometry_json; /* {"size":[..],"spacing_mm":[..],"origin_mm":[..]}; may be NULL */
} sirt_store_study;

/* A voxel-dose result per structure (`sirt run`): structure_doses rows of kind "voxel". */
typedef struct sirt_store_voxel_dose {
    const char *structure;
    double volume_ml;
    double planned_mean_gy;
    double delivered_mean_gy;  /* NaN without a post-treatment image */
} sirt_store_voxel_dose;

typedef struct sirt_store_plan_input {
    const char *case_json;   /* the case file as read (its SHA-256 is stored) */
    size_t case_size;
    const char *case_path;   /* as given, for information; may be NULL */
    const char *plan_json;   /* sirt_plan_to_json output */
    const char *rules_version;
    const sirt_store_merge *merge; /* may be NULL */
    int64_t supersedes_plan_id;    /* 0: none */
    /* Added for `sirt run` (may be 0/NULL): recorded in the same transaction. */
    size_t n_studies;
    const sirt_store_study *studies;
    size_t n_voxel_doses;
    const sirt_store_voxel_dose *voxel_doses;
} sirt_store_plan_input;

typedef struct sirt_store_recorded {
    int64_t patient_id;   /* row id */
    int patient_created;  /* 1 when the patient row was new */
    int64_t workup_id;
    int64_t plan_id;
    int64_t treatment_id; /* 0 when the case has no dose-calibrator readings */
    size_t n_structure_doses;
    size_t n_audit_rows;
} sirt_store_recorded;

/* Record patient (when new), work-up, plan, per-structure doses and, when the plan has
 * measured delivered activity, the treatment: one transaction, every row audited. */
sirt_status sirt_store_record_plan(sirt_store *s, const sirt_case *c, const sirt_plan *plan,
                                   const sirt_store_plan_input *in, sirt_store_recorded *out,
                                   sirt_error *err);

/* ---- Queries ---------------------------------------------------------------------- */

/* The patient list, a patient's record and history as JSON (caller frees with free()).
 * A patient is named by its key (the case's patient id) or "#<row id>". */
sirt_status sirt_store_patients_json(sirt_store *s, char **json_out, sirt_error *err);
sirt_status sirt_store_history_json(sirt_store *s, const char *patient, char **json_out,
                                    sirt_error *err);
/* The stored plan JSON and case JSON of plan `plan_id` (either out may be NULL). */
sirt_status sirt_store_plan_texts(sirt_store *s, int64_t plan_id, char **case_json_out,
                                  char **plan_json_out, sirt_error *err);

/* ---- Audit ------------------------------------------------------------------------ */

typedef struct sirt_store_verify_result {
    int ok;                 /* 1: chain and every audited row intact, no unaudited rows */
    size_t n_audit_rows;
    size_t n_rows_checked;
    char table[32];         /* first problem: table and row id ("" / 0 when ok) */
    int64_t row_id;
    char problem[SIRT_TEXT_LEN];
    char head_sha256[65];   /* hash of the last audit row: note it elsewhere to detect a
                               rewrite of the whole chain */
} sirt_store_verify_result;

/* Recompute the audit chain and the content hash of every audited row; report the first
 * edited, deleted or out-of-band row. A damaged database is SIRT_OK with out->ok = 0. */
sirt_status sirt_store_verify(sirt_store *s, sirt_store_verify_result *out, sirt_error *err);

/* Copy the database to `dest` with the online backup API: a temporary file beside it,
 * then rename (nothing left at `dest` on failure). */
sirt_status sirt_store_backup(sirt_store *s, const char *dest, sirt_error *err);

/* ---- Export and import -------------------------------------------------------------- */

/* A patient's whole record as JSON ("sirtkit-record/1"); row ids are replaced by positions
 * so that export → import into another database → export gives the same text. */
sirt_status sirt_store_export_json(sirt_store *s, const char *patient, char **json_out,
                                   sirt_error *err);
/* Import an export; refused (naming the JSON path) when malformed or when the patient is
 * already in the database. *patient_id_out (may be NULL) gets the new row id. */
sirt_status sirt_store_import_json(sirt_store *s, const char *json, size_t size,
                                   int64_t *patient_id_out, sirt_error *err);

/* ---- Re-running a stored plan ------------------------------------------------------- */

struct sirt_catalogue;
struct sirt_rules;

/* One value that came out differently (JSON path, old and new value as JSON text). */
typedef struct sirt_store_rerun_diff {
    char path[256];
    char old_value[SIRT_TEXT_LEN];
    char new_value[SIRT_TEXT_LEN];
} sirt_store_rerun_diff;

typedef struct sirt_store_rerun_result {
    int64_t plan_id;
    int identical;             /* 1: every compared value equal */
    size_t n_numbers;          /* numbers compared (bitwise equal doubles) */
    size_t n_values;           /* numbers, strings, booleans and nulls compared */
    size_t n_differences;
    sirt_store_rerun_diff *differences; /* n_differences entries */
    size_t n_db_priors;        /* prior treatments restored from db_prior_json */
    size_t n_overrides;        /* overrides restored from the stored plan */
    /* Recorded and current versions ("" when not recorded); *_differ 1 when unequal. */
    char recorded_software_version[64], software_version[64];
    char recorded_catalogue_version[64], catalogue_version[64];
    char recorded_rules_version[64], rules_version[64];
    int software_differs, catalogue_differs, rules_differs;
    char *plan_json;           /* the new plan JSON */
} sirt_store_rerun_result;

/* Re-run plan `plan_id` from its recorded inputs: the stored case text (refused when it
 * no longer matches its recorded SHA-256), the database prior treatments it used
 * (db_prior_json), the overrides with their reasons and operators (from the stored plan),
 * with catalogue `cat` and rules `rules`; then compare the new plan JSON with the stored one
 * value by value (docs/store.md lists the fields left out of the comparison). A difference
 * is SIRT_OK with (*out)->identical = 0. Free *out with sirt_store_rerun_free. */
sirt_status sirt_store_rerun(sirt_store *s, int64_t plan_id, const struct sirt_catalogue *cat,
                             const struct sirt_rules *rules, sirt_store_rerun_result **out,
                             sirt_error *err);
void sirt_store_rerun_free(sirt_store_rerun_result *r); /* NULL is fine */

/* SHA-256 of `size` bytes as 64 lowercase hex digits plus NUL. */
void sirt_sha256_hex(const void *data, size_t size, char out[65]);

#ifdef __cplusplus
}
#endif
#endif
