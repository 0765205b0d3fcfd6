/* test_dialog_engine.c -- multi-turn conversations through dlg_step().
 *
 * Cases with digits and exact words do not depend on the classifier; those
 * named *_text use free text and so test the engine and the NLU together. */
#include "test.h"

#include "core/err.h"
#include "dialog/engine.h"
#include "dialog/render.h"
#include "nlu/classify.h"

#include <stdlib.h>

static dlg_flow *F;
static nlu_model *M;
static dlg_env E;   /* flow and model; no directory, no open case */

static void setup(void)
{
    char err[512] = "";

    if (F)
        return;
    if (dlg_flow_load(test_messages_dir(), &F, err, sizeof err) != HD_OK) {
        printf("cannot load the flow: %s\n", err);
        exit(1);
    }
    if (nlu_model_load(test_messages_dir(), &M, err, sizeof err) != HD_OK) {
        printf("cannot load the nlu model: %s\n", err);
        exit(1);
    }
    E.flow = F;
    E.model = M;
    E.current_year = 2025;
}

/* One turn: step from *s with text, check the invariants every result must
 * hold, and move *s on. */
static dlg_result R;

static const dlg_result *say(dlg_state *s, const char *text)
{
    setup();
    CHECK_INT(dlg_step(&E, s, text, strlen(text), &R), HD_OK);
    CHECK_MSG(R.n_replies >= 1 && R.n_replies <= DLG_REPLIES_MAX, "\"%s\": %d replies", text, R.n_replies);
    for (int i = 0; i < R.n_replies; i++)
        CHECK_MSG(R.replies[i].text[0] != '\0', "\"%s\": empty reply %d", text, i);
    *s = R.state;
    return &R;
}

static int has_action(const dlg_result *r, const char *name, const char *arg)
{
    for (int i = 0; i < r->n_actions; i++)
        if (strcmp(r->actions[i].name, name) == 0 && (!arg || strcmp(r->actions[i].arg, arg) == 0))
            return 1;
    return 0;
}

static const dlg_reply *last(const dlg_result *r)
{
    return &r->replies[r->n_replies - 1];
}

static int is_menu(const dlg_reply *rp)
{
    dlg_reply menu;
    dlg_node_reply(F, "menu", &menu);
    return rp->n_options == menu.n_options && strstr(rp->text, menu.text) != NULL;
}

static dlg_state at(const char *node)
{
    dlg_state s;
    memset(&s, 0, sizeof s);
    snprintf(s.node, sizeof s.node, "%s", node);
    return s;
}

static void new_contact_greeting(void)
{
    dlg_state s = at("");
    const dlg_result *r = say(&s, "xin chào");

    CHECK_INT(r->n_replies, 1);
    CHECK(is_menu(&r->replies[0]));
    CHECK(strstr(r->replies[0].text, dlg_flow_text(F, "greeting")) == r->replies[0].text);
    CHECK_STR(s.node, "menu");
    CHECK_INT(r->help, DLG_HELP_NONE);
    CHECK_INT(r->n_actions, 0);
    /* a new contact's first text that is no question: greeting + menu too */
    s = at("");
    r = say(&s, "");
    CHECK(is_menu(last(r)));
    s = at("");
    r = say(&s, "0");
    CHECK_INT(r->n_replies, 1);
    CHECK(is_menu(last(r)));
    CHECK(strstr(r->replies[0].text, "Xin chào") != NULL);
}

/* A first message that is a question: short greeting, then the answer. */
static void new_contact_question_digit(void)
{
    dlg_state s = at("");
    const dlg_result *r = say(&s, "3");

    CHECK_INT(r->n_replies, 2);
    CHECK_STR(r->replies[0].text, dlg_flow_text(F, "greeting_short"));
    CHECK_INT(r->replies[0].n_options, 0);
    CHECK(strstr(r->replies[1].text, "OTP") != NULL);
    CHECK_INT(r->replies[1].n_options, 2);
    CHECK_STR(s.node, "otp_not_received");
    CHECK_STR(s.topic, "otp_not_received");
    CHECK_INT(r->help, DLG_HELP_BOT);
    CHECK_INT(r->nlu.intent, NLU_OTP_NOT_RECEIVED);
}

