/* test_campaign_plan.c -- broadcasts in the store and the planner's steps on
 * a real SQLite file with the communes of data/: audience selection per
 * segment and place, the routes and skips with exact counts, the daily cap
 * across broadcasts and days, chunks and the cursor, the quiet hours and
 * taking back what missed them, pause / resume / cancel, and the outbox
 * claim that leaves bulk rows alone outside their window. */
#include "campaign_fixture.h"
#include "campaign/broadcast.h"
#include "campaign/planner.h"
#include "core/err.h"
#include "dialog/flow.h"
#include "store/broadcasts.h"
#include "store/communes.h"
#include "store/contacts.h"
#include "store/messages.h"
#include "store/outbox.h"
#include "store/reminders.h"
#include "store/store.h"
#include "../../src/store/store_internal.h"

#include <stdlib.h>

/* 2026-03-10 00:00 in Viet Nam (UTC+7). */
#define D10 1773075600000LL
#define H   3600000LL
#define DAY (24 * H)
#define NOON (D10 + 12 * H)

#define HN1 "00004"    /* Phường Ba Đình, Hà Nội (01) */
#define HN2 "00008"    /* Phường Ngọc Hà, Hà Nội */
#define CB1 "01273"    /* Phường Thục Phán, Cao Bằng (04) */


/* A contact with its campaign facts; returns its id. */
static int64_t add(store *s, const char *channel, const char *address, const char *commune,
                   const char *phone, int opted_out, int64_t last_in, int listed)
{
    store_contact c;
    char sql[512];

    CHECK_INT(store_contact_upsert(s, channel, address, D10 - DAY, &c), HD_OK);
    snprintf(sql, sizeof sql,
             "UPDATE contacts SET commune_code = %s%s%s, phone = %s%s%s, opted_out = %d,"
             " last_inbound_at = %lld, listed_not_activated = %d WHERE id = %lld",
             commune ? "'" : "", commune ? commune : "NULL", commune ? "'" : "",
             phone ? "'" : "", phone ? phone : "NULL", phone ? "'" : "", opted_out,
             last_in ? (long long)last_in : 0LL, listed, (long long)c.id);
    exec(s, sql);
    if (!last_in) {
        snprintf(sql, sizeof sql, "UPDATE contacts SET last_inbound_at = NULL WHERE id = %lld",
                 (long long)c.id);
        exec(s, sql);
    }
    return c.id;
}

/* The contact asked the help line about intent (a help request). */
static void asked(store *s, int64_t contact_id, const char *channel, const char *intent)
{
    store_message_new m = {
        .contact_id = contact_id, .dir = STORE_IN, .channel = channel, .text = "?",
        .status = "received", .created_at = NOON, .help = "bot", .help_intent = intent,
    };

    CHECK_INT(store_message_add(s, &m, NULL), HD_OK);
}

static int64_t broadcast(store *s, const char *segment, const char *province,
                         const char *c1, const char *c2, int64_t send_at)
{
    store_broadcast b;
    int64_t id = 0;

    memset(&b, 0, sizeof b);
    snprintf(b.name, sizeof b.name, "nhắc kích hoạt");
    snprintf(b.text, sizeof b.text, "Công an phường nhắc: hãy kích hoạt tài khoản VNeID.");
    snprintf(b.audience.segment, sizeof b.audience.segment, "%s", segment);
    snprintf(b.audience.province, sizeof b.audience.province, "%s", province ? province : "");
    if (c1)
        snprintf(b.audience.communes[b.audience.ncommunes++], STORE_COMMUNE_CODE_MAX, "%s", c1);
    if (c2)
        snprintf(b.audience.communes[b.audience.ncommunes++], STORE_COMMUNE_CODE_MAX, "%s", c2);
    b.send_at = send_at;
    CHECK_INT(store_broadcast_add(s, &b, send_at, &id), HD_OK);
    return id;
}

/* Every outbox row of the broadcasts sent, as the delivery worker would. */
static int send_all(store *s, const char *channel, int64_t now)
{
    outbox_row *r = calloc(64, sizeof *r);
    int n = 0, total = 0;

    do {
        CHECK_INT(outbox_claim_due(s, channel, now, 30000, r, 64, &n), HD_OK);
        for (int i = 0; i < n; i++)
            CHECK_INT(outbox_mark_sent(s, r[i].id, "p", now), HD_OK);
        total += n;
    } while (n == 64);
    free(r);
    return total;
}

