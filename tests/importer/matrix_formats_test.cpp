// The same plan in the other shapes spreadsheets save: CSV (semicolon or
// comma, Windows-1252 or UTF-8), TSV, UTF-16; and files that are no matrix.

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "importer/matrix.h"
#include "importer_fixture.h"

namespace plazo::testing {
namespace {

// UTF-8 to Windows-1252, for the characters Spanish matrices use.
std::string to_windows1252(std::string_view utf8) {
  static const std::map<char32_t, unsigned char> kHigh = {
      {0x20AC, 0x80}, {0x201A, 0x82}, {0x0192, 0x83}, {0x201E, 0x84}, {0x2026, 0x85},
      {0x2020, 0x86}, {0x2021, 0x87}, {0x02C6, 0x88}, {0x2030, 0x89}, {0x0160, 0x8A},
      {0x2039, 0x8B}, {0x0152, 0x8C}, {0x017D, 0x8E}, {0x2018, 0x91}, {0x2019, 0x92},
      {0x201C, 0x93}, {0x201D, 0x94}, {0x2022, 0x95}, {0x2013, 0x96}, {0x2014, 0x97},
      {0x02DC, 0x98}, {0x2122, 0x99}, {0x0161, 0x9A}, {0x203A, 0x9B}, {0x0153, 0x9C},
      {0x017E, 0x9E}, {0x0178, 0x9F}};
  std::string out;
  for (size_t i = 0; i < utf8.size();) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    char32_t cp = c;
    size_t length = 1;
    if (c >= 0xF0) {
      cp = c & 0x07;
      length = 4;
    } else if (c >= 0xE0) {
      cp = c & 0x0F;
      length = 3;
    } else if (c >= 0xC0) {
      cp = c & 0x1F;
      length = 2;
    }
    for (size_t k = 1; k < length; ++k) cp = (cp << 6) | (utf8[i + k] & 0x3F);
    i += length;
    if (cp < 0x80 || (cp >= 0xA0 && cp <= 0xFF)) {
      out.push_back(static_cast<char>(cp));
    } else if (auto it = kHigh.find(cp); it != kHigh.end()) {
      out.push_back(static_cast<char>(it->second));
    } else {
      ADD_FAILURE() << "U+" << std::hex << static_cast<unsigned>(cp) << " has no Windows-1252 byte";
    }
  }
  return out;
}

// UTF-8 (BMP only) to UTF-16LE with a BOM.
std::string to_utf16le(std::string_view utf8) {
  std::string out = "\xFF\xFE";
  for (size_t i = 0; i < utf8.size();) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    char32_t cp = c;
    size_t length = 1;
    if (c >= 0xE0) {
      cp = c & 0x0F;
      length = 3;
    } else if (c >= 0xC0) {
      cp = c & 0x1F;
      length = 2;
    }
    for (size_t k = 1; k < length; ++k) cp = (cp << 6) | (utf8[i + k] & 0x3F);
    i += length;
    out.push_back(static_cast<char>(cp & 0xFF));
    out.push_back(static_cast<char>(cp >> 8));
  }
  return out;
}

