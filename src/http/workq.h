/* workq.h -- the handler threads and their bounded queue (http/ internal).
 *
 * libmicrohttpd's threads only read and write sockets; a request whose body
 * is complete is handed to these threads. The number of requests queued or
 * running is bounded: past the bound the caller answers 503 at once, so an
 * overload (a locked database, a flood) never turns into an unbounded queue
 * of connections waiting behind a blocked thread. */
#ifndef HD_HTTP_WORKQ_H
#define HD_HTTP_WORKQ_H

typedef struct http_workq http_workq;
typedef void (*http_workq_fn)(void *job, void *arg);

/* threads handler threads running fn(job, arg); at most capacity jobs
 * reserved, queued or running at once. */
int  http_workq_start(int threads, int capacity, http_workq_fn fn, void *arg,
                      http_workq **out);
/* Take a place: HD_EBUSY when capacity places are taken or the queue is
 * stopping. Every successful reserve must be followed by one push. */
int  http_workq_reserve(http_workq *q);
void http_workq_push(http_workq *q, void *job);
/* Give back a reserved place without pushing (a job that was run elsewhere). */
void http_workq_release(http_workq *q);
/* Jobs reserved, queued or running now. */
int  http_workq_inflight(http_workq *q);
/* Refuse new jobs, run those already taken, join the threads. */
void http_workq_stop(http_workq *q);
void http_workq_free(http_workq *q);

#endif
