/* batch.h -- group commit for inbound messages.
 *
 * A provider's webhook may answer 200 only once its message is on disk, and
 * one fsync per message caps the help line at a few hundred messages a
 * second. So the webhooks hand their messages to a pipeline of three
 * threads:
 *   committer     runs every message waiting in one transaction -- one bad
 *                 message still fails alone -- and commits without syncing
 *                 (store/wal.h);
 *   syncer        fdatasync()s the log, then reports every message committed
 *                 before that sync began: only now is any of them answered;
 *   checkpointer  copies the log into the database (store/checkpointer.h).
 * While one group is synced the next one runs: the busier the line, the
 * larger the groups, and the cost of a sync is shared by all of them. */
#ifndef HD_INGEST_BATCH_H
#define HD_INGEST_BATCH_H

#include "ingest/ingest.h"

typedef struct ingest_batch ingest_batch;

typedef struct ingest_batch_opts {
    int max;          /* messages in one transaction, >= 1 */
    int max_wait_ms;  /* a message that waited longer for its turn fails with
                         HD_EBUSY without running (503: the provider retries) */
    int cache_kb;     /* page cache of the committer's connection; 0: default */
    int restart_frames; /* log size at which the committer completes a
                           checkpoint itself so that the log restarts; 0: 32768 */
} ingest_batch_opts;

/* One message handed over. The caller keeps it (and in, out, err) alive
 * until done() has been called. */
typedef struct ingest_job {
    const ingest_msg *in;
    ingest_result    *out;
    char             *err;
    size_t            errlen;
    /* Called exactly once, from one of the batch's threads, when the message
     * is committed and on disk (rc HD_OK) or failed (rc < 0): the same
     * results as ingest_message(). It must not block for long: the next
     * answers wait behind it. */
    void            (*done)(struct ingest_job *j, int rc);
    void             *arg;      /* the caller's, for done() */
    /* The batch's own. */
    int64_t           queued_ms;
    int               rc, late;
    struct ingest_job *next;
} ingest_job;

/* Opens its connections to db_path and starts the threads. */
int  ingest_batch_start(const char *db_path, const ingest_env *env,
                        const ingest_batch_opts *opts, ingest_batch **out,
                        char *err, size_t errlen);
/* Queues j. HD_EBUSY once stopping (done() is not called then). */
int  ingest_batch_submit(ingest_batch *b, ingest_job *j);
/* Submits and waits: the same results as ingest_message(). */
int  ingest_batch_run(ingest_batch *b, const ingest_msg *in, ingest_result *out,
                      char *err, size_t errlen);
/* Finishes the messages already handed over, then stops. */
void ingest_batch_stop(ingest_batch *b);

#endif
