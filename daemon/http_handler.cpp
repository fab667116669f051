#include "daemon/http_handler.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "storage/message_json.h"

namespace plazo {
namespace {

constexpr std::string_view kMetricsType = "text/plain; version=0.0.4; charset=utf-8";
constexpr Channel kChannels[] = {Channel::kEmail, Channel::kWebhook};
constexpr ItemKind kKinds[] = {ItemKind::kUpcoming,   ItemKind::kToday,     ItemKind::kOverdue,
                               ItemKind::kEscalation, ItemKind::kReportDue, ItemKind::kPublishDue};
constexpr MessageResult kResults[] = {MessageResult::kDue, MessageResult::kSent,
                                      MessageResult::kFailed, MessageResult::kDead};

nlohmann::json time_or_null(const std::optional<Instant>& instant) {
  if (!instant) return nullptr;
  return format_utc(*instant);
}

nlohmann::json text_or_null(const std::optional<std::string>& text) {
  if (!text || text->empty()) return nullptr;
  return *text;
}

std::string escape_label(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

int64_t seconds_since_epoch(Instant instant) {
  return instant.time_since_epoch().count();
}

// Writes the Prometheus exposition, one family at a time.
class Exposition {
 public:
  void family(std::string_view name, std::string_view type, std::string_view help) {
    fmt::format_to(std::back_inserter(text_), "# HELP {} {}\n# TYPE {} {}\n", name, help, name,
                   type);
  }
  void sample(std::string_view name, std::string_view labels, int64_t value) {
    write_name(name, labels);
    fmt::format_to(std::back_inserter(text_), " {}\n", value);
  }
  void sample(std::string_view name, std::string_view labels, double value) {
    write_name(name, labels);
    fmt::format_to(std::back_inserter(text_), " {}\n", value);
  }
  std::string take() { return std::move(text_); }

 private:
  void write_name(std::string_view name, std::string_view labels) {
    text_ += name;
    if (!labels.empty()) {
      text_ += '{';
      text_ += labels;
      text_ += '}';
    }
  }
  std::string text_;
};

HealthResponse text_response(int status, std::string body) {
  HealthResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

}  // namespace

bool is_ready(const HealthSnapshot& snapshot) {
  return !snapshot.stopping && snapshot.database_ok;
}

std::string readyz_json(const HealthSnapshot& s) {
  nlohmann::json problems = nlohmann::json::array();
  if (s.stopping) problems.push_back("the daemon is stopping");
  if (!s.database_ok) problems.push_back("the database fails: " + s.database_error);
  if (s.last_reload && !s.last_reload->ok) {
    problems.push_back("the last config reload failed; the previous config is in force");
  }

  nlohmann::json reload = nullptr;
  if (s.last_reload) {
    reload = {{"at", format_utc(s.last_reload->at)},
              {"ok", s.last_reload->ok},
              {"errors", s.last_reload->errors}};
  }
  nlohmann::json body = {
      {"ready", is_ready(s)},
      {"problems", problems},
      {"database",
       {{"ok", s.database_ok},
        {"error", s.database_ok ? nlohmann::json(nullptr) : nlohmann::json(s.database_error)}}},
      {"config",
       {{"loaded", true},
        {"path", s.config_path},
        {"loaded_at", format_utc(s.config_loaded_at)},
        {"last_reload", reload}}},
      {"scheduler",
       {{"last_pass", time_or_null(s.last_pass)}, {"next_wakeup", time_or_null(s.next_wakeup)}}},
      {"outbox",
       {{"pending", s.outbox.pending},
        {"dead", s.outbox.dead},
        {"sent", s.outbox.sent},
        {"oldest_pending", time_or_null(s.outbox.oldest_pending)}}},
      {"delivery",
       {{"in_flight", s.delivery.in_flight},
        {"attempts", s.delivery.attempts},
        {"sent", s.delivery.sent},
        {"retried", s.delivery.retried},
        {"dead", s.delivery.dead},
        {"last_error", text_or_null(s.delivery.last_error)}}},
  };
  // Error texts come from servers and files: never let bad UTF-8 throw.
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string metrics_text(const HealthSnapshot& s) {
  Exposition out;
  out.family("plazo_build_info", "gauge", "plazo's version (always 1).");
  out.sample("plazo_build_info", fmt::format("version=\"{}\"", escape_label(s.version)),
             int64_t{1});

  out.family("plazo_messages_total", "counter",
             "Messages by channel, item kind and result: due = scheduled into the outbox, "
             "sent/failed/dead = verdict of a delivery attempt (failed = will be retried).");
  auto messages = s.metrics.messages;  // a copy: the zero series are added to it
  for (Channel channel : kChannels) {
    for (ItemKind kind : kKinds) {
      for (MessageResult result : kResults) {
        messages.try_emplace({channel, std::string(to_string(kind)), result}, 0);
      }
    }
  }
  for (const auto& [labels, value] : messages) {
    const auto& [channel, kind, result] = labels;
    out.sample("plazo_messages_total",
               fmt::format("channel=\"{}\",kind=\"{}\",result=\"{}\"", to_string(channel),
                           escape_label(kind), to_string(result)),
               value);
  }

  out.family("plazo_delivery_duration_seconds", "histogram",
             "Duration of delivery attempts by channel.");
  for (Channel channel : kChannels) {
    DurationHistogram histogram;
    if (auto it = s.metrics.durations.find(channel); it != s.metrics.durations.end()) {
      histogram = it->second;
    }
    int64_t cumulative = 0;
    for (size_t i = 0; i < kDurationBuckets.size(); ++i) {
      cumulative += histogram.counts[i];
      out.sample("plazo_delivery_duration_seconds_bucket",
                 fmt::format("channel=\"{}\",le=\"{}\"", to_string(channel), kDurationBuckets[i]),
                 cumulative);
    }
    out.sample("plazo_delivery_duration_seconds_bucket",
               fmt::format("channel=\"{}\",le=\"+Inf\"", to_string(channel)), histogram.count);
    out.sample("plazo_delivery_duration_seconds_sum",
               fmt::format("channel=\"{}\"", to_string(channel)), histogram.sum_seconds);
    out.sample("plazo_delivery_duration_seconds_count",
               fmt::format("channel=\"{}\"", to_string(channel)), histogram.count);
  }

  out.family("plazo_delivery_attempts_total", "counter", "Delivery attempts started.");
  out.sample("plazo_delivery_attempts_total", "", s.delivery.attempts);
  out.family("plazo_delivery_dead_total", "counter",
             "Messages that went dead, for any reason (rejected, retries exhausted, too old).");
  out.sample("plazo_delivery_dead_total", "", s.delivery.dead);
  out.family("plazo_delivery_in_flight", "gauge",
             "Deliveries in flight now: transferring, or queued for a transfer.");
  out.sample("plazo_delivery_in_flight", "", s.delivery.in_flight);

  out.family("plazo_outbox_pending", "gauge", "Messages in the outbox not yet delivered.");
  out.sample("plazo_outbox_pending", "", s.outbox.pending);
  out.family("plazo_outbox_dead", "gauge", "Dead letters in the outbox.");
  out.sample("plazo_outbox_dead", "", s.outbox.dead);
  out.family("plazo_outbox_oldest_pending_age_seconds", "gauge",
             "Age of the oldest undelivered message since it was due (0 when none).");
  int64_t age = 0;
  if (s.outbox.oldest_pending && s.now > *s.outbox.oldest_pending) {
    age = (s.now - *s.outbox.oldest_pending).count();
  }
  out.sample("plazo_outbox_oldest_pending_age_seconds", "", age);

  out.family("plazo_scheduler_last_pass_timestamp_seconds", "gauge",
             "Unix time of the last scheduling pass (0 when none yet).");
  out.sample("plazo_scheduler_last_pass_timestamp_seconds", "",
             s.last_pass ? seconds_since_epoch(*s.last_pass) : int64_t{0});
  out.family("plazo_scheduler_next_wakeup_timestamp_seconds", "gauge",
             "Unix time of the next planned scheduling pass (0 when none).");
  out.sample("plazo_scheduler_next_wakeup_timestamp_seconds", "",
             s.next_wakeup ? seconds_since_epoch(*s.next_wakeup) : int64_t{0});

  out.family("plazo_database_up", "gauge", "1 when the database answered its last check.");
  out.sample("plazo_database_up", "", int64_t{s.database_ok ? 1 : 0});
  out.family("plazo_config_reload_success", "gauge",
             "1 when the last config load or reload was applied, 0 when it was rejected.");
  out.sample("plazo_config_reload_success", "",
             int64_t{!s.last_reload || s.last_reload->ok ? 1 : 0});
  out.family("plazo_config_reloads_total", "counter",
             "Config reloads (SIGHUP) since start, applied or rejected.");
  out.sample("plazo_config_reloads_total", "result=\"applied\"", s.reloads_applied);
  out.sample("plazo_config_reloads_total", "result=\"rejected\"", s.reloads_rejected);
  out.family("plazo_scheduler_days_skipped_total", "counter",
             "Days whose reminders were not sent because plazo was down longer than "
             "misfire_grace (or they were coalesced into a later day), since start.");
  out.sample("plazo_scheduler_days_skipped_total", "", s.days_skipped);
  out.family("plazo_config_last_reload_timestamp_seconds", "gauge",
             "Unix time of the last config load or reload attempt.");
  out.sample("plazo_config_last_reload_timestamp_seconds", "",
             seconds_since_epoch(s.last_reload ? s.last_reload->at : s.config_loaded_at));
  return out.take();
}

HealthResponse handle_health_request(const HealthRequest& request, const HealthSnapshot& snapshot) {
  std::string_view path = request.target;
  if (auto query = path.find('?'); query != std::string_view::npos) path = path.substr(0, query);

  const bool known = path == "/healthz" || path == "/readyz" || path == "/metrics";
  if (!known) return text_response(404, "not found\n");
  if (request.method != "GET" && request.method != "HEAD") {
    HealthResponse response = text_response(405, "method not allowed\n");
    response.headers.emplace_back("Allow", "GET, HEAD");
    return response;
  }

  HealthResponse response;
  response.headers.emplace_back("Cache-Control", "no-store");
  if (path == "/healthz") {
    response.body = "ok\n";
  } else if (path == "/readyz") {
    response.status = is_ready(snapshot) ? 200 : 503;
    response.content_type = "application/json";
    response.body = readyz_json(snapshot);
  } else {
    response.content_type = std::string(kMetricsType);
    response.body = metrics_text(snapshot);
  }
  return response;
}

}  // namespace plazo
