/* test_kannel.c -- the SMS adapter: Kannel's requests in, sendsms out.
 *
 * The inbound queries below are what Kannel 1.4.5's smsbox actually sent to
 * a listener when fakesmsc injected these messages (UCS-2 spaces come as
 * '+', i.e. byte 0x20, the high byte as %00). */
#include "test.h"
#include "tinyhttpd.h"
#include "channel/charset.h"
#include "channel/httpc.h"
#include "channel/kannel.h"
#include "core/err.h"
#include "core/form.h"

#include <stdlib.h>

static const char VI_OTP[] = "Tôi không nhận được mã OTP";

static chan_request get_req(const char *query)
{
    chan_request r = { "GET", query, strlen(query), "", 0, NULL, NULL };
    return r;
}

static chan_request post_req(const char *query, const char *body, const char *ct)
{
    chan_request r = { "POST", query, strlen(query), body, strlen(body), ct, NULL };
    return r;
}

static int parse(const char *query, chan_inbound *in, char *err, size_t errlen)
{
    chan_request r = get_req(query);
    return kannel_parse_inbound(&r, in, err, errlen);
}

/* ---- inbound ---- */

static void test_ucs2_vietnamese(void)
{
    static chan_inbound in;
    char err[160] = "";

    CHECK_INT(parse("from=%2B84912345678&to=8088&text=%00T%00%F4%00i%00+%00k%00h%00%F4%00n%00g"
                    "%00+%00n%00h%1E%AD%00n%00+%01%11%01%B0%1E%E3%00c%00+%00m%00%E3%00+%00O%00T"
                    "%00P&smsc=FAKE&ts=1795349224&coding=2&charset=UTF-16BE"
                    "&id=ba9a00fe-6aa1-4523-8ffd-9fc2f6247f6f", &in, err, sizeof err), HD_OK);
    CHECK_STR(in.text, VI_OTP);
    CHECK_INT(in.text_len, sizeof VI_OTP - 1);
    /* "ô" U+00F4, "ậ" U+1EAD, "đ" U+0111, "ư" U+01B0, "ợ" U+1EE3 */
    CHECK(memcmp(in.text, "T\xC3\xB4i kh\xC3\xB4ng nh\xE1\xBA\xADn \xC4\x91\xC6\xB0\xE1\xBB\xA3" "c m\xC3\xA3 OTP",
                 sizeof VI_OTP) == 0);
    CHECK_STR(in.address, "84912345678");
    CHECK_STR(in.external_id, "ba9a00fe-6aa1-4523-8ffd-9fc2f6247f6f");
    CHECK_INT(in.ts_ms, 1795349224000LL);
    CHECK_INT(in.event, CHAN_EV_TEXT);
    CHECK_STR(in.kind, "sms/FAKE");
}

static void test_ucs2_wins_over_charset(void)
{
    static chan_inbound in;

    /* coding=2 means UTF-16BE bytes, whatever charset claims */
    CHECK_INT(parse("from=0912345678&text=%00C%00h%00%E0%00o&coding=2&charset=UTF-8", &in, NULL, 0), HD_OK);
    CHECK_STR(in.text, "Chào");
    /* and a charset of UTF-16BE alone is enough */
    CHECK_INT(parse("from=0912345678&text=%00C%00h%00%E0%00o&charset=utf-16be", &in, NULL, 0), HD_OK);
    CHECK_STR(in.text, "Chào");
}

static void test_gsm_text(void)
{
    static chan_inbound in;

    CHECK_INT(parse("from=0912345678&to=8088&text=kich+hoat+vneid&smsc=FAKE&ts=1795349213&coding=0"
                    "&charset=UTF-8&id=6c755bab-25a8-46da-8c18-275daad129eb", &in, NULL, 0), HD_OK);
    CHECK_STR(in.text, "kich hoat vneid");
    CHECK_INT(in.text_len, 15);
    CHECK_STR(in.address, "84912345678");
    CHECK_STR(in.external_id, "6c755bab-25a8-46da-8c18-275daad129eb");
    /* GSM-7 letters beyond ASCII: Kannel already made them UTF-8 */
    CHECK_INT(parse("from=0912345678&to=8088&text=T%C3%B4i+%E2%82%AC%40%C2%A3+ok&smsc=FAKE"
                    "&ts=1795349233&coding=0&charset=UTF-8&id=e3ae4b64", &in, NULL, 0), HD_OK);
    CHECK_STR(in.text, "Tôi €@£ ok");
}

