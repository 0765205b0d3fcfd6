/* geo_internal.h -- what the files of src/geo/ share: the directory's
 * layout, the name index, folding text into words. Not a public header. */
#ifndef HD_GEO_INTERNAL_H
#define HD_GEO_INTERNAL_H

#include "geo/communes.h"
#include "nlu/normalize.h"

#include <stddef.h>
#include <stdint.h>

#define GEO_TOK_MAX   48   /* words of a query looked at */
#define GEO_TOK_LEN   24   /* longer "words" cannot be part of a name */
#define GEO_NAME_TOK   8   /* words of the longest name indexed */

/* ---- an arena: names live as long as the directory ---- */
typedef struct geo_chunk geo_chunk;
typedef struct geo_arena { geo_chunk *head; } geo_arena;
void *geo_arena_alloc(geo_arena *a, size_t n);
char *geo_arena_strndup(geo_arena *a, const char *s, size_t n);
void  geo_arena_free(geo_arena *a);

/* ---- string -> int map (open addressing; keys are not copied) ---- */
typedef struct geo_map {
    const char **keys;
    int *vals;
    size_t cap, used;
} geo_map;
int  geo_map_put(geo_map *m, const char *key, int val);  /* replaces */
int  geo_map_get(const geo_map *m, const char *key);     /* -1 if absent */
void geo_map_free(geo_map *m);

/* ---- text folded into words ----
 * Lower-case ASCII words without diacritics ("Phường Tân Phong" -> phuong,
 * tan, phong). Letters and digits are split apart so "p5" and "q10" read
 * as "p 5", "q 10". brk marks a word that follows a comma, semicolon, slash,
 * parenthesis or line break: a name never runs across one. */
typedef struct geo_toks {
    int n;
    char tok[GEO_TOK_MAX][GEO_TOK_LEN + 1];
    unsigned char len[GEO_TOK_MAX];
    unsigned char brk[GEO_TOK_MAX];
} geo_toks;

typedef struct geo_scratch {
    nlu_text nt;
    char ascii[NLU_NFC_MAX];
} geo_scratch;

int geo_fold(geo_scratch *s, const char *in, size_t len, geo_toks *out);
/* Levenshtein distance of a and b, or max + 1 once it exceeds max. */
int geo_edit_distance(const char *a, int alen, const char *b, int blen, int max);

/* ---- the directory ---- */
enum geo_kind {
    GEO_K_COMMUNE,   /* a current commune; target: commune */
    GEO_K_OLD,       /* a pre-2025 commune; target: old row */
    GEO_K_PROVINCE,  /* a current province or a nickname; target: province */
    GEO_K_OLDPROV,   /* a pre-2025 province; target: old province */
    GEO_K_DISTRICT   /* a pre-2025 district; target: district */
};

/* Type words a name may carry in front, for communes and districts alike. */
enum geo_word {
    GEO_W_NONE = 0,
    GEO_W_XA, GEO_W_PHUONG, GEO_W_THI_TRAN, GEO_W_DAC_KHU,  /* communes */
    GEO_W_QUAN, GEO_W_HUYEN, GEO_W_THI_XA,                  /* districts */
    GEO_W_THANH_PHO,          /* a city: province or district */
    GEO_W_TINH,               /* tỉnh, thủ đô */
    GEO_W_VILLAGE             /* thôn, ấp, xóm, bản, tổ ...: not a commune */
};

typedef struct geo_name {
    const char *key;          /* words run together: "tanphong" */
    uint32_t tok_off;         /* its words, as vocabulary ids in d->toks */
    uint8_t ntok;
    uint8_t kind;             /* enum geo_kind */
    uint8_t word;             /* enum geo_word it was written with */
    uint8_t numeric;          /* only digits ("Phường 5"): needs its type word */
    int target;
    int next;                 /* next name with the same key, or -1 */
} geo_name;

typedef struct geo_oldrow {
    const char *name;         /* "Xã Tân Thành" */
    const char *district;     /* "Huyện Hàm Yên" */
    const char *province;     /* "Tỉnh Tuyên Quang" */
    int commune;              /* the commune that took it over */
    int district_id;
    int oldprov;              /* -1 when provinces_old.tsv lacks it */
    geo_type type;
} geo_oldrow;

typedef struct geo_oldprov {
    char code[3];
    const char *name;
    int province;             /* the new one */
} geo_oldprov;

typedef struct geo_district {
    const char *name;         /* "Huyện Hàm Yên" */
    int province;             /* the new province it lies in */
} geo_district;

struct geo_dir {
    geo_arena arena;
    geo_province *prov;   int nprov;
    geo_commune *comm;    int ncomm;
    geo_oldrow *old;      int nold;
    geo_oldprov *oldprov; int noldprov;
    geo_district *dist;   int ndist;
    /* the old districts each commune was formed from: comm_dist[off[c]..off[c+1]) */
    int *comm_dist_off, *comm_dist;
    geo_map code_map;     /* commune code -> index */
    geo_name *names;      int nnames, names_cap;
    int *toks;            size_t ntoks, toks_cap;
    geo_map key_map;      /* name key -> first name with that key */
    const char **vocab;   int nvocab, vocab_cap;
    unsigned char *vocab_len;
    geo_map vocab_map;    /* word -> vocabulary id */
    /* names by their first word: first_names[first_off[w]..first_off[w+1]) */
    int *first_off, *first_names;
};

/* communes.c: add one name to the index (key and words from toks[from..]). */
int geo_dir_add_name(geo_dir *d, const geo_toks *t, int from, int kind,
                     int word, int target);
/* geo_alias.c: the nicknames of provinces (HN, TPHCM, Sài Gòn ...). */
int geo_alias_add_all(geo_dir *d, geo_scratch *s, geo_toks *t);
/* geo_words.c: the type word that toks[i..i+len) spells, or GEO_W_NONE. */
int geo_word_at(const geo_toks *t, int i, int *len);

#endif
