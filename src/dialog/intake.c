/* intake.c -- collect a case for the commune police, one question a message.
 *
 *   name -> ID number -> commune (-> province) -> callback phone ->
 *   description -> confirmation -> "case_open"
 *
 * Each answer is checked here and, when refused, the citizen is told what is
 * wrong and asked again (the step does not move; fails[step] counts). The ID
 * number leaves the engine once, as the argument of "intake_id"; the state
 * keeps only its mask. What ends the intake early (cancel and opt-out words)
 * is decided in engine.c before an answer gets here. */
#include "intake_int.h"

#include "channel/phone.h"
#include "core/err.h"
#include "dialog/render.h"
#include "pii/idnum.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <utf8proc.h>

#define NAME_WORDS_MIN   2
#define NAME_WORDS_MAX   8
#define NAME_FAILS_TAKE  2     /* after this many refusals any text is the name */
#define DESC_FAILS_TAKE  2     /* ... and any text the description */
#define SUMMARY_DESC     120   /* characters of the description in the summary */

void dlg_action_add(dlg_result *r, const char *name, const char *arg)
{
    if (r->n_actions >= DLG_ACTIONS_MAX)
        return;   /* cannot happen with the flow's shapes: at most 3 per step */
    snprintf(r->actions[r->n_actions].name, sizeof r->actions[0].name, "%s", name);
    snprintf(r->actions[r->n_actions].arg, sizeof r->actions[0].arg, "%s", arg);
    r->n_actions++;
}

int dlg_number(const char *s, int *n)
{
    size_t len = strlen(s);

    if (len < 1 || len > 2 || s[0] < '0' || s[0] > '9' || (len == 2 && (s[1] < '0' || s[1] > '9')))
        return 0;
    *n = s[0] - '0';
    if (len == 2)
        *n = *n * 10 + (s[1] - '0');
    return 1;
}

void dlg_intake_clear(dlg_intake *in)
{
    memset(in, 0, sizeof *in);
}

/* The case kinds of the police queues; every other reason is "other". */
static const char *kind_of(const char *reason)
{
    if (strcmp(reason, "device_change") == 0 || strcmp(reason, "phone_change") == 0)
        return reason;
    return "other";
}

static const char *text_of(const dlg_turn *s, const char *key)
{
    const char *t = dlg_flow_text(s->f, key);

    return t ? t : key;   /* required at load: never reached */
}

/* The key of the text worded for this escalation reason ("<key>_<reason>",
 * e.g. intake_ask_desc_scam_report) if messages/ has one, else key. */
static const char *reason_key(const dlg_turn *s, const char *key, const char *reason,
                              char *buf, size_t cap)
{
    if ((size_t)snprintf(buf, cap, "%s_%s", key, reason) < cap && dlg_flow_text(s->f, buf))
        return buf;
    return key;
}

/* Whether the case needs the citizen's ID number. A scam report does not:
 * the citizen has just been told that nobody may ask for their details. */
static int needs_id(const char *reason)
{
    return strcmp(reason, "scam_report") != 0;
}

dlg_reply *dlg_intake_say(dlg_turn *s, const char *key, const char *const *kv)
{
    dlg_result *r = s->out;
    dlg_reply *rp;

    if (r->n_replies >= DLG_REPLIES_MAX)
        return NULL;
    rp = &r->replies[r->n_replies++];
    memset(rp, 0, sizeof *rp);
    dlg_template_fill(text_of(s, key), kv, rp->text, sizeof rp->text);
    return rp;
}

void dlg_intake_begin(dlg_turn *s, const char *reason, dlg_reply *rp)
{
    dlg_intake *in = &s->out->state.intake;
    char key[96];

    if (s->env->open_case_id > 0) {
        char num[24], buf[DLG_TEXT_MAX];
        const char *kv[] = { "case_id", num, NULL };

        snprintf(num, sizeof num, "%" PRId64, s->env->open_case_id);
        dlg_template_fill(text_of(s, "case_appended"), kv, buf, sizeof buf);
        dlg_append(rp->text, sizeof rp->text, "\n", buf);
        dlg_action_add(s->out, "case_append", reason);
        return;
    }
    dlg_intake_clear(in);
    in->step = DLG_INTAKE_NAME;
    snprintf(in->kind, sizeof in->kind, "%s", kind_of(reason));
    snprintf(in->reason, sizeof in->reason, "%s", reason);
    dlg_append(rp->text, sizeof rp->text, "\n",
               text_of(s, reason_key(s, "intake_start", reason, key, sizeof key)));
}

