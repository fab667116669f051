#pragma once
/// \file
/// UTF-8 as RFC 3629 defines it: no overlong forms, no surrogates, nothing
/// above U+10FFFF. One reading for the importer's encoding detection and the
/// JSON writer's and reader's checks.

#include <cstddef>
#include <string_view>

namespace plazo {

/// What starts at one byte of a text.
struct Utf8Sequence {
  /// Bytes of the valid sequence that starts there; 0 when none does.
  size_t length = 0;
  /// Leading bytes that could still have begun a valid sequence (0 for a
  /// byte that cannot lead one); an invalid sequence is replaced by one
  /// U+FFFD per such maximal prefix.
  size_t valid_prefix = 0;
  /// The text ends inside a sequence that was valid so far (more bytes could
  /// complete it).
  bool truncated = false;
};

/// The sequence starting at text[at]; `at` must hold a byte >= 0x80.
Utf8Sequence utf8_sequence_at(std::string_view text, size_t at);

/// Whether all of `text` is well-formed UTF-8.
bool is_valid_utf8(std::string_view text);

}  // namespace plazo
