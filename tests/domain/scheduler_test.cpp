#include "domain/scheduler.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>

#include "support/vector_plan.h"

// Expected dates below were worked out by hand from the 2023 Colombian
// calendar: holidays used are Mon 6 Nov (Todos los Santos), Mon 13 Nov
// (Independencia de Cartagena), Mon 21 Aug (Asunción), Mon 1 May, Mon 25 Dec,
// Mon 1 Jan 2024 and Mon 8 Jan 2024 (Reyes Magos).

namespace plazo {
namespace {

using testing::VectorPlan;

Date d(const char* iso) { return *parse_iso_date(iso); }

Unit unit(std::string id, bool oversight = false, std::vector<std::string> hooks = {}) {
  Unit u;
  u.id = id;
  u.name = "Unidad " + id;
  u.emails = {id + "@example.org"};
  u.webhooks = std::move(hooks);
  u.oversight = oversight;
  return u;
}

Activity activity(std::string number, const char* deadline, std::vector<std::string> responsible,
                  std::vector<std::string> co = {}, std::optional<int> percent = std::nullopt) {
  Activity a;
  a.plan = "PAAC";
  a.year = 2023;
  a.number = std::move(number);
  a.title = "Actividad " + a.number;
  a.deadline = d(deadline);
  a.responsible = std::move(responsible);
  a.co_responsible = std::move(co);
  if (percent) a.progress = Progress{d("2023-08-31"), *percent, ""};
  return a;
}

Cycle paac_cycle() {
  Cycle c;
  c.name = "Seguimiento PAAC";
  c.cutoffs = {date::April / 30, date::August / 31, date::December / 31};
  c.remind_before_days = {10, 3};
  c.publish_within_business_days = 10;
  c.publisher = "evaluacion";
  return c;
}

class SchedulerTest : public ::testing::Test {
 protected:
  ScheduleRules rules() {
    ScheduleRules r;
    r.units = {unit("general", false, {"general-hook"}), unit("planeacion"), unit("tic"),
               unit("evaluacion", true)};
    r.policy.channels = {Channel::kEmail};
    return r;
  }
  Scheduler make(ScheduleRules r) {
    return Scheduler(std::move(r), Calendar(), *TimeZone::locate("America/Bogota"));
  }
  // (unit, kind, activity, days_left) of every item of every message on a day.
  std::set<std::tuple<std::string, std::string, std::string, int>> items_on(const Scheduler& s,
                                                                           const char* day) {
    auto messages = s.messages_on(d(day), plan_);
    EXPECT_TRUE(messages.ok());
    std::set<std::tuple<std::string, std::string, std::string, int>> out;
    for (const auto& m : *messages) {
      for (const auto& item : m.items) {
        out.emplace(m.unit_id, std::string(to_string(item.kind)), item.activity, item.days_left);
      }
    }
    return out;
  }
  VectorPlan plan_;
};

using Items = std::set<std::tuple<std::string, std::string, std::string, int>>;

TEST_F(SchedulerTest, UpcomingCountsBusinessDaysAcrossAMondayHoliday) {
  plan_.activities = {activity("2.1", "2023-11-30", {"general"})};
  const Scheduler s = make(rules());
  EXPECT_EQ(items_on(s, "2023-11-29"), (Items{{"general", "upcoming", "2.1", 1}}));
  EXPECT_EQ(items_on(s, "2023-11-23"), (Items{{"general", "upcoming", "2.1", 5}}));
  // 15 business days back skips Mon 13 Nov: Wed 8 Nov.
  EXPECT_EQ(items_on(s, "2023-11-08"), (Items{{"general", "upcoming", "2.1", 15}}));
  EXPECT_EQ(items_on(s, "2023-11-30"), (Items{{"general", "today", "2.1", 0}}));
  for (const char* quiet : {"2023-11-07", "2023-11-09", "2023-11-22", "2023-11-24", "2023-12-01"}) {
    EXPECT_TRUE(items_on(s, quiet).empty()) << quiet;
  }
}

TEST_F(SchedulerTest, DeadlineOnSaturdayCountsFromFriday) {
  plan_.activities = {activity("1.8", "2023-12-30", {"evaluacion"}, {"tic"})};
  const Scheduler s = make(rules());
  // Saturday 30 Dec is closed: Friday 29 is the effective deadline.
  EXPECT_EQ(items_on(s, "2023-12-29"),
            (Items{{"evaluacion", "today", "1.8", 0}, {"tic", "today", "1.8", 0}}));
  EXPECT_TRUE(items_on(s, "2023-12-30").empty());
  EXPECT_EQ(items_on(s, "2023-12-28"),
            (Items{{"evaluacion", "upcoming", "1.8", 1}, {"tic", "upcoming", "1.8", 1}}));
  // 5 business days before Friday, skipping Christmas (Mon 25 Dec): Thu 21 Dec.
  EXPECT_EQ(items_on(s, "2023-12-21"),
            (Items{{"evaluacion", "upcoming", "1.8", 5}, {"tic", "upcoming", "1.8", 5}}));
  EXPECT_TRUE(items_on(s, "2023-12-22").empty());
}

TEST_F(SchedulerTest, CalendarDaysModeMergesTodayAndTheDayBefore) {
  ScheduleRules r = rules();
  r.policy.business_days = false;
  plan_.activities = {activity("1.8", "2023-12-30", {"evaluacion"})};
  const Scheduler s = make(r);
  // "today" and "1 day before" both land on Fri 29 Dec: one line.
  EXPECT_EQ(items_on(s, "2023-12-29"), (Items{{"evaluacion", "today", "1.8", 1}}));
  EXPECT_EQ(items_on(s, "2023-12-25").size(), 0u);  // Christmas: moved to Fri 22 Dec
  EXPECT_EQ(items_on(s, "2023-12-22"), (Items{{"evaluacion", "upcoming", "1.8", 8}}));
}

TEST_F(SchedulerTest, OverdueRepeatsAndEscalatesToOversight) {
  plan_.activities = {activity("3.6", "2023-11-01", {"general"}, {}, 40)};
  const Scheduler s = make(rules());
  // +5 business days (skipping Mon 6 Nov): Thu 9 Nov.
  EXPECT_EQ(items_on(s, "2023-11-09"), (Items{{"general", "overdue", "3.6", -5}}));
  EXPECT_TRUE(items_on(s, "2023-11-10").empty());
  // +10 (skipping Mon 13 Nov): Fri 17 Nov — overdue again and the first escalation.
  EXPECT_EQ(items_on(s, "2023-11-17"),
            (Items{{"general", "overdue", "3.6", -10}, {"evaluacion", "escalation", "3.6", -10}}));
  EXPECT_EQ(items_on(s, "2023-11-24"),
            (Items{{"general", "overdue", "3.6", -15}, {"evaluacion", "escalation", "3.6", -15}}));

  auto messages = s.messages_on(d("2023-11-17"), plan_);
  ASSERT_TRUE(messages.ok());
  const auto escalation = std::find_if(messages->begin(), messages->end(),
                                       [](const Message& m) { return m.unit_id == "evaluacion"; });
  ASSERT_NE(escalation, messages->end());
  EXPECT_EQ(escalation->items[0].role, Role::kOversight);
  EXPECT_EQ(escalation->items[0].units, std::vector<std::string>{"general"});
  EXPECT_EQ(escalation->items[0].progress, 40);
}

TEST_F(SchedulerTest, ItemsCarryTheEvidenceLinksOfTheLatestFollowUp) {
  Activity linked = activity("3.6", "2023-11-01", {"general"}, {}, 40);
  linked.progress->note =
      "Publicado en https://itagui.gov.co/a.pdf y en (https://itagui.gov.co/b). "
      "Otros: http://1.org http://2.org http://3.org http://4.org";
  plan_.activities = {linked, activity("3.7", "2023-11-01", {"general"})};
  const Scheduler s = make(rules());
  auto messages = s.messages_on(d("2023-11-17"), plan_);
  ASSERT_TRUE(messages.ok());
  size_t seen = 0;
  for (const auto& message : *messages) {
    for (const auto& item : message.items) {
      SCOPED_TRACE(message.unit_id + " " + item.activity);
      ++seen;
      if (item.activity == "3.7") {
        EXPECT_TRUE(item.evidence.empty());
      } else {
        // The overdue reminder and the escalation alike; five at most.
        EXPECT_EQ(item.evidence, (std::vector<std::string>{
                                     "https://itagui.gov.co/a.pdf", "https://itagui.gov.co/b",
                                     "http://1.org", "http://2.org", "http://3.org"}));
      }
    }
  }
  EXPECT_EQ(seen, 4u);  // 3.6 and 3.7, each overdue and escalated
}

TEST_F(SchedulerTest, DoneActivitiesGetNothing) {
  plan_.activities = {activity("1.1", "2023-11-30", {"planeacion"}, {}, 100),
                      activity("1.2", "2023-11-01", {"planeacion"}, {}, 100)};
  const Scheduler s = make(rules());
  for (const char* day : {"2023-11-08", "2023-11-09", "2023-11-17", "2023-11-23", "2023-11-30"}) {
    EXPECT_TRUE(items_on(s, day).empty()) << day;
  }
  EXPECT_EQ(plan_.queries, 0) << "no deadline of a done activity should be queried";
}

TEST_F(SchedulerTest, CoResponsibleUnitsAreToldTheirRoleAndBothRolesCountOnce) {
  plan_.activities = {activity("4.2", "2023-11-30", {"planeacion"}, {"tic", "planeacion"})};
  const Scheduler s = make(rules());
  auto messages = s.messages_on(d("2023-11-30"), plan_);
  ASSERT_TRUE(messages.ok());
  ASSERT_EQ(messages->size(), 2u);
  EXPECT_EQ((*messages)[0].unit_id, "planeacion");
  ASSERT_EQ((*messages)[0].items.size(), 1u);
  EXPECT_EQ((*messages)[0].items[0].role, Role::kResponsible);
  EXPECT_EQ((*messages)[1].unit_id, "tic");
  EXPECT_EQ((*messages)[1].items[0].role, Role::kCoResponsible);
}

TEST_F(SchedulerTest, DigestHoldsEverySectionInOrderOnEachChannel) {
  ScheduleRules r = rules();
  r.policy.channels = {Channel::kEmail, Channel::kWebhook};
  plan_.activities = {activity("2.1", "2023-11-30", {"general"}),
                      activity("2.5", "2023-11-23", {"general"}),
                      activity("3.6", "2023-11-16", {"general"})};
  const Scheduler s = make(r);
  auto messages = s.messages_on(d("2023-11-23"), plan_);
  ASSERT_TRUE(messages.ok());
  ASSERT_EQ(messages->size(), 2u);  // email + the one webhook, nothing else
  EXPECT_EQ((*messages)[0].channel, Channel::kEmail);
  EXPECT_EQ((*messages)[0].target, "");
  EXPECT_EQ((*messages)[1].channel, Channel::kWebhook);
  EXPECT_EQ((*messages)[1].target, "general-hook");
  EXPECT_NE((*messages)[0].key, (*messages)[1].key);
  for (const auto& m : *messages) {
    ASSERT_EQ(m.items.size(), 3u);
    EXPECT_EQ(m.items[0].kind, ItemKind::kToday);
    EXPECT_EQ(m.items[1].kind, ItemKind::kUpcoming);
    EXPECT_EQ(m.items[2].kind, ItemKind::kOverdue);
    EXPECT_EQ(m.day, d("2023-11-23"));
    EXPECT_EQ(s.zone().format_rfc3339(m.at), "2023-11-23T08:00:00-05:00");
  }
  // Without digest: one message per item and channel.
  r.policy.digest = false;
  auto single = make(r).messages_on(d("2023-11-23"), plan_);
  ASSERT_TRUE(single.ok());
  EXPECT_EQ(single->size(), 6u);
}

TEST_F(SchedulerTest, CalendarDaysModeShiftsClosedDays) {
  ScheduleRules r = rules();
  r.policy.business_days = false;
  r.policy.before_days = {7};
  r.policy.escalate_after_days = 0;
  plan_.activities = {activity("1", "2023-11-20", {"tic"}), activity("2", "2023-11-01", {"tic"})};
  const Scheduler s = make(r);
  // 7 days before Mon 20 Nov is Mon 13 Nov, a holiday: moved back to Fri 10 Nov.
  EXPECT_EQ(items_on(s, "2023-11-10"), (Items{{"tic", "upcoming", "1", 10}}));
  EXPECT_TRUE(items_on(s, "2023-11-13").empty());
  // Overdue every 5 calendar days after Wed 1 Nov: the 6th (holiday) defers
  // to Tue 7 Nov; the 11th (Saturday) to Tue 14 Nov; then the 16th.
  EXPECT_EQ(items_on(s, "2023-11-07"), (Items{{"tic", "overdue", "2", -6}}));
  EXPECT_EQ(items_on(s, "2023-11-14"), (Items{{"tic", "overdue", "2", -13}}));
  EXPECT_EQ(items_on(s, "2023-11-16"), (Items{{"tic", "overdue", "2", -15}}));
  EXPECT_TRUE(items_on(s, "2023-11-15").empty());
}

TEST_F(SchedulerTest, ReportDueGoesToUnitsWithOpenActivitiesActiveInThePeriod) {
  ScheduleRules r = rules();
  r.cycles = {paac_cycle()};
  Activity in_period = activity("1.5", "2023-12-29", {"planeacion"}, {"tic"}, 33);
  in_period.periods = {1, 2, 3};
  Activity other_period = activity("4.7", "2023-11-30", {"general"});
  other_period.periods = {3};
  Activity all_periods = activity("5.1", "2023-12-30", {"tic"});
  Activity done = activity("1.1", "2023-12-30", {"evaluacion"}, {}, 100);
  plan_.activities = {in_period, other_period, all_periods, done};
  const Scheduler s = make(r);
  // Cutoff Thu 31 Aug: 3 business days before is Mon 28 Aug; 10 before skips
  // Mon 21 Aug: Wed 16 Aug. Co-responsible units are not asked to report.
  const Items expected{{"planeacion", "report_due", "1.5", 3}, {"tic", "report_due", "5.1", 3}};
  EXPECT_EQ(items_on(s, "2023-08-28"), expected);
  const Items expected10{{"planeacion", "report_due", "1.5", 10}, {"tic", "report_due", "5.1", 10}};
  EXPECT_EQ(items_on(s, "2023-08-16"), expected10);
  EXPECT_TRUE(items_on(s, "2023-08-17").empty());
}

TEST_F(SchedulerTest, PublishDueRemindsThePublisherAfterEachCutoff) {
  ScheduleRules r = rules();
  r.cycles = {paac_cycle()};
  const Scheduler s = make(r);
  // 31 Aug 2023: first business day Fri 1 Sep; 10th business day Thu 14 Sep.
  EXPECT_EQ(items_on(s, "2023-09-01"), (Items{{"evaluacion", "publish_due", "", 9}}));
  EXPECT_EQ(items_on(s, "2023-09-14"), (Items{{"evaluacion", "publish_due", "", 0}}));
  // 30 Apr 2023 (Sunday), 1 May a holiday: Tue 2 May and Mon 15 May.
  EXPECT_EQ(items_on(s, "2023-05-02"), (Items{{"evaluacion", "publish_due", "", 9}}));
  EXPECT_EQ(items_on(s, "2023-05-15"), (Items{{"evaluacion", "publish_due", "", 0}}));
  // 31 Dec 2023: 1 Jan and 8 Jan 2024 are holidays: Tue 2 Jan and Tue 16 Jan 2024.
  EXPECT_EQ(items_on(s, "2024-01-02"), (Items{{"evaluacion", "publish_due", "", 9}}));
  EXPECT_EQ(items_on(s, "2024-01-16"), (Items{{"evaluacion", "publish_due", "", 0}}));
  auto messages = s.messages_on(d("2024-01-16"), plan_);
  ASSERT_TRUE(messages.ok());
  ASSERT_EQ(messages->size(), 1u);
  const MessageItem& item = (*messages)[0].items[0];
  EXPECT_EQ(item.cycle, "Seguimiento PAAC");
  EXPECT_EQ(item.cutoff, d("2023-12-31"));
  EXPECT_EQ(item.deadline, d("2024-01-16"));
  EXPECT_EQ(item.role, Role::kPublisher);
}

TEST_F(SchedulerTest, UnitWithoutChannelsOrConfigGetsNothing) {
  ScheduleRules r = rules();
  r.units[1].emails.clear();  // planeacion: no email, no webhook
  plan_.activities = {activity("1.1", "2023-11-30", {"planeacion", "ghost"})};
  const Scheduler s = make(r);
  auto messages = s.messages_on(d("2023-11-30"), plan_);
  ASSERT_TRUE(messages.ok());
  EXPECT_TRUE(messages->empty());
}

Instant at_local(const Scheduler& s, const char* text) { return *s.zone().parse_local(text); }

TEST_F(SchedulerTest, PassSendsTodayOnceAndSkipsStaleDays) {
  plan_.activities = {activity("2.1", "2023-11-30", {"general"}),
                      activity("2.2", "2023-11-28", {"general"})};
  const Scheduler s = make(rules());
  // Before the send time nothing is due yet.
  auto early = s.pass(at_local(s, "2023-11-23T07:59"), at_local(s, "2023-11-22T09:00"), plan_);
  ASSERT_TRUE(early.ok());
  EXPECT_TRUE(early->messages.empty());
  EXPECT_FALSE(early->day.has_value());

  auto on_time = s.pass(at_local(s, "2023-11-23T08:00"), at_local(s, "2023-11-22T09:00"), plan_);
  ASSERT_TRUE(on_time.ok());
  EXPECT_EQ(on_time->day, d("2023-11-23"));
  ASSERT_EQ(on_time->messages.size(), 1u);
  EXPECT_TRUE(on_time->skipped_days.empty());

  // A second pass the same day (after a restart) sends nothing again.
  auto again = s.pass(at_local(s, "2023-11-23T09:00"), at_local(s, "2023-11-23T08:00"), plan_);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->messages.empty());

