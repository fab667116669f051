// Every kind of mistake an admin can make in the config, one test each: the
// exact place (file:line:column), message and hint check-config prints.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "config/config.h"
#include "support/temp_dir.h"

namespace plazo {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::string> lines(const std::vector<ConfigError>& problems) {
  std::vector<std::string> result;
  for (const auto& problem : problems) result.push_back(problem.to_string());
  return result;
}

// The errors of `text` read as "plazo.toml", as check-config prints them.
// A config with errors must not come back as loaded.
std::vector<std::string> errors_of(std::string_view text) {
  const LoadResult result = load_config_from_string(text, "plazo.toml");
  EXPECT_EQ(result.config.has_value(), result.errors.empty());
  return lines(result.errors);
}

std::vector<std::string> warnings_of(std::string_view text) {
  return lines(load_config_from_string(text, "plazo.toml").warnings);
}

// ---- TOML syntax -----------------------------------------------------------

TEST(ConfigErrors, UnterminatedStringIsASyntaxError) {
  const LoadResult result =
      load_config_from_string("[daemon]\ntimezone = \"America/Bogota\n", "plazo.toml");
  ASSERT_EQ(result.errors.size(), 1u);
  const ConfigError& error = result.errors[0];
  EXPECT_EQ(error.file, "plazo.toml");
  EXPECT_EQ(error.line, 2);
  EXPECT_EQ(error.column, 27);
  EXPECT_EQ(error.message,
            "Error while parsing string: unescaped control characters other than TAB (U+0009) "
            "are explicitly prohibited");
  EXPECT_EQ(error.hint, "the file is not valid TOML; fix this first, nothing else was checked");
  EXPECT_FALSE(result.config.has_value());
}

TEST(ConfigErrors, RepeatedKeyIsASyntaxError) {
  EXPECT_THAT(errors_of("[email]\nurl = \"smtp://a\"\nurl = \"smtp://b\"\n"),
              ElementsAre("plazo.toml:3:7: Error while parsing key-value pair: cannot redefine "
                          "existing string 'url' (the file is not valid TOML; fix this first, "
                          "nothing else was checked)"));
}

TEST(ConfigErrors, MissingEqualsIsASyntaxError) {
  EXPECT_THAT(errors_of("[reminders]\ndigest true\n"),
              ElementsAre("plazo.toml:2:8: Error while parsing key-value pair: expected '=', "
                          "saw 't' (the file is not valid TOML; fix this first, nothing else "
                          "was checked)"));
}

// ---- unknown tables and keys -----------------------------------------------

TEST(ConfigErrors, UnknownTableSuggestsTheClosestOne) {
  EXPECT_THAT(errors_of("[remiders]\ndigest = true\n"),
              ElementsAre("plazo.toml:1:2: unknown table [remiders] (did you mean [reminders]?)"));
}

TEST(ConfigErrors, UnknownArrayOfTablesSuggestsTheClosestOne) {
  EXPECT_THAT(errors_of("[[unit]]\nid = \"a\"\n"),
              ElementsAre("plazo.toml:1:3: unknown table [[unit]] (did you mean [[units]]?)"));
}

TEST(ConfigErrors, UnknownTopLevelKeyListsTheTables) {
  EXPECT_THAT(errors_of("verbose = true\n"),
              ElementsAre("plazo.toml:1:1: unknown key \"verbose\" outside any table (the tables "
                          "are [daemon], [health], [calendar], [email], [webhooks.NAME], "
                          "[[units]], [reminders], [[cycles]], [delivery], [templates], [links])"));
}

TEST(ConfigErrors, UnknownKeySuggestsTheClosestOne) {
  EXPECT_THAT(errors_of("[email]\ntiemout_seconds = 5\n"),
              ElementsAre("plazo.toml:2:1: unknown key \"tiemout_seconds\" in [email] (did you "
                          "mean \"timeout_seconds\"?)"));
}

TEST(ConfigErrors, UnknownKeyWithNothingCloseListsTheKeys) {
  EXPECT_THAT(errors_of("[health]\nport = 9464\n"),
              ElementsAre("plazo.toml:2:1: unknown key \"port\" in [health] (the keys of "
                          "[health] are listen)"));
}

TEST(ConfigErrors, UnknownKeyInAUnitNamesTheUnit) {
  EXPECT_THAT(errors_of("[[units]]\nid = \"general\"\nname = \"Secretaría General\"\n"
                        "emails = [\"general@example.org\"]\n"),
              ElementsAre("plazo.toml:4:1: unknown key \"emails\" in unit \"general\" (did you "
                          "mean \"email\"?)"));
}

// ---- wrong types -----------------------------------------------------------

TEST(ConfigErrors, StringWhereAnIntegerBelongs) {
  EXPECT_THAT(errors_of("[email]\ntimeout_seconds = \"30\"\n"),
              ElementsAre("plazo.toml:2:19: [email] timeout_seconds: expected an integer, got a "
                          "string (write it as timeout_seconds = 30)"));
}

TEST(ConfigErrors, StringWhereABooleanBelongs) {
  EXPECT_THAT(errors_of("[reminders]\ndigest = \"yes\"\n"),
              ElementsAre("plazo.toml:2:10: [reminders] digest: expected true or false, got a "
                          "string (write it as digest = true)"));
}

TEST(ConfigErrors, WrongTypeInsideAnArrayPointsAtTheElement) {
  EXPECT_THAT(errors_of("[reminders]\nbefore_days = [15, \"5\", 1]\n"),
              ElementsAre("plazo.toml:2:20: [reminders] before_days: expected an integer, got a "
                          "string (write it as before_days = [15, 5, 1])"));
}

TEST(ConfigErrors, SectionThatIsNotATable) {
  EXPECT_THAT(errors_of("email = \"paac@example.org\"\n"),
              ElementsAre("plazo.toml:1:9: email: expected a table, got a string (write it as a "
                          "table under the header [email])"));
}

TEST(ConfigErrors, UnitsWrittenAsOneTable) {
  EXPECT_THAT(errors_of("[units]\nid = \"general\"\n"),
              ElementsAre("plazo.toml:1:1: units: expected an array of tables, got a table (write "
                          "each entry under its own [[units]] header)"));
}

// ---- numbers out of range --------------------------------------------------

TEST(ConfigErrors, TimeoutOutOfRange) {
  EXPECT_THAT(errors_of("[email]\ntimeout_seconds = 0\n"),
              ElementsAre("plazo.toml:2:19: [email] timeout_seconds: 0 is out of range (use a "
                          "number from 1 to 600)"));
}

TEST(ConfigErrors, ConcurrencyOutOfRange) {
  EXPECT_THAT(errors_of("[delivery]\nconcurrency = 5000\n"),
              ElementsAre("plazo.toml:2:15: [delivery] concurrency: 5000 is out of range (use a "
                          "number from 1 to 1024)"));
}

TEST(ConfigErrors, MaxAttemptsOutOfRange) {
  EXPECT_THAT(errors_of("[delivery]\nmax_attempts = 0\n"),
              ElementsAre("plazo.toml:2:16: [delivery] max_attempts: 0 is out of range (use a "
                          "number from 1 to 100)"));
}

TEST(ConfigErrors, BeforeDaysOutOfRangeReportsEachElement) {
  EXPECT_THAT(errors_of("[reminders]\nbefore_days = [15, -1, 400]\n"),
              ElementsAre("plazo.toml:2:20: [reminders] before_days: -1 is out of range (use a "
                          "number from 0 to 366)",
                          "plazo.toml:2:24: [reminders] before_days: 400 is out of range (use a "
                          "number from 0 to 366)"));
}

TEST(ConfigErrors, HugeIntegerIsOutOfRangeNotAbsent) {
  EXPECT_THAT(errors_of("[reminders]\noverdue_every_days = 4294967301\n"),
              ElementsAre("plazo.toml:2:22: [reminders] overdue_every_days: 4294967301 is out of "
                          "range (use a number from 0 to 366)"));
}

TEST(ConfigErrors, ListenPortOutOfRange) {
  EXPECT_THAT(errors_of("[health]\nlisten = \"127.0.0.1:70000\"\n"),
              ElementsAre("plazo.toml:2:10: [health] listen: port \"70000\" is not a number from "
                          "1 to 65535 (write it as \"127.0.0.1:9464\" or \"[::1]:9464\")"));
}

TEST(ConfigErrors, ListenNeedsAnIpAddress) {
  EXPECT_THAT(errors_of("[health]\nlisten = \"localhost:9464\"\n"),
              ElementsAre("plazo.toml:2:10: [health] listen: \"localhost\" is not an IP address "
                          "(write it as \"127.0.0.1:9464\" or \"[::1]:9464\")"));
}

// ---- malformed values ------------------------------------------------------

TEST(ConfigErrors, UnitEmailAddressMalformed) {
  EXPECT_THAT(errors_of(R"([email]
url = "smtp://127.0.0.1:25"
from = "paac@example.org"
[[units]]
id = "general"
name = "Secretaría General"
email = ["general@example.org", "general@"]
oversight = true
)"),
              ElementsAre("plazo.toml:7:33: unit \"general\" email: \"general@\" is not a valid "
                          "email address (write it as \"name@example.org\")"));
}

TEST(ConfigErrors, FromMailboxMalformed) {
  EXPECT_THAT(
      errors_of(
          "[email]\nurl = \"smtp://127.0.0.1\"\nfrom = \"PAAC, Itagüí <paac@example.org>\"\n"),
      ElementsAre("plazo.toml:3:8: [email] from: the display name \"PAAC, Itagüí\" has "
                  "special characters and needs double quotes around it (write it as "
                  "\"Name <address@example.org>\" or \"address@example.org\")"));
}

TEST(ConfigErrors, FromMissingWhenEmailIsConfigured) {
  EXPECT_THAT(errors_of("[email]\nurl = \"smtp://127.0.0.1\"\n"),
              ElementsAre("plazo.toml:1:1: [email] has a url but no from address (add from = "
                          "\"PAAC <paac@example.org>\")"));
}

TEST(ConfigErrors, EmailUrlWithWrongScheme) {
  EXPECT_THAT(errors_of("[email]\nurl = \"https://mail.example.org\"\nfrom = \"a@example.org\"\n"),
              ElementsAre("plazo.toml:2:7: [email] url: scheme \"https\" is not smtp or smtps "
                          "(write it as \"smtp://host:25\" or \"smtps://host:465\")"));
}

TEST(ConfigErrors, EmailUrlWithoutHost) {
  EXPECT_THAT(errors_of("[email]\nurl = \"smtp://\"\nfrom = \"a@example.org\"\n"),
              ElementsAre("plazo.toml:2:7: [email] url: \"smtp://\" has no host (write it as "
                          "\"smtp://host:25\" or \"smtps://host:465\")"));
}

TEST(ConfigErrors, StartTlsModeUnknown) {
  EXPECT_THAT(errors_of("[email]\nstarttls = \"yes\"\n"),
              ElementsAre("plazo.toml:2:12: [email] starttls: \"yes\" is not one of required, "
                          "opportunistic, off (write it as starttls = \"opportunistic\")"));
}

TEST(ConfigErrors, WebhookUrlWithWrongScheme) {
  EXPECT_THAT(errors_of("[webhooks.x]\nurl = \"ftp://example.org/hook\"\n"),
              ElementsAre("plazo.toml:2:7: [webhooks.x] url: scheme \"ftp\" is not http or https "
                          "(write it as \"https://example.org/hook\")"));
}

TEST(ConfigErrors, LinkThatIsNotAWebAddress) {
  EXPECT_THAT(
      errors_of("[links]\nplan = \"itagui.gov.co/plan\"\nactivity = \"ftp://x.org/{activity}\"\n"),
      ElementsAre("plazo.toml:2:8: [links] plan: \"itagui.gov.co/plan\" is not a URL (write it "
                  "as plan = \"https://example.org/transparencia/plan-anticorrupcion\", or "
                  "remove plan)",
                  "plazo.toml:3:12: [links] activity: scheme \"ftp\" is not http or https "
                  "(write it as activity = \"https://intranet.example.org/paac/{activity}\", "
                  "or remove activity)"));
}

TEST(ConfigErrors, ActivityLinkNeedsItsPlaceholder) {
  EXPECT_THAT(
      errors_of("[links]\nactivity = \"https://intranet.example.org/paac\"\n"),
      ElementsAre("plazo.toml:2:12: [links] activity: \"https://intranet.example.org/paac\" "
                  "has no {activity} (put {activity} where the activity number goes; write "
                  "it as activity = \"https://intranet.example.org/paac/{activity}\")"));
  EXPECT_THAT(
      errors_of("[links]\nactivity = \"https://x.example.org/{plan}/{activity}\"\n"),
      ElementsAre("plazo.toml:2:12: [links] activity: \"https://x.example.org/{plan}/{activity}\" "
                  "has a placeholder other than {activity} ({activity}, the activity "
                  "number, is the only one)"));
}

TEST(ConfigErrors, WebhookWithoutUrl) {
  EXPECT_THAT(errors_of("[webhooks.planeacion-teams]\nformat = \"teams\"\n"),
              ElementsAre("plazo.toml:1:1: [webhooks.planeacion-teams] has no url (add url = "
                          "\"https://example.org/hook\")"));
}

TEST(ConfigErrors, WebhookFormatTypoSuggestsTheFormat) {
  EXPECT_THAT(errors_of("[webhooks.x]\nurl = \"https://example.org/x\"\nformat = \"temas\"\n"),
              ElementsAre("plazo.toml:3:10: [webhooks.x] format: \"temas\" is not one of generic, "
                          "slack, teams, google_chat, mattermost (did you mean \"teams\"?)"));
}

TEST(ConfigErrors, WebhookNameMustBeASlug) {
  EXPECT_THAT(errors_of("[webhooks.Teams]\nurl = \"https://example.org/x\"\n"),
              ElementsAre("plazo.toml:1:11: [webhooks.Teams]: \"Teams\" is not a valid webhook "
                          "name (use lowercase letters, digits, '-' and '_', e.g. "
                          "[webhooks.planeacion-teams])"));
}

TEST(ConfigErrors, UnknownTimeZone) {
  EXPECT_THAT(errors_of("[daemon]\ntimezone = \"America/Bogot\"\n"),
              ElementsAre("plazo.toml:2:12: [daemon] timezone: unknown time zone "
                          "\"America/Bogot\" (use an IANA zone name such as \"America/Bogota\")"));
}

TEST(ConfigErrors, SendTimeMalformed) {
  EXPECT_THAT(errors_of("[daemon]\nsend_time = \"25:00\"\n"),
              ElementsAre("plazo.toml:2:13: [daemon] send_time: \"25:00\" is not a time of day "
                          "(write it as \"HH:MM\", e.g. \"08:00\")"));
}

TEST(ConfigErrors, LogLevelUnknown) {
  EXPECT_THAT(errors_of("[daemon]\nlog_level = \"warning\"\n"),
              ElementsAre("plazo.toml:2:13: [daemon] log_level: \"warning\" is not one of trace, "
                          "debug, info, warn, error, critical, off (did you mean \"warn\"?)"));
}

TEST(ConfigErrors, DurationMalformed) {
  EXPECT_THAT(errors_of("[reminders]\nmisfire_grace = \"12 hours\"\n"),
              ElementsAre("plazo.toml:2:17: [reminders] misfire_grace: \"12 hours\" is not a "
                          "duration (write a number and a unit of d, h, m or s, e.g. \"12h\", "
                          "\"30m\" or \"1h30m\")"));
}

TEST(ConfigErrors, DurationOutOfRange) {
  EXPECT_THAT(errors_of("[reminders]\nmisfire_grace = \"8d\"\n"),
              ElementsAre("plazo.toml:2:17: [reminders] misfire_grace: \"8d\" is out of range "
                          "(use a duration from 0s to 7d)"));
}

TEST(ConfigErrors, MaxBackoffShorterThanInitialBackoff) {
  EXPECT_THAT(errors_of("[delivery]\ninitial_backoff = \"1h\"\nmax_backoff = \"30s\"\n"),
              ElementsAre("plazo.toml:3:15: [delivery] max_backoff (30s) is shorter than "
                          "initial_backoff (1h) (make max_backoff at least as long as "
                          "initial_backoff)"));
}

TEST(ConfigErrors, ExtraClosedDateMalformed) {
  EXPECT_THAT(errors_of("[calendar]\nextra_closed = [\"2023-12-26\", \"2023-02-30\"]\n"),
              ElementsAre("plazo.toml:2:31: [calendar] extra_closed: \"2023-02-30\" is not a date "
                          "(write it as \"YYYY-MM-DD\", e.g. \"2023-12-26\")"));
}

TEST(ConfigErrors, HolidayCalendarUnknown) {
  EXPECT_THAT(errors_of("[calendar]\nholidays = \"co\"\n"),
              ElementsAre("plazo.toml:2:12: [calendar] holidays: \"co\" is not one of CO, none "
                          "(did you mean \"CO\"?)"));
}

TEST(ConfigErrors, CutoffMalformed) {
  EXPECT_THAT(
      errors_of("[[cycles]]\nname = \"Seguimiento PAAC\"\ncutoffs = [\"04-31\", \"08-31\"]\n"),
      ElementsAre("plazo.toml:3:12: cycle \"Seguimiento PAAC\" cutoffs: \"04-31\" is not a "
                  "month and day (write it as \"MM-DD\", e.g. \"04-30\")"));
}

TEST(ConfigErrors, ChannelUnknownSuggestsTheChannel) {
  EXPECT_THAT(errors_of("[reminders]\nchannels = [\"emial\"]\n"),
              ElementsAre("plazo.toml:2:13: [reminders] channels: \"emial\" is not one of email, "
                          "webhook (did you mean \"email\"?)"));
}

TEST(ConfigErrors, ChannelListedTwice) {
  EXPECT_THAT(errors_of("[reminders]\nchannels = [\"webhook\", \"webhook\"]\n"),
              ElementsAre("plazo.toml:2:24: [reminders] channels: \"webhook\" is listed twice "
                          "(list each channel once)"));
}

// ---- units and cycles ------------------------------------------------------

TEST(ConfigErrors, UnitIdMustBeASlug) {
  EXPECT_THAT(errors_of("[[units]]\nid = \"Planeación\"\nname = \"Planeación\"\n"),
              ElementsAre("plazo.toml:2:6: unit #1 id: \"Planeación\" is not a valid id (use "
                          "lowercase letters, digits, '-' and '_', e.g. \"planeacion\")"));
}

TEST(ConfigErrors, UnitWithoutIdOrName) {
  EXPECT_THAT(errors_of("[[units]]\nid = \"general\"\nname = \"Secretaría General\"\n"
                        "[[units]]\noversight = true\n"),
              ElementsAre("plazo.toml:4:1: unit #2 has no id (add id = \"planeacion\", using "
                          "lowercase letters, digits, '-' and '_')",
                          "plazo.toml:4:1: unit #2 has no name (add name = \"Secretaría "
                          "General\", as the plan writes it)"));
}

TEST(ConfigErrors, DuplicateUnitIdPointsAtTheSecond) {
  EXPECT_THAT(errors_of(R"([[units]]
id = "general"
name = "Secretaría General"

[[units]]
id = "general"
name = "Secretaría de Gobierno"
)"),
              ElementsAre("plazo.toml:6:6: duplicate unit id \"general\" (first defined on line "
                          "2) (give each unit its own id)"));
}

TEST(ConfigErrors, SpellingThatNamesTwoUnits) {
  EXPECT_THAT(errors_of(R"([[units]]
id = "comunicaciones"
name = "Secretaría de Comunicaciones"
[[units]]
id = "prensa"
name = "Oficina de Prensa"
aliases = ["Secretaría de  comunicaciones"]
)"),
              ElementsAre("plazo.toml:7:12: unit \"prensa\": \"Secretaría de  comunicaciones\" "
                          "already names unit \"comunicaciones\" (each name and alias must "
                          "belong to one unit)"));
}

TEST(ConfigErrors, UnitRefersToAnUndefinedWebhook) {
  EXPECT_THAT(errors_of(R"([webhooks.planeacion-teams]
url = "https://example.org/teams"
format = "teams"
[[units]]
id = "planeacion"
name = "Planeación"
webhooks = ["planeacion-team"]
)"),
              ElementsAre("plazo.toml:7:13: unit \"planeacion\" webhooks: no webhook is named "
                          "\"planeacion-team\" (did you mean \"planeacion-teams\"?)"));
}

TEST(ConfigErrors, UnitRefersToAWebhookNothingResembles) {
  EXPECT_THAT(errors_of("[[units]]\nid = \"tic\"\nname = \"TIC\"\nwebhooks = [\"slack\"]\n"),
              ElementsAre("plazo.toml:4:13: unit \"tic\" webhooks: no webhook is named \"slack\" "
                          "(define it as [webhooks.slack])"));
}

TEST(ConfigErrors, CyclePublisherIsNotAUnit) {
  EXPECT_THAT(errors_of(R"([[units]]
id = "evaluacion"
name = "Secretaría de Evaluación y Control"
[[cycles]]
name = "Seguimiento PAAC"
cutoffs = ["04-30"]
publisher = "evaluacoin"
)"),
              ElementsAre("plazo.toml:7:13: cycle \"Seguimiento PAAC\" publisher: no unit has the "
                          "id \"evaluacoin\" (did you mean \"evaluacion\"?)"));
}

TEST(ConfigErrors, CycleWithoutNameOrCutoffs) {
  EXPECT_THAT(errors_of("[[cycles]]\nremind_before_days = [3]\n"),
              ElementsAre("plazo.toml:1:1: cycle #1 has no name (add name = \"Seguimiento PAAC\")",
                          "plazo.toml:1:1: cycle #1 has no cutoffs (add cutoffs = [\"04-30\", "
                          "\"08-31\", \"12-31\"])"));
}

TEST(ConfigErrors, CycleWithEmptyCutoffs) {
  EXPECT_THAT(errors_of("[[cycles]]\nname = \"Trimestral\"\ncutoffs = []\n"),
              ElementsAre("plazo.toml:3:11: cycle \"Trimestral\" has no cutoffs (add cutoffs = "
                          "[\"04-30\", \"08-31\", \"12-31\"])"));
}

TEST(ConfigErrors, DuplicateCycleName) {
  EXPECT_THAT(errors_of("[[cycles]]\nname = \"A\"\ncutoffs = [\"04-30\"]\n"
                        "[[cycles]]\nname = \"A\"\ncutoffs = [\"08-31\"]\n"),
              ElementsAre("plazo.toml:5:8: duplicate cycle name \"A\" (first defined on line 2) "
                          "(give each cycle its own name)"));
}

TEST(ConfigErrors, CycleActivitiesMustBeQuotedNumbers) {
  EXPECT_THAT(
      errors_of("[[cycles]]\nname = \"T\"\ncutoffs = [\"03-31\"]\nactivities = [1.7, \"3,11\"]\n"),
      ElementsAre("plazo.toml:4:15: cycle \"T\" activities: expected a string, got a float "
                  "(quote the activity numbers, e.g. [\"1.7\", \"3.11\"])",
                  "plazo.toml:4:20: cycle \"T\" activities: \"3,11\" is not an activity "
                  "number (write the number as the plan does, e.g. \"1.7\")"));
}

TEST(ConfigErrors, CycleActivitiesWordOtherThanAll) {
  EXPECT_THAT(
      errors_of("[[cycles]]\nname = \"T\"\ncutoffs = [\"03-31\"]\nactivities = \"todas\"\n"),
      ElementsAre("plazo.toml:4:14: cycle \"T\" activities: \"todas\" is not \"all\" (write "
                  "activities = \"all\" or a list such as [\"1.7\", \"3.11\"])"));
}

TEST(ConfigErrors, EmailAddressesWithoutAnSmtpUrl) {
  EXPECT_THAT(errors_of(R"([[units]]
id = "general"
name = "Secretaría General"
email = ["general@example.org"]
oversight = true
)"),
              ElementsAre("plazo.toml:4:9: unit \"general\" has email addresses but [email] url "
                          "is not set (set url in [email], or remove \"email\" from [reminders] "
                          "channels)"));
}

TEST(ConfigErrors, EmailAddressesAreFineWhenEmailIsNotAChannel) {
  EXPECT_THAT(errors_of(R"([reminders]
channels = ["webhook"]
[[units]]
id = "general"
name = "Secretaría General"
email = ["general@example.org"]
)"),
              IsEmpty());
}

TEST(ConfigErrors, TemplatesDirMissing) {
  testing::TempDir dir;
  const std::string path = dir.write("plazo.toml", "[templates]\ndir = \"mine\"\n");
  EXPECT_THAT(lines(load_config(path).errors),
              ElementsAre(path + ":2:7: [templates] dir: \"" + dir.file("mine") +
                          "\" does not exist (create the directory, or remove dir to use the "
                          "built-in templates)"));
}

// ---- secret files ----------------------------------------------------------

class SecretFiles : public ::testing::Test {
 protected:
  // A config in dir_ whose password_file and secret_file are `password` and `secret`.
  LoadResult load(const std::string& password, const std::string& secret) {
    const std::string path = dir_.write("plazo.toml", R"([email]
url = "smtp://127.0.0.1:25"
from = "paac@example.org"
username = "paac"
password_file = ")" + password + R"("
[webhooks.hook]
url = "https://example.org/hook"
secret_file = ")" + secret + R"("
)");
    return load_config(path);
  }
  std::string secret_file(const std::string& name, mode_t mode) {
    const std::string path = dir_.write(name, "s3cret\n");
    EXPECT_EQ(chmod(path.c_str(), mode), 0);
    return path;
  }
  testing::TempDir dir_;
};

TEST_F(SecretFiles, PrivateFilesAreAccepted) {
  secret_file("smtp-password", 0600);
  secret_file("hook-secret", 0640);
  const LoadResult result = load("smtp-password", "hook-secret");
  EXPECT_THAT(lines(result.errors), IsEmpty());
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.config->email.password_file, dir_.file("smtp-password"));
}

