// Fuzzes the config loader on TOML text (load_config_from_string), as
// `plazo check-config` and a SIGHUP reload read /etc/plazo/plazo.toml.
// Beyond "no crash, no sanitizer report, no exception" it checks what
// config/config.h promises: errors and warnings in file order with line 0
// last, a Config exactly when there is no error, and the guarantees of a
// loaded Config (absolute paths, unique slugs, known references, sorted
// cutoffs, a zone that resolves).
//
// The file is taken to live in a scratch directory made once per process,
// holding what the seeds name by relative path (`secret` with mode 0600,
// `open-secret` with 0644, `ca.pem`, `templates/`), so the file checks are
// reached on both their sides.
//
// Seeds: fuzz/corpus/config/ (the example configs and variants using every
// table).

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <string_view>

#include "config/config.h"
#include "domain/timezone.h"
#include "fuzz/fuzz_support.h"

namespace {

namespace fs = std::filesystem;

std::string scratch_dir;

void write_file(const std::string& path, std::string_view text, mode_t mode) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, mode);
  if (fd < 0) plazo::fuzz::fail("cannot create " + path);
  if (::write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    plazo::fuzz::fail("cannot write " + path);
  }
  ::close(fd);
  ::chmod(path.c_str(), mode);  // the umask must not decide the secret checks
}

void remove_scratch_dir() {
  std::error_code ignored;
  if (!scratch_dir.empty()) fs::remove_all(scratch_dir, ignored);
}

// `a` comes before `b` as config.h orders problems: by line and column,
// line 0 last.
bool in_order(const plazo::ConfigError& a, const plazo::ConfigError& b) {
  if ((a.line == 0) != (b.line == 0)) return a.line != 0;
  if (a.line != b.line) return a.line < b.line;
  return a.line == 0 || a.column <= b.column;
}

std::string lines(const plazo::LoadResult& result) {
  std::string out;
  for (const auto& e : result.errors) out += "error " + e.to_string() + "\n";
  for (const auto& w : result.warnings) out += "warning " + w.to_string() + "\n";
  return out;
}

// URL schemes ignore case (RFC 3986), and so do the loader and curl.
bool has_http_scheme(std::string_view url) {
  const size_t separator = url.find("://");
  if (separator == std::string_view::npos) return false;
  std::string scheme(url.substr(0, separator));
  for (char& c : scheme) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return scheme == "http" || scheme == "https";
}

bool absolute_or_empty(const std::string& path) {
  return path.empty() || fs::path(path).is_absolute();
}

void check_loaded(const plazo::Config& config, const std::string& problems) {
  for (const std::string* path : {&config.daemon.database, &config.email.password_file,
                                  &config.email.ca_file, &config.templates.dir}) {
    PLAZO_FUZZ_CHECK(absolute_or_empty(*path), "relative path " + *path + "\n" + problems);
  }
  for (const auto& [name, webhook] : config.webhooks) {
    PLAZO_FUZZ_CHECK(webhook.name == name, name);
    PLAZO_FUZZ_CHECK(has_http_scheme(webhook.url), webhook.url);
    PLAZO_FUZZ_CHECK(absolute_or_empty(webhook.secret_file) && absolute_or_empty(webhook.ca_file),
                     name);
  }
  PLAZO_FUZZ_CHECK(plazo::TimeZone::locate(config.daemon.timezone).ok(), config.daemon.timezone);
  if (config.health.listen.empty()) {
    PLAZO_FUZZ_CHECK(config.health.host.empty() && config.health.port == 0, problems);
  } else {
    PLAZO_FUZZ_CHECK(!config.health.host.empty(), config.health.listen);
  }

  std::set<std::string> ids;
  for (const auto& unit : config.units) {
    PLAZO_FUZZ_CHECK(!unit.id.empty() && !unit.name.empty(), unit.id);
    PLAZO_FUZZ_CHECK(std::all_of(unit.id.begin(), unit.id.end(),
                                 [](char c) {
                                   return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                                          c == '-' || c == '_';
                                 }),
                     "not a slug: " + unit.id);
    PLAZO_FUZZ_CHECK(ids.insert(unit.id).second, "duplicate unit id " + unit.id);
    for (const auto& hook : unit.webhooks) {
      PLAZO_FUZZ_CHECK(config.webhooks.contains(hook), "unknown webhook " + hook);
    }
  }
  for (const auto& cycle : config.cycles) {
    PLAZO_FUZZ_CHECK(!cycle.cutoffs.empty(), cycle.name);
    for (size_t i = 1; i < cycle.cutoffs.size(); ++i) {
      PLAZO_FUZZ_CHECK(cycle.cutoffs[i - 1] < cycle.cutoffs[i], "cutoffs of " + cycle.name);
    }
    PLAZO_FUZZ_CHECK(cycle.publisher.empty() || config.find_unit(cycle.publisher) != nullptr,
                     cycle.publisher);
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  std::string pattern = fs::temp_directory_path().string() + "/plazo-fuzz-config-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) plazo::fuzz::fail("cannot create a scratch directory");
  scratch_dir = pattern;
  std::atexit(remove_scratch_dir);
  write_file(scratch_dir + "/secret", "s3cret\n", 0600);
  write_file(scratch_dir + "/open-secret", "s3cret\n", 0644);
  write_file(scratch_dir + "/ca.pem", "-----BEGIN CERTIFICATE-----\n", 0644);
  fs::create_directory(scratch_dir + "/templates");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::string path = scratch_dir + "/plazo.toml";
  const plazo::LoadResult result = plazo::load_config_from_string(text, path);
  const std::string problems = lines(result);

  PLAZO_FUZZ_CHECK(result.config.has_value() == result.errors.empty(), problems);
  PLAZO_FUZZ_CHECK(result.ok() == result.errors.empty(), problems);
  for (const auto* list : {&result.errors, &result.warnings}) {
    for (size_t i = 0; i < list->size(); ++i) {
      const plazo::ConfigError& e = (*list)[i];
      PLAZO_FUZZ_CHECK(e.file == path && !e.message.empty(), problems);
      PLAZO_FUZZ_CHECK(e.line >= 0 && e.column >= 0, problems);
      if (i > 0) PLAZO_FUZZ_CHECK(in_order((*list)[i - 1], e), "out of order\n" + problems);
    }
  }
  // The loader's last-resort catch is for allocation failures: anything
  // else it catches is a bug (an exception from plazo's own code) that the
  // admin would see as "cannot load the file".
  for (const auto& e : result.errors) {
    if (e.message.rfind("cannot load the file: ", 0) == 0) {
      PLAZO_FUZZ_CHECK(e.message.find("bad_alloc") != std::string::npos,
                       "an exception escaped the checks\n" + problems);
    }
  }
  if (result.config) {
    PLAZO_FUZZ_CHECK(result.config->path == path, result.config->path);
    check_loaded(*result.config, problems);
  }
  return 0;
}
