// CurlTransport against real servers on 127.0.0.1, started and stopped by
// each test: tests/support/webhook_receiver.py, aiosmtpd's Mailbox handler
// and tests/support/smtp_sink.py (all run with Debian's /usr/bin/python3).
#include "notifiers/curl_transport.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "sample.h"
#include "support/loopback.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace plazo {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;
using Steady = std::chrono::steady_clock;
using testing::eventually;
using testing::free_port;
using testing::LocalServer;

const std::string kSupport = PLAZO_TEST_SUPPORT_DIR;
const std::string kPython = PLAZO_PYTHON;
constexpr auto kOutcomeDeadline = seconds{20};

/// The HTTP receiver, recording requests as JSON lines.
class Receiver {
 public:
  explicit Receiver(std::vector<std::string> options = {}) : port_(free_port()) {
    std::vector<std::string> argv = {kPython,  kSupport + "/webhook_receiver.py",
                                     "--port", std::to_string(port_),
                                     "--log",  dir_.file("requests.jsonl")};
    argv.insert(argv.end(), options.begin(), options.end());
    server_ = std::make_unique<LocalServer>(argv, port_);
  }
  bool ready() const { return server_->ready(); }
  std::string url(const std::string& path = "/hook") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  std::vector<json> requests() const {
    std::vector<json> out;
    std::istringstream lines(testing::read_file(dir_.file("requests.jsonl")));
    for (std::string line; std::getline(lines, line);) {
      if (!line.empty()) out.push_back(json::parse(line));
    }
    return out;
  }

 private:
  testing::TempDir dir_;
  int port_;
  std::unique_ptr<LocalServer> server_;
};

/// Collects outcomes from the transport's thread.
class Outcomes {
 public:
  DeliveryCallback callback() {
    return [this](DeliveryOutcome outcome) {
      std::lock_guard lock(mutex_);
      outcomes_.push_back(std::move(outcome));
      threads_.insert(std::this_thread::get_id());
      changed_.notify_all();
    };
  }
  /// Waits for `count` outcomes (and no more than that by the deadline).
  std::vector<DeliveryOutcome> wait(size_t count) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, kOutcomeDeadline, [&] { return outcomes_.size() >= count; });
    return outcomes_;
  }
  std::set<std::thread::id> threads() {
    std::lock_guard lock(mutex_);
    return threads_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<DeliveryOutcome> outcomes_;
  std::set<std::thread::id> threads_;
};

std::unique_ptr<CurlTransport> make_transport(CurlTransport::Options options = {}) {
  auto transport = CurlTransport::create(options);
  EXPECT_TRUE(transport.ok());
  return std::move(transport).value();
}

HttpRequest post(const std::string& url, std::string body = "{\"version\":1}", int timeout = 10) {
  HttpRequest request;
  request.url = url;
  request.body = std::move(body);
  request.headers = {{"Content-Type", "application/json"}};
  request.timeout = seconds{timeout};
  return request;
}

DeliveryOutcome deliver_one(CurlTransport& transport, DeliveryJob job) {
  Outcomes outcomes;
  transport.submit(std::move(job), outcomes.callback());
  const auto got = outcomes.wait(1);
  EXPECT_EQ(got.size(), 1u);
  return got.empty() ? DeliveryOutcome{} : got.front();
}

// ---------------------------------------------------------------- webhooks --

