/* utf8.h -- small UTF-8 facts shared by the modules that bound what people
 * type (officers' replies, broadcast texts, names). */
#ifndef HD_CORE_UTF8_H
#define HD_CORE_UTF8_H

#include <stddef.h>

/* Characters (code points) of a NUL-terminated UTF-8 string: every byte
 * that does not continue a sequence starts one. */
size_t utf8_chars(const char *s);

#endif
