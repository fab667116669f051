// SqliteStore's plan import: one write transaction that takes the activities
// one at a time (Store::begin_import), so a plan streams from the parser to
// the file without being held in memory.
//
// Where the time goes on a 100,000-activity plan (BENCHMARKS.md, "Import"):
// the rows themselves. So a new activity is one INSERT carrying its latest
// progress (no UPDATE after its progress rows), a new plan skips the lookup
// of stored rows, and an activity's progress entries are compared here
// rather than by a UNIQUE index over their note text (schema step 4).

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <variant>
#include <vector>

#include "domain/model.h"
#include "storage/sqlite_store.h"
#include "storage/sqlite_support.h"

namespace plazo {
using namespace sqlite_support;
namespace {

// The stored fields of an activity that an import may change.
struct StoredActivity {
  int64_t id = 0;
  std::string component, subcomponent, title, deliverable, indicator, goal;
  std::vector<int> periods;
  std::optional<Date> deadline;
  std::string responsible_text, co_responsible_text;
  int source_line = 0;
  std::vector<std::string> responsible, co_responsible;
};

bool same_fields(const StoredActivity& stored, const ImportedActivity& imported) {
  const Activity& a = imported.activity;
  return stored.component == a.component && stored.subcomponent == a.subcomponent &&
         stored.title == a.title && stored.deliverable == a.deliverable &&
         stored.indicator == a.indicator && stored.goal == a.goal && stored.periods == a.periods &&
         stored.deadline == a.deadline && stored.responsible_text == imported.responsible_text &&
         stored.co_responsible_text == imported.co_responsible_text;
}

bool same_roles(const StoredActivity& stored, const Activity& activity) {
  return stored.responsible == activity.responsible &&
         stored.co_responsible == activity.co_responsible;
}

// A progress entry as the progress table holds it; two entries are the
// same when all three fields are.
struct StoredProgress {
  std::string as_of;
  int percent = 0;
  std::string note;
  bool operator==(const StoredProgress& other) const {
    return percent == other.percent && as_of == other.as_of && note == other.note;
  }
};

// The entries of `history` not already in `known`, in order, each once.
std::vector<StoredProgress> new_entries(const std::vector<Progress>& history,
                                        std::vector<StoredProgress> known) {
  std::vector<StoredProgress> fresh;
  for (const auto& progress : history) {
    StoredProgress entry{format_iso_date(progress.as_of), progress.percent, progress.note};
    if (std::find(known.begin(), known.end(), entry) != known.end()) continue;
    known.push_back(entry);
    fresh.push_back(std::move(entry));
  }
  return fresh;
}

// The latest of `entries` as the activities table keeps it: the greatest
// as_of, on a tie the later entry.
const StoredProgress* latest_of(const std::vector<StoredProgress>& entries) {
  const StoredProgress* latest = nullptr;
  for (const auto& entry : entries) {
    if (latest == nullptr || entry.as_of >= latest->as_of) latest = &entry;
  }
  return latest;
}

// The INSERTs of one table, many rows per statement: SQLite's cost per
// executed statement (and, for activities, the statement journal its
// trigger needs) is paid once per kRows rows. A full statement runs as soon
// as kRows rows wait; flush() writes the rest one row at a time. Values are
// copied, so rows reach the table only when their statement runs: the
// import defers foreign keys to the commit for that.
class RowInserter {
 public:
  static constexpr int kRows = 64;

  // `head` is "INSERT INTO t (a, b, c)".
  RowInserter(std::string head, int columns) : head_(std::move(head)), columns_(columns) {}

  Status prepare(Database& db) {
    std::string row = "(";
    for (int i = 0; i < columns_; ++i) row += i == 0 ? "?" : ", ?";
    row += ")";
    std::string sql = head_ + " VALUES " + row;
    auto single = db.prepare(sql);
    if (!single) return single.error();
    single_.emplace(std::move(single).value());
    for (int i = 1; i < kRows; ++i) sql += ", " + row;
    auto full = db.prepare(sql);
    if (!full) return full.error();
    full_.emplace(std::move(full).value());
    values_.reserve(static_cast<size_t>(columns_) * kRows);
    return {};
  }

