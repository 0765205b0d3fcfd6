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

/* One message through the group commit (batch.h), or, without one
 * (tests, tools), through a connection of the pool. */
static int ingest_one(const http_req *req, const ingest_msg *m, ingest_result *res,
                      char *err, size_t errlen)
{
    ingest_env env;
    store *s = NULL;
    int rc;

    if (req->app->batch)
        return ingest_batch_run(req->app->batch, m, res, err, errlen);
    /* Bounded: a request that cannot get a connection in time answers 503
     * (the provider retries) instead of holding a handler thread. */
    rc = app_store_acquire_wait(req->app, req->app->cfg.queue_wait_ms, &s);
    if (rc)
        return hd_seterr(err, errlen, rc, "no database connection free in time");
    app_ingest_env(req->app, &env);
    rc = ingest_message(s, &env, m, res, err, errlen);
    app_store_release(req->app, s);
    return rc;
}

int webhook_ingest(const http_req *req, dlg_channel ch, const chan_inbound *in,
                   int *duplicate)
{
    const char *chname = dlg_channel_name(ch);
    ingest_result *res;
    char err[256] = "";
    int64_t now = clock_now_ms();
    ratelimit_verdict v;
    int rc;

    *duplicate = 0;
    /* A sender over its rate is stored but not read by the bot: nothing a
     * citizen sends is dropped, and a phone stuck re-sending costs no SMS
     * and cannot starve the others (it shares their group commits). */
    v = sender_verdict(req->app, ch, in, now);
    res = malloc(sizeof *res);
    if (!res)
        return HD_ENOMEM;
    ingest_msg m = {
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
    rc = ingest_one(req, &m, res, err, sizeof err);
    if (rc) {
        log_error("webhook %s: %s", chname, err[0] ? err : hd_strerror(rc));
        metrics_error_rc(req->app->metrics, rc);
    } else if (res->duplicate) {
        *duplicate = 1;
    } else {
        metrics_msg_in(req->app->metrics, chname);
        if (m.kind == INGEST_THROTTLED) {
            metrics_msg_throttled(req->app->metrics, chname);
            if (m.notify)
                log_warn("webhook %s: a sender is over %lld messages a minute; its messages are "
                         "kept but not answered until it slows down", chname,
                         req->app->cfg.sender_rate_per_min);
        }
        if (res->step.n_replies)
            app_channel_kick(req->app, chname);
    }
    free(res);
    return rc;
}

int webhook_reply_ingested(http_resp *resp, int rc, int duplicate)
{
    cJSON *o;

    /* Busy database, full disk: 503 makes the provider deliver the message
     * again later, which is what we want rather than losing it. Nothing of
     * it was kept: ingest is one transaction, rolled back. */
    if (rc == HD_EBUSY || rc == HD_EIO)
        return http_reply_error(resp, 503, "busy", "try again later");
    if (rc)
        return http_reply_error(resp, 500, "internal", "the message could not be stored");
    o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "status", duplicate ? "duplicate" : "accepted");
    return http_reply_json(resp, 200, o);
}
