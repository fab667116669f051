// The reference input: the second 2023 follow-up of the PAAC of the
// Alcaldía de Itagüí, with every irregularity DESIGN.md lists.

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "importer/matrix.h"
#include "importer_fixture.h"

namespace plazo::testing {
namespace {

class SeedTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto parsed = parse_matrix(seed_bytes(), itagui_options());
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    matrix_ = new ParsedMatrix(std::move(parsed).value());
  }
  static void TearDownTestSuite() {
    delete matrix_;
    matrix_ = nullptr;
  }
  static const ParsedMatrix& matrix() { return *matrix_; }
  static const ImportedActivity& activity(const std::string& number) {
    const ImportedActivity* found = find_activity(*matrix_, number);
    if (found == nullptr) {
      ADD_FAILURE() << "activity " << number << " missing";
      static const ImportedActivity kNone;
      return kNone;
    }
    return *found;
  }

 private:
  static ParsedMatrix* matrix_;
};
ParsedMatrix* SeedTest::matrix_ = nullptr;

TEST_F(SeedTest, PlanAndYearComeFromTheTitle) {
  EXPECT_EQ(matrix().plan, "PAAC");
  EXPECT_EQ(matrix().year, 2023);
  for (const auto& imported : matrix().activities) {
    EXPECT_EQ(imported.activity.plan, "PAAC");
    EXPECT_EQ(imported.activity.year, 2023);
  }
}

TEST_F(SeedTest, HasExactlyItsEightyFourActivitiesInFileOrder) {
  std::vector<std::string> expected;
  for (auto [component, count] :
       std::vector<std::pair<int, int>>{{1, 15}, {2, 7}, {3, 15}, {4, 22}, {5, 15}, {6, 10}}) {
    for (int k = 1; k <= count; ++k) {
      expected.push_back(std::to_string(component) + "." + std::to_string(k));
    }
  }
  std::vector<std::string> numbers;
  for (const auto& imported : matrix().activities) numbers.push_back(imported.activity.number);
  EXPECT_EQ(numbers, expected);
  EXPECT_EQ(matrix().activities.size(), 84u);
}

// One row of the seed as it must come out.
struct Row {
  std::string number;
  int line;
  std::optional<Date> deadline;
  std::vector<std::string> responsible;
  std::vector<std::string> co_responsible;
  std::vector<int> periods;
  std::vector<int> history;  // percent at 30/04, then 31/08 (only those present)
  std::vector<Date> history_dates;
};

const Date kApr = ymd(2023, 4, 30);
const Date kAug = ymd(2023, 8, 31);

