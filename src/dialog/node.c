/* node.c -- one node of the flow: parse it, then resolve and check the graph.
 *
 * A node is what the citizen reads at one point of the conversation and what
 * each numbered option leads to (format in messages/README.md). Parsing only
 * records names; dlg_nodes_resolve() runs once every file is read, turns names
 * into indices and refuses anything the engine could trip on: a missing
 * target, an intent without an answer, a text too long for one reply. */
#include "flow_int.h"

#include "core/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NODE_ERR(code, ...) hd_seterr(err, errlen, (code), __VA_ARGS__)

static const char *const node_keys[] = {
    "intent", "topic", "help", "text", "worked", "options", "escalate",
    "opt_out", "opt_in", "then", "unknown", "note", NULL
};

static int get_str(const cJSON *o, const char *key, const char **out)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);

    *out = NULL;
    if (!it)
        return 0;
    if (!cJSON_IsString(it) || !it->valuestring[0])
        return -1;
    *out = it->valuestring;
    return 1;
}

static int parse_intents(dlg_flow *f, const char *file, dlg_node *n, int idx,
                         const cJSON *it, char *err, size_t errlen)
{
    const cJSON *one;
    int count = 0;

    if (!it)
        return HD_OK;
    if (!cJSON_IsString(it) && !cJSON_IsArray(it))
        return NODE_ERR(HD_EPARSE, "%s: nodes.%s.intent: must be an intent id or a list of them",
                        file, n->id);
    for (one = cJSON_IsString(it) ? it : it->child; one; one = cJSON_IsString(it) ? NULL : one->next) {
        nlu_intent in;

        if (!cJSON_IsString(one) || !nlu_intent_valid(one->valuestring))
            return NODE_ERR(HD_EPARSE, "%s: nodes.%s.intent: \"%s\" is not an intent of intents.h",
                            file, n->id, cJSON_IsString(one) ? one->valuestring : "?");
        in = nlu_intent_from_id(one->valuestring);
        if (f->intent_node[in] >= 0)
            return NODE_ERR(HD_EPARSE, "%s: nodes.%s.intent: \"%s\" is already answered by node %s",
                            file, n->id, one->valuestring, f->nodes[f->intent_node[in]].id);
        f->intent_node[in] = idx;
        count++;
    }
    return count ? HD_OK
                 : NODE_ERR(HD_EPARSE, "%s: nodes.%s.intent: empty list", file, n->id);
}

static int parse_options(const char *file, dlg_node *n, const cJSON *opts, char *err, size_t errlen)
{
    const cJSON *o;

    if (!cJSON_IsArray(opts) || cJSON_GetArraySize(opts) < 1 ||
        cJSON_GetArraySize(opts) > DLG_OPTIONS_MAX)
        return NODE_ERR(HD_EPARSE, "%s: nodes.%s.options: must be an array of 1..%d options",
                        file, n->id, DLG_OPTIONS_MAX);
    cJSON_ArrayForEach(o, opts) {
        dlg_option *op = &n->options[n->n_options];
        const char *means, *outcome;
        int i = n->n_options;

        if (!cJSON_IsObject(o) || get_str(o, "label", &op->label) != 1 ||
            !dlg_text_valid(op->label) || strlen(op->label) > 100)
            return NODE_ERR(HD_EPARSE, "%s: nodes.%s.options[%d].label: must be a text of 1..100 bytes",
                            file, n->id, i);
        if (get_str(o, "goto", &n->goto_id[i]) != 1)
            return NODE_ERR(HD_EPARSE, "%s: nodes.%s.options[%d].goto: missing", file, n->id, i);
        if (get_str(o, "means", &means) < 0 || (means && strcmp(means, "yes") && strcmp(means, "no")))
            return NODE_ERR(HD_EPARSE, "%s: nodes.%s.options[%d].means: \"yes\" or \"no\"",
                            file, n->id, i);
        op->means = !means ? DLG_MEANS_NONE : means[0] == 'y' ? DLG_MEANS_YES : DLG_MEANS_NO;
        if (get_str(o, "outcome", &outcome) < 0 ||
            (outcome && strcmp(outcome, "solved") && strcmp(outcome, "failed")))
            return NODE_ERR(HD_EPARSE, "%s: nodes.%s.options[%d].outcome: \"solved\" or \"failed\"",
                            file, n->id, i);
        op->outcome = !outcome ? DLG_OUTCOME_NONE
                    : outcome[0] == 's' ? DLG_OUTCOME_SOLVED : DLG_OUTCOME_FAILED;
        n->n_options++;
    }
    return HD_OK;
}

