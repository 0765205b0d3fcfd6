/* broadcasts.h -- reminders that campaign staff send to many citizens.
 *
 * When a broadcast becomes due, the contacts its audience selects are put on
 * its list (broadcast_audience), a chunk per transaction, `cursor` marking how
 * far; the list's length becomes `audience_n`. Then it is planned in chunks
 * (src/campaign/planner.c): for each contact of the list, in contact id order
 * after `cursor`, one recipient row -- queued with its outbox row, or
 * skipped with the reason -- and the daily cap, in ONE transaction with the
 * new cursor. The recipient key (broadcast, contact) is what keeps a citizen
 * from getting a broadcast twice across crashes and restarts.
 *
 * Status: scheduled (send_at ahead) -> sending <-> waiting_window (quiet
 * hours) -> done; paused and cancelled by staff. A paused broadcast's queued
 * outbox rows are 'held' (not sent) until it resumes; cancelling turns its
 * queued and held rows 'cancelled'. */
#ifndef HD_STORE_BROADCASTS_H
#define HD_STORE_BROADCASTS_H

#include "store/communes.h"
#include "store/store.h"

#define BROADCAST_NAME_MAX      256    /* bytes with the NUL */
#define BROADCAST_TEXT_MAX      2048
#define BROADCAST_SEGMENT_MAX   72     /* "intent:" + an intent id */
#define BROADCAST_COMMUNES_MAX  64     /* communes named by one audience */

typedef enum broadcast_status {
    BROADCAST_SCHEDULED = 0,
    BROADCAST_SENDING,
    BROADCAST_WAITING,         /* 'waiting_window': quiet hours */
    BROADCAST_PAUSED,
    BROADCAST_DONE,
    BROADCAST_CANCELLED
} broadcast_status;

const char *broadcast_status_name(broadcast_status st);

/* Who a broadcast is for. Contacts are placed by contacts.commune_code;
 * one without a commune is only in audiences that name no commune and no
 * province. */
typedef struct store_audience {
    char segment[BROADCAST_SEGMENT_MAX];           /* all | not_activated | intent:<id> */
    char province[STORE_PROVINCE_CODE_MAX];        /* "" = any */
    int  ncommunes;                                /* 0 = any */
    char communes[BROADCAST_COMMUNES_MAX][STORE_COMMUNE_CODE_MAX];
    int64_t created_before;   /* only contacts created at or before (epoch ms): the
                                 audience is fixed when it is due; 0 = no bound */
} store_audience;

typedef struct store_broadcast {
    int64_t          id;
    char             name[BROADCAST_NAME_MAX];
    char             text[BROADCAST_TEXT_MAX];
    store_audience   audience;
    int64_t          send_at;
    broadcast_status status;
    int64_t          cursor;         /* last contact id listed, then planned */
    int64_t          audience_n;     /* the list's length once complete; -1 before */
    int64_t          created_by;     /* user id, 0 = none */
    int64_t          created_at, updated_at, done_at;
} store_broadcast;

typedef struct store_broadcast_counts {
    int64_t queued, skipped;                     /* recipient rows */
    int64_t opted_out, daily_cap, no_channel;    /* skipped by reason; daily_cap also
                                                    when the person had this broadcast
                                                    through another contact */
    int64_t sent, delivered, failed;             /* their outbox rows: sent counts every
                                                    row handed to the provider (sent,
                                                    delivered, undelivered); failed
                                                    failed, unreachable, undelivered */
    int64_t waiting, held, cancelled;            /* queued or being sent, held, cancelled */
} store_broadcast_counts;

/* b->name, text, audience, send_at, created_by; status scheduled. */
int store_broadcast_add(store *s, const store_broadcast *b, int64_t now_ms, int64_t *id_out);
int store_broadcast_get(store *s, int64_t id, store_broadcast *out);
/* Newest first. province: NULL = every broadcast, else only those of that
 * province (a staff user's view). */
int store_broadcast_list(store *s, const char *province, store_broadcast *rows, int max,
                         int *n);
/* Ids of broadcasts the planner has work for: scheduled, sending or
 * waiting_window, with send_at <= now. */
