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
    X(INT, max_inflight,   "HELPDESK_MAX_INFLIGHT",   "0",          0)           \
    X(INT, handler_threads, "HELPDESK_HANDLER_THREADS", "64",       0)           \
    X(INT, group_commit_max, "HELPDESK_GROUP_COMMIT_MAX", "128",    0)           \
    X(INT, ingest_cache_mb, "HELPDESK_INGEST_CACHE_MB", "16",       0)           \
    X(INT, queue_wait_ms,  "HELPDESK_QUEUE_WAIT_MS",  "2000",       0)           \
    X(INT, sender_rate_per_min, "HELPDESK_SENDER_RATE_PER_MIN", "30", 0)         \
    X(STR, metrics_token,  "HELPDESK_METRICS_TOKEN",  "",           1)           \
    X(STR, db_path,        "HELPDESK_DB",             "var/helpdesk.db", 0)      \
    X(STR, messages_dir,   "HELPDESK_MESSAGES",       "messages",   0)           \
    X(STR, data_dir,       "HELPDESK_DATA",           "data",       0)           \
    X(STR, web_dir,        "HELPDESK_WEB",            "web",        0)           \
    X(STR, mode,           "HELPDESK_MODE",           "production", 0)           \
    X(STR, pii_key,        "HELPDESK_PII_KEY",        "",           1)           \
    X(INT, case_sla_hours, "HELPDESK_CASE_SLA_HOURS", "16",         0)           \
    X(STR, work_hours,     "HELPDESK_WORK_HOURS",     "mon-fri 07:30-17:00; sat 07:30-11:30", 0) \
    X(INT, tz_offset_min,  "HELPDESK_TZ_OFFSET_MIN",  "420",        0)           \
    X(INT, retention_days, "HELPDESK_RETENTION_DAYS", "90",         0)           \
    X(STR, quiet_start,    "HELPDESK_QUIET_START",    "22:00",      0)           \
    X(STR, quiet_end,      "HELPDESK_QUIET_END",      "07:00",      0)           \
    X(INT, followup_hours, "HELPDESK_FOLLOWUP_HOURS", "24",         0)           \
    X(STR, log_level,      "HELPDESK_LOG_LEVEL",      "info",       0)           \
    X(INT, fake_now_ms,    "HELPDESK_FAKE_NOW",       "0",          0)           \
    X(STR, public_url,     "HELPDESK_PUBLIC_URL",     "",           0)           \
    X(INT, outbox_max_attempts, "HELPDESK_OUTBOX_MAX_ATTEMPTS", "12", 0)         \
    X(INT, outbox_lease_ms,     "HELPDESK_OUTBOX_LEASE_MS",    "30000", 0)       \
    X(INT, outbox_backoff_max_ms, "HELPDESK_OUTBOX_BACKOFF_MAX_MS", "900000", 0) \
    X(INT, send_timeout_ms, "HELPDESK_SEND_TIMEOUT_MS", "10000",    0)           \
    X(STR, kannel_sendsms_url, "KANNEL_SENDSMS_URL",  "",           0)           \
    X(STR, kannel_user,    "KANNEL_USER",             "",           0)           \
    X(STR, kannel_password, "KANNEL_PASSWORD",        "",           1)           \
    X(STR, kannel_webhook_key, "KANNEL_WEBHOOK_KEY",  "",           1)           \
    X(STR, sms_sender,     "SMS_SENDER",              "",           0)           \
    X(INT, kannel_dlr_mask, "KANNEL_DLR_MASK",        "31",         0)           \
    X(INT, sms_rate_per_s, "SMS_RATE_PER_S",          "50",         0)           \
    X(STR, zalo_app_id,    "ZALO_APP_ID",             "",           0)           \
    X(STR, zalo_oa_secret, "ZALO_OA_SECRET",          "",           1)           \
    X(STR, zalo_app_secret, "ZALO_APP_SECRET",        "",           1)           \
    X(STR, zalo_access_token, "ZALO_ACCESS_TOKEN",    "",           1)           \
    X(STR, zalo_refresh_token, "ZALO_REFRESH_TOKEN",  "",           1)           \
    X(STR, zalo_api_base,  "ZALO_API_BASE",           "https://openapi.zalo.me", 0) \
    X(STR, zalo_oauth_base, "ZALO_OAUTH_BASE",        "https://oauth.zaloapp.com", 0) \
    X(STR, zalo_sig_key,   "ZALO_SIGNATURE_KEY",      "oa_secret",  0)           \
    X(STR, zalo_sig_variant, "ZALO_SIGNATURE_VARIANT", "app_id",    0)           \
    X(INT, zalo_rate_per_s, "ZALO_RATE_PER_S",        "50",         0)

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
