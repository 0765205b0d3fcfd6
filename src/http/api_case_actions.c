/* api_case_actions.c -- POST /api/v1/cases/{id}/claim|reply|resolve|close.
 *
 * Each action is one transaction: the case's change, its event (kept by the
 * store), the audit row and, for reply and resolve, the message to the
 * citizen queued in the outbox on the case's channel. */
#include "core/utf8.h"
#include "case_view.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "dialog/render.h"
#include "routes.h"
#include "store/audit.h"
#include "store/communes.h"
#include "store/contacts.h"
#include "store/messages.h"
#include "store/outbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OFFICER_TEXT_MAX_CHARS 1000

/* The optional or required string field of a JSON body, bounded. Answers
 * 400 and returns HD_EINVAL when it is wrong. */
static int body_text(const http_req *req, cJSON *body, const char *key, int required,
                     const char **out, http_resp *resp)
{
    cJSON *v = body ? cJSON_GetObjectItemCaseSensitive(body, key) : NULL;
    char msg[128];

    *out = NULL;
    if (!v || cJSON_IsNull(v)) {
        if (!required)
            return HD_OK;
    } else if (cJSON_IsString(v) && utf8_chars(v->valuestring) <= OFFICER_TEXT_MAX_CHARS &&
               (!required || v->valuestring[strspn(v->valuestring, " \t\r\n")])) {
        *out = v->valuestring;
        return HD_OK;
    }
    snprintf(msg, sizeof msg, "\"%s\" must be a %stext of at most %d characters", key,
             required ? "non-empty " : "", OFFICER_TEXT_MAX_CHARS);
    http_reply_error(resp, 400, "bad_request", msg);
    return HD_EINVAL;
}

/* Queue text (from a messages/ template) to the citizen of case c: an
 * outbound message row, its outbox row, and the case event. */
static int send_to_citizen(const http_req *req, store *s, const store_case *c,
                           const char *tpl_key, const char *kind, const char *value,
                           int64_t now, int64_t *message_id)
{
    const char *tpl = dlg_flow_text(req->app->flow, tpl_key);
    char commune[STORE_COMMUNE_NAME_MAX + 8], case_id[24], actor[CASE_ACTOR_MAX];
    const char *unit = dlg_flow_text(req->app->flow, "intake_unit_none");
    char *rendered = NULL, *said = NULL;
    store_contact ct;
    store_commune sc;
    dlg_channel ch;
    dlg_reply *r = NULL;
    int rc;

    if (!tpl)
        return HD_ENOTFOUND;
    /* The commune's name, or the generic word of messages/ for a case of
     * the province's queue. */
    snprintf(commune, sizeof commune, "%s", unit ? unit : "");
    if (c->commune_code[0] && store_commune_get(s, c->commune_code, &sc) == HD_OK)
        snprintf(commune, sizeof commune, "%s", sc.name);
    snprintf(case_id, sizeof case_id, "%lld", (long long)c->id);
    r = calloc(1, sizeof *r);
    rendered = malloc(DLG_TEXT_MAX * 2);
    said = strdup(value ? value : "");
    if (!r || !rendered || !said) {
        rc = HD_ENOMEM;
        goto out;
    }
    /* An ID number has no business in an SMS or a chat message: whatever
     * an officer types, it leaves (and is stored) masked. */
    dlg_mask_idnums(said);
    const char *kv[] = { "commune", commune, "case_id", case_id, "text", said, "note", said, NULL };
    if ((rc = store_contact_get(s, c->contact_id, &ct)))
        goto out;
    if (dlg_channel_parse(ct.channel, &ch) != HD_OK)
        ch = DLG_CH_CONSOLE;
    /* Too long for the channel (three SMS parts once rendered): refused
     * rather than cut, so that the officer knows. */
    if ((rc = dlg_template_fill(tpl, kv, r->text, sizeof r->text)) ||
        (rc = dlg_render(r, ch, rendered, ch == DLG_CH_SMS ? DLG_SMS_MAX + 1 : DLG_TEXT_MAX * 2)))
        goto out;
    store_message_new m = {
        .contact_id = ct.id, .dir = STORE_OUT, .channel = ct.channel, .text = rendered,
        .status = "queued", .created_at = now,
    };
    if ((rc = store_message_add(s, &m, message_id)))
        goto out;
    /* Console contacts have no provider: the message is only recorded. */
    if (ch != DLG_CH_CONSOLE) {
        outbox_new o = {
            .contact_id = ct.id, .message_id = *message_id, .channel = ct.channel,
            .address = ct.address, .text = rendered, .priority = OUTBOX_OFFICER,
        };
        if ((rc = outbox_enqueue(s, &o, now, NULL)))
            goto out;
    }
    case_actor_user(req->user->id, actor);
    rc = store_case_event_add(s, c->id, actor, kind, *message_id, rendered, now, NULL);
out:
    free(said);
    free(rendered);
    free(r);
    return rc;
}

