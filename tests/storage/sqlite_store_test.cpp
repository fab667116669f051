#include "storage/sqlite_store.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "storage/message_json.h"
#include "storage/queries.h"
#include "support/fake_clock.h"
#include "support/temp_dir.h"

namespace plazo {
namespace {

using testing::FakeClock;
using testing::TempDir;

Date day(const char* text) {
  return *parse_iso_date(text);
}
Instant at(const char* date_text, int hour) {
  return Instant{day(date_text).time_since_epoch()} + std::chrono::hours{hour};
}

std::vector<Unit> config_units() {
  return {
      {"evaluacion", "Secretaría de Evaluación y Control", {}, {"control@example.org"}, {}, true},
      {"general",
       "Secretaría General",
       {"Secretaria General"},
       {"general@example.org"},
       {"general-teams"},
       false},
      {"planeacion",
       "Departamento Administrativo de Planeación",
       {"Departamento Administrativo de planeación"},
       {"planeacion@example.org"},
       {},
       false},
      {"tic", "Dirección de las TIC", {}, {"tic@example.org"}, {}, false},
  };
}

ImportedActivity imported(const std::string& number, std::optional<Date> deadline,
                          std::vector<std::string> responsible,
                          std::vector<std::string> co_responsible = {},
                          std::vector<Progress> history = {}) {
  ImportedActivity a;
  a.activity.number = number;
  a.activity.component = "1: Gestión del Riesgo de Corrupción";
  a.activity.subcomponent = "Consulta y divulgación";
  a.activity.title = "Actividad " + number;
  a.activity.deliverable = "Entregable " + number;
  a.activity.indicator = "Indicador " + number;
  a.activity.goal = "Meta " + number;
  a.activity.responsible = std::move(responsible);
  a.activity.co_responsible = std::move(co_responsible);
  a.activity.periods = {1, 2, 3};
  a.activity.deadline = deadline;
  a.history = std::move(history);
  if (!a.history.empty()) a.activity.progress = a.history.back();
  a.responsible_text = "cell " + number;
  a.source_line = 10;
  return a;
}

std::vector<std::string> numbers_of(const std::vector<Activity>& activities) {
  std::vector<std::string> numbers;
  for (const auto& a : activities)
    numbers.push_back(a.plan + " " + std::to_string(a.year) + " " + a.number);
  return numbers;
}

// The plan the tests import: 1.1 done, 1.2 and 2.1 open, 3.1 without deadline.
std::vector<ImportedActivity> paac_2023() {
  return {
      imported("1.1", day("2023-01-20"), {"planeacion"}, {},
               {{day("2023-04-30"), 100, "Cumplida"}}),
      imported("1.2", day("2023-12-29"), {"planeacion"}, {"tic"},
               {{day("2023-04-30"), 33, "Primer avance"}, {day("2023-08-31"), 66, "Segundo"}}),
      imported("2.1", day("2023-11-30"), {"general"}),
      imported("3.1", std::nullopt, {"tic", "general"}),
  };
}

enum class Backing { kMemory, kFile };

class StoreTest : public ::testing::TestWithParam<Backing> {
 protected:
  void SetUp() override {
    path_ = GetParam() == Backing::kMemory ? ":memory:" : dir_.file("plazo.db");
    auto opened = SqliteStore::open(path_, clock_);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    store_ = std::move(opened).value();
    ASSERT_TRUE(store_->sync_units(config_units()).ok());
  }

  ImportSummary import(const std::vector<ImportedActivity>& activities, bool dry_run = false,
                       const std::string& plan = "PAAC", int year = 2023) {
    auto summary = store_->apply_import(plan, year, activities, dry_run);
    EXPECT_TRUE(summary.ok()) << summary.error().message;
    return summary.ok() ? *summary : ImportSummary{};
  }

  std::vector<Activity> all() {
    auto activities = store_->activities({});
    EXPECT_TRUE(activities.ok()) << activities.error().message;
    return activities.ok() ? *activities : std::vector<Activity>{};
  }

  int64_t count(const char* table) {
    auto statement = store_->database().prepare(std::string("SELECT count(*) FROM ") + table);
    EXPECT_TRUE(statement.ok());
    EXPECT_EQ(*statement->step(), Step::kRow);
    return statement->column_int64(0);
  }

  std::string query_plan(const char* sql) {
    auto statement = store_->database().prepare(std::string("EXPLAIN QUERY PLAN ") + sql);
    EXPECT_TRUE(statement.ok()) << statement.error().message;
    std::string plan;
    while (*statement->step() == Step::kRow) plan += statement->column_text(3) + "\n";
    return plan;
  }

