// The delivery stage driven by hand: a real SqliteStore (in memory), a
// scripted transport, a fake clock, and a `post` that queues the drains the
// test then runs. No threads, no sleeps, no network.
#include "notifiers/delivery.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <deque>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "notifiers/delivery_policy.h"
#include "storage/message_json.h"
#include "storage/sqlite_store.h"
#include "support/fake_clock.h"
#include "support/fake_transport.h"
#include "support/temp_dir.h"

namespace plazo {
namespace {

using namespace std::chrono_literals;
using testing::FakeClock;
using testing::FakeTransport;

const Instant kStart = date::sys_days{date::year{2023} / 11 / 23} + 13h;

constexpr const char* kHookA = "http://127.0.0.1:1001/hook";
constexpr const char* kHookB = "https://Hooks.Example.org/services/T000/B000/XXXX";

std::string config_text(const std::string& extra = "") {
  return std::string(R"toml(
[daemon]
timezone = "America/Bogota"
[email]
url = "smtp://127.0.0.1:2525"
from = "PAAC <paac@example.org>"
[webhooks.a]
url = ")toml") +
         kHookA + R"toml("
[webhooks.b]
url = ")toml" +
         kHookB + R"toml("
[webhooks.spare]
url = "http://127.0.0.1:1003/hook"
[[units]]
id = "general"
name = "Secretaría General"
email = ["general@example.org", "archivo@example.org"]
webhooks = ["a", "b"]
[[units]]
id = "hacienda"
name = "Secretaría de Hacienda"
[delivery]
)toml" + extra;
}

Config load(const std::string& text) {
  LoadResult loaded = load_config_from_string(text, "");
  for (const auto& error : loaded.errors) ADD_FAILURE() << error.to_string();
  return loaded.ok() ? *loaded.config : Config{};
}

// Answers each job by its URL: a webhook URL (or "smtp") maps to a queue of
// outcomes, sent once it runs out. Answers at once, as FakeTransport does.
class RoutingTransport final : public Transport {
 public:
  void fail(const std::string& url, DeliveryOutcome outcome, int times) {
    for (int i = 0; i < times; ++i) script_[url].push_back(outcome);
  }
  void submit(DeliveryJob job, DeliveryCallback done) override {
    const std::string url =
        std::holds_alternative<HttpRequest>(job) ? std::get<HttpRequest>(job).url : "smtp";
    ++jobs_[url];
    auto& queue = script_[url];
    DeliveryOutcome outcome = FakeTransport::sent(200);
    if (!queue.empty()) {
      outcome = queue.front();
      queue.pop_front();
    }
    done(std::move(outcome));
  }
  void shutdown() override {}
  int jobs(const std::string& url) const {
    auto it = jobs_.find(url);
    return it == jobs_.end() ? 0 : it->second;
  }

 private:
  std::map<std::string, std::deque<DeliveryOutcome>> script_;
  std::map<std::string, int> jobs_;
};

class DeliveryTest : public ::testing::Test {
 protected:
  void SetUp() override { open_store(":memory:"); }

  void open_store(const std::string& path) {
    auto opened = SqliteStore::open(path, clock_);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    store_ = std::move(opened).value();
    ASSERT_TRUE(store_->sync_units(config_.units).ok());
  }

  // A Delivery over the fixture's store and clock whose drains go to posted_.
  std::unique_ptr<Delivery> make_delivery(Transport& transport) {
    auto delivery = std::make_unique<Delivery>(
        *store_, transport, clock_,
        [this](std::function<void()> fn) { posted_.push_back(std::move(fn)); });
    delivery->set_random_seed(42);
    auto configured = delivery->configure(config_);
    EXPECT_TRUE(configured.ok()) << configured.error().message;
    return delivery;
  }

  void reconfigure(const std::string& delivery_section) {
    config_ = load(config_text(delivery_section));
  }

  // Runs what the delivery posted to "the loop", as the loop would.
  int run_posted() {
    int ran = 0;
    while (!posted_.empty()) {
      auto fn = std::move(posted_.front());
      posted_.pop_front();
      fn();
      ++ran;
    }
    return ran;
  }