TEST(CurlWebhook, DeliversTheSignedRequestAsBuilt) {
  Receiver receiver({"--secret", "s3cr3t"});
  ASSERT_TRUE(receiver.ready());
  const Message message = testing::sample_digest();
  const auto rendered =
      Renderer::load(Config{})->render(message, testing::general_unit(), testing::all_units());
  WebhookSettings settings;
  settings.url = receiver.url();
  settings.timeout_seconds = 10;
  const Instant now{seconds{1700744403}};
  const HttpRequest request =
      build_webhook(rendered, message, testing::general_unit(), settings, {}, "s3cr3t", now,
                    TimeZone::locate("America/Bogota").value());
  auto transport = make_transport();
  Outcomes outcomes;
  transport->submit(request, outcomes.callback());
  const auto got = outcomes.wait(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].status, DeliveryStatus::kSent) << got[0].error;
  EXPECT_EQ(got[0].code, 200);
  EXPECT_EQ(got[0].error, "");
  EXPECT_NE(*outcomes.threads().begin(), std::this_thread::get_id());

  const auto received = receiver.requests();
  ASSERT_EQ(received.size(), 1u);
  const json& r = received[0];
  EXPECT_EQ(r["method"], "POST");
  EXPECT_EQ(r["path"], "/hook");
  EXPECT_EQ(r["body"], request.body);
  EXPECT_EQ(r["headers"]["Content-Type"], "application/json");
  EXPECT_EQ(r["headers"]["Idempotency-Key"], message.key);
  EXPECT_EQ(r["headers"]["User-Agent"], std::string("plazo/") + PLAZO_VERSION);
  EXPECT_EQ(r["headers"]["X-Plazo-Timestamp"], "1700744403");
  EXPECT_EQ(r["headers"]["X-Plazo-Signature"],
            webhook_signature("s3cr3t", "1700744403", r["body"].get<std::string>()));
  EXPECT_EQ(r["signature_ok"], true);  // checked by Python's hmac, as WEBHOOKS.md shows
  EXPECT_FALSE(r["headers"].contains("Expect"));
  const json body = json::parse(r["body"].get<std::string>());
  EXPECT_EQ(body["key"], message.key);
  EXPECT_EQ(body["sent_at"], "2023-11-23T08:00:03-05:00");
}

TEST(CurlWebhook, ServiceUnavailableIsRetryable) {
  Receiver receiver({"--status", "503"});
  ASSERT_TRUE(receiver.ready());
  auto transport = make_transport();
  const auto outcome = deliver_one(*transport, post(receiver.url()));
  EXPECT_EQ(outcome.status, DeliveryStatus::kRetryable);
  EXPECT_EQ(outcome.code, 503);
  EXPECT_EQ(outcome.error, "HTTP 503: {\"received\": 1}");
  EXPECT_FALSE(outcome.retry_after);
}

TEST(CurlWebhook, TooManyRequestsHonoursRetryAfter) {
  Receiver receiver({"--status", "429", "--retry-after", "7"});
  ASSERT_TRUE(receiver.ready());
  auto transport = make_transport();
  const auto outcome = deliver_one(*transport, post(receiver.url()));
  EXPECT_EQ(outcome.status, DeliveryStatus::kRetryable);
  EXPECT_EQ(outcome.code, 429);
  ASSERT_TRUE(outcome.retry_after);
  EXPECT_EQ(*outcome.retry_after, seconds{7});
}

TEST(CurlWebhook, NotFoundIsPermanent) {
  Receiver receiver({"--status", "404"});
  ASSERT_TRUE(receiver.ready());
  auto transport = make_transport();
  const auto outcome = deliver_one(*transport, post(receiver.url()));
  EXPECT_EQ(outcome.status, DeliveryStatus::kPermanent);
  EXPECT_EQ(outcome.code, 404);
  EXPECT_EQ(outcome.error, "HTTP 404: {\"received\": 1}");
}

TEST(CurlWebhook, RedirectsAreNotFollowed) {
  Receiver receiver({"--status", "301", "--location", "/elsewhere"});
  ASSERT_TRUE(receiver.ready());
  auto transport = make_transport();
  const auto outcome = deliver_one(*transport, post(receiver.url()));
  EXPECT_EQ(outcome.status, DeliveryStatus::kPermanent);
  EXPECT_EQ(outcome.code, 301);
  EXPECT_EQ(outcome.error, "HTTP 301 redirect to /elsewhere not followed; update the webhook URL");
  EXPECT_EQ(receiver.requests().size(), 1u);
}

TEST(CurlWebhook, ConnectionRefusedIsRetryable) {
  auto transport = make_transport();
  const auto outcome =
      deliver_one(*transport, post("http://127.0.0.1:" + std::to_string(free_port()) + "/hook"));
  EXPECT_EQ(outcome.status, DeliveryStatus::kRetryable);
  EXPECT_EQ(outcome.code, 0);
  EXPECT_EQ(outcome.error.rfind("Couldn't connect to server", 0), 0u) << outcome.error;
}

