/* outbox.c -- the durable queue of everything the help line sends.
 *
 * The life of a row:
 *
 *   queued --claim--> sending --mark_sent--> sent --report--> delivered
 *     ^                 |   |                  |                  ^
 *     +---mark_retry----+   |                  +--report--> undelivered
 *     +---recover-------+   +--mark_failed--> failed | unreachable
 *         (lease expired)
 *
 * Every UPDATE below names in its WHERE the states it may leave from. A
 * result that finds its row elsewhere -- a duplicate call, or a worker whose
 * lease ran out and whose row was recovered -- changes nothing and gets
 * HD_ESTATE, so it cannot overwrite a newer outcome. Delivery reports are the
 * exception that is meant to repeat: a second 'delivered', or 'undelivered'
 * after 'delivered' (providers send intermediate reports, and a delivery
 * cannot be undone), is answered HD_OK and ignored; 'delivered' after
 * 'undelivered' wins.
 *
 * messages.status of the linked outbound row follows each result in the same
 * transaction, so the conversation view shows what became of a reply. It
 * mirrors the outbox status except 'sending': a lease is the workers' affair,
 * and the message stays 'queued' until a result. This is done here and not by
 * a trigger: a trigger on outbox that names messages would make a later
 * migration that rebuilds messages fail at its ALTER TABLE RENAME.
 *
 * Recovery is at-least-once. A row still 'sending' after its lease belongs
 * to a worker that died between claim and record, and nothing here can tell
 * whether the provider took the message (died after the send) or not (died
 * before or during it). Putting it back in the queue risks the citizen
 * getting a reply twice; failing it risks the citizen never getting it --
 * an officer's answer, the next step of an activation -- and a lost answer
 * is the worse failure for a help line. The window is one provider call.
 * The lead will add reconciliation with the providers (delivery reports
 * carry the outbox id; Zalo returns message ids) so that recovery can tell
 * sent from not sent; until then a crash mid-send may send twice.
 * Attempts are not reset: the interrupted try counted, and a row that kills
 * its worker every time shows it by a growing count.
 *
 * The lease must outlast the longest send (the HTTP timeout plus the
 * commit), or a slow but live worker's row is recovered and sent again. */
#include "store/outbox.h"
#include "store_internal.h"
#include "core/err.h"

#include <string.h>

/* Kannel and Zalo ids are a few dozen bytes; anything near this is not one. */
#define OUTBOX_PROVIDER_ID_MAX 256

#define ROW_CHANNEL_MAX (sizeof ((outbox_row *)0)->channel)
#define ROW_ADDRESS_MAX (sizeof ((outbox_row *)0)->address)

/* SQL_DUE lists the priorities so that SQLite walks the index once per
 * priority over the due range; a new priority must be added there. */
_Static_assert(OUTBOX_REPLY == 0 && OUTBOX_OFFICER == 1 && OUTBOX_BULK == 2,
               "SQL_DUE and the CHECK of migration 2 list priorities 0, 1, 2");

#define ROW_COLS "id, contact_id, COALESCE(message_id, 0), COALESCE(broadcast_id, 0)," \
                 " channel, address, text, priority, attempts, created_at"

static const char SQL_ENQUEUE[] =
    "INSERT INTO outbox (contact_id, message_id, broadcast_id, channel, address, text,"
    " priority, status, attempts, next_attempt_at, created_at, updated_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'queued', 0, ?8, ?9, ?9)";
/* Within a priority, the row due the longest goes first (for rows queued
 * without not_before that is the oldest). Ordering by id alone would make
 * SQLite read every row of the priority, including a broadcast of 100k
 * rows scheduled for tomorrow, and sort them at each claim. */
static const char SQL_DUE[] =
    "SELECT " ROW_COLS " FROM outbox"
    " WHERE channel = ?1 AND status = 'queued' AND priority IN (0, 1, 2)"
    " AND next_attempt_at <= ?2"
    " ORDER BY priority, next_attempt_at, id LIMIT ?3";
/* The same walk without bulk rows (quiet hours), and with only the bulk
 * rows of the current window (created at or after ?4). */
