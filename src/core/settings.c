/* settings.c -- environment variables into struct settings. */
#include "core/settings.h"
#include "core/err.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ENV_LINE_MAX 4096

static char *trim(char *p)
{
    char *e;

    while (isspace((unsigned char)*p))
        p++;
    e = p + strlen(p);
    while (e > p && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return p;
}

int settings_read_env_file(const char *path, char *err, size_t errlen)
{
    char line[ENV_LINE_MAX];
    FILE *f;
    int lineno = 0, rc = HD_OK;

    f = fopen(path, "r");
    if (!f)
        return HD_ENOTFOUND;
    while (fgets(line, sizeof line, f)) {
        char *key, *val, *eq;
        size_t n;

        lineno++;
        if (!strchr(line, '\n') && !feof(f)) {
            rc = hd_seterr(err, errlen, HD_ECONFIG, "%s:%d: line too long", path, lineno);
            goto out;
        }
        key = trim(line);
        if (!*key || *key == '#')
            continue;
        if (strncmp(key, "export ", 7) == 0)
            key = trim(key + 7);
        eq = strchr(key, '=');
        if (!eq) {
            rc = hd_seterr(err, errlen, HD_ECONFIG, "%s:%d: expected NAME=value", path, lineno);
            goto out;
        }
        *eq = '\0';
        key = trim(key);
        val = trim(eq + 1);
        n = strlen(val);
        /* Quotes are optional and only strip when they match at both ends. */
        if (n >= 2 && (val[0] == '"' || val[0] == '\'') && val[n - 1] == val[0]) {
            val[n - 1] = '\0';
            val++;
        }
        if (setenv(key, val, 0) != 0) {
            rc = hd_seterr(err, errlen, HD_ECONFIG, "%s:%d: bad variable name", path, lineno);
            goto out;
        }
    }
out:
    fclose(f);
    return rc;
}

static int set_str(char *dst, const char *env, const char *val, char *err, size_t errlen)
{
    if (strlen(val) >= SETTINGS_STR_MAX)
        return hd_seterr(err, errlen, HD_ECONFIG, "%s is too long", env);
    strcpy(dst, val);
    return HD_OK;
}

static int set_int(long long *dst, const char *env, const char *val, char *err, size_t errlen)
{
    char *end;
    long long v;

    errno = 0;
    v = strtoll(val, &end, 10);
    if (errno || end == val || *trim(end) != '\0')
        return hd_seterr(err, errlen, HD_ECONFIG, "%s must be a whole number", env);
    *dst = v;
    return HD_OK;
}

int settings_load(settings *s, const char *env_file, char *err, size_t errlen)
{
    const char *v;
    int rc;

    if (!s)
        return HD_EINVAL;
    memset(s, 0, sizeof *s);
    if (!env_file)
        env_file = getenv("HELPDESK_ENV_FILE");
    if (!env_file)
        env_file = ".env";
    rc = settings_read_env_file(env_file, err, errlen);
    if (rc != HD_OK && rc != HD_ENOTFOUND)
        return rc;

#define SETTINGS_SET_STR(f, env) rc = set_str(s->f, env, v, err, errlen);
#define SETTINGS_SET_INT(f, env) rc = set_int(&s->f, env, v, err, errlen);
#define SETTINGS_SET(kind, f, env, def, secret)        \
    v = getenv(env);                                   \
    if (!v || !*v)                                     \
        v = def;                                       \
    SETTINGS_SET_##kind(f, env)                        \
    if (rc)                                            \
        return rc;
    SETTINGS_MAP(SETTINGS_SET)
#undef SETTINGS_SET
#undef SETTINGS_SET_STR
#undef SETTINGS_SET_INT

    if (s->http_port < 1 || s->http_port > 65535)
        return hd_seterr(err, errlen, HD_ECONFIG, "HELPDESK_HTTP_PORT must be 1..65535");
    if (s->http_threads < 1 || s->http_threads > 256)
        return hd_seterr(err, errlen, HD_ECONFIG, "HELPDESK_HTTP_THREADS must be 1..256");
    if (s->http_max_conns < 16 || s->http_max_conns > 100000)
        return hd_seterr(err, errlen, HD_ECONFIG, "HELPDESK_HTTP_MAX_CONNECTIONS must be 16..100000");
    if (s->outbox_max_attempts < 1 || s->outbox_lease_ms < 1000 || s->outbox_backoff_max_ms < 1000)
        return hd_seterr(err, errlen, HD_ECONFIG,
                         "HELPDESK_OUTBOX_*: attempts >= 1, lease and back-off >= 1000 ms");
    if (s->sms_rate_per_s < 1 || s->zalo_rate_per_s < 1)
        return hd_seterr(err, errlen, HD_ECONFIG, "SMS_RATE_PER_S and ZALO_RATE_PER_S must be >= 1");
    for (const char *k = s->kannel_webhook_key; *k; k++)
        if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') || (*k >= '0' && *k <= '9') ||
              *k == '-' || *k == '_'))
            return hd_seterr(err, errlen, HD_ECONFIG,
                             "KANNEL_WEBHOOK_KEY may hold only letters, digits, '-' and '_'");
    if (s->handler_threads < 1 || s->handler_threads > 1024)
        return hd_seterr(err, errlen, HD_ECONFIG, "HELPDESK_HANDLER_THREADS must be 1..1024");
    if (s->group_commit_max < 1 || s->group_commit_max > 10000)
        return hd_seterr(err, errlen, HD_ECONFIG, "HELPDESK_GROUP_COMMIT_MAX must be 1..10000");
    if (s->send_timeout_ms < 100)
        return hd_seterr(err, errlen, HD_ECONFIG, "HELPDESK_SEND_TIMEOUT_MS must be >= 100");
    return HD_OK;
}
