// Loading configs that are right: the shipped examples, defaults, and what a
// loaded Config promises (resolved paths, parsed values).

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "config/config.h"
#include "support/temp_dir.h"

namespace plazo {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

const std::string kExamples = std::string(PLAZO_SOURCE_DIR) + "/config/examples/";

std::vector<std::string> lines(const std::vector<ConfigError>& problems) {
  std::vector<std::string> result;
  for (const auto& problem : problems) result.push_back(problem.to_string());
  return result;
}

Date day(const char* text) {
  return *parse_iso_date(text);
}

TEST(LoadConfig, ItaguiExampleLoadsCleanly) {
  const LoadResult result = load_config(kExamples + "itagui-2023.toml");
  ASSERT_TRUE(result.ok()) << ::testing::PrintToString(lines(result.errors));
  EXPECT_THAT(lines(result.warnings), IsEmpty());
  const Config& config = *result.config;

  EXPECT_EQ(config.path, kExamples + "itagui-2023.toml");
  EXPECT_EQ(config.daemon.timezone, "America/Bogota");
  EXPECT_EQ(config.daemon.send_time, minutes{8 * 60});
  EXPECT_EQ(config.calendar.holidays, "CO");
  EXPECT_THAT(config.calendar.extra_closed, ElementsAre(day("2023-12-26")));
  EXPECT_EQ(config.email.url, "smtp://127.0.0.1:25");
  EXPECT_EQ(config.email.from, "PAAC Itagüí <paac@example.org>");

  std::vector<std::string> ids;
  for (const auto& unit : config.units) ids.push_back(unit.id);
  EXPECT_THAT(ids, ElementsAre("planeacion", "evaluacion", "general", "servicios-administrativos",
                               "educacion", "tic", "participacion", "juridica", "comunicaciones",
                               "gobierno", "familia", "hacienda"));
  EXPECT_THAT(config.find_unit("comunicaciones")->aliases,
              ElementsAre("Secretaría de las comunicaciones", "Secretaría de comunicaciones"));
  EXPECT_THAT(config.find_unit("planeacion")->aliases,
              ElementsAre("Departamento Administrativo de planeación"));
  EXPECT_THAT(config.find_unit("hacienda")->emails, ElementsAre("hacienda@example.org"));
  ASSERT_EQ(config.oversight_units().size(), 1u);
  EXPECT_EQ(config.oversight_units()[0]->id, "evaluacion");

  std::map<std::string, std::string> formats;
  for (const auto& [name, webhook] : config.webhooks) formats[name] = to_string(webhook.format);
  EXPECT_EQ(formats, (std::map<std::string, std::string>{{"educacion-chat", "google_chat"},
                                                         {"evaluacion-hook", "generic"},
                                                         {"general-mattermost", "mattermost"},
                                                         {"planeacion-teams", "teams"},
                                                         {"tic-slack", "slack"}}));

  ASSERT_EQ(config.cycles.size(), 2u);
  const Cycle& paac = config.cycles[0];
  EXPECT_EQ(paac.name, "Seguimiento PAAC");
  EXPECT_THAT(paac.cutoffs, ElementsAre(date::April / 30, date::August / 31, date::December / 31));
  EXPECT_THAT(paac.remind_before_days, ElementsAre(10, 3));
  EXPECT_EQ(paac.publish_within_business_days, 10);
  EXPECT_EQ(paac.publisher, "evaluacion");
  EXPECT_EQ(paac.activities, std::nullopt);
  const Cycle& quarterly = config.cycles[1];
  EXPECT_THAT(quarterly.cutoffs, ElementsAre(date::March / 31, date::June / 30,
                                             date::September / 30, date::December / 31));
  ASSERT_TRUE(quarterly.activities.has_value());
  EXPECT_THAT(*quarterly.activities, ElementsAre("1.7", "1.8", "1.11", "1.12", "3.11"));
  EXPECT_EQ(quarterly.publisher, "planeacion");
  EXPECT_EQ(config.links.plan, "https://itagui.gov.co/transparencia/plan_accion");
  EXPECT_EQ(config.links.activity, "");
}

TEST(LoadConfig, MinimalExampleLoadsCleanly) {
  const LoadResult result = load_config(kExamples + "minimal.toml");
  ASSERT_TRUE(result.ok()) << ::testing::PrintToString(lines(result.errors));
  EXPECT_THAT(lines(result.warnings), IsEmpty());
  EXPECT_EQ(result.config->units.size(), 3u);
  EXPECT_EQ(result.config->oversight_units().size(), 1u);
}

TEST(LoadConfig, EmptyFileGetsEveryDefault) {
  const LoadResult result = load_config_from_string("", "/etc/plazo/plazo.toml");
  ASSERT_TRUE(result.ok());
  const Config& config = *result.config;
  EXPECT_EQ(config.daemon.database, "/var/lib/plazo/plazo.db");
  EXPECT_EQ(config.daemon.timezone, "America/Bogota");
  EXPECT_EQ(config.daemon.send_time, minutes{480});
  EXPECT_EQ(config.daemon.log_level, "info");
  EXPECT_EQ(config.health.listen, "127.0.0.1:9464");
  EXPECT_EQ(config.health.host, "127.0.0.1");
  EXPECT_EQ(config.health.port, 9464);
  EXPECT_EQ(config.calendar.holidays, "CO");
  EXPECT_THAT(config.calendar.extra_closed, IsEmpty());
  EXPECT_FALSE(config.calendar.saturday_is_business_day);
  EXPECT_EQ(config.email.url, "");
  EXPECT_EQ(config.email.starttls, StartTls::kOpportunistic);
  EXPECT_EQ(config.email.timeout_seconds, 30);
  EXPECT_THAT(config.webhooks, IsEmpty());
  EXPECT_THAT(config.units, IsEmpty());
  EXPECT_THAT(config.reminders.before_days, ElementsAre(15, 5, 1));
  EXPECT_TRUE(config.reminders.business_days);
  EXPECT_TRUE(config.reminders.on_deadline);
  EXPECT_EQ(config.reminders.overdue_every_days, 5);
  EXPECT_EQ(config.reminders.escalate_after_days, 10);
  EXPECT_TRUE(config.reminders.digest);
  EXPECT_THAT(config.reminders.channels, ElementsAre(Channel::kEmail, Channel::kWebhook));
  EXPECT_EQ(config.reminders.misfire_grace, hours{12});
  EXPECT_THAT(config.cycles, IsEmpty());
  EXPECT_EQ(config.delivery.max_attempts, 10);
  EXPECT_EQ(config.delivery.max_age, hours{48});
  EXPECT_EQ(config.delivery.initial_backoff, seconds{30});
  EXPECT_EQ(config.delivery.max_backoff, hours{1});
  EXPECT_EQ(config.delivery.concurrency, 64);
  EXPECT_EQ(config.templates.dir, "");
  EXPECT_EQ(config.links.plan, "");
  EXPECT_EQ(config.links.activity, "");
  EXPECT_THAT(lines(result.warnings),
              ElementsAre("/etc/plazo/plazo.toml: no unit has oversight = true, so escalations "
                          "after 10 days overdue go nowhere (set oversight = true on the "
                          "internal-control unit, or escalate_after_days = 0)",
                          "/etc/plazo/plazo.toml: no [[units]] are defined, so nobody gets "
                          "reminders (add a [[units]] table for each administrative unit)"));
}

TEST(LoadConfig, CycleDefaultsApply) {
  const LoadResult result = load_config_from_string(R"(
[[cycles]]
name = "Seguimiento"
cutoffs = ["12-31", "04-30", "08-31", "04-30"]
)",
                                                    "plazo.toml");
  ASSERT_TRUE(result.ok());
  const Cycle& cycle = result.config->cycles.at(0);
  EXPECT_THAT(cycle.cutoffs, ElementsAre(date::April / 30, date::August / 31, date::December / 31));
  EXPECT_THAT(cycle.remind_before_days, ElementsAre(10, 3));
  EXPECT_EQ(cycle.publish_within_business_days, 10);
  EXPECT_EQ(cycle.activities, std::nullopt);
}

