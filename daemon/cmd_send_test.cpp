// plazo send-test --unit U [--channel email|webhook]
//
// Sends one clearly marked test message to a unit, straight through a
// CurlTransport (not the outbox: nothing is stored, nothing is retried), and
// prints what became of it, one line per delivery (a unit with two webhooks
// gets one message on each). Exit 0 when every delivery was accepted, 1 when
// one failed, 64 for an unknown unit or a channel the unit does not have,
// 78 for a config problem.
#include <fmt/format.h>

#include <future>
#include <ostream>
#include <string>
#include <vector>

#include "daemon/cli.h"
#include "daemon/command_support.h"
#include "domain/clock.h"
#include "domain/timezone.h"
#include "notifiers/curl_transport.h"
#include "notifiers/email.h"
#include "notifiers/secret.h"
#include "notifiers/templates.h"
#include "notifiers/webhook.h"

namespace plazo {
namespace {

struct TestDelivery {
  std::string route;  // "email" or "webhook planeacion-teams"
  DeliveryJob job;
};

std::string escape_html(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// The words of the test message, in Spanish like every message plazo sends.
RenderedMessage test_words(const Unit& unit, const std::string& how, Instant now,
                           const TimeZone& zone) {
  const auto minutes = zone.local_time_of_day(now).count();
  const std::string when =
      fmt::format("{} a las {:02}:{:02} ({})", spanish_date(zone.local_day(now)), minutes / 60,
                  minutes % 60, zone.name());
  const std::string works =
      "Si lo recibe, el envío por " + how + " funciona. No requiere ninguna acción.";
  RenderedMessage words;
  words.subject = "[PRUEBA] plazo: mensaje de prueba para " + unit.name;
  words.text = "Este es un mensaje de prueba de plazo para " + unit.name + ".\n\n" + works +
               "\n\nEnviado el " + when + ".\n";
  words.html =
      "<!DOCTYPE html>\n<html lang=\"es\"><body>\n<p>Este es un <strong>mensaje de "
      "prueba</strong> de plazo para " +
      escape_html(unit.name) + ".</p>\n<p>" + escape_html(works) + "</p>\n<p>Enviado el " +
      escape_html(when) + ".</p>\n</body></html>\n";
  // Chat presets show the subject and the sections: say it there too.
  words.sections.push_back({ItemKind::kToday, "Mensaje de prueba", works, {}});
  return words;
}

Message test_message(const Unit& unit, Channel channel, const std::string& target, Instant now,
                     const TimeZone& zone) {
  Message message;
  message.at = now;
  message.day = zone.local_day(now);
  message.unit_id = unit.id;
  message.channel = channel;
  message.target = target;
  // Its own key each time: a receiver that dedupes must not drop a second test.
  message.key = fmt::format("prueba-{}-{}", unit.id, now.time_since_epoch().count());
  return message;
}

std::string known_units(const Config& config) {
  std::string known;
  for (const auto& unit : config.units) known += (known.empty() ? "" : ", ") + unit.id;
  return known.empty() ? "none" : known;
}

}  // namespace

int cmd_send_test(const CommandContext& ctx) {
  if (!ctx.line.positional.empty()) {
    ctx.err << "plazo: send-test takes no arguments (got \"" << ctx.line.positional.front()
            << "\"); see plazo --help.\n";
    return kExitUsage;
  }
  const auto unit_id = ctx.line.get("--unit");
  if (!unit_id || unit_id->empty()) {
    ctx.err << "plazo: send-test needs --unit U (the id of a configured unit).\n";
    return kExitUsage;
  }
  std::optional<Channel> channel;
  if (auto text = ctx.line.get("--channel")) {
    channel = parse_channel(*text);
    if (!channel) {
      ctx.err << "plazo: unknown channel \"" << *text << "\" (use email or webhook).\n";
      return kExitUsage;
    }
  }
  int exit_code = kExitOk;
  auto app = open_app(ctx, exit_code, /*open_store=*/false);
  if (!app) return exit_code;
  const Config& config = app->config;
  const Unit* unit = config.find_unit(*unit_id);
  if (unit == nullptr) {
    ctx.err << "plazo: unknown unit \"" << *unit_id
            << "\" (configured units: " << known_units(config) << ").\n";
    return kExitUsage;
  }
  auto zone = TimeZone::locate(config.daemon.timezone);
  if (!zone) {
    ctx.err << "plazo: " << zone.error().message << "\n";
    return kExitConfig;
  }
  if (!channel) {
    if (!unit->emails.empty() && !config.email.url.empty()) {
      channel = Channel::kEmail;
    } else if (!unit->webhooks.empty()) {
      channel = Channel::kWebhook;
    } else {
      ctx.err << "plazo: unit \"" << unit->id
              << "\" has no email addresses (with an [email] relay) and no webhooks.\n";
      return kExitConfig;
    }
  }

  const Instant now = SystemClock().now();
  std::vector<TestDelivery> deliveries;
  if (*channel == Channel::kEmail) {
    if (unit->emails.empty()) {
      ctx.err << "plazo: unit \"" << unit->id << "\" has no email addresses.\n";
      return kExitUsage;
    }
    if (config.email.url.empty()) {
      ctx.err << "plazo: " << config.path << ": no email relay is configured ([email] url).\n";
      return kExitConfig;
    }
    const Message message = test_message(*unit, Channel::kEmail, "", now, *zone);
    const RenderedMessage words = test_words(*unit, "correo electrónico", now, *zone);
    deliveries.push_back(
        {"email", EmailJob{build_email(words, message, *unit, config.email, now), config.email}});
  } else {
    if (unit->webhooks.empty()) {
      ctx.err << "plazo: unit \"" << unit->id << "\" has no webhooks.\n";
      return kExitUsage;
    }
    for (const auto& name : unit->webhooks) {
      auto webhook = config.webhooks.find(name);
      if (webhook == config.webhooks.end()) {
        ctx.err << "plazo: " << config.path << ": webhook \"" << name << "\" is not configured.\n";
        return kExitConfig;
      }
      std::string secret;
      if (!webhook->second.secret_file.empty()) {
        auto read = read_secret_file(webhook->second.secret_file);
        if (!read) {
          ctx.err << "plazo: webhook \"" << name << "\": " << read.error().message << "\n";
          return kExitConfig;
        }
        secret = std::move(read).value();
      }
      const Message message = test_message(*unit, Channel::kWebhook, name, now, *zone);
      const RenderedMessage words = test_words(*unit, "el webhook " + name, now, *zone);
      deliveries.push_back({"webhook " + name, build_webhook(words, message, *unit, webhook->second,
                                                             config.links, secret, now, *zone)});
    }
  }

  CurlTransport::Options options;
  options.max_concurrent = 1;
  auto transport = CurlTransport::create(options);
  if (!transport) {
    ctx.err << "plazo: " << transport.error().message << "\n";
    return kExitSoftware;
  }
  bool all_sent = true;
  for (auto& delivery : deliveries) {
    std::promise<DeliveryOutcome> promise;
    auto answer = promise.get_future();
    (*transport)->submit(std::move(delivery.job), [&promise](DeliveryOutcome outcome) {
      promise.set_value(outcome);
    });
    // The job's own timeout bounds this wait: the transport always answers.
    const DeliveryOutcome outcome = answer.get();
    if (outcome.status == DeliveryStatus::kSent) {
      ctx.out << "sent to " << unit->id << " by " << delivery.route << " (" << outcome.code
              << ")\n";
    } else {
      all_sent = false;
      ctx.err << "failed: " << unit->id << " by " << delivery.route << ": " << outcome.error
              << "\n";
    }
  }
  (*transport)->shutdown();
  return all_sent ? kExitOk : kExitFailure;
}

}  // namespace plazo
