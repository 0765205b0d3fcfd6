/* test_zalo_token.c -- token refresh and rotation over a real SQLite store,
 * against a stand-in OAuth server in this process. */
#include "test.h"
#include "tinyhttpd.h"
#include "channel/channel.h"
#include "channel/httpc.h"
#include "channel/zalo.h"
#include "channel/zalo_token.h"
#include "core/err.h"
#include "store/kv.h"
#include "store/store.h"

#include <stdlib.h>

#define APP_ID     "2553928453557884079"
#define APP_SECRET "app-secret/+="
#define NOW        1700000000000LL
#define HOUR       3600000LL

static tinyhttpd srv;
static store *db;
static char base[64];
static int fail_put;          /* make the store refuse the next writes */
static int puts_seen_at[8];   /* th_count() at each committed write */
static int nputs;

/* The real store's io, wrapped to fail on demand and to note when it wrote. */
static zalo_token_io real;

static int io_get(void *ud, const char *key, char *value, size_t cap)
{
    return real.get(real.ud, key, value, cap);
}

static int io_put(void *ud, const char *const *keys, const char *const *values, int n,
                  int64_t now_ms)
{
    int rc;
    if (fail_put)
        return HD_EDB;
    rc = real.put(real.ud, keys, values, n, now_ms);
    if (rc == HD_OK && nputs < 8)
        puts_seen_at[nputs++] = th_count(&srv);
    return rc;
}

static void setup(const char *name)
{
    char path[512], err[256] = "";

    snprintf(path, sizeof path, "%s/%s.db", test_tmpdir(), name);
    CHECK_INT(store_open(path, &db, err, sizeof err), HD_OK);
    zalo_token_io_store(&real, db);
    CHECK_INT(httpc_global_init(), HD_OK);
    CHECK_INT(th_start(&srv), 0);
    snprintf(base, sizeof base, "http://127.0.0.1:%d", srv.port);
    fail_put = 0;
    nputs = 0;
}

static void teardown(void)
{
    th_stop(&srv);
    httpc_global_cleanup();
    store_close(db);
    db = NULL;
}

static zalo_token *mk(const char *seed_access, const char *seed_refresh, int expect_rc)
{
    char err[256] = "";
    zalo_token *t = NULL;
    zalo_token_io io = { NULL, io_get, io_put };
    zalo_token_cfg c = { .app_id = APP_ID, .app_secret = APP_SECRET, .oauth_base = base,
                         .timeout_ms = 1000, .seed_access = seed_access,
                         .seed_refresh = seed_refresh };
    int rc = zalo_token_new(&c, &io, NOW, &t, err, sizeof err);
    CHECK_MSG(rc == expect_rc, "zalo_token_new = %d (%s)", rc, err);
    return t;
}

static const char *kv(const char *key)
{
    static char v[4][STORE_KV_VALUE_MAX];
    static int i;
    char *out = v[i++ % 4];
    if (store_kv_get(db, key, out, STORE_KV_VALUE_MAX, NULL) != HD_OK)
        snprintf(out, STORE_KV_VALUE_MAX, "(absent)");
    return out;
}

static void put_pair(const char *a, const char *r, int64_t exp)
{
    char e[32];
    snprintf(e, sizeof e, "%lld", (long long)exp);
    CHECK_INT(store_kv_put(db, ZALO_KV_ACCESS, a, NOW), HD_OK);
    CHECK_INT(store_kv_put(db, ZALO_KV_REFRESH, r, NOW), HD_OK);
    CHECK_INT(store_kv_put(db, ZALO_KV_EXPIRES, e, NOW), HD_OK);
}

static const char *get(zalo_token *t, int64_t now, int expect_rc)
{
    static char tok[ZALO_TOKEN_MAX];
    char err[256] = "";
    int rc = zalo_token_get(t, now, tok, sizeof tok, err, sizeof err);
    CHECK_MSG(rc == expect_rc, "zalo_token_get = %d, expected %d (%s)", rc, expect_rc, err);
    return rc ? "(error)" : tok;
}

static void push_pair(const char *a, const char *r, const char *expires_json, int delay)
{
    char body[512];
    snprintf(body, sizeof body, "{\"access_token\":\"%s\",\"refresh_token\":\"%s\","
             "\"expires_in\":%s}", a, r, expires_json);
    th_push(&srv, 200, "Content-Type: application/json\r\n", body, 0, delay);
}

