#include "notifiers/delivery.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "domain/timezone.h"
#include "notifiers/delivery_policy.h"
#include "notifiers/email.h"
#include "notifiers/secret.h"
#include "notifiers/templates.h"
#include "notifiers/webhook.h"
#include "storage/message_json.h"

namespace plazo {
namespace {

using std::chrono::seconds;

// A lease outlives the slowest transfer by this much. Leases are only read
// back at the next start (recover), so this is a statement for whoever reads
// the table, not a timer.
constexpr seconds kLeaseMargin{60};

// Deliveries claimed per transfer slot ([delivery] concurrency). The
// transport runs `concurrency` transfers and queues the rest, so a transfer
// that ends is followed at once, on the transport's thread, by the next one
// instead of waiting for the loop to record the outcome and claim again:
// the loop and the transport overlap instead of taking turns. Connections
// stay at `concurrency`. A destination that starts failing may take up to
// this many times `concurrency` attempts before its pause stops the rest.
// Measured in BENCHMARKS.md (1 -> 4: 20-35 % more messages/s at 10,000
// and 100,000, the same RSS).
constexpr int kClaimedPerTransfer = 4;

std::string join(const std::vector<std::string>& values, std::string_view separator) {
  std::string text;
  for (const auto& value : values) {
    if (!text.empty()) text += separator;
    text += value;
  }
  return text;
}

// "email" or "webhook:planeacion-teams", as `plazo outbox` shows a route.
std::string route_label(const Message& message) {
  std::string label(to_string(message.channel));
  if (!message.target.empty()) label += ":" + message.target;
  return label;
}

}  // namespace

struct Delivery::Impl {
  // What configure() prepared; replaced whole by the next configure().
  struct Setup {
    Setup(Renderer renderer_in, TimeZone zone_in)
        : renderer(std::move(renderer_in)), zone(zone_in) {}
    Renderer renderer;
    TimeZone zone;
    std::map<std::string, Unit, std::less<>> units;
    std::vector<Unit> all_units;
    std::map<std::string, WebhookSettings, std::less<>> webhooks;
    std::map<std::string, std::string, std::less<>> secrets;  // by webhook name
    LinkSettings links;
    EmailSettings email;
    std::string email_destination;  // "" without a relay
    DeliverySettings policy;
    seconds lease{};
  };

  // A claimed entry turned into a job.
  struct Route {
    DeliveryJob job;
    std::string destination;
    std::string recipient;  // for the log: addresses, or webhook name and origin
  };

  // One delivery handed to the transport, until its outcome is recorded.
  struct Attempt {
    int64_t id = 0;
    Channel channel = Channel::kEmail;
    std::string unit_id;
    std::string route;  // route_label()
    std::string recipient;
    std::string destination;
    Instant started{};
    Instant due{};  // the message's due instant: max_age counts from it
    std::vector<ItemKind> kinds;  // distinct_kinds() of the message
    int attempts = 0;
    bool probe = false;
  };

  // A destination that failed: paused until `until`; after that one probe at
  // a time goes, and its answer reopens the destination or pauses it again
  // for twice as long.
  struct Pause {
    Instant until{};
    seconds backoff{};
    bool probing = false;
  };

  // Shared with the transport's callbacks, which may outlive the Delivery:
  // they only touch the queue (under the mutex) and post a drain, which
  // finds `owner` cleared once the Delivery is gone. `owner` is read and
  // written on the loop thread only.
  struct Inbox {
    std::mutex mutex;
    std::vector<std::pair<int64_t, DeliveryOutcome>> outcomes;  // guarded by mutex
    Post post;
    Impl* owner = nullptr;
  };

  Impl(Store& store_in, Transport& transport_in, const Clock& clock_in, Post post)
      : store(store_in),
        transport(transport_in),
        clock(clock_in),
        inbox(std::make_shared<Inbox>()),
        random(std::random_device{}()) {
    inbox->post = std::move(post);
    inbox->owner = this;
  }
  ~Impl() { inbox->owner = nullptr; }

