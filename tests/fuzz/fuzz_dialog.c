/* fuzz_dialog.c -- whole conversations through dlg_step: the engine, the
 * classifier's use, the case intake, the commune lookup, the state JSON.
 * Flow, model and directory are loaded once from messages/ and data/.
 *
 * Input: byte 0 picks the environment (bit 0 an open case, bit 1 an SMS
 * contact's phone, bit 2 no directory, bit 3 no classifier, bit 4 no year,
 * bit 5: the next sizeof(dlg_state) bytes are the first state, as raw
 * memory: dlg_step must cope with any struct it is handed); the rest is
 * split on '\n' into messages, sent one after the other with the state
 * carried between them the way ingest does it (encoded, stored, decoded;
 * a state that does not decode starts over, as ingest does, which is only
 * allowed after a raw first state). A message "\x01" is a Zalo follow,
 * "\x02" a picture.
 *
 * After every step: at least one reply, none empty, all valid UTF-8 that
 * renders for every channel; known actions with plain ASCII arguments; a
 * state that encodes, decodes to the same JSON; neither the state nor a
 * reply holds a run of 12 digits (an ID number). */
#include "fuzz.h"

#include "core/err.h"
#include "dialog/engine.h"
#include "dialog/flow.h"
#include "dialog/render.h"
#include "geo/communes.h"
#include "nlu/classify.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FDLG_STEPS_MAX 48

static dlg_flow *fdlg_flow;
static nlu_model *fdlg_model;
static geo_dir *fdlg_geo;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char path[512], err[512] = "";

    (void)argc;
    (void)argv;
    if (fdlg_flow)
        return 0;
    if (dlg_flow_load(fz_messages_dir(), &fdlg_flow, err, sizeof err) != HD_OK ||
        nlu_model_load(fz_messages_dir(), &fdlg_model, err, sizeof err) != HD_OK ||
        geo_dir_load(fz_communes_path(path, sizeof path), &fdlg_geo, err, sizeof err) != HD_OK) {
        fprintf(stderr, "fuzz_dialog: cannot load messages/ or data/: %s\n", err);
        exit(1);
    }
    return 0;
}

static int fdlg_has_12_digits(const char *s)
{
    int run = 0;

    for (; *s; s++) {
        run = (*s >= '0' && *s <= '9') ? run + 1 : 0;
        if (run >= 12)
            return 1;
    }
    return 0;
}

static int fdlg_plain(const char *s, size_t cap)
{
    const char *end = memchr(s, '\0', cap);

    if (!end)
        return 0;
    for (; s < end; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7E)
            return 0;
    return 1;
}

static const char *const fdlg_actions[] = {
    "escalate", "case_append", "intake_id", "case_open", "case_reason", "intake_cancel",
    "outcome", "opt_out", "opt_in", NULL
};

static void fdlg_check(const dlg_result *r)
{
    static char out[DLG_TEXT_MAX * 2];
    int case_open = 0;

    FZ_CHECK(r->n_replies >= 1 && r->n_replies <= DLG_REPLIES_MAX);
    for (int i = 0; i < r->n_replies; i++) {
        const dlg_reply *rp = &r->replies[i];
        size_t n = strnlen(rp->text, sizeof rp->text);
        FZ_CHECK(n > 0 && n < sizeof rp->text);
        FZ_CHECK(fz_utf8_ok(rp->text, n));
        /* replies are stored and sent: never an ID number in full either */
        FZ_CHECK(!fdlg_has_12_digits(rp->text));
        FZ_CHECK(rp->n_options >= 0 && rp->n_options <= DLG_OPTIONS_MAX);
        for (int k = 0; k < rp->n_options; k++)
            FZ_CHECK(rp->options[k] && rp->options[k][0]);
        for (int ch = DLG_CH_CONSOLE; ch <= DLG_CH_SMS; ch++) {
            int rc = dlg_render(rp, (dlg_channel)ch, out, sizeof out);
            FZ_CHECK(rc == HD_OK || rc == HD_ETOOBIG);
            FZ_CHECK(out[0] != '\0' && fz_utf8_ok(out, strlen(out)));
            if (ch == DLG_CH_SMS) {
                FZ_CHECK(strlen(out) <= DLG_SMS_MAX);
                for (const char *p = out; *p; p++)
                    FZ_CHECK((unsigned char)*p < 0x80);
            }
        }
    }
    FZ_CHECK(r->n_actions >= 0 && r->n_actions <= DLG_ACTIONS_MAX);
    for (int i = 0; i < r->n_actions; i++) {
        const dlg_action *a = &r->actions[i];
        int known = 0;
        FZ_CHECK(fdlg_plain(a->name, sizeof a->name) && fdlg_plain(a->arg, sizeof a->arg));
        for (const char *const *k = fdlg_actions; *k; k++)
            known |= strcmp(*k, a->name) == 0;
        FZ_CHECK(known);
        if (strcmp(a->name, "intake_id") == 0)
            FZ_CHECK(strlen(a->arg) == 12 && strspn(a->arg, "0123456789") == 12);
        if (strcmp(a->name, "case_open") == 0) {
            case_open = 1;
            /* "Always followed by case_reason" */
            FZ_CHECK(i + 1 < r->n_actions && strcmp(r->actions[i + 1].name, "case_reason") == 0);
        }
    }
    if (case_open)
        FZ_CHECK(r->intake.kind[0] && r->state.intake.step == DLG_INTAKE_NONE);
    FZ_CHECK(r->help >= DLG_HELP_NONE && r->help <= DLG_HELP_PERSON);
    FZ_CHECK(r->nlu.intent >= NLU_UNKNOWN && r->nlu.intent < NLU_INTENT_COUNT);
    FZ_CHECK((int)r->state.intake.step >= DLG_INTAKE_NONE &&
             (int)r->state.intake.step < DLG_INTAKE_STEPS);
}

