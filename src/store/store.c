/* The database handle: open, schema migrations, transactions with retry, bound values. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sirt/sirt.h"
#include "store/store_internal.h"

/* 'SIRT' in PRAGMA application_id marks a sirtkit database (SQLite file format docs,
 * "Application ID"), so another application's SQLite file is refused, not migrated. */
#define SIRT_STORE_APPLICATION_ID 0x53495254

/* How long a writer waits for another one: SQLite's busy handler first, then our own
 * BEGIN IMMEDIATE retries (the busy handler is not called in every case, e.g. WAL
 * recovery or a lock upgrade). 8 writers × 1000 plans need seconds, not minutes. */
#define BUSY_TIMEOUT_MS 5000
#define BEGIN_DEADLINE_S 120.0

const char *const sirt__store_tables[] = {"patients", "studies", "workups", "plans",
                                           "treatments", "structure_doses", "followups", NULL};

/* ---- Migrations: one entry per schema version; v2 is one more entry. ------------- */

static const char *const migration_v1 =
    "CREATE TABLE patients ("
    " id INTEGER PRIMARY KEY,"
    " patient_key TEXT NOT NULL UNIQUE," /* the case's $.patient.id */
    " sex TEXT, height_cm REAL, weight_kg REAL," /* demographics at first record */
    " created_at TEXT NOT NULL, created_by TEXT NOT NULL);"
    "CREATE TABLE studies ("
    " id INTEGER PRIMARY KEY,"
    " patient_id INTEGER NOT NULL REFERENCES patients(id),"
    " modality TEXT, acquired_at TEXT, description TEXT,"
    " content_sha256 TEXT NOT NULL, geometry_json TEXT,"
    " created_at TEXT NOT NULL, created_by TEXT NOT NULL);"
    "CREATE TABLE workups ("
    " id INTEGER PRIMARY KEY,"
    " patient_id INTEGER NOT NULL REFERENCES patients(id),"
    " case_id TEXT NOT NULL,"
    " child_pugh_score INTEGER, child_pugh_class TEXT, albi_score REAL, albi_grade INTEGER,"
    " bsa_m2 REAL, liver_mass_kg REAL, tumour_volume_ml REAL, tumour_burden_percent REAL,"
    " lsf_fraction REAL, lsf_used_from TEXT, eligible INTEGER,"
    " created_at TEXT NOT NULL, created_by TEXT NOT NULL);"
    "CREATE TABLE plans ("
    " id INTEGER PRIMARY KEY,"
    " patient_id INTEGER NOT NULL REFERENCES patients(id),"
    " workup_id INTEGER REFERENCES workups(id),"
    " supersedes_plan_id INTEGER REFERENCES plans(id),"
    " case_id TEXT NOT NULL, case_path TEXT,"
    " case_json TEXT NOT NULL, case_sha256 TEXT NOT NULL,"
    " plan_json TEXT NOT NULL,"
    " model TEXT NOT NULL, strategy TEXT, product TEXT NOT NULL, nuclide TEXT NOT NULL,"
    " software_version TEXT NOT NULL, catalogue_version TEXT, rules_version TEXT,"
    " total_activity_gbq REAL, lung_dose_gy REAL, prior_lung_dose_gy REAL,"
    " cumulative_lung_dose_gy REAL, db_prior_json TEXT,"
    " created_at TEXT NOT NULL, created_by TEXT NOT NULL);"
    "CREATE TABLE treatments ("
    " id INTEGER PRIMARY KEY,"
    " patient_id INTEGER NOT NULL REFERENCES patients(id),"
    " plan_id INTEGER NOT NULL REFERENCES plans(id),"
    " treated_at TEXT NOT NULL, treated_at_utc_s INTEGER NOT NULL,"
    " product TEXT NOT NULL,"
    " ordered_activity_gbq REAL, delivered_activity_gbq REAL,"
    " vial_before_gbq REAL, vial_before_at TEXT, residual_gbq REAL, residual_at TEXT,"
    " lung_dose_gy REAL, normal_liver_dose_gy REAL,"
    " operator TEXT NOT NULL, created_at TEXT NOT NULL);"
    "CREATE INDEX treatments_patient ON treatments(patient_id, treated_at_utc_s);"
    "CREATE INDEX plans_patient ON plans(patient_id);"
    "CREATE TABLE structure_doses ("
    " id INTEGER PRIMARY KEY,"
    " plan_id INTEGER NOT NULL REFERENCES plans(id),"
    " treatment_id INTEGER REFERENCES treatments(id),"
    " territory TEXT NOT NULL, structure TEXT NOT NULL, kind TEXT NOT NULL,"
    " mass_kg REAL, activity_gbq REAL, planned_dose_gy REAL, delivered_dose_gy REAL,"
    " created_at TEXT NOT NULL);"
    "CREATE INDEX structure_doses_plan ON structure_doses(plan_id);"
    "CREATE TABLE followups ("
    " id INTEGER PRIMARY KEY,"
    " patient_id INTEGER NOT NULL REFERENCES patients(id),"
    " treatment_id INTEGER REFERENCES treatments(id),"
    " assessed_at TEXT, kind TEXT, response_json TEXT,"
    " created_at TEXT NOT NULL, created_by TEXT NOT NULL);"
    "CREATE TABLE audit ("
    " id INTEGER PRIMARY KEY,"
    " at TEXT NOT NULL, operator TEXT NOT NULL, action TEXT NOT NULL,"
    " table_name TEXT NOT NULL, row_id INTEGER NOT NULL,"
    " content_sha256 TEXT NOT NULL, prev_sha256 TEXT NOT NULL, sha256 TEXT NOT NULL);"
    "CREATE INDEX audit_row ON audit(table_name, row_id);";

