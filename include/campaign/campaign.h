/* campaign.h -- reminders and follow-ups in a running server.
 *
 * `serve` starts one planner thread after the channels: it plans due
 * broadcasts chunk by chunk (campaign/planner.h), takes back reminders that
 * missed their day's window, and queues due follow-ups. Everything it does
 * is in the database, so a restart simply carries on.
 *
 * Ingest tells the campaign what each conversation step means for it with
 * campaign_followup_on_step(), inside its own transaction. */
#ifndef HD_CAMPAIGN_CAMPAIGN_H
#define HD_CAMPAIGN_CAMPAIGN_H

#include "app/app.h"
#include "dialog/engine.h"
#include "store/store.h"

#include <stddef.h>
#include <stdint.h>

typedef struct campaign campaign;

/* Checks the settings (HELPDESK_QUIET_START / _END, HELPDESK_FOLLOWUP_HOURS)
 * and messages/campaign.json, then starts the planner. Call after
 * app_channels_start() (a channel without a delivery worker is not used). */
int  campaign_start(app *a, campaign **out, char *err, size_t errlen);
/* Stops after the chunk being planned; NULL is fine. */
void campaign_stop(campaign *c);

/* For ingest, after the engine's step and inside the same transaction as
 * the new state (r is that step's result):
 *   - "opt_out": the open follow-up is cancelled;
 *   - "escalate": the open follow-up is cancelled (a person takes over);
 *   - "outcome" <intent>:solved|failed: an open follow-up that was asked is
 *     answered with it (counted), one not yet asked is cancelled; an
 *     activate_account success sets contacts.activated_at;
 *   - the activation_done intent: activated_at, and the follow-up closed;
 *   - guidance on the activation path (campaign_followup_wanted) given by
 *     this step (help by the bot, or deeper guidance after a failure), when
 *     it is not the answer to a follow-up: a follow-up due followup_hours
 *     later (replacing an open one). followup_hours 0: none.
 * Call it for every kind of message (events included): a step that only
 * keeps the conversation where it was schedules nothing.
 * HD_OK or the store's error (the caller rolls back). */
int campaign_followup_on_step(store *s, const dlg_flow *flow, int64_t contact_id,
                              const dlg_result *r, int64_t now_ms, int followup_hours);

/* 1 when guidance of this intent is followed up. */
int campaign_followup_wanted(const char *intent);

#endif
