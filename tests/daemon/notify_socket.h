#pragma once
/// \file
/// A datagram socket standing in for systemd's notification socket: bind it,
/// point $NOTIFY_SOCKET at its name, read what the daemon sends. Like
/// systemd, it drains the socket all the time (on a thread of its own), so
/// the sender never finds the queue full.

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace plazo::testing {

class FakeNotifySocket {
 public:
  /// `name`: a file path, or "@name" for an abstract socket.
  explicit FakeNotifySocket(const std::string& name) : name_(name) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    socklen_t length = 0;
    if (!name.empty() && name[0] == '@') {  // abstract: a leading NUL instead of '@'
      std::memcpy(address.sun_path + 1, name.data() + 1, name.size() - 1);
      length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size());
    } else {
      std::strncpy(address.sun_path, name.c_str(), sizeof(address.sun_path) - 1);
      length = sizeof(address);
    }
    bound_ = bind(fd_, reinterpret_cast<sockaddr*>(&address), length) == 0;
    if (bound_) reader_ = std::thread([this] { read_loop(); });
  }
  ~FakeNotifySocket() {
    stop_ = true;
    if (reader_.joinable()) reader_.join();
    close(fd_);
  }
  FakeNotifySocket(const FakeNotifySocket&) = delete;
  FakeNotifySocket& operator=(const FakeNotifySocket&) = delete;

  bool bound() const { return bound_; }
  const std::string& name() const { return name_; }

  /// The next datagram not yet returned, or "" when none comes within `timeout`.
  std::string receive(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    std::unique_lock lock(mutex_);
    if (!arrived_.wait_for(lock, timeout, [&] { return cursor_ < messages_.size(); })) return "";
    return messages_[cursor_++];
  }

  /// Reads datagrams until one contains `text` (true) or `timeout` passes.
  bool wait_for(const std::string& text,
                std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock lock(mutex_);
    return arrived_.wait_for(lock, timeout, [&] {
      while (cursor_ < messages_.size()) {
        if (messages_[cursor_++].find(text) != std::string::npos) return true;
      }
      return false;
    });
  }

  /// Every datagram received so far, one per line.
  std::string received() {
    std::lock_guard lock(mutex_);
    std::string all;
    for (const auto& message : messages_) all += message + "\n";
    return all;
  }

 private:
  void read_loop() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 100) != 1) continue;  // the timeout only rechecks stop_
      char buffer[4096];
      const ssize_t n = recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) continue;
      std::lock_guard lock(mutex_);
      messages_.emplace_back(buffer, static_cast<size_t>(n));
      arrived_.notify_all();
    }
  }

  std::string name_;
  int fd_ = -1;
  bool bound_ = false;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::vector<std::string> messages_;  // guarded by mutex_
  size_t cursor_ = 0;                  // guarded by mutex_
  std::thread reader_;
};

}  // namespace plazo::testing
