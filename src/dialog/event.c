/* event.c -- answers to what is not a text message (see dlg_on_event()). */
#include "intake_int.h"

#include "core/err.h"

#include <stdio.h>
#include <string.h>

int dlg_on_event(const dlg_flow *f, const dlg_state *in, dlg_event ev, dlg_result *out)
{
    const char *text;
    int rc;

    if (!f || !in || !out)
        return HD_EINVAL;
    memset(out, 0, sizeof *out);
    dlg_state_adopt(f, in, &out->state);
    out->nlu.intent = NLU_UNKNOWN;
    out->help = DLG_HELP_NONE;
    if (ev == DLG_EV_FOLLOW) {
        rc = dlg_node_reply(f, "greeting", &out->replies[0]);
        if (rc)
            return rc;
        /* Following again starts afresh: a half-done intake is dropped. */
        if (out->state.intake.step != DLG_INTAKE_NONE) {
            dlg_intake_clear(&out->state.intake);
            dlg_action_add(out, "intake_cancel", "");
        }
        snprintf(out->state.node, sizeof out->state.node, "menu");
        out->state.topic[0] = '\0';
        out->n_replies = 1;
        return HD_OK;
    }
    /* A picture does not move the conversation: whatever was asked before
     * can still be answered after the citizen types. */
    text = dlg_flow_text(f, "non_text");
    if (!text || !*text)
        return HD_ENOTFOUND;
    snprintf(out->replies[0].text, sizeof out->replies[0].text, "%s", text);
    out->n_replies = 1;
    return HD_OK;
}
