/* engine.h -- one step of the conversation, as a pure function:
 *
 *     (flow, model, state, text) -> (new state, replies, actions)
 *
 * No I/O, no clock, no allocation: the caller loads the state, calls
 * dlg_step(), then stores the new state, the replies and acts on the actions
 * (inside one transaction, see ingest/). */
#ifndef HD_DIALOG_ENGINE_H
#define HD_DIALOG_ENGINE_H

#include "dialog/flow.h"
#include "nlu/classify.h"

#include <stddef.h>

#define DLG_ID_MAX       48
#define DLG_TEXT_MAX     2048   /* one reply, full Vietnamese, UTF-8 bytes */
#define DLG_OPTIONS_MAX  10
#define DLG_REPLIES_MAX  4
#define DLG_ACTIONS_MAX  4
#define DLG_STATE_JSON_MAX 512

/* What the engine remembers about a contact between messages. */
typedef struct dlg_state {
    char node[DLG_ID_MAX];   /* where the conversation is; "" for a new contact */
    char topic[DLG_ID_MAX];  /* intent whose guidance awaits an outcome, or "" */
    int  tries;              /* times the citizen said the guidance of topic failed */
    int  opted_out;          /* 1 after an opt-out word until the citizen opts in again */
} dlg_state;

typedef struct dlg_reply {
    char        text[DLG_TEXT_MAX];            /* never empty */
    const char *options[DLG_OPTIONS_MAX];      /* labels, point into the flow */
    int         n_options;
} dlg_reply;

/* Things the edges must do; name and argument are plain ASCII ids:
 *   "escalate"  arg = reason (device_change, phone_change, human_agent, ...)
 *   "outcome"   arg = "<intent>:solved" or "<intent>:failed"
 *   "opt_out"   arg = ""
 *   "opt_in"    arg = "" */
typedef struct dlg_action {
    char name[24];
    char arg[64];
} dlg_action;

/* How the message counts as a help request (one row per question handled). */
typedef enum dlg_help {
    DLG_HELP_NONE = 0,   /* not a question: greeting, thanks, a yes/no ... */
    DLG_HELP_BOT,        /* answered by the bot */
    DLG_HELP_PERSON      /* needs a person (escalated) */
} dlg_help;

typedef struct dlg_result {
    dlg_state  state;                       /* the new state */
    dlg_reply  replies[DLG_REPLIES_MAX];
    int        n_replies;                   /* >= 1 always */
    dlg_action actions[DLG_ACTIONS_MAX];
    int        n_actions;
    nlu_result nlu;                         /* how the text was understood; for a
                                               digit or a yes/no: the topic it
                                               picked, with score 1 */
    dlg_help   help;
} dlg_result;

/* in may be a fresh state (all zero). text is the raw message, any bytes. */
int dlg_step(const dlg_flow *f, const nlu_model *m, const dlg_state *in,
             const char *text, size_t len, dlg_result *out);

/* What is not a text still gets an answer (pure, like dlg_step):
 *   DLG_EV_FOLLOW   the citizen followed the Zalo OA: greeting and menu;
 *   DLG_EV_NONTEXT  a picture, sticker, file ...: "please type your question",
 *                   the conversation stays where it was. */
typedef enum dlg_event { DLG_EV_FOLLOW = 0, DLG_EV_NONTEXT } dlg_event;
int dlg_on_event(const dlg_flow *f, const dlg_state *in, dlg_event ev, dlg_result *out);

/* The reply shown on entering node_id, as dlg_step() builds it (text of the
 * node and of its "then" node, options). HD_ENOTFOUND for an unknown id. */
int dlg_node_reply(const dlg_flow *f, const char *node_id, dlg_reply *out);

/* The state as compact JSON (for the store) and back. Decoding something that
 * is not a valid state gives a fresh state and HD_EPARSE. */
int dlg_state_encode(const dlg_state *s, char *out, size_t cap);
int dlg_state_decode(const char *json, dlg_state *out);

#endif
