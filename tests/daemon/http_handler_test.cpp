// The health endpoint's answers, without sockets: every route, 404/405, the
// /readyz JSON in its states, and /metrics parsed line by line.
#include "daemon/http_handler.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

namespace plazo {
namespace {

// "YYYY-MM-DDTHH:MM:SS", UTC.
Instant at(const char* text) {
  int hours = 0, minutes = 0, seconds = 0;
  std::sscanf(text + 11, "%d:%d:%d", &hours, &minutes, &seconds);
  return Instant{parse_iso_date(std::string_view(text, 10))->time_since_epoch()} +
         std::chrono::hours(hours) + std::chrono::minutes(minutes) + std::chrono::seconds(seconds);
}

HealthSnapshot healthy() {
  HealthSnapshot s;
  s.version = "1.2.3";
  s.now = at("2023-11-23T13:05:00");
  s.config_path = "/etc/plazo/plazo.toml";
  s.config_loaded_at = at("2023-11-23T12:59:50");
  s.last_pass = at("2023-11-23T13:00:00");
  s.next_wakeup = at("2023-11-24T13:00:00");
  s.outbox.pending = 3;
  s.outbox.dead = 1;
  s.outbox.sent = 10;
  s.outbox.oldest_pending = at("2023-11-23T13:00:00");
  s.delivery.attempts = 14;
  s.delivery.sent = 10;
  s.delivery.retried = 3;
  s.delivery.dead = 1;
  s.delivery.in_flight = 2;
  s.delivery.last_error = "2023-11-23T13:01:00Z general webhook: HTTP 503";
  return s;
}

HealthResponse get(std::string_view target, const HealthSnapshot& s) {
  return handle_health_request({"GET", target}, s);
}

std::string header(const HealthResponse& r, const std::string& name) {
  for (const auto& [key, value] : r.headers) {
    if (key == name) return value;
  }
  return "";
}

TEST(HttpHandler, HealthzAnswersOk) {
  auto r = get("/healthz", healthy());
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "ok\n");
  EXPECT_EQ(r.content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(header(r, "Cache-Control"), "no-store");
}

TEST(HttpHandler, QueryStringIsIgnored) {
  EXPECT_EQ(get("/healthz?probe=1", healthy()).status, 200);
  EXPECT_EQ(get("/readyz?verbose", healthy()).status, 200);
}

TEST(HttpHandler, UnknownPathsAre404) {
  for (const char* path : {"/", "/health", "/healthz/", "/metrics2", "/READYZ", "*"}) {
    auto r = get(path, healthy());
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_TRUE(header(r, "Allow").empty()) << path;
  }
  EXPECT_EQ(handle_health_request({"POST", "/nothing"}, healthy()).status, 404);
}

TEST(HttpHandler, WrongMethodOnKnownPathIs405WithAllow) {
  for (const char* path : {"/healthz", "/readyz", "/metrics"}) {
    for (const char* method : {"POST", "PUT", "DELETE", "OPTIONS", "get"}) {
      auto r = handle_health_request({method, path}, healthy());
      EXPECT_EQ(r.status, 405) << method << " " << path;
      EXPECT_EQ(header(r, "Allow"), "GET, HEAD") << method << " " << path;
    }
  }
}

TEST(HttpHandler, HeadAnswersLikeGet) {
  for (const char* path : {"/healthz", "/readyz", "/metrics"}) {
    auto head = handle_health_request({"HEAD", path}, healthy());
    auto full = get(path, healthy());
    EXPECT_EQ(head.status, full.status) << path;
    EXPECT_EQ(head.content_type, full.content_type) << path;
    EXPECT_EQ(head.body.size(), full.body.size()) << path;
  }
}

TEST(HttpHandler, ReadyzHealthyIs200WithEveryField) {
  auto r = get("/readyz", healthy());
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/json");
  auto j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["ready"], true);
  EXPECT_EQ(j["problems"], nlohmann::json::array());
  EXPECT_EQ(j["database"], (nlohmann::json{{"ok", true}, {"error", nullptr}}));
  EXPECT_EQ(j["config"]["loaded"], true);
  EXPECT_EQ(j["config"]["path"], "/etc/plazo/plazo.toml");
  EXPECT_EQ(j["config"]["loaded_at"], "2023-11-23T12:59:50Z");
  EXPECT_TRUE(j["config"]["last_reload"].is_null());
  EXPECT_EQ(j["scheduler"]["last_pass"], "2023-11-23T13:00:00Z");
  EXPECT_EQ(j["scheduler"]["next_wakeup"], "2023-11-24T13:00:00Z");
  EXPECT_EQ(
      j["outbox"],
      (nlohmann::json{
          {"pending", 3}, {"dead", 1}, {"sent", 10}, {"oldest_pending", "2023-11-23T13:00:00Z"}}));
  EXPECT_EQ(j["delivery"]["in_flight"], 2);
  EXPECT_EQ(j["delivery"]["attempts"], 14);
  EXPECT_EQ(j["delivery"]["last_error"], "2023-11-23T13:01:00Z general webhook: HTTP 503");
}

TEST(HttpHandler, ReadyzFreshDaemonHasNulls) {
  HealthSnapshot s;
  s.version = "1";
  auto j = nlohmann::json::parse(get("/readyz", s).body);
  EXPECT_EQ(j["ready"], true);
  EXPECT_TRUE(j["scheduler"]["last_pass"].is_null());
  EXPECT_TRUE(j["scheduler"]["next_wakeup"].is_null());
  EXPECT_TRUE(j["outbox"]["oldest_pending"].is_null());
  EXPECT_TRUE(j["delivery"]["last_error"].is_null());
}

TEST(HttpHandler, ReadyzDatabaseDownIs503) {
  auto s = healthy();
  s.database_ok = false;
  s.database_error = "database is locked";
  auto r = get("/readyz", s);
  EXPECT_EQ(r.status, 503);
  auto j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["ready"], false);
  EXPECT_EQ(j["database"]["ok"], false);
  EXPECT_EQ(j["database"]["error"], "database is locked");
  ASSERT_EQ(j["problems"].size(), 1u);
  EXPECT_NE(j["problems"][0].get<std::string>().find("database is locked"), std::string::npos);
  // The liveness probe is not the readiness probe.
  EXPECT_EQ(get("/healthz", s).status, 200);
}

