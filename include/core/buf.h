/* buf.h -- a growable byte buffer with a hard upper bound.
 *
 * Everything read from outside the process (HTTP bodies, provider answers,
 * files) goes through a buf so that no input can grow memory without limit
 * (the habit taken from curl's dynbuf). The content is always NUL-terminated. */
#ifndef HD_CORE_BUF_H
#define HD_CORE_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct buf {
    char  *data;   /* NUL-terminated; NULL until the first append */
    size_t len;    /* bytes used, without the NUL */
    size_t cap;    /* bytes allocated */
    size_t max;    /* hard limit on len */
} buf;

void buf_init(buf *b, size_t max);
void buf_free(buf *b);
void buf_reset(buf *b);                         /* len = 0, memory kept */
/* HD_ETOOBIG when the result would exceed max (buffer unchanged). */
int  buf_append(buf *b, const void *p, size_t n);
int  buf_appends(buf *b, const char *s);
int  buf_appendf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int  buf_vappendf(buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
const char *buf_str(const buf *b);              /* "" when empty */
/* Append the whole file at path, within the buffer's bound. HD_EIO when it
 * cannot be opened or read, HD_ETOOBIG past the bound; err (may be NULL)
 * then says which file and why. */
int  buf_read_file(buf *b, const char *path, char *err, size_t errlen);
/* Hand the memory over to the caller (who frees it); b is reset. */
char *buf_detach(buf *b);

#endif