std::vector<Row> hard_rows() {
  const std::vector<Date> both = {kApr, kAug};
  return {
      // Block 1: 20 columns, April % under ABRIL, August text and % under
      // AGOSTO / SEPTIEMBRE.
      {"1.1", 12, ymd(2023, 1, 20), {"planeacion"}, {}, {1}, {100, 100}, both},
      {"1.2", 13, ymd(2023, 1, 31), {"planeacion"}, {}, {1}, {100, 100}, both},
      {"1.3", 14, ymd(2023, 6, 30), {"planeacion"}, {}, {2}, {100, 100}, both},
      {"1.4", 15, ymd(2023, 1, 31), {"planeacion"}, {}, {1}, {100, 100}, both},
      {"1.5", 16, ymd(2023, 12, 29), {"planeacion"}, {}, {1, 2, 3}, {33, 66}, both},
      // Number one column left and an extra empty cell before META.
      {"1.6", 17, ymd(2023, 1, 20), {"planeacion"}, {"tic"}, {1}, {100, 100}, both},
      // Subcomponent in COMPONENTE, number repeated in SUBCOMPONENTE.
      {"1.7", 28, ymd(2023, 12, 29), {"planeacion"}, {"tic"}, {1, 2, 3}, {33, 33}, both},
      {"1.10", 31, ymd(2023, 12, 30), {"planeacion"}, {}, {1, 2, 3}, {33, 66}, both},
      {"1.13", 34, ymd(2023, 12, 30), {"evaluacion"}, {}, {1, 2, 3}, {40, 70}, both},
      // Empty row.
      {"3.1", 54, std::nullopt, {}, {}, {}, {}, {}},
      // Extra empty cell before the marks; August text without a percentage.
      {"3.11", 80, ymd(2023, 12, 30), {"evaluacion"}, {"tic"}, {1, 2, 3}, {25}, {kApr}},
      // Empty follow-up texts.
      {"3.12", 91, ymd(2023, 6, 30), {"educacion"}, {}, {3}, {50, 100}, both},
      {"3.13", 92, ymd(2023, 4, 30), {"educacion"}, {}, {1}, {100, 100}, both},
      {"3.14", 93, ymd(2023, 4, 21), {"educacion"}, {}, {1}, {100, 100}, both},
      // Deadline outside the year, stored as written.
      {"3.15", 104, ymd(2028, 8, 30), {"general"}, {}, {2}, {0, 0}, both},
      // Percentage first, then both texts, then the August percentage.
      {"4.6", 120, ymd(2023, 12, 29), {"planeacion"}, {"tic"}, {1, 2, 3}, {33, 66}, both},
      {"4.7", 121, ymd(2023, 11, 30), {"planeacion"}, {"tic"}, {2}, {93, 93}, both},
      {"4.8", 122, ymd(2023, 11, 30), {"participacion"}, {}, {1, 2, 3}, {33, 66}, both},
      {"4.9", 123, ymd(2023, 7, 14), {"planeacion"}, {}, {2}, {51, 51}, both},
      {"4.10", 124, ymd(2023, 11, 30), {"planeacion"}, {}, {1, 2, 3}, {25, 75}, both},
      // April percentage, August text, August percentage.
      {"4.14", 150, ymd(2023, 11, 30), {"participacion"}, {}, {1, 2, 3}, {33, 66}, both},
      {"4.15", 151, ymd(2023, 11, 30), {"planeacion"}, {}, {1, 2, 3}, {33, 66}, both},
      {"4.16", 152, ymd(2023, 11, 30), {"planeacion"}, {}, {1, 2, 3}, {25, 66}, both},
      {"4.17",
       153,
       ymd(2023, 12, 30),
       {"planeacion"},
       {"hacienda", "tic"},
       {1, 2, 3},
       {33, 66},
       both},
      {"4.18", 154, ymd(2023, 11, 30), {"planeacion"}, {}, {1, 2, 3}, {0, 0}, both},
      {"4.19",
       155,
       ymd(2023, 12, 30),
       {"planeacion"},
       {"juridica", "tic"},
       {1, 2, 3},
       {33, 33},
       both},
      {"4.20", 156, ymd(2023, 4, 30), {"evaluacion"}, {}, {1, 2, 3}, {100, 100}, both},
      {"4.21", 157, ymd(2023, 4, 30), {"evaluacion"}, {}, {1, 2, 3}, {100, 100}, both},
      {"4.22", 168, ymd(2023, 12, 15), {"evaluacion"}, {}, {1, 2, 3}, {33, 66}, both},
      // Three units across the two unit columns.
      {"5.7",
       175,
       ymd(2023, 12, 30),
       {"planeacion"},
       {"comunicaciones", "tic"},
       {1, 2},
       {0},
       {kApr}},
      // "Pública": the tail of component 5's name.
      {"5.9", 200, ymd(2023, 12, 30), {"tic"}, {}, {1, 2, 3}, {33, 33}, both},
      // One period cell missing.
      {"5.11", 202, ymd(2023, 11, 30), {"general"}, {}, {2}, {20, 50}, both},
      // Number in the first column.
      {"5.15", 206, ymd(2023, 11, 30), {"evaluacion"}, {}, {2, 3}, {50, 50}, both},
      // An extra empty cell before the date (6.3 also outside the year).
      {"6.3", 219, ymd(2022, 12, 30), {"juridica"}, {}, {1, 2, 3}, {33, 33}, both},
      {"6.4", 220, ymd(2023, 11, 30), {"planeacion"}, {}, {1, 2, 3}, {40, 70}, both},
      {"6.5", 221, ymd(2023, 11, 30), {"planeacion"}, {}, {1, 2, 3}, {40, 70}, both},
  };
}

