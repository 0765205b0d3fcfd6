/* fuzz_zalo.c -- the Zalo webhook: signature check and event parsing.
 *
 * Input: first line "<cfg><form>[header]", the rest the JSON body.
 *   cfg  (byte % 4): 0 default (app_id + OA secret), 1 sig_key "any",
 *                    2 sig_variant "oa_id", 3 sig_variant "any";
 *   form (byte % 4): which recipe the harness signs with, among the ones
 *                    the cfg allows;
 *   header: when present, sent verbatim as X-ZEvent-Signature; when absent
 *           the harness signs the body itself, so that the fuzzer gets past
 *           the signature into the event parser. A body signed right must
 *           never be refused as unauthorised.
 * The last bytes also stand for Zalo's answer to a send (HTTP status and
 * "error" code, for zalo_map_error). */
#include "fuzz.h"

#include "channel/zalo.h"
#include "core/err.h"

#include <cjson/cJSON.h>
#include <math.h>

#define FZAL_APP_ID     "1234567890123456789"
#define FZAL_OA_SECRET  "oa-secret-for-fuzzing"
#define FZAL_APP_SECRET "app-secret-for-fuzzing"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

/* The harness's own reading of an id, as zalo.c documents it: a string of
 * [0-9A-Za-z_.-], or a whole number below 2^53. */
static int fzal_id(const cJSON *it, char *out, size_t cap)
{
    out[0] = '\0';
    if (cJSON_IsString(it)) {
        size_t n = strlen(it->valuestring);
        if (n == 0 || n >= cap)
            return -1;
        for (size_t i = 0; i < n; i++) {
            char c = it->valuestring[i];
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                  c == '_' || c == '-' || c == '.'))
                return -1;
        }
        memcpy(out, it->valuestring, n + 1);
        return 0;
    }
    if (cJSON_IsNumber(it)) {
        double v = it->valuedouble;
        if (v < 0 || v >= 9007199254740992.0 || v != floor(v))
            return -1;
        snprintf(out, cap, "%.0f", v);
        return 0;
    }
    return -1;
}

static void fzal_cfg(int which, zalo_cfg *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->app_id = FZAL_APP_ID;
    cfg->oa_secret = FZAL_OA_SECRET;
    cfg->app_secret = FZAL_APP_SECRET;
    switch (which) {
    case 1: cfg->sig_key = "any"; break;
    case 2: cfg->sig_variant = "oa_id"; break;
    case 3: cfg->sig_variant = "any"; break;
    default: break;
    }
}

/* A form the cfg allows, picked by pick. */
static zalo_sig_form fzal_form(int which, int pick)
{
    static const zalo_sig_form all[4] = {
        ZALO_SIG_APPID_OASECRET, ZALO_SIG_APPID_APPSECRET,
        ZALO_SIG_OAID_OASECRET, ZALO_SIG_OAID_APPSECRET
    };
    switch (which) {
    case 1: return all[pick % 2];
    case 2: return ZALO_SIG_OAID_OASECRET;
    case 3: return all[pick % 4];
    default: return ZALO_SIG_APPID_OASECRET;
    }
}

