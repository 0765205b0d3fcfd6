/* test_csv.c -- the CSV reader of the contact import (campaign/csv.h). */
#include "campaign/csv.h"
#include "core/err.h"
#include "test.h"

#include <stdlib.h>
#include <string.h>

#define MAXREC 64

typedef struct got_rec {
    int        line, index, nfields, err_field;
    csv_status status;
    char       f[CSV_FIELDS_MAX][CSV_FIELD_MAX + 1];
    size_t     len[CSV_FIELDS_MAX];
} got_rec;

typedef struct got {
    int     n;
    int     stop_after;    /* 0: never stop */
    got_rec r[MAXREC];
} got;

static int collect(void *ud, const csv_record *rec)
{
    got *g = ud;
    got_rec *d;
    int nf;

    if (g->n >= MAXREC)
        return HD_ETOOBIG;
    d = &g->r[g->n++];
    d->line = rec->line;
    d->index = rec->index;
    d->nfields = rec->nfields;
    d->status = rec->status;
    d->err_field = rec->err_field;
    nf = rec->nfields < CSV_FIELDS_MAX ? rec->nfields : CSV_FIELDS_MAX;
    for (int i = 0; i < nf; i++) {
        memcpy(d->f[i], rec->field[i], rec->len[i]);
        d->f[i][rec->len[i]] = '\0';
        d->len[i] = rec->len[i];
        /* Every kept value is NUL-terminated where the length says. */
        CHECK(rec->field[i][rec->len[i]] == '\0');
    }
    if (g->stop_after && g->n == g->stop_after)
        return 42;
    return 0;
}

static got *parse(const char *s, size_t len, int *rc)
{
    got *g = calloc(1, sizeof *g);

    *rc = csv_parse(s, len, 1000, collect, g);
    return g;
}

#define PARSE(lit, rcp) parse((lit), sizeof(lit) - 1, (rcp))

static void plain_lf(void)
{
    int rc;
    got *g = PARSE("phone,commune_code,name\n0912345678,00004,Nguyễn Văn An\n", &rc);

    CHECK_INT(rc, HD_OK);
    CHECK_INT(g->n, 2);
    CHECK_INT(g->r[0].nfields, 3);
    CHECK_STR(g->r[0].f[1], "commune_code");
    CHECK_INT(g->r[1].line, 2);
    CHECK_INT(g->r[1].index, 1);
    CHECK_INT(g->r[1].status, CSV_OK);
    CHECK_INT(g->r[1].err_field, -1);
    CHECK_STR(g->r[1].f[0], "0912345678");
    CHECK_STR(g->r[1].f[2], "Nguyễn Văn An");
    free(g);
}

static void crlf_and_no_final_break(void)
{
    int rc;
    got *g = PARSE("a,b\r\nc,d\r\ne,f", &rc);

    CHECK_INT(rc, HD_OK);
    CHECK_INT(g->n, 3);
    CHECK_STR(g->r[0].f[1], "b");          /* no CR left in the value */
    CHECK_INT(g->r[0].len[1], 1);
    CHECK_STR(g->r[1].f[0], "c");
    CHECK_INT(g->r[2].line, 3);
    CHECK_STR(g->r[2].f[1], "f");
    free(g);
}

static void lone_cr_breaks_lines(void)
{
    int rc;
    got *g = PARSE("a,b\rc,d\r", &rc);

    CHECK_INT(rc, HD_OK);
    CHECK_INT(g->n, 2);
    CHECK_STR(g->r[1].f[0], "c");
    CHECK_INT(g->r[1].line, 2);
    free(g);
}

static void bom_is_skipped(void)
{
    int rc;
    got *g = PARSE("\xEF\xBB\xBFphone,x\n1,2\n", &rc);

    CHECK_INT(rc, HD_OK);
    CHECK_INT(g->n, 2);
    CHECK_STR(g->r[0].f[0], "phone");
    CHECK_INT(g->r[0].len[0], 5);
    free(g);
    /* Only at the very start: later it is a character of the value. */
    g = PARSE("a\n\xEF\xBB\xBF" "b\n", &rc);
    CHECK_INT(g->n, 2);
    CHECK_INT(g->r[1].len[0], 4);
    free(g);
}

