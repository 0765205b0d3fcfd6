/* plan.c -- planning a broadcast chunk by chunk, and taking back what
 * missed its day (campaign/planner.h).
 *
 * Why chunks in single transactions: a crash loses at most the chunk being
 * written, and the next start resumes at the cursor; the recipient key
 * (broadcast, contact) keeps a contact from being planned twice whatever
 * the cursor says.
 *
 * Why take back: the daily cap is counted for the day a reminder is
 * planned. A reminder still queued when the quiet hours begin would go out
 * the next morning on a day whose cap it did not count, next to that day's
 * own reminder; so it is cancelled (never sent), its cap row and recipient
 * row deleted, and the cursor moved back: the next window plans it again
 * and counts it for that day. */
#include "campaign/broadcast.h"
#include "campaign/planner.h"

#include "channel/phone.h"
#include "core/err.h"
#include "core/log.h"
#include "store/contacts.h"
#include "store/followups.h"
#include "store/messages.h"
#include "store/outbox.h"
#include "store/reminders.h"

#include <stdlib.h>
#include <string.h>

typedef struct plan_ctx {
    const campaign_env *e;
    store              *s;
    const store_broadcast *b;
    int64_t             now;
    char                day[CAMPAIGN_DAY_MAX];
    campaign_preview    text;           /* the message per channel */
    campaign_step      *out;
} plan_ctx;

static int skip(plan_ctx *p, int64_t contact_id, const char *reason)
{
    int rc = store_broadcast_recipient_add(p->s, p->b->id, contact_id, "skipped", reason, NULL,
                                           0, p->now);
    if (!rc)
        p->out->planned++;
    return rc;
}

/* One contact: where it is reached, the cap, the message. */
static int plan_one(plan_ctx *p, const store_audience_contact *c)
{
    char phone[PHONE_MAX] = "";
    campaign_reach reach = {
        .channel = c->channel[0] ? c->channel : NULL,
        .opted_out = c->opted_out,
        .last_inbound_at = c->last_inbound_at,
        .sms_ok = p->e->sms_ok,
        .zalo_ok = p->e->zalo_ok,
    };
    campaign_route route;
    store_contact to;
    int64_t message_id = 0, outbox_id = 0;
    int rc, has = 0, sms;
    const char *text;

    reach.has_phone = c->phone[0] &&
                      phone_normalize(c->phone, strlen(c->phone), phone, sizeof phone) == HD_OK;
    route = campaign_route_choose(&reach, p->now);
    if (route == CAMPAIGN_SKIP_OPTED_OUT || route == CAMPAIGN_SKIP_NO_CHANNEL)
        return skip(p, c->id, campaign_route_skip_reason(route));

    memset(&to, 0, sizeof to);
    if (route == CAMPAIGN_ROUTE_PHONE) {
        /* The SMS contact of that number: where the citizen's answer will
         * arrive, and whose own opt-out counts as much as this one's. */
        if ((rc = store_contact_upsert(p->s, "sms", phone, p->now, &to)))
            return rc;
        if (to.opted_out)
            return skip(p, c->id, "opted_out");
    } else {
        to.id = c->id;
        memcpy(to.channel, c->channel, sizeof c->channel);
        memcpy(to.address, c->address, sizeof c->address);
    }

    sms = strcmp(to.channel, "sms") == 0;
    text = sms ? p->text.sms : p->text.zalo;
    /* Nobody twice: the number may have had this broadcast through another
     * contact of the same person (on an earlier day, so the cap is no help). */
    if ((rc = store_contact_got_text(p->s, to.id, p->b->send_at, text, &has)))
        return rc;
    if (has)
        return skip(p, c->id, "daily_cap");
    /* The cap holds for both contacts of a person reached through another. */
    if ((rc = store_reminder_has(p->s, c->id, p->day, &has)))
        return rc;
    if (!has && to.id != c->id && (rc = store_reminder_has(p->s, to.id, p->day, &has)))
        return rc;
    if (has)
        return skip(p, c->id, "daily_cap");
    if ((rc = store_reminder_take(p->s, c->id, p->day)) ||
        (to.id != c->id && (rc = store_reminder_take(p->s, to.id, p->day))))
        return rc;

    {
        store_message_new m = {
            .contact_id = to.id, .dir = STORE_OUT, .channel = to.channel,
            .text = text, .status = "queued", .created_at = p->now,
        };
        if ((rc = store_message_add(p->s, &m, &message_id)))
            return rc;
    }
    {
        outbox_new o = {
            .contact_id = to.id, .message_id = message_id, .channel = to.channel,
            .address = to.address, .text = text, .priority = OUTBOX_BULK,
            .broadcast_id = p->b->id,
        };
        if ((rc = outbox_enqueue(p->s, &o, p->now, &outbox_id)))
            return rc;
    }
    if ((rc = store_broadcast_recipient_add(p->s, p->b->id, c->id, "queued", NULL, to.channel,
                                            outbox_id, p->now)))
        return rc;
    p->out->planned++;
    if (sms)
        p->out->queued_sms++;
    else
        p->out->queued_zalo++;
    return HD_OK;
}

