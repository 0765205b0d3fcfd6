/* messages.h -- every inbound and outbound message. */
#ifndef HD_STORE_MESSAGES_H
#define HD_STORE_MESSAGES_H

#include "store/store.h"

typedef enum store_dir { STORE_IN = 0, STORE_OUT = 1 } store_dir;

typedef struct store_message_new {
    int64_t     contact_id;
    store_dir   dir;
    const char *channel;      /* copied from the contact, for the unique key */
    const char *external_id;  /* provider's id (Kannel id, Zalo msg_id) or NULL */
    const char *text;         /* as received / as rendered for the channel */
    const char *intent;       /* inbound: intent id; outbound: NULL */
    const char *status;       /* outbound: "queued", "sent", ...; inbound: "received" */
    int64_t     created_at;   /* epoch ms */
    /* Inbound only: the message is a help request (one per question the help
     * line handled, read through the view help_requests) when help is "bot"
     * (answered by the bot) or "person" (needed a person); help_intent is
     * what it was about. NULL for anything else. */
    const char *help;
    const char *help_intent;
} store_message_new;

/* HD_EDUP when (channel, external_id) of an inbound message exists already:
 * the provider retried, and the caller drops the message. */
int store_message_add(store *s, const store_message_new *m, int64_t *id_out);

/* A stored message, as a conversation view shows it. */
#define STORE_MESSAGE_TEXT_MAX 4096
typedef struct store_message {
    int64_t   id;
    store_dir dir;
    char      text[STORE_MESSAGE_TEXT_MAX];   /* cut on a UTF-8 boundary if longer */
    char      status[16];
    int64_t   created_at;
} store_message;

/* The messages of a contact from since_ms on, oldest first; when there are
 * more than max, the newest max of them. */
int store_message_list(store *s, int64_t contact_id, int64_t since_ms,
                       store_message *rows, int max, int *n);

/* Count of messages of a contact (tests, reports). */
int store_message_count(store *s, int64_t contact_id, store_dir dir, int64_t *count);

#endif