/* The SMS contact's own number, national form, if there is one. */
static int own_phone(const dlg_turn *s, char *out, size_t cap)
{
    const char *p = s->env->contact_phone;

    return p && phone_format_national(p, out, cap) == HD_OK && strlen(out) <= DLG_PHONE_MAX;
}

/* A landline for the callback (for those without a mobile): since 2017 a
 * fixed number is 0, an area code beginning with 2, and the subscriber, 11
 * digits in all; also written +84 / 84 / 0084 without the 0, with the
 * separators people use. Into out in national form; 0 if it is none. */
static int landline(const char *in, char *out, size_t cap)
{
    char d[24];
    const char *rest;
    size_t n = 0;

    for (const char *p = in; *p; p++) {
        if (*p >= '0' && *p <= '9') {
            if (n + 1 >= sizeof d)
                return 0;
            d[n++] = *p;
        } else if (!(*p == '+' && n == 0 && p == in) && !strchr(" .-()", *p)) {
            return 0;
        }
    }
    d[n] = '\0';
    if (strncmp(d, "0084", 4) == 0)
        rest = d + 4;
    else if (strncmp(d, "84", 2) == 0)
        rest = d + 2;
    else if (d[0] == '0')
        rest = d + 1;
    else
        return 0;
    n = strlen(rest);
    if (rest[0] != '2' || n != 10 || n + 2 > cap)
        return 0;
    out[0] = '0';
    memcpy(out + 1, rest, n + 1);
    return 1;
}

/* Keep a national-form number as the callback phone; 0 if it is no such. */
static int set_phone(dlg_intake *in, const char *nat)
{
    size_t n = strlen(nat);

    if (n >= sizeof in->phone)
        return 0;
    memcpy(in->phone, nat, n + 1);
    return 1;
}

static void summary(dlg_turn *s)
{
    const dlg_intake *in = &s->out->state.intake;
    char place[256], unit[256], desc[DLG_DESC_MAX + 8];
    dlg_reply *rp;
    size_t n;
    /* Without a number (a scam report) there is no line to show for it. */
    const char *key = in->id_mask[0] ? "intake_confirm" : "intake_confirm_no_id";

    dlg_intake_place_names(s, place, sizeof place, unit, sizeof unit);
    n = dlg_clean_line(in->desc, desc, sizeof desc, SUMMARY_DESC);
    if (n < strlen(in->desc))
        dlg_append(desc, sizeof desc, NULL, "...");
    {
        const char *kv[] = {
            "name", in->name, "id", in->id_mask, "place", place, "phone", in->phone,
            "desc", desc, NULL
        };
        rp = dlg_intake_say(s, key, kv);
    }
    if (!rp)
        return;
    rp->options[0] = text_of(s, "intake_opt_send");
    rp->options[1] = text_of(s, "intake_opt_redo");
    rp->n_options = 2;
}

void dlg_intake_ask(dlg_turn *s, dlg_intake_step step)
{
    dlg_intake *in = &s->out->state.intake;
    char own[PHONE_MAX], key[96];

    if (step == DLG_INTAKE_COMMUNE && !s->env->geo)
        step = DLG_INTAKE_PHONE;   /* no directory: nothing to look a commune up in */
    in->step = step;
    in->n_cands = 0;
    memset(in->cands, 0, sizeof in->cands);
    switch (step) {
    case DLG_INTAKE_IDNUM:
        dlg_intake_say(s, "intake_ask_id", NULL);
        break;
    case DLG_INTAKE_COMMUNE:
        dlg_intake_say(s, "intake_ask_commune", NULL);
        break;
    case DLG_INTAKE_PROVINCE:
        dlg_intake_say(s, "intake_ask_province", NULL);
        break;
    case DLG_INTAKE_PHONE:
        if (own_phone(s, own, sizeof own)) {
            const char *kv[] = { "phone", own, NULL };
            dlg_intake_say(s, "intake_ask_phone_sms", kv);
        } else {
            dlg_intake_say(s, "intake_ask_phone", NULL);
        }
        break;
    case DLG_INTAKE_DESC:
        dlg_intake_say(s, reason_key(s, "intake_ask_desc", in->reason, key, sizeof key), NULL);
        break;
    case DLG_INTAKE_CONFIRM:
        summary(s);
        break;
    default:   /* NAME is asked by intake_start / intake_redo */
        dlg_intake_say(s, "intake_redo", NULL);
        break;
    }
}

