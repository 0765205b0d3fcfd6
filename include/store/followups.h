/* followups.h -- asking, a while after guidance on the activation path, whether
 * it worked; and what a conversation tells the campaign about a contact.
 *
 * At most one open follow-up (pending or sent) a contact: newer guidance
 * replaces it. pending -> sent (the question is queued) -> answered (with
 * the outcome); or cancelled / skipped with a reason. */
#ifndef HD_STORE_FOLLOWUPS_H
#define HD_STORE_FOLLOWUPS_H

#include "store/store.h"

#define FOLLOWUP_INTENT_MAX 48
#define FOLLOWUP_REASON_MAX 32

typedef struct store_followup {
    int64_t id, contact_id;
    char    intent[FOLLOWUP_INTENT_MAX];
    int64_t due_at;
    char    status[12];                   /* pending sent answered cancelled skipped */
    char    outcome[8];                   /* "" solved failed */
    char    reason[FOLLOWUP_REASON_MAX];
    int64_t outbox_id;                    /* 0 until sent */
    int64_t created_at, updated_at;
} store_followup;

/* The contact's open follow-up; HD_ENOTFOUND if none. */
int store_followup_open(store *s, int64_t contact_id, store_followup *out);
int store_followup_get(store *s, int64_t id, store_followup *out);
/* Ask about intent at due_at: a pending one is moved to it (unless it is
 * about the same intent and due less than 10 minutes earlier: then it
 * stays), a sent one (asked, never answered) is cancelled with reason
 * "replaced" first. */
int store_followup_schedule(store *s, int64_t contact_id, const char *intent, int64_t due_at,
                            int64_t now_ms, int64_t *id_out);
/* An open follow-up ends: status answered (outcome solved|failed),
 * cancelled or skipped (reason). HD_ESTATE if it is not open. */
int store_followup_close(store *s, int64_t id, const char *status, const char *outcome,
                         const char *reason, int64_t now_ms);
/* Pending ones due at now, oldest due first. */
int store_followup_due(store *s, int64_t now_ms, store_followup *rows, int max, int *n);
int store_followup_mark_sent(store *s, int64_t id, int64_t outbox_id, int64_t now_ms);
/* pending: a new due time (daily cap: tomorrow). sent -> pending again with
 * no outbox row (its question was taken back before going out). */
int store_followup_postpone(store *s, int64_t id, int64_t due_at, int64_t now_ms);

/* Questions queued before created_before and still unsent, of open
 * follow-ups: (follow-up id, contact, outbox id, created_at). */
typedef struct store_followup_stale {
    int64_t followup_id, contact_id, outbox_id, created_at;
} store_followup_stale;
int store_followup_stale_list(store *s, int64_t created_before, store_followup_stale *rows,
                              int max, int *n);
/* The outbox row and its message 'cancelled' if still queued (HD_ESTATE
 * otherwise), the day's cap given back: the caller then postpones. */
int store_followup_unqueue(store *s, const store_followup_stale *row, const char *day,
                           int64_t now_ms);

/* The citizen confirmed activation: contacts.activated_at, kept at the
 * first confirmation (opted_out_at is kept by store_contact_save). */
int store_contact_set_activated(store *s, int64_t contact_id, int64_t now_ms);

#endif
