/* abbrev.c -- the last step of folding: what SMS and Zalo users type, as words.
 *
 * Citizens write "ko dc", "sdt", "dk muc 2", "vn eid", or leave Telex keys in
 * ("ddawng kys"). The classifier and the dialogue engine should see one form
 * for each, so raw folded tokens are rewritten here: two-token merges first,
 * then the abbreviation table, then a Telex decoder for tokens that are not
 * Vietnamese syllables but become one once decoded. */
#include "internal.h"

#include <string.h>

#define WORD_MAX 32     /* longer tokens are passed through as they are */

typedef struct abbrev {
    const char *from, *to;
} abbrev;

/* Sorted by from (strcmp order): searched by bisection. */
static const abbrev abbrevs[] = {
    { "acc", "tai khoan" },
    { "ad", "admin" },
    { "add", "admin" },
    { "adm", "admin" },
    { "ak", "a" },
    { "aloo", "alo" },
    { "apps", "app" },
    { "appstore", "app store" },
    { "bgio", "bao gio" },
    { "bhxh", "bao hiem xa hoi" },
    { "bhyt", "bao hiem y te" },
    { "bik", "biet" },
    { "bit", "biet" },
    { "bjk", "biet" },
    { "bjo", "bao gio" },
    { "blx", "bang lai xe" },
    { "camon", "cam on" },
    { "cavet", "ca vet" },
    { "cb", "can bo" },
    { "cccd", "can cuoc cong dan" },
    { "cg", "cung" },
    { "chplay", "ch play" },
    { "ck", "chong" },
    { "cmnd", "chung minh nhan dan" },
    { "cmt", "chung minh nhan dan" },
    { "cmtnd", "chung minh nhan dan" },
    { "cx", "cung" },
    { "dangki", "dang ky" },
    { "dangky", "dang ky" },
    { "dc", "duoc" },
    { "dcj", "duoc" },
    { "dd", "dinh danh" },
    { "dddt", "dinh danh dien tu" },
    { "dienthoai", "dien thoai" },
    { "dinhdanh", "dinh danh" },
    { "dk", "dang ky" },
    { "dki", "dang ky" },
    { "dky", "dang ky" },
    { "dt", "dien thoai" },
    { "dth", "dien thoai" },
    { "dthoai", "dien thoai" },
    { "duoc", "duoc" },
    { "dvc", "dich vu cong" },
    { "dvcqg", "dich vu cong quoc gia" },
    { "dx", "duoc" },
    { "dzay", "vay" },
    { "e", "em" },
    { "fb", "facebook" },
    { "gks", "giay khai sinh" },
    { "gplx", "giay phep lai xe" },
    { "h", "gio" },
    { "hdsd", "huong dan su dung" },
    { "helo", "hello" },
    { "hem", "khong" },
    { "hk", "khong" },
    { "hok", "khong" },
    { "ib", "nhan tin" },
    { "ifone", "iphone" },
    { "ip", "iphone" },
    { "iphon", "iphone" },
    { "j", "gi" },
    { "ji", "gi" },
    { "k", "khong" },
    { "kg", "khong" },
    { "kh", "khong" },
    { "khg", "khong" },
    { "khoong", "khong" },
    { "khum", "khong" },
    { "ki", "ky" },
    { "ko", "khong" },
    { "kp", "khong phai" },
    { "level", "muc" },
    { "lltp", "ly lich tu phap" },
    { "lm", "lam" },
    { "lv", "muc" },
    { "lvl", "muc" },
    { "matkhau", "mat khau" },
    { "mik", "minh" },
    { "mjk", "minh" },
    { "mjnh", "minh" },
    { "mk", "mat khau" },
    { "mkhau", "mat khau" },
    { "mn", "moi nguoi" },
    { "ms", "moi" },
    { "mst", "ma so thue" },
    { "mun", "muon" },
    { "ng", "nguoi" },
    { "ngta", "nguoi ta" },
    { "nhiu", "nhieu" },
    { "nhug", "nhung" },
    { "ns", "noi" },
    { "ntn", "nhu the nao" },
    { "nv", "nhan vien" },
    { "nx", "nua" },
    { "okay", "ok" },
    { "oke", "ok" },
    { "okela", "ok" },
    { "oki", "ok" },
    { "okie", "ok" },
    { "pw", "mat khau" },
    { "r", "roi" },
    { "roai", "roi" },
    { "roy", "roi" },
    { "rui", "roi" },
    { "ruj", "roi" },
    { "sdt", "so dien thoai" },
    { "sdth", "so dien thoai" },
    { "shk", "so ho khau" },
    { "t", "toi" },
    { "taikhoan", "tai khoan" },
    { "thank", "thanks" },
    { "thks", "thanks" },
    { "thui", "thoi" },
    { "thx", "thanks" },
    { "tinnhan", "tin nhan" },
    { "tk", "tai khoan" },
    { "tkhoan", "tai khoan" },
    { "tks", "thanks" },
    { "tn", "tin nhan" },
    { "trc", "truoc" },
    { "ttin", "thong tin" },
    { "ubnd", "uy ban nhan dan" },
    { "ud", "ung dung" },
    { "ugh", "ung dung" },
    { "uh", "ok" },
    { "uhm", "ok" },
    { "ui", "oi" },
    { "uk", "ok" },
    { "um", "ok" },
    { "vk", "vo" },
    { "vn", "vn" },
    { "vne", "vneid" },
    { "vnedi", "vneid" },
    { "vnei", "vneid" },
    { "vneid", "vneid" },
    { "vneidd", "vneid" },
    { "vneit", "vneid" },
    { "vneld", "vneid" },
    { "vneyd", "vneid" },
    { "vnid", "vneid" },
    { "vnied", "vneid" },
    { "vnneid", "vneid" },
    { "vs", "voi" },
    { "xog", "xong" },
    { "z", "vay" },
    { "zl", "zalo" },
};