static void test_8bit_and_latin1(void)
{
    static chan_inbound in;

    /* Kannel's coding=1: raw bytes, charset "8-BIT"; not UTF-8, so cp1252,
     * and the NUL becomes U+FFFD */
    CHECK_INT(parse("from=0912345678&text=%E9%80%FF%00abc&coding=1&charset=8-BIT", &in, NULL, 0), HD_OK);
    CHECK_STR(in.text, "\xC3\xA9\xE2\x82\xAC\xC3\xBF\xEF\xBF\xBD" "abc");
    /* 8-bit bytes that are UTF-8 stay UTF-8 */
    CHECK_INT(parse("from=0912345678&text=Ch%C3%A0o&coding=1&charset=8-BIT", &in, NULL, 0), HD_OK);
    CHECK_STR(in.text, "Chào");
    CHECK_INT(parse("from=0912345678&text=Ti%EAng+Vi%E7t&coding=0&charset=ISO-8859-1", &in, NULL, 0), HD_OK);
    CHECK_STR(in.text, "Tiêng Viçt");
    CHECK_INT(parse("from=0912345678&text=%8010&charset=WINDOWS-1252", &in, NULL, 0), HD_OK);
    CHECK_STR(in.text, "€10");
    CHECK_INT(parse("from=0912345678&text=caf%E9&charset=latin1", &in, NULL, 0), HD_OK);
    CHECK_STR(in.text, "café");
}

static void test_invalid_utf8_repaired(void)
{
    static chan_inbound in;

    CHECK_INT(parse("from=0912345678&text=a%FFb%C3&charset=UTF-8", &in, NULL, 0), HD_OK);
    CHECK_STR(in.text, "a\xEF\xBF\xBD" "b\xEF\xBF\xBD");
    /* overlong '/' (C0 AF) and an encoded surrogate (ED A0 80) */
    CHECK_INT(parse("from=0912345678&text=%C0%AF%ED%A0%80x", &in, NULL, 0), HD_OK);
    CHECK(charset_utf8_valid(in.text, in.text_len));
    CHECK(strstr(in.text, "\xED") == NULL);
    CHECK(in.text_len >= 1 && in.text[in.text_len - 1] == 'x');
}

static void test_post_form_body(void)
{
    static chan_inbound in;
    char err[160] = "";
    chan_request r;

    r = post_req("", "from=0912345678&text=xin+chao&coding=0&id=abc-1",
                 "application/x-www-form-urlencoded; charset=utf-8");
    CHECK_INT(kannel_parse_inbound(&r, &in, err, sizeof err), HD_OK);
    CHECK_STR(in.text, "xin chao");
    CHECK_STR(in.external_id, "abc-1");
    /* fields split between the query and the body */
    r = post_req("from=%2B84987654321&coding=2", "text=%00h%00i", NULL);
    CHECK_INT(kannel_parse_inbound(&r, &in, err, sizeof err), HD_OK);
    CHECK_STR(in.address, "84987654321");
    CHECK_STR(in.text, "hi");
    /* the query wins when both carry a field */
    r = post_req("text=one&from=0912345678", "text=two", "application/x-www-form-urlencoded");
    CHECK_INT(kannel_parse_inbound(&r, &in, err, sizeof err), HD_OK);
    CHECK_STR(in.text, "one");
    /* a body that is not a form is not read */
    r = post_req("from=0912345678", "text=two", "text/plain");
    CHECK_INT(kannel_parse_inbound(&r, &in, err, sizeof err), HD_EPARSE);
    /* nor is a GET's body */
    r = post_req("from=0912345678", "text=two", NULL);
    r.method = "GET";
    CHECK_INT(kannel_parse_inbound(&r, &in, err, sizeof err), HD_EPARSE);
    r.method = "PUT";
    CHECK_INT(kannel_parse_inbound(&r, &in, err, sizeof err), HD_EPARSE);
}

