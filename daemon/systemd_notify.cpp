#include "daemon/systemd_notify.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace plazo {

SystemdNotifier::~SystemdNotifier() {
  if (fd_ >= 0) close(fd_);
}

void SystemdNotifier::notify(std::string_view state) {
  const char* name = std::getenv("NOTIFY_SOCKET");
  if (name == nullptr) return;
  const size_t length = std::strlen(name);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (length < 2 || length >= sizeof(address.sun_path) || (name[0] != '/' && name[0] != '@')) {
    return;
  }
  std::memcpy(address.sun_path, name, length);
  if (name[0] == '@') address.sun_path[0] = '\0';  // abstract namespace
  if (fd_ < 0) fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd_ < 0) return;
  // libsystemd's sd_notify() blocks while the manager's queue is full; the
  // loop must not. A dropped message is the lesser harm.
  (void)sendto(fd_, state.data(), state.size(), MSG_NOSIGNAL | MSG_DONTWAIT,
               reinterpret_cast<const sockaddr*>(&address),
               static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + length));
}

std::optional<std::chrono::microseconds> watchdog_interval() {
  uint64_t usec = 0;
  // > 0 only when $WATCHDOG_USEC is set (and $WATCHDOG_PID, if set, is us).
  if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return std::nullopt;
  return std::chrono::microseconds(static_cast<int64_t>(usec));
}

std::string format_status(const StatusInfo& info, const TimeZone& zone) {
  std::string text;
  if (info.next_pass) {
    const auto minutes = zone.local_time_of_day(*info.next_pass).count();
    char clock[8];
    std::snprintf(clock, sizeof clock, "%02d:%02d", static_cast<int>(minutes / 60),
                  static_cast<int>(minutes % 60));
    text = "next pass " + format_iso_date(zone.local_day(*info.next_pass)) + " " + clock;
  } else {
    text = "no pass planned";
  }
  text += ", " + std::to_string(info.pending) + " pending";
  if (info.dead > 0) text += ", " + std::to_string(info.dead) + " dead";
  if (info.reload_failed) text += ", last reload failed";
  return text;
}

std::string status_notification(const StatusInfo& info, const TimeZone& zone) {
  return "STATUS=" + format_status(info, zone);
}

}  // namespace plazo