/* Steps until the broadcast says done (or a bound), sending in between. */
static broadcast_status run(const campaign_env *e, store *s, int64_t id, int64_t now)
{
    store_broadcast b;
    campaign_step st;

    for (int i = 0; i < 100; i++) {
        CHECK_INT(campaign_broadcast_step(e, s, id, now, &st), HD_OK);
        send_all(s, "sms", now);
        send_all(s, "zalo", now);
        CHECK_INT(store_broadcast_get(s, id, &b), HD_OK);
        if (b.status == BROADCAST_DONE || b.status == BROADCAST_WAITING)
            break;
    }
    return b.status;
}

/* The contacts audience a selects, as the list of a new broadcast holds
 * them: listed (in chunks of 3, to cross chunk ends), then read from after. */
static int select_page(store *s, const store_audience *a, int64_t after,
                       store_audience_contact *rows, int max, int *got)
{
    static store_broadcast b;
    int64_t id = 0, last = 0, listed = 0;
    int added = 3, rc;

    memset(&b, 0, sizeof b);
    strcpy(b.name, "selection");
    strcpy(b.text, "x");
    b.audience = *a;
    if ((rc = store_broadcast_add(s, &b, NOON, &id)))
        return rc;
    while (added == 3)
        if ((rc = store_audience_list(s, a, id, last, 3, &added, &last, &listed)))
            return rc;
    return store_audience_page(s, id, after, rows, max, got);
}

static void audience_selection(void)
{
    store *s = open_db("audience");
    store_audience a;
    store_audience_contact rows[16];
    int64_t hn_listed, hn_asked, hn_done, hn_plain, hn2, cb, nowhere, late, n = -1;
    int got = -1;

    hn_listed = add(s, "sms", "84900000001", HN1, NULL, 0, 0, 1);
    hn_asked = add(s, "zalo", "z-asked", HN1, NULL, 0, NOON, 0);
    hn_done = add(s, "sms", "84900000003", HN1, NULL, 0, 0, 1);
    hn_plain = add(s, "sms", "84900000004", HN1, NULL, 1, 0, 0);   /* opted out: still selected */
    hn2 = add(s, "sms", "84900000005", HN2, NULL, 0, 0, 0);
    cb = add(s, "sms", "84900000006", CB1, NULL, 0, 0, 1);
    nowhere = add(s, "zalo", "z-nowhere", NULL, NULL, 0, NOON, 0);
    asked(s, hn_asked, "zalo", "otp_not_received");
    asked(s, hn_done, "sms", "activate_account");
    asked(s, nowhere, "zalo", "otp_not_received");
    exec(s, "UPDATE contacts SET activated_at = 1 WHERE address = '84900000003'");

    memset(&a, 0, sizeof a);
    strcpy(a.segment, "all");
    CHECK_INT(store_audience_count(s, &a, &n), HD_OK);
    CHECK_INT(n, 7);
    strcpy(a.province, "01");
    CHECK_INT(store_audience_count(s, &a, &n), HD_OK);
    CHECK_INT(n, 5);                                  /* Hà Nội: not Cao Bằng, not unplaced */
    strcpy(a.communes[0], HN2);
    a.ncommunes = 1;
    CHECK_INT(select_page(s, &a, 0, rows, 16, &got), HD_OK);
    CHECK_INT(got, 1);
    CHECK_INT(rows[0].id, hn2);
    a.ncommunes = 0;
    strcpy(a.segment, "not_activated");
    CHECK_INT(select_page(s, &a, 0, rows, 16, &got), HD_OK);
    CHECK_INT(got, 2);                                /* listed, or asked; not the activated */
    CHECK_INT(rows[0].id, hn_listed);
    CHECK_INT(rows[1].id, hn_asked);
    a.province[0] = '\0';
    strcpy(a.segment, "intent:otp_not_received");
    CHECK_INT(select_page(s, &a, 0, rows, 16, &got), HD_OK);
    CHECK_INT(got, 2);
    CHECK_INT(rows[0].id, hn_asked);
    CHECK_INT(rows[1].id, nowhere);
    CHECK_STR(rows[1].channel, "zalo");
    CHECK_STR(rows[1].address, "z-nowhere");
    CHECK_INT(rows[1].last_inbound_at, NOON);
    /* Pages after a cursor, in id order. */
    strcpy(a.segment, "all");
    CHECK_INT(select_page(s, &a, hn_asked, rows, 2, &got), HD_OK);
    CHECK_INT(got, 2);
    CHECK_INT(rows[0].id, hn_done);
    CHECK_INT(rows[1].id, hn_plain);
    CHECK_INT(rows[1].opted_out, 1);
    /* Contacts that came after the broadcast was due are not in it. */
    late = add(s, "sms", "84900000009", HN1, NULL, 0, 0, 0);
    exec(s, "UPDATE contacts SET created_at = 1773075600000 + 86400000 WHERE address = '84900000009'");
    a.created_before = D10;
    CHECK_INT(store_audience_count(s, &a, &n), HD_OK);
    CHECK_INT(n, 7);
    a.created_before = 0;
    CHECK_INT(store_audience_count(s, &a, &n), HD_OK);
    CHECK_INT(n, 8);
    (void)cb;
    (void)late;
    store_close(s);
}