  // Enqueues `count` messages due now; each is different (its own item).
  void enqueue(int count, Channel channel, const std::string& target = "",
               const std::string& unit = "general") {
    std::vector<Message> messages;
    for (int i = 0; i < count; ++i) {
      Message message;
      message.at = clock_.now();
      message.day = date::floor<date::days>(clock_.now());
      message.unit_id = unit;
      message.channel = channel;
      message.target = target;
      MessageItem item;
      item.activity = std::to_string(++serial_) + ".1";
      item.title = "Actividad " + item.activity;
      item.deadline = message.day + date::days{5};
      item.days_left = 5;
      message.items.push_back(item);
      messages.push_back(std::move(message));
    }
    auto added = store_->enqueue(messages, std::nullopt);
    ASSERT_TRUE(added.ok()) << added.error().message;
    ASSERT_EQ(*added, count);
  }

  std::vector<OutboxEntry> entries(std::optional<OutboxStatus> status = std::nullopt) {
    auto listed = store_->outbox(status, 0);
    EXPECT_TRUE(listed.ok());
    return listed.ok() ? *listed : std::vector<OutboxEntry>{};
  }

  OutboxEntry only_entry() {
    auto all = entries();
    EXPECT_EQ(all.size(), 1u);
    return all.empty() ? OutboxEntry{} : all.front();
  }

  std::vector<Store::LoggedAttempt> log(std::optional<int64_t> id = std::nullopt) {
    Store::DeliveryLogQuery query;
    query.outbox_id = id;
    auto rows = store_->delivery_log(query);
    EXPECT_TRUE(rows.ok());
    return rows.ok() ? *rows : std::vector<Store::LoggedAttempt>{};
  }

  // Moves the clock to when the delivery next has work and pumps, until
  // something starts (a destination reopening may come before any entry is
  // due again).
  int advance_and_pump(Delivery& delivery) {
    for (int step = 0; step < 10; ++step) {
      auto due = delivery.next_due();
      EXPECT_TRUE(due.ok());
      if (!due.ok() || !due->has_value()) {
        ADD_FAILURE() << "nothing left to do";
        return 0;
      }
      if (**due > clock_.now()) clock_.set(**due);
      auto started = delivery.pump();
      EXPECT_TRUE(started.ok()) << started.error().message;
      if (!started.ok()) return 0;
      if (*started > 0) return *started;
    }
    ADD_FAILURE() << "no delivery started";
    return 0;
  }

