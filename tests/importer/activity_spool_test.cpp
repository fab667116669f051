#include "importer/activity_spool.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace plazo {
namespace {

// Every field of a row, so a field the spool loses shows in the diff.
std::string describe(const SpooledRow& row) {
  const ImportedActivity& imported = row.imported;
  const Activity& a = imported.activity;
  std::string out = "line " + std::to_string(imported.source_line) + " component " +
                    std::to_string(row.component) +
                    (row.number_in_subcomponent ? " repeated" : "") + (row.empty ? " empty" : "") +
                    "\n";
  out += a.plan + "|" + std::to_string(a.year) + "|" + a.number + "|" + a.component + "|" +
         a.subcomponent + "|" + a.title + "|" + a.deliverable + "|" + a.indicator + "|" + a.goal +
         "\n";
  for (const auto* ids : {&a.responsible, &a.co_responsible}) {
    out += "ids";
    for (const auto& id : *ids) out += " " + id;
    out += "\n";
  }
  out += "periods";
  for (int p : a.periods) out += " " + std::to_string(p);
  out += "\ndeadline " +
         (a.deadline ? std::to_string(a.deadline->time_since_epoch().count()) : std::string("-"));
  auto progress = [](const Progress& p) {
    return std::to_string(p.as_of.time_since_epoch().count()) + " " + std::to_string(p.percent) +
           " " + p.note;
  };
  out += "\nprogress " + (a.progress ? progress(*a.progress) : std::string("-")) + "\n";
  for (const auto& p : imported.history) out += "history " + progress(p) + "\n";
  out += imported.responsible_text + "|" + imported.co_responsible_text + "\n";
  return out;
}

SpooledRow full_row(int k) {
  SpooledRow row;
  ImportedActivity& imported = row.imported;
  Activity& a = imported.activity;
  imported.source_line = 1000 + k;
  row.component = k % 7;
  row.number_in_subcomponent = k % 3 == 0;
  row.empty = k % 5 == 0;
  a.plan = k % 2 == 0 ? "PAAC" : "";
  a.year = 2023;
  a.number = std::to_string(k % 7) + "." + std::to_string(k);
  a.component = k % 4 == 0 ? "1: Gestión del Riesgo de Corrupción" : "";
  a.subcomponent = "Subcomponente con tildes: ñ, ü, «comillas»";
  a.title = std::string(static_cast<size_t>(k % 300), 'x') + " título";
  a.deliverable = "Informe";
  a.indicator = "N° de informes";
  a.goal = "100%";
  a.responsible = {"planeacion", k % 2 == 0 ? "tic" : "juridica"};
  if (k % 3 == 1) a.co_responsible = {"hacienda"};
  a.periods = {1, 3};
  if (k % 4 != 1) a.deadline = Date{date::days{19000 + k}};
  if (k % 6 == 2) a.progress = Progress{Date{date::days{-400}}, 66, "antes de 1970"};
  imported.history = {Progress{Date{date::days{1}}, 33, "<p>hecho</p>\nsegunda línea"},
                      Progress{Date{date::days{2}}, 150, ""}};
  imported.responsible_text = "Departamento Administrativo de planeación / Dirección de las TIC";
  imported.co_responsible_text = k % 3 == 1 ? "Secretaría de Hacienda" : "";
  return row;
}

TEST(ActivitySpool, GivesBackEveryFieldInOrder) {
  ActivitySpool spool;
  std::vector<std::string> expected;
  // Over a megabyte in all, so rows land in several blocks.
  for (int k = 0; k < 6000; ++k) {
    const SpooledRow row = full_row(k);
    expected.push_back(describe(row));
    spool.append(row);
  }
  SpooledRow empty;
  spool.append(empty);
  expected.push_back(describe(empty));
  ASSERT_EQ(spool.size(), expected.size());

  // One object for all rows, as the parser reads them: nothing of a row may
  // leak into the next (the last one is all defaults).
  SpooledRow row;
  for (size_t i = 0; i < expected.size(); ++i) {
    ASSERT_TRUE(spool.read(row)) << i;
    ASSERT_EQ(describe(row), expected[i]) << i;
  }
  EXPECT_FALSE(spool.read(row));
  EXPECT_FALSE(spool.read(row));
}

TEST(ActivitySpool, ARowLargerThanABlockFitsWhole) {
  ActivitySpool spool;
  SpooledRow big = full_row(1);
  big.imported.history[0].note.assign(3 << 20, 'n');
  spool.append(full_row(2));
  spool.append(big);
  spool.append(full_row(3));
  SpooledRow row;
  ASSERT_TRUE(spool.read(row));
  EXPECT_EQ(describe(row), describe(full_row(2)));
  ASSERT_TRUE(spool.read(row));
  EXPECT_EQ(describe(row), describe(big));
  ASSERT_TRUE(spool.read(row));
  EXPECT_EQ(describe(row), describe(full_row(3)));
  EXPECT_FALSE(spool.read(row));
}

TEST(ActivitySpool, EmptySpoolReadsNothing) {
  ActivitySpool spool;
  SpooledRow row;
  EXPECT_EQ(spool.size(), 0u);
  EXPECT_FALSE(spool.read(row));
}

}  // namespace
}  // namespace plazo
