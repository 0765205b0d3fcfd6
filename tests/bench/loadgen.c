/* loadgen.c -- a small HTTP load generator on libcurl's multi interface.
 *
 *   loadgen URL_FILE CONCURRENCY SECONDS RATE
 *
 * URL_FILE holds one request per line: "GET <url>" or "POST <url> <body>"
 * (body form-encoded, sent as application/x-www-form-urlencoded). Requests
 * are sent round-robin from the file. RATE 0 means as fast as CONCURRENCY
 * allows (a closed loop); RATE > 0 is an open loop at that many requests per
 * second, and latency is measured from each request's scheduled start, so a
 * slow server cannot hide queueing (no coordinated omission).
 *
 * Prints one JSON line: {"requests":N,"ok":N,"errors":N,"seconds":S,
 * "per_s":R,"p50_ms":…,"p90_ms":…,"p99_ms":…,"max_ms":…}. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_LINES 200000
#define MAX_CONC  1024

typedef struct req { char *method, *url, *body; } req;

typedef struct slot {
    CURL  *h;
    double started;   /* scheduled start, seconds */
    int    busy;
} slot;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static size_t discard(char *p, size_t sz, size_t n, void *u)
{
    (void)p;
    (void)u;
    return sz * n;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int load(const char *path, req *reqs, int max)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0;
    int n = 0;

    if (!f)
        return -1;
    while (n < max && getline(&line, &cap, f) > 0) {
        char *m = strtok(line, " \n"), *u = strtok(NULL, " \n"), *b = strtok(NULL, "\n");
        if (!m || !u)
            continue;
        reqs[n].method = strdup(m);
        reqs[n].url = strdup(u);
        reqs[n].body = b ? strdup(b) : NULL;
        n++;
    }
    free(line);
    fclose(f);
    return n;
}

int main(int argc, char **argv)
{
    static req reqs[MAX_LINES];
    static slot slots[MAX_CONC];
    struct curl_slist *hdr = NULL;
    double t0, end, next, rate, *lat;
    long nlat = 0, caplat = 1 << 20, ok = 0, errors = 0, sent = 0;
    int nreq, conc, running = 0, rr = 0;
    CURLM *m;

    if (argc != 5) {
        fprintf(stderr, "usage: loadgen URL_FILE CONCURRENCY SECONDS RATE\n");
        return 2;
    }
    nreq = load(argv[1], reqs, MAX_LINES);
    conc = atoi(argv[2]);
    if (nreq <= 0 || conc < 1 || conc > MAX_CONC) {
        fprintf(stderr, "loadgen: no requests or bad concurrency\n");
        return 2;
    }
    rate = atof(argv[4]);
    lat = malloc(sizeof *lat * (size_t)caplat);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    m = curl_multi_init();
    curl_multi_setopt(m, CURLMOPT_MAX_HOST_CONNECTIONS, (long)conc);
    hdr = curl_slist_append(hdr, "Content-Type: application/x-www-form-urlencoded");
    for (int i = 0; i < conc; i++) {
        slots[i].h = curl_easy_init();
        curl_easy_setopt(slots[i].h, CURLOPT_WRITEFUNCTION, discard);
        curl_easy_setopt(slots[i].h, CURLOPT_PRIVATE, &slots[i]);
        curl_easy_setopt(slots[i].h, CURLOPT_TIMEOUT_MS, 10000L);
        curl_easy_setopt(slots[i].h, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(slots[i].h, CURLOPT_TCP_NODELAY, 1L);
    }
    t0 = now_s();
    end = t0 + atof(argv[3]);
    next = t0;
    for (;;) {
        double t = now_s();
        CURLMsg *msg;
        int left;

        /* Start what is due on free slots. */
        for (int i = 0; i < conc && t < end; i++) {
            const req *r;
            if (slots[i].busy)
                continue;
            if (rate > 0 && next > t)
                break;
            r = &reqs[rr++ % nreq];
            curl_easy_setopt(slots[i].h, CURLOPT_URL, r->url);
            if (strcmp(r->method, "POST") == 0) {
                curl_easy_setopt(slots[i].h, CURLOPT_POSTFIELDS, r->body ? r->body : "");
                curl_easy_setopt(slots[i].h, CURLOPT_HTTPHEADER, hdr);
            } else {
                curl_easy_setopt(slots[i].h, CURLOPT_HTTPGET, 1L);
            }
            slots[i].started = rate > 0 ? next : t;
            slots[i].busy = 1;
            curl_multi_add_handle(m, slots[i].h);
            running++;
            sent++;
            if (rate > 0)
                next += 1.0 / rate;
        }
        if (t >= end && running == 0)
            break;
        curl_multi_perform(m, &left);
        while ((msg = curl_multi_info_read(m, &left))) {
            slot *s;
            long code = 0;
            if (msg->msg != CURLMSG_DONE)
                continue;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&s);
            curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &code);
            if (msg->data.result == CURLE_OK && code >= 200 && code < 300)
                ok++;
            else
                errors++;
            if (nlat < caplat)
                lat[nlat++] = (now_s() - s->started) * 1000.0;
            curl_multi_remove_handle(m, msg->easy_handle);
            s->busy = 0;
            running--;
        }
        curl_multi_poll(m, NULL, 0, rate > 0 ? 1 : 10, NULL);
    }
    qsort(lat, (size_t)nlat, sizeof *lat, cmp_double);
#define PCT(p) (nlat ? lat[(long)((p) * (nlat - 1))] : 0.0)
    printf("{\"requests\":%ld,\"ok\":%ld,\"errors\":%ld,\"seconds\":%.3f,\"per_s\":%.1f,"
           "\"p50_ms\":%.3f,\"p90_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f}\n",
           sent, ok, errors, now_s() - t0, ok / (now_s() - t0), PCT(0.50), PCT(0.90), PCT(0.99),
           nlat ? lat[nlat - 1] : 0.0);
    return 0;
}
