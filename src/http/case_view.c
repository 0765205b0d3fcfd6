/* case_view.c -- visibility and JSON of a case. */
#include "case_view.h"

#include "cases/sla.h"
#include "core/clock.h"
#include "core/err.h"
#include "pii/crypto.h"
#include "pii/idnum.h"
#include "store/communes.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>

static int user_has_commune(const store_user *u, const char *code)
{
    for (int i = 0; i < u->ncommunes; i++)
        if (strcmp(u->communes[i], code) == 0)
            return 1;
    return 0;
}

int case_visible(const store_user *u, const store_case *c)
{
    switch (u->role) {
    case USER_ADMIN:
        return 1;
    case USER_STAFF:
        return !u->province_code[0] || strcmp(u->province_code, c->province_code) == 0;
    case USER_OFFICER:
        return c->commune_code[0] && user_has_commune(u, c->commune_code);
    }
    return 0;
}

int case_is_own(const store_user *u, const store_case *c)
{
    return u->role == USER_OFFICER && c->commune_code[0] && user_has_commune(u, c->commune_code);
}

int case_load(const http_req *req, store *s, store_case *c, http_resp *resp)
{
    int rc = store_case_get(s, req->id, c);

    if (rc == HD_ENOTFOUND || (rc == HD_OK && !case_visible(req->user, c))) {
        http_reply_error(resp, 404, "not_found", "no such case");
        return HD_ENOTFOUND;
    }
    return rc;
}

static void add_time(cJSON *o, const char *key, int64_t ms, int tz)
{
    char iso[32];

    if (!ms) {
        cJSON_AddNullToObject(o, key);
        return;
    }
    clock_format_iso(ms, tz, iso);
    cJSON_AddStringToObject(o, key, iso);
}

/* The ID number for the page: in full (decrypted) or masked. */
static void add_id_number(cJSON *o, const http_req *req, const store_case *c, int full)
{
    char digits[64], masked[16] = "";
    size_t n = 0;

    if (full && c->id_enc_len &&
        pii_open(&req->app->pii, c->id_enc, c->id_enc_len, (unsigned char *)digits,
                 sizeof digits - 1, &n) == HD_OK) {
        digits[n] = '\0';
        cJSON_AddStringToObject(o, "id_number", digits);
        OPENSSL_cleanse(digits, sizeof digits);
        return;
    }
    if (c->id_last4[0])
        snprintf(masked, sizeof masked, "********%s", c->id_last4);
    if (masked[0])
        cJSON_AddStringToObject(o, "id_number", masked);
    else
        cJSON_AddNullToObject(o, "id_number");
}

static void add_str_or_null(cJSON *o, const char *key, const char *v)
{
    if (v && *v)
        cJSON_AddStringToObject(o, key, v);
    else
        cJSON_AddNullToObject(o, key);
}

cJSON *case_json(const http_req *req, store *s, const store_case *c, int full_id)
{
    const app *a = req->app;
    int tz = (int)a->cfg.tz_offset_min;
    cJSON *o = cJSON_CreateObject(), *cm = cJSON_AddObjectToObject(o, "commune");
    store_commune sc;
    int64_t now = clock_now_ms();

    cJSON_AddNumberToObject(o, "id", (double)c->id);
    cJSON_AddStringToObject(o, "kind", case_kind_name(c->kind));
    cJSON_AddStringToObject(o, "reason", c->reason);
    cJSON_AddStringToObject(o, "status", case_status_name(c->status));
    if (c->close_reason != CASE_CLOSE_NONE)
        cJSON_AddStringToObject(o, "close_reason", case_close_reason_name(c->close_reason));
    cJSON_AddStringToObject(o, "channel", c->channel);
    if (c->commune_code[0] && store_commune_get(s, c->commune_code, &sc) == HD_OK) {
        cJSON_AddStringToObject(cm, "code", sc.code);
        cJSON_AddStringToObject(cm, "name", sc.name);
        cJSON_AddStringToObject(cm, "province", sc.province_name);
    } else {
        cJSON_AddNullToObject(cm, "code");
        cJSON_AddNullToObject(cm, "name");
        cJSON_AddStringToObject(cm, "province", c->province_code);
    }
    cJSON_AddStringToObject(cm, "province_code", c->province_code);
    add_str_or_null(o, "full_name", c->full_name);
    add_id_number(o, req, c, full_id);
    add_str_or_null(o, "callback_phone", c->callback_phone);
    add_time(o, "created_at", c->created_at, tz);
    cJSON_AddNumberToObject(o, "created_at_ms", (double)c->created_at);
    cJSON_AddBoolToObject(o, "overdue",
                          (c->status & CASE_ACTIVE) &&
                              sla_is_overdue(&a->hours, c->created_at, now,
                                             (int)a->cfg.case_sla_hours) == 1);
    add_time(o, "claimed_at", c->claimed_at, tz);
    add_time(o, "resolved_at", c->resolved_at, tz);
    add_time(o, "closed_at", c->closed_at, tz);
    add_time(o, "last_message_at", c->last_message_at, tz);
    if (c->claimed_by) {
        store_user u;
        cJSON *cb = cJSON_AddObjectToObject(o, "claimed_by");

        cJSON_AddNumberToObject(cb, "id", (double)c->claimed_by);
        if (store_user_get(s, c->claimed_by, &u) == HD_OK)
            cJSON_AddStringToObject(cb, "name", u.name);
    } else {
        cJSON_AddNullToObject(o, "claimed_by");
    }
    cJSON_AddBoolToObject(o, "purged", c->purged_at != 0);
    return o;
}