static void test_seed_only_when_empty(void)
{
    zalo_token *t;

    setup("seed");
    t = mk("ACCESS-1", "REFRESH-1", HD_OK);
    CHECK_STR(kv(ZALO_KV_ACCESS), "ACCESS-1");
    CHECK_STR(kv(ZALO_KV_REFRESH), "REFRESH-1");
    CHECK_STR(kv(ZALO_KV_EXPIRES), "0");
    /* Unknown expiry: used as it is, no refresh yet. */
    CHECK_STR(get(t, NOW, HD_OK), "ACCESS-1");
    CHECK_INT(th_count(&srv), 0);
    zalo_token_free(t);

    /* The store now holds a pair: other settings do not overwrite it. */
    put_pair("ACCESS-9", "REFRESH-9", NOW + 10 * HOUR);
    t = mk("ACCESS-1", "REFRESH-1", HD_OK);
    CHECK_STR(kv(ZALO_KV_REFRESH), "REFRESH-9");
    CHECK_STR(get(t, NOW, HD_OK), "ACCESS-9");
    CHECK_INT(th_count(&srv), 0);
    zalo_token_free(t);

    /* No seed and nothing stored: no token to give. */
    teardown();
    setup("seed-none");
    t = mk(NULL, "", HD_OK);
    CHECK_STR(kv(ZALO_KV_REFRESH), "(absent)");
    get(t, NOW, HD_ECONFIG);
    zalo_token_free(t);
    teardown();
}

static void test_refresh_within_margin_and_rotation(void)
{
    zalo_token *t;
    th_seen s;
    char v[256], want[256];

    setup("margin");
    put_pair("ACCESS-1", "REFRESH-1", NOW + 2 * HOUR);
    t = mk("SEED-A", "SEED-R", HD_OK);
    /* 2 h left: more than the 1 h margin, no refresh. */
    CHECK_STR(get(t, NOW, HD_OK), "ACCESS-1");
    CHECK_INT(th_count(&srv), 0);

    /* 59 min left: refresh first. */
    push_pair("ACCESS-2", "REFRESH-2", "\"90000\"", 0);
    CHECK_STR(get(t, NOW + 61 * 60000LL, HD_OK), "ACCESS-2");
    CHECK_INT(th_count(&srv), 1);
    s = th_get(&srv, 0);
    CHECK_STR(s.method, "POST");
    CHECK_STR(s.path, "/v4/oa/access_token");
    CHECK_STR(s.body, "refresh_token=REFRESH-1&app_id=" APP_ID "&grant_type=refresh_token");
    CHECK_STR(th_header(&s, "secret_key", v, sizeof v), APP_SECRET);
    CHECK_STR(th_header(&s, "Content-Type", v, sizeof v), "application/x-www-form-urlencoded");
    CHECK_STR(kv(ZALO_KV_ACCESS), "ACCESS-2");
    CHECK_STR(kv(ZALO_KV_REFRESH), "REFRESH-2");
    snprintf(want, sizeof want, "%lld", (long long)(NOW + 61 * 60000LL + 90000 * 1000LL));
    CHECK_STR(kv(ZALO_KV_EXPIRES), want);
    /* Fresh now: no second request. */
    CHECK_STR(get(t, NOW + 62 * 60000LL, HD_OK), "ACCESS-2");
    CHECK_INT(th_count(&srv), 1);

    /* Zalo rejects ACCESS-2: the next refresh spends REFRESH-2, never REFRESH-1. */
    push_pair("ACCESS-3", "REFRESH-3", "90000", 0);
    CHECK_INT(zalo_token_refresh(t, "ACCESS-2", NOW + 2 * HOUR, v, sizeof v, NULL, 0), HD_OK);
    CHECK_STR(v, "ACCESS-3");
    CHECK_INT(th_count(&srv), 2);
    CHECK_STR(th_get(&srv, 1).body, "refresh_token=REFRESH-2&app_id=" APP_ID
                                    "&grant_type=refresh_token");
    CHECK_STR(kv(ZALO_KV_REFRESH), "REFRESH-3");
    /* A rejection of a token already replaced does not refresh again. */
    CHECK_INT(zalo_token_refresh(t, "ACCESS-2", NOW + 2 * HOUR, v, sizeof v, NULL, 0), HD_OK);
    CHECK_STR(v, "ACCESS-3");
    CHECK_INT(th_count(&srv), 2);
    zalo_token_free(t);

    /* After a restart the stored pair wins over the settings. */
    t = mk("SEED-A", "REFRESH-1", HD_OK);
    push_pair("ACCESS-4", "REFRESH-4", "90000", 0);
    CHECK_INT(zalo_token_refresh(t, "ACCESS-3", NOW + 3 * HOUR, v, sizeof v, NULL, 0), HD_OK);
    CHECK_STR(th_get(&srv, 2).body, "refresh_token=REFRESH-3&app_id=" APP_ID
                                    "&grant_type=refresh_token");
    zalo_token_free(t);
    teardown();
}

