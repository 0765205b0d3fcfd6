/* routes.h -- the table from (method, path) to handler. */
#ifndef HD_HTTP_ROUTES_H
#define HD_HTTP_ROUTES_H

#include "http/handler.h"

/* Find the handler. HD_ENOTFOUND: no such path (404); HD_ESTATE: the path
 * exists with another method (405, allow filled with e.g. "GET, POST"). */
int http_route(const char *method, const char *path, http_handler *out,
               char *allow, size_t allow_len);

/* Handlers, one file per resource. */
int http_health(const http_req *req, http_resp *resp);
int http_simulate(const http_req *req, http_resp *resp);
int http_kannel_inbound(const http_req *req, http_resp *resp);
int http_kannel_dlr(const http_req *req, http_resp *resp);
int http_zalo_inbound(const http_req *req, http_resp *resp);

#endif
