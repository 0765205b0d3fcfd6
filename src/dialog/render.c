/* render.c -- one reply as a channel shows it.
 *
 * Every channel gets the text with the options numbered on lines below it
 * (Zalo buttons are not relied on: the numbered text works everywhere and a
 * typed digit is understood in any case). SMS is sent as GSM-7 without
 * diacritics, the way brandname SMS is read in Viet Nam: after nlu_unaccent()
 * any character still outside the GSM-7 basic set is replaced, so a message
 * never silently turns into UCS-2 (a third of the length per part). */
#include "dialog/render.h"

#include "core/err.h"
#include "nlu/normalize.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RENDER_FULL_MAX (DLG_TEXT_MAX + DLG_OPTIONS_MAX * 112)

static const char *const channel_names[] = { "console", "zalo", "sms" };

int dlg_channel_parse(const char *name, dlg_channel *out)
{
    if (!name || !out)
        return HD_EINVAL;
    for (int i = 0; i < (int)(sizeof channel_names / sizeof *channel_names); i++)
        if (strcmp(name, channel_names[i]) == 0) {
            *out = (dlg_channel)i;
            return HD_OK;
        }
    return HD_EINVAL;
}

const char *dlg_channel_name(dlg_channel ch)
{
    if ((int)ch < 0 || (int)ch >= (int)(sizeof channel_names / sizeof *channel_names))
        return "unknown";
    return channel_names[ch];
}

/* Length of the UTF-8 sequence starting with byte c (1 for a stray byte). */
static size_t seq_len(unsigned char c)
{
    return c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
}

/* Copy src into dst (cap with NUL), cutting on a character boundary. */
static int copy_cut(char *dst, size_t cap, const char *src, size_t len)
{
    size_t n = len, i = 0;

    if (n >= cap) {
        while (i < cap - 1) {
            size_t l = seq_len((unsigned char)src[i]);
            if (i + l > cap - 1)
                break;
            i += l;
        }
        n = i;
    }
    memcpy(dst, src, n);
    dst[n] = '\0';
    return n < len ? HD_ETOOBIG : HD_OK;
}

static size_t compose(const dlg_reply *r, char *out, size_t cap)
{
    size_t n = (size_t)snprintf(out, cap, "%s", r->text);

    for (int i = 0; i < r->n_options && i < DLG_OPTIONS_MAX && n < cap; i++)
        n += (size_t)snprintf(out + n, cap - n, "\n%d. %s", i + 1, r->options[i] ? r->options[i] : "");
    return n < cap ? n : cap - 1;
}

/* Typography unaccenting would drop; replaced before it, by what a reader
 * of a plain SMS expects. */
static const struct { const char *from, *to; } typo[] = {
    { "\xe2\x86\x92", ">" },      /* → */
    { "\xe2\x80\xa6", "..." },    /* … */
    { "\xe2\x80\x9c", "\"" },     /* “ */
    { "\xe2\x80\x9d", "\"" },     /* ” */
    { "\xe2\x80\x98", "'" },      /* ‘ */
    { "\xe2\x80\x99", "'" },      /* ’ */
    { "\xe2\x80\x93", "-" },      /* – */
    { "\xe2\x80\x94", "-" },      /* — */
    { "\xe2\x80\xa2", "-" },      /* • */
    { "\xc2\xb7", "-" },          /* · */
    { "\xc2\xa0", " " },          /* no-break space */
};

static void pre_map(const char *in, char *out, size_t cap)
{
    size_t o = 0;

    while (*in && o + 4 < cap) {
        size_t k = sizeof typo / sizeof *typo, l = 0;

        /* Every entry starts with one of these two bytes; Vietnamese letters
         * (0xC3, 0xC4, 0xC6, 0xE1 ...) and ASCII go straight through. */
        if ((unsigned char)*in == 0xE2 || (unsigned char)*in == 0xC2)
            for (k = 0; k < sizeof typo / sizeof *typo; k++) {
                l = strlen(typo[k].from);
                if (strncmp(in, typo[k].from, l) == 0)
                    break;
            }
        if (k < sizeof typo / sizeof *typo) {
            for (const char *t = typo[k].to; *t; t++)
                out[o++] = *t;
            in += l;
        } else {
            out[o++] = *in++;
        }
    }
    out[o] = '\0';
}

