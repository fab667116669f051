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

// The two decimal digits of `value` (0-99) at `out`.
void put_two_digits(char* out, unsigned value) {
  out[0] = static_cast<char>('0' + value / 10);
  out[1] = static_cast<char>('0' + value % 10);
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
  // date::format goes through an ostringstream and a locale, snprintf
  // through a format parser (6 % of a scheduling pass): this runs several
  // times for every message and activity row, so the digits are written.
  const date::year_month_day ymd{day};
  const int year = static_cast<int>(ymd.year());
  const auto month = static_cast<unsigned>(ymd.month());
  const auto day_of_month = static_cast<unsigned>(ymd.day());
  if (year < 0 || year > 9999) {  // never a plan's; as %04d writes them
    char text[24];
    const int n = std::snprintf(text, sizeof text, "%04d-%02u-%02u", year, month, day_of_month);
    return std::string(text, static_cast<size_t>(n));
  }
  std::string text = "0000-00-00";  // short enough to need no allocation
  put_two_digits(text.data(), static_cast<unsigned>(year) / 100);
  put_two_digits(text.data() + 2, static_cast<unsigned>(year) % 100);
  put_two_digits(text.data() + 5, month);
  put_two_digits(text.data() + 8, day_of_month);
  return text;
}

std::string format_iso_date_time(Instant instant) {
  const auto day = date::floor<date::days>(instant);
  const date::hh_mm_ss time{instant - day};
  std::string text = format_iso_date(Date{day});
  char clock[] = "T00:00:00";
  put_two_digits(clock + 1, static_cast<unsigned>(time.hours().count()));
  put_two_digits(clock + 4, static_cast<unsigned>(time.minutes().count()));
  put_two_digits(clock + 7, static_cast<unsigned>(time.seconds().count()));
  text.append(clock, sizeof clock - 1);
  return text;
}

int year_of(Date day) { return static_cast<int>(date::year_month_day{day}.year()); }

unsigned iso_weekday(Date day) { return date::weekday{day}.iso_encoding(); }

}  // namespace plazo
