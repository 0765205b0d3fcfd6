/* zalo_sig.c -- X-ZEvent-Signature: "mac=" hex(SHA-256(first + body + timestamp + key)).
 *
 * Plain SHA-256 over a concatenation, not an HMAC: that is how Zalo signs.
 * The write-ups disagree on the first term (the app id or the OA id) and on
 * the key (the OA secret or the app secret), so the allowed forms come from
 * the configuration; each form is compared in constant time. */
#include "channel/zalo.h"
#include "core/err.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <string.h>

#define ZALO_SHA256_LEN 32

const char *zalo_sig_form_name(zalo_sig_form f)
{
    switch (f) {
    case ZALO_SIG_APPID_OASECRET:  return "app_id+oa_secret";
    case ZALO_SIG_APPID_APPSECRET: return "app_id+app_secret";
    case ZALO_SIG_OAID_OASECRET:   return "oa_id+oa_secret";
    case ZALO_SIG_OAID_APPSECRET:  return "oa_id+app_secret";
    default:                       return "none";
    }
}

static int zs_digest(const char *first, const char *body, size_t body_len,
                     const char *timestamp, const char *key, unsigned char md[ZALO_SHA256_LEN])
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned int n = 0;
    int ok;

    if (!ctx)
        return HD_ENOMEM;
    ok = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) &&
         EVP_DigestUpdate(ctx, first, strlen(first)) &&
         EVP_DigestUpdate(ctx, body, body_len) &&
         EVP_DigestUpdate(ctx, timestamp, strlen(timestamp)) &&
         EVP_DigestUpdate(ctx, key, strlen(key)) &&
         EVP_DigestFinal_ex(ctx, md, &n) && n == ZALO_SHA256_LEN;
    EVP_MD_CTX_free(ctx);
    return ok ? HD_OK : HD_EIO;
}

int zalo_sig_compute(const char *first, const char *body, size_t body_len,
                     const char *timestamp, const char *key, char hex[65])
{
    static const char digits[] = "0123456789abcdef";
    unsigned char md[ZALO_SHA256_LEN];
    int rc;

    if (!first || (!body && body_len) || !timestamp || !key || !hex)
        return HD_EINVAL;
    if ((rc = zs_digest(first, body ? body : "", body_len, timestamp, key, md)))
        return rc;
    for (int i = 0; i < ZALO_SHA256_LEN; i++) {
        hex[2 * i] = digits[md[i] >> 4];
        hex[2 * i + 1] = digits[md[i] & 15];
    }
    hex[64] = '\0';
    return HD_OK;
}

static int zs_hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* "mac=<64 hex>" (surrounding blanks allowed) -> 32 bytes. */
static int zs_parse_header(const char *h, unsigned char md[ZALO_SHA256_LEN])
{
    size_t n;

    while (*h == ' ' || *h == '\t')
        h++;
    if (strncmp(h, "mac=", 4) != 0)
        return HD_EAUTH;
    h += 4;
    n = strlen(h);
    while (n && (h[n - 1] == ' ' || h[n - 1] == '\t' || h[n - 1] == '\r' || h[n - 1] == '\n'))
        n--;
    if (n != 2 * ZALO_SHA256_LEN)
        return HD_EAUTH;
    for (size_t i = 0; i < ZALO_SHA256_LEN; i++) {
        int hi = zs_hexval(h[2 * i]), lo = zs_hexval(h[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return HD_EAUTH;
        md[i] = (unsigned char)(hi << 4 | lo);
    }
    return HD_OK;
}

static int zs_is(const char *v, const char *a, const char *b)
{
    return v && (strcmp(v, a) == 0 || (b && strcmp(v, b) == 0));
}

int zalo_sig_verify(const zalo_cfg *cfg, const char *header, const char *body,
                    size_t body_len, const char *timestamp, const char *oa_id,
                    zalo_sig_form *matched)
{
    static const zalo_sig_form forms[4] = {
        ZALO_SIG_APPID_OASECRET, ZALO_SIG_APPID_APPSECRET,
        ZALO_SIG_OAID_OASECRET, ZALO_SIG_OAID_APPSECRET
    };
    unsigned char want[ZALO_SHA256_LEN], got[ZALO_SHA256_LEN];
    int any_variant, use_oaid, use_appid, use_oakey, use_appkey, tried = 0, rc;

    if (matched)
        *matched = ZALO_SIG_NONE;
    if (!cfg || (!body && body_len) || !timestamp)
        return HD_EINVAL;
    if (!header || zs_parse_header(header, want) != HD_OK)
        return HD_EAUTH;

    /* Defaults: app_id first, OA secret as key. "any" as the variant widens
     * both dimensions; "any" as the key widens only the key. */
    any_variant = zs_is(cfg->sig_variant, "any", NULL);
    use_oaid = any_variant || zs_is(cfg->sig_variant, "oa_id", NULL);
    use_appid = any_variant || !use_oaid;
    use_appkey = any_variant || zs_is(cfg->sig_key, "any", NULL) ||
                 zs_is(cfg->sig_key, "app_secret", "app");
    use_oakey = any_variant || zs_is(cfg->sig_key, "any", NULL) || !use_appkey;

    for (int i = 0; i < 4; i++) {
        zalo_sig_form f = forms[i];
        int oaid = f == ZALO_SIG_OAID_OASECRET || f == ZALO_SIG_OAID_APPSECRET;
        int appkey = f == ZALO_SIG_APPID_APPSECRET || f == ZALO_SIG_OAID_APPSECRET;
        const char *first = oaid ? oa_id : cfg->app_id;
        const char *key = appkey ? cfg->app_secret : cfg->oa_secret;

        if ((oaid && !use_oaid) || (!oaid && !use_appid) ||
            (appkey && !use_appkey) || (!appkey && !use_oakey))
            continue;
        /* An empty key would let anyone sign: such a form is never tried. */
        if (!first || !*first || !key || !*key)
            continue;
        tried++;
        if ((rc = zs_digest(first, body ? body : "", body_len, timestamp, key, got)))
            return rc;
        if (CRYPTO_memcmp(got, want, ZALO_SHA256_LEN) == 0) {
            if (matched)
                *matched = f;
            return HD_OK;
        }
    }
    /* With an oa_id-only variant and no OA id in the body, nothing could be
     * tried although the configuration is fine: that is a bad request. */
    if (!tried && !(use_oaid && !use_appid && (!oa_id || !*oa_id)))
        return HD_ECONFIG;
    return HD_EAUTH;
}
