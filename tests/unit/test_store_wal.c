/* test_store_wal.c -- the committer's log (store/wal.h): gathered writes that
 * other connections read correctly and that are few; reading back what a
 * transaction spilled; syncing the log file; the checkpointer thread. */
#include "test.h"

#include "core/err.h"
#include "store/checkpointer.h"
#include "store/wal.h"
#include "../../src/store/store_internal.h"

#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static char path[512];

static long long syscalls_written(void)
{
    char line[128];
    long long v = -1;
    FILE *f = fopen("/proc/self/io", "r");

    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "syscw: %lld", &v) == 1)
            break;
    fclose(f);
    return v;
}

#define one(s, sql)  test_sql_int((s)->db, (sql))
#define exec(s, sql) test_sql_exec((s)->db, (sql))

/* n rows of ~1 KiB each in one transaction, committed without a sync. */
static void write_rows(store *s, int n, int commit_nosync)
{
    char sql[192];

    CHECK_INT(store_begin(s), HD_OK);
    snprintf(sql, sizeof sql, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
             " WHERE i < %d) INSERT INTO t (v) SELECT randomblob(1000) FROM n", n);
    exec(s, sql);
    CHECK_INT(commit_nosync ? store_commit_nosync(s) : store_commit(s), HD_OK);
}

/* A plain connection reads every row the buffered one committed, commit
 * after commit; and the buffered one made far fewer write calls for it. */
static void gathered_writes_are_read_and_few(void)
{
    store *w = NULL, *r = NULL, *plain = NULL;
    store_tuning tune = { .no_autocheckpoint = 1 };
    char err[256] = "";
    long long before, buffered, unbuffered;

    snprintf(path, sizeof path, "%s/wal.db", test_tmpdir());
    CHECK_INT(store_open_buffered_log(path, &w, err, sizeof err), HD_OK);
    CHECK_INT(store_open(path, &r, err, sizeof err), HD_OK);
    CHECK_INT(store_open(path, &plain, err, sizeof err), HD_OK);
    CHECK_INT(store_tune(w, &tune), HD_OK);
    CHECK_INT(store_tune(plain, &tune), HD_OK);
    exec(w, "CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)");
    for (int i = 1; i <= 5; i++) {
        write_rows(w, 400, 1);
        CHECK_INT(one(r, "SELECT count(*) FROM t"), 400 * i);
        CHECK_INT(one(r, "SELECT sum(length(v)) FROM t"), 400000LL * i);
    }
    before = syscalls_written();
    write_rows(w, 400, 1);
    buffered = syscalls_written() - before;
    before = syscalls_written();
    write_rows(plain, 400, 0);
    unbuffered = syscalls_written() - before;
    /* 400 rows of 1 KiB: about 100 pages, two write calls a frame plain. */
    CHECK_MSG(unbuffered >= 150, "plain connection: %lld write calls", unbuffered);
    CHECK_MSG(buffered * 10 < unbuffered, "buffered: %lld write calls, plain %lld", buffered,
              unbuffered);
    CHECK_INT(one(r, "SELECT count(*) FROM t"), 400 * 7);
    CHECK_INT(store_wal_file_sync(NULL), HD_EINVAL);
    store_close(plain);
    store_close(r);
    store_close(w);
}

/* A transaction larger than its page cache writes frames before COMMIT and
 * reads them back while still open: it must read what it wrote. */
