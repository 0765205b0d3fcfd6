/* ingest.c -- the one path of an inbound message (see ingest.h). */
#include "ingest/ingest.h"
#include "ingest_int.h"

#include "campaign/campaign.h"
#include "channel/phone.h"
#include "core/err.h"
#include "core/log.h"
#include "store/cases.h"
#include "store/contacts.h"
#include "store/help.h"
#include "store/messages.h"
#include "store/outbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The citizen's answer to "did it work?" (the step's action "outcome",
 * "otp_not_received:solved"), on the latest help request of that topic:
 * this message's own, if it is one. */
static int record_outcome(store *s, int64_t contact_id, const dlg_result *step, int64_t now)
{
    const dlg_action *a = ingest_find_action(step, "outcome");
    char intent[sizeof a->arg];
    const char *colon = a ? strchr(a->arg, ':') : NULL;
    size_t n;
    int rc;

    if (!colon)
        return HD_OK;
    n = (size_t)(colon - a->arg);
    memcpy(intent, a->arg, n);
    intent[n] = '\0';
    rc = store_help_set_outcome(s, contact_id, intent, colon + 1, now);
    /* An outcome for a question asked before the help line kept history is
     * not an error: there is simply nothing to mark. */
    return rc == HD_ENOTFOUND ? HD_OK : rc;
}

/* Which question a help request is about. The classifier's intent is not
 * enough: a menu digit classifies as unknown, and "it still fails" is about
 * the topic being discussed. So: the escalation reason for a case for a
 * person, else the topic whose guidance was just given, else the intent. */
static const char *help_intent(const dlg_result *r)
{
    const dlg_action *a;

    if (r->help == DLG_HELP_PERSON && (a = ingest_find_action(r, "escalate")) != NULL && a->arg[0])
        return a->arg;
    if (r->state.topic[0])
        return r->state.topic;
    return nlu_intent_id(r->nlu.intent);
}

static int store_replies(store *s, const ingest_env *env, const store_contact *c,
                         const ingest_msg *in, const dlg_result *r, char *err, size_t errlen)
{
    char text[DLG_TEXT_MAX * 2];
    int64_t message_id;
    int rc;

    for (int i = 0; i < r->n_replies; i++) {
        store_message_new m = {
            .contact_id = c->id,
            .dir = STORE_OUT,
            .channel = c->channel,
            .text = text,
            .status = in->delivery == INGEST_QUEUE ? "queued" : "shown",
            .created_at = in->now_ms,
        };
        rc = dlg_render_cached(env->render_cache, &r->replies[i], in->channel, text, sizeof text);
        if (rc && rc != HD_ETOOBIG)
            return hd_seterr(err, errlen, rc, "render reply %d: %s", i, hd_strerror(rc));
        rc = store_message_add(s, &m, &message_id);
        if (rc)
            return hd_seterr(err, errlen, rc, "store reply: %s", hd_strerror(rc));
        if (in->delivery != INGEST_QUEUE)
            continue;
        /* Same transaction as the inbound row and the state: either the
         * citizen's message is recorded with its answers queued, or neither. */
        outbox_new o = {
            .contact_id = c->id,
            .message_id = message_id,
            .channel = c->channel,
            .address = c->address,
            .text = text,
            .priority = OUTBOX_REPLY,
        };
        rc = outbox_enqueue(s, &o, in->now_ms, NULL);
        if (rc)
            return hd_seterr(err, errlen, rc, "queue reply: %s", hd_strerror(rc));
    }
    return HD_OK;
}

/* The inbound row's status tells what arrived. */
static const char *const kind_status[] = {
    [INGEST_TEXT] = "received",
    [INGEST_FOLLOW] = "follow",
    [INGEST_NONTEXT] = "non_text",
    [INGEST_UNFOLLOW] = "unfollow",
    [INGEST_THROTTLED] = "throttled",
};

/* A sender over its rate is told once per episode that they were heard (a
 * person typing fast); a phone stuck re-sending gets nothing more. */
static int throttle_notice(const dlg_flow *flow, dlg_result *out)
{
    const char *text = dlg_flow_text(flow, "slow_down");

    if (!text || !*text)
        return HD_OK;
    snprintf(out->replies[0].text, sizeof out->replies[0].text, "%s", text);
    out->n_replies = 1;
    return HD_OK;
}

/* The engine's answer to what arrived; an unfollow gets none. */
static int ingest_step(const ingest_env *env, const store_contact *c, int64_t open_case_id,
                       const dlg_state *st, const ingest_msg *in, dlg_result *out)
{
    char phone[24];
    time_t t = (time_t)(in->now_ms / 1000 + (int64_t)env->tz_offset_min * 60);
    struct tm tm;
    dlg_env de = {
        .flow = env->flow,
        .model = env->model,
        .geo = env->geo,
        .open_case_id = open_case_id,
        .understood = in->kind == INGEST_TEXT ? in->understood : NULL,
    };

    gmtime_r(&t, &tm);
    de.current_year = tm.tm_year + 1900;
    /* An SMS sender's own number is offered as the callback number. */
    if (in->channel == DLG_CH_SMS &&
        phone_format_national(c->address, phone, sizeof phone) == HD_OK)
        de.contact_phone = phone;
    switch (in->kind) {
    case INGEST_TEXT:
        return dlg_step(&de, st, in->text, in->len, out);
    case INGEST_FOLLOW:
        return dlg_on_event(env->flow, st, DLG_EV_FOLLOW, out);
    case INGEST_NONTEXT:
        return dlg_on_event(env->flow, st, DLG_EV_NONTEXT, out);
    case INGEST_UNFOLLOW:
    case INGEST_THROTTLED:
        memset(out, 0, sizeof *out);
        out->state = *st;
        out->nlu.intent = NLU_UNKNOWN;
        if (in->kind == INGEST_THROTTLED && in->notify && !st->opted_out)
            return throttle_notice(env->flow, out);
        return HD_OK;
    }
    return HD_EINVAL;
}