TEST_F(SecretFiles, WorldReadableFilesAreRefused) {
  const std::string password = secret_file("smtp-password", 0644);
  const std::string secret = secret_file("hook-secret", 0604);
  EXPECT_THAT(
      lines(load("smtp-password", secret).errors),
      ElementsAre(dir_.file("plazo.toml") + ":5:17: [email] password_file: \"" + password +
                      "\" is accessible to every user (mode 0644) (run chmod o-rwx " + password +
                      ")",
                  dir_.file("plazo.toml") + ":8:15: [webhooks.hook] secret_file: \"" + secret +
                      "\" is accessible to every user (mode 0604) (run chmod "
                      "o-rwx " +
                      secret + ")"));
}

TEST_F(SecretFiles, MissingFilesAreRefusedWithTheResolvedPath) {
  secret_file("hook-secret", 0600);
  EXPECT_THAT(lines(load("secrets/smtp", "hook-secret").errors),
              ElementsAre(dir_.file("plazo.toml") + ":5:17: [email] password_file: \"" +
                          dir_.file("secrets/smtp") +
                          "\" does not exist (create it holding only the secret, readable by "
                          "plazo alone: chmod 600)"));
}

TEST_F(SecretFiles, DirectoryIsNotASecretFile) {
  secret_file("smtp-password", 0600);
  std::filesystem::create_directory(dir_.path() / "keys");
  EXPECT_THAT(lines(load("smtp-password", "keys").errors),
              ElementsAre(dir_.file("plazo.toml") + ":8:15: [webhooks.hook] secret_file: \"" +
                          dir_.file("keys") +
                          "\" is not a regular file (point it at the file that holds the secret)"));
}

