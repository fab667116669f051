#pragma once
/// \file
/// Shared by the fuzz targets: how a target reports a broken contract (as a
/// crash, so libFuzzer saves the input), and the importer's fixtures and
/// checks used by both matrix targets. Header-only; nothing here links
/// gtest, so the targets stay plain libFuzzer programs.

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "domain/dates.h"
#include "domain/model.h"
#include "importer/matrix.h"

namespace plazo::fuzz {

/// Reports a violated contract and aborts: libFuzzer treats the abort as a
/// crash and writes the input to crash-<sha1>. `detail` may be long (two
/// parse results side by side); it is printed whole.
[[noreturn]] inline void fail(std::string_view what, std::string_view detail = {}) {
  std::fprintf(stderr, "\n==plazo-fuzz== contract broken: %.*s\n%.*s\n",
               static_cast<int>(what.size()), what.data(), static_cast<int>(detail.size()),
               detail.data());
  std::abort();
}

#define PLAZO_FUZZ_CHECK(condition, detail)                    \
  do {                                                         \
    if (!(condition)) ::plazo::fuzz::fail(#condition, detail); \
  } while (false)

/// Whether `text` is well-formed UTF-8 (no overlongs, surrogates or code
/// points past U+10FFFF). Written apart from domain/utf8.h on purpose: the
/// checks judge the importer's output with a reading of their own.
inline bool valid_utf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    size_t length = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      length = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      length = 3;
      if (c == 0xE0) low = 0xA0;
      if (c == 0xED) high = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      length = 4;
      if (c == 0xF0) low = 0x90;
      if (c == 0xF4) high = 0x8F;
    } else {
      return false;
    }
    if (i + length > text.size()) return false;
    for (size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if (next < (k == 1 ? low : 0x80) || next > (k == 1 ? high : 0xBF)) return false;
    }
    i += length;
  }
  return true;
}

// -- Importer ----------------------------------------------------------------

inline Unit make_unit(std::string id, std::string name, std::vector<std::string> aliases = {},
                      bool oversight = false) {
  Unit unit;
  unit.id = std::move(id);
  unit.name = std::move(name);
  unit.aliases = std::move(aliases);
  unit.oversight = oversight;
  return unit;
}

/// The units of the seed's entity (as tests/importer/importer_fixture.h has
/// them), so unit names in the seed's rows resolve and the resolver's
/// matching paths are reached, not only its "unknown unit" one.
inline ImportOptions itagui_options() {
  ImportOptions options;
  options.units = {
      make_unit("planeacion", "Departamento Administrativo de Planeación"),
      make_unit("evaluacion", "Secretaría de Evaluación y Control", {}, true),
      make_unit("general", "Secretaría General"),
      make_unit("servicios-administrativos", "Secretaría de Servicios Administrativos"),
      make_unit("educacion", "Secretaría de Educación"),
      make_unit("tic", "Dirección de las TIC"),
      make_unit("participacion", "Secretaría de Participación"),
      make_unit("juridica", "Secretaría Jurídica"),
      make_unit("comunicaciones", "Secretaría de Comunicaciones",
                {"Secretaría de las comunicaciones"}),
      make_unit("gobierno", "Secretaría de Gobierno"),
      make_unit("familia", "Secretaría de Familia"),
      make_unit("hacienda", "Secretaría de Hacienda"),
  };
  return options;
}

/// Everything a parse produced, as one comparable text (two parses of the
/// same matrix must give the same text).
inline std::string describe(const Result<ParsedMatrix>& result) {
  if (!result.ok()) return "error: " + result.error().message + "\n";
  const ParsedMatrix& m = *result;
  std::string out = "plan " + m.plan + " " + std::to_string(m.year) + "\n";
  auto list = [&](const std::vector<std::string>& ids) {
    for (const auto& id : ids) out += " " + id;
    out += "\n";
  };
  for (const auto& imported : m.activities) {
    const Activity& a = imported.activity;
    out += "activity " + a.number + " line " + std::to_string(imported.source_line) + "\n";
    out += " plan " + a.plan + " " + std::to_string(a.year) + "\n";
    out += " component " + a.component + "\n subcomponent " + a.subcomponent + "\n";
    out += " title " + a.title + "\n deliverable " + a.deliverable + "\n";
    out += " indicator " + a.indicator + "\n goal " + a.goal + "\n";
    out += " responsible";
    list(a.responsible);
    out += " co_responsible";
    list(a.co_responsible);
    out += " responsible_text " + imported.responsible_text + "\n";
    out += " co_responsible_text " + imported.co_responsible_text + "\n";
    out += " periods";
    for (int p : a.periods) out += " " + std::to_string(p);
    out += "\n deadline " + (a.deadline ? format_iso_date(*a.deadline) : std::string("none"));
    for (const auto& p : imported.history) {
      out += "\n progress " + format_iso_date(p.as_of) + " " + std::to_string(p.percent) + " " +
             p.note;
    }
    out += "\n";
  }
  for (const auto& w : m.warnings) {
    out += "warning " + std::to_string(w.line) + " [" + w.activity + "] " + w.message + "\n";
  }
  return out;
}

