/* geo_words.c -- the type words written in front of names: "xã", "p.",
 * "thị trấn", "huyện", "tỉnh", "thôn" ... They tell a commune from the
 * district or province of the same name and are dropped from names when
 * the directory is indexed. */
#include "geo_query.h"

#include <string.h>

static const struct {
    const char *w[3];
    int n, word;
} geo_words[] = {
    /* longer first, so "thị xã" is not read as "xã" */
    { { "to", "dan", "pho" }, 3, GEO_W_VILLAGE },
    { { "thi", "tran" }, 2, GEO_W_THI_TRAN },
    { { "dac", "khu" }, 2, GEO_W_DAC_KHU },
    { { "thi", "xa" }, 2, GEO_W_THI_XA },
    { { "thanh", "pho" }, 2, GEO_W_THANH_PHO },
    { { "thu", "do" }, 2, GEO_W_TINH },
    { { "khu", "pho" }, 2, GEO_W_VILLAGE },
    { { "xa" }, 1, GEO_W_XA },
    { { "x" }, 1, GEO_W_XA },
    { { "phuong" }, 1, GEO_W_PHUONG },
    { { "p" }, 1, GEO_W_PHUONG },
    { { "ph" }, 1, GEO_W_PHUONG },
    { { "tt" }, 1, GEO_W_THI_TRAN },
    { { "dk" }, 1, GEO_W_DAC_KHU },
    { { "quan" }, 1, GEO_W_QUAN },
    { { "q" }, 1, GEO_W_QUAN },
    { { "huyen" }, 1, GEO_W_HUYEN },
    { { "h" }, 1, GEO_W_HUYEN },
    { { "tx" }, 1, GEO_W_THI_XA },
    { { "tp" }, 1, GEO_W_THANH_PHO },
    { { "tinh" }, 1, GEO_W_TINH },
    { { "thon" }, 1, GEO_W_VILLAGE },
    { { "ap" }, 1, GEO_W_VILLAGE },
    { { "xom" }, 1, GEO_W_VILLAGE },
    { { "ban" }, 1, GEO_W_VILLAGE },
    { { "to" }, 1, GEO_W_VILLAGE },
    { { "khom" }, 1, GEO_W_VILLAGE },
    { { "buon" }, 1, GEO_W_VILLAGE },
    { { "kp" }, 1, GEO_W_VILLAGE },
    { { "tdp" }, 1, GEO_W_VILLAGE },
    { { "khu" }, 1, GEO_W_VILLAGE },
};
#define GEO_NWORDS ((int)(sizeof(geo_words) / sizeof(geo_words[0])))

static int geo_word_is(const geo_toks *t, int i, int k)
{
    int j;

    if (i < 0 || i + geo_words[k].n > t->n)
        return 0;
    for (j = 0; j < geo_words[k].n; j++) {
        if ((j > 0 && t->brk[i + j]) || strcmp(t->tok[i + j], geo_words[k].w[j]) != 0)
            return 0;
    }
    return 1;
}

int geo_word_at(const geo_toks *t, int i, int *len)
{
    int k;

    for (k = 0; k < GEO_NWORDS; k++) {
        if (geo_word_is(t, i, k)) {
            *len = geo_words[k].n;
            return geo_words[k].word;
        }
    }
    *len = 0;
    return GEO_W_NONE;
}

/* The type word that ends right before word i (no comma between). */
int geo_word_before(const geo_toks *t, int i)
{
    int k;

    if (i <= 0 || t->brk[i])
        return GEO_W_NONE;
    for (k = 0; k < GEO_NWORDS; k++)
        if (geo_word_is(t, i - geo_words[k].n, k))
            return geo_words[k].word;
    return GEO_W_NONE;
}