/* The ASCII characters of the GSM 03.38 basic set (no escape needed). */
static int gsm_basic(unsigned char c)
{
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
        return 1;
    return c && strchr(" \n\r!\"#$%&'()*+,-./:;<=>?@_", c) != NULL;
}

static char gsm_replace(unsigned char c)
{
    switch (c) {
    case '[': case '{': return '(';
    case ']': case '}': return ')';
    case '\\': return '/';
    case '\t': return ' ';
    default: return c < 0x20 ? ' ' : '-';   /* ^ ~ ` | and controls */
    }
}

static int render_sms(const char *full, char *out, size_t cap)
{
    char pre[RENDER_FULL_MAX + 64], asc[RENDER_FULL_MAX + 64];
    size_t limit = cap - 1 < DLG_SMS_MAX ? cap - 1 : DLG_SMS_MAX, o = 0;
    int rc = HD_OK;

    pre_map(full, pre, sizeof pre);
    if (nlu_unaccent(pre, strlen(pre), asc, sizeof asc) == HD_ETOOBIG)
        rc = HD_ETOOBIG;
    for (const unsigned char *p = (const unsigned char *)asc; *p;) {
        if (o >= limit) {
            rc = HD_ETOOBIG;
            break;
        }
        if (*p < 0x80) {
            out[o++] = gsm_basic(*p) ? (char)*p : gsm_replace(*p);
            p++;
        } else {
            /* whatever unaccenting could not map: one character, one mark */
            size_t l = seq_len(*p);
            out[o++] = '?';
            while (l-- > 0 && *p)
                p++;
        }
    }
    out[o] = '\0';
    return rc;
}

int dlg_render(const dlg_reply *r, dlg_channel ch, char *out, size_t cap)
{
    return dlg_render_cached(NULL, r, ch, out, cap);
}

/* ---- the cache: direct-mapped, keyed by the composed text ---- */

#define CACHE_SLOTS 64

typedef struct cache_slot {
    uint64_t hash;
    size_t   key_len, cap;      /* cap: the caller's, which the output depends on */
    int      rc;
    char     key[RENDER_FULL_MAX];
    char     val[DLG_SMS_MAX + 1];
} cache_slot;

struct dlg_render_cache {
    cache_slot slot[CACHE_SLOTS];
};

int dlg_render_cache_new(dlg_render_cache **out)
{
    if (!out)
        return HD_EINVAL;
    *out = calloc(1, sizeof **out);
    return *out ? HD_OK : HD_ENOMEM;
}

void dlg_render_cache_free(dlg_render_cache *c)
{
    free(c);
}

static uint64_t fnv1a(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;

    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return h;
}

/* cap <= DLG_SMS_MAX + 1: the whole output fits a slot. */
static int render_sms_cached(dlg_render_cache *c, const char *full, size_t n, char *out,
                             size_t cap)
{
    uint64_t h = fnv1a(full, n);
    cache_slot *e = &c->slot[h % CACHE_SLOTS];
    int rc;

    if (e->key_len == n && e->hash == h && e->cap == cap && memcmp(e->key, full, n) == 0) {
        memcpy(out, e->val, strlen(e->val) + 1);
        return e->rc;
    }
    rc = render_sms(full, out, cap);
    e->hash = h;
    e->key_len = n;
    e->cap = cap;
    e->rc = rc;
    memcpy(e->key, full, n);
    memcpy(e->val, out, strlen(out) + 1);
    return rc;
}

int dlg_render_cached(dlg_render_cache *c, const dlg_reply *r, dlg_channel ch, char *out,
                      size_t cap)
{
    char full[RENDER_FULL_MAX];
    size_t n;

    if (!r || !out || !cap)
        return HD_EINVAL;
    out[0] = '\0';
    n = compose(r, full, sizeof full);
    /* An SMS is at most DLG_SMS_MAX characters whatever room is given. */
    if (ch == DLG_CH_SMS && c)
        return render_sms_cached(c, full, n, out, cap < DLG_SMS_MAX + 1 ? cap : DLG_SMS_MAX + 1);
    switch (ch) {
    case DLG_CH_CONSOLE:
    case DLG_CH_ZALO:
        return copy_cut(out, cap, full, n);
    case DLG_CH_SMS:
        return render_sms(full, out, cap);
    }
    return HD_EINVAL;
}
