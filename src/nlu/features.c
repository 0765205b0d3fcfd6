/* features.c -- what the classifier looks at in a folded message.
 *
 * Words, pairs of neighbouring words (with the start and end of the message
 * as words, so "xong roi" alone differs from "xong roi" in a sentence), pairs
 * one word apart ("quen ... mat khau"), and letter groups within words, which
 * carry typos ("kick hoat", "kich hoatj") to the right place. Each feature is
 * a 64-bit hash: nothing is allocated, and the same code serves training and
 * classification so the two cannot drift apart. */
#include "internal.h"

#include <string.h>

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME  0x100000001b3ULL
#define KIND_MASK  (~(3ULL << 62))

/* Letter groups of this length from words at least this long. */
#ifndef NLU_CHAR_N
#define NLU_CHAR_N 4
#endif
#ifndef NLU_CHAR_MINLEN
#define NLU_CHAR_MINLEN 4
#endif

static const double kind_weight[4] = {
#ifdef NLU_KIND_WEIGHTS
    NLU_KIND_WEIGHTS
#else
    1.0, 1.0, 0.5, 0.5
#endif
};

double nlu_feature_weight(uint64_t h)
{
    return kind_weight[NLU_FEAT_KIND(h)];
}

static uint64_t fnv(uint64_t h, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= FNV_PRIME;
    }
    return h;
}

static uint64_t finish(uint64_t h, int kind)
{
    h = (h & KIND_MASK) | ((uint64_t)kind << 62);
    return h ? h : 1;               /* 0 marks an empty slot in the model */
}

typedef struct span {
    const char *p;
    size_t n;
} span;

static const span bos = { "^", 1 }, eos = { "$", 1 };

static uint64_t pair(int kind, span a, span b)
{
    uint64_t h = fnv(FNV_OFFSET ^ (uint64_t)kind, a.p, a.n);

    h = fnv(h, " ", 1);
    return finish(fnv(h, b.p, b.n), kind);
}

/* Sort (Shell sort: in place, no allocation) and drop repeats, so that a
 * word typed ten times weighs what it weighs once: presence, not count. */
static size_t unique(uint64_t *f, size_t n)
{
    static const size_t gaps[] = { 701, 301, 132, 57, 23, 10, 4, 1 };
    size_t o = 0;

    for (size_t g = 0; g < sizeof gaps / sizeof gaps[0]; g++) {
        size_t gap = gaps[g];
        for (size_t i = gap; i < n; i++) {
            uint64_t v = f[i];
            size_t j = i;
            for (; j >= gap && f[j - gap] > v; j -= gap)
                f[j] = f[j - gap];
            f[j] = v;
        }
    }
    for (size_t i = 0; i < n; i++)
        if (o == 0 || f[o - 1] != f[i])
            f[o++] = f[i];
    return o;
}

size_t nlu_features(const char *folded, size_t len, uint64_t *feat, size_t max)
{
    span prev2 = bos, prev = bos;
    size_t n = 0, i = 0;

#define ADD(h) do { if (n < max) feat[n++] = (h); } while (0)
    while (i < len && n < max) {
        span w;
        while (i < len && folded[i] == ' ')
            i++;
        if (i >= len)
            break;
        w.p = folded + i;
        while (i < len && folded[i] != ' ')
            i++;
        w.n = (size_t)(folded + i - w.p);

        ADD(finish(fnv(FNV_OFFSET ^ NLU_FK_WORD, w.p, w.n), NLU_FK_WORD));
        ADD(pair(NLU_FK_PAIR, prev, w));
        if (prev.p != bos.p)
            ADD(pair(NLU_FK_SKIP, prev2, w));
        if (w.n >= NLU_CHAR_MINLEN) {
            /* Groups over "^word$" so the ends of a word count too. */
            char b[NLU_CHAR_N];
            for (size_t k = 0; k + NLU_CHAR_N <= w.n + 2; k++) {
                for (size_t j = 0; j < NLU_CHAR_N; j++) {
                    size_t pos = k + j;
                    b[j] = pos == 0 ? '^' : pos == w.n + 1 ? '$' : w.p[pos - 1];
                }
                ADD(finish(fnv(FNV_OFFSET ^ NLU_FK_CHAR, b, NLU_CHAR_N), NLU_FK_CHAR));
            }
        }
        prev2 = prev;
        prev = w;
    }
    if (prev.p != bos.p)
        ADD(pair(NLU_FK_PAIR, prev, eos));
#undef ADD
    return unique(feat, n);
}