TEST(HttpHandler, ReadyzStoppingIs503) {
  auto s = healthy();
  s.stopping = true;
  auto r = get("/readyz", s);
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(nlohmann::json::parse(r.body)["ready"], false);
}

TEST(HttpHandler, FailedReloadStaysReadyButSaysSo) {
  auto s = healthy();
  s.last_reload = ReloadStatus{
      at("2023-11-23T14:00:00"), false, {"plazo.toml:3:1: unknown key", "plazo.toml:9:7: bad url"}};
  auto r = get("/readyz", s);
  EXPECT_EQ(r.status, 200);
  auto j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["ready"], true);
  EXPECT_EQ(j["config"]["last_reload"]["at"], "2023-11-23T14:00:00Z");
  EXPECT_EQ(j["config"]["last_reload"]["ok"], false);
  EXPECT_EQ(j["config"]["last_reload"]["errors"],
            (nlohmann::json{"plazo.toml:3:1: unknown key", "plazo.toml:9:7: bad url"}));
  ASSERT_EQ(j["problems"].size(), 1u);
  EXPECT_NE(j["problems"][0].get<std::string>().find("reload failed"), std::string::npos);

  s.last_reload = ReloadStatus{at("2023-11-23T14:05:00"), true, {}};
  j = nlohmann::json::parse(get("/readyz", s).body);
  EXPECT_EQ(j["config"]["last_reload"]["ok"], true);
  EXPECT_EQ(j["config"]["last_reload"]["errors"], nlohmann::json::array());
  EXPECT_EQ(j["problems"], nlohmann::json::array());
}

TEST(HttpHandler, ReadyzSurvivesInvalidUtf8) {
  auto s = healthy();
  s.delivery.last_error = std::string("bad \xff\xfe bytes");
  auto r = get("/readyz", s);
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(nlohmann::json::accept(r.body));
}

// One parsed exposition line.
struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

// Parses the Prometheus text format strictly: every line is a HELP or TYPE
// comment or a sample whose family was TYPEd before it.
struct Exposition {
  std::map<std::string, std::string> types;
  std::vector<Sample> samples;
};

