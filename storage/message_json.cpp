#include "storage/message_json.h"

#include <charconv>
#include <cstdio>
#include <exception>

#include "domain/json_writer.h"
#include "domain/utf8.h"

namespace plazo {
namespace {

constexpr int kPayloadVersion = 1;

std::optional<Role> parse_role(std::string_view text) {
  for (Role role : {Role::kResponsible, Role::kCoResponsible, Role::kOversight, Role::kPublisher}) {
    if (to_string(role) == text) return role;
  }
  return std::nullopt;
}

// Readers: each returns an Error naming the member, so a corrupt payload is
// reported precisely instead of surfacing as a nlohmann type_error.
Status member_error(std::string_view where, std::string_view name, std::string_view expected) {
  return Error{"The message JSON has no valid \"" + std::string(name) + "\" in " +
               std::string(where) + " (expected " + std::string(expected) + ")."};
}

Status read_string(const nlohmann::json& object, std::string_view where, const char* name,
                   std::string& out) {
  auto it = object.find(name);
  if (it == object.end() || !it->is_string()) return member_error(where, name, "a string");
  out = it->get<std::string>();
  return {};
}

Status read_int(const nlohmann::json& object, std::string_view where, const char* name, int& out) {
  auto it = object.find(name);
  if (it == object.end() || !it->is_number_integer()) {
    return member_error(where, name, "an integer");
  }
  out = it->get<int>();
  return {};
}

Status read_date(const nlohmann::json& object, std::string_view where, const char* name,
                 Date& out) {
  std::string text;
  if (auto status = read_string(object, where, name, text); !status) return status;
  auto day = parse_iso_date(text);
  if (!day) return member_error(where, name, "a date YYYY-MM-DD");
  out = *day;
  return {};
}

Status read_optional_date(const nlohmann::json& object, std::string_view where, const char* name,
                          std::optional<Date>& out) {
  auto it = object.find(name);
  if (it != object.end() && it->is_null()) {
    out.reset();
    return {};
  }
  Date day{};
  if (auto status = read_date(object, where, name, day); !status) return status;
  out = day;
  return {};
}

Result<MessageItem> item_from_json(const nlohmann::json& json, size_t index) {
  const std::string where = "item " + std::to_string(index + 1);
  if (!json.is_object()) return Error{"The message JSON's " + where + " is not an object."};
  MessageItem item;
  std::string text;
  if (auto s = read_string(json, where, "kind", text); !s) return s.error();
  auto kind = parse_item_kind(text);
  if (!kind) return member_error(where, "kind", "an item kind").error();
  item.kind = *kind;
  if (auto s = read_string(json, where, "role", text); !s) return s.error();
  auto role = parse_role(text);
  if (!role) return member_error(where, "role", "a role").error();
  item.role = *role;
  if (auto s = read_string(json, where, "activity", item.activity); !s) return s.error();
  // Only in messages written since items name their plan, and only for
  // items of an activity.
  if (json.contains("plan")) {
    if (auto s = read_string(json, where, "plan", item.plan); !s) return s.error();
    if (auto s = read_int(json, where, "plan_year", item.plan_year); !s) return s.error();
  }
  if (auto s = read_string(json, where, "title", item.title); !s) return s.error();
  if (auto s = read_string(json, where, "deliverable", item.deliverable); !s) return s.error();
  // Only in messages written since evidence links were added, and only when
  // the item has some.
  if (auto evidence = json.find("evidence"); evidence != json.end()) {
    if (!evidence->is_array()) return member_error(where, "evidence", "an array of links").error();
    for (const auto& link : *evidence) {
      if (!link.is_string()) return member_error(where, "evidence", "an array of links").error();
      item.evidence.push_back(link.get<std::string>());
    }
  }
  if (auto s = read_date(json, where, "deadline", item.deadline); !s) return s.error();
  if (auto s = read_int(json, where, "days_left", item.days_left); !s) return s.error();
  if (auto it = json.find("progress"); it != json.end() && it->is_null()) {
    item.progress.reset();
  } else {
    int progress = 0;
    if (auto s = read_int(json, where, "progress", progress); !s) return s.error();
    item.progress = progress;
  }
  auto units = json.find("units");
  if (units == json.end() || !units->is_array()) {
    return member_error(where, "units", "an array of unit ids").error();
  }
  for (const auto& unit : *units) {
    if (!unit.is_string()) return member_error(where, "units", "an array of unit ids").error();
    item.units.push_back(unit.get<std::string>());
  }
  if (auto s = read_string(json, where, "cycle", item.cycle); !s) return s.error();
  if (auto s = read_optional_date(json, where, "cutoff", item.cutoff); !s) return s.error();
  return item;
}

bool parse_two_digits(std::string_view text, size_t pos, int& out) {
  auto [ptr, ec] = std::from_chars(text.data() + pos, text.data() + pos + 2, out);
  return ec == std::errc() && ptr == text.data() + pos + 2;
}

// read_stored_message(): a cursor over the text. Every reader returns false
// as soon as the text differs from what message_json_text() writes.
class StoredReader {
 public:
  explicit StoredReader(std::string_view text) : text_(text) {}

