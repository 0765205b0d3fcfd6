/* test_zalo.c -- Zalo adapter: signature, events, error map, send. */
#include "test.h"
#include "tinyhttpd.h"
#include "channel/channel.h"
#include "channel/httpc.h"
#include "channel/zalo.h"
#include "channel/zalo_token.h"
#include "core/err.h"

#include <stdlib.h>

#define APP_ID     "2553928453557884079"
#define OA_ID      "3662729599332560487"
#define OA_SECRET  "oasecretKEY123"
#define APP_SECRET "appsecretXYZ789"

/* The example of CHANNELS.md, byte for byte ("Chào" in UTF-8). */
static const char TEXT_BODY[] =
    "{\"event_name\":\"user_send_text\",\"app_id\":\"2553928453557884079\","
    "\"sender\":{\"id\":\"6142494823000000001\"},\"recipient\":{\"id\":\"3662729599332560487\"},"
    "\"message\":{\"text\":\"Ch\xc3\xa0o\",\"msg_id\":\"cb31dff1c39642cc1b83\"},"
    "\"timestamp\":\"1699003881354\",\"user_id_by_app\":\"979122185046046317\"}";

/* References computed outside this program, in the shell:
 *   printf '%s%s%s%s' 2553928453557884079 "$BODY" 1699003881354 oasecretKEY123 | sha256sum
 * and the same with the OA id first and/or the app secret as key. */
#define MAC_APPID_OA  "mac=29b3f62f9e8f699d7fa9b5e920d5e299248b599345d8361ac2630247ccd5995a"
#define MAC_APPID_APP "mac=4fc10fa9c9b3afaacad50022abcaf65387d5574e3df62a934f7f71d079e1f6c4"
#define MAC_OAID_OA   "mac=c997e9b0943cd25c6df26474c884722991381a2006d8d1ef0c6729527f48ac3a"
#define MAC_OAID_APP  "mac=d5dfc759b19a01ea4e62a246832745d4fd93406170daaa56d16e5407329d34d9"

static zalo_cfg cfg_default(void)
{
    zalo_cfg c = { .app_id = APP_ID, .oa_secret = OA_SECRET, .app_secret = APP_SECRET };
    return c;
}

static chan_request post(const char *body, size_t len, const char *sig)
{
    chan_request r = { .method = "POST", .query = "", .body = body, .body_len = len,
                       .content_type = "application/json", .signature = sig };
    return r;
}

static int parse(const zalo_cfg *c, const char *body, const char *sig, chan_inbound *in,
                 zalo_sig_form *form)
{
    char err[256] = "";
    chan_request r = post(body, strlen(body), sig);
    return zalo_parse(c, &r, in, form, err, sizeof err);
}

/* Sign with the default recipe; zalo_sig_compute itself is pinned to the
 * shell-computed references in test_sig_compute_reference. */
static const char *sign(const char *body, const char *ts)
{
    static char mac[80];
    char hex[65];
    CHECK_INT(zalo_sig_compute(APP_ID, body, strlen(body), ts, OA_SECRET, hex), HD_OK);
    snprintf(mac, sizeof mac, "mac=%s", hex);
    return mac;
}

static chan_inbound in;

static void test_sig_compute_reference(void)
{
    char hex[65];

    CHECK_INT(zalo_sig_compute("a", "b", 1, "c", "", hex), HD_OK);
    /* printf 'abc' | sha256sum */
    CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK_INT(zalo_sig_compute(APP_ID, TEXT_BODY, sizeof TEXT_BODY - 1, "1699003881354",
                               OA_SECRET, hex), HD_OK);
    CHECK_STR(hex, &MAC_APPID_OA[4]);
}

static void test_sig_correct_default(void)
{
    zalo_cfg c = cfg_default();
    zalo_sig_form f = ZALO_SIG_NONE;

    CHECK_INT(parse(&c, TEXT_BODY, MAC_APPID_OA, &in, &f), HD_OK);
    CHECK_INT(f, ZALO_SIG_APPID_OASECRET);
    CHECK_INT(in.event, CHAN_EV_TEXT);
    /* Upper-case hex and surrounding blanks are the same signature. */
    char up[80];
    snprintf(up, sizeof up, " %s ", MAC_APPID_OA);
    for (char *p = up + 5; *p; p++)
        if (*p >= 'a' && *p <= 'f')
            *p = (char)(*p - 'a' + 'A');
    CHECK_INT(parse(&c, TEXT_BODY, up, &in, &f), HD_OK);
}

