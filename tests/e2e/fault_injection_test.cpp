// Fault injection, end to end: the real plazo binary (`plazo run --now T`,
// whose clock starts at T and runs in real time) against local servers that
// fail on purpose, all on 127.0.0.1 and run with Debian's python3:
//  - a webhook answering 503 for two minutes: plazo backs off (the pause of
//    the destination doubles, one probe at a time, no hot loop) and delivers
//    every message once the receiver recovers;
//  - a webhook that hangs, one that closes mid-response, one that answers
//    429 with Retry-After: each attempt is logged with its error, the next
//    one honours Retry-After, and a healthy receiver on the same port then
//    gets every message;
//  - an SMTP relay that refuses connections, then answers 421, 451 and 550
//    per recipient: the transient ones are retried, the permanent one is
//    dead with the server's reason, the others are delivered;
//  - SIGKILL at 20 random moments of a 10,000-message delivery: nothing is
//    lost, a message arrives twice only if it was in flight at a kill, and
//    the database stays intact.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>

#include "config/config.h"
#include "storage/sqlite_store.h"
#include "support/loopback.h"
#include "support/outbox_probe.h"
#include "support/process.h"

namespace plazo::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::ordered_json;

const std::string kPython = "/usr/bin/python3";
const std::string kSupport = std::string(PLAZO_SOURCE_DIR) + "/tests/support";
// Every activity is due that day; the daemon starts a second before the
// 08:00 send time, `run --once` at it.
constexpr const char* kDeadline = "2023-11-30";
constexpr const char* kDaemonStart = "2023-11-30T07:59:59";
constexpr const char* kSendTime = "2023-11-30T08:00";

// Seconds since the epoch of an RFC 3339 time as plazo prints it
// ("2023-11-30T08:00:03-05:00"); -1 if it is not one.
int64_t seconds_of(const std::string& text) {
  int year = 0;
  unsigned month = 0, day = 0;
  int hour = 0, minute = 0, second = 0, offset_hours = 0, offset_minutes = 0;
  char sign = 0;
  if (std::sscanf(text.c_str(), "%4d-%2u-%2uT%2d:%2d:%2d%c%2d:%2d", &year, &month, &day, &hour,
                  &minute, &second, &sign, &offset_hours, &offset_minutes) != 9 ||
      (sign != '+' && sign != '-')) {
    ADD_FAILURE() << "not an RFC 3339 time: " << text;
    return -1;
  }
  const auto days = date::sys_days{date::year{year} / month / day}.time_since_epoch();
  const int64_t offset = (sign == '-' ? -1 : 1) * (offset_hours * 3600 + offset_minutes * 60);
  return std::chrono::duration_cast<std::chrono::seconds>(days).count() + hour * 3600 +
         minute * 60 + second - offset;
}

// The wait the delivery stage draws after `failures` failed attempts is in
// [backoff / 2, backoff] (notifiers/delivery_policy.h); this is its floor.
int64_t least_wait(int failures, int64_t initial, int64_t max) {
  int64_t backoff = std::min(initial, max);
  for (int i = 1; i < failures && backoff < max; ++i) backoff = std::min(backoff * 2, max);
  return std::max<int64_t>(backoff / 2, 1);
}

// One request as tests/support/webhook_receiver.py logged it.
struct Request {
  std::string key;  // Idempotency-Key
  int status = 0;   // what the receiver answered; 0 when it never did
  double at = 0;    // when it arrived (seconds since the epoch)
};

// The value of "name" in one JSON line the receiver wrote: a string's text
// (the fields read here need no unescaping) or a number's digits; "" when
// absent or null. Found by search, not parsed: logs of 10,000 requests
// with their bodies are read this way in a blink, even under a sanitizer.
std::string field_of(const std::string& line, const std::string& name) {
  const std::string label = "\"" + name + "\": ";
  const auto at = line.find(label);
  if (at == std::string::npos) return "";
  const size_t start = at + label.size();
  if (line.compare(start, 1, "\"") == 0) {
    const auto end = line.find('"', start + 1);
    return end == std::string::npos ? "" : line.substr(start + 1, end - start - 1);
  }
  const auto end = line.find_first_of(",}", start);
  const std::string value = line.substr(start, end == std::string::npos ? end : end - start);
  return value == "null" ? "" : value;
}

std::vector<Request> requests_in(const std::string& log) {
  std::vector<Request> requests;
  std::istringstream in(read_file(log));
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line.back() != '}') continue;  // being written
    Request request;
    request.key = field_of(line, "Idempotency-Key");
    const std::string status = field_of(line, "status");
    request.status = status.empty() ? 0 : std::stoi(status);
    const std::string at = field_of(line, "at");
    request.at = at.empty() ? 0 : std::stod(at);
    requests.push_back(request);
  }
  return requests;
}

