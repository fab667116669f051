// plazo import FILE [--plan NAME] [--year Y] [--dry-run]: reads a plan
// follow-up matrix and upserts its activities and progress in one
// transaction. The database is opened only once the file is known to be a
// matrix (the parser hands over its first activity), so a file that is not
// one leaves the database untouched; the activities then stream into the
// transaction, which commits only after the last one.

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "daemon/cli.h"
#include "daemon/command_support.h"
#include "domain/model.h"
#include "importer/matrix.h"
#include "storage/sqlite_store.h"

namespace plazo {
namespace {

std::string count_of(int64_t n, std::string_view singular, std::string_view plural) {
  return std::to_string(n) + " " + std::string(n == 1 ? singular : plural);
}

std::optional<int> parse_year(std::string_view text) {
  if (text.size() != 4) return std::nullopt;
  int year = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    year = year * 10 + (c - '0');
  }
  if (year < 1900) return std::nullopt;
  return year;
}

// "warning: FILE:LINE: activity N: message", leaving out what is unknown.
void print_warning(std::ostream& err, const std::string& file, const ImportWarning& warning) {
  err << "warning: " << file;
  if (warning.line > 0) err << ":" << warning.line;
  err << ": ";
  if (!warning.activity.empty()) err << "activity " << warning.activity << ": ";
  err << warning.message << "\n";
}

std::string summary_line(const std::string& file, const MatrixSummary& matrix,
                         const ImportSummary& summary, bool dry_run) {
  const std::string plan = plan_label(matrix.plan, matrix.year);
  const std::string warnings =
      count_of(static_cast<int64_t>(matrix.warnings.size()), "warning", "warnings");
  std::string line = dry_run ? "dry run, nothing written: " : "";
  if (!summary.changed()) {
    return line + plan + " is up to date: " + std::to_string(summary.unchanged) + " unchanged, " +
           warnings;
  }
  line += dry_run ? "importing " + plan + " from " + file + " would give "
                  : "imported " + plan + " from " + file + ": ";
  line += std::to_string(summary.added) + " added, " + std::to_string(summary.updated) +
          " updated, " + std::to_string(summary.unchanged) + " unchanged, " +
          count_of(summary.progress_added, "progress entry", "progress entries") + ", " + warnings;
  return line;
}

}  // namespace

int cmd_import(const CommandContext& ctx) {
  if (ctx.line.positional.size() != 1) {
    ctx.err << "plazo: import needs exactly one FILE (see plazo --help)\n";
    return kExitUsage;
  }
  const std::string& file = ctx.line.positional.front();
  ImportOptions options;
  if (auto plan = ctx.line.get("--plan")) {
    if (plan->empty()) {
      ctx.err << "plazo: --plan needs a name, such as PAAC\n";
      return kExitUsage;
    }
    options.plan = *plan;
  }
  if (auto year_text = ctx.line.get("--year")) {
    options.year = parse_year(*year_text);
    if (!options.year) {
      ctx.err << "plazo: --year needs a four-digit year such as 2023, not \"" << *year_text
              << "\"\n";
      return kExitUsage;
    }
  }
  const bool dry_run = ctx.line.has("--dry-run");

  int exit_code = kExitOk;
  auto app = open_app(ctx, exit_code, /*open_store=*/false);
  if (!app) return exit_code;
  options.units = app->config.units;

  std::ifstream in(file, std::ios::binary);
  if (!in) {
    ctx.err << "plazo: cannot read " << file << ": " << std::strerror(errno) << "\n";
    return kExitIoError;
  }
  MatrixParser parser(std::move(options));
  std::string buffer(1 << 18, '\0');
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const auto got = static_cast<size_t>(in.gcount());
    if (got == 0) break;
    if (Status status = parser.feed(std::string_view(buffer.data(), got)); !status) {
      ctx.err << "plazo: " << file << ": " << status.error().message << "\n";
      return kExitDataError;
    }
  }
  if (in.bad()) {
    ctx.err << "plazo: cannot read " << file << ": " << std::strerror(errno) << "\n";
    return kExitIoError;
  }
  // The store is opened when the parser hands over the first activity,
  // that is once the file is known to be a matrix; the activities then go
  // straight into the import's transaction, one at a time.
  const std::string database = ctx.database.value_or(app->config.daemon.database);
  std::unique_ptr<SqliteStore> store;
  std::unique_ptr<PlanImport> plan_import;
  std::optional<Error> store_error;
  auto to_store = [&](ImportedActivity& activity) -> Status {
    if (!plan_import) {
      auto opened = SqliteStore::open(database);
      if (!opened) return store_error.emplace(opened.error());
      store = std::move(opened).value();
      if (Status synced = store->sync_units(app->config.units); !synced) {
        return store_error.emplace(synced.error());
      }
      auto begun = store->begin_import(activity.activity.plan, activity.activity.year, dry_run);
      if (!begun) return store_error.emplace(begun.error());
      plan_import = std::move(begun).value();
    }
    Status added = plan_import->add(activity);
    if (!added) store_error = added.error();
    return added;
  };
  auto matrix = parser.finish(to_store);
  if (matrix) {
    for (const auto& warning : matrix->warnings) print_warning(ctx.err, file, warning);
  }
  if (store_error) {
    ctx.err << "plazo: the import of " << file
            << " failed and nothing was written: " << store_error->message << "\n";
    return kExitIoError;
  }
  if (!matrix) {
    ctx.err << "plazo: " << file << ": " << matrix.error().message << "\n";
    return kExitDataError;
  }
  auto summary = plan_import->finish();
  if (!summary) {
    ctx.err << "plazo: the import of " << file
            << " failed and nothing was written: " << summary.error().message << "\n";
    return kExitIoError;
  }
  ctx.out << summary_line(file, *matrix, *summary, dry_run) << "\n";
  return kExitOk;
}

}  // namespace plazo
