/* Private to the store stage: the handle, typed values for bound parameters, and the
 * insert-with-audit primitive every record goes through. */
#ifndef SIRT_STORE_INTERNAL_H
#define SIRT_STORE_INTERNAL_H

#include <stdint.h>

#include <sqlite3.h>

#include "core/json_strict.h" /* TRY */
#include "sirt/store.h"

struct sirt_store {
    sqlite3 *db;
    char path[4096];
    char operator_name[SIRT_NAME_LEN];
    int schema_version;
    int readonly;
    int64_t pause_s; /* test-only: seconds to sleep inside a recording transaction */
};

/* A value bound to a statement parameter (never spliced into SQL text). */
typedef enum { SIRT__NULL = 0, SIRT__INT, SIRT__REAL, SIRT__TEXT } sirt__vtype;
typedef struct sirt__val {
    sirt__vtype type;
    int64_t i;
    double r;
    const char *t;
} sirt__val;

sirt__val sirt__vint(int64_t i);
sirt__val sirt__vreal(double r); /* NaN and infinities are stored as NULL */
sirt__val sirt__vtext(const char *t); /* NULL and "" are stored as NULL */
sirt__val sirt__vnull(void);
/* A foreign key: 0 means none (NULL). */
sirt__val sirt__vref(int64_t id);

/* Error from SQLite: "<what> in <path>: <sqlite message>" with a hint for full disks. */
sirt_status sirt__store_db_error(sirt_store *s, sirt_error *err, int rc, const char *what);
sirt_status sirt__store_prepare(sirt_store *s, const char *sql, sqlite3_stmt **st, sirt_error *err);
sirt_status sirt__store_bind(sirt_store *s, sqlite3_stmt *st, int index, sirt__val v,
                             sirt_error *err);
/* Run a statement without results (or with results ignored). */
sirt_status sirt__store_exec(sirt_store *s, const char *sql, sirt_error *err);

/* BEGIN IMMEDIATE, retried while SQLITE_BUSY (another writer) up to a deadline. */
sirt_status sirt__store_begin(sirt_store *s, sirt_error *err);
sirt_status sirt__store_commit(sirt_store *s, sirt_error *err);
void sirt__store_rollback(sirt_store *s);

/* INSERT INTO table(cols) VALUES(?...) with the values bound, then append the audit row
 * (action, table, row id, content hash, chain hash). Inside a transaction. */
sirt_status sirt__store_insert(sirt_store *s, const char *table, const char *action, size_t n,
                               const char *const *cols, const sirt__val *vals, int64_t *id_out,
                               sirt_error *err);
/* SHA-256 of the canonical content of row `id` of `table`; *found 0 when absent. */
sirt_status sirt__store_row_hash(sirt_store *s, const char *table, int64_t id, char out[65],
                                 int *found, sirt_error *err);
/* Tables that hold audited records, in dependency order. */
extern const char *const sirt__store_tables[];

/* Row id of a patient named by key or "#<id>"; SIRT_ENOTFOUND when absent. */
sirt_status sirt__store_resolve_patient(sirt_store *s, const char *patient, int64_t *id,
                                        sirt_error *err);

/* Current UTC time "YYYY-MM-DDThh:mm:ss.mmmZ". */
void sirt__store_now(char *buf, size_t size);

#endif