// ---- all at once -----------------------------------------------------------

TEST(ConfigErrors, EveryErrorIsReportedInFileOrder) {
  const LoadResult result = load_config_from_string(R"([daemon]
timezone = "Mars/Olympus"
send_time = "8am"

[email]
url = "smtp://127.0.0.1:25"
from = "paac@example.org"
timeout_seconds = 0

[[units]]
id = "general"
name = "Secretaría General"
email = ["general@", "ok@example.org"]
webhooks = ["chat"]
colour = "blue"

[reminders]
before_days = [15, -1]

[[cycles]]
name = "Seguimiento PAAC"
cutoffs = ["04-30", "13-01"]
publisher = "nadie"
)",
                                                    "plazo.toml");
  EXPECT_FALSE(result.config.has_value());
  EXPECT_THAT(
      lines(result.errors),
      ElementsAre(
          "plazo.toml:2:12: [daemon] timezone: unknown time zone \"Mars/Olympus\" (use an IANA "
          "zone name such as \"America/Bogota\")",
          "plazo.toml:3:13: [daemon] send_time: \"8am\" is not a time of day (write it as "
          "\"HH:MM\", e.g. \"08:00\")",
          "plazo.toml:8:19: [email] timeout_seconds: 0 is out of range (use a number from 1 to "
          "600)",
          "plazo.toml:13:10: unit \"general\" email: \"general@\" is not a valid email address "
          "(write it as \"name@example.org\")",
          "plazo.toml:14:13: unit \"general\" webhooks: no webhook is named \"chat\" (define it as "
          "[webhooks.chat])",
          "plazo.toml:15:1: unknown key \"colour\" in unit \"general\" (the keys of unit "
          "\"general\" are id, name, aliases, email, webhooks, oversight)",
          "plazo.toml:18:20: [reminders] before_days: -1 is out of range (use a number from 0 to "
          "366)",
          "plazo.toml:22:21: cycle \"Seguimiento PAAC\" cutoffs: \"13-01\" is not a month and day "
          "(write it as \"MM-DD\", e.g. \"04-30\")",
          "plazo.toml:23:13: cycle \"Seguimiento PAAC\" publisher: no unit has the id \"nadie\" "
          "(use the id of one of the [[units]])"));
}

