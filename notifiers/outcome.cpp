#include "notifiers/outcome.h"

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <sstream>

namespace plazo {
namespace {

// Keeps arithmetic on instants safe; the outbox applies its own limits.
constexpr std::chrono::seconds kMaxRetryAfter{std::chrono::hours{24 * 7}};

std::string trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

std::string curl_detail(const TransferResult& result) {
  const std::string description = curl_easy_strerror(static_cast<CURLcode>(result.curl_code));
  const std::string detail = trim(result.curl_error);
  if (detail.empty() || detail == description) return description;
  return description + ": " + detail;
}

// Errors a retry cannot cure: they need the admin to change the config (the
// URL, the CA file, the STARTTLS policy) or the build.
bool permanent_curl_error(int code) {
  switch (static_cast<CURLcode>(code)) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_NOT_BUILT_IN:
    case CURLE_FUNCTION_NOT_FOUND:
    case CURLE_BAD_FUNCTION_ARGUMENT:
    case CURLE_UNKNOWN_OPTION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_USE_SSL_FAILED:
    case CURLE_LOGIN_DENIED:
    case CURLE_FILESIZE_EXCEEDED:
    case CURLE_TOO_MANY_REDIRECTS:
    case CURLE_REMOTE_ACCESS_DENIED:
      return true;
    default:
      return false;
  }
}

std::string curl_error_message(const TransferResult& result) {
  const auto code = static_cast<CURLcode>(result.curl_code);
  if (code == CURLE_PEER_FAILED_VERIFICATION) {
    return "TLS certificate verification failed: " + curl_detail(result);
  }
  if (code == CURLE_USE_SSL_FAILED) {
    return "the server does not offer STARTTLS, which starttls = \"required\" demands: " +
           curl_detail(result);
  }
  return curl_detail(result);
}

std::string with_excerpt(std::string message, const std::string& excerpt) {
  const std::string clean = trim(excerpt);
  if (clean.empty()) return message;
  std::string one_line;
  for (const char c : clean) one_line += (c == '\r' || c == '\n' || c == '\t') ? ' ' : c;
  if (one_line.size() > 200) one_line = one_line.substr(0, 200) + "...";
  return message + ": " + one_line;
}

std::optional<Instant> parse_http_date(const std::string& text) {
  // RFC 9110 section 5.6.7: IMF-fixdate, then the obsolete RFC 850 and asctime.
  static constexpr std::array<const char*, 3> kFormats = {
      "%a, %d %b %Y %H:%M:%S GMT", "%A, %d-%b-%y %H:%M:%S GMT", "%a %b %e %H:%M:%S %Y"};
  for (const char* format : kFormats) {
    std::istringstream in(text);
    in.imbue(std::locale::classic());
    date::sys_seconds parsed;
    in >> date::parse(format, parsed);
    if (!in.fail()) {
      in >> std::ws;
      if (in.eof()) return parsed;
    }
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(DeliveryStatus status) {
  switch (status) {
    case DeliveryStatus::kSent:
      return "sent";
    case DeliveryStatus::kRetryable:
      return "retryable";
    case DeliveryStatus::kPermanent:
      return "permanent";
  }
  return "retryable";
}

std::optional<std::chrono::seconds> parse_retry_after(std::string_view value, Instant now) {
  const std::string text = trim(value);
  if (text.empty()) return std::nullopt;
  if (text.find_first_not_of("0123456789") == std::string::npos) {
    long long seconds = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (ec == std::errc::result_out_of_range) return kMaxRetryAfter;
    if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
    return std::min(std::chrono::seconds{seconds}, kMaxRetryAfter);
  }
  const auto when = parse_http_date(text);
  if (!when) return std::nullopt;
  if (*when <= now) return std::chrono::seconds{0};
  return std::min(std::chrono::duration_cast<std::chrono::seconds>(*when - now), kMaxRetryAfter);
}

DeliveryOutcome classify_transfer(const TransferResult& result, Instant now) {
  DeliveryOutcome outcome;
  outcome.code = static_cast<int>(result.response_code);
  outcome.duration = result.duration;
  if (result.retry_after) outcome.retry_after = parse_retry_after(*result.retry_after, now);
  const long code = result.response_code;
  const bool smtp = result.protocol == TransferProtocol::kSmtp;
  const std::string protocol = smtp ? "SMTP " : "HTTP ";

  if (code >= 400) {
    const bool retryable =
        smtp ? code < 500 : (code == 408 || code == 429 || (code >= 500 && code < 600));
    outcome.status = retryable ? DeliveryStatus::kRetryable : DeliveryStatus::kPermanent;
    std::string message = protocol + std::to_string(code);
    if (!result.response_excerpt.empty()) {
      message = with_excerpt(message, result.response_excerpt);
    } else if (result.curl_code != CURLE_OK) {
      message += " (" + curl_detail(result) + ")";
    }
    outcome.error = message;
    return outcome;
  }

  if (result.curl_code != CURLE_OK) {
    outcome.status = permanent_curl_error(result.curl_code) ? DeliveryStatus::kPermanent
                                                            : DeliveryStatus::kRetryable;
    outcome.error = curl_error_message(result);
    return outcome;
  }

  if (code >= 200 && code < 300) {
    outcome.status = DeliveryStatus::kSent;
    outcome.retry_after.reset();
    return outcome;
  }
  if (!smtp && code >= 300 && code < 400) {
    outcome.status = DeliveryStatus::kPermanent;
    outcome.error = protocol + std::to_string(code) + " redirect" +
                    (result.location ? " to " + trim(*result.location) : std::string()) +
                    " not followed; update the webhook URL";
    return outcome;
  }
  outcome.status = DeliveryStatus::kRetryable;
  outcome.error = with_excerpt(
      code == 0 ? "no reply code from the server" : "unexpected " + protocol + std::to_string(code),
      result.response_excerpt);
  return outcome;
}

}  // namespace plazo
