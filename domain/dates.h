#pragma once
/// \file
/// Calendar dates and instants. A Date is a civil day with no time zone; an
/// Instant is a point in UTC. Local times are turned into instants only
/// through a time zone (see timezone.h).

#include <date/date.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace plazo {

/// A civil day (no time zone).
using Date = date::sys_days;
/// A point in time, UTC, to the second.
using Instant = date::sys_seconds;

/// Parses "YYYY-MM-DD" strictly (a real date, four-digit year). nullopt if not.
std::optional<Date> parse_iso_date(std::string_view text);
/// Parses "DD/MM/YYYY" (also D/M/YYYY), as Colombian matrices write dates.
std::optional<Date> parse_dmy_date(std::string_view text);
/// "YYYY-MM-DD".
std::string format_iso_date(Date day);
/// "YYYY-MM-DDTHH:MM:SS" of the instant's own fields (no zone suffix: the
/// caller adds "Z" or the offset).
std::string format_iso_date_time(Instant instant);
/// Builds a Date; nullopt when the fields do not name a real day.
std::optional<Date> make_date(int year, unsigned month, unsigned day);
/// The year of a date.
int year_of(Date day);
/// Monday = 1 ... Sunday = 7.
unsigned iso_weekday(Date day);

}  // namespace plazo
