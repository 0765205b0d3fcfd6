/* test_geo_communes.c -- the commune directory and its loose lookup.
 *
 * Run from the repository root: it reads data/communes.tsv and its
 * siblings. Every expectation below was worked out from the data files by
 * hand (grep, and the scoring rules documented in src/geo/geo_lookup.c);
 * the comments give the reasoning. */
#include "test.h"
#include "core/err.h"
#include "geo/communes.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>

#define MAXM 16

static geo_dir *dir(void)
{
    static geo_dir *d;
    static int tried;
    char err[256] = "";

    if (!tried) {
        int rc = geo_dir_load("data/communes.tsv", &d, err, sizeof(err));
        tried = 1;
        CHECK_MSG(rc == HD_OK && d, "geo_dir_load = %d: %s", rc, err);
    }
    return d;
}

typedef struct res {
    geo_match m[MAXM];
    int n, rc;
} res;

static res look(const char *text)
{
    res r;

    memset(&r, 0, sizeof(r));
    r.rc = geo_lookup(dir(), text, strlen(text), r.m, MAXM, &r.n);
    return r;
}

static const char *code0(const res *r)
{
    return r->n > 0 && r->m[0].commune ? r->m[0].commune->code : "(none)";
}

static int sure(const res *r)
{
    return r->n > 0 && (r->m[0].flags & GEO_M_SURE);
}

