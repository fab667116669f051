#include "daemon/logging.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <memory>

namespace plazo {
namespace {

// Maps spdlog levels to sd-daemon(3) priority prefixes.
class JournalPriorityFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm& /*tm*/,
              spdlog::memory_buf_t& dest) override {
    static constexpr const char* kPrefix[] = {"<7>", "<7>", "<6>", "<4>", "<3>", "<2>", "<6>"};
    const auto index = static_cast<size_t>(msg.level);
    const char* prefix = index < std::size(kPrefix) ? kPrefix[index] : "<6>";
    dest.append(prefix, prefix + 3);
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<JournalPriorityFlag>();
  }
};

bool under_journal() {
  const char* journal = std::getenv("JOURNAL_STREAM");
  return journal != nullptr && *journal != '\0';
}

}  // namespace

std::string_view journal_warning_prefix() { return under_journal() ? "<4>" : ""; }
std::string_view journal_error_prefix() { return under_journal() ? "<3>" : ""; }

bool is_log_level(std::string_view level) {
  return level == "trace" || level == "debug" || level == "info" || level == "warn" ||
         level == "error" || level == "critical" || level == "off";
}

void setup_logging(std::string_view level) {
  auto logger = spdlog::get("plazo");
  if (!logger) {
    logger = spdlog::stderr_logger_mt("plazo");
    if (under_journal()) {
      auto formatter = std::make_unique<spdlog::pattern_formatter>();
      formatter->add_flag<JournalPriorityFlag>('*').set_pattern("%*%v");
      logger->set_formatter(std::move(formatter));
    } else {
      logger->set_pattern("%Y-%m-%dT%H:%M:%S%z %^%l%$ %v");
    }
    spdlog::set_default_logger(logger);
  }
  auto parsed = is_log_level(level) ? spdlog::level::from_str(std::string(level)) : spdlog::level::info;
  logger->set_level(parsed);
  logger->flush_on(spdlog::level::info);
}

}  // namespace plazo
