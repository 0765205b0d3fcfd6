/* api_me.c -- GET /api/v1/me: who is signed in, and which communes they serve. */
#include "core/err.h"
#include "routes.h"
#include "store/communes.h"
#include "store/users.h"

int http_me(const http_req *req, http_resp *resp)
{
    const store_user *u = req->user;
    cJSON *o = cJSON_CreateObject(), *arr;
    store *s;

    cJSON_AddNumberToObject(o, "id", (double)u->id);
    cJSON_AddStringToObject(o, "name", u->name);
    cJSON_AddStringToObject(o, "role", user_role_name(u->role));
    if (u->province_code[0])
        cJSON_AddStringToObject(o, "province", u->province_code);
    else
        cJSON_AddNullToObject(o, "province");
    arr = cJSON_AddArrayToObject(o, "communes");
    s = app_store_acquire(req->app);
    for (int i = 0; i < u->ncommunes; i++) {
        store_commune c;
        cJSON *e = cJSON_CreateObject();

        cJSON_AddStringToObject(e, "code", u->communes[i]);
        if (store_commune_get(s, u->communes[i], &c) == HD_OK) {
            cJSON_AddStringToObject(e, "name", c.name);
            cJSON_AddStringToObject(e, "province", c.province_name);
        }
        cJSON_AddItemToArray(arr, e);
    }
    app_store_release(req->app, s);
    return http_reply_json(resp, 200, o);
}
