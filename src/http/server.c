/* server.c -- libmicrohttpd glue: collect a bounded body, route, answer.
 *
 * MHD calls on_request several times for one request: first with no data (we
 * set up the request's context), then with chunks of the body, then once more
 * with nothing left, when we dispatch to the handler. Bodies over
 * HTTP_BODY_MAX are refused with 413 without reading them. */
#include "http/server.h"

#include "core/err.h"
#include "core/log.h"
#include "http/handler.h"
#include "routes.h"
#include "store/users.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct http_server {
    struct MHD_Daemon *mhd;
    app               *app;
};

#define HTTP_QUERY_MAX (16 * 1024)   /* longer query strings are refused (414) */

typedef struct req_ctx {
    buf  query;       /* raw query string, still percent-encoded */
    buf  body;
    int  started;     /* the first call of on_request has been seen */
    int  too_big;     /* body over HTTP_BODY_MAX */
    int  uri_too_long;
} req_ctx;

static enum MHD_Result send_resp(struct MHD_Connection *conn, const http_resp *r,
                                 const char *allow)
{
    struct MHD_Response *mr;
    enum MHD_Result ret;

    mr = MHD_create_response_from_buffer(r->body.len, (void *)buf_str(&r->body),
                                         MHD_RESPMEM_MUST_COPY);
    if (!mr)
        return MHD_NO;
    MHD_add_response_header(mr, MHD_HTTP_HEADER_CONTENT_TYPE,
                            r->content_type ? r->content_type : "text/plain; charset=utf-8");
    MHD_add_response_header(mr, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    MHD_add_response_header(mr, "X-Content-Type-Options", "nosniff");
    if (allow && *allow)
        MHD_add_response_header(mr, MHD_HTTP_HEADER_ALLOW, allow);
    ret = MHD_queue_response(conn, (unsigned)r->status, mr);
    MHD_destroy_response(mr);
    return ret;
}

static enum MHD_Result answer_error(struct MHD_Connection *conn, int status,
                                    const char *code, const char *msg, const char *allow)
{
    http_resp r = { 0 };
    enum MHD_Result ret;

    buf_init(&r.body, HTTP_RESP_MAX);
    http_reply_error(&r, status, code, msg);
    ret = send_resp(conn, &r, allow);
    buf_free(&r.body);
    return ret;
}

static enum MHD_Result dispatch(http_server *srv, struct MHD_Connection *conn,
                                const char *url, const char *method, req_ctx *ctx)
{
    http_req req = { 0 };
    http_resp resp = { 0 };
    http_route_match rt;
    store_user user;
    char allow[64];
    enum MHD_Result ret;
    int rc;

    rc = http_route(method, url, &rt, allow, sizeof allow);
    if (rc == HD_ENOTFOUND)
        return answer_error(conn, 404, "not_found", "no such resource", NULL);
    if (rc == HD_ESTATE)
        return answer_error(conn, 405, "method_not_allowed", "method not allowed here", allow);

    req.app = srv->app;
    req.conn = conn;
    req.method = method;
    req.path = url;
    req.query = buf_str(&ctx->query);
    req.query_len = ctx->query.len;
    req.body = buf_str(&ctx->body);
    req.body_len = ctx->body.len;
    req.id = rt.id;
    buf_init(&resp.body, HTTP_RESP_MAX);
    resp.status = 200;
    rc = HD_OK;
    if (rt.access != HTTP_PUBLIC) {
        rc = http_authenticate(&req, rt.access, &user, &resp);
        if (rc == HD_OK)
            req.user = &user;
    }
    if (rc == HD_OK)
        rc = rt.fn(&req, &resp);
    else if (rc == HD_EAUTH)
        rc = HD_OK;   /* http_authenticate has answered 401/403 */
    if (rc && resp.status < 400) {
        log_error("http: %s %s failed: %s", method, url, hd_strerror(rc));
        http_reply_error(&resp, rc == HD_EBUSY ? 503 : 500,
                         rc == HD_EBUSY ? "busy" : "internal",
                         rc == HD_EBUSY ? "the service is busy, try again" : "internal error");
    }
    log_debug("http: %s %s -> %d", method, url, resp.status);
    ret = send_resp(conn, &resp, NULL);
    buf_free(&resp.body);
    return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    http_server *srv = cls;
    req_ctx *ctx = *con_cls;

    if (!ctx)
        return MHD_NO;   /* on_uri did not get memory for it */
    if (!ctx->started) {
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                     MHD_HTTP_HEADER_CONTENT_LENGTH);
        ctx->started = 1;
        if (ctx->uri_too_long)
            return answer_error(conn, 414, "uri_too_long", "query string over 16 KiB", NULL);
        /* Refuse a declared oversize body before reading a byte of it. */
        if (cl && strtoull(cl, NULL, 10) > HTTP_BODY_MAX) {
            ctx->too_big = 1;
            return answer_error(conn, 413, "too_large", "request body over 64 KiB", NULL);
        }
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (!ctx->too_big && buf_append(&ctx->body, upload_data, *upload_data_size) != HD_OK)
            ctx->too_big = 1;   /* chunked body that grew too large: drain it */
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (ctx->too_big)
        return answer_error(conn, 413, "too_large", "request body over 64 KiB", NULL);
    return dispatch(srv, conn, url, method, ctx);
}

/* Called by MHD with the full request URI before on_request: the only place
 * the raw query string is available. MHD's own argument parsing stops at a
 * NUL byte, and Kannel's UCS-2 texts carry %00 escapes, so adapters decode
 * the raw query themselves. The return value becomes the request's context. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
    req_ctx *ctx = calloc(1, sizeof *ctx);
    const char *q;

    if (!ctx)
        return NULL;
    buf_init(&ctx->body, HTTP_BODY_MAX);
    buf_init(&ctx->query, HTTP_QUERY_MAX);
    q = uri ? strchr(uri, '?') : NULL;
    if (q && buf_appends(&ctx->query, q + 1) != HD_OK)
        ctx->uri_too_long = 1;
    return ctx;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    req_ctx *ctx = *con_cls;

    if (ctx) {
        buf_free(&ctx->query);
        buf_free(&ctx->body);
        free(ctx);
        *con_cls = NULL;
    }
}

__attribute__((format(printf, 2, 0)))
static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    char line[512];

    vsnprintf(line, sizeof line, fmt, ap);
    line[strcspn(line, "\n")] = '\0';
    log_warn("mhd: %s", line);
}

int http_server_start(app *a, http_server **out, char *err, size_t errlen)
{
    struct sockaddr_in sa;
    http_server *srv;

    if (!a || !out)
        return HD_EINVAL;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)a->cfg.http_port);
    if (inet_pton(AF_INET, a->cfg.http_host, &sa.sin_addr) != 1)
        return hd_seterr(err, errlen, HD_ECONFIG,
                         "HELPDESK_HTTP_HOST must be an IPv4 address, not '%s'", a->cfg.http_host);
    srv = calloc(1, sizeof *srv);
    if (!srv)
        return HD_ENOMEM;
    srv->app = a;
    srv->mhd = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG,
        0, NULL, NULL, on_request, srv,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)a->cfg.http_threads,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)a->cfg.http_max_conns,
        MHD_OPTION_CONNECTION_TIMEOUT, 30u,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
        MHD_OPTION_URI_LOG_CALLBACK, on_uri, srv,
        MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, srv,
        MHD_OPTION_END);
    if (!srv->mhd) {
        free(srv);
        return hd_seterr(err, errlen, HD_EIO, "cannot listen on %s:%lld (in use?)",
                         a->cfg.http_host, a->cfg.http_port);
    }
    log_info("http: listening on %s:%lld with %lld threads", a->cfg.http_host,
             a->cfg.http_port, a->cfg.http_threads);
    *out = srv;
    return HD_OK;
}

void http_server_stop(http_server *srv)
{
    if (!srv)
        return;
    MHD_stop_daemon(srv->mhd);
    free(srv);
}
