/* kannel.h -- SMS through Kannel's smsbox.
 *
 * Inbound: smsbox calls GET|POST /webhooks/kannel with
 *   from=%p&to=%P&text=%a&smsc=%i&ts=%T&coding=%c&charset=%C&id=%I
 * (in the query, or for POST also in a form-urlencoded body).
 * Outbound: GET {sendsms_url}?username=..&password=..&to=..&text=.. with a
 * dlr-url back to {dlr_url_base}/webhooks/kannel/dlr?outbox=N&status=%d.
 *
 * The pure pieces (parsing, URL building, answer mapping, delivery reports)
 * are exported on their own so that tests and fuzzers reach them without a
 * network. */
#ifndef HD_CHANNEL_KANNEL_H
#define HD_CHANNEL_KANNEL_H

#include "channel/channel.h"
#include "core/buf.h"

#include <stdint.h>

#define KANNEL_DLR_MASK_DEFAULT 31     /* every report: 1|2|4|8|16 */
#define KANNEL_URL_MAX          (64 * 1024)

typedef struct kannel_cfg {
    const char *sendsms_url;   /* http://127.0.0.1:13013/cgi-bin/sendsms */
    const char *user;          /* sendsms-user username */
    const char *password;      /* never logged */
    const char *sender;        /* `from` of our SMS (short code); NULL/"" = Kannel's global-sender */
    const char *dlr_url_base;  /* our public base URL; NULL/"" = no delivery reports */
    int         dlr_mask;      /* <= 0 means KANNEL_DLR_MASK_DEFAULT */
    long        timeout_ms;    /* whole sendsms request; 0 = httpc's default */
    const char *webhook_key;   /* KANNEL_WEBHOOK_KEY: put in the dlr-url; NULL/"" = none
                                * (URL-safe characters only: [A-Za-z0-9_-]) */
} kannel_cfg;

/* The "sms" adapter. The strings of cfg are copied. HD_ECONFIG when
 * sendsms_url, user or password is missing. */
int kannel_adapter_new(const kannel_cfg *cfg, chan_adapter **out);

/* What the adapter's parse does. Text is decoded by coding/charset (coding=2
 * is always UTF-16BE), repaired into valid UTF-8 and cut at CHAN_TEXT_MAX - 1
 * bytes on a character boundary; from is normalised (phone.h). external_id is
 * Kannel's id, or "" when the URL does not carry one (the caller then derives
 * its own key for dropping duplicates). An empty text is CHAN_EV_OTHER (ask
 * the person to type), any other text CHAN_EV_TEXT. HD_EPARSE with err on a
 * missing from/text, a bad sender number, an unknown coding or a bad escape. */
int kannel_parse_inbound(const chan_request *req, chan_inbound *out, char *err, size_t errlen);

/* The whole sendsms URL for m into out (reset first). coding=2 is added only
 * when the text is not plain GSM-7 ASCII (charset.h); charset=UTF-8 always.
 * HD_EINVAL with err when the address is neither a mobile number nor a short
 * code or the text is empty; HD_ETOOBIG beyond KANNEL_URL_MAX. */
int kannel_build_sendsms_url(const kannel_cfg *cfg, const chan_outbound *m, buf *out,
                             char *err, size_t errlen);

/* sendsms's answer -> result. transport_rc is httpc_do()'s return: anything
 * but HD_OK means no usable answer (retry). 2xx "0: Accepted for delivery" /
 * "3: Queued for later delivery" -> CHAN_SENT (Kannel gives no message id:
 * provider_id ""); 400, 403 -> CHAN_FAIL; everything else -> CHAN_RETRY. The
 * reason quotes Kannel's first line (fixed texts, never ours). */
int kannel_map_answer(long status, const char *body, int transport_rc, chan_send_result *out);

/* One sendsms request (what the adapter's send does). Always fills out. */
int kannel_send(const kannel_cfg *cfg, const chan_outbound *m, chan_send_result *out);

/* Our own dlr-url coming back: outbox id (> 0) and Kannel's report type
 * (0..255, see kannel_dlr_name). HD_EPARSE when either is missing or bad. */
int kannel_parse_dlr(const chan_request *req, int64_t *outbox_id, int *status_bits);

/* "delivered" (1), "undelivered" (2), "buffered" (4), "smsc_accepted" (8),
 * "smsc_rejected" (16), else "unknown". */
const char *kannel_dlr_name(int status_bits);

#endif
