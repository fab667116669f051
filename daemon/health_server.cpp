#include "daemon/health_server.h"

#include <spdlog/spdlog.h>

#include <unordered_set>

namespace plazo {

using tcp = asio::ip::tcp;

namespace {
class Session;
}  // namespace

struct HealthServer::State {
  State(asio::io_context& io_context, Handler h, Options o)
      : io(io_context), acceptor(io_context), handler(std::move(h)), options(o) {}
  asio::io_context& io;
  tcp::acceptor acceptor;
  Handler handler;
  Options options;
  bool closed = false;
  // Open connections, so close() can end idle keep-alive ones. Sessions add
  // and remove themselves; everything runs on the loop thread.
  std::unordered_set<Session*> sessions;
};

namespace {

// One connection: do_read() / on_read() / do_write() / on_write() until the
// peer or a limit ends it. Owned by the pending operation's handler.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<HealthServer::State> state)
      : stream_(std::move(socket)), state_(std::move(state)) {
    state_->sessions.insert(this);
  }
  ~Session() { state_->sessions.erase(this); }

  void start() { do_read(); }

  void stop() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
  }

 private:
  void do_read() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(state_->options.header_limit));
    parser_->body_limit(0);
    stream_.expires_after(state_->options.timeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t /*bytes*/) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
        state_->closed) {
      return stop();
    }
    if (ec) {
      // The request cannot be answered as asked; say why, then hang up (the
      // rest of the stream cannot be trusted to start a new request).
      int status = 400;
      if (ec == http::error::header_limit) status = 431;
      if (ec == http::error::body_limit || ec == http::error::unexpected_body) status = 413;
      HealthResponse response;
      response.status = status;
      response.body = ec.message() + "\n";
      return do_write(response, /*keep_alive=*/false, /*head=*/false, 11);
    }
    const auto& request = parser_->get();
    const std::string_view method(request.method_string().data(), request.method_string().size());
    const std::string_view target(request.target().data(), request.target().size());
    HealthResponse response = state_->handler(HealthRequest{method, target});
    do_write(response, request.keep_alive(), method == "HEAD", request.version());
  }

  void do_write(const HealthResponse& answer, bool keep_alive, bool head, unsigned version) {
    response_ = {};
    response_.version(version);
    response_.result(static_cast<unsigned>(answer.status));
    response_.set(http::field::server, "plazo/" PLAZO_VERSION);
    response_.set(http::field::content_type, answer.content_type);
    for (const auto& [name, value] : answer.headers) response_.set(name, value);
    response_.body() = answer.body;
    response_.prepare_payload();
    // HEAD: Content-Length says what GET would send; no body follows.
    if (head) response_.body().clear();
    response_.keep_alive(keep_alive && !state_->closed);
    stream_.expires_after(state_->options.timeout);
    http::async_write(
        stream_, response_,
        beast::bind_front_handler(&Session::on_write, shared_from_this(), !response_.keep_alive()));
  }

  void on_write(bool close, beast::error_code ec, std::size_t /*bytes*/) {
    if (ec || close || state_->closed) return stop();
    do_read();
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::empty_body>> parser_;
  http::response<http::string_body> response_;
  std::shared_ptr<HealthServer::State> state_;
};

void do_accept(const std::shared_ptr<HealthServer::State>& state) {
  state->acceptor.async_accept(state->io, [state](beast::error_code ec, tcp::socket socket) {
    if (state->closed || ec == asio::error::operation_aborted) return;
    if (ec) {
      // Out of descriptors and the like: keep serving the open connections.
      spdlog::warn("health endpoint: accept failed: {}", ec.message());
    } else if (state->sessions.size() >= state->options.max_connections) {
      beast::error_code ignored;
      socket.close(ignored);
    } else {
      std::make_shared<Session>(std::move(socket), state)->start();
    }
    do_accept(state);
  });
}

}  // namespace

HealthServer::HealthServer(asio::io_context& io, Handler handler, Options options)
    : state_(std::make_shared<State>(io, std::move(handler), options)) {}

HealthServer::~HealthServer() {
  close();
}

Status HealthServer::listen(const std::string& host, unsigned short port) {
  const std::string where =
      (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
  beast::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec) return Error{"cannot listen on " + where + ": not a numeric IP address"};
  const tcp::endpoint endpoint(address, port);
  auto& acceptor = state_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    beast::error_code ignored;
    acceptor.close(ignored);
    return Error{"cannot listen on " + where + ": " + ec.message()};
  }
  state_->closed = false;
  do_accept(state_);
  return {};
}

unsigned short HealthServer::port() const {
  beast::error_code ec;
  if (!state_->acceptor.is_open()) return 0;
  const auto endpoint = state_->acceptor.local_endpoint(ec);
  return ec ? 0 : endpoint.port();
}

void HealthServer::close() {
  state_->closed = true;
  beast::error_code ignored;
  state_->acceptor.close(ignored);
  // stop() only closes sockets; the sessions end (and leave the set) when
  // their pending operations complete, so iterate over a copy.
  const auto open = state_->sessions;
  for (Session* session : open) session->stop();
}

std::size_t HealthServer::connections() const {
  return state_->sessions.size();
}

}  // namespace plazo
