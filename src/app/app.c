/* app.c -- load everything once at start; lend database connections. */
#include "app/app.h"

#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/ratelimit.h"
#include "ingest/batch.h"
#include "ingest/ingest.h"
#include "report/labels.h"
#include "store/communes.h"

#include <errno.h>
#include <stdio.h>
#include <time.h>

#include <openssl/crypto.h>
#include <string.h>

#define APP_SENDER_SLOTS 4096   /* senders remembered by the flood limit */

/* Without a key nothing personal can be kept safely, so outside
 * development mode the program does not start. */
static int app_load_key(app *a, char *err, size_t errlen)
{
    if (a->cfg.pii_key[0])
        return pii_key_parse(a->cfg.pii_key, &a->pii, err, errlen);
    if (strcmp(a->cfg.mode, "development") == 0) {
        log_warn("app: HELPDESK_PII_KEY not set: development mode uses a PUBLIC key; "
                 "never keep real ID numbers like this");
        pii_key_dev(&a->pii);
        return HD_OK;
    }
    return hd_seterr(err, errlen, HD_ECONFIG,
                     "HELPDESK_PII_KEY is required (64 hex digits; e.g. `openssl rand -hex 32`), "
                     "or set HELPDESK_MODE=development");
}

/* The pool's waits are timed against the monotonic clock: a clock set
 * backwards must not stretch a 2 s wait into hours. */
static void app_pool_cond_init(app *a)
{
    pthread_condattr_t ca;

    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&a->pool_cond, &ca);
    pthread_condattr_destroy(&ca);
}

/* Counters, and the flood limit: a sender gets a third of a minute's worth
 * at once (10 at the default 30/min), then one message every 60/rate s. */
static int app_limits_init(app *a, char *err, size_t errlen)
{
    long long rate = a->cfg.sender_rate_per_min;
    int rc;

    if (rate < 0 || rate > 100000)
        return hd_seterr(err, errlen, HD_ECONFIG, "HELPDESK_SENDER_RATE_PER_MIN must be 0..100000");
    rc = metrics_new(&a->metrics);
    if (rc == HD_OK && rate > 0)
        rc = ratelimit_new((double)rate, rate / 3 < 3 ? 3.0 : (double)(rate / 3), APP_SENDER_SLOTS,
                           &a->senders);
    return rc ? hd_seterr(err, errlen, rc, "app: %s", hd_strerror(rc)) : HD_OK;
}

int app_open(app *a, const settings *cfg, int n_stores, char *err, size_t errlen)
{
    char path[SETTINGS_STR_MAX + 32];
    int rc;

    if (!a || !cfg || n_stores < 1 || n_stores > APP_POOL_MAX)
        return HD_EINVAL;
    memset(a, 0, sizeof *a);
    a->cfg = *cfg;
    pthread_mutex_init(&a->pool_lock, NULL);
    app_pool_cond_init(a);
    log_set_level_name(cfg->log_level);
    clock_init(cfg->fake_now_ms);

    rc = app_load_key(a, err, errlen);
    if (rc)
        goto fail;
    rc = app_limits_init(a, err, errlen);
    if (rc)
        goto fail;
    rc = sla_parse(cfg->work_hours, (int)cfg->tz_offset_min, &a->hours, err, errlen);
    if (rc)
        goto fail;
    rc = nlu_model_load(cfg->messages_dir, &a->model, err, errlen);
    if (rc)
        goto fail;
    rc = dlg_flow_load(cfg->messages_dir, &a->flow, err, errlen);
    if (rc)
        goto fail;
    rc = report_labels_load(cfg->messages_dir, &a->report_labels, err, errlen);
    if (rc)
        goto fail;
    snprintf(path, sizeof path, "%s/communes.tsv", cfg->data_dir);
    rc = geo_dir_load(path, &a->geo, err, errlen);
    if (rc)
        goto fail;
    for (int i = 0; i < n_stores; i++) {
        rc = store_open(cfg->db_path, &a->pool[i], err, errlen);
        if (rc)
            goto fail;
        a->pool_free[a->n_free++] = i;
        a->n_pool++;
    }
    /* The directory in the database too, for joins in lists and reports;
     * a no-op once it matches the file. */
    rc = store_commune_load(a->pool[0], path, NULL, err, errlen);
    if (rc)
        goto fail;
    return HD_OK;
fail:
    app_close(a);
    return rc;
}