static void test_missing_fields(void)
{
    static chan_inbound in;
    char err[160] = "";

    CHECK_INT(parse("to=8088&text=hello", &in, err, sizeof err), HD_EPARSE);
    CHECK_MSG(strstr(err, "'from'") != NULL, "err: %s", err);
    err[0] = '\0';
    CHECK_INT(parse("from=0912345678&to=8088", &in, err, sizeof err), HD_EPARSE);
    CHECK_MSG(strstr(err, "'text'") != NULL, "err: %s", err);
    CHECK_STR(in.address, "");     /* nothing half-filled on failure */
    CHECK_INT(parse("from=abc&text=hello", &in, err, sizeof err), HD_EPARSE);
    CHECK_INT(parse("from=%2B15551234567&text=hello", &in, err, sizeof err), HD_EPARSE);
    CHECK_INT(parse("from=0912345678&text=bad%G0", &in, err, sizeof err), HD_EPARSE);
    CHECK_INT(parse("", &in, err, sizeof err), HD_EPARSE);
    CHECK_INT(kannel_parse_inbound(NULL, &in, err, sizeof err), HD_EINVAL);
}

static void test_optional_fields(void)
{
    static chan_inbound in;

    CHECK_INT(parse("from=0912345678&text=hi", &in, NULL, 0), HD_OK);
    CHECK_STR(in.external_id, "");         /* the caller derives its own key */
    CHECK_INT(in.ts_ms, 0);
    CHECK_STR(in.kind, "sms");
    CHECK_INT(parse("from=0912345678&text=hi&ts=soon&smsc=a%20b%2Fc", &in, NULL, 0), HD_OK);
    CHECK_INT(in.ts_ms, 0);
    CHECK_STR(in.kind, "sms/a_b_c");
    /* an id with control bytes or spaces is not a Kannel id */
    CHECK_INT(parse("from=0912345678&text=hi&id=a%0Ab", &in, NULL, 0), HD_EPARSE);
    CHECK_INT(parse("from=0912345678&text=hi&id=a%00b", &in, NULL, 0), HD_EPARSE);
    /* an empty SMS: ask the person to type */
    CHECK_INT(parse("from=0912345678&text=", &in, NULL, 0), HD_OK);
    CHECK_INT(in.event, CHAN_EV_OTHER);
    CHECK_INT(in.text_len, 0);
}

static void test_bad_coding(void)
{
    static chan_inbound in;
    char err[160] = "";

    CHECK_INT(parse("from=0912345678&text=hi&coding=7", &in, err, sizeof err), HD_EPARSE);
    CHECK_MSG(strstr(err, "coding") != NULL, "err: %s", err);
    CHECK_INT(parse("from=0912345678&text=hi&coding=abc", &in, err, sizeof err), HD_EPARSE);
    CHECK_INT(parse("from=0912345678&text=hi&coding=2x", &in, err, sizeof err), HD_EPARSE);
    CHECK_INT(parse("from=0912345678&text=hi&coding=-2", &in, err, sizeof err), HD_EPARSE);
    CHECK_INT(parse("from=0912345678&text=hi&coding=99999999999999999999999", &in, err, sizeof err),
              HD_EPARSE);
    /* empty or -1 (Kannel's "undefined"): decode by charset */
    CHECK_INT(parse("from=0912345678&text=hi&coding=", &in, err, sizeof err), HD_OK);
    CHECK_STR(in.text, "hi");
    CHECK_INT(parse("from=0912345678&text=hi&coding=-1", &in, err, sizeof err), HD_OK);
    CHECK_STR(in.text, "hi");
}

static void test_ucs2_odd_and_surrogates(void)
{
    static chan_inbound in;

    /* a trailing half code unit becomes U+FFFD */
    CHECK_INT(parse("from=0912345678&text=%00A%00&coding=2", &in, NULL, 0), HD_OK);
    CHECK_STR(in.text, "A\xEF\xBF\xBD");
    /* 😀 U+1F600 = D83D DE00 -> F0 9F 98 80 */
    CHECK_INT(parse("from=0912345678&text=%00O%00K%00+%D8%3D%DE%00&coding=2", &in, NULL, 0), HD_OK);
    CHECK_STR(in.text, "OK \xF0\x9F\x98\x80");
    CHECK_INT(in.text_len, 7);
    /* lone high surrogate before a letter; lone low surrogate; high at the end */
    CHECK_INT(parse("from=0912345678&text=%D8%3D%00A%DE%00%00B%D8%3D&coding=2", &in, NULL, 0), HD_OK);
    CHECK_STR(in.text, "\xEF\xBF\xBD" "A\xEF\xBF\xBD" "B\xEF\xBF\xBD");
    /* U+0000 inside the text cannot cut the C string short */
    CHECK_INT(parse("from=0912345678&text=%00A%00%00%00B&coding=2", &in, NULL, 0), HD_OK);
    CHECK_STR(in.text, "A\xEF\xBF\xBD" "B");
    CHECK_INT(in.text_len, strlen(in.text));
    /* a byte-order mark is not text */
    CHECK_INT(parse("from=0912345678&text=%FE%FF%00A&coding=2", &in, NULL, 0), HD_OK);
    CHECK_STR(in.text, "A");
}