std::vector<Row> sample_rows() {
  const std::vector<Date> both = {kApr, kAug};
  return {
      {"1.8", 29, ymd(2023, 12, 30), {"evaluacion"}, {"tic"}, {1, 2, 3}, {25, 50}, both},
      {"2.1", 47, ymd(2023, 11, 30), {"general"}, {}, {1, 2, 3}, {33, 66}, both},
      {"2.4", 50, ymd(2023, 11, 30), {"evaluacion"}, {}, {1, 2}, {0, 50}, both},
      {"2.6", 52, ymd(2023, 11, 30), {"general"}, {"tic"}, {1, 2}, {0, 90}, both},
      {"3.2", 71, ymd(2023, 7, 11), {"planeacion"}, {}, {2}, {0, 33}, both},
      {"3.5", 74, ymd(2023, 12, 29), {"general"}, {}, {3}, {100, 100}, both},
      {"4.4", 108, ymd(2023, 3, 31), {"comunicaciones"}, {}, {1}, {100, 100}, both},
      {"4.11", 135, ymd(2023, 12, 30), {"planeacion"}, {"tic"}, {1, 2, 3}, {0, 66}, both},
      {"4.12", 136, ymd(2023, 4, 28), {"familia"}, {}, {1}, {100, 100}, both},
      {"4.13", 137, ymd(2023, 8, 30), {"gobierno"}, {}, {1, 2}, {50, 100}, both},
      {"5.1", 169, ymd(2023, 12, 30), {"tic"}, {}, {1, 2}, {0, 50}, both},
      {"5.8", 188, ymd(2023, 10, 31), {"tic"}, {}, {2}, {0, 100}, both},
      {"5.12", 203, ymd(2023, 12, 30), {"juridica"}, {"tic"}, {1, 2, 3}, {33, 33}, both},
      {"6.1", 217, ymd(2023, 4, 30), {"educacion"}, {}, {1}, {0, 100}, both},
      {"6.9", 235, ymd(2023, 12, 30), {"tic"}, {"evaluacion"}, {1, 2, 3}, {33, 66}, both},
      {"6.10", 236, ymd(2023, 12, 30), {"tic", "comunicaciones"}, {}, {2, 3}, {0, 50}, both},
  };
}

void expect_row(const ImportedActivity& imported, const Row& row) {
  SCOPED_TRACE("activity " + row.number);
  const Activity& a = imported.activity;
  EXPECT_EQ(imported.source_line, row.line);
  EXPECT_EQ(a.deadline, row.deadline);
  EXPECT_EQ(a.responsible, row.responsible);
  EXPECT_EQ(a.co_responsible, row.co_responsible);
  EXPECT_EQ(a.periods, row.periods);
  std::vector<int> percents;
  std::vector<Date> dates;
  for (const auto& p : imported.history) {
    percents.push_back(p.percent);
    dates.push_back(p.as_of);
  }
  EXPECT_EQ(percents, row.history);
  EXPECT_EQ(dates, row.history_dates);
  if (row.history.empty()) {
    EXPECT_FALSE(a.progress.has_value());
  } else {
    ASSERT_TRUE(a.progress.has_value());
    EXPECT_EQ(a.progress->percent, row.history.back());
    EXPECT_EQ(a.progress->as_of, row.history_dates.back());
    EXPECT_EQ(a.progress->note, imported.history.back().note);
  }
}

