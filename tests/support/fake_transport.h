#pragma once
/// \file
/// A Transport for tests: records every job and answers at once, on the
/// caller's thread, from a script of outcomes (fail, fail, succeed). No
/// threads, no network, no sleeps.

#include <chrono>
#include <deque>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "notifiers/transport.h"

namespace plazo::testing {

class FakeTransport final : public Transport {
 public:
  /// `script` is answered in order, one outcome per job; once it runs out
  /// every job is sent.
  explicit FakeTransport(std::vector<DeliveryOutcome> script = {})
      : script_(script.begin(), script.end()) {}

  /// Appends to the script.
  void then(DeliveryOutcome outcome) { script_.push_back(std::move(outcome)); }

  /// Records the job and calls `done` before returning. After shutdown(),
  /// answers retryable "transport is shut down" as CurlTransport does.
  void submit(DeliveryJob job, DeliveryCallback done) override {
    if (shut_down_) {
      done(retryable("transport is shut down"));
      return;
    }
    jobs_.push_back(std::move(job));
    DeliveryOutcome outcome = sent();
    if (!script_.empty()) {
      outcome = std::move(script_.front());
      script_.pop_front();
    }
    done(std::move(outcome));
  }

  void shutdown() override { shut_down_ = true; }

  /// Every job submitted before shutdown, in order.
  const std::vector<DeliveryJob>& jobs() const { return jobs_; }
  bool is_shut_down() const { return shut_down_; }

  static DeliveryOutcome sent(int code = 0) {
    DeliveryOutcome outcome;
    outcome.status = DeliveryStatus::kSent;
    outcome.code = code;
    return outcome;
  }
  static DeliveryOutcome retryable(std::string error, int code = 0,
                                   std::optional<std::chrono::seconds> retry_after = {}) {
    DeliveryOutcome outcome;
    outcome.status = DeliveryStatus::kRetryable;
    outcome.code = code;
    outcome.error = std::move(error);
    outcome.retry_after = retry_after;
    return outcome;
  }
  static DeliveryOutcome permanent(std::string error, int code = 0) {
    DeliveryOutcome outcome;
    outcome.status = DeliveryStatus::kPermanent;
    outcome.code = code;
    outcome.error = std::move(error);
    return outcome;
  }

 private:
  std::deque<DeliveryOutcome> script_;
  std::vector<DeliveryJob> jobs_;
  bool shut_down_ = false;
};

}  // namespace plazo::testing