/* ---- name ---- */

/* Letters (any script, with their marks), spaces and . - ' only; 2 to 8
 * words. A message the classifier understands, or a yes/no, is no name. */
static int name_ok(const dlg_turn *s, const char *name)
{
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)name;
    utf8proc_ssize_t left = (utf8proc_ssize_t)strlen(name);
    int words = 0, letters = 0, in_word = 0;

    if (s->intent != NLU_UNKNOWN || dlg_words_exact(&s->f->words[DLG_W_YES], s->t->folded) ||
        dlg_words_exact(&s->f->words[DLG_W_NO], s->t->folded))
        return 0;
    while (left > 0) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(p, left, &cp);
        utf8proc_category_t cat;

        if (k <= 0)
            return 0;
        p += k;
        left -= k;
        if (cp == ' ') {
            in_word = 0;
            continue;
        }
        cat = utf8proc_category(cp);
        if (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) {
            letters++;
            words += !in_word;
            in_word = 1;
        } else if (!(cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME) &&
                   cp != '.' && cp != '-' && cp != '\'') {
            return 0;
        }
    }
    return letters >= 2 && words >= NAME_WORDS_MIN && words <= NAME_WORDS_MAX;
}

static void name_answer(dlg_turn *s)
{
    dlg_intake *in = &s->out->state.intake;
    char name[DLG_NAME_MAX];

    dlg_clean_line(s->t->nfc, name, sizeof name, DLG_NAME_CHARS);
    dlg_mask_idnums(name);
    /* After two refusals the officer can sort the name out better than a
     * third "please type your name" can. */
    if (name[0] && (name_ok(s, name) || in->fails[DLG_INTAKE_NAME] >= NAME_FAILS_TAKE)) {
        memcpy(in->name, name, strlen(name) + 1);
        dlg_intake_ask(s, needs_id(in->reason) ? DLG_INTAKE_IDNUM : DLG_INTAKE_COMMUNE);
        return;
    }
    in->fails[DLG_INTAKE_NAME]++;
    dlg_intake_say(s, "intake_name_bad", NULL);
}

/* ---- ID number ---- */

static void idnum_accept(dlg_turn *s, const char *digits)
{
    dlg_intake *in = &s->out->state.intake;

    idnum_mask(digits, in->id_mask, sizeof in->id_mask);
    in->id_recheck = 0;
    dlg_action_add(s->out, "intake_id", digits);
    dlg_intake_ask(s, DLG_INTAKE_COMMUNE);
}