static void new_contact_question_text(void)
{
    dlg_state s = at("");
    const dlg_result *r = say(&s, "ko nhan dc otp");

    CHECK_INT(r->n_replies, 2);
    CHECK_STR(r->replies[0].text, dlg_flow_text(F, "greeting_short"));
    CHECK_STR(s.topic, "otp_not_received");
    CHECK(strstr(r->replies[1].text, "OTP") != NULL);
    CHECK_INT(r->help, DLG_HELP_BOT);
}

static void menu_digits(void)
{
    static const char *const want[9] = {
        "install_app", "activate_account", "otp_not_received", "forgot_passcode", "device_change",
        "phone_change", "chip_face_error", "register_level2", "human_agent"
    };

    for (int i = 0; i < 9; i++) {
        dlg_state s = at("menu");
        char d[16];
        const dlg_result *r;

        snprintf(d, sizeof d, "%d", i + 1);
        r = say(&s, d);
        CHECK_INT(r->n_replies, 1);
        CHECK_STR(s.node, want[i]);
        CHECK_MSG(r->help != DLG_HELP_NONE, "menu %d counted as no help", i + 1);
        CHECK_INT(r->nlu.intent, nlu_intent_from_id(want[i]));
    }
    /* "3." and " 3 " are still the digit */
    dlg_state s = at("menu");
    say(&s, " 3. ");
    CHECK_STR(s.node, "otp_not_received");
    /* a number the menu does not have: apology and menu */
    s = at("menu");
    const dlg_result *r = say(&s, "42");
    CHECK(is_menu(last(r)));
    CHECK_INT(r->help, DLG_HELP_NONE);
}

/* On a node without options a digit is a main menu item; on a node with
 * options it is one of them. */
static void digit_meaning_depends_on_node(void)
{
    dlg_state s = at("solved");
    say(&s, "5");
    CHECK_STR(s.node, "device_change");
    s = at("otp_not_received");
    snprintf(s.topic, sizeof s.topic, "otp_not_received");
    say(&s, "1");
    CHECK_STR(s.node, "solved");
    /* beyond the node's options: the main menu item */
    s = at("otp_not_received");
    say(&s, "8");
    CHECK_STR(s.node, "register_level2");
}

static void zero_and_menu_return_from_everywhere(void)
{
    const char *words[] = { "0", "menu", "MENU", "Menu", "về menu" };

    setup();
    for (int i = 0; i < dlg_flow_node_count(F); i++)
        for (size_t w = 0; w < sizeof words / sizeof *words; w++) {
            dlg_state s = at(dlg_flow_node_id(F, i));
            const dlg_result *r;

            snprintf(s.topic, sizeof s.topic, "otp_not_received");
            r = say(&s, words[w]);
            CHECK_MSG(is_menu(last(r)), "\"%s\" at %s: no menu", words[w], dlg_flow_node_id(F, i));
            CHECK_STR(s.node, "menu");
            CHECK_STR(s.topic, "");
            CHECK_INT(r->n_actions, 0);
            CHECK_INT(r->help, DLG_HELP_NONE);
        }
}

static void opt_out_from_every_node(void)
{
    const char *words[] = { "HUY", "TU CHOI", "STOP", "Hủy", "huy", "stop" };

    setup();
    for (int i = -1; i < dlg_flow_node_count(F); i++)
        for (size_t w = 0; w < sizeof words / sizeof *words; w++) {
            dlg_state s = at(i < 0 ? "" : dlg_flow_node_id(F, i));
            const dlg_result *r = say(&s, words[w]);

            CHECK_MSG(has_action(r, "opt_out", ""), "\"%s\" at %s: no opt_out", words[w],
                      i < 0 ? "(new)" : dlg_flow_node_id(F, i));
            CHECK_INT(s.opted_out, 1);
            CHECK_INT(r->n_replies, 1);
            CHECK(strstr(r->replies[0].text, "DANG KY") != NULL);
            CHECK_INT(r->help, DLG_HELP_NONE);
            CHECK(!has_action(r, "escalate", NULL));
        }
}

