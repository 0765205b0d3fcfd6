/* metrics.c -- fixed tables of atomic counters, and their text format.
 *
 * Counters use relaxed atomics: each is independent, and a scrape that sees
 * one request counted in http_requests_total but not yet in the histogram is
 * harmless (Prometheus only ever looks at rates). */
#include "core/metrics.h"

#include "core/err.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef atomic_uint_fast64_t counter;

/* Codes this program answers; anything else is counted by class. */
static const int known_status[] = {
    200, 201, 202, 204, 301, 302, 304, 400, 401, 403, 404, 405, 409, 413, 414, 415,
    422, 429, 500, 501, 502, 503, 504,
};
#define N_KNOWN ((int)(sizeof known_status / sizeof known_status[0]))
#define N_STATUS (N_KNOWN + 5)            /* + 1xx .. 5xx */
static const char *const class_label[5] = { "1xx", "2xx", "3xx", "4xx", "5xx" };

/* Upper bounds in seconds: webhooks answer in ~1 ms, a locked database
 * makes them wait up to the busy timeout (5 s). */
static const double bucket_le[] = { 0.001, 0.005, 0.025, 0.1, 0.5, 2.5, 10 };
static const char *const bucket_label[] = { "0.001", "0.005", "0.025", "0.1", "0.5", "2.5", "10" };
#define N_BUCKETS ((int)(sizeof bucket_le / sizeof bucket_le[0]))

static const char *const channel_label[] = { "sms", "zalo", "other" };
#define N_CHANNELS 3

static const char *const out_label[METRICS_OUT_N] = {
    [METRICS_OUT_SENT] = "sent",
    [METRICS_OUT_RETRY] = "retry",
    [METRICS_OUT_FAILED] = "failed",
    [METRICS_OUT_UNREACHABLE] = "unreachable",
};

static const char *const err_label[METRICS_ERR_N] = {
    [METRICS_ERR_OVERLOAD] = "overload",
    [METRICS_ERR_QUEUE_TIMEOUT] = "queue_timeout",
    [METRICS_ERR_POOL_TIMEOUT] = "pool_timeout",
    [METRICS_ERR_DB_BUSY] = "db_busy",
    [METRICS_ERR_DB_IO] = "db_io",
    [METRICS_ERR_DB] = "db",
    [METRICS_ERR_INTERNAL] = "internal",
};

typedef struct route_hist {
    counter bucket[N_BUCKETS];    /* not cumulative: the render sums them */
    counter count;
    counter sum_us;
} route_hist;

struct metrics {
    counter    requests[METRICS_ROUTES_MAX][N_STATUS];
    route_hist hist[METRICS_ROUTES_MAX];
    counter    msg_in[N_CHANNELS];
    counter    msg_throttled[N_CHANNELS];
    counter    msg_out[N_CHANNELS][METRICS_OUT_N];
    counter    errors[METRICS_ERR_N];
};

int metrics_new(metrics **out)
{
    metrics *m;

    if (!out)
        return HD_EINVAL;
    /* calloc's zero bytes are valid zero atomics on every platform we build
     * for; atomic_init would say the same thing 3,000 times. */
    m = calloc(1, sizeof *m);
    if (!m)
        return HD_ENOMEM;
    *out = m;
    return HD_OK;
}

void metrics_free(metrics *m)
{
    free(m);
}

static int status_index(int status)
{
    for (int i = 0; i < N_KNOWN; i++)
        if (known_status[i] == status)
            return i;
    if (status >= 100 && status < 600)
        return N_KNOWN + status / 100 - 1;
    return N_KNOWN + 4;   /* nonsense codes count as server errors */
}

const char *metrics_status_label(int status)
{
    static const char *const labels[N_KNOWN] = {
        "200", "201", "202", "204", "301", "302", "304", "400", "401", "403", "404", "405",
        "409", "413", "414", "415", "422", "429", "500", "501", "502", "503", "504",
    };
    int i = status_index(status);

    return i < N_KNOWN ? labels[i] : class_label[i - N_KNOWN];
}

static int channel_index(const char *ch)
{
    if (ch && strcmp(ch, "sms") == 0)
        return 0;
    if (ch && strcmp(ch, "zalo") == 0)
        return 1;
    return 2;
}

