#include "notifiers/webhook.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <cctype>
#include <nlohmann/json.hpp>

#include "domain/json_writer.h"

namespace plazo {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

// Service limits (each service's documentation), with room to spare.
constexpr size_t kSlackSectionLimit = 2900;  // section text: 3000 characters
constexpr size_t kSlackMaxBlocks = 50;
constexpr size_t kSlackHeaderLimit = 150;   // header block: 150 characters
constexpr size_t kGoogleChatLimit = 4000;   // text message: 4096 characters
constexpr size_t kMattermostLimit = 16000;  // post: 16383 characters
constexpr size_t kTeamsLimit = 20000;       // whole card: 28 KB

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) {
      return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
    };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// Cuts at a character boundary so the result stays valid UTF-8.
std::string truncate_utf8(const std::string& text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  const std::string ellipsis = "…";
  size_t cut = max_bytes > ellipsis.size() ? max_bytes - ellipsis.size() : 0;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xc0) == 0x80) --cut;
  return text.substr(0, cut) + ellipsis;
}

std::string more_items(size_t count) {
  return "… y " + std::to_string(count) + (count == 1 ? " elemento más." : " elementos más.");
}

size_t line_count(const std::vector<RenderedSection>& sections) {
  size_t count = 0;
  for (const auto& section : sections) count += section.lines.size();
  return count;
}

// Slack treats &, < and > as control characters (<!channel> pings everyone).
std::string slack_escape(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '&') {
      out += "&amp;";
    } else if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else {
      out += c;
    }
  }
  return out;
}

// Activity texts come from a spreadsheet; keep their * and _ from turning
// into Markdown emphasis.
std::string markdown_escape(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (std::string_view("\\*_~`[]<>#|").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

std::string dump(const ordered_json& body) {
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

// RFC 3986 percent-encoding of everything but the unreserved characters.
std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) != 0 || std::string_view("-._~").find(c) != std::string_view::npos) {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    }
  }
  return out;
}

void link(JsonWriter& body, std::string_view rel, std::string_view href) {
  body.begin_object().member("rel", rel).member("href", href).end_object();
}

// The item's links: its activity page (with [links] activity) and the
// evidence links of its latest follow-up.
void item_links(JsonWriter& body, const MessageItem& item, const LinkSettings& links) {
  body.key("links").begin_array();
  if (!links.activity.empty() && !item.activity.empty()) {
    std::string href = links.activity;
    const std::string number = percent_encode(item.activity);
    constexpr std::string_view kPlaceholder = LinkSettings::kActivityPlaceholder;
    for (size_t at = 0; (at = href.find(kPlaceholder, at)) != std::string::npos;) {
      href.replace(at, kPlaceholder.size(), number);
      at += number.size();
    }
    link(body, "activity", href);
  }
  for (const auto& evidence : item.evidence) link(body, "evidence", evidence);
  body.end_array();
}

std::string generic_body(const RenderedMessage& rendered, const Message& message, const Unit& unit,
                         const LinkSettings& links, const std::string& key, Instant now,
                         const TimeZone& zone) {
  // Written directly, not through a JSON tree: this is every generic
  // delivery's body (notifiers/WEBHOOKS.md documents the members).
  JsonWriter body;
  body.begin_object()
      .member("version", 1)
      .member("key", key)
      .member("sent_at", zone.format_rfc3339(now));
  body.key("unit").begin_object().member("id", unit.id).member("name", unit.name).end_object();
  body.member("subject", rendered.subject).member("text", rendered.text);
  body.key("items").begin_array();
  for (const auto& item : message.items) {
    body.begin_object().member("kind", to_string(item.kind)).member("activity", item.activity);
    body.key("plan");
    if (item.plan.empty()) {
      body.value(nullptr);
    } else {
      body.begin_object().member("name", item.plan).member("year", item.plan_year).end_object();
    }
    body.member("title", item.title)
        .member("deadline", format_iso_date(item.deadline))
        .member("days_left", item.days_left)
        .member("role", to_string(item.role))
        .member("progress", item.progress);
    item_links(body, item, links);
    body.end_object();
  }
  body.end_array();
  body.key("links").begin_array();
  if (!links.plan.empty()) link(body, "plan", links.plan);
  body.end_array().end_object();
  return body.take();
}

