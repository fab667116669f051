#include "importer/encoding.h"

#include <array>

#include "domain/utf8.h"
#include "importer/text.h"

namespace plazo {
namespace {

constexpr std::array<char16_t, 32> kCp1252High = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,  // 80
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,  // 88
    0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,  // 90
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,  // 98
};

char32_t cp1252_code_point(unsigned char byte) {
  if (byte >= 0x80 && byte < 0xA0) return kCp1252High[byte - 0x80];
  return byte;
}

bool is_binary_control(char32_t c) {
  return c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v';
}

}  // namespace

std::string_view to_string(TextEncoding encoding) {
  switch (encoding) {
    case TextEncoding::kUndecided:
      return "ASCII";
    case TextEncoding::kUtf8:
      return "UTF-8";
    case TextEncoding::kWindows1252:
      return "Windows-1252";
    case TextEncoding::kUtf16Le:
      return "UTF-16LE";
    case TextEncoding::kUtf16Be:
      return "UTF-16BE";
  }
  return "unknown";
}

std::string windows1252_to_utf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 8);
  for (char b : bytes) append_utf8(out, cp1252_code_point(static_cast<unsigned char>(b)));
  return out;
}

Status TextDecoder::binary_error(unsigned char byte) const {
  return Error{"the file holds binary data (byte 0x" +
               std::string(1, "0123456789ABCDEF"[byte >> 4]) +
               std::string(1, "0123456789ABCDEF"[byte & 0xF]) + " on line " +
               std::to_string(line_) + "), so it is not a plan matrix in text, TSV or CSV form"};
}

void TextDecoder::consume_bom(std::string_view& bytes) {
  started_ = true;
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") {
    had_bom_ = true;
    encoding_ = TextEncoding::kUtf8;
    bytes.remove_prefix(3);
  } else if (bytes.substr(0, 2) == "\xFF\xFE") {
    had_bom_ = true;
    encoding_ = TextEncoding::kUtf16Le;
    bytes.remove_prefix(2);
  } else if (bytes.substr(0, 2) == "\xFE\xFF") {
    had_bom_ = true;
    encoding_ = TextEncoding::kUtf16Be;
    bytes.remove_prefix(2);
  }
}

Status TextDecoder::run(std::string_view bytes, bool at_end, std::string& out) {
  if (failed_) return Error{error_};
  std::string joined;
  if (!carry_.empty()) {
    joined = carry_ + std::string(bytes);
    carry_.clear();
    bytes = joined;
  }
  if (!started_) {
    // The byte-order mark decides before anything else: hold back what may
    // be the start of one.
    const bool bom_prefix =
        bytes.size() < 3 && (std::string_view("\xEF\xBB\xBF").substr(0, bytes.size()) == bytes ||
                             (bytes.size() == 1 && (bytes[0] == '\xFF' || bytes[0] == '\xFE')));
    if (bom_prefix && !at_end) {
      carry_.assign(bytes);
      return {};
    }
    consume_bom(bytes);
  }
  const bool utf16 = encoding_ == TextEncoding::kUtf16Le || encoding_ == TextEncoding::kUtf16Be;
  Status status = utf16 ? decode_utf16(bytes, at_end, out) : decode_8bit(bytes, at_end, out);
  if (status && at_end && high_surrogate_ != 0) {
    append_utf8(out, 0xFFFD);
    high_surrogate_ = 0;
  }
  if (!status) {
    failed_ = true;
    error_ = status.error().message;
  }
  return status;
}

Status TextDecoder::decode(std::string_view bytes, std::string& out) {
  return run(bytes, false, out);
}

Status TextDecoder::finish(std::string& out) {
  return run({}, true, out);
}

Status TextDecoder::decode_8bit(std::string_view bytes, bool at_end, std::string& out) {
  out.reserve(out.size() + bytes.size());
  size_t i = 0;
  while (i < bytes.size()) {
    // ASCII runs are the common case: copy them in one go.
    size_t run = i;
    while (run < bytes.size()) {
      const auto c = static_cast<unsigned char>(bytes[run]);
      if (c >= 0x80) break;
      if (c < 0x20) {
        if (is_binary_control(c)) {
          out.append(bytes.substr(i, run - i));
          return binary_error(c);
        }
        if (c == '\n') ++line_;
      }
      ++run;
    }
    out.append(bytes.substr(i, run - i));
    i = run;
    if (i >= bytes.size()) break;

    if (encoding_ == TextEncoding::kWindows1252) {
      append_utf8(out, cp1252_code_point(static_cast<unsigned char>(bytes[i])));
      ++i;
      continue;
    }
    const Utf8Sequence sequence = utf8_sequence_at(bytes, i);
    if (sequence.truncated && !at_end) {
      carry_.assign(bytes.substr(i));
      break;
    }
    if (sequence.length > 0) {
      if (encoding_ == TextEncoding::kUndecided) encoding_ = TextEncoding::kUtf8;
      out.append(bytes.substr(i, sequence.length));
      i += sequence.length;
      continue;
    }
    // Not UTF-8. Before any UTF-8 was seen the file is Windows-1252; after,
    // it is a stray byte in a UTF-8 file, read the same way and counted.
    if (encoding_ == TextEncoding::kUndecided) {
      encoding_ = TextEncoding::kWindows1252;
    } else {
      ++fallback_bytes_;
      if (first_fallback_line_ == 0) first_fallback_line_ = line_;
    }
    append_utf8(out, cp1252_code_point(static_cast<unsigned char>(bytes[i])));
    ++i;
  }
  return {};
}

Status TextDecoder::decode_utf16(std::string_view bytes, bool at_end, std::string& out) {
  const bool little = encoding_ == TextEncoding::kUtf16Le;
  size_t i = 0;
  for (; i + 1 < bytes.size(); i += 2) {
    const auto b0 = static_cast<unsigned char>(bytes[i]);
    const auto b1 = static_cast<unsigned char>(bytes[i + 1]);
    const auto unit = static_cast<char16_t>(little ? (b0 | (b1 << 8)) : ((b0 << 8) | b1));
    if (high_surrogate_ != 0) {
      const char16_t high = high_surrogate_;
      high_surrogate_ = 0;
      if (unit >= 0xDC00 && unit <= 0xDFFF) {
        append_utf8(out,
                    0x10000 + ((static_cast<char32_t>(high) - 0xD800) << 10) + (unit - 0xDC00));
        continue;
      }
      append_utf8(out, 0xFFFD);
    }
    if (unit >= 0xD800 && unit <= 0xDBFF) {
      high_surrogate_ = unit;
      continue;
    }
    if (is_binary_control(unit)) return binary_error(static_cast<unsigned char>(unit));
    if (unit == '\n') ++line_;
    append_utf8(out, unit);
  }
  if (i < bytes.size()) {
    if (at_end) {
      append_utf8(out, 0xFFFD);
    } else {
      carry_.assign(bytes.substr(i));
    }
  }
  return {};
}

}  // namespace plazo