static int plannable(broadcast_status st)
{
    return st == BROADCAST_SCHEDULED || st == BROADCAST_SENDING || st == BROADCAST_WAITING;
}

/* One chunk of the list. Returns 1 when the list is complete: b then has
 * its length and the cursor back at the start, for planning. The status
 * stays: listing sends nothing, in any hour. */
static int list_step(plan_ctx *p, store_broadcast *b, int *complete)
{
    int64_t last = b->cursor, listed = 0;
    int chunk = p->e->list_chunk > 0 ? p->e->list_chunk : CAMPAIGN_LIST_CHUNK, added = 0, rc;

    *complete = 0;
    rc = store_audience_list(p->s, &b->audience, b->id, b->cursor, chunk, &added, &last, &listed);
    if (rc)
        return rc;
    if (added == chunk) {
        p->out->more = 1;
        return store_broadcast_progress(p->s, b->id, b->status, last, -1, p->now);
    }
    b->audience_n = listed;
    b->cursor = 0;
    *complete = 1;
    return HD_OK;
}

/* Inside the transaction: b is the broadcast as read in it. */
static int step_locked(plan_ctx *p, store_broadcast *b, store_audience_contact *rows)
{
    const campaign_env *e = p->e;
    int64_t backlog = 0, cursor, audience_n = -1;
    int rc, n = 0, listed;
    char err[256] = "";

    if (!plannable(b->status) || b->send_at > p->now)
        return HD_OK;
    if (b->audience_n < 0) {
        if ((rc = list_step(p, b, &listed)) || !listed)
            return rc;
        audience_n = b->audience_n;   /* written with the planning's progress */
    }
    cursor = b->cursor;
    if (!campaign_window_open(&e->window, p->now))
        return b->status == BROADCAST_WAITING && audience_n < 0 ? HD_OK
             : store_broadcast_progress(p->s, b->id, BROADCAST_WAITING, cursor, audience_n,
                                        p->now);
    if ((rc = store_broadcast_backlog(p->s, b->id, &backlog)))
        return rc;
    if (backlog < CAMPAIGN_BACKLOG) {
        rc = campaign_preview_render(e->flow, b->text, &p->text, err, sizeof err);
        if (rc && rc != HD_ETOOBIG)
            return rc;   /* checked at create; only a changed messages/ could */
        campaign_local_day(p->now, e->window.tz_offset_min, p->day);
        if ((rc = store_audience_page(p->s, b->id, cursor, rows, CAMPAIGN_CHUNK, &n)))
            return rc;
        for (int i = 0; i < n; i++) {
            if ((rc = plan_one(p, &rows[i])))
                return rc;
            cursor = rows[i].id;
        }
        p->out->more = n == CAMPAIGN_CHUNK;
    }
    /* Done when nothing is left to plan nor waiting to be sent. */
    return store_broadcast_progress(p->s, b->id,
                                    n == 0 && backlog == 0 ? BROADCAST_DONE : BROADCAST_SENDING,
                                    cursor, audience_n, p->now);
}

