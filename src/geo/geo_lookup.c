/* geo_lookup.c -- from what a citizen typed to the communes it may name.
 *
 * The text is folded into words. Every run of up to GEO_NAME_TOK words is
 * looked up as one key (words run together), which finds names with or
 * without diacritics, spaces or hyphens. Words that are not in the
 * vocabulary of names get close vocabulary words (1-2 edits) and names are
 * then matched word by word; only if that finds no good commune are close
 * words tried for every word. All this touches only the words of the query
 * and the names that start with them, never all 3,321 communes.
 *
 * Each name found is a hit: a current commune, a pre-2025 commune, a
 * province (current, old, or nickname) or a pre-2025 district. Provinces
 * and districts found elsewhere in the text confirm or contradict each
 * commune hit; type words in front of it ("xã", "p.", "thôn") do the same.
 * The scores below are additive and were set so that the cases in
 * tests/unit/test_geo_communes.c come out in the intended order; they
 * decide the order and whether the best is sure enough, nothing else. */
#include "geo_query.h"
#include "core/err.h"

#include <stdlib.h>
#include <string.h>

enum {
    GEO_S_NEW = 60,           /* a current commune's name */
    GEO_S_OLD = 40,           /* a pre-2025 commune's name */
    GEO_S_TYPE_OK = 10,       /* "phường" in front of a phường */
    GEO_S_TYPE_BAD = -10,     /* "xã" in front of a phường, "huyện" in front of any */
    GEO_S_NOT_COMMUNE = -30,  /* "huyện X" when "xã Y" is there too */
    GEO_S_VILLAGE = -15,      /* "thôn", "ấp" ...: a village, likely not the commune */
    GEO_S_PROV_OK = 25,       /* the province named elsewhere is this one's */
    GEO_S_PROV_BAD = -40,     /* ... is another */
    GEO_S_DIST_OK = 15,       /* an old district named elsewhere fits */
    GEO_S_DIST_BAD_OLD = -10,
    GEO_S_DIST_BAD_NEW = -20,
    GEO_S_EDIT = -12,         /* per typo corrected */
    GEO_S_INSIDE = -30,       /* part of a longer name found in the text */
    GEO_S_IS_PROVINCE = -30,  /* the very words of a province, no commune word */
    GEO_S_STRADDLE = -20,     /* runs into a province's name */
    GEO_S_PROV_ONLY = 40,     /* only a province recognised */
    GEO_S_DIST_ONLY = 30,     /* only an old district recognised */
    GEO_S_WEAK = 50,          /* below this a commune does not hide its province */
    GEO_S_SURE = 70,          /* sure, no province named: at least this ... */
    GEO_S_RIVAL = 35,         /* ... and nothing else above this */
    GEO_S_SURE_PROV = 80,     /* sure, province named: at least this ... */
    GEO_S_MARGIN = 20         /* ... and this far ahead of the next */
};

static int geo_is_commune_word(int w)
{
    return w == GEO_W_XA || w == GEO_W_PHUONG || w == GEO_W_THI_TRAN ||
           w == GEO_W_DAC_KHU || w == GEO_W_VILLAGE;
}

static int geo_is_district_word(int w)
{
    return w == GEO_W_QUAN || w == GEO_W_HUYEN || w == GEO_W_THI_XA;
}

static int geo_overlap(int s1, int l1, int s2, int l2)
{
    return s1 < s2 + l2 && s2 < s1 + l1;
}

/* Provinces and old districts the text names. A name right after "xã" or
 * "thôn" is that commune or village, not the province it shares a name with. */
static void geo_mentions(const geo_dir *d, geo_query *q)
{
    int i, j;

    q->nmen = 0;
    for (i = 0; i < q->nhit && q->nmen < GEO_MEN_MAX; i++) {
        const geo_hit *h = &q->hit[i];
        const geo_name *nm = &d->names[h->name];
        geo_mention *m = &q->men[q->nmen];

        if (geo_is_commune_word(h->word))
            continue;
        /* Typos are forgiven in a province's name, not in a district's: a
         * district only qualifies, and short ones are too easily made up. */
        if (h->cost && (nm->kind == GEO_K_DISTRICT || strlen(nm->key) < 6))
            continue;
        m->oldprov = m->district = -1;
        m->start = h->start;
        m->len = h->len;
        if (nm->kind == GEO_K_PROVINCE) {
            if (nm->numeric || h->word == GEO_W_QUAN || h->word == GEO_W_HUYEN ||
                h->word == GEO_W_THI_XA)
                continue;
            m->province = nm->target;
        } else if (nm->kind == GEO_K_OLDPROV) {
            if (h->word == GEO_W_QUAN || h->word == GEO_W_HUYEN || h->word == GEO_W_THI_XA)
                continue;
            m->province = d->oldprov[nm->target].province;
            m->oldprov = nm->target;
        } else if (nm->kind == GEO_K_DISTRICT) {
            /* "Quận 5" needs its "quận"; a bare 5 is a number. "Thị xã Sơn
             * Tây" is not "Huyện Sơn Tây" of another province. */
            if ((nm->numeric && h->word != GEO_W_QUAN) || h->word == GEO_W_TINH ||
                (geo_is_district_word(h->word) && geo_is_district_word(nm->word) &&
                 h->word != nm->word))
                continue;
            m->province = d->dist[nm->target].province;
            m->district = nm->target;
        } else {
            continue;
        }
        q->nmen++;
    }
    /* A district inside a province's name ("Lắk" in "Đắk Lắk") is not one. */
    for (i = j = 0; i < q->nmen; i++) {
        const geo_mention *m = &q->men[i];
        int k, inside = 0;
        for (k = 0; k < q->nmen && m->district >= 0 && !inside; k++)
            inside = q->men[k].district < 0 && q->men[k].len > m->len &&
                     geo_overlap(q->men[k].start, q->men[k].len, m->start, m->len);
        if (!inside)
            q->men[j++] = *m;
    }
    q->nmen = j;
}

