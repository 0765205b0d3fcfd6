/* cli_user.c -- `user add`: create an officer, staff or admin account.
 *
 *   vneid-helpdesk user add --name "Nguyễn Văn A" --role officer --commune 00004 [00008 …]
 *   vneid-helpdesk user add --name "Tổ 06 Hà Nội" --role staff --province 01
 *
 * The token is printed once, alone on standard output (so scripts can take
 * it); only its SHA-256 is stored. Needs the database and data/communes.tsv,
 * not the PII key. */
#include "cli/cli.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/settings.h"
#include "core/token.h"
#include "store/audit.h"
#include "store/communes.h"
#include "store/users.h"

#include <stdio.h>
#include <string.h>

static int usage(void)
{
    fputs("usage: vneid-helpdesk user add --name NAME --role officer|staff|admin\n"
          "                               [--commune CODE ...] [--province CODE]\n"
          "  officer: one or more --commune codes (data/communes.tsv)\n"
          "  staff:   --province CODE, or none for every province\n"
          "  admin:   neither\n", stderr);
    return 2;
}

static int user_add(int argc, char **argv)
{
    const char *communes[USER_COMMUNES_MAX];
    const char *name = NULL, *role_s = NULL, *province = NULL;
    char token[TOKEN_LEN + 1], hash[TOKEN_HASH_LEN + 1], err[512] = "", path[SETTINGS_STR_MAX + 32];
    char detail[64];
    store_user_new u = { 0 };
    settings cfg;
    store *s = NULL;
    int64_t id = 0;
    int n = 0, rc;

    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--name") == 0 && i + 1 < argc) {
            name = argv[++i];
        } else if (strcmp(argv[i], "--role") == 0 && i + 1 < argc) {
            role_s = argv[++i];
        } else if (strcmp(argv[i], "--province") == 0 && i + 1 < argc) {
            province = argv[++i];
        } else if (strcmp(argv[i], "--commune") == 0 && i + 1 < argc) {
            /* --commune A B C and --commune A --commune B both work */
            while (i + 1 < argc && strncmp(argv[i + 1], "--", 2) != 0) {
                if (n == USER_COMMUNES_MAX) {
                    fprintf(stderr, "user add: at most %d communes\n", USER_COMMUNES_MAX);
                    return 2;
                }
                communes[n++] = argv[++i];
            }
        } else {
            return usage();
        }
    }
    if (!name || !*name || !role_s || user_role_parse(role_s, &u.role) != HD_OK)
        return usage();
    u.name = name;
    u.province_code = province;
    u.communes = n ? communes : NULL;
    u.ncommunes = n;

    rc = settings_load(&cfg, NULL, err, sizeof err);
    if (rc == HD_OK)
        rc = store_open(cfg.db_path, &s, err, sizeof err);
    snprintf(path, sizeof path, "%s/communes.tsv", cfg.data_dir);
    if (rc == HD_OK)
        rc = store_commune_load(s, path, NULL, err, sizeof err);
    if (rc == HD_OK)
        rc = token_new(token, sizeof token, hash, sizeof hash);
    u.token_hash = hash;
    if (rc == HD_OK)
        rc = store_user_add(s, &u, clock_now_ms(), &id);
    if (rc == HD_EINVAL) {
        fprintf(stderr, "user add: %s\n",
                u.role == USER_OFFICER ? "an officer needs one or more valid --commune codes"
                : u.role == USER_STAFF ? "staff take --province only" : "an admin takes no --commune or --province");
        store_close(s);
        return 2;
    }
    if (rc == HD_ENOTFOUND) {
        fprintf(stderr, "user add: unknown commune or province code\n");
        store_close(s);
        return 2;
    }
    if (rc == HD_OK) {
        snprintf(detail, sizeof detail, "user %lld role %s", (long long)id, role_s);
        rc = store_audit_add(s, 0, "user.add", 0, detail, clock_now_ms());
    }
    store_close(s);
    if (rc) {
        fprintf(stderr, "user add: %s\n", err[0] ? err : hd_strerror(rc));
        return 1;
    }
    fprintf(stderr, "user %lld (%s) created. Its token, shown only now:\n", (long long)id, role_s);
    printf("%s\n", token);
    return 0;
}

int cli_user(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "add") == 0)
        return user_add(argc - 2, argv + 2);
    return usage();
}
