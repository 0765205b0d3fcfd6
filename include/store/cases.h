/* cases.h -- what the bot hands to the commune police: a case, its history
 * of events, and the sealed ID number of an intake in progress.
 *
 *   open --claim--> claimed --resolve--> resolved
 *     |                |
 *     +----------------+--close(duplicate | unreachable)--> closed
 *   (open --resolve--> resolved is allowed too)
 *
 * A contact has at most one case open or claimed at a time. Every change of
 * a case writes its event in the same transaction. Each writing function
 * works inside the caller's transaction when one is open (ingest holds one
 * around an inbound message) and in its own otherwise; after an error inside
 * the caller's transaction, the caller rolls back.
 *
 * The ID number is only ever stored sealed (pii/crypto.h) plus its last four
 * digits for the masked display; this module never sees it in clear. */
#ifndef HD_STORE_CASES_H
#define HD_STORE_CASES_H

#include "store/store.h"
#include "store/contacts.h"
#include "store/communes.h"

#define CASE_REASON_MAX    48      /* escalation reason id, e.g. "human_agent" */
#define CASE_NAME_MAX      128
#define CASE_PHONE_MAX     32
#define CASE_DESC_MAX      2048    /* bytes with the NUL */
#define CASE_ID_ENC_MAX    128     /* a sealed 12-digit number is 40 bytes */
#define CASE_LAST4_MAX     5
#define CASE_EVENT_TEXT_MAX 4096
#define CASE_ACTOR_MAX     32

/* Bits, so that a set of them is a filter. */
typedef enum case_status {
    CASE_OPEN     = 1,
    CASE_CLAIMED  = 2,
    CASE_RESOLVED = 4,
    CASE_CLOSED   = 8
} case_status;
#define CASE_ACTIVE (CASE_OPEN | CASE_CLAIMED)
#define CASE_ANY    (CASE_OPEN | CASE_CLAIMED | CASE_RESOLVED | CASE_CLOSED)

typedef enum case_kind {
    CASE_DEVICE_CHANGE = 1,
    CASE_PHONE_CHANGE  = 2,
    CASE_OTHER         = 3
} case_kind;

typedef enum case_close_reason {
    CASE_CLOSE_NONE        = 0,
    CASE_CLOSE_DUPLICATE   = 1,
    CASE_CLOSE_UNREACHABLE = 2
} case_close_reason;

typedef struct store_case_new {
    int64_t              contact_id;
    const char          *channel;          /* "sms", "zalo", ... */
    case_kind            kind;
    const char          *reason;           /* why the bot escalated */
    const char          *commune_code;     /* NULL: the province's queue */
    const char          *province_code;    /* required */
    /* Personal fields, each NULL if not collected. */
    const char          *full_name;
    const unsigned char *id_enc;           /* sealed ID number ... */
    size_t               id_enc_len;
    const char          *id_last4;         /* ... and its last 4 digits (required with id_enc) */
    const char          *callback_phone;
    const char          *description;
} store_case_new;

typedef struct store_case {
    int64_t           id, contact_id;
    char              channel[STORE_CHANNEL_MAX];
    case_kind         kind;
    char              reason[CASE_REASON_MAX];
    char              commune_code[STORE_COMMUNE_CODE_MAX];   /* "" = province queue */
    char              province_code[STORE_PROVINCE_CODE_MAX];
    case_status       status;
    case_close_reason close_reason;
    int64_t           claimed_by;                 /* user id, 0 = nobody */
    /* "" / 0 when not collected or purged. */
    char              full_name[CASE_NAME_MAX];
    unsigned char     id_enc[CASE_ID_ENC_MAX];
    size_t            id_enc_len;
    char              id_last4[CASE_LAST4_MAX];   /* kept after the purge */
    char              callback_phone[CASE_PHONE_MAX];
    char              description[CASE_DESC_MAX];
    /* Epoch ms, 0 = not (yet). */
    int64_t           created_at, claimed_at, resolved_at, closed_at, purged_at;
    int64_t           last_message_at;            /* newest 'message' event */
} store_case;

typedef struct store_case_filter {
    unsigned    status;         /* CASE_* bits; 0 = CASE_ACTIVE */
    case_kind   kind;           /* 0 = any */
    const char *commune;        /* one commune, or NULL */
    /* An officer's communes: when not NULL, only cases of these ncommunes
     * codes (ncommunes 0: none at all). Pass store_user.communes as is. */
    const char (*communes)[STORE_COMMUNE_CODE_MAX];
    int         ncommunes;
    const char *province;       /* NULL = any */
    int         offset;
} store_case_filter;

