/* test_ingest_batch.c -- the group commit: many threads' messages committed
 * together, each answered as if alone; a failing message fails alone; a
 * duplicate is a duplicate; everything answered is on disk; handed over
 * without waiting, each message is reported exactly once; a message that
 * waited too long fails without running; the log does not grow without
 * bound under a writer that never pauses. */
#include "core/err.h"
#include "ingest/batch.h"
#include "store/messages.h"
#include "test.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define THREADS 16
#define PER_THREAD 40

static dlg_flow *flow;
static nlu_model *model;
static geo_dir *geo;
static pii_key key;
static ingest_batch *batch;
static char db[512];

typedef struct worker_arg { int t; int ok, dup, failed; } worker_arg;

static void *worker(void *p)
{
    worker_arg *w = p;
    ingest_result *res = malloc(sizeof *res);
    char addr[64], ext[32], err[256];

    for (int i = 0; i < PER_THREAD; i++) {
        snprintf(addr, sizeof addr, "849120%02d%03d", w->t, i % 7);
        /* every 10th message repeats the previous one's provider id */
        snprintf(ext, sizeof ext, "t%d-m%d", w->t, i % 10 == 9 ? i - 1 : i);
        ingest_msg m = {
            .kind = INGEST_TEXT, .channel = DLG_CH_SMS, .address = addr, .external_id = ext,
            .text = "ko nhan dc ma otp", .len = 17, .now_ms = 1700000000000LL + i,
            .delivery = INGEST_QUEUE,
        };
        int rc = ingest_batch_run(batch, &m, res, err, sizeof err);
        if (rc)
            w->failed++;
        else if (res->duplicate)
            w->dup++;
        else
            w->ok++;
    }
    free(res);
    return NULL;
}

