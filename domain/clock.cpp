#include "domain/clock.h"

namespace plazo {

Instant SystemClock::now() const {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

OffsetClock::OffsetClock(Instant start) : start_(start), origin_(std::chrono::steady_clock::now()) {}

Instant OffsetClock::now() const {
  const auto elapsed = std::chrono::steady_clock::now() - origin_;
  return start_ + std::chrono::duration_cast<std::chrono::seconds>(elapsed);
}

}  // namespace plazo
