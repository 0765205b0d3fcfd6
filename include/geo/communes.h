/* communes.h -- the directory of communes (xã, phường, đặc khu) since the
 * 1 July 2025 reorganisation, and a loose lookup of what a citizen types
 * ("p tan phong lai chau", "Xã Tân Thành, huyện Hàm Yên", "tphcm") to the
 * commune whose police handle the case.
 *
 * The directory is read once (geo_dir_load) and is read-only afterwards, so
 * any number of threads may call geo_lookup on it at the same time. Names
 * are kept as in the data files (UTF-8, with diacritics).
 *
 * Files, all in the directory of the communes file (see data/README.md):
 *   communes.tsv       commune_code, commune_name, commune_type,
 *                      province_code, province_name  (required)
 *   communes_old.tsv   pre-2025 communes -> the commune that took them over
 *   provinces_old.tsv  the 63 pre-2025 provinces -> the 34 new ones
 * The last two are optional: without them old names are simply unknown. */
#ifndef HD_GEO_COMMUNES_H
#define HD_GEO_COMMUNES_H

#include <stddef.h>

typedef struct geo_dir geo_dir;

typedef enum geo_type {
    GEO_TYPE_NONE = 0,
    GEO_TYPE_XA,          /* xã */
    GEO_TYPE_PHUONG,      /* phường */
    GEO_TYPE_DAC_KHU,     /* đặc khu (islands) */
    GEO_TYPE_THI_TRAN     /* thị trấn: only among pre-2025 names */
} geo_type;

typedef struct geo_province {
    char code[3];             /* "01" */
    const char *name;         /* "Thành phố Hà Nội" */
    const char *short_name;   /* "Hà Nội" */
    int ncommunes;
} geo_province;

typedef struct geo_commune {
    char code[6];             /* "00004" */
    geo_type type;
    int province;             /* index for geo_dir_province() */
    const char *name;         /* "Phường Ba Đình" */
} geo_commune;

/* Load the directory from tsv_path (and its optional siblings, above).
 * HD_EIO when a file cannot be read, HD_EPARSE with the file and line in err
 * when a line is malformed, HD_ENOMEM. */
int  geo_dir_load(const char *tsv_path, geo_dir **out, char *err, size_t errlen);
void geo_dir_free(geo_dir *d);

size_t geo_dir_count(const geo_dir *d);                          /* communes */
const geo_commune *geo_dir_commune(const geo_dir *d, size_t i); /* NULL if out of range */
const geo_commune *geo_dir_by_code(const geo_dir *d, const char *code);
size_t geo_dir_province_count(const geo_dir *d);
const geo_province *geo_dir_province(const geo_dir *d, size_t i);
const geo_province *geo_dir_province_by_code(const geo_dir *d, const char *code);
/* Pre-2025 rows (old commune -> new commune) and old provinces loaded. */
size_t geo_dir_old_count(const geo_dir *d);
size_t geo_dir_old_province_count(const geo_dir *d);

/* Flags of a match. */
#define GEO_M_SURE           0x01u /* only on matches[0]: take it without asking */
#define GEO_M_OLD_NAME       0x02u /* found through a pre-2025 commune name */
#define GEO_M_FUZZY          0x04u /* found despite a typo (1-2 edits) */
#define GEO_M_PROVINCE_ONLY  0x08u /* no commune recognised; commune is NULL */
#define GEO_M_PROVINCE_GIVEN 0x10u /* the text named this commune's province */
#define GEO_M_OLD_PROVINCE   0x20u /* ... by its pre-2025 name ("Bình Dương") */
#define GEO_M_DISTRICT_GIVEN 0x40u /* the text named a pre-2025 district that fits */

typedef struct geo_match {
    const geo_commune *commune;   /* NULL with GEO_M_PROVINCE_ONLY */
    const geo_province *province; /* never NULL */
    /* With GEO_M_OLD_NAME: the pre-2025 unit the text named, so the dialogue
     * can ask "Xã Tân Thành (huyện Hàm Yên) nay là Xã Hàm Yên?". */
    const char *old_name;         /* "Xã Tân Thành" or NULL */
    const char *old_district;     /* "Huyện Hàm Yên" or NULL */
    const char *old_province;     /* "Tỉnh Tuyên Quang" or NULL */
    int score;                    /* 1..100, higher is better */
    unsigned flags;               /* GEO_M_* */
} geo_match;

/* Find the communes text may name. Fills up to max matches, best first, one
 * per commune (and at most one province-only match per province), and sets
 * *n (0 when nothing fits). matches[0] carries GEO_M_SURE only when a
 * current name was recognised (exactly, or with one typo when the province
 * is also given) and nothing else comes close; in particular never when
 * another commune, current or pre-2025, has that name (and type word, if one
 * was written) and no province was named, and never for a pre-2025 name.
 * Then the dialogue should confirm with the citizen, showing the best few.
 * Only the first NLU_INPUT_MAX bytes and 48 words are looked at. HD_EINVAL for bad arguments; otherwise HD_OK (HD_ENOMEM if a
 * scratch buffer cannot be had). */
int geo_lookup(const geo_dir *d, const char *text, size_t len,
               geo_match *matches, int max, int *n);

#endif
