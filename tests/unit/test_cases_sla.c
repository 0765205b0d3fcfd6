/* test_cases_sla.c -- working hours: parsing, working time between two
 * instants, deadlines, the overdue flag. Every expectation is worked out by
 * hand in the comment beside it, from the default hours
 * "mon-fri 07:30-17:00; sat 07:30-11:30" (9.5 h a weekday, 4 h on Saturday,
 * 51.5 h a week) in Asia/Ho_Chi_Minh (UTC+7). */
#include "test.h"
#include "core/err.h"
#include "cases/sla.h"

#include <stdint.h>

#define MIN  60000LL
#define HOUR (60 * MIN)

/* Days since 1970-01-01 of a civil date (H. Hinnant's algorithm): written
 * here independently of sla.c. */
static int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* Epoch ms of a local time at UTC+tz minutes. */
static int64_t at_tz(int tz, int y, int mo, int d, int hh, int mm)
{
    return (days_from_civil(y, mo, d) * 1440 + hh * 60 + mm - tz) * MIN;
}

/* The week of Monday 1 September 2025 (Mon 1 ... Sun 7, Mon 8, Tue 9). */
static int64_t vn(int d, int hh, int mm)
{
    return at_tz(420, 2025, 9, d, hh, mm);
}

static sla_hours hours(const char *spec)
{
    sla_hours h;
    char err[256] = "";
    int rc = sla_parse(spec, 420, &h, err, sizeof err);
    CHECK_MSG(rc == HD_OK, "sla_parse(%s) = %d: %s", spec, rc, err);
    return h;
}

static void test_calendar_helper(void)
{
    /* 1970-01-01 was a Thursday; 2025-09-01 a Monday (weekday 0 = Monday). */
    CHECK_INT(days_from_civil(1970, 1, 1), 0);
    CHECK_INT((days_from_civil(2025, 9, 1) + 3) % 7, 0);
    CHECK_INT(vn(1, 7, 0), 1756684800000LL);     /* 2025-09-01T00:00:00Z */
}

static void test_parse_default(void)
{
    sla_hours h = hours(SLA_DEFAULT_HOURS);

    CHECK_INT(h.tz_offset_min, 420);
    for (int d = 0; d < 5; d++) {
        CHECK_INT(h.nwin[d], 1);
        CHECK_INT(h.win[d][0].start_min, 7 * 60 + 30);
        CHECK_INT(h.win[d][0].end_min, 17 * 60);
    }
    CHECK_INT(h.nwin[5], 1);
    CHECK_INT(h.win[5][0].start_min, 450);
    CHECK_INT(h.win[5][0].end_min, 690);
    CHECK_INT(h.nwin[6], 0);
}

static void test_parse_forms(void)
{
    sla_hours h;
    char err[256];

    /* Upper case, day lists, several windows (given out of order: sorted),
     * a wrapping range, 24:00, a one-digit hour, a trailing ';'. */
    CHECK_INT(sla_parse("MON,wed , fri 13:00-17:00,7:30-11:30; sun 00:00-24:00;", 0,
                        &h, err, sizeof err), HD_OK);
    CHECK_INT(h.nwin[0], 2);
    CHECK_INT(h.win[0][0].start_min, 450);
    CHECK_INT(h.win[0][1].start_min, 780);
    CHECK_INT(h.nwin[1], 0);
    CHECK_INT(h.nwin[2], 2);
    CHECK_INT(h.nwin[4], 2);
    CHECK_INT(h.nwin[6], 1);
    CHECK_INT(h.win[6][0].end_min, 1440);

    CHECK_INT(sla_parse("fri-mon 10:00-12:00", 420, &h, err, sizeof err), HD_OK);
    CHECK_INT(h.nwin[4] + h.nwin[5] + h.nwin[6] + h.nwin[0], 4);
    CHECK_INT(h.nwin[1] + h.nwin[2] + h.nwin[3], 0);

    /* Touching windows do not overlap. */
    CHECK_INT(sla_parse("mon 07:30-11:30 11:30-12:00", 420, &h, err, sizeof err), HD_OK);
}

