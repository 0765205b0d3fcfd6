/* form.h -- decoding application/x-www-form-urlencoded text (query strings
 * and form bodies). Pure and bounded; values may contain any byte, NUL
 * included (Kannel's UCS-2 texts), so they come back with a length. */
#ifndef HD_CORE_FORM_H
#define HD_CORE_FORM_H

#include <stddef.h>

/* Find name in the raw form text src (srclen bytes) and percent-decode its
 * first value ('+' is a space) into out (cap bytes; a NUL is added after the
 * value). *outlen gets the decoded length. HD_ENOTFOUND if absent,
 * HD_ETOOBIG if the value does not fit, HD_EPARSE on a bad %-escape. */
int form_get(const char *src, size_t srclen, const char *name,
             char *out, size_t cap, size_t *outlen);

#endif
