// plazo run as systemd runs it: the real binary with a temp config and
// database, health on a free 127.0.0.1 port, a fake NOTIFY_SOCKET and a
// local webhook receiver. READY and WATCHDOG arrive; the health endpoint
// answers; SIGHUP with a broken config keeps the old one (and says so),
// with a good one applies it; SIGTERM exits 0 within 5 s, even while
// deliveries hang.
#include <gtest/gtest.h>

#include <csignal>
#include <future>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "config/config.h"
#include "daemon/loopback_http.h"
#include "daemon/notify_socket.h"
#include "storage/sqlite_store.h"
#include "support/loopback.h"
#include "support/process.h"

namespace plazo::testing {
namespace {

using namespace std::chrono_literals;

constexpr int kUnits = 12;

// Every unit has `hooks` webhooks on the local receiver; only webhooks are
// used, so no SMTP server is needed.
std::string config_text(unsigned short health, unsigned short receiver, int hooks,
                        const std::string& extra = "") {
  std::string text =
      "[daemon]\ntimezone = \"America/Bogota\"\nsend_time = \"08:00\"\n"
      "[health]\nlisten = \"127.0.0.1:" +
      std::to_string(health) +
      "\"\n[calendar]\nholidays = \"CO\"\n"
      "[reminders]\nchannels = [\"webhook\"]\n" +
      extra + "\n";
  for (int u = 0; u < kUnits; ++u) {
    for (int h = 0; h < hooks; ++h) {
      text += "[webhooks.u" + std::to_string(u) + "-" + std::to_string(h) +
              "]\nurl = \"http://127.0.0.1:" + std::to_string(receiver) + "/hook/" +
              std::to_string(u) + "\"\ntimeout_seconds = 60\n";
    }
  }
  for (int u = 0; u < kUnits; ++u) {
    text += "[[units]]\nid = \"unit" + std::to_string(u) + "\"\nname = \"Unidad " +
            std::to_string(u) + "\"\nwebhooks = [";
    for (int h = 0; h < hooks; ++h) {
      text += (h ? ", \"u" : "\"u") + std::to_string(u) + "-" + std::to_string(h) + "\"";
    }
    text += "]\n";
  }
  return text;
}

size_t count_lines(const std::string& path) {
  const std::string text = read_file(path);
  return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
}

// The value of an unlabelled sample in a /metrics body, or -1.
double metric(const std::string& body, const std::string& name) {
  const auto at = body.find("\n" + name + " ");
  if (at == std::string::npos) return -1;
  return std::stod(body.substr(at + name.size() + 2));
}

class ServiceE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    health_port_ = free_port();
    receiver_port_ = free_port();
    database_ = dir_.file("plazo.db");
    webhooks_log_ = dir_.file("webhooks.jsonl");
  }

  void start_receiver(bool hang) {
    std::vector<std::string> argv = {"/usr/bin/python3",
                                     PLAZO_SOURCE_DIR "/tests/support/webhook_receiver.py",
                                     "--port",
                                     std::to_string(receiver_port_),
                                     "--log",
                                     webhooks_log_};
    if (hang) argv.push_back("--hang");
    receiver_ = std::make_unique<Child>(argv);
    ASSERT_TRUE(receiver_->started());
    ASSERT_TRUE(eventually([&] { return LoopbackConnection(receiver_port_).connected(); }))
        << "webhook receiver did not start";
  }

