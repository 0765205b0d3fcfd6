/* migrate.c -- the schema, as an ordered list of migrations.
 *
 * HOW TO CHANGE THE SCHEMA: append one entry to `migrations` below, at the
 * end. That is all: its position is its version number, and store_open()
 * applies every entry a database has not seen yet, in order, each in its own
 * transaction together with its row in schema_version.
 *
 *   - Never edit, reorder or remove an entry once it has been merged: databases
 *     in the field have run it and will not run it again. Fix forward with a
 *     new entry.
 *   - Only DDL and constant data; no values from outside.
 *   - Times are epoch milliseconds INTEGER; booleans INTEGER 0/1 with a CHECK.
 *   - foreign_keys is OFF while migrating, so a table may be rebuilt the
 *     SQLite way (CREATE new, INSERT SELECT, DROP old, ALTER RENAME);
 *     PRAGMA foreign_key_check must come back empty before the commit.
 *     Views that read the table (help_requests reads messages) are dropped
 *     before such a rebuild and created again after it.
 *   - On the tables written per message, no CHECK (x IN (...)) of more than
 *     two values: SQLite builds a b-tree for it at every insert (see 7).
 *
 * A database newer than the build (a downgrade) is refused, not guessed at. */
#include "store_internal.h"
#include "core/err.h"

typedef struct migration {
    const char *name;   /* for the error message when it fails */
    const char *sql;    /* one or more statements */
} migration;

