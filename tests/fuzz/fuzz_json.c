/* fuzz_json.c -- JSON we read back or receive: a contact's dialogue state as
 * stored (dlg_state_decode; the store is written by us, but a state is read
 * on every message, so a damaged row must not hurt) and Zalo's OAuth answer
 * (zalo_token_parse_answer).
 *
 * Input: byte 0 picks the token output sizes, the rest is the JSON text. */
#include "fuzz.h"

#include "channel/zalo_token.h"
#include "core/err.h"
#include "dialog/engine.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

static void fjsn_state(const char *json)
{
    static dlg_state s, s2, fresh;
    static char enc[DLG_STATE_JSON_MAX], enc2[DLG_STATE_JSON_MAX];
    int rc;

    memset(&s, 0xA5, sizeof s);
    rc = dlg_state_decode(json, &s);
    if (rc != HD_OK) {
        FZ_CHECK(rc == HD_EPARSE);
        FZ_CHECK(memcmp(&s, &fresh, sizeof s) == 0);   /* a fresh state */
        return;
    }
    /* what was accepted encodes, and reads back as the same state */
    FZ_CHECK(dlg_state_encode(&s, enc, sizeof enc) == HD_OK);
    FZ_CHECK(dlg_state_decode(enc, &s2) == HD_OK);
    FZ_CHECK(dlg_state_encode(&s2, enc2, sizeof enc2) == HD_OK);
    FZ_CHECK(strcmp(enc, enc2) == 0);
    FZ_CHECK(s.intake.step == s2.intake.step && s.intake.n_cands == s2.intake.n_cands);
    FZ_CHECK(strcmp(s.node, s2.node) == 0 && strcmp(s.topic, s2.topic) == 0);
    FZ_CHECK(s.tries == s2.tries && s.opted_out == s2.opted_out);
}

static void fjsn_token(const char *body, size_t len, size_t cap)
{
    char *access = malloc(cap), *refresh = malloc(cap), err[256];
    int64_t exp = -1;
    int rc;

    FZ_CHECK(access && refresh);
    err[0] = '\0';
    rc = zalo_token_parse_answer(body, len, access, cap, refresh, cap, &exp, err, sizeof err);
    /* the caller adds exp * 1000 to the clock: that must not overflow, and
     * the number form is already bounded to 1e12 s */
    FZ_CHECK(exp >= 0 && exp < 1000000000000LL);
    if (rc == HD_OK) {
        FZ_CHECK(memchr(access, '\0', cap) && memchr(refresh, '\0', cap));
        FZ_CHECK(access[0] && refresh[0]);
    } else {
        FZ_CHECK(rc == HD_EPARSE || rc == HD_EAUTH || rc == HD_ETOOBIG);
        FZ_CHECK(err[0] != '\0' && memchr(err, '\0', sizeof err));
    }
    free(access);
    free(refresh);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *json, *body;
    size_t cap;

    if (size < 1)
        return 0;
    cap = data[0] < 128 ? 1 + data[0] % 48 : ZALO_TOKEN_MAX;
    data++;
    size--;
    json = fz_cstr(data, size);
    fjsn_state(json);
    body = malloc(size ? size : 1);    /* exact size, not terminated */
    FZ_CHECK(body != NULL);
    if (size)
        memcpy(body, data, size);
    fjsn_token(body, size, cap);
    free(body);
    free(json);
    return 0;
}
