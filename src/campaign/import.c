/* import.c -- a police list of citizens into SMS contacts (see import.h).
 *
 * Two phases. First every line is parsed and checked, reading only (the
 * communes table); the good ones are kept in memory, bounded by the line
 * limit. Then they are written in one short IMMEDIATE transaction, so that
 * the write lock that ingest also needs is held for the upserts only, and a
 * failure there leaves nothing half-imported. */
#include "campaign/import.h"
#include "campaign/csv.h"
#include "channel/phone.h"
#include "core/buf.h"
#include "core/err.h"
#include "store/audit.h"
#include "store/communes.h"
#include "store/contacts.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

#define IMPORT_COLUMNS 3
/* NFC never needs more than 4 bytes a character. */
#define IMPORT_NAME_BYTES_MAX (IMPORT_NAME_CHARS_MAX * 4)

const char *const import_reasons[] = {
    "wrong_columns", "bad_quote", "unterminated_quote", "bad_utf8", "bad_phone",
    "unknown_commune", "commune_outside_province", "name_too_long", "bad_name",
    "duplicate_in_file", NULL
};

typedef struct imp_row {
    int    line;
    int    dup_of;                              /* earlier line with the phone, 0 if none */
    char   phone[PHONE_CANON_LEN + 1];
    char   commune[STORE_COMMUNE_CODE_MAX];
    size_t name_off;                            /* into imp_ctx.names; SIZE_MAX: no name */
} imp_row;

typedef struct imp_ctx {
    store         *s;
    const char    *province;                    /* NULL: any */
    import_result *res;
    imp_row       *rows;
    int            nrows, cap_rows, cap_rejected;
    buf            names;                       /* NUL-separated NFC names */
    store_commune  last;                        /* lists come commune by commune */
    int            header_ok;
    char          *err;
    size_t         errlen;
} imp_ctx;

/* Grow *arr (of size elements) so that index n fits; bounded by the line
 * limit through the callers. */
static int grow(void **arr, int *cap, int n, size_t size)
{
    int ncap;
    void *p;

    if (n < *cap)
        return HD_OK;
    ncap = *cap ? *cap * 2 : 64;
    p = realloc(*arr, (size_t)ncap * size);
    if (!p)
        return HD_ENOMEM;
    *arr = p;
    *cap = ncap;
    return HD_OK;
}

__attribute__((format(printf, 4, 5)))
static int reject(imp_ctx *c, int line, const char *reason, const char *fmt, ...)
{
    import_result *r = c->res;
    import_reject *j;
    va_list ap;
    int rc;

    if ((rc = grow((void **)&r->rejected, &c->cap_rejected, r->nrejected, sizeof *j)))
        return rc;
    j = &r->rejected[r->nrejected++];
    j->line = line;
    j->reason = reason;
    va_start(ap, fmt);
    vsnprintf(j->message, sizeof j->message, fmt, ap);
    va_end(ap);
    return HD_OK;
}

/* Field i of rec without the spaces and tabs around it. */
static const char *trimmed(const csv_record *rec, int i, size_t *n)
{
    const char *p = rec->field[i];
    size_t len = rec->len[i];

    while (len && (*p == ' ' || *p == '\t'))
        p++, len--;
    while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
        len--;
    *n = len;
    return p;
}

static int check_header(imp_ctx *c, const csv_record *rec)
{
    static const char *const want[IMPORT_COLUMNS] = { "phone", "commune_code", "name" };
    int ok = rec->status == CSV_OK && rec->nfields == IMPORT_COLUMNS;

    for (int i = 0; ok && i < IMPORT_COLUMNS; i++) {
        size_t n;
        const char *f = trimmed(rec, i, &n);
        ok = n == strlen(want[i]) && strncasecmp(f, want[i], n) == 0;
    }
    if (ok) {
        c->header_ok = 1;
        return HD_OK;
    }
    /* The header's content is not repeated: a list without a header has a
     * citizen's number there. */
    c->res->error = "bad_header";
    return hd_seterr(c->err, c->errlen, HD_EPARSE,
                     "line %d must be the header phone,commune_code,name "
                     "(found %d column%s%s); is the header line missing?",
                     rec->line, rec->nfields > CSV_FIELDS_MAX ? CSV_FIELDS_MAX : rec->nfields,
                     rec->nfields == 1 ? "" : "s",
                     rec->status != CSV_OK ? ", not readable as CSV" : "");
}

