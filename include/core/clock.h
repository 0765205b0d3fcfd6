/* clock.h -- the time, in one place, so that tests can move it.
 *
 * HELPDESK_FAKE_NOW (epoch ms, set before start) makes the process start its
 * clock at that instant and advance it with the real monotonic clock; tests of
 * time windows and daily caps use it. Unset, it is the real time. */
#ifndef HD_CORE_CLOCK_H
#define HD_CORE_CLOCK_H

#include <stdint.h>
#include <time.h>

/* Called once at start (before threads). offset_from = fake epoch ms or 0. */
void    clock_init(int64_t fake_now_ms);
int64_t clock_now_ms(void);

/* "2026-11-22T19:15:00+07:00": epoch ms shown at a fixed offset from UTC in
 * minutes (Viet Nam: 420, no daylight saving). out must hold 32 bytes. */
void clock_format_iso(int64_t ms, int offset_min, char out[32]);

/* The absolute time ms from now on clock clk, for pthread_cond_timedwait()
 * (CLOCK_REALTIME for a default condition variable). */
void clock_deadline(clockid_t clk, int64_t ms, struct timespec *out);

#endif
