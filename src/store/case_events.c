/* case_events.c -- the history of a case, and the drafts of intakes.
 *
 * The history is append-only except for the retention purge (cases.c),
 * which blanks the texts people wrote. A draft holds the sealed ID number
 * that a citizen typed during an intake; the dialogue state keeps only the
 * masked form, so the number never travels in the contacts.state JSON. */
#include "store/cases.h"
#include "store_internal.h"
#include "core/err.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const char SQL_EVENT_ADD[] =
    "INSERT INTO case_events (case_id, at, actor, kind, message_id, text)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
static const char SQL_EVENTS[] =
    "SELECT id, case_id, at, message_id, actor, kind, text FROM ("
    " SELECT id, case_id, at, COALESCE(message_id, 0) AS message_id, actor, kind, text"
    " FROM case_events WHERE case_id = ?1 ORDER BY at DESC, id DESC LIMIT ?2"
    ") ORDER BY at, id";
static const char SQL_DRAFT_PUT[] =
    "INSERT INTO case_drafts (contact_id, id_enc, id_last4, updated_at)"
    " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (contact_id) DO UPDATE SET"
    " id_enc = excluded.id_enc, id_last4 = excluded.id_last4, updated_at = excluded.updated_at";
static const char SQL_DRAFT_GET[] =
    "SELECT id_enc, id_last4 FROM case_drafts WHERE contact_id = ?1";
static const char SQL_DRAFT_DEL[] = "DELETE FROM case_drafts WHERE contact_id = ?1";
static const char SQL_DRAFT_EXPIRE[] = "DELETE FROM case_drafts WHERE updated_at < ?1";

void case_actor_user(int64_t user_id, char out[CASE_ACTOR_MAX])
{
    if (user_id > 0)
        snprintf(out, CASE_ACTOR_MAX, "user:%" PRId64, user_id);
    else
        snprintf(out, CASE_ACTOR_MAX, "system");
}

int store_case_event_add(store *s, int64_t case_id, const char *actor, const char *kind,
                         int64_t message_id, const char *text, int64_t now_ms,
                         int64_t *id_out)
{
    sqlite3_stmt *st = NULL;
    int rc, src = SQLITE_OK;

    if (id_out)
        *id_out = 0;
    if (!s || case_id <= 0 || message_id < 0 || now_ms < 0 ||
        (text && strnlen(text, CASE_EVENT_TEXT_MAX) >= CASE_EVENT_TEXT_MAX))
        return HD_EINVAL;
    if ((rc = store_check_str(actor, CASE_ACTOR_MAX)) ||
        (rc = store_check_str(kind, sizeof ((store_case_event *)0)->kind)))
        return HD_EINVAL;
    if ((rc = store_stmt(s, SQL_EVENT_ADD, &st)))
        return rc;
    if ((rc = store_dberr(sqlite3_bind_int64(st, 1, case_id))) ||
        (rc = store_dberr(sqlite3_bind_int64(st, 2, now_ms))) ||
        (rc = store_bind_text(st, 3, actor)) ||
        (rc = store_bind_text(st, 4, kind)) ||
        (rc = store_dberr(message_id ? sqlite3_bind_int64(st, 5, message_id)
                                     : sqlite3_bind_null(st, 5))) ||
        (rc = store_bind_text(st, 6, text && *text ? text : NULL)))
        goto out;
    rc = store_step_done(st, &src);
    if (src == SQLITE_CONSTRAINT_CHECK)
        rc = HD_EINVAL;             /* an actor or kind the table does not know */
    else if (src == SQLITE_CONSTRAINT_FOREIGNKEY)
        rc = HD_ENOTFOUND;          /* no such case or message */
    if (!rc && id_out)
        *id_out = sqlite3_last_insert_rowid(s->db);
out:
    sqlite3_reset(st);
    return rc;
}

int store_case_events(store *s, int64_t case_id, store_case_event *rows, int max, int *n)
{
    sqlite3_stmt *st = NULL;
    int rc, src = SQLITE_DONE, k = 0;

    if (n)
        *n = 0;
    if (!s || case_id <= 0 || !rows || max <= 0 || !n)
        return HD_EINVAL;
    if ((rc = store_stmt(s, SQL_EVENTS, &st)))
        return rc;
    if ((rc = store_dberr(sqlite3_bind_int64(st, 1, case_id))) ||
        (rc = store_dberr(sqlite3_bind_int(st, 2, max))))
        goto out;
    while (k < max && (src = sqlite3_step(st)) == SQLITE_ROW) {
        store_case_event *e = &rows[k];
        memset(e, 0, sizeof *e);
        e->id = sqlite3_column_int64(st, 0);
        e->case_id = sqlite3_column_int64(st, 1);
        e->at = sqlite3_column_int64(st, 2);
        e->message_id = sqlite3_column_int64(st, 3);
        if ((rc = store_col_text(st, 4, e->actor, sizeof e->actor)) ||
            (rc = store_col_text(st, 5, e->kind, sizeof e->kind)) ||
            (rc = store_col_text(st, 6, e->text, sizeof e->text)))
            goto out;
        k++;
    }
    if (k < max)
        rc = store_dberr(src);
out:
    sqlite3_reset(st);
    if (!rc)
        *n = k;
    return rc;
}

