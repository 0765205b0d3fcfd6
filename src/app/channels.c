/* channels.c -- from settings to running channels.
 *
 * SMS: the Kannel adapter always exists (parsing a webhook needs no
 * settings); its worker starts only when KANNEL_SENDSMS_URL is set, so that a
 * help line without a gateway still records and queues everything.
 * Zalo: needs ZALO_APP_ID and a signature key to accept anything; sending
 * needs a token (ZALO_ACCESS_TOKEN / ZALO_REFRESH_TOKEN seed the store). */
#include "app/app.h"

#include "channel/httpc.h"
#include "channel/kannel.h"
#include "channel/zalo.h"
#include "channel/zalo_token.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "outbox/worker.h"

#include <stdio.h>
#include <string.h>

static outbox_worker_cfg worker_cfg(const settings *c, long long rate)
{
    outbox_worker_cfg w = {
        .rate_per_s = (double)rate,
        .max_attempts = (int)c->outbox_max_attempts,
        .lease_ms = c->outbox_lease_ms,
        .backoff_max_ms = c->outbox_backoff_max_ms,
    };
    return w;
}

static int start_sms(app *a, char *err, size_t errlen)
{
    const settings *c = &a->cfg;
    char base[SETTINGS_STR_MAX + 32];
    kannel_cfg k = { 0 };
    outbox_worker_cfg w;
    int rc;

    /* Delivery reports come back to us: the public URL, or where we listen. */
    if (c->public_url[0])
        snprintf(base, sizeof base, "%s", c->public_url);
    else
        snprintf(base, sizeof base, "http://%s:%lld", c->http_host, c->http_port);
    k.sendsms_url = c->kannel_sendsms_url;
    k.user = c->kannel_user;
    k.password = c->kannel_password;
    k.sender = c->sms_sender;
    k.dlr_url_base = base;
    k.dlr_mask = (int)c->kannel_dlr_mask;
    k.timeout_ms = c->send_timeout_ms;
    k.webhook_key = c->kannel_webhook_key;
    rc = kannel_adapter_new(&k, &a->sms.adapter);
    if (rc)
        return hd_seterr(err, errlen, rc, "sms adapter: %s", hd_strerror(rc));
    if (!c->kannel_sendsms_url[0]) {
        log_warn("channels: KANNEL_SENDSMS_URL not set: SMS replies are queued, not sent");
        return HD_OK;
    }
    w = worker_cfg(c, c->sms_rate_per_s);
    rc = outbox_worker_start(a, a->sms.adapter, &w, &a->sms.worker, err, errlen);
    if (rc == HD_OK)
        log_info("channels: sms through Kannel at %lld messages/s", c->sms_rate_per_s);
    return rc;
}

static int start_zalo(app *a, char *err, size_t errlen)
{
    const settings *c = &a->cfg;
    zalo_token_cfg tc = { 0 };
    zalo_token_io io;
    zalo_cfg z = { 0 };
    outbox_worker_cfg w;
    int rc;

    if (!c->zalo_app_id[0] || (!c->zalo_oa_secret[0] && !c->zalo_app_secret[0])) {
        log_warn("channels: ZALO_APP_ID and ZALO_OA_SECRET not set: Zalo webhooks are refused");
        return HD_OK;
    }
    rc = store_open(c->db_path, &a->token_store, err, errlen);
    if (rc)
        return rc;
    zalo_token_io_store(&io, a->token_store);
    tc.app_id = c->zalo_app_id;
    tc.app_secret = c->zalo_app_secret;
    tc.oauth_base = c->zalo_oauth_base;
    tc.timeout_ms = c->send_timeout_ms;
    tc.seed_access = c->zalo_access_token;
    tc.seed_refresh = c->zalo_refresh_token;
    rc = zalo_token_new(&tc, &io, clock_now_ms(), &a->zalo_token, err, errlen);
    if (rc)
        return rc;

    z.app_id = c->zalo_app_id;
    z.oa_secret = c->zalo_oa_secret;
    z.app_secret = c->zalo_app_secret;
    z.api_base = c->zalo_api_base;
    z.oauth_base = c->zalo_oauth_base;
    z.sig_key = c->zalo_sig_key;
    z.sig_variant = c->zalo_sig_variant;
    z.timeout_ms = c->send_timeout_ms;
    rc = zalo_adapter_new(&z, a->zalo_token, &a->zalo.adapter, err, errlen);
    if (rc)
        return rc;
    w = worker_cfg(c, c->zalo_rate_per_s);
    rc = outbox_worker_start(a, a->zalo.adapter, &w, &a->zalo.worker, err, errlen);
    if (rc == HD_OK)
        log_info("channels: zalo through %s at %lld messages/s", c->zalo_api_base,
                 c->zalo_rate_per_s);
    return rc;
}

int app_channels_start(app *a, char *err, size_t errlen)
{
    int rc;

    if (!a)
        return HD_EINVAL;
    rc = httpc_global_init();
    if (rc)
        return hd_seterr(err, errlen, rc, "libcurl would not initialise");
    rc = start_sms(a, err, errlen);
    if (rc == HD_OK)
        rc = start_zalo(a, err, errlen);
    if (rc)
        app_channels_stop(a);
    return rc;
}

static void stop_channel(app_channel *ch)
{
    outbox_worker_stop(ch->worker);
    ch->worker = NULL;
    if (ch->adapter && ch->adapter->destroy)
        ch->adapter->destroy(ch->adapter);
    ch->adapter = NULL;
}

void app_channels_stop(app *a)
{
    if (!a)
        return;
    /* Workers first: they use the adapters, the token and the pool. */
    stop_channel(&a->sms);
    stop_channel(&a->zalo);
    zalo_token_free(a->zalo_token);
    a->zalo_token = NULL;
    store_close(a->token_store);
    a->token_store = NULL;
    httpc_global_cleanup();
}

app_channel *app_channel_get(app *a, const char *name)
{
    if (!a || !name)
        return NULL;
    if (strcmp(name, "sms") == 0)
        return &a->sms;
    if (strcmp(name, "zalo") == 0)
        return &a->zalo;
    return NULL;
}

void app_channel_kick(app *a, const char *name)
{
    app_channel *ch = app_channel_get(a, name);

    if (ch)
        outbox_worker_kick(ch->worker);
}
