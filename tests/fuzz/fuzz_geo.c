/* fuzz_geo.c -- the commune lookup on what a citizen types, against the
 * real directory (data/communes.tsv and its pre-2025 siblings, loaded once).
 *
 * Input: byte 0 picks how many matches are asked for, the rest is the text. */
#include "fuzz.h"

#include "core/err.h"
#include "geo/communes.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static geo_dir *fgeo_dir;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char path[512], err[512] = "";

    (void)argc;
    (void)argv;
    if (!fgeo_dir &&
        geo_dir_load(fz_communes_path(path, sizeof path), &fgeo_dir, err, sizeof err) != HD_OK) {
        fprintf(stderr, "fuzz_geo: cannot load %s: %s\n", path, err);
        exit(1);
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    geo_match m[12];
    char *text;
    int max, n = -1;

    if (size < 1)
        return 0;
    max = 1 + data[0] % 10;
    data++;
    size--;
    text = malloc(size ? size : 1);     /* exact size: reads past it are reported */
    FZ_CHECK(text != NULL);
    if (size)
        memcpy(text, data, size);

    memset(m, 0xA5, sizeof m);
    FZ_CHECK(geo_lookup(fgeo_dir, text, size, m, max, &n) == HD_OK);
    FZ_CHECK(n >= 0 && n <= max);
    for (int i = 0; i < n; i++) {
        FZ_CHECK(m[i].province != NULL);
        FZ_CHECK(m[i].score >= 1 && m[i].score <= 100);
        FZ_CHECK((m[i].commune == NULL) == ((m[i].flags & GEO_M_PROVINCE_ONLY) != 0));
        FZ_CHECK(i == 0 || !(m[i].flags & GEO_M_SURE));
        FZ_CHECK(!(m[i].flags & GEO_M_SURE) || !(m[i].flags & GEO_M_OLD_NAME));
        if (i > 0)   /* best first */
            FZ_CHECK(m[i].score <= m[i - 1].score);
        if (m[i].commune) {
            FZ_CHECK(geo_dir_by_code(fgeo_dir, m[i].commune->code) == m[i].commune);
            FZ_CHECK(geo_dir_province(fgeo_dir, (size_t)m[i].commune->province) == m[i].province);
        }
        for (int j = 0; j < i; j++) {
            if (m[i].commune)      /* one match per commune */
                FZ_CHECK(m[j].commune != m[i].commune);
            else                   /* one province-only match per province */
                FZ_CHECK(m[j].commune || m[j].province != m[i].province);
        }
    }
    {
        geo_match poison;   /* nothing written past max */
        memset(&poison, 0xA5, sizeof poison);
        FZ_CHECK(memcmp(&m[max], &poison, sizeof poison) == 0);
    }
    free(text);
    return 0;
}