static int has_code(const res *r, const char *code)
{
    int i;

    for (i = 0; i < r->n; i++)
        if (r->m[i].commune && strcmp(r->m[i].commune->code, code) == 0)
            return 1;
    return 0;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    CHECK_MSG(f != NULL, "cannot write %s", path);
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

/* ---- the directory ---- */

static void load_counts(void)
{
    geo_dir *d = dir();
    const geo_commune *c;
    const geo_province *p;
    size_t i;
    int sum = 0;

    if (!d)
        return;
    CHECK_INT(geo_dir_count(d), 3321);
    CHECK_INT(geo_dir_province_count(d), 34);
    CHECK_INT(geo_dir_old_province_count(d), 63);       /* provinces_old.tsv */
    CHECK_INT(geo_dir_old_count(d), 10408);             /* communes_old.tsv lines - 1 */

    c = geo_dir_commune(d, 0);                          /* the first line */
    CHECK(c != NULL);
    if (c) {
        CHECK_STR(c->code, "00004");
        CHECK_STR(c->name, "Phường Ba Đình");
        CHECK_INT(c->type, GEO_TYPE_PHUONG);
        CHECK_STR(geo_dir_province(d, (size_t)c->province)->code, "01");
    }
    CHECK(geo_dir_commune(d, 3321) == NULL);

    c = geo_dir_by_code(d, "31078");
    CHECK(c && c->type == GEO_TYPE_DAC_KHU && strcmp(c->name, "Đặc khu Phú Quốc") == 0);
    c = geo_dir_by_code(d, "03970");
    CHECK(c && c->type == GEO_TYPE_XA && strcmp(c->name, "Xã Tân Phong") == 0);
    CHECK(geo_dir_by_code(d, "99999") == NULL);
    CHECK(geo_dir_by_code(d, NULL) == NULL);

    /* provinces in code order, 01 Hà Nội to 96 Cà Mau */
    CHECK_STR(geo_dir_province(d, 0)->code, "01");
    CHECK_STR(geo_dir_province(d, 33)->code, "96");
    CHECK(geo_dir_province(d, 34) == NULL);
    for (i = 1; i < geo_dir_province_count(d); i++)
        CHECK(strcmp(geo_dir_province(d, i - 1)->code, geo_dir_province(d, i)->code) < 0);
    for (i = 0; i < geo_dir_province_count(d); i++)
        sum += geo_dir_province(d, i)->ncommunes;
    CHECK_INT(sum, 3321);

    p = geo_dir_province_by_code(d, "12");
    CHECK(p != NULL);
    if (p) {
        CHECK_STR(p->name, "Tỉnh Lai Châu");
        CHECK_STR(p->short_name, "Lai Châu");
        CHECK_INT(p->ncommunes, 38);
    }
    p = geo_dir_province_by_code(d, "79");
    CHECK(p && strcmp(p->short_name, "Hồ Chí Minh") == 0 && p->ncommunes == 168);
    CHECK(geo_dir_province_by_code(d, "74") == NULL);   /* Bình Dương is gone */
}

static void load_errors(void)
{
    char path[600], dirp[512], err[256];
    geo_dir *d = (geo_dir *)1;
    res r;

    CHECK_INT(geo_dir_load("/nonexistent/communes.tsv", &d, err, sizeof(err)), HD_EIO);
    CHECK(d == NULL);
    CHECK_INT(geo_dir_load(NULL, &d, err, sizeof(err)), HD_EINVAL);

    snprintf(path, sizeof(path), "%s/bad.tsv", test_tmpdir());
    write_file(path, "commune_code\tcommune_name\tcommune_type\tprovince_code\tprovince_name\n"
                     "00004\tPhường Ba Đình\tPhường\t01\tThành phố Hà Nội\n"
                     "123\tXã X\tXã\t01\tThành phố Hà Nội\n");
    err[0] = '\0';
    CHECK_INT(geo_dir_load(path, &d, err, sizeof(err)), HD_EPARSE);
    CHECK_MSG(strstr(err, ":3:") != NULL, "err = %s", err);

    write_file(path, "commune_code\tcommune_name\tcommune_type\tprovince_code\tprovince_name\n"
                     "00005\tThôn X\tThôn\t01\tThành phố Hà Nội\n");
    CHECK_INT(geo_dir_load(path, &d, err, sizeof(err)), HD_EPARSE);
    write_file(path, "00004\tPhường Ba Đình\tPhường\t01\tThành phố Hà Nội\n");
    CHECK_INT(geo_dir_load(path, &d, err, sizeof(err)), HD_EPARSE);   /* no header */

    /* A directory without the optional files: current names only. */
    snprintf(dirp, sizeof(dirp), "%s/mini", test_tmpdir());
    CHECK(mkdir(dirp, 0700) == 0 || errno == EEXIST);
    snprintf(path, sizeof(path), "%s/communes.tsv", dirp);
    write_file(path, "commune_code\tcommune_name\tcommune_type\tprovince_code\tprovince_name\r\n"
                     "00004\tPhường Ba Đình\tPhường\t01\tThành phố Hà Nội\r\n"
                     "03408\tPhường Tân Phong\tPhường\t12\tTỉnh Lai Châu\r\n");
    d = NULL;
    CHECK_INT(geo_dir_load(path, &d, err, sizeof(err)), HD_OK);
    if (!d)
        return;
    CHECK_INT(geo_dir_count(d), 2);
    CHECK_INT(geo_dir_province_count(d), 2);
    CHECK_INT(geo_dir_old_count(d), 0);
    CHECK_INT(geo_dir_old_province_count(d), 0);
    memset(&r, 0, sizeof(r));
    CHECK_INT(geo_lookup(d, "phuong tan phong", 16, r.m, MAXM, &r.n), HD_OK);
    CHECK_STR(code0(&r), "03408");
    CHECK(sure(&r));
    /* "Bình Dương" is only known from provinces_old.tsv */
    CHECK_INT(geo_lookup(d, "Bình Dương", strlen("Bình Dương"), r.m, MAXM, &r.n), HD_OK);
    CHECK_INT(r.n, 0);
    geo_dir_free(d);
    geo_dir_free(NULL);
}

/* ---- exact names ---- */

static void exact_names(void)
{
    /* "Hoàn Kiếm" folds to a key no other commune, old or new, has (only
     * the old district Quận Hoàn Kiếm, the same place). */
    static const char *const sure_forms[] = {
        "Phường Hoàn Kiếm", "phuong hoan kiem", "PHUONG HOAN KIEM", "p.hoan kiem",
        "P. Hoàn Kiếm", "phường hoànkiếm", "  phuong   hoan-kiem  ",
    };
    size_t i;
    res r;

    for (i = 0; i < sizeof(sure_forms) / sizeof(sure_forms[0]); i++) {
        r = look(sure_forms[i]);
        CHECK_INT(r.rc, HD_OK);
        CHECK_MSG(strcmp(code0(&r), "00070") == 0, "%s -> %s", sure_forms[i], code0(&r));
        CHECK_MSG(sure(&r), "%s not sure", sure_forms[i]);
        CHECK(!(r.m[0].flags & (GEO_M_OLD_NAME | GEO_M_FUZZY | GEO_M_PROVINCE_ONLY)));
        CHECK(r.m[0].province && strcmp(r.m[0].province->code, "01") == 0);
    }
    /* Without the type word it is still the first, but confirm first. */
    r = look("Hoàn Kiếm");
    CHECK_STR(code0(&r), "00070");
    CHECK(!sure(&r));
    r = look("hoan kiem");
    CHECK_STR(code0(&r), "00070");

    /* xã Đắk Mil: one current commune (Lâm Đồng); the old Thị trấn Đắk Mil
     * is of another type, too far behind to matter. */
    r = look("xã Đắk Mil");
    CHECK_STR(code0(&r), "24670");
    CHECK(sure(&r));
    /* "tt" says the old thị trấn, which is now Xã Đức Lập: ask. */
    r = look("tt Đắk Mil");
    CHECK(!sure(&r));
    CHECK(has_code(&r, "24670"));
    CHECK(has_code(&r, "24664"));

    r = look("dac khu phu quoc");
    CHECK_STR(code0(&r), "31078");
    CHECK(sure(&r));
    r = look("đk Phú Quốc");
    CHECK_STR(code0(&r), "31078");

    /* max bounds what is written */
    {
        geo_match one[1];
        int n = -1;
        CHECK_INT(geo_lookup(dir(), "tan phong", 9, one, 1, &n), HD_OK);
        CHECK_INT(n, 1);
    }
}

/* ---- the same name in several provinces ---- */

static void repeated_name(void)
{
    res r;

    /* Phường Tân Phong (Lai Châu) and Xã Tân Phong (Sơn La) */
    r = look("Tân Phong");
    CHECK(!sure(&r));
    CHECK(r.n >= 2);
    CHECK(has_code(&r, "03408"));
    CHECK(has_code(&r, "03970"));
    if (r.n >= 2) {
        CHECK(r.m[0].score == r.m[1].score);
        CHECK(r.m[0].province != r.m[1].province);
        CHECK(r.m[0].commune && r.m[1].commune);
    }

    /* "phường" favours Lai Châu, but old Phường Tân Phong of Biên Hòa (now
     * Tân Triều, Đồng Nai) and of Quận 7 (now Tân Hưng, TP HCM) exist: ask. */
    r = look("phuong tan phong");
    CHECK_STR(code0(&r), "03408");
    CHECK(!sure(&r));
    CHECK(has_code(&r, "26188"));
    CHECK(has_code(&r, "27475"));
}

static void with_province(void)
{
    res r;

    r = look("Phường Tân Phong, Lai Châu");
    CHECK_STR(code0(&r), "03408");
    CHECK(sure(&r));
    CHECK(r.m[0].flags & GEO_M_PROVINCE_GIVEN);

    r = look("xa tan phong, tinh son la");
    CHECK_STR(code0(&r), "03970");
    CHECK(sure(&r));

    /* words run together */
    r = look("p.tanphong, laichau");
    CHECK_STR(code0(&r), "03408");
    CHECK(sure(&r));

    r = look("Tân Phong Sơn La");
    CHECK_STR(code0(&r), "03970");
    CHECK(sure(&r));

    /* No Tân Phong in Hà Nội, now or before: the province is what is known. */
    r = look("Phường Tân Phong, Hà Nội");
    CHECK(!sure(&r));
    CHECK(r.n > 0 && r.m[0].commune == NULL && (r.m[0].flags & GEO_M_PROVINCE_ONLY));
    CHECK(r.n > 0 && strcmp(r.m[0].province->code, "01") == 0);
}

static void province_names(void)
{
    static const struct { const char *text, *code; } only[] = {
        { "tphcm", "79" }, { "TP.HCM", "79" }, { "TP Hồ Chí Minh", "79" },
        { "Thành phố Hồ Chí Minh", "79" }, { "hcm", "79" }, { "Sài Gòn", "79" },
        { "HN", "01" }, { "Hà Nội", "01" }, { "thu do ha noi", "01" },
        { "Thừa Thiên Huế", "46" }, { "Tỉnh Lai Châu", "12" }, { "lai chau", "12" },
        { "Khánh Hòa", "56" }, { "khanh hoa", "56" },
    };
    size_t i;
    res r;

    for (i = 0; i < sizeof(only) / sizeof(only[0]); i++) {
        r = look(only[i].text);
        CHECK_MSG(r.n > 0 && r.m[0].commune == NULL &&
                  strcmp(r.m[0].province->code, only[i].code) == 0,
                  "%s -> %s", only[i].text, r.n ? r.m[0].province->code : "nothing");
        CHECK(!sure(&r));
    }
    /* ĐN: Đà Nẵng or Đồng Nai */
    r = look("ĐN");
    CHECK_INT(r.n, 2);
    if (r.n == 2) {
        CHECK(r.m[0].commune == NULL && r.m[1].commune == NULL);
        CHECK((strcmp(r.m[0].province->code, "48") == 0 && strcmp(r.m[1].province->code, "75") == 0) ||
              (strcmp(r.m[0].province->code, "75") == 0 && strcmp(r.m[1].province->code, "48") == 0));
    }
    /* a commune with an abbreviated province */
    r = look("P Hoàn Kiếm, HN");
    CHECK_STR(code0(&r), "00070");
    CHECK(sure(&r) && (r.m[0].flags & GEO_M_PROVINCE_GIVEN));
    r = look("phuong sai gon tphcm");
    CHECK_STR(code0(&r), "26740");
    CHECK(sure(&r));
    /* Phường Hoàn Kiếm is not in TP HCM */
    r = look("phuong hoan kiem tp hcm");
    CHECK(!sure(&r));
}

/* ---- typos ---- */

static void typos(void)
{
    res r;

    /* one letter too many; the province confirms it */
    r = look("phuong hoan kiemm, ha noi");
    CHECK_STR(code0(&r), "00070");
    CHECK(r.n > 0 && (r.m[0].flags & GEO_M_FUZZY));
    CHECK(sure(&r));
    /* ... without the province: ask */
    r = look("phuong hoan kiemm");
    CHECK_STR(code0(&r), "00070");
    CHECK(!sure(&r));
    /* a letter missing */
    r = look("Tan Phog, Lai Chau");
    CHECK_STR(code0(&r), "03408");
    CHECK(r.n > 0 && (r.m[0].flags & GEO_M_FUZZY));
    /* a typo in the province */
    r = look("phuong tan phong lai chauu");
    CHECK_STR(code0(&r), "03408");
    CHECK(r.n > 0 && (r.m[0].flags & GEO_M_PROVINCE_GIVEN));
    /* two edits in a long name */
    r = look("phuong thu dauu mott");
    CHECK_STR(code0(&r), "25747");
    CHECK(!sure(&r));
    /* a typo that makes another real word: "tam" for "tân" */
    r = look("xa tam phong lai chau");
    CHECK_STR(code0(&r), "03408");
    CHECK(r.n > 0 && (r.m[0].flags & GEO_M_FUZZY));
}

/* ---- names from before July 2025 ---- */

static void old_names(void)
{
    res r;

    /* Xã Mường Cang, huyện Than Uyên went into Xã Than Uyên (03595). */
    r = look("xã Mường Cang, huyện Than Uyên, Lai Châu");
    CHECK_STR(code0(&r), "03595");
    CHECK(!sure(&r));
    if (r.n > 0) {
        CHECK(r.m[0].flags & GEO_M_OLD_NAME);
        CHECK(r.m[0].flags & GEO_M_DISTRICT_GIVEN);
        CHECK(r.m[0].flags & GEO_M_PROVINCE_GIVEN);
        CHECK_STR(r.m[0].old_name, "Xã Mường Cang");
        CHECK_STR(r.m[0].old_district, "Huyện Than Uyên");
        CHECK_STR(r.m[0].old_province, "Tỉnh Lai Châu");
    }
    r = look("muong cang");
    CHECK_STR(code0(&r), "03595");
    CHECK(!sure(&r));

    /* Phường 5 existed in 18 old districts; Quận 5's is now Phường An Đông. */
    r = look("Phường 5, Quận 5");
    CHECK_STR(code0(&r), "27316");
    CHECK(!sure(&r));
    CHECK(r.n > 0 && r.m[0].old_district && strcmp(r.m[0].old_district, "Quận 5") == 0);
    r = look("p5 q5");
    CHECK_STR(code0(&r), "27316");
    /* "Quận 5" alone: only the province */
    r = look("quận 5");
    CHECK_INT(r.n, 1);
    CHECK(r.n == 1 && r.m[0].commune == NULL && strcmp(r.m[0].province->code, "79") == 0 &&
          (r.m[0].flags & GEO_M_DISTRICT_GIVEN));

    /* Old provinces: Bình Dương and Quảng Bình are now TP HCM and Quảng Trị. */
    r = look("Bình Dương");
    CHECK(r.n > 0 && r.m[0].commune == NULL && strcmp(r.m[0].province->code, "79") == 0);
    CHECK(r.n > 0 && (r.m[0].flags & GEO_M_OLD_PROVINCE));
    CHECK(!sure(&r));
    r = look("tỉnh Quảng Bình");
    CHECK(r.n > 0 && r.m[0].commune == NULL && strcmp(r.m[0].province->code, "44") == 0);
    /* Phường Thủ Dầu Một named with its old province */
    r = look("Thủ Dầu Một, Bình Dương");
    CHECK_STR(code0(&r), "25747");
    CHECK(sure(&r));
    CHECK(r.n > 0 && (r.m[0].flags & GEO_M_OLD_PROVINCE));
    /* Vũng Tàu is what people call Bà Rịa - Vũng Tàu */
    r = look("Vũng Tàu");
    CHECK(r.n > 0 && r.m[0].commune == NULL && strcmp(r.m[0].province->code, "79") == 0);
}

/* ---- what must not crash or match ---- */

static void garbage(void)
{
    static const char *const none[] = {
        "", "   ", ",,, !!! ???", "zzqx wwvk 0000000", "\xff\xfe\xc3\x28\x80",
        "1234567890", "😀😀😀",
    };
    size_t i;
    char *big;
    res r;
    geo_match m[4];
    int n = -1;

    for (i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
        r = look(none[i]);
        CHECK_INT(r.rc, HD_OK);
        CHECK_MSG(r.n == 0, "%s -> %d matches", none[i], r.n);
    }
    CHECK_INT(geo_lookup(dir(), NULL, 0, m, 4, &n), HD_OK);
    CHECK_INT(n, 0);
    CHECK_INT(geo_lookup(NULL, "x", 1, m, 4, &n), HD_EINVAL);
    CHECK_INT(geo_lookup(dir(), NULL, 3, m, 4, &n), HD_EINVAL);
    CHECK_INT(geo_lookup(dir(), "x", 1, m, 0, &n), HD_EINVAL);
    CHECK_INT(geo_lookup(dir(), "x", 1, NULL, 4, &n), HD_EINVAL);
    CHECK_INT(geo_lookup(dir(), "x", 1, m, 4, NULL), HD_EINVAL);

    /* 200 KB: one endless word, then many words */
    big = malloc(200001);
    CHECK(big != NULL);
    if (!big)
        return;
    memset(big, 'a', 200000);
    big[200000] = '\0';
    r = look(big);
    CHECK_INT(r.rc, HD_OK);
    CHECK_INT(r.n, 0);
    for (i = 0; i + 13 <= 200000; i += 13)
        memcpy(big + i, "xa tan phong ", 13);
    big[i] = '\0';
    r = look(big);
    CHECK_INT(r.rc, HD_OK);
    CHECK(r.n > 0 && r.n <= MAXM);
    free(big);
}

static void teardown(void)
{
    geo_dir_free(dir());
}

TEST_MAIN(T(load_counts), T(load_errors), T(exact_names), T(repeated_name),
          T(with_province), T(province_names), T(typos), T(old_names),
          T(garbage), T(teardown))