static void add(counter *c, uint64_t n)
{
    atomic_fetch_add_explicit(c, n, memory_order_relaxed);
}

static uint64_t get(counter *c)
{
    return atomic_load_explicit(c, memory_order_relaxed);
}

void metrics_http(metrics *m, int route, int status, double seconds)
{
    route_hist *h;
    int b = 0;

    if (!m)
        return;
    if (route < 0 || route >= METRICS_ROUTES_MAX)
        route = METRICS_ROUTE_UNMATCHED;
    if (seconds < 0)
        seconds = 0;
    add(&m->requests[route][status_index(status)], 1);
    h = &m->hist[route];
    while (b < N_BUCKETS && seconds > bucket_le[b])
        b++;
    if (b < N_BUCKETS)
        add(&h->bucket[b], 1);
    add(&h->count, 1);
    add(&h->sum_us, (uint64_t)(seconds * 1e6 + 0.5));
}

void metrics_msg_in(metrics *m, const char *channel)
{
    if (m)
        add(&m->msg_in[channel_index(channel)], 1);
}

void metrics_msg_throttled(metrics *m, const char *channel)
{
    if (m)
        add(&m->msg_throttled[channel_index(channel)], 1);
}

void metrics_msg_out(metrics *m, const char *channel, metrics_out how)
{
    if (m && (unsigned)how < METRICS_OUT_N)
        add(&m->msg_out[channel_index(channel)][how], 1);
}

void metrics_error(metrics *m, metrics_err kind)
{
    if (m && (unsigned)kind < METRICS_ERR_N)
        add(&m->errors[kind], 1);
}

void metrics_error_rc(metrics *m, int rc)
{
    switch (rc) {
    case HD_OK:
        return;
    case HD_EBUSY:
        metrics_error(m, METRICS_ERR_DB_BUSY);
        return;
    case HD_EIO:
        metrics_error(m, METRICS_ERR_DB_IO);
        return;
    case HD_EDB:
        metrics_error(m, METRICS_ERR_DB);
        return;
    default:
        metrics_error(m, METRICS_ERR_INTERNAL);
    }
}

/* The label value of a route name: names come from our own route table, but
 * escape anyway so that the output always parses. */
static int append_label(buf *out, const char *v)
{
    int rc = HD_OK;

    for (; *v && rc == HD_OK; v++) {
        if (*v == '\\' || *v == '"')
            rc = buf_appendf(out, "\\%c", *v);
        else if (*v == '\n')
            rc = buf_appends(out, "\\n");
        else
            rc = buf_append(out, v, 1);
    }
    return rc;
}

static const char *route_label(const char *const *names, int n, int r)
{
    if (r == METRICS_ROUTE_UNMATCHED)
        return "unmatched";
    return r < n ? names[r] : NULL;
}

static int render_http(metrics *m, const char *const *names, int n, buf *out)
{
    int rc;

    rc = buf_appends(out, "# HELP http_requests_total HTTP requests answered, by route pattern and status.\n"
                          "# TYPE http_requests_total counter\n");
    for (int r = 0; r < METRICS_ROUTES_MAX && rc == HD_OK; r++) {
        const char *name = route_label(names, n, r);

        for (int s = 0; s < N_STATUS && name && rc == HD_OK; s++) {
            uint64_t v = get(&m->requests[r][s]);

            if (!v)
                continue;
            rc = buf_appends(out, "http_requests_total{route=\"");
            if (rc == HD_OK)
                rc = append_label(out, name);
            if (rc == HD_OK)
                rc = buf_appendf(out, "\",status=\"%s\"} %llu\n",
                                 s < N_KNOWN ? metrics_status_label(known_status[s])
                                             : class_label[s - N_KNOWN],
                                 (unsigned long long)v);
        }
    }
    if (rc == HD_OK)
        rc = buf_appends(out, "# HELP http_request_duration_seconds Time from request to answer, by route pattern.\n"
                              "# TYPE http_request_duration_seconds histogram\n");
    for (int r = 0; r < METRICS_ROUTES_MAX && rc == HD_OK; r++) {
        const char *name = route_label(names, n, r);
        route_hist *h = &m->hist[r];
        uint64_t count = get(&h->count), cum = 0;

        if (!name || !count)
            continue;
        for (int b = 0; b <= N_BUCKETS && rc == HD_OK; b++) {
            /* Read count before the buckets: a request counted in between
             * can only make +Inf (= count) lag, never a bucket exceed it. */
            cum += b < N_BUCKETS ? get(&h->bucket[b]) : 0;
            if (cum > count)
                cum = count;
            rc = buf_appends(out, "http_request_duration_seconds_bucket{route=\"");
            if (rc == HD_OK)
                rc = append_label(out, name);
            if (rc == HD_OK)
                rc = buf_appendf(out, "\",le=\"%s\"} %llu\n",
                                 b < N_BUCKETS ? bucket_label[b] : "+Inf",
                                 (unsigned long long)(b < N_BUCKETS ? cum : count));
        }
        if (rc == HD_OK)
            rc = buf_appends(out, "http_request_duration_seconds_sum{route=\"");
        if (rc == HD_OK)
            rc = append_label(out, name);
        if (rc == HD_OK)
            rc = buf_appendf(out, "\"} %.6f\n", (double)get(&h->sum_us) / 1e6);
        if (rc == HD_OK)
            rc = buf_appends(out, "http_request_duration_seconds_count{route=\"");
        if (rc == HD_OK)
            rc = append_label(out, name);
        if (rc == HD_OK)
            rc = buf_appendf(out, "\"} %llu\n", (unsigned long long)count);
    }
    return rc;
}

