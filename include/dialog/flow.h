/* flow.h -- the conversation as data: loaded once from messages/ JSON files.
 *
 * The flow holds every text a citizen reads (menu, answers, questions,
 * apologies), the numbered main menu, the words that mean yes / no / opt-out,
 * and per intent the guidance and what follows it. C code never holds a
 * sentence for citizens; it only walks this structure. Read-only after load,
 * shared by all threads. The file format is documented in messages/README.md. */
#ifndef HD_DIALOG_FLOW_H
#define HD_DIALOG_FLOW_H

#include <stddef.h>

typedef struct dlg_flow dlg_flow;

int  dlg_flow_load(const char *messages_dir, dlg_flow **out, char *err, size_t errlen);
void dlg_flow_free(dlg_flow *f);

/* A text by key ("greeting", "sorry_unknown", ...); NULL when absent. Used by
 * edges that must say something outside a dialogue step (e.g. a channel that
 * received a picture). */
const char *dlg_flow_text(const dlg_flow *f, const char *key);

/* Walking the flow, for checks that must see every node and text (tests,
 * tools): ids by index 0..count-1, NULL out of range. Text keys are those of
 * the "texts" sections; node texts are reached through the nodes. */
int         dlg_flow_node_count(const dlg_flow *f);
const char *dlg_flow_node_id(const dlg_flow *f, int i);
int         dlg_flow_text_count(const dlg_flow *f);
const char *dlg_flow_text_key(const dlg_flow *f, int i);

#endif
