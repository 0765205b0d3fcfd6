/* engine.c -- one step of the conversation: decide where the message leads,
 * then enter that node (replies, actions, new state).
 *
 * What a message means, first match wins:
 *   1. an opt-out word or the opt_out intent, in any state, at once;
 *   2. an opt-in word while opted out;
 *   3. a menu word ("0", "menu");
 *   4. a number: an option of the current node, or else a main menu item;
 *   5. where the node asks yes/no (options that "mean" yes or no): yes/no
 *      words, or the citizen restating the problem of the topic (= "no");
 *   6. the intent of the classifier, or the node's "unknown" fallback.
 * A new contact (empty state) gets the greeting and the menu, unless the first
 * message already asks something: then a short greeting and the answer.
 * A second message in a row that is not understood gets a short apology that
 * offers an officer ("unknown_again") rather than the whole menu once more.
 * While a case intake runs, the message answers its question instead (see
 * intake_route below and intake.c).
 * No I/O, no allocation; the one large local is the normalised text. */
#include "intake_int.h"

#include "core/err.h"
#include "nlu/normalize.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void node_reply(const dlg_flow *f, int idx, dlg_reply *r)
{
    const dlg_node *n = &f->nodes[idx];
    const dlg_node *o = n->then >= 0 ? &f->nodes[n->then] : n;

    memset(r, 0, sizeof *r);
    if (n->then >= 0)
        snprintf(r->text, sizeof r->text, "%s\n%s", n->text, o->text);
    else
        snprintf(r->text, sizeof r->text, "%s", n->text);
    for (int i = 0; i < o->n_options; i++)
        r->options[i] = o->options[i].label;
    r->n_options = o->n_options;
}

static void add_text_reply(dlg_result *r, const char *text)
{
    dlg_reply *rp = &r->replies[r->n_replies++];

    memset(rp, 0, sizeof *rp);
    snprintf(rp->text, sizeof rp->text, "%s", text);
}

/* Does the message answer this node's yes/no question? DLG_MEANS_NONE if not. */
static int match_means(const dlg_turn *s)
{
    const dlg_words *w = s->f->words;
    const char *topic = s->out->state.topic;
    const char *folded = s->t->folded;

    if (dlg_words_exact(&w[DLG_W_NO], folded))
        return DLG_MEANS_NO;
    if (dlg_words_exact(&w[DLG_W_YES], folded))
        return DLG_MEANS_YES;
    if (dlg_words_contain(&w[DLG_W_NO_IN], folded))
        return DLG_MEANS_NO;
    /* The same problem told again after its steps ("van khong nhan duoc OTP"
     * after the OTP steps) means they did not work. */
    if (topic[0] && s->intent != NLU_UNKNOWN && strcmp(nlu_intent_id(s->intent), topic) == 0)
        return DLG_MEANS_NO;
    if (dlg_words_contain(&w[DLG_W_YES_IN], folded) || s->intent == NLU_ACTIVATION_DONE)
        return DLG_MEANS_YES;
    /* "không, cảm ơn", "tôi không còn máy cũ" -- but "không nhận được OTP"
     * is a new question. */
    if (dlg_words_contain(&w[DLG_W_NO_WORD], folded)) {
        int q = s->f->intent_node[s->intent];
        if (s->intent == NLU_UNKNOWN || s->f->nodes[q].help == DLG_HELP_NONE)
            return DLG_MEANS_NO;
    }
    return DLG_MEANS_NONE;
}

/* The option of node n that the message picks as a yes or a no, or NULL. */
static const dlg_option *means_option(const dlg_turn *s, const dlg_node *n)
{
    int has = 0, means;

    for (int i = 0; i < n->n_options; i++)
        has |= n->options[i].means != DLG_MEANS_NONE;
    if (!has || (means = match_means(s)) == DLG_MEANS_NONE)
        return NULL;
    for (int i = 0; i < n->n_options; i++)
        if (n->options[i].means == means)
            return &n->options[i];
    return NULL;
}

/* Count the messages not understood in a row; from the second on, the menu
 * the citizen was just shown is not sent again. The node to enter. */
static int count_miss(dlg_turn *s, int go)
{
    const dlg_flow *f = s->f;
    dlg_state *st = &s->out->state;

    if (go != f->unknown && go != f->unknown_again) {
        st->misses = 0;
        return go;
    }
    if (st->misses < 1000)   /* bounded: dlg_state_decode refuses more */
        st->misses++;
    return st->misses >= 2 && f->unknown_again >= 0 ? f->unknown_again : go;
}