TEST(CurlWebhook, HangingServerTimesOut) {
  Receiver receiver({"--hang"});
  ASSERT_TRUE(receiver.ready());
  auto transport = make_transport();
  const auto outcome = deliver_one(*transport, post(receiver.url(), "{}", 1));
  EXPECT_EQ(outcome.status, DeliveryStatus::kRetryable);
  EXPECT_EQ(outcome.code, 0);
  EXPECT_EQ(outcome.error.rfind("Timeout was reached", 0), 0u) << outcome.error;
  EXPECT_GE(outcome.duration, milliseconds{900});
  EXPECT_LT(outcome.duration, milliseconds{5000});
}

TEST(CurlWebhook, ConnectionClosedMidResponseIsRetryable) {
  Receiver receiver({"--close"});
  ASSERT_TRUE(receiver.ready());
  auto transport = make_transport();
  const auto outcome = deliver_one(*transport, post(receiver.url()));
  EXPECT_EQ(outcome.status, DeliveryStatus::kRetryable) << outcome.error;
  EXPECT_FALSE(outcome.error.empty());
  EXPECT_EQ(receiver.requests().size(), 1u);
}

TEST(CurlWebhook, FailsThenSucceeds) {
  Receiver receiver({"--fail-first", "2"});
  ASSERT_TRUE(receiver.ready());
  auto transport = make_transport();
  EXPECT_EQ(deliver_one(*transport, post(receiver.url())).code, 503);
  EXPECT_EQ(deliver_one(*transport, post(receiver.url())).code, 503);
  const auto third = deliver_one(*transport, post(receiver.url()));
  EXPECT_EQ(third.status, DeliveryStatus::kSent);
  EXPECT_EQ(third.code, 200);
}

TEST(CurlWebhook, TwoHundredConcurrentDeliveries) {
  Receiver receiver;
  ASSERT_TRUE(receiver.ready());
  auto transport = make_transport();
  Outcomes outcomes;
  for (int i = 0; i < 200; ++i) {
    HttpRequest request =
        post(receiver.url("/hook/" + std::to_string(i)), "{\"n\":" + std::to_string(i) + "}");
    request.headers.push_back({"Idempotency-Key", "key-" + std::to_string(i)});
    transport->submit(std::move(request), outcomes.callback());
  }
  const auto got = outcomes.wait(200);
  ASSERT_EQ(got.size(), 200u);
  for (const auto& outcome : got) {
    EXPECT_EQ(outcome.status, DeliveryStatus::kSent) << outcome.error;
  }
  EXPECT_EQ(outcomes.threads().size(), 1u);  // all from the one worker
  std::set<std::string> keys;
  for (const auto& request : receiver.requests()) {
    keys.insert(request["headers"]["Idempotency-Key"].get<std::string>());
    EXPECT_EQ(request["body"], "{\"n\":" + request["path"].get<std::string>().substr(6) + "}");
  }
  EXPECT_EQ(keys.size(), 200u);
}

TEST(CurlWebhook, AQueuedJobStartsAsSoonAsASlotFrees) {
  // One slot and a worker that would otherwise sleep an hour: each queued
  // job must start when the one before it finishes, not at the next wake-up.
  Receiver receiver;
  ASSERT_TRUE(receiver.ready());
  CurlTransport::Options options;
  options.max_concurrent = 1;
  options.idle_wait = std::chrono::hours{1};
  auto transport = make_transport(options);
  Outcomes outcomes;
  for (int i = 0; i < 3; ++i) transport->submit(post(receiver.url()), outcomes.callback());
  const auto got = outcomes.wait(3);
  ASSERT_EQ(got.size(), 3u);
  for (const auto& outcome : got) EXPECT_EQ(outcome.status, DeliveryStatus::kSent) << outcome.error;
}