static int parse_worked(const char *file, dlg_node *n, const cJSON *w, char *err, size_t errlen)
{
    const char *solved;

    if (!cJSON_IsObject(w) || get_str(w, "failed", &n->goto_id[1]) != 1)
        return NODE_ERR(HD_EPARSE, "%s: nodes.%s.worked.failed: missing", file, n->id);
    if (get_str(w, "solved", &solved) < 0 || get_str(w, "ask", &n->ask_key) < 0 ||
        get_str(w, "yes", &n->yes_key) < 0 || get_str(w, "no", &n->no_key) < 0)
        return NODE_ERR(HD_EPARSE, "%s: nodes.%s.worked: values must be non-empty strings",
                        file, n->id);
    n->goto_id[0] = solved ? solved : "solved";
    if (!n->ask_key)
        n->ask_key = "ask_worked";
    if (!n->yes_key)
        n->yes_key = "opt_solved";
    if (!n->no_key)
        n->no_key = "opt_failed";
    n->worked = 1;
    return HD_OK;
}

static int parse_body(dlg_flow *f, const char *file, dlg_node *n, int idx, const cJSON *item,
                      char *err, size_t errlen)
{
    const cJSON *it;
    const char *help = NULL, *topic = NULL;
    int rc;

    cJSON_ArrayForEach(it, item) {
        int known = 0;
        for (int i = 0; node_keys[i]; i++)
            known |= strcmp(it->string, node_keys[i]) == 0;
        if (!known)
            return NODE_ERR(HD_EPARSE, "%s: nodes.%s.%s: unknown key", file, n->id, it->string);
    }
    if (get_str(item, "text", &n->text) != 1 || !dlg_text_valid(n->text) ||
        strlen(n->text) > DLG_NODE_TEXT_MAX)
        return NODE_ERR(HD_EPARSE, "%s: nodes.%s.text: must be a non-empty UTF-8 text of at most %d bytes",
                        file, n->id, DLG_NODE_TEXT_MAX);
    rc = parse_intents(f, file, n, idx, cJSON_GetObjectItemCaseSensitive(item, "intent"), err, errlen);
    if (rc)
        return rc;
    if (get_str(item, "topic", &topic) < 0 ||
        (topic && strcmp(topic, "keep") && !nlu_intent_valid(topic)))
        return NODE_ERR(HD_EPARSE, "%s: nodes.%s.topic: an intent id or \"keep\"", file, n->id);
    n->topic_mode = !topic ? DLG_TOPIC_CLEAR : strcmp(topic, "keep") == 0 ? DLG_TOPIC_KEEP : DLG_TOPIC_SET;
    n->topic = n->topic_mode == DLG_TOPIC_SET ? topic : NULL;
    if (get_str(item, "escalate", &n->escalate) < 0 ||
        (n->escalate && strcmp(n->escalate, DLG_ESC_TOPIC) && !dlg_id_valid(n->escalate, 64)))
        return NODE_ERR(HD_EPARSE, "%s: nodes.%s.escalate: a reason id ([a-z0-9_]) or \"%s\"",
                        file, n->id, DLG_ESC_TOPIC);
    if (get_str(item, "help", &help) < 0 ||
        (help && strcmp(help, "bot") && strcmp(help, "person") && strcmp(help, "none")))
        return NODE_ERR(HD_EPARSE, "%s: nodes.%s.help: \"bot\", \"person\" or \"none\"", file, n->id);
    /* A node that escalates is help by a person, one that opens a topic is
     * the bot answering a question; the rest (menu, thanks ...) is no help. */
    n->help = help ? (help[0] == 'b' ? DLG_HELP_BOT : help[0] == 'p' ? DLG_HELP_PERSON : DLG_HELP_NONE)
                   : n->escalate ? DLG_HELP_PERSON
                   : n->topic_mode == DLG_TOPIC_SET ? DLG_HELP_BOT : DLG_HELP_NONE;
    it = cJSON_GetObjectItemCaseSensitive(item, "opt_out");
    if (it && !cJSON_IsBool(it))
        return NODE_ERR(HD_EPARSE, "%s: nodes.%s.opt_out: true or false", file, n->id);
    n->opt_out = cJSON_IsTrue(it);
    it = cJSON_GetObjectItemCaseSensitive(item, "opt_in");
    if (it && !cJSON_IsBool(it))
        return NODE_ERR(HD_EPARSE, "%s: nodes.%s.opt_in: true or false", file, n->id);
    n->opt_in = cJSON_IsTrue(it);
    if (get_str(item, "then", &n->then_id) < 0 || get_str(item, "unknown", &n->unknown_id) < 0)
        return NODE_ERR(HD_EPARSE, "%s: nodes.%s: \"then\" and \"unknown\" must be node ids",
                        file, n->id);
    it = cJSON_GetObjectItemCaseSensitive(item, "options");
    if (it && cJSON_GetObjectItemCaseSensitive(item, "worked"))
        return NODE_ERR(HD_EPARSE, "%s: nodes.%s: \"options\" and \"worked\" exclude each other",
                        file, n->id);
    if (it)
        return parse_options(file, n, it, err, errlen);
    it = cJSON_GetObjectItemCaseSensitive(item, "worked");
    if (it)
        return parse_worked(file, n, it, err, errlen);
    return HD_OK;
}

