/* broadcast.h -- what staff write, checked before it is stored: the text as
 * each channel shows it, and who it is for.
 *
 * Every reminder ends with the opt-out line of messages/campaign.json
 * ("broadcast_footer"); it counts towards the SMS limit. SMS goes without
 * diacritics in GSM-7 (dialog/render.h), at most DLG_SMS_MAX (459)
 * characters: three concatenated parts. Zalo gets the full text. */
#ifndef HD_CAMPAIGN_BROADCAST_H
#define HD_CAMPAIGN_BROADCAST_H

#include "dialog/flow.h"
#include "dialog/render.h"
#include "store/broadcasts.h"

#include <stddef.h>

#define CAMPAIGN_TEXT_CHARS_MAX 1000   /* staff's text, characters */

typedef struct campaign_preview {
    char sms[DLG_SMS_MAX + 1];
    char zalo[DLG_TEXT_MAX];
    int  sms_chars;                    /* GSM-7 characters of sms */
    int  sms_parts;
} campaign_preview;

/* Render text (+ the footer) for both channels. HD_EINVAL (err says why)
 * for an empty or invalid UTF-8 text or one over CAMPAIGN_TEXT_CHARS_MAX
 * characters, HD_ETOOBIG when the SMS form would be over DLG_SMS_MAX. */
int campaign_preview_render(const dlg_flow *f, const char *text, campaign_preview *out,
                            char *err, size_t errlen);

/* Check an audience that staff asked for, and narrow it to what they may
 * reach: segment all | not_activated | intent:<intent id>; the province and
 * every commune must exist, communes inside the province when one is given;
 * a staff user with a province (user_province not "") reaches only it (the
 * province is set to it; another one is refused). With communes of a single
 * province and no province, the province is filled in, so that the
 * province's staff see the broadcast. HD_EINVAL with err for the client. */
int campaign_audience_check(store *s, store_audience *a, const char *user_province,
                            char *err, size_t errlen);

#endif