TEST_F(SeedTest, HardRowsAreRealignedAndRead) {
  for (const Row& row : hard_rows()) expect_row(activity(row.number), row);
}

TEST_F(SeedTest, SampleOfOrdinaryRows) {
  for (const Row& row : sample_rows()) expect_row(activity(row.number), row);
}

TEST_F(SeedTest, ShiftedRowsKeepTheirTextsInTheRightFields) {
  const Activity& a16 = activity("1.6").activity;
  EXPECT_EQ(a16.title,
            "Promocionar y divulgar el Plan Anticorrupción y de Atención al Ciudadano, para "
            "conocimiento y control de actores internos y externos");
  EXPECT_EQ(a16.deliverable,
            "Publicación del Borrador del Plan Anticorrupción y de Atención al Ciudadano");
  EXPECT_EQ(a16.indicator, "1 Borrador del plan Anticorrupción publicado");
  EXPECT_EQ(a16.goal,
            "borrador del Plan Anticorrupción y de Atención al Ciudadano promocionado para su "
            "consulta");

  const Activity& a515 = activity("5.15").activity;
  EXPECT_EQ(a515.title,
            "Realizar seguimiento al Aplicativo de Integridad Pública a los servidores públicos "
            "de nivel directivo.");
  EXPECT_EQ(a515.deliverable, "2 Informes presentados a la alta Dirección");
  EXPECT_EQ(a515.indicator, "N° Seguímentos realizados/2 Seguímentos programados");
  EXPECT_EQ(a515.goal, "Seguímentos presentados");
  EXPECT_EQ(a515.subcomponent, "Monitoreo del Acceso a la Información Pública");
}

TEST_F(SeedTest, UnitCellsAreKeptAsWritten) {
  EXPECT_EQ(activity("5.7").responsible_text, "Departamento Administrativo de planeación");
  EXPECT_EQ(activity("5.7").co_responsible_text,
            "Secretaría de comunicaciones / Dirección de las TIC");
  EXPECT_EQ(activity("4.17").co_responsible_text, "Secretaría de Hacienda Dirección de las TIC");
  EXPECT_EQ(activity("6.10").responsible_text,
            "Dirección de las TIC / Secretaría de comunicaciones");
  EXPECT_EQ(activity("1.1").co_responsible_text, "No aplica");
  EXPECT_EQ(activity("4.18").co_responsible_text, "");
}

TEST_F(SeedTest, ComponentsComeFromTheirNumbersWhereverTheNameAppears) {
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"1.1", "Gestión del Riesgo de Corrupción - Mapa de Riesgos de Corrupción"},
      {"1.15", "Gestión del Riesgo de Corrupción - Mapa de Riesgos de Corrupción"},
      {"2.3", "Racionalización de trámites"},
      {"3.1", "Mecanismos para mejorar la atención al ciudadano"},
      {"3.2", "Mecanismos para mejorar la atención al ciudadano"},  // name first seen at 3.12
      {"4.1", "Rendición de Cuentas"},                              // name first seen at 4.11
      {"5.1", "Transparencia y acceso a la Información Pública"},   // at 5.8, tail at 5.9
      {"5.15", "Transparencia y acceso a la Información Pública"},
      {"6.10", "Iniciativas Adicionales"},
  };
  for (const auto& [number, component] : expected) {
    EXPECT_EQ(activity(number).activity.component, component) << number;
  }
}

