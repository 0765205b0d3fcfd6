/* followups.c -- "did it work?" asked later (followups.h). */
#include "store/followups.h"
#include "store/reminders.h"
#include "campaign_int.h"
#include "store_tx.h"
#include "core/err.h"

#include <string.h>

#define FU_COLS "id, contact_id, intent, due_at, status, COALESCE(outcome, ''), " \
                "COALESCE(reason, ''), COALESCE(outbox_id, 0), created_at, updated_at"

/* The same question again within this long keeps its pending follow-up as
 * it is (store_followup_schedule). */
#define FOLLOWUP_KEEP_MS (10 * 60 * 1000)

/* "status IN ('pending', 'sent')" spelled as in the index followups_one_open,
 * so that SQLite may use that partial index. */
static const char SQL_OPEN[] =
    "SELECT " FU_COLS " FROM followups WHERE contact_id = ?1 AND status IN ('pending', 'sent')";
static const char SQL_GET[] = "SELECT " FU_COLS " FROM followups WHERE id = ?1";
static const char SQL_INSERT[] =
    "INSERT INTO followups (contact_id, intent, due_at, status, created_at, updated_at)"
    " VALUES (?1, ?2, ?3, 'pending', ?4, ?4)";
static const char SQL_MOVE[] =
    "UPDATE followups SET intent = ?2, due_at = ?3, updated_at = ?4"
    " WHERE id = ?1 AND status = 'pending'";
static const char SQL_CLOSE[] =
    "UPDATE followups SET status = ?2, outcome = ?3, reason = ?4, updated_at = ?5"
    " WHERE id = ?1 AND status IN ('pending', 'sent')";
static const char SQL_DUE[] =
    "SELECT " FU_COLS " FROM followups WHERE status = 'pending' AND due_at <= ?1"
    " ORDER BY due_at, id LIMIT ?2";
static const char SQL_SENT[] =
    "UPDATE followups SET status = 'sent', outbox_id = ?2, updated_at = ?3"
    " WHERE id = ?1 AND status = 'pending'";
static const char SQL_POSTPONE[] =
    "UPDATE followups SET status = 'pending', due_at = ?2, outbox_id = NULL, updated_at = ?3"
    " WHERE id = ?1 AND status IN ('pending', 'sent')";
/* Walks the queued bulk rows (index outbox_due), then the contact's open
 * follow-up (followups_one_open). */
static const char SQL_STALE[] =
    "SELECT f.id, f.contact_id, o.id, o.created_at FROM outbox o"
    " JOIN followups f ON f.contact_id = o.contact_id AND f.status IN ('pending', 'sent')"
    " AND f.status = 'sent' AND f.outbox_id = o.id"
    " WHERE o.channel IN ('sms', 'zalo') AND o.status = 'queued' AND o.priority = 2"
    " AND o.broadcast_id IS NULL AND o.created_at < ?1 LIMIT ?2";
static const char SQL_ACTIVATED[] =
    "UPDATE contacts SET activated_at = COALESCE(activated_at, ?2) WHERE id = ?1";

static int read_row(sqlite3_stmt *st, store_followup *f)
{
    int rc;

    memset(f, 0, sizeof *f);
    f->id = sqlite3_column_int64(st, 0);
    f->contact_id = sqlite3_column_int64(st, 1);
    f->due_at = sqlite3_column_int64(st, 3);
    f->outbox_id = sqlite3_column_int64(st, 7);
    f->created_at = sqlite3_column_int64(st, 8);
    f->updated_at = sqlite3_column_int64(st, 9);
    if ((rc = store_col_text(st, 2, f->intent, sizeof f->intent)) ||
        (rc = store_col_text(st, 4, f->status, sizeof f->status)) ||
        (rc = store_col_text(st, 5, f->outcome, sizeof f->outcome)) ||
        (rc = store_col_text(st, 6, f->reason, sizeof f->reason)))
        return rc;
    return HD_OK;
}

static int one(store *s, const char *sql, int64_t key, store_followup *out)
{
    sqlite3_stmt *st = NULL;
    int rc, src;

    if (!s || key <= 0 || !out)
        return HD_EINVAL;
    if ((rc = store_stmt(s, sql, &st)))
        return rc;
    if ((rc = store_dberr(sqlite3_bind_int64(st, 1, key))))
        goto out;
    src = sqlite3_step(st);
    if (src == SQLITE_ROW)
        rc = read_row(st, out);
    else
        rc = src == SQLITE_DONE ? HD_ENOTFOUND : store_dberr(src);
out:
    sqlite3_reset(st);
    return rc;
}

