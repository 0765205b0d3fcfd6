/* broadcasts.c -- the broadcasts table: create, read, the planner's
 * progress, staff's actions (broadcasts.h). Recipients and counts are in
 * broadcast_recipients.c.
 *
 * The audience's communes are kept as a JSON array of codes, which the
 * selection reads with json_each(); codes are digits, checked on the way in,
 * so the array is written here without a JSON library. */
#include "store/broadcasts.h"
#include "store_internal.h"
#include "store_tx.h"
#include "core/err.h"

#include <stdio.h>
#include <string.h>

static const char *const status_names[] = {
    [BROADCAST_SCHEDULED] = "scheduled", [BROADCAST_SENDING] = "sending",
    [BROADCAST_WAITING] = "waiting_window", [BROADCAST_PAUSED] = "paused",
    [BROADCAST_DONE] = "done", [BROADCAST_CANCELLED] = "cancelled",
};

#define BC_COLS "id, name, text, segment, COALESCE(province_code, ''), communes, send_at," \
                " status, cursor, COALESCE(audience, -1), COALESCE(created_by, 0)," \
                " created_at, updated_at, COALESCE(done_at, 0)"

static const char SQL_ADD[] =
    "INSERT INTO broadcasts (name, text, segment, province_code, communes, send_at, status,"
    " cursor, created_by, created_at, updated_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'scheduled', 0, ?7, ?8, ?8)";
static const char SQL_GET[] = "SELECT " BC_COLS " FROM broadcasts WHERE id = ?1";
static const char SQL_LIST[] =
    "SELECT " BC_COLS " FROM broadcasts WHERE ?1 IS NULL OR province_code = ?1"
    " ORDER BY id DESC LIMIT ?2";
static const char SQL_DUE[] =
    "SELECT id FROM broadcasts WHERE status IN ('scheduled', 'sending', 'waiting_window')"
    " AND send_at <= ?1 ORDER BY send_at, id LIMIT ?2";
static const char SQL_ACTIVE[] =
    "SELECT id FROM broadcasts WHERE status IN ('scheduled', 'sending', 'waiting_window')"
    " ORDER BY id LIMIT ?1";
static const char SQL_PROGRESS[] =
    "UPDATE broadcasts SET status = ?2, cursor = ?3,"
    " audience = CASE WHEN ?4 >= 0 THEN ?4 ELSE audience END, updated_at = ?5,"
    " done_at = CASE WHEN ?2 = 'done' THEN ?5 ELSE done_at END WHERE id = ?1";
/* ?3: the statuses it may leave from, as ",a,b,". */
static const char SQL_SET_STATUS[] =
    "UPDATE broadcasts SET status = ?2, updated_at = ?4,"
    " done_at = CASE WHEN ?2 = 'cancelled' THEN ?4 ELSE done_at END"
    " WHERE id = ?1 AND instr(?3, ',' || status || ',') > 0";
static const char SQL_OUTBOX_MOVE[] =
    "UPDATE outbox SET status = ?4, updated_at = ?5"
    " WHERE broadcast_id = ?1 AND status IN (?2, ?3)";
static const char SQL_MESSAGES_MIRROR[] =
    "UPDATE messages SET status = ?2 WHERE id IN"
    " (SELECT message_id FROM outbox WHERE broadcast_id = ?1 AND status = ?2"
    "  AND message_id IS NOT NULL) AND status <> ?2";
const char *broadcast_status_name(broadcast_status st)
{
    return (unsigned)st <= BROADCAST_CANCELLED ? status_names[st] : "";
}

static int status_parse(const char *name, broadcast_status *out)
{
    for (int i = 0; i <= BROADCAST_CANCELLED; i++)
        if (strcmp(name, status_names[i]) == 0) {
            *out = (broadcast_status)i;
            return HD_OK;
        }
    return HD_EDB;   /* the CHECK of migration 4 allows nothing else */
}

