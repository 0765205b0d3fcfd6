/* store.h -- the SQLite database: open, migrate, transactions.
 *
 * One file, WAL mode, foreign keys on, busy timeout set. The schema is created
 * and upgraded by the program itself: a schema_version table and a list of
 * migrations applied in order at open (src/store/migrate.c). Every statement
 * is prepared; prepared statements are cached per connection.
 *
 * A store handle is one connection and must be used by one thread at a time;
 * the server holds a small pool of them. The per-table functions are declared
 * in the headers beside this one (contacts.h, messages.h, help.h). */
#ifndef HD_STORE_STORE_H
#define HD_STORE_STORE_H

#include <stddef.h>
#include <stdint.h>

typedef struct store store;

/* Opens (creating the file and its directory's file if needed) and migrates. */
int  store_open(const char *path, store **out, char *err, size_t errlen);
void store_close(store *s);

/* Open and migrate only up to version: for upgrade tests, which need a
 * database as an older build left it. */
int  store_open_version(const char *path, int version, store **out, char *err, size_t errlen);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. */
int store_begin(store *s);
int store_commit(store *s);
int store_rollback(store *s);

/* 1 while a transaction is open. SQLite ends one by itself on some errors
 * (a full disk, an I/O error): a caller running several steps checks. */
int store_in_transaction(store *s);

/* A savepoint inside the open transaction: one message of a group commit
 * is undone alone (rollback) or kept (release) while the others go on. */
int store_savepoint(store *s);
int store_savepoint_release(store *s);
int store_savepoint_rollback(store *s);

/* The schema version after migration (number of migrations applied). */
int store_schema_version(store *s, int *version);
/* The newest version this build knows. */
int store_schema_latest(void);

/* SQLite's message for the connection's last error, for logs (it names
 * tables and columns, never values). Added by the store module. */
const char *store_errmsg(store *s);

#endif
