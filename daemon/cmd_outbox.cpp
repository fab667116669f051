// plazo outbox [--status pending|dead|sent] [--format table|json|csv]
// plazo outbox retry ID
// plazo outbox log [ID] [--format csv|json]
//
// JSON contracts (keys always present, in this order):
//   outbox: [{"id", "status", "unit", "channel", "target", "day", "key",
//             "attempts", "next_attempt_at", "created_at", "destination",
//             "last_error"}]
//     status: pending | in_flight | retry | sent | dead; target: the webhook
//     name or null; next_attempt_at: RFC 3339 local time for pending and
//     retry, else null; destination: "" until the first attempt.
//   log: [{"id", "at", "outbox_id", "unit", "channel", "recipient", "result",
//          "status_code", "error", "duration_ms", "key"}]
//     result: sent | retry | dead | interrupted; status_code 0 = no reply.
// CSV has the same columns in the same order, with a header line.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "daemon/cli.h"
#include "daemon/command_support.h"
#include "domain/timezone.h"

namespace plazo {
namespace {

enum class Format { kTable, kJson, kCsv };

// Statuses `--status` accepts: "pending" is everything not yet delivered.
std::optional<std::vector<OutboxStatus>> statuses_for(std::string_view text) {
  if (text == "pending") {
    return std::vector{OutboxStatus::kPending, OutboxStatus::kRetry, OutboxStatus::kInFlight};
  }
  if (text == "dead") return std::vector{OutboxStatus::kDead};
  if (text == "sent") return std::vector{OutboxStatus::kSent};
  return std::nullopt;
}

bool waiting(OutboxStatus status) {
  return status == OutboxStatus::kPending || status == OutboxStatus::kRetry;
}

std::string route_of(const Message& message) {
  std::string route(to_string(message.channel));
  if (!message.target.empty()) route += ":" + message.target;
  return route;
}

std::optional<int64_t> parse_id(const std::string& text) {
  int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) return std::nullopt;
  return id;
}

// RFC 4180: quoted only when needed.
std::string csv_line(const std::vector<std::string>& fields) {
  std::string line;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) line += ',';
    const std::string& value = fields[i];
    if (value.find_first_of(",\"\r\n") == std::string::npos) {
      line += value;
      continue;
    }
    line += '"';
    for (char c : value) {
      if (c == '"') line += '"';
      line += c;
    }
    line += '"';
  }
  return line + "\r\n";
}

std::string dump(const nlohmann::ordered_json& json) {
  // Errors quote what servers said; replace invalid UTF-8 rather than throw.
  return json.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

// A table cell: one line, at most `width` (>= 1) code points, cut with "…".
std::string cell(std::string text, size_t width) {
  std::replace_if(
      text.begin(), text.end(), [](char c) { return c == '\n' || c == '\r' || c == '\t'; }, ' ');
  size_t points = 0;
  size_t cut = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((text[i] & 0xC0) == 0x80) continue;  // inside a code point
    if (points + 1 == width) cut = i;
    ++points;
  }
  return points <= width ? text : text.substr(0, cut) + "…";
}

// -- Listing ---------------------------------------------------------------------

std::string local_time(const TimeZone& zone, Instant instant) {
  return zone.format_rfc3339(instant);
}

std::optional<std::string> next_attempt(const OutboxEntry& entry, const TimeZone& zone) {
  if (!waiting(entry.status)) return std::nullopt;
  return local_time(zone, entry.next_attempt_at);
}

std::string entries_json(const std::vector<OutboxEntry>& entries, const TimeZone& zone) {
  auto list = nlohmann::ordered_json::array();
  for (const auto& e : entries) {
    const auto next = next_attempt(e, zone);
    list.push_back({
        {"id", e.id},
        {"status", to_string(e.status)},
        {"unit", e.message.unit_id},
        {"channel", to_string(e.message.channel)},
        {"target", e.message.target.empty() ? nlohmann::ordered_json(nullptr)
                                            : nlohmann::ordered_json(e.message.target)},
        {"day", format_iso_date(e.message.day)},
        {"key", e.message.key},
        {"attempts", e.attempts},
        {"next_attempt_at", next ? nlohmann::ordered_json(*next) : nlohmann::ordered_json(nullptr)},
        {"created_at", local_time(zone, e.created_at)},
        {"destination", e.destination},
        {"last_error", e.last_error},
    });
  }
  return dump(list);
}

