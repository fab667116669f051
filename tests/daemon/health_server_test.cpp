// The health HTTP server on 127.0.0.1 with real sockets: keep-alive,
// pipelining, HEAD, the size limits, timeouts, closing, the connection cap.
#include "daemon/health_server.h"

#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "daemon/loopback_http.h"

namespace plazo {
namespace {

using namespace std::chrono_literals;
using testing::LoopbackConnection;

class HealthServerTest : public ::testing::Test {
 protected:
  void start(HealthServer::Options options = {}) {
    snapshot_.version = "test";
    server_ = std::make_unique<HealthServer>(
        io_, [this](const HealthRequest& r) { return handle_health_request(r, snapshot_); },
        options);
    auto listening = server_->listen("127.0.0.1", 0);
    ASSERT_TRUE(listening.ok()) << listening.error().message;
    port_ = server_->port();
    ASSERT_NE(port_, 0);
    work_.emplace(io_.get_executor());
    thread_ = std::thread([this] { io_.run(); });
  }
  // Runs `fn` on the loop thread and waits for it.
  template <typename Fn>
  auto on_loop(Fn fn) {
    std::packaged_task<decltype(fn())()> task(std::move(fn));
    auto result = task.get_future();
    asio::post(io_, [&task] { task(); });
    return result.get();
  }
  void TearDown() override {
    work_.reset();
    io_.stop();
    if (thread_.joinable()) thread_.join();
  }

  asio::io_context io_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  HealthSnapshot snapshot_;
  std::unique_ptr<HealthServer> server_;
  unsigned short port_ = 0;
  std::thread thread_;
};

constexpr const char* kGet = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";

TEST_F(HealthServerTest, KeepAliveServesManyRequestsOnOneConnection) {
  start();
  LoopbackConnection c(port_);
  ASSERT_TRUE(c.connected());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(c.send_raw(kGet));
    auto reply = c.read_response();
    ASSERT_TRUE(reply) << i;
    EXPECT_EQ(reply->status, 200);
    EXPECT_EQ(reply->body, "ok\n");
    EXPECT_EQ(reply->header("content-length"), "3");
    EXPECT_EQ(reply->header("server").rfind("plazo/", 0), 0u);
    EXPECT_NE(reply->header("connection"), "close");
  }
}

TEST_F(HealthServerTest, PipelinedRequestsAreAnsweredInOrder) {
  start();
  LoopbackConnection c(port_);
  ASSERT_TRUE(c.send_raw(std::string("GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n") + kGet +
                         "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto first = c.read_response();
  auto second = c.read_response();
  auto third = c.read_response();
  ASSERT_TRUE(first && second && third);
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(first->header("content-type"), "application/json");
  EXPECT_EQ(second->body, "ok\n");
  EXPECT_EQ(third->status, 404);
}

TEST_F(HealthServerTest, HeadSendsLengthButNoBody) {
  start();
  LoopbackConnection c(port_);
  ASSERT_TRUE(c.send_raw("HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto head = c.read_response(/*head=*/true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_GT(std::stoul(head->header("content-length")), 100u);
  // Had a body followed, this would read its bytes as the next status line.
  ASSERT_TRUE(c.send_raw(kGet));
  auto next = c.read_response();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body, "ok\n");
}

TEST_F(HealthServerTest, WrongMethodGets405WithAllow) {
  start();
  auto reply = testing::http_request(port_, "DELETE", "/readyz");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 405);
  EXPECT_EQ(reply->header("allow"), "GET, HEAD");
}

TEST_F(HealthServerTest, OversizedHeadersGet431AndClose) {
  start();
  LoopbackConnection c(port_);
  ASSERT_TRUE(c.send_raw("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(9000, 'a') +
                         "\r\n\r\n"));
  auto reply = c.read_response();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 431);
  EXPECT_TRUE(c.wait_closed());
}

TEST_F(HealthServerTest, HeadersJustUnderTheLimitAreFine) {
  start();
  auto reply_for = [&](size_t filler) {
    LoopbackConnection c(port_);
    c.send_raw("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(filler, 'a') +
               "\r\n\r\n");
    auto reply = c.read_response();
    return reply ? reply->status : 0;
  };
  EXPECT_EQ(reply_for(7000), 200);
  EXPECT_EQ(reply_for(8200), 431);
}

TEST_F(HealthServerTest, RequestBodyGets413AndClose) {
  start();
  LoopbackConnection c(port_);
  ASSERT_TRUE(c.send_raw("POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"));
  auto reply = c.read_response();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 413);
  EXPECT_TRUE(c.wait_closed());
}

TEST_F(HealthServerTest, GarbageGets400AndClose) {
  start();
  LoopbackConnection c(port_);
  ASSERT_TRUE(c.send_raw("HELLO THERE\r\n\r\n"));
  auto reply = c.read_response();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 400);
  EXPECT_TRUE(c.wait_closed());
}

TEST_F(HealthServerTest, Http10WithoutKeepAliveIsClosedAfterTheResponse) {
  start();
  LoopbackConnection c(port_);
  ASSERT_TRUE(c.send_raw("GET /healthz HTTP/1.0\r\n\r\n"));
  auto reply = c.read_response();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_TRUE(c.wait_closed());
}

TEST_F(HealthServerTest, IdleConnectionTimesOut) {
  HealthServer::Options options;
  options.timeout = 200ms;
  start(options);
  LoopbackConnection c(port_);
  ASSERT_TRUE(c.send_raw("GET /healthz HTTP/1.1\r\nHost: x\r\n"));  // never finished
  EXPECT_TRUE(c.wait_closed());
  EXPECT_EQ(on_loop([&] { return server_->connections(); }), 0u);
}

TEST_F(HealthServerTest, CloseEndsIdleConnectionsAndStopsAccepting) {
  start();
  LoopbackConnection idle(port_);
  ASSERT_TRUE(idle.send_raw(kGet));
  ASSERT_TRUE(idle.read_response());
  EXPECT_EQ(on_loop([&] { return server_->connections(); }), 1u);
  on_loop([&] {
    server_->close();
    return 0;
  });
  EXPECT_TRUE(idle.wait_closed());
  LoopbackConnection late(port_);
  EXPECT_FALSE(late.connected() && late.send_raw(kGet) && late.read_response());
}

TEST_F(HealthServerTest, ConnectionsPastTheCapAreClosed) {
  HealthServer::Options options;
  options.max_connections = 2;
  start(options);
  LoopbackConnection a(port_), b(port_);
  for (auto* c : {&a, &b}) {
    ASSERT_TRUE(c->send_raw(kGet));
    ASSERT_TRUE(c->read_response());
  }
  LoopbackConnection third(port_);
  EXPECT_TRUE(third.wait_closed());
  // The open ones still work.
  ASSERT_TRUE(a.send_raw(kGet));
  EXPECT_TRUE(a.read_response());
}

TEST(HealthServerListen, ReportsAnAddressInUseAndBadHosts) {
  asio::io_context io;
  HealthServer first(io, [](const HealthRequest&) { return HealthResponse{}; });
  ASSERT_TRUE(first.listen("127.0.0.1", 0).ok());
  HealthServer second(io, [](const HealthRequest&) { return HealthResponse{}; });
  auto status = second.listen("127.0.0.1", first.port());
  ASSERT_FALSE(status.ok());
  EXPECT_NE(
      status.error().message.find("cannot listen on 127.0.0.1:" + std::to_string(first.port())),
      std::string::npos);
  auto bad = second.listen("localhost", 0);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("not a numeric IP address"), std::string::npos);
  EXPECT_EQ(second.port(), 0);
}

}  // namespace
}  // namespace plazo
