/* test_store_users.c -- migration 3, the communes table, users and their
 * communes. Run from the repository root (reads data/communes.tsv). */
#include "test.h"
#include "core/err.h"
#include "store/store.h"
#include "store/contacts.h"
#include "store/communes.h"
#include "store/users.h"

#include <sqlite3.h>
#include <stdlib.h>

#define COMMUNES_TSV "data/communes.tsv"
#define HASH_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1"
#define HASH_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2"
#define HASH_C "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"
#define HASH_D "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"

static const char *db_path(const char *name)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s.db", test_tmpdir(), name);
    return path;
}

static store *open_ok(const char *path)
{
    char err[256] = "";
    store *s = NULL;
    int rc = store_open(path, &s, err, sizeof err);
    CHECK_MSG(rc == HD_OK, "store_open(%s) = %d: %s", path, rc, err);
    return s;
}

static long long raw_int(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    long long v = -1;

    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_type(st, 0) == SQLITE_NULL ? -2 : sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

static int raw_exec(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    sqlite3_close(db);
    return rc;
}

static store *open_loaded(const char *name)
{
    store *s = open_ok(db_path(name));
    char err[256] = "";
    int rc = store_commune_load(s, COMMUNES_TSV, NULL, err, sizeof err);
    CHECK_MSG(rc == HD_OK, "store_commune_load = %d: %s", rc, err);
    return s;
}

#define V3_TABLES "('communes', 'users', 'user_communes', 'cases', 'case_events'," \
                  " 'audit_log', 'case_drafts')"

static void migrate_from_empty(void)
{
    const char *p = db_path("empty");
    store *s = open_ok(p);
    int v = -1;

    CHECK(store_schema_latest() >= 3);
    CHECK_INT(store_schema_version(s, &v), HD_OK);
    CHECK_INT(v, store_schema_latest());
    store_close(s);
    CHECK_INT(raw_int(p, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'"
                         " AND name IN " V3_TABLES), 7);
    CHECK_INT(raw_int(p, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name IN"
                         " ('cases_queue', 'cases_one_active', 'case_events_case')"), 3);
    CHECK_INT(raw_int(p, "SELECT COUNT(*) FROM schema_version WHERE version = 3"), 1);
}

/* A database as migration 2 left it gets migration 3 and keeps its rows. */
static void upgrade_from_version_2(void)
{
    const char *p = db_path("v2");
    store *s = NULL;
    store_contact back;
    char err[256] = "";
    int v = -1;

    /* A database as the build that knew migrations 1 and 2 left it. */
    CHECK_INT(store_open_version(p, 2, &s, err, sizeof err), HD_OK);
    store_close(s);
    CHECK_INT(raw_exec(p, "INSERT INTO contacts (id, channel, address, state, opted_out, created_at)"
                          " VALUES (5, 'sms', '84912345678', '', 0, 1000)"), SQLITE_OK);
    CHECK_INT(raw_int(p, "SELECT COUNT(*) FROM sqlite_master WHERE name IN " V3_TABLES), 0);

    s = open_ok(p);
    CHECK_INT(store_schema_version(s, &v), HD_OK);
    CHECK_INT(v, store_schema_latest());
    CHECK_INT(store_contact_get(s, 5, &back), HD_OK);
    CHECK_STR(back.address, "84912345678");
    store_close(s);
    CHECK_INT(raw_int(p, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'"
                         " AND name IN " V3_TABLES), 7);
}

static void communes_load(void)
{
    const char *p = db_path("communes");
    store *s = open_ok(p);
    store_commune c;
    int64_t n = 0;
    int changed = -1;
    char err[256] = "";

    CHECK_INT(store_commune_count(s, &n), HD_OK);
    CHECK_INT(n, 0);
    CHECK_INT(store_commune_load(s, COMMUNES_TSV, &changed, err, sizeof err), HD_OK);
    CHECK_INT(changed, 3321);
    CHECK_INT(store_commune_count(s, &n), HD_OK);
    CHECK_INT(n, 3321);
    CHECK_INT(store_commune_get(s, "00004", &c), HD_OK);
    CHECK_STR(c.code, "00004");
    CHECK_STR(c.name, "Phường Ba Đình");
    CHECK_STR(c.type, "Phường");
    CHECK_STR(c.province_code, "01");
    CHECK_STR(c.province_name, "Thành phố Hà Nội");
    CHECK_INT(store_commune_get(s, "99999", &c), HD_ENOTFOUND);
    CHECK_STR(c.name, "");
    CHECK_INT(store_commune_get(s, "000040000", &c), HD_ENOTFOUND);
    CHECK_INT(store_commune_get(s, "", &c), HD_EINVAL);

    /* A second start writes nothing. */
    CHECK_INT(store_commune_load(s, COMMUNES_TSV, &changed, err, sizeof err), HD_OK);
    CHECK_INT(changed, 0);
    CHECK_INT(store_commune_count(s, &n), HD_OK);
    CHECK_INT(n, 3321);
    store_close(s);
    CHECK_INT(raw_int(p, "SELECT COUNT(DISTINCT province_code) FROM communes"), 34);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

#define HEADER "commune_code\tcommune_name\tcommune_type\tprovince_code\tprovince_name\n"

static void communes_update_and_errors(void)
{
    char tsv[512], err[256];
    store *s = open_ok(db_path("communes2"));
    store_commune c;
    int changed = -1;
    int64_t n = 0;

    snprintf(tsv, sizeof tsv, "%s/small.tsv", test_tmpdir());
    write_file(tsv, HEADER
               "00004\tPhường Ba Đình\tPhường\t01\tThành phố Hà Nội\n"
               "00008\tPhường Ngọc Hà\tPhường\t01\tThành phố Hà Nội\n");
    CHECK_INT(store_commune_load(s, tsv, &changed, err, sizeof err), HD_OK);
    CHECK_INT(changed, 2);
    /* A renamed commune is updated, a new one added, a missing one kept;
     * Windows line ends are fine. */
    write_file(tsv, HEADER
               "00004\tPhường Ba Đình Mới\tPhường\t01\tThành phố Hà Nội\r\n"
               "00025\tPhường Giảng Võ\tPhường\t01\tThành phố Hà Nội\r\n");
    CHECK_INT(store_commune_load(s, tsv, &changed, err, sizeof err), HD_OK);
    CHECK_INT(changed, 2);
    CHECK_INT(store_commune_get(s, "00004", &c), HD_OK);
    CHECK_STR(c.name, "Phường Ba Đình Mới");
    CHECK_INT(store_commune_get(s, "00008", &c), HD_OK);
    CHECK_INT(store_commune_count(s, &n), HD_OK);
    CHECK_INT(n, 3);

    /* Malformed: nothing of the file is applied, the line is named. */
    write_file(tsv, HEADER
               "00099\tXã Mới\tXã\t01\tThành phố Hà Nội\n"
               "00100\tXã Hỏng\tXã\t1\tThành phố Hà Nội\n");
    err[0] = '\0';
    CHECK_INT(store_commune_load(s, tsv, &changed, err, sizeof err), HD_EPARSE);
    CHECK_MSG(strstr(err, ":3:") != NULL, "err = %s", err);
    CHECK_INT(store_commune_get(s, "00099", &c), HD_ENOTFOUND);
    write_file(tsv, HEADER "00101\tXã Thiếu\tXã\t01\n");
    CHECK_INT(store_commune_load(s, tsv, &changed, err, sizeof err), HD_EPARSE);
    write_file(tsv, "00004\tPhường Ba Đình\tPhường\t01\tThành phố Hà Nội\n");
    CHECK_INT(store_commune_load(s, tsv, &changed, err, sizeof err), HD_EPARSE);
    write_file(tsv, HEADER);
    CHECK_INT(store_commune_load(s, tsv, &changed, err, sizeof err), HD_EPARSE);
    CHECK_INT(store_commune_load(s, "/nonexistent/communes.tsv", &changed, err, sizeof err),
              HD_EIO);
    CHECK_INT(store_commune_count(s, &n), HD_OK);
    CHECK_INT(n, 3);

    /* Inside the caller's transaction: rolled back with it. */
    write_file(tsv, HEADER "00200\tXã Tạm\tXã\t01\tThành phố Hà Nội\n");
    CHECK_INT(store_begin(s), HD_OK);
    CHECK_INT(store_commune_load(s, tsv, &changed, err, sizeof err), HD_OK);
    CHECK_INT(store_rollback(s), HD_OK);
    CHECK_INT(store_commune_get(s, "00200", &c), HD_ENOTFOUND);
    store_close(s);
}

static void user_roles(void)
{
    user_role r;

    CHECK_INT(user_role_parse("officer", &r), HD_OK);
    CHECK_INT(r, USER_OFFICER);
    CHECK_INT(user_role_parse("staff", &r), HD_OK);
    CHECK_INT(r, USER_STAFF);
    CHECK_INT(user_role_parse("admin", &r), HD_OK);
    CHECK_INT(r, USER_ADMIN);
    CHECK_INT(user_role_parse("Admin", &r), HD_EINVAL);
    CHECK_INT(user_role_parse("", &r), HD_EINVAL);
    CHECK_STR(user_role_name(USER_STAFF), "staff");
    CHECK_STR(user_role_name((user_role)9), "");
}

static void users_create_find(void)
{
    store *s = open_loaded("users");
    static const char *const communes[] = { "00008", "00004" };
    store_user_new nu = {
        .name = "Nguyễn Văn An", .role = USER_OFFICER,
        .communes = communes, .ncommunes = 2, .token_hash = HASH_A,
    };
    store_user u;
    char codes[4][STORE_COMMUNE_CODE_MAX];
    int64_t id = 0, sid = 0, aid = 0;
    int n = 0;

    CHECK_INT(store_user_add(s, &nu, 5000, &id), HD_OK);
    CHECK(id > 0);
    CHECK_INT(store_user_find_by_token(s, HASH_A, &u), HD_OK);
    CHECK_INT(u.id, id);
    CHECK_STR(u.name, "Nguyễn Văn An");
    CHECK_INT(u.role, USER_OFFICER);
    CHECK_STR(u.province_code, "");
    CHECK_INT(u.ncommunes, 2);
    CHECK_STR(u.communes[0], "00004");      /* in code order */
    CHECK_STR(u.communes[1], "00008");
    CHECK_INT(u.disabled, 0);
    CHECK_INT(u.created_at, 5000);
    CHECK_INT(store_user_communes(s, id, codes, 4, &n), HD_OK);
    CHECK_INT(n, 2);
    CHECK_STR(codes[1], "00008");
    CHECK_INT(store_user_communes(s, id, codes, 1, &n), HD_ETOOBIG);

    /* Staff of one province, staff of all, an admin. */
    store_user_new st = { .name = "Trần Thị Bình", .role = USER_STAFF,
                          .province_code = "01", .token_hash = HASH_B };
    CHECK_INT(store_user_add(s, &st, 5001, &sid), HD_OK);
    CHECK_INT(store_user_find_by_token(s, HASH_B, &u), HD_OK);
    CHECK_INT(u.role, USER_STAFF);
    CHECK_STR(u.province_code, "01");
    CHECK_INT(u.ncommunes, 0);
    store_user_new all = { .name = "Lê Văn Cường", .role = USER_STAFF, .token_hash = HASH_C };
    CHECK_INT(store_user_add(s, &all, 5002, NULL), HD_OK);
    CHECK_INT(store_user_find_by_token(s, HASH_C, &u), HD_OK);
    CHECK_STR(u.province_code, "");
    store_user_new ad = { .name = "Quản trị", .role = USER_ADMIN, .token_hash = HASH_D };
    CHECK_INT(store_user_add(s, &ad, 5003, &aid), HD_OK);
    CHECK_INT(store_user_get(s, aid, &u), HD_OK);
    CHECK_INT(u.role, USER_ADMIN);

    /* Unknown hashes, malformed ones. */
    CHECK_INT(store_user_find_by_token(
                  s, "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee", &u),
              HD_ENOTFOUND);
    CHECK_INT(u.id, 0);
    CHECK_INT(store_user_find_by_token(
                  s, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA1", &u),
              HD_ENOTFOUND);
    CHECK_INT(store_user_find_by_token(s, "", &u), HD_ENOTFOUND);
    CHECK_INT(store_user_get(s, 999, &u), HD_ENOTFOUND);
    store_close(s);
}

static void users_rules(void)
{
    store *s = open_loaded("rules");
    static const char *const one[] = { "00004" };
    static const char *const unknown[] = { "00004", "99999" };
    static const char *const twice[] = { "00004", "00004" };
    store_user u;
    int64_t id = 0;

    /* An officer needs a commune and no province. */
    store_user_new o = { .name = "A", .role = USER_OFFICER, .token_hash = HASH_A };
    CHECK_INT(store_user_add(s, &o, 1, &id), HD_EINVAL);
    o.communes = one;
    o.ncommunes = 1;
    o.province_code = "01";
    CHECK_INT(store_user_add(s, &o, 1, &id), HD_EINVAL);
    /* Staff and admin take no commune; admin no province. */
    store_user_new st = { .name = "B", .role = USER_STAFF, .communes = one, .ncommunes = 1,
                          .token_hash = HASH_A };
    CHECK_INT(store_user_add(s, &st, 1, &id), HD_EINVAL);
    store_user_new ad = { .name = "C", .role = USER_ADMIN, .province_code = "01",
                          .token_hash = HASH_A };
    CHECK_INT(store_user_add(s, &ad, 1, &id), HD_EINVAL);
    /* Bad role, name, hash. */
    store_user_new bad = { .name = "D", .role = (user_role)0, .token_hash = HASH_A };
    CHECK_INT(store_user_add(s, &bad, 1, &id), HD_EINVAL);
    bad.role = USER_ADMIN;
    bad.name = "";
    CHECK_INT(store_user_add(s, &bad, 1, &id), HD_EINVAL);
    bad.name = "D";
    bad.token_hash = "abc";
    CHECK_INT(store_user_add(s, &bad, 1, &id), HD_EINVAL);
    bad.token_hash = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA1";
    CHECK_INT(store_user_add(s, &bad, 1, &id), HD_EINVAL);
    CHECK_INT(id, 0);

    /* An unknown commune: refused, and nothing of the user is left. */
    store_user_new o2 = { .name = "E", .role = USER_OFFICER, .communes = unknown,
                          .ncommunes = 2, .token_hash = HASH_A };
    CHECK_INT(store_user_add(s, &o2, 1, &id), HD_ENOTFOUND);
    CHECK_INT(store_user_find_by_token(s, HASH_A, &u), HD_ENOTFOUND);
    o2.communes = twice;
    CHECK_INT(store_user_add(s, &o2, 1, &id), HD_EINVAL);
    CHECK_INT(store_user_find_by_token(s, HASH_A, &u), HD_ENOTFOUND);

    /* The same token twice. */
    o2.communes = one;
    o2.ncommunes = 1;
    CHECK_INT(store_user_add(s, &o2, 1, &id), HD_OK);
    o2.name = "F";
    CHECK_INT(store_user_add(s, &o2, 1, &id), HD_EDUP);
    CHECK_INT(store_user_find_by_token(s, HASH_A, &u), HD_OK);
    CHECK_STR(u.name, "E");
    store_close(s);
}

static void users_disabled(void)
{
    store *s = open_loaded("disabled");
    static const char *const one[] = { "00004" };
    store_user_new o = { .name = "Officer", .role = USER_OFFICER, .communes = one,
                         .ncommunes = 1, .token_hash = HASH_A };
    store_user u;
    int64_t id = 0;

    CHECK_INT(store_user_add(s, &o, 1, &id), HD_OK);
    CHECK_INT(store_user_set_disabled(s, id, 1), HD_OK);
    CHECK_INT(store_user_find_by_token(s, HASH_A, &u), HD_ENOTFOUND);
    /* Still known by id, e.g. as who claimed a case. */
    CHECK_INT(store_user_get(s, id, &u), HD_OK);
    CHECK_INT(u.disabled, 1);
    CHECK_STR(u.communes[0], "00004");
    CHECK_INT(store_user_set_disabled(s, id, 0), HD_OK);
    CHECK_INT(store_user_find_by_token(s, HASH_A, &u), HD_OK);
    CHECK_INT(store_user_set_disabled(s, 999, 1), HD_ENOTFOUND);
    store_close(s);
}

TEST_MAIN(T(migrate_from_empty), T(upgrade_from_version_2), T(communes_load),
          T(communes_update_and_errors), T(user_roles), T(users_create_find),
          T(users_rules), T(users_disabled))
