/* csv.c -- RFC 4180 records out of a bounded byte buffer (see csv.h).
 *
 * One pass, byte by byte, with the values copied into fixed arrays of the
 * parser: the input is a request body nobody has checked yet, so nothing
 * here depends on it being well formed, NUL-free or of reasonable size. */
#include "campaign/csv.h"
#include "core/err.h"

#include <stdint.h>
#include <string.h>

typedef struct csv_parser {
    const unsigned char *p;
    size_t     len, pos;
    int        line;                                 /* physical line at pos */
    int        over;                                 /* current field went over CSV_FIELD_MAX */
    csv_record rec;
    char       vals[CSV_FIELDS_MAX][CSV_FIELD_MAX + 1];
} csv_parser;

const char *csv_status_name(csv_status st)
{
    switch (st) {
    case CSV_OK:              return "ok";
    case CSV_TOO_MANY_FIELDS: return "too_many_fields";
    case CSV_FIELD_TOO_LONG:  return "field_too_long";
    case CSV_BAD_QUOTE:       return "bad_quote";
    case CSV_UNTERMINATED:    return "unterminated_quote";
    case CSV_BAD_UTF8:        return "bad_utf8";
    }
    return "unknown";
}

int csv_utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    while (i < n) {
        unsigned c = p[i];
        size_t need;
        uint32_t cp;

        if (c == 0)
            return 0;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            cp = c & 0x07;
        } else {
            return 0;    /* continuation byte first, C0/C1 (overlong ASCII), F5.. */
        }
        if (n - i - 1 < need)
            return 0;
        for (size_t k = 1; k <= need; k++) {
            unsigned b = p[i + k];
            if ((b & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (b & 0x3F);
        }
        if (need == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF)))
            return 0;
        if (need == 3 && (cp < 0x10000 || cp > 0x10FFFF))
            return 0;
        i += need + 1;
    }
    return 1;
}

static void flag(csv_parser *cp, csv_status st, int field)
{
    if (cp->rec.status == CSV_OK) {
        cp->rec.status = st;
        cp->rec.err_field = field;
    }
}

/* Open field number fi of the record. */
static void field_begin(csv_parser *cp, int fi)
{
    cp->rec.nfields = fi + 1;
    cp->over = 0;
    if (fi == CSV_FIELDS_MAX)
        flag(cp, CSV_TOO_MANY_FIELDS, fi);
    if (fi < CSV_FIELDS_MAX) {
        cp->rec.len[fi] = 0;
        cp->vals[fi][0] = '\0';
        cp->rec.field[fi] = cp->vals[fi];
    }
}

static void put(csv_parser *cp, int fi, unsigned char c)
{
    if (fi >= CSV_FIELDS_MAX)
        return;
    if (cp->rec.len[fi] >= CSV_FIELD_MAX) {
        if (!cp->over)
            flag(cp, CSV_FIELD_TOO_LONG, fi);
        cp->over = 1;
        return;
    }
    cp->vals[fi][cp->rec.len[fi]++] = (char)c;
}

static void field_end(csv_parser *cp, int fi)
{
    if (fi >= CSV_FIELDS_MAX)
        return;
    cp->vals[fi][cp->rec.len[fi]] = '\0';
    if (!cp->over && !csv_utf8_valid(cp->vals[fi], cp->rec.len[fi]))
        flag(cp, CSV_BAD_UTF8, fi);
}

/* Length of the line break at pos (CRLF, LF or a lone CR), 0 if none. */
static size_t break_len(const csv_parser *cp, size_t pos)
{
    if (pos >= cp->len)
        return 0;
    if (cp->p[pos] == '\n')
        return 1;
    if (cp->p[pos] == '\r')
        return pos + 1 < cp->len && cp->p[pos + 1] == '\n' ? 2 : 1;
    return 0;
}

/* The rest of a quoted field, from after its opening quote. 0 when the
 * closing quote was found (pos after it), -1 at the end of input. */