/* Does h run into (not over) a province the text names? */
static int geo_straddles(const geo_query *q, const geo_hit *h)
{
    int i;

    for (i = 0; i < q->nmen; i++) {
        const geo_mention *m = &q->men[i];
        if (m->district < 0 && geo_overlap(m->start, m->len, h->start, h->len) &&
            !(h->start <= m->start && h->start + h->len >= m->start + m->len))
            return 1;
    }
    return 0;
}

static int geo_type_fits(geo_type type, int word, int old)
{
    switch (word) {
    case GEO_W_XA:       return type == GEO_TYPE_XA;
    case GEO_W_PHUONG:   return type == GEO_TYPE_PHUONG;
    case GEO_W_DAC_KHU:  return type == GEO_TYPE_DAC_KHU;
    case GEO_W_THI_TRAN: return old ? type == GEO_TYPE_THI_TRAN : -1;
    default:             return 0;
    }
}

/* Is h also named as an old district that commune c (or old row) was
 * formed from? */
static int geo_from_district(const geo_dir *d, const geo_query *q, const geo_hit *h,
                             int c, const geo_oldrow *row)
{
    int i, j;

    for (i = 0; i < q->nmen; i++) {
        const geo_mention *m = &q->men[i];
        if (m->district < 0 || m->start != h->start || m->len != h->len)
            continue;
        if (row && row->district_id == m->district)
            return 1;
        for (j = d->comm_dist_off[c]; !row && j < d->comm_dist_off[c + 1]; j++)
            if (d->comm_dist[j] == m->district)
                return 1;
    }
    return 0;
}