static void test_overlong_texts(void)
{
    static chan_inbound in;
    size_t i, qcap = 64 + 12 * 2000;
    char *q = malloc(qcap);
    int len;

    /* 5000 ASCII letters: exactly CHAN_TEXT_MAX - 1 kept */
    len = snprintf(q, qcap, "from=0912345678&text=");
    for (i = 0; i < 5000; i++)
        q[len++] = 'a';
    q[len] = '\0';
    CHECK_INT(parse(q, &in, NULL, 0), HD_OK);
    CHECK_INT(in.text_len, CHAN_TEXT_MAX - 1);
    CHECK_INT(strlen(in.text), CHAN_TEXT_MAX - 1);

    /* "a" then 2000 x "ộ" (U+1ED9, 3 UTF-8 bytes) as UCS-2: 1 + 3 * 1364 =
     * 4093 bytes fit in 4095, the next letter would not */
    len = snprintf(q, qcap, "from=0912345678&coding=2&text=%%00a");
    for (i = 0; i < 2000; i++)
        len += snprintf(q + len, qcap - (size_t)len, "%%1E%%D9");
    CHECK_INT(parse(q, &in, NULL, 0), HD_OK);
    CHECK_INT(in.text_len, 4093);
    CHECK(charset_utf8_valid(in.text, in.text_len));
    CHECK(memcmp(in.text + 4090, "\xE1\xBB\x99", 4) == 0);   /* whole letter, then NUL */

    /* 4-byte letters: 1023 emoji = 4092 bytes; the 1024th would reach 4096 */
    len = snprintf(q, qcap, "from=0912345678&coding=2&text=");
    for (i = 0; i < 1100; i++)
        len += snprintf(q + len, qcap - (size_t)len, "%%D8%%3D%%DE%%00");
    CHECK_INT(parse(q, &in, NULL, 0), HD_OK);
    CHECK_INT(in.text_len, 4092);
    CHECK(charset_utf8_valid(in.text, in.text_len));
    free(q);
}

/* ---- charset directly ---- */

static void test_charset_helpers(void)
{
    char out[8];
    size_t n;

    /* cut at a character boundary: "éé" needs 4 bytes + NUL */
    CHECK_INT(charset_utf8_repair("\xC3\xA9\xC3\xA9", 4, out, 4, &n), HD_OK);
    CHECK_INT(n, 2);
    CHECK_STR(out, "é");
    CHECK_INT(charset_cp1252_to_utf8("\x81", 1, out, sizeof out, &n), HD_OK);
    CHECK_STR(out, "\xEF\xBF\xBD");   /* an unassigned cp1252 byte */
    CHECK_INT(charset_utf16be_to_utf8("", 0, out, 1, &n), HD_OK);
    CHECK_STR(out, "");
    CHECK_INT(charset_utf16be_to_utf8("\0A", 2, out, 0, &n), HD_EINVAL);
    CHECK(charset_utf8_valid("Vi\xE1\xBB\x87t \xEF\xBF\xBD", 10));
    CHECK(!charset_utf8_valid("\xF4\x90\x80\x80", 4));      /* beyond U+10FFFF */
    CHECK(!charset_utf8_valid("\xE0\x80\xAF", 3));          /* overlong */
    CHECK(charset_is_gsm7_ascii("kich hoat VNeID [OK] ~{}|^\\\r\n", 29));
    CHECK(!charset_is_gsm7_ascii("a`b", 3));
    CHECK(!charset_is_gsm7_ascii("Chào", strlen("Chào")));
    CHECK(!charset_is_gsm7_ascii("tab\there", 8));
}

