/* test_report.c -- the campaign reports: dates and periods, the median, CSV
 * quoting, and a whole report over a database filled by hand (reads
 * data/communes.tsv). Expected values are worked out in the comments from
 * the rows inserted, never taken from the code. */
#include "test.h"

#include "cases/sla.h"
#include "core/err.h"
#include "report/report.h"
#include "store/communes.h"
#include "store/store.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define H   3600000LL
#define DAY (24 * H)
/* 2026-11-10 (a Tuesday) 00:00 at UTC+7 = 2026-11-09T17:00:00Z. */
#define S   1794243600000LL

static void parse_date(void)
{
    int y = 0, m = 0, d = 0;

    CHECK_INT(report_parse_date("2026-11-10", &y, &m, &d), HD_OK);
    CHECK(y == 2026 && m == 11 && d == 10);
    CHECK_INT(report_parse_date("2024-02-29", &y, &m, &d), HD_OK);
    CHECK_INT(report_parse_date("2000-02-29", &y, &m, &d), HD_OK);
    CHECK_INT(report_parse_date("1970-01-01", &y, &m, &d), HD_OK);
    static const char *const bad[] = {
        "2025-02-29", "2100-02-29", "2026-04-31", "2026-13-01", "2026-00-10", "2026-11-00",
        "2026-1-01", "2026-11-1", "2026/11/10", "2026-11-10x", " 2026-11-10", "", "1969-12-31",
        "20261110", "2026-11-1a", "+026-11-10",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK_MSG(report_parse_date(bad[i], &y, &m, &d) == HD_EINVAL, "accepted \"%s\"", bad[i]);
    CHECK_INT(report_parse_date(NULL, &y, &m, &d), HD_EINVAL);
}

static void day_bounds(void)
{
    report_period p;

    CHECK_INT(report_period_of("2026-11-10", 0, 420, &p), HD_OK);
    CHECK_INT(p.start_ms, S);
    CHECK_INT(p.end_ms, S + DAY);
    CHECK_STR(p.first_day, "2026-11-10");
    CHECK_STR(p.last_day, "2026-11-10");
    CHECK_INT(p.week, 0);
    /* UTC: midnight is midnight; west of Greenwich it comes later. */
    CHECK_INT(report_period_of("2026-11-10", 0, 0, &p), HD_OK);
    CHECK_INT(p.start_ms, S + 7 * H);
    CHECK_INT(report_period_of("2026-11-10", 0, -300, &p), HD_OK);
    CHECK_INT(p.start_ms, S + 12 * H);
    CHECK_INT(report_period_of("2026-11-10", 0, 900, &p), HD_EINVAL);
    CHECK_INT(report_period_of("2026-11-31", 0, 420, &p), HD_EINVAL);
}

static void week_bounds(void)
{
    report_period p;

    /* Tuesday, Monday and Sunday of one week all give Monday 9 .. Sunday 15. */
    static const char *const days[] = { "2026-11-10", "2026-11-09", "2026-11-15" };
    for (int i = 0; i < 3; i++) {
        CHECK_INT(report_period_of(days[i], 1, 420, &p), HD_OK);
        CHECK_STR(p.first_day, "2026-11-09");
        CHECK_STR(p.last_day, "2026-11-15");
        CHECK_INT(p.start_ms, S - DAY);
        CHECK_INT(p.end_ms, S + 6 * DAY);
        CHECK_STR(p.date, days[i]);
    }
    CHECK_INT(report_period_of("2026-11-16", 1, 420, &p), HD_OK);
    CHECK_STR(p.first_day, "2026-11-16");
    /* A Thursday 1 January: the week began in the old year. */
    CHECK_INT(report_period_of("2026-01-01", 1, 420, &p), HD_OK);
    CHECK_STR(p.first_day, "2025-12-29");
    CHECK_STR(p.last_day, "2026-01-04");
    CHECK_INT(p.start_ms, 1766941200000LL);
    /* Leap day inside a week. */
    CHECK_INT(report_period_of("2024-03-01", 1, 420, &p), HD_OK);
    CHECK_STR(p.first_day, "2024-02-26");
    CHECK_STR(p.last_day, "2024-03-03");
}

static void local_date(void)
{
    char d[REPORT_DATE_LEN + 1];

    report_local_date(S, 420, d);
    CHECK_STR(d, "2026-11-10");
    report_local_date(S - 1, 420, d);
    CHECK_STR(d, "2026-11-09");
    report_local_date(S + DAY - 1, 420, d);
    CHECK_STR(d, "2026-11-10");
    report_local_date(S, 0, d);
    CHECK_STR(d, "2026-11-09");
}

static void median(void)
{
    int64_t none[1] = { 0 }, one[] = { 5 }, odd[] = { 9, 1, 4 }, even[] = { 4, 1, 3, 2 };
    int64_t big[] = { INT64_MAX - 1, INT64_MAX - 3 };

    CHECK(report_median(none, 0) == 0);
    CHECK(report_median(one, 1) == 5);
    CHECK(report_median(odd, 3) == 4);
    CHECK(report_median(even, 4) == 2.5);
    CHECK(report_median(big, 2) > 9.2e18);
}

static void csv_quoting(void)
{
    static const struct { const char *in, *out; } cases[] = {
        { "abc", "abc" },
        { "", "" },
        { "Phường Ba Đình", "Phường Ba Đình" },
        { "Tỉnh, thành phố", "\"Tỉnh, thành phố\"" },
        { "say \"hi\"", "\"say \"\"hi\"\"\"" },
        { "\"", "\"\"\"\"" },
        { "two\r\nlines", "\"two\r\nlines\"" },
        { "lf\n", "\"lf\n\"" },
        { " lead", "\" lead\"" },
        { "trail ", "\"trail \"" },
    };
    buf b;

    buf_init(&b, 1024);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        buf_reset(&b);
        CHECK_INT(report_csv_field(&b, cases[i].in), HD_OK);
        CHECK_STR(buf_str(&b), cases[i].out);
    }
    buf_free(&b);
}

