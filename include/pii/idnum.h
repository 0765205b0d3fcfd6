/* idnum.h -- checking a 12-digit personal ID number (số định danh cá nhân,
 * the number on the CCCD / căn cước card) as far as it can be checked
 * without the population database, so the dialogue can say what is wrong.
 *
 * Layout (Decree 137/2015, Circular 07/2016/TT-BCA): digits 1-3 the
 * province where the birth was registered (one of the 63 pre-2025 codes,
 * 001 Hà Nội ... 096 Cà Mau), digit 4 century and sex (0/1 1900s male/
 * female, 2/3 2000s, 4/5 2100s, 6/7 2200s, 8/9 2300s), digits 5-6 the last
 * two digits of the birth year, digits 7-12 random.
 *
 * Caveat: a birth registered abroad gets a country code instead of a
 * province code; such a number is reported as IDNUM_BAD_PROVINCE, so the
 * dialogue should ask to check the number rather than refuse outright.
 *
 * The number is personal data: never log it, show it only through
 * idnum_mask() except to the officer handling the case. */
#ifndef HD_PII_IDNUM_H
#define HD_PII_IDNUM_H

#include <stddef.h>

/* Why a number was refused. idnum_check() returns HD_OK (0) for a number
 * that passes, one of these (> 0) for one that does not, or a negative
 * HD_E* code for bad arguments. */
typedef enum idnum_reason {
    IDNUM_BAD_LENGTH = 1,  /* not 12 digits (9 is the old CMND) */
    IDNUM_NOT_DIGITS,      /* something else than digits and . - spaces */
    IDNUM_BAD_PROVINCE,    /* the first three digits are no province code */
    IDNUM_BAD_CENTURY,     /* digit 4 is 6-9: born in the 2200s or later */
    IDNUM_TOO_YOUNG,       /* under 14 by birth year */
    IDNUM_FUTURE_BIRTH     /* the birth year is after current_year */
} idnum_reason;

#define IDNUM_DIGITS  12
#define IDNUM_MIN_AGE 14

typedef struct idnum_info {
    char digits[IDNUM_DIGITS + 1]; /* the digits without separators ("" if not 12) */
    int ndigits;                   /* how many digits the text had */
    int province_code;             /* 1..96 as in digits 1-3, -1 if unknown */
    int female;                    /* 1 female, 0 male, -1 unknown */
    int birth_year;                /* -1 if unknown */
    int age;                       /* current_year - birth_year; -1 if unknown or future */
} idnum_info;

/* Check len bytes at text, which may have spaces, dots or dashes between
 * the digit groups ("001 099 012345", "001.099.012345") and spaces around.
 * out (may be NULL) is filled as far as the text could be read, also when
 * the number is refused. current_year: 1900..9999, else HD_EINVAL. */
int idnum_check(const char *text, size_t len, int current_year, idnum_info *out);

/* Stable ASCII id of a result, for message keys: "ok", "bad_length",
 * "not_digits", "bad_province", "bad_century", "too_young", "future_birth";
 * "unknown" for anything else. */
const char *idnum_reason_id(int reason);

/* "001099012345" -> "********2345" (the last 4 digits shown). HD_EINVAL if
 * digits12 is not 12 digits (out is then ""), HD_ETOOBIG if cap < 13. */
int idnum_mask(const char *digits12, char *out, size_t cap);

#endif
