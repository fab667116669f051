#pragma once
/// \file
/// Time as an argument. Logic never reads the system clock; it is handed a
/// Clock (or an Instant). Tests use FakeClock from tests/support.

#include <chrono>

#include "domain/dates.h"

namespace plazo {

/// Where "now" comes from.
class Clock {
 public:
  virtual ~Clock() = default;
  /// The current instant, UTC, to the second.
  virtual Instant now() const = 0;
};

/// The system's wall clock.
class SystemClock final : public Clock {
 public:
  Instant now() const override;
};

/// Starts at a chosen instant and runs on in real time (`plazo run --now T`).
/// Measures elapsed time with the steady clock, so a wall-clock step does not
/// move it.
class OffsetClock final : public Clock {
 public:
  explicit OffsetClock(Instant start);
  Instant now() const override;

 private:
  Instant start_;
  std::chrono::steady_clock::time_point origin_;
};

}  // namespace plazo
