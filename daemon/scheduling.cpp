#include "daemon/scheduling.h"

#include <spdlog/spdlog.h>

namespace plazo {

Result<std::vector<Date>> StorePlanReader::open_deadlines() {
  auto counts = store_.open_deadlines();
  if (!counts) return counts.error();
  std::vector<Date> days;
  days.reserve(counts->size());
  for (const auto& count : *counts) days.push_back(count.deadline);
  return days;
}

Result<std::vector<Activity>> StorePlanReader::open_activities_due(const std::vector<Date>& deadlines) {
  return store_.open_activities_due(deadlines);
}

Result<std::vector<Activity>> StorePlanReader::open_activities_of_year(
    int year, const std::optional<std::vector<std::string>>& numbers) {
  return store_.open_activities_of_year(year, numbers);
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
  StorePlanReader plan(store);
  auto last = store.last_pass();
  if (!last) return last.error();
  auto pass = scheduler.pass(now, *last, plan);
  if (!pass) return pass.error();

  PassSummary summary;
  summary.day = pass->day;
  summary.skipped = pass->skipped_days;
  summary.due = static_cast<int>(pass->messages.size());
  std::vector<Message> fresh;
  for (auto& message : pass->messages) {
    if (scheduler.rules().policy.digest) {
      auto seen = store.has_message_for(message.unit_id, message.channel, message.day);
      if (!seen) return seen.error();
      // One digest a day: a later pass the same day (e.g. after an import)
      // does not send a second one.
      if (*seen) continue;
    }
    fresh.push_back(std::move(message));
  }
  // The pass mark never moves back: after a wall clock step backwards the
  // days already handled stay handled.
  auto enqueued = store.enqueue(fresh, *last && **last > now ? **last : now);
  if (!enqueued) return enqueued.error();
  summary.enqueued = *enqueued;
  summary.offered = std::move(fresh);

  for (Date day : summary.skipped) {
    spdlog::warn("skipped the reminders of {}: more than the misfire grace ago, or coalesced into {}",
                 format_iso_date(day), summary.day ? format_iso_date(*summary.day) : "none");
  }
  return summary;
}

}  // namespace plazo