int dlg_node_parse(dlg_flow *f, const char *file, const cJSON *item, char *err, size_t errlen)
{
    dlg_node *n;
    int idx;

    if (!dlg_id_valid(item->string, DLG_ID_MAX))
        return NODE_ERR(HD_EPARSE, "%s: nodes.%s: a node id is 1..%d characters of [a-z0-9_]",
                        file, item->string, DLG_ID_MAX - 1);
    if (!cJSON_IsObject(item))
        return NODE_ERR(HD_EPARSE, "%s: nodes.%s: must be an object", file, item->string);
    if (dlg_flow_find(f, item->string) >= 0)
        return NODE_ERR(HD_EPARSE, "%s: nodes.%s: defined twice", file, item->string);
    if (f->n_nodes == f->cap_nodes) {
        int ncap = f->cap_nodes ? f->cap_nodes * 2 : 64;
        dlg_node *nn = realloc(f->nodes, (size_t)ncap * sizeof *nn);
        if (!nn)
            return HD_ENOMEM;
        f->nodes = nn;
        f->cap_nodes = ncap;
    }
    idx = f->n_nodes;
    n = &f->nodes[idx];
    memset(n, 0, sizeof *n);
    n->id = item->string;
    n->file = file;
    n->then = n->on_unknown = -1;
    f->n_nodes++;   /* counted before parsing so that dlg_flow_free sees it */
    return parse_body(f, file, n, idx, item, err, errlen);
}

static int resolve_one(dlg_flow *f, dlg_node *n, const char *what, const char *id, int *out,
                       char *err, size_t errlen)
{
    *out = dlg_flow_find(f, id);
    if (*out < 0)
        return NODE_ERR(HD_EPARSE, "%s: nodes.%s.%s: there is no node \"%s\"", n->file, n->id, what, id);
    return HD_OK;
}

