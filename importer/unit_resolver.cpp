#include "importer/unit_resolver.h"

#include <algorithm>

#include "importer/text.h"

namespace plazo {
namespace {

// A word of a cell: its folded form and where it sits in the original text.
struct Word {
  std::string folded;
  size_t begin = 0;  // byte offsets into the cell
  size_t end = 0;
};

// Splits `text` into words the way fold_for_match does, keeping offsets so
// that unknown stretches can be quoted as written.
std::vector<Word> split_words(std::string_view text) {
  std::vector<Word> words;
  bool in_word = false;
  for (size_t i = 0; i < text.size();) {
    std::string_view piece;
    const size_t length = fold_character(text, i, piece);
    if (piece.empty()) {
      in_word = false;
    } else {
      if (!in_word) words.push_back(Word{{}, i, i});
      in_word = true;
      words.back().folded.append(piece);
      words.back().end = i + length;
    }
    i += length;
  }
  return words;
}

bool is_separator_word(std::string_view word) {
  return word == "y" || word == "e";
}

bool says_none(const std::vector<Word>& words) {
  if (words.empty()) return true;
  std::string joined;
  for (const auto& w : words) {
    if (!joined.empty()) joined += ' ';
    joined += w.folded;
  }
  return joined == "no aplica" || joined == "n a" || joined == "na" || joined == "ninguna" ||
         joined == "ninguno" || joined == "no" || joined == "sin";
}

}  // namespace

UnitResolver::UnitResolver(const std::vector<Unit>& units) {
  for (const auto& unit : units) {
    std::vector<std::string_view> spellings{unit.name};
    for (const auto& alias : unit.aliases) spellings.push_back(alias);
    for (std::string_view spelling : spellings) {
      std::vector<std::string> words;
      for (auto& w : split_words(spelling)) words.push_back(std::move(w.folded));
      if (words.empty()) continue;
      auto& bucket = by_first_word_[words.front()];
      const bool taken = std::any_of(bucket.begin(), bucket.end(),
                                     [&](const Spelling& s) { return s.words == words; });
      if (!taken) bucket.push_back(Spelling{std::move(words), unit.id});
    }
  }
  for (auto& [first, bucket] : by_first_word_) {
    std::stable_sort(bucket.begin(), bucket.end(), [](const Spelling& a, const Spelling& b) {
      return a.words.size() > b.words.size();
    });
  }
}

UnitMatch UnitResolver::resolve(std::string_view cell) const {
  UnitMatch match;
  const std::vector<Word> words = split_words(cell);
  if (says_none(words)) {
    match.none = true;
    return match;
  }
  // An unknown stretch runs between two matches; separator words at its
  // ends are not part of it.
  size_t first_unknown = words.size();
  size_t last_unknown = 0;
  auto flush_unknown = [&] {
    if (first_unknown < words.size()) {
      match.unknown.emplace_back(trim_text(cell.substr(
          words[first_unknown].begin, words[last_unknown].end - words[first_unknown].begin)));
    }
    first_unknown = words.size();
  };
  size_t i = 0;
  while (i < words.size()) {
    const Spelling* best = nullptr;
    if (auto it = by_first_word_.find(words[i].folded); it != by_first_word_.end()) {
      for (const auto& spelling : it->second) {
        if (i + spelling.words.size() > words.size()) continue;
        bool equal = true;
        for (size_t k = 1; k < spelling.words.size() && equal; ++k) {
          equal = spelling.words[k] == words[i + k].folded;
        }
        if (equal) {
          best = &spelling;  // longest first, so the first hit is the longest
          break;
        }
      }
    }
    if (best != nullptr) {
      flush_unknown();
      if (std::find(match.unit_ids.begin(), match.unit_ids.end(), best->unit_id) ==
          match.unit_ids.end()) {
        match.unit_ids.push_back(best->unit_id);
      }
      i += best->words.size();
      continue;
    }
    if (!is_separator_word(words[i].folded)) {
      if (first_unknown == words.size()) first_unknown = i;
      last_unknown = i;
    }
    ++i;
  }
  flush_unknown();
  return match;
}

}  // namespace plazo
