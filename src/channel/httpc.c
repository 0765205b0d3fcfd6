/* httpc.c -- one outbound HTTP request through libcurl, with bounds.
 *
 * One easy handle per call: the adapters send a few requests a second at
 * most, and a handle that lives only for the call cannot leak state (headers,
 * credentials, a half-read body) from one provider's request into the next.
 *
 * URLs are never written into error sentences or logs: Kannel's sendsms URL
 * carries the password in its query and Zalo's headers carry tokens. Errors
 * name the scheme, host and port only (see httpc_origin). */
#include "channel/httpc.h"
#include "core/err.h"

#include <curl/curl.h>

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define HTTPC_TIMEOUT_DEFAULT_MS 10000L
/* Connecting may take at most this share of the whole budget, so that a dead
 * host is told apart from a slow answer in the error sentence. */
#define HTTPC_CONNECT_MAX_MS 5000L

typedef struct httpc_call {
    httpc_resp *resp;
    size_t      limit;         /* the smaller of the buf's bound and HTTPC_BODY_MAX */
    int         overflow;      /* the body went over it */
} httpc_call;

int httpc_global_init(void)
{
    return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? HD_OK : HD_EIO;
}

void httpc_global_cleanup(void)
{
    curl_global_cleanup();
}

/* "https://user:pw@host:443/path?q" -> "https://host:443", for error
 * sentences: everything that may carry a secret is left out. */
static void httpc_origin(const char *url, char *out, size_t cap)
{
    const char *p = strstr(url, "://"), *host, *end, *at;
    size_t n;

    if (!p) {
        snprintf(out, cap, "(bad url)");
        return;
    }
    host = p + 3;
    end = host + strcspn(host, "/?#");
    at = memchr(host, '@', (size_t)(end - host));
    if (at)
        host = at + 1;
    n = (size_t)(p + 3 - url);
    snprintf(out, cap, "%.*s%.*s", (int)(n < 16 ? n : 16), url,
             (int)((size_t)(end - host) < 128 ? (size_t)(end - host) : 128), host);
}

static size_t httpc_on_body(char *data, size_t size, size_t nmemb, void *ud)
{
    httpc_call *c = ud;
    size_t n = size * nmemb;

    if (n > c->limit - c->resp->body.len || buf_append(&c->resp->body, data, n) != HD_OK) {
        c->overflow = 1;
        return 0;               /* makes curl stop with CURLE_WRITE_ERROR */
    }
    return n;
}

/* Longest Retry-After taken: callers turn it into milliseconds, and a
 * provider's (or a proxy's) absurd value must neither overflow that nor
 * park a message for years; the outbox caps the delay lower still. */
#define HTTPC_RETRY_AFTER_MAX_S 86400L

/* Retry-After in its seconds form; the HTTP-date form is rare from the
 * providers we talk to and is read as absent (the caller backs off). */
static long httpc_parse_retry_after(const char *v, size_t n)
{
    long s = 0;
    size_t i = 0;

    while (i < n && (v[i] == ' ' || v[i] == '\t'))
        i++;
    if (i == n || !isdigit((unsigned char)v[i]))
        return -1;
    for (; i < n && isdigit((unsigned char)v[i]); i++)
        if (s <= HTTPC_RETRY_AFTER_MAX_S)
            s = s * 10 + (v[i] - '0');
    if (s > HTTPC_RETRY_AFTER_MAX_S)
        s = HTTPC_RETRY_AFTER_MAX_S;
    while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == '\r' || v[i] == '\n'))
        i++;
    return i == n ? s : -1;
}

static size_t httpc_on_header(char *data, size_t size, size_t nmemb, void *ud)
{
    static const char name[] = "retry-after:";
    httpc_call *c = ud;
    size_t n = size * nmemb;

    /* A new status line starts a new answer (after a 100 Continue): forget
     * the headers of the previous one. */
    if (n >= 5 && memcmp(data, "HTTP/", 5) == 0)
        c->resp->retry_after_s = -1;
    else if (n > sizeof name - 1 && strncasecmp(data, name, sizeof name - 1) == 0)
        c->resp->retry_after_s = httpc_parse_retry_after(data + sizeof name - 1,
                                                         n - (sizeof name - 1));
    return n;
}

static int httpc_map_curl(CURLcode cc, int overflow)
{
    if (overflow || cc == CURLE_FILESIZE_EXCEEDED)
        return HD_ETOOBIG;
    switch (cc) {
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_HTTP3:
    case CURLE_QUIC_CONNECT_ERROR:
        return HD_ERETRY;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
        return HD_EINVAL;
    case CURLE_OUT_OF_MEMORY:
        return HD_ENOMEM;
    default:
        return HD_EIO;
    }
}

