/* intents.c -- the intent ids of intents.h as strings and back. */
#include "nlu/intents.h"

#include <string.h>

static const char *const nlu_intent_ids[NLU_INTENT_COUNT] = {
#define NLU_INTENT_STR(e, id) id,
    NLU_INTENT_MAP(NLU_INTENT_STR)
#undef NLU_INTENT_STR
};

const char *nlu_intent_id(nlu_intent i)
{
    if ((int)i < 0 || i >= NLU_INTENT_COUNT)
        return nlu_intent_ids[NLU_UNKNOWN];
    return nlu_intent_ids[i];
}

static int intent_lookup(const char *id)
{
    if (!id)
        return -1;
    for (int i = 0; i < NLU_INTENT_COUNT; i++)
        if (strcmp(nlu_intent_ids[i], id) == 0)
            return i;
    return -1;
}

nlu_intent nlu_intent_from_id(const char *id)
{
    int i = intent_lookup(id);

    return i < 0 ? NLU_UNKNOWN : (nlu_intent)i;
}

int nlu_intent_valid(const char *id)
{
    return intent_lookup(id) >= 0;
}
