/* kannel.c -- the "sms" adapter: Kannel's inbound requests and delivery
 * reports (the sending half is kannel_send.c).
 *
 * Kannel's smsbox substitutes %p, %a, %c ... into the URL we configured, so
 * every field arrives form-encoded. The text is the delicate one: its bytes
 * are in whatever encoding `coding` and `charset` say (coding=2 is UTF-16BE
 * and full of NULs), hence values are read with their length and decoded
 * here, never treated as C strings before that. */
#include "channel/kannel.h"
#include "channel/charset.h"
#include "channel/phone.h"
#include "core/err.h"
#include "core/form.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct kannel_self {
    kannel_cfg cfg;            /* strings below are our own copies */
    char      *sendsms_url, *user, *password, *sender, *dlr_url_base, *webhook_key;
} kannel_self;

/* ---- reading fields ---- */

static int kannel_is_form(const char *ct)
{
    static const char form[] = "application/x-www-form-urlencoded";
    size_t n = sizeof form - 1;

    /* no content type: curl -d and most clients mean a form anyway */
    if (!ct)
        return 1;
    while (*ct == ' ')
        ct++;
    return strncasecmp(ct, form, n) == 0 && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/* A field from the query, else (POST with a form body) from the body. */
static int kannel_field(const chan_request *req, const char *name,
                        char *out, size_t cap, size_t *len)
{
    int rc = form_get(req->query, req->query ? req->query_len : 0, name, out, cap, len);

    if (rc == HD_ENOTFOUND && req->body && req->body_len &&
        strcmp(req->method, "POST") == 0 && kannel_is_form(req->content_type))
        rc = form_get(req->body, req->body_len, name, out, cap, len);
    return rc;
}

/* The larger raw length a field can decode to: bounds the text buffer. */
static size_t kannel_raw_max(const chan_request *req)
{
    size_t q = req->query ? req->query_len : 0, b = req->body ? req->body_len : 0;

    return q > b ? q : b;
}

static int kannel_parse_int(const char *s, long long lo, long long hi, long long *v)
{
    char *end;

    if (!*s || (*s != '-' && (*s < '0' || *s > '9')))
        return HD_EPARSE;
    errno = 0;
    *v = strtoll(s, &end, 10);
    if (errno || *end || *v < lo || *v > hi)
        return HD_EPARSE;
    return HD_OK;
}

/* ---- inbound ---- */

enum { KANNEL_DC_UNDEF = -1, KANNEL_DC_7BIT = 0, KANNEL_DC_8BIT = 1, KANNEL_DC_UCS2 = 2 };

static int kannel_decode_text(int coding, const char *charset, const char *raw, size_t rawlen,
                              chan_inbound *out)
{
    char *t = out->text;
    size_t cap = sizeof out->text;

    if (coding == KANNEL_DC_UCS2 || strcasecmp(charset, "UTF-16BE") == 0 ||
        strcasecmp(charset, "UCS-2") == 0 || strcasecmp(charset, "UCS-2BE") == 0)
        return charset_utf16be_to_utf8(raw, rawlen, t, cap, &out->text_len);
    if (strcasecmp(charset, "ISO-8859-1") == 0 || strcasecmp(charset, "ISO8859-1") == 0 ||
        strcasecmp(charset, "LATIN1") == 0 || strcasecmp(charset, "WINDOWS-1252") == 0 ||
        strcasecmp(charset, "CP1252") == 0)
        return charset_cp1252_to_utf8(raw, rawlen, t, cap, &out->text_len);
    if (strcasecmp(charset, "8-BIT") == 0)
        return charset_8bit_to_utf8(raw, rawlen, t, cap, &out->text_len);
    /* UTF-8, the default, and names we do not know: keep what is valid */
    return charset_utf8_repair(raw, rawlen, t, cap, &out->text_len);
}

/* kind = "sms" or "sms/<smsc id>", for logs: only tame bytes of the id. */
static void kannel_kind(const char *smsc, char *kind, size_t cap)
{
    size_t n = 0, i;

    memcpy(kind, "sms", 4);
    n = 3;
    if (!smsc[0])
        return;
    kind[n++] = '/';
    for (i = 0; smsc[i] && n + 1 < cap; i++) {
        char c = smsc[i];
        int tame = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                   (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
        kind[n++] = tame ? c : '_';
    }
    kind[n] = '\0';
}

int kannel_parse_inbound(const chan_request *req, chan_inbound *out, char *err, size_t errlen)
{
    char from[CHAN_ADDRESS_MAX], coding_s[16], charset[40], ts[32], smsc[64];
    char *raw = NULL;
    size_t len, rawcap;
    long long v;
    int coding = KANNEL_DC_UNDEF, rc;

    if (!req || !out || !req->method || (!req->query && req->query_len) ||
        (!req->body && req->body_len))
        return hd_seterr(err, errlen, HD_EINVAL, "kannel: bad arguments");
    memset(out, 0, sizeof *out);
    if (strcmp(req->method, "GET") != 0 && strcmp(req->method, "POST") != 0) {
        rc = hd_seterr(err, errlen, HD_EPARSE, "kannel: method %.8s not accepted", req->method);
        goto out;
    }

    rc = kannel_field(req, "from", from, sizeof from, &len);
    if (rc == HD_ENOTFOUND) {
        rc = hd_seterr(err, errlen, HD_EPARSE, "kannel: no 'from' field (check get-url has from=%%p)");
        goto out;
    }
    if (rc || phone_normalize(from, len, out->address, sizeof out->address) != HD_OK) {
        rc = hd_seterr(err, errlen, HD_EPARSE, "kannel: sender is not a Vietnamese mobile number");
        goto out;
    }

    rc = kannel_field(req, "coding", coding_s, sizeof coding_s, &len);
    if (rc == HD_OK && len) {
        if (kannel_parse_int(coding_s, -1, 2, &v) != HD_OK) {
            rc = hd_seterr(err, errlen, HD_EPARSE, "kannel: unknown coding (expected 0, 1 or 2)");
            goto out;
        }
        coding = (int)v;
    } else if (rc != HD_OK && rc != HD_ENOTFOUND) {
        rc = hd_seterr(err, errlen, HD_EPARSE, "kannel: unknown coding (expected 0, 1 or 2)");
        goto out;
    }
    /* a charset name we cannot read is as good as none: UTF-8 */
    if (kannel_field(req, "charset", charset, sizeof charset, &len) != HD_OK)
        charset[0] = '\0';

    rawcap = kannel_raw_max(req) + 1;
    raw = malloc(rawcap);
    if (!raw) {
        rc = hd_seterr(err, errlen, HD_ENOMEM, "kannel: out of memory");
        goto out;
    }
    rc = kannel_field(req, "text", raw, rawcap, &len);
    if (rc == HD_ENOTFOUND) {
        rc = hd_seterr(err, errlen, HD_EPARSE, "kannel: no 'text' field (check get-url has text=%%b)");
        goto out;
    }
    if (rc) {
        rc = hd_seterr(err, errlen, HD_EPARSE, "kannel: bad %%-escape in 'text'");
        goto out;
    }
    rc = kannel_decode_text(coding, charset, raw, len, out);
    if (rc)
        goto out;
    out->event = out->text_len ? CHAN_EV_TEXT : CHAN_EV_OTHER;

    rc = kannel_field(req, "id", out->external_id, sizeof out->external_id, &len);
    if (rc == HD_ENOTFOUND) {
        out->external_id[0] = '\0';
    } else if (rc || len != strlen(out->external_id)) {
        rc = hd_seterr(err, errlen, HD_EPARSE, "kannel: unreadable 'id' field");
        goto out;
    } else {
        size_t i;
        for (i = 0; i < len; i++)
            if ((unsigned char)out->external_id[i] <= 0x20 ||
                (unsigned char)out->external_id[i] >= 0x7F) {
                rc = hd_seterr(err, errlen, HD_EPARSE, "kannel: 'id' is not printable ASCII");
                goto out;
            }
    }

    /* Kannel's %T is epoch seconds; a bad one only loses the provider time */
    if (kannel_field(req, "ts", ts, sizeof ts, &len) == HD_OK &&
        kannel_parse_int(ts, 0, INT64_MAX / 1000, &v) == HD_OK)
        out->ts_ms = (int64_t)v * 1000;
    if (kannel_field(req, "smsc", smsc, sizeof smsc, &len) != HD_OK)
        smsc[0] = '\0';
    kannel_kind(smsc, out->kind, sizeof out->kind);
    rc = HD_OK;

out:
    free(raw);
    if (rc) {
        int keep = rc;
        memset(out, 0, sizeof *out);
        rc = keep;
    }
    return rc;
}

/* ---- delivery reports ---- */

int kannel_parse_dlr(const chan_request *req, int64_t *outbox_id, int *status_bits)
{
    char v[32];
    size_t len;
    long long n;

    if (!req || !req->method || !outbox_id || !status_bits || (!req->query && req->query_len) ||
        (!req->body && req->body_len))
        return HD_EINVAL;
    *outbox_id = 0;
    *status_bits = 0;
    if (kannel_field(req, "outbox", v, sizeof v, &len) != HD_OK ||
        kannel_parse_int(v, 1, INT64_MAX, &n) != HD_OK)
        return HD_EPARSE;
    *outbox_id = (int64_t)n;
    /* "%d" left unsubstituted (a Kannel without DLR support) fails here */
    if (kannel_field(req, "status", v, sizeof v, &len) != HD_OK ||
        kannel_parse_int(v, 0, 255, &n) != HD_OK) {
        *outbox_id = 0;
        return HD_EPARSE;
    }
    *status_bits = (int)n;
    return HD_OK;
}

const char *kannel_dlr_name(int status_bits)
{
    switch (status_bits) {
    case 1:  return "delivered";
    case 2:  return "undelivered";
    case 4:  return "buffered";
    case 8:  return "smsc_accepted";
    case 16: return "smsc_rejected";
    default: return "unknown";
    }
}

/* ---- the adapter ---- */

static int kannel_parse_cb(chan_adapter *a, const chan_request *req, chan_inbound *out,
                           char *err, size_t errlen)
{
    (void)a;
    return kannel_parse_inbound(req, out, err, errlen);
}

static int kannel_send_cb(chan_adapter *a, const chan_outbound *m, chan_send_result *out)
{
    kannel_self *s = a ? a->self : NULL;

    if (!s || !out)
        return HD_EINVAL;
    if (!s->cfg.sendsms_url[0]) {
        memset(out, 0, sizeof *out);
        out->status = CHAN_RETRY;
        snprintf(out->reason, sizeof out->reason, "KANNEL_SENDSMS_URL is not set");
        return HD_OK;
    }
    return kannel_send(&s->cfg, m, out);
}

static void kannel_destroy(chan_adapter *a)
{
    kannel_self *s;

    if (!a)
        return;
    s = a->self;
    if (s) {
        free(s->sendsms_url);
        free(s->user);
        if (s->password) {
            /* the copy goes back to the allocator; do not leave it behind */
            volatile char *p = s->password;
            while (*p)
                *p++ = '\0';
        }
        free(s->password);
        free(s->sender);
        free(s->dlr_url_base);
        free(s->webhook_key);
        free(s);
    }
    free(a);
}

static int kannel_dup(const char *src, char **dst)
{
    *dst = strdup(src ? src : "");
    return *dst ? HD_OK : HD_ENOMEM;
}

int kannel_adapter_new(const kannel_cfg *cfg, chan_adapter **out)
{
    chan_adapter *a = NULL;
    kannel_self *s = NULL;
    int rc = HD_ENOMEM;

    if (!cfg || !out)
        return HD_EINVAL;
    *out = NULL;
    /* Parsing inbound SMS needs no settings; sending needs all three. An
     * adapter without them still records what comes in (nothing sends). */
    if (cfg->sendsms_url && *cfg->sendsms_url &&
        (!cfg->user || !*cfg->user || !cfg->password || !*cfg->password))
        return HD_ECONFIG;
    a = calloc(1, sizeof *a);
    s = calloc(1, sizeof *s);
    if (!a || !s)
        goto out;
    a->self = s;
    if (kannel_dup(cfg->sendsms_url, &s->sendsms_url) || kannel_dup(cfg->user, &s->user) ||
        kannel_dup(cfg->password, &s->password) || kannel_dup(cfg->sender, &s->sender) ||
        kannel_dup(cfg->dlr_url_base, &s->dlr_url_base) ||
        kannel_dup(cfg->webhook_key, &s->webhook_key))
        goto out;
    s->cfg = *cfg;
    s->cfg.sendsms_url = s->sendsms_url;
    s->cfg.user = s->user;
    s->cfg.password = s->password;
    s->cfg.sender = s->sender;
    s->cfg.dlr_url_base = s->dlr_url_base;
    s->cfg.webhook_key = s->webhook_key;
    a->name = "sms";
    a->parse = kannel_parse_cb;
    a->send = kannel_send_cb;
    a->destroy = kannel_destroy;
    *out = a;
    return HD_OK;

out:
    if (a)
        kannel_destroy(a);
    else
        free(s);
    return rc;
}
