/* server.c -- libmicrohttpd glue: collect a bounded body, route, hand the
 * request to a handler thread, answer.
 *
 * MHD calls on_request several times for one request: first with no data (we
 * set up the request's context and find its route), then with chunks of the
 * body, then once more with nothing left, when we dispatch. Bodies over
 * HTTP_BODY_MAX are refused with 413 without reading them.
 *
 * MHD's own threads only move bytes. A routed request is suspended and
 * queued for the handler threads (workq.c); when its handler is done the
 * connection is resumed, MHD calls on_request once more and the answer goes
 * out. A network thread never waits for the database, so a locked or full
 * database cannot stall the connections behind it, and the queue is
 * bounded: past HELPDESK_MAX_INFLIGHT requests queued or running, or after
 * HELPDESK_QUEUE_WAIT_MS in the queue, the answer is 503 with Retry-After at
 * once. Providers retry a 503 (that is what it is for); a queue without
 * bound would instead turn a slow minute into timeouts for everyone.
 *
 * Static files and /metrics are answered by the network thread itself: they
 * need no handler thread, and metrics must answer during an overload. The
 * webhooks (HTTP_RUN_ASYNC) start on the network thread too: they only parse
 * and hand the message to the group commit, which answers them when it is
 * on disk (http_pending_done); they take a place in the same bound. */
#include "http/server.h"

#include "core/err.h"
#include "core/log.h"
#include "core/metrics.h"
#include "http/handler.h"
#include "routes.h"
#include "store/users.h"
#include "workq.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HTTP_INFLIGHT_DEFAULT 1024   /* HELPDESK_MAX_INFLIGHT=0 */
#define HTTP_RETRY_AFTER_S       "2"

struct http_server {
    struct MHD_Daemon *mhd;
    app               *app;
    http_workq        *q;
    double             wait_s;    /* longest wait in the queue */
};

#define HTTP_QUERY_MAX (16 * 1024)   /* longer query strings are refused (414) */
/* Each connection's memory pool: the request line and headers must fit in
 * it (the body does not: it is handed over in pieces). libmicrohttpd zeroes
 * the whole pool after every request, so it is no larger than needed (the
 * default is 32 KiB, 16 MiB for smsbox's 512 connections): the longest query
 * string we answer ourselves (414 with a JSON body) plus room for headers. */
#define HTTP_CONN_POOL (HTTP_QUERY_MAX + 4 * 1024)

typedef struct req_ctx {
    http_server *srv;
    buf  query;       /* raw query string, still percent-encoded */
    buf  body;
    int  started;     /* the first call of on_request has been seen */
    int  too_big;     /* body over HTTP_BODY_MAX */
    int  uri_too_long;
    /* From the first call on. */
    double           t0;          /* monotonic seconds when the headers were in */
    int              route_rc;    /* http_route(): HD_OK, HD_ENOTFOUND, HD_ESTATE */
    http_route_match rt;
    char             allow[64];
    /* From dispatch on; while queued, the handler thread owns these. */
    struct MHD_Connection *conn;
    const char      *url, *method;
    double           queued_at;
    int              answered;    /* resp is ready: send it when resumed */
    http_resp        resp;
} req_ctx;

static double mono_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

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
    /* Every 503 here is temporary: busy, locked, disk full, overloaded. */
    if (r->status == 503)
        MHD_add_response_header(mr, MHD_HTTP_HEADER_RETRY_AFTER, HTTP_RETRY_AFTER_S);
    if (r->filename[0]) {
        char cd[sizeof r->filename + 32];
        snprintf(cd, sizeof cd, "attachment; filename=\"%s\"", r->filename);
        MHD_add_response_header(mr, "Content-Disposition", cd);
    }
    ret = MHD_queue_response(conn, (unsigned)r->status, mr);
    MHD_destroy_response(mr);
    return ret;
}

/* Send and count: every answer goes through here. */
static enum MHD_Result answer(http_server *srv, struct MHD_Connection *conn, req_ctx *ctx,
                              const http_resp *r, const char *allow)
{
    metrics_http(srv->app->metrics, ctx->started ? ctx->rt.slot : METRICS_ROUTE_UNMATCHED,
                 r->status, mono_s() - ctx->t0);
    log_debug("http: %s %s -> %d", ctx->method ? ctx->method : "-", ctx->url ? ctx->url : "-",
              r->status);
    return send_resp(conn, r, allow);
}

static enum MHD_Result answer_error(http_server *srv, struct MHD_Connection *conn,
                                    req_ctx *ctx, int status, const char *code,
                                    const char *msg, const char *allow)
{
    http_resp r = { 0 };
    enum MHD_Result ret;

    buf_init(&r.body, HTTP_RESP_MAX);
    http_reply_error(&r, status, code, msg);
    ret = answer(srv, conn, ctx, &r, allow);
    buf_free(&r.body);
    return ret;
}

