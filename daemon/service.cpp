#include "daemon/service.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <csignal>
#include <map>
#include <string_view>
#include <thread>
#include <utility>

#include "daemon/asio.h"
#include "daemon/health_server.h"
#include "daemon/logging.h"

namespace plazo {

using namespace std::chrono_literals;
using SteadyTime = std::chrono::steady_clock::time_point;

std::chrono::milliseconds wake_delay(Instant now, std::optional<Instant> next_pass,
                                     std::optional<Instant> next_delivery,
                                     std::chrono::milliseconds min_step,
                                     std::chrono::milliseconds max_step) {
  std::optional<Instant> target = next_pass;
  if (next_delivery && (!target || *next_delivery < *target)) target = next_delivery;
  if (!target) return max_step;
  const auto delay = std::chrono::duration_cast<std::chrono::milliseconds>(*target - now);
  return std::clamp(delay, min_step, std::max(min_step, max_step));
}

// -- PassPlanner ---------------------------------------------------------------

PassPlanner::PassPlanner(Scheduler scheduler, Store& store)
    : scheduler_(std::move(scheduler)), store_(store) {}

Result<std::optional<PassSummary>> PassPlanner::run_if_due(Instant now,
                                                           std::chrono::seconds retry_after) {
  const bool due = first_ || (next_ && now >= *next_);
  if (!due) return std::optional<PassSummary>();
  auto summary = run_pass(scheduler_, store_, now);
  first_ = false;
  if (!summary) {
    next_ = now + retry_after;
    return summary.error();
  }
  if (auto planned = replan(now); !planned) {
    // The pass is recorded; only the plan failed. Look again soon.
    spdlog::error("planning the next pass failed: {}", planned.error().message);
    next_ = now + retry_after;
  }
  return std::optional<PassSummary>(std::move(summary).value());
}

Status PassPlanner::replan(Instant now) {
  StorePlanReader plan(store_);
  auto next = scheduler_.next_wakeup(now, plan);
  if (!next) return next.error();
  next_ = *next;
  return {};
}

Status PassPlanner::set_scheduler(Scheduler scheduler, Instant now) {
  scheduler_ = std::move(scheduler);
  return replan(now);
}

std::optional<Instant> PassPlanner::next_pass() const {
  return next_;
}

// -- Service -------------------------------------------------------------------

namespace {

// The database work the loop does. Each kind keeps its own last error until
// that same work next succeeds: one query that works says nothing of
// another. A full disk or a read-only directory still answers reads, so a
// read that works must not make a failing write look healthy.
enum class DatabaseWork { kPoll, kCounts, kPlan, kPass, kDelivery, kNextDue, kUnits };

std::string_view work_name(DatabaseWork work) {
  switch (work) {
    case DatabaseWork::kPoll:
      return "watching for changes";
    case DatabaseWork::kCounts:
      return "counting the outbox";
    case DatabaseWork::kPlan:
      return "planning the next pass";
    case DatabaseWork::kPass:
      return "the scheduling pass";
    case DatabaseWork::kDelivery:
      return "starting and recording deliveries";
    case DatabaseWork::kNextDue:
      return "finding the next delivery";
    case DatabaseWork::kUnits:
      return "storing the units";
  }
  return "?";
}

}  // namespace

struct Service::Impl {
  Impl(ServiceParts p, Config c, ServiceSettings s)
      : parts(p),
        io(p.io),
        config(std::move(c)),
        settings(std::move(s)),
        wake_timer(io),
        tick_timer(io),
        stop_timer(io),
        signals(io, SIGTERM, SIGINT, SIGHUP) {}

  ~Impl() {
    if (drainer.joinable()) drainer.join();
  }

  Status prepare();
  void on_wake();
  void on_pass(const PassSummary& summary, Instant now);
  void pump();
  void arm();
  void on_progress();
  void tick();
  void schedule_tick();
  void poll_data_version();
  void refresh_snapshot(bool force_counts);
  void update_status();
  void database_failed(DatabaseWork work, const Error& error);
  void database_worked(DatabaseWork work);
  void show_database_errors();
  void wait_signal();
  void reload();
  void begin_stop();
  void maybe_finish();
  void finish();
  void check_once_done();

