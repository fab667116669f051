#include "config/values.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <vector>

namespace plazo {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
char to_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string lowercase(std::string_view text) {
  std::string result(text);
  std::transform(result.begin(), result.end(), result.begin(), to_lower);
  return result;
}

bool parse_digits(std::string_view text, int& out) {
  if (text.empty() || text.size() > 9) return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

bool has_control_character(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7f;
  });
}

// RFC 5322 atext.
bool is_atext(char c) {
  static constexpr std::string_view kSpecials = "!#$%&'*+-/=?^_`{|}~";
  return is_alpha(c) || is_digit(c) || kSpecials.find(c) != std::string_view::npos;
}

bool is_dns_label(std::string_view label) {
  if (label.empty() || label.size() > 63) return false;
  if (label.front() == '-' || label.back() == '-') return false;
  return std::all_of(label.begin(), label.end(),
                     [](char c) { return is_alpha(c) || is_digit(c) || c == '-'; });
}

bool is_domain(std::string_view domain) {
  if (domain.empty() || domain.size() > 253) return false;
  std::size_t start = 0;
  while (true) {
    const auto dot = domain.find('.', start);
    if (!is_dns_label(domain.substr(start, dot - start))) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

bool is_ipv4_literal(const std::string& host) {
  in_addr address{};
  return inet_pton(AF_INET, host.c_str(), &address) == 1;
}

bool is_ipv6_literal(const std::string& host) {
  in6_addr address{};
  return inet_pton(AF_INET6, host.c_str(), &address) == 1;
}

Result<int> parse_port(std::string_view text) {
  int port = 0;
  if (!parse_digits(text, port) || port < 1 || port > 65535) {
    return Error{"port \"" + std::string(text) + "\" is not a number from 1 to 65535"};
  }
  return port;
}

}  // namespace

bool is_slug(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || is_digit(c) || c == '-' || c == '_';
  });
}

std::optional<std::chrono::minutes> parse_time_of_day(std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 2 || text.size() != colon + 3) {
    return std::nullopt;
  }
  int hour = 0;
  int minute = 0;
  if (!parse_digits(text.substr(0, colon), hour) || !parse_digits(text.substr(colon + 1), minute)) {
    return std::nullopt;
  }
  if (hour > 23 || minute > 59) return std::nullopt;
  return std::chrono::minutes{hour * 60 + minute};
}

std::optional<std::chrono::seconds> parse_duration(std::string_view text) {
  struct UnitSpec {
    char name;
    long long seconds;
  };
  static constexpr std::array<UnitSpec, 4> kUnits{{{'d', 86400}, {'h', 3600}, {'m', 60}, {'s', 1}}};
  constexpr long long kMaxSeconds = 100LL * 366 * 86400;
  if (text.empty()) return std::nullopt;
  long long total = 0;
  std::size_t next_unit = 0;  // units must come in decreasing order, each once
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = pos;
    while (end < text.size() && is_digit(text[end])) ++end;
    int amount = 0;
    if (end == pos || end == text.size() || !parse_digits(text.substr(pos, end - pos), amount)) {
      return std::nullopt;
    }
    std::size_t unit = next_unit;
    while (unit < kUnits.size() && kUnits[unit].name != text[end]) ++unit;
    if (unit == kUnits.size()) return std::nullopt;
    total += amount * kUnits[unit].seconds;
    if (total > kMaxSeconds) return std::nullopt;
    next_unit = unit + 1;
    pos = end + 1;
  }
  return std::chrono::seconds{total};
}

std::string format_duration(std::chrono::seconds duration) {
  long long left = duration.count();
  if (left <= 0) return "0s";
  std::string text;
  for (const auto& [name, seconds] : {std::pair{'d', 86400LL}, std::pair{'h', 3600LL},
                                      std::pair{'m', 60LL}, std::pair{'s', 1LL}}) {
    if (left >= seconds) {
      text += std::to_string(left / seconds);
      text += name;
      left %= seconds;
    }
  }
  return text;
}

std::optional<date::month_day> parse_month_day(std::string_view text) {
  if (text.size() != 5 || text[2] != '-') return std::nullopt;
  int month = 0;
  int day = 0;
  if (!parse_digits(text.substr(0, 2), month) || !parse_digits(text.substr(3, 2), day)) {
    return std::nullopt;
  }
  if (month < 1 || day < 1) return std::nullopt;
  const date::month_day result{date::month{static_cast<unsigned>(month)},
                               date::day{static_cast<unsigned>(day)}};
  if (!result.ok()) return std::nullopt;
  return result;
}

bool is_email_address(std::string_view text) {
  const auto at = text.rfind('@');
  if (at == std::string_view::npos) return false;
  const auto local = text.substr(0, at);
  const auto domain = text.substr(at + 1);
  if (local.empty() || local.size() > 64) return false;
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) {
    return false;
  }
  if (!std::all_of(local.begin(), local.end(), [](char c) { return c == '.' || is_atext(c); })) {
    return false;
  }
  return is_domain(domain);
}

Result<std::string> mailbox_address(std::string_view mailbox) {
  const std::string_view text = trim(mailbox);
  if (has_control_character(text)) {
    return Error{"\"" + std::string(mailbox) + "\" contains a control character"};
  }
  const auto open = text.find('<');
  if (open == std::string_view::npos) {
    if (!is_email_address(text)) {
      return Error{"\"" + std::string(text) + "\" is not a valid email address"};
    }
    return std::string(text);
  }
  if (text.back() != '>') {
    return Error{"\"" + std::string(text) + "\" has no closing '>' after the address"};
  }
  const std::string_view address = text.substr(open + 1, text.size() - open - 2);
  const std::string_view name = trim(text.substr(0, open));
  if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
    // A quoted display name may hold anything but a bare quote or backslash.
    const auto inner = name.substr(1, name.size() - 2);
    if (inner.find_first_of("\"\\") != std::string_view::npos) {
      return Error{"the display name " + std::string(name) + " has a quote or backslash inside"};
    }
  } else if (name.find_first_of("()<>[]:;@\\,\"") != std::string_view::npos) {
    return Error{"the display name \"" + std::string(name) +
                 "\" has special characters and needs double quotes around it"};
  }
  if (!is_email_address(address)) {
    return Error{"\"" + std::string(address) + "\" is not a valid email address"};
  }
  return std::string(address);
}