std::string entries_csv(const std::vector<OutboxEntry>& entries, const TimeZone& zone) {
  std::string out = csv_line({"id", "status", "unit", "channel", "target", "day", "key", "attempts",
                              "next_attempt_at", "created_at", "destination", "last_error"});
  for (const auto& e : entries) {
    out += csv_line({std::to_string(e.id), std::string(to_string(e.status)), e.message.unit_id,
                     std::string(to_string(e.message.channel)), e.message.target,
                     format_iso_date(e.message.day), e.message.key, std::to_string(e.attempts),
                     next_attempt(e, zone).value_or(""), local_time(zone, e.created_at),
                     e.destination, e.last_error});
  }
  return out;
}

std::string entries_table(const std::vector<OutboxEntry>& entries, const TimeZone& zone) {
  if (entries.empty()) return "The outbox is empty.\n";
  size_t unit_width = 4;
  size_t route_width = 5;
  for (const auto& e : entries) {
    unit_width = std::max(unit_width, e.message.unit_id.size());
    route_width = std::max(route_width, std::min<size_t>(route_of(e.message).size(), 32));
  }
  const auto row = [&](const std::string& id, const std::string& status, const std::string& unit,
                       const std::string& route, const std::string& day,
                       const std::string& attempts, const std::string& next,
                       const std::string& error) {
    return fmt::format("{:>6}  {:<9}  {:<{}}  {:<{}}  {:<10}  {:>8}  {:<16}  {}\n", id, status,
                       unit, unit_width, cell(route, route_width), route_width, day, attempts, next,
                       cell(error, 60));
  };
  std::string out =
      row("ID", "STATUS", "UNIT", "ROUTE", "DAY", "ATTEMPTS", "NEXT ATTEMPT", "LAST ERROR");
  for (const auto& e : entries) {
    // "2023-11-23T08:05:00-05:00" -> "2023-11-23 08:05" (local time).
    std::string next = "-";
    if (auto text = next_attempt(e, zone)) next = text->substr(0, 10) + " " + text->substr(11, 5);
    out += row(std::to_string(e.id), std::string(to_string(e.status)), e.message.unit_id,
               route_of(e.message), format_iso_date(e.message.day), std::to_string(e.attempts),
               next, e.last_error.empty() ? "-" : e.last_error);
  }
  const auto count = entries.size();
  out += fmt::format("{} message{}\n", count, count == 1 ? "" : "s");
  return out;
}

// -- Delivery log ----------------------------------------------------------------

std::string log_json(const std::vector<Store::LoggedAttempt>& rows, const TimeZone& zone) {
  auto list = nlohmann::ordered_json::array();
  for (const auto& row : rows) {
    const DeliveryAttempt& a = row.attempt;
    list.push_back({
        {"id", row.id},
        {"at", local_time(zone, a.at)},
        {"outbox_id", a.outbox_id},
        {"unit", row.unit_id},
        {"channel", to_string(a.channel)},
        {"recipient", a.recipient},
        {"result", a.result},
        {"status_code", a.status_code},
        {"error", a.error},
        {"duration_ms", a.duration_ms},
        {"key", row.key},
    });
  }
  return dump(list);
}

std::string log_csv(const std::vector<Store::LoggedAttempt>& rows, const TimeZone& zone) {
  std::string out = csv_line({"id", "at", "outbox_id", "unit", "channel", "recipient", "result",
                              "status_code", "error", "duration_ms", "key"});
  for (const auto& row : rows) {
    const DeliveryAttempt& a = row.attempt;
    out +=
        csv_line({std::to_string(row.id), local_time(zone, a.at), std::to_string(a.outbox_id),
                  row.unit_id, std::string(to_string(a.channel)), a.recipient, a.result,
                  std::to_string(a.status_code), a.error, std::to_string(a.duration_ms), row.key});
  }
  return out;
}

// -- Subcommands -----------------------------------------------------------------

