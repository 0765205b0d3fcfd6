/* test_metrics.c -- the counters of GET /metrics, their text format, the
 * flood limit's token buckets, the handler queue's bound, the case counts,
 * and the store's mapping of a full disk. */
#include "test.h"
#include "core/err.h"
#include "core/metrics.h"
#include "core/ratelimit.h"
#include "store/contacts.h"
#include "store/stats.h"
#include "store/store.h"
#include "../../src/http/workq.h"
#include "../../src/store/store_internal.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const ROUTES[] = { "/healthz", "/webhooks/kannel", NULL, "/x\"y" };

static char *render(metrics *m)
{
    static char copy[64 * 1024];
    buf b;

    buf_init(&b, sizeof copy - 1);
    CHECK_INT(metrics_render(m, ROUTES, 4, &b), HD_OK);
    snprintf(copy, sizeof copy, "%s", buf_str(&b));
    buf_free(&b);
    return copy;
}

static int has_line(const char *text, const char *line)
{
    size_t n = strlen(line);

    for (const char *p = text; (p = strstr(p, line)) != NULL; p += n)
        if ((p == text || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0'))
            return 1;
    return 0;
}

static void counts_requests_by_route_and_status(void)
{
    metrics *m = NULL;
    char *t;

    CHECK_INT(metrics_new(&m), HD_OK);
    metrics_http(m, 1, 200, 0.002);
    metrics_http(m, 1, 200, 0.002);
    metrics_http(m, 1, 503, 3.0);
    metrics_http(m, 0, 200, 0.0001);
    metrics_http(m, 999, 404, 0.0001);        /* out of range: unmatched */
    metrics_http(m, METRICS_ROUTE_UNMATCHED, 404, 0.0001);
    metrics_http(m, 0, 418, 0.0001);          /* not in the list: its class */
    t = render(m);
    CHECK(has_line(t, "http_requests_total{route=\"/webhooks/kannel\",status=\"200\"} 2"));
    CHECK(has_line(t, "http_requests_total{route=\"/webhooks/kannel\",status=\"503\"} 1"));
    CHECK(has_line(t, "http_requests_total{route=\"/healthz\",status=\"200\"} 1"));
    CHECK(has_line(t, "http_requests_total{route=\"/healthz\",status=\"4xx\"} 1"));
    CHECK(has_line(t, "http_requests_total{route=\"unmatched\",status=\"404\"} 2"));
    /* Never counted: no series at all. */
    CHECK(!strstr(t, "status=\"500\""));
    CHECK(!strstr(t, "/x\\\"y"));
    metrics_free(m);
}

static void histogram_is_cumulative(void)
{
    metrics *m = NULL;
    char *t;

    CHECK_INT(metrics_new(&m), HD_OK);
    metrics_http(m, 1, 200, 0.0005);   /* le 0.001 */
    metrics_http(m, 1, 200, 0.003);    /* le 0.005 */
    metrics_http(m, 1, 200, 0.003);
    metrics_http(m, 1, 503, 4.0);      /* le 10 */
    metrics_http(m, 1, 503, 60.0);     /* only +Inf */
    t = render(m);
    CHECK(has_line(t, "http_request_duration_seconds_bucket{route=\"/webhooks/kannel\",le=\"0.001\"} 1"));
    CHECK(has_line(t, "http_request_duration_seconds_bucket{route=\"/webhooks/kannel\",le=\"0.005\"} 3"));
    CHECK(has_line(t, "http_request_duration_seconds_bucket{route=\"/webhooks/kannel\",le=\"2.5\"} 3"));
    CHECK(has_line(t, "http_request_duration_seconds_bucket{route=\"/webhooks/kannel\",le=\"10\"} 4"));
    CHECK(has_line(t, "http_request_duration_seconds_bucket{route=\"/webhooks/kannel\",le=\"+Inf\"} 5"));
    CHECK(has_line(t, "http_request_duration_seconds_count{route=\"/webhooks/kannel\"} 5"));
    CHECK(has_line(t, "http_request_duration_seconds_sum{route=\"/webhooks/kannel\"} 64.006500"));
    CHECK(strstr(t, "# TYPE http_request_duration_seconds histogram\n") != NULL);
    metrics_free(m);
}

static void labels_are_escaped(void)
{
    metrics *m = NULL;
    char *t;

    CHECK_INT(metrics_new(&m), HD_OK);
    metrics_http(m, 3, 200, 0.01);
    t = render(m);
    CHECK(has_line(t, "http_requests_total{route=\"/x\\\"y\",status=\"200\"} 1"));
    metrics_free(m);
}

static void messages_and_errors(void)
{
    metrics *m = NULL;
    char *t;

    CHECK_INT(metrics_new(&m), HD_OK);
    metrics_msg_in(m, "sms");
    metrics_msg_in(m, "sms");
    metrics_msg_in(m, "zalo");
    metrics_msg_in(m, "console");
    metrics_msg_throttled(m, "sms");
    metrics_msg_out(m, "sms", METRICS_OUT_SENT);
    metrics_msg_out(m, "zalo", METRICS_OUT_RETRY);
    metrics_msg_out(m, "zalo", METRICS_OUT_N);   /* ignored */
    metrics_error(m, METRICS_ERR_OVERLOAD);
    metrics_error_rc(m, HD_EBUSY);
    metrics_error_rc(m, HD_EIO);
    metrics_error_rc(m, HD_EIO);
    metrics_error_rc(m, HD_OK);
    metrics_error_rc(m, HD_ENOMEM);
    t = render(m);
    CHECK(has_line(t, "messages_in_total{channel=\"sms\"} 2"));
    CHECK(has_line(t, "messages_in_total{channel=\"zalo\"} 1"));
    CHECK(has_line(t, "messages_in_total{channel=\"other\"} 1"));
    CHECK(has_line(t, "messages_throttled_total{channel=\"sms\"} 1"));
    CHECK(has_line(t, "messages_out_total{channel=\"sms\",status=\"sent\"} 1"));
    CHECK(has_line(t, "messages_out_total{channel=\"zalo\",status=\"retry\"} 1"));
    CHECK(has_line(t, "messages_out_total{channel=\"zalo\",status=\"failed\"} 0"));
    CHECK(has_line(t, "errors_total{kind=\"overload\"} 1"));
    CHECK(has_line(t, "errors_total{kind=\"db_busy\"} 1"));
    CHECK(has_line(t, "errors_total{kind=\"db_io\"} 2"));
    CHECK(has_line(t, "errors_total{kind=\"internal\"} 1"));
    CHECK(has_line(t, "errors_total{kind=\"db\"} 0"));
    CHECK_STR(metrics_status_label(503), "503");
    CHECK_STR(metrics_status_label(299), "2xx");
    CHECK_STR(metrics_status_label(42), "5xx");
    CHECK(metrics_rss_bytes() > 1024 * 1024);
    metrics_free(m);
}

typedef struct hammer { metrics *m; int n; } hammer;

static void *hammer_main(void *p)
{
    hammer *h = p;

    for (int i = 0; i < h->n; i++) {
        metrics_http(h->m, 1, 200, 0.001);
        metrics_msg_in(h->m, "zalo");
    }
    return NULL;
}

static void counting_from_threads_loses_nothing(void)
{
    metrics *m = NULL;
    pthread_t t[4];
    hammer h;
    char *text;

    CHECK_INT(metrics_new(&m), HD_OK);
    h.m = m;
    h.n = 50000;
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, hammer_main, &h);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    text = render(m);
    CHECK(has_line(text, "http_requests_total{route=\"/webhooks/kannel\",status=\"200\"} 200000"));
    CHECK(has_line(text, "messages_in_total{channel=\"zalo\"} 200000"));
    metrics_free(m);
}

/* ---- token buckets ---- */

static void bucket_allows_a_burst_then_the_rate(void)
{
    ratelimit *rl = NULL;
    int64_t t = 1000000;

    CHECK_INT(ratelimit_new(30, 10, 64, &rl), HD_OK);   /* 30/min = one per 2 s */
    for (int i = 0; i < 10; i++)
        CHECK_INT(ratelimit_take(rl, "sms:84912", 9, t), RATELIMIT_ALLOW);
    CHECK_INT(ratelimit_take(rl, "sms:84912", 9, t), RATELIMIT_LIMIT_FIRST);
    CHECK_INT(ratelimit_take(rl, "sms:84912", 9, t + 100), RATELIMIT_LIMIT);
    /* Another sender is not affected. */
    CHECK_INT(ratelimit_take(rl, "sms:84913", 9, t + 100), RATELIMIT_ALLOW);
    /* 2 s later one more token; the episode goes on (no second "first"). */
    CHECK_INT(ratelimit_take(rl, "sms:84912", 9, t + 2100), RATELIMIT_ALLOW);
    CHECK_INT(ratelimit_take(rl, "sms:84912", 9, t + 2200), RATELIMIT_LIMIT);
    /* Quiet until the bucket is full again (10 tokens = 20 s): a new episode. */
    t += 2200 + 20000;
    for (int i = 0; i < 10; i++)
        CHECK_INT(ratelimit_take(rl, "sms:84912", 9, t), RATELIMIT_ALLOW);
    CHECK_INT(ratelimit_take(rl, "sms:84912", 9, t), RATELIMIT_LIMIT_FIRST);
    ratelimit_free(rl);
}

static void a_full_table_forgets_idle_senders_first(void)
{
    ratelimit *rl = NULL;
    char key[32];
    int64_t t = 5000;

    CHECK_INT(ratelimit_new(60, 3, 64, &rl), HD_OK);
    /* The flooder uses up its bucket ... */
    for (int i = 0; i < 3; i++)
        CHECK_INT(ratelimit_take(rl, "flood", 5, t), RATELIMIT_ALLOW);
    CHECK_INT(ratelimit_take(rl, "flood", 5, t), RATELIMIT_LIMIT_FIRST);
    /* ... then 10,000 one-off senders pass, much more than the 64 slots,
     * each sending once a minute later (their slots are idle by then). */
    for (int i = 0; i < 10000; i++) {
        snprintf(key, sizeof key, "sender%d", i);
        CHECK_INT(ratelimit_take(rl, key, strlen(key), t + 10), RATELIMIT_ALLOW);
    }
    /* The flooder was remembered or forgotten, never stuck or corrupted:
     * at the same instant it gets either "limited" or a fresh bucket. */
    {
        ratelimit_verdict v = ratelimit_take(rl, "flood", 5, t + 10);
        CHECK(v == RATELIMIT_LIMIT || v == RATELIMIT_ALLOW);
    }
    CHECK_INT(ratelimit_new(0, 3, 64, &rl) == HD_EINVAL, 1);
    ratelimit_free(NULL);
    ratelimit_free(rl);
}

/* ---- the handler queue ---- */

typedef struct jobs_seen {
    pthread_mutex_t lock;
    int             ran;
    int             hold;     /* jobs wait while set */
} jobs_seen;

static void job_fn(void *job, void *arg)
{
    jobs_seen *js = arg;

    (void)job;
    for (;;) {
        int hold;

        pthread_mutex_lock(&js->lock);
        hold = js->hold;
        pthread_mutex_unlock(&js->lock);
        if (!hold)
            break;
        usleep(1000);
    }
    pthread_mutex_lock(&js->lock);
    js->ran++;
    pthread_mutex_unlock(&js->lock);
}

static void queue_refuses_past_its_capacity_and_drains_on_stop(void)
{
    jobs_seen js = { .hold = 1 };
    http_workq *q = NULL;
    int ok = 0;

    pthread_mutex_init(&js.lock, NULL);
    CHECK_INT(http_workq_start(2, 5, job_fn, &js, &q), HD_OK);
    for (int i = 0; i < 8; i++) {
        if (http_workq_reserve(q) == HD_OK) {
            http_workq_push(q, &js);
            ok++;
        }
    }
    CHECK_INT(ok, 5);                       /* 2 running + 3 queued, 3 refused */
    CHECK_INT(http_workq_inflight(q), 5);
    CHECK_INT(http_workq_reserve(q), HD_EBUSY);
    pthread_mutex_lock(&js.lock);
    js.hold = 0;
    pthread_mutex_unlock(&js.lock);
    http_workq_stop(q);                     /* runs everything taken */
    CHECK_INT(js.ran, 5);
    CHECK_INT(http_workq_inflight(q), 0);
    CHECK_INT(http_workq_reserve(q), HD_EBUSY);   /* stopped: refuses */
    http_workq_free(q);
    pthread_mutex_destroy(&js.lock);
}

/* ---- the store ---- */

static void case_counts_split_at_the_edge(void)
{
    char path[512], err[256] = "";
    store *s = NULL;
    store_contact c[4];
    sqlite3 *db = NULL;
    int64_t active = -1, overdue = -1;
    static const char *const status[4] = { "open", "claimed", "resolved", "open" };
    static const long long created[4] = { 1000, 2000, 500, 3000 };

    snprintf(path, sizeof path, "%s/counts.db", test_tmpdir());
    CHECK_INT(store_open(path, &s, err, sizeof err), HD_OK);
    CHECK_INT(store_case_counts(s, 0, &active, &overdue), HD_OK);
    CHECK_INT(active, 0);
    CHECK_INT(overdue, 0);
    CHECK_INT(sqlite3_open(path, &db), SQLITE_OK);
    for (int i = 0; i < 4; i++) {
        char addr[16], sql[512];

        snprintf(addr, sizeof addr, "8491200000%d", i);
        CHECK_INT(store_contact_upsert(s, "sms", addr, 1, &c[i]), HD_OK);
        snprintf(sql, sizeof sql,
                 "INSERT INTO cases (contact_id, channel, kind, reason, province_code, status,"
                 " claimed_by, created_at) VALUES (%lld, 'sms', 'other', 'human_agent', '01',"
                 " '%s', NULL, %lld)", (long long)c[i].id, status[i], created[i]);
        CHECK_INT(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    }
    sqlite3_close(db);
    /* Active: open and claimed (3); overdue: those created before 2500. */
    CHECK_INT(store_case_counts(s, 2500, &active, &overdue), HD_OK);
    CHECK_INT(active, 3);
    CHECK_INT(overdue, 2);
    CHECK_INT(store_case_counts(s, 1000, &active, &overdue), HD_OK);
    CHECK_INT(overdue, 0);
    CHECK_INT(store_case_counts(NULL, 1000, &active, &overdue), HD_EINVAL);
    store_close(s);
}

static void full_disk_and_io_errors_are_temporary(void)
{
    CHECK_INT(store_dberr(SQLITE_FULL), HD_EIO);
    CHECK_INT(store_dberr(SQLITE_IOERR_WRITE), HD_EIO);
    CHECK_INT(store_dberr(SQLITE_IOERR_FSYNC), HD_EIO);
    CHECK_INT(store_dberr(SQLITE_BUSY_SNAPSHOT), HD_EBUSY);
    CHECK_INT(store_dberr(SQLITE_LOCKED), HD_EBUSY);
    CHECK_INT(store_dberr(SQLITE_CONSTRAINT_UNIQUE), HD_EDB);
}

TEST_MAIN(T(counts_requests_by_route_and_status), T(histogram_is_cumulative),
          T(labels_are_escaped), T(messages_and_errors), T(counting_from_threads_loses_nothing),
          T(bucket_allows_a_burst_then_the_rate), T(a_full_table_forgets_idle_senders_first),
          T(queue_refuses_past_its_capacity_and_drains_on_stop),
          T(case_counts_split_at_the_edge), T(full_disk_and_io_errors_are_temporary))