static const char SQL_DUE_URGENT[] =
    "SELECT " ROW_COLS " FROM outbox"
    " WHERE channel = ?1 AND status = 'queued' AND priority IN (0, 1)"
    " AND next_attempt_at <= ?2"
    " ORDER BY priority, next_attempt_at, id LIMIT ?3";
static const char SQL_DUE_SINCE[] =
    "SELECT " ROW_COLS " FROM outbox"
    " WHERE channel = ?1 AND status = 'queued' AND priority IN (0, 1, 2)"
    " AND next_attempt_at <= ?2 AND (priority < 2 OR created_at >= ?4)"
    " ORDER BY priority, next_attempt_at, id LIMIT ?3";
static const char SQL_TAKE[] =
    "UPDATE outbox SET status = 'sending', attempts = attempts + 1,"
    " lease_until = ?2, updated_at = ?3 WHERE id = ?1 AND status = 'queued'";
static const char SQL_SENT[] =
    "UPDATE outbox SET status = 'sent', provider_id = ?3, sent_at = ?2,"
    " lease_until = NULL, updated_at = ?2 WHERE id = ?1 AND status = 'sending'";
static const char SQL_RETRY[] =
    "UPDATE outbox SET status = 'queued', next_attempt_at = ?3, last_error = ?4,"
    " lease_until = NULL, updated_at = ?2 WHERE id = ?1 AND status = 'sending'";
/* Put back without a send: the claim's attempt did not happen. */
static const char SQL_DEFER[] =
    "UPDATE outbox SET status = 'queued', next_attempt_at = ?3, attempts = attempts - 1,"
    " lease_until = NULL, updated_at = ?2 WHERE id = ?1 AND status = 'sending'";
static const char SQL_FAILED[] =
    "UPDATE outbox SET status = ?3, last_error = ?4, lease_until = NULL,"
    " updated_at = ?2 WHERE id = ?1 AND status = 'sending'";
/* A report may overtake the worker's own record of the send (Kannel can call
 * the dlr-url before sendsms has answered us), and after a crash it is the
 * only proof that an interrupted send went out: so 'sending' accepts it. */
static const char SQL_REPORT[] =
    "UPDATE outbox SET status = ?3, updated_at = ?2, sent_at = coalesce(sent_at, ?2),"
    " lease_until = NULL WHERE id = ?1"
    " AND (status IN ('sent', 'sending') OR (status = 'undelivered' AND ?3 = 'delivered'))";
static const char SQL_STATUS[] = "SELECT status FROM outbox WHERE id = ?1";
static const char SQL_MESSAGE[] =
    "UPDATE messages SET status = ?2"
    " WHERE id = (SELECT message_id FROM outbox WHERE id = ?1)";
static const char SQL_RECOVER[] =
    "UPDATE outbox SET status = 'queued', next_attempt_at = ?1, lease_until = NULL,"
    " last_error = 'interrupted', updated_at = ?1"
    " WHERE status = 'sending' AND lease_until < ?1 AND channel = ?2";
static const char SQL_DEPTH[] =
    "SELECT COUNT(*) FROM outbox WHERE channel = ?1 AND status IN ('queued', 'sending')";
static const char SQL_FIRST_DUE[] =
    "SELECT next_attempt_at FROM outbox WHERE channel = ?1 AND status = 'queued'"
    " AND priority = ?2 AND next_attempt_at <= ?3 ORDER BY next_attempt_at LIMIT 1";

/* Work inside the caller's transaction when one is open, else in our own:
 * IMMEDIATE (store_begin), so that reading then writing cannot fail half-way
 * on another connection's write. On an error inside the caller's
 * transaction, the caller rolls back. */
static int tx_open(store *s, int *own)
{
    *own = sqlite3_get_autocommit(s->db) != 0;
    return *own ? store_begin(s) : HD_OK;
}

static int tx_close(store *s, int own, int rc)
{
    if (!own)
        return rc;
    if (!rc && (rc = store_commit(s)) == HD_OK)
        return HD_OK;
    store_rollback(s);
    return rc;
}