static const char *abbrev_lookup(const char *t)
{
    size_t lo = 0, hi = sizeof abbrevs / sizeof abbrevs[0];

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(abbrevs[mid].from, t);
        if (c == 0)
            return abbrevs[mid].to;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* Two or three raw tokens written apart that mean one thing. */
typedef struct merge {
    const char *a, *b, *c, *to;
} merge;

static const merge merges[] = {
    { "vn", "e", "id", "vneid" },               /* "VN-eID" */
    { "vn", "eid", NULL, "vneid" },
    { "vn", "id", NULL, "vneid" },
    { "vn", "ied", NULL, "vneid" },
    { "v", "neid", NULL, "vneid" },
    { "vne", "id", NULL, "vneid" },
    { "a", "lo", NULL, "alo" },
    { "i", "phone", NULL, "iphone" },
};

/* "ca" is "công an" before a kind of commune or province. */
static int is_unit(const char *t)
{
    static const char *const units[] = { "xa", "phuong", "tinh", "huyen", "dac", "tt" };

    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strcmp(units[i], t) == 0)
            return 1;
    return 0;
}

/* --- Telex leftovers ------------------------------------------------------
 * A token decoded from Telex is accepted only when the result is a possible
 * Vietnamese syllable and the token itself was not, so English words and
 * brand names ("vneid", "apps", "zalo") stay as they are. */

static const char *const initials[] = {   /* longest first */
    "ngh", "ch", "gh", "gi", "kh", "ng", "nh", "ph", "qu", "th", "tr",
    "b", "c", "d", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "",
};
static const char *const nuclei[] = {     /* longest first */
    "oai", "oay", "oeo", "uay", "uoi", "uou", "uya", "uye", "uyu", "ieu", "yeu",
    "ai", "ao", "au", "ay", "eo", "eu", "ia", "ie", "iu", "oa", "oe", "oi", "ua",
    "ue", "ui", "uo", "uu", "uy", "ye",
    "a", "e", "i", "o", "u", "y",
};
static const char *const finals[] = {
    "ch", "ng", "nh", "c", "m", "n", "p", "t", "",
};

static int has_prefix(const char *s, const char *p, size_t *n)
{
    *n = strlen(p);
    return strncmp(s, p, *n) == 0;
}

