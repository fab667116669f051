#include "domain/scheduler.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <set>
#include <tuple>

namespace plazo {
namespace {

// Evidence links kept per item: a follow-up note rarely cites more, and a
// pasted list of links should not swell every digest.
constexpr size_t kMaxEvidenceLinks = 5;

// The order sections appear in a digest.
int digest_rank(ItemKind kind) {
  switch (kind) {
    case ItemKind::kToday: return 0;
    case ItemKind::kUpcoming: return 1;
    case ItemKind::kOverdue: return 2;
    case ItemKind::kEscalation: return 3;
    case ItemKind::kReportDue: return 4;
    case ItemKind::kPublishDue: return 5;
  }
  return 6;
}

bool item_less(const MessageItem& a, const MessageItem& b) {
  if (digest_rank(a.kind) != digest_rank(b.kind)) return digest_rank(a.kind) < digest_rank(b.kind);
  if (a.deadline != b.deadline) return a.deadline < b.deadline;
  if (a.cycle != b.cycle) return a.cycle < b.cycle;
  if (activity_number_less(a.activity, b.activity)) return true;
  if (activity_number_less(b.activity, a.activity)) return false;
  return std::tie(a.plan, a.plan_year) < std::tie(b.plan, b.plan_year);
}

// What makes two items the same line of a digest. The plan is part of it:
// two plans' "1.1" due the same day are two lines (and, without digests,
// two messages), not one.
auto item_identity(const MessageItem& item) {
  return std::make_tuple(static_cast<int>(item.kind), item.plan, item.plan_year, item.activity,
                         item.cycle, item.cutoff);
}

// A cutoff "MM-DD" in a year; 29 Feb in a common year is the 28th.
Date cutoff_in(int year, date::month_day md) {
  const date::year_month_day ymd{date::year{year}, md.month(), md.day()};
  if (ymd.ok()) return Date{ymd};
  return Date{date::year{year} / md.month() / date::last};
}

}  // namespace

bool activity_number_less(const std::string& a, const std::string& b) {
  // Compare dot-separated parts numerically when both are numbers.
  size_t i = 0;
  size_t j = 0;
  while (i < a.size() && j < b.size()) {
    const size_t ai = a.find('.', i);
    const size_t bj = b.find('.', j);
    const std::string_view pa(a.data() + i, (ai == std::string::npos ? a.size() : ai) - i);
    const std::string_view pb(b.data() + j, (bj == std::string::npos ? b.size() : bj) - j);
    long na = 0;
    long nb = 0;
    const auto ra = std::from_chars(pa.data(), pa.data() + pa.size(), na);
    const auto rb = std::from_chars(pb.data(), pb.data() + pb.size(), nb);
    const bool numeric = ra.ec == std::errc() && ra.ptr == pa.data() + pa.size() &&
                         rb.ec == std::errc() && rb.ptr == pb.data() + pb.size();
    if (numeric && na != nb) return na < nb;
    if (!numeric && pa != pb) return pa < pb;
    if (ai == std::string::npos || bj == std::string::npos) {
      return ai == std::string::npos && bj != std::string::npos;
    }
    i = ai + 1;
    j = bj + 1;
  }
  return a.size() < b.size();
}

struct Scheduler::ActivityKinds {
  bool upcoming = false;
  bool today = false;
  bool overdue = false;
  bool escalation = false;
  bool any() const { return upcoming || today || overdue || escalation; }
};

Scheduler::Scheduler(ScheduleRules rules, Calendar calendar, TimeZone zone)
    : rules_(std::move(rules)), calendar_(std::move(calendar)), zone_(std::move(zone)) {}

Instant Scheduler::send_instant(Date day) const { return zone_.at(day, rules_.send_time); }

int Scheduler::days_between(Date from, Date to) const {
  if (rules_.policy.business_days) return calendar_.business_days_between(from, to);
  return static_cast<int>((to - from).count());
}

Date Scheduler::shift_back(Date day, int n) const {
  // In business days the count starts from the effective deadline (a closed
  // deadline's business day before), so the k-day reminder has k days left.
  if (rules_.policy.business_days) return calendar_.add_business_days(calendar_.on_or_before(day), -n);
  return calendar_.on_or_before(day - date::days{n});
}

Date Scheduler::shift_forward(Date day, int n) const {
  if (rules_.policy.business_days) return calendar_.add_business_days(day, n);
  return day + date::days{n};
}

Scheduler::ActivityKinds Scheduler::kinds_on(Date day, Date deadline) const {
  ActivityKinds kinds;
  // Every reminder is moved onto a business day, so a closed day has none.
  if (!calendar_.is_business_day(day)) return kinds;
  const ReminderPolicy& policy = rules_.policy;

  if (policy.on_deadline && calendar_.on_or_before(deadline) == day) kinds.today = true;
  for (int k : policy.before_days) {
    if (k > 0 && shift_back(deadline, k) == day) kinds.upcoming = true;
  }
  // Counting calendar days, a deadline on a closed day has its "today" on the
  // business day before, which may also be a k-day reminder: one line.
  if (kinds.today) kinds.upcoming = false;

  const int every = policy.overdue_every_days;
  if (every > 0 && day > deadline) {
    if (policy.business_days) {
      // Targets D + j*N business days are business days themselves.
      const int count = calendar_.business_days_between(deadline, day);
      kinds.overdue = count > 0 && count % every == 0;
    } else {
      // Calendar targets on closed days defer to `day` when `day` is the
      // first business day on or after them.
      for (Date t = day; t > deadline; t -= date::days{1}) {
        if (t != day && calendar_.is_business_day(t)) break;
        if ((t - deadline).count() % every == 0) {
          kinds.overdue = true;
          break;
        }
      }
    }
  }

  if (policy.escalate_after_days > 0 && day > deadline) {
    const Date first = calendar_.on_or_after(shift_forward(deadline, policy.escalate_after_days));
    kinds.escalation = day == first || (kinds.overdue && day > first);
  }
  return kinds;
}

bool Scheduler::any_reminder_on(Date day, Date deadline) const {
  return kinds_on(day, deadline).any();
}

std::optional<Date> Scheduler::next_reminder_day(Date from, Date deadline) const {
  const ReminderPolicy& policy = rules_.policy;
  std::optional<Date> best;
  auto consider = [&](Date candidate) {
    if (candidate >= from && (!best || candidate < *best)) best = candidate;
  };
  if (policy.on_deadline) consider(calendar_.on_or_before(deadline));
  for (int k : policy.before_days) {
    if (k > 0) consider(shift_back(deadline, k));
  }
  const int every = policy.overdue_every_days;
  if (every > 0) {
    if (from <= deadline) {
      consider(calendar_.on_or_after(shift_forward(deadline, every)));
    } else if (policy.business_days) {
      const int count = calendar_.business_days_between(deadline, from);
      if (calendar_.is_business_day(from) && count % every == 0) {
        consider(from);
      } else {
        const int next = (count / every + 1) * every;
        consider(calendar_.add_business_days(from, next - count));
      }
    } else {
      // Start a little before `from`: a target on a closed day before it may
      // defer onto it.
      const long behind = (from - deadline).count();
      long j = std::max(1L, (behind - 31) / every);
      while (true) {
        const Date t = calendar_.on_or_after(deadline + date::days{j * every});
        if (t >= from) {
          consider(t);
          break;
        }
        ++j;
      }
    }
  }
  if (policy.escalate_after_days > 0) {
    consider(calendar_.on_or_after(shift_forward(deadline, policy.escalate_after_days)));
  }
  return best;
}

std::vector<Date> Scheduler::cycle_days_near(Date day) const {
  std::vector<Date> days;
  const int year = year_of(day);
  for (const Cycle& cycle : rules_.cycles) {
    for (int y = year - 1; y <= year + 1; ++y) {
      for (const auto& md : cycle.cutoffs) {
        const Date cutoff = cutoff_in(y, md);
        for (int k : cycle.remind_before_days) {
          days.push_back(k > 0 ? shift_back(cutoff, k) : calendar_.on_or_before(cutoff));
        }
        if (cycle.publish_within_business_days > 0 && !cycle.publisher.empty()) {
          days.push_back(calendar_.add_business_days(cutoff, 1));
          days.push_back(calendar_.add_business_days(cutoff, cycle.publish_within_business_days));
        }
      }
    }
  }
  return days;
}

Status Scheduler::items_on(Date day, PlanReader& plan, const ItemVisitor& add) const {
  auto activity_item = [&](const Activity& activity, ItemKind kind, Role role, Date deadline) {
    MessageItem item;
    item.kind = kind;
    item.role = role;
    item.activity = activity.number;
    item.plan = activity.plan;
    item.plan_year = activity.year;
    item.title = activity.title;
    item.deliverable = activity.deliverable;
    item.deadline = deadline;
    item.days_left = days_between(day, deadline);
    if (activity.progress) {
      item.progress = activity.progress->percent;
      item.evidence = find_links(activity.progress->note, kMaxEvidenceLinks);
    }
    return item;
  };

  // Activity deadlines: find the deadlines with a reminder today, then fetch
  // only their activities.
  auto deadlines = plan.open_deadlines();
  if (!deadlines) return deadlines.error();
  std::vector<Date> relevant;
  for (Date deadline : *deadlines) {
    if (any_reminder_on(day, deadline)) relevant.push_back(deadline);
  }
  std::sort(relevant.begin(), relevant.end());
  if (!relevant.empty()) {
    std::vector<const Unit*> oversight;
    for (const Unit& unit : rules_.units) {
      if (unit.oversight) oversight.push_back(&unit);
    }
    auto visit = [&](const Activity& activity) -> Status {
      if (activity.done() || !activity.deadline) return {};
      const Date deadline = *activity.deadline;
      const ActivityKinds kinds = kinds_on(day, deadline);
      for (auto [flag, kind] : {std::pair{kinds.today, ItemKind::kToday},
                                std::pair{kinds.upcoming, ItemKind::kUpcoming},
                                std::pair{kinds.overdue, ItemKind::kOverdue}}) {
        if (!flag) continue;
        for (const auto& unit_id : activity.responsible) {
          if (auto added = add(unit_id, activity_item(activity, kind, Role::kResponsible, deadline));
              !added) {
            return added;
          }
        }
        for (const auto& unit_id : activity.co_responsible) {
          // A unit listed in both columns hears it once, as responsible.
          if (std::find(activity.responsible.begin(), activity.responsible.end(), unit_id) !=
              activity.responsible.end()) {
            continue;
          }
          if (auto added =
                  add(unit_id, activity_item(activity, kind, Role::kCoResponsible, deadline));
              !added) {
            return added;
          }
        }
      }
      if (kinds.escalation) {
        for (const Unit* unit : oversight) {
          MessageItem item = activity_item(activity, ItemKind::kEscalation, Role::kOversight, deadline);
          item.units = activity.responsible;
          item.units.insert(item.units.end(), activity.co_responsible.begin(),
                            activity.co_responsible.end());
          if (auto added = add(unit->id, std::move(item)); !added) return added;
        }
      }
      return {};
    };
    if (auto read = plan.each_open_activity_due(relevant, visit); !read) return read;
  }

  // Reporting cycles: report_due before each cutoff, publish_due after it.
  const int year = year_of(day);
  for (const Cycle& cycle : rules_.cycles) {
    for (int y = year - 1; y <= year + 1; ++y) {
      for (const auto& md : cycle.cutoffs) {
        const Date cutoff = cutoff_in(y, md);
        bool report = false;
        for (int k : cycle.remind_before_days) {
          if ((k > 0 ? shift_back(cutoff, k) : calendar_.on_or_before(cutoff)) == day) report = true;
        }
        if (report) {
          const int period = cuatrimestre_of(cutoff);
          auto visit = [&](const Activity& activity) -> Status {
            if (activity.done() || !activity.active_in_period(period)) return {};
            for (const auto& unit_id : activity.responsible) {
              MessageItem item = activity_item(activity, ItemKind::kReportDue, Role::kResponsible, cutoff);
              item.cycle = cycle.name;
              item.cutoff = cutoff;
              if (auto added = add(unit_id, std::move(item)); !added) return added;
            }
            return {};
          };
          if (auto read = plan.each_open_activity_of_year(y, cycle.activities, visit); !read) {
            return read;
          }
        }
        if (cycle.publish_within_business_days > 0 && !cycle.publisher.empty()) {
          const Date publish_by = calendar_.add_business_days(cutoff, cycle.publish_within_business_days);
          if (day == calendar_.add_business_days(cutoff, 1) || day == publish_by) {
            MessageItem item;
            item.kind = ItemKind::kPublishDue;
            item.role = Role::kPublisher;
            item.title = cycle.name;
            item.deadline = publish_by;
            item.days_left = days_between(day, publish_by);
            item.cycle = cycle.name;
            item.cutoff = cutoff;
            if (auto added = add(cycle.publisher, std::move(item)); !added) return added;
          }
        }
      }
    }
  }
  return {};
}

std::vector<std::pair<Channel, std::string>> Scheduler::routes_of(const std::string& unit_id) const {
  std::vector<std::pair<Channel, std::string>> routes;
  const auto unit = std::find_if(rules_.units.begin(), rules_.units.end(),
                                 [&](const Unit& u) { return u.id == unit_id; });
  if (unit == rules_.units.end()) return routes;  // not configured (any more): nobody to tell
  for (Channel channel : rules_.policy.channels) {
    if (channel == Channel::kEmail && !unit->emails.empty()) routes.emplace_back(channel, "");
    if (channel == Channel::kWebhook) {
      for (const auto& hook : unit->webhooks) routes.emplace_back(channel, hook);
    }
  }
  return routes;
}

Status Scheduler::unit_messages(Date day, const std::string& unit_id,
                                std::vector<MessageItem> items, const MessageVisitor& emit) const {
  const auto routes = routes_of(unit_id);
  if (routes.empty() || items.empty()) return {};
  std::sort(items.begin(), items.end(), item_less);
  items.erase(std::unique(items.begin(), items.end(),
                          [](const MessageItem& a, const MessageItem& b) {
                            return item_identity(a) == item_identity(b);
                          }),
              items.end());
  const Instant at = send_instant(day);
  for (size_t r = 0; r < routes.size(); ++r) {
    const bool last_route = r + 1 == routes.size();
    auto make = [&](std::vector<MessageItem> message_items) {
      Message message;
      message.at = at;
      message.day = day;
      message.unit_id = unit_id;
      message.channel = routes[r].first;
      message.target = routes[r].second;
      message.items = std::move(message_items);
      message.key = idempotency_key(message);
      return emit(std::move(message));
    };
    if (rules_.policy.digest) {
      // The last route takes the items; the others get copies.
      if (auto made = make(last_route ? std::move(items) : items); !made) return made;
      continue;
    }
    for (auto& item : items) {
      std::vector<MessageItem> one;
      one.push_back(last_route ? std::move(item) : item);
      if (auto made = make(std::move(one)); !made) return made;
    }
  }
  return {};
}

Result<std::vector<Message>> Scheduler::messages_on(Date day, PlanReader& plan) const {
  std::vector<Message> messages;
  if (!calendar_.is_business_day(day)) return messages;
  // Items per unit id; std::map keeps the output ordered by unit.
  std::map<std::string, std::vector<MessageItem>> items_by_unit;
  auto collect_item = [&](const std::string& unit_id, MessageItem item) -> Status {
    items_by_unit[unit_id].push_back(std::move(item));
    return {};
  };
  if (auto read = items_on(day, plan, collect_item); !read) return read.error();
  auto collect = [&](Message message) -> Status {
    messages.push_back(std::move(message));
    return {};
  };
  for (auto& [unit_id, items] : items_by_unit) {
    if (auto made = unit_messages(day, unit_id, std::move(items), collect); !made) {
      return made.error();
    }
  }
  return messages;
}

Scheduler::DuePlan Scheduler::due_days(Instant now, std::optional<Instant> last_pass) const {
  DuePlan plan;
  const Date today = zone_.local_day(now);
  Date first = last_pass ? zone_.local_day(*last_pass) : today;
  // A database untouched for over a year: older days are not worth listing.
  if (first < today - date::days{400}) first = today - date::days{400};
  // The latest due day within grace is sent; earlier ones within grace are
  // coalesced into it; the rest are skipped.
  for (Date day = today; day >= first; day -= date::days{1}) {
    const Instant at = send_instant(day);
    if (at > now || (last_pass && at <= *last_pass)) continue;
    if (now - at <= rules_.policy.misfire_grace) {
      plan.within.push_back(day);
    } else if (calendar_.is_business_day(day)) {
      plan.skipped.push_back(day);
    }
  }
  return plan;
}

Result<PassResult> Scheduler::pass(Instant now, std::optional<Instant> last_pass,
                                   PlanReader& plan) const {
  PassResult result;
  DuePlan due = due_days(now, last_pass);
  result.skipped_days = std::move(due.skipped);
  std::sort(result.skipped_days.begin(), result.skipped_days.end());
  if (due.within.empty()) return result;

  const Date send_day = due.within.front();
  auto messages = messages_on(send_day, plan);
  if (!messages) return messages.error();
  result.day = send_day;
  result.messages = std::move(*messages);

  for (auto it = due.within.begin() + 1; it != due.within.end(); ++it) {
    auto earlier = messages_on(*it, plan);
    if (!earlier) return earlier.error();
    if (!earlier->empty()) result.skipped_days.push_back(*it);
    for (Message& old : *earlier) {
      // Index, not iterator: carrying a message over grows the vector.
      std::optional<size_t> route;
      if (rules_.policy.digest) {
        for (size_t i = 0; i < result.messages.size(); ++i) {
          const Message& m = result.messages[i];
          if (m.unit_id == old.unit_id && m.channel == old.channel && m.target == old.target) route = i;
        }
      }
      // Items of the missed day that today's digest lacks are carried over,
      // counted from today.
      for (MessageItem& item : old.items) {
        item.days_left = days_between(send_day, item.deadline);
        if (route) {
          auto& mine = result.messages[*route].items;
          const bool present = std::any_of(mine.begin(), mine.end(), [&](const MessageItem& m) {
            return item_identity(m) == item_identity(item);
          });
          if (!present) mine.push_back(item);
          continue;
        }
        Message carried = old;
        carried.day = send_day;
        carried.at = send_instant(send_day);
        carried.items = {item};
        result.messages.push_back(std::move(carried));
        if (rules_.policy.digest) route = result.messages.size() - 1;
      }
    }
  }
  for (Message& message : result.messages) {
    std::sort(message.items.begin(), message.items.end(), item_less);
    message.key = idempotency_key(message);
  }
  std::sort(result.skipped_days.begin(), result.skipped_days.end());
  return result;
}

Result<PassDays> Scheduler::pass(Instant now, std::optional<Instant> last_pass, PlanReader& plan,
                                 const MessageVisitor& emit) const {
  PassDays result;
  if (rules_.policy.digest) {
    // A digest is one message per unit: it is whole before it goes, and the
    // days coalesced into it add to it. Built as a whole.
    auto whole = pass(now, last_pass, plan);
    if (!whole) return whole.error();
    for (Message& message : whole->messages) {
      if (auto emitted = emit(std::move(message)); !emitted) return emitted.error();
    }
    result.day = whole->day;
    result.skipped_days = std::move(whole->skipped_days);
    return result;
  }
  DuePlan due = due_days(now, last_pass);
  result.skipped_days = std::move(due.skipped);
  if (!due.within.empty()) result.day = due.within.front();
  // Without digests every item is a message of its own, made and emitted as
  // its activity is read. A coalesced day's items are counted from the day
  // sent, as the digest path does.
  for (Date day : due.within) {
    if (!calendar_.is_business_day(day)) continue;
    int emitted = 0;
    auto counted = [&](Message message) -> Status {
      ++emitted;
      return emit(std::move(message));
    };
    auto one_item = [&](const std::string& unit_id, MessageItem item) -> Status {
      item.days_left = days_between(*result.day, item.deadline);
      std::vector<MessageItem> items;
      items.push_back(std::move(item));
      return unit_messages(*result.day, unit_id, std::move(items), counted);
    };
    if (auto read = items_on(day, plan, one_item); !read) return read.error();
    if (day != *result.day && emitted > 0) result.skipped_days.push_back(day);
  }
  std::sort(result.skipped_days.begin(), result.skipped_days.end());
  return result;
}

Result<std::optional<Instant>> Scheduler::next_wakeup(Instant after, PlanReader& plan) const {
  Date start = zone_.local_day(after);
  if (send_instant(start) <= after) start += date::days{1};
  const Date horizon = start + date::days{400};

  auto deadlines = plan.open_deadlines();
  if (!deadlines) return deadlines.error();
  std::optional<Date> best;
  for (Date deadline : *deadlines) {
    const auto next = next_reminder_day(start, deadline);
    if (next && (!best || *next < *best)) best = next;
  }
  for (Date day = start; day < horizon && (!best || day < *best); day += date::days{366}) {
    for (Date candidate : cycle_days_near(day)) {
      if (candidate >= start && (!best || candidate < *best)) best = candidate;
    }
  }
  if (!best || *best >= horizon) return std::optional<Instant>{};
  return std::optional<Instant>{send_instant(*best)};
}

}  // namespace plazo
