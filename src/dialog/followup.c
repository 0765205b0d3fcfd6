/* followup.c -- the follow-up's question and state (dialog/followup.h). */
#include "dialog/followup.h"
#include "flow_int.h"

#include "core/err.h"

#include <stdio.h>
#include <string.h>

/* A node that set topic and whose options record an outcome. */
static int asks_worked(const dlg_flow *f, int idx, const char *topic)
{
    const dlg_node *n;

    if (idx < 0 || idx >= f->n_nodes)
        return 0;
    n = &f->nodes[idx];
    if (n->topic_mode != DLG_TOPIC_SET || !n->topic || strcmp(n->topic, topic) != 0)
        return 0;
    for (int i = 0; i < n->n_options; i++)
        if (n->options[i].outcome != DLG_OUTCOME_NONE)
            return 1;
    return 0;
}

int dlg_followup_topic(const dlg_flow *f, const dlg_state *st, char topic[DLG_ID_MAX])
{
    if (!f || !st || !topic)
        return 0;
    topic[0] = '\0';
    if (!st->topic[0] || !asks_worked(f, dlg_flow_find(f, st->node), st->topic))
        return 0;
    snprintf(topic, DLG_ID_MAX, "%s", st->topic);
    return 1;
}

int dlg_followup_prepare(const dlg_flow *f, const char *topic, dlg_state *st, dlg_reply *out)
{
    char key[DLG_ID_MAX + 16];
    const char *text;
    const dlg_node *n;
    int idx;

    if (!f || !topic || !st || !out)
        return HD_EINVAL;
    if (!nlu_intent_valid(topic))
        return HD_ENOTFOUND;
    if (st->intake.step != DLG_INTAKE_NONE)
        return HD_ESTATE;
    idx = dlg_flow_find(f, st->node);
    if (!asks_worked(f, idx, topic))
        idx = f->intent_node[nlu_intent_from_id(topic)];
    if (!asks_worked(f, idx, topic))
        return HD_ENOTFOUND;
    snprintf(key, sizeof key, "followup_%s", topic);
    text = dlg_flow_text(f, key);
    if (!text)
        text = dlg_flow_text(f, "followup_default");
    if (!text)
        return HD_ENOTFOUND;

    n = &f->nodes[idx];
    memset(out, 0, sizeof *out);
    snprintf(out->text, sizeof out->text, "%s", text);
    for (int i = 0; i < n->n_options; i++)
        out->options[i] = n->options[i].label;
    out->n_options = n->n_options;
    if (strcmp(st->topic, topic) != 0)
        st->tries = 0;
    snprintf(st->topic, sizeof st->topic, "%s", topic);
    snprintf(st->node, sizeof st->node, "%s", n->id);
    return HD_OK;
}
