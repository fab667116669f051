#include "config/config.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace plazo {

std::string_view to_string(WebhookFormat format) {
  switch (format) {
    case WebhookFormat::kGeneric:
      return "generic";
    case WebhookFormat::kSlack:
      return "slack";
    case WebhookFormat::kTeams:
      return "teams";
    case WebhookFormat::kGoogleChat:
      return "google_chat";
    case WebhookFormat::kMattermost:
      return "mattermost";
  }
  return "generic";
}

const Unit* Config::find_unit(std::string_view id) const {
  for (const auto& unit : units) {
    if (unit.id == id) return &unit;
  }
  return nullptr;
}

std::vector<const Unit*> Config::oversight_units() const {
  std::vector<const Unit*> result;
  for (const auto& unit : units) {
    if (unit.oversight) result.push_back(&unit);
  }
  return result;
}

std::string ConfigError::to_string() const {
  std::string text = file;
  if (line > 0) text += ":" + std::to_string(line) + ":" + std::to_string(column);
  text += ": " + message;
  if (!hint.empty()) text += " (" + hint + ")";
  return text;
}

LoadResult load_config(const std::string& path) {
  auto failed = [&](const std::string& reason) {
    LoadResult result;
    result.errors.push_back(ConfigError{path, 0, 0, "cannot read the config file: " + reason,
                                        "pass the right path with --config or $PLAZO_CONFIG"});
    return result;
  };
  std::error_code failure;
  if (std::filesystem::is_directory(path, failure)) return failed("it is a directory");
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) return failed(errno != 0 ? std::strerror(errno) : "cannot open it");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return failed(errno != 0 ? std::strerror(errno) : "read error");
  return load_config_from_string(text.str(), path);
}

}  // namespace plazo
