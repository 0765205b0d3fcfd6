/* zalo.c -- the Zalo OA adapter: webhook events in, "tin tu van" replies out.
 *
 * Inbound: the signature is checked before anything in the body is trusted,
 * ids stay strings (they exceed 2^53), and every event name maps to
 * something: an unknown one becomes CHAN_EV_OTHER so that the citizen gets a
 * polite "please type" instead of silence.
 * Outbound: Zalo answers HTTP 200 with "error" != 0 for most failures, so the
 * JSON is always read and mapped by zalo_map_error(). */
#include "channel/zalo.h"
#include "channel/httpc.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"

#include <cjson/cJSON.h>
#include <utf8proc.h>

#include <inttypes.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ZALO_CS_PATH     "/v3.0/oa/message/cs"
#define ZALO_STR_MAX     512
#define ZALO_ANSWER_MAX  (16 * 1024)
#define ZALO_TS_MAX      32
#define ZALO_EXACT_MAX   9007199254740992.0      /* 2^53: below it a double is one integer */

/* ---- inbound ------------------------------------------------------------ */

/* An id or timestamp as text. JSON strings are taken as they are; a number is
 * accepted only while a double holds it exactly. */
static int zp_idtext(const cJSON *it, char *out, size_t cap)
{
    out[0] = '\0';
    if (cJSON_IsString(it)) {
        size_t n = strlen(it->valuestring);
        if (n == 0 || n >= cap)
            return HD_EPARSE;
        for (size_t i = 0; i < n; i++) {
            char c = it->valuestring[i];
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                  c == '_' || c == '-' || c == '.'))
                return HD_EPARSE;
        }
        memcpy(out, it->valuestring, n + 1);
        return HD_OK;
    }
    if (cJSON_IsNumber(it)) {
        double v = it->valuedouble;
        if (v < 0 || v >= ZALO_EXACT_MAX || v != floor(v))
            return HD_EPARSE;
        snprintf(out, cap, "%.0f", v);
        return HD_OK;
    }
    return HD_ENOTFOUND;
}

static const cJSON *zp_get(const cJSON *o, const char *a, const char *b)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, a);
    return b ? cJSON_GetObjectItemCaseSensitive(it, b) : it;
}

/* Copy valid UTF-8 into the fixed text field, cut at a character boundary;
 * an invalid byte becomes U+FFFD so the field is always valid UTF-8. */
static void zp_text(chan_inbound *out, const char *s)
{
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    utf8proc_ssize_t left = (utf8proc_ssize_t)strlen(s);
    size_t n = 0;

    while (left > 0) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(p, left, &cp);
        const char *src = (const char *)p;
        size_t len = (size_t)k;
        if (k < 0) {
            src = "\xef\xbf\xbd";
            len = 3;
            k = 1;
        }
        if (n + len >= sizeof out->text)
            break;
        memcpy(out->text + n, src, len);
        n += len;
        p += k;
        left -= k;
    }
    out->text[n] = '\0';
    out->text_len = n;
}

static int zp_in(const char *name, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(name, *list) == 0)
            return 1;
    return 0;
}

/* Everything a user can send that is not text: answered with "please type". */
static const char *const zp_other[] = {
    "user_send_image", "user_send_sticker", "user_send_gif", "user_send_location",
    "user_send_file", "user_send_audio", "user_send_video", "user_send_link",
    "user_send_business_card", "user_submit_info", NULL
};
/* Receipts and reactions: nothing to answer. Events starting "oa_" are our
 * own sends echoed back and are ignored too. */
static const char *const zp_ignore[] = {
    "user_received_message", "user_seen_message", "user_reacted_message", NULL
};

