#include "importer/text.h"

#include <algorithm>

namespace plazo {
namespace {

bool is_space_byte(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// ASCII folding of U+00C0..U+00FF (the Latin-1 letters Spanish uses and their
// neighbours); "" means the character separates words.
constexpr const char* kLatin1Fold[64] = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",   // C0
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "ss",  // D0
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",   // E0
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "y",   // F0
};

}  // namespace

std::string_view trim_text(std::string_view text) {
  while (!text.empty()) {
    if (is_space_byte(static_cast<unsigned char>(text.front()))) {
      text.remove_prefix(1);
    } else if (text.size() >= 2 && text[0] == '\xC2' && text[1] == '\xA0') {
      text.remove_prefix(2);
    } else {
      break;
    }
  }
  while (!text.empty()) {
    if (is_space_byte(static_cast<unsigned char>(text.back()))) {
      text.remove_suffix(1);
    } else if (text.size() >= 2 && text[text.size() - 2] == '\xC2' && text.back() == '\xA0') {
      text.remove_suffix(2);
    } else {
      break;
    }
  }
  return text;
}

size_t fold_character(std::string_view text, size_t i, std::string_view& folded) {
  static constexpr std::string_view kLetters = "abcdefghijklmnopqrstuvwxyz";
  static constexpr std::string_view kDigits = "0123456789";
  const auto c = static_cast<unsigned char>(text[i]);
  folded = {};
  if (c < 0x80) {
    if (c >= 'A' && c <= 'Z') folded = kLetters.substr(c - 'A', 1);
    if (c >= 'a' && c <= 'z') folded = kLetters.substr(c - 'a', 1);
    if (c >= '0' && c <= '9') folded = kDigits.substr(c - '0', 1);
    return 1;
  }
  size_t length = 1;
  if ((c & 0xE0) == 0xC0) {
    length = 2;
  } else if ((c & 0xF0) == 0xE0) {
    length = 3;
  } else if ((c & 0xF8) == 0xF0) {
    length = 4;
  }
  // Only U+00C0..U+00FF (C3 80..C3 BF) fold to letters.
  if (c == 0xC3 && i + 1 < text.size()) {
    const auto next = static_cast<unsigned char>(text[i + 1]);
    if (next >= 0x80 && next <= 0xBF) folded = kLatin1Fold[next - 0x80];
  }
  return std::min(length, text.size() - i);
}

std::string fold_for_match(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  for (size_t i = 0; i < text.size();) {
    std::string_view piece;
    i += fold_character(text, i, piece);
    if (piece.empty()) {
      pending_space = true;
      continue;
    }
    if (pending_space && !out.empty()) out.push_back(' ');
    pending_space = false;
    out.append(piece);
  }
  return out;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

}  // namespace plazo
