#pragma once
/// \file
/// The service manager's notification protocol (sd_notify(3)): READY=1 once
/// the config and the database are loaded, STATUS= lines saying what the
/// daemon waits for, WATCHDOG=1 from the event loop, RELOADING=1 and
/// STOPPING=1. Outside systemd ($NOTIFY_SOCKET unset) every call is a no-op.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "domain/dates.h"
#include "domain/timezone.h"

namespace plazo {

/// Where notifications go. The daemon holds one; tests record them.
/// Called from the event-loop thread only.
class ServiceNotifier {
 public:
  virtual ~ServiceNotifier() = default;
  /// Sends one notification: newline-separated "KEY=VALUE" assignments, as
  /// sd_notify(3) takes them. Failures are not reported: systemd may be gone.
  virtual void notify(std::string_view state) = 0;
};

/// The real one: a datagram to $NOTIFY_SOCKET (a path, or an abstract
/// socket name starting with '@'), as sd_notify(3) sends it, but never
/// blocking: a message the manager's queue has no room for is dropped
/// rather than stalling the event loop (watchdog pings repeat anyway). The
/// environment is read at every call and left as it is.
class SystemdNotifier final : public ServiceNotifier {
 public:
  SystemdNotifier() = default;
  ~SystemdNotifier() override;
  SystemdNotifier(const SystemdNotifier&) = delete;
  SystemdNotifier& operator=(const SystemdNotifier&) = delete;
  void notify(std::string_view state) override;

 private:
  int fd_ = -1;  // opened on first use
};

/// The watchdog interval the service manager asked for ($WATCHDOG_USEC, for
/// this process when $WATCHDOG_PID is set); nullopt when there is no
/// watchdog. The daemon pings at half of it.
std::optional<std::chrono::microseconds> watchdog_interval();

/// What the STATUS= line tells about the daemon.
struct StatusInfo {
  std::optional<Instant> next_pass;  ///< next scheduling pass, if any is planned
  int64_t pending = 0;               ///< undelivered messages in the outbox
  int64_t dead = 0;                  ///< dead letters
  bool reload_failed = false;        ///< the last reload was rejected
};

/// The STATUS= text: "next pass 2023-11-23 08:00, 3 pending", local time in
/// `zone`; "no pass planned" when there is none; ", 2 dead" when there are
/// dead letters; ", last reload failed" after a rejected reload. One line.
std::string format_status(const StatusInfo& info, const TimeZone& zone);

/// The full notification for a status: "STATUS=" + format_status(...).
std::string status_notification(const StatusInfo& info, const TimeZone& zone);

}  // namespace plazo
