/* test_dialog_render.c -- replies per channel, every text of the flow
 * fitting an SMS of three GSM-7 parts, and the render cache giving what
 * rendering without it gives. */
#include "test.h"

#include "core/err.h"
#include "dialog/engine.h"
#include "dialog/render.h"

#include <stdarg.h>
#include <stdlib.h>

#define FULL_MAX_CHARS 700

static dlg_flow *F;

static void setup(void)
{
    char err[512] = "";

    if (!F && dlg_flow_load(test_messages_dir(), &F, err, sizeof err) != HD_OK) {
        printf("cannot load the flow: %s\n", err);
        exit(1);
    }
}

static dlg_reply make(const char *text, int n, ...)
{
    dlg_reply r;
    va_list ap;

    memset(&r, 0, sizeof r);
    snprintf(r.text, sizeof r.text, "%s", text);
    va_start(ap, n);
    for (int i = 0; i < n; i++)
        r.options[i] = va_arg(ap, const char *);
    va_end(ap);
    r.n_options = n;
    return r;
}

/* The ASCII characters GSM 03.38 has in its basic table. */
static int gsm7_basic(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        int ok = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
                 strchr(" \n\r!\"#$%&'()*+,-./:;<=>?@_", *p) != NULL;
        if (!ok)
            return 0;
    }
    return 1;
}

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static void channel_names(void)
{
    dlg_channel ch;

    CHECK_INT(dlg_channel_parse("sms", &ch), HD_OK);
    CHECK_INT(ch, DLG_CH_SMS);
    CHECK_INT(dlg_channel_parse("zalo", &ch), HD_OK);
    CHECK_INT(ch, DLG_CH_ZALO);
    CHECK_INT(dlg_channel_parse("console", &ch), HD_OK);
    CHECK_INT(ch, DLG_CH_CONSOLE);
    CHECK_INT(dlg_channel_parse("fax", &ch), HD_EINVAL);
    CHECK_INT(dlg_channel_parse("SMS ", &ch), HD_EINVAL);
    CHECK_STR(dlg_channel_name(DLG_CH_SMS), "sms");
    CHECK_STR(dlg_channel_name(DLG_CH_ZALO), "zalo");
    CHECK_STR(dlg_channel_name(DLG_CH_CONSOLE), "console");
}

static void full_form_numbers_options(void)
{
    dlg_reply r = make("Anh/chị làm theo được chưa?", 2, "Đã được", "Vẫn chưa được");
    char out[512];

    CHECK_INT(dlg_render(&r, DLG_CH_ZALO, out, sizeof out), HD_OK);
    CHECK_STR(out, "Anh/chị làm theo được chưa?\n1. Đã được\n2. Vẫn chưa được");
    CHECK_INT(dlg_render(&r, DLG_CH_CONSOLE, out, sizeof out), HD_OK);
    CHECK_STR(out, "Anh/chị làm theo được chưa?\n1. Đã được\n2. Vẫn chưa được");
    r = make("Xin chào", 0);
    CHECK_INT(dlg_render(&r, DLG_CH_ZALO, out, sizeof out), HD_OK);
    CHECK_STR(out, "Xin chào");
}

static void sms_unaccented(void)
{
    dlg_reply r = make("Đăng ký mức 2 ở Công an xã/phường", 2, "Đổi điện thoại", "Quên mật khẩu");
    char out[DLG_SMS_MAX + 1];

    CHECK_INT(dlg_render(&r, DLG_CH_SMS, out, sizeof out), HD_OK);
    CHECK_STR(out, "Dang ky muc 2 o Cong an xa/phuong\n1. Doi dien thoai\n2. Quen mat khau");
}

static void sms_replaces_non_gsm(void)
{
    dlg_reply r = make("Chọn “Ví giấy tờ” → [Tích hợp] {x} a~b 😀 ok…", 0);
    char out[DLG_SMS_MAX + 1];

    CHECK_INT(dlg_render(&r, DLG_CH_SMS, out, sizeof out), HD_OK);
    CHECK_MSG(gsm7_basic(out), "not GSM-7: %s", out);
    CHECK(strstr(out, "\"Vi giay to\"") != NULL);
    CHECK(strstr(out, "(Tich hop)") != NULL);
    CHECK(strstr(out, "ok...") != NULL);
    CHECK(strstr(out, "Chon") == out);
}

