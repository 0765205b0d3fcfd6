/* crypto.c -- AES-256-GCM sealing of personal data (see include/pii/crypto.h).
 *
 * EVP with a fresh context per call: contexts are cheap next to a database
 * write, and no state is shared between threads. The nonce is random (not a
 * counter) because several processes and connections seal with one key and
 * none of them could keep a counter consistent. */
#include "pii/crypto.h"
#include "core/err.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <string.h>

#define PII_PLAIN_MAX 4096

static const char AAD[] = "vneid-helpdesk/idnum/v1";
static const char DEV_KEY_SEED[] = "vneid-helpdesk development PII key: not a secret";

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int pii_key_parse(const char *hex, pii_key *out, char *err, size_t errlen)
{
    size_t n;
    unsigned char any = 0;

    if (out)
        memset(out, 0, sizeof *out);
    if (!hex || !out)
        return hd_seterr(err, errlen, HD_ECONFIG, "no PII key given");
    n = strnlen(hex, 2 * PII_KEY_LEN + 1);
    if (n > 2 * PII_KEY_LEN)
        return hd_seterr(err, errlen, HD_ECONFIG,
                         "the PII key must be exactly 64 hex digits (32 bytes);"
                         " it is longer");
    if (n < 2 * PII_KEY_LEN)
        return hd_seterr(err, errlen, HD_ECONFIG,
                         "the PII key must be exactly 64 hex digits (32 bytes);"
                         " it has %zu characters", n);
    for (size_t i = 0; i < n; i += 2) {
        int hi = hexval(hex[i]), lo = hexval(hex[i + 1]);
        if (hi < 0 || lo < 0) {
            OPENSSL_cleanse(out, sizeof *out);
            return hd_seterr(err, errlen, HD_ECONFIG,
                             "the PII key has a character that is not a hex digit at"
                             " position %zu", hi < 0 ? i + 1 : i + 2);
        }
        out->k[i / 2] = (unsigned char)(hi << 4 | lo);
        any |= out->k[i / 2];
    }
    if (!any)
        return hd_seterr(err, errlen, HD_ECONFIG,
                         "the PII key is all zeros, a placeholder: generate one with"
                         " `openssl rand -hex 32`");
    return HD_OK;
}

void pii_key_dev(pii_key *out)
{
    if (out)
        SHA256((const unsigned char *)DEV_KEY_SEED, sizeof DEV_KEY_SEED - 1, out->k);
}

int pii_seal(const pii_key *key, const void *plain, size_t len,
             unsigned char *out, size_t cap, size_t *outlen)
{
    EVP_CIPHER_CTX *ctx = NULL;
    unsigned char *nonce = out, *ct = out + PII_NONCE_LEN;
    int rc = HD_EIO, l1 = 0, l2 = 0;

    if (outlen)
        *outlen = 0;
    if (!key || (!plain && len) || !out || !outlen || len > PII_PLAIN_MAX)
        return HD_EINVAL;
    if (cap < len + PII_SEAL_OVERHEAD)
        return HD_ETOOBIG;
    if (RAND_bytes(nonce, PII_NONCE_LEN) != 1)
        return HD_EIO;
    if (!(ctx = EVP_CIPHER_CTX_new()))
        return HD_ENOMEM;
    if (EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, PII_NONCE_LEN, NULL) != 1 ||
        EVP_EncryptInit_ex(ctx, NULL, NULL, key->k, nonce) != 1 ||
        EVP_EncryptUpdate(ctx, NULL, &l1, (const unsigned char *)AAD, sizeof AAD - 1) != 1 ||
        (len && EVP_EncryptUpdate(ctx, ct, &l1, plain, (int)len) != 1) ||
        EVP_EncryptFinal_ex(ctx, ct + (len ? l1 : 0), &l2) != 1 ||
        (size_t)(len ? l1 : 0) + (size_t)l2 != len ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, PII_TAG_LEN, ct + len) != 1)
        goto out;
    *outlen = len + PII_SEAL_OVERHEAD;
    rc = HD_OK;
out:
    EVP_CIPHER_CTX_free(ctx);
    if (rc)
        OPENSSL_cleanse(out, len + PII_SEAL_OVERHEAD);
    return rc;
}

int pii_open(const pii_key *key, const unsigned char *sealed, size_t len,
             void *out, size_t cap, size_t *outlen)
{
    EVP_CIPHER_CTX *ctx = NULL;
    size_t n;
    int rc = HD_EAUTH, l1 = 0, l2 = 0;

    if (outlen)
        *outlen = 0;
    if (!key || !sealed || !out || !outlen)
        return HD_EINVAL;
    if (len < PII_SEAL_OVERHEAD || len > PII_PLAIN_MAX + PII_SEAL_OVERHEAD)
        return HD_EAUTH;
    n = len - PII_SEAL_OVERHEAD;
    if (cap < n)
        return HD_ETOOBIG;
    if (!(ctx = EVP_CIPHER_CTX_new()))
        return HD_ENOMEM;
    /* The tag is checked by DecryptFinal; until then out holds unverified
     * bytes, which are wiped if it fails. */
    if (EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, PII_NONCE_LEN, NULL) != 1 ||
        EVP_DecryptInit_ex(ctx, NULL, NULL, key->k, sealed) != 1 ||
        EVP_DecryptUpdate(ctx, NULL, &l1, (const unsigned char *)AAD, sizeof AAD - 1) != 1 ||
        (n && EVP_DecryptUpdate(ctx, out, &l1, sealed + PII_NONCE_LEN, (int)n) != 1) ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, PII_TAG_LEN,
                            (void *)(sealed + PII_NONCE_LEN + n)) != 1 ||
        EVP_DecryptFinal_ex(ctx, (unsigned char *)out + (n ? l1 : 0), &l2) != 1 ||
        (size_t)(n ? l1 : 0) + (size_t)l2 != n)
        goto out;
    *outlen = n;
    rc = HD_OK;
out:
    EVP_CIPHER_CTX_free(ctx);
    if (rc)
        OPENSSL_cleanse(out, n);
    return rc;
}
