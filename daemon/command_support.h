#pragma once
/// \file
/// What every command that reads the config and the database does first:
/// load and validate the config, set up logging, open the store and copy the
/// configured units into it. Commands call open_app() and, when it returns
/// nothing, exit with the code it chose (the messages are already printed).

#include <memory>
#include <optional>

#include "config/config.h"
#include "daemon/cli.h"
#include "storage/store.h"

namespace plazo {

/// The loaded config and the open store of one command run. Owns both; the
/// store is null when open_app() was asked not to open it.
struct AppContext {
  Config config;
  std::unique_ptr<Store> store;
};

/// Loads `ctx.config_path` and, with `open_store`, opens the database
/// (`ctx.database` over the config's `daemon.database`) and syncs the
/// configured units into it. Logging is set up at `ctx.log_level`, else the
/// config's level.
///
/// On failure prints one line per problem on `ctx.err` and returns nullopt
/// with `exit_code` set: kExitConfig for config errors (each printed as
/// "file:line:col: message"), kExitUsage for an unknown --log-level,
/// kExitIoError when the database cannot be opened or written (one sentence
/// naming its path). Config warnings are printed as "warning: ..." and do not
/// fail. `exit_code` is left alone on success.
std::optional<AppContext> open_app(const CommandContext& ctx, int& exit_code,
                                   bool open_store = true);

}  // namespace plazo
