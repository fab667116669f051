#include "storage/store.h"

namespace plazo {

std::string_view to_string(OutboxStatus status) {
  switch (status) {
    case OutboxStatus::kPending:
      return "pending";
    case OutboxStatus::kInFlight:
      return "in_flight";
    case OutboxStatus::kRetry:
      return "retry";
    case OutboxStatus::kSent:
      return "sent";
    case OutboxStatus::kDead:
      return "dead";
  }
  return "pending";
}

std::optional<OutboxStatus> parse_outbox_status(std::string_view text) {
  for (OutboxStatus status : {OutboxStatus::kPending, OutboxStatus::kInFlight, OutboxStatus::kRetry,
                              OutboxStatus::kSent, OutboxStatus::kDead}) {
    if (to_string(status) == text) return status;
  }
  return std::nullopt;
}

Result<ImportSummary> Store::apply_import(const std::string& plan, int year,
                                          const std::vector<ImportedActivity>& activities,
                                          bool dry_run) {
  auto import = begin_import(plan, year, dry_run);
  if (!import) return import.error();
  for (const auto& activity : activities) {
    if (auto status = (*import)->add(activity); !status) return status.error();
  }
  return (*import)->finish();
}

Result<std::vector<Activity>> collect_activities(
    const std::function<Status(const ActivityVisitor&)>& each) {
  std::vector<Activity> activities;
  auto read = each([&](const Activity& activity) -> Status {
    activities.push_back(activity);
    return {};
  });
  if (!read) return read.error();
  return activities;
}

Result<std::vector<Activity>> Store::open_activities_due(const std::vector<Date>& deadlines) {
  return collect_activities(
      [&](const ActivityVisitor& visit) { return each_open_activity_due(deadlines, visit); });
}

Result<std::vector<Activity>> Store::open_activities_of_year(
    int year, const std::optional<std::vector<std::string>>& numbers) {
  return collect_activities([&](const ActivityVisitor& visit) {
    return each_open_activity_of_year(year, numbers, visit);
  });
}

Result<int> Store::enqueue(const std::vector<Message>& messages, std::optional<Instant> pass) {
  auto writer = begin_enqueue();
  if (!writer) return writer.error();
  for (const auto& message : messages) {
    if (auto added = (*writer)->add(message); !added) return added.error();
  }
  return (*writer)->finish(pass);
}

}  // namespace plazo
