// Reads a parsed TOML document into a Config, collecting every problem.
//
// The walk has two phases: each table is read on its own (types, ranges,
// formats, unknown keys), remembering where things were written; then the
// checks that span tables run (references between units, webhooks and
// cycles, channels without a transport). Errors are sorted by position at the
// end so the admin reads them top to bottom.

#include <toml++/toml.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "config/config.h"
#include "config/toml_reader.h"
#include "config/values.h"
#include "domain/timezone.h"

namespace plazo {
namespace {

namespace fs = std::filesystem;

constexpr KeySpec kDaemonKeys[] = {{"database", "\"/var/lib/plazo/plazo.db\""},
                                   {"timezone", "\"America/Bogota\""},
                                   {"send_time", "\"08:00\""},
                                   {"log_level", "\"info\""}};
constexpr KeySpec kHealthKeys[] = {{"listen", "\"127.0.0.1:9464\""}};
constexpr KeySpec kCalendarKeys[] = {{"holidays", "\"CO\""},
                                     {"extra_closed", "[\"2023-12-26\"]"},
                                     {"saturday_is_business_day", "false"}};
constexpr KeySpec kEmailKeys[] = {{"url", "\"smtp://127.0.0.1:25\""},
                                  {"from", "\"PAAC <paac@example.org>\""},
                                  {"starttls", "\"opportunistic\""},
                                  {"username", "\"paac\""},
                                  {"password_file", "\"/etc/plazo/smtp-password\""},
                                  {"timeout_seconds", "30"},
                                  {"ca_file", "\"/etc/plazo/ca.pem\""}};
constexpr KeySpec kWebhookKeys[] = {{"url", "\"https://example.org/hook\""},
                                    {"format", "\"generic\""},
                                    {"secret_file", "\"/etc/plazo/webhook-secret\""},
                                    {"ca_file", "\"/etc/plazo/ca.pem\""},
                                    {"timeout_seconds", "30"}};
constexpr KeySpec kUnitKeys[] = {{"id", "\"planeacion\""},
                                 {"name", "\"Departamento Administrativo de Planeación\""},
                                 {"aliases", "[\"Departamento Administrativo de planeación\"]"},
                                 {"email", "[\"planeacion@example.org\"]"},
                                 {"webhooks", "[\"planeacion-teams\"]"},
                                 {"oversight", "false"}};
constexpr KeySpec kReminderKeys[] = {{"before_days", "[15, 5, 1]"},
                                     {"business_days", "true"},
                                     {"on_deadline", "true"},
                                     {"overdue_every_days", "5"},
                                     {"escalate_after_days", "10"},
                                     {"digest", "true"},
                                     {"channels", "[\"email\", \"webhook\"]"},
                                     {"misfire_grace", "\"12h\""}};
constexpr KeySpec kCycleKeys[] = {
    {"name", "\"Seguimiento PAAC\""},  {"cutoffs", "[\"04-30\", \"08-31\", \"12-31\"]"},
    {"remind_before_days", "[10, 3]"}, {"publish_within_business_days", "10"},
    {"publisher", "\"evaluacion\""},   {"activities", "[\"1.7\", \"3.11\"]"}};
constexpr KeySpec kDeliveryKeys[] = {{"max_attempts", "10"},
                                     {"max_age", "\"48h\""},
                                     {"initial_backoff", "\"30s\""},
                                     {"max_backoff", "\"1h\""},
                                     {"concurrency", "64"}};
constexpr KeySpec kTemplateKeys[] = {{"dir", "\"/etc/plazo/templates\""}};
constexpr KeySpec kLinkKeys[] = {
    {"plan", "\"https://example.org/transparencia/plan-anticorrupcion\""},
    {"activity", "\"https://intranet.example.org/paac/{activity}\""}};

/// The top-level tables, spelled as the admin writes their headers.
constexpr std::string_view kSectionNames[] = {"daemon",   "health",    "calendar",  "email",
                                              "webhooks", "units",     "reminders", "cycles",
                                              "delivery", "templates", "links"};

constexpr std::string_view kLogLevels[] = {"trace", "debug",    "info", "warn",
                                           "error", "critical", "off"};
constexpr std::string_view kHolidayCalendars[] = {"CO", "none"};
constexpr std::string_view kStartTlsModes[] = {"required", "opportunistic", "off"};
constexpr std::string_view kWebhookFormats[] = {"generic", "slack", "teams", "google_chat",
                                                "mattermost"};
constexpr std::string_view kChannelNames[] = {"email", "webhook"};

constexpr std::string_view kSlugHint = "use lowercase letters, digits, '-' and '_'";

std::string header_of(std::string_view section) {
  if (section == "units" || section == "cycles") return "[[" + std::string(section) + "]]";
  if (section == "webhooks") return "[webhooks.NAME]";
  return "[" + std::string(section) + "]";
}

std::string all_headers() {
  std::string text;
  for (const auto name : kSectionNames) text += (text.empty() ? "" : ", ") + header_of(name);
  return text;
}

/// Activity numbers as plans write them: "1", "1.7", "3.11.2".
bool is_activity_number(std::string_view text) {
  if (text.empty() || text.front() == '.' || text.back() == '.') return false;
  if (text.find("..") != std::string_view::npos) return false;
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return c == '.' || (c >= '0' && c <= '9'); });
}