static const migration migrations[] = {
    /* 1 */
    { "contacts, messages, help_requests",
      "CREATE TABLE contacts ("
      "  id              INTEGER PRIMARY KEY,"
      "  channel         TEXT    NOT NULL,"             /* sms, zalo, console */
      "  address         TEXT    NOT NULL,"
      "  state           TEXT    NOT NULL DEFAULT '',"  /* dialogue state JSON */
      "  opted_out       INTEGER NOT NULL DEFAULT 0 CHECK (opted_out IN (0, 1)),"
      "  created_at      INTEGER NOT NULL,"
      "  last_inbound_at INTEGER,"
      "  UNIQUE (channel, address)"
      ");"
      "CREATE TABLE messages ("
      "  id          INTEGER PRIMARY KEY,"
      "  contact_id  INTEGER NOT NULL REFERENCES contacts(id),"
      "  dir         TEXT    NOT NULL CHECK (dir IN ('in', 'out')),"
      "  channel     TEXT    NOT NULL,"
      "  external_id TEXT,"
      "  text        TEXT    NOT NULL,"
      "  intent      TEXT,"
      "  status      TEXT    NOT NULL,"
      "  created_at  INTEGER NOT NULL"
      ");"
      /* A provider that retries an inbound message is told apart by this key;
       * outbound rows and rows without an id never collide. */
      "CREATE UNIQUE INDEX messages_inbound_external ON messages(channel, external_id)"
      "  WHERE dir = 'in' AND external_id IS NOT NULL;"
      "CREATE INDEX messages_contact ON messages(contact_id, created_at);"
      "CREATE TABLE help_requests ("
      "  id          INTEGER PRIMARY KEY,"
      "  contact_id  INTEGER NOT NULL REFERENCES contacts(id),"
      "  message_id  INTEGER REFERENCES messages(id),"
      "  intent      TEXT    NOT NULL,"
      "  resolution  TEXT    NOT NULL CHECK (resolution IN ('bot', 'person')),"
      "  outcome     TEXT    CHECK (outcome IN ('solved', 'failed')),"
      "  created_at  INTEGER NOT NULL,"
      "  outcome_at  INTEGER"
      ");"
      "CREATE INDEX help_requests_created ON help_requests(created_at);"
      "CREATE INDEX help_requests_contact_intent"
      "  ON help_requests(contact_id, intent, created_at);" },

    /* 2 */
    { "outbox, kv",
      "CREATE TABLE outbox ("
      "  id              INTEGER PRIMARY KEY,"
      "  contact_id      INTEGER NOT NULL REFERENCES contacts(id),"
      "  message_id      INTEGER REFERENCES messages(id),"  /* the outbound row, if any */
      "  broadcast_id    INTEGER,"                          /* no table yet */
      "  channel         TEXT    NOT NULL,"
      "  address         TEXT    NOT NULL,"
      "  text            TEXT    NOT NULL,"
      "  priority        INTEGER NOT NULL CHECK (priority IN (0, 1, 2)),"
      "  status          TEXT    NOT NULL CHECK (status IN ('queued', 'sending', 'sent',"
      "                    'delivered', 'undelivered', 'failed', 'unreachable',"
      "                    'held', 'cancelled')),"
      "  attempts        INTEGER NOT NULL DEFAULT 0,"
      "  next_attempt_at INTEGER NOT NULL,"
      "  lease_until     INTEGER,"                          /* while 'sending' */
      "  provider_id     TEXT,"
      "  last_error      TEXT,"
      "  created_at      INTEGER NOT NULL,"
      "  updated_at      INTEGER NOT NULL,"
      "  sent_at         INTEGER"
      ");"
      /* The claim walks this index per priority over the due range only
       * (priority IN (0, 1, 2) keeps next_attempt_at a range constraint), so
       * rows scheduled for later cost nothing and nothing is sorted. */
      "CREATE INDEX outbox_due"
      "  ON outbox(channel, status, priority, next_attempt_at, id);"
      /* Recovery looks only at the few rows in flight, never at the history. */
      "CREATE INDEX outbox_lease ON outbox(channel, lease_until) WHERE status = 'sending';"
      "CREATE TABLE kv ("
      "  key        TEXT    PRIMARY KEY,"
      "  value      TEXT    NOT NULL,"
      "  updated_at INTEGER NOT NULL"
      ") WITHOUT ROWID;" },

    /* 3 */
    { "communes, users, cases, case_events, audit_log, case_drafts",
      /* Filled from data/communes.tsv at start (store_commune_load); rows are
       * updated, never deleted, so that old cases keep their commune. */
      "CREATE TABLE communes ("
      "  code          TEXT PRIMARY KEY,"
      "  name          TEXT NOT NULL,"
      "  type          TEXT NOT NULL,"
      "  province_code TEXT NOT NULL,"
      "  province_name TEXT NOT NULL"
      ") WITHOUT ROWID;"
      "CREATE INDEX communes_province ON communes(province_code);"
      "CREATE TABLE users ("
      "  id            INTEGER PRIMARY KEY,"
      "  name          TEXT    NOT NULL,"
      "  role          TEXT    NOT NULL CHECK (role IN ('officer', 'staff', 'admin')),"
      "  province_code TEXT,"                          /* staff: NULL = all provinces */
      "  token_hash    TEXT    NOT NULL UNIQUE,"       /* hex SHA-256 of the token */
      "  created_at    INTEGER NOT NULL,"
      "  disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1))"
      ");"
      "CREATE TABLE user_communes ("
      "  user_id      INTEGER NOT NULL REFERENCES users(id),"
      "  commune_code TEXT    NOT NULL REFERENCES communes(code),"
      "  PRIMARY KEY (user_id, commune_code)"
      ") WITHOUT ROWID;"
      "CREATE INDEX user_communes_commune ON user_communes(commune_code);"
      /* Personal fields (full_name, id_enc, callback_phone, description) are
       * set to NULL by the retention purge; id_last4 stays for the masked
       * display. commune_code NULL: the province's queue (commune unknown).
       * No foreign key to communes: a case must be recordable whatever the
       * state of that table. */
      "CREATE TABLE cases ("
      "  id             INTEGER PRIMARY KEY,"
      "  contact_id     INTEGER NOT NULL REFERENCES contacts(id),"
      "  channel        TEXT    NOT NULL,"
      "  kind           TEXT    NOT NULL CHECK (kind IN ('device_change', 'phone_change', 'other')),"
      "  reason         TEXT    NOT NULL,"
      "  commune_code   TEXT,"
      "  province_code  TEXT    NOT NULL,"
      "  status         TEXT    NOT NULL CHECK (status IN ('open', 'claimed', 'resolved', 'closed')),"
      "  close_reason   TEXT    CHECK (close_reason IN ('duplicate', 'unreachable')),"
      "  claimed_by     INTEGER REFERENCES users(id),"
      "  full_name      TEXT,"
      "  id_enc         BLOB,"                         /* nonce || ciphertext || tag */
      "  id_last4       TEXT,"
      "  callback_phone TEXT,"
      "  description    TEXT,"
      "  created_at     INTEGER NOT NULL,"
      "  claimed_at     INTEGER,"
      "  resolved_at    INTEGER,"
      "  closed_at      INTEGER,"
      "  purged_at      INTEGER,"
      "  CHECK ((status = 'closed') = (close_reason IS NOT NULL))"
      ");"
      "CREATE INDEX cases_queue ON cases(commune_code, status, created_at);"
      "CREATE INDEX cases_province ON cases(province_code, status, created_at);"
      "CREATE INDEX cases_status ON cases(status, created_at);"
      /* One case in progress per contact: a second escalation adds to it. */
      "CREATE UNIQUE INDEX cases_one_active ON cases(contact_id)"
      "  WHERE status IN ('open', 'claimed');"
      "CREATE TABLE case_events ("
      "  id         INTEGER PRIMARY KEY,"
      "  case_id    INTEGER NOT NULL REFERENCES cases(id),"
      "  at         INTEGER NOT NULL,"
      "  actor      TEXT    NOT NULL CHECK (actor IN ('citizen', 'bot', 'system')"
      "               OR (actor GLOB 'user:[1-9]*' AND substr(actor, 6) NOT GLOB '*[^0-9]*')),"
      "  kind       TEXT    NOT NULL CHECK (kind IN ('created', 'message', 'escalation',"
      "               'claimed', 'reply', 'resolved', 'closed', 'purged')),"
      "  message_id INTEGER REFERENCES messages(id),"
      "  text       TEXT"
      ");"
      "CREATE INDEX case_events_case ON case_events(case_id, at, id);"
      /* Never the ID number, not even masked: who did what to which case. */
      "CREATE TABLE audit_log ("
      "  id      INTEGER PRIMARY KEY,"
      "  at      INTEGER NOT NULL,"
      "  user_id INTEGER REFERENCES users(id),"
      "  action  TEXT    NOT NULL,"
      "  case_id INTEGER REFERENCES cases(id),"
      "  detail  TEXT"
      ");"
      "CREATE INDEX audit_log_case ON audit_log(case_id, at) WHERE case_id IS NOT NULL;"
      "CREATE INDEX audit_log_at ON audit_log(at);"
      /* The ID number typed during an intake, sealed, until the case is
       * created (then it moves into cases) or the intake is cancelled. */
      "CREATE TABLE case_drafts ("
      "  contact_id INTEGER PRIMARY KEY REFERENCES contacts(id),"
      "  id_enc     BLOB    NOT NULL,"
      "  id_last4   TEXT    NOT NULL,"
      "  updated_at INTEGER NOT NULL"
      ");" },

    /* 4 */
    { "campaigns: what is known of a citizen, broadcasts, the daily cap, follow-ups",
      /* What campaign staff know of a contact: the commune (from a police
       * list or a case), a name, a phone for Zalo contacts (so that a
       * reminder can go by SMS outside Zalo's 7-day window), whether a list
       * says the account is approved but not activated, and when the citizen
       * confirmed activation. */
      "ALTER TABLE contacts ADD COLUMN commune_code TEXT;"
      "ALTER TABLE contacts ADD COLUMN display_name TEXT;"
      "ALTER TABLE contacts ADD COLUMN phone TEXT;"
      "ALTER TABLE contacts ADD COLUMN listed_not_activated INTEGER NOT NULL DEFAULT 0;"
      "ALTER TABLE contacts ADD COLUMN activated_at INTEGER;"
      "ALTER TABLE contacts ADD COLUMN opted_out_at INTEGER;"
      "CREATE INDEX contacts_commune ON contacts(commune_code) WHERE commune_code IS NOT NULL;"
      "CREATE TABLE broadcasts ("
      "  id          INTEGER PRIMARY KEY,"
      "  name        TEXT    NOT NULL,"
      "  text        TEXT    NOT NULL,"
      "  segment     TEXT    NOT NULL,"          /* all | not_activated | intent:<id> */
      "  province_code TEXT,"                    /* NULL: any province */
      "  communes    TEXT,"                      /* JSON array of codes, NULL: any */
      "  send_at     INTEGER NOT NULL,"
      "  status      TEXT    NOT NULL CHECK (status IN ('scheduled', 'sending',"
      "                'waiting_window', 'paused', 'done', 'cancelled')),"
      "  cursor      INTEGER NOT NULL DEFAULT 0,"  /* last contact id planned */
      "  audience    INTEGER,"                     /* counted when planning starts */
      "  created_by  INTEGER REFERENCES users(id),"
      "  created_at  INTEGER NOT NULL,"
      "  updated_at  INTEGER NOT NULL,"
      "  done_at     INTEGER"
      ");"
      "CREATE INDEX broadcasts_status ON broadcasts(status, send_at);"
      /* One row per citizen a broadcast considered: queued (with its outbox
       * row) or skipped with the reason. The key is what makes "nobody
       * receives it twice" hold across crashes. */
      "CREATE TABLE broadcast_recipients ("
      "  broadcast_id INTEGER NOT NULL REFERENCES broadcasts(id),"
      "  contact_id   INTEGER NOT NULL REFERENCES contacts(id),"
      "  status       TEXT    NOT NULL CHECK (status IN ('queued', 'skipped')),"
      "  reason       TEXT    CHECK (reason IN ('opted_out', 'daily_cap', 'no_channel')),"
      "  channel      TEXT,"
      "  outbox_id    INTEGER,"
      "  created_at   INTEGER NOT NULL,"
      "  PRIMARY KEY (broadcast_id, contact_id)"
      ") WITHOUT ROWID;"
      "CREATE INDEX outbox_broadcast ON outbox(broadcast_id, status) WHERE broadcast_id IS NOT NULL;"
      /* At most one reminder (broadcast or follow-up) a citizen a local day. */
      "CREATE TABLE reminder_days ("
      "  contact_id INTEGER NOT NULL,"
      "  day        TEXT    NOT NULL,"            /* YYYY-MM-DD, Asia/Ho_Chi_Minh */
      "  PRIMARY KEY (contact_id, day)"
      ") WITHOUT ROWID;"
      "CREATE TABLE followups ("
      "  id          INTEGER PRIMARY KEY,"
      "  contact_id  INTEGER NOT NULL REFERENCES contacts(id),"
      "  intent      TEXT    NOT NULL,"
      "  due_at      INTEGER NOT NULL,"
      "  status      TEXT    NOT NULL CHECK (status IN ('pending', 'sent', 'answered',"
      "                'cancelled', 'skipped')),"
      "  outcome     TEXT    CHECK (outcome IN ('solved', 'failed')),"
      "  reason      TEXT,"
      "  outbox_id   INTEGER,"
      "  created_at  INTEGER NOT NULL,"
      "  updated_at  INTEGER NOT NULL"
      ");"
      "CREATE INDEX followups_due ON followups(status, due_at);"
      "CREATE UNIQUE INDEX followups_one_open ON followups(contact_id)"
      "  WHERE status IN ('pending', 'sent');"
      "CREATE INDEX messages_created ON messages(created_at);"
      "CREATE INDEX outbox_contact ON outbox(contact_id);"
      "CREATE INDEX cases_created ON cases(created_at);" },

    /* 5 */
    { "outbox by message instead of by contact",
      /* Every outbox row delivers a messages row, so the retention purge
       * finds the rows to empty through message_id. That index only grows
       * at its end; the one by contact took a random page per message of
       * the group commit, in every commit. */
      "DROP INDEX outbox_contact;"
      "CREATE INDEX outbox_message ON outbox(message_id);" },

    /* 6 */
    { "broadcast audience lists",
      /* Who a broadcast goes to, listed once when it becomes due (a few
       * transactions of many rows each), then planned from the list at the
       * channels' pace: the audience is fixed and counted exactly, and a
       * million citizens are on the broadcast's list within seconds. */
      "CREATE TABLE broadcast_audience ("
      "  broadcast_id INTEGER NOT NULL REFERENCES broadcasts(id),"
      "  contact_id   INTEGER NOT NULL,"
      "  PRIMARY KEY (broadcast_id, contact_id)"
      ") WITHOUT ROWID;"
      /* Broadcasts under way were planned from the contacts: they list
       * theirs from the start; their recipient rows keep anyone from being
       * planned twice. */
      "UPDATE broadcasts SET audience = NULL, cursor = 0"
      "  WHERE status IN ('scheduled', 'sending', 'waiting_window', 'paused');" },

    /* 7 */
    { "CHECK constraints without IN lists",
      /* SQLite evaluates "x IN (a, b, c)" of more than two constants by
       * building a temporary b-tree, once per statement: in a CHECK that is
       * every INSERT, and every UPDATE of the column -- 2 to 5 us each, a
       * fifth of the committer's time per message (the outbox had two, the
       * follow-ups one). The same constraints as OR chains cost nothing. The
       * tables written per message or per recipient are rebuilt the SQLite
       * way (new table, copy, drop, rename, indexes); cases, users and
       * broadcasts are written a few times a minute and keep theirs.
       * test_store checks that no table of that path gets one again. */
      "CREATE TABLE outbox_new ("
      "  id              INTEGER PRIMARY KEY,"
      "  contact_id      INTEGER NOT NULL REFERENCES contacts(id),"
      "  message_id      INTEGER REFERENCES messages(id),"
      "  broadcast_id    INTEGER,"
      "  channel         TEXT    NOT NULL,"
      "  address         TEXT    NOT NULL,"
      "  text            TEXT    NOT NULL,"
      "  priority        INTEGER NOT NULL CHECK (priority = 0 OR priority = 1 OR priority = 2),"
      "  status          TEXT    NOT NULL CHECK (status = 'queued' OR status = 'sending'"
      "                    OR status = 'sent' OR status = 'delivered' OR status = 'undelivered'"
      "                    OR status = 'failed' OR status = 'unreachable' OR status = 'held'"
      "                    OR status = 'cancelled'),"
      "  attempts        INTEGER NOT NULL DEFAULT 0,"
      "  next_attempt_at INTEGER NOT NULL,"
      "  lease_until     INTEGER,"
      "  provider_id     TEXT,"
      "  last_error      TEXT,"
      "  created_at      INTEGER NOT NULL,"
      "  updated_at      INTEGER NOT NULL,"
      "  sent_at         INTEGER"
      ");"
      "INSERT INTO outbox_new SELECT id, contact_id, message_id, broadcast_id, channel, address,"
      "  text, priority, status, attempts, next_attempt_at, lease_until, provider_id,"
      "  last_error, created_at, updated_at, sent_at FROM outbox;"
      "DROP TABLE outbox;"
      "ALTER TABLE outbox_new RENAME TO outbox;"
      "CREATE INDEX outbox_due ON outbox(channel, status, priority, next_attempt_at, id);"
      "CREATE INDEX outbox_lease ON outbox(channel, lease_until) WHERE status = 'sending';"
      "CREATE INDEX outbox_broadcast ON outbox(broadcast_id, status)"
      "  WHERE broadcast_id IS NOT NULL;"
      "CREATE INDEX outbox_message ON outbox(message_id);"

      "CREATE TABLE followups_new ("
      "  id          INTEGER PRIMARY KEY,"
      "  contact_id  INTEGER NOT NULL REFERENCES contacts(id),"
      "  intent      TEXT    NOT NULL,"
      "  due_at      INTEGER NOT NULL,"
      "  status      TEXT    NOT NULL CHECK (status = 'pending' OR status = 'sent'"
      "                OR status = 'answered' OR status = 'cancelled' OR status = 'skipped'),"
      "  outcome     TEXT    CHECK (outcome IN ('solved', 'failed')),"
      "  reason      TEXT,"
      "  outbox_id   INTEGER,"
      "  created_at  INTEGER NOT NULL,"
      "  updated_at  INTEGER NOT NULL"
      ");"
      "INSERT INTO followups_new SELECT id, contact_id, intent, due_at, status, outcome, reason,"
      "  outbox_id, created_at, updated_at FROM followups;"
      "DROP TABLE followups;"
      "ALTER TABLE followups_new RENAME TO followups;"
      "CREATE INDEX followups_due ON followups(status, due_at);"
      "CREATE UNIQUE INDEX followups_one_open ON followups(contact_id)"
      "  WHERE status IN ('pending', 'sent');"

      "CREATE TABLE broadcast_recipients_new ("
      "  broadcast_id INTEGER NOT NULL REFERENCES broadcasts(id),"
      "  contact_id   INTEGER NOT NULL REFERENCES contacts(id),"
      "  status       TEXT    NOT NULL CHECK (status IN ('queued', 'skipped')),"
      "  reason       TEXT    CHECK (reason = 'opted_out' OR reason = 'daily_cap'"
      "                 OR reason = 'no_channel'),"
      "  channel      TEXT,"
      "  outbox_id    INTEGER,"
      "  created_at   INTEGER NOT NULL,"
      "  PRIMARY KEY (broadcast_id, contact_id)"
      ") WITHOUT ROWID;"
      "INSERT INTO broadcast_recipients_new SELECT broadcast_id, contact_id, status, reason,"
      "  channel, outbox_id, created_at FROM broadcast_recipients;"
      "DROP TABLE broadcast_recipients;"
      "ALTER TABLE broadcast_recipients_new RENAME TO broadcast_recipients;"

      "CREATE TABLE case_events_new ("
      "  id         INTEGER PRIMARY KEY,"
      "  case_id    INTEGER NOT NULL REFERENCES cases(id),"
      "  at         INTEGER NOT NULL,"
      "  actor      TEXT    NOT NULL CHECK (actor = 'citizen' OR actor = 'bot'"
      "               OR actor = 'system'"
      "               OR (actor GLOB 'user:[1-9]*' AND substr(actor, 6) NOT GLOB '*[^0-9]*')),"
      "  kind       TEXT    NOT NULL CHECK (kind = 'created' OR kind = 'message'"
      "               OR kind = 'escalation' OR kind = 'claimed' OR kind = 'reply'"
      "               OR kind = 'resolved' OR kind = 'closed' OR kind = 'purged'),"
      "  message_id INTEGER REFERENCES messages(id),"
      "  text       TEXT"
      ");"
      "INSERT INTO case_events_new SELECT id, case_id, at, actor, kind, message_id, text"
      "  FROM case_events;"
      "DROP TABLE case_events;"
      "ALTER TABLE case_events_new RENAME TO case_events;"
      "CREATE INDEX case_events_case ON case_events(case_id, at, id);" },

    /* 8 */
    { "inbound messages by time",
      /* Only the conversations report reads messages by time, and only the
       * inbound ones: outbound rows (most of them) need not be in that
       * index, one b-tree insert less per reply. */
      "DROP INDEX messages_created;"
      "CREATE INDEX messages_created_in ON messages(created_at) WHERE dir = 'in';" },

    /* 9 */
    { "help requests on their inbound message",
      /* Every help request is the answer to one inbound message: its row
       * was a second insert (three b-trees, one of them a random page by
       * contact) for what the message's own row can say. The columns move
       * onto messages, and help_requests stays as a view for reading. A
       * request not tied to a stored message (ingest always tied them, but
       * the table allowed it) becomes an inbound row with no text, so that
       * counts and outcomes stay as they were. A later migration that
       * rebuilds messages must drop and recreate the view (ALTER TABLE
       * RENAME checks every view). */
      "ALTER TABLE messages ADD COLUMN help TEXT CHECK (help IN ('bot', 'person'));"
      "ALTER TABLE messages ADD COLUMN help_intent TEXT;"
      "ALTER TABLE messages ADD COLUMN outcome TEXT CHECK (outcome IN ('solved', 'failed'));"
      "ALTER TABLE messages ADD COLUMN outcome_at INTEGER;"
      "UPDATE messages SET help = h.resolution, help_intent = h.intent, outcome = h.outcome,"
      "  outcome_at = h.outcome_at FROM help_requests h WHERE h.message_id = messages.id;"
      "INSERT INTO messages (contact_id, dir, channel, text, status, created_at, help,"
      "  help_intent, outcome, outcome_at)"
      "  SELECT h.contact_id, 'in', c.channel, '', 'received', h.created_at, h.resolution,"
      "  h.intent, h.outcome, h.outcome_at FROM help_requests h JOIN contacts c"
      "  ON c.id = h.contact_id WHERE h.message_id IS NULL ORDER BY h.id;"
      "DROP TABLE help_requests;"
      "CREATE VIEW help_requests AS SELECT id, contact_id, id AS message_id,"
      "  help_intent AS intent, help AS resolution, outcome, created_at, outcome_at"
      "  FROM messages WHERE dir = 'in' AND help IS NOT NULL;" },

    /* Append new migrations here. */
};

