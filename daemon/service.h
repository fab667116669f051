#pragma once
/// \file
/// The daemon (`plazo run`): one event loop, on one thread, owns everything
/// that happens over time.
///
///  - One steady_timer for wake-ups, armed for the earlier of the next
///    scheduling pass (Scheduler::next_wakeup) and the next delivery due
///    (Delivery::next_due), in steps of at most a minute: the timer runs on
///    the steady clock but passes are planned in wall-clock time, so every
///    wake-up starts again from Clock::now() and a clock step (NTP, suspend)
///    is noticed within a minute. Scheduler::pass itself never repeats or
///    skips a day whatever the clock does.
///  - A housekeeping tick (at most every second): the systemd watchdog,
///    PRAGMA data_version every 2 s (an import or a progress entry by the CLI
///    replans the next pass), the cached outbox counts behind /readyz and
///    /metrics, and the STATUS= line.
///  - The signals: SIGHUP reloads the config (applied only when it loads,
///    builds a scheduler and the delivery accepts it; else the old one stays
///    and /readyz shows the failed reload); SIGTERM and SIGINT stop: no new
///    deliveries, the health endpoint closes, deliveries in flight finish or
///    are cancelled by the transport, and run() returns within 5 s. Messages
///    not delivered stay pending for the next start.
///  - The health endpoint (health_server.h), answering from a snapshot the
///    loop keeps up to date, never from a query per request.
///  - Database errors (a full disk, a read-only file) are kept per kind of
///    work (the pass, starting and recording deliveries, the reads of the
///    housekeeping tick, ...) until that same work next succeeds: /readyz
///    stays 503 with the reasons while writes fail, even if reads work. What
///    failed is tried again by itself (the pass 10 s later, deliveries at
///    the next wake-up, at most a second apart while they fail), so nothing
///    is lost and the daemon is ready again once the database takes writes.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "config/config.h"
#include "daemon/http_handler.h"
#include "daemon/metrics.h"
#include "daemon/scheduling.h"
#include "daemon/systemd_notify.h"
#include "domain/clock.h"
#include "domain/result.h"
#include "notifiers/delivery.h"
#include "storage/store.h"

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace plazo {

/// How long the wake-up timer sleeps at `now`: until the earlier of
/// `next_pass` and `next_delivery`, at least `min_step` (a target already
/// reached was handled by the wake-up that arms the timer, or could not be:
/// waiting a moment is never a busy loop) and at most `max_step` (so a wall
/// clock step is noticed). `max_step` when there is no target. Pure.
std::chrono::milliseconds wake_delay(Instant now, std::optional<Instant> next_pass,
                                     std::optional<Instant> next_delivery,
                                     std::chrono::milliseconds min_step = std::chrono::seconds(1),
                                     std::chrono::milliseconds max_step = std::chrono::seconds(60));

/// Runs scheduling passes when they are due, and knows when the next one is.
/// A pass is due on the first call (catch-up after a start: Scheduler::pass
/// sends what is within misfire_grace and records the pass, so running it
/// again is harmless) and whenever `now` has reached the planned instant.
/// Loop thread only; the store must outlive it.
class PassPlanner {
 public:
  PassPlanner(Scheduler scheduler, Store& store);

  /// Runs the pass at `now` if one is due, writing its messages to the
  /// outbox, then plans the next after `now`. nullopt when none was due. On
  /// an error the pass is tried again `retry_after` later.
  Result<std::optional<PassSummary>> run_if_due(
      Instant now, std::chrono::seconds retry_after = std::chrono::seconds(10));
  /// Plans the next pass after `now` again (the plan or the rules changed).
  /// Does not make a pass due that was not.
  Status replan(Instant now);
  /// Takes new rules (a reloaded config) and replans.
  Status set_scheduler(Scheduler scheduler, Instant now);

  /// The planned pass; nullopt when none is due in the next 400 days.
  std::optional<Instant> next_pass() const;
  const Scheduler& scheduler() const { return scheduler_; }

 private:
  Scheduler scheduler_;
  Store& store_;
  bool first_ = true;
  std::optional<Instant> next_;
};

/// What the daemon needs of the delivery stage. The real one wraps a
/// Delivery and its Transport (see cmd_run.cpp); tests use a fake. Every
/// method but shutdown_transport() is called on the loop thread; see
/// notifiers/delivery.h for their meaning.
class DeliveryDriver {
 public:
  virtual ~DeliveryDriver() = default;
  virtual Status configure(const Config& config) = 0;
  virtual Result<int> recover() = 0;
  virtual Result<int> pump() = 0;
  virtual Result<std::optional<Instant>> next_due() = 0;
  virtual void set_on_progress(std::function<void()> on_progress) = 0;
  virtual void stop() = 0;
  virtual int in_flight() const = 0;
  virtual DeliveryStats stats() const = 0;
  /// Blocks until every transfer in flight has finished or been cancelled
  /// (Transport::shutdown), their outcomes posted to the loop. Called once,
  /// while stopping, from a thread of its own.
  virtual void shutdown_transport() = 0;
};

/// Knobs of the daemon; the defaults are the production values.
struct ServiceSettings {
  std::string config_path;  ///< read again on SIGHUP
  /// --log-level: kept over reloads (else the config's level applies).
  std::optional<std::string> log_level_override;
  std::chrono::milliseconds data_poll{2000};        ///< PRAGMA data_version
  std::chrono::milliseconds counts_refresh{10000};  ///< outbox counts when nothing changed
  std::chrono::milliseconds max_sleep{60000};       ///< longest timer step
  std::chrono::milliseconds stop_deadline{4500};    ///< SIGTERM to exit, at most
  std::chrono::milliseconds http_timeout{10000};    ///< health endpoint read/write
};

/// What `plazo run --once` did.
struct OnceSummary {
  Instant at{};  ///< the pass's instant
  PassSummary pass;
  DeliveryStats delivery;
  OutboxCounts outbox;     ///< after the run
  bool timed_out = false;  ///< stopped by the timeout with deliveries left
};

/// Everything the service uses, built by its caller (cmd_run.cpp or a test).
/// All of it must outlive the Service.
struct ServiceParts {
  boost::asio::io_context& io;
  Store& store;
  const Clock& clock;
  DeliveryDriver& delivery;
  ServiceNotifier& notifier;
  DeliveryMetrics& metrics;
};

/// The daemon. Constructed and used on the thread that calls run().
class Service {
 public:
  /// `config` was loaded and validated, the store opened and the units
  /// synced, and `parts.delivery` configured with `config`.
  Service(ServiceParts parts, Config config, ServiceSettings settings);
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  /// Builds the scheduler, opens the health endpoint (unless
  /// [health].listen is empty), takes back leases of a killed process,
  /// installs the signal handlers and tells systemd READY=1. Errors: an
  /// unusable time zone, an address that cannot be bound, a database error.
  Status start();
  /// Runs the loop until SIGTERM/SIGINT or request_stop(). Returns 0.
  int run();

  /// `plazo run --once`: one pass at the clock's now, then delivers until
  /// nothing is due now and nothing is in flight (or `timeout`, or a
  /// signal). No health endpoint, no READY. An Error only when the pass
  /// itself failed.
  Result<OnceSummary> run_once(std::chrono::milliseconds timeout);

  /// Thread-safe: ask the loop to stop / to reload, as the signals do.
  void request_stop();
  void request_reload();

  /// The bound health port (0 when disabled or not started). After start().
  unsigned short health_port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace plazo
