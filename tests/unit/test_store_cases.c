/* test_store_cases.c -- cases, their events, drafts, the retention purge
 * and the audit log, on real SQLite files. Run from the repository root
 * (reads data/communes.tsv). */
#include "test.h"
#include "core/err.h"
#include "store/store.h"
#include "store/contacts.h"
#include "store/messages.h"
#include "store/communes.h"
#include "store/users.h"
#include "store/cases.h"
#include "store/audit.h"

#include <sqlite3.h>
#include <stdlib.h>

#define DAY_MS 86400000LL
#define T0     1756684800000LL      /* 2025-09-01 07:00 in Hà Nội */

/* Stand-ins for sealed ID numbers: the store only keeps bytes. */
static const unsigned char SEALED1[40] = { 1, 2, 3, 0, 5, 6, 7, 8, 9, 10, 0xFF, 0 };
static const unsigned char SEALED2[40] = { 9, 9, 9, 9, 0, 0, 0, 7 };

typedef struct fixture {
    const char *path;
    store      *s;
    int64_t     c1, c2, c3, c4, c5;     /* contacts */
    int64_t     officer_a;              /* commune 00004 (Hà Nội) */
    int64_t     officer_b;              /* commune 00008 (Hà Nội) */
    int64_t     officer_tq;             /* commune 00691 (Tuyên Quang) */
} fixture;

static const char *db_path(const char *name)
{
    static char path[8][512];
    static int turn;
    char *p = path[turn++ % 8];
    snprintf(p, sizeof path[0], "%s/%s.db", test_tmpdir(), name);
    return p;
}

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

static int64_t contact(store *s, const char *address)
{
    store_contact c;
    CHECK_INT(store_contact_upsert(s, "sms", address, T0, &c), HD_OK);
    return c.id;
}

static int64_t officer(store *s, const char *name, const char *commune, const char *hash)
{
    const char *communes[1] = { commune };
    store_user_new u = { .name = name, .role = USER_OFFICER, .communes = communes,
                         .ncommunes = 1, .token_hash = hash };
    int64_t id = 0;
    CHECK_INT(store_user_add(s, &u, T0, &id), HD_OK);
    return id;
}

static fixture setup(const char *name)
{
    fixture f = { .path = db_path(name) };
    char err[256] = "";
    int rc = store_open(f.path, &f.s, err, sizeof err);

    CHECK_MSG(rc == HD_OK, "store_open = %d: %s", rc, err);
    rc = store_commune_load(f.s, "data/communes.tsv", NULL, err, sizeof err);
    CHECK_MSG(rc == HD_OK, "store_commune_load = %d: %s", rc, err);
    f.c1 = contact(f.s, "84912000001");
    f.c2 = contact(f.s, "84912000002");
    f.c3 = contact(f.s, "84912000003");
    f.c4 = contact(f.s, "84912000004");
    f.c5 = contact(f.s, "84912000005");
    f.officer_a = officer(f.s, "Officer A", "00004",
                          "a000000000000000000000000000000000000000000000000000000000000001");
    f.officer_b = officer(f.s, "Officer B", "00008",
                          "b000000000000000000000000000000000000000000000000000000000000002");
    f.officer_tq = officer(f.s, "Officer TQ", "00691",
                           "c000000000000000000000000000000000000000000000000000000000000003");
    return f;
}

static store_case_new new_case(int64_t contact_id, const char *commune, const char *province)
{
    store_case_new c = {
        .contact_id = contact_id, .channel = "sms", .kind = CASE_DEVICE_CHANGE,
        .reason = "device_change", .commune_code = commune, .province_code = province,
        .full_name = "Nguyễn Thị Hoa", .id_enc = SEALED1, .id_enc_len = sizeof SEALED1,
        .id_last4 = "2345", .callback_phone = "84912000001",
        .description = "Đổi điện thoại, không đăng nhập được",
    };
    return c;
}

static int64_t create(store *s, const store_case_new *c, int64_t now)
{
    int64_t id = 0;
    CHECK_INT(store_case_create(s, c, now, &id), HD_OK);
    CHECK(id > 0);
    return id;
}

static store_case *rows_new(int n)
{
    store_case *r = calloc((size_t)n, sizeof *r);
    if (!r) {
        perror("calloc");
        exit(2);
    }
    return r;
}

static void names(void)
{
    case_status st;
    case_kind k;
    case_close_reason r;

    CHECK_STR(case_status_name(CASE_CLAIMED), "claimed");
    CHECK_STR(case_status_name((case_status)3), "");
    CHECK_INT(case_status_parse("resolved", &st), HD_OK);
    CHECK_INT(st, CASE_RESOLVED);
    CHECK_INT(case_status_parse("active", &st), HD_EINVAL);
    CHECK_STR(case_kind_name(CASE_PHONE_CHANGE), "phone_change");
    CHECK_INT(case_kind_parse("other", &k), HD_OK);
    CHECK_INT(k, CASE_OTHER);
    CHECK_INT(case_kind_parse("device", &k), HD_EINVAL);
    CHECK_STR(case_close_reason_name(CASE_CLOSE_UNREACHABLE), "unreachable");
    CHECK_STR(case_close_reason_name(CASE_CLOSE_NONE), "");
    CHECK_INT(case_close_reason_parse("duplicate", &r), HD_OK);
    CHECK_INT(r, CASE_CLOSE_DUPLICATE);

    char actor[CASE_ACTOR_MAX];
    case_actor_user(42, actor);
    CHECK_STR(actor, "user:42");
    case_actor_user(0, actor);
    CHECK_STR(actor, "system");
}

