/* help.h -- help requests: one row for each question the help line handled. */
#ifndef HD_STORE_HELP_H
#define HD_STORE_HELP_H

#include "store/store.h"

/* resolution: "bot" (answered by the bot) or "person" (needed a person). */
int store_help_add(store *s, int64_t contact_id, int64_t message_id,
                   const char *intent, const char *resolution, int64_t now_ms,
                   int64_t *id_out);

/* Record the citizen's answer to "did it work?" on their latest help request
 * of that intent: outcome "solved" or "failed". HD_ENOTFOUND if none. */
int store_help_set_outcome(store *s, int64_t contact_id, const char *intent,
                           const char *outcome, int64_t now_ms);

#endif
