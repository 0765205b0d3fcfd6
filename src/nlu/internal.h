/* internal.h -- what the files of src/nlu share (not a public header).
 *
 * normalize.c cuts a message into raw folded tokens; abbrev.c rewrites those
 * tokens (SMS abbreviations, Telex leftovers, split brand names) into the
 * folded form; features.c turns a folded form into feature hashes, the same
 * way at training and at classification time; examples.c reads the example
 * files, model.c trains on them and classify.c applies the result. */
#ifndef HD_NLU_INTERNAL_H
#define HD_NLU_INTERNAL_H

#include "nlu/classify.h"

#include <stddef.h>
#include <stdint.h>

/* Letters and digits of one code point in ASCII, lower-cased when lower is
 * set: "Ế" -> "e", "đ" -> "d", fullwidth "Ａ" -> "a". Returns the number of
 * bytes written to out (1..4), 0 when the code point is not a letter or digit
 * (a separator), -1 when it is to be ignored within a word (a combining mark
 * left over, a zero-width character). */
int nlu_fold_cp(int32_t cp, int lower, char out[4]);

/* One raw token: ASCII [a-z0-9]+ in the caller's text, plus the code points
 * it came from (to tell "hỏng", broken, from "hông", not). */
typedef struct nlu_rawtok {
    uint16_t off, len;          /* bytes of the raw folded text */
    uint16_t cp_off, cp_len;    /* code points of the NFC text */
} nlu_rawtok;

/* Rewrite raw tokens into the final folded form: one space between tokens,
 * abbreviations expanded. Writes at most cap bytes including the NUL and
 * returns the length; whole tokens only. */
size_t nlu_rewrite(const char *raw, const nlu_rawtok *tok, size_t ntok,
                   const int32_t *cps, char *out, size_t cap);

/* Feature hashes of a folded text, at most max of them; returns the count.
 * The top two bits of a hash are its kind (NLU_FK_*), which sets its weight. */
#define NLU_FEAT_MAX 1024
enum { NLU_FK_WORD, NLU_FK_PAIR, NLU_FK_CHAR, NLU_FK_SKIP };
#define NLU_FEAT_KIND(h) ((int)((h) >> 62))
size_t nlu_features(const char *folded, size_t len, uint64_t *feat, size_t max);
double nlu_feature_weight(uint64_t h);

/* The training examples: one per line of messages/intents/<intent>.txt,
 * then for each a copy with polite words around it (_prefixes.txt,
 * _suffixes.txt); base is the index of the line a copy was made from. */
typedef struct nlu_example {
    nlu_intent intent;
    char *folded;
    size_t base;
} nlu_example;

typedef struct nlu_exset {
    nlu_example *ex;
    size_t n, cap;
} nlu_exset;

int  nlu_exset_load(const char *messages_dir, nlu_exset *set, char *err, size_t errlen);
void nlu_exset_free(nlu_exset *set);

/* A linear model over hashed features: one row of weights per feature seen
 * in training, found through an open-addressing table of the hashes. Rows
 * are NLU_ROW floats wide (the lanes past NLU_INTENT_COUNT stay 0) so that
 * compilers turn the loops over a row into vector instructions. */
#define NLU_ROW 32
_Static_assert(NLU_INTENT_COUNT <= NLU_ROW, "NLU_ROW too small for the intents");

struct nlu_model {
    size_t    mask;             /* slots - 1 */
    uint64_t *keys;             /* 0 = empty slot */
    uint32_t *rows;             /* slot -> row of w */
    float    *w;                /* nfeat * NLU_ROW */
    size_t    nfeat;
    float     bias[NLU_INTENT_COUNT];
    double    min_score;        /* below this the answer is NLU_UNKNOWN */
};

/* Train on the examples whose skip[i] is 0 (skip may be NULL). */
int nlu_model_train(const nlu_exset *set, const unsigned char *skip, nlu_model **out,
                    char *err, size_t errlen);
/* Row of weights for a feature hash, NULL if never seen in training. */
const float *nlu_model_row(const nlu_model *m, uint64_t h);

#endif
