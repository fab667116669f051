#include "config/config.h"

namespace plazo {

std::string_view to_string(WebhookFormat format) {
  switch (format) {
    case WebhookFormat::kGeneric: return "generic";
    case WebhookFormat::kSlack: return "slack";
    case WebhookFormat::kTeams: return "teams";
    case WebhookFormat::kGoogleChat: return "google_chat";
    case WebhookFormat::kMattermost: return "mattermost";
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
  return LoadResult{std::nullopt, {ConfigError{path, 0, 0, "config loading is not implemented yet", ""}}};
}

LoadResult load_config_from_string(std::string_view /*text*/, const std::string& path) {
  return load_config(path);
}

}  // namespace plazo