/* ---- a report over a hand-made day ---- */

typedef struct fixture {
    char     path[512];
    store   *s;
    sqlite3 *db;
    sla_hours hours;
} fixture;

static void sql(fixture *f, const char *q)
{
    char *msg = NULL;
    int rc = sqlite3_exec(f->db, q, NULL, NULL, &msg);

    CHECK_MSG(rc == SQLITE_OK, "%s: %s", q, msg ? msg : "");
    sqlite3_free(msg);
}

/* q with ?1..?3 bound to a, b, c (as far as it uses them). */
static void sqlf(fixture *f, const char *q, long long a, long long b, long long c)
{
    const long long v[3] = { a, b, c };
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(f->db, q, -1, &st, NULL);

    CHECK_MSG(rc == SQLITE_OK, "%s: %s", q, sqlite3_errmsg(f->db));
    for (int i = 0; rc == SQLITE_OK && i < sqlite3_bind_parameter_count(st) && i < 3; i++)
        rc = sqlite3_bind_int64(st, i + 1, v[i]);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    CHECK_MSG(rc == SQLITE_DONE, "%s: %s", q, sqlite3_errmsg(f->db));
    sqlite3_finalize(st);
}

/* Contacts (place):  1 sms, commune 00004 (Hà Nội 01)
 *                    2 zalo, none; cases in 00008 (older) and in the 01 queue (newer) -> 00008
 *                    3 zalo, none; a case in the 79 queue -> unknown commune of 79
 *                    4 sms, none, no case -> unknown
 *                    5 sms, commune 00004 */
static int setup(fixture *f, const char *name)
{
    char err[256] = "";
    int rc;

    memset(f, 0, sizeof *f);
    snprintf(f->path, sizeof f->path, "%s/%s.db", test_tmpdir(), name);
    remove(f->path);
    rc = store_open(f->path, &f->s, err, sizeof err);
    CHECK_MSG(rc == HD_OK, "store_open: %s", err);
    if (rc == HD_OK)
        rc = store_commune_load(f->s, "data/communes.tsv", NULL, err, sizeof err);
    CHECK_MSG(rc == HD_OK, "communes: %s", err);
    CHECK_INT(sla_parse(SLA_DEFAULT_HOURS, 420, &f->hours, err, sizeof err), HD_OK);
    CHECK_INT(sqlite3_open(f->path, &f->db), SQLITE_OK);
    sqlite3_busy_timeout(f->db, 5000);
    if (rc)
        return rc;
    sql(f, "INSERT INTO contacts (id, channel, address, created_at, commune_code) VALUES"
           " (1, 'sms', '84900000001', 0, '00004'), (2, 'zalo', 'z2', 0, NULL),"
           " (3, 'zalo', 'z3', 0, NULL), (4, 'sms', '84900000004', 0, NULL),"
           " (5, 'sms', '84900000005', 0, '00004')");
    /* Inbound messages: c1 twice on the day, once just before it; c2, c3,
     * c4 once on it; c4 and c5 exactly at its end (the next day); c1 on
     * Thursday 12 (in the week, not the day); an outbound one (no). */
    const long long in[][2] = {
        { 1, S + 1 * H }, { 1, S + 2 * H }, { 1, S - 1 }, { 2, S + 3 * H }, { 3, S + 4 * H },
        { 4, S + 5 * H }, { 4, S + DAY }, { 5, S + DAY }, { 1, S + 2 * DAY + H },
    };
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++)
        sqlf(f, "INSERT INTO messages (contact_id, dir, channel, text, status, created_at)"
                " VALUES (?1, 'in', 'sms', 'x', 'received', ?2)", in[i][0], in[i][1], 0);
    sqlf(f, "INSERT INTO messages (contact_id, dir, channel, text, status, created_at)"
            " VALUES (?1, 'out', 'sms', 'x', 'sent', ?2)", 3, S + 6 * H, 0);
    /* Help requests: inbound messages the help line handled as questions
     * (on contact-days that already have one: the conversations stay). */
