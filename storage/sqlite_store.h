#pragma once
/// \file
/// SqliteStore: the Store over one SQLite connection. Opening migrates the
/// schema (storage/schema.h). Each Store method is one transaction (or one
/// read statement), so the daemon and a CLI command may share the file: the
/// database is in WAL mode and a writer waits up to 5 s for another one.

#include <memory>
#include <string>

#include "domain/clock.h"
#include "storage/sqlite.h"
#include "storage/store.h"

namespace plazo {

/// Natural sort key of an activity number: runs of digits compare by value,
/// so "1.2" < "1.10" < "2.1" < "10.1" as keys compare bytewise. Exposed for
/// tests and for code that must order numbers the way the database does.
std::string activity_sort_key(std::string_view number);

/// The Store on SQLite. Not thread-safe: use it from one thread at a time
/// (another thread or process opens its own).
class SqliteStore final : public Store {
 public:
  /// Opens (creating if needed) the database at `path`, or a private
  /// in-memory one for ":memory:", and brings its schema up to date. Errors
  /// name the path: a missing directory, a file that is not a database, a
  /// database written by a newer plazo. Timestamps (recorded_at,
  /// created_at) come from the system clock.
  static Result<std::unique_ptr<SqliteStore>> open(const std::string& path);
  /// Same, with timestamps from `clock`, which must outlive the store.
  static Result<std::unique_ptr<SqliteStore>> open(const std::string& path, const Clock& clock);

  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;
  ~SqliteStore() override = default;

  /// Unchanged units are not rewritten, so syncing an unchanged config does
  /// not bump data_version() for other connections. Error for an empty id.
  Status sync_units(const std::vector<Unit>& units) override;
  Result<std::vector<Unit>> units() override;

  /// Plan import; beyond the Store contract:
  /// - `plan` and `year` decide where activities go (the activities' own
  ///   plan/year fields are ignored);
  /// - each number may appear once per import (else an error naming both
  ///   lines, and nothing is written);
  /// - an activity's progress entries are `history`, or `activity.progress`
  ///   alone when history is empty; percents must be 0..100;
  /// - a changed unit list replaces the activity's roles; activities missing
  ///   from the import are kept;
  /// - `source_line` is kept up to date but a moved line alone does not count
  ///   the activity as updated;
  /// - unknown unit ids: finish() fails naming each with its first activity.
  /// Implemented in storage/sqlite_import.cpp.
  Result<std::unique_ptr<PlanImport>> begin_import(const std::string& plan, int year,
                                                   bool dry_run) override;
  Result<std::vector<Activity>> activities(const ActivityFilter& filter) override;
  /// Recording an entry identical to a stored one (same as_of, percent and
  /// note) changes nothing. The latest entry is the one with the greatest
  /// as_of (on a tie, the one recorded last), so back-dated entries do not
  /// change the activity's progress or done state.
  Status record_progress(const std::string& number, const Progress& progress,
                         const std::optional<std::string>& plan,
                         const std::optional<int>& year) override;
  Result<int64_t> data_version() override;

  Result<std::vector<DeadlineCount>> open_deadlines() override;
  /// Rows are read a page at a time, with their units, and handed over.
  Status each_open_activity_due(const std::vector<Date>& deadlines,
                                const ActivityVisitor& visit) override;
  Status each_open_activity_of_year(int year, const std::optional<std::vector<std::string>>& numbers,
                                    const ActivityVisitor& visit) override;

  /// A message with an empty key is stored under idempotency_key(message).
  /// New rows are `pending`, due (next_attempt_at) at the message's `at`,
  /// with an empty destination.
  Result<std::unique_ptr<OutboxWriter>> begin_enqueue() override;
  Result<std::optional<Instant>> last_pass() override;
  /// `limit` <= 0 means no limit.
  Result<std::vector<OutboxEntry>> outbox(std::optional<OutboxStatus> status, int limit) override;
  /// `oldest_pending` is the due instant (message `at`) of the oldest
  /// undelivered message.
  Result<OutboxCounts> outbox_counts() override;
  Result<bool> has_message_for(const std::string& unit_id, Channel channel, Date day) override;

  /// The connection, for tests and maintenance tools. Owned by the store.
  Database& database() { return db_; }

 private:
  SqliteStore(Database db, const Clock* clock);
  int64_t now_seconds() const;
  /// Steps `statement` (activity columns, see queries.h) and hands each
  /// activity, with its units, to `visit`, a page of rows at a time.
  Status each_activity(Statement& statement, const ActivityVisitor& visit);
  /// Adds the responsible and co-responsible units of `page` (ids[i] is
  /// page[i]'s row id).
  Status read_units_of(std::vector<Activity>& page, const std::vector<int64_t>& ids);

  Database db_;
  SystemClock system_clock_;
  const Clock* clock_;  // system_clock_ or the caller's

 public:
  // -- Delivery (storage/sqlite_outbox.cpp) ------------------------------------
  // The claim and the next-due query walk outbox_by_status (status,
  // next_attempt_at) in its 'pending' and 'retry' ranges only, so their cost
  // does not grow with sent or dead rows.

  /// `limit` <= 0 claims nothing. updated_at comes from the store's clock.
  Result<std::vector<OutboxEntry>> claim_due(
      Instant now, int limit, std::chrono::seconds lease,
      const std::vector<std::string>& skip_destinations) override;
  /// Log rows keep `attempt.at`; updated_at comes from the store's clock.
  Status record_outcomes(const std::vector<OutboxUpdate>& updates) override;
  /// Entries that are not in_flight are left alone.
  Status defer(const std::vector<Deferral>& deferrals) override;
  /// "Due at once" and the log rows use the store's clock.
  Result<int> take_back_leases() override;
  Status retry(int64_t id) override;
  Result<std::optional<Instant>> next_attempt_at(
      const std::vector<std::string>& skip_destinations) override;
  Result<std::vector<LoggedAttempt>> delivery_log(const DeliveryLogQuery& query) override;
};

}  // namespace plazo
