/* test_phone.c -- Vietnamese mobile numbers to one canonical form. */
#include "test.h"
#include "channel/phone.h"
#include "core/err.h"

static const char *norm(const char *in)
{
    static char out[PHONE_MAX];

    if (phone_normalize(in, strlen(in), out, sizeof out) != HD_OK)
        return "ERR";
    return out;
}

static void test_accepted_spellings(void)
{
    CHECK_STR(norm("0912345678"), "84912345678");
    CHECK_STR(norm("84912345678"), "84912345678");
    CHECK_STR(norm("+84912345678"), "84912345678");
    CHECK_STR(norm("+84 912 345 678"), "84912345678");
    CHECK_STR(norm("0084912345678"), "84912345678");
    CHECK_STR(norm("0912.345.678"), "84912345678");
    CHECK_STR(norm("091-234-5678"), "84912345678");
    CHECK_STR(norm("(+84) 912 345 678"), "84912345678");
    CHECK_STR(norm("  0912345678 "), "84912345678");
    CHECK_STR(norm("912345678"), "84912345678");
    /* every mobile range: 03x, 05x, 07x, 08x, 09x */
    CHECK_STR(norm("0321234567"), "84321234567");
    CHECK_STR(norm("0561234567"), "84561234567");
    CHECK_STR(norm("0771234567"), "84771234567");
    CHECK_STR(norm("0861234567"), "84861234567");
}

static void test_garbage_refused(void)
{
    char out[PHONE_MAX];

    CHECK_STR(norm(""), "ERR");
    CHECK_STR(norm("   "), "ERR");
    CHECK_STR(norm("+"), "ERR");
    CHECK_STR(norm("abc"), "ERR");
    CHECK_STR(norm("0912345678x"), "ERR");
    CHECK_STR(norm("091234567"), "ERR");       /* nine digits after the 0 missing one */
    CHECK_STR(norm("09123456789"), "ERR");     /* one too many */
    CHECK_STR(norm("01212345678"), "ERR");     /* the old 11-digit numbers are gone */
    CHECK_STR(norm("0241234567"), "ERR");      /* 02x: landline area codes */
    CHECK_STR(norm("0012345678"), "ERR");
    CHECK_STR(norm("+15551234567"), "ERR");    /* another country */
    CHECK_STR(norm("+912345678"), "ERR");      /* +91 is India, not a national form */
    CHECK_STR(norm("+840912345678"), "ERR");
    CHECK_STR(norm("0912+345678"), "ERR");
    CHECK_STR(norm("++84912345678"), "ERR");
    CHECK_STR(norm("84 912 345 678 000 000 000 000 000"), "ERR");
    CHECK_INT(phone_normalize("0912345678\0", 11, out, sizeof out), HD_EINVAL);
    CHECK_STR(out, "");
    CHECK_INT(phone_normalize("0912345678", 10, out, 11), HD_EINVAL);  /* no room for NUL */
    CHECK_INT(phone_normalize("0912345678", 10, out, 12), HD_OK);
    CHECK_INT(phone_normalize(NULL, 0, out, sizeof out), HD_EINVAL);
}

static void test_shortcodes(void)
{
    CHECK(phone_is_shortcode("8088"));
    CHECK(phone_is_shortcode("1414"));
    CHECK(phone_is_shortcode("113"));
    CHECK(phone_is_shortcode("999999"));
    CHECK(!phone_is_shortcode("12"));
    CHECK(!phone_is_shortcode("1234567"));
    CHECK(!phone_is_shortcode("80 88"));
    CHECK(!phone_is_shortcode(""));
    CHECK(!phone_is_shortcode(NULL));
}

static void test_sms_to(void)
{
    char out[PHONE_MAX];

    CHECK_INT(phone_format_sms_to("84912345678", out, sizeof out), HD_OK);
    CHECK_STR(out, "84912345678");
    CHECK_INT(phone_format_sms_to("0912 345 678", out, sizeof out), HD_OK);
    CHECK_STR(out, "84912345678");
    CHECK_INT(phone_format_sms_to("8088", out, sizeof out), HD_OK);
    CHECK_STR(out, "8088");
    CHECK_INT(phone_format_sms_to("1414", out, 4), HD_EINVAL);
    CHECK_INT(phone_format_sms_to("12", out, sizeof out), HD_EINVAL);
    CHECK_INT(phone_format_sms_to("zalo:123", out, sizeof out), HD_EINVAL);
}

static void test_national(void)
{
    char out[PHONE_MAX];

    CHECK_INT(phone_format_national("84912345678", out, sizeof out), HD_OK);
    CHECK_STR(out, "0912345678");
    CHECK_INT(phone_format_national("+84 38 123 4567", out, sizeof out), HD_OK);
    CHECK_STR(out, "0381234567");
    CHECK_INT(phone_format_national("8088", out, sizeof out), HD_EINVAL);
    CHECK_INT(phone_format_national("84912345678", out, 10), HD_EINVAL);
}

TEST_MAIN(T(test_accepted_spellings), T(test_garbage_refused), T(test_shortcodes),
          T(test_sms_to), T(test_national))
