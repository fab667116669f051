// plazo activities and plazo progress as the admin runs them: the real binary
// on a config file and a database built through SqliteStore (the importer is
// tested on its own).

#include <gtest/gtest.h>

#include <sstream>

#include "storage/sqlite_store.h"
#include "support/process.h"

namespace plazo::testing {
namespace {

constexpr const char* kConfig = R"([daemon]
timezone = "America/Bogota"

[email]
url = "smtp://127.0.0.1:25"
from = "PAAC Itagüí <paac@example.org>"

[[units]]
id = "planeacion"
name = "Departamento Administrativo de Planeación"
email = ["planeacion@example.org"]

[[units]]
id = "tic"
name = "Dirección de las TIC"
email = ["tic@example.org"]

[[units]]
id = "evaluacion"
name = "Secretaría de Evaluación y Control"
email = ["control@example.org"]
oversight = true
)";

Date day(const char* text) {
  return *parse_iso_date(text);
}

Unit unit(const char* id, const char* name) {
  Unit u;
  u.id = id;
  u.name = name;
  return u;
}

ImportedActivity activity(const char* number, const char* title,
                          std::vector<std::string> responsible,
                          std::vector<std::string> co_responsible, std::vector<int> periods,
                          std::optional<Date> deadline, std::vector<Progress> history) {
  ImportedActivity a;
  a.activity.number = number;
  a.activity.component = "1: Gestión del Riesgo de Corrupción - Mapa de Riesgos de Corrupción";
  a.activity.subcomponent = "Construcción del Mapa de Riesgos de Corrupción";
  a.activity.title = title;
  a.activity.deliverable = "Actas de asesoría";
  a.activity.indicator = "N.º Asesorías realizadas/N.º asesorías planeadas";
  a.activity.goal = "Reuniones de acompañamiento";
  a.activity.responsible = std::move(responsible);
  a.activity.co_responsible = std::move(co_responsible);
  a.activity.periods = std::move(periods);
  a.activity.deadline = deadline;
  a.history = std::move(history);
  if (!a.history.empty()) a.activity.progress = a.history.back();
  return a;
}

class ActivitiesCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = dir_.write("plazo.toml", kConfig);
    database_ = dir_.file("plazo.db");
    auto store = SqliteStore::open(database_);
    ASSERT_TRUE(store.ok()) << store.error().message;
    ASSERT_TRUE((*store)
                    ->sync_units({unit("planeacion", "Departamento Administrativo de Planeación"),
                                  unit("tic", "Dirección de las TIC")})
                    .ok());
    auto summary = (*store)->apply_import(
        "PAAC", 2023,
        {activity("1.5",
                  "Realizar acompañamiento a los líderes SIGI sobre la gestión de los riesgos de "
                  "corrupción, acuerdos con los lineamientos metodológicos.",
                  {"planeacion"}, {}, {1, 2, 3}, day("2023-12-29"),
                  {{day("2023-04-30"), 33, ""}, {day("2023-08-31"), 66, "26 asesorías"}}),
         activity("1.10", "Publicar el \"mapa\", versión final", {"tic", "planeacion"}, {}, {},
                  std::nullopt, {}),
         activity("1.6", "Promocionar y divulgar el Plan Anticorrupción", {"planeacion"}, {"tic"},
                  {1}, day("2023-01-20"), {{day("2023-04-30"), 100, ""}})},
        false);
    ASSERT_TRUE(summary.ok()) << summary.error().message;
  }

  ProcessResult plazo(std::vector<std::string> args) {
    args.insert(args.end(), {"--config", config_, "--database", database_});
    return run_plazo(args);
  }

  TempDir dir_;
  std::string config_;
  std::string database_;
};

