#pragma once
/// \file
/// The libcurl Transport: one worker thread drives a curl multi handle, so
/// many webhooks and emails are in flight at once without a thread each, and
/// connections (HTTP keep-alive, SMTP sessions) are reused through the multi
/// handle's connection cache.
///
/// Every transfer verifies TLS (peer and host name; a job's `ca_file`
/// replaces libcurl's default CA bundle), never follows redirects, and has a connect timeout and a
/// total timeout. Email goes over smtp:// (STARTTLS per `starttls`: required, try, or off) or
/// smtps:// (implicit TLS), as multipart/alternative (text and HTML parts, quoted-printable UTF-8).
/// A recipient refused by the server fails the whole message with that reply code: nobody gets a
/// partial delivery that a retry would then duplicate.

#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "domain/clock.h"
#include "domain/result.h"
#include "notifiers/transport.h"

namespace plazo {

class CurlTransport final : public Transport {
 public:
  struct Options {
    /// Transfers in flight at once; later jobs wait in a queue.
    int max_concurrent = 64;
    /// How long shutdown() lets transfers in flight finish.
    std::chrono::milliseconds shutdown_grace{5000};
    /// Connect timeout (capped by each job's total timeout).
    std::chrono::milliseconds connect_timeout{10000};
    /// The longest the worker waits for socket activity; new jobs, shutdown
    /// and curl's own timers wake it sooner.
    std::chrono::milliseconds idle_wait{1000};
    /// Where "now" comes from for Retry-After dates; nullptr = the system
    /// clock. Must outlive the transport.
    const Clock* clock = nullptr;
  };

  /// Initialises libcurl (once per process) and starts the worker thread.
  /// An Error if libcurl cannot be set up.
  static Result<std::unique_ptr<CurlTransport>> create(Options options);

  /// Calls shutdown().
  ~CurlTransport() override;
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  /// See Transport::submit. Thread-safe; wakes the worker.
  void submit(DeliveryJob job, DeliveryCallback done) override;
  /// See Transport::shutdown. Thread-safe; must not be called from a `done`.
  void shutdown() override;

 private:
  struct Queued {
    DeliveryJob job;
    DeliveryCallback done;
  };
  struct Transfer;

  CurlTransport(Options options, void* multi);
  void run();
  // Sets up the transfer of a job on `spare` (a handle a finished transfer
  // left, or nullptr for a new one); on a problem found before any network
  // I/O (no recipients, unreadable password file) fills `failure` instead.
  std::unique_ptr<Transfer> start(Queued queued, void* spare,
                                  std::optional<DeliveryOutcome>* failure);
  DeliveryOutcome finish(Transfer& transfer, int curl_code);

  Options options_;
  void* multi_;  // CURLM*, only touched by the worker (and curl_multi_wakeup)
  SystemClock system_clock_;

  std::mutex mutex_;
  std::deque<Queued> incoming_;  // guarded by mutex_
  bool stopping_ = false;        // guarded by mutex_
  std::once_flag joined_;
  std::thread worker_;
};

}  // namespace plazo
