/* test_store_outbox.c -- the durable outbox: claim, results, recovery,
 * priorities, two connections, the query plan at 100k rows, migration 2. */
#include "test.h"
#include "core/err.h"
#include "store/store.h"
#include "store/contacts.h"
#include "store/messages.h"
#include "store/outbox.h"
#include "store/kv.h"
#include "../../src/store/store_internal.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <time.h>

#define LEASE 30000

static const char *db_path(const char *name)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s.db", test_tmpdir(), name);
    return path;
}

static store *open_ok(const char *path)
{
    char err[256] = "";
    store *s = NULL;
    int rc = store_open(path, &s, err, sizeof err);
    CHECK_MSG(rc == HD_OK, "store_open(%s) = %d: %s", path, rc, err);
    return s;
}

/* Another connection's view of the file: what a restarted program reads. */
static long long raw_int(const char *path, const char *sql, long long id)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    long long v = -1;

    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
        (sqlite3_bind_parameter_count(st) == 0 || sqlite3_bind_int64(st, 1, id) == SQLITE_OK) &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_type(st, 0) == SQLITE_NULL ? -2 : sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

static const char *raw_text(const char *path, const char *sql, long long id)
{
    static char buf[4][256];
    static int turn;
    char *out = buf[turn++ % 4];
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;

    snprintf(out, sizeof buf[0], "(no row)");
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_bind_int64(st, 1, id) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        snprintf(out, sizeof buf[0], "%s",
                 sqlite3_column_type(st, 0) == SQLITE_NULL ? "(null)"
                                                          : (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
    return out;
}

static int raw_exec(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    sqlite3_close(db);
    return rc;
}

#define OB_STATUS(p, id)  raw_text(p, "SELECT status FROM outbox WHERE id = ?1", id)
#define MSG_STATUS(p, id) raw_text(p, "SELECT status FROM messages WHERE id = ?1", id)

static int64_t contact(store *s, const char *address)
{
    store_contact c;
    CHECK_INT(store_contact_upsert(s, "sms", address, 1000, &c), HD_OK);
    return c.id;
}

/* The outbound messages row a reply is recorded as, 'queued' until sent. */
static int64_t out_message(store *s, int64_t contact_id, const char *text)
{
    store_message_new m = {
        .contact_id = contact_id, .dir = STORE_OUT, .channel = "sms",
        .text = text, .status = "queued", .created_at = 1000,
    };
    int64_t id = 0;
    CHECK_INT(store_message_add(s, &m, &id), HD_OK);
    return id;
}

static int64_t enqueue(store *s, int64_t cid, int64_t mid, const char *text,
                       outbox_priority prio, int64_t not_before, int64_t now)
{
    outbox_new m = {
        .contact_id = cid, .message_id = mid, .channel = "sms", .address = "84912345678",
        .text = text, .priority = prio, .not_before = not_before,
    };
    int64_t id = 0;
    CHECK_INT(outbox_enqueue(s, &m, now, &id), HD_OK);
    CHECK(id > 0);
    return id;
}

static outbox_row *rows_new(int n)
{
    outbox_row *r = calloc((size_t)n, sizeof *r);
    if (!r) {
        perror("calloc");
        exit(2);
    }
    return r;
}

static void enqueue_claim_sent_report(void)
{
    const char *p = db_path("flow");
    store *s = open_ok(p);
    outbox_row *r = rows_new(4);
    int64_t cid = contact(s, "84912345678");
    int64_t mid = out_message(s, cid, "Bạn hãy mở ứng dụng VNeID");
    int64_t id = 0, depth = -1, oldest = -1;
    int n = -1;
    outbox_new m = {
        .contact_id = cid, .message_id = mid, .channel = "sms", .address = "84912345678",
        .text = "Bạn hãy mở ứng dụng VNeID", .priority = OUTBOX_REPLY,
    };

    CHECK_INT(outbox_enqueue(s, &m, 2000, &id), HD_OK);
    CHECK(id > 0);
    CHECK_STR(OB_STATUS(p, id), "queued");
    CHECK_INT(raw_int(p, "SELECT next_attempt_at FROM outbox WHERE id = ?1", id), 2000);

    CHECK_INT(outbox_claim_due(s, "zalo", 2500, LEASE, r, 4, &n), HD_OK);
    CHECK_INT(n, 0);                          /* another channel's queue */
    CHECK_INT(outbox_claim_due(s, "sms", 2500, LEASE, r, 4, &n), HD_OK);
    CHECK_INT(n, 1);
    CHECK_INT(r[0].id, id);
    CHECK_INT(r[0].contact_id, cid);
    CHECK_INT(r[0].message_id, mid);
    CHECK_INT(r[0].broadcast_id, 0);
    CHECK_STR(r[0].channel, "sms");
    CHECK_STR(r[0].address, "84912345678");
    CHECK_STR(r[0].text, "Bạn hãy mở ứng dụng VNeID");
    CHECK_INT(r[0].priority, OUTBOX_REPLY);
    CHECK_INT(r[0].attempts, 1);
    CHECK_INT(r[0].created_at, 2000);
    CHECK_STR(OB_STATUS(p, id), "sending");
    CHECK_INT(raw_int(p, "SELECT lease_until FROM outbox WHERE id = ?1", id), 2500 + LEASE);
    CHECK_INT(raw_int(p, "SELECT attempts FROM outbox WHERE id = ?1", id), 1);
    CHECK_STR(MSG_STATUS(p, mid), "queued");  /* a lease is not shown */

    /* Claimed once only. */
    CHECK_INT(outbox_claim_due(s, "sms", 2600, LEASE, r, 4, &n), HD_OK);
    CHECK_INT(n, 0);

    CHECK_INT(outbox_mark_sent(s, id, "kannel-42", 3000), HD_OK);
    CHECK_STR(OB_STATUS(p, id), "sent");
    CHECK_STR(raw_text(p, "SELECT provider_id FROM outbox WHERE id = ?1", id), "kannel-42");
    CHECK_INT(raw_int(p, "SELECT sent_at FROM outbox WHERE id = ?1", id), 3000);
    CHECK_INT(raw_int(p, "SELECT lease_until FROM outbox WHERE id = ?1", id), -2);
    CHECK_STR(MSG_STATUS(p, mid), "sent");

    CHECK_INT(outbox_mark_report(s, id, 1, 4000), HD_OK);
    CHECK_STR(OB_STATUS(p, id), "delivered");
    CHECK_STR(MSG_STATUS(p, mid), "delivered");
    /* A repeated report, and a late 'not delivered', change nothing. */
    CHECK_INT(outbox_mark_report(s, id, 1, 5000), HD_OK);
    CHECK_INT(outbox_mark_report(s, id, 0, 5000), HD_OK);
    CHECK_STR(OB_STATUS(p, id), "delivered");
    CHECK_STR(MSG_STATUS(p, mid), "delivered");
    CHECK_INT(raw_int(p, "SELECT updated_at FROM outbox WHERE id = ?1", id), 4000);

    CHECK_INT(outbox_stats(s, "sms", 6000, &depth, &oldest), HD_OK);
    CHECK_INT(depth, 0);
    CHECK_INT(oldest, 0);
    free(r);
    store_close(s);
}

static void undelivered_then_delivered(void)
{
    const char *p = db_path("undelivered");
    store *s = open_ok(p);
    outbox_row r[1];
    int64_t cid = contact(s, "84912345678");
    int64_t mid = out_message(s, cid, "x");
    int64_t id = enqueue(s, cid, mid, "x", OUTBOX_REPLY, 0, 1000);
    int n = 0;

    CHECK_INT(outbox_claim_due(s, "sms", 1000, LEASE, r, 1, &n), HD_OK);
    CHECK_INT(n, 1);
    CHECK_INT(outbox_mark_sent(s, id, NULL, 1100), HD_OK);
    CHECK_STR(raw_text(p, "SELECT provider_id FROM outbox WHERE id = ?1", id), "(null)");
    CHECK_INT(outbox_mark_report(s, id, 0, 1200), HD_OK);
    CHECK_STR(OB_STATUS(p, id), "undelivered");
    CHECK_STR(MSG_STATUS(p, mid), "undelivered");
    CHECK_INT(outbox_mark_report(s, id, 0, 1300), HD_OK);      /* repeated */
    CHECK_INT(raw_int(p, "SELECT updated_at FROM outbox WHERE id = ?1", id), 1200);
    /* A delivery proves itself: it wins over an earlier failure report. */
    CHECK_INT(outbox_mark_report(s, id, 1, 1400), HD_OK);
    CHECK_STR(OB_STATUS(p, id), "delivered");
    CHECK_STR(MSG_STATUS(p, mid), "delivered");
    store_close(s);
}

static void priority_wins(void)
{
    store *s = open_ok(db_path("priority"));
    outbox_row *r = rows_new(10);
    int64_t cid = contact(s, "84912345678");
    int64_t b1, b2, b3, off, rep;
    int n = 0;

    /* A broadcast queued first and long due, then an officer, then a reply. */
    b1 = enqueue(s, cid, 0, "bulk 1", OUTBOX_BULK, 0, 1000);
    b2 = enqueue(s, cid, 0, "bulk 2", OUTBOX_BULK, 0, 1000);
    b3 = enqueue(s, cid, 0, "bulk 3", OUTBOX_BULK, 0, 1000);
    off = enqueue(s, cid, 0, "officer", OUTBOX_OFFICER, 0, 1500);
    rep = enqueue(s, cid, 0, "reply", OUTBOX_REPLY, 0, 2000);

    CHECK_INT(outbox_claim_due(s, "sms", 3000, LEASE, r, 1, &n), HD_OK);
    CHECK_INT(n, 1);
    CHECK_INT(r[0].id, rep);
    CHECK_INT(outbox_claim_due(s, "sms", 3000, LEASE, r, 10, &n), HD_OK);
    CHECK_INT(n, 4);
    CHECK_INT(r[0].id, off);
    CHECK_INT(r[1].id, b1);
    CHECK_INT(r[2].id, b2);
    CHECK_INT(r[3].id, b3);
    CHECK_INT(r[3].priority, OUTBOX_BULK);
    free(r);
    store_close(s);
}

static void not_before_respected(void)
{
    const char *p = db_path("notbefore");
    store *s = open_ok(p);
    outbox_row r[4];
    int64_t cid = contact(s, "84912345678");
    int64_t later, first, past;
    int n = 0;

    later = enqueue(s, cid, 0, "at six", OUTBOX_BULK, 5000, 1000);
    CHECK_INT(raw_int(p, "SELECT next_attempt_at FROM outbox WHERE id = ?1", later), 5000);
    CHECK_INT(outbox_claim_due(s, "sms", 4999, LEASE, r, 4, &n), HD_OK);
    CHECK_INT(n, 0);
    CHECK_INT(outbox_claim_due(s, "sms", 5000, LEASE, r, 4, &n), HD_OK);
    CHECK_INT(n, 1);
    CHECK_INT(r[0].id, later);

    /* A not_before in the past is "now": it does not jump the queue. */
    first = enqueue(s, cid, 0, "first", OUTBOX_BULK, 0, 6000);
    past = enqueue(s, cid, 0, "past", OUTBOX_BULK, 10, 7000);
    CHECK_INT(raw_int(p, "SELECT next_attempt_at FROM outbox WHERE id = ?1", past), 7000);
    CHECK_INT(outbox_claim_due(s, "sms", 8000, LEASE, r, 4, &n), HD_OK);
    CHECK_INT(n, 2);
    CHECK_INT(r[0].id, first);
    CHECK_INT(r[1].id, past);
    store_close(s);
}

static void retry_and_failure(void)
{
    const char *p = db_path("retry");
    store *s = open_ok(p);
    outbox_row r[2];
    int64_t cid = contact(s, "84912345678");
    int64_t m1 = out_message(s, cid, "a"), m2 = out_message(s, cid, "b");
    int64_t a = enqueue(s, cid, m1, "a", OUTBOX_REPLY, 0, 1000);
    int64_t b = enqueue(s, cid, m2, "b", OUTBOX_REPLY, 0, 1000);
    int n = 0;

    CHECK_INT(outbox_claim_due(s, "sms", 1000, LEASE, r, 2, &n), HD_OK);
    CHECK_INT(n, 2);
    CHECK_INT(outbox_mark_retry(s, a, 61000, "http 503", 1100), HD_OK);
    CHECK_STR(OB_STATUS(p, a), "queued");
    CHECK_STR(raw_text(p, "SELECT last_error FROM outbox WHERE id = ?1", a), "http 503");
    CHECK_INT(raw_int(p, "SELECT lease_until FROM outbox WHERE id = ?1", a), -2);
    CHECK_STR(MSG_STATUS(p, m1), "queued");
    CHECK_INT(outbox_claim_due(s, "sms", 60999, LEASE, r, 2, &n), HD_OK);
    CHECK_INT(n, 0);
    CHECK_INT(outbox_claim_due(s, "sms", 61000, LEASE, r, 2, &n), HD_OK);
    CHECK_INT(n, 1);
    CHECK_INT(r[0].id, a);
    CHECK_INT(r[0].attempts, 2);
    CHECK_INT(outbox_mark_failed(s, a, 0, "gave up after 2 attempts", 62000), HD_OK);
    CHECK_STR(OB_STATUS(p, a), "failed");
    CHECK_STR(MSG_STATUS(p, m1), "failed");

    CHECK_INT(outbox_mark_failed(s, b, 1, "zalo -230", 1200), HD_OK);
    CHECK_STR(OB_STATUS(p, b), "unreachable");
    CHECK_STR(MSG_STATUS(p, m2), "unreachable");
    CHECK_STR(raw_text(p, "SELECT last_error FROM outbox WHERE id = ?1", b), "zalo -230");
    store_close(s);
}

static void invalid_transitions(void)
{
    const char *p = db_path("transitions");
    store *s = open_ok(p);
    outbox_row r[1];
    int64_t cid = contact(s, "84912345678");
    int64_t mid = out_message(s, cid, "x");
    int64_t id = enqueue(s, cid, mid, "x", OUTBOX_REPLY, 0, 1000);
    int n = 0;

    /* queued: nothing but a claim. */
    CHECK_INT(outbox_mark_sent(s, id, "k1", 1100), HD_ESTATE);
    CHECK_INT(outbox_mark_retry(s, id, 2000, "x", 1100), HD_ESTATE);
    CHECK_INT(outbox_mark_failed(s, id, 0, "x", 1100), HD_ESTATE);
    CHECK_INT(outbox_mark_report(s, id, 1, 1100), HD_ESTATE);
    CHECK_STR(OB_STATUS(p, id), "queued");

    CHECK_INT(outbox_claim_due(s, "sms", 1200, LEASE, r, 1, &n), HD_OK);
    CHECK_INT(n, 1);
    CHECK_INT(outbox_mark_sent(s, id, "k1", 1400), HD_OK);
    /* A duplicate or late worker result must not touch a sent row. */
    CHECK_INT(outbox_mark_sent(s, id, "k2", 1500), HD_ESTATE);
    CHECK_INT(outbox_mark_retry(s, id, 9000, "late", 1500), HD_ESTATE);
    CHECK_INT(outbox_mark_failed(s, id, 1, "late", 1500), HD_ESTATE);
    CHECK_STR(OB_STATUS(p, id), "sent");
    CHECK_STR(raw_text(p, "SELECT provider_id FROM outbox WHERE id = ?1", id), "k1");
    CHECK_STR(raw_text(p, "SELECT last_error FROM outbox WHERE id = ?1", id), "(null)");
    CHECK_INT(raw_int(p, "SELECT sent_at FROM outbox WHERE id = ?1", id), 1400);
    CHECK_STR(MSG_STATUS(p, mid), "sent");

    /* Failed for good: no reports, no results. */
    int64_t f = enqueue(s, cid, 0, "y", OUTBOX_REPLY, 0, 2000);
    CHECK_INT(outbox_claim_due(s, "sms", 2000, LEASE, r, 1, &n), HD_OK);
    CHECK_INT(r[0].id, f);
    CHECK_INT(outbox_mark_failed(s, f, 0, "no route", 2100), HD_OK);
    CHECK_INT(outbox_mark_report(s, f, 1, 2200), HD_ESTATE);
    CHECK_INT(outbox_mark_sent(s, f, "k3", 2200), HD_ESTATE);
    CHECK_INT(outbox_mark_failed(s, f, 1, "again", 2200), HD_ESTATE);
    CHECK_STR(OB_STATUS(p, f), "failed");

    CHECK_INT(outbox_mark_sent(s, f + 100, "k", 3000), HD_ENOTFOUND);
    CHECK_INT(outbox_mark_report(s, f + 100, 1, 3000), HD_ENOTFOUND);
    CHECK_INT(outbox_mark_retry(s, f + 100, 3000, NULL, 3000), HD_ENOTFOUND);
    CHECK_INT(outbox_mark_failed(s, f + 100, 0, NULL, 3000), HD_ENOTFOUND);
    CHECK_INT(outbox_mark_sent(s, 0, "k", 3000), HD_EINVAL);
    CHECK_INT(outbox_mark_sent(NULL, f, "k", 3000), HD_EINVAL);
    store_close(s);
}

/* The process dies after the claim, before any result: the row must come
 * back once its lease has expired, and only then. */
static void recover_after_crash(void)
{
    const char *p = db_path("crash");
    store *s = open_ok(p);
    outbox_row r[2];
    int64_t cid = contact(s, "84912345678");
    int64_t mid = out_message(s, cid, "x");
    int64_t id = enqueue(s, cid, mid, "x", OUTBOX_REPLY, 0, 1000);
    int64_t done = enqueue(s, cid, 0, "y", OUTBOX_REPLY, 0, 1000);
    int n = 0, rec = -1;

    CHECK_INT(outbox_claim_due(s, "sms", 1000, LEASE, r, 2, &n), HD_OK);
    CHECK_INT(n, 2);
    CHECK_INT(outbox_mark_sent(s, done, "k", 1100), HD_OK);
    store_close(s);                           /* the crash: no result for id */

    s = open_ok(p);
    CHECK_INT(outbox_recover(s, "sms", 1000 + LEASE - 1, &rec), HD_OK);
    CHECK_INT(rec, 0);                        /* lease still running */
    CHECK_INT(outbox_recover(s, "zalo", 40000, &rec), HD_OK);
    CHECK_INT(rec, 0);                        /* another channel's worker leaves it */
    CHECK_INT(outbox_claim_due(s, "sms", 1000 + LEASE - 1, LEASE, r, 2, &n), HD_OK);
    CHECK_INT(n, 0);
    CHECK_STR(OB_STATUS(p, id), "sending");

    CHECK_INT(outbox_recover(s, "sms", 40000, &rec), HD_OK);
    CHECK_INT(rec, 1);
    CHECK_STR(OB_STATUS(p, id), "queued");
    CHECK_STR(OB_STATUS(p, done), "sent");
    CHECK_STR(raw_text(p, "SELECT last_error FROM outbox WHERE id = ?1", id), "interrupted");
    CHECK_INT(raw_int(p, "SELECT next_attempt_at FROM outbox WHERE id = ?1", id), 40000);
    CHECK_INT(raw_int(p, "SELECT lease_until FROM outbox WHERE id = ?1", id), -2);
    CHECK_STR(MSG_STATUS(p, mid), "queued");
    CHECK_INT(outbox_recover(s, "sms", 40000, &rec), HD_OK);
    CHECK_INT(rec, 0);

    /* The dead worker's result, arriving late, is refused. */
    CHECK_INT(outbox_mark_sent(s, id, "ghost", 40001), HD_ESTATE);

    CHECK_INT(outbox_claim_due(s, "sms", 40000, LEASE, r, 2, &n), HD_OK);
    CHECK_INT(n, 1);
    CHECK_INT(r[0].id, id);
    CHECK_INT(r[0].attempts, 2);              /* the interrupted one counted */
    CHECK_INT(outbox_mark_sent(s, id, "k2", 41000), HD_OK);
    CHECK_STR(MSG_STATUS(p, mid), "sent");
    store_close(s);
}

/* Claims and marks join a transaction the caller holds. */
static void inside_callers_transaction(void)
{
    const char *p = db_path("callertx");
    store *s = open_ok(p);
    outbox_row r[1];
    int64_t cid = contact(s, "84912345678");
    int64_t id, mid;
    int n = 0;

    CHECK_INT(store_begin(s), HD_OK);
    mid = out_message(s, cid, "x");
    id = enqueue(s, cid, mid, "x", OUTBOX_REPLY, 0, 1000);
    CHECK_INT(store_rollback(s), HD_OK);
    CHECK_INT(raw_int(p, "SELECT COUNT(*) FROM outbox", 0), 0);

    id = enqueue(s, cid, 0, "x", OUTBOX_REPLY, 0, 1000);
    CHECK_INT(store_begin(s), HD_OK);
    CHECK_INT(outbox_claim_due(s, "sms", 1000, LEASE, r, 1, &n), HD_OK);
    CHECK_INT(n, 1);
    CHECK_INT(outbox_mark_sent(s, id, "k", 1100), HD_OK);
    CHECK_INT(store_rollback(s), HD_OK);
    CHECK_STR(OB_STATUS(p, id), "queued");
    CHECK_INT(raw_int(p, "SELECT attempts FROM outbox WHERE id = ?1", id), 0);
    store_close(s);
}

#define CONC_ROWS  600
#define CONC_BATCH 7

typedef struct claimer {
    const char        *path;
    pthread_barrier_t *start;
    int64_t            ids[CONC_ROWS];
    int                n, rc;
} claimer;

static void *claim_all(void *arg)
{
    claimer *c = arg;
    char err[256];
    store *s = NULL;
    outbox_row *r = rows_new(CONC_BATCH);
    int n = 0;

    c->rc = store_open(c->path, &s, err, sizeof err);
    pthread_barrier_wait(c->start);           /* both connections open: race */
    while (!c->rc) {
        c->rc = outbox_claim_due(s, "sms", 5000, LEASE, r, CONC_BATCH, &n);
        if (c->rc || n == 0)
            break;
        /* The send: outside any transaction, so the other one claims now. */
        nanosleep(&(struct timespec){ .tv_nsec = 300 * 1000 }, NULL);
        for (int i = 0; i < n && !c->rc; i++) {
            if (c->n < CONC_ROWS)
                c->ids[c->n] = r[i].id;
            c->n++;
            c->rc = outbox_mark_sent(s, r[i].id, NULL, 5001);
        }
    }
    store_close(s);
    free(r);
    return NULL;
}

static void two_connections_never_share(void)
{
    const char *p = db_path("concurrent");
    store *s = open_ok(p);
    store *a, *b;
    static claimer ca, cb;
    static int seen[CONC_ROWS + 1];
    outbox_row r[3];
    int64_t cid = contact(s, "84912345678"), first = 0, id;
    int na = 0, nb = 0, total = 0;
    pthread_t ta, tb;
    pthread_barrier_t start;

    /* Turn by turn on one thread: each handle gets its own rows. */
    for (int i = 0; i < 12; i++)
        enqueue(s, cid, 0, "t", (outbox_priority)(i % 3), 0, 1000);
    a = open_ok(p);
    b = open_ok(p);
    for (;;) {
        CHECK_INT(outbox_claim_due(a, "sms", 2000, LEASE, r, 3, &na), HD_OK);
        for (int i = 0; i < na; i++)
            seen[r[i].id]++;
        CHECK_INT(outbox_claim_due(b, "sms", 2000, LEASE, r, 2, &nb), HD_OK);
        for (int i = 0; i < nb; i++)
            seen[r[i].id]++;
        total += na + nb;
        if (na == 0 && nb == 0)
            break;
    }
    CHECK_INT(total, 12);
    for (int i = 1; i <= 12; i++)
        CHECK_MSG(seen[i] == 1, "row %d claimed %d times", i, seen[i]);
    store_close(a);
    store_close(b);

    /* Two threads, two connections, racing over one queue. */
    CHECK_INT(store_begin(s), HD_OK);
    for (int i = 0; i < CONC_ROWS; i++) {
        id = enqueue(s, cid, 0, "t", (outbox_priority)(i % 3), 0, 4000);
        if (!first)
            first = id;
    }
    CHECK_INT(store_commit(s), HD_OK);
    ca.path = cb.path = p;
    CHECK_INT(pthread_barrier_init(&start, NULL, 2), 0);
    ca.start = cb.start = &start;
    CHECK_INT(pthread_create(&ta, NULL, claim_all, &ca), 0);
    CHECK_INT(pthread_create(&tb, NULL, claim_all, &cb), 0);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    pthread_barrier_destroy(&start);
    CHECK_INT(ca.rc, HD_OK);
    CHECK_INT(cb.rc, HD_OK);
    CHECK_INT(ca.n + cb.n, CONC_ROWS);
    memset(seen, 0, sizeof seen);
    for (int i = 0; i < ca.n && i < CONC_ROWS; i++)
        if (ca.ids[i] >= first && ca.ids[i] < first + CONC_ROWS)
            seen[ca.ids[i] - first]++;
    for (int i = 0; i < cb.n && i < CONC_ROWS; i++)
        if (cb.ids[i] >= first && cb.ids[i] < first + CONC_ROWS)
            seen[cb.ids[i] - first]++;
    for (int i = 0; i < CONC_ROWS; i++)
        CHECK_MSG(seen[i] == 1, "row %lld claimed %d times", (long long)(first + i), seen[i]);
    CHECK_INT(raw_int(p, "SELECT COUNT(*) FROM outbox WHERE status = 'sent' AND attempts = 1", 0),
              CONC_ROWS);
    store_close(s);
}

static void stats(void)
{
    store *s = open_ok(db_path("stats"));
    outbox_row r[1];
    int64_t cid = contact(s, "84912345678"), depth = -1, oldest = -1, a;
    int n = 0;

    CHECK_INT(outbox_stats(s, "sms", 1000, &depth, &oldest), HD_OK);
    CHECK_INT(depth, 0);
    CHECK_INT(oldest, 0);
    a = enqueue(s, cid, 0, "a", OUTBOX_REPLY, 0, 1000);
    enqueue(s, cid, 0, "b", OUTBOX_BULK, 0, 2000);
    enqueue(s, cid, 0, "c", OUTBOX_REPLY, 0, 2500);
    enqueue(s, cid, 0, "tomorrow", OUTBOX_BULK, 100000, 2500);
    CHECK_INT(outbox_claim_due(s, "sms", 3000, LEASE, r, 1, &n), HD_OK);
    CHECK_INT(n, 1);
    CHECK_INT(r[0].id, a);
    /* a sending, b c tomorrow queued; b, of the lowest priority, due longest. */
    CHECK_INT(outbox_stats(s, "sms", 5000, &depth, &oldest), HD_OK);
    CHECK_INT(depth, 4);
    CHECK_INT(oldest, 3000);
    CHECK_INT(outbox_mark_sent(s, a, NULL, 5000), HD_OK);
    CHECK_INT(outbox_stats(s, "sms", 5000, &depth, &oldest), HD_OK);
    CHECK_INT(depth, 3);
    CHECK_INT(outbox_stats(s, "zalo", 5000, &depth, &oldest), HD_OK);
    CHECK_INT(depth, 0);
    CHECK_INT(oldest, 0);
    CHECK_INT(outbox_stats(s, NULL, 5000, &depth, &oldest), HD_EINVAL);
    store_close(s);
}

static sqlite3_stmt *cached(store *s, const char *needle)
{
    for (int i = 0; i < s->nstmts; i++)
        if (strstr(sqlite3_sql(s->stmts[i].st), needle))
            return s->stmts[i].st;
    return NULL;
}

/* The plan of the statement's own text: every step searches an index, and
 * nothing is sorted in a temporary B-tree. */
static void check_plan(store *s, sqlite3_stmt *st, const char *index)
{
    char sql[2048], plan[2048] = "";
    sqlite3_stmt *q = NULL;

    CHECK(st != NULL);
    if (!st)
        return;
    snprintf(sql, sizeof sql, "EXPLAIN QUERY PLAN %s", sqlite3_sql(st));
    CHECK_INT(sqlite3_prepare_v2(s->db, sql, -1, &q, NULL), SQLITE_OK);
    while (q && sqlite3_step(q) == SQLITE_ROW) {
        const char *d = (const char *)sqlite3_column_text(q, 3);
        size_t len = strlen(plan);
        snprintf(plan + len, sizeof plan - len, "%s | ", d ? d : "");
        CHECK_MSG(d && strncmp(d, "SCAN", 4) != 0, "full scan: %s", d);
    }
    sqlite3_finalize(q);
    CHECK_MSG(strstr(plan, index) != NULL, "plan does not use %s: %s", index, plan);
    CHECK_MSG(strstr(plan, "TEMP B-TREE") == NULL, "plan sorts: %s", plan);
}

static void claim_plan_100k(void)
{
    store *s = open_ok(db_path("plan"));
    outbox_row *r = rows_new(10);
    int64_t cid = contact(s, "84912345678"), b1, b2, rep, off, depth = -1, oldest = -1;
    sqlite3_stmt *due;
    int n = 0, rec = -1;

    /* A broadcast of 100k rows for tomorrow morning, and a few due now. */
    CHECK_INT(store_begin(s), HD_OK);
    b1 = enqueue(s, cid, 0, "bulk now 1", OUTBOX_BULK, 0, 1000);
    for (int i = 0; i < 100000; i++)
        enqueue(s, cid, 0, "tomorrow", OUTBOX_BULK, 90000000, 1000 + i % 7);
    b2 = enqueue(s, cid, 0, "bulk now 2", OUTBOX_BULK, 0, 1500);
    off = enqueue(s, cid, 0, "officer", OUTBOX_OFFICER, 0, 1800);
    rep = enqueue(s, cid, 0, "reply", OUTBOX_REPLY, 0, 2000);
    CHECK_INT(store_commit(s), HD_OK);

    CHECK_INT(outbox_claim_due(s, "sms", 3000, LEASE, r, 10, &n), HD_OK);
    CHECK_INT(n, 4);
    CHECK_INT(r[0].id, rep);
    CHECK_INT(r[1].id, off);
    CHECK_INT(r[2].id, b1);
    CHECK_INT(r[3].id, b2);

    due = cached(s, "ORDER BY priority");
    CHECK(due != NULL);
    if (due) {
        /* What the claim did, measured: no sort, no full scan, and not a
         * step for each of the 100k rows scheduled for later. */
        CHECK_INT(sqlite3_stmt_status(due, SQLITE_STMTSTATUS_SORT, 0), 0);
        CHECK_INT(sqlite3_stmt_status(due, SQLITE_STMTSTATUS_FULLSCAN_STEP, 0), 0);
        CHECK_MSG(sqlite3_stmt_status(due, SQLITE_STMTSTATUS_VM_STEP, 0) < 2000,
                  "claim took %d VM steps",
                  sqlite3_stmt_status(due, SQLITE_STMTSTATUS_VM_STEP, 0));
    }
    check_plan(s, due, "USING INDEX outbox_due");
    CHECK_INT(outbox_stats(s, "sms", 3000, &depth, &oldest), HD_OK);
    CHECK_INT(depth, 100004);
    CHECK_INT(oldest, 0);                     /* tomorrow's rows are no backlog */

    /* The morning: 100k due bulk rows, then a reply comes in. */
    CHECK_INT(outbox_recover(s, "sms", 3001, &rec), HD_OK);
    CHECK_INT(rec, 0);
    rep = enqueue(s, cid, 0, "reply 2", OUTBOX_REPLY, 0, 95000000);
    CHECK_INT(outbox_claim_due(s, "sms", 95000001, LEASE, r, 1, &n), HD_OK);
    CHECK_INT(n, 1);
    CHECK_INT(r[0].id, rep);
    CHECK_INT(outbox_claim_due(s, "sms", 95000001, LEASE, r, 10, &n), HD_OK);
    CHECK_INT(n, 10);
    CHECK_INT(r[9].priority, OUTBOX_BULK);
    if (due)
        CHECK_MSG(sqlite3_stmt_status(due, SQLITE_STMTSTATUS_VM_STEP, 0) < 4000,
                  "claims took %d VM steps",
                  sqlite3_stmt_status(due, SQLITE_STMTSTATUS_VM_STEP, 0));
    check_plan(s, cached(s, "lease_until < ?1"), "outbox_lease");
    check_plan(s, cached(s, "AND priority = ?2"), "outbox_due");
    free(r);
    store_close(s);
}

static void enqueue_checks(void)
{
    const char *p = db_path("checks");
    store *s = open_ok(p);
    static char text[OUTBOX_TEXT_MAX + 1], reason[OUTBOX_REASON_MAX * 2];
    outbox_row *r = rows_new(1);
    int64_t cid = contact(s, "84912345678"), id = -1;
    int n = 0;
    outbox_new m = {
        .contact_id = cid, .channel = "sms", .address = "84912345678",
        .text = "x", .priority = OUTBOX_REPLY, .broadcast_id = 77,
    };
    outbox_new bad;

    bad = m; bad.contact_id = 0;
    CHECK_INT(outbox_enqueue(s, &bad, 1000, &id), HD_EINVAL);
    CHECK_INT(id, 0);
    bad = m; bad.priority = (outbox_priority)3;
    CHECK_INT(outbox_enqueue(s, &bad, 1000, NULL), HD_EINVAL);
    bad = m; bad.text = "";
    CHECK_INT(outbox_enqueue(s, &bad, 1000, NULL), HD_EINVAL);
    bad = m; bad.channel = NULL;
    CHECK_INT(outbox_enqueue(s, &bad, 1000, NULL), HD_EINVAL);
    bad = m; bad.channel = "a-channel-name-too-long";
    CHECK_INT(outbox_enqueue(s, &bad, 1000, NULL), HD_ETOOBIG);
    bad = m; bad.contact_id = cid + 100;
    CHECK_INT(outbox_enqueue(s, &bad, 1000, NULL), HD_ENOTFOUND);
    bad = m; bad.message_id = 999;
    CHECK_INT(outbox_enqueue(s, &bad, 1000, NULL), HD_ENOTFOUND);
    CHECK_INT(outbox_enqueue(NULL, &m, 1000, NULL), HD_EINVAL);
    CHECK_INT(raw_int(p, "SELECT COUNT(*) FROM outbox", 0), 0);

    memset(text, 'a', OUTBOX_TEXT_MAX);
    bad = m; bad.text = text;
    CHECK_INT(outbox_enqueue(s, &bad, 1000, NULL), HD_ETOOBIG);
    text[OUTBOX_TEXT_MAX - 1] = '\0';         /* the longest that fits */
    CHECK_INT(outbox_enqueue(s, &bad, 1000, &id), HD_OK);
    CHECK_INT(outbox_claim_due(s, "sms", 1000, LEASE, r, 1, &n), HD_OK);
    CHECK_INT(n, 1);
    CHECK_INT(strlen(r[0].text), OUTBOX_TEXT_MAX - 1);
    CHECK_INT(r[0].broadcast_id, 77);
    CHECK_INT(r[0].message_id, 0);

    CHECK_INT(outbox_claim_due(s, "sms", 1000, 0, r, 1, &n), HD_EINVAL);
    CHECK_INT(outbox_claim_due(s, "sms", 1000, LEASE, r, 0, &n), HD_EINVAL);
    CHECK_INT(outbox_claim_due(s, "sms", 1000, LEASE, NULL, 1, &n), HD_EINVAL);
    CHECK_INT(outbox_claim_due(s, NULL, 1000, LEASE, r, 1, &n), HD_EINVAL);

    /* A long reason is cut on a character boundary, not refused: "x" then
     * 3-byte letters, so byte OUTBOX_REASON_MAX - 1 falls inside one. */
    reason[0] = 'x';
    for (size_t i = 1; i + 3 < sizeof reason; i += 3)
        memcpy(reason + i, "\xe1\xbb\x87", 3);          /* ệ */
    CHECK((OUTBOX_REASON_MAX - 1 - 1) % 3 != 0);
    CHECK_INT(outbox_mark_retry(s, id, 2000, reason, 1100), HD_OK);
    CHECK(raw_int(p, "SELECT length(CAST(last_error AS BLOB)) FROM outbox WHERE id = ?1", id)
          < OUTBOX_REASON_MAX);
    CHECK_INT(raw_int(p, "SELECT (length(CAST(last_error AS BLOB)) - 1) % 3 FROM outbox"
                         " WHERE id = ?1", id), 0);
    CHECK(raw_int(p, "SELECT length(CAST(last_error AS BLOB)) FROM outbox WHERE id = ?1", id)
          >= OUTBOX_REASON_MAX - 3);
    CHECK_INT(raw_int(p, "SELECT instr(last_error, 'x') FROM outbox WHERE id = ?1", id), 1);
    free(r);
    store_close(s);
}

/* A database written by a build that knew only migration 1 is upgraded in
 * place, its rows kept. The rows are written with plain SQL: the store's
 * own functions speak the newest schema. */
static void upgrade_from_version_1(void)
{
    const char *p = db_path("v1");
    store *s = NULL;
    store_contact c;
    char v[16], err[256] = "";
    int ver = -1, n = 0;
    outbox_row r[1];

    CHECK_INT(store_open_version(p, 1, &s, err, sizeof err), HD_OK);
    CHECK_INT(store_schema_version(s, &ver), HD_OK);
    CHECK_INT(ver, 1);
    store_close(s);
    CHECK_INT(raw_exec(p, "INSERT INTO contacts (id, channel, address, state, opted_out, created_at)"
                          " VALUES (7, 'sms', '84912345678', '', 0, 1);"
                          "INSERT INTO messages (id, contact_id, dir, channel, text, status, created_at)"
                          " VALUES (9, 7, 'out', 'sms', 'x', 'queued', 1)"), SQLITE_OK);
    CHECK_INT(raw_int(p, "SELECT COUNT(*) FROM sqlite_master WHERE name IN ('outbox', 'kv')", 0), 0);

    s = open_ok(p);
    CHECK_INT(store_schema_version(s, &ver), HD_OK);
    CHECK_INT(ver, store_schema_latest());
    CHECK_INT(store_contact_get(s, 7, &c), HD_OK);
    CHECK_STR(c.address, "84912345678");
    enqueue(s, 7, 9, "x", OUTBOX_REPLY, 0, 1000);
    CHECK_INT(outbox_claim_due(s, "sms", 1000, LEASE, r, 1, &n), HD_OK);
    CHECK_INT(n, 1);
    CHECK_INT(store_kv_put(s, "k", "v", 1000), HD_OK);
    CHECK_INT(store_kv_get(s, "k", v, sizeof v, NULL), HD_OK);
    store_close(s);
    CHECK_INT(raw_int(p, "SELECT COUNT(*) FROM schema_version", 0), store_schema_latest());
}

/* Kannel may call the dlr-url before sendsms has answered the worker, and
 * after a crash a report is the only proof that an interrupted send went
 * out: a report settles a 'sending' row, and the worker's late 'sent' then
 * leaves it alone. */
static void report_overtakes_send(void)
{
    const char *p = db_path("overtake");
    store *s = open_ok(p);
    outbox_row r[1];
    int64_t cid = contact(s, "84912345670");
    int64_t mid = out_message(s, cid, "x");
    int64_t id = enqueue(s, cid, mid, "x", OUTBOX_REPLY, 0, 1000);
    int n = 0;

    CHECK_INT(outbox_claim_due(s, "sms", 1200, LEASE, r, 1, &n), HD_OK);
    CHECK_INT(n, 1);
    CHECK_INT(outbox_mark_report(s, id, 1, 1300), HD_OK);
    CHECK_STR(OB_STATUS(p, id), "delivered");
    CHECK_INT(raw_int(p, "SELECT sent_at FROM outbox WHERE id = ?1", id), 1300);
    CHECK_INT(outbox_mark_sent(s, id, "k1", 1400), HD_OK);
    CHECK_STR(OB_STATUS(p, id), "delivered");
    CHECK_STR(MSG_STATUS(p, mid), "delivered");
    CHECK_INT(outbox_mark_retry(s, id, 9000, "late", 1500), HD_ESTATE);
    /* recovery never re-sends a row a report has settled */
    CHECK_INT(outbox_claim_due(s, "sms", 1200 + LEASE + 10, LEASE, r, 1, &n), HD_OK);
    CHECK_INT(n, 0);
    store_close(s);
}

/* A citizen reads the answers in the order they were written. The worker
 * puts a row back behind an earlier row of its contact that must wait for a
 * retry, with the same due time: the claim's order (due time, then id) then
 * keeps them in order, while other contacts are not held up. */
static void per_contact_order(void)
{
    const char *p = db_path("order");
    store *s = open_ok(p);
    outbox_row r[4];
    int64_t a = contact(s, "84912340001"), b = contact(s, "84912340002");
    int64_t a1 = enqueue(s, a, 0, "a1", OUTBOX_REPLY, 0, 1000);
    int64_t a2 = enqueue(s, a, 0, "a2", OUTBOX_REPLY, 0, 1000);
    int64_t b1 = enqueue(s, b, 0, "b1", OUTBOX_REPLY, 0, 1000);
    int n = 0;

    CHECK_INT(outbox_claim_due(s, "sms", 1000, LEASE, r, 4, &n), HD_OK);
    CHECK_INT(n, 3);
    CHECK(n == 3 && r[0].id == a1 && r[1].id == a2 && r[2].id == b1);
    CHECK_INT(outbox_mark_retry(s, a1, 5000, "503", 1100), HD_OK);
    CHECK_INT(outbox_mark_defer(s, a2, 5000, 1100), HD_OK);
    CHECK_INT(raw_int(p, "SELECT attempts FROM outbox WHERE id = ?1", a2), 0);
    CHECK_INT(outbox_mark_sent(s, b1, "x", 1100), HD_OK);
    CHECK_INT(outbox_claim_due(s, "sms", 2000, LEASE, r, 4, &n), HD_OK);
    CHECK_INT(n, 0);
    CHECK_INT(outbox_claim_due(s, "sms", 5000, LEASE, r, 4, &n), HD_OK);
    CHECK_INT(n, 2);
    CHECK(n == 2 && r[0].id == a1 && r[1].id == a2);
    store_close(s);
}

TEST_MAIN(T(per_contact_order), T(report_overtakes_send), T(enqueue_claim_sent_report), T(undelivered_then_delivered), T(priority_wins),
          T(not_before_respected), T(retry_and_failure), T(invalid_transitions),
          T(recover_after_crash), T(inside_callers_transaction),
          T(two_connections_never_share), T(stats), T(claim_plan_100k),
          T(enqueue_checks), T(upgrade_from_version_1))
