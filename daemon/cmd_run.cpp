// plazo run: the daemon (daemon/service.h) in the foreground, logging to
// stderr. With --once: one scheduling pass at now (or --now), delivery of
// everything due, a one-line summary, exit.
#include <spdlog/spdlog.h>

#include <csignal>
#include <ostream>

#include "daemon/asio.h"
#include "daemon/cli.h"
#include "daemon/command_support.h"
#include "daemon/instance_lock.h"
#include "daemon/metrics.h"
#include "daemon/scheduling.h"
#include "daemon/service.h"
#include "daemon/systemd_notify.h"
#include "domain/clock.h"
#include "notifiers/curl_transport.h"
#include "notifiers/delivery.h"

namespace plazo {
namespace {

// How long --once waits for deliveries before it leaves the rest pending.
constexpr std::chrono::minutes kOnceTimeout{5};
// Transfers in flight at SIGTERM get this long to finish, then are
// cancelled: the unit's stop (5 s) must hold with time to record outcomes.
constexpr std::chrono::milliseconds kTransportGrace{3000};

// The real delivery stage behind the service's DeliveryDriver seam.
class DeliveryAdapter final : public DeliveryDriver {
 public:
  DeliveryAdapter(Delivery& delivery, Transport& transport)
      : delivery_(delivery), transport_(transport) {}
  Status configure(const Config& config) override { return delivery_.configure(config); }
  Result<int> recover() override { return delivery_.recover(); }
  Result<int> pump() override { return delivery_.pump(); }
  Result<std::optional<Instant>> next_due() override { return delivery_.next_due(); }
  void set_on_progress(std::function<void()> on_progress) override {
    delivery_.set_on_progress(std::move(on_progress));
  }
  void stop() override { delivery_.stop(); }
  int in_flight() const override { return delivery_.in_flight(); }
  DeliveryStats stats() const override { return delivery_.stats(); }
  void shutdown_transport() override { transport_.shutdown(); }

 private:
  Delivery& delivery_;
  Transport& transport_;
};

}  // namespace

int cmd_run(const CommandContext& ctx) {
  int exit_code = kExitOk;
  auto app = open_app(ctx, exit_code);
  if (!app) return exit_code;
  // Before anything takes back leases: only one process delivers from a
  // database (see instance_lock.h).
  auto lock = InstanceLock::acquire(ctx.database.value_or(app->config.daemon.database));
  if (!lock) {
    ctx.err << "plazo: " << lock.error().message << "\n";
    return kExitUnavailable;
  }
  auto zone = TimeZone::locate(app->config.daemon.timezone);
  if (!zone) {
    ctx.err << "plazo: " << zone.error().message << "\n";
    return kExitConfig;
  }
  std::optional<OffsetClock> offset_clock;
  if (auto text = ctx.line.get("--now")) {
    auto parsed = zone->parse_local(*text);
    if (!parsed) {
      ctx.err << "plazo: --now must be a local time like 2023-11-23T08:00, not \"" << *text
              << "\"\n";
      return kExitUsage;
    }
    offset_clock.emplace(*parsed);
  }
  SystemClock system_clock;
  const Clock& clock = offset_clock ? static_cast<const Clock&>(*offset_clock) : system_clock;
  // A peer closing a socket must be an error code, not the end of plazo.
  std::signal(SIGPIPE, SIG_IGN);

  // Declaration order is destruction order reversed: the loop outlives
  // everything that posts to it, the transport outlives the delivery.
  asio::io_context io(1);
  CurlTransport::Options transport_options;
  transport_options.max_concurrent = app->config.delivery.concurrency;
  transport_options.shutdown_grace = kTransportGrace;
  transport_options.clock = &clock;
  auto curl = CurlTransport::create(transport_options);
  if (!curl) {
    ctx.err << "plazo: " << curl.error().message << "\n";
    return kExitSoftware;
  }
  Transport& transport = **curl;
  DeliveryMetrics metrics;
  Delivery delivery(*app->store, transport, clock,
                    [&io](std::function<void()> fn) { asio::post(io, std::move(fn)); });
  delivery.set_on_attempt([&metrics](Channel channel, const std::vector<ItemKind>& kinds,
                                     const DeliveryOutcome& outcome) {
    metrics.record_attempt(channel, kinds, outcome);
  });
  if (auto configured = delivery.configure(app->config); !configured) {
    ctx.err << "plazo: " << configured.error().message << "\n";
    return kExitConfig;
  }
  DeliveryAdapter adapter(delivery, transport);
  SystemdNotifier notifier;
  ServiceSettings settings;
  settings.config_path = ctx.config_path;
  settings.log_level_override = ctx.log_level;
  Service service(ServiceParts{io, *app->store, clock, adapter, notifier, metrics},
                  app->config, settings);

  if (ctx.line.has("--once")) {
    auto summary = service.run_once(kOnceTimeout);
    if (!summary) {
      ctx.err << "plazo: " << summary.error().message << "\n";
      return kExitIoError;
    }
    const auto& pass = summary->pass;
    const auto& sent = summary->delivery;
    ctx.out << "pass at " << zone->format_rfc3339(summary->at) << ": " << pass.due
            << " messages due" << (pass.day ? " for " + format_iso_date(*pass.day) : std::string())
            << ", " << pass.enqueued << " new in the outbox; delivered " << sent.sent << ", "
            << sent.retried << " to retry, " << sent.dead << " dead; " << summary->outbox.pending
            << " pending" << (summary->timed_out ? " (timed out)" : "") << "\n";
    return kExitOk;
  }

  if (auto started = service.start(); !started) {
    ctx.err << "plazo: " << started.error().message << "\n";
    return kExitUnavailable;
  }
  return service.run();
}

}  // namespace plazo
