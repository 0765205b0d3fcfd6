/* test_pii_idnum.c -- the personal ID number checks. Every number below is
 * made up; the expected values follow from the layout in pii/idnum.h. */
#include "test.h"
#include "core/err.h"
#include "pii/idnum.h"

#define CHECK_ID(text, year, want) \
    CHECK_INT(idnum_check(text, strlen(text), year, NULL), want)

static void valid_numbers(void)
{
    idnum_info info;

    /* 001 Hà Nội, 0 = male 1900s, 99 -> 1999 */
    CHECK_INT(idnum_check("001099012345", 12, 2025, &info), HD_OK);
    CHECK_STR(info.digits, "001099012345");
    CHECK_INT(info.ndigits, 12);
    CHECK_INT(info.province_code, 1);
    CHECK_INT(info.female, 0);
    CHECK_INT(info.birth_year, 1999);
    CHECK_INT(info.age, 26);

    /* 079 TP HCM, 3 = female 2000s, 01 -> 2001 */
    CHECK_INT(idnum_check("079301000123", 12, 2025, &info), HD_OK);
    CHECK_INT(info.province_code, 79);
    CHECK_INT(info.female, 1);
    CHECK_INT(info.birth_year, 2001);

    /* 096 Cà Mau, the last code; 1 = female 1900s, 1950 */
    CHECK_INT(idnum_check("096150999999", 12, 2025, &info), HD_OK);
    CHECK_INT(info.province_code, 96);
    CHECK_INT(info.birth_year, 1950);
    CHECK_INT(info.female, 1);

    /* out may be NULL */
    CHECK_ID("001099012345", 2025, HD_OK);
}

static void separators(void)
{
    idnum_info info;

    CHECK_INT(idnum_check("001 099 012345", 14, 2025, &info), HD_OK);
    CHECK_STR(info.digits, "001099012345");
    CHECK_ID("001.099.012345", 2025, HD_OK);
    CHECK_ID("001-099-012-345", 2025, HD_OK);
    CHECK_ID("  001099012345  ", 2025, HD_OK);
    CHECK_ID("0 0 1 0 9 9 0 1 2 3 4 5", 2025, HD_OK);
    /* only len bytes count: the 13th digit is past the end */
    CHECK_INT(idnum_check("0010990123459", 12, 2025, NULL), HD_OK);
    /* a slash or a comma is not one of the accepted separators */
    CHECK_ID("001/099/012345", 2025, IDNUM_NOT_DIGITS);
    CHECK_ID("001,099,012345", 2025, IDNUM_NOT_DIGITS);
}

static void bad_length(void)
{
    idnum_info info;

    CHECK_INT(idnum_check("00109901234", 11, 2025, &info), IDNUM_BAD_LENGTH);
    CHECK_INT(info.ndigits, 11);
    CHECK_STR(info.digits, "");
    /* the old 9-digit CMND: the dialogue can tell it from ndigits */
    CHECK_INT(idnum_check("123456789", 9, 2025, &info), IDNUM_BAD_LENGTH);
    CHECK_INT(info.ndigits, 9);
    CHECK_ID("0010990123456", 2025, IDNUM_BAD_LENGTH);
    CHECK_ID("", 2025, IDNUM_BAD_LENGTH);
    CHECK_ID("  . - ", 2025, IDNUM_BAD_LENGTH);
    CHECK_INT(idnum_check(NULL, 0, 2025, NULL), IDNUM_BAD_LENGTH);
}

static void not_digits(void)
{
    CHECK_ID("00109901234a", 2025, IDNUM_NOT_DIGITS);
    CHECK_ID("CCCD 001099012345", 2025, IDNUM_NOT_DIGITS);
    CHECK_ID("abc", 2025, IDNUM_NOT_DIGITS);
    /* full-width digits are not ASCII digits */
    CHECK_ID("\xef\xbc\x90\xef\xbc\x90\xef\xbc\x91", 2025, IDNUM_NOT_DIGITS);
    /* an embedded NUL inside len is not a digit either */
    CHECK_INT(idnum_check("001099\0" "012345", 13, 2025, NULL), IDNUM_NOT_DIGITS);
}

static void bad_province(void)
{
    idnum_info info;

    CHECK_INT(idnum_check("003099012345", 12, 2025, &info), IDNUM_BAD_PROVINCE);
    CHECK_INT(info.province_code, 3);
    CHECK_INT(info.birth_year, -1);
    CHECK_ID("000099012345", 2025, IDNUM_BAD_PROVINCE);
    CHECK_ID("050099012345", 2025, IDNUM_BAD_PROVINCE);  /* no 050 in the list */
    CHECK_ID("097099012345", 2025, IDNUM_BAD_PROVINCE);  /* past 096 */
    CHECK_ID("100099012345", 2025, IDNUM_BAD_PROVINCE);
    /* neighbours of gaps that are valid */
    CHECK_ID("049099012345", 2025, HD_OK);               /* Quảng Nam */
    CHECK_ID("051099012345", 2025, HD_OK);               /* Quảng Ngãi */
    CHECK_ID("074099012345", 2025, HD_OK);               /* Bình Dương */
}

