/* test_channel_retry_after.c -- a provider's Retry-After, however large,
 * becomes a sane positive delay (found while fuzzing the channel parsers:
 * "Retry-After: 9223372036854776" fits a long, but times 1000 it overflowed
 * int64 in kannel_send() and zalo_post(), which is undefined behaviour and
 * in practice a negative delay). Both senders go through httpc, which caps
 * the value at one day; the outbox caps it further at its own maximum. */
#include "test.h"
#include "tinyhttpd.h"
#include "channel/httpc.h"
#include "channel/kannel.h"
#include "core/err.h"

#define DAY_MS (86400 * 1000LL)

static tinyhttpd srv;

static void send_one(const char *retry_after, chan_send_result *out)
{
    char url[128], hdr[128];
    kannel_cfg cfg = { .user = "u", .password = "p" };
    chan_outbound m = { .outbox_id = 1, .address = "0912345678", .text = "x", .text_len = 1 };

    snprintf(url, sizeof url, "http://127.0.0.1:%d/cgi-bin/sendsms", srv.port);
    snprintf(hdr, sizeof hdr, "Retry-After: %s\r\n", retry_after);
    cfg.sendsms_url = url;
    th_push(&srv, 503, hdr, "busy", 0, 0);
    CHECK_INT(kannel_send(&cfg, &m, out), HD_OK);
    CHECK_INT(out->status, CHAN_RETRY);
}

static void test_retry_after_is_bounded(void)
{
    static const char *const huge[] = {
        "9223372036854776",        /* * 1000 > INT64_MAX */
        "9223372036854775807",     /* LONG_MAX itself */
        "86401",
    };
    chan_send_result r;

    CHECK_INT(httpc_global_init(), HD_OK);
    CHECK_INT(th_start(&srv), 0);
    for (size_t i = 0; i < sizeof huge / sizeof huge[0]; i++) {
        send_one(huge[i], &r);
        CHECK_MSG(r.retry_after_ms == DAY_MS, "Retry-After: %s gave %lld ms", huge[i],
                  (long long)r.retry_after_ms);
    }
    send_one("120", &r);                  /* ordinary values pass unchanged */
    CHECK_INT(r.retry_after_ms, 120000);
    CHECK_INT(th_count(&srv), 4);         /* every answer came from the server */
    {
        th_seen s = th_get(&srv, 0);
        char v[64];
        CHECK_STR(s.method, "GET");
        CHECK(th_header(&s, "Host", v, sizeof v) != NULL);
    }
    th_stop(&srv);
    httpc_global_cleanup();
}

TEST_MAIN(T(test_retry_after_is_bounded))
