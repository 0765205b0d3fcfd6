/* test_dialog_flow.c -- loading messages/flow.json, cases.json, answers.json, and the
 * checks that refuse a broken flow with a message naming file and key. */
#include "test.h"

#include "core/err.h"
#include "dialog/engine.h"
#include "dialog/flow.h"
#include "nlu/intents.h"

#include <stdlib.h>
#include <sys/stat.h>

static char *slurp(const char *path)
{
    FILE *fp = fopen(path, "rb");
    char *p;
    long n;

    if (!fp)
        return NULL;
    fseek(fp, 0, SEEK_END);
    n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    p = calloc(1, (size_t)n + 1);
    if (p && fread(p, 1, (size_t)n, fp) != (size_t)n) {
        free(p);
        p = NULL;
    }
    fclose(fp);
    return p;
}

static void spit(const char *path, const char *s)
{
    FILE *fp = fopen(path, "wb");
    if (!fp)
        return;
    fputs(s, fp);
    fclose(fp);
}

/* Copy both flow files into a fresh folder, replacing the first occurrence
 * of from by to in the named one; returns the folder. */
static const char *broken_copy(const char *which, const char *from, const char *to)
{
    static int seq;
    static char dir[512];
    const char *files[] = { "flow.json", "cases.json", "intake.json", "campaign.json",
                            "answers.json" };

    snprintf(dir, sizeof dir, "%s/flow%d", test_tmpdir(), ++seq);
    mkdir(dir, 0700);
    for (int i = 0; i < (int)(sizeof files / sizeof files[0]); i++) {
        char src[512], dst[600];
        char *s, *at;

        snprintf(src, sizeof src, "%s/%s", test_messages_dir(), files[i]);
        snprintf(dst, sizeof dst, "%s/%s", dir, files[i]);
        s = slurp(src);
        CHECK(s != NULL);
        if (!s)
            return dir;
        if (strcmp(files[i], which) == 0 && from) {
            at = strstr(s, from);
            CHECK_MSG(at != NULL, "fixture text not found: %s", from);
            if (at) {
                size_t pre = (size_t)(at - s), fl = strlen(from), tl = strlen(to);
                char *n = malloc(strlen(s) - fl + tl + 1);
                memcpy(n, s, pre);
                memcpy(n + pre, to, tl);
                strcpy(n + pre + tl, at + fl);
                free(s);
                s = n;
            }
        }
        spit(dst, s);
        free(s);
    }
    return dir;
}

static void expect_broken(const char *which, const char *from, const char *to,
                          const char *want1, const char *want2)
{
    dlg_flow *f = NULL;
    char err[512] = "";
    int rc = dlg_flow_load(broken_copy(which, from, to), &f, err, sizeof err);

    CHECK_INT(rc, HD_EPARSE);
    CHECK(f == NULL);
    CHECK_MSG(strstr(err, want1) != NULL, "error \"%s\" does not name %s", err, want1);
    CHECK_MSG(strstr(err, want2) != NULL, "error \"%s\" does not name %s", err, want2);
    dlg_flow_free(f);
}

static void load_real_flow(void)
{
    dlg_flow *f = NULL;
    char err[512] = "";
    int rc = dlg_flow_load(test_messages_dir(), &f, err, sizeof err);

    CHECK_MSG(rc == HD_OK, "load: %s", err);
    CHECK(f != NULL);
    CHECK(dlg_flow_node_count(f) > 26);
    CHECK(dlg_flow_text(f, "greeting") != NULL);
    CHECK(dlg_flow_text(f, "unknown") != NULL);
    CHECK(dlg_flow_text(f, "greeting_short") != NULL);
    CHECK(dlg_flow_text(f, "non_text") != NULL);
    CHECK(dlg_flow_text(f, "no_such_key") == NULL);
    CHECK(dlg_flow_text(NULL, "greeting") == NULL);
    CHECK(dlg_flow_node_id(f, -1) == NULL);
    CHECK(dlg_flow_node_id(f, dlg_flow_node_count(f)) == NULL);
    dlg_flow_free(f);
}

/* Every text and every node's reply is non-empty; the main menu is 1..9. */
static void every_text_present(void)
{
    dlg_flow *f = NULL;
    dlg_reply r;

    CHECK_INT(dlg_flow_load(test_messages_dir(), &f, NULL, 0), HD_OK);
    if (!f)
        return;
    for (int i = 0; i < dlg_flow_text_count(f); i++) {
        const char *t = dlg_flow_text(f, dlg_flow_text_key(f, i));
        CHECK_MSG(t && strlen(t) > 0, "text %s empty", dlg_flow_text_key(f, i));
    }
    for (int i = 0; i < dlg_flow_node_count(f); i++) {
        const char *id = dlg_flow_node_id(f, i);
        CHECK_INT(dlg_node_reply(f, id, &r), HD_OK);
        CHECK_MSG(strlen(r.text) > 10, "node %s has an empty reply", id);
        for (int j = 0; j < r.n_options; j++)
            CHECK_MSG(r.options[j] && r.options[j][0], "node %s option %d empty", id, j + 1);
    }
    CHECK_INT(dlg_node_reply(f, "menu", &r), HD_OK);
    CHECK_INT(r.n_options, 9);
    CHECK(strstr(r.text, "0") != NULL);          /* says how to come back */
    CHECK_INT(dlg_node_reply(f, "no_such_node", &r), HD_ENOTFOUND);
    dlg_flow_free(f);
}

