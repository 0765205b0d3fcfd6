/* render.h -- one reply as a channel shows it.
 *
 * Console and Zalo: full Vietnamese, options numbered under the text.
 * SMS: the same without diacritics, GSM-7 characters only, numbered options,
 * at most DLG_SMS_MAX characters (three concatenated parts). */
#ifndef HD_DIALOG_RENDER_H
#define HD_DIALOG_RENDER_H

#include "dialog/engine.h"

#include <stddef.h>

#define DLG_SMS_MAX 459   /* 3 x 153 GSM-7 characters */

typedef enum dlg_channel {
    DLG_CH_CONSOLE = 0,
    DLG_CH_ZALO,
    DLG_CH_SMS
} dlg_channel;

/* "sms" / "zalo" / "console" <-> enum; HD_EINVAL for anything else. */
int dlg_channel_parse(const char *name, dlg_channel *out);
const char *dlg_channel_name(dlg_channel ch);

/* Render r for ch into out (cap bytes with NUL). HD_ETOOBIG if it could not
 * fit (out then holds a truncated but valid text). */
int dlg_render(const dlg_reply *r, dlg_channel ch, char *out, size_t cap);

/* dlg_render() through a cache of recent SMS renderings. Most replies are
 * the flow's own texts, the same for every citizen, and unaccenting them is
 * a good share of the work of answering a message. A cache is used by one
 * thread at a time; c NULL renders without one. */
typedef struct dlg_render_cache dlg_render_cache;

int  dlg_render_cache_new(dlg_render_cache **out);
void dlg_render_cache_free(dlg_render_cache *c);
int  dlg_render_cached(dlg_render_cache *c, const dlg_reply *r, dlg_channel ch, char *out,
                       size_t cap);

/* Fill "{name}" placeholders of a text from messages/ with values: kv is a
 * NULL-terminated list of name, value pairs. An unknown placeholder is kept
 * as written (a content mistake shows rather than vanishes). HD_ETOOBIG if
 * the result did not fit in cap (out then holds a truncated valid text). */
int dlg_template_fill(const char *tpl, const char *const *kv, char *out, size_t cap);

#endif
