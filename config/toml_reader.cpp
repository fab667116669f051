#include "config/toml_reader.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <tuple>
#include <utility>

#include "config/values.h"

namespace plazo {
namespace {

namespace fs = std::filesystem;

// File order, with line 0 ("no single place") last.
std::vector<ConfigError> sorted(std::vector<ConfigError> problems) {
  std::stable_sort(problems.begin(), problems.end(),
                   [](const ConfigError& a, const ConfigError& b) {
                     const auto line_a = a.line == 0 ? INT32_MAX : a.line;
                     const auto line_b = b.line == 0 ? INT32_MAX : b.line;
                     return std::tie(line_a, a.column) < std::tie(line_b, b.column);
                   });
  return problems;
}

}  // namespace

std::string quote(std::string_view text) {
  return "\"" + std::string(text) + "\"";
}

std::string type_name(toml::node_type type) {
  switch (type) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    case toml::node_type::none:
      break;
  }
  return "nothing";
}

std::string join(std::span<const std::string_view> words, std::string_view separator) {
  std::string text;
  for (const auto word : words) {
    if (!text.empty()) text += separator;
    text += word;
  }
  return text;
}

std::string Section::where(std::string_view key) const {
  return label + " " + std::string(key);
}

std::string Section::write_as(std::string_view key) const {
  for (const auto& spec : keys) {
    if (spec.name == key)
      return "write it as " + std::string(key) + " = " + std::string(spec.example);
  }
  return {};
}

TomlReader::TomlReader(std::string file, fs::path base_dir)
    : file_(std::move(file)), base_dir_(std::move(base_dir)) {}

std::vector<ConfigError> TomlReader::take_errors() {
  return sorted(std::exchange(errors_, {}));
}

std::vector<ConfigError> TomlReader::take_warnings() {
  return sorted(std::exchange(warnings_, {}));
}

void TomlReader::add(std::vector<ConfigError>& list, const toml::source_region& where,
                     std::string message, std::string hint) {
  list.push_back(ConfigError{file_, static_cast<int>(where.begin.line),
                             static_cast<int>(where.begin.column), std::move(message),
                             std::move(hint)});
}
void TomlReader::error(const toml::source_region& where, std::string message, std::string hint) {
  add(errors_, where, std::move(message), std::move(hint));
}
void TomlReader::error(const toml::node& node, std::string message, std::string hint) {
  error(node.source(), std::move(message), std::move(hint));
}
void TomlReader::warning(const toml::source_region& where, std::string message, std::string hint) {
  add(warnings_, where, std::move(message), std::move(hint));
}

void TomlReader::type_error(const Section& section, std::string_view key, const toml::node& node,
                            std::string_view expected) {
  error(node,
        section.where(key) + ": expected " + std::string(expected) + ", got " +
            type_name(node.type()),
        section.write_as(key));
}

void TomlReader::check_keys(const Section& section) {
  std::vector<std::string_view> names;
  for (const auto& spec : section.keys) names.push_back(spec.name);
  for (auto&& [key, node] : section.table) {
    if (std::find(names.begin(), names.end(), key.str()) != names.end()) continue;
    const auto guess = closest_match(key.str(), names);
    error(key.source(), "unknown key " + quote(key.str()) + " in " + section.label,
          guess ? "did you mean " + quote(*guess) + "?"
                : "the keys of " + section.label + " are " + join(names, ", "));
  }
}

std::optional<std::string> TomlReader::string_value(const Section& section, std::string_view key,
                                                    const toml::node& node) {
  if (const auto* value = node.as_string()) return value->get();
  type_error(section, key, node, "a string");
  return std::nullopt;
}

std::optional<Item> TomlReader::string_at(const Section& section, std::string_view key) {
  const toml::node* node = section.table.get(key);
  if (node == nullptr) return std::nullopt;
  auto text = string_value(section, key, *node);
  if (!text) return std::nullopt;
  return Item{std::move(*text), node};
}

std::optional<bool> TomlReader::bool_at(const Section& section, std::string_view key) {
  const toml::node* node = section.table.get(key);
  if (node == nullptr) return std::nullopt;
  if (const auto* value = node->as_boolean()) return value->get();
  type_error(section, key, *node, "true or false");
  return std::nullopt;
}

std::optional<int> TomlReader::int_value(const Section& section, std::string_view key,
                                         const toml::node& node, std::int64_t min,
                                         std::int64_t max) {
  const auto* value = node.as_integer();
  if (value == nullptr) {
    type_error(section, key, node, "an integer");
    return std::nullopt;
  }
  const std::int64_t number = value->get();
  if (number < min || number > max) {
    error(node, section.where(key) + ": " + std::to_string(number) + " is out of range",
          "use a number from " + std::to_string(min) + " to " + std::to_string(max));
    return std::nullopt;
  }
  return static_cast<int>(number);
}

std::optional<int> TomlReader::int_at(const Section& section, std::string_view key,
                                      std::int64_t min, std::int64_t max) {
  const toml::node* node = section.table.get(key);
  if (node == nullptr) return std::nullopt;
  return int_value(section, key, *node, min, max);
}

const toml::array* TomlReader::array_at(const Section& section, std::string_view key,
                                        std::string_view expected) {
  const toml::node* node = section.table.get(key);
  if (node == nullptr) return nullptr;
  if (const auto* array = node->as_array()) return array;
  type_error(section, key, *node, expected);
  return nullptr;
}