static void test_parse_errors(void)
{
    static const char *const bad[] = {
        "",                                       /* no working time */
        "   ;  ",
        "mon-fri",                                /* days without a window */
        "mon-fri ; sat 07:30-11:30",
        "xyz 07:30-17:00",                        /* no such day */
        "monday 07:30-17:00",
        "mon-fri 07:30",                          /* half a window */
        "mon-fri 07:30 17:00",
        "mon-fri 0730-1700",
        "mon 17:00-07:30",                        /* ends before it starts */
        "mon 08:00-08:00",
        "mon 25:00-26:00",                        /* no such time */
        "mon 07:60-08:00",
        "mon 24:30-24:45",
        "mon 07:30-12:00 11:00-13:00",            /* overlap in a clause */
        "mon-fri 07:30-17:00; fri 16:00-18:00",   /* overlap across clauses */
        "mon-fri 07:30-17:00 x",
        "mon-fri 07:30-17:00 / sat 07:30-11:30",
    };
    sla_hours h;
    char err[256];

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        int rc = sla_parse(bad[i], 420, &h, err, sizeof err);
        CHECK_MSG(rc == HD_ECONFIG, "sla_parse(\"%s\") = %d, expected HD_ECONFIG", bad[i], rc);
        CHECK_MSG(err[0] != '\0', "no message for \"%s\"", bad[i]);
        CHECK_INT(h.nwin[0] + h.nwin[4], 0);     /* nothing half-filled */
    }
    /* The message says where. */
    sla_parse("mon-fri 07:30-17:00; sat 7:3O-11:30", 420, &h, err, sizeof err);
    CHECK_MSG(strstr(err, "character 26") != NULL, "err = %s", err);
    CHECK_INT(sla_parse(SLA_DEFAULT_HOURS, 900, &h, err, sizeof err), HD_ECONFIG);
    CHECK_INT(sla_parse(NULL, 420, &h, err, sizeof err), HD_EINVAL);
}

static void test_working_ms(void)
{
    sla_hours h = hours(SLA_DEFAULT_HOURS);
    static const struct {
        int d1, h1, m1, d2, h2, m2;
        int64_t expect_min;
        const char *why;
    } cases[] = {
        /* Mon 08:00 -> Tue 08:00: Mon 08:00-17:00 9 h + Tue 07:30-08:00 0.5 h. */
        { 1, 8, 0, 2, 8, 0, 570, "Mon 08:00 -> Tue 08:00" },
        /* Within one window. */
        { 1, 8, 0, 1, 9, 15, 75, "Mon 08:00 -> Mon 09:15" },
        /* Before opening to after closing: the whole day. */
        { 2, 5, 0, 2, 18, 0, 570, "Tue 05:00 -> Tue 18:00" },
        { 2, 5, 0, 2, 7, 30, 0, "Tue 05:00 -> Tue 07:30" },
        { 2, 17, 0, 3, 7, 30, 0, "Tue 17:00 -> Wed 07:30 (night)" },
        /* Friday evening: Saturday morning counts. Sat 4 h, Sunday nothing,
         * Monday 07:30-08:00 0.5 h. */
        { 5, 20, 0, 6, 7, 30, 0, "Fri 20:00 -> Sat 07:30" },
        { 5, 20, 0, 6, 12, 0, 240, "Fri 20:00 -> Sat 12:00" },
        { 5, 20, 0, 8, 7, 30, 240, "Fri 20:00 -> Mon 07:30" },
        { 5, 20, 0, 8, 8, 0, 270, "Fri 20:00 -> Mon 08:00" },
        /* Saturday after noon and Sunday count nothing. */
        { 6, 12, 0, 8, 7, 30, 0, "Sat 12:00 -> Mon 07:30" },
        { 7, 9, 0, 7, 16, 0, 0, "Sun 09:00 -> Sun 16:00" },
        /* Saturday morning inside its window. */
        { 6, 9, 0, 6, 11, 0, 120, "Sat 09:00 -> Sat 11:00" },
        { 6, 11, 0, 8, 9, 0, 30 + 90, "Sat 11:00 -> Mon 09:00" },
        /* A whole week, Mon 00:00 -> Mon 00:00: 5 x 9.5 + 4 = 51.5 h. */
        { 1, 0, 0, 8, 0, 0, 3090, "one week" },
        /* Fri 16:00 -> Tue 09:00: Fri 1 + Sat 4 + Mon 9.5 + Tue 1.5 = 16 h. */
        { 5, 16, 0, 9, 9, 0, 960, "Fri 16:00 -> Tue 09:00" },
        /* Empty and reversed spans. */
        { 1, 9, 0, 1, 9, 0, 0, "empty" },
        { 2, 9, 0, 1, 9, 0, 0, "reversed" },
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t got = sla_working_ms(&h, vn(cases[i].d1, cases[i].h1, cases[i].m1),
                                     vn(cases[i].d2, cases[i].h2, cases[i].m2));
        CHECK_MSG(got == cases[i].expect_min * MIN, "%s: %lld min, expected %lld",
                  cases[i].why, (long long)(got / MIN), (long long)cases[i].expect_min);
    }
    /* A year of 52 weeks: 2025-09-01 -> 2026-08-31 (both Mondays) = 52 x 51.5 h. */
    CHECK_INT(sla_working_ms(&h, vn(1, 0, 0), at_tz(420, 2026, 8, 31, 0, 0)), 52 * 3090 * MIN);
    /* Milliseconds count: 1 ms into the window. */
    CHECK_INT(sla_working_ms(&h, vn(1, 7, 0), vn(1, 7, 30) + 1), 1);
}

