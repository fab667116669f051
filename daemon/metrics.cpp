#include "daemon/metrics.h"

#include <utility>

namespace plazo {

std::string_view to_string(MessageResult result) {
  switch (result) {
    case MessageResult::kDue:
      return "due";
    case MessageResult::kSent:
      return "sent";
    case MessageResult::kFailed:
      return "failed";
    case MessageResult::kDead:
      return "dead";
  }
  return "unknown";
}

void DurationHistogram::observe(std::chrono::milliseconds duration) {
  const double seconds = static_cast<double>(duration.count()) / 1000.0;
  ++count;
  sum_seconds += seconds;
  for (size_t i = 0; i < kDurationBuckets.size(); ++i) {
    if (seconds <= kDurationBuckets[i]) {
      ++counts[i];
      return;
    }
  }
  ++over;
}

std::vector<KindLabel> kind_labels(const std::vector<ItemKind>& kinds) {
  std::vector<KindLabel> labels;
  for (ItemKind kind : kinds) labels.emplace_back(to_string(kind));
  if (labels.empty()) labels.emplace_back("unknown");
  return labels;
}

void DeliveryMetrics::count_due(const std::map<std::pair<Channel, ItemKind>, int>& fresh) {
  std::lock_guard lock(mutex_);
  for (const auto& [route, count] : fresh) {
    counters_.messages[{route.first, KindLabel(to_string(route.second)), MessageResult::kDue}] +=
        count;
  }
}

void DeliveryMetrics::record_attempt(Channel channel, const std::vector<ItemKind>& kinds,
                                     const DeliveryOutcome& outcome) {
  MessageResult result = MessageResult::kSent;
  if (outcome.status == DeliveryStatus::kRetryable) result = MessageResult::kFailed;
  if (outcome.status == DeliveryStatus::kPermanent) result = MessageResult::kDead;
  const auto labels = kind_labels(kinds);
  std::lock_guard lock(mutex_);
  for (const auto& kind : labels) ++counters_.messages[{channel, kind, result}];
  counters_.durations[channel].observe(outcome.duration);
}

MetricsSample DeliveryMetrics::sample() const {
  std::lock_guard lock(mutex_);
  return counters_;
}

}  // namespace plazo
