/* communes.h -- the communes table: the directory of data/communes.tsv in
 * the database, so that users and cases can name a commune by its code and
 * the dashboard can show its name and province.
 *
 * The in-memory directory that finds a commune from what a citizen types is
 * include/geo/communes.h; this table only answers "code -> names". */
#ifndef HD_STORE_COMMUNES_H
#define HD_STORE_COMMUNES_H

#include "store/store.h"

#define STORE_COMMUNE_CODE_MAX  8    /* "00004": 5 digits */
#define STORE_PROVINCE_CODE_MAX 4    /* "01": 2 digits */
#define STORE_COMMUNE_NAME_MAX  96

typedef struct store_commune {
    char code[STORE_COMMUNE_CODE_MAX];
    char name[STORE_COMMUNE_NAME_MAX];            /* "Phường Ba Đình" */
    char type[24];                                /* "Xã", "Phường", "Đặc khu" */
    char province_code[STORE_PROVINCE_CODE_MAX];
    char province_name[STORE_COMMUNE_NAME_MAX];   /* "Thành phố Hà Nội" */
} store_commune;

/* Bring the table in line with tsv_path (header line, then commune_code,
 * commune_name, commune_type, province_code, province_name), in one
 * transaction: new codes are added, changed names updated, rows missing from
 * the file kept (cases may name them). Nothing is written when the table
 * already matches, so calling it at every start is cheap. *n_changed (may
 * be NULL) gets the rows added or updated. HD_EIO when the file cannot be
 * read, HD_EPARSE (file and line in err) when a line is malformed. */
int store_commune_load(store *s, const char *tsv_path, int *n_changed,
                       char *err, size_t errlen);

/* HD_ENOTFOUND for an unknown code. */
int store_commune_get(store *s, const char *code, store_commune *out);

int store_commune_count(store *s, int64_t *count);

#endif
