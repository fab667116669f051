// Timer arithmetic and pass planning, driven by a fake clock over a real
// (in-memory) store: when the loop wakes, and that wall-clock steps back or
// forward never repeat a day's messages nor send a stale backlog.
#include <gtest/gtest.h>

#include <set>

#include "daemon/service.h"
#include "storage/sqlite_store.h"
#include "support/fake_clock.h"

namespace plazo {
namespace {

using namespace std::chrono_literals;
using testing::FakeClock;

// Local Bogotá time (UTC-5, no DST) as an instant.
Instant local(const char* day, int hour, int minute = 0, int second = 0) {
  return Instant{parse_iso_date(day)->time_since_epoch()} + std::chrono::hours(hour + 5) +
         std::chrono::minutes(minute) + std::chrono::seconds(second);
}

constexpr const char* kConfig = R"(
[daemon]
timezone = "America/Bogota"
send_time = "08:00"
[calendar]
holidays = "none"
saturday_is_business_day = true
[email]
url = "smtp://127.0.0.1:2525"
from = "PAAC <paac@example.org>"
[[units]]
id = "general"
name = "Secretaría General"
email = ["general@example.org"]
[reminders]
business_days = false
before_days = [1]
overdue_every_days = 1
escalate_after_days = 0
channels = ["email"]
)";

class PassPlannerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loaded = load_config_from_string(kConfig, "");
    ASSERT_TRUE(loaded.ok()) << (loaded.errors.empty() ? "" : loaded.errors[0].to_string());
    config_ = *loaded.config;
    auto store = SqliteStore::open(":memory:", clock_);
    ASSERT_TRUE(store.ok());
    store_ = std::move(store).value();
    ASSERT_TRUE(store_->sync_units(config_.units).ok());
    // Overdue since 2023-11-20: one reminder every day, Sundays included.
    ImportedActivity late;
    late.activity.number = "1.1";
    late.activity.title = "Mapa de riesgos";
    late.activity.responsible = {"general"};
    late.activity.deadline = parse_iso_date("2023-11-20");
    ASSERT_TRUE(store_->apply_import("PAAC", 2023, {late}, false).ok());
    auto scheduler = make_scheduler(config_);
    ASSERT_TRUE(scheduler.ok());
    planner_.emplace(std::move(scheduler).value(), *store_);
  }

  // Runs what the loop runs on a wake-up; true when a pass ran.
  bool wake() {
    auto ran = planner_->run_if_due(clock_.now());
    EXPECT_TRUE(ran.ok()) << (ran ? "" : ran.error().message);
    return ran.ok() && ran->has_value();
  }

  // The local days of every message in the outbox, oldest first.
  std::vector<std::string> outbox_days() {
    auto entries = store_->outbox(std::nullopt, 0);
    EXPECT_TRUE(entries.ok());
    std::vector<std::string> days;
    for (auto it = entries->rbegin(); it != entries->rend(); ++it) {
      days.push_back(format_iso_date(it->message.day));
    }
    return days;
  }

  FakeClock clock_{local("2023-11-23", 7, 59)};
  Config config_;
  std::unique_ptr<SqliteStore> store_;
  std::optional<PassPlanner> planner_;
};

TEST(WakeDelay, SleepsUntilTheEarlierTarget) {
  const Instant now = local("2023-11-23", 7, 59, 30);
  EXPECT_EQ(wake_delay(now, local("2023-11-23", 8), std::nullopt), 30s);
  EXPECT_EQ(wake_delay(now, local("2023-11-23", 8), local("2023-11-23", 7, 59, 40)), 10s);
  EXPECT_EQ(wake_delay(now, std::nullopt, local("2023-11-23", 7, 59, 35)), 5s);
}

TEST(WakeDelay, NeverLongerThanTheMaximumStep) {
  const Instant now = local("2023-11-23", 7, 0);
  EXPECT_EQ(wake_delay(now, local("2023-11-23", 8), std::nullopt), 60s);
  EXPECT_EQ(wake_delay(now, local("2023-11-24", 8), local("2023-11-25", 8), 1s, 15s), 15s);
  EXPECT_EQ(wake_delay(now, std::nullopt, std::nullopt), 60s);
}

TEST(WakeDelay, ATargetAlreadyReachedWaitsTheMinimumNotZero) {
  const Instant now = local("2023-11-23", 8, 0, 5);
  EXPECT_EQ(wake_delay(now, local("2023-11-23", 8), std::nullopt), 1s);
  EXPECT_EQ(wake_delay(now, std::nullopt, local("2023-11-20", 8)), 1s);
  EXPECT_EQ(wake_delay(now, now, now, 250ms, 60s), 250ms);
}