static int zp_event(const cJSON *root, const char *name, const char *ts, chan_inbound *out,
                    char *err, size_t errlen)
{
    const cJSON *text = zp_get(root, "message", "text");
    int rc, need_user = 1;

    if (strcmp(name, "user_send_text") == 0) {
        /* A text event without text is answered like a sticker. */
        out->event = cJSON_IsString(text) ? CHAN_EV_TEXT : CHAN_EV_OTHER;
    } else if (strcmp(name, "follow") == 0 || strcmp(name, "unfollow") == 0) {
        out->event = name[0] == 'f' ? CHAN_EV_FOLLOW : CHAN_EV_UNFOLLOW;
    } else if (zp_in(name, zp_other)) {
        out->event = CHAN_EV_OTHER;     /* user_submit_info: its info is not kept */
    } else if (zp_in(name, zp_ignore) || strncmp(name, "oa_", 3) == 0) {
        out->event = CHAN_EV_IGNORE;
        need_user = 0;
    } else {
        out->event = CHAN_EV_OTHER;     /* unknown: never fatal */
        need_user = 0;
    }

    /* The user: follower.id for (un)follow, sender.id otherwise; for our own
     * echoes the user is the recipient. */
    if (out->event == CHAN_EV_FOLLOW || out->event == CHAN_EV_UNFOLLOW) {
        rc = zp_idtext(zp_get(root, "follower", "id"), out->address, sizeof out->address);
        if (rc == HD_ENOTFOUND)
            rc = zp_idtext(zp_get(root, "sender", "id"), out->address, sizeof out->address);
    } else if (strncmp(name, "oa_", 3) == 0) {
        rc = zp_idtext(zp_get(root, "recipient", "id"), out->address, sizeof out->address);
    } else {
        rc = zp_idtext(zp_get(root, "sender", "id"), out->address, sizeof out->address);
    }
    if (rc != HD_OK) {
        out->address[0] = '\0';
        if (need_user || rc == HD_EPARSE)
            return hd_seterr(err, errlen, HD_EPARSE, "zalo: %s without a usable user id", name);
        /* An unknown event about nobody in particular: nobody to answer. */
        out->event = CHAN_EV_IGNORE;
    }
    if (out->event == CHAN_EV_IGNORE)
        return HD_OK;

    rc = zp_idtext(zp_get(root, "message", "msg_id"), out->external_id, sizeof out->external_id);
    if (rc == HD_EPARSE)
        return hd_seterr(err, errlen, HD_EPARSE, "zalo: %s with a bad msg_id", name);
    if (rc == HD_ENOTFOUND)
        /* No msg_id (follow, submit_info ...): a key of our own still lets
         * ingest drop Zalo's retries of the same event. */
        snprintf(out->external_id, sizeof out->external_id, "%.31s:%s:%s", name, out->address, ts);
    if (out->event == CHAN_EV_TEXT)
        zp_text(out, text->valuestring);
    return HD_OK;
}

int zalo_parse(const zalo_cfg *cfg, const chan_request *req, chan_inbound *out,
               zalo_sig_form *matched, char *err, size_t errlen)
{
    cJSON *root = NULL;
    const cJSON *name, *oa;
    char ts[ZALO_TS_MAX], oa_id[CHAN_ADDRESS_MAX];
    zalo_sig_form form = ZALO_SIG_NONE;
    int rc;

    if (matched)
        *matched = ZALO_SIG_NONE;
    if (!cfg || !req || !out)
        return hd_seterr(err, errlen, HD_EINVAL, "zalo: missing argument");
    memset(out, 0, sizeof *out);
    if (!req->body || req->body_len == 0)
        return hd_seterr(err, errlen, HD_EPARSE, "zalo: empty body");
    if (req->body_len > ZALO_BODY_MAX)
        return hd_seterr(err, errlen, HD_EPARSE, "zalo: body over %d bytes", ZALO_BODY_MAX);
    if (!req->signature || !*req->signature)
        return hd_seterr(err, errlen, HD_EAUTH, "zalo: no X-ZEvent-Signature");

    root = cJSON_ParseWithLength(req->body, req->body_len);
    if (!root || !cJSON_IsObject(root)) {
        rc = hd_seterr(err, errlen, HD_EPARSE, "zalo: body is not a JSON object");
        goto out;
    }
    if (zp_idtext(cJSON_GetObjectItemCaseSensitive(root, "timestamp"), ts, sizeof ts) != HD_OK) {
        rc = hd_seterr(err, errlen, HD_EPARSE, "zalo: no usable timestamp");
        goto out;
    }
    /* The OA id, for the signature variant that starts with it: recipient.id
     * on messages, a top-level oa_id on follow events. */
    oa = zp_get(root, "recipient", "id");
    if (zp_idtext(oa, oa_id, sizeof oa_id) != HD_OK &&
        zp_idtext(zp_get(root, "oa_id", NULL), oa_id, sizeof oa_id) != HD_OK)
        oa_id[0] = '\0';

    rc = zalo_sig_verify(cfg, req->signature, req->body, req->body_len, ts, oa_id, &form);
    if (rc == HD_ECONFIG) {
        hd_seterr(err, errlen, rc, "zalo: no signature key configured");
        goto out;
    }
    if (rc) {
        rc = hd_seterr(err, errlen, HD_EAUTH, "zalo: signature does not match");
        goto out;
    }
    if (matched)
        *matched = form;

    name = cJSON_GetObjectItemCaseSensitive(root, "event_name");
    if (!cJSON_IsString(name) || !name->valuestring[0]) {
        rc = hd_seterr(err, errlen, HD_EPARSE, "zalo: no event_name");
        goto out;
    }
    snprintf(out->kind, sizeof out->kind, "%s", name->valuestring);
    out->ts_ms = strtoll(ts, NULL, 10);
    rc = zp_event(root, name->valuestring, ts, out, err, errlen);
out:
    cJSON_Delete(root);
    if (rc)
        memset(out, 0, sizeof *out);   /* nothing half-parsed reaches ingest */
    return rc;
}

