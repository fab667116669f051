#include <gtest/gtest.h>

#include "support/process.h"

namespace plazo::testing {
namespace {

TEST(Cli, HelpListsCommandsAndExitCodes) {
  auto r = run_plazo({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("check-config"), std::string::npos);
  EXPECT_NE(r.out.find("78  configuration error"), std::string::npos);
}

TEST(Cli, VersionPrintsVersion) {
  auto r = run_plazo({"--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, std::string("plazo ") + PLAZO_VERSION + "\n");
}

TEST(Cli, UnknownCommandIsUsageError) {
  auto r = run_plazo({"frobnicate"});
  EXPECT_EQ(r.exit_code, 64);
  EXPECT_EQ(r.err, "plazo: unknown command \"frobnicate\" (see plazo --help)\n");
}

TEST(Cli, UnknownOptionIsUsageError) {
  auto r = run_plazo({"check-config", "--bogus"});
  EXPECT_EQ(r.exit_code, 64);
  EXPECT_EQ(r.err, "plazo: unknown option --bogus (see plazo --help)\n");
}

TEST(Cli, MissingOptionValueIsUsageError) {
  auto r = run_plazo({"check-config", "--config"});
  EXPECT_EQ(r.exit_code, 64);
  EXPECT_NE(r.err.find("--config needs a value"), std::string::npos);
}

}  // namespace
}  // namespace plazo::testing
