/* flow.c -- load the conversation from messages/flow.json, cases.json,
 * intake.json, campaign.json and answers.json.
 *
 * Several files so that the structure (menu, yes/no words, opt-out,
 * escalation nodes), the texts about cases, the case intake's questions and
 * the per-intent guidance can be edited apart; all have the same
 * shape ({"texts":{}, "words":{}, "nodes":{}}, every section optional) and are
 * merged, a key defined twice being an error. Everything is checked at load
 * (see node.c) so that a broken file stops the start with a message naming the
 * file and the key, rather than a citizen meeting an empty reply. */
#include "flow_int.h"

#include "core/buf.h"
#include "core/err.h"
#include "nlu/normalize.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const flow_files[DLG_FLOW_FILES] = {
    "flow.json", "cases.json", "intake.json", "campaign.json", "answers.json"
};

static const char *const word_lists[DLG_W_COUNT] = {
    "menu", "opt_out", "opt_in", "yes", "no", "yes_in", "no_in", "no_word", "intake_cancel",
    "confirm_send", "confirm_redo"
};

/* Texts the engine itself needs besides the nodes (the intake's: see
 * messages/README.md for what each says and the blanks it has). */
static const char *const required_texts[] = {
    "greeting_short", "ask_worked", "opt_solved", "opt_failed",
    "intake_start", "intake_redo", "intake_name_bad", "intake_ask_id",
    "intake_id_not_digits", "intake_id_bad_length", "intake_id_cmnd", "intake_id_bad_province",
    "intake_id_bad_century", "intake_id_future_birth", "intake_id_too_young",
    "intake_ask_commune", "intake_commune_pick", "intake_commune_option",
    "intake_commune_option_old", "intake_commune_unknown", "intake_ask_province",
    "intake_province_pick", "intake_province_option", "intake_province_unknown",
    "intake_province_skip",
    "intake_ask_phone", "intake_ask_phone_sms", "intake_phone_bad", "intake_phone_bad_sms",
    "intake_ask_desc", "intake_desc_empty", "intake_confirm", "intake_confirm_no_id",
    "intake_confirm_retry", "intake_opt_send", "intake_opt_redo", "intake_place_commune",
    "intake_place_province", "intake_place_none", "intake_unit_none", "intake_not_sent",
    "case_created", "case_appended", NULL
};

const char *dlg_flow_word_list_name(int list)
{
    return list >= 0 && list < DLG_W_COUNT ? word_lists[list] : "?";
}

int dlg_flow_own(dlg_flow *f, char *p)
{
    if (!p)
        return HD_ENOMEM;
    if (f->n_owned == f->cap_owned) {
        int ncap = f->cap_owned ? f->cap_owned * 2 : 64;
        char **n = realloc(f->owned, (size_t)ncap * sizeof *n);
        if (!n) {
            free(p);
            return HD_ENOMEM;
        }
        f->owned = n;
        f->cap_owned = ncap;
    }
    f->owned[f->n_owned++] = p;
    return HD_OK;
}

