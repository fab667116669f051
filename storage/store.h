#pragma once
/// \file
/// Store: everything plazo keeps, behind one interface. The scheduler, the
/// CLI and the daemon use only this; SqliteStore (sqlite_store.h) is the one
/// real implementation. Every method is one transaction: it either happens
/// whole or not at all. A Store is used from one thread at a time.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "domain/dates.h"
#include "domain/message.h"
#include "domain/model.h"
#include "domain/result.h"

namespace plazo {

/// Which activities `activities()` returns. Empty fields do not filter.
struct ActivityFilter {
  std::optional<std::string> unit;  ///< responsible or co-responsible unit id
  std::optional<std::string> plan;
  std::optional<int> year;
};

/// What an import did (or, in a dry run, would do).
struct ImportSummary {
  int added = 0;           ///< activities new to the database
  int updated = 0;         ///< activities whose fields changed
  int unchanged = 0;       ///< activities identical to the stored ones
  int progress_added = 0;  ///< progress entries appended
  bool changed() const { return added + updated + progress_added > 0; }
};

/// How many open (not done) activities have a given deadline.
struct DeadlineCount {
  Date deadline{};
  int64_t count = 0;
};

/// Outbox states (DESIGN.md, Delivery).
enum class OutboxStatus { kPending, kInFlight, kRetry, kSent, kDead };
/// "pending", "in_flight", "retry", "sent", "dead".
std::string_view to_string(OutboxStatus status);
std::optional<OutboxStatus> parse_outbox_status(std::string_view text);

/// One message in the outbox.
struct OutboxEntry {
  int64_t id = 0;
  Message message;  ///< content as scheduled (items, unit, channel, key, day)
  OutboxStatus status = OutboxStatus::kPending;
  int attempts = 0;
  Instant created_at{};
  Instant next_attempt_at{};           ///< pending/retry: not before this
  std::optional<Instant> lease_until;  ///< in flight: owned until this
  std::string destination;             ///< "smtp://relay:25" or webhook host; groups backoff
  std::string last_error;
};

/// One delivery attempt (the audit trail).
struct DeliveryAttempt {
  int64_t outbox_id = 0;
  Instant at{};
  Channel channel = Channel::kEmail;
  std::string recipient;  ///< addresses or webhook URL (no secrets)
  std::string result;     ///< "sent", "retry", "dead"
  int status_code = 0;    ///< SMTP reply or HTTP status; 0 = none
  std::string error;
  int64_t duration_ms = 0;
};

/// Counts shown by /readyz and /metrics.
struct OutboxCounts {
  int64_t pending = 0;  ///< pending + retry + in flight
  int64_t dead = 0;
  int64_t sent = 0;
  std::optional<Instant> oldest_pending;
};

/// A plan import under way (Store::begin_import): activities go in one at a
/// time, so a plan of any size streams from the parser to the database.
/// Destroyed before finish(), it writes nothing.
class PlanImport {
 public:
  virtual ~PlanImport() = default;
  /// Upserts one activity. An error ends the import: later calls and
  /// finish() return it, and nothing is written.
  virtual Status add(const ImportedActivity& activity) = 0;
  /// Commits (a dry run: rolls back) and says what changed, or the error
  /// that ended the import. Call once.
  virtual Result<ImportSummary> finish() = 0;
};

/// A pass's messages on their way into the outbox (Store::begin_enqueue):
/// written one at a time inside one transaction, so the pass never holds
/// them all. Destroyed before finish(), it writes nothing.
class OutboxWriter {
 public:
  virtual ~OutboxWriter() = default;
  /// Writes `message` (its key is computed when empty) unless a message
  /// with its key is there already. True when it was written.
  virtual Result<bool> add(const Message& message) = 0;
  /// Records `pass` as the last scheduling pass (when given) and commits.
  /// Returns how many messages were written. Call once.
  virtual Result<int> finish(std::optional<Instant> pass) = 0;
};

/// The activities `each` shows its visitor, kept in a vector.
Result<std::vector<Activity>> collect_activities(
    const std::function<Status(const ActivityVisitor&)>& each);

class Store {
 public:
  virtual ~Store() = default;