static void empty_lines_are_no_records(void)
{
    int rc;
    got *g = PARSE("\n\r\nh1,h2\n\n\r\nx,y\r\n\r\n", &rc);

    CHECK_INT(rc, HD_OK);
    CHECK_INT(g->n, 2);
    CHECK_INT(g->r[0].line, 3);
    CHECK_INT(g->r[1].line, 6);
    CHECK_INT(g->r[1].index, 1);
    free(g);
    g = PARSE("", &rc);
    CHECK_INT(rc, HD_OK);
    CHECK_INT(g->n, 0);
    free(g);
    /* A line of commas is a record of empty fields, not an empty line. */
    g = PARSE(",,\n", &rc);
    CHECK_INT(g->n, 1);
    CHECK_INT(g->r[0].nfields, 3);
    CHECK_INT(g->r[0].len[2], 0);
    free(g);
}

static void quoted_fields(void)
{
    int rc;
    got *g = PARSE("\"0912 345 678\",\"00004\",\"Lê, Thị \"\"Bé\"\"\"\n\"\",x,\"\"\"\"\n", &rc);

    CHECK_INT(rc, HD_OK);
    CHECK_INT(g->n, 2);
    CHECK_INT(g->r[0].status, CSV_OK);
    CHECK_STR(g->r[0].f[0], "0912 345 678");
    CHECK_STR(g->r[0].f[2], "Lê, Thị \"Bé\"");
    CHECK_INT(g->r[1].nfields, 3);
    CHECK_STR(g->r[1].f[0], "");
    CHECK_STR(g->r[1].f[2], "\"");
    free(g);
}

static void quoted_line_break_counts_lines(void)
{
    int rc;
    got *g = PARSE("a,\"two\r\nlines\",b\nc,d\n", &rc);

    CHECK_INT(rc, HD_OK);
    CHECK_INT(g->n, 2);
    CHECK_INT(g->r[0].line, 1);
    CHECK_STR(g->r[0].f[1], "two\r\nlines");
    CHECK_INT(g->r[0].nfields, 3);
    CHECK_INT(g->r[1].line, 3);    /* physical line, after the quoted break */
    free(g);
}

static void column_counts(void)
{
    int rc;
    got *g = PARSE("a\na,b,c,d\n1,2,3,4,5,6,7,8\n1,2,3,4,5,6,7,8,9,10,11\nx,\n", &rc);

    CHECK_INT(rc, HD_OK);
    CHECK_INT(g->n, 5);
    CHECK_INT(g->r[0].nfields, 1);
    CHECK_INT(g->r[1].nfields, 4);
    CHECK_INT(g->r[1].status, CSV_OK);
    CHECK_INT(g->r[2].nfields, 8);
    CHECK_INT(g->r[2].status, CSV_OK);
    CHECK_INT(g->r[3].status, CSV_TOO_MANY_FIELDS);
    CHECK_INT(g->r[3].nfields, CSV_FIELDS_MAX + 1);
    CHECK_INT(g->r[3].err_field, CSV_FIELDS_MAX);
    CHECK_INT(g->r[4].nfields, 2);     /* a trailing comma opens an empty field */
    CHECK_STR(g->r[4].f[1], "");
    CHECK_INT(g->r[4].line, 5);
    free(g);
}

