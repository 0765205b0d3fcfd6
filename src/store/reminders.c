/* reminders.c -- the daily cap (reminders.h), and taking back a reminder
 * that never went out. */
#include "store/reminders.h"
#include "campaign_int.h"
#include "core/err.h"

#include <string.h>

#define DAY_LEN 10   /* YYYY-MM-DD */

static const char SQL_HAS[] =
    "SELECT 1 FROM reminder_days WHERE contact_id = ?1 AND day = ?2";
static const char SQL_TAKE[] =
    "INSERT INTO reminder_days (contact_id, day) VALUES (?1, ?2) ON CONFLICT DO NOTHING";
static const char SQL_DROP[] =
    "DELETE FROM reminder_days WHERE contact_id = ?1 AND day = ?2";
/* Mirrors outbox.c's rule: an UPDATE names the states it may leave from. */
static const char SQL_TAKE_BACK[] =
    "UPDATE outbox SET status = 'cancelled', updated_at = ?2 WHERE id = ?1 AND status = 'queued'";
static const char SQL_TAKE_BACK_MSG[] =
    "UPDATE messages SET status = 'cancelled'"
    " WHERE id = (SELECT message_id FROM outbox WHERE id = ?1)";

static int check(store *s, int64_t contact_id, const char *day)
{
    if (!s || contact_id <= 0 || !day || strlen(day) != DAY_LEN)
        return HD_EINVAL;
    return HD_OK;
}

static int bind2(sqlite3_stmt *st, int64_t contact_id, const char *day)
{
    int rc = store_dberr(sqlite3_bind_int64(st, 1, contact_id));
    return rc ? rc : store_bind_text(st, 2, day);
}

int store_reminder_has(store *s, int64_t contact_id, const char *day, int *has)
{
    sqlite3_stmt *st = NULL;
    int rc, src;

    if (has)
        *has = 0;
    if (!has || (rc = check(s, contact_id, day)))
        return HD_EINVAL;
    if ((rc = store_stmt(s, SQL_HAS, &st)) || (rc = bind2(st, contact_id, day)))
        goto out;
    src = sqlite3_step(st);
    *has = src == SQLITE_ROW;
    rc = store_dberr(src);
out:
    sqlite3_reset(st);
    return rc;
}

int store_reminder_take(store *s, int64_t contact_id, const char *day)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if ((rc = check(s, contact_id, day)))
        return rc;
    if ((rc = store_stmt(s, SQL_TAKE, &st)) || (rc = bind2(st, contact_id, day))) {
        sqlite3_reset(st);
        return rc;
    }
    if ((rc = store_step_done(st, NULL)))
        return rc;
    return sqlite3_changes(s->db) == 1 ? HD_OK : HD_EDUP;
}

int store_reminder_drop(store *s, int64_t contact_id, const char *day)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if ((rc = check(s, contact_id, day)))
        return rc;
    if ((rc = store_stmt(s, SQL_DROP, &st)) || (rc = bind2(st, contact_id, day))) {
        sqlite3_reset(st);
        return rc;
    }
    return store_step_done(st, NULL);
}

int store_outbox_take_back(store *s, int64_t outbox_id, int64_t now_ms)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (!s || outbox_id <= 0)
        return HD_EINVAL;
    if ((rc = store_stmt(s, SQL_TAKE_BACK, &st)))
        return rc;
    if ((rc = store_dberr(sqlite3_bind_int64(st, 1, outbox_id))) ||
        (rc = store_dberr(sqlite3_bind_int64(st, 2, now_ms))) ||
        (rc = store_step_done(st, NULL)))
        goto out;
    if (sqlite3_changes(s->db) != 1) {
        rc = HD_ESTATE;
        goto out;
    }
    if ((rc = store_stmt(s, SQL_TAKE_BACK_MSG, &st)))
        goto out;
    if ((rc = store_dberr(sqlite3_bind_int64(st, 1, outbox_id))))
        goto out;
    rc = store_step_done(st, NULL);
out:
    sqlite3_reset(st);
    return rc;
}
