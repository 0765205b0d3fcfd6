/* followup.c -- asking once, a while after activation guidance, whether it
 * worked: scheduled from ingest (campaign_followup_on_step), queued by the
 * planner (campaign_followups_send).
 *
 * The question puts the conversation back on the guidance node of its topic
 * (dialog/followup.h), so the engine records the citizen's "1" / "2" /
 * "được rồi" as the outcome, the same way as right after the guidance; the
 * outcome then reaches campaign_followup_on_step, which marks the follow-up
 * answered. A follow-up goes to the contact's own conversation only (Zalo
 * inside its 7 days, or SMS): an answer on another contact would not find
 * the question's state. */
#include "campaign/campaign.h"
#include "campaign/planner.h"

#include "core/err.h"
#include "core/log.h"
#include "dialog/followup.h"
#include "dialog/render.h"
#include "nlu/intents.h"
#include "store/contacts.h"
#include "store/followups.h"
#include "store/messages.h"
#include "store/outbox.h"
#include "store/reminders.h"

#include <stdio.h>
#include <string.h>

#define FOLLOWUP_BATCH 50

/* The activation path (issue 5): guidance after which the citizen is asked
 * later whether it worked. Each has its question in messages/campaign.json
 * ("followup_<intent>"; campaign_start checks). */
static const char *const followup_topics[] = {
    "activate_account", "otp_not_received", "forgot_passcode", "chip_face_error",
    "register_level1", NULL
};

int campaign_followup_wanted(const char *intent)
{
    for (int i = 0; intent && followup_topics[i]; i++)
        if (strcmp(intent, followup_topics[i]) == 0)
            return 1;
    return 0;
}

int campaign_followup_texts_check(const dlg_flow *f, char *err, size_t errlen)
{
    char key[80];

    for (int i = 0; followup_topics[i]; i++) {
        snprintf(key, sizeof key, "followup_%s", followup_topics[i]);
        if (!dlg_flow_text(f, key))
            return hd_seterr(err, errlen, HD_ECONFIG, "messages/campaign.json: texts.%s: missing",
                             key);
    }
    if (!dlg_flow_text(f, "broadcast_footer"))
        return hd_seterr(err, errlen, HD_ECONFIG,
                         "messages/campaign.json: texts.broadcast_footer: missing");
    return HD_OK;
}

/* Close the open follow-up f (if *open): answered when it had been asked
 * and the step carries its outcome, else cancelled with why. */
static int close_open(store *s, store_followup *f, int *open, const char *outcome,
                      const char *why, int64_t now, int *answered)
{
    int rc;

    if (!*open)
        return HD_OK;
    *open = 0;
    if (outcome && strcmp(f->status, "sent") == 0) {
        *answered = 1;
        rc = store_followup_close(s, f->id, "answered", outcome, NULL, now);
    } else {
        rc = store_followup_close(s, f->id, "cancelled", NULL, why, now);
    }
    return rc;
}

int campaign_followup_on_step(store *s, const dlg_flow *flow, int64_t contact_id,
                              const dlg_result *r, int64_t now_ms, int followup_hours)
{
    store_followup f;
    char topic[DLG_ID_MAX];
    int rc, open, answered = 0, solved = 0, failed = 0;

    if (!s || !flow || contact_id <= 0 || !r || now_ms < 0 || followup_hours < 0)
        return HD_EINVAL;
    /* Only these close an open follow-up: most steps need not look for one
     * (a read for every message the help line answers). */
    open = r->nlu.intent == NLU_ACTIVATION_DONE;
    for (int i = 0; !open && i < r->n_actions; i++)
        open = strcmp(r->actions[i].name, "opt_out") == 0 ||
               strcmp(r->actions[i].name, "escalate") == 0 ||
               strcmp(r->actions[i].name, "outcome") == 0;
    if (open) {
        rc = store_followup_open(s, contact_id, &f);
        if (rc && rc != HD_ENOTFOUND)
            return rc;
        open = rc == HD_OK;
    }
    rc = HD_OK;
    for (int i = 0; rc == HD_OK && i < r->n_actions; i++) {
        const dlg_action *a = &r->actions[i];
        const char *colon;

        if (strcmp(a->name, "opt_out") == 0) {
            rc = close_open(s, &f, &open, NULL, "opted_out", now_ms, &answered);
        } else if (strcmp(a->name, "escalate") == 0) {
            rc = close_open(s, &f, &open, NULL, "escalated", now_ms, &answered);
        } else if (strcmp(a->name, "outcome") == 0 && (colon = strchr(a->arg, ':')) != NULL) {
            const char *result = strcmp(colon + 1, "solved") == 0 ? "solved" : "failed";
            failed |= result[0] == 'f';
            if (result[0] == 's') {
                solved = 1;
                if ((size_t)(colon - a->arg) == strlen("activate_account") &&
                    strncmp(a->arg, "activate_account", (size_t)(colon - a->arg)) == 0)
                    rc = store_contact_set_activated(s, contact_id, now_ms);
            }
            if (rc == HD_OK)
                rc = close_open(s, &f, &open, result, "outcome", now_ms, &answered);
        }
    }
    if (rc == HD_OK && r->nlu.intent == NLU_ACTIVATION_DONE) {
        solved = 1;
        rc = store_contact_set_activated(s, contact_id, now_ms);
        if (rc == HD_OK)
            rc = close_open(s, &f, &open, "solved", "activation_done", now_ms, &answered);
    }
    if (rc)
        return rc;
    /* Guidance given by this step (a question answered by the bot, or the
     * deeper guidance after "still not working"; not a step that only left
     * the conversation where it was, such as a picture): ask about it later
     * -- unless this step was the answer to a follow-up (asked once), a
     * success, or the citizen opted out. */
    if (followup_hours > 0 && (r->help == DLG_HELP_BOT || failed) && !answered && !solved &&
        !r->state.opted_out && dlg_followup_topic(flow, &r->state, topic) &&
        campaign_followup_wanted(topic))
        rc = store_followup_schedule(s, contact_id, topic,
                                     now_ms + followup_hours * 3600LL * 1000, now_ms, NULL);
    return rc;
}