#define HELP_INSERT "INSERT INTO messages (contact_id, dir, channel, text, status, created_at," \
                    " help_intent, help) VALUES"
#define HELP_ROW(c, t, intent, res) " (" #c ", 'in', 'sms', 'q', 'received', " t ", '" intent "', '" res "')"
    sqlf(f, HELP_INSERT HELP_ROW(1, "?1", "install_app", "bot") ","
            HELP_ROW(1, "?2", "install_app", "bot") "," HELP_ROW(1, "?3", "activate_account", "bot"),
         S + H, S + 2 * H, S + 2 * H);
    sqlf(f, HELP_INSERT HELP_ROW(1, "?1", "install_app", "bot") ","
            HELP_ROW(2, "?2", "human_agent", "person") "," HELP_ROW(4, "?3", "otp_not_received", "bot"),
         S - 1, S + 3 * H, S + 5 * H);
    sqlf(f, HELP_INSERT HELP_ROW(4, "?1", "no_such_intent", "bot") ","
            HELP_ROW(1, "?2", "install_app", "bot") "," HELP_ROW(4, "?3", "greeting", "bot"),
         S + 5 * H, S + 2 * DAY + H, S + DAY);
#undef HELP_ROW
#undef HELP_INSERT
    /* Cases (their own place):
     *   1 c2 00008: created Sat 7, resolved on the day at 02:00 -> 74 h
     *   2 c2 01 queue: created on the day 06:00, open
     *   3 c3 79 queue: created Thu 5, open: overdue by any count
     *   4 c1 00004: created 01:00, resolved 03:00 -> 2 h
     *   5 c1 00004: created Sun 8, closed Mon 9 -> never open on the day
     *   6 c5 00004: created 07:00, resolved 1 ms after the day -> open at
     *     its end, 17 h + 1 ms */
    sqlf(f, "INSERT INTO cases (id, contact_id, channel, kind, reason, commune_code, province_code,"
            " status, created_at, resolved_at) VALUES"
            " (1, 2, 'zalo', 'other', 'x', '00008', '01', 'resolved', ?1, ?2),"
            " (2, 2, 'zalo', 'other', 'x', NULL, '01', 'open', ?3, NULL)",
         S - 3 * DAY, S + 2 * H, S + 6 * H);
    sqlf(f, "INSERT INTO cases (id, contact_id, channel, kind, reason, commune_code, province_code,"
            " status, created_at, resolved_at) VALUES"
            " (3, 3, 'zalo', 'other', 'x', NULL, '79', 'open', ?1, NULL),"
            " (4, 1, 'sms', 'other', 'x', '00004', '01', 'resolved', ?2, ?3)",
         S - 5 * DAY, S + H, S + 3 * H);
    sqlf(f, "INSERT INTO cases (id, contact_id, channel, kind, reason, commune_code, province_code,"
            " status, close_reason, created_at, closed_at) VALUES"
            " (5, 1, 'sms', 'other', 'x', '00004', '01', 'closed', 'duplicate', ?1, ?2)",
         S - 2 * DAY, S - DAY, 0);
    sqlf(f, "INSERT INTO cases (id, contact_id, channel, kind, reason, commune_code, province_code,"
            " status, created_at, claimed_at, resolved_at) VALUES"
            " (6, 5, 'sms', 'other', 'x', '00004', '01', 'resolved', ?1, ?2, ?3)",
         S + 7 * H, S + 8 * H, S + DAY + 1);
    /* Activations: c1 on the day, c4 at the last ms of Monday 9; opt-out: c3. */
    sqlf(f, "UPDATE contacts SET activated_at = CASE id WHEN 1 THEN ?1 WHEN 4 THEN ?2 END"
            " WHERE id IN (1, 4)", S + 8 * H, S - 1, 0);
    sqlf(f, "UPDATE contacts SET opted_out = 1, opted_out_at = ?1 WHERE id = 3",
         S + 9 * H, 0, 0);
    return HD_OK;
}