std::string csv_cell(std::string_view text, char separator) {
  if (text.find_first_of(std::string("\"\n\r") + separator) == std::string_view::npos) {
    return std::string(text);
  }
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

std::string dmy(Date day) {
  return date::format("%d/%m/%Y", day);
}

// Writes `matrix` as Excel in a Spanish locale would save it: semicolons,
// CRLF between records, LF inside quoted cells, columns in another order,
// merged cells left empty. Records the line each activity starts on.
std::string write_spreadsheet_csv(const ParsedMatrix& matrix, std::map<std::string, int>& lines) {
  std::map<std::string, std::string> names;
  for (const auto& unit : itagui_units()) names[unit.id] = unit.name;
  const char sep = ';';
  std::string out;
  int line = 1;
  auto record = [&](const std::vector<std::string>& cells) {
    std::string text;
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i > 0) text.push_back(sep);
      text += csv_cell(cells[i], sep);
    }
    out += text + "\r\n";
    for (char c : text) line += c == '\n';
    ++line;
  };
  record({"SEGUIMIENTO AL PLAN ANTICORRUPCIÓN Y DE ATENCIÓN AL CIUDADANO " +
              std::to_string(matrix.year),
          "", "", "", ""});
  record({"Alcaldía de Itagüí", "", "", "", ""});
  record({"N°", "ACTIVIDAD", "FECHA DE\nCUMPLIMIENTO", "UNIDAD ADMINISTRATIVA RESPONSABLE",
          "UNIDAD ADMINISTRATIVA CO-RESPONSABLE", "CUATRIMESTRE", "", "", "COMPONENTE",
          "SUBCOMPONENTE", "META", "INDICADOR", "PRODUCTO ENTREGABLE", "SEGUIMIENTO 30 DE ABRIL",
          "PORCENTAJE DE AVANCE", "SEGUIMIENTO 31 DE AGOSTO", "PORCENTAJE DE AVANCE"});
  record({"", "", "", "", "", "1", "2", "3", "", "", "", "", "", "", "", "", ""});
  std::string previous_component;
  std::string previous_subcomponent;
  for (const auto& imported : matrix.activities) {
    const Activity& a = imported.activity;
    auto unit_names = [&](const std::vector<std::string>& ids, const char* joiner) {
      std::string text;
      for (const auto& id : ids) text += (text.empty() ? "" : joiner) + names[id];
      return text;
    };
    std::vector<std::string> cells(17);
    cells[0] = a.number;
    cells[1] = a.title;
    cells[2] = a.deadline ? dmy(*a.deadline) : "";
    cells[3] = unit_names(a.responsible, " / ");
    cells[4] = unit_names(a.co_responsible, " y ");
    for (int p : a.periods) cells[static_cast<size_t>(4 + p)] = "X";
    const std::string component = a.number.substr(0, a.number.find('.'));
    if (component != previous_component) {
      cells[8] = component + ": " + a.component;
      previous_subcomponent.clear();
    }
    previous_component = component;
    if (a.subcomponent != previous_subcomponent) cells[9] = a.subcomponent;
    previous_subcomponent = a.subcomponent;
    cells[10] = a.goal;
    cells[11] = a.indicator;
    cells[12] = a.deliverable;
    for (const auto& p : imported.history) {
      const size_t slot = date::year_month_day{p.as_of}.month() == date::April ? 13 : 15;
      cells[slot] = p.note;
      cells[slot + 1] = std::to_string(p.percent) + "%";
    }
    lines[a.number] = line;
    record(cells);
  }
  return out;
}

TEST(MatrixFormats, SpreadsheetCsvInWindows1252ReadsLikeTheSeed) {
  auto seed = parse_matrix(seed_bytes(), itagui_options());
  ASSERT_TRUE(seed.ok()) << seed.error().message;
  std::map<std::string, int> lines;
  const std::string utf8 = write_spreadsheet_csv(*seed, lines);
  const std::string bytes = to_windows1252(utf8);
  ASSERT_NE(bytes, utf8);  // it really is not UTF-8 any more
  ASSERT_NE(bytes.find("\"FECHA DE\nCUMPLIMIENTO\""), std::string::npos);

  auto csv = parse_matrix(bytes, itagui_options());
  ASSERT_TRUE(csv.ok()) << csv.error().message;
  EXPECT_EQ(csv->plan, "PAAC");
  EXPECT_EQ(csv->year, 2023);
  ASSERT_EQ(csv->activities.size(), seed->activities.size());
  for (size_t i = 0; i < csv->activities.size(); ++i) {
    EXPECT_EQ(describe(csv->activities[i]), describe(seed->activities[i]));
    EXPECT_EQ(csv->activities[i].source_line, lines[csv->activities[i].activity.number])
        << csv->activities[i].activity.number;
  }
  // A clean file: only what is really wrong with the plan itself is left.
  std::vector<std::string> warnings;
  for (const auto& w : csv->warnings) {
    warnings.push_back(std::to_string(w.line) + " " + w.activity + ": " + w.message);
  }
  const std::vector<std::string> expected = {
      std::to_string(lines["3.1"]) +
          " 3.1: the row names no responsible unit, so nobody is reminded of it",
      std::to_string(lines["3.1"]) +
          " 3.1: the row has no deadline, so the activity gets no reminders",
      std::to_string(lines["3.15"]) +
          " 3.15: the deadline 30/08/2028 is outside the plan's year 2023; it is stored as "
          "written",
      std::to_string(lines["6.3"]) +
          " 6.3: the deadline 30/12/2022 is outside the plan's year 2023; it is stored as "
          "written",
  };
  EXPECT_EQ(warnings, expected);
}

