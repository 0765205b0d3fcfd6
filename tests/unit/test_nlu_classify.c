/* test_nlu_classify.c -- intents: ids, model loading, accuracy, odd input.
 *
 * tests/data/nlu_public.tsv holds the public examples of intents.tsv (each
 * must come out right); tests/data/nlu_heldout.tsv holds questions written
 * apart from the training examples in messages/intents/ and never copied
 * into them: accuracy on them, as written and without diacritics, must be at
 * least 95%. */
#include "test.h"

#include "core/err.h"
#include "nlu/classify.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static nlu_model *model;
static nlu_text txt;

static int get_model(void)
{
    char err[256] = "";

    /* How fast the model loads is measured by `make bench`, not here: a
     * test must not fail because the machine is busy. */
    if (!model) {
        int rc = nlu_model_load(test_messages_dir(), &model, err, sizeof err);
        CHECK_MSG(rc == HD_OK, "nlu_model_load: %d %s", rc, err);
    }
    return model != NULL;
}

static nlu_result classify_len(const char *s, size_t len)
{
    nlu_result r = { NLU_GREETING, -1 };

    CHECK_INT(nlu_normalize(s, len, &txt), HD_OK);
    CHECK_INT(nlu_classify(model, &txt, &r), HD_OK);
    CHECK_MSG(r.score >= 0 && r.score <= 1, "score %f out of 0..1 for \"%s\"", r.score, s);
    return r;
}

static nlu_result classify(const char *s)
{
    return classify_len(s, strlen(s));
}

static void expect(const char *s, nlu_intent want)
{
    nlu_result r = classify(s);

    CHECK_MSG(r.intent == want, "\"%s\" -> %s (%.2f), expected %s", s,
              nlu_intent_id(r.intent), r.score, nlu_intent_id(want));
}

static void intent_ids(void)
{
    CHECK_INT(NLU_INTENT_COUNT, 26);
    CHECK_STR(nlu_intent_id(NLU_UNKNOWN), "unknown");
    CHECK_STR(nlu_intent_id(NLU_SIM_NOT_OWNER), "sim_not_owner");
    CHECK_STR(nlu_intent_id(NLU_THANKS), "thanks");
    CHECK_STR(nlu_intent_id((nlu_intent)NLU_INTENT_COUNT), "unknown");
    CHECK_STR(nlu_intent_id((nlu_intent)-1), "unknown");
    CHECK_INT(nlu_intent_from_id("public_services_login"), NLU_PUBLIC_SERVICES_LOGIN);
    CHECK_INT(nlu_intent_from_id("opt_out"), NLU_OPT_OUT);
    CHECK_INT(nlu_intent_from_id("nonsense"), NLU_UNKNOWN);
    CHECK_INT(nlu_intent_from_id(NULL), NLU_UNKNOWN);
    CHECK(nlu_intent_valid("activation_done"));
    CHECK(nlu_intent_valid("unknown"));
    CHECK(!nlu_intent_valid("Greeting"));
    CHECK(!nlu_intent_valid(""));
    CHECK(!nlu_intent_valid(NULL));
    for (int i = 0; i < NLU_INTENT_COUNT; i++)
        CHECK_INT(nlu_intent_from_id(nlu_intent_id((nlu_intent)i)), i);
}

/* Calls fn(intent, text) for each "intent<TAB>text" line of path. */
static int each_line(const char *path, void (*fn)(nlu_intent, const char *, void *), void *arg)
{
    char line[4096];
    FILE *fp = fopen(path, "r");
    int n = 0;

    CHECK_MSG(fp != NULL, "cannot open %s", path);
    if (!fp)
        return 0;
    while (fgets(line, sizeof line, fp)) {
        char *tab;
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        tab = strchr(line, '\t');
        CHECK_MSG(tab != NULL, "%s: no tab in \"%s\"", path, line);
        if (!tab)
            continue;
        *tab = '\0';
        CHECK_MSG(nlu_intent_valid(line), "%s: bad intent \"%s\"", path, line);
        fn(nlu_intent_from_id(line), tab + 1, arg);
        n++;
    }
    fclose(fp);
    return n;
}

static void check_one(nlu_intent want, const char *text, void *arg)
{
    (void)arg;
    expect(text, want);
}

static void public_examples(void)
{
    if (!get_model())
        return;
    CHECK(each_line("tests/data/nlu_public.tsv", check_one, NULL) >= 70);
}

typedef struct tally {
    int n, ok, ok_plain;
} tally;

