/* audit.c -- the audit log: append, and read back for tests and reports. */
#include "store/audit.h"
#include "store_internal.h"
#include "core/err.h"

#include <string.h>

static const char SQL_ADD[] =
    "INSERT INTO audit_log (at, user_id, action, case_id, detail) VALUES (?1, ?2, ?3, ?4, ?5)";
static const char SQL_COUNT[] =
    "SELECT COUNT(*) FROM audit_log WHERE (?1 IS NULL OR action = ?1)"
    " AND (?2 IS NULL OR case_id = ?2)";
static const char SQL_LIST[] =
    "SELECT id, at, user_id, case_id, action, detail FROM ("
    " SELECT id, at, COALESCE(user_id, 0) AS user_id, COALESCE(case_id, 0) AS case_id,"
    " action, detail FROM audit_log WHERE (?1 IS NULL OR case_id = ?1)"
    " ORDER BY id DESC LIMIT ?2"
    ") ORDER BY id";

static int bind_id(sqlite3_stmt *st, int idx, int64_t id)
{
    return store_dberr(id ? sqlite3_bind_int64(st, idx, id) : sqlite3_bind_null(st, idx));
}

int store_audit_add(store *s, int64_t user_id, const char *action, int64_t case_id,
                    const char *detail, int64_t now_ms)
{
    sqlite3_stmt *st = NULL;
    int rc, src = SQLITE_OK;

    if (!s || user_id < 0 || case_id < 0 || now_ms < 0)
        return HD_EINVAL;
    if ((rc = store_check_str(action, AUDIT_ACTION_MAX)))
        return rc;
    if (detail && strnlen(detail, AUDIT_DETAIL_MAX) >= AUDIT_DETAIL_MAX)
        return HD_ETOOBIG;
    if ((rc = store_stmt(s, SQL_ADD, &st)))
        return rc;
    if ((rc = store_dberr(sqlite3_bind_int64(st, 1, now_ms))) ||
        (rc = bind_id(st, 2, user_id)) ||
        (rc = store_bind_text(st, 3, action)) ||
        (rc = bind_id(st, 4, case_id)) ||
        (rc = store_bind_text(st, 5, detail && *detail ? detail : NULL)))
        goto out;
    rc = store_step_done(st, &src);
    if (src == SQLITE_CONSTRAINT_FOREIGNKEY)
        rc = HD_ENOTFOUND;          /* no such user or case */
out:
    sqlite3_reset(st);
    return rc;
}

int store_audit_count(store *s, const char *action, int64_t case_id, int64_t *count)
{
    sqlite3_stmt *st = NULL;
    int rc, src;

    if (count)
        *count = 0;
    if (!s || case_id < 0 || !count)
        return HD_EINVAL;
    if ((rc = store_stmt(s, SQL_COUNT, &st)))
        return rc;
    if ((rc = store_bind_text(st, 1, action && *action ? action : NULL)) ||
        (rc = bind_id(st, 2, case_id)))
        goto out;
    src = sqlite3_step(st);
    if (src == SQLITE_ROW)
        *count = sqlite3_column_int64(st, 0);
    else
        rc = src == SQLITE_DONE ? HD_EDB : store_dberr(src);
out:
    sqlite3_reset(st);
    return rc;
}

int store_audit_list(store *s, int64_t case_id, store_audit_row *rows, int max, int *n)
{
    sqlite3_stmt *st = NULL;
    int rc, src = SQLITE_DONE, k = 0;

    if (n)
        *n = 0;
    if (!s || case_id < 0 || !rows || max <= 0 || !n)
        return HD_EINVAL;
    if ((rc = store_stmt(s, SQL_LIST, &st)))
        return rc;
    if ((rc = bind_id(st, 1, case_id)) ||
        (rc = store_dberr(sqlite3_bind_int(st, 2, max))))
        goto out;
    while (k < max && (src = sqlite3_step(st)) == SQLITE_ROW) {
        store_audit_row *r = &rows[k];
        memset(r, 0, sizeof *r);
        r->id = sqlite3_column_int64(st, 0);
        r->at = sqlite3_column_int64(st, 1);
        r->user_id = sqlite3_column_int64(st, 2);
        r->case_id = sqlite3_column_int64(st, 3);
        if ((rc = store_col_text(st, 4, r->action, sizeof r->action)) ||
            (rc = store_col_text(st, 5, r->detail, sizeof r->detail)))
            goto out;
        k++;
    }
    if (k < max)
        rc = store_dberr(src);
out:
    sqlite3_reset(st);
    if (!rc)
        *n = k;
    return rc;
}