// ---- warnings --------------------------------------------------------------

TEST(ConfigWarnings, EscalationWithoutOversightUnit) {
  EXPECT_THAT(warnings_of(R"([reminders]
escalate_after_days = 7
[[units]]
id = "general"
name = "Secretaría General"
webhooks = ["hook"]
[webhooks.hook]
url = "https://example.org/hook"
)"),
              ElementsAre("plazo.toml:2:23: no unit has oversight = true, so escalations after 7 "
                          "days overdue go nowhere (set oversight = true on the internal-control "
                          "unit, or escalate_after_days = 0)"));
}

TEST(ConfigWarnings, NoEscalationNoOversightIsFine) {
  EXPECT_THAT(warnings_of(R"([reminders]
escalate_after_days = 0
[[units]]
id = "general"
name = "Secretaría General"
webhooks = ["hook"]
[webhooks.hook]
url = "https://example.org/hook"
)"),
              IsEmpty());
}

TEST(ConfigWarnings, UnitNobodyCanReach) {
  EXPECT_THAT(warnings_of(R"([[units]]
id = "evaluacion"
name = "Secretaría de Evaluación y Control"
oversight = true
)"),
              ElementsAre("plazo.toml:1:1: unit \"evaluacion\" has no email address and no "
                          "webhook, so it gets no reminders (add email = [\"...\"] or webhooks = "
                          "[\"...\"])"));
}