static int is_syllable(const char *s)
{
    size_t a, b, c;

    for (size_t i = 0; i < sizeof initials / sizeof initials[0]; i++) {
        if (!has_prefix(s, initials[i], &a))
            continue;
        for (size_t j = 0; j < sizeof nuclei / sizeof nuclei[0]; j++) {
            if (!has_prefix(s + a, nuclei[j], &b))
                continue;
            for (size_t k = 0; k < sizeof finals / sizeof finals[0]; k++)
                if (has_prefix(s + a + b, finals[k], &c) && s[a + b + c] == '\0')
                    return 1;
        }
    }
    return 0;
}

static int is_vowel(char c)
{
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

static int is_tone_key(char c)
{
    return c == 's' || c == 'f' || c == 'r' || c == 'x' || c == 'j' || c == 'z';
}

/* A tone key ends the syllable or comes before its final consonants
 * ("nhaajp"); one followed by a vowel is a letter ("taxi", "reset"). */
static int only_final_after(const char *s)
{
    for (; *s; s++)
        if (!strchr("cghmnpt", *s))
            return 0;
    return 1;
}

/* Cheap test first: does t hold anything Telex would have turned into a
 * mark (w, dd, a doubled vowel, a tone key after a vowel)? Most words do not. */
static int telex_signal(const char *t)
{
    int vowel = 0;

    if (t[0] == 'd' && t[1] == 'd')
        return 1;
    for (const char *p = t; *p; p++) {
        if (*p == 'w' || (vowel && is_tone_key(*p)))
            return 1;
        if ((*p == 'a' || *p == 'e' || *p == 'o') && p[1] == *p)
            return 1;
        if (is_vowel(*p))
            vowel = 1;
    }
    return 0;
}

/* Decode t (NUL-terminated, in a buffer of WORD_MAX bytes) in place; 1 when
 * it changed into a syllable. */
static int telex_decode(char *t)
{
    char d[WORD_MAX + 2];       /* "w" + vowel at the start grows by one */
    size_t n = strlen(t), o = 0, i = 0;
    int seen_vowel = 0, toned = 0;

    if (n < 2 || n >= WORD_MAX || !telex_signal(t) || is_syllable(t))
        return 0;
    if (t[0] == 'd' && t[1] == 'd')
        i = 1;                                  /* dd -> đ */
    else if (t[0] == 'w' && is_vowel(t[1])) {
        d[o++] = 'q';                           /* "wen", "wa": quên, qua */
        d[o++] = 'u';
        i = 1;
    }
    for (; i < n; i++) {
        char c = t[i];
        if (c == 'w') {                         /* aw ow uw, or w alone = ư */
            if (o > 0 && (d[o - 1] == 'a' || d[o - 1] == 'o' || d[o - 1] == 'u'))
                continue;
            c = 'u';
        } else if ((c == 'a' || c == 'e' || c == 'o') && o > 0 && d[o - 1] == c) {
            continue;                           /* aa ee oo: â ê ô */
        } else if (seen_vowel && !toned && is_tone_key(c) && only_final_after(t + i + 1)) {
            toned = 1;                          /* tone key after the vowel */
            continue;
        }
        if (is_vowel(c))
            seen_vowel = 1;
        d[o++] = c;
    }
    d[o] = '\0';
    if (o >= WORD_MAX || strcmp(d, t) == 0 || !is_syllable(d))
        return 0;
    memcpy(t, d, o + 1);
    return 1;
}

/* Words left alone even though they look like Telex. */
static int is_protected(const char *t)
{
    static const char *const keep[] = {
        "ads", "bus", "gps", "ios", "pass", "sms", "sos", "yes", "zalo", "wifi", "web",
    };

    for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++)
        if (strcmp(keep[i], t) == 0)
            return 1;
    return 0;
}

/* --- Output ---------------------------------------------------------------- */

typedef struct out_buf {
    char *p;
    size_t len, cap;
    int full;
    const char *last;          /* last word written (for context rules) */
    size_t last_len;
} out_buf;

