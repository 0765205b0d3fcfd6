/* reports.c -- the reads behind the campaign reports (include/store/reports.h).
 *
 * Each figure is one statement whose rows all have the same columns:
 *   commune, province, intent, resolution, n, created_at, resolved_at
 * (NULL where a figure has no such thing), so one loop turns any of them
 * into hits. The counting stays in SQL (GROUP BY) so that a national day of
 * traffic costs a few hundred rows, not one row per message. */
#include "store/reports.h"
#include "store_internal.h"
#include "core/err.h"

#include <string.h>

/* Per contact, the case that tells its place when the contact has no
 * commune of its own: the latest case that names a commune, else the latest
 * case (whose province is known even when its commune is not). Computed once
 * per statement over all cases: `cases` has no index by contact (only the
 * partial one of active cases), so a correlated subquery would rescan it for
 * every contact. */
#define LAST_CASE                                                                   \
    "lc AS (SELECT contact_id, commune_code, province_code FROM ("                  \
    " SELECT contact_id, commune_code, province_code, row_number() OVER ("          \
    "  PARTITION BY contact_id ORDER BY commune_code IS NULL, created_at DESC, id DESC" \
    " ) AS rn FROM cases) WHERE rn = 1)"

/* The place of each contact of `subj` (which has a contact_id column). */
#define PLACE(cols)                                                                 \
    "pl AS (SELECT " cols " COALESCE(ct.commune_code, lc.commune_code) AS commune," \
    " CASE WHEN ct.commune_code IS NOT NULL THEN cm.province_code"                  \
    "  ELSE lc.province_code END AS province"                                      \
    " FROM subj s JOIN contacts ct ON ct.id = s.contact_id"                         \
    " LEFT JOIN communes cm ON cm.code = ct.commune_code"                           \
    " LEFT JOIN lc ON lc.contact_id = s.contact_id)"

/* ?1 from, ?2 to, ?3 province or NULL, ?4 as_of, ?5 local offset in ms. A place outside the
 * province (unknown ones included) is left out when ?3 is set. */
#define IN_SCOPE(col) " (?3 IS NULL OR " col " = ?3)"

/* subj: contact_id and n, the contact's count. */
#define BY_CONTACT(subj)                                                            \
    "WITH " LAST_CASE ", subj AS (" subj "), " PLACE("s.n AS n,")                   \
    " SELECT commune, province, NULL, NULL, sum(n), NULL, NULL FROM pl"            \
    " WHERE" IN_SCOPE("province") " GROUP BY commune, province"

/* A conversation is a contact's local day with an inbound message (?5 =
 * the offset in ms): a week counts a citizen who wrote on three days three
 * times, so that a week is the sum of its days. */
static const char SQL_CONVERSATIONS[] =
    BY_CONTACT("SELECT contact_id, count(DISTINCT (created_at + ?5) / 86400000) AS n"
               " FROM messages WHERE dir = 'in' AND created_at >= ?1 AND created_at < ?2"
               " GROUP BY contact_id");
static const char SQL_ACTIVATIONS[] =
    BY_CONTACT("SELECT id AS contact_id, 1 AS n FROM contacts"
               " WHERE activated_at >= ?1 AND activated_at < ?2");
static const char SQL_OPT_OUTS[] =
    BY_CONTACT("SELECT id AS contact_id, 1 AS n FROM contacts"
               " WHERE opted_out_at >= ?1 AND opted_out_at < ?2");
static const char SQL_HELP[] =
    "WITH " LAST_CASE ", subj AS ("
    " SELECT contact_id, intent, resolution, count(*) AS n FROM help_requests"
    " WHERE created_at >= ?1 AND created_at < ?2 GROUP BY contact_id, intent, resolution), "
    PLACE("s.intent AS intent, s.resolution AS resolution, s.n AS n,")
    " SELECT commune, province, intent, resolution, sum(n), NULL, NULL FROM pl"
    " WHERE" IN_SCOPE("province") " GROUP BY commune, province, intent, resolution";

static const char SQL_CASES_OPENED[] =
    "SELECT commune_code, province_code, NULL, NULL, count(*), NULL, NULL FROM cases"
    " WHERE created_at >= ?1 AND created_at < ?2 AND" IN_SCOPE("province_code")
    " GROUP BY commune_code, province_code";
static const char SQL_CASES_RESOLVED[] =
    "SELECT commune_code, province_code, NULL, NULL, 1, created_at, resolved_at FROM cases"
    " WHERE resolved_at >= ?1 AND resolved_at < ?2 AND" IN_SCOPE("province_code");
/* Open or claimed at ?4: created before, neither resolved nor closed yet
 * (a case never reopens, so the times alone tell its state then). */