/* The score of one commune hit, or -1 when it cannot be meant. */
static int geo_score(const geo_dir *d, const geo_query *q, const geo_hit *h,
                     unsigned *flags)
{
    const geo_name *nm = &d->names[h->name];
    const geo_oldrow *row = nm->kind == GEO_K_OLD ? &d->old[nm->target] : NULL;
    int c = row ? row->commune : nm->target;
    int prov = d->comm[c].province;
    int score = row ? GEO_S_OLD : GEO_S_NEW;
    int any = 0, ok = 0, okold = 0, i, k;

    *flags = row ? GEO_M_OLD_NAME : 0;
    if (h->cost) {
        score += GEO_S_EDIT * h->cost;
        *flags |= GEO_M_FUZZY;
    }
    /* "5" or "I" alone is no commune; "Phường 5" is. */
    if ((nm->numeric || strlen(nm->key) <= 2) && h->word != GEO_W_XA &&
        h->word != GEO_W_PHUONG && h->word != GEO_W_THI_TRAN)
        return -1;
    switch (h->word) {
    case GEO_W_NONE:
        break;
    case GEO_W_XA: case GEO_W_PHUONG: case GEO_W_DAC_KHU: case GEO_W_THI_TRAN:
        k = geo_type_fits(row ? row->type : d->comm[c].type, h->word, row != NULL);
        score += k > 0 ? GEO_S_TYPE_OK : k == 0 ? GEO_S_TYPE_BAD : 0;
        break;
    case GEO_W_VILLAGE:
        score += GEO_S_VILLAGE;
        break;
    default:
        /* "huyện Ba Vì": the old district, which may share its name with a
         * commune formed from it; with "xã ..." elsewhere in the text that
         * other name is the commune. */
        if (q->commune_word)
            score += GEO_S_NOT_COMMUNE;
        else if (!geo_from_district(d, q, h, c, row))
            score += GEO_S_TYPE_BAD;
        break;
    }

    for (i = 0; i < q->nmen; i++) {
        const geo_mention *m = &q->men[i];
        if (m->district >= 0 || geo_overlap(m->start, m->len, h->start, h->len))
            continue;
        any = 1;
        /* An old commune and an old province must be the same old one. */
        if (m->province == prov &&
            (!row || m->oldprov < 0 || row->oldprov < 0 || row->oldprov == m->oldprov)) {
            ok = 1;
            okold |= m->oldprov >= 0;
        }
    }
    if (any) {
        score += ok ? GEO_S_PROV_OK : GEO_S_PROV_BAD;
        if (ok)
            *flags |= GEO_M_PROVINCE_GIVEN | (okold ? GEO_M_OLD_PROVINCE : 0);
    }

    any = ok = 0;
    for (i = 0; i < q->nmen; i++) {
        const geo_mention *m = &q->men[i];
        int j, asprov = 0;
        if (m->district < 0 || geo_overlap(m->start, m->len, h->start, h->len))
            continue;
        for (j = 0; j < q->nmen; j++)       /* "Lai Châu": the province, not the town */
            asprov |= q->men[j].district < 0 && q->men[j].start == m->start &&
                      q->men[j].len == m->len;
        if (asprov)
            continue;
        if (row) {
            any = 1;
            ok |= row->district_id == m->district;
        } else {
            for (j = d->comm_dist_off[c]; j < d->comm_dist_off[c + 1]; j++) {
                any = 1;
                ok |= d->comm_dist[j] == m->district;
            }
        }
    }
    if (any) {
        score += ok ? GEO_S_DIST_OK : row ? GEO_S_DIST_BAD_OLD : GEO_S_DIST_BAD_NEW;
        if (ok)
            *flags |= GEO_M_DISTRICT_GIVEN;
    }

    /* "Phú Thọ" or "tỉnh Phú Thọ" alone means the province; a name that
     * straddles a province's ("Thuận An Bình Dương" read as "An Bình") is
     * a coincidence of the words. */
    if (h->word == GEO_W_NONE || h->word == GEO_W_TINH || h->word == GEO_W_THANH_PHO) {
        for (i = 0; i < q->nmen; i++) {
            const geo_mention *m = &q->men[i];
            if (m->district < 0 && m->start == h->start && m->len == h->len) {
                score += GEO_S_IS_PROVINCE;
                break;
            }
        }
    }
    if (geo_straddles(q, h))
        score += GEO_S_STRADDLE;
    for (i = 0; i < q->nexact; i++) {
        const geo_hit *g = &q->hit[i];
        if (g->len > h->len && g->start <= h->start &&
            g->start + g->len >= h->start + h->len && !geo_straddles(q, g)) {
            score += GEO_S_INSIDE;
            break;
        }
    }
    return score > 100 ? 100 : score;
}

static void geo_add_cand(geo_query *q, int commune, int province, int old,
                         int score, int cost, unsigned flags)
{
    int i;
    geo_cand *c;

    if (score <= 0)
        return;
    for (i = 0; i < q->ncand; i++) {
        c = &q->cand[i];
        if (c->commune == commune && (commune >= 0 || c->province == province)) {
            if (score > c->score || (score == c->score && c->old >= 0 && old < 0))
                goto set;
            return;
        }
    }
    if (q->ncand == GEO_CAND_MAX)
        return;
    c = &q->cand[q->ncand++];
set:
    c->commune = commune;
    c->province = province;
    c->old = old;
    c->score = score;
    c->cost = cost;
    c->flags = flags;
}

static void geo_candidates(const geo_dir *d, geo_query *q)
{
    int i, j;

    q->ncand = 0;
    q->commune_word = 0;
    geo_mentions(d, q);
    for (i = 0; i < q->nhit; i++) {
        int kind = d->names[q->hit[i].name].kind, w = q->hit[i].word;
        if ((kind == GEO_K_COMMUNE || kind == GEO_K_OLD) && w != GEO_W_VILLAGE &&
            geo_is_commune_word(w))
            q->commune_word = 1;
    }
    for (i = 0; i < q->nhit; i++) {
        const geo_hit *h = &q->hit[i];
        const geo_name *nm = &d->names[h->name];
        unsigned flags;
        int score, c, old = -1;

        if (nm->kind != GEO_K_COMMUNE && nm->kind != GEO_K_OLD)
            continue;
        if ((score = geo_score(d, q, h, &flags)) < 0)
            continue;
        if (nm->kind == GEO_K_OLD) {
            old = nm->target;
            c = d->old[old].commune;
        } else {
            c = nm->target;
        }
        geo_add_cand(q, c, d->comm[c].province, old, score, h->cost, flags);
    }
    /* A province (or old district) named with no commune of it recognised:
     * the case can still go to that province's queue. */
    for (i = 0; i < q->nmen; i++) {
        const geo_mention *m = &q->men[i];
        int best = 0;
        for (j = 0; j < q->ncand; j++)
            if (q->cand[j].commune >= 0 && q->cand[j].province == m->province &&
                q->cand[j].score > best)
                best = q->cand[j].score;
        if (best >= GEO_S_WEAK)
            continue;
        if (m->district >= 0) {
            int k, asprov = 0;
            for (k = 0; k < q->nmen; k++)   /* "Quảng Ninh": the province first */
                asprov |= q->men[k].district < 0 && q->men[k].start == m->start &&
                          q->men[k].len == m->len;
            if (!asprov)
                geo_add_cand(q, -1, m->province, -1, GEO_S_DIST_ONLY, 0,
                             GEO_M_PROVINCE_ONLY | GEO_M_DISTRICT_GIVEN);
        } else {
            geo_add_cand(q, -1, m->province, -1, GEO_S_PROV_ONLY, 0,
                         GEO_M_PROVINCE_ONLY | GEO_M_PROVINCE_GIVEN |
                         (m->oldprov >= 0 ? GEO_M_OLD_PROVINCE : 0));
        }
    }
}