static void test_time_zone(void)
{
    sla_hours utc, vn7;
    char err[128];

    CHECK_INT(sla_parse(SLA_DEFAULT_HOURS, 0, &utc, err, sizeof err), HD_OK);
    CHECK_INT(sla_parse(SLA_DEFAULT_HOURS, 420, &vn7, err, sizeof err), HD_OK);
    /* 00:30 UTC on Monday is 07:30 in Hà Nội: the window opens then. */
    int64_t t = at_tz(0, 2025, 9, 1, 0, 30);
    CHECK_INT(sla_working_ms(&vn7, t, t + HOUR), HOUR);
    CHECK_INT(sla_working_ms(&utc, t, t + HOUR), 0);
    /* 11:00 UTC Monday = 18:00 local: closed for Hà Nội, open in UTC. */
    t = at_tz(0, 2025, 9, 1, 11, 0);
    CHECK_INT(sla_working_ms(&vn7, t, t + HOUR), 0);
    CHECK_INT(sla_working_ms(&utc, t, t + HOUR), HOUR);
    /* Sunday 20:00 UTC is Monday 03:00 local: nothing until 07:30 local. */
    t = at_tz(0, 2025, 8, 31, 20, 0);
    CHECK_INT(sla_working_ms(&vn7, t, at_tz(0, 2025, 9, 1, 1, 0)), 30 * MIN);
}

static void test_lunch_break_and_wrap(void)
{
    sla_hours h = hours("mon-fri 07:30-11:30 13:30-17:00");
    /* Mon 11:00 -> 14:00: 11:00-11:30 and 13:30-14:00 = 1 h. */
    CHECK_INT(sla_working_ms(&h, vn(1, 11, 0), vn(1, 14, 0)), HOUR);
    /* A whole weekday: 4 + 3.5 = 7.5 h. */
    CHECK_INT(sla_working_ms(&h, vn(2, 0, 0), vn(3, 0, 0)), 450 * MIN);

    h = hours("fri-mon 10:00-12:00");
    /* Thu 00:00 -> Tue 00:00: Fri, Sat, Sun, Mon 2 h each = 8 h. */
    CHECK_INT(sla_working_ms(&h, vn(4, 0, 0), vn(9, 0, 0)), 8 * HOUR);
}

