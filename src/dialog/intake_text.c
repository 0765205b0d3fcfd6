/* intake_text.c -- what a citizen typed, made fit to keep, and texts joined.
 *
 * Names and descriptions go into the state and back into replies, so they
 * are made one line of valid UTF-8 without braces (a typed "{case_id}" must
 * stay text when the edge fills the blanks of a reply) and cut on a
 * character boundary, with anything as long as an ID number masked like one
 * (the state never holds an ID number in full). The intake's texts have blanks filled with
 * dlg_template_fill(); a blank it is not given stays, which is how
 * "{case_id}" gets through the engine to the edge that creates the case. */
#include "intake_int.h"

#include "core/err.h"
#include "dialog/render.h"
#include "pii/idnum.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* Bytes of the UTF-8 sequence at p if it is one valid character, else 0. */
static size_t utf8_char(const unsigned char *p)
{
    unsigned c = p[0], cp;
    size_t n;

    if (c < 0x80)
        return c ? 1 : 0;
    if (c >= 0xC2 && c <= 0xDF) { n = 2; cp = c & 0x1F; }
    else if (c >= 0xE0 && c <= 0xEF) { n = 3; cp = c & 0x0F; }
    else if (c >= 0xF0 && c <= 0xF4) { n = 4; cp = c & 0x07; }
    else return 0;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3F);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

int dlg_utf8_valid(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    while (*p) {
        size_t n = utf8_char(p);
        if (!n)
            return 0;
        p += n;
    }
    return 1;
}


/* Append len bytes of src at out+*o (cap with NUL), cutting before a
 * character that does not fit whole. 1 if everything fitted. */
static int put(char *out, size_t cap, size_t *o, const char *src, size_t len)
{
    size_t i = 0;

    while (i < len) {
        size_t n = utf8_char((const unsigned char *)src + i);
        if (!n)
            n = 1;   /* a stray byte of a template: copied, never split further */
        if (i + n > len || *o + n >= cap) {
            out[*o] = '\0';
            return 0;
        }
        memcpy(out + *o, src + i, n);
        *o += n;
        i += n;
    }
    out[*o] = '\0';
    return 1;
}

int dlg_append(char *out, size_t cap, const char *sep, const char *text)
{
    size_t o = strlen(out);

    if (o && sep && !put(out, cap, &o, sep, strlen(sep)))
        return HD_ETOOBIG;
    return put(out, cap, &o, text, strlen(text)) ? HD_OK : HD_ETOOBIG;
}

size_t dlg_clean_line(const char *in, char *out, size_t cap, size_t max_chars)
{
    const unsigned char *p = (const unsigned char *)in;
    size_t o = 0, chars = 0;
    int space = 0;

    if (!cap)
        return 0;
    while (*p && chars < max_chars) {
        size_t n = utf8_char(p);
        char c;

        if (!n) {            /* a bad byte: dropped */
            p++;
            continue;
        }
        if (n == 3 && p[0] == 0xEF && p[1] == 0xBF && p[2] == 0xBD) {
            p += 3;          /* U+FFFD: what nlu_normalize made of bad bytes */
            continue;
        }
        if (n == 1 && (*p <= ' ' || *p == 0x7F)) {
            space = o > 0;   /* runs of blanks and controls: one space, none leading */
            p++;
            continue;
        }
        if (space) {
            if (o + 1 >= cap)
                break;
            out[o++] = ' ';
            chars++;
            space = 0;
            if (chars >= max_chars)
                break;
        }
        if (o + n >= cap)
            break;
        c = (char)*p;
        if (n == 1 && (c == '{' || c == '}'))
            out[o] = c == '{' ? '(' : ')';
        else
            memcpy(out + o, p, n);
        o += n;
        p += n;
        chars++;
    }
    while (o > 0 && out[o - 1] == ' ')
        o--;
    out[o] = '\0';
    return o;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

void dlg_mask_idnums(char *s)
{
    char *p = s;

    while (*p) {
        char *end = p;
        int digits = 0, keep;

        if (!is_digit(*p)) {
            p++;
            continue;
        }
        /* One number as people write it: digit groups joined by single
         * spaces, dots or dashes ("001 099 012345"). */
        for (;;) {
            while (is_digit(*end)) {
                end++;
                digits++;
            }
            if ((*end == ' ' || *end == '.' || *end == '-') && is_digit(end[1]))
                end++;
            else
                break;
        }
        if (digits >= IDNUM_DIGITS)
            for (keep = digits - 4; p < end && keep > 0; p++)
                if (is_digit(*p)) {
                    *p = '*';
                    keep--;
                }
        p = end;
    }
}

int dlg_result_fill_case_id(dlg_result *r, int64_t case_id)
{
    char num[24], buf[DLG_TEXT_MAX];
    const char *kv[] = { "case_id", num, NULL };
    int rc = HD_OK;

    if (!r || case_id <= 0)
        return HD_EINVAL;
    snprintf(num, sizeof num, "%" PRId64, case_id);
    for (int i = 0; i < r->n_replies && i < DLG_REPLIES_MAX; i++) {
        if (!strstr(r->replies[i].text, "{case_id}"))
            continue;
        if (dlg_template_fill(r->replies[i].text, kv, buf, sizeof buf) != HD_OK)
            rc = HD_ETOOBIG;
        memcpy(r->replies[i].text, buf, strlen(buf) + 1);
    }
    return rc;
}
