#pragma once
/// \file
/// The `plazo` command line: global options, subcommand dispatch, exit codes.
/// main() only calls run_cli(); every command is a function of a
/// CommandContext so tests can run it in-process.

#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace plazo {

/// Documented exit codes (sysexits.h values where one fits).
enum ExitCode : int {
  kExitOk = 0,
  kExitFailure = 1,       ///< the command ran and reports a failure (e.g. send-test)
  kExitUsage = 64,        ///< bad command line
  kExitDataError = 65,    ///< input file unusable (import)
  kExitUnavailable = 69,  ///< not available now (database held by another run, port taken)
  kExitSoftware = 70,     ///< internal error (a bug)
  kExitIoError = 74,      ///< database or file I/O failed
  kExitConfig = 78,       ///< configuration error
};

/// Parsed command line of one subcommand.
struct CommandLine {
  std::string command;                          ///< "check-config", ...
  std::vector<std::string> positional;          ///< arguments after the command
  std::map<std::string, std::string> options;   ///< "--plan" -> "PAAC"; flags -> ""

  bool has(const std::string& option) const { return options.count(option) > 0; }
  /// The option's value, or nullopt when absent.
  std::optional<std::string> get(const std::string& option) const;
};

/// Everything a command needs from its caller.
struct CommandContext {
  CommandLine line;
  std::string config_path;                ///< --config, $PLAZO_CONFIG or the default
  std::optional<std::string> database;    ///< --database or $PLAZO_DATABASE (over the config's)
  std::optional<std::string> log_level;   ///< --log-level
  std::ostream& out;
  std::ostream& err;
};

/// Runs the command line; returns the process exit code. Never throws.
int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

// One function per subcommand, each in daemon/cmd_<name>.cpp.
int cmd_check_config(const CommandContext& ctx);
int cmd_import(const CommandContext& ctx);
int cmd_activities(const CommandContext& ctx);
int cmd_progress(const CommandContext& ctx);
int cmd_preview(const CommandContext& ctx);
int cmd_run(const CommandContext& ctx);
int cmd_send_test(const CommandContext& ctx);
int cmd_holidays(const CommandContext& ctx);
int cmd_outbox(const CommandContext& ctx);

}  // namespace plazo
