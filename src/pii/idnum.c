/* idnum.c -- the checks on a personal ID number that need no database. */
#include "pii/idnum.h"
#include "core/err.h"

#include <string.h>

/* Birth-registration province codes, Circular 07/2016/TT-BCA annex 1: the
 * 63 provinces before the 2025 merger. Numbers issued since keep them. */
static const unsigned char idnum_provinces[] = {
     1,  2,  4,  6,  8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27,
    30, 31, 33, 34, 35, 36, 37, 38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54,
    56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74, 75, 77, 79, 80, 82, 83, 84,
    86, 87, 89, 91, 92, 93, 94, 95, 96
};

static int idnum_is_province(int code)
{
    size_t i;

    for (i = 0; i < sizeof(idnum_provinces); i++)
        if (idnum_provinces[i] == code)
            return 1;
    return 0;
}

static int idnum_is_sep(char c)
{
    return c == ' ' || c == '.' || c == '-' || c == '\t';
}

int idnum_check(const char *text, size_t len, int current_year, idnum_info *out)
{
    idnum_info info;
    char d[IDNUM_DIGITS];
    size_t i;
    int n = 0, other = 0, century, yy;

    if ((!text && len) || current_year < 1900 || current_year > 9999)
        return HD_EINVAL;
    memset(&info, 0, sizeof(info));
    info.province_code = info.female = info.birth_year = info.age = -1;

    for (i = 0; i < len; i++) {
        char c = text[i];
        if (c >= '0' && c <= '9') {
            if (n < IDNUM_DIGITS)
                d[n] = c;
            if (n < 1000)       /* enough to tell "too long"; no overflow */
                n++;
        } else if (!idnum_is_sep(c)) {
            other = 1;
        }
    }
    info.ndigits = n;
    if (out)
        *out = info;
    if (other)
        return IDNUM_NOT_DIGITS;
    if (n != IDNUM_DIGITS)
        return IDNUM_BAD_LENGTH;
    memcpy(info.digits, d, IDNUM_DIGITS);
    info.digits[IDNUM_DIGITS] = '\0';

    info.province_code = (d[0] - '0') * 100 + (d[1] - '0') * 10 + (d[2] - '0');
    if (out)
        *out = info;
    if (!idnum_is_province(info.province_code))
        return IDNUM_BAD_PROVINCE;

    /* 0/1 1900s, 2/3 2000s, 4/5 2100s; 6-9 (2200s, 2300s) no living person */
    if (d[3] > '5')
        return IDNUM_BAD_CENTURY;
    century = 1900 + 100 * ((d[3] - '0') / 2);
    yy = (d[4] - '0') * 10 + (d[5] - '0');
    info.female = (d[3] - '0') % 2;
    info.birth_year = century + yy;
    info.age = info.birth_year > current_year ? -1 : current_year - info.birth_year;
    if (out)
        *out = info;
    if (info.birth_year > current_year)
        return IDNUM_FUTURE_BIRTH;
    if (info.age < IDNUM_MIN_AGE)
        return IDNUM_TOO_YOUNG;
    return HD_OK;
}

const char *idnum_reason_id(int reason)
{
    switch (reason) {
    case HD_OK:              return "ok";
    case IDNUM_BAD_LENGTH:   return "bad_length";
    case IDNUM_NOT_DIGITS:   return "not_digits";
    case IDNUM_BAD_PROVINCE: return "bad_province";
    case IDNUM_BAD_CENTURY:  return "bad_century";
    case IDNUM_TOO_YOUNG:    return "too_young";
    case IDNUM_FUTURE_BIRTH: return "future_birth";
    default:                 return "unknown";
    }
}

int idnum_mask(const char *digits12, char *out, size_t cap)
{
    size_t i;

    if (!digits12 || !out)
        return HD_EINVAL;
    if (cap < IDNUM_DIGITS + 1) {
        if (cap)
            out[0] = '\0';
        return HD_ETOOBIG;
    }
    out[0] = '\0';
    for (i = 0; i < IDNUM_DIGITS; i++)
        if (digits12[i] < '0' || digits12[i] > '9')
            return HD_EINVAL;
    if (digits12[IDNUM_DIGITS] != '\0')
        return HD_EINVAL;
    memset(out, '*', IDNUM_DIGITS - 4);
    memcpy(out + IDNUM_DIGITS - 4, digits12 + IDNUM_DIGITS - 4, 4);
    out[IDNUM_DIGITS] = '\0';
    return HD_OK;
}
