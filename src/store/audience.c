/* audience.c -- the contacts an audience selects, and a broadcast's list of
 * them (broadcasts.h).
 *
 * One WHERE for the count and the list, with every choice bound as a value,
 * so that there is one cached statement each and nothing is formatted into
 * SQL. Listing walks contacts by id (the rowid) from the cursor; the other
 * terms are checked row by row, which costs one pass over the contacts for a
 * whole broadcast. Segments (issue 5):
 *   all            every contact (opted-out ones too: they are skipped, and
 *                  counted, with their reason)
 *   not_activated  no confirmed activation, and on a police list or having
 *                  asked for help
 *   intent:<id>    asked about that intent (a help request of it) */
#include "store/broadcasts.h"
#include "store_internal.h"
#include "core/err.h"

#include <stdio.h>
#include <string.h>

#define AUDIENCE_WHERE \
    " (?2 = 0 OR c.created_at <= ?2)" \
    " AND (?3 = '' OR c.commune_code IN (SELECT code FROM communes WHERE province_code = ?3))" \
    " AND (?4 IS NULL OR c.commune_code IN (SELECT value FROM json_each(?4)))" \
    " AND (?5 = 'all'" \
    "  OR (?5 = 'not_activated' AND c.activated_at IS NULL AND (c.listed_not_activated = 1" \
    "      OR EXISTS (SELECT 1 FROM help_requests h WHERE h.contact_id = c.id)))" \
    "  OR (substr(?5, 1, 7) = 'intent:' AND EXISTS (SELECT 1 FROM help_requests h" \
    "      WHERE h.contact_id = c.id AND h.intent = substr(?5, 8))))"

/* ?1 (the cursor of pages) is bound as 0 here too: one binder for both. */
static const char SQL_COUNT[] =
    "SELECT COUNT(*) FROM contacts c WHERE ?1 = 0 AND" AUDIENCE_WHERE;
static const char SQL_LIST[] =
    "INSERT OR IGNORE INTO broadcast_audience (broadcast_id, contact_id)"
    " SELECT ?6, c.id FROM contacts c WHERE c.id > ?1 AND" AUDIENCE_WHERE
    " ORDER BY c.id LIMIT ?7";
static const char SQL_LIST_LAST[] =
    "SELECT COALESCE(MAX(contact_id), 0), COUNT(*) FROM broadcast_audience WHERE broadcast_id = ?1";
/* The list in contact order, without those planned already. */
static const char SQL_PAGE[] =
    "SELECT c.id, c.channel, c.address, COALESCE(c.phone, ''), c.opted_out,"
    " COALESCE(c.last_inbound_at, 0) FROM broadcast_audience l JOIN contacts c ON c.id = l.contact_id"
    " WHERE l.broadcast_id = ?1 AND l.contact_id > ?2"
    " AND NOT EXISTS (SELECT 1 FROM broadcast_recipients r"
    "      WHERE r.broadcast_id = ?1 AND r.contact_id = l.contact_id)"
    " ORDER BY l.contact_id LIMIT ?3";

static const char SQL_PROVINCE[] = "SELECT 1 FROM communes WHERE province_code = ?1 LIMIT 1";

static int bind_audience(sqlite3_stmt *st, const store_audience *a, int64_t after_id)
{
    char communes[BROADCAST_COMMUNES_MAX * (STORE_COMMUNE_CODE_MAX + 3) + 4];
    size_t n = 0;
    int rc;

    if (a->ncommunes < 0 || a->ncommunes > BROADCAST_COMMUNES_MAX || !a->segment[0])
        return HD_EINVAL;
    for (int i = 0; i < a->ncommunes; i++) {
        if (!a->communes[i][0] || strspn(a->communes[i], "0123456789") != strlen(a->communes[i]))
            return HD_EINVAL;
        n += (size_t)snprintf(communes + n, sizeof communes - n, "%s\"%s\"", i ? "," : "[",
                              a->communes[i]);
    }
    if (n)
        snprintf(communes + n, sizeof communes - n, "]");
    if ((rc = store_dberr(sqlite3_bind_int64(st, 1, after_id))) ||
        (rc = store_dberr(sqlite3_bind_int64(st, 2, a->created_before > 0 ? a->created_before
                                                                           : 0))) ||
        (rc = store_bind_text(st, 3, a->province)) ||
        (rc = store_dberr(n ? sqlite3_bind_text(st, 4, communes, -1, SQLITE_TRANSIENT)
                            : sqlite3_bind_null(st, 4))) ||
        (rc = store_bind_text(st, 5, a->segment)))
        return rc;
    return HD_OK;
}

