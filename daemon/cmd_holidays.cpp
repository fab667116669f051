// plazo holidays YEAR: the days the entity is closed in YEAR, from the
// config's [calendar] (or the built-in Colombian calendar when there is no
// config at the default path).

#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "config/config.h"
#include "daemon/cli.h"
#include "domain/calendar.h"

namespace plazo {
namespace {

constexpr std::string_view kDefaultConfigPath = "/etc/plazo/plazo.toml";
constexpr std::string_view kEntityClosure = "Cierre de la entidad";
constexpr int kFirstYear = 1583;  // the first whole Gregorian year
constexpr int kLastYear = 9999;

std::optional<int> parse_year(std::string_view text) {
  if (text.empty() || text.size() > 4) return std::nullopt;
  int year = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    year = year * 10 + (c - '0');
  }
  if (year < kFirstYear || year > kLastYear) return std::nullopt;
  return year;
}

std::string_view weekday_es(Date day) {
  static constexpr std::string_view kNames[] = {"lunes",   "martes", "miércoles", "jueves",
                                                "viernes", "sábado", "domingo"};
  return kNames[iso_weekday(day) - 1];
}

// Pads to `width` characters, not bytes: "miércoles" and "sábado" carry
// two-byte UTF-8 letters and must line up with the others.
std::string pad(std::string_view text, std::size_t width) {
  std::size_t chars = 0;
  for (const char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++chars;
  }
  std::string out(text);
  if (chars < width) out.append(width - chars, ' ');
  return out;
}

std::string count_of(std::size_t n, std::string_view singular, std::string_view plural) {
  return std::to_string(n) + " " + std::string(n == 1 ? singular : plural);
}

// The calendar the command lists, or the exit code of a config failure.
std::optional<Calendar> load_calendar(const CommandContext& ctx, int& exit_code) {
  std::error_code ignored;
  if (!std::filesystem::exists(ctx.config_path, ignored)) {
    // A fresh install has no config yet and still wants to see the holidays;
    // a path the admin named explicitly must exist.
    if (ctx.config_path == kDefaultConfigPath) return Calendar{};
    ctx.err << "plazo: the config file \"" << ctx.config_path
            << "\" does not exist (give an existing file with --config or $PLAZO_CONFIG)\n";
    exit_code = kExitConfig;
    return std::nullopt;
  }
  LoadResult loaded = load_config(ctx.config_path);
  if (!loaded.ok()) {
    for (const auto& error : loaded.errors) ctx.err << error.to_string() << "\n";
    if (loaded.errors.empty()) ctx.err << "plazo: the config file could not be loaded\n";
    exit_code = kExitConfig;
    return std::nullopt;
  }
  const CalendarSettings& settings = loaded.config->calendar;
  return Calendar{Calendar::Options{settings.holidays, settings.extra_closed,
                                    settings.saturday_is_business_day}};
}

}  // namespace

int cmd_holidays(const CommandContext& ctx) {
  const auto& args = ctx.line.positional;
  if (args.empty()) {
    ctx.err << "plazo: holidays needs a YEAR, e.g. plazo holidays 2023\n";
    return kExitUsage;
  }
  if (args.size() > 1) {
    ctx.err << "plazo: holidays takes one YEAR, not " << args.size()
            << " arguments (usage: plazo holidays YEAR)\n";
    return kExitUsage;
  }
  const std::optional<int> year = parse_year(args[0]);
  if (!year) {
    ctx.err << "plazo: the year must be a number from " << kFirstYear << " to " << kLastYear
            << ", not \"" << args[0] << "\" (usage: plazo holidays YEAR)\n";
    return kExitUsage;
  }

  int exit_code = kExitOk;
  const std::optional<Calendar> calendar = load_calendar(ctx, exit_code);
  if (!calendar) return exit_code;

  // One line per closed day: two holidays on one date share the line.
  std::size_t holiday_days = 0;
  std::size_t closure_days = 0;
  const std::vector<Holiday> holidays = calendar->holidays(*year);
  for (std::size_t i = 0; i < holidays.size();) {
    const Date day = holidays[i].date;
    std::string names;
    bool country_holiday = false;
    for (; i < holidays.size() && holidays[i].date == day; ++i) {
      if (!names.empty()) names += " / ";
      names += holidays[i].name;
      if (holidays[i].name != kEntityClosure) country_holiday = true;
    }
    ++(country_holiday ? holiday_days : closure_days);
    ctx.out << format_iso_date(day) << "  " << pad(weekday_es(day), 9) << "  " << names << "\n";
  }

  const std::string year_text = std::to_string(*year);
  if (closure_days == 0) {
    ctx.out << count_of(holiday_days, "festivo", "festivos") << " en " << year_text << "\n";
  } else {
    ctx.out << count_of(holiday_days + closure_days, "día de cierre", "días de cierre") << " en "
            << year_text << ": " << count_of(holiday_days, "festivo", "festivos") << " y "
            << count_of(closure_days, "cierre de la entidad", "cierres de la entidad") << "\n";
  }
  return kExitOk;
}

}  // namespace plazo