/* migrations[k] brings the schema from version k to k+1. */
static const char *const migrations[SIRT_STORE_SCHEMA_VERSION] = {migration_v1};

/* ---- Values ------------------------------------------------------------------------ */

sirt__val sirt__vint(int64_t i) { return (sirt__val){SIRT__INT, i, 0.0, NULL}; }
sirt__val sirt__vnull(void) { return (sirt__val){SIRT__NULL, 0, 0.0, NULL}; }
sirt__val sirt__vreal(double r)
{
    return isfinite(r) ? (sirt__val){SIRT__REAL, 0, r, NULL} : sirt__vnull();
}
sirt__val sirt__vtext(const char *t)
{
    return t && t[0] ? (sirt__val){SIRT__TEXT, 0, 0.0, t} : sirt__vnull();
}
sirt__val sirt__vref(int64_t id) { return id > 0 ? sirt__vint(id) : sirt__vnull(); }

/* ---- Errors and statements ------------------------------------------------------------ */

sirt_status sirt__store_db_error(sirt_store *s, sirt_error *err, int rc, const char *what)
{
    int primary = rc & 0xff;
    const char *msg = s && s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc);
    if (primary == SQLITE_NOTADB)
        return sirt_error_set(err, SIRT_EFORMAT, "db", "%s is not a SQLite database (%s)",
                              s ? s->path : "?", msg);
    if (primary == SQLITE_FULL || primary == SQLITE_IOERR || primary == SQLITE_CANTOPEN ||
        primary == SQLITE_READONLY || primary == SQLITE_PERM)
        return sirt_error_set(err, SIRT_EIO, "db",
                              "%s in %s failed: %s%s; nothing of this transaction was committed",
                              what, s ? s->path : "?", msg,
                              primary == SQLITE_FULL || primary == SQLITE_IOERR
                                  ? " (disk full or file size limit reached?)"
                                  : "");
    if (primary == SQLITE_CORRUPT)
        return sirt_error_set(err, SIRT_EFORMAT, "db", "%s in %s failed: the database is corrupt (%s)",
                              what, s ? s->path : "?", msg);
    if (primary == SQLITE_CONSTRAINT)
        return sirt_error_set(err, SIRT_EINVAL, "db", "%s in %s refused: %s", what,
                              s ? s->path : "?", msg);
    return sirt_error_set(err, SIRT_EIO, "db", "%s in %s failed: %s (SQLite code %d)", what,
                          s ? s->path : "?", msg, rc);
}

