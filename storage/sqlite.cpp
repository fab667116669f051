#include "storage/sqlite.h"

#include <sqlite3.h>

#include <filesystem>
#include <system_error>
#include <utility>

namespace plazo {
namespace {

// The path named in messages: what the connection really opened when SQLite
// knows it, so a relative path given by the admin shows up resolved.
std::string describe(sqlite3* db) {
  const char* name = db != nullptr ? sqlite3_db_filename(db, "main") : nullptr;
  if (name == nullptr || *name == '\0') return ":memory:";
  return name;
}

Error error_of(sqlite3* db, int rc) {
  std::string message;
  // sqlite3_errmsg() describes the last failed call on the connection; for a
  // code that did not come from the connection fall back to the generic text.
  if (db != nullptr && sqlite3_errcode(db) != SQLITE_OK) {
    message = sqlite3_errmsg(db);
  } else {
    message = sqlite3_errstr(rc);
  }
  return Error{message + " (database " + describe(db) + ")"};
}

Status check(sqlite3* db, int rc) {
  if (rc == SQLITE_OK) return {};
  return error_of(db, rc);
}

}  // namespace

// -- Database ------------------------------------------------------------------

Result<Database> Database::open(const std::string& path) {
  if (path.empty()) return Error{"The database path is empty."};
  if (path != ":memory:") {
    const auto parent = std::filesystem::absolute(std::filesystem::path(path)).parent_path();
    std::error_code ec;
    if (!std::filesystem::is_directory(parent, ec)) {
      return Error{"The directory " + parent.string() + " for the database " + path +
                   " does not exist."};
    }
  }
  sqlite3* raw = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  // Even a failed open may hand back a handle that must be closed; owning it
  // at once means every early return below releases it.
  Database db(raw, path);
  if (raw == nullptr) return Error{"Out of memory opening the database " + path + "."};
  auto cannot_open = [&] {
    return Error{"Cannot open the database " + path + ": " + sqlite3_errmsg(raw) + "."};
  };
  if (rc != SQLITE_OK) return cannot_open();
  sqlite3_extended_result_codes(raw, 1);
  if (sqlite3_busy_timeout(raw, 5000) != SQLITE_OK) return cannot_open();
  // Pragmas take no bound parameters; these are constants. journal_mode is
  // the first to read the file, so a file that is not a database fails here.
  // temp_store: statement journals (a large import writes one page per
  // index page a multi-row INSERT touches) stay in memory instead of a
  // file in /var/tmp; plazo builds no large temporary tables.
  // cache_size: 4 MiB of pages (SQLite's default is 2 MB). Delivering
  // 100,000 messages read 99k pages back from the OS with the default and
  // 71k with this (strace -c), for 2 MB of RSS; 8 MiB read 61k for 4 MB more.
  for (const char* pragma : {"PRAGMA foreign_keys = ON", "PRAGMA journal_mode = WAL",
                             "PRAGMA synchronous = NORMAL", "PRAGMA temp_store = MEMORY",
                             "PRAGMA cache_size = -4096"}) {
    if (sqlite3_exec(raw, pragma, nullptr, nullptr, nullptr) != SQLITE_OK) return cannot_open();
  }
  return db;
}

Database::Database(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

Database::Database(Database&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)),
      path_(std::move(other.path_)),
      cached_(std::move(other.cached_)) {}

Database& Database::operator=(Database&& other) noexcept {
  if (this != &other) {
    close();
    db_ = std::exchange(other.db_, nullptr);
    path_ = std::move(other.path_);
    cached_ = std::move(other.cached_);
  }
  return *this;
}

Database::~Database() {
  close();
}

void Database::close() {
  cached_.clear();  // finalized before the connection they belong to
  if (db_ == nullptr) return;
  // close_v2 defers the close until every statement is finalized, so a
  // statement that (wrongly) outlives the connection does not crash it.
  sqlite3_close_v2(db_);
  db_ = nullptr;
}

Result<Statement> Database::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const char* tail = nullptr;
  const int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, &tail);
  Statement statement(db_, stmt);
  if (rc != SQLITE_OK) return error_of(db_, rc);
  if (stmt == nullptr) return Error{"Empty SQL statement (database " + describe(db_) + ")."};
  const auto rest =
      sql.substr(tail != nullptr ? static_cast<size_t>(tail - sql.data()) : sql.size());
  if (rest.find_first_not_of(" \t\r\n;") != std::string_view::npos) {
    return Error{"More than one SQL statement given to prepare (database " + describe(db_) + ")."};
  }
  return statement;
}

