#pragma once
/// \file
/// The seam between plazo and the network: a Transport takes delivery jobs
/// (an HTTP POST or an email) and reports one DeliveryOutcome for each.
/// CurlTransport (curl_transport.h) is the real one; tests use FakeTransport
/// (tests/support/fake_transport.h), which answers from a script.

#include <functional>
#include <string>
#include <variant>

#include "config/config.h"
#include "notifiers/email.h"
#include "notifiers/outcome.h"
#include "notifiers/webhook.h"

namespace plazo {

/// An email and the relay that sends it. The password is not here: the
/// transport reads `smtp.password_file` when it sends (and never logs it).
struct EmailJob {
  EmailMessage email;
  EmailSettings smtp;
};

/// One delivery: a webhook POST or an email. Owned by the transport once
/// submitted, until its outcome is reported.
using DeliveryJob = std::variant<HttpRequest, EmailJob>;

/// Called with the outcome of a job.
using DeliveryCallback = std::function<void(DeliveryOutcome)>;

/// Sends delivery jobs. submit() and shutdown() may be called from any
/// thread. Implementations never block the caller on the network.
class Transport {
 public:
  virtual ~Transport() = default;

  /// Takes `job` and calls `done` exactly once with its outcome. `done` runs
  /// on the transport's own thread (for CurlTransport, its worker), never
  /// inside submit() while the transport is running: callers post the
  /// outcome back to their own loop. After shutdown() has begun, `done` is
  /// called at once, on the calling thread, with a retryable "transport is
  /// shut down". `done` must not throw and must not call shutdown().
  virtual void submit(DeliveryJob job, DeliveryCallback done) = 0;

  /// Stops accepting jobs, lets transfers in flight finish within the
  /// transport's grace period, then cancels the rest (each reported as
  /// retryable "cancelled at shutdown"), and returns when every `done` has
  /// run. Idempotent.
  virtual void shutdown() = 0;
};

}  // namespace plazo
