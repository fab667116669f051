#pragma once
/// \file
/// What the network tests share: free ports and connection probes on
/// 127.0.0.1 only, waiting for an outside process by polling with a short
/// timeout (an event to wait on, never a fixed sleep), and the Itagüí example
/// config with every address rewritten to the loopback interface, so that no
/// test ever resolves or reaches a host outside this machine.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <regex>
#include <string>

#include "support/process.h"
#include "support/temp_dir.h"

namespace plazo::testing {

/// A TCP port on 127.0.0.1 that nothing listened on a moment ago. Nothing
/// listens there afterwards either, so it is also a port that refuses.
inline unsigned short free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

/// True when something accepts a TCP connection on 127.0.0.1:port.
inline bool accepts_connections(unsigned short port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return ok;
}

/// Checks `ready` every 10 ms until it holds (true) or `timeout` passes
/// (false). For what another process does; in-process time is a fake clock.
template <typename Predicate>
bool eventually(Predicate ready, std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (!ready()) {
    if (std::chrono::steady_clock::now() >= until) return false;
    ::poll(nullptr, 0, 10);
  }
  return true;
}

/// A server process (a Python receiver of tests/support, aiosmtpd) that
/// listens on 127.0.0.1:port; ready() once it accepts connections. Killed
/// when destroyed.
class LocalServer {
 public:
  LocalServer(std::vector<std::string> argv, unsigned short port)
      : port_(port), child_(std::move(argv)) {
    ready_ = child_.started() && eventually([&] { return accepts_connections(port_); });
  }
  bool ready() const { return ready_; }
  unsigned short port() const { return port_; }
  /// What the server wrote to stderr, for failure messages.
  std::string diagnostics() const { return child_.err(); }

 private:
  unsigned short port_;
  Child child_;
  bool ready_ = false;
};

/// config/examples/itagui-2023.toml with the SMTP relay at
/// smtp://127.0.0.1:smtp_port (STARTTLS off), every webhook at
/// http://127.0.0.1:webhook_port/<its path>, and the health endpoint at
/// 127.0.0.1:health_port (0: disabled). Written to `dir`/plazo.toml; the
/// path is returned. Ports nothing listens on make every delivery fail
/// locally and be retried.
inline std::string local_example_config(const TempDir& dir, unsigned short smtp_port,
                                        unsigned short webhook_port,
                                        unsigned short health_port = 0) {
  std::string text =
      read_file(std::string(PLAZO_SOURCE_DIR) + "/config/examples/itagui-2023.toml");
  const std::string local = "127.0.0.1:";
  text = std::regex_replace(text, std::regex(R"re(\nurl = "smtp://[^"]*")re"),
                            "\nurl = \"smtp://" + local + std::to_string(smtp_port) + "\"");
  text = std::regex_replace(text, std::regex(R"re(\nstarttls = "[^"]*")re"),
                            "\nstarttls = \"off\"");
  text = std::regex_replace(text, std::regex(R"re(\nurl = "https://example\.org/([^"]*)")re"),
                            "\nurl = \"http://" + local + std::to_string(webhook_port) + "/$1\"");
  text = std::regex_replace(
      text, std::regex(R"re(\nlisten = "[^"]*")re"),
      "\nlisten = \"" + (health_port == 0 ? "" : local + std::to_string(health_port)) + "\"");
  return dir.write("plazo.toml", text);
}

}  // namespace plazo::testing