sirt_status sirt__store_prepare(sirt_store *s, const char *sql, sqlite3_stmt **st, sirt_error *err)
{
    *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, st, NULL);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(*st);
        *st = NULL;
        return sirt__store_db_error(s, err, rc, "preparing a query");
    }
    return SIRT_OK;
}

sirt_status sirt__store_bind(sirt_store *s, sqlite3_stmt *st, int index, sirt__val v, sirt_error *err)
{
    int rc;
    switch (v.type) {
    case SIRT__INT: rc = sqlite3_bind_int64(st, index, v.i); break;
    case SIRT__REAL: rc = sqlite3_bind_double(st, index, v.r); break;
    case SIRT__TEXT: rc = sqlite3_bind_text(st, index, v.t, -1, SQLITE_TRANSIENT); break;
    default: rc = sqlite3_bind_null(st, index); break;
    }
    return rc == SQLITE_OK ? SIRT_OK : sirt__store_db_error(s, err, rc, "binding a value");
}

sirt_status sirt__store_exec(sirt_store *s, const char *sql, sirt_error *err)
{
    char *msg = NULL;
    int rc = sqlite3_exec(s->db, sql, NULL, NULL, &msg);
    sqlite3_free(msg);
    return rc == SQLITE_OK ? SIRT_OK : sirt__store_db_error(s, err, rc, "writing");
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Run `sql` retrying SQLITE_BUSY/LOCKED with a growing pause (1 → 50 ms) until the deadline. */
static int exec_retry(sirt_store *s, const char *sql)
{
    double t0 = mono_s();
    long pause_ms = 1;
    for (;;) {
        int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
        int primary = rc & 0xff;
        if ((primary != SQLITE_BUSY && primary != SQLITE_LOCKED) ||
            mono_s() - t0 > BEGIN_DEADLINE_S)
            return rc;
        /* Spread the retries of many writers: the pause depends on the pid. */
        sleep_ms(pause_ms + (long)(getpid() % 7));
        if (pause_ms < 50)
            pause_ms *= 2;
    }
}

sirt_status sirt__store_begin(sirt_store *s, sirt_error *err)
{
    if (s->readonly)
        return sirt_error_set(err, SIRT_EUNSUPPORTED, "db", "%s is open read-only", s->path);
    int rc = exec_retry(s, "BEGIN IMMEDIATE");
    return rc == SQLITE_OK ? SIRT_OK : sirt__store_db_error(s, err, rc, "starting a transaction");
}

sirt_status sirt__store_commit(sirt_store *s, sirt_error *err)
{
    int rc = exec_retry(s, "COMMIT");
    if (rc != SQLITE_OK) {
        sirt_status st = sirt__store_db_error(s, err, rc, "committing");
        sirt__store_rollback(s);
        return st;
    }
    return SIRT_OK;
}

void sirt__store_rollback(sirt_store *s)
{
    if (!sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

void sirt__store_now(char *buf, size_t size)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000L);
}

/* ---- Open ----------------------------------------------------------------------------- */

static sirt_status pragma_int(sirt_store *s, const char *sql, int *out, sirt_error *err)
{
    sqlite3_stmt *st;
    sirt_status status = sirt__store_prepare(s, sql, &st, err);
    if (status != SIRT_OK)
        return status;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return sirt__store_db_error(s, err, rc, "reading the schema version");
    return SIRT_OK;
}

/* mkdir -p of the folder holding `path` (for the default database). */
static sirt_status make_parent(const char *path, sirt_error *err)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir)
        return SIRT_OK;
    *slash = '\0';
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(dir, 0700) != 0 && errno != EEXIST)
            return sirt_error_set(err, SIRT_EIO, "db", "cannot create the folder %s: %s", dir,
                                  strerror(errno));
        *p = '/';
    }
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return sirt_error_set(err, SIRT_EIO, "db", "cannot create the folder %s: %s", dir,
                              strerror(errno));
    return SIRT_OK;
}

