#include "support/fake_transport.h"

#include <gtest/gtest.h>

namespace plazo {
namespace {

using testing::FakeTransport;

HttpRequest request(std::string url) {
  HttpRequest out;
  out.url = std::move(url);
  return out;
}

TEST(FakeTransport, AnswersFromItsScriptThenSends) {
  FakeTransport transport({FakeTransport::retryable("HTTP 503", 503),
                           FakeTransport::retryable("timed out"), FakeTransport::sent(200)});
  std::vector<DeliveryOutcome> outcomes;
  for (int i = 0; i < 4; ++i) {
    transport.submit(request("http://127.0.0.1/" + std::to_string(i)),
                     [&](DeliveryOutcome outcome) { outcomes.push_back(std::move(outcome)); });
  }
  ASSERT_EQ(outcomes.size(), 4u);
  EXPECT_EQ(outcomes[0].status, DeliveryStatus::kRetryable);
  EXPECT_EQ(outcomes[0].code, 503);
  EXPECT_EQ(outcomes[1].error, "timed out");
  EXPECT_EQ(outcomes[2].status, DeliveryStatus::kSent);
  EXPECT_EQ(outcomes[2].code, 200);
  EXPECT_EQ(outcomes[3].status, DeliveryStatus::kSent);
  ASSERT_EQ(transport.jobs().size(), 4u);
  EXPECT_EQ(std::get<HttpRequest>(transport.jobs()[3]).url, "http://127.0.0.1/3");
}

TEST(FakeTransport, RefusesAfterShutdown) {
  FakeTransport transport;
  transport.shutdown();
  std::optional<DeliveryOutcome> outcome;
  transport.submit(EmailJob{}, [&](DeliveryOutcome o) { outcome = std::move(o); });
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->status, DeliveryStatus::kRetryable);
  EXPECT_EQ(outcome->error, "transport is shut down");
  EXPECT_TRUE(transport.jobs().empty());
}

}  // namespace
}  // namespace plazo