static void test_sig_wrong_and_missing(void)
{
    zalo_cfg c = cfg_default();
    zalo_sig_form f = ZALO_SIG_APPID_OASECRET;
    char bad[80], body[sizeof TEXT_BODY];

    snprintf(bad, sizeof bad, "%s", MAC_APPID_OA);
    bad[10] = bad[10] == '0' ? '1' : '0';
    CHECK_INT(parse(&c, TEXT_BODY, bad, &in, &f), HD_EAUTH);
    CHECK_INT(f, ZALO_SIG_NONE);
    /* The whole digest counts, down to its last hex digit. */
    snprintf(bad, sizeof bad, "%s", MAC_APPID_OA);
    bad[strlen(bad) - 1] = 'b';
    CHECK_INT(parse(&c, TEXT_BODY, bad, &in, &f), HD_EAUTH);
    CHECK_INT(parse(&c, TEXT_BODY, NULL, &in, &f), HD_EAUTH);
    CHECK_INT(parse(&c, TEXT_BODY, "", &in, &f), HD_EAUTH);
    CHECK_INT(parse(&c, TEXT_BODY, &MAC_APPID_OA[4], &in, &f), HD_EAUTH);  /* no "mac=" */
    CHECK_INT(parse(&c, TEXT_BODY, "mac=29b3f62f", &in, &f), HD_EAUTH);    /* short */
    CHECK_INT(parse(&c, TEXT_BODY,
                    "mac=zzb3f62f9e8f699d7fa9b5e920d5e299248b599345d8361ac2630247ccd5995a",
                    &in, &f), HD_EAUTH);
    /* One changed byte of the body breaks it. */
    memcpy(body, TEXT_BODY, sizeof body);
    body[strlen(body) - 3] = '8';
    CHECK_INT(parse(&c, body, MAC_APPID_OA, &in, &f), HD_EAUTH);
    /* A wrong secret breaks it. */
    c.oa_secret = "another";
    CHECK_INT(parse(&c, TEXT_BODY, MAC_APPID_OA, &in, &f), HD_EAUTH);
}

static void test_sig_key_variants(void)
{
    zalo_cfg c = cfg_default();
    zalo_sig_form f;

    /* Default recipe rejects the other forms. */
    CHECK_INT(parse(&c, TEXT_BODY, MAC_APPID_APP, &in, &f), HD_EAUTH);
    CHECK_INT(parse(&c, TEXT_BODY, MAC_OAID_OA, &in, &f), HD_EAUTH);
    /* Key = app secret. */
    c.sig_key = "app_secret";
    CHECK_INT(parse(&c, TEXT_BODY, MAC_APPID_APP, &in, &f), HD_OK);
    CHECK_INT(f, ZALO_SIG_APPID_APPSECRET);
    CHECK_INT(parse(&c, TEXT_BODY, MAC_APPID_OA, &in, &f), HD_EAUTH);
    /* First term = OA id (recipient.id). */
    c = cfg_default();
    c.sig_variant = "oa_id";
    CHECK_INT(parse(&c, TEXT_BODY, MAC_OAID_OA, &in, &f), HD_OK);
    CHECK_INT(f, ZALO_SIG_OAID_OASECRET);
    CHECK_INT(parse(&c, TEXT_BODY, MAC_APPID_OA, &in, &f), HD_EAUTH);
    c.sig_key = "app_secret";
    CHECK_INT(parse(&c, TEXT_BODY, MAC_OAID_APP, &in, &f), HD_OK);
    CHECK_INT(f, ZALO_SIG_OAID_APPSECRET);
    /* Key "any" with the app_id term: both keys, not the OA id. */
    c = cfg_default();
    c.sig_key = "any";
    CHECK_INT(parse(&c, TEXT_BODY, MAC_APPID_APP, &in, &f), HD_OK);
    CHECK_INT(f, ZALO_SIG_APPID_APPSECRET);
    CHECK_INT(parse(&c, TEXT_BODY, MAC_OAID_OA, &in, &f), HD_EAUTH);
    /* The configured key missing: a configuration error, not a pass. */
    c = cfg_default();
    c.oa_secret = "";
    CHECK_INT(parse(&c, TEXT_BODY, MAC_APPID_OA, &in, &f), HD_ECONFIG);
}

static void test_sig_any_reports_form(void)
{
    zalo_cfg c = cfg_default();
    zalo_sig_form f;

    c.sig_variant = "any";
    CHECK_INT(parse(&c, TEXT_BODY, MAC_APPID_OA, &in, &f), HD_OK);
    CHECK_INT(f, ZALO_SIG_APPID_OASECRET);
    CHECK_INT(parse(&c, TEXT_BODY, MAC_APPID_APP, &in, &f), HD_OK);
    CHECK_INT(f, ZALO_SIG_APPID_APPSECRET);
    CHECK_INT(parse(&c, TEXT_BODY, MAC_OAID_OA, &in, &f), HD_OK);
    CHECK_INT(f, ZALO_SIG_OAID_OASECRET);
    CHECK_INT(parse(&c, TEXT_BODY, MAC_OAID_APP, &in, &f), HD_OK);
    CHECK_INT(f, ZALO_SIG_OAID_APPSECRET);
    CHECK_STR(zalo_sig_form_name(f), "oa_id+app_secret");
    CHECK_INT(parse(&c, TEXT_BODY,
                    "mac=0000000000000000000000000000000000000000000000000000000000000000",
                    &in, &f), HD_EAUTH);
    CHECK_INT(f, ZALO_SIG_NONE);
    /* "any" never tries an empty key: with no app secret, its forms are out. */
    c.app_secret = "";
    CHECK_INT(parse(&c, TEXT_BODY, MAC_APPID_APP, &in, &f), HD_EAUTH);
    CHECK_INT(parse(&c, TEXT_BODY, MAC_OAID_OA, &in, &f), HD_OK);
}

