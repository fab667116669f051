// plazo preview: every message that would go out in a window of days,
// computed by the scheduler without writing anything.
#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <ostream>

#include "daemon/cli.h"
#include "daemon/command_support.h"
#include "daemon/scheduling.h"
#include "domain/clock.h"
#include "notifiers/templates.h"

namespace plazo {
namespace {

constexpr int kMaxPreviewDays = 366;

nlohmann::ordered_json message_json(const Message& message, const Config& config,
                                    const TimeZone& zone) {
  const Unit* unit = config.find_unit(message.unit_id);
  nlohmann::ordered_json items = nlohmann::ordered_json::array();
  for (const auto& item : message.items) {
    items.push_back({{"kind", to_string(item.kind)},
                     {"activity", item.activity},
                     {"deadline", format_iso_date(item.deadline)},
                     {"role", to_string(item.role)}});
  }
  return {{"at", zone.format_rfc3339(message.at)},
          {"unit", {{"id", message.unit_id}, {"name", unit != nullptr ? unit->name : ""}}},
          {"channel", to_string(message.channel)},
          {"key", message.key},
          {"items", std::move(items)}};
}

void print_table(std::ostream& out, const std::vector<Message>& messages, const TimeZone& zone) {
  for (const auto& message : messages) {
    std::string route(to_string(message.channel));
    if (!message.target.empty()) route += ":" + message.target;
    out << fmt::format("{}  {}  {}  ({} item{})\n", zone.format_rfc3339(message.at).substr(0, 16),
                       message.unit_id, route, message.items.size(),
                       message.items.size() == 1 ? "" : "s");
    for (const auto& item : message.items) {
      out << fmt::format("    {:<12} {:<6} {}  {:>+4}  {}\n", to_string(item.kind),
                         item.activity.empty() ? "-" : item.activity, format_iso_date(item.deadline),
                         item.days_left, to_string(item.role));
    }
  }
  out << messages.size() << (messages.size() == 1 ? " message\n" : " messages\n");
}

}  // namespace

int cmd_preview(const CommandContext& ctx) {
  const std::string format = ctx.line.get("--format").value_or("table");
  if (format != "table" && format != "json") {
    ctx.err << "plazo: --format must be table or json, not \"" << format << "\"\n";
    return kExitUsage;
  }
  int exit_code = kExitOk;
  auto app = open_app(ctx, exit_code);
  if (!app) return exit_code;
  // --render: the subject and plain-text body each message would carry,
  // from the same templates (built-in or the admin's) delivery uses.
  std::optional<Renderer> renderer;
  if (ctx.line.has("--render")) {
    auto loaded = Renderer::load(app->config);
    if (!loaded) {
      ctx.err << "plazo: " << loaded.error().message << "\n";
      return kExitConfig;
    }
    renderer.emplace(std::move(loaded).value());
  }
  auto render = [&](const Message& message) -> std::optional<RenderedMessage> {
    const Unit* recipient = app->config.find_unit(message.unit_id);
    if (!renderer || recipient == nullptr) return std::nullopt;
    return renderer->render(message, *recipient, app->config.units, /*with_html=*/false);
  };
  auto scheduler = make_scheduler(app->config);
  if (!scheduler) {
    ctx.err << "plazo: " << scheduler.error().message << "\n";
    return kExitConfig;
  }
  const TimeZone& zone = scheduler->zone();

  auto parse_day = [&](const char* option, Date fallback) -> std::optional<Date> {
    auto text = ctx.line.get(option);
    if (!text) return fallback;
    auto day = parse_iso_date(*text);
    if (!day) ctx.err << "plazo: " << option << " must be a date like 2023-11-23, not \"" << *text << "\"\n";
    return day;
  };
  const Date today = zone.local_day(SystemClock().now());
  const auto from = parse_day("--from", today);
  if (!from) return kExitUsage;
  const auto to = parse_day("--to", *from + date::days{13});
  if (!to) return kExitUsage;
  if (*to < *from || (*to - *from).count() >= kMaxPreviewDays) {
    ctx.err << "plazo: --to must be on or after --from and at most " << kMaxPreviewDays
            << " days later\n";
    return kExitUsage;
  }
  const auto unit = ctx.line.get("--unit");
  if (unit && app->config.find_unit(*unit) == nullptr) {
    ctx.err << "plazo: no unit \"" << *unit << "\" in " << ctx.config_path << "\n";
    return kExitUsage;
  }

  StorePlanReader plan(*app->store);
  std::vector<Message> messages;
  for (Date day = *from; day <= *to; day += date::days{1}) {
    auto due = scheduler->messages_on(day, plan);
    if (!due) {
      ctx.err << "plazo: " << due.error().message << "\n";
      return kExitIoError;
    }
    for (auto& message : *due) {
      if (!unit || message.unit_id == *unit) messages.push_back(std::move(message));
    }
  }

  if (format == "json") {
    nlohmann::ordered_json array = nlohmann::ordered_json::array();
    for (const auto& message : messages) {
      auto element = message_json(message, app->config, zone);
      if (auto rendered = render(message)) {
        element["subject"] = rendered->subject;
        element["text"] = rendered->text;
      }
      array.push_back(std::move(element));
    }
    ctx.out << array.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else if (renderer) {
    for (const auto& message : messages) {
      const auto rendered = render(message);
      std::string route(to_string(message.channel));
      if (!message.target.empty()) route += ":" + message.target;
      ctx.out << "=== " << zone.format_rfc3339(message.at).substr(0, 16) << "  "
              << message.unit_id << "  " << route << "\n";
      if (!rendered) continue;
      ctx.out << "Asunto: " << rendered->subject << "\n\n" << rendered->text;
      if (!rendered->text.ends_with('\n')) ctx.out << "\n";
      ctx.out << "\n";
    }
    ctx.out << messages.size() << (messages.size() == 1 ? " message\n" : " messages\n");
  } else {
    print_table(ctx.out, messages, zone);
  }
  return kExitOk;
}

}  // namespace plazo
