/* normalize.c -- from whatever a citizen typed to the NFC and folded forms.
 *
 * Everything works on fixed buffers sized from NLU_INPUT_MAX, so a message of
 * any length or content costs bounded time and stack and never allocates:
 * the classifier runs this on every inbound message. */
#include "nlu/normalize.h"

#include "core/err.h"
#include "internal.h"

#include <pthread.h>
#include <string.h>
#include <utf8proc.h>

/* One code point per input byte at most; a canonical decomposition is at
 * most four code points long (U+1F82 and friends). */
#define CP_MAX     NLU_INPUT_MAX
#define DECOMP_MAX (CP_MAX * 4 + 16)
#define TOK_MAX    CP_MAX

static int is_ctrl(int32_t c)
{
    return c < 0x20 || (c >= 0x7F && c < 0xA0) || c == 0x2028 || c == 0x2029;
}

static int is_blank(int32_t c)
{
    return c == ' ' || (c > 0x7F && utf8proc_category(c) == UTF8PROC_CATEGORY_ZS);
}

/* Latin letters with marks, and Vietnamese's own block: folded once, at
 * first use, instead of asking utf8proc for every letter of every message. */
#define FOLD_A_LO 0x0080
#define FOLD_A_HI 0x0250
#define FOLD_B_LO 0x1E00
#define FOLD_B_HI 0x1F00
#define FOLD_N    ((FOLD_A_HI - FOLD_A_LO) + (FOLD_B_HI - FOLD_B_LO))

static struct { signed char n; char s[4]; } fold_table[2][FOLD_N];
static pthread_once_t fold_once = PTHREAD_ONCE_INIT;

static int fold_slot(int32_t cp)
{
    if (cp >= FOLD_A_LO && cp < FOLD_A_HI)
        return cp - FOLD_A_LO;
    if (cp >= FOLD_B_LO && cp < FOLD_B_HI)
        return (FOLD_A_HI - FOLD_A_LO) + cp - FOLD_B_LO;
    return -1;
}

static int fold_cp_slow(int32_t cp, int lower, char out[4]);

static void fold_fill(void)
{
    for (int32_t cp = FOLD_A_LO; cp < FOLD_B_HI; cp++) {
        int k = fold_slot(cp);

        if (k < 0)
            continue;
        for (int lower = 0; lower < 2; lower++)
            fold_table[lower][k].n = (signed char)fold_cp_slow(cp, lower, fold_table[lower][k].s);
    }
}

int nlu_fold_cp(int32_t cp, int lower, char out[4])
{
    int k = cp >= 0x80 ? fold_slot(cp) : -1;

    if (k >= 0) {
        int n;

        pthread_once(&fold_once, fold_fill);
        n = fold_table[lower != 0][k].n;
        if (n > 0)
            memcpy(out, fold_table[lower != 0][k].s, (size_t)n);
        return n;
    }
    return fold_cp_slow(cp, lower, out);
}

static int fold_cp_slow(int32_t cp, int lower, char out[4])
{
    utf8proc_int32_t buf[8];
    utf8proc_ssize_t n;
    utf8proc_option_t opt;
    int boundclass = 0;

    if (cp < 0x80) {
        if (cp >= 'A' && cp <= 'Z') {
            out[0] = (char)(lower ? cp + 32 : cp);
            return 1;
        }
        if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')) {
            out[0] = (char)cp;
            return 1;
        }
        return 0;
    }
    /* đ has no decomposition; Ð (eth) is what some keyboards give for Đ. */
    if (cp == 0x0111 || cp == 0x0110 || cp == 0x00D0 || cp == 0x00F0) {
        out[0] = (cp == 0x0111 || cp == 0x00F0 || lower) ? 'd' : 'D';
        return 1;
    }
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME: case UTF8PROC_CATEGORY_CF:
        return -1;
    default:
        break;
    }
    opt = UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_STRIPMARK;
    if (lower)
        opt |= UTF8PROC_CASEFOLD;
    n = utf8proc_decompose_char(cp, buf, 8, opt, &boundclass);
    if (n <= 0 || n > 4)
        return 0;
    for (utf8proc_ssize_t i = 0; i < n; i++) {
        int32_t c = buf[i];
        if (c >= 'A' && c <= 'Z')
            c = lower ? c + 32 : c;
        else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
            return 0;
        out[i] = (char)c;
    }
    return (int)n;
}

/* Where to cut an over-long message: at NLU_INPUT_MAX, moved back so that
 * no character is split (a split one would otherwise become U+FFFD). */
static size_t input_cut(const unsigned char *s, size_t len)
{
    size_t cut = NLU_INPUT_MAX;
    int back = 0;

    if (len <= NLU_INPUT_MAX)
        return len;
    while (cut > 0 && back < 3 && (s[cut] & 0xC0) == 0x80) {
        cut--;
        back++;
    }
    return cut;
}

/* Valid UTF-8 with bad bytes as U+FFFD and control characters as spaces.
 * Each input byte yields at most three output bytes. */