int httpc_do(const httpc_req *req, httpc_resp *resp, char *err, size_t errlen)
{
    CURL *h = NULL;
    struct curl_slist *hdrs = NULL, *t;
    httpc_call call = { resp, 0, 0 };
    char origin[160];
    long timeout, connect_timeout;
    size_t max;
    CURLcode cc = CURLE_OK;
    int rc = HD_OK, post;

    if (!req || !resp || !req->url || !req->method)
        return hd_seterr(err, errlen, HD_EINVAL, "httpc: missing request or answer");
    post = strcmp(req->method, "POST") == 0;
    if (!post && strcmp(req->method, "GET") != 0)
        return hd_seterr(err, errlen, HD_EINVAL, "httpc: method must be GET or POST");
    if (req->body_len && !req->body)
        return hd_seterr(err, errlen, HD_EINVAL, "httpc: body length without body");

    resp->status = 0;
    resp->retry_after_s = -1;
    buf_reset(&resp->body);
    max = resp->body.max < HTTPC_BODY_MAX ? resp->body.max : HTTPC_BODY_MAX;
    call.limit = max;
    httpc_origin(req->url, origin, sizeof origin);

    timeout = req->timeout_ms > 0 ? req->timeout_ms : HTTPC_TIMEOUT_DEFAULT_MS;
    connect_timeout = timeout < HTTPC_CONNECT_MAX_MS ? timeout : HTTPC_CONNECT_MAX_MS;

    h = curl_easy_init();
    if (!h) {
        rc = hd_seterr(err, errlen, HD_ENOMEM, "httpc: curl_easy_init failed");
        goto out;
    }
    for (int i = 0; i < HTTPC_HEADERS_MAX && req->headers[i]; i++) {
        if (!(t = curl_slist_append(hdrs, req->headers[i]))) {
            rc = hd_seterr(err, errlen, HD_ENOMEM, "httpc: out of memory");
            goto out;
        }
        hdrs = t;
    }
    /* curl would otherwise wait up to a second for "100 Continue" on large
     * POST bodies; none of our providers use it. */
    if (post && (t = curl_slist_append(hdrs, "Expect:")))
        hdrs = t;

    curl_easy_setopt(h, CURLOPT_URL, req->url);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);       /* threads: no SIGALRM for DNS */
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, connect_timeout);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)max);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, httpc_on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &call);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, httpc_on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &call);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "vneid-helpdesk");
    if (hdrs)
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    if (post) {
        curl_easy_setopt(h, CURLOPT_POST, 1L);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, req->body ? req->body : "");
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
    } else {
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    }

    cc = curl_easy_perform(h);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp->status);
    if (cc != CURLE_OK) {
        rc = httpc_map_curl(cc, call.overflow);
        if (rc == HD_ETOOBIG)
            hd_seterr(err, errlen, rc, "httpc: %s %s: answer larger than %zu bytes",
                      req->method, origin, max);
        else
            hd_seterr(err, errlen, rc, "httpc: %s %s: %s", req->method, origin,
                      curl_easy_strerror(cc));
    }

out:
    curl_slist_free_all(hdrs);
    if (h)
        curl_easy_cleanup(h);
    return rc;
}

static int httpc_unreserved(unsigned char ch)
{
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
           ch == '-' || ch == '.' || ch == '_' || ch == '~';
}

int httpc_urlencode(const char *s, size_t len, buf *out)
{
    static const char hex[] = "0123456789ABCDEF";
    char esc[3];
    size_t i, run;
    int rc;

    if (!out || (!s && len))
        return HD_EINVAL;
    /* Append runs of unreserved bytes at once (RFC 3986 section 2.3); every
     * other byte, space included, becomes %XX, which both query strings and
     * form bodies accept. */
    for (i = 0; i < len; i += run) {
        unsigned char ch = (unsigned char)s[i];
        for (run = 0; i + run < len; run++) {
            ch = (unsigned char)s[i + run];
            if (!httpc_unreserved(ch))
                break;
        }
        if (run) {
            if ((rc = buf_append(out, s + i, run)))
                return rc;
            continue;
        }
        esc[0] = '%';
        esc[1] = hex[ch >> 4];
        esc[2] = hex[ch & 15];
        if ((rc = buf_append(out, esc, 3)))
            return rc;
        run = 1;
    }
    return HD_OK;
}
