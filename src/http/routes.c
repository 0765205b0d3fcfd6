/* routes.c -- every URL the server answers, in one table. */
#include "routes.h"

#include "core/err.h"

#include <stdio.h>
#include <string.h>

typedef struct route {
    const char  *method;
    const char  *path;     /* exact, or a prefix when it ends with '*' */
    http_handler fn;
} route;

static const route routes[] = {
    { "GET",  "/healthz",          http_health },
    { "HEAD", "/healthz",          http_health },
    { "POST", "/api/v1/simulate",  http_simulate },
    { "GET",  "/webhooks/kannel",  http_kannel_inbound },
    { "POST", "/webhooks/kannel",  http_kannel_inbound },
    { "GET",  "/webhooks/kannel/dlr", http_kannel_dlr },
    { "POST", "/webhooks/kannel/dlr", http_kannel_dlr },
    { "POST", "/webhooks/zalo",    http_zalo_inbound },
};

static int path_matches(const char *pattern, const char *path)
{
    size_t n = strlen(pattern);

    if (n && pattern[n - 1] == '*')
        return strncmp(pattern, path, n - 1) == 0;
    return strcmp(pattern, path) == 0;
}

int http_route(const char *method, const char *path, http_handler *out,
               char *allow, size_t allow_len)
{
    size_t used = 0;
    int seen = 0;

    allow[0] = '\0';
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        if (!path_matches(routes[i].path, path))
            continue;
        if (strcmp(routes[i].method, method) == 0) {
            *out = routes[i].fn;
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
