#pragma once
/// \file
/// Compact JSON text written straight into a string, for the documents plazo
/// writes for every message (the outbox row, the generic webhook body): there
/// building a nlohmann tree and dumping it cost more than the SQLite insert.
/// The text is what nlohmann's dump() gives for the same members in the same
/// order (no spaces; strings escaped as JSON requires, control characters as
/// \u00xx, other characters as they are) and, like dump_json(), invalid UTF-8
/// becomes U+FFFD instead of an error.
///
/// The writer places the commas and colons; the caller keeps the document
/// well formed (a key before each member value, ends matching begins).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace plazo {

class JsonWriter {
 public:
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  /// The name of the next object member.
  JsonWriter& key(std::string_view name);

  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(const std::string& text) { return value(std::string_view(text)); }
  JsonWriter& value(int64_t number);
  JsonWriter& value(int number) { return value(static_cast<int64_t>(number)); }
  JsonWriter& value(std::nullptr_t);
  /// The value, or null when empty.
  template <typename T>
  JsonWriter& value(const std::optional<T>& maybe) {
    return maybe ? value(*maybe) : value(nullptr);
  }
  /// key(name) then value(v).
  template <typename T>
  JsonWriter& member(std::string_view name, const T& v) {
    key(name);
    return value(v);
  }

  /// The text written so far; the writer is empty afterwards.
  std::string take();

 private:
  void before_value();

  std::string out_;
  std::vector<bool> empty_;  // per open object/array: nothing in it yet
  bool after_key_ = false;
};

/// Appends `text` to `out` as a JSON string literal (quotes included).
void append_json_string(std::string& out, std::string_view text);

}  // namespace plazo