static long long count(const char *sql)
{
    sqlite3 *h;
    sqlite3_stmt *st;
    long long n = -1;

    if (sqlite3_open(db, &h) == SQLITE_OK && sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            n = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    sqlite3_close(h);
    return n;
}

static void setup(void)
{
    char err[256] = "";
    ingest_env env;

    snprintf(db, sizeof db, "%s/batch.db", test_tmpdir());
    CHECK_INT(dlg_flow_load(test_messages_dir(), &flow, err, sizeof err), HD_OK);
    CHECK_INT(nlu_model_load(test_messages_dir(), &model, err, sizeof err), HD_OK);
    CHECK_INT(geo_dir_load("data/communes.tsv", &geo, err, sizeof err), HD_OK);
    pii_key_dev(&key);
    env = (ingest_env){ .flow = flow, .model = model, .geo = geo, .pii = &key, .tz_offset_min = 420 };
    ingest_batch_opts opts = { .max = 64, .max_wait_ms = 60000, .restart_frames = 64 };
    CHECK_INT(ingest_batch_start(db, &env, &opts, &batch, err, sizeof err), HD_OK);
    opts.max = 0;
    CHECK_INT(ingest_batch_start(db, &env, &opts, &batch, err, sizeof err), HD_EINVAL);
}

static void many_threads_group_commit(void)
{
    pthread_t th[THREADS];
    worker_arg wa[THREADS];
    int ok = 0, dup = 0, failed = 0;

    for (int t = 0; t < THREADS; t++) {
        wa[t] = (worker_arg){ .t = t };
        pthread_create(&th[t], NULL, worker, &wa[t]);
    }
    for (int t = 0; t < THREADS; t++) {
        pthread_join(th[t], NULL);
        ok += wa[t].ok;
        dup += wa[t].dup;
        failed += wa[t].failed;
    }
    CHECK_INT(failed, 0);
    CHECK_INT(dup, THREADS * (PER_THREAD / 10));
    CHECK_INT(ok, THREADS * PER_THREAD - dup);
    /* What was answered is what is on disk (read by another connection). */
    CHECK_INT(count("SELECT count(*) FROM messages WHERE dir = 'in'"), ok);
    CHECK_INT(count("SELECT count(DISTINCT external_id) FROM messages WHERE dir = 'in'"), ok);
    CHECK(count("SELECT count(*) FROM outbox") >= ok);
}

/* The log was restarted while the threads wrote: without restarts it holds
 * every frame written (640 messages, several pages each: over 10 MB). */
static void log_is_restarted(void)
{
    char wal[600];
    struct stat st;

    snprintf(wal, sizeof wal, "%s-wal", db);
    CHECK_INT(stat(wal, &st), 0);
    CHECK(st.st_size < 4 * 1024 * 1024);
}

typedef struct async_box {
    pthread_mutex_t lock;
    int calls[32], rcs[32], total;
} async_box;

typedef struct async_msg {
    ingest_job    job;
    ingest_msg    msg;
    ingest_result res;
    char          addr[32], ext[32], err[256];
    async_box    *box;
    int           i;
} async_msg;

static void async_done(ingest_job *j, int rc)
{
    async_msg *m = j->arg;

    pthread_mutex_lock(&m->box->lock);
    m->box->calls[m->i]++;
    m->box->rcs[m->i] = rc;
    m->box->total++;
    pthread_mutex_unlock(&m->box->lock);
}

static int box_total(async_box *b)
{
    int n;

    pthread_mutex_lock(&b->lock);
    n = b->total;
    pthread_mutex_unlock(&b->lock);
    return n;
}

/* Submit 32 messages from one thread without waiting: each done() once,
 * each committed message on disk by the time it is reported. */
static void submitted_messages_are_reported_once(void)
{
    static async_msg msgs[32];
    async_box box = { .total = 0 };
    long long before = count("SELECT count(*) FROM messages WHERE dir = 'in'");

    pthread_mutex_init(&box.lock, NULL);
    for (int i = 0; i < 32; i++) {
        async_msg *m = &msgs[i];
        snprintf(m->addr, sizeof m->addr, "8491300%04d", i);
        snprintf(m->ext, sizeof m->ext, "async-%d", i);
        m->msg = (ingest_msg){ .kind = INGEST_TEXT, .channel = DLG_CH_SMS, .address = m->addr,
                               .external_id = m->ext, .text = "quen mat khau", .len = 13,
                               .now_ms = 1700000002000LL + i, .delivery = INGEST_QUEUE };
        m->job = (ingest_job){ .in = &m->msg, .out = &m->res, .err = m->err,
                               .errlen = sizeof m->err, .done = async_done, .arg = m };
        m->box = &box;
        m->i = i;
        CHECK_INT(ingest_batch_submit(batch, &m->job), HD_OK);
    }
    for (int k = 0; k < 1000 && box_total(&box) < 32; k++)
        usleep(10000);
    CHECK_INT(box_total(&box), 32);
    for (int i = 0; i < 32; i++) {
        CHECK_INT(box.calls[i], 1);
        CHECK_INT(box.rcs[i], HD_OK);
        CHECK(msgs[i].res.message_id > 0);
    }
    CHECK_INT(count("SELECT count(*) FROM messages WHERE dir = 'in'"), before + 32);
    pthread_mutex_destroy(&box.lock);
}

static void *release_later(void *h)
{
    struct timespec pause = { 0, 300 * 1000000L };

    nanosleep(&pause, NULL);
    sqlite3_exec(h, "COMMIT", NULL, NULL, NULL);
    return NULL;
}

/* Another connection holds the write lock for 300 ms: the messages waiting
 * meanwhile are older than max_wait_ms (100) when their group starts, and
 * fail busy without being run; the next one goes through. */
static void a_message_that_waited_too_long_fails(void)
{
    char err[256] = "";
    ingest_env env;
    ingest_batch_opts opts = { .max = 64, .max_wait_ms = 100 };
    ingest_batch *b2 = NULL;
    ingest_result *res = malloc(sizeof *res);
    ingest_msg m = { .kind = INGEST_TEXT, .channel = DLG_CH_SMS, .address = "84912999009",
                     .external_id = "late-1", .text = "xin chao", .len = 8,
                     .now_ms = 1700000003000LL, .delivery = INGEST_QUEUE };
    sqlite3 *h = NULL;
    pthread_t th;

    env = (ingest_env){ .flow = flow, .model = model, .geo = geo, .pii = &key, .tz_offset_min = 420 };
    CHECK_INT(ingest_batch_start(db, &env, &opts, &b2, err, sizeof err), HD_OK);
    CHECK_INT(sqlite3_open(db, &h), SQLITE_OK);
    CHECK_INT(sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    /* Released by another thread while this one waits in run(). */
    pthread_create(&th, NULL, release_later, h);
    CHECK_INT(ingest_batch_run(b2, &m, res, err, sizeof err), HD_EBUSY);
    pthread_join(th, NULL);
    CHECK_INT(count("SELECT count(*) FROM messages WHERE external_id = 'late-1'"), 0);
    m.external_id = "late-2";
    CHECK_INT(ingest_batch_run(b2, &m, res, err, sizeof err), HD_OK);
    CHECK_INT(count("SELECT count(*) FROM messages WHERE external_id = 'late-2'"), 1);
    sqlite3_close(h);
    ingest_batch_stop(b2);
    free(res);
}

static void a_bad_message_fails_alone(void)
{
    ingest_result *res = malloc(sizeof *res);
    char err[256], longaddr[200];
    ingest_msg m = {
        .kind = INGEST_TEXT, .channel = DLG_CH_SMS, .address = "84912999001",
        .external_id = "solo-1", .text = "xin chao", .len = 8, .now_ms = 1700000001000LL,
        .delivery = INGEST_QUEUE,
    };
    long long before = count("SELECT count(*) FROM messages WHERE dir = 'in'");

    memset(longaddr, '9', sizeof longaddr - 1);
    longaddr[sizeof longaddr - 1] = '\0';
    CHECK_INT(ingest_batch_run(batch, &m, res, err, sizeof err), HD_OK);
    m.address = longaddr;
    m.external_id = "solo-2";
    CHECK(ingest_batch_run(batch, &m, res, err, sizeof err) != HD_OK);
    m.address = "84912999002";
    m.external_id = "solo-3";
    CHECK_INT(ingest_batch_run(batch, &m, res, err, sizeof err), HD_OK);
    CHECK_INT(count("SELECT count(*) FROM messages WHERE dir = 'in'"), before + 2);
    CHECK_INT(count("SELECT count(*) FROM messages WHERE external_id = 'solo-2'"), 0);
    free(res);
}

static void stop_refuses_new_work(void)
{
    ingest_result res;
    ingest_msg m = { .kind = INGEST_TEXT, .channel = DLG_CH_SMS, .address = "84912999003",
                     .text = "x", .len = 1, .now_ms = 1 };

    ingest_batch_stop(batch);
    batch = NULL;
    CHECK_INT(ingest_batch_run(NULL, &m, &res, NULL, 0), HD_EINVAL);
    dlg_flow_free(flow);
    nlu_model_free(model);
    geo_dir_free(geo);
}

TEST_MAIN(T(setup), T(many_threads_group_commit), T(log_is_restarted),
          T(submitted_messages_are_reported_once), T(a_message_that_waited_too_long_fails),
          T(a_bad_message_fails_alone), T(stop_refuses_new_work))
