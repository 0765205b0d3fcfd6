/* test_store_kv.c -- the small key-value table of the store. */
#include "test.h"
#include "core/err.h"
#include "store/store.h"
#include "store/kv.h"

static const char *db_path(const char *name)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s.db", test_tmpdir(), name);
    return path;
}

static store *open_ok(const char *path)
{
    char err[256] = "";
    store *s = NULL;
    int rc = store_open(path, &s, err, sizeof err);
    CHECK_MSG(rc == HD_OK, "store_open(%s) = %d: %s", path, rc, err);
    return s;
}

static void round_trip_and_overwrite(void)
{
    const char *p = db_path("kv");
    store *s = open_ok(p);
    char v[STORE_KV_VALUE_MAX];
    int64_t at = -1;

    CHECK_INT(store_kv_put(s, "zalo.access_token", "tok-1", 1000), HD_OK);
    CHECK_INT(store_kv_put(s, "zalo.refresh_token", "ref-1", 1000), HD_OK);
    CHECK_INT(store_kv_get(s, "zalo.access_token", v, sizeof v, &at), HD_OK);
    CHECK_STR(v, "tok-1");
    CHECK_INT(at, 1000);

    /* Overwritten in place; the other key untouched. */
    CHECK_INT(store_kv_put(s, "zalo.access_token", "tok-2", 2000), HD_OK);
    CHECK_INT(store_kv_get(s, "zalo.access_token", v, sizeof v, &at), HD_OK);
    CHECK_STR(v, "tok-2");
    CHECK_INT(at, 2000);
    CHECK_INT(store_kv_get(s, "zalo.refresh_token", v, sizeof v, NULL), HD_OK);
    CHECK_STR(v, "ref-1");
    store_close(s);

    /* Durable: a restart reads the latest pair. */
    s = open_ok(p);
    CHECK_INT(store_kv_get(s, "zalo.access_token", v, sizeof v, &at), HD_OK);
    CHECK_STR(v, "tok-2");
    CHECK_INT(at, 2000);
    CHECK_INT(store_kv_put(s, "cursor", "", 3000), HD_OK);     /* empty is a value */
    CHECK_INT(store_kv_get(s, "cursor", v, sizeof v, &at), HD_OK);
    CHECK_STR(v, "");
    CHECK_INT(at, 3000);
    CHECK_INT(store_kv_put(s, "note", "Đã gửi tin nhắn", 3000), HD_OK);
    CHECK_INT(store_kv_get(s, "note", v, sizeof v, NULL), HD_OK);
    CHECK_STR(v, "Đã gửi tin nhắn");
    store_close(s);
}

static void missing_key(void)
{
    store *s = open_ok(db_path("missing"));
    char v[32] = "old";
    int64_t at = 77;

    CHECK_INT(store_kv_get(s, "nothing", v, sizeof v, &at), HD_ENOTFOUND);
    CHECK_STR(v, "");
    CHECK_INT(at, 0);
    CHECK_INT(store_kv_put(s, "Nothing", "x", 1000), HD_OK);   /* keys are exact */
    CHECK_INT(store_kv_get(s, "nothing", v, sizeof v, &at), HD_ENOTFOUND);
    store_close(s);
}

static void too_long(void)
{
    store *s = open_ok(db_path("long"));
    static char big[STORE_KV_VALUE_MAX + 1], v[STORE_KV_VALUE_MAX], key[300];
    char small[8];

    memset(big, 'v', STORE_KV_VALUE_MAX);
    CHECK_INT(store_kv_put(s, "k", big, 1000), HD_ETOOBIG);
    CHECK_INT(store_kv_get(s, "k", v, sizeof v, NULL), HD_ENOTFOUND);
    big[STORE_KV_VALUE_MAX - 1] = '\0';       /* the longest that fits */
    CHECK_INT(store_kv_put(s, "k", big, 1000), HD_OK);
    CHECK_INT(store_kv_get(s, "k", v, sizeof v, NULL), HD_OK);
    CHECK_INT(strlen(v), STORE_KV_VALUE_MAX - 1);
    CHECK_STR(v, big);
    /* A buffer too small gets nothing rather than a cut token. */
    CHECK_INT(store_kv_get(s, "k", small, sizeof small, NULL), HD_ETOOBIG);
    CHECK_STR(small, "");
    /* A refused overwrite keeps the old value. */
    big[STORE_KV_VALUE_MAX - 1] = 'v';
    CHECK_INT(store_kv_put(s, "k", big, 2000), HD_ETOOBIG);
    CHECK_INT(store_kv_get(s, "k", v, sizeof v, NULL), HD_OK);
    CHECK_INT(strlen(v), STORE_KV_VALUE_MAX - 1);

    memset(key, 'k', sizeof key - 1);
    CHECK_INT(store_kv_put(s, key, "x", 1000), HD_ETOOBIG);
    store_close(s);
}

static void bad_arguments(void)
{
    store *s = open_ok(db_path("args"));
    char v[16];

    CHECK_INT(store_kv_put(s, "", "x", 1000), HD_EINVAL);
    CHECK_INT(store_kv_put(s, NULL, "x", 1000), HD_EINVAL);
    CHECK_INT(store_kv_put(s, "k", NULL, 1000), HD_EINVAL);
    CHECK_INT(store_kv_put(NULL, "k", "x", 1000), HD_EINVAL);
    CHECK_INT(store_kv_put(s, "k", "x", -1), HD_EINVAL);
    CHECK_INT(store_kv_get(s, "k", NULL, 16, NULL), HD_EINVAL);
    CHECK_INT(store_kv_get(s, "k", v, 0, NULL), HD_EINVAL);
    CHECK_INT(store_kv_get(s, NULL, v, sizeof v, NULL), HD_EINVAL);
    CHECK_INT(store_kv_get(NULL, "k", v, sizeof v, NULL), HD_EINVAL);
    store_close(s);
}

TEST_MAIN(T(round_trip_and_overwrite), T(missing_key), T(too_long), T(bad_arguments))
