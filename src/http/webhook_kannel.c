/* webhook_kannel.c -- GET|POST /webhooks/kannel (an SMS from a citizen,
 * through smsbox) and GET|POST /webhooks/kannel/dlr (a delivery report).
 *
 * smsbox counts only 200/202 as success and retries anything else (when
 * http-request-retry is set), so 200 is answered only once the message is
 * committed, and a malformed request gets 400 (retrying cannot fix it). */
#include "channel/kannel.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "routes.h"
#include "store/outbox.h"
#include "webhook.h"

#include "core/form.h"

#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

/* With KANNEL_WEBHOOK_KEY set, a request must carry it as `key` (compared in
 * constant time): the webhooks are reachable by anyone who can reach the
 * server. Answers 403 and returns 0 when it does not. */
static int key_ok(const http_req *req, http_resp *resp)
{
    const char *want = req->app->cfg.kannel_webhook_key;
    char got[SETTINGS_STR_MAX];
    size_t n = 0, wn = strlen(want);

    if (!*want)
        return 1;
    /* In the query (get-url, dlr-url) or, for a POST, in the form body. */
    if (form_get(req->query, req->query_len, "key", got, sizeof got, &n) != HD_OK &&
        form_get(req->body, req->body_len, "key", got, sizeof got, &n) != HD_OK)
        n = 0;
    if (n != wn || CRYPTO_memcmp(got, want, wn) != 0) {
        http_reply_error(resp, 403, "forbidden", "missing or wrong webhook key");
        return 0;
    }
    return 1;
}

int http_kannel_inbound(const http_req *req, http_resp *resp)
{
    app_channel *ch = app_channel_get(req->app, "sms");
    chan_inbound *in;
    chan_request cr;
    char err[256] = "";
    int rc;

    if (!ch || !ch->adapter)
        return http_reply_error(resp, 503, "not_configured", "the SMS channel is not set up");
    if (!key_ok(req, resp))
        return HD_OK;
    in = malloc(sizeof *in);
    if (!in)
        return HD_ENOMEM;
    webhook_request(req, &cr);
    rc = ch->adapter->parse(ch->adapter, &cr, in, err, sizeof err);
    if (rc == HD_OK)
        return webhook_ingest(req, resp, DLG_CH_SMS, in);
    log_warn("kannel: refused an inbound request: %s", err[0] ? err : hd_strerror(rc));
    free(in);
    return http_reply_error(resp, 400, "bad_request", err[0] ? err : "malformed Kannel request");
}

/* Kannel's report bits: 1 delivered, 2 not delivered, 4 queued at the SMSC,
 * 8 accepted by the SMSC, 16 rejected by the SMSC. Reports can come in any
 * order and more than once; the outbox keeps only forward moves. */
int http_kannel_dlr(const http_req *req, http_resp *resp)
{
    int64_t id = 0, now = clock_now_ms();
    chan_request cr;
    int bits = 0, rc;
    store *s = NULL;
    cJSON *o;

    if (!key_ok(req, resp))
        return HD_OK;
    webhook_request(req, &cr);
    if (kannel_parse_dlr(&cr, &id, &bits) != HD_OK)
        return http_reply_error(resp, 400, "bad_request", "outbox and status are required");
    rc = app_store_acquire_wait(req->app, req->app->cfg.queue_wait_ms, &s);
    if (rc)
        return rc;   /* 503: Kannel repeats the report */
    if (bits & 1)
        rc = outbox_mark_report(s, id, 1, now);
    else if (bits & (2 | 16))
        rc = outbox_mark_report(s, id, 0, now);
    else   /* 4 / 8: the gateway has it, which settles an interrupted send */
        rc = outbox_mark_sent(s, id, NULL, now);
    app_store_release(req->app, s);
    if (rc == HD_EBUSY)
        return http_reply_error(resp, 503, "busy", "try again later");
    /* An unknown id or a report that changes nothing is still answered 200:
     * asking Kannel to repeat it would not make it more useful. */
    if (rc && rc != HD_ENOTFOUND && rc != HD_ESTATE)
        return rc;
    log_debug("kannel: report %d for outbox %lld", bits, (long long)id);
    o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "status", rc == HD_OK ? "recorded" : "ignored");
    return http_reply_json(resp, 200, o);
}