/* ---- outbound ----------------------------------------------------------- */

int64_t zalo_next_morning_ms(int64_t now_ms)
{
    const int64_t day = 86400000LL;
    int64_t local = now_ms + ZALO_ICT_OFFSET_MS;
    int64_t midnight = local - ((local % day) + day) % day;
    int64_t morning = midnight + ZALO_NIGHT_END_HOUR * 3600000LL;

    if (morning <= local)
        morning += day;
    return morning - ZALO_ICT_OFFSET_MS;
}

/*
 * Zalo's answer to one send -> what the outbox does with the message.
 *
 *   answer                              status        retry after
 *   ----------------------------------  ------------  -----------------------
 *   no answer (timeout, refused, DNS)   RETRY         0 (worker backs off)
 *   HTTP 5xx, 429, 408                  RETRY         Retry-After, else 0
 *   error 0                             SENT          (provider_id = message_id)
 *   -32   rate limit                    RETRY         60 s
 *   -216  invalid token                 RETRY         0, HD_EAUTH: refresh the
 *   -220  token expired                               token and resend once now
 *   -201  bad parameter                 FAIL
 *   -248  content violation             FAIL
 *   -211  out of quota                  RETRY         1 h
 *   -213  not a follower                UNREACHABLE
 *   -227  user inactive                 UNREACHABLE
 *   -230  no interaction for 7 days     UNREACHABLE   (needs a template message)
 *   -232  interaction expired           UNREACHABLE
 *   -244  user restricted the message   UNREACHABLE
 *   -234  not allowed at night          RETRY         until the next 06:00 ICT
 *   any other error code                FAIL          (code in the reason)
 *   HTTP 2xx without an "error" field   RETRY         0 (may be a proxy's page)
 *   other HTTP status, no "error"       FAIL          (status in the reason)
 */