/* ["00004","00008"] from the codes; "" when there are none. */
static int communes_json(const store_audience *a, char *out, size_t cap)
{
    size_t n = 0;

    out[0] = '\0';
    if (a->ncommunes < 0 || a->ncommunes > BROADCAST_COMMUNES_MAX)
        return HD_EINVAL;
    if (a->ncommunes == 0)
        return HD_OK;
    for (int i = 0; i < a->ncommunes; i++) {
        const char *c = a->communes[i];
        if (!c[0] || strspn(c, "0123456789") != strlen(c))
            return HD_EINVAL;
        n += (size_t)snprintf(out + n, cap - n, "%s\"%s\"", i ? "," : "[", c);
        if (n >= cap)
            return HD_ETOOBIG;
    }
    if (n + 2 > cap)
        return HD_ETOOBIG;
    memcpy(out + n, "]", 2);
    return HD_OK;
}

/* The inverse, for codes this file wrote: every quoted run of digits. */
static void communes_parse(const char *json, store_audience *a)
{
    const char *p = json;

    a->ncommunes = 0;
    while (p && (p = strchr(p, '"')) != NULL && a->ncommunes < BROADCAST_COMMUNES_MAX) {
        size_t n = strspn(p + 1, "0123456789");
        if (p[1 + n] == '"' && n > 0 && n < STORE_COMMUNE_CODE_MAX) {
            memcpy(a->communes[a->ncommunes], p + 1, n);
            a->communes[a->ncommunes++][n] = '\0';
        }
        p += n + 2;
    }
}

int store_broadcast_add(store *s, const store_broadcast *b, int64_t now_ms, int64_t *id_out)
{
    char communes[BROADCAST_COMMUNES_MAX * (STORE_COMMUNE_CODE_MAX + 3) + 4];
    sqlite3_stmt *st = NULL;
    int rc, src = SQLITE_OK;

    if (id_out)
        *id_out = 0;
    if (!s || !b || b->send_at < 0 || now_ms < 0 || b->created_by < 0)
        return HD_EINVAL;
    if ((rc = store_check_str(b->name, sizeof b->name)) ||
        (rc = store_check_str(b->text, sizeof b->text)) ||
        (rc = store_check_str(b->audience.segment, sizeof b->audience.segment)) ||
        (rc = communes_json(&b->audience, communes, sizeof communes)))
        return rc;
    if ((rc = store_stmt(s, SQL_ADD, &st)))
        goto out;
    if ((rc = store_bind_text(st, 1, b->name)) || (rc = store_bind_text(st, 2, b->text)) ||
        (rc = store_bind_text(st, 3, b->audience.segment)) ||
        (rc = store_bind_text(st, 4, b->audience.province[0] ? b->audience.province : NULL)) ||
        (rc = store_bind_text(st, 5, communes[0] ? communes : NULL)) ||
        (rc = store_dberr(sqlite3_bind_int64(st, 6, b->send_at))) ||
        (rc = store_dberr(b->created_by ? sqlite3_bind_int64(st, 7, b->created_by)
                                        : sqlite3_bind_null(st, 7))) ||
        (rc = store_dberr(sqlite3_bind_int64(st, 8, now_ms))))
        goto out;
    rc = store_step_done(st, &src);
    if (src == SQLITE_CONSTRAINT_FOREIGNKEY)
        rc = HD_ENOTFOUND;   /* no such user */
    if (!rc && id_out)
        *id_out = sqlite3_last_insert_rowid(s->db);
out:
    sqlite3_reset(st);
    return rc;
}

