/* webhook_throttle.c -- a sender over HELPDESK_SENDER_RATE_PER_MIN.
 *
 * Nothing a citizen sends is ever dropped: the message is stored (status
 * 'throttled', ID numbers masked, duplicates dropped by the provider's id as
 * usual) and the provider gets its 200, but the bot does not read it: no
 * dialogue step, no reply, no state change. A phone stuck re-sending, an
 * auto-responder answering our answers, or a script costs one small
 * transaction per message and no SMS, and cannot starve other senders of
 * the handler threads or the gateway's rate.
 *
 * Once per episode (from the first refused message until the sender's
 * bucket is full again) the sender gets the text "slow_down" of messages/,
 * when it exists and the contact has not opted out, so that a person typing
 * fast knows they were heard.
 *
 * Not done here (it would need the ingest path): a throttled message is not
 * attached to the contact's open police case. */
#include "webhook.h"

#include "core/err.h"
#include "store/contacts.h"
#include "store/messages.h"
#include "store/outbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The notice, rendered for the channel, queued in the caller's transaction. */
static int queue_notice(app *a, store *s, const store_contact *c, dlg_channel ch, int64_t now,
                        int *queued)
{
    const char *text = dlg_flow_text(a->flow, "slow_down");
    char out[DLG_TEXT_MAX * 2];
    dlg_reply r;
    int64_t message_id = 0;
    int rc;

    if (!text || !*text || c->opted_out)
        return HD_OK;
    memset(&r, 0, sizeof r);
    snprintf(r.text, sizeof r.text, "%s", text);
    rc = dlg_render(&r, ch, out, sizeof out);
    if (rc && rc != HD_ETOOBIG)
        return rc;
    store_message_new m = {
        .contact_id = c->id,
        .dir = STORE_OUT,
        .channel = c->channel,
        .text = out,
        .status = "queued",
        .created_at = now,
    };
    rc = store_message_add(s, &m, &message_id);
    if (rc)
        return rc;
    outbox_new o = {
        .contact_id = c->id,
        .message_id = message_id,
        .channel = c->channel,
        .address = c->address,
        .text = out,
        .priority = OUTBOX_REPLY,
    };
    rc = outbox_enqueue(s, &o, now, NULL);
    if (rc == HD_OK)
        *queued = 1;
    return rc;
}

int webhook_store_throttled(app *a, store *s, dlg_channel ch, const chan_inbound *in,
                            int64_t now, int notify, int *duplicate, int *queued)
{
    store_contact c;
    char *masked;
    int64_t id = 0;
    size_t len;
    int rc;

    *duplicate = 0;
    *queued = 0;
    /* Like ingest: a picture or sticker is stored without text. */
    len = in->event == CHAN_EV_TEXT ? in->text_len : 0;
    masked = malloc(len + 1);
    if (!masked)
        return HD_ENOMEM;
    memcpy(masked, in->text, len);
    masked[len] = '\0';
    dlg_mask_idnums(masked);
    rc = store_begin(s);
    if (rc)
        goto out;
    rc = store_contact_upsert(s, dlg_channel_name(ch), in->address, now, &c);
    if (rc == HD_OK) {
        store_message_new m = {
            .contact_id = c.id,
            .dir = STORE_IN,
            .channel = c.channel,
            .external_id = in->external_id[0] ? in->external_id : NULL,
            .text = masked,
            .status = "throttled",
            .created_at = now,
        };
        rc = store_message_add(s, &m, &id);
    }
    if (rc == HD_EDUP) {
        *duplicate = 1;
        rc = HD_OK;
        store_rollback(s);
        goto out;
    }
    if (rc == HD_OK && notify)
        rc = queue_notice(a, s, &c, ch, now, queued);
    if (rc == HD_OK)
        rc = store_commit(s);
    if (rc) {
        store_rollback(s);
        *queued = 0;
    }
out:
    free(masked);
    return rc;
}