int zalo_map_error(long http_status, int error_code, int transport_rc, int64_t now_ms,
                   chan_send_result *out)
{
    chan_send_status st = CHAN_FAIL;
    int64_t after = 0;
    int rc = HD_OK;
    const char *why = NULL;

    if (!out)
        return HD_EINVAL;
    out->status = CHAN_FAIL;
    out->retry_after_ms = 0;
    out->reason[0] = '\0';

    if (transport_rc != HD_OK) {
        snprintf(out->reason, sizeof out->reason, "zalo: no answer (%s)", hd_strerror(transport_rc));
        out->status = CHAN_RETRY;
        return HD_OK;
    }
    if (http_status >= 500 || http_status == 429 || http_status == 408 || http_status == 0) {
        snprintf(out->reason, sizeof out->reason, "zalo: HTTP %ld", http_status);
        out->status = CHAN_RETRY;
        return HD_OK;
    }
    if (error_code == ZALO_ERR_ABSENT) {
        int ok = http_status >= 200 && http_status < 300;
        snprintf(out->reason, sizeof out->reason, "zalo: HTTP %ld without an error field",
                 http_status);
        out->status = ok ? CHAN_RETRY : CHAN_FAIL;
        return HD_OK;
    }
    switch (error_code) {
    case 0:    st = CHAN_SENT; why = "sent"; break;
    case -32:  st = CHAN_RETRY; after = 60 * 1000LL; why = "rate limit"; break;
    case -216: st = CHAN_RETRY; rc = HD_EAUTH; why = "invalid access token"; break;
    case -220: st = CHAN_RETRY; rc = HD_EAUTH; why = "access token expired"; break;
    case -201: st = CHAN_FAIL; why = "bad parameter"; break;
    case -248: st = CHAN_FAIL; why = "content violation"; break;
    case -211: st = CHAN_RETRY; after = 3600 * 1000LL; why = "out of quota"; break;
    case -213: st = CHAN_UNREACHABLE; why = "not a follower"; break;
    case -227: st = CHAN_UNREACHABLE; why = "user inactive"; break;
    case -230: st = CHAN_UNREACHABLE; why = "no interaction for 7 days"; break;
    case -232: st = CHAN_UNREACHABLE; why = "interaction expired"; break;
    case -244: st = CHAN_UNREACHABLE; why = "user restricted this message type"; break;
    case -234:
        st = CHAN_RETRY;
        after = zalo_next_morning_ms(now_ms) - now_ms;
        why = "not allowed at night";
        break;
    default:   st = CHAN_FAIL; why = "unknown error"; break;
    }
    out->status = st;
    out->retry_after_ms = after;
    snprintf(out->reason, sizeof out->reason, "zalo %d: %s", error_code, why);
    return rc;
}

size_t zalo_text_cut(const char *text, size_t len, size_t max_chars)
{
    size_t chars = 0, i;

    if (!text)
        return 0;
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if ((c & 0xC0) == 0x80)
            continue;                       /* inside a character */
        /* Zalo's limit is probably counted in UTF-16 units, so a character
         * outside the BMP (4 bytes in UTF-8, emoji) counts as two. */
        size_t w = c >= 0xF0 ? 2 : 1;
        if (chars + w > max_chars)
            break;
        chars += w;
    }
    return i;
}

typedef struct zalo_self {
    char        app_id[ZALO_STR_MAX];
    char        oa_secret[ZALO_STR_MAX];
    char        app_secret[ZALO_STR_MAX];
    char        sig_key[16];
    char        sig_variant[16];
    char        url[ZALO_STR_MAX + sizeof ZALO_CS_PATH];
    zalo_cfg    cfg;                  /* points into the fields above */
    zalo_token *tok;
    atomic_int  logged_form;          /* the signature form last logged */
} zalo_self;

/* One POST; fills out (except after HD_EAUTH, where out says RETRY). */
static int zalo_post(zalo_self *z, const char *json, const char *token, int64_t now_ms,
                     chan_send_result *out)
{
    char hdr[ZALO_TOKEN_MAX + 16], err[CHAN_REASON_MAX] = "";
    httpc_req req = { .method = "POST", .url = z->url, .body = json, .body_len = strlen(json),
                      .timeout_ms = z->cfg.timeout_ms,
                      .headers = { hdr, "Content-Type: application/json" } };
    httpc_resp resp;
    cJSON *root = NULL;
    const cJSON *code, *mid;
    int tr, ec = ZALO_ERR_ABSENT, rc;

    snprintf(hdr, sizeof hdr, "access_token: %s", token);
    buf_init(&resp.body, ZALO_ANSWER_MAX);
    tr = httpc_do(&req, &resp, err, sizeof err);
    memset(hdr, 0, sizeof hdr);
    if (tr == HD_OK && (root = cJSON_ParseWithLength(buf_str(&resp.body), resp.body.len))) {
        code = cJSON_GetObjectItemCaseSensitive(root, "error");
        if (cJSON_IsNumber(code))
            ec = code->valueint;
        else if (cJSON_IsString(code))
            ec = atoi(code->valuestring);
    }
    rc = zalo_map_error(resp.status, ec, tr, now_ms, out);
    if (tr != HD_OK && err[0])
        snprintf(out->reason, sizeof out->reason, "%s", err);
    if (out->status == CHAN_RETRY && out->retry_after_ms == 0 && resp.retry_after_s > 0)
        out->retry_after_ms = (int64_t)resp.retry_after_s * 1000;
    if (out->status == CHAN_SENT) {
        mid = zp_get(root, "data", "message_id");
        if (zp_idtext(mid, out->provider_id, sizeof out->provider_id) != HD_OK)
            out->provider_id[0] = '\0';
    }
    cJSON_Delete(root);
    buf_free(&resp.body);
    return rc;
}

