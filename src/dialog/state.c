/* state.c -- a contact's dialogue state as compact JSON for the store.
 *
 * {"node":"otp_not_received","topic":"otp_not_received","tries":1,"opted_out":0}
 * plus "misses":n after messages not understood, and "intake":{...} while a
 * case intake runs (state_intake.c).
 * Missing keys take their fresh value, so states written by an older version
 * still load; anything else that is not a state is refused as a whole, since
 * half of a broken state could lead the conversation somewhere odd. */
#include "intake_int.h"

#include "core/err.h"
#include "nlu/intents.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#define STATE_TRIES_MAX 1000
#define STATE_MISSES_MAX 1000

static int node_id_ok(const char *s)
{
    size_t n = 0;

    for (; *s; s++, n++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return 0;
    return n < DLG_ID_MAX;
}

int dlg_state_encode(const dlg_state *s, char *out, size_t cap)
{
    cJSON *o = NULL;
    char *txt = NULL, node[DLG_ID_MAX], topic[DLG_ID_MAX];
    int rc = HD_OK;

    if (!s || !out || !cap)
        return HD_EINVAL;
    out[0] = '\0';
    snprintf(node, sizeof node, "%.*s", DLG_ID_MAX - 1, s->node);
    snprintf(topic, sizeof topic, "%.*s", DLG_ID_MAX - 1, s->topic);
    o = cJSON_CreateObject();
    if (!o || !cJSON_AddStringToObject(o, "node", node) ||
        !cJSON_AddStringToObject(o, "topic", topic) ||
        !cJSON_AddNumberToObject(o, "tries", s->tries) ||
        !cJSON_AddNumberToObject(o, "opted_out", s->opted_out ? 1 : 0)) {
        rc = HD_ENOMEM;
        goto out;
    }
    /* Only when there is something to say: older readers see the same JSON. */
    if (s->misses > 0 &&
        !cJSON_AddNumberToObject(o, "misses", s->misses > STATE_MISSES_MAX ? STATE_MISSES_MAX
                                                                           : s->misses)) {
        rc = HD_ENOMEM;
        goto out;
    }
    {
        dlg_intake in = s->intake;   /* as dlg_step would see it */
        dlg_intake_sanitize(&in);
        rc = dlg_intake_to_json(&in, o);
        if (rc)
            goto out;
    }
    txt = cJSON_PrintUnformatted(o);
    if (!txt) {
        rc = HD_ENOMEM;
        goto out;
    }
    if (strlen(txt) >= cap) {
        rc = HD_ETOOBIG;
        goto out;
    }
    memcpy(out, txt, strlen(txt) + 1);
out:
    cJSON_free(txt);
    cJSON_Delete(o);
    return rc;
}

static int get_id(const cJSON *o, const char *key, char *dst)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);

    if (!it)
        return HD_OK;
    if (!cJSON_IsString(it) || !node_id_ok(it->valuestring))
        return HD_EPARSE;
    snprintf(dst, DLG_ID_MAX, "%s", it->valuestring);
    return HD_OK;
}

static int get_int(const cJSON *o, const char *key, int lo, int hi, int *dst)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);

    if (!it)
        return HD_OK;
    if (cJSON_IsBool(it) && hi == 1) {
        *dst = cJSON_IsTrue(it);
        return HD_OK;
    }
    if (!cJSON_IsNumber(it) || it->valuedouble < lo || it->valuedouble > hi ||
        it->valuedouble != (double)(int)it->valuedouble)
        return HD_EPARSE;
    *dst = (int)it->valuedouble;
    return HD_OK;
}

int dlg_state_decode(const char *json, dlg_state *out)
{
    cJSON *o = NULL;
    dlg_state s;
    int rc;

    if (!out)
        return HD_EINVAL;
    memset(out, 0, sizeof *out);
    if (!json)
        return HD_EINVAL;
    memset(&s, 0, sizeof s);
    if (strnlen(json, DLG_STATE_JSON_MAX + 1) > DLG_STATE_JSON_MAX) {
        rc = HD_EPARSE;
        goto out;
    }
    o = cJSON_ParseWithOpts(json, NULL, 1);   /* 1: nothing may follow the object */
    if (!o || !cJSON_IsObject(o)) {
        rc = HD_EPARSE;
        goto out;
    }
    if ((rc = get_id(o, "node", s.node)) || (rc = get_id(o, "topic", s.topic)) ||
        (rc = get_int(o, "tries", 0, STATE_TRIES_MAX, &s.tries)) ||
        (rc = get_int(o, "opted_out", 0, 1, &s.opted_out)) ||
        (rc = get_int(o, "misses", 0, STATE_MISSES_MAX, &s.misses)) ||
        (rc = dlg_intake_from_json(cJSON_GetObjectItemCaseSensitive(o, "intake"), &s.intake)))
        goto out;
    if (s.topic[0] && !nlu_intent_valid(s.topic)) {
        rc = HD_EPARSE;
        goto out;
    }
    *out = s;
out:
    cJSON_Delete(o);
    return rc;
}
