#pragma once
/// \file
/// Builds the HTTP request that delivers a rendered message to a webhook:
/// the versioned generic JSON payload (DESIGN.md) or a chat preset (Slack,
/// Microsoft Teams Workflows, Google Chat, Mattermost), with the idempotency
/// and signature headers. Pure: no I/O; the secret and the time are
/// arguments. notifiers/WEBHOOKS.md documents the payloads for receivers.

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "domain/dates.h"
#include "domain/message.h"
#include "domain/model.h"
#include "domain/timezone.h"
#include "notifiers/templates.h"

namespace plazo {

/// One HTTP request header.
struct HttpHeader {
  std::string name;
  std::string value;
};

/// A POST to send. Owns its body; the transport keeps the request alive
/// until the transfer is done.
struct HttpRequest {
  std::string url;
  std::vector<HttpHeader> headers;
  std::string body;
  std::chrono::seconds timeout{30};  ///< whole transfer, connection included
  std::string ca_file;               ///< extra CA bundle; "" = system store

  /// The value of the header `name` (case-insensitive), or nullptr.
  const std::string* header(std::string_view name) const;
};

/// The request for `message` to `unit` through `settings`:
///  - body by `settings.format`: generic = the versioned payload
///    {"version":1,"key","sent_at","unit":{"id","name"},"subject","text",
///    "items":[{"kind","activity","title","deadline","days_left","role",
///    "progress","links"}],"links"} with keys in that order (`progress` null
///    without one, `sent_at` is `now` in RFC 3339 in `zone`; links are
///    [{"rel","href"}]: per item its `links.activity` page and its evidence,
///    at the end the `links.plan` page); slack = `text` (the subject,
///    for notifications) + `blocks` (header, one mrkdwn section per digest
///    section, split under Slack's 3000-character limit, and a context line);
///    teams = a message with one Adaptive Card 1.4 attachment; google_chat =
///    {"text"} with *bold* headings; mattermost = {"text"} in Markdown. Chat
///    bodies stay under each service's size limit by listing the first items
///    and saying how many more there are. Invalid UTF-8 is replaced, never
///    thrown.
///  - headers: Content-Type: application/json, User-Agent: plazo/VERSION,
///    Idempotency-Key: KEY; when `secret` is not empty also
///    X-Plazo-Timestamp: <unix seconds of now> and
///    X-Plazo-Signature: sha256=<hex HMAC-SHA256(secret, timestamp "." body)>.
///  - timeout and CA file from `settings`.
HttpRequest build_webhook(const RenderedMessage& rendered, const Message& message, const Unit& unit,
                          const WebhookSettings& settings, const LinkSettings& links,
                          const std::string& secret, Instant now, const TimeZone& zone);

/// "sha256=" + lowercase hex HMAC-SHA256 of `timestamp + "." + body` keyed
/// with `secret`: the value of X-Plazo-Signature.
std::string webhook_signature(std::string_view secret, std::string_view timestamp,
                              std::string_view body);

}  // namespace plazo