  Config config_ = load(config_text());
  FakeClock clock_{kStart};
  std::unique_ptr<SqliteStore> store_;
  std::deque<std::function<void()>> posted_;
  int serial_ = 0;
};

// -- Pure policy -----------------------------------------------------------------

TEST(DeliveryPolicy, DestinationIsSchemeHostAndPortWithoutSecrets) {
  EXPECT_EQ(destination_of("https://Hooks.Example.org/services/T0/B0/SECRET"),
            "https://hooks.example.org:443");
  EXPECT_EQ(destination_of("http://127.0.0.1:8080/hook?token=x"), "http://127.0.0.1:8080");
  EXPECT_EQ(destination_of("http://user:pass@example.org/"), "http://example.org:80");
  EXPECT_EQ(destination_of("smtp://relay.example.org"), "smtp://relay.example.org:25");
  EXPECT_EQ(destination_of("SMTPS://relay:2465"), "smtps://relay:2465");
  EXPECT_EQ(destination_of("http://[::1]:9000/x"), "http://[::1]:9000");
  EXPECT_EQ(destination_of("https://[::1]/x"), "https://[::1]:443");
  EXPECT_FALSE(destination_of("example.org/hook"));
  EXPECT_FALSE(destination_of("gopher://example.org/"));
  EXPECT_FALSE(destination_of("http:///path"));
}

TEST(DeliveryPolicy, BackoffDoublesUpToTheCap) {
  EXPECT_EQ(backoff_after(1, 30s, 3600s), 30s);
  EXPECT_EQ(backoff_after(2, 30s, 3600s), 60s);
  EXPECT_EQ(backoff_after(5, 30s, 3600s), 480s);
  EXPECT_EQ(backoff_after(8, 30s, 3600s), 3600s);
  EXPECT_EQ(backoff_after(1000000, 30s, 3600s), 3600s);
  EXPECT_EQ(backoff_after(0, 30s, 3600s), 30s);
}

TEST(DeliveryPolicy, JitterStaysInTheUpperHalfAndRetryAfterWins) {
  std::mt19937_64 random(7);
  std::set<int64_t> seen;
  for (int i = 0; i < 1000; ++i) {
    const auto delay = with_jitter(60s, random);
    ASSERT_GE(delay, 30s);
    ASSERT_LE(delay, 60s);
    seen.insert(delay.count());
  }
  EXPECT_GT(seen.size(), 20u) << "the jitter should spread retries";
  EXPECT_EQ(with_jitter(1s, random), 1s);
  EXPECT_EQ(retry_delay(60s, 600s, random), 600s);
  const auto shorter = retry_delay(60s, 5s, random);
  EXPECT_GE(shorter, 30s);
  EXPECT_LE(shorter, 60s);
}

// -- Retries ---------------------------------------------------------------------

TEST_F(DeliveryTest, FailFailSucceedRetriesWithGrowingBackoffAndLogsEveryAttempt) {
  FakeTransport transport({FakeTransport::retryable("HTTP 503 Service Unavailable", 503),
                           FakeTransport::retryable("Connection refused"),
                           FakeTransport::sent(200)});
  auto delivery = make_delivery(transport);
  enqueue(1, Channel::kWebhook, "a");

  ASSERT_EQ(*delivery->pump(), 1);
  EXPECT_EQ(delivery->in_flight(), 1);
  EXPECT_EQ(run_posted(), 1);
  EXPECT_EQ(delivery->in_flight(), 0);
  OutboxEntry entry = only_entry();
  EXPECT_EQ(entry.status, OutboxStatus::kRetry);
  EXPECT_EQ(entry.attempts, 1);
  EXPECT_EQ(entry.last_error, "HTTP 503 Service Unavailable");
  EXPECT_EQ(entry.destination, "http://127.0.0.1:1001");
  const auto first_wait = entry.next_attempt_at - clock_.now();
  EXPECT_GE(first_wait, 15s);
  EXPECT_LE(first_wait, 30s);

  ASSERT_EQ(advance_and_pump(*delivery), 1);
  const Instant second_failure = clock_.now();
  run_posted();
  entry = only_entry();
  EXPECT_EQ(entry.status, OutboxStatus::kRetry);
  EXPECT_EQ(entry.attempts, 2);
  const auto second_wait = entry.next_attempt_at - second_failure;
  EXPECT_GE(second_wait, 30s);
  EXPECT_LE(second_wait, 60s);

  ASSERT_EQ(advance_and_pump(*delivery), 1);
  run_posted();
  entry = only_entry();
  EXPECT_EQ(entry.status, OutboxStatus::kSent);
  EXPECT_EQ(entry.attempts, 3);
  EXPECT_EQ(entry.last_error, "");

  auto rows = log(entry.id);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].attempt.result, "retry");
  EXPECT_EQ(rows[0].attempt.status_code, 503);
  EXPECT_EQ(rows[0].attempt.at, kStart);
  EXPECT_EQ(rows[1].attempt.result, "retry");
  EXPECT_EQ(rows[1].attempt.error, "Connection refused");
  EXPECT_EQ(rows[2].attempt.result, "sent");
  EXPECT_EQ(rows[2].attempt.status_code, 200);
  EXPECT_EQ(rows[2].attempt.channel, Channel::kWebhook);
  EXPECT_EQ(rows[2].attempt.recipient, "a (http://127.0.0.1:1001)");
  EXPECT_EQ(rows[2].unit_id, "general");

  // Every try carried the same idempotency key, so the receiver can dedupe.
  ASSERT_EQ(transport.jobs().size(), 3u);
  std::set<std::string> keys;
  for (const auto& job : transport.jobs()) {
    keys.insert(*std::get<HttpRequest>(job).header("Idempotency-Key"));
  }
  EXPECT_EQ(keys, std::set<std::string>{entry.message.key});
  EXPECT_EQ(delivery->stats().attempts, 3);
  EXPECT_EQ(delivery->stats().retried, 2);
  EXPECT_EQ(delivery->stats().sent, 1);
  EXPECT_EQ(delivery->stats().dead, 0);
  EXPECT_FALSE(*delivery->next_due());
}

