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

}  // namespace plazo
