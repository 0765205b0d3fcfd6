/* campaign_int.h -- what the campaign's store files (broadcasts.c,
 * followups.c, reminders.c) share: taking back a reminder that was queued
 * but never sent. */
#ifndef HD_STORE_CAMPAIGN_INT_H
#define HD_STORE_CAMPAIGN_INT_H

#include "store_internal.h"

/* The outbox row 'cancelled' and its message with it, only while it is
 * still 'queued': HD_ESTATE when it has left (claimed, sent ...). */
int store_outbox_take_back(store *s, int64_t outbox_id, int64_t now_ms);

#endif
