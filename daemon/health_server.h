#pragma once
/// \file
/// The HTTP/1.1 server behind /healthz, /readyz and /metrics (Boost.Beast).
/// It runs on the daemon's io_context, in the loop's one thread, and only
/// moves bytes: every answer comes from the Handler, a function of the
/// request alone (see http_handler.h), so it never blocks the loop.
///
/// Limits: request headers up to `header_limit` bytes (else 431), no request
/// body (else 413), malformed requests get 400; each of these closes the
/// connection. A connection idle or slow for `timeout` is closed. Keep-alive
/// and pipelining follow HTTP/1.1. Past `max_connections` open connections,
/// new ones are closed at once.

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "daemon/asio.h"
#include "daemon/http_handler.h"
#include "domain/result.h"

namespace plazo {

class HealthServer {
 public:
  /// Answers one request; called on the loop thread.
  using Handler = std::function<HealthResponse(const HealthRequest&)>;

  struct Options {
    std::size_t header_limit = 8 * 1024;
    std::chrono::milliseconds timeout{10000};  ///< per read or write, idle keep-alive included
    std::size_t max_connections = 1024;
  };

  /// The server does nothing until listen(). `io` must outlive it.
  HealthServer(asio::io_context& io, Handler handler, Options options);
  HealthServer(asio::io_context& io, Handler handler)
      : HealthServer(io, std::move(handler), Options{}) {}
  /// Calls close().
  ~HealthServer();
  HealthServer(const HealthServer&) = delete;
  HealthServer& operator=(const HealthServer&) = delete;

  /// Binds `host` (a numeric IPv4 or IPv6 address) and `port` (0 = any free
  /// port) and starts accepting. An Error naming the address when it cannot.
  Status listen(const std::string& host, unsigned short port);
  /// The bound port (useful after listen(host, 0)); 0 when not listening.
  unsigned short port() const;
  /// Stops accepting and closes every open connection; a response being
  /// written is cut short. Idempotent. Loop thread only.
  void close();
  /// Connections open now.
  std::size_t connections() const;

  /// What the server shares with its connections (defined in the .cpp).
  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace plazo
