/* outbox.h -- the one durable queue of everything the help line sends:
 * replies, officers' answers, broadcasts, follow-ups.
 *
 * A row is written in the same transaction as whatever caused it (an inbound
 * message and its state change, an officer's reply ...). Delivery workers
 * claim due rows, send them, and record the result. The order of writes is
 * what keeps a message from going out twice:
 *
 *   claim  (commit: status 'sending', attempts+1, lease_until)  -- before the send
 *   send   (provider call)
 *   record (commit: 'sent' + provider id, or 'queued' again with a later
 *           next_attempt_at, or 'failed' with a reason)
 *
 * A row still 'sending' after its lease has expired was interrupted: the
 * process died during or right after the send. outbox_recover() decides what
 * happens to those (see outbox.c). */
#ifndef HD_STORE_OUTBOX_H
#define HD_STORE_OUTBOX_H

#include "store/store.h"

#define OUTBOX_TEXT_MAX   4096
#define OUTBOX_REASON_MAX 160

typedef enum outbox_priority {
    OUTBOX_REPLY = 0,      /* answers to a citizen who is waiting: first */
    OUTBOX_OFFICER = 1,    /* an officer's answer */
    OUTBOX_BULK = 2        /* broadcasts and follow-ups: after everything else */
} outbox_priority;

typedef struct outbox_new {
    int64_t         contact_id;
    int64_t         message_id;    /* the outbound row in messages, 0 if none */
    const char     *channel;       /* "sms", "zalo" */
    const char     *address;
    const char     *text;          /* rendered for the channel */
    outbox_priority priority;
    int64_t         not_before;    /* epoch ms; 0 = now */
    int64_t         broadcast_id;  /* 0 if none */
} outbox_new;

typedef struct outbox_row {
    int64_t id, contact_id, message_id, broadcast_id;
    char    channel[16];
    char    address[64];
    char    text[OUTBOX_TEXT_MAX];
    int     priority;
    int     attempts;              /* including the current one once claimed */
    int64_t created_at;
} outbox_row;

int outbox_enqueue(store *s, const outbox_new *m, int64_t now_ms, int64_t *id_out);

/* Claim up to max due rows of channel (priority first, then oldest), marking
 * them 'sending' with lease_until = now + lease_ms, in one transaction. */
int outbox_claim_due(store *s, const char *channel, int64_t now_ms, int64_t lease_ms,
                     outbox_row *rows, int max, int *n_out);

/* The same, but bulk rows (OUTBOX_BULK) created before bulk_since stay in
 * the queue: OUTBOX_BULK_NONE claims no bulk row at all (the quiet hours),
 * 0 every due one. A bulk row queued before the quiet hours began and still
 * unsent belongs to a day that is over -- its daily cap was counted for that
 * day -- so it waits for the campaign planner to take it back and plan it
 * again (src/campaign/). */
#define OUTBOX_BULK_NONE INT64_MAX
int outbox_claim_due_since(store *s, const char *channel, int64_t now_ms, int64_t lease_ms,
                           int64_t bulk_since, outbox_row *rows, int max, int *n_out);

int outbox_mark_sent(store *s, int64_t id, const char *provider_id, int64_t now_ms);
/* Back to 'queued' for another attempt at next_at. */
int outbox_mark_retry(store *s, int64_t id, int64_t next_at, const char *reason, int64_t now_ms);
/* Back to 'queued' at next_at without having been sent (the attempt counted
 * by the claim is given back): a later message of a contact waits behind an
 * earlier one that must be retried. */
int outbox_mark_defer(store *s, int64_t id, int64_t next_at, int64_t now_ms);
/* 'failed' for good (status 'unreachable' when the contact cannot be reached). */
int outbox_mark_failed(store *s, int64_t id, int unreachable, const char *reason, int64_t now_ms);
/* A delivery report: 'delivered' or 'undelivered'. HD_ENOTFOUND if no such row. */
int outbox_mark_report(store *s, int64_t id, int delivered, int64_t now_ms);

/* Rows of channel still 'sending' whose lease expired go back to 'queued'.
 * Only the channel's own worker calls it, between batches, when none of the
 * rows it claimed is in flight: so a 'sending' row it finds was left by a
 * process that died (or a worker stuck longer than the lease). */
int outbox_recover(store *s, const char *channel, int64_t now_ms, int *n_recovered);

/* Depth (queued + sending) and the age of the oldest queued row, for metrics. */
int outbox_stats(store *s, const char *channel, int64_t now_ms, int64_t *depth, int64_t *oldest_ms);

#endif