/* Authenticate and run the route's handler; resp gets the answer, unless
 * the handler returns HTTP_PENDING (it answers later, see handler.h). */
static int run_handler(http_server *srv, req_ctx *ctx, http_resp *resp)
{
    http_req req = { 0 };
    store_user user;
    int rc = HD_OK;

    req.app = srv->app;
    req.conn = ctx->conn;
    req.method = ctx->method;
    req.path = ctx->url;
    req.query = buf_str(&ctx->query);
    req.query_len = ctx->query.len;
    req.body = buf_str(&ctx->body);
    req.body_len = ctx->body.len;
    req.id = ctx->rt.id;
    req.pending = ctx->rt.run == HTTP_RUN_ASYNC ? (struct http_pending *)ctx : NULL;
    resp->status = 200;
    if (ctx->rt.access != HTTP_PUBLIC) {
        rc = http_authenticate(&req, ctx->rt.access, &user, resp);
        if (rc == HD_OK)
            req.user = &user;
    }
    if (rc == HD_OK)
        rc = ctx->rt.fn(&req, resp);
    else if (rc == HD_EAUTH)
        rc = HD_OK;   /* http_authenticate has answered 401/403 */
    if (rc == HTTP_PENDING)
        return rc;
    if (rc && resp->status < 400) {
        /* Locked or full database: temporary, the client should retry. */
        int unavailable = rc == HD_EBUSY || rc == HD_EIO;

        log_error("http: %s %s failed: %s", ctx->method, ctx->url, hd_strerror(rc));
        metrics_error_rc(srv->app->metrics, rc);
        http_reply_error(resp, unavailable ? 503 : 500, unavailable ? "busy" : "internal",
                         unavailable ? "the service is busy, try again" : "internal error");
    }
    return HD_OK;
}

/* A handler thread's turn: run the request unless it waited too long. */
static void on_job(void *job, void *arg)
{
    req_ctx *ctx = job;
    http_server *srv = arg;

    buf_init(&ctx->resp.body, HTTP_RESP_MAX);
    if (mono_s() - ctx->queued_at > srv->wait_s) {
        metrics_error(srv->app->metrics, METRICS_ERR_QUEUE_TIMEOUT);
        http_reply_error(&ctx->resp, 503, "busy", "the service is busy, try again");
    } else if (run_handler(srv, ctx, &ctx->resp) == HTTP_PENDING) {
        /* Only HTTP_RUN_ASYNC routes are given req->pending. */
        log_error("http: %s %s: a handler thread's handler cannot answer later",
                  ctx->method, ctx->url);
        http_reply_error(&ctx->resp, 500, "internal", "internal error");
    }
    /* MHD_resume_connection takes MHD's lock: the network thread that sends
     * the answer sees everything written above. From here on the context
     * belongs to that thread again. */
    ctx->answered = 1;
    MHD_resume_connection(ctx->conn);
}

static enum MHD_Result dispatch(http_server *srv, struct MHD_Connection *conn,
                                const char *url, const char *method, req_ctx *ctx)
{
    ctx->conn = conn;
    ctx->url = url;
    ctx->method = method;
    if (ctx->route_rc == HD_ENOTFOUND)
        return answer_error(srv, conn, ctx, 404, "not_found", "no such resource", NULL);
    if (ctx->route_rc == HD_ESTATE)
        return answer_error(srv, conn, ctx, 405, "method_not_allowed",
                            "method not allowed here", ctx->allow);
    if (ctx->rt.run == HTTP_RUN_NET) {
        http_resp resp = { 0 };
        enum MHD_Result ret;

        buf_init(&resp.body, HTTP_RESP_MAX);
        run_handler(srv, ctx, &resp);
        ret = answer(srv, conn, ctx, &resp, NULL);
        buf_free(&resp.body);
        return ret;
    }
    /* Handler threads and answers to come share one bound. */
    if (http_workq_reserve(srv->q) != HD_OK) {
        metrics_error(srv->app->metrics, METRICS_ERR_OVERLOAD);
        return answer_error(srv, conn, ctx, 503, "overloaded",
                            "too many requests in progress, try again", NULL);
    }
    ctx->queued_at = mono_s();
    MHD_suspend_connection(conn);
    if (ctx->rt.run == HTTP_RUN_WORKER) {
        http_workq_push(srv->q, ctx);
        return MHD_YES;
    }
    /* Suspended before the handler runs: its answer may come from another
     * thread before this one returns. */
    if (run_handler(srv, ctx, &ctx->resp) != HTTP_PENDING)
        http_pending_done((struct http_pending *)ctx);
    return MHD_YES;
}