TEST(ConfigWarnings, UnitOnlyOnADisabledChannel) {
  EXPECT_THAT(warnings_of(R"([reminders]
channels = ["email"]
[email]
url = "smtp://127.0.0.1"
from = "paac@example.org"
[webhooks.hook]
url = "https://example.org/hook"
[[units]]
id = "evaluacion"
name = "Secretaría de Evaluación y Control"
webhooks = ["hook"]
oversight = true
)"),
              ElementsAre("plazo.toml:8:1: unit \"evaluacion\" cannot be reached on the channels "
                          "in [reminders] channels, so it gets no reminders (add the channel it "
                          "has to [reminders] channels, or give it an address on one there)"));
}

TEST(ConfigWarnings, UnusedWebhookAndPlainHttp) {
  EXPECT_THAT(warnings_of(R"([webhooks.old]
url = "http://hooks.example.org/old"
[webhooks.local]
url = "http://127.0.0.1:8080/hook"
[[units]]
id = "evaluacion"
name = "Secretaría de Evaluación y Control"
webhooks = ["local"]
oversight = true
)"),
              ElementsAre("plazo.toml:1:11: [webhooks.old] is not used by any unit (add \"old\" to "
                          "a unit's webhooks, or remove it)",
                          "plazo.toml:2:7: [webhooks.old] url: \"http://hooks.example.org/old\" is "
                          "not encrypted (use https:// unless the receiver is on this host)"));
}

TEST(ConfigWarnings, CycleWithoutPublisher) {
  EXPECT_THAT(warnings_of(R"([reminders]
escalate_after_days = 0
[[cycles]]
name = "Seguimiento PAAC"
cutoffs = ["04-30"]
)"),
              ElementsAre("plazo.toml:3:1: cycle \"Seguimiento PAAC\" has no publisher, so nobody "
                          "is reminded to publish it (add publisher = \"<unit id>\", or "
                          "publish_within_business_days = 0)",
                          "plazo.toml: no [[units]] are defined, so nobody gets reminders (add a "
                          "[[units]] table for each administrative unit)"));
}

TEST(ConfigWarnings, WarningsDoNotBlockLoading) {
  const LoadResult result = load_config_from_string(
      "[[units]]\nid = \"general\"\nname = \"Secretaría General\"\n", "plazo.toml");
  EXPECT_TRUE(result.ok());
  EXPECT_EQ(result.warnings.size(), 2u);
}

}  // namespace
}  // namespace plazo
