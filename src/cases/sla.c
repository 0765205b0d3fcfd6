/* sla.c -- working hours: parsing HELPDESK_WORK_HOURS and counting working
 * time between two instants (see include/cases/sla.h).
 *
 * Counting goes through one function, cum(t): the working time from a fixed
 * Monday 00:00 local to t. It is exact (no stepping by minutes or days),
 * costs a few windows whatever the span, and working_ms(a, b) is simply
 * cum(b) - cum(a); the deadline is its inverse. */
#include "cases/sla.h"
#include "core/err.h"

#include <stdlib.h>
#include <string.h>

#define MIN_MS  60000LL
#define DAY_MS  (1440 * MIN_MS)
#define WEEK_MS (7 * DAY_MS)
/* 1970-01-05, the first Monday after the epoch, as an offset from it. */
#define MONDAY0 (4 * DAY_MS)
/* Times are clamped to [0, year 9999] so that nothing below can overflow. */
#define T_MAX   253402300799999LL

static const char *const day_names[7] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };

/* ---- parsing ---- */

typedef struct parser {
    const char *text, *p;
    char       *err;
    size_t      errlen;
} parser;

static int fail(parser *ps, const char *what)
{
    return hd_seterr(ps->err, ps->errlen, HD_ECONFIG,
                     "working hours \"%.80s\": at character %d: %s", ps->text,
                     (int)(ps->p - ps->text) + 1, what);
}

static void skip_spaces(parser *ps)
{
    while (*ps->p == ' ' || *ps->p == '\t')
        ps->p++;
}

static int lower(char c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int is_alpha(char c)
{
    c = (char)lower(c);
    return c >= 'a' && c <= 'z';
}

static int parse_day(parser *ps, int *day)
{
    for (int d = 0; d < 7; d++) {
        const char *n = day_names[d];
        if (lower(ps->p[0]) == n[0] && lower(ps->p[1]) == n[1] && lower(ps->p[2]) == n[2] &&
            !is_alpha(ps->p[3])) {
            *day = d;
            ps->p += 3;
            return HD_OK;
        }
    }
    return fail(ps, "expected a day: mon, tue, wed, thu, fri, sat or sun");
}

/* "mon-fri", "sat", "mon,wed,fri", "fri-mon" into the set days[7]. */
static int parse_days(parser *ps, int days[7])
{
    int rc, a, b;

    for (;;) {
        if ((rc = parse_day(ps, &a)))
            return rc;
        b = a;
        if (*ps->p == '-') {
            ps->p++;
            if ((rc = parse_day(ps, &b)))
                return rc;
        }
        for (int d = a;; d = (d + 1) % 7) {
            days[d] = 1;
            if (d == b)
                break;
        }
        skip_spaces(ps);
        if (*ps->p != ',')
            return HD_OK;
        ps->p++;
        skip_spaces(ps);
    }
}

static int parse_time(parser *ps, int *minutes)
{
    const char *start = ps->p;
    int h = 0, m, nd = 0;

    while (*ps->p >= '0' && *ps->p <= '9' && nd < 2) {
        h = h * 10 + (*ps->p++ - '0');
        nd++;
    }
    if (nd == 0 || *ps->p != ':' || !(ps->p[1] >= '0' && ps->p[1] <= '9') ||
        !(ps->p[2] >= '0' && ps->p[2] <= '9')) {
        ps->p = start;
        return fail(ps, "expected a time HH:MM");
    }
    m = (ps->p[1] - '0') * 10 + (ps->p[2] - '0');
    if (h > 24 || m > 59 || (h == 24 && m != 0)) {
        ps->p = start;
        return fail(ps, "no such time of day (00:00 to 24:00)");
    }
    ps->p += 3;
    *minutes = h * 60 + m;
    return HD_OK;
}

static int add_window(parser *ps, sla_hours *h, const int days[7], int start, int end)
{
    for (int d = 0; d < 7; d++) {
        if (!days[d])
            continue;
        for (int i = 0; i < h->nwin[d]; i++)
            if (start < h->win[d][i].end_min && h->win[d][i].start_min < end)
                return fail(ps, "this window overlaps another one of the same day");
        if (h->nwin[d] == SLA_WINDOWS_MAX)
            return fail(ps, "too many windows in one day");
        h->win[d][h->nwin[d]].start_min = start;
        h->win[d][h->nwin[d]].end_min = end;
        h->nwin[d]++;
    }
    return HD_OK;
}

/* One clause: days, then one or more windows, up to ';' or the end. */
static int parse_clause(parser *ps, sla_hours *h)
{
    int days[7] = { 0 };
    int rc, start, end, nwin = 0;

    if ((rc = parse_days(ps, days)))
        return rc;
    for (;;) {
        while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == ',')
            ps->p++;
        if (*ps->p == ';' || *ps->p == '\0')
            break;
        if ((rc = parse_time(ps, &start)))
            return rc;
        if (*ps->p != '-')
            return fail(ps, "expected '-' between the start and end of a window (07:30-17:00)");
        ps->p++;
        if ((rc = parse_time(ps, &end)))
            return rc;
        if (end <= start)
            return fail(ps, "a window must end after it starts");
        if ((rc = add_window(ps, h, days, start, end)))
            return rc;
        nwin++;
    }
    return nwin ? HD_OK : fail(ps, "expected a time window HH:MM-HH:MM after the days");
}

