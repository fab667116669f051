#include "storage/sqlite_store.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <utility>

#include "domain/model.h"
#include "storage/message_json.h"
#include "storage/queries.h"
#include "storage/schema.h"
#include "storage/sqlite_support.h"

namespace plazo {
using namespace sqlite_support;
namespace {

constexpr const char* kLastPassKey = "last_pass";

}  // namespace

std::string activity_sort_key(std::string_view number) {
  // A run of digits becomes its length (one char) and its digits without
  // leading zeros, so longer numbers sort after shorter ones and equal
  // lengths compare digit by digit: "1.10" -> "\x01" "1" "." "\x02" "10".
  std::string key;
  size_t i = 0;
  while (i < number.size()) {
    if (number[i] < '0' || number[i] > '9') {
      key += number[i++];
      continue;
    }
    size_t end = i;
    while (end < number.size() && number[end] >= '0' && number[end] <= '9') ++end;
    std::string_view digits = number.substr(i, end - i);
    while (digits.size() > 1 && digits.front() == '0') digits.remove_prefix(1);
    // Digits and separators are >= 0x20, so a length below that never
    // collides with them; runs over 31 digits are not activity numbers.
    key += static_cast<char>(std::min<size_t>(digits.size(), 31));
    key += digits;
    i = end;
  }
  return key;
}

// -- Opening -------------------------------------------------------------------

SqliteStore::SqliteStore(Database db, const Clock* clock)
    : db_(std::move(db)), clock_(clock != nullptr ? clock : &system_clock_) {}

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::string& path) {
  auto db = Database::open(path);
  if (!db) return db.error();
  if (auto status = migrate(*db); !status) return status.error();
  return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(db).value(), nullptr));
}

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::string& path,
                                                       const Clock& clock) {
  auto store = open(path);
  if (!store) return store.error();
  (*store)->clock_ = &clock;
  return store;
}

int64_t SqliteStore::now_seconds() const {
  return seconds_of(clock_->now());
}

// -- Units ---------------------------------------------------------------------

Status SqliteStore::sync_units(const std::vector<Unit>& units) {
  std::vector<std::string> ids;
  for (const auto& unit : units) {
    if (unit.id.empty()) return Error{"A unit has an empty id."};
    ids.push_back(unit.id);
  }
  auto transaction = Transaction::begin(db_);
  if (!transaction) return with_context("Cannot store the units", transaction.error());
  // The WHERE clause keeps identical rows untouched, so syncing an unchanged
  // config writes nothing and does not wake the daemon (data_version).
  auto upsert = db_.prepare(
      "INSERT INTO units (id, name, aliases, emails, webhooks, oversight, active) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1) "
      "ON CONFLICT (id) DO UPDATE SET name = excluded.name, aliases = excluded.aliases, "
      "emails = excluded.emails, webhooks = excluded.webhooks, oversight = excluded.oversight, "
      "active = 1 "
      "WHERE name IS NOT excluded.name OR aliases IS NOT excluded.aliases "
      "OR emails IS NOT excluded.emails OR webhooks IS NOT excluded.webhooks "
      "OR oversight IS NOT excluded.oversight OR active IS NOT 1");
  if (!upsert) return with_context("Cannot store the units", upsert.error());
  for (const auto& unit : units) {
    upsert->reset();
    Status status =
        upsert->bind_all(unit.id, unit.name, json_text(unit.aliases), json_text(unit.emails),
                         json_text(unit.webhooks), int64_t{unit.oversight ? 1 : 0});
    if (status) status = upsert->run();
    if (!status) return with_context("Cannot store unit " + unit.id, status.error());
  }
  auto retire = db_.prepare(
      "UPDATE units SET active = 0 WHERE active = 1 AND id NOT IN (SELECT value FROM "
      "json_each(?1))");
  if (!retire) return with_context("Cannot store the units", retire.error());
  Status status = retire->bind(1, json_text(ids));
  if (status) status = retire->run();
  if (!status) return with_context("Cannot store the units", status.error());
  return transaction->commit();
}

