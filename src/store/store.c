/* store.c -- the connection: open, pragmas, transactions, statement cache.
 *
 * The schema itself lives in migrate.c; the tables' functions in one file per
 * table family. Everything here is about keeping a connection healthy: WAL so
 * that the outbox worker and the HTTP threads' readers do not block each other,
 * synchronous=FULL because a reply recorded as sent must survive power loss
 * (the group commit's own connection syncs in its own way, see wal.h), a busy
 * timeout so that two writers queue instead of failing. */
#include "store_internal.h"
#include "core/err.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define STORE_BUSY_TIMEOUT_MS 5000

int store_dberr(int sqlite_rc)
{
    switch (sqlite_rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_ROW:
    case SQLITE_DONE:
        return HD_OK;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return HD_EBUSY;
    /* A full disk or a failing one: like busy, the caller answers 503 and
     * the provider retries; SQLite has rolled the statement back. */
    case SQLITE_FULL:
    case SQLITE_IOERR:
        return HD_EIO;
    case SQLITE_NOMEM:
        return HD_ENOMEM;
    default:
        return HD_EDB;
    }
}

int store_stmt(store *s, const char *sql, sqlite3_stmt **out)
{
    sqlite3_stmt *st = NULL;
    const char *tail = NULL;
    int src;

    if (out)
        *out = NULL;
    if (!s || !s->db || !sql || !out)
        return HD_EINVAL;
    for (int i = 0; i < s->nstmts; i++) {
        if (s->stmts[i].sql == sql) {
            st = s->stmts[i].st;
            sqlite3_reset(st);
            sqlite3_clear_bindings(st);
            *out = st;
            return HD_OK;
        }
    }
    if (s->nstmts == STORE_STMT_MAX)
        return HD_EDB;      /* raise STORE_STMT_MAX */
    src = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, &tail);
    if (src != SQLITE_OK)
        return store_dberr(src);
    /* One statement per entry: a second one after ';' would be ignored. */
    while (tail && (*tail == ' ' || *tail == '\n' || *tail == '\t' || *tail == ';'))
        tail++;
    if (!st || (tail && *tail)) {
        sqlite3_finalize(st);
        return HD_EINVAL;
    }
    s->stmts[s->nstmts].sql = sql;
    s->stmts[s->nstmts].st = st;
    s->nstmts++;
    *out = st;
    return HD_OK;
}

int store_step_done(sqlite3_stmt *st, int *sqlite_rc)
{
    int src;

    do
        src = sqlite3_step(st);
    while (src == SQLITE_ROW);
    sqlite3_reset(st);
    if (sqlite_rc)
        *sqlite_rc = src;
    return store_dberr(src);
}

int store_bind_text(sqlite3_stmt *st, int idx, const char *v)
{
    int src = v ? sqlite3_bind_text(st, idx, v, -1, SQLITE_STATIC)
                : sqlite3_bind_null(st, idx);
    return store_dberr(src);
}

int store_col_text(sqlite3_stmt *st, int col, char *dst, size_t cap)
{
    const unsigned char *t;
    size_t n;

    dst[0] = '\0';
    if (sqlite3_column_type(st, col) == SQLITE_NULL)
        return HD_OK;
    t = sqlite3_column_text(st, col);
    if (!t)
        return HD_ENOMEM;
    n = (size_t)sqlite3_column_bytes(st, col);
    if (n >= cap)
        return HD_ETOOBIG;
    memcpy(dst, t, n);
    dst[n] = '\0';
    return HD_OK;
}

int store_check_str(const char *v, size_t cap)
{
    if (!v || !*v)
        return HD_EINVAL;
    return strnlen(v, cap) < cap ? HD_OK : HD_ETOOBIG;
}

/* SQLite says only "unable to open database file"; the usual cause is a
 * missing directory (var/ not created), so say so. */
static int dir_missing(const char *path)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');
    size_t n;
    struct stat sb;

    if (!slash)
        return 0;
    n = slash == path ? 1 : (size_t)(slash - path);
    if (n >= sizeof dir)
        return 0;
    memcpy(dir, path, n);
    dir[n] = '\0';
    return stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode);
}

/* Run a PRAGMA and copy its one-row answer (if any) into val. */
int store_pragma(store *s, const char *sql, char *val, size_t cap)
{
    sqlite3_stmt *st = NULL;
    int src, rc;

    if (val && cap)
        val[0] = '\0';
    src = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
    if (src != SQLITE_OK)
        return store_dberr(src);
    src = sqlite3_step(st);
    rc = store_dberr(src);
    if (src == SQLITE_ROW && val && cap)
        rc = store_col_text(st, 0, val, cap);
    sqlite3_finalize(st);
    return rc;
}

int store_open(const char *path, store **out, char *err, size_t errlen)
{
    return store_open_version(path, store_schema_latest(), out, err, errlen);
}

/* Before SQLite's first use: no memory statistics. Keeping them takes a
 * process-wide mutex on every allocation, which every connection's thread
 * would then queue on. */
