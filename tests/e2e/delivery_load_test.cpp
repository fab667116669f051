// plazo run with 10,000 webhooks due at once, against the real binary and
// tests/support/webhook_receiver.py on 127.0.0.1:
//  - SIGKILL in the middle of the delivery, then a restart: the receiver
//    ends up with every message, and the only keys it saw twice are keys
//    that were in flight when the process died;
//  - a stalled receiver keeps thousands of deliveries waiting while
//    /healthz goes on answering;
//  - a second `plazo run` on the same database is refused while the first
//    one delivers;
//  - a storm of reloads while delivering loses nothing.
// Where a test needs the delivery to be still under way at some point, the
// receiver holds its answers (--hold-file) until the test lets them go, so
// "mid-way" does not depend on how fast this machine delivers.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "config/config.h"
#include "daemon/loopback_http.h"
#include "storage/sqlite_store.h"
#include "support/loopback.h"
#include "support/outbox_probe.h"
#include "support/process.h"

namespace plazo::testing {
namespace {

constexpr int kMessages = 10000;
const std::string kReceiver = std::string(PLAZO_SOURCE_DIR) + "/tests/support/webhook_receiver.py";

class DeliveryLoad : public ::testing::Test {
 protected:
  void SetUp() override {
    receiver_port_ = free_port();
    health_port_ = free_port();
    database_ = dir_.file("plazo.db");
    log_ = dir_.file("webhooks.jsonl");
    // One unit, one webhook, one message per activity (digest off).
    config_ = dir_.write("plazo.toml",
                         "[daemon]\ntimezone = \"America/Bogota\"\nlog_level = \"warn\"\n"
                         "[health]\nlisten = \"127.0.0.1:" +
                             std::to_string(health_port_) +
                             "\"\n[reminders]\ndigest = false\nchannels = [\"webhook\"]\n"
                             "[webhooks.hook]\nurl = \"http://127.0.0.1:" +
                             std::to_string(receiver_port_) +
                             "/hook\"\ntimeout_seconds = 120\n"
                             "[[units]]\nid = \"general\"\nname = \"Secretaría General\"\n"
                             "webhooks = [\"hook\"]\n");
    auto loaded = load_config(config_);
    ASSERT_TRUE(loaded.ok()) << loaded.errors.at(0).to_string();
    auto store = SqliteStore::open(database_);
    ASSERT_TRUE(store.ok()) << store.error().message;
    ASSERT_TRUE((*store)->sync_units(loaded.config->units).ok());
    std::vector<ImportedActivity> plan(kMessages);
    for (int i = 0; i < kMessages; ++i) {
      Activity& a = plan[static_cast<size_t>(i)].activity;
      a.number = std::to_string(i / 100 + 1) + "." + std::to_string(i % 100 + 1);
      a.title = "Actividad " + std::to_string(i);
      a.responsible = {"general"};
      a.deadline = parse_iso_date("2023-11-30");
    }
    ASSERT_TRUE((*store)->apply_import("PAAC", 2023, plan, false).ok());
  }

  // The receiver's answers wait while this file exists (see --hold-file).
  std::string hold() const { return dir_.write("hold", ""); }
  void release() const { std::filesystem::remove(dir_.file("hold")); }

  void start_receiver(std::vector<std::string> options = {}) {
    std::vector<std::string> argv = {
        "/usr/bin/python3", kReceiver, "--port", std::to_string(receiver_port_), "--log", log_};
    argv.insert(argv.end(), options.begin(), options.end());
    receiver_ = std::make_unique<LocalServer>(argv, receiver_port_);
    ASSERT_TRUE(receiver_->ready()) << receiver_->diagnostics();
  }

  std::unique_ptr<Child> start_plazo(const std::vector<std::string>& extra) {
    std::vector<std::string> argv = {PLAZO_BINARY, "run",        "--config",
                                     config_,      "--database", database_};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return std::make_unique<Child>(
        argv, std::map<std::string, std::string>{{"PLAZO_CONFIG", ""}, {"PLAZO_DATABASE", ""}});
  }

  // Idempotency-Key of every request the receiver logged, in order.
  std::vector<std::string> received_keys() const {
    std::vector<std::string> keys;
    std::istringstream in(read_file(log_));
    for (std::string line; std::getline(in, line);) {
      if (line.empty()) continue;
      keys.push_back(nlohmann::json::parse(line)["headers"].value("Idempotency-Key", ""));
    }
    return keys;
  }

  size_t received() const {
    const std::string text = read_file(log_);
    return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
  }

  // Keys of the outbox rows in `status`, read while no plazo runs.
  std::set<std::string> outbox_keys(const std::string& status) const {
    return plazo::testing::outbox_keys(database_, status);
  }

