/* test_settings.c -- the environment and .env into struct settings. */
#include "core/err.h"
#include "core/settings.h"
#include "test.h"

#include <stdio.h>
#include <stdlib.h>

static const char *write_file(const char *name, const char *text)
{
    static char path[512];
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", test_tmpdir(), name);
    f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    return path;
}

static void defaults(void)
{
    settings s;
    char err[256];

    unsetenv("HELPDESK_HTTP_PORT");
    unsetenv("HELPDESK_DB");
    unsetenv("HELPDESK_MESSAGES");
    CHECK_INT(settings_load(&s, "/nonexistent/.env", err, sizeof err), HD_OK);
    CHECK_INT(s.http_port, 8080);
    CHECK_STR(s.http_host, "127.0.0.1");
    CHECK_STR(s.db_path, "var/helpdesk.db");
    CHECK_STR(s.messages_dir, "messages");
}

static void env_file_does_not_override(void)
{
    const char *p = write_file("a.env",
                               "# comment\n"
                               "export HELPDESK_HTTP_HOST=0.0.0.0\n"
                               "HELPDESK_DB = \"/tmp/x y.db\"\n"
                               "HELPDESK_MESSAGES='m'\n"
                               "HELPDESK_HTTP_PORT=9000\n");
    settings s;
    char err[256];

    setenv("HELPDESK_HTTP_PORT", "9100", 1);
    unsetenv("HELPDESK_HTTP_HOST");
    unsetenv("HELPDESK_DB");
    unsetenv("HELPDESK_MESSAGES");
    CHECK_INT(settings_load(&s, p, err, sizeof err), HD_OK);
    CHECK_INT(s.http_port, 9100);                /* the real variable wins */
    CHECK_STR(s.http_host, "0.0.0.0");
    CHECK_STR(s.db_path, "/tmp/x y.db");
    CHECK_STR(s.messages_dir, "m");
    unsetenv("HELPDESK_HTTP_PORT");
    unsetenv("HELPDESK_HTTP_HOST");
    unsetenv("HELPDESK_DB");
    unsetenv("HELPDESK_MESSAGES");
}

static void bad_values_name_the_variable(void)
{
    settings s;
    char err[256] = "";

    setenv("HELPDESK_HTTP_PORT", "80x", 1);
    CHECK_INT(settings_load(&s, "/nonexistent", err, sizeof err), HD_ECONFIG);
    CHECK(strstr(err, "HELPDESK_HTTP_PORT") != NULL);
    setenv("HELPDESK_HTTP_PORT", "70000", 1);
    CHECK_INT(settings_load(&s, "/nonexistent", err, sizeof err), HD_ECONFIG);
    unsetenv("HELPDESK_HTTP_PORT");
    CHECK_INT(settings_load(&s, write_file("b.env", "JUSTAWORD\n"), err, sizeof err), HD_ECONFIG);
    CHECK(strstr(err, ":1:") != NULL);
}

/* Every setting the program reads is documented for operators. */
static void every_setting_in_env_example(void)
{
    static const char *const names[] = {
#define NAME(kind, f, env, def, secret) env,
        SETTINGS_MAP(NAME)
#undef NAME
    };
    char buf[32768];
    FILE *f = fopen(".env.example", "r");
    size_t n;

    CHECK(f != NULL);
    if (!f)
        return;
    n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char want[96];
        snprintf(want, sizeof want, "\n%s=", names[i]);
        CHECK_MSG(strstr(buf, want) != NULL, "%s is not in .env.example", names[i]);
    }
}

TEST_MAIN(T(defaults), T(env_file_does_not_override), T(bad_values_name_the_variable),
          T(every_setting_in_env_example))