Result<std::vector<Unit>> SqliteStore::units() {
  auto statement =
      db_.prepare("SELECT id, name, aliases, emails, webhooks, oversight FROM units ORDER BY id");
  if (!statement) return with_context("Cannot read the units", statement.error());
  std::vector<Unit> units;
  for (;;) {
    auto row = step_row(*statement);
    if (!row) return with_context("Cannot read the units", row.error());
    if (!*row) break;
    Unit unit;
    unit.id = statement->column_text(0);
    unit.name = statement->column_text(1);
    auto aliases = parse_json_list<std::string>(statement->column_text(2), "unit alias list");
    auto emails = parse_json_list<std::string>(statement->column_text(3), "unit email list");
    auto webhooks = parse_json_list<std::string>(statement->column_text(4), "unit webhook list");
    if (!aliases) return aliases.error();
    if (!emails) return emails.error();
    if (!webhooks) return webhooks.error();
    unit.aliases = std::move(aliases).value();
    unit.emails = std::move(emails).value();
    unit.webhooks = std::move(webhooks).value();
    unit.oversight = statement->column_int64(5) != 0;
    units.push_back(std::move(unit));
  }
  return units;
}

// -- Plan ----------------------------------------------------------------------

// Two queries (rows, then their units); callers run it inside one read
// transaction so both see the same snapshot.
Status SqliteStore::each_activity(Statement& statement, const ActivityVisitor& visit) {
  // A page of rows, then their units in one query: a query per activity
  // would cost more than the rows themselves, the whole result at once
  // would hold every activity of a large plan.
  constexpr size_t kPage = 256;
  std::vector<Activity> page;
  std::vector<int64_t> ids;
  page.reserve(kPage);
  ids.reserve(kPage);
  auto hand_over = [&]() -> Status {
    if (auto units = read_units_of(page, ids); !units) return units;
    for (const auto& activity : page) {
      if (auto visited = visit(activity); !visited) return visited;
    }
    page.clear();
    ids.clear();
    return {};
  };
  for (;;) {
    auto row = step_row(statement);
    if (!row) return row.error();
    if (!*row) break;
    Activity activity;
    ids.push_back(statement.column_int64(0));
    activity.plan = statement.column_text(1);
    activity.year = statement.column_int(2);
    activity.number = statement.column_text(3);
    activity.component = statement.column_text(4);
    activity.subcomponent = statement.column_text(5);
    activity.title = statement.column_text(6);
    activity.deliverable = statement.column_text(7);
    activity.indicator = statement.column_text(8);
    activity.goal = statement.column_text(9);
    const std::string what = "period list of activity " + activity.number;
    auto periods = parse_json_list<int>(statement.column_text(10), what);
    if (!periods) return periods.error();
    activity.periods = std::move(periods).value();
    auto deadline = parse_stored_date(statement.column_optional_text(11),
                                      "deadline of activity " + activity.number);
    if (!deadline) return deadline.error();
    activity.deadline = *deadline;
    if (!statement.column_is_null(12)) {
      auto as_of = parse_stored_date(statement.column_optional_text(13),
                                     "progress date of activity " + activity.number);
      if (!as_of) return as_of.error();
      if (!*as_of) {
        return Error{"The database holds progress without a date for activity " + activity.number +
                     "."};
      }
      activity.progress = Progress{**as_of, statement.column_int(12), statement.column_text(14)};
    }
    page.push_back(std::move(activity));
    if (page.size() == kPage) {
      if (auto handed = hand_over(); !handed) return handed;
    }
  }
  if (!page.empty()) {
    if (auto handed = hand_over(); !handed) return handed;
  }
  statement.reset();  // done with its rows; bindings are the caller's to redo
  return {};
}

Status SqliteStore::read_units_of(std::vector<Activity>& page, const std::vector<int64_t>& ids) {
  std::vector<int64_t> sorted_ids = ids;
  std::sort(sorted_ids.begin(), sorted_ids.end());
  auto roles = db_.prepare(
      "SELECT activity_id, role, unit_id FROM activity_units "
      "WHERE activity_id IN (SELECT value FROM json_each(?1)) ORDER BY activity_id, role, "
      "position");
  if (!roles) return roles.error();
  if (auto status = roles->bind(1, dump_json(nlohmann::json(sorted_ids))); !status) {
    return status.error();
  }
  std::map<int64_t, Activity*> by_id;
  for (size_t i = 0; i < ids.size(); ++i) by_id[ids[i]] = &page[i];
  for (;;) {
    auto row = step_row(*roles);
    if (!row) return row.error();
    if (!*row) break;
    Activity* activity = by_id.at(roles->column_int64(0));
    auto& list =
        roles->column_text(1) == "responsible" ? activity->responsible : activity->co_responsible;
    list.push_back(roles->column_text(2));
  }
  return {};
}

