/* communes.c -- the communes table, kept in line with data/communes.tsv.
 *
 * The file is read at every start rather than once: when a commune is
 * renamed or added in the data, the table follows without a migration. The
 * upsert only writes rows that differ, so an unchanged file costs reads
 * only. Rows are never deleted: cases and users keep naming them. */
#include "store/communes.h"
#include "store_internal.h"
#include "store_tx.h"
#include "core/err.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COMMUNE_LINE_MAX 1024
#define COMMUNE_FIELDS   5

static const char SQL_UPSERT[] =
    "INSERT INTO communes (code, name, type, province_code, province_name)"
    " VALUES (?1, ?2, ?3, ?4, ?5)"
    " ON CONFLICT (code) DO UPDATE SET name = excluded.name, type = excluded.type,"
    " province_code = excluded.province_code, province_name = excluded.province_name"
    " WHERE name IS NOT excluded.name OR type IS NOT excluded.type"
    " OR province_code IS NOT excluded.province_code"
    " OR province_name IS NOT excluded.province_name";
static const char SQL_GET[] =
    "SELECT code, name, type, province_code, province_name FROM communes WHERE code = ?1";
static const char SQL_COUNT[] = "SELECT COUNT(*) FROM communes";

static int all_digits(const char *p, size_t n)
{
    if (strlen(p) != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (p[i] < '0' || p[i] > '9')
            return 0;
    return 1;
}

/* Split line (no newline) at tabs into exactly COMMUNE_FIELDS fields and
 * check each against the limits of store_commune. */
static int split(char *line, char *f[COMMUNE_FIELDS])
{
    static const size_t caps[COMMUNE_FIELDS] = {
        STORE_COMMUNE_CODE_MAX, STORE_COMMUNE_NAME_MAX,
        sizeof ((store_commune *)0)->type, STORE_PROVINCE_CODE_MAX, STORE_COMMUNE_NAME_MAX
    };
    char *p = line;

    for (int i = 0; i < COMMUNE_FIELDS; i++) {
        char *tab = strchr(p, '\t');
        f[i] = p;
        if (i < COMMUNE_FIELDS - 1) {
            if (!tab)
                return HD_EPARSE;
            *tab = '\0';
            p = tab + 1;
        } else if (tab) {
            return HD_EPARSE;
        }
        if (!*f[i] || strlen(f[i]) >= caps[i])
            return HD_EPARSE;
    }
    return all_digits(f[0], 5) && all_digits(f[3], 2) ? HD_OK : HD_EPARSE;
}

static int upsert(store *s, char *const f[COMMUNE_FIELDS], int *changed)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if ((rc = store_stmt(s, SQL_UPSERT, &st)))
        return rc;
    for (int i = 0; i < COMMUNE_FIELDS && !rc; i++)
        rc = store_bind_text(st, i + 1, f[i]);
    if (!rc)
        rc = store_step_done(st, NULL);
    if (!rc)
        *changed += sqlite3_changes(s->db);
    sqlite3_reset(st);
    return rc;
}

