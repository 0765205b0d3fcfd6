/* engine.h -- one step of the conversation, as a pure function:
 *
 *     (env, state, text) -> (new state, replies, actions)
 *
 * No I/O, no clock, no allocation: the caller loads the state, calls
 * dlg_step(), then stores the new state, the replies and acts on the actions
 * (inside one transaction, see ingest/). What the engine may know of the
 * world (the flow, the classifier, the commune directory, the year, whether
 * the contact has an open case) comes in through dlg_env.
 *
 * Case intake. Where the flow escalates (a node with "escalate"), the engine
 * emits "escalate" as before and then collects what the commune police need,
 * one message at a time: full name -> ID number (not for a scam report) ->
 * commune (or, failing that, the province; failing both, no place) ->
 * callback phone -> short description -> confirmation. The
 * texts are in messages/intake.json; the steps and the actions the edges act
 * on are listed at dlg_action below. */
#ifndef HD_DIALOG_ENGINE_H
#define HD_DIALOG_ENGINE_H

#include "dialog/flow.h"
#include "geo/communes.h"
#include "nlu/classify.h"

#include <stddef.h>
#include <stdint.h>

#define DLG_ID_MAX       48
#define DLG_TEXT_MAX     2048   /* one reply, full Vietnamese, UTF-8 bytes */
#define DLG_OPTIONS_MAX  10
#define DLG_REPLIES_MAX  4
#define DLG_ACTIONS_MAX  4
#define DLG_STATE_JSON_MAX 2048   /* = STORE_STATE_MAX (store/contacts.h) */

/* Bounds of what the intake keeps (bytes include the NUL). Text is cut on a
 * UTF-8 boundary; with JSON escaping a full intake still fits
 * DLG_STATE_JSON_MAX (tests/unit/test_dialog_state.c checks the worst case). */
#define DLG_NAME_CHARS     60
#define DLG_NAME_MAX       160
#define DLG_DESC_CHARS     300
#define DLG_DESC_MAX       608
#define DLG_CANDS_MAX      5     /* commune (or province) options shown at once */
#define DLG_IDMASK_MAX     13    /* "********1234" */
#define DLG_PHONE_MAX      11    /* national form "0912345678", landline "02438123456" */

/* Where the intake is. The order is the order of the questions. */
typedef enum dlg_intake_step {
    DLG_INTAKE_NONE = 0,     /* no intake running */
    DLG_INTAKE_NAME,         /* asked the full name */
    DLG_INTAKE_IDNUM,        /* asked the 12-digit personal ID number */
    DLG_INTAKE_COMMUNE,      /* asked the commune (cands: commune options shown) */
    DLG_INTAKE_PROVINCE,     /* commune not found twice: asked the province */
    DLG_INTAKE_PHONE,        /* asked the callback phone */
    DLG_INTAKE_DESC,         /* asked a short description */
    DLG_INTAKE_CONFIRM,      /* showed the summary: 1 send, 2 start again */
    DLG_INTAKE_STEPS
} dlg_intake_step;

/* The case being collected. Never the ID number itself: the engine hands the
 * digits to the edge once (action "intake_id") and keeps only the mask. */
typedef struct dlg_intake {
    dlg_intake_step step;
    char kind[16];                 /* "device_change" | "phone_change" | "other" */
    char reason[DLG_ID_MAX];       /* escalation reason (device_change, human_agent, a topic) */
    char name[DLG_NAME_MAX];       /* full name as typed, one line */
    char id_mask[DLG_IDMASK_MAX];  /* "********1234": the accepted number, or at
                                      the ID step the one awaiting a re-send */
    int  id_recheck;               /* 1: the last number had no province code;
                                      the same number again is taken (born abroad) */
    char commune[6];               /* commune code, "" if only the province is known */
    char province[3];              /* province code of the commune, or the one the
                                      citizen named after the fallback; "" if none */
    char cands[DLG_CANDS_MAX][6];  /* commune codes (COMMUNE) or province codes
                                      (PROVINCE) offered as options 1..n_cands */
    int  n_cands;
    char phone[DLG_PHONE_MAX + 1]; /* callback number, national form (mobile or landline) */
    char desc[DLG_DESC_MAX];       /* what the citizen needs, one line */
    int  fails[DLG_INTAKE_STEPS];  /* answers refused, per step */
} dlg_intake;

/* What the engine remembers about a contact between messages. */
typedef struct dlg_state {
    char node[DLG_ID_MAX];   /* where the conversation is; "" for a new contact */
    char topic[DLG_ID_MAX];  /* intent whose guidance awaits an outcome, or "" */
    int  tries;              /* times the citizen said the guidance of topic failed */
    int  opted_out;          /* 1 after an opt-out word until the citizen opts in again */
    int  misses;             /* messages in a row met with the apology (not understood);
                                from the second on, a short reply offering an officer */
    dlg_intake intake;       /* step DLG_INTAKE_NONE when no intake runs */
} dlg_state;