static void teardown(fixture *f)
{
    sqlite3_close(f->db);
    store_close(f->s);
}

static report *build(fixture *f, const char *date, int week, const char *province, int64_t now)
{
    report_params p = {
        .date = date, .week = week, .province_code = province, .tz_offset_min = 420,
        .hours = &f->hours, .sla_hours = 16, .now_ms = now,
    };
    char err[256] = "";
    report *r = NULL;
    int rc = report_build(f->s, &p, &r, err, sizeof err);

    CHECK_MSG(rc == HD_OK, "report_build = %d: %s", rc, err);
    return r;
}

static const report_row *row_of(const report_row *rows, int n, const char *commune,
                                const char *province)
{
    for (int i = 0; i < n; i++)
        if (strcmp(rows[i].commune_code, commune) == 0 && strcmp(rows[i].province_code, province) == 0)
            return &rows[i];
    return NULL;
}

#define CHECK_MEDIAN(f, h) CHECK_MSG((f).has_median && (f).median_resolve_hours > (h) - 1e-6 && \
                                     (f).median_resolve_hours < (h) + 1e-6, "median %g, expected %g", \
                                     (f).has_median ? (f).median_resolve_hours : -1.0, (double)(h))

static void build_day(void)
{
    fixture f;
    report *r;
    const report_row *c;

    if (setup(&f, "day"))
        goto out;
    r = build(&f, "2026-11-10", 0, NULL, S + 10 * DAY);
    if (!r)
        goto out;
    CHECK_INT(r->as_of_ms, S + DAY);
    CHECK_INT(r->ncommunes, 5);
    CHECK_INT(r->nprovinces, 3);
    /* Order: 01/00004, 01/00008, 01/unknown, 79/unknown, unknown. */
    CHECK_STR(r->communes[0].commune_code, "00004");
    CHECK_STR(r->communes[0].commune_name, "Phường Ba Đình");
    CHECK_STR(r->communes[0].province_name, "Thành phố Hà Nội");
    CHECK_STR(r->communes[1].commune_code, "00008");
    CHECK_STR(r->communes[2].commune_code, "");
    CHECK_STR(r->communes[2].province_code, "01");
    CHECK_STR(r->communes[2].province_name, "Thành phố Hà Nội");
    CHECK_STR(r->communes[3].province_code, "79");
    CHECK_STR(r->communes[3].province_name, "Thành phố Hồ Chí Minh");
    CHECK_STR(r->communes[4].province_code, "");
    CHECK_STR(r->provinces[0].province_code, "01");
    CHECK_STR(r->provinces[1].province_code, "79");
    CHECK_STR(r->provinces[2].province_code, "");

    /* 00004: c1 wrote (c5 only at the very end, which is the next day);
     * 3 help requests; cases 4 and 6 opened, 4 resolved in 2 h, 6 open at
     * the end (since 07:00: 9.5 working hours, not overdue); c1 activated. */
    if ((c = row_of(r->communes, r->ncommunes, "00004", "01"))) {
        CHECK_INT(c->f.conversations, 1);
        CHECK_INT(c->f.help_requests, 3);
        CHECK_INT(c->f.help_by_intent[NLU_INSTALL_APP], 2);
        CHECK_INT(c->f.help_by_intent[NLU_ACTIVATE_ACCOUNT], 1);
        CHECK_INT(c->f.answered_by_bot, 3);
        CHECK_INT(c->f.escalated, 0);
        CHECK_INT(c->f.cases_opened, 2);
        CHECK_INT(c->f.cases_resolved, 1);
        CHECK_MEDIAN(c->f, 2.0);
        CHECK_INT(c->f.cases_open, 1);
        CHECK_INT(c->f.cases_overdue, 0);
        CHECK_INT(c->f.activations, 1);
        CHECK_INT(c->f.opt_outs, 0);
    } else {
        CHECK(!"no row 00004");
    }
    /* 00008: c2 by its older case's commune; case 1 resolved (74 h). */
    if ((c = row_of(r->communes, r->ncommunes, "00008", "01"))) {
        CHECK_INT(c->f.conversations, 1);
        CHECK_INT(c->f.help_requests, 1);
        CHECK_INT(c->f.escalated, 1);
        CHECK_INT(c->f.help_by_intent[NLU_HUMAN_AGENT], 1);
        CHECK_INT(c->f.cases_opened, 0);
        CHECK_INT(c->f.cases_resolved, 1);
        CHECK_MEDIAN(c->f, 74.0);
    } else {
        CHECK(!"no row 00008");
    }
    /* The 01 queue: case 2, open since 06:00: 9.5 working hours. */
    if ((c = row_of(r->communes, r->ncommunes, "", "01"))) {
        CHECK_INT(c->f.conversations, 0);
        CHECK_INT(c->f.cases_opened, 1);
        CHECK_INT(c->f.cases_open, 1);
        CHECK_INT(c->f.cases_overdue, 0);
        CHECK(!c->f.has_median);
    } else {
        CHECK(!"no row for the 01 queue");
    }
    /* 79 queue: c3 wrote and opted out; case 3 open and overdue. */
    if ((c = row_of(r->communes, r->ncommunes, "", "79"))) {
        CHECK_INT(c->f.conversations, 1);
        CHECK_INT(c->f.cases_open, 1);
        CHECK_INT(c->f.cases_overdue, 1);
        CHECK_INT(c->f.opt_outs, 1);
    } else {
        CHECK(!"no row for 79");
    }
    /* Unknown: c4; an intent id outside the list counts as unknown. */
    if ((c = row_of(r->communes, r->ncommunes, "", ""))) {
        CHECK_INT(c->f.conversations, 1);
        CHECK_INT(c->f.help_requests, 2);
        CHECK_INT(c->f.help_by_intent[NLU_OTP_NOT_RECEIVED], 1);
        CHECK_INT(c->f.help_by_intent[NLU_UNKNOWN], 1);
        CHECK_INT(c->f.activations, 0);
    } else {
        CHECK(!"no unknown row");
    }
    /* Hà Nội: the median of 2 h and 74 h. */
    CHECK_INT(r->provinces[0].f.conversations, 2);
    CHECK_INT(r->provinces[0].f.help_requests, 4);
    CHECK_INT(r->provinces[0].f.cases_opened, 3);
    CHECK_INT(r->provinces[0].f.cases_resolved, 2);
    CHECK_MEDIAN(r->provinces[0].f, 38.0);
    CHECK_INT(r->provinces[0].f.cases_open, 2);
    CHECK(!r->provinces[1].f.has_median);
    CHECK_INT(r->total.f.conversations, 4);
    CHECK_INT(r->total.f.help_requests, 6);
    CHECK_INT(r->total.f.answered_by_bot, 5);
    CHECK_INT(r->total.f.escalated, 1);
    CHECK_INT(r->total.f.cases_opened, 3);
    CHECK_INT(r->total.f.cases_resolved, 2);
    CHECK_MEDIAN(r->total.f, 38.0);
    CHECK_INT(r->total.f.cases_open, 3);
    CHECK_INT(r->total.f.cases_overdue, 1);
    CHECK_INT(r->total.f.activations, 1);
    CHECK_INT(r->total.f.opt_outs, 1);
    CHECK_INT(r->ndays, 0);
    report_free(r);
out:
    teardown(&f);
}

