/* planner.c -- the campaign's background thread (campaign/campaign.h).
 *
 * A pass: take back reminders that missed their window (every pass in the
 * quiet hours, once when a window opens, then every minute: rows become
 * stale only around the quiet hours, a crash or a resumed broadcast), plan
 * one chunk of each due broadcast, queue the due follow-ups. Connections
 * are borrowed per step, not per pass, so the HTTP threads never wait for
 * a whole pass. Broadcasts created through the API are seen at the next
 * pass (a fraction of a second). */
#include "campaign/campaign.h"
#include "campaign/planner.h"

#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "core/thread.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PLANNER_IDLE_MS  250
#define PLANNER_BUSY_MS  10
#define PLANNER_SWEEP_MS 60000
#define PLANNER_DUE_MAX  16
#define FOLLOWUP_HOURS_MAX (30 * 24)

struct campaign {
    app             *a;
    campaign_env     env;
    pthread_t        thread;
    pthread_mutex_t  lock;
    pthread_cond_t   cond;
    int              stop;
    int64_t          swept_close;   /* the start of the quiet hours last swept */
    int64_t          swept_at;
};

static int planner_wait(campaign *c, int64_t ms)
{
    struct timespec ts;
    int stop;

    clock_deadline(CLOCK_REALTIME, ms, &ts);
    pthread_mutex_lock(&c->lock);
    while (!c->stop)
        if (pthread_cond_timedwait(&c->cond, &c->lock, &ts) == ETIMEDOUT)
            break;
    stop = c->stop;
    pthread_mutex_unlock(&c->lock);
    return stop;
}

static void kick(campaign *c, const campaign_step *st)
{
    if (st->queued_sms)
        app_channel_kick(c->a, "sms");
    if (st->queued_zalo)
        app_channel_kick(c->a, "zalo");
}

static void sweep(campaign *c, int64_t now)
{
    int64_t close = campaign_window_last_close(&c->env.window, now);
    int n = 0, rc;
    store *s;

    if (campaign_window_open(&c->env.window, now) && close == c->swept_close &&
        now - c->swept_at < PLANNER_SWEEP_MS)
        return;
    s = app_store_acquire(c->a);
    rc = campaign_take_back(&c->env, s, now, &n);
    app_store_release(c->a, s);
    if (rc) {
        log_error("campaign: taking back missed reminders: %s", hd_strerror(rc));
        return;
    }
    c->swept_close = close;
    c->swept_at = now;
}

/* Returns 1 when there is more to do right away. */
static int plan_broadcasts(campaign *c, int64_t now)
{
    int64_t ids[PLANNER_DUE_MAX];
    int n = 0, rc, busy = 0;
    store *s = app_store_acquire(c->a);

    rc = store_broadcast_due(s, now, ids, PLANNER_DUE_MAX, &n);
    app_store_release(c->a, s);
    if (rc) {
        log_error("campaign: due broadcasts: %s", hd_strerror(rc));
        return 0;
    }
    for (int i = 0; i < n; i++) {
        campaign_step st;

        s = app_store_acquire(c->a);
        rc = campaign_broadcast_step(&c->env, s, ids[i], now, &st);
        app_store_release(c->a, s);
        if (rc) {
            log_error("campaign: broadcast %lld: %s", (long long)ids[i], hd_strerror(rc));
            continue;
        }
        kick(c, &st);
        busy |= st.more || st.planned > 0;
    }
    return busy;
}

static int send_followups(campaign *c, int64_t now)
{
    campaign_step st;
    store *s = app_store_acquire(c->a);
    int rc = campaign_followups_send(&c->env, s, now, &st);

    app_store_release(c->a, s);
    if (rc) {
        log_error("campaign: follow-ups: %s", hd_strerror(rc));
        return 0;
    }
    kick(c, &st);
    return st.more;
}

static void *planner_main(void *arg)
{
    campaign *c = arg;
    int busy = 0;

    thread_set_name("hd-planner");

    while (!planner_wait(c, busy ? PLANNER_BUSY_MS : PLANNER_IDLE_MS)) {
        int64_t now = clock_now_ms();

        sweep(c, now);
        busy = plan_broadcasts(c, now);
        busy |= send_followups(c, now);
    }
    return NULL;
}

int campaign_start(app *a, campaign **out, char *err, size_t errlen)
{
    campaign *c;
    int rc;

    if (!a || !out)
        return HD_EINVAL;
    *out = NULL;
    if (a->cfg.followup_hours < 0 || a->cfg.followup_hours > FOLLOWUP_HOURS_MAX)
        return hd_seterr(err, errlen, HD_ECONFIG, "HELPDESK_FOLLOWUP_HOURS must be 0..%d",
                         FOLLOWUP_HOURS_MAX);
    c = calloc(1, sizeof *c);
    if (!c)
        return HD_ENOMEM;
    c->a = a;
    c->env.flow = a->flow;
    c->env.sms_ok = a->sms.worker != NULL;
    c->env.zalo_ok = a->zalo.worker != NULL;
    if ((rc = campaign_window_init(&c->env.window, a->cfg.quiet_start, a->cfg.quiet_end,
                                   (int)a->cfg.tz_offset_min, err, errlen)) ||
        (rc = campaign_followup_texts_check(a->flow, err, errlen))) {
        free(c);
        return rc;
    }
    pthread_mutex_init(&c->lock, NULL);
    pthread_cond_init(&c->cond, NULL);
    if (pthread_create(&c->thread, NULL, planner_main, c) != 0) {
        pthread_cond_destroy(&c->cond);
        pthread_mutex_destroy(&c->lock);
        free(c);
        return hd_seterr(err, errlen, HD_ENOMEM, "campaign: cannot start a thread");
    }
    if (!c->env.sms_ok || !c->env.zalo_ok)
        log_warn("campaign: reminders skip contacts of %s%s%s (no delivery configured)",
                 c->env.sms_ok ? "" : "SMS", !c->env.sms_ok && !c->env.zalo_ok ? " and " : "",
                 c->env.zalo_ok ? "" : "Zalo");
    *out = c;
    return HD_OK;
}

void campaign_stop(campaign *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&c->lock);
    c->stop = 1;
    pthread_cond_signal(&c->cond);
    pthread_mutex_unlock(&c->lock);
    pthread_join(c->thread, NULL);
    pthread_cond_destroy(&c->cond);
    pthread_mutex_destroy(&c->lock);
    free(c);
}
