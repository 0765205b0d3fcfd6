/* fuzz_settings.c -- the .env file reader (settings_read_env_file) on any
 * file content. The file is written to a temporary path each run; whatever
 * the run put into the environment is taken out again afterwards, so runs
 * do not pile up variables or see each other's. */
#include "fuzz.h"

#include "core/err.h"
#include "core/settings.h"

#include <unistd.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

extern char **environ;

static char fset_path[64];
static char **fset_before;     /* NAME=value of what was there at start */
static size_t fset_nbefore;

static int fset_known(const char *entry)
{
    size_t n = strcspn(entry, "=");

    for (size_t i = 0; i < fset_nbefore; i++)
        if (strncmp(fset_before[i], entry, n) == 0 && fset_before[i][n] == '=')
            return 1;
    return 0;
}

static void fset_remove_path(void)
{
    if (fset_path[0])
        unlink(fset_path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    int fd;

    (void)argc;
    (void)argv;
    if (fset_path[0])
        return 0;
    snprintf(fset_path, sizeof fset_path, "/tmp/fuzz-settings-XXXXXX");
    fd = mkstemp(fset_path);
    if (fd < 0) {
        perror("fuzz_settings: mkstemp");
        exit(1);
    }
    close(fd);
    atexit(fset_remove_path);
    for (char **e = environ; *e; e++)
        fset_nbefore++;
    fset_before = calloc(fset_nbefore + 1, sizeof *fset_before);
    FZ_CHECK(fset_before != NULL);
    for (size_t i = 0; i < fset_nbefore; i++) {
        fset_before[i] = strdup(environ[i]);
        FZ_CHECK(fset_before[i] != NULL);
    }
    return 0;
}

/* Unset what the run added; the names are copied first since unsetenv
 * changes environ under us. */
static void fset_restore(void)
{
    char *names[256];
    size_t n;

    do {
        n = 0;
        for (char **e = environ; *e && n < sizeof names / sizeof names[0]; e++)
            if (!fset_known(*e))
                names[n++] = strndup(*e, strcspn(*e, "="));
        for (size_t i = 0; i < n; i++) {
            FZ_CHECK(names[i] != NULL);
            unsetenv(names[i]);
            free(names[i]);
        }
    } while (n > 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[256];
    FILE *f = fopen(fset_path, "wb");
    int rc;

    FZ_CHECK(f != NULL);
    FZ_CHECK(fwrite(data, 1, size, f) == size);
    FZ_CHECK(fclose(f) == 0);
    err[0] = '\0';
    rc = settings_read_env_file(fset_path, err, sizeof err);
    FZ_CHECK(rc == HD_OK || rc == HD_ECONFIG);
    if (rc != HD_OK)
        FZ_CHECK(err[0] != '\0' && memchr(err, '\0', sizeof err));
    /* existing variables win: nothing that was there has changed */
    for (size_t i = 0; i < fset_nbefore; i++) {
        size_t n = strcspn(fset_before[i], "=");
        char name[256];
        const char *v;
        if (n >= sizeof name || fset_before[i][n] != '=')
            continue;
        memcpy(name, fset_before[i], n);
        name[n] = '\0';
        v = getenv(name);
        FZ_CHECK(v != NULL && strcmp(v, fset_before[i] + n + 1) == 0);
    }
    fset_restore();
    return 0;
}