TEST_F(DeliveryTest, EachAttemptIsReportedWithTheKindsOfItsMessage) {
  FakeTransport transport({FakeTransport::retryable("HTTP 503 Service Unavailable", 503),
                           FakeTransport::sent(200)});
  auto delivery = make_delivery(transport);
  struct Report {
    Channel channel;
    std::vector<ItemKind> kinds;
    DeliveryStatus status;
  };
  std::vector<Report> reports;
  delivery->set_on_attempt(
      [&](Channel channel, const std::vector<ItemKind>& kinds, const DeliveryOutcome& outcome) {
        reports.push_back({channel, kinds, outcome.status});
      });
  // A digest stored earlier (by any run): the kinds come from the outbox.
  Message digest;
  digest.at = clock_.now();
  digest.day = date::floor<date::days>(clock_.now());
  digest.unit_id = "general";
  digest.channel = Channel::kWebhook;
  digest.target = "a";
  for (auto [number, kind] : {std::pair{"1.1", ItemKind::kOverdue}, std::pair{"1.2", ItemKind::kToday},
                              std::pair{"1.3", ItemKind::kOverdue}}) {
    MessageItem item;
    item.kind = kind;
    item.activity = number;
    item.deadline = digest.day;
    digest.items.push_back(item);
  }
  ASSERT_EQ(*store_->enqueue({digest}, std::nullopt), 1);

  ASSERT_EQ(*delivery->pump(), 1);
  EXPECT_TRUE(reports.empty());  // reported when the outcome comes back
  run_posted();
  ASSERT_EQ(advance_and_pump(*delivery), 1);
  run_posted();
  ASSERT_EQ(reports.size(), 2u);
  for (const auto& report : reports) {
    EXPECT_EQ(report.channel, Channel::kWebhook);
    EXPECT_EQ(report.kinds, (std::vector<ItemKind>{ItemKind::kToday, ItemKind::kOverdue}));
  }
  EXPECT_EQ(reports[0].status, DeliveryStatus::kRetryable);
  EXPECT_EQ(reports[1].status, DeliveryStatus::kSent);
  EXPECT_EQ(only_entry().status, OutboxStatus::kSent);
}

TEST_F(DeliveryTest, PermanentFailureIsDeadAtOnceWithItsReason) {
  FakeTransport transport({FakeTransport::permanent("HTTP 404 Not Found: no such hook", 404)});
  auto delivery = make_delivery(transport);
  enqueue(1, Channel::kWebhook, "a");
  ASSERT_EQ(*delivery->pump(), 1);
  run_posted();
  const OutboxEntry entry = only_entry();
  EXPECT_EQ(entry.status, OutboxStatus::kDead);
  EXPECT_EQ(entry.attempts, 1);
  EXPECT_EQ(entry.last_error, "HTTP 404 Not Found: no such hook");
  auto rows = log(entry.id);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].attempt.result, "dead");
  EXPECT_EQ(rows[0].attempt.status_code, 404);
  EXPECT_EQ(delivery->stats().dead, 1);
  ASSERT_TRUE(delivery->stats().last_error);
  EXPECT_NE(delivery->stats().last_error->find("general webhook:a: HTTP 404"), std::string::npos)
      << *delivery->stats().last_error;
  EXPECT_FALSE(*delivery->next_due());
}

TEST_F(DeliveryTest, RetryAfterLongerThanTheBackoffIsHonoured) {
  FakeTransport transport(
      {FakeTransport::retryable("HTTP 429 Too Many Requests", 429, std::chrono::seconds{600})});
  auto delivery = make_delivery(transport);
  enqueue(1, Channel::kWebhook, "a");
  ASSERT_EQ(*delivery->pump(), 1);
  run_posted();
  const OutboxEntry entry = only_entry();
  EXPECT_EQ(entry.status, OutboxStatus::kRetry);
  EXPECT_EQ(entry.next_attempt_at, kStart + 600s);
  // The destination waits as long: nothing to do before then.
  EXPECT_EQ(**delivery->next_due(), kStart + 600s);
  clock_.set(kStart + 599s);
  EXPECT_EQ(*delivery->pump(), 0);
  clock_.set(kStart + 600s);
  EXPECT_EQ(*delivery->pump(), 1);
}

