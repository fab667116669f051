#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <map>
#include <sstream>

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

namespace plazo::testing {
namespace {

// A config and a one-activity plan due 2023-11-23, whose deliveries fail
// locally (nothing listens on port 9): enough for `run --once` to log a
// pass and failed attempts. The SMTP password and the webhook secret are
// files, as the config requires, with values to look for in the logs.
class CliLogging : public ::testing::Test {
 protected:
  void SetUp() override {
    password_ = dir_.write("smtp-password", "pa55-s3cr3t-smtp\n");
    secret_ = dir_.write("hook-secret", "s3cr3t-hmac-key\n");
    ASSERT_EQ(chmod(password_.c_str(), 0600), 0);
    ASSERT_EQ(chmod(secret_.c_str(), 0600), 0);
    config_ = dir_.write("plazo.toml",
                         "[daemon]\ndatabase = \"" + dir_.file("config.db") +
                             "\"\ntimezone = \"America/Bogota\"\nlog_level = \"warn\"\n"
                             "[health]\nlisten = \"\"\n"
                             "[email]\nurl = \"smtp://127.0.0.1:9\"\nfrom = \"PAAC <paac@example.org>\"\n"
                             "starttls = \"off\"\nusername = \"paac\"\npassword_file = \"" +
                             password_ + "\"\n"
                             "[webhooks.hook]\nurl = \"http://127.0.0.1:9/hook\"\nsecret_file = \"" +
                             secret_ + "\"\n"
                             "[[units]]\nid = \"general\"\nname = \"Secretaría General\"\n"
                             "email = [\"general@example.org\"]\nwebhooks = [\"hook\"]\n");
    plan_ = dir_.write("plan.csv",
                       "N°;ACTIVIDAD;RESPONSABLE;FECHA\n1.1;Actividad;Secretaría General;23/11/2023\n");
  }
  ProcessResult plazo(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    args.insert(args.end(), {"--config", config_});
    return run_plazo(args, std::move(env));
  }
  TempDir dir_;
  std::string password_;
  std::string secret_;
  std::string config_;
  std::string plan_;
};

TEST_F(CliLogging, DatabaseFromTheEnvironmentOverTheConfigAndTheFlagOverBoth) {
  const std::string from_env = dir_.file("env.db");
  auto r = plazo({"import", plan_, "--plan", "PAAC", "--year", "2023"}, {{"PLAZO_DATABASE", from_env}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::exists(from_env));
  EXPECT_FALSE(std::filesystem::exists(dir_.file("config.db")));

  const std::string from_flag = dir_.file("flag.db");
  r = plazo({"import", plan_, "--plan", "PAAC", "--year", "2023", "--database", from_flag},
            {{"PLAZO_DATABASE", from_env}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::exists(from_flag));
  EXPECT_FALSE(std::filesystem::exists(dir_.file("config.db")));

  r = plazo({"import", plan_, "--plan", "PAAC", "--year", "2023"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::exists(dir_.file("config.db")));
}

TEST_F(CliLogging, LevelComesFromTheConfigOrTheCommandLine) {
  ASSERT_EQ(plazo({"import", plan_, "--plan", "PAAC", "--year", "2023"}).exit_code, 0);
  // The config says warn: the pass (info) is not logged; the failed
  // attempts (warn) are.
  auto quiet = plazo({"run", "--once", "--now", "2023-11-23T08:00"});
  ASSERT_EQ(quiet.exit_code, 0) << quiet.err;
  EXPECT_EQ(quiet.err.find(" info "), std::string::npos) << quiet.err;

  auto r = plazo({"run", "--once", "--now", "2023-11-23T09:00", "--log-level", "debug"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find(" info pass at 2023-11-23T09:00:00-05:00: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(" debug "), std::string::npos) << r.err;

  auto bad = plazo({"run", "--once", "--log-level", "loud"});
  EXPECT_EQ(bad.exit_code, 64);
  EXPECT_EQ(bad.err,
            "plazo: unknown log level \"loud\" (use trace, debug, info, warn, error, critical or "
            "off).\n");
}

TEST_F(CliLogging, UnderTheJournalLinesCarryPrioritiesAndNoTimestamps) {
  ASSERT_EQ(plazo({"import", plan_, "--plan", "PAAC", "--year", "2023"}).exit_code, 0);
  auto r = plazo({"run", "--once", "--now", "2023-11-23T08:00", "--log-level", "info"},
                 {{"JOURNAL_STREAM", "8:12345"}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("<6>pass at 2023-11-23T08:00:00-05:00: "), std::string::npos) << r.err;
  std::istringstream lines(r.err);
  int logged = 0;
  for (std::string line; std::getline(lines, line); ++logged) {
    ASSERT_GE(line.size(), 3u) << line;
    EXPECT_TRUE(line[0] == '<' && line[2] == '>' && line[1] >= '0' && line[1] <= '7') << line;
    EXPECT_NE(line.substr(3, 4), "2026") << "a timestamp: " << line;
  }
  EXPECT_GT(logged, 1);
}

TEST_F(CliLogging, SecretsNeverAppearInTheLogs) {
  ASSERT_EQ(plazo({"import", plan_, "--plan", "PAAC", "--year", "2023"}).exit_code, 0);
  auto r = plazo({"run", "--once", "--now", "2023-11-23T08:00", "--log-level", "trace"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("127.0.0.1"), std::string::npos) << "the attempts were logged: " << r.err;
  EXPECT_EQ(r.err.find("pa55-s3cr3t-smtp"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("s3cr3t-hmac-key"), std::string::npos) << r.err;
  auto outbox = plazo({"outbox", "log", "--format", "json"}, {{"PLAZO_DATABASE", ""}});
  EXPECT_EQ(outbox.out.find("s3cr3t"), std::string::npos) << outbox.out;
}

}  // namespace
}  // namespace plazo::testing
