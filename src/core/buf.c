/* buf.c -- bounded growable buffer. */
#include "core/buf.h"
#include "core/err.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void buf_init(buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

void buf_free(buf *b)
{
    free(b->data);
    buf_init(b, b->max);
}

void buf_reset(buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

static int buf_reserve(buf *b, size_t need)
{
    size_t ncap;
    char *p;

    if (need > b->max)
        return HD_ETOOBIG;
    if (need + 1 <= b->cap)
        return HD_OK;
    ncap = b->cap ? b->cap : 64;
    while (ncap < need + 1)
        ncap *= 2;
    if (ncap > b->max + 1)
        ncap = b->max + 1;
    p = realloc(b->data, ncap);
    if (!p)
        return HD_ENOMEM;
    b->data = p;
    b->cap = ncap;
    return HD_OK;
}

int buf_append(buf *b, const void *p, size_t n)
{
    int rc;

    if (n > b->max - b->len)
        return HD_ETOOBIG;
    rc = buf_reserve(b, b->len + n);
    if (rc)
        return rc;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return HD_OK;
}

int buf_appends(buf *b, const char *s)
{
    return buf_append(b, s, strlen(s));
}

int buf_vappendf(buf *b, const char *fmt, va_list ap)
{
    va_list cp;
    int n, rc;

    va_copy(cp, ap);
    n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0)
        return HD_EINVAL;
    if ((size_t)n > b->max - b->len)
        return HD_ETOOBIG;
    rc = buf_reserve(b, b->len + (size_t)n);
    if (rc)
        return rc;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return HD_OK;
}

int buf_appendf(buf *b, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = buf_vappendf(b, fmt, ap);
    va_end(ap);
    return rc;
}

const char *buf_str(const buf *b)
{
    return b->data ? b->data : "";
}

char *buf_detach(buf *b)
{
    char *p = b->data;

    if (!p)
        p = calloc(1, 1);
    buf_init(b, b->max);
    return p;
}

int buf_read_file(buf *b, const char *path, char *err, size_t errlen)
{
    char chunk[16384];
    size_t n;
    int rc = HD_OK;
    FILE *fp;

    if (!b || !path)
        return HD_EINVAL;
    fp = fopen(path, "rb");
    if (!fp)
        return hd_seterr(err, errlen, HD_EIO, "%s: cannot open: %s", path, strerror(errno));
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
        if ((rc = buf_append(b, chunk, n)) != HD_OK) {
            rc = hd_seterr(err, errlen, rc, "%s: larger than %zu bytes", path, b->max);
            break;
        }
    if (rc == HD_OK && ferror(fp))
        rc = hd_seterr(err, errlen, HD_EIO, "%s: read error", path);
    fclose(fp);
    return rc;
}
