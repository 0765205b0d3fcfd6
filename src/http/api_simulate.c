/* api_simulate.c -- POST /api/v1/simulate: talk to the engine as a contact of
 * a channel would, without a provider. The conversation is stored like any
 * other; replies are returned in the answer instead of being sent. */
#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "ingest/ingest.h"
#include "nlu/normalize.h"
#include "routes.h"
#include "store/contacts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A contact id: 1..63 printable ASCII characters without spaces. */
static int contact_valid(const char *s)
{
    size_t n = strlen(s);

    if (n == 0 || n >= STORE_ADDRESS_MAX)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
            return 0;
    return 1;
}

static cJSON *reply_json(const dlg_reply *r, dlg_channel ch)
{
    char text[DLG_TEXT_MAX * 2];
    cJSON *o = cJSON_CreateObject(), *opts = cJSON_AddArrayToObject(o, "options");

    dlg_render(r, ch, text, sizeof text);
    cJSON_AddStringToObject(o, "text", text);
    for (int i = 0; i < r->n_options; i++) {
        char label[256];
        if (ch == DLG_CH_SMS)
            nlu_unaccent(r->options[i], strlen(r->options[i]), label, sizeof label);
        else
            snprintf(label, sizeof label, "%s", r->options[i]);
        cJSON_AddItemToArray(opts, cJSON_CreateString(label));
    }
    return o;
}

int http_simulate(const http_req *req, http_resp *resp)
{
    ingest_result *res = NULL;
    ingest_msg in = { 0 };
    ingest_env env;
    cJSON *body, *contact, *channel, *text, *o = NULL, *arr, *details;
    char err[256] = "";
    dlg_channel ch;
    store *s;
    int rc = HD_OK;

    body = http_body_json(req, resp);
    if (!body)
        return HD_OK;
    contact = cJSON_GetObjectItemCaseSensitive(body, "contact");
    channel = cJSON_GetObjectItemCaseSensitive(body, "channel");
    text = cJSON_GetObjectItemCaseSensitive(body, "text");
    if (!cJSON_IsString(contact) || !contact_valid(contact->valuestring)) {
        http_reply_error(resp, 400, "bad_contact",
                         "\"contact\" must be a string of 1 to 63 visible ASCII characters");
        goto out;
    }
    if (!cJSON_IsString(channel) || dlg_channel_parse(channel->valuestring, &ch) != HD_OK ||
        ch == DLG_CH_CONSOLE) {
        http_reply_error(resp, 400, "bad_channel", "\"channel\" must be \"sms\" or \"zalo\"");
        goto out;
    }
    if (!cJSON_IsString(text)) {
        http_reply_error(resp, 400, "bad_text", "\"text\" must be a string");
        goto out;
    }
    res = calloc(1, sizeof *res);
    if (!res) {
        rc = HD_ENOMEM;
        goto out;
    }
    in.channel = ch;
    in.address = contact->valuestring;
    in.text = text->valuestring;
    in.len = strlen(text->valuestring);
    in.now_ms = clock_now_ms();
    in.delivery = INGEST_SHOW;

    s = app_store_acquire(req->app);
    app_ingest_env(req->app, &env);
    rc = ingest_message(s, &env, &in, res, err, sizeof err);
    app_store_release(req->app, s);
    if (rc) {
        log_error("simulate: %s", err);
        goto out;
    }

    o = cJSON_CreateObject();
    arr = cJSON_AddArrayToObject(o, "replies");
    for (int i = 0; i < res->step.n_replies; i++)
        cJSON_AddItemToArray(arr, reply_json(&res->step.replies[i], ch));
    cJSON_AddStringToObject(o, "intent", nlu_intent_id(res->step.nlu.intent));
    cJSON_AddNumberToObject(o, "score", res->step.nlu.score);
    cJSON_AddStringToObject(o, "state", res->step.state.node);
    arr = cJSON_AddArrayToObject(o, "actions");
    details = cJSON_AddArrayToObject(o, "action_details");
    for (int i = 0; i < res->step.n_actions; i++) {
        const dlg_action *a = &res->step.actions[i];
        cJSON *d = cJSON_CreateObject();
        cJSON_AddItemToArray(arr, cJSON_CreateString(a->name));
        cJSON_AddStringToObject(d, "name", a->name);
        cJSON_AddStringToObject(d, "arg", a->arg);
        cJSON_AddItemToArray(details, d);
    }
    http_reply_json(resp, 200, o);
out:
    free(res);
    cJSON_Delete(body);
    return rc;
}