int campaign_broadcast_step(const campaign_env *e, store *s, int64_t id, int64_t now_ms,
                            campaign_step *out)
{
    store_audience_contact *rows = NULL;
    store_broadcast *b = NULL;
    plan_ctx p;
    int rc;

    if (!e || !s || id <= 0 || !out)
        return HD_EINVAL;
    memset(out, 0, sizeof *out);
    rows = calloc(CAMPAIGN_CHUNK, sizeof *rows);
    b = malloc(sizeof *b);
    if (!rows || !b) {
        rc = HD_ENOMEM;
        goto out;
    }
    memset(&p, 0, sizeof p);
    p.e = e;
    p.s = s;
    p.b = b;
    p.now = now_ms;
    p.out = out;
    if ((rc = store_begin(s)))
        goto out;
    rc = store_broadcast_get(s, id, b);
    if (rc == HD_OK)
        rc = step_locked(&p, b, rows);
    if (rc == HD_OK)
        rc = store_commit(s);
    if (rc) {
        store_rollback(s);
        memset(out, 0, sizeof *out);
    }
out:
    free(rows);
    free(b);
    return rc;
}

#define TAKE_BACK_MAX 500

/* Stale rows of one broadcast, a page per transaction. */
static int take_back_broadcast(const campaign_env *e, store *s, int64_t id, int64_t before,
                               int64_t now, store_broadcast_stale *rows, int *total)
{
    store_broadcast *b = malloc(sizeof *b);
    int rc = HD_OK, n;

    if (!b)
        return HD_ENOMEM;
    do {
        int64_t cursor;

        n = 0;
        if ((rc = store_begin(s)))
            break;
        if ((rc = store_broadcast_get(s, id, b)) ||
            (rc = store_broadcast_stale_list(s, id, before, rows, TAKE_BACK_MAX, &n)))
            goto fail;
        cursor = b->cursor;
        for (int i = 0; i < n; i++) {
            char day[CAMPAIGN_DAY_MAX];

            campaign_local_day(rows[i].created_at, e->window.tz_offset_min, day);
            if ((rc = store_broadcast_unplan(s, id, &rows[i], day, now)))
                goto fail;
            if (rows[i].contact_id - 1 < cursor)
                cursor = rows[i].contact_id - 1;
        }
        if (n && (rc = store_broadcast_progress(s, id, b->status, cursor, -1, now)))
            goto fail;
        if ((rc = store_commit(s)))
            goto fail;
        *total += n;
        continue;
fail:
        store_rollback(s);
        break;
    } while (n == TAKE_BACK_MAX);
    free(b);
    return rc;
}

static int take_back_followups(const campaign_env *e, store *s, int64_t before, int64_t now,
                               int *total)
{
    store_followup_stale rows[64];
    int rc, n = 0;

    do {
        if ((rc = store_begin(s)))
            return rc;
        rc = store_followup_stale_list(s, before, rows, 64, &n);
        for (int i = 0; rc == HD_OK && i < n; i++) {
            char day[CAMPAIGN_DAY_MAX];

            campaign_local_day(rows[i].created_at, e->window.tz_offset_min, day);
            rc = store_followup_unqueue(s, &rows[i], day, now);
            if (rc == HD_OK)
                rc = store_followup_postpone(s, rows[i].followup_id,
                                             campaign_window_next_open(&e->window, now), now);
        }
        if (rc == HD_OK)
            rc = store_commit(s);
        if (rc) {
            store_rollback(s);
            return rc;
        }
        *total += n;
    } while (n == 64);
    return HD_OK;
}

int campaign_take_back(const campaign_env *e, store *s, int64_t now_ms, int *n)
{
    store_broadcast_stale *rows = NULL;
    int64_t ids[64], before;
    int rc, nids = 0, total = 0;

    if (n)
        *n = 0;
    if (!e || !s || !n)
        return HD_EINVAL;
    before = campaign_window_last_close(&e->window, now_ms);
    if (before <= 0)
        return HD_OK;
    rows = calloc(TAKE_BACK_MAX, sizeof *rows);
    if (!rows)
        return HD_ENOMEM;
    rc = store_broadcast_active(s, ids, 64, &nids);
    for (int i = 0; rc == HD_OK && i < nids; i++)
        rc = take_back_broadcast(e, s, ids[i], before, now_ms, rows, &total);
    if (rc == HD_OK)
        rc = take_back_followups(e, s, before, now_ms, &total);
    free(rows);
    *n = total;
    if (total)
        log_info("campaign: %d reminder(s) missed their window; planned again in the next one",
                 total);
    return rc;
}