  // One open activity due on 2023-11-23 per unit: a "today" digest each.
  void seed_database(int hooks) {
    config_ = dir_.write("plazo.toml", config_text(health_port_, receiver_port_, hooks));
    auto loaded = load_config(config_);
    ASSERT_TRUE(loaded.ok()) << loaded.errors.at(0).to_string();
    auto store = SqliteStore::open(database_);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->sync_units(loaded.config->units).ok());
    std::vector<ImportedActivity> plan;
    for (int u = 0; u < kUnits; ++u) {
      ImportedActivity a;
      a.activity.number = "1." + std::to_string(u + 1);
      a.activity.title = "Actividad " + std::to_string(u);
      a.activity.responsible = {"unit" + std::to_string(u)};
      a.activity.deadline = parse_iso_date("2023-11-23");
      plan.push_back(a);
    }
    ASSERT_TRUE((*store)->apply_import("PAAC", 2023, plan, false).ok());
  }

  void start_plazo(const std::string& now) {
    plazo_ = std::make_unique<Child>(
        std::vector<std::string>{PLAZO_BINARY, "run", "--config", config_, "--database", database_,
                                 "--now", now},
        std::map<std::string, std::string>{{"NOTIFY_SOCKET", notify_.name()},
                                           {"WATCHDOG_USEC", "400000"},
                                           {"WATCHDOG_PID", ""},
                                           {"PLAZO_CONFIG", ""},
                                           {"PLAZO_DATABASE", ""},
                                           {"JOURNAL_STREAM", ""}});
    ASSERT_TRUE(plazo_->started());
  }

  nlohmann::json readyz(unsigned short /*port*/) {
    auto reply = probe().get("/readyz");
    if (!reply) return nullptr;
    return nlohmann::json::parse(reply->body, nullptr, false);
  }
  std::string metrics(unsigned short /*port*/) {
    auto reply = probe().get("/metrics");
    return reply ? reply->body : "";
  }
  HttpProbe& probe() {
    if (!probe_) probe_ = std::make_unique<HttpProbe>(health_port_);
    return *probe_;
  }

  // SIGTERM, then the exit code if it came within `limit`, else -1.
  int terminate_within(std::chrono::seconds limit) {
    plazo_->signal(SIGTERM);
    auto exited = std::async(std::launch::async, [this] { return plazo_->wait(); });
    if (exited.wait_for(limit) != std::future_status::ready) {
      plazo_->signal(SIGKILL);
      exited.wait();
      return -1;
    }
    return exited.get();
  }

  TempDir dir_;
  unsigned short health_port_ = 0;
  unsigned short receiver_port_ = 0;
  std::string config_;
  std::string database_;
  std::string webhooks_log_;
  FakeNotifySocket notify_{dir_.file("notify")};
  std::unique_ptr<Child> receiver_;
  std::unique_ptr<Child> plazo_;
  std::unique_ptr<HttpProbe> probe_;
};

