// run_pass against a real (in-memory) store: the streaming pass writes what
// it makes as it makes it, inside the transaction that records the pass.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "daemon/scheduling.h"
#include "storage/sqlite_store.h"

namespace plazo {
namespace {

Unit unit_with_hooks(std::vector<std::string> hooks) {
  Unit unit;
  unit.id = "general";
  unit.name = "Secretaría General";
  unit.emails = {"general@example.org"};
  unit.webhooks = std::move(hooks);
  return unit;
}

ImportedActivity due_on(std::string number, const char* deadline) {
  ImportedActivity a;
  a.activity.number = std::move(number);
  a.activity.title = "Actividad " + a.activity.number;
  a.activity.responsible = {"general"};
  a.activity.deadline = parse_iso_date(deadline);
  return a;
}

class RunPassTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = SqliteStore::open(":memory:");
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(opened).value();
  }
  Scheduler scheduler(bool digest, std::vector<Channel> channels) {
    ScheduleRules rules;
    rules.units = {unit_with_hooks({"hook-a", "hook-b"})};
    rules.policy.digest = digest;
    rules.policy.channels = std::move(channels);
    EXPECT_TRUE(store_->sync_units(rules.units));
    return Scheduler(std::move(rules), Calendar(), *TimeZone::locate("America/Bogota"));
  }
  Instant at(const Scheduler& s, const char* local) { return *s.zone().parse_local(local); }
  std::unique_ptr<SqliteStore> store_;
};

TEST_F(RunPassTest, ADigestGoesToEveryWebhookOnceADay) {
  const Scheduler s = scheduler(/*digest=*/true, {Channel::kEmail, Channel::kWebhook});
  ASSERT_TRUE(store_->apply_import("PAAC", 2023, {due_on("1.1", "2023-11-30")}, false));
  auto first = run_pass(s, *store_, at(s, "2023-11-30T08:00"));
  ASSERT_TRUE(first) << first.error().message;
  // Email and both webhooks: the second webhook's digest is not taken for a
  // second digest of the day.
  EXPECT_EQ(first->due, 3);
  EXPECT_EQ(first->enqueued, 3);
  EXPECT_EQ(first->day, parse_iso_date("2023-11-30"));
  EXPECT_EQ((first->fresh_kinds.at({Channel::kEmail, ItemKind::kToday})), 1);
  EXPECT_EQ((first->fresh_kinds.at({Channel::kWebhook, ItemKind::kToday})), 2);
  EXPECT_EQ(*store_->last_pass(), at(s, "2023-11-30T08:00"));

  // An import later that day brings a new item; the units had their digest.
  ASSERT_TRUE(store_->apply_import(
      "PAAC", 2023, {due_on("1.1", "2023-11-30"), due_on("1.2", "2023-11-30")}, false));
  auto later = run_pass(s, *store_, at(s, "2023-11-30T08:00"));
  ASSERT_TRUE(later) << later.error().message;
  EXPECT_EQ(later->enqueued, 0);
  EXPECT_TRUE(later->fresh_kinds.empty());
  EXPECT_EQ(store_->outbox_counts()->pending, 3);
}

TEST_F(RunPassTest, WithoutDigestsEveryActivityIsAMessageWrittenInOnePass) {
  const Scheduler s = scheduler(/*digest=*/false, {Channel::kWebhook});
  // More activities than one page of the store's reads.
  std::vector<ImportedActivity> plan;
  for (int k = 1; k <= 1500; ++k) plan.push_back(due_on("1." + std::to_string(k), "2023-11-30"));
  ASSERT_TRUE(store_->apply_import("PAAC", 2023, plan, false));
  auto pass = run_pass(s, *store_, at(s, "2023-11-30T08:00"));
  ASSERT_TRUE(pass) << pass.error().message;
  EXPECT_EQ(pass->due, 3000);  // two webhooks each
  EXPECT_EQ(pass->enqueued, 3000);
  EXPECT_EQ((pass->fresh_kinds.at({Channel::kWebhook, ItemKind::kToday})), 3000);
  EXPECT_EQ(pass->fresh_kinds.size(), 1u);
  auto counts = store_->outbox_counts();
  ASSERT_TRUE(counts) << counts.error().message;
  EXPECT_EQ(counts->pending, 3000);

  // The pass was recorded with its messages: the same instant again (a
  // restart) finds nothing due.
  auto again = run_pass(s, *store_, at(s, "2023-11-30T08:00"));
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->enqueued, 0);
  EXPECT_EQ(store_->outbox_counts()->pending, 3000);
}

}  // namespace
}  // namespace plazo
