/* walbuf.c -- a VFS over SQLite's default one that gathers the writes of a
 * COMMIT to the write-ahead log into a few large ones (see wal.h).
 *
 * SQLite writes a frame as two pwrite() calls (its 24-byte header, then the
 * page), a 4120-byte frame straddles two pages of the kernel's cache, and a
 * group commit writes thousands of frames: the kernel's per-call and
 * per-page work was a fifth of the committer's time. Here the log's
 * consecutive writes are copied into a buffer and written out:
 *   - when a write does not follow the previous one, or does not fit;
 *   - before any other operation on the log (read, size, truncate, sync,
 *     file control, close), so that this connection always reads what it
 *     wrote;
 *   - at the sync SQLite does at the end of every COMMIT under
 *     synchronous=FULL, before it publishes the new frames in the wal-index:
 *     no other connection can read a frame still in the buffer.
 * That sync itself is skipped only inside store_commit_nosync(), whose
 * caller syncs the log file before telling anyone the transaction is safe
 * (ingest/batch.c). Every other sync -- a checkpoint's, the last close's --
 * really syncs. Only the log is wrapped; every other file is SQLite's own. */
#include "store/wal.h"
#include "store_internal.h"

#include "core/err.h"

#include <pthread.h>
#include <string.h>

/* SQLite's unix VFS writes at most 128 KiB - 1 bytes in one call (it masks
 * the length to 17 bits): stay below that. */
#define WALBUF_CAP (124 * 1024)

typedef struct walbuf_file {
    sqlite3_file   base;      /* pMethods = &walbuf_methods */
    sqlite3_file  *real;      /* the default VFS's file, right after this struct */
    char          *buf;
    int            len;
    sqlite3_int64  off;       /* where buf[0] goes in the file */
    int            nosync;    /* inside store_commit_nosync() */
} walbuf_file;

static sqlite3_vfs walbuf_vfs;
static sqlite3_vfs *real_vfs;

static int wb_flush(walbuf_file *p)
{
    int rc;

    if (!p->len)
        return SQLITE_OK;
    rc = p->real->pMethods->xWrite(p->real, p->buf, p->len, p->off);
    /* Failed or not, the bytes are gone from here: the COMMIT that wrote them
     * fails with the error, and its transaction is not published. */
    p->len = 0;
    return rc;
}

static int wb_close(sqlite3_file *f)
{
    walbuf_file *p = (walbuf_file *)f;
    int rc = wb_flush(p), rc2 = p->real->pMethods->xClose(p->real);

    sqlite3_free(p->buf);
    p->buf = NULL;
    return rc != SQLITE_OK ? rc : rc2;
}

static int wb_read(sqlite3_file *f, void *out, int amt, sqlite3_int64 off)
{
    walbuf_file *p = (walbuf_file *)f;
    int rc = wb_flush(p);

    return rc != SQLITE_OK ? rc : p->real->pMethods->xRead(p->real, out, amt, off);
}

static int wb_write(sqlite3_file *f, const void *data, int amt, sqlite3_int64 off)
{
    walbuf_file *p = (walbuf_file *)f;
    int rc;

    if (p->len && off == p->off + p->len && amt <= WALBUF_CAP - p->len) {
        memcpy(p->buf + p->len, data, (size_t)amt);
        p->len += amt;
        return SQLITE_OK;
    }
    if ((rc = wb_flush(p)) != SQLITE_OK)
        return rc;
    if (amt > WALBUF_CAP / 2)
        return p->real->pMethods->xWrite(p->real, data, amt, off);
    memcpy(p->buf, data, (size_t)amt);
    p->off = off;
    p->len = amt;
    return SQLITE_OK;
}

static int wb_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    walbuf_file *p = (walbuf_file *)f;
    int rc = wb_flush(p);

    return rc != SQLITE_OK ? rc : p->real->pMethods->xTruncate(p->real, size);
}

static int wb_sync(sqlite3_file *f, int flags)
{
    walbuf_file *p = (walbuf_file *)f;
    int rc = wb_flush(p);

    if (rc != SQLITE_OK || p->nosync)
        return rc;
    return p->real->pMethods->xSync(p->real, flags);
}

static int wb_size(sqlite3_file *f, sqlite3_int64 *size)
{
    walbuf_file *p = (walbuf_file *)f;
    int rc = wb_flush(p);

    return rc != SQLITE_OK ? rc : p->real->pMethods->xFileSize(p->real, size);
}

static int wb_lock(sqlite3_file *f, int level)
{
    walbuf_file *p = (walbuf_file *)f;

    return p->real->pMethods->xLock(p->real, level);
}

static int wb_unlock(sqlite3_file *f, int level)
{
    walbuf_file *p = (walbuf_file *)f;

    return p->real->pMethods->xUnlock(p->real, level);
}

static int wb_reserved(sqlite3_file *f, int *out)
{
    walbuf_file *p = (walbuf_file *)f;

    return p->real->pMethods->xCheckReservedLock(p->real, out);
}

static int wb_control(sqlite3_file *f, int op, void *arg)
{
    walbuf_file *p = (walbuf_file *)f;
    int rc = wb_flush(p);

    return rc != SQLITE_OK ? rc : p->real->pMethods->xFileControl(p->real, op, arg);
}