TEST_F(DeliveryTest, MaxAttemptsMakesItDeadKeepingTheLastError) {
  reconfigure("max_attempts = 3\n");
  FakeTransport transport({FakeTransport::retryable("timeout 1"),
                           FakeTransport::retryable("timeout 2"),
                           FakeTransport::retryable("timeout 3")});
  auto delivery = make_delivery(transport);
  enqueue(1, Channel::kEmail);
  ASSERT_EQ(*delivery->pump(), 1);
  run_posted();
  ASSERT_EQ(advance_and_pump(*delivery), 1);
  run_posted();
  EXPECT_EQ(only_entry().status, OutboxStatus::kRetry);
  ASSERT_EQ(advance_and_pump(*delivery), 1);
  run_posted();
  const OutboxEntry entry = only_entry();
  EXPECT_EQ(entry.status, OutboxStatus::kDead);
  EXPECT_EQ(entry.attempts, 3);
  EXPECT_EQ(entry.last_error, "gave up after 3 attempts; last error: timeout 3");
  EXPECT_EQ(log(entry.id).size(), 3u);
  EXPECT_EQ(transport.jobs().size(), 3u);
  EXPECT_EQ(delivery->stats().dead, 1);
  EXPECT_EQ(delivery->stats().retried, 2);
  // The relay's pause still ends once (one idle wake-up); then nothing is due.
  auto reopening = *delivery->next_due();
  ASSERT_TRUE(reopening);
  clock_.set(*reopening);
  EXPECT_EQ(*delivery->pump(), 0);
  EXPECT_FALSE(*delivery->next_due());
}

TEST_F(DeliveryTest, MaxAgeMakesItDead) {
  reconfigure("max_age = \"1h\"\n");
  FakeTransport transport(
      {FakeTransport::retryable("HTTP 502", 502), FakeTransport::retryable("HTTP 502", 502)});
  auto delivery = make_delivery(transport);
  enqueue(1, Channel::kWebhook, "a");
  ASSERT_EQ(*delivery->pump(), 1);
  run_posted();
  EXPECT_EQ(only_entry().status, OutboxStatus::kRetry);
  clock_.advance(2h);  // e.g. the daemon was stopped
  ASSERT_EQ(*delivery->pump(), 1);
  run_posted();
  const OutboxEntry entry = only_entry();
  EXPECT_EQ(entry.status, OutboxStatus::kDead);
  EXPECT_EQ(entry.attempts, 2);
  EXPECT_EQ(entry.last_error,
            "still undelivered 2 h after it was due (max_age); last error: HTTP 502");
}

// -- Crash and leases ------------------------------------------------------------

TEST_F(DeliveryTest, LeaseOfACrashedProcessIsTakenBackAndDeliveredOnceMore) {
  testing::TempDir dir;
  open_store(dir.file("plazo.db"));
  enqueue(1, Channel::kWebhook, "a");
  FakeTransport first;
  {
    auto crashed = make_delivery(first);
    ASSERT_EQ(*crashed->pump(), 1);
    // The process dies before its loop records the outcome.
  }
  EXPECT_EQ(only_entry().status, OutboxStatus::kInFlight);
  EXPECT_EQ(run_posted(), 1);  // a drain left behind by the dead Delivery is harmless
  EXPECT_EQ(only_entry().status, OutboxStatus::kInFlight);

  open_store(dir.file("plazo.db"));  // the next start
  FakeTransport second;
  auto delivery = make_delivery(second);
  EXPECT_EQ(*delivery->recover(), 1);
  EXPECT_EQ(only_entry().status, OutboxStatus::kPending);
  ASSERT_EQ(*delivery->pump(), 1);
  run_posted();
  const OutboxEntry entry = only_entry();
  EXPECT_EQ(entry.status, OutboxStatus::kSent);
  EXPECT_EQ(entry.attempts, 2);
  ASSERT_EQ(first.jobs().size(), 1u);
  ASSERT_EQ(second.jobs().size(), 1u);
  EXPECT_EQ(*std::get<HttpRequest>(first.jobs()[0]).header("Idempotency-Key"),
            *std::get<HttpRequest>(second.jobs()[0]).header("Idempotency-Key"));
  auto rows = log(entry.id);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].attempt.result, "interrupted");
  EXPECT_EQ(rows[1].attempt.result, "sent");
  EXPECT_EQ(*delivery->recover(), 0);
}