int store_followup_open(store *s, int64_t contact_id, store_followup *out)
{
    return one(s, SQL_OPEN, contact_id, out);
}

int store_followup_get(store *s, int64_t id, store_followup *out)
{
    return one(s, SQL_GET, id, out);
}

/* Step a bound UPDATE of one row: HD_ESTATE when its guard refused. */
static int update_one(store *s, sqlite3_stmt *st)
{
    int rc = store_step_done(st, NULL);

    if (rc)
        return rc;
    return sqlite3_changes(s->db) == 1 ? HD_OK : HD_ESTATE;
}

int store_followup_close(store *s, int64_t id, const char *status, const char *outcome,
                         const char *reason, int64_t now_ms)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (!s || id <= 0 || !status || now_ms < 0)
        return HD_EINVAL;
    if (strcmp(status, "answered") == 0
            ? (!outcome || (strcmp(outcome, "solved") && strcmp(outcome, "failed")))
            : (strcmp(status, "cancelled") && strcmp(status, "skipped")) || outcome || !reason)
        return HD_EINVAL;
    if (reason && strnlen(reason, FOLLOWUP_REASON_MAX) >= FOLLOWUP_REASON_MAX)
        return HD_ETOOBIG;
    if ((rc = store_stmt(s, SQL_CLOSE, &st)))
        return rc;
    if ((rc = store_dberr(sqlite3_bind_int64(st, 1, id))) ||
        (rc = store_bind_text(st, 2, status)) || (rc = store_bind_text(st, 3, outcome)) ||
        (rc = store_bind_text(st, 4, reason)) ||
        (rc = store_dberr(sqlite3_bind_int64(st, 5, now_ms)))) {
        sqlite3_reset(st);
        return rc;
    }
    return update_one(s, st);
}

int store_followup_schedule(store *s, int64_t contact_id, const char *intent, int64_t due_at,
                            int64_t now_ms, int64_t *id_out)
{
    store_followup cur;
    sqlite3_stmt *st = NULL;
    int rc, own = 0, src = SQLITE_OK;

    if (id_out)
        *id_out = 0;
    if (!s || contact_id <= 0 || due_at < 0 || now_ms < 0)
        return HD_EINVAL;
    if ((rc = store_check_str(intent, FOLLOWUP_INTENT_MAX)))
        return rc;
    if ((rc = store_tx_open(s, &own)))
        return rc;
    rc = store_followup_open(s, contact_id, &cur);
    if (rc == HD_OK && strcmp(cur.status, "pending") == 0) {
        /* The same question again within minutes (a conversation going on):
         * asked a day after the first or after the last of them is the same
         * to the citizen, and the row is not rewritten at every message. */
        if (strcmp(cur.intent, intent) == 0 && due_at >= cur.due_at &&
            due_at - cur.due_at < FOLLOWUP_KEEP_MS) {
            if (id_out)
                *id_out = cur.id;
            goto out;
        }
        if ((rc = store_stmt(s, SQL_MOVE, &st)))
            goto out;
        if ((rc = store_dberr(sqlite3_bind_int64(st, 1, cur.id))) ||
            (rc = store_bind_text(st, 2, intent)) ||
            (rc = store_dberr(sqlite3_bind_int64(st, 3, due_at))) ||
            (rc = store_dberr(sqlite3_bind_int64(st, 4, now_ms))) ||
            (rc = update_one(s, st)))
            goto out;
        if (id_out)
            *id_out = cur.id;
        goto out;
    }
    if (rc == HD_OK)
        rc = store_followup_close(s, cur.id, "cancelled", NULL, "replaced", now_ms);
    else if (rc == HD_ENOTFOUND)
        rc = HD_OK;
    if (rc)
        goto out;
    if ((rc = store_stmt(s, SQL_INSERT, &st)))
        goto out;
    if ((rc = store_dberr(sqlite3_bind_int64(st, 1, contact_id))) ||
        (rc = store_bind_text(st, 2, intent)) ||
        (rc = store_dberr(sqlite3_bind_int64(st, 3, due_at))) ||
        (rc = store_dberr(sqlite3_bind_int64(st, 4, now_ms))))
        goto out;
    rc = store_step_done(st, &src);
    if (src == SQLITE_CONSTRAINT_FOREIGNKEY)
        rc = HD_ENOTFOUND;
    if (!rc && id_out)
        *id_out = sqlite3_last_insert_rowid(s->db);
out:
    sqlite3_reset(st);
    return store_tx_close(s, own, rc);
}

