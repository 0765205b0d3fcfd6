/* api_broadcasts.c -- /api/v1/broadcasts: reminders created, previewed,
 * followed, paused, resumed and cancelled by campaign staff.
 *
 * Staff or admin only (the route says so). A staff account with a province
 * reaches that province only: its audiences are narrowed to it, and other
 * broadcasts (another province's, or all provinces') answer 404 as if they
 * did not exist. */
#include "core/utf8.h"
#include "campaign/broadcast.h"
#include "campaign/rules.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "routes.h"
#include "store/audit.h"
#include "store/users.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIST_MAX 100
#define NAME_CHARS_MAX 200

typedef struct bc_input {
    store_broadcast  b;
    campaign_preview preview;
} bc_input;

static const char *user_province(const http_req *req)
{
    return req->user->role == USER_STAFF ? req->user->province_code : "";
}

static int visible(const http_req *req, const store_broadcast *b)
{
    const char *p = user_province(req);

    return !p[0] || strcmp(p, b->audience.province) == 0;
}

/* The audience object (absent: everyone the caller reaches). */
static int parse_audience(const cJSON *o, store_audience *a, char *err, size_t errlen)
{
    const cJSON *it, *c;

    memset(a, 0, sizeof *a);
    if (!o || cJSON_IsNull(o))
        return HD_OK;
    if (!cJSON_IsObject(o))
        return hd_seterr(err, errlen, HD_EINVAL, "audience: must be an object");
    it = cJSON_GetObjectItemCaseSensitive(o, "segment");
    if (it && !cJSON_IsNull(it)) {
        if (!cJSON_IsString(it) || strlen(it->valuestring) >= sizeof a->segment)
            return hd_seterr(err, errlen, HD_EINVAL, "audience.segment: must be a string");
        memcpy(a->segment, it->valuestring, strlen(it->valuestring) + 1);
    }
    it = cJSON_GetObjectItemCaseSensitive(o, "province");
    if (it && !cJSON_IsNull(it)) {
        if (!cJSON_IsString(it) || strlen(it->valuestring) >= sizeof a->province)
            return hd_seterr(err, errlen, HD_EINVAL, "audience.province: a province code");
        memcpy(a->province, it->valuestring, strlen(it->valuestring) + 1);
    }
    it = cJSON_GetObjectItemCaseSensitive(o, "communes");
    if (it && !cJSON_IsNull(it)) {
        if (!cJSON_IsArray(it))
            return hd_seterr(err, errlen, HD_EINVAL,
                             "audience.communes: an array of commune codes");
        cJSON_ArrayForEach(c, it) {
            if (a->ncommunes == BROADCAST_COMMUNES_MAX)
                return hd_seterr(err, errlen, HD_EINVAL, "audience.communes: at most %d",
                                 BROADCAST_COMMUNES_MAX);
            if (!cJSON_IsString(c) || !c->valuestring[0] ||
                strlen(c->valuestring) >= STORE_COMMUNE_CODE_MAX ||
                strspn(c->valuestring, "0123456789") != strlen(c->valuestring))
                return hd_seterr(err, errlen, HD_EINVAL, "audience.communes: commune codes "
                                 "are strings of digits (\"00004\")");
            memcpy(a->communes[a->ncommunes++], c->valuestring, strlen(c->valuestring) + 1);
        }
    }
    return HD_OK;
}

