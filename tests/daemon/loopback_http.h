#pragma once
/// \file
/// A small blocking HTTP/1.1 client for tests, on 127.0.0.1 only: connect,
/// send raw bytes, read responses framed by Content-Length, each step with
/// a deadline (poll), never a sleep.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace plazo::testing {

struct HttpReply {
  int status = 0;
  std::map<std::string, std::string> headers;  ///< names lower-cased
  std::string body;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

/// One TCP connection to 127.0.0.1:port. Closed on destruction.
class LoopbackConnection {
 public:
  explicit LoopbackConnection(unsigned short port,
                              std::chrono::milliseconds timeout = std::chrono::seconds(5))
      : timeout_(timeout) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  }
  ~LoopbackConnection() {
    if (fd_ >= 0) close(fd_);
  }
  LoopbackConnection(const LoopbackConnection&) = delete;
  LoopbackConnection& operator=(const LoopbackConnection&) = delete;

  bool connected() const { return connected_; }

  bool send_raw(const std::string& bytes) {
    size_t sent = 0;
    while (sent < bytes.size()) {
      const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<size_t>(n);
    }
    return true;
  }

  /// Reads one response; nullopt on timeout or when the peer closes first.
  /// `head` = the request was HEAD (no body follows the headers).
  std::optional<HttpReply> read_response(bool head = false) {
    size_t end = std::string::npos;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!fill()) return std::nullopt;
    }
    HttpReply reply;
    const std::string head_text = buffer_.substr(0, end);
    buffer_.erase(0, end + 4);
    size_t line_end = head_text.find("\r\n");
    const std::string status_line = head_text.substr(0, line_end);
    if (status_line.rfind("HTTP/1.", 0) != 0 || status_line.size() < 12) return std::nullopt;
    reply.status = std::stoi(status_line.substr(9, 3));
    while (line_end != std::string::npos) {
      const size_t start = line_end + 2;
      line_end = head_text.find("\r\n", start);
      const std::string line = head_text.substr(
          start, line_end == std::string::npos ? std::string::npos : line_end - start);
      const size_t colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string name = line.substr(0, colon);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      size_t value_start = line.find_first_not_of(' ', colon + 1);
      reply.headers[name] = value_start == std::string::npos ? "" : line.substr(value_start);
    }
    const size_t length = head ? 0 : std::stoul("0" + reply.header("content-length"));
    while (buffer_.size() < length) {
      if (!fill()) return std::nullopt;
    }
    reply.body = buffer_.substr(0, length);
    buffer_.erase(0, length);
    return reply;
  }

  /// True when the peer closes the connection within the timeout.
  bool wait_closed() {
    while (true) {
      if (!fill()) return closed_;
    }
  }

 private:
  // Reads more bytes; false on timeout, error or end of stream.
  bool fill() {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(timeout_.count())) != 1) return false;
    char chunk[16384];
    const ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) {
      closed_ = true;
      return false;
    }
    buffer_.append(chunk, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  bool closed_ = false;
  std::chrono::milliseconds timeout_;
  std::string buffer_;
};

/// GET (or another method) `target` on a fresh connection.
inline std::optional<HttpReply> http_request(unsigned short port, const std::string& method,
                                             const std::string& target) {
  LoopbackConnection connection(port);
  if (!connection.connected()) return std::nullopt;
  if (!connection.send_raw(method + " " + target +
                           " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")) {
    return std::nullopt;
  }
  return connection.read_response(method == "HEAD");
}

inline std::optional<HttpReply> http_get(unsigned short port, const std::string& target) {
  return http_request(port, "GET", target);
}

/// GETs over one keep-alive connection, reconnecting when the server closed
/// it: tests that poll an endpoint in a loop do not use up the ephemeral
/// ports with connections in TIME_WAIT.
class HttpProbe {
 public:
  explicit HttpProbe(unsigned short port) : port_(port) {}
  std::optional<HttpReply> get(const std::string& target) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (!connection_) connection_ = std::make_unique<LoopbackConnection>(port_);
      if (connection_->connected() &&
          connection_->send_raw("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")) {
        if (auto reply = connection_->read_response()) return reply;
      }
      connection_.reset();
    }
    return std::nullopt;
  }

 private:
  unsigned short port_;
  std::unique_ptr<LoopbackConnection> connection_;
};

}  // namespace plazo::testing
