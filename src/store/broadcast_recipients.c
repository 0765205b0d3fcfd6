/* broadcast_recipients.c -- who a broadcast reached or skipped, its
 * counts, and taking back what missed its window (broadcasts.h). */
#include "store/broadcasts.h"
#include "store/reminders.h"
#include "campaign_int.h"
#include "core/err.h"

#include <string.h>

static const char SQL_COUNT_RCPT[] =
    "SELECT status, COALESCE(reason, ''), COUNT(*) FROM broadcast_recipients"
    " WHERE broadcast_id = ?1 GROUP BY 1, 2";
static const char SQL_COUNT_OUTBOX[] =
    "SELECT status, COUNT(*) FROM outbox WHERE broadcast_id = ?1 GROUP BY status";
static const char SQL_BACKLOG[] =
    "SELECT COUNT(*) FROM outbox WHERE broadcast_id = ?1 AND status IN ('queued', 'sending')";
static const char SQL_RCPT_ADD[] =
    "INSERT INTO broadcast_recipients (broadcast_id, contact_id, status, reason, channel,"
    " outbox_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
static const char SQL_RCPT_DEL[] =
    "DELETE FROM broadcast_recipients WHERE broadcast_id = ?1 AND contact_id = ?2"
    " AND outbox_id = ?3";
/* A cheap look at the few queued rows first (index outbox_broadcast); the
 * join below walks every recipient of the broadcast. */
static const char SQL_STALE_ANY[] =
    "SELECT 1 FROM outbox WHERE broadcast_id = ?1 AND status = 'queued' AND created_at < ?2"
    " LIMIT 1";
static const char SQL_STALE[] =
    "SELECT r.contact_id, COALESCE(m.contact_id, o.contact_id), o.id, o.created_at"
    " FROM broadcast_recipients r JOIN outbox o ON o.id = r.outbox_id"
    " LEFT JOIN messages m ON m.id = o.message_id"
    " WHERE r.broadcast_id = ?1 AND r.status = 'queued' AND o.status = 'queued'"
    " AND o.created_at < ?2 ORDER BY r.contact_id LIMIT ?3";

/* Index messages_contact: the contact's few messages since then. */
static const char SQL_GOT_TEXT[] =
    "SELECT 1 FROM messages WHERE contact_id = ?1 AND created_at >= ?2 AND dir = 'out'"
    " AND text = ?3 AND status <> 'cancelled' LIMIT 1";

int store_broadcast_counts_get(store *s, int64_t id, store_broadcast_counts *out)
{
    sqlite3_stmt *st = NULL;
    int rc, src;

    if (!s || id <= 0 || !out)
        return HD_EINVAL;
    memset(out, 0, sizeof *out);
    if ((rc = store_stmt(s, SQL_COUNT_RCPT, &st)))
        return rc;
    if ((rc = store_dberr(sqlite3_bind_int64(st, 1, id))))
        goto out;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        const char *stt = (const char *)sqlite3_column_text(st, 0);
        const char *why = (const char *)sqlite3_column_text(st, 1);
        int64_t c = sqlite3_column_int64(st, 2);
        if (stt && strcmp(stt, "queued") == 0) {
            out->queued += c;
            continue;
        }
        out->skipped += c;
        if (why && strcmp(why, "opted_out") == 0)
            out->opted_out += c;
        else if (why && strcmp(why, "daily_cap") == 0)
            out->daily_cap += c;
        else if (why && strcmp(why, "no_channel") == 0)
            out->no_channel += c;
    }
    if ((rc = store_dberr(src)))
        goto out;
    if ((rc = store_stmt(s, SQL_COUNT_OUTBOX, &st)))
        goto out;
    if ((rc = store_dberr(sqlite3_bind_int64(st, 1, id))))
        goto out;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        const char *stt = (const char *)sqlite3_column_text(st, 0);
        int64_t c = sqlite3_column_int64(st, 1);
        if (!stt)
            continue;
        if (!strcmp(stt, "sent") || !strcmp(stt, "delivered") || !strcmp(stt, "undelivered"))
            out->sent += c;
        if (!strcmp(stt, "delivered"))
            out->delivered += c;
        if (!strcmp(stt, "failed") || !strcmp(stt, "unreachable") || !strcmp(stt, "undelivered"))
            out->failed += c;
        if (!strcmp(stt, "queued") || !strcmp(stt, "sending"))
            out->waiting += c;
        if (!strcmp(stt, "held"))
            out->held += c;
        if (!strcmp(stt, "cancelled"))
            out->cancelled += c;
    }
    rc = store_dberr(src);
out:
    sqlite3_reset(st);
    return rc;
}

int store_broadcast_backlog(store *s, int64_t id, int64_t *n)
{
    sqlite3_stmt *st = NULL;
    int rc, src;

    if (!s || id <= 0 || !n)
        return HD_EINVAL;
    *n = 0;
    if ((rc = store_stmt(s, SQL_BACKLOG, &st)))
        return rc;
    if ((rc = store_dberr(sqlite3_bind_int64(st, 1, id))))
        goto out;
    src = sqlite3_step(st);
    if (src == SQLITE_ROW)
        *n = sqlite3_column_int64(st, 0);
    rc = src == SQLITE_ROW ? HD_OK : src == SQLITE_DONE ? HD_EDB : store_dberr(src);
out:
    sqlite3_reset(st);
    return rc;
}