/* ---- the sendsms URL ---- */

static const kannel_cfg CFG = {
    .sendsms_url = "http://127.0.0.1:13013/cgi-bin/sendsms",
    .user = "bot", .password = "p&w d=1", .sender = "8088",
    .dlr_url_base = "http://127.0.0.1:8080/", .dlr_mask = 0, .timeout_ms = 2000,
};

/* The query part of url, to read back with form_get. */
static const char *query_of(const buf *url)
{
    const char *q = strchr(buf_str(url), '?');
    return q ? q + 1 : "";
}

static const char *qget(const buf *url, const char *name)
{
    static char v[4][512];
    static int k;
    const char *q = query_of(url);
    char *out = v[k++ % 4];
    size_t n;

    if (form_get(q, strlen(q), name, out, 512, &n) != HD_OK)
        return "(absent)";
    return out;
}

static void test_url_vietnamese(void)
{
    buf url;
    char err[160] = "";
    static const char text[] = "Chào bạn";
    chan_outbound m = { 42, "0912345678", text, sizeof text - 1 };

    buf_init(&url, KANNEL_URL_MAX);
    CHECK_INT(kannel_build_sendsms_url(&CFG, &m, &url, err, sizeof err), HD_OK);
    CHECK(strncmp(buf_str(&url), "http://127.0.0.1:13013/cgi-bin/sendsms?username=bot&", 52) == 0);
    CHECK_STR(qget(&url, "username"), "bot");
    CHECK_STR(qget(&url, "password"), "p&w d=1");
    CHECK_STR(qget(&url, "to"), "84912345678");
    CHECK_STR(qget(&url, "from"), "8088");
    CHECK_STR(qget(&url, "text"), text);
    CHECK_STR(qget(&url, "coding"), "2");
    CHECK_STR(qget(&url, "charset"), "UTF-8");
    CHECK_STR(qget(&url, "dlr-mask"), "31");
    CHECK_STR(qget(&url, "dlr-url"), "http://127.0.0.1:8080/webhooks/kannel/dlr?outbox=42&status=%d");
    /* the UTF-8 bytes of "à" and "ạ", escaped, and nothing raw beyond ASCII */
    CHECK(strstr(buf_str(&url), "Ch%C3%A0o") != NULL);
    CHECK(strstr(buf_str(&url), "b%E1%BA%A1n") != NULL);
    CHECK(charset_is_gsm7_ascii(url.data, url.len));
    /* dlr-url is one value: its '&', '=' and '%d' are escaped, so Kannel
     * sees no top-level outbox or status */
    CHECK_STR(qget(&url, "outbox"), "(absent)");
    CHECK_STR(qget(&url, "status"), "(absent)");
    CHECK(strstr(buf_str(&url), "%25d") != NULL);
    buf_free(&url);
}

static void test_url_plain_text(void)
{
    buf url;
    kannel_cfg c = CFG;
    chan_outbound m = { 7, "84912345678", "kich hoat vneid: 1) tai app", 27 };

    c.dlr_url_base = NULL;
    c.sender = "";
    buf_init(&url, KANNEL_URL_MAX);
    CHECK_INT(kannel_build_sendsms_url(&c, &m, &url, NULL, 0), HD_OK);
    CHECK_STR(qget(&url, "text"), "kich hoat vneid: 1) tai app");
    CHECK_STR(qget(&url, "coding"), "(absent)");
    CHECK_STR(qget(&url, "charset"), "UTF-8");
    CHECK_STR(qget(&url, "from"), "(absent)");
    CHECK_STR(qget(&url, "dlr-url"), "(absent)");
    CHECK_STR(qget(&url, "dlr-mask"), "(absent)");

    /* one non-GSM character is enough for UCS-2 */
    m.text = "100€";
    m.text_len = strlen(m.text);
    CHECK_INT(kannel_build_sendsms_url(&c, &m, &url, NULL, 0), HD_OK);
    CHECK_STR(qget(&url, "coding"), "2");
    m.text = "a`b";
    m.text_len = 3;
    CHECK_INT(kannel_build_sendsms_url(&c, &m, &url, NULL, 0), HD_OK);
    CHECK_STR(qget(&url, "coding"), "2");
    m.text = "1) ok\n2) no";
    m.text_len = strlen(m.text);
    CHECK_INT(kannel_build_sendsms_url(&c, &m, &url, NULL, 0), HD_OK);
    CHECK_STR(qget(&url, "coding"), "(absent)");
    CHECK_STR(qget(&url, "text"), "1) ok\n2) no");
    buf_free(&url);
}