  std::optional<Message> message() {
    if (!is_valid_utf8(text_)) return std::nullopt;
    Message m;
    std::string text;
    std::optional<Instant> at;
    std::optional<Channel> channel;
    if (!literal("{\"at\":") || !string(text) || !(at = parse_utc(text))) return std::nullopt;
    m.at = *at;
    if (!literal(",\"channel\":") || !string(text) || !(channel = parse_channel(text))) {
      return std::nullopt;
    }
    m.channel = *channel;
    if (!literal(",\"day\":") || !date(m.day) || !literal(",\"items\":[")) return std::nullopt;
    if (!next_is(']')) {
      do {
        if (!item(m.items.emplace_back())) return std::nullopt;
      } while (literal(","));
    }
    if (!literal("],\"key\":") || !string(m.key)) return std::nullopt;
    if (literal(",\"target\":") && !string(m.target)) return std::nullopt;
    if (!literal(",\"unit_id\":") || !string(m.unit_id)) return std::nullopt;
    if (!literal(",\"version\":" + std::to_string(kPayloadVersion) + "}")) return std::nullopt;
    if (at_ != text_.size()) return std::nullopt;
    return m;
  }

 private:
  bool item(MessageItem& item) {
    std::string text;
    std::optional<ItemKind> kind;
    std::optional<Role> role;
    if (!literal("{\"activity\":") || !string(item.activity)) return false;
    if (!literal(",\"cutoff\":")) return false;
    if (literal("null")) {
      item.cutoff.reset();
    } else if (Date cutoff{}; date(cutoff)) {
      item.cutoff = cutoff;
    } else {
      return false;
    }
    if (!literal(",\"cycle\":") || !string(item.cycle)) return false;
    if (!literal(",\"days_left\":") || !integer(item.days_left)) return false;
    if (!literal(",\"deadline\":") || !date(item.deadline)) return false;
    if (!literal(",\"deliverable\":") || !string(item.deliverable)) return false;
    if (literal(",\"evidence\":[")) {
      do {
        if (!string(item.evidence.emplace_back())) return false;
      } while (literal(","));
      if (!literal("]")) return false;
    }
    if (!literal(",\"kind\":") || !string(text) || !(kind = parse_item_kind(text))) return false;
    item.kind = *kind;
    if (literal(",\"plan\":")) {
      if (!string(item.plan) || !literal(",\"plan_year\":") || !integer(item.plan_year)) {
        return false;
      }
    }
    if (!literal(",\"progress\":")) return false;
    if (literal("null")) {
      item.progress.reset();
    } else if (int progress = 0; integer(progress)) {
      item.progress = progress;
    } else {
      return false;
    }
    if (!literal(",\"role\":") || !string(text) || !(role = parse_role(text))) return false;
    item.role = *role;
    if (!literal(",\"title\":") || !string(item.title)) return false;
    if (!literal(",\"units\":[")) return false;
    if (!next_is(']')) {
      do {
        if (!string(item.units.emplace_back())) return false;
      } while (literal(","));
    }
    return literal("]}");
  }

  bool next_is(char c) const { return at_ < text_.size() && text_[at_] == c; }