constexpr std::string_view kCommaCsv =
    "\"Plan de Acción, vigencia 2023\",,,,,,\n"
    "ACTIVIDAD,No.,Fecha límite,Responsable,Corresponsable,Cuatrimestre 1,Cuatrimestre 2,"
    "Cuatrimestre 3,Seguimiento abril,% avance,Seguimiento agosto,% avance\n"
    "\"Publicar el informe \"\"anual\"\", con anexos\",1.1,15/03/2023,Secretaría General,"
    "\"Dirección de las TIC, Secretaría Jurídica\",x,,,\"Se publicó.\nVer anexo, parte 2\","
    "100%,,100%\n"
    "Capacitar,1.2,30/11/2023,Oficina de Prensa,No aplica,,x,x,,,Avanza,40 %\n";

TEST(MatrixFormats, CommaCsvWithQuotedCells) {
  ImportOptions options = itagui_options();
  options.plan = "PA";
  auto parsed = parse_matrix(kCommaCsv, options);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->plan, "PA");
  EXPECT_EQ(parsed->year, 2023);  // "vigencia 2023" in the title
  ASSERT_EQ(parsed->activities.size(), 2u);
  const ImportedActivity& first = parsed->activities[0];
  EXPECT_EQ(first.source_line, 3);
  EXPECT_EQ(first.activity.title, "Publicar el informe \"anual\", con anexos");
  EXPECT_EQ(first.activity.responsible, std::vector<std::string>{"general"});
  EXPECT_EQ(first.activity.co_responsible, (std::vector<std::string>{"tic", "juridica"}));
  EXPECT_EQ(first.activity.periods, std::vector<int>{1});
  EXPECT_EQ(first.activity.deadline, ymd(2023, 3, 15));
  ASSERT_EQ(first.history.size(), 2u);
  EXPECT_EQ(first.history[0].note, "Se publicó.\nVer anexo, parte 2");
  EXPECT_EQ(first.history[0].as_of, ymd(2023, 4, 30));
  EXPECT_EQ(first.history[1].percent, 100);
  EXPECT_EQ(first.history[1].note, "");

  const ImportedActivity& second = parsed->activities[1];
  EXPECT_EQ(second.source_line, 5);  // the quoted cell above spans lines 3-4
  EXPECT_EQ(second.activity.periods, (std::vector<int>{2, 3}));
  EXPECT_TRUE(second.activity.responsible.empty());
  EXPECT_EQ(second.responsible_text, "Oficina de Prensa");
  ASSERT_TRUE(second.activity.progress.has_value());
  EXPECT_EQ(second.activity.progress->percent, 40);
  EXPECT_EQ(second.activity.progress->as_of, ymd(2023, 8, 31));
  EXPECT_EQ(second.activity.progress->note, "Avanza");

  ASSERT_EQ(parsed->warnings.size(), 1u);
  EXPECT_EQ(parsed->warnings[0].line, 5);
  EXPECT_EQ(parsed->warnings[0].activity, "1.2");
  EXPECT_EQ(parsed->warnings[0].message,
            "the responsible unit \"Oficina de Prensa\" is not in the config; add it to the "
            "aliases of the right unit");
}

