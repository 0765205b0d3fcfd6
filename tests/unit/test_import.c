/* test_import.c -- checking and importing a police list (campaign/import.h)
 * against a real database. Run from the repository root (reads
 * data/communes.tsv: 00004 and 00008 are in province 01, 25747 in 79). */
#include "test.h"
#include "campaign/import.h"
#include "core/err.h"
#include "store/communes.h"
#include "store/contacts.h"
#include "store/store.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOW 1760000000000LL

static char path_[512];

static store *open_db(const char *name)
{
    char err[256] = "";
    store *s = NULL;
    int rc;

    snprintf(path_, sizeof path_, "%s/%s.db", test_tmpdir(), name);
    rc = store_open(path_, &s, err, sizeof err);
    CHECK_MSG(rc == HD_OK, "store_open: %d %s", rc, err);
    if (s) {
        rc = store_commune_load(s, "data/communes.tsv", NULL, err, sizeof err);
        CHECK_MSG(rc == HD_OK, "store_commune_load: %d %s", rc, err);
    }
    return s;
}

/* One text value of the database (the test's own connection), "" if none. */
static const char *q1(const char *sql)
{
    static char out[512];
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;

    out[0] = '\0';
    if (sqlite3_open_v2(path_, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        snprintf(out, sizeof out, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
    return out;
}

static int run(store *s, const char *csv, const char *province, import_result *r)
{
    char err[256] = "";
    return import_contacts(s, csv, strlen(csv), province, 0, NOW, r, err, sizeof err);
}

static void good_list(void)
{
    store *s = open_db("good");
    import_result r;

    CHECK_INT(run(s, "\xEF\xBB\xBF Phone , COMMUNE_CODE,name\r\n"
                     "0912345678,00004,Nguyễn Văn An\r\n"
                     "+84 98 765 4321,4,\"Trần, Thị Bình\"\r\n"
                     "\r\n"
                     ",,\r\n"
                     "912000111,00008,\r\n", NULL, &r), HD_OK);
    CHECK_INT(r.imported, 3);
    CHECK_INT(r.created, 3);
    CHECK_INT(r.nrejected, 0);
    CHECK(r.error == NULL);
    CHECK_STR(q1("SELECT count(*) FROM contacts WHERE channel = 'sms' AND listed_not_activated = 1"), "3");
    CHECK_STR(q1("SELECT commune_code || '|' || display_name FROM contacts WHERE address = '84987654321'"),
              "00004|Trần, Thị Bình");
    CHECK_STR(q1("SELECT commune_code || '|' || COALESCE(display_name, 'NULL') FROM contacts"
                 " WHERE address = '84912000111'"), "00008|NULL");
    CHECK_STR(q1("SELECT detail FROM audit_log WHERE action = 'contacts.import'"),
              "imported 3 (3 new), rejected 0");
    import_result_free(&r);
    store_close(s);
}

static void bad_lines_reported(void)
{
    store *s = open_db("bad");
    import_result r;
    /* line: 1 header, 2 good, 3 landline, 4 unknown commune, 5 two columns,
     * 6 name too long, 7 bad quote, 8 latin-1, 9 good, 10 duplicate of 2
     * in another spelling, 11 tab in the name, 12 empty, 13 unterminated */
    char csv[4096];
    char longname[200];
    int rc;

    memset(longname, 'A', 101);
    longname[101] = '\0';
    snprintf(csv, sizeof csv,
             "phone,commune_code,name\n"
             "0912345678,00004,An\n"
             "02438123456,00004,Ba\n"
             "0912345679,99999,Ca\n"
             "0912345680,00004\n"
             "0912345681,00004,%s\n"
             "0912345682,00004,Bé \"Na\"\n"
             "0912345683,00004,Nguy\xe9n\n"
             "0912345684,00008,Đinh\n"
             "84912345678,00008,Lại\n"
             "0912345685,00004,\"A\tB\"\n"
             "\n"
             "0912345686,00004,\"open\n",
             longname);
    rc = run(s, csv, NULL, &r);
    CHECK_INT(rc, HD_OK);
    CHECK_INT(r.imported, 2);
    CHECK_INT(r.nrejected, 9);
    if (r.nrejected == 9) {
        static const int lines[] = { 3, 4, 5, 6, 7, 8, 10, 11, 13 };
        static const char *const why[] = {
            "bad_phone", "unknown_commune", "wrong_columns", "name_too_long", "bad_quote",
            "bad_utf8", "duplicate_in_file", "bad_name", "unterminated_quote"
        };
        for (int i = 0; i < 9; i++) {
            CHECK_INT(r.rejected[i].line, lines[i]);
            CHECK_STR(r.rejected[i].reason, why[i]);
            CHECK(r.rejected[i].message[0] != '\0');
        }
        CHECK(strstr(r.rejected[6].message, "line 2") != NULL);
    }
    /* Nothing of a rejected line, and the first of the duplicates wins. */
    CHECK_STR(q1("SELECT count(*) FROM contacts"), "2");
    CHECK_STR(q1("SELECT commune_code || display_name FROM contacts WHERE address = '84912345678'"),
              "00004An");
    import_result_free(&r);
    store_close(s);
}

static void known_contact_keeps_its_own(void)
{
    store *s = open_db("known");
    store_contact c;
    import_result r;
    int64_t id = 0;

    CHECK_INT(store_contact_upsert(s, "sms", "84912345678", NOW - 1000, &c), HD_OK);
    CHECK_INT(store_contact_save(s, c.id, "{\"node\":\"x\"}", 1, 1, NOW - 500), HD_OK);
    CHECK_INT(run(s, "phone,commune_code,name\n0912345678,00004,Tên Cũ\n", NULL, &r), HD_OK);
    CHECK_INT(r.imported, 1);
    CHECK_INT(r.created, 0);
    import_result_free(&r);
    /* A second list without a name keeps the name; the commune follows. */
    CHECK_INT(run(s, "phone,commune_code,name\n0912345678,00008,\n", NULL, &r), HD_OK);
    import_result_free(&r);
    CHECK_INT(store_contact_get(s, c.id, &c), HD_OK);
    CHECK_INT(c.opted_out, 1);
    CHECK_STR(c.state, "{\"node\":\"x\"}");
    CHECK_INT(c.last_inbound_at, NOW - 500);
    CHECK_INT(c.created_at, NOW - 1000);
    CHECK_STR(q1("SELECT commune_code || display_name || listed_not_activated FROM contacts"),
              "00008Tên Cũ1");
    CHECK_INT(store_contact_import_upsert(s, "84912345678", "00004", NULL, NOW, &id, NULL), HD_OK);
    CHECK_INT(id, c.id);
    store_close(s);
}

static void province_restriction(void)
{
    store *s = open_db("province");
    import_result r;

    CHECK_INT(run(s, "phone,commune_code,name\n0912345678,00004,A\n0912345679,25747,B\n",
                  "79", &r), HD_OK);
    CHECK_INT(r.imported, 1);
    CHECK_INT(r.nrejected, 1);
    CHECK_INT(r.rejected[0].line, 2);
    CHECK_STR(r.rejected[0].reason, "commune_outside_province");
    CHECK_STR(q1("SELECT address FROM contacts"), "84912345679");
    import_result_free(&r);
    store_close(s);
}

static void whole_list_refused(void)
{
    store *s = open_db("refused");
    import_result r;
    char err[256];
    char *big;
    size_t n = 0;

    CHECK_INT(run(s, "", NULL, &r), HD_EPARSE);
    CHECK_STR(r.error, "empty");
    import_result_free(&r);
    CHECK_INT(run(s, "\n\n", NULL, &r), HD_EPARSE);
    CHECK_STR(r.error, "empty");
    import_result_free(&r);
    CHECK_INT(run(s, "0912345678,00004,An\n", NULL, &r), HD_EPARSE);
    CHECK_STR(r.error, "bad_header");
    import_result_free(&r);
    CHECK_INT(run(s, "phone,commune,name\n", NULL, &r), HD_EPARSE);
    CHECK_STR(r.error, "bad_header");
    import_result_free(&r);
    CHECK_INT(run(s, "phone,commune_code,name,extra\n", NULL, &r), HD_EPARSE);
    import_result_free(&r);
    /* A header alone is a list of nobody. */
    CHECK_INT(run(s, "phone,commune_code,name\n", NULL, &r), HD_OK);
    CHECK_INT(r.imported, 0);
    import_result_free(&r);

    big = malloc(64 + (IMPORT_LINES_MAX + 1) * 4);
    n = (size_t)sprintf(big, "phone,commune_code,name\n");
    for (int i = 0; i < IMPORT_LINES_MAX + 1; i++) {
        memcpy(big + n, "x,,\n", 4);
        n += 4;
    }
    CHECK_INT(import_contacts(s, big, n, NULL, 0, NOW, &r, err, sizeof err), HD_ETOOBIG);
    CHECK_STR(r.error, "too_many_lines");
    import_result_free(&r);
    /* Exactly the limit is read (every line rejected as a bad phone). */
    CHECK_INT(import_contacts(s, big, n - 4, NULL, 0, NOW, &r, err, sizeof err), HD_OK);
    CHECK_INT(r.nrejected, IMPORT_LINES_MAX);
    import_result_free(&r);
    free(big);
    CHECK_STR(q1("SELECT count(*) FROM contacts"), "0");
    store_close(s);
}

static void nfc_names(void)
{
    store *s = open_db("nfc");
    import_result r;

    /* "Nguyễn" decomposed: e + U+0302 + U+0303 is stored composed. */
    CHECK_INT(run(s, "phone,commune_code,name\n0912345678,00004,Nguye\xcc\x82\xcc\x83n\n",
                  NULL, &r), HD_OK);
    CHECK_INT(r.imported, 1);
    CHECK_STR(q1("SELECT display_name FROM contacts"), "Nguyễn");
    import_result_free(&r);
    /* The limit counts characters, not bytes: 100 of "ễ" (3 bytes each)
     * pass, 101 do not. */
    {
        char csv[1024];
        size_t n = (size_t)sprintf(csv, "phone,commune_code,name\n0912345679,00004,");
        for (int i = 0; i < 100; i++)
            n += (size_t)sprintf(csv + n, "ễ");
        n += (size_t)sprintf(csv + n, "\n0912345670,00004,");
        for (int i = 0; i < 101; i++)
            n += (size_t)sprintf(csv + n, "ễ");
        CHECK_INT(run(s, csv, NULL, &r), HD_OK);
        CHECK_INT(r.imported, 1);
        CHECK_INT(r.nrejected, 1);
        CHECK_INT(r.rejected[0].line, 3);
        CHECK_STR(r.rejected[0].reason, "name_too_long");
        import_result_free(&r);
    }
    store_close(s);
}

TEST_MAIN(T(good_list), T(bad_lines_reported), T(known_contact_keeps_its_own),
          T(province_restriction), T(whole_list_refused), T(nfc_names))
