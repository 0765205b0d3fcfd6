/* test_dialog_state.c -- the dialogue state to JSON and back. */
#include "test.h"

#include "core/err.h"
#include "dialog/engine.h"

static void round_trip(void)
{
    dlg_state s, back;
    char json[DLG_STATE_JSON_MAX];

    memset(&s, 0, sizeof s);
    snprintf(s.node, sizeof s.node, "otp_more");
    snprintf(s.topic, sizeof s.topic, "otp_not_received");
    s.tries = 2;
    s.opted_out = 1;
    CHECK_INT(dlg_state_encode(&s, json, sizeof json), HD_OK);
    CHECK(strchr(json, ' ') == NULL);   /* compact */
    CHECK(strchr(json, '\n') == NULL);
    memset(&back, 0x55, sizeof back);
    CHECK_INT(dlg_state_decode(json, &back), HD_OK);
    CHECK_STR(back.node, "otp_more");
    CHECK_STR(back.topic, "otp_not_received");
    CHECK_INT(back.tries, 2);
    CHECK_INT(back.opted_out, 1);

    memset(&s, 0, sizeof s);   /* a fresh state survives too */
    CHECK_INT(dlg_state_encode(&s, json, sizeof json), HD_OK);
    CHECK_INT(dlg_state_decode(json, &back), HD_OK);
    CHECK_STR(back.node, "");
    CHECK_STR(back.topic, "");
    CHECK_INT(back.tries, 0);
    CHECK_INT(back.opted_out, 0);
}

static void decode_known_json(void)
{
    dlg_state s;

    CHECK_INT(dlg_state_decode("{\"node\":\"menu\",\"topic\":\"\",\"tries\":0,\"opted_out\":true}", &s), HD_OK);
    CHECK_STR(s.node, "menu");
    CHECK_INT(s.opted_out, 1);
    CHECK_INT(dlg_state_decode("{}", &s), HD_OK);       /* older states lack keys */
    CHECK_STR(s.node, "");
    CHECK_INT(dlg_state_decode("{\"node\":\"solved\"}", &s), HD_OK);
    CHECK_STR(s.node, "solved");
    CHECK_INT(s.tries, 0);
}

static void garbage_gives_fresh_state(void)
{
    static const char *const bad[] = {
        "", "{", "[]", "null", "42", "\"menu\"", "{\"node\":5}", "{\"node\":\"A B\"}",
        "{\"node\":\"menu\"", "{\"tries\":-1}", "{\"tries\":1.5}", "{\"tries\":\"1\"}",
        "{\"opted_out\":2}", "{\"topic\":\"not_an_intent\"}",
        "{\"node\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}",
        "\xff\xfe{}", "{\"node\":\"menu\"}trailing"
    };

    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        dlg_state s;
        memset(&s, 0x41, sizeof s);
        CHECK_MSG(dlg_state_decode(bad[i], &s) == HD_EPARSE, "accepted: %s", bad[i]);
        CHECK_STR(s.node, "");
        CHECK_STR(s.topic, "");
        CHECK_INT(s.tries, 0);
        CHECK_INT(s.opted_out, 0);
    }
    {
        char big[DLG_STATE_JSON_MAX + 64];
        dlg_state s;
        memset(big, ' ', sizeof big);
        big[0] = '{';
        big[sizeof big - 2] = '}';
        big[sizeof big - 1] = '\0';
        CHECK_INT(dlg_state_decode(big, &s), HD_EPARSE);
    }
}

static void bad_arguments(void)
{
    dlg_state s;
    char small[8];

    memset(&s, 0, sizeof s);
    CHECK_INT(dlg_state_encode(&s, small, sizeof small), HD_ETOOBIG);
    CHECK_STR(small, "");
    CHECK_INT(dlg_state_encode(NULL, small, sizeof small), HD_EINVAL);
    CHECK_INT(dlg_state_decode(NULL, &s), HD_EINVAL);
    CHECK_INT(dlg_state_decode("{}", NULL), HD_EINVAL);
}

TEST_MAIN(T(round_trip), T(decode_known_json), T(garbage_gives_fresh_state), T(bad_arguments))
