#pragma once
/// \file
/// Typed reading of a parsed TOML document, for the config loader. Every read
/// either returns the value or records a ConfigError at the offending key or
/// value (file:line:column from toml++'s source regions) and returns nothing,
/// so the loader goes on and collects every problem in one pass.
///
/// Internal to plazo_config: it includes toml++, which no other layer sees.
/// Message shapes are fixed here: "<label> <key>: <what is wrong>" with a
/// hint that says the fix, usually "write it as <key> = <example>".

#include <toml++/toml.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace plazo {

/// A key a table may hold, with the value hints show for it.
struct KeySpec {
  std::string_view name;
  std::string_view example;  ///< TOML text, e.g. "30" or "\"08:00\""
};

/// A table being read: how messages name it and which keys it may hold. It
/// refers to the table and the key list; both must outlive it.
struct Section {
  const toml::table& table;
  std::string label;  ///< "[email]", "[webhooks.x]", "unit \"general\"", "cycle #2"
  std::span<const KeySpec> keys;

  /// "<label> <key>", the start of every message about that key.
  std::string where(std::string_view key) const;
  /// "write it as <key> = <example>", or "" for a key not in `keys`.
  std::string write_as(std::string_view key) const;
};

/// A string found in the file, with the node it came from (for positions).
/// The node belongs to the parsed document.
struct Item {
  std::string text;
  const toml::node* node;
};

/// "\"text\"".
std::string quote(std::string_view text);
/// "a string", "an integer", ... as messages say "got ...".
std::string type_name(toml::node_type type);
/// The words separated by `separator`.
std::string join(std::span<const std::string_view> words, std::string_view separator);

/// Collects errors and warnings about one file while values are read from
/// it. Not thread-safe; one per load.
class TomlReader {
 public:
  /// `file` is the name messages carry; `base_dir` (absolute) is where
  /// relative paths in the file are taken from.
  TomlReader(std::string file, std::filesystem::path base_dir);

  const std::string& file() const { return file_; }

  /// Records a problem at `where` (line 0 when the region is empty).
  void error(const toml::source_region& where, std::string message, std::string hint);
  void error(const toml::node& node, std::string message, std::string hint);
  void warning(const toml::source_region& where, std::string message, std::string hint);

  bool has_errors() const { return !errors_.empty(); }
  /// The errors so far, in file order (line 0 last); the reader keeps none.
  std::vector<ConfigError> take_errors();
  /// The warnings so far, in file order (line 0 last); the reader keeps none.
  std::vector<ConfigError> take_warnings();

  /// Reports every key of `section` that is not in its key list, suggesting
  /// the closest valid key or listing them all.
  void check_keys(const Section& section);
  /// Reports "expected <expected>, got <type>" at `node`.
  void type_error(const Section& section, std::string_view key, const toml::node& node,
                  std::string_view expected);

  // Each *_at reads `key` of the section's table: nullopt when the key is
  // absent (nothing reported) or its value is wrong (reported).

  std::optional<Item> string_at(const Section& section, std::string_view key);
  std::optional<bool> bool_at(const Section& section, std::string_view key);
  /// An integer within min..max (read as int64 first, so 2^32+5 is out of
  /// range rather than wrapped).
  std::optional<int> int_at(const Section& section, std::string_view key, std::int64_t min,
                            std::int64_t max);
  /// The array at `key`; nullptr if absent or (reported) not an array.
  const toml::array* array_at(const Section& section, std::string_view key,
                              std::string_view expected);
  /// Integers each within min..max; nullopt if any one is wrong (each wrong
  /// one is reported).
  std::optional<std::vector<int>> int_list_at(const Section& section, std::string_view key,
                                              std::int64_t min, std::int64_t max);
  /// An array of strings; with `single_ok`, a lone string counts as a list
  /// of one. Elements of the wrong type are reported and left out.
  std::optional<std::vector<Item>> string_list_at(const Section& section, std::string_view key,
                                                  bool single_ok = false);
  /// A string that must be one of `allowed` (the closest one is suggested).
  std::optional<std::string> choice_at(const Section& section, std::string_view key,
                                       std::span<const std::string_view> allowed);
  /// A duration string ("12h", "1h30m") within min..max.
  std::optional<std::chrono::seconds> duration_at(const Section& section, std::string_view key,
                                                  std::chrono::seconds min,
                                                  std::chrono::seconds max);
  /// A file holding a secret: it must exist, be a regular file and have no
  /// permission bits for "other". Returns the absolute path, "" when the
  /// value is "" (no secret).
  std::optional<std::string> secret_file_at(const Section& section, std::string_view key);
  /// A file (or, with `directory`, a directory) that must exist. Returns the
  /// absolute path, "" when the value is "".
  std::optional<std::string> existing_path_at(const Section& section, std::string_view key,
                                              bool directory, std::string_view hint);

  /// The string value of `node`, or (reported) nullopt.
  std::optional<std::string> string_value(const Section& section, std::string_view key,
                                          const toml::node& node);
  /// The integer value of `node` within min..max, or (reported) nullopt.
  std::optional<int> int_value(const Section& section, std::string_view key, const toml::node& node,
                               std::int64_t min, std::int64_t max);
  /// `item` if it is one of `allowed`, or (reported) nullopt.
  std::optional<std::string> choice_value(const Section& section, std::string_view key,
                                          const Item& item,
                                          std::span<const std::string_view> allowed);

  /// `path` as an absolute, normalised path; relative ones are taken from
  /// the config file's directory.
  std::string resolve(const std::string& path) const;

 private:
  void add(std::vector<ConfigError>& list, const toml::source_region& where, std::string message,
           std::string hint);

  std::string file_;
  std::filesystem::path base_dir_;
  std::vector<ConfigError> errors_;
  std::vector<ConfigError> warnings_;
};

}  // namespace plazo