int store_broadcast_due(store *s, int64_t now_ms, int64_t *ids, int max, int *n);
/* Ids of broadcasts scheduled, sending or waiting_window (queued rows of
 * theirs may have missed the window: resumed ones are scheduled again). */
int store_broadcast_active(store *s, int64_t *ids, int max, int *n);

/* The planner's progress: status, cursor, audience count (-1 keeps it). */
int store_broadcast_progress(store *s, int64_t id, broadcast_status st, int64_t cursor,
                             int64_t audience_n, int64_t now_ms);

/* Staff's actions, with the outbox rows, in one transaction (or the
 * caller's). HD_ENOTFOUND, or HD_ESTATE when the status does not allow it:
 *   pause   scheduled|sending|waiting_window -> paused; queued rows -> held
 *   resume  paused -> scheduled (the planner decides what next); held -> queued
 *   cancel  anything but done|cancelled -> cancelled; queued|held -> cancelled */
typedef enum broadcast_action {
    BROADCAST_PAUSE = 0, BROADCAST_RESUME, BROADCAST_CANCEL
} broadcast_action;
int store_broadcast_act(store *s, int64_t id, broadcast_action act, int64_t now_ms,
                        broadcast_status *new_status);

int store_broadcast_counts_get(store *s, int64_t id, store_broadcast_counts *out);
/* Outbox rows of the broadcast still queued or being sent. */
int store_broadcast_backlog(store *s, int64_t id, int64_t *n);

/* One recipient row. status "queued" (with outbox_id and channel) or
 * "skipped" (with reason opted_out | daily_cap | no_channel). HD_EDUP when
 * the contact has one for this broadcast already. */
int store_broadcast_recipient_add(store *s, int64_t broadcast_id, int64_t contact_id,
                                  const char *status, const char *reason,
                                  const char *channel, int64_t outbox_id, int64_t now_ms);

/* 1 in *got when contact_id has an outbound message of exactly text since
 * since_ms that was not taken back: a person known as two contacts (a Zalo
 * user and the SMS contact of their phone) is reached once by a broadcast,
 * whichever contact comes first, whatever day. */
int store_contact_got_text(store *s, int64_t contact_id, int64_t since_ms, const char *text,
                           int *got);

/* A queued row of the broadcast that did not go out before created_before
 * (the window closed on it): who it was for, which contact it went to. */
typedef struct store_broadcast_stale {
    int64_t contact_id;      /* the recipient */
    int64_t to_contact_id;   /* the contact of its message (the SMS contact of a
                                Zalo user's phone), = contact_id otherwise */
    int64_t outbox_id, created_at;
} store_broadcast_stale;

int store_broadcast_stale_list(store *s, int64_t id, int64_t created_before,
                               store_broadcast_stale *rows, int max, int *n);
/* Undo the planning of one stale row (caller's transaction): the outbox row
 * and its message 'cancelled' (only while still queued: HD_ESTATE if it
 * left), the recipient row and the daily cap of its day (day, for both
 * contacts) deleted, so that it is planned again; the caller moves the
 * cursor back before contact_id. */
int store_broadcast_unplan(store *s, int64_t id, const store_broadcast_stale *row,
                           const char *day, int64_t now_ms);

/* The broadcast's list: the next max contacts the audience selects (id order,
 * ids > after_id) added to it, in the caller's transaction. *added: how many
 * (fewer than max: the list is complete); *last_id: the highest id listed so
 * far (the next after_id); *listed: the list's length so far. */
int store_audience_list(store *s, const store_audience *a, int64_t broadcast_id,
                        int64_t after_id, int max, int *added, int64_t *last_id,
                        int64_t *listed);
/* Contacts of the broadcast's list, for planning: id order, ids > after_id,
 * without a recipient row yet. */
typedef struct store_audience_contact {
    int64_t id;
    char    channel[16];
    char    address[64];
    char    phone[24];           /* contacts.phone, "" if none */
    int     opted_out;
    int64_t last_inbound_at;     /* 0 = never */
} store_audience_contact;

int store_audience_page(store *s, int64_t broadcast_id, int64_t after_id,
                        store_audience_contact *rows, int max, int *n);
int store_audience_count(store *s, const store_audience *a, int64_t *n);
/* 1 in *exists when the communes table has a commune of that province. */
int store_province_exists(store *s, const char *province, int *exists);

#endif
