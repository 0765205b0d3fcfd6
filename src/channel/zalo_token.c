/* zalo_token.c -- Zalo OA access token refresh and rotation.
 *
 * State: the pair in use (access, refresh, expiry) mirrors the durable store.
 * A refresh answer is first kept as `next`; it replaces the pair in use only
 * once the store has committed it. If the commit fails, `next` stays pending
 * (the old refresh token is already spent) and every later call tries to
 * commit it again before anything else; until then no token is handed out,
 * so a token the store does not know is never used. */
#include "channel/zalo_token.h"
#include "channel/httpc.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/log.h"
#include "store/kv.h"

#include <cjson/cJSON.h>

#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ZALO_OAUTH_DEFAULT "https://oauth.zaloapp.com"
#define ZALO_OAUTH_PATH    "/v4/oa/access_token"
#define ZALO_CFG_STR_MAX   512
#define ZALO_OAUTH_ANSWER_MAX (16 * 1024)

typedef struct zalo_pair {
    char    access[ZALO_TOKEN_MAX];
    char    refresh[ZALO_TOKEN_MAX];
    int64_t expires_at;                  /* epoch ms, 0 = unknown */
} zalo_pair;

struct zalo_token {
    pthread_mutex_t mu;
    zalo_token_io   io;
    char            app_id[ZALO_CFG_STR_MAX];
    char            app_secret[ZALO_CFG_STR_MAX];
    char            url[ZALO_CFG_STR_MAX + sizeof ZALO_OAUTH_PATH];
    long            timeout_ms;
    int64_t         margin_ms;
    zalo_pair       cur;                 /* committed, in use */
    zalo_pair       next;                /* received, not yet committed */
    int             pending;             /* next is valid */
    int64_t         next_try_ms;         /* no refresh before (backoff) */
};

static int zt_copy(char *dst, size_t cap, const char *src)
{
    size_t n = src ? strlen(src) : 0;
    if (n >= cap)
        return HD_ETOOBIG;
    memcpy(dst, src ? src : "", n + 1);
    return HD_OK;
}

/* ---- the store's kv as a zalo_token_io ---------------------------------- */

static int zt_store_get(void *ud, const char *key, char *value, size_t cap)
{
    return store_kv_get(ud, key, value, cap, NULL);
}

static int zt_store_put(void *ud, const char *const *keys, const char *const *values, int n,
                        int64_t now_ms)
{
    store *s = ud;
    int rc;

    if ((rc = store_begin(s)))
        return rc;
    for (int i = 0; i < n; i++)
        if ((rc = store_kv_put(s, keys[i], values[i], now_ms)))
            goto out;
    rc = store_commit(s);
out:
    if (rc)
        store_rollback(s);
    return rc;
}

void zalo_token_io_store(zalo_token_io *io, store *s)
{
    io->ud = s;
    io->get = zt_store_get;
    io->put = zt_store_put;
}

/* ---- load and save ------------------------------------------------------ */

static int zt_load(zalo_token *t, zalo_pair *p)
{
    char exp[32];
    int rc;

    memset(p, 0, sizeof *p);
    rc = t->io.get(t->io.ud, ZALO_KV_ACCESS, p->access, sizeof p->access);
    if (rc && rc != HD_ENOTFOUND)
        return rc;
    rc = t->io.get(t->io.ud, ZALO_KV_REFRESH, p->refresh, sizeof p->refresh);
    if (rc && rc != HD_ENOTFOUND)
        return rc;
    rc = t->io.get(t->io.ud, ZALO_KV_EXPIRES, exp, sizeof exp);
    if (rc == HD_OK)
        p->expires_at = strtoll(exp, NULL, 10);
    else if (rc != HD_ENOTFOUND)
        return rc;
    return HD_OK;
}

static int zt_save(zalo_token *t, const zalo_pair *p, int64_t now_ms)
{
    static const char *const keys[3] = { ZALO_KV_ACCESS, ZALO_KV_REFRESH, ZALO_KV_EXPIRES };
    char exp[32];
    const char *values[3] = { p->access, p->refresh, exp };

    snprintf(exp, sizeof exp, "%" PRId64, p->expires_at);
    return t->io.put(t->io.ud, keys, values, 3, now_ms);
}