static void test_url_options_and_errors(void)
{
    buf url;
    kannel_cfg c = CFG;
    char err[160] = "";
    chan_outbound m = { 9, "1414", "hi", 2 };

    c.sendsms_url = "http://kannel:13013/cgi-bin/sendsms?smsc=VT";
    c.dlr_url_base = "https://helpdesk.example";
    c.dlr_mask = 3;
    buf_init(&url, KANNEL_URL_MAX);
    CHECK_INT(kannel_build_sendsms_url(&c, &m, &url, err, sizeof err), HD_OK);
    CHECK(strncmp(buf_str(&url), "http://kannel:13013/cgi-bin/sendsms?smsc=VT&username=bot&", 57) == 0);
    CHECK_STR(qget(&url, "to"), "1414");
    CHECK_STR(qget(&url, "dlr-mask"), "3");
    CHECK_STR(qget(&url, "dlr-url"), "https://helpdesk.example/webhooks/kannel/dlr?outbox=9&status=%d");

    m.address = "not a number";
    CHECK_INT(kannel_build_sendsms_url(&c, &m, &url, err, sizeof err), HD_EINVAL);
    CHECK_INT(url.len, 0);
    CHECK(strstr(err, "p&w") == NULL);
    m.address = "0912345678";
    m.text_len = 0;
    CHECK_INT(kannel_build_sendsms_url(&c, &m, &url, err, sizeof err), HD_EINVAL);
    CHECK_INT(kannel_build_sendsms_url(NULL, &m, &url, err, sizeof err), HD_EINVAL);
    buf_free(&url);
}

/* ---- sendsms answers ---- */

static void test_map_answer(void)
{
    chan_send_result r;

    CHECK_INT(kannel_map_answer(202, "0: Accepted for delivery", HD_OK, &r), HD_OK);
    CHECK_INT(r.status, CHAN_SENT);
    CHECK_STR(r.provider_id, "");
    CHECK_INT(kannel_map_answer(202, "3: Queued for later delivery", HD_OK, &r), HD_OK);
    CHECK_INT(r.status, CHAN_SENT);
    CHECK_INT(kannel_map_answer(200, "0: Accepted for delivery", HD_OK, &r), HD_OK);
    CHECK_INT(r.status, CHAN_SENT);

    CHECK_INT(kannel_map_answer(403, "Authorization failed for sendsms", HD_OK, &r), HD_OK);
    CHECK_INT(r.status, CHAN_FAIL);
    CHECK_STR(r.reason, "HTTP 403: Authorization failed for sendsms");
    CHECK_INT(kannel_map_answer(400, "Missing receiver number, rejected", HD_OK, &r), HD_OK);
    CHECK_INT(r.status, CHAN_FAIL);
    CHECK(strstr(r.reason, "Missing receiver") != NULL);

    CHECK_INT(kannel_map_answer(503, "Temporal failure, try again later.", HD_OK, &r), HD_OK);
    CHECK_INT(r.status, CHAN_RETRY);
    CHECK_INT(kannel_map_answer(500, "Sending failed.", HD_OK, &r), HD_OK);
    CHECK_INT(r.status, CHAN_RETRY);
    CHECK_INT(kannel_map_answer(0, "", HD_ERETRY, &r), HD_OK);
    CHECK_INT(r.status, CHAN_RETRY);
    CHECK(r.reason[0] != '\0');
    CHECK_INT(kannel_map_answer(200, NULL, HD_ETOOBIG, &r), HD_OK);
    CHECK_INT(r.status, CHAN_RETRY);
    CHECK_INT(kannel_map_answer(404, "Not Found", HD_OK, &r), HD_OK);
    CHECK_INT(r.status, CHAN_RETRY);
    CHECK_INT(kannel_map_answer(200, "<html>proxy says hi</html>", HD_OK, &r), HD_OK);
    CHECK_INT(r.status, CHAN_RETRY);
    /* only the first line, only printable ASCII */
    CHECK_INT(kannel_map_answer(403, "bad\x01line\r\nsecond", HD_OK, &r), HD_OK);
    CHECK_STR(r.reason, "HTTP 403: bad?line");
    CHECK_INT(kannel_map_answer(403, "x", HD_OK, NULL), HD_EINVAL);
}