  // Adds a row for `activity` (which, with its line, names the row in
  // errors).
  template <typename... T>
  Status add(const ImportedActivity& activity, const T&... values) {
    static_assert(sizeof...(T) > 0);
    (values_.push_back(value_of(values)), ...);
    labels_.push_back({activity.activity.number, activity.source_line});
    if (labels_.size() < kRows) return {};
    Status status = run(*full_, 0, values_.size());
    if (!status) {
      where_failed_ = "one of activities " + labels_.front().number + " to " +
                      labels_.back().number + ", lines " + std::to_string(labels_.front().line) +
                      " to " + std::to_string(labels_.back().line);
    }
    values_.clear();
    labels_.clear();
    return status;
  }

  Status flush() {
    Status status;
    for (size_t row = 0; status && row < labels_.size(); ++row) {
      status = run(*single_, row * static_cast<size_t>(columns_), static_cast<size_t>(columns_));
      if (!status) {
        where_failed_ =
            "activity " + labels_[row].number + ", line " + std::to_string(labels_[row].line);
      }
    }
    values_.clear();
    labels_.clear();
    return status;
  }

  // After add() or flush() failed: the rows the failing statement held.
  const std::string& where_failed() const { return where_failed_; }

  void reset() {
    if (single_) single_->reset();
    if (full_) full_->reset();
  }

 private:
  using Value = std::variant<std::monostate, int64_t, std::string>;

  static Value value_of(int64_t value) { return value; }
  static Value value_of(int value) { return int64_t{value}; }
  static Value value_of(const char* value) { return std::string(value); }
  static Value value_of(const std::string& value) { return value; }
  template <typename T>
  static Value value_of(const std::optional<T>& value) {
    if (!value) return std::monostate{};
    return value_of(*value);
  }

  Status run(Statement& statement, size_t first, size_t count) {
    statement.reset();
    for (size_t i = 0; i < count; ++i) {
      const int index = static_cast<int>(i) + 1;
      const Value& value = values_[first + i];
      Status status;
      if (const auto* number = std::get_if<int64_t>(&value)) {
        status = statement.bind(index, *number);
      } else if (const auto* text = std::get_if<std::string>(&value)) {
        status = statement.bind(index, *text);
      } else {
        status = statement.bind(index, std::nullopt);
      }
      if (!status) return status;
    }
    return statement.run();
  }

  struct Label {
    std::string number;
    int line = 0;
  };

  std::string head_;
  int columns_ = 0;
  std::optional<Statement> single_, full_;
  std::vector<Value> values_;  // the waiting rows, row after row
  std::vector<Label> labels_;  // one per waiting row
  std::string where_failed_;
};

class SqlitePlanImport final : public PlanImport {
 public:
  SqlitePlanImport(Database& db, std::string context, Transaction transaction, bool dry_run)
      : db_(db),
        context_(std::move(context)),
        transaction_(std::move(transaction)),
        dry_run_(dry_run) {}

  Status start(const std::string& plan, int year, int64_t now);
  Status add(const ImportedActivity& imported) override;
  Result<ImportSummary> finish() override;

 private:
  Status check(const ImportedActivity& imported);
  bool has_unknown_units(const ImportedActivity& imported);
  Result<std::optional<StoredActivity>> find_stored(const Activity& activity);
  Status insert_new(const ImportedActivity& imported, const std::vector<Progress>& history);
  Status update_stored(const StoredActivity& stored, const ImportedActivity& imported,
                       const std::vector<Progress>& history);
  Status add_roles(int64_t activity_id, const ImportedActivity& imported);
  Status add_progress(int64_t activity_id, const ImportedActivity& imported,
                      const std::vector<StoredProgress>& entries);
  // A failed inserter's status, remembering which rows it held.
  Status failed_rows(const RowInserter& rows, Status status);