/* The body of create and preview into in; answers 400 itself. */
static int parse_input(const http_req *req, http_resp *resp, store *s, int need_name,
                       bc_input *in)
{
    char err[384] = "";
    const cJSON *it;
    cJSON *j;
    int rc = HD_EINVAL;

    memset(in, 0, sizeof *in);
    if (!(j = http_body_json(req, resp)))
        return HD_EINVAL;
    it = cJSON_GetObjectItemCaseSensitive(j, "name");
    if (need_name || (it && !cJSON_IsNull(it))) {
        if (!cJSON_IsString(it) || !it->valuestring[0] ||
            utf8_chars(it->valuestring) > NAME_CHARS_MAX ||
            strlen(it->valuestring) >= sizeof in->b.name) {
            hd_seterr(err, sizeof err, HD_EINVAL, "name: a text of 1..%d characters",
                      NAME_CHARS_MAX);
            goto bad;
        }
        memcpy(in->b.name, it->valuestring, strlen(it->valuestring) + 1);
    }
    it = cJSON_GetObjectItemCaseSensitive(j, "text");
    if (!cJSON_IsString(it) || strlen(it->valuestring) >= sizeof in->b.text) {
        hd_seterr(err, sizeof err, HD_EINVAL, "text: required, at most %d characters",
                  CAMPAIGN_TEXT_CHARS_MAX);
        goto bad;
    }
    memcpy(in->b.text, it->valuestring, strlen(it->valuestring) + 1);
    rc = campaign_preview_render(req->app->flow, in->b.text, &in->preview, err, sizeof err);
    if (rc)
        goto bad;
    it = cJSON_GetObjectItemCaseSensitive(j, "send_at");
    if (it && !cJSON_IsNull(it) &&
        (!cJSON_IsString(it) ||
         campaign_time_parse(it->valuestring, clock_now_ms(), (int)req->app->cfg.tz_offset_min,
                             &in->b.send_at))) {
        rc = hd_seterr(err, sizeof err, HD_EINVAL,
                       "send_at: \"now\" or an ISO-8601 time, e.g. 2026-11-22T19:30:00+07:00");
        goto bad;
    }
    if (!it || cJSON_IsNull(it))
        in->b.send_at = clock_now_ms();
    if ((rc = parse_audience(cJSON_GetObjectItemCaseSensitive(j, "audience"), &in->b.audience,
                             err, sizeof err)))
        goto bad;
    rc = campaign_audience_check(s, &in->b.audience, user_province(req), err, sizeof err);
    if (rc == HD_EINVAL)
        goto bad;
    cJSON_Delete(j);
    return rc;
bad:
    cJSON_Delete(j);
    if (rc != HD_EINVAL && rc != HD_ETOOBIG)
        return rc;
    http_reply_error(resp, 400, "bad_request", err[0] ? err : "bad request");
    return HD_EINVAL;
}

static cJSON *preview_json(const campaign_preview *p)
{
    cJSON *o = cJSON_CreateObject();

    cJSON_AddStringToObject(o, "sms", p->sms);
    cJSON_AddStringToObject(o, "zalo", p->zalo);
    cJSON_AddNumberToObject(o, "sms_parts", p->sms_parts);
    cJSON_AddNumberToObject(o, "sms_chars", p->sms_chars);
    return o;
}

static cJSON *audience_json(const store_audience *a)
{
    cJSON *o = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(o, "communes");

    for (int i = 0; i < a->ncommunes; i++)
        cJSON_AddItemToArray(arr, cJSON_CreateString(a->communes[i]));
    if (a->province[0])
        cJSON_AddStringToObject(o, "province", a->province);
    else
        cJSON_AddNullToObject(o, "province");
    cJSON_AddStringToObject(o, "segment", a->segment);
    return o;
}

static void add_time(cJSON *o, const char *key, int64_t ms, int tz)
{
    char iso[32];

    if (ms <= 0) {
        cJSON_AddNullToObject(o, key);
        return;
    }
    clock_format_iso(ms, tz, iso);
    cJSON_AddStringToObject(o, key, iso);
}

/* live: count a broadcast's audience before its list fixes it (a pass over
 * the contacts: for one broadcast, not for every row of the list). */
