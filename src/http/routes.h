/* routes.h -- the table from (method, path) to handler, and the handlers. */
#ifndef HD_HTTP_ROUTES_H
#define HD_HTTP_ROUTES_H

#include "http/handler.h"

typedef struct http_route_match {
    http_handler fn;
    http_access  access;
    http_run     run;
    int64_t      id;        /* the {id} of the path, 0 if none */
    int          slot;      /* metrics slot of the pattern (also on 405);
                               METRICS_ROUTE_UNMATCHED on 404 */
} http_route_match;

/* The label of each metrics slot: names[i] = the pattern of slot i, NULL
 * for a slot no request is counted in (a second method of a pattern).
 * Returns how many were filled (at most max). */
int http_route_names(const char **names, int max);

/* Find the handler. HD_ENOTFOUND: no such path (404); HD_ESTATE: the path
 * exists with another method (405, allow filled with e.g. "GET, POST"). */
int http_route(const char *method, const char *path, http_route_match *out,
               char *allow, size_t allow_len);

/* auth.c: the bearer token of the request -> *user. On failure answers
 * 401 (no or unknown token) or 403 (role below access) and returns HD_EAUTH. */
int http_authenticate(const http_req *req, http_access access, struct store_user *user,
                      http_resp *resp);

/* Handlers, one file per resource. */
int http_health(const http_req *req, http_resp *resp);
int http_metrics(const http_req *req, http_resp *resp);
int http_static(const http_req *req, http_resp *resp);
int http_simulate(const http_req *req, http_resp *resp);
int http_kannel_inbound(const http_req *req, http_resp *resp);
int http_kannel_dlr(const http_req *req, http_resp *resp);
int http_zalo_inbound(const http_req *req, http_resp *resp);
int http_me(const http_req *req, http_resp *resp);
int http_cases_list(const http_req *req, http_resp *resp);
int http_case_get(const http_req *req, http_resp *resp);
int http_case_claim(const http_req *req, http_resp *resp);
int http_case_reply(const http_req *req, http_resp *resp);
int http_case_resolve(const http_req *req, http_resp *resp);
int http_case_close(const http_req *req, http_resp *resp);
int http_contacts_import(const http_req *req, http_resp *resp);
int http_broadcasts_list(const http_req *req, http_resp *resp);
int http_broadcast_create(const http_req *req, http_resp *resp);
int http_broadcast_preview(const http_req *req, http_resp *resp);
int http_broadcast_get(const http_req *req, http_resp *resp);
int http_broadcast_pause(const http_req *req, http_resp *resp);
int http_broadcast_resume(const http_req *req, http_resp *resp);
int http_broadcast_cancel(const http_req *req, http_resp *resp);
int http_reports_daily(const http_req *req, http_resp *resp);

#endif