/* "worked": the guidance ends with the question whether it worked and gets
 * the two standard options; made here into plain text and options so that
 * the engine knows one shape only. */
static int expand_worked(dlg_flow *f, dlg_node *n, char *err, size_t errlen)
{
    const char *ask = dlg_flow_text(f, n->ask_key);
    const char *keys[2] = { n->yes_key, n->no_key };
    size_t len;
    char *t;

    for (int i = 0; i < 2; i++) {
        n->options[i].label = dlg_flow_text(f, keys[i]);
        if (!n->options[i].label)
            return NODE_ERR(HD_EPARSE, "%s: nodes.%s.worked: there is no text \"%s\"",
                            n->file, n->id, keys[i]);
    }
    if (!ask)
        return NODE_ERR(HD_EPARSE, "%s: nodes.%s.worked.ask: there is no text \"%s\"",
                        n->file, n->id, n->ask_key);
    n->options[0].means = DLG_MEANS_YES;
    n->options[0].outcome = DLG_OUTCOME_SOLVED;
    n->options[1].means = DLG_MEANS_NO;
    n->options[1].outcome = DLG_OUTCOME_FAILED;
    n->n_options = 2;
    len = strlen(n->text) + 1 + strlen(ask) + 1;
    t = malloc(len);
    if (!t)
        return HD_ENOMEM;
    snprintf(t, len, "%s\n%s", n->text, ask);
    n->text = t;
    return dlg_flow_own(f, t);
}

static int resolve_node(dlg_flow *f, dlg_node *n, char *err, size_t errlen)
{
    int rc = HD_OK, yes = 0, no = 0;

    for (int i = 0; i < n->n_options && !rc; i++) {
        char what[32];
        snprintf(what, sizeof what, "options[%d].goto", i);
        rc = resolve_one(f, n, what, n->goto_id[i], &n->options[i].go, err, errlen);
        yes += n->options[i].means == DLG_MEANS_YES;
        no += n->options[i].means == DLG_MEANS_NO;
    }
    if (!rc && n->then_id)
        rc = resolve_one(f, n, "then", n->then_id, &n->then, err, errlen);
    if (!rc && n->unknown_id)
        rc = resolve_one(f, n, "unknown", n->unknown_id, &n->on_unknown, err, errlen);
    if (rc)
        return rc;
    if (yes > 1 || no > 1)
        return NODE_ERR(HD_EPARSE, "%s: nodes.%s.options: at most one option means yes and one no",
                        n->file, n->id);
    if (n->then >= 0) {
        const dlg_node *t = &f->nodes[n->then];
        if (n->n_options || t->then_id)
            return NODE_ERR(HD_EPARSE, "%s: nodes.%s.then: a node with \"then\" has no options "
                            "and its target no \"then\"", n->file, n->id);
        if (strlen(n->text) + 1 + strlen(t->text) >= DLG_TEXT_MAX)
            return NODE_ERR(HD_EPARSE, "%s: nodes.%s.then: text and %s together too long",
                            n->file, n->id, t->id);
    }
    return HD_OK;
}

int dlg_nodes_resolve(dlg_flow *f, char *err, size_t errlen)
{
    int rc;

    for (int i = 0; i < f->n_nodes; i++)
        if (f->nodes[i].worked && (rc = expand_worked(f, &f->nodes[i], err, errlen)))
            return rc;
    for (int i = 0; i < f->n_nodes; i++)
        if ((rc = resolve_node(f, &f->nodes[i], err, errlen)))
            return rc;
    for (int i = 0; i < NLU_INTENT_COUNT; i++)
        if (f->intent_node[i] < 0)
            return NODE_ERR(HD_EPARSE, "%s: intent \"%s\" has no node answering it "
                            "(add it to the \"intent\" of one node)",
                            f->paths[DLG_FLOW_FILES - 1], nlu_intent_id((nlu_intent)i));
    return HD_OK;
}