static void unterminated_quote_resyncs(void)
{
    int rc;
    got *g = PARSE("h\n0912345678,00004,\"Nguyễn\n0912345679,00004,B\n", &rc);

    CHECK_INT(rc, HD_OK);
    CHECK_INT(g->n, 3);
    CHECK_INT(g->r[1].line, 2);
    CHECK_INT(g->r[1].status, CSV_UNTERMINATED);
    CHECK_INT(g->r[1].err_field, 2);
    /* The next line is read on its own, with its own number. */
    CHECK_INT(g->r[2].line, 3);
    CHECK_INT(g->r[2].status, CSV_OK);
    CHECK_STR(g->r[2].f[0], "0912345679");
    CHECK_STR(g->r[2].f[2], "B");
    free(g);
    /* At the very end, with nothing after it. */
    g = PARSE("a,\"b", &rc);
    CHECK_INT(rc, HD_OK);
    CHECK_INT(g->n, 1);
    CHECK_INT(g->r[0].status, CSV_UNTERMINATED);
    free(g);
}

static void resync_after_multiline_record(void)
{
    /* The record of line 1 closes a quoted value on line 2, then opens one
     * that never closes. Read again from line 2, the stray quote is a bad
     * quote and the same unclosed quote follows; line 3 still comes out. */
    int rc;
    got *g = PARSE("\"x\ny\",a,\"zzz\nq\n", &rc);

    CHECK_INT(rc, HD_OK);
    CHECK_INT(g->n, 3);
    CHECK_INT(g->r[0].line, 1);
    CHECK_INT(g->r[0].status, CSV_UNTERMINATED);
    CHECK_INT(g->r[0].err_field, 2);
    CHECK_INT(g->r[1].line, 2);
    CHECK_INT(g->r[1].status, CSV_BAD_QUOTE);
    CHECK_INT(g->r[1].err_field, 0);
    CHECK_INT(g->r[2].line, 3);
    CHECK_INT(g->r[2].status, CSV_OK);
    CHECK_STR(g->r[2].f[0], "q");
    free(g);
}

static void bad_quotes(void)
{
    int rc;
    got *g = PARSE("ab\"c,d\n\"ab\"c,d\n\"ab\" ,d\n\"ok\",e\n", &rc);

    CHECK_INT(rc, HD_OK);
    CHECK_INT(g->n, 4);
    CHECK_INT(g->r[0].status, CSV_BAD_QUOTE);
    CHECK_INT(g->r[0].err_field, 0);
    CHECK_INT(g->r[1].status, CSV_BAD_QUOTE);
    CHECK_INT(g->r[2].status, CSV_BAD_QUOTE);
    /* The record still ends where it should, and the next one is fine. */
    CHECK_INT(g->r[1].nfields, 2);
    CHECK_INT(g->r[3].status, CSV_OK);
    CHECK_STR(g->r[3].f[0], "ok");
    CHECK_INT(g->r[3].line, 4);
    free(g);
}

static void huge_field(void)
{
    size_t n = CSV_FIELD_MAX + 50, k = 0;
    char *s = malloc(n + 64);
    got *g;
    int rc;

    memcpy(s, "x,", 2);
    k = 2;
    memset(s + k, 'A', CSV_FIELD_MAX + 1);
    k += CSV_FIELD_MAX + 1;
    memcpy(s + k, ",z\nok\n", 6);
    k += 6;
    g = parse(s, k, &rc);
    CHECK_INT(rc, HD_OK);
    CHECK_INT(g->n, 2);
    CHECK_INT(g->r[0].status, CSV_FIELD_TOO_LONG);
    CHECK_INT(g->r[0].err_field, 1);
    CHECK_INT(g->r[0].nfields, 3);
    CHECK_INT(g->r[0].len[1], CSV_FIELD_MAX);   /* kept up to the bound, never beyond */
    CHECK_STR(g->r[1].f[0], "ok");
    free(g);
    /* Exactly at the bound is fine. */
    memset(s, 'B', CSV_FIELD_MAX);
    g = parse(s, CSV_FIELD_MAX, &rc);
    CHECK_INT(g->n, 1);
    CHECK_INT(g->r[0].status, CSV_OK);
    CHECK_INT(g->r[0].len[0], CSV_FIELD_MAX);
    free(g);
    free(s);
}

