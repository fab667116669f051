// Fuzzes the health endpoint from the raw bytes a client sends: Beast's
// request parser, set up as daemon/health_server.cpp sets it up (8 KiB of
// headers, no body), feeding handle_health_request, and the response built
// and serialized as the server builds it, for every request of a pipelined
// stream until one asks to close or cannot be parsed.
//
// The server's Session owns a socket, so this target repeats its few lines
// of glue (parser limits, error -> status, response headers, HEAD, keep-
// alive) on an in-memory stream instead; keep the two in step. Reads come in
// pieces of 1..64 bytes or whole, as TCP may deliver them.
//
// Checks: one response per request read; the status is what the server
// documents (400, 413, 431, or the handler's); HEAD has no body but GET's
// Content-Length; the serialized response parses back as HTTP.
//
// Seeds: fuzz/corpus/http_request/ (requests as curl, Prometheus and broken
// clients send them).

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>

// clang-format off
#include "daemon/asio.h"
#include <boost/beast/_experimental/test/stream.hpp>
// clang-format on

#include "daemon/http_handler.h"
#include "fuzz/fuzz_support.h"

namespace plazo::fuzz {
namespace {

HealthSnapshot healthy_snapshot() {
  HealthSnapshot s;
  s.version = "0.1.0";
  s.now = Instant{std::chrono::seconds{1700744700}};
  s.config_path = "/etc/plazo/plazo.toml";
  s.config_loaded_at = Instant{std::chrono::seconds{1700744390}};
  s.last_pass = Instant{std::chrono::seconds{1700744400}};
  s.outbox.pending = 3;
  s.delivery.last_error = "general webhook: HTTP 503";
  return s;
}

// What health_server.cpp's do_write() puts on the wire.
http::response<http::string_body> build_response(const HealthResponse& answer, bool keep_alive,
                                                 bool head, unsigned version) {
  http::response<http::string_body> response;
  response.version(version);
  response.result(static_cast<unsigned>(answer.status));
  response.set(http::field::server, "plazo/" PLAZO_VERSION);
  response.set(http::field::content_type, answer.content_type);
  for (const auto& [name, value] : answer.headers) response.set(name, value);
  response.body() = answer.body;
  response.prepare_payload();
  if (head) response.body().clear();
  response.keep_alive(keep_alive);
  return response;
}

std::string serialize(const http::response<http::string_body>& response) {
  std::ostringstream out;
  out << response;
  return out.str();
}

// The serialized response must read back as one complete HTTP response.
void check_wire(const std::string& wire, bool head) {
  http::response_parser<http::string_body> parser;
  parser.skip(head);  // a HEAD response's Content-Length announces no body
  parser.eager(true);
  beast::error_code ec;
  const std::size_t used = parser.put(asio::buffer(wire), ec);
  if (!ec && !parser.is_done()) parser.put_eof(ec);
  PLAZO_FUZZ_CHECK(ec || used == wire.size(), "bytes after the response\n" + wire);
  PLAZO_FUZZ_CHECK(!ec && parser.is_done(), ec.message() + "\n" + wire);
}

uint64_t fnv1a(std::string_view bytes) {
  uint64_t hash = 1469598103934665603ULL;
  for (const char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return hash;
}

}  // namespace

// The server's read loop over one connection's bytes.
void serve(std::string_view bytes) {
  static asio::io_context io;
  static const HealthSnapshot snapshot = healthy_snapshot();
  constexpr std::size_t kHeaderLimit = 8 * 1024;  // HealthServer::Options' default

  beast::test::stream stream(io, beast::string_view(bytes.data(), bytes.size()));
  stream.close_remote();  // the client has sent everything: reads then end in eof
  const uint64_t hash = fnv1a(bytes);
  if (hash & 1) stream.read_size(1 + static_cast<std::size_t>((hash >> 1) % 64));

  beast::flat_buffer buffer;
  // Every request is answered, so a stream of n bytes holds fewer than n
  // requests (the smallest takes more than one byte).
  for (std::size_t requests = 0; requests <= bytes.size(); ++requests) {
    http::request_parser<http::empty_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(kHeaderLimit));
    parser.body_limit(0);
    beast::error_code ec;
    http::read(stream, buffer, parser, ec);
    if (ec == http::error::end_of_stream) return;  // the client is done: hang up
    if (ec) {
      int status = 400;
      if (ec == http::error::header_limit) status = 431;
      if (ec == http::error::body_limit || ec == http::error::unexpected_body) status = 413;
      HealthResponse response;
      response.status = status;
      response.body = ec.message() + "\n";
      check_wire(serialize(build_response(response, false, false, 11)), false);
      return;  // the server closes after an error
    }
    const auto& request = parser.get();
    const std::string_view method(request.method_string().data(), request.method_string().size());
    const std::string_view target(request.target().data(), request.target().size());
    const HealthResponse answer = handle_health_request(HealthRequest{method, target}, snapshot);
    const bool head = method == "HEAD";
    const auto response = build_response(answer, request.keep_alive(), head, request.version());
    const std::string wire = serialize(response);
    check_wire(wire, head);
    if (head) {
      PLAZO_FUZZ_CHECK(response.body().empty() && response[http::field::content_length] ==
                                                      std::to_string(answer.body.size()),
                       wire);
    }
    if (!response.keep_alive()) return;
  }
  fail("more responses than bytes in the request stream");
}

}  // namespace plazo::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  plazo::fuzz::serve(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
