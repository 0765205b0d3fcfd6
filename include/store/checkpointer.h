/* checkpointer.h -- a thread that copies the write-ahead log back into the
 * database, so that no writer's COMMIT has to (see wal.h).
 *
 * It checkpoints every interval, and at once when kicked. PASSIVE
 * checkpoints never wait for the writer nor block it; the log is restarted
 * from its beginning by the next writer once everything in it has been
 * copied. */
#ifndef HD_STORE_CHECKPOINTER_H
#define HD_STORE_CHECKPOINTER_H

#include <stddef.h>

typedef struct store_checkpointer store_checkpointer;

/* Opens its own connection to db_path. interval_ms: 1..60000. */
int  store_checkpointer_start(const char *db_path, int interval_ms, store_checkpointer **out,
                              char *err, size_t errlen);
/* Checkpoint now rather than at the end of the interval. */
void store_checkpointer_kick(store_checkpointer *c);
/* Checkpoints done so far (for tests and metrics). */
long store_checkpointer_runs(store_checkpointer *c);
/* One last checkpoint, then the thread ends and the connection closes. */
void store_checkpointer_stop(store_checkpointer *c);

#endif
