/* api_cases.c -- GET /api/v1/cases and GET /api/v1/cases/{id}.
 *
 * The list is what a commune's queue shows: active cases by default, overdue
 * first, then oldest first. A queue is small (a commune's open cases), so
 * the page is sorted here after the SLA is computed. */
#include "case_view.h"
#include "cases/sla.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "routes.h"
#include "store/audit.h"
#include "store/messages.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define CASES_SCAN_MAX 300    /* cases considered for one list */
#define CASES_PAGE_MAX 200
#define CONVERSATION_MAX 200
#define EVENTS_MAX 200

typedef struct ranked { const store_case *c; int overdue; } ranked;

static int by_overdue_then_age(const void *x, const void *y)
{
    const ranked *a = x, *b = y;

    if (a->overdue != b->overdue)
        return b->overdue - a->overdue;
    if (a->c->created_at != b->c->created_at)
        return a->c->created_at < b->c->created_at ? -1 : 1;
    return a->c->id < b->c->id ? -1 : 1;
}

/* A whole number lo..hi, nothing else; 1 when it is one. */
static int parse_int(const char *s, long lo, long hi, int *out)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return 0;
    *out = (int)v;
    return 1;
}

/* Query arguments into a filter; 0, or answers 400 and returns HD_EINVAL. */
static int parse_filter(const http_req *req, store_case_filter *f, int *overdue_only,
                        int *limit, int *offset, http_resp *resp)
{
    const char *v;

    memset(f, 0, sizeof *f);
    f->status = CASE_ACTIVE;
    if ((v = http_arg(req, "status")) && *v && strcmp(v, "active") != 0) {
        case_status st;
        if (strcmp(v, "all") == 0)
            f->status = CASE_ANY;
        else if (case_status_parse(v, &st) == HD_OK)
            f->status = st;
        else
            goto bad;
    }
    if ((v = http_arg(req, "kind")) && *v && case_kind_parse(v, &f->kind) != HD_OK)
        goto bad;
    if ((v = http_arg(req, "commune")) && *v)
        f->commune = v;
    *overdue_only = (v = http_arg(req, "overdue")) && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
    *limit = 50;
    *offset = 0;
    if ((v = http_arg(req, "limit")) && *v && !parse_int(v, 1, CASES_PAGE_MAX, limit))
        goto bad;
    if ((v = http_arg(req, "offset")) && *v && !parse_int(v, 0, CASES_SCAN_MAX, offset))
        goto bad;
    /* What the caller may see narrows every filter. */
    if (req->user->role == USER_OFFICER) {
        f->communes = (const char (*)[STORE_COMMUNE_CODE_MAX])req->user->communes;
        f->ncommunes = req->user->ncommunes;
    } else if (req->user->role == USER_STAFF && req->user->province_code[0]) {
        f->province = req->user->province_code;
    }
    return HD_OK;
bad:
    http_reply_error(resp, 400, "bad_request",
                     "filters: status=open|claimed|resolved|closed|active|all, "
                     "kind=device_change|phone_change|other, commune=CODE, overdue=1, "
                     "limit=1..200, offset>=0");
    return HD_EINVAL;
}

int http_cases_list(const http_req *req, http_resp *resp)
{
    store_case_filter f;
    store_case *rows = NULL;
    ranked *rk = NULL;
    int n = 0, m = 0, overdue_only, limit, offset, rc;
    int64_t total = 0, now = clock_now_ms();
    cJSON *o, *arr;
    store *s;

    if (parse_filter(req, &f, &overdue_only, &limit, &offset, resp))
        return HD_OK;
    rows = calloc(CASES_SCAN_MAX, sizeof *rows);
    rk = calloc(CASES_SCAN_MAX, sizeof *rk);
    if (!rows || !rk) {
        rc = HD_ENOMEM;
        goto out;
    }
    s = app_store_acquire(req->app);
    rc = store_case_list(s, &f, rows, CASES_SCAN_MAX, &n, &total);
    if (rc == HD_OK) {
        for (int i = 0; i < n; i++) {
            int od = (rows[i].status & CASE_ACTIVE) &&
                     sla_is_overdue(&req->app->hours, rows[i].created_at, now,
                                    (int)req->app->cfg.case_sla_hours) == 1;
            if (overdue_only && !od)
                continue;
            rk[m].c = &rows[i];
            rk[m++].overdue = od;
        }
        qsort(rk, (size_t)m, sizeof *rk, by_overdue_then_age);
        o = cJSON_CreateObject();
        arr = cJSON_AddArrayToObject(o, "cases");
        for (int i = offset; i < m && i < offset + limit; i++)
            cJSON_AddItemToArray(arr, case_json(req, s, rk[i].c, 0));
        /* total counts what matched; a queue longer than the scan says so. */
        cJSON_AddNumberToObject(o, "total", overdue_only ? m : (double)total);
        if (total > CASES_SCAN_MAX)
            cJSON_AddBoolToObject(o, "truncated", 1);
    }
    /* The list shows names and phones: a read of personal data too. */
    if (rc == HD_OK && store_audit_add(s, req->user->id, "case.list", 0, NULL, now) != HD_OK)
        log_error("cases: audit of a list read failed");
    app_store_release(req->app, s);
    if (rc == HD_OK)
        rc = http_reply_json(resp, 200, o);
out:
    free(rows);
    free(rk);
    return rc;
}

