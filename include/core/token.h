/* token.h -- the bearer tokens of dashboard users.
 *
 * A token is 32 random bytes in base64url without padding (43 characters),
 * shown once when the user is created. Only its SHA-256 in lowercase hex is
 * stored (store/users.h); a request's token is hashed and looked up by the
 * hash, so no comparison of secrets happens in C. */
#ifndef HD_CORE_TOKEN_H
#define HD_CORE_TOKEN_H

#include <stddef.h>

#define TOKEN_LEN      43
#define TOKEN_HASH_LEN 64
#define TOKEN_MAX      256     /* longer bearer values are refused unhashed */

/* A new token and its hash (caps at least TOKEN_LEN + 1 and
 * TOKEN_HASH_LEN + 1). HD_EIO when the random generator fails. */
int token_new(char *token, size_t tcap, char *hash, size_t hcap);

/* The hash of len bytes of a presented token. HD_EINVAL for an empty one,
 * HD_ETOOBIG beyond TOKEN_MAX. */
int token_hash(const char *token, size_t len, char *hash, size_t hcap);

#endif
