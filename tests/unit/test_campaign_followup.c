/* test_campaign_followup.c -- follow-ups end to end without a server: the
 * real engine and flow of messages/ give guidance, campaign_followup_on_step
 * schedules, the planner's step queues the question at the due time (inside
 * the window, within the daily cap), and the citizen's answer, read by the
 * engine, is recorded and closes the follow-up. */
#include "campaign_fixture.h"
#include "campaign/campaign.h"
#include "campaign/planner.h"
#include "core/err.h"
#include "dialog/engine.h"
#include "dialog/followup.h"
#include "dialog/render.h"
#include "store/communes.h"
#include "store/contacts.h"
#include "store/followups.h"
#include "store/outbox.h"
#include "store/reminders.h"
#include "store/store.h"
#include "../../src/store/store_internal.h"

#include <stdlib.h>

#define D10 1773075600000LL   /* 2026-03-10 00:00 in Viet Nam */
#define H   3600000LL
#define DAY (24 * H)
#define NOON (D10 + 12 * H)

static const char *one_text(store *s, const char *sql)
{
    static char out[4096];
    sqlite3_stmt *st = NULL;

    snprintf(out, sizeof out, "(none)");
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        snprintf(out, sizeof out, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return out;
}

/* What ingest does with one message, minus the rows it stores: the step
 * on the stored state, the hook, the new state saved. */
static void say(store *s, int64_t contact, const char *text, int64_t now, dlg_result *r)
{
    dlg_env de = { .flow = flow };
    store_contact c;
    dlg_state st;
    char json[DLG_STATE_JSON_MAX];

    CHECK_INT(store_contact_get(s, contact, &c), HD_OK);
    dlg_state_decode(c.state, &st);
    CHECK_INT(dlg_step(&de, &st, text, strlen(text), r), HD_OK);
    CHECK_INT(store_begin(s), HD_OK);
    CHECK_INT(campaign_followup_on_step(s, flow, contact, r, now, 24), HD_OK);
    CHECK_INT(dlg_state_encode(&r->state, json, sizeof json), HD_OK);
    CHECK_INT(store_contact_save(s, contact, json, r->state.opted_out, 1, now), HD_OK);
    CHECK_INT(store_commit(s), HD_OK);
}

static int has_action(const dlg_result *r, const char *name, const char *arg)
{
    for (int i = 0; i < r->n_actions; i++)
        if (strcmp(r->actions[i].name, name) == 0 && (!arg || strcmp(r->actions[i].arg, arg) == 0))
            return 1;
    return 0;
}

static int64_t contact(store *s, const char *channel, const char *address)
{
    store_contact c;
    CHECK_INT(store_contact_upsert(s, channel, address, D10, &c), HD_OK);
    return c.id;
}

static int send_due(store *s, int64_t now)
{
    campaign_env e = env();
    campaign_step st;

    CHECK_INT(campaign_followups_send(&e, s, now, &st), HD_OK);
    return st.planned;
}

static void asked_once_and_answered(void)
{
    store *s = open_db("answered");
    int64_t z = contact(s, "zalo", "z-answer");
    store_followup f;
    dlg_result *r = malloc(sizeof *r);
    char want[1024];
    store_contact c;
    dlg_state st;

    say(s, z, "2", NOON, r);                             /* menu 2: activation guidance */
    CHECK_STR(r->state.topic, "activate_account");
    CHECK_INT(store_followup_open(s, z, &f), HD_OK);
    CHECK_STR(f.status, "pending");
    CHECK_STR(f.intent, "activate_account");
    CHECK_INT(f.due_at, NOON + 24 * H);
    /* A picture at the guidance leaves the conversation there and the
     * follow-up as it was. */
    {
        dlg_result *ev = malloc(sizeof *ev);
        store_contact cc;
        dlg_state es;
        CHECK_INT(store_contact_get(s, z, &cc), HD_OK);
        dlg_state_decode(cc.state, &es);
        CHECK_INT(dlg_on_event(flow, &es, DLG_EV_NONTEXT, ev), HD_OK);
        CHECK_STR(ev->state.node, "activate_account");
        CHECK_INT(campaign_followup_on_step(s, flow, z, ev, NOON + 30 * 60000, 24), HD_OK);
        CHECK_INT(store_followup_open(s, z, &f), HD_OK);
        CHECK_INT(f.due_at, NOON + 24 * H);
        free(ev);
    }
    /* The citizen moves on to the menu: the follow-up stays. */
    say(s, z, "0", NOON + H, r);
    CHECK_INT(send_due(s, NOON + 23 * H), 0);            /* not due yet */
    CHECK_INT(send_due(s, NOON + 24 * H), 1);
    CHECK_INT(store_followup_get(s, f.id, &f), HD_OK);
    CHECK_STR(f.status, "sent");
    /* The question: the text of messages/campaign.json and the node's options. */
    snprintf(want, sizeof want, "%s\n1. %s\n2. %s",
             dlg_flow_text(flow, "followup_activate_account"), dlg_flow_text(flow, "opt_solved"),
             dlg_flow_text(flow, "opt_failed"));
    CHECK_STR(one_text(s, "SELECT text FROM outbox WHERE priority = 2"), want);
    CHECK_STR(one_text(s, "SELECT channel || ' ' || address FROM outbox WHERE priority = 2"),
              "zalo z-answer");
    CHECK_INT(one_int(s, "SELECT COUNT(*) FROM reminder_days WHERE day = '2026-03-11'"), 1);
    CHECK_INT(store_contact_get(s, z, &c), HD_OK);
    CHECK_INT(dlg_state_decode(c.state, &st), HD_OK);
    CHECK_STR(st.node, "activate_account");
    CHECK_STR(st.topic, "activate_account");
    /* "1": the engine records the outcome; the follow-up is answered. */
    say(s, z, "1", NOON + 25 * H, r);
    CHECK(has_action(r, "outcome", "activate_account:solved"));
    CHECK_INT(store_followup_get(s, f.id, &f), HD_OK);
    CHECK_STR(f.status, "answered");
    CHECK_STR(f.outcome, "solved");
    CHECK_INT(store_followup_open(s, z, &f), HD_ENOTFOUND);
    CHECK_INT(one_int(s, "SELECT activated_at FROM contacts WHERE address = 'z-answer'"),
              NOON + 25 * H);
    CHECK_INT(send_due(s, NOON + 5 * DAY), 0);           /* asked once */
    free(r);
    store_close(s);
}

static void failed_answer_not_asked_again(void)
{
    store *s = open_db("failed");
    int64_t z = contact(s, "zalo", "z-failed");
    store_followup f;
    dlg_result *r = malloc(sizeof *r);

    say(s, z, "3", NOON, r);                             /* OTP guidance */
    CHECK_STR(r->state.topic, "otp_not_received");
    CHECK_INT(send_due(s, NOON + 24 * H), 1);
    CHECK_INT(store_followup_open(s, z, &f), HD_OK);
    say(s, z, "vẫn chưa được", NOON + 26 * H, r);
    CHECK(has_action(r, "outcome", "otp_not_received:failed"));
    CHECK_STR(r->state.node, "otp_more");                /* deeper guidance */
    CHECK_INT(store_followup_get(s, f.id, &f), HD_OK);
    CHECK_STR(f.status, "answered");
    CHECK_STR(f.outcome, "failed");
    CHECK_INT(store_followup_open(s, z, &f), HD_ENOTFOUND);
    CHECK_INT(one_int(s, "SELECT COUNT(*) FROM contacts WHERE activated_at IS NOT NULL"), 0);
    free(r);
    store_close(s);
}

static void newer_guidance_replaces(void)
{
    store *s = open_db("replace");
    int64_t c = contact(s, "sms", "84911111111");
    store_followup f;
    dlg_result *r = malloc(sizeof *r);

    say(s, c, "4", NOON, r);                             /* password guidance */
    CHECK_INT(store_followup_open(s, c, &f), HD_OK);
    CHECK_STR(f.intent, "forgot_passcode");
    /* "2" right away: not working; deeper guidance, asked about later. */
    say(s, c, "2", NOON + H, r);
    CHECK(has_action(r, "outcome", "forgot_passcode:failed"));
    CHECK_INT(store_followup_open(s, c, &f), HD_OK);
    CHECK_STR(f.status, "pending");
    CHECK_INT(f.due_at, NOON + 25 * H);
    CHECK_STR(one_text(s, "SELECT reason FROM followups WHERE id = 1"), "outcome");
    /* Another topic of the path: the same follow-up moves to it. */
    say(s, c, "7", NOON + 2 * H, r);                     /* chip / face guidance */
    CHECK_INT(store_followup_open(s, c, &f), HD_OK);
    CHECK_STR(f.intent, "chip_face_error");
    CHECK_INT(f.due_at, NOON + 26 * H);
    /* The same guidance again five minutes later: the question stays where
     * it was (not rewritten at every message of a conversation); an hour
     * later, it moves. */
    CHECK_INT(store_followup_schedule(s, c, "chip_face_error", NOON + 26 * H + 300000,
                                      NOON + 2 * H + 300000, NULL), HD_OK);
    CHECK_INT(store_followup_open(s, c, &f), HD_OK);
    CHECK_INT(f.due_at, NOON + 26 * H);
    CHECK_INT(store_followup_schedule(s, c, "chip_face_error", NOON + 27 * H, NOON + 3 * H,
                                      NULL), HD_OK);
    CHECK_INT(store_followup_open(s, c, &f), HD_OK);
    CHECK_INT(f.due_at, NOON + 27 * H);
    /* Guidance off the activation path is not followed up. */
    say(s, c, "0", NOON + 3 * H, r);                     /* the menu ... */
    say(s, c, "1", NOON + 3 * H, r);                     /* ... install guidance */
    CHECK_STR(r->state.topic, "install_app");
    CHECK_INT(store_followup_open(s, c, &f), HD_OK);
    CHECK_STR(f.intent, "chip_face_error");
    /* STOP cancels it; nothing is asked. */
    say(s, c, "HUY", NOON + 4 * H, r);
    CHECK_INT(store_followup_open(s, c, &f), HD_ENOTFOUND);
    CHECK_INT(one_int(s, "SELECT COUNT(*) FROM followups WHERE reason = 'opted_out'"), 1);
    CHECK_INT(send_due(s, NOON + 3 * DAY), 0);
    free(r);
    store_close(s);
}

static void escalation_cancels(void)
{
    store *s = open_db("escalate");
    int64_t c = contact(s, "sms", "84911111112");
    store_followup f;
    dlg_result *r = malloc(sizeof *r);

    say(s, c, "2", NOON, r);
    CHECK_INT(store_followup_open(s, c, &f), HD_OK);
    say(s, c, "9", NOON + H, r);                         /* an officer, please */
    CHECK(has_action(r, "escalate", NULL));
    CHECK_INT(store_followup_open(s, c, &f), HD_ENOTFOUND);
    CHECK_STR(one_text(s, "SELECT reason FROM followups"), "escalated");
    free(r);
    store_close(s);
}

static void window_cap_and_channel(void)
{
    store *s = open_db("window");
    campaign_env e = env();
    int64_t c = contact(s, "sms", "84911111113"), z = contact(s, "zalo", "z-silent");
    store_followup f;
    dlg_result *r = malloc(sizeof *r);
    int back = -1;

    say(s, c, "2", D10 + 21 * H + 30 * 60000, r);         /* 21:30: due 21:30 tomorrow */
    CHECK_INT(store_reminder_take(s, c, "2026-03-11"), HD_OK);   /* a broadcast reached them */
    CHECK_INT(send_due(s, D10 + DAY + 21 * H + 30 * 60000), 0);
    CHECK_INT(store_followup_open(s, c, &f), HD_OK);
    CHECK_STR(f.status, "pending");
    CHECK_INT(f.due_at, D10 + 2 * DAY + 7 * H);          /* the next day's window */
    CHECK_INT(send_due(s, D10 + 2 * DAY + 6 * H), 0);    /* 06:00: quiet hours */
    CHECK_INT(send_due(s, D10 + 2 * DAY + 21 * H + 59 * 60000), 1);  /* 21:59 */
    /* Not sent by 22:00: taken back, asked again in the morning. */
    CHECK_INT(campaign_take_back(&e, s, D10 + 2 * DAY + 22 * H + 1, &back), HD_OK);
    CHECK_INT(back, 1);
    CHECK_INT(store_followup_open(s, c, &f), HD_OK);
    CHECK_STR(f.status, "pending");
    CHECK_INT(f.due_at, D10 + 3 * DAY + 7 * H);
    CHECK_INT(one_int(s, "SELECT COUNT(*) FROM outbox WHERE status = 'cancelled'"), 1);
    CHECK_INT(one_int(s, "SELECT COUNT(*) FROM reminder_days WHERE day = '2026-03-12'"), 0);
    CHECK_INT(send_due(s, D10 + 3 * DAY + 7 * H), 1);
    CHECK_INT(one_int(s, "SELECT COUNT(*) FROM outbox WHERE status = 'queued'"), 1);
    /* A Zalo user silent for more than 7 days cannot be asked there. */
    say(s, z, "2", NOON, r);
    CHECK_INT(send_due(s, NOON + 8 * DAY), 0);
    CHECK_STR(one_text(s, "SELECT status || ' ' || reason FROM followups WHERE contact_id = 2"),
              "skipped no_channel");
    free(r);
    store_close(s);
}

static void intake_running_skips(void)
{
    store *s = open_db("intake");
    int64_t c = contact(s, "sms", "84911111114");
    dlg_state st;
    char json[DLG_STATE_JSON_MAX];

    memset(&st, 0, sizeof st);
    strcpy(st.node, "activate_account");
    strcpy(st.topic, "activate_account");
    st.intake.step = DLG_INTAKE_NAME;
    strcpy(st.intake.kind, "other");
    strcpy(st.intake.reason, "human_agent");
    CHECK_INT(dlg_state_encode(&st, json, sizeof json), HD_OK);
    CHECK_INT(store_contact_save(s, c, json, 0, 1, NOON), HD_OK);
    CHECK_INT(store_followup_schedule(s, c, "activate_account", NOON + H, NOON, NULL), HD_OK);
    CHECK_INT(send_due(s, NOON + H), 0);
    CHECK_STR(one_text(s, "SELECT status || ' ' || reason FROM followups"), "skipped intake");
    store_close(s);
}

/* The follow-up state helpers of dialog/followup.h on their own. */
static void dialog_followup(void)
{
    dlg_state st;
    dlg_reply q;
    char topic[DLG_ID_MAX];

    memset(&st, 0, sizeof st);
    CHECK_INT(dlg_followup_topic(flow, &st, topic), 0);
    strcpy(st.node, "otp_more");
    strcpy(st.topic, "otp_not_received");
    CHECK_INT(dlg_followup_topic(flow, &st, topic), 1);
    CHECK_STR(topic, "otp_not_received");
    /* A deeper guidance node stays; another topic goes to its own node. */
    CHECK_INT(dlg_followup_prepare(flow, "otp_not_received", &st, &q), HD_OK);
    CHECK_STR(st.node, "otp_more");
    CHECK_INT(q.n_options, 2);
    st.tries = 1;
    CHECK_INT(dlg_followup_prepare(flow, "chip_face_error", &st, &q), HD_OK);
    CHECK_STR(st.node, "chip_face_error");
    CHECK_STR(st.topic, "chip_face_error");
    CHECK_INT(st.tries, 0);
    CHECK_STR(q.text, dlg_flow_text(flow, "followup_chip_face_error"));
    /* offer_police keeps the topic but asks no "did it work?". */
    strcpy(st.node, "offer_police");
    CHECK_INT(dlg_followup_topic(flow, &st, topic), 0);
    CHECK_INT(dlg_followup_prepare(flow, "not_an_intent", &st, &q), HD_ENOTFOUND);
    CHECK_INT(dlg_followup_prepare(flow, "greeting", &st, &q), HD_ENOTFOUND);
    CHECK(campaign_followup_wanted("activate_account"));
    CHECK(campaign_followup_wanted("register_level1"));
    CHECK(!campaign_followup_wanted("install_app"));
    CHECK_INT(campaign_followup_texts_check(flow, NULL, 0), HD_OK);
}

static void cleanup(void)
{
    dlg_flow_free(flow);
    flow = NULL;
}

TEST_MAIN(T(asked_once_and_answered), T(failed_answer_not_asked_again),
          T(newer_guidance_replaces), T(escalation_cancels), T(window_cap_and_channel),
          T(intake_running_skips), T(dialog_followup), T(cleanup))