TEST(LoadConfig, ReadsEveryValueWritten) {
  const LoadResult result = load_config_from_string(R"(
[daemon]
database = "data/plazo.db"
timezone = "Europe/Madrid"
send_time = "7:30"
log_level = "debug"
[health]
listen = "[::1]:9000"
[calendar]
holidays = "none"
extra_closed = ["2023-12-26", 2024-01-02]
saturday_is_business_day = true
[email]
url = "smtps://mail.example.org:465"
from = "ops@example.org"
starttls = "required"
timeout_seconds = 600
[reminders]
before_days = []
business_days = false
on_deadline = false
overdue_every_days = 0
escalate_after_days = 0
digest = false
channels = ["webhook"]
misfire_grace = "1h30m"
[delivery]
max_attempts = 100
max_age = "30d"
initial_backoff = "1s"
max_backoff = "1s"
concurrency = 1024
[links]
plan = "https://www.example.org/paac"
activity = "http://intranet/paac/{activity}/{activity}"
)",
                                                    "/srv/plazo/plazo.toml");
  ASSERT_TRUE(result.ok()) << ::testing::PrintToString(lines(result.errors));
  const Config& config = *result.config;
  EXPECT_EQ(config.daemon.database, "/srv/plazo/data/plazo.db");
  EXPECT_EQ(config.daemon.timezone, "Europe/Madrid");
  EXPECT_EQ(config.daemon.send_time, minutes{7 * 60 + 30});
  EXPECT_EQ(config.daemon.log_level, "debug");
  EXPECT_EQ(config.health.host, "::1");
  EXPECT_EQ(config.health.port, 9000);
  EXPECT_EQ(config.calendar.holidays, "none");
  EXPECT_THAT(config.calendar.extra_closed, ElementsAre(day("2023-12-26"), day("2024-01-02")));
  EXPECT_TRUE(config.calendar.saturday_is_business_day);
  EXPECT_EQ(config.email.starttls, StartTls::kRequired);
  EXPECT_EQ(config.email.timeout_seconds, 600);
  EXPECT_THAT(config.reminders.before_days, IsEmpty());
  EXPECT_FALSE(config.reminders.business_days);
  EXPECT_FALSE(config.reminders.on_deadline);
  EXPECT_EQ(config.reminders.overdue_every_days, 0);
  EXPECT_EQ(config.reminders.escalate_after_days, 0);
  EXPECT_FALSE(config.reminders.digest);
  EXPECT_THAT(config.reminders.channels, ElementsAre(Channel::kWebhook));
  EXPECT_EQ(config.reminders.misfire_grace, minutes{90});
  EXPECT_EQ(config.delivery.max_attempts, 100);
  EXPECT_EQ(config.delivery.max_age, hours{24 * 30});
  EXPECT_EQ(config.delivery.initial_backoff, seconds{1});
  EXPECT_EQ(config.delivery.max_backoff, seconds{1});
  EXPECT_EQ(config.delivery.concurrency, 1024);
  EXPECT_EQ(config.links.plan, "https://www.example.org/paac");
  EXPECT_EQ(config.links.activity, "http://intranet/paac/{activity}/{activity}");
}

