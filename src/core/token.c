/* token.c -- bearer tokens: 32 random bytes, base64url, and their SHA-256. */
#include "core/token.h"
#include "core/err.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#define TOKEN_BYTES 32

static const char B64URL[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static void hex_of(const unsigned char *d, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";

    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[d[i] >> 4];
        out[2 * i + 1] = digits[d[i] & 15];
    }
    out[2 * n] = '\0';
}

int token_hash(const char *token, size_t len, char *hash, size_t hcap)
{
    unsigned char md[SHA256_DIGEST_LENGTH];

    if (hash && hcap)
        hash[0] = '\0';
    if (!token || !len || !hash || hcap < TOKEN_HASH_LEN + 1)
        return HD_EINVAL;
    if (len > TOKEN_MAX)
        return HD_ETOOBIG;
    SHA256((const unsigned char *)token, len, md);
    hex_of(md, sizeof md, hash);
    return HD_OK;
}

int token_new(char *token, size_t tcap, char *hash, size_t hcap)
{
    unsigned char raw[TOKEN_BYTES];
    unsigned acc = 0;
    int bits = 0;
    size_t k = 0;
    int rc;

    if (token && tcap)
        token[0] = '\0';
    if (!token || tcap < TOKEN_LEN + 1 || !hash || hcap < TOKEN_HASH_LEN + 1)
        return HD_EINVAL;
    if (RAND_bytes(raw, sizeof raw) != 1)
        return HD_EIO;
    /* 256 bits: 42 full 6-bit digits and a last one of 4 bits, no padding. */
    for (size_t i = 0; i < sizeof raw; i++) {
        acc = (acc << 8) | raw[i];
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            token[k++] = B64URL[(acc >> bits) & 63];
        }
    }
    if (bits > 0)
        token[k++] = B64URL[(acc << (6 - bits)) & 63];
    token[k] = '\0';
    OPENSSL_cleanse(raw, sizeof raw);
    rc = token_hash(token, k, hash, hcap);
    if (rc)
        OPENSSL_cleanse(token, tcap);
    return rc;
}
