/* test_buf.c -- the bounded buffer: appending within its bound, and reading
 * a whole file into it. */
#include "test.h"

#include "core/buf.h"
#include "core/err.h"

#include <stdio.h>
#include <string.h>

static void append_within_bound(void)
{
    buf b;

    buf_init(&b, 8);
    CHECK_STR(buf_str(&b), "");
    CHECK_INT(buf_appends(&b, "abcd"), HD_OK);
    CHECK_INT(buf_appendf(&b, "%d", 123), HD_OK);
    CHECK_STR(buf_str(&b), "abcd123");
    CHECK_INT(buf_appends(&b, "xy"), HD_ETOOBIG);
    CHECK_STR(buf_str(&b), "abcd123");
    buf_reset(&b);
    CHECK_STR(buf_str(&b), "");
    buf_free(&b);
}

static void read_a_whole_file(void)
{
    char path[512], err[256] = "";
    static char big[100000];
    buf b;
    FILE *f;

    snprintf(path, sizeof path, "%s/file.txt", test_tmpdir());
    memset(big, 'v', sizeof big);
    f = fopen(path, "wb");
    CHECK(f != NULL);
    fwrite(big, 1, sizeof big, f);
    fclose(f);
    buf_init(&b, sizeof big);
    CHECK_INT(buf_read_file(&b, path, err, sizeof err), HD_OK);
    CHECK_INT(b.len, sizeof big);
    CHECK(memcmp(b.data, big, sizeof big) == 0);
    buf_free(&b);
    /* One byte less room than the file: refused, and said so. */
    buf_init(&b, sizeof big - 1);
    CHECK_INT(buf_read_file(&b, path, err, sizeof err), HD_ETOOBIG);
    CHECK(strstr(err, "file.txt") && strstr(err, "larger than 99999 bytes"));
    buf_free(&b);
    /* Missing, and not a file. */
    buf_init(&b, 1024);
    snprintf(path, sizeof path, "%s/missing.txt", test_tmpdir());
    CHECK_INT(buf_read_file(&b, path, err, sizeof err), HD_EIO);
    CHECK(strstr(err, "missing.txt") != NULL);
    CHECK_INT(buf_read_file(&b, test_tmpdir(), err, sizeof err), HD_EIO);
    CHECK_INT(buf_read_file(NULL, path, err, sizeof err), HD_EINVAL);
    buf_free(&b);
}

TEST_MAIN(T(append_within_bound), T(read_a_whole_file))