  // Down from the 20th to 19:00 on the 23rd: the 23rd is within 12 h, the
  // 21st and 22nd are not.
  auto late = s.pass(at_local(s, "2023-11-23T19:00"), at_local(s, "2023-11-20T08:30"), plan_);
  ASSERT_TRUE(late.ok());
  EXPECT_EQ(late->day, d("2023-11-23"));
  EXPECT_EQ(late->skipped_days, (std::vector<Date>{d("2023-11-21"), d("2023-11-22")}));
  EXPECT_EQ(late->messages.size(), 1u);

  // At 21:00 even the 23rd is stale.
  auto stale = s.pass(at_local(s, "2023-11-23T21:00"), at_local(s, "2023-11-20T08:30"), plan_);
  ASSERT_TRUE(stale.ok());
  EXPECT_TRUE(stale->messages.empty());
  EXPECT_EQ(stale->skipped_days.size(), 3u);

  // A wall clock that jumped back before the last pass repeats nothing.
  auto back = s.pass(at_local(s, "2023-11-22T08:30"), at_local(s, "2023-11-23T08:00"), plan_);
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(back->messages.empty());
  EXPECT_TRUE(back->skipped_days.empty());
}

TEST_F(SchedulerTest, TwoPlansWithTheSameNumberDueTheSameDayAreTwoItemsWithTwoKeys) {
  // "1.1" of the PAAC, of another plan and of next year's PAAC, all due the
  // same day: nothing tells them apart but the plan.
  Activity other = activity("1.1", "2023-11-30", {"general"});
  other.plan = "Plan de Acción";
  other.title = "Otra actividad";
  Activity next_year = activity("1.1", "2023-11-30", {"general"});
  next_year.year = 2024;
  plan_.activities = {activity("1.1", "2023-11-30", {"general"}), other, next_year};
  using Plans = std::set<std::pair<std::string, int>>;
  const Plans every_plan = {{"PAAC", 2023}, {"PAAC", 2024}, {"Plan de Acción", 2023}};

  auto digests = make(rules()).messages_on(d("2023-11-30"), plan_);
  ASSERT_TRUE(digests.ok());
  ASSERT_EQ(digests->size(), 1u);
  Plans in_digest;
  for (const auto& item : digests->front().items) in_digest.emplace(item.plan, item.plan_year);
  EXPECT_EQ(digests->front().items.size(), 3u);
  EXPECT_EQ(in_digest, every_plan);

  ScheduleRules r = rules();
  r.policy.digest = false;
  const Scheduler single = make(r);
  std::vector<Message> emitted;
  auto pass = single.pass(at_local(single, "2023-11-30T08:00"),
                          at_local(single, "2023-11-29T08:00"), plan_, [&](Message m) -> Status {
                            emitted.push_back(std::move(m));
                            return {};
                          });
  ASSERT_TRUE(pass.ok());
  ASSERT_EQ(emitted.size(), 3u);
  std::set<std::string> keys;
  Plans sent;
  for (const auto& m : emitted) {
    keys.insert(m.key);
    ASSERT_EQ(m.items.size(), 1u);
    sent.emplace(m.items[0].plan, m.items[0].plan_year);
  }
  EXPECT_EQ(keys.size(), 3u) << "the outbox keeps one message per key";
  EXPECT_EQ(sent, every_plan);
}

TEST_F(SchedulerTest, PassCoalescesMissedDaysWithinGraceIntoOneDigest) {
  ScheduleRules r = rules();
  r.policy.misfire_grace = std::chrono::hours{48};
  // 2.9 is reminded 5 business days before (Wed 22 Nov) and not on the 23rd.
  plan_.activities = {activity("2.9", "2023-11-29", {"general"}),
                      activity("2.1", "2023-11-30", {"general"})};
  const Scheduler s = make(r);
  auto result = s.pass(at_local(s, "2023-11-23T09:00"), at_local(s, "2023-11-21T09:00"), plan_);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->day, d("2023-11-23"));
  EXPECT_EQ(result->skipped_days, std::vector<Date>{d("2023-11-22")});
  ASSERT_EQ(result->messages.size(), 1u);
  const Message& m = result->messages[0];
  ASSERT_EQ(m.items.size(), 2u);
  EXPECT_EQ(m.items[0].activity, "2.9");
  EXPECT_EQ(m.items[0].days_left, 4);  // counted from the 23rd
  EXPECT_EQ(m.items[1].activity, "2.1");
  EXPECT_EQ(m.key, idempotency_key(m));
}