TEST_F(SeedTest, SubcomponentsCarryDownMergedCells) {
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"1.1", "Plan Anticorrupción y Atención al Ciudadano"},
      {"1.2", "Plan Anticorrupción y Atención al Ciudadano"},
      {"1.5", "Construcción del Mapa de Riesgos de Corrupción"},
      {"1.6", "Construcción del Mapa de Riesgos de Corrupción"},
      {"1.7", "Consulta y divulgación"},  // from COMPONENTE, number repeated
      {"1.9", "Consulta y divulgación"},
      {"1.12", "Monitoreo o revisión"},
      {"1.15", "Seguimiento"},
      {"2.1", "Priorización"},
      {"3.1", ""},
      {"3.2", "Estructura administrativa y Direcciónamiento estratégico"},
      {"3.12", "Fortalecimiento de los canales de atención"},
      {"3.13", "Relacionamiento con el ciudadano"},
      {"4.1", "Información de calidad y en lenguaje comprensible"},
      {"4.22", "Incentivos para motivar la cultura de la rendición y petición de cuentas"},
      {"5.1", "Lineamientos de Transparencia Activa"},
      {"5.9", "Instrumentos de Gestión de la Información"},
      {"6.5", "Iniciativas Adicionales"},
  };
  for (const auto& [number, subcomponent] : expected) {
    EXPECT_EQ(activity(number).activity.subcomponent, subcomponent) << number;
  }
}

TEST_F(SeedTest, EmptyRowKeepsOnlyItsNumber) {
  const ImportedActivity& empty = activity("3.1");
  EXPECT_EQ(empty.activity.title, "");
  EXPECT_EQ(empty.activity.deliverable, "");
  EXPECT_EQ(empty.activity.goal, "");
  EXPECT_TRUE(empty.activity.responsible.empty());
  EXPECT_TRUE(empty.history.empty());
  EXPECT_EQ(empty.responsible_text, "");
}

TEST_F(SeedTest, FollowUpNotesGoToTheirCut) {
  // 4.6: "33%, April text, August text, 66%".
  const auto& h46 = activity("4.6").history;
  ASSERT_EQ(h46.size(), 2u);
  EXPECT_NE(h46[0].note.find("con corte al 30 de marzo de 2023"), std::string::npos);
  EXPECT_NE(h46[1].note.find("con corte al 30 de junio de 2023"), std::string::npos);
  // 4.14: the one text speaks of the second cuatrimestre.
  const auto& h414 = activity("4.14").history;
  ASSERT_EQ(h414.size(), 2u);
  EXPECT_EQ(h414[0].note, "");
  EXPECT_EQ(h414[1].note.rfind("Para el segundo cuatrimestre se han realizado", 0), 0u);
  // Block 1: the April cut has only its percentage.
  const auto& h15 = activity("1.5").history;
  ASSERT_EQ(h15.size(), 2u);
  EXPECT_EQ(h15[0].note, "");
  EXPECT_EQ(h15[1].note.rfind("Se realizó acompañamiento en asesoría", 0), 0u);
  // 3.11: only April is recorded.
  EXPECT_EQ(activity("3.11").history[0].note,
            "Publicación del informe de PQRSD del primer Trimestre de 2023 en la sede "
            "electrónica del municipio");
}

TEST_F(SeedTest, HtmlInNotesBecomesPlainText) {
  const auto& h = activity("4.6").history;
  ASSERT_EQ(h.size(), 2u);
  EXPECT_NE(h[0].note.find("en el siguiente link: https://itagui.gov.co/transparencia/plan_accion "
                           "https://itagui.gov.co/transparencia/ejecucion_presupuestal"),
            std::string::npos);
  const auto& h21 = activity("2.1").history;
  ASSERT_EQ(h21.size(), 2u);
  EXPECT_EQ(h21[1].note.substr(0, h21[1].note.find('\n')),
            "Se realizó el respectivo seguimiento durante este periodo:");
  EXPECT_NE(h21[1].note.find("Sede Electrónica www.itagui.gov.co (http://www.itagui.gov.co)."),
            std::string::npos);
  for (const auto& imported : matrix().activities) {
    for (const auto& p : imported.history) {
      EXPECT_EQ(p.note.find('<'), std::string::npos) << imported.activity.number;
    }
  }
}