static void store_init_once(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

int store_open_version(const char *path, int version, store **out, char *err, size_t errlen)
{
    return store_open_vfs(path, version, NULL, out, err, errlen);
}

int store_open_buffered_log(const char *path, store **out, char *err, size_t errlen)
{
    pthread_once(&init_once, store_init_once);   /* before the VFS touches SQLite */
    if (store_walbuf_register() != HD_OK)
        return hd_seterr(err, errlen, HD_EDB, "store_open: cannot register the log VFS");
    return store_open_vfs(path, store_schema_latest(), STORE_WALBUF_VFS, out, err, errlen);
}

int store_open_vfs(const char *path, int version, const char *vfs, store **out, char *err,
                   size_t errlen)
{
    store *s = NULL;
    char mode[16];
    int rc, src;

    if (out)
        *out = NULL;
    if (!path || !*path || !out)
        return hd_seterr(err, errlen, HD_EINVAL, "store_open: no database path");
    pthread_once(&init_once, store_init_once);
    s = calloc(1, sizeof *s);
    if (!s)
        return hd_seterr(err, errlen, HD_ENOMEM, "store_open: out of memory");

    src = sqlite3_open_v2(path, &s->db,
                          SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                          vfs);
    if (src != SQLITE_OK) {
        rc = hd_seterr(err, errlen, HD_EDB, "cannot open database %s: %s%s", path,
                       s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(src),
                       dir_missing(path) ? " (its directory does not exist)" : "");
        goto out;
    }
    sqlite3_extended_result_codes(s->db, 1);
    sqlite3_busy_timeout(s->db, STORE_BUSY_TIMEOUT_MS);

    /* The first read happens here: a file that is not a database fails now. */
    rc = store_pragma(s, "PRAGMA journal_mode=WAL", mode, sizeof mode);
    if (rc == HD_OK && strcmp(mode, "wal") != 0 && strcmp(path, ":memory:") != 0)
        rc = HD_EDB;
    if (rc) {
        rc = hd_seterr(err, errlen, rc, "database %s: cannot use WAL mode: %s", path,
                       mode[0] ? mode : sqlite3_errmsg(s->db));
        goto out;
    }
    rc = store_pragma(s, "PRAGMA synchronous=FULL", NULL, 0);
    /* Off while migrating, so that a migration may rebuild a referenced
     * table; migrate.c runs foreign_key_check before each commit. */
    if (!rc)
        rc = store_pragma(s, "PRAGMA foreign_keys=OFF", NULL, 0);
    if (rc) {
        rc = hd_seterr(err, errlen, rc, "database %s: %s", path, sqlite3_errmsg(s->db));
        goto out;
    }
    rc = store_migrate(s, version, err, errlen);
    if (rc)
        goto out;
    rc = store_pragma(s, "PRAGMA foreign_keys=ON", NULL, 0);
    if (rc)
        rc = hd_seterr(err, errlen, rc, "database %s: %s", path, sqlite3_errmsg(s->db));
out:
    if (rc) {
        store_close(s);
        return rc;
    }
    *out = s;
    return HD_OK;
}

void store_close(store *s)
{
    if (!s)
        return;
    for (int i = 0; i < s->nstmts; i++)
        sqlite3_finalize(s->stmts[i].st);
    sqlite3_close_v2(s->db);
    free(s);
}

static int store_exec_cached(store *s, const char *sql)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (!s)
        return HD_EINVAL;
    rc = store_stmt(s, sql, &st);
    if (rc)
        return rc;
    return store_step_done(st, NULL);
}

static const char SQL_BEGIN[] = "BEGIN IMMEDIATE";
static const char SQL_COMMIT[] = "COMMIT";
static const char SQL_ROLLBACK[] = "ROLLBACK";

/* IMMEDIATE: take the write lock now, so that a transaction that reads then
 * writes cannot fail half-way with SQLITE_BUSY (the busy timeout applies). */
int store_begin(store *s)
{
    return store_exec_cached(s, SQL_BEGIN);
}

/* On HD_EBUSY the transaction is still open: retry or roll back. */
int store_commit(store *s)
{
    return store_exec_cached(s, SQL_COMMIT);
}

int store_rollback(store *s)
{
    if (!s)
        return HD_EINVAL;
    /* SQLite may have rolled back already (I/O error, disk full). */
    if (sqlite3_get_autocommit(s->db))
        return HD_OK;
    return store_exec_cached(s, SQL_ROLLBACK);
}

/* One savepoint name is enough: they are never nested (a group commit runs
 * each message inside one, see ingest/batch.c). */
static const char SQL_SAVEPOINT[] = "SAVEPOINT msg";
static const char SQL_SAVEPOINT_RELEASE[] = "RELEASE msg";
static const char SQL_SAVEPOINT_ROLLBACK[] = "ROLLBACK TO msg";

int store_in_transaction(store *s)
{
    return s && s->db && !sqlite3_get_autocommit(s->db);
}

int store_savepoint(store *s)
{
    return store_exec_cached(s, SQL_SAVEPOINT);
}

int store_savepoint_release(store *s)
{
    return store_exec_cached(s, SQL_SAVEPOINT_RELEASE);
}

/* Undo what was done since the savepoint and leave it (the transaction
 * goes on). */
int store_savepoint_rollback(store *s)
{
    int rc = store_exec_cached(s, SQL_SAVEPOINT_ROLLBACK);

    return rc ? rc : store_exec_cached(s, SQL_SAVEPOINT_RELEASE);
}

static const char SQL_VERSION[] = "SELECT COALESCE(MAX(version), 0) FROM schema_version";

int store_schema_version(store *s, int *version)
{
    sqlite3_stmt *st = NULL;
    int rc, src;

    if (!s || !version)
        return HD_EINVAL;
    *version = 0;
    rc = store_stmt(s, SQL_VERSION, &st);
    if (rc)
        return rc;
    src = sqlite3_step(st);
    if (src == SQLITE_ROW)
        *version = sqlite3_column_int(st, 0);
    else
        rc = src == SQLITE_DONE ? HD_EDB : store_dberr(src);
    sqlite3_reset(st);
    return rc;
}

const char *store_errmsg(store *s)
{
    return s && s->db ? sqlite3_errmsg(s->db) : "no database";
}
