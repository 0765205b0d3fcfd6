/* kannel_send.c -- replies through Kannel's sendsms interface.
 *
 * sendsms takes everything in the query string, the password and the text
 * included, so the URL built here must never reach a log: errors are
 * reported with the HTTP status and Kannel's own fixed answer only. */
#include "channel/kannel.h"
#include "channel/charset.h"
#include "channel/httpc.h"
#include "channel/phone.h"
#include "core/err.h"
#include "core/log.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int ks_param(buf *out, const char *name, const char *val, size_t len)
{
    int rc = buf_appendf(out, "&%s=", name);

    return rc ? rc : httpc_urlencode(val, len, out);
}

int kannel_build_sendsms_url(const kannel_cfg *cfg, const chan_outbound *m, buf *out,
                             char *err, size_t errlen)
{
    char to[PHONE_MAX];
    int rc;

    if (!cfg || !m || !out || !cfg->sendsms_url || !*cfg->sendsms_url || !cfg->user ||
        !cfg->password || !m->address || (!m->text && m->text_len))
        return hd_seterr(err, errlen, HD_EINVAL, "kannel: bad arguments");
    buf_reset(out);
    if (phone_format_sms_to(m->address, to, sizeof to) != HD_OK)
        return hd_seterr(err, errlen, HD_EINVAL, "kannel: outbox %" PRId64 ": address is not a phone number",
                         m->outbox_id);
    if (m->text_len == 0)
        return hd_seterr(err, errlen, HD_EINVAL, "kannel: outbox %" PRId64 ": empty text", m->outbox_id);

    /* username first so the URL reads like Kannel's documentation; the
     * leading '&' of ks_param becomes '?' unless the base has a query */
    rc = buf_appends(out, cfg->sendsms_url);
    if (!rc)
        rc = buf_appends(out, strchr(cfg->sendsms_url, '?') ? "&" : "?");
    if (!rc)
        rc = buf_appends(out, "username=");
    if (!rc)
        rc = httpc_urlencode(cfg->user, strlen(cfg->user), out);
    if (!rc)
        rc = ks_param(out, "password", cfg->password, strlen(cfg->password));
    if (!rc)
        rc = ks_param(out, "to", to, strlen(to));
    if (!rc && cfg->sender && *cfg->sender)
        rc = ks_param(out, "from", cfg->sender, strlen(cfg->sender));
    if (!rc)
        rc = ks_param(out, "text", m->text, m->text_len);
    /* Without coding=2 Kannel squeezes the text into GSM-7 and every
     * Vietnamese letter it lacks arrives as '?'. */
    if (!rc && !charset_is_gsm7_ascii(m->text, m->text_len))
        rc = buf_appends(out, "&coding=2");
    if (!rc)
        rc = buf_appends(out, "&charset=UTF-8");
    if (!rc && cfg->dlr_url_base && *cfg->dlr_url_base) {
        char dlr[1024];
        size_t base = strlen(cfg->dlr_url_base);
        int n;

        while (base && cfg->dlr_url_base[base - 1] == '/')
            base--;
        /* %d stays literal: Kannel puts the report type there */
        /* The report comes back with our webhook key, when one is set. */
        n = snprintf(dlr, sizeof dlr, "%.*s/webhooks/kannel/dlr?outbox=%" PRId64 "&status=%%d%s%s",
                     (int)base, cfg->dlr_url_base, m->outbox_id,
                     cfg->webhook_key && *cfg->webhook_key ? "&key=" : "",
                     cfg->webhook_key && *cfg->webhook_key ? cfg->webhook_key : "");
        if (n < 0 || (size_t)n >= sizeof dlr)
            return hd_seterr(err, errlen, HD_ECONFIG, "kannel: dlr_url_base too long");
        rc = buf_appendf(out, "&dlr-mask=%d", cfg->dlr_mask > 0 ? cfg->dlr_mask : KANNEL_DLR_MASK_DEFAULT);
        if (!rc)
            rc = ks_param(out, "dlr-url", dlr, (size_t)n);
    }
    if (!rc && out->len > KANNEL_URL_MAX)
        rc = HD_ETOOBIG;
    if (rc) {
        buf_reset(out);
        return hd_seterr(err, errlen, rc, "kannel: outbox %" PRId64 ": sendsms URL: %s",
                         m->outbox_id, hd_strerror(rc));
    }
    return HD_OK;
}

