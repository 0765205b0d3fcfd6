/* worker.c -- one delivery thread per channel.
 *
 * Loop: claim a small batch of due rows (committed as 'sending' before any
 * send, see store/outbox.h for why the order matters), send each at the
 * channel's rate, record the result at once, one row at a time, so that a
 * crash loses at most the row being sent. When nothing is due the thread
 * sleeps until kicked or for a short poll interval (rows scheduled for later,
 * retries). */
#include "outbox/worker.h"

#include "campaign/rules.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/thread.h"
#include "store/outbox.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define WORKER_BATCH     16
#define WORKER_POLL_MS   200
#define WORKER_RECOVER_EVERY_MS 10000

struct outbox_worker {
    app              *app;
    chan_adapter     *ad;
    outbox_worker_cfg cfg;
    pthread_t         thread;
    pthread_mutex_t   lock;
    pthread_cond_t    cond;
    int               kicked;
    int               stopping;
    double            tokens;       /* token bucket for the rate limit */
    int64_t           tokens_at;
    outbox_row        rows[WORKER_BATCH];
    int64_t           retry_at[WORKER_BATCH]; /* row i must wait until then; 0: done */
    campaign_window   window;       /* no bulk row leaves in the quiet hours */
};

int64_t outbox_backoff_ms(int attempts, int64_t hint_ms, int64_t max_ms)
{
    int64_t d = 1000;

    if (hint_ms > 0)
        return hint_ms < max_ms ? hint_ms : max_ms;
    for (int i = 1; i < attempts && d < max_ms; i++)
        d *= 2;
    return d < max_ms ? d : max_ms;
}

/* Sleep until woken or ms elapsed; returns 1 when stopping. */
static int worker_wait(outbox_worker *w, int64_t ms)
{
    struct timespec ts;
    int stop;

    clock_deadline(CLOCK_REALTIME, ms, &ts);
    pthread_mutex_lock(&w->lock);
    while (!w->kicked && !w->stopping)
        if (pthread_cond_timedwait(&w->cond, &w->lock, &ts) == ETIMEDOUT)
            break;
    w->kicked = 0;
    stop = w->stopping;
    pthread_mutex_unlock(&w->lock);
    return stop;
}

static int worker_stopping(outbox_worker *w)
{
    int stop;

    pthread_mutex_lock(&w->lock);
    stop = w->stopping;
    pthread_mutex_unlock(&w->lock);
    return stop;
}

/* Token bucket: wait until one message may go; returns 1 when stopping. */
static int worker_throttle(outbox_worker *w)
{
    for (;;) {
        int64_t now = clock_now_ms();
        double burst = w->cfg.rate_per_s < 1 ? 1 : w->cfg.rate_per_s;

        w->tokens += (double)(now - w->tokens_at) * w->cfg.rate_per_s / 1000.0;
        w->tokens_at = now;
        if (w->tokens > burst)
            w->tokens = burst;
        if (w->tokens >= 1.0) {
            w->tokens -= 1.0;
            return 0;
        }
        if (worker_wait(w, (int64_t)((1.0 - w->tokens) * 1000.0 / w->cfg.rate_per_s) + 1))
            return 1;
    }
}

/* messages_out_total{channel,status} of GET /metrics. */
static void worker_count(const outbox_worker *w, const outbox_row *row,
                         const chan_send_result *res)
{
    metrics_out how = METRICS_OUT_FAILED;

    if (res->status == CHAN_SENT)
        how = METRICS_OUT_SENT;
    else if (res->status == CHAN_RETRY && row->attempts < w->cfg.max_attempts)
        how = METRICS_OUT_RETRY;
    else if (res->status == CHAN_UNREACHABLE)
        how = METRICS_OUT_UNREACHABLE;
    metrics_msg_out(w->app->metrics, w->ad->name, how);
}

/* Record the result of a send; returns when the row is due again (a retry),
 * else 0. */
static int64_t worker_record(outbox_worker *w, const outbox_row *row, const chan_send_result *res)
{
    int64_t now = clock_now_ms(), delay, again = 0;
    store *s = app_store_acquire(w->app);
    int rc = HD_OK;

    switch (res->status) {
    case CHAN_SENT:
        rc = outbox_mark_sent(s, row->id, res->provider_id, now);
        break;
    case CHAN_RETRY:
        if (row->attempts >= w->cfg.max_attempts) {
            rc = outbox_mark_failed(s, row->id, 0, "too many attempts", now);
            log_warn("outbox: %s message %lld failed after %d attempts: %s", w->ad->name,
                     (long long)row->id, row->attempts, res->reason);
            break;
        }
        delay = outbox_backoff_ms(row->attempts, res->retry_after_ms, w->cfg.backoff_max_ms);
        again = now + delay;
        rc = outbox_mark_retry(s, row->id, again, res->reason, now);
        log_info("outbox: %s message %lld retry in %lld ms: %s", w->ad->name,
                 (long long)row->id, (long long)delay, res->reason);
        break;
    case CHAN_FAIL:
    case CHAN_UNREACHABLE:
        rc = outbox_mark_failed(s, row->id, res->status == CHAN_UNREACHABLE, res->reason, now);
        log_warn("outbox: %s message %lld not delivered: %s", w->ad->name,
                 (long long)row->id, res->reason);
        break;
    }
    app_store_release(w->app, s);
    worker_count(w, row, res);
    if (rc)
        log_error("outbox: recording message %lld: %s", (long long)row->id, hd_strerror(rc));
    return again;
}

