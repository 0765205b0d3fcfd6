/* kv.h -- small durable values the program keeps for itself (not settings):
 * the rotating Zalo token pair, cursors of background jobs. */
#ifndef HD_STORE_KV_H
#define HD_STORE_KV_H

#include "store/store.h"

#define STORE_KV_VALUE_MAX 2048

/* HD_ENOTFOUND when the key is absent. */
int store_kv_get(store *s, const char *key, char *value, size_t cap, int64_t *updated_at);
int store_kv_put(store *s, const char *key, const char *value, int64_t now_ms);

#endif
