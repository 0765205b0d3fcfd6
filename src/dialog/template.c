/* template.c -- "{name}" placeholders in texts from messages/. */
#include "dialog/render.h"

#include "core/err.h"

#include <string.h>

/* Append n bytes, never cutting a UTF-8 character; 0 when all fitted. */
static int put(char *out, size_t cap, size_t *len, const char *s, size_t n)
{
    int cut = 0;

    if (*len + n + 1 > cap) {
        n = cap - 1 - *len;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
        cut = 1;
    }
    memcpy(out + *len, s, n);
    *len += n;
    out[*len] = '\0';
    return cut;
}

int dlg_template_fill(const char *tpl, const char *const *kv, char *out, size_t cap)
{
    size_t len = 0;
    const char *p = tpl;

    if (!tpl || !out || cap == 0)
        return HD_EINVAL;
    out[0] = '\0';
    while (*p) {
        const char *open = strchr(p, '{'), *close, *val = NULL;

        if (!open)
            return put(out, cap, &len, p, strlen(p)) ? HD_ETOOBIG : HD_OK;
        if (put(out, cap, &len, p, (size_t)(open - p)))
            return HD_ETOOBIG;
        close = strchr(open, '}');
        if (!close)
            return put(out, cap, &len, open, strlen(open)) ? HD_ETOOBIG : HD_OK;
        for (const char *const *k = kv; k && k[0]; k += 2) {
            if (strlen(k[0]) == (size_t)(close - open - 1) &&
                strncmp(k[0], open + 1, (size_t)(close - open - 1)) == 0) {
                val = k[1] ? k[1] : "";
                break;
            }
        }
        if (val ? put(out, cap, &len, val, strlen(val))
                : put(out, cap, &len, open, (size_t)(close - open + 1)))
            return HD_ETOOBIG;
        p = close + 1;
    }
    return HD_OK;
}