TEST_F(ServiceE2E, LifecycleUnderSystemd) {
  ASSERT_TRUE(notify_.bound());
  start_receiver(/*hang=*/false);
  seed_database(/*hooks=*/1);
  start_plazo("2023-11-23T07:59:58");

  ASSERT_TRUE(notify_.wait_for("READY=1")) << plazo_->err();
  EXPECT_TRUE(notify_.wait_for("WATCHDOG=1")) << notify_.received();

  auto health = http_get(health_port_, "/healthz");
  ASSERT_TRUE(health) << plazo_->err();
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(health->body, "ok\n");
  auto ready = readyz(health_port_);
  EXPECT_EQ(ready["ready"], true);
  EXPECT_EQ(ready["database"]["ok"], true);
  EXPECT_EQ(ready["config"]["path"], config_);

  // 08:00 comes two seconds after the start: one digest per unit.
  ASSERT_TRUE(eventually([&] { return count_lines(webhooks_log_) >= kUnits; }))
      << count_lines(webhooks_log_) << " webhooks\n"
      << plazo_->err();
  ASSERT_TRUE(eventually([&] {
    return metrics(health_port_)
               .find(
                   "plazo_messages_total{channel=\"webhook\",kind=\"today\","
                   "result=\"sent\"} " +
                   std::to_string(kUnits) + "\n") != std::string::npos;
  })) << metrics(health_port_).substr(0, 3000)
      << plazo_->err();
  std::string body = metrics(health_port_);
  EXPECT_NE(body.find("plazo_messages_total{channel=\"webhook\",kind=\"today\",result=\"due\"} " +
                      std::to_string(kUnits) + "\n"),
            std::string::npos);
  EXPECT_TRUE(eventually([&] { return readyz(health_port_)["outbox"]["pending"] == 0; }));
  EXPECT_EQ(metric(metrics(health_port_), "plazo_config_reload_success"), 1);
  EXPECT_TRUE(notify_.wait_for("STATUS=next pass")) << notify_.received();

  // A broken config: rejected, the old one stays, /readyz and /metrics say so.
  dir_.write("plazo.toml", config_text(health_port_, receiver_port_, 1, "before_days = \"x\""));
  plazo_->signal(SIGHUP);
  nlohmann::json reloaded;
  ASSERT_TRUE(eventually([&] {
    reloaded = readyz(health_port_);
    return reloaded.is_object() && !reloaded["config"]["last_reload"].is_null();
  })) << plazo_->err();
  EXPECT_EQ(reloaded["config"]["last_reload"]["ok"], false);
  ASSERT_FALSE(reloaded["config"]["last_reload"]["errors"].empty());
  EXPECT_NE(reloaded["config"]["last_reload"]["errors"][0].get<std::string>().find("plazo.toml:"),
            std::string::npos);
  EXPECT_EQ(reloaded["ready"], true);
  EXPECT_EQ(metric(metrics(health_port_), "plazo_config_reload_success"), 0);
  EXPECT_NE(plazo_->err().find("reload rejected"), std::string::npos);
  int code = 0;
  EXPECT_FALSE(plazo_->try_wait(&code));

  // A good one is applied.
  dir_.write("plazo.toml", config_text(health_port_, receiver_port_, 1, "before_days = [5, 1]"));
  plazo_->signal(SIGHUP);
  ASSERT_TRUE(eventually([&] {
    return readyz(health_port_)["config"]["last_reload"]["ok"] == true;
  })) << plazo_->err();
  EXPECT_EQ(metric(metrics(health_port_), "plazo_config_reload_success"), 1);
  EXPECT_TRUE(readyz(health_port_)["problems"].empty());

  EXPECT_EQ(terminate_within(5s), 0) << plazo_->err();
  EXPECT_TRUE(notify_.wait_for("STOPPING=1")) << notify_.received();
  // Nothing was sent twice.
  EXPECT_EQ(count_lines(webhooks_log_), static_cast<size_t>(kUnits));
}

TEST_F(ServiceE2E, HealthAnswersWhileDeliveriesHangAndStopStillTakesUnderFiveSeconds) {
  ASSERT_TRUE(notify_.bound());
  constexpr int kHooks = 8;  // 96 deliveries to a receiver that never answers
  start_receiver(/*hang=*/true);
  seed_database(kHooks);
  start_plazo("2023-11-23T08:00");
  ASSERT_TRUE(notify_.wait_for("READY=1")) << plazo_->err();

  // The receiver logs each request before it hangs (how many at once is the
  // delivery stage's business: its concurrency and per-destination limits).
  ASSERT_TRUE(eventually([&] { return count_lines(webhooks_log_) >= 1; }))
      << count_lines(webhooks_log_) << " requests\n"
      << plazo_->err();
  ASSERT_TRUE(
      eventually([&] { return metric(metrics(health_port_), "plazo_delivery_in_flight") > 0; }));
  for (int i = 0; i < 50; ++i) {
    auto health = http_get(health_port_, "/healthz");
    ASSERT_TRUE(health) << "probe " << i;
    EXPECT_EQ(health->status, 200);
  }
  // The loop refreshes the outbox counts within a second of a change.
  EXPECT_TRUE(eventually([&] {
    auto ready = readyz(health_port_);
    return ready.is_object() && ready["ready"] == true &&
           ready["outbox"]["pending"].get<int>() == kUnits * kHooks;
  })) << readyz(health_port_).dump();

  EXPECT_EQ(terminate_within(5s), 0) << plazo_->err();
  // Undelivered messages stay pending for the next start.
  auto store = SqliteStore::open(database_);
  ASSERT_TRUE(store.ok());
  auto counts = (*store)->outbox_counts();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->pending, kUnits * kHooks);
  EXPECT_EQ(counts->sent, 0);
}