static void bad_century(void)
{
    CHECK_ID("001699012345", 2025, IDNUM_BAD_CENTURY);
    CHECK_ID("001700012345", 2025, IDNUM_BAD_CENTURY);
    CHECK_ID("001899012345", 2025, IDNUM_BAD_CENTURY);
    CHECK_ID("001999012345", 2025, IDNUM_BAD_CENTURY);
}

static void future_birth(void)
{
    idnum_info info;

    /* 4 = male 2100s */
    CHECK_INT(idnum_check("001400012345", 12, 2025, &info), IDNUM_FUTURE_BIRTH);
    CHECK_INT(info.birth_year, 2100);
    CHECK_INT(info.age, -1);
    CHECK_ID("001599012345", 2025, IDNUM_FUTURE_BIRTH);
    /* 2026 seen in 2025 */
    CHECK_INT(idnum_check("001226012345", 12, 2025, &info), IDNUM_FUTURE_BIRTH);
    CHECK_INT(info.birth_year, 2026);
    CHECK_INT(info.age, -1);
}

static void age_boundary(void)
{
    idnum_info info;

    /* 2012 in 2025: 13 by birth year */
    CHECK_INT(idnum_check("001212012345", 12, 2025, &info), IDNUM_TOO_YOUNG);
    CHECK_INT(info.age, 13);
    CHECK_INT(info.birth_year, 2012);
    /* 2011 in 2025: 14 */
    CHECK_INT(idnum_check("001211012345", 12, 2025, &info), HD_OK);
    CHECK_INT(info.age, 14);
    CHECK_ID("001311012345", 2025, HD_OK);
    /* the same number a year earlier is 13 */
    CHECK_ID("001211012345", 2024, IDNUM_TOO_YOUNG);
    /* born this year: too young, not future */
    CHECK_ID("001225012345", 2025, IDNUM_TOO_YOUNG);
    /* a 2100s number is fine once its holder is 14 */
    CHECK_ID("001400012345", 2114, HD_OK);
    CHECK_ID("001400012345", 2113, IDNUM_TOO_YOUNG);
}

static void bad_arguments(void)
{
    CHECK_INT(idnum_check(NULL, 5, 2025, NULL), HD_EINVAL);
    CHECK_INT(idnum_check("001099012345", 12, 1899, NULL), HD_EINVAL);
    CHECK_INT(idnum_check("001099012345", 12, 10000, NULL), HD_EINVAL);
}

static void reason_ids(void)
{
    CHECK_STR(idnum_reason_id(HD_OK), "ok");
    CHECK_STR(idnum_reason_id(IDNUM_BAD_LENGTH), "bad_length");
    CHECK_STR(idnum_reason_id(IDNUM_NOT_DIGITS), "not_digits");
    CHECK_STR(idnum_reason_id(IDNUM_BAD_PROVINCE), "bad_province");
    CHECK_STR(idnum_reason_id(IDNUM_BAD_CENTURY), "bad_century");
    CHECK_STR(idnum_reason_id(IDNUM_TOO_YOUNG), "too_young");
    CHECK_STR(idnum_reason_id(IDNUM_FUTURE_BIRTH), "future_birth");
    CHECK_STR(idnum_reason_id(HD_EINVAL), "unknown");
    CHECK_STR(idnum_reason_id(99), "unknown");
}

static void masking(void)
{
    char out[32];

    CHECK_INT(idnum_mask("001099012345", out, sizeof(out)), HD_OK);
    CHECK_STR(out, "********2345");
    CHECK_INT(idnum_mask("079301000123", out, 13), HD_OK);
    CHECK_STR(out, "********0123");
    CHECK_INT(idnum_mask("001099012345", out, 12), HD_ETOOBIG);
    CHECK_STR(out, "");
    CHECK_INT(idnum_mask("12345", out, sizeof(out)), HD_EINVAL);
    CHECK_STR(out, "");
    CHECK_INT(idnum_mask("0010990123456", out, sizeof(out)), HD_EINVAL);
    CHECK_INT(idnum_mask("00109901234a", out, sizeof(out)), HD_EINVAL);
    CHECK_INT(idnum_mask("001 099 012345", out, sizeof(out)), HD_EINVAL);
    CHECK_INT(idnum_mask(NULL, out, sizeof(out)), HD_EINVAL);
    /* nothing of the first eight digits leaks */
    CHECK_INT(idnum_mask("987654321098", out, sizeof(out)), HD_OK);
    CHECK_INT(strspn(out, "*"), 8);
    CHECK_STR(out + 8, "1098");
}

TEST_MAIN(T(valid_numbers), T(separators), T(bad_length), T(not_digits),
          T(bad_province), T(bad_century), T(future_birth), T(age_boundary),
          T(bad_arguments), T(reason_ids), T(masking))
