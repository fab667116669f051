#include "storage/schema.h"

#include <string>
#include <string_view>

namespace plazo {
namespace {

// One step from version - 1 to version. The SQL is constant text; each step
// ends by setting user_version (a pragma cannot take a bound parameter), and
// migrate() checks afterwards that it did.
struct Migration {
  int version;
  std::string_view sql;
};

// Conventions for every table:
// - days are TEXT 'YYYY-MM-DD' (sorts as dates, readable in the sqlite3 shell);
// - instants are INTEGER seconds since the Unix epoch, UTC;
// - lists are TEXT holding a JSON array;
// - tables are STRICT, so a value of the wrong type is refused, not coerced.
// Reporting cycles are NOT stored: they come from the config on every start
// and reload, like the reminder policy; only what the config cannot know
// (plans, activities, progress, the outbox and its log) lives here. Units
// are stored as a copy of the config so activities can refer to them.
constexpr Migration kMigrations[] = {
    {1, R"sql(
CREATE TABLE units (
  id        TEXT PRIMARY KEY,
  name      TEXT NOT NULL,
  aliases   TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(aliases)),
  emails    TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(emails)),
  webhooks  TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(webhooks)),
  oversight INTEGER NOT NULL DEFAULT 0,
  active    INTEGER NOT NULL DEFAULT 1   -- 0: no longer in the config
) STRICT;

CREATE TABLE plans (
  id   INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  year INTEGER NOT NULL,
  UNIQUE (name, year)
) STRICT;

CREATE TABLE activities (
  id                  INTEGER PRIMARY KEY,
  plan_id             INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
  number              TEXT NOT NULL,     -- '1.5', as in the matrix
  sort_key            TEXT NOT NULL,     -- natural order: 1.2 < 1.10 < 2.1
  component           TEXT NOT NULL DEFAULT '',
  subcomponent        TEXT NOT NULL DEFAULT '',
  title               TEXT NOT NULL DEFAULT '',
  deliverable         TEXT NOT NULL DEFAULT '',
  indicator           TEXT NOT NULL DEFAULT '',
  goal                TEXT NOT NULL DEFAULT '',
  periods             TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(periods)),
  deadline            TEXT,              -- NULL: no reminders
  responsible_text    TEXT NOT NULL DEFAULT '',
  co_responsible_text TEXT NOT NULL DEFAULT '',
  source_line         INTEGER NOT NULL DEFAULT 0,
  -- The latest progress entry (greatest as_of; on a tie the later entry),
  -- kept in step with the progress table so "open" needs no join.
  progress_percent    INTEGER,
  progress_as_of      TEXT,
  progress_note       TEXT,
  done                INTEGER NOT NULL DEFAULT 0,
  UNIQUE (plan_id, number)
) STRICT;

-- Scheduling reads only open activities; the partial indexes hold just those.
CREATE INDEX activities_open_by_deadline ON activities(deadline) WHERE done = 0;
CREATE INDEX activities_open_by_plan ON activities(plan_id, sort_key) WHERE done = 0;
CREATE INDEX activities_by_number ON activities(number);

CREATE TABLE activity_units (
  activity_id INTEGER NOT NULL REFERENCES activities(id) ON DELETE CASCADE,
  unit_id     TEXT NOT NULL REFERENCES units(id),
  role        TEXT NOT NULL CHECK (role IN ('responsible', 'co_responsible')),
  position    INTEGER NOT NULL,
  PRIMARY KEY (activity_id, role, position)
) STRICT;
CREATE INDEX activity_units_by_unit ON activity_units(unit_id);

CREATE TABLE progress (
  id          INTEGER PRIMARY KEY,
  activity_id INTEGER NOT NULL REFERENCES activities(id) ON DELETE CASCADE,
  as_of       TEXT NOT NULL,
  percent     INTEGER NOT NULL CONSTRAINT progress_percent_range CHECK (percent BETWEEN 0 AND 100),
  note        TEXT NOT NULL DEFAULT '',
  recorded_at INTEGER NOT NULL,
  UNIQUE (activity_id, as_of, percent, note)
) STRICT;

PRAGMA user_version = 1;
)sql"},
    {2, R"sql(
CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY,
  key             TEXT NOT NULL UNIQUE,   -- idempotency key of the message
  unit_id         TEXT NOT NULL REFERENCES units(id),
  channel         TEXT NOT NULL CHECK (channel IN ('email', 'webhook')),
  day             TEXT NOT NULL,
  due_at          INTEGER NOT NULL,
  payload         TEXT NOT NULL CHECK (json_valid(payload)),  -- the Message
  status          TEXT NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'in_flight', 'retry', 'sent', 'dead')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  lease_until     INTEGER,
  destination     TEXT NOT NULL DEFAULT '',
  last_error      TEXT NOT NULL DEFAULT '',
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX outbox_by_status ON outbox(status, next_attempt_at);
CREATE INDEX outbox_by_unit_day ON outbox(unit_id, channel, day);