  // -- Units ------------------------------------------------------------------

  /// Makes the stored units match the config: inserts and updates them; units
  /// no longer configured are kept (activities may refer to them) but marked
  /// inactive. Idempotent.
  virtual Status sync_units(const std::vector<Unit>& units) = 0;
  /// Stored units (active and inactive), by id.
  virtual Result<std::vector<Unit>> units() = 0;

  // -- Plan -------------------------------------------------------------------

  /// Starts an upsert of the activities of plan (name, year) by activity
  /// number, in one write transaction held until PlanImport::finish(): fields
  /// are updated when they differ, progress entries are appended only when
  /// (as_of, percent, note) is new. With `dry_run` the summary is computed
  /// and nothing is written. Unit ids must exist. The import must not
  /// outlive the store, and the store is not used otherwise meanwhile.
  virtual Result<std::unique_ptr<PlanImport>> begin_import(const std::string& plan, int year,
                                                           bool dry_run) = 0;
  /// begin_import(), every activity in order, finish().
  Result<ImportSummary> apply_import(const std::string& plan, int year,
                                     const std::vector<ImportedActivity>& activities, bool dry_run);
  /// Activities matching `filter`, ordered by plan, year and activity number
  /// in natural order (1.2 before 1.10), each with its latest progress.
  virtual Result<std::vector<Activity>> activities(const ActivityFilter& filter) = 0;
  /// Appends a progress entry to activity `number` of plan (plan, year); when
  /// plan/year are not given and the number exists in exactly one plan, that
  /// one. Error if not found or ambiguous.
  virtual Status record_progress(const std::string& number, const Progress& progress,
                                 const std::optional<std::string>& plan,
                                 const std::optional<int>& year) = 0;
  /// Changes whenever another connection commits (PRAGMA data_version);
  /// cheap. The daemon polls it to notice CLI imports.
  virtual Result<int64_t> data_version() = 0;

  // -- Scheduling queries (indexed; never load the whole plan) --------------

  /// Every deadline that open activities have, with how many have it.
  virtual Result<std::vector<DeadlineCount>> open_deadlines() = 0;
  /// Each open activity whose deadline is one of `deadlines`, ordered by
  /// deadline and plan order, handed over as it is read.
  virtual Status each_open_activity_due(const std::vector<Date>& deadlines,
                                        const ActivityVisitor& visit) = 0;
  /// Each open activity of plans of `year` (report_due), in plan order; if
  /// `numbers` is given, only those activity numbers.
  virtual Status each_open_activity_of_year(int year,
                                            const std::optional<std::vector<std::string>>& numbers,
                                            const ActivityVisitor& visit) = 0;
  /// The same, collected.
  Result<std::vector<Activity>> open_activities_due(const std::vector<Date>& deadlines);
  Result<std::vector<Activity>> open_activities_of_year(
      int year, const std::optional<std::vector<std::string>>& numbers);

  // -- Outbox -----------------------------------------------------------------

  /// Starts writing a pass's messages to the outbox in one transaction (see
  /// OutboxWriter). While it is open, this store's reads (activities, the
  /// last pass, has_message_for) see the transaction; nothing else may be
  /// written through the store until it is finished or destroyed.
  virtual Result<std::unique_ptr<OutboxWriter>> begin_enqueue() = 0;
  /// begin_enqueue(), every message, finish(pass). Returns how many were new.
  Result<int> enqueue(const std::vector<Message>& messages, std::optional<Instant> pass);
  /// The instant of the last recorded scheduling pass; nullopt if none yet.
  virtual Result<std::optional<Instant>> last_pass() = 0;
  /// Outbox entries, newest first; optionally only one status.
  virtual Result<std::vector<OutboxEntry>> outbox(std::optional<OutboxStatus> status,
                                                  int limit) = 0;
  virtual Result<OutboxCounts> outbox_counts() = 0;
  /// Whether a message for (unit, channel, day) is already in the outbox
  /// (digest: at most one per day).
  virtual Result<bool> has_message_for(const std::string& unit_id, Channel channel, Date day) = 0;