  TempDir dir_;
  unsigned short receiver_port_ = 0;
  unsigned short health_port_ = 0;
  std::string config_;
  std::string database_;
  std::string log_;
  std::unique_ptr<LocalServer> receiver_;
};

TEST_F(DeliveryLoad, SigkillMidwayLosesNothingAndDuplicatesOnlyWhatWasInFlight) {
  // The first fifth is answered; what comes after waits, in flight, for
  // the kill.
  constexpr size_t kAnswered = kMessages / 5;
  start_receiver({"--hold-file", hold(), "--hold-after", std::to_string(kAnswered)});
  auto first = start_plazo({"--once", "--now", "2023-11-30T08:00"});
  ASSERT_TRUE(first->started());
  ASSERT_TRUE(eventually([&] { return received() > kAnswered; }, std::chrono::seconds(120)))
      << first->err();
  first->signal(SIGKILL);
  EXPECT_EQ(first->wait(), 128 + SIGKILL);

  const std::set<std::string> in_flight = outbox_keys("in_flight");
  EXPECT_FALSE(in_flight.empty()) << "the held requests were in flight at the kill";
  EXPECT_LT(received(), static_cast<size_t>(kMessages));
  release();

  auto second = start_plazo({"--once", "--now", "2023-11-30T08:00"});
  EXPECT_EQ(second->wait(), 0) << second->err();
  EXPECT_NE(second->out().find("delivered "), std::string::npos) << second->out();

  const std::vector<std::string> keys = received_keys();
  std::map<std::string, int> times;
  for (const auto& key : keys) ++times[key];
  EXPECT_EQ(times.size(), static_cast<size_t>(kMessages)) << "every message arrived";
  EXPECT_EQ(outbox_keys("sent").size(), static_cast<size_t>(kMessages));
  for (const auto& [key, count] : times) {
    if (count > 1) {
      EXPECT_EQ(count, 2) << key;
      EXPECT_EQ(in_flight.count(key), 1u) << key << " arrived twice but was not in flight";
    }
  }
  auto integrity = SqliteStore::open(database_);
  ASSERT_TRUE(integrity.ok());
  auto check = (*integrity)->database().prepare("PRAGMA integrity_check");
  ASSERT_TRUE(check.ok());
  ASSERT_EQ(*check->step(), Step::kRow);
  EXPECT_EQ(check->column_text(0), "ok");
}

TEST_F(DeliveryLoad, HealthAnswersWhileThousandsOfDeliveriesWaitOnAStalledReceiver) {
  // The receiver answers nothing: 64 deliveries stay in flight, the rest
  // pending, while we probe.
  start_receiver({"--hold-file", hold()});
  auto daemon = start_plazo({"--now", "2023-11-30T07:59:59"});
  auto pending = [&] {
    auto metrics = http_get(health_port_, "/metrics");
    if (!metrics) return -1.0;
    const std::string name = "\nplazo_outbox_pending ";
    const auto at = metrics->body.find(name);
    return at == std::string::npos ? -1.0 : std::stod(metrics->body.substr(at + name.size()));
  };
  // The pass at 08:00 has filled the outbox and delivery has begun.
  ASSERT_TRUE(
      eventually([&] { return pending() > 1000 && received() > 0; }, std::chrono::seconds(60)))
      << daemon->err();
  for (int probe = 0; probe < 50; ++probe) {
    auto health = http_get(health_port_, "/healthz");
    ASSERT_TRUE(health) << "probe " << probe << ": no answer\n" << daemon->err();
    EXPECT_EQ(health->status, 200);
    EXPECT_EQ(health->body, "ok\n");
  }
  EXPECT_GT(pending(), 1000) << "the deliveries were still waiting while we probed";
  EXPECT_LT(received(), static_cast<size_t>(kMessages));

  // A second sender on the same database is refused while this one runs.
  auto second = start_plazo({"--once", "--now", "2023-11-30T08:00"});
  EXPECT_EQ(second->wait(), 69);
  EXPECT_NE(second->err().find("another plazo run (pid " + std::to_string(daemon->pid()) +
                               ") is already delivering from " + database_),
            std::string::npos)
      << second->err();

  daemon->signal(SIGTERM);
  EXPECT_EQ(daemon->wait(), 0) << daemon->err();
}

// A reload storm while delivering: 100 SIGHUPs, every one a full load and
// check of the config. Nothing crashes, nothing is lost or sent twice.
TEST_F(DeliveryLoad, ReloadStormWhileDeliveringLosesNothing) {
  // The first half of the storm meets deliveries held in flight, the second
  // half deliveries flowing.
  start_receiver({"--hold-file", hold()});
  auto daemon = start_plazo({"--now", "2023-11-30T07:59:59"});
  ASSERT_TRUE(eventually([&] { return received() > 0; }, std::chrono::seconds(60)))
      << daemon->err();
  auto applied = [&] {
    auto metrics = http_get(health_port_, "/metrics");
    const std::string name = "\nplazo_config_reloads_total{result=\"applied\"} ";
    const auto at = metrics ? metrics->body.find(name) : std::string::npos;
    return at == std::string::npos ? -1 : std::stoi(metrics->body.substr(at + name.size()));
  };
  for (int i = 1; i <= 100; ++i) {
    if (i == 51) {
      EXPECT_LT(received(), static_cast<size_t>(kMessages));
      release();
    }
    daemon->signal(SIGHUP);
    // Each reload is applied before the next signal (signals sent while one
    // is pending would merge into one).
    ASSERT_TRUE(eventually([&] { return applied() == i; })) << "reload " << i << "\n"
                                                            << daemon->err();
  }
  ASSERT_TRUE(eventually([&] { return received() >= static_cast<size_t>(kMessages); },
                         std::chrono::seconds(120)))
      << received() << " of " << kMessages << "\n"
      << daemon->err();
  daemon->signal(SIGTERM);
  EXPECT_EQ(daemon->wait(), 0) << daemon->err();
  const std::vector<std::string> keys = received_keys();
  EXPECT_EQ(keys.size(), static_cast<size_t>(kMessages));
  EXPECT_EQ(std::set<std::string>(keys.begin(), keys.end()).size(), static_cast<size_t>(kMessages));
  EXPECT_EQ(outbox_keys("sent").size(), static_cast<size_t>(kMessages));
}

}  // namespace
}  // namespace plazo::testing