/* Commit a pending pair; HD_OK when nothing is pending any more. */
static int zt_commit_pending(zalo_token *t, int64_t now_ms, char *err, size_t errlen)
{
    int rc;

    if (!t->pending)
        return HD_OK;
    if ((rc = zt_save(t, &t->next, now_ms)))
        return hd_seterr(err, errlen, rc,
                         "zalo token: the new token pair could not be stored (%s); "
                         "not using it until it is", hd_strerror(rc));
    t->cur = t->next;
    t->pending = 0;
    memset(&t->next, 0, sizeof t->next);
    return HD_OK;
}

/* ---- the OAuth exchange ------------------------------------------------- */

int zalo_token_parse_answer(const char *body, size_t len, char *access, size_t acap,
                            char *refresh, size_t rcap, int64_t *expires_in_s,
                            char *err, size_t errlen)
{
    cJSON *root = NULL, *a, *r, *e, *code;
    int rc = HD_OK;

    if (!body || !access || !refresh || !expires_in_s)
        return hd_seterr(err, errlen, HD_EINVAL, "zalo token: missing argument");
    *expires_in_s = 0;
    root = cJSON_ParseWithLength(body, len);
    if (!root || !cJSON_IsObject(root)) {
        rc = hd_seterr(err, errlen, HD_EPARSE, "zalo token: answer is not a JSON object");
        goto out;
    }
    a = cJSON_GetObjectItemCaseSensitive(root, "access_token");
    r = cJSON_GetObjectItemCaseSensitive(root, "refresh_token");
    e = cJSON_GetObjectItemCaseSensitive(root, "expires_in");
    if (!cJSON_IsString(a) || !cJSON_IsString(r) || !a->valuestring[0] || !r->valuestring[0]) {
        /* Only the numeric code goes to the log: the rest of an error object
         * is free text we do not control. */
        code = cJSON_GetObjectItemCaseSensitive(root, "error");
        if (cJSON_IsNumber(code))
            rc = hd_seterr(err, errlen, HD_EAUTH, "zalo token: refresh refused, error %d",
                           code->valueint);
        else if (cJSON_IsString(code))
            rc = hd_seterr(err, errlen, HD_EAUTH, "zalo token: refresh refused, error %.32s",
                           code->valuestring);
        else
            rc = hd_seterr(err, errlen, HD_EPARSE, "zalo token: answer has no token pair");
        goto out;
    }
    if (zt_copy(access, acap, a->valuestring) || zt_copy(refresh, rcap, r->valuestring)) {
        rc = hd_seterr(err, errlen, HD_ETOOBIG, "zalo token: token longer than %d bytes",
                       ZALO_TOKEN_MAX - 1);
        goto out;
    }
    if (cJSON_IsString(e)) {
        char *end;
        long long v = strtoll(e->valuestring, &end, 10);
        /* bounded like the number form: the caller adds v * 1000 to the clock */
        if (end != e->valuestring && *end == '\0' && v > 0 && v < 1000000000000LL)
            *expires_in_s = v;
    } else if (cJSON_IsNumber(e) && e->valuedouble > 0 && e->valuedouble < 1e12) {
        *expires_in_s = (int64_t)floor(e->valuedouble);
    }
out:
    cJSON_Delete(root);
    return rc;
}

/* POST the refresh token; on success the new pair is committed and in use.
 * Called with the mutex held. */
