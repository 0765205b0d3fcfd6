/* fuzz_idnum.c -- the ID number check and mask on what a citizen types.
 *
 * Input: bytes 0-1 pick the current year (mostly 1900..9999, sometimes
 * outside), byte 2 the mask's output size, the rest is the text. */
#include "fuzz.h"

#include "core/err.h"
#include "pii/idnum.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

static int fidn_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    idnum_info info;
    char *text, *cstr, mask[32];
    size_t cap;
    int year, rc;

    if (size < 3)
        return 0;
    year = (data[0] << 8 | data[1]);
    year = year < 0xF000 ? 1900 + year % 8100 : year - 0xF000 - 100;   /* -100..3995 */
    cap = data[2] % 20;
    data += 3;
    size -= 3;
    text = malloc(size ? size : 1);    /* exact size: reads past it are reported */
    FZ_CHECK(text != NULL);
    if (size)
        memcpy(text, data, size);

    memset(&info, 0xA5, sizeof info);
    rc = idnum_check(text, size, year, &info);
    if (year < 1900 || year > 9999) {
        FZ_CHECK(rc == HD_EINVAL);
        goto out;
    }
    FZ_CHECK(rc >= HD_OK && rc <= IDNUM_FUTURE_BIRTH);
    FZ_CHECK(strcmp(idnum_reason_id(rc), "unknown") != 0);
    FZ_CHECK(info.ndigits >= 0 && info.ndigits <= 1000);
    FZ_CHECK(memchr(info.digits, '\0', sizeof info.digits) != NULL);
    FZ_CHECK(idnum_check(text, size, year, NULL) == rc);
    if (rc == HD_OK || rc >= IDNUM_BAD_PROVINCE) {
        /* twelve digits were read */
        FZ_CHECK(info.ndigits == IDNUM_DIGITS && strlen(info.digits) == IDNUM_DIGITS);
        FZ_CHECK(fidn_digits(info.digits, IDNUM_DIGITS));
        FZ_CHECK(info.province_code >= 0 && info.province_code <= 999);
    }
    if (rc == HD_OK) {
        FZ_CHECK(info.female == 0 || info.female == 1);
        FZ_CHECK(info.birth_year >= 1900 && info.birth_year <= year - IDNUM_MIN_AGE);
        FZ_CHECK(info.age == year - info.birth_year);
        FZ_CHECK(idnum_mask(info.digits, mask, sizeof mask) == HD_OK);
        FZ_CHECK(strlen(mask) == IDNUM_DIGITS && strncmp(mask, "********", 8) == 0);
        FZ_CHECK(memcmp(mask + 8, info.digits + 8, 4) == 0);
    }

    /* the mask on any string, into any room */
    cstr = fz_cstr(data, size);
    memset(mask, 0x5A, sizeof mask);
    rc = idnum_mask(cstr, mask, cap);
    if (rc == HD_OK) {
        FZ_CHECK(cap >= IDNUM_DIGITS + 1 && strlen(cstr) == IDNUM_DIGITS && fidn_digits(cstr, 12));
        FZ_CHECK(strlen(mask) == IDNUM_DIGITS && memcmp(mask + 8, cstr + 8, 4) == 0);
    } else {
        FZ_CHECK(rc == HD_EINVAL || rc == HD_ETOOBIG);
        FZ_CHECK(cap == 0 || mask[0] == '\0');
    }
    FZ_CHECK(mask[cap] == 0x5A);    /* nothing written past cap */
    free(cstr);
out:
    free(text);
    return 0;
}
