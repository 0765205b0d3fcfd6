/* log.c -- timestamped lines on stderr; one write(2) per line so that lines
 * from several threads never interleave. */
#include "core/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

/* Set once at start from the settings, read by every thread afterwards. */
static volatile int log_level_cur = LOG_INFO;

void log_set_level(log_level level)
{
    log_level_cur = (int)level;
}

void log_set_level_name(const char *name)
{
    static const char *names[] = { "debug", "info", "warn", "error" };

    if (!name)
        return;
    for (int i = 0; i < 4; i++)
        if (strcasecmp(name, names[i]) == 0)
            log_level_cur = i;
}

int log_enabled(log_level level)
{
    return (int)level >= log_level_cur;
}

void log_write(log_level level, const char *fmt, ...)
{
    static const char *tags[] = { "DEBUG", "INFO ", "WARN ", "ERROR" };
    char line[1024];
    struct timespec ts;
    struct tm tm;
    size_t n;
    va_list ap;
    int k;

    if (!log_enabled(level))
        return;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    n = strftime(line, sizeof line, "%Y-%m-%dT%H:%M:%S", &tm);
    k = snprintf(line + n, sizeof line - n, ".%03ldZ %s ", ts.tv_nsec / 1000000L,
                 tags[level & 3]);
    if (k > 0)
        n += (size_t)k;
    va_start(ap, fmt);
    k = vsnprintf(line + n, sizeof line - n, fmt, ap);
    va_end(ap);
    if (k > 0)
        n += (size_t)k;
    if (n > sizeof line - 2)
        n = sizeof line - 2;   /* truncated line: still end it cleanly */
    line[n++] = '\n';
    if (write(STDERR_FILENO, line, n) < 0) {
        /* nowhere left to report it */
    }
}
