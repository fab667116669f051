// plazo import as the admin runs it: the real binary, the example config of
// the seed's entity, a fresh database per test.

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "support/process.h"

namespace plazo::testing {
namespace {

const std::string kConfig = std::string(PLAZO_SOURCE_DIR) + "/config/examples/itagui-2023.toml";
const std::string kSeed = std::string(PLAZO_SEED_DIR) + "/paac-itagui-2023-seguimiento-2.txt";

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

ProcessResult import(const std::string& database, std::vector<std::string> extra) {
  std::vector<std::string> args = {"import", "--config", kConfig, "--database", database};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_plazo(args);
}

TEST(Import, SeedImportsWithItsWarningsAndReimportChangesNothing) {
  TempDir dir;
  const std::string db = dir.file("plazo.db");
  auto first = import(db, {kSeed});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(first.out, "imported PAAC 2023 from " + kSeed +
                           ": 84 added, 0 updated, 0 unchanged, 164 progress entries, "
                           "32 warnings\n");
  const auto warnings = lines_of(first.err);
  ASSERT_EQ(warnings.size(), 32u) << first.err;
  EXPECT_EQ(warnings[0], "warning: " + kSeed +
                             ":10: the follow-up columns of this header are not pairs of a text "
                             "and a percentage, so each row's follow-up cells are read in order "
                             "and dated by their order");
  EXPECT_EQ(warnings[5], "warning: " + kSeed +
                             ":54: activity 3.1: the row is empty except for its number; the "
                             "activity is kept with no deadline and gets no reminders");
  EXPECT_EQ(warnings[8], "warning: " + kSeed +
                             ":104: activity 3.15: the deadline 30/08/2028 is outside the plan's "
                             "year 2023; it is stored as written");
  for (const auto& line : warnings) EXPECT_EQ(line.rfind("warning: " + kSeed + ":", 0), 0u);

  auto again = import(db, {kSeed});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out, "PAAC 2023 is up to date: 84 unchanged, 32 warnings\n");
  EXPECT_EQ(again.err, first.err);
}

TEST(Import, DryRunWritesNothing) {
  TempDir dir;
  const std::string db = dir.file("plazo.db");
  auto dry = import(db, {kSeed, "--dry-run"});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_EQ(dry.out, "dry run, nothing written: importing PAAC 2023 from " + kSeed +
                         " would give 84 added, 0 updated, 0 unchanged, 164 progress entries, "
                         "32 warnings\n");
  // Had the dry run written anything, these would not all be new.
  auto real = import(db, {kSeed});
  ASSERT_EQ(real.exit_code, 0) << real.err;
  EXPECT_EQ(real.out, "imported PAAC 2023 from " + kSeed +
                          ": 84 added, 0 updated, 0 unchanged, 164 progress entries, "
                          "32 warnings\n");
  auto dry_again = import(db, {kSeed, "--dry-run"});
  EXPECT_EQ(dry_again.out,
            "dry run, nothing written: PAAC 2023 is up to date: 84 unchanged, 32 warnings\n");
}

TEST(Import, PlanAndYearOptionsNameThePlan) {
  TempDir dir;
  auto r = import(dir.file("plazo.db"), {kSeed, "--plan", "PAAC-ITAGUI", "--year", "2023"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("imported PAAC-ITAGUI 2023 from " + kSeed + ": 84 added,", 0), 0u) << r.out;
}

TEST(Import, BinaryFileIsNotAMatrixAndLeavesNoDatabase) {
  TempDir dir;
  const std::string db = dir.file("plazo.db");
  const std::string binary = dir.write("plan.xlsx", std::string("PK\x03\x04\x14\x00\x06\x00", 8));
  auto r = import(db, {binary});
  EXPECT_EQ(r.exit_code, 65);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "plazo: " + binary +
                       ": the file holds binary data (byte 0x03 on line 1), so it is not a plan "
                       "matrix in text, TSV or CSV form\n");
  EXPECT_FALSE(std::filesystem::exists(db));
}

TEST(Import, TextThatIsNoMatrixExits65) {
  TempDir dir;
  const std::string file = dir.write("notes.txt", "Reunión del comité\nsin tabla\n");
  auto r = import(dir.file("plazo.db"), {file});
  EXPECT_EQ(r.exit_code, 65);
  EXPECT_EQ(r.err, "plazo: " + file +
                       ": no header row naming N° and ACTIVIDAD columns was found, so this is "
                       "not a plan matrix\n");
}

// A newer matrix that arrived cut short (here: in the middle of 4.6's row)
// is refused with exit 65, and the plan imported before is left exactly as
// it was.
TEST(Import, TruncatedFileLeavesTheImportedPlanAsItWas) {
  TempDir dir;
  const std::string db = dir.file("plazo.db");
  ASSERT_EQ(import(db, {kSeed}).exit_code, 0);
  auto listing = [&] {
    return run_plazo({"activities", "--format", "json", "--config", kConfig, "--database", db}).out;
  };
  const std::string before = listing();
  ASSERT_NE(before.find("\"4.6\""), std::string::npos);

  const std::string seed = read_file(kSeed);
  const std::string cut =
      dir.write("cut.txt", seed.substr(0, seed.find('\t', seed.find("Informes publicados",
                                                                       seed.find("\t4.6\t")))));
  auto r = import(db, {cut});
  EXPECT_EQ(r.exit_code, 65);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("the file ends in the middle of the row of activity 4.6; the file looks "
                       "cut short, so nothing was imported"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(listing(), before);
}

TEST(Import, MissingFileExits74) {
  TempDir dir;
  const std::string missing = dir.file("missing.csv");
  auto r = import(dir.file("plazo.db"), {missing});
  EXPECT_EQ(r.exit_code, 74);
  EXPECT_EQ(r.err, "plazo: cannot read " + missing + ": No such file or directory\n");
}

TEST(Import, BadCommandLinesExit64) {
  TempDir dir;
  auto none = import(dir.file("plazo.db"), {});
  EXPECT_EQ(none.exit_code, 64);
  EXPECT_EQ(none.err, "plazo: import needs exactly one FILE (see plazo --help)\n");
  auto year = import(dir.file("plazo.db"), {kSeed, "--year", "23"});
  EXPECT_EQ(year.exit_code, 64);
  EXPECT_EQ(year.err, "plazo: --year needs a four-digit year such as 2023, not \"23\"\n");
}

}  // namespace
}  // namespace plazo::testing