static cJSON *broadcast_json(const http_req *req, store *s, const store_broadcast *b, int live)
{
    int tz = (int)req->app->cfg.tz_offset_min;
    cJSON *o = cJSON_CreateObject(), *c, *k;
    store_broadcast_counts n;
    campaign_preview pv;
    int64_t audience = b->audience_n;

    cJSON_AddNumberToObject(o, "id", (double)b->id);
    cJSON_AddStringToObject(o, "name", b->name);
    cJSON_AddStringToObject(o, "text", b->text);
    cJSON_AddStringToObject(o, "status", broadcast_status_name(b->status));
    add_time(o, "send_at", b->send_at, tz);
    add_time(o, "created_at", b->created_at, tz);
    add_time(o, "done_at", b->done_at, tz);
    if (b->created_by)
        cJSON_AddNumberToObject(o, "created_by", (double)b->created_by);
    cJSON_AddItemToObject(o, "audience", audience_json(&b->audience));
    /* Before its list is begun the audience is what it would be now; while
     * the list is being made (seconds), not known yet. */
    if (audience < 0 && (!live || b->cursor != 0 ||
                         store_audience_count(s, &b->audience, &audience) != HD_OK))
        audience = -1;
    if (store_broadcast_counts_get(s, b->id, &n) != HD_OK)
        memset(&n, 0, sizeof n);
    c = cJSON_AddObjectToObject(o, "counts");
    if (audience >= 0)
        cJSON_AddNumberToObject(c, "audience", (double)audience);
    else
        cJSON_AddNullToObject(c, "audience");
    /* The length of the broadcast's list once it is complete: who it goes
     * to, fixed (null while the list is made, and before). */
    if (b->audience_n >= 0)
        cJSON_AddNumberToObject(c, "listed", (double)b->audience_n);
    else
        cJSON_AddNullToObject(c, "listed");
    cJSON_AddNumberToObject(c, "queued", (double)n.queued);
    cJSON_AddNumberToObject(c, "sent", (double)n.sent);
    cJSON_AddNumberToObject(c, "delivered", (double)n.delivered);
    cJSON_AddNumberToObject(c, "failed", (double)n.failed);
    cJSON_AddNumberToObject(c, "skipped", (double)n.skipped);
    cJSON_AddNumberToObject(c, "waiting", (double)n.waiting);
    cJSON_AddNumberToObject(c, "held", (double)n.held);
    k = cJSON_AddObjectToObject(o, "skipped_by_reason");
    cJSON_AddNumberToObject(k, "opted_out", (double)n.opted_out);
    cJSON_AddNumberToObject(k, "daily_cap", (double)n.daily_cap);
    cJSON_AddNumberToObject(k, "no_channel", (double)n.no_channel);
    if (campaign_preview_render(req->app->flow, b->text, &pv, NULL, 0) != HD_EINVAL)
        cJSON_AddItemToObject(o, "preview", preview_json(&pv));
    return o;
}

int http_broadcast_preview(const http_req *req, http_resp *resp)
{
    bc_input *in = malloc(sizeof *in);
    int64_t audience = 0;
    cJSON *o;
    store *s;
    int rc;

    if (!in)
        return HD_ENOMEM;
    s = app_store_acquire(req->app);
    rc = parse_input(req, resp, s, 0, in);
    if (rc == HD_OK)
        rc = store_audience_count(s, &in->b.audience, &audience);
    app_store_release(req->app, s);
    if (rc == HD_OK) {
        o = cJSON_CreateObject();
        cJSON_AddItemToObject(o, "preview", preview_json(&in->preview));
        cJSON_AddNumberToObject(o, "audience", (double)audience);
        cJSON_AddItemToObject(o, "audience_spec", audience_json(&in->b.audience));
        rc = http_reply_json(resp, 200, o);
    }
    free(in);
    return rc == HD_EINVAL ? HD_OK : rc;   /* 400 answered by parse_input */
}

int http_broadcast_create(const http_req *req, http_resp *resp)
{
    bc_input *in = malloc(sizeof *in);
    int64_t id = 0, now = clock_now_ms();
    char detail[96];
    cJSON *o;
    store *s;
    int rc;

    if (!in)
        return HD_ENOMEM;
    s = app_store_acquire(req->app);
    rc = parse_input(req, resp, s, 1, in);
    if (rc == HD_OK) {
        in->b.created_by = req->user->id;
        if ((rc = store_begin(s)) == HD_OK) {
            rc = store_broadcast_add(s, &in->b, now, &id);
            snprintf(detail, sizeof detail, "broadcast %lld", (long long)id);
            if (rc == HD_OK)
                rc = store_audit_add(s, req->user->id, "broadcast.create", 0, detail, now);
            if (rc == HD_OK)
                rc = store_commit(s);
            if (rc)
                store_rollback(s);
        }
    }
    app_store_release(req->app, s);
    if (rc == HD_OK) {
        log_info("broadcasts: %lld created by user %lld", (long long)id, (long long)req->user->id);
        o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "id", (double)id);
        cJSON_AddStringToObject(o, "status", "scheduled");
        rc = http_reply_json(resp, 201, o);
    }
    free(in);
    return rc == HD_EINVAL ? HD_OK : rc;
}