/// What matrix.h promises of every successful parse.
inline void check_matrix(const Result<ParsedMatrix>& result, const ImportOptions& options) {
  if (!result.ok()) {
    PLAZO_FUZZ_CHECK(!result.error().message.empty(), "an error without a message");
    return;
  }
  const ParsedMatrix& m = *result;
  PLAZO_FUZZ_CHECK(!m.plan.empty() && m.year != 0, describe(result));
  PLAZO_FUZZ_CHECK(!m.activities.empty(), describe(result));
  if (options.plan) PLAZO_FUZZ_CHECK(m.plan == *options.plan, describe(result));
  if (options.year) PLAZO_FUZZ_CHECK(m.year == *options.year, describe(result));
  std::vector<std::string> numbers;
  for (const auto& imported : m.activities) {
    const Activity& a = imported.activity;
    const std::string where = "activity " + a.number + "\n" + describe(result);
    PLAZO_FUZZ_CHECK(a.plan == m.plan && a.year == m.year, where);
    PLAZO_FUZZ_CHECK(!a.number.empty(), where);
    for (const auto& n : numbers) PLAZO_FUZZ_CHECK(n != a.number, "duplicate " + where);
    numbers.push_back(a.number);
    PLAZO_FUZZ_CHECK(imported.source_line >= 1, where);
    for (int p : a.periods) PLAZO_FUZZ_CHECK(p >= 1 && p <= 3, where);
    for (const auto* ids : {&a.responsible, &a.co_responsible}) {
      for (const auto& id : *ids) {
        bool known = false;
        for (const auto& unit : options.units) known = known || unit.id == id;
        PLAZO_FUZZ_CHECK(known, "unit id " + id + " is not configured, " + where);
      }
    }
    for (size_t i = 0; i < imported.history.size(); ++i) {
      const Progress& p = imported.history[i];
      PLAZO_FUZZ_CHECK(p.percent >= 0 && p.percent <= 100, where);
      if (i > 0) PLAZO_FUZZ_CHECK(imported.history[i - 1].as_of <= p.as_of, where);
      PLAZO_FUZZ_CHECK(valid_utf8(p.note), "note not UTF-8, " + where);
    }
    // The activity's progress is the latest entry of its history.
    PLAZO_FUZZ_CHECK(a.progress.has_value() == !imported.history.empty(), where);
    if (a.progress) {
      PLAZO_FUZZ_CHECK(a.progress->as_of == imported.history.back().as_of &&
                           a.progress->percent == imported.history.back().percent,
                       where);
    }
    // Text comes out as UTF-8 whatever the file's encoding: storage and the
    // JSON outputs rely on it.
    for (const std::string* text :
         {&a.number, &a.component, &a.subcomponent, &a.title, &a.deliverable, &a.indicator, &a.goal,
          &imported.responsible_text, &imported.co_responsible_text}) {
      PLAZO_FUZZ_CHECK(valid_utf8(*text), "text not UTF-8, " + where);
    }
  }
  for (size_t i = 0; i < m.warnings.size(); ++i) {
    const ImportWarning& w = m.warnings[i];
    PLAZO_FUZZ_CHECK(w.line >= 0 && !w.message.empty(), describe(result));
    PLAZO_FUZZ_CHECK(valid_utf8(w.message) && valid_utf8(w.activity),
                     "warning not UTF-8\n" + describe(result));
    if (i == 0) continue;
    const ImportWarning& previous = m.warnings[i - 1];
    // Sorted by line; on one line, those about the file first.
    PLAZO_FUZZ_CHECK(previous.line < w.line || (previous.line == w.line &&
                                                (previous.activity.empty() || !w.activity.empty())),
                     "warnings out of order\n" + describe(result));
  }
}

}  // namespace plazo::fuzz
