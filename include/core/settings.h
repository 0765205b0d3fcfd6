/* settings.h -- every setting, from the environment (and an optional .env).
 *
 * The list below is the only place a setting is named; .env.example documents
 * each one. Real environment variables win over the .env file. Values that are
 * secrets are marked so and are never printed. */
#ifndef HD_CORE_SETTINGS_H
#define HD_CORE_SETTINGS_H

#include <stddef.h>

#define SETTINGS_STR_MAX 512

/* X(kind, field, ENV_NAME, default, secret) -- kind STR or INT. */
#define SETTINGS_MAP(X)                                                          \
    X(STR, http_host,      "HELPDESK_HTTP_HOST",      "127.0.0.1",  0)           \
    X(INT, http_port,      "HELPDESK_HTTP_PORT",      "8080",       0)           \
    X(INT, http_threads,   "HELPDESK_HTTP_THREADS",   "4",          0)           \
    X(INT, http_max_conns, "HELPDESK_HTTP_MAX_CONNECTIONS", "1024", 0)           \
    X(STR, db_path,        "HELPDESK_DB",             "var/helpdesk.db", 0)      \
    X(STR, messages_dir,   "HELPDESK_MESSAGES",       "messages",   0)           \
    X(STR, log_level,      "HELPDESK_LOG_LEVEL",      "info",       0)           \
    X(INT, fake_now_ms,    "HELPDESK_FAKE_NOW",       "0",          0)

typedef struct settings {
#define SETTINGS_FIELD_STR(f) char f[SETTINGS_STR_MAX];
#define SETTINGS_FIELD_INT(f) long long f;
#define SETTINGS_FIELD(kind, f, env, def, secret) SETTINGS_FIELD_##kind(f)
    SETTINGS_MAP(SETTINGS_FIELD)
#undef SETTINGS_FIELD
#undef SETTINGS_FIELD_STR
#undef SETTINGS_FIELD_INT
} settings;

/* Read env_file (if it exists; NULL means ".env" or $HELPDESK_ENV_FILE) into
 * the environment without overriding, then fill s from the environment with
 * defaults. HD_ECONFIG with a message naming the variable on a bad value. */
int settings_load(settings *s, const char *env_file, char *err, size_t errlen);

/* Parse a .env file into the environment (existing variables win). */
int settings_read_env_file(const char *path, char *err, size_t errlen);

#endif
