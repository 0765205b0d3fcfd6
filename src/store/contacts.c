/* contacts.c -- a citizen on one channel, and their dialogue state. */
#include "store/contacts.h"
#include "store_internal.h"
#include "core/err.h"

#include <string.h>

/* The open case comes with the contact (index cases_one_active): every
 * inbound message needs both, and one statement is cheaper than two. */
#define CONTACT_COLS "id, channel, address, state, opted_out, created_at, " \
                     "COALESCE(last_inbound_at, 0), COALESCE((SELECT k.id FROM cases k" \
                     " WHERE k.contact_id = contacts.id AND k.status IN ('open', 'claimed')), 0)"

/* SELECT first: the common case, a known contact, is one read and writes
 * nothing. A new one is inserted (DO NOTHING: another connection may have
 * inserted it meanwhile) and read again. */
static const char SQL_INSERT[] =
    "INSERT INTO contacts (channel, address, state, opted_out, created_at)"
    " VALUES (?1, ?2, '', 0, ?3) ON CONFLICT (channel, address) DO NOTHING";
static const char SQL_BY_KEY[] =
    "SELECT " CONTACT_COLS " FROM contacts WHERE channel = ?1 AND address = ?2";
static const char SQL_BY_ID[] =
    "SELECT " CONTACT_COLS " FROM contacts WHERE id = ?1";
/* opted_out_at is when the citizen last said stop (the daily report counts
 * opt-outs by day); opting in again clears it. */
static const char SQL_SAVE[] =
    "UPDATE contacts SET state = ?2,"
    " opted_out_at = CASE WHEN ?3 AND NOT opted_out THEN ?5"
    "                     WHEN NOT ?3 THEN NULL ELSE opted_out_at END,"
    " opted_out = ?3,"
    " last_inbound_at = CASE WHEN ?4 THEN ?5 ELSE last_inbound_at END"
    " WHERE id = ?1";

/* Step st (already bound) and read its one row into out. */
static int contact_read(sqlite3_stmt *st, store_contact *out)
{
    int src, rc;

    memset(out, 0, sizeof *out);
    src = sqlite3_step(st);
    if (src == SQLITE_DONE)
        return HD_ENOTFOUND;
    if (src != SQLITE_ROW)
        return store_dberr(src);
    out->id = sqlite3_column_int64(st, 0);
    rc = store_col_text(st, 1, out->channel, sizeof out->channel);
    if (!rc)
        rc = store_col_text(st, 2, out->address, sizeof out->address);
    if (!rc)
        rc = store_col_text(st, 3, out->state, sizeof out->state);
    out->opted_out = sqlite3_column_int(st, 4) != 0;
    out->created_at = sqlite3_column_int64(st, 5);
    out->last_inbound_at = sqlite3_column_int64(st, 6);
    out->open_case_id = sqlite3_column_int64(st, 7);
    return rc;
}

int store_contact_upsert(store *s, const char *channel, const char *address,
                         int64_t now_ms, store_contact *out)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (!s || !out || now_ms < 0)
        return HD_EINVAL;
    if ((rc = store_check_str(channel, STORE_CHANNEL_MAX)) ||
        (rc = store_check_str(address, STORE_ADDRESS_MAX)))
        return rc;

    for (int pass = 0; pass < 2; pass++) {
        if ((rc = store_stmt(s, SQL_BY_KEY, &st)))
            goto out;
        if ((rc = store_bind_text(st, 1, channel)) || (rc = store_bind_text(st, 2, address)))
            goto out;
        rc = contact_read(st, out);
        sqlite3_reset(st);
        if (rc != HD_ENOTFOUND || pass == 1)
            break;
        if ((rc = store_stmt(s, SQL_INSERT, &st)))
            goto out;
        if ((rc = store_bind_text(st, 1, channel)) || (rc = store_bind_text(st, 2, address)) ||
            (rc = store_dberr(sqlite3_bind_int64(st, 3, now_ms))))
            goto out;
        if ((rc = store_step_done(st, NULL)))
            goto out;
    }
    /* Not found right after the insert: only a concurrent delete could. */
    if (rc == HD_ENOTFOUND)
        rc = HD_EDB;
out:
    sqlite3_reset(st);
    return rc;
}

int store_contact_get(store *s, int64_t id, store_contact *out)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (!s || !out || id <= 0)
        return HD_EINVAL;
    if ((rc = store_stmt(s, SQL_BY_ID, &st)))
        goto out;
    if ((rc = store_dberr(sqlite3_bind_int64(st, 1, id))))
        goto out;
    rc = contact_read(st, out);
out:
    sqlite3_reset(st);
    return rc;
}

int store_contact_save(store *s, int64_t id, const char *state_json,
                       int opted_out, int inbound, int64_t now_ms)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (!s || id <= 0 || !state_json || now_ms < 0)
        return HD_EINVAL;
    /* Rejected rather than cut: a truncated JSON state is a corrupt one. */
    if (strnlen(state_json, STORE_STATE_MAX) >= STORE_STATE_MAX)
        return HD_ETOOBIG;

    if ((rc = store_stmt(s, SQL_SAVE, &st)))
        goto out;
    if ((rc = store_dberr(sqlite3_bind_int64(st, 1, id))) ||
        (rc = store_bind_text(st, 2, state_json)) ||
        (rc = store_dberr(sqlite3_bind_int(st, 3, opted_out != 0))) ||
        (rc = store_dberr(sqlite3_bind_int(st, 4, inbound != 0))) ||
        (rc = store_dberr(sqlite3_bind_int64(st, 5, now_ms))))
        goto out;
    if ((rc = store_step_done(st, NULL)))
        goto out;
    if (sqlite3_changes(s->db) == 0)
        rc = HD_ENOTFOUND;
out:
    sqlite3_reset(st);
    return rc;
}
