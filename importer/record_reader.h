#pragma once
/// \file
/// Splits decoded matrix text into records (rows of cells) with libcsv,
/// whatever the separator: the seed's tab-separated text, plain TSV, or CSV
/// as spreadsheets save it (comma or semicolon, quoted cells holding
/// newlines, quotes and separators).

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.h"

struct csv_parser;

namespace plazo {

/// Reads records from UTF-8 text handed over in chunks of any size.
///
/// The separator is detected from the first physical line that mentions
/// ACTIVIDAD (the header): tab, then semicolon, then comma, whichever occurs
/// at least twice there. Lines before it are held until then. Each record is
/// passed to the sink with the 1-based physical line it starts on; blank lines
/// produce no record. Cells are passed as written (not trimmed).
class RecordReader {
 public:
  /// Receives one record: its first physical line and its cells. The cells
  /// are only valid during the call (their buffers are reused).
  using Sink = std::function<void(int line, std::span<const std::string> cells)>;

  explicit RecordReader(Sink sink);
  ~RecordReader();
  RecordReader(const RecordReader&) = delete;
  RecordReader& operator=(const RecordReader&) = delete;

  /// Adds the next piece of text. Error if libcsv runs out of memory.
  Status add_text(std::string_view text);
  /// Ends the text. Records still held because no header line was seen are
  /// dropped (there is nothing to split them by); see separator().
  Status finish();

  /// The separator in use; '\0' while (or if) no header line was seen.
  char separator() const { return separator_; }
  /// Physical lines read so far.
  int lines() const { return line_ - 1; }
  /// The line of a quoted cell still open at the end of the text (the file
  /// was cut short), or 0.
  int unterminated_quote_line() const { return unterminated_quote_line_; }
  /// Whether the text did not end with a line break.
  bool missing_final_newline() const { return missing_final_newline_; }

 private:
  void on_line(std::string_view line);
  Status feed_line(std::string_view line);
  // Splits a line without quoted cells as libcsv would, at the start of a
  // record; false (and nothing done) for any other line.
  bool split_plain_line(std::string_view line);
  static void on_field(void* data, size_t size, void* self);
  static void on_record_end(int terminator, void* self);

  Sink sink_;
  csv_parser* parser_ = nullptr;
  char separator_ = '\0';
  std::string partial_line_;       // text after the last line break
  std::vector<std::string> held_;  // lines before the header, until the separator is known
  int held_first_line_ = 1;
  int line_ = 1;         // the line the next character belongs to
  int record_line_ = 0;  // start line of the record being read
  bool at_record_start_ = true;
  bool record_ended_ = false;        // set by on_record_end while a line is fed
  bool csv_between_records_ = true;  // libcsv is known to be between records
  std::vector<std::string> cells_;   // buffers reused from record to record
  size_t cell_count_ = 0;            // cells of the current record in cells_
  std::string repaired_;             // scratch for lines with stray quotes
  int unterminated_quote_line_ = 0;
  bool missing_final_newline_ = false;
  bool out_of_memory_ = false;
};

/// `line` with stray quotes made literal. A cell that starts with a quote
/// but whose closing quote is followed by more text (`"Garantía" fue ...` in
/// a tab-separated file) is not a quoted cell; it is rewritten as a properly
/// quoted one so libcsv keeps it as written instead of reading on to the next
/// quote. Lines without such cells come back unchanged (an empty result means
/// "unchanged", to spare a copy).
std::string repair_stray_quotes(std::string_view line, char separator);

}  // namespace plazo