static const char SQL_CASES_OPEN[] =
    "SELECT commune_code, province_code, NULL, NULL, 1, created_at, NULL FROM cases"
    " WHERE created_at < ?4 AND (resolved_at IS NULL OR resolved_at >= ?4)"
    " AND (closed_at IS NULL OR closed_at >= ?4) AND" IN_SCOPE("province_code");

static const char SQL_PROVINCE_NAME[] =
    "SELECT province_name FROM communes WHERE province_code = ?1 LIMIT 1";

static const struct {
    const char       *sql;
    store_report_kind kind;
} figures[] = {
    { SQL_CONVERSATIONS,  STORE_REPORT_CONVERSATIONS },
    { SQL_HELP,           STORE_REPORT_HELP },
    { SQL_CASES_OPENED,   STORE_REPORT_CASES_OPENED },
    { SQL_CASES_RESOLVED, STORE_REPORT_CASE_RESOLVED },
    { SQL_CASES_OPEN,     STORE_REPORT_CASE_OPEN },
    { SQL_ACTIVATIONS,    STORE_REPORT_ACTIVATIONS },
    { SQL_OPT_OUTS,       STORE_REPORT_OPT_OUTS },
};

/* Binds ?1..?5 up to the highest the statement names (binding a lower
 * number it does not use is harmless; one above it is an error). */
static int bind_query(sqlite3_stmt *st, const store_report_query *q)
{
    int n = sqlite3_bind_parameter_count(st), rc = HD_OK;

    if (n >= 1)
        rc = store_dberr(sqlite3_bind_int64(st, 1, q->from_ms));
    if (!rc && n >= 2)
        rc = store_dberr(sqlite3_bind_int64(st, 2, q->to_ms));
    if (!rc && n >= 3)
        rc = store_bind_text(st, 3, q->province_code);
    if (!rc && n >= 4)
        rc = store_dberr(sqlite3_bind_int64(st, 4, q->as_of_ms));
    if (!rc && n >= 5)
        rc = store_dberr(sqlite3_bind_int64(st, 5, (int64_t)q->tz_offset_min * 60000));
    return rc;
}

static int scan_one(store *s, const char *sql, store_report_kind kind,
                    const store_report_query *q, store_report_cb cb, void *ctx)
{
    sqlite3_stmt *st = NULL;
    int rc, src;

    if ((rc = store_stmt(s, sql, &st)))
        return rc;
    if ((rc = bind_query(st, q)))
        goto out;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        store_report_hit h = {
            .kind = kind,
            .commune_code = (const char *)sqlite3_column_text(st, 0),
            .province_code = (const char *)sqlite3_column_text(st, 1),
            .intent = (const char *)sqlite3_column_text(st, 2),
            .resolution = (const char *)sqlite3_column_text(st, 3),
            .n = sqlite3_column_int64(st, 4),
            .created_at = sqlite3_column_int64(st, 5),
            .resolved_at = sqlite3_column_int64(st, 6),
        };
        if ((rc = cb(ctx, &h)))
            goto out;
    }
    rc = store_dberr(src);
out:
    sqlite3_reset(st);
    return rc;
}

int store_report_scan(store *s, const store_report_query *q, store_report_cb cb, void *ctx)
{
    int rc = HD_OK, own;

    if (!s || !q || !cb || q->to_ms <= q->from_ms || q->from_ms + q->tz_offset_min * 60000LL < 0)
        return HD_EINVAL;
    own = sqlite3_get_autocommit(s->db) != 0;
    /* A deferred BEGIN: a report only reads and must not take the write
     * lock (store_begin's IMMEDIATE would). Not cached: a report is rare and
     * the statement cache is shared by every table family. */
    if (own && (rc = store_dberr(sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL))))
        return rc;
    for (size_t i = 0; !rc && i < sizeof figures / sizeof figures[0]; i++)
        rc = scan_one(s, figures[i].sql, figures[i].kind, q, cb, ctx);
    if (own) {
        /* Read-only: ending it cannot lose anything, a failed end is rolled back. */
        int end = store_commit(s);
        if (end && !sqlite3_get_autocommit(s->db))
            store_rollback(s);
        if (!rc)
            rc = end;
    }
    return rc;
}

int store_report_province_name(store *s, const char *code, char *name, size_t cap)
{
    sqlite3_stmt *st = NULL;
    int rc, src;

    if (name && cap)
        name[0] = '\0';
    if (!s || !code || !name || !cap)
        return HD_EINVAL;
    if ((rc = store_stmt(s, SQL_PROVINCE_NAME, &st)))
        return rc;
    if ((rc = store_bind_text(st, 1, code)))
        goto out;
    src = sqlite3_step(st);
    if (src != SQLITE_ROW) {
        rc = src == SQLITE_DONE ? HD_ENOTFOUND : store_dberr(src);
        goto out;
    }
    rc = store_col_text(st, 0, name, cap);
out:
    sqlite3_reset(st);
    return rc;
}
