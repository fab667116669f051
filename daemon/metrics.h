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
/// holds. Attempts of messages this process did not schedule or see at
/// start-up count under kind "unknown".
///
/// MeteredTransport sits between the Delivery and the real Transport and
/// records each attempt's verdict and duration on the way back.

#include <array>
#include <chrono>
#include <cstdint>
#include <list>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "domain/message.h"
#include "notifiers/outcome.h"
#include "notifiers/transport.h"

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
  /// Counts `messages` as due, under every kind each one holds.
  void count_due(const std::vector<Message>& messages);
  /// Counts one attempt's verdict under each of `kinds` and observes its
  /// duration (once).
  void record_attempt(Channel channel, const std::vector<KindLabel>& kinds,
                      const DeliveryOutcome& outcome);
  /// A consistent copy of every counter.
  MetricsSample sample() const;

 private:
  mutable std::mutex mutex_;
  MetricsSample counters_;  // guarded by mutex_
};

/// The distinct kinds of a message's items, as labels, in ItemKind order.
std::vector<KindLabel> kind_labels(const Message& message);

/// Remembers which kinds each idempotency key's message holds, so that an
/// attempt can be counted by kind (a Transport job carries only the key).
/// A key is forgotten once its message is done with (sent, or refused for
/// good: see MeteredTransport), so it holds the messages still to deliver;
/// and bounded: past `capacity` keys the oldest are forgotten (their
/// attempts count as "unknown"). Thread-safe.
class MessageKinds {
 public:
  explicit MessageKinds(size_t capacity = 100000) : capacity_(capacity) {}
  void remember(const Message& message);
  /// The kinds of `key`'s message; {"unknown"} when not remembered.
  std::vector<KindLabel> kinds_of(const std::string& key) const;
  /// Drops `key` (no-op when not remembered).
  void forget(const std::string& key);
  size_t size() const;

 private:
  struct Entry {
    std::vector<KindLabel> kinds;
    std::list<std::string_view>::iterator in_order;
  };
  size_t capacity_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> kinds_;  // guarded by mutex_
  // Keys of kinds_ (views of the map's own, which never move), oldest
  // first, for eviction; guarded by mutex_.
  std::list<std::string_view> order_;
};

/// The idempotency key a job carries: the email's key, or the webhook's
/// Idempotency-Key header ("" when missing).
std::string job_key(const DeliveryJob& job);

/// A Transport that forwards to another and records every outcome in
/// `metrics`, by the kinds `kinds` remembers for the job's key; a sent or
/// permanently refused message's key is then forgotten there (no attempt
/// follows those). The outcome is recorded on whatever thread the inner
/// transport calls back on. `inner`, `kinds` and `metrics` must outlive it.
class MeteredTransport final : public Transport {
 public:
  MeteredTransport(Transport& inner, MessageKinds& kinds, DeliveryMetrics& metrics)
      : inner_(inner), kinds_(kinds), metrics_(metrics) {}
  void submit(DeliveryJob job, DeliveryCallback done) override;
  void shutdown() override { inner_.shutdown(); }

 private:
  Transport& inner_;
  MessageKinds& kinds_;
  DeliveryMetrics& metrics_;
};

}  // namespace plazo
