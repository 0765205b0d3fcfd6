/* api_health.c -- GET /healthz: the process answers and its database too. */
#include "core/err.h"
#include "routes.h"

int http_health(const http_req *req, http_resp *resp)
{
    store *s = app_store_acquire(req->app);
    int version = 0, rc = store_schema_version(s, &version);
    cJSON *o;

    app_store_release(req->app, s);
    if (rc)
        return http_reply_error(resp, 503, "db_unavailable", "the database does not answer");
    o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "status", "ok");
    cJSON_AddNumberToObject(o, "schema", version);
    return http_reply_json(resp, 200, o);
}