static void test_refresh_failure_keeps_old_pair(void)
{
    zalo_token *t;
    char v[256];

    setup("fail");
    put_pair("ACCESS-1", "REFRESH-1", NOW + 30 * 60000LL);
    t = mk(NULL, NULL, HD_OK);
    /* Refused: the old pair stays, and the old token (still valid) is used. */
    th_push(&srv, 200, NULL, "{\"error\":-14014,\"message\":\"Invalid refresh token\"}", 0, 0);
    CHECK_STR(get(t, NOW, HD_OK), "ACCESS-1");
    CHECK_INT(th_count(&srv), 1);
    CHECK_STR(kv(ZALO_KV_ACCESS), "ACCESS-1");
    CHECK_STR(kv(ZALO_KV_REFRESH), "REFRESH-1");
    /* Backoff: the next get within 30 s does not ask again. */
    CHECK_STR(get(t, NOW + 10000, HD_OK), "ACCESS-1");
    CHECK_INT(th_count(&srv), 1);
    /* Server error, then a timeout: same. */
    th_push(&srv, 503, "Retry-After: 7\r\n", "busy", 0, 0);
    CHECK_STR(get(t, NOW + 31000, HD_OK), "ACCESS-1");
    th_push(&srv, 200, NULL, "{}", 0, 1300);         /* beyond the 1 s timeout */
    CHECK_STR(get(t, NOW + 62000, HD_OK), "ACCESS-1");
    CHECK_INT(th_count(&srv), 3);
    /* An answer that is not a pair. */
    th_push(&srv, 200, NULL, "<html>maintenance</html>", 0, 0);
    CHECK_STR(get(t, NOW + 93000, HD_OK), "ACCESS-1");
    CHECK_STR(kv(ZALO_KV_REFRESH), "REFRESH-1");
    /* Forced refresh failing: an error, no token. */
    th_push(&srv, 200, NULL, "{\"error\":-14014}", 0, 0);
    CHECK_INT(zalo_token_refresh(t, "ACCESS-1", NOW + 124000, v, sizeof v, NULL, 0), HD_EAUTH);
    CHECK_STR(kv(ZALO_KV_ACCESS), "ACCESS-1");
    /* Expired and the refresh fails: no token is handed out. */
    th_push(&srv, 200, NULL, "{\"error\":-14014}", 0, 0);
    get(t, NOW + 31 * 60000LL, HD_EAUTH);
    CHECK_INT(th_count(&srv), 6);
    /* Then it works again: the old refresh token is the one sent. */
    push_pair("ACCESS-2", "REFRESH-2", "90000", 0);
    CHECK_STR(get(t, NOW + 40 * 60000LL, HD_OK), "ACCESS-2");
    CHECK_STR(th_get(&srv, 6).body, "refresh_token=REFRESH-1&app_id=" APP_ID
                                    "&grant_type=refresh_token");
    zalo_token_free(t);
    teardown();
}

static void test_commit_before_use(void)
{
    zalo_token *t;

    setup("commit");
    put_pair("ACCESS-1", "REFRESH-1", NOW + 10 * 60000LL);
    t = mk(NULL, NULL, HD_OK);
    /* The store refuses the new pair: the new token is not handed out, and
     * neither is the old one (its refresh token is spent). */
    fail_put = 1;
    push_pair("ACCESS-2", "REFRESH-2", "90000", 0);
    get(t, NOW, HD_EDB);
    CHECK_STR(kv(ZALO_KV_REFRESH), "REFRESH-1");
    get(t, NOW + 1000, HD_EDB);
    CHECK_INT(th_count(&srv), 1);
    /* The store is back: the pending pair is committed, then used, with no
     * second request (REFRESH-1 must not be spent twice). */
    fail_put = 0;
    CHECK_STR(get(t, NOW + 2000, HD_OK), "ACCESS-2");
    CHECK_STR(kv(ZALO_KV_ACCESS), "ACCESS-2");
    CHECK_STR(kv(ZALO_KV_REFRESH), "REFRESH-2");
    CHECK_INT(th_count(&srv), 1);
    zalo_token_free(t);
    teardown();
}

typedef struct racer { zalo_token *t; char tok[ZALO_TOKEN_MAX]; int rc; } racer;

static void *race(void *ud)
{
    racer *r = ud;
    r->rc = zalo_token_refresh(r->t, "ACCESS-1", NOW, r->tok, sizeof r->tok, NULL, 0);
    return NULL;
}

static void test_concurrent_refresh_once(void)
{
    zalo_token *t;
    racer r[4];
    pthread_t th[4];

    setup("race");
    put_pair("ACCESS-1", "REFRESH-1", NOW + 10 * HOUR);
    t = mk(NULL, NULL, HD_OK);
    /* Slow answer, so that the other threads arrive while it is running. */
    push_pair("ACCESS-2", "REFRESH-2", "90000", 300);
    push_pair("ACCESS-X", "REFRESH-X", "90000", 0);
    for (int i = 0; i < 4; i++) {
        r[i].t = t;
        r[i].rc = -100;
        pthread_create(&th[i], NULL, race, &r[i]);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        CHECK_INT(r[i].rc, HD_OK);
        CHECK_STR(r[i].tok, "ACCESS-2");
    }
    CHECK_INT(th_count(&srv), 1);
    CHECK_STR(kv(ZALO_KV_REFRESH), "REFRESH-2");
    zalo_token_free(t);
    teardown();
}