std::optional<std::vector<int>> TomlReader::int_list_at(const Section& section,
                                                        std::string_view key, std::int64_t min,
                                                        std::int64_t max) {
  const auto* array = array_at(section, key, "an array of integers");
  if (array == nullptr) return std::nullopt;
  std::vector<int> numbers;
  bool ok = true;
  for (const toml::node& element : *array) {
    if (auto number = int_value(section, key, element, min, max)) {
      numbers.push_back(*number);
    } else {
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return numbers;
}

std::optional<std::vector<Item>> TomlReader::string_list_at(const Section& section,
                                                            std::string_view key, bool single_ok) {
  const toml::node* node = section.table.get(key);
  if (node == nullptr) return std::nullopt;
  if (single_ok && node->is_string()) {
    return std::vector<Item>{{*node->value<std::string>(), node}};
  }
  const auto* array = node->as_array();
  if (array == nullptr) {
    type_error(section, key, *node,
               single_ok ? "a string or an array of strings" : "an array of strings");
    return std::nullopt;
  }
  std::vector<Item> items;
  for (const toml::node& element : *array) {
    if (auto text = string_value(section, key, element)) {
      items.push_back({std::move(*text), &element});
    }
  }
  return items;
}

std::optional<std::string> TomlReader::choice_value(const Section& section, std::string_view key,
                                                    const Item& item,
                                                    std::span<const std::string_view> allowed) {
  if (std::find(allowed.begin(), allowed.end(), item.text) != allowed.end()) return item.text;
  const auto guess = closest_match(item.text, allowed);
  error(*item.node,
        section.where(key) + ": " + quote(item.text) + " is not one of " + join(allowed, ", "),
        guess ? "did you mean " + quote(*guess) + "?" : section.write_as(key));
  return std::nullopt;
}

std::optional<std::string> TomlReader::choice_at(const Section& section, std::string_view key,
                                                 std::span<const std::string_view> allowed) {
  auto item = string_at(section, key);
  if (!item) return std::nullopt;
  return choice_value(section, key, *item, allowed);
}

std::optional<std::chrono::seconds> TomlReader::duration_at(const Section& section,
                                                            std::string_view key,
                                                            std::chrono::seconds min,
                                                            std::chrono::seconds max) {
  auto item = string_at(section, key);
  if (!item) return std::nullopt;
  const auto duration = parse_duration(item->text);
  if (!duration) {
    error(*item->node, section.where(key) + ": " + quote(item->text) + " is not a duration",
          "write a number and a unit of d, h, m or s, e.g. \"12h\", \"30m\" or \"1h30m\"");
    return std::nullopt;
  }
  if (*duration < min || *duration > max) {
    error(*item->node, section.where(key) + ": " + quote(item->text) + " is out of range",
          "use a duration from " + format_duration(min) + " to " + format_duration(max));
    return std::nullopt;
  }
  return duration;
}

std::string TomlReader::resolve(const std::string& path) const {
  return (base_dir_ / path).lexically_normal().string();
}

std::optional<std::string> TomlReader::secret_file_at(const Section& section,
                                                      std::string_view key) {
  auto item = string_at(section, key);
  if (!item) return std::nullopt;
  if (item->text.empty()) return std::string();  // not set
  const std::string path = resolve(item->text);
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    const int code = errno;
    if (code == ENOENT) {
      error(*item->node, section.where(key) + ": " + quote(path) + " does not exist",
            "create it holding only the secret, readable by plazo alone: chmod 600");
    } else {
      error(*item->node,
            section.where(key) + ": cannot access " + quote(path) + ": " + std::strerror(code),
            "check the path and the permissions of its directories");
    }
    return std::nullopt;
  }
  if (!S_ISREG(info.st_mode)) {
    error(*item->node, section.where(key) + ": " + quote(path) + " is not a regular file",
          "point it at the file that holds the secret");
    return std::nullopt;
  }
  if ((info.st_mode & 0007) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(info.st_mode & 07777));
    error(*item->node,
          section.where(key) + ": " + quote(path) + " is accessible to every user (mode " + mode +
              ")",
          "run chmod o-rwx " + path);
    return std::nullopt;
  }
  return path;
}

std::optional<std::string> TomlReader::existing_path_at(const Section& section,
                                                        std::string_view key, bool directory,
                                                        std::string_view hint) {
  auto item = string_at(section, key);
  if (!item) return std::nullopt;
  if (item->text.empty()) return std::string();  // not set
  const std::string path = resolve(item->text);
  std::error_code failure;
  const auto status = fs::status(path, failure);
  if (!fs::exists(status)) {
    error(*item->node, section.where(key) + ": " + quote(path) + " does not exist",
          std::string(hint));
    return std::nullopt;
  }
  if (directory && !fs::is_directory(status)) {
    error(*item->node, section.where(key) + ": " + quote(path) + " is not a directory",
          std::string(hint));
    return std::nullopt;
  }
  if (!directory && !fs::is_regular_file(status)) {
    error(*item->node, section.where(key) + ": " + quote(path) + " is not a regular file",
          std::string(hint));
    return std::nullopt;
  }
  return path;
}

}  // namespace plazo
