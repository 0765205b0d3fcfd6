/* kv.c -- small durable values the program keeps for itself. */
#include "store/kv.h"
#include "store_internal.h"
#include "core/err.h"

#include <string.h>

/* Keys are names chosen in the code ("zalo.refresh_token"), never input. */
#define KV_KEY_MAX 128

static const char SQL_GET[] = "SELECT value, updated_at FROM kv WHERE key = ?1";
static const char SQL_PUT[] =
    "INSERT INTO kv (key, value, updated_at) VALUES (?1, ?2, ?3)"
    " ON CONFLICT (key) DO UPDATE SET value = excluded.value,"
    " updated_at = excluded.updated_at";

int store_kv_get(store *s, const char *key, char *value, size_t cap, int64_t *updated_at)
{
    sqlite3_stmt *st = NULL;
    int rc, src;

    if (value && cap)
        value[0] = '\0';
    if (updated_at)
        *updated_at = 0;
    if (!s || !value || cap == 0)
        return HD_EINVAL;
    if ((rc = store_check_str(key, KV_KEY_MAX)))
        return rc;

    if ((rc = store_stmt(s, SQL_GET, &st)))
        goto out;
    if ((rc = store_bind_text(st, 1, key)))
        goto out;
    src = sqlite3_step(st);
    if (src != SQLITE_ROW) {
        rc = src == SQLITE_DONE ? HD_ENOTFOUND : store_dberr(src);
        goto out;
    }
    /* HD_ETOOBIG when cap is too small: a cut token is a wrong token. */
    if ((rc = store_col_text(st, 0, value, cap)))
        goto out;
    if (updated_at)
        *updated_at = sqlite3_column_int64(st, 1);
out:
    sqlite3_reset(st);
    return rc;
}

int store_kv_put(store *s, const char *key, const char *value, int64_t now_ms)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (!s || !value || now_ms < 0)
        return HD_EINVAL;
    if ((rc = store_check_str(key, KV_KEY_MAX)))
        return rc;
    /* What store_kv_get() can hand back into a STORE_KV_VALUE_MAX buffer. */
    if (strnlen(value, STORE_KV_VALUE_MAX) >= STORE_KV_VALUE_MAX)
        return HD_ETOOBIG;

    if ((rc = store_stmt(s, SQL_PUT, &st)))
        goto out;
    if ((rc = store_bind_text(st, 1, key)) ||
        (rc = store_bind_text(st, 2, value)) ||
        (rc = store_dberr(sqlite3_bind_int64(st, 3, now_ms))))
        goto out;
    rc = store_step_done(st, NULL);
out:
    sqlite3_reset(st);
    return rc;
}
