/* users.c -- officers, staff and administrators, and their communes.
 *
 * The role's rules are checked here rather than only by the CLI, because
 * the visibility of cases rests on them: an officer without communes would
 * see nothing, a staff member with communes would look like an officer. */
#include "store/users.h"
#include "store_internal.h"
#include "store_tx.h"
#include "core/err.h"

#include <string.h>

static const char SQL_ADD[] =
    "INSERT INTO users (name, role, province_code, token_hash, created_at, disabled)"
    " VALUES (?1, ?2, ?3, ?4, ?5, 0)";
static const char SQL_ADD_COMMUNE[] =
    "INSERT INTO user_communes (user_id, commune_code) VALUES (?1, ?2)";
static const char SQL_BY_TOKEN[] =
    "SELECT id, name, role, province_code, disabled, created_at FROM users"
    " WHERE token_hash = ?1 AND disabled = 0";
static const char SQL_BY_ID[] =
    "SELECT id, name, role, province_code, disabled, created_at FROM users WHERE id = ?1";
static const char SQL_COMMUNES[] =
    "SELECT commune_code FROM user_communes WHERE user_id = ?1 ORDER BY commune_code";
static const char SQL_DISABLE[] = "UPDATE users SET disabled = ?2 WHERE id = ?1";

static const char *const role_names[] = { "", "officer", "staff", "admin" };

const char *user_role_name(user_role r)
{
    return r >= USER_OFFICER && r <= USER_ADMIN ? role_names[r] : "";
}

int user_role_parse(const char *name, user_role *out)
{
    if (!name || !out)
        return HD_EINVAL;
    for (int r = USER_OFFICER; r <= USER_ADMIN; r++) {
        if (strcmp(name, role_names[r]) == 0) {
            *out = (user_role)r;
            return HD_OK;
        }
    }
    return HD_EINVAL;
}

/* Lowercase hex only: the hash is compared as text. */
static int hash_ok(const char *h)
{
    if (!h || strnlen(h, USER_TOKEN_HASH_LEN + 1) != USER_TOKEN_HASH_LEN)
        return 0;
    for (int i = 0; i < USER_TOKEN_HASH_LEN; i++)
        if (!((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'a' && h[i] <= 'f')))
            return 0;
    return 1;
}

static int new_ok(const store_user_new *u)
{
    int has_province = u->province_code && *u->province_code;

    if (!u->name || !*u->name || strnlen(u->name, USER_NAME_MAX) >= USER_NAME_MAX ||
        !hash_ok(u->token_hash) || u->ncommunes < 0 || u->ncommunes > USER_COMMUNES_MAX ||
        (u->ncommunes > 0 && !u->communes))
        return 0;
    if (has_province &&
        strnlen(u->province_code, STORE_PROVINCE_CODE_MAX) >= STORE_PROVINCE_CODE_MAX)
        return 0;
    for (int i = 0; i < u->ncommunes; i++)
        if (store_check_str(u->communes[i], STORE_COMMUNE_CODE_MAX))
            return 0;
    switch (u->role) {
    case USER_OFFICER: return u->ncommunes >= 1 && !has_province;
    case USER_STAFF:   return u->ncommunes == 0;
    case USER_ADMIN:   return u->ncommunes == 0 && !has_province;
    }
    return 0;
}

int store_user_add(store *s, const store_user_new *u, int64_t now_ms, int64_t *id_out)
{
    sqlite3_stmt *st = NULL;
    int64_t id = 0;
    int rc, src = SQLITE_OK, own = 0;

    if (id_out)
        *id_out = 0;
    if (!s || !u || now_ms < 0 || !new_ok(u))
        return HD_EINVAL;
    if ((rc = store_tx_open(s, &own)))
        return rc;

    if ((rc = store_stmt(s, SQL_ADD, &st)))
        goto out;
    if ((rc = store_bind_text(st, 1, u->name)) ||
        (rc = store_bind_text(st, 2, user_role_name(u->role))) ||
        (rc = store_bind_text(st, 3, u->province_code && *u->province_code
                                         ? u->province_code : NULL)) ||
        (rc = store_bind_text(st, 4, u->token_hash)) ||
        (rc = store_dberr(sqlite3_bind_int64(st, 5, now_ms))))
        goto out;
    rc = store_step_done(st, &src);
    if (src == SQLITE_CONSTRAINT_UNIQUE)
        rc = HD_EDUP;
    if (rc)
        goto out;
    id = sqlite3_last_insert_rowid(s->db);

    for (int i = 0; i < u->ncommunes; i++) {
        if ((rc = store_stmt(s, SQL_ADD_COMMUNE, &st)))
            goto out;
        if ((rc = store_dberr(sqlite3_bind_int64(st, 1, id))) ||
            (rc = store_bind_text(st, 2, u->communes[i])))
            goto out;
        rc = store_step_done(st, &src);
        if (src == SQLITE_CONSTRAINT_FOREIGNKEY)
            rc = HD_ENOTFOUND;          /* no such commune */
        else if (src == SQLITE_CONSTRAINT_PRIMARYKEY)
            rc = HD_EINVAL;             /* the same commune twice */
        if (rc)
            goto out;
    }
out:
    sqlite3_reset(st);
    rc = store_tx_close(s, own, rc);
    if (!rc && id_out)
        *id_out = id;
    return rc;
}