// How many requests a receiver has logged, counted as its log grows: each
// call reads only what was added since the last one (for polling a log that
// grows to megabytes).
class LoggedRequests {
 public:
  explicit LoggedRequests(std::string log) : log_(std::move(log)) {}
  size_t operator()() {
    std::ifstream in(log_, std::ios::binary);
    if (!in) return lines_;
    in.seekg(static_cast<std::streamoff>(offset_));
    std::array<char, 1 << 16> buffer;
    while (in.read(buffer.data(), buffer.size()) || in.gcount() > 0) {
      const auto got = in.gcount();
      lines_ += static_cast<size_t>(std::count(buffer.data(), buffer.data() + got, '\n'));
      offset_ += static_cast<size_t>(got);
    }
    return lines_;
  }

 private:
  std::string log_;
  size_t offset_ = 0;
  size_t lines_ = 0;
};

// How many requests the receiver answered with `status`, cheaply.
size_t answered(const std::string& log, int status) {
  const std::string text = read_file(log);
  const std::string field = "\"status\": " + std::to_string(status) + ",";
  size_t count = 0;
  for (auto at = text.find(field); at != std::string::npos; at = text.find(field, at + 1)) ++count;
  return count;
}

// One unit with one webhook at 127.0.0.1:port, one message per activity
// (digest off), and the [delivery] policy given.
std::string webhook_config(unsigned short port, int timeout_seconds, const std::string& delivery) {
  return "[daemon]\ntimezone = \"America/Bogota\"\nlog_level = \"info\"\n"
         "[health]\nlisten = \"\"\n"
         "[reminders]\ndigest = false\nchannels = [\"webhook\"]\n"
         "[delivery]\n" +
         delivery + "[webhooks.hook]\nurl = \"http://127.0.0.1:" + std::to_string(port) +
         "/hook\"\ntimeout_seconds = " + std::to_string(timeout_seconds) +
         "\n[[units]]\nid = \"general\"\nname = \"Secretaría General\"\nwebhooks = [\"hook\"]\n";
}

class FaultInjection : public ::testing::Test {
 protected:
  void SetUp() override { database_ = dir_.file("plazo.db"); }

  // Writes the config and imports, for each entry of `responsible`, one open
  // activity of that unit due on kDeadline: one message each.
  void prepare(const std::string& config_text, const std::vector<std::string>& responsible) {
    config_ = dir_.write("plazo.toml", config_text);
    auto loaded = load_config(config_);
    ASSERT_TRUE(loaded.ok()) << loaded.errors.at(0).to_string();
    auto store = SqliteStore::open(database_);
    ASSERT_TRUE(store.ok()) << store.error().message;
    ASSERT_TRUE((*store)->sync_units(loaded.config->units).ok());
    std::vector<ImportedActivity> plan(responsible.size());
    for (size_t i = 0; i < responsible.size(); ++i) {
      Activity& a = plan[i].activity;
      a.number = std::to_string(i / 100 + 1) + "." + std::to_string(i % 100 + 1);
      a.title = "Actividad " + std::to_string(i);
      a.responsible = {responsible[i]};
      a.deadline = parse_iso_date(kDeadline);
    }
    ASSERT_TRUE((*store)->apply_import("PAAC", 2023, plan, false).ok());
  }

  std::unique_ptr<Child> start_plazo(const std::vector<std::string>& extra) {
    std::vector<std::string> argv = {PLAZO_BINARY, "run",        "--config",
                                     config_,      "--database", database_};
    argv.insert(argv.end(), extra.begin(), extra.end());
    auto child = std::make_unique<Child>(
        argv, std::map<std::string, std::string>{
                  {"PLAZO_CONFIG", ""}, {"PLAZO_DATABASE", ""}, {"JOURNAL_STREAM", ""}});
    EXPECT_TRUE(child->started());
    return child;
  }

  // tests/support/webhook_receiver.py on 127.0.0.1:port, logging to `log`.
  std::unique_ptr<LocalServer> start_receiver(unsigned short port, const std::string& log,
                                              const std::vector<std::string>& options = {}) {
    std::vector<std::string> argv = {
        kPython, kSupport + "/webhook_receiver.py", "--port", std::to_string(port), "--log", log};
    argv.insert(argv.end(), options.begin(), options.end());
    auto server = std::make_unique<LocalServer>(argv, port);
    EXPECT_TRUE(server->ready()) << server->diagnostics();
    return server;
  }

  // tests/support/smtp_sink.py on 127.0.0.1:port, storing mail in `mail_dir`.
  std::unique_ptr<LocalServer> start_sink(unsigned short port, const std::string& mail_dir,
                                          const std::vector<std::string>& options = {}) {
    std::vector<std::string> argv = {
        kPython, kSupport + "/smtp_sink.py", "--port", std::to_string(port), "--dir", mail_dir};
    argv.insert(argv.end(), options.begin(), options.end());
    auto server = std::make_unique<LocalServer>(argv, port);
    EXPECT_TRUE(server->ready()) << server->diagnostics();
    return server;
  }

