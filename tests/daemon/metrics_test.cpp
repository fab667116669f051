// Counting messages by channel, kind and result, and the transport wrapper
// that records each attempt's verdict.
#include "daemon/metrics.h"

#include <gtest/gtest.h>

#include "support/fake_transport.h"

namespace plazo {
namespace {

using testing::FakeTransport;

Message message_with(Channel channel, std::vector<ItemKind> kinds, std::string key) {
  Message message;
  message.channel = channel;
  message.key = std::move(key);
  for (ItemKind kind : kinds) {
    MessageItem item;
    item.kind = kind;
    message.items.push_back(item);
  }
  return message;
}

int64_t count(const MetricsSample& sample, Channel channel, const std::string& kind,
              MessageResult result) {
  auto it = sample.messages.find({channel, kind, result});
  return it == sample.messages.end() ? 0 : it->second;
}

DeliveryJob webhook_job(const std::string& key) {
  HttpRequest request;
  request.url = "http://127.0.0.1:1/hook";
  request.headers.push_back({"Idempotency-Key", key});
  return request;
}

DeliveryJob email_job(const std::string& key) {
  EmailJob job;
  job.email.key = key;
  return job;
}

TEST(Metrics, KindLabelsAreDistinctAndOrdered) {
  auto message = message_with(Channel::kEmail,
                              {ItemKind::kOverdue, ItemKind::kUpcoming, ItemKind::kOverdue}, "k");
  EXPECT_EQ(kind_labels(message), (std::vector<KindLabel>{"upcoming", "overdue"}));
  EXPECT_EQ(kind_labels(Message{}), (std::vector<KindLabel>{"unknown"}));
}

TEST(Metrics, DueCountsOncePerKindHeld) {
  DeliveryMetrics metrics;
  metrics.count_due({message_with(Channel::kEmail, {ItemKind::kToday, ItemKind::kEscalation}, "a"),
                     message_with(Channel::kEmail, {ItemKind::kToday}, "b"),
                     message_with(Channel::kWebhook, {ItemKind::kReportDue}, "c")});
  auto sample = metrics.sample();
  EXPECT_EQ(count(sample, Channel::kEmail, "today", MessageResult::kDue), 2);
  EXPECT_EQ(count(sample, Channel::kEmail, "escalation", MessageResult::kDue), 1);
  EXPECT_EQ(count(sample, Channel::kWebhook, "report_due", MessageResult::kDue), 1);
  EXPECT_EQ(count(sample, Channel::kWebhook, "today", MessageResult::kDue), 0);
}

TEST(Metrics, AttemptVerdictsMapToResults) {
  DeliveryMetrics metrics;
  metrics.record_attempt(Channel::kWebhook, {"today"}, FakeTransport::sent(200));
  metrics.record_attempt(Channel::kWebhook, {"today"}, FakeTransport::retryable("503", 503));
  metrics.record_attempt(Channel::kWebhook, {"today", "overdue"},
                         FakeTransport::permanent("404", 404));
  auto sample = metrics.sample();
  EXPECT_EQ(count(sample, Channel::kWebhook, "today", MessageResult::kSent), 1);
  EXPECT_EQ(count(sample, Channel::kWebhook, "today", MessageResult::kFailed), 1);
  EXPECT_EQ(count(sample, Channel::kWebhook, "today", MessageResult::kDead), 1);
  EXPECT_EQ(count(sample, Channel::kWebhook, "overdue", MessageResult::kDead), 1);
  // One duration per attempt, whatever the number of kinds.
  EXPECT_EQ(sample.durations[Channel::kWebhook].count, 3);
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

TEST(Metrics, MessageKindsRemembersAndForgetsOldest) {
  MessageKinds kinds(2);
  kinds.remember(message_with(Channel::kEmail, {ItemKind::kToday}, "a"));
  kinds.remember(message_with(Channel::kEmail, {ItemKind::kOverdue}, "b"));
  kinds.remember(message_with(Channel::kEmail, {ItemKind::kOverdue}, "b"));  // no duplicate
  EXPECT_EQ(kinds.size(), 2u);
  EXPECT_EQ(kinds.kinds_of("a"), (std::vector<KindLabel>{"today"}));
  kinds.remember(message_with(Channel::kEmail, {ItemKind::kPublishDue}, "c"));
  EXPECT_EQ(kinds.size(), 2u);
  EXPECT_EQ(kinds.kinds_of("a"), (std::vector<KindLabel>{"unknown"}));
  EXPECT_EQ(kinds.kinds_of("b"), (std::vector<KindLabel>{"overdue"}));
  EXPECT_EQ(kinds.kinds_of("c"), (std::vector<KindLabel>{"publish_due"}));
}

TEST(Metrics, MessageKindsForgetsAKeyAndEvictsOnlyWhatIsLeft) {
  MessageKinds kinds(2);
  kinds.remember(message_with(Channel::kEmail, {ItemKind::kToday}, "a"));
  kinds.remember(message_with(Channel::kEmail, {ItemKind::kOverdue}, "b"));
  kinds.forget("a");
  kinds.forget("never");
  EXPECT_EQ(kinds.size(), 1u);
  kinds.remember(message_with(Channel::kEmail, {ItemKind::kPublishDue}, "c"));
  // "a" left room: nothing was evicted for "c".
  EXPECT_EQ(kinds.size(), 2u);
  EXPECT_EQ(kinds.kinds_of("b"), (std::vector<KindLabel>{"overdue"}));
  EXPECT_EQ(kinds.kinds_of("c"), (std::vector<KindLabel>{"publish_due"}));
  kinds.remember(message_with(Channel::kEmail, {ItemKind::kToday}, "d"));
  EXPECT_EQ(kinds.kinds_of("b"), (std::vector<KindLabel>{"unknown"}));
  EXPECT_EQ(kinds.kinds_of("d"), (std::vector<KindLabel>{"today"}));
}

TEST(Metrics, MeteredTransportForgetsAPermanentlyRefusedMessage) {
  FakeTransport inner({FakeTransport::permanent("550 no such user")});
  MessageKinds kinds;
  kinds.remember(message_with(Channel::kEmail, {ItemKind::kToday}, "k"));
  DeliveryMetrics metrics;
  MeteredTransport transport(inner, kinds, metrics);
  transport.submit(email_job("k"), [](DeliveryOutcome) {});
  EXPECT_EQ(count(metrics.sample(), Channel::kEmail, "today", MessageResult::kDead), 1);
  EXPECT_EQ(kinds.size(), 0u);
}

TEST(Metrics, MessageKindsKeysEmptyKeyLikeTheStore) {
  MessageKinds kinds;
  auto message = message_with(Channel::kEmail, {ItemKind::kToday}, "");
  kinds.remember(message);
  EXPECT_EQ(kinds.kinds_of(idempotency_key(message)), (std::vector<KindLabel>{"today"}));
}

TEST(Metrics, JobKeyComesFromHeaderOrEmail) {
  EXPECT_EQ(job_key(webhook_job("abc")), "abc");
  EXPECT_EQ(job_key(email_job("def")), "def");
  EXPECT_EQ(job_key(DeliveryJob{HttpRequest{}}), "");
}

TEST(Metrics, MeteredTransportRecordsOutcomeAndPassesItOn) {
  FakeTransport inner({FakeTransport::retryable("timeout"), FakeTransport::sent(250)});
  MessageKinds kinds;
  kinds.remember(message_with(Channel::kWebhook, {ItemKind::kUpcoming}, "k1"));
  kinds.remember(message_with(Channel::kEmail, {ItemKind::kEscalation}, "k2"));
  DeliveryMetrics metrics;
  MeteredTransport transport(inner, kinds, metrics);

  std::vector<DeliveryStatus> seen;
  transport.submit(webhook_job("k1"), [&](DeliveryOutcome o) { seen.push_back(o.status); });
  transport.submit(email_job("k2"), [&](DeliveryOutcome o) { seen.push_back(o.status); });
  transport.submit(email_job("unseen"), [&](DeliveryOutcome o) { seen.push_back(o.status); });

  EXPECT_EQ(seen, (std::vector<DeliveryStatus>{DeliveryStatus::kRetryable, DeliveryStatus::kSent,
                                               DeliveryStatus::kSent}));
  EXPECT_EQ(inner.jobs().size(), 3u);
  auto sample = metrics.sample();
  EXPECT_EQ(count(sample, Channel::kWebhook, "upcoming", MessageResult::kFailed), 1);
  EXPECT_EQ(count(sample, Channel::kEmail, "escalation", MessageResult::kSent), 1);
  EXPECT_EQ(count(sample, Channel::kEmail, "unknown", MessageResult::kSent), 1);
  // k1 failed for now and keeps its kinds for the next attempt; k2 was sent
  // and is forgotten, so a soak of many messages does not grow the map.
  EXPECT_EQ(kinds.size(), 1u);
  EXPECT_EQ(kinds.kinds_of("k1"), (std::vector<KindLabel>{"upcoming"}));
  EXPECT_EQ(kinds.kinds_of("k2"), (std::vector<KindLabel>{"unknown"}));

  transport.shutdown();
  EXPECT_TRUE(inner.is_shut_down());
}

}  // namespace
}  // namespace plazo
