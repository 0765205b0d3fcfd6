/* render.c -- a report as JSON (for the API and the dashboard's charts) and
 * as CSV (for spreadsheets).
 *
 * JSON, ids in English:
 *   { "period": { "type": "day"|"week", "date", "first_day", "last_day",
 *                 "start", "end", "as_of" (ISO-8601 local), "tz_offset_min" },
 *     "province": "01" | null,          the scope; null: every province
 *     "sla_hours": 16, "generated_at": ISO-8601,
 *     "communes":  [ row ... ],         row = { "commune_code", "commune_name",
 *     "provinces": [ row ... ],                 "province_code", "province_name",
 *     "total": figures,                         ...figures } (null = unknown)
 *     "days": [ { "date", ...figures } ] }      a week only: its days so far
 *   figures = { "conversations", "help_requests", "help_requests_by_intent":
 *               { every intent id: n }, "answered_by_bot", "escalated",
 *               "cases_opened", "cases_resolved", "cases_open", "cases_overdue",
 *               "median_hours_to_resolve": hours (2 decimals) | null,
 *               "activations", "opt_outs" }
 *
 * CSV: the column names and row levels are Vietnamese, from
 * messages/report.json (report/labels.h); numbers use a decimal point. */
#include "report/report.h"
#include "core/clock.h"
#include "core/err.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Rounded to hundredths of an hour (36 s): enough for a median of hours. */
static double hours2(double h)
{
    return round(h * 100.0) / 100.0;
}

static void add_str_or_null(cJSON *o, const char *key, const char *v)
{
    if (v && *v)
        cJSON_AddStringToObject(o, key, v);
    else
        cJSON_AddNullToObject(o, key);
}

static void add_figures(cJSON *o, const report_figures *f)
{
    cJSON *by;

    cJSON_AddNumberToObject(o, "conversations", (double)f->conversations);
    cJSON_AddNumberToObject(o, "help_requests", (double)f->help_requests);
    by = cJSON_AddObjectToObject(o, "help_requests_by_intent");
    for (int i = 0; by && i < NLU_INTENT_COUNT; i++)
        cJSON_AddNumberToObject(by, nlu_intent_id((nlu_intent)i), (double)f->help_by_intent[i]);
    cJSON_AddNumberToObject(o, "answered_by_bot", (double)f->answered_by_bot);
    cJSON_AddNumberToObject(o, "escalated", (double)f->escalated);
    cJSON_AddNumberToObject(o, "cases_opened", (double)f->cases_opened);
    cJSON_AddNumberToObject(o, "cases_resolved", (double)f->cases_resolved);
    cJSON_AddNumberToObject(o, "cases_open", (double)f->cases_open);
    cJSON_AddNumberToObject(o, "cases_overdue", (double)f->cases_overdue);
    if (f->has_median)
        cJSON_AddNumberToObject(o, "median_hours_to_resolve", hours2(f->median_resolve_hours));
    else
        cJSON_AddNullToObject(o, "median_hours_to_resolve");
    cJSON_AddNumberToObject(o, "activations", (double)f->activations);
    cJSON_AddNumberToObject(o, "opt_outs", (double)f->opt_outs);
}

static cJSON *row_json(const report_row *row, int with_commune)
{
    cJSON *o = cJSON_CreateObject();

    if (!o)
        return NULL;
    if (with_commune) {
        add_str_or_null(o, "commune_code", row->commune_code);
        add_str_or_null(o, "commune_name", row->commune_name);
    }
    add_str_or_null(o, "province_code", row->province_code);
    add_str_or_null(o, "province_name", row->province_name);
    add_figures(o, &row->f);
    return o;
}

