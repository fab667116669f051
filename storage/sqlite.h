#pragma once
/// \file
/// A thin RAII layer over the SQLite C API. Every return code is checked and
/// turned into an Error carrying sqlite3_errmsg() and the database's path;
/// every handle is released in a destructor, on every path. Values always go
/// through bind(): no SQL is ever built from strings holding values.
///
/// Threading: a Database and its Statements belong to one thread at a time
/// (the connection is opened with SQLITE_OPEN_NOMUTEX).

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "domain/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace plazo {

class Statement;

/// One connection to a database file (or ":memory:"). Movable, not copyable;
/// closing happens in the destructor. Statements prepared on it must be
/// destroyed before it.
class Database {
 public:
  /// Opens (creating if needed) the database at `path` and sets the
  /// connection up: WAL journal, foreign_keys=ON, busy_timeout 5000 ms,
  /// synchronous=NORMAL, temp_store=MEMORY. ":memory:" opens a private
  /// in-memory database. A missing parent directory is an error naming it;
  /// nothing is created outside `path` (besides SQLite's -wal and -shm
  /// files).
  static Result<Database> open(const std::string& path);

  Database(Database&& other) noexcept;
  Database& operator=(Database&& other) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  /// Prepares one SQL statement (values bound later). Error if `sql` does not
  /// compile or holds more than one statement.
  Result<Statement> prepare(std::string_view sql);
  /// Runs constant SQL with no values (DDL, pragmas), possibly several
  /// statements. Never pass text that holds data: use prepare() and bind.
  Status exec(std::string_view sql);
  /// The statement for `sql`, prepared on its first use and kept until the
  /// connection closes; it comes back reset, its bindings cleared. For the
  /// statements the delivery loop runs for every claim and outcome, where
  /// preparing costs about as much as running. The pointer is valid until
  /// the Database closes; step the statement to its end (run() does), or a
  /// read it started stays open until the next cached() of the same SQL.
  Result<Statement*> cached(std::string_view sql);
  /// cached(sql), then run() with no values (BEGIN, COMMIT, ...).
  Status run_cached(std::string_view sql);

  /// The path given to open().
  const std::string& path() const { return path_; }
  /// Rows changed by INSERT/UPDATE/DELETE since the connection opened.
  int64_t total_changes() const;
  /// Rows changed by the last completed INSERT/UPDATE/DELETE.
  int64_t changes() const;
  /// Rowid of the last successful INSERT on this connection.
  int64_t last_insert_rowid() const;
  /// True while a transaction is open on this connection.
  bool in_transaction() const;
  /// The raw handle, for code that needs an API this class does not wrap.
  /// Owned by this object.
  sqlite3* handle() const { return db_; }

 private:
  Database(sqlite3* db, std::string path);
  void close();

  sqlite3* db_ = nullptr;
  std::string path_;
  std::map<std::string, std::unique_ptr<Statement>, std::less<>> cached_;
};

/// What a step produced.
enum class Step { kRow, kDone };

/// A prepared statement. Finalized in the destructor; reset() makes it ready
/// to run again with new bindings, so a loop prepares it once. Must not
/// outlive the Database it came from.
class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Binding. Parameters are 1-based, as in SQLite. Text is copied.

  /// Binds an integer to parameter `index`.
  Status bind(int index, int64_t value);
  /// Binds an integer to parameter `index`.
  Status bind(int index, int value) { return bind(index, static_cast<int64_t>(value)); }
  /// Binds a floating-point number to parameter `index`.
  Status bind(int index, double value);
  /// Binds text (copied) to parameter `index`.
  Status bind(int index, std::string_view value);
  /// Binds text (copied) to parameter `index`.
  Status bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  /// Binds text (copied) to parameter `index`.
  Status bind(int index, const std::string& value) { return bind(index, std::string_view(value)); }
  /// Binds NULL to parameter `index`.
  Status bind(int index, std::nullopt_t);
  /// Binds the value, or NULL when empty.
  template <typename T>
  Status bind(int index, const std::optional<T>& value) {
    if (!value) return bind(index, std::nullopt);
    return bind(index, *value);
  }
  /// Binds `values` to parameters 1..N in order; stops at the first error.
  template <typename... T>
  Status bind_all(const T&... values) {
    Status status;
    int index = 0;
    ((status = status.ok() ? bind(++index, values) : status), ...);
    return status;
  }

  /// Runs the statement one step: kRow when a row is ready to read, kDone
  /// when finished. Any other outcome is an Error.
  Result<Step> step();
  /// Steps to the end, ignoring any rows, then resets (bindings kept).
  Status run();
  /// Makes the statement ready to run again and clears its bindings.
  void reset();

  // Reading the current row (valid after step() returned kRow). Columns are
  // 0-based, as in SQLite.

  /// Whether column `col` is NULL.
  bool column_is_null(int col) const;
  /// Column `col` as an integer (NULL reads as 0).
  int64_t column_int64(int col) const;
  /// Column `col` as an int (NULL reads as 0).
  int column_int(int col) const { return static_cast<int>(column_int64(col)); }
  /// Column `col` as a double (NULL reads as 0).
  double column_double(int col) const;
  /// Column `col` as text (NULL reads as "").
  std::string column_text(int col) const;
  /// Column `col` as text, nullopt when NULL.
  std::optional<std::string> column_optional_text(int col) const;
  /// Column `col` as an integer, nullopt when NULL.
  std::optional<int64_t> column_optional_int64(int col) const;

 private:
  friend class Database;
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}

  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

/// A write transaction (BEGIN IMMEDIATE: the write lock is taken at once, so
/// two writers wait on busy_timeout instead of failing half-way). Rolled back
/// in the destructor unless commit() succeeded. One at a time per Database.
class Transaction {
 public:
  /// Begins a transaction on `db`, which must outlive it.
  static Result<Transaction> begin(Database& db);
  /// Begins a read-only transaction (BEGIN DEFERRED): the queries inside see
  /// one snapshot, and writers in other connections are not held up. Meant
  /// to end in the destructor. Inside a transaction already open on `db`,
  /// that one is the snapshot: this one does nothing.
  static Result<Transaction> begin_read(Database& db);

  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  /// Commits. On error the transaction is still open and the destructor
  /// rolls it back.
  Status commit();
  /// Rolls back now (dry runs). Idempotent.
  void rollback();

 private:
  explicit Transaction(Database* db) : db_(db) {}

  Database* db_ = nullptr;  // nullptr once committed or rolled back
};

}  // namespace plazo
