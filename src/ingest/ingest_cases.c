/* ingest_cases.c -- what the engine's case actions mean for the store.
 *
 *   intake_id      the ID number typed during an intake: sealed (AES-GCM)
 *                  into the contact's draft; the action's argument is then
 *                  overwritten with the mask, so that the number goes no
 *                  further (not into an API answer, not into a log)
 *   intake_cancel  the draft is erased
 *   case_open      a case in the citizen's commune (or province queue) from
 *                  what the intake collected and the draft's sealed number;
 *                  the reply gets the case's number
 *   case_append    a second escalation while a case is open: an event on it
 *
 * And while a case is open every message of the citizen is attached to it,
 * so the officer sees it on the case page. */
#include "ingest/ingest.h"
#include "ingest_int.h"

#include "core/err.h"
#include "store/cases.h"
#include "store/contacts.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>

const dlg_action *ingest_find_action(const dlg_result *r, const char *name)
{
    for (int i = 0; i < r->n_actions; i++)
        if (strcmp(r->actions[i].name, name) == 0)
            return &r->actions[i];
    return NULL;
}

static int seal_draft(store *s, const ingest_env *env, int64_t contact_id, dlg_action *a,
                      int64_t now)
{
    unsigned char sealed[CASE_ID_ENC_MAX];
    size_t n = strlen(a->arg), len = 0;
    int rc;

    if (n != 12 || !env->pii)
        return HD_EINVAL;
    rc = pii_seal(env->pii, a->arg, n, sealed, sizeof sealed, &len);
    if (rc == HD_OK)
        rc = store_case_draft_put(s, contact_id, sealed, len, a->arg + 8, now);
    /* From here on only the mask exists outside the database. */
    memset(a->arg, '*', 8);
    return rc;
}

static int open_case(store *s, const ingest_env *env, const ingest_msg *in, int64_t contact_id,
                     const dlg_action *open, ingest_result *out)
{
    const dlg_action *why = ingest_find_action(&out->step, "case_reason");
    const dlg_intake *it = &out->step.intake;
    unsigned char sealed[CASE_ID_ENC_MAX];
    char last4[CASE_LAST4_MAX] = "";
    size_t len = 0;
    case_kind kind;
    int rc;

    if (case_kind_parse(open->arg, &kind) != HD_OK)
        kind = CASE_OTHER;
    rc = store_case_draft_get(s, contact_id, sealed, sizeof sealed, &len, last4);
    if (rc == HD_ENOTFOUND) {
        len = 0;   /* a citizen who gave no valid number still gets a case */
        rc = HD_OK;
    }
    if (rc)
        return rc;
    store_case_new c = {
        .contact_id = contact_id,
        .channel = dlg_channel_name(in->channel),
        .kind = kind,
        .reason = why && why->arg[0] ? why->arg : open->arg,
        .commune_code = it->commune[0] ? it->commune : NULL,
        .province_code = it->province,
        .full_name = it->name[0] ? it->name : NULL,
        .id_enc = len ? sealed : NULL,
        .id_enc_len = len,
        .id_last4 = len ? last4 : NULL,
        .callback_phone = it->phone[0] ? it->phone : NULL,
        .description = it->desc[0] ? it->desc : NULL,
    };
    rc = store_case_create(s, &c, in->now_ms, &out->case_id);
    OPENSSL_cleanse(sealed, sizeof sealed);
    if (rc == HD_OK)
        rc = store_contact_learn(s, contact_id, c.commune_code, c.callback_phone);
    if (rc == HD_OK)
        rc = dlg_result_fill_case_id(&out->step, out->case_id);
    return rc == HD_ETOOBIG ? HD_OK : rc;
}

int ingest_cases(store *s, const ingest_env *env, const ingest_msg *in, int64_t contact_id,
                 int64_t open_case_id, const char *masked_text, ingest_result *out,
                 char *err, size_t errlen)
{
    int rc = HD_OK;

    if (open_case_id && (in->kind == INGEST_TEXT || in->kind == INGEST_THROTTLED)) {
        out->case_id = open_case_id;
        rc = store_case_event_add(s, open_case_id, "citizen", "message", out->message_id,
                                  masked_text, in->now_ms, NULL);
        if (rc)
            return hd_seterr(err, errlen, rc, "case message: %s", hd_strerror(rc));
    }
    for (int i = 0; i < out->step.n_actions && rc == HD_OK; i++) {
        dlg_action *a = &out->step.actions[i];

        if (strcmp(a->name, "intake_id") == 0)
            rc = seal_draft(s, env, contact_id, a, in->now_ms);
        else if (strcmp(a->name, "intake_cancel") == 0)
            rc = store_case_draft_delete(s, contact_id);
        else if (strcmp(a->name, "case_open") == 0)
            rc = open_case(s, env, in, contact_id, a, out);
        else if (strcmp(a->name, "case_append") == 0 && open_case_id)
            rc = store_case_event_add(s, open_case_id, "citizen", "escalation", out->message_id,
                                      a->arg, in->now_ms, NULL);
        if (rc)
            return hd_seterr(err, errlen, rc, "case action %s: %s", a->name, hd_strerror(rc));
    }
    return HD_OK;
}