TEST_F(SchedulerTest, NextWakeupIsTheNextDayWithAReminder) {
  plan_.activities = {activity("2.1", "2023-11-30", {"general"})};
  const Scheduler s = make(rules());
  auto next = s.next_wakeup(at_local(s, "2023-11-23T08:00"), plan_);
  ASSERT_TRUE(next.ok());
  ASSERT_TRUE(next->has_value());
  EXPECT_EQ(s.zone().format_rfc3339(**next), "2023-11-29T08:00:00-05:00");
  // After the deadline: first overdue reminder 5 business days later, Thu 7 Dec.
  next = s.next_wakeup(at_local(s, "2023-11-30T08:00"), plan_);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(s.zone().format_rfc3339(**next), "2023-12-07T08:00:00-05:00");
  // Long overdue: the next repeat, not a day in the past.
  next = s.next_wakeup(at_local(s, "2024-03-01T12:00"), plan_);
  ASSERT_TRUE(next.ok());
  ASSERT_TRUE(next->has_value());
  auto items = s.messages_on(s.zone().local_day(**next), plan_);
  ASSERT_TRUE(items.ok());
  EXPECT_FALSE(items->empty()) << "the next wake-up must have something to send";
  // Nothing open, no cycles: nothing to wake for.
  plan_.activities.clear();
  next = s.next_wakeup(at_local(s, "2023-11-23T08:00"), plan_);
  ASSERT_TRUE(next.ok());
  EXPECT_FALSE(next->has_value());
}

