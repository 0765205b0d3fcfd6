/* test_ingest_batch.c -- the group commit: many threads' messages committed
 * together, each answered as if alone; a failing message fails alone; a
 * duplicate is a duplicate; everything answered is on disk. */
#include "core/err.h"
#include "ingest/batch.h"
#include "store/messages.h"
#include "test.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    CHECK_INT(ingest_batch_start(db, &env, 64, &batch, err, sizeof err), HD_OK);
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

TEST_MAIN(T(setup), T(many_threads_group_commit), T(a_bad_message_fails_alone),
          T(stop_refuses_new_work))