/* The state as ingest keeps it: encode, check, decode. */
static void fdlg_store(const dlg_state *s, dlg_state *next, int raw)
{
    static char json[DLG_STATE_JSON_MAX], again[DLG_STATE_JSON_MAX];

    FZ_CHECK(dlg_state_encode(s, json, sizeof json) == HD_OK);
    FZ_CHECK(!fdlg_has_12_digits(json));
    if (raw && dlg_state_decode(json, next) != HD_OK)
        return;     /* next is a fresh state, as ingest would start over */
    FZ_CHECK(dlg_state_decode(json, next) == HD_OK);
    FZ_CHECK(dlg_state_encode(next, again, sizeof again) == HD_OK);
    FZ_CHECK(strcmp(json, again) == 0);
    FZ_CHECK(next->opted_out == (s->opted_out != 0) && next->tries == s->tries);
    FZ_CHECK(next->intake.step == s->intake.step);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static dlg_result r;
    static dlg_state st;
    dlg_env env;
    size_t pos;
    int steps = 0, raw = 0, rc;

    if (size < 1)
        return 0;
    memset(&env, 0, sizeof env);
    env.flow = fdlg_flow;
    env.model = data[0] & 8 ? NULL : fdlg_model;
    env.geo = data[0] & 4 ? NULL : fdlg_geo;
    env.current_year = data[0] & 16 ? 0 : 2025;
    env.open_case_id = data[0] & 1 ? 42 : 0;
    env.contact_phone = data[0] & 2 ? "0912345678" : NULL;
    memset(&st, 0, sizeof st);
    pos = 1;
    if (data[0] & 32) {
        size_t n = size - 1 < sizeof st ? size - 1 : sizeof st;
        memcpy(&st, data + 1, n);
        pos += n;
        raw = 1;
    }

    while (pos <= size && steps++ < FDLG_STEPS_MAX) {
        const uint8_t *nl = memchr(data + pos, '\n', size - pos);
        size_t len = nl ? (size_t)(nl - (data + pos)) : size - pos;
        char *msg = malloc(len ? len : 1);    /* exact size: overreads are reported */

        FZ_CHECK(msg != NULL);
        if (len)
            memcpy(msg, data + pos, len);
        memset(&r, 0xA5, sizeof r);
        if (len == 1 && (msg[0] == 1 || msg[0] == 2))
            rc = dlg_on_event(fdlg_flow, &st, msg[0] == 1 ? DLG_EV_FOLLOW : DLG_EV_NONTEXT, &r);
        else
            rc = dlg_step(&env, &st, msg, len, &r);
        FZ_CHECK(rc == HD_OK);
        fdlg_check(&r);
        for (int i = 0; i < r.n_actions; i++)
            if (strcmp(r.actions[i].name, "case_open") == 0) {
                rc = dlg_result_fill_case_id(&r, 123456);
                FZ_CHECK(rc == HD_OK || rc == HD_ETOOBIG);
                for (int k = 0; k < r.n_replies; k++)
                    FZ_CHECK(strstr(r.replies[k].text, "{case_id}") == NULL || rc != HD_OK);
                fdlg_check(&r);
                break;
            }
        fdlg_store(&r.state, &st, raw);
        raw = 0;
        free(msg);
        if (!nl)
            break;
        pos += len + 1;
    }
    return 0;
}