// -- Batching --------------------------------------------------------------------

int count_commit(void* commits) {
  ++*static_cast<int*>(commits);
  return 0;  // let it commit
}

TEST_F(DeliveryTest, OutcomesThatArriveTogetherAreRecordedInOneTransaction) {
  reconfigure("concurrency = 100\n");
  FakeTransport transport;
  auto delivery = make_delivery(transport);
  enqueue(100, Channel::kWebhook, "b");
  ASSERT_EQ(*delivery->pump(), 100);
  EXPECT_EQ(transport.jobs().size(), 100u);
  EXPECT_EQ(delivery->in_flight(), 100);
  ASSERT_EQ(posted_.size(), 1u) << "one drain for outcomes that queued together";

  int commits = 0;
  sqlite3_commit_hook(store_->database().handle(), count_commit, &commits);
  int progress = 0;
  delivery->set_on_progress([&] { ++progress; });
  run_posted();
  sqlite3_commit_hook(store_->database().handle(), nullptr, nullptr);

  EXPECT_EQ(commits, 1);
  EXPECT_EQ(progress, 1);
  EXPECT_EQ(delivery->in_flight(), 0);
  EXPECT_EQ(entries(OutboxStatus::kSent).size(), 100u);
  EXPECT_EQ(log().size(), 100u);
  EXPECT_EQ(delivery->stats().sent, 100);
}

TEST_F(DeliveryTest, FourClaimsPerTransferSlotAtMost) {
  // The transport runs `concurrency` transfers and queues the rest; the
  // delivery stage hands it up to four times that many.
  reconfigure("concurrency = 10\n");
  FakeTransport transport;
  auto delivery = make_delivery(transport);
  enqueue(100, Channel::kWebhook, "b");
  EXPECT_EQ(*delivery->pump(), 40);
  EXPECT_EQ(delivery->in_flight(), 40);
  EXPECT_EQ(*delivery->pump(), 0) << "no room until outcomes are recorded";
  run_posted();
  EXPECT_EQ(*delivery->pump(), 40);
  run_posted();
  EXPECT_EQ(*delivery->pump(), 20);
  run_posted();
  EXPECT_EQ(entries(OutboxStatus::kSent).size(), 100u);
  EXPECT_EQ(transport.jobs().size(), 100u);
}

// -- Destinations ----------------------------------------------------------------

TEST_F(DeliveryTest, APausedDestinationGetsOneProbePerPauseWhileOthersFlow) {
  RoutingTransport transport;
  const auto unavailable = FakeTransport::retryable("HTTP 503 Service Unavailable", 503);
  transport.fail(kHookA, unavailable, 3);
  auto delivery = make_delivery(transport);

  // The first failure pauses host A.
  enqueue(1, Channel::kWebhook, "a");
  ASSERT_EQ(*delivery->pump(), 1);
  run_posted();
  EXPECT_EQ(transport.jobs(kHookA), 1);

  enqueue(50, Channel::kWebhook, "a");
  enqueue(50, Channel::kWebhook, "b");
  EXPECT_EQ(*delivery->pump(), 50);
  run_posted();
  EXPECT_EQ(transport.jobs(kHookA), 1) << "nothing new reaches a paused destination";
  EXPECT_EQ(transport.jobs(kHookB), 50) << "another destination keeps flowing";
  // The deferred entries lost no attempt and wait for the pause to end.
  int deferred = 0;
  for (const auto& entry : entries(OutboxStatus::kPending)) {
    EXPECT_EQ(entry.attempts, 0);
    EXPECT_EQ(entry.destination, "http://127.0.0.1:1001");
    ++deferred;
  }
  EXPECT_EQ(deferred, 50);
  EXPECT_EQ(*delivery->pump(), 0);

  // Each pause period lets exactly one probe through; a failed probe pauses
  // the destination for longer.
  std::vector<Instant> probes;
  for (int round = 0; round < 2; ++round) {
    ASSERT_EQ(advance_and_pump(*delivery), 1) << "round " << round;
    probes.push_back(clock_.now());
    EXPECT_EQ(delivery->in_flight(), 1);
    EXPECT_EQ(*delivery->pump(), 0) << "a second probe while one is out";
    run_posted();
    EXPECT_EQ(transport.jobs(kHookA), 2 + round);
  }
  EXPECT_GE(probes[1] - probes[0], 30s) << "the pause doubled after the failed probe";

  // The third probe succeeds: the destination reopens and everything goes.
  ASSERT_EQ(advance_and_pump(*delivery), 1);
  run_posted();
  EXPECT_EQ(transport.jobs(kHookA), 4);
  EXPECT_EQ(*delivery->pump(), 50);
  run_posted();
  EXPECT_EQ(transport.jobs(kHookA), 54);
  EXPECT_EQ(transport.jobs(kHookB), 50);
  EXPECT_EQ(entries(OutboxStatus::kSent).size(), 101u);
  EXPECT_EQ(delivery->stats().attempts, 104);
  EXPECT_FALSE(*delivery->next_due());
}

