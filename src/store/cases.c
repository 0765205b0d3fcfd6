/* cases.c -- the cases of the commune police queues: creation, reading,
 * the queue listing, and the names of kinds and statuses. The status
 * changes and the purge are in case_status.c, the events and drafts in
 * case_events.c. */
#include "store/cases.h"
#include "store/users.h"
#include "store_internal.h"
#include "store_tx.h"
#include "core/err.h"

#include <string.h>

#define CASE_COLS \
    "c.id, c.contact_id, c.channel, c.kind, c.reason, c.commune_code, c.province_code," \
    " c.status, c.close_reason, COALESCE(c.claimed_by, 0), c.full_name, c.id_enc," \
    " c.id_last4, c.callback_phone, c.description, c.created_at," \
    " COALESCE(c.claimed_at, 0), COALESCE(c.resolved_at, 0), COALESCE(c.closed_at, 0)," \
    " COALESCE(c.purged_at, 0), COALESCE((SELECT MAX(e.at) FROM case_events e" \
    "   WHERE e.case_id = c.id AND e.kind = 'message'), 0)"

static const char SQL_CREATE[] =
    "INSERT INTO cases (contact_id, channel, kind, reason, commune_code, province_code,"
    " status, full_name, id_enc, id_last4, callback_phone, description, created_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'open', ?7, ?8, ?9, ?10, ?11, ?12)";
static const char SQL_GET[] = "SELECT " CASE_COLS " FROM cases c WHERE c.id = ?1";

/* The queue: ?1..?4 the statuses wanted (NULL for the others), ?5 kind,
 * ?6 one commune, ?7 province (NULL = any), ?8/?9 limit/offset; the _SET
 * forms add the commune set ?10..?41 (NULL for unused slots) and walk the
 * (commune_code, status, created_at) index once per commune. */
#define LIST_WHERE \
    " c.status IN (?1, ?2, ?3, ?4) AND (?5 IS NULL OR c.kind = ?5)" \
    " AND (?6 IS NULL OR c.commune_code = ?6) AND (?7 IS NULL OR c.province_code = ?7)"
#define LIST_SET \
    " AND c.commune_code IN (?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20," \
    " ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34, ?35, ?36," \
    " ?37, ?38, ?39, ?40, ?41)"
#define LIST_SET_FIRST 10
#define LIST_SET_N     32
#define LIST_ORDER " ORDER BY c.created_at, c.id LIMIT ?8 OFFSET ?9"

_Static_assert(LIST_SET_N >= USER_COMMUNES_MAX, "an officer's communes fit a filter");

static const char SQL_LIST_ALL[] = "SELECT " CASE_COLS " FROM cases c WHERE" LIST_WHERE LIST_ORDER;
static const char SQL_LIST_SET[] =
    "SELECT " CASE_COLS " FROM cases c WHERE" LIST_WHERE LIST_SET LIST_ORDER;
static const char SQL_COUNT_ALL[] = "SELECT COUNT(*) FROM cases c WHERE" LIST_WHERE;
static const char SQL_COUNT_SET[] = "SELECT COUNT(*) FROM cases c WHERE" LIST_WHERE LIST_SET;

/* ---- names ---- */

static const char *const status_names[] = { "open", "claimed", "resolved", "closed" };
static const char *const kind_names[] = { "", "device_change", "phone_change", "other" };
static const char *const close_names[] = { "", "duplicate", "unreachable" };

const char *case_status_name(case_status st)
{
    for (int i = 0; i < 4; i++)
        if ((unsigned)st == 1u << i)
            return status_names[i];
    return "";
}

int case_status_parse(const char *name, case_status *out)
{
    if (!name || !out)
        return HD_EINVAL;
    for (int i = 0; i < 4; i++) {
        if (strcmp(name, status_names[i]) == 0) {
            *out = (case_status)(1u << i);
            return HD_OK;
        }
    }
    return HD_EINVAL;
}

const char *case_kind_name(case_kind k)
{
    return k >= CASE_DEVICE_CHANGE && k <= CASE_OTHER ? kind_names[k] : "";
}

int case_kind_parse(const char *name, case_kind *out)
{
    if (!name || !out)
        return HD_EINVAL;
    for (int k = CASE_DEVICE_CHANGE; k <= CASE_OTHER; k++) {
        if (strcmp(name, kind_names[k]) == 0) {
            *out = (case_kind)k;
            return HD_OK;
        }
    }
    return HD_EINVAL;
}

const char *case_close_reason_name(case_close_reason r)
{
    return r >= CASE_CLOSE_DUPLICATE && r <= CASE_CLOSE_UNREACHABLE ? close_names[r] : "";
}

int case_close_reason_parse(const char *name, case_close_reason *out)
{
    if (!name || !out)
        return HD_EINVAL;
    for (int r = CASE_CLOSE_DUPLICATE; r <= CASE_CLOSE_UNREACHABLE; r++) {
        if (strcmp(name, close_names[r]) == 0) {
            *out = (case_close_reason)r;
            return HD_OK;
        }
    }
    return HD_EINVAL;
}