Exposition parse_exposition(const std::string& text) {
  static const std::regex help(R"(^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) \S.*$)");
  static const std::regex type(
      R"(^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$)");
  static const std::regex sample(
      R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (-?[0-9][0-9.e+-]*|\+Inf|NaN)$)");
  static const std::regex label(R"re(([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\.)*)"(,|$))re");
  Exposition out;
  std::istringstream in(text);
  std::string line;
  std::set<std::string> helped;
  EXPECT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_match(line, m, help)) {
      EXPECT_TRUE(helped.insert(m[1]).second) << "second HELP for " << m[1];
    } else if (std::regex_match(line, m, type)) {
      EXPECT_TRUE(helped.count(m[1])) << "TYPE before HELP for " << m[1];
      EXPECT_TRUE(out.types.emplace(m[1], m[2]).second) << "second TYPE for " << m[1];
    } else if (std::regex_match(line, m, sample)) {
      Sample s;
      s.name = m[1];
      s.value = m[4] == "+Inf" ? INFINITY : std::stod(m[4]);
      std::string labels = m[3];
      for (std::sregex_iterator it(labels.begin(), labels.end(), label), end; it != end; ++it) {
        EXPECT_TRUE(s.labels.emplace((*it)[1], (*it)[2]).second) << line;
      }
      std::string family = s.name;
      for (const char* suffix : {"_bucket", "_sum", "_count"}) {
        const std::string sfx = suffix;
        if (!out.types.count(family) && family.size() > sfx.size() &&
            family.compare(family.size() - sfx.size(), sfx.size(), sfx) == 0) {
          family = family.substr(0, family.size() - sfx.size());
        }
      }
      EXPECT_TRUE(out.types.count(family)) << "sample before its TYPE: " << line;
      out.samples.push_back(s);
    } else {
      ADD_FAILURE() << "not exposition format: \"" << line << "\"";
    }
  }
  return out;
}

double value_of(const Exposition& e, const std::string& name,
                const std::map<std::string, std::string>& labels = {}) {
  for (const auto& s : e.samples) {
    if (s.name == name && s.labels == labels) return s.value;
  }
  ADD_FAILURE() << "no sample " << name;
  return -1;
}