  TempDir dir_;
  FakeClock clock_{at("2023-09-01", 13)};
  std::string path_;
  std::unique_ptr<SqliteStore> store_;
};

INSTANTIATE_TEST_SUITE_P(Backings, StoreTest, ::testing::Values(Backing::kMemory, Backing::kFile),
                         [](const ::testing::TestParamInfo<Backing>& param_info) {
                           return param_info.param == Backing::kMemory ? "Memory" : "File";
                         });

// -- Units ---------------------------------------------------------------------

TEST_P(StoreTest, SyncUnitsStoresEveryField) {
  auto units = store_->units();
  ASSERT_TRUE(units.ok()) << units.error().message;
  ASSERT_EQ(units->size(), 4u);
  const Unit& general = (*units)[1];
  EXPECT_EQ(general.id, "general");
  EXPECT_EQ(general.name, "Secretaría General");
  EXPECT_EQ(general.aliases, std::vector<std::string>{"Secretaria General"});
  EXPECT_EQ(general.emails, std::vector<std::string>{"general@example.org"});
  EXPECT_EQ(general.webhooks, std::vector<std::string>{"general-teams"});
  EXPECT_FALSE(general.oversight);
  EXPECT_TRUE((*units)[0].oversight);
  EXPECT_EQ((*units)[0].id, "evaluacion");
}

TEST_P(StoreTest, SyncUnitsIsIdempotentUpdatesAndDeactivates) {
  const int64_t before = store_->database().total_changes();
  ASSERT_TRUE(store_->sync_units(config_units()).ok());
  EXPECT_EQ(store_->database().total_changes(), before) << "identical units were rewritten";

  auto changed = config_units();
  changed.erase(changed.begin() + 3);  // tic leaves the config
  changed[1].name = "Secretaría General y de Gobierno";
  ASSERT_TRUE(store_->sync_units(changed).ok());
  EXPECT_EQ(store_->database().total_changes(), before + 2);  // one rename, one retirement
  auto units = store_->units();
  ASSERT_TRUE(units.ok());
  ASSERT_EQ(units->size(), 4u) << "a retired unit is kept";
  EXPECT_EQ((*units)[1].name, "Secretaría General y de Gobierno");
  auto active = store_->database().prepare("SELECT id FROM units WHERE active = 0");
  ASSERT_TRUE(active.ok());
  ASSERT_EQ(*active->step(), Step::kRow);
  EXPECT_EQ(active->column_text(0), "tic");
  EXPECT_EQ(*active->step(), Step::kDone);

  ASSERT_TRUE(store_->sync_units(config_units()).ok());
  EXPECT_EQ(count("units WHERE active = 1"), 4);
}

TEST_P(StoreTest, SyncUnitsRefusesAnEmptyId) {
  auto units = config_units();
  units[2].id = "";
  auto status = store_->sync_units(units);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().message, "A unit has an empty id.");
}

// -- Import --------------------------------------------------------------------

TEST_P(StoreTest, ImportAddsActivitiesWithEveryField) {
  const ImportSummary summary = import(paac_2023());
  EXPECT_EQ(summary.added, 4);
  EXPECT_EQ(summary.updated, 0);
  EXPECT_EQ(summary.unchanged, 0);
  EXPECT_EQ(summary.progress_added, 3);
  EXPECT_TRUE(summary.changed());

  const auto activities = all();
  ASSERT_EQ(activities.size(), 4u);
  const Activity& a = activities[1];
  EXPECT_EQ(a.plan, "PAAC");
  EXPECT_EQ(a.year, 2023);
  EXPECT_EQ(a.number, "1.2");
  EXPECT_EQ(a.component, "1: Gestión del Riesgo de Corrupción");
  EXPECT_EQ(a.subcomponent, "Consulta y divulgación");
  EXPECT_EQ(a.title, "Actividad 1.2");
  EXPECT_EQ(a.deliverable, "Entregable 1.2");
  EXPECT_EQ(a.indicator, "Indicador 1.2");
  EXPECT_EQ(a.goal, "Meta 1.2");
  EXPECT_EQ(a.responsible, std::vector<std::string>{"planeacion"});
  EXPECT_EQ(a.co_responsible, std::vector<std::string>{"tic"});
  EXPECT_EQ(a.periods, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(a.deadline, day("2023-12-29"));
  ASSERT_TRUE(a.progress.has_value());
  EXPECT_EQ(a.progress->as_of, day("2023-08-31"));
  EXPECT_EQ(a.progress->percent, 66);
  EXPECT_EQ(a.progress->note, "Segundo");
  EXPECT_FALSE(a.done());

  EXPECT_TRUE(activities[0].done());
  EXPECT_EQ(activities[2].progress, std::nullopt);
  EXPECT_EQ(activities[3].deadline, std::nullopt);
  EXPECT_EQ(activities[3].responsible, (std::vector<std::string>{"tic", "general"}))
      << "unit order is kept";
  EXPECT_EQ(count("progress"), 3);
}

TEST_P(StoreTest, ReimportingTheSameActivitiesWritesNothing) {
  import(paac_2023());
  const int64_t before = store_->database().total_changes();
  const ImportSummary summary = import(paac_2023());
  EXPECT_EQ(summary.added, 0);
  EXPECT_EQ(summary.updated, 0);
  EXPECT_EQ(summary.unchanged, 4);
  EXPECT_EQ(summary.progress_added, 0);
  EXPECT_FALSE(summary.changed());
  EXPECT_EQ(store_->database().total_changes(), before);
}

TEST_P(StoreTest, AChangedFieldUpdatesExactlyThatActivity) {
  import(paac_2023());
  auto next = paac_2023();
  next[2].activity.deadline = day("2023-12-15");
  const int64_t before = store_->database().total_changes();
  const ImportSummary summary = import(next);
  EXPECT_EQ(summary.added, 0);
  EXPECT_EQ(summary.updated, 1);
  EXPECT_EQ(summary.unchanged, 3);
  EXPECT_EQ(summary.progress_added, 0);
  // The activity's row, plus the open-deadline summary the triggers keep:
  // 2023-11-30 counted down and removed (2.1 had it alone), 2023-12-15 added.
  EXPECT_EQ(store_->database().total_changes(), before + 1 + 3);
  EXPECT_EQ(all()[2].deadline, day("2023-12-15"));

  // Each field counts, including the cells as written.
  for (int field = 0; field < 9; ++field) {
    SCOPED_TRACE("field " + std::to_string(field));
    auto changed = next;
    Activity& a = changed[0].activity;
    switch (field) {
      case 0:
        a.component += "!";
        break;
      case 1:
        a.subcomponent += "!";
        break;
      case 2:
        a.title += "!";
        break;
      case 3:
        a.deliverable += "!";
        break;
      case 4:
        a.indicator += "!";
        break;
      case 5:
        a.goal += "!";
        break;
      case 6:
        a.periods = {1};
        break;
      case 7:
        changed[0].responsible_text += "!";
        break;
      case 8:
        changed[0].co_responsible_text = "No aplica";
        break;
    }
    const ImportSummary s = import(changed);
    EXPECT_EQ(s.updated, 1);
    EXPECT_EQ(s.unchanged, 3);
    import(next);  // back again
  }
}

TEST_P(StoreTest, ChangedUnitsReplaceTheRoles) {
  import(paac_2023());
  auto next = paac_2023();
  next[1].activity.responsible = {"general"};
  next[1].activity.co_responsible = {"planeacion", "tic"};
  const ImportSummary summary = import(next);
  EXPECT_EQ(summary.updated, 1);
  EXPECT_EQ(summary.unchanged, 3);
  const Activity a = all()[1];
  EXPECT_EQ(a.responsible, std::vector<std::string>{"general"});
  EXPECT_EQ(a.co_responsible, (std::vector<std::string>{"planeacion", "tic"}));
  EXPECT_EQ(count("activity_units"), 1 + 1 + 2 + 1 + 2);
}

TEST_P(StoreTest, AMovedSourceLineIsKeptButIsNotAnUpdate) {
  import(paac_2023());
  auto next = paac_2023();
  for (auto& a : next) a.source_line = 42;
  const ImportSummary summary = import(next);
  EXPECT_EQ(summary.updated, 0);
  EXPECT_EQ(summary.unchanged, 4);
  EXPECT_EQ(count("activities WHERE source_line = 42"), 4);
}

TEST_P(StoreTest, NewProgressIsAppendedOnceAndBecomesTheLatest) {
  import(paac_2023());
  auto next = paac_2023();
  next[1].history.push_back({day("2023-12-29"), 100, "Cumplida"});
  ImportSummary summary = import(next);
  EXPECT_EQ(summary.progress_added, 1);
  EXPECT_EQ(summary.unchanged, 4);
  EXPECT_TRUE(summary.changed());
  summary = import(next);
  EXPECT_EQ(summary.progress_added, 0);
  EXPECT_EQ(count("progress"), 4);
  const Activity a = all()[1];
  ASSERT_TRUE(a.progress.has_value());
  EXPECT_EQ(a.progress->percent, 100);
  EXPECT_EQ(a.progress->as_of, day("2023-12-29"));
  EXPECT_TRUE(a.done());
}

TEST_P(StoreTest, ProgressWithoutHistoryIsTakenFromTheActivity) {
  auto activities = paac_2023();
  activities[2].activity.progress = Progress{day("2023-08-31"), 50, "Mitad"};
  EXPECT_EQ(import(activities).progress_added, 4);
  EXPECT_EQ(all()[2].progress->percent, 50);
}

TEST_P(StoreTest, SameDateEntriesKeepTheLaterOneAsLatest) {
  auto activities = paac_2023();
  activities[2].history = {{day("2023-08-31"), 40, "primera"},
                           {day("2023-08-31"), 30, "corrección"}};
  import(activities);
  const Activity a = all()[2];
  EXPECT_EQ(a.progress->percent, 30);
  EXPECT_EQ(a.progress->note, "corrección");
}

TEST_P(StoreTest, DryRunReportsButWritesNothing) {
  ImportSummary summary = import(paac_2023(), /*dry_run=*/true);
  EXPECT_EQ(summary.added, 4);
  EXPECT_EQ(summary.progress_added, 3);
  EXPECT_TRUE(all().empty());
  EXPECT_EQ(count("plans"), 0);
  EXPECT_EQ(count("progress"), 0);

  import(paac_2023());
  auto next = paac_2023();
  next[0].activity.title = "Nuevo título";
  next[2].history.push_back({day("2023-08-31"), 20, ""});
  summary = import(next, /*dry_run=*/true);
  EXPECT_EQ(summary.updated, 1);
  EXPECT_EQ(summary.unchanged, 3);
  EXPECT_EQ(summary.progress_added, 1);
  EXPECT_EQ(all()[0].title, "Actividad 1.1");
  EXPECT_EQ(all()[2].progress, std::nullopt);
  EXPECT_EQ(count("progress"), 3);
  EXPECT_FALSE(store_->database().in_transaction());
}

TEST_P(StoreTest, UnknownUnitsAreNamedAndNothingIsWritten) {
  auto activities = paac_2023();
  activities[1].activity.co_responsible = {"juridica"};
  activities[1].source_line = 12;
  activities[3].activity.responsible = {"hacienda", "juridica"};
  activities[3].source_line = 30;
  auto summary = store_->apply_import("PAAC", 2023, activities, false);
  ASSERT_FALSE(summary.ok());
  EXPECT_EQ(summary.error().message,
            "Cannot import plan PAAC 2023: these units are not in the configuration: "
            "\"juridica\" (activity 1.2, line 12), \"hacienda\" (activity 3.1, line 30).");
  EXPECT_EQ(count("plans"), 0);
  EXPECT_FALSE(store_->database().in_transaction());
}

TEST_P(StoreTest, InvalidImportsAreRefusedBeforeWriting) {
  auto twice = paac_2023();
  twice[3].activity.number = "1.2";
  twice[3].source_line = 31;
  auto result = store_->apply_import("PAAC", 2023, twice, false);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message, "Activity 1.2 appears twice in the import (lines 10 and 31).");

  auto over = paac_2023();
  over[2].history = {{day("2023-08-31"), 120, ""}};
  result = store_->apply_import("PAAC", 2023, over, false);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message,
            "Activity 2.1 (line 10) has a progress of 120 %, outside 0..100.");

