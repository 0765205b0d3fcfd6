/* test_dialog_state.c -- the dialogue state to JSON and back. */
#include "test.h"

#include "core/err.h"
#include "dialog/engine.h"

#include <cjson/cJSON.h>

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
    CHECK(strstr(json, "misses") == NULL);   /* nothing to say: not written */

    /* messages not understood in a row are remembered */
    s.misses = 3;
    CHECK_INT(dlg_state_encode(&s, json, sizeof json), HD_OK);
    CHECK_INT(dlg_state_decode(json, &back), HD_OK);
    CHECK_INT(back.misses, 3);
    CHECK_INT(dlg_state_decode("{\"misses\":-1}", &back), HD_EPARSE);
    CHECK_INT(dlg_state_decode("{\"misses\":100000}", &back), HD_EPARSE);
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

static dlg_state intake_state(void)
{
    dlg_state s;

    memset(&s, 0, sizeof s);
    snprintf(s.node, sizeof s.node, "police_device");
    s.intake.step = DLG_INTAKE_COMMUNE;
    snprintf(s.intake.kind, sizeof s.intake.kind, "device_change");
    snprintf(s.intake.reason, sizeof s.intake.reason, "device_change");
    snprintf(s.intake.name, sizeof s.intake.name, "Nguyễn Văn \"An\"");
    snprintf(s.intake.id_mask, sizeof s.intake.id_mask, "********2345");
    snprintf(s.intake.cands[0], sizeof s.intake.cands[0], "03408");
    snprintf(s.intake.cands[1], sizeof s.intake.cands[1], "03970");
    s.intake.n_cands = 2;
    s.intake.fails[DLG_INTAKE_COMMUNE] = 1;
    return s;
}

static void intake_round_trip(void)
{
    dlg_state s = intake_state(), back;
    char json[DLG_STATE_JSON_MAX];

    CHECK_INT(dlg_state_encode(&s, json, sizeof json), HD_OK);
    CHECK(strstr(json, "\"intake\":{\"step\":\"commune\"") != NULL);
    CHECK_INT(dlg_state_decode(json, &back), HD_OK);
    CHECK_INT(back.intake.step, DLG_INTAKE_COMMUNE);
    CHECK_STR(back.intake.kind, "device_change");
    CHECK_STR(back.intake.name, "Nguyễn Văn \"An\"");
    CHECK_STR(back.intake.id_mask, "********2345");
    CHECK_INT(back.intake.n_cands, 2);
    CHECK_STR(back.intake.cands[1], "03970");
    CHECK_INT(back.intake.fails[DLG_INTAKE_COMMUNE], 1);
    CHECK_STR(back.intake.commune, "");

    /* no intake: no key at all, older states stay as they were */
    memset(&s, 0, sizeof s);
    CHECK_INT(dlg_state_encode(&s, json, sizeof json), HD_OK);
    CHECK(strstr(json, "intake") == NULL);
}

/* The largest intake the engine can keep still fits the store. */
static void intake_worst_case_fits(void)
{
    dlg_state s = intake_state(), back;
    char json[DLG_STATE_JSON_MAX];
    size_t o = 0;

    memset(s.node, 'a', DLG_ID_MAX - 1);
    s.node[DLG_ID_MAX - 1] = '\0';
    snprintf(s.topic, sizeof s.topic, "public_services_login");
    s.tries = 1000;
    s.intake.step = DLG_INTAKE_CONFIRM;
    s.intake.n_cands = 0;
    memset(s.intake.reason, 'r', DLG_ID_MAX - 1);
    /* quotes and 4-byte characters: the most JSON per character */
    for (int i = 0; i < 27; i++)
        s.intake.name[o++] = '"';
    for (int i = 0; i < 33; i++) {
        memcpy(s.intake.name + o, "\xf0\x9f\x98\x80", 4);
        o += 4;
    }
    s.intake.name[o] = '\0';
    CHECK(o < DLG_NAME_MAX);
    o = 0;
    for (int i = 0; i < 198; i++)
        s.intake.desc[o++] = '\\';
    for (int i = 0; i < 102; i++) {
        memcpy(s.intake.desc + o, "\xf0\x9f\x98\x80", 4);
        o += 4;
    }
    s.intake.desc[o] = '\0';
    CHECK(o < DLG_DESC_MAX);
    snprintf(s.intake.commune, sizeof s.intake.commune, "00070");
    snprintf(s.intake.province, sizeof s.intake.province, "01");
    snprintf(s.intake.phone, sizeof s.intake.phone, "0912345678");
    s.intake.id_recheck = 1;
    for (int i = 0; i < DLG_INTAKE_STEPS; i++)
        s.intake.fails[i] = i ? 1000 : 0;
    CHECK_INT(dlg_state_encode(&s, json, sizeof json), HD_OK);
    CHECK_INT(dlg_state_decode(json, &back), HD_OK);
    CHECK_STR(back.intake.desc, s.intake.desc);
    CHECK_STR(back.intake.name, s.intake.name);
}