std::string slack_body(const RenderedMessage& rendered, const std::string& key) {
  ordered_json blocks = ordered_json::array();
  blocks.push_back({{"type", "header"},
                    {"text",
                     {{"type", "plain_text"},
                      {"text", truncate_utf8(rendered.subject, kSlackHeaderLimit)},
                      {"emoji", false}}}});
  const auto section_block = [](const std::string& text) {
    return ordered_json{{"type", "section"}, {"text", {{"type", "mrkdwn"}, {"text", text}}}};
  };
  // Two blocks stay free: the "and N more" note and the context line.
  const size_t max_sections = kSlackMaxBlocks - 3;
  size_t sections_used = 0;
  size_t remaining = line_count(rendered.sections);
  bool full = false;
  for (const auto& section : rendered.sections) {
    if (full) break;
    std::string text = "*" + slack_escape(section.heading) + "*";
    if (!section.intro.empty()) text += "\n" + slack_escape(section.intro);
    for (const auto& line : section.lines) {
      std::string entry = "\n• *" + slack_escape(line.lead) + "*";
      if (!line.detail.empty()) entry += " — " + slack_escape(line.detail);
      entry = truncate_utf8(entry, kSlackSectionLimit);
      if (text.size() + entry.size() > kSlackSectionLimit) {
        if (sections_used + 1 >= max_sections) {
          full = true;
          break;
        }
        blocks.push_back(section_block(text));
        ++sections_used;
        text.clear();
        entry.erase(0, 1);  // a new block needs no leading line break
      }
      text += entry;
      --remaining;
    }
    if (full) break;
    blocks.push_back(section_block(text));
    if (++sections_used >= max_sections) full = true;
  }
  if (remaining > 0) blocks.push_back(section_block(more_items(remaining)));
  blocks.push_back(
      {{"type", "context"},
       {"elements", ordered_json::array({{{"type", "mrkdwn"}, {"text", "plazo · ref. " + key}}})}});
  ordered_json body;
  body["text"] = rendered.subject;
  body["blocks"] = std::move(blocks);
  return dump(body);
}

// Google Chat and Mattermost take one text field: the sections as lines of
// markup, cut at a line boundary before the size limit.
struct TextMarkup {
  std::string (*escape)(std::string_view);
  std::string bold_open;
  std::string bold_close;
  std::string bullet;
  std::string title_prefix;
};

std::string identity(std::string_view text) {
  return std::string(text);
}

std::string text_body(const RenderedMessage& rendered, const std::string& key,
                      const TextMarkup& markup, size_t limit) {
  const auto bold = [&](std::string_view text) {
    return markup.bold_open + markup.escape(text) + markup.bold_close;
  };
  // A Markdown heading is bold already; chat text without headings gets *bold*.
  std::string text =
      (markup.title_prefix.empty() ? bold(rendered.subject)
                                   : markup.title_prefix + markup.escape(rendered.subject)) +
      "\n";
  const std::string footer = "\nplazo · ref. " + key;
  size_t remaining = line_count(rendered.sections);
  bool full = false;
  for (const auto& section : rendered.sections) {
    std::string head = "\n" + bold(section.heading) + "\n";
    if (!section.intro.empty()) head += markup.escape(section.intro) + "\n";
    if (text.size() + head.size() + footer.size() + 64 > limit) {
      full = true;
      break;
    }
    text += head;
    for (const auto& line : section.lines) {
      std::string entry = markup.bullet + bold(line.lead);
      if (!line.detail.empty()) entry += " — " + markup.escape(line.detail);
      entry += "\n";
      if (text.size() + entry.size() + footer.size() + 64 > limit) {
        full = true;
        break;
      }
      text += entry;
      --remaining;
    }
    if (full) break;
  }
  if (remaining > 0) text += "\n" + more_items(remaining) + "\n";
  text += footer;
  ordered_json body;
  body["text"] = truncate_utf8(text, limit);
  return dump(body);
}