static int read_quoted(csv_parser *cp, int fi)
{
    while (cp->pos < cp->len) {
        unsigned char c = cp->p[cp->pos];
        size_t bl;

        if (c == '"') {
            if (cp->pos + 1 < cp->len && cp->p[cp->pos + 1] == '"') {
                put(cp, fi, '"');
                cp->pos += 2;
                continue;
            }
            cp->pos++;
            return 0;
        }
        if ((bl = break_len(cp, cp->pos)) > 0) {
            /* Kept as written: the caller decides what a line break in a
             * value means. */
            for (size_t k = 0; k < bl; k++)
                put(cp, fi, cp->p[cp->pos + k]);
            cp->pos += bl;
            cp->line++;
            continue;
        }
        put(cp, fi, c);
        cp->pos++;
    }
    return -1;
}

/* One record from pos, which is neither at the end nor at a line break.
 * Returns 1 when it ended on an unterminated quote, else 0. */
static int read_record(csv_parser *cp)
{
    int fi = 0;

    cp->rec.line = cp->line;
    cp->rec.status = CSV_OK;
    cp->rec.err_field = -1;
    field_begin(cp, 0);
    for (;;) {
        size_t bl;

        if (cp->pos < cp->len && cp->p[cp->pos] == '"') {
            cp->pos++;
            if (read_quoted(cp, fi) < 0) {
                flag(cp, CSV_UNTERMINATED, fi);
                field_end(cp, fi);
                return 1;
            }
            if (cp->pos < cp->len && cp->p[cp->pos] != ',' && !break_len(cp, cp->pos))
                flag(cp, CSV_BAD_QUOTE, fi);   /* "abc"def: read on as unquoted */
        }
        for (;;) {
            unsigned char c;

            if (cp->pos >= cp->len) {
                field_end(cp, fi);
                return 0;
            }
            c = cp->p[cp->pos];
            if (c == ',') {
                cp->pos++;
                field_end(cp, fi);
                /* Past the limit fields are only counted as one more. */
                if (fi < CSV_FIELDS_MAX)
                    fi++;
                field_begin(cp, fi);
                break;
            }
            if ((bl = break_len(cp, cp->pos)) > 0) {
                cp->pos += bl;
                cp->line++;
                field_end(cp, fi);
                return 0;
            }
            if (c == '"')
                flag(cp, CSV_BAD_QUOTE, fi);
            put(cp, fi, c);
            cp->pos++;
        }
    }
}

int csv_parse(const char *buf, size_t len, int max_records, csv_record_fn fn, void *ud)
{
    csv_parser cp;
    int nrec = 0, resyncs = 0, rc;

    if ((!buf && len) || !fn || max_records < 0)
        return HD_EINVAL;
    memset(&cp.rec, 0, sizeof cp.rec);
    cp.p = (const unsigned char *)buf;
    cp.len = len;
    cp.pos = 0;
    cp.line = 1;
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        cp.pos = 3;

    while (cp.pos < cp.len) {
        size_t bl = break_len(&cp, cp.pos), start = cp.pos;
        int start_line = cp.line, unterminated;

        if (bl) {                      /* an empty line: no record */
            cp.pos += bl;
            cp.line++;
            continue;
        }
        if (nrec >= max_records)
            return HD_ETOOBIG;
        unterminated = read_record(&cp);
        cp.rec.index = nrec++;
        if ((rc = fn(ud, &cp.rec)) != 0)
            return rc;
        if (unterminated && resyncs < CSV_RESYNC_MAX) {
            /* Go on after the line the record began on, as if the quote
             * had been closed there; the record itself is reported. */
            resyncs++;
            cp.pos = start;
            while (cp.pos < cp.len && !break_len(&cp, cp.pos))
                cp.pos++;
            cp.pos += break_len(&cp, cp.pos);
            cp.line = start_line + 1;
        }
    }
    return HD_OK;
}
