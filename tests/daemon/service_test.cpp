// The service in-process, with a fake delivery stage and a recording
// notifier: READY, the watchdog, the health endpoint, reloads (rejected and
// applied), noticing changes another process commits, stopping, --once.
#include "daemon/service.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <future>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "daemon/asio.h"
#include "daemon/loopback_http.h"
#include "storage/sqlite_store.h"
#include "support/loopback.h"
#include "support/temp_dir.h"

namespace plazo {
namespace {

using namespace std::chrono_literals;
using testing::eventually;
using testing::free_port;

class FakeDelivery final : public DeliveryDriver {
 public:
  Status configure(const Config&) override {
    if (reject_config) return Error{"template html.mustache: unclosed section"};
    ++configured;
    return {};
  }
  Result<int> recover() override { return 0; }
  Result<int> pump() override {
    ++pumps;
    if (on_pump) on_pump();
    if (fail_pump) return Error{"Cannot claim outbox messages: database or disk is full"};
    return 0;
  }
  Result<std::optional<Instant>> next_due() override {
    // While pumps fail, something is due (long ago): the loop tries again.
    if (fail_pump) return std::optional<Instant>(Instant{});
    return std::optional<Instant>();
  }
  void set_on_progress(std::function<void()> fn) override { on_progress = std::move(fn); }
  void stop() override { stopped = true; }
  int in_flight() const override { return busy; }
  DeliveryStats stats() const override { return {}; }
  void shutdown_transport() override { transport_shut = true; }

  std::atomic<bool> reject_config{false};
  std::atomic<bool> fail_pump{false};  ///< as a full disk fails a claim
  std::atomic<int> configured{0};
  std::atomic<int> pumps{0};
  std::atomic<bool> stopped{false};
  std::atomic<bool> transport_shut{false};
  std::function<void()> on_progress;
  std::atomic<int> busy{0};       ///< what in_flight() answers
  std::function<void()> on_pump;  ///< runs inside every pump(), on the loop
};

// Records notifications; the test thread waits on them with a deadline.
class RecordingNotifier final : public ServiceNotifier {
 public:
  void notify(std::string_view state) override {
    std::lock_guard lock(mutex_);
    sent_.emplace_back(state);
    changed_.notify_all();
  }
  /// Waits until some notification contains `text`; how many do.
  int wait_for(const std::string& text, int at_least = 1, std::chrono::seconds timeout = 10s) {
    std::unique_lock lock(mutex_);
    int found = 0;
    changed_.wait_for(lock, timeout, [&] {
      found = 0;
      for (const auto& s : sent_) found += s.find(text) != std::string::npos;
      return found >= at_least;
    });
    return found;
  }
  std::vector<std::string> sent() {
    std::lock_guard lock(mutex_);
    return sent_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> sent_;
};

std::string config_text(unsigned short port, const std::string& extra = "") {
  return "[daemon]\ntimezone = \"America/Bogota\"\nsend_time = \"08:00\"\nlog_level = \"warn\"\n"
         "[health]\nlisten = \"127.0.0.1:" +
         std::to_string(port) +
         "\"\n"
         "[calendar]\nholidays = \"none\"\n"
         "[email]\nurl = \"smtp://127.0.0.1:2525\"\nfrom = \"PAAC <paac@example.org>\"\n"
         "[[units]]\nid = \"general\"\nname = \"Secretaría General\"\n"
         "email = [\"general@example.org\"]\n" +
         extra;
}

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    port_ = free_port();
    config_path_ = dir_.write("plazo.toml", config_text(port_));
    auto loaded = load_config(config_path_);
    ASSERT_TRUE(loaded.ok());
    config_ = *loaded.config;
    auto store = SqliteStore::open(dir_.file("plazo.db"));
    ASSERT_TRUE(store.ok());
    store_ = std::move(store).value();
    ASSERT_TRUE(store_->sync_units(config_.units).ok());
  }