static void opted_out_still_answered_then_opt_in(void)
{
    dlg_state s = at("menu");
    const dlg_result *r;

    say(&s, "STOP");
    CHECK_INT(s.opted_out, 1);
    r = say(&s, "4");
    CHECK_STR(s.node, "forgot_passcode");
    CHECK_INT(s.opted_out, 1);
    CHECK_INT(r->help, DLG_HELP_BOT);
    CHECK(!has_action(r, "opt_in", NULL));
    r = say(&s, "DANG KY");
    CHECK(has_action(r, "opt_in", ""));
    CHECK_INT(s.opted_out, 0);
    CHECK(is_menu(last(r)));
    /* not opted out: "DANG KY" is no opt-in */
    r = say(&s, "DANG KY");
    CHECK(!has_action(r, "opt_in", NULL));
}

static void escalation_after_steps(const char *digit, const char *reason, const char *still)
{
    dlg_state s = at("menu");
    const dlg_result *r = say(&s, digit);
    char outcome[64];

    CHECK_STR(s.node, reason);
    CHECK_INT(r->n_actions, 0);
    CHECK_INT(r->replies[0].n_options, 2);
    r = say(&s, still);
    CHECK_MSG(has_action(r, "escalate", reason), "\"%s\" after %s: no escalation", still, reason);
    snprintf(outcome, sizeof outcome, "%s:failed", reason);
    CHECK(has_action(r, "outcome", outcome));
    CHECK_INT(r->help, DLG_HELP_PERSON);
    CHECK_INT(r->nlu.intent, nlu_intent_from_id(reason));
    CHECK(strstr(last(r)->text, "Công an xã/phường") != NULL);
}

static void device_change_escalates(void)
{
    escalation_after_steps("5", "device_change", "2");
    escalation_after_steps("5", "device_change", "vẫn không được");
    escalation_after_steps("5", "device_change", "ko dc");
}

static void phone_change_escalates(void)
{
    escalation_after_steps("6", "phone_change", "2");
    escalation_after_steps("6", "phone_change", "Vẫn chưa được ạ");
}

static void device_change_text(void)
{
    dlg_state s = at("menu");
    const dlg_result *r = say(&s, "tôi mới đổi điện thoại không đăng nhập được");

    CHECK_STR(s.topic, "device_change");
    CHECK_INT(r->help, DLG_HELP_BOT);
    r = say(&s, "vẫn không được");
    CHECK(has_action(r, "escalate", "device_change"));
    s = at("menu");
    say(&s, "đổi số điện thoại đăng ký vneid");
    CHECK_STR(s.topic, "phone_change");
    r = say(&s, "2");
    CHECK(has_action(r, "escalate", "phone_change"));
}

static void human_agent_escalates(void)
{
    dlg_state s = at("menu");
    const dlg_result *r = say(&s, "9");

    CHECK(has_action(r, "escalate", "human_agent"));
    CHECK_INT(r->help, DLG_HELP_PERSON);
    CHECK_INT(r->nlu.intent, NLU_HUMAN_AGENT);
}

static void human_agent_text(void)
{
    dlg_state s = at("install_app");
    const dlg_result *r = say(&s, "cho tôi gặp cán bộ");

    CHECK(has_action(r, "escalate", "human_agent"));
    CHECK_INT(r->help, DLG_HELP_PERSON);
    s = at("");
    r = say(&s, "cho tôi gặp cán bộ");
    CHECK(has_action(r, "escalate", "human_agent"));
    CHECK_INT(r->n_replies, 2);
    /* what the citizen adds afterwards is noted, not met with "sorry" */
    r = say(&s, "phường Hòa Bình, tổ 5");
    CHECK_INT(r->n_actions, 0);
    CHECK(!is_menu(last(r)));
}

