#pragma once
/// \file
/// A clock that only moves when the test says so.

#include "domain/clock.h"

namespace plazo::testing {

class FakeClock final : public Clock {
 public:
  explicit FakeClock(Instant start) : now_(start) {}
  Instant now() const override { return now_; }
  void set(Instant t) { now_ = t; }
  void advance(std::chrono::seconds d) { now_ += d; }

 private:
  Instant now_;
};

}  // namespace plazo::testing
