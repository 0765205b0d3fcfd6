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

/* The state is written once per message, so its top level is written here
 * rather than through cJSON (a tree of allocations and a growing print
 * buffer: 8% of the committer's instructions). The output is the same compact
 * JSON, key for key; only the intake, when one runs, goes through cJSON. */
typedef struct json_out {
    char  *p;
    size_t len, cap;
    int    over;   /* something did not fit */
} json_out;

static void put(json_out *w, const char *s, size_t n)
{
    if (w->over || n >= w->cap - w->len) {
        w->over = 1;
        return;
    }
    memcpy(w->p + w->len, s, n);
    w->len += n;
    w->p[w->len] = '\0';
}

static void put_lit(json_out *w, const char *s)
{
    put(w, s, strlen(s));
}

/* A JSON string: quotes, backslashes and control characters escaped as
 * cJSON does; other bytes (UTF-8) as they are. At most max bytes of s. */
static void put_str(json_out *w, const char *s, size_t max)
{
    static const char hex[] = "0123456789abcdef";

    put(w, "\"", 1);
    for (size_t i = 0; i < max && s[i]; i++) {
        unsigned char c = (unsigned char)s[i];
        char e[7] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0 };

        if (c == '"' || c == '\\')
            e[1] = (char)c, put(w, e, 2);
        else if (c < 0x20)
            put_lit(w, c == '\n' ? "\\n" : c == '\t' ? "\\t" : c == '\r' ? "\\r" :
                       c == '\b' ? "\\b" : c == '\f' ? "\\f" : e);
        else
            put(w, s + i, 1);
    }
    put(w, "\"", 1);
}

static void put_int(json_out *w, int v)
{
    char d[16];
    int n = snprintf(d, sizeof d, "%d", v);

    put(w, d, (size_t)n);
}

/* The intake object as cJSON prints it, after ",\"intake\":". */
static int put_intake(json_out *w, const dlg_intake *intake)
{
    dlg_intake in = *intake;   /* as dlg_step would see it */
    cJSON *o;
    char *txt = NULL;
    int rc;

    dlg_intake_sanitize(&in);
    if (in.step == DLG_INTAKE_NONE)
        return HD_OK;
    o = cJSON_CreateObject();
    rc = o ? dlg_intake_to_json(&in, o) : HD_ENOMEM;
    if (rc == HD_OK && !(txt = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(o, "intake"))))
        rc = HD_ENOMEM;
    if (rc == HD_OK) {
        put_lit(w, ",\"intake\":");
        put_lit(w, txt);
    }
    cJSON_free(txt);
    cJSON_Delete(o);
    return rc;
}

int dlg_state_encode(const dlg_state *s, char *out, size_t cap)
{
    json_out w = { .p = out, .cap = cap };
    int rc;

    if (!s || !out || !cap)
        return HD_EINVAL;
    out[0] = '\0';
    put_lit(&w, "{\"node\":");
    put_str(&w, s->node, DLG_ID_MAX - 1);
    put_lit(&w, ",\"topic\":");
    put_str(&w, s->topic, DLG_ID_MAX - 1);
    put_lit(&w, ",\"tries\":");
    put_int(&w, s->tries);
    put_lit(&w, ",\"opted_out\":");
    put_int(&w, s->opted_out ? 1 : 0);
    /* Only when there is something to say: older readers see the same JSON. */
    if (s->misses > 0) {
        put_lit(&w, ",\"misses\":");
        put_int(&w, s->misses > STATE_MISSES_MAX ? STATE_MISSES_MAX : s->misses);
    }
    rc = put_intake(&w, &s->intake);
    put(&w, "}", 1);
    if (rc == HD_OK && w.over)
        rc = HD_ETOOBIG;
    if (rc)
        out[0] = '\0';
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
