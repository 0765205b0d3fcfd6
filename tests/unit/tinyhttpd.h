/* tinyhttpd.h -- a tiny HTTP/1.1 server inside a unit test (header-only).
 *
 * A thread listens on 127.0.0.1:<ephemeral port> and answers one connection
 * at a time with the canned answers the test queued, in order (a 500 when the
 * queue is empty). It records what each request carried so the test can
 * check method, path, headers and body. Used by test_httpc, test_zalo and
 * test_zalo_token to stand in for Zalo's API and OAuth servers. */
#ifndef HD_TEST_TINYHTTPD_H
#define HD_TEST_TINYHTTPD_H

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define TH_QUEUE_MAX 16
#define TH_SEEN_MAX  16

typedef struct th_answer {
    int         status;
    const char *headers;   /* extra "Name: value\r\n" lines or NULL */
    char       *body;      /* owned copy */
    size_t      body_len;
    int         delay_ms;  /* wait this long before answering */
} th_answer;

typedef struct th_seen {
    char method[8];
    char path[1024];
    char headers[4096];    /* raw header block, lines end with \r\n */
    char body[8192];
    size_t body_len;
} th_seen;

typedef struct tinyhttpd {
    int             fd;
    int             port;
    pthread_t       thread;
    atomic_int      stop;
    pthread_mutex_t mu;
    th_answer       queue[TH_QUEUE_MAX];
    int             qhead, qtail;
    th_seen         seen[TH_SEEN_MAX];
    int             nseen;     /* requests received so far */
} tinyhttpd;

static void th_sleep_ms(tinyhttpd *s, int ms)
{
    struct timespec ts = { 0, 10 * 1000000L };
    for (int waited = 0; waited < ms && !atomic_load(&s->stop); waited += 10)
        nanosleep(&ts, NULL);
}

static void th_send_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

/* Reads one request; 0 on success. */
static int th_read_request(int fd, th_seen *rq)
{
    char raw[16384];
    size_t len = 0, clen = 0;
    char *end = NULL, *p;

    memset(rq, 0, sizeof *rq);
    while (!end) {
        ssize_t r;
        if (len == sizeof raw - 1)
            return -1;
        r = recv(fd, raw + len, sizeof raw - 1 - len, 0);
        if (r <= 0)
            return -1;
        len += (size_t)r;
        raw[len] = '\0';
        end = strstr(raw, "\r\n\r\n");
    }
    sscanf(raw, "%7s %1023s", rq->method, rq->path);
    p = strstr(raw, "\r\n");
    snprintf(rq->headers, sizeof rq->headers, "%.*s", (int)(end + 2 - (p + 2)), p + 2);
    for (p = rq->headers; p && *p; p = strstr(p, "\r\n") ? strstr(p, "\r\n") + 2 : NULL)
        if (strncasecmp(p, "Content-Length:", 15) == 0)
            clen = (size_t)strtoul(p + 15, NULL, 10);
    end += 4;
    while ((size_t)(raw + len - end) < clen && len < sizeof raw - 1) {
        ssize_t r = recv(fd, raw + len, sizeof raw - 1 - len, 0);
        if (r <= 0)
            return -1;
        len += (size_t)r;
    }
    rq->body_len = (size_t)(raw + len - end);
    if (rq->body_len >= sizeof rq->body)
        rq->body_len = sizeof rq->body - 1;
    memcpy(rq->body, end, rq->body_len);
    rq->body[rq->body_len] = '\0';
    return 0;
}

static void th_serve_one(tinyhttpd *s, int cfd)
{
    th_seen rq;
    th_answer a = { 500, NULL, NULL, 0, 0 };
    char head[1024];
    int n;

    if (th_read_request(cfd, &rq) != 0)
        return;
    pthread_mutex_lock(&s->mu);
    if (s->nseen < TH_SEEN_MAX)
        s->seen[s->nseen] = rq;
    s->nseen++;
    if (s->qhead != s->qtail) {
        a = s->queue[s->qhead % TH_QUEUE_MAX];
        s->qhead++;
    }
    pthread_mutex_unlock(&s->mu);

    th_sleep_ms(s, a.delay_ms);
    n = snprintf(head, sizeof head,
                 "HTTP/1.1 %d X\r\nContent-Length: %zu\r\nConnection: close\r\n%s\r\n",
                 a.status, a.body_len, a.headers ? a.headers : "");
    th_send_all(cfd, head, (size_t)n);
    if (a.body)
        th_send_all(cfd, a.body, a.body_len);
    free(a.body);
}