int retry(const CommandContext& ctx, Store& store) {
  if (ctx.line.positional.size() != 2) {
    ctx.err << "plazo: outbox retry takes one message id (plazo outbox retry ID).\n";
    return kExitUsage;
  }
  auto id = parse_id(ctx.line.positional[1]);
  if (!id) {
    ctx.err << "plazo: \"" << ctx.line.positional[1]
            << "\" is not an outbox message id (see the ID column of plazo outbox).\n";
    return kExitUsage;
  }
  if (auto retried = store.retry(*id); !retried) {
    ctx.err << "plazo: " << retried.error().message << "\n";
    return kExitFailure;
  }
  ctx.out << "outbox message " << *id
          << " is pending again; the daemon sends it within seconds (or plazo run --once).\n";
  return kExitOk;
}

int show_log(const CommandContext& ctx, Store& store, const TimeZone& zone) {
  Store::DeliveryLogQuery query;
  if (ctx.line.positional.size() > 2) {
    ctx.err << "plazo: outbox log takes at most one message id.\n";
    return kExitUsage;
  }
  if (ctx.line.positional.size() == 2) {
    query.outbox_id = parse_id(ctx.line.positional[1]);
    if (!query.outbox_id) {
      ctx.err << "plazo: \"" << ctx.line.positional[1] << "\" is not an outbox message id.\n";
      return kExitUsage;
    }
  }
  const std::string format = ctx.line.get("--format").value_or("csv");
  if (format != "csv" && format != "json") {
    ctx.err << "plazo: the delivery log is exported as csv or json, not \"" << format << "\".\n";
    return kExitUsage;
  }
  auto rows = store.delivery_log(query);
  if (!rows) {
    ctx.err << "plazo: " << rows.error().message << "\n";
    return kExitIoError;
  }
  ctx.out << (format == "json" ? log_json(*rows, zone) : log_csv(*rows, zone));
  return kExitOk;
}

int list(const CommandContext& ctx, Store& store, const TimeZone& zone) {
  Format format = Format::kTable;
  const std::string format_text = ctx.line.get("--format").value_or("table");
  if (format_text == "json") {
    format = Format::kJson;
  } else if (format_text == "csv") {
    format = Format::kCsv;
  } else if (format_text != "table") {
    ctx.err << "plazo: unknown format \"" << format_text << "\" (use table, json or csv).\n";
    return kExitUsage;
  }
  std::vector<std::optional<OutboxStatus>> wanted = {std::nullopt};
  if (auto text = ctx.line.get("--status")) {
    auto statuses = statuses_for(*text);
    if (!statuses) {
      ctx.err << "plazo: unknown status \"" << *text << "\" (use pending, dead or sent).\n";
      return kExitUsage;
    }
    wanted.assign(statuses->begin(), statuses->end());
  }
  std::vector<OutboxEntry> entries;
  for (const auto& status : wanted) {
    auto listed = store.outbox(status, 0);
    if (!listed) {
      ctx.err << "plazo: " << listed.error().message << "\n";
      return kExitIoError;
    }
    entries.insert(entries.end(), std::make_move_iterator(listed->begin()),
                   std::make_move_iterator(listed->end()));
  }
  std::sort(entries.begin(), entries.end(),
            [](const OutboxEntry& a, const OutboxEntry& b) { return a.id > b.id; });
  switch (format) {
    case Format::kJson:
      ctx.out << entries_json(entries, zone);
      break;
    case Format::kCsv:
      ctx.out << entries_csv(entries, zone);
      break;
    case Format::kTable:
      ctx.out << entries_table(entries, zone);
      break;
  }
  return kExitOk;
}

}  // namespace

int cmd_outbox(const CommandContext& ctx) {
  const auto& positional = ctx.line.positional;
  const std::string sub = positional.empty() ? "" : positional.front();
  if (!sub.empty() && sub != "retry" && sub != "log") {
    ctx.err << "plazo: unknown outbox subcommand \"" << sub
            << "\" (plazo outbox, plazo outbox retry ID, plazo outbox log).\n";
    return kExitUsage;
  }
  int exit_code = kExitOk;
  auto app = open_app(ctx, exit_code);
  if (!app) return exit_code;
  auto zone = TimeZone::locate(app->config.daemon.timezone);
  if (!zone) {
    ctx.err << "plazo: " << zone.error().message << "\n";
    return kExitConfig;
  }
  if (sub == "retry") return retry(ctx, *app->store);
  if (sub == "log") return show_log(ctx, *app->store, *zone);
  return list(ctx, *app->store, *zone);
}

}  // namespace plazo