/* A new case, status open, and its 'created' event (actor citizen); the
 * contact's draft is deleted in the same transaction (its ID number has
 * moved into the case). HD_EDUP when the contact has an open or claimed
 * case, HD_ENOTFOUND when the contact does not exist. */
int store_case_create(store *s, const store_case_new *c, int64_t now_ms, int64_t *id_out);

/* A contact's open or claimed case comes with the contact itself:
 * store_contact.open_case_id (contacts.h). */

int store_case_get(store *s, int64_t id, store_case *out);

/* Up to max cases matching f, oldest first (created_at, then id), from
 * f->offset on; *total (may be NULL) gets how many match in all. The
 * working-hours SLA only grows with age, so for open cases oldest first is
 * also overdue first. */
int store_case_list(store *s, const store_case_filter *f, store_case *rows, int max,
                    int *n, int64_t *total);

/* open -> claimed by user_id, event 'claimed'. HD_OK without change when
 * user_id holds it already; HD_ESTATE when another user holds it or it is
 * resolved or closed; HD_ENOTFOUND for no such case (or user). */
int store_case_claim(store *s, int64_t id, int64_t user_id, int64_t now_ms);

/* open|claimed -> resolved, event 'resolved' with the note (may be NULL).
 * An open case counts as claimed by user_id. user_id 0 = the system.
 * HD_ESTATE from any other status. */
int store_case_resolve(store *s, int64_t id, int64_t user_id, const char *note, int64_t now_ms);

/* open|claimed -> closed with a reason, event 'closed'. HD_ESTATE from any
 * other status, HD_EINVAL for CASE_CLOSE_NONE. */
int store_case_close(store *s, int64_t id, int64_t user_id, case_close_reason why,
                     int64_t now_ms);

/* Retention: every resolved or closed case whose resolved_at / closed_at is
 * before cutoff_ms loses its personal fields (full_name, id_enc,
 * callback_phone, description) and the texts people wrote in its events
 * (message, escalation, reply, resolved), gets purged_at and a 'purged'
 * event (actor system). *n_purged (may be NULL) gets the number of cases. */
int store_case_purge(store *s, int64_t cutoff_ms, int64_t now_ms, int *n_purged);

/* Stable names for JSON and the database; "" for a value out of range.
 * The parsers return HD_EINVAL for an unknown name. */
const char *case_status_name(case_status st);
int         case_status_parse(const char *name, case_status *out);
const char *case_kind_name(case_kind k);
int         case_kind_parse(const char *name, case_kind *out);
const char *case_close_reason_name(case_close_reason r);
int         case_close_reason_parse(const char *name, case_close_reason *out);

/* ---- events (case_events.c) ---- */

typedef struct store_case_event {
    int64_t id, case_id, at;
    int64_t message_id;                      /* 0 if none */
    char    actor[CASE_ACTOR_MAX];           /* citizen, bot, system, user:<id> */
    char    kind[16];                        /* created, message, escalation, claimed,
                                                reply, resolved, closed, purged */
    char    text[CASE_EVENT_TEXT_MAX];       /* "" if none */
} store_case_event;

/* actor: "citizen", "bot", "system" or "user:<id>" (case_actor_user());
 * kind: one of the names above; message_id 0 and text NULL when none.
 * HD_EINVAL for another actor or kind, HD_ENOTFOUND for no such case or
 * message. */
int store_case_event_add(store *s, int64_t case_id, const char *actor, const char *kind,
                         int64_t message_id, const char *text, int64_t now_ms,
                         int64_t *id_out);

/* The newest max events of a case, returned oldest first. */
int store_case_events(store *s, int64_t case_id, store_case_event *rows, int max, int *n);

/* "user:<id>" for an officer, "system" for user_id 0. */
void case_actor_user(int64_t user_id, char out[CASE_ACTOR_MAX]);

/* ---- drafts: the sealed ID number of an intake in progress ---- */

/* Insert or replace the contact's draft. */
int store_case_draft_put(store *s, int64_t contact_id, const unsigned char *id_enc,
                         size_t len, const char *id_last4, int64_t now_ms);
/* HD_ENOTFOUND when the contact has none; HD_ETOOBIG when cap is short. */
int store_case_draft_get(store *s, int64_t contact_id, unsigned char *id_enc, size_t cap,
                         size_t *len, char id_last4[CASE_LAST4_MAX]);
/* HD_OK also when there was none (cancel may come twice). */
int store_case_draft_delete(store *s, int64_t contact_id);
/* Delete the drafts last written before older_than_ms (abandoned intakes);
 * *n_deleted (may be NULL) gets how many. */
int store_case_draft_expire(store *s, int64_t older_than_ms, int *n_deleted);

#endif