int outbox_enqueue(store *s, const outbox_new *m, int64_t now_ms, int64_t *id_out)
{
    sqlite3_stmt *st = NULL;
    int64_t due;
    int rc, src = SQLITE_OK;

    if (id_out)
        *id_out = 0;
    if (!s || !m || now_ms < 0 || m->contact_id <= 0 || m->message_id < 0 ||
        m->broadcast_id < 0 || m->not_before < 0 || !m->text || !*m->text ||
        (m->priority != OUTBOX_REPLY && m->priority != OUTBOX_OFFICER &&
         m->priority != OUTBOX_BULK))
        return HD_EINVAL;
    if ((rc = store_check_str(m->channel, ROW_CHANNEL_MAX)) ||
        (rc = store_check_str(m->address, ROW_ADDRESS_MAX)))
        return rc;
    if (strnlen(m->text, OUTBOX_TEXT_MAX) >= OUTBOX_TEXT_MAX)
        return HD_ETOOBIG;
    /* Never earlier than now: a past not_before must not jump the rows that
     * have been waiting (they are ordered by when they became due). */
    due = m->not_before > now_ms ? m->not_before : now_ms;

    if ((rc = store_stmt(s, SQL_ENQUEUE, &st)))
        goto out;
    if ((rc = store_dberr(sqlite3_bind_int64(st, 1, m->contact_id))) ||
        (rc = store_dberr(m->message_id ? sqlite3_bind_int64(st, 2, m->message_id)
                                        : sqlite3_bind_null(st, 2))) ||
        (rc = store_dberr(m->broadcast_id ? sqlite3_bind_int64(st, 3, m->broadcast_id)
                                          : sqlite3_bind_null(st, 3))) ||
        (rc = store_bind_text(st, 4, m->channel)) ||
        (rc = store_bind_text(st, 5, m->address)) ||
        (rc = store_bind_text(st, 6, m->text)) ||
        (rc = store_dberr(sqlite3_bind_int(st, 7, (int)m->priority))) ||
        (rc = store_dberr(sqlite3_bind_int64(st, 8, due))) ||
        (rc = store_dberr(sqlite3_bind_int64(st, 9, now_ms))))
        goto out;
    rc = store_step_done(st, &src);
    if (src == SQLITE_CONSTRAINT_FOREIGNKEY)
        rc = HD_ENOTFOUND;          /* no such contact or message */
    if (!rc && id_out)
        *id_out = sqlite3_last_insert_rowid(s->db);
out:
    sqlite3_reset(st);
    return rc;
}

static int row_read(sqlite3_stmt *st, outbox_row *r)
{
    int rc;

    memset(r, 0, sizeof *r);
    r->id = sqlite3_column_int64(st, 0);
    r->contact_id = sqlite3_column_int64(st, 1);
    r->message_id = sqlite3_column_int64(st, 2);
    r->broadcast_id = sqlite3_column_int64(st, 3);
    if ((rc = store_col_text(st, 4, r->channel, sizeof r->channel)) ||
        (rc = store_col_text(st, 5, r->address, sizeof r->address)) ||
        (rc = store_col_text(st, 6, r->text, sizeof r->text)))
        return rc;
    r->priority = sqlite3_column_int(st, 7);
    r->attempts = sqlite3_column_int(st, 8) + 1;     /* the one being claimed */
    r->created_at = sqlite3_column_int64(st, 9);
    return HD_OK;
}

/* The rows are read first and updated after: updating a row while the
 * SELECT still walks the index it changes is not something to rely on. */
int outbox_claim_due(store *s, const char *channel, int64_t now_ms, int64_t lease_ms,
                     outbox_row *rows, int max, int *n_out)
{
    return outbox_claim_due_since(s, channel, now_ms, lease_ms, 0, rows, max, n_out);
}

