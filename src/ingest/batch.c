/* batch.c -- the group commit pipeline (see batch.h).
 *
 * Jobs move through two lists under one lock: `queue` (handed over, waiting
 * for the committer) and `committed` (in the log, waiting for the syncer).
 * The committer takes every job queued (up to max), runs them in one
 * transaction (run_group: one bad message still fails alone), commits, and
 * appends the group to `committed`. The syncer takes everything committed so
 * far, syncs the log once, and calls each job's done(). A group that failed
 * as a whole skips the syncer. */
#include "ingest/batch.h"

#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "core/thread.h"
#include "store/checkpointer.h"
#include "store/wal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* The checkpointer copies the log into the database this often. Seldom
 * enough that a page written by many groups meanwhile is copied once, often
 * enough that the committer's own share (below) stays small. */
#define BATCH_CHECKPOINT_MS   250
/* Past this many frames (about 130 MiB) the committer completes the
 * checkpoint itself, between two groups: the checkpointer cannot catch up
 * with a writer that never pauses, and a log copied to its end is restarted
 * by the next group instead of growing without bound. What is left for it is
 * what came since the checkpointer's last pass. */
#define BATCH_RESTART_FRAMES  32768   /* default of opts.restart_frames */
/* Above the restart size: the log file is reused, not cut and grown again. */
#define BATCH_LOG_LIMIT_MB    160

struct ingest_batch {
    store              *s;
    store_wal_file     *wal;
    store_checkpointer *ckpt;
    ingest_env          env;
    ingest_batch_opts   opts;
    pthread_mutex_t     lock;
    pthread_cond_t      work;      /* queued a job, or stopping */
    pthread_cond_t      to_sync;   /* committed a group, or the committer ended */
    ingest_job         *queue, *queue_tail;
    ingest_job         *committed, *committed_tail;
    int                 stopping, committer_done;
    pthread_t           committer, syncer;
    int                 started;   /* threads running: 0, 1 (committer), 2 */
};

/* One message in its savepoint; its writes are undone when it fails or was
 * a duplicate (nothing to keep but the fact that it was seen). */
static void run_saved(ingest_batch *b, ingest_job *j)
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

/* Every message of the group inside the open transaction, each with a
 * savepoint (saved) or not. Without: stops at the first message that failed
 * or was a duplicate, as its writes cannot be undone alone, and returns
 * HD_ERETRY. HD_EIO when SQLite ended the transaction itself (it rolls back
 * on a full disk): then nothing more runs, and the group fails. */
static int run_all(ingest_batch *b, ingest_job *first, int saved)
{
    for (ingest_job *j = first; j; j = j->next) {
        if (!store_in_transaction(b->s))
            return HD_EIO;
        if (j->late)
            continue;
        if (saved) {
            run_saved(b, j);
            continue;
        }
        j->rc = ingest_message_tx(b->s, &b->env, j->in, j->out, j->err, j->errlen);
        if (j->rc || j->out->duplicate)
            return HD_ERETRY;
    }
    return store_in_transaction(b->s) ? HD_OK : HD_EIO;
}

/* Runs and commits a group. Returns HD_OK when it was committed (each job's
 * rc says how its message went), else the error every job got: HD_EBUSY
 * when the database could not be locked for writing.
 *
 * A savepoint per message costs about a tenth of the committer's time, and
 * nearly every message goes through: so the group runs without them first,
 * and only when one message fails or is a duplicate is the group rolled back
 * and run again with them (the dialogue is a pure function of the stored
 * state and the message: the second run gives the same answers). */
static int run_group(ingest_batch *b, ingest_job *first)
{
    int rc = store_begin(b->s), n = 0;
    int64_t now = clock_now_ms();   /* after waiting for the write lock */

    for (ingest_job *j = first; j; j = j->next, n++) {
        j->rc = HD_OK;
        /* Waited too long: its provider has given up on this request. */
        j->late = now - j->queued_ms > b->opts.max_wait_ms;
        if (j->late)
            j->rc = HD_EBUSY;
    }
    if (rc == HD_OK)
        rc = run_all(b, first, 0);
    if (rc == HD_ERETRY) {
        store_rollback(b->s);
        rc = store_begin(b->s);
        if (rc == HD_OK)
            rc = run_all(b, first, 1);
    }
    if (rc == HD_OK) {
        rc = store_commit_nosync(b->s);   /* the syncer syncs */
        if (rc)
            log_error("ingest: commit of %d message(s) failed: %s (%s)", n, hd_strerror(rc), store_errmsg(b->s));
    }
    if (rc)
        store_rollback(b->s);   /* nothing to do if SQLite rolled back itself */
    /* A failed commit loses the whole group: every message in it failed, and
     * each provider will deliver its own again. */
    if (rc)
        for (ingest_job *j = first; j; j = j->next)
            j->rc = rc;
    return rc;
}