TEST(HttpHandler, MetricsIsPrometheusText) {
  auto s = healthy();
  DeliveryMetrics metrics;
  // Two webhook messages, each with an upcoming and an overdue item.
  metrics.count_due({{{Channel::kWebhook, ItemKind::kUpcoming}, 2},
                     {{Channel::kWebhook, ItemKind::kOverdue}, 2}});
  DeliveryOutcome slow;
  slow.status = DeliveryStatus::kSent;
  slow.duration = std::chrono::milliseconds(700);
  metrics.record_attempt(Channel::kEmail, {ItemKind::kToday}, slow);
  DeliveryOutcome refused;
  refused.status = DeliveryStatus::kPermanent;
  refused.duration = std::chrono::milliseconds(20);
  metrics.record_attempt(Channel::kEmail, {ItemKind::kToday}, refused);
  s.metrics = metrics.sample();

  auto r = get("/metrics", s);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/plain; version=0.0.4; charset=utf-8");
  auto e = parse_exposition(r.body);

  EXPECT_EQ(e.types["plazo_messages_total"], "counter");
  EXPECT_EQ(e.types["plazo_delivery_duration_seconds"], "histogram");
  EXPECT_EQ(e.types["plazo_outbox_pending"], "gauge");
  EXPECT_EQ(value_of(e, "plazo_build_info", {{"version", "1.2.3"}}), 1);

  int message_series = 0;
  for (const auto& sample : e.samples) message_series += sample.name == "plazo_messages_total";
  EXPECT_EQ(message_series, 2 * 6 * 4);  // every channel x kind x result, zeros included
  EXPECT_EQ(value_of(e, "plazo_messages_total",
                     {{"channel", "webhook"}, {"kind", "upcoming"}, {"result", "due"}}),
            2);
  EXPECT_EQ(value_of(e, "plazo_messages_total",
                     {{"channel", "webhook"}, {"kind", "overdue"}, {"result", "due"}}),
            2);
  EXPECT_EQ(value_of(e, "plazo_messages_total",
                     {{"channel", "email"}, {"kind", "today"}, {"result", "sent"}}),
            1);
  EXPECT_EQ(value_of(e, "plazo_messages_total",
                     {{"channel", "email"}, {"kind", "today"}, {"result", "dead"}}),
            1);
  EXPECT_EQ(value_of(e, "plazo_messages_total",
                     {{"channel", "email"}, {"kind", "today"}, {"result", "failed"}}),
            0);

  // Histogram: cumulative buckets, +Inf equals _count.
  EXPECT_EQ(
      value_of(e, "plazo_delivery_duration_seconds_bucket", {{"channel", "email"}, {"le", "0.05"}}),
      1);
  EXPECT_EQ(
      value_of(e, "plazo_delivery_duration_seconds_bucket", {{"channel", "email"}, {"le", "0.5"}}),
      1);
  EXPECT_EQ(
      value_of(e, "plazo_delivery_duration_seconds_bucket", {{"channel", "email"}, {"le", "1"}}),
      2);
  EXPECT_EQ(
      value_of(e, "plazo_delivery_duration_seconds_bucket", {{"channel", "email"}, {"le", "+Inf"}}),
      2);
  EXPECT_EQ(value_of(e, "plazo_delivery_duration_seconds_count", {{"channel", "email"}}), 2);
  EXPECT_DOUBLE_EQ(value_of(e, "plazo_delivery_duration_seconds_sum", {{"channel", "email"}}),
                   0.72);
  EXPECT_EQ(value_of(e, "plazo_delivery_duration_seconds_count", {{"channel", "webhook"}}), 0);
  double previous = 0;
  for (const auto& sample : e.samples) {
    if (sample.name != "plazo_delivery_duration_seconds_bucket" ||
        sample.labels.at("channel") != "email") {
      continue;
    }
    EXPECT_GE(sample.value, previous);
    previous = sample.value;
  }

  EXPECT_EQ(value_of(e, "plazo_outbox_pending"), 3);
  EXPECT_EQ(value_of(e, "plazo_outbox_dead"), 1);
  EXPECT_EQ(value_of(e, "plazo_outbox_oldest_pending_age_seconds"), 300);
  EXPECT_EQ(value_of(e, "plazo_delivery_in_flight"), 2);
  EXPECT_EQ(value_of(e, "plazo_delivery_attempts_total"), 14);
  EXPECT_EQ(value_of(e, "plazo_delivery_dead_total"), 1);
  EXPECT_EQ(value_of(e, "plazo_scheduler_last_pass_timestamp_seconds"), 1700744400);
  EXPECT_EQ(value_of(e, "plazo_scheduler_next_wakeup_timestamp_seconds"), 1700830800);
  EXPECT_EQ(value_of(e, "plazo_database_up"), 1);
  EXPECT_EQ(value_of(e, "plazo_config_reload_success"), 1);
  EXPECT_EQ(value_of(e, "plazo_config_last_reload_timestamp_seconds"), 1700744390);
}

TEST(HttpHandler, MetricsShowFailedReloadAndDatabaseDown) {
  auto s = healthy();
  s.database_ok = false;
  s.last_reload = ReloadStatus{at("2023-11-23T14:00:00"), false, {"broken"}};
  s.reloads_applied = 3;
  s.reloads_rejected = 1;
  s.days_skipped = 2;
  s.outbox = {};
  s.last_pass.reset();
  auto e = parse_exposition(get("/metrics", s).body);
  EXPECT_EQ(value_of(e, "plazo_config_reload_success"), 0);
  EXPECT_EQ(value_of(e, "plazo_config_reloads_total", {{"result", "applied"}}), 3);
  EXPECT_EQ(value_of(e, "plazo_config_reloads_total", {{"result", "rejected"}}), 1);
  EXPECT_EQ(value_of(e, "plazo_scheduler_days_skipped_total"), 2);
  EXPECT_EQ(value_of(e, "plazo_config_last_reload_timestamp_seconds"), 1700748000);
  EXPECT_EQ(value_of(e, "plazo_database_up"), 0);
  EXPECT_EQ(value_of(e, "plazo_outbox_oldest_pending_age_seconds"), 0);
  EXPECT_EQ(value_of(e, "plazo_scheduler_last_pass_timestamp_seconds"), 0);
}

TEST(HttpHandler, MetricsEscapeLabelValues) {
  auto s = healthy();
  s.version = "1.0 \"dev\"\\x\n";
  auto e = parse_exposition(get("/metrics", s).body);
  EXPECT_EQ(value_of(e, "plazo_build_info", {{"version", "1.0 \\\"dev\\\"\\\\x\\n"}}), 1);
}

}  // namespace
}  // namespace plazo
