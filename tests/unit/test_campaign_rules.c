/* test_campaign_rules.c -- the quiet hours, local days, routes, send_at
 * times and SMS parts of campaign/rules.h. Instants are written as epoch
 * milliseconds worked out by hand from UTC (Viet Nam: UTC+7, no DST). */
#include "test.h"
#include "campaign/rules.h"
#include "core/err.h"

#include <stdint.h>

/* 2026-03-10 00:00:00.000 in Viet Nam = 2026-03-09 17:00:00 UTC. */
#define D10 1773075600000LL
#define H   3600000LL
#define M   60000LL
#define S   1000LL
#define DAY (24 * H)

static campaign_window vn(void)
{
    campaign_window w;
    CHECK_INT(campaign_window_init(&w, "22:00", "07:00", 420, NULL, 0), HD_OK);
    return w;
}

static void hhmm(void)
{
    int m = -1;

    CHECK_INT(campaign_hhmm_parse("22:00", &m), HD_OK);
    CHECK_INT(m, 22 * 60);
    CHECK_INT(campaign_hhmm_parse("7:05", &m), HD_OK);
    CHECK_INT(m, 7 * 60 + 5);
    CHECK_INT(campaign_hhmm_parse("00:00", &m), HD_OK);
    CHECK_INT(m, 0);
    CHECK_INT(campaign_hhmm_parse("23:59", &m), HD_OK);
    CHECK_INT(m, 23 * 60 + 59);
    CHECK_INT(campaign_hhmm_parse("24:00", &m), HD_EINVAL);
    CHECK_INT(campaign_hhmm_parse("22:60", &m), HD_EINVAL);
    CHECK_INT(campaign_hhmm_parse("22:0", &m), HD_EINVAL);
    CHECK_INT(campaign_hhmm_parse("22:00 ", &m), HD_EINVAL);
    CHECK_INT(campaign_hhmm_parse("022:00", &m), HD_EINVAL);
    CHECK_INT(campaign_hhmm_parse("", &m), HD_EINVAL);
    CHECK_INT(campaign_hhmm_parse("22h00", &m), HD_EINVAL);
    CHECK_INT(campaign_hhmm_parse(NULL, &m), HD_EINVAL);
}

static void window_init_errors(void)
{
    campaign_window w;
    char err[128] = "";

    CHECK_INT(campaign_window_init(&w, "10pm", "07:00", 420, err, sizeof err), HD_ECONFIG);
    CHECK(strstr(err, "HELPDESK_QUIET_START") != NULL);
    CHECK_INT(campaign_window_init(&w, "22:00", "", 420, err, sizeof err), HD_ECONFIG);
    CHECK(strstr(err, "HELPDESK_QUIET_END") != NULL);
}

static void window_edges(void)
{
    campaign_window w = vn();

    CHECK_INT(campaign_window_open(&w, D10 + 7 * H - 1), 0);          /* 06:59:59.999 */
    CHECK_INT(campaign_window_open(&w, D10 + 6 * H + 59 * M + 59 * S), 0);  /* 06:59:59 */
    CHECK_INT(campaign_window_open(&w, D10 + 7 * H), 1);              /* 07:00 */
    CHECK_INT(campaign_window_open(&w, D10 + 12 * H), 1);
    CHECK_INT(campaign_window_open(&w, D10 + 21 * H + 59 * M + 59 * S), 1);  /* 21:59:59 */
    CHECK_INT(campaign_window_open(&w, D10 + 22 * H - 1), 1);         /* 21:59:59.999 */
    CHECK_INT(campaign_window_open(&w, D10 + 22 * H), 0);             /* 22:00 */
    CHECK_INT(campaign_window_open(&w, D10 + 23 * H + 59 * M), 0);
    CHECK_INT(campaign_window_open(&w, D10), 0);                      /* midnight */
    CHECK_INT(campaign_window_open(&w, D10 + 3 * H), 0);
    /* The same instants seen from UTC: 22:00 local is 15:00 UTC. */
    CHECK_INT(campaign_window_open(&w, 1773154790000LL), 1);          /* 14:59:50Z = 21:59:50 */
    CHECK_INT(campaign_window_open(&w, 1773154790000LL + 10 * S), 0); /* 15:00:00Z = 22:00 */
}