TEST_F(ServiceE2E, OnceDeliversAndPrintsASummary) {
  start_receiver(/*hang=*/false);
  seed_database(/*hooks=*/1);
  auto result = run_plazo(
      {"run", "--once", "--config", config_, "--database", database_, "--now", "2023-11-23T08:00"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("12 messages due for 2023-11-23, 12 new in the outbox; delivered 12"),
            std::string::npos)
      << result.out;
  EXPECT_EQ(count_lines(webhooks_log_), static_cast<size_t>(kUnits));
  // Once more: the pass is recorded, nothing is sent twice.
  result = run_plazo(
      {"run", "--once", "--config", config_, "--database", database_, "--now", "2023-11-23T08:00"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(count_lines(webhooks_log_), static_cast<size_t>(kUnits));
}

TEST_F(ServiceE2E, TwoPlansWithTheSameNumberAreBothDelivered) {
  // Two plans imported through the binary, each with a "1.1" of Unidad 0
  // due the same day, one message per activity: the second used to share
  // the first's idempotency key and was dropped as a repeat.
  start_receiver(/*hang=*/false);
  config_ =
      dir_.write("plazo.toml", config_text(health_port_, receiver_port_, 1, "digest = false"));
  const std::string header = "N°;ACTIVIDAD;RESPONSABLE;FECHA\n";
  const auto paac = dir_.write("paac.csv", header + "1.1;Publicar el PAAC;Unidad 0;23/11/2023\n");
  const auto other =
      dir_.write("accion.csv", header + "1.1;Publicar el plan de acción;Unidad 0;23/11/2023\n");
  for (const auto& [file, plan] : {std::pair{paac, "PAAC"}, std::pair{other, "Plan de Acción"}}) {
    auto imported = run_plazo({"import", file, "--plan", plan, "--year", "2023", "--config",
                               config_, "--database", database_});
    ASSERT_EQ(imported.exit_code, 0) << imported.err;
  }
  auto result = run_plazo(
      {"run", "--once", "--config", config_, "--database", database_, "--now", "2023-11-23T08:00"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("2 messages due for 2023-11-23, 2 new in the outbox; delivered 2"),
            std::string::npos)
      << result.out;
  std::set<std::string> keys;
  std::set<std::string> plans;
  std::istringstream lines(read_file(webhooks_log_));
  for (std::string line; std::getline(lines, line);) {
    const auto request = nlohmann::json::parse(line);
    keys.insert(request["headers"]["Idempotency-Key"].get<std::string>());
    const auto body = nlohmann::json::parse(request["body"].get<std::string>());
    ASSERT_EQ(body["items"].size(), 1u);
    EXPECT_EQ(body["items"][0]["activity"], "1.1");
    plans.insert(body["items"][0]["plan"]["name"].get<std::string>());
  }
  EXPECT_EQ(keys.size(), 2u);
  EXPECT_EQ(plans, (std::set<std::string>{"PAAC", "Plan de Acción"}));
}

TEST_F(ServiceE2E, BusyPortFailsTheStart) {
  seed_database(/*hooks=*/1);
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(health_port_);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(listen(fd, 1), 0);
  auto result = run_plazo({"run", "--config", config_, "--database", database_});
  close(fd);
  EXPECT_EQ(result.exit_code, 69);
  EXPECT_NE(result.err.find("cannot listen on 127.0.0.1:" + std::to_string(health_port_)),
            std::string::npos)
      << result.err;
}

}  // namespace
}  // namespace plazo::testing
