#include "domain/message.h"

#include <gtest/gtest.h>

namespace plazo {
namespace {

Message sample() {
  Message m;
  m.day = *parse_iso_date("2023-11-23");
  m.unit_id = "general";
  m.channel = Channel::kEmail;
  MessageItem a;
  a.kind = ItemKind::kUpcoming;
  a.activity = "2.1";
  a.deadline = *parse_iso_date("2023-11-30");
  MessageItem b;
  b.kind = ItemKind::kOverdue;
  b.activity = "3.6";
  b.deadline = *parse_iso_date("2023-11-01");
  m.items = {a, b};
  return m;
}

TEST(DistinctKinds, EachKindOnceInKindOrder) {
  Message m = sample();  // upcoming, overdue
  std::swap(m.items[0], m.items[1]);
  m.items.push_back(m.items[0]);
  m.items.back().kind = ItemKind::kPublishDue;
  m.items.push_back(m.items[0]);  // overdue again
  EXPECT_EQ(distinct_kinds(m), (std::vector<ItemKind>{ItemKind::kUpcoming, ItemKind::kOverdue,
                                                      ItemKind::kPublishDue}));
  EXPECT_TRUE(distinct_kinds(Message{}).empty());
}

TEST(IdempotencyKey, IgnoresItemOrderAndTexts) {
  Message m = sample();
  const std::string key = idempotency_key(m);
  EXPECT_EQ(key.size(), 32u);
  std::swap(m.items[0], m.items[1]);
  m.items[0].title = "reworded by a re-import";
  m.items[0].progress = 40;
  EXPECT_EQ(idempotency_key(m), key);
}

TEST(IdempotencyKey, ChangesWithIdentity) {
  const std::string key = idempotency_key(sample());
  Message other_channel = sample();
  other_channel.channel = Channel::kWebhook;
  Message other_day = sample();
  other_day.day += date::days{1};
  Message other_unit = sample();
  other_unit.unit_id = "planeacion";
  Message other_deadline = sample();
  other_deadline.items[0].deadline += date::days{1};
  EXPECT_NE(idempotency_key(other_channel), key);
  EXPECT_NE(idempotency_key(other_day), key);
  EXPECT_NE(idempotency_key(other_unit), key);
  EXPECT_NE(idempotency_key(other_deadline), key);
}

}  // namespace
}  // namespace plazo
