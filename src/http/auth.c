/* auth.c -- who is calling: "Authorization: Bearer <token>" -> a user.
 *
 * Only the SHA-256 of a token is stored, so the lookup is by hash. Missing
 * or unknown tokens answer 401 with a WWW-Authenticate hint in the message;
 * a role too low for the route answers 403. */
#include "core/err.h"
#include "core/log.h"
#include "core/token.h"
#include "routes.h"
#include "store/users.h"

#include <string.h>
#include <strings.h>

int http_authenticate(const http_req *req, http_access access, store_user *user,
                      http_resp *resp)
{
    const char *h = http_header(req, "Authorization");
    char hash[TOKEN_HASH_LEN + 1];
    size_t n;
    store *s;
    int rc;

    if (!h || strncasecmp(h, "Bearer ", 7) != 0) {
        http_reply_error(resp, 401, "unauthorized", "an Authorization: Bearer token is required");
        return HD_EAUTH;
    }
    h += 7;
    while (*h == ' ')
        h++;
    n = strlen(h);
    if (n == 0 || n > TOKEN_MAX || token_hash(h, n, hash, sizeof hash) != HD_OK) {
        http_reply_error(resp, 401, "unauthorized", "the token is not valid");
        return HD_EAUTH;
    }
    s = app_store_acquire(req->app);
    rc = store_user_find_by_token(s, hash, user);
    app_store_release(req->app, s);
    if (rc == HD_ENOTFOUND) {
        http_reply_error(resp, 401, "unauthorized", "the token is not valid");
        return HD_EAUTH;
    }
    if (rc)
        return rc;
    if (access == HTTP_STAFF && user->role != USER_STAFF && user->role != USER_ADMIN) {
        http_reply_error(resp, 403, "forbidden", "this needs a staff or admin account");
        return HD_EAUTH;
    }
    return HD_OK;
}
