/* webhook_common.c -- what both providers' webhooks do once an adapter has
 * parsed the request: one ingest transaction, then wake the channel's
 * delivery worker. */
#include "webhook.h"

#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"

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

int webhook_ingest(const http_req *req, dlg_channel ch, const chan_inbound *in,
                   int *duplicate)
{
    ingest_result *res;
    ingest_env env;
    char err[256] = "";
    store *s;
    int rc;

    *duplicate = 0;
    res = malloc(sizeof *res);
    if (!res)
        return HD_ENOMEM;
    ingest_msg m = {
        .kind = kind_of(in->event),
        .channel = ch,
        .address = in->address,
        .external_id = in->external_id[0] ? in->external_id : NULL,
        .text = in->event == CHAN_EV_TEXT ? in->text : "",
        .len = in->event == CHAN_EV_TEXT ? in->text_len : 0,
        .now_ms = clock_now_ms(),
        .delivery = INGEST_QUEUE,
    };
    s = app_store_acquire(req->app);
    app_ingest_env(req->app, &env);
    rc = ingest_message(s, &env, &m, res, err, sizeof err);
    app_store_release(req->app, s);
    if (rc)
        log_error("webhook %s: %s", dlg_channel_name(ch), err);
    else if (res->duplicate)
        *duplicate = 1;
    else
        app_channel_kick(req->app, dlg_channel_name(ch));
    free(res);
    return rc;
}

int webhook_reply_ingested(http_resp *resp, int rc, int duplicate)
{
    cJSON *o;

    /* Busy database: 503 makes the provider deliver the message again
     * later, which is what we want rather than losing it. */
    if (rc == HD_EBUSY)
        return http_reply_error(resp, 503, "busy", "try again later");
    if (rc)
        return http_reply_error(resp, 500, "internal", "the message could not be stored");
    o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "status", duplicate ? "duplicate" : "accepted");
    return http_reply_json(resp, 200, o);
}
