#pragma once
/// \file
/// Glue between the config, the store and the pure scheduler: building a
/// Scheduler from a Config, reading the plan through the Store, and running
/// one scheduling pass that writes what is due to the outbox.

#include <optional>
#include <vector>

#include "config/config.h"
#include "domain/scheduler.h"
#include "storage/store.h"

namespace plazo {

/// The scheduler's view of a Store. Holds a reference; the store must
/// outlive it. Same thread rules as the store.
class StorePlanReader final : public PlanReader {
 public:
  explicit StorePlanReader(Store& store) : store_(store) {}
  Result<std::vector<Date>> open_deadlines() override;
  Result<std::vector<Activity>> open_activities_due(const std::vector<Date>& deadlines) override;
  Result<std::vector<Activity>> open_activities_of_year(
      int year, const std::optional<std::vector<std::string>>& numbers) override;

 private:
  Store& store_;
};

/// The business-day calendar the config describes.
Calendar make_calendar(const CalendarSettings& settings);
/// A scheduler for a validated config (fails only on an unknown time zone).
Result<Scheduler> make_scheduler(const Config& config);

/// What one pass did.
struct PassSummary {
  std::optional<Date> day;     ///< the day whose messages were due, if any
  int due = 0;                 ///< messages the scheduler produced
  int enqueued = 0;            ///< new in the outbox (others were there already)
  /// What was offered to the outbox: every due message but digests a unit
  /// had already received that day. All of them are new when `enqueued`
  /// equals their number.
  std::vector<Message> offered;
  std::vector<Date> skipped;   ///< business days missed beyond misfire_grace / coalesced
};

/// Runs the pass at `now` and writes its messages to the outbox, in the same
/// transaction that records the pass. With digests on, a unit that already
/// has a message for the day on a channel gets no second one. Logs what it
/// skipped.
Result<PassSummary> run_pass(const Scheduler& scheduler, Store& store, Instant now);

}  // namespace plazo
