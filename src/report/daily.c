/* daily.c -- build a report: the store's hits (store/reports.h) summed into
 * one row per place, then per province and in total, with the medians and
 * the overdue flags computed here (the SLA counts working hours, which SQL
 * cannot).
 *
 * Places are found through a small open-addressing table keyed by
 * (commune, province); a period touches at most the 3,321 communes plus one
 * "unknown commune" per province, so REPORT_ROWS_MAX bounds everything (the
 * rows grow as places appear: a quiet day costs little). */
#include "report/report.h"
#include "core/err.h"
#include "store/reports.h"

#include <stdlib.h>
#include <string.h>

#define SLOTS (2 * REPORT_ROWS_MAX)     /* a power of two, at most half full */

typedef struct resolved {
    int     group;                      /* row index, then province index */
    int64_t ms;                         /* time to resolve */
} resolved;

typedef struct builder {
    report   *r;
    const report_params *p;
    int      *slots;                    /* row index + 1; 0 = free */
    int       caprows;
    resolved *res;
    size_t    nres, capres;
} builder;

static uint32_t place_hash(const char *commune, const char *province)
{
    uint32_t h = 2166136261u;

    for (const char *c = commune; *c; c++)
        h = (h ^ (unsigned char)*c) * 16777619u;
    h = (h ^ '|') * 16777619u;
    for (const char *c = province; *c; c++)
        h = (h ^ (unsigned char)*c) * 16777619u;
    return h;
}

/* A code from the database as a row field: NULL, or one that does not fit
 * the field (no such code exists), counts as unknown. */
static const char *code_or_unknown(const char *code, size_t cap)
{
    return code && strlen(code) < cap ? code : "";
}

static int place_row(builder *b, const char *commune, const char *province, report_row **out)
{
    uint32_t i;
    report_row *row;

    commune = code_or_unknown(commune, STORE_COMMUNE_CODE_MAX);
    province = code_or_unknown(province, STORE_PROVINCE_CODE_MAX);
    for (i = place_hash(commune, province) & (SLOTS - 1); b->slots[i];
         i = (i + 1) & (SLOTS - 1)) {
        row = &b->r->communes[b->slots[i] - 1];
        if (strcmp(row->commune_code, commune) == 0 && strcmp(row->province_code, province) == 0) {
            *out = row;
            return HD_OK;
        }
    }
    if (b->r->ncommunes == b->caprows) {
        int cap = b->caprows * 4;

        if (b->caprows >= REPORT_ROWS_MAX)
            return HD_ETOOBIG;
        if (cap > REPORT_ROWS_MAX)
            cap = REPORT_ROWS_MAX;
        if (!(row = realloc(b->r->communes, (size_t)cap * sizeof *row)))
            return HD_ENOMEM;
        memset(row + b->caprows, 0, (size_t)(cap - b->caprows) * sizeof *row);
        b->r->communes = row;
        b->caprows = cap;
    }
    row = &b->r->communes[b->r->ncommunes++];
    memcpy(row->commune_code, commune, strlen(commune) + 1);
    memcpy(row->province_code, province, strlen(province) + 1);
    b->slots[i] = b->r->ncommunes;
    *out = row;
    return HD_OK;
}

static int push_resolved(builder *b, int row, int64_t ms)
{
    if (b->nres == b->capres) {
        size_t cap = b->capres ? b->capres * 2 : 256;
        resolved *p;

        if (b->nres >= REPORT_RESOLVED_MAX)
            return HD_ETOOBIG;
        if (cap > REPORT_RESOLVED_MAX)
            cap = REPORT_RESOLVED_MAX;
        if (!(p = realloc(b->res, cap * sizeof *p)))
            return HD_ENOMEM;
        b->res = p;
        b->capres = cap;
    }
    b->res[b->nres].group = row;
    /* A clock set back between creation and resolution is no negative time. */
    b->res[b->nres++].ms = ms > 0 ? ms : 0;
    return HD_OK;
}

static int on_hit(void *ctx, const store_report_hit *h)
{
    builder *b = ctx;
    report_row *row;
    report_figures *f;
    int rc;

    if ((rc = place_row(b, h->commune_code, h->province_code, &row)))
        return rc;
    f = &row->f;
    switch (h->kind) {
    case STORE_REPORT_CONVERSATIONS:
        f->conversations += h->n;
        break;
    case STORE_REPORT_HELP:
        f->help_requests += h->n;
        if (h->resolution && strcmp(h->resolution, "person") == 0)
            f->escalated += h->n;
        else
            f->answered_by_bot += h->n;
        /* An id outside the list (none is written today) counts as unknown,
         * so that the intents always add up to help_requests. */
        f->help_by_intent[h->intent && nlu_intent_valid(h->intent)
                              ? nlu_intent_from_id(h->intent) : NLU_UNKNOWN] += h->n;
        break;
    case STORE_REPORT_CASES_OPENED:
        f->cases_opened += h->n;
        break;
    case STORE_REPORT_CASE_RESOLVED:
        f->cases_resolved++;
        return push_resolved(b, (int)(row - b->r->communes), h->resolved_at - h->created_at);
    case STORE_REPORT_CASE_OPEN:
        f->cases_open++;
        if (b->p->hours &&
            sla_is_overdue(b->p->hours, h->created_at, b->r->as_of_ms, b->p->sla_hours))
            f->cases_overdue++;
        break;
    case STORE_REPORT_ACTIVATIONS:
        f->activations += h->n;
        break;
    case STORE_REPORT_OPT_OUTS:
        f->opt_outs += h->n;
        break;
    }
    return HD_OK;
}

