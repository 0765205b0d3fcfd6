/* geo_query.h -- one lookup's working state, shared by geo_hits.c (finding
 * names in the text) and geo_lookup.c (weighing them). Not public. */
#ifndef HD_GEO_QUERY_H
#define HD_GEO_QUERY_H

#include "geo_internal.h"

#define GEO_ALT_MAX  24     /* close words kept for one word of the text */
#define GEO_HIT_MAX  1024   /* names found in one text */
#define GEO_MEN_MAX  64     /* provinces and districts found in one text */
#define GEO_CAND_MAX 512    /* communes considered for one text */
#define GEO_NO_COST  99

typedef struct geo_alt { int vid, cost; } geo_alt;

typedef struct geo_hit {
    int name;
    unsigned char start, len, cost, word;
} geo_hit;

typedef struct geo_mention {      /* a province or old district the text names */
    int province;                 /* the current province it means */
    int oldprov;                  /* named by its pre-2025 name: which, else -1 */
    int district;                 /* an old district: which, else -1 */
    unsigned char start, len;
} geo_mention;

typedef struct geo_cand {
    int commune, province, old, score, cost;
    unsigned flags;
} geo_cand;

typedef struct geo_query {
    geo_scratch s;
    geo_toks t;
    int vid[GEO_TOK_MAX];
    geo_alt alt[GEO_TOK_MAX][GEO_ALT_MAX];
    int nalt[GEO_TOK_MAX];
    geo_hit hit[GEO_HIT_MAX];
    int nhit, nexact;
    geo_mention men[GEO_MEN_MAX];
    int nmen;
    geo_cand cand[GEO_CAND_MAX];
    int ncand;
    int commune_word;       /* some name follows "xã", "phường" ... */
} geo_query;

/* geo_words.c */
int geo_word_before(const geo_toks *t, int i);
/* geo_hits.c */
void geo_exact_hits(const geo_dir *d, geo_query *q);
void geo_fuzzy_alts(const geo_dir *d, geo_query *q, int j);
void geo_fuzzy_hits(const geo_dir *d, geo_query *q);
int  geo_unexplained(const geo_dir *d, const geo_query *q);

#endif
