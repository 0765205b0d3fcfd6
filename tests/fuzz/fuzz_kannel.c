/* fuzz_kannel.c -- Kannel's inbound webhook and our delivery-report URL.
 *
 * Input: first line "METHOD[ content-type]" (no content type: NULL), second
 * line the raw query, the rest the raw body:
 *
 *   POST application/x-www-form-urlencoded
 *   coding=2
 *   from=%2B84912345678&text=%00A%00B
 *
 * Both kannel_parse_inbound and kannel_parse_dlr read the same request, and
 * the body also stands for sendsms's answer (kannel_map_answer). */
#include "fuzz.h"

#include "channel/charset.h"
#include "channel/kannel.h"
#include "core/err.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

static void fkan_check_inbound(const chan_inbound *in)
{
    FZ_CHECK(in->text_len < sizeof in->text);
    FZ_CHECK(in->text[in->text_len] == '\0');
    FZ_CHECK(strlen(in->text) == in->text_len);
    FZ_CHECK(fz_utf8_ok(in->text, in->text_len));
    FZ_CHECK(in->event == (in->text_len ? CHAN_EV_TEXT : CHAN_EV_OTHER));
    /* the sender is always the canonical 84 + nine digits */
    FZ_CHECK(strlen(in->address) == 11 && strncmp(in->address, "84", 2) == 0);
    for (size_t i = 0; i < 11; i++)
        FZ_CHECK(in->address[i] >= '0' && in->address[i] <= '9');
    FZ_CHECK(memchr(in->external_id, '\0', sizeof in->external_id) != NULL);
    for (const char *p = in->external_id; *p; p++)
        FZ_CHECK(*p > 0x20 && *p < 0x7F);
    FZ_CHECK(memchr(in->kind, '\0', sizeof in->kind) != NULL);
    FZ_CHECK(strncmp(in->kind, "sms", 3) == 0);
    FZ_CHECK(in->ts_ms >= 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *line, *rest, *q, *body;
    size_t line_len, rest_len, q_len, body_len;
    char *head, *ct, err[256];
    chan_request req;
    chan_inbound *in;
    int64_t outbox_id = 0;
    int rc, bits = 0;

    fz_split_line(data, size, &line, &line_len, &rest, &rest_len);
    fz_split_line(rest, rest_len, &q, &q_len, &body, &body_len);
    head = fz_cstr(line, line_len);
    ct = strchr(head, ' ');
    if (ct)
        *ct++ = '\0';

    memset(&req, 0, sizeof req);
    req.method = head;
    /* exact-size copies, so that a read past a length is an ASan report */
    req.query = q_len ? memcpy(malloc(q_len), q, q_len) : "";
    req.query_len = q_len;
    req.body = body_len ? memcpy(malloc(body_len), body, body_len) : NULL;
    req.body_len = body_len;
    req.content_type = ct;

    in = malloc(sizeof *in);
    FZ_CHECK(in != NULL);
    memset(in, 0xA5, sizeof *in);
    err[0] = '\0';
    rc = kannel_parse_inbound(&req, in, err, sizeof err);
    if (rc == HD_OK) {
        fkan_check_inbound(in);
    } else {
        FZ_CHECK(rc < 0);
        FZ_CHECK(memchr(err, '\0', sizeof err) != NULL && err[0] != '\0');
        FZ_CHECK(in->text[0] == '\0' && in->address[0] == '\0');
    }

    rc = kannel_parse_dlr(&req, &outbox_id, &bits);
    if (rc == HD_OK) {
        FZ_CHECK(outbox_id > 0);
        FZ_CHECK(bits >= 0 && bits <= 255);
        FZ_CHECK(kannel_dlr_name(bits) != NULL);
    } else {
        FZ_CHECK(rc == HD_EPARSE || rc == HD_EINVAL);
        FZ_CHECK(outbox_id == 0 || rc == HD_EINVAL);
    }

    /* the body as sendsms's answer, under some HTTP status */
    {
        char *answer = fz_cstr(body, body_len);
        chan_send_result res;
        long status = 100 + (long)((q_len * 31 + body_len) % 500);

        memset(&res, 0xA5, sizeof res);
        FZ_CHECK(kannel_map_answer(status, answer, HD_OK, &res) == HD_OK);
        FZ_CHECK(res.status == CHAN_SENT || res.status == CHAN_RETRY || res.status == CHAN_FAIL);
        FZ_CHECK(res.retry_after_ms == 0 && res.provider_id[0] == '\0');
        FZ_CHECK(memchr(res.reason, '\0', sizeof res.reason) != NULL && res.reason[0]);
        for (const char *p = res.reason; *p; p++)    /* safe for a log line */
            FZ_CHECK(*p >= 0x20 && *p < 0x7F);
        free(answer);
    }

    free(in);
    if (q_len)
        free((void *)req.query);
    free((void *)req.body);
    free(head);
    return 0;
}
