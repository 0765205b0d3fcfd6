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
    INGEST_UNFOLLOW    /* Zalo unfollow: recorded, nothing sent */
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
    /* For the case intake (see dlg_env in dialog/engine.h); zero/NULL when
     * unknown: no commune lookup, no age check, no open case, no phone. */
    const geo_dir  *geo;
    int             current_year;
    int64_t         open_case_id;
    const char     *contact_phone; /* national form 0912345678 for SMS, else NULL */
} ingest_msg;

typedef struct ingest_result {
    int        duplicate;          /* 1: already seen, nothing was done */
    int64_t    contact_id;
    int64_t    message_id;
    dlg_result step;               /* replies, actions, new state, intent */
} ingest_result;

int ingest_message(store *s, const dlg_flow *flow, const nlu_model *model,
                   const ingest_msg *in, ingest_result *out, char *err, size_t errlen);

#endif