/* One due follow-up, in its own transaction. */
static int send_one(const campaign_env *e, store *s, int64_t id, int64_t now,
                    campaign_step *out)
{
    char state_json[DLG_STATE_JSON_MAX], text[DLG_TEXT_MAX * 2], day[CAMPAIGN_DAY_MAX];
    store_contact c;
    store_followup f;
    dlg_state st;
    dlg_reply q;
    dlg_channel ch;
    campaign_reach reach;
    int64_t message_id = 0, outbox_id = 0;
    int rc, has = 0;
    const char *skip = NULL;

    if ((rc = store_begin(s)))
        return rc;
    if ((rc = store_followup_get(s, id, &f)))
        goto out;
    if (strcmp(f.status, "pending") != 0 || f.due_at > now)
        goto out;           /* answered or moved meanwhile */
    if ((rc = store_contact_get(s, f.contact_id, &c)))
        goto out;
    memset(&reach, 0, sizeof reach);
    reach.channel = c.channel;
    reach.opted_out = c.opted_out;
    reach.last_inbound_at = c.last_inbound_at;
    reach.sms_ok = e->sms_ok;
    reach.zalo_ok = e->zalo_ok;
    switch (campaign_route_choose(&reach, now)) {
    case CAMPAIGN_ROUTE_SELF:
        break;
    case CAMPAIGN_SKIP_OPTED_OUT:
        skip = "opted_out";
        break;
    default:
        skip = "no_channel";
        break;
    }
    if (!skip && dlg_state_decode(c.state, &st) != HD_OK)
        skip = "bad_state";
    if (skip) {
        rc = store_followup_close(s, f.id, skip[0] == 'o' ? "cancelled" : "skipped", NULL, skip,
                                  now);
        goto out;
    }
    campaign_local_day(now, e->window.tz_offset_min, day);
    if ((rc = store_reminder_has(s, c.id, day, &has)))
        goto out;
    if (has) {
        /* Today's reminder went out already: tomorrow's window. */
        rc = store_followup_postpone(s, f.id, campaign_window_next_day(&e->window, now), now);
        goto out;
    }
    rc = dlg_followup_prepare(e->flow, f.intent, &st, &q);
    if (rc == HD_ESTATE || rc == HD_ENOTFOUND) {
        /* A case intake is running (a person takes over), or the flow no
         * longer asks about that topic. */
        rc = store_followup_close(s, f.id, "skipped", NULL,
                                  rc == HD_ESTATE ? "intake" : "no_question", now);
        goto out;
    }
    if (rc || (rc = dlg_channel_parse(c.channel, &ch)))
        goto out;
    rc = dlg_render(&q, ch, text, sizeof text);
    if (rc && rc != HD_ETOOBIG)
        goto out;
    {
        store_message_new m = {
            .contact_id = c.id, .dir = STORE_OUT, .channel = c.channel, .text = text,
            .status = "queued", .created_at = now,
        };
        if ((rc = store_message_add(s, &m, &message_id)))
            goto out;
    }
    {
        outbox_new o = {
            .contact_id = c.id, .message_id = message_id, .channel = c.channel,
            .address = c.address, .text = text, .priority = OUTBOX_BULK,
        };
        if ((rc = outbox_enqueue(s, &o, now, &outbox_id)))
            goto out;
    }
    if ((rc = store_reminder_take(s, c.id, day)) ||
        (rc = dlg_state_encode(&st, state_json, sizeof state_json)) ||
        (rc = store_contact_save(s, c.id, state_json, c.opted_out, 0, now)) ||
        (rc = store_followup_mark_sent(s, f.id, outbox_id, now)))
        goto out;
    if (ch == DLG_CH_SMS)
        out->queued_sms++;
    else
        out->queued_zalo++;
    out->planned++;
out:
    if (rc == HD_OK)
        rc = store_commit(s);
    if (rc)
        store_rollback(s);
    return rc;
}

int campaign_followups_send(const campaign_env *e, store *s, int64_t now_ms,
                            campaign_step *out)
{
    store_followup rows[FOLLOWUP_BATCH];
    int rc, n = 0;

    if (!e || !s || !out)
        return HD_EINVAL;
    memset(out, 0, sizeof *out);
    if (!campaign_window_open(&e->window, now_ms))
        return HD_OK;
    if ((rc = store_followup_due(s, now_ms, rows, FOLLOWUP_BATCH, &n)))
        return rc;
    for (int i = 0; i < n; i++) {
        rc = send_one(e, s, rows[i].id, now_ms, out);
        if (rc == HD_EBUSY || rc == HD_ENOMEM)
            return rc;
        if (rc) {
            /* Not asked again at every pass: set aside, and said so. */
            log_error("campaign: follow-up %lld: %s", (long long)rows[i].id, hd_strerror(rc));
            store_followup_close(s, rows[i].id, "skipped", NULL, "error", now_ms);
        }
    }
    out->more = n == FOLLOWUP_BATCH;
    return HD_OK;
}
