/* charset.c -- UTF-16BE, Windows-1252 and unsure UTF-8 into clean UTF-8.
 *
 * All three decoders feed code points to one writer that stops cleanly when
 * the output is full, so truncation can never split a character. */
#include "channel/charset.h"
#include "core/err.h"

#include <stdint.h>

#define CS_REPLACEMENT 0xFFFDu

typedef struct cs_out {
    char  *p;
    size_t cap;     /* bytes available, the final NUL included */
    size_t len;
    int    full;    /* a character did not fit: drop everything after it */
} cs_out;

static void cs_put(cs_out *o, uint32_t cp)
{
    unsigned char b[4];
    size_t n, i;

    if (o->full)
        return;
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        cp = CS_REPLACEMENT;
    if (cp < 0x80) {
        b[0] = (unsigned char)cp;
        n = 1;
    } else if (cp < 0x800) {
        b[0] = (unsigned char)(0xC0 | cp >> 6);
        b[1] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        b[0] = (unsigned char)(0xE0 | cp >> 12);
        b[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
        b[2] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        b[0] = (unsigned char)(0xF0 | cp >> 18);
        b[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
        b[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
        b[3] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    if (o->cap - 1 - o->len < n) {
        o->full = 1;
        return;
    }
    for (i = 0; i < n; i++)
        o->p[o->len++] = (char)b[i];
}

static int cs_begin(cs_out *o, const void *in, size_t len, char *out, size_t cap)
{
    if (!out || cap == 0 || (!in && len))
        return HD_EINVAL;
    o->p = out;
    o->cap = cap;
    o->len = 0;
    o->full = 0;
    return HD_OK;
}

static int cs_end(cs_out *o, size_t *outlen)
{
    o->p[o->len] = '\0';
    if (outlen)
        *outlen = o->len;
    return HD_OK;
}

int charset_utf16be_to_utf8(const void *in, size_t len, char *out, size_t cap, size_t *outlen)
{
    const unsigned char *s = in;
    cs_out o;
    size_t i = 0;
    int rc = cs_begin(&o, in, len, out, cap);

    if (rc)
        return rc;
    if (len >= 2 && s[0] == 0xFE && s[1] == 0xFF)
        i = 2;
    while (i + 1 < len && !o.full) {
        uint32_t u = (uint32_t)s[i] << 8 | s[i + 1];

        i += 2;
        if (u >= 0xD800 && u <= 0xDBFF && i + 1 < len) {
            uint32_t lo = (uint32_t)s[i] << 8 | s[i + 1];

            if (lo >= 0xDC00 && lo <= 0xDFFF) {
                i += 2;
                u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
            }
        }
        cs_put(&o, u);   /* a surrogate left alone becomes U+FFFD there */
    }
    if (i < len)
        cs_put(&o, CS_REPLACEMENT);
    return cs_end(&o, outlen);
}

/* 0x80-0x9F of Windows-1252; 0 marks the five unassigned bytes. */
static const uint16_t cs_cp1252_hi[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
    0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,
};

int charset_cp1252_to_utf8(const void *in, size_t len, char *out, size_t cap, size_t *outlen)
{
    const unsigned char *s = in;
    cs_out o;
    size_t i;
    int rc = cs_begin(&o, in, len, out, cap);

    if (rc)
        return rc;
    for (i = 0; i < len && !o.full; i++) {
        uint32_t cp = s[i];

        if (cp >= 0x80 && cp <= 0x9F)
            cp = cs_cp1252_hi[cp - 0x80] ? cs_cp1252_hi[cp - 0x80] : CS_REPLACEMENT;
        cs_put(&o, cp);
    }
    return cs_end(&o, outlen);
}

/* One step of a strict UTF-8 decoder (the WHATWG algorithm): the code point
 * at s[*i], or U+FFFD for the longest ill-formed prefix there. */
static uint32_t cs_utf8_next(const unsigned char *s, size_t len, size_t *i)
{
    unsigned char b = s[(*i)++], lower = 0x80, upper = 0xBF;
    uint32_t cp;
    int need;

    if (b < 0x80)
        return b;
    if (b >= 0xC2 && b <= 0xDF) {
        need = 1;
        cp = b & 0x1F;
    } else if (b >= 0xE0 && b <= 0xEF) {
        if (b == 0xE0)
            lower = 0xA0;          /* overlong */
        if (b == 0xED)
            upper = 0x9F;          /* surrogates */
        need = 2;
        cp = b & 0x0F;
    } else if (b >= 0xF0 && b <= 0xF4) {
        if (b == 0xF0)
            lower = 0x90;          /* overlong */
        if (b == 0xF4)
            upper = 0x8F;          /* beyond U+10FFFF */
        need = 3;
        cp = b & 0x07;
    } else {
        return CS_REPLACEMENT;
    }
    while (need--) {
        if (*i >= len || s[*i] < lower || s[*i] > upper)
            return CS_REPLACEMENT;   /* the offending byte starts afresh */
        cp = cp << 6 | (s[(*i)++] & 0x3F);
        lower = 0x80;
        upper = 0xBF;
    }
    return cp;
}

int charset_utf8_repair(const void *in, size_t len, char *out, size_t cap, size_t *outlen)
{
    const unsigned char *s = in;
    cs_out o;
    size_t i = 0;
    int rc = cs_begin(&o, in, len, out, cap);

    if (rc)
        return rc;
    while (i < len && !o.full)
        cs_put(&o, cs_utf8_next(s, len, &i));
    return cs_end(&o, outlen);
}

int charset_utf8_valid(const void *s, size_t len)
{
    const unsigned char *p = s;
    size_t i = 0;

    if (!s)
        return len == 0;
    while (i < len) {
        size_t at = i;
        uint32_t cp = cs_utf8_next(p, len, &i);

        /* a genuine U+FFFD is three bytes EF BF BD; a replacement is not */
        if (cp == CS_REPLACEMENT && !(i - at == 3 && p[at] == 0xEF))
            return 0;
    }
    return 1;
}

int charset_8bit_to_utf8(const void *in, size_t len, char *out, size_t cap, size_t *outlen)
{
    if (charset_utf8_valid(in, len))
        return charset_utf8_repair(in, len, out, cap, outlen);
    return charset_cp1252_to_utf8(in, len, out, cap, outlen);
}

int charset_is_gsm7_ascii(const char *s, size_t len)
{
    size_t i;

    if (!s)
        return len == 0;
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c == '\n' || c == '\r')
            continue;
        if (c < 0x20 || c > 0x7E || c == '`')
            return 0;
    }
    return 1;
}