static size_t sanitize(const unsigned char *s, size_t len, unsigned char *dst)
{
    size_t i = 0, o = 0;

    while (i < len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t r = utf8proc_iterate(s + i, (utf8proc_ssize_t)(len - i), &cp);
        if (r <= 0) {
            cp = 0xFFFD;
            r = 1;
        }
        if (is_ctrl(cp))
            cp = ' ';
        o += (size_t)utf8proc_encode_char(cp, dst + o);
        i += (size_t)r;
    }
    return o;
}

/* A word ending in three or more of one letter ("alooo", "okkkk", "oiiii")
 * is typing emphasis: the run shrinks to one letter. Only the end of a word
 * is touched ("cccd" stays), and a word that is nothing but one letter
 * repeated ("kkk", laughter) is left alone, as are numbers. */
static size_t shrink_runs(const char *t, size_t len)
{
    size_t i = len;

    if (len < 3 || (t[len - 1] >= '0' && t[len - 1] <= '9'))
        return len;
    while (i > 0 && t[i - 1] == t[len - 1])
        i--;
    if (len - i < 3 || i == 0)
        return len;
    return i + 1;
}

typedef struct fold_state {
    char raw[NLU_FOLD_MAX];
    nlu_rawtok tok[TOK_MAX];
    size_t rawlen, ntok;
    int open;                   /* a token is being built */
} fold_state;

static void tok_close(fold_state *f)
{
    nlu_rawtok *t;

    if (!f->open)
        return;
    f->open = 0;
    t = &f->tok[f->ntok - 1];
    t->len = (uint16_t)shrink_runs(f->raw + t->off, t->len);
    f->rawlen = (size_t)t->off + t->len;
}

static void tok_add(fold_state *f, const char *a, int n, size_t cp_index)
{
    for (int k = 0; k < n; k++) {
        int digit = a[k] >= '0' && a[k] <= '9';
        nlu_rawtok *t = f->open ? &f->tok[f->ntok - 1] : NULL;
        /* "muc2", "7h": letters and digits are separate words. */
        if (t) {
            int last = f->raw[f->rawlen - 1] >= '0' && f->raw[f->rawlen - 1] <= '9';
            if (last != digit) {
                tok_close(f);
                t = NULL;
            }
        }
        if (f->rawlen + 1 >= sizeof f->raw)
            return;
        if (!t) {
            if (f->ntok == TOK_MAX)
                return;
            t = &f->tok[f->ntok++];
            t->off = (uint16_t)f->rawlen;
            t->len = 0;
            t->cp_off = (uint16_t)cp_index;
            f->open = 1;
        }
        f->raw[f->rawlen++] = a[k];
        t->len++;
        t->cp_len = (uint16_t)(cp_index + 1 - t->cp_off);
    }
}

int nlu_normalize(const char *in, size_t len, nlu_text *out)
{
    unsigned char tmp[NLU_NFC_MAX];
    utf8proc_int32_t cps[DECOMP_MAX];
    fold_state f;
    utf8proc_ssize_t n;
    size_t tlen, s, e, o;

    if (!in || !out)
        return HD_EINVAL;
    len = input_cut((const unsigned char *)in, len);
    tlen = sanitize((const unsigned char *)in, len, tmp);
    tmp[tlen] = 0;

    n = utf8proc_decompose(tmp, (utf8proc_ssize_t)tlen, cps, DECOMP_MAX,
                           UTF8PROC_STABLE | UTF8PROC_COMPOSE);
    if (n >= 0 && n <= DECOMP_MAX) {
        n = utf8proc_normalize_utf32(cps, n, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
    } else {
        /* Cannot happen with the sizes above; keep the text unnormalised. */
        size_t i = 0;
        n = 0;
        while (i < tlen) {
            utf8proc_ssize_t r = utf8proc_iterate(tmp + i, (utf8proc_ssize_t)(tlen - i), &cps[n]);
            i += r > 0 ? (size_t)r : 1;
            n++;
        }
    }

    s = 0;
    e = (size_t)(n > 0 ? n : 0);
    while (s < e && is_blank(cps[s]))
        s++;
    while (e > s && is_blank(cps[e - 1]))
        e--;

    o = 0;
    for (size_t i = s; i < e; i++) {
        utf8proc_uint8_t b[4];
        utf8proc_ssize_t k = utf8proc_encode_char(cps[i], b);
        if (o + (size_t)k >= sizeof out->nfc) {
            e = i;
            break;
        }
        memcpy(out->nfc + o, b, (size_t)k);
        o += (size_t)k;
    }
    out->nfc[o] = '\0';
    out->nfc_len = o;

    f.rawlen = f.ntok = 0;
    f.open = 0;
    for (size_t i = s; i < e; i++) {
        char a[4];
        int k = nlu_fold_cp(cps[i], 1, a);
        /* "koNhanDcOTP", "VNeID": a capital after a small letter starts a
         * word ("vne id" is merged back by nlu_rewrite). */
        if (k > 0 && i > s && utf8proc_category(cps[i]) == UTF8PROC_CATEGORY_LU &&
            utf8proc_category(cps[i - 1]) == UTF8PROC_CATEGORY_LL)
            tok_close(&f);
        if (k > 0)
            tok_add(&f, a, k, i);
        else if (k == 0)
            tok_close(&f);
    }
    tok_close(&f);
    out->folded_len = nlu_rewrite(f.raw, f.tok, f.ntok, cps, out->folded, sizeof out->folded);
    return HD_OK;
}
