/* rules.c -- quiet hours, local days, how a contact is reached (see rules.h).
 *
 * Time arithmetic is done on epoch milliseconds shifted by the fixed offset
 * (Viet Nam has no daylight saving), never with the C library's time zone,
 * which belongs to the machine and not to the citizens. */
#include "campaign/rules.h"

#include "core/err.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define MIN_MS 60000LL

/* Milliseconds since local midnight, 0 .. CAMPAIGN_DAY_MS-1 (also for
 * instants before 1970). */
static int64_t local_ms_of_day(int64_t ms, int tz_offset_min)
{
    int64_t l = (ms + tz_offset_min * MIN_MS) % CAMPAIGN_DAY_MS;

    return l < 0 ? l + CAMPAIGN_DAY_MS : l;
}

int campaign_hhmm_parse(const char *s, int *minutes)
{
    int h = 0, m = 0, nh = 0;

    if (!s || !minutes)
        return HD_EINVAL;
    while (*s >= '0' && *s <= '9' && nh < 3)
        h = h * 10 + (*s++ - '0'), nh++;
    if (nh < 1 || nh > 2 || *s++ != ':' || !(s[0] >= '0' && s[0] <= '9') ||
        !(s[1] >= '0' && s[1] <= '9') || s[2])
        return HD_EINVAL;
    m = (s[0] - '0') * 10 + (s[1] - '0');
    if (h > 23 || m > 59)
        return HD_EINVAL;
    *minutes = h * 60 + m;
    return HD_OK;
}

int campaign_window_init(campaign_window *w, const char *quiet_start, const char *quiet_end,
                         int tz_offset_min, char *err, size_t errlen)
{
    if (!w)
        return HD_EINVAL;
    memset(w, 0, sizeof *w);
    if (campaign_hhmm_parse(quiet_start, &w->quiet_start_min))
        return hd_seterr(err, errlen, HD_ECONFIG, "HELPDESK_QUIET_START must be HH:MM, not '%s'",
                         quiet_start ? quiet_start : "");
    if (campaign_hhmm_parse(quiet_end, &w->quiet_end_min))
        return hd_seterr(err, errlen, HD_ECONFIG, "HELPDESK_QUIET_END must be HH:MM, not '%s'",
                         quiet_end ? quiet_end : "");
    if (tz_offset_min < -14 * 60 || tz_offset_min > 14 * 60)
        return hd_seterr(err, errlen, HD_ECONFIG, "HELPDESK_TZ_OFFSET_MIN out of range");
    w->tz_offset_min = tz_offset_min;
    return HD_OK;
}

/* Quiet hours may wrap midnight (22:00-07:00) or not (13:00-14:00). */
static int in_quiet(const campaign_window *w, int64_t lms)
{
    int64_t qs = w->quiet_start_min * MIN_MS, qe = w->quiet_end_min * MIN_MS;

    if (qs == qe)
        return 0;
    return qs < qe ? (lms >= qs && lms < qe) : (lms >= qs || lms < qe);
}

int campaign_window_open(const campaign_window *w, int64_t now_ms)
{
    return !in_quiet(w, local_ms_of_day(now_ms, w->tz_offset_min));
}

int64_t campaign_window_next_open(const campaign_window *w, int64_t now_ms)
{
    int64_t lms = local_ms_of_day(now_ms, w->tz_offset_min), qe = w->quiet_end_min * MIN_MS;

    if (!in_quiet(w, lms))
        return now_ms;
    /* The end of the quiet hours today, or tomorrow when it is past. */
    return now_ms - lms + qe + (lms >= qe ? CAMPAIGN_DAY_MS : 0);
}

int64_t campaign_window_next_day(const campaign_window *w, int64_t now_ms)
{
    int64_t lms = local_ms_of_day(now_ms, w->tz_offset_min);

    return campaign_window_next_open(w, now_ms - lms + CAMPAIGN_DAY_MS);
}

int64_t campaign_window_last_close(const campaign_window *w, int64_t now_ms)
{
    int64_t lms = local_ms_of_day(now_ms, w->tz_offset_min), qs = w->quiet_start_min * MIN_MS;

    if (w->quiet_start_min == w->quiet_end_min)
        return 0;
    return now_ms - lms + qs - (lms >= qs ? 0 : CAMPAIGN_DAY_MS);
}

