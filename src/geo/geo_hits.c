/* geo_hits.c -- finding names in a folded text: runs of words looked up
 * whole (words run together), then word by word with close words for
 * typos. Reads the directory's index, writes only the query. */
#include "geo_query.h"

#include <stdlib.h>
#include <string.h>

static void geo_add_hit(geo_query *q, int name, int start, int len, int cost)
{
    geo_hit *h;

    if (q->nhit == GEO_HIT_MAX)
        return;     /* the text is mostly noise by then; what we have will do */
    h = &q->hit[q->nhit++];
    h->name = name;
    h->start = (unsigned char)start;
    h->len = (unsigned char)len;
    h->cost = (unsigned char)cost;
    h->word = (unsigned char)geo_word_before(&q->t, start);
}

/* Words may be run together ("tanphong") but not split elsewhere than the
 * name splits them: "p hoan kiem" is not "Phổ An" + "kiem". */
static int geo_bounds_fit(const geo_dir *d, const geo_name *nm, const geo_query *q,
                          int start, int len)
{
    int i, j = 0, qpos = 0, npos = 0;

    for (i = start; i < start + len - 1; i++) {
        qpos += q->t.len[i];
        while (j < nm->ntok && npos < qpos)
            npos += d->vocab_len[d->toks[nm->tok_off + j++]];
        if (npos != qpos)
            return 0;
    }
    return 1;
}

void geo_exact_hits(const geo_dir *d, geo_query *q)
{
    char key[GEO_NAME_TOK * GEO_TOK_LEN + 1];
    int i, l;

    for (i = 0; i < q->t.n; i++) {
        size_t klen = 0;
        for (l = 1; l <= GEO_NAME_TOK && i + l <= q->t.n; l++) {
            int nm;
            if (l > 1 && q->t.brk[i + l - 1])
                break;
            memcpy(key + klen, q->t.tok[i + l - 1], q->t.len[i + l - 1]);
            klen += q->t.len[i + l - 1];
            key[klen] = '\0';
            for (nm = geo_map_get(&d->key_map, key); nm >= 0; nm = d->names[nm].next)
                if (geo_bounds_fit(d, &d->names[nm], q, i, l))
                    geo_add_hit(q, nm, i, l, 0);
        }
    }
    q->nexact = q->nhit;
}

/* Vocabulary words within reach of word j (1 edit for 3-5 letters, 2 for
 * longer; short words and numbers must be exact). */
void geo_fuzzy_alts(const geo_dir *d, geo_query *q, int j)
{
    int len = q->t.len[j], max = len <= 2 ? 0 : len <= 5 ? 1 : 2, v;
    const char *w = q->t.tok[j];

    if (!max || (w[0] >= '0' && w[0] <= '9'))
        return;
    for (v = 0; v < d->nvocab; v++) {
        int dist, k, worst = -1;
        if (v == q->vid[j] || abs((int)d->vocab_len[v] - len) > max)
            continue;
        dist = geo_edit_distance(w, len, d->vocab[v], d->vocab_len[v], max);
        if (dist > max)
            continue;
        if (q->nalt[j] < GEO_ALT_MAX) {
            q->alt[j][q->nalt[j]].vid = v;
            q->alt[j][q->nalt[j]++].cost = dist;
            continue;
        }
        for (k = 0; k < GEO_ALT_MAX; k++)
            if (q->alt[j][k].cost > dist && (worst < 0 || q->alt[j][k].cost > q->alt[j][worst].cost))
                worst = k;
        if (worst >= 0) {
            q->alt[j][worst].vid = v;
            q->alt[j][worst].cost = dist;
        }
    }
}

static int geo_alt_cost(const geo_query *q, int j, int vid)
{
    int k;

    for (k = 0; k < q->nalt[j]; k++)
        if (q->alt[j][k].vid == vid)
            return q->alt[j][k].cost;
    return GEO_NO_COST;
}

/* Edits a whole name may need: none up to 4 letters, 1 up to 8, else 2;
 * a one-word name at most 1. */
static int geo_budget(const geo_name *nm)
{
    size_t n = strlen(nm->key);

    return n <= 4 ? 0 : n <= 8 || nm->ntok == 1 ? 1 : 2;
}

void geo_fuzzy_hits(const geo_dir *d, geo_query *q)
{
    int i, j, a, n = q->t.n;

    q->nhit = q->nexact;
    for (i = 0; i < n; i++) {
        int reach = 0;
        for (j = i; j < n && j < i + GEO_NAME_TOK && !reach; j++) {
            if (j > i && q->t.brk[j])
                break;
            reach = q->nalt[j] > (q->vid[j] >= 0);
        }
        if (!reach)
            continue;
        for (a = 0; a < q->nalt[i]; a++) {
            int w = q->alt[i][a].vid, k;
            for (k = d->first_off[w]; k < d->first_off[w + 1]; k++) {
                const geo_name *nm = &d->names[d->first_names[k]];
                int m = nm->ntok, cost = q->alt[i][a].cost, budget = geo_budget(nm);
                if (i + m > n || cost > budget)
                    continue;
                for (j = 1; j < m && cost <= budget; j++) {
                    if (q->t.brk[i + j]) {
                        cost = GEO_NO_COST;
                        break;
                    }
                    cost += geo_alt_cost(q, i + j, d->toks[nm->tok_off + j]);
                }
                if (cost > 0 && cost <= budget)
                    geo_add_hit(q, d->first_names[k], i, m, cost);
            }
        }
    }
}

/* Is there a word that no name of two words or more, no province or
 * district and no type word accounts for? Only then is it worth trying
 * close words for every word. */
int geo_unexplained(const geo_dir *d, const geo_query *q)
{
    unsigned char covered[GEO_TOK_MAX] = { 0 };
    int i, j, len;

    for (i = 0; i < q->nexact; i++) {
        const geo_hit *h = &q->hit[i];
        const geo_name *nm = &d->names[h->name];
        if (h->len >= 2 || (nm->kind != GEO_K_COMMUNE && nm->kind != GEO_K_OLD))
            memset(covered + h->start, 1, h->len);
    }
    for (i = 0; i < q->t.n; i++) {
        if (geo_word_at(&q->t, i, &len) != GEO_W_NONE)
            for (j = i; j < i + len; j++)
                covered[j] = 1;
    }
    for (i = 0; i < q->t.n; i++)
        if (!covered[i] && q->t.len[i] >= 3 && !(q->t.tok[i][0] >= '0' && q->t.tok[i][0] <= '9'))
            return 1;
    return 0;
}