int outbox_claim_due_since(store *s, const char *channel, int64_t now_ms, int64_t lease_ms,
                           int64_t bulk_since, outbox_row *rows, int max, int *n_out)
{
    const char *sql = bulk_since == OUTBOX_BULK_NONE ? SQL_DUE_URGENT
                    : bulk_since > 0 ? SQL_DUE_SINCE : SQL_DUE;
    sqlite3_stmt *st = NULL;
    int rc, src = SQLITE_DONE, own = 0, n = 0;

    if (n_out)
        *n_out = 0;
    if (!s || !rows || max <= 0 || !n_out || now_ms < 0 || lease_ms <= 0 ||
        lease_ms > INT64_MAX - now_ms || bulk_since < 0)
        return HD_EINVAL;
    if ((rc = store_check_str(channel, ROW_CHANNEL_MAX)))
        return rc;
    if ((rc = tx_open(s, &own)))
        return rc;

    if ((rc = store_stmt(s, sql, &st)))
        goto out;
    if ((rc = store_bind_text(st, 1, channel)) ||
        (rc = store_dberr(sqlite3_bind_int64(st, 2, now_ms))) ||
        (rc = store_dberr(sqlite3_bind_int(st, 3, max))) ||
        (sql == SQL_DUE_SINCE && (rc = store_dberr(sqlite3_bind_int64(st, 4, bulk_since)))))
        goto out;
    while (n < max && (src = sqlite3_step(st)) == SQLITE_ROW) {
        if ((rc = row_read(st, &rows[n])))
            goto out;
        n++;
    }
    if ((rc = store_dberr(src)))
        goto out;
    sqlite3_reset(st);

    for (int i = 0; i < n; i++) {
        if ((rc = store_stmt(s, SQL_TAKE, &st)))
            goto out;
        if ((rc = store_dberr(sqlite3_bind_int64(st, 1, rows[i].id))) ||
            (rc = store_dberr(sqlite3_bind_int64(st, 2, now_ms + lease_ms))) ||
            (rc = store_dberr(sqlite3_bind_int64(st, 3, now_ms))) ||
            (rc = store_step_done(st, NULL)))
            goto out;
        /* Read as queued a moment ago under the write lock. */
        if (sqlite3_changes(s->db) != 1) {
            rc = HD_EDB;
            goto out;
        }
    }
out:
    sqlite3_reset(st);
    rc = tx_close(s, own, rc);
    if (!rc)
        *n_out = n;
    return rc;
}

static int row_status(store *s, int64_t id, char *status, size_t cap)
{
    sqlite3_stmt *st = NULL;
    int rc, src;

    if ((rc = store_stmt(s, SQL_STATUS, &st)))
        return rc;
    if ((rc = store_dberr(sqlite3_bind_int64(st, 1, id))))
        goto out;
    src = sqlite3_step(st);
    if (src == SQLITE_ROW)
        rc = store_col_text(st, 0, status, cap);
    else
        rc = src == SQLITE_DONE ? HD_ENOTFOUND : store_dberr(src);
out:
    sqlite3_reset(st);
    return rc;
}

/* Step st, the bound UPDATE of row id that moves it to status `to`, and
 * mirror `to` into messages, in one transaction. When st's guard refuses:
 * HD_ENOTFOUND without such a row, HD_OK when the row is in one of the
 * states of `same` (a repeated report), else HD_ESTATE. */
static int transition(store *s, int64_t id, sqlite3_stmt *st, const char *to,
                      const char *const *same)
{
    sqlite3_stmt *mst = NULL;
    char cur[16];
    int rc, own = 0;

    if ((rc = tx_open(s, &own))) {
        sqlite3_reset(st);
        return rc;
    }
    if ((rc = store_step_done(st, NULL)))
        goto out;
    if (sqlite3_changes(s->db) == 0) {
        if ((rc = row_status(s, id, cur, sizeof cur)))
            goto out;
        rc = HD_ESTATE;
        for (; same && *same; same++)
            if (strcmp(cur, *same) == 0)
                rc = HD_OK;
        goto out;
    }
    if ((rc = store_stmt(s, SQL_MESSAGE, &mst)))
        goto out;
    if ((rc = store_dberr(sqlite3_bind_int64(mst, 1, id))) ||
        (rc = store_bind_text(mst, 2, to)))
        goto out;
    rc = store_step_done(mst, NULL);
out:
    sqlite3_reset(mst);
    return tx_close(s, own, rc);
}

