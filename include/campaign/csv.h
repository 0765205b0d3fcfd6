/* csv.h -- a bounded RFC 4180 reader for the lists staff import.
 *
 * Pure: bytes in, one callback per record out, no allocation, no I/O, so it
 * can be fuzzed as it is. What it accepts:
 *   - fields separated by ',', records by CRLF, LF or a lone CR;
 *   - quoted fields ("a, b"), a doubled quote inside them ("say ""hi"""),
 *     line breaks inside quotes;
 *   - a UTF-8 byte order mark at the very start (skipped);
 *   - no line break after the last record.
 * An empty line (no byte between two line breaks) is no record: editors and
 * spreadsheets leave them, and they carry nothing. Everything else becomes a
 * record, flagged with what is wrong with it rather than stopping the parse,
 * so that a list with one bad line still has its good lines read.
 *
 * Bounds: at most CSV_FIELDS_MAX fields are kept and CSV_FIELD_MAX bytes of
 * each; a longer record is flagged, never cut silently. An unterminated
 * quote would swallow the rest of the file; instead the record is flagged
 * and reading goes on at the physical line after the one it began on (at
 * most CSV_RESYNC_MAX times, which keeps the work linear in len). */
#ifndef HD_CAMPAIGN_CSV_H
#define HD_CAMPAIGN_CSV_H

#include <stddef.h>

#define CSV_FIELDS_MAX 8
#define CSV_FIELD_MAX  1024      /* bytes of one field's value */
#define CSV_RESYNC_MAX 8

/* What is wrong with a record; the first problem met, in reading order. */
typedef enum csv_status {
    CSV_OK = 0,
    CSV_TOO_MANY_FIELDS,    /* more than CSV_FIELDS_MAX fields */
    CSV_FIELD_TOO_LONG,     /* a field over CSV_FIELD_MAX bytes */
    CSV_BAD_QUOTE,          /* '"' inside an unquoted field, or text after a closing quote */
    CSV_UNTERMINATED,       /* a quote opened and never closed before the end */
    CSV_BAD_UTF8            /* a field is not valid UTF-8, or holds a NUL byte */
} csv_status;

typedef struct csv_record {
    int         line;       /* physical line (1-based) the record starts on */
    int         index;      /* 0 for the first record, 1 for the next ... */
    int         nfields;    /* fields seen; CSV_FIELDS_MAX + 1 means "more" (flagged) */
    csv_status  status;
    int         err_field;  /* 0-based field the status is about; -1 when CSV_OK */
    /* The first min(nfields, CSV_FIELDS_MAX) values, unquoted, NUL-terminated.
     * Only meaningful when status is CSV_OK (else possibly partial). */
    const char *field[CSV_FIELDS_MAX];
    size_t      len[CSV_FIELDS_MAX];
} csv_record;

/* Called once per record; a non-zero return stops the parse and becomes
 * csv_parse()'s result. rec and its fields live only during the call. */
typedef int (*csv_record_fn)(void *ud, const csv_record *rec);

/* Read buf (len bytes, need not be NUL-terminated, may hold any byte) and
 * call fn for each record, at most max_records times. HD_OK at the end of
 * buf; HD_ETOOBIG when there is a record beyond max_records (fn is not
 * called for it); HD_EINVAL for bad arguments (buf may be NULL when len is
 * 0); otherwise what fn returned. */
int csv_parse(const char *buf, size_t len, int max_records, csv_record_fn fn, void *ud);

/* 1 when s (n bytes) is valid UTF-8 without NUL bytes: no overlong forms,
 * no surrogates, nothing above U+10FFFF. */
int csv_utf8_valid(const char *s, size_t n);

/* "ok", "too_many_fields", "field_too_long", "bad_quote",
 * "unterminated_quote", "bad_utf8". */
const char *csv_status_name(csv_status st);

#endif
