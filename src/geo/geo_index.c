/* geo_index.c -- the index geo_lookup searches: every name (communes now
 * and before 2025, provinces now and before, old districts, nicknames)
 * folded to words, keyed by its words run together so "tan phong",
 * "tanphong" and "Tân Phong" meet, and listed by first word for the
 * typo-tolerant pass. */
#include "geo_internal.h"
#include "core/err.h"

#include <stdlib.h>
#include <string.h>

static int geo_vocab_id(geo_dir *d, const char *w, size_t len)
{
    int id = geo_map_get(&d->vocab_map, w);
    char *copy;

    if (id >= 0)
        return id;
    if (d->nvocab == d->vocab_cap) {
        int ncap = d->vocab_cap ? d->vocab_cap * 2 : 1024;
        const char **v = realloc(d->vocab, (size_t)ncap * sizeof(*v));
        unsigned char *l;
        if (!v)
            return HD_ENOMEM;
        d->vocab = v;
        l = realloc(d->vocab_len, (size_t)ncap);
        if (!l)
            return HD_ENOMEM;
        d->vocab_len = l;
        d->vocab_cap = ncap;
    }
    if (!(copy = geo_arena_strndup(&d->arena, w, len)))
        return HD_ENOMEM;
    d->vocab[d->nvocab] = copy;
    d->vocab_len[d->nvocab] = (unsigned char)len;
    if (geo_map_put(&d->vocab_map, copy, d->nvocab))
        return HD_ENOMEM;
    return d->nvocab++;
}

int geo_dir_add_name(geo_dir *d, const geo_toks *t, int from, int kind,
                     int word, int target)
{
    char key[GEO_NAME_TOK * GEO_TOK_LEN + 1];
    size_t klen = 0;
    int ntok = t->n - from, i, numeric = 1, head;
    geo_name *nm;

    if (ntok <= 0 || ntok > GEO_NAME_TOK)
        return HD_OK;   /* nothing to find it by, or longer than any query span */
    if (d->nnames == d->names_cap) {
        int ncap = d->names_cap ? d->names_cap * 2 : 4096;
        geo_name *n = realloc(d->names, (size_t)ncap * sizeof(*n));
        if (!n)
            return HD_ENOMEM;
        d->names = n;
        d->names_cap = ncap;
    }
    if (d->ntoks + (size_t)ntok > d->toks_cap) {
        size_t ncap = d->toks_cap ? d->toks_cap * 2 : 16384;
        int *n = realloc(d->toks, ncap * sizeof(*n));
        if (!n)
            return HD_ENOMEM;
        d->toks = n;
        d->toks_cap = ncap;
    }
    nm = &d->names[d->nnames];
    nm->tok_off = (uint32_t)d->ntoks;
    nm->ntok = (uint8_t)ntok;
    nm->kind = (uint8_t)kind;
    nm->word = (uint8_t)word;
    nm->target = target;
    for (i = from; i < t->n; i++) {
        int id = geo_vocab_id(d, t->tok[i], t->len[i]);
        if (id < 0)
            return id;
        d->toks[d->ntoks++] = id;
        memcpy(key + klen, t->tok[i], t->len[i]);
        klen += t->len[i];
        if (t->tok[i][0] < '0' || t->tok[i][0] > '9')
            numeric = 0;
    }
    key[klen] = '\0';
    nm->numeric = (uint8_t)numeric;
    if (!(nm->key = geo_arena_strndup(&d->arena, key, klen)))
        return HD_ENOMEM;
    head = geo_map_get(&d->key_map, nm->key);
    nm->next = head;
    if (geo_map_put(&d->key_map, nm->key, d->nnames))
        return HD_ENOMEM;
    d->nnames++;
    return HD_OK;
}

/* Fold a unit's full name and add it without its leading type word
 * ("Huyện Hàm Yên" is found as "ham yen"). Returns the type word. */
static int geo_add_full(geo_dir *d, geo_scratch *s, geo_toks *t, const char *name,
                        int kind, int target, int *word)
{
    int len = 0, rc;

    rc = geo_fold(s, name, strlen(name), t);
    if (rc)
        return rc;
    *word = geo_word_at(t, 0, &len);
    if (*word == GEO_W_VILLAGE || len >= t->n)
        len = 0;    /* "Xã Bản Lầu" keeps "Bản", a name keeps at least one word */
    return geo_dir_add_name(d, t, len, kind, *word, target);
}

/* The key name would be indexed under: its words without the type word,
 * run together. "" when it cannot be folded. */
static void geo_key_of(geo_scratch *s, geo_toks *t, const char *name,
                       char *key, size_t cap)
{
    int i, len = 0;
    size_t n = 0;

    key[0] = '\0';
    if (geo_fold(s, name, strlen(name), t))
        return;
    geo_word_at(t, 0, &len);
    if (len >= t->n)
        len = 0;
    for (i = len; i < t->n && n + t->len[i] < cap; i++) {
        memcpy(key + n, t->tok[i], t->len[i]);
        n += t->len[i];
    }
    key[n] = '\0';
}

