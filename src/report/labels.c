/* labels.c -- load messages/report.json (see include/report/labels.h).
 *
 * Strict on purpose: a typo in a key would otherwise leave a column without
 * its title in every spreadsheet, and nobody reads the server's log. */
#include "report/labels.h"
#include "core/buf.h"
#include "core/err.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#define LABELS_FILE_MAX (64 * 1024)

#define LABEL_KEY(e, key) key,
static const char *const column_keys[REPORT_COL_COUNT] = { REPORT_COLUMN_MAP(LABEL_KEY) };
static const char *const value_keys[REPORT_VAL_COUNT] = { REPORT_VALUE_MAP(LABEL_KEY) };
#undef LABEL_KEY

static int utf8_valid(const char *s)
{
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    utf8proc_int32_t cp;

    while (*p) {
        utf8proc_ssize_t n = utf8proc_iterate(p, -1, &cp);
        if (n <= 0 || cp < 0x20)
            return 0;
        p += n;
    }
    return 1;
}

/* Copies section.key of doc into *out; nkeys keys, in keys[]. Any other key
 * in the section is refused too. */
static int load_section(const char *path, const cJSON *doc, const char *section,
                        const char *const *keys, int nkeys, char **out, char *err, size_t errlen)
{
    const cJSON *sec = cJSON_GetObjectItemCaseSensitive(doc, section), *it;

    if (!cJSON_IsObject(sec))
        return hd_seterr(err, errlen, HD_EPARSE, "%s: %s: missing or not an object", path, section);
    for (int i = 0; i < nkeys; i++) {
        size_t n;

        it = cJSON_GetObjectItemCaseSensitive(sec, keys[i]);
        if (!it)
            return hd_seterr(err, errlen, HD_EPARSE, "%s: %s.%s: missing", path, section, keys[i]);
        if (!cJSON_IsString(it) || !it->valuestring[0] || !utf8_valid(it->valuestring) ||
            (n = strlen(it->valuestring)) > REPORT_LABEL_MAX)
            return hd_seterr(err, errlen, HD_EPARSE,
                             "%s: %s.%s: must be a non-empty UTF-8 string of at most %d bytes",
                             path, section, keys[i], REPORT_LABEL_MAX);
        if (!(out[i] = malloc(n + 1)))
            return hd_seterr(err, errlen, HD_ENOMEM, "%s: out of memory", path);
        memcpy(out[i], it->valuestring, n + 1);
    }
    cJSON_ArrayForEach(it, sec) {
        int known = 0;
        for (int i = 0; !known && i < nkeys; i++)
            known = strcmp(it->string, keys[i]) == 0;
        if (!known)
            return hd_seterr(err, errlen, HD_EPARSE, "%s: %s.%s: unknown key", path, section,
                             it->string);
    }
    return HD_OK;
}

int report_labels_load(const char *messages_dir, report_labels **out, char *err, size_t errlen)
{
    const char *intent_keys[NLU_INTENT_COUNT];
    char path[4096];
    report_labels *l = NULL;
    cJSON *doc = NULL;
    const cJSON *it;
    buf b;
    int rc;

    if (!messages_dir || !out)
        return hd_seterr(err, errlen, HD_EINVAL, "report labels: no messages directory");
    *out = NULL;
    buf_init(&b, LABELS_FILE_MAX);
    if ((size_t)snprintf(path, sizeof path, "%s/report.json", messages_dir) >= sizeof path) {
        rc = hd_seterr(err, errlen, HD_EINVAL, "report labels: messages directory name too long");
        goto out;
    }
    if ((rc = buf_read_file(&b, path, err, errlen)))
        goto out;
    if (!(doc = cJSON_ParseWithLength(buf_str(&b), b.len)) || !cJSON_IsObject(doc)) {
        rc = hd_seterr(err, errlen, HD_EPARSE, "%s: not a JSON object", path);
        goto out;
    }
    cJSON_ArrayForEach(it, doc) {
        if (strcmp(it->string, "about") && strcmp(it->string, "columns") &&
            strcmp(it->string, "values") && strcmp(it->string, "intents")) {
            rc = hd_seterr(err, errlen, HD_EPARSE, "%s: %s: unknown key", path, it->string);
            goto out;
        }
    }
    if (!(l = calloc(1, sizeof *l))) {
        rc = hd_seterr(err, errlen, HD_ENOMEM, "%s: out of memory", path);
        goto out;
    }
    for (int i = 0; i < NLU_INTENT_COUNT; i++)
        intent_keys[i] = nlu_intent_id((nlu_intent)i);
    if ((rc = load_section(path, doc, "columns", column_keys, REPORT_COL_COUNT, l->column, err,
                           errlen)) ||
        (rc = load_section(path, doc, "values", value_keys, REPORT_VAL_COUNT, l->value, err,
                           errlen)) ||
        (rc = load_section(path, doc, "intents", intent_keys, NLU_INTENT_COUNT, l->intent, err,
                           errlen)))
        goto out;
    *out = l;
    l = NULL;
out:
    report_labels_free(l);
    cJSON_Delete(doc);
    buf_free(&b);
    return rc;
}

void report_labels_free(report_labels *l)
{
    if (!l)
        return;
    for (int i = 0; i < REPORT_COL_COUNT; i++)
        free(l->column[i]);
    for (int i = 0; i < REPORT_VAL_COUNT; i++)
        free(l->value[i]);
    for (int i = 0; i < NLU_INTENT_COUNT; i++)
        free(l->intent[i]);
    free(l);
}