  struct UnknownUnit {
    std::string id, activity;
    int line = 0;
  };

  Database& db_;
  std::string context_;  // "Cannot import plan PAAC 2023"
  std::optional<Transaction> transaction_;
  bool dry_run_ = false;
  int64_t plan_id_ = 0;
  bool plan_is_new_ = false;  // created by this import: no stored rows to look up
  int64_t now_ = 0;
  std::unordered_set<std::string> known_units_;
  std::vector<UnknownUnit> unknown_units_;        // first use of each
  std::unordered_set<std::string> unknown_seen_;  // ids in unknown_units_
  std::unordered_map<std::string, int> line_of_;  // number -> line, for duplicates
  std::optional<Error> failed_;
  std::optional<std::string> failed_where_;  // set when an inserter failed
  ImportSummary summary_;
  int64_t next_activity_id_ = 1;  // ids are given here, so rows can wait in activity_rows_

  std::optional<Statement> find_, find_roles_, find_progress_, update_activity_, update_line_,
      delete_roles_, refresh_latest_;
  RowInserter activity_rows_{
      "INSERT INTO activities (id, plan_id, number, sort_key, component, subcomponent, title, "
      "deliverable, indicator, goal, periods, deadline, responsible_text, co_responsible_text, "
      "source_line, progress_percent, progress_as_of, progress_note, done)",
      19};
  RowInserter role_rows_{"INSERT INTO activity_units (activity_id, unit_id, role, position)", 4};
  RowInserter progress_rows_{
      "INSERT INTO progress (activity_id, as_of, percent, note, recorded_at)", 5};
};

Status SqlitePlanImport::start(const std::string& plan, int year, int64_t now) {
  now_ = now;
  // Rows wait in the inserters before they reach their tables, so a role
  // or progress row may be written before its activity: foreign keys are
  // checked at the commit instead (this ends with the transaction).
  if (auto status = db_.exec("PRAGMA defer_foreign_keys = ON"); !status) return status;
  {
    auto insert = db_.prepare(
        "INSERT INTO plans (name, year) VALUES (?1, ?2) ON CONFLICT (name, year) DO NOTHING");
    if (!insert) return insert.error();
    Status status = insert->bind_all(plan, year);
    if (status) status = insert->run();
    if (!status) return status;
    plan_is_new_ = db_.changes() > 0;
    auto select = db_.prepare("SELECT id FROM plans WHERE name = ?1 AND year = ?2");
    if (!select) return select.error();
    if (auto bound = select->bind_all(plan, year); !bound) return bound;
    auto row = step_row(*select);
    if (!row) return row.error();
    if (!*row) return Error{"the plan row vanished (a bug in plazo)"};
    plan_id_ = select->column_int64(0);
  }
  {
    auto last = db_.prepare("SELECT coalesce(max(id), 0) + 1 FROM activities");
    if (!last) return last.error();
    auto row = step_row(*last);
    if (!row) return row.error();
    if (*row) next_activity_id_ = last->column_int64(0);
  }
  {
    auto units = db_.prepare("SELECT id FROM units");
    if (!units) return units.error();
    for (;;) {
      auto row = step_row(*units);
      if (!row) return row.error();
      if (!*row) break;
      known_units_.insert(units->column_text(0));
    }
  }
  const std::pair<std::optional<Statement>*, const char*> statements[] = {
      {&find_,
       "SELECT id, component, subcomponent, title, deliverable, indicator, goal, periods, "
       "deadline, responsible_text, co_responsible_text, source_line "
       "FROM activities WHERE plan_id = ?1 AND number = ?2"},
      {&find_roles_,
       "SELECT role, unit_id FROM activity_units WHERE activity_id = ?1 ORDER BY role, position"},
      {&find_progress_, "SELECT as_of, percent, note FROM progress WHERE activity_id = ?1"},
      {&update_activity_,
       "UPDATE activities SET component = ?2, subcomponent = ?3, title = ?4, deliverable = ?5, "
       "indicator = ?6, goal = ?7, periods = ?8, deadline = ?9, responsible_text = ?10, "
       "co_responsible_text = ?11, source_line = ?12 WHERE id = ?1"},
      {&update_line_, "UPDATE activities SET source_line = ?2 WHERE id = ?1"},
      {&delete_roles_, "DELETE FROM activity_units WHERE activity_id = ?1"},
      {&refresh_latest_,
       "UPDATE activities SET (progress_percent, progress_as_of, progress_note, done) = "
       "(SELECT percent, as_of, note, percent >= 100 FROM progress WHERE activity_id = ?1 "
       "ORDER BY as_of DESC, id DESC LIMIT 1) WHERE id = ?1"},
  };
  for (const auto& [slot, sql] : statements) {
    auto statement = db_.prepare(sql);
    if (!statement) return statement.error();
    slot->emplace(std::move(statement).value());
  }
  for (auto* rows : {&activity_rows_, &role_rows_, &progress_rows_}) {
    if (auto status = rows->prepare(db_); !status) return status;
  }
  return {};
}

Status SqlitePlanImport::add(const ImportedActivity& imported) {
  if (failed_) return *failed_;
  const Activity& activity = imported.activity;
  Status status = check(imported);
  if (status && !has_unknown_units(imported)) {
    std::vector<Progress> history = imported.history;
    if (history.empty() && activity.progress) history.push_back(*activity.progress);
    std::optional<StoredActivity> stored;
    if (!plan_is_new_) {
      auto found = find_stored(activity);
      if (!found) {
        status = found.error();
      } else {
        stored = std::move(found).value();
      }
    }
    if (status)
      status = stored ? update_stored(*stored, imported, history) : insert_new(imported, history);
    if (!status) {
      const std::string where = failed_where_.value_or("activity " + activity.number + ", line " +
                                                       std::to_string(imported.source_line));
      status = with_context(context_ + " (" + where + ")", status.error());
    }
  }
  if (!status) failed_ = status.error();
  return status;
}

// What needs no database: a number, once per import; percents in range.
Status SqlitePlanImport::check(const ImportedActivity& imported) {
  const std::string& number = imported.activity.number;
  const std::string line = std::to_string(imported.source_line);
  if (number.empty()) return Error{"The activity at line " + line + " has no number."};
  auto [it, inserted] = line_of_.emplace(number, imported.source_line);
  if (!inserted) {
    return Error{"Activity " + number + " appears twice in the import (lines " +
                 std::to_string(it->second) + " and " + line + ")."};
  }
  auto check_percent = [&](const Progress& progress) -> Status {
    if (progress.percent >= 0 && progress.percent <= 100) return {};
    return Error{"Activity " + number + " (line " + line + ") has a progress of " +
                 std::to_string(progress.percent) + " %, outside 0..100."};
  };
  for (const auto& progress : imported.history) {
    if (auto status = check_percent(progress); !status) return status;
  }
  if (imported.activity.progress) return check_percent(*imported.activity.progress);
  return {};
}

// Notes each unit id the database does not know, with its first use; the
// activity is then not written (finish() fails with the whole list).
bool SqlitePlanImport::has_unknown_units(const ImportedActivity& imported) {
  bool unknown = false;
  for (const auto* list : {&imported.activity.responsible, &imported.activity.co_responsible}) {
    for (const auto& id : *list) {
      if (known_units_.count(id) > 0) continue;
      unknown = true;
      if (unknown_seen_.insert(id).second) {
        unknown_units_.push_back({id, imported.activity.number, imported.source_line});
      }
    }
  }
  return unknown;
}

Result<std::optional<StoredActivity>> SqlitePlanImport::find_stored(const Activity& activity) {
  Statement& find = *find_;
  find.reset();
  if (auto status = find.bind_all(plan_id_, activity.number); !status) return status.error();
  auto found = step_row(find);
  if (!found) return found.error();
  if (!*found) return std::optional<StoredActivity>{};
  StoredActivity row;
  row.id = find.column_int64(0);
  row.component = find.column_text(1);
  row.subcomponent = find.column_text(2);
  row.title = find.column_text(3);
  row.deliverable = find.column_text(4);
  row.indicator = find.column_text(5);
  row.goal = find.column_text(6);
  auto periods = parse_json_list<int>(find.column_text(7), "period list");
  if (!periods) return periods.error();
  row.periods = std::move(periods).value();
  auto deadline = parse_stored_date(find.column_optional_text(8), "deadline");
  if (!deadline) return deadline.error();
  row.deadline = *deadline;
  row.responsible_text = find.column_text(9);
  row.co_responsible_text = find.column_text(10);
  row.source_line = find.column_int(11);
  find.reset();
  Statement& roles = *find_roles_;
  roles.reset();
  if (auto status = roles.bind(1, row.id); !status) return status.error();
  for (;;) {
    auto role_row = step_row(roles);
    if (!role_row) return role_row.error();
    if (!*role_row) break;
    auto& list = roles.column_text(0) == "responsible" ? row.responsible : row.co_responsible;
    list.push_back(roles.column_text(1));
  }
  return std::optional<StoredActivity>{std::move(row)};
}

Status SqlitePlanImport::insert_new(const ImportedActivity& imported,
                                    const std::vector<Progress>& history) {
  const Activity& activity = imported.activity;
  const std::vector<StoredProgress> entries = new_entries(history, {});
  const StoredProgress* latest = latest_of(entries);
  std::optional<int> percent;
  std::optional<std::string> as_of, note;
  if (latest != nullptr) {
    percent = latest->percent;
    as_of = latest->as_of;
    note = latest->note;
  }
  const int64_t activity_id = next_activity_id_++;
  Status status = activity_rows_.add(
      imported, activity_id, plan_id_, activity.number, activity_sort_key(activity.number),
      activity.component, activity.subcomponent, activity.title, activity.deliverable,
      activity.indicator, activity.goal, json_text(activity.periods), date_text(activity.deadline),
      imported.responsible_text, imported.co_responsible_text, imported.source_line, percent, as_of,
      note, latest != nullptr && latest->percent >= 100 ? 1 : 0);
  if (!status) return failed_rows(activity_rows_, status);
  ++summary_.added;
  if (status = add_roles(activity_id, imported); !status) return status;
  return add_progress(activity_id, imported, entries);
}

Status SqlitePlanImport::update_stored(const StoredActivity& stored,
                                       const ImportedActivity& imported,
                                       const std::vector<Progress>& history) {
  const Activity& activity = imported.activity;
  const bool fields_same = same_fields(stored, imported);
  const bool roles_same = same_roles(stored, activity);
  Status status;
  if (!fields_same) {
    Statement& update = *update_activity_;
    update.reset();
    status = update.bind_all(stored.id, activity.component, activity.subcomponent, activity.title,
                             activity.deliverable, activity.indicator, activity.goal,
                             json_text(activity.periods), date_text(activity.deadline),
                             imported.responsible_text, imported.co_responsible_text,
                             int64_t{imported.source_line});
    if (status) status = update.run();
  } else if (stored.source_line != imported.source_line) {
    Statement& update = *update_line_;
    update.reset();
    status = update.bind_all(stored.id, int64_t{imported.source_line});
    if (status) status = update.run();
  }
  if (!status) return status;
  if (fields_same && roles_same) {
    ++summary_.unchanged;
  } else {
    ++summary_.updated;
  }
  if (!roles_same) {
    Statement& remove = *delete_roles_;
    remove.reset();
    status = remove.bind(1, stored.id);
    if (status) status = remove.run();
    if (status) status = add_roles(stored.id, imported);
    if (!status) return status;
  }

  std::vector<StoredProgress> known;
  Statement& find = *find_progress_;
  find.reset();
  if (status = find.bind(1, stored.id); !status) return status;
  for (;;) {
    auto row = step_row(find);
    if (!row) return row.error();
    if (!*row) break;
    known.push_back({find.column_text(0), find.column_int(1), find.column_text(2)});
  }
  find.reset();
  const std::vector<StoredProgress> entries = new_entries(history, std::move(known));
  if (entries.empty()) return {};
  // The latest entry is read back from the table: the new ones must be in.
  if (status = add_progress(stored.id, imported, entries); !status) return status;
  if (status = progress_rows_.flush(); !status) return failed_rows(progress_rows_, status);
  Statement& refresh = *refresh_latest_;
  refresh.reset();
  status = refresh.bind(1, stored.id);
  if (status) status = refresh.run();
  return status;
}

// The activity's unit lists as role rows, in order.
Status SqlitePlanImport::add_roles(int64_t activity_id, const ImportedActivity& imported) {
  const Activity& activity = imported.activity;
  for (const auto& [role, list] : {std::pair{"responsible", &activity.responsible},
                                   std::pair{"co_responsible", &activity.co_responsible}}) {
    for (size_t position = 0; position < list->size(); ++position) {
      Status status = role_rows_.add(imported, activity_id, (*list)[position], role,
                                     static_cast<int64_t>(position));
      if (!status) return failed_rows(role_rows_, status);
    }
  }
  return {};
}

Status SqlitePlanImport::add_progress(int64_t activity_id, const ImportedActivity& imported,
                                      const std::vector<StoredProgress>& entries) {
  for (const auto& entry : entries) {
    Status status =
        progress_rows_.add(imported, activity_id, entry.as_of, entry.percent, entry.note, now_);
    if (!status) return failed_rows(progress_rows_, status);
  }
  summary_.progress_added += static_cast<int>(entries.size());
  return {};
}

Status SqlitePlanImport::failed_rows(const RowInserter& rows, Status status) {
  failed_where_ = rows.where_failed();
  return status;
}

Result<ImportSummary> SqlitePlanImport::finish() {
  if (failed_) return *failed_;
  if (!transaction_) return Error{context_ + ": the import was already finished (a bug in plazo)."};
  for (auto* rows : {&activity_rows_, &role_rows_, &progress_rows_}) {
    if (auto status = rows->flush(); !status) {
      failed_ = with_context(context_ + " (" + rows->where_failed() + ")", status.error());
      return *failed_;
    }
  }
  // Statements first: a statement still holding a read keeps the
  // transaction from committing.
  for (auto* statement : {&find_, &find_roles_, &find_progress_, &update_activity_, &update_line_,
                          &delete_roles_, &refresh_latest_}) {
    (*statement)->reset();
  }
  for (auto* rows : {&activity_rows_, &role_rows_, &progress_rows_}) rows->reset();
  Transaction transaction = std::move(*transaction_);
  transaction_.reset();
  if (!unknown_units_.empty()) {
    std::string names;
    for (const auto& unit : unknown_units_) {
      if (!names.empty()) names += ", ";
      names += "\"" + unit.id + "\" (activity " + unit.activity + ", line " +
               std::to_string(unit.line) + ")";
    }
    return Error{context_ + ": these units are not in the configuration: " + names + "."};
  }
  if (dry_run_) {
    transaction.rollback();
    return summary_;
  }
  if (auto status = transaction.commit(); !status) return with_context(context_, status.error());
  return summary_;
}

}  // namespace

Result<std::unique_ptr<PlanImport>> SqliteStore::begin_import(const std::string& plan, int year,
                                                              bool dry_run) {
  if (plan.empty()) return Error{"The plan name is empty."};
  const std::string context = "Cannot import plan " + plan_label(plan, year);
  auto transaction = Transaction::begin(db_);
  if (!transaction) return with_context(context, transaction.error());
  auto plan_import =
      std::make_unique<SqlitePlanImport>(db_, context, std::move(transaction).value(), dry_run);
  if (auto status = plan_import->start(plan, year, now_seconds()); !status) {
    return with_context(context, status.error());
  }
  return std::unique_ptr<PlanImport>(std::move(plan_import));
}

}  // namespace plazo