static void enter(dlg_turn *s, int go, const dlg_option *opt, int fresh, int by_nlu)
{
    const dlg_flow *f = s->f;
    const dlg_node *n;
    dlg_result *r = s->out;
    dlg_state *st = &r->state;
    char before[DLG_ID_MAX], arg[64], why[DLG_ID_MAX];
    const char *reason = NULL, *about = NULL;

    go = count_miss(s, go);
    n = &f->nodes[go];

    memcpy(before, st->topic, sizeof before);
    if (opt && opt->outcome != DLG_OUTCOME_NONE && st->topic[0]) {
        snprintf(arg, sizeof arg, "%s:%s", st->topic,
                 opt->outcome == DLG_OUTCOME_SOLVED ? "solved" : "failed");
        dlg_action_add(r, "outcome", arg);
        if (opt->outcome == DLG_OUTCOME_FAILED && st->tries < 1000)
            st->tries++;   /* bounded: dlg_state_decode refuses more */
    }
    if (n->escalate) {
        /* A copy: the topic may be cleared below, the intake needs it after. */
        snprintf(why, sizeof why, "%s", strcmp(n->escalate, DLG_ESC_TOPIC) ? n->escalate
                 : st->topic[0] ? st->topic : nlu_intent_id(NLU_HUMAN_AGENT));
        reason = why;
        dlg_action_add(r, "escalate", reason);
    }
    if (n->opt_out) {
        st->opted_out = 1;
        dlg_action_add(r, "opt_out", "");
    }
    if (n->opt_in) {
        st->opted_out = 0;
        dlg_action_add(r, "opt_in", "");
    }
    if (n->topic_mode == DLG_TOPIC_SET) {
        if (fresh || strcmp(st->topic, n->topic)) {
            snprintf(st->topic, sizeof st->topic, "%s", n->topic);
            st->tries = 0;
        }
    } else if (n->topic_mode == DLG_TOPIC_CLEAR) {
        st->topic[0] = '\0';
        st->tries = 0;
    }
    snprintf(st->node, sizeof st->node, "%s", f->nodes[n->then >= 0 ? n->then : go].id);
    node_reply(f, go, &r->replies[r->n_replies++]);
    /* The police need the case's details: ask for them (or, with a case
     * open, add to it), right below the node's own words. */
    if (reason)
        dlg_intake_begin(s, reason, &r->replies[r->n_replies - 1]);

    r->help = reason ? DLG_HELP_PERSON : opt && opt->means != DLG_MEANS_NONE ? DLG_HELP_NONE : n->help;
    /* A digit or a "no" says nothing to the classifier; report the topic it
     * picked so that the help request is counted under the right intent. */
    if (!by_nlu) {
        about = reason && nlu_intent_valid(reason) ? reason
              : !opt ? NULL : st->topic[0] ? st->topic : before[0] ? before : NULL;
        if (about) {
            r->nlu.intent = nlu_intent_from_id(about);
            r->nlu.score = 1.0;
        }
    }
}

/* Where a message not understood goes. "noted" (the officer will see it)
 * holds only while a case is open: once it is resolved or closed nobody
 * reads what is added, so the citizen gets the apology and the menu. */
static int unknown_node(const dlg_turn *s)
{
    int go = s->f->unknown;

    if (s->cur >= 0 && s->f->nodes[s->cur].on_unknown >= 0)
        go = s->f->nodes[s->cur].on_unknown;
    if (go == s->f->noted && s->env->open_case_id <= 0)
        go = s->f->unknown;
    return go;
}

/* A message while the intake runs: an opt-out word still opts out (and
 * ends the intake), a cancel word ends it; anything else is an answer. The
 * classifier's opt-out intent counts too, but not at the description, where
 * "tôi muốn hủy..." is what the citizen needs help with. */
static void intake_route(dlg_turn *s)
{
    const dlg_flow *f = s->f;
    const dlg_words *w = f->words;
    dlg_state *st = &s->out->state;
    const char *folded = s->t->folded;

    if (dlg_words_exact(&w[DLG_W_OPT_OUT], folded) ||
        (s->intent == NLU_OPT_OUT && st->intake.step != DLG_INTAKE_DESC &&
         !dlg_words_exact(&w[DLG_W_INTAKE_CANCEL], folded))) {
        dlg_reply *rp;
        char buf[DLG_TEXT_MAX];

        dlg_intake_clear(&st->intake);
        dlg_action_add(s->out, "intake_cancel", "");
        enter(s, f->opt_out, NULL, 0, 1);
        /* Say first that the half-made request went nowhere. */
        rp = &s->out->replies[s->out->n_replies - 1];
        snprintf(buf, sizeof buf, "%s", dlg_flow_text(f, "intake_not_sent"));
        dlg_append(buf, sizeof buf, "\n", rp->text);
        memcpy(rp->text, buf, strlen(buf) + 1);
        return;
    }
    if (dlg_words_exact(&w[DLG_W_INTAKE_CANCEL], folded) || dlg_words_exact(&w[DLG_W_MENU], folded)) {
        dlg_intake_clear(&st->intake);
        dlg_action_add(s->out, "intake_cancel", "");
        enter(s, f->intake_cancelled, NULL, 0, 0);
        return;
    }
    dlg_intake_answer(s);
}

