/* test.h -- a tiny unit test harness.
 *
 * Each tests/unit/test_*.c is its own program (so one crash cannot hide the
 * others): it lists its cases with TEST_LIST and prints one line per case,
 * "PASS name" or "FAIL name: file:line: what". tests/run.sh counts them. */
#ifndef HD_TEST_H
#define HD_TEST_H

#include <stdio.h>
#include <string.h>

extern int test_failed_;      /* failures in the current case */
extern const char *test_name_;

void test_fail_(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define CHECK(cond) do { if (!(cond)) test_fail_(__FILE__, __LINE__, "%s", #cond); } while (0)
#define CHECK_MSG(cond, ...) do { if (!(cond)) test_fail_(__FILE__, __LINE__, __VA_ARGS__); } while (0)
#define CHECK_INT(a, b) do { long long a_ = (long long)(a), b_ = (long long)(b); \
    if (a_ != b_) test_fail_(__FILE__, __LINE__, "%s == %lld, expected %lld", #a, a_, b_); } while (0)
#define CHECK_STR(a, b) do { const char *a_ = (a), *b_ = (b); \
    if (!a_ || !b_ || strcmp(a_, b_) != 0) \
        test_fail_(__FILE__, __LINE__, "%s == \"%s\", expected \"%s\"", #a, a_ ? a_ : "(null)", b_ ? b_ : "(null)"); } while (0)

typedef struct test_case { const char *name; void (*fn)(void); } test_case;

/* Runs every case (or only those named on the command line); returns the
 * exit status: 0 when all passed. */
int test_run(const test_case *cases, int argc, char **argv);

#define TEST_MAIN(...) \
    int main(int argc, char **argv) { \
        static const test_case cases_[] = { __VA_ARGS__, { NULL, NULL } }; \
        return test_run(cases_, argc, argv); }
#define T(fn) { #fn, fn }

/* A fresh temporary directory for this test program (removed by run.sh). */
const char *test_tmpdir(void);
/* Path of the project's messages/ directory (HELPDESK_MESSAGES or "messages"). */
const char *test_messages_dir(void);

struct sqlite3;
/* The first column of the first row sql gives, as an integer; -1 when it
 * gives no row or fails. */
long long test_sql_int(struct sqlite3 *db, const char *sql);
/* Run sql (one or more statements); failing is a failed CHECK. */
#define test_sql_exec(db, sql) test_sql_exec_(__FILE__, __LINE__, (db), (sql))
void test_sql_exec_(const char *file, int line, struct sqlite3 *db, const char *sql);

#endif
