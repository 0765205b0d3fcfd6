/* ratelimit.c -- token buckets in an open-addressed table of fixed size.
 *
 * Keys are kept as 64-bit hashes (FNV-1a): two senders sharing one bucket
 * would need a 64-bit collision. A lookup probes RL_PROBE slots; one mutex
 * guards the table, held for a few dozen instructions per message. */
#include "core/ratelimit.h"

#include "core/err.h"

#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>

#define RL_PROBE 8

typedef struct rl_slot {
    uint64_t key;        /* 0 = empty */
    double   tokens;
    int64_t  at_ms;      /* when tokens was last brought up to date */
    int      limited;    /* refused since the bucket was last full */
} rl_slot;

struct ratelimit {
    pthread_mutex_t lock;
    double          per_ms, burst;
    size_t          mask;
    rl_slot        *slots;
};

int ratelimit_new(double per_min, double burst, int slots, ratelimit **out)
{
    ratelimit *rl;
    size_t n = 64;

    if (!out || !(per_min > 0) || !(burst >= 1) || slots < 1)
        return HD_EINVAL;
    while (n < (size_t)slots && n < ((size_t)1 << 24))
        n <<= 1;
    rl = calloc(1, sizeof *rl);
    if (!rl)
        return HD_ENOMEM;
    rl->slots = calloc(n, sizeof *rl->slots);
    if (!rl->slots) {
        free(rl);
        return HD_ENOMEM;
    }
    pthread_mutex_init(&rl->lock, NULL);
    rl->per_ms = per_min / 60000.0;
    rl->burst = burst;
    rl->mask = n - 1;
    *out = rl;
    return HD_OK;
}

void ratelimit_free(ratelimit *rl)
{
    if (!rl)
        return;
    pthread_mutex_destroy(&rl->lock);
    free(rl->slots);
    free(rl);
}

static uint64_t rl_hash(const void *key, size_t len)
{
    const unsigned char *p = key;
    uint64_t h = 1469598103934665603ULL;

    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h ? h : 1;    /* 0 marks an empty slot */
}

/* Bring a slot's tokens up to now; a bucket full again ends an episode. */
static void rl_refill(const ratelimit *rl, rl_slot *s, int64_t now_ms)
{
    if (now_ms > s->at_ms) {
        s->tokens += (double)(now_ms - s->at_ms) * rl->per_ms;
        s->at_ms = now_ms;
    }
    if (s->tokens >= rl->burst) {
        s->tokens = rl->burst;
        s->limited = 0;
    }
}

/* How good a slot is to give to a new key: an empty one, then one whose
 * bucket is full again (its key is as good as new), then the least recently
 * seen. Lower is better. */
static int rl_rank(const ratelimit *rl, const rl_slot *s)
{
    if (s->key == 0)
        return 0;
    return s->tokens >= rl->burst ? 1 : 2;
}

static rl_slot *rl_find(ratelimit *rl, uint64_t h, int64_t now_ms)
{
    rl_slot *victim = NULL;

    for (size_t i = 0; i < RL_PROBE; i++) {
        rl_slot *s = &rl->slots[(h + i) & rl->mask];

        if (s->key == h)
            return s;
        if (s->key != 0)
            rl_refill(rl, s, now_ms);
        if (!victim || rl_rank(rl, s) < rl_rank(rl, victim) ||
            (rl_rank(rl, s) == rl_rank(rl, victim) && s->at_ms < victim->at_ms))
            victim = s;
    }
    victim->key = h;
    victim->tokens = rl->burst;
    victim->at_ms = now_ms;
    victim->limited = 0;
    return victim;
}

ratelimit_verdict ratelimit_take(ratelimit *rl, const void *key, size_t len, int64_t now_ms)
{
    ratelimit_verdict v;
    rl_slot *s;

    if (!rl || !key)
        return RATELIMIT_ALLOW;
    pthread_mutex_lock(&rl->lock);
    s = rl_find(rl, rl_hash(key, len), now_ms);
    rl_refill(rl, s, now_ms);
    if (s->tokens >= 1.0) {
        s->tokens -= 1.0;
        v = RATELIMIT_ALLOW;
    } else {
        v = s->limited ? RATELIMIT_LIMIT : RATELIMIT_LIMIT_FIRST;
        s->limited = 1;
    }
    pthread_mutex_unlock(&rl->lock);
    return v;
}
