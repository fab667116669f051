// sd_notify messages: the STATUS= text, and delivery to a NOTIFY_SOCKET the
// test binds (a path and an abstract name), as systemd would receive them.
#include "daemon/systemd_notify.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>

#include "daemon/notify_socket.h"
#include "support/temp_dir.h"

namespace plazo {
namespace {

TimeZone bogota() {
  return TimeZone::locate("America/Bogota").value();
}

Instant at(int y, unsigned m, unsigned d, int hh, int mm) {
  return Instant(date::sys_days(date::year(y) / m / d)) + std::chrono::hours(hh) +
         std::chrono::minutes(mm);
}

TEST(SystemdNotify, StatusTellsNextPassInLocalTime) {
  StatusInfo info;
  info.next_pass = at(2023, 11, 23, 13, 0);  // 08:00 in Bogotá (UTC-5)
  info.pending = 3;
  EXPECT_EQ(format_status(info, bogota()), "next pass 2023-11-23 08:00, 3 pending");
  EXPECT_EQ(status_notification(info, bogota()), "STATUS=next pass 2023-11-23 08:00, 3 pending");
}

TEST(SystemdNotify, StatusCrossesMidnightLocally) {
  StatusInfo info;
  info.next_pass = at(2023, 11, 24, 4, 30);  // 23:30 the day before in Bogotá
  EXPECT_EQ(format_status(info, bogota()), "next pass 2023-11-23 23:30, 0 pending");
}

TEST(SystemdNotify, StatusWithoutPassDeadAndFailedReload) {
  StatusInfo info;
  info.pending = 0;
  info.dead = 2;
  info.reload_failed = true;
  EXPECT_EQ(format_status(info, bogota()),
            "no pass planned, 0 pending, 2 dead, last reload failed");
}

using testing::FakeNotifySocket;

// Sets an environment variable for one test and restores it.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_) {
      setenv(name_, old_->c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(SystemdNotify, SendsToPathSocket) {
  testing::TempDir dir;
  const std::string path = dir.file("notify");
  FakeNotifySocket socket(path);
  ASSERT_TRUE(socket.bound());
  ScopedEnv env("NOTIFY_SOCKET", path);
  SystemdNotifier notifier;
  notifier.notify("READY=1\nSTATUS=started");
  EXPECT_EQ(socket.receive(), "READY=1\nSTATUS=started");
  notifier.notify("WATCHDOG=1");  // the variable is still there for later calls
  EXPECT_EQ(socket.receive(), "WATCHDOG=1");
}

TEST(SystemdNotify, SendsToAbstractSocket) {
  const std::string name = "@plazo-test-" + std::to_string(getpid());
  FakeNotifySocket socket(name);
  ASSERT_TRUE(socket.bound());
  ScopedEnv env("NOTIFY_SOCKET", name);
  SystemdNotifier().notify("STOPPING=1");
  EXPECT_EQ(socket.receive(), "STOPPING=1");
}

TEST(SystemdNotify, AFullQueueDropsInsteadOfBlocking) {
  // Nobody reads this socket: once its queue is full, a blocking sender
  // would hang here (and the daemon's loop with it).
  testing::TempDir dir;
  const std::string path = dir.file("stuck");
  int stuck = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
  ASSERT_EQ(bind(stuck, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ScopedEnv env("NOTIFY_SOCKET", path);
  SystemdNotifier notifier;
  constexpr int kSent = 10000;
  for (int i = 0; i < kSent; ++i) notifier.notify("WATCHDOG=1");
  // Reaching this line is half the proof; the other half: the queue holds
  // what fitted (the first datagrams arrived intact) and the rest was
  // dropped, not queued somewhere to block later.
  int queued = 0;
  char buffer[64];
  for (ssize_t n; (n = recv(stuck, buffer, sizeof buffer, MSG_DONTWAIT)) > 0; ++queued) {
    ASSERT_EQ(std::string(buffer, static_cast<size_t>(n)), "WATCHDOG=1");
  }
  close(stuck);
  EXPECT_GT(queued, 0);
  EXPECT_LT(queued, kSent);
}

TEST(SystemdNotify, NoSocketSendsNothing) {
  // A socket that would hear a notification, but $NOTIFY_SOCKET is unset:
  // notify() must neither fail, block, nor guess an address.
  const std::string name = "@plazo-test-unset-" + std::to_string(getpid());
  FakeNotifySocket socket(name);
  ASSERT_TRUE(socket.bound());
  unsetenv("NOTIFY_SOCKET");
  SystemdNotifier().notify("READY=1");
  EXPECT_EQ(socket.receive(std::chrono::milliseconds(200)), "");
}

TEST(SystemdNotify, WatchdogIntervalFromEnvironment) {
  {
    ScopedEnv usec("WATCHDOG_USEC", "30000000");
    ScopedEnv pid("WATCHDOG_PID", std::to_string(getpid()));
    auto interval = watchdog_interval();
    ASSERT_TRUE(interval);
    EXPECT_EQ(*interval, std::chrono::seconds(30));
  }
  {
    ScopedEnv usec("WATCHDOG_USEC", "30000000");
    ScopedEnv pid("WATCHDOG_PID", std::to_string(getpid() + 1));  // meant for another process
    EXPECT_FALSE(watchdog_interval());
  }
  unsetenv("WATCHDOG_USEC");
  EXPECT_FALSE(watchdog_interval());
}

}  // namespace
}  // namespace plazo
