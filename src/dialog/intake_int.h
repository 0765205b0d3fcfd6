/* intake_int.h -- the case intake inside dialog/ (private).
 *
 * engine.c decides whether a message belongs to the intake (see dlg_step in
 * engine.h) and hands it over; intake.c asks the questions and checks the
 * answers, intake_place.c finds the commune (or the province), state_intake.c
 * keeps it all in the state JSON, intake_text.c cleans what was typed. */
#ifndef HD_DIALOG_INTAKE_INT_H
#define HD_DIALOG_INTAKE_INT_H

#include "flow_int.h"
#include "nlu/normalize.h"

#include <cjson/cJSON.h>

/* One message as the engine and the intake see it. */
typedef struct dlg_turn {
    const dlg_env  *env;
    const dlg_flow *f;
    dlg_result     *out;
    const nlu_text *t;        /* the message: NFC and folded forms */
    nlu_intent      intent;   /* of the classifier */
    int             cur;      /* node index; -1 for a new contact */
} dlg_turn;

/* intake_text.c */
int    dlg_append(char *out, size_t cap, const char *sep, const char *text);
size_t dlg_clean_line(const char *in, char *out, size_t cap, size_t max_chars);

int    dlg_utf8_valid(const char *s);

/* intake.c */
void dlg_action_add(dlg_result *r, const char *name, const char *arg);
int  dlg_number(const char *folded, int *n);          /* "1".."99" */
/* Escalation entered: start the intake, or (open case) add to it; appends
 * to rp, the reply of the escalation node. */
void dlg_intake_begin(dlg_turn *s, const char *reason, dlg_reply *rp);
/* The message answers the intake's current question. */
void dlg_intake_answer(dlg_turn *s);
/* The intake is over (cancelled or the case opened). */
void dlg_intake_clear(dlg_intake *in);
/* Ask the question of step (replacing r's replies with one). */
void dlg_intake_ask(dlg_turn *s, dlg_intake_step step);
/* A new reply holding the text of key, its blanks filled from kv (name,
 * value, ..., NULL; may be NULL); NULL if there is no room for a reply. */
dlg_reply *dlg_intake_say(dlg_turn *s, const char *key, const char *const *kv);

/* intake_place.c: the answer at DLG_INTAKE_COMMUNE / DLG_INTAKE_PROVINCE. */
void dlg_intake_place(dlg_turn *s);
/* The commune's (or province's) display name for the summary ({place}) and
 * for the police unit ({commune} of case_created). */
void dlg_intake_place_names(const dlg_turn *s, char *place, size_t pcap, char *unit, size_t ucap);

/* state_intake.c */
int  dlg_intake_to_json(const dlg_intake *in, cJSON *parent);
int  dlg_intake_from_json(const cJSON *item, dlg_intake *out);
/* Make a state that came from outside safe to walk: bounded strings, codes
 * of the right shape, a known step (else no intake at all). */
void dlg_intake_sanitize(dlg_intake *in);

/* engine.c: a stored state made safe to continue from: every field bounded
 * and terminated, the node one the flow has (the menu when the flow changed
 * under it), the topic a known intent or none, the intake sanitized. What is
 * stored again is then always a state dlg_state_decode() accepts. Returns
 * the node's index in the flow, -1 for a state at no node (a new one). */
int dlg_state_adopt(const dlg_flow *f, const dlg_state *in, dlg_state *out);

#endif