constexpr std::string_view kPlainTsv =
    "Nº\tActividad\tResponsable\tFecha de cumplimiento\tSeguimiento agosto\tPorcentaje\t"
    "Seguimiento diciembre\tPorcentaje\n"
    "2.1\tRevisar trámites\tSecretaría General\t30/11/2023\tRevisados 20\t50%\tListo\t100%\n"
    "\n"
    "2.2\tElaborar \"estrategia\"\tdirección de las tic\t31/01/2023\t\t\t\t\n";

TEST(MatrixFormats, PlainTsvWithoutTitleUsesTheOptionsAndHeaderMonths) {
  ImportOptions options = itagui_options();
  options.plan = "PAAC";
  options.year = 2023;
  auto parsed = parse_matrix(kPlainTsv, options);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  ASSERT_EQ(parsed->activities.size(), 2u);
  const ImportedActivity& first = parsed->activities[0];
  EXPECT_EQ(first.activity.title, "Revisar trámites");
  EXPECT_EQ(first.activity.responsible, std::vector<std::string>{"general"});
  EXPECT_TRUE(first.activity.periods.empty());  // no CUATRIMESTRE column: active in all
  // The headers name August and December: the second and third cuts.
  ASSERT_EQ(first.history.size(), 2u);
  EXPECT_EQ(first.history[0].as_of, ymd(2023, 8, 31));
  EXPECT_EQ(first.history[0].note, "Revisados 20");
  EXPECT_EQ(first.history[1].as_of, ymd(2023, 12, 31));
  EXPECT_TRUE(first.activity.done());
  const ImportedActivity& second = parsed->activities[1];
  EXPECT_EQ(second.source_line, 4);  // the blank line 3 is counted
  EXPECT_EQ(second.activity.title, "Elaborar \"estrategia\"");
  EXPECT_EQ(second.activity.responsible, std::vector<std::string>{"tic"});
  EXPECT_TRUE(second.history.empty());
  EXPECT_TRUE(parsed->warnings.empty());
}

TEST(MatrixFormats, TsvCellStartingWithAQuoteIsLiteral) {
  ImportOptions options = itagui_options();
  options.plan = "PAAC";
  options.year = 2023;
  const std::string tsv =
      "N°\tACTIVIDAD\tRESPONSABLE\tFECHA\n"
      "1.1\t\"Garantía de Derechos\" fue el tema\tSecretaría General\t30/11/2023\n"
      "1.2\tOtra\tSecretaría General\t30/10/2023\n";
  auto parsed = parse_matrix(tsv, options);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  ASSERT_EQ(parsed->activities.size(), 2u);
  EXPECT_EQ(parsed->activities[0].activity.title, "\"Garantía de Derechos\" fue el tema");
  EXPECT_EQ(parsed->activities[1].activity.title, "Otra");
}

TEST(MatrixFormats, Utf8BomIsSkipped) {
  auto plain = parse_matrix(seed_bytes(), itagui_options());
  auto with_bom = parse_matrix("\xEF\xBB\xBF" + seed_bytes(), itagui_options());
  ASSERT_TRUE(plain.ok() && with_bom.ok());
  ASSERT_EQ(with_bom->activities.size(), 84u);
  for (size_t i = 0; i < 84; ++i) {
    EXPECT_EQ(describe(with_bom->activities[i]), describe(plain->activities[i]));
  }
  EXPECT_EQ(with_bom->warnings.size(), plain->warnings.size());
}

TEST(MatrixFormats, Utf16WithBomIsDecoded) {
  ImportOptions options = itagui_options();
  options.plan = "PAAC";
  options.year = 2023;
  auto parsed = parse_matrix(to_utf16le(kPlainTsv), options);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  ASSERT_EQ(parsed->activities.size(), 2u);
  EXPECT_EQ(parsed->activities[0].activity.title, "Revisar trámites");
}

TEST(MatrixFormats, StrayLatin1ByteInUtf8FileIsReadAndWarned) {
  ImportOptions options = itagui_options();
  options.plan = "PAAC";
  options.year = 2023;
  std::string tsv(kPlainTsv);
  tsv.replace(tsv.find("Listo"), 5, "List\xF3");  // "Listó" in Latin-1, after valid UTF-8
  auto parsed = parse_matrix(tsv, options);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->activities[0].history[1].note, "Listó");
  ASSERT_EQ(parsed->warnings.size(), 1u);
  EXPECT_EQ(parsed->warnings[0].line, 2);
  EXPECT_EQ(parsed->warnings[0].message,
            "1 byte on this line is not valid UTF-8 and was read as Windows-1252");
}

