/* rules.h -- the rules every reminder obeys, as pure functions of the time
 * and of what is known of a contact (no I/O, no clock: the caller passes
 * now). Used by the planner (src/campaign/), the delivery worker (nothing
 * bulk leaves outside the window) and the broadcast API (send_at).
 *
 *   window    reminders and follow-ups only outside the quiet hours
 *             (HELPDESK_QUIET_START..HELPDESK_QUIET_END, local time,
 *             22:00..07:00 by default): open from 07:00:00.000 up to
 *             21:59:59.999;
 *   day       the daily cap counts local days (Asia/Ho_Chi_Minh: UTC+7,
 *             no daylight saving): "YYYY-MM-DD";
 *   route     Zalo only to users who wrote within the last 7 days (Zalo's
 *             own rule for free-form messages), else SMS to a known mobile
 *             number, else skipped; opted-out contacts get nothing. */
#ifndef HD_CAMPAIGN_RULES_H
#define HD_CAMPAIGN_RULES_H

#include <stddef.h>
#include <stdint.h>

#define CAMPAIGN_DAY_MS        (24LL * 3600 * 1000)
#define CAMPAIGN_ZALO_WINDOW_MS (7 * CAMPAIGN_DAY_MS)
#define CAMPAIGN_DAY_MAX       11   /* "YYYY-MM-DD" and its NUL */

typedef struct campaign_window {
    int quiet_start_min;   /* minutes after local midnight: 22:00 -> 1320 */
    int quiet_end_min;     /* 07:00 -> 420; equal to start: no quiet hours */
    int tz_offset_min;     /* local time = UTC + this (420) */
} campaign_window;

/* "HH:MM" (00:00..23:59, one or two digits for the hour) -> minutes. */
int campaign_hhmm_parse(const char *s, int *minutes);

/* The window from the two settings; HD_ECONFIG naming the bad one. */
int campaign_window_init(campaign_window *w, const char *quiet_start, const char *quiet_end,
                         int tz_offset_min, char *err, size_t errlen);

/* 1 when a reminder may go out at now_ms, 0 in the quiet hours. */
int campaign_window_open(const campaign_window *w, int64_t now_ms);
/* now_ms when open, else the instant the quiet hours end. */
int64_t campaign_window_next_open(const campaign_window *w, int64_t now_ms);
/* The first instant of the next local day's window (a reminder for a
 * contact that had its reminder today waits for it). */
int64_t campaign_window_next_day(const campaign_window *w, int64_t now_ms);
/* The latest start of the quiet hours at or before now_ms (0 when there
 * are no quiet hours). A reminder queued before it and still unsent missed
 * its day's window: its daily cap was counted for a day that is over. */
int64_t campaign_window_last_close(const campaign_window *w, int64_t now_ms);

/* The local calendar day of ms, "YYYY-MM-DD". */
void campaign_local_day(int64_t ms, int tz_offset_min, char out[CAMPAIGN_DAY_MAX]);

/* How a contact is reached by a reminder. */
typedef enum campaign_route {
    CAMPAIGN_ROUTE_SELF = 0,     /* on its own channel and address */
    CAMPAIGN_ROUTE_PHONE,        /* by SMS to its phone (a Zalo user outside 7 days) */
    CAMPAIGN_SKIP_OPTED_OUT,
    CAMPAIGN_SKIP_NO_CHANNEL
} campaign_route;

typedef struct campaign_reach {
    const char *channel;         /* "sms", "zalo", "console" ... */
    int         opted_out;
    int64_t     last_inbound_at; /* epoch ms, 0 = never wrote */
    int         has_phone;       /* contacts.phone is a Vietnamese mobile number */
    int         sms_ok, zalo_ok; /* the channel can send (a provider is configured) */
} campaign_reach;

campaign_route campaign_route_choose(const campaign_reach *c, int64_t now_ms);
/* "opted_out" / "no_channel" for the skips, NULL for the routes. */
const char *campaign_route_skip_reason(campaign_route r);

/* "now" (-> now_ms) or an ISO-8601 local or zoned time:
 * YYYY-MM-DDTHH:MM[:SS[.fff]] then nothing (local time, tz_offset_min), Z,
 * or +HH:MM / -HH:MM / +HHMM; a space may stand for the T. HD_EINVAL
 * otherwise (also for impossible dates such as 2026-02-30). */
int campaign_time_parse(const char *s, int64_t now_ms, int tz_offset_min, int64_t *out);

/* Parts of a GSM-7 SMS of len characters: 1 up to 160, else 153 each. */
int campaign_sms_parts(size_t len);

#endif
