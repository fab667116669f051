#pragma once
/// \file
/// The one header through which plazo includes Boost.Asio and Boost.Beast.
/// Every file that needs them includes this, never the Boost headers
/// directly.
///
/// <utility> comes first: with GCC 12 in C++20, Boost 1.74's
/// asio/awaitable.hpp uses std::exchange without including it.

// clang-format off
#include <utility>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
// clang-format on

namespace plazo {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;

}  // namespace plazo