static void window_next_and_last(void)
{
    campaign_window w = vn(), none;

    CHECK_INT(campaign_window_next_open(&w, D10 + 12 * H), D10 + 12 * H);
    CHECK_INT(campaign_window_next_open(&w, D10 + 22 * H), D10 + DAY + 7 * H);
    CHECK_INT(campaign_window_next_open(&w, D10 + 23 * H + 30 * M), D10 + DAY + 7 * H);
    CHECK_INT(campaign_window_next_open(&w, D10 + 3 * H), D10 + 7 * H);
    CHECK_INT(campaign_window_next_open(&w, D10 + 7 * H - 1), D10 + 7 * H);

    CHECK_INT(campaign_window_last_close(&w, D10 + 12 * H), D10 - 2 * H);      /* yesterday 22:00 */
    CHECK_INT(campaign_window_last_close(&w, D10 + 22 * H), D10 + 22 * H);
    CHECK_INT(campaign_window_last_close(&w, D10 + 23 * H), D10 + 22 * H);
    CHECK_INT(campaign_window_last_close(&w, D10 + DAY + 3 * H), D10 + 22 * H);
    CHECK_INT(campaign_window_last_close(&w, D10 + 22 * H - 1), D10 - 2 * H);

    CHECK_INT(campaign_window_next_day(&w, D10 + 12 * H), D10 + DAY + 7 * H);
    CHECK_INT(campaign_window_next_day(&w, D10 + 7 * H), D10 + DAY + 7 * H);

    /* Quiet hours that do not wrap midnight: 13:00-14:00. */
    CHECK_INT(campaign_window_init(&none, "13:00", "14:00", 420, NULL, 0), HD_OK);
    CHECK_INT(campaign_window_open(&none, D10 + 13 * H - 1), 1);
    CHECK_INT(campaign_window_open(&none, D10 + 13 * H), 0);
    CHECK_INT(campaign_window_open(&none, D10 + 14 * H), 1);
    CHECK_INT(campaign_window_next_open(&none, D10 + 13 * H + 5), D10 + 14 * H);
    /* No quiet hours at all: always open, never a last close. */
    CHECK_INT(campaign_window_init(&none, "07:00", "07:00", 420, NULL, 0), HD_OK);
    CHECK_INT(campaign_window_open(&none, D10 + 23 * H), 1);
    CHECK_INT(campaign_window_last_close(&none, D10 + 23 * H), 0);
}

static void local_day(void)
{
    char d[CAMPAIGN_DAY_MAX];

    campaign_local_day(D10, 420, d);
    CHECK_STR(d, "2026-03-10");
    campaign_local_day(D10 - 1, 420, d);                  /* 23:59:59.999 the day before */
    CHECK_STR(d, "2026-03-09");
    /* 2026-03-10 17:00:00Z is already the 11th in Viet Nam; 16:59:59.999Z the 10th. */
    campaign_local_day(1773162000000LL, 420, d);
    CHECK_STR(d, "2026-03-11");
    campaign_local_day(1773162000000LL - 1, 420, d);
    CHECK_STR(d, "2026-03-10");
    campaign_local_day(1773162000000LL - 1, 0, d);        /* in UTC it is still the 10th */
    CHECK_STR(d, "2026-03-10");
    campaign_local_day(0, 420, d);
    CHECK_STR(d, "1970-01-01");
}

static void routes(void)
{
    int64_t now = D10 + 12 * H;
    campaign_reach z = { .channel = "zalo", .last_inbound_at = now - 2 * DAY,
                         .sms_ok = 1, .zalo_ok = 1 };
    campaign_reach c;

    CHECK_INT(campaign_route_choose(&z, now), CAMPAIGN_ROUTE_SELF);
    c = z; c.last_inbound_at = now - 7 * DAY + 1;
    CHECK_INT(campaign_route_choose(&c, now), CAMPAIGN_ROUTE_SELF);
    c = z; c.last_inbound_at = now - 7 * DAY;                 /* 7 days: outside */
    CHECK_INT(campaign_route_choose(&c, now), CAMPAIGN_SKIP_NO_CHANNEL);
    c.has_phone = 1;
    CHECK_INT(campaign_route_choose(&c, now), CAMPAIGN_ROUTE_PHONE);
    c.sms_ok = 0;
    CHECK_INT(campaign_route_choose(&c, now), CAMPAIGN_SKIP_NO_CHANNEL);
    c = z; c.last_inbound_at = 0; c.has_phone = 1;             /* never wrote */
    CHECK_INT(campaign_route_choose(&c, now), CAMPAIGN_ROUTE_PHONE);
    c = z; c.zalo_ok = 0; c.has_phone = 1;                    /* no Zalo delivery */
    CHECK_INT(campaign_route_choose(&c, now), CAMPAIGN_ROUTE_PHONE);
    c = z; c.opted_out = 1; c.has_phone = 1;
    CHECK_INT(campaign_route_choose(&c, now), CAMPAIGN_SKIP_OPTED_OUT);
    c = z; c.channel = "sms"; c.last_inbound_at = 0;
    CHECK_INT(campaign_route_choose(&c, now), CAMPAIGN_ROUTE_SELF);
    c.opted_out = 1;
    CHECK_INT(campaign_route_choose(&c, now), CAMPAIGN_SKIP_OPTED_OUT);
    c.opted_out = 0; c.sms_ok = 0;
    CHECK_INT(campaign_route_choose(&c, now), CAMPAIGN_SKIP_NO_CHANNEL);
    c = z; c.channel = "console";
    CHECK_INT(campaign_route_choose(&c, now), CAMPAIGN_SKIP_NO_CHANNEL);
    c.has_phone = 1;
    CHECK_INT(campaign_route_choose(&c, now), CAMPAIGN_ROUTE_PHONE);
    CHECK_STR(campaign_route_skip_reason(CAMPAIGN_SKIP_OPTED_OUT), "opted_out");
    CHECK_STR(campaign_route_skip_reason(CAMPAIGN_SKIP_NO_CHANNEL), "no_channel");
    CHECK(campaign_route_skip_reason(CAMPAIGN_ROUTE_SELF) == NULL);
}

