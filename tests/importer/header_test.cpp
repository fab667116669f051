#include "importer/header.h"

#include <gtest/gtest.h>

#include "importer/row_aligner.h"

namespace plazo {
namespace {

using Cells = std::vector<std::string>;

std::vector<Field> fields(const Layout& layout) {
  std::vector<Field> out;
  for (const auto& c : layout.columns) out.push_back(c.field);
  return out;
}

TEST(RecogniseHeader, NamesInAnyOrderAndSpelling) {
  auto layout = recognise_header(
      7, Cells{"Nº", "Actividad", "Unidad Administrativa Co-Responsable", "FECHA LÍMITE",
               "Unidad administrativa responsable", "Observaciones", ""});
  ASSERT_TRUE(layout.has_value());
  EXPECT_EQ(layout->line, 7);
  EXPECT_EQ(
      fields(*layout),
      (std::vector<Field>{Field::kNumber, Field::kTitle, Field::kCoResponsible, Field::kDeadline,
                          Field::kResponsible, Field::kOther, Field::kUnnamed}));
  EXPECT_FALSE(recognise_header(1, Cells{"ACTIVIDAD", "FECHA", "META", "INDICADOR"}));  // no N°
  EXPECT_FALSE(recognise_header(1, Cells{"N°", "ACTIVIDAD", "FECHA"}));                 // too few
}

TEST(RecogniseHeader, CuatrimestreSpansThreeColumnsAndTheSubheaderPlacesThem) {
  auto layout = recognise_header(
      10, Cells{"N°", "ACTIVIDAD", "RESPONSABLE", "CUATRIMESTRE", "", "", "FECHA DE CUMPLIMIENTO"});
  ASSERT_TRUE(layout.has_value());
  EXPECT_EQ(layout->columns[3].period, 1);
  EXPECT_EQ(layout->columns[5].period, 3);
  EXPECT_EQ(layout->columns[5].name, "CUATRIMESTRE 3");
  EXPECT_FALSE(apply_period_subheader(*layout, Cells{"1.1", "x"}));
  EXPECT_FALSE(apply_period_subheader(*layout, Cells{"", "", "", "1", "2"}));
  EXPECT_EQ(layout->columns[5].field, Field::kPeriod);  // unchanged by the failed tries
  ASSERT_TRUE(apply_period_subheader(*layout, Cells{"", "", "", "1", "2", "3", ""}));
  EXPECT_TRUE(layout->has_period_subheader);
}

TEST(RecogniseHeader, FollowUpPairsAndMonths) {
  auto paired = recognise_header(
      1, Cells{"N°", "ACTIVIDAD", "RESPONSABLE", "FECHA", "SEGUIMIENTO ABRIL '23",
               "PORCENTAJE DE CUMPLIMIENTO", "SEGUIMIENTO 30 DE AGOSTO", "PROGRESO"});
  ASSERT_TRUE(paired.has_value());
  EXPECT_TRUE(paired->paired_follow_ups);
  ASSERT_EQ(paired->slots.size(), 2u);
  EXPECT_EQ(paired->slots[0].month, 4);
  EXPECT_EQ(paired->slots[1].month, 8);
  EXPECT_EQ(paired->columns[7].slot, 1);

  auto sequential =
      recognise_header(1, Cells{"N°", "ACTIVIDAD", "RESPONSABLE", "FECHA", "SEGUIMIENTO ABRIL 30",
                                "SEGUIMIENTO MAYO 31", "SEGUIMIENTO JUNIO 30"});
  ASSERT_TRUE(sequential.has_value());
  EXPECT_FALSE(sequential->paired_follow_ups);
}

TEST(MonthNamed, OneMonthOrNone) {
  EXPECT_EQ(month_named("SEGUIMIENTO 30 DE AGOSTO"), 8);
  EXPECT_EQ(month_named("Seguimiento Setiembre"), 9);
  EXPECT_EQ(month_named("SEGUIMIENTO JUNIO DE ABRIL '23"), 0);
  EXPECT_EQ(month_named("SEGUIMIENTO"), 0);
  EXPECT_TRUE(mentions_month("SEGUIMIENTO JUNIO DE ABRIL '23"));
  EXPECT_FALSE(mentions_month("SEGUIMIENTO 2"));
}

// A small header: N° ACTIVIDAD RESPONSABLE C1 C2 C3 FECHA
Layout small_layout() {
  auto layout =
      recognise_header(1, Cells{"N°", "ACTIVIDAD", "RESPONSABLE", "CUATRIMESTRE", "", "", "FECHA"});
  EXPECT_TRUE(layout.has_value());
  return *layout;
}

std::vector<CellInfo> cells(std::vector<std::pair<std::string_view, CellKind>> spec) {
  std::vector<CellInfo> out;
  for (auto [text, kind] : spec) out.push_back({text, kind});
  return out;
}

TEST(AlignRow, FittingRowStaysInPlace) {
  const Alignment a = align_row(small_layout(), cells({{"1.1", CellKind::kNumber},
                                                       {"Uno", CellKind::kText},
                                                       {"Secretaría General", CellKind::kUnit},
                                                       {"X", CellKind::kMark},
                                                       {"", CellKind::kEmpty},
                                                       {"", CellKind::kEmpty},
                                                       {"30/11/2023", CellKind::kDate},
                                                       {"", CellKind::kEmpty}}));
  EXPECT_TRUE(a.in_place);
  EXPECT_EQ(a.cost, 0);
  EXPECT_EQ(a.cell_of_column, (std::vector<int>{0, 1, 2, 3, 4, 5, 6}));
}

TEST(AlignRow, ExtraEmptyCellBeforeTheMarksShiftsTheRest) {
  const Alignment a = align_row(small_layout(), cells({{"1.1", CellKind::kNumber},
                                                       {"Uno", CellKind::kText},
                                                       {"Secretaría General", CellKind::kUnit},
                                                       {"", CellKind::kEmpty},
                                                       {"X", CellKind::kMark},
                                                       {"X", CellKind::kMark},
                                                       {"X", CellKind::kMark},
                                                       {"30/11/2023", CellKind::kDate}}));
  EXPECT_FALSE(a.in_place);
  EXPECT_EQ(a.cell_of_column, (std::vector<int>{0, 1, 2, 4, 5, 6, 7}));
  ASSERT_EQ(a.extras.size(), 1u);
  EXPECT_EQ(a.extras[0].cell, 3);
  EXPECT_EQ(a.extras[0].after_column, 2);
}

TEST(AlignRow, MissingPeriodCellIsTheLastOne) {
  const Alignment a = align_row(small_layout(), cells({{"1.1", CellKind::kNumber},
                                                       {"Uno", CellKind::kText},
                                                       {"Secretaría General", CellKind::kUnit},
                                                       {"", CellKind::kEmpty},
                                                       {"X", CellKind::kMark},
                                                       {"30/11/2023", CellKind::kDate}}));
  EXPECT_EQ(a.cell_of_column, (std::vector<int>{0, 1, 2, 3, 4, -1, 5}));
  EXPECT_EQ(a.missing_columns, std::vector<int>{5});
}

TEST(AlignRow, ThirdUnitSpillsOutOfTheUnitColumn) {
  const Alignment a = align_row(small_layout(), cells({{"1.1", CellKind::kNumber},
                                                       {"Uno", CellKind::kText},
                                                       {"Secretaría General", CellKind::kUnit},
                                                       {"Dirección de las TIC", CellKind::kUnit},
                                                       {"X", CellKind::kMark},
                                                       {"", CellKind::kEmpty},
                                                       {"", CellKind::kEmpty},
                                                       {"30/11/2023", CellKind::kDate}}));
  EXPECT_EQ(a.cell_of_column, (std::vector<int>{0, 1, 2, 4, 5, 6, 7}));
  ASSERT_EQ(a.extras.size(), 1u);
  EXPECT_EQ(a.extras[0].cell, 3);
}

TEST(ClassifyCell, Anchors) {
  EXPECT_EQ(classify_cell("1.10"), CellKind::kNumber);
  EXPECT_EQ(classify_cell("30/11/2023"), CellKind::kDate);
  EXPECT_EQ(classify_cell("2023-11-30"), CellKind::kDate);
  EXPECT_EQ(classify_cell("30/11/2023 0:00"), CellKind::kDate);
  EXPECT_EQ(classify_cell("31/02/2023"), CellKind::kText);
  EXPECT_EQ(classify_cell("30.11.2023"), CellKind::kText);
  EXPECT_EQ(classify_cell("x"), CellKind::kMark);
  EXPECT_EQ(classify_cell("66%"), CellKind::kPercent);
  EXPECT_EQ(classify_cell("100% de la meta"), CellKind::kText);
  EXPECT_EQ(classify_cell(""), CellKind::kEmpty);
  EXPECT_EQ(parse_percent("66,5%"), 67);
  EXPECT_EQ(parse_percent("33 %"), 33);
  EXPECT_EQ(parse_percent("%"), std::nullopt);
  EXPECT_EQ(parse_percent("1,2,3%"), std::nullopt);
}

}  // namespace
}  // namespace plazo
