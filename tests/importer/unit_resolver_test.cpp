#include "importer/unit_resolver.h"

#include <gtest/gtest.h>

#include "importer/text.h"
#include "importer_fixture.h"

namespace plazo::testing {
namespace {

using Ids = std::vector<std::string>;

class UnitResolverTest : public ::testing::Test {
 protected:
  UnitResolver resolver_{itagui_units()};
};

TEST(FoldForMatch, IgnoresCaseAccentsPunctuationAndSpacing) {
  EXPECT_EQ(fold_for_match("  Departamento  Administrativo de PLANEACIÓN. "),
            "departamento administrativo de planeacion");
  EXPECT_EQ(fold_for_match("UNIDAD ADMINISTRATIVA CO-RESPONSABLE"),
            "unidad administrativa co responsable");
  EXPECT_EQ(fold_for_match("N°"), "n");
  EXPECT_EQ(fold_for_match("Nº"), "n");
  EXPECT_EQ(fold_for_match("No."), "no");
  EXPECT_EQ(fold_for_match("ITAGÜÍ • Año"), "itagui ano");
  EXPECT_EQ(fold_for_match(""), "");
}

TEST_F(UnitResolverTest, ExactNameAndAliasIgnoringCaseAndAccents) {
  EXPECT_EQ(resolver_.resolve("Departamento Administrativo de planeación").unit_ids,
            Ids{"planeacion"});
  EXPECT_EQ(resolver_.resolve("DIRECCION DE LAS TIC").unit_ids, Ids{"tic"});
  EXPECT_EQ(resolver_.resolve("Secretaría de las comunicaciones").unit_ids, Ids{"comunicaciones"});
  EXPECT_EQ(resolver_.resolve("secretaria   de evaluacion y control.").unit_ids, Ids{"evaluacion"});
  EXPECT_TRUE(resolver_.resolve("Secretaría General").resolved());
}

TEST_F(UnitResolverTest, TwoUnitsWithoutSeparator) {
  EXPECT_EQ(resolver_.resolve("Secretaría Jurídica Dirección de las TIC").unit_ids,
            (Ids{"juridica", "tic"}));
  EXPECT_EQ(resolver_.resolve("Secretaría de Hacienda Dirección de las TIC").unit_ids,
            (Ids{"hacienda", "tic"}));
}

TEST_F(UnitResolverTest, TwoUnitsWithSeparators) {
  EXPECT_EQ(resolver_.resolve("Dirección de las TIC / Secretaría de comunicaciones").unit_ids,
            (Ids{"tic", "comunicaciones"}));
  EXPECT_EQ(resolver_.resolve("Secretaría General, Secretaría de Familia").unit_ids,
            (Ids{"general", "familia"}));
  // "y" separates two names, yet belongs inside "Evaluación y Control".
  const UnitMatch match =
      resolver_.resolve("Secretaría de Gobierno y Secretaría de Evaluación y Control");
  EXPECT_EQ(match.unit_ids, (Ids{"gobierno", "evaluacion"}));
  EXPECT_TRUE(match.unknown.empty());
}

TEST_F(UnitResolverTest, RepeatedUnitCountsOnce) {
  EXPECT_EQ(resolver_.resolve("Secretaría General / SECRETARIA GENERAL").unit_ids, Ids{"general"});
}

TEST_F(UnitResolverTest, NoAplicaAndEmptyMeanNone) {
  for (const char* none : {"No aplica", "NO APLICA", "N/A", "", "  ", "-", "Ninguna"}) {
    const UnitMatch match = resolver_.resolve(none);
    EXPECT_TRUE(match.none) << none;
    EXPECT_TRUE(match.unit_ids.empty()) << none;
    EXPECT_TRUE(match.unknown.empty()) << none;
  }
  EXPECT_FALSE(resolver_.resolve("No aplica para este seguimiento").none);
}

TEST_F(UnitResolverTest, UnknownNamesAreReportedAsWritten) {
  const UnitMatch match = resolver_.resolve("Oficina de Prensa / Secretaría General");
  EXPECT_EQ(match.unit_ids, Ids{"general"});
  EXPECT_EQ(match.unknown, std::vector<std::string>{"Oficina de Prensa"});
  EXPECT_FALSE(match.resolved());

  const UnitMatch two = resolver_.resolve("Secretaría de Salud y Secretaría General y Tránsito");
  EXPECT_EQ(two.unit_ids, Ids{"general"});
  EXPECT_EQ(two.unknown, (std::vector<std::string>{"Secretaría de Salud", "Tránsito"}));
}

TEST_F(UnitResolverTest, PartOfANameIsNotTheUnit) {
  const UnitMatch match = resolver_.resolve("Secretaría de Evaluación");
  EXPECT_TRUE(match.unit_ids.empty());
  EXPECT_EQ(match.unknown, std::vector<std::string>{"Secretaría de Evaluación"});
}

TEST(UnitResolver, LongestSpellingWins) {
  UnitResolver resolver({make_unit("salud", "Secretaría de Salud"),
                         make_unit("salud-publica", "Secretaría de Salud Pública")});
  EXPECT_EQ(resolver.resolve("Secretaría de Salud Pública").unit_ids, Ids{"salud-publica"});
  EXPECT_EQ(resolver.resolve("Secretaría de Salud").unit_ids, Ids{"salud"});
  EXPECT_EQ(resolver.resolve("Secretaría de Salud Secretaría de Salud Pública").unit_ids,
            (Ids{"salud", "salud-publica"}));
}

TEST(UnitResolver, UnitIdIsNotASpelling) {
  // Ids are slugs ("general"); as spellings they would match stray words.
  UnitResolver resolver({make_unit("general", "Secretaría General")});
  const UnitMatch match = resolver.resolve("General");
  EXPECT_TRUE(match.unit_ids.empty());
  EXPECT_EQ(match.unknown, std::vector<std::string>{"General"});
}

}  // namespace
}  // namespace plazo::testing