static int geo_build_first_index(geo_dir *d)
{
    int i, *fill;

    d->first_off = calloc((size_t)d->nvocab + 1, sizeof(int));
    d->first_names = malloc((size_t)(d->nnames ? d->nnames : 1) * sizeof(int));
    fill = calloc((size_t)d->nvocab + 1, sizeof(int));
    if (!d->first_off || !d->first_names || !fill) {
        free(fill);
        return HD_ENOMEM;
    }
    for (i = 0; i < d->nnames; i++)
        d->first_off[d->toks[d->names[i].tok_off] + 1]++;
    for (i = 0; i < d->nvocab; i++)
        d->first_off[i + 1] += d->first_off[i];
    for (i = 0; i < d->nnames; i++) {
        int w = d->toks[d->names[i].tok_off];
        d->first_names[d->first_off[w] + fill[w]++] = i;
    }
    free(fill);
    return HD_OK;
}

/* Which old districts each commune was formed from, without repeats. */
static int geo_build_comm_dist(geo_dir *d)
{
    int i, *fill;

    d->comm_dist_off = calloc((size_t)d->ncomm + 1, sizeof(int));
    d->comm_dist = malloc((size_t)(d->nold ? d->nold : 1) * sizeof(int));
    fill = calloc((size_t)d->ncomm + 1, sizeof(int));
    if (!d->comm_dist_off || !d->comm_dist || !fill) {
        free(fill);
        return HD_ENOMEM;
    }
    for (i = 0; i < d->nold; i++)
        d->comm_dist_off[d->old[i].commune + 1]++;
    for (i = 0; i < d->ncomm; i++)
        d->comm_dist_off[i + 1] += d->comm_dist_off[i];
    for (i = 0; i < d->nold; i++) {
        int c = d->old[i].commune, k, dup = 0, base = d->comm_dist_off[c];
        for (k = 0; k < fill[c]; k++)
            dup |= d->comm_dist[base + k] == d->old[i].district_id;
        if (!dup)
            d->comm_dist[base + fill[c]++] = d->old[i].district_id;
    }
    /* Close the gaps the repeats left. */
    {
        int w = 0, c;
        for (c = 0; c < d->ncomm; c++) {
            int start = d->comm_dist_off[c];
            d->comm_dist_off[c] = w;
            memmove(d->comm_dist + w, d->comm_dist + start, (size_t)fill[c] * sizeof(int));
            w += fill[c];
        }
        d->comm_dist_off[d->ncomm] = w;
    }
    free(fill);
    return HD_OK;
}

int geo_index_build(geo_dir *d, char *err, size_t errlen)
{
    geo_scratch *s = malloc(sizeof(*s));
    geo_toks *t = malloc(sizeof(*t));
    int rc = HD_OK, i, word;

    if (!s || !t) {
        rc = HD_ENOMEM;
        goto out;
    }
    for (i = 0; i < d->nprov && !rc; i++)
        rc = geo_add_full(d, s, t, d->prov[i].name, GEO_K_PROVINCE, i, &word);
    for (i = 0; i < d->ncomm && !rc; i++)
        rc = geo_add_full(d, s, t, d->comm[i].name, GEO_K_COMMUNE, i, &word);
    for (i = 0; i < d->noldprov && !rc; i++) {
        /* "Thành phố Hà Nội" before and after: the current name is enough. */
        char ko[GEO_NAME_TOK * GEO_TOK_LEN + 1], kn[sizeof(ko)];
        geo_key_of(s, t, d->oldprov[i].name, ko, sizeof(ko));
        geo_key_of(s, t, d->prov[d->oldprov[i].province].name, kn, sizeof(kn));
        if (strcmp(ko, kn) == 0)
            continue;
        rc = geo_add_full(d, s, t, d->oldprov[i].name, GEO_K_OLDPROV, i, &word);
    }
    for (i = 0; i < d->nold && !rc; i++) {
        rc = geo_add_full(d, s, t, d->old[i].name, GEO_K_OLD, i, &word);
        d->old[i].type = word == GEO_W_PHUONG   ? GEO_TYPE_PHUONG
                       : word == GEO_W_THI_TRAN ? GEO_TYPE_THI_TRAN
                       : word == GEO_W_XA       ? GEO_TYPE_XA : GEO_TYPE_NONE;
    }
    for (i = 0; i < d->ndist && !rc; i++)
        rc = geo_add_full(d, s, t, d->dist[i].name, GEO_K_DISTRICT, i, &word);
    if (!rc)
        rc = geo_alias_add_all(d, s, t);
    if (!rc)
        rc = geo_build_first_index(d);
    if (!rc)
        rc = geo_build_comm_dist(d);
out:
    free(s);
    free(t);
    if (rc)
        hd_seterr(err, errlen, rc, "geo: building the name index failed");
    return rc;
}
