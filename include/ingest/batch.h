/* batch.h -- group commit for inbound messages.
 *
 * A provider's webhook may answer 200 only once its message is on disk
 * (synchronous=FULL), and one fsync per message caps the help line at a few
 * hundred messages a second. So the webhooks hand their messages to one
 * committer thread, which runs every message waiting in one transaction --
 * each inside a savepoint, so that one bad message fails alone -- and
 * commits them with a single fsync. ingest_batch_run() returns when its
 * message is committed (or failed), exactly as ingest_message() would. */
#ifndef HD_INGEST_BATCH_H
#define HD_INGEST_BATCH_H

#include "ingest/ingest.h"

typedef struct ingest_batch ingest_batch;

/* Opens its own connection to db_path. max: messages in one transaction. */
int  ingest_batch_start(const char *db_path, const ingest_env *env, int max,
                        ingest_batch **out, char *err, size_t errlen);
/* Blocks until the message is committed; the same results as
 * ingest_message(). HD_EBUSY once stopping. */
int  ingest_batch_run(ingest_batch *b, const ingest_msg *in, ingest_result *out,
                      char *err, size_t errlen);
/* Finishes the messages already handed over, then stops. */
void ingest_batch_stop(ingest_batch *b);

#endif
