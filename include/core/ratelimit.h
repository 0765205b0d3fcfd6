/* ratelimit.h -- a token bucket per key (a sender's address), in a fixed
 * table: memory does not grow with the number of senders.
 *
 * Each key may take `burst` tokens at once and earns per_min tokens a
 * minute. The table has a fixed number of slots; a key whose bucket has
 * filled up again is forgotten (a full bucket is what a new key gets), and
 * when every candidate slot is in use the least recently seen key is
 * forgotten, which can only ever be generous to that key. Thread-safe. */
#ifndef HD_CORE_RATELIMIT_H
#define HD_CORE_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

typedef struct ratelimit ratelimit;

typedef enum ratelimit_verdict {
    RATELIMIT_ALLOW = 0,
    RATELIMIT_LIMIT_FIRST,   /* over the rate, the first time since the bucket was last full */
    RATELIMIT_LIMIT          /* over the rate again */
} ratelimit_verdict;

/* slots: table size (rounded up to a power of two, at least 64). */
int  ratelimit_new(double per_min, double burst, int slots, ratelimit **out);
void ratelimit_free(ratelimit *rl);

/* Take one token for key (any bytes, len of them) at now_ms. */
ratelimit_verdict ratelimit_take(ratelimit *rl, const void *key, size_t len, int64_t now_ms);

#endif