/* ---- create ---- */

/* An optional text field: NULL or "" is none; else it must fit cap. */
static int opt_ok(const char *v, size_t cap)
{
    return !v || strnlen(v, cap) < cap;
}

static const char *opt(const char *v)
{
    return v && *v ? v : NULL;
}

static int last4_ok(const char *v)
{
    if (!v || strlen(v) != 4)
        return 0;
    for (int i = 0; i < 4; i++)
        if (v[i] < '0' || v[i] > '9')
            return 0;
    return 1;
}

static int new_ok(const store_case_new *c)
{
    if (c->contact_id <= 0 || store_check_str(c->channel, STORE_CHANNEL_MAX) ||
        !*case_kind_name(c->kind) || store_check_str(c->reason, CASE_REASON_MAX) ||
        store_check_str(c->province_code, STORE_PROVINCE_CODE_MAX) ||
        !opt_ok(c->commune_code, STORE_COMMUNE_CODE_MAX) ||
        !opt_ok(c->full_name, CASE_NAME_MAX) || !opt_ok(c->callback_phone, CASE_PHONE_MAX) ||
        !opt_ok(c->description, CASE_DESC_MAX) || c->id_enc_len > CASE_ID_ENC_MAX)
        return 0;
    /* The sealed number and its last digits go together. */
    if (c->id_enc_len > 0)
        return c->id_enc && last4_ok(c->id_last4);
    return !c->id_last4 || !*c->id_last4;
}

int store_case_create(store *s, const store_case_new *c, int64_t now_ms, int64_t *id_out)
{
    sqlite3_stmt *st = NULL;
    int64_t id = 0;
    int rc, src = SQLITE_OK, own = 0;

    if (id_out)
        *id_out = 0;
    if (!s || !c || now_ms < 0 || !new_ok(c))
        return HD_EINVAL;
    if ((rc = store_tx_open(s, &own)))
        return rc;

    if ((rc = store_stmt(s, SQL_CREATE, &st)))
        goto out;
    if ((rc = store_dberr(sqlite3_bind_int64(st, 1, c->contact_id))) ||
        (rc = store_bind_text(st, 2, c->channel)) ||
        (rc = store_bind_text(st, 3, case_kind_name(c->kind))) ||
        (rc = store_bind_text(st, 4, c->reason)) ||
        (rc = store_bind_text(st, 5, opt(c->commune_code))) ||
        (rc = store_bind_text(st, 6, c->province_code)) ||
        (rc = store_bind_text(st, 7, opt(c->full_name))) ||
        (rc = store_dberr(c->id_enc_len
                              ? sqlite3_bind_blob(st, 8, c->id_enc, (int)c->id_enc_len,
                                                  SQLITE_STATIC)
                              : sqlite3_bind_null(st, 8))) ||
        (rc = store_bind_text(st, 9, c->id_enc_len ? c->id_last4 : NULL)) ||
        (rc = store_bind_text(st, 10, opt(c->callback_phone))) ||
        (rc = store_bind_text(st, 11, opt(c->description))) ||
        (rc = store_dberr(sqlite3_bind_int64(st, 12, now_ms))))
        goto out;
    rc = store_step_done(st, &src);
    if (src == SQLITE_CONSTRAINT_UNIQUE)
        rc = HD_EDUP;               /* cases_one_active */
    else if (src == SQLITE_CONSTRAINT_FOREIGNKEY)
        rc = HD_ENOTFOUND;          /* no such contact */
    if (rc)
        goto out;
    id = sqlite3_last_insert_rowid(s->db);

    if ((rc = store_case_event_add(s, id, "citizen", "created", 0, NULL, now_ms, NULL)))
        goto out;
    rc = store_case_draft_delete(s, c->contact_id);
out:
    sqlite3_reset(st);
    rc = store_tx_close(s, own, rc);
    if (!rc && id_out)
        *id_out = id;
    return rc;
}

/* ---- read ---- */

