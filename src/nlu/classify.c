/* classify.c -- one intent for one normalised message.
 *
 * A few fixed rules come first, for replies whose meaning is set by the help
 * line's own conventions rather than by their words (menu digits, the opt-out
 * keywords of Decree 91 practice); the trained model decides the rest, and
 * says NLU_UNKNOWN when its best guess is not probable enough. Classifying
 * allocates nothing: all state is on the stack, sized by NLU_FEAT_MAX. */
#include "internal.h"

#include "core/err.h"

#include <math.h>
#include <string.h>

#define C NLU_INTENT_COUNT

/* Whole messages that are the opt-out keywords or say only "stop sending".
 * Longer sentences that merely contain "huy" (cancel) are left to the model:
 * "huy lien ket thiet bi cu" is about devices, not about opting out. */
static const char *const opt_out_exact[] = {
    "huy", "tu choi", "stop", "huy tin", "huy tin nhan", "huy nhan tin", "stop sms",
    "ngung", "ngung nhan tin", "ngung gui tin", "tu choi nhan tin", "unsubscribe",
    "huy dang ky nhan tin", "khong nhan tin nua", "huy dang ky",
};

/* The dialogue engine stops all messages at once on opt_out, from any
 * state: a citizen whose "tin nhan khong den" were taken for it would lose
 * the help line. So the model must be surer of opt_out than of the rest. */
#define OPT_OUT_MIN_SCORE 0.6

static int is_opt_out(const char *f)
{
    for (size_t i = 0; i < sizeof opt_out_exact / sizeof opt_out_exact[0]; i++)
        if (strcmp(opt_out_exact[i], f) == 0)
            return 1;
    return 0;
}

static int only_digits(const char *f)
{
    for (; *f; f++)
        if (!((*f >= '0' && *f <= '9') || *f == ' '))
            return 0;
    return 1;
}

static int set_result(nlu_result *out, nlu_intent i, double score)
{
    out->intent = i;
    out->score = score < 0 ? 0 : score > 1 ? 1 : score;
    return HD_OK;
}

int nlu_classify(const nlu_model *m, const nlu_text *t, nlu_result *out)
{
    uint64_t feat[NLU_FEAT_MAX];
    float acc[NLU_ROW];
    double z[C], norm = 0, max, sum = 0;
    size_t n, known = 0, known_words = 0;
    int best = NLU_UNKNOWN;

    if (!m || !t || !out)
        return HD_EINVAL;
    /* Nothing readable (empty, emoji, symbols), or a number: the dialogue
     * engine reads digits as menu choices; only "0" means the menu itself. */
    if (t->folded_len == 0)
        return set_result(out, NLU_UNKNOWN, 1.0);
    if (only_digits(t->folded))
        return set_result(out, strcmp(t->folded, "0") == 0 ? NLU_MENU : NLU_UNKNOWN, 1.0);
    if (strcmp(t->folded, "menu") == 0)
        return set_result(out, NLU_MENU, 1.0);
    if (is_opt_out(t->folded))
        return set_result(out, NLU_OPT_OUT, 1.0);

    n = nlu_features(t->folded, t->folded_len, feat, NLU_FEAT_MAX);
    for (int c = 0; c < NLU_ROW; c++)
        acc[c] = 0;
    for (size_t k = 0; k < n; k++) {
        float v = (float)nlu_feature_weight(feat[k]);
        const float *w = nlu_model_row(m, feat[k]);
        /* Unseen features count in the norm: a message made mostly of words
         * never seen in training gets less confident answers. */
        norm += v * v;
        if (!w)
            continue;
        known++;
        if (NLU_FEAT_KIND(feat[k]) == NLU_FK_WORD)
            known_words++;
        for (int c = 0; c < NLU_ROW; c++)
            acc[c] += w[c] * v;
    }
    /* Not one word that any example uses, or hardly anything known: gibberish,
     * another language, or a long text about something else. Questions of
     * the help line, however phrased, share most features with the examples
     * (over half of them in the held-out set). */
    if (known_words == 0 || known * 4 < n)
        return set_result(out, NLU_UNKNOWN, 1.0);
    norm = norm > 0 ? sqrt(norm) : 1;
    max = -1e300;
    for (int c = 0; c < C; c++) {
        z[c] = m->bias[c] + acc[c] / norm;
        if (z[c] > max) {
            max = z[c];
            best = c;
        }
    }
    for (int c = 0; c < C; c++)
        sum += (z[c] = exp(z[c] - max));
    for (int c = 0; c < C; c++)
        z[c] /= sum;
    if (best != NLU_UNKNOWN &&
        (z[best] < m->min_score || (best == NLU_OPT_OUT && z[best] < OPT_OUT_MIN_SCORE)))
        return set_result(out, NLU_UNKNOWN, 1.0 - z[best]);
    return set_result(out, (nlu_intent)best, z[best]);
}