// Properties over a whole year of random activities, checked day by day.
TEST_F(SchedulerTest, PropertiesHoldForEveryDayOfAYear) {
  ScheduleRules r = rules();
  r.cycles = {paac_cycle()};
  r.policy.channels = {Channel::kEmail, Channel::kWebhook};
  std::mt19937 rng(20231123);
  const std::vector<std::string> ids = {"general", "planeacion", "tic", "evaluacion"};
  std::map<std::string, std::optional<Date>> done_on;  // activity -> day it reaches 100 %
  for (int i = 0; i < 60; ++i) {
    const Date deadline = d("2023-01-02") + date::days{static_cast<int>(rng() % 360)};
    Activity a = activity("9." + std::to_string(i + 1), "2023-01-01", {ids[rng() % 4]});
    a.deadline = deadline;
    if (rng() % 3 == 0) a.co_responsible = {ids[rng() % 4]};
    if (rng() % 4 == 0) done_on[a.number] = deadline + date::days{static_cast<int>(rng() % 40)};
    plan_.activities.push_back(a);
  }
  const Scheduler s = make(r);
  std::set<std::string> keys;
  // Last overdue appearance per (unit, activity) to check the repeat gap.
  std::map<std::pair<std::string, std::string>, Date> last_overdue;
  for (Date day = d("2023-01-01"); day <= d("2023-12-31"); day += date::days{1}) {
    for (auto& a : plan_.activities) {
      auto it = done_on.find(a.number);
      if (it != done_on.end() && it->second && day >= *it->second) a.progress = Progress{day, 100, ""};
    }
    auto messages = s.messages_on(day, plan_);
    ASSERT_TRUE(messages.ok());
    for (const Message& m : *messages) {
      EXPECT_TRUE(s.calendar().is_business_day(m.day)) << format_iso_date(day);
      EXPECT_EQ(m.at, s.send_instant(m.day));
      EXPECT_TRUE(keys.insert(m.key).second) << "duplicate key " << m.key;
      EXPECT_FALSE(m.items.empty());
      for (const MessageItem& item : m.items) {
        if (item.activity.empty()) continue;
        const auto& a = *std::find_if(plan_.activities.begin(), plan_.activities.end(),
                                      [&](const Activity& x) { return x.number == item.activity; });
        EXPECT_FALSE(a.done()) << "message for done activity " << a.number;
        if (item.kind == ItemKind::kOverdue) last_overdue[{m.unit_id, a.number}] = day;
      }
    }
    // Every open overdue activity of a unit is in its digest at least every
    // N business days (N = 5), the first time within N after its deadline.
    for (const Activity& a : plan_.activities) {
      if (a.done() || *a.deadline >= day) continue;
      for (const auto& unit_id : a.responsible) {
        auto seen = last_overdue.find({unit_id, a.number});
        const Date since = seen == last_overdue.end() ? *a.deadline : seen->second;
        EXPECT_LE(s.calendar().business_days_between(since, day), 5)
            << a.number << " for " << unit_id << " not repeated by " << format_iso_date(day);
      }
    }
  }
  EXPECT_GT(keys.size(), 100u);
}

