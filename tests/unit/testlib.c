/* testlib.c -- the runner behind test.h. */
#include "test.h"

#include <sqlite3.h>

#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

int test_failed_;
const char *test_name_;

void test_fail_(const char *file, int line, const char *fmt, ...)
{
    va_list ap;

    if (test_failed_++ == 0)
        printf("FAIL %s: ", test_name_);
    else
        printf("     %s: ", test_name_);
    printf("%s:%d: ", file, line);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
}

static int wanted(const char *name, int argc, char **argv)
{
    if (argc < 2)
        return 1;
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return 1;
    return 0;
}

int test_run(const test_case *cases, int argc, char **argv)
{
    int failed = 0;

    setvbuf(stdout, NULL, _IOLBF, 0);
    for (const test_case *c = cases; c->name; c++) {
        if (!wanted(c->name, argc, argv))
            continue;
        test_name_ = c->name;
        test_failed_ = 0;
        c->fn();
        if (test_failed_)
            failed++;
        else
            printf("PASS %s\n", c->name);
    }
    return failed ? 1 : 0;
}

const char *test_tmpdir(void)
{
    static char dir[256];

    if (!dir[0]) {
        const char *base = getenv("TEST_TMPDIR");
        snprintf(dir, sizeof dir, "%s/unit.XXXXXX", base ? base : "/tmp");
        if (!mkdtemp(dir)) {
            perror("mkdtemp");
            exit(2);
        }
    }
    return dir;
}

const char *test_messages_dir(void)
{
    const char *m = getenv("HELPDESK_MESSAGES");
    return m && *m ? m : "messages";
}

long long test_sql_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    long long v = -1;

    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

void test_sql_exec_(const char *file, int line, sqlite3 *db, const char *sql)
{
    char *msg = NULL;

    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        test_fail_(file, line, "%s: %s", sql, msg ? msg : sqlite3_errmsg(db));
    sqlite3_free(msg);
}
