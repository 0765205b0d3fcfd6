/* worker.h -- the delivery worker of one channel: claims due rows of the
 * outbox, sends them through the channel's adapter at the channel's rate, and
 * records what happened (sent, retry later with back-off, failed). One thread
 * per channel; replies are claimed before bulk messages by the outbox itself. */
#ifndef HD_OUTBOX_WORKER_H
#define HD_OUTBOX_WORKER_H

#include "app/app.h"
#include "channel/channel.h"

typedef struct outbox_worker outbox_worker;

typedef struct outbox_worker_cfg {
    double  rate_per_s;      /* messages per second for this channel (> 0) */
    int     max_attempts;    /* then the row fails for good */
    int64_t lease_ms;        /* how long a claim holds before recovery */
    int64_t backoff_max_ms;  /* upper bound of the exponential back-off */
} outbox_worker_cfg;

int  outbox_worker_start(app *a, chan_adapter *ad, const outbox_worker_cfg *cfg,
                         outbox_worker **out, char *err, size_t errlen);
/* Wake the worker now (something was just queued). Safe from any thread. */
void outbox_worker_kick(outbox_worker *w);
/* Stop after the message being sent, if any; rows not yet sent stay queued. */
void outbox_worker_stop(outbox_worker *w);

/* The delay before attempt number attempts+1 (pure; exposed for tests). */
int64_t outbox_backoff_ms(int attempts, int64_t hint_ms, int64_t max_ms);

#endif