int store_commune_load(store *s, const char *tsv_path, int *n_changed,
                       char *err, size_t errlen)
{
    FILE *fp = NULL;
    char *line = NULL, *f[COMMUNE_FIELDS];
    size_t cap = 0;
    ssize_t len;
    long lineno = 0, rows = 0;
    int rc, own = 0, changed = 0, in_tx = 0;

    if (n_changed)
        *n_changed = 0;
    if (!s || !tsv_path || !*tsv_path)
        return hd_seterr(err, errlen, HD_EINVAL, "store_commune_load: no path");
    fp = fopen(tsv_path, "r");
    if (!fp)
        return hd_seterr(err, errlen, HD_EIO, "cannot read %s: %s", tsv_path,
                         strerror(errno));
    if ((rc = store_tx_open(s, &own))) {
        hd_seterr(err, errlen, rc, "communes: cannot begin: %s", sqlite3_errmsg(s->db));
        goto out;
    }
    in_tx = 1;
    while ((len = getline(&line, &cap, fp)) >= 0) {
        lineno++;
        if (len > 0 && line[len - 1] == '\n')
            line[--len] = '\0';
        if (len > 0 && line[len - 1] == '\r')
            line[--len] = '\0';
        if (len >= COMMUNE_LINE_MAX) {
            rc = hd_seterr(err, errlen, HD_EPARSE, "%s:%ld: line too long", tsv_path, lineno);
            goto out;
        }
        if (lineno == 1) {
            if (strncmp(line, "commune_code\t", 13) != 0) {
                rc = hd_seterr(err, errlen, HD_EPARSE,
                               "%s:1: expected the header line commune_code<TAB>...",
                               tsv_path);
                goto out;
            }
            continue;
        }
        if (len == 0)
            continue;
        if (split(line, f)) {
            rc = hd_seterr(err, errlen, HD_EPARSE,
                           "%s:%ld: expected 5 tab-separated fields: 5-digit code, name,"
                           " type, 2-digit province code, province name", tsv_path, lineno);
            goto out;
        }
        if ((rc = upsert(s, f, &changed))) {
            hd_seterr(err, errlen, rc, "%s:%ld: %s", tsv_path, lineno, sqlite3_errmsg(s->db));
            goto out;
        }
        rows++;
    }
    if (ferror(fp)) {
        rc = hd_seterr(err, errlen, HD_EIO, "cannot read %s", tsv_path);
        goto out;
    }
    if (rows == 0)
        rc = hd_seterr(err, errlen, HD_EPARSE, "%s: no communes", tsv_path);
out:
    if (in_tx) {
        int before = rc;
        rc = store_tx_close(s, own, rc);
        if (rc && !before)
            hd_seterr(err, errlen, rc, "communes: cannot commit: %s", sqlite3_errmsg(s->db));
    }
    free(line);
    fclose(fp);
    if (!rc && n_changed)
        *n_changed = changed;
    return rc;
}

int store_commune_get(store *s, const char *code, store_commune *out)
{
    sqlite3_stmt *st = NULL;
    int rc, src;

    if (out)
        memset(out, 0, sizeof *out);
    if (!s || !out)
        return HD_EINVAL;
    if ((rc = store_check_str(code, STORE_COMMUNE_CODE_MAX)))
        return rc == HD_ETOOBIG ? HD_ENOTFOUND : rc;
    if ((rc = store_stmt(s, SQL_GET, &st)))
        return rc;
    if ((rc = store_bind_text(st, 1, code)))
        goto out;
    src = sqlite3_step(st);
    if (src != SQLITE_ROW) {
        rc = src == SQLITE_DONE ? HD_ENOTFOUND : store_dberr(src);
        goto out;
    }
    if ((rc = store_col_text(st, 0, out->code, sizeof out->code)) ||
        (rc = store_col_text(st, 1, out->name, sizeof out->name)) ||
        (rc = store_col_text(st, 2, out->type, sizeof out->type)) ||
        (rc = store_col_text(st, 3, out->province_code, sizeof out->province_code)) ||
        (rc = store_col_text(st, 4, out->province_name, sizeof out->province_name)))
        goto out;
out:
    sqlite3_reset(st);
    return rc;
}

int store_commune_count(store *s, int64_t *count)
{
    sqlite3_stmt *st = NULL;
    int rc, src;

    if (count)
        *count = 0;
    if (!s || !count)
        return HD_EINVAL;
    if ((rc = store_stmt(s, SQL_COUNT, &st)))
        return rc;
    src = sqlite3_step(st);
    if (src == SQLITE_ROW)
        *count = sqlite3_column_int64(st, 0);
    else
        rc = src == SQLITE_DONE ? HD_EDB : store_dberr(src);
    sqlite3_reset(st);
    return rc;
}
