/* help.h -- help requests: each is the inbound message of a question the help
 * line handled (store_message_new.help); read them through the view
 * help_requests. */
#ifndef HD_STORE_HELP_H
#define HD_STORE_HELP_H

#include "store/store.h"

/* Record the citizen's answer to "did it work?" on their latest help request
 * of that intent: outcome "solved" or "failed". HD_ENOTFOUND if none. */
int store_help_set_outcome(store *s, int64_t contact_id, const char *intent,
                           const char *outcome, int64_t now_ms);

#endif