static void fzal_check_inbound(const chan_inbound *in)
{
    size_t cut;

    FZ_CHECK(in->text_len < sizeof in->text);
    FZ_CHECK(strlen(in->text) == in->text_len);
    FZ_CHECK(fz_utf8_ok(in->text, in->text_len));
    FZ_CHECK(memchr(in->address, '\0', sizeof in->address) != NULL);
    FZ_CHECK(memchr(in->external_id, '\0', sizeof in->external_id) != NULL);
    FZ_CHECK(memchr(in->kind, '\0', sizeof in->kind) != NULL);
    FZ_CHECK(in->event >= CHAN_EV_TEXT && in->event <= CHAN_EV_IGNORE);
    if (in->event != CHAN_EV_IGNORE) {
        FZ_CHECK(in->address[0] != '\0');      /* somebody to answer */
        FZ_CHECK(in->external_id[0] != '\0');  /* a key to drop retries */
    }
    if (in->event != CHAN_EV_TEXT)
        FZ_CHECK(in->text_len == 0);
    cut = zalo_text_cut(in->text, in->text_len, 7);
    FZ_CHECK(cut <= in->text_len);
    FZ_CHECK(cut == in->text_len || ((unsigned char)in->text[cut] & 0xC0) != 0x80);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *line, *body;
    size_t line_len, body_len;
    char header[80 + 64], hex[65], ts[32], oa_id[CHAN_ADDRESS_MAX], err[256];
    char *hdr = NULL, *copy;
    int which = 0, pick = 0, signed_here = 0, rc;
    zalo_cfg cfg;
    zalo_sig_form form = ZALO_SIG_NONE, matched;
    chan_request req;
    chan_inbound *in;
    cJSON *root;

    fz_split_line(data, size, &line, &line_len, &body, &body_len);
    if (line_len > 0)
        which = line[0] % 4;
    if (line_len > 1)
        pick = line[1] % 4;
    fzal_cfg(which, &cfg);
    /* exact-size copy: a read past body_len is an ASan report */
    copy = malloc(body_len ? body_len : 1);
    FZ_CHECK(copy != NULL);
    if (body_len)
        memcpy(copy, body, body_len);

    if (line_len > 2) {
        hdr = fz_cstr(line + 2, line_len - 2);
    } else {
        /* sign it the way the parser will check it */
        root = cJSON_ParseWithLength(copy, body_len);
        ts[0] = oa_id[0] = '\0';
        if (cJSON_IsObject(root) &&
            fzal_id(cJSON_GetObjectItemCaseSensitive(root, "timestamp"), ts, sizeof ts) == 0) {
            const cJSON *r = cJSON_GetObjectItemCaseSensitive(root, "recipient");
            if (fzal_id(cJSON_GetObjectItemCaseSensitive(r, "id"), oa_id, sizeof oa_id) != 0 &&
                fzal_id(cJSON_GetObjectItemCaseSensitive(root, "oa_id"), oa_id, sizeof oa_id) != 0)
                oa_id[0] = '\0';
            form = fzal_form(which, pick);
            int oaid = form == ZALO_SIG_OAID_OASECRET || form == ZALO_SIG_OAID_APPSECRET;
            int appkey = form == ZALO_SIG_APPID_APPSECRET || form == ZALO_SIG_OAID_APPSECRET;
            if (!oaid || oa_id[0]) {
                FZ_CHECK(zalo_sig_compute(oaid ? oa_id : FZAL_APP_ID, copy, body_len, ts,
                                          appkey ? FZAL_APP_SECRET : FZAL_OA_SECRET,
                                          hex) == HD_OK);
                /* Zalo's spelling, with the blanks a proxy may add */
                snprintf(header, sizeof header, "%smac=%s%s", pick & 1 ? " " : "", hex,
                         pick & 2 ? " \r\n" : "");
                hdr = strdup(header);
                signed_here = 1;
            }
        }
        cJSON_Delete(root);
        if (!hdr)
            hdr = strdup("mac=0000000000000000000000000000000000000000000000000000000000000000");
    }

    memset(&req, 0, sizeof req);
    req.method = "POST";
    req.query = "";
    req.body = body_len ? copy : NULL;
    req.body_len = body_len;
    req.content_type = "application/json";
    req.signature = hdr;

    in = malloc(sizeof *in);
    FZ_CHECK(in != NULL);
    memset(in, 0xA5, sizeof *in);
    err[0] = '\0';
    matched = ZALO_SIG_NONE;
    rc = zalo_parse(&cfg, &req, in, &matched, err, sizeof err);
    if (rc == HD_OK) {
        FZ_CHECK(matched != ZALO_SIG_NONE);
        FZ_CHECK(strcmp(zalo_sig_form_name(matched), "none") != 0);
        fzal_check_inbound(in);
    } else {
        FZ_CHECK(rc == HD_EPARSE || rc == HD_EAUTH);
        FZ_CHECK(err[0] != '\0');
        /* nothing half-parsed leaves the parser */
        FZ_CHECK(in->text[0] == '\0' && in->address[0] == '\0' && in->external_id[0] == '\0');
        if (signed_here && body_len <= ZALO_BODY_MAX)
            FZ_CHECK(rc != HD_EAUTH);
    }
    if (signed_here && rc == HD_OK)
        FZ_CHECK(matched == form || which == 3 || which == 1);

    /* the header parser on its own, against any body */
    rc = zalo_sig_verify(&cfg, hdr, copy, body_len, "1700000000000", "579745863508352884", &matched);
    FZ_CHECK(rc == HD_OK || rc == HD_EAUTH);
    FZ_CHECK((rc == HD_OK) == (matched != ZALO_SIG_NONE));

    if (size >= 8) {
        chan_send_result res;
        const uint8_t *t = data + size - 8;
        long status = (long)(t[0] << 8 | t[1]) % 700;
        int code = (int)((uint32_t)t[2] << 24 | (uint32_t)t[3] << 16 | (uint32_t)t[4] << 8 | t[5]);
        /* a clock between 2001 and 2071, at odd milliseconds */
        int64_t now = 1000000000000LL + (int64_t)(t[6] << 8 | t[7]) * 33570001LL;

        if (t[2] & 1)
            code = -(code & 0x3FF);           /* mostly Zalo's small negative codes */
        memset(&res, 0xA5, sizeof res);
        rc = zalo_map_error(status, code, HD_OK, now, &res);
        FZ_CHECK(rc == HD_OK || (rc == HD_EAUTH && res.status == CHAN_RETRY));
        FZ_CHECK(res.status >= CHAN_SENT && res.status <= CHAN_UNREACHABLE);
        FZ_CHECK(res.retry_after_ms >= 0 && res.retry_after_ms <= 86400000LL);
        if (code == -234 && res.status == CHAN_RETRY && status >= 200 && status < 300)
            FZ_CHECK(res.retry_after_ms > 0);
        FZ_CHECK(memchr(res.reason, '\0', sizeof res.reason) != NULL && res.reason[0]);
        FZ_CHECK(zalo_next_morning_ms(now) > now &&
                 zalo_next_morning_ms(now) - now <= 86400000LL);
    }

    free(in);
    free(hdr);
    free(copy);
    return 0;
}