static void route(dlg_turn *s)
{
    const dlg_flow *f = s->f;
    const dlg_node *cur = s->cur >= 0 ? &f->nodes[s->cur] : NULL;
    const dlg_words *w = f->words;
    const dlg_option *opt = NULL;
    const char *folded = s->t->folded;
    int go, num, fresh = 0, by_nlu = 0;

    if (s->out->state.intake.step != DLG_INTAKE_NONE) {
        intake_route(s);
        return;
    }
    if (s->intent == NLU_OPT_OUT || dlg_words_exact(&w[DLG_W_OPT_OUT], folded)) {
        enter(s, f->opt_out, NULL, 0, 1);
        return;
    }
    if (s->out->state.opted_out && dlg_words_exact(&w[DLG_W_OPT_IN], folded))
        go = f->opt_in;
    else if (dlg_words_exact(&w[DLG_W_MENU], folded))
        go = f->menu;
    else if (dlg_number(folded, &num)) {
        const dlg_node *menu = &f->nodes[f->menu];
        if (cur && num >= 1 && num <= cur->n_options)
            opt = &cur->options[num - 1];
        else if (num >= 1 && num <= menu->n_options)
            opt = &menu->options[num - 1];
        go = opt ? opt->go : unknown_node(s);
        fresh = opt && opt->means == DLG_MEANS_NONE;
    } else if (cur && (opt = means_option(s, cur)) != NULL) {
        go = opt->go;
    } else if (s->intent == NLU_UNKNOWN) {
        go = unknown_node(s);
    } else {
        go = f->intent_node[s->intent];
        fresh = by_nlu = 1;
    }

    if (s->cur < 0) {
        const dlg_node *t = &f->nodes[go];
        if (t->help == DLG_HELP_NONE && !t->escalate) {
            enter(s, f->greeting, NULL, 0, by_nlu);
            return;
        }
        add_text_reply(s->out, f->greeting_short);
    }
    enter(s, go, opt, fresh, by_nlu);
}

int dlg_step(const dlg_env *env, const dlg_state *in, const char *text, size_t len,
             dlg_result *out)
{
    const dlg_flow *f;
    const dlg_understood *u = env ? env->understood : NULL;
    dlg_understood *own = NULL;
    dlg_turn s;

    if (!env || !env->flow || !in || !out || (!text && len))
        return HD_EINVAL;
    f = env->flow;
    if (!u) {
        if (!(own = malloc(sizeof *own)))
            return HD_ENOMEM;
        dlg_understand(env, text, len, own);
        u = own;
    }
    memset(out, 0, sizeof *out);
    s.cur = dlg_state_adopt(f, in, &out->state);
    out->nlu = u->nlu;
    if ((int)out->nlu.intent < 0 || out->nlu.intent >= NLU_INTENT_COUNT)
        out->nlu.intent = NLU_UNKNOWN;

    s.env = env;
    s.f = f;
    s.out = out;
    s.t = &u->text;
    s.intent = out->nlu.intent;
    route(&s);
    free(own);
    return HD_OK;
}

void dlg_understand(const dlg_env *env, const char *text, size_t len, dlg_understood *out)
{
    nlu_normalize(text ? text : "", text ? len : 0, &out->text);
    memset(&out->nlu, 0, sizeof out->nlu);
    out->nlu.intent = NLU_UNKNOWN;
    if (env && env->model && nlu_classify(env->model, &out->text, &out->nlu) != HD_OK) {
        out->nlu.intent = NLU_UNKNOWN;
        out->nlu.score = 0;
    }
}

int dlg_state_adopt(const dlg_flow *f, const dlg_state *in, dlg_state *out)
{
    int node;

    /* Copy field by field: the stored state may come without terminators. */
    snprintf(out->node, sizeof out->node, "%.*s", DLG_ID_MAX - 1, in->node);
    node = out->node[0] ? dlg_flow_find(f, out->node) : -1;
    if (out->node[0] && node < 0) {   /* the flow changed under it */
        node = f->menu;
        snprintf(out->node, sizeof out->node, "%s", f->nodes[node].id);
    }
    snprintf(out->topic, sizeof out->topic, "%.*s", DLG_ID_MAX - 1, in->topic);
    if (out->topic[0] && !nlu_intent_valid(out->topic))
        out->topic[0] = '\0';
    out->tries = in->tries < 0 ? 0 : in->tries > 1000 ? 1000 : in->tries;
    out->opted_out = in->opted_out ? 1 : 0;
    out->misses = in->misses < 0 ? 0 : in->misses > 1000 ? 1000 : in->misses;
    out->intake = in->intake;
    dlg_intake_sanitize(&out->intake);
    return node;
}

int dlg_node_reply(const dlg_flow *f, const char *node_id, dlg_reply *out)
{
    int i;

    if (!f || !node_id || !out)
        return HD_EINVAL;
    i = dlg_flow_find(f, node_id);
    if (i < 0)
        return HD_ENOTFOUND;
    node_reply(f, i, out);
    return HD_OK;
}
