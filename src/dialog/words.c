/* words.c -- does a folded message match one of the flow's word lists?
 *
 * Messages and words are both in the folded form of nlu_normalize() (lower
 * case ASCII words separated by single spaces), so a match on word boundaries
 * is a plain string search with a look at the neighbours. */
#include "flow_int.h"

#include <string.h>

static int boundary_before(const char *s, const char *at)
{
    return at == s || at[-1] == ' ';
}

static int boundary_after(const char *end)
{
    return *end == '\0' || *end == ' ';
}

int dlg_words_exact(const dlg_words *w, const char *folded)
{
    for (int i = 0; i < w->n; i++)
        if (strcmp(w->w[i], folded) == 0)
            return 1;
    return 0;
}

int dlg_words_contain(const dlg_words *w, const char *folded)
{
    for (int i = 0; i < w->n; i++) {
        size_t len = strlen(w->w[i]);
        for (const char *p = strstr(folded, w->w[i]); p; p = strstr(p + 1, w->w[i]))
            if (boundary_before(folded, p) && boundary_after(p + len))
                return 1;
    }
    return 0;
}
