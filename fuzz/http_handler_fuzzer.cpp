// Fuzzes the health endpoint's pure handler (daemon/http_handler.h): any
// method and target against any daemon state. The snapshot's texts (error
// messages from servers and the database, the config path, metric labels)
// are arbitrary bytes, invalid UTF-8 included, since that is what they can
// hold; times and counters stay within what a clock and a counter can
// reach (years 1970-9999, counts below 2^40).
//
// Checks the contract of http_handler.h: only the documented statuses; HEAD
// answers as GET; 405 says Allow; a query string is ignored; /readyz is JSON
// (valid UTF-8) that agrees with is_ready(); /metrics is well-formed
// Prometheus text (escaped labels, one sample per line); no header value can
// carry a line break.
//
// Seeds: fuzz/corpus/http_handler/. The input is consumed by
// FuzzedDataProvider, so seeds are just varied bytes.

#include <fuzzer/FuzzedDataProvider.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "daemon/http_handler.h"
#include "fuzz/fuzz_support.h"

namespace {

using plazo::HealthRequest;
using plazo::HealthResponse;
using plazo::HealthSnapshot;
using plazo::Instant;

constexpr int64_t kMaxCount = int64_t{1} << 40;
constexpr int64_t kLastSecondOf9999 = 253402300799;

Instant instant(FuzzedDataProvider& in) {
  return Instant{std::chrono::seconds{in.ConsumeIntegralInRange<int64_t>(0, kLastSecondOf9999)}};
}

int64_t count(FuzzedDataProvider& in) {
  return in.ConsumeIntegralInRange<int64_t>(0, kMaxCount);
}

std::string text(FuzzedDataProvider& in) {
  return in.ConsumeRandomLengthString(48);
}

HealthSnapshot snapshot(FuzzedDataProvider& in) {
  HealthSnapshot s;
  s.version = in.ConsumeBool() ? "0.1.0" : text(in);
  s.now = instant(in);
  s.stopping = in.ConsumeBool();
  s.database_ok = in.ConsumeBool();
  s.database_error = text(in);
  s.config_path = text(in);
  s.config_loaded_at = instant(in);
  if (in.ConsumeBool()) {
    plazo::ReloadStatus reload;
    reload.at = instant(in);
    reload.ok = in.ConsumeBool();
    for (int n = in.ConsumeIntegralInRange(0, 3); n > 0; --n) reload.errors.push_back(text(in));
    s.last_reload = reload;
  }
  if (in.ConsumeBool()) s.last_pass = instant(in);
  if (in.ConsumeBool()) s.next_wakeup = instant(in);
  s.outbox.pending = count(in);
  s.outbox.dead = count(in);
  s.outbox.sent = count(in);
  if (in.ConsumeBool()) s.outbox.oldest_pending = instant(in);
  s.delivery.attempts = count(in);
  s.delivery.sent = count(in);
  s.delivery.retried = count(in);
  s.delivery.dead = count(in);
  s.delivery.in_flight = count(in);
  if (in.ConsumeBool()) s.delivery.last_error = text(in);
  constexpr std::string_view kKinds[] = {"upcoming",   "today",       "overdue", "escalation",
                                         "report_due", "publish_due", "unknown"};
  for (int n = in.ConsumeIntegralInRange(0, 6); n > 0; --n) {
    const auto channel = in.ConsumeBool() ? plazo::Channel::kEmail : plazo::Channel::kWebhook;
    const auto result = static_cast<plazo::MessageResult>(in.ConsumeIntegralInRange(0, 3));
    std::string kind =
        in.ConsumeBool() ? std::string(kKinds[in.ConsumeIntegralInRange(0, 6)]) : text(in);
    s.metrics.messages[{channel, std::move(kind), result}] = count(in);
  }
  if (in.ConsumeBool()) {
    plazo::DurationHistogram histogram;
    for (auto& bucket : histogram.counts) bucket = in.ConsumeIntegralInRange<int64_t>(0, 1 << 30);
    histogram.over = count(in);
    histogram.count = count(in);
    histogram.sum_seconds = in.ConsumeFloatingPointInRange<double>(0, 1e12);
    s.metrics.durations[in.ConsumeBool() ? plazo::Channel::kEmail : plazo::Channel::kWebhook] =
        histogram;
  }
  return s;
}

std::string show(const HealthRequest& request, const HealthResponse& response) {
  std::string out = std::string(request.method) + " " + std::string(request.target) + " -> " +
                    std::to_string(response.status) + " " + response.content_type + "\n";
  for (const auto& [name, value] : response.headers) out += name + ": " + value + "\n";
  return out + response.body;
}

bool same(const HealthResponse& a, const HealthResponse& b) {
  return a.status == b.status && a.content_type == b.content_type && a.headers == b.headers &&
         a.body == b.body;
}

bool is_name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
}
bool is_name_char(char c) {
  return is_name_start(c) || (c >= '0' && c <= '9');
}