TEST(LoadConfig, EmptyListenDisablesHealth) {
  const LoadResult result = load_config_from_string("[health]\nlisten = \"\"\n", "plazo.toml");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.config->health.listen, "");
  EXPECT_EQ(result.config->health.host, "");
  EXPECT_EQ(result.config->health.port, 0);
}

TEST(LoadConfig, SecretFilesResolveFromTheConfigDirectory) {
  testing::TempDir dir;
  const std::string password = dir.write("secrets/smtp", "s3cret\n");
  const std::string hook_secret = dir.write("hook.key", "k\n");
  ASSERT_EQ(chmod(password.c_str(), 0600), 0);
  ASSERT_EQ(chmod(hook_secret.c_str(), 0640), 0);
  std::filesystem::create_directory(dir.path() / "templates");
  const std::string path = dir.write("plazo.toml", R"(
[email]
url = "smtp://127.0.0.1:25"
from = "paac@example.org"
username = "paac"
password_file = "secrets/smtp"
[webhooks.hook]
url = "https://example.org/hook"
secret_file = "hook.key"
[[units]]
id = "a"
name = "A"
webhooks = ["hook"]
oversight = true
[templates]
dir = "templates"
)");
  const LoadResult result = load_config(path);
  ASSERT_TRUE(result.ok()) << ::testing::PrintToString(lines(result.errors));
  EXPECT_EQ(result.config->email.password_file, password);
  EXPECT_EQ(result.config->webhooks.at("hook").secret_file, hook_secret);
  EXPECT_EQ(result.config->templates.dir, dir.file("templates"));
}

TEST(LoadConfig, EmailAcceptsASingleString) {
  const LoadResult result = load_config_from_string(R"(
[email]
url = "smtp://127.0.0.1:25"
from = "paac@example.org"
[[units]]
id = "general"
name = "Secretaría General"
email = "general@example.org"
oversight = true
)",
                                                    "plazo.toml");
  ASSERT_TRUE(result.ok());
  EXPECT_THAT(result.config->units.at(0).emails, ElementsAre("general@example.org"));
  EXPECT_THAT(result.warnings, IsEmpty());
}

TEST(LoadConfig, MissingFileIsOneError) {
  testing::TempDir dir;
  const std::string path = dir.file("nope.toml");
  const LoadResult result = load_config(path);
  EXPECT_FALSE(result.ok());
  EXPECT_FALSE(result.config.has_value());
  EXPECT_THAT(lines(result.errors),
              ElementsAre(path + ": cannot read the config file: No such file or directory (pass "
                                 "the right path with --config or $PLAZO_CONFIG)"));
}

TEST(LoadConfig, DirectoryIsOneError) {
  testing::TempDir dir;
  const LoadResult result = load_config(dir.path().string());
  EXPECT_THAT(lines(result.errors),
              ElementsAre(dir.path().string() +
                          ": cannot read the config file: it is a directory (pass the right path "
                          "with --config or $PLAZO_CONFIG)"));
}

TEST(ConfigError, ToStringWithAndWithoutPosition) {
  EXPECT_EQ((ConfigError{"a.toml", 3, 7, "bad", "fix it"}).to_string(), "a.toml:3:7: bad (fix it)");
  EXPECT_EQ((ConfigError{"a.toml", 0, 0, "bad", ""}).to_string(), "a.toml: bad");
}

}  // namespace
}  // namespace plazo
