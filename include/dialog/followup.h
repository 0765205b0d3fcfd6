/* followup.h -- asking later whether guidance worked, as pure functions of
 * the flow (no I/O), for the campaign's follow-ups (src/campaign/).
 *
 * A guidance node ends with "did it work?" (the "worked" shorthand of
 * messages/README.md: two options that record the outcome solved / failed).
 * A follow-up puts the conversation back on such a node with a question of
 * its own (messages/campaign.json: "followup_<topic>", else
 * "followup_default") and the node's two options, so that "1", "2", "được
 * rồi", "vẫn chưa được" ... are understood by dlg_step() exactly as right
 * after the guidance: the action "outcome" <topic>:solved|failed. */
#ifndef HD_DIALOG_FOLLOWUP_H
#define HD_DIALOG_FOLLOWUP_H

#include "dialog/engine.h"

/* 1 when st sits on a guidance node of its topic that asks whether it
 * worked (topic copied out), else 0. */
int dlg_followup_topic(const dlg_flow *f, const dlg_state *st, char topic[DLG_ID_MAX]);

/* Turn st into the state of the follow-up about topic and build its
 * question into out. The node: st's own when it is such a node of topic
 * (the deeper guidance a citizen reached stays), else the topic's guidance
 * node. HD_ENOTFOUND when topic has no node asking whether it worked or no
 * question text; HD_ESTATE while a case intake runs (st unchanged). */
int dlg_followup_prepare(const dlg_flow *f, const char *topic, dlg_state *st, dlg_reply *out);

#endif