static sirt_status migrate(sirt_store *s, sirt_error *err)
{
    int version = 0, app = 0, n_tables = 0;
    sirt_status st;
    if ((st = pragma_int(s, "PRAGMA user_version", &version, err)) != SIRT_OK)
        return st;
    if (version > SIRT_STORE_SCHEMA_VERSION)
        return sirt_error_set(err, SIRT_EUNSUPPORTED, "db",
                              "%s has schema version %d, newer than this sirtkit (%s) understands "
                              "(up to %d); use a newer sirtkit",
                              s->path, version, sirt_version(), SIRT_STORE_SCHEMA_VERSION);
    if ((st = pragma_int(s, "PRAGMA application_id", &app, err)) != SIRT_OK)
        return st;
    if ((st = pragma_int(s, "SELECT count(*) FROM sqlite_master", &n_tables, err)) != SIRT_OK)
        return st;
    if (app != SIRT_STORE_APPLICATION_ID && (n_tables > 0 || version > 0))
        return sirt_error_set(err, SIRT_EFORMAT, "db",
                              "%s is a SQLite database of another application (application_id "
                              "%d, %d tables), not a sirtkit database",
                              s->path, app, n_tables);
    if (version == SIRT_STORE_SCHEMA_VERSION) {
        s->schema_version = version;
        return SIRT_OK;
    }
    if (s->readonly)
        return sirt_error_set(err, SIRT_EUNSUPPORTED, "db",
                              "%s has schema version %d; open it for writing once to bring it to "
                              "version %d",
                              s->path, version, SIRT_STORE_SCHEMA_VERSION);
    /* Another process may be migrating at the same time: decide inside the write lock. */
    if ((st = sirt__store_begin(s, err)) != SIRT_OK)
        return st;
    if ((st = pragma_int(s, "PRAGMA user_version", &version, err)) != SIRT_OK)
        goto fail;
    for (int v = version; v < SIRT_STORE_SCHEMA_VERSION; v++) {
        char *msg = NULL;
        int rc = sqlite3_exec(s->db, migrations[v], NULL, NULL, &msg);
        sqlite3_free(msg);
        if (rc != SQLITE_OK) {
            st = sirt__store_db_error(s, err, rc, "migrating the schema");
            goto fail;
        }
    }
    char sql[96];
    snprintf(sql, sizeof sql, "PRAGMA application_id = %d; PRAGMA user_version = %d",
             SIRT_STORE_APPLICATION_ID, SIRT_STORE_SCHEMA_VERSION);
    if ((st = sirt__store_exec(s, sql, err)) != SIRT_OK)
        goto fail;
    if ((st = sirt__store_commit(s, err)) != SIRT_OK)
        return st;
    s->schema_version = SIRT_STORE_SCHEMA_VERSION;
    return SIRT_OK;
fail:
    sirt__store_rollback(s);
    return st;
}

static const char *os_user(void)
{
    const struct passwd *pw = getpwuid(geteuid());
    return pw && pw->pw_name ? pw->pw_name : "unknown";
}

