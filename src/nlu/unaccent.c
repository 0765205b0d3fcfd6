/* unaccent.c -- Vietnamese text to plain ASCII for SMS.
 *
 * Brandname SMS in Viet Nam is commonly sent without diacritics, and a GSM-7
 * message holds 160 characters where a UCS-2 one holds 70. So every reply can
 * be rendered in ASCII: letters lose their marks, typographic punctuation
 * becomes its ASCII look-alike, and what has no ASCII form (emoji) goes. */
#include "nlu/normalize.h"

#include "core/err.h"
#include "internal.h"

#include <string.h>
#include <utf8proc.h>

typedef struct punct_map {
    int32_t cp;
    const char *ascii;
} punct_map;

/* Sorted by code point (searched with bsearch-like loop below). */
static const punct_map punct[] = {
    { 0x00A0, " " },   { 0x00A9, "(c)" }, { 0x00AB, "\"" },  { 0x00AD, "" },
    { 0x00AE, "(R)" }, { 0x00B0, "o" },   { 0x00B7, "-" },   { 0x00BB, "\"" },
    { 0x00D7, "x" },   { 0x00F7, "/" },
    { 0x2010, "-" },   { 0x2011, "-" },   { 0x2012, "-" },   { 0x2013, "-" },
    { 0x2014, "-" },   { 0x2015, "-" },   { 0x2018, "'" },   { 0x2019, "'" },
    { 0x201A, "'" },   { 0x201B, "'" },   { 0x201C, "\"" },  { 0x201D, "\"" },
    { 0x201E, "\"" },  { 0x201F, "\"" },  { 0x2022, "-" },   { 0x2026, "..." },
    { 0x2032, "'" },   { 0x2033, "\"" },  { 0x2039, "<" },   { 0x203A, ">" },
    { 0x20AB, "d" },   { 0x20AC, "EUR" }, { 0x2116, "No" },
    { 0x2190, "<-" },  { 0x2192, "->" },  { 0x2194, "<->" }, { 0x21D0, "<=" },
    { 0x21D2, "=>" },  { 0x21D4, "<=>" }, { 0x2212, "-" },   { 0x2264, "<=" },
    { 0x2265, ">=" },  { 0x25AA, "-" },   { 0x25B6, ">" },   { 0x25BA, ">" },
    { 0x25CF, "-" },   { 0x2713, "v" },   { 0x2714, "v" },   { 0x2794, "->" },
    { 0x279C, "->" },  { 0x27A1, "->" },  { 0x2B95, "->" },  { 0x3000, " " },
};

static const char *punct_lookup(int32_t cp)
{
    size_t lo = 0, hi = sizeof punct / sizeof punct[0];

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (punct[mid].cp == cp)
            return punct[mid].ascii;
        if (punct[mid].cp < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* ASCII for one code point into buf (NUL-terminated, at most 7 bytes). */
static const char *render_cp(int32_t cp, char buf[8])
{
    const char *p;
    utf8proc_int32_t d[8];
    utf8proc_ssize_t n;
    int k, boundclass = 0;

    buf[0] = '\0';
    if (cp < 0x80) {
        if (cp >= 0x20 && cp < 0x7F)
            buf[0] = (char)cp, buf[1] = '\0';
        else if (cp == '\n' || cp == '\r' || cp == '\t')
            buf[0] = (char)cp, buf[1] = '\0';
        return buf;
    }
    if ((p = punct_lookup(cp)) != NULL)
        return p;
    k = nlu_fold_cp(cp, 0, buf);
    if (k > 0) {
        buf[k] = '\0';
        return buf;
    }
    if (k < 0)
        return "";
    if (utf8proc_category(cp) == UTF8PROC_CATEGORY_ZS)
        return " ";
    /* Fullwidth and other compatibility forms of ASCII punctuation. */
    n = utf8proc_decompose_char(cp, d, 8, UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT, &boundclass);
    if (n <= 0 || n > 7)
        return "";
    for (utf8proc_ssize_t i = 0; i < n; i++) {
        if (d[i] < 0x20 || d[i] >= 0x7F)
            return "";
        buf[i] = (char)d[i];
    }
    buf[n] = '\0';
    return buf;
}

int nlu_unaccent(const char *in, size_t len, char *out, size_t cap)
{
    const unsigned char *s = (const unsigned char *)in;
    size_t i = 0, o = 0;

    if (!in || !out || cap == 0)
        return HD_EINVAL;
    while (i < len) {
        utf8proc_int32_t cp;
        char buf[8];
        const char *a;
        size_t alen;
        utf8proc_ssize_t r = utf8proc_iterate(s + i, (utf8proc_ssize_t)(len - i), &cp);
        if (r <= 0) {
            cp = '?';
            r = 1;
        }
        i += (size_t)r;
        a = render_cp(cp, buf);
        alen = strlen(a);
        if (o + alen >= cap) {
            out[o] = '\0';
            return HD_ETOOBIG;
        }
        memcpy(out + o, a, alen);
        o += alen;
    }
    out[o] = '\0';
    return HD_OK;
}
