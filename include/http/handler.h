/* handler.h -- what a route handler gets and gives, and the helpers every
 * handler uses to answer. One file per API resource implements handlers. */
#ifndef HD_HTTP_HANDLER_H
#define HD_HTTP_HANDLER_H

#include "app/app.h"
#include "core/buf.h"

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

struct MHD_Connection;
struct store_user;

/* Who may call a route. Everything under /api/v1/ needs a bearer token. */
typedef enum http_access {
    HTTP_PUBLIC = 0,   /* webhooks (verified by their own means), health, dashboard files */
    HTTP_USER,         /* any signed-in user; handlers narrow by role and commune */
    HTTP_STAFF         /* staff or admin */
} http_access;

#define HTTP_RESP_MAX (4 * 1024 * 1024)

typedef struct http_req {
    app                   *app;
    struct MHD_Connection *conn;
    const char            *method;     /* "GET", "POST", ... */
    const char            *path;       /* without the query string */
    const char            *query;      /* raw, still percent-encoded; "" when none */
    size_t                 query_len;
    const char            *body;       /* NUL-terminated; "" when none */
    size_t                 body_len;
    int64_t                id;         /* the {id} of the route's path, 0 if none */
    const struct store_user *user;     /* the signed-in user; NULL on public routes */
    struct http_pending   *pending;    /* routes run HTTP_RUN_ASYNC only, see below */
} http_req;

typedef struct http_resp {
    int         status;
    const char *content_type;          /* static string */
    buf         body;
    /* Non-empty: sent as Content-Disposition: attachment (a download, e.g.
     * the report's CSV). Plain [A-Za-z0-9._-] only: it is not escaped. */
    char        filename[64];
} http_resp;

typedef int (*http_handler)(const http_req *req, http_resp *resp);

/* Where a route's handler runs (routes.c says which).
 *   HTTP_RUN_WORKER  a handler thread: it may wait for the database.
 *   HTTP_RUN_NET     the network thread: answers from memory only.
 *   HTTP_RUN_ASYNC   starts on the network thread, which it must not block,
 *                    and may answer later: it returns HTTP_PENDING, keeps
 *                    resp (valid until then) and req->pending, and once resp
 *                    is filled calls http_pending_done(req->pending), from
 *                    any thread. The webhooks run so: the group commit
 *                    answers them, no thread waits for it. Public routes only
 *                    (checking a token reads the database). */
typedef enum http_run {
    HTTP_RUN_WORKER = 0,
    HTTP_RUN_NET,
    HTTP_RUN_ASYNC
} http_run;

#define HTTP_PENDING 1   /* a handler's "the answer comes later" (not an error) */

struct http_pending;
void http_pending_done(struct http_pending *p);

/* A query-string or form argument; NULL when absent. */
const char *http_arg(const http_req *req, const char *name);
/* A request header; NULL when absent. */
const char *http_header(const http_req *req, const char *name);

/* Answer with JSON. http_reply_json takes ownership of (and frees) obj. */
int http_reply_json(http_resp *resp, int status, cJSON *obj);
/* {"error":{"code":"bad_request","message":"..."}} */
int http_reply_error(http_resp *resp, int status, const char *code, const char *message);
int http_reply_text(http_resp *resp, int status, const char *content_type, const char *text);

/* Parse the body as a JSON object; on failure answers 400 itself and returns
 * NULL. */
cJSON *http_body_json(const http_req *req, http_resp *resp);

#endif
