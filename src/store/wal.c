/* wal.c -- connection tuning, PASSIVE checkpoints and syncing the log file
 * (see wal.h). */
#include "store/wal.h"
#include "store_internal.h"

#include "core/err.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Replaces SQLite's own hook, which is what runs the auto-checkpoint: with
 * this one installed the connection only counts. */
static int count_frames(void *arg, sqlite3 *db, const char *name, int frames)
{
    store *s = arg;

    (void)db;
    (void)name;
    __atomic_store_n(&s->wal_frames, frames, __ATOMIC_RELAXED);
    return SQLITE_OK;
}

int store_tune(store *s, const store_tuning *t)
{
    char sql[64];
    int rc = HD_OK;

    if (!s || !s->db || !t || t->cache_kb < 0 || t->log_limit_mb < 0)
        return HD_EINVAL;
    if (t->cache_kb) {
        snprintf(sql, sizeof sql, "PRAGMA cache_size=-%d", t->cache_kb);
        rc = store_pragma(s, sql, NULL, 0);
    }
    if (rc == HD_OK && t->temp_in_memory)
        rc = store_pragma(s, "PRAGMA temp_store=MEMORY", NULL, 0);
    if (rc == HD_OK && t->log_limit_mb > 0) {
        snprintf(sql, sizeof sql, "PRAGMA journal_size_limit=%lld",
                 (long long)t->log_limit_mb * 1024 * 1024);
        rc = store_pragma(s, sql, NULL, 0);
    }
    if (rc == HD_OK && t->no_autocheckpoint)
        sqlite3_wal_hook(s->db, count_frames, s);
    return rc;
}

int store_wal_frames(store *s)
{
    return s ? __atomic_load_n(&s->wal_frames, __ATOMIC_RELAXED) : 0;
}

int store_checkpoint(store *s, int *log_frames, int *moved)
{
    int log = 0, done = 0, src;

    if (!s || !s->db)
        return HD_EINVAL;
    src = sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done);
    if (log_frames)
        *log_frames = log;
    if (moved)
        *moved = done;
    return store_dberr(src);
}

struct store_wal_file {
    char path[PATH_MAX];
    int  fd;
};

int store_wal_file_open(const char *db_path, store_wal_file **out)
{
    store_wal_file *w;
    int n;

    if (!db_path || !out)
        return HD_EINVAL;
    w = calloc(1, sizeof *w);
    if (!w)
        return HD_ENOMEM;
    n = snprintf(w->path, sizeof w->path, "%s-wal", db_path);
    if (n < 0 || (size_t)n >= sizeof w->path) {
        free(w);
        return HD_ETOOBIG;
    }
    w->fd = -1;
    *out = w;
    return HD_OK;
}

/* The log's directory entry must be on disk too, or a power cut right after
 * the log was created could lose the file itself. Once per open. */
static int sync_dir(const char *path)
{
    char dir[PATH_MAX];
    const char *slash = strrchr(path, '/');
    int fd, rc = HD_OK;

    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else
        snprintf(dir, sizeof dir, "%.*s", slash == path ? 1 : (int)(slash - path), path);
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return HD_EIO;
    if (fsync(fd) != 0)
        rc = HD_EIO;
    close(fd);
    return rc;
}

/* The open descriptor still names "<db>-wal": SQLite deletes the log when
 * the last connection closes and a later one creates a new file. */
static int same_file(const store_wal_file *w)
{
    struct stat a, b;

    return w->fd >= 0 && fstat(w->fd, &a) == 0 && stat(w->path, &b) == 0 &&
           a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

int store_wal_file_sync(store_wal_file *w)
{
    if (!w)
        return HD_EINVAL;
    if (!same_file(w)) {
        if (w->fd >= 0)
            close(w->fd);
        w->fd = open(w->path, O_RDWR | O_CLOEXEC);
        if (w->fd < 0 || sync_dir(w->path) != HD_OK)
            return HD_EIO;
    }
    while (fdatasync(w->fd) != 0)
        if (errno != EINTR)
            return HD_EIO;
    return HD_OK;
}

void store_wal_file_close(store_wal_file *w)
{
    if (!w)
        return;
    if (w->fd >= 0)
        close(w->fd);
    free(w);
}