TEST(MatrixFormats, DuplicatesAndRowsWithoutNumberAreWarnedNotDropped) {
  ImportOptions options = itagui_options();
  options.plan = "PAAC";
  options.year = 2023;
  const std::string tsv =
      "N°\tACTIVIDAD\tRESPONSABLE\tFECHA\n"
      "1.1\tPrimera\tSecretaría General\t30/11/2023\n"
      "1.1\tRepetida\tSecretaría General\t30/10/2023\n"
      "\tSin número\tSecretaría General\t30/10/2023\n";
  auto parsed = parse_matrix(tsv, options);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  ASSERT_EQ(parsed->activities.size(), 1u);
  EXPECT_EQ(parsed->activities[0].activity.title, "Primera");
  ASSERT_EQ(parsed->warnings.size(), 2u);
  EXPECT_EQ(parsed->warnings[0].line, 3);
  EXPECT_EQ(parsed->warnings[0].activity, "1.1");
  EXPECT_EQ(parsed->warnings[0].message,
            "activity 1.1 appears again (first on line 2); this row was ignored");
  EXPECT_EQ(parsed->warnings[1].line, 4);
  EXPECT_EQ(parsed->warnings[1].activity, "");
  EXPECT_EQ(parsed->warnings[1].message,
            "a row with no activity number (it starts with \"Sin número\") was skipped");
}

// A quoted cell never closed: the rest of the file would be one cell. The
// file is refused whole, not imported with its last rows swallowed.
TEST(MatrixFormats, CutShortQuotedCellRefusesTheFile) {
  ImportOptions options = itagui_options();
  options.plan = "PAAC";
  options.year = 2023;
  const std::string csv =
      "N°;ACTIVIDAD;RESPONSABLE;FECHA;SEGUIMIENTO;PORCENTAJE\n"
      "1.1;Primera;Secretaría General;30/11/2023;Bien;50%\n"
      "1.2;Segunda;Secretaría General;30/10/2023;\"Empieza y no\ntermina";
  auto parsed = parse_matrix(csv, options);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().message,
            "line 3: a quoted cell that starts on this line is not closed before the end of the "
            "file; the file looks cut short, so nothing was imported (export or copy the whole "
            "matrix again)");
}

TEST(MatrixFormats, PercentOverAHundredIsCapped) {
  ImportOptions options = itagui_options();
  options.plan = "PAAC";
  options.year = 2023;
  const std::string tsv =
      "N°\tACTIVIDAD\tRESPONSABLE\tFECHA\tSEGUIMIENTO ABRIL\tPORCENTAJE\n"
      "1.1\tPrimera\tSecretaría General\t30/11/2023\tDe más\t120%\n";
  auto parsed = parse_matrix(tsv, options);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->activities[0].activity.progress->percent, 100);
  ASSERT_EQ(parsed->warnings.size(), 1u);
  EXPECT_EQ(parsed->warnings[0].message,
            "the follow-up of 30/04 says 120%, which was taken as 100%");
}

// Files that are not matrices: one clear sentence each.

std::string error_of(std::string_view bytes, ImportOptions options = itagui_options()) {
  auto parsed = parse_matrix(bytes, options);
  if (parsed.ok()) return "parsed";
  return parsed.error().message;
}

TEST(MatrixErrors, TruncatedAfterTheHeader) {
  const std::string seed = seed_bytes();
  const size_t header_end = seed.find("SEGUIMIENTO ABRIL 30");
  ASSERT_NE(header_end, std::string::npos);
  EXPECT_EQ(error_of(seed.substr(0, header_end)),
            "the file ends after the header row on line 10 without any activity row; it may "
            "be cut short");
}