// The streaming pass (what the daemon runs) against the whole pass, over
// the same plan: the same messages, keys and days, for digests off and on,
// with coalesced and skipped days. Digests off, it may emit an item twice
// (the outbox keeps one per key): compared as sets of keys.
class StreamingPassTest : public SchedulerTest {
 protected:
  void SetUp() override {
    // Deadlines around a missed stretch: upcoming, today and overdue items,
    // co-responsible units, an escalation, a report_due cycle day (the 20th
    // of April is 10 business days before the 30th) and two webhooks.
    plan_.activities = {activity("2.9", "2023-11-29", {"general"}, {"tic"}),
                        activity("2.1", "2023-11-30", {"general", "planeacion"}),
                        activity("2.10", "2023-11-30", {"general"}),
                        activity("3.1", "2023-11-16", {"tic"}, {"general"}),
                        activity("4.4", "2023-11-20", {"planeacion"}, {}, 50)};
  }
  ScheduleRules streaming_rules(bool digest) {
    ScheduleRules r = rules();
    r.units[0].webhooks = {"general-hook", "general-teams"};
    r.policy.channels = {Channel::kEmail, Channel::kWebhook};
    r.policy.digest = digest;
    r.policy.misfire_grace = std::chrono::hours{72};
    r.policy.overdue_every_days = 1;
    r.policy.escalate_after_days = 2;
    r.cycles = {paac_cycle()};
    return r;
  }
  struct Streamed {
    std::vector<Message> messages;
    PassDays days;
  };
  Streamed stream(const Scheduler& s, Instant now, std::optional<Instant> last) {
    Streamed out;
    auto days = s.pass(now, last, plan_, [&](Message m) -> Status {
      EXPECT_FALSE(m.key.empty());
      EXPECT_EQ(m.key, idempotency_key(m));
      out.messages.push_back(std::move(m));
      return {};
    });
    EXPECT_TRUE(days.ok()) << days.error().message;
    if (days.ok()) out.days = *days;
    return out;
  }
  static std::set<std::string> keys_of(const std::vector<Message>& messages) {
    std::set<std::string> keys;
    for (const auto& m : messages) keys.insert(m.key);
    return keys;
  }
};

