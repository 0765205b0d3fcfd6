/* contacts.h -- a citizen as reached on one channel, and their dialogue state. */
#ifndef HD_STORE_CONTACTS_H
#define HD_STORE_CONTACTS_H

#include "store/store.h"

#define STORE_CHANNEL_MAX 16
#define STORE_ADDRESS_MAX 64
#define STORE_STATE_MAX   2048   /* = DLG_STATE_JSON_MAX (dialog/engine.h) */

typedef struct store_contact {
    int64_t id;
    char    channel[STORE_CHANNEL_MAX];   /* "sms", "zalo", "console" */
    char    address[STORE_ADDRESS_MAX];   /* phone in 84xxxxxxxxx form, Zalo user id, ... */
    char    state[STORE_STATE_MAX];       /* dialogue state JSON, "" for a new contact */
    int     opted_out;
    int64_t created_at, last_inbound_at;  /* epoch ms */
} store_contact;

/* Find (channel, address) or create it. */
int store_contact_upsert(store *s, const char *channel, const char *address,
                         int64_t now_ms, store_contact *out);
int store_contact_get(store *s, int64_t id, store_contact *out);
/* Save the dialogue state after a step; also sets opted_out and, when
 * inbound is non-zero, last_inbound_at = now_ms. */
int store_contact_save(store *s, int64_t id, const char *state_json,
                       int opted_out, int inbound, int64_t now_ms);

#endif