/* A reason is for people reading logs and the dashboard: cut at
 * OUTBOX_REASON_MAX - 1 bytes (on a UTF-8 boundary) rather than refused, as
 * refusing would leave the row 'sending' until recovery sends it again. */
static int bind_reason(sqlite3_stmt *st, int idx, const char *reason)
{
    size_t n;

    if (!reason || !*reason)
        return store_dberr(sqlite3_bind_null(st, idx));
    n = strnlen(reason, OUTBOX_REASON_MAX);
    if (n == OUTBOX_REASON_MAX) {
        n = OUTBOX_REASON_MAX - 1;
        while (n > 0 && ((unsigned char)reason[n] & 0xC0) == 0x80)
            n--;
    }
    return store_dberr(sqlite3_bind_text(st, idx, reason, (int)n, SQLITE_TRANSIENT));
}

int outbox_mark_sent(store *s, int64_t id, const char *provider_id, int64_t now_ms)
{
    /* A delivery report that came first already settled the row. */
    static const char *const after_report[] = { "delivered", "undelivered", NULL };
    sqlite3_stmt *st = NULL;
    int rc;

    if (!s || id <= 0 || now_ms < 0)
        return HD_EINVAL;
    if (provider_id && *provider_id &&
        strnlen(provider_id, OUTBOX_PROVIDER_ID_MAX) >= OUTBOX_PROVIDER_ID_MAX)
        return HD_ETOOBIG;
    if ((rc = store_stmt(s, SQL_SENT, &st)))
        return rc;
    if ((rc = store_dberr(sqlite3_bind_int64(st, 1, id))) ||
        (rc = store_dberr(sqlite3_bind_int64(st, 2, now_ms))) ||
        (rc = store_bind_text(st, 3, provider_id && *provider_id ? provider_id : NULL))) {
        sqlite3_reset(st);
        return rc;
    }
    return transition(s, id, st, "sent", after_report);
}

int outbox_mark_defer(store *s, int64_t id, int64_t next_at, int64_t now_ms)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (!s || id <= 0 || now_ms < 0)
        return HD_EINVAL;
    if ((rc = store_stmt(s, SQL_DEFER, &st)))
        return rc;
    if ((rc = store_dberr(sqlite3_bind_int64(st, 1, id))) ||
        (rc = store_dberr(sqlite3_bind_int64(st, 2, now_ms))) ||
        (rc = store_dberr(sqlite3_bind_int64(st, 3, next_at)))) {
        sqlite3_reset(st);
        return rc;
    }
    return transition(s, id, st, "queued", NULL);
}

int outbox_mark_retry(store *s, int64_t id, int64_t next_at, const char *reason, int64_t now_ms)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (!s || id <= 0 || next_at < 0 || now_ms < 0)
        return HD_EINVAL;
    if ((rc = store_stmt(s, SQL_RETRY, &st)))
        return rc;
    if ((rc = store_dberr(sqlite3_bind_int64(st, 1, id))) ||
        (rc = store_dberr(sqlite3_bind_int64(st, 2, now_ms))) ||
        (rc = store_dberr(sqlite3_bind_int64(st, 3, next_at))) ||
        (rc = bind_reason(st, 4, reason))) {
        sqlite3_reset(st);
        return rc;
    }
    return transition(s, id, st, "queued", NULL);
}

int outbox_mark_failed(store *s, int64_t id, int unreachable, const char *reason, int64_t now_ms)
{
    const char *to = unreachable ? "unreachable" : "failed";
    sqlite3_stmt *st = NULL;
    int rc;

    if (!s || id <= 0 || now_ms < 0)
        return HD_EINVAL;
    if ((rc = store_stmt(s, SQL_FAILED, &st)))
        return rc;
    if ((rc = store_dberr(sqlite3_bind_int64(st, 1, id))) ||
        (rc = store_dberr(sqlite3_bind_int64(st, 2, now_ms))) ||
        (rc = store_bind_text(st, 3, to)) ||
        (rc = bind_reason(st, 4, reason))) {
        sqlite3_reset(st);
        return rc;
    }
    return transition(s, id, st, to, NULL);
}

