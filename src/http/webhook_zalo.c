/* webhook_zalo.c -- POST /webhooks/zalo: events of the Official Account.
 *
 * The signature is checked over the raw body before anything is recorded
 * (401 otherwise). Zalo retries an event that was not answered 200 within
 * 2 s, so every event that carries no msg_id (follow, unfollow) gets a
 * derived id from its kind, user and timestamp, and duplicates are dropped. */
#include "core/err.h"
#include "core/log.h"
#include "routes.h"
#include "webhook.h"

#include <stdio.h>
#include <stdlib.h>

int http_zalo_inbound(const http_req *req, http_resp *resp)
{
    app_channel *ch = app_channel_get(req->app, "zalo");
    chan_inbound *in;
    chan_request cr;
    char err[256] = "";
    int rc;

    if (!ch || !ch->adapter)
        return http_reply_error(resp, 401, "unauthorized",
                                "the Zalo channel is not configured; no signature can be verified");
    in = malloc(sizeof *in);
    if (!in)
        return HD_ENOMEM;
    webhook_request(req, &cr);
    rc = ch->adapter->parse(ch->adapter, &cr, in, err, sizeof err);
    if (rc == HD_EAUTH) {
        log_warn("zalo: refused an event with a missing or wrong signature");
        http_reply_error(resp, 401, "bad_signature", "X-ZEvent-Signature is missing or wrong");
        rc = HD_OK;
        goto out;
    }
    if (rc) {
        log_warn("zalo: refused an event: %s", err[0] ? err : hd_strerror(rc));
        http_reply_error(resp, 400, "bad_request", err[0] ? err : "malformed Zalo event");
        rc = HD_OK;
        goto out;
    }
    if (in->event == CHAN_EV_IGNORE) {
        webhook_reply_ingested(resp, HD_OK, 0);
        goto out;
    }
    if (!in->external_id[0])
        snprintf(in->external_id, sizeof in->external_id, "%.24s:%.60s:%lld", in->kind,
                 in->address, (long long)in->ts_ms);
    return webhook_ingest(req, resp, DLG_CH_ZALO, in);
out:
    free(in);
    return rc;
}
