/* fuzz_csv.c -- the CSV reader behind the contact import (campaign/csv.h).
 *
 * Input: byte 0 picks max_records, the rest is the file. Every record is
 * checked against csv.h's promises; when the whole file read cleanly, the
 * records are written back as CSV (every field quoted) and read again: the
 * same values must come back. */
#include "fuzz.h"

#include "campaign/csv.h"
#include "core/err.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

typedef struct fcsv_state {
    int   count, last_line, all_ok, stop_at;
    char *out;            /* the records written back (when all_ok) */
    size_t out_len, out_cap;
    const char *expect;   /* second pass: the values, each NUL-terminated */
    size_t expect_len, expect_pos;
} fcsv_state;

static void fcsv_put(fcsv_state *s, const char *p, size_t n)
{
    if (s->out_len + n > s->out_cap) {
        s->out_cap = 2 * (s->out_len + n) + 64;
        s->out = realloc(s->out, s->out_cap);
        FZ_CHECK(s->out != NULL);
    }
    memcpy(s->out + s->out_len, p, n);
    s->out_len += n;
}

static int fcsv_record(void *ud, const csv_record *r)
{
    fcsv_state *s = ud;
    int kept = r->nfields < CSV_FIELDS_MAX ? r->nfields : CSV_FIELDS_MAX;

    FZ_CHECK(r->index == s->count);
    FZ_CHECK(r->line >= 1 && r->line >= s->last_line);
    FZ_CHECK(r->nfields >= 1 && r->nfields <= CSV_FIELDS_MAX + 1);
    FZ_CHECK(r->status >= CSV_OK && r->status <= CSV_BAD_UTF8);
    FZ_CHECK(strcmp(csv_status_name(r->status), "unknown") != 0);
    if (r->status == CSV_OK) {
        FZ_CHECK(r->err_field == -1);
        FZ_CHECK(r->nfields <= CSV_FIELDS_MAX);
        for (int i = 0; i < kept; i++) {
            FZ_CHECK(r->field[i] != NULL && r->len[i] <= CSV_FIELD_MAX);
            FZ_CHECK(r->field[i][r->len[i]] == '\0');
            FZ_CHECK(strlen(r->field[i]) == r->len[i]);          /* no NUL inside */
            FZ_CHECK(fz_utf8_ok(r->field[i], r->len[i]));
            FZ_CHECK(csv_utf8_valid(r->field[i], r->len[i]));
        }
    } else {
        FZ_CHECK(r->err_field >= 0 && r->err_field <= CSV_FIELDS_MAX);
        if (r->status == CSV_TOO_MANY_FIELDS)
            FZ_CHECK(r->nfields == CSV_FIELDS_MAX + 1);
        s->all_ok = 0;
    }
    if (s->expect) {
        for (int i = 0; i < kept; i++) {
            size_t n = strlen(s->expect + s->expect_pos);
            FZ_CHECK(s->expect_pos < s->expect_len);
            FZ_CHECK(n == r->len[i] && memcmp(s->expect + s->expect_pos, r->field[i], n) == 0);
            s->expect_pos += n + 1;
        }
        FZ_CHECK(s->expect_len > s->expect_pos && s->expect[s->expect_pos] == '\n');
        s->expect_pos++;    /* the record's end mark */
    } else if (s->all_ok) {
        for (int i = 0; i < kept; i++) {
            fcsv_put(s, i ? ",\"" : "\"", i ? 2 : 1);
            for (size_t k = 0; k < r->len[i]; k++)
                fcsv_put(s, r->field[i][k] == '"' ? "\"\"" : &r->field[i][k],
                         r->field[i][k] == '"' ? 2 : 1);
            fcsv_put(s, "\"", 1);
        }
        fcsv_put(s, "\r\n", 2);
    }
    s->last_line = r->line;
    s->count++;
    return s->count == s->stop_at ? 7 : 0;
}

/* The values of the written-back file as "v1\0v2\0\n" per record. */
static char *fcsv_values(const char *csv, size_t len, size_t *outlen)
{
    char *v = malloc(len + 1);
    size_t o = 0, i = 0;

    FZ_CHECK(v != NULL);
    while (i < len) {
        if (csv[i] == '"') {
            for (i++; i < len; i++) {
                if (csv[i] == '"' && i + 1 < len && csv[i + 1] == '"')
                    v[o++] = csv[i++];
                else if (csv[i] == '"')
                    break;
                else
                    v[o++] = csv[i];
            }
            v[o++] = '\0';
            i++;
        } else if (csv[i] == ',') {
            i++;
        } else {               /* "\r\n" */
            v[o++] = '\n';
            i += 2;
        }
    }
    *outlen = o;
    return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fcsv_state s;
    char *input;
    int max, rc;

    if (size < 1)
        return 0;
    max = data[0] < 200 ? data[0] % 16 : 100000;
    data++;
    size--;
    input = malloc(size ? size : 1);    /* exact size: overreads are reported */
    FZ_CHECK(input != NULL);
    if (size)
        memcpy(input, data, size);

    memset(&s, 0, sizeof s);
    s.all_ok = 1;
    s.stop_at = -1;
    rc = csv_parse(size ? input : NULL, size, max, fcsv_record, &s);
    FZ_CHECK(rc == HD_OK || rc == HD_ETOOBIG);
    FZ_CHECK(s.count <= max);
    FZ_CHECK(rc != HD_ETOOBIG || s.count == max);

    if (rc == HD_OK && s.all_ok && s.count > 0) {
        fcsv_state again;
        size_t vlen;
        char *vals = fcsv_values(s.out, s.out_len, &vlen);

        memset(&again, 0, sizeof again);
        again.all_ok = 1;
        again.stop_at = -1;
        again.expect = vals;
        again.expect_len = vlen;
        FZ_CHECK(csv_parse(s.out, s.out_len, s.count, fcsv_record, &again) == HD_OK);
        FZ_CHECK(again.count == s.count && again.all_ok && again.expect_pos == vlen);
        free(vals);
    }
    free(s.out);

    /* a callback's non-zero answer stops the parse and is returned */
    if (s.count > 1) {
        memset(&s, 0, sizeof s);
        s.all_ok = 1;
        s.stop_at = 1;
        FZ_CHECK(csv_parse(input, size, max, fcsv_record, &s) == 7 && s.count == 1);
        free(s.out);
    }
    free(input);
    return 0;
}
