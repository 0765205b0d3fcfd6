/* fuzz_nlu.c -- the normaliser, the classifier and the SMS unaccenter on
 * whatever a citizen may type. The model is built once from messages/.
 *
 * Input: byte 0 picks the unaccent output size, the rest is the message. */
#include "fuzz.h"

#include "core/err.h"
#include "nlu/classify.h"
#include "nlu/normalize.h"

#include <math.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static nlu_model *fnlu_model;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char err[512] = "";

    (void)argc;
    (void)argv;
    if (!fnlu_model && nlu_model_load(fz_messages_dir(), &fnlu_model, err, sizeof err) != HD_OK) {
        fprintf(stderr, "fuzz_nlu: cannot load the model from %s: %s\n", fz_messages_dir(), err);
        exit(1);
    }
    return 0;
}

static void fnlu_check_text(const nlu_text *t)
{
    FZ_CHECK(t->nfc_len < sizeof t->nfc && strlen(t->nfc) == t->nfc_len);
    FZ_CHECK(fz_utf8_ok(t->nfc, t->nfc_len));
    for (size_t i = 0; i < t->nfc_len; i++)
        FZ_CHECK((unsigned char)t->nfc[i] >= 0x20 && t->nfc[i] != 0x7F);
    if (t->nfc_len)
        FZ_CHECK(t->nfc[0] != ' ' && t->nfc[t->nfc_len - 1] != ' ');

    FZ_CHECK(t->folded_len < sizeof t->folded && strlen(t->folded) == t->folded_len);
    for (size_t i = 0; i < t->folded_len; i++) {
        char c = t->folded[i];
        FZ_CHECK((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == ' ');
        if (c == ' ')
            FZ_CHECK(i > 0 && i + 1 < t->folded_len && t->folded[i - 1] != ' ');
    }
}

static int fnlu_ascii(const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (!((c >= 0x20 && c < 0x7F) || c == '\n' || c == '\r' || c == '\t'))
            return 0;
    }
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static nlu_text t, again;
    nlu_result r;
    char *msg, *out;
    size_t cap;
    int rc;

    if (size < 1)
        return 0;
    cap = 1 + data[0] % 96;
    if (data[0] >= 224)
        cap = 4 * size + 16;
    data++;
    size--;
    msg = malloc(size ? size : 1);      /* exact size: reads past it are reported */
    FZ_CHECK(msg != NULL);
    if (size)
        memcpy(msg, data, size);

    FZ_CHECK(nlu_normalize(msg, size, &t) == HD_OK);
    fnlu_check_text(&t);
    /* normalising is idempotent on what fits the input limit */
    if (t.nfc_len <= NLU_INPUT_MAX) {
        FZ_CHECK(nlu_normalize(t.nfc, t.nfc_len, &again) == HD_OK);
        FZ_CHECK(strcmp(again.nfc, t.nfc) == 0);
        FZ_CHECK(strcmp(again.folded, t.folded) == 0);
    }

    memset(&r, 0xA5, sizeof r);
    FZ_CHECK(nlu_classify(fnlu_model, &t, &r) == HD_OK);
    FZ_CHECK(r.intent >= NLU_UNKNOWN && r.intent < NLU_INTENT_COUNT);
    FZ_CHECK(!isnan(r.score) && r.score >= 0.0 && r.score <= 1.0);
    FZ_CHECK(nlu_intent_valid(nlu_intent_id(r.intent)));

    out = malloc(cap);
    FZ_CHECK(out != NULL);
    rc = nlu_unaccent(msg, size, out, cap);
    FZ_CHECK(rc == HD_OK || rc == HD_ETOOBIG);
    FZ_CHECK(memchr(out, '\0', cap) != NULL);
    FZ_CHECK(fnlu_ascii(out));
    free(out);
    /* the text we actually send: NFC, unaccented with room to spare */
    out = malloc(4 * t.nfc_len + 16);
    FZ_CHECK(out != NULL);
    FZ_CHECK(nlu_unaccent(t.nfc, t.nfc_len, out, 4 * t.nfc_len + 16) == HD_OK);
    FZ_CHECK(fnlu_ascii(out));
    free(out);

    free(msg);
    return 0;
}