TEST_F(SeedTest, ProgressEntriesAreCounted) {
  size_t entries = 0;
  for (const auto& imported : matrix().activities) entries += imported.history.size();
  // 83 activities with two cuts, minus the August cuts of 3.11 and 5.7.
  EXPECT_EQ(entries, 164u);
}

TEST_F(SeedTest, WarnsAboutEveryIrregularityWithLineAndActivity) {
  const std::vector<ImportWarning> expected = {
      {10, "",
       "the follow-up columns of this header are not pairs of a text and a percentage, so each "
       "row's follow-up cells are read in order and dated by their order"},
      {17, "1.6",
       "realigned the row: N° to INDICADOR sat one column to the left, an extra empty cell in "
       "column 6 was skipped"},
      {28, "1.7",
       "the SUBCOMPONENTE cell repeats the activity number, so \"Consulta y divulgación\" in "
       "COMPONENTE was taken as the subcomponent"},
      {31, "1.10",
       "the SUBCOMPONENTE cell repeats the activity number, so \"Monitoreo o revisión\" in "
       "COMPONENTE was taken as the subcomponent"},
      {34, "1.13",
       "the SUBCOMPONENTE cell repeats the activity number, so \"Seguimiento\" in COMPONENTE "
       "was taken as the subcomponent"},
      {54, "3.1",
       "the row is empty except for its number; the activity is kept with no deadline and gets "
       "no reminders"},
      {80, "3.11",
       "realigned the row: an extra empty cell in column 10 was skipped, CUATRIMESTRE 1 to "
       "SEGUIMIENTO 30 DE AGOSTO sat one column to the right"},
      {80, "3.11",
       "the follow-up of 31/08 has a note but no percentage, so it is not recorded as progress"},
      {104, "3.15",
       "the deadline 30/08/2028 is outside the plan's year 2023; it is stored as written"},
      {120, "4.6",
       "the follow-up cells are out of their columns and were read in order as 30/04 33% with a "
       "note, 31/08 66% with a note"},
      {121, "4.7",
       "the follow-up cells are out of their columns and were read in order as 30/04 93% with a "
       "note, 31/08 93% with a note"},
      {122, "4.8",
       "the follow-up cells are out of their columns and were read in order as 30/04 33% with a "
       "note, 31/08 66% with a note"},
      {123, "4.9",
       "the follow-up cells are out of their columns and were read in order as 30/04 51% with a "
       "note, 31/08 51% with a note"},
      {124, "4.10",
       "the follow-up cells are out of their columns and were read in order as 30/04 25% with a "
       "note, 31/08 75% with a note"},
      {148, "",
       "the follow-up column \"SEGUIMIENTO JUNIO DE ABRIL '23\" does not name one cut month in "
       "order, so this block's follow-ups are dated by their order (it is follow-up 2, 31/08)"},
      {150, "4.14",
       "the follow-up cells are out of their columns and were read in order as 30/04 33% "
       "without a note, 31/08 66% with a note"},
      {151, "4.15",
       "the follow-up cells are out of their columns and were read in order as 30/04 33% "
       "without a note, 31/08 66% with a note"},
      {152, "4.16",
       "the follow-up cells are out of their columns and were read in order as 30/04 25% "
       "without a note, 31/08 66% with a note"},
      {153, "4.17",
       "the follow-up cells are out of their columns and were read in order as 30/04 33% "
       "without a note, 31/08 66% with a note"},
      {154, "4.18",
       "the follow-up cells are out of their columns and were read in order as 30/04 0% "
       "without a note, 31/08 0% with a note"},
      {155, "4.19",
       "the follow-up cells are out of their columns and were read in order as 30/04 33% "
       "without a note, 31/08 33% with a note"},
      {156, "4.20",
       "the follow-up cells are out of their columns and were read in order as 30/04 100% "
       "without a note, 31/08 100% with a note"},
      {157, "4.21",
       "the follow-up cells are out of their columns and were read in order as 30/04 100% "
       "without a note, 31/08 100% with a note"},
      {175, "5.7",
       "realigned the row: the extra unit \"Dirección de las TIC\" in column 10 was taken as "
       "co-responsible, CUATRIMESTRE 1 to SEGUIMIENTO 30 DE AGOSTO sat one column to the right"},
      {175, "5.7",
       "the follow-up of 31/08 has a note but no percentage, so it is not recorded as progress"},
      {200, "5.9",
       "the COMPONENTE cell \"Pública\" has no component number and SUBCOMPONENTE is filled, so "
       "it was read as the end of component 5's name, \"Transparencia y acceso a la Información "
       "Pública\""},
      {202, "5.11",
       "realigned the row: the row has only 2 of the 3 CUATRIMESTRE cells, so which cuatrimestre "
       "its X marks is a guess: took cuatrimestre 2, FECHA DE CUMPLIMIENTO to PROCESO DE "
       "CUMPLIMIENTO DE LA ACCIÓN sat one column to the left"},
      {206, "5.15",
       "realigned the row: N° sat two columns to the left, an extra empty cell in column 2 was "
       "skipped, ACTIVIDAD to PROCESO DE CUMPLIMIENTO DE LA ACCIÓN sat one column to the left"},
      {219, "6.3",
       "realigned the row: an extra empty cell in column 13 was skipped, FECHA DE CUMPLIMIENTO "
       "to PORCENTAJE DE CUMPLIMIENTO DE LA ACCIÓN sat one column to the right"},
      {219, "6.3",
       "the deadline 30/12/2022 is outside the plan's year 2023; it is stored as written"},
      {220, "6.4",
       "realigned the row: an extra empty cell in column 13 was skipped, FECHA DE CUMPLIMIENTO "
       "to PORCENTAJE DE CUMPLIMIENTO DE LA ACCIÓN sat one column to the right"},
      {221, "6.5",
       "realigned the row: an extra empty cell in column 13 was skipped, FECHA DE CUMPLIMIENTO "
       "to PORCENTAJE DE CUMPLIMIENTO DE LA ACCIÓN sat one column to the right"},
  };
  const auto& actual = matrix().warnings;
  for (size_t i = 0; i < std::max(expected.size(), actual.size()); ++i) {
    if (i >= expected.size()) {
      ADD_FAILURE() << "unexpected warning " << actual[i].line << " " << actual[i].activity << ": "
                    << actual[i].message;
      continue;
    }
    if (i >= actual.size()) {
      ADD_FAILURE() << "missing warning " << expected[i].line << " " << expected[i].activity << ": "
                    << expected[i].message;
      continue;
    }
    EXPECT_EQ(actual[i].line, expected[i].line) << i;
    EXPECT_EQ(actual[i].activity, expected[i].activity) << i;
    EXPECT_EQ(actual[i].message, expected[i].message) << i;
  }
}