sirt_status sirt_store_open(const char *path, int flags, sirt_store **out, sirt_error *err)
{
    *out = NULL;
    if (!path || !path[0])
        return sirt_error_set(err, SIRT_EINVAL, "db", "no database path given");
    if (strlen(path) >= sizeof ((sirt_store *)0)->path)
        return sirt_error_set(err, SIRT_EINVAL, "db", "database path too long (%zu bytes)",
                              strlen(path));
    int readonly = (flags & SIRT_STORE_READONLY) != 0;
    struct stat sb;
    if (stat(path, &sb) != 0) {
        if (!(flags & SIRT_STORE_CREATE) || readonly)
            return sirt_error_set(err, SIRT_ENOTFOUND, "db",
                                  "no database at %s (create it with `sirt db init`)", path);
        sirt_status st = make_parent(path, err);
        if (st != SIRT_OK)
            return st;
    } else if (!S_ISREG(sb.st_mode)) {
        return sirt_error_set(err, SIRT_EINVAL, "db", "%s is not a regular file", path);
    }
    sirt_store *s = calloc(1, sizeof *s);
    if (!s)
        return sirt_error_set(err, SIRT_ENOMEM, "db", "out of memory opening %s", path);
    snprintf(s->path, sizeof s->path, "%s", path);
    snprintf(s->operator_name, sizeof s->operator_name, "%s", os_user());
    s->readonly = readonly;
    const char *pause = getenv("SIRT_TESTING_STORE_PAUSE_S");
    if (pause && pause[0]) {
        char *end;
        long v = strtol(pause, &end, 10);
        if (*end == '\0' && v > 0 && v < 3600)
            s->pause_s = v;
    }
    int oflags = readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    int rc = sqlite3_open_v2(path, &s->db, oflags | SQLITE_OPEN_NOMUTEX, NULL);
    sirt_status st = SIRT_OK;
    if (rc != SQLITE_OK) {
        st = sirt__store_db_error(s, err, rc, "opening");
        goto fail;
    }
    sqlite3_extended_result_codes(s->db, 1);
    sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
    /* The first read tells a file that is not SQLite (SQLITE_NOTADB). */
    int dummy = 0;
    if ((st = pragma_int(s, "PRAGMA schema_version", &dummy, err)) != SIRT_OK)
        goto fail;
    if ((st = sirt__store_exec(s, "PRAGMA foreign_keys = ON", err)) != SIRT_OK)
        goto fail;
    if (!readonly) {
        /* WAL: readers do not block the writer, and a killed writer leaves the
         * database consistent (the uncommitted WAL frames are ignored). */
        rc = exec_retry(s, "PRAGMA journal_mode = WAL");
        if (rc != SQLITE_OK) {
            st = sirt__store_db_error(s, err, rc, "switching to WAL");
            goto fail;
        }
        /* FULL: a committed record survives a power cut, not only a crash. */
        if ((st = sirt__store_exec(s, "PRAGMA synchronous = FULL", err)) != SIRT_OK)
            goto fail;
    }
    if ((st = migrate(s, err)) != SIRT_OK)
        goto fail;
    *out = s;
    return SIRT_OK;
fail:
    sqlite3_close(s->db);
    free(s);
    return st;
}

void sirt_store_close(sirt_store *s)
{
    if (!s)
        return;
    sqlite3_close(s->db);
    free(s);
}

sirt_status sirt_store_set_operator(sirt_store *s, const char *operator_name, sirt_error *err)
{
    if (!operator_name || !operator_name[0])
        return sirt_error_set(err, SIRT_EINVAL, "operator", "the operator name must not be empty");
    size_t n = strlen(operator_name);
    if (n >= sizeof s->operator_name)
        return sirt_error_set(err, SIRT_ERANGE, "operator",
                              "operator name of %zu bytes is too long (accepted 1–%zu bytes)", n,
                              sizeof s->operator_name - 1);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)operator_name[i] < 0x20 || operator_name[i] == 0x7f)
            return sirt_error_set(err, SIRT_EINVAL, "operator",
                                  "operator name contains a control character at byte %zu", i);
    memcpy(s->operator_name, operator_name, n + 1);
    return SIRT_OK;
}

const char *sirt_store_operator(const sirt_store *s) { return s->operator_name; }
const char *sirt_store_path(const sirt_store *s) { return s->path; }
int sirt_store_schema_version(const sirt_store *s) { return s->schema_version; }

sirt_status sirt_store_default_path(char *buf, size_t size, sirt_error *err)
{
    const char *env = getenv("SIRT_DB");
    int n;
    if (env && env[0]) {
        n = snprintf(buf, size, "%s", env);
    } else {
        const char *xdg = getenv("XDG_DATA_HOME");
        const char *home = getenv("HOME");
        /* XDG Base Directory spec: a relative XDG_DATA_HOME is invalid and ignored. */
        if (xdg && xdg[0] == '/')
            n = snprintf(buf, size, "%s/sirtkit/sirt.db", xdg);
        else if (home && home[0])
            n = snprintf(buf, size, "%s/.local/share/sirtkit/sirt.db", home);
        else
            return sirt_error_set(err, SIRT_EINVAL, "db",
                                  "no database path: set SIRT_DB, XDG_DATA_HOME or HOME, or give --db");
    }
    if (n < 0 || (size_t)n >= size)
        return sirt_error_set(err, SIRT_ERANGE, "db", "database path too long");
    return SIRT_OK;
}
