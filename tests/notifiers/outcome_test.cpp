#include "notifiers/outcome.h"

#include <curl/curl.h>
#include <gtest/gtest.h>

namespace plazo {
namespace {

using std::chrono::seconds;

const Instant kNow = date::sys_days{date::year{2015} / 10 / 21} + std::chrono::hours{7};

TransferResult http(long code) {
  TransferResult result;
  result.protocol = TransferProtocol::kHttp;
  result.response_code = code;
  return result;
}

TransferResult smtp(long code, CURLcode curl = CURLE_OK) {
  TransferResult result;
  result.protocol = TransferProtocol::kSmtp;
  result.response_code = code;
  result.curl_code = curl;
  return result;
}

TransferResult curl_error(CURLcode curl, std::string detail = "") {
  TransferResult result;
  result.curl_code = curl;
  result.curl_error = std::move(detail);
  return result;
}

struct Row {
  TransferResult result;
  DeliveryStatus expected;
  const char* label;
};

TEST(Outcome, ClassificationTable) {
  const std::vector<Row> table = {
      {http(200), DeliveryStatus::kSent, "HTTP 200"},
      {http(202), DeliveryStatus::kSent, "HTTP 202"},
      {http(204), DeliveryStatus::kSent, "HTTP 204"},
      {http(301), DeliveryStatus::kPermanent, "HTTP 301"},
      {http(302), DeliveryStatus::kPermanent, "HTTP 302"},
      {http(307), DeliveryStatus::kPermanent, "HTTP 307"},
      {http(400), DeliveryStatus::kPermanent, "HTTP 400"},
      {http(401), DeliveryStatus::kPermanent, "HTTP 401"},
      {http(403), DeliveryStatus::kPermanent, "HTTP 403"},
      {http(404), DeliveryStatus::kPermanent, "HTTP 404"},
      {http(408), DeliveryStatus::kRetryable, "HTTP 408"},
      {http(410), DeliveryStatus::kPermanent, "HTTP 410"},
      {http(413), DeliveryStatus::kPermanent, "HTTP 413"},
      {http(429), DeliveryStatus::kRetryable, "HTTP 429"},
      {http(500), DeliveryStatus::kRetryable, "HTTP 500"},
      {http(502), DeliveryStatus::kRetryable, "HTTP 502"},
      {http(503), DeliveryStatus::kRetryable, "HTTP 503"},
      {http(504), DeliveryStatus::kRetryable, "HTTP 504"},
      {http(100), DeliveryStatus::kRetryable, "HTTP 100"},
      {smtp(250), DeliveryStatus::kSent, "SMTP 250"},
      {smtp(421, CURLE_WEIRD_SERVER_REPLY), DeliveryStatus::kRetryable, "SMTP 421"},
      {smtp(450, CURLE_SEND_ERROR), DeliveryStatus::kRetryable, "SMTP 450 rcpt"},
      {smtp(451, CURLE_WEIRD_SERVER_REPLY), DeliveryStatus::kRetryable, "SMTP 451"},
      {smtp(452, CURLE_SEND_ERROR), DeliveryStatus::kRetryable, "SMTP 452"},
      {smtp(454, CURLE_LOGIN_DENIED), DeliveryStatus::kRetryable, "SMTP 454 auth"},
      {smtp(535, CURLE_LOGIN_DENIED), DeliveryStatus::kPermanent, "SMTP 535 auth"},
      {smtp(550, CURLE_SEND_ERROR), DeliveryStatus::kPermanent, "SMTP 550 rcpt"},
      {smtp(554, CURLE_WEIRD_SERVER_REPLY), DeliveryStatus::kPermanent, "SMTP 554 data"},
      {curl_error(CURLE_COULDNT_CONNECT), DeliveryStatus::kRetryable, "connection refused"},
      {curl_error(CURLE_COULDNT_RESOLVE_HOST), DeliveryStatus::kRetryable, "DNS"},
      {curl_error(CURLE_OPERATION_TIMEDOUT), DeliveryStatus::kRetryable, "timeout"},
      {curl_error(CURLE_SSL_CONNECT_ERROR), DeliveryStatus::kRetryable, "TLS handshake"},
      {curl_error(CURLE_PEER_FAILED_VERIFICATION), DeliveryStatus::kRetryable, "certificate"},
      {curl_error(CURLE_GOT_NOTHING), DeliveryStatus::kRetryable, "empty reply"},
      {curl_error(CURLE_RECV_ERROR), DeliveryStatus::kRetryable, "reset"},
      {curl_error(CURLE_SEND_ERROR), DeliveryStatus::kRetryable, "send error"},
      {curl_error(CURLE_PARTIAL_FILE), DeliveryStatus::kRetryable, "truncated"},
      {curl_error(CURLE_URL_MALFORMAT), DeliveryStatus::kPermanent, "bad URL"},
      {curl_error(CURLE_UNSUPPORTED_PROTOCOL), DeliveryStatus::kPermanent, "ftp://"},
      {curl_error(CURLE_SSL_CACERT_BADFILE), DeliveryStatus::kPermanent, "CA file"},
      {curl_error(CURLE_USE_SSL_FAILED), DeliveryStatus::kPermanent, "no STARTTLS"},
      {smtp(0, CURLE_COULDNT_CONNECT), DeliveryStatus::kRetryable, "SMTP refused"},
      {smtp(250, CURLE_RECV_ERROR), DeliveryStatus::kRetryable, "SMTP dropped after 250"},
  };
  for (const auto& row : table) {
    const DeliveryOutcome outcome = classify_transfer(row.result, kNow);
    EXPECT_EQ(to_string(outcome.status), to_string(row.expected)) << row.label;
    EXPECT_EQ(outcome.code, row.result.response_code) << row.label;
    EXPECT_EQ(outcome.error.empty(), row.expected == DeliveryStatus::kSent) << row.label;
  }
}

TEST(Outcome, ErrorsSayWhatHappened) {
  TransferResult not_found = http(404);
  not_found.response_excerpt = "{\"error\":\"no such hook\"}\n";
  EXPECT_EQ(classify_transfer(not_found, kNow).error, "HTTP 404: {\"error\":\"no such hook\"}");

  TransferResult redirect = http(301);
  redirect.location = "https://new.example.org/hook\r\n";
  EXPECT_EQ(
      classify_transfer(redirect, kNow).error,
      "HTTP 301 redirect to https://new.example.org/hook not followed; update the webhook URL");

  TransferResult rejected = smtp(550, CURLE_SEND_ERROR);
  rejected.response_excerpt = "550 5.1.1 <x@example.org>: Recipient address rejected";
  EXPECT_EQ(classify_transfer(rejected, kNow).error,
            "SMTP 550: 550 5.1.1 <x@example.org>: Recipient address rejected");

  const auto refused = classify_transfer(
      curl_error(CURLE_COULDNT_CONNECT, "Failed to connect to 127.0.0.1 port 9"), kNow);
  EXPECT_EQ(refused.error, "Couldn't connect to server: Failed to connect to 127.0.0.1 port 9");

  const auto certificate = classify_transfer(curl_error(CURLE_PEER_FAILED_VERIFICATION), kNow);
  EXPECT_EQ(certificate.error.rfind("TLS certificate verification failed: ", 0), 0u)
      << certificate.error;
}

TEST(Outcome, RetryAfterIsKeptOnRetryableAnswers) {
  TransferResult throttled = http(429);
  throttled.retry_after = "7";
  const auto outcome = classify_transfer(throttled, kNow);
  EXPECT_EQ(outcome.status, DeliveryStatus::kRetryable);
  ASSERT_TRUE(outcome.retry_after);
  EXPECT_EQ(*outcome.retry_after, seconds{7});

  TransferResult unavailable = http(503);
  unavailable.retry_after = "Wed, 21 Oct 2015 07:28:00 GMT";
  EXPECT_EQ(classify_transfer(unavailable, kNow).retry_after, seconds{28 * 60});

  TransferResult ok = http(200);
  ok.retry_after = "7";
  EXPECT_FALSE(classify_transfer(ok, kNow).retry_after);
}

TEST(RetryAfter, Parses) {
  EXPECT_EQ(parse_retry_after("7", kNow), seconds{7});
  EXPECT_EQ(parse_retry_after(" 120 ", kNow), seconds{120});
  EXPECT_EQ(parse_retry_after("0", kNow), seconds{0});
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", kNow), seconds{1680});
  EXPECT_EQ(parse_retry_after("Wednesday, 21-Oct-15 07:00:30 GMT", kNow), seconds{30});
  EXPECT_EQ(parse_retry_after("Wed Oct 21 07:01:00 2015", kNow), seconds{60});
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 06:00:00 GMT", kNow), seconds{0});
  EXPECT_EQ(parse_retry_after("99999999999999999999999", kNow), seconds{7 * 24 * 3600});
  EXPECT_EQ(parse_retry_after("864000", kNow), seconds{7 * 24 * 3600});
  EXPECT_EQ(parse_retry_after("Fri, 21 Oct 2016 07:00:00 GMT", kNow), seconds{7 * 24 * 3600});
  EXPECT_FALSE(parse_retry_after("", kNow));
  EXPECT_FALSE(parse_retry_after("-5", kNow));
  EXPECT_FALSE(parse_retry_after("1.5", kNow));
  EXPECT_FALSE(parse_retry_after("soon", kNow));
  EXPECT_FALSE(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT trailing", kNow));
  EXPECT_FALSE(parse_retry_after("Wed, 32 Oct 2015 07:28:00 GMT", kNow));
}

}  // namespace
}  // namespace plazo
