#pragma once
/// \file
/// Realigns a data row whose cells are shifted against its header: a cell
/// missing or added somewhere moves everything after it. The row is matched
/// to the header's columns by a small edit-distance alignment in which each
/// cell's shape (activity number, date, X mark, percentage, unit name, text)
/// says how well it fits each column.

#include <string_view>
#include <vector>

#include "importer/cells.h"
#include "importer/header.h"

namespace plazo {

/// A cell as the aligner sees it.
struct CellInfo {
  std::string_view text;  ///< trimmed
  CellKind kind = CellKind::kEmpty;
};

/// Where each cell of a row goes.
struct Alignment {
  /// Per layout column: the cell index it takes, or -1 when the row has no
  /// cell for it.
  std::vector<int> cell_of_column;
  /// A cell that belongs to no column, and the column placed just before it
  /// (-1 when it comes before every column).
  struct Extra {
    int cell = 0;
    int after_column = -1;
  };
  std::vector<Extra> extras;
  /// Columns left without a cell while later columns did get one (a cell
  /// missing in the middle of the row, not at its end).
  std::vector<int> missing_columns;
  /// Every cell sits under its own header column (nothing was moved).
  bool in_place = true;
  /// The alignment's cost (tenths); 0 for a row that fits its header exactly.
  int cost = 0;
};

/// Aligns `cells` (trailing empty cells may be present) to `layout`. When
/// the row fits its header as it is, the result is the identity; otherwise
/// the cheapest alignment, ties going to matching a cell to a column before
/// skipping a column, and skipping before treating a cell as extra.
Alignment align_row(const Layout& layout, const std::vector<CellInfo>& cells);

}  // namespace plazo