TEST_F(DeliveryTest, StragglersFromAPausedDestinationDoNotStretchThePause) {
  RoutingTransport transport;
  transport.fail(kHookA, FakeTransport::retryable("HTTP 503", 503), 20);
  auto delivery = make_delivery(transport);
  enqueue(20, Channel::kWebhook, "a");
  ASSERT_EQ(*delivery->pump(), 20);
  run_posted();
  // Twenty failures that were already on their way: one pause of at most
  // the initial backoff, not twenty doublings.
  auto due = *delivery->next_due();
  ASSERT_TRUE(due);
  EXPECT_LE(*due - kStart, 30s);
}

// -- Entries that cannot be built ------------------------------------------------

TEST_F(DeliveryTest, AnUnknownWebhookOrUnitOrMissingRelayIsDeadWithAReason) {
  // What the outbox holds was scheduled under an older config.
  Unit gone;
  gone.id = "gone";
  gone.name = "Oficina suprimida";
  auto units = config_.units;
  units.push_back(gone);
  ASSERT_TRUE(store_->sync_units(units).ok());
  FakeTransport transport;
  auto delivery = make_delivery(transport);
  enqueue(1, Channel::kWebhook, "renamed");
  enqueue(1, Channel::kWebhook, "spare");  // exists, but general does not use it
  enqueue(1, Channel::kEmail, "", "gone");
  enqueue(1, Channel::kEmail, "", "hacienda");  // no addresses

  EXPECT_EQ(*delivery->pump(), 0);
  EXPECT_TRUE(transport.jobs().empty());
  std::map<std::string, std::string> reasons;
  for (const auto& entry : entries()) {
    EXPECT_EQ(entry.status, OutboxStatus::kDead);
    reasons[entry.message.unit_id + "/" + entry.message.target] = entry.last_error;
  }
  EXPECT_EQ(reasons["general/renamed"], "webhook \"renamed\" is no longer configured");
  EXPECT_EQ(reasons["general/spare"], "unit \"general\" no longer uses webhook \"spare\"");
  EXPECT_EQ(reasons["gone/"], "unit \"gone\" is no longer configured");
  EXPECT_EQ(reasons["hacienda/"], "unit \"hacienda\" has no email addresses");
  EXPECT_EQ(log().size(), 4u);
  EXPECT_EQ(delivery->stats().dead, 4);
  EXPECT_EQ(delivery->stats().attempts, 0);
}

TEST_F(DeliveryTest, EmailWithoutARelayIsDead) {
  Config no_relay = config_;
  no_relay.email = EmailSettings{};
  FakeTransport transport;
  auto delivery = make_delivery(transport);
  ASSERT_TRUE(delivery->configure(no_relay).ok());
  enqueue(1, Channel::kEmail);
  EXPECT_EQ(*delivery->pump(), 0);
  EXPECT_EQ(only_entry().last_error, "no email relay is configured ([email] url)");
}

TEST_F(DeliveryTest, EmailGoesToTheUnitsAddressesThroughTheRelay) {
  FakeTransport transport;
  auto delivery = make_delivery(transport);
  enqueue(1, Channel::kEmail);
  ASSERT_EQ(*delivery->pump(), 1);
  run_posted();
  ASSERT_EQ(transport.jobs().size(), 1u);
  const auto& job = std::get<EmailJob>(transport.jobs()[0]);
  EXPECT_EQ(job.smtp.url, "smtp://127.0.0.1:2525");
  EXPECT_EQ(job.email.recipients,
            (std::vector<std::string>{"general@example.org", "archivo@example.org"}));
  const OutboxEntry entry = only_entry();
  EXPECT_EQ(entry.destination, "smtp://127.0.0.1:2525");
  EXPECT_EQ(*job.email.header("Message-ID"), "<" + entry.message.key + "@plazo>");
  EXPECT_EQ(log(entry.id)[0].attempt.recipient, "general@example.org, archivo@example.org");
}

