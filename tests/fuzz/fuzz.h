/* fuzz.h -- what every fuzz target shares.
 *
 * Each tests/fuzz/fuzz_<name>.c defines LLVMFuzzerInitialize (load data once)
 * and LLVMFuzzerTestOneInput. Built with clang -fsanitize=fuzzer they are
 * libFuzzer targets (`make fuzz`); tests/unit/test_fuzz_regressions.c
 * includes them all, renamed, and replays the seed corpus and the saved
 * crashes through them with gcc, so the same checks run in `make test`.
 * Because of that include, every file-level name in a target carries the
 * target's own prefix.
 *
 * A target checks more than "no crash": FZ_CHECK aborts on a broken promise
 * of the API (a reply that is empty, text that is not UTF-8, ...), and an
 * abort is a finding like any sanitizer report. */
#ifndef HD_FUZZ_H
#define HD_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FZ_CHECK(cond) do { if (!(cond)) { \
    fprintf(stderr, "fuzz check failed: %s:%d: %s\n", __FILE__, __LINE__, #cond); \
    abort(); } } while (0)

/* Strict UTF-8 (no overlongs, surrogates or code points past U+10FFFF). */
static inline int fz_utf8_ok(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    while (i < len) {
        unsigned c = p[i];
        size_t n;
        unsigned cp, min;

        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) { n = 1; cp = c & 0x1F; min = 0x80; }
        else if (c >= 0xE0 && c <= 0xEF) { n = 2; cp = c & 0x0F; min = 0x800; }
        else if (c >= 0xF0 && c <= 0xF4) { n = 3; cp = c & 0x07; min = 0x10000; }
        else return 0;
        if (len - i <= n)
            return 0;
        for (size_t k = 1; k <= n; k++) {
            if ((p[i + k] & 0xC0) != 0x80)
                return 0;
            cp = cp << 6 | (p[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += n + 1;
    }
    return 1;
}

/* A NUL-terminated copy of the input (the caller frees it). */
static inline char *fz_cstr(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);

    if (!s)
        abort();
    if (size)
        memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/* Where the targets find messages/ and data/: the environment of the server
 * (HELPDESK_MESSAGES, HELPDESK_DATA), else the repository root. */
static inline const char *fz_messages_dir(void)
{
    const char *d = getenv("HELPDESK_MESSAGES");
    return d && *d ? d : "messages";
}

static inline const char *fz_communes_path(char *buf, size_t cap)
{
    const char *d = getenv("HELPDESK_DATA");
    snprintf(buf, cap, "%s/communes.tsv", d && *d ? d : "data");
    return buf;
}

/* The first line of data (without '\n') and what follows it. */
static inline void fz_split_line(const uint8_t *data, size_t size,
                                 const uint8_t **line, size_t *line_len,
                                 const uint8_t **rest, size_t *rest_len)
{
    const uint8_t *nl = size ? memchr(data, '\n', size) : NULL;

    *line = data;
    *line_len = nl ? (size_t)(nl - data) : size;
    *rest = nl ? nl + 1 : data + size;
    *rest_len = size - (size_t)(*rest - data);
}

#endif