int http_broadcasts_list(const http_req *req, http_resp *resp)
{
    store_broadcast *rows = calloc(LIST_MAX, sizeof *rows);
    const char *p = user_province(req);
    cJSON *o, *arr;
    store *s;
    int rc, n = 0;

    if (!rows)
        return HD_ENOMEM;
    s = app_store_acquire(req->app);
    rc = store_broadcast_list(s, p[0] ? p : NULL, rows, LIST_MAX, &n);
    if (rc == HD_OK) {
        o = cJSON_CreateObject();
        arr = cJSON_AddArrayToObject(o, "broadcasts");
        for (int i = 0; i < n; i++)
            cJSON_AddItemToArray(arr, broadcast_json(req, s, &rows[i], 0));
    }
    app_store_release(req->app, s);
    free(rows);
    return rc ? rc : http_reply_json(resp, 200, o);
}

/* The broadcast of the path, if the caller may see it; else answers 404. */
static int load(const http_req *req, http_resp *resp, store *s, store_broadcast *b)
{
    int rc = store_broadcast_get(s, req->id, b);

    if (rc == HD_OK && !visible(req, b))
        rc = HD_ENOTFOUND;
    if (rc == HD_ENOTFOUND)
        http_reply_error(resp, 404, "not_found", "no such broadcast");
    return rc;
}

int http_broadcast_get(const http_req *req, http_resp *resp)
{
    store_broadcast *b = malloc(sizeof *b);
    cJSON *o = NULL;
    store *s;
    int rc;

    if (!b)
        return HD_ENOMEM;
    s = app_store_acquire(req->app);
    rc = load(req, resp, s, b);
    if (rc == HD_OK)
        o = broadcast_json(req, s, b, 1);
    app_store_release(req->app, s);
    free(b);
    if (rc == HD_ENOTFOUND)
        return HD_OK;
    return rc ? rc : http_reply_json(resp, 200, o);
}

static int act(const http_req *req, http_resp *resp, broadcast_action what, const char *name)
{
    static const char *const allowed[] = {
        [BROADCAST_PAUSE] = "only a scheduled, sending or waiting broadcast can be paused",
        [BROADCAST_RESUME] = "only a paused broadcast can be resumed",
        [BROADCAST_CANCEL] = "a broadcast that is done or cancelled cannot be cancelled",
    };
    store_broadcast *b = malloc(sizeof *b);
    broadcast_status st = BROADCAST_SCHEDULED;
    int64_t now = clock_now_ms();
    char action[32], detail[96];
    cJSON *o;
    store *s;
    int rc;

    if (!b)
        return HD_ENOMEM;
    s = app_store_acquire(req->app);
    if ((rc = store_begin(s)) == HD_OK) {
        rc = load(req, resp, s, b);
        if (rc == HD_OK)
            rc = store_broadcast_act(s, b->id, what, now, &st);
        snprintf(action, sizeof action, "broadcast.%s", name);
        snprintf(detail, sizeof detail, "broadcast %lld", (long long)req->id);
        if (rc == HD_OK)
            rc = store_audit_add(s, req->user->id, action, 0, detail, now);
        if (rc == HD_OK)
            rc = store_commit(s);
        if (rc)
            store_rollback(s);
    }
    app_store_release(req->app, s);
    free(b);
    if (rc == HD_ENOTFOUND)
        return HD_OK;
    if (rc == HD_ESTATE)
        return http_reply_error(resp, 409, "conflict", allowed[what]);
    if (rc)
        return rc;
    log_info("broadcasts: %lld %s by user %lld", (long long)req->id, broadcast_status_name(st),
             (long long)req->user->id);
    o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "id", (double)req->id);
    cJSON_AddStringToObject(o, "status", broadcast_status_name(st));
    return http_reply_json(resp, 200, o);
}

int http_broadcast_pause(const http_req *req, http_resp *resp)
{
    return act(req, resp, BROADCAST_PAUSE, "pause");
}

int http_broadcast_resume(const http_req *req, http_resp *resp)
{
    return act(req, resp, BROADCAST_RESUME, "resume");
}

int http_broadcast_cancel(const http_req *req, http_resp *resp)
{
    return act(req, resp, BROADCAST_CANCEL, "cancel");
}
