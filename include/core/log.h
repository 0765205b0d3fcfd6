/* log.h -- one line per event on standard error.
 *
 * "2026-11-22T12:00:00.123Z INFO  http: listening on 127.0.0.1:8080"
 * Never pass personal data (ID numbers, message texts, tokens) to these:
 * log identifiers (contact id, case id) instead. */
#ifndef HD_CORE_LOG_H
#define HD_CORE_LOG_H

typedef enum log_level { LOG_DEBUG = 0, LOG_INFO, LOG_WARN, LOG_ERROR } log_level;

/* "debug", "info", "warn", "error"; unknown names leave the level as is. */
void log_set_level_name(const char *name);
void log_set_level(log_level level);
int  log_enabled(log_level level);
void log_write(log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_debug(...) do { if (log_enabled(LOG_DEBUG)) log_write(LOG_DEBUG, __VA_ARGS__); } while (0)
#define log_info(...)  log_write(LOG_INFO, __VA_ARGS__)
#define log_warn(...)  log_write(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_write(LOG_ERROR, __VA_ARGS__)

#endif
