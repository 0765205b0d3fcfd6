/* contacts_import.c -- a citizen from a commune police list, as an SMS contact.
 *
 * Insert-or-nothing, then an update, rather than one INSERT ... DO UPDATE:
 * the caller wants to know whether the number was new, and a known contact
 * must keep everything but the three columns a list speaks about (its
 * state, history and opt-out are the citizen's, not the list's). */
#include "store/contacts.h"
#include "store/communes.h"
#include "store_internal.h"
#include "core/err.h"

#include <string.h>

static const char SQL_INSERT[] =
    "INSERT INTO contacts (channel, address, state, opted_out, created_at,"
    " commune_code, display_name, listed_not_activated)"
    " VALUES ('sms', ?1, '', 0, ?2, ?3, ?4, 1)"
    " ON CONFLICT (channel, address) DO NOTHING";
/* An empty name in the list says nothing: the known one stays. */
static const char SQL_UPDATE[] =
    "UPDATE contacts SET commune_code = ?2, display_name = COALESCE(?3, display_name),"
    " listed_not_activated = 1"
    " WHERE channel = 'sms' AND address = ?1 RETURNING id";

int store_contact_import_upsert(store *s, const char *address, const char *commune_code,
                                const char *display_name, int64_t now_ms,
                                int64_t *id_out, int *created)
{
    sqlite3_stmt *st = NULL;
    int rc, src;

    if (!s || now_ms < 0)
        return HD_EINVAL;
    if ((rc = store_check_str(address, STORE_ADDRESS_MAX)) ||
        (rc = store_check_str(commune_code, STORE_COMMUNE_CODE_MAX)))
        return rc;
    if (display_name && !*display_name)
        display_name = NULL;
    if (created)
        *created = 0;

    if ((rc = store_stmt(s, SQL_INSERT, &st)))
        goto out;
    if ((rc = store_bind_text(st, 1, address)) ||
        (rc = store_dberr(sqlite3_bind_int64(st, 2, now_ms))) ||
        (rc = store_bind_text(st, 3, commune_code)) ||
        (rc = store_bind_text(st, 4, display_name)))
        goto out;
    if ((rc = store_step_done(st, NULL)))
        goto out;
    if (sqlite3_changes(s->db) == 1) {
        if (created)
            *created = 1;
        if (id_out)
            *id_out = sqlite3_last_insert_rowid(s->db);
        goto out;
    }

    if ((rc = store_stmt(s, SQL_UPDATE, &st)))
        goto out;
    if ((rc = store_bind_text(st, 1, address)) ||
        (rc = store_bind_text(st, 2, commune_code)) ||
        (rc = store_bind_text(st, 3, display_name)))
        goto out;
    src = sqlite3_step(st);
    if (src != SQLITE_ROW) {
        /* The insert found it: only a concurrent delete could hide it now. */
        rc = src == SQLITE_DONE ? HD_EDB : store_dberr(src);
        goto out;
    }
    if (id_out)
        *id_out = sqlite3_column_int64(st, 0);
    src = sqlite3_step(st);
    rc = src == SQLITE_DONE ? HD_OK : store_dberr(src);
out:
    sqlite3_reset(st);
    return rc;
}