  // -- Delivery (notifiers/delivery.h; SqliteStore: storage/sqlite_outbox.cpp) --
  // Destinations ("smtp://relay:25", "https://host:443") are computed by the
  // delivery stage from the config; the store only keeps the last one of each
  // entry, so claims can pass over the entries of a paused destination.

  /// What became of one claimed entry, for record_outcomes().
  struct OutboxUpdate {
    int64_t id = 0;
    OutboxStatus status = OutboxStatus::kSent;  ///< kSent, kRetry or kDead
    Instant next_attempt_at{};                  ///< kRetry: not before this
    std::string error;        ///< kRetry/kDead: kept as last_error; kSent clears it
    std::string destination;  ///< kept on the entry
    DeliveryAttempt attempt;  ///< its delivery_log row (outbox_id is taken from `id`)
  };

  /// A claimed entry put back without an attempt (its destination is paused).
  struct Deferral {
    int64_t id = 0;
    std::string destination;  ///< kept on the entry
    Instant until{};          ///< the new next_attempt_at
  };

  /// Which rows delivery_log() returns. Empty fields do not filter.
  struct DeliveryLogQuery {
    std::optional<Instant> since;      ///< attempts at or after this
    std::optional<int64_t> outbox_id;  ///< attempts of one entry
    int limit = 0;                     ///< the most recent `limit`; <= 0: all
  };

  /// One row of the delivery log, with what identifies its message.
  struct LoggedAttempt {
    int64_t id = 0;  ///< the row's id; increases with time
    DeliveryAttempt attempt;
    std::string unit_id;
    std::string key;  ///< idempotency key of the message
  };

  /// Claims up to `limit` due entries: status pending or retry with
  /// next_attempt_at <= `now`, earliest due first (then by id), skipping
  /// entries whose stored destination is one of `skip_destinations`. Each
  /// becomes in_flight with lease_until = now + `lease` and one more attempt.
  /// An entry whose stored message cannot be read goes dead in the same
  /// transaction (with a delivery_log row saying why) and is not returned:
  /// one damaged row must not stop every delivery. Returns the entries as
  /// claimed, in that order.
  virtual Result<std::vector<OutboxEntry>> claim_due(
      Instant now, int limit, std::chrono::seconds lease,
      const std::vector<std::string>& skip_destinations) = 0;
  /// Records outcomes of claimed entries in ONE transaction: per update the
  /// entry's status, next_attempt_at (kRetry), last_error and destination,
  /// lease cleared, and one delivery_log row. An entry that is no longer
  /// in_flight (taken back by another process) keeps its state; its log row
  /// is still written, because the attempt did happen.
  virtual Status record_outcomes(const std::vector<OutboxUpdate>& updates) = 0;
  /// Puts claimed (in_flight) entries back without counting their attempt:
  /// status pending (retry when an earlier attempt failed), attempts - 1,
  /// next_attempt_at = until, destination kept. One transaction.
  virtual Status defer(const std::vector<Deferral>& deferrals) = 0;
  /// Takes back every in_flight entry (the leases of a process that died):
  /// pending, due at once, attempts kept, with a delivery_log row
  /// ("interrupted") for the attempt whose outcome was lost. Meant for the
  /// start of a process, which holds no lease yet. Returns how many.
  virtual Result<int> take_back_leases() = 0;
  /// `plazo outbox retry ID`: a dead entry becomes pending, due now, with
  /// its attempts reset (last_error kept until the next attempt). Error when
  /// no entry has that id or it is not dead.
  virtual Status retry(int64_t id) = 0;
  /// The earliest next_attempt_at among pending and retry entries whose
  /// stored destination is not in `skip_destinations`; nullopt when none.
  virtual Result<std::optional<Instant>> next_attempt_at(
      const std::vector<std::string>& skip_destinations) = 0;
  /// The delivery log, oldest first (with a limit: the most recent rows,
  /// still oldest first).
  virtual Result<std::vector<LoggedAttempt>> delivery_log(const DeliveryLogQuery& query) = 0;
};

}  // namespace plazo