static void *th_main(void *ud)
{
    tinyhttpd *s = ud;

    while (!atomic_load(&s->stop)) {
        struct pollfd pfd = { s->fd, POLLIN, 0 };
        int cfd;
        if (poll(&pfd, 1, 50) <= 0)
            continue;
        cfd = accept(s->fd, NULL, NULL);
        if (cfd < 0)
            continue;
        th_serve_one(s, cfd);
        shutdown(cfd, SHUT_WR);
        close(cfd);
    }
    return NULL;
}

/* 0 on success; s->port is the port to use. */
static int th_start(tinyhttpd *s)
{
    struct sockaddr_in sa;
    socklen_t sl = sizeof sa;

    memset(s, 0, sizeof *s);
    pthread_mutex_init(&s->mu, NULL);
    s->fd = socket(AF_INET, SOCK_STREAM, 0);
    if (s->fd < 0)
        return -1;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(s->fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(s->fd, 16) != 0 ||
        getsockname(s->fd, (struct sockaddr *)&sa, &sl) != 0) {
        close(s->fd);
        return -1;
    }
    s->port = ntohs(sa.sin_port);
    atomic_store(&s->stop, 0);
    if (pthread_create(&s->thread, NULL, th_main, s) != 0) {
        close(s->fd);
        return -1;
    }
    return 0;
}

static void th_stop(tinyhttpd *s)
{
    atomic_store(&s->stop, 1);
    pthread_join(s->thread, NULL);
    close(s->fd);
    while (s->qhead != s->qtail)
        free(s->queue[s->qhead++ % TH_QUEUE_MAX].body);
    pthread_mutex_destroy(&s->mu);
}

/* Queue an answer; body_len 0 means strlen(body). */
static void th_push(tinyhttpd *s, int status, const char *headers, const char *body,
                    size_t body_len, int delay_ms)
{
    th_answer a = { status, headers, NULL, 0, delay_ms };

    if (body) {
        a.body_len = body_len ? body_len : strlen(body);
        a.body = malloc(a.body_len + 1);
        memcpy(a.body, body, a.body_len);
        a.body[a.body_len] = '\0';
    }
    pthread_mutex_lock(&s->mu);
    s->queue[s->qtail++ % TH_QUEUE_MAX] = a;
    pthread_mutex_unlock(&s->mu);
}

static int th_count(tinyhttpd *s)
{
    int n;
    pthread_mutex_lock(&s->mu);
    n = s->nseen;
    pthread_mutex_unlock(&s->mu);
    return n;
}

/* A copy of the i-th request seen (0-based). */
static th_seen th_get(tinyhttpd *s, int i)
{
    th_seen r;
    memset(&r, 0, sizeof r);
    pthread_mutex_lock(&s->mu);
    if (i >= 0 && i < s->nseen && i < TH_SEEN_MAX)
        r = s->seen[i];
    pthread_mutex_unlock(&s->mu);
    return r;
}

/* The value of header name in a recorded request ("" if absent). */
static const char *th_header(const th_seen *r, const char *name, char *out, size_t cap)
{
    size_t nl = strlen(name);
    const char *p = r->headers;

    out[0] = '\0';
    while (p && *p) {
        const char *eol = strstr(p, "\r\n");
        if (!eol)
            break;
        if (strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
            const char *v = p + nl + 1;
            while (*v == ' ')
                v++;
            snprintf(out, cap, "%.*s", (int)(eol - v), v);
            return out;
        }
        p = eol + 2;
    }
    return out;
}

#endif