static char *zalo_body(const chan_outbound *m)
{
    size_t keep = zalo_text_cut(m->text, m->text_len, ZALO_TEXT_MAX_CHARS);
    char *text = malloc(keep + 1), *json = NULL;
    cJSON *root = cJSON_CreateObject(), *rcp, *msg;

    if (!text || !root)
        goto out;
    memcpy(text, m->text, keep);
    text[keep] = '\0';
    if (!(rcp = cJSON_AddObjectToObject(root, "recipient")) ||
        !cJSON_AddStringToObject(rcp, "user_id", m->address) ||
        !(msg = cJSON_AddObjectToObject(root, "message")) ||
        !cJSON_AddStringToObject(msg, "text", text))
        goto out;
    json = cJSON_PrintUnformatted(root);
out:
    cJSON_Delete(root);
    free(text);
    return json;
}

static int zalo_send(chan_adapter *a, const chan_outbound *m, chan_send_result *out)
{
    zalo_self *z;
    char token[ZALO_TOKEN_MAX], err[CHAN_REASON_MAX] = "";
    char *json = NULL;
    int64_t now;
    int rc;

    if (!a || !a->self || !m || !out)
        return HD_EINVAL;
    z = a->self;
    memset(out, 0, sizeof *out);
    out->status = CHAN_FAIL;
    if (!m->address || !*m->address || strlen(m->address) >= CHAN_ADDRESS_MAX) {
        snprintf(out->reason, sizeof out->reason, "zalo: bad user id");
        return HD_OK;
    }
    if (!m->text || m->text_len == 0) {
        snprintf(out->reason, sizeof out->reason, "zalo: empty text");
        return HD_OK;
    }
    if (!(json = zalo_body(m))) {
        out->status = CHAN_RETRY;
        snprintf(out->reason, sizeof out->reason, "zalo: out of memory");
        return HD_OK;
    }
    out->status = CHAN_RETRY;
    now = clock_now_ms();
    if (!z->tok || (rc = zalo_token_get(z->tok, now, token, sizeof token, err, sizeof err))) {
        out->retry_after_ms = 60 * 1000LL;
        snprintf(out->reason, sizeof out->reason, "zalo: no access token (%s)",
                 z->tok ? hd_strerror(rc) : "not configured");
        goto out;
    }
    if (zalo_post(z, json, token, now, out) != HD_EAUTH)
        goto out;
    /* Rejected token: refresh once (or take the one another thread just got)
     * and resend right away. A second rejection stays a plain RETRY. */
    rc = zalo_token_refresh(z->tok, token, now, token, sizeof token, err, sizeof err);
    if (rc) {
        out->status = CHAN_RETRY;
        out->retry_after_ms = 60 * 1000LL;
        snprintf(out->reason, sizeof out->reason, "zalo: token rejected, refresh failed (%s)",
                 hd_strerror(rc));
        goto out;
    }
    zalo_post(z, json, token, clock_now_ms(), out);
out:
    memset(token, 0, sizeof token);
    cJSON_free(json);
    return HD_OK;
}

/* ---- the adapter -------------------------------------------------------- */

static int zalo_adapter_parse(chan_adapter *a, const chan_request *req, chan_inbound *out,
                              char *err, size_t errlen)
{
    zalo_self *z;
    zalo_sig_form form = ZALO_SIG_NONE;
    int rc;

    if (!a || !a->self)
        return hd_seterr(err, errlen, HD_EINVAL, "zalo: missing adapter");
    z = a->self;
    rc = zalo_parse(&z->cfg, req, out, &form, err, errlen);
    /* Which recipe Zalo really uses is uncertain: say it once (and again if
     * it ever changes) so that "any" can be narrowed down. */
    if (form != ZALO_SIG_NONE && atomic_exchange(&z->logged_form, (int)form) != (int)form)
        log_info("zalo: webhook signature matched form %s", zalo_sig_form_name(form));
    return rc;
}

