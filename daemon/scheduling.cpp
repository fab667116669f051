#include "daemon/scheduling.h"

#include <spdlog/spdlog.h>

#include <set>
#include <string>
#include <tuple>

namespace plazo {

Result<std::vector<Date>> StorePlanReader::open_deadlines() {
  auto counts = store_.open_deadlines();
  if (!counts) return counts.error();
  std::vector<Date> days;
  days.reserve(counts->size());
  for (const auto& count : *counts) days.push_back(count.deadline);
  return days;
}

Status StorePlanReader::each_open_activity_due(const std::vector<Date>& deadlines,
                                               const ActivityVisitor& visit) {
  return store_.each_open_activity_due(deadlines, visit);
}

Status StorePlanReader::each_open_activity_of_year(
    int year, const std::optional<std::vector<std::string>>& numbers, const ActivityVisitor& visit) {
  return store_.each_open_activity_of_year(year, numbers, visit);
}

Calendar make_calendar(const CalendarSettings& settings) {
  Calendar::Options options;
  options.country = settings.holidays;
  options.extra_closed = settings.extra_closed;
  options.saturday_is_business_day = settings.saturday_is_business_day;
  return Calendar(std::move(options));
}

Result<Scheduler> make_scheduler(const Config& config) {
  auto zone = TimeZone::locate(config.daemon.timezone);
  if (!zone) return zone.error();
  ScheduleRules rules;
  rules.policy = config.reminders;
  rules.cycles = config.cycles;
  rules.send_time = config.daemon.send_time;
  rules.units = config.units;
  return Scheduler(std::move(rules), make_calendar(config.calendar), std::move(*zone));
}

Result<PassSummary> run_pass(const Scheduler& scheduler, Store& store, Instant now) {
  // One transaction for the whole pass: the activities are read inside it
  // and each message is written as the scheduler makes it, so the pass
  // holds one page of activities and one message at a time.
  auto writer = store.begin_enqueue();
  if (!writer) return writer.error();
  auto last = store.last_pass();
  if (!last) return last.error();
  StorePlanReader plan(store);
  PassSummary summary;
  const bool digest = scheduler.rules().policy.digest;
  // (unit, channel, day) this pass has written to: the digest check looks
  // at what was there before the pass, not at this pass's other webhooks.
  std::set<std::tuple<std::string, Channel, Date>> written;
  auto write = [&](Message message) -> Status {
    ++summary.due;
    auto route = std::make_tuple(message.unit_id, message.channel, message.day);
    if (digest && !written.contains(route)) {
      auto seen = store.has_message_for(message.unit_id, message.channel, message.day);
      if (!seen) return seen.error();
      // One digest a day: a later pass the same day (e.g. after an import)
      // does not send a second one.
      if (*seen) return {};
    }
    auto added = (*writer)->add(message);
    if (!added) return added.error();
    if (digest) written.insert(std::move(route));
    if (*added) {
      for (ItemKind kind : distinct_kinds(message)) ++summary.fresh_kinds[{message.channel, kind}];
    }
    return {};
  };
  auto pass = scheduler.pass(now, *last, plan, write);
  if (!pass) return pass.error();
  summary.day = pass->day;
  summary.skipped = pass->skipped_days;
  // The pass mark never moves back: after a wall clock step backwards the
  // days already handled stay handled.
  auto enqueued = (*writer)->finish(*last && **last > now ? **last : now);
  if (!enqueued) return enqueued.error();
  summary.enqueued = *enqueued;

  for (Date day : summary.skipped) {
    spdlog::warn("skipped the reminders of {}: more than the misfire grace ago, or coalesced into {}",
                 format_iso_date(day), summary.day ? format_iso_date(*summary.day) : "none");
  }
  return summary;
}

}  // namespace plazo