CREATE TABLE delivery_log (
  id          INTEGER PRIMARY KEY,
  outbox_id   INTEGER NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,
  at          INTEGER NOT NULL,
  channel     TEXT NOT NULL,
  recipient   TEXT NOT NULL,
  result      TEXT NOT NULL,
  status_code INTEGER NOT NULL DEFAULT 0,
  error       TEXT NOT NULL DEFAULT '',
  duration_ms INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX delivery_log_by_outbox ON delivery_log(outbox_id, at);
CREATE INDEX delivery_log_by_at ON delivery_log(at);

CREATE TABLE scheduler_state (
  key   TEXT PRIMARY KEY,   -- 'last_pass': ISO-8601 UTC instant
  value TEXT NOT NULL
) STRICT;

PRAGMA user_version = 2;
)sql"},
    // The distinct deadlines of open activities, kept by triggers: the
    // next wake-up reads a few hundred rows here instead of walking the
    // index over every open activity (1,000,000 in the benchmark).
    {3, R"sql(
CREATE TABLE open_deadlines (
  deadline   TEXT PRIMARY KEY,
  open_count INTEGER NOT NULL CHECK (open_count >= 0)
) STRICT, WITHOUT ROWID;

INSERT INTO open_deadlines (deadline, open_count)
  SELECT deadline, count(*) FROM activities
  WHERE done = 0 AND deadline IS NOT NULL GROUP BY deadline;

CREATE TRIGGER open_deadlines_insert AFTER INSERT ON activities
WHEN NEW.done = 0 AND NEW.deadline IS NOT NULL
BEGIN
  INSERT INTO open_deadlines (deadline, open_count) VALUES (NEW.deadline, 1)
    ON CONFLICT (deadline) DO UPDATE SET open_count = open_count + 1;
END;

CREATE TRIGGER open_deadlines_delete AFTER DELETE ON activities
WHEN OLD.done = 0 AND OLD.deadline IS NOT NULL
BEGIN
  UPDATE open_deadlines SET open_count = open_count - 1 WHERE deadline = OLD.deadline;
  DELETE FROM open_deadlines WHERE deadline = OLD.deadline AND open_count = 0;
END;

CREATE TRIGGER open_deadlines_update AFTER UPDATE OF done, deadline ON activities
WHEN OLD.done IS NOT NEW.done OR OLD.deadline IS NOT NEW.deadline
BEGIN
  UPDATE open_deadlines SET open_count = open_count - 1
    WHERE OLD.done = 0 AND deadline = OLD.deadline;
  DELETE FROM open_deadlines WHERE deadline = OLD.deadline AND open_count = 0;
  INSERT INTO open_deadlines (deadline, open_count)
    SELECT NEW.deadline, 1 WHERE NEW.done = 0 AND NEW.deadline IS NOT NULL
    ON CONFLICT (deadline) DO UPDATE SET open_count = open_count + 1;
END;

PRAGMA user_version = 3;
)sql"},
    // Leaner tables for large imports: progress loses its UNIQUE index over
    // (activity_id, as_of, percent, note), which copied every note's text
    // into the index (a third of the file, and the slowest insert of an
    // import); the import and record_progress compare entries themselves
    // through progress_by_activity. activity_units keys its rows by its
    // primary key alone (WITHOUT ROWID): one b-tree instead of two. And
    // activities_by_number goes: a lookup by number alone walks the few
    // plans and uses UNIQUE (plan_id, number).
    {4, R"sql(
DROP INDEX activities_by_number;

ALTER TABLE progress RENAME TO progress_v3;
CREATE TABLE progress (
  id          INTEGER PRIMARY KEY,
  activity_id INTEGER NOT NULL REFERENCES activities(id) ON DELETE CASCADE,
  as_of       TEXT NOT NULL,
  percent     INTEGER NOT NULL CONSTRAINT progress_percent_range CHECK (percent BETWEEN 0 AND 100),
  note        TEXT NOT NULL DEFAULT '',
  recorded_at INTEGER NOT NULL
) STRICT;
INSERT INTO progress (id, activity_id, as_of, percent, note, recorded_at)
  SELECT id, activity_id, as_of, percent, note, recorded_at FROM progress_v3;
DROP TABLE progress_v3;
CREATE INDEX progress_by_activity ON progress(activity_id, as_of);

ALTER TABLE activity_units RENAME TO activity_units_v3;
-- The key's columns come first: with a column before them, the
-- integrity_check of SQLite 3.40 (Debian 12) reports "NULL value in
-- activity_units.unit_id" for every row of a WITHOUT ROWID table.
CREATE TABLE activity_units (
  activity_id INTEGER NOT NULL REFERENCES activities(id) ON DELETE CASCADE,
  role        TEXT NOT NULL CHECK (role IN ('responsible', 'co_responsible')),
  position    INTEGER NOT NULL,
  unit_id     TEXT NOT NULL REFERENCES units(id),
  PRIMARY KEY (activity_id, role, position)
) STRICT, WITHOUT ROWID;
INSERT INTO activity_units (activity_id, unit_id, role, position)
  SELECT activity_id, unit_id, role, position FROM activity_units_v3;
DROP TABLE activity_units_v3;
CREATE INDEX activity_units_by_unit ON activity_units(unit_id);

PRAGMA user_version = 4;
)sql"},
    // The outbox and its log rebuilt with their CHECKs as OR chains: for a
    // constant IN list SQLite builds an ephemeral table every time the check
    // runs, which is every claim, every outcome and every insert: measured
    // at 14 us of a 24 us status UPDATE on this schema (10 us without).
    // Same columns, rows and ids. The log is rebuilt along with the outbox
    // so that its REFERENCES follow the new table.
    {5, R"sql(
ALTER TABLE delivery_log RENAME TO delivery_log_v4;
ALTER TABLE outbox RENAME TO outbox_v4;

CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY,
  key             TEXT NOT NULL UNIQUE,   -- idempotency key of the message
  unit_id         TEXT NOT NULL REFERENCES units(id),
  channel         TEXT NOT NULL CHECK (channel = 'email' OR channel = 'webhook'),
  day             TEXT NOT NULL,
  due_at          INTEGER NOT NULL,
  payload         TEXT NOT NULL CHECK (json_valid(payload)),  -- the Message
  status          TEXT NOT NULL DEFAULT 'pending'
                  CHECK (status = 'pending' OR status = 'in_flight' OR status = 'retry' OR
                         status = 'sent' OR status = 'dead'),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  lease_until     INTEGER,
  destination     TEXT NOT NULL DEFAULT '',
  last_error      TEXT NOT NULL DEFAULT '',
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
) STRICT;

