/* geo_alias.c -- what people call provinces besides their names: "HN",
 * "TPHCM", "Sài Gòn", "Vũng Tàu" for the old Bà Rịa - Vũng Tàu, spellings
 * that folding alone does not bring together ("Đắc Lắc"). Spacing needs no
 * entry: "TP HCM", "tphcm" and "Daklak" meet their names anyway.
 *
 * Abbreviations that stand for several provinces map to all of them ("ĐN":
 * Đà Nẵng and Đồng Nai); the commune named with it then picks one. Ones
 * that are also everyday words or syllables of names (NA, TH, QN) are left
 * out on purpose. */
#include "geo_internal.h"
#include "core/err.h"

#include <string.h>

static const struct {
    const char *code;   /* province code */
    int old;            /* 1: code is a pre-2025 province (provinces_old.tsv) */
    const char *text;
} geo_aliases[] = {
    { "01", 0, "HN" },
    { "01", 0, "Hà Tây" },          /* merged into Hà Nội in 2008, still said */
    { "79", 0, "HCM" },
    { "79", 0, "TPHCM" },
    { "79", 0, "Sài Gòn" },
    { "79", 0, "SG" },
    { "48", 0, "ĐN" },
    { "75", 0, "ĐN" },
    { "31", 0, "HP" },
    { "46", 0, "Thừa Thiên Huế" },
    { "46", 0, "TT Huế" },
    { "66", 0, "Đắc Lắc" },
    { "77", 1, "BRVT" },
    { "77", 1, "Vũng Tàu" },
    { "77", 1, "Bà Rịa" },
    { "74", 1, "BD" },
    { "06", 1, "Bắc Cạn" },
    { "67", 1, "Đắc Nông" },
};

int geo_alias_add_all(geo_dir *d, geo_scratch *s, geo_toks *t)
{
    size_t i;
    int rc = HD_OK;

    for (i = 0; i < sizeof(geo_aliases) / sizeof(geo_aliases[0]); i++) {
        int target = -1, k;

        if (geo_aliases[i].old) {
            for (k = 0; k < d->noldprov; k++)
                if (strcmp(d->oldprov[k].code, geo_aliases[i].code) == 0)
                    target = k;
        } else {
            for (k = 0; k < d->nprov; k++)
                if (strcmp(d->prov[k].code, geo_aliases[i].code) == 0)
                    target = k;
        }
        if (target < 0)
            continue;   /* its file was not loaded */
        rc = geo_fold(s, geo_aliases[i].text, strlen(geo_aliases[i].text), t);
        if (rc)
            break;
        rc = geo_dir_add_name(d, t, 0,
                              geo_aliases[i].old ? GEO_K_OLDPROV : GEO_K_PROVINCE,
                              GEO_W_NONE, target);
        if (rc)
            break;
    }
    return rc;
}