TEST_F(ActivitiesCommand, JsonFollowsTheContract) {
  auto r = plazo({"activities", "--format", "json"});
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, R"([
  {
    "id": "1.5",
    "plan": "PAAC",
    "year": 2023,
    "component": "1: Gestión del Riesgo de Corrupción - Mapa de Riesgos de Corrupción",
    "subcomponent": "Construcción del Mapa de Riesgos de Corrupción",
    "title": "Realizar acompañamiento a los líderes SIGI sobre la gestión de los riesgos de corrupción, acuerdos con los lineamientos metodológicos.",
    "deliverable": "Actas de asesoría",
    "indicator": "N.º Asesorías realizadas/N.º asesorías planeadas",
    "goal": "Reuniones de acompañamiento",
    "deadline": "2023-12-29",
    "responsible": [
      {
        "id": "planeacion",
        "name": "Departamento Administrativo de Planeación"
      }
    ],
    "co_responsible": [],
    "periods": [
      1,
      2,
      3
    ],
    "progress": {
      "percent": 66,
      "as_of": "2023-08-31"
    }
  },
  {
    "id": "1.6",
    "plan": "PAAC",
    "year": 2023,
    "component": "1: Gestión del Riesgo de Corrupción - Mapa de Riesgos de Corrupción",
    "subcomponent": "Construcción del Mapa de Riesgos de Corrupción",
    "title": "Promocionar y divulgar el Plan Anticorrupción",
    "deliverable": "Actas de asesoría",
    "indicator": "N.º Asesorías realizadas/N.º asesorías planeadas",
    "goal": "Reuniones de acompañamiento",
    "deadline": "2023-01-20",
    "responsible": [
      {
        "id": "planeacion",
        "name": "Departamento Administrativo de Planeación"
      }
    ],
    "co_responsible": [
      {
        "id": "tic",
        "name": "Dirección de las TIC"
      }
    ],
    "periods": [
      1
    ],
    "progress": {
      "percent": 100,
      "as_of": "2023-04-30"
    }
  },
  {
    "id": "1.10",
    "plan": "PAAC",
    "year": 2023,
    "component": "1: Gestión del Riesgo de Corrupción - Mapa de Riesgos de Corrupción",
    "subcomponent": "Construcción del Mapa de Riesgos de Corrupción",
    "title": "Publicar el \"mapa\", versión final",
    "deliverable": "Actas de asesoría",
    "indicator": "N.º Asesorías realizadas/N.º asesorías planeadas",
    "goal": "Reuniones de acompañamiento",
    "deadline": null,
    "responsible": [
      {
        "id": "tic",
        "name": "Dirección de las TIC"
      },
      {
        "id": "planeacion",
        "name": "Departamento Administrativo de Planeación"
      }
    ],
    "co_responsible": [],
    "periods": [],
    "progress": null
  }
]
)");
}

TEST_F(ActivitiesCommand, CsvIsQuotedWithAHeader) {
  auto r = plazo({"activities", "--format", "csv"});
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.exit_code, 0);
  const std::string common =
      "1: Gestión del Riesgo de Corrupción - Mapa de Riesgos de Corrupción,"
      "Construcción del Mapa de Riesgos de Corrupción,";
  const std::string cells =
      "Actas de asesoría,N.º Asesorías realizadas/N.º asesorías planeadas,"
      "Reuniones de acompañamiento,";
  EXPECT_EQ(r.out,
            "id,plan,year,component,subcomponent,title,deliverable,indicator,goal,deadline,"
            "responsible,co_responsible,periods,progress_percent,progress_as_of\r\n"
            "1.5,PAAC,2023," +
                common +
                "\"Realizar acompañamiento a los líderes SIGI sobre la gestión de los riesgos de "
                "corrupción, acuerdos con los lineamientos metodológicos.\"," +
                cells +
                "2023-12-29,planeacion,,1; 2; 3,66,2023-08-31\r\n"
                "1.6,PAAC,2023," +
                common + "Promocionar y divulgar el Plan Anticorrupción," + cells +
                "2023-01-20,planeacion,tic,1,100,2023-04-30\r\n"
                "1.10,PAAC,2023," +
                common + "\"Publicar el \"\"mapa\"\", versión final\"," + cells +
                ",tic; planeacion,,,,\r\n");
}

TEST_F(ActivitiesCommand, TableFitsAHundredColumns) {
  auto r = plazo({"activities"});
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out,
            "N°    DEADLINE    PROGRESS  RESPONSIBLE     TITLE\n"
            "1.5   2023-12-29       66%  planeacion      Realizar acompañamiento a los líderes "
            "SIGI sobre la ges…\n"
            "1.6   2023-01-20      100%  planeacion      Promocionar y divulgar el Plan "
            "Anticorrupción\n"
            "1.10  -                  -  tic,planeacion  Publicar el \"mapa\", versión final\n");
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    size_t columns = 0;
    for (char c : line) columns += (c & 0xC0) != 0x80 ? 1 : 0;
    EXPECT_LE(columns, 100u) << line;
  }
}