/* The contact's open (or claimed) case, as ingest reads it with the contact;
 * 0 when it has none. */
static int64_t open_case_of(store *s, int64_t contact_id)
{
    store_contact ct;

    CHECK_INT(store_contact_get(s, contact_id, &ct), HD_OK);
    return ct.open_case_id;
}

static void create_and_get(void)
{
    fixture f = setup("create");
    store_case_new n = new_case(f.c1, "00004", "01");
    store_case c;
    store_case_event ev[4];
    int64_t id;
    int k = 0;

    id = create(f.s, &n, T0 + 5);
    CHECK_INT(open_case_of(f.s, f.c1), id);
    CHECK_INT(open_case_of(f.s, f.c2), 0);

    CHECK_INT(store_case_get(f.s, id, &c), HD_OK);
    CHECK_INT(c.id, id);
    CHECK_INT(c.contact_id, f.c1);
    CHECK_STR(c.channel, "sms");
    CHECK_INT(c.kind, CASE_DEVICE_CHANGE);
    CHECK_STR(c.reason, "device_change");
    CHECK_STR(c.commune_code, "00004");
    CHECK_STR(c.province_code, "01");
    CHECK_INT(c.status, CASE_OPEN);
    CHECK_INT(c.close_reason, CASE_CLOSE_NONE);
    CHECK_INT(c.claimed_by, 0);
    CHECK_STR(c.full_name, "Nguyễn Thị Hoa");
    CHECK_INT(c.id_enc_len, sizeof SEALED1);
    CHECK(memcmp(c.id_enc, SEALED1, sizeof SEALED1) == 0);   /* bytes with NULs intact */
    CHECK_STR(c.id_last4, "2345");
    CHECK_STR(c.callback_phone, "84912000001");
    CHECK_STR(c.description, "Đổi điện thoại, không đăng nhập được");
    CHECK_INT(c.created_at, T0 + 5);
    CHECK_INT(c.claimed_at + c.resolved_at + c.closed_at + c.purged_at, 0);
    CHECK_INT(c.last_message_at, 0);

    CHECK_INT(store_case_events(f.s, id, ev, 4, &k), HD_OK);
    CHECK_INT(k, 1);
    CHECK_STR(ev[0].kind, "created");
    CHECK_STR(ev[0].actor, "citizen");
    CHECK_INT(ev[0].at, T0 + 5);

    CHECK_INT(store_case_get(f.s, id + 100, &c), HD_ENOTFOUND);

    /* A province-queue case without personal data. */
    store_case_new q = { .contact_id = f.c2, .channel = "zalo", .kind = CASE_OTHER,
                         .reason = "human_agent", .province_code = "01" };
    int64_t qid = create(f.s, &q, T0 + 6);
    CHECK_INT(store_case_get(f.s, qid, &c), HD_OK);
    CHECK_STR(c.commune_code, "");
    CHECK_STR(c.full_name, "");
    CHECK_INT(c.id_enc_len, 0);
    CHECK_STR(c.id_last4, "");
    CHECK_INT(raw_int(f.path, "SELECT commune_code IS NULL AND id_enc IS NULL FROM cases"
                              " WHERE id = ?1", qid), 1);
    store_close(f.s);
}