/* A record the parser flagged -> the line's reason. */
static int reject_flagged(imp_ctx *c, const csv_record *rec)
{
    switch (rec->status) {
    case CSV_TOO_MANY_FIELDS:
        return reject(c, rec->line, "wrong_columns",
                      "expected 3 columns (phone,commune_code,name), found more than %d",
                      CSV_FIELDS_MAX);
    case CSV_FIELD_TOO_LONG:
        if (rec->err_field == 2)
            return reject(c, rec->line, "name_too_long",
                          "the name is longer than %d characters", IMPORT_NAME_CHARS_MAX);
        if (rec->err_field == 0)
            return reject(c, rec->line, "bad_phone", "the phone is not a Vietnamese mobile number");
        if (rec->err_field == 1)
            return reject(c, rec->line, "unknown_commune", "the commune code is not a known code");
        return reject(c, rec->line, "wrong_columns",
                      "expected 3 columns (phone,commune_code,name), found %d", rec->nfields);
    case CSV_BAD_QUOTE:
        return reject(c, rec->line, "bad_quote",
                      "a quote (\") inside a value that does not start with one, or text "
                      "after a closing quote; write \"\" for a quote inside a quoted value");
    case CSV_UNTERMINATED:
        return reject(c, rec->line, "unterminated_quote",
                      "a quote opened on this line is never closed");
    case CSV_BAD_UTF8:
        return reject(c, rec->line, "bad_utf8",
                      "not UTF-8 text (save the file as \"CSV UTF-8\")");
    case CSV_OK:
        break;
    }
    return HD_OK;
}

/* A commune code of 1 to 5 digits, padded to 5, into out. */
static int commune_code(const char *p, size_t n, char out[STORE_COMMUNE_CODE_MAX])
{
    if (n == 0 || n > 5)
        return HD_EINVAL;
    for (size_t i = 0; i < n; i++)
        if (p[i] < '0' || p[i] > '9')
            return HD_EINVAL;
    memset(out, '0', 5 - n);
    memcpy(out + 5 - n, p, n);
    out[5] = '\0';
    return HD_OK;
}

/* The name (n bytes of valid UTF-8) in NFC appended to c->names; *off its
 * offset, SIZE_MAX for an empty name. Returns a reason id, or NULL when
 * fine; *rc gets an internal error. */
static const char *take_name(imp_ctx *c, const char *p, size_t n, size_t *off, int *rc)
{
    utf8proc_uint8_t *nfc = NULL;
    const utf8proc_uint8_t *q;
    utf8proc_ssize_t k;
    const char *why = NULL;
    size_t chars = 0;

    *off = SIZE_MAX;
    *rc = HD_OK;
    if (n == 0)
        return NULL;
    k = utf8proc_map((const utf8proc_uint8_t *)p, (utf8proc_ssize_t)n, &nfc,
                     UTF8PROC_STABLE | UTF8PROC_COMPOSE);
    if (k < 0) {
        if (k == UTF8PROC_ERROR_NOMEM)
            *rc = HD_ENOMEM;
        return k == UTF8PROC_ERROR_NOMEM ? NULL : "bad_utf8";
    }
    for (q = nfc; *q; q += k) {
        utf8proc_int32_t cp;
        utf8proc_category_t cat;

        k = utf8proc_iterate(q, -1, &cp);
        if (k <= 0) {
            why = "bad_utf8";
            goto out;
        }
        cat = utf8proc_category(cp);
        /* Line breaks, tabs, invisible formatting and private-use
         * characters have no place in a name shown to officers. */
        if (cat == UTF8PROC_CATEGORY_CC || cat == UTF8PROC_CATEGORY_CF ||
            cat == UTF8PROC_CATEGORY_ZL || cat == UTF8PROC_CATEGORY_ZP ||
            cat == UTF8PROC_CATEGORY_CO) {
            why = "bad_name";
            goto out;
        }
        chars++;
    }
    if (chars > IMPORT_NAME_CHARS_MAX || (size_t)(q - nfc) > IMPORT_NAME_BYTES_MAX) {
        why = "name_too_long";
        goto out;
    }
    *off = c->names.len;
    *rc = buf_append(&c->names, nfc, (size_t)(q - nfc) + 1);
out:
    free(nfc);
    return why;
}