  void start(ServiceSettings settings = {}) {
    settings.config_path = config_path_;
    service_ = std::make_unique<Service>(
        ServiceParts{io_, *store_, clock_, delivery_, notifier_, metrics_}, config_,
        settings);
    auto started = service_->start();
    ASSERT_TRUE(started.ok()) << started.error().message;
    ASSERT_EQ(service_->health_port(), port_);
    exit_ = std::async(std::launch::async, [this] { return service_->run(); });
  }

  // Polled in loops: one keep-alive connection, not one per probe.
  nlohmann::json readyz() {
    if (!probe_) probe_ = std::make_unique<testing::HttpProbe>(port_);
    auto reply = probe_->get("/readyz");
    if (!reply) return nullptr;
    return nlohmann::json::parse(reply->body, nullptr, false);
  }

  ServiceSettings settings() const {
    ServiceSettings s;
    s.config_path = config_path_;
    return s;
  }

  void TearDown() override {
    if (exit_.valid()) {
      service_->request_stop();
      exit_.wait_for(10s);
    }
  }

  testing::TempDir dir_;
  unsigned short port_ = 0;
  std::string config_path_;
  Config config_;
  std::unique_ptr<SqliteStore> store_;
  asio::io_context io_;
  OffsetClock clock_{*TimeZone::locate("America/Bogota")->parse_local("2023-11-23T07:00")};
  FakeDelivery delivery_;
  RecordingNotifier notifier_;
  DeliveryMetrics metrics_;
  std::unique_ptr<Service> service_;
  std::future<int> exit_;
  std::unique_ptr<testing::HttpProbe> probe_;
};

TEST_F(ServiceTest, ReadyThenHealthEndpointAnswers) {
  start();
  EXPECT_EQ(notifier_.wait_for("READY=1"), 1);
  auto health = testing::http_get(port_, "/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(health->body, "ok\n");
  auto ready = readyz();
  EXPECT_EQ(ready["ready"], true);
  EXPECT_EQ(ready["config"]["path"], config_path_);
  // The start-up pass is recorded and reported once the loop refreshed.
  EXPECT_TRUE(eventually([&] { return !readyz()["scheduler"]["last_pass"].is_null(); }));
  EXPECT_GE(delivery_.pumps.load(), 1);
  auto metrics = testing::http_get(port_, "/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("plazo_build_info{version=\"" PLAZO_VERSION "\"} 1"),
            std::string::npos);
}

TEST_F(ServiceTest, StatusLineTellsTheNextPass) {
  // An open activity due in a week: the next pass is today at 08:00.
  ImportedActivity a;
  a.activity.number = "1.1";
  a.activity.title = "Mapa de riesgos";
  a.activity.responsible = {"general"};
  a.activity.deadline = parse_iso_date("2023-11-24");
  ASSERT_TRUE(store_->apply_import("PAAC", 2023, {a}, false).ok());
  start();
  EXPECT_EQ(notifier_.wait_for("STATUS=next pass 2023-11-23 08:00, 0 pending"), 1);
}

TEST_F(ServiceTest, WatchdogPingsFromTheLoop) {
  setenv("WATCHDOG_USEC", "100000", 1);
  unsetenv("WATCHDOG_PID");
  start();
  unsetenv("WATCHDOG_USEC");
  EXPECT_GE(notifier_.wait_for("WATCHDOG=1", 3), 3);
}

TEST_F(ServiceTest, RejectedReloadKeepsTheOldConfigAndShowsIt) {
  start();
  notifier_.wait_for("READY=1");
  dir_.write("plazo.toml", config_text(port_, "[reminders]\nbefore_days = \"soon\"\n"));
  service_->request_reload();
  nlohmann::json ready;
  ASSERT_TRUE(eventually([&] {
    ready = readyz();
    return ready.is_object() && !ready["config"]["last_reload"].is_null();
  }));
  EXPECT_EQ(ready["ready"], true);
  EXPECT_EQ(ready["config"]["last_reload"]["ok"], false);
  ASSERT_FALSE(ready["config"]["last_reload"]["errors"].empty());
  EXPECT_NE(ready["config"]["last_reload"]["errors"][0].get<std::string>().find("plazo.toml:"),
            std::string::npos);
  EXPECT_EQ(delivery_.configured.load(), 0);  // the delivery never saw it
  auto metrics = testing::http_get(port_, "/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("\nplazo_config_reload_success 0\n"), std::string::npos);
  EXPECT_EQ(notifier_.wait_for("last reload failed"), 1);

  // A config the delivery stage rejects is rejected as a whole, too.
  dir_.write("plazo.toml", config_text(port_));
  delivery_.reject_config = true;
  service_->request_reload();
  ASSERT_TRUE(eventually([&] {
    ready = readyz();
    return ready["config"]["last_reload"]["errors"] ==
           nlohmann::json{"template html.mustache: unclosed section"};
  }));

  delivery_.reject_config = false;
  service_->request_reload();
  ASSERT_TRUE(eventually([&] { return readyz()["config"]["last_reload"]["ok"] == true; }));
  EXPECT_EQ(delivery_.configured.load(), 1);
  metrics = testing::http_get(port_, "/metrics");
  EXPECT_NE(metrics->body.find("\nplazo_config_reload_success 1\n"), std::string::npos);
}

TEST_F(ServiceTest, NoticesWhatAnotherProcessCommits) {
  ServiceSettings settings;
  settings.data_poll = 100ms;
  start(settings);
  notifier_.wait_for("READY=1");
  ASSERT_TRUE(eventually([&] { return !readyz()["scheduler"]["last_pass"].is_null(); }));
  EXPECT_TRUE(readyz()["scheduler"]["next_wakeup"].is_null());  // nothing to remind of

  // `plazo import` in another process: its own connection commits.
  auto other = SqliteStore::open(dir_.file("plazo.db"));
  ASSERT_TRUE(other.ok());
  ImportedActivity a;
  a.activity.number = "1.1";
  a.activity.title = "Mapa de riesgos";
  a.activity.responsible = {"general"};
  a.activity.deadline = parse_iso_date("2023-11-24");
  ASSERT_TRUE((*other)->apply_import("PAAC", 2023, {a}, false).ok());
  EXPECT_TRUE(
      eventually([&] { return readyz()["scheduler"]["next_wakeup"] == "2023-11-23T13:00:00Z"; }));
}

// A database that answers reads but refuses writes (a full disk): the
// failed delivery work keeps /readyz at 503 while the reads of the loop
// (PRAGMA data_version, outbox counts) go on working, and only that work
// succeeding again makes it ready.
TEST_F(ServiceTest, AWriteThatFailsKeepsItUnreadyWhileReadsWork) {
  ServiceSettings settings;
  settings.data_poll = 20ms;
  delivery_.fail_pump = true;
  start(settings);
  nlohmann::json ready;
  ASSERT_TRUE(eventually([&] {
    ready = readyz();
    return ready.is_object() && ready["ready"] == false;
  }));
  EXPECT_EQ(ready["database"]["ok"], false);
  EXPECT_EQ(ready["database"]["error"],
            "starting deliveries failed: Cannot claim outbox messages: database or disk is full");
  ASSERT_EQ(ready["problems"].size(), 1u);
  EXPECT_NE(ready["problems"][0].get<std::string>().find("database or disk is full"),
            std::string::npos);

  // Two more failed attempts (a second apart), a hundred good reads between
  // them: never ready meanwhile.
  const int pumps = delivery_.pumps;
  int answers = 0;
  int ready_answers = 0;
  ASSERT_TRUE(eventually([&] {
    auto r = readyz();
    ++answers;
    if (!r.is_object() || r["ready"] != false) ++ready_answers;
    return delivery_.pumps >= pumps + 2;
  }));
  EXPECT_EQ(ready_answers, 0) << "of " << answers;

  delivery_.fail_pump = false;
  ASSERT_TRUE(eventually([&] {
    ready = readyz();
    return ready.is_object() && ready["ready"] == true;
  }));
  EXPECT_EQ(ready["database"]["ok"], true);
  EXPECT_TRUE(ready["database"]["error"].is_null());
  EXPECT_TRUE(ready["problems"].empty());
}

TEST_F(ServiceTest, StopRequestEndsRunAndStopsDelivery) {
  start();
  notifier_.wait_for("READY=1");
  service_->request_stop();
  ASSERT_EQ(exit_.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(exit_.get(), 0);
  EXPECT_TRUE(delivery_.stopped);
  EXPECT_TRUE(delivery_.transport_shut);
  EXPECT_EQ(notifier_.wait_for("STOPPING=1"), 1);
  EXPECT_FALSE(testing::http_get(port_, "/healthz"));  // the endpoint is closed
}

TEST_F(ServiceTest, SigtermStopsTheLoop) {
  start();
  notifier_.wait_for("READY=1");
  ASSERT_TRUE(testing::http_get(port_, "/healthz"));
  raise(SIGTERM);  // the service's signal_set takes it: the test process lives on
  ASSERT_EQ(exit_.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(exit_.get(), 0);
}

TEST_F(ServiceTest, StartFailsWhenThePortIsTaken) {
  asio::io_context other;
  asio::ip::tcp::acceptor taken(other, {asio::ip::make_address("127.0.0.1"), port_});
  Service service(ServiceParts{io_, *store_, clock_, delivery_, notifier_, metrics_},
                  config_, settings());
  auto started = service.start();
  ASSERT_FALSE(started.ok());
  EXPECT_NE(started.error().message.find("127.0.0.1:" + std::to_string(port_)), std::string::npos);
  EXPECT_EQ(notifier_.sent().size(), 0u);  // never READY
}

TEST_F(ServiceTest, OnceRunsOnePassAndReturns) {
  ImportedActivity a;
  a.activity.number = "1.1";
  a.activity.title = "Mapa de riesgos";
  a.activity.responsible = {"general"};
  a.activity.deadline = parse_iso_date("2023-11-23");
  ASSERT_TRUE(store_->apply_import("PAAC", 2023, {a}, false).ok());
  OffsetClock eight(*TimeZone::locate("America/Bogota")->parse_local("2023-11-23T08:00"));
  Service service(ServiceParts{io_, *store_, eight, delivery_, notifier_, metrics_},
                  config_, settings());
  auto summary = service.run_once(30s);
  ASSERT_TRUE(summary.ok()) << summary.error().message;
  EXPECT_EQ(summary->pass.due, 1);
  EXPECT_EQ(summary->pass.enqueued, 1);
  EXPECT_EQ(summary->outbox.pending, 1);  // the fake sends nothing
  EXPECT_FALSE(summary->timed_out);
  EXPECT_GE(delivery_.pumps.load(), 1);
  EXPECT_TRUE(delivery_.stopped);
  EXPECT_TRUE(notifier_.sent().empty());  // --once is not a service: no READY
  auto due = metrics_.sample().messages;
  EXPECT_EQ((due[{Channel::kEmail, "today", MessageResult::kDue}]), 1);
  EXPECT_EQ(due.size(), 1u);
}

TEST_F(ServiceTest, OnceRefillsAsOutcomesComeBackWithoutWaitingForTheLastOne) {
  // Two deliveries are out; each pump lets one of them come back a moment
  // later. The run claims again while the other is still in flight (a batch
  // does not wait for its slowest delivery) and ends once none is left.
  delivery_.busy = 2;
  std::vector<int> in_flight_at_pump;
  delivery_.on_pump = [&] {
    in_flight_at_pump.push_back(delivery_.busy);
    if (delivery_.busy == 0) return;
    asio::post(io_, [&] {
      --delivery_.busy;
      delivery_.on_progress();
    });
  };
  Service service(ServiceParts{io_, *store_, clock_, delivery_, notifier_, metrics_}, config_,
                  settings());
  auto summary = service.run_once(30s);
  ASSERT_TRUE(summary.ok()) << summary.error().message;
  EXPECT_FALSE(summary->timed_out);
  EXPECT_EQ(in_flight_at_pump, (std::vector<int>{2, 1, 0}));
  EXPECT_TRUE(delivery_.stopped);
}

}  // namespace
}  // namespace plazo