  // `plazo ARGS --config --database` to completion (beside a running daemon:
  // the database is in WAL mode).
  ProcessResult plazo(std::vector<std::string> args) const {
    args.insert(args.end(), {"--config", config_, "--database", database_});
    return run_plazo(args);
  }

  ordered_json json_of(std::vector<std::string> args) const {
    const ProcessResult result = plazo(std::move(args));
    EXPECT_EQ(result.exit_code, 0) << result.err;
    auto json = ordered_json::parse(result.out, nullptr, /*allow_exceptions=*/false);
    EXPECT_TRUE(json.is_array()) << result.out;
    return json.is_array() ? json : ordered_json::array();
  }

  // `plazo outbox --format json`, newest first.
  ordered_json outbox() const { return json_of({"outbox", "--format", "json"}); }
  // `plazo outbox log --format json`: every attempt, oldest first.
  ordered_json delivery_log() const { return json_of({"outbox", "log", "--format", "json"}); }

  // The outbox and the delivery log as of one moment: read the log, the
  // outbox, the log again, until no attempt was recorded in between (the
  // daemons here record a few attempts a second at most).
  std::pair<ordered_json, ordered_json> snapshot() const {
    for (int tries = 1;; ++tries) {
      ordered_json log = delivery_log();
      ordered_json entries = outbox();
      if (delivery_log().size() == log.size()) return {entries, log};
      if (tries == 100) {
        ADD_FAILURE() << "the delivery log never held still";
        return {entries, log};
      }
    }
  }

  // The outbox entry of `unit` (one message per unit), or null.
  static ordered_json entry_of(const ordered_json& entries, const std::string& unit) {
    for (const auto& entry : entries) {
      if (entry["unit"] == unit) return entry;
    }
    return nullptr;
  }

  static size_t count_status(const ordered_json& entries, const std::string& status) {
    return static_cast<size_t>(std::count_if(entries.begin(), entries.end(),
                                             [&](const auto& e) { return e["status"] == status; }));
  }

  // Delivery log rows of one outbox message, oldest first.
  static std::vector<ordered_json> attempts_of(const ordered_json& log, int64_t outbox_id) {
    std::vector<ordered_json> rows;
    for (const auto& row : log) {
      if (row["outbox_id"] == outbox_id) rows.push_back(row);
    }
    return rows;
  }

  // Keys of the outbox rows in `status`, read while no plazo runs.
  std::set<std::string> outbox_keys(const std::string& status) const {
    return plazo::testing::outbox_keys(database_, status);
  }

  // The outbox rows in flight, each as (key, attempt number), read while no
  // plazo runs. A row left in flight by a kill keeps its attempt number
  // until a start takes it back, so a pair names one claim however many
  // kills find it.
  std::set<std::pair<std::string, int64_t>> in_flight_claims() const {
    auto store = SqliteStore::open(database_);
    EXPECT_TRUE(store.ok());
    if (!store.ok()) return {};
    auto select =
        (*store)->database().prepare("SELECT key, attempts FROM outbox WHERE status = 'in_flight'");
    EXPECT_TRUE(select.ok());
    std::set<std::pair<std::string, int64_t>> claims;
    if (!select.ok()) return claims;
    while (*select->step() == Step::kRow) {
      claims.emplace(select->column_text(0), select->column_int64(1));
    }
    return claims;
  }

  // The first column of the first row of `sql` (no parameters), read while
  // no plazo runs.
  std::string query_text(const std::string& sql) const {
    auto store = SqliteStore::open(database_);
    EXPECT_TRUE(store.ok());
    if (!store.ok()) return "";
    auto statement = (*store)->database().prepare(sql);
    EXPECT_TRUE(statement.ok()) << sql;
    if (!statement.ok() || *statement->step() != Step::kRow) return "";
    return statement->column_text(0);
  }

  TempDir dir_;
  std::string config_;
  std::string database_;
};

// -- 1. A receiver down for two minutes -------------------------------------------