  auto unnumbered = paac_2023();
  unnumbered[0].activity.number = "";
  unnumbered[0].source_line = 7;
  result = store_->apply_import("PAAC", 2023, unnumbered, false);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message, "The activity at line 7 has no number.");

  result = store_->apply_import("", 2023, paac_2023(), false);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message, "The plan name is empty.");
  EXPECT_EQ(count("activities"), 0);
}

TEST_P(StoreTest, AFailureMidImportRollsBackEverything) {
  import(paac_2023());
  // Fault injection: the third activity's insert fails after two others were
  // written in the same transaction.
  ASSERT_TRUE(
      store_->database()
          .exec("CREATE TRIGGER fail_on_4_1 BEFORE INSERT ON activities "
                "WHEN NEW.number = '4.1' BEGIN SELECT RAISE(ABORT, 'injected failure'); END")
          .ok());
  auto next = paac_2023();
  next[0].activity.title = "Cambiado";
  next[1].history.push_back({day("2023-12-29"), 100, ""});
  next.push_back(imported("4.0", day("2023-06-30"), {"general"}));
  next.push_back(imported("4.1", day("2023-06-30"), {"general"}));
  next.back().source_line = 77;
  const int64_t progress_before = count("progress");
  auto result = store_->apply_import("PAAC", 2023, next, false);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message,
            "Cannot import plan PAAC 2023 (activity 4.1, line 77): injected failure (database " +
                std::string(GetParam() == Backing::kMemory ? ":memory:" : path_) + ")");
  EXPECT_FALSE(store_->database().in_transaction());
  const auto activities = all();
  ASSERT_EQ(activities.size(), 4u);
  EXPECT_EQ(activities[0].title, "Actividad 1.1");
  EXPECT_FALSE(activities[1].done());
  EXPECT_EQ(count("progress"), progress_before);

  // The store is usable afterwards.
  ASSERT_TRUE(store_->database().exec("DROP TRIGGER fail_on_4_1").ok());
  const ImportSummary summary = import(next);
  EXPECT_EQ(summary.added, 2);
  EXPECT_EQ(summary.updated, 1);
}

