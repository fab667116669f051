// Fuzzes the plan-matrix importer on raw file bytes: whatever the encoding
// (UTF-8, Windows-1252, UTF-16) and separator (tab, semicolon, comma) the
// bytes suggest, as `plazo import` reads them. Beyond "no crash, no
// sanitizer report", it checks what importer/matrix.h promises of a parse
// (fuzz_support.h) and that MatrixParser gives the same result however the
// bytes are cut into chunks: parse_matrix_file reads 256 KiB at a time, so
// every chunk boundary lands somewhere in a real file.
//
// Seeds: fuzz/corpus/matrix/ (slices of the reference matrix in each format).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/fuzz_support.h"
#include "importer/matrix.h"

namespace {

using plazo::ImportOptions;
using plazo::MatrixParser;
using plazo::ParsedMatrix;
using plazo::Result;

// A deterministic function of the input, so a saved crash replays.
uint64_t fnv1a(std::string_view bytes) {
  uint64_t hash = 1469598103934665603ULL;
  for (const char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return hash;
}

// Feeds `bytes` in chunks of 1..`max_chunk` bytes chosen by `seed`: small
// chunks split multi-byte characters, CRLF pairs, quoted cells and BOMs.
Result<ParsedMatrix> parse_in_chunks(std::string_view bytes, const ImportOptions& options,
                                     uint64_t seed, size_t max_chunk) {
  MatrixParser parser(options);
  uint64_t state = seed | 1;
  size_t offset = 0;
  while (offset < bytes.size()) {
    state ^= state << 13;  // xorshift64
    state ^= state >> 7;
    state ^= state << 17;
    const size_t size = 1 + static_cast<size_t>(state % max_chunk);
    if (auto status = parser.feed(bytes.substr(offset, size)); !status) {
      // After an error every later call returns it again (matrix.h).
      auto again = parser.feed("x");
      PLAZO_FUZZ_CHECK(!again && again.error().message == status.error().message,
                       status.error().message);
      auto finished = parser.finish();
      PLAZO_FUZZ_CHECK(!finished.ok() && finished.error().message == status.error().message,
                       status.error().message);
      return status.error();
    }
    offset += size;
  }
  return parser.finish();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  static const ImportOptions plain = plazo::fuzz::itagui_options();
  // With the plan and year given, a file without a title is still parsed to
  // the end (dates, components), which is where most of the code is.
  static const ImportOptions given = [] {
    ImportOptions options = plazo::fuzz::itagui_options();
    options.plan = "PAAC";
    options.year = 2023;
    return options;
  }();

  const auto from_title = plazo::parse_matrix(bytes, plain);
  plazo::fuzz::check_matrix(from_title, plain);

  const auto whole = plazo::parse_matrix(bytes, given);
  plazo::fuzz::check_matrix(whole, given);

  const uint64_t seed = fnv1a(bytes);
  const size_t max_chunk = (seed >> 60) < 4 ? 1 : (seed >> 60) < 10 ? 16 : 512;
  const auto chunked = parse_in_chunks(bytes, given, seed, max_chunk);
  const std::string expected = plazo::fuzz::describe(whole);
  const std::string got = plazo::fuzz::describe(chunked);
  if (expected != got) {
    plazo::fuzz::fail(
        "chunked parse differs from whole parse (max chunk " + std::to_string(max_chunk) + ")",
        "--- whole\n" + expected + "--- chunked\n" + got);
  }
  return 0;
}
