/* api_contacts.c -- POST /api/v1/contacts/import: a commune police list
 * (CSV, header phone,commune_code,name) into SMS contacts for reminders.
 *
 * The body is at most 64 KiB (the server's limit, 413 above it): about
 * 1,500 lines with names; longer lists are sent in pieces, each with the
 * header. The answer is 200 whenever the list could be read, with the
 * lines that were not imported and why; 400 when the body is empty or the
 * header is wrong, 413 over IMPORT_LINES_MAX lines, 415 for a body that is
 * not text/csv in UTF-8. A staff user with a province imports only into
 * communes of that province. */
#include "campaign/import.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "routes.h"
#include "store/users.h"

#include <string.h>
#include <strings.h>

/* "text/csv", optionally with parameters, of which a charset other than
 * UTF-8 is refused (the lines would be rejected one by one otherwise). */
static int csv_type_ok(const char *ct)
{
    const char *p;
    size_t n;

    if (!ct)
        return 0;
    while (*ct == ' ' || *ct == '\t')
        ct++;
    n = strcspn(ct, ";");
    while (n && (ct[n - 1] == ' ' || ct[n - 1] == '\t'))
        n--;
    if (n != 8 || strncasecmp(ct, "text/csv", 8) != 0)
        return 0;
    for (p = strchr(ct, ';'); p; p = strchr(p + 1, ';')) {
        const char *v;

        while (*++p == ' ' || *p == '\t')
            ;
        if (strncasecmp(p, "charset=", 8) != 0)
            continue;
        v = p + 8;
        if (*v == '"')
            v++;
        if (strncasecmp(v, "utf-8", 5) != 0 && strncasecmp(v, "utf8", 4) != 0)
            return 0;
        p = v;
    }
    return 1;
}

int http_contacts_import(const http_req *req, http_resp *resp)
{
    const store_user *u = req->user;
    import_result res;
    char err[256] = "";
    cJSON *o, *arr;
    store *s;
    int rc;

    if (!csv_type_ok(http_header(req, "Content-Type")))
        return http_reply_error(resp, 415, "unsupported_media_type",
                                "the body must be Content-Type: text/csv in UTF-8 "
                                "(header phone,commune_code,name; at most 64 KiB a request)");
    s = app_store_acquire(req->app);
    rc = import_contacts(s, req->body, req->body_len,
                         u->role == USER_STAFF ? u->province_code : NULL, u->id,
                         clock_now_ms(), &res, err, sizeof err);
    app_store_release(req->app, s);
    if (rc == HD_EPARSE || rc == HD_ETOOBIG) {
        http_reply_error(resp, rc == HD_ETOOBIG ? 413 : 400,
                         res.error ? res.error : "bad_request", err);
        rc = HD_OK;
        goto out;
    }
    if (rc) {
        log_error("contacts import by user %lld: %s", (long long)u->id, err);
        goto out;
    }
    log_info("contacts import by user %lld: %d imported (%d new), %d rejected",
             (long long)u->id, res.imported, res.created, res.nrejected);
    o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "imported", res.imported);
    cJSON_AddNumberToObject(o, "created", res.created);
    arr = cJSON_AddArrayToObject(o, "rejected");
    for (int i = 0; i < res.nrejected; i++) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddNumberToObject(j, "line", res.rejected[i].line);
        cJSON_AddStringToObject(j, "reason", res.rejected[i].reason);
        cJSON_AddStringToObject(j, "message", res.rejected[i].message);
        cJSON_AddItemToArray(arr, j);
    }
    rc = http_reply_json(resp, 200, o);
out:
    import_result_free(&res);
    return rc;
}
