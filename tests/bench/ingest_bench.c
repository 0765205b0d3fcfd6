/* ingest_bench.c -- the committer's own cost, without HTTP: realistic inbound
 * SMS from many senders through ingest_message_tx, in groups of G messages
 * per transaction (as the group commit runs them), on a fresh database.
 *
 *   ingest_bench DB_PATH MESSAGES COUNT GROUP SENDERS
 * Prints {"ingest_per_s": N, "us_per_msg": N, "written_kb_per_msg": N}.
 * The connection is opened and tuned as the committer's is (store/wal.h), but
 * the log is neither synced nor checkpointed here: the committer's work only.
 * Settings come from the environment (HELPDESK_PII_KEY is required). */
#include "app/app.h"
#include "core/err.h"
#include "ingest/ingest.h"
#include "store/wal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const texts[] = {
    "ko nhan dc ma otp", "kich hoat vneid the nao", "toi moi doi dien thoai khong dang nhap duoc",
    "quen mat khau vneid", "dang ky muc 2 o dau", "Tôi không nhận được mã OTP",
    "Cách kích hoạt tài khoản định danh điện tử", "đổi số điện thoại đăng ký vneid",
    "xin chao", "cam on", "tai vneid o dau", "khong quet duoc chip cccd",
};

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Bytes this process has written so far (/proc/self/io wchar). */
static long long written(void)
{
    char line[128];
    long long v = 0;
    FILE *f = fopen("/proc/self/io", "r");

    if (!f)
        return 0;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "wchar: %lld", &v) == 1)
            break;
    fclose(f);
    return v;
}

int main(int argc, char **argv)
{
    static app a;
    static ingest_result res;
    settings cfg;
    ingest_env env;
    store *s;
    char err[256] = "", addr[32], ext[32];
    long count, group, senders, done = 0;
    double t0, secs;
    long long w0;

    if (argc != 6) {
        fprintf(stderr, "usage: ingest_bench DB_PATH MESSAGES COUNT GROUP SENDERS\n");
        return 2;
    }
    setenv("HELPDESK_DB", argv[1], 1);
    setenv("HELPDESK_MESSAGES", argv[2], 1);
    count = atol(argv[3]);
    group = atol(argv[4]);
    senders = atol(argv[5]);
    if (count < 1 || group < 1 || senders < 1 || settings_load(&cfg, NULL, err, sizeof err) ||
        app_open(&a, &cfg, 1, err, sizeof err)) {
        fprintf(stderr, "ingest_bench: %s\n", err[0] ? err : "bad arguments");
        return 2;
    }
    app_ingest_env(&a, &env);
    if (store_open_buffered_log(argv[1], &s, err, sizeof err) != HD_OK) {
        fprintf(stderr, "ingest_bench: %s\n", err);
        return 1;
    }
    store_tuning tune = { .cache_kb = (int)cfg.ingest_cache_mb * 1024,
                          .no_autocheckpoint = 1, .temp_in_memory = 1 };
    if (store_tune(s, &tune) != HD_OK) {
        fprintf(stderr, "ingest_bench: cannot tune the connection\n");
        return 1;
    }
    srand(7);
    w0 = written();
    t0 = now_s();
    while (done < count) {
        if (store_begin(s)) {
            fprintf(stderr, "ingest_bench: begin: %s\n", store_errmsg(s));
            return 1;
        }
        for (long k = 0; k < group && done < count; k++, done++) {
            const char *t = texts[rand() % (int)(sizeof texts / sizeof *texts)];
            ingest_msg m = {
                .kind = INGEST_TEXT, .channel = DLG_CH_SMS, .address = addr,
                .external_id = ext, .text = t, .len = strlen(t),
                .now_ms = 1700000000000LL + done, .delivery = INGEST_QUEUE,
            };
            snprintf(addr, sizeof addr, "849%08ld", (long)rand() % senders);
            snprintf(ext, sizeof ext, "%08x-%ld", (unsigned)rand(), done);
            /* As the committer runs a group when nothing fails: no savepoints. */
            if (ingest_message_tx(s, &env, &m, &res, err, sizeof err)) {
                fprintf(stderr, "ingest_bench: %s\n", err);
                return 1;
            }
        }
        if (store_commit_nosync(s)) {
            fprintf(stderr, "ingest_bench: commit: %s\n", store_errmsg(s));
            return 1;
        }
    }
    secs = now_s() - t0;
    printf("{\"ingest_per_s\":%.0f,\"us_per_msg\":%.1f,\"written_kb_per_msg\":%.1f}\n",
           (double)done / secs, secs * 1e6 / (double)done,
           (double)(written() - w0) / 1024.0 / (double)done);
    store_close(s);
    app_close(&a);
    return 0;
}