static int by_start(const void *a, const void *b)
{
    return ((const sla_window *)a)->start_min - ((const sla_window *)b)->start_min;
}

int sla_parse(const char *spec, int tz_offset_min, sla_hours *out, char *err, size_t errlen)
{
    parser ps = { spec, spec, err, errlen };
    int rc, total = 0;

    if (out)
        memset(out, 0, sizeof *out);
    if (!spec || !out)
        return hd_seterr(err, errlen, HD_EINVAL, "sla_parse: no working hours");
    if (tz_offset_min < -720 || tz_offset_min > 840)
        return hd_seterr(err, errlen, HD_ECONFIG,
                         "time zone offset %d minutes is out of range (-720..840)",
                         tz_offset_min);
    for (;;) {
        while (*ps.p == ' ' || *ps.p == '\t' || *ps.p == ';')
            ps.p++;
        if (!*ps.p)
            break;
        if ((rc = parse_clause(&ps, out)))
            goto fail;
    }
    for (int d = 0; d < 7; d++) {
        qsort(out->win[d], (size_t)out->nwin[d], sizeof out->win[d][0], by_start);
        total += out->nwin[d];
    }
    if (!total) {
        rc = hd_seterr(err, errlen, HD_ECONFIG,
                       "working hours \"%.80s\" name no working time at all", spec);
        goto fail;
    }
    out->tz_offset_min = tz_offset_min;
    return HD_OK;
fail:
    memset(out, 0, sizeof *out);
    return rc;
}

/* ---- counting ---- */

static int64_t window_ms(const sla_window *w)
{
    return (int64_t)(w->end_min - w->start_min) * MIN_MS;
}

static int64_t day_ms(const sla_hours *h, int d)
{
    int64_t sum = 0;

    for (int i = 0; i < h->nwin[d]; i++)
        sum += window_ms(&h->win[d][i]);
    return sum;
}

static int64_t week_ms(const sla_hours *h)
{
    int64_t sum = 0;

    for (int d = 0; d < 7; d++)
        sum += day_ms(h, d);
    return sum;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int64_t clamp_t(int64_t t)
{
    return t < 0 ? 0 : t > T_MAX ? T_MAX : t;
}

/* Working time from the local Monday 1970-01-05 00:00 to t (negative
 * before it). */
static int64_t cum(const sla_hours *h, int64_t t)
{
    int64_t x = clamp_t(t) + h->tz_offset_min * MIN_MS - MONDAY0;
    int64_t w = floor_div(x, WEEK_MS), r = x - w * WEEK_MS;
    int dow = (int)(r / DAY_MS);
    int64_t in_day = r - dow * DAY_MS, sum = w * week_ms(h);

    for (int d = 0; d < dow; d++)
        sum += day_ms(h, d);
    for (int i = 0; i < h->nwin[dow]; i++) {
        const sla_window *win = &h->win[dow][i];
        int64_t since = in_day - win->start_min * MIN_MS;
        if (since <= 0)
            break;
        sum += since < window_ms(win) ? since : window_ms(win);
    }
    return sum;
}

int64_t sla_working_ms(const sla_hours *h, int64_t from_ms, int64_t to_ms)
{
    if (!h || to_ms <= from_ms)
        return 0;
    return cum(h, to_ms) - cum(h, from_ms);
}

int64_t sla_deadline_ms(const sla_hours *h, int64_t from_ms, int64_t work_ms)
{
    int64_t week, target, w, rem;

    if (!h || work_ms <= 0)
        return from_ms;
    week = week_ms(h);
    if (week == 0 || work_ms > T_MAX)
        return INT64_MAX;
    target = cum(h, from_ms) + work_ms;
    /* rem in (0, week]: landing exactly on a week's total means the end of
     * that week's last window, not the start of the next week. */
    w = floor_div(target - 1, week);
    rem = target - w * week;
    for (int d = 0; d < 7; d++) {
        for (int i = 0; i < h->nwin[d]; i++) {
            const sla_window *win = &h->win[d][i];
            if (rem <= window_ms(win))
                return w * WEEK_MS + d * DAY_MS + win->start_min * MIN_MS + rem +
                       MONDAY0 - h->tz_offset_min * MIN_MS;
            rem -= window_ms(win);
        }
    }
    return INT64_MAX;       /* not reached: rem <= week */
}

int sla_is_overdue(const sla_hours *h, int64_t created_ms, int64_t now_ms, int limit_hours)
{
    int64_t limit = (int64_t)(limit_hours > 0 ? limit_hours : 0) * 3600 * 1000;

    return sla_working_ms(h, created_ms, now_ms) > limit;
}