int store_followup_due(store *s, int64_t now_ms, store_followup *rows, int max, int *n)
{
    sqlite3_stmt *st = NULL;
    int rc, src = SQLITE_DONE;

    if (n)
        *n = 0;
    if (!s || !rows || max <= 0 || !n)
        return HD_EINVAL;
    if ((rc = store_stmt(s, SQL_DUE, &st)))
        return rc;
    if ((rc = store_dberr(sqlite3_bind_int64(st, 1, now_ms))) ||
        (rc = store_dberr(sqlite3_bind_int(st, 2, max))))
        goto out;
    while (*n < max && (src = sqlite3_step(st)) == SQLITE_ROW)
        if ((rc = read_row(st, &rows[(*n)++])))
            goto out;
    rc = store_dberr(src);
out:
    sqlite3_reset(st);
    return rc;
}

int store_followup_mark_sent(store *s, int64_t id, int64_t outbox_id, int64_t now_ms)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (!s || id <= 0 || outbox_id <= 0)
        return HD_EINVAL;
    if ((rc = store_stmt(s, SQL_SENT, &st)))
        return rc;
    if ((rc = store_dberr(sqlite3_bind_int64(st, 1, id))) ||
        (rc = store_dberr(sqlite3_bind_int64(st, 2, outbox_id))) ||
        (rc = store_dberr(sqlite3_bind_int64(st, 3, now_ms)))) {
        sqlite3_reset(st);
        return rc;
    }
    return update_one(s, st);
}

int store_followup_postpone(store *s, int64_t id, int64_t due_at, int64_t now_ms)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (!s || id <= 0 || due_at < 0)
        return HD_EINVAL;
    if ((rc = store_stmt(s, SQL_POSTPONE, &st)))
        return rc;
    if ((rc = store_dberr(sqlite3_bind_int64(st, 1, id))) ||
        (rc = store_dberr(sqlite3_bind_int64(st, 2, due_at))) ||
        (rc = store_dberr(sqlite3_bind_int64(st, 3, now_ms)))) {
        sqlite3_reset(st);
        return rc;
    }
    return update_one(s, st);
}

int store_followup_stale_list(store *s, int64_t created_before, store_followup_stale *rows,
                              int max, int *n)
{
    sqlite3_stmt *st = NULL;
    int rc, src = SQLITE_DONE;

    if (n)
        *n = 0;
    if (!s || !rows || max <= 0 || !n)
        return HD_EINVAL;
    if ((rc = store_stmt(s, SQL_STALE, &st)))
        return rc;
    if ((rc = store_dberr(sqlite3_bind_int64(st, 1, created_before))) ||
        (rc = store_dberr(sqlite3_bind_int(st, 2, max))))
        goto out;
    while (*n < max && (src = sqlite3_step(st)) == SQLITE_ROW) {
        store_followup_stale *r = &rows[(*n)++];
        r->followup_id = sqlite3_column_int64(st, 0);
        r->contact_id = sqlite3_column_int64(st, 1);
        r->outbox_id = sqlite3_column_int64(st, 2);
        r->created_at = sqlite3_column_int64(st, 3);
    }
    rc = store_dberr(src);
out:
    sqlite3_reset(st);
    return rc;
}

int store_followup_unqueue(store *s, const store_followup_stale *row, const char *day,
                           int64_t now_ms)
{
    int rc;

    if (!s || !row || row->outbox_id <= 0 || row->contact_id <= 0 || !day)
        return HD_EINVAL;
    if ((rc = store_outbox_take_back(s, row->outbox_id, now_ms)))
        return rc;
    return store_reminder_drop(s, row->contact_id, day);
}

int store_contact_set_activated(store *s, int64_t contact_id, int64_t now_ms)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (!s || contact_id <= 0 || now_ms < 0)
        return HD_EINVAL;
    if ((rc = store_stmt(s, SQL_ACTIVATED, &st)))
        return rc;
    if ((rc = store_dberr(sqlite3_bind_int64(st, 1, contact_id))) ||
        (rc = store_dberr(sqlite3_bind_int64(st, 2, now_ms)))) {
        sqlite3_reset(st);
        return rc;
    }
    if ((rc = store_step_done(st, NULL)))
        return rc;
    return sqlite3_changes(s->db) ? HD_OK : HD_ENOTFOUND;
}
