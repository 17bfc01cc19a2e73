/* The audit trail: every insert appends an audit row chained by SHA-256, and
 * sirt_store_verify recomputes the chain and the content of every audited row. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "store/store_internal.h"

#define ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"

void sirt_sha256_hex(const void *data, size_t size, char out[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (EVP_Digest(data, size, md, &n, EVP_sha256(), NULL) != 1 || n != 32) {
        /* libcrypto failed (out of memory): a hash that matches nothing. */
        memset(out, 'x', 64);
        out[64] = '\0';
        return;
    }
    static const char hex[] = "0123456789abcdef";
    for (unsigned i = 0; i < 32; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[64] = '\0';
}

/* A growable byte buffer for canonical serialisations. */
typedef struct buf {
    char *p;
    size_t n, cap;
    int oom;
} buf;

static void buf_add(buf *b, const void *data, size_t n)
{
    if (b->oom)
        return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->n + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, data, n);
    b->n += n;
}

/* One field as "<name>\0<tag><length>:<bytes>\n": unambiguous for any content. */
static void buf_field(buf *b, const char *name, char tag, const void *data, size_t n)
{
    char head[40];
    int k = snprintf(head, sizeof head, "%c%zu:", tag, n);
    buf_add(b, name, strlen(name) + 1);
    buf_add(b, head, (size_t)k);
    buf_add(b, data, n);
    buf_add(b, "\n", 1);
}

/* Canonical content of the current row of `st`: every non-NULL column by name (NULL
 * columns are left out so that a migration adding a column keeps old hashes); integers
 * in decimal, reals as the 64 bits of the IEEE double in hex (exact, locale-free). */
static int row_canonical(sqlite3_stmt *st, buf *b)
{
    int n = sqlite3_column_count(st);
    for (int i = 0; i < n; i++) {
        const char *name = sqlite3_column_name(st, i);
        char tmp[32];
        switch (sqlite3_column_type(st, i)) {
        case SQLITE_NULL: break;
        case SQLITE_INTEGER: {
            int k = snprintf(tmp, sizeof tmp, "%" PRId64, (int64_t)sqlite3_column_int64(st, i));
            buf_field(b, name, 'i', tmp, (size_t)k);
            break;
        }
        case SQLITE_FLOAT: {
            double d = sqlite3_column_double(st, i);
            uint64_t bits;
            memcpy(&bits, &d, sizeof bits);
            int k = snprintf(tmp, sizeof tmp, "%016" PRIx64, bits);
            buf_field(b, name, 'r', tmp, (size_t)k);
            break;
        }
        case SQLITE_TEXT:
            buf_field(b, name, 't', sqlite3_column_text(st, i), (size_t)sqlite3_column_bytes(st, i));
            break;
        default:
            buf_field(b, name, 'b', sqlite3_column_blob(st, i), (size_t)sqlite3_column_bytes(st, i));
            break;
        }
    }
    return !b->oom;
}

sirt_status sirt__store_row_hash(sirt_store *s, const char *table, int64_t id, char out[65],
                                 int *found, sirt_error *err)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT * FROM %s WHERE id = ?", table);
    sqlite3_stmt *st;
    sirt_status status = sirt__store_prepare(s, sql, &st, err);
    if (status != SIRT_OK)
        return status;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    *found = 0;
    if (rc == SQLITE_ROW) {
        buf b = {0};
        if (!row_canonical(st, &b)) {
            free(b.p);
            sqlite3_finalize(st);
            return sirt_error_set(err, SIRT_ENOMEM, "db", "out of memory hashing a row");
        }
        sirt_sha256_hex(b.p, b.n, out);
        free(b.p);
        *found = 1;
    } else if (rc != SQLITE_DONE) {
        status = sirt__store_db_error(s, err, rc, "reading a row");
    }
    sqlite3_finalize(st);
    return status;
}

/* The chain hash of an audit row over every one of its fields, previous hash included. */
static void chain_hash(int64_t id, const char *at, const char *op, const char *action,
                       const char *table, int64_t row_id, const char *content,
                       const char *prev, char out[65])
{
    buf b = {0};
    char tmp[32];
    int k = snprintf(tmp, sizeof tmp, "%" PRId64, id);
    buf_field(&b, "id", 'i', tmp, (size_t)k);
    buf_field(&b, "at", 't', at, strlen(at));
    buf_field(&b, "operator", 't', op, strlen(op));
    buf_field(&b, "action", 't', action, strlen(action));
    buf_field(&b, "table_name", 't', table, strlen(table));
    k = snprintf(tmp, sizeof tmp, "%" PRId64, row_id);
    buf_field(&b, "row_id", 'i', tmp, (size_t)k);
    buf_field(&b, "content_sha256", 't', content, strlen(content));
    buf_field(&b, "prev_sha256", 't', prev, strlen(prev));
    if (b.oom)
        memset(out, 'x', 64), out[64] = '\0';
    else
        sirt_sha256_hex(b.p, b.n, out);
    free(b.p);
}

