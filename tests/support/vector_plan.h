#pragma once
/// \file
/// A PlanReader over activities held in memory, for scheduler tests.

#include <algorithm>
#include <set>
#include <vector>

#include "domain/scheduler.h"

namespace plazo::testing {

class VectorPlan final : public PlanReader {
 public:
  std::vector<Activity> activities;
  int queries = 0;  ///< calls to the activity queries (not open_deadlines)

  Result<std::vector<Date>> open_deadlines() override {
    std::set<Date> days;
    for (const auto& a : activities) {
      if (!a.done() && a.deadline) days.insert(*a.deadline);
    }
    return std::vector<Date>(days.begin(), days.end());
  }
  Status each_open_activity_due(const std::vector<Date>& deadlines,
                                const ActivityVisitor& visit) override {
    ++queries;
    for (const auto& a : activities) {
      if (a.done() || !a.deadline ||
          std::find(deadlines.begin(), deadlines.end(), *a.deadline) == deadlines.end()) {
        continue;
      }
      if (auto visited = visit(a); !visited) return visited;
    }
    return {};
  }
  Status each_open_activity_of_year(int year, const std::optional<std::vector<std::string>>& numbers,
                                    const ActivityVisitor& visit) override {
    ++queries;
    for (const auto& a : activities) {
      if (a.done() || a.year != year) continue;
      if (numbers && std::find(numbers->begin(), numbers->end(), a.number) == numbers->end()) continue;
      if (auto visited = visit(a); !visited) return visited;
    }
    return {};
  }
};

}  // namespace plazo::testing
