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
    int64_t open_case_id;                 /* the contact's case still open or
                                             claimed, 0 if none */
} store_contact;

/* Find (channel, address) or create it. */
int store_contact_upsert(store *s, const char *channel, const char *address,
                         int64_t now_ms, store_contact *out);
int store_contact_get(store *s, int64_t id, store_contact *out);
/* Save the dialogue state after a step; also sets opted_out and, when
 * inbound is non-zero, last_inbound_at = now_ms. */
int store_contact_save(store *s, int64_t id, const char *state_json,
                       int opted_out, int inbound, int64_t now_ms);

/* What a case taught about a contact (contact_facts.c): the commune the
 * citizen gave, and a callback phone (kept for Zalo contacts, so that a
 * reminder can reach them by SMS outside Zalo's 7-day window). NULL leaves
 * a field as it is. */
int store_contact_learn(store *s, int64_t id, const char *commune_code, const char *phone);

/* A citizen from a commune police list (issue 5): the SMS contact of the
 * canonical mobile number address (84...), created when new, gets
 * commune_code, display_name (NULL or "" keeps the known name) and
 * listed_not_activated = 1. Nothing else of a known contact changes: its
 * state, history and opt-out stay. *id_out and *created (1 when new) may be
 * NULL. For a whole list, call it inside the caller's transaction.
 * (src/store/contacts_import.c) */
int store_contact_import_upsert(store *s, const char *address, const char *commune_code,
                                const char *display_name, int64_t now_ms,
                                int64_t *id_out, int *created);

#endif
