/* test_store.c -- the SQLite store: migrations, restart, keys, WAL. */
#include "test.h"
#include "core/err.h"
#include "store/store.h"
#include "store/contacts.h"
#include "store/messages.h"
#include "store/help.h"
#include "../../src/store/store_internal.h"

#include <sqlite3.h>
#include <unistd.h>

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

/* A second, raw connection: looks at the file the way another program does. */
static long long raw_int(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    long long v = -1;

    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
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

static store_message_new msg(int64_t contact, store_dir dir, const char *channel,
                             const char *ext)
{
    store_message_new m = {
        .contact_id = contact, .dir = dir, .channel = channel, .external_id = ext,
        .text = "kich hoat vneid", .intent = dir == STORE_IN ? "activate_account" : NULL,
        .status = dir == STORE_IN ? "received" : "queued", .created_at = 1000,
    };
    return m;
}

static void migrate_from_empty(void)
{
    const char *p = db_path("empty");
    store *s = open_ok(p);
    int v = -1;

    CHECK(store_schema_latest() >= 1);
    CHECK_INT(store_schema_version(s, &v), HD_OK);
    CHECK_INT(v, store_schema_latest());
    store_close(s);
    CHECK_INT(raw_int(p, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN"
                         " ('contacts', 'messages', 'outbox', 'schema_version')"), 4);
    CHECK_INT(raw_int(p, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'view' AND name IN"
                         " ('help_requests')"), 1);
    CHECK_INT(raw_int(p, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name IN"
                         " ('messages_inbound_external', 'messages_contact',"
                         "  'messages_created_in')"), 3);
}

static void reopen_is_idempotent(void)
{
    const char *p = db_path("reopen");
    int v = -1;

    store_close(open_ok(p));
    store *s = open_ok(p);
    CHECK_INT(store_schema_version(s, &v), HD_OK);
    CHECK_INT(v, store_schema_latest());
    store_close(s);
    store_close(open_ok(p));
    /* One row per migration, none applied twice. */
    CHECK_INT(raw_int(p, "SELECT COUNT(*) FROM schema_version"), store_schema_latest());
}

static void restart_keeps_state(void)
{
    const char *p = db_path("restart");
    store *s = open_ok(p);
    store_contact c, c2;
    store_message_new m;
    int64_t n = -1, mid = 0;

    CHECK_INT(store_contact_upsert(s, "sms", "84912345678", 1000, &c), HD_OK);
    CHECK_STR(c.state, "");
    CHECK_INT(c.opted_out, 0);
    CHECK_INT(c.created_at, 1000);
    CHECK_INT(c.last_inbound_at, 0);
    CHECK_INT(store_contact_save(s, c.id, "{\"flow\":\"otp\",\"step\":2}", 1, 1, 5000), HD_OK);
    m = msg(c.id, STORE_IN, "sms", "kannel-1");
    CHECK_INT(store_message_add(s, &m, &mid), HD_OK);
    CHECK(mid > 0);
    store_close(s);

    s = open_ok(p);
    CHECK_INT(store_contact_get(s, c.id, &c2), HD_OK);
    CHECK_INT(c2.id, c.id);
    CHECK_STR(c2.channel, "sms");
    CHECK_STR(c2.address, "84912345678");
    CHECK_STR(c2.state, "{\"flow\":\"otp\",\"step\":2}");
    CHECK_INT(c2.opted_out, 1);
    CHECK_INT(c2.created_at, 1000);
    CHECK_INT(c2.last_inbound_at, 5000);
    CHECK_INT(store_message_count(s, c.id, STORE_IN, &n), HD_OK);
    CHECK_INT(n, 1);
    /* Still a duplicate after the restart. */
    CHECK_INT(store_message_add(s, &m, NULL), HD_EDUP);

    /* An outbound step leaves last_inbound_at alone. */
    CHECK_INT(store_contact_save(s, c.id, "", 0, 0, 9000), HD_OK);
    CHECK_INT(store_contact_get(s, c.id, &c2), HD_OK);
    CHECK_STR(c2.state, "");
    CHECK_INT(c2.opted_out, 0);
    CHECK_INT(c2.last_inbound_at, 5000);
    CHECK_INT(store_contact_save(s, c.id + 100, "", 0, 0, 9000), HD_ENOTFOUND);
    CHECK_INT(store_contact_get(s, c.id + 100, &c2), HD_ENOTFOUND);
    store_close(s);
}

static void upsert_keys(void)
{
    store *s = open_ok(db_path("upsert"));
    store_contact a, b, z, o;

    CHECK_INT(store_contact_upsert(s, "sms", "84912345678", 1000, &a), HD_OK);
    CHECK_INT(store_contact_upsert(s, "sms", "84912345678", 2000, &b), HD_OK);
    CHECK(a.id > 0);
    CHECK_INT(b.id, a.id);
    CHECK_INT(b.created_at, 1000);      /* found, not re-created */
    CHECK_INT(store_contact_upsert(s, "zalo", "84912345678", 3000, &z), HD_OK);
    CHECK(z.id != a.id);
    CHECK_STR(z.channel, "zalo");
    CHECK_INT(store_contact_upsert(s, "sms", "84987654321", 3000, &o), HD_OK);
    CHECK(o.id != a.id && o.id != z.id);
    store_close(s);
}

static void inbound_duplicates(void)
{
    store *s = open_ok(db_path("dup"));
    store_contact c;
    store_message_new m;
    int64_t id1 = 0, id2 = 0, n = -1;

    CHECK_INT(store_contact_upsert(s, "sms", "84912345678", 1000, &c), HD_OK);
    m = msg(c.id, STORE_IN, "sms", "abc");
    CHECK_INT(store_message_add(s, &m, &id1), HD_OK);
    CHECK_INT(store_message_add(s, &m, &id2), HD_EDUP);
    CHECK_INT(id2, 0);
    /* The same id from another channel is another message. */
    m = msg(c.id, STORE_IN, "zalo", "abc");
    CHECK_INT(store_message_add(s, &m, &id2), HD_OK);
    CHECK(id2 > id1);
    /* Outbound rows, and inbound rows without an id, never collide. */
    m = msg(c.id, STORE_OUT, "sms", "abc");
    CHECK_INT(store_message_add(s, &m, NULL), HD_OK);
    CHECK_INT(store_message_add(s, &m, NULL), HD_OK);
    m = msg(c.id, STORE_IN, "sms", NULL);
    CHECK_INT(store_message_add(s, &m, NULL), HD_OK);
    CHECK_INT(store_message_add(s, &m, NULL), HD_OK);
    m = msg(c.id, STORE_IN, "sms", "");
    CHECK_INT(store_message_add(s, &m, NULL), HD_OK);
    CHECK_INT(store_message_add(s, &m, NULL), HD_OK);

    CHECK_INT(store_message_count(s, c.id, STORE_IN, &n), HD_OK);
    CHECK_INT(n, 6);
    CHECK_INT(store_message_count(s, c.id, STORE_OUT, &n), HD_OK);
    CHECK_INT(n, 2);

    /* Inside a transaction the duplicate fails alone; the rest commits. */
    CHECK_INT(store_begin(s), HD_OK);
    m = msg(c.id, STORE_IN, "sms", "abc");
    CHECK_INT(store_message_add(s, &m, NULL), HD_EDUP);
    m = msg(c.id, STORE_IN, "sms", "def");
    CHECK_INT(store_message_add(s, &m, NULL), HD_OK);
    CHECK_INT(store_commit(s), HD_OK);
    CHECK_INT(store_message_count(s, c.id, STORE_IN, &n), HD_OK);
    CHECK_INT(n, 7);

    /* Foreign keys are on: no message for a contact that does not exist. */
    m = msg(c.id + 100, STORE_IN, "sms", "xyz");
    CHECK_INT(store_message_add(s, &m, NULL), HD_ENOTFOUND);
    store_close(s);
}

/* A database left at an older schema version, for a migration to start from. */
static void create_at_version(const char *path, int version)
{
    char err[256] = "";
    store *s = NULL;

    CHECK_MSG(store_open_version(path, version, &s, err, sizeof err) == HD_OK, "%s", err);
    store_close(s);
}

/* A help request: an inbound message with help set (store/messages.h). */
static int64_t help_at(store *s, int64_t contact, const char *intent, const char *help,
                       int64_t at)
{
    store_message_new m = msg(contact, STORE_IN, "sms", NULL);
    int64_t id = 0;

    m.created_at = at;
    m.help = help;
    m.help_intent = intent;
    CHECK_INT(store_message_add(s, &m, &id), HD_OK);
    return id;
}

static void help_outcome(void)
{
    const char *p = db_path("help");
    store *s = open_ok(p);
    store_contact c, d;
    store_message_new bad;
    int64_t h1, h2, h3;

    CHECK_INT(store_contact_upsert(s, "sms", "84912345678", 1000, &c), HD_OK);
    CHECK_INT(store_contact_upsert(s, "sms", "84911111111", 1000, &d), HD_OK);
    CHECK_INT(store_help_set_outcome(s, c.id, "otp_not_received", "solved", 1500), HD_ENOTFOUND);
    h1 = help_at(s, c.id, "otp_not_received", "bot", 2000);
    h2 = help_at(s, c.id, "otp_not_received", "bot", 3000);
    h3 = help_at(s, c.id, "forgot_passcode", "person", 4000);
    help_at(s, c.id, NULL, NULL, 4500);   /* a plain message: no help request */
    CHECK(h1 > 0 && h2 > h1 && h3 > h2);

    CHECK_INT(store_help_set_outcome(s, c.id, "otp_not_received", "failed", 5000), HD_OK);
    CHECK_INT(store_help_set_outcome(s, c.id, "device_change", "solved", 5000), HD_ENOTFOUND);
    CHECK_INT(store_help_set_outcome(s, d.id, "otp_not_received", "solved", 5000), HD_ENOTFOUND);
    CHECK_INT(store_help_set_outcome(s, c.id, "otp_not_received", "maybe", 5000), HD_EINVAL);
    bad = msg(c.id, STORE_IN, "sms", NULL);
    bad.help = "robot";
    bad.help_intent = "otp_not_received";
    CHECK_INT(store_message_add(s, &bad, NULL), HD_EINVAL);
    bad.help = "bot";
    bad.help_intent = NULL;                 /* a help request is about something */
    CHECK_INT(store_message_add(s, &bad, NULL), HD_EINVAL);
    bad = msg(c.id, STORE_OUT, "sms", NULL);
    bad.help = "bot";                       /* only what the citizen asked */
    bad.help_intent = "otp_not_received";
    CHECK_INT(store_message_add(s, &bad, NULL), HD_EINVAL);
    store_close(s);

    CHECK_INT(raw_int(p, "SELECT COUNT(*) FROM help_requests"), 3);
    CHECK_INT(raw_int(p, "SELECT COUNT(*) FROM help_requests WHERE resolution = 'person'"
                         " AND intent = 'forgot_passcode' AND message_id = id"), 1);
    CHECK_INT(raw_int(p, "SELECT COUNT(*) FROM help_requests WHERE outcome IS NOT NULL"), 1);
    CHECK_INT(raw_int(p, "SELECT id FROM help_requests WHERE outcome = 'failed'"
                         " AND outcome_at = 5000"), h2);
}

/* Migration 9: help requests move onto their inbound messages; one without a
 * message becomes an inbound row of its own; the view reads them all. */
static void migration_9_moves_help(void)
{
    const char *p = db_path("mig9");

    create_at_version(p, 8);
    CHECK_INT(raw_exec(p, "INSERT INTO contacts (id, channel, address, created_at)"
                          " VALUES (1, 'zalo', 'z1', 1);"
                          "INSERT INTO messages (id, contact_id, dir, channel, text, status,"
                          " created_at) VALUES (5, 1, 'in', 'zalo', 'otp?', 'received', 10),"
                          " (6, 1, 'out', 'zalo', 'x', 'queued', 10);"
                          "INSERT INTO help_requests (id, contact_id, message_id, intent, resolution,"
                          " outcome, created_at, outcome_at) VALUES"
                          " (1, 1, 5, 'otp_not_received', 'bot', 'solved', 10, 20),"
                          " (2, 1, NULL, 'human_agent', 'person', NULL, 30, NULL)"), SQLITE_OK);
    store_close(open_ok(p));
    CHECK_INT(raw_int(p, "SELECT COUNT(*) FROM help_requests"), 2);
    CHECK_INT(raw_int(p, "SELECT outcome_at FROM help_requests WHERE message_id = 5"
                         " AND intent = 'otp_not_received' AND resolution = 'bot'"
                         " AND outcome = 'solved' AND created_at = 10"), 20);
    CHECK_INT(raw_int(p, "SELECT COUNT(*) FROM messages m JOIN help_requests h"
                         " ON h.message_id = m.id WHERE h.intent = 'human_agent'"
                         " AND m.dir = 'in' AND m.channel = 'zalo' AND m.created_at = 30"), 1);
    CHECK_INT(raw_int(p, "SELECT COUNT(*) FROM messages"), 3);
    CHECK_INT(raw_int(p, "SELECT type = 'view' FROM sqlite_master WHERE name = 'help_requests'"), 1);
}

static void wal_mode_on(void)
{
    const char *p = db_path("wal");
    char walpath[600];
    store *s = open_ok(p);
    store_contact c;

    CHECK_INT(store_contact_upsert(s, "sms", "84912345678", 1000, &c), HD_OK);
    snprintf(walpath, sizeof walpath, "%s-wal", p);
    CHECK(access(walpath, F_OK) == 0);
    store_close(s);

    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    CHECK_INT(sqlite3_open_v2(p, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    CHECK_INT(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
    CHECK_INT(sqlite3_step(st), SQLITE_ROW);
    CHECK_STR((const char *)sqlite3_column_text(st, 0), "wal");
    sqlite3_finalize(st);
    sqlite3_close(db);
}

static void bounded_strings(void)
{
    store *s = open_ok(db_path("bounds"));
    store_contact c;
    char addr[STORE_ADDRESS_MAX + 1], state[STORE_STATE_MAX + 1];

    memset(addr, '9', sizeof addr - 1);
    addr[STORE_ADDRESS_MAX] = '\0';
    CHECK_INT(store_contact_upsert(s, "sms", addr, 1000, &c), HD_ETOOBIG);
    addr[STORE_ADDRESS_MAX - 1] = '\0';       /* the longest that fits */
    CHECK_INT(store_contact_upsert(s, "sms", addr, 1000, &c), HD_OK);
    CHECK_STR(c.address, addr);
    CHECK_INT(strlen(c.address), STORE_ADDRESS_MAX - 1);
    CHECK_INT(store_contact_upsert(s, "a-channel-name-too-long", "1", 1000, &c), HD_ETOOBIG);
    CHECK_INT(store_contact_upsert(s, "sms", "", 1000, &c), HD_EINVAL);
    CHECK_INT(store_contact_upsert(s, NULL, "1", 1000, &c), HD_EINVAL);
    CHECK_INT(store_contact_upsert(NULL, "sms", "1", 1000, &c), HD_EINVAL);
    CHECK_INT(store_contact_upsert(s, "sms", "1", 1000, NULL), HD_EINVAL);

    CHECK_INT(store_contact_upsert(s, "sms", "84912345678", 1000, &c), HD_OK);
    memset(state, 'x', sizeof state - 1);
    state[STORE_STATE_MAX] = '\0';
    CHECK_INT(store_contact_save(s, c.id, state, 0, 1, 2000), HD_ETOOBIG);
    state[STORE_STATE_MAX - 1] = '\0';
    CHECK_INT(store_contact_save(s, c.id, state, 0, 1, 2000), HD_OK);
    CHECK_INT(store_contact_get(s, c.id, &c), HD_OK);
    CHECK_INT(strlen(c.state), STORE_STATE_MAX - 1);
    CHECK_INT(store_contact_save(s, c.id, NULL, 0, 1, 2000), HD_EINVAL);
    CHECK_INT(store_message_add(s, NULL, NULL), HD_EINVAL);
    CHECK_INT(store_message_count(s, c.id, (store_dir)7, &(int64_t){0}), HD_EINVAL);
    store_close(s);
}

static void future_version_refused(void)
{
    const char *p = db_path("future");
    char sql[128], err[256] = "";
    store *s = NULL;

    store_close(open_ok(p));
    snprintf(sql, sizeof sql, "INSERT INTO schema_version (version) VALUES (%d)",
             store_schema_latest() + 1);
    CHECK_INT(raw_exec(p, sql), SQLITE_OK);
    CHECK_INT(store_open(p, &s, err, sizeof err), HD_EDB);
    CHECK(s == NULL);
    CHECK_MSG(strstr(err, "newer") != NULL, "err: %s", err);
}

static void open_failures(void)
{
    char path[512], err[256] = "";
    store *s = NULL;

    snprintf(path, sizeof path, "%s/no-such-dir/x.db", test_tmpdir());
    CHECK_INT(store_open(path, &s, err, sizeof err), HD_EDB);
    CHECK(s == NULL);
    CHECK_MSG(strstr(err, "directory does not exist") != NULL, "err: %s", err);

    /* A file that is not a database is refused, not overwritten. */
    snprintf(path, sizeof path, "%s/not-a-db.db", test_tmpdir());
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        for (int i = 0; i < 200; i++)
            fputs("this is not an sqlite database\n", f);
        fclose(f);
    }
    err[0] = '\0';
    CHECK_INT(store_open(path, &s, err, sizeof err), HD_EDB);
    CHECK(s == NULL);
    CHECK(err[0] != '\0');
    CHECK_INT(store_open(NULL, &s, err, sizeof err), HD_EINVAL);
    CHECK_INT(store_open(path, NULL, err, sizeof err), HD_EINVAL);
}

static void transactions(void)
{
    store *s = open_ok(db_path("tx"));
    store_contact c, g;

    CHECK_INT(store_begin(s), HD_OK);
    CHECK_INT(store_contact_upsert(s, "sms", "84900000001", 1000, &c), HD_OK);
    CHECK_INT(store_rollback(s), HD_OK);
    CHECK_INT(store_contact_get(s, c.id, &g), HD_ENOTFOUND);
    CHECK_INT(store_rollback(s), HD_OK);      /* nothing open: harmless */

    CHECK_INT(store_begin(s), HD_OK);
    CHECK_INT(store_contact_upsert(s, "sms", "84900000001", 1000, &c), HD_OK);
    CHECK_INT(store_commit(s), HD_OK);
    CHECK_INT(store_contact_get(s, c.id, &g), HD_OK);
    CHECK_STR(g.address, "84900000001");
    CHECK(store_commit(s) != HD_OK);           /* no transaction is open */
    store_close(s);
}

static void statement_cache(void)
{
    static const char SQL_ONE[] = "SELECT 1";
    static const char SQL_TWO[] = "SELECT 1; SELECT 2";
    store *s = open_ok(db_path("cache"));
    sqlite3_stmt *a = NULL, *b = NULL;

    CHECK_INT(store_stmt(s, SQL_ONE, &a), HD_OK);
    CHECK_INT(sqlite3_step(a), SQLITE_ROW);   /* left mid-step on purpose */
    CHECK_INT(store_stmt(s, SQL_ONE, &b), HD_OK);
    CHECK(a == b);
    CHECK_INT(sqlite3_step(b), SQLITE_ROW);   /* handed back reset */
    CHECK_INT(sqlite3_column_int(b, 0), 1);
    sqlite3_reset(b);
    CHECK_INT(store_stmt(s, SQL_TWO, &b), HD_EINVAL);
    CHECK(b == NULL);
    CHECK_INT(store_stmt(s, "SELECT * FROM no_such_table", &b), HD_EDB);
    store_close(s);
}

/* The longest "IN (...)" list of constants in a table's SQL: number of
 * items (commas + 1), 0 if none. */
static int longest_in_list(const char *sql)
{
    int longest = 0;

    for (const char *p = sql; (p = strstr(p, " IN (")) != NULL; p++) {
        int items = 1;
        const char *q = p + 5;

        for (; *q && *q != ')'; q++)
            items += *q == ',';
        if (items > longest)
            longest = items;
    }
    return longest;
}

/* SQLite checks "x IN (a, b, c)" of more than two constants against a
 * temporary b-tree it builds once per statement: in a CHECK, once per INSERT
 * (2 to 5 us; the outbox's two cost a fifth of the committer's time). The
 * tables written per message or per recipient must not have one. */
static void message_path_checks_are_cheap(void)
{
    static const char *const hot[] = {
        "contacts", "messages", "outbox", "followups",
        "broadcast_recipients", "broadcast_audience", "case_events",
    };
    const char *p = db_path("checks");
    store *s = open_ok(p);
    sqlite3_stmt *st = NULL;

    for (size_t i = 0; i < sizeof hot / sizeof *hot; i++) {
        CHECK_INT(store_stmt(s, "SELECT sql FROM sqlite_master WHERE type = 'table'"
                                " AND name = ?1", &st), HD_OK);
        CHECK_INT(sqlite3_bind_text(st, 1, hot[i], -1, SQLITE_STATIC), SQLITE_OK);
        CHECK_INT(sqlite3_step(st), SQLITE_ROW);
        CHECK_MSG(longest_in_list((const char *)sqlite3_column_text(st, 0)) <= 2,
                  "table %s has a CHECK with an IN list of more than two values", hot[i]);
        sqlite3_reset(st);
    }
    /* The guard itself sees one. */
    CHECK_INT(longest_in_list("CHECK (status IN ('a', 'b', 'c'))"), 3);
    CHECK_INT(longest_in_list("CHECK (dir IN ('in', 'out'))"), 2);
    store_close(s);

    /* Rewritten, the constraints still refuse what they refused. */
    CHECK_INT(raw_exec(p, "INSERT INTO contacts (id, channel, address, created_at)"
                          " VALUES (1, 'sms', '84900000001', 1);"
                          "INSERT INTO cases (id, contact_id, channel, kind, reason, province_code,"
                          " status, created_at) VALUES (1, 1, 'sms', 'other', 'human_agent', '01',"
                          " 'open', 1)"), SQLITE_OK);
    static const char *const refused[] = {
        "INSERT INTO outbox (contact_id, channel, address, text, priority, status,"
        " next_attempt_at, created_at, updated_at) VALUES (1, 'sms', 'a', 't', 3, 'queued', 1, 1, 1)",
        "INSERT INTO outbox (contact_id, channel, address, text, priority, status,"
        " next_attempt_at, created_at, updated_at) VALUES (1, 'sms', 'a', 't', 0, 'lost', 1, 1, 1)",
        "INSERT INTO followups (contact_id, intent, due_at, status, created_at, updated_at)"
        " VALUES (1, 'x', 1, 'later', 1, 1)",
        "INSERT INTO broadcast_recipients (broadcast_id, contact_id, status, reason, created_at)"
        " VALUES (1, 1, 'skipped', 'bored', 1)",
        "INSERT INTO case_events (case_id, at, actor, kind) VALUES (1, 1, 'user:0', 'message')",
        "INSERT INTO case_events (case_id, at, actor, kind) VALUES (1, 1, 'bot', 'shouted')",
    };
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++)
        CHECK_MSG(raw_exec(p, refused[i]) == SQLITE_CONSTRAINT, "accepted: %s", refused[i]);
    CHECK_INT(raw_exec(p, "INSERT INTO outbox (contact_id, channel, address, text, priority,"
                          " status, next_attempt_at, created_at, updated_at)"
                          " VALUES (1, 'sms', 'a', 't', 2, 'cancelled', 1, 1, 1);"
                          "INSERT INTO followups (contact_id, intent, due_at, status,"
                          " created_at, updated_at) VALUES (1, 'x', 1, 'skipped', 1, 1);"
                          "INSERT INTO case_events (case_id, at, actor, kind)"
                          " VALUES (1, 1, 'user:12', 'purged')"), SQLITE_OK);
}

/* Migration 7 rebuilds four tables: their rows and indexes come through. */
static void migration_7_keeps_rows(void)
{
    const char *p = db_path("mig7");

    create_at_version(p, 6);
    CHECK_INT(raw_exec(p, "INSERT INTO contacts (id, channel, address, created_at)"
                          " VALUES (1, 'sms', '84900000001', 1);"
                          "INSERT INTO messages (id, contact_id, dir, channel, text, status,"
                          " created_at) VALUES (5, 1, 'out', 'sms', 'x', 'queued', 1);"
                          "INSERT INTO outbox (id, contact_id, message_id, channel, address, text,"
                          " priority, status, attempts, next_attempt_at, provider_id, created_at,"
                          " updated_at) VALUES (9, 1, 5, 'sms', '84900000001', 'x', 1, 'sent', 2,"
                          " 7, 'k-1', 3, 4);"
                          "INSERT INTO followups (id, contact_id, intent, due_at, status,"
                          " created_at, updated_at) VALUES (3, 1, 'otp_not_received', 8, 'pending',"
                          " 1, 1);"
                          "INSERT INTO broadcasts (id, name, text, segment, send_at, status, created_at,"
                          " updated_at) VALUES (2, 't', 'x', 'all', 1, 'done', 1, 1);"
                          "INSERT INTO broadcast_recipients (broadcast_id, contact_id, status,"
                          " reason, created_at) VALUES (2, 1, 'skipped', 'daily_cap', 1);"
                          "INSERT INTO cases (id, contact_id, channel, kind, reason, province_code,"
                          " status, created_at) VALUES (4, 1, 'sms', 'other', 'human_agent', '01',"
                          " 'open', 1);"
                          "INSERT INTO case_events (id, case_id, at, actor, kind, text)"
                          " VALUES (6, 4, 1, 'citizen', 'created', 'hi')"), SQLITE_OK);
    store_close(open_ok(p));
    CHECK_INT(raw_int(p, "SELECT COUNT(*) FROM schema_version"), store_schema_latest());
    CHECK_INT(raw_int(p, "SELECT attempts * 1000 + priority * 100 + next_attempt_at FROM outbox"
                         " WHERE id = 9 AND message_id = 5 AND status = 'sent'"
                         " AND provider_id = 'k-1'"), 2107);
    CHECK_INT(raw_int(p, "SELECT due_at FROM followups WHERE id = 3 AND status = 'pending'"), 8);
    CHECK_INT(raw_int(p, "SELECT COUNT(*) FROM broadcast_recipients WHERE reason = 'daily_cap'"), 1);
    CHECK_INT(raw_int(p, "SELECT case_id FROM case_events WHERE id = 6 AND text = 'hi'"), 4);
    CHECK_INT(raw_int(p, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name IN"
                         " ('outbox_due', 'outbox_lease', 'outbox_broadcast', 'outbox_message',"
                         "  'followups_due', 'followups_one_open', 'case_events_case')"), 7);
    CHECK_INT(raw_int(p, "SELECT COUNT(*) FROM sqlite_master WHERE name LIKE '%_new'"), 0);
}

/* The conversations report (store/reports.c) reads inbound messages by
 * time through the partial index of migration 8, not by a scan. */
static void inbound_by_time_uses_index(void)
{
    store *s = open_ok(db_path("bytime"));
    sqlite3_stmt *q = NULL;
    char plan[512] = "";

    CHECK_INT(store_stmt(s, "EXPLAIN QUERY PLAN SELECT contact_id, count(*) FROM messages"
                            " WHERE dir = 'in' AND created_at >= ?1 AND created_at < ?2"
                            " GROUP BY contact_id", &q), HD_OK);
    while (q && sqlite3_step(q) == SQLITE_ROW) {
        size_t len = strlen(plan);
        snprintf(plan + len, sizeof plan - len, "%s | ", (const char *)sqlite3_column_text(q, 3));
    }
    sqlite3_reset(q);
    CHECK_MSG(strstr(plan, "USING INDEX messages_created_in") != NULL, "plan: %s", plan);
    store_close(s);
}

TEST_MAIN(T(migrate_from_empty), T(reopen_is_idempotent), T(restart_keeps_state),
          T(upsert_keys), T(inbound_duplicates), T(help_outcome), T(wal_mode_on),
          T(bounded_strings), T(future_version_refused), T(open_failures),
          T(transactions), T(statement_cache),
          T(message_path_checks_are_cheap), T(migration_7_keeps_rows),
          T(inbound_by_time_uses_index), T(migration_9_moves_help))
