/* planner.h -- the planner's steps, each one or a few transactions, callable
 * without the thread (the unit tests drive them with their own clock).
 *
 * A due broadcast's first steps list its audience, CAMPAIGN_LIST_CHUNK
 * contacts a step (store_audience_list), in any hour: listing sends nothing.
 * Then a broadcast step plans at most CAMPAIGN_CHUNK contacts: for each, one
 * recipient row (queued with its message and outbox row, or skipped with
 * its reason) and the daily cap; then the cursor; all in one transaction.
 * It plans no further while CAMPAIGN_BACKLOG rows of the broadcast wait in
 * the outbox, so that little is left queued when the quiet hours begin.
 * What is left then is taken back (campaign_take_back): its recipient rows
 * and caps are deleted, the cursor moved back, and the next day plans it
 * again under that day's cap. */
#ifndef HD_CAMPAIGN_PLANNER_H
#define HD_CAMPAIGN_PLANNER_H

#include "campaign/rules.h"
#include "dialog/flow.h"
#include "store/broadcasts.h"

#define CAMPAIGN_CHUNK      500
#define CAMPAIGN_BACKLOG    1000
#define CAMPAIGN_LIST_CHUNK 100000   /* ~0.1 s of holding the write lock */

typedef struct campaign_env {
    const dlg_flow *flow;
    campaign_window window;
    int             sms_ok, zalo_ok;    /* the channel has a delivery worker */
    int             list_chunk;         /* contacts listed a step; 0: CAMPAIGN_LIST_CHUNK */
} campaign_env;

typedef struct campaign_step {
    int planned;                        /* recipient rows written */
    int queued_sms, queued_zalo;        /* outbox rows written, per channel */
    int more;                           /* 1: call again soon, work is left */
} campaign_step;

/* Plan the next chunk of broadcast id at now (or move its status). */
int campaign_broadcast_step(const campaign_env *e, store *s, int64_t id, int64_t now_ms,
                            campaign_step *out);

/* Take back the reminders (broadcasts and follow-ups) queued before the
 * latest start of the quiet hours and still unsent. *n: how many. */
int campaign_take_back(const campaign_env *e, store *s, int64_t now_ms, int *n);

/* Queue the follow-ups due at now (inside the window; within the cap, else
 * tomorrow). */
int campaign_followups_send(const campaign_env *e, store *s, int64_t now_ms,
                            campaign_step *out);

/* messages/ has every text the campaign sends (follow-up questions, the
 * reminders' footer): HD_ECONFIG naming the missing one. */
int campaign_followup_texts_check(const dlg_flow *f, char *err, size_t errlen);

#endif
