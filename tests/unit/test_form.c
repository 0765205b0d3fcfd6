/* test_form.c -- form_get: query strings and form bodies from outside. */
#include "test.h"
#include "core/err.h"
#include "core/form.h"

static int get(const char *src, const char *name, char *out, size_t cap, size_t *len)
{
    return form_get(src, strlen(src), name, out, cap, len);
}

static void test_basic_and_plus(void)
{
    char v[64];
    size_t n = 99;

    CHECK_INT(get("a=1&b=two&c=3", "b", v, sizeof v, &n), HD_OK);
    CHECK_STR(v, "two");
    CHECK_INT(n, 3);
    CHECK_INT(get("q=hello+world+%2B1", "q", v, sizeof v, &n), HD_OK);
    CHECK_STR(v, "hello world +1");
    CHECK_INT(get("a=b=c", "a", v, sizeof v, &n), HD_OK);
    CHECK_STR(v, "b=c");
    CHECK_INT(get("a=1", "b", v, sizeof v, &n), HD_ENOTFOUND);
    CHECK_INT(get("", "a", v, sizeof v, &n), HD_ENOTFOUND);
    CHECK_INT(form_get(NULL, 0, "a", v, sizeof v, &n), HD_ENOTFOUND);
    CHECK_INT(form_get(NULL, 3, "a", v, sizeof v, &n), HD_EINVAL);
    CHECK_INT(get("a=1", NULL, v, sizeof v, &n), HD_EINVAL);
    CHECK_INT(get("a=1", "a", v, 0, &n), HD_EINVAL);
    CHECK_INT(get("a=1", "a", v, sizeof v, NULL), HD_OK);
}

static void test_hex_cases(void)
{
    char v[16];
    size_t n;

    /* "ô" is C3 B4 in UTF-8: upper and lower hex digits both decode */
    CHECK_INT(get("t=%C3%b4%c3%B4", "t", v, sizeof v, &n), HD_OK);
    CHECK_INT(n, 4);
    CHECK(memcmp(v, "\xC3\xB4\xC3\xB4", 4) == 0);
    CHECK_INT(get("t=%41%7a", "t", v, sizeof v, &n), HD_OK);
    CHECK_STR(v, "Az");
}

static void test_bad_escapes(void)
{
    char v[16];
    size_t n;

    CHECK_INT(get("t=%G1", "t", v, sizeof v, &n), HD_EPARSE);
    CHECK_INT(get("t=%4", "t", v, sizeof v, &n), HD_EPARSE);
    CHECK_INT(get("t=ab%", "t", v, sizeof v, &n), HD_EPARSE);
    CHECK_INT(get("t=%%41", "t", v, sizeof v, &n), HD_EPARSE);
    CHECK_INT(get("t=a%4&u=1", "t", v, sizeof v, &n), HD_EPARSE);  /* '&' is no hex digit */
    CHECK_STR(v, "");
    /* a key that cannot be decoded makes the form unreadable from there on */
    CHECK_INT(get("%zz=1&t=2", "t", v, sizeof v, &n), HD_EPARSE);
    /* the value of another field is not our business */
    CHECK_INT(get("u=%zz&t=2", "t", v, sizeof v, &n), HD_OK);
    CHECK_STR(v, "2");
}

static void test_first_of_repeated(void)
{
    char v[16];
    size_t n;

    CHECK_INT(get("k=1&k=2", "k", v, sizeof v, &n), HD_OK);
    CHECK_STR(v, "1");
    CHECK_INT(get("&&k=&k=2", "k", v, sizeof v, &n), HD_OK);
    CHECK_STR(v, "");
    CHECK_INT(n, 0);
}

static void test_keys_exact_after_decoding(void)
{
    char v[16];
    size_t n;

    CHECK_INT(get("te%78t=hi", "text", v, sizeof v, &n), HD_OK);
    CHECK_STR(v, "hi");
    CHECK_INT(get("a+b=1", "a b", v, sizeof v, &n), HD_OK);
    CHECK_STR(v, "1");
    CHECK_INT(get("textx=1&tex=2&Text=3&text=4", "text", v, sizeof v, &n), HD_OK);
    CHECK_STR(v, "4");
    CHECK_INT(get("textx=1&tex=2", "text", v, sizeof v, &n), HD_ENOTFOUND);
    /* a key without '=' is present with an empty value */
    CHECK_INT(get("x=1&flag&y=2", "flag", v, sizeof v, &n), HD_OK);
    CHECK_STR(v, "");
    CHECK_INT(get("x=1&flag&y=2", "y", v, sizeof v, &n), HD_OK);
    CHECK_STR(v, "2");
}

static void test_nul_preserved(void)
{
    char v[16];
    size_t n;

    /* how Kannel's UCS-2 texts look: "%00A%00B" */
    CHECK_INT(get("t=%00A%00B&u=1", "t", v, sizeof v, &n), HD_OK);
    CHECK_INT(n, 4);
    CHECK(memcmp(v, "\0A\0B", 5) == 0);   /* the fifth byte: the added NUL */
}

static void test_bounds(void)
{
    char v[8];
    size_t n;
    static const char src[] = "a=12345&b=x";

    CHECK_INT(get("t=abcd", "t", v, 4, &n), HD_ETOOBIG);   /* 4 bytes need 5 */
    CHECK_STR(v, "");
    CHECK_INT(get("t=abcd", "t", v, 5, &n), HD_OK);
    CHECK_STR(v, "abcd");
    /* srclen is the end, whatever follows */
    CHECK_INT(form_get(src, 4, "a", v, sizeof v, &n), HD_OK);
    CHECK_STR(v, "12");
    CHECK_INT(form_get(src, 7, "b", v, sizeof v, &n), HD_ENOTFOUND);
    /* an escape cut by srclen is bad, not read past the end */
    CHECK_INT(form_get("a=%41", 4, "a", v, sizeof v, &n), HD_EPARSE);
    /* NUL bytes inside src are ordinary bytes */
    CHECK_INT(form_get("x=\0&a=1", 7, "a", v, sizeof v, &n), HD_OK);
    CHECK_STR(v, "1");
}

TEST_MAIN(T(test_basic_and_plus), T(test_hex_cases), T(test_bad_escapes),
          T(test_first_of_repeated), T(test_keys_exact_after_decoding),
          T(test_nul_preserved), T(test_bounds))