int outbox_mark_report(store *s, int64_t id, int delivered, int64_t now_ms)
{
    static const char *const after_delivered[] = { "delivered", NULL };
    static const char *const after_undelivered[] = { "delivered", "undelivered", NULL };
    const char *to = delivered ? "delivered" : "undelivered";
    sqlite3_stmt *st = NULL;
    int rc;

    if (!s || id <= 0 || now_ms < 0)
        return HD_EINVAL;
    if ((rc = store_stmt(s, SQL_REPORT, &st)))
        return rc;
    if ((rc = store_dberr(sqlite3_bind_int64(st, 1, id))) ||
        (rc = store_dberr(sqlite3_bind_int64(st, 2, now_ms))) ||
        (rc = store_bind_text(st, 3, to))) {
        sqlite3_reset(st);
        return rc;
    }
    return transition(s, id, st, to, delivered ? after_delivered : after_undelivered);
}

/* See the top of this file for why interrupted rows are sent again. The
 * linked messages row is still 'queued' (claiming does not touch it). */
int outbox_recover(store *s, const char *channel, int64_t now_ms, int *n_recovered)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (n_recovered)
        *n_recovered = 0;
    if (!s || now_ms < 0)
        return HD_EINVAL;
    if ((rc = store_check_str(channel, ROW_CHANNEL_MAX)))
        return rc;
    if ((rc = store_stmt(s, SQL_RECOVER, &st)))
        goto out;
    if ((rc = store_dberr(sqlite3_bind_int64(st, 1, now_ms))) ||
        (rc = store_bind_text(st, 2, channel)) ||
        (rc = store_step_done(st, NULL)))
        goto out;
    if (n_recovered)
        *n_recovered = sqlite3_changes(s->db);
out:
    sqlite3_reset(st);
    return rc;
}

/* oldest_ms is how long the row waiting longest has been due (now minus its
 * next_attempt_at), 0 when nothing is due: a broadcast scheduled for the
 * morning is not a backlog, a reply due for a minute is. */
int outbox_stats(store *s, const char *channel, int64_t now_ms, int64_t *depth,
                 int64_t *oldest_ms)
{
    sqlite3_stmt *st = NULL;
    int64_t first = INT64_MAX;
    int rc, src;

    if (depth)
        *depth = 0;
    if (oldest_ms)
        *oldest_ms = 0;
    if (!s || !depth || !oldest_ms || now_ms < 0)
        return HD_EINVAL;
    if ((rc = store_check_str(channel, ROW_CHANNEL_MAX)))
        return rc;

    if ((rc = store_stmt(s, SQL_DEPTH, &st)))
        goto out;
    if ((rc = store_bind_text(st, 1, channel)))
        goto out;
    src = sqlite3_step(st);
    if (src != SQLITE_ROW) {
        rc = src == SQLITE_DONE ? HD_EDB : store_dberr(src);
        goto out;
    }
    *depth = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);

    /* One index probe per priority rather than a MIN() over every due row. */
    for (int p = OUTBOX_REPLY; p <= OUTBOX_BULK; p++) {
        if ((rc = store_stmt(s, SQL_FIRST_DUE, &st)))
            goto out;
        if ((rc = store_bind_text(st, 1, channel)) ||
            (rc = store_dberr(sqlite3_bind_int(st, 2, p))) ||
            (rc = store_dberr(sqlite3_bind_int64(st, 3, now_ms))))
            goto out;
        src = sqlite3_step(st);
        if (src == SQLITE_ROW && sqlite3_column_int64(st, 0) < first)
            first = sqlite3_column_int64(st, 0);
        else if ((rc = store_dberr(src)))
            goto out;
        sqlite3_reset(st);
    }
    if (first != INT64_MAX)
        *oldest_ms = now_ms - first;
out:
    sqlite3_reset(st);
    return rc;
}