/* Facts of DOMAIN.md the texts must keep, checked on every node and text. */
static void content_facts(void)
{
    dlg_flow *f = NULL;
    int n;

    CHECK_INT(dlg_flow_load(test_messages_dir(), &f, NULL, 0), HD_OK);
    if (!f)
        return;
    n = dlg_flow_node_count(f);
    for (int i = 0; i < n + dlg_flow_text_count(f); i++) {
        const char *key = i < n ? dlg_flow_node_id(f, i) : dlg_flow_text_key(f, i - n);
        const char *t = dlg_flow_text(f, key);

        /* Decree 69 counts working days: "7 ngày" alone reads as a week */
        for (const char *p = strstr(t, " 7 ngày"); p; p = strstr(p + 1, " 7 ngày"))
            CHECK_MSG(strncmp(p, " 7 ngày làm việc", strlen(" 7 ngày làm việc")) == 0,
                      "%s: \"7 ngày\" without \"làm việc\"", key);
        /* the hotline is useful only with the key for an operator */
        if (strstr(t, "1900 0368"))
            CHECK_MSG(strstr(t, "bấm 4") != NULL, "%s: 1900 0368 without \"bấm 4\"", key);
    }
    /* a new phone without NFC cannot verify by the chip: commune police */
    CHECK(strstr(dlg_flow_text(f, "device_change"), "không có NFC") != NULL);
    /* opting out stops reminders, not the officer's replies about a case */
    CHECK(strstr(dlg_flow_text(f, "opt_out"), "tin nhắn nhắc") != NULL);
    CHECK(strstr(dlg_flow_text(f, "opt_out"), "không gửi thêm tin nhắn") == NULL);
    dlg_flow_free(f);
}

static void missing_dir(void)
{
    dlg_flow *f = NULL;
    char err[512] = "";

    CHECK(dlg_flow_load("/nonexistent/messages", &f, err, sizeof err) != HD_OK);
    CHECK(f == NULL);
    CHECK(strstr(err, "/nonexistent/messages/flow.json") != NULL);
    CHECK_INT(dlg_flow_load(NULL, &f, NULL, 0), HD_EINVAL);
}

static void broken_goto(void)
{
    expect_broken("flow.json", "\"goto\": \"install_app\"", "\"goto\": \"nowhere\"",
                  "flow.json", "nodes.menu.options[0].goto");
}

static void broken_worked_target(void)
{
    expect_broken("answers.json", "\"failed\": \"otp_more\"", "\"failed\": \"otp_mor\"",
                  "answers.json", "nodes.otp_not_received");
}

static void intent_without_answer(void)
{
    expect_broken("answers.json", "\"intent\": \"scam_report\",", "",
                  "answers.json", "scam_report");
}

static void intent_answered_twice(void)
{
    expect_broken("answers.json", "\"intent\": \"scam_report\",", "\"intent\": \"benefits\",",
                  "answers.json", "benefits");
}

static void unknown_intent_id(void)
{
    expect_broken("answers.json", "\"intent\": \"benefits\",", "\"intent\": \"benefit\",",
                  "answers.json", "nodes.benefits.intent");
}

static void empty_text(void)
{
    expect_broken("flow.json", "\"opt_solved\": \"Đã được\"", "\"opt_solved\": \" \"",
                  "flow.json", "texts.opt_solved");
    expect_broken("answers.json", "\"text\": \"Cách cài VNeID:", "\"text\": \" \", \"note\": \"",
                  "answers.json", "nodes.install_app");
}

static void unknown_key(void)
{
    expect_broken("answers.json", "\"worked\": { \"failed\": \"otp_more\" }",
                  "\"workd\": { \"failed\": \"otp_more\" }",
                  "answers.json", "nodes.otp_not_received.workd");
}

static void bad_json(void)
{
    expect_broken("flow.json", "\"nodes\": {", "\"nodes\": {{", "flow.json", "JSON");
}

static void missing_required_node(void)
{
    expect_broken("flow.json", "\"opt_in\": {", "\"opt_in_x\": {", "flow.json", "opt_in");
}

static void bad_word_list(void)
{
    expect_broken("flow.json", "\"no_word\":", "\"no_begin\":", "flow.json", "words.no_begin");
}

TEST_MAIN(T(load_real_flow), T(every_text_present), T(content_facts), T(missing_dir), T(broken_goto),
          T(broken_worked_target), T(intent_without_answer), T(intent_answered_twice),
          T(unknown_intent_id), T(empty_text), T(unknown_key), T(bad_json),
          T(missing_required_node), T(bad_word_list))
