#pragma once
/// \file
/// What became of one delivery attempt, and the rules that decide it from
/// what the transfer saw. A notifier only says sent / retry / give up; the
/// outbox stage owns backoff, limits and dead letters (DESIGN.md, Delivery).
///
/// Classification, in this order:
///  1. A server reply code of 400 or more decides: HTTP 408, 429 and 5xx are
///     retryable, other 4xx permanent; SMTP 4xx retryable, 5xx permanent
///     (this covers a rejected recipient, a refused sender, a failed login).
///  2. Otherwise a libcurl error decides: anything about reaching the server
///     or the transfer breaking (DNS, connection refused, timeouts, TLS
///     handshake, a reset or truncated answer, cancelled at shutdown) is
///     retryable. A server certificate that fails verification is retryable
///     too: it is the receiver's state (an expired or renewing certificate),
///     often fixed within the retry window, and every attempt logs the reason.
///     Problems that only the admin can fix and a retry cannot (a malformed
///     or unsupported URL, an unreadable CA file, STARTTLS required but not
///     offered, a password file that cannot be read) are permanent.
///  3. Otherwise the reply: HTTP 2xx and SMTP 2xx are sent; HTTP 3xx is
///     permanent (redirects are never followed: the webhook URL must be
///     updated); anything else is retryable.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "domain/dates.h"

namespace plazo {

/// The verdict on one attempt.
enum class DeliveryStatus { kSent, kRetryable, kPermanent };
/// "sent", "retryable", "permanent".
std::string_view to_string(DeliveryStatus status);

/// The outcome of one delivery attempt, as reported to the caller.
struct DeliveryOutcome {
  DeliveryStatus status = DeliveryStatus::kRetryable;
  int code = 0;       ///< HTTP status or SMTP reply code; 0 = none received
  std::string error;  ///< empty when sent; one sentence for the admin (English)
  std::optional<std::chrono::seconds> retry_after;  ///< the server's Retry-After, if any
  std::chrono::milliseconds duration{0};            ///< time the attempt took
};

/// Which protocol a transfer spoke (the meaning of its reply code).
enum class TransferProtocol { kHttp, kSmtp };

/// What a transport saw of one transfer. Plain data, so classification is
/// tested without a network.
struct TransferResult {
  TransferProtocol protocol = TransferProtocol::kHttp;
  int curl_code = 0;                       ///< CURLcode; 0 (CURLE_OK) when the transfer completed
  std::string curl_error;                  ///< libcurl's error buffer; may be empty
  long response_code = 0;                  ///< HTTP status or last SMTP reply code; 0 = none
  std::optional<std::string> retry_after;  ///< the Retry-After header as received
  std::optional<std::string> location;     ///< the Location header (redirects)
  std::string response_excerpt;            ///< start of the HTTP body or the last SMTP reply line
  std::chrono::milliseconds duration{0};
};

/// Classifies a transfer (see the file comment). `now` is the time the
/// answer arrived, for a Retry-After given as an HTTP-date.
DeliveryOutcome classify_transfer(const TransferResult& result, Instant now);

/// Parses a Retry-After value: delay-seconds ("120") or an HTTP-date
/// ("Wed, 21 Oct 2015 07:28:00 GMT", also the obsolete RFC 850 and asctime
/// forms), the latter relative to `now` and 0 when already past. Capped at
/// 7 days so that adding it to an instant cannot overflow. nullopt when
/// malformed.
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value, Instant now);

}  // namespace plazo