static void sms_too_long_is_cut(void)
{
    char big[1500];
    char out[2048];
    dlg_reply r;

    big[0] = '\0';
    while (strlen(big) + 16 < sizeof big)
        strcat(big, "được ");   /* 5 characters once unaccented: 800 in all */
    r = make(big, 0);
    CHECK_INT(dlg_render(&r, DLG_CH_SMS, out, sizeof out), HD_ETOOBIG);
    CHECK_INT(strlen(out), DLG_SMS_MAX);
    CHECK(gsm7_basic(out));
    /* a small buffer: cut, still a valid string */
    r = make("Xin chào anh/chị", 0);
    CHECK_INT(dlg_render(&r, DLG_CH_SMS, out, 5), HD_ETOOBIG);
    CHECK_STR(out, "Xin ");
    CHECK_INT(dlg_render(&r, DLG_CH_ZALO, out, 6), HD_ETOOBIG);
    CHECK_STR(out, "Xin c");
    CHECK_INT(dlg_render(&r, DLG_CH_ZALO, out, 8), HD_ETOOBIG);
    CHECK_STR(out, "Xin ch");   /* "à" does not fit whole: cut before it */
    CHECK_INT(dlg_render(NULL, DLG_CH_SMS, out, sizeof out), HD_EINVAL);
    CHECK_INT(dlg_render(&r, (dlg_channel)7, out, sizeof out), HD_EINVAL);
}

static void check_reply(const char *what, const dlg_reply *r)
{
    char out[4096];
    int rc;

    rc = dlg_render(r, DLG_CH_SMS, out, sizeof out);
    CHECK_MSG(rc == HD_OK, "%s: SMS render %d (%zu chars)", what, rc, strlen(out));
    CHECK_MSG(out[0] != '\0', "%s: empty SMS", what);
    CHECK_MSG(strlen(out) <= DLG_SMS_MAX, "%s: SMS of %zu chars", what, strlen(out));
    CHECK_MSG(gsm7_basic(out), "%s: SMS not pure GSM-7: %s", what, out);
    rc = dlg_render(r, DLG_CH_ZALO, out, sizeof out);
    CHECK_MSG(rc == HD_OK, "%s: Zalo render %d", what, rc);
    CHECK_MSG(utf8_chars(out) <= FULL_MAX_CHARS, "%s: %zu characters in full", what, utf8_chars(out));
}

/* Every reply the flow can build: each node as entered, each text alone. */
static void every_flow_text_fits_sms(void)
{
    setup();
    for (int i = 0; i < dlg_flow_node_count(F); i++) {
        dlg_reply r;
        char what[96];

        snprintf(what, sizeof what, "node %s", dlg_flow_node_id(F, i));
        CHECK_INT(dlg_node_reply(F, dlg_flow_node_id(F, i), &r), HD_OK);
        check_reply(what, &r);
    }
    for (int i = 0; i < dlg_flow_text_count(F); i++) {
        dlg_reply r = make(dlg_flow_text(F, dlg_flow_text_key(F, i)), 0);
        char what[96];

        snprintf(what, sizeof what, "text %s", dlg_flow_text_key(F, i));
        check_reply(what, &r);
    }
}

/* Through one cache, twice over, every node and text of the flow (more than
 * the cache has slots: entries are replaced), at two sizes of output, in
 * every channel: each answer (code and text) is what dlg_render() gives. */
static void cache_gives_what_render_gives(void)
{
    dlg_render_cache *c = NULL;
    static char want[4096], got[4096];
    const size_t caps[] = { sizeof want, 40 };
    int n = 0;

    setup();
    CHECK_INT(dlg_render_cache_new(&c), HD_OK);
    for (int round = 0; round < 2; round++)
        for (int i = 0; i < dlg_flow_text_count(F); i++)
            for (int k = 0; k < 2; k++)
                for (int ch = DLG_CH_CONSOLE; ch <= DLG_CH_SMS; ch++) {
                    dlg_reply r = make(dlg_flow_text(F, dlg_flow_text_key(F, i)), 1, "Có");
                    int want_rc = dlg_render(&r, (dlg_channel)ch, want, caps[k]);
                    int got_rc = dlg_render_cached(c, &r, (dlg_channel)ch, got, caps[k]);

                    CHECK_MSG(want_rc == got_rc && strcmp(want, got) == 0,
                              "%s, channel %d, cap %zu: %d '%s' instead of %d '%s'",
                              dlg_flow_text_key(F, i), ch, caps[k], got_rc, got, want_rc, want);
                    n++;
                }
    CHECK(n > 2 * 64);
    dlg_render_cache_free(c);
}

TEST_MAIN(T(channel_names), T(full_form_numbers_options), T(sms_unaccented), T(sms_replaces_non_gsm),
          T(sms_too_long_is_cut), T(every_flow_text_fits_sms), T(cache_gives_what_render_gives))