TEST_F(FaultInjection, WebhookDownForTwoMinutesBacksOffThenDeliversEverything) {
  constexpr int kMessages = 50;
  constexpr int kFailSeconds = 120;
  constexpr int64_t kInitial = 2;  // [delivery] initial_backoff, seconds
  constexpr int64_t kMax = 16;     // [delivery] max_backoff, seconds
  const unsigned short port = free_port();
  prepare(webhook_config(port, 10,
                         "initial_backoff = \"2s\"\nmax_backoff = \"16s\"\n"
                         "max_attempts = 100\nmax_age = \"1h\"\n"),
          std::vector<std::string>(kMessages, "general"));
  const std::string log = dir_.file("webhooks.jsonl");
  auto receiver = start_receiver(port, log, {"--fail-for", std::to_string(kFailSeconds)});
  auto daemon = start_plazo({"--now", kDaemonStart});

  // Two minutes of 503, then at most a pause (kMax) until the next probe
  // finds the receiver back and the rest follow.
  ASSERT_TRUE(eventually([&] { return answered(log, 200) >= kMessages; },
                         std::chrono::seconds(kFailSeconds + 120)))
      << answered(log, 200) << " of " << kMessages << " delivered\n"
      << daemon->err();
  ASSERT_TRUE(eventually([&] { return count_status(outbox(), "sent") == kMessages; }))
      << outbox().dump(2);
  daemon->signal(SIGTERM);
  EXPECT_EQ(daemon->wait(), 0) << daemon->err();

  // The receiver: every message once, after every refusal.
  const std::vector<Request> requests = requests_in(log);
  std::map<std::string, int> accepted;
  size_t rejected = 0;
  double last_rejected = 0;
  double first_accepted = 1e300;
  for (const auto& request : requests) {
    if (request.status == 503) {
      ++rejected;
      last_rejected = std::max(last_rejected, request.at);
    } else {
      EXPECT_EQ(request.status, 200);
      ++accepted[request.key];
      first_accepted = std::min(first_accepted, request.at);
    }
  }
  EXPECT_EQ(accepted.size(), static_cast<size_t>(kMessages));
  for (const auto& [key, times] : accepted) EXPECT_EQ(times, 1) << key;
  EXPECT_LT(last_rejected, first_accepted);
  // No hot loop: after the first attempt of each message, at most one
  // request a second reached the failing receiver (each probe waits for the
  // previous one and for the daemon's timer, which never fires sooner than
  // a second). Retrying each message on its own backoff, without the pause
  // of the destination, would already make several hundred.
  EXPECT_GE(rejected, static_cast<size_t>(kMessages));
  EXPECT_LE(rejected, static_cast<size_t>(kMessages + kFailSeconds + 1))
      << "requests to the failing receiver";

  // The delivery log: every attempt, on plazo's clock (whole seconds).
  const ordered_json rows = delivery_log();
  ASSERT_EQ(rows.size(), requests.size()) << "one log row per request";
  std::map<int64_t, std::vector<int64_t>> attempts;  // outbox id -> attempt times
  std::vector<int64_t> probes;                       // failed attempts after the first ones
  std::vector<int64_t> first_attempts;
  for (const auto& row : rows) {
    const int64_t at = seconds_of(row["at"]);
    auto& times = attempts[row["outbox_id"].get<int64_t>()];
    if (row["result"] == "retry") {
      EXPECT_EQ(row["status_code"], 503) << row.dump();
      EXPECT_EQ(row["error"].get<std::string>().rfind("HTTP 503", 0), 0u) << row.dump();
      if (times.empty()) {
        EXPECT_TRUE(probes.empty()) << "a probe went before every message had had one attempt";
        first_attempts.push_back(at);
      } else {
        probes.push_back(at);
      }
    } else {
      EXPECT_EQ(row["result"], "sent") << row.dump();
      EXPECT_EQ(row["status_code"], 200);
    }
    times.push_back(at);
  }
  ASSERT_EQ(first_attempts.size(), static_cast<size_t>(kMessages));
  ASSERT_EQ(probes.size(), rejected - kMessages);
  // The destination pauses after the first failure and each failed probe
  // doubles the pause (up to max_backoff); only one probe is out at a time,
  // so probes follow each other at growing intervals.
  ASSERT_GE(probes.size(), 4u) << "two minutes hold a handful of probes";
  int64_t previous = first_attempts.front();
  int64_t longest = 0;
  for (size_t i = 0; i < probes.size(); ++i) {
    const int64_t gap = probes[i] - previous;
    EXPECT_GE(gap, least_wait(static_cast<int>(i) + 1, kInitial, kMax)) << "probe " << i + 1;
    longest = std::max(longest, gap);
    previous = probes[i];
  }
  EXPECT_GE(longest, kMax / 2) << "the pause grew to max_backoff";
  std::string gaps;
  previous = first_attempts.front();
  for (const int64_t probe : probes) {
    gaps += (gaps.empty() ? "" : " ") + std::to_string(probe - previous);
    previous = probe;
  }
  std::cout << "[ fault    ] " << rejected << " requests refused in " << kFailSeconds
            << " s: " << kMessages << " first attempts, then " << probes.size()
            << " probes, seconds apart: " << gaps << std::endl;
  // Each message waits at least its own backoff between two attempts, and
  // the wait grows with its failures.
  for (const auto& [id, times] : attempts) {
    ASSERT_GE(times.size(), 2u) << "message " << id << " failed first, then was sent";
    for (size_t k = 1; k < times.size(); ++k) {
      EXPECT_GE(times[k] - times[k - 1], least_wait(static_cast<int>(k), kInitial, kMax))
          << "message " << id << ", attempt " << k + 1;
    }
  }
  for (const auto& entry : outbox()) {
    EXPECT_EQ(entry["attempts"].get<int64_t>(),
              static_cast<int64_t>(attempts[entry["id"].get<int64_t>()].size()))
        << "attempts counts the tries made, not the deferrals" << entry.dump();
  }
}

