#include "importer/cells.h"

#include <array>
#include <cmath>

namespace plazo {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

}  // namespace

bool is_activity_number(std::string_view cell) {
  if (cell.empty() || !is_digit(cell.front()) || !is_digit(cell.back())) return false;
  // Two to four parts: a component number of up to three digits, then parts
  // of up to six. "30.11.2023" is a date written with dots, not a number.
  std::array<int, 4> digits{};
  size_t parts = 0;
  for (char c : cell) {
    if (c == '.') {
      if (digits[parts] == 0 || ++parts >= digits.size()) return false;
    } else if (!is_digit(c) || ++digits[parts] > (parts == 0 ? 3 : 6)) {
      return false;
    }
  }
  ++parts;
  if (parts == 3 && digits[0] <= 2 && digits[1] <= 2 && digits[2] == 4) return false;
  return parts >= 2 && parts <= 4;
}

std::optional<int> parse_percent(std::string_view cell) {
  if (cell.size() < 2 || cell.back() != '%') return std::nullopt;
  cell.remove_suffix(1);
  while (!cell.empty() && cell.back() == ' ') cell.remove_suffix(1);
  if (cell.empty() || cell.size() > 12) return std::nullopt;
  double value = 0;
  double scale = 0;  // 0 while reading the integer part
  bool digits = false;
  for (char c : cell) {
    if (is_digit(c)) {
      digits = true;
      if (scale == 0) {
        value = value * 10 + (c - '0');
      } else {
        value += (c - '0') * scale;
        scale /= 10;
      }
    } else if ((c == ',' || c == '.') && scale == 0 && digits) {
      scale = 0.1;
    } else {
      return std::nullopt;
    }
  }
  if (!digits) return std::nullopt;
  return static_cast<int>(std::lround(value));
}

std::optional<Date> parse_cell_date(std::string_view cell) {
  // Spreadsheets may append a time of day; the day is what counts.
  if (auto space = cell.find(' '); space != std::string_view::npos) {
    const std::string_view time = cell.substr(space + 1);
    if (time.find(':') == std::string_view::npos) return std::nullopt;
    cell = cell.substr(0, space);
  }
  if (auto day = parse_dmy_date(cell)) return day;
  return parse_iso_date(cell);
}

bool is_mark(std::string_view cell) {
  return cell == "X" || cell == "x";
}

CellKind classify_cell(std::string_view cell) {
  if (cell.empty()) return CellKind::kEmpty;
  if (is_mark(cell)) return CellKind::kMark;
  const char first = cell.front();
  if (is_digit(first)) {
    if (is_activity_number(cell)) return CellKind::kNumber;
    if (cell.back() == '%' && parse_percent(cell)) return CellKind::kPercent;
    if (cell.size() <= 24 && parse_cell_date(cell)) return CellKind::kDate;
  }
  return CellKind::kText;
}

}  // namespace plazo