static void finish(ingest_job *first)
{
    while (first) {
        ingest_job *next = first->next;
        first->next = NULL;
        first->done(first, first->rc);   /* may free the job */
        first = next;
    }
}

static void *committer_main(void *arg)
{
    ingest_batch *b = arg;
    int kicked = 0;

    thread_set_name("hd-committer");

    pthread_mutex_lock(&b->lock);
    for (;;) {
        ingest_job *first, *last;
        int n = 1, rc, frames;

        while (!b->queue && !b->stopping)
            pthread_cond_wait(&b->work, &b->lock);
        if (!b->queue)
            break;
        first = last = b->queue;
        while (last->next && n < b->opts.max) {
            last = last->next;
            n++;
        }
        b->queue = last->next;
        if (!b->queue)
            b->queue_tail = NULL;
        last->next = NULL;
        pthread_mutex_unlock(&b->lock);

        rc = run_group(b, first);
        frames = store_wal_frames(b->s);
        if (frames >= b->opts.restart_frames) {
            store_checkpoint(b->s, NULL, NULL);   /* busy: the next group tries again */
        } else if (frames >= b->opts.restart_frames / 4 * 3 && !kicked) {
            /* A pass of the checkpointer now leaves the committer's own
             * checkpoint (above) little to copy. */
            store_checkpointer_kick(b->ckpt);
            kicked = 1;
        } else if (frames < b->opts.restart_frames / 4 * 3) {
            kicked = 0;   /* the log restarted */
        }

        pthread_mutex_lock(&b->lock);
        /* Whatever queued up while the database stayed locked for a whole
         * busy timeout fails now too (503, the provider retries), rather
         * than wait through another timeout. */
        if (rc == HD_EBUSY && b->queue) {
            last->next = b->queue;
            for (ingest_job *j = b->queue; j; j = j->next)
                j->rc = HD_EBUSY;
            b->queue = b->queue_tail = NULL;
        }
        if (rc) {
            pthread_mutex_unlock(&b->lock);
            finish(first);
            pthread_mutex_lock(&b->lock);
            continue;
        }
        if (b->committed_tail)
            b->committed_tail->next = first;
        else
            b->committed = first;
        b->committed_tail = last;
        pthread_cond_signal(&b->to_sync);
    }
    b->committer_done = 1;
    pthread_cond_signal(&b->to_sync);
    pthread_mutex_unlock(&b->lock);
    return NULL;
}

static void *syncer_main(void *arg)
{
    ingest_batch *b = arg;

    thread_set_name("hd-syncer");

    pthread_mutex_lock(&b->lock);
    for (;;) {
        ingest_job *first;
        int rc;

        while (!b->committed && !b->committer_done)
            pthread_cond_wait(&b->to_sync, &b->lock);
        if (!b->committed)
            break;
        first = b->committed;
        b->committed = b->committed_tail = NULL;
        pthread_mutex_unlock(&b->lock);

        rc = store_wal_file_sync(b->wal);
        if (rc) {
            /* Committed but maybe not on disk: nobody may be told it is
             * safe. The providers retry; the retries are found as
             * duplicates if the messages did survive. */
            log_error("ingest: cannot sync the write-ahead log: %s", hd_strerror(rc));
            for (ingest_job *j = first; j; j = j->next)
                j->rc = rc;
        }
        finish(first);
        pthread_mutex_lock(&b->lock);
    }
    pthread_mutex_unlock(&b->lock);
    return NULL;
}

static void batch_free(ingest_batch *b)
{
    dlg_render_cache_free(b->env.render_cache);
    store_checkpointer_stop(b->ckpt);
    store_wal_file_close(b->wal);
    store_close(b->s);
    pthread_cond_destroy(&b->to_sync);
    pthread_cond_destroy(&b->work);
    pthread_mutex_destroy(&b->lock);
    free(b);
}

static void batch_join(ingest_batch *b)
{
    pthread_mutex_lock(&b->lock);
    b->stopping = 1;
    pthread_cond_signal(&b->work);
    pthread_mutex_unlock(&b->lock);
    if (b->started >= 1)
        pthread_join(b->committer, NULL);
    if (b->started >= 2)
        pthread_join(b->syncer, NULL);
}

