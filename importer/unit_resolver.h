#pragma once
/// \file
/// Which configured units a matrix cell names. Matrices spell units as people
/// type them ("Departamento Administrativo de planeación", "Dirección de las
/// Tic"), often two to a cell ("Secretaría Jurídica Dirección de las TIC",
/// "Dirección de las TIC / Secretaría de comunicaciones").

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "domain/model.h"

namespace plazo {

/// What a cell says about units.
struct UnitMatch {
  /// Ids of the units named, in the order written, without repeats.
  std::vector<std::string> unit_ids;
  /// Stretches of the cell that name no configured unit, as written
  /// ("Oficina de Prensa"). Separators ("/", ",", "y", "-") between names
  /// are not reported.
  std::vector<std::string> unknown;
  /// The cell says there is no unit ("No aplica", "N/A", "Ninguna", "-") or
  /// is empty.
  bool none = false;

  /// Every part of the cell was understood (no unknown stretches).
  bool resolved() const { return unknown.empty(); }
};

/// Resolves unit names against the configured units' names and aliases,
/// ignoring case, accents, punctuation and spacing (see fold_for_match).
/// A cell naming several units is split by longest match on the folded
/// words, with or without a separator between the names. Immutable after
/// construction; safe to share between threads.
class UnitResolver {
 public:
  /// Indexes the units' names and aliases. When two units share a spelling,
  /// the first unit listed keeps it.
  explicit UnitResolver(const std::vector<Unit>& units);

  /// The units named by `cell`.
  UnitMatch resolve(std::string_view cell) const;

 private:
  struct Spelling {
    std::vector<std::string> words;  // folded words, e.g. {"direccion","de","las","tic"}
    std::string unit_id;
  };
  // Spellings by their first folded word, longest first.
  std::unordered_map<std::string, std::vector<Spelling>> by_first_word_;
};

}  // namespace plazo