void http_pending_done(struct http_pending *p)
{
    req_ctx *ctx = (req_ctx *)p;
    http_server *srv = ctx->srv;

    /* Resumed, the network thread sends ctx->resp and may free ctx: the
     * place in the bound is given back last, so that stopping waits for
     * this answer (see http_server_stop). */
    ctx->answered = 1;
    MHD_resume_connection(ctx->conn);
    http_workq_release(srv->q);
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
    if (ctx->answered) {   /* resumed: the handler thread is done */
        enum MHD_Result ret = answer(srv, conn, ctx, &ctx->resp, NULL);

        ctx->answered = 0;
        buf_free(&ctx->resp.body);
        return ret;
    }
    if (!ctx->started) {
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                     MHD_HTTP_HEADER_CONTENT_LENGTH);
        ctx->t0 = mono_s();
        ctx->route_rc = http_route(method, url, &ctx->rt, ctx->allow, sizeof ctx->allow);
        ctx->started = 1;
        ctx->url = url;
        ctx->method = method;
        if (ctx->uri_too_long)
            return answer_error(srv, conn, ctx, 414, "uri_too_long", "query string over 16 KiB",
                                NULL);
        /* Refuse a declared oversize body before reading a byte of it. */
        if (cl && strtoull(cl, NULL, 10) > HTTP_BODY_MAX) {
            ctx->too_big = 1;
            return answer_error(srv, conn, ctx, 413, "too_large", "request body over 64 KiB",
                                NULL);
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
        return answer_error(srv, conn, ctx, 413, "too_large", "request body over 64 KiB", NULL);
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
    ctx->srv = cls;
    buf_init(&ctx->body, HTTP_BODY_MAX);
    buf_init(&ctx->query, HTTP_QUERY_MAX);
    buf_init(&ctx->resp.body, HTTP_RESP_MAX);
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
        buf_free(&ctx->resp.body);
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

/* HELPDESK_MAX_INFLIGHT (0: HTTP_INFLIGHT_DEFAULT) and HELPDESK_QUEUE_WAIT_MS,
 * checked. */
static int server_limits(const settings *c, int *inflight, char *err, size_t errlen)
{
    long long n = c->max_inflight ? c->max_inflight : HTTP_INFLIGHT_DEFAULT;

    if (n < 1 || n > 100000)
        return hd_seterr(err, errlen, HD_ECONFIG, "HELPDESK_MAX_INFLIGHT must be 0 (automatic) or 1..100000");
    if (c->queue_wait_ms < 1 || c->queue_wait_ms > 600000)
        return hd_seterr(err, errlen, HD_ECONFIG, "HELPDESK_QUEUE_WAIT_MS must be 1..600000");
    *inflight = (int)n;
    return HD_OK;
}

int http_server_start(app *a, http_server **out, char *err, size_t errlen)
{
    struct sockaddr_in sa;
    http_server *srv;
    int inflight = 0, rc;

    if (!a || !out)
        return HD_EINVAL;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)a->cfg.http_port);
    if (inet_pton(AF_INET, a->cfg.http_host, &sa.sin_addr) != 1)
        return hd_seterr(err, errlen, HD_ECONFIG,
                         "HELPDESK_HTTP_HOST must be an IPv4 address, not '%s'", a->cfg.http_host);
    rc = server_limits(&a->cfg, &inflight, err, errlen);
    if (rc)
        return rc;
    srv = calloc(1, sizeof *srv);
    if (!srv)
        return HD_ENOMEM;
    srv->app = a;
    srv->wait_s = (double)a->cfg.queue_wait_ms / 1000.0;
    /* Handler threads wait on the database (a group commit, a connection):
     * many of them cost little and let the commits group many messages. */
    rc = http_workq_start((int)a->cfg.handler_threads, inflight, on_job, srv, &srv->q);
    if (rc) {
        free(srv);
        return hd_seterr(err, errlen, rc, "cannot start the handler threads");
    }
    srv->mhd = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
            MHD_ALLOW_SUSPEND_RESUME,
        0, NULL, NULL, on_request, srv,
        /* First, so that MHD's own early messages go through our log too. */
        MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, srv,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)a->cfg.http_threads,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)a->cfg.http_max_conns,
        MHD_OPTION_CONNECTION_TIMEOUT, 30u,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_CONN_POOL,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
        MHD_OPTION_URI_LOG_CALLBACK, on_uri, srv,
        MHD_OPTION_END);
    if (!srv->mhd) {
        http_workq_stop(srv->q);
        http_workq_free(srv->q);
        free(srv);
        return hd_seterr(err, errlen, HD_EIO, "cannot listen on %s:%lld (in use?)",
                         a->cfg.http_host, a->cfg.http_port);
    }
    log_info("http: listening on %s:%lld with %lld threads, at most %d requests in flight",
             a->cfg.http_host, a->cfg.http_port, a->cfg.http_threads, inflight);
    *out = srv;
    return HD_OK;
}

void http_server_stop(http_server *srv)
{
    if (!srv)
        return;
    /* Answer every request already taken (their connections are suspended
     * and MHD will not stop cleanly with suspended connections); new ones
     * get 503 until MHD stops listening. */
    http_workq_stop(srv->q);
    MHD_stop_daemon(srv->mhd);
    http_workq_free(srv->q);
    free(srv);
}
