// plazo outbox (listing, JSON, CSV, retry, the delivery log) on a database
// the test prepares through the Store, and plazo send-test against local
// servers: tests/support/webhook_receiver.py, aiosmtpd's Mailbox handler and
// tests/support/smtp_sink.py, all on 127.0.0.1 with Debian's python3.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "storage/sqlite_store.h"
#include "support/loopback.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace plazo::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::ordered_json;

const std::string kPython = "/usr/bin/python3";
const std::string kSupport = std::string(PLAZO_SOURCE_DIR) + "/tests/support";
const Instant kDue = date::sys_days{date::year{2023} / 11 / 23} + 13h;  // 08:00 in Bogotá

std::string config_text(int webhook_port, int smtp_port) {
  return "[daemon]\ntimezone = \"America/Bogota\"\n"
         "[health]\nlisten = \"\"\n"
         "[email]\nurl = \"smtp://127.0.0.1:" +
         std::to_string(smtp_port) +
         "\"\nfrom = \"PAAC Itagüí <paac@example.org>\"\nstarttls = \"off\"\n"
         "timeout_seconds = 10\n"
         "[webhooks.hook]\nurl = \"http://127.0.0.1:" +
         std::to_string(webhook_port) +
         "/hook\"\ntimeout_seconds = 10\n"
         "[[units]]\nid = \"general\"\nname = \"Secretaría General\"\n"
         "email = [\"general@example.org\"]\nwebhooks = [\"hook\"]\n"
         "[[units]]\nid = \"evaluacion\"\nname = \"Secretaría de Evaluación y Control\"\n"
         "oversight = true\n";
}

class OutboxE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = dir_.write("plazo.toml", config_text(free_port(), free_port()));
    database_ = dir_.file("plazo.db");
  }

  ProcessResult plazo(std::vector<std::string> args) {
    args.insert(args.end(), {"--config", config_, "--database", database_});
    return run_plazo(args);
  }

  // Three messages: sent (email), dead (webhook), waiting for a retry (email).
  void prepare() {
    auto store = SqliteStore::open(database_);
    ASSERT_TRUE(store.ok()) << store.error().message;
    Unit general;
    general.id = "general";
    general.name = "Secretaría General";
    ASSERT_TRUE((*store)->sync_units({general}).ok());
    std::vector<Message> messages;
    for (int i = 0; i < 3; ++i) {
      Message message;
      message.at = kDue + date::days{i == 2 ? 1 : 0};
      message.day = date::floor<date::days>(message.at);
      message.unit_id = "general";
      message.channel = i == 1 ? Channel::kWebhook : Channel::kEmail;
      message.target = i == 1 ? "hook" : "";
      MessageItem item;
      item.activity = "1." + std::to_string(i + 1);
      item.deadline = message.day;
      message.items.push_back(item);
      messages.push_back(message);
    }
    ASSERT_EQ(*(*store)->enqueue(messages, std::nullopt), 3);
    auto claimed = (*store)->claim_due(kDue + date::days{2}, 10, 60s, {});
    ASSERT_TRUE(claimed.ok());
    ASSERT_EQ(claimed->size(), 3u);
    std::vector<Store::OutboxUpdate> outcomes(3);
    const char* results[] = {"sent", "dead", "retry"};
    const OutboxStatus statuses[] = {OutboxStatus::kSent, OutboxStatus::kDead,
                                     OutboxStatus::kRetry};
    for (size_t i = 0; i < 3; ++i) {
      ids_.push_back((*claimed)[i].id);
      auto& outcome = outcomes[i];
      outcome.id = (*claimed)[i].id;
      outcome.status = statuses[i];
      outcome.error = i == 1 ? "HTTP 410 Gone" : i == 2 ? "SMTP 451 try later" : "";
      outcome.next_attempt_at = kDue + date::days{1} + 5min;
      outcome.destination = i == 1 ? "http://127.0.0.1:1" : "smtp://127.0.0.1:25";
      outcome.attempt.at = kDue;
      outcome.attempt.channel = messages[i].channel;
      outcome.attempt.recipient = i == 1 ? "hook (http://127.0.0.1:1)" : "general@example.org";
      outcome.attempt.result = results[i];
      outcome.attempt.status_code = i == 0 ? 250 : i == 1 ? 410 : 451;
      outcome.attempt.error = outcome.error;
      outcome.attempt.duration_ms = 12;
    }
    ASSERT_TRUE((*store)->record_outcomes(outcomes).ok());
  }

  TempDir dir_;
  std::string config_;
  std::string database_;
  std::vector<int64_t> ids_;  // sent, dead, retry
};