typedef enum case_action { ACT_CLAIM, ACT_REPLY, ACT_RESOLVE, ACT_CLOSE } case_action;

static int case_act(const http_req *req, http_resp *resp, case_action act)
{
    static const char *const audit_names[] = { "case.claim", "case.reply", "case.resolve",
                                               "case.close" };
    const char *text = NULL;
    case_close_reason why = CASE_CLOSE_NONE;
    store_case *c = malloc(sizeof *c);
    cJSON *body = NULL;
    int64_t now = clock_now_ms(), message_id = 0;
    int rc = HD_OK, in_tx = 0, notify = 0;
    store *s = NULL;

    if (!c)
        return HD_ENOMEM;
    if (act != ACT_CLAIM) {
        body = http_body_json(req, resp);
        if (!body)
            goto out;
    }
    if (act == ACT_REPLY && body_text(req, body, "text", 1, &text, resp))
        goto out;
    if (act == ACT_RESOLVE && body_text(req, body, "note", 0, &text, resp))
        goto out;
    if (act == ACT_CLOSE) {
        cJSON *v = cJSON_GetObjectItemCaseSensitive(body, "reason");
        if (!cJSON_IsString(v) || case_close_reason_parse(v->valuestring, &why) != HD_OK ||
            why == CASE_CLOSE_NONE) {
            http_reply_error(resp, 400, "bad_request",
                             "\"reason\" must be \"duplicate\" or \"unreachable\"");
            goto out;
        }
    }
    s = app_store_acquire(req->app);
    if ((rc = store_begin(s)))
        goto out;
    in_tx = 1;
    rc = case_load(req, s, c, resp);
    if (rc == HD_ENOTFOUND) {
        rc = HD_OK;
        goto out;
    }
    if (rc)
        goto out;
    switch (act) {
    case ACT_CLAIM:
        rc = store_case_claim(s, c->id, req->user->id, now);
        break;
    case ACT_REPLY:
        /* Answering an open case takes it: the queue shows who is on it. */
        rc = c->status == CASE_OPEN ? store_case_claim(s, c->id, req->user->id, now)
             : (c->status & CASE_ACTIVE) ? HD_OK : HD_ESTATE;
        if (rc == HD_OK)
            rc = send_to_citizen(req, s, c, "officer_reply", "reply", text, now, &message_id);
        notify = 1;
        break;
    case ACT_RESOLVE:
        rc = store_case_resolve(s, c->id, req->user->id, text, now);
        if (rc == HD_OK)
            rc = send_to_citizen(req, s, c, text && *text ? "case_resolved" : "case_resolved_no_note",
                                 "message", text, now, &message_id);
        notify = 1;
        break;
    case ACT_CLOSE:
        rc = store_case_close(s, c->id, req->user->id, why, now);
        break;
    }
    if (rc == HD_ETOOBIG) {
        http_reply_error(resp, 400, "too_long",
                         "the message is too long for the citizen's channel: an SMS holds 459 "
                         "characters without diacritics, with the case number and commune");
        rc = HD_OK;
        goto out;
    }
    if (rc == HD_ESTATE) {
        http_reply_error(resp, 409, "conflict",
                         "the case is not in a state that allows this (claimed by someone else, "
                         "resolved or closed)");
        rc = HD_OK;
        goto out;
    }
    if (rc)
        goto out;
    if ((rc = store_audit_add(s, req->user->id, audit_names[act], c->id, NULL, now)))
        goto out;
    if ((rc = store_commit(s)))
        goto out;
    in_tx = 0;
    if (notify)
        app_channel_kick(req->app, c->channel);
    if (store_case_get(s, c->id, c) == HD_OK) {
        cJSON *o = case_json(req, s, c, 0);
        if (message_id)
            cJSON_AddNumberToObject(o, "message_id", (double)message_id);
        cJSON_AddBoolToObject(o, "queued", message_id != 0);
        http_reply_json(resp, act == ACT_REPLY ? 202 : 200, o);
    }
out:
    if (in_tx)
        store_rollback(s);
    if (s)
        app_store_release(req->app, s);
    cJSON_Delete(body);
    free(c);
    return rc;
}

int http_case_claim(const http_req *req, http_resp *resp)
{
    return case_act(req, resp, ACT_CLAIM);
}

int http_case_reply(const http_req *req, http_resp *resp)
{
    return case_act(req, resp, ACT_REPLY);
}

int http_case_resolve(const http_req *req, http_resp *resp)
{
    return case_act(req, resp, ACT_RESOLVE);
}

int http_case_close(const http_req *req, http_resp *resp)
{
    return case_act(req, resp, ACT_CLOSE);
}
