#include "domain/dates.h"

#include <charconv>
#include <cstdio>

namespace plazo {
namespace {

bool parse_uint(std::string_view text, unsigned& out) {
  if (text.empty()) return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

}  // namespace

std::optional<Date> make_date(int year, unsigned month, unsigned day) {
  const date::year_month_day ymd{date::year{year}, date::month{month}, date::day{day}};
  if (!ymd.ok()) return std::nullopt;
  return Date{ymd};
}

std::optional<Date> parse_iso_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  unsigned y = 0, m = 0, d = 0;
  if (!parse_uint(text.substr(0, 4), y) || !parse_uint(text.substr(5, 2), m) ||
      !parse_uint(text.substr(8, 2), d)) {
    return std::nullopt;
  }
  return make_date(static_cast<int>(y), m, d);
}

std::optional<Date> parse_dmy_date(std::string_view text) {
  const auto first = text.find('/');
  if (first == std::string_view::npos) return std::nullopt;
  const auto second = text.find('/', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  const auto day_text = text.substr(0, first);
  const auto month_text = text.substr(first + 1, second - first - 1);
  const auto year_text = text.substr(second + 1);
  if (day_text.size() > 2 || month_text.size() > 2 || year_text.size() != 4) return std::nullopt;
  unsigned y = 0, m = 0, d = 0;
  if (!parse_uint(day_text, d) || !parse_uint(month_text, m) || !parse_uint(year_text, y)) {
    return std::nullopt;
  }
  return make_date(static_cast<int>(y), m, d);
}

std::string format_iso_date(Date day) {
  // date::format goes through an ostringstream and a locale: far slower,
  // and this runs several times for every message and activity row.
  const date::year_month_day ymd{day};
  char text[16];
  const int n = std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                              static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return std::string(text, static_cast<size_t>(n));
}

std::string format_iso_date_time(Instant instant) {
  const auto day = date::floor<date::days>(instant);
  const date::hh_mm_ss time{instant - day};
  std::string text = format_iso_date(Date{day});
  char clock[16];
  const int n = std::snprintf(
      clock, sizeof clock, "T%02d:%02d:%02d", static_cast<int>(time.hours().count()),
      static_cast<int>(time.minutes().count()), static_cast<int>(time.seconds().count()));
  text.append(clock, static_cast<size_t>(n));
  return text;
}

int year_of(Date day) { return static_cast<int>(date::year_month_day{day}.year()); }

unsigned iso_weekday(Date day) { return date::weekday{day}.iso_encoding(); }

}  // namespace plazo