// -- Configuration and lifecycle -------------------------------------------------

TEST_F(DeliveryTest, WebhookSecretIsReadWhenConfiguringAndSignsTheRequest) {
  testing::TempDir dir;
  const std::string secret = dir.write("secret", "s3cr3t\n");
  ASSERT_EQ(chmod(secret.c_str(), 0600), 0);
  config_.webhooks["a"].secret_file = secret;
  FakeTransport transport;
  auto delivery = make_delivery(transport);
  enqueue(1, Channel::kWebhook, "a");
  ASSERT_EQ(*delivery->pump(), 1);
  const auto& request = std::get<HttpRequest>(transport.jobs()[0]);
  ASSERT_NE(request.header("X-Plazo-Signature"), nullptr);
  EXPECT_EQ(*request.header("X-Plazo-Signature"),
            webhook_signature("s3cr3t", *request.header("X-Plazo-Timestamp"), request.body));
}

TEST_F(DeliveryTest, UnreadableSecretIsAConfigErrorAndTheOldConfigStays) {
  FakeTransport transport;
  auto delivery = make_delivery(transport);
  Config broken = config_;
  broken.webhooks["a"].secret_file = "/nonexistent/plazo-secret";
  auto configured = delivery->configure(broken);
  ASSERT_FALSE(configured.ok());
  EXPECT_NE(configured.error().message.find("Webhook \"a\""), std::string::npos)
      << configured.error().message;
  EXPECT_NE(configured.error().message.find("/nonexistent/plazo-secret"), std::string::npos);
  enqueue(1, Channel::kWebhook, "a");
  ASSERT_EQ(*delivery->pump(), 1);
  EXPECT_EQ(std::get<HttpRequest>(transport.jobs()[0]).header("X-Plazo-Signature"), nullptr);
}

TEST_F(DeliveryTest, PumpBeforeConfigureIsAnError) {
  FakeTransport transport;
  Delivery delivery(*store_, transport, clock_, [](std::function<void()>) {});
  EXPECT_FALSE(delivery.pump().ok());
}

TEST_F(DeliveryTest, StopClaimsNothingMoreButRecordsWhatIsInFlight) {
  const auto cancelled = FakeTransport::retryable("cancelled at shutdown");
  FakeTransport transport({cancelled, cancelled, cancelled, cancelled});
  auto delivery = make_delivery(transport);
  enqueue(5, Channel::kWebhook, "a");
  reconfigure("concurrency = 1\n");
  ASSERT_TRUE(delivery->configure(config_).ok());
  ASSERT_EQ(*delivery->pump(), 4);  // one transfer and three queued behind it
  delivery->stop();
  run_posted();
  EXPECT_EQ(delivery->in_flight(), 0);
  EXPECT_EQ(*delivery->pump(), 0);
  EXPECT_EQ(transport.jobs().size(), 4u);
  // Cancelled by our own shutdown: due again at once, no destination pause.
  auto retry = entries(OutboxStatus::kRetry);
  ASSERT_EQ(retry.size(), 4u);
  for (const auto& entry : retry) EXPECT_EQ(entry.next_attempt_at, clock_.now());
  EXPECT_EQ(entries(OutboxStatus::kPending).size(), 1u);
  EXPECT_FALSE(*delivery->next_due());
}

TEST_F(DeliveryTest, NextDueIsTheEarliestPendingEntry) {
  FakeTransport transport;
  auto delivery = make_delivery(transport);
  EXPECT_FALSE(*delivery->next_due());
  clock_.set(kStart + 2h);
  enqueue(1, Channel::kWebhook, "a");
  clock_.set(kStart);
  EXPECT_EQ(**delivery->next_due(), kStart + 2h);
  EXPECT_EQ(*delivery->pump(), 0) << "not due yet";
}

}  // namespace
}  // namespace plazo