// -- 2. Receivers that hang, break off or say "later" -------------------------------

class WebhookFaults : public FaultInjection {
 protected:
  static constexpr int kMessages = 3;

  // The daemon against a receiver started with `options`, until every
  // message has been tried and one of them a second time (the destination's
  // first probe). Returns the delivery log then.
  ordered_json fail(const std::vector<std::string>& options, int timeout_seconds = 10,
                    const std::string& delivery =
                        "initial_backoff = \"1s\"\n"
                        "max_backoff = \"4s\"\n") {
    port_ = free_port();
    prepare(
        webhook_config(port_, timeout_seconds, delivery + "max_attempts = 100\nmax_age = \"1h\"\n"),
        std::vector<std::string>(kMessages, "general"));
    if (HasFatalFailure()) return {};
    faulty_log_ = dir_.file("faulty.jsonl");
    receiver_ = start_receiver(port_, faulty_log_, options);
    daemon_ = start_plazo({"--now", kDaemonStart});
    const size_t wanted = kMessages + 1;
    LoggedRequests logged(faulty_log_);
    EXPECT_TRUE(eventually([&] { return logged() >= wanted; }, 60s)) << daemon_->err();
    ordered_json rows;
    EXPECT_TRUE(eventually([&] { return (rows = delivery_log()).size() >= wanted; }, 60s))
        << rows.dump(2) << daemon_->err();
    return rows;
  }

  // Replaces the faulty receiver by a healthy one on the same port; every
  // message reaches it, once, and is sent.
  void recover() {
    receiver_.reset();  // killed: what it held in flight breaks off
    const std::string healthy_log = dir_.file("healthy.jsonl");
    receiver_ = start_receiver(port_, healthy_log);
    LoggedRequests logged(healthy_log);
    ASSERT_TRUE(eventually([&] { return logged() >= kMessages; }, 60s)) << daemon_->err();
    ASSERT_TRUE(eventually([&] { return count_status(outbox(), "sent") == kMessages; }))
        << outbox().dump(2);
    daemon_->signal(SIGTERM);
    EXPECT_EQ(daemon_->wait(), 0) << daemon_->err();
    std::set<std::string> keys;
    for (const auto& request : requests_in(healthy_log)) {
      EXPECT_EQ(request.status, 200);
      EXPECT_TRUE(keys.insert(request.key).second) << request.key << " arrived twice";
    }
    std::set<std::string> sent;
    for (const auto& entry : outbox()) sent.insert(entry["key"]);
    EXPECT_EQ(keys, sent);
    // What the faulty receiver saw were the same messages.
    for (const auto& request : requests_in(faulty_log_)) EXPECT_EQ(sent.count(request.key), 1u);
  }

  unsigned short port_ = 0;
  std::string faulty_log_;
  std::unique_ptr<LocalServer> receiver_;
  std::unique_ptr<Child> daemon_;
};

TEST_F(WebhookFaults, ReceiverThatNeverAnswersTimesOutAndIsRetried) {
  const ordered_json rows = fail({"--hang"}, /*timeout_seconds=*/2);
  ASSERT_FALSE(HasFatalFailure());
  ASSERT_GE(rows.size(), static_cast<size_t>(kMessages + 1));
  for (const auto& row : rows) {
    EXPECT_EQ(row["result"], "retry") << row.dump();
    EXPECT_EQ(row["status_code"], 0) << "no reply" << row.dump();
    EXPECT_EQ(row["error"].get<std::string>().rfind("Timeout was reached", 0), 0u) << row.dump();
    EXPECT_GE(row["duration_ms"].get<int64_t>(), 1990) << "the 2 s timeout ran out" << row.dump();
  }
  for (const auto& entry : outbox()) {
    if (entry["status"] == "in_flight") continue;  // the probe, hanging
    EXPECT_EQ(entry["status"], "retry") << entry.dump();
    EXPECT_EQ(entry["last_error"].get<std::string>().rfind("Timeout was reached", 0), 0u)
        << entry.dump();
  }
  recover();
}

TEST_F(WebhookFaults, ReceiverThatClosesMidResponseIsRetried) {
  const ordered_json rows = fail({"--close"});
  ASSERT_FALSE(HasFatalFailure());
  for (const auto& row : rows) {
    EXPECT_EQ(row["result"], "retry") << row.dump();
    // The status line said 200, but the body broke off: not delivered.
    EXPECT_EQ(row["status_code"], 200) << row.dump();
    EXPECT_EQ(row["error"].get<std::string>().rfind("Transferred a partial file", 0), 0u)
        << row.dump();
  }
  for (const auto& entry : outbox()) {
    if (entry["status"] == "in_flight") continue;
    EXPECT_EQ(entry["status"], "retry") << entry.dump();
    EXPECT_EQ(entry["last_error"].get<std::string>().rfind("Transferred a partial file", 0), 0u)
        << entry.dump();
  }
  recover();
}