static int render_messages(metrics *m, buf *out)
{
    int rc;

    rc = buf_appends(out, "# HELP messages_in_total Inbound messages stored, by channel.\n"
                          "# TYPE messages_in_total counter\n");
    for (int c = 0; c < N_CHANNELS && rc == HD_OK; c++)
        rc = buf_appendf(out, "messages_in_total{channel=\"%s\"} %llu\n", channel_label[c],
                         (unsigned long long)get(&m->msg_in[c]));
    if (rc == HD_OK)
        rc = buf_appends(out, "# HELP messages_throttled_total Inbound messages stored but not "
                              "answered: their sender was over HELPDESK_SENDER_RATE_PER_MIN.\n"
                              "# TYPE messages_throttled_total counter\n");
    for (int c = 0; c < N_CHANNELS && rc == HD_OK; c++)
        rc = buf_appendf(out, "messages_throttled_total{channel=\"%s\"} %llu\n", channel_label[c],
                         (unsigned long long)get(&m->msg_throttled[c]));
    if (rc == HD_OK)
        rc = buf_appends(out, "# HELP messages_out_total Send attempts by the delivery workers, "
                              "by channel and result.\n"
                              "# TYPE messages_out_total counter\n");
    for (int c = 0; c < N_CHANNELS && rc == HD_OK; c++)
        for (int o = 0; o < METRICS_OUT_N && rc == HD_OK; o++)
            rc = buf_appendf(out, "messages_out_total{channel=\"%s\",status=\"%s\"} %llu\n",
                             channel_label[c], out_label[o],
                             (unsigned long long)get(&m->msg_out[c][o]));
    return rc;
}

int metrics_render(metrics *m, const char *const *route_names, int n_routes, buf *out)
{
    int rc;

    if (!m || !out || (n_routes > 0 && !route_names) || n_routes > METRICS_ROUTE_UNMATCHED)
        return HD_EINVAL;
    rc = render_http(m, route_names, n_routes, out);
    if (rc == HD_OK)
        rc = render_messages(m, out);
    if (rc == HD_OK)
        rc = buf_appends(out, "# HELP errors_total Failures, by kind.\n"
                              "# TYPE errors_total counter\n");
    for (int e = 0; e < METRICS_ERR_N && rc == HD_OK; e++)
        rc = buf_appendf(out, "errors_total{kind=\"%s\"} %llu\n", err_label[e],
                         (unsigned long long)get(&m->errors[e]));
    return rc;
}

int64_t metrics_rss_bytes(void)
{
    long long pages_total = 0, pages_rss = 0;
    long page = sysconf(_SC_PAGESIZE);
    FILE *f = fopen("/proc/self/statm", "r");
    int n;

    if (!f)
        return 0;
    n = fscanf(f, "%lld %lld", &pages_total, &pages_rss);
    fclose(f);
    if (n != 2 || page <= 0)
        return 0;
    return (int64_t)pages_rss * page;
}