TEST_F(StreamingPassTest, DigestsOffGivesTheWholePassKeysAndDays) {
  const Scheduler s = make(streaming_rules(/*digest=*/false));
  // Down from Monday the 20th to Thursday the 23rd at 09:00: the 21st and
  // 22nd are within 72 h and coalesced; one more pass on a quiet day.
  for (auto [now, last] : {std::pair{"2023-11-23T09:00", "2023-11-20T08:30"},
                           std::pair{"2023-11-30T08:00", "2023-11-29T08:00"},
                           std::pair{"2023-11-24T08:05", "2023-11-10T08:00"}}) {
    SCOPED_TRACE(now);
    auto whole = s.pass(at_local(s, now), at_local(s, last), plan_);
    ASSERT_TRUE(whole.ok()) << whole.error().message;
    const Streamed streamed = stream(s, at_local(s, now), at_local(s, last));
    EXPECT_EQ(streamed.days.day, whole->day);
    EXPECT_EQ(streamed.days.skipped_days, whole->skipped_days);
    EXPECT_EQ(keys_of(streamed.messages), keys_of(whole->messages));
    EXPECT_FALSE(whole->messages.empty());
    if (std::string(now) == "2023-11-23T09:00") {
      // The 21st and 22nd had reminders: coalesced into the 23rd.
      EXPECT_EQ(whole->skipped_days, (std::vector<Date>{d("2023-11-21"), d("2023-11-22")}));
    }
    for (const auto& m : streamed.messages) {
      ASSERT_EQ(m.items.size(), 1u);
      EXPECT_EQ(m.day, whole->day);
      EXPECT_EQ(m.at, s.send_instant(*whole->day));
    }
    // The same items, same wording and days left (counted from the day sent,
    // for a coalesced day's items too), whichever path made them.
    std::map<std::string, MessageItem> by_key;
    for (const auto& m : whole->messages) by_key[m.key] = m.items.front();
    for (const auto& m : streamed.messages) {
      const MessageItem& w = by_key.at(m.key);
      EXPECT_EQ(m.items[0].days_left, w.days_left) << m.key;
      EXPECT_EQ(m.items[0].title, w.title) << m.key;
      EXPECT_EQ(m.items[0].role, w.role) << m.key;
    }
  }
}

