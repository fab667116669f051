#include "notifiers/delivery_policy.h"

#include <algorithm>
#include <cctype>

namespace plazo {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::optional<std::string_view> default_port(std::string_view scheme) {
  if (scheme == "http") return "80";
  if (scheme == "https") return "443";
  if (scheme == "smtp") return "25";
  if (scheme == "smtps") return "465";
  return std::nullopt;
}

}  // namespace

std::optional<std::string> destination_of(std::string_view url) {
  const auto separator = url.find("://");
  if (separator == std::string_view::npos || separator == 0) return std::nullopt;
  const std::string scheme = lower(url.substr(0, separator));
  std::string_view authority = url.substr(separator + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  std::string_view host = authority;
  std::string_view port;
  // "[::1]:8080": the port follows the closing bracket, not the last colon.
  const auto bracket = authority.rfind(']');
  const auto colon = authority.rfind(':');
  if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return std::nullopt;
  if (port.empty()) {
    auto known = default_port(scheme);
    if (!known) return std::nullopt;
    port = *known;
  }
  return scheme + "://" + lower(host) + ":" + std::string(port);
}

std::chrono::seconds backoff_after(int failures, std::chrono::seconds initial,
                                   std::chrono::seconds max) {
  std::chrono::seconds backoff = std::min(initial, max);
  // Doubling stops at the cap, so a large `failures` cannot overflow.
  for (int i = 1; i < failures && backoff < max; ++i) backoff = std::min(backoff * 2, max);
  return backoff;
}

std::chrono::seconds with_jitter(std::chrono::seconds backoff, std::mt19937_64& random) {
  const int64_t high = std::max<int64_t>(backoff.count(), 1);
  std::uniform_int_distribution<int64_t> pick(std::max<int64_t>(high / 2, 1), high);
  return std::chrono::seconds{pick(random)};
}

std::chrono::seconds retry_delay(std::chrono::seconds backoff,
                                 std::optional<std::chrono::seconds> retry_after,
                                 std::mt19937_64& random) {
  const auto delay = with_jitter(backoff, random);
  return retry_after ? std::max(delay, *retry_after) : delay;
}

}  // namespace plazo
