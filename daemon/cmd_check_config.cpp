// plazo check-config: loads the config the way the daemon would and tells the
// admin, in one pass, everything that is wrong with it.

#include <algorithm>
#include <ostream>
#include <string>

#include "config/config.h"
#include "daemon/cli.h"

namespace plazo {
namespace {

std::string count(std::size_t n, const std::string& noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

bool has_channel(const ReminderPolicy& policy, Channel channel) {
  return std::find(policy.channels.begin(), policy.channels.end(), channel) !=
         policy.channels.end();
}

// "12 units (12 by email, 5 by webhook), 2 cycles, channels email+webhook":
// what the daemon will actually do, so a config that parses but reaches
// nobody is visible at a glance.
std::string summary(const Config& config) {
  std::size_t by_email = 0;
  std::size_t by_webhook = 0;
  for (const auto& unit : config.units) {
    if (!unit.emails.empty() && has_channel(config.reminders, Channel::kEmail)) ++by_email;
    if (!unit.webhooks.empty() && has_channel(config.reminders, Channel::kWebhook)) ++by_webhook;
  }
  std::string channels;
  for (const Channel channel : config.reminders.channels) {
    if (!channels.empty()) channels += "+";
    channels += to_string(channel);
  }
  if (channels.empty()) channels = "none";
  return count(config.units.size(), "unit") + " (" + std::to_string(by_email) + " by email, " +
         std::to_string(by_webhook) + " by webhook), " + count(config.cycles.size(), "cycle") +
         ", channels " + channels;
}

}  // namespace

int cmd_check_config(const CommandContext& ctx) {
  const LoadResult result = load_config(ctx.config_path);
  for (const auto& error : result.errors) ctx.err << error.to_string() << "\n";
  for (const auto& warning : result.warnings) ctx.err << "warning: " << warning.to_string() << "\n";
  if (!result.ok()) {
    ctx.err << count(std::max<std::size_t>(result.errors.size(), 1), "error") << " in "
            << ctx.config_path << "\n";
    return kExitConfig;
  }
  ctx.out << "ok: " << ctx.config_path << ": " << summary(*result.config) << "\n";
  return kExitOk;
}

}  // namespace plazo