static int row_read(sqlite3_stmt *st, store_broadcast *b)
{
    char status[24], communes[BROADCAST_COMMUNES_MAX * (STORE_COMMUNE_CODE_MAX + 3) + 4];
    int rc;

    memset(b, 0, sizeof *b);
    b->id = sqlite3_column_int64(st, 0);
    if ((rc = store_col_text(st, 1, b->name, sizeof b->name)) ||
        (rc = store_col_text(st, 2, b->text, sizeof b->text)) ||
        (rc = store_col_text(st, 3, b->audience.segment, sizeof b->audience.segment)) ||
        (rc = store_col_text(st, 4, b->audience.province, sizeof b->audience.province)) ||
        (rc = store_col_text(st, 5, communes, sizeof communes)) ||
        (rc = store_col_text(st, 7, status, sizeof status)) ||
        (rc = status_parse(status, &b->status)))
        return rc;
    communes_parse(communes, &b->audience);
    b->send_at = sqlite3_column_int64(st, 6);
    b->audience.created_before = b->send_at;
    b->cursor = sqlite3_column_int64(st, 8);
    b->audience_n = sqlite3_column_int64(st, 9);
    b->created_by = sqlite3_column_int64(st, 10);
    b->created_at = sqlite3_column_int64(st, 11);
    b->updated_at = sqlite3_column_int64(st, 12);
    b->done_at = sqlite3_column_int64(st, 13);
    return HD_OK;
}

int store_broadcast_get(store *s, int64_t id, store_broadcast *out)
{
    sqlite3_stmt *st = NULL;
    int rc, src;

    if (!s || id <= 0 || !out)
        return HD_EINVAL;
    if ((rc = store_stmt(s, SQL_GET, &st)))
        return rc;
    if ((rc = store_dberr(sqlite3_bind_int64(st, 1, id))))
        goto out;
    src = sqlite3_step(st);
    if (src == SQLITE_ROW)
        rc = row_read(st, out);
    else
        rc = src == SQLITE_DONE ? HD_ENOTFOUND : store_dberr(src);
out:
    sqlite3_reset(st);
    return rc;
}

int store_broadcast_list(store *s, const char *province, store_broadcast *rows, int max,
                         int *n)
{
    sqlite3_stmt *st = NULL;
    int rc, src = SQLITE_DONE;

    if (n)
        *n = 0;
    if (!s || !rows || max <= 0 || !n)
        return HD_EINVAL;
    if ((rc = store_stmt(s, SQL_LIST, &st)))
        return rc;
    if ((rc = store_bind_text(st, 1, province)) ||
        (rc = store_dberr(sqlite3_bind_int(st, 2, max))))
        goto out;
    while (*n < max && (src = sqlite3_step(st)) == SQLITE_ROW)
        if ((rc = row_read(st, &rows[(*n)++])))
            goto out;
    rc = store_dberr(src);
out:
    sqlite3_reset(st);
    return rc;
}

/* Ids of one column-0 query bound with (?1 = v1 when v1 >= 0, last = max). */
static int id_list(store *s, const char *sql, int64_t v1, int64_t *ids, int max, int *n)
{
    sqlite3_stmt *st = NULL;
    int rc, src = SQLITE_DONE, i = 1;

    *n = 0;
    if (!s || !ids || max <= 0)
        return HD_EINVAL;
    if ((rc = store_stmt(s, sql, &st)))
        return rc;
    if (v1 >= 0 && (rc = store_dberr(sqlite3_bind_int64(st, i++, v1))))
        goto out;
    if ((rc = store_dberr(sqlite3_bind_int(st, i, max))))
        goto out;
    while (*n < max && (src = sqlite3_step(st)) == SQLITE_ROW)
        ids[(*n)++] = sqlite3_column_int64(st, 0);
    rc = store_dberr(src);
out:
    sqlite3_reset(st);
    return rc;
}

int store_broadcast_due(store *s, int64_t now_ms, int64_t *ids, int max, int *n)
{
    if (!n || now_ms < 0)
        return HD_EINVAL;
    return id_list(s, SQL_DUE, now_ms, ids, max, n);
}

int store_broadcast_active(store *s, int64_t *ids, int max, int *n)
{
    if (!n)
        return HD_EINVAL;
    return id_list(s, SQL_ACTIVE, -1, ids, max, n);
}

