#include "storage/schema.h"

#include <gtest/gtest.h>

#include <set>

#include "storage/sqlite_store.h"
#include "support/temp_dir.h"

namespace plazo {
namespace {

using testing::TempDir;

std::set<std::string> table_names(Database& db) {
  auto statement = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'");
  EXPECT_TRUE(statement.ok());
  std::set<std::string> names;
  while (*statement->step() == Step::kRow) names.insert(statement->column_text(0));
  return names;
}

// Every table, index and trigger with its SQL: two databases with the same
// text have the same schema.
std::string schema_text(Database& db) {
  auto statement = db.prepare(
      "SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_master "
      "ORDER BY type, name");
  EXPECT_TRUE(statement.ok());
  std::string text;
  while (*statement->step() == Step::kRow) text += statement->column_text(0) + "\n";
  return text;
}

Database open_file(const std::string& path) {
  auto db = Database::open(path);
  EXPECT_TRUE(db.ok()) << db.error().message;
  return std::move(db).value();
}

Status run(Database& db, const char* sql, auto... values) {
  auto statement = db.prepare(sql);
  if (!statement) return statement.error();
  if (auto status = statement->bind_all(values...); !status) return status;
  return statement->run();
}

const std::set<std::string> kV1Tables = {"units", "plans", "activities", "activity_units",
                                         "progress"};
const std::set<std::string> kLatestTables = {"units",          "plans",           "activities",
                                             "activity_units", "progress",        "outbox",
                                             "delivery_log",   "scheduler_state", "open_deadlines"};

TEST(Schema, NewDatabaseGetsEveryTableAtTheLatestVersion) {
  auto db = Database::open(":memory:");
  ASSERT_TRUE(db.ok());
  EXPECT_EQ(*schema_version(*db), 0);
  ASSERT_TRUE(migrate(*db).ok());
  EXPECT_EQ(latest_schema_version(), 5);
  EXPECT_EQ(*schema_version(*db), 5);
  EXPECT_EQ(table_names(*db), kLatestTables);
  EXPECT_FALSE(db->in_transaction());
}

TEST(Schema, MigratingAnUpToDateDatabaseWritesNothing) {
  auto db = Database::open(":memory:");
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(migrate(*db).ok());
  const int64_t changes = db->total_changes();
  const std::string before = schema_text(*db);
  ASSERT_TRUE(migrate(*db).ok());
  EXPECT_EQ(db->total_changes(), changes);
  EXPECT_EQ(schema_text(*db), before);
}

TEST(Schema, VersionOneHasOnlyThePlanTables) {
  auto db = Database::open(":memory:");
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(migrate(*db, 1).ok());
  EXPECT_EQ(*schema_version(*db), 1);
  EXPECT_EQ(table_names(*db), kV1Tables);
}

TEST(Schema, VersionOneDataSurvivesTheMigrationToTheLatest) {
  TempDir dir;
  const std::string path = dir.file("plazo.db");
  {
    Database db = open_file(path);
    ASSERT_TRUE(migrate(db, 1).ok());
    ASSERT_TRUE(run(db,
                    "INSERT INTO units (id, name, aliases, emails, webhooks, oversight) "
                    "VALUES (?1, ?2, ?3, ?4, '[]', 0)",
                    "planeacion", "Departamento Administrativo de Planeación",
                    "[\"Departamento Administrativo de planeación\"]",
                    "[\"planeacion@example.org\"]")
                    .ok());
    ASSERT_TRUE(
        run(db, "INSERT INTO plans (id, name, year) VALUES (1, ?1, ?2)", "PAAC", 2023).ok());
    ASSERT_TRUE(run(db,
                    "INSERT INTO activities (id, plan_id, number, sort_key, title, periods, "
                    "deadline, progress_percent, progress_as_of, progress_note, done) "
                    "VALUES (10, 1, ?1, ?2, ?3, '[1,2,3]', ?4, 66, ?5, ?6, 0)",
                    "1.5", activity_sort_key("1.5"), "Realizar acompañamiento a los líderes SIGI",
                    "2023-12-29", "2023-08-31", "26 asesorías")
                    .ok());
    ASSERT_TRUE(run(db,
                    "INSERT INTO activity_units (activity_id, unit_id, role, position) "
                    "VALUES (10, ?1, 'responsible', 0)",
                    "planeacion")
                    .ok());
    ASSERT_TRUE(run(db,
                    "INSERT INTO progress (activity_id, as_of, percent, note, recorded_at) "
                    "VALUES (10, ?1, 66, ?2, 0)",
                    "2023-08-31", "26 asesorías")
                    .ok());
  }

  auto store = SqliteStore::open(path);
  ASSERT_TRUE(store.ok()) << store.error().message;
  EXPECT_EQ(*schema_version((*store)->database()), latest_schema_version());
  EXPECT_EQ(table_names((*store)->database()), kLatestTables);

  auto units = (*store)->units();
  ASSERT_TRUE(units.ok());
  ASSERT_EQ(units->size(), 1u);
  EXPECT_EQ((*units)[0].name, "Departamento Administrativo de Planeación");
  EXPECT_EQ((*units)[0].aliases,
            std::vector<std::string>{"Departamento Administrativo de planeación"});
  EXPECT_EQ((*units)[0].emails, std::vector<std::string>{"planeacion@example.org"});

  auto activities = (*store)->activities({});
  ASSERT_TRUE(activities.ok()) << activities.error().message;
  ASSERT_EQ(activities->size(), 1u);
  const Activity& a = (*activities)[0];
  EXPECT_EQ(a.plan, "PAAC");
  EXPECT_EQ(a.year, 2023);
  EXPECT_EQ(a.number, "1.5");
  EXPECT_EQ(a.title, "Realizar acompañamiento a los líderes SIGI");
  EXPECT_EQ(a.periods, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(a.deadline, parse_iso_date("2023-12-29"));
  EXPECT_EQ(a.responsible, std::vector<std::string>{"planeacion"});
  ASSERT_TRUE(a.progress.has_value());
  EXPECT_EQ(a.progress->percent, 66);
  EXPECT_EQ(a.progress->note, "26 asesorías");

  // Step 3 summarised the open deadline that was already there.
  auto deadlines = (*store)->open_deadlines();
  ASSERT_TRUE(deadlines.ok()) << deadlines.error().message;
  ASSERT_EQ(deadlines->size(), 1u);
  EXPECT_EQ((*deadlines)[0].deadline, parse_iso_date("2023-12-29"));
  EXPECT_EQ((*deadlines)[0].count, 1);

  // The v2 tables work on the migrated file.
  Message message;
  message.unit_id = "planeacion";
  message.day = *parse_iso_date("2023-12-14");
  message.key = "k1";
  auto added = (*store)->enqueue({message}, std::nullopt);
  ASSERT_TRUE(added.ok()) << added.error().message;
  EXPECT_EQ(*added, 1);

  // Step 4 kept the progress entry (and its id) when it rebuilt the table:
  // recording it again changes nothing, a new one becomes the latest.
  ASSERT_TRUE((*store)
                  ->record_progress("1.5",
                                    Progress{*parse_iso_date("2023-08-31"), 66, "26 asesorías"},
                                    std::nullopt, std::nullopt)
                  .ok());
  ASSERT_TRUE((*store)
                  ->record_progress("1.5", Progress{*parse_iso_date("2023-12-29"), 100, "Hecho"},
                                    std::nullopt, std::nullopt)
                  .ok());
  {
    auto ids = (*store)->database().prepare("SELECT group_concat(id) FROM progress");
    ASSERT_TRUE(ids.ok());
    ASSERT_EQ(*ids->step(), Step::kRow);
    EXPECT_EQ(ids->column_text(0), "1,2");
  }
}

std::string scalar(Database& db, const char* sql) {
  auto statement = db.prepare(sql);
  EXPECT_TRUE(statement.ok()) << statement.error().message;
  EXPECT_EQ(*statement->step(), Step::kRow) << sql;
  return statement->column_text(0);
}

TEST(Schema, VersionFourOutboxAndLogSurviveTheRebuildOfTheirChecks) {
  TempDir dir;
  const std::string path = dir.file("plazo.db");
  {
    Database db = open_file(path);
    ASSERT_TRUE(migrate(db, 4).ok());
    ASSERT_TRUE(
        run(db, "INSERT INTO units (id, name) VALUES ('general', 'Secretaría General')").ok());
    ASSERT_TRUE(run(db,
                    "INSERT INTO outbox (id, key, unit_id, channel, day, due_at, payload, status, "
                    "attempts, next_attempt_at, lease_until, destination, last_error, created_at, "
                    "updated_at) VALUES (7, 'k7', 'general', 'webhook', '2023-11-30', 100, '{}', "
                    "'retry', 2, 200, NULL, 'http://127.0.0.1:9', 'HTTP 503', 50, 60)")
                    .ok());
    ASSERT_TRUE(run(db,
                    "INSERT INTO delivery_log (id, outbox_id, at, channel, recipient, result, "
                    "status_code, error, duration_ms) VALUES (3, 7, 60, 'webhook', 'hook', "
                    "'retry', 503, 'HTTP 503', 12)")
                    .ok());
  }
  auto store = SqliteStore::open(path);
  ASSERT_TRUE(store.ok()) << store.error().message;
  Database& db = (*store)->database();
  EXPECT_EQ(*schema_version(db), 5);
  EXPECT_EQ(scalar(db,
                   "SELECT id || ' ' || key || ' ' || status || ' ' || attempts || ' ' || "
                   "next_attempt_at || ' ' || destination || ' ' || last_error || ' ' || "
                   "updated_at FROM outbox"),
            "7 k7 retry 2 200 http://127.0.0.1:9 HTTP 503 60");
  EXPECT_EQ(scalar(db,
                   "SELECT id || ' ' || outbox_id || ' ' || result || ' ' || status_code || ' ' || "
                   "duration_ms FROM delivery_log"),
            "3 7 retry 503 12");
  EXPECT_EQ(scalar(db, "SELECT count(*) FROM pragma_foreign_key_check"), "0");
  EXPECT_NE(scalar(db, "SELECT sql FROM sqlite_master WHERE name = 'delivery_log'")
                .find("REFERENCES outbox(id) ON DELETE CASCADE"),
            std::string::npos);
  EXPECT_EQ(scalar(db, "SELECT sql FROM sqlite_master WHERE name = 'outbox'").find(" IN ("),
            std::string::npos);
  // The checks still refuse what they refused.
  auto bad = run(db, "UPDATE outbox SET status = 'lost' WHERE id = 7");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("CHECK constraint failed"), std::string::npos);
  EXPECT_FALSE(run(db, "UPDATE outbox SET channel = 'fax' WHERE id = 7").ok());
  // And the log still goes with its message.
  ASSERT_TRUE(run(db, "DELETE FROM outbox WHERE id = 7").ok());
  EXPECT_EQ(scalar(db, "SELECT count(*) FROM delivery_log"), "0");
}

TEST(Schema, EveryEarlierVersionMigratesToTheSameSchemaAsANewDatabase) {
  auto fresh = Database::open(":memory:");
  ASSERT_TRUE(fresh.ok());
  ASSERT_TRUE(migrate(*fresh).ok());
  const std::string expected = schema_text(*fresh);
  for (int version = 0; version < latest_schema_version(); ++version) {
    SCOPED_TRACE("from version " + std::to_string(version));
    TempDir dir;
    const std::string path = dir.file("plazo.db");
    {
      Database db = open_file(path);
      ASSERT_TRUE(migrate(db, version).ok());
      EXPECT_EQ(*schema_version(db), version);
    }
    auto store = SqliteStore::open(path);
    ASSERT_TRUE(store.ok()) << store.error().message;
    EXPECT_EQ(*schema_version((*store)->database()), latest_schema_version());
    EXPECT_EQ(schema_text((*store)->database()), expected);
  }
}

TEST(Schema, DatabaseFromANewerPlazoIsRefusedAndLeftAlone) {
  TempDir dir;
  const std::string path = dir.file("plazo.db");
  {
    Database db = open_file(path);
    ASSERT_TRUE(migrate(db).ok());
    ASSERT_TRUE(db.exec("PRAGMA user_version = 6").ok());
  }
  auto store = SqliteStore::open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().message,
            "The database " + path +
                " was written by a newer version of plazo (schema version 6; this plazo knows "
                "up to 5): upgrade plazo or use another database.");
  Database db = open_file(path);
  EXPECT_EQ(*schema_version(db), 6);
}

TEST(Schema, NoDowngrades) {
  auto db = Database::open(":memory:");
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(migrate(*db).ok());
  auto status = migrate(*db, 1);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().message,
            "The database :memory: is at schema version 5, above the requested 1; migrations "
            "only go forward.");
  EXPECT_FALSE(db->in_transaction());
  EXPECT_EQ(*schema_version(*db), 5);
}

TEST(Schema, FailedStepLeavesTheDatabaseAtItsVersion) {
  TempDir dir;
  const std::string path = dir.file("plazo.db");
  {
    Database db = open_file(path);
    ASSERT_TRUE(migrate(db, 1).ok());
    // A table that step 2 wants to create: the step fails half-way.
    ASSERT_TRUE(db.exec("CREATE TABLE delivery_log (x INTEGER)").ok());
  }
  auto store = SqliteStore::open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().message, "Cannot migrate the database " + path +
                                       " to schema version 2: table delivery_log already exists "
                                       "(database " +
                                       path + ")");
  Database db = open_file(path);
  EXPECT_EQ(*schema_version(db), 1);
  // outbox, created before the failure inside the same step, was rolled back.
  const std::set<std::string> tables = table_names(db);
  EXPECT_EQ(tables.count("outbox"), 0u);
  EXPECT_EQ(tables.count("delivery_log"), 1u);
}

}  // namespace
}  // namespace plazo