/// Name and alias spellings compared the way an admin would: ASCII case and
/// runs of spaces do not matter.
std::string fold_name(std::string_view name) {
  std::string folded;
  for (const char c : name) {
    if (c == ' ' || c == '\t') {
      if (!folded.empty() && folded.back() != ' ') folded += ' ';
    } else {
      folded += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
  }
  if (!folded.empty() && folded.back() == ' ') folded.pop_back();
  return folded;
}

/// Where a unit was written, for the checks that look across tables.
struct UnitSite {
  std::string label;
  toml::source_region table;
  const toml::node* email = nullptr;
  std::vector<Item> webhooks;
  std::vector<Item> names;  ///< name and aliases
};

struct CycleSite {
  std::string label;
  toml::source_region table;
  const toml::node* publisher = nullptr;
};

class Loader : private TomlReader {
 public:
  Loader(std::string file, fs::path base_dir) : TomlReader(file, std::move(base_dir)) {
    config_.path = std::move(file);
  }

  LoadResult load(std::string_view text) {
    try {
      const toml::table root = toml::parse(text, std::string_view(file()));
      read_root(root);
      check_references();
    } catch (const toml::parse_error& e) {
      error(e.source(), std::string(e.description()),
            "the file is not valid TOML; fix this first, nothing else was checked");
    } catch (const std::exception& e) {
      // Only allocation failures and the like get here; still no exception
      // leaves load_config().
      error(toml::source_region{}, std::string("cannot load the file: ") + e.what(), "");
    }
    return finish();
  }

 private:
  LoadResult finish() {
    LoadResult result;
    if (!has_errors()) result.config = std::move(config_);
    result.errors = take_errors();
    result.warnings = take_warnings();
    return result;
  }

  // ---- tables ------------------------------------------------------------

  /// The top-level table `name`, or nullptr when absent or not a table.
  const toml::table* section_table(const toml::table& root, std::string_view name) {
    const toml::node* node = root.get(name);
    if (node == nullptr) return nullptr;
    if (const auto* table = node->as_table()) return table;
    error(*node, std::string(name) + ": expected a table, got " + type_name(node->type()),
          "write it as a table under the header " + header_of(name));
    return nullptr;
  }

  void read_root(const toml::table& root) {
    for (auto&& [key, node] : root) {
      const auto* const known = std::find(std::begin(kSectionNames), std::end(kSectionNames), key.str());
      if (known != std::end(kSectionNames)) continue;
      const std::string shown = node.is_array_of_tables() ? "[[" + std::string(key.str()) + "]]"
                                                          : "[" + std::string(key.str()) + "]";
      const auto guess = closest_match(key.str(), kSectionNames);
      const std::string hint =
          guess ? "did you mean " + header_of(*guess) + "?" : "the tables are " + all_headers();
      if (node.is_table() || node.is_array_of_tables()) {
        error(key.source(), "unknown table " + shown, hint);
      } else {
        error(key.source(), "unknown key " + quote(key.str()) + " outside any table", hint);
      }
    }
    if (const auto* table = section_table(root, "daemon")) read_daemon(*table);
    if (const auto* table = section_table(root, "health")) read_health(*table);
    if (const auto* table = section_table(root, "calendar")) read_calendar(*table);
    if (const auto* table = section_table(root, "email")) read_email(*table);
    if (const auto* table = section_table(root, "webhooks")) read_webhooks(*table);
    read_units(root);
    if (const auto* table = section_table(root, "reminders")) read_reminders(*table);
    read_cycles(root);
    if (const auto* table = section_table(root, "delivery")) read_delivery(*table);
    if (const auto* table = section_table(root, "templates")) read_templates(*table);
    if (const auto* table = section_table(root, "links")) read_links(*table);
  }

  void read_daemon(const toml::table& table) {
    const Section section{table, "[daemon]", kDaemonKeys};
    check_keys(section);
    DaemonSettings& daemon = config_.daemon;
    if (auto item = string_at(section, "database")) {
      if (item->text.empty()) {
        error(*item->node, section.where("database") + ": the path is empty",
              section.write_as("database"));
      } else {
        daemon.database = resolve(item->text);
      }
    }
    if (auto item = string_at(section, "timezone")) {
      if (TimeZone::locate(item->text)) {
        daemon.timezone = item->text;
      } else {
        error(*item->node, section.where("timezone") + ": unknown time zone " + quote(item->text),
              "use an IANA zone name such as \"America/Bogota\"");
      }
    }
    if (auto item = string_at(section, "send_time")) {
      if (auto time = parse_time_of_day(item->text)) {
        daemon.send_time = *time;
      } else {
        error(*item->node,
              section.where("send_time") + ": " + quote(item->text) + " is not a time of day",
              "write it as \"HH:MM\", e.g. \"08:00\"");
      }
    }
    if (auto level = choice_at(section, "log_level", kLogLevels)) daemon.log_level = *level;
  }

  void read_health(const toml::table& table) {
    const Section section{table, "[health]", kHealthKeys};
    check_keys(section);
    auto item = string_at(section, "listen");
    if (!item) return;
    HealthSettings& health = config_.health;
    if (item->text.empty()) {  // the endpoint is disabled
      health = HealthSettings{"", "", 0};
      return;
    }
    auto address = parse_listen_address(item->text);
    if (!address) {
      error(*item->node, section.where("listen") + ": " + address.error().message,
            "write it as \"127.0.0.1:9464\" or \"[::1]:9464\"");
      return;
    }
    health = HealthSettings{item->text, address->host, address->port};
  }

  void read_calendar(const toml::table& table) {
    const Section section{table, "[calendar]", kCalendarKeys};
    check_keys(section);
    CalendarSettings& calendar = config_.calendar;
    if (auto holidays = choice_at(section, "holidays", kHolidayCalendars)) {
      calendar.holidays = *holidays;
    }
    if (const auto* array = array_at(section, "extra_closed", "an array of dates")) {
      for (const toml::node& element : *array) {
        // A TOML date (2023-12-26) and a string ("2023-12-26") both read well.
        if (const auto* day = element.as_date()) {
          const auto& value = day->get();
          if (auto date = make_date(value.year, value.month, value.day)) {
            calendar.extra_closed.push_back(*date);
          }
          continue;
        }
        auto text = string_value(section, "extra_closed", element);
        if (!text) continue;
        if (auto date = parse_iso_date(*text)) {
          calendar.extra_closed.push_back(*date);
        } else {
          error(element, section.where("extra_closed") + ": " + quote(*text) + " is not a date",
                "write it as \"YYYY-MM-DD\", e.g. \"2023-12-26\"");
        }
      }
    }
    if (auto saturday = bool_at(section, "saturday_is_business_day")) {
      calendar.saturday_is_business_day = *saturday;
    }
  }

  void read_email(const toml::table& table) {
    const Section section{table, "[email]", kEmailKeys};
    check_keys(section);
    EmailSettings& email = config_.email;
    if (auto item = string_at(section, "url"); item && !item->text.empty()) {
      const std::string hint = "write it as \"smtp://host:25\" or \"smtps://host:465\"";
      if (auto url = parse_url(item->text); !url) {
        error(*item->node, section.where("url") + ": " + url.error().message, hint);
      } else if (url->scheme != "smtp" && url->scheme != "smtps") {
        error(*item->node,
              section.where("url") + ": scheme " + quote(url->scheme) + " is not smtp or smtps",
              hint);
      } else {
        email.url = item->text;
      }
      email_url_written_ = true;
    }
    if (auto item = string_at(section, "from"); item && !item->text.empty()) {
      if (auto address = mailbox_address(item->text)) {
        email.from = item->text;
      } else {
        error(*item->node, section.where("from") + ": " + address.error().message,
              "write it as \"Name <address@example.org>\" or \"address@example.org\"");
      }
    } else if (email_url_written_ && (item || table.get("from") == nullptr)) {
      // Absent or empty; a value of the wrong type was reported already.
      error(item ? item->node->source() : table.source(), "[email] has a url but no from address",
            "add from = \"PAAC <paac@example.org>\"");
    }
    if (auto mode = choice_at(section, "starttls", kStartTlsModes)) {
      email.starttls = *mode == "required" ? StartTls::kRequired
                       : *mode == "off"    ? StartTls::kOff
                                           : StartTls::kOpportunistic;
    }
    if (auto item = string_at(section, "username")) email.username = item->text;
    if (auto path = secret_file_at(section, "password_file")) email.password_file = *path;
    if (!email.password_file.empty() && email.username.empty()) {
      warning(table.get("password_file")->source(),
              "[email] password_file is set but username is empty, so the password is not used",
              "add username = \"...\" or remove password_file");
    }
    if (auto seconds = int_at(section, "timeout_seconds", 1, 600)) email.timeout_seconds = *seconds;
    if (auto path =
            existing_path_at(section, "ca_file", false,
                             "fix the path, or remove ca_file to use the system CA store")) {
      email.ca_file = *path;
    }
  }

  void read_webhooks(const toml::table& table) {
    for (auto&& [key, node] : table) {
      const std::string name(key.str());
      const std::string label = "[webhooks." + name + "]";
      if (!is_slug(name)) {
        error(key.source(), label + ": " + quote(name) + " is not a valid webhook name",
              std::string(kSlugHint) + ", e.g. [webhooks.planeacion-teams]");
      }
      const auto* entry = node.as_table();
      if (entry == nullptr) {
        error(node, "webhooks " + name + ": expected a table, got " + type_name(node.type()),
              "write it as a table under the header " + label);
        continue;
      }
      webhook_sites_[name] = key.source();
      read_webhook(name, Section{*entry, label, kWebhookKeys});
    }
  }

  void read_webhook(const std::string& name, const Section& section) {
    check_keys(section);
    WebhookSettings webhook;
    webhook.name = name;
    auto item = string_at(section, "url");
    if (!item && section.table.get("url") == nullptr) {
      error(section.table.source(), section.label + " has no url",
            "add url = \"https://example.org/hook\"");
    } else if (item && item->text.empty()) {
      error(*item->node, section.label + " has no url", "add url = \"https://example.org/hook\"");
    } else if (item) {
      const std::string hint = "write it as \"https://example.org/hook\"";
      if (auto url = parse_url(item->text); !url) {
        error(*item->node, section.where("url") + ": " + url.error().message, hint);
      } else if (url->scheme != "http" && url->scheme != "https") {
        error(*item->node,
              section.where("url") + ": scheme " + quote(url->scheme) + " is not http or https",
              hint);
      } else {
        if (url->scheme == "http" && !is_loopback_host(url->host)) {
          warning(item->node->source(),
                  section.where("url") + ": " + quote(item->text) + " is not encrypted",
                  "use https:// unless the receiver is on this host");
        }
        webhook.url = item->text;
      }
    }
    if (auto format = choice_at(section, "format", kWebhookFormats)) {
      const auto index =
          std::find(std::begin(kWebhookFormats), std::end(kWebhookFormats), *format) -
          std::begin(kWebhookFormats);
      webhook.format = static_cast<WebhookFormat>(index);
    }
    if (auto path = secret_file_at(section, "secret_file")) webhook.secret_file = *path;
    if (auto path =
            existing_path_at(section, "ca_file", false,
                             "fix the path, or remove ca_file to use the system CA store")) {
      webhook.ca_file = *path;
    }
    if (auto seconds = int_at(section, "timeout_seconds", 1, 600)) {
      webhook.timeout_seconds = *seconds;
    }
    config_.webhooks[name] = std::move(webhook);
  }

  /// The tables of an array of tables ([[units]], [[cycles]]), reporting
  /// anything else.
  std::vector<const toml::table*> tables_of(const toml::table& root, std::string_view name) {
    std::vector<const toml::table*> tables;
    const toml::node* node = root.get(name);
    if (node == nullptr) return tables;
    const auto* array = node->as_array();
    if (array == nullptr) {
      error(*node,
            std::string(name) + ": expected an array of tables, got " + type_name(node->type()),
            "write each entry under its own " + header_of(name) + " header");
      return tables;
    }
    for (const toml::node& element : *array) {
      if (const auto* table = element.as_table()) {
        tables.push_back(table);
      } else {
        error(element, std::string(name) + ": expected a table, got " + type_name(element.type()),
              "write each entry under its own " + header_of(name) + " header");
      }
    }
    return tables;
  }

  void read_units(const toml::table& root) {
    const auto tables = tables_of(root, "units");
    std::map<std::string, int> first_line_of_id;
    for (std::size_t index = 0; index < tables.size(); ++index) {
      const toml::table& table = *tables[index];
      const std::string number = "unit #" + std::to_string(index + 1);
      const auto id_text = table["id"].value<std::string>();
      const bool id_ok = id_text.has_value() && is_slug(*id_text);
      const Section section{table, id_ok ? "unit " + quote(*id_text) : number, kUnitKeys};
      check_keys(section);

      Unit unit;
      UnitSite site{section.label, table.source(), nullptr, {}, {}};
      if (auto id = string_at(section, "id")) {
        if (!is_slug(id->text)) {
          error(*id->node, section.where("id") + ": " + quote(id->text) + " is not a valid id",
                std::string(kSlugHint) + ", e.g. \"planeacion\"");
        } else if (auto [it, inserted] = first_line_of_id.emplace(
                       id->text, static_cast<int>(id->node->source().begin.line));
                   !inserted) {
          error(*id->node,
                "duplicate unit id " + quote(id->text) + " (first defined on line " +
                    std::to_string(it->second) + ")",
                "give each unit its own id");
        }
        unit.id = id->text;
      } else if (table.get("id") == nullptr) {
        error(table.source(), number + " has no id",
              "add id = \"planeacion\", using lowercase letters, digits, '-' and '_'");
      }

      if (auto name = string_at(section, "name"); name && !name->text.empty()) {
        unit.name = name->text;
        site.names.push_back(*name);
      } else if (name || table.get("name") == nullptr) {
        error(name ? name->node->source() : table.source(), section.label + " has no name",
              "add name = \"Secretaría General\", as the plan writes it");
      }
      if (auto aliases = string_list_at(section, "aliases")) {
        for (auto& alias : *aliases) {
          if (alias.text.empty()) {
            error(*alias.node, section.where("aliases") + ": an alias is empty",
                  "remove it or write the spelling the matrices use");
            continue;
          }
          unit.aliases.push_back(alias.text);
          site.names.push_back(alias);
        }
      }
      if (auto emails = string_list_at(section, "email", true)) {
        site.email = table.get("email");
        for (auto& email : *emails) {
          if (is_email_address(email.text)) {
            unit.emails.push_back(email.text);
          } else {
            error(
                *email.node,
                section.where("email") + ": " + quote(email.text) + " is not a valid email address",
                "write it as \"name@example.org\"");
          }
        }
      }
      if (auto webhooks = string_list_at(section, "webhooks")) {
        for (auto& webhook : *webhooks) unit.webhooks.push_back(webhook.text);
        site.webhooks = std::move(*webhooks);
      }
      if (auto oversight = bool_at(section, "oversight")) unit.oversight = *oversight;
      config_.units.push_back(std::move(unit));
      unit_sites_.push_back(std::move(site));
    }
  }

  void read_reminders(const toml::table& table) {
    const Section section{table, "[reminders]", kReminderKeys};
    check_keys(section);
    ReminderPolicy& policy = config_.reminders;
    if (auto days = int_list_at(section, "before_days", 0, 366)) policy.before_days = *days;
    if (auto flag = bool_at(section, "business_days")) policy.business_days = *flag;
    if (auto flag = bool_at(section, "on_deadline")) policy.on_deadline = *flag;
    if (auto days = int_at(section, "overdue_every_days", 0, 366)) {
      policy.overdue_every_days = *days;
    }
    if (auto days = int_at(section, "escalate_after_days", 0, 366)) {
      policy.escalate_after_days = *days;
    }
    escalate_site_ = table.get("escalate_after_days");
    if (auto flag = bool_at(section, "digest")) policy.digest = *flag;
    if (auto names = string_list_at(section, "channels")) {
      std::vector<Channel> channels;
      bool ok = true;
      for (const auto& name : *names) {
        auto known = choice_value(section, "channels", name, kChannelNames);
        if (!known) {
          ok = false;
          continue;
        }
        const Channel channel = *parse_channel(*known);
        if (std::find(channels.begin(), channels.end(), channel) != channels.end()) {
          error(*name.node,
                section.where("channels") + ": " + quote(name.text) + " is listed twice",
                "list each channel once");
          ok = false;
          continue;
        }
        channels.push_back(channel);
      }
      if (ok) policy.channels = std::move(channels);
      if (ok && policy.channels.empty()) {
        warning(table.get("channels")->source(),
                "[reminders] channels is empty, so no reminder is ever sent",
                "write channels = [\"email\", \"webhook\"]");
      }
    }
    if (auto grace = duration_at(section, "misfire_grace", std::chrono::seconds{0},
                                 std::chrono::hours{24 * 7})) {
      policy.misfire_grace = *grace;
    }
  }

  void read_cycles(const toml::table& root) {
    const auto tables = tables_of(root, "cycles");
    std::map<std::string, int> first_line_of_name;
    for (std::size_t index = 0; index < tables.size(); ++index) {
      const toml::table& table = *tables[index];
      const std::string number = "cycle #" + std::to_string(index + 1);
      const auto name_text = table["name"].value<std::string>();
      const bool name_ok = name_text.has_value() && !name_text->empty();
      const Section section{table, name_ok ? "cycle " + quote(*name_text) : number, kCycleKeys};
      check_keys(section);

      Cycle cycle;
      CycleSite site{section.label, table.source(), nullptr};
      if (auto name = string_at(section, "name"); name && !name->text.empty()) {
        cycle.name = name->text;
        if (auto [it, inserted] = first_line_of_name.emplace(
                name->text, static_cast<int>(name->node->source().begin.line));
            !inserted) {
          error(*name->node,
                "duplicate cycle name " + quote(name->text) + " (first defined on line " +
                    std::to_string(it->second) + ")",
                "give each cycle its own name");
        }
      } else if (name || table.get("name") == nullptr) {
        error(name ? name->node->source() : table.source(), number + " has no name",
              "add name = \"Seguimiento PAAC\"");
      }

      const std::string cutoffs_hint = "add cutoffs = [\"04-30\", \"08-31\", \"12-31\"]";
      if (auto cutoffs = string_list_at(section, "cutoffs")) {
        if (cutoffs->empty() && table.get("cutoffs")->as_array()->empty()) {
          error(*table.get("cutoffs"), section.label + " has no cutoffs", cutoffs_hint);
        }
        for (const auto& cutoff : *cutoffs) {
          if (auto day = parse_month_day(cutoff.text)) {
            cycle.cutoffs.push_back(*day);
          } else {
            error(*cutoff.node,
                  section.where("cutoffs") + ": " + quote(cutoff.text) + " is not a month and day",
                  "write it as \"MM-DD\", e.g. \"04-30\"");
          }
        }
        // Order does not matter to the admin; the scheduler gets them sorted, once each.
        std::sort(cycle.cutoffs.begin(), cycle.cutoffs.end());
        cycle.cutoffs.erase(std::unique(cycle.cutoffs.begin(), cycle.cutoffs.end()),
                            cycle.cutoffs.end());
      } else if (table.get("cutoffs") == nullptr) {
        error(table.source(), section.label + " has no cutoffs", cutoffs_hint);
      }

      if (auto days = int_list_at(section, "remind_before_days", 0, 366)) {
        cycle.remind_before_days = *days;
      }
      if (auto days = int_at(section, "publish_within_business_days", 0, 366)) {
        cycle.publish_within_business_days = *days;
      }
      if (auto publisher = string_at(section, "publisher")) {
        cycle.publisher = publisher->text;
        if (!publisher->text.empty()) site.publisher = publisher->node;
      }
      read_cycle_activities(section, cycle);
      config_.cycles.push_back(std::move(cycle));
      cycle_sites_.push_back(std::move(site));
    }
  }

  void read_cycle_activities(const Section& section, Cycle& cycle) {
    const toml::node* node = section.table.get("activities");
    if (node == nullptr) return;
    const std::string hint = "write activities = \"all\" or a list such as [\"1.7\", \"3.11\"]";
    if (const auto* text = node->as_string()) {
      if (text->get() != "all") {
        error(*node, section.where("activities") + ": " + quote(text->get()) + " is not \"all\"",
              hint);
      }
      return;
    }
    const auto* array = node->as_array();
    if (array == nullptr) {
      error(*node,
            section.where("activities") + ": expected \"all\" or an array of strings, got " +
                type_name(node->type()),
            hint);
      return;
    }
    if (array->empty()) {
      error(*node, section.where("activities") + ": the list is empty", hint);
      return;
    }
    std::vector<std::string> numbers;
    for (const toml::node& element : *array) {
      const auto* text = element.as_string();
      if (text == nullptr) {
        error(element,
              section.where("activities") + ": expected a string, got " + type_name(element.type()),
              "quote the activity numbers, e.g. [\"1.7\", \"3.11\"]");
      } else if (!is_activity_number(text->get())) {
        error(
            element,
            section.where("activities") + ": " + quote(text->get()) + " is not an activity number",
            "write the number as the plan does, e.g. \"1.7\"");
      } else {
        numbers.push_back(text->get());
      }
    }
    cycle.activities = std::move(numbers);
  }

  void read_delivery(const toml::table& table) {
    const Section section{table, "[delivery]", kDeliveryKeys};
    check_keys(section);
    using std::chrono::hours;
    using std::chrono::seconds;
    DeliverySettings& delivery = config_.delivery;
    if (auto attempts = int_at(section, "max_attempts", 1, 100)) delivery.max_attempts = *attempts;
    if (auto age = duration_at(section, "max_age", std::chrono::minutes{1}, hours{24 * 30})) {
      delivery.max_age = *age;
    }
    const auto initial = duration_at(section, "initial_backoff", seconds{1}, hours{24});
    if (initial) delivery.initial_backoff = *initial;
    const auto max = duration_at(section, "max_backoff", seconds{1}, hours{24 * 7});
    if (max) delivery.max_backoff = *max;
    if ((initial || max) && delivery.max_backoff < delivery.initial_backoff) {
      const toml::node* node = table.get(max ? "max_backoff" : "initial_backoff");
      error(*node,
            "[delivery] max_backoff (" + format_duration(delivery.max_backoff) +
                ") is shorter than initial_backoff (" + format_duration(delivery.initial_backoff) +
                ")",
            "make max_backoff at least as long as initial_backoff");
    }
    if (auto concurrency = int_at(section, "concurrency", 1, 1024)) {
      delivery.concurrency = *concurrency;
    }
  }

  void read_templates(const toml::table& table) {
    const Section section{table, "[templates]", kTemplateKeys};
    check_keys(section);
    if (auto dir =
            existing_path_at(section, "dir", true,
                             "create the directory, or remove dir to use the built-in templates")) {
      config_.templates.dir = *dir;
    }
  }

  void read_links(const toml::table& table) {
    const Section section{table, "[links]", kLinkKeys};
    check_keys(section);
    if (auto plan = link_at(section, "plan")) config_.links.plan = plan->text;
    auto activity = link_at(section, "activity");
    if (!activity) return;
    // {activity} is the only placeholder; any other brace is a typo.
    constexpr std::string_view kPlaceholder = LinkSettings::kActivityPlaceholder;
    std::string rest = activity->text;
    for (size_t at = 0; (at = rest.find(kPlaceholder)) != std::string::npos;) {
      rest.erase(at, kPlaceholder.size());
    }
    if (rest.size() == activity->text.size()) {
      error(*activity->node,
            section.where("activity") + ": " + quote(activity->text) + " has no {activity}",
            "put {activity} where the activity number goes; " + section.write_as("activity"));
    } else if (rest.find_first_of("{}") != std::string::npos) {
      error(*activity->node,
            section.where("activity") + ": " + quote(activity->text) +
                " has a placeholder other than {activity}",
            "{activity}, the activity number, is the only one");
    } else {
      config_.links.activity = activity->text;
    }
  }

  // An http(s) URL to link to, or nullopt (with the error reported) when
  // absent, empty or not one.
  std::optional<Item> link_at(const Section& section, std::string_view key) {
    auto item = string_at(section, key);
    if (!item || item->text.empty()) return std::nullopt;
    const std::string hint = section.write_as(key) + ", or remove " + std::string(key);
    auto url = parse_url(item->text);
    if (!url) {
      error(*item->node, section.where(key) + ": " + url.error().message, hint);
      return std::nullopt;
    }
    if (url->scheme != "http" && url->scheme != "https") {
      error(*item->node,
            section.where(key) + ": scheme " + quote(url->scheme) + " is not http or https", hint);
      return std::nullopt;
    }
    return item;
  }

  // ---- checks across tables ----------------------------------------------

  bool channel_on(Channel channel) const {
    const auto& channels = config_.reminders.channels;
    return std::find(channels.begin(), channels.end(), channel) != channels.end();
  }

  void check_references() {
    std::vector<std::string_view> webhook_names;
    for (const auto& [name, webhook] : config_.webhooks) webhook_names.push_back(name);
    std::vector<std::string_view> unit_ids;
    for (const auto& unit : config_.units) {
      if (is_slug(unit.id)) unit_ids.push_back(unit.id);
    }
    std::set<std::string> used_webhooks;
    std::map<std::string, std::size_t> owner_of_name;  // folded spelling -> unit index

    for (std::size_t index = 0; index < config_.units.size(); ++index) {
      const Unit& unit = config_.units[index];
      const UnitSite& site = unit_sites_[index];
      for (const auto& webhook : site.webhooks) {
        used_webhooks.insert(webhook.text);
        if (config_.webhooks.contains(webhook.text)) continue;
        const auto guess = closest_match(webhook.text, webhook_names);
        error(*webhook.node, site.label + " webhooks: no webhook is named " + quote(webhook.text),
              guess ? "did you mean " + quote(*guess) + "?"
                    : "define it as [webhooks." + webhook.text + "]");
      }
      for (const auto& name : site.names) {
        auto [it, inserted] = owner_of_name.emplace(fold_name(name.text), index);
        if (!inserted && it->second != index) {
          error(*name.node,
                site.label + ": " + quote(name.text) + " already names " +
                    unit_sites_[it->second].label,
                "each name and alias must belong to one unit");
        }
      }
      const bool has_email = !unit.emails.empty();
      const bool has_webhook = !unit.webhooks.empty();
      if (has_email && config_.email.url.empty() && !email_url_written_ &&
          channel_on(Channel::kEmail)) {
        error(*site.email, site.label + " has email addresses but [email] url is not set",
              "set url in [email], or remove \"email\" from [reminders] channels");
      }
      if (!has_email && !has_webhook) {
        warning(site.table,
                site.label + " has no email address and no webhook, so it gets no reminders",
                "add email = [\"...\"] or webhooks = [\"...\"]");
      } else if (!(has_email && channel_on(Channel::kEmail)) &&
                 !(has_webhook && channel_on(Channel::kWebhook))) {
        warning(
            site.table,
            site.label +
                " cannot be reached on the channels in [reminders] channels, so it gets no "
                "reminders",
            "add the channel it has to [reminders] channels, or give it an address on one there");
      }
    }

    for (std::size_t index = 0; index < config_.cycles.size(); ++index) {
      const Cycle& cycle = config_.cycles[index];
      const CycleSite& site = cycle_sites_[index];
      if (site.publisher != nullptr && config_.find_unit(cycle.publisher) == nullptr) {
        const auto guess = closest_match(cycle.publisher, unit_ids);
        error(*site.publisher,
              site.label + " publisher: no unit has the id " + quote(cycle.publisher),
              guess ? "did you mean " + quote(*guess) + "?" : "use the id of one of the [[units]]");
      }
      if (cycle.publisher.empty() && cycle.publish_within_business_days > 0) {
        warning(site.table, site.label + " has no publisher, so nobody is reminded to publish it",
                "add publisher = \"<unit id>\", or publish_within_business_days = 0");
      }
    }

    for (const auto& [name, where] : webhook_sites_) {
      if (!used_webhooks.contains(name)) {
        warning(where, "[webhooks." + name + "] is not used by any unit",
                "add " + quote(name) + " to a unit's webhooks, or remove it");
      }
    }

    if (config_.reminders.escalate_after_days > 0 && config_.oversight_units().empty()) {
      warning(escalate_site_ != nullptr ? escalate_site_->source() : toml::source_region{},
              "no unit has oversight = true, so escalations after " +
                  std::to_string(config_.reminders.escalate_after_days) +
                  " days overdue go nowhere",
              "set oversight = true on the internal-control unit, or escalate_after_days = 0");
    }
    if (config_.units.empty()) {
      warning({}, "no [[units]] are defined, so nobody gets reminders",
              "add a [[units]] table for each administrative unit");
    }
  }

  Config config_;
  bool email_url_written_ = false;  // [email] url given (even if malformed)
  std::vector<UnitSite> unit_sites_;
  std::vector<CycleSite> cycle_sites_;
  std::map<std::string, toml::source_region> webhook_sites_;
  const toml::node* escalate_site_ = nullptr;
};

}  // namespace

LoadResult load_config_from_string(std::string_view text, const std::string& path) {
  std::error_code failure;
  fs::path absolute = fs::absolute(path.empty() ? fs::path(".") : fs::path(path), failure);
  if (failure) absolute = fs::path(path);
  Loader loader(path, path.empty() ? absolute : absolute.parent_path());
  return loader.load(text);
}

}  // namespace plazo
