#pragma once
/// \file
/// Turns the bytes of a matrix file into UTF-8, whatever the spreadsheet
/// saved: UTF-8 with or without BOM, Windows-1252 (Excel in a Spanish locale)
/// or UTF-16 with a BOM (Excel's "Unicode text"). Works on a stream of chunks
/// so a large file never has to be in memory at once.

#include <cstdint>
#include <string>
#include <string_view>

#include "domain/result.h"

namespace plazo {

/// The encoding a TextDecoder settled on.
enum class TextEncoding { kUndecided, kUtf8, kWindows1252, kUtf16Le, kUtf16Be };
/// "UTF-8", "Windows-1252", "UTF-16LE", "UTF-16BE"; "ASCII" while undecided.
std::string_view to_string(TextEncoding encoding);

/// Windows-1252 text as UTF-8. The five bytes 1252 leaves undefined map to
/// the C1 code points of the same value, as browsers do.
std::string windows1252_to_utf8(std::string_view bytes);

/// Decodes a byte stream chunk by chunk.
///
/// The encoding is decided from the data: a UTF-16 BOM selects UTF-16; else
/// the first non-ASCII sequence decides between UTF-8 (it is valid UTF-8) and
/// Windows-1252 (it is not). Up to that point the text is ASCII, which both
/// read alike, so nothing already decoded changes. Should a UTF-8 file later
/// hold a byte that is not valid UTF-8, that byte is read as Windows-1252 and
/// counted in fallback_bytes().
///
/// Control characters other than tab, line feed, carriage return, form feed
/// and vertical tab mean the input is binary, not text: decode() then returns
/// an Error and the decoder stays failed.
class TextDecoder {
 public:
  /// Appends the UTF-8 text of `bytes` to `out`. A multi-byte sequence split
  /// between two chunks is held back until the next call.
  Status decode(std::string_view bytes, std::string& out);
  /// Ends the stream, flushing anything held back (the bytes of a truncated
  /// UTF-8 sequence are read like any invalid byte; half a UTF-16 unit
  /// becomes U+FFFD).
  Status finish(std::string& out);

  TextEncoding encoding() const { return encoding_; }
  /// Whether the input started with a byte-order mark.
  bool had_bom() const { return had_bom_; }
  /// Bytes of a UTF-8 file that were not valid UTF-8 and were read as
  /// Windows-1252.
  int64_t fallback_bytes() const { return fallback_bytes_; }
  /// The 1-based line of the first such byte; 0 if none.
  int first_fallback_line() const { return first_fallback_line_; }

 private:
  void consume_bom(std::string_view& bytes);
  Status run(std::string_view bytes, bool at_end, std::string& out);
  Status decode_8bit(std::string_view bytes, bool at_end, std::string& out);
  Status decode_utf16(std::string_view bytes, bool at_end, std::string& out);
  Status binary_error(unsigned char byte) const;

  TextEncoding encoding_ = TextEncoding::kUndecided;
  bool started_ = false;
  bool had_bom_ = false;
  std::string carry_;  // bytes of an incomplete sequence (or BOM) from the last chunk
  char16_t high_surrogate_ = 0;
  int line_ = 1;
  int64_t fallback_bytes_ = 0;
  int first_fallback_line_ = 0;
  bool failed_ = false;
  std::string error_;
};

}  // namespace plazo