int store_broadcast_recipient_add(store *s, int64_t broadcast_id, int64_t contact_id,
                                  const char *status, const char *reason,
                                  const char *channel, int64_t outbox_id, int64_t now_ms)
{
    sqlite3_stmt *st = NULL;
    int rc, src = SQLITE_OK, queued;

    if (!s || broadcast_id <= 0 || contact_id <= 0 || !status || outbox_id < 0)
        return HD_EINVAL;
    queued = strcmp(status, "queued") == 0;
    if (queued ? (!channel || !*channel || outbox_id == 0 || reason)
               : (strcmp(status, "skipped") != 0 || !reason))
        return HD_EINVAL;
    if ((rc = store_stmt(s, SQL_RCPT_ADD, &st)))
        return rc;
    if ((rc = store_dberr(sqlite3_bind_int64(st, 1, broadcast_id))) ||
        (rc = store_dberr(sqlite3_bind_int64(st, 2, contact_id))) ||
        (rc = store_bind_text(st, 3, status)) || (rc = store_bind_text(st, 4, reason)) ||
        (rc = store_bind_text(st, 5, channel && *channel ? channel : NULL)) ||
        (rc = store_dberr(outbox_id ? sqlite3_bind_int64(st, 6, outbox_id)
                                    : sqlite3_bind_null(st, 6))) ||
        (rc = store_dberr(sqlite3_bind_int64(st, 7, now_ms)))) {
        sqlite3_reset(st);
        return rc;
    }
    rc = store_step_done(st, &src);
    if (src == SQLITE_CONSTRAINT_PRIMARYKEY)
        rc = HD_EDUP;
    else if (src == SQLITE_CONSTRAINT_FOREIGNKEY)
        rc = HD_ENOTFOUND;
    return rc;
}

int store_broadcast_stale_list(store *s, int64_t id, int64_t created_before,
                               store_broadcast_stale *rows, int max, int *n)
{
    sqlite3_stmt *st = NULL;
    int rc, src = SQLITE_DONE;

    if (n)
        *n = 0;
    if (!s || id <= 0 || !rows || max <= 0 || !n)
        return HD_EINVAL;
    if ((rc = store_stmt(s, SQL_STALE_ANY, &st)))
        return rc;
    if ((rc = store_dberr(sqlite3_bind_int64(st, 1, id))) ||
        (rc = store_dberr(sqlite3_bind_int64(st, 2, created_before))))
        goto out;
    src = sqlite3_step(st);
    if (src != SQLITE_ROW) {
        rc = store_dberr(src);
        goto out;
    }
    if ((rc = store_stmt(s, SQL_STALE, &st)))
        goto out;
    if ((rc = store_dberr(sqlite3_bind_int64(st, 1, id))) ||
        (rc = store_dberr(sqlite3_bind_int64(st, 2, created_before))) ||
        (rc = store_dberr(sqlite3_bind_int(st, 3, max))))
        goto out;
    while (*n < max && (src = sqlite3_step(st)) == SQLITE_ROW) {
        store_broadcast_stale *r = &rows[(*n)++];
        r->contact_id = sqlite3_column_int64(st, 0);
        r->to_contact_id = sqlite3_column_int64(st, 1);
        r->outbox_id = sqlite3_column_int64(st, 2);
        r->created_at = sqlite3_column_int64(st, 3);
    }
    rc = store_dberr(src);
out:
    sqlite3_reset(st);
    return rc;
}

int store_broadcast_unplan(store *s, int64_t id, const store_broadcast_stale *row,
                           const char *day, int64_t now_ms)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (!s || id <= 0 || !row || row->contact_id <= 0 || row->outbox_id <= 0 || !day)
        return HD_EINVAL;
    if ((rc = store_outbox_take_back(s, row->outbox_id, now_ms)))
        return rc;
    if ((rc = store_stmt(s, SQL_RCPT_DEL, &st)))
        return rc;
    if ((rc = store_dberr(sqlite3_bind_int64(st, 1, id))) ||
        (rc = store_dberr(sqlite3_bind_int64(st, 2, row->contact_id))) ||
        (rc = store_dberr(sqlite3_bind_int64(st, 3, row->outbox_id)))) {
        sqlite3_reset(st);
        return rc;
    }
    if ((rc = store_step_done(st, NULL)))
        return rc;
    if ((rc = store_reminder_drop(s, row->contact_id, day)))
        return rc;
    if (row->to_contact_id > 0 && row->to_contact_id != row->contact_id)
        rc = store_reminder_drop(s, row->to_contact_id, day);
    return rc;
}

int store_contact_got_text(store *s, int64_t contact_id, int64_t since_ms, const char *text,
                           int *got)
{
    sqlite3_stmt *st = NULL;
    int rc, src;

    if (got)
        *got = 0;
    if (!s || contact_id <= 0 || !text || !got)
        return HD_EINVAL;
    if ((rc = store_stmt(s, SQL_GOT_TEXT, &st)))
        return rc;
    if ((rc = store_dberr(sqlite3_bind_int64(st, 1, contact_id))) ||
        (rc = store_dberr(sqlite3_bind_int64(st, 2, since_ms))) ||
        (rc = store_bind_text(st, 3, text)))
        goto out;
    src = sqlite3_step(st);
    *got = src == SQLITE_ROW;
    rc = store_dberr(src);
out:
    sqlite3_reset(st);
    return rc;
}