static int row_read(sqlite3_stmt *st, store_case *c)
{
    char kind[24], status[16], why[16];
    const void *blob;
    int rc, n;

    memset(c, 0, sizeof *c);
    c->id = sqlite3_column_int64(st, 0);
    c->contact_id = sqlite3_column_int64(st, 1);
    if ((rc = store_col_text(st, 2, c->channel, sizeof c->channel)) ||
        (rc = store_col_text(st, 3, kind, sizeof kind)) ||
        (rc = case_kind_parse(kind, &c->kind)) ||
        (rc = store_col_text(st, 4, c->reason, sizeof c->reason)) ||
        (rc = store_col_text(st, 5, c->commune_code, sizeof c->commune_code)) ||
        (rc = store_col_text(st, 6, c->province_code, sizeof c->province_code)) ||
        (rc = store_col_text(st, 7, status, sizeof status)) ||
        (rc = case_status_parse(status, &c->status)) ||
        (rc = store_col_text(st, 8, why, sizeof why)))
        return rc == HD_EINVAL ? HD_EDB : rc;
    if (*why && case_close_reason_parse(why, &c->close_reason))
        return HD_EDB;
    c->claimed_by = sqlite3_column_int64(st, 9);
    if ((rc = store_col_text(st, 10, c->full_name, sizeof c->full_name)))
        return rc;
    blob = sqlite3_column_blob(st, 11);
    n = sqlite3_column_bytes(st, 11);
    if (n > (int)sizeof c->id_enc)
        return HD_ETOOBIG;
    if (blob && n > 0) {
        memcpy(c->id_enc, blob, (size_t)n);
        c->id_enc_len = (size_t)n;
    }
    if ((rc = store_col_text(st, 12, c->id_last4, sizeof c->id_last4)) ||
        (rc = store_col_text(st, 13, c->callback_phone, sizeof c->callback_phone)) ||
        (rc = store_col_text(st, 14, c->description, sizeof c->description)))
        return rc;
    c->created_at = sqlite3_column_int64(st, 15);
    c->claimed_at = sqlite3_column_int64(st, 16);
    c->resolved_at = sqlite3_column_int64(st, 17);
    c->closed_at = sqlite3_column_int64(st, 18);
    c->purged_at = sqlite3_column_int64(st, 19);
    c->last_message_at = sqlite3_column_int64(st, 20);
    return HD_OK;
}

int store_case_get(store *s, int64_t id, store_case *out)
{
    sqlite3_stmt *st = NULL;
    int rc, src;

    if (out)
        memset(out, 0, sizeof *out);
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
    if (rc)
        memset(out, 0, sizeof *out);
    return rc;
}

/* Bind the filter to a LIST/COUNT statement; limit < 0 for COUNT (which has
 * no ?8/?9). A single commune without a set is bound as a set of one, so
 * that it too walks the queue index. */
static int list_bind(sqlite3_stmt *st, const store_case_filter *f, int set, int limit)
{
    unsigned want = f->status ? f->status : CASE_ACTIVE;
    int rc = HD_OK;

    for (int i = 0; i < 4 && !rc; i++)
        rc = store_bind_text(st, i + 1, want & (1u << i) ? status_names[i] : NULL);
    if (rc ||
        (rc = store_bind_text(st, 5, f->kind ? case_kind_name(f->kind) : NULL)) ||
        (rc = store_bind_text(st, 6, opt(f->commune))) ||
        (rc = store_bind_text(st, 7, opt(f->province))))
        return rc;
    if (limit >= 0 &&
        ((rc = store_dberr(sqlite3_bind_int(st, 8, limit))) ||
         (rc = store_dberr(sqlite3_bind_int(st, 9, f->offset)))))
        return rc;
    if (!set)
        return HD_OK;
    if (!f->communes)
        return store_bind_text(st, LIST_SET_FIRST, f->commune);
    for (int i = 0; i < f->ncommunes && !rc; i++)
        rc = store_bind_text(st, LIST_SET_FIRST + i, f->communes[i]);
    return rc;
}

int store_case_list(store *s, const store_case_filter *f, store_case *rows, int max,
                    int *n, int64_t *total)
{
    sqlite3_stmt *st = NULL;
    int rc, src = SQLITE_DONE, k = 0, set;

    if (n)
        *n = 0;
    if (total)
        *total = 0;
    if (!s || !f || !rows || max <= 0 || !n || f->offset < 0 ||
        (f->status & ~(unsigned)CASE_ANY) || (f->kind && !*case_kind_name(f->kind)) ||
        (f->communes && (f->ncommunes < 0 || f->ncommunes > LIST_SET_N)) ||
        !opt_ok(f->commune, STORE_COMMUNE_CODE_MAX) ||
        !opt_ok(f->province, STORE_PROVINCE_CODE_MAX))
        return HD_EINVAL;
    set = f->communes || opt(f->commune);

    if ((rc = store_stmt(s, set ? SQL_LIST_SET : SQL_LIST_ALL, &st)) ||
        (rc = list_bind(st, f, set, max)))
        goto out;
    while (k < max && (src = sqlite3_step(st)) == SQLITE_ROW) {
        if ((rc = row_read(st, &rows[k])))
            goto out;
        k++;
    }
    if (k < max && (rc = store_dberr(src)))
        goto out;
    sqlite3_reset(st);
    if (total) {
        if ((rc = store_stmt(s, set ? SQL_COUNT_SET : SQL_COUNT_ALL, &st)) ||
            (rc = list_bind(st, f, set, -1)))
            goto out;
        src = sqlite3_step(st);
        if (src == SQLITE_ROW)
            *total = sqlite3_column_int64(st, 0);
        else
            rc = src == SQLITE_DONE ? HD_EDB : store_dberr(src);
    }
out:
    sqlite3_reset(st);
    if (!rc)
        *n = k;
    return rc;
}