// 150 activities: two full multi-row statements and a remainder written
// row by row, for each of activities, roles and progress.
std::vector<ImportedActivity> many_activities(int n) {
  std::vector<ImportedActivity> activities;
  for (int i = 1; i <= n; ++i) {
    const std::string number = "5." + std::to_string(i);
    std::vector<std::string> co;
    if (i % 3 == 0) co = {"tic", "general"};
    std::vector<Progress> history = {{day("2023-04-30"), i % 101, "Avance " + number}};
    if (i % 2 == 0) history.push_back({day("2023-08-31"), 100, ""});
    activities.push_back(imported(number, day("2023-06-30"), {"planeacion"}, co, history));
    activities.back().source_line = 10 + i;
  }
  return activities;
}

TEST_P(StoreTest, AnImportLargerThanABatchWritesEveryRowInOrder) {
  const auto activities = many_activities(150);
  const ImportSummary summary = import(activities);
  EXPECT_EQ(summary.added, 150);
  EXPECT_EQ(summary.progress_added, 150 + 75);
  const auto stored = all();
  ASSERT_EQ(stored.size(), 150u);
  for (int i = 1; i <= 150; ++i) {
    SCOPED_TRACE("activity 5." + std::to_string(i));
    const Activity& a = stored[static_cast<size_t>(i - 1)];
    EXPECT_EQ(a.number, "5." + std::to_string(i));
    EXPECT_EQ(a.responsible, std::vector<std::string>{"planeacion"});
    EXPECT_EQ(a.co_responsible, i % 3 == 0 ? (std::vector<std::string>{"tic", "general"})
                                           : std::vector<std::string>{});
    ASSERT_TRUE(a.progress.has_value());
    EXPECT_EQ(a.progress->percent, i % 2 == 0 ? 100 : i % 101);
    EXPECT_EQ(a.done(), i % 2 == 0 || i % 101 == 100);
  }
  EXPECT_EQ(count("activity_units"), 150 + 2 * 50);
  EXPECT_EQ(count("progress"), 225);
  {
    auto check = store_->database().prepare("PRAGMA integrity_check");
    ASSERT_TRUE(check.ok());
    ASSERT_EQ(*check->step(), Step::kRow);
    EXPECT_EQ(check->column_text(0), "ok");
  }
  // The open-deadline summary the triggers keep counted the batched rows.
  auto deadlines = store_->open_deadlines();
  ASSERT_TRUE(deadlines.ok()) << deadlines.error().message;
  ASSERT_EQ(deadlines->size(), 1u);
  EXPECT_EQ((*deadlines)[0].count, 75);  // the odd numbers: none of them reached 100 %

  // Again: nothing changes; one new cut on each is one entry each.
  EXPECT_FALSE(import(activities).changed());
  auto next = activities;
  for (auto& a : next) a.history.push_back({day("2023-12-31"), 100, "Cerrada"});
  const ImportSummary again = import(next);
  EXPECT_EQ(again.unchanged, 150);
  EXPECT_EQ(again.progress_added, 150);
  const auto closed = all();
  EXPECT_TRUE(
      std::all_of(closed.begin(), closed.end(), [](const Activity& a) { return a.done(); }));
  ASSERT_TRUE(store_->open_deadlines().ok());
  EXPECT_TRUE(store_->open_deadlines()->empty());
}

TEST_P(StoreTest, AFailureInsideABatchNamesTheActivitiesOfThatStatement) {
  ASSERT_TRUE(
      store_->database()
          .exec("CREATE TRIGGER fail_on_5_30 BEFORE INSERT ON activities "
                "WHEN NEW.number = '5.30' BEGIN SELECT RAISE(ABORT, 'injected failure'); END")
          .ok());
  auto result = store_->apply_import("PAAC", 2023, many_activities(150), false);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message,
            "Cannot import plan PAAC 2023 (one of activities 5.1 to 5.64, lines 11 to 74): "
            "injected failure (database " +
                std::string(GetParam() == Backing::kMemory ? ":memory:" : path_) + ")");
  EXPECT_FALSE(store_->database().in_transaction());
  EXPECT_EQ(count("activities"), 0);
  EXPECT_EQ(count("plans"), 0);
}

TEST_P(StoreTest, AnImportDroppedBeforeFinishWritesNothing) {
  {
    auto plan_import = store_->begin_import("PAAC", 2023, /*dry_run=*/false);
    ASSERT_TRUE(plan_import.ok()) << plan_import.error().message;
    for (const auto& a : many_activities(100)) ASSERT_TRUE((*plan_import)->add(a).ok());
  }
  EXPECT_FALSE(store_->database().in_transaction());
  EXPECT_EQ(count("activities"), 0);
  EXPECT_EQ(count("progress"), 0);
  EXPECT_EQ(count("activity_units"), 0);
  // Finishing twice is refused; the first result stands.
  auto plan_import = store_->begin_import("PAAC", 2023, false);
  ASSERT_TRUE(plan_import.ok());
  ASSERT_TRUE((*plan_import)->add(many_activities(1).front()).ok());
  ASSERT_TRUE((*plan_import)->finish().ok());
  EXPECT_FALSE((*plan_import)->finish().ok());
  EXPECT_EQ(count("activities"), 1);
}

TEST_P(StoreTest, PlansAndYearsAreSeparate) {
  import(paac_2023());
  const ImportSummary summary = import(paac_2023(), false, "PAAC", 2024);
  EXPECT_EQ(summary.added, 4);
  import({imported("1.1", day("2023-03-31"), {"tic"})}, false, "Plan de Acción", 2023);
  EXPECT_EQ(numbers_of(all()),
            (std::vector<std::string>{
                "PAAC 2023 1.1", "PAAC 2023 1.2", "PAAC 2023 2.1", "PAAC 2023 3.1", "PAAC 2024 1.1",
                "PAAC 2024 1.2", "PAAC 2024 2.1", "PAAC 2024 3.1", "Plan de Acción 2023 1.1"}));
}

