#pragma once
/// \file
/// Delivery: the one stage around every channel that turns outbox entries
/// into deliveries. Notifiers (email, webhook builders and the Transport)
/// only send and say whether a failure is retryable; retries, backoff with
/// jitter, Retry-After, per-destination pauses, dead letters and the
/// delivery log live here, driven by the Clock.
///
/// Threading: a Delivery lives on the event loop's thread; every method is
/// called there. Transport outcomes arrive on the transport's thread and are
/// handed back through the `post` function given at construction (the loop's
/// executor), where they are recorded in batches: one transaction for all
/// outcomes that arrived together, so durability does not cap throughput.
///
/// Lifecycle of an entry: pending (due at next_attempt_at) → claimed: in
/// flight with a lease → sent | retry (next_attempt_at = now + backoff) |
/// dead (permanent failure, max attempts or max age; the reason kept). A
/// lease left by a killed process is taken back by recover() (at-least-once;
/// receivers dedupe by the idempotency key).
///
/// Per destination (an SMTP relay, or a webhook host:port): after a
/// retryable failure the destination pauses; while paused only one probe at
/// a time is sent to it, and other destinations keep flowing.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "config/config.h"
#include "domain/clock.h"
#include "domain/result.h"
#include "notifiers/transport.h"
#include "storage/store.h"

namespace plazo {

/// Counters since the process started, for /metrics and /readyz.
struct DeliveryStats {
  int64_t attempts = 0;
  int64_t sent = 0;
  int64_t retried = 0;  ///< retryable failures
  int64_t dead = 0;     ///< entries that went dead
  int64_t in_flight = 0;
  std::optional<std::string> last_error;  ///< last failure, "time unit channel: error"
};

class Delivery {
 public:
  /// Posts a function to the event loop (e.g. asio::post(io_context, fn)).
  using Post = std::function<void(std::function<void()>)>;

  /// `store`, `transport` and `clock` must outlive the Delivery.
  Delivery(Store& store, Transport& transport, const Clock& clock, Post post);
  ~Delivery();
  Delivery(const Delivery&) = delete;
  Delivery& operator=(const Delivery&) = delete;

  /// Applies a validated config (units, channels, webhooks, secrets, email
  /// relay, templates, [delivery] policy). Webhook secret files are read
  /// here, so an unreadable one is reported at start and on reload. On error
  /// (e.g. a template that does not parse) the previous configuration stays
  /// in force. Deliveries in flight are not affected.
  Status configure(const Config& config);

  /// Takes back in-flight leases left by a previous process; returns how many.
  Result<int> recover();

  /// Starts every delivery that is due at the clock's now, up to the
  /// destinations' pauses and four times the concurrency (the transport runs
  /// `concurrency` at once and queues the rest). Returns how many started.
  /// An entry that can no longer be built (its unit or webhook is gone from
  /// the config, no email relay, no addresses) goes dead with that reason;
  /// entries for a paused destination are deferred to its reopening without
  /// counting an attempt. Records first any outcomes an earlier drain could
  /// not write. An Error (the database) leaves claimed entries in flight
  /// until the next start takes them back. Error before configure().
  Result<int> pump();

  /// When pump() next has work: the earliest due entry or destination
  /// reopening; nullopt when nothing is pending (or after stop()). Entries of
  /// a destination that is paused or being probed count from its reopening.
  Result<std::optional<Instant>> next_due();

  /// Called (on the loop) after outcomes were recorded, so the owner can
  /// pump again and re-arm its timer.
  void set_on_progress(std::function<void()> on_progress);

  /// Called (on the loop) with each attempt's outcome as it comes back,
  /// before it is recorded: the channel, the distinct kinds of the
  /// message's items (in ItemKind order) and the outcome. For metrics.
  using AttemptObserver =
      std::function<void(Channel, const std::vector<ItemKind>&, const DeliveryOutcome&)>;
  void set_on_attempt(AttemptObserver on_attempt);

  /// Stops starting new deliveries; those in flight still complete, and a
  /// retryable failure among them (a transfer cancelled at shutdown) is due
  /// again at once, without pausing its destination.
  void stop();
  int in_flight() const;
  const DeliveryStats& stats() const;

  /// Reseeds the random generator behind the jitter (by default seeded from
  /// std::random_device), so that tests can reproduce a run's backoffs.
  void set_random_seed(uint64_t seed);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace plazo