static void idnum_answer(dlg_turn *s)
{
    dlg_intake *in = &s->out->state.intake;
    int year = s->env->current_year >= 1900 && s->env->current_year <= 9999
             ? s->env->current_year : 9999;   /* unknown year: no age check */
    char mask[DLG_IDMASK_MAX], val[16];
    idnum_info info;
    const char *kv[] = { NULL, val, NULL };
    int rc = idnum_check(s->t->nfc, s->t->nfc_len, year, &info);

    if (rc == IDNUM_BAD_PROVINCE && in->id_recheck &&
        idnum_mask(info.digits, mask, sizeof mask) == HD_OK && strcmp(mask, in->id_mask) == 0) {
        /* The same number again: registered abroad, as the citizen says.
         * The rest of it can still be checked as if the code were known. */
        char alt[IDNUM_DIGITS + 1];
        idnum_info rest;

        memcpy(alt, "001", 3);
        memcpy(alt + 3, info.digits + 3, IDNUM_DIGITS - 3 + 1);
        rc = idnum_check(alt, IDNUM_DIGITS, year, &rest);
        if (rc == HD_OK) {
            idnum_accept(s, info.digits);
            return;
        }
        info.birth_year = rest.birth_year;
    }
    if (rc == HD_OK) {
        idnum_accept(s, info.digits);
        return;
    }
    in->fails[DLG_INTAKE_IDNUM]++;
    in->id_recheck = 0;
    in->id_mask[0] = '\0';
    switch (rc) {
    case IDNUM_BAD_LENGTH:
        if (info.ndigits == 9) {
            dlg_intake_say(s, "intake_id_cmnd", NULL);
            return;
        }
        if (info.ndigits == 0)
            break;
        kv[0] = "n";
        snprintf(val, sizeof val, "%d", info.ndigits > 99 ? 99 : info.ndigits);
        dlg_intake_say(s, "intake_id_bad_length", kv);
        return;
    case IDNUM_BAD_PROVINCE:
        /* Remember the mask only: a re-send of the same number is taken. */
        idnum_mask(info.digits, in->id_mask, sizeof in->id_mask);
        in->id_recheck = 1;
        kv[0] = "prefix";
        snprintf(val, sizeof val, "%.3s", info.digits);
        dlg_intake_say(s, "intake_id_bad_province", kv);
        return;
    case IDNUM_BAD_CENTURY:
        kv[0] = "digit";
        snprintf(val, sizeof val, "%c", info.digits[3]);
        dlg_intake_say(s, "intake_id_bad_century", kv);
        return;
    case IDNUM_FUTURE_BIRTH:
        kv[0] = "year";
        snprintf(val, sizeof val, "%d", info.birth_year);
        dlg_intake_say(s, "intake_id_future_birth", kv);
        return;
    case IDNUM_TOO_YOUNG:
        kv[0] = "year";
        snprintf(val, sizeof val, "%d", info.birth_year);
        dlg_intake_say(s, "intake_id_too_young", kv);
        return;
    default:
        break;
    }
    dlg_intake_say(s, "intake_id_not_digits", NULL);
}

/* ---- phone, description, confirmation ---- */

static void phone_answer(dlg_turn *s)
{
    dlg_intake *in = &s->out->state.intake;
    const char *folded = s->t->folded;
    char own[PHONE_MAX], canon[PHONE_MAX], nat[PHONE_MAX];
    int has_own = own_phone(s, own, sizeof own);

    if (has_own && (strcmp(folded, "1") == 0 || dlg_words_exact(&s->f->words[DLG_W_YES], folded)) &&
        set_phone(in, own)) {
        dlg_intake_ask(s, DLG_INTAKE_DESC);
        return;
    }
    if (((phone_normalize(s->t->nfc, s->t->nfc_len, canon, sizeof canon) == HD_OK &&
          phone_format_national(canon, nat, sizeof nat) == HD_OK) ||
         landline(s->t->nfc, nat, sizeof nat)) && set_phone(in, nat)) {
        dlg_intake_ask(s, DLG_INTAKE_DESC);
        return;
    }
    in->fails[DLG_INTAKE_PHONE]++;
    if (has_own) {
        const char *kv[] = { "phone", own, NULL };
        dlg_intake_say(s, "intake_phone_bad_sms", kv);
    } else {
        dlg_intake_say(s, "intake_phone_bad", NULL);
    }
}

/* Does the text hold a letter (of any script)? "1", "?" or "..." tells the
 * officer nothing: most likely a menu choice or a slip. */
static int has_letter(const char *text)
{
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)text;
    utf8proc_ssize_t left = (utf8proc_ssize_t)strlen(text);

    while (left > 0) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(p, left, &cp);
        utf8proc_category_t cat;

        if (k <= 0)
            return 0;
        cat = utf8proc_category(cp);
        if (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO)
            return 1;
        p += k;
        left -= k;
    }
    return 0;
}