static int check_line(imp_ctx *c, const csv_record *rec)
{
    const char *p, *why;
    imp_row row;
    size_t n;
    int rc;

    if (rec->status != CSV_OK)
        return reject_flagged(c, rec);
    if (rec->nfields != IMPORT_COLUMNS)
        return reject(c, rec->line, "wrong_columns",
                      "expected 3 columns (phone,commune_code,name), found %d", rec->nfields);
    memset(&row, 0, sizeof row);
    row.line = rec->line;

    p = trimmed(rec, 0, &n);
    if (phone_normalize(p, n, row.phone, sizeof row.phone) != HD_OK)
        return reject(c, rec->line, "bad_phone",
                      "the phone is not a Vietnamese mobile number (10 digits starting "
                      "03, 05, 07, 08 or 09)");

    p = trimmed(rec, 1, &n);
    if (commune_code(p, n, row.commune) != HD_OK)
        return reject(c, rec->line, "unknown_commune",
                      "the commune code must be the 5-digit code of the commune");
    if (strcmp(c->last.code, row.commune) != 0) {
        rc = store_commune_get(c->s, row.commune, &c->last);
        if (rc == HD_ENOTFOUND) {
            c->last.code[0] = '\0';
            return reject(c, rec->line, "unknown_commune",
                          "commune code %s is not a known commune", row.commune);
        }
        if (rc) {
            c->last.code[0] = '\0';
            return rc;
        }
    }
    if (c->province && strcmp(c->last.province_code, c->province) != 0)
        return reject(c, rec->line, "commune_outside_province",
                      "commune %s is in province %s, outside your province %s",
                      row.commune, c->last.province_code, c->province);

    p = trimmed(rec, 2, &n);
    why = take_name(c, p, n, &row.name_off, &rc);
    if (rc)
        return rc;
    if (why && strcmp(why, "name_too_long") == 0)
        return reject(c, rec->line, why, "the name is longer than %d characters",
                      IMPORT_NAME_CHARS_MAX);
    if (why && strcmp(why, "bad_utf8") == 0)
        return reject(c, rec->line, why, "the name is not valid Unicode text");
    if (why)
        return reject(c, rec->line, why,
                      "the name holds a line break, tab or other invisible character");

    if ((rc = grow((void **)&c->rows, &c->cap_rows, c->nrows, sizeof row)))
        return rc;
    c->rows[c->nrows++] = row;
    return HD_OK;
}

static int on_record(void *ud, const csv_record *rec)
{
    imp_ctx *c = ud;
    int blank = rec->status == CSV_OK;

    if (!c->header_ok)
        return check_header(c, rec);
    for (int i = 0; blank && i < rec->nfields; i++) {
        size_t n;
        trimmed(rec, i, &n);
        blank = n == 0;
    }
    return blank ? HD_OK : check_line(c, rec);
}

static int by_phone_then_line(const void *x, const void *y)
{
    const imp_row *a = *(const imp_row *const *)x, *b = *(const imp_row *const *)y;
    int d = strcmp(a->phone, b->phone);

    return d ? d : (a->line > b->line) - (a->line < b->line);
}

static int by_line(const void *x, const void *y)
{
    const import_reject *a = x, *b = y;

    return (a->line > b->line) - (a->line < b->line);
}