Result<UrlParts> parse_url(std::string_view text) {
  const std::string quoted = "\"" + std::string(text) + "\"";
  if (text.find_first_of(" \t") != std::string_view::npos || has_control_character(text)) {
    return Error{quoted + " contains a space or control character"};
  }
  const auto separator = text.find("://");
  if (separator == std::string_view::npos || separator == 0) {
    return Error{quoted + " is not a URL"};
  }
  UrlParts parts;
  parts.scheme = lowercase(text.substr(0, separator));
  if (!is_alpha(parts.scheme.front()) ||
      !std::all_of(parts.scheme.begin(), parts.scheme.end(), [](char c) {
        return is_alpha(c) || is_digit(c) || c == '+' || c == '-' || c == '.';
      })) {
    return Error{quoted + " is not a URL"};
  }
  const std::string_view after = text.substr(separator + 3);
  const auto authority_end = after.find_first_of("/?#");
  const std::string_view authority = after.substr(0, authority_end);
  if (authority_end != std::string_view::npos) {
    parts.rest = std::string(after.substr(authority_end));
  }
  if (authority.find('@') != std::string_view::npos) {
    return Error{quoted + " contains credentials"};
  }
  if (authority.empty()) return Error{quoted + " has no host"};

  std::string_view port_text;
  bool has_port = false;
  if (authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return Error{quoted + " has an unclosed '[' in its host"};
    parts.host = std::string(authority.substr(1, close - 1));
    if (!is_ipv6_literal(parts.host)) {
      return Error{"\"" + parts.host + "\" in " + quoted + " is not an IPv6 address"};
    }
    const std::string_view tail = authority.substr(close + 1);
    if (!tail.empty()) {
      if (tail.front() != ':') return Error{quoted + " has text after the IPv6 address"};
      port_text = tail.substr(1);
      has_port = true;
    }
  } else {
    const auto colon = authority.rfind(':');
    parts.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      has_port = true;
    }
    if (parts.host.empty()) return Error{quoted + " has no host"};
    if (!is_domain(parts.host)) {
      return Error{"\"" + parts.host + "\" in " + quoted + " is not a valid host name"};
    }
  }
  if (has_port) {
    auto port = parse_port(port_text);
    if (!port) return Error{port.error().message + " in " + quoted};
    parts.port = *port;
  }
  return parts;
}

bool is_loopback_host(std::string_view host) {
  const std::string name = lowercase(host);
  if (name == "localhost" || name == "::1") return true;
  in_addr address{};
  if (inet_pton(AF_INET, name.c_str(), &address) == 1) {
    return (ntohl(address.s_addr) >> 24) == 127;
  }
  return false;
}

Result<ListenAddress> parse_listen_address(std::string_view text) {
  const std::string quoted = "\"" + std::string(text) + "\"";
  std::string host;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos) return Error{quoted + " has an unclosed '['"};
    host = std::string(text.substr(1, close - 1));
    if (!is_ipv6_literal(host)) return Error{"\"" + host + "\" is not an IPv6 address"};
    const std::string_view tail = text.substr(close + 1);
    if (tail.empty() || tail.front() != ':') return Error{quoted + " has no port"};
    port_text = tail.substr(1);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return Error{quoted + " has no port"};
    host = std::string(text.substr(0, colon));
    if (host.find(':') != std::string::npos) {
      return Error{"the IPv6 address in " + quoted + " needs brackets"};
    }
    if (!is_ipv4_literal(host)) return Error{"\"" + host + "\" is not an IP address"};
    port_text = text.substr(colon + 1);
  }
  auto port = parse_port(port_text);
  if (!port) return Error{port.error().message};
  return ListenAddress{host, static_cast<unsigned short>(*port)};
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // Three rolling rows: the transposition case looks two rows back.
  std::vector<std::size_t> two_back(b.size() + 1);
  std::vector<std::size_t> previous(b.size() + 1);
  std::vector<std::size_t> current(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        current[j] = std::min(current[j], two_back[j - 2] + 1);
      }
    }
    std::swap(two_back, previous);
    std::swap(previous, current);
  }
  return previous[b.size()];
}

std::optional<std::string_view> closest_match(std::string_view word,
                                              std::span<const std::string_view> candidates) {
  const std::string folded = lowercase(word);
  const std::size_t limit = std::max<std::size_t>(1, word.size() / 3);
  std::optional<std::string_view> best;
  std::size_t best_distance = limit + 1;
  for (const auto candidate : candidates) {
    const std::string other = lowercase(candidate);
    std::size_t distance = edit_distance(folded, other);
    // Rewriting every letter is not a typo ("b" is not a misspelt "a").
    if (distance >= std::max(word.size(), candidate.size())) continue;
    // A longer or shorter form of a word is as likely as a typo ("warning"
    // for "warn").
    const auto shorter = std::min(folded.size(), other.size());
    if (shorter >= 3 && folded.compare(0, shorter, other, 0, shorter) == 0) {
      distance = std::min(distance, limit);
    }
    if (distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

}  // namespace plazo
