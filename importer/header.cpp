#include "importer/header.h"

#include <algorithm>
#include <array>
#include <string_view>

#include "importer/text.h"

namespace plazo {
namespace {

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}
bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

// Classifies one folded header name.
Field classify_header(std::string_view name) {
  if (name.empty()) return Field::kUnnamed;
  if (name == "n" || name == "no" || name == "nro" || name == "num" || name == "numero" ||
      name == "item" || name == "n actividad" || name == "no actividad") {
    return Field::kNumber;
  }
  if (starts_with(name, "subcomponente") || starts_with(name, "sub componente")) {
    return Field::kSubcomponent;
  }
  if (starts_with(name, "componente")) return Field::kComponent;
  if (starts_with(name, "fecha")) return Field::kDeadline;
  if (starts_with(name, "seguimiento")) return Field::kFollowUpText;
  if (starts_with(name, "porcentaje") || starts_with(name, "progreso") ||
      starts_with(name, "proceso de cumplimiento") || starts_with(name, "avance") ||
      starts_with(name, "cumplimiento")) {
    return Field::kFollowUpPercent;
  }
  if (starts_with(name, "actividad")) return Field::kTitle;
  if (starts_with(name, "producto") || starts_with(name, "entregable")) return Field::kDeliverable;
  if (starts_with(name, "indicador")) return Field::kIndicator;
  if (starts_with(name, "meta")) return Field::kGoal;
  if (contains(name, "coresponsable") || contains(name, "corresponsable") ||
      contains(name, "co responsable")) {
    return Field::kCoResponsible;
  }
  if (contains(name, "responsable")) return Field::kResponsible;
  if (starts_with(name, "cuatrimestre") || starts_with(name, "periodo")) return Field::kPeriod;
  return Field::kOther;
}

// "cuatrimestre 2" -> 2; "1".."3" and "i".."iii" -> 1..3; else 0.
int period_number(std::string_view folded) {
  if (starts_with(folded, "cuatrimestre ")) folded.remove_prefix(13);
  if (starts_with(folded, "periodo ")) folded.remove_prefix(8);
  if (folded == "1" || folded == "i") return 1;
  if (folded == "2" || folded == "ii") return 2;
  if (folded == "3" || folded == "iii") return 3;
  return 0;
}

constexpr std::array<std::string_view, 12> kMonths = {
    "enero", "febrero", "marzo",      "abril",   "mayo",      "junio",
    "julio", "agosto",  "septiembre", "octubre", "noviembre", "diciembre"};

// Pairs the follow-up columns into cuts; false when they do not pair up.
bool pair_follow_ups(Layout& layout) {
  std::vector<int> follow_ups;
  for (size_t i = 0; i < layout.columns.size(); ++i) {
    if (is_follow_up_field(layout.columns[i].field)) follow_ups.push_back(static_cast<int>(i));
  }
  std::vector<FollowUpSlot> slots;
  for (size_t k = 0; k < follow_ups.size(); k += 2) {
    if (k + 1 >= follow_ups.size()) return false;
    const Column& a = layout.columns[static_cast<size_t>(follow_ups[k])];
    const Column& b = layout.columns[static_cast<size_t>(follow_ups[k + 1])];
    FollowUpSlot slot;
    if (a.field == Field::kFollowUpText && b.field == Field::kFollowUpPercent) {
      slot = {follow_ups[k], follow_ups[k + 1], month_named(a.name)};
    } else if (a.field == Field::kFollowUpPercent && b.field == Field::kFollowUpText) {
      slot = {follow_ups[k + 1], follow_ups[k], month_named(b.name)};
    } else {
      return false;
    }
    slots.push_back(slot);
  }
  for (size_t s = 0; s < slots.size(); ++s) {
    layout.columns[static_cast<size_t>(slots[s].text_column)].slot = static_cast<int>(s);
    layout.columns[static_cast<size_t>(slots[s].percent_column)].slot = static_cast<int>(s);
  }
  layout.slots = std::move(slots);
  return true;
}

}  // namespace

const Column* Layout::find(Field field) const {
  for (const auto& column : columns) {
    if (column.field == field) return &column;
  }
  return nullptr;
}

int month_named(std::string_view header) {
  const std::string folded = fold_for_match(header);
  int found = 0;
  size_t start = 0;
  while (start < folded.size()) {
    size_t end = folded.find(' ', start);
    if (end == std::string::npos) end = folded.size();
    std::string_view word = std::string_view(folded).substr(start, end - start);
    if (word == "setiembre") word = "septiembre";
    for (size_t m = 0; m < kMonths.size(); ++m) {
      if (word == kMonths[m]) {
        const int month = static_cast<int>(m) + 1;
        if (found != 0 && found != month) return 0;
        found = month;
      }
    }
    start = end + 1;
  }
  return found;
}

