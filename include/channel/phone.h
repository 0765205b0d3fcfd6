/* phone.h -- Vietnamese mobile numbers in one canonical form.
 *
 * The canonical form is the international number without '+': "84" and the
 * nine digits after the trunk 0 ("0912345678" -> "84912345678"). It is what
 * the store keys contacts by, so the same phone written five ways is one
 * contact. Mobile numbers are 0 + 9 digits, the first of them 3, 5, 7, 8 or 9
 * (the ranges in use since the 2018 move off 11-digit numbers).
 *
 * Accepted spellings: 0912345678, 84912345678, +84912345678, 0084912345678,
 * 912345678 (national without trunk 0, as some SMSCs deliver it), with
 * spaces, dots, dashes or parentheses between the digits. */
#ifndef HD_CHANNEL_PHONE_H
#define HD_CHANNEL_PHONE_H

#include <stddef.h>

#define PHONE_CANON_LEN 11          /* "84" + 9 digits */
#define PHONE_MAX       16          /* room for any form written here + NUL */

/* in (len bytes, need not be NUL-terminated) -> canonical into out (cap >=
 * PHONE_CANON_LEN + 1). HD_EINVAL for anything that is not a Vietnamese
 * mobile number (out is then ""). */
int phone_normalize(const char *in, size_t len, char *out, size_t cap);

/* 1 when s is a short code: 3 to 6 digits ("8088", "1414", "113"). */
int phone_is_shortcode(const char *s);

/* The address for Kannel's sendsms `to`: a mobile number in any accepted
 * spelling goes out in the canonical 84... form (the international number
 * without '+', which SMSCs accept and Kannel passes on untouched); a short
 * code goes out as it is. HD_EINVAL otherwise. */
int phone_format_sms_to(const char *addr, char *out, size_t cap);

/* The national form people read and type, "0912345678", from any accepted
 * spelling. HD_EINVAL if it is not a mobile number. */
int phone_format_national(const char *addr, char *out, size_t cap);

#endif
