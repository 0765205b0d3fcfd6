/* contact_facts.c -- what the help line learns about a contact on the way. */
#include "core/err.h"
#include "store/contacts.h"
#include "store_internal.h"

static const char SQL_LEARN[] =
    "UPDATE contacts SET commune_code = coalesce(?2, commune_code),"
    " phone = CASE WHEN channel = 'sms' THEN phone ELSE coalesce(?3, phone) END"
    " WHERE id = ?1";

int store_contact_learn(store *s, int64_t id, const char *commune_code, const char *phone)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (!s || id <= 0)
        return HD_EINVAL;
    if ((rc = store_stmt(s, SQL_LEARN, &st)))
        return rc;
    if ((rc = store_dberr(sqlite3_bind_int64(st, 1, id))) ||
        (rc = store_bind_text(st, 2, commune_code && *commune_code ? commune_code : NULL)) ||
        (rc = store_bind_text(st, 3, phone && *phone ? phone : NULL))) {
        sqlite3_reset(st);
        return rc;
    }
    rc = store_step_done(st, NULL);
    if (rc == HD_OK && sqlite3_changes(s->db) == 0)
        rc = HD_ENOTFOUND;
    return rc;
}
