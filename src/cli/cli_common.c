/* cli_common.c -- what every command does first. */
#include "app/app.h"
#include "cli/cli.h"
#include "core/err.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define CLI_POOL_DEFAULT 16

/* The database's directory is created on first start (var/ by default), so
 * that a fresh clone runs without a set-up step. */
static void make_parent_dir(const char *path)
{
    char dir[SETTINGS_STR_MAX];
    char *slash;

    snprintf(dir, sizeof dir, "%s", path);
    slash = strrchr(dir, '/');
    if (!slash || slash == dir)
        return;
    *slash = '\0';
    if (mkdir(dir, 0750) != 0 && errno != EEXIST)
        fprintf(stderr, "vneid-helpdesk: cannot create %s: %s\n", dir, strerror(errno));
}

int cli_open_app(struct app *a, int n_stores)
{
    settings cfg;
    char err[512] = "";
    int rc;

    rc = settings_load(&cfg, NULL, err, sizeof err);
    if (rc) {
        fprintf(stderr, "vneid-helpdesk: settings: %s\n", err[0] ? err : hd_strerror(rc));
        return rc;
    }
    make_parent_dir(cfg.db_path);
    /* By default a connection per handler thread and a few for background
     * work (delivery, campaign, maintenance), but not more than 16: each
     * keeps its own page cache, and inbound messages, the bulk of the
     * writes, go through the group commit's own connection anyway. */
    if (n_stores <= 0)
        n_stores = cfg.handler_threads + 4 > CLI_POOL_DEFAULT ? CLI_POOL_DEFAULT
                                                              : (int)cfg.handler_threads + 4;
    rc = app_open(a, &cfg, n_stores, err, sizeof err);
    if (rc)
        fprintf(stderr, "vneid-helpdesk: %s\n", err[0] ? err : hd_strerror(rc));
    return rc;
}
