#pragma once
/// \file
/// The process logger (spdlog's default logger: the one global plazo has).
/// Logs go to stderr. Under systemd (JOURNAL_STREAM set) lines carry no
/// timestamp and start with a syslog priority prefix ("<6>") so the journal
/// keeps the level.

#include <string>
#include <string_view>

namespace plazo {

/// Installs the stderr logger at `level` ("info", "debug", ...). Unknown
/// levels fall back to info. Safe to call again (e.g. after a reload).
void setup_logging(std::string_view level);
/// True when `level` is a level name setup_logging understands.
bool is_log_level(std::string_view level);
/// For the lines commands print to stderr themselves (config warnings and
/// errors): "<4>" / "<3>" under the journal, so they keep their level
/// there too, and "" in a terminal.
std::string_view journal_warning_prefix();
std::string_view journal_error_prefix();

}  // namespace plazo
