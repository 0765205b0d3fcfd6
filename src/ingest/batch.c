/* batch.c -- the group committer (see batch.h).
 *
 * Callers put a job on their own stack, link it into the queue and wait on
 * its flag. The committer takes every job waiting (up to max), runs each in
 * a savepoint of one transaction, commits, and wakes them. While it commits,
 * new jobs gather for the next round: the busier the line, the larger the
 * groups, and the cost of an fsync is shared by all of them. */
#include "ingest/batch.h"

#include "core/err.h"
#include "core/log.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct job {
    const ingest_msg *in;
    ingest_result    *out;
    char             *err;
    size_t            errlen;
    int               rc;
    int               done;
    struct job       *next;
} job;

struct ingest_batch {
    store          *s;
    ingest_env      env;
    int             max;
    pthread_mutex_t lock;
    pthread_cond_t  work;     /* a job arrived, or stopping */
    pthread_cond_t  done;     /* some jobs are done */
    job            *head, *tail;
    int             stopping;
    pthread_t       thread;
};

/* One message in its savepoint; its writes are undone when it fails or was
 * a duplicate (nothing to keep but the fact that it was seen). */
static void run_one(ingest_batch *b, job *j)
{
    int rc = store_savepoint(b->s);

    if (rc == HD_OK) {
        rc = ingest_message_tx(b->s, &b->env, j->in, j->out, j->err, j->errlen);
        if (rc || j->out->duplicate) {
            int rb = store_savepoint_rollback(b->s);
            if (rb && !rc)
                rc = rb;
        } else {
            rc = store_savepoint_release(b->s);
        }
    }
    j->rc = rc;
}

/* Returns HD_EBUSY when the database could not be locked for writing. */
static int run_group(ingest_batch *b, job *first)
{
    int rc = store_begin(b->s), n = 0;

    if (rc == HD_EBUSY) {
        for (job *j = first; j; j = j->next)
            j->rc = rc;
        return rc;
    }

    for (job *j = first; j; j = j->next, n++) {
        /* An error may have ended the transaction (SQLite rolls back on a
         * full disk): then nothing more runs, and the group fails. */
        if (rc == HD_OK && !store_in_transaction(b->s))
            rc = HD_EIO;
        if (rc)
            j->rc = rc;
        else
            run_one(b, j);
    }
    if (rc == HD_OK && !store_in_transaction(b->s))
        rc = HD_EIO;
    if (rc == HD_OK) {
        rc = store_commit(b->s);
        if (rc) {
            store_rollback(b->s);
            log_error("ingest: commit of %d message(s) failed: %s", n, hd_strerror(rc));
        }
    }
    /* A failed commit loses the whole group: every message in it failed, and
     * each provider will deliver its own again. */
    for (job *j = first; j; j = j->next)
        if (rc && j->rc == HD_OK)
            j->rc = rc;
    return HD_OK;
}

static void *committer(void *arg)
{
    ingest_batch *b = arg;

    pthread_mutex_lock(&b->lock);
    for (;;) {
        job *first, *last;
        int n = 1, busy;

        while (!b->head && !b->stopping)
            pthread_cond_wait(&b->work, &b->lock);
        if (!b->head)
            break;
        first = last = b->head;
        while (last->next && n < b->max) {
            last = last->next;
            n++;
        }
        b->head = last->next;
        if (!b->head)
            b->tail = NULL;
        last->next = NULL;
        pthread_mutex_unlock(&b->lock);

        busy = run_group(b, first) == HD_EBUSY;

        pthread_mutex_lock(&b->lock);
        /* Whatever queued up while the database stayed locked for a whole
         * busy timeout fails now too (503, the provider retries), rather
         * than wait through another timeout. */
        if (busy && b->head) {
            last->next = b->head;
            for (job *j = b->head; j; j = j->next)
                j->rc = HD_EBUSY;
            b->head = b->tail = NULL;
        }
        for (job *j = first; j; j = j->next)
            j->done = 1;
        pthread_cond_broadcast(&b->done);
    }
    pthread_mutex_unlock(&b->lock);
    return NULL;
}

int ingest_batch_start(const char *db_path, const ingest_env *env, int max,
                       ingest_batch **out, char *err, size_t errlen)
{
    ingest_batch *b;
    int rc;

    if (!db_path || !env || !out || max < 1)
        return HD_EINVAL;
    b = calloc(1, sizeof *b);
    if (!b)
        return HD_ENOMEM;
    rc = store_open(db_path, &b->s, err, errlen);
    if (rc) {
        free(b);
        return rc;
    }
    b->env = *env;
    b->max = max;
    pthread_mutex_init(&b->lock, NULL);
    pthread_cond_init(&b->work, NULL);
    pthread_cond_init(&b->done, NULL);
    if (pthread_create(&b->thread, NULL, committer, b) != 0) {
        store_close(b->s);
        pthread_cond_destroy(&b->done);
        pthread_cond_destroy(&b->work);
        pthread_mutex_destroy(&b->lock);
        free(b);
        return hd_seterr(err, errlen, HD_ENOMEM, "ingest: cannot start the committer");
    }
    *out = b;
    return HD_OK;
}

int ingest_batch_run(ingest_batch *b, const ingest_msg *in, ingest_result *out,
                     char *err, size_t errlen)
{
    job j = { .in = in, .out = out, .err = err, .errlen = errlen };

    if (!b || !in || !out)
        return HD_EINVAL;
    pthread_mutex_lock(&b->lock);
    if (b->stopping) {
        pthread_mutex_unlock(&b->lock);
        return HD_EBUSY;
    }
    if (b->tail)
        b->tail->next = &j;
    else
        b->head = &j;
    b->tail = &j;
    pthread_cond_signal(&b->work);
    while (!j.done)
        pthread_cond_wait(&b->done, &b->lock);
    pthread_mutex_unlock(&b->lock);
    return j.rc;
}

void ingest_batch_stop(ingest_batch *b)
{
    if (!b)
        return;
    pthread_mutex_lock(&b->lock);
    b->stopping = 1;
    pthread_cond_signal(&b->work);
    pthread_mutex_unlock(&b->lock);
    pthread_join(b->thread, NULL);
    store_close(b->s);
    pthread_cond_destroy(&b->done);
    pthread_cond_destroy(&b->work);
    pthread_mutex_destroy(&b->lock);
    free(b);
}
