/* cli_classify.c -- `classify`: one message per line on stdin, one JSON
 * object per line on stdout: {"intent":"...","score":0.93}.
 *
 * Lines of any length are accepted: only the first NLU_INPUT_MAX bytes are
 * understood, the rest of a long line is read and discarded, so that every
 * input line gives exactly one output line. Needs messages/ only, no
 * database. */
#include "cli/cli.h"
#include "core/err.h"
#include "core/settings.h"
#include "nlu/classify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CLASSIFY_LINE_MAX (NLU_INPUT_MAX + 2)

/* Reads one line into line (at most cap-1 bytes kept). Returns the number of
 * bytes kept, or -1 at end of input with nothing read. */
static long read_line(FILE *in, char *line, size_t cap)
{
    size_t n = 0;
    int c, any = 0;

    while ((c = getc(in)) != EOF) {
        any = 1;
        if (c == '\n')
            break;
        if (n < cap - 1)
            line[n++] = (char)c;
    }
    if (!any)
        return -1;
    if (n && line[n - 1] == '\r')
        n--;
    line[n] = '\0';
    return (long)n;
}

int cli_classify(int argc, char **argv)
{
    static nlu_text t;   /* large: keep it off the stack */
    char line[CLASSIFY_LINE_MAX];
    char err[512] = "";
    nlu_model *m = NULL;
    settings cfg;
    long n;
    int rc;

    (void)argc;
    (void)argv;
    rc = settings_load(&cfg, NULL, err, sizeof err);
    if (rc == HD_OK)
        rc = nlu_model_load(cfg.messages_dir, &m, err, sizeof err);
    if (rc) {
        fprintf(stderr, "vneid-helpdesk classify: %s\n", err[0] ? err : hd_strerror(rc));
        return 1;
    }
    while ((n = read_line(stdin, line, sizeof line)) >= 0) {
        nlu_result r = { NLU_UNKNOWN, 0.0 };

        if (nlu_normalize(line, (size_t)n, &t) != HD_OK || nlu_classify(m, &t, &r) != HD_OK) {
            r.intent = NLU_UNKNOWN;
            r.score = 0.0;
        }
        if (!(r.score >= 0.0))
            r.score = 0.0;
        if (r.score > 1.0)
            r.score = 1.0;
        printf("{\"intent\":\"%s\",\"score\":%.4f}\n", nlu_intent_id(r.intent), r.score);
    }
    fflush(stdout);
    nlu_model_free(m);
    return 0;
}
