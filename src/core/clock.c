/* clock.c -- real or shifted wall-clock time in epoch milliseconds. */
#include "core/clock.h"

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
