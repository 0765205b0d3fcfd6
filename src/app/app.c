/* app.c -- load everything once at start; lend database connections. */
#include "app/app.h"

#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"

#include <string.h>

int app_open(app *a, const settings *cfg, int n_stores, char *err, size_t errlen)
{
    int rc;

    if (!a || !cfg || n_stores < 1 || n_stores > APP_POOL_MAX)
        return HD_EINVAL;
    memset(a, 0, sizeof *a);
    a->cfg = *cfg;
    pthread_mutex_init(&a->pool_lock, NULL);
    pthread_cond_init(&a->pool_cond, NULL);
    log_set_level_name(cfg->log_level);
    clock_init(cfg->fake_now_ms);

    rc = nlu_model_load(cfg->messages_dir, &a->model, err, errlen);
    if (rc)
        goto fail;
    rc = dlg_flow_load(cfg->messages_dir, &a->flow, err, errlen);
    if (rc)
        goto fail;
    for (int i = 0; i < n_stores; i++) {
        rc = store_open(cfg->db_path, &a->pool[i], err, errlen);
        if (rc)
            goto fail;
        a->pool_free[a->n_free++] = i;
        a->n_pool++;
    }
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
    a->flow = NULL;
    a->model = NULL;
    pthread_cond_destroy(&a->pool_cond);
    pthread_mutex_destroy(&a->pool_lock);
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
