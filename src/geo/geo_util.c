/* geo_util.c -- small tools of the commune directory: an arena for its
 * strings, a string map, folding text into words, edit distance. */
#include "geo_internal.h"
#include "core/err.h"

#include <stdlib.h>
#include <string.h>

/* ---- arena ---- */

#define GEO_CHUNK 65536

struct geo_chunk {
    geo_chunk *next;
    size_t used, cap;
    max_align_t align_[];  /* data follows, suitably aligned */
};

void *geo_arena_alloc(geo_arena *a, size_t n)
{
    geo_chunk *c = a->head;
    size_t need = (n + 15) & ~(size_t)15;

    if (!c || c->cap - c->used < need) {
        size_t cap = need > GEO_CHUNK ? need : GEO_CHUNK;
        c = malloc(sizeof(*c) + cap);
        if (!c)
            return NULL;
        c->next = a->head;
        c->used = 0;
        c->cap = cap;
        a->head = c;
    }
    c->used += need;
    return (char *)c->align_ + c->used - need;
}

char *geo_arena_strndup(geo_arena *a, const char *s, size_t n)
{
    char *p = geo_arena_alloc(a, n + 1);

    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

void geo_arena_free(geo_arena *a)
{
    while (a->head) {
        geo_chunk *next = a->head->next;
        free(a->head);
        a->head = next;
    }
}

/* ---- string map ---- */

static size_t geo_hash(const char *s)
{
    size_t h = 2166136261u;

    while (*s)
        h = (h ^ (unsigned char)*s++) * 16777619u;
    return h;
}

static size_t geo_map_slot(const geo_map *m, const char *key)
{
    size_t i = geo_hash(key) & (m->cap - 1);

    while (m->keys[i] && strcmp(m->keys[i], key) != 0)
        i = (i + 1) & (m->cap - 1);
    return i;
}

int geo_map_put(geo_map *m, const char *key, int val)
{
    size_t i;

    if ((m->used + 1) * 2 > m->cap) {
        geo_map bigger = { NULL, NULL, m->cap ? m->cap * 2 : 256, 0 };
        bigger.keys = calloc(bigger.cap, sizeof(*bigger.keys));
        bigger.vals = calloc(bigger.cap, sizeof(*bigger.vals));
        if (!bigger.keys || !bigger.vals) {
            geo_map_free(&bigger);
            return HD_ENOMEM;
        }
        for (i = 0; i < m->cap; i++) {
            if (m->keys[i]) {
                size_t j = geo_map_slot(&bigger, m->keys[i]);
                bigger.keys[j] = m->keys[i];
                bigger.vals[j] = m->vals[i];
            }
        }
        bigger.used = m->used;
        geo_map_free(m);
        *m = bigger;
    }
    i = geo_map_slot(m, key);
    if (!m->keys[i]) {
        m->keys[i] = key;
        m->used++;
    }
    m->vals[i] = val;
    return HD_OK;
}

int geo_map_get(const geo_map *m, const char *key)
{
    size_t i;

    if (!m->cap)
        return -1;
    i = geo_map_slot(m, key);
    return m->keys[i] ? m->vals[i] : -1;
}

void geo_map_free(geo_map *m)
{
    free(m->keys);
    free(m->vals);
    m->keys = NULL;
    m->vals = NULL;
    m->cap = m->used = 0;
}

/* ---- folding ---- */

static int geo_is_break(unsigned char c)
{
    return c == ',' || c == ';' || c == ':' || c == '/' || c == '\\' ||
           c == '(' || c == ')' || c == '[' || c == ']' || c == '|' ||
           c == '\n' || c == '\r' || c == '!' || c == '?';
}

int geo_fold(geo_scratch *s, const char *in, size_t len, geo_toks *out)
{
    const unsigned char *p;
    int brk = 0, rc;

    out->n = 0;
    rc = nlu_normalize(in, len, &s->nt);
    if (rc)
        return rc;
    /* Truncation only loses the tail, which is past what we look at. */
    rc = nlu_unaccent(s->nt.nfc, s->nt.nfc_len, s->ascii, sizeof(s->ascii));
    if (rc && rc != HD_ETOOBIG)
        return rc;
    s->ascii[sizeof(s->ascii) - 1] = '\0';

    for (p = (const unsigned char *)s->ascii; *p && out->n < GEO_TOK_MAX;) {
        unsigned char c = *p;
        int digit = c >= '0' && c <= '9';
        int alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        size_t n = 0;

        if (!digit && !alpha) {
            brk |= geo_is_break(c);
            p++;
            continue;
        }
        while (p[n] && (digit ? (p[n] >= '0' && p[n] <= '9')
                              : ((p[n] >= 'a' && p[n] <= 'z') ||
                                 (p[n] >= 'A' && p[n] <= 'Z'))))
            n++;
        if (n <= GEO_TOK_LEN) {
            char *t = out->tok[out->n];
            size_t k;
            for (k = 0; k < n; k++)
                t[k] = (char)(p[k] >= 'A' && p[k] <= 'Z' ? p[k] + 32 : p[k]);
            t[n] = '\0';
            out->len[out->n] = (unsigned char)n;
            out->brk[out->n] = (unsigned char)brk;
            out->n++;
            brk = 0;
        } else {
            brk = 1;   /* a run of junk separates what is around it */
        }
        p += n;
    }
    return HD_OK;
}

/* ---- edit distance ---- */

int geo_edit_distance(const char *a, int alen, const char *b, int blen, int max)
{
    int prev[GEO_TOK_LEN + 2], cur[GEO_TOK_LEN + 2];
    int i, j;

    if (alen > GEO_TOK_LEN || blen > GEO_TOK_LEN)
        return max + 1;
    if (abs(alen - blen) > max)
        return max + 1;
    for (j = 0; j <= blen; j++)
        prev[j] = j;
    for (i = 1; i <= alen; i++) {
        int best;
        cur[0] = best = i;
        for (j = 1; j <= blen; j++) {
            int v = prev[j - 1] + (a[i - 1] != b[j - 1]);
            if (prev[j] + 1 < v)
                v = prev[j] + 1;
            if (cur[j - 1] + 1 < v)
                v = cur[j - 1] + 1;
            cur[j] = v;
            if (v < best)
                best = v;
        }
        if (best > max)
            return max + 1;
        memcpy(prev, cur, sizeof(int) * (size_t)(blen + 1));
    }
    return prev[blen] > max ? max + 1 : prev[blen];
}
