#pragma once
/// \file
/// The header rows of a plan matrix: which column holds what. Matrices
/// repeat their header per page block, sometimes with different follow-up
/// columns; each header applies to the rows below it.

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "importer/cells.h"

namespace plazo {

/// What a header column holds.
enum class Field {
  kNumber,           ///< N°
  kComponent,        ///< COMPONENTE
  kSubcomponent,     ///< SUBCOMPONENTE
  kTitle,            ///< ACTIVIDAD
  kDeliverable,      ///< PRODUCTO ENTREGABLE
  kIndicator,        ///< INDICADOR
  kGoal,             ///< META
  kResponsible,      ///< UNIDAD ADMINISTRATIVA RESPONSABLE
  kCoResponsible,    ///< UNIDAD ADMINISTRATIVA CORESPONSABLE
  kPeriod,           ///< one of the CUATRIMESTRE 1 2 3 columns
  kDeadline,         ///< FECHA DE CUMPLIMIENTO
  kFollowUpText,     ///< SEGUIMIENTO ...
  kFollowUpPercent,  ///< PORCENTAJE / PROGRESO / PROCESO DE CUMPLIMIENTO ...
  kOther,            ///< a named column plazo does not use
  kUnnamed,          ///< a column with no name
};

/// Whether cells of `field` hold unit names.
inline bool is_unit_field(Field field) {
  return field == Field::kResponsible || field == Field::kCoResponsible;
}
/// Whether cells of `field` hold follow-up texts or percentages.
inline bool is_follow_up_field(Field field) {
  return field == Field::kFollowUpText || field == Field::kFollowUpPercent;
}

/// One column of a header.
struct Column {
  Field field = Field::kOther;
  int index = 0;     ///< 0-based cell index in the header's row
  int period = 0;    ///< kPeriod: the cuatrimestre, 1..3
  int slot = -1;     ///< follow-ups in a paired layout: 0-based cut slot
  std::string name;  ///< as written ("N°", "SEGUIMIENTO ABRIL 30", "CUATRIMESTRE 2")
};

/// A follow-up cut of a paired layout: its text and percentage columns.
struct FollowUpSlot {
  int text_column = -1;     ///< index into Layout::columns
  int percent_column = -1;  ///< index into Layout::columns
  int month = 0;            ///< the single month the text header names, 1..12; 0 if none or several
};

/// A recognised header row and what it says about the rows below it.
struct Layout {
  int line = 0;                 ///< physical line of the header row
  std::vector<Column> columns;  ///< in cell order, one per header cell
  /// Follow-up columns come in (text, percentage) pairs, one per cut; when
  /// false they are read in order (see the importer).
  bool paired_follow_ups = true;
  std::vector<FollowUpSlot> slots;    ///< paired layout only
  bool has_period_subheader = false;  ///< a "1 2 3" row under CUATRIMESTRE was seen

  /// The first column of `field`, or nullptr.
  const Column* find(Field field) const;
};

/// Recognises a header row by its cell names, in any order and tolerant of
/// case, accents and variants (N°/Nº/No./NUMERO, CORESPONSABLE/CO-RESPONSABLE,
/// ...). A row is a header when it names ACTIVIDAD, N° and at least two
/// other known columns. The three columns from CUATRIMESTRE on become
/// CUATRIMESTRE 1..3 when unnamed; a following "1 2 3" row can move them
/// (apply_period_subheader).
std::optional<Layout> recognise_header(int line, std::span<const std::string> cells);

/// If `cells` is the "1 2 3" row under CUATRIMESTRE, places the period
/// columns where it says and returns true; else returns false and changes
/// nothing.
bool apply_period_subheader(Layout& layout, std::span<const std::string> cells);

/// The single month (1..12) a follow-up header names ("SEGUIMIENTO 30 DE
/// AGOSTO" -> 8); 0 when it names none or more than one ("SEGUIMIENTO JUNIO
/// DE ABRIL" -> 0).
int month_named(std::string_view header);

/// Whether a header names any month at all ("SEGUIMIENTO JUNIO DE ABRIL").
bool mentions_month(std::string_view header);

/// The header name shown in messages for a field ("N°", "ACTIVIDAD", ...).
std::string_view field_label(Field field);

}  // namespace plazo
