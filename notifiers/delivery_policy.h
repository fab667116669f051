#pragma once
/// \file
/// The pure parts of the delivery stage (notifiers/delivery.h): where a
/// delivery goes (its destination, the unit of pausing) and how long to wait
/// before trying again. No I/O, no clock: the caller passes what they need,
/// so the rules are tested on their own.

#include <chrono>
#include <optional>
#include <random>
#include <string>
#include <string_view>

namespace plazo {

/// The destination of a URL: "scheme://host:port", scheme and host in lower
/// case, the port explicit (http 80, https 443, smtp 25, smtps 465 when the
/// URL has none). User info, path, query and fragment are left out, so the
/// key never holds a secret (Slack and Teams put theirs in the path).
/// nullopt when the URL has no "scheme://host" or an unknown scheme without
/// a port.
std::optional<std::string> destination_of(std::string_view url);

/// The wait before the retry after `failures` failed attempts (1, 2, ...):
/// `initial` doubled per failure after the first, capped at `max`. Never
/// overflows, whatever `failures` is.
std::chrono::seconds backoff_after(int failures, std::chrono::seconds initial,
                                   std::chrono::seconds max);

/// "Full jitter" over the upper half: a uniformly random wait in
/// [backoff / 2, backoff], so retries of many messages that failed together
/// spread out instead of arriving at once. At least one second.
std::chrono::seconds with_jitter(std::chrono::seconds backoff, std::mt19937_64& random);

/// The wait before the next try after a retryable failure: the jittered
/// backoff, or the server's Retry-After when that is longer.
std::chrono::seconds retry_delay(std::chrono::seconds backoff,
                                 std::optional<std::chrono::seconds> retry_after,
                                 std::mt19937_64& random);

}  // namespace plazo