// -- Reading -------------------------------------------------------------------

TEST(ActivitySortKey, OrdersNumbersNaturally) {
  const std::vector<std::string> sorted = {"1",   "1.1",   "1.2", "1.9",  "1.10",  "1.10.2",
                                           "2.1", "2.01a", "9.9", "10.1", "10.10", "100"};
  for (size_t i = 0; i + 1 < sorted.size(); ++i) {
    EXPECT_LT(activity_sort_key(sorted[i]), activity_sort_key(sorted[i + 1]))
        << sorted[i] << " vs " << sorted[i + 1];
  }
  EXPECT_EQ(activity_sort_key("01.002"), activity_sort_key("1.2"));
}

TEST_P(StoreTest, ActivitiesAreInNaturalOrder) {
  import({imported("2.1", day("2023-06-30"), {"general"}),
          imported("1.10", day("2023-06-30"), {"general"}),
          imported("10.1", day("2023-06-30"), {"general"}),
          imported("1.2", day("2023-06-30"), {"general"}),
          imported("1.1", day("2023-06-30"), {"general"})});
  EXPECT_EQ(numbers_of(all()),
            (std::vector<std::string>{"PAAC 2023 1.1", "PAAC 2023 1.2", "PAAC 2023 1.10",
                                      "PAAC 2023 2.1", "PAAC 2023 10.1"}));
}

TEST_P(StoreTest, ActivitiesFilterByUnitPlanAndYear) {
  import(paac_2023());
  import({imported("5.1", day("2024-03-31"), {"tic"})}, false, "PAAC", 2024);
  auto by = [&](std::optional<std::string> unit, std::optional<std::string> plan,
                std::optional<int> year) {
    ActivityFilter filter;
    filter.unit = std::move(unit);
    filter.plan = std::move(plan);
    filter.year = year;
    auto result = store_->activities(filter);
    EXPECT_TRUE(result.ok()) << result.error().message;
    return numbers_of(*result);
  };
  EXPECT_EQ(by("tic", {}, {}),
            (std::vector<std::string>{"PAAC 2023 1.2", "PAAC 2023 3.1", "PAAC 2024 5.1"}))
      << "responsible or co-responsible";
  EXPECT_EQ(by("general", {}, {}), (std::vector<std::string>{"PAAC 2023 2.1", "PAAC 2023 3.1"}));
  EXPECT_EQ(by("evaluacion", {}, {}), std::vector<std::string>{});
  EXPECT_EQ(by({}, {}, 2024), std::vector<std::string>{"PAAC 2024 5.1"});
  EXPECT_EQ(by("tic", {}, 2023), (std::vector<std::string>{"PAAC 2023 1.2", "PAAC 2023 3.1"}));
  EXPECT_EQ(by({}, "Otro", {}), std::vector<std::string>{});
  EXPECT_EQ(by({}, "PAAC", {}).size(), 5u);
}

// -- Progress ------------------------------------------------------------------

TEST_P(StoreTest, RecordProgressUpdatesTheLatestAndDone) {
  import(paac_2023());
  ASSERT_TRUE(
      store_->record_progress("2.1", {day("2023-09-15"), 50, "Mitad"}, std::nullopt, std::nullopt)
          .ok());
  EXPECT_EQ(all()[2].progress->percent, 50);
  EXPECT_FALSE(all()[2].done());

  ASSERT_TRUE(
      store_->record_progress("2.1", {day("2023-11-30"), 100, ""}, std::string("PAAC"), 2023).ok());
  EXPECT_TRUE(all()[2].done());

  // A back-dated entry is history, not the latest.
  ASSERT_TRUE(
      store_->record_progress("2.1", {day("2023-10-01"), 70, ""}, std::nullopt, std::nullopt).ok());
  EXPECT_EQ(all()[2].progress->percent, 100);
  EXPECT_EQ(count("progress WHERE activity_id = (SELECT id FROM activities WHERE number = '2.1')"),
            3);

  // A later entry below 100 reopens the activity.
  ASSERT_TRUE(
      store_
          ->record_progress("2.1", {day("2023-12-01"), 90, "reabierta"}, std::nullopt, std::nullopt)
          .ok());
  EXPECT_FALSE(all()[2].done());

  // The same entry twice is recorded once.
  const int64_t before = store_->database().total_changes();
  ASSERT_TRUE(
      store_
          ->record_progress("2.1", {day("2023-12-01"), 90, "reabierta"}, std::nullopt, std::nullopt)
          .ok());
  EXPECT_EQ(store_->database().total_changes(), before);
}

TEST_P(StoreTest, RecordProgressErrors) {
  import(paac_2023());
  import({imported("2.1", day("2024-03-31"), {"general"})}, false, "PAAC", 2024);

  auto status =
      store_->record_progress("2.1", {day("2023-09-15"), 50, ""}, std::nullopt, std::nullopt);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().message,
            "Activity 2.1 exists in more than one plan (PAAC 2023, PAAC 2024); name the plan "
            "and year.");
  status = store_->record_progress("2.1", {day("2023-09-15"), 50, ""}, std::nullopt, 2024);
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(all()[4].progress->percent, 50);
  EXPECT_EQ(all()[2].progress, std::nullopt);

  status = store_->record_progress("9.9", {day("2023-09-15"), 50, ""}, std::nullopt, std::nullopt);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().message, "Activity 9.9 was not found.");
  status = store_->record_progress("1.1", {day("2023-09-15"), 50, ""}, std::string("PAAC"), 2024);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().message, "Activity 1.1 was not found in plan PAAC 2024.");
  status = store_->record_progress("1.1", {day("2023-09-15"), 50, ""}, std::string("Otro"),
                                   std::nullopt);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().message, "Activity 1.1 was not found in plan Otro.");
  status = store_->record_progress("1.1", {day("2023-09-15"), 101, ""}, std::nullopt, std::nullopt);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().message, "A progress of 101 % is outside 0..100.");
  EXPECT_FALSE(store_->database().in_transaction());
}