int dlg_id_valid(const char *s, size_t max)
{
    size_t n = 0;

    if (!s || !*s)
        return 0;
    for (; *s; s++, n++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return 0;
    return n < max;
}

/* Valid UTF-8 (no overlong forms, no surrogates), no NUL, not only blanks. */
int dlg_text_valid(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    int visible = 0;

    if (!s)
        return 0;
    while (*p) {
        unsigned c = *p;
        int n;
        unsigned cp;

        if (c < 0x80) {
            if (c > ' ')
                visible = 1;
            p++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) { n = 1; cp = c & 0x1F; }
        else if (c >= 0xE0 && c <= 0xEF) { n = 2; cp = c & 0x0F; }
        else if (c >= 0xF0 && c <= 0xF4) { n = 3; cp = c & 0x07; }
        else return 0;
        for (int i = 1; i <= n; i++) {
            if ((p[i] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        visible = 1;
        p += n + 1;
    }
    return visible;
}

int dlg_flow_find(const dlg_flow *f, const char *id)
{
    if (!f || !id)
        return -1;
    for (int i = 0; i < f->n_nodes; i++)
        if (strcmp(f->nodes[i].id, id) == 0)
            return i;
    return -1;
}

static int add_text(dlg_flow *f, const char *file, const cJSON *it, char *err, size_t errlen)
{
    if (!cJSON_IsString(it) || !dlg_text_valid(it->valuestring) ||
        strlen(it->valuestring) > DLG_NODE_TEXT_MAX)
        return hd_seterr(err, errlen, HD_EPARSE,
                         "%s: texts.%s: must be a non-empty UTF-8 string of at most %d bytes",
                         file, it->string, DLG_NODE_TEXT_MAX);
    for (int i = 0; i < f->n_texts; i++)
        if (strcmp(f->text_keys[i], it->string) == 0)
            return hd_seterr(err, errlen, HD_EPARSE, "%s: texts.%s: defined twice", file, it->string);
    if (f->n_texts == f->cap_texts) {
        int ncap = f->cap_texts ? f->cap_texts * 2 : 32;
        const char **k = realloc(f->text_keys, (size_t)ncap * sizeof *k);
        if (!k)
            return HD_ENOMEM;
        f->text_keys = k;
        const char **v = realloc(f->text_vals, (size_t)ncap * sizeof *v);
        if (!v)
            return HD_ENOMEM;
        f->text_vals = v;
        f->cap_texts = ncap;
    }
    f->text_keys[f->n_texts] = it->string;
    f->text_vals[f->n_texts] = it->valuestring;
    f->n_texts++;
    return HD_OK;
}

/* Words are written in plain Vietnamese in the file and folded here exactly
 * as messages are, so "được rồi", "dc roi" and "duoc roi" all meet. */
static int add_words(dlg_flow *f, const char *file, const cJSON *list, char *err, size_t errlen)
{
    int which = -1, n, rc = HD_OK;
    nlu_text *t = NULL;
    dlg_words *w;
    const cJSON *it;

    for (int i = 0; i < DLG_W_COUNT; i++)
        if (strcmp(list->string, word_lists[i]) == 0)
            which = i;
    if (which < 0)
        return hd_seterr(err, errlen, HD_EPARSE, "%s: words.%s: unknown list", file, list->string);
    w = &f->words[which];
    if (w->n)
        return hd_seterr(err, errlen, HD_EPARSE, "%s: words.%s: defined twice", file, list->string);
    n = cJSON_GetArraySize(list);
    if (!cJSON_IsArray(list) || n == 0)
        return hd_seterr(err, errlen, HD_EPARSE, "%s: words.%s: must be a non-empty array",
                         file, list->string);
    w->w = calloc((size_t)n, sizeof *w->w);
    t = malloc(sizeof *t);
    if (!w->w || !t) {
        rc = HD_ENOMEM;
        goto out;
    }
    cJSON_ArrayForEach(it, list) {
        if (!cJSON_IsString(it) || !dlg_text_valid(it->valuestring)) {
            rc = hd_seterr(err, errlen, HD_EPARSE, "%s: words.%s[%d]: must be a non-empty string",
                           file, list->string, w->n);
            goto out;
        }
        nlu_normalize(it->valuestring, strlen(it->valuestring), t);
        if (t->folded_len == 0) {
            rc = hd_seterr(err, errlen, HD_EPARSE, "%s: words.%s[%d]: has no letters or digits",
                           file, list->string, w->n);
            goto out;
        }
        w->w[w->n] = strdup(t->folded);
        if (!w->w[w->n]) {
            rc = HD_ENOMEM;
            goto out;
        }
        w->n++;
    }
out:
    free(t);
    return rc;
}

static int load_doc(dlg_flow *f, const char *dir, int idx, char *err, size_t errlen)
{
    char path[1024];
    const char *name = flow_files[idx];
    const cJSON *sec, *it;
    buf b;
    int rc;

    buf_init(&b, DLG_FLOW_FILE_MAX);
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path)
        return hd_seterr(err, errlen, HD_EINVAL, "messages directory path too long");
    f->paths[idx] = strdup(path);
    if (!f->paths[idx]) {
        rc = HD_ENOMEM;
        goto out;
    }
    rc = buf_read_file(&b, path, err, errlen);
    if (rc)
        goto out;
    f->docs[idx] = cJSON_ParseWithLength(buf_str(&b), b.len);
    if (!f->docs[idx] || !cJSON_IsObject(f->docs[idx])) {
        const char *at = cJSON_GetErrorPtr();
        long off = f->docs[idx] || !at ? 0 : (long)(at - buf_str(&b));
        if (off < 0 || (size_t)off > b.len)
            off = 0;
        rc = hd_seterr(err, errlen, HD_EPARSE, "%s: not a JSON object (error near byte %ld)",
                       path, off);
        goto out;
    }
    cJSON_ArrayForEach(sec, f->docs[idx]) {
        if (strcmp(sec->string, "about") == 0)
            continue;  /* free text for editors */
        if (strcmp(sec->string, "texts") && strcmp(sec->string, "words") &&
            strcmp(sec->string, "nodes")) {
            rc = hd_seterr(err, errlen, HD_EPARSE, "%s: %s: unknown section", path, sec->string);
            goto out;
        }
        if (!cJSON_IsObject(sec)) {
            rc = hd_seterr(err, errlen, HD_EPARSE, "%s: %s: must be an object", path, sec->string);
            goto out;
        }
        cJSON_ArrayForEach(it, sec) {
            if (sec->string[0] == 't')
                rc = add_text(f, path, it, err, errlen);
            else if (sec->string[0] == 'w')
                rc = add_words(f, path, it, err, errlen);
            else
                rc = dlg_node_parse(f, f->paths[idx], it, err, errlen);
            if (rc)
                goto out;
        }
    }
out:
    buf_free(&b);
    return rc;
}

/* Where a required key belongs, for the error message. */
static const char *home_file(const char *key)
{
    return strncmp(key, "intake_", 7) && strncmp(key, "case_", 5) &&
           strncmp(key, "confirm_", 8) ? "flow.json" : "intake.json";
}

static int check_required(dlg_flow *f, const char *dir, char *err, size_t errlen)
{
    static const char *const nodes[] = {
        "menu", "greeting", "unknown", "opt_out", "opt_in", "intake_cancelled", "noted"
    };
    int *slot[] = {
        &f->menu, &f->greeting, &f->unknown, &f->opt_out, &f->opt_in, &f->intake_cancelled, &f->noted
    };

    for (int i = 0; required_texts[i]; i++)
        if (!dlg_flow_text(f, required_texts[i]))
            return hd_seterr(err, errlen, HD_EPARSE, "%s/%s: texts.%s: missing", dir,
                             home_file(required_texts[i]), required_texts[i]);
    f->greeting_short = dlg_flow_text(f, "greeting_short");
    /* Optional: without it every miss gets the apology and the menu. */
    f->unknown_again = dlg_flow_find(f, "unknown_again");
    for (size_t i = 0; i < sizeof nodes / sizeof *nodes; i++) {
        *slot[i] = dlg_flow_find(f, nodes[i]);
        if (*slot[i] < 0)
            return hd_seterr(err, errlen, HD_EPARSE, "%s/%s: nodes.%s: missing", dir,
                             home_file(nodes[i]), nodes[i]);
    }
    for (int i = 0; i < DLG_W_COUNT; i++)
        if (f->words[i].n == 0)
            return hd_seterr(err, errlen, HD_EPARSE, "%s/%s: words.%s: missing",
                             dir, home_file(word_lists[i]), word_lists[i]);
    if (f->nodes[f->menu].n_options < 1 || f->nodes[f->menu].then >= 0)
        return hd_seterr(err, errlen, HD_EPARSE,
                         "%s/flow.json: nodes.menu: needs options and no \"then\"", dir);
    if (!f->nodes[f->opt_out].opt_out || !f->nodes[f->opt_in].opt_in)
        return hd_seterr(err, errlen, HD_EPARSE,
                         "%s/flow.json: nodes.opt_out / nodes.opt_in: must set opt_out / opt_in", dir);
    return HD_OK;
}

int dlg_flow_load(const char *messages_dir, dlg_flow **out, char *err, size_t errlen)
{
    dlg_flow *f;
    int rc;

    if (!messages_dir || !out)
        return hd_seterr(err, errlen, HD_EINVAL, "dlg_flow_load: NULL argument");
    *out = NULL;
    f = calloc(1, sizeof *f);
    if (!f)
        return HD_ENOMEM;
    for (int i = 0; i < NLU_INTENT_COUNT; i++)
        f->intent_node[i] = -1;
    for (int i = 0; i < DLG_FLOW_FILES; i++) {
        rc = load_doc(f, messages_dir, i, err, errlen);
        if (rc)
            goto out;
    }
    rc = dlg_nodes_resolve(f, err, errlen);
    if (rc)
        goto out;
    rc = check_required(f, messages_dir, err, errlen);
out:
    if (rc == HD_ENOMEM)
        hd_seterr(err, errlen, rc, "out of memory loading the flow");
    if (rc)
        dlg_flow_free(f);
    else
        *out = f;
    return rc;
}

void dlg_flow_free(dlg_flow *f)
{
    if (!f)
        return;
    for (int i = 0; i < DLG_W_COUNT; i++) {
        for (int j = 0; j < f->words[i].n; j++)
            free(f->words[i].w[j]);
        free(f->words[i].w);
    }
    for (int i = 0; i < f->n_owned; i++)
        free(f->owned[i]);
    free(f->owned);
    free(f->nodes);
    free(f->text_keys);
    free(f->text_vals);
    for (int i = 0; i < DLG_FLOW_FILES; i++) {
        cJSON_Delete(f->docs[i]);
        free(f->paths[i]);
    }
    free(f);
}

const char *dlg_flow_text(const dlg_flow *f, const char *key)
{
    int i;

    if (!f || !key)
        return NULL;
    for (i = 0; i < f->n_texts; i++)
        if (strcmp(f->text_keys[i], key) == 0)
            return f->text_vals[i];
    i = dlg_flow_find(f, key);
    return i >= 0 ? f->nodes[i].text : NULL;
}

int dlg_flow_node_count(const dlg_flow *f)
{
    return f ? f->n_nodes : 0;
}

const char *dlg_flow_node_id(const dlg_flow *f, int i)
{
    return f && i >= 0 && i < f->n_nodes ? f->nodes[i].id : NULL;
}

int dlg_flow_text_count(const dlg_flow *f)
{
    return f ? f->n_texts : 0;
}

const char *dlg_flow_text_key(const dlg_flow *f, int i)
{
    return f && i >= 0 && i < f->n_texts ? f->text_keys[i] : NULL;
}
