/* case_status.c -- the status changes of a case (claim, resolve, close) and
 * the retention purge.
 *
 * Every UPDATE names in its WHERE the statuses it may leave from, like
 * outbox.c: two officers pressing "claim" at once both run the same UPDATE,
 * one changes the row and the other finds it claimed and gets HD_ESTATE.
 * The event of a change is written in the same transaction. */
#include "store/cases.h"
#include "store_internal.h"
#include "store_tx.h"
#include "core/err.h"

#include <string.h>

static const char *opt(const char *v)
{
    return v && *v ? v : NULL;
}

static const char SQL_CLAIM[] =
    "UPDATE cases SET status = 'claimed', claimed_by = ?2, claimed_at = ?3"
    " WHERE id = ?1 AND status = 'open'";
static const char SQL_RESOLVE[] =
    "UPDATE cases SET status = 'resolved', resolved_at = ?3,"
    " claimed_by = COALESCE(claimed_by, ?2),"
    " claimed_at = COALESCE(claimed_at, CASE WHEN ?2 IS NULL THEN NULL ELSE ?3 END)"
    " WHERE id = ?1 AND status IN ('open', 'claimed')";
static const char SQL_CLOSE[] =
    "UPDATE cases SET status = 'closed', close_reason = ?3, closed_at = ?2"
    " WHERE id = ?1 AND status IN ('open', 'claimed')";
static const char SQL_STATUS[] =
    "SELECT status, COALESCE(claimed_by, 0) FROM cases WHERE id = ?1";

/* Retention. The texts of events are what people wrote (the citizen's
 * messages, the officer's replies and notes) and may name anyone. */
#define PURGE_WHERE \
    " purged_at IS NULL AND ((status = 'resolved' AND resolved_at < ?1)" \
    " OR (status = 'closed' AND closed_at < ?1))"
static const char SQL_PURGE_TEXTS[] =
    "UPDATE case_events SET text = NULL WHERE text IS NOT NULL"
    " AND kind IN ('message', 'escalation', 'reply', 'resolved')"
    " AND case_id IN (SELECT id FROM cases WHERE" PURGE_WHERE ")";
static const char SQL_PURGE_EVENTS[] =
    "INSERT INTO case_events (case_id, at, actor, kind)"
    " SELECT id, ?2, 'system', 'purged' FROM cases WHERE" PURGE_WHERE;
/* What the citizen and the officers wrote around the case (from a day
 * before it opened until it ended) holds the same personal data: name,
 * phone, description, the intake's summary. Emptied too, in the messages
 * and in the outbox. */
#define PURGE_WINDOW(t) \
    " EXISTS (SELECT 1 FROM cases c WHERE c.contact_id = " t ".contact_id" \
    " AND c.purged_at IS NULL AND ((c.status = 'resolved' AND c.resolved_at < ?1)" \
    " OR (c.status = 'closed' AND c.closed_at < ?1))" \
    " AND " t ".created_at >= c.created_at - 86400000" \
    " AND " t ".created_at <= COALESCE(c.resolved_at, c.closed_at))"
/* The IN list lets SQLite walk messages_contact for the few contacts
 * concerned instead of every message. */
static const char SQL_PURGE_MESSAGES[] =
    "UPDATE messages SET text = '' WHERE contact_id IN (SELECT contact_id FROM cases WHERE"
    PURGE_WHERE ") AND text <> '' AND" PURGE_WINDOW("messages");
/* Every outbox row delivers a messages row (message_id): emptied with it
 * (index outbox_message). */
static const char SQL_PURGE_OUTBOX[] =
    "UPDATE outbox SET text = '' WHERE message_id IN (SELECT id FROM messages WHERE"
    " contact_id IN (SELECT contact_id FROM cases WHERE" PURGE_WHERE ") AND"
    PURGE_WINDOW("messages") ") AND text <> ''";
static const char SQL_PURGE_CASES[] =
    "UPDATE cases SET full_name = NULL, id_enc = NULL, callback_phone = NULL,"
    " description = NULL, purged_at = ?2 WHERE" PURGE_WHERE;

/* ---- status changes ---- */

static int case_status_of(store *s, int64_t id, case_status *status, int64_t *claimed_by)
{
    sqlite3_stmt *st = NULL;
    char name[16];
    int rc, src;

    if ((rc = store_stmt(s, SQL_STATUS, &st)))
        return rc;
    if ((rc = store_dberr(sqlite3_bind_int64(st, 1, id))))
        goto out;
    src = sqlite3_step(st);
    if (src != SQLITE_ROW) {
        rc = src == SQLITE_DONE ? HD_ENOTFOUND : store_dberr(src);
        goto out;
    }
    if ((rc = store_col_text(st, 0, name, sizeof name)) ||
        (rc = case_status_parse(name, status)))
        goto out;
    *claimed_by = sqlite3_column_int64(st, 1);
out:
    sqlite3_reset(st);
    return rc;
}

/* Step st, the bound UPDATE of case id, and on a change write the event
 * (kind, text) of user_id, in one transaction. When the guard refuses:
 * HD_ENOTFOUND without such a case, HD_OK when `same_claim` and user_id
 * holds the claim already, else HD_ESTATE. */
