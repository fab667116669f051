// Counting messages by channel, kind and result, and attempt durations.
#include "daemon/metrics.h"

#include <gtest/gtest.h>

#include "support/fake_transport.h"

namespace plazo {
namespace {

using testing::FakeTransport;

int64_t count(const MetricsSample& sample, Channel channel, const std::string& kind,
              MessageResult result) {
  auto it = sample.messages.find({channel, kind, result});
  return it == sample.messages.end() ? 0 : it->second;
}

TEST(Metrics, KindLabelsNameEachKindOnce) {
  EXPECT_EQ(kind_labels({ItemKind::kUpcoming, ItemKind::kOverdue}),
            (std::vector<KindLabel>{"upcoming", "overdue"}));
  EXPECT_EQ(kind_labels({}), (std::vector<KindLabel>{"unknown"}));
}

TEST(Metrics, DueCountsAddUpPerChannelAndKind) {
  DeliveryMetrics metrics;
  metrics.count_due({{{Channel::kEmail, ItemKind::kToday}, 2},
                     {{Channel::kEmail, ItemKind::kEscalation}, 1},
                     {{Channel::kWebhook, ItemKind::kReportDue}, 1}});
  metrics.count_due({{{Channel::kEmail, ItemKind::kToday}, 3}});
  auto sample = metrics.sample();
  EXPECT_EQ(count(sample, Channel::kEmail, "today", MessageResult::kDue), 5);
  EXPECT_EQ(count(sample, Channel::kEmail, "escalation", MessageResult::kDue), 1);
  EXPECT_EQ(count(sample, Channel::kWebhook, "report_due", MessageResult::kDue), 1);
  EXPECT_EQ(count(sample, Channel::kWebhook, "today", MessageResult::kDue), 0);
}

TEST(Metrics, AttemptVerdictsMapToResults) {
  DeliveryMetrics metrics;
  metrics.record_attempt(Channel::kWebhook, {ItemKind::kToday}, FakeTransport::sent(200));
  metrics.record_attempt(Channel::kWebhook, {ItemKind::kToday},
                         FakeTransport::retryable("503", 503));
  metrics.record_attempt(Channel::kWebhook, {ItemKind::kToday, ItemKind::kOverdue},
                         FakeTransport::permanent("404", 404));
  metrics.record_attempt(Channel::kEmail, {}, FakeTransport::sent(250));
  auto sample = metrics.sample();
  EXPECT_EQ(count(sample, Channel::kWebhook, "today", MessageResult::kSent), 1);
  EXPECT_EQ(count(sample, Channel::kWebhook, "today", MessageResult::kFailed), 1);
  EXPECT_EQ(count(sample, Channel::kWebhook, "today", MessageResult::kDead), 1);
  EXPECT_EQ(count(sample, Channel::kWebhook, "overdue", MessageResult::kDead), 1);
  EXPECT_EQ(count(sample, Channel::kEmail, "unknown", MessageResult::kSent), 1);
  // One duration per attempt, whatever the number of kinds.
  EXPECT_EQ(sample.durations[Channel::kWebhook].count, 3);
  EXPECT_EQ(sample.durations[Channel::kEmail].count, 1);
}

TEST(Metrics, HistogramBucketsByUpperBound) {
  DurationHistogram histogram;
  histogram.observe(std::chrono::milliseconds(50));      // exactly on 0.05: in it
  histogram.observe(std::chrono::milliseconds(51));      // next bucket
  histogram.observe(std::chrono::milliseconds(200000));  // past the last bound
  EXPECT_EQ(histogram.counts[0], 1);
  EXPECT_EQ(histogram.counts[1], 1);
  EXPECT_EQ(histogram.over, 1);
  EXPECT_EQ(histogram.count, 3);
  EXPECT_DOUBLE_EQ(histogram.sum_seconds, 200.101);
}

}  // namespace
}  // namespace plazo