static void audience_check(void)
{
    store *s = open_db("check");
    store_audience a;
    char err[256];

    memset(&a, 0, sizeof a);
    CHECK_INT(campaign_audience_check(s, &a, "", err, sizeof err), HD_OK);
    CHECK_STR(a.segment, "all");
    CHECK_STR(a.province, "");
    /* Communes of one province fill it in. */
    strcpy(a.communes[0], HN1);
    strcpy(a.communes[1], HN2);
    a.ncommunes = 2;
    CHECK_INT(campaign_audience_check(s, &a, "", err, sizeof err), HD_OK);
    CHECK_STR(a.province, "01");
    /* A staff user of Cao Bằng cannot reach Hà Nội's communes. */
    memset(&a, 0, sizeof a);
    strcpy(a.communes[0], HN1);
    a.ncommunes = 1;
    CHECK_INT(campaign_audience_check(s, &a, "04", err, sizeof err), HD_EINVAL);
    CHECK(strstr(err, "not in province 04") != NULL);
    memset(&a, 0, sizeof a);
    strcpy(a.province, "01");
    CHECK_INT(campaign_audience_check(s, &a, "04", err, sizeof err), HD_EINVAL);
    memset(&a, 0, sizeof a);
    CHECK_INT(campaign_audience_check(s, &a, "04", err, sizeof err), HD_OK);
    CHECK_STR(a.province, "04");
    memset(&a, 0, sizeof a);
    strcpy(a.communes[0], "99999");
    a.ncommunes = 1;
    CHECK_INT(campaign_audience_check(s, &a, "", err, sizeof err), HD_EINVAL);
    memset(&a, 0, sizeof a);
    strcpy(a.province, "77");
    CHECK_INT(campaign_audience_check(s, &a, "", err, sizeof err), HD_EINVAL);
    memset(&a, 0, sizeof a);
    strcpy(a.segment, "intent:nope");
    CHECK_INT(campaign_audience_check(s, &a, "", err, sizeof err), HD_EINVAL);
    strcpy(a.segment, "intent:forgot_passcode");
    CHECK_INT(campaign_audience_check(s, &a, "", err, sizeof err), HD_OK);
    store_close(s);
}

static void preview(void)
{
    campaign_preview p;
    char err[256] = "", text[1200];
    const char *footer = dlg_flow_text(flow, "broadcast_footer");

    CHECK(footer != NULL);
    CHECK_INT(campaign_preview_render(flow, "Kích hoạt VNeID ngay hôm nay!", &p, err, sizeof err),
              HD_OK);
    CHECK(strncmp(p.zalo, "Kích hoạt VNeID ngay hôm nay!\n", 31) == 0);
    CHECK(strstr(p.zalo, footer) != NULL);
    CHECK(strncmp(p.sms, "Kich hoat VNeID ngay hom nay!\n", 30) == 0);
    CHECK_INT(p.sms_parts, 1);
    CHECK_INT(p.sms_chars, (int)strlen(p.sms));
    /* 400 characters of text and the footer: more than 3 SMS parts. */
    memset(text, 'a', 440);
    text[440] = '\0';
    CHECK_INT(campaign_preview_render(flow, text, &p, err, sizeof err), HD_ETOOBIG);
    CHECK(strstr(err, "459") != NULL);
    text[300] = '\0';
    CHECK_INT(campaign_preview_render(flow, text, &p, err, sizeof err), HD_OK);
    CHECK_INT(p.sms_parts, 3);
    CHECK_INT(campaign_preview_render(flow, "   ", &p, err, sizeof err), HD_EINVAL);
    CHECK_INT(campaign_preview_render(flow, "\xff\xfe", &p, err, sizeof err), HD_EINVAL);
}