/* Kannel's first answer line, printable ASCII only, for the reason column. */
static void ks_first_line(const char *body, char *line, size_t cap)
{
    size_t n = 0;

    if (body)
        for (; *body && *body != '\r' && *body != '\n' && n + 1 < cap; body++)
            line[n++] = (*body >= 0x20 && *body < 0x7F) ? *body : '?';
    while (n && line[n - 1] == ' ')
        n--;
    line[n] = '\0';
}

int kannel_map_answer(long status, const char *body, int transport_rc, chan_send_result *out)
{
    char line[96];

    if (!out)
        return HD_EINVAL;
    memset(out, 0, sizeof *out);
    if (transport_rc != HD_OK) {
        out->status = CHAN_RETRY;
        snprintf(out->reason, sizeof out->reason, "sendsms not reached: %s",
                 hd_strerror(transport_rc));
        return HD_OK;
    }
    ks_first_line(body, line, sizeof line);
    if (status >= 200 && status < 300 &&
        (status == 202 || strncmp(line, "0:", 2) == 0 || strncmp(line, "3:", 2) == 0)) {
        out->status = CHAN_SENT;          /* Kannel never tells its message id */
    } else if (status == 400 || status == 403) {
        out->status = CHAN_FAIL;          /* bad user/password, rejected parameters */
    } else {
        out->status = CHAN_RETRY;         /* 5xx, 503 while queues are full, oddities */
    }
    snprintf(out->reason, sizeof out->reason, "HTTP %ld: %s", status, line[0] ? line : "(no text)");
    return HD_OK;
}

int kannel_send(const kannel_cfg *cfg, const chan_outbound *m, chan_send_result *out)
{
    buf url;
    httpc_req req;
    httpc_resp resp;
    char err[CHAN_REASON_MAX], to[PHONE_MAX];
    int rc = HD_OK;

    if (!out)
        return HD_EINVAL;
    memset(out, 0, sizeof *out);
    if (!cfg || !m) {
        out->status = CHAN_FAIL;
        snprintf(out->reason, sizeof out->reason, "kannel: bad arguments");
        return HD_EINVAL;
    }
    buf_init(&url, KANNEL_URL_MAX);
    buf_init(&resp.body, 4096);
    resp.status = 0;
    resp.retry_after_s = -1;

    /* a number we cannot write is this contact's problem, not the message's */
    if (!m->address || phone_format_sms_to(m->address, to, sizeof to) != HD_OK) {
        out->status = CHAN_UNREACHABLE;
        snprintf(out->reason, sizeof out->reason, "not a phone number or short code");
        goto out;
    }
    err[0] = '\0';
    rc = kannel_build_sendsms_url(cfg, m, &url, err, sizeof err);
    if (rc) {
        /* an empty or oversized text stays bad; memory may come back */
        out->status = (rc == HD_EINVAL || rc == HD_ETOOBIG) ? CHAN_FAIL : CHAN_RETRY;
        snprintf(out->reason, sizeof out->reason, "%s", err);
        rc = HD_OK;
        goto out;
    }

    memset(&req, 0, sizeof req);
    req.method = "GET";
    req.url = buf_str(&url);
    req.timeout_ms = cfg->timeout_ms;
    err[0] = '\0';
    rc = httpc_do(&req, &resp, err, sizeof err);
    kannel_map_answer(resp.status, buf_str(&resp.body), rc, out);
    if (rc != HD_OK && err[0] && !strchr(err, '?') && !strstr(err, cfg->password))
        snprintf(out->reason, sizeof out->reason, "sendsms not reached: %.130s", err);
    if (out->status == CHAN_RETRY && resp.retry_after_s > 0)
        out->retry_after_ms = (int64_t)resp.retry_after_s * 1000;
    if (out->status != CHAN_SENT)
        log_warn("kannel: outbox %" PRId64 " not sent (%s)", m->outbox_id, out->reason);
    rc = HD_OK;

out:
    buf_free(&url);
    buf_free(&resp.body);
    return rc;
}
