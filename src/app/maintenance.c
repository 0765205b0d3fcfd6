/* maintenance.c -- the background duties that keep promises over time:
 * personal data of finished cases erased after HELPDESK_RETENTION_DAYS,
 * abandoned intake drafts (an ID number typed, never confirmed) erased after
 * a day. Runs once at start and then every few minutes. */
#include "app/app.h"

#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "core/thread.h"
#include "store/audit.h"
#include "store/cases.h"

#include <errno.h>
#include <stdio.h>
#include <time.h>

#define MAINT_EVERY_MS   (5 * 60 * 1000)
#define DRAFT_MAX_AGE_MS (24 * 3600 * 1000LL)

int app_maintenance_run(app *a, int64_t now)
{
    int64_t cutoff = now - a->cfg.retention_days * 24 * 3600 * 1000LL;
    int n = 0, nd = 0, rc;
    store *s = app_store_acquire(a);
    char detail[64];

    rc = store_begin(s);
    if (rc == HD_OK)
        rc = store_case_purge(s, cutoff, now, &n);
    if (rc == HD_OK)
        rc = store_case_draft_expire(s, now - DRAFT_MAX_AGE_MS, &nd);
    if (rc == HD_OK && (n || nd)) {
        snprintf(detail, sizeof detail, "%d cases, %d drafts", n, nd);
        rc = store_audit_add(s, 0, "case.purge", 0, detail, now);
    }
    if (rc == HD_OK)
        rc = store_commit(s);
    else
        store_rollback(s);
    app_store_release(a, s);
    if (rc)
        log_error("maintenance: %s", hd_strerror(rc));
    else if (n || nd)
        log_info("maintenance: personal data erased from %d case(s) and %d draft(s)", n, nd);
    return rc;
}

static void *maint_main(void *arg)
{
    app *a = arg;

    thread_set_name("hd-maintenance");

    for (;;) {
        struct timespec ts;
        int stop;

        app_maintenance_run(a, clock_now_ms());
        clock_deadline(CLOCK_REALTIME, MAINT_EVERY_MS, &ts);
        pthread_mutex_lock(&a->pool_lock);
        while (!a->maint_stop)
            if (pthread_cond_timedwait(&a->maint_cond, &a->pool_lock, &ts) == ETIMEDOUT)
                break;
        stop = a->maint_stop;
        pthread_mutex_unlock(&a->pool_lock);
        if (stop)
            return NULL;
    }
}

int app_maintenance_start(app *a)
{
    a->maint_stop = 0;
    pthread_cond_init(&a->maint_cond, NULL);
    if (pthread_create(&a->maint_thread, NULL, maint_main, a) != 0) {
        pthread_cond_destroy(&a->maint_cond);
        return HD_ENOMEM;
    }
    a->maint_running = 1;
    return HD_OK;
}

void app_maintenance_stop(app *a)
{
    if (!a->maint_running)
        return;
    pthread_mutex_lock(&a->pool_lock);
    a->maint_stop = 1;
    pthread_cond_signal(&a->maint_cond);
    pthread_mutex_unlock(&a->pool_lock);
    pthread_join(a->maint_thread, NULL);
    pthread_cond_destroy(&a->maint_cond);
    a->maint_running = 0;
}
