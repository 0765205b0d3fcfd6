/* stats.c -- counts for monitoring, one indexed query each. */
#include "store/stats.h"
#include "store_internal.h"
#include "core/err.h"

/* cases_status (status, created_at) answers both counts from the index. */
static const char SQL_CASE_COUNTS[] =
    "SELECT count(*), coalesce(sum(created_at < ?1), 0) FROM cases"
    " WHERE status IN ('open', 'claimed')";

int store_case_counts(store *s, int64_t overdue_before_ms, int64_t *active, int64_t *overdue)
{
    sqlite3_stmt *st = NULL;
    int rc, src;

    if (active)
        *active = 0;
    if (overdue)
        *overdue = 0;
    if (!s || !active || !overdue)
        return HD_EINVAL;
    if ((rc = store_stmt(s, SQL_CASE_COUNTS, &st)))
        return rc;
    if ((rc = store_dberr(sqlite3_bind_int64(st, 1, overdue_before_ms))))
        goto out;
    src = sqlite3_step(st);
    if (src != SQLITE_ROW) {
        rc = src == SQLITE_DONE ? HD_EDB : store_dberr(src);
        goto out;
    }
    *active = sqlite3_column_int64(st, 0);
    *overdue = sqlite3_column_int64(st, 1);
out:
    sqlite3_reset(st);
    return rc;
}
