/* model.c -- training the intent classifier from the examples at start.
 *
 * Multinomial logistic regression over hashed features, trained by averaged
 * stochastic gradient descent. It takes a few tens of milliseconds for two
 * thousand examples, gives probabilities (the score of a result) rather than
 * raw votes, and weighs features by how well they separate intents rather
 * than by how often they occur, which suits short messages where one word
 * ("otp", "chinh chu") decides. The shuffle uses a fixed seed: the same
 * examples always give the same model. */
#include "internal.h"

#include "core/err.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define C NLU_INTENT_COUNT

#ifndef NLU_EPOCHS
#define NLU_EPOCHS 10
#endif
#ifndef NLU_LRATE
#define NLU_LRATE 4.0
#endif
#define GRAD_MIN 1e-3f
#ifndef NLU_SEED
#define NLU_SEED 0x9E3779B97F4A7C15ULL
#endif

#ifndef NLU_MIN_SCORE
#define NLU_MIN_SCORE 0.40
#endif

typedef struct train_set {
    uint32_t *row;        /* feature rows of all examples, one after another */
    float    *val;        /* their values */
    size_t   *off;        /* example i uses row[off[i] .. off[i + 1]) */
    nlu_intent *label;
    size_t    n, len, cap;
} train_set;

static uint64_t slot_of(size_t mask, uint64_t h)
{
    /* The low bits of FNV are good enough once mixed with the high ones. */
    return (h ^ (h >> 29) ^ (h >> 47)) & mask;
}

const float *nlu_model_row(const nlu_model *m, uint64_t h)
{
    size_t s = slot_of(m->mask, h);

    while (m->keys[s]) {
        if (m->keys[s] == h)
            return m->w + (size_t)m->rows[s] * NLU_ROW;
        s = (s + 1) & m->mask;
    }
    return NULL;
}

static int table_alloc(nlu_model *m, size_t slots)
{
    m->mask = slots - 1;
    m->keys = calloc(slots, sizeof *m->keys);
    m->rows = calloc(slots, sizeof *m->rows);
    return m->keys && m->rows ? HD_OK : HD_ENOMEM;
}

/* Double the table when half full, so that probes stay short. */
static int table_grow(nlu_model *m)
{
    uint64_t *keys = m->keys;
    uint32_t *rows = m->rows;
    size_t slots = m->mask + 1;
    int rc;

    if ((rc = table_alloc(m, slots * 2)) != HD_OK) {
        free(m->keys);
        free(m->rows);
        m->keys = keys;
        m->rows = rows;
        m->mask = slots - 1;
        return rc;
    }
    for (size_t i = 0; i < slots; i++) {
        size_t s;
        if (!keys[i])
            continue;
        for (s = slot_of(m->mask, keys[i]); m->keys[s]; s = (s + 1) & m->mask)
            ;
        m->keys[s] = keys[i];
        m->rows[s] = rows[i];
    }
    free(keys);
    free(rows);
    return HD_OK;
}

/* Row of h, added when new; -1 when out of memory. */
static long model_intern(nlu_model *m, uint64_t h)
{
    size_t s;

    if ((m->nfeat + 1) * 2 > m->mask + 1 && table_grow(m) != HD_OK)
        return -1;
    for (s = slot_of(m->mask, h); m->keys[s]; s = (s + 1) & m->mask)
        if (m->keys[s] == h)
            return m->rows[s];
    m->keys[s] = h;
    m->rows[s] = (uint32_t)m->nfeat;
    return (long)m->nfeat++;
}

static int set_push(train_set *t, uint32_t row, float val)
{
    if (t->len == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16384;
        uint32_t *r = realloc(t->row, cap * sizeof *r);
        float *v;
        if (!r)
            return HD_ENOMEM;
        t->row = r;
        if (!(v = realloc(t->val, cap * sizeof *v)))
            return HD_ENOMEM;
        t->val = v;
        t->cap = cap;
    }
    t->row[t->len] = row;
    t->val[t->len++] = val;
    return HD_OK;
}

static void set_free(train_set *t)
{
    free(t->row);
    free(t->val);
    free(t->off);
    free(t->label);
}

/* Features of every example into rows of m. */
static int build_set(const nlu_exset *set, const unsigned char *skip, nlu_model *m, train_set *t)
{
    uint64_t feat[NLU_FEAT_MAX];
    int rc;

    if ((rc = table_alloc(m, 4096)) != HD_OK)
        return rc;
    t->off = calloc(set->n + 1, sizeof *t->off);
    t->label = calloc(set->n, sizeof *t->label);
    if (!t->off || !t->label)
        return HD_ENOMEM;

    for (size_t i = 0; i < set->n; i++) {
        size_t k;
        double norm = 0;
        if (skip && skip[i])
            continue;
        k = nlu_features(set->ex[i].folded, strlen(set->ex[i].folded), feat, NLU_FEAT_MAX);
        for (size_t j = 0; j < k; j++)
            norm += nlu_feature_weight(feat[j]) * nlu_feature_weight(feat[j]);
        norm = norm > 0 ? sqrt(norm) : 1;
        t->off[t->n] = t->len;
        t->label[t->n] = set->ex[i].intent;
        for (size_t j = 0; j < k; j++) {
            long row = model_intern(m, feat[j]);
            if (row < 0)
                return HD_ENOMEM;
            if ((rc = set_push(t, (uint32_t)row, (float)(nlu_feature_weight(feat[j]) / norm))) != HD_OK)
                return rc;
        }
        t->n++;
    }
    t->off[t->n] = t->len;
    return HD_OK;
}