CREATE TABLE delivery_log (
  id          INTEGER PRIMARY KEY,
  outbox_id   INTEGER NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,
  at          INTEGER NOT NULL,
  channel     TEXT NOT NULL,
  recipient   TEXT NOT NULL,
  result      TEXT NOT NULL,
  status_code INTEGER NOT NULL DEFAULT 0,
  error       TEXT NOT NULL DEFAULT '',
  duration_ms INTEGER NOT NULL DEFAULT 0
) STRICT;

INSERT INTO outbox (id, key, unit_id, channel, day, due_at, payload, status, attempts,
                    next_attempt_at, lease_until, destination, last_error, created_at, updated_at)
  SELECT id, key, unit_id, channel, day, due_at, payload, status, attempts,
         next_attempt_at, lease_until, destination, last_error, created_at, updated_at
  FROM outbox_v4;
INSERT INTO delivery_log (id, outbox_id, at, channel, recipient, result, status_code, error,
                          duration_ms)
  SELECT id, outbox_id, at, channel, recipient, result, status_code, error, duration_ms
  FROM delivery_log_v4;
DROP TABLE delivery_log_v4;
DROP TABLE outbox_v4;

CREATE INDEX outbox_by_status ON outbox(status, next_attempt_at);
CREATE INDEX outbox_by_unit_day ON outbox(unit_id, channel, day);
CREATE INDEX delivery_log_by_outbox ON delivery_log(outbox_id, at);
CREATE INDEX delivery_log_by_at ON delivery_log(at);

PRAGMA user_version = 5;
)sql"},
};

}  // namespace

int latest_schema_version() {
  return std::end(kMigrations)[-1].version;
}

Result<int> schema_version(Database& db) {
  auto statement = db.prepare("PRAGMA user_version");
  if (!statement) return statement.error();
  auto step = statement->step();
  if (!step) return step.error();
  if (*step != Step::kRow) return Error{"PRAGMA user_version returned no row."};
  return statement->column_int(0);
}

Status migrate(Database& db, int target) {
  auto refuse_newer = [&](int version) {
    return Error{
        "The database " + db.path() + " was written by a newer version of plazo (schema version " +
        std::to_string(version) + "; this plazo knows up to " +
        std::to_string(latest_schema_version()) + "): upgrade plazo or use another database."};
  };
  if (target < 0 || target > latest_schema_version()) {
    return Error{"Unknown schema version " + std::to_string(target) + "."};
  }
  auto before = schema_version(db);
  if (!before) return before.error();
  if (*before > latest_schema_version()) return refuse_newer(*before);
  if (*before == target) return {};

  auto transaction = Transaction::begin(db);
  if (!transaction) return transaction.error();
  // Another process may have migrated between the first read and the lock.
  auto current = schema_version(db);
  if (!current) return current.error();
  if (*current > latest_schema_version()) return refuse_newer(*current);
  if (*current > target) {
    return Error{"The database " + db.path() + " is at schema version " + std::to_string(*current) +
                 ", above the requested " + std::to_string(target) +
                 "; migrations only go forward."};
  }
  for (const auto& step : kMigrations) {
    if (step.version <= *current || step.version > target) continue;
    if (auto status = db.exec(step.sql); !status) {
      return Error{"Cannot migrate the database " + db.path() + " to schema version " +
                   std::to_string(step.version) + ": " + status.error().message};
    }
    auto reached = schema_version(db);
    if (!reached) return reached.error();
    if (*reached != step.version) {
      return Error{"Migration step " + std::to_string(step.version) +
                   " did not set the schema version (a bug in plazo)."};
    }
  }
  return transaction->commit();
}

}  // namespace plazo