void app_close(app *a)
{
    if (!a)
        return;
    for (int i = 0; i < a->n_pool; i++)
        store_close(a->pool[i]);
    a->n_pool = a->n_free = 0;
    dlg_flow_free(a->flow);
    report_labels_free(a->report_labels);
    a->report_labels = NULL;
    nlu_model_free(a->model);
    geo_dir_free(a->geo);
    a->geo = NULL;
    ratelimit_free(a->senders);
    a->senders = NULL;
    metrics_free(a->metrics);
    a->metrics = NULL;
    a->flow = NULL;
    a->model = NULL;
    pthread_cond_destroy(&a->pool_cond);
    pthread_mutex_destroy(&a->pool_lock);
    /* The key must not linger in freed memory. */
    OPENSSL_cleanse(&a->pii, sizeof a->pii);
}

void app_ingest_env(const app *a, ingest_env *out)
{
    memset(out, 0, sizeof *out);
    out->flow = a->flow;
    out->model = a->model;
    out->geo = a->geo;
    out->pii = &a->pii;
    out->tz_offset_min = (int)a->cfg.tz_offset_min;
    out->followup_hours = (int)a->cfg.followup_hours;
}

int app_batch_start(app *a, char *err, size_t errlen)
{
    ingest_batch_opts opts = {
        .max = (int)a->cfg.group_commit_max,
        .max_wait_ms = (int)a->cfg.queue_wait_ms,
        .cache_kb = (int)a->cfg.ingest_cache_mb * 1024,
    };
    ingest_env env;

    if (a->cfg.group_commit_max < 1 || a->cfg.group_commit_max > 100000)
        return hd_seterr(err, errlen, HD_ECONFIG, "HELPDESK_GROUP_COMMIT_MAX must be 1..100000");
    if (a->cfg.ingest_cache_mb < 1 || a->cfg.ingest_cache_mb > 1024)
        return hd_seterr(err, errlen, HD_ECONFIG, "HELPDESK_INGEST_CACHE_MB must be 1..1024");
    if (a->cfg.queue_wait_ms < 1 || a->cfg.queue_wait_ms > 600000)
        return hd_seterr(err, errlen, HD_ECONFIG, "HELPDESK_QUEUE_WAIT_MS must be 1..600000");
    app_ingest_env(a, &env);
    return ingest_batch_start(a->cfg.db_path, &env, &opts, &a->batch, err, errlen);
}

void app_batch_stop(app *a)
{
    ingest_batch_stop(a->batch);
    a->batch = NULL;
}

store *app_store_acquire(app *a)
{
    store *s;

    pthread_mutex_lock(&a->pool_lock);
    while (a->n_free == 0)
        pthread_cond_wait(&a->pool_cond, &a->pool_lock);
    s = a->pool[a->pool_free[--a->n_free]];
    pthread_mutex_unlock(&a->pool_lock);
    return s;
}

int app_store_acquire_wait(app *a, int64_t wait_ms, store **out)
{
    struct timespec until;
    int rc = HD_OK;

    if (!a || !out || wait_ms < 0)
        return HD_EINVAL;
    *out = NULL;
    clock_deadline(CLOCK_MONOTONIC, wait_ms, &until);   /* pool_cond runs on it */
    pthread_mutex_lock(&a->pool_lock);
    while (a->n_free == 0) {
        if (pthread_cond_timedwait(&a->pool_cond, &a->pool_lock, &until) == ETIMEDOUT &&
            a->n_free == 0) {
            rc = HD_EBUSY;
            break;
        }
    }
    if (rc == HD_OK)
        *out = a->pool[a->pool_free[--a->n_free]];
    pthread_mutex_unlock(&a->pool_lock);
    if (rc)
        metrics_error(a->metrics, METRICS_ERR_POOL_TIMEOUT);
    return rc;
}

void app_store_release(app *a, store *s)
{
    if (!s)
        return;
    /* A COMMIT that failed (disk full, busy) leaves the transaction open on
     * some paths; the next user's BEGIN would then fail for ever. Outside a
     * transaction this is a no-op (store_rollback checks autocommit). */
    store_rollback(s);
    pthread_mutex_lock(&a->pool_lock);
    for (int i = 0; i < a->n_pool; i++) {
        if (a->pool[i] == s) {
            a->pool_free[a->n_free++] = i;
            break;
        }
    }
    pthread_cond_signal(&a->pool_cond);
    pthread_mutex_unlock(&a->pool_lock);
}