static void build_week(void)
{
    fixture f;
    report *r;
    const report_row *c;

    if (setup(&f, "week"))
        goto out;
    r = build(&f, "2026-11-12", 1, NULL, S + 10 * DAY);
    if (!r)
        goto out;
    /* Conversations by day: Monday c1 (its last ms), Tuesday c1-c4,
     * Wednesday c4 and c5, Thursday c1: 8. Help requests: the 7 of Tuesday
     * and Monday's last ms, Wednesday's greeting, Thursday's: 9.
     * Resolved: cases 1 (74 h), 4 (2 h), 6 (17 h + 1 ms). Open at the end
     * (Monday 16 00:00): cases 2 and 3, both overdue by then (case 2:
     * 9.5 * 4 + 4 working hours). Activations: c1, and c4 in the last ms of
     * Monday 9. */
    CHECK_INT(r->total.f.conversations, 8);
    CHECK_INT(r->total.f.help_requests, 9);
    CHECK_INT(r->total.f.help_by_intent[NLU_GREETING], 1);
    CHECK_INT(r->total.f.cases_opened, 3);
    CHECK_INT(r->total.f.cases_resolved, 3);
    CHECK_MSG(r->total.f.median_resolve_hours > 17.0 && r->total.f.median_resolve_hours < 17.001,
              "median %g", r->total.f.median_resolve_hours);
    CHECK_INT(r->total.f.cases_open, 2);
    CHECK_INT(r->total.f.cases_overdue, 2);
    CHECK_INT(r->total.f.activations, 2);
    if ((c = row_of(r->communes, r->ncommunes, "00004", "01"))) {
        CHECK_INT(c->f.conversations, 4);   /* c1 three days, c5 one */
        CHECK_INT(c->f.help_requests, 5);
    } else {
        CHECK(!"no row 00004");
    }
    CHECK_INT(r->ndays, 7);
    CHECK_STR(r->days[0].date, "2026-11-09");
    CHECK_STR(r->days[6].date, "2026-11-15");
    CHECK_INT(r->days[1].f.conversations, 4);
    CHECK_INT(r->days[2].f.conversations, 2);
    CHECK_INT(r->days[3].f.conversations, 1);
    CHECK_INT(r->days[0].f.conversations, 1);
    CHECK_INT(r->days[0].f.activations, 1);
    int64_t conv = 0, help = 0;
    for (int i = 0; i < r->ndays; i++) {
        conv += r->days[i].f.conversations;
        help += r->days[i].f.help_requests;
    }
    CHECK_INT(conv, r->total.f.conversations);
    CHECK_INT(help, r->total.f.help_requests);
    report_free(r);

    /* Seen on Wednesday noon (the week has begun, Thursday has not): three
     * days so far, and "open" means now: case 6 is resolved, case 2 has
     * 9.5 + 4.5 working hours (not overdue), case 3 is overdue. */
    r = build(&f, "2026-11-12", 1, NULL, S + DAY + 12 * H);
    if (r) {
        CHECK_INT(r->ndays, 3);
        CHECK_INT(r->as_of_ms, S + DAY + 12 * H);
        CHECK_INT(r->total.f.cases_open, 2);
        CHECK_INT(r->total.f.cases_overdue, 1);
        report_free(r);
    }
out:
    teardown(&f);
}