/* The first good line of a phone wins; later ones are reported. */
static int mark_duplicates(imp_ctx *c)
{
    imp_row **ix;
    int rc = HD_OK;

    if (c->nrows < 2)
        return HD_OK;
    if (!(ix = malloc((size_t)c->nrows * sizeof *ix)))
        return HD_ENOMEM;
    for (int i = 0; i < c->nrows; i++)
        ix[i] = &c->rows[i];
    qsort(ix, (size_t)c->nrows, sizeof *ix, by_phone_then_line);
    for (int i = 1, first = 0; i < c->nrows && !rc; i++) {
        if (strcmp(ix[i]->phone, ix[first]->phone) != 0) {
            first = i;
            continue;
        }
        ix[i]->dup_of = ix[first]->line;
        rc = reject(c, ix[i]->line, "duplicate_in_file",
                    "the same phone as line %d, which is the one imported", ix[first]->line);
    }
    free(ix);
    return rc;
}

static int write_rows(imp_ctx *c, int64_t user_id, int64_t now_ms)
{
    import_result *r = c->res;
    char detail[128];
    int rc;

    if ((rc = store_begin(c->s)))
        return rc;
    for (int i = 0; i < c->nrows && !rc; i++) {
        const imp_row *w = &c->rows[i];
        int created = 0;

        if (w->dup_of)
            continue;
        rc = store_contact_import_upsert(c->s, w->phone, w->commune,
                                         w->name_off == SIZE_MAX ? NULL
                                                                 : c->names.data + w->name_off,
                                         now_ms, NULL, &created);
        r->imported++;
        r->created += created;
    }
    if (!rc) {
        snprintf(detail, sizeof detail, "imported %d (%d new), rejected %d",
                 r->imported, r->created, r->nrejected);
        rc = store_audit_add(c->s, user_id, "contacts.import", 0, detail, now_ms);
    }
    if (!rc)
        rc = store_commit(c->s);
    if (rc) {
        store_rollback(c->s);
        r->imported = r->created = 0;
    }
    return rc;
}

int import_contacts(store *s, const char *csv, size_t len, const char *province_code,
                    int64_t user_id, int64_t now_ms, import_result *res,
                    char *err, size_t errlen)
{
    imp_ctx c;
    int rc;

    if (res)
        memset(res, 0, sizeof *res);
    if (!s || !res || (!csv && len) || now_ms < 0 || user_id < 0)
        return HD_EINVAL;
    memset(&c, 0, sizeof c);
    c.s = s;
    c.province = province_code && *province_code ? province_code : NULL;
    c.res = res;
    c.err = err;
    c.errlen = errlen;
    buf_init(&c.names, (size_t)IMPORT_LINES_MAX * (IMPORT_NAME_BYTES_MAX + 1));

    rc = csv_parse(csv, len, IMPORT_LINES_MAX + 1, on_record, &c);
    if (rc == HD_ETOOBIG) {
        res->error = "too_many_lines";
        hd_seterr(err, errlen, rc, "more than %d lines after the header: split the list",
                  IMPORT_LINES_MAX);
        goto out;
    }
    if (rc)
        goto out;
    if (!c.header_ok) {
        res->error = "empty";
        rc = hd_seterr(err, errlen, HD_EPARSE,
                       "the list is empty: send the header phone,commune_code,name "
                       "and one line per citizen");
        goto out;
    }
    if ((rc = mark_duplicates(&c)))
        goto out;
    if (res->nrejected > 1)
        qsort(res->rejected, (size_t)res->nrejected, sizeof *res->rejected, by_line);
    if (c.nrows > 0 && (rc = write_rows(&c, user_id, now_ms)))
        hd_seterr(err, errlen, rc, "cannot write the contacts: %s", hd_strerror(rc));
out:
    free(c.rows);
    buf_free(&c.names);
    return rc;
}

void import_result_free(import_result *res)
{
    if (!res)
        return;
    free(res->rejected);
    memset(res, 0, sizeof *res);
}
