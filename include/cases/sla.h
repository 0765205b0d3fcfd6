/* sla.h -- working hours and the overdue flag of a case.
 *
 * A case is overdue when it has been waiting longer than
 * HELPDESK_CASE_SLA_HOURS *working* hours: time outside the police's
 * working hours does not count, so a case opened on Friday evening starts
 * counting on Monday morning (or Saturday morning, with the default hours).
 *
 * Working hours are written as in HELPDESK_WORK_HOURS:
 *
 *     "mon-fri 07:30-17:00; sat 07:30-11:30"
 *     "mon,wed,fri 07:30-11:30 13:00-17:00; sat 08:00-11:00"
 *
 * clauses separated by ';', each a set of days (mon tue wed thu fri sat sun,
 * single or ranges, joined by ','; a range may wrap: fri-mon) and one or more
 * HH:MM-HH:MM windows (separated by spaces or ','; 24:00 ends a day). Days
 * not named are closed. Windows of one day may not overlap.
 *
 * Local time is UTC plus a fixed offset (Asia/Ho_Chi_Minh: +420 minutes, no
 * daylight saving). Everything here is pure arithmetic on epoch ms. */
#ifndef HD_CASES_SLA_H
#define HD_CASES_SLA_H

#include <stddef.h>
#include <stdint.h>

#define SLA_WINDOWS_MAX 8            /* per day */
#define SLA_DEFAULT_HOURS "mon-fri 07:30-17:00; sat 07:30-11:30"
#define SLA_DEFAULT_TZ_MIN 420

typedef struct sla_window {
    int start_min, end_min;          /* minutes since local midnight, start < end */
} sla_window;

typedef struct sla_hours {
    int        tz_offset_min;
    int        nwin[7];              /* [0] = Monday ... [6] = Sunday */
    sla_window win[7][SLA_WINDOWS_MAX];   /* sorted by start */
} sla_hours;

/* Parse spec for a local time of UTC + tz_offset_min (-720..840).
 * HD_ECONFIG with err naming the position and what was expected when the
 * text is malformed, names no working time at all, or has overlapping
 * windows. */
int sla_parse(const char *spec, int tz_offset_min, sla_hours *out, char *err, size_t errlen);

/* Working milliseconds in [from_ms, to_ms); 0 when to_ms <= from_ms. */
int64_t sla_working_ms(const sla_hours *h, int64_t from_ms, int64_t to_ms);

/* The first instant at which work_ms working milliseconds have passed since
 * from_ms (the end of a window when it lands there): "due by". */
int64_t sla_deadline_ms(const sla_hours *h, int64_t from_ms, int64_t work_ms);

/* 1 when more than limit_hours working hours lie between created_ms and
 * now_ms, else 0. */
int sla_is_overdue(const sla_hours *h, int64_t created_ms, int64_t now_ms, int limit_hours);

#endif
