/* metrics.h -- counters for GET /metrics (Prometheus text format 0.0.4).
 *
 * Everything counted while serving lives here, in small fixed tables of C11
 * atomics: counting costs one relaxed atomic add, never a lock or an
 * allocation, and the number of series can never grow with what clients
 * send (a route is an index into the route table, a status one of a fixed
 * list, a channel one of a fixed list). Gauges that the database knows
 * (outbox depth, open cases) are read at scrape time by the HTTP handler,
 * not kept here. One instance per running program (app->metrics). */
#ifndef HD_CORE_METRICS_H
#define HD_CORE_METRICS_H

#include "core/buf.h"

#include <stdint.h>

#define METRICS_ROUTES_MAX 64          /* route slots; the last is "unmatched" */
#define METRICS_ROUTE_UNMATCHED (METRICS_ROUTES_MAX - 1)

typedef struct metrics metrics;

/* How a message left through a channel's delivery worker. */
typedef enum metrics_out {
    METRICS_OUT_SENT = 0,
    METRICS_OUT_RETRY,          /* temporary failure, queued again */
    METRICS_OUT_FAILED,         /* given up */
    METRICS_OUT_UNREACHABLE,    /* the contact cannot be reached */
    METRICS_OUT_N
} metrics_out;

typedef enum metrics_err {
    METRICS_ERR_OVERLOAD = 0,   /* refused: too many requests in flight */
    METRICS_ERR_QUEUE_TIMEOUT,  /* waited too long for a worker */
    METRICS_ERR_POOL_TIMEOUT,   /* waited too long for a database connection */
    METRICS_ERR_DB_BUSY,        /* database locked (SQLITE_BUSY/LOCKED) */
    METRICS_ERR_DB_IO,          /* disk full or I/O error */
    METRICS_ERR_DB,             /* any other database error */
    METRICS_ERR_INTERNAL,       /* any other failure answered 5xx */
    METRICS_ERR_N
} metrics_err;

int  metrics_new(metrics **out);
void metrics_free(metrics *m);

/* One answered HTTP request: route slot (0..METRICS_ROUTES_MAX-1, anything
 * else counts as unmatched), status code, time from request to answer. */
void metrics_http(metrics *m, int route, int status, double seconds);
/* channel: "sms", "zalo"; anything else counts as "other". */
void metrics_msg_in(metrics *m, const char *channel);
/* An inbound message kept but not answered by the bot (sender over its rate). */
void metrics_msg_throttled(metrics *m, const char *channel);
void metrics_msg_out(metrics *m, const char *channel, metrics_out how);
void metrics_error(metrics *m, metrics_err kind);
/* The error kind of an HD_* code that made a request fail (nothing for HD_OK). */
void metrics_error_rc(metrics *m, int rc);

/* Append every counter in the text format. route_names[i] is the label of
 * slot i (n_routes of them, at most METRICS_ROUTE_UNMATCHED), NULL for a slot
 * never counted; the unmatched slot is labelled "unmatched". Series that
 * were never counted are left out. */
int metrics_render(metrics *m, const char *const *route_names, int n_routes, buf *out);

/* Resident set size of this process in bytes (0 if unknown). */
int64_t metrics_rss_bytes(void);

/* Exposed for tests: the label of a status code as counted ("200", ...,
 * "2xx" for a code outside the fixed list). */
const char *metrics_status_label(int status);

#endif
