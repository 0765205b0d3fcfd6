/* ingest.h -- one inbound message, start to end, in one SQLite transaction:
 *
 *   drop a duplicate (channel, external id) -> contact and its state ->
 *   engine step (pure) -> inbound row, help request, outcome -> outbound
 *   rows -> new state.
 *
 * Every channel (console, simulate, Kannel, Zalo) calls this and nothing else,
 * so a message travels one way through the program. */
#ifndef HD_INGEST_INGEST_H
#define HD_INGEST_INGEST_H

#include "dialog/engine.h"
#include "dialog/render.h"
#include "geo/communes.h"
#include "pii/crypto.h"
#include "store/store.h"

#include <stdint.h>

/* What happens to the replies once they are stored. */
typedef enum ingest_delivery {
    INGEST_SHOW = 0,   /* the caller shows them itself (console, simulate) */
    INGEST_QUEUE       /* a delivery worker sends them (real channels) */
} ingest_delivery;

/* What arrived. Everything is recorded; only an unfollow goes unanswered. */
typedef enum ingest_kind {
    INGEST_TEXT = 0,   /* a message to understand and answer */
    INGEST_FOLLOW,     /* Zalo follow: greeting and menu */
    INGEST_NONTEXT,    /* picture, sticker, ...: "please type your question" */
    INGEST_UNFOLLOW,   /* Zalo unfollow: recorded, nothing sent */
    INGEST_THROTTLED   /* a sender over its rate: recorded (and attached to an
                          open case), not read by the bot; with notify, the
                          "slow_down" notice is the only answer */
} ingest_kind;

typedef struct ingest_msg {
    ingest_kind     kind;
    dlg_channel     channel;
    const char     *address;       /* contact's address on that channel */
    const char     *external_id;   /* provider's message id, or NULL */
    const char     *text;          /* raw bytes as received ("" for events) */
    size_t          len;
    int64_t         now_ms;
    ingest_delivery delivery;
    int             notify;        /* INGEST_THROTTLED: send the notice */
    const dlg_understood *understood; /* INGEST_TEXT: the text as dlg_understand()
                                         read it with the env's model, or NULL */
} ingest_msg;

/* What every message is understood with: loaded once, read-only. */
typedef struct ingest_env {
    const dlg_flow  *flow;
    const nlu_model *model;
    const geo_dir   *geo;            /* NULL: the intake cannot place a commune */
    const pii_key   *pii;            /* seals the ID number typed during an intake */
    int              tz_offset_min;  /* local time, for the year in the age check */
    int              followup_hours; /* ask whether activation guidance worked; 0: never */
    dlg_render_cache *render_cache;  /* NULL, or one used by the caller's thread only */
} ingest_env;

typedef struct ingest_result {
    int        duplicate;          /* 1: already seen, nothing was done */
    int64_t    contact_id;
    int64_t    message_id;
    int64_t    case_id;            /* the case created or added to, 0 if none */
    dlg_result step;               /* replies, actions, new state, intent */
} ingest_result;

/* The inbound text is stored with every 12-digit number masked: an ID number
 * is kept only sealed, in the intake's draft and then its case. */
int ingest_message(store *s, const ingest_env *env, const ingest_msg *in,
                   ingest_result *out, char *err, size_t errlen);

/* The same inside a transaction the caller holds (a group commit): nothing
 * is begun, committed or rolled back here; on an error or a duplicate the
 * caller undoes what this message wrote (a savepoint, or the group run again
 * without it: see ingest/batch.c). */
int ingest_message_tx(store *s, const ingest_env *env, const ingest_msg *in,
                      ingest_result *out, char *err, size_t errlen);

/* ingest_cases.c: the case actions of a step (intake_id, intake_cancel,
 * case_open, case_append) and the citizen's messages attached to an open
 * case. open_case_id: the contact's open case before the step, 0 if none. */
int ingest_cases(store *s, const ingest_env *env, const ingest_msg *in, int64_t contact_id,
                 int64_t open_case_id, const char *masked_text, ingest_result *out,
                 char *err, size_t errlen);

#endif
