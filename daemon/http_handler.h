#pragma once
/// \file
/// The health endpoint's answers as a pure function: a request (method and
/// target) and a snapshot of the daemon's state in, a response out. No
/// sockets, no clock, no store: the event loop keeps the snapshot up to date
/// and the HTTP server (health_server.h) only moves bytes.
///
/// Routes:
///  - GET /healthz: 200 "ok\n" while the event loop runs.
///  - GET /readyz: 200 when ready, else 503; JSON body (see readyz_json).
///    Ready means the loop runs (not stopping) and every kind of database
///    work it does (watching for changes, counting the outbox, the
///    scheduling pass, starting and recording deliveries, ...) succeeded the
///    last time it was tried: reads that work do not hide writes that fail
///    (a full disk). A rejected reload does not make the daemon unready: it
///    keeps running, and sending, with the previous config; /readyz says so
///    under config.last_reload and in `problems`, and /metrics in
///    plazo_config_reload_success.
///  - GET /metrics: Prometheus text format 0.0.4 (see metrics_text).
///  - HEAD on those: the same response as GET; the server sends only its
///    headers (Content-Length included).
///  - Another method on a known path: 405 with `Allow: GET, HEAD`.
///  - Anything else: 404. A query string is ignored.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "daemon/metrics.h"
#include "domain/dates.h"
#include "notifiers/delivery.h"
#include "storage/store.h"

namespace plazo {

/// The outcome of the last SIGHUP reload.
struct ReloadStatus {
  Instant at{};
  bool ok = true;
  std::vector<std::string> errors;  ///< every problem found, one sentence each
};

/// What the daemon knows about itself, as of the last loop update. Plain
/// data, copied or read on the loop thread.
struct HealthSnapshot {
  std::string version;  ///< plazo's version
  Instant now{};        ///< when the snapshot was taken (for ages)
  bool stopping = false;
  bool database_ok = true;
  /// When not ok: the error of each kind of database work that fails now,
  /// joined by "; ".
  std::string database_error;
  std::string config_path;
  Instant config_loaded_at{};               ///< when the config in force was loaded
  std::optional<ReloadStatus> last_reload;  ///< nullopt until the first SIGHUP
  int64_t reloads_applied = 0;              ///< SIGHUPs whose config took effect
  int64_t reloads_rejected = 0;             ///< SIGHUPs whose config was refused
  int64_t days_skipped = 0;  ///< missed days not sent (beyond misfire_grace, coalesced)
  std::optional<Instant> last_pass;         ///< last scheduling pass recorded
  std::optional<Instant> next_wakeup;       ///< next scheduling pass planned
  OutboxCounts outbox;
  DeliveryStats delivery;
  MetricsSample metrics;
};

/// The request line the handler looks at.
struct HealthRequest {
  std::string_view method;  ///< "GET", "HEAD", ...
  std::string_view target;  ///< "/readyz?verbose" (origin form)
};

/// A complete response; the server adds Content-Length, Server and the
/// connection headers.
struct HealthResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;  ///< extra headers
  std::string body;
};

/// Answers one request from `snapshot`. Never throws.
HealthResponse handle_health_request(const HealthRequest& request, const HealthSnapshot& snapshot);

/// Whether the snapshot counts as ready (see the file comment).
bool is_ready(const HealthSnapshot& snapshot);

/// The /readyz body:
/// {"ready":bool,"problems":[...],
///  "database":{"ok":bool,"error":string|null},
///  "config":{"loaded":true,"path":string,"loaded_at":time,
///            "last_reload":null|{"at":time,"ok":bool,"errors":[string...]}},
///  "scheduler":{"last_pass":time|null,"next_wakeup":time|null},
///  "outbox":{"pending":n,"dead":n,"sent":n,"oldest_pending":time|null},
///  "delivery":{"in_flight":n,"attempts":n,"sent":n,"retried":n,"dead":n,
///              "last_error":string|null}}
/// Times are RFC 3339 UTC ("2023-11-23T13:00:00Z"). Invalid UTF-8 in error
/// texts is replaced, never thrown.
std::string readyz_json(const HealthSnapshot& snapshot);

/// The /metrics body in Prometheus text format 0.0.4: a HELP and TYPE line
/// before every family, every message counter present (zero included), and
/// plazo_build_info{version}.
std::string metrics_text(const HealthSnapshot& snapshot);

}  // namespace plazo