TEST(CurlWebhook, ShutdownCancelsTransfersInFlightAndQueued) {
  Receiver receiver({"--hang"});
  ASSERT_TRUE(receiver.ready());
  CurlTransport::Options options;
  options.max_concurrent = 2;
  options.shutdown_grace = milliseconds{200};
  auto transport = make_transport(options);
  Outcomes outcomes;
  for (int i = 0; i < 3; ++i)
    transport->submit(post(receiver.url(), "{}", 60), outcomes.callback());
  ASSERT_TRUE(eventually([&] { return receiver.requests().size() == 2; }, seconds{10}));
  const auto started = Steady::now();
  transport->shutdown();
  EXPECT_LT(Steady::now() - started, seconds{3});
  const auto got = outcomes.wait(3);
  ASSERT_EQ(got.size(), 3u);
  for (const auto& outcome : got) {
    EXPECT_EQ(outcome.status, DeliveryStatus::kRetryable);
    EXPECT_EQ(outcome.error, "cancelled at shutdown");
  }
  // Accepting nothing more: answered at once, on this thread.
  std::optional<DeliveryOutcome> late;
  transport->submit(post(receiver.url()), [&](DeliveryOutcome o) { late = std::move(o); });
  ASSERT_TRUE(late);
  EXPECT_EQ(late->status, DeliveryStatus::kRetryable);
  EXPECT_EQ(late->error, "transport is shut down");
  EXPECT_EQ(receiver.requests().size(), 2u);
}

TEST(CurlWebhook, ShutdownLetsQuickTransfersFinish) {
  Receiver receiver;
  ASSERT_TRUE(receiver.ready());
  CurlTransport::Options options;
  options.shutdown_grace = seconds{10};
  auto transport = make_transport(options);
  Outcomes outcomes;
  transport->submit(post(receiver.url()), outcomes.callback());
  ASSERT_TRUE(eventually([&] { return receiver.requests().size() == 1; }, seconds{10}));
  transport->shutdown();
  const auto got = outcomes.wait(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].status, DeliveryStatus::kSent) << got[0].error;
}

// ------------------------------------------------------------------- email --

/// aiosmtpd's Mailbox handler, writing a maildir.
class Mailbox {
 public:
  Mailbox()
      : port_(free_port()),
        server_({kPython, "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:" + std::to_string(port_), "-c",
                 "aiosmtpd.handlers.Mailbox", dir_.file("maildir")},
                port_) {}
  bool ready() const { return server_.ready(); }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }
  std::vector<std::string> messages() const {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir_.file("maildir/new"), ec)) {
      out.push_back(entry.path().string());
    }
    return out;
  }

 private:
  testing::TempDir dir_;
  int port_;
  LocalServer server_;
};

/// tests/support/smtp_sink.py.
class Sink {
 public:
  explicit Sink(std::vector<std::string> options = {}) : port_(free_port()) {
    std::vector<std::string> argv = {kPython,  kSupport + "/smtp_sink.py",
                                     "--port", std::to_string(port_),
                                     "--dir",  dir_.file("mail")};
    argv.insert(argv.end(), options.begin(), options.end());
    server_ = std::make_unique<LocalServer>(argv, port_);
  }
  bool ready() const { return server_->ready(); }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }
  /// Metadata of message n (1-based), or null if not there.
  json meta(int n) const {
    const std::string text = testing::read_file(dir_.file("mail/" + std::to_string(n) + ".json"));
    return text.empty() ? json() : json::parse(text);
  }
  size_t count() const {
    std::error_code ec;
    size_t n = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir_.file("mail"), ec)) {
      n += entry.path().extension() == ".json" ? 1 : 0;
    }
    return n;
  }
  const testing::TempDir& dir() const { return dir_; }

 private:
  testing::TempDir dir_;
  int port_;
  std::unique_ptr<LocalServer> server_;
};

// Python's email package reads the message as a mail client would.
constexpr const char* kDecodeEmail = R"(
import email, email.policy, json, sys
raw = open(sys.argv[1], 'rb').read()
msg = email.message_from_bytes(raw, policy=email.policy.default)
parts = []
for part in msg.walk():
    if part.is_multipart():
        continue
    parts.append({'type': part.get_content_type(), 'charset': part.get_content_charset(),
                  'cte': part.get('Content-Transfer-Encoding'), 'content': part.get_content()})
