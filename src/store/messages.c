/* messages.c -- every inbound and outbound message. */
#include "store/messages.h"
#include "store/contacts.h"
#include "store_internal.h"
#include "core/err.h"

#include <string.h>

static const char SQL_ADD[] =
    "INSERT INTO messages (contact_id, dir, channel, external_id, text, intent,"
    " status, created_at, help, help_intent) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
static const char SQL_COUNT[] =
    "SELECT COUNT(*) FROM messages WHERE contact_id = ?1 AND dir = ?2";

static const char *dir_name(store_dir d)
{
    return d == STORE_IN ? "in" : "out";
}

int store_message_add(store *s, const store_message_new *m, int64_t *id_out)
{
    sqlite3_stmt *st = NULL;
    const char *ext;
    int rc, src = SQLITE_OK;

    if (id_out)
        *id_out = 0;
    if (!s || !m || m->contact_id <= 0 || (m->dir != STORE_IN && m->dir != STORE_OUT) ||
        !m->text || !m->status || !*m->status || m->created_at < 0)
        return HD_EINVAL;
    if ((rc = store_check_str(m->channel, STORE_CHANNEL_MAX)))
        return rc;
    if (m->help && (m->dir != STORE_IN ||
                    (strcmp(m->help, "bot") != 0 && strcmp(m->help, "person") != 0)))
        return HD_EINVAL;
    if (m->help && (rc = store_check_str(m->help_intent, STORE_INTENT_MAX)))
        return rc;
    /* An empty provider id is no id: it must not make every such message a
     * duplicate of the first. */
    ext = m->external_id && *m->external_id ? m->external_id : NULL;

    if ((rc = store_stmt(s, SQL_ADD, &st)))
        goto out;
    if ((rc = store_dberr(sqlite3_bind_int64(st, 1, m->contact_id))) ||
        (rc = store_bind_text(st, 2, dir_name(m->dir))) ||
        (rc = store_bind_text(st, 3, m->channel)) ||
        (rc = store_bind_text(st, 4, ext)) ||
        (rc = store_bind_text(st, 5, m->text)) ||
        (rc = store_bind_text(st, 6, m->intent)) ||
        (rc = store_bind_text(st, 7, m->status)) ||
        (rc = store_dberr(sqlite3_bind_int64(st, 8, m->created_at))) ||
        (rc = store_bind_text(st, 9, m->help)) ||
        (rc = store_bind_text(st, 10, m->help ? m->help_intent : NULL)))
        goto out;
    rc = store_step_done(st, &src);
    /* The only unique key of messages besides the rowid is the inbound one. */
    if (src == SQLITE_CONSTRAINT_UNIQUE && m->dir == STORE_IN)
        rc = HD_EDUP;
    else if (src == SQLITE_CONSTRAINT_FOREIGNKEY)
        rc = HD_ENOTFOUND;          /* no such contact */
    if (!rc && id_out)
        *id_out = sqlite3_last_insert_rowid(s->db);
out:
    sqlite3_reset(st);
    return rc;
}

int store_message_count(store *s, int64_t contact_id, store_dir dir, int64_t *count)
{
    sqlite3_stmt *st = NULL;
    int rc, src;

    if (count)
        *count = 0;
    if (!s || !count || contact_id <= 0 || (dir != STORE_IN && dir != STORE_OUT))
        return HD_EINVAL;
    if ((rc = store_stmt(s, SQL_COUNT, &st)))
        goto out;
    if ((rc = store_dberr(sqlite3_bind_int64(st, 1, contact_id))) ||
        (rc = store_bind_text(st, 2, dir_name(dir))))
        goto out;
    src = sqlite3_step(st);
    if (src == SQLITE_ROW)
        *count = sqlite3_column_int64(st, 0);
    else
        rc = src == SQLITE_DONE ? HD_EDB : store_dberr(src);
out:
    sqlite3_reset(st);
    return rc;
}

/* The newest max messages (a long conversation shows its end), returned
 * oldest first. */
static const char SQL_LIST[] =
    "SELECT * FROM (SELECT id, dir, substr(text, 1, 4000), status, created_at FROM messages"
    " WHERE contact_id = ?1 AND created_at >= ?2 ORDER BY created_at DESC, id DESC LIMIT ?3)"
    " ORDER BY 5, 1";

int store_message_list(store *s, int64_t contact_id, int64_t since_ms,
                       store_message *rows, int max, int *n)
{
    sqlite3_stmt *st = NULL;
    int rc, src;

    if (!s || contact_id <= 0 || !rows || max <= 0 || !n)
        return HD_EINVAL;
    *n = 0;
    if ((rc = store_stmt(s, SQL_LIST, &st)))
        return rc;
    if ((rc = store_dberr(sqlite3_bind_int64(st, 1, contact_id))) ||
        (rc = store_dberr(sqlite3_bind_int64(st, 2, since_ms))) ||
        (rc = store_dberr(sqlite3_bind_int(st, 3, max))))
        goto out;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        store_message *m = &rows[*n];
        const char *dir = (const char *)sqlite3_column_text(st, 1);

        m->id = sqlite3_column_int64(st, 0);
        m->dir = dir && strcmp(dir, "out") == 0 ? STORE_OUT : STORE_IN;
        /* substr() counts characters: 4000 of them fit the field unless
         * they are 4-byte ones, then the copy refuses and the text is "". */
        store_col_text(st, 2, m->text, sizeof m->text);
        store_col_text(st, 3, m->status, sizeof m->status);
        m->created_at = sqlite3_column_int64(st, 4);
        (*n)++;
    }
    if (src != SQLITE_DONE)
        rc = store_dberr(src);
out:
    sqlite3_reset(st);
    return rc;
}