/* ---- delivery reports ---- */

static void test_dlr(void)
{
    chan_request r;
    int64_t id;
    int bits;

    r = get_req("outbox=42&status=8");
    CHECK_INT(kannel_parse_dlr(&r, &id, &bits), HD_OK);
    CHECK_INT(id, 42);
    CHECK_INT(bits, 8);
    r = get_req("status=1&outbox=9007199254740993");
    CHECK_INT(kannel_parse_dlr(&r, &id, &bits), HD_OK);
    CHECK_INT(id, 9007199254740993LL);
    CHECK_INT(bits, 1);
    r = post_req("", "outbox=5&status=16", "application/x-www-form-urlencoded");
    CHECK_INT(kannel_parse_dlr(&r, &id, &bits), HD_OK);
    CHECK_INT(id, 5);
    CHECK_INT(bits, 16);

    r = get_req("outbox=42&status=%25d");        /* Kannel left %d alone */
    CHECK_INT(kannel_parse_dlr(&r, &id, &bits), HD_EPARSE);
    CHECK_INT(id, 0);
    r = get_req("status=1");
    CHECK_INT(kannel_parse_dlr(&r, &id, &bits), HD_EPARSE);
    r = get_req("outbox=42");
    CHECK_INT(kannel_parse_dlr(&r, &id, &bits), HD_EPARSE);
    r = get_req("outbox=0&status=1");
    CHECK_INT(kannel_parse_dlr(&r, &id, &bits), HD_EPARSE);
    r = get_req("outbox=-4&status=1");
    CHECK_INT(kannel_parse_dlr(&r, &id, &bits), HD_EPARSE);
    r = get_req("outbox=4x&status=1");
    CHECK_INT(kannel_parse_dlr(&r, &id, &bits), HD_EPARSE);
    r = get_req("outbox=4&status=256");
    CHECK_INT(kannel_parse_dlr(&r, &id, &bits), HD_EPARSE);
    CHECK_INT(kannel_parse_dlr(NULL, &id, &bits), HD_EINVAL);

    CHECK_STR(kannel_dlr_name(1), "delivered");
    CHECK_STR(kannel_dlr_name(2), "undelivered");
    CHECK_STR(kannel_dlr_name(16), "smsc_rejected");
    CHECK_STR(kannel_dlr_name(3), "unknown");
}

/* ---- the adapter, sending to a stand-in sendsms ---- */

static tinyhttpd srv;