int store_user_communes(store *s, int64_t id, char (*codes)[STORE_COMMUNE_CODE_MAX],
                        int max, int *n)
{
    sqlite3_stmt *st = NULL;
    int rc, src, k = 0;

    if (n)
        *n = 0;
    if (!s || id <= 0 || !codes || max <= 0 || !n)
        return HD_EINVAL;
    if ((rc = store_stmt(s, SQL_COMMUNES, &st)))
        return rc;
    if ((rc = store_dberr(sqlite3_bind_int64(st, 1, id))))
        goto out;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        if (k == max) {
            rc = HD_ETOOBIG;
            goto out;
        }
        if ((rc = store_col_text(st, 0, codes[k], STORE_COMMUNE_CODE_MAX)))
            goto out;
        k++;
    }
    rc = store_dberr(src);
out:
    sqlite3_reset(st);
    if (!rc)
        *n = k;
    return rc;
}

/* Read the user row that the bound statement st yields, then its communes
 * (after st is reset: both statements are cached on one connection). */
static int user_read(store *s, sqlite3_stmt *st, store_user *out)
{
    char role[16];
    int rc, src;

    src = sqlite3_step(st);
    if (src != SQLITE_ROW) {
        rc = src == SQLITE_DONE ? HD_ENOTFOUND : store_dberr(src);
        goto out;
    }
    out->id = sqlite3_column_int64(st, 0);
    if ((rc = store_col_text(st, 1, out->name, sizeof out->name)) ||
        (rc = store_col_text(st, 2, role, sizeof role)) ||
        (rc = user_role_parse(role, &out->role)) ||
        (rc = store_col_text(st, 3, out->province_code, sizeof out->province_code)))
        goto out;
    out->disabled = sqlite3_column_int(st, 4);
    out->created_at = sqlite3_column_int64(st, 5);
    sqlite3_reset(st);
    rc = store_user_communes(s, out->id, out->communes, USER_COMMUNES_MAX, &out->ncommunes);
out:
    sqlite3_reset(st);
    if (rc)
        memset(out, 0, sizeof *out);
    return rc;
}

int store_user_find_by_token(store *s, const char *token_hash, store_user *out)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (out)
        memset(out, 0, sizeof *out);
    if (!s || !token_hash || !out)
        return HD_EINVAL;
    if (!hash_ok(token_hash))
        return HD_ENOTFOUND;
    if ((rc = store_stmt(s, SQL_BY_TOKEN, &st)))
        return rc;
    if ((rc = store_bind_text(st, 1, token_hash))) {
        sqlite3_reset(st);
        return rc;
    }
    return user_read(s, st, out);
}

int store_user_get(store *s, int64_t id, store_user *out)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (out)
        memset(out, 0, sizeof *out);
    if (!s || id <= 0 || !out)
        return HD_EINVAL;
    if ((rc = store_stmt(s, SQL_BY_ID, &st)))
        return rc;
    if ((rc = store_dberr(sqlite3_bind_int64(st, 1, id)))) {
        sqlite3_reset(st);
        return rc;
    }
    return user_read(s, st, out);
}

int store_user_set_disabled(store *s, int64_t id, int disabled)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (!s || id <= 0)
        return HD_EINVAL;
    if ((rc = store_stmt(s, SQL_DISABLE, &st)))
        return rc;
    if ((rc = store_dberr(sqlite3_bind_int64(st, 1, id))) ||
        (rc = store_dberr(sqlite3_bind_int(st, 2, disabled ? 1 : 0)))) {
        sqlite3_reset(st);
        return rc;
    }
    rc = store_step_done(st, NULL);
    if (!rc && sqlite3_changes(s->db) == 0)
        rc = HD_ENOTFOUND;
    return rc;
}
