// Fuzzes the plan-matrix importer format by format. The input is one
// selector byte and then a matrix in the seed's tab-separated UTF-8 text;
// the selector says how to save it before it is parsed, as spreadsheets do:
//
//   bits 0-1  separator: 0 and 3 tab (the seed's text, TSV), 1 comma, 2 semicolon
//   bits 2-4  encoding: 1 UTF-8 with BOM, 2 Windows-1252, 3 UTF-16LE with BOM,
//             4 UTF-16BE with BOM, others UTF-8
//   bit 5     CRLF line ends (Excel) instead of LF
//
// so the mutations of one matrix reach every format's code. Where the
// conversion cannot change what the file says (see comparable()), the result
// must equal that of the tab-separated UTF-8 text: the same activities, line
// numbers and warnings whatever the spreadsheet saved.
//
// Seeds: fuzz/corpus/matrix_formats/ (slices of the reference matrix behind
// selectors for the formats Excel and LibreOffice write).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fuzz/fuzz_support.h"
#include "importer/matrix.h"

namespace {

enum class Encoding { kUtf8, kUtf8Bom, kWindows1252, kUtf16Le, kUtf16Be };

struct Format {
  char separator = '\t';
  Encoding encoding = Encoding::kUtf8;
  bool crlf = false;
};

Format format_of(uint8_t selector) {
  Format format;
  constexpr char kSeparators[] = {'\t', ',', ';', '\t'};
  format.separator = kSeparators[selector & 3];
  switch ((selector >> 2) & 7) {
    case 1:
      format.encoding = Encoding::kUtf8Bom;
      break;
    case 2:
      format.encoding = Encoding::kWindows1252;
      break;
    case 3:
      format.encoding = Encoding::kUtf16Le;
      break;
    case 4:
      format.encoding = Encoding::kUtf16Be;
      break;
    default:
      format.encoding = Encoding::kUtf8;
  }
  format.crlf = (selector & 0x20) != 0;
  return format;
}

// The code points of valid UTF-8 (the caller checked it is valid).
std::vector<char32_t> code_points(std::string_view utf8) {
  std::vector<char32_t> out;
  for (size_t i = 0; i < utf8.size();) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    size_t length = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    char32_t cp = length == 1 ? c : length == 2 ? c & 0x1F : length == 3 ? c & 0x0F : c & 0x07;
    for (size_t k = 1; k < length; ++k) cp = (cp << 6) | (utf8[i + k] & 0x3F);
    out.push_back(cp);
    i += length;
  }
  return out;
}

// The Windows-1252 byte of a code point, or -1. The C1 controls that 1252
// leaves undefined are not written: they are not what Excel saves.
int windows1252_byte(char32_t cp) {
  if (cp < 0x80 || (cp >= 0xA0 && cp <= 0xFF)) return static_cast<int>(cp);
  constexpr std::pair<char32_t, int> kHigh[] = {
      {0x20AC, 0x80}, {0x201A, 0x82}, {0x0192, 0x83}, {0x201E, 0x84}, {0x2026, 0x85},
      {0x2020, 0x86}, {0x2021, 0x87}, {0x02C6, 0x88}, {0x2030, 0x89}, {0x0160, 0x8A},
      {0x2039, 0x8B}, {0x0152, 0x8C}, {0x017D, 0x8E}, {0x2018, 0x91}, {0x2019, 0x92},
      {0x201C, 0x93}, {0x201D, 0x94}, {0x2022, 0x95}, {0x2013, 0x96}, {0x2014, 0x97},
      {0x02DC, 0x98}, {0x2122, 0x99}, {0x0161, 0x9A}, {0x203A, 0x9B}, {0x0153, 0x9C},
      {0x017E, 0x9E}, {0x0178, 0x9F}};
  for (const auto& [code_point, byte] : kHigh) {
    if (code_point == cp) return byte;
  }
  return -1;
}