static void create_checks(void)
{
    fixture f = setup("create_checks");
    store_case_new n = new_case(f.c1, "00004", "01");
    int64_t id = 7;

    n.kind = (case_kind)0;
    CHECK_INT(store_case_create(f.s, &n, T0, &id), HD_EINVAL);
    CHECK_INT(id, 0);
    n = new_case(f.c1, "00004", NULL);
    CHECK_INT(store_case_create(f.s, &n, T0, &id), HD_EINVAL);
    n = new_case(f.c1, "00004", "01");
    n.id_last4 = "23a5";
    CHECK_INT(store_case_create(f.s, &n, T0, &id), HD_EINVAL);
    n.id_last4 = NULL;                      /* sealed number without its digits */
    CHECK_INT(store_case_create(f.s, &n, T0, &id), HD_EINVAL);
    n = new_case(f.c1, "00004", "01");
    n.id_enc_len = CASE_ID_ENC_MAX + 1;
    CHECK_INT(store_case_create(f.s, &n, T0, &id), HD_EINVAL);
    n = new_case(f.c1, "00004", "01");
    char longname[CASE_NAME_MAX + 1];
    memset(longname, 'x', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    n.full_name = longname;
    CHECK_INT(store_case_create(f.s, &n, T0, &id), HD_EINVAL);
    n = new_case(9999, "00004", "01");
    CHECK_INT(store_case_create(f.s, &n, T0, &id), HD_ENOTFOUND);
    CHECK_INT(raw_int(f.path, "SELECT COUNT(*) FROM cases", 0), 0);
    CHECK_INT(raw_int(f.path, "SELECT COUNT(*) FROM case_events", 0), 0);
    store_close(f.s);
}

static void one_active_case_per_contact(void)
{
    fixture f = setup("one_active");
    store_case_new n = new_case(f.c1, "00004", "01");
    int64_t id, id2 = 0, again = 0;

    id = create(f.s, &n, T0);
    CHECK_INT(store_case_create(f.s, &n, T0 + 1, &id2), HD_EDUP);
    CHECK_INT(id2, 0);
    /* Claimed is still active. */
    CHECK_INT(store_case_claim(f.s, id, f.officer_a, T0 + 2), HD_OK);
    CHECK_INT(store_case_create(f.s, &n, T0 + 3, &id2), HD_EDUP);
    /* Inside the caller's transaction (as ingest does): the duplicate
     * fails, the transaction stays usable, the caller decides. */
    CHECK_INT(store_begin(f.s), HD_OK);
    CHECK_INT(store_case_create(f.s, &n, T0 + 4, &id2), HD_EDUP);
    CHECK_INT(store_case_event_add(f.s, id, "citizen", "escalation", 0, "again", T0 + 4, NULL),
              HD_OK);
    CHECK_INT(store_commit(f.s), HD_OK);
    CHECK_INT(raw_int(f.path, "SELECT COUNT(*) FROM case_events WHERE kind = 'escalation'", 0), 1);
    /* Once resolved, a new case may open. */
    CHECK_INT(store_case_resolve(f.s, id, f.officer_a, NULL, T0 + 5), HD_OK);
    again = create(f.s, &n, T0 + 6);
    CHECK(again != id);
    CHECK_INT(open_case_of(f.s, f.c1), again);
    /* Closed frees the slot too. */
    CHECK_INT(store_case_close(f.s, again, f.officer_a, CASE_CLOSE_DUPLICATE, T0 + 7), HD_OK);
    CHECK_INT(open_case_of(f.s, f.c1), 0);
    create(f.s, &n, T0 + 8);
    store_close(f.s);
}

/* ingest creates the case inside its own transaction: create must neither
 * begin nor commit, so a rollback of the caller takes the case away. */
static void create_in_callers_transaction(void)
{
    fixture f = setup("caller_tx");
    store_case_new n = new_case(f.c1, "00004", "01");
    int64_t id = 0;

    CHECK_INT(store_case_draft_put(f.s, f.c1, SEALED1, sizeof SEALED1, "2345", T0), HD_OK);
    CHECK_INT(store_begin(f.s), HD_OK);
    CHECK_INT(store_case_create(f.s, &n, T0, &id), HD_OK);
    CHECK(id > 0);
    /* Another connection does not see it before the commit. */
    CHECK_INT(raw_int(f.path, "SELECT COUNT(*) FROM cases", 0), 0);
    CHECK_INT(store_rollback(f.s), HD_OK);
    CHECK_INT(open_case_of(f.s, f.c1), 0);
    CHECK_INT(raw_int(f.path, "SELECT COUNT(*) FROM case_events", 0), 0);
    CHECK_INT(raw_int(f.path, "SELECT COUNT(*) FROM case_drafts", 0), 1);   /* back too */

    CHECK_INT(store_begin(f.s), HD_OK);
    CHECK_INT(store_case_create(f.s, &n, T0, &id), HD_OK);
    CHECK_INT(store_commit(f.s), HD_OK);
    CHECK_INT(raw_int(f.path, "SELECT COUNT(*) FROM cases", 0), 1);
    CHECK_INT(raw_int(f.path, "SELECT COUNT(*) FROM case_drafts", 0), 0);
    store_close(f.s);
}

static void drafts(void)
{
    fixture f = setup("drafts");
    unsigned char buf[CASE_ID_ENC_MAX];
    char last4[CASE_LAST4_MAX];
    size_t len = 0;

    CHECK_INT(store_case_draft_get(f.s, f.c1, buf, sizeof buf, &len, last4), HD_ENOTFOUND);
    CHECK_INT(store_case_draft_put(f.s, f.c1, SEALED1, sizeof SEALED1, "2345", T0), HD_OK);
    CHECK_INT(store_case_draft_get(f.s, f.c1, buf, sizeof buf, &len, last4), HD_OK);
    CHECK_INT(len, sizeof SEALED1);
    CHECK(memcmp(buf, SEALED1, len) == 0);
    CHECK_STR(last4, "2345");
    /* The citizen corrects the number: replaced. */
    CHECK_INT(store_case_draft_put(f.s, f.c1, SEALED2, 20, "9876", T0 + 1), HD_OK);
    CHECK_INT(store_case_draft_get(f.s, f.c1, buf, sizeof buf, &len, last4), HD_OK);
    CHECK_INT(len, 20);
    CHECK(memcmp(buf, SEALED2, 20) == 0);
    CHECK_STR(last4, "9876");
    CHECK_INT(raw_int(f.path, "SELECT COUNT(*) FROM case_drafts", 0), 1);
    CHECK_INT(store_case_draft_get(f.s, f.c1, buf, 19, &len, last4), HD_ETOOBIG);
    /* Other contacts are separate; bad input. */
    CHECK_INT(store_case_draft_get(f.s, f.c2, buf, sizeof buf, &len, last4), HD_ENOTFOUND);
    CHECK_INT(store_case_draft_put(f.s, 9999, SEALED1, 40, "2345", T0), HD_ENOTFOUND);
    CHECK_INT(store_case_draft_put(f.s, f.c2, SEALED1, 40, "234", T0), HD_EINVAL);
    CHECK_INT(store_case_draft_put(f.s, f.c2, SEALED1, 0, "2345", T0), HD_EINVAL);
    /* Cancel: deleted; twice is fine. */
    CHECK_INT(store_case_draft_delete(f.s, f.c1), HD_OK);
    CHECK_INT(store_case_draft_delete(f.s, f.c1), HD_OK);
    CHECK_INT(store_case_draft_get(f.s, f.c1, buf, sizeof buf, &len, last4), HD_ENOTFOUND);
    /* Abandoned intakes: drafts last written before the cutoff go. */
    CHECK_INT(store_case_draft_put(f.s, f.c4, SEALED1, 40, "4444", T0 + 100), HD_OK);
    CHECK_INT(store_case_draft_put(f.s, f.c5, SEALED1, 40, "5555", T0 + 200), HD_OK);
    int nd = -1;
    CHECK_INT(store_case_draft_expire(f.s, T0 + 200, &nd), HD_OK);
    CHECK_INT(nd, 1);
    CHECK_INT(store_case_draft_get(f.s, f.c4, buf, sizeof buf, &len, last4), HD_ENOTFOUND);
    CHECK_INT(store_case_draft_get(f.s, f.c5, buf, sizeof buf, &len, last4), HD_OK);
    CHECK_INT(store_case_draft_expire(f.s, T0 + 200, &nd), HD_OK);
    CHECK_INT(nd, 0);
    /* Creating the case moves the number out of the drafts. */
    CHECK_INT(store_case_draft_put(f.s, f.c2, SEALED1, 40, "2345", T0), HD_OK);
    CHECK_INT(store_case_draft_put(f.s, f.c3, SEALED2, 40, "1111", T0), HD_OK);
    store_case_new n = new_case(f.c2, "00004", "01");
    create(f.s, &n, T0 + 2);
    CHECK_INT(store_case_draft_get(f.s, f.c2, buf, sizeof buf, &len, last4), HD_ENOTFOUND);
    CHECK_INT(store_case_draft_get(f.s, f.c3, buf, sizeof buf, &len, last4), HD_OK);
    store_close(f.s);
}

static void claim_resolve_close(void)
{
    fixture f = setup("transitions");
    store_case_new n = new_case(f.c1, "00004", "01");
    store_case c;
    store_case_event ev[8];
    int64_t id = create(f.s, &n, T0);
    int k = 0;
    char actor_a[CASE_ACTOR_MAX];

    case_actor_user(f.officer_a, actor_a);
    CHECK_INT(store_case_claim(f.s, id, f.officer_a, T0 + 10), HD_OK);
    CHECK_INT(store_case_get(f.s, id, &c), HD_OK);
    CHECK_INT(c.status, CASE_CLAIMED);
    CHECK_INT(c.claimed_by, f.officer_a);
    CHECK_INT(c.claimed_at, T0 + 10);
    /* Again by the same officer: fine, nothing new. */
    CHECK_INT(store_case_claim(f.s, id, f.officer_a, T0 + 11), HD_OK);
    CHECK_INT(store_case_get(f.s, id, &c), HD_OK);
    CHECK_INT(c.claimed_at, T0 + 10);
    /* Another officer: refused, the claim unchanged. */
    CHECK_INT(store_case_claim(f.s, id, f.officer_b, T0 + 12), HD_ESTATE);
    CHECK_INT(store_case_get(f.s, id, &c), HD_OK);
    CHECK_INT(c.claimed_by, f.officer_a);
    /* No such case, no such user. */
    CHECK_INT(store_case_claim(f.s, id + 50, f.officer_a, T0), HD_ENOTFOUND);
    CHECK_INT(store_case_claim(f.s, id, 0, T0), HD_EINVAL);

    CHECK_INT(store_case_resolve(f.s, id, f.officer_a, "Đã hướng dẫn đổi thiết bị",
                                 T0 + 20), HD_OK);
    CHECK_INT(store_case_get(f.s, id, &c), HD_OK);
    CHECK_INT(c.status, CASE_RESOLVED);
    CHECK_INT(c.resolved_at, T0 + 20);
    CHECK_INT(c.claimed_by, f.officer_a);
    /* Nothing leaves resolved. */
    CHECK_INT(store_case_resolve(f.s, id, f.officer_a, NULL, T0 + 21), HD_ESTATE);
    CHECK_INT(store_case_claim(f.s, id, f.officer_a, T0 + 21), HD_ESTATE);
    CHECK_INT(store_case_close(f.s, id, f.officer_a, CASE_CLOSE_DUPLICATE, T0 + 21), HD_ESTATE);

    CHECK_INT(store_case_events(f.s, id, ev, 8, &k), HD_OK);
    CHECK_INT(k, 3);
    CHECK_STR(ev[0].kind, "created");
    CHECK_STR(ev[1].kind, "claimed");
    CHECK_STR(ev[1].actor, actor_a);
    CHECK_INT(ev[1].at, T0 + 10);
    CHECK_STR(ev[2].kind, "resolved");
    CHECK_STR(ev[2].actor, actor_a);
    CHECK_STR(ev[2].text, "Đã hướng dẫn đổi thiết bị");

    /* Resolving an open case: whoever resolves it holds it. */
    n = new_case(f.c2, "00008", "01");
    id = create(f.s, &n, T0 + 30);
    CHECK_INT(store_case_claim(f.s, id, 9999, T0 + 31), HD_ENOTFOUND);   /* no such user */
    CHECK_INT(store_case_get(f.s, id, &c), HD_OK);
    CHECK_INT(c.status, CASE_OPEN);
    CHECK_INT(store_case_resolve(f.s, id, f.officer_b, NULL, T0 + 32), HD_OK);
    CHECK_INT(store_case_get(f.s, id, &c), HD_OK);
    CHECK_INT(c.claimed_by, f.officer_b);
    CHECK_INT(c.claimed_at, T0 + 32);

    /* Close, from open and from claimed. */
    n = new_case(f.c3, "00004", "01");
    id = create(f.s, &n, T0 + 40);
    CHECK_INT(store_case_close(f.s, id, f.officer_a, CASE_CLOSE_NONE, T0 + 41), HD_EINVAL);
    CHECK_INT(store_case_close(f.s, id, f.officer_a, CASE_CLOSE_UNREACHABLE, T0 + 41), HD_OK);
    CHECK_INT(store_case_get(f.s, id, &c), HD_OK);
    CHECK_INT(c.status, CASE_CLOSED);
    CHECK_INT(c.close_reason, CASE_CLOSE_UNREACHABLE);
    CHECK_INT(c.closed_at, T0 + 41);
    CHECK_INT(store_case_close(f.s, id, f.officer_a, CASE_CLOSE_DUPLICATE, T0 + 42), HD_ESTATE);
    CHECK_INT(store_case_resolve(f.s, id, f.officer_a, NULL, T0 + 42), HD_ESTATE);
    CHECK_INT(store_case_claim(f.s, id, f.officer_a, T0 + 42), HD_ESTATE);
    CHECK_INT(store_case_events(f.s, id, ev, 8, &k), HD_OK);
    CHECK_INT(k, 2);
    CHECK_STR(ev[1].kind, "closed");
    CHECK_STR(ev[1].text, "unreachable");

    n = new_case(f.c4, "00004", "01");
    id = create(f.s, &n, T0 + 50);
    CHECK_INT(store_case_claim(f.s, id, f.officer_a, T0 + 51), HD_OK);
    CHECK_INT(store_case_close(f.s, id, 0, CASE_CLOSE_DUPLICATE, T0 + 52), HD_OK);
    CHECK_INT(store_case_events(f.s, id, ev, 8, &k), HD_OK);
    CHECK_STR(ev[k - 1].actor, "system");
    store_close(f.s);
}

/* Two connections claim the same case: exactly one wins. */
static void claim_race(void)
{
    fixture f = setup("race");
    store *s2 = NULL;
    char err[256] = "";
    store_case_new n = new_case(f.c1, "00004", "01");
    int64_t id = create(f.s, &n, T0);

    CHECK_INT(store_open(f.path, &s2, err, sizeof err), HD_OK);
    CHECK_INT(store_case_claim(s2, id, f.officer_b, T0 + 1), HD_OK);
    CHECK_INT(store_case_claim(f.s, id, f.officer_a, T0 + 2), HD_ESTATE);
    CHECK_INT(raw_int(f.path, "SELECT claimed_by FROM cases WHERE id = ?1", id), f.officer_b);
    CHECK_INT(raw_int(f.path, "SELECT COUNT(*) FROM case_events WHERE kind = 'claimed'", 0), 1);
    store_close(s2);
    store_close(f.s);
}

static void list_filters(void)
{
    fixture f = setup("list");
    store_case *r = rows_new(16);
    store_case_filter flt;
    store_user ua, ub;
    int64_t total = -1, a1, a2, b1, tq1, q1;
    int n = -1;

    /* Created out of order, so that the order is by created_at, not id. */
    store_case_new c = new_case(f.c1, "00004", "01");
    a2 = create(f.s, &c, T0 + 200);
    c = new_case(f.c2, "00004", "01");
    a1 = create(f.s, &c, T0 + 100);
    c = new_case(f.c3, "00008", "01");
    c.kind = CASE_PHONE_CHANGE;
    b1 = create(f.s, &c, T0 + 150);
    c = new_case(f.c4, "00691", "08");
    tq1 = create(f.s, &c, T0 + 50);
    c = new_case(f.c5, NULL, "01");          /* the Hà Nội province queue */
    q1 = create(f.s, &c, T0 + 300);

    CHECK_INT(store_user_get(f.s, f.officer_a, &ua), HD_OK);
    CHECK_INT(store_user_get(f.s, f.officer_b, &ub), HD_OK);

    /* Officer A: only commune 00004, oldest first. */
    memset(&flt, 0, sizeof flt);
    flt.communes = ua.communes;
    flt.ncommunes = ua.ncommunes;
    CHECK_INT(store_case_list(f.s, &flt, r, 16, &n, &total), HD_OK);
    CHECK_INT(n, 2);
    CHECK_INT(total, 2);
    CHECK_INT(r[0].id, a1);
    CHECK_INT(r[1].id, a2);
    CHECK_STR(r[0].commune_code, "00004");
    CHECK_STR(r[0].full_name, "Nguyễn Thị Hoa");

    /* Officer B sees only 00008. */
    flt.communes = ub.communes;
    flt.ncommunes = ub.ncommunes;
    CHECK_INT(store_case_list(f.s, &flt, r, 16, &n, &total), HD_OK);
    CHECK_INT(n, 1);
    CHECK_INT(r[0].id, b1);

    /* A set of two communes, narrowed by a commune filter; a commune
     * filter outside the set finds nothing. */
    static const char two[2][STORE_COMMUNE_CODE_MAX] = { "00004", "00008" };
    flt.communes = two;
    flt.ncommunes = 2;
    CHECK_INT(store_case_list(f.s, &flt, r, 16, &n, &total), HD_OK);
    CHECK_INT(n, 3);
    CHECK_INT(r[0].id, a1);
    CHECK_INT(r[1].id, b1);
    CHECK_INT(r[2].id, a2);
    flt.commune = "00008";
    CHECK_INT(store_case_list(f.s, &flt, r, 16, &n, &total), HD_OK);
    CHECK_INT(n, 1);
    CHECK_INT(r[0].id, b1);
    flt.commune = "00691";
    CHECK_INT(store_case_list(f.s, &flt, r, 16, &n, &total), HD_OK);
    CHECK_INT(n, 0);
    CHECK_INT(total, 0);

    /* An empty set is nothing, not everything. */
    memset(&flt, 0, sizeof flt);
    flt.communes = two;
    flt.ncommunes = 0;
    CHECK_INT(store_case_list(f.s, &flt, r, 16, &n, &total), HD_OK);
    CHECK_INT(n, 0);

    /* Staff of province 01: its communes and its queue, not Tuyên Quang. */
    memset(&flt, 0, sizeof flt);
    flt.province = "01";
    CHECK_INT(store_case_list(f.s, &flt, r, 16, &n, &total), HD_OK);
    CHECK_INT(n, 4);
    CHECK_INT(r[0].id, a1);
    CHECK_INT(r[3].id, q1);
    CHECK_STR(r[3].commune_code, "");
    flt.province = "08";
    CHECK_INT(store_case_list(f.s, &flt, r, 16, &n, &total), HD_OK);
    CHECK_INT(n, 1);
    CHECK_INT(r[0].id, tq1);

    /* Everything (admin), one commune without a set (staff filtering). */
    memset(&flt, 0, sizeof flt);
    CHECK_INT(store_case_list(f.s, &flt, r, 16, &n, &total), HD_OK);
    CHECK_INT(n, 5);
    CHECK_INT(r[0].id, tq1);
    flt.commune = "00004";
    CHECK_INT(store_case_list(f.s, &flt, r, 16, &n, &total), HD_OK);
    CHECK_INT(n, 2);

    /* Kind. */
    memset(&flt, 0, sizeof flt);
    flt.kind = CASE_PHONE_CHANGE;
    CHECK_INT(store_case_list(f.s, &flt, r, 16, &n, &total), HD_OK);
    CHECK_INT(n, 1);
    CHECK_INT(r[0].id, b1);

    /* Status: the default is open + claimed. */
    CHECK_INT(store_case_claim(f.s, a1, f.officer_a, T0 + 400), HD_OK);
    CHECK_INT(store_case_resolve(f.s, a2, f.officer_a, NULL, T0 + 401), HD_OK);
    CHECK_INT(store_case_close(f.s, b1, f.officer_b, CASE_CLOSE_DUPLICATE, T0 + 402), HD_OK);
    memset(&flt, 0, sizeof flt);
    CHECK_INT(store_case_list(f.s, &flt, r, 16, &n, &total), HD_OK);
    CHECK_INT(n, 3);                                  /* tq1, a1 (claimed), q1 */
    CHECK_INT(r[1].id, a1);
    CHECK_INT(r[1].status, CASE_CLAIMED);
    flt.status = CASE_RESOLVED;
    CHECK_INT(store_case_list(f.s, &flt, r, 16, &n, &total), HD_OK);
    CHECK_INT(n, 1);
    CHECK_INT(r[0].id, a2);
    flt.status = CASE_RESOLVED | CASE_CLOSED;
    CHECK_INT(store_case_list(f.s, &flt, r, 16, &n, &total), HD_OK);
    CHECK_INT(n, 2);
    CHECK_INT(r[0].id, b1);
    CHECK_INT(r[0].close_reason, CASE_CLOSE_DUPLICATE);
    flt.status = CASE_ANY;
    flt.communes = ua.communes;
    flt.ncommunes = ua.ncommunes;
    CHECK_INT(store_case_list(f.s, &flt, r, 16, &n, &total), HD_OK);
    CHECK_INT(n, 2);

    /* Pages: max 2 from offset 1 of all five; total counts all. */
    memset(&flt, 0, sizeof flt);
    flt.status = CASE_ANY;
    flt.offset = 1;
    CHECK_INT(store_case_list(f.s, &flt, r, 2, &n, &total), HD_OK);
    CHECK_INT(n, 2);
    CHECK_INT(total, 5);
    CHECK_INT(r[0].id, a1);
    CHECK_INT(r[1].id, b1);
    flt.offset = 5;
    CHECK_INT(store_case_list(f.s, &flt, r, 2, &n, &total), HD_OK);
    CHECK_INT(n, 0);
    CHECK_INT(total, 5);

    /* Bad filters. */
    flt.status = 16;
    CHECK_INT(store_case_list(f.s, &flt, r, 2, &n, &total), HD_EINVAL);
    memset(&flt, 0, sizeof flt);
    flt.communes = two;
    flt.ncommunes = 33;
    CHECK_INT(store_case_list(f.s, &flt, r, 2, &n, &total), HD_EINVAL);
    free(r);
    store_close(f.s);
}

static void events_order(void)
{
    fixture f = setup("events");
    store_case_new c = new_case(f.c1, "00004", "01");
    store_case_event ev[8];
    store_case cs;
    store_message_new m = { .contact_id = f.c1, .dir = STORE_IN, .channel = "sms",
                            .text = "còn chờ bao lâu?", .status = "received",
                            .created_at = T0 + 30 };
    int64_t id = create(f.s, &c, T0), mid = 0, eid = 0;
    int k = 0;

    CHECK_INT(store_message_add(f.s, &m, &mid), HD_OK);
    CHECK_INT(store_case_event_add(f.s, id, "citizen", "message", mid, "còn chờ bao lâu?",
                                   T0 + 30, &eid), HD_OK);
    CHECK(eid > 0);
    CHECK_INT(store_case_event_add(f.s, id, "bot", "message", 0, NULL, T0 + 20, NULL), HD_OK);
    CHECK_INT(store_case_event_add(f.s, id, "user:1", "reply", 0, "Chờ chút", T0 + 30, NULL),
              HD_OK);
    CHECK_INT(store_case_event_add(f.s, id, "system", "escalation", 0, "", T0 + 40, NULL), HD_OK);

    /* By time, then by id among equal times. */
    CHECK_INT(store_case_events(f.s, id, ev, 8, &k), HD_OK);
    CHECK_INT(k, 5);
    CHECK_STR(ev[0].kind, "created");
    CHECK_STR(ev[1].actor, "bot");
    CHECK_INT(ev[1].at, T0 + 20);
    CHECK_STR(ev[1].text, "");
    CHECK_STR(ev[2].actor, "citizen");
    CHECK_INT(ev[2].message_id, mid);
    CHECK_STR(ev[2].text, "còn chờ bao lâu?");
    CHECK_STR(ev[3].kind, "reply");
    CHECK_STR(ev[4].kind, "escalation");
    CHECK_INT(raw_int(f.path, "SELECT text IS NULL FROM case_events WHERE kind = 'escalation'", 0),
              1);
    /* The newest two, oldest first. */
    CHECK_INT(store_case_events(f.s, id, ev, 2, &k), HD_OK);
    CHECK_INT(k, 2);
    CHECK_STR(ev[0].kind, "reply");
    CHECK_STR(ev[1].kind, "escalation");
    /* The newest citizen message time shows in the case. */
    CHECK_INT(store_case_get(f.s, id, &cs), HD_OK);
    CHECK_INT(cs.last_message_at, T0 + 30);

    /* Unknown actors and kinds, cases and messages. */
    CHECK_INT(store_case_event_add(f.s, id, "officer", "reply", 0, NULL, T0, NULL), HD_EINVAL);
    CHECK_INT(store_case_event_add(f.s, id, "user:", "reply", 0, NULL, T0, NULL), HD_EINVAL);
    CHECK_INT(store_case_event_add(f.s, id, "user:0", "reply", 0, NULL, T0, NULL), HD_EINVAL);
    CHECK_INT(store_case_event_add(f.s, id, "user:1x", "reply", 0, NULL, T0, NULL), HD_EINVAL);
    CHECK_INT(store_case_event_add(f.s, id, "bot", "note", 0, NULL, T0, NULL), HD_EINVAL);
    CHECK_INT(store_case_event_add(f.s, id + 9, "bot", "message", 0, NULL, T0, NULL),
              HD_ENOTFOUND);
    CHECK_INT(store_case_event_add(f.s, id, "bot", "message", mid + 9, NULL, T0, NULL),
              HD_ENOTFOUND);
    CHECK_INT(raw_int(f.path, "SELECT COUNT(*) FROM case_events", 0), 5);
    store_close(f.s);
}

static void purge(void)
{
    fixture f = setup("purge");
    store_case_new c;
    store_case cs;
    store_case_event ev[8];
    int64_t old_resolved, old_closed, new_resolved, active;
    int n = -1, k = 0;
    int64_t cutoff = T0 + 90 * DAY_MS;

    c = new_case(f.c1, "00004", "01");
    old_resolved = create(f.s, &c, T0);
    CHECK_INT(store_case_event_add(f.s, old_resolved, "citizen", "message", 0,
                                   "Số CCCD của tôi là ...", T0 + 1, NULL), HD_OK);
    CHECK_INT(store_case_resolve(f.s, old_resolved, f.officer_a, "Gọi lại cho chị Hoa",
                                 T0 + 10), HD_OK);
    c = new_case(f.c2, "00004", "01");
    old_closed = create(f.s, &c, T0);
    CHECK_INT(store_case_close(f.s, old_closed, f.officer_a, CASE_CLOSE_UNREACHABLE, T0 + 20),
              HD_OK);
    c = new_case(f.c3, "00004", "01");
    new_resolved = create(f.s, &c, T0);
    CHECK_INT(store_case_resolve(f.s, new_resolved, f.officer_a, NULL, cutoff + 1), HD_OK);
    c = new_case(f.c4, "00004", "01");
    active = create(f.s, &c, T0);                   /* old but still open */
    CHECK_INT(store_case_draft_put(f.s, f.c5, SEALED1, 40, "2345", T0), HD_OK);
    CHECK_INT(store_case_draft_put(f.s, f.c1, SEALED2, 40, "1111", cutoff + 5), HD_OK);

    CHECK_INT(store_case_purge(f.s, cutoff, cutoff + 100, &n), HD_OK);
    CHECK_INT(n, 2);

    CHECK_INT(store_case_get(f.s, old_resolved, &cs), HD_OK);
    CHECK_INT(cs.purged_at, cutoff + 100);
    CHECK_STR(cs.full_name, "");
    CHECK_INT(cs.id_enc_len, 0);
    CHECK_STR(cs.callback_phone, "");
    CHECK_STR(cs.description, "");
    CHECK_STR(cs.id_last4, "2345");                 /* kept for the masked display */
    CHECK_INT(cs.status, CASE_RESOLVED);
    CHECK_INT(raw_int(f.path, "SELECT id_enc IS NULL AND full_name IS NULL AND"
                              " callback_phone IS NULL AND description IS NULL"
                              " FROM cases WHERE id = ?1", old_resolved), 1);
    CHECK_INT(raw_int(f.path, "SELECT COUNT(*) FROM case_events WHERE case_id = ?1"
                              " AND text IS NOT NULL", old_resolved), 0);
    CHECK_INT(store_case_events(f.s, old_resolved, ev, 8, &k), HD_OK);
    CHECK_INT(k, 4);
    CHECK_STR(ev[3].kind, "purged");
    CHECK_STR(ev[3].actor, "system");
    CHECK_INT(ev[3].at, cutoff + 100);

    CHECK_INT(raw_int(f.path, "SELECT id_enc IS NULL FROM cases WHERE id = ?1", old_closed), 1);
    CHECK_INT(store_case_events(f.s, old_closed, ev, 8, &k), HD_OK);
    CHECK_STR(ev[1].text, "unreachable");           /* the reason is not personal */
    /* Too recent, or still active: untouched. */
    CHECK_INT(raw_int(f.path, "SELECT length(id_enc) FROM cases WHERE id = ?1", new_resolved),
              40);
    CHECK_INT(raw_int(f.path, "SELECT purged_at IS NULL FROM cases WHERE id = ?1", active), 1);
    CHECK_INT(raw_int(f.path, "SELECT length(id_enc) FROM cases WHERE id = ?1", active), 40);
    /* Drafts are not the purge's business (store_case_draft_expire). */
    CHECK_INT(raw_int(f.path, "SELECT COUNT(*) FROM case_drafts", 0), 2);

    /* Once only. */
    CHECK_INT(store_case_purge(f.s, cutoff, cutoff + 200, &n), HD_OK);
    CHECK_INT(n, 0);
    CHECK_INT(raw_int(f.path, "SELECT COUNT(*) FROM case_events WHERE kind = 'purged'", 0), 2);
    CHECK_INT(raw_int(f.path, "SELECT purged_at FROM cases WHERE id = ?1", old_resolved),
              cutoff + 100);
    /* Later, the next one. */
    CHECK_INT(store_case_purge(f.s, cutoff + 2, cutoff + 300, &n), HD_OK);
    CHECK_INT(n, 1);
    store_close(f.s);
}

static void audit(void)
{
    fixture f = setup("audit");
    store_case_new c = new_case(f.c1, "00004", "01");
    int64_t id = create(f.s, &c, T0), count = -1;
    store_audit_row rows[4];
    int n = 0;

    CHECK_INT(store_audit_add(f.s, f.officer_a, "case.claim", id, NULL, T0 + 1), HD_OK);
    CHECK_INT(store_audit_add(f.s, f.officer_a, "case.read_pii", id, "", T0 + 2), HD_OK);
    CHECK_INT(store_audit_add(f.s, f.officer_a, "case.read_pii", id, NULL, T0 + 3), HD_OK);
    CHECK_INT(store_audit_add(f.s, 0, "user.add", 0, "role=officer communes=00004", T0 + 4),
              HD_OK);

    CHECK_INT(store_audit_count(f.s, NULL, 0, &count), HD_OK);
    CHECK_INT(count, 4);
    CHECK_INT(store_audit_count(f.s, "case.read_pii", 0, &count), HD_OK);
    CHECK_INT(count, 2);
    CHECK_INT(store_audit_count(f.s, NULL, id, &count), HD_OK);
    CHECK_INT(count, 3);
    CHECK_INT(store_audit_count(f.s, "case.claim", id + 1, &count), HD_OK);
    CHECK_INT(count, 0);

    CHECK_INT(store_audit_list(f.s, 0, rows, 4, &n), HD_OK);
    CHECK_INT(n, 4);
    CHECK_STR(rows[0].action, "case.claim");
    CHECK_INT(rows[0].user_id, f.officer_a);
    CHECK_INT(rows[0].case_id, id);
    CHECK_INT(rows[0].at, T0 + 1);
    CHECK_STR(rows[1].detail, "");
    CHECK_STR(rows[3].action, "user.add");
    CHECK_INT(rows[3].user_id, 0);
    CHECK_INT(rows[3].case_id, 0);
    CHECK_STR(rows[3].detail, "role=officer communes=00004");
    CHECK_INT(raw_int(f.path, "SELECT user_id IS NULL AND case_id IS NULL FROM audit_log"
                              " WHERE action = 'user.add'", 0), 1);
    /* The newest two of the case, oldest first. */
    CHECK_INT(store_audit_list(f.s, id, rows, 2, &n), HD_OK);
    CHECK_INT(n, 2);
    CHECK_INT(rows[0].at, T0 + 2);
    CHECK_INT(rows[1].at, T0 + 3);

    char big[AUDIT_DETAIL_MAX + 1];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    CHECK_INT(store_audit_add(f.s, f.officer_a, "case.reply", id, big, T0), HD_ETOOBIG);
    CHECK_INT(store_audit_add(f.s, 9999, "case.reply", id, NULL, T0), HD_ENOTFOUND);
    CHECK_INT(store_audit_add(f.s, f.officer_a, "case.reply", id + 9, NULL, T0), HD_ENOTFOUND);
    CHECK_INT(store_audit_add(f.s, f.officer_a, "", id, NULL, T0), HD_EINVAL);
    CHECK_INT(store_audit_count(f.s, NULL, 0, &count), HD_OK);
    CHECK_INT(count, 4);
    store_close(f.s);
}

TEST_MAIN(T(names), T(create_and_get), T(create_checks), T(one_active_case_per_contact),
          T(create_in_callers_transaction), T(drafts), T(claim_resolve_close), T(claim_race),
          T(list_filters), T(events_order), T(purge), T(audit))
