/* help.c -- help requests: one row for each question the help line handled,
 * and later the citizen's answer to "did it work?". */
#include "store/help.h"
#include "store_internal.h"
#include "core/err.h"

#include <string.h>

/* Intent ids are short ASCII words (shared/intents.tsv); anything longer is
 * not one. */
#define HELP_INTENT_MAX 64

static const char SQL_ADD[] =
    "INSERT INTO help_requests (contact_id, message_id, intent, resolution, created_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5)";
/* The latest request of that intent; id breaks ties within one millisecond. */
static const char SQL_OUTCOME[] =
    "UPDATE help_requests SET outcome = ?3, outcome_at = ?4 WHERE id = ("
    " SELECT id FROM help_requests WHERE contact_id = ?1 AND intent = ?2"
    " ORDER BY created_at DESC, id DESC LIMIT 1)";

int store_help_add(store *s, int64_t contact_id, int64_t message_id,
                   const char *intent, const char *resolution, int64_t now_ms,
                   int64_t *id_out)
{
    sqlite3_stmt *st = NULL;
    int rc, src = SQLITE_OK;

    if (id_out)
        *id_out = 0;
    if (!s || contact_id <= 0 || message_id < 0 || now_ms < 0 || !resolution ||
        (strcmp(resolution, "bot") != 0 && strcmp(resolution, "person") != 0))
        return HD_EINVAL;
    if ((rc = store_check_str(intent, HELP_INTENT_MAX)))
        return rc;

    if ((rc = store_stmt(s, SQL_ADD, &st)))
        goto out;
    /* message_id 0: a request not tied to one stored message. */
    if ((rc = store_dberr(sqlite3_bind_int64(st, 1, contact_id))) ||
        (rc = store_dberr(message_id ? sqlite3_bind_int64(st, 2, message_id)
                                     : sqlite3_bind_null(st, 2))) ||
        (rc = store_bind_text(st, 3, intent)) ||
        (rc = store_bind_text(st, 4, resolution)) ||
        (rc = store_dberr(sqlite3_bind_int64(st, 5, now_ms))))
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

int store_help_set_outcome(store *s, int64_t contact_id, const char *intent,
                           const char *outcome, int64_t now_ms)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (!s || contact_id <= 0 || now_ms < 0 || !outcome ||
        (strcmp(outcome, "solved") != 0 && strcmp(outcome, "failed") != 0))
        return HD_EINVAL;
    if ((rc = store_check_str(intent, HELP_INTENT_MAX)))
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
