/* import.h -- the lists commune police keep of citizens whose VNeID account
 * was approved but not activated, imported as SMS contacts for reminders.
 *
 * The list is CSV (campaign/csv.h) with the header phone,commune_code,name
 * (any case, spaces around names allowed). Each line after it is checked on
 * its own:
 *   phone         a Vietnamese mobile number in any spelling phone.h accepts
 *                 (spreadsheets drop the leading 0: 912345678 is fine)
 *   commune_code  a code of the communes table (1 to 5 digits: a spreadsheet
 *                 that turned 00004 into 4 is forgiven), inside the
 *                 importing staff's province when they have one
 *   name          up to IMPORT_NAME_CHARS_MAX characters (after NFC), no
 *                 control characters; may be empty (a known name then stays)
 * A bad line is reported with its number and why, and nothing of it is
 * written; the good lines are written together in one transaction. A phone
 * that appears on several good lines is imported from the first of them;
 * the later ones are reported as duplicate_in_file. Lines whose fields are
 * all blank are skipped silently, like empty lines.
 *
 * Line numbers are physical lines of the body (the header is line 1 unless
 * empty lines precede it); a record with a quoted line break is reported at
 * the line it starts on. */
#ifndef HD_CAMPAIGN_IMPORT_H
#define HD_CAMPAIGN_IMPORT_H

#include "store/store.h"

#include <stddef.h>
#include <stdint.h>

#define IMPORT_LINES_MAX      10000   /* data lines per request, header not counted */
#define IMPORT_NAME_CHARS_MAX 100
#define IMPORT_MSG_MAX        192

typedef struct import_reject {
    int         line;
    const char *reason;                 /* static id: "bad_phone", ... (import_reasons) */
    char        message[IMPORT_MSG_MAX]; /* English sentence for the person importing */
} import_reject;

typedef struct import_result {
    int            imported;    /* lines written */
    int            created;     /* of which were numbers not known before */
    int            nrejected;
    import_reject *rejected;    /* ordered by line; import_result_free() */
    const char    *error;       /* when the whole list is refused: "empty",
                                   "bad_header", "too_many_lines"; else NULL */
} import_result;

/* Every reason id a rejected line can carry, NULL-terminated (for the
 * dashboard and the tests). */
extern const char *const import_reasons[];

/* Check and import csv (len bytes, any content). province_code: "" or
 * NULL for any province, else the only one allowed. user_id (0 = none) is
 * written to the audit log with the counts (never the numbers).
 *   HD_OK      res filled (some or all lines may be rejected)
 *   HD_EPARSE  empty body or a wrong header: res->error says which, err why
 *   HD_ETOOBIG over IMPORT_LINES_MAX data lines: res->error "too_many_lines"
 *   HD_EDB, HD_EBUSY, HD_ENOMEM: nothing written
 * res is always initialised; free it with import_result_free(). */
int import_contacts(store *s, const char *csv, size_t len, const char *province_code,
                    int64_t user_id, int64_t now_ms, import_result *res,
                    char *err, size_t errlen);

void import_result_free(import_result *res);

#endif
