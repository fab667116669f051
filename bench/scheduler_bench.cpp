// Scheduling pass over a large plan (issue: 1,000,000 activities, 10,000 due
// on one day). Two steps, so the measured process never held the import:
//   scheduler_bench populate DB [N]   writes N activities (default 1,000,000)
//   scheduler_bench measure DB        times one pass and the next wake-up
// Prints: activities, due messages/items, pass seconds, next-wakeup ms, peak RSS.
#include <cstdio>
#include <iostream>
#include <string>

#include "bench/bench_util.h"
#include "daemon/scheduling.h"
#include "storage/sqlite_store.h"

namespace plazo {
namespace {

const char* kUnits[] = {"planeacion", "evaluacion", "general", "tic",      "educacion", "juridica",
                        "gobierno",   "familia",    "hacienda", "comunicaciones", "participacion",
                        "servicios-administrativos"};

std::vector<Unit> bench_units() {
  std::vector<Unit> units;
  for (const char* id : kUnits) {
    Unit unit;
    unit.id = id;
    unit.name = std::string("Unidad ") + id;
    unit.emails = {std::string(id) + "@example.org"};
    unit.oversight = std::string(id) == "evaluacion";
    units.push_back(unit);
  }
  return units;
}

// 10,000 activities due 2023-11-30 (their "today" reminder on the measured
// day); the rest due in 2025-2026, far from any reminder in November 2023.
int populate(const std::string& path, int count) {
  auto store = SqliteStore::open(path);
  if (!store) {
    std::cerr << store.error().message << "\n";
    return 1;
  }
  if (auto s = (*store)->sync_units(bench_units()); !s) {
    std::cerr << s.error().message << "\n";
    return 1;
  }
  constexpr int kPerPlan = 50000;
  const Date due_day = *parse_iso_date("2023-11-30");
  const Date far = *parse_iso_date("2025-01-01");
  for (int start = 0, plan = 0; start < count; start += kPerPlan, ++plan) {
    std::vector<ImportedActivity> batch;
    for (int i = start; i < std::min(count, start + kPerPlan); ++i) {
      ImportedActivity imported;
      Activity& a = imported.activity;
      a.number = std::to_string(i / 100 + 1) + "." + std::to_string(i % 100 + 1);
      a.title = "Actividad de referencia " + std::to_string(i);
      a.deliverable = "Informe publicado";
      a.responsible = {kUnits[i % 12]};
      a.periods = {1, 2, 3};
      a.deadline = i < 10000 ? due_day : far + date::days{i % 600};
      a.progress = Progress{*parse_iso_date("2023-08-31"), 50, "avance"};
      imported.history = {*a.progress};
      batch.push_back(std::move(imported));
    }
    auto summary = (*store)->apply_import("BENCH" + std::to_string(plan), 2023, batch, false);
    if (!summary) {
      std::cerr << summary.error().message << "\n";
      return 1;
    }
  }
  std::printf("populated=%d peak_rss_mb=%.1f\n", count, bench::peak_rss_mb());
  return 0;
}

int measure(const std::string& path) {
  auto store = SqliteStore::open(path);
  if (!store) {
    std::cerr << store.error().message << "\n";
    return 1;
  }
  Config config;
  config.units = bench_units();
  config.reminders.channels = {Channel::kEmail};
  auto scheduler = make_scheduler(config);
  if (!scheduler) return 1;
  StorePlanReader plan(**store);
  const Date day = *parse_iso_date("2023-11-30");

  auto start = std::chrono::steady_clock::now();
  auto messages = scheduler->messages_on(day, plan);
  const double pass_seconds = bench::seconds_since(start);
  if (!messages) {
    std::cerr << messages.error().message << "\n";
    return 1;
  }
  size_t items = 0;
  for (const auto& m : *messages) items += m.items.size();

  start = std::chrono::steady_clock::now();
  constexpr int kWakeups = 20;
  Instant after = scheduler->send_instant(day);
  std::optional<Instant> next;
  for (int i = 0; i < kWakeups; ++i) {
    auto wake = scheduler->next_wakeup(after, plan);
    if (!wake) return 1;
    next = *wake;
  }
  const double wakeup_ms = bench::seconds_since(start) * 1000 / kWakeups;
  std::printf(
      "day=2023-11-30 messages=%zu items=%zu pass_seconds=%.3f next_wakeup_ms=%.3f next=%s "
      "peak_rss_mb=%.1f\n",
      messages->size(), items, pass_seconds, wakeup_ms,
      next ? scheduler->zone().format_rfc3339(*next).c_str() : "none",
      bench::peak_rss_mb());
  return 0;
}

}  // namespace
}  // namespace plazo

int main(int argc, char** argv) {
  if (argc >= 3 && std::string(argv[1]) == "populate") {
    return plazo::populate(argv[2], argc >= 4 ? std::stoi(argv[3]) : 1000000);
  }
  if (argc >= 3 && std::string(argv[1]) == "measure") return plazo::measure(argv[2]);
  std::cerr << "usage: scheduler_bench populate DB [N] | measure DB\n";
  return 64;
}