TEST_F(WebhookFaults, TooManyRequestsWaitsForRetryAfter) {
  constexpr int64_t kRetryAfter = 5;  // longer than any backoff of the policy below
  fail({"--status", "429", "--retry-after", std::to_string(kRetryAfter)}, 10,
       "initial_backoff = \"1s\"\nmax_backoff = \"2s\"\n");
  ASSERT_FALSE(HasFatalFailure());
  const auto [entries, rows] = snapshot();
  ASSERT_GE(rows.size(), static_cast<size_t>(kMessages + 1));
  for (const auto& row : rows) {
    EXPECT_EQ(row["result"], "retry") << row.dump();
    EXPECT_EQ(row["status_code"], 429) << row.dump();
    EXPECT_EQ(row["error"].get<std::string>().rfind("HTTP 429", 0), 0u) << row.dump();
  }
  // Each waiting message is due again no sooner than Retry-After after its
  // last attempt...
  for (const auto& entry : entries) {
    if (entry["status"] == "in_flight") continue;
    ASSERT_EQ(entry["status"], "retry") << entry.dump();
    EXPECT_EQ(entry["last_error"].get<std::string>().rfind("HTTP 429", 0), 0u) << entry.dump();
    const auto tries = attempts_of(rows, entry["id"]);
    ASSERT_FALSE(tries.empty());
    EXPECT_GE(seconds_of(entry["next_attempt_at"]) - seconds_of(tries.back()["at"]), kRetryAfter)
        << entry.dump() << "\n"
        << tries.back().dump();
  }
  // ...and so were the attempts that followed: of one message, and of the
  // destination (its pause lasts Retry-After too).
  for (const auto& entry : entries) {
    const auto tries = attempts_of(rows, entry["id"]);
    for (size_t k = 1; k < tries.size(); ++k) {
      EXPECT_GE(seconds_of(tries[k]["at"]) - seconds_of(tries[k - 1]["at"]), kRetryAfter);
    }
  }
  for (size_t i = kMessages; i < rows.size(); ++i) {
    EXPECT_GE(seconds_of(rows[i]["at"]) - seconds_of(rows[i - 1]["at"]), kRetryAfter)
        << rows[i].dump();
  }
  recover();
}

// -- 3. An SMTP relay that is down, then refuses some recipients ---------------------

