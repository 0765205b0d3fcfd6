/* classify_bench.c -- classifications per second on one core: normalise and
 * classify realistic messages (with and without diacritics, abbreviations)
 * in a loop, single-threaded.
 *
 *   classify_bench MESSAGES_DIR SECONDS
 * Prints {"classify_per_s": N}. */
#include "core/err.h"
#include "nlu/classify.h"
#include "nlu/normalize.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const texts[] = {
    "ko nhan dc ma otp", "Tôi mới đổi điện thoại, không đăng nhập được VNeID ạ",
    "xin chào", "cho em hỏi đăng ký mức 2 ở đâu vậy ạ", "kich hoat vneid the nao",
    "quên mật khẩu vneid", "đổi số điện thoại đăng ký vneid", "sim dung ten nguoi khac",
    "khong quet duoc chip cccd", "app bi vang ra", "tich hop bang lai xe vao vneid",
    "cam on em nhe", "HUY", "ho so cho duyet lau qua", "co nguoi goi tu xung cong an",
    "cho toi gap can bo", "thoi tiet hom nay the nao", "0",
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    static nlu_text t;
    nlu_model *m = NULL;
    char err[256] = "";
    const size_t n = sizeof texts / sizeof texts[0];
    double t0, secs;
    long count = 0, sink = 0;

    if (argc != 3 || nlu_model_load(argv[1], &m, err, sizeof err) != HD_OK) {
        fprintf(stderr, "usage: classify_bench MESSAGES_DIR SECONDS (%s)\n", err);
        return 2;
    }
    secs = atof(argv[2]);
    t0 = now_s();
    while (now_s() - t0 < secs) {
        for (int k = 0; k < 1000; k++, count++) {
            const char *s = texts[count % n];
            nlu_result r;
            nlu_normalize(s, strlen(s), &t);
            nlu_classify(m, &t, &r);
            sink += r.intent;
        }
    }
    printf("{\"classify_per_s\":%.0f,\"sink\":%ld}\n", count / (now_s() - t0), sink % 7);
    nlu_model_free(m);
    return 0;
}
