#include "storage/sqlite.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "support/temp_dir.h"

namespace plazo {
namespace {

using testing::TempDir;

Database open_memory() {
  auto db = Database::open(":memory:");
  EXPECT_TRUE(db.ok()) << db.error().message;
  return std::move(db).value();
}

// Reads the first column of the first row of a constant query.
std::string scalar_text(Database& db, const char* sql) {
  auto statement = db.prepare(sql);
  EXPECT_TRUE(statement.ok()) << statement.error().message;
  auto step = statement->step();
  EXPECT_TRUE(step.ok() && *step == Step::kRow);
  return statement->column_text(0);
}

TEST(Database, FileConnectionIsConfigured) {
  TempDir dir;
  auto db = Database::open(dir.file("plazo.db"));
  ASSERT_TRUE(db.ok()) << db.error().message;
  EXPECT_EQ(scalar_text(*db, "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(scalar_text(*db, "PRAGMA foreign_keys"), "1");
  EXPECT_EQ(scalar_text(*db, "PRAGMA busy_timeout"), "5000");
  EXPECT_EQ(scalar_text(*db, "PRAGMA synchronous"), "1");  // NORMAL
  EXPECT_TRUE(std::filesystem::exists(dir.file("plazo.db")));
}

TEST(Database, MissingDirectoryIsAClearError) {
  TempDir dir;
  const std::string path = dir.file("missing/plazo.db");
  auto db = Database::open(path);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().message, "The directory " + dir.file("missing") + " for the database " +
                                    path + " does not exist.");
  EXPECT_FALSE(std::filesystem::exists(dir.file("missing")));
}

TEST(Database, FileThatIsNotADatabaseIsRefused) {
  TempDir dir;
  const std::string path = dir.write("notes.db", std::string(4096, 'x'));
  auto db = Database::open(path);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().message, "Cannot open the database " + path + ": file is not a database.");
}

TEST(Statement, BindsAndReadsEveryType) {
  Database db = open_memory();
  ASSERT_TRUE(db.exec("CREATE TABLE t (i INTEGER, r REAL, s TEXT, n TEXT, o INTEGER)").ok());
  auto insert = db.prepare("INSERT INTO t VALUES (?1, ?2, ?3, ?4, ?5)");
  ASSERT_TRUE(insert.ok()) << insert.error().message;
  const std::string text("Planeación\0tail", 15);  // embedded NUL survives
  ASSERT_TRUE(
      insert->bind_all(int64_t{1} << 40, 2.5, text, std::nullopt, std::optional<int>(7)).ok());
  ASSERT_TRUE(insert->run().ok());
  insert->reset();
  ASSERT_TRUE(
      insert->bind_all(-3, 0.0, "x", std::optional<std::string>{}, std::optional<int>{}).ok());
  ASSERT_TRUE(insert->run().ok());
  EXPECT_EQ(db.total_changes(), 2);

  auto select = db.prepare("SELECT i, r, s, n, o FROM t ORDER BY rowid");
  ASSERT_TRUE(select.ok());
  auto step = select->step();
  ASSERT_TRUE(step.ok());
  ASSERT_EQ(*step, Step::kRow);
  EXPECT_EQ(select->column_int64(0), int64_t{1} << 40);
  EXPECT_DOUBLE_EQ(select->column_double(1), 2.5);
  EXPECT_EQ(select->column_text(2), text);
  EXPECT_TRUE(select->column_is_null(3));
  EXPECT_EQ(select->column_optional_text(3), std::nullopt);
  EXPECT_EQ(select->column_optional_int64(4), 7);
  step = select->step();
  ASSERT_EQ(*step, Step::kRow);
  EXPECT_EQ(select->column_int(0), -3);
  EXPECT_EQ(select->column_optional_int64(4), std::nullopt);
  EXPECT_EQ(select->column_text(3), "");
  step = select->step();
  ASSERT_TRUE(step.ok());
  EXPECT_EQ(*step, Step::kDone);
}

TEST(Statement, PrepareErrorCarriesSqliteMessage) {
  Database db = open_memory();
  auto statement = db.prepare("SELEC 1");
  ASSERT_FALSE(statement.ok());
  EXPECT_EQ(statement.error().message, "near \"SELEC\": syntax error (database :memory:)");
}

TEST(Statement, RefusesTwoStatementsInOne) {
  Database db = open_memory();
  auto statement = db.prepare("SELECT 1; SELECT 2");
  ASSERT_FALSE(statement.ok());
  EXPECT_EQ(statement.error().message,
            "More than one SQL statement given to prepare (database :memory:).");
  EXPECT_TRUE(db.prepare("SELECT 1;  ").ok());
}

TEST(Statement, BindOutOfRangeIsAnError) {
  Database db = open_memory();
  auto statement = db.prepare("SELECT ?1");
  ASSERT_TRUE(statement.ok());
  auto status = statement->bind(2, 5);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().message, "column index out of range (database :memory:)");
}

TEST(Statement, StepErrorCarriesConstraintAndStatementIsReusable) {
  Database db = open_memory();
  ASSERT_TRUE(db.exec("CREATE TABLE t (x INTEGER UNIQUE)").ok());
  auto insert = db.prepare("INSERT INTO t VALUES (?1)");
  ASSERT_TRUE(insert.ok());
  ASSERT_TRUE(insert->bind(1, 1).ok());
  ASSERT_TRUE(insert->run().ok());
  auto failed = insert->run();
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().message, "UNIQUE constraint failed: t.x (database :memory:)");
  insert->reset();
  ASSERT_TRUE(insert->bind(1, 2).ok());
  EXPECT_TRUE(insert->run().ok());
  EXPECT_EQ(scalar_text(db, "SELECT group_concat(x) FROM t"), "1,2");
}