static int zt_exchange(zalo_token *t, int64_t now_ms, char *err, size_t errlen)
{
    buf form;
    httpc_resp resp;
    char secret_hdr[ZALO_CFG_STR_MAX + 16];
    httpc_req req = { .method = "POST", .url = t->url, .timeout_ms = t->timeout_ms,
                      .headers = { "Content-Type: application/x-www-form-urlencoded",
                                   secret_hdr, "Accept: application/json" } };
    int64_t expires_in = 0;
    int rc;

    buf_init(&form, 3 * (ZALO_TOKEN_MAX + ZALO_CFG_STR_MAX) + 64);
    buf_init(&resp.body, ZALO_OAUTH_ANSWER_MAX);
    snprintf(secret_hdr, sizeof secret_hdr, "secret_key: %s", t->app_secret);
    if ((rc = buf_appends(&form, "refresh_token=")) ||
        (rc = httpc_urlencode(t->cur.refresh, strlen(t->cur.refresh), &form)) ||
        (rc = buf_appends(&form, "&app_id=")) ||
        (rc = httpc_urlencode(t->app_id, strlen(t->app_id), &form)) ||
        (rc = buf_appends(&form, "&grant_type=refresh_token"))) {
        hd_seterr(err, errlen, rc, "zalo token: cannot build the refresh request");
        goto out;
    }
    req.body = form.data;
    req.body_len = form.len;
    if ((rc = httpc_do(&req, &resp, err, errlen)))
        goto out;
    if (resp.status >= 500 || resp.status == 429) {
        rc = hd_seterr(err, errlen, HD_ERETRY, "zalo token: OAuth server answered %ld",
                       resp.status);
        goto out;
    }
    memset(&t->next, 0, sizeof t->next);
    rc = zalo_token_parse_answer(resp.body.data ? resp.body.data : "", resp.body.len,
                                 t->next.access, sizeof t->next.access,
                                 t->next.refresh, sizeof t->next.refresh,
                                 &expires_in, err, errlen);
    if (rc) {
        if (resp.status != 200 && rc == HD_EPARSE)
            hd_seterr(err, errlen, rc, "zalo token: OAuth server answered %ld", resp.status);
        memset(&t->next, 0, sizeof t->next);
        goto out;
    }
    /* From here the old refresh token is spent: the new pair must not be lost. */
    t->next.expires_at = expires_in > 0 ? now_ms + expires_in * 1000 : 0;
    t->pending = 1;
    if ((rc = zt_commit_pending(t, now_ms, err, errlen)))
        goto out;
    log_info("zalo: access token refreshed, valid for %" PRId64 " s", expires_in);
out:
    /* The form holds the refresh token and the header the app secret. */
    if (form.data)
        memset(form.data, 0, form.cap);
    memset(secret_hdr, 0, sizeof secret_hdr);
    buf_free(&form);
    buf_free(&resp.body);
    return rc;
}

/* A refresh with backoff; mutex held. */
static int zt_refresh_locked(zalo_token *t, int64_t now_ms, char *err, size_t errlen)
{
    char why[256] = "";
    int rc;

    if (!t->cur.refresh[0])
        return hd_seterr(err, errlen, HD_ECONFIG, "zalo token: no refresh token stored");
    if (now_ms < t->next_try_ms)
        return hd_seterr(err, errlen, HD_ERETRY,
                         "zalo token: last refresh failed, next attempt in %" PRId64 " s",
                         (t->next_try_ms - now_ms + 999) / 1000);
    rc = zt_exchange(t, now_ms, why, sizeof why);
    if (rc && !t->pending) {
        /* Every delivery thread would otherwise hit the OAuth server again. */
        t->next_try_ms = now_ms + ZALO_TOKEN_BACKOFF_MS;
        log_warn("zalo: token refresh failed: %s", why);
    } else if (rc) {
        log_error("zalo: %s", why);
    } else {
        t->next_try_ms = 0;
    }
    if (rc)
        hd_seterr(err, errlen, rc, "%s", why);
    return rc;
}

/* ---- public ------------------------------------------------------------- */