static void outcome_solved(void)
{
    const char *yes[] = { "1", "được rồi", "dc roi", "Đã được", "ok", "xong rồi em ơi" };

    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) {
        dlg_state s = at("menu");
        const dlg_result *r;

        say(&s, "3");
        r = say(&s, yes[i]);
        CHECK_MSG(has_action(r, "outcome", "otp_not_received:solved"), "\"%s\": not solved", yes[i]);
        CHECK_INT(r->n_actions, 1);
        CHECK_STR(s.node, "solved");
        CHECK_STR(s.topic, "");
        CHECK_INT(r->help, DLG_HELP_NONE);
    }
}

/* Other topics: a deeper tip first, then an offer to pass it on; nothing
 * escalates unless the citizen accepts. */
static void second_failure_offers_police(void)
{
    dlg_state s = at("menu");
    const dlg_result *r;

    say(&s, "3");
    r = say(&s, "2");
    CHECK(has_action(r, "outcome", "otp_not_received:failed"));
    CHECK(!has_action(r, "escalate", NULL));
    CHECK_STR(s.node, "otp_more");
    CHECK_INT(s.tries, 1);
    CHECK_INT(r->help, DLG_HELP_NONE);
    CHECK_INT(last(r)->n_options, 2);
    r = say(&s, "vẫn chưa được");
    CHECK(!has_action(r, "escalate", NULL));
    CHECK_STR(s.node, "offer_police");
    CHECK_INT(s.tries, 2);
    CHECK_STR(s.topic, "otp_not_received");
    r = say(&s, "1");
    CHECK(has_action(r, "escalate", "otp_not_received"));
    CHECK_INT(r->help, DLG_HELP_PERSON);

    s = at("menu");
    say(&s, "1");
    say(&s, "2");
    say(&s, "2");
    CHECK_STR(s.node, "offer_police");
    r = say(&s, "không, cảm ơn");
    CHECK(!has_action(r, "escalate", NULL));
    CHECK(strstr(last(r)->text, "1900 0368") != NULL);
}

static void restated_problem_means_failed_text(void)
{
    dlg_state s = at("menu");
    const dlg_result *r;

    say(&s, "3");
    r = say(&s, "vẫn không nhận được mã otp");
    CHECK(has_action(r, "outcome", "otp_not_received:failed"));
    CHECK_STR(s.node, "otp_more");
}

static void new_question_switches_topic_text(void)
{
    dlg_state s = at("menu");
    const dlg_result *r;

    say(&s, "1");
    r = say(&s, "quên mật khẩu vneid");
    CHECK_STR(s.topic, "forgot_passcode");
    CHECK_INT(r->help, DLG_HELP_BOT);
    CHECK(!has_action(r, "outcome", NULL));
}

static void unknown_text_apologises(void)
{
    const char *texts[] = { "giá vàng hôm nay bao nhiêu", "asdkjh qwe", "🙂🙂", "?" };

    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        dlg_state s = at("solved");
        const dlg_result *r = say(&s, texts[i]);

        CHECK_MSG(is_menu(last(r)), "\"%s\": no menu", texts[i]);
        CHECK(strstr(last(r)->text, dlg_flow_text(F, "unknown")) == last(r)->text);
        CHECK_INT(r->help, DLG_HELP_NONE);
        CHECK_INT(r->n_actions, 0);
    }
}

/* Misunderstood again and again: the whole menu once, then a short reply
 * that offers an officer; anything understood starts the count afresh. */