/* Routes, skips, the cap between two contacts of one person: exact counts. */
static void plan_counts(void)
{
    store *s = open_db("counts");
    campaign_env e = env();
    store_broadcast_counts n;
    store_broadcast b;
    int64_t id, z_recent, z_old_phone, pair_sms, z_pair, z_optphone;

    for (int i = 0; i < 5; i++) {
        char a[16];
        snprintf(a, sizeof a, "8491000000%d", i);
        add(s, "sms", a, HN1, NULL, i == 4, 0, 1);         /* 4 SMS, 1 opted out */
    }
    z_recent = add(s, "zalo", "z-recent", HN1, NULL, 0, NOON - 2 * DAY, 0);
    z_old_phone = add(s, "zalo", "z-old-phone", HN1, "0912000001", 0, NOON - 9 * DAY, 0);
    add(s, "zalo", "z-old-nophone", HN1, NULL, 0, NOON - 9 * DAY, 0);
    /* One person twice: their SMS contact and their Zalo account with that phone. */
    pair_sms = add(s, "sms", "84912000002", HN1, NULL, 0, 0, 0);
    z_pair = add(s, "zalo", "z-pair", HN1, "0912000002", 0, NOON - 30 * DAY, 0);
    /* A Zalo user whose phone said STOP by SMS. */
    add(s, "sms", "84912000003", NULL, NULL, 1, 0, 0);
    z_optphone = add(s, "zalo", "z-optphone", HN1, "84912000003", 0, 0, 0);
    add(s, "sms", "84912000009", CB1, NULL, 0, 0, 0);     /* another province */

    id = broadcast(s, "all", "01", NULL, NULL, NOON);
    CHECK_INT(run(&e, s, id, NOON), BROADCAST_DONE);
    CHECK_INT(store_broadcast_counts_get(s, id, &n), HD_OK);
    CHECK_INT(store_broadcast_get(s, id, &b), HD_OK);
    CHECK_INT(b.audience_n, 11);
    CHECK_INT(n.queued, 4 + 1 + 1 + 1);     /* 4 SMS, the recent Zalo, the old one's phone, the pair once */
    CHECK_INT(n.skipped, 4);
    CHECK_INT(n.opted_out, 2);
    CHECK_INT(n.no_channel, 1);
    CHECK_INT(n.daily_cap, 1);
    CHECK_INT(n.sent, 7);
    CHECK_INT(n.waiting, 0);
    CHECK(b.done_at == NOON);
    /* The recent Zalo user by Zalo, in full; the old one by SMS to its phone. */
    CHECK_INT(one_int(s, "SELECT COUNT(*) FROM outbox WHERE channel = 'zalo' AND priority = 2"), 1);
    CHECK_INT(one_int(s, "SELECT COUNT(*) FROM outbox WHERE address = '84912000001'"
                         " AND channel = 'sms' AND text LIKE 'Cong an phuong nhac:%'"), 1);
    CHECK_INT(one_int(s, "SELECT COUNT(*) FROM outbox WHERE channel = 'zalo'"
                         " AND text LIKE 'Công an phường nhắc:%'"), 1);
    CHECK_INT(one_int(s, "SELECT COUNT(*) FROM outbox WHERE address = '84912000002'"), 1);
    /* Each queued recipient has its message (on the contact it went to) and cap row. */
    CHECK_INT(one_int(s, "SELECT COUNT(*) FROM messages WHERE dir = 'out' AND status = 'sent'"), 7);
    CHECK_INT(one_int(s, "SELECT COUNT(*) FROM reminder_days"), 4 + 1 + 2 + 1);
    {
        char sql[200];
        snprintf(sql, sizeof sql, "SELECT channel FROM broadcast_recipients WHERE contact_id = %lld",
                 (long long)z_old_phone);
        CHECK_INT(one_int(s, "SELECT COUNT(*) FROM broadcast_recipients WHERE channel = 'sms'"), 6);
        snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM broadcast_recipients WHERE contact_id = %lld"
                 " AND reason = 'opted_out'", (long long)z_optphone);
        CHECK_INT(one_int(s, sql), 1);
        snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM broadcast_recipients WHERE contact_id IN"
                 " (%lld, %lld) AND reason = 'daily_cap'", (long long)pair_sms, (long long)z_pair);
        CHECK_INT(one_int(s, sql), 1);
        snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM broadcast_recipients WHERE contact_id = %lld"
                 " AND channel = 'zalo'", (long long)z_recent);
        CHECK_INT(one_int(s, sql), 1);
    }
    store_close(s);
}

/* A person known twice (a Zalo user silent for long, and the SMS contact of
 * their phone) gets a broadcast once even when the two are planned on
 * different days, where the daily cap cannot see it. */