static int wb_sector(sqlite3_file *f)
{
    walbuf_file *p = (walbuf_file *)f;

    return p->real->pMethods->xSectorSize(p->real);
}

static int wb_device(sqlite3_file *f)
{
    walbuf_file *p = (walbuf_file *)f;

    return p->real->pMethods->xDeviceCharacteristics(p->real);
}

/* Version 1: the log has no shared memory and is never memory-mapped. */
static const sqlite3_io_methods walbuf_methods = {
    1, wb_close, wb_read, wb_write, wb_truncate, wb_sync, wb_size, wb_lock, wb_unlock,
    wb_reserved, wb_control, wb_sector, wb_device,
    NULL, NULL, NULL, NULL, NULL, NULL,
};

static int wb_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out_flags)
{
    walbuf_file *p = (walbuf_file *)f;
    int rc;

    (void)vfs;
    /* Everything but the log: the default VFS's own file, in place. */
    if (!(flags & SQLITE_OPEN_WAL))
        return real_vfs->xOpen(real_vfs, name, f, flags, out_flags);
    memset(p, 0, sizeof *p);
    p->real = (sqlite3_file *)(p + 1);
    p->buf = sqlite3_malloc(WALBUF_CAP);
    if (!p->buf)
        return SQLITE_NOMEM;
    rc = real_vfs->xOpen(real_vfs, name, p->real, flags, out_flags);
    if (rc != SQLITE_OK) {
        /* A failed xOpen leaves pMethods NULL: SQLite will not close it. */
        sqlite3_free(p->buf);
        p->buf = NULL;
        return rc;
    }
    p->base.pMethods = &walbuf_methods;
    return SQLITE_OK;
}

/* The rest goes to the default VFS as it is. */
static int wb_delete(sqlite3_vfs *v, const char *n, int sync)
{
    (void)v;
    return real_vfs->xDelete(real_vfs, n, sync);
}

static int wb_access(sqlite3_vfs *v, const char *n, int flags, int *out)
{
    (void)v;
    return real_vfs->xAccess(real_vfs, n, flags, out);
}

static int wb_fullpath(sqlite3_vfs *v, const char *n, int len, char *out)
{
    (void)v;
    return real_vfs->xFullPathname(real_vfs, n, len, out);
}

static int wb_random(sqlite3_vfs *v, int n, char *out)
{
    (void)v;
    return real_vfs->xRandomness(real_vfs, n, out);
}

static int wb_sleep(sqlite3_vfs *v, int us)
{
    (void)v;
    return real_vfs->xSleep(real_vfs, us);
}

static int wb_time(sqlite3_vfs *v, double *out)
{
    (void)v;
    return real_vfs->xCurrentTime(real_vfs, out);
}

static int wb_lasterror(sqlite3_vfs *v, int n, char *out)
{
    (void)v;
    return real_vfs->xGetLastError(real_vfs, n, out);
}

static int wb_time64(sqlite3_vfs *v, sqlite3_int64 *out)
{
    (void)v;
    return real_vfs->xCurrentTimeInt64(real_vfs, out);
}

static int registered = SQLITE_ERROR;

static void wb_register(void)
{
    real_vfs = sqlite3_vfs_find(NULL);
    if (!real_vfs || real_vfs->iVersion < 2)
        return;
    memset(&walbuf_vfs, 0, sizeof walbuf_vfs);
    walbuf_vfs.iVersion = 2;
    walbuf_vfs.szOsFile = (int)sizeof(walbuf_file) + real_vfs->szOsFile;
    walbuf_vfs.mxPathname = real_vfs->mxPathname;
    walbuf_vfs.zName = STORE_WALBUF_VFS;
    walbuf_vfs.xOpen = wb_open;
    walbuf_vfs.xDelete = wb_delete;
    walbuf_vfs.xAccess = wb_access;
    walbuf_vfs.xFullPathname = wb_fullpath;
    walbuf_vfs.xRandomness = wb_random;
    walbuf_vfs.xSleep = wb_sleep;
    walbuf_vfs.xCurrentTime = wb_time;
    walbuf_vfs.xGetLastError = wb_lasterror;
    walbuf_vfs.xCurrentTimeInt64 = wb_time64;
    registered = sqlite3_vfs_register(&walbuf_vfs, 0);
}

int store_walbuf_register(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;

    pthread_once(&once, wb_register);
    return registered == SQLITE_OK ? HD_OK : HD_EDB;
}

/* The log of s, when it is one of ours (opened, and through this VFS). */
static walbuf_file *log_of(store *s)
{
    sqlite3_file *f = NULL;

    if (sqlite3_file_control(s->db, "main", SQLITE_FCNTL_JOURNAL_POINTER, &f) != SQLITE_OK ||
        !f || f->pMethods != &walbuf_methods)
        return NULL;
    return (walbuf_file *)f;
}

int store_commit_nosync(store *s)
{
    walbuf_file *p;
    int rc;

    if (!s || !s->db)
        return HD_EINVAL;
    p = log_of(s);
    if (p)
        p->nosync = 1;
    rc = store_commit(s);
    if (p)
        p->nosync = 0;
    return rc;
}