static void test_event_text(void)
{
    zalo_cfg c = cfg_default();

    CHECK_INT(parse(&c, TEXT_BODY, MAC_APPID_OA, &in, NULL), HD_OK);
    CHECK_INT(in.event, CHAN_EV_TEXT);
    CHECK_STR(in.address, "6142494823000000001");     /* > 2^53: kept exactly */
    CHECK_STR(in.external_id, "cb31dff1c39642cc1b83");
    CHECK_STR(in.text, "Ch\xc3\xa0o");
    CHECK_INT(in.text_len, 5);
    CHECK_INT(in.ts_ms, 1699003881354LL);
    CHECK_STR(in.kind, "user_send_text");
}

static void test_event_huge_ids_and_numbers(void)
{
    zalo_cfg c = cfg_default();
    const char *b1 =
        "{\"event_name\":\"user_send_text\",\"sender\":{\"id\":\"18446744073709551615999\"},"
        "\"recipient\":{\"id\":\"1\"},\"message\":{\"text\":\"hi\",\"msg_id\":\"9007199254740993\"},"
        "\"timestamp\":1699003881354}";
    const char *b2 =
        "{\"event_name\":\"user_send_text\",\"sender\":{\"id\":9007199254740993},"
        "\"message\":{\"text\":\"hi\",\"msg_id\":\"m1\"},\"timestamp\":\"1699003881354\"}";
    const char *b3 =
        "{\"event_name\":\"user_send_text\",\"sender\":{\"id\":12345},"
        "\"message\":{\"text\":\"hi\",\"msg_id\":\"m1\"},\"timestamp\":\"1699003881354\"}";

    /* Numeric timestamp: signed as its decimal text. */
    CHECK_INT(parse(&c, b1, sign(b1, "1699003881354"), &in, NULL), HD_OK);
    CHECK_STR(in.address, "18446744073709551615999");
    CHECK_STR(in.external_id, "9007199254740993");
    CHECK_INT(in.ts_ms, 1699003881354LL);
    /* An id sent as a JSON number beyond 2^53 has lost digits already. */
    CHECK_INT(parse(&c, b2, sign(b2, "1699003881354"), &in, NULL), HD_EPARSE);
    CHECK_INT(parse(&c, b3, sign(b3, "1699003881354"), &in, NULL), HD_OK);
    CHECK_STR(in.address, "12345");
}

static void check_event(const char *body, chan_event ev, const char *addr, const char *ext)
{
    zalo_cfg c = cfg_default();
    int rc = parse(&c, body, sign(body, "1700000000000"), &in, NULL);

    CHECK_MSG(rc == HD_OK, "rc %d for %s", rc, body);
    CHECK_MSG(in.event == ev, "event %d, expected %d for %s", in.event, ev, body);
    CHECK_STR(in.address, addr);
    if (ext)
        CHECK_STR(in.external_id, ext);
    CHECK_INT(in.text_len, 0);
}

static int contains(const void *mem, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp((const char *)mem + i, needle, k) == 0)
            return 1;
    return 0;
}