static void same_person_other_day(void)
{
    store *s = open_db("person");
    campaign_env e = env();
    store_broadcast_counts n;
    int64_t id, t;
    char sql[160];

    add(s, "zalo", "z-person", HN1, "0912000777", 0, NOON - 30 * DAY, 0);
    t = add(s, "sms", "84912000777", HN2, NULL, 0, 0, 0);
    id = broadcast(s, "all", "01", NULL, NULL, NOON);
    CHECK_INT(run(&e, s, id, NOON), BROADCAST_DONE);
    /* As if the SMS contact had been left for the next day. */
    snprintf(sql, sizeof sql, "DELETE FROM broadcast_recipients WHERE contact_id = %lld", (long long)t);
    exec(s, sql);
    exec(s, "UPDATE broadcasts SET status = 'sending', cursor = 0");
    CHECK_INT(run(&e, s, id, NOON + DAY), BROADCAST_DONE);
    CHECK_INT(store_broadcast_counts_get(s, id, &n), HD_OK);
    CHECK_INT(n.queued, 1);
    CHECK_INT(n.daily_cap, 1);
    CHECK_INT(one_int(s, "SELECT COUNT(*) FROM outbox WHERE address = '84912000777'"), 1);
    store_close(s);
}

static void daily_cap_across_days(void)
{
    store *s = open_db("cap");
    campaign_env e = env();
    store_broadcast_counts n;
    int64_t b1, b2, b3, b4;

    for (int i = 0; i < 6; i++) {
        char a[16];
        snprintf(a, sizeof a, "8492000000%d", i);
        add(s, "sms", a, i < 3 ? HN1 : HN2, NULL, 0, 0, 0);
    }
    b1 = broadcast(s, "all", NULL, HN1, NULL, NOON);
    CHECK_INT(run(&e, s, b1, NOON), BROADCAST_DONE);
    b2 = broadcast(s, "all", "01", NULL, NULL, NOON + H);    /* same day, wider */
    CHECK_INT(run(&e, s, b2, NOON + H), BROADCAST_DONE);
    CHECK_INT(store_broadcast_counts_get(s, b2, &n), HD_OK);
    CHECK_INT(n.queued, 3);
    CHECK_INT(n.daily_cap, 3);
    /* 23:59 is outside the window; the next day is a new day. */
    b3 = broadcast(s, "all", "01", NULL, NULL, D10 + DAY + 7 * H);
    CHECK_INT(run(&e, s, b3, D10 + DAY + 7 * H), BROADCAST_DONE);
    CHECK_INT(store_broadcast_counts_get(s, b3, &n), HD_OK);
    CHECK_INT(n.queued, 6);
    CHECK_INT(n.daily_cap, 0);
    /* Later the same local day (01:00 UTC): everyone had theirs at 07:00. */
    b4 = broadcast(s, "all", "01", NULL, NULL, D10 + DAY + 8 * H);
    CHECK_INT(run(&e, s, b4, D10 + DAY + 8 * H), BROADCAST_DONE);
    CHECK_INT(store_broadcast_counts_get(s, b4, &n), HD_OK);
    CHECK_INT(n.daily_cap, 6);
    store_close(s);
}

static void chunks_and_cursor(void)
{
    store *s = open_db("chunks");
    campaign_env e = env();
    campaign_step st;
    store_broadcast b;
    store_broadcast_counts n;
    int64_t id, first = 0;

    exec(s, "BEGIN");
    for (int i = 0; i < 1200; i++) {
        char a[16];
        int64_t c;
        snprintf(a, sizeof a, "849300%05d", i);
        c = add(s, "sms", a, HN1, NULL, 0, 0, 0);
        if (!first)
            first = c;
    }
    exec(s, "COMMIT");
    id = broadcast(s, "all", "01", NULL, NULL, NOON);
    CHECK_INT(campaign_broadcast_step(&e, s, id, NOON, &st), HD_OK);
    CHECK_INT(st.planned, CAMPAIGN_CHUNK);
    CHECK_INT(st.queued_sms, CAMPAIGN_CHUNK);
    CHECK_INT(st.more, 1);
    CHECK_INT(store_broadcast_get(s, id, &b), HD_OK);
    CHECK_INT(b.status, BROADCAST_SENDING);
    CHECK_INT(b.cursor, first + CAMPAIGN_CHUNK - 1);
    CHECK_INT(b.audience_n, 1200);
    CHECK_INT(campaign_broadcast_step(&e, s, id, NOON, &st), HD_OK);
    CHECK_INT(st.planned, CAMPAIGN_CHUNK);
    /* 1000 waiting to be sent: no more planning until they go. */
    CHECK_INT(campaign_broadcast_step(&e, s, id, NOON, &st), HD_OK);
    CHECK_INT(st.planned, 0);
    CHECK_INT(send_all(s, "sms", NOON), 1000);
    /* A cursor lost (as if its update had not been written): nothing twice. */
    exec(s, "UPDATE broadcasts SET cursor = 0");
    CHECK_INT(campaign_broadcast_step(&e, s, id, NOON, &st), HD_OK);
    CHECK_INT(st.planned, 200);
    CHECK_INT(run(&e, s, id, NOON), BROADCAST_DONE);
    CHECK_INT(store_broadcast_counts_get(s, id, &n), HD_OK);
    CHECK_INT(n.queued, 1200);
    CHECK_INT(n.sent, 1200);
    CHECK_INT(one_int(s, "SELECT COUNT(*) FROM outbox WHERE broadcast_id IS NOT NULL"), 1200);
    CHECK_INT(one_int(s, "SELECT COUNT(DISTINCT address) FROM outbox"), 1200);
    store_close(s);
}

