/* help.c -- the citizen's answer to "did it work?" on a help request (an
 * inbound message the help line handled as a question, store/messages.h). */
#include "store/help.h"
#include "store_internal.h"
#include "core/err.h"

#include <string.h>

/* The latest help request of that intent (store/messages.h: a help request
 * is an inbound message with help set); id breaks ties within one
 * millisecond. Found through the contact's messages, newest first. */
static const char SQL_OUTCOME[] =
    "UPDATE messages SET outcome = ?3, outcome_at = ?4 WHERE id = ("
    " SELECT id FROM messages WHERE contact_id = ?1 AND dir = 'in' AND help IS NOT NULL"
    " AND help_intent = ?2 ORDER BY created_at DESC, id DESC LIMIT 1)";

int store_help_set_outcome(store *s, int64_t contact_id, const char *intent,
                           const char *outcome, int64_t now_ms)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (!s || contact_id <= 0 || now_ms < 0 || !outcome ||
        (strcmp(outcome, "solved") != 0 && strcmp(outcome, "failed") != 0))
        return HD_EINVAL;
    if ((rc = store_check_str(intent, STORE_INTENT_MAX)))
        return rc;

    if ((rc = store_stmt(s, SQL_OUTCOME, &st)))
        goto out;
    if ((rc = store_dberr(sqlite3_bind_int64(st, 1, contact_id))) ||
        (rc = store_bind_text(st, 2, intent)) ||
        (rc = store_bind_text(st, 3, outcome)) ||
        (rc = store_dberr(sqlite3_bind_int64(st, 4, now_ms))))
        goto out;
    if ((rc = store_step_done(st, NULL)))
        goto out;
    if (sqlite3_changes(s->db) == 0)
        rc = HD_ENOTFOUND;
out:
    sqlite3_reset(st);
    return rc;
}