static int transition(store *s, int64_t id, sqlite3_stmt *st, int64_t user_id,
                      const char *kind, const char *text, int same_claim, int64_t now_ms)
{
    char actor[CASE_ACTOR_MAX];
    case_status cur = CASE_OPEN;
    int64_t holder = 0;
    int rc, src = SQLITE_OK, own = 0;

    if ((rc = store_tx_open(s, &own))) {
        sqlite3_reset(st);
        return rc;
    }
    rc = store_step_done(st, &src);
    if (src == SQLITE_CONSTRAINT_FOREIGNKEY)
        rc = HD_ENOTFOUND;          /* no such user */
    if (rc)
        goto out;
    if (sqlite3_changes(s->db) == 0) {
        if ((rc = case_status_of(s, id, &cur, &holder)))
            goto out;
        rc = same_claim && cur == CASE_CLAIMED && holder == user_id ? HD_OK : HD_ESTATE;
        goto out;
    }
    case_actor_user(user_id, actor);
    rc = store_case_event_add(s, id, actor, kind, 0, text, now_ms, NULL);
out:
    return store_tx_close(s, own, rc);
}

static int bind_user(sqlite3_stmt *st, int idx, int64_t user_id)
{
    return store_dberr(user_id ? sqlite3_bind_int64(st, idx, user_id)
                               : sqlite3_bind_null(st, idx));
}

int store_case_claim(store *s, int64_t id, int64_t user_id, int64_t now_ms)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (!s || id <= 0 || user_id <= 0 || now_ms < 0)
        return HD_EINVAL;
    if ((rc = store_stmt(s, SQL_CLAIM, &st)))
        return rc;
    if ((rc = store_dberr(sqlite3_bind_int64(st, 1, id))) ||
        (rc = bind_user(st, 2, user_id)) ||
        (rc = store_dberr(sqlite3_bind_int64(st, 3, now_ms)))) {
        sqlite3_reset(st);
        return rc;
    }
    return transition(s, id, st, user_id, "claimed", NULL, 1, now_ms);
}

int store_case_resolve(store *s, int64_t id, int64_t user_id, const char *note, int64_t now_ms)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (!s || id <= 0 || user_id < 0 || now_ms < 0 ||
        (note && strnlen(note, CASE_EVENT_TEXT_MAX) >= CASE_EVENT_TEXT_MAX))
        return HD_EINVAL;
    if ((rc = store_stmt(s, SQL_RESOLVE, &st)))
        return rc;
    if ((rc = store_dberr(sqlite3_bind_int64(st, 1, id))) ||
        (rc = bind_user(st, 2, user_id)) ||
        (rc = store_dberr(sqlite3_bind_int64(st, 3, now_ms)))) {
        sqlite3_reset(st);
        return rc;
    }
    return transition(s, id, st, user_id, "resolved", opt(note), 0, now_ms);
}

int store_case_close(store *s, int64_t id, int64_t user_id, case_close_reason why,
                     int64_t now_ms)
{
    sqlite3_stmt *st = NULL;
    const char *name = case_close_reason_name(why);
    int rc;

    if (!s || id <= 0 || user_id < 0 || now_ms < 0 || !*name)
        return HD_EINVAL;
    if ((rc = store_stmt(s, SQL_CLOSE, &st)))
        return rc;
    if ((rc = store_dberr(sqlite3_bind_int64(st, 1, id))) ||
        (rc = store_dberr(sqlite3_bind_int64(st, 2, now_ms))) ||
        (rc = store_bind_text(st, 3, name))) {
        sqlite3_reset(st);
        return rc;
    }
    return transition(s, id, st, user_id, "closed", name, 0, now_ms);
}

/* ---- retention ---- */

static int purge_step(store *s, const char *sql, int64_t cutoff_ms, int64_t now_ms,
                      int *changes)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if ((rc = store_stmt(s, sql, &st)))
        return rc;
    if ((rc = store_dberr(sqlite3_bind_int64(st, 1, cutoff_ms))) ||
        (sqlite3_bind_parameter_count(st) >= 2 &&
         (rc = store_dberr(sqlite3_bind_int64(st, 2, now_ms))))) {
        sqlite3_reset(st);
        return rc;
    }
    rc = store_step_done(st, NULL);
    if (!rc && changes)
        *changes = sqlite3_changes(s->db);
    return rc;
}

/* Texts first, then the events, then the cases: each statement selects by
 * purged_at IS NULL, which the last one sets. */
int store_case_purge(store *s, int64_t cutoff_ms, int64_t now_ms, int *n_purged)
{
    int rc, own = 0, n = 0;

    if (n_purged)
        *n_purged = 0;
    if (!s || cutoff_ms < 0 || now_ms < 0)
        return HD_EINVAL;
    if ((rc = store_tx_open(s, &own)))
        return rc;
    if ((rc = purge_step(s, SQL_PURGE_TEXTS, cutoff_ms, now_ms, NULL)) ||
        (rc = purge_step(s, SQL_PURGE_MESSAGES, cutoff_ms, now_ms, NULL)) ||
        (rc = purge_step(s, SQL_PURGE_OUTBOX, cutoff_ms, now_ms, NULL)) ||
        (rc = purge_step(s, SQL_PURGE_EVENTS, cutoff_ms, now_ms, NULL)) ||
        (rc = purge_step(s, SQL_PURGE_CASES, cutoff_ms, now_ms, &n)))
        goto out;
out:
    rc = store_tx_close(s, own, rc);
    if (!rc && n_purged)
        *n_purged = n;
    return rc;
}