TEST_F(FaultInjection, SmtpTransientRefusalsAreRetriedPermanentOnesDieOthersAreDelivered) {
  const unsigned short port = free_port();  // nothing listens there yet
  // One message per unit; "mixta" has a good address and one the relay
  // refuses for good.
  const std::vector<std::pair<std::string, std::string>> units = {
      {"cierre", "\"cierre@example.org\""},
      {"gris", "\"gris@example.org\""},
      {"inexistente", "\"inexistente@example.org\""},
      {"general", "\"general@example.org\""},
      {"mixta", "\"mixta@example.org\", \"baja@example.org\""}};
  std::string config =
      "[daemon]\ntimezone = \"America/Bogota\"\nlog_level = \"info\"\n"
      "[health]\nlisten = \"\"\n"
      "[email]\nurl = \"smtp://127.0.0.1:" +
      std::to_string(port) +
      "\"\nfrom = \"PAAC Itagüí <paac@example.org>\"\nstarttls = \"off\"\ntimeout_seconds = 10\n"
      "[reminders]\ndigest = false\nchannels = [\"email\"]\n"
      "[delivery]\ninitial_backoff = \"1s\"\nmax_backoff = \"2s\"\nmax_attempts = 100\n"
      "max_age = \"1h\"\n";
  std::vector<std::string> responsible;
  for (const auto& [id, emails] : units) {
    config +=
        "[[units]]\nid = \"" + id + "\"\nname = \"Unidad " + id + "\"\nemail = [" + emails + "]\n";
    responsible.push_back(id);
  }
  prepare(config, responsible);
  auto daemon = start_plazo({"--now", kDaemonStart});

  // No listener: every message is tried, refused, and waits for a retry.
  ordered_json rows;
  ASSERT_TRUE(eventually([&] { return (rows = delivery_log()).size() >= units.size(); }, 60s))
      << daemon->err();
  for (const auto& row : rows) {
    EXPECT_EQ(row["result"], "retry") << row.dump();
    EXPECT_EQ(row["status_code"], 0) << row.dump();
    EXPECT_EQ(row["error"].get<std::string>().rfind("Couldn't connect to server", 0), 0u)
        << row.dump();
  }

  // The relay comes up, refusing three addresses: 421 and 451 for now, 550
  // for good.
  const std::string first_mail = dir_.file("mail-1");
  auto sink = start_sink(port, first_mail,
                         {"--reject", "cierre@example.org=421 4.3.2 Service shutting down",
                          "--reject", "gris@example.org=451 4.7.1 Greylisted, try again later",
                          "--reject", "inexistente@example.org=550 5.1.1 No such user", "--reject",
                          "baja@example.org=550 5.1.1 No such user"});
  // Done when every message has its answer from the relay, the transient
  // refusals at least twice.
  const auto refused = [&](const ordered_json& log, const ordered_json& entry, int code) {
    const auto tries = attempts_of(log, entry["id"]);
    return std::count_if(tries.begin(), tries.end(),
                         [&](const auto& row) { return row["status_code"] == code; });
  };
  ordered_json entries;
  const bool settled = eventually(
      [&] {
        std::tie(entries, rows) = snapshot();
        return entry_of(entries, "general")["status"] == "sent" &&
               entry_of(entries, "inexistente")["status"] == "dead" &&
               entry_of(entries, "mixta")["status"] == "dead" &&
               refused(rows, entry_of(entries, "cierre"), 421) >= 2 &&
               refused(rows, entry_of(entries, "gris"), 451) >= 2;
      },
      60s);
  ASSERT_TRUE(settled) << entries.dump(2) << "\n" << rows.dump(2) << "\n" << daemon->err();
  const auto expect_waiting = [&](const std::string& unit, const std::string& error) {
    const ordered_json entry = entry_of(entries, unit);
    if (entry["status"] == "in_flight") return;  // tried right now
    EXPECT_EQ(entry["status"], "retry") << entry.dump();
    EXPECT_EQ(entry["last_error"], error) << entry.dump();
  };
  expect_waiting("cierre", "SMTP 421: 421 4.3.2 Service shutting down");
  expect_waiting("gris", "SMTP 451: 451 4.7.1 Greylisted, try again later");
  for (const std::string unit : {"inexistente", "mixta"}) {
    const ordered_json entry = entry_of(entries, unit);
    EXPECT_EQ(entry["last_error"], "SMTP 550: 550 5.1.1 No such user") << entry.dump();
    const auto tries = attempts_of(rows, entry["id"]);
    ASSERT_FALSE(tries.empty());
    EXPECT_EQ(tries.back()["result"], "dead");
    EXPECT_EQ(tries.back()["status_code"], 550);
    EXPECT_EQ(refused(rows, entry, 550), 1) << "a permanent refusal is not retried";
  }
  // The operator's view: the dead messages and why.
  const ProcessResult dead = plazo({"outbox", "--status", "dead"});
  ASSERT_EQ(dead.exit_code, 0) << dead.err;
  for (const std::string unit : {"inexistente", "mixta"}) {
    bool listed = false;
    std::istringstream lines(dead.out);
    for (std::string line; std::getline(lines, line);) {
      if (line.find(" " + unit + " ") == std::string::npos) continue;
      listed = true;
      EXPECT_NE(line.find("dead"), std::string::npos) << line;
      EXPECT_NE(line.find("SMTP 550: 550 5.1.1 No such user"), std::string::npos) << line;
    }
    EXPECT_TRUE(listed) << unit << " in\n" << dead.out;
  }

  // The relay is replaced by one that takes everything: the transient
  // refusals are delivered; the dead stay dead.
  sink.reset();
  const std::string second_mail = dir_.file("mail-2");
  sink = start_sink(port, second_mail);
  ASSERT_TRUE(eventually(
      [&] {
        entries = outbox();
        return entry_of(entries, "cierre")["status"] == "sent" &&
               entry_of(entries, "gris")["status"] == "sent";
      },
      60s))
      << entries.dump(2) << daemon->err();
  daemon->signal(SIGTERM);
  EXPECT_EQ(daemon->wait(), 0) << daemon->err();
  entries = outbox();
  EXPECT_EQ(entry_of(entries, "general")["status"], "sent");
  EXPECT_EQ(entry_of(entries, "inexistente")["status"], "dead");
  EXPECT_EQ(entry_of(entries, "mixta")["status"], "dead");

  // Who got mail, and only once: the first relay accepted general's message
  // alone (mixta's was refused whole: curl_transport.h, no partial delivery
  // that a retry would duplicate), the second the two retried ones.
  const auto recipients = [](const std::string& dir) {
    std::multiset<std::string> got;
    if (!std::filesystem::exists(dir)) return got;
    for (const auto& file : std::filesystem::directory_iterator(dir)) {
      if (file.path().extension() != ".json") continue;
      const auto meta = nlohmann::json::parse(read_file(file.path().string()));
      for (const auto& to : meta["rcpt_tos"]) got.insert(to.get<std::string>());
    }
    return got;
  };
  EXPECT_EQ(recipients(first_mail), (std::multiset<std::string>{"general@example.org"}));
  EXPECT_EQ(recipients(second_mail),
            (std::multiset<std::string>{"cierre@example.org", "gris@example.org"}));
}

// -- 4. SIGKILL, again and again, during a big delivery ------------------------------