TEST_P(StoreTest, ProgressRecordsTheClockInstant) {
  import(paac_2023());
  clock_.set(at("2023-09-20", 15));
  ASSERT_TRUE(
      store_->record_progress("2.1", {day("2023-09-15"), 50, ""}, std::nullopt, std::nullopt).ok());
  auto statement =
      store_->database().prepare("SELECT recorded_at FROM progress ORDER BY id DESC LIMIT 1");
  ASSERT_TRUE(statement.ok());
  ASSERT_EQ(*statement->step(), Step::kRow);
  EXPECT_EQ(statement->column_int64(0), at("2023-09-20", 15).time_since_epoch().count());
}

// -- Scheduling queries --------------------------------------------------------

TEST_P(StoreTest, OpenDeadlinesCountOnlyOpenActivitiesWithADeadline) {
  import(paac_2023());
  import(
      {imported("7.1", day("2023-11-30"), {"tic"}), imported("7.2", day("2023-11-30"), {"tic"}, {},
                                                             {{ day("2023-11-01"),
                                                                100,
                                                                "" }})},
      false, "Plan de Acción", 2023);
  auto deadlines = store_->open_deadlines();
  ASSERT_TRUE(deadlines.ok()) << deadlines.error().message;
  ASSERT_EQ(deadlines->size(), 2u);
  EXPECT_EQ((*deadlines)[0].deadline, day("2023-11-30"));
  EXPECT_EQ((*deadlines)[0].count, 2);  // 2.1 and 7.1; 7.2 is done
  EXPECT_EQ((*deadlines)[1].deadline, day("2023-12-29"));
  EXPECT_EQ((*deadlines)[1].count, 1);
}

// The summary behind open_deadlines() is kept by triggers; after every kind
// of change it equals the count taken over the activities themselves.
TEST_P(StoreTest, OpenDeadlinesStayInStepWithTheActivities) {
  auto expect_in_step = [&](const std::string& after) {
    SCOPED_TRACE(after);
    auto truth = store_->database().prepare(
        "SELECT deadline, count(*) FROM activities WHERE done = 0 AND deadline IS NOT NULL "
        "GROUP BY deadline ORDER BY deadline");
    ASSERT_TRUE(truth.ok());
    std::vector<std::pair<std::string, int64_t>> expected;
    while (*truth->step() == Step::kRow) {
      expected.emplace_back(truth->column_text(0), truth->column_int64(1));
    }
    auto deadlines = store_->open_deadlines();
    ASSERT_TRUE(deadlines.ok()) << deadlines.error().message;
    std::vector<std::pair<std::string, int64_t>> actual;
    for (const auto& d : *deadlines) actual.emplace_back(format_iso_date(d.deadline), d.count);
    EXPECT_EQ(actual, expected);
  };
  import(paac_2023());
  expect_in_step("the first import");
  ASSERT_FALSE(store_->open_deadlines()->empty());
  // A newer matrix moves 2.1's deadline, drops 1.2's and adds 7.1.
  auto plan = paac_2023();
  for (auto& a : plan) {
    if (a.activity.number == "2.1") a.activity.deadline = day("2023-12-15");
    if (a.activity.number == "1.2") a.activity.deadline = std::nullopt;
  }
  plan.push_back(imported("7.1", day("2023-12-15"), {"tic"}));
  import(plan);
  expect_in_step("a re-import that moved, cleared and added deadlines");
  // Done, then open again (a later entry below 100 %).
  ASSERT_TRUE(
      store_->record_progress("7.1", {day("2023-11-30"), 100, ""}, std::nullopt, std::nullopt)
          .ok());
  expect_in_step("7.1 done");
  ASSERT_TRUE(
      store_
          ->record_progress("7.1", {day("2023-12-01"), 80, "Reabierta"}, std::nullopt, std::nullopt)
          .ok());
  expect_in_step("7.1 open again");
  ASSERT_TRUE(store_->database().exec("DELETE FROM plans").ok());
  expect_in_step("every plan deleted");
  EXPECT_TRUE(store_->open_deadlines()->empty());
}