static void add_figures(report_figures *to, const report_figures *from)
{
    to->conversations += from->conversations;
    to->help_requests += from->help_requests;
    to->answered_by_bot += from->answered_by_bot;
    to->escalated += from->escalated;
    for (int i = 0; i < NLU_INTENT_COUNT; i++)
        to->help_by_intent[i] += from->help_by_intent[i];
    to->cases_opened += from->cases_opened;
    to->cases_resolved += from->cases_resolved;
    to->cases_open += from->cases_open;
    to->cases_overdue += from->cases_overdue;
    to->activations += from->activations;
    to->opt_outs += from->opt_outs;
}

static int by_group_then_ms(const void *x, const void *y)
{
    const resolved *a = x, *b = y;

    if (a->group != b->group)
        return a->group < b->group ? -1 : 1;
    return (a->ms > b->ms) - (a->ms < b->ms);
}

static void set_median(report_figures *f, int64_t *v, size_t n)
{
    f->has_median = n > 0;
    f->median_resolve_hours = n ? report_median(v, n) / 3600000.0 : 0;
}

/* Medians per group (res[].group indexes rows), with scratch for the values. */
static void group_medians(resolved *res, size_t n, report_row *rows, int64_t *scratch)
{
    size_t i = 0;

    if (n == 0)
        return;
    qsort(res, n, sizeof *res, by_group_then_ms);
    while (i < n) {
        size_t j = i, k = 0;
        while (j < n && res[j].group == res[i].group)
            scratch[k++] = res[j++].ms;
        set_median(&rows[res[i].group].f, scratch, k);
        i = j;
    }
}

/* Unknown ("") after every code. */
static int code_cmp(const char *a, const char *b)
{
    if (!*a || !*b)
        return !*a - !*b;
    return strcmp(a, b);
}

static int by_place(const void *x, const void *y)
{
    const report_row *a = x, *b = y;
    int c = code_cmp(a->province_code, b->province_code);

    return c ? c : code_cmp(a->commune_code, b->commune_code);
}

/* Province rows, sums, medians; then the rows in their final order. */
static int roll_up(builder *b)
{
    report *r = b->r;
    int64_t *scratch = NULL;
    int *prov_of = NULL;
    int rc = HD_OK;

    r->provinces = calloc((size_t)(r->ncommunes ? r->ncommunes : 1), sizeof *r->provinces);
    prov_of = malloc((size_t)(r->ncommunes ? r->ncommunes : 1) * sizeof *prov_of);
    scratch = malloc((b->nres ? b->nres : 1) * sizeof *scratch);
    if (!r->provinces || !prov_of || !scratch) {
        rc = HD_ENOMEM;
        goto out;
    }
    /* Medians of communes first, while res[].group still indexes them. */
    group_medians(b->res, b->nres, r->communes, scratch);
    for (size_t i = 0; i < b->nres; i++)
        scratch[i] = b->res[i].ms;
    set_median(&r->total.f, scratch, b->nres);

    for (int i = 0; i < r->ncommunes; i++) {
        report_row *c = &r->communes[i];
        int p = 0;

        /* Few provinces (34 and unknown): a linear search is enough. */
        while (p < r->nprovinces && strcmp(r->provinces[p].province_code, c->province_code))
            p++;
        if (p == r->nprovinces) {
            memcpy(r->provinces[p].province_code, c->province_code, sizeof c->province_code);
            r->nprovinces++;
        }
        add_figures(&r->provinces[p].f, &c->f);
        add_figures(&r->total.f, &c->f);
        prov_of[i] = p;
    }
    /* From here on res[].group is the province of the case. */
    for (size_t k = 0; k < b->nres; k++)
        b->res[k].group = prov_of[b->res[k].group];
    group_medians(b->res, b->nres, r->provinces, scratch);
    qsort(r->communes, (size_t)r->ncommunes, sizeof *r->communes, by_place);
    qsort(r->provinces, (size_t)r->nprovinces, sizeof *r->provinces, by_place);
out:
    free(prov_of);
    free(scratch);
    return rc;
}

