#include "domain/calendar.h"

#include <algorithm>
#include <bit>
#include <utility>

namespace plazo {
namespace {

using date::days;

// A holiday before its name is turned into a std::string, so that building
// the business-day bits of a year allocates nothing per holiday.
struct HolidayDate {
  Date date;
  const char* name;
};

Date ymd(int year, unsigned month, unsigned day) {
  return Date{date::year{year} / date::month{month} / date::day{day}};
}

// Ley 51 de 1983 ("Ley Emiliani"): the holiday is observed on the following
// Monday unless it already falls on one.
Date next_monday(Date day) {
  return day + days{(8 - iso_weekday(day)) % 7};
}

std::vector<HolidayDate> colombian_holiday_dates(int year) {
  const Date easter = easter_sunday(year);
  return {
      {ymd(year, 1, 1), "Año Nuevo"},
      {next_monday(ymd(year, 1, 6)), "Día de los Reyes Magos"},
      {next_monday(ymd(year, 3, 19)), "Día de San José"},
      {easter - days{3}, "Jueves Santo"},
      {easter - days{2}, "Viernes Santo"},
      {ymd(year, 5, 1), "Día del Trabajo"},
      // The Easter-based feasts are Thursdays or Sundays; the law moves
      // them to the Monday after (Easter +43, +64, +71).
      {next_monday(easter + days{39}), "Ascensión del Señor"},
      {next_monday(easter + days{60}), "Corpus Christi"},
      {next_monday(easter + days{68}), "Sagrado Corazón"},
      {next_monday(ymd(year, 6, 29)), "San Pedro y San Pablo"},
      {ymd(year, 7, 20), "Día de la Independencia"},
      {ymd(year, 8, 7), "Batalla de Boyacá"},
      {next_monday(ymd(year, 8, 15)), "Asunción de la Virgen"},
      {next_monday(ymd(year, 10, 12)), "Día de la Raza"},
      {next_monday(ymd(year, 11, 1)), "Todos los Santos"},
      {next_monday(ymd(year, 11, 11)), "Independencia de Cartagena"},
      {ymd(year, 12, 8), "Inmaculada Concepción"},
      {ymd(year, 12, 25), "Navidad"},
  };
}

constexpr std::uint64_t kAll = ~std::uint64_t{0};

// Set bits of `bits` with index in [lo, hi).
std::int64_t count_set(const std::vector<std::uint64_t>& bits, std::int64_t lo, std::int64_t hi) {
  if (lo >= hi) return 0;
  const auto first = static_cast<std::size_t>(lo >> 6);
  const auto last = static_cast<std::size_t>((hi - 1) >> 6);
  const std::uint64_t first_mask = kAll << (lo & 63);
  const std::uint64_t last_mask = kAll >> (63 - ((hi - 1) & 63));
  if (first == last) return std::popcount(bits[first] & first_mask & last_mask);
  std::int64_t count = std::popcount(bits[first] & first_mask);
  for (std::size_t i = first + 1; i < last; ++i) count += std::popcount(bits[i]);
  return count + std::popcount(bits[last] & last_mask);
}

// The index of the `left`-th set bit at or after `lo` and before `hi`, or -1
// with `left` reduced by the set bits passed over. Skips whole words at a
// time, which is what keeps add_business_days cheap for large n.
std::int64_t nth_forward(const std::vector<std::uint64_t>& bits, std::int64_t lo, std::int64_t hi,
                         std::int64_t& left) {
  while (lo < hi) {
    const auto index = static_cast<std::size_t>(lo >> 6);
    const std::int64_t word_begin = static_cast<std::int64_t>(index) * 64;
    std::int64_t word_end = word_begin + 64;
    std::uint64_t word = bits[index] & (kAll << (lo - word_begin));
    if (word_end > hi) {
      word &= kAll >> (word_end - hi);
      word_end = hi;
    }
    const int count = std::popcount(word);
    if (count >= left) {
      for (std::int64_t k = 1; k < left; ++k) word &= word - 1;  // drop the lowest set bit
      return word_begin + std::countr_zero(word);
    }
    left -= count;
    lo = word_end;
  }
  return -1;
}

// Like nth_forward, counting down from hi - 1 to lo.
std::int64_t nth_backward(const std::vector<std::uint64_t>& bits, std::int64_t lo, std::int64_t hi,
                          std::int64_t& left) {
  while (hi > lo) {
    const auto index = static_cast<std::size_t>((hi - 1) >> 6);
    std::int64_t word_begin = static_cast<std::int64_t>(index) * 64;
    std::uint64_t word = bits[index] & (kAll >> (63 - ((hi - 1) & 63)));
    if (word_begin < lo) {
      word &= kAll << (lo - word_begin);
      word_begin = lo;
    }
    const int count = std::popcount(word);
    if (count >= left) {
      for (std::int64_t k = 1; k < left; ++k) {
        word &= ~(std::uint64_t{1} << (63 - std::countl_zero(word)));  // drop the highest
      }
      return static_cast<std::int64_t>(index) * 64 + 63 - std::countl_zero(word);
    }
    left -= count;
    hi = word_begin;
  }
  return -1;
}

}  // namespace

Date easter_sunday(int year) {
  // Anonymous Gregorian algorithm (Meeus/Jones/Butcher).
  const int a = year % 19;
  const int b = year / 100;
  const int c = year % 100;
  const int d = b / 4;
  const int e = b % 4;
  const int f = (b + 8) / 25;
  const int g = (b - f + 1) / 3;
  const int h = (19 * a + b - d - g + 15) % 30;
  const int i = c / 4;
  const int k = c % 4;
  const int l = (32 + 2 * e + 2 * i - h - k) % 7;
  const int m = (a + 11 * h + 22 * l) / 451;
  const int month = (h + l - 7 * m + 114) / 31;
  const int day = (h + l - 7 * m + 114) % 31 + 1;
  return ymd(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
}

std::vector<Holiday> colombian_holidays(int year) {
  std::vector<Holiday> holidays;
  for (const auto& [day, name] : colombian_holiday_dates(year)) holidays.push_back({day, name});
  // By name within a date, so that the order of two coinciding holidays does
  // not depend on the order of the list above.
  std::sort(holidays.begin(), holidays.end(), [](const Holiday& a, const Holiday& b) {
    return a.date != b.date ? a.date < b.date : a.name < b.name;
  });
  return holidays;
}

Calendar::Calendar(Options options) : options_(std::move(options)) {
  std::sort(options_.extra_closed.begin(), options_.extra_closed.end());
  options_.extra_closed.erase(
      std::unique(options_.extra_closed.begin(), options_.extra_closed.end()),
      options_.extra_closed.end());
}

Calendar::Calendar() : Calendar(Options{}) {}

void Calendar::ensure_covered(Date first, Date last) const {
  if (first >= first_day_ && last < end_day_) return;
  int first_year = year_of(first);
  int last_year = year_of(last);
  if (first_day_ < end_day_) {
    // Rebuild the union, so the bits stay one contiguous run of whole years.
    first_year = std::min(first_year, year_of(first_day_));
    last_year = std::max(last_year, year_of(end_day_ - days{1}));
  }
  const Date begin = ymd(first_year, 1, 1);
  const Date end = ymd(last_year + 1, 1, 1);
  const std::int64_t count = (end - begin).count();
  std::vector<std::uint64_t> bits(static_cast<std::size_t>((count + 63) / 64), 0);
  auto set = [&bits](std::int64_t i, bool open) {
    const std::uint64_t bit = std::uint64_t{1} << (i & 63);
    auto& word = bits[static_cast<std::size_t>(i >> 6)];
    word = open ? (word | bit) : (word & ~bit);
  };
  unsigned weekday = iso_weekday(begin);
  for (std::int64_t i = 0; i < count; ++i) {
    set(i, weekday <= 5 || (weekday == 6 && options_.saturday_is_business_day));
    weekday = weekday == 7 ? 1 : weekday + 1;
  }
  if (options_.country == "CO") {
    for (int year = first_year; year <= last_year; ++year) {
      for (const auto& holiday : colombian_holiday_dates(year)) {
        set((holiday.date - begin).count(), false);
      }
    }
  }
  for (const Date day : options_.extra_closed) {
    if (day >= begin && day < end) set((day - begin).count(), false);
  }
  open_ = std::move(bits);
  first_day_ = begin;
  end_day_ = end;
}

bool Calendar::is_business_day(Date day) const {
  if (day < first_day_ || day >= end_day_) ensure_covered(day, day);
  const std::int64_t i = index_of(day);
  return ((open_[static_cast<std::size_t>(i >> 6)] >> (i & 63)) & 1U) != 0;
}

Date Calendar::on_or_before(Date day) const {
  return is_business_day(day) ? day : add_business_days(day, -1);
}

Date Calendar::on_or_after(Date day) const {
  return is_business_day(day) ? day : add_business_days(day, 1);
}

Date Calendar::add_business_days(Date day, int n) const {
  if (n == 0) return day;
  std::int64_t left = n > 0 ? n : -static_cast<std::int64_t>(n);
  // Cover a span that holds `left` business days in any normal year; when
  // the entity closes more than that, the loop extends the span again.
  const days guess{static_cast<int>(std::min<std::int64_t>(2 * left + 31, 3660))};
  Date cursor = day;
  while (true) {
    if (n > 0) {
      ensure_covered(cursor + days{1}, cursor + guess);
      const std::int64_t found = nth_forward(open_, index_of(cursor) + 1, index_of(end_day_), left);
      if (found >= 0) return first_day_ + days{found};
      cursor = end_day_ - days{1};
    } else {
      ensure_covered(cursor - guess, cursor - days{1});
      const std::int64_t found = nth_backward(open_, 0, index_of(cursor), left);
      if (found >= 0) return first_day_ + days{found};
      cursor = first_day_;
    }
  }
}

int Calendar::business_days_between(Date from, Date to) const {
  if (from == to) return 0;
  if (from < to) {
    ensure_covered(from + days{1}, to);
    return static_cast<int>(count_set(open_, index_of(from) + 1, index_of(to) + 1));
  }
  ensure_covered(to, from - days{1});
  return -static_cast<int>(count_set(open_, index_of(to), index_of(from)));
}

std::vector<Holiday> Calendar::holidays(int year) const {
  std::vector<Holiday> result;
  if (options_.country == "CO") result = colombian_holidays(year);
  for (const Date day : options_.extra_closed) {
    if (year_of(day) == year) result.push_back({day, "Cierre de la entidad"});
  }
  std::stable_sort(result.begin(), result.end(),
                   [](const Holiday& a, const Holiday& b) { return a.date < b.date; });
  return result;
}

}  // namespace plazo
