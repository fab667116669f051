#pragma once
/// \file
/// Small text helpers the importer shares: trimming cells and folding text
/// for comparison (case, accents, punctuation and spacing ignored). All
/// functions take and return UTF-8 and are pure.

#include <cstddef>
#include <string>
#include <string_view>

namespace plazo {

/// `text` without leading and trailing whitespace (ASCII whitespace and the
/// UTF-8 no-break space U+00A0).
std::string_view trim_text(std::string_view text);

/// A comparison key for names: lower-case ASCII letters and digits separated
/// by single spaces. Latin-1 letters lose their accents ("Planeación" ->
/// "planeacion", "Ñ" -> "n"); every other character (punctuation, symbols
/// such as "°" and "º", other scripts) separates words. So
/// "UNIDAD ADMINISTRATIVA CO-RESPONSABLE" -> "unidad administrativa co responsable"
/// and "N°" -> "n".
std::string fold_for_match(std::string_view text);

/// Folds the one character that starts at `text[i]`: sets `folded` to its
/// comparison form (a lower-case ASCII letter or digit, "ae"/"ss"/"th" for
/// the ligatures, or "" when it separates words) and returns its length in
/// bytes (at least 1).
size_t fold_character(std::string_view text, size_t i, std::string_view& folded);

/// Appends the UTF-8 encoding of `code_point` to `out`. Code points that are
/// not Unicode scalar values become U+FFFD.
void append_utf8(std::string& out, char32_t code_point);

}  // namespace plazo