static void test_event_kinds(void)
{
    static const char *const other[] = { "image", "sticker", "gif", "location", "file",
                                         "audio", "video", "link", "business_card" };
    char body[512];

    check_event("{\"event_name\":\"follow\",\"oa_id\":\"" OA_ID "\",\"follower\":{\"id\":\"555\"},"
                "\"user_id_by_app\":\"7\",\"timestamp\":\"1700000000000\"}",
                CHAN_EV_FOLLOW, "555", "follow:555:1700000000000");
    CHECK_STR(in.kind, "follow");
    check_event("{\"event_name\":\"unfollow\",\"follower\":{\"id\":\"556\"},"
                "\"timestamp\":\"1700000000000\"}", CHAN_EV_UNFOLLOW, "556", NULL);
    CHECK_MSG(in.external_id[0] != '\0', "a dedup key for unfollow");
    for (size_t i = 0; i < sizeof other / sizeof other[0]; i++) {
        snprintf(body, sizeof body,
                 "{\"event_name\":\"user_send_%s\",\"sender\":{\"id\":\"77\"},"
                 "\"recipient\":{\"id\":\"1\"},\"message\":{\"msg_id\":\"mid%zu\","
                 "\"attachments\":[{\"type\":\"%s\",\"payload\":{\"url\":\"http://x\"}}]},"
                 "\"timestamp\":\"1700000000000\"}", other[i], i, other[i]);
        char want[16];
        snprintf(want, sizeof want, "mid%zu", i);
        check_event(body, CHAN_EV_OTHER, "77", want);
    }
    /* The personal info of user_submit_info is not kept anywhere. */
    check_event("{\"event_name\":\"user_submit_info\",\"sender\":{\"id\":\"78\"},"
                "\"info\":{\"name\":\"Nguyen Van A\",\"phone\":\"0912345678\"},"
                "\"timestamp\":\"1700000000000\"}", CHAN_EV_OTHER, "78", NULL);
    CHECK(!contains(&in, sizeof in, "0912345678"));
    CHECK(!contains(&in, sizeof in, "Nguyen"));
    check_event("{\"event_name\":\"user_received_message\",\"sender\":{\"id\":\"79\"},"
                "\"message\":{\"msg_ids\":[\"a\"]},\"timestamp\":\"1700000000000\"}",
                CHAN_EV_IGNORE, "79", "");
    check_event("{\"event_name\":\"user_seen_message\",\"sender\":{\"id\":\"79\"},"
                "\"timestamp\":\"1700000000000\"}", CHAN_EV_IGNORE, "79", "");
    check_event("{\"event_name\":\"oa_send_text\",\"sender\":{\"id\":\"" OA_ID "\"},"
                "\"recipient\":{\"id\":\"80\"},\"message\":{\"text\":\"x\",\"msg_id\":\"e\"},"
                "\"timestamp\":\"1700000000000\"}", CHAN_EV_IGNORE, "80", "");
    check_event("{\"event_name\":\"oa_send_image\",\"recipient\":{\"id\":\"80\"},"
                "\"timestamp\":\"1700000000000\"}", CHAN_EV_IGNORE, "80", "");
    /* Unknown names are never fatal. */
    check_event("{\"event_name\":\"user_send_hologram\",\"sender\":{\"id\":\"81\"},"
                "\"message\":{\"msg_id\":\"h1\"},\"timestamp\":\"1700000000000\"}",
                CHAN_EV_OTHER, "81", "h1");
    check_event("{\"event_name\":\"change_oa_daily_quota\",\"quota\":5,"
                "\"timestamp\":\"1700000000000\"}", CHAN_EV_IGNORE, "", "");
    /* A text event without text is answered like a sticker. */
    check_event("{\"event_name\":\"user_send_text\",\"sender\":{\"id\":\"82\"},"
                "\"message\":{\"msg_id\":\"t1\"},\"timestamp\":\"1700000000000\"}",
                CHAN_EV_OTHER, "82", "t1");
}

static void test_text_bounds(void)
{
    zalo_cfg c = cfg_default();
    size_t n = CHAN_TEXT_MAX + 500;
    char *body = malloc(n + 256), *p;

    /* "ạ" (3 bytes) repeated beyond the field: cut on a character boundary. */
    p = body + sprintf(body, "{\"event_name\":\"user_send_text\",\"sender\":{\"id\":\"9\"},"
                              "\"message\":{\"msg_id\":\"x\",\"text\":\"");
    for (size_t i = 0; i + 3 <= n; i += 3)
        p += sprintf(p, "\xe1\xba\xa1");
    strcpy(p, "\"},\"timestamp\":\"1\"}");
    CHECK_INT(parse(&c, body, sign(body, "1"), &in, NULL), HD_OK);
    CHECK(in.text_len < CHAN_TEXT_MAX);
    CHECK_INT(in.text_len % 3, 0);
    CHECK_INT(in.text_len, (CHAN_TEXT_MAX - 1) / 3 * 3);
    CHECK_INT(strlen(in.text), in.text_len);
    /* Invalid UTF-8 inside the JSON string becomes U+FFFD. */
    strcpy(body, "{\"event_name\":\"user_send_text\",\"sender\":{\"id\":\"9\"},"
                 "\"message\":{\"msg_id\":\"x\",\"text\":\"a\xff" "b\"},\"timestamp\":\"1\"}");
    CHECK_INT(parse(&c, body, sign(body, "1"), &in, NULL), HD_OK);
    CHECK_STR(in.text, "a\xef\xbf\xbd" "b");
    free(body);
}

