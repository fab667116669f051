#include "domain/timezone.h"

#include <date/tz.h>

#include <cstdio>
#include <exception>

namespace plazo {

Result<TimeZone> TimeZone::locate(std::string_view name) {
  try {
    const date::time_zone* zone = date::locate_zone(name);
    return TimeZone(zone, std::string(name));
  } catch (const std::exception&) {
    return Error{"unknown time zone \"" + std::string(name) + "\""};
  }
}

Instant TimeZone::at(Date day, std::chrono::minutes time_of_day) const {
  const auto local = date::local_seconds{day.time_since_epoch()} + time_of_day;
  const auto info = zone_->get_info(local);
  switch (info.result) {
    case date::local_info::unique:
      return Instant{local.time_since_epoch()} - info.first.offset;
    case date::local_info::ambiguous:
      return Instant{local.time_since_epoch()} - info.first.offset;
    case date::local_info::nonexistent:
      // The clock jumps over this time: the first instant after the gap.
      return info.second.begin;
  }
  return Instant{local.time_since_epoch()} - info.first.offset;
}

Date TimeZone::local_day(Instant instant) const {
  const auto local = zone_->to_local(instant);
  return Date{date::floor<date::days>(local).time_since_epoch()};
}

std::chrono::minutes TimeZone::local_time_of_day(Instant instant) const {
  const auto local = zone_->to_local(instant);
  return date::floor<std::chrono::minutes>(local - date::floor<date::days>(local));
}

std::string TimeZone::format_rfc3339(Instant instant) const {
  const auto info = zone_->get_info(instant);
  // The local fields are those of the instant moved by the offset (not
  // date::format: an ostringstream per call, and this runs per webhook).
  std::string text = format_iso_date_time(instant + info.offset);
  auto offset = std::chrono::duration_cast<std::chrono::minutes>(info.offset).count();
  const char sign = offset < 0 ? '-' : '+';
  if (offset < 0) offset = -offset;
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "%c%02d:%02d", sign, static_cast<int>(offset / 60),
                static_cast<int>(offset % 60));
  return text + buffer;
}

std::optional<Instant> TimeZone::parse_local(std::string_view text) const {
  // YYYY-MM-DDTHH:MM[:SS][Z|±HH:MM]
  if (text.size() < 16 || (text[10] != 'T' && text[10] != ' ')) return std::nullopt;
  const auto day = parse_iso_date(text.substr(0, 10));
  if (!day) return std::nullopt;
  // Exactly two ASCII digits: from_chars alone would take "-1" as a number.
  auto number = [&](size_t pos, int& out) {
    if (pos + 2 > text.size()) return false;
    const auto digit = [](char c) { return c >= '0' && c <= '9'; };
    if (!digit(text[pos]) || !digit(text[pos + 1])) return false;
    out = (text[pos] - '0') * 10 + (text[pos + 1] - '0');
    return true;
  };
  int hour = 0, minute = 0, second = 0;
  if (!number(11, hour) || text[13] != ':' || !number(14, minute)) return std::nullopt;
  size_t pos = 16;
  if (pos < text.size() && text[pos] == ':') {
    if (!number(pos + 1, second)) return std::nullopt;
    pos += 3;
  }
  if (hour > 23 || minute > 59 || second > 59) return std::nullopt;
  const auto time =
      std::chrono::hours{hour} + std::chrono::minutes{minute} + std::chrono::seconds{second};
  if (pos == text.size()) {
    const auto local = date::local_seconds{day->time_since_epoch()} + time;
    const auto info = zone_->get_info(local);
    if (info.result == date::local_info::nonexistent) return info.second.begin;
    return Instant{local.time_since_epoch()} - info.first.offset;
  }
  if ((text[pos] == 'Z' || text[pos] == 'z') && pos + 1 == text.size()) {  // RFC 3339 allows z
    return Instant{day->time_since_epoch()} + time;
  }
  if ((text[pos] == '+' || text[pos] == '-') && pos + 6 == text.size() && text[pos + 3] == ':') {
    int oh = 0, om = 0;
    if (!number(pos + 1, oh) || !number(pos + 4, om) || oh > 23 || om > 59) return std::nullopt;
    auto offset = std::chrono::hours{oh} + std::chrono::minutes{om};
    if (text[pos] == '-') offset = -offset;
    return Instant{day->time_since_epoch()} + time - offset;
  }
  return std::nullopt;
}

}  // namespace plazo
