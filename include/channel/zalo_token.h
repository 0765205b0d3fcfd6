/* zalo_token.h -- the Zalo OA access token: keep it, refresh it, rotate it.
 *
 * An access token lives about 25 h; it is renewed with a refresh token that
 * works once and is replaced by a new one in the same answer. Losing the new
 * refresh token locks the OA out until someone pastes a fresh pair from Zalo's
 * console, so the order is fixed: ask, write the new pair durably (committed),
 * only then use the new access token. Where the pair lives is the caller's
 * choice (zalo_token_io); zalo_token_io_store() keeps it in the store's kv
 * table under "zalo.access_token", "zalo.refresh_token", "zalo.expires_at".
 *
 * Thread-safe: delivery threads share one zalo_token; one refresh runs at a
 * time and the others wait for it and take its result. */
#ifndef HD_CHANNEL_ZALO_TOKEN_H
#define HD_CHANNEL_ZALO_TOKEN_H

#include "store/store.h"

#include <stddef.h>
#include <stdint.h>

#define ZALO_TOKEN_MAX        2048          /* bytes of one token, with NUL */
#define ZALO_TOKEN_MARGIN_MS  (3600 * 1000LL)   /* default: refresh 1 h early */
#define ZALO_TOKEN_BACKOFF_MS (30 * 1000LL)     /* after a failed refresh */

#define ZALO_KV_ACCESS  "zalo.access_token"
#define ZALO_KV_REFRESH "zalo.refresh_token"
#define ZALO_KV_EXPIRES "zalo.expires_at"     /* epoch ms; "0" = unknown */

typedef struct zalo_token zalo_token;

/* Durable storage for the pair. Calls are serialised by the token's mutex. */
typedef struct zalo_token_io {
    void *ud;
    /* HD_ENOTFOUND when the key is absent. */
    int (*get)(void *ud, const char *key, char *value, size_t cap);
    /* Write all n pairs in one committed transaction, or none of them. */
    int (*put)(void *ud, const char *const *keys, const char *const *values, int n,
               int64_t now_ms);
} zalo_token_io;

/* An io over store s; s must be used by nothing else while the token lives
 * (a connection of its own), since store handles are single-threaded. */
void zalo_token_io_store(zalo_token_io *io, store *s);

typedef struct zalo_token_cfg {
    const char *app_id;
    const char *app_secret;    /* sent as the secret_key header */
    const char *oauth_base;    /* NULL/"" = "https://oauth.zaloapp.com" */
    long        timeout_ms;    /* refresh request; 0 = 10 s */
    int64_t     margin_ms;     /* refresh when less remains; 0 = ZALO_TOKEN_MARGIN_MS */
    const char *seed_access;   /* ZALO_ACCESS_TOKEN / ZALO_REFRESH_TOKEN: written */
    const char *seed_refresh;  /* to the store only when it holds no token yet */
} zalo_token_cfg;

/* Loads the pair (seeding it from cfg when the store holds none). */
int  zalo_token_new(const zalo_token_cfg *cfg, const zalo_token_io *io, int64_t now_ms,
                    zalo_token **out, char *err, size_t errlen);
void zalo_token_free(zalo_token *t);

/* The access token to use now, refreshed first when it expires within the
 * margin. When that refresh fails but the old token has not expired yet, the
 * old one is returned. HD_ECONFIG when there is no token at all. */
int zalo_token_get(zalo_token *t, int64_t now_ms, char *out, size_t cap,
                   char *err, size_t errlen);

/* Zalo rejected `rejected` (-216 invalid, -220 expired): refresh, unless
 * another thread already replaced it, and give the token to use now. */
int zalo_token_refresh(zalo_token *t, const char *rejected, int64_t now_ms,
                       char *out, size_t cap, char *err, size_t errlen);

/* Reads OAuth's answer (pure). expires_in may be a JSON string or number;
 * *expires_in_s is 0 when absent. HD_EAUTH when the answer is an error
 * object (err has its code), HD_EPARSE when it is not understood. */
int zalo_token_parse_answer(const char *body, size_t len, char *access, size_t acap,
                            char *refresh, size_t rcap, int64_t *expires_in_s,
                            char *err, size_t errlen);

#endif