/* The inbound row is the first write: a retried provider message stops
 * there (HD_EDUP) having written nothing. Its text is stored with ID numbers
 * masked, with the intent the step found in it, and, when the step handled
 * it as a question, as a help request. */
static int store_inbound(store *s, const store_contact *c, const ingest_msg *in,
                         const char *masked, const dlg_result *step, int64_t *id)
{
    store_message_new m = {
        .contact_id = c->id,
        .dir = STORE_IN,
        .channel = c->channel,
        .external_id = in->external_id,
        .text = masked,
        .intent = in->kind == INGEST_TEXT ? nlu_intent_id(step->nlu.intent) : NULL,
        .status = kind_status[in->kind],
        .created_at = in->now_ms,
    };

    if (step->help != DLG_HELP_NONE) {
        m.help = step->help == DLG_HELP_PERSON ? "person" : "bot";
        m.help_intent = help_intent(step);
    }
    return store_message_add(s, &m, id);
}

int ingest_message_tx(store *s, const ingest_env *env, const ingest_msg *in,
                      ingest_result *out, char *err, size_t errlen)
{
    store_contact c;
    dlg_state st;
    char state_json[DLG_STATE_JSON_MAX];
    char *masked = NULL;
    int64_t open_case_id = 0;
    int rc;

    if (!s || !env || !env->flow || !in || !out || !in->address || !in->text ||
        (unsigned)in->kind > INGEST_THROTTLED)
        return HD_EINVAL;
    memset(out, 0, sizeof *out);
    masked = malloc(in->len + 1);
    if (!masked)
        return HD_ENOMEM;
    memcpy(masked, in->text, in->len);
    masked[in->len] = '\0';
    dlg_mask_idnums(masked);

    rc = store_contact_upsert(s, dlg_channel_name(in->channel), in->address, in->now_ms, &c);
    if (rc) {
        hd_seterr(err, errlen, rc, "contact: %s", hd_strerror(rc));
        goto out;
    }
    out->contact_id = c.id;
    open_case_id = c.open_case_id;

    if (dlg_state_decode(c.state, &st) != HD_OK && c.state[0])
        log_warn("ingest: contact %lld had an unreadable state; starting over", (long long)c.id);
    /* The step writes nothing: it runs before the inbound row, whose
     * intent it gives. */
    rc = ingest_step(env, &c, open_case_id, &st, in, &out->step);
    if (rc) {
        hd_seterr(err, errlen, rc, "dialogue step: %s", hd_strerror(rc));
        goto out;
    }
    rc = store_inbound(s, &c, in, masked, &out->step, &out->message_id);
    if (rc == HD_EDUP) {
        memset(&out->step, 0, sizeof out->step);
        out->duplicate = 1;
        rc = HD_OK;
        goto out;
    }
    if (rc) {
        hd_seterr(err, errlen, rc, "inbound: %s", hd_strerror(rc));
        goto out;
    }
    rc = record_outcome(s, c.id, &out->step, in->now_ms);
    if (rc) {
        hd_seterr(err, errlen, rc, "outcome: %s", hd_strerror(rc));
        goto out;
    }
    rc = ingest_cases(s, env, in, c.id, open_case_id, masked, out, err, errlen);
    if (rc)
        goto out;
    /* Follow-ups to schedule, answer or cancel; a confirmed activation. */
    rc = campaign_followup_on_step(s, env->flow, c.id, &out->step, in->now_ms, env->followup_hours);
    if (rc) {
        hd_seterr(err, errlen, rc, "follow-up: %s", hd_strerror(rc));
        goto out;
    }
    rc = store_replies(s, env, &c, in, &out->step, err, errlen);
    if (rc)
        goto out;
    rc = dlg_state_encode(&out->step.state, state_json, sizeof state_json);
    if (rc) {
        hd_seterr(err, errlen, rc, "encode state: %s", hd_strerror(rc));
        goto out;
    }
    rc = store_contact_save(s, c.id, state_json, out->step.state.opted_out, 1, in->now_ms);
    if (rc)
        hd_seterr(err, errlen, rc, "save state: %s", hd_strerror(rc));
out:
    free(masked);
    return rc;
}

int ingest_message(store *s, const ingest_env *env, const ingest_msg *in,
                   ingest_result *out, char *err, size_t errlen)
{
    int rc;

    if (!s || !out)
        return HD_EINVAL;
    rc = store_begin(s);
    if (rc)
        return hd_seterr(err, errlen, rc, "begin: %s", hd_strerror(rc));
    rc = ingest_message_tx(s, env, in, out, err, errlen);
    if (rc || out->duplicate) {
        store_rollback(s);
        return rc;
    }
    rc = store_commit(s);
    if (rc) {
        store_rollback(s);
        return hd_seterr(err, errlen, rc, "commit: %s", hd_strerror(rc));
    }
    return HD_OK;
}
