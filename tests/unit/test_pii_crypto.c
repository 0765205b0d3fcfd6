/* test_pii_crypto.c -- AES-256-GCM sealing of the ID number, its key, and
 * the users' bearer tokens. */
#include "test.h"
#include "core/err.h"
#include "core/token.h"
#include "pii/crypto.h"

#include <openssl/evp.h>
#include <string.h>

#define KEY_HEX  "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define KEY2_HEX "FFEEDDCCBBAA99887766554433221100ffeeddccbbaa99887766554433221100"
#define IDNUM    "001099012345"

/* memmem() is a GNU extension. */
static int contains(const void *hay, size_t n, const char *needle)
{
    size_t m = strlen(needle);
    for (size_t i = 0; i + m <= n; i++)
        if (memcmp((const char *)hay + i, needle, m) == 0)
            return 1;
    return 0;
}

static pii_key key(const char *hex)
{
    pii_key k;
    char err[200] = "";
    int rc = pii_key_parse(hex, &k, err, sizeof err);
    CHECK_MSG(rc == HD_OK, "pii_key_parse = %d: %s", rc, err);
    return k;
}

static void test_key_parse(void)
{
    pii_key k = key(KEY_HEX);
    for (int i = 0; i < PII_KEY_LEN; i++)
        CHECK_INT(k.k[i], i);
    k = key(KEY2_HEX);             /* upper and lower case */
    CHECK_INT(k.k[0], 0xFF);
    CHECK_INT(k.k[31], 0x00);
    CHECK_INT(k.k[16], 0xFF);
}

static void test_key_parse_rejects(void)
{
    static const char *const bad[] = {
        "",
        KEY_HEX "0",                                   /* 65 */
        "00102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",   /* 63 */
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1g",  /* g */
        " 00102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",  /* space */
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1\n",
        "0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
        "0000000000000000000000000000000000000000000000000000000000000000",  /* placeholder */
        "MDAwMTAyMDMwNDA1MDYwNzA4MDkwYTBiMGMwZDBlMGYxMDExMTIxMzE0MTUxNjE3",  /* base64 */
    };
    pii_key k;
    char err[200];

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        memset(&k, 0x55, sizeof k);
        int rc = pii_key_parse(bad[i], &k, err, sizeof err);
        CHECK_MSG(rc == HD_ECONFIG, "bad key %zu: %d", i, rc);
        CHECK_MSG(err[0] != '\0', "bad key %zu: no message", i);
        /* The message never repeats the value. */
        CHECK_MSG(!bad[i][0] || !strstr(err, bad[i] + 8), "bad key %zu echoed: %s", i, err);
        for (int j = 0; j < PII_KEY_LEN; j++)
            CHECK_INT(k.k[j], 0);
    }
    CHECK_INT(pii_key_parse(NULL, &k, err, sizeof err), HD_ECONFIG);
}

static void test_round_trip(void)
{
    pii_key k = key(KEY_HEX);
    unsigned char a[64], b[64];
    char plain[32];
    size_t na = 0, nb = 0, np = 0;

    CHECK_INT(pii_seal(&k, IDNUM, 12, a, sizeof a, &na), HD_OK);
    CHECK_INT(na, 12 + PII_SEAL_OVERHEAD);
    CHECK(!contains(a, na, IDNUM));           /* not in clear */
    CHECK(!contains(a, na, "2345"));
    CHECK_INT(pii_seal(&k, IDNUM, 12, b, sizeof b, &nb), HD_OK);
    CHECK(memcmp(a, b, PII_NONCE_LEN) != 0);            /* a fresh nonce each time */
    CHECK(memcmp(a + PII_NONCE_LEN, b + PII_NONCE_LEN, 12) != 0);

    memset(plain, 0, sizeof plain);
    CHECK_INT(pii_open(&k, a, na, plain, sizeof plain, &np), HD_OK);
    CHECK_INT(np, 12);
    CHECK_STR(plain, IDNUM);
    memset(plain, 0, sizeof plain);
    CHECK_INT(pii_open(&k, b, nb, plain, sizeof plain, &np), HD_OK);
    CHECK_STR(plain, IDNUM);

    /* Empty plaintext: just nonce and tag, still authenticated. */
    CHECK_INT(pii_seal(&k, "", 0, a, sizeof a, &na), HD_OK);
    CHECK_INT(na, PII_SEAL_OVERHEAD);
    CHECK_INT(pii_open(&k, a, na, plain, sizeof plain, &np), HD_OK);
    CHECK_INT(np, 0);
}

