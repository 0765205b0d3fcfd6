/* form.c -- application/x-www-form-urlencoded lookup.
 *
 * The form text comes straight off the network, so nothing here trusts it:
 * every read is bounded by srclen (the text need not be NUL-terminated and
 * may contain NULs), and the decoded value never exceeds cap. Pairs are
 * separated by '&'; a pair without '=' has an empty value. Keys are compared
 * after decoding, so "te%78t" matches "text": senders differ in what they
 * escape. */
#include "core/form.h"
#include "core/err.h"

#include <string.h>

static int form_hex(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decode the byte at s[*i] (advancing *i); HD_EPARSE on a bad escape. */
static int form_next(const char *s, size_t end, size_t *i, unsigned char *c)
{
    unsigned char b = (unsigned char)s[*i];
    int hi, lo;

    if (b == '+') {
        *c = ' ';
        (*i)++;
        return HD_OK;
    }
    if (b != '%') {
        *c = b;
        (*i)++;
        return HD_OK;
    }
    if (end - *i < 3)
        return HD_EPARSE;
    hi = form_hex((unsigned char)s[*i + 1]);
    lo = form_hex((unsigned char)s[*i + 2]);
    if (hi < 0 || lo < 0)
        return HD_EPARSE;
    *c = (unsigned char)(hi << 4 | lo);
    *i += 3;
    return HD_OK;
}

/* 1 when the encoded key s[from, to) decodes to exactly name, 0 if not. */
static int form_key_is(const char *s, size_t from, size_t to, const char *name, int *rc)
{
    size_t i = from, n = 0, namelen = strlen(name);
    unsigned char c;

    *rc = HD_OK;
    while (i < to) {
        *rc = form_next(s, to, &i, &c);
        if (*rc)
            return 0;
        if (n >= namelen || (unsigned char)name[n] != c)
            return 0;
        n++;
    }
    return n == namelen;
}

static int form_decode(const char *s, size_t from, size_t to,
                       char *out, size_t cap, size_t *outlen)
{
    size_t i = from, n = 0;
    unsigned char c;
    int rc;

    while (i < to) {
        rc = form_next(s, to, &i, &c);
        if (rc)
            return rc;
        if (n + 1 >= cap)
            return HD_ETOOBIG;
        out[n++] = (char)c;
    }
    out[n] = '\0';
    *outlen = n;
    return HD_OK;
}

int form_get(const char *src, size_t srclen, const char *name,
             char *out, size_t cap, size_t *outlen)
{
    size_t pos = 0, len = 0;
    int rc;

    if (!name || !out || cap == 0 || (!src && srclen))
        return HD_EINVAL;
    out[0] = '\0';
    if (outlen)
        *outlen = 0;

    while (pos < srclen) {
        const char *amp = memchr(src + pos, '&', srclen - pos);
        size_t end = amp ? (size_t)(amp - src) : srclen;
        const char *eq = memchr(src + pos, '=', end - pos);
        size_t keyend = eq ? (size_t)(eq - src) : end;

        rc = HD_OK;
        if (end > pos && form_key_is(src, pos, keyend, name, &rc)) {
            rc = form_decode(src, eq ? keyend + 1 : end, end, out, cap, &len);
            if (rc) {
                out[0] = '\0';
                return rc;
            }
            if (outlen)
                *outlen = len;
            return HD_OK;
        }
        if (rc)
            return rc;
        pos = end + 1;
    }
    return HD_ENOTFOUND;
}
