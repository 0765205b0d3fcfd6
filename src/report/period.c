/* period.c -- dates and periods of the reports, and the median: pure
 * arithmetic on epoch ms (no time zone database: Viet Nam has a fixed
 * offset, given by the settings). Civil-date conversions are Howard
 * Hinnant's days_from_civil / civil_from_days, exact for any year. */
#include "report/report.h"
#include "core/err.h"

#include <stdlib.h>
#include <string.h>

#define DAY_MS (86400 * 1000LL)

static int64_t days_from_civil(int y, int m, int d)
{
    int64_t era;
    unsigned yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned)(y - era * 400);
    doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    int64_t era, yy;
    unsigned doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = (unsigned)(z - era * 146097);
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    yy = (int64_t)yoe + era * 400;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yy + (*m <= 2));
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static void format_date(int64_t days, char out[REPORT_DATE_LEN + 1])
{
    int y, m, d;

    civil_from_days(days, &y, &m, &d);
    /* Digits by hand: the ranges are known, and a compiler cannot see it. */
    y = y < 0 ? 0 : y > 9999 ? 9999 : y;
    out[0] = (char)('0' + y / 1000);
    out[1] = (char)('0' + y / 100 % 10);
    out[2] = (char)('0' + y / 10 % 10);
    out[3] = (char)('0' + y % 10);
    out[4] = '-';
    out[5] = (char)('0' + m / 10);
    out[6] = (char)('0' + m % 10);
    out[7] = '-';
    out[8] = (char)('0' + d / 10);
    out[9] = (char)('0' + d % 10);
    out[10] = '\0';
}

int report_parse_date(const char *s, int *y, int *m, int *d)
{
    static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int yy, mm, dd, leap;

    if (!s || !y || !m || !d || strlen(s) != REPORT_DATE_LEN || s[4] != '-' || s[7] != '-')
        return HD_EINVAL;
    for (int i = 0; i < REPORT_DATE_LEN; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return HD_EINVAL;
    yy = atoi(s);
    mm = (s[5] - '0') * 10 + (s[6] - '0');
    dd = (s[8] - '0') * 10 + (s[9] - '0');
    leap = (yy % 4 == 0 && yy % 100 != 0) || yy % 400 == 0;
    if (yy < 1970 || mm < 1 || mm > 12 || dd < 1 ||
        dd > mdays[mm - 1] + (mm == 2 && leap))
        return HD_EINVAL;
    *y = yy;
    *m = mm;
    *d = dd;
    return HD_OK;
}

int report_period_of(const char *date, int week, int tz_offset_min, report_period *out)
{
    int64_t day, first, ndays;
    int y, m, d;

    if (!out)
        return HD_EINVAL;
    memset(out, 0, sizeof *out);
    if (tz_offset_min < -720 || tz_offset_min > 840 || report_parse_date(date, &y, &m, &d))
        return HD_EINVAL;
    day = days_from_civil(y, m, d);
    first = day;
    ndays = 1;
    if (week) {
        /* 1970-01-01 was a Thursday: (day + 3) mod 7 counts from Monday. */
        first = day - (((day + 3) % 7) + 7) % 7;
        ndays = 7;
    }
    out->week = week ? 1 : 0;
    memcpy(out->date, date, REPORT_DATE_LEN + 1);
    format_date(first, out->first_day);
    format_date(first + ndays - 1, out->last_day);
    out->tz_offset_min = tz_offset_min;
    /* Local midnight is UTC midnight minus the offset. */
    out->start_ms = first * DAY_MS - (int64_t)tz_offset_min * 60000;
    out->end_ms = out->start_ms + ndays * DAY_MS;
    return HD_OK;
}

void report_local_date(int64_t ms, int tz_offset_min, char out[REPORT_DATE_LEN + 1])
{
    format_date(floor_div(ms + (int64_t)tz_offset_min * 60000, DAY_MS), out);
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

double report_median(int64_t *v, size_t n)
{
    if (!v || n == 0)
        return 0;
    qsort(v, n, sizeof *v, cmp_i64);
    if (n % 2)
        return (double)v[n / 2];
    /* Halves first: the sum of two large values must not overflow. */
    return (double)v[n / 2 - 1] / 2 + (double)v[n / 2] / 2;
}