head = raw.split(b'\n\n', 1)[0].decode('ascii')
print(json.dumps({'headers': {k: str(v) for k, v in msg.items()},
                  'names': [k for k, v in msg.items()],
                  'content_type': msg.get_content_type(),
                  'defects': [type(d).__name__ for d in msg.defects],
                  'raw_head': head, 'parts': parts}))
)";

json decode_email(const std::string& path) {
  const auto result = testing::run_process({kPython, "-c", kDecodeEmail, path});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  return json::parse(result.out, nullptr, false);
}

std::string without_cr(std::string text) {
  std::string out;
  for (const char c : text) {
    if (c != '\r') out += c;
  }
  return out;
}

EmailJob email_job(const std::string& url, std::vector<std::string> recipients) {
  EmailJob job;
  job.smtp.url = url;
  job.smtp.from = "PAAC Itagüí <paac@example.org>";
  job.smtp.starttls = StartTls::kOpportunistic;
  job.smtp.timeout_seconds = 10;
  Unit unit = testing::general_unit();
  unit.emails = std::move(recipients);
  const Message message = testing::sample_digest();
  const auto rendered = Renderer::load(Config{})->render(message, unit, testing::all_units());
  job.email = build_email(rendered, message, unit, job.smtp, Instant{seconds{1700744403}});
  return job;
}

TEST(CurlEmail, DeliversAProperMimeMessage) {
  Mailbox mailbox;
  ASSERT_TRUE(mailbox.ready());
  auto transport = make_transport();
  const EmailJob job = email_job(mailbox.url(), {"general@example.org", "archivo@example.org"});
  const auto outcome = deliver_one(*transport, job);
  ASSERT_EQ(outcome.status, DeliveryStatus::kSent) << outcome.error;
  EXPECT_EQ(outcome.code, 250);

  ASSERT_TRUE(eventually([&] { return mailbox.messages().size() == 1; }, seconds{10}));
  const json mail = decode_email(mailbox.messages()[0]);
  ASSERT_FALSE(mail.is_discarded());
  const json& headers = mail["headers"];
  const Message message = testing::sample_digest();
  const auto rendered =
      Renderer::load(Config{})->render(message, testing::general_unit(), testing::all_units());
  EXPECT_EQ(headers["Subject"], rendered.subject);
  EXPECT_EQ(headers["From"], "PAAC Itagüí <paac@example.org>");
  EXPECT_EQ(headers["To"],
            "Secretaría General <general@example.org>, Secretaría General <archivo@example.org>");
  EXPECT_EQ(headers["Date"], "Thu, 23 Nov 2023 13:00:03 +0000");
  EXPECT_EQ(headers["Message-ID"], "<" + message.key + "@plazo>");
  EXPECT_EQ(headers["Auto-Submitted"], "auto-generated");
  EXPECT_EQ(headers["X-Plazo-Key"], message.key);
  EXPECT_EQ(headers["X-MailFrom"], "paac@example.org");
  EXPECT_EQ(headers["X-RcptTo"], "general@example.org, archivo@example.org");
  EXPECT_EQ(headers["MIME-Version"], "1.0");
  EXPECT_EQ(mail["content_type"], "multipart/alternative");
  EXPECT_EQ(mail["defects"].size(), 0u) << mail["defects"];
  // One Content-Type at the top, not curl's default plus ours.
  const auto names = mail["names"].get<std::vector<std::string>>();
  EXPECT_EQ(std::count(names.begin(), names.end(), "Content-Type"), 1);
  // On the wire the subject is encoded; every header line fits.
  const std::string head = mail["raw_head"];
  EXPECT_NE(head.find("Subject: =?UTF-8?B?"), std::string::npos) << head;

  ASSERT_EQ(mail["parts"].size(), 2u);
  EXPECT_EQ(mail["parts"][0]["type"], "text/plain");
  EXPECT_EQ(mail["parts"][0]["charset"], "utf-8");
  EXPECT_EQ(mail["parts"][0]["cte"], "quoted-printable");
  EXPECT_EQ(without_cr(mail["parts"][0]["content"]), rendered.text);
  EXPECT_EQ(mail["parts"][1]["type"], "text/html");
  EXPECT_EQ(mail["parts"][1]["charset"], "utf-8");
  EXPECT_EQ(without_cr(mail["parts"][1]["content"]), rendered.html);
}

