/* routes.c -- every URL the server answers, in one table, with who may call it.
 *
 * A pattern is matched segment by segment; "{id}" matches a positive whole
 * number, which the handler finds in req->id. "*" at the end matches any
 * rest (static files). */
#include "routes.h"

#include "core/err.h"
#include "core/metrics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct route {
    const char  *method;
    const char  *pattern;
    http_handler fn;
    http_access  access;
    http_run     run;
} route;

static const route routes[] = {
    { "GET",  "/healthz",                   http_health,         HTTP_PUBLIC, HTTP_RUN_WORKER },
    { "HEAD", "/healthz",                   http_health,         HTTP_PUBLIC, HTTP_RUN_WORKER },
    { "GET",  "/metrics",                   http_metrics,        HTTP_PUBLIC, HTTP_RUN_NET },
    { "GET",  "/webhooks/kannel",           http_kannel_inbound, HTTP_PUBLIC, HTTP_RUN_ASYNC },
    { "POST", "/webhooks/kannel",           http_kannel_inbound, HTTP_PUBLIC, HTTP_RUN_ASYNC },
    { "GET",  "/webhooks/kannel/dlr",       http_kannel_dlr,     HTTP_PUBLIC, HTTP_RUN_WORKER },
    { "POST", "/webhooks/kannel/dlr",       http_kannel_dlr,     HTTP_PUBLIC, HTTP_RUN_WORKER },
    { "POST", "/webhooks/zalo",             http_zalo_inbound,   HTTP_PUBLIC, HTTP_RUN_ASYNC },
    { "GET",  "/",                          http_static,         HTTP_PUBLIC, HTTP_RUN_NET },
    { "GET",  "/assets/*",                  http_static,         HTTP_PUBLIC, HTTP_RUN_NET },
    { "POST", "/api/v1/simulate",           http_simulate,       HTTP_STAFF, HTTP_RUN_WORKER },
    { "GET",  "/api/v1/me",                 http_me,             HTTP_USER, HTTP_RUN_WORKER },
    { "GET",  "/api/v1/cases",              http_cases_list,     HTTP_USER, HTTP_RUN_WORKER },
    { "GET",  "/api/v1/cases/{id}",         http_case_get,       HTTP_USER, HTTP_RUN_WORKER },
    { "POST", "/api/v1/cases/{id}/claim",   http_case_claim,     HTTP_USER, HTTP_RUN_WORKER },
    { "POST", "/api/v1/cases/{id}/reply",   http_case_reply,     HTTP_USER, HTTP_RUN_WORKER },
    { "POST", "/api/v1/cases/{id}/resolve", http_case_resolve,   HTTP_USER, HTTP_RUN_WORKER },
    { "POST", "/api/v1/cases/{id}/close",   http_case_close,     HTTP_USER, HTTP_RUN_WORKER },
    { "POST", "/api/v1/contacts/import",    http_contacts_import, HTTP_STAFF, HTTP_RUN_WORKER },
    { "GET",  "/api/v1/broadcasts",         http_broadcasts_list, HTTP_STAFF, HTTP_RUN_WORKER },
    { "POST", "/api/v1/broadcasts",         http_broadcast_create, HTTP_STAFF, HTTP_RUN_WORKER },
    { "POST", "/api/v1/broadcasts/preview", http_broadcast_preview, HTTP_STAFF, HTTP_RUN_WORKER },
    { "GET",  "/api/v1/broadcasts/{id}",    http_broadcast_get,  HTTP_STAFF, HTTP_RUN_WORKER },
    { "POST", "/api/v1/broadcasts/{id}/pause",  http_broadcast_pause,  HTTP_STAFF, HTTP_RUN_WORKER },
    { "POST", "/api/v1/broadcasts/{id}/resume", http_broadcast_resume, HTTP_STAFF, HTTP_RUN_WORKER },
    { "POST", "/api/v1/broadcasts/{id}/cancel", http_broadcast_cancel, HTTP_STAFF, HTTP_RUN_WORKER },
    { "GET",  "/api/v1/reports/daily",      http_reports_daily,  HTTP_STAFF, HTTP_RUN_WORKER },
};

/* Length of the segment at p (up to '/' or the end). */
static size_t seg_len(const char *p)
{
    return strcspn(p, "/");
}

static int match(const char *pattern, const char *path, int64_t *id)
{
    const char *p = pattern, *u = path;

    for (;;) {
        size_t pn = seg_len(p), un = seg_len(u);

        if (pn == 1 && *p == '*')
            return 1;
        if (pn == 4 && strncmp(p, "{id}", 4) == 0) {
            char digits[20];
            long long v;

            if (un == 0 || un >= sizeof digits)
                return 0;
            for (size_t i = 0; i < un; i++)
                if (u[i] < '0' || u[i] > '9')
                    return 0;
            memcpy(digits, u, un);
            digits[un] = '\0';
            v = strtoll(digits, NULL, 10);
            if (v <= 0)
                return 0;
            *id = v;
        } else if (pn != un || strncmp(p, u, pn) != 0) {
            return 0;
        }
        p += pn;
        u += un;
        if (!*p || !*u)
            return !*p && !*u;
        p++;   /* both at '/' */
        u++;
    }
}

#define N_ROUTES (sizeof routes / sizeof routes[0])

/* Metrics keep one slot per route pattern in a fixed table. */
_Static_assert(N_ROUTES < METRICS_ROUTE_UNMATCHED, "raise METRICS_ROUTES_MAX in core/metrics.h");

/* The metrics slot of route i: the first route with the same pattern, so
 * that GET and POST of one pattern are one series. */
static int route_slot(size_t i)
{
    for (size_t j = 0; j < i; j++)
        if (strcmp(routes[j].pattern, routes[i].pattern) == 0)
            return (int)j;
    return (int)i;
}

int http_route_names(const char **names, int max)
{
    int n = (int)N_ROUTES < max ? (int)N_ROUTES : max;

    for (int i = 0; i < n; i++)
        names[i] = route_slot((size_t)i) == i ? routes[i].pattern : NULL;
    return n;
}

int http_route(const char *method, const char *path, http_route_match *out,
               char *allow, size_t allow_len)
{
    size_t used = 0;
    int seen = 0;

    allow[0] = '\0';
    out->slot = METRICS_ROUTE_UNMATCHED;
    for (size_t i = 0; i < N_ROUTES; i++) {
        int64_t id = 0;

        if (!match(routes[i].pattern, path, &id))
            continue;
        if (!seen)
            out->slot = route_slot(i);
        if (strcmp(routes[i].method, method) == 0) {
            out->fn = routes[i].fn;
            out->access = routes[i].access;
            /* A token check reads the database, which the network thread
             * never waits for: only a public route starts on it. */
            out->run = routes[i].access == HTTP_PUBLIC ? routes[i].run : HTTP_RUN_WORKER;
            out->id = id;
            out->slot = route_slot(i);
            return HD_OK;
        }
        if (used < allow_len) {
            int k = snprintf(allow + used, allow_len - used, "%s%s",
                             seen ? ", " : "", routes[i].method);
            if (k > 0)
                used += (size_t)k;
        }
        seen = 1;
    }
    return seen ? HD_ESTATE : HD_ENOTFOUND;
}
