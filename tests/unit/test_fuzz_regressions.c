/* test_fuzz_regressions.c -- every fuzz target, built as a plain program,
 * replays its seed corpus and the inputs that once broke it:
 *
 *   tests/fuzz/corpus/<name>/        seeds (also what `make fuzz` starts from)
 *   tests/fuzz/regressions/<name>/   each crash found and fixed, kept forever
 *
 * The targets' own checks run here as under libFuzzer: a broken promise or
 * a sanitizer report (in the build/san run) aborts the program, and
 * tests/run.sh counts that as a failure. Run from the repository root.
 *
 * The targets are included whole, with their two entry points renamed, so
 * this builds with gcc and without libFuzzer. A new target is one #include
 * block, its name in FUZZ_TARGETS and one T() in TEST_MAIN. */
#include "test.h"

#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>

#define LLVMFuzzerInitialize fuzz_kannel_init
#define LLVMFuzzerTestOneInput fuzz_kannel_one
#include "../fuzz/fuzz_kannel.c"
#undef LLVMFuzzerInitialize
#undef LLVMFuzzerTestOneInput

#define LLVMFuzzerInitialize fuzz_zalo_init
#define LLVMFuzzerTestOneInput fuzz_zalo_one
#include "../fuzz/fuzz_zalo.c"
#undef LLVMFuzzerInitialize
#undef LLVMFuzzerTestOneInput

#define LLVMFuzzerInitialize fuzz_form_init
#define LLVMFuzzerTestOneInput fuzz_form_one
#include "../fuzz/fuzz_form.c"
#undef LLVMFuzzerInitialize
#undef LLVMFuzzerTestOneInput

#define LLVMFuzzerInitialize fuzz_nlu_init
#define LLVMFuzzerTestOneInput fuzz_nlu_one
#include "../fuzz/fuzz_nlu.c"
#undef LLVMFuzzerInitialize
#undef LLVMFuzzerTestOneInput

#define LLVMFuzzerInitialize fuzz_geo_init
#define LLVMFuzzerTestOneInput fuzz_geo_one
#include "../fuzz/fuzz_geo.c"
#undef LLVMFuzzerInitialize
#undef LLVMFuzzerTestOneInput

#define LLVMFuzzerInitialize fuzz_idnum_init
#define LLVMFuzzerTestOneInput fuzz_idnum_one
#include "../fuzz/fuzz_idnum.c"
#undef LLVMFuzzerInitialize
#undef LLVMFuzzerTestOneInput

#define LLVMFuzzerInitialize fuzz_json_init
#define LLVMFuzzerTestOneInput fuzz_json_one
#include "../fuzz/fuzz_json.c"
#undef LLVMFuzzerInitialize
#undef LLVMFuzzerTestOneInput

#define LLVMFuzzerInitialize fuzz_settings_init
#define LLVMFuzzerTestOneInput fuzz_settings_one
#include "../fuzz/fuzz_settings.c"
#undef LLVMFuzzerInitialize
#undef LLVMFuzzerTestOneInput

#define LLVMFuzzerInitialize fuzz_dialog_init
#define LLVMFuzzerTestOneInput fuzz_dialog_one
#include "../fuzz/fuzz_dialog.c"
#undef LLVMFuzzerInitialize
#undef LLVMFuzzerTestOneInput

#define LLVMFuzzerInitialize fuzz_csv_init
#define LLVMFuzzerTestOneInput fuzz_csv_one
#include "../fuzz/fuzz_csv.c"
#undef LLVMFuzzerInitialize
#undef LLVMFuzzerTestOneInput

typedef int (*fr_init_fn)(int *, char ***);
typedef int (*fr_one_fn)(const uint8_t *, size_t);

/* Feed every regular file of dir to one; returns how many, -1 if the
 * directory is missing. */
static int fr_replay_dir(const char *dir, fr_one_fn one)
{
    struct dirent **names = NULL;
    int n = scandir(dir, &names, NULL, alphasort), count = 0;

    if (n < 0)
        return -1;
    for (int i = 0; i < n; i++) {
        char path[1024];
        struct stat st;
        FILE *f;
        uint8_t *data;

        snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
        if (names[i]->d_name[0] == '.' || stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
            free(names[i]);
            continue;
        }
        data = malloc((size_t)st.st_size + 1);
        f = fopen(path, "rb");
        CHECK_MSG(data && f, "cannot read %s", path);
        if (data && f && fread(data, 1, (size_t)st.st_size, f) == (size_t)st.st_size) {
            /* a crash here names the input: it is the last line printed */
            fprintf(stderr, "replay %s\n", path);
            one(data, (size_t)st.st_size);
            count++;
        }
        if (f)
            fclose(f);
        free(data);
        free(names[i]);
    }
    free(names);
    return count;
}

static void fr_replay(const char *name, fr_init_fn init, fr_one_fn one)
{
    char dir[512];
    int argc = 1, seeds, crashes;
    char *args[] = { (char *)name, NULL }, **argv = args;

    CHECK_INT(init(&argc, &argv), 0);
    snprintf(dir, sizeof dir, "tests/fuzz/corpus/%s", name);
    seeds = fr_replay_dir(dir, one);
    CHECK_MSG(seeds > 0, "no seeds in %s (run from the repository root)", dir);
    snprintf(dir, sizeof dir, "tests/fuzz/regressions/%s", name);
    crashes = fr_replay_dir(dir, one);
    /* the empty input, which every target must take */
    one((const uint8_t *)"", 0);
    fprintf(stderr, "%s: %d seeds, %d regressions replayed\n", name, seeds,
            crashes < 0 ? 0 : crashes);
}

#define FUZZ_TARGETS(X) X(kannel) X(zalo) X(form) X(nlu) X(geo) X(idnum) X(json) X(settings) X(dialog) X(csv)

#define FR_CASE(name) \
    static void fuzz_##name(void) { fr_replay(#name, fuzz_##name##_init, fuzz_##name##_one); }
FUZZ_TARGETS(FR_CASE)
#undef FR_CASE

TEST_MAIN(T(fuzz_kannel), T(fuzz_zalo), T(fuzz_form), T(fuzz_nlu), T(fuzz_geo), T(fuzz_idnum),
          T(fuzz_json), T(fuzz_settings), T(fuzz_dialog), T(fuzz_csv))