TEST(CurlEmail, RejectedRecipientIsPermanentAndNothingIsSent) {
  Sink sink({"--reject", "archivo@example.org=550 5.1.1 No such user"});
  ASSERT_TRUE(sink.ready());
  auto transport = make_transport();
  const auto outcome = deliver_one(
      *transport, email_job(sink.url(), {"general@example.org", "archivo@example.org"}));
  EXPECT_EQ(outcome.status, DeliveryStatus::kPermanent);
  EXPECT_EQ(outcome.code, 550);
  EXPECT_EQ(outcome.error, "SMTP 550: 550 5.1.1 No such user");
  EXPECT_EQ(sink.count(), 0u);
}

TEST(CurlEmail, GreylistedRecipientIsRetryable) {
  Sink sink({"--reject", "general@example.org=450 4.2.0 Greylisted, try later"});
  ASSERT_TRUE(sink.ready());
  auto transport = make_transport();
  const auto outcome = deliver_one(*transport, email_job(sink.url(), {"general@example.org"}));
  EXPECT_EQ(outcome.status, DeliveryStatus::kRetryable);
  EXPECT_EQ(outcome.code, 450);
  EXPECT_EQ(outcome.error, "SMTP 450: 450 4.2.0 Greylisted, try later");
}

TEST(CurlEmail, RefusedAfterDataIsClassifiedByItsCode) {
  Sink later({"--data-reply", "451 4.3.0 Local error, try later"});
  Sink never({"--data-reply", "554 5.7.1 Message refused"});
  ASSERT_TRUE(later.ready());
  ASSERT_TRUE(never.ready());
  auto transport = make_transport();
  const auto retry = deliver_one(*transport, email_job(later.url(), {"general@example.org"}));
  EXPECT_EQ(retry.status, DeliveryStatus::kRetryable);
  EXPECT_EQ(retry.code, 451);
  const auto dead = deliver_one(*transport, email_job(never.url(), {"general@example.org"}));
  EXPECT_EQ(dead.status, DeliveryStatus::kPermanent);
  EXPECT_EQ(dead.code, 554);
  EXPECT_EQ(dead.error, "SMTP 554: 554 5.7.1 Message refused");
}

TEST(CurlEmail, LogsInWithThePasswordReadFromItsFile) {
  Sink sink({"--user", "plazo", "--password", "p4ss w0rd"});
  ASSERT_TRUE(sink.ready());
  auto transport = make_transport();
  EmailJob job = email_job(sink.url(), {"general@example.org"});
  job.smtp.username = "plazo";
  job.smtp.password_file = sink.dir().write("password", "p4ss w0rd\n");
  const auto outcome = deliver_one(*transport, job);
  ASSERT_EQ(outcome.status, DeliveryStatus::kSent) << outcome.error;
  ASSERT_TRUE(eventually([&] { return sink.count() == 1; }, seconds{10}));
  EXPECT_EQ(sink.meta(1)["login"], "plazo");
  EXPECT_EQ(sink.meta(1)["mail_from"], "paac@example.org");

  // The file is read at send time: a changed password takes effect at once.
  sink.dir().write("password", "wrong\n");
  const auto denied = deliver_one(*transport, job);
  EXPECT_EQ(denied.status, DeliveryStatus::kPermanent);
  EXPECT_EQ(denied.code, 535);
  EXPECT_EQ(denied.error.find("wrong"), std::string::npos);

  job.smtp.password_file = sink.dir().file("missing");
  const auto unreadable = deliver_one(*transport, job);
  EXPECT_EQ(unreadable.status, DeliveryStatus::kPermanent);
  EXPECT_EQ(unreadable.code, 0);
  EXPECT_EQ(unreadable.error.rfind(
                "SMTP password: cannot read secret file " + sink.dir().file("missing"), 0),
            0u)
      << unreadable.error;
}