#define MIGRATIONS_N ((int)(sizeof migrations / sizeof migrations[0]))

int store_schema_latest(void)
{
    return MIGRATIONS_N;
}

static const char SQL_VERSION_TABLE[] =
    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)";
static const char SQL_VERSION_ADD[] = "INSERT INTO schema_version (version) VALUES (?1)";
static const char SQL_FK_CHECK[] = "PRAGMA foreign_key_check";

static int fk_violated(store *s, int *violated)
{
    sqlite3_stmt *st = NULL;
    int rc, src;

    rc = store_stmt(s, SQL_FK_CHECK, &st);
    if (rc)
        return rc;
    src = sqlite3_step(st);
    *violated = src == SQLITE_ROW;
    rc = store_dberr(src);
    sqlite3_reset(st);
    return rc;
}

/* Apply migration number v (1-based) inside the open transaction. */
static int apply(store *s, int v, char *err, size_t errlen)
{
    const migration *m = &migrations[v - 1];
    sqlite3_stmt *st = NULL;
    int rc, violated = 0;

    rc = store_dberr(sqlite3_exec(s->db, m->sql, NULL, NULL, NULL));
    if (!rc)
        rc = fk_violated(s, &violated);
    if (!rc && violated)
        return hd_seterr(err, errlen, HD_EDB,
                         "migration %d (%s) leaves foreign keys broken", v, m->name);
    if (!rc)
        rc = store_stmt(s, SQL_VERSION_ADD, &st);
    if (!rc && (rc = store_dberr(sqlite3_bind_int(st, 1, v))) == HD_OK)
        rc = store_step_done(st, NULL);
    sqlite3_reset(st);
    if (rc)
        return hd_seterr(err, errlen, rc, "migration %d (%s) failed: %s", v, m->name,
                         sqlite3_errmsg(s->db));
    return HD_OK;
}

