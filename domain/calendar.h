#pragma once
/// \file
/// Business days: which days an entity works, public holidays, and counting
/// N business days forward or back. Pure and cheap. A Calendar fills a cache
/// of business days per year on first use; it is safe to share read-only
/// between threads once the years in use have been looked up.

#include <cstdint>
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

/// Colombia's public holidays of `year`, sorted by date (then by name): the
/// fixed ones, the ones Ley 51 de 1983 moves to the following Monday, and the
/// Easter-based ones (Jueves and Viernes Santo; Ascensión, Corpus Christi and
/// Sagrado Corazón moved to Monday). Valid for any Gregorian year. Every
/// holiday falls inside `year`.
std::vector<Holiday> colombian_holidays(int year);

/// Easter Sunday of `year` (Gregorian computus).
Date easter_sunday(int year);

/// Which days are business days for one entity.
class Calendar {
 public:
  struct Options {
    std::string country = "CO";      ///< "CO" or "none"
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
  /// Business days in (from, to] when to >= from: the largest n for which
  /// add_business_days(from, n) <= to. When to < from, minus the business
  /// days in [to, from). Either way, when `to` is a business day,
  /// add_business_days(from, business_days_between(from, to)) == to.
  int business_days_between(Date from, Date to) const;
  /// The holidays of `year` this calendar closes on (country's + extra
  /// closed days, the latter named "Cierre de la entidad"), sorted by date;
  /// on one date the country's holidays come before the entity's closure.
  /// A date listed twice in extra_closed appears once.
  std::vector<Holiday> holidays(int year) const;

 private:
  /// Makes the business-day bits cover every day of the years of `first`
  /// through `last`.
  void ensure_covered(Date first, Date last) const;
  /// Index of `day` in open_; `day` must be covered.
  std::int64_t index_of(Date day) const { return (day - first_day_).count(); }

  Options options_;
  // One bit per day, set when the entity works that day, for whole years from
  // first_day_ (1 January) to end_day_ (exclusive). Built lazily and rebuilt
  // wider when a call needs a year outside it (a mutable cache; the calendar
  // is logically immutable). Not thread-safe until the years in use are built.
  mutable Date first_day_{};
  mutable Date end_day_{};
  mutable std::vector<std::uint64_t> open_;
};

}  // namespace plazo