static void repeated_misses_offer_officer(void)
{
    dlg_state s = at("menu");
    const dlg_result *r;
    char json[DLG_STATE_JSON_MAX], out[2048];
    size_t first;
    dlg_state back;

    r = say(&s, "asdkjh qwe");
    CHECK(is_menu(last(r)));
    CHECK_INT(s.misses, 1);
    dlg_render(last(r), DLG_CH_SMS, out, sizeof out);
    first = strlen(out);
    for (int i = 0; i < 3; i++) {
        r = say(&s, i == 1 ? "42" : "zzz qqq");
        CHECK_MSG(!is_menu(last(r)), "miss %d: the whole menu again", i + 2);
        CHECK_INT(r->n_replies, 1);
        CHECK_INT(last(r)->n_options, 1);
        CHECK_STR(last(r)->options[0], "Gặp cán bộ công an");
        CHECK(strstr(last(r)->text, "0") != NULL);   /* the menu is still one "0" away */
        CHECK_INT(r->help, DLG_HELP_NONE);
        CHECK_INT(r->n_actions, 0);
        CHECK_INT(s.misses, i + 2);
        dlg_render(last(r), DLG_CH_SMS, out, sizeof out);
        CHECK_MSG(strlen(out) * 3 < first * 2, "miss %d: %zu characters, the first %zu",
                  i + 2, strlen(out), first);
    }
    /* the count survives the store */
    CHECK_INT(dlg_state_encode(&s, json, sizeof json), HD_OK);
    CHECK_INT(dlg_state_decode(json, &back), HD_OK);
    CHECK_INT(back.misses, 4);
    /* 1: the officer */
    r = say(&s, "1");
    CHECK(has_action(r, "escalate", "human_agent"));
    CHECK_INT(s.misses, 0);

    /* understood in between: the next miss gets the menu again */
    s = at("menu");
    say(&s, "asdkjh qwe");
    r = say(&s, "cảm ơn");
    CHECK_INT(s.misses, 0);
    r = say(&s, "asdkjh qwe");
    CHECK(is_menu(last(r)));
    /* a menu item number still works from the short reply */
    say(&s, "zzz qqq");
    say(&s, "3");
    CHECK_STR(s.node, "otp_not_received");
}

/* "noted" promises that an officer reads what is added: only while a case is
 * open. After it is resolved or closed, a question is answered and what is
 * not understood gets the apology and the menu. */
static void noted_only_while_case_open(void)
{
    const char *nodes[] = { "noted", "police_device", "police_phone", "police_topic", "human_agent" };

    setup();
    for (size_t i = 0; i < sizeof nodes / sizeof *nodes; i++) {
        dlg_state s = at(nodes[i]);
        const dlg_result *r;

        E.open_case_id = 0;
        r = say(&s, "thôn Đông, gần chợ");
        CHECK_MSG(is_menu(last(r)), "at %s without a case: no menu", nodes[i]);
        CHECK(strstr(last(r)->text, dlg_flow_text(F, "noted")) == NULL);
        CHECK(strstr(last(r)->text, dlg_flow_text(F, "unknown")) == last(r)->text);
        s = at(nodes[i]);
        r = say(&s, "quên mật khẩu vneid");
        CHECK_STR(s.node, "forgot_passcode");

        E.open_case_id = 31;
        s = at(nodes[i]);
        r = say(&s, "thôn Đông, gần chợ");
        CHECK_MSG(strstr(last(r)->text, dlg_flow_text(F, "noted")) == last(r)->text,
                  "at %s with a case: not noted", nodes[i]);
        CHECK_STR(s.node, "noted");
        CHECK_INT(s.misses, 0);
        E.open_case_id = 0;
    }
}

/* "Đã được" after the activation steps: congratulations and the security
 * reminder, not the generic "glad it worked". */
static void activation_solved_reminds_security(void)
{
    const char *yes[] = { "1", "Đã được", "được rồi" };

    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) {
        dlg_state s = at("menu");
        const dlg_result *r;

        say(&s, "2");
        CHECK_STR(s.topic, "activate_account");
        r = say(&s, yes[i]);
        CHECK(has_action(r, "outcome", "activate_account:solved"));
        CHECK_STR(s.node, "activation_done");
        CHECK(strstr(last(r)->text, dlg_flow_text(F, "activation_done")) != NULL);
        CHECK(strstr(last(r)->text, "passcode") != NULL);
    }
    /* after the deeper tip too */
    {
        dlg_state s = at("menu");
        say(&s, "2");
        say(&s, "2");
        CHECK_STR(s.node, "activate_more");
        say(&s, "1");
        CHECK_STR(s.node, "activation_done");
    }
}