static void intake_out_of_shape_refused(void)
{
    static const char *const bad[] = {
        "{\"node\":\"menu\",\"intake\":5}",
        "{\"intake\":{\"step\":\"lunch\",\"kind\":\"other\",\"reason\":\"human_agent\"}}",
        "{\"intake\":{\"step\":\"name\",\"kind\":\"theft\",\"reason\":\"human_agent\"}}",
        "{\"intake\":{\"step\":\"name\",\"kind\":\"other\"}}",
        "{\"intake\":{\"step\":\"id\",\"kind\":\"other\",\"reason\":\"human_agent\",\"id\":\"001099012345\"}}",
        "{\"intake\":{\"step\":\"desc\",\"kind\":\"other\",\"reason\":\"human_agent\",\"name\":\"An 001099012345\"}}",
        "{\"intake\":{\"step\":\"phone\",\"kind\":\"other\",\"reason\":\"human_agent\",\"commune\":\"70\"}}",
        "{\"intake\":{\"step\":\"phone\",\"kind\":\"other\",\"reason\":\"human_agent\",\"cands\":[\"00070\"]}}",
        "{\"intake\":{\"step\":\"commune\",\"kind\":\"other\",\"reason\":\"human_agent\",\"cands\":[\"1\",\"2\",\"3\",\"4\",\"5\",\"6\"]}}",
        "{\"intake\":{\"step\":\"phone\",\"kind\":\"other\",\"reason\":\"human_agent\",\"phone\":\"84912345678\"}}",
        "{\"intake\":{\"step\":\"phone\",\"kind\":\"other\",\"reason\":\"human_agent\",\"fails\":[0,0]}}",
        "{\"intake\":{\"step\":\"phone\",\"kind\":\"other\",\"reason\":\"human_agent\",\"name\":\"a\\nb\"}}",
        "{\"intake\":{\"step\":\"phone\",\"kind\":\"other\",\"reason\":\"human_agent\",\"desc\":\"\xff\"}}",
    };
    dlg_state s;

    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        memset(&s, 0x41, sizeof s);
        CHECK_MSG(dlg_state_decode(bad[i], &s) == HD_EPARSE, "accepted: %s", bad[i]);
        CHECK_INT(s.intake.step, DLG_INTAKE_NONE);
    }
    CHECK_INT(dlg_state_decode("{\"intake\":{\"step\":\"phone\",\"kind\":\"other\","
                               "\"reason\":\"human_agent\",\"province\":\"40\"}}", &s), HD_OK);
    CHECK_INT(s.intake.step, DLG_INTAKE_PHONE);
    CHECK_STR(s.intake.province, "40");
    /* a landline callback (11 digits from 02) is kept; 11 digits else is not */
    CHECK_INT(dlg_state_decode("{\"intake\":{\"step\":\"desc\",\"kind\":\"other\","
                               "\"reason\":\"human_agent\",\"phone\":\"02438123456\"}}", &s), HD_OK);
    CHECK_STR(s.intake.phone, "02438123456");
    CHECK_INT(dlg_state_decode("{\"intake\":{\"step\":\"desc\",\"kind\":\"other\","
                               "\"reason\":\"human_agent\",\"phone\":\"09438123456\"}}", &s), HD_EPARSE);
}

/* What the state was before it was written by hand: the same keys through
 * cJSON (the intake through cJSON in both). The hand-written top level must
 * give the same bytes, escapes included. */
static void encode_matches_cjson(void)
{
    dlg_state cases[5];
    char json[DLG_STATE_JSON_MAX];

    memset(cases, 0, sizeof cases);
    snprintf(cases[1].node, sizeof cases[1].node, "otp_more");
    snprintf(cases[1].topic, sizeof cases[1].topic, "otp_not_received");
    cases[1].tries = 7;
    cases[1].misses = 5000;   /* written capped */
    snprintf(cases[2].node, sizeof cases[2].node, "a\"b\\c\x01\n\td\x7f");
    snprintf(cases[2].topic, sizeof cases[2].topic, "Nguyễn\r\b\f");
    cases[2].opted_out = 3;   /* written as 1 */
    memset(cases[3].node, 'n', sizeof cases[3].node);   /* unterminated: cut */
    cases[4] = intake_state();
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const dlg_state *st = &cases[i];
        char node[DLG_ID_MAX], topic[DLG_ID_MAX], *want;
        cJSON *o = cJSON_CreateObject();

        snprintf(node, sizeof node, "%.*s", DLG_ID_MAX - 1, st->node);
        snprintf(topic, sizeof topic, "%.*s", DLG_ID_MAX - 1, st->topic);
        cJSON_AddStringToObject(o, "node", node);
        cJSON_AddStringToObject(o, "topic", topic);
        cJSON_AddNumberToObject(o, "tries", st->tries);
        cJSON_AddNumberToObject(o, "opted_out", st->opted_out ? 1 : 0);
        if (st->misses)
            cJSON_AddNumberToObject(o, "misses", st->misses > 1000 ? 1000 : st->misses);
        if (st->intake.step != DLG_INTAKE_NONE) {
            CHECK_INT(dlg_state_encode(st, json, sizeof json), HD_OK);
            cJSON *back = cJSON_Parse(json);
            CHECK(back != NULL);
            cJSON_AddItemToObject(o, "intake",
                                  cJSON_DetachItemFromObject(back, "intake"));
            cJSON_Delete(back);
        }
        want = cJSON_PrintUnformatted(o);
        CHECK_INT(dlg_state_encode(st, json, sizeof json), HD_OK);
        CHECK_MSG(strcmp(json, want) == 0, "case %zu: %s, cJSON: %s", i, json, want);
        /* One byte less than needed is refused whole, never cut. */
        CHECK_INT(dlg_state_encode(st, json, strlen(want)), HD_ETOOBIG);
        CHECK_STR(json, "");
        CHECK_INT(dlg_state_encode(st, json, strlen(want) + 1), HD_OK);
        cJSON_free(want);
        cJSON_Delete(o);
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

TEST_MAIN(T(round_trip), T(decode_known_json), T(garbage_gives_fresh_state), T(intake_round_trip),
          T(intake_worst_case_fits), T(intake_out_of_shape_refused), T(encode_matches_cjson),
          T(bad_arguments))