static void quiet_hours_and_take_back(void)
{
    store *s = open_db("quiet");
    campaign_env e = env();
    campaign_step st;
    store_broadcast b;
    store_broadcast_counts n;
    int64_t id, late = D10 + 22 * H - 60000, first = 0;
    int sent, back = -1;

    exec(s, "BEGIN");
    for (int i = 0; i < 700; i++) {
        char a[16];
        int64_t c;
        snprintf(a, sizeof a, "849400%05d", i);
        c = add(s, "sms", a, HN1, NULL, 0, 0, 0);
        if (!first)
            first = c;
    }
    exec(s, "COMMIT");
    /* Due at 21:59; 500 planned, 100 of them go out before 22:00. */
    id = broadcast(s, "all", "01", NULL, NULL, late);
    CHECK_INT(campaign_broadcast_step(&e, s, id, late, &st), HD_OK);
    CHECK_INT(st.planned, 500);
    {
        outbox_row *r = calloc(100, sizeof *r);
        int k = 0;
        CHECK_INT(outbox_claim_due(s, "sms", late, 30000, r, 100, &k), HD_OK);
        for (int i = 0; i < k; i++)
            CHECK_INT(outbox_mark_sent(s, r[i].id, "p", late), HD_OK);
        free(r);
        sent = k;
    }
    CHECK_INT(sent, 100);
    /* 22:00: no planning, status waiting_window, the 400 unsent taken back. */
    CHECK_INT(campaign_broadcast_step(&e, s, id, D10 + 22 * H, &st), HD_OK);
    CHECK_INT(st.planned, 0);
    CHECK_INT(store_broadcast_get(s, id, &b), HD_OK);
    CHECK_INT(b.status, BROADCAST_WAITING);
    CHECK_INT(campaign_take_back(&e, s, D10 + 22 * H + 1000, &back), HD_OK);
    CHECK_INT(back, 400);
    CHECK_INT(store_broadcast_counts_get(s, id, &n), HD_OK);
    CHECK_INT(n.queued, 100);
    CHECK_INT(n.sent, 100);
    CHECK_INT(n.waiting, 0);
    CHECK_INT(n.cancelled, 400);
    CHECK_INT(one_int(s, "SELECT COUNT(*) FROM reminder_days"), 100);
    CHECK_INT(one_int(s, "SELECT COUNT(*) FROM messages WHERE status = 'cancelled'"), 400);
    CHECK_INT(store_broadcast_get(s, id, &b), HD_OK);
    CHECK_INT(b.cursor, first + 100 - 1);    /* back to before the first taken back */
    /* A second sweep finds nothing; the claim would not take them either. */
    CHECK_INT(campaign_take_back(&e, s, D10 + 23 * H, &back), HD_OK);
    CHECK_INT(back, 0);
    /* The next morning: the other 600 planned under the 11th's cap. */
    CHECK_INT(campaign_broadcast_step(&e, s, id, D10 + DAY + 6 * H, &st), HD_OK);
    CHECK_INT(st.planned, 0);
    CHECK_INT(run(&e, s, id, D10 + DAY + 7 * H), BROADCAST_DONE);
    CHECK_INT(store_broadcast_counts_get(s, id, &n), HD_OK);
    CHECK_INT(n.queued, 700);
    CHECK_INT(n.sent, 700);
    CHECK_INT(n.skipped, 0);
    CHECK_INT(one_int(s, "SELECT COUNT(*) FROM reminder_days WHERE day = '2026-03-10'"), 100);
    CHECK_INT(one_int(s, "SELECT COUNT(*) FROM reminder_days WHERE day = '2026-03-11'"), 600);
    CHECK_INT(one_int(s, "SELECT COUNT(*) FROM outbox WHERE status = 'sent'"), 700);
    CHECK_INT(one_int(s, "SELECT COUNT(DISTINCT address) FROM outbox WHERE status = 'sent'"), 700);
    store_close(s);
}

