#pragma once
/// \file
/// What a matrix cell looks like on its own: the anchors the importer
/// realigns shifted rows on (activity numbers, dates, X marks, percentages).

#include <optional>
#include <string_view>

#include "domain/dates.h"

namespace plazo {

/// The shape of one trimmed cell.
enum class CellKind {
  kEmpty,
  kNumber,   ///< an activity number: "1.5", "4.22", "2.1.3"
  kDate,     ///< DD/MM/YYYY (or D/M/YYYY, or YYYY-MM-DD)
  kMark,     ///< "X" or "x": the activity runs in that cuatrimestre
  kPercent,  ///< "33%", "33 %", "66,5%"
  kUnit,     ///< names configured units only, or says "No aplica" (set by the caller)
  kText,     ///< anything else
};

/// Classifies a trimmed cell (never returns kUnit: that needs the units).
CellKind classify_cell(std::string_view cell);

/// Whether `cell` is an activity number: digits, a dot, digits (more
/// dot-separated parts allowed).
bool is_activity_number(std::string_view cell);

/// The percentage written in `cell` ("33%" -> 33; "66,5%" and "66.5%" round
/// to 67); nullopt if the cell is not a percentage. Values over 100 are
/// returned as written.
std::optional<int> parse_percent(std::string_view cell);

/// A deadline cell: DD/MM/YYYY (D/M/YYYY too) or YYYY-MM-DD, optionally
/// followed by a time of day that spreadsheets add ("30/11/2023 0:00").
std::optional<Date> parse_cell_date(std::string_view cell);

/// Whether `cell` is an X mark.
bool is_mark(std::string_view cell);

}  // namespace plazo