static void build_scope(void)
{
    fixture f;
    report_params p;
    report *r;
    char err[256] = "";

    if (setup(&f, "scope"))
        goto out;
    r = build(&f, "2026-11-10", 0, "79", S + 10 * DAY);
    if (r) {
        CHECK_STR(r->province_code, "79");
        CHECK_INT(r->ncommunes, 1);
        CHECK_INT(r->nprovinces, 1);
        CHECK_INT(r->total.f.conversations, 1);
        CHECK_INT(r->total.f.cases_overdue, 1);
        CHECK_INT(r->total.f.help_requests, 0);
        report_free(r);
    }
    p = (report_params){ .date = "2026-11-10", .province_code = "99", .tz_offset_min = 420,
                         .hours = &f.hours, .sla_hours = 16, .now_ms = S + 10 * DAY };
    CHECK_INT(report_build(f.s, &p, &r, err, sizeof err), HD_ENOTFOUND);
    p.province_code = NULL;
    p.date = "2026-02-30";
    CHECK_INT(report_build(f.s, &p, &r, err, sizeof err), HD_EINVAL);
    p.date = "2026-11-21";
    CHECK_INT(report_build(f.s, &p, &r, err, sizeof err), HD_EINVAL);   /* the future */
    /* A quiet day: no rows, zeros, no median. */
    r = build(&f, "2026-10-01", 0, NULL, S + 10 * DAY);
    if (r) {
        CHECK_INT(r->ncommunes, 0);
        CHECK_INT(r->nprovinces, 0);
        CHECK_INT(r->total.f.conversations, 0);
        CHECK(!r->total.f.has_median);
        report_free(r);
    }
out:
    teardown(&f);
}

static int count_lines(const char *s)
{
    int n = 0;
    for (; (s = strstr(s, "\r\n")) != NULL; s += 2)
        n++;
    return n;
}

