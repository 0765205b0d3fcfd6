/* err.h -- the one way errors are reported across vneid-helpdesk.
 *
 * Every function that can fail returns an int: HD_OK (0) on success or one of
 * the negative HD_E* codes below. Functions that can say more fill a caller's
 * error buffer (char *err, size_t errlen) with a human sentence for logs; such
 * sentences never contain personal data. hd_strerror() maps a code to a short
 * fixed description. (Shape taken from libuv: negative codes, one table.) */
#ifndef HD_CORE_ERR_H
#define HD_CORE_ERR_H

#include <stddef.h>

#define HD_ERRNO_MAP(X)                                        \
    X(HD_OK,        0,  "ok")                                  \
    X(HD_EINVAL,   -1,  "invalid argument")                    \
    X(HD_ENOMEM,   -2,  "out of memory")                       \
    X(HD_EIO,      -3,  "input/output error")                  \
    X(HD_EDB,      -4,  "database error")                      \
    X(HD_EPARSE,   -5,  "malformed input")                     \
    X(HD_ETOOBIG,  -6,  "input too large")                     \
    X(HD_ENOTFOUND,-7,  "not found")                           \
    X(HD_EDUP,     -8,  "duplicate")                           \
    X(HD_EBUSY,    -9,  "busy, try again")                     \
    X(HD_ECONFIG, -10,  "bad configuration")                   \
    X(HD_EAUTH,   -11,  "not authorised")                      \
    X(HD_ERETRY,  -12,  "temporary failure, retry later")      \
    X(HD_EFAIL,   -13,  "permanent failure")                   \
    X(HD_ESTATE,  -14,  "not allowed in the current state")

enum hd_err {
#define HD_ERR_ENUM(name, val, msg) name = (val),
    HD_ERRNO_MAP(HD_ERR_ENUM)
#undef HD_ERR_ENUM
};

/* Short English description of an HD_* code; never NULL. */
const char *hd_strerror(int code);

/* Fill err (if not NULL) with a formatted sentence and return code. */
int hd_seterr(char *err, size_t errlen, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