static void help_kinds(void)
{
    dlg_state s = at("menu");

    CHECK_INT(say(&s, "xin chào")->help, DLG_HELP_NONE);
    CHECK_INT(say(&s, "cảm ơn")->help, DLG_HELP_NONE);
    CHECK_INT(say(&s, "2")->help, DLG_HELP_BOT);
}

static void stale_state_is_harmless(void)
{
    dlg_state s;
    const dlg_result *r;

    memset(&s, 'x', sizeof s);   /* no terminators at all */
    s.tries = -5;
    r = say(&s, "7");
    CHECK_STR(s.node, "chip_face_error");
    CHECK_INT(r->help, DLG_HELP_BOT);
    s = at("node_removed_from_flow");
    say(&s, "2");
    CHECK_STR(s.node, "activate_account");
    /* What does not move the conversation (a picture) still leaves a node
     * the flow has, never the one it no longer has. */
    s = at("node_removed_from_flow");
    CHECK_INT(dlg_on_event(F, &s, DLG_EV_NONTEXT, &R), HD_OK);
    CHECK_STR(R.state.node, "menu");
    setup();
    CHECK_INT(dlg_step(&E, NULL, "x", 1, &R), HD_EINVAL);
    CHECK_INT(dlg_step(NULL, &s, "x", 1, &R), HD_EINVAL);
    {
        dlg_env no_flow = E;
        no_flow.flow = NULL;
        CHECK_INT(dlg_step(&no_flow, &s, "x", 1, &R), HD_EINVAL);
    }
    /* without a model (classifier unavailable) digits still work */
    s = at("menu");
    {
        dlg_env no_model = E;
        no_model.model = NULL;
        CHECK_INT(dlg_step(&no_model, &s, "4", 1, &R), HD_OK);
    }
    CHECK_STR(R.state.node, "forgot_passcode");
}

/* Many inputs from every node: always a reply, a known node, at most the
 * actions that fit, and every reply renders for every channel. */
static void never_empty_fuzz(void)
{
    static const char *const vocab[] = {
        "0", "1", "2", "3", "9", "10", "99", "menu", "HUY", "DANG KY", "được", "không", "vẫn", "chưa",
        "otp", "ko", "dc", "cảm ơn", "xin chào", "gặp cán bộ", "đổi điện thoại", "mức 2", "😀",
        "\xff\xfe", "\xe1\xba", "", " ", "\n", "\t", "vneid", "lỗi", "chip", "QR", "1414", "?",
        "001203012345", "https://x.y", "cài", "kích hoạt", "số cũ mất rồi", "rồi", "ok"
    };
    const int nv = (int)(sizeof vocab / sizeof *vocab);
    unsigned seed = 12345;
    char text[600], out[4096];

    setup();
    for (int i = -1; i < dlg_flow_node_count(F); i++) {
        for (int k = 0; k < 150; k++) {
            dlg_state s = at(i < 0 ? "" : dlg_flow_node_id(F, i));
            size_t len = 0;
            int words;

            seed = seed * 1103515245u + 12345u;
            words = 1 + (int)((seed >> 16) % 4);
            if (k % 10 == 9) {   /* raw random bytes */
                len = (seed >> 8) % sizeof text;
                for (size_t b = 0; b < len; b++) {
                    seed = seed * 1103515245u + 12345u;
                    text[b] = (char)(seed >> 16);
                }
            } else {
                for (int w = 0; w < words; w++) {
                    seed = seed * 1103515245u + 12345u;
                    len += (size_t)snprintf(text + len, sizeof text - len, "%s%s", w ? " " : "",
                                            vocab[(seed >> 16) % (unsigned)nv]);
                }
            }
            s.opted_out = k & 1;
            CHECK_INT(dlg_step(&E, &s, text, len, &R), HD_OK);
            CHECK(R.n_replies >= 1 && R.n_replies <= DLG_REPLIES_MAX);
            CHECK(R.n_actions >= 0 && R.n_actions <= DLG_ACTIONS_MAX);
            CHECK_MSG(dlg_flow_node_id(F, 0) && R.state.node[0], "empty node after step");
            {
                dlg_reply tmp;
                CHECK_INT(dlg_node_reply(F, R.state.node, &tmp), HD_OK);
            }
            for (int r = 0; r < R.n_replies; r++) {
                CHECK(R.replies[r].text[0] != '\0');
                for (int ch = 0; ch < 3; ch++) {
                    CHECK_INT(dlg_render(&R.replies[r], (dlg_channel)ch, out, sizeof out), HD_OK);
                    CHECK(out[0] != '\0');
                }
            }
        }
    }
}

