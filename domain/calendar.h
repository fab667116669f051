#pragma once
/// \file
/// Business days: which days an entity works, public holidays, and counting
/// N business days forward or back. Pure and cheap; safe to share read-only
/// between threads once built.

#include <string>
#include <string_view>
#include <vector>

#include "domain/dates.h"

namespace plazo {

/// A public holiday. Two holidays may fall on one date (both are listed).
struct Holiday {
  Date date{};
  std::string name;  ///< Spanish name, e.g. "Día de la Independencia"
};

/// Colombia's public holidays of `year`, sorted by date: the fixed ones, the
/// ones Ley 51 de 1983 moves to the following Monday, and the Easter-based
/// ones (Jueves and Viernes Santo; Ascensión, Corpus Christi and Sagrado
/// Corazón moved to Monday). Valid for any Gregorian year.
std::vector<Holiday> colombian_holidays(int year);

/// Easter Sunday of `year` (Gregorian computus).
Date easter_sunday(int year);

/// Which days are business days for one entity.
class Calendar {
 public:
  struct Options {
    std::string country = "CO";     ///< "CO" or "none"
    std::vector<Date> extra_closed;  ///< entity-specific closed days
    bool saturday_is_business_day = false;
  };

  /// Builds a calendar. `country` must be "CO" or "none" (validated by config).
  explicit Calendar(Options options);
  /// A calendar with Colombian holidays, Monday to Friday.
  Calendar();

  /// Monday-Friday (and Saturday if worked), not a holiday, not extra closed.
  bool is_business_day(Date day) const;
  /// `day` if it is a business day, else the closest business day before it.
  Date on_or_before(Date day) const;
  /// `day` if it is a business day, else the closest business day after it.
  Date on_or_after(Date day) const;
  /// The n-th business day after `day` (n > 0) or before it (n < 0), counting
  /// from `day` exclusive; `day` itself need not be a business day. n == 0
  /// returns `day` unchanged.
  Date add_business_days(Date day, int n) const;
  /// Business days in (from, to]: how many steps add_business_days takes
  /// from `from` to reach `to` or pass it. Negative when to < from.
  int business_days_between(Date from, Date to) const;
  /// The holidays of `year` this calendar closes on (country's + extra
  /// closed days, the latter named "Cierre de la entidad"), sorted.
  std::vector<Holiday> holidays(int year) const;

 private:
  bool is_holiday(Date day) const;
  void ensure_year(int year) const;

  Options options_;
  // Closed days per year, filled on first use of a year (mutable cache; the
  // calendar is logically immutable). Not thread-safe until warmed up.
  mutable std::vector<std::pair<int, std::vector<Date>>> closed_by_year_;
};

}  // namespace plazo