static void test_malformed(void)
{
    zalo_cfg c = cfg_default();
    char err[128];
    chan_request r;
    char *big;
    static const char *const bad[] = {
        "{\"event_name\":\"user_send_text\",",            /* cut JSON */
        "[1,2,3]",                                         /* not an object */
        "not json at all",
        "{\"event_name\":\"user_send_text\",\"sender\":{\"id\":\"1\"}}",   /* no timestamp */
    };

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = parse(&c, bad[i], MAC_APPID_OA, &in, NULL);
        CHECK_MSG(rc == HD_EPARSE, "rc %d for %s", rc, bad[i]);
    }
    /* Signed, but the event is unusable. */
    const char *noname = "{\"sender\":{\"id\":\"1\"},\"timestamp\":\"1\"}";
    CHECK_INT(parse(&c, noname, sign(noname, "1"), &in, NULL), HD_EPARSE);
    const char *nouser = "{\"event_name\":\"user_send_text\",\"message\":{\"text\":\"a\"},"
                         "\"timestamp\":\"1\"}";
    CHECK_INT(parse(&c, nouser, sign(nouser, "1"), &in, NULL), HD_EPARSE);
    const char *badid = "{\"event_name\":\"user_send_text\",\"sender\":{\"id\":\"1 OR 1\"},"
                        "\"message\":{\"text\":\"a\"},\"timestamp\":\"1\"}";
    CHECK_INT(parse(&c, badid, sign(badid, "1"), &in, NULL), HD_EPARSE);
    /* Empty and oversize bodies. */
    r = post("", 0, MAC_APPID_OA);
    CHECK_INT(zalo_parse(&c, &r, &in, NULL, err, sizeof err), HD_EPARSE);
    big = calloc(1, ZALO_BODY_MAX + 2);
    memset(big, ' ', ZALO_BODY_MAX + 1);
    r = post(big, ZALO_BODY_MAX + 1, MAC_APPID_OA);
    CHECK_INT(zalo_parse(&c, &r, &in, NULL, err, sizeof err), HD_EPARSE);
    free(big);
}

/* ---- error map ---------------------------------------------------------- */

static void map(int code, chan_send_status want, int64_t after, int want_rc)
{
    chan_send_result r;
    int rc = zalo_map_error(200, code, HD_OK, 1699029000000LL, &r);

    CHECK_MSG(rc == want_rc, "code %d: rc %d, expected %d", code, rc, want_rc);
    CHECK_MSG(r.status == want, "code %d: status %d, expected %d", code, r.status, want);
    CHECK_MSG(r.retry_after_ms == after, "code %d: after %lld, expected %lld", code,
              (long long)r.retry_after_ms, (long long)after);
}

static void test_map_every_code(void)
{
    chan_send_result r;

    map(0, CHAN_SENT, 0, HD_OK);
    map(-32, CHAN_RETRY, 60000, HD_OK);
    map(-216, CHAN_RETRY, 0, HD_EAUTH);
    map(-220, CHAN_RETRY, 0, HD_EAUTH);
    map(-201, CHAN_FAIL, 0, HD_OK);
    map(-248, CHAN_FAIL, 0, HD_OK);
    map(-211, CHAN_RETRY, 3600000, HD_OK);
    map(-213, CHAN_UNREACHABLE, 0, HD_OK);
    map(-227, CHAN_UNREACHABLE, 0, HD_OK);
    map(-230, CHAN_UNREACHABLE, 0, HD_OK);
    map(-232, CHAN_UNREACHABLE, 0, HD_OK);
    map(-244, CHAN_UNREACHABLE, 0, HD_OK);
    /* now = 23:30 in Hanoi: 6 h 30 min until 06:00. */
    map(-234, CHAN_RETRY, 23400000, HD_OK);
    map(-999, CHAN_FAIL, 0, HD_OK);
    zalo_map_error(200, -999, HD_OK, 0, &r);
    CHECK_MSG(strstr(r.reason, "-999") != NULL, "reason: %s", r.reason);
    zalo_map_error(200, -213, HD_OK, 0, &r);
    CHECK_MSG(strstr(r.reason, "-213") != NULL, "reason: %s", r.reason);
    map(12, CHAN_FAIL, 0, HD_OK);

    /* Transport and HTTP level. */
    CHECK_INT(zalo_map_error(0, ZALO_ERR_ABSENT, HD_ERETRY, 0, &r), HD_OK);
    CHECK_INT(r.status, CHAN_RETRY);
    CHECK_INT(zalo_map_error(0, ZALO_ERR_ABSENT, HD_ETOOBIG, 0, &r), HD_OK);
    CHECK_INT(r.status, CHAN_RETRY);
    CHECK_INT(zalo_map_error(502, ZALO_ERR_ABSENT, HD_OK, 0, &r), HD_OK);
    CHECK_INT(r.status, CHAN_RETRY);
    CHECK_INT(zalo_map_error(503, -201, HD_OK, 0, &r), HD_OK);
    CHECK_INT(r.status, CHAN_RETRY);
    CHECK_INT(zalo_map_error(429, ZALO_ERR_ABSENT, HD_OK, 0, &r), HD_OK);
    CHECK_INT(r.status, CHAN_RETRY);
    CHECK_INT(zalo_map_error(200, ZALO_ERR_ABSENT, HD_OK, 0, &r), HD_OK);
    CHECK_INT(r.status, CHAN_RETRY);
    CHECK_INT(zalo_map_error(404, ZALO_ERR_ABSENT, HD_OK, 0, &r), HD_OK);
    CHECK_INT(r.status, CHAN_FAIL);
    CHECK_INT(zalo_map_error(200, 0, HD_OK, 0, NULL), HD_EINVAL);
}

