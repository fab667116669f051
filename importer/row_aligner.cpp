#include "importer/row_aligner.h"

#include <array>
#include <limits>

namespace plazo {
namespace {

// Costs are in tenths. A cell's fit to a column, by column field (rows) and
// cell kind (columns: empty, number, date, mark, percent, unit, text). The
// anchors (numbers, dates, marks, percentages, unit names) are cheap only in
// their own columns, so a shifted row costs less realigned than read as is.
constexpr int kFields = 15;
constexpr int kKinds = 7;
constexpr std::array<std::array<int, kKinds>, kFields> kFit = {{
    // empty number date mark percent unit text
    {80, 0, 100, 100, 100, 100, 100},  // number
    {0, 50, 60, 60, 40, 30, 0},        // component
    {0, 50, 60, 60, 40, 30, 0},        // subcomponent
    {20, 50, 60, 60, 40, 30, 0},       // title
    {5, 40, 50, 60, 10, 30, 0},        // deliverable
    {5, 40, 50, 60, 10, 30, 0},        // indicator
    {5, 40, 50, 60, 5, 30, 0},         // goal ("100%" is a fair goal)
    {0, 80, 80, 80, 80, 0, 10},        // responsible (unknown names are text)
    {0, 80, 80, 80, 80, 0, 10},        // co-responsible
    {0, 80, 80, 0, 80, 80, 60},        // period
    {10, 80, 0, 80, 80, 80, 60},       // deadline
    {0, 40, 40, 60, 3, 20, 0},         // follow-up text (a percentage here is sorted out later)
    {0, 40, 40, 60, 0, 20, 3},         // follow-up percent
    {0, 20, 20, 20, 5, 5, 0},          // other
    {0, 40, 40, 40, 20, 20, 20},       // unnamed
}};
constexpr int kSkipMiddle = 30;       // a column with no cell, cells still to come
constexpr int kSkipMiddleLoose = 10;  // same, for a column plazo does not use
constexpr int kSkipTrailing = 5;      // the row ends before this column
constexpr int kExtraEmpty = 10;       // an empty cell that belongs to no column
constexpr int kExtraUnit = 20;        // a unit name spilling out of the unit columns
constexpr int kExtraOther = 60;       // any other cell that belongs to no column
constexpr int kInfinity = std::numeric_limits<int>::max() / 4;

int fit(Field field, CellKind kind) {
  return kFit[static_cast<size_t>(field)][static_cast<size_t>(kind)];
}

bool loose(Field field) {
  return field == Field::kOther || field == Field::kUnnamed;
}

int skip_cost(Field field, bool trailing) {
  if (trailing) return loose(field) ? 0 : kSkipTrailing;
  return loose(field) ? kSkipMiddleLoose : kSkipMiddle;
}

int extra_cost(const Layout& layout, const CellInfo& cell, int next_column) {
  const bool trailing = next_column >= static_cast<int>(layout.columns.size());
  if (cell.kind == CellKind::kEmpty) return trailing ? 0 : kExtraEmpty;
  if (cell.kind == CellKind::kUnit && next_column > 0 &&
      is_unit_field(layout.columns[static_cast<size_t>(next_column - 1)].field)) {
    return kExtraUnit;
  }
  return kExtraOther;
}

}  // namespace

Alignment align_row(const Layout& layout, const std::vector<CellInfo>& cells) {
  const int m = static_cast<int>(layout.columns.size());
  int n = static_cast<int>(cells.size());
  while (n > 0 && cells[static_cast<size_t>(n - 1)].kind == CellKind::kEmpty) --n;

  // The row as it stands, column i <- cell i.
  Alignment straight;
  straight.cell_of_column.assign(static_cast<size_t>(m), -1);
  for (int i = 0; i < m; ++i) {
    const Field field = layout.columns[static_cast<size_t>(i)].field;
    if (i < n) {
      straight.cell_of_column[static_cast<size_t>(i)] = i;
      straight.cost += fit(field, cells[static_cast<size_t>(i)].kind);
    } else {
      straight.cost += skip_cost(field, true);
    }
  }
  for (int j = m; j < n; ++j) {
    straight.extras.push_back({j, m - 1});
    straight.cost += extra_cost(layout, cells[static_cast<size_t>(j)], m);
  }
  if (straight.cost == 0) return straight;

  // best[i][j]: cheapest way to place columns i.. with cells j..
  const auto width = static_cast<size_t>(n + 1);
  std::vector<int> best(static_cast<size_t>(m + 1) * width, kInfinity);
  auto at = [&](int i, int j) -> int& {
    return best[static_cast<size_t>(i) * width + static_cast<size_t>(j)];
  };
  at(m, n) = 0;
  for (int j = n - 1; j >= 0; --j) {
    at(m, j) = extra_cost(layout, cells[static_cast<size_t>(j)], m) + at(m, j + 1);
  }
  for (int i = m - 1; i >= 0; --i) {
    const Field field = layout.columns[static_cast<size_t>(i)].field;
    at(i, n) = skip_cost(field, true) + at(i + 1, n);
    for (int j = n - 1; j >= 0; --j) {
      const CellInfo& cell = cells[static_cast<size_t>(j)];
      int cost = fit(field, cell.kind) + at(i + 1, j + 1);
      cost = std::min(cost, skip_cost(field, false) + at(i + 1, j));
      cost = std::min(cost, extra_cost(layout, cell, i) + at(i, j + 1));
      at(i, j) = cost;
    }
  }
  if (at(0, 0) >= straight.cost) return straight;

  Alignment result;
  result.cost = at(0, 0);
  result.cell_of_column.assign(static_cast<size_t>(m), -1);
  int i = 0;
  int j = 0;
  while (i < m || j < n) {
    if (i < m && j < n) {
      const Field field = layout.columns[static_cast<size_t>(i)].field;
      const CellInfo& cell = cells[static_cast<size_t>(j)];
      if (fit(field, cell.kind) + at(i + 1, j + 1) == at(i, j)) {
        result.cell_of_column[static_cast<size_t>(i)] = j;
        ++i;
        ++j;
        continue;
      }
      if (skip_cost(field, false) + at(i + 1, j) == at(i, j)) {
        result.missing_columns.push_back(i);
        ++i;
        continue;
      }
      result.extras.push_back({j, i - 1});
      ++j;
      continue;
    }
    if (i < m) {  // no cells left: the row ends early
      ++i;
      continue;
    }
    result.extras.push_back({j, i - 1});
    ++j;
  }
  for (int k = 0; k < m; ++k) {
    const int cell = result.cell_of_column[static_cast<size_t>(k)];
    if (cell >= 0 && cell != k) result.in_place = false;
  }
  if (!result.missing_columns.empty()) result.in_place = false;
  for (const auto& extra : result.extras) {
    if (extra.cell < m) result.in_place = false;
  }
  return result;
}

}  // namespace plazo
