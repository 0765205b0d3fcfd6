/* server.h -- the libmicrohttpd server (thread pool) that fronts everything:
 * webhooks, the API, the dashboard. */
#ifndef HD_HTTP_SERVER_H
#define HD_HTTP_SERVER_H

#include "app/app.h"

#include <stddef.h>

#define HTTP_BODY_MAX (64 * 1024)   /* larger request bodies are refused (413) */

typedef struct http_server http_server;

int  http_server_start(app *a, http_server **out, char *err, size_t errlen);
void http_server_stop(http_server *srv);

#endif