static void test_next_morning(void)
{
    /* Epochs from `date -u -d "2023-11-03 23:00:00" +%s` and friends;
     * 2023-11-03 23:00 UTC is 2023-11-04 06:00 in Hanoi. */
    const int64_t six = 1699052400000LL, six_next = 1699138800000LL;

    CHECK_INT(zalo_next_morning_ms(1699029000000LL), six);       /* 23:30 ICT */
    CHECK_INT(zalo_next_morning_ms(1699041600000LL), six);       /* 03:00 ICT */
    CHECK_INT(zalo_next_morning_ms(1699052399000LL), six);       /* 05:59:59 */
    CHECK_INT(zalo_next_morning_ms(six - 1), six);
    CHECK_INT(zalo_next_morning_ms(six), six_next);              /* 06:00 sharp */
    CHECK_INT(zalo_next_morning_ms(1698987600000LL), six);       /* 12:00 ICT the day before */
    CHECK_INT(zalo_next_morning_ms(1698966000000LL), 1698966000000LL + 86400000LL); /* 06:00 */
    CHECK_INT(zalo_next_morning_ms(0), 82800000LL);              /* 1970-01-01 07:00 ICT */
}

static void test_text_cut(void)
{
    char s[5000];
    size_t n = 0;

    CHECK_INT(zalo_text_cut("abc", 3, 2000), 3);
    CHECK_INT(zalo_text_cut("abc", 3, 2), 2);
    CHECK_INT(zalo_text_cut("\xc3\xa0\xc3\xa0", 4, 1), 2);
    /* 2,100 x "ạ": cut to 2,000 characters = 6,000 bytes. */
    for (int i = 0; i < 1600; i++)
        n += (size_t)sprintf(s + n, "\xe1\xba\xa1");
    CHECK_INT(zalo_text_cut(s, n, 2000), n);
    CHECK_INT(zalo_text_cut(s, n, 1000), 3000);
    /* An emoji counts as two (UTF-16 units). */
    CHECK_INT(zalo_text_cut("a\xf0\x9f\x98\x80" "b", 6, 2), 1);
    CHECK_INT(zalo_text_cut("a\xf0\x9f\x98\x80" "b", 6, 3), 5);
}

/* ---- send through the adapter against a stand-in ------------------------ */

typedef struct mem_io { char k[3][32]; char v[3][ZALO_TOKEN_MAX]; int n; } mem_io;

static int mem_get(void *ud, const char *key, char *value, size_t cap)
{
    mem_io *m = ud;
    for (int i = 0; i < m->n; i++)
        if (strcmp(m->k[i], key) == 0)
            return snprintf(value, cap, "%s", m->v[i]) < (int)cap ? HD_OK : HD_ETOOBIG;
    return HD_ENOTFOUND;
}

static int mem_put(void *ud, const char *const *keys, const char *const *values, int n,
                   int64_t now_ms)
{
    mem_io *m = ud;
    for (int i = 0; i < n; i++) {
        int j = 0;
        while (j < m->n && strcmp(m->k[j], keys[i]) != 0)
            j++;
        if (j == m->n) {
            if (m->n == 3)
                return HD_EDB;
            snprintf(m->k[m->n++], sizeof m->k[0], "%s", keys[i]);
        }
        snprintf(m->v[j], sizeof m->v[0], "%s", values[i]);
    }
    return HD_OK;
}

static tinyhttpd srv;
static mem_io mio;
static zalo_token *tok;
static chan_adapter *ad;

static void send_setup(void)
{
    char base[64], err[256] = "";
    zalo_token_io io = { &mio, mem_get, mem_put };
    zalo_token_cfg tc = { .app_id = APP_ID, .app_secret = APP_SECRET, .oauth_base = base,
                          .timeout_ms = 2000, .seed_access = "ACCESS-1", .seed_refresh = "REFRESH-1" };
    zalo_cfg c = cfg_default();

    memset(&mio, 0, sizeof mio);
    CHECK_INT(httpc_global_init(), HD_OK);
    CHECK_INT(th_start(&srv), 0);
    snprintf(base, sizeof base, "http://127.0.0.1:%d/", srv.port);
    c.api_base = base;
    c.timeout_ms = 500;
    CHECK_INT(zalo_token_new(&tc, &io, 1000, &tok, err, sizeof err), HD_OK);
    CHECK_INT(zalo_adapter_new(&c, tok, &ad, err, sizeof err), HD_OK);
}

static void send_teardown(void)
{
    ad->destroy(ad);
    zalo_token_free(tok);
    th_stop(&srv);
    httpc_global_cleanup();
}