TEST_F(SeedTest, ReadingTheFileInChunksGivesTheSameResult) {
  // Byte by byte, the worst case for split UTF-8 sequences and lines.
  const std::string bytes = seed_bytes();
  MatrixParser parser(itagui_options());
  for (char c : bytes) ASSERT_TRUE(parser.feed(std::string_view(&c, 1)).ok());
  auto chunked = parser.finish();
  ASSERT_TRUE(chunked.ok()) << chunked.error().message;
  ASSERT_EQ(chunked->activities.size(), matrix().activities.size());
  for (size_t i = 0; i < chunked->activities.size(); ++i) {
    EXPECT_EQ(describe(chunked->activities[i]), describe(matrix().activities[i]));
  }
  EXPECT_EQ(chunked->warnings.size(), matrix().warnings.size());

  auto from_file = parse_matrix_file(seed_path(), itagui_options());
  ASSERT_TRUE(from_file.ok()) << from_file.error().message;
  EXPECT_EQ(from_file->activities.size(), 84u);
  EXPECT_EQ(from_file->warnings.size(), matrix().warnings.size());
}

TEST_F(SeedTest, ASinkGetsTheSameActivitiesOneAtATime) {
  const auto same_as_matrix = [&](const std::vector<ImportedActivity>& got,
                                  const MatrixSummary& summary) {
    EXPECT_EQ(summary.plan, matrix().plan);
    EXPECT_EQ(summary.year, matrix().year);
    EXPECT_EQ(summary.activities, matrix().activities.size());
    ASSERT_EQ(got.size(), matrix().activities.size());
    for (size_t i = 0; i < got.size(); ++i) {
      const ImportedActivity& want = matrix().activities[i];
      EXPECT_EQ(describe(got[i]), describe(want));
      EXPECT_EQ(got[i].source_line, want.source_line) << i;
      EXPECT_EQ(got[i].responsible_text, want.responsible_text) << i;
      EXPECT_EQ(got[i].co_responsible_text, want.co_responsible_text) << i;
    }
    ASSERT_EQ(summary.warnings.size(), matrix().warnings.size());
    for (size_t i = 0; i < summary.warnings.size(); ++i) {
      EXPECT_EQ(summary.warnings[i].line, matrix().warnings[i].line) << i;
      EXPECT_EQ(summary.warnings[i].activity, matrix().warnings[i].activity) << i;
      EXPECT_EQ(summary.warnings[i].message, matrix().warnings[i].message) << i;
    }
  };
  std::vector<ImportedActivity> from_file;
  auto summary = parse_matrix_file(seed_path(), itagui_options(), [&](ImportedActivity& imported) {
    from_file.push_back(imported);
    return Status{};
  });
  ASSERT_TRUE(summary.ok()) << summary.error().message;
  same_as_matrix(from_file, *summary);

  // The sink may take the activity apart: the parser's next one is whole.
  std::vector<ImportedActivity> moved;
  MatrixParser parser(itagui_options());
  ASSERT_TRUE(parser.feed(seed_bytes()).ok());
  auto moved_summary = parser.finish([&](ImportedActivity& imported) {
    moved.push_back(std::move(imported));
    return Status{};
  });
  ASSERT_TRUE(moved_summary.ok()) << moved_summary.error().message;
  same_as_matrix(moved, *moved_summary);
}

