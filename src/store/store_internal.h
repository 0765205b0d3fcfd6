/* store_internal.h -- what the files of src/store/ share, and nobody else.
 *
 * A table family's file (contacts.c, messages.c, later outbox.c, cases.c ...)
 * gets its statements through store_stmt():
 *
 *     static const char SQL_GET[] = "SELECT ... WHERE id = ?1";
 *     sqlite3_stmt *st = NULL;
 *     if ((rc = store_stmt(s, SQL_GET, &st))) goto out;
 *     ... bind, step ...
 *   out:
 *     sqlite3_reset(st);        // always: a statement left mid-step holds a
 *                               // WAL read snapshot and blocks checkpoints
 *
 * The cache is keyed by the SQL pointer, so the text must have static storage
 * (a string literal or a static const array); values are always bound, never
 * formatted into the text. A cached statement is shared: do not call a
 * function that may fetch the same SQL while stepping through its rows. */
#ifndef HD_STORE_INTERNAL_H
#define HD_STORE_INTERNAL_H

#include "store/store.h"

#include <sqlite3.h>

/* Enough for every statement of the store; raise it when store_stmt() says
 * the cache is full. */
#define STORE_STMT_MAX 256

/* Intent ids are short ASCII words (shared/intents.tsv); anything longer is
 * not one. */
#define STORE_INTENT_MAX 64

typedef struct store_stmt_slot {
    const char   *sql;
    sqlite3_stmt *st;
} store_stmt_slot;

struct store {
    sqlite3        *db;
    int             wal_frames;   /* wal.c: log size at the last commit */
    int             nstmts;
    store_stmt_slot stmts[STORE_STMT_MAX];
};

/* The cached prepared statement for sql (prepared on first use), reset and
 * with its bindings cleared. HD_EDB if it does not compile or the cache is
 * full. The caller sqlite3_reset()s it when done; store_close() finalizes. */
int store_stmt(store *s, const char *sql, sqlite3_stmt **out);

/* Map a SQLite result code to an HD_* code: BUSY/LOCKED -> HD_EBUSY,
 * FULL/IOERR -> HD_EIO, anything else that is not OK/ROW/DONE -> HD_EDB. */
int store_dberr(int sqlite_rc);

/* Step a statement that returns no rows (INSERT/UPDATE/DELETE) to completion
 * and reset it. Returns HD_OK or the mapped error; *sqlite_rc (if not NULL)
 * gets SQLite's extended code so the caller can tell constraints apart. */
int store_step_done(sqlite3_stmt *st, int *sqlite_rc);

/* walbuf.c: the VFS of store_open_buffered_log(), registered once. */
#define STORE_WALBUF_VFS "hd-walbuf"
int store_walbuf_register(void);

/* store.c: open and migrate through the VFS named (NULL: the default). */
int store_open_vfs(const char *path, int version, const char *vfs, store **out, char *err,
                   size_t errlen);

/* Run a PRAGMA (or any one-row statement) once, uncached, and copy its
 * answer's first column, if any, into val. */
int store_pragma(store *s, const char *sql, char *val, size_t cap);

/* Bind a string, or NULL when s is NULL. */
int store_bind_text(sqlite3_stmt *st, int idx, const char *s);

/* Copy a column's text into a fixed-size field; HD_ETOOBIG (dst set to "")
 * when it does not fit, so nothing is ever silently cut. NULL reads as "". */
int store_col_text(sqlite3_stmt *st, int col, char *dst, size_t cap);

/* A caller's string for a fixed-size field: HD_EINVAL when NULL or empty,
 * HD_ETOOBIG when it would not fit in cap bytes with its NUL. */
int store_check_str(const char *v, size_t cap);

/* migrate.c: bring the schema up to version (store_schema_latest() in use). */
int store_migrate(store *s, int version, char *err, size_t errlen);

#endif
