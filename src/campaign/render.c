/* render.c -- a reminder as each channel shows it (campaign/broadcast.h). */
#include "core/utf8.h"
#include "campaign/broadcast.h"
#include "campaign/rules.h"

#include "channel/charset.h"
#include "core/err.h"

#include <stdio.h>
#include <string.h>

int campaign_preview_render(const dlg_flow *f, const char *text, campaign_preview *out,
                            char *err, size_t errlen)
{
    const char *footer;
    dlg_reply r;
    size_t len, chars;
    int rc;

    if (!f || !text || !out)
        return HD_EINVAL;
    memset(out, 0, sizeof *out);
    footer = dlg_flow_text(f, "broadcast_footer");
    len = strnlen(text, DLG_TEXT_MAX);
    if (len == 0 || strspn(text, " \t\r\n") == len)
        return hd_seterr(err, errlen, HD_EINVAL, "text: must not be empty");
    if (!charset_utf8_valid(text, len))
        return hd_seterr(err, errlen, HD_EINVAL, "text: must be UTF-8");
    chars = utf8_chars(text);
    if (chars > CAMPAIGN_TEXT_CHARS_MAX ||
        len + 1 + (footer ? strlen(footer) : 0) >= sizeof r.text)
        return hd_seterr(err, errlen, HD_EINVAL, "text: at most %d characters",
                         CAMPAIGN_TEXT_CHARS_MAX);

    memset(&r, 0, sizeof r);
    snprintf(r.text, sizeof r.text, "%s%s%s", text, footer ? "\n" : "", footer ? footer : "");
    if ((rc = dlg_render(&r, DLG_CH_ZALO, out->zalo, sizeof out->zalo)))
        return rc == HD_ETOOBIG ? hd_seterr(err, errlen, HD_EINVAL, "text: too long for Zalo")
                                : rc;
    rc = dlg_render(&r, DLG_CH_SMS, out->sms, sizeof out->sms);
    out->sms_chars = (int)strlen(out->sms);
    out->sms_parts = campaign_sms_parts((size_t)out->sms_chars);
    if (rc == HD_ETOOBIG)
        return hd_seterr(err, errlen, HD_ETOOBIG,
                         "text: as an SMS (without diacritics, with the line \"%s\" added) it "
                         "is longer than %d characters, the limit of 3 SMS parts; shorten it",
                         footer ? footer : "", DLG_SMS_MAX);
    return rc;
}