static uint64_t xorshift(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Averaged SGD: w holds the current weights, u the updates weighted by the
 * step they happened at; the average over all steps is w - u / steps. */
static int sgd(nlu_model *m, const train_set *t)
{
    float *u = calloc(m->nfeat * NLU_ROW, sizeof *u);
    size_t *order = malloc((t->n ? t->n : 1) * sizeof *order);
    double ub[C] = { 0 };
    float z[NLU_ROW], step[C];
    int active[C], na;
    uint64_t seed = NLU_SEED;
    double steps = 1;

    if (!u || !order) {
        free(u);
        free(order);
        return HD_ENOMEM;
    }
    for (size_t i = 0; i < t->n; i++)
        order[i] = i;
    for (int epoch = 0; epoch < NLU_EPOCHS; epoch++) {
        double lr = NLU_LRATE / (1.0 + epoch * 0.5);
        for (size_t i = t->n; i > 1; i--) {
            size_t j = (size_t)(xorshift(&seed) % i), tmp = order[i - 1];
            order[i - 1] = order[j];
            order[j] = tmp;
        }
        for (size_t oi = 0; oi < t->n; oi++) {
            size_t e = order[oi];
            float max = -1e30f, sum = 0, fsteps = (float)steps;
            for (int c = 0; c < NLU_ROW; c++)
                z[c] = 0;
            for (size_t k = t->off[e]; k < t->off[e + 1]; k++) {
                const float *w = m->w + (size_t)t->row[k] * NLU_ROW;
                float v = t->val[k];
                for (int c = 0; c < NLU_ROW; c++)
                    z[c] += w[c] * v;
            }
            for (int c = 0; c < C; c++)
                z[c] += m->bias[c];
            for (int c = 0; c < C; c++)
                if (z[c] > max)
                    max = z[c];
            for (int c = 0; c < C; c++)
                sum += (z[c] = expf(z[c] - max));
            /* Only classes with a gradient worth the name are updated: once
             * an example is learnt, its probabilities are ~0 or ~1 and the
             * update would change nothing but cost most of the time. */
            na = 0;
            for (int c = 0; c < C; c++) {
                float g = z[c] / sum - (c == (int)t->label[e] ? 1.0f : 0.0f);
                if (g > -GRAD_MIN && g < GRAD_MIN)
                    continue;
                step[na] = (float)-lr * g;
                active[na++] = c;
                m->bias[c] += step[na - 1];
                ub[c] += steps * step[na - 1];
            }
            for (size_t k = t->off[e]; k < t->off[e + 1] && na > 0; k++) {
                float *w = m->w + (size_t)t->row[k] * NLU_ROW;
                float *uw = u + (size_t)t->row[k] * NLU_ROW;
                float v = t->val[k], sv = fsteps * v;
                for (int a = 0; a < na; a++) {
                    w[active[a]] += step[a] * v;
                    uw[active[a]] += step[a] * sv;
                }
            }
            steps += 1;
        }
    }
    for (size_t k = 0; k < m->nfeat * NLU_ROW; k++)
        m->w[k] -= (float)(u[k] / steps);
    for (int c = 0; c < C; c++)
        m->bias[c] -= (float)(ub[c] / steps);
    free(u);
    free(order);
    return HD_OK;
}

int nlu_model_train(const nlu_exset *set, const unsigned char *skip, nlu_model **out,
                    char *err, size_t errlen)
{
    train_set t;
    nlu_model *m;
    int rc;

    if (!set || !out)
        return hd_seterr(err, errlen, HD_EINVAL, "no examples to train on");
    *out = NULL;
    memset(&t, 0, sizeof t);
    if (!(m = calloc(1, sizeof *m)))
        return hd_seterr(err, errlen, HD_ENOMEM, "out of memory");
    m->min_score = NLU_MIN_SCORE;
    if ((rc = build_set(set, skip, m, &t)) != HD_OK)
        goto out;
    if (!(m->w = calloc(m->nfeat ? m->nfeat * NLU_ROW : 1, sizeof *m->w))) {
        rc = HD_ENOMEM;
        goto out;
    }
    rc = sgd(m, &t);
out:
    set_free(&t);
    if (rc != HD_OK) {
        nlu_model_free(m);
        return hd_seterr(err, errlen, rc, "cannot train the intent model: %s", hd_strerror(rc));
    }
    *out = m;
    return HD_OK;
}

int nlu_model_load(const char *messages_dir, nlu_model **out, char *err, size_t errlen)
{
    nlu_exset set;
    int rc;

    if (!messages_dir || !out)
        return hd_seterr(err, errlen, HD_EINVAL, "nlu_model_load: missing argument");
    *out = NULL;
    if ((rc = nlu_exset_load(messages_dir, &set, err, errlen)) != HD_OK)
        return rc;
    rc = nlu_model_train(&set, NULL, out, err, errlen);
    nlu_exset_free(&set);
    return rc;
}

void nlu_model_free(nlu_model *m)
{
    if (!m)
        return;
    free(m->keys);
    free(m->rows);
    free(m->w);
    free(m);
}