TEST_F(StreamingPassTest, DigestsOnEmitsTheWholePassMessages) {
  const Scheduler s = make(streaming_rules(/*digest=*/true));
  const Instant now = at_local(s, "2023-11-23T09:00");
  const Instant last = at_local(s, "2023-11-20T08:30");
  auto whole = s.pass(now, last, plan_);
  ASSERT_TRUE(whole.ok()) << whole.error().message;
  const Streamed streamed = stream(s, now, last);
  EXPECT_EQ(streamed.days.day, whole->day);
  EXPECT_EQ(streamed.days.skipped_days, whole->skipped_days);
  ASSERT_EQ(streamed.messages.size(), whole->messages.size());
  for (size_t i = 0; i < whole->messages.size(); ++i) {
    EXPECT_EQ(streamed.messages[i].key, whole->messages[i].key);
    EXPECT_EQ(streamed.messages[i].items.size(), whole->messages[i].items.size());
  }
  // general: email + two webhooks, each one digest.
  int general = 0;
  for (const auto& m : streamed.messages) general += m.unit_id == "general";
  EXPECT_EQ(general, 3);
}

TEST_F(StreamingPassTest, AnErrorFromTheSinkStopsThePass) {
  const Scheduler s = make(streaming_rules(/*digest=*/false));
  int calls = 0;
  auto days = s.pass(at_local(s, "2023-11-23T09:00"), at_local(s, "2023-11-20T08:30"), plan_,
                     [&](Message) -> Status {
                       ++calls;
                       return Error{"disk full"};
                     });
  ASSERT_FALSE(days.ok());
  EXPECT_EQ(days.error().message, "disk full");
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace plazo
