#include "daemon/metrics.h"

#include <set>
#include <utility>
#include <variant>

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

std::vector<KindLabel> kind_labels(const Message& message) {
  std::set<ItemKind> kinds;
  for (const auto& item : message.items) kinds.insert(item.kind);
  std::vector<KindLabel> labels;
  for (ItemKind kind : kinds) labels.emplace_back(to_string(kind));
  if (labels.empty()) labels.emplace_back("unknown");
  return labels;
}

void DeliveryMetrics::count_due(const std::vector<Message>& messages) {
  std::lock_guard lock(mutex_);
  for (const auto& message : messages) {
    for (auto& kind : kind_labels(message)) {
      ++counters_.messages[{message.channel, std::move(kind), MessageResult::kDue}];
    }
  }
}

void DeliveryMetrics::record_attempt(Channel channel, const std::vector<KindLabel>& kinds,
                                     const DeliveryOutcome& outcome) {
  MessageResult result = MessageResult::kSent;
  if (outcome.status == DeliveryStatus::kRetryable) result = MessageResult::kFailed;
  if (outcome.status == DeliveryStatus::kPermanent) result = MessageResult::kDead;
  std::lock_guard lock(mutex_);
  for (const auto& kind : kinds) ++counters_.messages[{channel, kind, result}];
  counters_.durations[channel].observe(outcome.duration);
}

MetricsSample DeliveryMetrics::sample() const {
  std::lock_guard lock(mutex_);
  return counters_;
}

void MessageKinds::remember(const Message& message) {
  std::string key = message.key.empty() ? idempotency_key(message) : message.key;
  std::vector<KindLabel> labels = kind_labels(message);
  std::lock_guard lock(mutex_);
  auto [it, inserted] = kinds_.try_emplace(std::move(key));
  it->second.kinds = std::move(labels);
  if (!inserted) return;
  it->second.in_order = order_.insert(order_.end(), std::string_view(it->first));
  while (kinds_.size() > capacity_) {
    const std::string oldest(order_.front());
    order_.pop_front();
    kinds_.erase(oldest);
  }
}

std::vector<KindLabel> MessageKinds::kinds_of(const std::string& key) const {
  std::lock_guard lock(mutex_);
  auto it = kinds_.find(key);
  if (it == kinds_.end()) return {"unknown"};
  return it->second.kinds;
}

void MessageKinds::forget(const std::string& key) {
  std::lock_guard lock(mutex_);
  auto it = kinds_.find(key);
  if (it == kinds_.end()) return;
  order_.erase(it->second.in_order);
  kinds_.erase(it);
}

size_t MessageKinds::size() const {
  std::lock_guard lock(mutex_);
  return kinds_.size();
}

std::string job_key(const DeliveryJob& job) {
  if (const auto* email = std::get_if<EmailJob>(&job)) return email->email.key;
  const auto& request = std::get<HttpRequest>(job);
  const std::string* key = request.header("Idempotency-Key");
  return key != nullptr ? *key : std::string();
}

void MeteredTransport::submit(DeliveryJob job, DeliveryCallback done) {
  const Channel channel =
      std::holds_alternative<EmailJob>(job) ? Channel::kEmail : Channel::kWebhook;
  std::string key = job_key(job);
  auto kinds = kinds_.kinds_of(key);
  inner_.submit(std::move(job), [this, channel, key = std::move(key), kinds = std::move(kinds),
                                 done = std::move(done)](DeliveryOutcome outcome) {
    metrics_.record_attempt(channel, kinds, outcome);
    if (outcome.status != DeliveryStatus::kRetryable) kinds_.forget(key);
    done(std::move(outcome));
  });
}

}  // namespace plazo