TEST(Statement, CachedIsPreparedOnceAndComesBackResetWithoutBindings) {
  Database db = open_memory();
  ASSERT_TRUE(db.exec("CREATE TABLE t (x INTEGER UNIQUE)").ok());
  constexpr const char* kInsert = "INSERT INTO t VALUES (?1)";
  auto first = db.cached(kInsert);
  ASSERT_TRUE(first.ok()) << first.error().message;
  ASSERT_TRUE((*first)->bind(1, 1).ok());
  ASSERT_TRUE((*first)->run().ok());
  ASSERT_FALSE((*first)->run().ok()) << "the same value again breaks UNIQUE";

  // The same SQL (another copy of the text) is the same statement, reset
  // after its error and with no value bound: x is NULL, which UNIQUE allows.
  auto again = db.cached(std::string(kInsert));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *first);
  ASSERT_TRUE((*again)->run().ok());
  EXPECT_EQ(scalar_text(db, "SELECT count(*) || ',' || count(x) FROM t"), "2,1");

  auto broken = db.cached("SELECT nope FROM t");
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.error().message, "no such column: nope (database :memory:)");
  EXPECT_TRUE(db.run_cached("BEGIN").ok());
  EXPECT_TRUE(db.in_transaction());
  EXPECT_TRUE(db.run_cached("COMMIT").ok());
  EXPECT_FALSE(db.in_transaction());
  Database moved = std::move(db);  // the cache goes along and is finalized by `moved`
  EXPECT_TRUE(moved.run_cached("BEGIN").ok());
  EXPECT_TRUE(moved.run_cached("ROLLBACK").ok());
}

TEST(Transaction, RollsBackInDestructorUnlessCommitted) {
  Database db = open_memory();
  ASSERT_TRUE(db.exec("CREATE TABLE t (x INTEGER)").ok());
  {
    auto transaction = Transaction::begin(db);
    ASSERT_TRUE(transaction.ok()) << transaction.error().message;
    EXPECT_TRUE(db.in_transaction());
    ASSERT_TRUE(db.exec("INSERT INTO t VALUES (1)").ok());
  }
  EXPECT_FALSE(db.in_transaction());
  EXPECT_EQ(scalar_text(db, "SELECT count(*) FROM t"), "0");
  {
    auto transaction = Transaction::begin(db);
    ASSERT_TRUE(transaction.ok());
    ASSERT_TRUE(db.exec("INSERT INTO t VALUES (2)").ok());
    ASSERT_TRUE(transaction->commit().ok());
    auto again = transaction->commit();
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().message, "The transaction was already finished.");
  }
  EXPECT_EQ(scalar_text(db, "SELECT group_concat(x) FROM t"), "2");
}

TEST(Transaction, SecondBeginOnOneConnectionFails) {
  Database db = open_memory();
  auto first = Transaction::begin(db);
  ASSERT_TRUE(first.ok());
  auto second = Transaction::begin(db);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().message,
            "Cannot start a transaction: cannot start a transaction within a transaction "
            "(database :memory:)");
  EXPECT_TRUE(db.in_transaction());  // the first one is untouched
}

TEST(Transaction, WriterWaitsThenReportsBusy) {
  TempDir dir;
  auto a = Database::open(dir.file("plazo.db"));
  auto b = Database::open(dir.file("plazo.db"));
  ASSERT_TRUE(a.ok() && b.ok());
  // Shorten b's wait so the test stays fast; the 5 s default is checked above.
  ASSERT_TRUE(b->exec("PRAGMA busy_timeout = 10").ok());
  auto held = Transaction::begin(*a);
  ASSERT_TRUE(held.ok());
  auto blocked = Transaction::begin(*b);
  ASSERT_FALSE(blocked.ok());
  EXPECT_EQ(blocked.error().message, "Cannot start a transaction: database is locked (database " +
                                         dir.file("plazo.db") + ")");
}

}  // namespace
}  // namespace plazo