int store_broadcast_progress(store *s, int64_t id, broadcast_status stt, int64_t cursor,
                             int64_t audience_n, int64_t now_ms)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (!s || id <= 0 || cursor < 0 || (unsigned)stt > BROADCAST_CANCELLED)
        return HD_EINVAL;
    if ((rc = store_stmt(s, SQL_PROGRESS, &st)))
        return rc;
    if ((rc = store_dberr(sqlite3_bind_int64(st, 1, id))) ||
        (rc = store_bind_text(st, 2, status_names[stt])) ||
        (rc = store_dberr(sqlite3_bind_int64(st, 3, cursor))) ||
        (rc = store_dberr(sqlite3_bind_int64(st, 4, audience_n))) ||
        (rc = store_dberr(sqlite3_bind_int64(st, 5, now_ms)))) {
        sqlite3_reset(st);
        return rc;
    }
    if ((rc = store_step_done(st, NULL)))
        return rc;
    return sqlite3_changes(s->db) ? HD_OK : HD_ENOTFOUND;
}

/* Outbox rows of the broadcast from a or b to `to`, their messages with them. */
static int outbox_move(store *s, int64_t id, const char *a, const char *b, const char *to,
                       int64_t now_ms)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if ((rc = store_stmt(s, SQL_OUTBOX_MOVE, &st)))
        return rc;
    if ((rc = store_dberr(sqlite3_bind_int64(st, 1, id))) ||
        (rc = store_bind_text(st, 2, a)) || (rc = store_bind_text(st, 3, b)) ||
        (rc = store_bind_text(st, 4, to)) ||
        (rc = store_dberr(sqlite3_bind_int64(st, 5, now_ms))) ||
        (rc = store_step_done(st, NULL)))
        goto out;
    if ((rc = store_stmt(s, SQL_MESSAGES_MIRROR, &st)))
        goto out;
    if ((rc = store_dberr(sqlite3_bind_int64(st, 1, id))) || (rc = store_bind_text(st, 2, to)))
        goto out;
    rc = store_step_done(st, NULL);
out:
    sqlite3_reset(st);
    return rc;
}

int store_broadcast_act(store *s, int64_t id, broadcast_action act, int64_t now_ms,
                        broadcast_status *new_status)
{
    static const struct { const char *from; broadcast_status to; const char *a, *b, *rows_to; }
    acts[] = {
        [BROADCAST_PAUSE] = { ",scheduled,sending,waiting_window,", BROADCAST_PAUSED,
                              "queued", "queued", "held" },
        [BROADCAST_RESUME] = { ",paused,", BROADCAST_SCHEDULED, "held", "held", "queued" },
        [BROADCAST_CANCEL] = { ",scheduled,sending,waiting_window,paused,", BROADCAST_CANCELLED,
                               "queued", "held", "cancelled" },
    };
    store_broadcast cur;
    sqlite3_stmt *st = NULL;
    int rc, own = 0;

    if (!s || id <= 0 || (unsigned)act > BROADCAST_CANCEL || now_ms < 0)
        return HD_EINVAL;
    if ((rc = store_tx_open(s, &own)))
        return rc;
    if ((rc = store_stmt(s, SQL_SET_STATUS, &st)))
        goto out;
    if ((rc = store_dberr(sqlite3_bind_int64(st, 1, id))) ||
        (rc = store_bind_text(st, 2, status_names[acts[act].to])) ||
        (rc = store_bind_text(st, 3, acts[act].from)) ||
        (rc = store_dberr(sqlite3_bind_int64(st, 4, now_ms))) ||
        (rc = store_step_done(st, NULL)))
        goto out;
    if (sqlite3_changes(s->db) == 0) {
        rc = store_broadcast_get(s, id, &cur);
        if (rc == HD_OK)
            rc = HD_ESTATE;
        goto out;
    }
    rc = outbox_move(s, id, acts[act].a, acts[act].b, acts[act].rows_to, now_ms);
    if (!rc && new_status)
        *new_status = acts[act].to;
out:
    sqlite3_reset(st);
    return store_tx_close(s, own, rc);
}
