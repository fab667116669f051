#pragma once
/// \file
/// The admin's TOML file as plain typed values. load_config() reads and
/// validates; everything else in plazo takes a `const Config&` and never
/// touches TOML. Key names are those of ../shared/DESIGN.md.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain/model.h"
#include "domain/result.h"

namespace plazo {

/// [daemon]
struct DaemonSettings {
  std::string database = "/var/lib/plazo/plazo.db";
  std::string timezone = "America/Bogota";
  std::chrono::minutes send_time{8 * 60};  ///< local time of day reminders go out
  std::string log_level = "info";          ///< trace|debug|info|warn|error|critical|off
};

/// [health]
struct HealthSettings {
  std::string listen = "127.0.0.1:9464";  ///< "host:port"; "" disables the endpoint
  std::string host = "127.0.0.1";          ///< parsed from listen
  unsigned short port = 9464;              ///< parsed from listen
};

/// [calendar]
struct CalendarSettings {
  std::string holidays = "CO";   ///< built-in country calendar, or "none"
  std::vector<Date> extra_closed;
  bool saturday_is_business_day = false;
};

enum class StartTls { kRequired, kOpportunistic, kOff };

/// [email]. Email is configured when `url` is not empty.
struct EmailSettings {
  std::string url;        ///< smtp://host[:port] or smtps://host[:port]
  std::string from;       ///< "Name <addr@example.org>" or "addr@example.org"
  StartTls starttls = StartTls::kOpportunistic;
  std::string username;
  std::string password_file;  ///< read when sending; never logged
  int timeout_seconds = 30;
  std::string ca_file;        ///< extra CA bundle; "" = system store
};

enum class WebhookFormat { kGeneric, kSlack, kTeams, kGoogleChat, kMattermost };
/// "generic", "slack", "teams", "google_chat", "mattermost".
std::string_view to_string(WebhookFormat format);

/// [webhooks.NAME]
struct WebhookSettings {
  std::string name;  ///< the table's key, referred to by units
  std::string url;   ///< http:// or https://
  WebhookFormat format = WebhookFormat::kGeneric;
  std::string secret_file;  ///< HMAC-SHA256 secret; "" = unsigned
  std::string ca_file;      ///< extra CA bundle; "" = system store
  int timeout_seconds = 30;
};

/// [delivery]: retries and dead letters, one policy for every channel.
struct DeliverySettings {
  int max_attempts = 10;                              ///< then dead
  std::chrono::seconds max_age{std::chrono::hours{48}};  ///< then dead
  std::chrono::seconds initial_backoff{30};
  std::chrono::seconds max_backoff{std::chrono::hours{1}};
  int concurrency = 64;  ///< deliveries in flight at once
};

/// [templates]
struct TemplateSettings {
  std::string dir;  ///< overrides of the built-in Spanish templates; "" = none
};

/// The whole configuration.
struct Config {
  std::string path;  ///< the file it was read from
  DaemonSettings daemon;
  HealthSettings health;
  CalendarSettings calendar;
  EmailSettings email;
  std::map<std::string, WebhookSettings> webhooks;  ///< by name
  std::vector<Unit> units;
  ReminderPolicy reminders;
  std::vector<Cycle> cycles;
  DeliverySettings delivery;
  TemplateSettings templates;

  /// The unit with this id, or nullptr.
  const Unit* find_unit(std::string_view id) const;
  /// Units flagged `oversight = true`.
  std::vector<const Unit*> oversight_units() const;
};

/// One problem found in a config file.
struct ConfigError {
  std::string file;
  int line = 0;    ///< 1-based; 0 when the problem has no single place
  int column = 0;  ///< 1-based; 0 when unknown
  std::string message;  ///< what is wrong, one sentence
  std::string hint;     ///< how to fix it; may be empty

  /// "file:line:col: message (hint)" as printed by check-config.
  std::string to_string() const;
};

/// The outcome of loading: a Config when there were no errors, else every
/// error found (validation does not stop at the first).
struct LoadResult {
  std::optional<Config> config;
  std::vector<ConfigError> errors;
  bool ok() const { return config.has_value() && errors.empty(); }
};

/// Reads and validates a config file. Never throws.
LoadResult load_config(const std::string& path);
/// Same, from text already in memory; `path` is used in messages and to
/// resolve relative paths (secret files, templates dir).
LoadResult load_config_from_string(std::string_view text, const std::string& path);

}  // namespace plazo