static void build_csv(void)
{
    fixture f;
    report *r;
    report_labels *l = NULL;
    buf b;
    char name[64], err[512] = "";

    buf_init(&b, 1 << 20);
    if (setup(&f, "csv"))
        goto out;
    CHECK_MSG(report_labels_load(test_messages_dir(), &l, err, sizeof err) == HD_OK, "%s", err);
    if (!l)
        goto out;
    r = build(&f, "2026-11-10", 0, NULL, S + 10 * DAY);
    if (!r)
        goto out;
    CHECK_INT(report_to_csv(r, NULL, &b), HD_EINVAL);
    CHECK_INT(report_to_csv(r, l, &b), HD_OK);
    const char *t = buf_str(&b);
    CHECK(memcmp(t, "\xEF\xBB\xBF", 3) == 0);
    CHECK(strncmp(t + 3, "Cấp,Mã tỉnh,\"Tỉnh, thành phố\",Mã xã,", 40) == 0);
    /* header + 5 communes + 3 provinces + total, each ended by CRLF, no bare LF */
    CHECK_INT(count_lines(t), 1 + 5 + 3 + 1);
    int lf = 0;
    for (const char *p = t; *p; p++)
        lf += *p == '\n';
    CHECK_INT(lf, 10);
    CHECK(strstr(t, "\r\nXã,01,Thành phố Hà Nội,00004,Phường Ba Đình,1,3,3,0,2,1,1,0,2.00,1,0,") != NULL);
    CHECK(strstr(t, "\r\nXã,01,Thành phố Hà Nội,00008,Phường Ngọc Hà,1,1,0,1,0,1,0,0,74.00,0,0,") != NULL);
    CHECK(strstr(t, "\r\nXã,,Không rõ,,Không rõ,1,2,2,0,0,0,0,0,,0,0,") != NULL);
    CHECK(strstr(t, "\r\nTỉnh,01,Thành phố Hà Nội,,,2,4,3,1,3,2,2,0,38.00,1,0,") != NULL);
    CHECK(strstr(t, "\r\nTổng cộng,,,,,4,6,5,1,3,2,3,1,38.00,1,1,") != NULL);
    CHECK(strstr(t, "Yêu cầu: Cài đặt ứng dụng (install_app)") != NULL);
    report_csv_filename(r, name, sizeof name);
    CHECK_STR(name, "bao-cao-2026-11-10.csv");
    r->period.week = 1;
    snprintf(r->period.first_day, sizeof r->period.first_day, "2026-11-09");
    report_csv_filename(r, name, sizeof name);
    CHECK_STR(name, "bao-cao-tuan-2026-11-09.csv");
    report_free(r);
out:
    report_labels_free(l);
    buf_free(&b);
    teardown(&f);
}

/* ---- messages/report.json ---- */

/* A copy of the project's report.json under the test's directory, with
 * section.key removed (value NULL) or set to value; its directory in dir. */
static int labels_variant(const char *name, const char *section, const char *key,
                          const char *value, char *dir, size_t cap)
{
    char path[1100], *text = NULL;
    long n;
    FILE *fp;
    cJSON *doc = NULL, *sec;
    int ok = 0;

    snprintf(path, sizeof path, "%s/report.json", test_messages_dir());
    if (!(fp = fopen(path, "rb")))
        return 0;
    if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) > 0 && fseek(fp, 0, SEEK_SET) == 0 &&
        (text = calloc(1, (size_t)n + 1)) && fread(text, 1, (size_t)n, fp) == (size_t)n)
        doc = cJSON_Parse(text);
    fclose(fp);
    free(text);
    text = NULL;
    if (!doc || !(sec = cJSON_GetObjectItemCaseSensitive(doc, section)))
        goto out;
    if (!cJSON_GetObjectItemCaseSensitive(sec, key) && !value)
        goto out;                       /* nothing to remove: the test would prove nothing */
    cJSON_DeleteItemFromObjectCaseSensitive(sec, key);
    if (value && !cJSON_AddStringToObject(sec, key, value))
        goto out;
    if ((size_t)snprintf(dir, cap, "%s/%s", test_tmpdir(), name) >= cap || cap > 1024)
        goto out;
    snprintf(path, sizeof path, "%s/report.json", dir);
    if ((mkdir(dir, 0700) != 0 && errno != EEXIST) || !(text = cJSON_Print(doc)) ||
        !(fp = fopen(path, "wb")))
        goto out;
    ok = fputs(text, fp) >= 0;
    ok = fclose(fp) == 0 && ok;
