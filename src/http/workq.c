/* workq.c -- a fixed ring of job pointers, a mutex and a condition.
 *
 * "inflight" counts places: taken by reserve, given back when the job has
 * run. The ring holds at most capacity jobs, so push never fails and never
 * allocates. On stop the threads finish every job whose place was taken
 * (even one reserved but not pushed yet) before they exit: a suspended
 * connection is never left without an answer. */
#include "workq.h"

#include "core/err.h"
#include "core/thread.h"

#include <pthread.h>
#include <stdlib.h>

struct http_workq {
    pthread_mutex_t lock;
    pthread_cond_t  cond;
    void          **ring;
    int             capacity, head, queued, inflight;
    int             stopping;
    http_workq_fn   fn;
    void           *arg;
    pthread_t      *threads;
    int             n_threads;
};

static void *workq_main(void *p)
{
    http_workq *q = p;

    thread_set_name("hd-handler");

    pthread_mutex_lock(&q->lock);
    for (;;) {
        void *job;

        while (q->queued == 0 && !(q->stopping && q->inflight == 0))
            pthread_cond_wait(&q->cond, &q->lock);
        if (q->queued == 0)
            break;   /* stopping, and nothing left anywhere */
        job = q->ring[q->head];
        q->head = (q->head + 1) % q->capacity;
        q->queued--;
        pthread_mutex_unlock(&q->lock);
        q->fn(job, q->arg);
        pthread_mutex_lock(&q->lock);
        q->inflight--;
        if (q->stopping && q->inflight == 0)
            pthread_cond_broadcast(&q->cond);
    }
    pthread_mutex_unlock(&q->lock);
    return NULL;
}

int http_workq_start(int threads, int capacity, http_workq_fn fn, void *arg, http_workq **out)
{
    http_workq *q;

    if (!out || threads < 1 || capacity < 1 || !fn)
        return HD_EINVAL;
    *out = NULL;
    q = calloc(1, sizeof *q);
    if (!q)
        return HD_ENOMEM;
    q->ring = calloc((size_t)capacity, sizeof *q->ring);
    q->threads = calloc((size_t)threads, sizeof *q->threads);
    if (!q->ring || !q->threads) {
        free(q->ring);
        free(q->threads);
        free(q);
        return HD_ENOMEM;
    }
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->cond, NULL);
    q->capacity = capacity;
    q->fn = fn;
    q->arg = arg;
    for (int i = 0; i < threads; i++) {
        if (pthread_create(&q->threads[i], NULL, workq_main, q) != 0) {
            http_workq_stop(q);
            http_workq_free(q);
            return HD_ENOMEM;
        }
        q->n_threads++;
    }
    *out = q;
    return HD_OK;
}

int http_workq_reserve(http_workq *q)
{
    int rc = HD_EBUSY;

    pthread_mutex_lock(&q->lock);
    if (!q->stopping && q->inflight < q->capacity) {
        q->inflight++;
        rc = HD_OK;
    }
    pthread_mutex_unlock(&q->lock);
    return rc;
}

void http_workq_push(http_workq *q, void *job)
{
    pthread_mutex_lock(&q->lock);
    /* queued <= inflight <= capacity: there is room. */
    q->ring[(q->head + q->queued) % q->capacity] = job;
    q->queued++;
    pthread_cond_signal(&q->cond);
    pthread_mutex_unlock(&q->lock);
}

void http_workq_release(http_workq *q)
{
    pthread_mutex_lock(&q->lock);
    q->inflight--;
    if (q->stopping && q->inflight == 0)
        pthread_cond_broadcast(&q->cond);
    pthread_mutex_unlock(&q->lock);
}

int http_workq_inflight(http_workq *q)
{
    int n;

    pthread_mutex_lock(&q->lock);
    n = q->inflight;
    pthread_mutex_unlock(&q->lock);
    return n;
}

void http_workq_stop(http_workq *q)
{
    if (!q)
        return;
    pthread_mutex_lock(&q->lock);
    q->stopping = 1;
    pthread_cond_broadcast(&q->cond);
    pthread_mutex_unlock(&q->lock);
    for (int i = 0; i < q->n_threads; i++)
        pthread_join(q->threads[i], NULL);
    q->n_threads = 0;
}

void http_workq_free(http_workq *q)
{
    if (!q)
        return;
    pthread_cond_destroy(&q->cond);
    pthread_mutex_destroy(&q->lock);
    free(q->threads);
    free(q->ring);
    free(q);
}
