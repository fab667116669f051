#include "importer/record_reader.h"

#include <csv.h>

#include <algorithm>
#include <cstring>

namespace plazo {
namespace {

// Lines held while looking for the header; past this the input is not a matrix.
constexpr size_t kMaxHeldLines = 10000;

bool mentions_actividad(std::string_view line) {
  static constexpr std::string_view kWord = "actividad";
  if (line.size() < kWord.size()) return false;
  for (size_t i = 0; i + kWord.size() <= line.size(); ++i) {
    size_t k = 0;
    while (k < kWord.size() && (line[i + k] | 0x20) == kWord[k]) {  // ASCII case-insensitive
      ++k;
    }
    if (k == kWord.size()) return true;
  }
  return false;
}

char detect_separator(std::string_view line) {
  size_t tabs = 0, semicolons = 0, commas = 0;
  for (char c : line) {
    tabs += c == '\t';
    semicolons += c == ';';
    commas += c == ',';
  }
  if (tabs >= 2) return '\t';
  if (semicolons >= 2) return ';';
  if (commas >= 2) return ',';
  return '\0';
}

bool is_blank_line(std::string_view line) {
  return line.find_first_not_of("\r\n") == std::string_view::npos;
}

}  // namespace

std::string repair_stray_quotes(std::string_view line, char separator) {
  if (line.find('"') == std::string_view::npos) return {};
  std::string out;
  size_t copied = 0;  // line[0, copied) is already in `out`
  const auto is_pad = [&](char c) { return c == ' ' || (c == '\t' && separator != '\t'); };
  const auto ends_cell = [&](size_t j) {
    return j >= line.size() || line[j] == separator || line[j] == '\r' || line[j] == '\n';
  };
  size_t i = 0;
  while (i < line.size()) {
    const size_t cell_start = i;
    while (i < line.size() && is_pad(line[i])) ++i;
    if (i < line.size() && line[i] == '"') {
      size_t k = i + 1;
      while (k < line.size()) {
        if (line[k] == '"') {
          if (k + 1 < line.size() && line[k + 1] == '"') {
            k += 2;
            continue;
          }
          break;
        }
        ++k;
      }
      if (k >= line.size()) break;  // a quoted cell going on to the next line
      size_t j = k + 1;
      while (j < line.size() && is_pad(line[j])) ++j;
      if (!ends_cell(j)) {
        // Stray quote: the cell runs to the next separator and is literal.
        size_t end = j;
        while (!ends_cell(end)) ++end;
        out.append(line.substr(copied, cell_start - copied));
        out.push_back('"');
        for (char c : line.substr(cell_start, end - cell_start)) {
          if (c == '"') out.push_back('"');
          out.push_back(c);
        }
        out.push_back('"');
        copied = end;
        j = end;
      }
      i = j;
    } else {
      while (!ends_cell(i)) ++i;
    }
    if (i < line.size() && line[i] == separator) {
      ++i;
      continue;
    }
    break;
  }
  if (copied == 0) return {};
  out.append(line.substr(copied));
  return out;
}

RecordReader::RecordReader(Sink sink) : sink_(std::move(sink)) {}

RecordReader::~RecordReader() {
  if (parser_ != nullptr) {
    csv_free(parser_);
    delete parser_;
  }
}

void RecordReader::on_field(void* data, size_t size, void* self) {
  auto* reader = static_cast<RecordReader*>(self);
  const std::string_view cell(static_cast<const char*>(data), data == nullptr ? 0 : size);
  // Reusing the strings spares an allocation per cell of every row.
  if (reader->cell_count_ < reader->cells_.size()) {
    reader->cells_[reader->cell_count_].assign(cell);
  } else {
    reader->cells_.emplace_back(cell);
  }
  ++reader->cell_count_;
  reader->record_ended_ = false;
}

void RecordReader::on_record_end(int /*terminator*/, void* self) {
  auto* reader = static_cast<RecordReader*>(self);
  reader->sink_(reader->record_line_,
                std::span<const std::string>(reader->cells_.data(), reader->cell_count_));
  reader->cell_count_ = 0;
  reader->record_ended_ = true;
}

bool RecordReader::split_plain_line(std::string_view line) {
  // What libcsv (3.0.3, options 0) does with such a line, starting between
  // records: cells end at the separator; spaces (and tabs, when they do not
  // separate) around a cell are dropped; the line break ends the record. A
  // quote is only special at the start of a cell, so such lines, and a
  // carriage return anywhere but before the line feed, are left to libcsv,
  // as is a line that holds no cell at all (libcsv reports nothing for it).
  if (line.empty() || line.back() != '\n') return false;
  std::string_view content = line.substr(0, line.size() - 1);
  if (!content.empty() && content.back() == '\r') content.remove_suffix(1);
  const char separator = separator_;
  const auto is_space = [separator](char c) { return (c == ' ' || c == '\t') && c != separator; };
  // Check first: nothing may reach the sink unless the whole line is plain.
  bool any_cell = false;
  for (size_t i = 0; i <= content.size();) {
    while (i < content.size() && is_space(content[i])) ++i;
    if (i < content.size() && content[i] == '"') return false;
    const size_t end = std::min(content.find(separator, i), content.size());
    if (content.substr(i, end - i).find('\r') != std::string_view::npos) return false;
    if (end < content.size() || end > i) any_cell = true;
    i = end + 1;
  }
  if (!any_cell) return false;
  cell_count_ = 0;
  for (size_t i = 0; i <= content.size();) {
    size_t end = std::min(content.find(separator, i), content.size());
    const size_t next = end + 1;
    while (i < end && is_space(content[i])) ++i;
    while (end > i && is_space(content[end - 1])) --end;
    on_field(const_cast<char*>(content.data() + i), end - i, this);
    i = next;
  }
  on_record_end('\n', this);
  return true;
}

Status RecordReader::feed_line(std::string_view line) {
  const int line_number = line_;
  if (!line.empty() && line.back() == '\n') ++line_;
  if (at_record_start_) {
    if (is_blank_line(line)) return {};
    record_line_ = line_number;
    // Most lines have no quoted cells: splitting them here is several times
    // faster than libcsv's byte-by-byte callbacks, and gives the same cells.
    // (repair_stray_quotes leaves such lines unchanged.)
    if (csv_between_records_ && split_plain_line(line)) return {};
    repaired_ = repair_stray_quotes(line, separator_);
    if (!repaired_.empty()) line = repaired_;
  }
  record_ended_ = false;
  if (csv_parse(parser_, line.data(), line.size(), on_field, on_record_end, this) != line.size()) {
    return Error{std::string("cannot split the file into cells: ") +
                 csv_strerror(csv_error(parser_))};
  }
  // A record ends with its line unless a quoted cell carries it on.
  at_record_start_ = record_ended_;
  // Without a quote, a line that ended a record left libcsv between records
  // (a line break outside quotes always ends one). After a quote libcsv may
  // be anywhere (a record can end at a carriage return, then a quoted cell
  // begin), so the next lines go through it until this holds again.
  csv_between_records_ = record_ended_ && line.find('"') == std::string_view::npos;
  return {};
}

void RecordReader::on_line(std::string_view line) {
  if (separator_ == '\0') {
    if (held_.size() >= kMaxHeldLines) return;
    held_.emplace_back(line);
    if (!mentions_actividad(line)) return;
    separator_ = detect_separator(line);
    if (separator_ == '\0') return;
    parser_ = new csv_parser;
    if (csv_init(parser_, 0) != 0) {
      out_of_memory_ = true;
      return;
    }
    csv_set_delim(parser_, static_cast<unsigned char>(separator_));
    std::vector<std::string> held;
    held.swap(held_);
    line_ = held_first_line_;
    for (const auto& held_line : held) {
      if (!feed_line(held_line)) out_of_memory_ = true;
    }
    return;
  }
  if (!feed_line(line)) out_of_memory_ = true;
}

Status RecordReader::add_text(std::string_view text) {
  size_t start = 0;
  while (start < text.size()) {
    const size_t newline = text.find('\n', start);
    if (newline == std::string_view::npos) {
      partial_line_.append(text.substr(start));
      break;
    }
    if (partial_line_.empty()) {
      on_line(text.substr(start, newline - start + 1));
    } else {
      partial_line_.append(text.substr(start, newline - start + 1));
      on_line(partial_line_);
      partial_line_.clear();
    }
    start = newline + 1;
  }
  if (separator_ == '\0' && held_.size() >= kMaxHeldLines) {
    return Error{"no header row naming an ACTIVIDAD column was found in the first " +
                 std::to_string(kMaxHeldLines) + " lines, so this is not a plan matrix"};
  }
  if (out_of_memory_) return Error{"ran out of memory while splitting the file into cells"};
  return {};
}

Status RecordReader::finish() {
  if (!partial_line_.empty()) {
    // The last line has no line break: give it one so the record ends the
    // same way, unless a quoted cell is still open (then the file was cut).
    missing_final_newline_ = true;
    partial_line_.push_back('\n');
    on_line(partial_line_);
    partial_line_.clear();
    --line_;  // the added line break is not a line of the file
  }
  if (parser_ == nullptr) return {};
  if (!at_record_start_) unterminated_quote_line_ = record_line_;
  csv_fini(parser_, on_field, on_record_end, this);
  if (out_of_memory_) return Error{"ran out of memory while splitting the file into cells"};
  return {};
}

}  // namespace plazo