static chan_send_result send_text(const char *addr, const char *text)
{
    chan_send_result r;
    chan_outbound m = { .outbox_id = 1, .address = addr, .text = text, .text_len = strlen(text) };
    memset(&r, 0x55, sizeof r);
    CHECK_INT(ad->send(ad, &m, &r), HD_OK);
    return r;
}

static void test_send_success(void)
{
    chan_send_result r;
    th_seen s;
    char v[256];

    send_setup();
    CHECK_STR(ad->name, "zalo");
    th_push(&srv, 200, "Content-Type: application/json\r\n",
            "{\"error\":0,\"message\":\"Success\",\"data\":{\"message_id\":\"a1b2c3\","
            "\"user_id\":\"6142494823000000001\"}}", 0, 0);
    r = send_text("6142494823000000001", "Xin ch\xc3\xa0o \"b\xe1\xba\xa1n\"\n");
    CHECK_INT(r.status, CHAN_SENT);
    CHECK_STR(r.provider_id, "a1b2c3");
    CHECK_INT(th_count(&srv), 1);
    s = th_get(&srv, 0);
    CHECK_STR(s.method, "POST");
    CHECK_STR(s.path, "/v3.0/oa/message/cs");
    CHECK_STR(th_header(&s, "access_token", v, sizeof v), "ACCESS-1");
    CHECK_STR(th_header(&s, "Content-Type", v, sizeof v), "application/json");
    CHECK_STR(th_header(&s, "Authorization", v, sizeof v), "");
    CHECK_STR(s.body, "{\"recipient\":{\"user_id\":\"6142494823000000001\"},"
                      "\"message\":{\"text\":\"Xin ch\xc3\xa0o \\\"b\xe1\xba\xa1n\\\"\\n\"}}");
    send_teardown();
}

static void test_send_errors_on_200(void)
{
    chan_send_result r;

    send_setup();
    th_push(&srv, 200, NULL, "{\"error\":-213,\"message\":\"User has not followed OA\"}", 0, 0);
    th_push(&srv, 200, NULL, "{\"error\":-201,\"message\":\"Parameter is invalid\"}", 0, 0);
    th_push(&srv, 200, NULL, "{\"error\":-32,\"message\":\"rate\"}", 0, 0);
    th_push(&srv, 200, NULL, "{\"error\":-234,\"message\":\"night\"}", 0, 0);
    th_push(&srv, 503, "Retry-After: 7\r\n", "busy", 0, 0);
    th_push(&srv, 200, NULL, "<html>proxy</html>", 0, 0);
    th_push(&srv, 200, NULL, "{}", 0, 2000);                  /* beyond the 500 ms timeout */
    r = send_text("1", "a");
    CHECK_INT(r.status, CHAN_UNREACHABLE);
    CHECK_MSG(strstr(r.reason, "-213") != NULL, "%s", r.reason);
    r = send_text("1", "a");
    CHECK_INT(r.status, CHAN_FAIL);
    r = send_text("1", "a");
    CHECK_INT(r.status, CHAN_RETRY);
    CHECK_INT(r.retry_after_ms, 60000);
    r = send_text("1", "a");
    CHECK_INT(r.status, CHAN_RETRY);
    CHECK_MSG(r.retry_after_ms > 0 && r.retry_after_ms <= 86400000LL, "%lld",
              (long long)r.retry_after_ms);
    r = send_text("1", "a");
    CHECK_INT(r.status, CHAN_RETRY);
    CHECK_INT(r.retry_after_ms, 7000);
    r = send_text("1", "a");
    CHECK_INT(r.status, CHAN_RETRY);
    r = send_text("1", "a");
    CHECK_INT(r.status, CHAN_RETRY);
    CHECK_MSG(strstr(r.reason, "ACCESS") == NULL, "token in reason: %s", r.reason);
    /* Nothing reaches Zalo for an empty text or a missing address. */
    int before = th_count(&srv);
    r = send_text("", "a");
    CHECK_INT(r.status, CHAN_FAIL);
    r = send_text("1", "");
    CHECK_INT(r.status, CHAN_FAIL);
    CHECK_INT(th_count(&srv), before);
    send_teardown();
}

static void test_send_long_text_cut(void)
{
    size_t n = 0;
    char *text = malloc(3 * 2100 + 1);
    chan_send_result r;
    th_seen s;

    for (int i = 0; i < 2100; i++)
        n += (size_t)sprintf(text + n, "\xe1\xba\xa1");
    send_setup();
    th_push(&srv, 200, NULL, "{\"error\":0,\"data\":{\"message_id\":\"m\"}}", 0, 0);
    r = send_text("1", text);
    CHECK_INT(r.status, CHAN_SENT);
    s = th_get(&srv, 0);
    /* {"recipient":{"user_id":"1"},"message":{"text":"..."}} with 2,000 x 3 bytes */
    CHECK_INT(s.body_len, strlen("{\"recipient\":{\"user_id\":\"1\"},\"message\":{\"text\":\"\"}}") + 6000);
    send_teardown();
    free(text);
}

