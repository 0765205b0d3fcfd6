/* api_metrics.c -- GET /metrics: Prometheus text format 0.0.4.
 *
 * Counters come from memory (core/metrics.h); gauges the database knows are
 * read now, with a short wait for a connection: the page is served by the
 * network thread itself (see server.c), so that it still answers while the
 * handler threads are saturated -- exactly when someone looks at it. When no
 * connection is free in time, the database gauges are left out and
 * store_up says 0.
 *
 * Public like /healthz unless HELPDESK_METRICS_TOKEN is set; then it needs
 * "Authorization: Bearer <token>". */
#include "core/clock.h"
#include "core/err.h"
#include "core/metrics.h"
#include "routes.h"
#include "store/outbox.h"
#include "store/stats.h"

#include <openssl/crypto.h>
#include <string.h>

#define METRICS_STORE_WAIT_MS 250
#define YEAR_MS               (366LL * 24 * 3600 * 1000)

static int token_ok(const http_req *req)
{
    const char *want = req->app->cfg.metrics_token;
    const char *h = http_header(req, "Authorization");
    size_t n = strlen(want);

    if (!want[0])
        return 1;
    if (!h || strncmp(h, "Bearer ", 7) != 0)
        return 0;
    h += 7;
    while (*h == ' ')
        h++;
    return strlen(h) == n && CRYPTO_memcmp(h, want, n) == 0;
}

/* The instant before which an open case is overdue now. Overdue grows with
 * age, so a binary search over the creation time finds the edge; the SLA
 * arithmetic is O(1), ~40 steps. */
static int64_t overdue_edge(const app *a, int64_t now)
{
    int limit = (int)a->cfg.case_sla_hours;
    int64_t lo = now - YEAR_MS, hi = now;

    if (!sla_is_overdue(&a->hours, lo, now, limit))
        return lo;   /* not even a year-old case: count only older ones */
    while (hi - lo > 1) {
        int64_t mid = lo + (hi - lo) / 2;

        if (sla_is_overdue(&a->hours, mid, now, limit))
            lo = mid;
        else
            hi = mid;
    }
    return hi;   /* overdue <=> created_at <= lo <=> created_at < hi */
}

static int render_gauges(app *a, buf *out)
{
    static const char *const channels[] = { "sms", "zalo" };
    int64_t depth[2] = { 0 }, oldest[2] = { 0 }, active = 0, overdue = 0;
    int64_t now = clock_now_ms();
    store *s = NULL;
    int rc, up;

    rc = app_store_acquire_wait(a, METRICS_STORE_WAIT_MS, &s);
    for (int c = 0; c < 2 && rc == HD_OK; c++)
        rc = outbox_stats(s, channels[c], now, &depth[c], &oldest[c]);
    if (rc == HD_OK)
        rc = store_case_counts(s, overdue_edge(a, now), &active, &overdue);
    if (s)
        app_store_release(a, s);
    up = rc == HD_OK;
    rc = buf_appendf(out, "# HELP store_up Whether the database answered this scrape.\n"
                          "# TYPE store_up gauge\nstore_up %d\n", up);
    if (!up || rc)
        return rc;
    rc = buf_appends(out, "# HELP outbox_depth Messages waiting to be sent (queued or being sent).\n"
                          "# TYPE outbox_depth gauge\n");
    for (int c = 0; c < 2 && rc == HD_OK; c++)
        rc = buf_appendf(out, "outbox_depth{channel=\"%s\"} %lld\n", channels[c],
                         (long long)depth[c]);
    if (rc == HD_OK)
        rc = buf_appends(out, "# HELP outbox_oldest_seconds Age of the oldest message due and "
                              "not yet sent (0 when none).\n"
                              "# TYPE outbox_oldest_seconds gauge\n");
    for (int c = 0; c < 2 && rc == HD_OK; c++)
        rc = buf_appendf(out, "outbox_oldest_seconds{channel=\"%s\"} %.3f\n", channels[c],
                         (double)oldest[c] / 1000.0);
    if (rc == HD_OK)
        rc = buf_appendf(out, "# HELP cases_open Police cases open or claimed.\n"
                              "# TYPE cases_open gauge\ncases_open %lld\n"
                              "# HELP cases_overdue Open or claimed cases past "
                              "HELPDESK_CASE_SLA_HOURS working hours.\n"
                              "# TYPE cases_overdue gauge\ncases_overdue %lld\n",
                         (long long)active, (long long)overdue);
    return rc;
}

int http_metrics(const http_req *req, http_resp *resp)
{
    const char *names[METRICS_ROUTE_UNMATCHED];
    int n, rc;

    if (!token_ok(req))
        return http_reply_error(resp, 401, "unauthorized",
                                "an Authorization: Bearer token is required");
    n = http_route_names(names, METRICS_ROUTE_UNMATCHED);
    resp->status = 200;
    resp->content_type = "text/plain; version=0.0.4; charset=utf-8";
    buf_reset(&resp->body);
    rc = metrics_render(req->app->metrics, names, n, &resp->body);
    if (rc == HD_OK)
        rc = render_gauges(req->app, &resp->body);
    if (rc == HD_OK)
        rc = buf_appendf(&resp->body, "# HELP process_resident_memory_bytes Resident memory size.\n"
                                      "# TYPE process_resident_memory_bytes gauge\n"
                                      "process_resident_memory_bytes %lld\n",
                         (long long)metrics_rss_bytes());
    return rc;
}
