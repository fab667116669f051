#pragma once
/// \file
/// The scheduler: given the time, the calendar, the rules, the cycles and the
/// open activities, which messages are due, to whom, and when to wake next.
///
/// It does no I/O and reads no clock: "now" is an argument and activities
/// come through PlanReader, whose only real implementation is the Store.
/// Queries go by deadline, so a pass never loads the whole plan: first the
/// scheduler works out, from the distinct open deadlines, which deadlines can
/// produce a reminder on a day; then it asks for just those activities.
///
/// Semantics (see README "How reminders are scheduled"):
/// - upcoming: D - k for each k in before_days; today: D; overdue: D + j*N
///   (N = overdue_every_days); escalation: D + escalate_after_days and every
///   overdue repeat after it, to the oversight units. k, N and the escalation
///   delay count business days when policy.business_days, else calendar days.
/// - A reminder day that is closed moves: up to the deadline, to the business
///   day before; after the deadline, to the business day after. Counting
///   business days, "k before" counts from the deadline's own business day
///   (a Saturday deadline is effectively Friday's), so the k-day reminder
///   says k days are left.
/// - report_due: X - k for each cycle cutoff X and k in remind_before_days, to
///   the responsible units of open activities of X's year that the cycle
///   covers and that are active in X's cuatrimestre. publish_due: on the first
///   business day after X and on X + publish_within_business_days business
///   days, to the publisher.
/// - Digest: one message per unit, channel (and webhook) and day holding all
///   its items; a unit with nothing to hear gets nothing. One item per
///   activity and kind: two reminders that land on one day merge.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "domain/calendar.h"
#include "domain/dates.h"
#include "domain/message.h"
#include "domain/model.h"
#include "domain/result.h"
#include "domain/timezone.h"

namespace plazo {

/// Read access to open (not done) activities, as the scheduler needs it.
class PlanReader {
 public:
  virtual ~PlanReader() = default;
  /// Every distinct deadline of an open activity (any order).
  virtual Result<std::vector<Date>> open_deadlines() = 0;
  /// Open activities whose deadline is one of `deadlines`.
  virtual Result<std::vector<Activity>> open_activities_due(const std::vector<Date>& deadlines) = 0;
  /// Open activities of the plans of `year`; only `numbers` when given.
  virtual Result<std::vector<Activity>> open_activities_of_year(
      int year, const std::optional<std::vector<std::string>>& numbers) = 0;
};

/// The rules a scheduler applies; taken from the config.
struct ScheduleRules {
  ReminderPolicy policy;
  std::vector<Cycle> cycles;
  std::chrono::minutes send_time{8 * 60};  ///< local time of day
  std::vector<Unit> units;                 ///< recipients and their channels
};

/// What one scheduling pass decided.
struct PassResult {
  std::vector<Message> messages;   ///< due now, for the outbox
  std::optional<Date> day;         ///< the day whose messages these are
  std::vector<Date> skipped_days;  ///< days missed beyond misfire_grace or coalesced
};

class Scheduler {
 public:
  /// The scheduler keeps copies of everything; it is immutable afterwards
  /// and safe to use from one thread at a time (the calendar caches years).
  Scheduler(ScheduleRules rules, Calendar calendar, TimeZone zone);

  /// Every message due on local `day` at the send time, digested per policy,
  /// ordered by unit id, channel and target. Keys are set.
  Result<std::vector<Message>> messages_on(Date day, PlanReader& plan) const;

  /// The pass the daemon runs at `now`, `last_pass` being the instant of the
  /// previous one (nullopt on a new database: only today counts). Days whose
  /// send instant is in (last_pass, now] are due; of those, only the latest
  /// within misfire_grace of now is sent (the digest of a later day already
  /// holds what is still open), the others are reported as skipped.
  Result<PassResult> pass(Instant now, std::optional<Instant> last_pass, PlanReader& plan) const;

  /// The first send instant strictly after `after` at which some message may
  /// be due (never later than the true one; a cycle day may turn out empty).
  /// nullopt when nothing is due in the coming 400 days.
  Result<std::optional<Instant>> next_wakeup(Instant after, PlanReader& plan) const;

  /// The send instant of local `day`.
  Instant send_instant(Date day) const;

  const Calendar& calendar() const { return calendar_; }
  const TimeZone& zone() const { return zone_; }
  const ScheduleRules& rules() const { return rules_; }

 private:
  struct ActivityKinds;
  ActivityKinds kinds_on(Date day, Date deadline) const;
  bool any_reminder_on(Date day, Date deadline) const;
  std::optional<Date> next_reminder_day(Date from, Date deadline) const;
  std::vector<Date> cycle_days_near(Date day) const;
  int days_between(Date from, Date to) const;
  /// The day n days before `day`, moved onto a business day.
  Date shift_back(Date day, int n) const;
  Date shift_forward(Date day, int n) const;

  ScheduleRules rules_;
  Calendar calendar_;
  TimeZone zone_;
};

/// Orders activity numbers naturally: "1.2" < "1.10" < "2.1".
bool activity_number_less(const std::string& a, const std::string& b);

}  // namespace plazo