static void test_send_refreshes_on_216(void)
{
    chan_send_result r;
    th_seen s;
    char v[256];

    send_setup();
    th_push(&srv, 200, NULL, "{\"error\":-216,\"message\":\"Access token is invalid\"}", 0, 0);
    th_push(&srv, 200, NULL, "{\"access_token\":\"ACCESS-2\",\"refresh_token\":\"REFRESH-2\","
                             "\"expires_in\":\"90000\"}", 0, 0);
    th_push(&srv, 200, NULL, "{\"error\":0,\"data\":{\"message_id\":\"ok2\"}}", 0, 0);
    r = send_text("1", "a");
    CHECK_INT(r.status, CHAN_SENT);
    CHECK_STR(r.provider_id, "ok2");
    CHECK_INT(th_count(&srv), 3);
    s = th_get(&srv, 1);
    CHECK_STR(s.path, "/v4/oa/access_token");
    CHECK_STR(th_header(&s, "secret_key", v, sizeof v), APP_SECRET);
    s = th_get(&srv, 2);
    CHECK_STR(th_header(&s, "access_token", v, sizeof v), "ACCESS-2");
    /* The new pair was stored. */
    CHECK_INT(mem_get(&mio, ZALO_KV_REFRESH, v, sizeof v), HD_OK);
    CHECK_STR(v, "REFRESH-2");

    /* Rejected again after the refresh: RETRY, and only one refresh. */
    th_push(&srv, 200, NULL, "{\"error\":-220,\"message\":\"expired\"}", 0, 0);
    th_push(&srv, 200, NULL, "{\"access_token\":\"ACCESS-3\",\"refresh_token\":\"REFRESH-3\","
                             "\"expires_in\":90000}", 0, 0);
    th_push(&srv, 200, NULL, "{\"error\":-216,\"message\":\"invalid\"}", 0, 0);
    r = send_text("1", "a");
    CHECK_INT(r.status, CHAN_RETRY);
    CHECK_INT(th_count(&srv), 6);

    /* A refresh that fails: RETRY, nothing resent. */
    th_push(&srv, 200, NULL, "{\"error\":-216,\"message\":\"invalid\"}", 0, 0);
    th_push(&srv, 200, NULL, "{\"error\":-14014,\"message\":\"Invalid refresh token\"}", 0, 0);
    r = send_text("1", "a");
    CHECK_INT(r.status, CHAN_RETRY);
    CHECK_INT(th_count(&srv), 8);
    CHECK_INT(mem_get(&mio, ZALO_KV_REFRESH, v, sizeof v), HD_OK);
    CHECK_STR(v, "REFRESH-3");
    send_teardown();
}

static void test_adapter_config(void)
{
    char err[256] = "";
    chan_adapter *a = NULL;
    zalo_cfg c = cfg_default();
    chan_request rq = post(TEXT_BODY, sizeof TEXT_BODY - 1, MAC_APPID_OA);
    chan_send_result r;
    chan_outbound m = { 1, "1", "a", 1 };

    c.app_id = "";
    CHECK_INT(zalo_adapter_new(&c, NULL, &a, err, sizeof err), HD_ECONFIG);
    c = cfg_default();
    c.sig_variant = "oaid";
    CHECK_INT(zalo_adapter_new(&c, NULL, &a, err, sizeof err), HD_ECONFIG);
    c = cfg_default();
    c.oa_secret = NULL;
    CHECK_INT(zalo_adapter_new(&c, NULL, &a, err, sizeof err), HD_ECONFIG);
    c.sig_key = "app_secret";
    CHECK_INT(zalo_adapter_new(&c, NULL, &a, err, sizeof err), HD_OK);
    a->destroy(a);
    /* A parse-only adapter: parse works, send says RETRY. */
    c = cfg_default();
    CHECK_INT(zalo_adapter_new(&c, NULL, &a, err, sizeof err), HD_OK);
    CHECK_INT(a->parse(a, &rq, &in, err, sizeof err), HD_OK);
    CHECK_STR(in.address, "6142494823000000001");
    CHECK_INT(a->send(a, &m, &r), HD_OK);
    CHECK_INT(r.status, CHAN_RETRY);
    CHECK_INT(a->send(a, NULL, &r), HD_EINVAL);
    a->destroy(a);
}

TEST_MAIN(T(test_sig_compute_reference), T(test_sig_correct_default),
          T(test_sig_wrong_and_missing), T(test_sig_key_variants), T(test_sig_any_reports_form),
          T(test_event_text), T(test_event_huge_ids_and_numbers), T(test_event_kinds),
          T(test_text_bounds), T(test_malformed), T(test_map_every_code), T(test_next_morning),
          T(test_text_cut), T(test_send_success), T(test_send_errors_on_200),
          T(test_send_long_text_cut), T(test_send_refreshes_on_216), T(test_adapter_config))
