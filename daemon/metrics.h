#pragma once
/// \file
/// What /metrics counts about messages and deliveries, recorded as it
/// happens. Messages are counted by channel, kind and result:
///  - due: written to the outbox by a scheduling pass;
///  - sent / failed / dead: the verdict of one delivery attempt (sent,
///    retryable failure, permanent failure: the message goes dead at once).
///    Messages that die of exhausted retries or old age are in the outbox's
///    dead count (plazo_outbox_dead) and plazo_delivery_dead_total.
/// A digest holds items of several kinds: it counts once under each kind it
/// holds.
///
/// The delivery stage reports each attempt's verdict and duration as it
/// comes back (Delivery::set_on_attempt), with the kinds of the message it
/// carried.

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "domain/message.h"
#include "notifiers/outcome.h"

namespace plazo {

/// The `result` label of plazo_messages_total.
enum class MessageResult { kDue, kSent, kFailed, kDead };
/// "due", "sent", "failed", "dead".
std::string_view to_string(MessageResult result);

/// The `kind` label: an ItemKind's name, or "unknown".
using KindLabel = std::string;

/// Upper bounds (seconds) of the delivery duration histogram's buckets.
inline constexpr std::array<double, 11> kDurationBuckets = {0.05, 0.1, 0.25, 0.5, 1,  2.5,
                                                            5,    10,  30,   60,  120};

/// A cumulative-free histogram: counts[i] = observations <= bounds[i] and
/// > bounds[i-1]; `over` = above the last bound.
struct DurationHistogram {
  std::array<int64_t, kDurationBuckets.size()> counts{};
  int64_t over = 0;
  int64_t count = 0;
  double sum_seconds = 0;
  void observe(std::chrono::milliseconds duration);
};

/// A copy of every counter, for rendering. Plain data.
struct MetricsSample {
  /// (channel, kind, result) -> messages.
  std::map<std::tuple<Channel, KindLabel, MessageResult>, int64_t> messages;
  /// Delivery attempt durations by channel.
  std::map<Channel, DurationHistogram> durations;
};

/// Thread-safe counters: recorded from the loop (due) and from the
/// transport's thread (attempt outcomes); sampled by the loop.
class DeliveryMetrics {
 public:
  /// Counts new messages as due: `fresh` holds, per channel and kind, how
  /// many of them hold an item of that kind (PassSummary::fresh_kinds).
  void count_due(const std::map<std::pair<Channel, ItemKind>, int>& fresh);
  /// Counts one attempt's verdict under each of `kinds` ("unknown" when
  /// empty) and observes its duration (once).
  void record_attempt(Channel channel, const std::vector<ItemKind>& kinds,
                      const DeliveryOutcome& outcome);
  /// A consistent copy of every counter.
  MetricsSample sample() const;

 private:
  mutable std::mutex mutex_;
  MetricsSample counters_;  // guarded by mutex_
};

/// Kinds (as distinct_kinds() gives them) as labels; {"unknown"} when empty.
std::vector<KindLabel> kind_labels(const std::vector<ItemKind>& kinds);

}  // namespace plazo