/* Sealed by OpenSSL directly with the documented layout and AAD: the
 * format is what crypto.h says, not only self-consistent. */
static void test_format(void)
{
    pii_key k = key(KEY_HEX);
    static const unsigned char nonce[PII_NONCE_LEN] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
    static const char aad[] = "vneid-helpdesk/idnum/v1";
    unsigned char sealed[64];
    char plain[32] = "";
    size_t np = 0;
    int l = 0, l2 = 0;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();

    memcpy(sealed, nonce, sizeof nonce);
    CHECK(EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, k.k, nonce) == 1);
    CHECK(EVP_EncryptUpdate(ctx, NULL, &l, (const unsigned char *)aad, sizeof aad - 1) == 1);
    CHECK(EVP_EncryptUpdate(ctx, sealed + 12, &l, (const unsigned char *)IDNUM, 12) == 1);
    CHECK(EVP_EncryptFinal_ex(ctx, sealed + 12 + l, &l2) == 1);
    CHECK(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, sealed + 24) == 1);
    EVP_CIPHER_CTX_free(ctx);

    CHECK_INT(pii_open(&k, sealed, 40, plain, sizeof plain, &np), HD_OK);
    CHECK_INT(np, 12);
    CHECK_STR(plain, IDNUM);

    /* The same bytes sealed without the AAD do not open. */
    ctx = EVP_CIPHER_CTX_new();
    CHECK(EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, k.k, nonce) == 1);
    CHECK(EVP_EncryptUpdate(ctx, sealed + 12, &l, (const unsigned char *)IDNUM, 12) == 1);
    CHECK(EVP_EncryptFinal_ex(ctx, sealed + 12 + l, &l2) == 1);
    CHECK(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, sealed + 24) == 1);
    EVP_CIPHER_CTX_free(ctx);
    CHECK_INT(pii_open(&k, sealed, 40, plain, sizeof plain, &np), HD_EAUTH);
}

static int has_plain(const char *buf, size_t n)
{
    return contains(buf, n, "0990") || contains(buf, n, "2345");
}

static void test_tamper(void)
{
    pii_key k = key(KEY_HEX);
    unsigned char sealed[64], t[64];
    char plain[32];
    size_t n = 0, np = 99;

    CHECK_INT(pii_seal(&k, IDNUM, 12, sealed, sizeof sealed, &n), HD_OK);
    /* Every single bit of nonce, ciphertext and tag is covered. */
    for (size_t i = 0; i < n; i++) {
        for (int bit = 0; bit < 8; bit++) {
            memcpy(t, sealed, n);
            t[i] ^= (unsigned char)(1u << bit);
            memset(plain, 0, sizeof plain);
            np = 99;
            int rc = pii_open(&k, t, n, plain, sizeof plain, &np);
            CHECK_MSG(rc == HD_EAUTH, "byte %zu bit %d: %d", i, bit, rc);
            CHECK_INT(np, 0);
            CHECK(!has_plain(plain, sizeof plain));
        }
    }
    /* Cut short, or with a byte added. */
    for (size_t len = 0; len < n; len++)
        CHECK_INT(pii_open(&k, sealed, len, plain, sizeof plain, &np), HD_EAUTH);
    memcpy(t, sealed, n);
    t[n] = 0;
    CHECK_INT(pii_open(&k, t, n + 1, plain, sizeof plain, &np), HD_EAUTH);
    CHECK(!has_plain(plain, sizeof plain));
}

