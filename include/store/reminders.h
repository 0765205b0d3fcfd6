/* reminders.h -- the daily cap: at most one reminder (a broadcast or a
 * follow-up) a contact a local day. A row (contact, day) is taken in the
 * same transaction as the reminder's outbox row. */
#ifndef HD_STORE_REMINDERS_H
#define HD_STORE_REMINDERS_H

#include "store/store.h"

/* day: "YYYY-MM-DD" (campaign_local_day). */
int store_reminder_has(store *s, int64_t contact_id, const char *day, int *has);
/* HD_OK when taken now, HD_EDUP when the contact had its reminder that day. */
int store_reminder_take(store *s, int64_t contact_id, const char *day);
/* Give the day back (a reminder planned but never sent). */
int store_reminder_drop(store *s, int64_t contact_id, const char *day);

#endif