  bool literal(std::string_view expected) {
    if (text_.substr(at_, expected.size()) != expected) return false;
    at_ += expected.size();
    return true;
  }

  bool date(Date& out) {
    std::string text;
    if (!string(text)) return false;
    auto day = parse_iso_date(text);
    if (!day) return false;
    out = *day;
    return true;
  }

  // A string with only the escapes append_json_string() writes (\u only
  // below U+0080).
  bool string(std::string& out) {
    out.clear();
    if (!literal("\"")) return false;
    for (;;) {
      const size_t special = text_.find_first_of("\"\\", at_);
      if (special == std::string_view::npos) return false;
      for (size_t i = at_; i < special; ++i) {
        if (static_cast<unsigned char>(text_[i]) < 0x20) return false;  // raw control character
      }
      out.append(text_, at_, special - at_);
      at_ = special + 1;
      if (text_[special] == '"') return true;
      if (at_ >= text_.size()) return false;
      const char escaped = text_[at_++];
      switch (escaped) {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case '/':
          out += '/';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          unsigned code = 0;
          if (at_ + 4 > text_.size()) return false;
          auto [end, error] = std::from_chars(text_.data() + at_, text_.data() + at_ + 4, code, 16);
          if (error != std::errc() || end != text_.data() + at_ + 4 || code >= 0x80) return false;
          out += static_cast<char>(code);
          at_ += 4;
          break;
        }
        default:
          return false;
      }
    }
  }

  // An integer as JSON writes one (no '+', no leading zeros, no fraction)
  // that fits an int.
  bool integer(int& out) {
    const size_t start = at_;
    if (next_is('-')) ++at_;
    const size_t digits = at_;
    while (at_ < text_.size() && text_[at_] >= '0' && text_[at_] <= '9') ++at_;
    if (at_ == digits || (text_[digits] == '0' && at_ - digits > 1)) return false;
    if (next_is('.') || next_is('e') || next_is('E')) return false;
    auto [end, error] = std::from_chars(text_.data() + start, text_.data() + at_, out);
    return error == std::errc() && end == text_.data() + at_;
  }

  std::string_view text_;
  size_t at_ = 0;
};

}  // namespace

std::string format_utc(Instant instant) {
  return format_iso_date_time(instant) + 'Z';
}

std::optional<Instant> parse_utc(std::string_view text) {
  if (text.size() != 20 || text[10] != 'T' || text[13] != ':' || text[16] != ':' ||
      text[19] != 'Z') {
    return std::nullopt;
  }
  auto day = parse_iso_date(text.substr(0, 10));
  int hour = 0, minute = 0, second = 0;
  if (!day || !parse_two_digits(text, 11, hour) || !parse_two_digits(text, 14, minute) ||
      !parse_two_digits(text, 17, second) || hour > 23 || minute > 59 || second > 59) {
    return std::nullopt;
  }
  return Instant{day->time_since_epoch()} + std::chrono::hours{hour} +
         std::chrono::minutes{minute} + std::chrono::seconds{second};
}

nlohmann::json message_to_json(const Message& message) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& item : message.items) {
    items.push_back({
        {"kind", std::string(to_string(item.kind))},
        {"role", std::string(to_string(item.role))},
        {"activity", item.activity},
        {"title", item.title},
        {"deliverable", item.deliverable},
        {"deadline", format_iso_date(item.deadline)},
        {"days_left", item.days_left},
        {"progress", item.progress ? nlohmann::json(*item.progress) : nlohmann::json(nullptr)},
        {"units", item.units},
        {"cycle", item.cycle},
        {"cutoff",
         item.cutoff ? nlohmann::json(format_iso_date(*item.cutoff)) : nlohmann::json(nullptr)},
    });
    // Written only when there are links, as message_json_text() does.
    if (!item.evidence.empty()) items.back()["evidence"] = item.evidence;
    // Written only for an activity's item, as message_json_text() does.
    if (!item.plan.empty()) {
      items.back()["plan"] = item.plan;
      items.back()["plan_year"] = item.plan_year;
    }
  }
  nlohmann::json json = {
      {"version", kPayloadVersion},
      {"at", format_utc(message.at)},
      {"day", format_iso_date(message.day)},
      {"unit_id", message.unit_id},
      {"channel", std::string(to_string(message.channel))},
      {"key", message.key},
      {"items", std::move(items)},
  };
  // Only webhook messages name a target; without it delivery cannot tell
  // which of the unit's webhooks the message is for.
  if (!message.target.empty()) json["target"] = message.target;
  return json;
}

