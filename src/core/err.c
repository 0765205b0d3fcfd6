/* err.c -- the table behind hd_strerror(). */
#include "core/err.h"

#include <stdarg.h>
#include <stdio.h>

const char *hd_strerror(int code)
{
    switch (code) {
#define HD_ERR_CASE(name, val, msg) case (val): return (msg);
        HD_ERRNO_MAP(HD_ERR_CASE)
#undef HD_ERR_CASE
    }
    return "unknown error";
}

int hd_seterr(char *err, size_t errlen, int code, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return code;
}
