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
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "domain/calendar.h"
#include "domain/dates.h"
#include "domain/message.h"
#include "domain/model.h"
#include "domain/result.h"
#include "domain/timezone.h"

namespace plazo {

/// Read access to open (not done) activities, as the scheduler needs it.
/// Activities come one at a time so that a pass over a large plan never
/// holds all of them.
class PlanReader {
 public:
  virtual ~PlanReader() = default;
  /// Every distinct deadline of an open activity (any order).
  virtual Result<std::vector<Date>> open_deadlines() = 0;
  /// Each open activity whose deadline is one of `deadlines`.
  virtual Status each_open_activity_due(const std::vector<Date>& deadlines,
                                        const ActivityVisitor& visit) = 0;
  /// Each open activity of the plans of `year`; only `numbers` when given.
  virtual Status each_open_activity_of_year(int year,
                                            const std::optional<std::vector<std::string>>& numbers,
                                            const ActivityVisitor& visit) = 0;
};

/// Takes the messages of a pass as they are made; an error stops the pass.
using MessageVisitor = std::function<Status(Message)>;

/// The rules a scheduler applies; taken from the config.
struct ScheduleRules {
  ReminderPolicy policy;
  std::vector<Cycle> cycles;
  std::chrono::minutes send_time{8 * 60};  ///< local time of day
  std::vector<Unit> units;                 ///< recipients and their channels
};

/// What one scheduling pass decided, besides its messages.
struct PassDays {
  std::optional<Date> day;         ///< the day whose messages are due
  std::vector<Date> skipped_days;  ///< days missed beyond misfire_grace or coalesced
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

  /// The same pass, handing each message to `emit` as soon as it is made,
  /// so that memory does not grow with the day's messages. With digests
  /// off, messages go out in the plan's order and two items of one
  /// identity are both emitted (their keys are equal: the outbox keeps
  /// one); with digests on, each unit's digest is complete when emitted.
  /// Every message emitted has its key set.
  Result<PassDays> pass(Instant now, std::optional<Instant> last_pass, PlanReader& plan,
                        const MessageVisitor& emit) const;

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
  using ItemVisitor = std::function<Status(const std::string& unit_id, MessageItem item)>;
  /// Every item due on business day `day`, with the unit it is for.
  Status items_on(Date day, PlanReader& plan, const ItemVisitor& add) const;
  /// The messages of one unit's items (sorted and deduplicated here), one
  /// per route, digested or not per policy; nothing for an unknown unit.
  Status unit_messages(Date day, const std::string& unit_id, std::vector<MessageItem> items,
                       const MessageVisitor& emit) const;
  /// The unit's routes: (email, "") and (webhook, name) per policy.channels.
  std::vector<std::pair<Channel, std::string>> routes_of(const std::string& unit_id) const;
  /// Days whose send instant is in (last_pass, now]: the one to send and
  /// those within grace coalesced into it (latest first, after it), and
  /// the skipped ones.
  struct DuePlan {
    std::vector<Date> within;  ///< latest first; empty when nothing is due
    std::vector<Date> skipped;
  };
  DuePlan due_days(Instant now, std::optional<Instant> last_pass) const;
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
