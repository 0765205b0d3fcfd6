/* charset.h -- turning the bytes an SMS gateway hands us into UTF-8.
 *
 * Kannel gives a text in one of three shapes (checked against Kannel 1.4.5):
 * coding=0 (GSM-7) already converted to the `charset` it names, UTF-8 by
 * default; coding=1 (8-bit) as raw bytes with charset "8-BIT"; coding=2
 * (UCS-2) as UTF-16BE bytes. So no GSM-7 table is needed here, only these
 * decoders.
 *
 * Every decoder writes valid UTF-8 into out (cap bytes, NUL-terminated) and
 * never fails on content: invalid input becomes U+FFFD, and a U+0000 also
 * becomes U+FFFD so that the C string is the whole text. When out is too
 * small the text is cut at a character boundary (never inside a UTF-8
 * sequence); *outlen gets the bytes written. They return HD_EINVAL only for
 * bad arguments (cap must be at least 1). */
#ifndef HD_CHANNEL_CHARSET_H
#define HD_CHANNEL_CHARSET_H

#include <stddef.h>

/* UTF-16 big-endian, surrogate pairs joined; a lone surrogate or an odd
 * trailing byte is U+FFFD. A leading byte-order mark is dropped. */
int charset_utf16be_to_utf8(const void *in, size_t len, char *out, size_t cap, size_t *outlen);

/* Windows-1252 (also used for ISO-8859-1, as browsers do: the two differ only
 * in 0x80-0x9F, where ISO-8859-1 has unused control codes). */
int charset_cp1252_to_utf8(const void *in, size_t len, char *out, size_t cap, size_t *outlen);

/* UTF-8 copied with every ill-formed sequence (overlong, surrogate, beyond
 * U+10FFFF, truncated) replaced by U+FFFD, one per maximal bad subpart. */
int charset_utf8_repair(const void *in, size_t len, char *out, size_t cap, size_t *outlen);

/* Kannel's "8-BIT": the bytes as UTF-8 when they are valid UTF-8 (phones that
 * send 8-bit texts mostly send UTF-8), else as Windows-1252. */
int charset_8bit_to_utf8(const void *in, size_t len, char *out, size_t cap, size_t *outlen);

/* 1 when s is well-formed UTF-8 (strict: no overlongs, no surrogates). */
int charset_utf8_valid(const void *s, size_t len);

/* 1 when s can go out as a plain (GSM-7) SMS: printable ASCII, newline and
 * carriage return, except '`', which GSM-7 lacks. GSM-7 also has some Latin
 * letters (à, é, £ ...) but SMSCs' alternative charsets treat those
 * differently, so anything beyond ASCII goes as UCS-2: the one encoding that
 * arrives intact everywhere. */
int charset_is_gsm7_ascii(const char *s, size_t len);

#endif
