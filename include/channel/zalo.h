/* zalo.h -- the Zalo Official Account channel: webhook parse and reply send.
 *
 *   zalo_parse       verify X-ZEvent-Signature, then normalise the event (pure)
 *   zalo_map_error   Zalo's answer -> sent / retry / fail / unreachable (pure)
 *   zalo_adapter_new the chan_adapter the server and the outbox worker use
 *
 * The signature's exact recipe is not documented in one agreed way
 * (../shared/CHANNELS.md marks it unsure), so the secret and the first term
 * are settings; "any" tries every combination and says which one matched so
 * that the operator can pin it down from the log. */
#ifndef HD_CHANNEL_ZALO_H
#define HD_CHANNEL_ZALO_H

#include "channel/channel.h"
#include "channel/zalo_token.h"

#include <stddef.h>
#include <stdint.h>

#define ZALO_API_BASE_DEFAULT   "https://openapi.zalo.me"
#define ZALO_OAUTH_BASE_DEFAULT "https://oauth.zaloapp.com"
#define ZALO_BODY_MAX           (64 * 1024)    /* largest webhook body accepted */
#define ZALO_TEXT_MAX_CHARS     2000           /* characters of one reply */
#define ZALO_NIGHT_END_HOUR     6              /* -234: sending resumes 06:00 ICT */
#define ZALO_ICT_OFFSET_MS      (7LL * 3600 * 1000)   /* Asia/Ho_Chi_Minh, no DST */

typedef struct zalo_cfg {
    const char *app_id;        /* required: first term of the signature */
    const char *oa_secret;     /* OA secret key (signature, default) */
    const char *app_secret;    /* app secret (token refresh; signature variant) */
    const char *api_base;      /* NULL/"" = ZALO_API_BASE_DEFAULT */
    const char *oauth_base;    /* NULL/"" = ZALO_OAUTH_BASE_DEFAULT */
    const char *sig_key;       /* "oa_secret" (default) | "app_secret" | "any" */
    const char *sig_variant;   /* "app_id" (default) | "oa_id" | "any" (= every
                                * first term with every configured key) */
    long        timeout_ms;    /* per API request; 0 = 10 s */
} zalo_cfg;

/* Which recipe a signature matched: first term x key. */
typedef enum zalo_sig_form {
    ZALO_SIG_NONE = 0,
    ZALO_SIG_APPID_OASECRET,
    ZALO_SIG_APPID_APPSECRET,
    ZALO_SIG_OAID_OASECRET,
    ZALO_SIG_OAID_APPSECRET
} zalo_sig_form;

/* zalo_sig.c */
/* "app_id+oa_secret" ...; "none" for ZALO_SIG_NONE. */
const char *zalo_sig_form_name(zalo_sig_form f);
/* SHA-256 of first + body + timestamp + key, as 64 lowercase hex + NUL. */
int zalo_sig_compute(const char *first, const char *body, size_t body_len,
                     const char *timestamp, const char *key, char hex[65]);
/* Check header ("mac=<64 hex>") against the forms cfg allows, in constant
 * time per form. HD_OK with *matched set, HD_EAUTH when none matches or the
 * header is missing or malformed, HD_ECONFIG when cfg allows no form with a
 * non-empty key. oa_id may be NULL (then the oa_id forms are skipped). */
int zalo_sig_verify(const zalo_cfg *cfg, const char *header, const char *body,
                    size_t body_len, const char *timestamp, const char *oa_id,
                    zalo_sig_form *matched);

/* zalo.c */
/* Verify and normalise one webhook request. HD_EAUTH: signature missing or
 * wrong; HD_EPARSE: not Zalo's JSON (err says why, without personal data).
 * *matched (may be NULL) tells which signature form matched. Pure. */
int zalo_parse(const zalo_cfg *cfg, const chan_request *req, chan_inbound *out,
               zalo_sig_form *matched, char *err, size_t errlen);

/* error_code when the answer carried no "error" field. */
#define ZALO_ERR_ABSENT (-2147483647 - 1)

/* Map one send attempt to a result (table in zalo.c). http_status is 0 when
 * no answer came; transport_rc is httpc_do's code; now_ms is the current time
 * (for -234, "not at night"). Returns HD_OK, or HD_EAUTH when the token was
 * rejected (-216/-220): out says CHAN_RETRY and the caller should refresh the
 * token and try once more. provider_id is left to the caller. */
int zalo_map_error(long http_status, int error_code, int transport_rc, int64_t now_ms,
                   chan_send_result *out);

/* The first 06:00 in Asia/Ho_Chi_Minh strictly after now_ms (epoch ms). */
int64_t zalo_next_morning_ms(int64_t now_ms);

/* Cut text to at most max_chars characters without splitting a UTF-8
 * sequence; returns the byte length to keep. */
size_t zalo_text_cut(const char *text, size_t len, size_t max_chars);

/* The adapter ("zalo"). cfg's strings are copied. tok is borrowed (may be
 * NULL for a parse-only adapter: send then answers CHAN_RETRY) and must
 * outlive the adapter. */
int zalo_adapter_new(const zalo_cfg *cfg, zalo_token *tok, chan_adapter **out,
                     char *err, size_t errlen);

#endif