Result<Statement*> Database::cached(std::string_view sql) {
  auto it = cached_.find(sql);
  if (it == cached_.end()) {
    auto prepared = prepare(sql);
    if (!prepared) return prepared.error();
    it = cached_.emplace(std::string(sql), std::make_unique<Statement>(std::move(prepared).value()))
             .first;
  }
  it->second->reset();
  return it->second.get();
}

Status Database::run_cached(std::string_view sql) {
  auto statement = cached(sql);
  if (!statement) return statement.error();
  return (*statement)->run();
}

Status Database::exec(std::string_view sql) {
  const std::string text(sql);  // sqlite3_exec needs a terminated string
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
  sqlite3_free(message);  // the same text is available from sqlite3_errmsg
  return check(db_, rc);
}

int64_t Database::total_changes() const {
  return sqlite3_total_changes64(db_);
}
int64_t Database::changes() const {
  return sqlite3_changes64(db_);
}
int64_t Database::last_insert_rowid() const {
  return sqlite3_last_insert_rowid(db_);
}
bool Database::in_transaction() const {
  return sqlite3_get_autocommit(db_) == 0;
}

// -- Statement -----------------------------------------------------------------

Statement::Statement(Statement&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), stmt_(std::exchange(other.stmt_, nullptr)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    db_ = std::exchange(other.db_, nullptr);
    stmt_ = std::exchange(other.stmt_, nullptr);
  }
  return *this;
}

Statement::~Statement() {
  sqlite3_finalize(stmt_);
}  // a no-op on nullptr

Status Statement::bind(int index, int64_t value) {
  return check(db_, sqlite3_bind_int64(stmt_, index, value));
}

Status Statement::bind(int index, double value) {
  return check(db_, sqlite3_bind_double(stmt_, index, value));
}

Status Statement::bind(int index, std::string_view value) {
  return check(db_, sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT,
                                        SQLITE_UTF8));
}

Status Statement::bind(int index, std::nullopt_t) {
  return check(db_, sqlite3_bind_null(stmt_, index));
}

Result<Step> Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return Step::kRow;
  if (rc == SQLITE_DONE) return Step::kDone;
  Error error = error_of(db_, rc);
  // Resetting clears the statement's error state and releases its read
  // snapshot, so one failed query does not pin the WAL.
  sqlite3_reset(stmt_);
  return error;
}

Status Statement::run() {
  for (;;) {
    auto step_result = step();
    if (!step_result) return step_result.error();
    if (*step_result == Step::kDone) break;
  }
  sqlite3_reset(stmt_);
  return {};
}

void Statement::reset() {
  // Both return the statement's last error, which step() already reported.
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

bool Statement::column_is_null(int col) const {
  return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
}

int64_t Statement::column_int64(int col) const {
  return sqlite3_column_int64(stmt_, col);
}

double Statement::column_double(int col) const {
  return sqlite3_column_double(stmt_, col);
}

std::string Statement::column_text(int col) const {
  const auto* text = sqlite3_column_text(stmt_, col);
  const int size = sqlite3_column_bytes(stmt_, col);  // after _text: the UTF-8 length
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text), static_cast<size_t>(size));
}

std::optional<std::string> Statement::column_optional_text(int col) const {
  if (column_is_null(col)) return std::nullopt;
  return column_text(col);
}

std::optional<int64_t> Statement::column_optional_int64(int col) const {
  if (column_is_null(col)) return std::nullopt;
  return column_int64(col);
}

// -- Transaction ---------------------------------------------------------------

Result<Transaction> Transaction::begin(Database& db) {
  if (auto status = db.run_cached("BEGIN IMMEDIATE"); !status) {
    return Error{"Cannot start a transaction: " + status.error().message};
  }
  return Transaction(&db);
}

Result<Transaction> Transaction::begin_read(Database& db) {
  if (db.in_transaction()) return Transaction(nullptr);
  if (auto status = db.run_cached("BEGIN DEFERRED"); !status) {
    return Error{"Cannot start a transaction: " + status.error().message};
  }
  return Transaction(&db);
}

Transaction::Transaction(Transaction&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}

Transaction::~Transaction() {
  rollback();
}

Status Transaction::commit() {
  if (db_ == nullptr) return Error{"The transaction was already finished."};
  if (auto status = db_->run_cached("COMMIT"); !status) {
    return Error{"Cannot commit: " + status.error().message};
  }
  db_ = nullptr;
  return {};
}

void Transaction::rollback() {
  if (db_ == nullptr) return;
  // SQLite rolls back by itself after some errors (SQLITE_FULL, IOERR, ...);
  // a second ROLLBACK would only fail with "no transaction is active".
  if (db_->in_transaction()) (void)db_->run_cached("ROLLBACK");
  db_ = nullptr;
}

}  // namespace plazo