/* Through the adapter: on -216 the new pair is committed before the resend. */
static void test_adapter_stores_before_resend(void)
{
    zalo_token *t;
    chan_adapter *a = NULL;
    char err[256] = "", v[256];
    zalo_cfg c = { .app_id = APP_ID, .oa_secret = "oas", .app_secret = APP_SECRET,
                   .api_base = base, .timeout_ms = 1000 };
    chan_outbound m = { 7, "6142494823000000001", "xin chao", 8 };
    chan_send_result res;

    setup("adapter");
    /* send() reads the real clock: an unknown expiry keeps the margin out. */
    put_pair("ACCESS-1", "REFRESH-1", 0);
    t = mk(NULL, NULL, HD_OK);
    CHECK_INT(zalo_adapter_new(&c, t, &a, err, sizeof err), HD_OK);
    th_push(&srv, 200, NULL, "{\"error\":-220,\"message\":\"expired\"}", 0, 0);
    push_pair("ACCESS-2", "REFRESH-2", "90000", 0);
    th_push(&srv, 200, NULL, "{\"error\":0,\"data\":{\"message_id\":\"z9\"}}", 0, 0);
    CHECK_INT(a->send(a, &m, &res), HD_OK);
    CHECK_INT(res.status, CHAN_SENT);
    CHECK_STR(res.provider_id, "z9");
    CHECK_INT(th_count(&srv), 3);
    /* One write, made after the refresh answer (2 requests) and before the
     * resend (the 3rd). */
    CHECK_INT(nputs, 1);
    CHECK_INT(puts_seen_at[0], 2);
    CHECK_STR(th_header((th_seen[]){ th_get(&srv, 2) }, "access_token", v, sizeof v), "ACCESS-2");
    CHECK_STR(kv(ZALO_KV_REFRESH), "REFRESH-2");
    a->destroy(a);
    zalo_token_free(t);
    teardown();
}

static void test_parse_answer(void)
{
    char a[64], r[64], err[128];
    int64_t e;
    static const char num[] = "{\"access_token\":\"A\",\"refresh_token\":\"R\",\"expires_in\":90000}";
    static const char str[] = "{\"access_token\":\"A\",\"refresh_token\":\"R\",\"expires_in\":\"3600\"}";
    static const char none[] = "{\"access_token\":\"A\",\"refresh_token\":\"R\"}";
    static const char errobj[] = "{\"error\":-14014,\"message\":\"Invalid refresh token\"}";
    static const char half[] = "{\"access_token\":\"A\"}";
    static const char longtok[] = "{\"access_token\":\"0123456789012345678901234567890123456789"
                                  "0123456789012345678901234567890123456789\",\"refresh_token\":\"R\"}";

    CHECK_INT(zalo_token_parse_answer(num, sizeof num - 1, a, sizeof a, r, sizeof r, &e, err, sizeof err), HD_OK);
    CHECK_STR(a, "A");
    CHECK_STR(r, "R");
    CHECK_INT(e, 90000);
    CHECK_INT(zalo_token_parse_answer(str, sizeof str - 1, a, sizeof a, r, sizeof r, &e, err, sizeof err), HD_OK);
    CHECK_INT(e, 3600);
    CHECK_INT(zalo_token_parse_answer(none, sizeof none - 1, a, sizeof a, r, sizeof r, &e, err, sizeof err), HD_OK);
    CHECK_INT(e, 0);
    CHECK_INT(zalo_token_parse_answer(errobj, sizeof errobj - 1, a, sizeof a, r, sizeof r, &e, err, sizeof err), HD_EAUTH);
    CHECK_MSG(strstr(err, "-14014") != NULL, "%s", err);
    CHECK_INT(zalo_token_parse_answer(half, sizeof half - 1, a, sizeof a, r, sizeof r, &e, err, sizeof err), HD_EPARSE);
    CHECK_INT(zalo_token_parse_answer("{", 1, a, sizeof a, r, sizeof r, &e, err, sizeof err), HD_EPARSE);
    CHECK_INT(zalo_token_parse_answer(longtok, sizeof longtok - 1, a, sizeof a, r, sizeof r, &e, err, sizeof err), HD_ETOOBIG);
}

TEST_MAIN(T(test_seed_only_when_empty), T(test_refresh_within_margin_and_rotation),
          T(test_refresh_failure_keeps_old_pair), T(test_commit_before_use),
          T(test_concurrent_refresh_once), T(test_adapter_stores_before_resend),
          T(test_parse_answer))