static void score_one(nlu_intent want, const char *text, void *arg)
{
    tally *t = arg;
    char plain[4096];
    nlu_result r;

    t->n++;
    r = classify(text);
    if (r.intent == want)
        t->ok++;
    else
        printf("     miss: \"%s\" -> %s, expected %s\n", text, nlu_intent_id(r.intent),
               nlu_intent_id(want));
    CHECK_INT(nlu_unaccent(text, strlen(text), plain, sizeof plain), HD_OK);
    r = classify(plain);
    if (r.intent == want)
        t->ok_plain++;
    else
        printf("     miss: \"%s\" -> %s, expected %s\n", plain, nlu_intent_id(r.intent),
               nlu_intent_id(want));
}

static void heldout_accuracy(void)
{
    tally t = { 0, 0, 0 };
    double acc, acc_plain;

    if (!get_model())
        return;
    each_line("tests/data/nlu_heldout.tsv", score_one, &t);
    CHECK(t.n >= 300);
    if (t.n == 0)
        return;
    acc = (double)t.ok / t.n;
    acc_plain = (double)t.ok_plain / t.n;
    printf("     held-out accuracy: %.4f as written, %.4f without diacritics (%d questions)\n",
           acc, acc_plain, t.n);
    CHECK_MSG(acc >= 0.95, "held-out accuracy %.4f < 0.95", acc);
    CHECK_MSG(acc_plain >= 0.95, "held-out accuracy without diacritics %.4f < 0.95", acc_plain);
}

static void every_intent_in_heldout(void)
{
    int seen[NLU_INTENT_COUNT] = { 0 };
    char line[4096];
    FILE *fp = fopen("tests/data/nlu_heldout.tsv", "r");

    CHECK(fp != NULL);
    if (!fp)
        return;
    while (fgets(line, sizeof line, fp)) {
        char *tab = strchr(line, '\t');
        if (line[0] == '#' || !tab)
            continue;
        *tab = '\0';
        seen[nlu_intent_from_id(line)]++;
    }
    fclose(fp);
    for (int i = 0; i < NLU_INTENT_COUNT; i++)
        CHECK_MSG(seen[i] >= 8, "only %d held-out questions for %s", seen[i],
                  nlu_intent_id((nlu_intent)i));
}

static void short_special_inputs(void)
{
    char d[2] = "1";

    if (!get_model())
        return;
    expect("0", NLU_MENU);
    expect(" 0 ", NLU_MENU);
    expect("menu", NLU_MENU);
    expect("MENU", NLU_MENU);
    for (char c = '1'; c <= '9'; c++) {
        d[0] = c;
        expect(d, NLU_UNKNOWN);
    }
    expect("12", NLU_UNKNOWN);
    expect("0912345678", NLU_UNKNOWN);
    expect("HUY", NLU_OPT_OUT);
    expect("huỷ", NLU_OPT_OUT);
    expect("Hủy", NLU_OPT_OUT);
    expect("TU CHOI", NLU_OPT_OUT);
    expect("từ chối", NLU_OPT_OUT);
    expect("STOP", NLU_OPT_OUT);
    expect("stop.", NLU_OPT_OUT);
    expect("đừng nhắn tin cho tôi nữa", NLU_OPT_OUT);
    expect("xong roi", NLU_ACTIVATION_DONE);
    expect("được rồi", NLU_ACTIVATION_DONE);
}

static void cancel_in_a_sentence_is_not_opt_out(void)
{
    static const char *const s[] = {
        "hủy liên kết thiết bị cũ thế nào",
        "hồ sơ của tôi bị từ chối",
        "làm sao hủy yêu cầu tích hợp giấy tờ",
        "tôi tên Huy, muốn đăng ký mức 2",
        "đúng",
    };

    if (!get_model())
        return;
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++) {
        nlu_result r = classify(s[i]);
        CHECK_MSG(r.intent != NLU_OPT_OUT, "\"%s\" taken as opt_out", s[i]);
    }
}

static void out_of_scope_is_unknown(void)
{
    if (!get_model())
        return;
    expect("dự báo thời tiết cuối tuần này ở Huế", NLU_UNKNOWN);
    expect("vay tín chấp 100 triệu lãi bao nhiêu", NLU_UNKNOWN);
    expect("giá vàng miếng sjc sáng nay", NLU_UNKNOWN);
    expect("tối nay đội tuyển việt nam đá mấy giờ", NLU_UNKNOWN);
    expect("đóng tiền điện ở đâu", NLU_UNKNOWN);
    expect("xin cấp hộ chiếu phổ thông", NLU_UNKNOWN);
    expect("tỷ giá đô hôm nay", NLU_UNKNOWN);
}