static void pause_resume_cancel(void)
{
    store *s = open_db("actions");
    campaign_env e = env();
    campaign_step st;
    store_broadcast_counts n;
    broadcast_status bs;
    outbox_row r[8];
    int64_t id, id2;
    int k = -1;

    for (int i = 0; i < 10; i++) {
        char a[16];
        snprintf(a, sizeof a, "849500000%02d", i);
        add(s, "sms", a, HN1, NULL, 0, 0, 0);
    }
    id = broadcast(s, "all", "01", NULL, NULL, NOON);
    CHECK_INT(campaign_broadcast_step(&e, s, id, NOON, &st), HD_OK);
    CHECK_INT(st.planned, 10);
    CHECK_INT(store_broadcast_act(s, id, BROADCAST_PAUSE, NOON, &bs), HD_OK);
    CHECK_INT(bs, BROADCAST_PAUSED);
    CHECK_INT(outbox_claim_due(s, "sms", NOON, 30000, r, 8, &k), HD_OK);
    CHECK_INT(k, 0);                                   /* held rows are not sent */
    CHECK_INT(store_broadcast_counts_get(s, id, &n), HD_OK);
    CHECK_INT(n.held, 10);
    CHECK_INT(one_int(s, "SELECT COUNT(*) FROM messages WHERE status = 'held'"), 10);
    CHECK_INT(campaign_broadcast_step(&e, s, id, NOON, &st), HD_OK);   /* paused: nothing */
    CHECK_INT(st.planned, 0);
    CHECK_INT(store_broadcast_act(s, id, BROADCAST_PAUSE, NOON, &bs), HD_ESTATE);
    CHECK_INT(store_broadcast_act(s, id, BROADCAST_RESUME, NOON, &bs), HD_OK);
    CHECK_INT(bs, BROADCAST_SCHEDULED);
    CHECK_INT(store_broadcast_act(s, id, BROADCAST_RESUME, NOON, &bs), HD_ESTATE);
    CHECK_INT(outbox_claim_due(s, "sms", NOON, 30000, r, 8, &k), HD_OK);
    CHECK_INT(k, 8);
    for (int i = 0; i < k; i++)
        CHECK_INT(outbox_mark_sent(s, r[i].id, "p", NOON), HD_OK);
    CHECK_INT(store_broadcast_act(s, id, BROADCAST_CANCEL, NOON, &bs), HD_OK);
    CHECK_INT(bs, BROADCAST_CANCELLED);
    CHECK_INT(store_broadcast_counts_get(s, id, &n), HD_OK);
    CHECK_INT(n.sent, 8);
    CHECK_INT(n.cancelled, 2);
    CHECK_INT(n.waiting, 0);
    CHECK_INT(store_broadcast_act(s, id, BROADCAST_CANCEL, NOON, &bs), HD_ESTATE);
    CHECK_INT(store_broadcast_act(s, id + 100, BROADCAST_CANCEL, NOON, &bs), HD_ENOTFOUND);
    /* A scheduled broadcast cancelled before it is due never plans. */
    id2 = broadcast(s, "all", "01", NULL, NULL, NOON + H);
    CHECK_INT(store_broadcast_act(s, id2, BROADCAST_CANCEL, NOON, &bs), HD_OK);
    CHECK_INT(campaign_broadcast_step(&e, s, id2, NOON + 2 * H, &st), HD_OK);
    CHECK_INT(st.planned, 0);
    CHECK_INT(one_int(s, "SELECT COUNT(*) FROM broadcast_recipients WHERE broadcast_id = 2"), 0);
    store_close(s);
}

/* The claim leaves bulk rows alone in the quiet hours and takes only the
 * current window's; replies and officers' answers always go. */
