/* fuzz_form.c -- what decodes raw bytes from outside: form/query values
 * (core/form.h), the SMS charset decoders (channel/charset.h) and phone
 * numbers (channel/phone.h).
 *
 * Input: byte 0 picks the field name, byte 1 the output size, the rest is
 * the form text, and also the bytes the decoders and phone_normalize get. */
#include "fuzz.h"

#include "channel/charset.h"
#include "channel/phone.h"
#include "core/err.h"
#include "core/form.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

static const char *const ffrm_names[] = {
    "text", "from", "id", "coding", "charset", "ts", "smsc", "outbox", "status", "", "a b", "%"
};

/* Every value: percent-encode it, look it up, get the same bytes back. */
static void ffrm_roundtrip(const uint8_t *v, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    char *src = malloc(3 * n + 32), *out = malloc(n + 1);
    size_t len = 0, got = (size_t)-1;

    FZ_CHECK(src && out);
    memcpy(src, "x=1&text=", 9);
    len = 9;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = v[i];
        if (c == ' ') {
            src[len++] = '+';
        } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.') {
            src[len++] = (char)c;
        } else {
            src[len++] = '%';
            src[len++] = hex[c >> 4];
            src[len++] = hex[c & 15];
        }
    }
    memcpy(src + len, "&text=no", 8);
    len += 8;
    FZ_CHECK(form_get(src, len, "text", out, n + 1, &got) == HD_OK);
    FZ_CHECK(got == n && memcmp(out, v, n) == 0 && out[n] == '\0');
    if (n > 0)   /* one byte short: refused, never cut */
        FZ_CHECK(form_get(src, len, "text", out, n, &got) == HD_ETOOBIG);
    free(src);
    free(out);
}

typedef int (*ffrm_decoder)(const void *, size_t, char *, size_t, size_t *);

static void ffrm_decode(ffrm_decoder fn, const uint8_t *in, size_t len, size_t cap)
{
    char *out = malloc(cap);
    size_t outlen = (size_t)-1;

    FZ_CHECK(out != NULL);
    FZ_CHECK(fn(in, len, out, cap, &outlen) == HD_OK);
    FZ_CHECK(outlen < cap && out[outlen] == '\0');
    FZ_CHECK(strlen(out) == outlen);                /* no NUL inside */
    FZ_CHECK(fz_utf8_ok(out, outlen));
    FZ_CHECK(charset_utf8_valid(out, outlen));
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *name;
    char *src, *out, phone[PHONE_MAX], nat[PHONE_MAX], *cstr;
    size_t cap, outlen, n;
    int rc;

    if (size < 2)
        return 0;
    name = ffrm_names[data[0] % (sizeof ffrm_names / sizeof ffrm_names[0])];
    cap = 1 + data[1] % 64;
    if (data[1] >= 192)
        cap = size + 1;      /* room for any value */
    data += 2;
    size -= 2;
    /* exact-size copies: a read past a length is an ASan report */
    src = malloc(size ? size : 1);
    out = malloc(cap);
    FZ_CHECK(src && out);
    if (size)
        memcpy(src, data, size);

    outlen = (size_t)-1;
    rc = form_get(src, size, name, out, cap, &outlen);
    if (rc == HD_OK) {
        FZ_CHECK(outlen < cap && out[outlen] == '\0');
        FZ_CHECK(outlen <= size);
    } else {
        FZ_CHECK(rc == HD_ENOTFOUND || rc == HD_ETOOBIG || rc == HD_EPARSE);
        FZ_CHECK(out[0] == '\0');
    }
    FZ_CHECK(form_get(src, size, name, out, cap, NULL) == rc);
    ffrm_roundtrip(data, size);

    ffrm_decode(charset_utf16be_to_utf8, data, size, cap);
    ffrm_decode(charset_cp1252_to_utf8, data, size, cap);
    ffrm_decode(charset_utf8_repair, data, size, cap);
    ffrm_decode(charset_8bit_to_utf8, data, size, cap);
    ffrm_decode(charset_utf16be_to_utf8, data, size, 4 * size + 8);
    /* the strict validator agrees with ours; valid text without NULs is
     * copied unchanged */
    FZ_CHECK(charset_utf8_valid(src, size) == fz_utf8_ok(src, size));
    if (fz_utf8_ok(src, size) && !memchr(src, '\0', size)) {
        char *copy = malloc(size + 1);
        FZ_CHECK(copy != NULL);
        FZ_CHECK(charset_utf8_repair(src, size, copy, size + 1, &n) == HD_OK);
        FZ_CHECK(n == size && memcmp(copy, src, size) == 0);
        free(copy);
    }
    (void)charset_is_gsm7_ascii(src, size);

    rc = phone_normalize(src, size, phone, sizeof phone);
    if (rc == HD_OK) {
        FZ_CHECK(strlen(phone) == PHONE_CANON_LEN && strncmp(phone, "84", 2) == 0);
        FZ_CHECK(strchr("35789", phone[2]) != NULL);
        for (int i = 0; i < PHONE_CANON_LEN; i++)
            FZ_CHECK(phone[i] >= '0' && phone[i] <= '9');
        /* the canonical form is a fixed point */
        FZ_CHECK(phone_normalize(phone, strlen(phone), nat, sizeof nat) == HD_OK);
        FZ_CHECK(strcmp(nat, phone) == 0);
    } else {
        FZ_CHECK(rc == HD_EINVAL && phone[0] == '\0');
    }
    cstr = fz_cstr(data, size);
    rc = phone_format_national(cstr, nat, sizeof nat);
    if (rc == HD_OK)
        FZ_CHECK(strlen(nat) == 10 && nat[0] == '0');
    rc = phone_format_sms_to(cstr, nat, sizeof nat);
    if (rc == HD_OK)
        FZ_CHECK(phone_is_shortcode(nat) || strlen(nat) == PHONE_CANON_LEN);

    free(cstr);
    free(src);
    free(out);
    return 0;
}