bool mentions_month(std::string_view header) {
  const std::string folded = " " + fold_for_match(header) + " ";
  for (std::string_view month : kMonths) {
    if (folded.find(" " + std::string(month) + " ") != std::string::npos) return true;
  }
  return folded.find(" setiembre ") != std::string::npos;
}

std::string_view field_label(Field field) {
  switch (field) {
    case Field::kNumber:
      return "N°";
    case Field::kComponent:
      return "COMPONENTE";
    case Field::kSubcomponent:
      return "SUBCOMPONENTE";
    case Field::kTitle:
      return "ACTIVIDAD";
    case Field::kDeliverable:
      return "PRODUCTO ENTREGABLE";
    case Field::kIndicator:
      return "INDICADOR";
    case Field::kGoal:
      return "META";
    case Field::kResponsible:
      return "UNIDAD ADMINISTRATIVA RESPONSABLE";
    case Field::kCoResponsible:
      return "UNIDAD ADMINISTRATIVA CORESPONSABLE";
    case Field::kPeriod:
      return "CUATRIMESTRE";
    case Field::kDeadline:
      return "FECHA DE CUMPLIMIENTO";
    case Field::kFollowUpText:
      return "SEGUIMIENTO";
    case Field::kFollowUpPercent:
      return "PORCENTAJE";
    case Field::kOther:
    case Field::kUnnamed:
      break;
  }
  return "an unnamed column";
}

std::optional<Layout> recognise_header(int line, std::span<const std::string> cells) {
  Layout layout;
  layout.line = line;
  bool number = false;
  bool title = false;
  int known = 0;
  for (size_t i = 0; i < cells.size(); ++i) {
    const std::string_view written = trim_text(cells[i]);
    const std::string folded = fold_for_match(written);
    Column column;
    column.index = static_cast<int>(i);
    column.field = classify_header(folded);
    column.name = std::string(written);
    if (column.field == Field::kNumber) number = true;
    if (column.field == Field::kTitle) title = true;
    if (column.field != Field::kOther && column.field != Field::kUnnamed) ++known;
    if (column.field == Field::kPeriod) column.period = period_number(folded);
    layout.columns.push_back(std::move(column));
  }
  if (!number || !title || known < 4) return std::nullopt;

  // "CUATRIMESTRE" over three cells: it and the unnamed cells after it.
  for (size_t i = 0; i < layout.columns.size(); ++i) {
    Column& column = layout.columns[i];
    if (column.field != Field::kPeriod || column.period != 0) continue;
    const std::string base = column.name;
    column.period = 1;
    column.name = base + " 1";
    for (int p = 2; p <= 3 && i + static_cast<size_t>(p) - 1 < layout.columns.size(); ++p) {
      Column& next = layout.columns[i + static_cast<size_t>(p) - 1];
      if (next.field != Field::kUnnamed) break;
      next.field = Field::kPeriod;
      next.period = p;
      next.name = base + " " + std::to_string(p);
    }
  }
  layout.paired_follow_ups = pair_follow_ups(layout);
  return layout;
}

bool apply_period_subheader(Layout& layout, std::span<const std::string> cells) {
  std::array<int, 3> where = {-1, -1, -1};
  for (size_t i = 0; i < cells.size(); ++i) {
    const std::string_view cell = trim_text(cells[i]);
    if (cell.empty()) continue;
    const int p = period_number(fold_for_match(cell));
    if (p == 0 || where[static_cast<size_t>(p - 1)] != -1) return false;
    where[static_cast<size_t>(p - 1)] = static_cast<int>(i);
  }
  if (where[0] < 0 || where[1] < 0 || where[2] < 0) return false;
  // Check every target first so a row that is not a subheader changes nothing.
  for (int index : where) {
    const auto i = static_cast<size_t>(index);
    if (i < layout.columns.size() && layout.columns[i].field != Field::kPeriod &&
        layout.columns[i].field != Field::kUnnamed && layout.columns[i].field != Field::kOther) {
      return false;
    }
  }
  const Column* period = layout.find(Field::kPeriod);
  const std::string base =
      period != nullptr ? period->name.substr(0, period->name.rfind(' ')) : "CUATRIMESTRE";
  // Columns taken for periods but not under a number go back to unnamed.
  for (auto& column : layout.columns) {
    if (column.field == Field::kPeriod) {
      column.field = Field::kUnnamed;
      column.period = 0;
    }
  }
  const auto widest = static_cast<size_t>(std::max({where[0], where[1], where[2]}));
  while (layout.columns.size() <= widest) {
    Column column;
    column.field = Field::kUnnamed;
    column.index = static_cast<int>(layout.columns.size());
    layout.columns.push_back(std::move(column));
  }
  for (int p = 1; p <= 3; ++p) {
    Column& column = layout.columns[static_cast<size_t>(where[static_cast<size_t>(p - 1)])];
    column.field = Field::kPeriod;
    column.period = p;
    column.name = base + " " + std::to_string(p);
  }
  layout.has_period_subheader = true;
  return true;
}

}  // namespace plazo
