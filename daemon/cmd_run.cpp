// plazo run: the daemon. With --once, one scheduling pass at "now" (or
// --now), its messages written to the outbox, then exit.
#include <spdlog/spdlog.h>

#include <ostream>

#include "daemon/cli.h"
#include "daemon/command_support.h"
#include "daemon/scheduling.h"
#include "domain/clock.h"

namespace plazo {

int cmd_run(const CommandContext& ctx) {
  if (!ctx.line.has("--once")) {
    ctx.err << "plazo: the long-running daemon is not implemented yet; use plazo run --once\n";
    return kExitUnavailable;
  }
  int exit_code = kExitOk;
  auto app = open_app(ctx, exit_code);
  if (!app) return exit_code;
  auto scheduler = make_scheduler(app->config);
  if (!scheduler) {
    ctx.err << "plazo: " << scheduler.error().message << "\n";
    return kExitConfig;
  }
  Instant now = SystemClock().now();
  if (auto text = ctx.line.get("--now")) {
    auto parsed = scheduler->zone().parse_local(*text);
    if (!parsed) {
      ctx.err << "plazo: --now must be a local time like 2023-11-23T08:00, not \"" << *text << "\"\n";
      return kExitUsage;
    }
    now = *parsed;
  }

  auto summary = run_pass(*scheduler, *app->store, now);
  if (!summary) {
    ctx.err << "plazo: scheduling pass failed: " << summary.error().message << "\n";
    return kExitIoError;
  }
  ctx.out << "pass at " << scheduler->zone().format_rfc3339(now) << ": " << summary->due
          << " messages due"
          << (summary->day ? " for " + format_iso_date(*summary->day) : std::string()) << ", "
          << summary->enqueued << " new in the outbox, " << summary->skipped.size()
          << " days skipped\n";
  // Delivery of the outbox arrives with the delivery layer; until then the
  // messages wait there.
  return kExitOk;
}

}  // namespace plazo