/* A message read beforehand (dlg_understand, as the webhooks do) gives the
 * step it gives when dlg_step reads it itself: same replies, actions, state
 * and intent, along a whole conversation. */
static void understood_beforehand_is_the_same(void)
{
    static const char *const talk[] = {
        "xin chao", "ko nhan dc ma otp", "2", "van khong duoc", "Tôi mới đổi điện thoại",
        "1", "0", "kich hoat vneid the nao", "cam on", "HUY", "DANG KY", "7",
    };
    static dlg_result a, b;
    static dlg_understood u;
    dlg_state sa, sb;
    dlg_env pre;
    char ja[DLG_STATE_JSON_MAX], jb[DLG_STATE_JSON_MAX];

    setup();
    memset(&sa, 0, sizeof sa);
    memset(&sb, 0, sizeof sb);
    for (size_t i = 0; i < sizeof talk / sizeof *talk; i++) {
        size_t n = strlen(talk[i]);

        CHECK_INT(dlg_step(&E, &sa, talk[i], n, &a), HD_OK);
        dlg_understand(&E, talk[i], n, &u);
        pre = E;
        pre.understood = &u;
        CHECK_INT(dlg_step(&pre, &sb, talk[i], n, &b), HD_OK);
        CHECK_INT(b.nlu.intent, a.nlu.intent);
        CHECK_INT(b.n_replies, a.n_replies);
        for (int k = 0; k < a.n_replies && k < b.n_replies; k++)
            CHECK_STR(b.replies[k].text, a.replies[k].text);
        CHECK_INT(b.n_actions, a.n_actions);
        CHECK_INT(dlg_state_encode(&a.state, ja, sizeof ja), HD_OK);
        CHECK_INT(dlg_state_encode(&b.state, jb, sizeof jb), HD_OK);
        CHECK_STR(jb, ja);
        sa = a.state;
        sb = b.state;
    }
    /* And it is what the step uses: another message's reading changes it. */
    dlg_understand(&E, "quen mat khau", 13, &u);
    pre = E;
    pre.understood = &u;
    memset(&sb, 0, sizeof sb);
    CHECK_INT(dlg_step(&pre, &sb, "xin chao", 8, &b), HD_OK);
    CHECK_INT(b.nlu.intent, u.nlu.intent);
}

TEST_MAIN(T(new_contact_greeting), T(new_contact_question_digit), T(new_contact_question_text),
          T(menu_digits), T(digit_meaning_depends_on_node), T(zero_and_menu_return_from_everywhere),
          T(opt_out_from_every_node), T(opted_out_still_answered_then_opt_in),
          T(device_change_escalates), T(phone_change_escalates), T(device_change_text),
          T(human_agent_escalates), T(human_agent_text), T(outcome_solved),
          T(second_failure_offers_police), T(restated_problem_means_failed_text),
          T(new_question_switches_topic_text), T(unknown_text_apologises),
          T(repeated_misses_offer_officer), T(noted_only_while_case_open),
          T(activation_solved_reminds_security), T(help_kinds),
          T(stale_state_is_harmless), T(never_empty_fuzz), T(understood_beforehand_is_the_same))