ordered_json parse(const std::string& text) {
  return ordered_json::parse(text, nullptr, /*allow_exceptions=*/false);
}

std::vector<std::string> keys_of(const ordered_json& object) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : object.items()) keys.push_back(key);
  return keys;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
    start = end + 1;
  }
  return lines;
}

// The last line of a command's output (config warnings may come first).
std::string last_line(const std::string& text) {
  auto lines = lines_of(text);
  return lines.empty() ? "" : lines.back();
}

// -- plazo outbox ----------------------------------------------------------------

TEST_F(OutboxE2E, JsonListsEveryEntryNewestFirstWithStableKeys) {
  prepare();
  auto result = plazo({"outbox", "--format", "json"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const ordered_json list = parse(result.out);
  ASSERT_TRUE(list.is_array()) << result.out;
  ASSERT_EQ(list.size(), 3u);
  const std::vector<std::string> keys = {
      "id",       "status",          "unit",       "channel",     "target",    "day", "key",
      "attempts", "next_attempt_at", "created_at", "destination", "last_error"};
  for (const auto& entry : list) EXPECT_EQ(keys_of(entry), keys);

  const ordered_json& retry = list[0];
  EXPECT_EQ(retry["id"], ids_[2]);
  EXPECT_EQ(retry["status"], "retry");
  EXPECT_EQ(retry["unit"], "general");
  EXPECT_EQ(retry["channel"], "email");
  EXPECT_TRUE(retry["target"].is_null());
  EXPECT_EQ(retry["day"], "2023-11-24");
  EXPECT_EQ(retry["attempts"], 1);
  EXPECT_EQ(retry["next_attempt_at"], "2023-11-24T08:05:00-05:00");
  EXPECT_EQ(retry["last_error"], "SMTP 451 try later");
  EXPECT_EQ(retry["destination"], "smtp://127.0.0.1:25");
  EXPECT_FALSE(retry["key"].get<std::string>().empty());

  const ordered_json& dead = list[1];
  EXPECT_EQ(dead["status"], "dead");
  EXPECT_EQ(dead["channel"], "webhook");
  EXPECT_EQ(dead["target"], "hook");
  EXPECT_TRUE(dead["next_attempt_at"].is_null());
  EXPECT_EQ(dead["last_error"], "HTTP 410 Gone");

  EXPECT_EQ(list[2]["status"], "sent");
  EXPECT_EQ(list[2]["last_error"], "");
}

TEST_F(OutboxE2E, StatusFiltersAndCsvAndTable) {
  prepare();
  auto dead = plazo({"outbox", "--status", "dead", "--format", "csv"});
  ASSERT_EQ(dead.exit_code, 0) << dead.err;
  auto lines = lines_of(dead.out);
  ASSERT_EQ(lines.size(), 2u) << dead.out;
  EXPECT_EQ(lines[0],
            "id,status,unit,channel,target,day,key,attempts,next_attempt_at,created_at,"
            "destination,last_error");
  EXPECT_EQ(lines[1].rfind(std::to_string(ids_[1]) + ",dead,general,webhook,hook,2023-11-23,", 0),
            0u)
      << lines[1];
  EXPECT_NE(lines[1].find(",1,,"), std::string::npos) << "attempts 1, no next attempt";
  EXPECT_NE(lines[1].find(",http://127.0.0.1:1,HTTP 410 Gone"), std::string::npos) << lines[1];

  // "pending" is everything not delivered yet: here the retry.
  auto pending = plazo({"outbox", "--status", "pending"});
  ASSERT_EQ(pending.exit_code, 0) << pending.err;
  lines = lines_of(pending.out);
  ASSERT_EQ(lines.size(), 3u) << pending.out;
  EXPECT_NE(lines[0].find("STATUS"), std::string::npos);
  EXPECT_NE(lines[0].find("NEXT ATTEMPT"), std::string::npos);
  EXPECT_NE(lines[1].find("retry"), std::string::npos) << lines[1];
  EXPECT_NE(lines[1].find("2023-11-24 08:05"), std::string::npos) << lines[1];
  EXPECT_NE(lines[1].find("SMTP 451 try later"), std::string::npos) << lines[1];
  EXPECT_EQ(lines[2], "1 message");

  auto sent = plazo({"outbox", "--status", "sent", "--format", "json"});
  ASSERT_EQ(sent.exit_code, 0) << sent.err;
  EXPECT_EQ(parse(sent.out).size(), 1u);
}

TEST_F(OutboxE2E, RetryMakesADeadEntryPendingAgain) {
  prepare();
  const std::string dead_id = std::to_string(ids_[1]);
  auto retried = plazo({"outbox", "retry", dead_id});
  ASSERT_EQ(retried.exit_code, 0) << retried.err;
  EXPECT_NE(retried.out.find("outbox message " + dead_id + " is pending again"), std::string::npos)
      << retried.out;
  auto list = parse(plazo({"outbox", "--format", "json"}).out);
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[1]["status"], "pending");
  EXPECT_EQ(list[1]["attempts"], 0);
  EXPECT_EQ(parse(plazo({"outbox", "--status", "dead", "--format", "json"}).out).size(), 0u);

  auto again = plazo({"outbox", "retry", dead_id});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_EQ(last_line(again.err), "plazo: Outbox message " + dead_id +
                                      " is pending, not dead: only dead messages can be retried.");
  auto unknown = plazo({"outbox", "retry", "999"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_EQ(last_line(unknown.err), "plazo: No outbox message has id 999.");
}

TEST_F(OutboxE2E, DeliveryLogExportsEveryAttempt) {
  prepare();
  auto json = plazo({"outbox", "log", "--format", "json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const ordered_json rows = parse(json.out);
  ASSERT_EQ(rows.size(), 3u) << json.out;
  EXPECT_EQ(keys_of(rows[0]),
            (std::vector<std::string>{"id", "at", "outbox_id", "unit", "channel", "recipient",
                                      "result", "status_code", "error", "duration_ms", "key"}));
  EXPECT_EQ(rows[0]["at"], "2023-11-23T08:00:00-05:00");
  EXPECT_EQ(rows[0]["outbox_id"], ids_[0]);
  EXPECT_EQ(rows[0]["result"], "sent");
  EXPECT_EQ(rows[0]["status_code"], 250);
  EXPECT_EQ(rows[1]["recipient"], "hook (http://127.0.0.1:1)");
  EXPECT_EQ(rows[1]["error"], "HTTP 410 Gone");
  EXPECT_EQ(rows[2]["result"], "retry");

  auto csv = plazo({"outbox", "log"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  auto lines = lines_of(csv.out);
  ASSERT_EQ(lines.size(), 4u) << csv.out;
  EXPECT_EQ(lines[0],
            "id,at,outbox_id,unit,channel,recipient,result,status_code,error,"
            "duration_ms,key");

  auto one = plazo({"outbox", "log", std::to_string(ids_[1]), "--format", "json"});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_EQ(parse(one.out).size(), 1u);
}

TEST_F(OutboxE2E, BadArgumentsAreUsageErrors) {
  prepare();
  EXPECT_EQ(plazo({"outbox", "retry", "abc"}).exit_code, 64);
  EXPECT_EQ(plazo({"outbox", "retry"}).exit_code, 64);
  EXPECT_EQ(plazo({"outbox", "frobnicate"}).exit_code, 64);
  EXPECT_EQ(plazo({"outbox", "--status", "lost"}).exit_code, 64);
  EXPECT_EQ(plazo({"outbox", "--format", "xml"}).exit_code, 64);
  EXPECT_EQ(plazo({"outbox", "log", "--format", "table"}).exit_code, 64);
}

// -- plazo send-test -------------------------------------------------------------

class SendTestE2E : public ::testing::Test {
 protected:
  ProcessResult send_test(int webhook_port, int smtp_port, std::vector<std::string> args) {
    const std::string config = dir_.write("plazo.toml", config_text(webhook_port, smtp_port));
    args.insert(args.begin(), "send-test");
    args.insert(args.end(), {"--config", config});
    return run_plazo(args);
  }

  TempDir dir_;
};

TEST_F(SendTestE2E, WebhookSuccessPrintsOneLineAndTheReceiverGetsAMarkedTest) {
  const int port = free_port();
  const std::string log = dir_.file("requests.jsonl");
  LocalServer receiver(
      {kPython, kSupport + "/webhook_receiver.py", "--port", std::to_string(port), "--log", log},
      port);
  ASSERT_TRUE(receiver.ready());
  auto result = send_test(port, free_port(), {"--unit", "general", "--channel", "webhook"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "sent to general by webhook hook (200)\n");
  const auto requests = lines_of(read_file(log));
  ASSERT_EQ(requests.size(), 1u);
  const auto request = nlohmann::json::parse(requests[0]);
  const auto body = nlohmann::json::parse(request["body"].get<std::string>());
  EXPECT_EQ(body["subject"], "[PRUEBA] plazo: mensaje de prueba para Secretaría General");
  EXPECT_NE(body["text"].get<std::string>().find("No requiere ninguna acción"), std::string::npos)
      << body["text"];
  EXPECT_EQ(body["unit"]["id"], "general");
  EXPECT_TRUE(body["items"].empty());
  EXPECT_EQ(request["headers"]["Idempotency-Key"].get<std::string>().rfind("prueba-general-", 0),
            0u);
}

TEST_F(SendTestE2E, WebhookFailureSaysWhyAndExitsOne) {
  const int port = free_port();
  LocalServer receiver({kPython, kSupport + "/webhook_receiver.py", "--port", std::to_string(port),
                   "--log", dir_.file("requests.jsonl"), "--status", "503"},
                  port);
  ASSERT_TRUE(receiver.ready());
  auto result = send_test(port, free_port(), {"--unit", "general", "--channel", "webhook"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.out, "");
  EXPECT_EQ(last_line(result.err).rfind("failed: general by webhook hook: HTTP 503", 0), 0u)
      << result.err;
}

TEST_F(SendTestE2E, EmailSuccessThroughAiosmtpd) {
  const int port = free_port();
  LocalServer relay({kPython, "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:" + std::to_string(port), "-c",
                "aiosmtpd.handlers.Mailbox", dir_.file("maildir")},
               port);
  ASSERT_TRUE(relay.ready());
  // Email is the default channel of a unit with addresses.
  auto result = send_test(free_port(), port, {"--unit", "general"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "sent to general by email (250)\n");
  std::vector<std::string> mails;
  for (const auto& entry : std::filesystem::directory_iterator(dir_.file("maildir/new"))) {
    mails.push_back(read_file(entry.path().string()));
  }
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_NE(mails[0].find("To: "), std::string::npos);
  EXPECT_NE(mails[0].find("general@example.org"), std::string::npos);
  EXPECT_NE(mails[0].find("Auto-Submitted: auto-generated"), std::string::npos);
  // The subject is RFC 2047 encoded (it holds "í"); the text part says it all.
  EXPECT_NE(mails[0].find("Subject: =?UTF-8?B?"), std::string::npos) << mails[0];
  EXPECT_NE(mails[0].find("Message-ID: <prueba-general-"), std::string::npos) << mails[0];
}

TEST_F(SendTestE2E, EmailRejectedByTheRelayExitsOne) {
  const int port = free_port();
  LocalServer relay({kPython, kSupport + "/smtp_sink.py", "--port", std::to_string(port), "--dir",
                dir_.file("mail"), "--data-reply", "554 5.7.1 Message refused"},
               port);
  ASSERT_TRUE(relay.ready());
  auto result = send_test(free_port(), port, {"--unit", "general", "--channel", "email"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(last_line(result.err).rfind("failed: general by email: SMTP 554", 0), 0u) << result.err;
}

TEST_F(SendTestE2E, ConnectionRefusedIsAFailure) {
  auto result = send_test(free_port(), free_port(), {"--unit", "general", "--channel", "webhook"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(last_line(result.err).rfind("failed: general by webhook hook: ", 0), 0u) << result.err;
}

TEST_F(SendTestE2E, UnknownUnitOrChannelIsAUsageError) {
  auto unknown = send_test(free_port(), free_port(), {"--unit", "nadie"});
  EXPECT_EQ(unknown.exit_code, 64);
  EXPECT_EQ(last_line(unknown.err),
            "plazo: unknown unit \"nadie\" (configured units: general, evaluacion).");
  EXPECT_EQ(
      send_test(free_port(), free_port(), {"--unit", "general", "--channel", "fax"}).exit_code, 64);
  EXPECT_EQ(send_test(free_port(), free_port(), {"--channel", "email"}).exit_code, 64);
  // evaluacion has neither addresses nor webhooks.
  EXPECT_EQ(
      send_test(free_port(), free_port(), {"--unit", "evaluacion", "--channel", "email"}).exit_code,
      64);
  EXPECT_EQ(send_test(free_port(), free_port(), {"--unit", "evaluacion", "--channel", "webhook"})
                .exit_code,
            64);
}

TEST_F(SendTestE2E, ConfigErrorExits78) {
  const std::string config = dir_.write("broken.toml", "[email]\nurl = 42\n");
  auto result = run_plazo({"send-test", "--unit", "general", "--config", config});
  EXPECT_EQ(result.exit_code, 78);
}

}  // namespace
}  // namespace plazo::testing