TEST_F(ActivitiesCommand, FiltersByUnit) {
  auto r = plazo({"activities", "--unit", "tic", "--format", "csv"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> ids;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) ids.push_back(line.substr(0, line.find(',')));
  EXPECT_EQ(ids, (std::vector<std::string>{"id", "1.6", "1.10"}));
}

TEST_F(ActivitiesCommand, UnknownUnitOrFormatIsAUsageError) {
  auto r = plazo({"activities", "--unit", "hacienda"});
  EXPECT_EQ(r.exit_code, 64);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err,
            "plazo: unknown unit \"hacienda\" (configured units: planeacion, tic, evaluacion).\n");

  r = plazo({"activities", "--format", "xml"});
  EXPECT_EQ(r.exit_code, 64);
  EXPECT_EQ(r.err, "plazo: unknown format \"xml\" (use table, json or csv).\n");
}

TEST_F(ActivitiesCommand, MissingDatabaseDirectoryIsAnIoError) {
  const std::string missing = dir_.file("nowhere/plazo.db");
  auto r = run_plazo({"activities", "--config", config_, "--database", missing});
  EXPECT_EQ(r.exit_code, 74);
  EXPECT_EQ(r.err, "plazo: The directory " + dir_.file("nowhere") + " for the database " + missing +
                       " does not exist.\n");
}

TEST_F(ActivitiesCommand, ProgressIsRecordedAndShown) {
  auto r = plazo({"progress", "1.10", "50%", "--as-of", "2023-09-30", "--note", "Borrador"});
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "Recorded 50% for activity 1.10 as of 2023-09-30.\n");

  r = plazo(
      {"progress", "1.5", "100", "--as-of", "2023-12-20", "--plan", "PAAC", "--year", "2023"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "Recorded 100% for activity 1.5 of PAAC 2023 as of 2023-12-20.\n");

  r = plazo({"activities", "--format", "csv"});
  EXPECT_NE(r.out.find(",1; 2; 3,100,2023-12-20\r\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(",tic; planeacion,,,50,2023-09-30\r\n"), std::string::npos) << r.out;
}

TEST_F(ActivitiesCommand, ProgressWithoutADateIsForToday) {
  auto r = plazo({"progress", "1.10", "10"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // The run may straddle midnight in Bogotá; the day printed is the one stored.
  ASSERT_EQ(r.out.rfind("Recorded 10% for activity 1.10 as of ", 0), 0u) << r.out;
  const std::string printed = r.out.substr(r.out.size() - 12, 10);
  ASSERT_TRUE(parse_iso_date(printed).has_value()) << r.out;
  auto listed = plazo({"activities", "--format", "csv"});
  EXPECT_NE(listed.out.find(",10," + printed + "\r\n"), std::string::npos) << listed.out;
}

TEST_F(ActivitiesCommand, ProgressErrors) {
  auto r = plazo({"progress", "1.10", "101"});
  EXPECT_EQ(r.exit_code, 64);
  EXPECT_EQ(r.err,
            "plazo: the percent must be a whole number from 0 to 100, like 66 or 66% (got "
            "\"101\").\n");
  r = plazo({"progress", "1.10"});
  EXPECT_EQ(r.exit_code, 64);
  EXPECT_EQ(r.err,
            "plazo: progress needs an activity number and a percent, e.g. \"plazo progress 1.5 "
            "66\".\n");
  r = plazo({"progress", "1.10", "40", "--as-of", "30/09/2023"});
  EXPECT_EQ(r.exit_code, 64);
  EXPECT_EQ(r.err, "plazo: --as-of must be a date like 2023-08-31 (got \"30/09/2023\").\n");
  r = plazo({"progress", "9.9", "40"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "plazo: Activity 9.9 was not found.\n");
  r = plazo({"progress", "1.5", "40", "--plan", "PAAC", "--year", "2024"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "plazo: Activity 1.5 was not found in plan PAAC 2024.\n");
}

}  // namespace
}  // namespace plazo::testing