int zalo_token_new(const zalo_token_cfg *cfg, const zalo_token_io *io, int64_t now_ms,
                   zalo_token **out, char *err, size_t errlen)
{
    zalo_token *t = NULL;
    const char *base;
    size_t blen;
    int rc = HD_OK;

    if (!cfg || !io || !io->get || !io->put || !out)
        return hd_seterr(err, errlen, HD_EINVAL, "zalo token: missing argument");
    *out = NULL;
    if (!cfg->app_id || !*cfg->app_id || !cfg->app_secret || !*cfg->app_secret)
        return hd_seterr(err, errlen, HD_ECONFIG, "zalo token: app id and app secret are required");
    if (!(t = calloc(1, sizeof *t)))
        return hd_seterr(err, errlen, HD_ENOMEM, "zalo token: out of memory");
    pthread_mutex_init(&t->mu, NULL);
    t->io = *io;
    base = cfg->oauth_base && *cfg->oauth_base ? cfg->oauth_base : ZALO_OAUTH_DEFAULT;
    blen = strlen(base);
    while (blen && base[blen - 1] == '/')
        blen--;
    if (zt_copy(t->app_id, sizeof t->app_id, cfg->app_id) ||
        zt_copy(t->app_secret, sizeof t->app_secret, cfg->app_secret) ||
        blen >= ZALO_CFG_STR_MAX) {
        rc = hd_seterr(err, errlen, HD_ECONFIG, "zalo token: a setting is too long");
        goto out;
    }
    snprintf(t->url, sizeof t->url, "%.*s%s", (int)blen, base, ZALO_OAUTH_PATH);
    t->timeout_ms = cfg->timeout_ms;
    t->margin_ms = cfg->margin_ms > 0 ? cfg->margin_ms : ZALO_TOKEN_MARGIN_MS;

    if ((rc = zt_load(t, &t->cur))) {
        hd_seterr(err, errlen, rc, "zalo token: cannot read the stored pair (%s)",
                  hd_strerror(rc));
        goto out;
    }
    /* The settings only seed an empty store: once a refresh has rotated the
     * pair, the values in the environment are spent and must not come back. */
    if (!t->cur.access[0] && !t->cur.refresh[0] &&
        ((cfg->seed_access && *cfg->seed_access) || (cfg->seed_refresh && *cfg->seed_refresh))) {
        zalo_pair seed;
        memset(&seed, 0, sizeof seed);
        if (zt_copy(seed.access, sizeof seed.access, cfg->seed_access) ||
            zt_copy(seed.refresh, sizeof seed.refresh, cfg->seed_refresh)) {
            rc = hd_seterr(err, errlen, HD_ECONFIG, "zalo token: seed token too long");
            goto out;
        }
        if ((rc = zt_save(t, &seed, now_ms))) {
            hd_seterr(err, errlen, rc, "zalo token: cannot store the seed pair (%s)",
                      hd_strerror(rc));
            goto out;
        }
        t->cur = seed;
        log_info("zalo: token pair seeded from the settings");
    }
out:
    if (rc) {
        zalo_token_free(t);
        return rc;
    }
    *out = t;
    return HD_OK;
}

void zalo_token_free(zalo_token *t)
{
    if (!t)
        return;
    pthread_mutex_destroy(&t->mu);
    memset(t, 0, sizeof *t);          /* secrets and tokens */
    free(t);
}

static int zt_hand_out(zalo_token *t, char *out, size_t cap, char *err, size_t errlen)
{
    if (!t->cur.access[0])
        return hd_seterr(err, errlen, HD_ECONFIG, "zalo token: no access token");
    if (zt_copy(out, cap, t->cur.access))
        return hd_seterr(err, errlen, HD_ETOOBIG, "zalo token: caller's buffer too small");
    return HD_OK;
}

int zalo_token_get(zalo_token *t, int64_t now_ms, char *out, size_t cap,
                   char *err, size_t errlen)
{
    int rc, expiring, expired;

    if (!t || !out || !cap)
        return hd_seterr(err, errlen, HD_EINVAL, "zalo token: missing argument");
    pthread_mutex_lock(&t->mu);
    if ((rc = zt_commit_pending(t, now_ms, err, errlen)))
        goto out;
    expired = t->cur.expires_at > 0 && t->cur.expires_at <= now_ms;
    /* An unknown expiry (seeded pair) is used until Zalo rejects it. */
    expiring = !t->cur.access[0] ||
               (t->cur.expires_at > 0 && t->cur.expires_at - now_ms < t->margin_ms);
    if (expiring && t->cur.refresh[0]) {
        rc = zt_refresh_locked(t, now_ms, err, errlen);
        if (rc && (t->pending || expired || !t->cur.access[0]))
            goto out;
    }
    rc = zt_hand_out(t, out, cap, err, errlen);
out:
    pthread_mutex_unlock(&t->mu);
    return rc;
}

int zalo_token_refresh(zalo_token *t, const char *rejected, int64_t now_ms, char *out,
                       size_t cap, char *err, size_t errlen)
{
    int rc;

    if (!t || !rejected || !out || !cap)
        return hd_seterr(err, errlen, HD_EINVAL, "zalo token: missing argument");
    pthread_mutex_lock(&t->mu);
    if ((rc = zt_commit_pending(t, now_ms, err, errlen)))
        goto out;
    /* Another thread got the same rejection first and has already replaced
     * the token while we waited for the mutex: use its result. */
    if (t->cur.access[0] && strcmp(t->cur.access, rejected) != 0) {
        rc = zt_hand_out(t, out, cap, err, errlen);
        goto out;
    }
    if ((rc = zt_refresh_locked(t, now_ms, err, errlen)))
        goto out;
    rc = zt_hand_out(t, out, cap, err, errlen);
out:
    pthread_mutex_unlock(&t->mu);
    return rc;
}