Result<std::vector<Activity>> SqliteStore::activities(const ActivityFilter& filter) {
  auto snapshot = Transaction::begin_read(db_);
  if (!snapshot) return with_context("Cannot read the activities", snapshot.error());
  auto statement = db_.prepare(sql::kActivities);
  if (!statement) return with_context("Cannot read the activities", statement.error());
  if (auto status = statement->bind_all(filter.plan, filter.year, filter.unit); !status) {
    return with_context("Cannot read the activities", status.error());
  }
  auto activities = collect_activities(
      [&](const ActivityVisitor& visit) { return each_activity(*statement, visit); });
  if (!activities) return with_context("Cannot read the activities", activities.error());
  return activities;
}

Status SqliteStore::record_progress(const std::string& number, const Progress& progress,
                                    const std::optional<std::string>& plan,
                                    const std::optional<int>& year) {
  if (progress.percent < 0 || progress.percent > 100) {
    return Error{"A progress of " + std::to_string(progress.percent) + " % is outside 0..100."};
  }
  const std::string context = "Cannot record progress for activity " + number;
  auto transaction = Transaction::begin(db_);
  if (!transaction) return with_context(context, transaction.error());

  auto find = db_.prepare(
      "SELECT a.id, p.name, p.year FROM plans p CROSS JOIN activities a "
      "WHERE a.plan_id = p.id AND a.number = ?1 AND (?2 IS NULL OR p.name = ?2) "
      "AND (?3 IS NULL OR p.year = ?3) ORDER BY p.name, p.year");
  if (!find) return with_context(context, find.error());
  if (auto status = find->bind_all(number, plan, year); !status) {
    return with_context(context, status.error());
  }
  std::vector<std::pair<int64_t, std::string>> matches;
  for (;;) {
    auto row = step_row(*find);
    if (!row) return with_context(context, row.error());
    if (!*row) break;
    matches.emplace_back(find->column_int64(0),
                         plan_label(find->column_text(1), find->column_int(2)));
  }
  if (matches.empty()) {
    std::string scope;
    if (plan && year) {
      scope = " in plan " + plan_label(*plan, *year);
    } else if (plan) {
      scope = " in plan " + *plan;
    } else if (year) {
      scope = " in any plan of " + std::to_string(*year);
    }
    return Error{"Activity " + number + " was not found" + scope + "."};
  }
  if (matches.size() > 1) {
    std::string labels;
    for (const auto& match : matches) labels += (labels.empty() ? "" : ", ") + match.second;
    return Error{"Activity " + number + " exists in more than one plan (" + labels +
                 "); name the plan and year."};
  }
  const int64_t activity_id = matches.front().first;

  const std::string as_of = format_iso_date(progress.as_of);
  auto existing = db_.prepare(
      "SELECT 1 FROM progress WHERE activity_id = ?1 AND as_of = ?2 AND percent = ?3 AND "
      "note = ?4");
  if (!existing) return with_context(context, existing.error());
  Status status = existing->bind_all(activity_id, as_of, progress.percent, progress.note);
  if (!status) return with_context(context, status.error());
  auto recorded = step_row(*existing);
  if (!recorded) return with_context(context, recorded.error());
  if (*recorded) return {};  // already recorded: nothing to change

  auto insert = db_.prepare(
      "INSERT INTO progress (activity_id, as_of, percent, note, recorded_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!insert) return with_context(context, insert.error());
  status = insert->bind_all(activity_id, as_of, progress.percent, progress.note, now_seconds());
  if (status) status = insert->run();
  if (!status) return with_context(context, status.error());

  auto refresh = db_.prepare(
      "UPDATE activities SET (progress_percent, progress_as_of, progress_note, done) = "
      "(SELECT percent, as_of, note, percent >= 100 FROM progress WHERE activity_id = ?1 "
      "ORDER BY as_of DESC, id DESC LIMIT 1) WHERE id = ?1");
  if (!refresh) return with_context(context, refresh.error());
  status = refresh->bind(1, activity_id);
  if (status) status = refresh->run();
  if (!status) return with_context(context, status.error());
  return transaction->commit();
}

Result<int64_t> SqliteStore::data_version() {
  auto statement = db_.prepare("PRAGMA data_version");
  if (!statement) return statement.error();
  auto row = step_row(*statement);
  if (!row) return row.error();
  if (!*row) return Error{"PRAGMA data_version returned no row."};
  return statement->column_int64(0);
}

// -- Scheduling queries --------------------------------------------------------

Result<std::vector<DeadlineCount>> SqliteStore::open_deadlines() {
  const char* context = "Cannot read the open deadlines";
  auto statement = db_.prepare(sql::kOpenDeadlines);
  if (!statement) return with_context(context, statement.error());
  std::vector<DeadlineCount> counts;
  for (;;) {
    auto row = step_row(*statement);
    if (!row) return with_context(context, row.error());
    if (!*row) break;
    auto day = parse_stored_date(statement->column_optional_text(0), "deadline");
    if (!day) return day.error();
    counts.push_back(DeadlineCount{**day, statement->column_int64(1)});
  }
  return counts;
}

Status SqliteStore::each_open_activity_due(const std::vector<Date>& deadlines,
                                           const ActivityVisitor& visit) {
  const char* context = "Cannot read the open activities";
  if (deadlines.empty()) return {};
  auto snapshot = Transaction::begin_read(db_);
  if (!snapshot) return with_context(context, snapshot.error());
  std::vector<std::string> days;
  for (Date day : deadlines) days.push_back(format_iso_date(day));
  auto statement = db_.prepare(sql::kOpenActivitiesDue);
  if (!statement) return with_context(context, statement.error());
  if (auto status = statement->bind(1, json_text(days)); !status) {
    return with_context(context, status.error());
  }
  if (auto read = each_activity(*statement, visit); !read) return with_context(context, read.error());
  return {};
}

Status SqliteStore::each_open_activity_of_year(int year,
                                               const std::optional<std::vector<std::string>>& numbers,
                                               const ActivityVisitor& visit) {
  const char* context = "Cannot read the open activities";
  auto snapshot = Transaction::begin_read(db_);
  if (!snapshot) return with_context(context, snapshot.error());
  auto statement = db_.prepare(sql::kOpenActivitiesOfYear);
  if (!statement) return with_context(context, statement.error());
  std::optional<std::string> number_list;
  if (numbers) number_list = json_text(*numbers);
  if (auto status = statement->bind_all(year, number_list); !status) {
    return with_context(context, status.error());
  }
  if (auto read = each_activity(*statement, visit); !read) return with_context(context, read.error());
  return {};
}

// -- Outbox --------------------------------------------------------------------

namespace {

class SqliteOutboxWriter final : public OutboxWriter {
 public:
  SqliteOutboxWriter(Database& db, Transaction transaction, Statement insert, int64_t now)
      : db_(db), transaction_(std::move(transaction)), insert_(std::move(insert)), now_(now) {}

  Result<bool> add(const Message& original) override {
    // The scheduler sets every key; a copy only for a message without one.
    std::optional<Message> keyed;
    if (original.key.empty()) {
      keyed = original;
      keyed->key = idempotency_key(original);
    }
    const Message& message = keyed ? *keyed : original;
    insert_.reset();
    Status status = insert_.bind_all(message.key, message.unit_id, to_string(message.channel),
                                     format_iso_date(message.day), seconds_of(message.at),
                                     message_json_text(message), now_);
    if (status) status = insert_.run();
    if (!status) {
      return with_context("Cannot write the message for unit " + message.unit_id + " on " +
                              format_iso_date(message.day) + " to the outbox",
                          status.error());
    }
    const bool added = db_.changes() > 0;
    if (added) ++added_;
    return added;
  }

  Result<int> finish(std::optional<Instant> pass) override {
    const char* context = "Cannot write to the outbox";
    if (pass) {
      auto record = db_.prepare(
          "INSERT INTO scheduler_state (key, value) VALUES (?1, ?2) "
          "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
      if (!record) return with_context(context, record.error());
      Status status = record->bind_all(kLastPassKey, format_utc(*pass));
      if (status) status = record->run();
      if (!status) return with_context(context, status.error());
    }
    if (auto status = transaction_.commit(); !status) return with_context(context, status.error());
    return added_;
  }

 private:
  Database& db_;
  Transaction transaction_;
  Statement insert_;
  int64_t now_;
  int added_ = 0;
};

}  // namespace

Result<std::unique_ptr<OutboxWriter>> SqliteStore::begin_enqueue() {
  const char* context = "Cannot write to the outbox";
  auto transaction = Transaction::begin(db_);
  if (!transaction) return with_context(context, transaction.error());
  auto insert = db_.prepare(
      "INSERT INTO outbox (key, unit_id, channel, day, due_at, payload, status, attempts, "
      "next_attempt_at, created_at, updated_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending', 0, ?5, ?7, ?7) ON CONFLICT (key) DO NOTHING");
  if (!insert) return with_context(context, insert.error());
  return std::unique_ptr<OutboxWriter>(std::make_unique<SqliteOutboxWriter>(
      db_, std::move(transaction).value(), std::move(insert).value(), now_seconds()));
}

Result<std::optional<Instant>> SqliteStore::last_pass() {
  auto statement = db_.prepare("SELECT value FROM scheduler_state WHERE key = ?1");
  if (!statement) return statement.error();
  if (auto status = statement->bind(1, kLastPassKey); !status) return status.error();
  auto row = step_row(*statement);
  if (!row) return row.error();
  if (!*row) return std::optional<Instant>{};
  const std::string text = statement->column_text(0);
  auto instant = parse_utc(text);
  if (!instant) return Error{"The database holds an invalid last pass instant: " + text + "."};
  return std::optional<Instant>{*instant};
}

Result<std::vector<OutboxEntry>> SqliteStore::outbox(std::optional<OutboxStatus> status,
                                                     int limit) {
  const char* context = "Cannot read the outbox";
  // Two texts rather than "?1 IS NULL OR status = ?1", so the filtered
  // listing can use the status index.
  auto statement = db_.prepare(
      status ? "SELECT id, payload, status, attempts, created_at, next_attempt_at, lease_until, "
               "destination, last_error FROM outbox WHERE status = ?1 ORDER BY id DESC LIMIT ?2"
             : "SELECT id, payload, status, attempts, created_at, next_attempt_at, lease_until, "
               "destination, last_error FROM outbox WHERE ?1 IS NULL ORDER BY id DESC LIMIT ?2");
  if (!statement) return with_context(context, statement.error());
  std::optional<std::string> status_text;
  if (status) status_text = std::string(to_string(*status));
  if (auto bound = statement->bind_all(status_text, int64_t{limit > 0 ? limit : -1}); !bound) {
    return with_context(context, bound.error());
  }
  std::vector<OutboxEntry> entries;
  for (;;) {
    auto row = step_row(*statement);
    if (!row) return with_context(context, row.error());
    if (!*row) break;
    OutboxEntry entry;
    entry.id = statement->column_int64(0);
    auto message = message_from_json_text(statement->column_text(1));
    if (!message) {
      return Error{"Outbox message " + std::to_string(entry.id) +
                   " cannot be read: " + message.error().message};
    }
    entry.message = std::move(message).value();
    const std::string state = statement->column_text(2);
    auto parsed = parse_outbox_status(state);
    if (!parsed) {
      return Error{"Outbox message " + std::to_string(entry.id) + " has an unknown status \"" +
                   state + "\"."};
    }
    entry.status = *parsed;
    entry.attempts = statement->column_int(3);
    entry.created_at = instant_of(statement->column_int64(4));
    entry.next_attempt_at = instant_of(statement->column_int64(5));
    if (auto lease = statement->column_optional_int64(6)) entry.lease_until = instant_of(*lease);
    entry.destination = statement->column_text(7);
    entry.last_error = statement->column_text(8);
    entries.push_back(std::move(entry));
  }
  return entries;
}

Result<OutboxCounts> SqliteStore::outbox_counts() {
  const char* context = "Cannot count the outbox";
  auto snapshot = Transaction::begin_read(db_);
  if (!snapshot) return with_context(context, snapshot.error());
  OutboxCounts counts;
  auto by_status = db_.prepare("SELECT status, count(*) FROM outbox GROUP BY status");
  if (!by_status) return with_context(context, by_status.error());
  for (;;) {
    auto row = step_row(*by_status);
    if (!row) return with_context(context, row.error());
    if (!*row) break;
    const auto status = parse_outbox_status(by_status->column_text(0));
    const int64_t count = by_status->column_int64(1);
    if (status == OutboxStatus::kDead) {
      counts.dead += count;
    } else if (status == OutboxStatus::kSent) {
      counts.sent += count;
    } else {
      counts.pending += count;
    }
  }
  auto oldest = db_.prepare(
      "SELECT min(due_at) FROM outbox WHERE status IN ('pending', 'retry', 'in_flight')");
  if (!oldest) return with_context(context, oldest.error());
  auto row = step_row(*oldest);
  if (!row) return with_context(context, row.error());
  if (*row && !oldest->column_is_null(0)) {
    counts.oldest_pending = instant_of(oldest->column_int64(0));
  }
  return counts;
}

Result<bool> SqliteStore::has_message_for(const std::string& unit_id, Channel channel, Date day) {
  auto statement = db_.prepare(
      "SELECT EXISTS (SELECT 1 FROM outbox WHERE unit_id = ?1 AND channel = ?2 AND day = ?3)");
  if (!statement) return with_context("Cannot read the outbox", statement.error());
  if (auto status = statement->bind_all(unit_id, to_string(channel), format_iso_date(day));
      !status) {
    return with_context("Cannot read the outbox", status.error());
  }
  auto row = step_row(*statement);
  if (!row) return with_context("Cannot read the outbox", row.error());
  return *row && statement->column_int64(0) != 0;
}

}  // namespace plazo
