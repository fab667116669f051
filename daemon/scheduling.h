#pragma once
/// \file
/// Glue between the config, the store and the pure scheduler: building a
/// Scheduler from a Config, reading the plan through the Store, and running
/// one scheduling pass that writes what is due to the outbox.

#include <map>
#include <optional>
#include <utility>
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
  Status each_open_activity_due(const std::vector<Date>& deadlines,
                                const ActivityVisitor& visit) override;
  Status each_open_activity_of_year(int year, const std::optional<std::vector<std::string>>& numbers,
                                    const ActivityVisitor& visit) override;

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
  /// The new messages by channel and kind: a message holding items of two
  /// kinds counts under both.
  std::map<std::pair<Channel, ItemKind>, int> fresh_kinds;
  std::vector<Date> skipped;   ///< business days missed beyond misfire_grace / coalesced
};

/// Runs the pass at `now` and writes its messages to the outbox as they are
/// made, in the same transaction that records the pass. With digests on, a unit that already
/// has a message for the day on a channel gets no second one. Logs what it
/// skipped.
Result<PassSummary> run_pass(const Scheduler& scheduler, Store& store, Instant now);

}  // namespace plazo