static int geo_best_commune(const geo_query *q)
{
    int i, best = 0;

    for (i = 0; i < q->ncand; i++)
        if (q->cand[i].commune >= 0 && q->cand[i].score > best)
            best = q->cand[i].score;
    return best;
}

static int geo_cand_cmp(const void *pa, const void *pb)
{
    const geo_cand *a = pa, *b = pb;

    if (a->score != b->score)
        return b->score - a->score;
    if ((a->commune < 0) != (b->commune < 0))
        return a->commune < 0 ? 1 : -1;
    if ((a->old < 0) != (b->old < 0))
        return a->old < 0 ? -1 : 1;
    if (a->cost != b->cost)
        return a->cost - b->cost;
    return a->commune != b->commune ? a->commune - b->commune : a->province - b->province;
}

static int geo_is_sure(const geo_query *q)
{
    const geo_cand *b = &q->cand[0];
    int rival = q->ncand > 1 ? q->cand[1].score : 0;

    if (b->commune < 0 || b->old >= 0)
        return 0;
    if (b->flags & GEO_M_PROVINCE_GIVEN)
        return b->cost <= 1 && b->score >= GEO_S_SURE_PROV && rival <= b->score - GEO_S_MARGIN;
    return b->cost == 0 && b->score >= GEO_S_SURE && rival <= GEO_S_RIVAL;
}

int geo_lookup(const geo_dir *d, const char *text, size_t len,
               geo_match *matches, int max, int *n)
{
    geo_query *q;
    int i, rc;

    if (n)
        *n = 0;
    if (!d || (!text && len) || !matches || max <= 0 || !n)
        return HD_EINVAL;
    if (!(q = calloc(1, sizeof(*q))))
        return HD_ENOMEM;
    rc = geo_fold(&q->s, text ? text : "", len, &q->t);
    if (rc)
        goto out;
    for (i = 0; i < q->t.n; i++) {
        q->vid[i] = geo_map_get(&d->vocab_map, q->t.tok[i]);
        if (q->vid[i] >= 0) {
            q->alt[i][0].vid = q->vid[i];
            q->alt[i][0].cost = 0;
            q->nalt[i] = 1;
        } else {
            geo_fuzzy_alts(d, q, i);
        }
    }
    geo_exact_hits(d, q);
    geo_fuzzy_hits(d, q);
    geo_candidates(d, q);
    if (geo_best_commune(q) < GEO_S_NEW && geo_unexplained(d, q)) {
        /* A typo may have made another real word ("tam" for "tân"). */
        for (i = 0; i < q->t.n; i++)
            if (q->vid[i] >= 0)
                geo_fuzzy_alts(d, q, i);
        geo_fuzzy_hits(d, q);
        geo_candidates(d, q);
    }
    if (!q->ncand)
        goto out;
    qsort(q->cand, (size_t)q->ncand, sizeof(q->cand[0]), geo_cand_cmp);
    for (i = 0; i < q->ncand && i < max; i++) {
        const geo_cand *c = &q->cand[i];
        geo_match *m = &matches[i];
        memset(m, 0, sizeof(*m));
        m->commune = c->commune >= 0 ? &d->comm[c->commune] : NULL;
        m->province = &d->prov[c->province];
        if (c->old >= 0) {
            m->old_name = d->old[c->old].name;
            m->old_district = d->old[c->old].district;
            m->old_province = d->old[c->old].province;
        }
        m->score = c->score;
        m->flags = c->flags;
    }
    if (geo_is_sure(q))
        matches[0].flags |= GEO_M_SURE;
    *n = i;
out:
    free(q);
    return rc;
}