static void test_wrong_key(void)
{
    pii_key k = key(KEY_HEX), k2 = key(KEY2_HEX), dev, dev2;
    unsigned char sealed[64];
    char plain[32];
    size_t n = 0, np = 99;

    CHECK_INT(pii_seal(&k, IDNUM, 12, sealed, sizeof sealed, &n), HD_OK);
    memset(plain, 0, sizeof plain);
    CHECK_INT(pii_open(&k2, sealed, n, plain, sizeof plain, &np), HD_EAUTH);
    CHECK_INT(np, 0);
    CHECK(!has_plain(plain, sizeof plain));

    /* The development key is fixed, not zero, and not the real one. */
    pii_key_dev(&dev);
    pii_key_dev(&dev2);
    CHECK(memcmp(dev.k, dev2.k, PII_KEY_LEN) == 0);
    CHECK(memcmp(dev.k, k.k, PII_KEY_LEN) != 0);
    CHECK_INT(pii_open(&dev, sealed, n, plain, sizeof plain, &np), HD_EAUTH);
}

static void test_sizes(void)
{
    pii_key k = key(KEY_HEX);
    unsigned char sealed[64];
    char plain[32];
    size_t n = 0, np = 0;

    CHECK_INT(pii_seal(&k, IDNUM, 12, sealed, 12 + PII_SEAL_OVERHEAD - 1, &n), HD_ETOOBIG);
    CHECK_INT(pii_seal(&k, IDNUM, 12, sealed, 12 + PII_SEAL_OVERHEAD, &n), HD_OK);
    CHECK_INT(pii_open(&k, sealed, n, plain, 11, &np), HD_ETOOBIG);
    CHECK_INT(pii_open(&k, sealed, n, plain, 12, &np), HD_OK);
    CHECK_INT(pii_seal(NULL, IDNUM, 12, sealed, sizeof sealed, &n), HD_EINVAL);
    CHECK_INT(pii_seal(&k, NULL, 12, sealed, sizeof sealed, &n), HD_EINVAL);
    CHECK_INT(pii_open(&k, NULL, n, plain, sizeof plain, &np), HD_EINVAL);
}

static int b64url_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_';
}

static void test_token(void)
{
    char t1[TOKEN_LEN + 1], t2[TOKEN_LEN + 1], h1[TOKEN_HASH_LEN + 1], h2[TOKEN_HASH_LEN + 1];
    char again[TOKEN_HASH_LEN + 1];

    CHECK_INT(token_new(t1, sizeof t1, h1, sizeof h1), HD_OK);
    CHECK_INT(token_new(t2, sizeof t2, h2, sizeof h2), HD_OK);
    CHECK_INT(strlen(t1), 43);
    for (int i = 0; i < 43; i++)
        CHECK_MSG(b64url_char(t1[i]), "char %d of the token: %c", i, t1[i]);
    /* 256 bits in 43 digits: the last one carries 4 bits, so its low 2 bits
     * are zero: one of A E I M Q U Y c g k o s w 0 4 8. */
    CHECK(strchr("AEIMQUYcgkosw048", t1[42]) != NULL);
    CHECK(strcmp(t1, t2) != 0);
    CHECK(strcmp(h1, h2) != 0);
    CHECK_INT(strlen(h1), 64);
    CHECK_INT(strspn(h1, "0123456789abcdef"), 64);
    CHECK_INT(token_hash(t1, strlen(t1), again, sizeof again), HD_OK);
    CHECK_STR(again, h1);

    /* SHA-256("abc"), FIPS 180-2. */
    CHECK_INT(token_hash("abc", 3, again, sizeof again), HD_OK);
    CHECK_STR(again, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

    CHECK_INT(token_hash("", 0, again, sizeof again), HD_EINVAL);
    CHECK_INT(token_hash("abc", 3, again, TOKEN_HASH_LEN), HD_EINVAL);
    char big[TOKEN_MAX + 1];
    memset(big, 'a', sizeof big);
    CHECK_INT(token_hash(big, sizeof big, again, sizeof again), HD_ETOOBIG);
    CHECK_INT(token_new(t1, TOKEN_LEN, h1, sizeof h1), HD_EINVAL);
}

TEST_MAIN(T(test_key_parse), T(test_key_parse_rejects), T(test_round_trip), T(test_format),
          T(test_tamper), T(test_wrong_key), T(test_sizes), T(test_token))