  Status configure(const Config& config);
  Result<int> pump();
  Result<std::optional<Instant>> next_due();
  Result<Route> route(const OutboxEntry& entry, Instant now) const;
  void submit(Route route, const OutboxEntry& entry, Instant now, bool probe);
  void drain();
  Store::OutboxUpdate decide(const Attempt& attempt, const DeliveryOutcome& outcome, Instant now);
  Store::OutboxUpdate bury(const OutboxEntry& entry, const std::string& reason, Instant now);
  Status flush();
  void destination_failed(const Attempt& attempt, std::optional<seconds> retry_after, Instant now);
  void destination_answered(const Attempt& attempt);
  std::vector<std::string> blocked(Instant now) const;
  void note_error(Instant now, const std::string& unit_id, const std::string& route,
                  const std::string& error);

  Store& store;
  Transport& transport;
  const Clock& clock;
  std::shared_ptr<Inbox> inbox;
  std::mt19937_64 random;
  std::unique_ptr<const Setup> setup;
  std::function<void()> on_progress;
  AttemptObserver on_attempt;
  std::unordered_map<int64_t, Attempt> in_flight;
  std::map<std::string, Pause> paused;
  // Outcomes decided but not yet written (the database refused them); tried
  // again before anything else.
  std::vector<Store::OutboxUpdate> unrecorded;
  DeliveryStats stats;
  bool stopped = false;
};

Status Delivery::Impl::configure(const Config& config) {
  auto renderer = Renderer::load(config);
  if (!renderer) return renderer.error();
  auto zone = TimeZone::locate(config.daemon.timezone);
  if (!zone) return zone.error();
  Setup next(std::move(renderer).value(), *zone);
  for (const auto& unit : config.units) next.units.emplace(unit.id, unit);
  next.all_units = config.units;
  next.webhooks.insert(config.webhooks.begin(), config.webhooks.end());
  seconds slowest{config.email.timeout_seconds};
  for (const auto& [name, webhook] : config.webhooks) {
    slowest = std::max(slowest, seconds{webhook.timeout_seconds});
    if (webhook.secret_file.empty()) continue;
    auto secret = read_secret_file(webhook.secret_file);
    if (!secret) {
      return Error{"Webhook \"" + name + "\": " + secret.error().message};
    }
    next.secrets.emplace(name, std::move(secret).value());
  }
  next.links = config.links;
  next.email = config.email;
  if (!config.email.url.empty()) {
    next.email_destination = destination_of(config.email.url).value_or(config.email.url);
  }
  next.policy = config.delivery;
  // A claimed delivery may wait behind the others queued for its slot.
  next.lease = slowest * kClaimedPerTransfer + kLeaseMargin;
  setup = std::make_unique<const Setup>(std::move(next));
  return {};
}

Result<Delivery::Impl::Route> Delivery::Impl::route(const OutboxEntry& entry, Instant now) const {
  const Message& message = entry.message;
  auto unit = setup->units.find(message.unit_id);
  if (unit == setup->units.end()) {
    return Error{"unit \"" + message.unit_id + "\" is no longer configured"};
  }
  if (message.channel == Channel::kEmail) {
    if (setup->email.url.empty()) return Error{"no email relay is configured ([email] url)"};
    if (unit->second.emails.empty()) {
      return Error{"unit \"" + message.unit_id + "\" has no email addresses"};
    }
    RenderedMessage rendered =
      setup->renderer.render(message, unit->second, setup->all_units, /*with_html=*/false);
    EmailJob job{build_email(rendered, message, unit->second, setup->email, now), setup->email};
    return Route{std::move(job), setup->email_destination, join(unit->second.emails, ", ")};
  }
  if (message.target.empty()) return Error{"the webhook message names no webhook"};
  auto webhook = setup->webhooks.find(message.target);
  if (webhook == setup->webhooks.end()) {
    return Error{"webhook \"" + message.target + "\" is no longer configured"};
  }
  const auto& uses = unit->second.webhooks;
  if (std::find(uses.begin(), uses.end(), message.target) == uses.end()) {
    return Error{"unit \"" + message.unit_id + "\" no longer uses webhook \"" + message.target +
                 "\""};
  }
  auto secret = setup->secrets.find(message.target);
  const std::string destination = destination_of(webhook->second.url).value_or(webhook->second.url);
  // Webhook bodies carry the subject, the text and the sections, no HTML.
  RenderedMessage rendered =
      setup->renderer.render(message, unit->second, setup->all_units, /*with_html=*/false);
  HttpRequest request =
      build_webhook(rendered, message, unit->second, webhook->second, setup->links,
                    secret != setup->secrets.end() ? secret->second : "", now, setup->zone);
  return Route{std::move(request), destination, message.target + " (" + destination + ")"};
}

std::vector<std::string> Delivery::Impl::blocked(Instant now) const {
  std::vector<std::string> destinations;
  for (const auto& [destination, pause] : paused) {
    if (pause.probing || now < pause.until) destinations.push_back(destination);
  }
  return destinations;
}

Result<int> Delivery::Impl::pump() {
  if (!setup) return Error{"Delivery is not configured."};
  if (stopped) return 0;
  if (auto flushed = flush(); !flushed) return flushed.error();
  const Instant now = clock.now();
  int started = 0;
  // Refill in batches: a claim is a transaction and a query, so claiming
  // one entry each time one outcome comes back would cost a claim per
  // message. Wait until a quarter of the claims are back (or none is out).
  const int limit = setup->policy.concurrency * kClaimedPerTransfer;
  const int refill = std::max(1, limit / 4);
  for (;;) {
    const int budget = limit - static_cast<int>(in_flight.size());
    if (budget <= 0 || (budget < refill && !in_flight.empty())) break;
    // Entries stored with a blocked destination are passed over in the
    // query; those not tried yet (no destination stored) are claimed and
    // deferred below, which stores it, so the loop ends.
    auto claimed = store.claim_due(now, budget, setup->lease, blocked(now));
    if (!claimed) return claimed.error();
    std::vector<Store::Deferral> deferrals;
    std::vector<Store::OutboxUpdate> dead;
    for (const auto& entry : *claimed) {
      auto built = route(entry, now);
      if (!built) {
        dead.push_back(bury(entry, built.error().message, now));
        continue;
      }
      bool probe = false;
      if (auto pause = paused.find(built->destination); pause != paused.end()) {
        if (pause->second.probing || now < pause->second.until) {
          deferrals.push_back({entry.id, built->destination, std::max(pause->second.until, now)});
          continue;
        }
        pause->second.probing = true;
        probe = true;
      }
      submit(std::move(built).value(), entry, now, probe);
      ++started;
    }
    if (auto recorded = store.record_outcomes(dead); !recorded) return recorded.error();
    if (auto deferred = store.defer(deferrals); !deferred) return deferred.error();
    if (static_cast<int>(claimed->size()) < budget) break;  // nothing more is due
  }
  stats.in_flight = static_cast<int64_t>(in_flight.size());
  return started;
}

void Delivery::Impl::submit(Route built, const OutboxEntry& entry, Instant now, bool probe) {
  Attempt attempt;
  attempt.id = entry.id;
  attempt.channel = entry.message.channel;
  attempt.unit_id = entry.message.unit_id;
  attempt.route = route_label(entry.message);
  attempt.recipient = std::move(built.recipient);
  attempt.destination = std::move(built.destination);
  attempt.started = now;
  attempt.due = entry.message.at;
  attempt.kinds = distinct_kinds(entry.message);
  attempt.attempts = entry.attempts;
  attempt.probe = probe;
  in_flight[entry.id] = std::move(attempt);
  ++stats.attempts;
  stats.in_flight = static_cast<int64_t>(in_flight.size());
  // Runs on the transport's thread (or at once, inside submit, for a
  // transport that is shut down or fake): queue, and post one drain when the
  // queue goes non-empty.
  transport.submit(std::move(built.job), [inbox = inbox, id = entry.id](DeliveryOutcome outcome) {
    bool first = false;
    {
      std::lock_guard lock(inbox->mutex);
      first = inbox->outcomes.empty();
      inbox->outcomes.emplace_back(id, std::move(outcome));
    }
    if (!first) return;
    inbox->post([inbox] {
      if (inbox->owner != nullptr) inbox->owner->drain();
    });
  });
}

void Delivery::Impl::drain() {
  std::vector<std::pair<int64_t, DeliveryOutcome>> outcomes;
  {
    std::lock_guard lock(inbox->mutex);
    outcomes.swap(inbox->outcomes);
  }
  if (outcomes.empty()) return;
  const Instant now = clock.now();
  unrecorded.reserve(unrecorded.size() + outcomes.size());
  for (const auto& [id, outcome] : outcomes) {
    auto attempt = in_flight.find(id);
    if (attempt == in_flight.end()) {
      spdlog::error("delivery outcome for outbox message {}, which is not in flight (a bug)", id);
      continue;
    }
    if (on_attempt) on_attempt(attempt->second.channel, attempt->second.kinds, outcome);
    unrecorded.push_back(decide(attempt->second, outcome, now));
  }
  if (auto flushed = flush(); !flushed) {
    spdlog::error("{}; the outcomes are recorded at the next attempt", flushed.error().message);
  }
  if (on_progress) on_progress();
}

Status Delivery::Impl::flush() {
  if (unrecorded.empty()) return {};
  // One transaction for every outcome that arrived together.
  if (auto recorded = store.record_outcomes(unrecorded); !recorded) return recorded;
  for (const auto& update : unrecorded) in_flight.erase(update.id);
  unrecorded.clear();
  stats.in_flight = static_cast<int64_t>(in_flight.size());
  return {};
}

Store::OutboxUpdate Delivery::Impl::decide(const Attempt& attempt, const DeliveryOutcome& outcome,
                                           Instant now) {
  Store::OutboxUpdate update;
  update.id = attempt.id;
  update.destination = attempt.destination;
  update.attempt.outbox_id = attempt.id;
  update.attempt.at = attempt.started;
  update.attempt.channel = attempt.channel;
  update.attempt.recipient = attempt.recipient;
  update.attempt.status_code = outcome.code;
  update.attempt.error = outcome.error;
  update.attempt.duration_ms = outcome.duration.count();

  const auto& policy = setup->policy;
  std::optional<std::string> dead_reason;
  if (outcome.status == DeliveryStatus::kSent) {
    update.status = OutboxStatus::kSent;
    destination_answered(attempt);
    ++stats.sent;
  } else if (outcome.status == DeliveryStatus::kPermanent) {
    // The server answered: the destination works; this message never will.
    destination_answered(attempt);
    dead_reason = outcome.error.empty() ? "permanent failure" : outcome.error;
  } else if (stopped) {
    // Cancelled by our own shutdown: not the receiver's fault, so no pause,
    // and due at once at the next start.
    update.status = OutboxStatus::kRetry;
    update.next_attempt_at = now;
  } else {
    destination_failed(attempt, outcome.retry_after, now);
    if (attempt.attempts >= policy.max_attempts) {
      dead_reason =
          fmt::format("gave up after {} attempts; last error: {}", attempt.attempts, outcome.error);
    } else if (now - attempt.due >= policy.max_age) {
      dead_reason = fmt::format(
          "still undelivered {} h after it was due (max_age); last error: {}",
          std::chrono::duration_cast<std::chrono::hours>(now - attempt.due).count(), outcome.error);
    } else {
      update.status = OutboxStatus::kRetry;
      const seconds backoff =
          backoff_after(attempt.attempts, policy.initial_backoff, policy.max_backoff);
      update.next_attempt_at = now + retry_delay(backoff, outcome.retry_after, random);
      spdlog::debug("outbox message {} ({} {}): attempt {} failed, next at {}: {}", attempt.id,
                    attempt.unit_id, attempt.route, attempt.attempts,
                    format_utc(update.next_attempt_at), outcome.error);
    }
  }
  if (outcome.status != DeliveryStatus::kSent) {
    note_error(now, attempt.unit_id, attempt.route, outcome.error);
  }
  if (update.status == OutboxStatus::kRetry) {
    update.error = outcome.error;
    ++stats.retried;
  }
  if (dead_reason) {
    update.status = OutboxStatus::kDead;
    update.error = *dead_reason;
    ++stats.dead;
    spdlog::warn("outbox message {} ({} {}) is dead after {} attempt{}: {}", attempt.id,
                 attempt.unit_id, attempt.route, attempt.attempts, attempt.attempts == 1 ? "" : "s",
                 *dead_reason);
  }
  update.attempt.result = std::string(to_string(update.status));
  return update;
}

Store::OutboxUpdate Delivery::Impl::bury(const OutboxEntry& entry, const std::string& reason,
                                         Instant now) {
  const std::string route = route_label(entry.message);
  Store::OutboxUpdate update;
  update.id = entry.id;
  update.status = OutboxStatus::kDead;
  update.error = reason;
  update.destination = entry.destination;
  update.attempt.outbox_id = entry.id;
  update.attempt.at = now;
  update.attempt.channel = entry.message.channel;
  update.attempt.result = "dead";
  update.attempt.error = reason;
  ++stats.dead;
  note_error(now, entry.message.unit_id, route, reason);
  spdlog::warn("outbox message {} ({} {}) is dead: {}", entry.id, entry.message.unit_id, route,
               reason);
  return update;
}

void Delivery::Impl::destination_failed(const Attempt& attempt, std::optional<seconds> retry_after,
                                        Instant now) {
  auto [it, fresh] = paused.try_emplace(attempt.destination);
  Pause& pause = it->second;
  // Deliveries that were already on their way when the destination paused
  // report their failures too; only a failed probe makes the pause longer.
  if (!fresh && !attempt.probe) return;
  const auto& policy = setup->policy;
  pause.backoff = fresh ? std::min(policy.initial_backoff, policy.max_backoff)
                        : std::min(pause.backoff * 2, policy.max_backoff);
  pause.until = now + retry_delay(pause.backoff, retry_after, random);
  pause.probing = false;
  spdlog::warn("destination {} paused until {} after a failed delivery: {}", attempt.destination,
               format_utc(pause.until), attempt.route);
}

void Delivery::Impl::destination_answered(const Attempt& attempt) {
  auto it = paused.find(attempt.destination);
  if (it == paused.end()) return;
  spdlog::info("destination {} answers again; deliveries to it resume", attempt.destination);
  paused.erase(it);
}

Result<std::optional<Instant>> Delivery::Impl::next_due() {
  if (!setup || stopped) return std::optional<Instant>{};
  const Instant now = clock.now();
  if (!unrecorded.empty()) return std::optional<Instant>{now};
  auto next = store.next_attempt_at(blocked(now));
  if (!next) return next.error();
  std::optional<Instant> due = *next;
  for (const auto& [destination, pause] : paused) {
    if (pause.probing || pause.until <= now) continue;
    if (!due || pause.until < *due) due = pause.until;
  }
  return due;
}

void Delivery::Impl::note_error(Instant now, const std::string& unit_id, const std::string& route,
                                const std::string& error) {
  stats.last_error = format_utc(now) + " " + unit_id + " " + route + ": " + error;
}

// -- Delivery ------------------------------------------------------------------

Delivery::Delivery(Store& store, Transport& transport, const Clock& clock, Post post)
    : impl_(std::make_unique<Impl>(store, transport, clock, std::move(post))) {}

Delivery::~Delivery() = default;

Status Delivery::configure(const Config& config) {
  return impl_->configure(config);
}

Result<int> Delivery::recover() {
  return impl_->store.take_back_leases();
}

Result<int> Delivery::pump() {
  return impl_->pump();
}

Result<std::optional<Instant>> Delivery::next_due() {
  return impl_->next_due();
}

void Delivery::set_on_progress(std::function<void()> on_progress) {
  impl_->on_progress = std::move(on_progress);
}

void Delivery::set_on_attempt(AttemptObserver on_attempt) {
  impl_->on_attempt = std::move(on_attempt);
}

void Delivery::stop() {
  impl_->stopped = true;
}

int Delivery::in_flight() const {
  return static_cast<int>(impl_->in_flight.size());
}

const DeliveryStats& Delivery::stats() const {
  return impl_->stats;
}

void Delivery::set_random_seed(uint64_t seed) {
  impl_->random.seed(seed);
}

}  // namespace plazo