static sirt_status audit_append(sirt_store *s, const char *action, const char *table,
                                int64_t row_id, sirt_error *err)
{
    sqlite3_stmt *st;
    sirt_status status =
        sirt__store_prepare(s, "SELECT id, sha256 FROM audit ORDER BY id DESC LIMIT 1", &st, err);
    if (status != SIRT_OK)
        return status;
    int64_t prev_id = 0;
    char prev[65] = ZERO_HASH;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        prev_id = sqlite3_column_int64(st, 0);
        const unsigned char *h = sqlite3_column_text(st, 1);
        snprintf(prev, sizeof prev, "%s", h ? (const char *)h : "");
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return sirt__store_db_error(s, err, rc, "reading the audit trail");

    char content[65], at[40], hash[65];
    int found = 0;
    if ((status = sirt__store_row_hash(s, table, row_id, content, &found, err)) != SIRT_OK)
        return status;
    if (!found)
        return sirt_error_set(err, SIRT_EINTERNAL, "db", "row %" PRId64 " of %s vanished", row_id,
                              table);
    sirt__store_now(at, sizeof at);
    int64_t id = prev_id + 1;
    chain_hash(id, at, s->operator_name, action, table, row_id, content, prev, hash);
    if ((status = sirt__store_prepare(s,
                                      "INSERT INTO audit (id, at, operator, action, table_name, "
                                      "row_id, content_sha256, prev_sha256, sha256) "
                                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                      &st, err)) != SIRT_OK)
        return status;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, at, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, s->operator_name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, action, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, table, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, row_id);
    sqlite3_bind_text(st, 7, content, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 8, prev, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 9, hash, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return sirt__store_db_error(s, err, rc, "appending to the audit trail");
    return SIRT_OK;
}

sirt_status sirt__store_insert(sirt_store *s, const char *table, const char *action, size_t n,
                               const char *const *cols, const sirt__val *vals, int64_t *id_out,
                               sirt_error *err)
{
    /* Table and column names are compile-time constants; every value is bound. */
    char sql[2048];
    size_t k = (size_t)snprintf(sql, sizeof sql, "INSERT INTO %s (", table);
    for (size_t i = 0; i < n && k < sizeof sql; i++)
        k += (size_t)snprintf(sql + k, sizeof sql - k, "%s%s", i ? ", " : "", cols[i]);
    if (k < sizeof sql)
        k += (size_t)snprintf(sql + k, sizeof sql - k, ") VALUES (");
    for (size_t i = 0; i < n && k < sizeof sql; i++)
        k += (size_t)snprintf(sql + k, sizeof sql - k, "%s?", i ? ", " : "");
    if (k < sizeof sql)
        k += (size_t)snprintf(sql + k, sizeof sql - k, ")");
    if (k >= sizeof sql)
        return sirt_error_set(err, SIRT_EINTERNAL, "db", "insert into %s: statement too long", table);
    sqlite3_stmt *st;
    sirt_status status = sirt__store_prepare(s, sql, &st, err);
    if (status != SIRT_OK)
        return status;
    for (size_t i = 0; i < n; i++)
        if ((status = sirt__store_bind(s, st, (int)i + 1, vals[i], err)) != SIRT_OK) {
            sqlite3_finalize(st);
            return status;
        }
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        char what[64];
        snprintf(what, sizeof what, "inserting into %s", table);
        return sirt__store_db_error(s, err, rc, what);
    }
    int64_t id = sqlite3_last_insert_rowid(s->db);
    if (id_out)
        *id_out = id;
    return audit_append(s, action, table, id, err);
}

/* ---- Verify ------------------------------------------------------------------------- */

/* Record the first problem: `table` row `id`, and the sentence describing it. */
static void report(sirt_store_verify_result *r, const char *table, int64_t id, const char *text)
{
    r->ok = 0;
    snprintf(r->table, sizeof r->table, "%s", table);
    r->row_id = id;
    snprintf(r->problem, sizeof r->problem, "%s", text);
}

static int known_table(const char *t)
{
    for (size_t i = 0; sirt__store_tables[i]; i++)
        if (strcmp(t, sirt__store_tables[i]) == 0)
            return 1;
    return 0;
}

