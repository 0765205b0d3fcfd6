/* webhook_common.c -- what both providers' webhooks do once an adapter has
 * parsed the request: one ingest transaction, then wake the channel's
 * delivery worker. */
#include "webhook.h"

#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/ratelimit.h"
#include "ingest/batch.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void webhook_request(const http_req *req, chan_request *out)
{
    memset(out, 0, sizeof *out);
    out->method = req->method;
    out->query = req->query;
    out->query_len = req->query_len;
    out->body = req->body;
    out->body_len = req->body_len;
    out->content_type = http_header(req, "Content-Type");
    out->signature = http_header(req, "X-ZEvent-Signature");
}

static ingest_kind kind_of(chan_event ev)
{
    switch (ev) {
    case CHAN_EV_TEXT:     return INGEST_TEXT;
    case CHAN_EV_FOLLOW:   return INGEST_FOLLOW;
    case CHAN_EV_UNFOLLOW: return INGEST_UNFOLLOW;
    default:               return INGEST_NONTEXT;
    }
}

/* The flood limit: only what a citizen sends counts (texts, pictures ...);
 * follow and unfollow events are rare and always go through. */
static ratelimit_verdict sender_verdict(app *a, dlg_channel ch, const chan_inbound *in,
                                        int64_t now)
{
    char key[CHAN_ADDRESS_MAX + 16];
    int n;

    if (!a->senders || (in->event != CHAN_EV_TEXT && in->event != CHAN_EV_OTHER))
        return RATELIMIT_ALLOW;
    n = snprintf(key, sizeof key, "%s:%s", dlg_channel_name(ch), in->address);
    if (n < 0 || (size_t)n >= sizeof key)
        return RATELIMIT_ALLOW;
    return ratelimit_take(a->senders, key, (size_t)n, now);
}

/* One message on its way through the group commit: everything the answer
 * needs, alive until the group commit reports it (on its syncer thread). */
typedef struct webhook_job {
    ingest_job           job;
    ingest_msg           msg;
    chan_inbound        *in;
    app                 *app;
    http_resp           *resp;
    struct http_pending *pending;
    char                 err[256];
    /* Large, and written before they are read: not zeroed (see webhook_ingest). */
    ingest_result        res;          /* ingest_message_tx sets all of it */
    dlg_understood       understood;   /* read here, not by the committer */
} webhook_job;

static void ingested(ingest_job *j, int rc)
{
    webhook_job *w = j->arg;
    app *a = w->app;
    const char *chname = dlg_channel_name(w->msg.channel);

    if (rc) {
        log_error("webhook %s: %s", chname, w->err[0] ? w->err : hd_strerror(rc));
        metrics_error_rc(a->metrics, rc);
    } else if (!w->res.duplicate) {
        metrics_msg_in(a->metrics, chname);
        if (w->msg.kind == INGEST_THROTTLED) {
            metrics_msg_throttled(a->metrics, chname);
            if (w->msg.notify)
                log_warn("webhook %s: a sender is over %lld messages a minute; its messages are "
                         "kept but not answered until it slows down", chname,
                         a->cfg.sender_rate_per_min);
        }
        if (w->res.step.n_replies)
            app_channel_kick(a, chname);
    }
    webhook_reply_ingested(w->resp, rc, rc == HD_OK && w->res.duplicate);
    http_pending_done(w->pending);
    free(w->in);
    free(w);
}

int webhook_ingest(const http_req *req, http_resp *resp, dlg_channel ch, chan_inbound *in)
{
    int64_t now = clock_now_ms();
    ratelimit_verdict v;
    webhook_job *w;
    int rc;

    if (!req->app->batch || !req->pending) {
        free(in);
        return http_reply_error(resp, 503, "not_ready", "the server is not accepting messages");
    }
    /* Only the head of the job is zeroed: the rest (12 KiB, mostly the
     * step's room for replies) is written before it is read. */
    w = malloc(sizeof *w);
    if (!w) {
        free(in);
        return HD_ENOMEM;
    }
    memset(w, 0, offsetof(webhook_job, res));
    w->res.duplicate = 0;
    w->res.step.n_replies = 0;
    /* A sender over its rate is stored but not read by the bot: nothing a
     * citizen sends is dropped, and a phone stuck re-sending costs no SMS
     * and cannot starve the others (it shares their group commits). */
    v = sender_verdict(req->app, ch, in, now);
    w->in = in;
    w->app = req->app;
    w->resp = resp;
    w->pending = req->pending;
    w->msg = (ingest_msg){
        .kind = v != RATELIMIT_ALLOW ? INGEST_THROTTLED : kind_of(in->event),
        .channel = ch,
        .address = in->address,
        .external_id = in->external_id[0] ? in->external_id : NULL,
        .text = in->event == CHAN_EV_TEXT ? in->text : "",
        .len = in->event == CHAN_EV_TEXT ? in->text_len : 0,
        .now_ms = now,
        .delivery = INGEST_QUEUE,
        .notify = v == RATELIMIT_LIMIT_FIRST,
    };
    /* Reading the text needs no database: done on this (network) thread,
     * it is work the one thread that writes does not do. */
    if (w->msg.kind == INGEST_TEXT) {
        dlg_env de = { .model = req->app->model };
        dlg_understand(&de, w->msg.text, w->msg.len, &w->understood);
        w->msg.understood = &w->understood;
    }
    w->job = (ingest_job){ .in = &w->msg, .out = &w->res, .err = w->err,
                           .errlen = sizeof w->err, .done = ingested, .arg = w };
    rc = ingest_batch_submit(req->app->batch, &w->job);
    if (rc == HD_OK)
        return HTTP_PENDING;
    free(w->in);
    free(w);
    return http_reply_error(resp, 503, "busy", "try again later");
}

int webhook_reply_ingested(http_resp *resp, int rc, int duplicate)
{
    /* Busy database, full disk: 503 makes the provider deliver the message
     * again later, which is what we want rather than losing it. Nothing of
     * it was kept: ingest is one transaction, rolled back. */
    if (rc == HD_EBUSY || rc == HD_EIO)
        return http_reply_error(resp, 503, "busy", "try again later");
    if (rc)
        return http_reply_error(resp, 500, "internal", "the message could not be stored");
    /* A constant: this is the answer to nearly every request. */
    return http_reply_text(resp, 200, "application/json; charset=utf-8",
                           duplicate ? "{\"status\":\"duplicate\"}" : "{\"status\":\"accepted\"}");
}