int ingest_batch_start(const char *db_path, const ingest_env *env,
                       const ingest_batch_opts *opts, ingest_batch **out,
                       char *err, size_t errlen)
{
    store_tuning tune = { 0 };
    ingest_batch *b;
    int rc;

    if (!db_path || !env || !opts || !out || opts->max < 1 || opts->max_wait_ms < 1 ||
        opts->cache_kb < 0 || opts->restart_frames < 0)
        return HD_EINVAL;
    b = calloc(1, sizeof *b);
    if (!b)
        return HD_ENOMEM;
    b->env = *env;
    b->opts = *opts;
    /* The committer's own: it is the only thread using b->env. */
    if (dlg_render_cache_new(&b->env.render_cache) != HD_OK) {
        free(b);
        return HD_ENOMEM;
    }
    if (!b->opts.restart_frames)
        b->opts.restart_frames = BATCH_RESTART_FRAMES;
    pthread_mutex_init(&b->lock, NULL);
    pthread_cond_init(&b->work, NULL);
    pthread_cond_init(&b->to_sync, NULL);
    tune.cache_kb = opts->cache_kb;
    tune.no_autocheckpoint = tune.temp_in_memory = 1;
    tune.log_limit_mb = BATCH_LOG_LIMIT_MB;
    rc = store_open_buffered_log(db_path, &b->s, err, errlen);
    if (rc == HD_OK && (rc = store_tune(b->s, &tune)) != HD_OK)
        hd_seterr(err, errlen, rc, "ingest: cannot tune the connection: %s", store_errmsg(b->s));
    if (rc == HD_OK && (rc = store_wal_file_open(db_path, &b->wal)) != HD_OK)
        hd_seterr(err, errlen, rc, "ingest: database path too long");
    if (rc == HD_OK)
        rc = store_checkpointer_start(db_path, BATCH_CHECKPOINT_MS, &b->ckpt, err, errlen);
    if (rc == HD_OK && pthread_create(&b->committer, NULL, committer_main, b) == 0)
        b->started = 1;
    if (rc == HD_OK && b->started == 1 && pthread_create(&b->syncer, NULL, syncer_main, b) == 0)
        b->started = 2;
    if (rc == HD_OK && b->started != 2)
        rc = hd_seterr(err, errlen, HD_ENOMEM, "ingest: cannot start the group commit threads");
    if (rc) {
        batch_join(b);
        batch_free(b);
        return rc;
    }
    *out = b;
    return HD_OK;
}

int ingest_batch_submit(ingest_batch *b, ingest_job *j)
{
    if (!b || !j || !j->in || !j->out || !j->done)
        return HD_EINVAL;
    j->next = NULL;
    j->rc = HD_OK;
    j->queued_ms = clock_now_ms();
    pthread_mutex_lock(&b->lock);
    if (b->stopping) {
        pthread_mutex_unlock(&b->lock);
        return HD_EBUSY;
    }
    if (b->queue_tail)
        b->queue_tail->next = j;
    else
        b->queue = j;
    b->queue_tail = j;
    pthread_cond_signal(&b->work);
    pthread_mutex_unlock(&b->lock);
    return HD_OK;
}

/* ingest_batch_run's waiter: its own condition, so that finishing one job
 * wakes one thread, not every thread waiting. */
typedef struct waiter {
    pthread_mutex_t lock;
    pthread_cond_t  cond;
    int             done, rc;
} waiter;

static void wake_waiter(ingest_job *j, int rc)
{
    waiter *w = j->arg;

    pthread_mutex_lock(&w->lock);
    w->rc = rc;
    w->done = 1;
    pthread_cond_signal(&w->cond);
    pthread_mutex_unlock(&w->lock);
}

int ingest_batch_run(ingest_batch *b, const ingest_msg *in, ingest_result *out,
                     char *err, size_t errlen)
{
    waiter w = { .done = 0 };
    ingest_job j = { .in = in, .out = out, .err = err, .errlen = errlen,
                     .done = wake_waiter, .arg = &w };
    int rc;

    pthread_mutex_init(&w.lock, NULL);
    pthread_cond_init(&w.cond, NULL);
    rc = ingest_batch_submit(b, &j);
    if (rc == HD_OK) {
        pthread_mutex_lock(&w.lock);
        while (!w.done)
            pthread_cond_wait(&w.cond, &w.lock);
        pthread_mutex_unlock(&w.lock);
        rc = w.rc;
    }
    pthread_cond_destroy(&w.cond);
    pthread_mutex_destroy(&w.lock);
    return rc;
}

void ingest_batch_stop(ingest_batch *b)
{
    if (!b)
        return;
    batch_join(b);
    batch_free(b);
}