typedef struct dlg_reply {
    char        text[DLG_TEXT_MAX];            /* never empty */
    const char *options[DLG_OPTIONS_MAX];      /* labels, point into the flow */
    int         n_options;
} dlg_reply;

/* Things the edges must do; name and argument are plain ASCII:
 *   "escalate"      arg = reason (device_change, phone_change, human_agent, a
 *                   topic); for the help request row. Followed by the start of
 *                   the intake, or by "case_append" when a case is open;
 *   "case_append"   arg = reason: env->open_case_id > 0, so no intake; the
 *                   escalation goes to that case (the reply names its number);
 *   "intake_id"     arg = the 12 digits of a valid ID number, sent once: the
 *                   edge keeps them (encrypted) for the case it will create;
 *                   the state keeps only the mask. Never log this argument;
 *                   the inbound message of this step holds the number too;
 *   "case_open"     arg = kind ("device_change" | "phone_change" | "other"):
 *                   the citizen confirmed; create the case from
 *                   dlg_result.intake (name, id_mask, commune or only
 *                   province, phone, desc) and the digits of the last
 *                   "intake_id". Always followed by
 *   "case_reason"   arg = the escalation reason id;
 *                   the reply then holds "{case_id}", which the edge replaces
 *                   with the new case's number (dlg_result_fill_case_id);
 *   "intake_cancel" arg = "": the citizen cancelled (or opted out, or followed
 *                   again): forget the intake's ID number;
 *   "outcome"       arg = "<intent>:solved" or "<intent>:failed"
 *   "opt_out"       arg = ""
 *   "opt_in"        arg = "" */
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
    dlg_intake intake;                      /* with "case_open": what the citizen
                                               confirmed (the state's intake is
                                               cleared by then); else zero */
} dlg_result;

/* What a step may know besides the state and the text. */
/* What dlg_step reads of a message before anything else: the normalised
 * text and the classifier's answer. It needs no state, so it can be worked
 * out beforehand, on another thread (the webhooks do, on the network thread,
 * so that the one thread writing the database does less). */
typedef struct dlg_understood {
    nlu_text   text;
    nlu_result nlu;
} dlg_understood;

typedef struct dlg_env {
    const dlg_flow  *flow;          /* required */
    const nlu_model *model;         /* NULL: no classifier, digits and words still work */
    const geo_dir   *geo;           /* NULL: the intake skips the commune step (the
                                       case then has neither commune nor province) */
    int              current_year;  /* for the age in the ID number; 0 (or anything
                                       outside 1900..9999): the age is not checked */
    int64_t          open_case_id;  /* > 0: the contact has an open case; an
                                       escalation is added to it, no intake */
    const char      *contact_phone; /* national form 0912345678 for SMS contacts
                                       (offered as the callback number), NULL otherwise */
    const dlg_understood *understood; /* the message as dlg_understand() read it with
                                         this env's model, or NULL: dlg_step reads it */
} dlg_env;

/* Normalise and classify text (env->model; NULL: intent unknown) into out. */
void dlg_understand(const dlg_env *env, const char *text, size_t len, dlg_understood *out);

/* in may be a fresh state (all zero). text is the raw message, any bytes.
 *
 * During an intake (in->intake.step != DLG_INTAKE_NONE) the message is the
 * answer to the intake's question; digits are data, not menu choices. Only
 * these leave it: an opt-out word (HUY, STOP, TU CHOI: opted out and intake
 * cancelled, at any step; the opt-out intent of the classifier too, except
 * at the description, which is free text), and a cancel word ("0", "thoát",
 * "hủy yêu cầu", "không làm nữa", ... words.intake_cancel, and the menu
 * words): "intake_cancel", back to the menu. help is DLG_HELP_NONE for
 * intake answers and nlu reports the escalation reason's intent (score 1). */
int dlg_step(const dlg_env *env, const dlg_state *in, const char *text, size_t len,
             dlg_result *out);

/* Replace every "{case_id}" in the replies of r by case_id (the reply to
 * "case_open"). HD_ETOOBIG if a reply would not fit (it is then cut). */
int dlg_result_fill_case_id(dlg_result *r, int64_t case_id);

/* In place: every number of 12 or more digits (groups joined by single
 * spaces, dots or dashes count as one) keeps its last 4 digits, the others
 * become '*' ("001 099 012345" -> "*** *** **2345"). The intake applies it to
 * the name and description; an edge may apply it to a message it stores. */
void dlg_mask_idnums(char *text);

/* What is not a text still gets an answer (pure, like dlg_step):
 *   DLG_EV_FOLLOW   the citizen followed the Zalo OA: greeting and menu (a
 *                   running intake is cancelled: action "intake_cancel");
 *   DLG_EV_NONTEXT  a picture, sticker, file ...: "please type your question",
 *                   the conversation (and an intake) stays where it was. */
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