static int fill_names(store *s, report *r)
{
    store_commune c;
    int rc;

    for (int i = 0; i < r->ncommunes; i++) {
        report_row *row = &r->communes[i];
        if (!row->commune_code[0])
            continue;
        rc = store_commune_get(s, row->commune_code, &c);
        if (rc == HD_ENOTFOUND)
            continue;           /* a code the directory lost: shown without a name */
        if (rc)
            return rc;
        memcpy(row->commune_name, c.name, sizeof row->commune_name);
        memcpy(row->province_name, c.province_name, sizeof row->province_name);
    }
    for (int i = 0; i < r->nprovinces; i++) {
        report_row *row = &r->provinces[i];
        if (!row->province_code[0])
            continue;
        rc = store_report_province_name(s, row->province_code, row->province_name,
                                        sizeof row->province_name);
        if (rc && rc != HD_ENOTFOUND)
            return rc;
    }
    /* Communes of the province queue (commune unknown) take the province's name. */
    for (int i = 0; i < r->ncommunes; i++) {
        report_row *row = &r->communes[i];
        if (row->province_name[0] || !row->province_code[0])
            continue;
        for (int p = 0; p < r->nprovinces; p++)
            if (strcmp(r->provinces[p].province_code, row->province_code) == 0)
                memcpy(row->province_name, r->provinces[p].province_name,
                       sizeof row->province_name);
    }
    return HD_OK;
}

/* A week's days, each its own report's total (the dashboard draws them). */
static int add_days(store *s, const report_params *p, report *r, char *err, size_t errlen)
{
    report_params dp = *p;
    report *day = NULL;
    int rc;

    dp.week = 0;
    dp.province_code = r->province_code;
    for (int i = 0; i < 7; i++) {
        int64_t start = r->period.start_ms + i * 86400000LL;

        if (start > p->now_ms)
            break;
        report_local_date(start, r->period.tz_offset_min, r->days[i].date);
        dp.date = r->days[i].date;
        if ((rc = report_build(s, &dp, &day, err, errlen)))
            return rc;
        r->days[i].f = day->total.f;
        r->ndays = i + 1;
        report_free(day);
    }
    return HD_OK;
}

int report_build(store *s, const report_params *p, report **out, char *err, size_t errlen)
{
    builder b = { 0 };
    store_report_query q;
    char name[STORE_COMMUNE_NAME_MAX];
    report *r = NULL;
    int rc;

    if (out)
        *out = NULL;
    if (!s || !p || !out)
        return HD_EINVAL;
    r = calloc(1, sizeof *r);
    if (!r)
        return HD_ENOMEM;
    if (report_period_of(p->date, p->week, p->tz_offset_min, &r->period)) {
        rc = hd_seterr(err, errlen, HD_EINVAL, "date must be a real day written YYYY-MM-DD");
        goto out;
    }
    if (r->period.start_ms > p->now_ms) {
        rc = hd_seterr(err, errlen, HD_EINVAL, "%s is in the future", p->date);
        goto out;
    }
    if (p->province_code && p->province_code[0]) {
        rc = strlen(p->province_code) < sizeof r->province_code
                 ? store_report_province_name(s, p->province_code, name, sizeof name)
                 : HD_ENOTFOUND;
        if (rc == HD_ENOTFOUND) {
            rc = hd_seterr(err, errlen, HD_ENOTFOUND, "no province has the code \"%.8s\"",
                           p->province_code);
            goto out;
        }
        if (rc)
            goto out;
        memcpy(r->province_code, p->province_code, strlen(p->province_code) + 1);
    }
    r->as_of_ms = p->now_ms < r->period.end_ms ? p->now_ms : r->period.end_ms;
    r->generated_ms = p->now_ms;
    r->sla_hours = p->sla_hours;
    b.caprows = 64;
    r->communes = calloc((size_t)b.caprows, sizeof *r->communes);
    b.slots = calloc(SLOTS, sizeof *b.slots);
    if (!r->communes || !b.slots) {
        rc = HD_ENOMEM;
        goto out;
    }
    b.r = r;
    b.p = p;
    q.from_ms = r->period.start_ms;
    q.to_ms = r->period.end_ms;
    q.as_of_ms = r->as_of_ms;
    q.province_code = r->province_code[0] ? r->province_code : NULL;
    q.tz_offset_min = r->period.tz_offset_min;
    if ((rc = store_report_scan(s, &q, on_hit, &b))) {
        hd_seterr(err, errlen, rc, "report: %s", rc == HD_ETOOBIG ? "too many places or cases"
                                                                 : store_errmsg(s));
        goto out;
    }
    if ((rc = roll_up(&b)) || (rc = fill_names(s, r))) {
        hd_seterr(err, errlen, rc, "report: %s", hd_strerror(rc));
        goto out;
    }
    if (r->period.week)
        rc = add_days(s, p, r, err, errlen);
out:
    free(b.slots);
    free(b.res);
    if (rc) {
        report_free(r);
        return rc;
    }
    *out = r;
    return HD_OK;
}

void report_free(report *r)
{
    if (!r)
        return;
    free(r->communes);
    free(r->provinces);
    free(r);
}