/* ---- drafts ---- */

static int last4_ok(const char *v)
{
    if (!v || strnlen(v, CASE_LAST4_MAX) != 4)
        return 0;
    for (int i = 0; i < 4; i++)
        if (v[i] < '0' || v[i] > '9')
            return 0;
    return 1;
}

int store_case_draft_put(store *s, int64_t contact_id, const unsigned char *id_enc,
                         size_t len, const char *id_last4, int64_t now_ms)
{
    sqlite3_stmt *st = NULL;
    int rc, src = SQLITE_OK;

    if (!s || contact_id <= 0 || !id_enc || len == 0 || len > CASE_ID_ENC_MAX ||
        !last4_ok(id_last4) || now_ms < 0)
        return HD_EINVAL;
    if ((rc = store_stmt(s, SQL_DRAFT_PUT, &st)))
        return rc;
    if ((rc = store_dberr(sqlite3_bind_int64(st, 1, contact_id))) ||
        (rc = store_dberr(sqlite3_bind_blob(st, 2, id_enc, (int)len, SQLITE_STATIC))) ||
        (rc = store_bind_text(st, 3, id_last4)) ||
        (rc = store_dberr(sqlite3_bind_int64(st, 4, now_ms))))
        goto out;
    rc = store_step_done(st, &src);
    if (src == SQLITE_CONSTRAINT_FOREIGNKEY)
        rc = HD_ENOTFOUND;          /* no such contact */
out:
    sqlite3_reset(st);
    return rc;
}

int store_case_draft_get(store *s, int64_t contact_id, unsigned char *id_enc, size_t cap,
                         size_t *len, char id_last4[CASE_LAST4_MAX])
{
    sqlite3_stmt *st = NULL;
    const void *blob;
    int rc, src, nb;

    if (len)
        *len = 0;
    if (id_last4)
        id_last4[0] = '\0';
    if (!s || contact_id <= 0 || !id_enc || !len || !id_last4)
        return HD_EINVAL;
    if ((rc = store_stmt(s, SQL_DRAFT_GET, &st)))
        return rc;
    if ((rc = store_dberr(sqlite3_bind_int64(st, 1, contact_id))))
        goto out;
    src = sqlite3_step(st);
    if (src != SQLITE_ROW) {
        rc = src == SQLITE_DONE ? HD_ENOTFOUND : store_dberr(src);
        goto out;
    }
    blob = sqlite3_column_blob(st, 0);
    nb = sqlite3_column_bytes(st, 0);
    if (nb < 0 || (size_t)nb > cap) {
        rc = HD_ETOOBIG;
        goto out;
    }
    if ((rc = store_col_text(st, 1, id_last4, CASE_LAST4_MAX)))
        goto out;
    if (blob && nb > 0)
        memcpy(id_enc, blob, (size_t)nb);
    *len = (size_t)nb;
out:
    sqlite3_reset(st);
    return rc;
}

int store_case_draft_delete(store *s, int64_t contact_id)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (!s || contact_id <= 0)
        return HD_EINVAL;
    if ((rc = store_stmt(s, SQL_DRAFT_DEL, &st)))
        return rc;
    if ((rc = store_dberr(sqlite3_bind_int64(st, 1, contact_id)))) {
        sqlite3_reset(st);
        return rc;
    }
    return store_step_done(st, NULL);
}

int store_case_draft_expire(store *s, int64_t older_than_ms, int *n_deleted)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (n_deleted)
        *n_deleted = 0;
    if (!s)
        return HD_EINVAL;
    if ((rc = store_stmt(s, SQL_DRAFT_EXPIRE, &st)))
        return rc;
    if ((rc = store_dberr(sqlite3_bind_int64(st, 1, older_than_ms)))) {
        sqlite3_reset(st);
        return rc;
    }
    rc = store_step_done(st, NULL);
    if (!rc && n_deleted)
        *n_deleted = sqlite3_changes(s->db);
    return rc;
}