static void claim_since(void)
{
    store *s = open_db("claim");
    store_contact c;
    outbox_row r[8];
    int64_t bulk_old = 0, bulk_new = 0, reply = 0;
    int k = -1;
    outbox_new o = { .channel = "sms", .address = "84912345678", .text = "x" };

    CHECK_INT(store_contact_upsert(s, "sms", "84912345678", 1000, &c), HD_OK);
    o.contact_id = c.id;
    o.priority = OUTBOX_BULK;
    CHECK_INT(outbox_enqueue(s, &o, D10 + 21 * H, &bulk_old), HD_OK);
    CHECK_INT(outbox_enqueue(s, &o, D10 + DAY + 8 * H, &bulk_new), HD_OK);
    o.priority = OUTBOX_REPLY;
    CHECK_INT(outbox_enqueue(s, &o, D10 + DAY + 8 * H, &reply), HD_OK);
    CHECK_INT(outbox_claim_due_since(s, "sms", D10 + DAY + 9 * H, 30000, OUTBOX_BULK_NONE, r, 8,
                                     &k), HD_OK);
    CHECK_INT(k, 1);
    CHECK_INT(r[0].id, reply);
    CHECK_INT(outbox_claim_due_since(s, "sms", D10 + DAY + 9 * H, 30000, D10 + 22 * H, r, 8, &k),
              HD_OK);
    CHECK_INT(k, 1);
    CHECK_INT(r[0].id, bulk_new);
    CHECK_INT(outbox_claim_due_since(s, "sms", D10 + DAY + 9 * H, 30000, 0, r, 8, &k), HD_OK);
    CHECK_INT(k, 1);
    CHECK_INT(r[0].id, bulk_old);
    CHECK_INT(outbox_claim_due_since(s, "sms", D10, 30000, -1, r, 8, &k), HD_EINVAL);
    store_close(s);
}

static void cleanup(void)
{
    dlg_flow_free(flow);
    flow = NULL;
}

/* A broadcast under way when the lists came (schema 5 -> 6) is listed from
 * the start; whoever it had reached keeps their recipient row and is not
 * planned again. */
static void upgrade_lists_a_broadcast_under_way(void)
{
    char path[512], sql[256], err[256] = "";
    store *s = NULL;
    campaign_env e = env();
    campaign_step st;
    store_broadcast b;
    int64_t id, first;

    snprintf(path, sizeof path, "%s/upgrade6.db", test_tmpdir());
    CHECK_INT(store_open_version(path, 5, &s, err, sizeof err), HD_OK);
    CHECK_INT(store_commune_load(s, "data/communes.tsv", NULL, err, sizeof err), HD_OK);
    first = add(s, "sms", "84931000001", HN1, NULL, 0, 0, 0);
    add(s, "sms", "84931000002", HN1, NULL, 0, 0, 0);
    add(s, "sms", "84931000003", HN1, NULL, 0, 0, 0);
    id = broadcast(s, "all", "01", NULL, NULL, NOON);
    snprintf(sql, sizeof sql, "UPDATE broadcasts SET status = 'sending', audience = 3, cursor = %lld",
             (long long)first);
    exec(s, sql);
    snprintf(sql, sizeof sql, "INSERT INTO broadcast_recipients (broadcast_id, contact_id, status,"
             " reason, created_at) VALUES (%lld, %lld, 'skipped', 'opted_out', 1)",
             (long long)id, (long long)first);
    exec(s, sql);
    store_close(s);
    CHECK_INT(store_open(path, &s, err, sizeof err), HD_OK);
    CHECK_INT(store_broadcast_get(s, id, &b), HD_OK);
    CHECK_INT(b.audience_n, -1);
    CHECK_INT(b.cursor, 0);
    /* Two contacts a step: one step lists two and plans nothing yet. */
    e.list_chunk = 2;
    CHECK_INT(campaign_broadcast_step(&e, s, id, NOON, &st), HD_OK);
    CHECK_INT(st.planned, 0);
    CHECK_INT(st.more, 1);
    CHECK_INT(store_broadcast_get(s, id, &b), HD_OK);
    CHECK_INT(b.audience_n, -1);
    CHECK_INT(b.cursor, first + 1);
    CHECK_INT(one_int(s, "SELECT COUNT(*) FROM broadcast_audience"), 2);
    CHECK_INT(campaign_broadcast_step(&e, s, id, NOON, &st), HD_OK);
    CHECK_INT(st.planned, 2);
    CHECK_INT(store_broadcast_get(s, id, &b), HD_OK);
    CHECK_INT(b.audience_n, 3);
    CHECK_INT(one_int(s, "SELECT COUNT(*) FROM broadcast_recipients"), 3);
    CHECK_INT(one_int(s, "SELECT COUNT(*) FROM broadcast_audience"), 3);
    store_close(s);
}

TEST_MAIN(T(audience_selection), T(audience_check), T(preview), T(plan_counts),
          T(same_person_other_day),
          T(daily_cap_across_days), T(chunks_and_cursor), T(quiet_hours_and_take_back),
          T(pause_resume_cancel), T(claim_since), T(upgrade_lists_a_broadcast_under_way),
          T(cleanup))