TEST_F(FaultInjection, TwentySigkillsDuringTenThousandDeliveriesLoseNothing) {
  constexpr int kMessages = 10000;
  constexpr int kKills = 20;
  // A run is killed a random delay after a new request reaches the
  // receiver, or once the receiver has this many more, whichever comes
  // first: 20 runs then leave at least half the messages for the last one,
  // on any machine. (That request is the run's own, or one the previous run
  // sent just before it died and the receiver reads late; then the kill
  // lands during start-up, in the taking back of leases or the pass: as
  // good a moment to die at.)
  constexpr size_t kMostPerRun = kMessages / (2 * kKills);
  constexpr int kLongestDelayMs = 300;

  uint64_t seed = std::random_device{}();
  if (const char* fixed = std::getenv("PLAZO_FAULT_SEED")) seed = std::stoull(fixed);
  std::cout << "[ fault    ] SIGKILL delays drawn with seed " << seed
            << " (PLAZO_FAULT_SEED=" << seed << " repeats them)" << std::endl;
  RecordProperty("seed", std::to_string(seed));
  std::mt19937_64 random(seed);
  std::uniform_int_distribution<int> delay_ms(0, kLongestDelayMs);

  const unsigned short port = free_port();
  prepare(webhook_config(port, 120, "concurrency = 64\n"),
          std::vector<std::string>(kMessages, "general"));
  const std::string log = dir_.file("webhooks.jsonl");
  auto receiver = start_receiver(port, log);
  LoggedRequests logged_requests(log);

  // Every claim a kill cut short: (key, attempt). A run killed before it
  // took back the previous run's leases leaves the same claims in flight.
  std::set<std::pair<std::string, int64_t>> cut_short;
  for (int kill = 1; kill <= kKills; ++kill) {
    const size_t before = logged_requests();
    const int delay = delay_ms(random);
    auto run = start_plazo({"--once", "--now", kSendTime});
    int code = 0;
    ASSERT_TRUE(eventually([&] { return logged_requests() > before || run->try_wait(&code); }, 60s))
        << "run " << kill << " delivered nothing\n"
        << run->err();
    ASSERT_FALSE(run->try_wait(&code)) << "run " << kill << " ended (" << code << ")\n"
                                       << run->err();
    const auto kill_at = std::chrono::steady_clock::now() + std::chrono::milliseconds(delay);
    eventually([&] {
      return std::chrono::steady_clock::now() >= kill_at ||
             logged_requests() >= before + kMostPerRun;
    });
    run->signal(SIGKILL);
    ASSERT_EQ(run->wait(), 128 + SIGKILL) << "run " << kill << " ended before the kill\n"
                                          << run->err();
    const auto in_flight = in_flight_claims();
    std::cout << "[ fault    ] kill " << kill << " after " << delay
              << " ms: " << logged_requests() - before << " received in that run, "
              << in_flight.size() << " in flight" << std::endl;
    cut_short.insert(in_flight.begin(), in_flight.end());
    EXPECT_EQ(query_text("PRAGMA integrity_check"), "ok") << "after kill " << kill;
  }
  EXPECT_LT(logged_requests(), static_cast<size_t>(kMessages))
      << "the kills came too late to prove anything";
  EXPECT_FALSE(cut_short.empty()) << "no kill caught a delivery in flight";

  auto last = start_plazo({"--once", "--now", kSendTime});
  EXPECT_EQ(last->wait(), 0) << last->err();
  EXPECT_NE(last->out().find("delivered "), std::string::npos) << last->out();

  std::map<std::string, int> in_flight_at_kills;  // key -> its claims cut short
  for (const auto& [key, attempt] : cut_short) ++in_flight_at_kills[key];
  const size_t interrupted = cut_short.size();
  std::map<std::string, int> times;
  for (const auto& request : requests_in(log)) {
    EXPECT_EQ(request.status, 200);
    ++times[request.key];
  }
  EXPECT_EQ(times.size(), static_cast<size_t>(kMessages)) << "every message arrived";
  EXPECT_EQ(outbox_keys("sent").size(), static_cast<size_t>(kMessages));
  size_t duplicates = 0;
  for (const auto& [key, count] : times) {
    if (count == 1) continue;
    duplicates += static_cast<size_t>(count - 1);
    // A message is sent again only after a kill that caught it in flight,
    // so it arrives at most once more than the claims of it cut short.
    EXPECT_LE(count, 1 + in_flight_at_kills[key])
        << key << " arrived " << count << " times; " << in_flight_at_kills[key]
        << " of its attempts were cut short";
  }
  EXPECT_LE(duplicates, interrupted);
  std::cout << "[ fault    ] " << duplicates << " duplicate deliveries, " << interrupted
            << " deliveries in flight at a kill" << std::endl;
  // Every attempt a kill cut short is in the audit trail, taken back at the
  // next start.
  EXPECT_EQ(query_text("SELECT count(*) FROM delivery_log WHERE result = 'interrupted'"),
            std::to_string(interrupted));
  EXPECT_EQ(query_text("PRAGMA integrity_check"), "ok");
}

}  // namespace
}  // namespace plazo::testing
