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

}  // namespace plazo
