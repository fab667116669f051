#pragma once
/// \file
/// The plan-matrix importer: a follow-up matrix file (the seed's text with
/// repeated header blocks, plain TSV, or CSV as spreadsheets save it) in,
/// plan activities and warnings out. Pure: it reads bytes and touches no
/// database; storage/Store::apply_import writes the result.
///
/// What it reads, and how (DESIGN.md, "Import"):
/// - Encoding: UTF-8 with or without BOM, Windows-1252 (detected by invalid
///   UTF-8), UTF-16 with BOM. Binary data is an error.
/// - Header rows are found by their names in any column order and apply to
///   the rows below them until the next header.
/// - Rows with shifted cells are realigned on what can be recognised (the
///   activity number, dates, X marks, percentages, unit names); every move is
///   warned about.
/// - Component names are collected from wherever they appear ("1: Gestión
///   del Riesgo…", "5:Transparencia…") and given to activities by the first
///   part of their number. A COMPONENTE cell without a component number is
///   the subcomponent when SUBCOMPONENTE is empty, else the end of the
///   component's name broken across a page. Subcomponents carry down merged
///   (empty) cells within a component.
/// - Follow-up cuts: the k-th cut of a year is the k-th of
///   ImportOptions::cutoffs (30 Apr, 31 Aug, 31 Dec) in the plan's year. When
///   every follow-up text header of a block names exactly one month and those
///   are cutoff months in rising order, the months decide; otherwise the
///   order does ("SEGUIMIENTO JUNIO DE ABRIL" in second place is the second
///   cut). Cells out of their columns are read in order (see matrix.cpp).
///   Each cut with a percentage becomes a Progress dated at the cut; the
///   latest is the activity's progress.
/// - The plan and year come from the title ("PLAN ANTICORRUPCIÓN Y DE
///   ATENCIÓN AL CIUDADANO 2023" -> PAAC 2023) unless the options give them.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/dates.h"
#include "domain/model.h"
#include "domain/result.h"

namespace plazo {

/// Something in the file the importer could not take as written. The
/// activity is still imported (or, for duplicates, the first one kept).
struct ImportWarning {
  int line = 0;          ///< physical line (1-based) where the row starts; 0: the whole file
  std::string activity;  ///< activity number; "" when about no single activity
  std::string message;   ///< one sentence, for the admin
};

/// What the importer needs besides the bytes.
struct ImportOptions {
  /// The configured units, to resolve unit names in the matrix.
  std::vector<Unit> units;
  /// Plan name; overrides the one read from the title.
  std::optional<std::string> plan;
  /// Plan year; overrides the one read from the title.
  std::optional<int> year;
  /// The follow-up cut days of a year, in order (the PAAC's by default).
  std::vector<date::month_day> cutoffs{date::April / 30, date::August / 31, date::December / 31};
};

/// A parsed matrix.
struct ParsedMatrix {
  std::string plan;  ///< "PAAC"
  int year = 0;      ///< 2023
  /// Every activity row, in file order, duplicates removed (first kept).
  /// Each activity carries plan and year.
  std::vector<ImportedActivity> activities;
  /// Sorted by line (file-wide ones, line 0, first); on one line, warnings
  /// about the file come before those about the row.
  std::vector<ImportWarning> warnings;
};

/// Receives the activities of a matrix one at a time, in file order,
/// duplicates removed (first kept); each carries plan and year and is
/// complete (the same value ParsedMatrix::activities would hold). The
/// activity belongs to the parser and is valid only during the call; the
/// sink may move from it. An error from the sink ends the parse: finish()
/// returns it and hands over no more activities.
using ActivitySink = std::function<Status(ImportedActivity& activity)>;

/// What a parse handed to an ActivitySink says besides the activities.
struct MatrixSummary {
  std::string plan;       ///< "PAAC"
  int year = 0;           ///< 2023
  size_t activities = 0;  ///< how many were handed to the sink
  /// As ParsedMatrix::warnings: sorted by line, file-wide ones first.
  std::vector<ImportWarning> warnings;
};

/// Parses a matrix handed over in chunks, so a large file never has to be in
/// memory at once. Use: feed() the bytes in order, then one of the finish()
/// calls once.
///
/// Memory: the parser keeps one header block and, packed, the fields of the
/// activity rows read so far (roughly the size of their text; nothing of the
/// raw file): an activity's component can be named on any later row ("1:
/// Gestión del Riesgo…" on a later page, the end of a name broken across a
/// page), and the year and the plan may come from the options or a title, so
/// no activity is complete before the end of the file. finish(sink) then
/// hands them out one by one, releasing its packed copy as it goes. The
/// encoding is decided as the bytes come, never by looking ahead (see
/// TextDecoder in encoding.h), so chunking changes nothing.
/// Not thread-safe; one parser per file.
class MatrixParser {
 public:
  explicit MatrixParser(ImportOptions options);
  ~MatrixParser();
  MatrixParser(const MatrixParser&) = delete;
  MatrixParser& operator=(const MatrixParser&) = delete;

  /// A hint: the input will be about `bytes` long. Lets the parser size its
  /// index of activity numbers once instead of growing it. Optional; call
  /// before the first feed().
  void expect_bytes(uint64_t bytes);

  /// Takes the next bytes. Error as soon as the bytes show the file is not a
  /// text matrix (binary data, no header row in the first 10,000 lines);
  /// after an error every later call returns it again.
  Status feed(std::string_view bytes);
  /// Ends the input and returns the matrix. Error when the file is empty,
  /// has no header row, ends before any activity row, or the plan name or
  /// year is neither in the title nor in the options.
  Result<ParsedMatrix> finish();
  /// Ends the input and hands every activity to `sink`, then returns the
  /// rest. The same errors as finish(), found before the first activity is
  /// handed over; or the sink's error, after some were. Holding the
  /// activities or not is the sink's choice: with a sink that does not keep
  /// them, the parse needs memory for the packed rows only.
  Result<MatrixSummary> finish(const ActivitySink& sink);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Parses a whole matrix held in memory.
Result<ParsedMatrix> parse_matrix(std::string_view bytes, const ImportOptions& options);

/// Parses the matrix file at `path`, reading it in chunks. Error when the
/// file cannot be read (the message names the path and the reason) or is
/// not a matrix.
Result<ParsedMatrix> parse_matrix_file(const std::string& path, const ImportOptions& options);

/// As above, handing the activities to `sink` (see MatrixParser::finish).
Result<MatrixSummary> parse_matrix_file(const std::string& path, const ImportOptions& options,
                                        const ActivitySink& sink);

}  // namespace plazo
