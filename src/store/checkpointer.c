/* checkpointer.c -- the checkpoint thread (see checkpointer.h). */
#include "store/checkpointer.h"

#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "core/thread.h"
#include "store/wal.h"

#include <pthread.h>
#include <stdlib.h>

struct store_checkpointer {
    store          *s;
    int             interval_ms;
    pthread_mutex_t lock;
    pthread_cond_t  cond;
    int             kicked, stopping;
    long            runs;
    pthread_t       thread;
};

static void run_once(store_checkpointer *c)
{
    int log = 0, moved = 0, rc = store_checkpoint(c->s, &log, &moved);

    /* Busy: another connection is checkpointing; the next round will do. */
    if (rc && rc != HD_EBUSY)
        log_warn("checkpoint: %s (%s)", hd_strerror(rc), store_errmsg(c->s));
    else if (rc == HD_OK && log > 0 && moved < log)
        log_debug("checkpoint: %d of %d log frames copied (readers hold the rest)", moved, log);
    pthread_mutex_lock(&c->lock);
    c->runs++;
    pthread_mutex_unlock(&c->lock);
}

static void *checkpointer_main(void *arg)
{
    store_checkpointer *c = arg;

    thread_set_name("hd-checkpoint");
    /* Copying the log back can wait a little; answering cannot. */
    thread_lower_priority(5);

    pthread_mutex_lock(&c->lock);
    while (!c->stopping) {
        struct timespec until;

        clock_deadline(CLOCK_REALTIME, c->interval_ms, &until);
        while (!c->kicked && !c->stopping)
            if (pthread_cond_timedwait(&c->cond, &c->lock, &until) != 0)
                break;
        c->kicked = 0;
        pthread_mutex_unlock(&c->lock);
        run_once(c);
        pthread_mutex_lock(&c->lock);
    }
    pthread_mutex_unlock(&c->lock);
    run_once(c);
    return NULL;
}

int store_checkpointer_start(const char *db_path, int interval_ms, store_checkpointer **out,
                             char *err, size_t errlen)
{
    store_checkpointer *c;
    int rc;

    if (!db_path || !out || interval_ms < 1 || interval_ms > 60000)
        return HD_EINVAL;
    c = calloc(1, sizeof *c);
    if (!c)
        return HD_ENOMEM;
    rc = store_open(db_path, &c->s, err, errlen);
    if (rc) {
        free(c);
        return rc;
    }
    c->interval_ms = interval_ms;
    pthread_mutex_init(&c->lock, NULL);
    pthread_cond_init(&c->cond, NULL);
    if (pthread_create(&c->thread, NULL, checkpointer_main, c) != 0) {
        store_close(c->s);
        pthread_cond_destroy(&c->cond);
        pthread_mutex_destroy(&c->lock);
        free(c);
        return hd_seterr(err, errlen, HD_ENOMEM, "checkpoint: cannot start the thread");
    }
    *out = c;
    return HD_OK;
}

void store_checkpointer_kick(store_checkpointer *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&c->lock);
    c->kicked = 1;
    pthread_cond_signal(&c->cond);
    pthread_mutex_unlock(&c->lock);
}

long store_checkpointer_runs(store_checkpointer *c)
{
    long n;

    if (!c)
        return 0;
    pthread_mutex_lock(&c->lock);
    n = c->runs;
    pthread_mutex_unlock(&c->lock);
    return n;
}

void store_checkpointer_stop(store_checkpointer *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&c->lock);
    c->stopping = 1;
    pthread_cond_signal(&c->cond);
    pthread_mutex_unlock(&c->lock);
    pthread_join(c->thread, NULL);
    store_close(c->s);
    pthread_cond_destroy(&c->cond);
    pthread_mutex_destroy(&c->lock);
    free(c);
}
