#pragma once
/// \file
/// Small helpers shared by the files that implement SqliteStore
/// (sqlite_store.cpp, sqlite_outbox.cpp, sqlite_import.cpp). Internal to
/// storage/: not part of the Store contract.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "domain/dates.h"
#include "domain/result.h"
#include "storage/message_json.h"
#include "storage/sqlite.h"

namespace plazo::sqlite_support {

/// "what: the error's message".
inline Error with_context(std::string_view what, const Error& error) {
  return Error{std::string(what) + ": " + error.message};
}

/// Instants are stored as whole seconds since the epoch.
inline int64_t seconds_of(Instant instant) {
  return instant.time_since_epoch().count();
}
inline Instant instant_of(int64_t seconds) {
  return Instant{std::chrono::seconds{seconds}};
}

/// Lists are stored as TEXT holding a JSON array.
inline std::string json_text(const std::vector<std::string>& values) {
  return dump_json(nlohmann::json(values));
}
inline std::string json_text(const std::vector<int>& values) {
  return dump_json(nlohmann::json(values));
}

/// Reads a list this code wrote; anything else means the file was edited by
/// hand or is damaged, and the error says which list.
template <typename T>
Result<std::vector<T>> parse_json_list(const std::string& text, std::string_view what) {
  auto json = nlohmann::json::parse(text, nullptr, false);
  std::vector<T> values;
  bool ok = json.is_array();
  for (size_t i = 0; ok && i < json.size(); ++i) {
    if constexpr (std::is_same_v<T, std::string>) {
      ok = json[i].is_string();
      if (ok) values.push_back(json[i].template get<std::string>());
    } else {
      ok = json[i].is_number_integer();
      if (ok) values.push_back(json[i].template get<T>());
    }
  }
  if (!ok) return Error{"The database holds an invalid " + std::string(what) + ": " + text + "."};
  return values;
}

/// A stored 'YYYY-MM-DD' or NULL.
inline Result<std::optional<Date>> parse_stored_date(const std::optional<std::string>& text,
                                                     std::string_view what) {
  if (!text) return std::optional<Date>{};
  auto day = parse_iso_date(*text);
  if (!day) return Error{"The database holds an invalid " + std::string(what) + ": " + *text + "."};
  return std::optional<Date>{*day};
}

inline std::optional<std::string> date_text(const std::optional<Date>& day) {
  if (!day) return std::nullopt;
  return format_iso_date(*day);
}

/// Steps a statement that returns at most one row at a time: true when a
/// row is ready.
inline Result<bool> step_row(Statement& statement) {
  auto step = statement.step();
  if (!step) return step.error();
  return *step == Step::kRow;
}

}  // namespace plazo::sqlite_support
