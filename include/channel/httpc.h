/* httpc.h -- one outbound HTTP request through libcurl, with bounds.
 *
 * The answer body is read into a bounded buffer (HTTPC_BODY_MAX); a timeout,
 * a refused connection or a DNS failure is HD_ERETRY, so adapters can map it
 * to CHAN_RETRY without knowing curl. Thread-safe (one easy handle per call,
 * or per-thread reuse); httpc_global_init() once at start. */
#ifndef HD_CHANNEL_HTTPC_H
#define HD_CHANNEL_HTTPC_H

#include "core/buf.h"

#include <stddef.h>

#define HTTPC_BODY_MAX (256 * 1024)
#define HTTPC_HEADERS_MAX 8

typedef struct httpc_req {
    const char *method;                       /* "GET" or "POST" */
    const char *url;
    const char *headers[HTTPC_HEADERS_MAX];   /* "Name: value", NULL-terminated list */
    const char *body;                         /* POST body or NULL */
    size_t      body_len;
    long        timeout_ms;                   /* whole request; 0 = 10 s */
} httpc_req;

typedef struct httpc_resp {
    long status;                              /* HTTP status, 0 if none */
    long retry_after_s;                       /* Retry-After header, -1 if absent */
    buf  body;                                /* caller buf_init()s and buf_free()s */
} httpc_resp;

int  httpc_global_init(void);
void httpc_global_cleanup(void);
/* HD_OK when an HTTP answer came back (any status); HD_ERETRY on timeout or
 * connection failure; HD_ETOOBIG when the answer exceeded the bound. */
int  httpc_do(const httpc_req *req, httpc_resp *resp, char *err, size_t errlen);
/* Percent-encode s (len bytes) for a query string or form body into out. */
int  httpc_urlencode(const char *s, size_t len, buf *out);

#endif
