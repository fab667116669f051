// SqliteStore: the queries of the delivery stage (claim, record, defer, take
// back, retry, next due, delivery log). Declared in sqlite_store.h.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <tuple>
#include <utility>

#include "storage/message_json.h"
#include "storage/sqlite_store.h"
#include "storage/sqlite_support.h"

namespace plazo {
using namespace sqlite_support;
namespace {

// Claims the due entries, earliest first: one UPDATE for the whole batch
// (it was one per entry). The ids come from one arm per status, each
// walking outbox_by_status in order, merged (MERGE (UNION ALL) in the plan):
// with "status IN ('pending', 'retry')" SQLite would sort every due row on
// every claim. RETURNING gives the rows as updated, in no promised order.
// ?1 now, ?2 JSON array of destinations to pass over, ?3 limit, ?4
// lease_until, ?5 updated_at.
constexpr const char* kClaimDue =
    "UPDATE outbox SET status = 'in_flight', attempts = attempts + 1, lease_until = ?4, "
    "updated_at = ?5 WHERE id IN ("
    "SELECT id FROM (SELECT id, next_attempt_at FROM outbox "
    "WHERE status = 'pending' AND next_attempt_at <= ?1 "
    "AND destination NOT IN (SELECT value FROM json_each(?2)) "
    "UNION ALL "
    "SELECT id, next_attempt_at FROM outbox WHERE status = 'retry' AND next_attempt_at <= ?1 "
    "AND destination NOT IN (SELECT value FROM json_each(?2)) "
    "ORDER BY next_attempt_at, id LIMIT ?3)) "
    "RETURNING id, payload, attempts, created_at, next_attempt_at, destination, last_error";

// The earliest next_attempt_at, in the same shape for the same reason.
// ?1 JSON array of destinations to pass over.
constexpr const char* kNextAttempt =
    "SELECT next_attempt_at FROM outbox WHERE status = 'pending' "
    "AND destination NOT IN (SELECT value FROM json_each(?1)) "
    "UNION ALL "
    "SELECT next_attempt_at FROM outbox WHERE status = 'retry' "
    "AND destination NOT IN (SELECT value FROM json_each(?1)) "
    "ORDER BY next_attempt_at LIMIT 1";

constexpr const char* kInsertLog =
    "INSERT INTO delivery_log (outbox_id, at, channel, recipient, result, status_code, error, "
    "duration_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

std::string destinations_json(const std::vector<std::string>& destinations) {
  return dump_json(nlohmann::json(destinations));
}

Status insert_log(Statement& insert, int64_t outbox_id, const DeliveryAttempt& attempt) {
  insert.reset();
  Status status = insert.bind_all(outbox_id, seconds_of(attempt.at), to_string(attempt.channel),
                                  attempt.recipient, attempt.result, int64_t{attempt.status_code},
                                  attempt.error, attempt.duration_ms);
  if (status) status = insert.run();
  return status;
}

}  // namespace

Result<std::vector<OutboxEntry>> SqliteStore::claim_due(
    Instant now, int limit, std::chrono::seconds lease,
    const std::vector<std::string>& skip_destinations) {
  const char* context = "Cannot claim outbox messages";
  std::vector<OutboxEntry> claimed;
  if (limit <= 0) return claimed;
  auto transaction = Transaction::begin(db_);
  if (!transaction) return with_context(context, transaction.error());
  auto cached_claim = db_.cached(kClaimDue);
  if (!cached_claim) return with_context(context, cached_claim.error());
  Statement* claim = *cached_claim;
  const int64_t updated_at = now_seconds();
  if (auto bound = claim->bind_all(seconds_of(now), destinations_json(skip_destinations),
                                   int64_t{limit}, seconds_of(now + lease), updated_at);
      !bound) {
    return with_context(context, bound.error());
  }

  struct Unreadable {
    int64_t id;
    std::string reason;
  };
  std::vector<Unreadable> unreadable;
  for (;;) {
    auto step = claim->step();
    if (!step) return with_context(context, step.error());
    if (*step == Step::kDone) break;
    OutboxEntry entry;
    entry.id = claim->column_int64(0);
    auto message = message_from_json_text(claim->column_text(1));
    if (!message) {
      unreadable.push_back(
          {entry.id, "the stored message cannot be read: " + message.error().message});
      continue;
    }
    entry.message = std::move(message).value();
    entry.attempts = claim->column_int(2);  // as updated: this attempt counted
    entry.created_at = instant_of(claim->column_int64(3));
    entry.next_attempt_at = instant_of(claim->column_int64(4));
    entry.destination = claim->column_text(5);
    entry.last_error = claim->column_text(6);
    entry.status = OutboxStatus::kInFlight;
    entry.lease_until = now + lease;
    claimed.push_back(std::move(entry));
  }
  std::sort(claimed.begin(), claimed.end(), [](const OutboxEntry& a, const OutboxEntry& b) {
    return std::tie(a.next_attempt_at, a.id) < std::tie(b.next_attempt_at, b.id);
  });
  if (!unreadable.empty()) {
    // Not an attempt: the claim's count is taken back.
    auto bury = db_.prepare(
        "UPDATE outbox SET status = 'dead', attempts = attempts - 1, lease_until = NULL, "
        "last_error = ?2, updated_at = ?3 WHERE id = ?1 RETURNING channel");
    auto log = db_.prepare(kInsertLog);
    if (!bury) return with_context(context, bury.error());
    if (!log) return with_context(context, log.error());
    for (const auto& row : unreadable) {
      bury->reset();
      if (auto bound = bury->bind_all(row.id, row.reason, updated_at); !bound) {
        return with_context(context, bound.error());
      }
      auto step = bury->step();
      if (!step) return with_context(context, step.error());
      DeliveryAttempt attempt;
      attempt.at = now;
      attempt.channel = parse_channel(bury->column_text(0)).value_or(Channel::kEmail);
      attempt.result = "dead";
      attempt.error = row.reason;
      bury->reset();
      if (auto status = insert_log(*log, row.id, attempt); !status) {
        return with_context(context, status.error());
      }
    }
  }
  if (auto status = transaction->commit(); !status) return with_context(context, status.error());
  return claimed;
}

Status SqliteStore::record_outcomes(const std::vector<OutboxUpdate>& updates) {
  const char* context = "Cannot record delivery outcomes";
  if (updates.empty()) return {};
  auto transaction = Transaction::begin(db_);
  if (!transaction) return with_context(context, transaction.error());
  auto cached_update = db_.cached(
      "UPDATE outbox SET status = ?2, "
      "next_attempt_at = CASE WHEN ?2 = 'retry' THEN ?3 ELSE next_attempt_at END, "
      "lease_until = NULL, last_error = ?4, destination = ?5, updated_at = ?6 "
      "WHERE id = ?1 AND status = 'in_flight'");
  if (!cached_update) return with_context(context, cached_update.error());
  Statement* update = *cached_update;
  auto cached_log = db_.cached(kInsertLog);
  if (!cached_log) return with_context(context, cached_log.error());
  Statement* log = *cached_log;
  const int64_t now = now_seconds();
  for (const auto& outcome : updates) {
    if (outcome.status != OutboxStatus::kSent && outcome.status != OutboxStatus::kRetry &&
        outcome.status != OutboxStatus::kDead) {
      return Error{std::string(context) + ": outbox message " + std::to_string(outcome.id) +
                   " cannot end an attempt as " + std::string(to_string(outcome.status)) + "."};
    }
    update->reset();
    Status status =
        update->bind_all(outcome.id, to_string(outcome.status), seconds_of(outcome.next_attempt_at),
                         outcome.status == OutboxStatus::kSent ? std::string() : outcome.error,
                         outcome.destination, now);
    if (status) status = update->run();
    if (status) status = insert_log(*log, outcome.id, outcome.attempt);
    if (!status) {
      return with_context(
          std::string(context) + " (outbox message " + std::to_string(outcome.id) + ")",
          status.error());
    }
  }
  if (auto status = transaction->commit(); !status) return with_context(context, status.error());
  return {};
}

Status SqliteStore::defer(const std::vector<Deferral>& deferrals) {
  const char* context = "Cannot defer outbox messages";
  if (deferrals.empty()) return {};
  auto transaction = Transaction::begin(db_);
  if (!transaction) return with_context(context, transaction.error());
  // attempts > 1: the claim counted one, and an earlier attempt failed.
  auto cached_update = db_.cached(
      "UPDATE outbox SET status = CASE WHEN attempts > 1 THEN 'retry' ELSE 'pending' END, "
      "attempts = attempts - 1, next_attempt_at = ?2, lease_until = NULL, destination = ?3, "
      "updated_at = ?4 WHERE id = ?1 AND status = 'in_flight'");
  if (!cached_update) return with_context(context, cached_update.error());
  Statement* update = *cached_update;
  const int64_t now = now_seconds();
  for (const auto& deferral : deferrals) {
    update->reset();
    Status status =
        update->bind_all(deferral.id, seconds_of(deferral.until), deferral.destination, now);
    if (status) status = update->run();
    if (!status) return with_context(context, status.error());
  }
  if (auto status = transaction->commit(); !status) return with_context(context, status.error());
  return {};
}

Result<int> SqliteStore::take_back_leases() {
  const char* context = "Cannot take back deliveries left in flight";
  auto transaction = Transaction::begin(db_);
  if (!transaction) return with_context(context, transaction.error());
  const int64_t now = now_seconds();
  auto log = db_.prepare(
      "INSERT INTO delivery_log (outbox_id, at, channel, recipient, result, status_code, error, "
      "duration_ms) SELECT id, ?1, channel, destination, 'interrupted', 0, ?2, 0 "
      "FROM outbox WHERE status = 'in_flight'");
  if (!log) return with_context(context, log.error());
  Status status = log->bind_all(
      now, "plazo stopped before the outcome of this attempt was known; it is sent again");
  if (status) status = log->run();
  if (!status) return with_context(context, status.error());
  auto release = db_.prepare(
      // next_attempt_at is left as it was when claimed, at or before the
      // claim: due at once for the next run, whatever clock that run keeps
      // (run --now runs on a clock of its own; this store's is the wall).
      "UPDATE outbox SET status = 'pending', lease_until = NULL, "
      "updated_at = ?1 WHERE status = 'in_flight'");
  if (!release) return with_context(context, release.error());
  status = release->bind(1, now);
  if (status) status = release->run();
  if (!status) return with_context(context, status.error());
  const auto taken = static_cast<int>(db_.changes());
  if (auto committed = transaction->commit(); !committed) {
    return with_context(context, committed.error());
  }
  return taken;
}

Status SqliteStore::retry(int64_t id) {
  const std::string context = "Cannot retry outbox message " + std::to_string(id);
  auto transaction = Transaction::begin(db_);
  if (!transaction) return with_context(context, transaction.error());
  auto current = db_.prepare("SELECT status FROM outbox WHERE id = ?1");
  if (!current) return with_context(context, current.error());
  if (auto bound = current->bind(1, id); !bound) return with_context(context, bound.error());
  auto step = current->step();
  if (!step) return with_context(context, step.error());
  if (*step == Step::kDone) return Error{"No outbox message has id " + std::to_string(id) + "."};
  const std::string status = current->column_text(0);
  if (status != to_string(OutboxStatus::kDead)) {
    return Error{"Outbox message " + std::to_string(id) + " is " + status +
                 ", not dead: only dead messages can be retried."};
  }
  const int64_t now = now_seconds();
  auto revive = db_.prepare(
      "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ?2, "
      "lease_until = NULL, updated_at = ?2 WHERE id = ?1");
  if (!revive) return with_context(context, revive.error());
  Status revived = revive->bind_all(id, now);
  if (revived) revived = revive->run();
  if (!revived) return with_context(context, revived.error());
  if (auto committed = transaction->commit(); !committed) {
    return with_context(context, committed.error());
  }
  return {};
}

Result<std::optional<Instant>> SqliteStore::next_attempt_at(
    const std::vector<std::string>& skip_destinations) {
  const char* context = "Cannot read the outbox";
  auto next = db_.prepare(kNextAttempt);
  if (!next) return with_context(context, next.error());
  if (auto bound = next->bind(1, destinations_json(skip_destinations)); !bound) {
    return with_context(context, bound.error());
  }
  auto step = next->step();
  if (!step) return with_context(context, step.error());
  if (*step == Step::kDone) return std::optional<Instant>{};
  return std::optional<Instant>{instant_of(next->column_int64(0))};
}

Result<std::vector<Store::LoggedAttempt>> SqliteStore::delivery_log(const DeliveryLogQuery& query) {
  const char* context = "Cannot read the delivery log";
  // Newest first so LIMIT keeps the most recent rows; reversed below.
  auto statement = db_.prepare(
      "SELECT l.id, l.outbox_id, l.at, l.channel, l.recipient, l.result, l.status_code, l.error, "
      "l.duration_ms, o.unit_id, o.key FROM delivery_log l JOIN outbox o ON o.id = l.outbox_id "
      "WHERE (?1 IS NULL OR l.at >= ?1) AND (?2 IS NULL OR l.outbox_id = ?2) "
      "ORDER BY l.id DESC LIMIT ?3");
  if (!statement) return with_context(context, statement.error());
  std::optional<int64_t> since;
  if (query.since) since = seconds_of(*query.since);
  if (auto bound =
          statement->bind_all(since, query.outbox_id, int64_t{query.limit > 0 ? query.limit : -1});
      !bound) {
    return with_context(context, bound.error());
  }
  std::vector<LoggedAttempt> rows;
  for (;;) {
    auto step = statement->step();
    if (!step) return with_context(context, step.error());
    if (*step == Step::kDone) break;
    LoggedAttempt row;
    row.id = statement->column_int64(0);
    row.attempt.outbox_id = statement->column_int64(1);
    row.attempt.at = instant_of(statement->column_int64(2));
    const std::string channel = statement->column_text(3);
    auto parsed = parse_channel(channel);
    if (!parsed) {
      return Error{"The delivery log holds an unknown channel \"" + channel + "\" (row " +
                   std::to_string(row.id) + ")."};
    }
    row.attempt.channel = *parsed;
    row.attempt.recipient = statement->column_text(4);
    row.attempt.result = statement->column_text(5);
    row.attempt.status_code = statement->column_int(6);
    row.attempt.error = statement->column_text(7);
    row.attempt.duration_ms = statement->column_int64(8);
    row.unit_id = statement->column_text(9);
    row.key = statement->column_text(10);
    rows.push_back(std::move(row));
  }
  std::reverse(rows.begin(), rows.end());
  return rows;
}

}  // namespace plazo