std::string message_json_text(const Message& message) {
  // Members in the order nlohmann's std::map keeps them (by name), so the
  // text is the same as dump_json(message_to_json(message)).
  JsonWriter out;
  out.begin_object()
      .member("at", format_utc(message.at))
      .member("channel", to_string(message.channel))
      .member("day", format_iso_date(message.day));
  out.key("items").begin_array();
  for (const auto& item : message.items) {
    out.begin_object().member("activity", item.activity);
    out.key("cutoff");
    if (item.cutoff) {
      out.value(format_iso_date(*item.cutoff));
    } else {
      out.value(nullptr);
    }
    out.member("cycle", item.cycle)
        .member("days_left", item.days_left)
        .member("deadline", format_iso_date(item.deadline))
        .member("deliverable", item.deliverable);
    if (!item.evidence.empty()) {
      out.key("evidence").begin_array();
      for (const auto& link : item.evidence) out.value(link);
      out.end_array();
    }
    out.member("kind", to_string(item.kind));
    if (!item.plan.empty()) out.member("plan", item.plan).member("plan_year", item.plan_year);
    out.member("progress", item.progress)
        .member("role", to_string(item.role))
        .member("title", item.title);
    out.key("units").begin_array();
    for (const auto& unit : item.units) out.value(unit);
    out.end_array().end_object();
  }
  out.end_array().member("key", message.key);
  if (!message.target.empty()) out.member("target", message.target);
  out.member("unit_id", message.unit_id).member("version", kPayloadVersion).end_object();
  return out.take();
}

Result<Message> message_from_json(const nlohmann::json& json) {
  constexpr std::string_view kWhere = "the message";
  if (!json.is_object()) return Error{"The message JSON is not an object."};
  int version = 0;
  if (auto s = read_int(json, kWhere, "version", version); !s) return s.error();
  if (version != kPayloadVersion) {
    return Error{"The message JSON has version " + std::to_string(version) +
                 ", which this plazo cannot read."};
  }
  Message message;
  std::string text;
  if (auto s = read_string(json, kWhere, "at", text); !s) return s.error();
  auto at = parse_utc(text);
  if (!at) return member_error(kWhere, "at", "an instant YYYY-MM-DDTHH:MM:SSZ").error();
  message.at = *at;
  if (auto s = read_date(json, kWhere, "day", message.day); !s) return s.error();
  if (auto s = read_string(json, kWhere, "unit_id", message.unit_id); !s) return s.error();
  if (auto s = read_string(json, kWhere, "channel", text); !s) return s.error();
  auto channel = parse_channel(text);
  if (!channel) return member_error(kWhere, "channel", "\"email\" or \"webhook\"").error();
  message.channel = *channel;
  if (auto s = read_string(json, kWhere, "key", message.key); !s) return s.error();
  if (json.contains("target")) {
    if (auto s = read_string(json, kWhere, "target", message.target); !s) return s.error();
  }
  auto items = json.find("items");
  if (items == json.end() || !items->is_array()) {
    return member_error(kWhere, "items", "an array").error();
  }
  for (size_t i = 0; i < items->size(); ++i) {
    auto item = item_from_json((*items)[i], i);
    if (!item) return item.error();
    message.items.push_back(std::move(item).value());
  }
  return message;
}

std::optional<Message> read_stored_message(std::string_view text) {
  return StoredReader(text).message();
}

Result<Message> message_from_json_text(std::string_view text) {
  if (auto stored = read_stored_message(text)) return std::move(*stored);
  // allow_exceptions = false: a parse error yields a discarded value.
  auto json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded()) return Error{"The message JSON cannot be parsed."};
  return message_from_json(json);
}

std::string dump_json(const nlohmann::json& json) {
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace plazo