static void invalid_utf8(void)
{
    int rc;
    /* Latin-1 "é", a lone continuation byte, an overlong "/", a surrogate
     * (ED A0 80), a 4-byte form above U+10FFFF, a cut sequence, a NUL. */
    static const char in[] =
        "ok,Nguy\xc3\xaan\n"
        "a,caf\xe9\n"
        "a,\x80\n"
        "a,\xc0\xaf\n"
        "a,\xed\xa0\x80\n"
        "a,\xf4\x90\x80\x80\n"
        "a,\"\xe1\xba\"\n"
        "a,b\0c\n"
        "\xf0\x9f\x98\x80,ok\n";
    got *g = parse(in, sizeof in - 1, &rc);

    CHECK_INT(rc, HD_OK);
    CHECK_INT(g->n, 9);
    CHECK_INT(g->r[0].status, CSV_OK);
    for (int i = 1; i <= 7; i++) {
        CHECK_INT(g->r[i].status, CSV_BAD_UTF8);
        CHECK_INT(g->r[i].err_field, 1);
        CHECK_INT(g->r[i].line, i + 1);
    }
    CHECK_INT(g->r[8].status, CSV_OK);         /* a 4-byte emoji is valid UTF-8 */
    free(g);
}

static void utf8_validator(void)
{
    CHECK(csv_utf8_valid("", 0));
    CHECK(csv_utf8_valid("Đặng Thị Ngọc Ánh", strlen("Đặng Thị Ngọc Ánh")));
    CHECK(csv_utf8_valid("\xef\xbf\xbf", 3));          /* U+FFFF: a noncharacter, still UTF-8 */
    CHECK(csv_utf8_valid("\xf4\x8f\xbf\xbf", 4));      /* U+10FFFF */
    CHECK(!csv_utf8_valid("\xe0\x9f\xbf", 3));         /* overlong 3-byte */
    CHECK(!csv_utf8_valid("\xf0\x8f\xbf\xbf", 4));     /* overlong 4-byte */
    CHECK(!csv_utf8_valid("\xc3", 1));
    CHECK(!csv_utf8_valid("\xf5\x80\x80\x80", 4));
    CHECK(!csv_utf8_valid("a\0b", 3));
}

static void record_limit(void)
{
    int rc;
    got *g = calloc(1, sizeof *g);

    /* Empty lines do not count; the third record is one too many. */
    rc = csv_parse("a\n\n\nb\nc\n", 8, 2, collect, g);
    CHECK_INT(rc, HD_ETOOBIG);
    CHECK_INT(g->n, 2);
    g->n = 0;
    rc = csv_parse("a\n\n\nb\n\n", 7, 2, collect, g);
    CHECK_INT(rc, HD_OK);
    CHECK_INT(g->n, 2);
    free(g);
}

static void callback_stops(void)
{
    got *g = calloc(1, sizeof *g);

    g->stop_after = 2;
    CHECK_INT(csv_parse("a\nb\nc\n", 6, 100, collect, g), 42);
    CHECK_INT(g->n, 2);
    CHECK_INT(csv_parse(NULL, 0, 10, collect, g), HD_OK);
    CHECK_INT(csv_parse(NULL, 3, 10, collect, g), HD_EINVAL);
    CHECK_INT(csv_parse("a", 1, 10, NULL, g), HD_EINVAL);
    free(g);
}

static void status_names(void)
{
    CHECK_STR(csv_status_name(CSV_UNTERMINATED), "unterminated_quote");
    CHECK_STR(csv_status_name(CSV_BAD_UTF8), "bad_utf8");
    CHECK_STR(csv_status_name(CSV_OK), "ok");
}

TEST_MAIN(T(plain_lf), T(crlf_and_no_final_break), T(lone_cr_breaks_lines), T(bom_is_skipped),
          T(empty_lines_are_no_records), T(quoted_fields), T(quoted_line_break_counts_lines),
          T(column_counts), T(unterminated_quote_resyncs), T(resync_after_multiline_record), T(bad_quotes),
          T(huge_field), T(invalid_utf8), T(utf8_validator), T(record_limit), T(callback_stops),
          T(status_names))
