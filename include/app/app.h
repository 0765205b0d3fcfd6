/* app.h -- what a running program holds: settings, the loaded model and flow
 * (read-only, shared), and a small pool of database connections (one per
 * worker thread at a time). */
#ifndef HD_APP_APP_H
#define HD_APP_APP_H

#include "cases/sla.h"
#include "core/settings.h"
#include "geo/communes.h"
#include "pii/crypto.h"
#include "dialog/flow.h"
#include "nlu/classify.h"
#include "store/store.h"

#include <pthread.h>

#define APP_POOL_MAX 64

struct chan_adapter;
struct metrics;
struct outbox_worker;
struct ratelimit;
struct zalo_token;
struct ingest_batch;
struct report_labels;

/* A channel the program can send on: its adapter and delivery worker. */
typedef struct app_channel {
    struct chan_adapter  *adapter;    /* NULL: channel not configured */
    struct outbox_worker *worker;     /* NULL: nothing sends (no provider set) */
} app_channel;

typedef struct app {
    settings        cfg;
    nlu_model      *model;
    dlg_flow       *flow;
    geo_dir        *geo;          /* communes, for the intake's lookup */
    pii_key         pii;          /* encrypts ID numbers at rest */
    sla_hours       hours;        /* working hours for the cases' SLA */
    pthread_mutex_t pool_lock;
    pthread_cond_t  pool_cond;
    store          *pool[APP_POOL_MAX];
    int             pool_free[APP_POOL_MAX];   /* stack of free slot indexes */
    int             n_pool, n_free;
    app_channel     sms, zalo;
    struct zalo_token *zalo_token;
    store          *token_store;       /* the token module's own connection */
    struct ingest_batch *batch;        /* group commit of inbound messages */
    pthread_t       maint_thread;
    pthread_cond_t  maint_cond;        /* with pool_lock */
    int             maint_running, maint_stop;
    struct metrics   *metrics;         /* counters for GET /metrics */
    struct ratelimit *senders;         /* inbound messages per sender; NULL: no limit */
    struct report_labels *report_labels; /* messages/report.json, for CSV reports */
} app;

/* Loads messages/ and data/, checks the PII key (required outside
 * development mode), opens n_stores connections to cfg->db_path (migrating
 * it) and fills the communes table on first start. */
int  app_open(app *a, const settings *cfg, int n_stores, char *err, size_t errlen);
void app_close(app *a);

/* What ingest_message() needs from the loaded program. */
struct ingest_env;
void app_ingest_env(const app *a, struct ingest_env *out);

/* Blocks until a connection is free. */
store *app_store_acquire(app *a);
/* Waits at most wait_ms for a free connection: HD_EBUSY after that, so that
 * a request answers 503 instead of queueing without bound. */
int    app_store_acquire_wait(app *a, int64_t wait_ms, store **out);
/* A connection still inside a transaction (a caller that failed between
 * BEGIN and COMMIT) is rolled back here before anyone else gets it. */
void   app_store_release(app *a, store *s);

/* channels.c: build the adapters from the settings and start one delivery
 * worker per configured channel; stop them. */
int  app_channels_start(app *a, char *err, size_t errlen);
void app_channels_stop(app *a);
/* The group committer of inbound messages (serve only; chat and simulate
 * write directly). */
int  app_batch_start(app *a, char *err, size_t errlen);
void app_batch_stop(app *a);

/* maintenance.c: retention of personal data, in a background thread. */
int  app_maintenance_start(app *a);
void app_maintenance_stop(app *a);
/* One pass (also used by tests through the CLI): purge what is due at now. */
int  app_maintenance_run(app *a, int64_t now);

/* "sms" / "zalo" -> its channel, NULL otherwise. */
app_channel *app_channel_get(app *a, const char *name);
/* Something was queued for this channel: wake its worker. */
void app_channel_kick(app *a, const char *name);

#endif