sirt_status sirt_store_verify(sirt_store *s, sirt_store_verify_result *r, sirt_error *err)
{
    memset(r, 0, sizeof *r);
    r->ok = 1;
    snprintf(r->head_sha256, sizeof r->head_sha256, "%s", ZERO_HASH);
    /* One read transaction: a consistent snapshot even while others write. */
    sirt_status status = sirt__store_exec(s, "BEGIN", err);
    if (status != SIRT_OK)
        return status;
    sqlite3_stmt *st = NULL;
    if ((status = sirt__store_prepare(s,
                                      "SELECT id, at, operator, action, table_name, row_id, "
                                      "content_sha256, prev_sha256, sha256 FROM audit ORDER BY id",
                                      &st, err)) != SIRT_OK)
        goto done;
    char prev[65] = ZERO_HASH;
    int64_t expect_id = 1;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        const char *f[9];
        for (int i = 1; i < 9; i++) {
            const unsigned char *t = sqlite3_column_text(st, i);
            f[i] = t ? (const char *)t : "";
        }
        int64_t row_id = sqlite3_column_int64(st, 5);
        char detail[200], hash[65];
        r->n_audit_rows++;
        if (id != expect_id) {
            snprintf(detail, sizeof detail,
                     "audit row %" PRId64 " was deleted (audit rows %" PRId64 "–%" PRId64
                     " are missing from the chain)",
                     expect_id, expect_id, id - 1);
            report(r, "audit", expect_id, detail);
            goto done;
        }
        if (strcmp(f[7], prev) != 0) {
            snprintf(detail, sizeof detail,
                     "audit row %" PRId64 " was edited, or the row before it was deleted: its "
                     "previous-row hash does not match the chain", id);
            report(r, "audit", id, detail);
            goto done;
        }
        chain_hash(id, f[1], f[2], f[3], f[4], row_id, f[6], f[7], hash);
        if (strcmp(hash, f[8]) != 0) {
            snprintf(detail, sizeof detail,
                     "audit row %" PRId64 " (recording %.32s row %" PRId64 ") was edited: its "
                     "hash does not match its content", id, f[4], row_id);
            report(r, "audit", id, detail);
            goto done;
        }
        if (!known_table(f[4])) {
            snprintf(detail, sizeof detail, "audit row %" PRId64 " names an unknown table '%.32s'",
                     id, f[4]);
            report(r, "audit", id, detail);
            goto done;
        }
        int found = 0;
        char content[65];
        if ((status = sirt__store_row_hash(s, f[4], row_id, content, &found, err)) != SIRT_OK)
            goto done;
        if (!found) {
            snprintf(detail, sizeof detail,
                     "%.32s row %" PRId64 " was deleted (recorded by audit row %" PRId64 ")", f[4],
                     row_id, id);
            report(r, f[4], row_id, detail);
            goto done;
        }
        if (strcmp(content, f[6]) != 0) {
            snprintf(detail, sizeof detail,
                     "%.32s row %" PRId64 " was edited (its content differs from the hash in "
                     "audit row %" PRId64 ")", f[4], row_id, id);
            report(r, f[4], row_id, detail);
            goto done;
        }
        r->n_rows_checked++;
        memcpy(prev, f[8], sizeof prev);
        prev[64] = '\0';
        expect_id = id + 1;
    }
    if (rc != SQLITE_DONE) {
        status = sirt__store_db_error(s, err, rc, "reading the audit trail");
        goto done;
    }
    memcpy(r->head_sha256, prev, sizeof prev);
    sqlite3_finalize(st);
    st = NULL;
    /* Rows without an audit entry were inserted out of band (or their audit row was the
     * last one and was deleted). */
    for (size_t t = 0; sirt__store_tables[t]; t++) {
        char sql[256];
        snprintf(sql, sizeof sql,
                 "SELECT id FROM %s WHERE id NOT IN (SELECT row_id FROM audit WHERE table_name = "
                 "'%s') ORDER BY id LIMIT 1",
                 sirt__store_tables[t], sirt__store_tables[t]);
        if ((status = sirt__store_prepare(s, sql, &st, err)) != SIRT_OK)
            goto done;
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            char detail[200];
            int64_t id = sqlite3_column_int64(st, 0);
            snprintf(detail, sizeof detail,
                     "%s row %" PRId64 " has no audit entry (inserted out of band, or the last "
                     "audit row was deleted)", sirt__store_tables[t], id);
            report(r, sirt__store_tables[t], id, detail);
            goto done;
        }
        if (rc != SQLITE_DONE) {
            status = sirt__store_db_error(s, err, rc, "checking for unaudited rows");
            goto done;
        }
        sqlite3_finalize(st);
        st = NULL;
    }
done:
    sqlite3_finalize(st);
    sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
    return status;
}