TEST(CurlEmail, RequiredStartTlsThatIsNotOfferedIsPermanent) {
  Sink sink;
  ASSERT_TRUE(sink.ready());
  auto transport = make_transport();
  EmailJob job = email_job(sink.url(), {"general@example.org"});
  job.smtp.starttls = StartTls::kRequired;
  const auto outcome = deliver_one(*transport, job);
  EXPECT_EQ(outcome.status, DeliveryStatus::kPermanent);
  EXPECT_NE(outcome.error.find("STARTTLS"), std::string::npos) << outcome.error;
  EXPECT_EQ(sink.count(), 0u);
}

TEST(CurlEmail, ReusesTheConnectionForLaterMessages) {
  Sink sink;
  ASSERT_TRUE(sink.ready());
  auto transport = make_transport();
  for (int i = 0; i < 3; ++i) {
    const auto outcome = deliver_one(*transport, email_job(sink.url(), {"general@example.org"}));
    ASSERT_EQ(outcome.status, DeliveryStatus::kSent) << outcome.error;
  }
  ASSERT_TRUE(eventually([&] { return sink.count() == 3; }, seconds{10}));
  EXPECT_EQ(sink.meta(1)["peer_port"], sink.meta(2)["peer_port"]);
  EXPECT_EQ(sink.meta(2)["peer_port"], sink.meta(3)["peer_port"]);
}

TEST(CurlTransportHandles, AReusedHandleCarriesNothingFromItsLastTransfer) {
  // One slot: every transfer after the first runs on the handle the one
  // before it used (reset in between), email and webhook alternating.
  Receiver receiver;
  Sink sink({"--user", "plazo", "--password", "p4ss w0rd"});
  ASSERT_TRUE(receiver.ready());
  ASSERT_TRUE(sink.ready());
  CurlTransport::Options options;
  options.max_concurrent = 1;
  auto transport = make_transport(options);

  EmailJob login = email_job(sink.url(), {"general@example.org"});
  login.smtp.username = "plazo";
  login.smtp.password_file = sink.dir().write("password", "p4ss w0rd\n");
  ASSERT_EQ(deliver_one(*transport, login).status, DeliveryStatus::kSent);
  HttpRequest first = post(receiver.url("/first"), "{\"n\":1}");
  first.headers.push_back({"X-First", "yes"});
  ASSERT_EQ(deliver_one(*transport, first).status, DeliveryStatus::kSent);
  const auto second = deliver_one(*transport, post(receiver.url("/second"), "{\"n\":2}"));
  EXPECT_EQ(second.status, DeliveryStatus::kSent) << second.error;
  EXPECT_EQ(second.code, 200);
  const auto mail = deliver_one(*transport, email_job(sink.url(), {"planeacion@example.org"}));
  EXPECT_EQ(mail.status, DeliveryStatus::kSent) << mail.error;

  const auto received = receiver.requests();
  ASSERT_EQ(received.size(), 2u);
  const json& r = received[1];
  EXPECT_EQ(r["path"], "/second");
  EXPECT_EQ(r["body"], "{\"n\":2}");
  EXPECT_EQ(r["headers"]["Content-Type"], "application/json");
  EXPECT_FALSE(r["headers"].contains("X-First"));       // the last webhook's header
  EXPECT_FALSE(r["headers"].contains("MIME-Version"));  // the email's headers
  EXPECT_FALSE(r["headers"].contains("Expect"));
  // The relay's login must never reach a webhook receiver as Basic auth.
  EXPECT_FALSE(received[0]["headers"].contains("Authorization"));
  EXPECT_FALSE(r["headers"].contains("Authorization"));
  ASSERT_TRUE(eventually([&] { return sink.count() == 2; }, seconds{10}));
  EXPECT_EQ(sink.meta(1)["login"], "plazo");
  EXPECT_EQ(sink.meta(2)["rcpt_tos"], json::array({"planeacion@example.org"}));
  EXPECT_EQ(sink.meta(2)["mail_from"], "paac@example.org");
}

TEST(CurlEmail, NoRecipientsIsPermanent) {
  auto transport = make_transport();
  const auto outcome = deliver_one(*transport, email_job("smtp://127.0.0.1:9", {}));
  EXPECT_EQ(outcome.status, DeliveryStatus::kPermanent);
  EXPECT_EQ(outcome.error, "the email has no recipients");
}

}  // namespace
}  // namespace plazo