static void test_adapter_send(void)
{
    kannel_cfg c = CFG;
    chan_adapter *a = NULL;
    chan_send_result r;
    static chan_inbound in;
    char url[128], err[160];
    static const char text[] = "Bạn cần CCCD gắn chip";
    chan_outbound m = { 77, "84912345678", text, sizeof text - 1 };
    chan_request rq = get_req("from=0912345678&text=hi");
    th_seen s;

    CHECK_INT(httpc_global_init(), HD_OK);
    CHECK_INT(th_start(&srv), 0);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/cgi-bin/sendsms", srv.port);
    c.sendsms_url = url;
    CHECK_INT(kannel_adapter_new(&c, &a), HD_OK);
    url[0] = '\0';                       /* the adapter keeps its own copy */
    snprintf(url, sizeof url, "http://127.0.0.1:1/elsewhere");
    CHECK_STR(a->name, "sms");
    CHECK_INT(a->parse(a, &rq, &in, err, sizeof err), HD_OK);
    CHECK_STR(in.text, "hi");

    th_push(&srv, 202, NULL, "0: Accepted for delivery", 0, 0);
    th_push(&srv, 202, NULL, "3: Queued for later delivery", 0, 0);
    th_push(&srv, 403, NULL, "Authorization failed for sendsms", 0, 0);
    th_push(&srv, 503, "Retry-After: 7\r\n", "Temporal failure, try again later.", 0, 0);
    CHECK_INT(a->send(a, &m, &r), HD_OK);
    CHECK_INT(r.status, CHAN_SENT);
    CHECK_STR(r.provider_id, "");
    CHECK_INT(a->send(a, &m, &r), HD_OK);
    CHECK_INT(r.status, CHAN_SENT);
    CHECK_INT(a->send(a, &m, &r), HD_OK);
    CHECK_INT(r.status, CHAN_FAIL);
    CHECK(strstr(r.reason, "p&w") == NULL && strstr(r.reason, "CCCD") == NULL);
    CHECK_INT(a->send(a, &m, &r), HD_OK);
    CHECK_INT(r.status, CHAN_RETRY);
    CHECK_INT(r.retry_after_ms, 7000);

    CHECK_INT(th_count(&srv), 4);
    s = th_get(&srv, 0);
    CHECK_STR(s.method, "GET");
    CHECK(strncmp(s.path, "/cgi-bin/sendsms?username=bot&", 30) == 0);
    {
        const char *q = strchr(s.path, '?') + 1;
        char v[256];
        size_t n;

        CHECK_INT(form_get(q, strlen(q), "text", v, sizeof v, &n), HD_OK);
        CHECK_STR(v, text);
        CHECK_INT(form_get(q, strlen(q), "coding", v, sizeof v, &n), HD_OK);
        CHECK_STR(v, "2");
        CHECK_INT(form_get(q, strlen(q), "dlr-url", v, sizeof v, &n), HD_OK);
        CHECK_STR(v, "http://127.0.0.1:8080/webhooks/kannel/dlr?outbox=77&status=%d");
        /* sendsms takes everything in the query: no body, no form type */
        CHECK_INT(s.body_len, 0);
        CHECK_STR(th_header(&s, "Content-Type", v, sizeof v), "");
    }

    /* an address we cannot write: this contact is unreachable, nothing sent */
    m.address = "zalo-user-1";
    CHECK_INT(a->send(a, &m, &r), HD_OK);
    CHECK_INT(r.status, CHAN_UNREACHABLE);
    CHECK_INT(th_count(&srv), 4);
    a->destroy(a);
    th_stop(&srv);

    /* nobody listening: retry later */
    c.sendsms_url = "http://127.0.0.1:1/cgi-bin/sendsms";
    m.address = "0912345678";
    CHECK_INT(kannel_send(&c, &m, &r), HD_OK);
    CHECK_INT(r.status, CHAN_RETRY);
    CHECK(strstr(r.reason, "p&w") == NULL && strstr(r.reason, "password") == NULL);
    httpc_global_cleanup();
}

static void test_adapter_config(void)
{
    kannel_cfg c = CFG;
    chan_adapter *a = (chan_adapter *)&c;

    c.password = "";
    CHECK_INT(kannel_adapter_new(&c, &a), HD_ECONFIG);
    CHECK(a == NULL);
    /* Without a sendsms URL the adapter still parses inbound SMS; sending
     * says it is not configured and asks to retry (nothing is lost). */
    c = CFG;
    c.sendsms_url = NULL;
    c.user = c.password = NULL;
    CHECK_INT(kannel_adapter_new(&c, &a), HD_OK);
    if (a) {
        chan_outbound m = { .outbox_id = 1, .address = "84912345678", .text = "x", .text_len = 1 };
        chan_send_result r;
        CHECK_INT(a->send(a, &m, &r), HD_OK);
        CHECK_INT(r.status, CHAN_RETRY);
        CHECK(strstr(r.reason, "KANNEL_SENDSMS_URL") != NULL);
        a->destroy(a);
    }
    CHECK_INT(kannel_adapter_new(NULL, &a), HD_EINVAL);
}

TEST_MAIN(T(test_ucs2_vietnamese), T(test_ucs2_wins_over_charset), T(test_gsm_text),
          T(test_8bit_and_latin1), T(test_invalid_utf8_repaired), T(test_post_form_body),
          T(test_missing_fields), T(test_optional_fields), T(test_bad_coding),
          T(test_ucs2_odd_and_surrogates), T(test_overlong_texts), T(test_charset_helpers),
          T(test_url_vietnamese), T(test_url_plain_text), T(test_url_options_and_errors),
          T(test_map_answer), T(test_dlr), T(test_adapter_send), T(test_adapter_config))
