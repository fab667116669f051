#include "importer/record_reader.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace plazo {
namespace {

struct Read {
  std::vector<std::pair<int, std::vector<std::string>>> records;
  char separator = '\0';
  int unterminated = 0;
  bool missing_newline = false;
};

Read read(std::string_view text, size_t chunk = 1000) {
  Read result;
  RecordReader reader([&](int line, std::span<const std::string> cells) {
    result.records.emplace_back(line, std::vector<std::string>(cells.begin(), cells.end()));
  });
  for (size_t i = 0; i < text.size(); i += chunk) {
    EXPECT_TRUE(reader.add_text(text.substr(i, chunk)).ok());
  }
  EXPECT_TRUE(reader.finish().ok());
  result.separator = reader.separator();
  result.unterminated = reader.unterminated_quote_line();
  result.missing_newline = reader.missing_final_newline();
  return result;
}

using Cells = std::vector<std::string>;

TEST(RecordReader, SeparatorComesFromTheHeaderLine) {
  EXPECT_EQ(read("Título, con coma\nN°\tACTIVIDAD\tFECHA\n").separator, '\t');
  EXPECT_EQ(read("N°;ACTIVIDAD;FECHA, límite\n").separator, ';');
  EXPECT_EQ(read("N°,Actividad,Fecha\n").separator, ',');
  EXPECT_EQ(read("no header here\n").separator, '\0');
  EXPECT_TRUE(read("no header here\n").records.empty());
}

TEST(RecordReader, LinesBeforeTheHeaderAreSplitToo) {
  const Read r = read("Plan 2023;;\n\nN°;ACTIVIDAD;FECHA\n1.1;Uno;30/11/2023\n");
  ASSERT_EQ(r.records.size(), 3u);
  EXPECT_EQ(r.records[0], std::make_pair(1, Cells{"Plan 2023", "", ""}));
  EXPECT_EQ(r.records[1].first, 3);
  EXPECT_EQ(r.records[2], std::make_pair(4, Cells{"1.1", "Uno", "30/11/2023"}));
}

TEST(RecordReader, QuotedCellsHoldSeparatorsQuotesAndNewlines) {
  const std::string text =
      "N°;ACTIVIDAD;NOTA\r\n"
      "1.1;\"Uno; dos\";\"Dijo \"\"sí\"\"\nen dos líneas\"\r\n"
      "1.2;\"Tres\r\nlíneas\r\naquí\";x\r\n"
      "1.3;fin;\r\n";
  for (size_t chunk : {1u, 7u, 1000u}) {
    const Read r = read(text, chunk);
    ASSERT_EQ(r.records.size(), 4u) << chunk;
    EXPECT_EQ(r.records[1],
              std::make_pair(2, Cells{"1.1", "Uno; dos", "Dijo \"sí\"\nen dos líneas"}));
    EXPECT_EQ(r.records[2], std::make_pair(4, Cells{"1.2", "Tres\r\nlíneas\r\naquí", "x"}));
    EXPECT_EQ(r.records[3], std::make_pair(7, Cells{"1.3", "fin", ""}));
    EXPECT_EQ(r.unterminated, 0);
  }
}

TEST(RecordReader, StrayQuotesInTsvStayLiteral) {
  const Read r =
      read("N°\tACTIVIDAD\tX\n1.1\t\"Garantía\" fue\t\"ok\"\n1.2\tsin \"comillas\" al inicio\tz\n");
  ASSERT_EQ(r.records.size(), 3u);
  EXPECT_EQ(r.records[1].second, (Cells{"1.1", "\"Garantía\" fue", "ok"}));
  EXPECT_EQ(r.records[2].second, (Cells{"1.2", "sin \"comillas\" al inicio", "z"}));
}

TEST(RepairStrayQuotes, OnlyImproperQuotedCellsChange) {
  EXPECT_EQ(repair_stray_quotes("a\tb\tc\n", '\t'), "");
  EXPECT_EQ(repair_stray_quotes("\"a\"\t\"b\"\"c\"\n", '\t'), "");
  EXPECT_EQ(repair_stray_quotes("\"a\" b\tc\n", '\t'), "\"\"\"a\"\" b\"\tc\n");
  EXPECT_EQ(repair_stray_quotes("x;\"open\n", ';'), "");  // goes on to the next line
}

TEST(RecordReader, UnclosedQuoteAtTheEndIsReported) {
  const Read r = read("N°;ACTIVIDAD;NOTA\n1.1;uno;\"sin cerrar\nmás");
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(r.records[1], std::make_pair(2, Cells{"1.1", "uno", "sin cerrar\nmás\n"}));
  EXPECT_EQ(r.unterminated, 2);
  EXPECT_TRUE(r.missing_newline);
}

TEST(RecordReader, LastLineWithoutNewline) {
  const Read r = read("N°;ACTIVIDAD;NOTA\n1.1;uno;dos");
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(r.records[1], std::make_pair(2, Cells{"1.1", "uno", "dos"}));
  EXPECT_EQ(r.unterminated, 0);
  EXPECT_TRUE(r.missing_newline);
}

// Most lines are split without libcsv (record_reader.cpp); these pin down
// that such lines come out as libcsv gives them.
TEST(RecordReader, SpacesAroundCellsAreDroppedButNotInside) {
  for (size_t chunk : {1u, 5u, 1000u}) {
    const Read semicolons = read("N°;ACTIVIDAD;NOTA\n  1.1 ;\t uno\tdos \t;  \n", chunk);
    ASSERT_EQ(semicolons.records.size(), 2u) << chunk;
    EXPECT_EQ(semicolons.records[1], std::make_pair(2, Cells{"1.1", "uno\tdos", ""}));
    // Tabs that separate cells are not spaces.
    const Read tabs = read("N°\tACTIVIDAD\tNOTA\r\n 1.1 \t  uno  dos \t \r\n\t\t\n", chunk);
    ASSERT_EQ(tabs.records.size(), 3u) << chunk;
    EXPECT_EQ(tabs.records[1], std::make_pair(2, Cells{"1.1", "uno  dos", ""}));
    EXPECT_EQ(tabs.records[2], std::make_pair(3, Cells{"", "", ""}));
  }
}

TEST(RecordReader, CarriageReturnInsideALineEndsTheRecord) {
  const Read r = read("N°;ACTIVIDAD;NOTA\n1.1;uno\rdos;x\n1.2;a;b\n");
  ASSERT_EQ(r.records.size(), 4u);
  EXPECT_EQ(r.records[1], std::make_pair(2, Cells{"1.1", "uno"}));
  EXPECT_EQ(r.records[2], std::make_pair(2, Cells{"dos", "x"}));
  EXPECT_EQ(r.records[3], std::make_pair(3, Cells{"1.2", "a", "b"}));
}

TEST(RecordReader, AQuotedCellOpenedAfterACarriageReturnGoesOn) {
  // The record of line 2 ends at the carriage return and a quoted cell
  // opens after it, so line 3 is inside that cell, not a row of its own.
  const Read r = read("N°;ACTIVIDAD;NOTA\n1.1;uno\r\"dos\n1.2;tres\";x\n1.3;a;b\n");
  ASSERT_EQ(r.records.size(), 4u);
  EXPECT_EQ(r.records[1], std::make_pair(2, Cells{"1.1", "uno"}));
  EXPECT_EQ(r.records[2], std::make_pair(3, Cells{"dos\n1.2;tres", "x"}));
  EXPECT_EQ(r.records[3], std::make_pair(4, Cells{"1.3", "a", "b"}));
}

}  // namespace
}  // namespace plazo