int store_audience_count(store *s, const store_audience *a, int64_t *n)
{
    sqlite3_stmt *st = NULL;
    int rc, src;

    if (!s || !a || !n)
        return HD_EINVAL;
    *n = 0;
    if ((rc = store_stmt(s, SQL_COUNT, &st)))
        return rc;
    if ((rc = bind_audience(st, a, 0)))
        goto out;
    src = sqlite3_step(st);
    if (src == SQLITE_ROW)
        *n = sqlite3_column_int64(st, 0);
    rc = src == SQLITE_ROW ? HD_OK : src == SQLITE_DONE ? HD_EDB : store_dberr(src);
out:
    sqlite3_reset(st);
    return rc;
}

int store_audience_list(store *s, const store_audience *a, int64_t broadcast_id,
                        int64_t after_id, int max, int *added, int64_t *last_id,
                        int64_t *listed)
{
    sqlite3_stmt *st = NULL;
    int rc, src;

    if (added)
        *added = 0;
    if (!s || !a || broadcast_id <= 0 || after_id < 0 || max <= 0 || !added || !last_id ||
        !listed)
        return HD_EINVAL;
    if ((rc = store_stmt(s, SQL_LIST, &st)))
        return rc;
    if ((rc = bind_audience(st, a, after_id)) ||
        (rc = store_dberr(sqlite3_bind_int64(st, 6, broadcast_id))) ||
        (rc = store_dberr(sqlite3_bind_int(st, 7, max))) ||
        (rc = store_step_done(st, NULL)))
        goto out;
    *added = sqlite3_changes(s->db);
    if ((rc = store_stmt(s, SQL_LIST_LAST, &st)))
        goto out;
    if ((rc = store_dberr(sqlite3_bind_int64(st, 1, broadcast_id))))
        goto out;
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        *last_id = sqlite3_column_int64(st, 0);
        *listed = sqlite3_column_int64(st, 1);
    }
    rc = src == SQLITE_ROW ? HD_OK : src == SQLITE_DONE ? HD_EDB : store_dberr(src);
out:
    sqlite3_reset(st);
    return rc;
}

int store_audience_page(store *s, int64_t broadcast_id, int64_t after_id,
                        store_audience_contact *rows, int max, int *n)
{
    sqlite3_stmt *st = NULL;
    int rc, src = SQLITE_DONE;

    if (n)
        *n = 0;
    if (!s || broadcast_id <= 0 || after_id < 0 || !rows || max <= 0 || !n)
        return HD_EINVAL;
    if ((rc = store_stmt(s, SQL_PAGE, &st)))
        return rc;
    if ((rc = store_dberr(sqlite3_bind_int64(st, 1, broadcast_id))) ||
        (rc = store_dberr(sqlite3_bind_int64(st, 2, after_id))) ||
        (rc = store_dberr(sqlite3_bind_int(st, 3, max))))
        goto out;
    while (*n < max && (src = sqlite3_step(st)) == SQLITE_ROW) {
        store_audience_contact *c = &rows[*n];
        memset(c, 0, sizeof *c);
        c->id = sqlite3_column_int64(st, 0);
        /* A value that does not fit is not one the planner could use:
         * kept empty, the contact is skipped as having no channel. */
        if (store_col_text(st, 1, c->channel, sizeof c->channel) ||
            store_col_text(st, 2, c->address, sizeof c->address))
            c->channel[0] = c->address[0] = '\0';
        if (store_col_text(st, 3, c->phone, sizeof c->phone))
            c->phone[0] = '\0';
        c->opted_out = sqlite3_column_int(st, 4) != 0;
        c->last_inbound_at = sqlite3_column_int64(st, 5);
        (*n)++;
    }
    rc = store_dberr(src);
out:
    sqlite3_reset(st);
    return rc;
}

int store_province_exists(store *s, const char *province, int *exists)
{
    sqlite3_stmt *st = NULL;
    int rc, src;

    if (!s || !province || !exists)
        return HD_EINVAL;
    *exists = 0;
    if ((rc = store_stmt(s, SQL_PROVINCE, &st)))
        return rc;
    if ((rc = store_bind_text(st, 1, province)))
        goto out;
    src = sqlite3_step(st);
    *exists = src == SQLITE_ROW;
    rc = store_dberr(src);
out:
    sqlite3_reset(st);
    return rc;
}
