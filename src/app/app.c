/* app.c -- load everything once at start; lend database connections. */
#include "app/app.h"

#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "ingest/ingest.h"
#include "store/communes.h"

#include <stdio.h>

#include <openssl/crypto.h>
#include <string.h>

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

int app_open(app *a, const settings *cfg, int n_stores, char *err, size_t errlen)
{
    char path[SETTINGS_STR_MAX + 32];
    int rc;

    if (!a || !cfg || n_stores < 1 || n_stores > APP_POOL_MAX)
        return HD_EINVAL;
    memset(a, 0, sizeof *a);
    a->cfg = *cfg;
    pthread_mutex_init(&a->pool_lock, NULL);
    pthread_cond_init(&a->pool_cond, NULL);
    log_set_level_name(cfg->log_level);
    clock_init(cfg->fake_now_ms);

    rc = app_load_key(a, err, errlen);
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
    nlu_model_free(a->model);
    geo_dir_free(a->geo);
    a->geo = NULL;
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

void app_store_release(app *a, store *s)
{
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
