/* users.h -- the people who work the case queues: commune police officers,
 * provincial staff, administrators.
 *
 * A user signs in with a random token (core/token.h) of which only the hex
 * SHA-256 is stored, so the table cannot be used to sign in. Who sees what:
 *   officer  the cases of their communes (one or more)
 *   staff    the cases of their province, or of all provinces
 *   admin    everything */
#ifndef HD_STORE_USERS_H
#define HD_STORE_USERS_H

#include "store/store.h"
#include "store/communes.h"

#define USER_NAME_MAX       128
#define USER_COMMUNES_MAX   32
#define USER_TOKEN_HASH_LEN 64    /* hex SHA-256 */

typedef enum user_role {
    USER_OFFICER = 1,
    USER_STAFF   = 2,
    USER_ADMIN   = 3
} user_role;

typedef struct store_user {
    int64_t   id;
    char      name[USER_NAME_MAX];
    user_role role;
    char      province_code[STORE_PROVINCE_CODE_MAX];  /* "" = none / all */
    int       ncommunes;                               /* officers: >= 1 */
    char      communes[USER_COMMUNES_MAX][STORE_COMMUNE_CODE_MAX];
    int       disabled;
    int64_t   created_at;
} store_user;

typedef struct store_user_new {
    const char        *name;
    user_role          role;
    const char        *province_code;   /* staff only; NULL = all provinces */
    const char *const *communes;        /* officer only: 1..USER_COMMUNES_MAX codes */
    int                ncommunes;
    const char        *token_hash;      /* 64 lowercase hex digits */
} store_user_new;

/* Create a user and their communes in one transaction (or inside the
 * caller's). HD_EINVAL when the role's rules are broken (officer without a
 * commune, a commune or province given to a role that has none, a bad
 * hash), HD_ENOTFOUND when a commune code is not in the communes table (so
 * store_commune_load() first), HD_EDUP when the token hash exists. */
int store_user_add(store *s, const store_user_new *u, int64_t now_ms, int64_t *id_out);

/* The enabled user whose token hashes to token_hash; HD_ENOTFOUND for an
 * unknown hash and for a disabled user alike. */
int store_user_find_by_token(store *s, const char *token_hash, store_user *out);

/* Any user by id, disabled ones too (to show who claimed a case). */
int store_user_get(store *s, int64_t id, store_user *out);

/* The commune codes of a user, in code order. */
int store_user_communes(store *s, int64_t id,
                        char (*codes)[STORE_COMMUNE_CODE_MAX], int max, int *n);

int store_user_set_disabled(store *s, int64_t id, int disabled);

/* "officer", "staff", "admin"; "" for anything else. */
const char *user_role_name(user_role r);
/* HD_EINVAL for anything but the three names. */
int user_role_parse(const char *name, user_role *out);

#endif