std::string teams_body(const RenderedMessage& rendered, const std::string& key) {
  ordered_json elements = ordered_json::array();
  const auto text_block = [](const std::string& text) {
    return ordered_json{{"type", "TextBlock"}, {"text", text}, {"wrap", true}};
  };
  ordered_json title = text_block(rendered.subject);
  title["size"] = "Medium";
  title["weight"] = "Bolder";
  elements.push_back(std::move(title));
  size_t used = rendered.subject.size();
  size_t remaining = line_count(rendered.sections);
  bool full = false;
  for (const auto& section : rendered.sections) {
    const std::string intro = markdown_escape(section.intro);
    if (used + section.heading.size() + intro.size() > kTeamsLimit) break;
    ordered_json heading = text_block(section.heading);
    heading["weight"] = "Bolder";
    heading["spacing"] = "Medium";
    elements.push_back(std::move(heading));
    if (!intro.empty()) elements.push_back(text_block(intro));
    used += section.heading.size() + intro.size();
    for (const auto& line : section.lines) {
      std::string text = "**" + markdown_escape(line.lead) + "**";
      if (!line.detail.empty()) text += " — " + markdown_escape(line.detail);
      if (used + text.size() > kTeamsLimit) {
        full = true;
        break;
      }
      ordered_json block = text_block(text);
      block["spacing"] = "Small";
      elements.push_back(std::move(block));
      used += text.size();
      --remaining;
    }
    if (full) break;
  }
  if (remaining > 0) elements.push_back(text_block(more_items(remaining)));
  ordered_json footer = text_block("plazo · ref. " + key);
  footer["isSubtle"] = true;
  footer["size"] = "Small";
  elements.push_back(std::move(footer));

  ordered_json card;
  card["type"] = "AdaptiveCard";
  card["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json";
  card["version"] = "1.4";
  card["body"] = std::move(elements);
  card["msteams"] = {{"width", "Full"}};
  ordered_json attachment;
  attachment["contentType"] = "application/vnd.microsoft.card.adaptive";
  attachment["content"] = std::move(card);
  ordered_json body;
  body["type"] = "message";
  body["attachments"] = ordered_json::array({std::move(attachment)});
  return dump(body);
}

}  // namespace

const std::string* HttpRequest::header(std::string_view name) const {
  for (const auto& entry : headers) {
    if (iequals(entry.name, name)) return &entry.value;
  }
  return nullptr;
}

std::string webhook_signature(std::string_view secret, std::string_view timestamp,
                              std::string_view body) {
  std::string signed_text;
  signed_text.reserve(timestamp.size() + 1 + body.size());
  signed_text.append(timestamp).append(".").append(body);
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(signed_text.data()), signed_text.size(), mac.data(),
       &length);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "sha256=";
  for (unsigned i = 0; i < length; ++i) {
    out += kHex[mac[i] >> 4];
    out += kHex[mac[i] & 0xf];
  }
  return out;
}

HttpRequest build_webhook(const RenderedMessage& rendered, const Message& message, const Unit& unit,
                          const WebhookSettings& settings, const LinkSettings& links,
                          const std::string& secret, Instant now, const TimeZone& zone) {
  const std::string key = message.key.empty() ? idempotency_key(message) : message.key;
  HttpRequest request;
  request.url = settings.url;
  request.timeout =
      std::chrono::seconds{settings.timeout_seconds > 0 ? settings.timeout_seconds : 30};
  request.ca_file = settings.ca_file;
  switch (settings.format) {
    case WebhookFormat::kGeneric:
      request.body = generic_body(rendered, message, unit, links, key, now, zone);
      break;
    case WebhookFormat::kSlack:
      request.body = slack_body(rendered, key);
      break;
    case WebhookFormat::kTeams:
      request.body = teams_body(rendered, key);
      break;
    case WebhookFormat::kGoogleChat:
      request.body =
          text_body(rendered, key, TextMarkup{&identity, "*", "*", "• ", ""}, kGoogleChatLimit);
      break;
    case WebhookFormat::kMattermost:
      request.body = text_body(
          rendered, key, TextMarkup{&markdown_escape, "**", "**", "- ", "#### "}, kMattermostLimit);
      break;
  }
  request.headers = {
      {"Content-Type", "application/json"},
      {"User-Agent", std::string("plazo/") + PLAZO_VERSION},
      {"Idempotency-Key", key},
  };
  if (!secret.empty()) {
    const std::string timestamp = std::to_string(now.time_since_epoch().count());
    request.headers.push_back({"X-Plazo-Timestamp", timestamp});
    request.headers.push_back(
        {"X-Plazo-Signature", webhook_signature(secret, timestamp, request.body)});
  }
  return request;
}

}  // namespace plazo