static void a_spilling_transaction_reads_its_own_frames(void)
{
    store *w = NULL;
    store_tuning tune = { .cache_kb = 64, .no_autocheckpoint = 1 };
    char err[256] = "";

    CHECK_INT(store_open_buffered_log(path, &w, err, sizeof err), HD_OK);
    CHECK_INT(store_tune(w, &tune), HD_OK);
    CHECK_INT(store_begin(w), HD_OK);
    exec(w, "CREATE TABLE big (id INTEGER PRIMARY KEY, v BLOB)");
    exec(w, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)"
            " INSERT INTO big (v) SELECT zeroblob(2000) FROM n");
    exec(w, "UPDATE big SET v = randomblob(2000) WHERE id % 7 = 0");
    CHECK_INT(one(w, "SELECT count(*) FROM big WHERE v = zeroblob(2000)"), 3000 - 3000 / 7);
    CHECK_INT(one(w, "SELECT sum(length(v)) FROM big"), 6000000);
    CHECK_INT(store_commit_nosync(w), HD_OK);
    CHECK_INT(one(w, "SELECT count(*) FROM big"), 3000);
    store_close(w);
}

/* The log file's sync works on the log of a database, and fails clearly when
 * there is none. */
static void syncing_the_log_file(void)
{
    store_wal_file *f = NULL;
    store *w = NULL;
    char err[256] = "", nowhere[600];

    CHECK_INT(store_open_buffered_log(path, &w, err, sizeof err), HD_OK);
    write_rows(w, 10, 1);
    CHECK_INT(store_wal_file_open(path, &f), HD_OK);
    CHECK_INT(store_wal_file_sync(f), HD_OK);
    CHECK_INT(store_wal_file_sync(f), HD_OK);
    store_wal_file_close(f);
    store_close(w);
    snprintf(nowhere, sizeof nowhere, "%s/none.db", test_tmpdir());
    CHECK_INT(store_wal_file_open(nowhere, &f), HD_OK);
    CHECK_INT(store_wal_file_sync(f), HD_EIO);
    store_wal_file_close(f);
}

/* Frames a writer left in the log are copied into the database by the
 * thread when kicked: the writer's next commit then starts the log over
 * (without the copy the log would only grow). */
static void checkpointer_copies_the_log(void)
{
    store *w = NULL;
    store_checkpointer *c = NULL;
    store_tuning tune = { .no_autocheckpoint = 1 };
    char err[256] = "";
    int frames;
    struct timespec pause = { 0, 20 * 1000000L };

    CHECK_INT(store_open_buffered_log(path, &w, err, sizeof err), HD_OK);
    CHECK_INT(store_tune(w, &tune), HD_OK);
    write_rows(w, 300, 1);
    frames = store_wal_frames(w);
    CHECK(frames > 50);
    CHECK_INT(store_checkpointer_start(path, 0, &c, err, sizeof err), HD_EINVAL);
    /* A minute between passes: only a kick makes one now. */
    CHECK_INT(store_checkpointer_start(path, 60000, &c, err, sizeof err), HD_OK);
    nanosleep(&pause, NULL);
    CHECK_INT(store_checkpointer_runs(c), 0);
    store_checkpointer_kick(c);
    for (int i = 0; i < 250 && store_checkpointer_runs(c) < 1; i++)
        nanosleep(&pause, NULL);
    CHECK_INT(store_checkpointer_runs(c), 1);
    write_rows(w, 1, 1);
    CHECK_MSG(store_wal_frames(w) < 10, "%d frames in the log after %d", store_wal_frames(w),
              frames);
    store_checkpointer_stop(c);
    store_close(w);
}

/* Unkicked, it checkpoints every interval. */
static void checkpointer_runs_every_interval(void)
{
    store_checkpointer *c = NULL;
    char err[256] = "";
    struct timespec pause = { 0, 20 * 1000000L };

    CHECK_INT(store_checkpointer_start(path, 20, &c, err, sizeof err), HD_OK);
    for (int i = 0; i < 250 && store_checkpointer_runs(c) < 3; i++)
        nanosleep(&pause, NULL);
    CHECK(store_checkpointer_runs(c) >= 3);
    store_checkpointer_stop(c);
}

TEST_MAIN(T(gathered_writes_are_read_and_few), T(a_spilling_transaction_reads_its_own_frames),
          T(syncing_the_log_file), T(checkpointer_copies_the_log),
          T(checkpointer_runs_every_interval))
