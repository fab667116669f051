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
  std::string host = "127.0.0.1";         ///< parsed from listen
  unsigned short port = 9464;             ///< parsed from listen
};

/// [calendar]
struct CalendarSettings {
  std::string holidays = "CO";  ///< built-in country calendar, or "none"
  std::vector<Date> extra_closed;
  bool saturday_is_business_day = false;
};

enum class StartTls { kRequired, kOpportunistic, kOff };

/// [email]. Email is configured when `url` is not empty.
struct EmailSettings {
  std::string url;   ///< smtp://host[:port] or smtps://host[:port]
  std::string from;  ///< "Name <addr@example.org>" or "addr@example.org"
  StartTls starttls = StartTls::kOpportunistic;
  std::string username;
  std::string password_file;  ///< read when sending; never logged
  int timeout_seconds = 30;
  std::string ca_file;  ///< extra CA bundle; "" = system store
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
  int max_attempts = 10;                                 ///< then dead
  std::chrono::seconds max_age{std::chrono::hours{48}};  ///< then dead
  std::chrono::seconds initial_backoff{30};
  std::chrono::seconds max_backoff{std::chrono::hours{1}};
  /// Transfers at once (connections); the delivery stage claims up to four
  /// times as many and the transport queues them behind the transfers.
  int concurrency = 64;
};

/// [templates]
struct TemplateSettings {
  std::string dir;  ///< overrides of the built-in Spanish templates; "" = none
};

/// [links]: pages the generic webhook payload links to (WEBHOOKS.md).
struct LinkSettings {
  /// What `activity` writes where the activity number goes.
  static constexpr std::string_view kActivityPlaceholder = "{activity}";

  std::string plan;  ///< where the plan is published; "" = no link
  /// A page per activity, "{activity}" standing for its number
  /// ("https://intranet.example.org/paac/{activity}"); "" = no link.
  std::string activity;
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
  LinkSettings links;

  /// The unit with this id, or nullptr.
  const Unit* find_unit(std::string_view id) const;
  /// Units flagged `oversight = true`.
  std::vector<const Unit*> oversight_units() const;
};

/// One problem found in a config file.
struct ConfigError {
  std::string file;
  int line = 0;         ///< 1-based; 0 when the problem has no single place
  int column = 0;       ///< 1-based; 0 when unknown
  std::string message;  ///< what is wrong, one sentence
  std::string hint;     ///< how to fix it; may be empty

  /// "file:line:col: message (hint)" as printed by check-config.
  std::string to_string() const;
};

/// The outcome of loading: a Config when there were no errors, else every
/// error found (validation does not stop at the first). Errors and warnings
/// are sorted by position; those with no single place (line 0) come last.
struct LoadResult {
  std::optional<Config> config;
  std::vector<ConfigError> errors;
  /// Things that are legal but probably not meant (a unit nobody can reach,
  /// escalation with no oversight unit, ...). They never block loading.
  std::vector<ConfigError> warnings;
  bool ok() const { return config.has_value() && errors.empty(); }
};

/// Reads and validates a config file. Never throws. A file that cannot be
/// read is one error with line 0.
///
/// What a loaded Config guarantees (everything else in plazo may rely on it):
/// - every key absent from the file has the default declared in this header
///   or in domain/model.h;
/// - paths (database, password_file, secret_file, ca_file, templates dir) are
///   absolute: relative ones are taken from the config file's directory;
///   secret files exist, are regular files and have no permission bits for
///   "other"; ca_file and templates dir exist;
/// - timezone is a zone TimeZone::locate() knows; health host/port are parsed
///   from listen (both empty/0 when listen = "");
/// - unit ids are unique slugs, every unit has a name, and no spelling (name
///   or alias, ignoring ASCII case and spacing) belongs to two units;
/// - every name in Unit::webhooks is a key of Config::webhooks, every
///   webhook has an http(s) url, and a cycle's publisher is empty or a unit id;
/// - when a unit has email addresses and channels include email, email.url
///   is set (smtp:// or smtps://) and email.from is a valid mailbox;
/// - cycle cutoffs are non-empty, sorted and distinct;
/// - numbers are within the documented ranges (see config/examples).
LoadResult load_config(const std::string& path);
/// Same, from text already in memory; `path` is used in messages and its
/// directory to resolve relative paths (the current directory if empty).
LoadResult load_config_from_string(std::string_view text, const std::string& path);

}  // namespace plazo