TEST_P(StoreTest, OpenActivitiesDueOnDeadlines) {
  import(paac_2023());
  auto due = store_->open_activities_due({day("2023-11-30"), day("2023-01-20"), day("2023-12-29")});
  ASSERT_TRUE(due.ok()) << due.error().message;
  EXPECT_EQ(numbers_of(*due), (std::vector<std::string>{"PAAC 2023 2.1", "PAAC 2023 1.2"}))
      << "1.1 is done; ordered by deadline";
  EXPECT_EQ((*due)[1].co_responsible, std::vector<std::string>{"tic"});
  auto none = store_->open_activities_due({});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  none = store_->open_activities_due({day("2023-05-05")});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST_P(StoreTest, OpenActivitiesOfYear) {
  import(paac_2023());
  import({imported("1.1", day("2024-03-31"), {"general"})}, false, "PAAC", 2024);
  auto open = store_->open_activities_of_year(2023, std::nullopt);
  ASSERT_TRUE(open.ok()) << open.error().message;
  EXPECT_EQ(numbers_of(*open),
            (std::vector<std::string>{"PAAC 2023 1.2", "PAAC 2023 2.1", "PAAC 2023 3.1"}));
  open = store_->open_activities_of_year(2023, std::vector<std::string>{"1.1", "3.1", "8.8"});
  ASSERT_TRUE(open.ok());
  EXPECT_EQ(numbers_of(*open), std::vector<std::string>{"PAAC 2023 3.1"});
  open = store_->open_activities_of_year(2023, std::vector<std::string>{});
  ASSERT_TRUE(open.ok());
  EXPECT_TRUE(open->empty());
  open = store_->open_activities_of_year(2025, std::nullopt);
  ASSERT_TRUE(open.ok());
  EXPECT_TRUE(open->empty());
}

TEST_P(StoreTest, OpenQueriesUseThePartialIndexes) {
  // Two plans, most activities done, deadlines spread over the year.
  for (int year : {2023, 2024}) {
    std::vector<ImportedActivity> many;
    for (int i = 1; i <= 200; ++i) {
      std::vector<Progress> history;
      if (i % 10 != 0) history.push_back({day("2023-08-31"), 100, ""});
      const Date deadline = *make_date(year, static_cast<unsigned>(i % 12 + 1), 1 + i % 28);
      many.push_back(imported("9." + std::to_string(i), deadline, {"general"}, {}, history));
    }
    import(many, false, "PAAC", year);
  }
  // The plans must hold with and without statistics: a production database
  // may never have been analyzed.
  for (bool analyzed : {false, true}) {
    SCOPED_TRACE(analyzed ? "after ANALYZE" : "without statistics");
    if (analyzed) {
      ASSERT_TRUE(store_->database().exec("ANALYZE").ok());
    }
    // The summary table is read whole, in its primary key's order: no sort.
    EXPECT_EQ(query_plan(sql::kOpenDeadlines), "SCAN open_deadlines\n");
    const std::string due = query_plan(sql::kOpenActivitiesDue);
    EXPECT_NE(due.find("SEARCH a USING INDEX activities_open_by_deadline (deadline=?)"),
              std::string::npos)
        << due;
    EXPECT_EQ(due.find("SCAN a"), std::string::npos) << due;
    const std::string of_year = query_plan(sql::kOpenActivitiesOfYear);
    EXPECT_NE(of_year.find("SEARCH a USING INDEX activities_open_by_plan (plan_id=?)"),
              std::string::npos)
        << of_year;
    EXPECT_EQ(of_year.find("SCAN a"), std::string::npos) << of_year;
  }
}

// -- Outbox --------------------------------------------------------------------

Message message(const std::string& unit, Channel channel, const char* date_text,
                const std::string& activity) {
  Message m;
  m.day = day(date_text);
  m.at = at(date_text, 13);
  m.unit_id = unit;
  m.channel = channel;
  MessageItem item;
  item.kind = ItemKind::kUpcoming;
  item.activity = activity;
  item.title = "Actividad " + activity;
  item.deadline = day("2023-11-30");
  item.days_left = 5;
  item.progress = 40;
  m.items = {item};
  m.key = idempotency_key(m);
  return m;
}

TEST_P(StoreTest, EnqueueIsIdempotentByKeyAndRecordsThePass) {
  auto last = store_->last_pass();
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(*last, std::nullopt);

  const std::vector<Message> messages = {message("general", Channel::kEmail, "2023-11-23", "2.1"),
                                         message("general", Channel::kWebhook, "2023-11-23", "2.1"),
                                         message("tic", Channel::kEmail, "2023-11-23", "1.2")};
  auto added = store_->enqueue(messages, at("2023-11-23", 13));
  ASSERT_TRUE(added.ok()) << added.error().message;
  EXPECT_EQ(*added, 3);
  EXPECT_EQ(*store_->last_pass(), at("2023-11-23", 13));

  auto again = store_->enqueue({messages[1], message("tic", Channel::kEmail, "2023-11-24", "1.2")},
                               at("2023-11-24", 13));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 1);
  EXPECT_EQ(*store_->last_pass(), at("2023-11-24", 13));
  EXPECT_EQ(count("outbox"), 4);

  // Without a pass the last one stays.
  ASSERT_TRUE(store_->enqueue({}, std::nullopt).ok());
  EXPECT_EQ(*store_->last_pass(), at("2023-11-24", 13));
}

TEST_P(StoreTest, EnqueueIsAtomicWithThePass) {
  ASSERT_TRUE(store_->enqueue({}, at("2023-11-22", 13)).ok());
  // The second message names a unit that does not exist: nothing of the
  // batch, and not the pass, may remain.
  auto result = store_->enqueue({message("general", Channel::kEmail, "2023-11-23", "2.1"),
                                 message("ghost", Channel::kEmail, "2023-11-23", "2.1")},
                                at("2023-11-23", 13));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message,
            "Cannot write the message for unit ghost on 2023-11-23 to the outbox: FOREIGN KEY "
            "constraint failed (database " +
                std::string(GetParam() == Backing::kMemory ? ":memory:" : path_) + ")");
  EXPECT_EQ(count("outbox"), 0);
  EXPECT_EQ(*store_->last_pass(), at("2023-11-22", 13));
}

TEST_P(StoreTest, EnqueueFillsAMissingKey) {
  Message m = message("general", Channel::kEmail, "2023-11-23", "2.1");
  const std::string key = m.key;
  m.key.clear();
  ASSERT_EQ(*store_->enqueue({m}, std::nullopt), 1);
  auto entries = store_->outbox(std::nullopt, 0);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].message.key, key);
}

TEST_P(StoreTest, OutboxListsNewestFirstWithTheMessageIntact) {
  clock_.set(at("2023-11-23", 12));
  const Message first = message("general", Channel::kEmail, "2023-11-23", "2.1");
  const Message second = message("tic", Channel::kWebhook, "2023-11-24", "1.2");
  ASSERT_EQ(*store_->enqueue({first, second}, std::nullopt), 2);

  auto entries = store_->outbox(std::nullopt, 0);
  ASSERT_TRUE(entries.ok()) << entries.error().message;
  ASSERT_EQ(entries->size(), 2u);
  const OutboxEntry& newest = (*entries)[0];
  EXPECT_EQ(newest.message.unit_id, "tic");
  EXPECT_EQ(message_to_json(newest.message), message_to_json(second));
  EXPECT_EQ(newest.status, OutboxStatus::kPending);
  EXPECT_EQ(newest.attempts, 0);
  EXPECT_EQ(newest.created_at, at("2023-11-23", 12));
  EXPECT_EQ(newest.next_attempt_at, second.at);
  EXPECT_EQ(newest.lease_until, std::nullopt);
  EXPECT_EQ(newest.destination, "");
  EXPECT_EQ(newest.last_error, "");
  EXPECT_EQ(message_to_json((*entries)[1].message), message_to_json(first));

  auto limited = store_->outbox(std::nullopt, 1);
  ASSERT_TRUE(limited.ok());
  ASSERT_EQ(limited->size(), 1u);
  EXPECT_EQ((*limited)[0].id, newest.id);

  auto dead = store_->outbox(OutboxStatus::kDead, 10);
  ASSERT_TRUE(dead.ok());
  EXPECT_TRUE(dead->empty());
  auto pending = store_->outbox(OutboxStatus::kPending, 10);
  ASSERT_TRUE(pending.ok());
  EXPECT_EQ(pending->size(), 2u);
}

