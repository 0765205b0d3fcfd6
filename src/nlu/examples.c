/* examples.c -- reading the training examples of messages/intents/.
 *
 * One file per intent, named <intent id>.txt, one example per line; blank
 * lines and lines starting with '#' are skipped (messages/intents/README.md).
 * Files are read in name order so that training is the same on every
 * machine. This is the only I/O of the nlu module.
 *
 * Examples are written short, but citizens wrap their questions in
 * greetings and courtesy ("chao can bo, ... giup toi voi a", with diacritics). Without help the
 * model would learn those words from the few examples that happen to have
 * them, and long polite questions would drift to whatever intent that was.
 * So each example also gets a copy with words of _prefixes.txt and
 * _suffixes.txt around it: the same words then appear with every intent and
 * stop deciding anything. */
#include "internal.h"

#include "core/err.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXAMPLES_MAX 100000      /* far above what a person writes by hand */
#define FILES_MAX    256
#define NAME_MAX_LEN 64

static int grow(nlu_exset *set)
{
    size_t cap;
    nlu_example *ex;

    if (set->n == EXAMPLES_MAX)
        return HD_ETOOBIG;
    if (set->n < set->cap)
        return HD_OK;
    cap = set->cap ? set->cap * 2 : 256;
    if (!(ex = realloc(set->ex, cap * sizeof *ex)))
        return HD_ENOMEM;
    set->ex = ex;
    set->cap = cap;
    return HD_OK;
}

static int add_example(nlu_exset *set, nlu_intent intent, const char *line, size_t len)
{
    nlu_text *t = NULL;
    int rc;

    if ((rc = grow(set)) != HD_OK)
        return rc;
    if (!(t = malloc(sizeof *t)))
        return HD_ENOMEM;
    nlu_normalize(line, len, t);
    if (t->folded_len > 0) {
        char *f = malloc(t->folded_len + 1);
        if (!f) {
            rc = HD_ENOMEM;
            goto out;
        }
        memcpy(f, t->folded, t->folded_len + 1);
        set->ex[set->n].intent = intent;
        set->ex[set->n].folded = f;
        set->ex[set->n].base = set->n;
        set->n++;
    }
out:
    free(t);
    return rc;
}

static int load_file(nlu_exset *set, const char *path, nlu_intent intent,
                     char *err, size_t errlen)
{
    char line[NLU_INPUT_MAX + 2];
    FILE *fp = fopen(path, "r");
    int rc = HD_OK, lineno = 0;

    if (!fp)
        return hd_seterr(err, errlen, HD_EIO, "cannot open %s: %s", path, strerror(errno));
    while (fgets(line, sizeof line, fp)) {
        size_t len = strlen(line);
        lineno++;
        if (len == sizeof line - 1 && line[len - 1] != '\n' && !feof(fp)) {
            rc = hd_seterr(err, errlen, HD_ETOOBIG, "%s:%d: line too long", path, lineno);
            goto out;
        }
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len == 0 || line[0] == '#')
            continue;
        if ((rc = add_example(set, intent, line, len)) != HD_OK) {
            hd_seterr(err, errlen, rc, "%s:%d: cannot add example", path, lineno);
            goto out;
        }
    }
    if (ferror(fp))
        rc = hd_seterr(err, errlen, HD_EIO, "cannot read %s", path);
out:
    fclose(fp);
    return rc;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

/* A copy of example i with a prefix, a suffix or both, picked by i so that
 * training stays the same from run to run. */
static int augment(nlu_exset *set, const nlu_exset *pre, const nlu_exset *suf)
{
    size_t n0 = set->n;
    int rc;

    if (pre->n == 0 || suf->n == 0)
        return HD_OK;
    for (size_t i = 0; i < n0; i++) {
        const char *p = (i % 3 != 1) ? pre->ex[(i * 7 + 3) % pre->n].folded : "";
        const char *q = (i % 3 != 0) ? suf->ex[(i * 11 + 5) % suf->n].folded : "";
        size_t len = strlen(p) + strlen(set->ex[i].folded) + strlen(q) + 3;
        char *f;
        if ((rc = grow(set)) != HD_OK)
            return rc;
        if (!(f = malloc(len)))
            return HD_ENOMEM;
        snprintf(f, len, "%s%s%s%s%s", p, *p ? " " : "", set->ex[i].folded, *q ? " " : "", q);
        set->ex[set->n].intent = set->ex[i].intent;
        set->ex[set->n].folded = f;
        set->ex[set->n].base = i;
        set->n++;
    }
    return HD_OK;
}

int nlu_exset_load(const char *messages_dir, nlu_exset *set, char *err, size_t errlen)
{
    char (*names)[NAME_MAX_LEN] = NULL;
    char dir[4096], path[4096 + NAME_MAX_LEN + 2];
    nlu_exset pre, suf;
    size_t nnames = 0;
    DIR *d = NULL;
    struct dirent *de;
    int rc = HD_OK;

    if (!messages_dir || !set)
        return hd_seterr(err, errlen, HD_EINVAL, "no messages directory");
    memset(set, 0, sizeof *set);
    memset(&pre, 0, sizeof pre);
    memset(&suf, 0, sizeof suf);
    if ((size_t)snprintf(dir, sizeof dir, "%s/intents", messages_dir) >= sizeof dir)
        return hd_seterr(err, errlen, HD_EINVAL, "messages directory path too long");
    if (!(d = opendir(dir)))
        return hd_seterr(err, errlen, HD_EIO, "cannot open %s: %s", dir, strerror(errno));
    if (!(names = calloc(FILES_MAX, sizeof *names))) {
        rc = hd_seterr(err, errlen, HD_ENOMEM, "out of memory");
        goto out;
    }
    while ((de = readdir(d)) != NULL) {
        size_t n = strlen(de->d_name);
        if (n < 5 || strcmp(de->d_name + n - 4, ".txt") != 0 || de->d_name[0] == '.')
            continue;
        if (n >= NAME_MAX_LEN || nnames == FILES_MAX) {
            rc = hd_seterr(err, errlen, HD_ECONFIG, "%s: too many or too long file names", dir);
            goto out;
        }
        memcpy(names[nnames++], de->d_name, n + 1);
    }
    qsort(names, nnames, sizeof *names, name_cmp);
    for (size_t i = 0; i < nnames; i++) {
        char id[NAME_MAX_LEN];
        size_t n = strlen(names[i]) - 4;
        nlu_exset *into = set;
        memcpy(id, names[i], n);
        id[n] = '\0';
        if (strcmp(id, "_prefixes") == 0)
            into = &pre;
        else if (strcmp(id, "_suffixes") == 0)
            into = &suf;
        else if (!nlu_intent_valid(id)) {
            rc = hd_seterr(err, errlen, HD_ECONFIG, "%s/%s: not an intent id", dir, names[i]);
            goto out;
        }
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if ((rc = load_file(into, path, nlu_intent_from_id(id), err, errlen)) != HD_OK)
            goto out;
    }
    if (set->n == 0) {
        rc = hd_seterr(err, errlen, HD_ECONFIG, "%s: no examples", dir);
        goto out;
    }
    if ((rc = augment(set, &pre, &suf)) != HD_OK)
        hd_seterr(err, errlen, rc, "%s: cannot add polite variants", dir);
out:
    if (d)
        closedir(d);
    free(names);
    nlu_exset_free(&pre);
    nlu_exset_free(&suf);
    if (rc != HD_OK)
        nlu_exset_free(set);
    return rc;
}

void nlu_exset_free(nlu_exset *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->n; i++)
        free(set->ex[i].folded);
    free(set->ex);
    memset(set, 0, sizeof *set);
}