// One line of Prometheus text format 0.0.4; false when a scraper could not
// read it.
bool valid_metrics_line(std::string_view line) {
  if (line.rfind("# HELP ", 0) == 0) return true;
  if (line.rfind("# TYPE ", 0) == 0) {
    const auto type = line.substr(line.rfind(' ') + 1);
    return type == "counter" || type == "gauge" || type == "histogram";
  }
  size_t i = 0;
  if (i >= line.size() || !is_name_start(line[i])) return false;
  while (i < line.size() && is_name_char(line[i])) ++i;
  if (i < line.size() && line[i] == '{') {
    ++i;
    while (true) {
      if (i >= line.size() || !is_name_start(line[i])) return false;
      while (i < line.size() && is_name_char(line[i])) ++i;
      if (line.substr(i, 2) != "=\"") return false;
      i += 2;
      while (i < line.size() && line[i] != '"') {
        if (line[i] == '\\') {
          if (i + 1 >= line.size()) return false;
          const char escaped = line[i + 1];
          if (escaped != '\\' && escaped != '"' && escaped != 'n') return false;
          ++i;
        }
        ++i;
      }
      if (i >= line.size()) return false;
      ++i;  // closing quote
      if (i < line.size() && line[i] == ',') {
        ++i;
        continue;
      }
      if (i < line.size() && line[i] == '}') {
        ++i;
        break;
      }
      return false;
    }
  }
  if (i >= line.size() || line[i] != ' ') return false;
  const std::string value(line.substr(i + 1));
  if (value == "+Inf" || value == "-Inf" || value == "NaN") return true;
  char* end = nullptr;
  const double number = std::strtod(value.c_str(), &end);
  return !value.empty() && end == value.c_str() + value.size() && std::isfinite(number);
}

void check(const HealthRequest& request, const HealthResponse& response,
           const HealthSnapshot& snapshot) {
  const std::string shown = show(request, response);
  const int status = response.status;
  PLAZO_FUZZ_CHECK(status == 200 || status == 404 || status == 405 || status == 503, shown);
  auto no_line_break = [](std::string_view value) {
    return value.find_first_of("\r\n") == std::string_view::npos;
  };
  PLAZO_FUZZ_CHECK(no_line_break(response.content_type), shown);
  for (const auto& [name, value] : response.headers) {
    PLAZO_FUZZ_CHECK(!name.empty() && no_line_break(name) && no_line_break(value), shown);
  }
  if (status == 405) {
    PLAZO_FUZZ_CHECK(response.headers.size() == 1 && response.headers[0].first == "Allow" &&
                         response.headers[0].second == "GET, HEAD",
                     shown);
  }
  if (status == 404 || status == 405) return;

  std::string_view path = request.target.substr(0, request.target.find('?'));
  if (path == "/readyz") {
    PLAZO_FUZZ_CHECK(plazo::fuzz::valid_utf8(response.body), shown);
    const auto body = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
    PLAZO_FUZZ_CHECK(!body.is_discarded() && body.is_object(), shown);
    const bool ready = plazo::is_ready(snapshot);
    PLAZO_FUZZ_CHECK(
        body.contains("ready") && body.at("ready") == ready && status == (ready ? 200 : 503),
        shown);
  } else if (path == "/metrics") {
    PLAZO_FUZZ_CHECK(status == 200 && !response.body.empty() && response.body.back() == '\n',
                     shown);
    std::string_view body = response.body;
    while (!body.empty()) {
      const size_t end = body.find('\n');
      const std::string_view line = body.substr(0, end);
      PLAZO_FUZZ_CHECK(valid_metrics_line(line), "bad metrics line: " + std::string(line));
      body.remove_prefix(end + 1);
    }
  } else {
    PLAZO_FUZZ_CHECK(path == "/healthz" && status == 200 && response.body == "ok\n", shown);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  constexpr std::string_view kMethods[] = {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"};
  const std::string method = in.ConsumeBool()
                                 ? std::string(kMethods[in.ConsumeIntegralInRange(0, 5)])
                                 : in.ConsumeRandomLengthString(12);
  constexpr std::string_view kPaths[] = {"/healthz", "/readyz", "/metrics", "/"};
  std::string target = in.ConsumeBool() ? std::string(kPaths[in.ConsumeIntegralInRange(0, 3)])
                                        : in.ConsumeRandomLengthString(64);
  if (in.ConsumeBool()) target += "?" + in.ConsumeRandomLengthString(32);
  const HealthSnapshot s = snapshot(in);

  const HealthRequest request{method, target};
  const HealthResponse response = plazo::handle_health_request(request, s);
  check(request, response, s);

  // HEAD: the same response as GET (the server drops the body).
  if (method == "GET" || method == "HEAD") {
    const HealthRequest other{method == "GET" ? "HEAD" : "GET", target};
    const HealthResponse twin = plazo::handle_health_request(other, s);
    PLAZO_FUZZ_CHECK(same(response, twin), show(request, response) + "\n" + show(other, twin));
  }
  // A query string is ignored.
  if (const auto query = target.find('?'); query != std::string::npos) {
    const std::string bare = target.substr(0, query);
    const HealthResponse plain = plazo::handle_health_request({method, bare}, s);
    PLAZO_FUZZ_CHECK(same(response, plain), show(request, response));
  }
  return 0;
}
