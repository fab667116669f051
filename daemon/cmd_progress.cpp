// plazo progress ACTIVITY PERCENT [--note TEXT] [--as-of DATE] [--plan NAME] [--year Y]

#include <charconv>
#include <optional>
#include <ostream>
#include <string>

#include "daemon/cli.h"
#include "daemon/command_support.h"
#include "domain/clock.h"
#include "domain/model.h"
#include "domain/timezone.h"

namespace plazo {
namespace {

// "66" or "66%": a whole number 0..100.
std::optional<int> parse_percent(std::string_view text) {
  if (!text.empty() && text.back() == '%') text.remove_suffix(1);
  int percent = -1;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), percent);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  if (percent < 0 || percent > 100) return std::nullopt;
  return percent;
}

}  // namespace

int cmd_progress(const CommandContext& ctx) {
  const auto& args = ctx.line.positional;
  if (args.size() != 2) {
    ctx.err << "plazo: progress needs an activity number and a percent, e.g. "
               "\"plazo progress 1.5 66\".\n";
    return kExitUsage;
  }
  const std::string& number = args[0];
  const auto percent = parse_percent(args[1]);
  if (!percent) {
    ctx.err << "plazo: the percent must be a whole number from 0 to 100, like 66 or 66% (got \""
            << args[1] << "\").\n";
    return kExitUsage;
  }
  std::optional<Date> as_of;
  if (auto text = ctx.line.get("--as-of")) {
    as_of = parse_iso_date(*text);
    if (!as_of) {
      ctx.err << "plazo: --as-of must be a date like 2023-08-31 (got \"" << *text << "\").\n";
      return kExitUsage;
    }
  }
  std::optional<int> year;
  if (auto text = ctx.line.get("--year")) {
    int value = 0;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (ec != std::errc() || end != text->data() + text->size()) {
      ctx.err << "plazo: --year must be a year like 2023 (got \"" << *text << "\").\n";
      return kExitUsage;
    }
    year = value;
  }
  const std::optional<std::string> plan = ctx.line.get("--plan");

  int exit_code = kExitOk;
  auto app = open_app(ctx, exit_code);
  if (!app) return exit_code;

  if (!as_of) {
    // "Today" is the entity's day, not the server's: near midnight they differ.
    auto zone = TimeZone::locate(app->config.daemon.timezone);
    if (!zone) {
      ctx.err << "plazo: " << app->config.path << ": " << zone.error().message << ".\n";
      return kExitConfig;
    }
    as_of = zone->local_day(SystemClock().now());
  }

  const Progress progress{*as_of, *percent, ctx.line.get("--note").value_or("")};
  if (auto status = app->store->record_progress(number, progress, plan, year); !status) {
    ctx.err << "plazo: " << status.error().message << "\n";
    return kExitFailure;
  }
  std::string which = "activity " + number;
  if (plan && year) {
    which += " of " + plan_label(*plan, *year);
  } else if (plan) {
    which += " of " + *plan;
  } else if (year) {
    which += " of " + std::to_string(*year);
  }
  ctx.out << "Recorded " << *percent << "% for " << which << " as of " << format_iso_date(*as_of)
          << ".\n";
  return kExitOk;
}

}  // namespace plazo