/* A later row of a contact whose earlier row in this batch must wait for a
 * retry does not overtake it: the citizen would read the answers out of
 * order. Returns when the earlier row is due again, or 0. */
static int64_t worker_waits_behind(const outbox_worker *w, int i)
{
    for (int j = 0; j < i; j++)
        if (w->retry_at[j] && w->rows[j].contact_id == w->rows[i].contact_id)
            return w->retry_at[j];
    return 0;
}

/* Back to the queue without a send, due together with the earlier row: the
 * claim orders by due time, then id, so the two go out in order. */
static void worker_defer(outbox_worker *w, const outbox_row *row, int64_t at)
{
    store *s = app_store_acquire(w->app);
    int rc = outbox_mark_defer(s, row->id, at, clock_now_ms());

    app_store_release(w->app, s);
    if (rc)
        log_error("outbox: deferring message %lld: %s", (long long)row->id, hd_strerror(rc));
}

static void *worker_main(void *arg)
{
    outbox_worker *w = arg;
    int64_t last_recover = 0;

    thread_set_name("hd-outbox");

    while (!worker_stopping(w)) {
        int64_t now = clock_now_ms();
        int n = 0, rc;
        store *s = app_store_acquire(w->app);

        if (now - last_recover >= WORKER_RECOVER_EVERY_MS) {
            int nrec = 0;
            if (outbox_recover(s, w->ad->name, now, &nrec) == HD_OK && nrec)
                log_warn("outbox: %d interrupted message(s) queued again", nrec);
            last_recover = now;
        }
        /* In the quiet hours no bulk row is claimed; in the window only
         * those queued since it opened (see outbox_claim_due_since). */
        rc = outbox_claim_due_since(s, w->ad->name, now, w->cfg.lease_ms,
                                    campaign_window_open(&w->window, now)
                                        ? campaign_window_last_close(&w->window, now)
                                        : OUTBOX_BULK_NONE,
                                    w->rows, WORKER_BATCH, &n);
        app_store_release(w->app, s);
        if (rc) {
            log_error("outbox: claim on %s: %s", w->ad->name, hd_strerror(rc));
            n = 0;
        }
        memset(w->retry_at, 0, sizeof w->retry_at);
        if (n == 0) {
            if (worker_wait(w, WORKER_POLL_MS))
                break;
            continue;
        }
        for (int i = 0; i < n; i++) {
            chan_outbound m = {
                .outbox_id = w->rows[i].id,
                .address = w->rows[i].address,
                .text = w->rows[i].text,
                .text_len = strlen(w->rows[i].text),
            };
            chan_send_result res;
            int64_t behind;

            /* Rows claimed but not sent when stopping stay 'sending' until
             * their lease ends; recovery at the next start queues them. */
            if ((behind = worker_waits_behind(w, i)) != 0) {
                worker_defer(w, &w->rows[i], behind);
                w->retry_at[i] = behind;
                continue;
            }
            if (worker_throttle(w))
                break;
            /* The quiet hours may begin while a batch goes out: a bulk row
             * not sent by then waits for the planner to plan it again. */
            if (w->rows[i].priority == OUTBOX_BULK &&
                !campaign_window_open(&w->window, clock_now_ms())) {
                behind = campaign_window_next_open(&w->window, clock_now_ms());
                worker_defer(w, &w->rows[i], behind);
                w->retry_at[i] = behind;
                continue;
            }
            memset(&res, 0, sizeof res);
            /* An adapter that fails without saying how is a temporary
             * failure, never a success (CHAN_SENT is 0). */
            res.status = CHAN_RETRY;
            if (w->ad->send(w->ad, &m, &res) != HD_OK) {
                res.status = CHAN_RETRY;
                snprintf(res.reason, sizeof res.reason, "adapter error");
            }
            w->retry_at[i] = worker_record(w, &w->rows[i], &res);
        }
    }
    return NULL;
}

int outbox_worker_start(app *a, chan_adapter *ad, const outbox_worker_cfg *cfg,
                        outbox_worker **out, char *err, size_t errlen)
{
    outbox_worker *w;

    if (!a || !ad || !cfg || !out || !(cfg->rate_per_s > 0) || cfg->max_attempts < 1 ||
        cfg->lease_ms < 1000 || cfg->backoff_max_ms < 1000)
        return hd_seterr(err, errlen, HD_EINVAL, "outbox worker: bad configuration");
    w = calloc(1, sizeof *w);
    if (!w)
        return HD_ENOMEM;
    if (campaign_window_init(&w->window, a->cfg.quiet_start, a->cfg.quiet_end,
                             (int)a->cfg.tz_offset_min, err, errlen)) {
        free(w);
        return HD_ECONFIG;
    }
    w->app = a;
    w->ad = ad;
    w->cfg = *cfg;
    w->tokens = 1.0;
    w->tokens_at = clock_now_ms();
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->cond, NULL);
    if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
        pthread_cond_destroy(&w->cond);
        pthread_mutex_destroy(&w->lock);
        free(w);
        return hd_seterr(err, errlen, HD_ENOMEM, "outbox worker: cannot start a thread");
    }
    *out = w;
    return HD_OK;
}

void outbox_worker_kick(outbox_worker *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->lock);
    w->kicked = 1;
    pthread_cond_signal(&w->cond);
    pthread_mutex_unlock(&w->lock);
}

void outbox_worker_stop(outbox_worker *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->lock);
    w->stopping = 1;
    pthread_cond_signal(&w->cond);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    pthread_cond_destroy(&w->cond);
    pthread_mutex_destroy(&w->lock);
    free(w);
}