  ServiceParts parts;
  asio::io_context& io;
  Config config;
  ServiceSettings settings;
  std::optional<PassPlanner> planner;
  asio::steady_timer wake_timer;
  asio::steady_timer tick_timer;
  asio::steady_timer stop_timer;
  asio::signal_set signals;
  std::unique_ptr<HealthServer> server;
  HealthSnapshot snapshot;
  std::map<DatabaseWork, std::string> database_errors;  ///< what fails now, and why

  std::optional<std::chrono::microseconds> watchdog;
  SteadyTime last_watchdog{};
  SteadyTime last_poll{};
  SteadyTime last_counts{};
  std::optional<int64_t> data_version;
  bool counts_dirty = true;
  std::string last_status;

  bool once = false;
  bool timed_out = false;
  bool stopping = false;
  bool transport_drained = false;
  bool finished = false;
  std::thread drainer;
};

Status Service::Impl::prepare() {
  auto scheduler = make_scheduler(config);
  if (!scheduler) return scheduler.error();
  planner.emplace(std::move(scheduler).value(), parts.store);
  parts.delivery.set_on_progress([this] { on_progress(); });
  auto recovered = parts.delivery.recover();
  if (!recovered) return recovered.error();
  if (*recovered > 0) {
    spdlog::warn("took back {} deliveries left in flight by a previous run; they are retried",
                 *recovered);
  }
  snapshot.version = PLAZO_VERSION;
  snapshot.config_path = config.path.empty() ? settings.config_path : config.path;
  snapshot.config_loaded_at = parts.clock.now();
  refresh_snapshot(/*force_counts=*/true);
  wait_signal();
  return {};
}

void Service::Impl::on_wake() {
  if (stopping) return;
  const Instant now = parts.clock.now();
  auto ran = planner->run_if_due(now);
  if (!ran) {
    database_failed(DatabaseWork::kPass, Error{"scheduling pass failed: " + ran.error().message});
  } else if (*ran) {
    database_worked(DatabaseWork::kPass);
    on_pass(**ran, now);
  }
  pump();
  arm();
}

void Service::Impl::on_pass(const PassSummary& summary, Instant now) {
  const TimeZone& zone = planner->scheduler().zone();
  spdlog::info("pass at {}: {} messages due{}, {} new in the outbox{}", zone.format_rfc3339(now),
               summary.due, summary.day ? " for " + format_iso_date(*summary.day) : std::string(),
               summary.enqueued,
               summary.skipped.empty()
                   ? std::string()
                   : ", " + std::to_string(summary.skipped.size()) + " days skipped");
  parts.metrics.count_due(summary.fresh_kinds);
  snapshot.last_pass = now;
  snapshot.next_wakeup = planner->next_pass();
  snapshot.days_skipped += static_cast<int64_t>(summary.skipped.size());
  counts_dirty = true;
}

void Service::Impl::pump() {
  if (stopping) return;
  if (auto started = parts.delivery.pump(); !started) {
    database_failed(DatabaseWork::kDelivery,
                    Error{"starting deliveries failed: " + started.error().message});
  } else {
    database_worked(DatabaseWork::kDelivery);
  }
}

void Service::Impl::arm() {
  if (stopping) return;
  std::optional<Instant> next_delivery;
  if (auto due = parts.delivery.next_due(); due) {
    next_delivery = *due;
    database_worked(DatabaseWork::kNextDue);
  } else {
    database_failed(DatabaseWork::kNextDue, due.error());
  }
  const auto delay =
      wake_delay(parts.clock.now(), planner->next_pass(), next_delivery, 1s, settings.max_sleep);
  wake_timer.expires_after(delay);
  wake_timer.async_wait([this](const beast::error_code& ec) {
    if (!ec) on_wake();
  });
}

void Service::Impl::on_progress() {
  counts_dirty = true;
  if (stopping) return maybe_finish();
  if (once) return check_once_done();
  pump();
  arm();
}

void Service::Impl::schedule_tick() {
  auto period = std::chrono::milliseconds(1000);
  if (watchdog) {
    period = std::min(period, std::chrono::duration_cast<std::chrono::milliseconds>(*watchdog / 2));
  }
  tick_timer.expires_after(std::max(period, std::chrono::milliseconds(10)));
  tick_timer.async_wait([this](const beast::error_code& ec) {
    if (!ec) tick();
  });
}

void Service::Impl::tick() {
  const auto now = std::chrono::steady_clock::now();
  if (watchdog && now - last_watchdog >= *watchdog / 2) {
    // Sent from the loop itself: a stuck loop stops the pings and systemd
    // restarts the service.
    parts.notifier.notify("WATCHDOG=1");
    last_watchdog = now;
  }
  if (now - last_poll >= settings.data_poll) poll_data_version();
  refresh_snapshot(/*force_counts=*/false);
  update_status();
  schedule_tick();
}

void Service::Impl::poll_data_version() {
  last_poll = std::chrono::steady_clock::now();
  auto version = parts.store.data_version();
  if (!version) return database_failed(DatabaseWork::kPoll, version.error());
  database_worked(DatabaseWork::kPoll);
  if (database_errors.contains(DatabaseWork::kUnits)) {
    // A reload could not store its units: try again until it can.
    if (auto synced = parts.store.sync_units(config.units); synced) {
      database_worked(DatabaseWork::kUnits);
    }
  }
  const bool changed = data_version && *data_version != *version;
  data_version = *version;
  if (!changed || stopping) return;
  // Another process (plazo import, progress, outbox retry) committed: the
  // next pass or delivery may have moved.
  spdlog::debug("the database changed; replanning");
  if (auto planned = planner->replan(parts.clock.now()); !planned) {
    database_failed(DatabaseWork::kPlan, planned.error());
  } else {
    database_worked(DatabaseWork::kPlan);
  }
  counts_dirty = true;
  if (once) return;
  pump();
  arm();
}

void Service::Impl::refresh_snapshot(bool force_counts) {
  const auto steady_now = std::chrono::steady_clock::now();
  snapshot.now = parts.clock.now();
  snapshot.delivery = parts.delivery.stats();
  snapshot.metrics = parts.metrics.sample();
  if (planner) snapshot.next_wakeup = planner->next_pass();
  const auto since = steady_now - last_counts;
  // Counts cost a query: at most once a second, and only when something
  // changed (or now and then, for changes nobody told the loop about).
  if (!force_counts && !(counts_dirty && since >= 1s) && since < settings.counts_refresh) return;
  last_counts = steady_now;
  counts_dirty = false;
  auto counts = parts.store.outbox_counts();
  if (!counts) return database_failed(DatabaseWork::kCounts, counts.error());
  snapshot.outbox = *counts;
  auto last = parts.store.last_pass();
  if (!last) return database_failed(DatabaseWork::kCounts, last.error());
  snapshot.last_pass = *last;
  database_worked(DatabaseWork::kCounts);
}

void Service::Impl::update_status() {
  StatusInfo info;
  info.next_pass = planner ? planner->next_pass() : std::nullopt;
  info.pending = snapshot.outbox.pending;
  info.dead = snapshot.outbox.dead;
  info.reload_failed = snapshot.last_reload && !snapshot.last_reload->ok;
  std::string status = status_notification(info, planner->scheduler().zone());
  if (status == last_status) return;
  last_status = status;
  parts.notifier.notify(status);
}

void Service::Impl::database_failed(DatabaseWork work, const Error& error) {
  auto [it, fresh] = database_errors.try_emplace(work, error.message);
  if (!fresh && it->second == error.message) return;  // said already
  it->second = error.message;
  spdlog::error("{}", error.message);
  show_database_errors();
}

void Service::Impl::database_worked(DatabaseWork work) {
  auto it = database_errors.find(work);
  if (it == database_errors.end()) return;
  spdlog::info("the database works again for {} (it failed: {})", work_name(work), it->second);
  database_errors.erase(it);
  show_database_errors();
}

void Service::Impl::show_database_errors() {
  snapshot.database_ok = database_errors.empty();
  snapshot.database_error.clear();
  for (const auto& [work, message] : database_errors) {
    if (!snapshot.database_error.empty()) snapshot.database_error += "; ";
    snapshot.database_error += message;
  }
}

void Service::Impl::wait_signal() {
  signals.async_wait([this](const beast::error_code& ec, int signal) {
    if (ec) return;
    if (signal == SIGHUP) {
      if (once) {
        spdlog::info("SIGHUP ignored by plazo run --once");
      } else {
        reload();
      }
    } else {
      spdlog::info("{} received", signal == SIGTERM ? "SIGTERM" : "SIGINT");
      begin_stop();
    }
    if (!finished) wait_signal();
  });
}

void Service::Impl::reload() {
  if (stopping) return;
  parts.notifier.notify("RELOADING=1");
  spdlog::info("reloading the config from {}", settings.config_path);
  std::vector<std::string> errors;
  LoadResult loaded = load_config(settings.config_path);
  std::optional<Scheduler> scheduler;
  if (!loaded.ok()) {
    for (const auto& error : loaded.errors) errors.push_back(error.to_string());
    if (errors.empty()) errors.push_back(settings.config_path + ": the config could not be loaded");
  } else if (auto built = make_scheduler(*loaded.config); !built) {
    errors.push_back(built.error().message);
  } else if (auto configured = parts.delivery.configure(*loaded.config); !configured) {
    // configure() keeps the previous delivery config on error, so nothing
    // has changed yet.
    errors.push_back(configured.error().message);
  } else {
    scheduler.emplace(std::move(built).value());
  }

  const Instant now = parts.clock.now();
  if (!errors.empty()) {
    for (const auto& error : errors) spdlog::error("reload rejected: {}", error);
    spdlog::error("the previous config stays in force");
    snapshot.last_reload = ReloadStatus{now, false, std::move(errors)};
    ++snapshot.reloads_rejected;
    parts.notifier.notify("READY=1");
    update_status();
    return;
  }

  Config& next = *loaded.config;
  for (const auto& warning : loaded.warnings) spdlog::warn("config: {}", warning.to_string());
  if (next.health.listen != config.health.listen) {
    spdlog::warn("[health] listen changed; it takes effect when plazo restarts");
  }
  if (next.daemon.database != config.daemon.database) {
    spdlog::warn("[daemon] database changed; it takes effect when plazo restarts");
  }
  if (auto synced = parts.store.sync_units(next.units); !synced) {
    database_failed(DatabaseWork::kUnits, synced.error());
  } else {
    database_worked(DatabaseWork::kUnits);
  }
  setup_logging(settings.log_level_override.value_or(next.daemon.log_level));
  config = std::move(next);
  if (auto planned = planner->set_scheduler(std::move(*scheduler), now); !planned) {
    database_failed(DatabaseWork::kPlan, planned.error());
  } else {
    database_worked(DatabaseWork::kPlan);
  }
  snapshot.last_reload = ReloadStatus{now, true, {}};
  ++snapshot.reloads_applied;
  snapshot.config_loaded_at = now;
  snapshot.next_wakeup = planner->next_pass();
  spdlog::info("config reloaded");
  parts.notifier.notify("READY=1");
  update_status();
  pump();
  arm();
}

void Service::Impl::begin_stop() {
  if (stopping) {
    spdlog::warn("second stop request: exiting now; deliveries in flight stay pending");
    return finish();
  }
  stopping = true;
  snapshot.stopping = true;
  if (!once) {
    spdlog::info("stopping: no new deliveries; waiting for {} in flight",
                 parts.delivery.in_flight());
    parts.notifier.notify("STOPPING=1");
  }
  parts.delivery.stop();
  if (server) server->close();
  wake_timer.cancel();
  stop_timer.expires_after(settings.stop_deadline);
  stop_timer.async_wait([this](const beast::error_code& ec) {
    if (ec) return;
    spdlog::warn("{} deliveries still in flight at the stop deadline; they stay pending",
                 parts.delivery.in_flight());
    finish();
  });
  // Transport::shutdown blocks (its grace period): not on the loop, which
  // keeps recording the outcomes it posts meanwhile.
  drainer = std::thread([this] {
    parts.delivery.shutdown_transport();
    asio::post(io, [this] {
      transport_drained = true;
      maybe_finish();
    });
  });
}

void Service::Impl::maybe_finish() {
  if (transport_drained && parts.delivery.in_flight() == 0) finish();
}

void Service::Impl::finish() {
  if (finished) return;
  finished = true;
  beast::error_code ignored;
  wake_timer.cancel();
  tick_timer.cancel();
  stop_timer.cancel();
  signals.cancel(ignored);
  if (server) server->close();
  io.stop();
}

void Service::Impl::check_once_done() {
  if (stopping) return;
  // Refill as outcomes come back, as the daemon does (waiting for the whole
  // batch to finish left the slots idle behind the slowest delivery). Once
  // nothing is in flight and nothing more can start, everything due now has
  // had its attempt.
  auto started = parts.delivery.pump();
  if (!started) database_failed(DatabaseWork::kDelivery, started.error());
  if (parts.delivery.in_flight() == 0 && (!started || *started == 0)) begin_stop();
}

// -- Service -------------------------------------------------------------------

Service::Service(ServiceParts parts, Config config, ServiceSettings settings)
    : impl_(std::make_unique<Impl>(parts, std::move(config), std::move(settings))) {}

Service::~Service() = default;

Status Service::start() {
  Impl& s = *impl_;
  if (auto prepared = s.prepare(); !prepared) return prepared;
  if (!s.config.health.listen.empty()) {
    HealthServer::Options options;
    options.timeout = s.settings.http_timeout;
    s.server = std::make_unique<HealthServer>(
        s.io,
        [&s](const HealthRequest& request) { return handle_health_request(request, s.snapshot); },
        options);
    if (auto listening = s.server->listen(s.config.health.host, s.config.health.port); !listening) {
      return listening;
    }
    spdlog::info("health endpoint on http://{}/ (healthz, readyz, metrics)",
                 s.config.health.listen);
  }
  s.watchdog = watchdog_interval();
  s.last_watchdog = std::chrono::steady_clock::now();
  s.last_poll = s.last_watchdog;
  if (auto version = s.parts.store.data_version(); version) s.data_version = *version;
  s.parts.notifier.notify("READY=1\nSTATUS=started; first scheduling pass running");
  spdlog::info("plazo {} running (config {})", PLAZO_VERSION, s.snapshot.config_path);
  // The first wake-up runs the catch-up pass, after READY: a big plan must
  // not delay the start-up systemd waits for.
  asio::post(s.io, [&s] { s.on_wake(); });
  s.schedule_tick();
  return {};
}

int Service::run() {
  impl_->io.run();
  if (impl_->drainer.joinable()) impl_->drainer.join();
  return 0;
}

Result<OnceSummary> Service::run_once(std::chrono::milliseconds timeout) {
  Impl& s = *impl_;
  s.once = true;
  if (auto prepared = s.prepare(); !prepared) return prepared.error();
  const Instant now = s.parts.clock.now();
  auto ran = s.planner->run_if_due(now);
  if (!ran) return ran.error();
  OnceSummary summary;
  summary.at = now;
  if (*ran) {
    summary.pass = **ran;
    s.on_pass(**ran, now);
  }
  s.wake_timer.expires_after(timeout);
  s.wake_timer.async_wait([&s](const beast::error_code& ec) {
    if (ec || s.stopping) return;
    s.timed_out = true;
    spdlog::warn("plazo run --once: timed out with {} deliveries in flight",
                 s.parts.delivery.in_flight());
    s.begin_stop();
  });
  asio::post(s.io, [&s] { s.check_once_done(); });
  s.io.run();
  if (s.drainer.joinable()) s.drainer.join();
  summary.delivery = s.parts.delivery.stats();
  if (auto counts = s.parts.store.outbox_counts(); counts) summary.outbox = *counts;
  summary.timed_out = s.timed_out;
  return summary;
}

void Service::request_stop() {
  asio::post(impl_->io, [this] { impl_->begin_stop(); });
}

void Service::request_reload() {
  asio::post(impl_->io, [this] { impl_->reload(); });
}

unsigned short Service::health_port() const {
  return impl_->server ? impl_->server->port() : 0;
}

}  // namespace plazo
