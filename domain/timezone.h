#pragma once
/// \file
/// Local time in the entity's time zone (date::date-tz with the OS tz data).

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "domain/dates.h"
#include "domain/result.h"

namespace date {
class time_zone;
}

namespace plazo {

/// A named IANA time zone. Cheap to copy; the zone data lives for the process.
class TimeZone {
 public:
  /// Looks a zone up by name ("America/Bogota"). Error if unknown.
  static Result<TimeZone> locate(std::string_view name);

  /// The instant at which local `day` reaches local time `time_of_day`. In a
  /// DST gap the instant just after the gap; when ambiguous, the earlier one.
  Instant at(Date day, std::chrono::minutes time_of_day) const;
  /// The local civil day of an instant.
  Date local_day(Instant instant) const;
  /// Minutes since local midnight of an instant.
  std::chrono::minutes local_time_of_day(Instant instant) const;
  /// "2023-11-23T08:00:00-05:00".
  std::string format_rfc3339(Instant instant) const;
  /// Parses "YYYY-MM-DDTHH:MM[:SS]" as local time in this zone (a trailing
  /// offset like "-05:00" or "Z" is honoured instead). nullopt if malformed.
  std::optional<Instant> parse_local(std::string_view text) const;
  const std::string& name() const { return name_; }

 private:
  TimeZone(const date::time_zone* zone, std::string name) : zone_(zone), name_(std::move(name)) {}
  const date::time_zone* zone_;
  std::string name_;
};

}  // namespace plazo