static void garbage_is_unknown(void)
{
    static const char bad[] = "\xff\xfe\xfd\xc3\x28\xa0\xa1\xe2\x28\xa1";
    static const char emoji[] = "\xf0\x9f\x98\x82\xf0\x9f\x98\x82\xf0\x9f\x99\x8f";
    size_t n = 10000;
    char *big;
    nlu_result r;

    if (!get_model())
        return;
    r = classify_len(bad, sizeof bad - 1);
    CHECK_INT(r.intent, NLU_UNKNOWN);
    r = classify("");
    CHECK_INT(r.intent, NLU_UNKNOWN);
    r = classify("   \t\n ");
    CHECK_INT(r.intent, NLU_UNKNOWN);
    r = classify(emoji);
    CHECK_INT(r.intent, NLU_UNKNOWN);
    r = classify("?!.,;:-_()");
    CHECK_INT(r.intent, NLU_UNKNOWN);

    if (!(big = malloc(n + 1)))
        return;
    for (size_t i = 0; i < n; i++)
        big[i] = "qwzx jv"[i % 7];
    big[n] = '\0';
    r = classify_len(big, n);
    CHECK_INT(r.intent, NLU_UNKNOWN);
    for (size_t i = 0; i < n; i++)
        big[i] = (char)(0x80 + (i * 7919) % 0x80);
    r = classify_len(big, n);
    CHECK_INT(r.intent, NLU_UNKNOWN);
    free(big);
}

static void scores_in_range(void)
{
    static const char *const s[] = {
        "xin chào", "ko nhan dc otp", "sim đứng tên vợ tôi", "abc", "0", "k", "???",
        "làm mức 2 ở đâu mang gì mấy giờ", "vneid vneid vneid vneid vneid",
    };

    if (!get_model())
        return;
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++)
        classify(s[i]);                 /* classify() checks 0 <= score <= 1 */
}

static void rejects_bad_arguments(void)
{
    char err[256] = "", dir[512], path[600];
    nlu_model *m = NULL;
    nlu_result r;
    FILE *fp;

    CHECK_INT(nlu_model_load(NULL, &m, err, sizeof err), HD_EINVAL);
    CHECK(nlu_model_load("/nonexistent/dir", &m, err, sizeof err) < 0);
    CHECK(m == NULL);
    CHECK(err[0] != '\0');

    /* A file that is not named after an intent is a configuration error. */
    snprintf(dir, sizeof dir, "%s/msgs", test_tmpdir());
    mkdir(dir, 0700);
    snprintf(path, sizeof path, "%s/intents", dir);
    mkdir(path, 0700);
    snprintf(path, sizeof path, "%s/intents/greting.txt", dir);
    if ((fp = fopen(path, "w")) != NULL) {
        fputs("xin chao\n", fp);
        fclose(fp);
    }
    CHECK_INT(nlu_model_load(dir, &m, err, sizeof err), HD_ECONFIG);
    CHECK(strstr(err, "greting") != NULL);
    remove(path);

    /* A small valid set loads and answers from it. */
    snprintf(path, sizeof path, "%s/intents/greeting.txt", dir);
    if ((fp = fopen(path, "w")) != NULL) {
        fputs("# comment\n\nxin chao\nchao em\n", fp);
        fclose(fp);
    }
    snprintf(path, sizeof path, "%s/intents/thanks.txt", dir);
    if ((fp = fopen(path, "w")) != NULL) {
        fputs("cam on\ncam on em\r\n", fp);
        fclose(fp);
    }
    CHECK_INT(nlu_model_load(dir, &m, err, sizeof err), HD_OK);
    if (m) {
        nlu_normalize("cảm ơn", strlen("cảm ơn"), &txt);
        CHECK_INT(nlu_classify(m, &txt, &r), HD_OK);
        CHECK_INT(r.intent, NLU_THANKS);
        CHECK_INT(nlu_classify(NULL, &txt, &r), HD_EINVAL);
        CHECK_INT(nlu_classify(m, NULL, &r), HD_EINVAL);
        CHECK_INT(nlu_classify(m, &txt, NULL), HD_EINVAL);
        nlu_model_free(m);
    }
    nlu_model_free(NULL);
}

static void release(void)
{
    nlu_model_free(model);
    model = NULL;
}

TEST_MAIN(T(intent_ids), T(public_examples), T(heldout_accuracy), T(every_intent_in_heldout),
          T(short_special_inputs), T(cancel_in_a_sentence_is_not_opt_out),
          T(out_of_scope_is_unknown), T(garbage_is_unknown), T(scores_in_range),
          T(rejects_bad_arguments), T(release))