TEST_F(SeedTest, AnErrorFromTheSinkEndsTheParse) {
  MatrixParser parser(itagui_options());
  ASSERT_TRUE(parser.feed(seed_bytes()).ok());
  int handed = 0;
  auto summary = parser.finish([&](ImportedActivity&) -> Status {
    if (++handed == 3) return Error{"disk full"};
    return {};
  });
  ASSERT_FALSE(summary.ok());
  EXPECT_EQ(summary.error().message, "disk full");
  EXPECT_EQ(handed, 3);
}

TEST_F(SeedTest, OptionsOverrideTitleAndWarnWhenTheyDisagree) {
  ImportOptions options = itagui_options();
  options.plan = "PAAC-ITAGUI";
  options.year = 2024;
  auto parsed = parse_matrix(seed_bytes(), options);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->plan, "PAAC-ITAGUI");
  EXPECT_EQ(parsed->year, 2024);
  EXPECT_EQ(parsed->activities.front().activity.plan, "PAAC-ITAGUI");
  ASSERT_FALSE(parsed->warnings.empty());
  EXPECT_EQ(parsed->warnings.front().line, 3);
  EXPECT_EQ(parsed->warnings.front().message,
            "the title says 2023 but the year given is 2024; 2024 was used");
  // Cuts follow the plan's year.
  EXPECT_EQ(find_activity(*parsed, "1.5")->history.back().as_of, ymd(2024, 8, 31));
}

}  // namespace
}  // namespace plazo::testing
