/* report.h -- the campaign's daily and weekly figures, per commune, per
 * province and in total (issue 5, item 5), and their JSON and CSV forms.
 *
 * A period is one local day, or the local week (Monday 00:00 to the next
 * Monday 00:00) that contains the date; local time is UTC plus the
 * settings' tz_offset_min (Viet Nam: +420, no daylight saving).
 *
 * Figures of a period [start, end), "as of" = min(end, now):
 *   conversations        contacts with an inbound message, each local day
 *                        counted apart (a citizen who wrote on Monday and
 *                        Thursday had two): a week is the sum of its days
 *   help_requests        help request rows, by intent (all NLU intents) and
 *                        by resolution: answered_by_bot / escalated (person)
 *   cases_opened         cases created in the period
 *   cases_resolved       cases resolved in the period
 *   cases_open           cases open or claimed at "as of"
 *   cases_overdue        of those, the ones past the SLA at "as of"
 *                        (sla_is_overdue with the app's working hours and
 *                        HELPDESK_CASE_SLA_HOURS, as the queue shows them)
 *   median_resolve_hours median of resolved_at - created_at of the cases
 *                        resolved in the period, in hours; none when none
 *   activations          contacts whose activated_at is in the period
 *   opt_outs             contacts whose opted_out_at is in the period
 * Places: see include/store/reports.h. A commune row exists only for a
 * place with at least one non-zero figure; a place absent from the report
 * had nothing. A week also has its days' totals (up to today). */
#ifndef HD_REPORT_REPORT_H
#define HD_REPORT_REPORT_H

#include "cases/sla.h"
#include "core/buf.h"
#include "nlu/intents.h"
#include "report/labels.h"
#include "store/communes.h"
#include "store/store.h"

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#define REPORT_ROWS_MAX     8192        /* places in one report (3,321 communes today) */
#define REPORT_RESOLVED_MAX (1 << 20)   /* cases resolved in one period */
#define REPORT_DATE_LEN     10          /* "YYYY-MM-DD" */

typedef struct report_figures {
    int64_t conversations;
    int64_t help_requests, answered_by_bot, escalated;
    int64_t help_by_intent[NLU_INTENT_COUNT];
    int64_t cases_opened, cases_resolved, cases_open, cases_overdue;
    int     has_median;                 /* 0: no case resolved, no median */
    double  median_resolve_hours;
    int64_t activations, opt_outs;
} report_figures;

/* A commune row (commune_code "" = unknown commune), or a province row
 * (commune fields ""), or the total (all ""). */
typedef struct report_row {
    char           commune_code[STORE_COMMUNE_CODE_MAX];
    char           commune_name[STORE_COMMUNE_NAME_MAX];
    char           province_code[STORE_PROVINCE_CODE_MAX];   /* "" = unknown */
    char           province_name[STORE_COMMUNE_NAME_MAX];
    report_figures f;
} report_row;

typedef struct report_period {
    int     week;                       /* 0: the day, 1: its Monday..Sunday */
    char    date[REPORT_DATE_LEN + 1];  /* as asked */
    char    first_day[REPORT_DATE_LEN + 1], last_day[REPORT_DATE_LEN + 1];
    int64_t start_ms, end_ms;           /* [start, end) */
    int     tz_offset_min;
} report_period;

typedef struct report_day {
    char           date[REPORT_DATE_LEN + 1];
    report_figures f;
} report_day;

typedef struct report {
    report_period period;
    int64_t       as_of_ms, generated_ms;
    char          province_code[STORE_PROVINCE_CODE_MAX];   /* scope; "" = all */
    int           sla_hours;
    report_row   *communes;             /* by province code then commune code, unknowns last */
    int           ncommunes;
    report_row   *provinces;            /* by code, unknown last */
    int           nprovinces;
    report_row    total;
    report_day    days[7];              /* a week: its days that have begun */
    int           ndays;
} report;

typedef struct report_params {
    const char      *date;              /* "YYYY-MM-DD", local */
    int              week;
    const char      *province_code;     /* NULL or "": every province */
    int              tz_offset_min;
    const sla_hours *hours;             /* working hours for the overdue flag */
    int              sla_hours;         /* HELPDESK_CASE_SLA_HOURS */
    int64_t          now_ms;
} report_params;

/* ---- period.c: pure ---- */

/* "YYYY-MM-DD" (exactly; years 1970..9999, a real calendar day) ->
 * y, m, d. HD_EINVAL otherwise. */
int report_parse_date(const char *s, int *y, int *m, int *d);

/* The period of a date: the local day, or with week its Monday..Sunday.
 * HD_EINVAL for a bad date or an offset outside -720..840. */
int report_period_of(const char *date, int week, int tz_offset_min, report_period *out);

/* The local date "YYYY-MM-DD" of an instant (out holds 11 bytes). */
void report_local_date(int64_t ms, int tz_offset_min, char out[REPORT_DATE_LEN + 1]);

/* The median of v[0..n) (sorted in place): the middle value, or the mean
 * of the two middle ones. 0 when n is 0. */
double report_median(int64_t *v, size_t n);

/* ---- daily.c ---- */

/* Build the report of p from the store. HD_EINVAL for a bad date (err says
 * so), HD_ETOOBIG past REPORT_ROWS_MAX or REPORT_RESOLVED_MAX. */
int report_build(store *s, const report_params *p, report **out, char *err, size_t errlen);
void report_free(report *r);

/* ---- render.c ---- */

/* The report as a JSON object (NULL when out of memory). Ids are English:
 * see the top of render.c for the shape. */
cJSON *report_to_json(const report *r);

/* The report as CSV for spreadsheets: UTF-8 with a byte order mark, CRLF,
 * fields quoted per RFC 4180, a header row in Vietnamese (the labels of
 * messages/report.json), one row per commune (with its province), then one
 * per province, then the total. */
int report_to_csv(const report *r, const report_labels *l, buf *out);

/* One CSV field per RFC 4180: quoted (with inner quotes doubled) when it
 * holds a comma, a quote, CR or LF, or starts or ends with a space. */
int report_csv_field(buf *out, const char *s);

/* "bao-cao-2026-11-10.csv", or "bao-cao-tuan-2026-11-09.csv" (the Monday)
 * for a week. */
void report_csv_filename(const report *r, char *out, size_t cap);

#endif