out:
    cJSON_free(text);
    cJSON_Delete(doc);
    return ok;
}

static void labels_load(void)
{
    report_labels *l = NULL;
    char err[512] = "";

    CHECK_MSG(report_labels_load(test_messages_dir(), &l, err, sizeof err) == HD_OK, "%s", err);
    if (!l)
        return;
    for (int i = 0; i < NLU_INTENT_COUNT; i++)
        CHECK_MSG(l->intent[i] && l->intent[i][0], "no title for %s", nlu_intent_id((nlu_intent)i));
    for (int i = 0; i < REPORT_COL_COUNT; i++)
        CHECK(l->column[i] && l->column[i][0]);
    for (int i = 0; i < REPORT_VAL_COUNT; i++)
        CHECK(l->value[i] && l->value[i][0]);
    report_labels_free(l);
    CHECK_INT(report_labels_load(NULL, &l, NULL, 0), HD_EINVAL);
    CHECK_INT(report_labels_load("/nonexistent-dir", &l, err, sizeof err), HD_EIO);
    CHECK(l == NULL);
}

static void labels_refused(void)
{
    static const struct {
        const char *name, *section, *key, *value, *want;
    } cases[] = {
        { "no_intent", "intents", "install_app", NULL, "intents.install_app: missing" },
        { "no_unknown", "intents", "unknown", NULL, "intents.unknown: missing" },
        { "empty_intent", "intents", "thanks", "", "intents.thanks: must be" },
        { "typo_intent", "intents", "instal_app", "Cài đặt", "intents.instal_app: unknown key" },
        { "no_column", "columns", "cases_overdue", NULL, "columns.cases_overdue: missing" },
        { "empty_value", "values", "total", "", "values.total: must be" },
        { "bad_utf8", "columns", "level", "C\xE1p", "columns.level: must be" },
    };
    char dir[1024], err[512];

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        report_labels *l = (report_labels *)&dir;       /* must come back NULL */

        if (!labels_variant(cases[i].name, cases[i].section, cases[i].key, cases[i].value, dir,
                            sizeof dir)) {
            CHECK_MSG(0, "%s: cannot write the copy of report.json", cases[i].name);
            continue;
        }
        err[0] = '\0';
        CHECK_MSG(report_labels_load(dir, &l, err, sizeof err) == HD_EPARSE, "%s accepted",
                  cases[i].name);
        CHECK(l == NULL);
        CHECK_MSG(strstr(err, cases[i].want) != NULL, "%s: \"%s\" does not say \"%s\"",
                  cases[i].name, err, cases[i].want);
        CHECK_MSG(strstr(err, "report.json") != NULL, "%s: \"%s\" names no file", cases[i].name,
                  err);
    }
}

static void build_json(void)
{
    fixture f;
    report *r;
    cJSON *o, *c0, *by;

    if (setup(&f, "json"))
        goto out;
    r = build(&f, "2026-11-10", 0, NULL, S + 10 * DAY);
    if (!r)
        goto out;
    o = report_to_json(r);
    CHECK(o != NULL);
    if (o) {
        c0 = cJSON_GetArrayItem(cJSON_GetObjectItem(o, "communes"), 0);
        CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(c0, "commune_name")), "Phường Ba Đình");
        by = cJSON_GetObjectItem(c0, "help_requests_by_intent");
        CHECK_INT(cJSON_GetArraySize(by), 26);
        CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(by, "install_app")) == 2);
        CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(by, "thanks")) == 0);
        CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(c0, "median_hours_to_resolve")) == 2);
        CHECK(cJSON_IsNull(cJSON_GetObjectItem(
            cJSON_GetArrayItem(cJSON_GetObjectItem(o, "communes"), 4), "commune_code")));
        CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(o, "period"), "start")),
                  "2026-11-10T00:00:00+07:00");
        CHECK(cJSON_IsNull(cJSON_GetObjectItem(o, "province")));
        CHECK(cJSON_GetObjectItem(o, "days") == NULL);
        cJSON_Delete(o);
    }
    report_free(r);
out:
    teardown(&f);
}

TEST_MAIN(T(parse_date), T(day_bounds), T(week_bounds), T(local_date), T(median), T(csv_quoting),
          T(build_day), T(build_week), T(build_scope), T(build_csv), T(build_json),
          T(labels_load), T(labels_refused))
