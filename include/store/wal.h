/* wal.h -- durability and checkpoints of the busiest connection, done by the
 * program instead of inside SQLite's COMMIT.
 *
 * Under synchronous=FULL every COMMIT syncs the write-ahead log, and the
 * COMMIT that takes the log past 1000 pages also runs a checkpoint: both on
 * the thread that holds the database's only write lock. The group commit
 * (ingest/batch.c) moves them off that thread:
 *   - its connection (store_open_buffered_log) commits with
 *     store_commit_nosync(): the log is written, in a few large writes, but
 *     not synced, and nobody is answered yet;
 *   - another thread syncs the log file (store_wal_file_sync) and answers the
 *     messages of every group committed before that sync began;
 *   - a third one checkpoints (store_checkpoint, PASSIVE: it never blocks
 *     the writer).
 * A message answered 200 is exactly as durable as under FULL: its frames were
 * in the log file before an fdatasync() of that file returned. */
#ifndef HD_STORE_WAL_H
#define HD_STORE_WAL_H

#include "store/store.h"

/* A connection whose writes to the log are gathered into few large ones
 * (walbuf.c); otherwise as store_open(). */
int store_open_buffered_log(const char *path, store **out, char *err, size_t errlen);

/* COMMIT, the log written but not synced: the caller syncs it
 * (store_wal_file_sync) before telling anyone the transaction is safe. On a
 * connection not opened by store_open_buffered_log(), an ordinary COMMIT. */
int store_commit_nosync(store *s);

typedef struct store_tuning {
    int cache_kb;          /* page cache of this connection; 0: SQLite's default */
    int no_autocheckpoint; /* 1: a checkpointer thread does it */
    int temp_in_memory;    /* 1: savepoint journals in memory (a group commit
                              runs each message in a savepoint; on file they
                              cost a write of every page it touches) */
    int log_limit_mb;      /* the log file is cut back to this size when it
                              restarts; 0: never cut */
} store_tuning;

int store_tune(store *s, const store_tuning *t);

/* Frames in the log when this connection last committed (0 before). */
int store_wal_frames(store *s);

/* One PASSIVE checkpoint: copies what no reader still needs from the log into
 * the database. *log_frames / *moved (either may be NULL): frames in the log,
 * frames copied so far. HD_EBUSY when another checkpoint is running. */
int store_checkpoint(store *s, int *log_frames, int *moved);

/* The log file of db_path ("<db_path>-wal"), opened on the first sync. */
typedef struct store_wal_file store_wal_file;

int  store_wal_file_open(const char *db_path, store_wal_file **out);
/* fdatasync() of the log: what was committed before the call is on disk when
 * it returns HD_OK. HD_EIO when the file cannot be synced (then nobody may be
 * told their message is safe). */
int  store_wal_file_sync(store_wal_file *w);
void store_wal_file_close(store_wal_file *w);

#endif