TEST_P(StoreTest, OutboxCountsByState) {
  auto counts = store_->outbox_counts();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->pending, 0);
  EXPECT_EQ(counts->oldest_pending, std::nullopt);

  ASSERT_EQ(*store_->enqueue({message("general", Channel::kEmail, "2023-11-23", "2.1"),
                              message("general", Channel::kEmail, "2023-11-24", "2.1"),
                              message("general", Channel::kEmail, "2023-11-25", "2.1"),
                              message("tic", Channel::kEmail, "2023-11-26", "1.2"),
                              message("tic", Channel::kEmail, "2023-11-27", "1.2")},
                             std::nullopt),
            5);
  // The delivery stage moves rows between states; do it by hand here.
  ASSERT_TRUE(store_->database()
                  .exec("UPDATE outbox SET status = 'sent' WHERE day = '2023-11-23';"
                        "UPDATE outbox SET status = 'dead' WHERE day = '2023-11-24';"
                        "UPDATE outbox SET status = 'retry' WHERE day = '2023-11-25';"
                        "UPDATE outbox SET status = 'in_flight' WHERE day = '2023-11-26'")
                  .ok());
  counts = store_->outbox_counts();
  ASSERT_TRUE(counts.ok()) << counts.error().message;
  EXPECT_EQ(counts->pending, 3);
  EXPECT_EQ(counts->dead, 1);
  EXPECT_EQ(counts->sent, 1);
  EXPECT_EQ(counts->oldest_pending, at("2023-11-25", 13));

  auto dead = store_->outbox(OutboxStatus::kDead, 0);
  ASSERT_TRUE(dead.ok());
  ASSERT_EQ(dead->size(), 1u);
  EXPECT_EQ((*dead)[0].message.day, day("2023-11-24"));
  EXPECT_EQ((*dead)[0].status, OutboxStatus::kDead);
}

TEST_P(StoreTest, HasMessageForUnitChannelAndDay) {
  ASSERT_EQ(
      *store_->enqueue({message("general", Channel::kEmail, "2023-11-23", "2.1")}, std::nullopt),
      1);
  auto has = [&](const char* unit, Channel channel, const char* date_text) {
    auto result = store_->has_message_for(unit, channel, day(date_text));
    EXPECT_TRUE(result.ok());
    return result.ok() && *result;
  };
  EXPECT_TRUE(has("general", Channel::kEmail, "2023-11-23"));
  EXPECT_FALSE(has("general", Channel::kWebhook, "2023-11-23"));
  EXPECT_FALSE(has("general", Channel::kEmail, "2023-11-24"));
  EXPECT_FALSE(has("tic", Channel::kEmail, "2023-11-23"));
}

TEST_P(StoreTest, AnUnreadablePayloadIsReportedWithItsId) {
  ASSERT_EQ(
      *store_->enqueue({message("general", Channel::kEmail, "2023-11-23", "2.1")}, std::nullopt),
      1);
  ASSERT_TRUE(store_->database().exec("UPDATE outbox SET payload = '{\"version\": 9}'").ok());
  auto entries = store_->outbox(std::nullopt, 0);
  ASSERT_FALSE(entries.ok());
  EXPECT_EQ(entries.error().message,
            "Outbox message 1 cannot be read: The message JSON has version 9, which this plazo "
            "cannot read.");
}

// -- Files only ----------------------------------------------------------------

TEST(SqliteStoreFile, DataVersionChangesWhenAnotherConnectionCommits) {
  TempDir dir;
  auto daemon = SqliteStore::open(dir.file("plazo.db"));
  ASSERT_TRUE(daemon.ok()) << daemon.error().message;
  auto cli = SqliteStore::open(dir.file("plazo.db"));
  ASSERT_TRUE(cli.ok()) << cli.error().message;
  const int64_t before = *(*daemon)->data_version();
  EXPECT_EQ(*(*daemon)->data_version(), before) << "stable while nothing changes";

  // The daemon's own writes do not count; the CLI's do.
  ASSERT_TRUE((*daemon)->sync_units(config_units()).ok());
  EXPECT_EQ(*(*daemon)->data_version(), before);
  auto summary = (*cli)->apply_import("PAAC", 2023, paac_2023(), false);
  ASSERT_TRUE(summary.ok()) << summary.error().message;
  const int64_t after_import = *(*daemon)->data_version();
  EXPECT_NE(after_import, before);
  // Every CLI command syncs the units; an unchanged config must not look like
  // a change to the daemon.
  ASSERT_TRUE((*cli)->sync_units(config_units()).ok());
  EXPECT_EQ(*(*daemon)->data_version(), after_import);
  auto seen = (*daemon)->activities({});
  ASSERT_TRUE(seen.ok());
  EXPECT_EQ(seen->size(), 4u);
}

TEST(SqliteStoreFile, OpenErrorsNameThePath) {
  TempDir dir;
  auto missing = SqliteStore::open(dir.file("nope/plazo.db"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, "The directory " + dir.file("nope") + " for the database " +
                                         dir.file("nope/plazo.db") + " does not exist.");
}

TEST(SqliteStoreFile, DataSurvivesReopening) {
  TempDir dir;
  const std::string path = dir.file("plazo.db");
  {
    auto store = SqliteStore::open(path);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->sync_units(config_units()).ok());
    ASSERT_TRUE((*store)->apply_import("PAAC", 2023, paac_2023(), false).ok());
    ASSERT_TRUE(
        (*store)
            ->enqueue({message("tic", Channel::kEmail, "2023-11-23", "1.2")}, at("2023-11-23", 13))
            .ok());
  }
  auto store = SqliteStore::open(path);
  ASSERT_TRUE(store.ok());
  EXPECT_EQ((*store)->activities({})->size(), 4u);
  EXPECT_EQ(*(*store)->last_pass(), at("2023-11-23", 13));
  EXPECT_EQ((*store)->outbox_counts()->pending, 1);
}

}  // namespace
}  // namespace plazo
