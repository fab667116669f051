#pragma once
/// \file
/// Builds the email for a rendered message: envelope, RFC 5322 headers
/// (encoded where they carry non-ASCII text) and the two bodies. Pure: no
/// I/O, the current time is an argument; CurlTransport sends the result.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "domain/dates.h"
#include "domain/message.h"
#include "domain/model.h"
#include "notifiers/templates.h"

namespace plazo {

/// One header as it goes on the wire: `value` is 7-bit ASCII, RFC 2047
/// encoded where needed and already folded (CRLF + space) so that no line is
/// longer than 76 characters unless a single address is.
struct MailHeader {
  std::string name;
  std::string value;
};

/// An email ready to send. Owns everything; cheap to move.
struct EmailMessage {
  std::string key;                      ///< the message's idempotency key
  std::string envelope_from;            ///< bare address for MAIL FROM
  std::vector<std::string> recipients;  ///< bare addresses for RCPT TO
  /// In order: Date, From, To, Subject, Message-ID, Auto-Submitted,
  /// X-Auto-Response-Suppress, X-Plazo-Key. MIME-Version and the multipart
  /// Content-Type are added by the transport.
  std::vector<MailHeader> headers;
  std::string text;  ///< text/plain part, UTF-8
  std::string html;  ///< text/html part, UTF-8

  /// The value of the header `name` (case-insensitive), or nullptr.
  const std::string* header(std::string_view name) const;
};

/// The email for `message` to `unit`: from `settings.from`, to every address
/// of the unit (each shown with the unit's name), `Subject` from the rendered
/// subject, `Date` = `now` (UTC), `Message-ID: <KEY@plazo>` so that a retry
/// carries the same id, `Auto-Submitted: auto-generated`, `X-Plazo-Key: KEY`.
/// KEY is `message.key` (idempotency_key(message) when that is empty).
EmailMessage build_email(const RenderedMessage& rendered, const Message& message, const Unit& unit,
                         const EmailSettings& settings, Instant now);

/// A display name and an address.
struct Mailbox {
  std::string name;  ///< may be empty
  std::string address;
};

/// Parses "Name <addr@host>", "\"Name\" <addr@host>" or "addr@host".
/// nullopt when there is no address (no '@', or an unclosed '<').
std::optional<Mailbox> parse_mailbox(std::string_view text);

/// The value of a header that holds free text (Subject), for a header named
/// `header_name`: printable ASCII stays as is (folded at spaces); anything
/// else becomes RFC 2047 B-encoded UTF-8 words ("=?UTF-8?B?...?="), each at
/// most 75 characters and split only between whole UTF-8 characters, one per
/// line, so that no line (including "Name: ") passes 76 characters. Invalid
/// UTF-8 bytes become U+FFFD.
std::string encode_header_text(std::string_view header_name, std::string_view text);

/// "Thu, 23 Nov 2023 13:00:03 +0000" (RFC 5322 date-time, UTC).
std::string format_rfc5322_date(Instant instant);

}  // namespace plazo