static void zalo_adapter_destroy(chan_adapter *a)
{
    if (!a)
        return;
    if (a->self) {
        memset(a->self, 0, sizeof(zalo_self));    /* secrets */
        free(a->self);
    }
    free(a);
}

static int zalo_copy(char *dst, size_t cap, const char *src, const char *def)
{
    const char *v = src && *src ? src : def;
    return snprintf(dst, cap, "%s", v ? v : "") >= (int)cap ? HD_ECONFIG : HD_OK;
}

int zalo_adapter_new(const zalo_cfg *cfg, zalo_token *tok, chan_adapter **out,
                     char *err, size_t errlen)
{
    chan_adapter *a = NULL;
    zalo_self *z = NULL;
    char base[ZALO_STR_MAX];
    size_t blen;
    int rc = HD_OK;

    if (!cfg || !out)
        return hd_seterr(err, errlen, HD_EINVAL, "zalo: missing argument");
    *out = NULL;
    if (!(a = calloc(1, sizeof *a)) || !(z = calloc(1, sizeof *z))) {
        rc = hd_seterr(err, errlen, HD_ENOMEM, "zalo: out of memory");
        goto out;
    }
    if (zalo_copy(z->app_id, sizeof z->app_id, cfg->app_id, NULL) ||
        zalo_copy(z->oa_secret, sizeof z->oa_secret, cfg->oa_secret, NULL) ||
        zalo_copy(z->app_secret, sizeof z->app_secret, cfg->app_secret, NULL) ||
        zalo_copy(z->sig_key, sizeof z->sig_key, cfg->sig_key, "oa_secret") ||
        zalo_copy(z->sig_variant, sizeof z->sig_variant, cfg->sig_variant, "app_id") ||
        zalo_copy(base, sizeof base, cfg->api_base, ZALO_API_BASE_DEFAULT)) {
        rc = hd_seterr(err, errlen, HD_ECONFIG, "zalo: a setting is too long");
        goto out;
    }
    if (!z->app_id[0]) {
        rc = hd_seterr(err, errlen, HD_ECONFIG, "zalo: the app id is required");
        goto out;
    }
    if (strcmp(z->sig_key, "oa_secret") && strcmp(z->sig_key, "app_secret") &&
        strcmp(z->sig_key, "oa") && strcmp(z->sig_key, "app") && strcmp(z->sig_key, "any")) {
        rc = hd_seterr(err, errlen, HD_ECONFIG,
                       "zalo: signature key must be oa_secret, app_secret or any");
        goto out;
    }
    if (strcmp(z->sig_variant, "app_id") && strcmp(z->sig_variant, "oa_id") &&
        strcmp(z->sig_variant, "any")) {
        rc = hd_seterr(err, errlen, HD_ECONFIG,
                       "zalo: signature variant must be app_id, oa_id or any");
        goto out;
    }
    blen = strlen(base);
    while (blen && base[blen - 1] == '/')
        blen--;
    snprintf(z->url, sizeof z->url, "%.*s%s", (int)blen, base, ZALO_CS_PATH);
    z->cfg = (zalo_cfg){ .app_id = z->app_id, .oa_secret = z->oa_secret,
                         .app_secret = z->app_secret, .api_base = NULL, .oauth_base = NULL,
                         .sig_key = z->sig_key, .sig_variant = z->sig_variant,
                         .timeout_ms = cfg->timeout_ms };
    /* Fail at start rather than reject every webhook: the chosen key(s) must
     * be set. A probe with an empty header tells HD_ECONFIG from HD_EAUTH. */
    if (zalo_sig_verify(&z->cfg, "mac=" "0000000000000000000000000000000000000000000000000000000000000000",
                        "", 0, "0", "0", NULL) == HD_ECONFIG) {
        rc = hd_seterr(err, errlen, HD_ECONFIG, "zalo: the secret for the signature is not set");
        goto out;
    }
    z->tok = tok;
    atomic_init(&z->logged_form, (int)ZALO_SIG_NONE);
    a->name = "zalo";
    a->self = z;
    a->parse = zalo_adapter_parse;
    a->send = zalo_send;
    a->destroy = zalo_adapter_destroy;
out:
    if (rc) {
        free(z);
        free(a);
        return rc;
    }
    *out = a;
    return HD_OK;
}
