#include "daemon/command_support.h"

#include <ostream>

#include "daemon/logging.h"
#include "storage/sqlite_store.h"

namespace plazo {

std::optional<AppContext> open_app(const CommandContext& ctx, int& exit_code, bool open_store) {
  // A bad --log-level is a command-line mistake: say so before reading files.
  if (ctx.log_level && !is_log_level(*ctx.log_level)) {
    ctx.err << "plazo: unknown log level \"" << *ctx.log_level
            << "\" (use trace, debug, info, warn, error, critical or off).\n";
    exit_code = kExitUsage;
    return std::nullopt;
  }

  LoadResult loaded = load_config(ctx.config_path);
  for (const auto& warning : loaded.warnings) {
    ctx.err << journal_warning_prefix() << "warning: " << warning.to_string() << "\n";
  }
  if (!loaded.ok()) {
    for (const auto& error : loaded.errors) {
      ctx.err << journal_error_prefix() << error.to_string() << "\n";
    }
    if (loaded.errors.empty()) ctx.err << ctx.config_path << ": the config could not be loaded.\n";
    exit_code = kExitConfig;
    return std::nullopt;
  }

  AppContext app{std::move(*loaded.config), nullptr};
  setup_logging(ctx.log_level.value_or(app.config.daemon.log_level));
  if (!open_store) return app;

  const std::string path = ctx.database.value_or(app.config.daemon.database);
  auto store = SqliteStore::open(path);
  if (!store) {
    ctx.err << "plazo: " << store.error().message << "\n";
    exit_code = kExitIoError;
    return std::nullopt;
  }
  if (auto status = (*store)->sync_units(app.config.units); !status) {
    ctx.err << "plazo: " << status.error().message << "\n";
    exit_code = kExitIoError;
    return std::nullopt;
  }
  app.store = std::move(store).value();
  return app;
}

}  // namespace plazo
