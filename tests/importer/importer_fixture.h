#pragma once
/// \file
/// Shared by the importer tests: the units of the seed's entity (the
/// Alcaldía de Itagüí), written by hand so these tests do not depend on the
/// config loader, and small helpers to read the seed and compare results.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "domain/dates.h"
#include "domain/model.h"
#include "importer/matrix.h"
#include "support/temp_dir.h"

namespace plazo::testing {

inline Unit make_unit(std::string id, std::string name, std::vector<std::string> aliases = {},
                      bool oversight = false) {
  Unit unit;
  unit.id = std::move(id);
  unit.name = std::move(name);
  unit.aliases = std::move(aliases);
  unit.oversight = oversight;
  return unit;
}

/// The twelve units of the seed's entity.
inline std::vector<Unit> itagui_units() {
  return {
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
}

inline ImportOptions itagui_options() {
  ImportOptions options;
  options.units = itagui_units();
  return options;
}

inline std::string seed_path() {
  return std::string(PLAZO_SEED_DIR) + "/paac-itagui-2023-seguimiento-2.txt";
}

/// The seed's bytes; fails the test if the file is missing.
inline std::string seed_bytes() {
  std::string bytes = read_file(seed_path());
  EXPECT_FALSE(bytes.empty()) << "cannot read " << seed_path();
  return bytes;
}

inline Date ymd(int y, unsigned m, unsigned d) {
  return *make_date(y, m, d);
}

/// The activity with `number`, or nullptr.
inline const ImportedActivity* find_activity(const ParsedMatrix& matrix,
                                             const std::string& number) {
  for (const auto& imported : matrix.activities) {
    if (imported.activity.number == number) return &imported;
  }
  return nullptr;
}

/// Everything plazo stores of an activity, as one comparable text.
inline std::string describe(const ImportedActivity& imported) {
  const Activity& a = imported.activity;
  std::string out = a.plan + " " + std::to_string(a.year) + " " + a.number + "\n";
  out += "component: " + a.component + "\nsubcomponent: " + a.subcomponent + "\n";
  out += "title: " + a.title + "\ndeliverable: " + a.deliverable + "\nindicator: " + a.indicator +
         "\ngoal: " + a.goal + "\nresponsible:";
  for (const auto& id : a.responsible) out += " " + id;
  out += "\nco_responsible:";
  for (const auto& id : a.co_responsible) out += " " + id;
  out += "\nperiods:";
  for (int p : a.periods) out += " " + std::to_string(p);
  out += "\ndeadline: " + (a.deadline ? format_iso_date(*a.deadline) : std::string("none"));
  out += "\nprogress: " + (a.progress
                               ? format_iso_date(a.progress->as_of) + " " +
                                     std::to_string(a.progress->percent) + "% " + a.progress->note
                               : std::string("none"));
  for (const auto& p : imported.history) {
    out +=
        "\nhistory: " + format_iso_date(p.as_of) + " " + std::to_string(p.percent) + "% " + p.note;
  }
  return out;
}

}  // namespace plazo::testing