static void put_n(out_buf *o, const char *s, size_t n)
{
    size_t need = n + (o->len ? 1 : 0), w;

    if (o->full || n == 0)
        return;
    if (o->len + need >= o->cap) {
        o->full = 1;
        return;
    }
    if (o->len)
        o->p[o->len++] = ' ';
    memcpy(o->p + o->len, s, n);
    o->len += n;
    o->p[o->len] = '\0';
    for (w = n; w > 0 && s[w - 1] != ' '; w--)
        ;
    o->last = o->p + o->len - (n - w);
    o->last_len = n - w;
}

static void put(out_buf *o, const char *s)
{
    put_n(o, s, strlen(s));
}

static int last_is(const out_buf *o, const char *w)
{
    return o->last && o->last_len == strlen(w) && memcmp(o->last, w, o->last_len) == 0;
}

static void tok_copy(const char *raw, const nlu_rawtok *t, char *dst, size_t cap)
{
    size_t n = t->len < cap - 1 ? t->len : cap - 1;

    memcpy(dst, raw + t->off, n);
    dst[n] = '\0';
}

/* "hong" is "không" when typed plain or as "hông", but "hỏng" (broken) and
 * "Hồng" (a name) keep their meaning, as does plain "hong" after "bị", "hư",
 * "đã". The o as typed tells which. */
static int hong_is_khong(const nlu_rawtok *t, const int32_t *cps, const out_buf *o)
{
    for (size_t i = t->cp_off; i < (size_t)t->cp_off + t->cp_len; i++) {
        int32_t c = cps[i];
        if (c == 'h' || c == 'H' || c == 'n' || c == 'N' || c == 'g' || c == 'G')
            continue;
        if (c != 'o' && c != 'O' && c != 0xF4 && c != 0xD4)      /* o O ô Ô */
            return 0;
    }
    return !(last_is(o, "bi") || last_is(o, "hu") || last_is(o, "da"));
}

size_t nlu_rewrite(const char *raw, const nlu_rawtok *tok, size_t ntok,
                   const int32_t *cps, char *out, size_t cap)
{
    out_buf o = { out, 0, cap, 0, NULL, 0 };
    char t[WORD_MAX], next[WORD_MAX], third[WORD_MAX];

    if (cap == 0)
        return 0;
    out[0] = '\0';
    for (size_t i = 0; i < ntok && !o.full; i++) {
        const char *rep;
        int merged = 0;

        if (tok[i].len >= sizeof t) {           /* too long to be a word we know */
            put_n(&o, raw + tok[i].off, tok[i].len);
            continue;
        }
        tok_copy(raw, &tok[i], t, sizeof t);
        if (i + 1 < ntok) {
            tok_copy(raw, &tok[i + 1], next, sizeof next);
            if (i + 2 < ntok)
                tok_copy(raw, &tok[i + 2], third, sizeof third);
            else
                third[0] = '\0';
            for (size_t m = 0; m < sizeof merges / sizeof merges[0]; m++) {
                const merge *g = &merges[m];
                if (strcmp(g->a, t) != 0 || strcmp(g->b, next) != 0 ||
                    (g->c && strcmp(g->c, third) != 0))
                    continue;
                put(&o, g->to);
                merged = 1;
                i += g->c ? 2 : 1;
                break;
            }
            if (merged)
                continue;
            if (strcmp(t, "ca") == 0 && is_unit(next)) {
                put(&o, "cong an");
                continue;
            }
        }
        if (strcmp(t, "hong") == 0) {
            put(&o, hong_is_khong(&tok[i], cps, &o) ? "khong" : "hong");
            continue;
        }
        if (strcmp(t, "dt") == 0 && last_is(&o, "danh")) {
            put(&o, "dien tu");                  /* định danh đt = điện tử */
            continue;
        }
        if ((rep = abbrev_lookup(t)) != NULL) {
            put(&o, rep);
            continue;
        }
        if (t[0] > '9' && !is_protected(t) && telex_decode(t) &&
            (rep = abbrev_lookup(t)) != NULL) {
            put(&o, rep);
            continue;
        }
        put(&o, t);
    }
    return o.len;
}