static void desc_answer(dlg_turn *s)
{
    dlg_intake *in = &s->out->state.intake;
    char desc[DLG_DESC_MAX];

    /* After two refusals whatever comes is kept: the officer asks anyway. */
    if (dlg_clean_line(s->t->nfc, desc, sizeof desc, DLG_DESC_CHARS) == 0 ||
        (!has_letter(desc) && in->fails[DLG_INTAKE_DESC] < DESC_FAILS_TAKE)) {
        in->fails[DLG_INTAKE_DESC]++;
        dlg_intake_say(s, "intake_desc_empty", NULL);
        return;
    }
    memcpy(in->desc, desc, strlen(desc) + 1);
    dlg_mask_idnums(in->desc);
    dlg_intake_ask(s, DLG_INTAKE_CONFIRM);
}

static void open_case(dlg_turn *s)
{
    dlg_result *r = s->out;
    dlg_intake *in = &r->state.intake;
    char place[256], unit[256];

    dlg_intake_place_names(s, place, sizeof place, unit, sizeof unit);
    dlg_action_add(r, "case_open", in->kind);
    dlg_action_add(r, "case_reason", in->reason);
    {
        const char *kv[] = { "commune", unit, "phone", in->phone, NULL };
        dlg_intake_say(s, "case_created", kv);   /* "{case_id}" stays for the edge */
    }
    r->intake = *in;
    r->intake.step = DLG_INTAKE_NONE;
    dlg_intake_clear(in);
    /* What the citizen writes next is added to the case: "noted". */
    snprintf(r->state.node, sizeof r->state.node, "%s", s->f->nodes[s->f->noted].id);
    r->state.topic[0] = '\0';
    r->state.tries = 0;
}

static void confirm_answer(dlg_turn *s)
{
    dlg_intake *in = &s->out->state.intake;
    const char *folded = s->t->folded;
    const dlg_words *w = s->f->words;

    if (strcmp(folded, "1") == 0 || dlg_words_exact(&w[DLG_W_YES], folded) ||
        dlg_words_exact(&w[DLG_W_CONFIRM_SEND], folded)) {
        open_case(s);
        return;
    }
    if (strcmp(folded, "2") == 0 || dlg_words_exact(&w[DLG_W_NO], folded) ||
        dlg_words_exact(&w[DLG_W_CONFIRM_REDO], folded)) {
        char kind[sizeof in->kind], reason[sizeof in->reason];

        memcpy(kind, in->kind, sizeof kind);
        memcpy(reason, in->reason, sizeof reason);
        dlg_intake_clear(in);
        memcpy(in->kind, kind, sizeof kind);
        memcpy(in->reason, reason, sizeof reason);
        in->step = DLG_INTAKE_NAME;
        dlg_intake_say(s, "intake_redo", NULL);
        return;
    }
    /* The summary is right above: say only how to answer it. */
    in->fails[DLG_INTAKE_CONFIRM]++;
    dlg_intake_say(s, "intake_confirm_retry", NULL);
}

void dlg_intake_answer(dlg_turn *s)
{
    dlg_result *r = s->out;
    const char *reason = r->state.intake.reason;

    /* An answer is no question: no help request; counted under the case's
     * reason like a digit is under its topic. */
    r->help = DLG_HELP_NONE;
    if (nlu_intent_valid(reason)) {
        r->nlu.intent = nlu_intent_from_id(reason);
        r->nlu.score = 1.0;
    }
    switch (r->state.intake.step) {
    case DLG_INTAKE_NAME:     name_answer(s); break;
    case DLG_INTAKE_IDNUM:    idnum_answer(s); break;
    case DLG_INTAKE_COMMUNE:
    case DLG_INTAKE_PROVINCE: dlg_intake_place(s); break;
    case DLG_INTAKE_PHONE:    phone_answer(s); break;
    case DLG_INTAKE_DESC:     desc_answer(s); break;
    case DLG_INTAKE_CONFIRM:  confirm_answer(s); break;
    default:                  break;
    }
    if (r->n_replies == 0) {
        /* Cannot happen (dlg_intake_sanitize keeps the step known); were it
         * to, the menu is a safer answer than a question out of place. */
        dlg_intake_clear(&r->state.intake);
        dlg_node_reply(s->f, s->f->nodes[s->f->menu].id, &r->replies[r->n_replies++]);
        snprintf(r->state.node, sizeof r->state.node, "%s", s->f->nodes[s->f->menu].id);
    }
}
