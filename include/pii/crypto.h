/* crypto.h -- sealing personal data at rest: AES-256-GCM (OpenSSL EVP).
 *
 * A sealed value is nonce (12 random bytes) || ciphertext || tag (16 bytes),
 * authenticated together with the fixed AAD "vneid-helpdesk/idnum/v1", so a
 * value cannot be altered, nor opened with another key, without pii_open()
 * failing. With random 96-bit nonces one key may seal about 2^32 values
 * before the risk of a repeated nonce matters; the help line seals one per
 * case.
 *
 * The key comes from HELPDESK_PII_KEY (64 hex digits). Plaintext, keys and
 * sealed bytes are never logged; buffers that held them are cleansed. */
#ifndef HD_PII_CRYPTO_H
#define HD_PII_CRYPTO_H

#include <stddef.h>

#define PII_KEY_LEN       32
#define PII_NONCE_LEN     12
#define PII_TAG_LEN       16
#define PII_SEAL_OVERHEAD (PII_NONCE_LEN + PII_TAG_LEN)

typedef struct pii_key {
    unsigned char k[PII_KEY_LEN];
} pii_key;

/* Exactly 64 hex digits (either case), nothing around them. HD_ECONFIG for
 * anything else, also for an all-zero key (a placeholder); err says what is
 * wrong without repeating the value. */
int pii_key_parse(const char *hex, pii_key *out, char *err, size_t errlen);

/* The fixed key of development mode (HELPDESK_MODE=development): derived
 * from a public string, so it protects nothing. */
void pii_key_dev(pii_key *out);

/* Seal len bytes (len >= 0, at most 4096) into out: *outlen = len +
 * PII_SEAL_OVERHEAD. HD_ETOOBIG when cap is short, HD_EIO when the random
 * generator or the cipher fails. */
int pii_seal(const pii_key *key, const void *plain, size_t len,
             unsigned char *out, size_t cap, size_t *outlen);

/* Open a sealed value into out (cap >= len - PII_SEAL_OVERHEAD); HD_EAUTH
 * when it is too short, was altered or sealed with another key -- out then
 * holds nothing. HD_ETOOBIG when cap is short. */
int pii_open(const pii_key *key, const unsigned char *sealed, size_t len,
             void *out, size_t cap, size_t *outlen);

#endif
