/* examples.c -- reading the training examples of messages/intents/.
 *
 * One file per intent, named <intent id>.txt, one example per line; blank
 * lines and lines starting with '#' are skipped (messages/intents/README.md).
 * Files are read in name order so that training is the same on every
 * machine. This is the only I/O of the nlu module. */
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

static int add_example(nlu_exset *set, nlu_intent intent, const char *line, size_t len)
{
    nlu_text *t = NULL;
    int rc = HD_OK;

    if (set->n == EXAMPLES_MAX)
        return HD_ETOOBIG;
    if (set->n == set->cap) {
        size_t cap = set->cap ? set->cap * 2 : 256;
        nlu_example *ex = realloc(set->ex, cap * sizeof *ex);
        if (!ex)
            return HD_ENOMEM;
        set->ex = ex;
        set->cap = cap;
    }
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

int nlu_exset_load(const char *messages_dir, nlu_exset *set, char *err, size_t errlen)
{
    char (*names)[NAME_MAX_LEN] = NULL;
    char dir[4096], path[4096 + NAME_MAX_LEN + 2];
    size_t nnames = 0;
    DIR *d = NULL;
    struct dirent *de;
    int rc = HD_OK;

    if (!messages_dir || !set)
        return hd_seterr(err, errlen, HD_EINVAL, "no messages directory");
    memset(set, 0, sizeof *set);
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
        memcpy(id, names[i], n);
        id[n] = '\0';
        if (!nlu_intent_valid(id)) {
            rc = hd_seterr(err, errlen, HD_ECONFIG, "%s/%s: not an intent id", dir, names[i]);
            goto out;
        }
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if ((rc = load_file(set, path, nlu_intent_from_id(id), err, errlen)) != HD_OK)
            goto out;
    }
    if (set->n == 0)
        rc = hd_seterr(err, errlen, HD_ECONFIG, "%s: no examples", dir);
out:
    if (d)
        closedir(d);
    free(names);
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