TEST_F(PassPlannerTest, FirstWakeRunsCatchUpThenWaitsForTheSendTime) {
  EXPECT_TRUE(wake());  // start-up pass at 07:59: nothing due yet today
  EXPECT_TRUE(outbox_days().empty());
  EXPECT_EQ(planner_->next_pass(), local("2023-11-23", 8));
  EXPECT_FALSE(wake());  // still 07:59
  clock_.set(local("2023-11-23", 8));
  EXPECT_TRUE(wake());
  EXPECT_EQ(outbox_days(), std::vector<std::string>{"2023-11-23"});
  EXPECT_EQ(planner_->next_pass(), local("2023-11-24", 8));
}

TEST_F(PassPlannerTest, ClockStepBackDoesNotRepeatADay) {
  EXPECT_TRUE(wake());
  clock_.set(local("2023-11-23", 8, 0, 1));
  EXPECT_TRUE(wake());
  ASSERT_EQ(outbox_days().size(), 1u);

  clock_.set(local("2023-11-23", 6, 30));  // NTP steps the clock back 90 minutes
  EXPECT_FALSE(wake());
  ASSERT_TRUE(planner_->replan(clock_.now()).ok());  // e.g. an import meanwhile
  clock_.set(local("2023-11-23", 8));                // 08:00 comes round again
  wake();
  clock_.set(local("2023-11-23", 9));
  wake();
  EXPECT_EQ(outbox_days(), std::vector<std::string>{"2023-11-23"});

  clock_.set(local("2023-11-24", 8));
  EXPECT_TRUE(wake());
  EXPECT_EQ(outbox_days(), (std::vector<std::string>{"2023-11-23", "2023-11-24"}));
}

TEST_F(PassPlannerTest, ClockStepForwardSendsOnlyTheLatestDay) {
  EXPECT_TRUE(wake());
  clock_.set(local("2023-11-23", 8));
  EXPECT_TRUE(wake());
  // Suspended for three days: 24th, 25th and 26th are beyond misfire_grace.
  clock_.set(local("2023-11-27", 9, 15));
  EXPECT_TRUE(wake());
  EXPECT_EQ(outbox_days(), (std::vector<std::string>{"2023-11-23", "2023-11-27"}));
  EXPECT_FALSE(wake());
  EXPECT_EQ(planner_->next_pass(), local("2023-11-28", 8));
}

TEST_F(PassPlannerTest, ClockStepWithinGraceSendsTheMissedDayOnce) {
  EXPECT_TRUE(wake());
  clock_.set(local("2023-11-23", 8));
  EXPECT_TRUE(wake());
  clock_.set(local("2023-11-24", 17));  // 9 h late: within the 12 h grace
  EXPECT_TRUE(wake());
  EXPECT_FALSE(wake());
  EXPECT_EQ(outbox_days(), (std::vector<std::string>{"2023-11-23", "2023-11-24"}));
}

TEST_F(PassPlannerTest, TimerStepsThroughAWeekWithOnePassPerReminderDay) {
  // Drive the planner as the loop does: sleep wake_delay(), wake, repeat.
  std::set<std::string> pass_days;
  int wakes = 0;
  const Instant end = local("2023-11-30", 12);
  while (clock_.now() < end) {
    if (wake()) pass_days.insert(format_iso_date(date::floor<date::days>(clock_.now() - 5h)));
    const auto delay = wake_delay(clock_.now(), planner_->next_pass(), std::nullopt);
    ASSERT_GE(delay, 1s);
    ASSERT_LE(delay, 60s);
    clock_.advance(std::chrono::ceil<std::chrono::seconds>(delay));
    ++wakes;
  }
  // Sunday the 26th is closed: its overdue reminder moved to Monday.
  EXPECT_EQ(outbox_days(),
            (std::vector<std::string>{"2023-11-23", "2023-11-24", "2023-11-25", "2023-11-27",
                                      "2023-11-28", "2023-11-29", "2023-11-30"}));
  // Passes ran on those days only (the 23rd twice: start-up and 08:00).
  EXPECT_EQ(pass_days,
            (std::set<std::string>{"2023-11-23", "2023-11-24", "2023-11-25", "2023-11-27",
                                   "2023-11-28", "2023-11-29", "2023-11-30"}));
  // About one wake-up a minute: bounded steps, no busy loop.
  const auto minutes =
      std::chrono::duration_cast<std::chrono::minutes>(end - local("2023-11-23", 7, 59)).count();
  EXPECT_LE(wakes, minutes + 10);
}

TEST_F(PassPlannerTest, PassesRunAtTheSendInstantExactly) {
  EXPECT_TRUE(wake());
  std::vector<Instant> runs;
  for (int i = 0; i < 3 * 24 * 60; ++i) {
    const auto delay = wake_delay(clock_.now(), planner_->next_pass(), std::nullopt);
    clock_.advance(std::chrono::ceil<std::chrono::seconds>(delay));
    if (wake()) runs.push_back(clock_.now());
  }
  ASSERT_GE(runs.size(), 3u);
  EXPECT_EQ(runs[0], local("2023-11-23", 8));
  EXPECT_EQ(runs[1], local("2023-11-24", 8));
  EXPECT_EQ(runs[2], local("2023-11-25", 8));
}

}  // namespace
}  // namespace plazo