/* One transaction per migration, re-reading the version each time under the
 * write lock: several connections of the pool may open at once, and only the
 * first one may migrate. */
int store_migrate(store *s, int target, char *err, size_t errlen)
{
    int rc, v = 0;

    if (!s || !s->db || target < 0 || target > MIGRATIONS_N)
        return HD_EINVAL;
    for (;;) {
        rc = store_begin(s);
        if (rc)
            return hd_seterr(err, errlen, rc, "cannot begin migration: %s",
                             sqlite3_errmsg(s->db));
        rc = store_dberr(sqlite3_exec(s->db, SQL_VERSION_TABLE, NULL, NULL, NULL));
        if (!rc)
            rc = store_schema_version(s, &v);
        if (rc) {
            hd_seterr(err, errlen, rc, "cannot read schema version: %s",
                      sqlite3_errmsg(s->db));
            goto fail;
        }
        if (v > MIGRATIONS_N) {
            rc = hd_seterr(err, errlen, HD_EDB,
                           "database schema version %d is newer than this build "
                           "knows (%d): run a newer vneid-helpdesk", v, MIGRATIONS_N);
            goto fail;
        }
        if (v < target) {
            rc = apply(s, v + 1, err, errlen);
            if (rc)
                goto fail;
        }
        rc = store_commit(s);
        if (rc) {
            hd_seterr(err, errlen, rc, "cannot commit migration %d: %s", v + 1,
                      sqlite3_errmsg(s->db));
            goto fail;
        }
        if (v >= target - 1)
            return HD_OK;
    }
fail:
    store_rollback(s);
    return rc;
}
