/* store_tx.h -- "in the caller's transaction if one is open, else in our
 * own", for the writing functions of users.c, cases.c, communes.c (the same
 * two helpers outbox.c keeps to itself). Own transactions are IMMEDIATE
 * (store_begin), so that reading then writing cannot fail half-way on
 * another connection's write. On an error inside the caller's transaction,
 * the caller rolls back. */
#ifndef HD_STORE_TX_H
#define HD_STORE_TX_H

#include "store_internal.h"

static inline int store_tx_open(store *s, int *own)
{
    *own = sqlite3_get_autocommit(s->db) != 0;
    return *own ? store_begin(s) : 0;
}

static inline int store_tx_close(store *s, int own, int rc)
{
    if (!own)
        return rc;
    if (!rc && (rc = store_commit(s)) == 0)
        return 0;
    store_rollback(s);
    return rc;
}

#endif