void campaign_local_day(int64_t ms, int tz_offset_min, char out[CAMPAIGN_DAY_MAX])
{
    int64_t l = ms + tz_offset_min * MIN_MS;
    time_t t = (time_t)((l - (l < 0 ? 999 : 0)) / 1000);
    struct tm tm;

    gmtime_r(&t, &tm);
    snprintf(out, CAMPAIGN_DAY_MAX, "%04u-%02u-%02u", (unsigned)(tm.tm_year + 1900) % 10000u,
             (unsigned)(tm.tm_mon + 1) % 100u, (unsigned)tm.tm_mday % 100u);
}

campaign_route campaign_route_choose(const campaign_reach *c, int64_t now_ms)
{
    if (!c || !c->channel)
        return CAMPAIGN_SKIP_NO_CHANNEL;
    if (c->opted_out)
        return CAMPAIGN_SKIP_OPTED_OUT;
    if (strcmp(c->channel, "zalo") == 0) {
        /* Zalo refuses free-form messages to users silent for 7 days
         * (error -230): try their phone rather than fail there. */
        if (c->zalo_ok && c->last_inbound_at > 0 &&
            now_ms - c->last_inbound_at < CAMPAIGN_ZALO_WINDOW_MS)
            return CAMPAIGN_ROUTE_SELF;
        return c->has_phone && c->sms_ok ? CAMPAIGN_ROUTE_PHONE : CAMPAIGN_SKIP_NO_CHANNEL;
    }
    if (strcmp(c->channel, "sms") == 0)
        return c->sms_ok ? CAMPAIGN_ROUTE_SELF : CAMPAIGN_SKIP_NO_CHANNEL;
    return c->has_phone && c->sms_ok ? CAMPAIGN_ROUTE_PHONE : CAMPAIGN_SKIP_NO_CHANNEL;
}

const char *campaign_route_skip_reason(campaign_route r)
{
    switch (r) {
    case CAMPAIGN_SKIP_OPTED_OUT:
        return "opted_out";
    case CAMPAIGN_SKIP_NO_CHANNEL:
        return "no_channel";
    default:
        return NULL;
    }
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
 * days_from_civil), so that no time zone of the machine is involved. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int month_days(int y, int m)
{
    static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    return m == 2 && leap ? 29 : days[m - 1];
}

/* n digits at *p into *v; advances *p. */
static int digits(const char **p, int n, int *v)
{
    *v = 0;
    for (int i = 0; i < n; i++, (*p)++) {
        if (**p < '0' || **p > '9')
            return 0;
        *v = *v * 10 + (**p - '0');
    }
    return 1;
}

int campaign_time_parse(const char *s, int64_t now_ms, int tz_offset_min, int64_t *out)
{
    int y, mo, d, h, mi, sec = 0, ms = 0, off = tz_offset_min, oh, om;
    const char *p = s;

    if (!s || !out)
        return HD_EINVAL;
    if (strcmp(s, "now") == 0) {
        *out = now_ms;
        return HD_OK;
    }
    if (!digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) || *p++ != '-' ||
        !digits(&p, 2, &d) || (*p != 'T' && *p != ' ') || !(p++, digits(&p, 2, &h)) ||
        *p++ != ':' || !digits(&p, 2, &mi))
        return HD_EINVAL;
    if (*p == ':') {
        p++;
        if (!digits(&p, 2, &sec))
            return HD_EINVAL;
        if (*p == '.') {
            int n = 0, scale = 100;
            for (p++; *p >= '0' && *p <= '9'; p++, n++) {
                ms += (*p - '0') * scale;
                scale /= 10;
            }
            if (n == 0 || n > 9)
                return HD_EINVAL;
        }
    }
    if (*p == 'Z') {
        off = 0;
        p++;
    } else if (*p == '+' || *p == '-') {
        int sign = *p++ == '-' ? -1 : 1;
        if (!digits(&p, 2, &oh))
            return HD_EINVAL;
        if (*p == ':')
            p++;
        if (!digits(&p, 2, &om) || oh > 14 || om > 59)
            return HD_EINVAL;
        off = sign * (oh * 60 + om);
    }
    if (*p || y < 1970 || mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo) || h > 23 ||
        mi > 59 || sec > 59)
        return HD_EINVAL;
    *out = ((days_from_civil(y, mo, d) * 24 + h) * 60 + mi - off) * MIN_MS + sec * 1000LL + ms;
    return HD_OK;
}

int campaign_sms_parts(size_t len)
{
    return len <= 160 ? 1 : (int)((len + 152) / 153);
}