cJSON *report_to_json(const report *r)
{
    cJSON *o, *per, *arr, *tot, *days = NULL;
    char iso[32];
    int tz;

    if (!r || !(o = cJSON_CreateObject()))
        return NULL;
    tz = r->period.tz_offset_min;
    per = cJSON_AddObjectToObject(o, "period");
    if (per) {
        cJSON_AddStringToObject(per, "type", r->period.week ? "week" : "day");
        cJSON_AddStringToObject(per, "date", r->period.date);
        cJSON_AddStringToObject(per, "first_day", r->period.first_day);
        cJSON_AddStringToObject(per, "last_day", r->period.last_day);
        clock_format_iso(r->period.start_ms, tz, iso);
        cJSON_AddStringToObject(per, "start", iso);
        clock_format_iso(r->period.end_ms, tz, iso);
        cJSON_AddStringToObject(per, "end", iso);
        clock_format_iso(r->as_of_ms, tz, iso);
        cJSON_AddStringToObject(per, "as_of", iso);
        cJSON_AddNumberToObject(per, "tz_offset_min", tz);
    }
    add_str_or_null(o, "province", r->province_code);
    cJSON_AddNumberToObject(o, "sla_hours", r->sla_hours);
    clock_format_iso(r->generated_ms, tz, iso);
    cJSON_AddStringToObject(o, "generated_at", iso);
    if ((arr = cJSON_AddArrayToObject(o, "communes")))
        for (int i = 0; i < r->ncommunes; i++)
            cJSON_AddItemToArray(arr, row_json(&r->communes[i], 1));
    if ((arr = cJSON_AddArrayToObject(o, "provinces")))
        for (int i = 0; i < r->nprovinces; i++)
            cJSON_AddItemToArray(arr, row_json(&r->provinces[i], 0));
    if ((tot = cJSON_AddObjectToObject(o, "total")))
        add_figures(tot, &r->total.f);
    if (r->period.week && (days = cJSON_AddArrayToObject(o, "days"))) {
        for (int i = 0; i < r->ndays; i++) {
            cJSON *d = cJSON_CreateObject();
            if (!d)
                break;
            cJSON_AddStringToObject(d, "date", r->days[i].date);
            add_figures(d, &r->days[i].f);
            cJSON_AddItemToArray(days, d);
        }
    }
    /* Any allocation that failed above left a hole: better no answer. */
    if (!per || !arr || !tot || cJSON_GetArraySize(cJSON_GetObjectItem(o, "communes")) != r->ncommunes) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* ---- CSV ---- */

/* The i-th intent column: greeting .. thanks, then unknown. */
static nlu_intent intent_col(int i)
{
    return i == NLU_INTENT_COUNT - 1 ? NLU_UNKNOWN : (nlu_intent)(i + 1);
}

int report_csv_field(buf *out, const char *s)
{
    size_t n;
    int rc;

    if (!out)
        return HD_EINVAL;
    s = s ? s : "";
    n = strlen(s);
    if (!strpbrk(s, ",\"\r\n") && !(n && (s[0] == ' ' || s[n - 1] == ' ')))
        return buf_append(out, s, n);
    if ((rc = buf_append(out, "\"", 1)))
        return rc;
    /* Each quote ends a span and is written twice. */
    for (const char *q; (q = strchr(s, '"')) != NULL; s = q + 1)
        if ((rc = buf_append(out, s, (size_t)(q - s) + 1)) || (rc = buf_append(out, "\"", 1)))
            return rc;
    if ((rc = buf_append(out, s, strlen(s))))
        return rc;
    return buf_append(out, "\"", 1);
}

static int csv_sep_field(buf *out, const char *s)
{
    int rc = buf_append(out, ",", 1);
    return rc ? rc : report_csv_field(out, s);
}

static int csv_num(buf *out, int64_t v)
{
    return buf_appendf(out, ",%lld", (long long)v);
}

/* An intent's column is "<by intent>: <title> (<id>)": the id ties the
 * column to the JSON's. */
static int csv_header(buf *out, const report_labels *l)
{
    char title[3 * REPORT_LABEL_MAX];
    int rc = HD_OK;

    for (int i = 0; !rc && i < REPORT_COL_BY_INTENT; i++)
        rc = i ? csv_sep_field(out, l->column[i]) : report_csv_field(out, l->column[i]);
    for (int i = 0; !rc && i < NLU_INTENT_COUNT; i++) {
        nlu_intent it = intent_col(i);
        snprintf(title, sizeof title, "%s: %s (%s)", l->column[REPORT_COL_BY_INTENT],
                 l->intent[it], nlu_intent_id(it));
        rc = csv_sep_field(out, title);
    }
    return rc ? rc : buf_append(out, "\r\n", 2);
}

/* level: the row's first column; row NULL for the total's place columns. */
static int csv_row(buf *out, const report_labels *l, const char *level, const report_row *row,
                   int with_commune, const report_figures *f)
{
    const char *unknown = l->value[REPORT_VAL_UNKNOWN_PLACE];
    int rc;

    if ((rc = report_csv_field(out, level)))
        return rc;
    if (row) {
        int known = row->province_code[0] != '\0';
        if ((rc = csv_sep_field(out, row->province_code)) ||
            (rc = csv_sep_field(out, row->province_name[0] ? row->province_name
                                     : known ? "" : unknown)))
            return rc;
    } else if ((rc = buf_append(out, ",,", 2))) {
        return rc;
    }
    if (with_commune) {
        if ((rc = csv_sep_field(out, row->commune_code)) ||
            (rc = csv_sep_field(out, row->commune_name[0] ? row->commune_name
                                     : row->commune_code[0] ? "" : unknown)))
            return rc;
    } else if ((rc = buf_append(out, ",,", 2))) {
        return rc;
    }
    if ((rc = csv_num(out, f->conversations)) || (rc = csv_num(out, f->help_requests)) ||
        (rc = csv_num(out, f->answered_by_bot)) || (rc = csv_num(out, f->escalated)) ||
        (rc = csv_num(out, f->cases_opened)) || (rc = csv_num(out, f->cases_resolved)) ||
        (rc = csv_num(out, f->cases_open)) || (rc = csv_num(out, f->cases_overdue)))
        return rc;
    rc = f->has_median ? buf_appendf(out, ",%.2f", hours2(f->median_resolve_hours))
                       : buf_append(out, ",", 1);
    if (rc || (rc = csv_num(out, f->activations)) || (rc = csv_num(out, f->opt_outs)))
        return rc;
    for (int i = 0; i < NLU_INTENT_COUNT; i++)
        if ((rc = csv_num(out, f->help_by_intent[intent_col(i)])))
            return rc;
    return buf_append(out, "\r\n", 2);
}

int report_to_csv(const report *r, const report_labels *l, buf *out)
{
    static const char bom[] = "\xEF\xBB\xBF";
    int rc;

    if (!r || !l || !out)
        return HD_EINVAL;
    if ((rc = buf_append(out, bom, 3)) || (rc = csv_header(out, l)))
        return rc;
    for (int i = 0; i < r->ncommunes; i++)
        if ((rc = csv_row(out, l, l->value[REPORT_VAL_COMMUNE], &r->communes[i], 1,
                          &r->communes[i].f)))
            return rc;
    for (int i = 0; i < r->nprovinces; i++)
        if ((rc = csv_row(out, l, l->value[REPORT_VAL_PROVINCE], &r->provinces[i], 0,
                          &r->provinces[i].f)))
            return rc;
    return csv_row(out, l, l->value[REPORT_VAL_TOTAL], NULL, 0, &r->total.f);
}

void report_csv_filename(const report *r, char *out, size_t cap)
{
    if (!out || !cap)
        return;
    if (!r)
        snprintf(out, cap, "bao-cao.csv");
    else if (r->period.week)
        snprintf(out, cap, "bao-cao-tuan-%s.csv", r->period.first_day);
    else
        snprintf(out, cap, "bao-cao-%s.csv", r->period.first_day);
}