// The seed cut in the middle of 4.6's row: refused, where importing it
// would have wiped 4.6's deadline and units and 4.1–4.5's component.
TEST(MatrixErrors, TruncatedInTheMiddleOfARow) {
  const std::string seed = seed_bytes();
  const auto row = seed.find("\t4.6\t");
  ASSERT_NE(row, std::string::npos);
  const auto cut = seed.find('\t', seed.find("Informes publicados", row));
  ASSERT_NE(cut, std::string::npos);
  const std::string message = error_of(seed.substr(0, cut));
  EXPECT_TRUE(message.ends_with(": the file ends in the middle of the row of activity 4.6; the "
                                "file looks cut short, so nothing was imported (export or copy "
                                "the whole matrix again)"))
      << message;
  EXPECT_TRUE(message.starts_with("line ")) << message;
}

TEST(MatrixErrors, TruncatedBeforeTheHeader) {
  EXPECT_EQ(error_of(seed_bytes().substr(0, 400)),
            "no header row naming N° and ACTIVIDAD columns was found, so this is not a plan "
            "matrix");
}

TEST(MatrixErrors, BinaryData) {
  const std::string gzip("\x1F\x8B\x08\x00\x12\x34\x56\x78\x00\x03", 10);
  EXPECT_EQ(error_of(gzip),
            "the file holds binary data (byte 0x1F on line 1), so it is not a plan matrix in "
            "text, TSV or CSV form");
  std::string png("\x89PNG\r\n\x1A\n\x00\x00\x00\x0DIHDR", 16);
  EXPECT_EQ(error_of(png),
            "the file holds binary data (byte 0x1A on line 2), so it is not a plan matrix in "
            "text, TSV or CSV form");
}

TEST(MatrixErrors, EmptyFile) {
  EXPECT_EQ(error_of(""), "the file is empty");
}

TEST(MatrixErrors, TextThatIsNoMatrix) {
  EXPECT_EQ(error_of("Querida Secretaría,\nadjunto el informe.\n"),
            "no header row naming N° and ACTIVIDAD columns was found, so this is not a plan "
            "matrix");
}

TEST(MatrixErrors, PlanAndYearMustBeKnown) {
  const std::string tsv = "N°\tACTIVIDAD\tRESPONSABLE\tFECHA\n1.1\tUna\tSecretaría General\t\n";
  EXPECT_EQ(error_of(tsv), "the plan's name is not in the file's title; give it with --plan");
  ImportOptions options = itagui_options();
  options.plan = "PAAC";
  EXPECT_EQ(error_of(tsv, options),
            "the plan's year is not in the file's title; give it with --year");
}

TEST(MatrixErrors, MissingFile) {
  auto parsed = parse_matrix_file("/nonexistent/plan.csv", itagui_options());
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().message, "cannot read /nonexistent/plan.csv: No such file or directory");
}

TEST(MatrixErrors, FeedKeepsFailingAfterAnError) {
  MatrixParser parser(itagui_options());
  EXPECT_FALSE(parser.feed(std::string_view("\x00", 1)).ok());
  const Status again = parser.feed("N°\tACTIVIDAD\n");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().message.rfind("the file holds binary data", 0), 0u);
  EXPECT_FALSE(parser.finish().ok());
}

TEST(MatrixErrors, ASinkGetsNothingWhenTheParseFails) {
  // A file found wanting at the end still hands over no activity: plazo
  // import must be able to write nothing.
  const std::string no_plan = "N°\tACTIVIDAD\tRESPONSABLE\tFECHA\n1.1\tUna\tSecretaría General\t\n";
  for (const std::string& bytes : {no_plan, std::string("Querida Secretaría,\nadjunto.\n")}) {
    MatrixParser parser(itagui_options());
    ASSERT_TRUE(parser.feed(bytes).ok());
    int handed = 0;
    auto summary = parser.finish([&](ImportedActivity&) {
      ++handed;
      return Status{};
    });
    EXPECT_FALSE(summary.ok());
    EXPECT_EQ(handed, 0);
  }
}

}  // namespace
}  // namespace plazo::testing