static void time_parse(void)
{
    int64_t t = -1, want = 1773154790000LL;                  /* 2026-03-10T14:59:50Z */

    CHECK_INT(campaign_time_parse("now", 42, 420, &t), HD_OK);
    CHECK_INT(t, 42);
    CHECK_INT(campaign_time_parse("2026-03-10T21:59:50+07:00", 0, 420, &t), HD_OK);
    CHECK_INT(t, want);
    CHECK_INT(campaign_time_parse("2026-03-10T14:59:50Z", 0, 420, &t), HD_OK);
    CHECK_INT(t, want);
    CHECK_INT(campaign_time_parse("2026-03-10T21:59:50", 0, 420, &t), HD_OK);   /* local */
    CHECK_INT(t, want);
    CHECK_INT(campaign_time_parse("2026-03-10 21:59:50+0700", 0, 420, &t), HD_OK);
    CHECK_INT(t, want);
    CHECK_INT(campaign_time_parse("2026-03-10T21:59", 0, 420, &t), HD_OK);
    CHECK_INT(t, want - 50 * S);
    CHECK_INT(campaign_time_parse("2026-03-10T21:59:50.25+07:00", 0, 420, &t), HD_OK);
    CHECK_INT(t, want + 250);
    CHECK_INT(campaign_time_parse("2026-03-10T09:29:50-05:30", 0, 420, &t), HD_OK);
    CHECK_INT(t, want);
    CHECK_INT(campaign_time_parse("2024-02-29T00:00:00Z", 0, 420, &t), HD_OK);  /* leap day */
    CHECK_INT(t, 1709164800000LL);
    CHECK_INT(campaign_time_parse("2026-02-29T00:00:00Z", 0, 420, &t), HD_EINVAL);
    CHECK_INT(campaign_time_parse("2026-02-30T10:00", 0, 420, &t), HD_EINVAL);
    CHECK_INT(campaign_time_parse("2026-13-01T10:00", 0, 420, &t), HD_EINVAL);
    CHECK_INT(campaign_time_parse("2026-03-10T24:00", 0, 420, &t), HD_EINVAL);
    CHECK_INT(campaign_time_parse("2026-03-10", 0, 420, &t), HD_EINVAL);
    CHECK_INT(campaign_time_parse("2026-03-10T21:59:50+7", 0, 420, &t), HD_EINVAL);
    CHECK_INT(campaign_time_parse("2026-03-10T21:59:50Zx", 0, 420, &t), HD_EINVAL);
    CHECK_INT(campaign_time_parse("tomorrow", 0, 420, &t), HD_EINVAL);
    CHECK_INT(campaign_time_parse("", 0, 420, &t), HD_EINVAL);
}

static void sms_parts(void)
{
    CHECK_INT(campaign_sms_parts(0), 1);
    CHECK_INT(campaign_sms_parts(160), 1);
    CHECK_INT(campaign_sms_parts(161), 2);
    CHECK_INT(campaign_sms_parts(306), 2);
    CHECK_INT(campaign_sms_parts(307), 3);
    CHECK_INT(campaign_sms_parts(459), 3);
}

TEST_MAIN(T(hhmm), T(window_init_errors), T(window_edges), T(window_next_and_last),
          T(local_day), T(routes), T(time_parse), T(sms_parts))
