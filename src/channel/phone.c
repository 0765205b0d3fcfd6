/* phone.c -- Vietnamese mobile number normalisation.
 *
 * The rules are strict on purpose: a number that normalises wrongly would
 * merge two citizens' conversations, so anything unusual is refused rather
 * than guessed at. */
#include "channel/phone.h"
#include "core/err.h"

#include <string.h>

#define PHONE_INPUT_MAX 32    /* longer than any real spelling with separators */

static int phone_is_sep(unsigned char c)
{
    return c == ' ' || c == '.' || c == '-' || c == '(' || c == ')' || c == '\t';
}

/* Keep the digits of in, allowing one '+' before the first digit and
 * separators anywhere. HD_EINVAL on any other byte. */
static int phone_digits(const char *in, size_t len, char *d, size_t cap,
                        size_t *n, int *plus)
{
    size_t i = 0, end = len;

    *n = 0;
    *plus = 0;
    while (i < end && (in[i] == ' ' || in[i] == '\t'))
        i++;
    while (end > i && (in[end - 1] == ' ' || in[end - 1] == '\t'))
        end--;
    for (; i < end; i++) {
        unsigned char c = (unsigned char)in[i];

        if (c == '+' && *n == 0 && !*plus) {
            *plus = 1;            /* "(+84) 912 ..." as well as "+84 912 ..." */
        } else if (c >= '0' && c <= '9') {
            if (*n + 1 >= cap)
                return HD_EINVAL;
            d[(*n)++] = (char)c;
        } else if (!phone_is_sep(c)) {
            return HD_EINVAL;
        }
    }
    d[*n] = '\0';
    return *n ? HD_OK : HD_EINVAL;
}

static int phone_mobile_lead(char c)
{
    return c == '3' || c == '5' || c == '7' || c == '8' || c == '9';
}

int phone_normalize(const char *in, size_t len, char *out, size_t cap)
{
    char d[PHONE_INPUT_MAX + 1];
    const char *sub;                 /* the nine subscriber digits */
    size_t n;
    int plus, rc;

    if (!out || cap == 0)
        return HD_EINVAL;
    out[0] = '\0';
    if (!in || len > PHONE_INPUT_MAX || cap < PHONE_CANON_LEN + 1)
        return HD_EINVAL;
    rc = phone_digits(in, len, d, sizeof d, &n, &plus);
    if (rc)
        return rc;

    if (plus) {
        if (n != 11 || strncmp(d, "84", 2) != 0)
            return HD_EINVAL;
        sub = d + 2;
    } else if (n == 13 && strncmp(d, "0084", 4) == 0) {
        sub = d + 4;
    } else if (n == 11 && strncmp(d, "84", 2) == 0) {
        sub = d + 2;
    } else if (n == 10 && d[0] == '0') {
        sub = d + 1;
    } else if (n == 9) {
        sub = d;
    } else {
        return HD_EINVAL;
    }
    if (!phone_mobile_lead(sub[0]))
        return HD_EINVAL;
    memcpy(out, "84", 2);
    memcpy(out + 2, sub, 9);
    out[PHONE_CANON_LEN] = '\0';
    return HD_OK;
}

int phone_is_shortcode(const char *s)
{
    size_t i;

    if (!s)
        return 0;
    for (i = 0; s[i]; i++)
        if (s[i] < '0' || s[i] > '9' || i >= 6)
            return 0;
    return i >= 3;
}

int phone_format_sms_to(const char *addr, char *out, size_t cap)
{
    if (!addr || !out || cap == 0)
        return HD_EINVAL;
    if (phone_is_shortcode(addr)) {
        size_t n = strlen(addr);

        if (n + 1 > cap)
            return HD_EINVAL;
        memcpy(out, addr, n + 1);
        return HD_OK;
    }
    return phone_normalize(addr, strlen(addr), out, cap);
}

int phone_format_national(const char *addr, char *out, size_t cap)
{
    char canon[PHONE_CANON_LEN + 1];
    int rc;

    if (!addr || !out || cap == 0)
        return HD_EINVAL;
    out[0] = '\0';
    if (cap < PHONE_CANON_LEN)
        return HD_EINVAL;
    rc = phone_normalize(addr, strlen(addr), canon, sizeof canon);
    if (rc)
        return rc;
    out[0] = '0';
    memcpy(out + 1, canon + 2, 10);    /* nine digits and the NUL */
    return HD_OK;
}
