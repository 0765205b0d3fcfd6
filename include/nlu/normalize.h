/* normalize.h -- turning what a citizen typed into forms the classifier and
 * the dialogue engine can compare. Pure functions: no I/O, no global state.
 *
 * Input may be anything: invalid UTF-8 (bad bytes become U+FFFD, then are
 * dropped from the folded form), control characters, any length (only the
 * first NLU_INPUT_MAX bytes are looked at, cut on a character boundary). */
#ifndef HD_NLU_NORMALIZE_H
#define HD_NLU_NORMALIZE_H

#include <stddef.h>

#define NLU_INPUT_MAX 2048            /* bytes of a message that are understood */
#define NLU_NFC_MAX   (NLU_INPUT_MAX * 3 + 1)
#define NLU_FOLD_MAX  (NLU_INPUT_MAX * 2 + 1)

typedef struct nlu_text {
    /* NFC, valid UTF-8, control characters turned to spaces, trimmed. */
    char nfc[NLU_NFC_MAX];
    /* Lower case ASCII only: diacritics removed, đ -> d, every other
     * non-alphanumeric run -> one space, trimmed, and SMS abbreviations
     * expanded (ko/k -> khong, dc -> duoc, sdt/dt -> so dien thoai, ...).
     * This is what classifiers and keyword matches look at. */
    char folded[NLU_FOLD_MAX];
    size_t nfc_len, folded_len;
} nlu_text;

/* Fill out from len bytes at in. Always succeeds for any input (HD_OK);
 * HD_EINVAL only for NULL arguments. */
int nlu_normalize(const char *in, size_t len, nlu_text *out);

/* Remove Vietnamese diacritics, keeping case, punctuation and spacing:
 * "Đăng ký mức 2" -> "Dang ky muc 2". Used to render SMS. Characters that
 * have no ASCII form are replaced by a close ASCII equivalent or dropped.
 * Writes at most cap bytes including the NUL; HD_ETOOBIG if truncated. */
int nlu_unaccent(const char *in, size_t len, char *out, size_t cap);

#endif
