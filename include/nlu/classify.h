/* classify.h -- from a normalised message to one intent of intents.h.
 *
 * The model is built at start from the example files in messages/ and is
 * read-only afterwards, so one model may be shared by every thread.
 * Classification is pure and allocation-free. */
#ifndef HD_NLU_CLASSIFY_H
#define HD_NLU_CLASSIFY_H

#include "nlu/intents.h"
#include "nlu/normalize.h"

#include <stddef.h>

typedef struct nlu_model nlu_model;

typedef struct nlu_result {
    nlu_intent intent;   /* NLU_UNKNOWN when nothing is confident enough */
    double     score;    /* 0..1, confidence in intent */
} nlu_result;

/* Build from the examples under messages_dir (see messages/README.md). */
int  nlu_model_load(const char *messages_dir, nlu_model **out, char *err, size_t errlen);
void nlu_model_free(nlu_model *m);

int nlu_classify(const nlu_model *m, const nlu_text *t, nlu_result *out);

#endif