/* Who wrote an outbound message: an officer when a case event says so
 * (reply, resolution), else the bot. */
static const char *out_author(const store_case_event *ev, int nev, int64_t message_id)
{
    for (int i = 0; i < nev; i++)
        if (ev[i].message_id == message_id && strncmp(ev[i].actor, "user:", 5) == 0)
            return ev[i].actor;
    return "bot";
}

static void add_conversation(cJSON *o, store *s, const store_case *c, int tz,
                             const store_case_event *ev, int nev)
{
    store_message *msgs = calloc(CONVERSATION_MAX, sizeof *msgs);
    cJSON *arr = cJSON_AddArrayToObject(o, "conversation");
    int n = 0;

    /* The day before the case opened is what led to it. */
    if (msgs && store_message_list(s, c->contact_id, c->created_at - 24 * 3600 * 1000LL, msgs,
                                   CONVERSATION_MAX, &n) == HD_OK) {
        for (int i = 0; i < n; i++) {
            cJSON *m = cJSON_CreateObject();
            char iso[32];

            clock_format_iso(msgs[i].created_at, tz, iso);
            cJSON_AddNumberToObject(m, "id", (double)msgs[i].id);
            cJSON_AddStringToObject(m, "dir", msgs[i].dir == STORE_OUT ? "out" : "in");
            cJSON_AddStringToObject(m, "actor", msgs[i].dir == STORE_OUT
                                                    ? out_author(ev, nev, msgs[i].id) : "citizen");
            cJSON_AddStringToObject(m, "text", msgs[i].text);
            cJSON_AddStringToObject(m, "at", iso);
            cJSON_AddStringToObject(m, "status", msgs[i].status);
            cJSON_AddItemToArray(arr, m);
        }
    }
    free(msgs);
}

static void add_events(cJSON *o, const store_case_event *ev, int n, int tz)
{
    cJSON *arr = cJSON_AddArrayToObject(o, "events");

    for (int i = 0; i < n; i++) {
        cJSON *e = cJSON_CreateObject();
        char iso[32];

        clock_format_iso(ev[i].at, tz, iso);
        cJSON_AddStringToObject(e, "at", iso);
        cJSON_AddStringToObject(e, "actor", ev[i].actor);
        cJSON_AddStringToObject(e, "kind", ev[i].kind);
        if (ev[i].message_id)
            cJSON_AddNumberToObject(e, "message_id", (double)ev[i].message_id);
        if (ev[i].text[0])
            cJSON_AddStringToObject(e, "text", ev[i].text);
        else
            cJSON_AddNullToObject(e, "text");
        cJSON_AddItemToArray(arr, e);
    }
}

int http_case_get(const http_req *req, http_resp *resp)
{
    store_case *c = malloc(sizeof *c);
    store_case_event *ev = NULL;
    int tz = (int)req->app->cfg.tz_offset_min, own, rc, nev = 0;
    cJSON *o = NULL;
    store *s;

    if (!c)
        return HD_ENOMEM;
    s = app_store_acquire(req->app);
    rc = case_load(req, s, c, resp);
    if (rc == HD_ENOTFOUND) {
        rc = HD_OK;
        goto out;
    }
    if (rc)
        goto out;
    own = case_is_own(req->user, c);
    o = case_json(req, s, c, own);
    if (c->description[0])
        cJSON_AddStringToObject(o, "description", c->description);
    else
        cJSON_AddNullToObject(o, "description");
    ev = calloc(EVENTS_MAX, sizeof *ev);
    if (!ev || store_case_events(s, c->id, ev, EVENTS_MAX, &nev) != HD_OK)
        nev = 0;
    add_events(o, ev, nev, tz);
    add_conversation(o, s, c, tz, ev, nev);
    free(ev);
    /* Every look at the personal data of a case is written down. */
    rc = store_audit_add(s, req->user->id, own ? "case.read_pii" : "case.read", c->id, NULL,
                         clock_now_ms());
    if (rc)
        log_error("cases: audit of case %lld: %s", (long long)c->id, hd_strerror(rc));
out:
    app_store_release(req->app, s);
    free(c);
    if (o)
        return rc ? (cJSON_Delete(o), rc) : http_reply_json(resp, 200, o);
    return rc;
}