static void test_deadline(void)
{
    sla_hours h = hours(SLA_DEFAULT_HOURS);

    /* Fri 16:00 + 16 h: Fri 16-17 (1), Sat 07:30-11:30 (5), Mon (14.5),
     * Tue 07:30 + 1.5 h = Tue 09:00. */
    CHECK_INT(sla_deadline_ms(&h, vn(5, 16, 0), 16 * HOUR), vn(9, 9, 0));
    /* Mon 08:00 + 16 h: Mon 9 h, Tue 07:30 + 7 h = Tue 14:30. */
    CHECK_INT(sla_deadline_ms(&h, vn(1, 8, 0), 16 * HOUR), vn(2, 14, 30));
    /* Fri 20:00 + 16 h: Sat 4, Mon 9.5 (13.5), Tue 07:30 + 2.5 h = 10:00. */
    CHECK_INT(sla_deadline_ms(&h, vn(5, 20, 0), 16 * HOUR), vn(9, 10, 0));
    /* Landing exactly on a window's end is that end, not the next start:
     * Sat 07:30 + 4 h = Sat 11:30; Sun 12:00 + 51.5 h (a week) = the next
     * Saturday 11:30 (the 13th). */
    CHECK_INT(sla_deadline_ms(&h, vn(6, 7, 30), 4 * HOUR), vn(6, 11, 30));
    CHECK_INT(sla_deadline_ms(&h, vn(7, 12, 0), 3090 * MIN), vn(13, 11, 30));
    /* Starting at a week boundary: Mon 00:00 + 1 ms = Mon 07:30:00.001. */
    CHECK_INT(sla_deadline_ms(&h, vn(1, 0, 0), 1), vn(1, 7, 30) + 1);
    /* Zero work: now. */
    CHECK_INT(sla_deadline_ms(&h, vn(3, 3, 0), 0), vn(3, 3, 0));
    /* Consistent with working_ms for a spread of starts. */
    for (int64_t t = vn(1, 0, 0); t < vn(8, 0, 0); t += 97 * MIN) {
        int64_t dl = sla_deadline_ms(&h, t, 16 * HOUR);
        CHECK_INT(sla_working_ms(&h, t, dl), 16 * HOUR);
        CHECK(sla_working_ms(&h, t, dl - 1) < 16 * HOUR);
    }
}

static void test_overdue(void)
{
    sla_hours h = hours(SLA_DEFAULT_HOURS);

    /* Created Fri 16:00, 16 working hours: due Tue 09:00 (above). */
    CHECK_INT(sla_is_overdue(&h, vn(5, 16, 0), vn(9, 8, 59), 16), 0);
    CHECK_INT(sla_is_overdue(&h, vn(5, 16, 0), vn(9, 9, 0), 16), 0);
    CHECK_INT(sla_is_overdue(&h, vn(5, 16, 0), vn(9, 9, 0) + 1, 16), 1);
    /* Over the weekend nothing becomes overdue: created Thu 09:00, at
     * Fri 17:00 it has 8 + 9.5 = 17.5 h > 16; created Fri 09:00, on Sunday
     * it has 8 + 4 = 12 h and on Monday 11:30 12 + 4 = 16 h, 11:31 16 h 1 min. */
    CHECK_INT(sla_is_overdue(&h, vn(4, 9, 0), vn(5, 17, 0), 16), 1);
    CHECK_INT(sla_is_overdue(&h, vn(5, 9, 0), vn(7, 23, 0), 16), 0);
    CHECK_INT(sla_is_overdue(&h, vn(5, 9, 0), vn(8, 11, 30), 16), 0);
    CHECK_INT(sla_is_overdue(&h, vn(5, 9, 0), vn(8, 11, 31), 16), 1);
    /* A case opened Saturday afternoon: Mon 9.5 + Tue 6.5 -> due Tue 14:00. */
    CHECK_INT(sla_is_overdue(&h, vn(6, 15, 0), vn(9, 14, 0), 16), 0);
    CHECK_INT(sla_is_overdue(&h, vn(6, 15, 0), vn(9, 14, 1), 16), 1);
}

static void test_weekdays_only(void)
{
    /* Without Saturday, Friday 20:00 starts counting on Monday 07:30. */
    sla_hours h = hours("mon-fri 07:30-17:00");
    CHECK_INT(sla_working_ms(&h, vn(5, 20, 0), vn(8, 7, 30)), 0);
    CHECK_INT(sla_working_ms(&h, vn(5, 20, 0), vn(8, 8, 0)), 30 * MIN);
    /* Fri 20:00 + 16 h: Mon 9.5, Tue 07:30 + 6.5 h = Tue 14:00. */
    CHECK_INT(sla_deadline_ms(&h, vn(5, 20, 0), 16 * HOUR), vn(9, 14, 0));
}

TEST_MAIN(T(test_calendar_helper), T(test_parse_default), T(test_parse_forms),
          T(test_parse_errors), T(test_working_ms), T(test_time_zone),
          T(test_lunch_break_and_wrap), T(test_deadline), T(test_overdue),
          T(test_weekdays_only))
