#include "daemon/cli.h"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <exception>
#include <functional>
#include <ostream>
#include <set>
#include <string_view>

namespace plazo {
namespace {

constexpr std::string_view kUsage = R"(usage: plazo COMMAND [OPTIONS]

Commands:
  run [--once] [--now 2023-11-23T08:00]    run the daemon; --once: one pass, deliver, exit;
                                           --now: the clock starts at that instant
  check-config                             validate the config, print every error
  import FILE [--plan NAME] [--year Y] [--dry-run]
                                           import a plan follow-up matrix (text, TSV, CSV)
  activities [--unit U] [--format table|json|csv]
  preview [--from DATE] [--to DATE] [--unit U] [--format table|json] [--render]
  send-test --unit U [--channel email|webhook]
  holidays YEAR                            list the closed days of a year
  progress ACTIVITY PERCENT [--note TEXT] [--as-of DATE] [--plan NAME] [--year Y]
  outbox [--status pending|dead|sent] [--format table|json|csv]
  outbox retry ID

Options for every command:
  --config PATH      config file (default $PLAZO_CONFIG, else /etc/plazo/plazo.toml)
  --database PATH    SQLite database (default $PLAZO_DATABASE, else the config's)
  --log-level LEVEL  trace, debug, info, warn, error (default: the config's)
  -h, --help         this help
  --version          print the version

Exit codes:
  0   success
  1   the command ran and reports a failure (e.g. a test message not delivered)
  64  bad command line
  65  input file unusable (import)
  69  not available now (e.g. another plazo run delivers from the database)
  70  internal error
  74  database or file I/O error
  78  configuration error
)";

// Options that take a value; everything else starting with -- is a flag.
const std::set<std::string, std::less<>> kValueOptions = {
    "--config", "--database", "--log-level", "--now",  "--plan",   "--year",  "--unit",
    "--format", "--from",     "--to",        "--note", "--as-of",  "--channel", "--status",
};
const std::set<std::string, std::less<>> kFlagOptions = {"--once", "--dry-run", "--render"};

using CommandFn = int (*)(const CommandContext&);
struct CommandEntry {
  std::string_view name;
  CommandFn fn;
};
constexpr CommandEntry kCommands[] = {
    {"run", cmd_run},           {"check-config", cmd_check_config}, {"import", cmd_import},
    {"activities", cmd_activities}, {"preview", cmd_preview},     {"send-test", cmd_send_test},
    {"holidays", cmd_holidays}, {"progress", cmd_progress},         {"outbox", cmd_outbox},
};

}  // namespace

std::optional<std::string> CommandLine::get(const std::string& option) const {
  auto it = options.find(option);
  if (it == options.end()) return std::nullopt;
  return it->second;
}

int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  CommandLine line;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      out << kUsage;
      return kExitOk;
    }
    if (arg == "--version") {
      out << "plazo " << PLAZO_VERSION << "\n";
      return kExitOk;
    }
    if (arg.rfind("--", 0) == 0 && arg.size() > 2) {
      std::string value;
      bool has_inline_value = false;
      if (auto eq = arg.find('='); eq != std::string::npos) {
        value = arg.substr(eq + 1);
        arg = arg.substr(0, eq);
        has_inline_value = true;
      }
      if (kValueOptions.count(arg) != 0) {
        if (!has_inline_value) {
          if (i + 1 >= argc) {
            err << "plazo: option " << arg << " needs a value (see plazo --help)\n";
            return kExitUsage;
          }
          value = argv[++i];
        }
        line.options[arg] = value;
      } else if (kFlagOptions.count(arg) != 0 && !has_inline_value) {
        line.options[arg] = "";
      } else {
        err << "plazo: unknown option " << arg << " (see plazo --help)\n";
        return kExitUsage;
      }
      continue;
    }
    if (line.command.empty()) {
      line.command = arg;
    } else {
      line.positional.push_back(arg);
    }
  }
  if (line.command.empty()) {
    err << kUsage;
    return kExitUsage;
  }

  CommandFn fn = nullptr;
  for (const auto& entry : kCommands) {
    if (entry.name == line.command) fn = entry.fn;
  }
  if (fn == nullptr) {
    err << "plazo: unknown command \"" << line.command << "\" (see plazo --help)\n";
    return kExitUsage;
  }

  std::string config_path = "/etc/plazo/plazo.toml";
  if (const char* env = std::getenv("PLAZO_CONFIG"); env != nullptr && *env != '\0') config_path = env;
  if (auto opt = line.get("--config")) config_path = *opt;
  std::optional<std::string> database;
  if (const char* env = std::getenv("PLAZO_DATABASE"); env != nullptr && *env != '\0') database = env;
  if (auto opt = line.get("--database")) database = *opt;

  CommandContext ctx{line, config_path, database, line.get("--log-level"), out, err};
  try {
    return fn(ctx);
  } catch (const std::exception& e) {
    err << "plazo: internal error: " << e.what() << "\n";
    return kExitSoftware;
  }
}

}  // namespace plazo