// The cell as a CSV writer saves it: quoted when it holds the separator, a
// quote or a line break.
void append_cell(std::string& out, std::string_view cell, char separator) {
  if (cell.find_first_of(std::string("\"\r\n") + separator) == std::string_view::npos) {
    out += cell;
    return;
  }
  out += '"';
  for (const char c : cell) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

// The tab-separated text with another separator and line end, still UTF-8.
std::string resave(std::string_view tsv, const Format& format) {
  std::string out;
  out.reserve(tsv.size() + tsv.size() / 16);
  size_t start = 0;
  while (start <= tsv.size()) {
    const size_t newline = tsv.find('\n', start);
    const std::string_view line = tsv.substr(
        start, newline == std::string_view::npos ? std::string_view::npos : newline - start);
    if (format.separator == '\t') {
      out += line;
    } else {
      size_t cell_start = 0;
      while (true) {
        const size_t tab = line.find('\t', cell_start);
        append_cell(out, line.substr(cell_start, tab - cell_start), format.separator);
        if (tab == std::string_view::npos) break;
        out += format.separator;
        cell_start = tab + 1;
      }
    }
    if (newline == std::string_view::npos) break;
    out += format.crlf ? "\r\n" : "\n";
    start = newline + 1;
  }
  return out;
}

// `utf8` in the format's encoding; false when it cannot be written in it.
bool encode(std::string_view utf8, Encoding encoding, std::string& out) {
  switch (encoding) {
    case Encoding::kUtf8:
      out.assign(utf8);
      return true;
    case Encoding::kUtf8Bom:
      out = "\xEF\xBB\xBF";
      out += utf8;
      return true;
    case Encoding::kWindows1252:
      out.clear();
      for (const char32_t cp : code_points(utf8)) {
        const int byte = windows1252_byte(cp);
        if (byte < 0) return false;
        out += static_cast<char>(byte);
      }
      return true;
    case Encoding::kUtf16Le:
    case Encoding::kUtf16Be: {
      const bool le = encoding == Encoding::kUtf16Le;
      out = le ? "\xFF\xFE" : "\xFE\xFF";
      auto unit = [&](char32_t u) {
        const char low = static_cast<char>(u & 0xFF);
        const char high = static_cast<char>(u >> 8);
        out += le ? low : high;
        out += le ? high : low;
      };
      for (const char32_t cp : code_points(utf8)) {
        if (cp < 0x10000) {
          unit(cp);
        } else {
          unit(0xD800 + ((cp - 0x10000) >> 10));
          unit(0xDC00 + ((cp - 0x10000) & 0x3FF));
        }
      }
      return true;
    }
  }
  return false;
}

// Whether the first non-ASCII bytes of `bytes` happen to read as UTF-8: the
// decoder then (rightly) takes the file for UTF-8, so a Windows-1252 file
// like that says something else than its UTF-8 original.
bool first_non_ascii_reads_as_utf8(std::string_view bytes) {
  for (size_t i = 0; i < bytes.size(); ++i) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    if (c < 0x80) continue;
    const size_t length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    return plazo::fuzz::valid_utf8(bytes.substr(i, length)) && i + length <= bytes.size();
  }
  return false;
}

// Whether saving `tsv` in `format` keeps what the file says, so the two
// parses must agree. A CSV writer quotes cells holding a quote or the
// separator, and a quoted cell's line breaks keep their CR: those inputs are
// parsed (for crashes) but not compared. Comma and semicolon also take part
// in separator detection, and a CR of the text would become a line end.
bool comparable(std::string_view tsv, const Format& format, std::string_view saved) {
  // An empty matrix saved with a BOM is no longer an empty file; the two
  // errors differ, rightly.
  if (tsv.empty()) return false;
  if (!plazo::fuzz::valid_utf8(tsv)) return false;
  if (tsv.find('\r') != std::string_view::npos) return false;
  if ((format.separator != '\t' || format.crlf) && tsv.find('"') != std::string_view::npos) {
    return false;
  }
  if (format.separator != '\t' && tsv.find_first_of(",;") != std::string_view::npos) return false;
  if (format.encoding == Encoding::kWindows1252 && first_non_ascii_reads_as_utf8(saved)) {
    return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const Format format = format_of(data[0]);
  const std::string_view tsv(reinterpret_cast<const char*>(data) + 1, size - 1);
  static const plazo::ImportOptions options = [] {
    plazo::ImportOptions o = plazo::fuzz::itagui_options();
    o.plan = "PAAC";
    o.year = 2023;
    return o;
  }();

  // Invalid UTF-8 cannot be re-encoded; it is parsed only as written (the
  // matrix target covers such bytes).
  const bool valid = plazo::fuzz::valid_utf8(tsv);
  const std::string text = resave(tsv, format);
  std::string saved;
  if (!valid || !encode(text, format.encoding, saved)) saved = text;

  const auto parsed = plazo::parse_matrix(saved, options);
  plazo::fuzz::check_matrix(parsed, options);
  if (!valid || saved == tsv || !comparable(tsv, format, saved)) return 0;

  const auto reference = plazo::parse_matrix(tsv, options);
  const std::string expected = plazo::fuzz::describe(reference);
  const std::string got = plazo::fuzz::describe(parsed);
  if (expected != got) {
    plazo::fuzz::fail(
        "the matrix reads differently once saved as selector " + std::to_string(data[0]),
        "--- tab-separated UTF-8\n" + expected + "--- saved\n" + got);
  }
  return 0;
}
