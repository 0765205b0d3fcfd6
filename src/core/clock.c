/* clock.c -- real or shifted wall-clock time in epoch milliseconds. */
#include "core/clock.h"

#include <stdio.h>
#include <time.h>

/* Written once by clock_init() before any thread starts. */
static int64_t clock_shift_ms;

static int64_t clock_real_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void clock_init(int64_t fake_now_ms)
{
    clock_shift_ms = fake_now_ms > 0 ? fake_now_ms - clock_real_ms() : 0;
}

int64_t clock_now_ms(void)
{
    return clock_real_ms() + clock_shift_ms;
}

void clock_format_iso(int64_t ms, int offset_min, char out[32])
{
    time_t t = (time_t)((ms - (ms < 0 ? 999 : 0)) / 1000 + (int64_t)offset_min * 60);
    int off = offset_min < 0 ? -offset_min : offset_min;
    struct tm tm;
    size_t n;

    gmtime_r(&t, &tm);
    n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + n, 32 - n, "%c%02d:%02d", offset_min < 0 ? '-' : '+', (off / 60) % 100,
             off % 60);
}

void clock_deadline(clockid_t clk, int64_t ms, struct timespec *out)
{
    clock_gettime(clk, out);
    out->tv_sec += (time_t)(ms / 1000);
    out->tv_nsec += (long)(ms % 1000) * 1000000L;
    if (out->tv_nsec >= 1000000000L) {
        out->tv_sec++;
        out->tv_nsec -= 1000000000L;
    }
}
