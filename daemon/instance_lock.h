#pragma once
/// \file
/// One sender per database. `plazo run` (the daemon or --once) takes back
/// every lease it finds at start, as left by a killed process; that is only
/// right if no other process is delivering from the same outbox. The lock
/// makes it so: an exclusive flock(2) on DATABASE.lock, held for the life of
/// the process and released by the kernel when it dies (SIGKILL included),
/// so a crash never leaves a stale lock behind.
///
/// The lock is a file of its own, never the database: closing any other
/// descriptor of the database file would drop SQLite's own POSIX locks.

#include <string>

#include "domain/result.h"

namespace plazo {

class InstanceLock {
 public:
  /// Takes the lock for `database` (a path; ":memory:" and "" need none).
  /// Never waits: when another process holds it, an Error naming that
  /// process (its pid is written into the lock file) and the database.
  static Result<InstanceLock> acquire(const std::string& database);

  InstanceLock(InstanceLock&& other) noexcept;
  InstanceLock& operator=(InstanceLock&& other) noexcept;
  InstanceLock(const InstanceLock&) = delete;
  InstanceLock& operator=(const InstanceLock&) = delete;
  ~InstanceLock();

 private:
  explicit InstanceLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace plazo
