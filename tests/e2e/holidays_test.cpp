// `plazo holidays YEAR`, run as the real binary.

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "support/process.h"
#include "support/temp_dir.h"

namespace plazo::testing {
namespace {

// Colombia 2023, as published (see tests/domain/calendar_test.cpp for the
// source); the weekday column is padded to the width of "miércoles".
constexpr const char* kHolidays2023 =
    "2023-01-01  domingo    Año Nuevo\n"
    "2023-01-09  lunes      Día de los Reyes Magos\n"
    "2023-03-20  lunes      Día de San José\n"
    "2023-04-06  jueves     Jueves Santo\n"
    "2023-04-07  viernes    Viernes Santo\n"
    "2023-05-01  lunes      Día del Trabajo\n"
    "2023-05-22  lunes      Ascensión del Señor\n"
    "2023-06-12  lunes      Corpus Christi\n"
    "2023-06-19  lunes      Sagrado Corazón\n"
    "2023-07-03  lunes      San Pedro y San Pablo\n"
    "2023-07-20  jueves     Día de la Independencia\n"
    "2023-08-07  lunes      Batalla de Boyacá\n"
    "2023-08-21  lunes      Asunción de la Virgen\n"
    "2023-10-16  lunes      Día de la Raza\n"
    "2023-11-06  lunes      Todos los Santos\n"
    "2023-11-13  lunes      Independencia de Cartagena\n"
    "2023-12-08  viernes    Inmaculada Concepción\n"
    "2023-12-25  lunes      Navidad\n";

// The built-in calendar applies when there is no config at the default path
// (run_plazo clears $PLAZO_CONFIG). A machine where plazo is installed has
// one, whose closures would change the list: these tests need its absence.
#define SKIP_IF_INSTALLED()                                                 \
  if (std::filesystem::exists("/etc/plazo/plazo.toml"))                     \
  GTEST_SKIP() << "/etc/plazo/plazo.toml exists: plazo is installed here, " \
                  "so 'no config' cannot be tested"

TEST(HolidaysCommand, ListsColombianHolidaysOf2023) {
  SKIP_IF_INSTALLED();
  auto r = run_plazo({"holidays", "2023"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, std::string(kHolidays2023) + "18 festivos en 2023\n");
  EXPECT_EQ(r.err, "");
}

TEST(HolidaysCommand, TwoHolidaysOnOneDayShareTheLine) {
  SKIP_IF_INSTALLED();
  auto r = run_plazo({"holidays", "2025"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\n2025-06-23  lunes      Corpus Christi\n"
                       "2025-06-30  lunes      Sagrado Corazón / San Pedro y San Pablo\n"
                       "2025-07-20  domingo    Día de la Independencia\n"),
            std::string::npos)
      << r.out;
  EXPECT_TRUE(r.out.starts_with("2025-01-01  miércoles  Año Nuevo\n")) << r.out;
  EXPECT_TRUE(r.out.ends_with("\n17 festivos en 2025\n")) << r.out;
}

TEST(HolidaysCommand, MissingYearIsUsageError) {
  auto r = run_plazo({"holidays"});
  EXPECT_EQ(r.exit_code, 64);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "plazo: holidays needs a YEAR, e.g. plazo holidays 2023\n");
}

TEST(HolidaysCommand, YearOutOfRangeOrNotANumberIsUsageError) {
  for (const char* year : {"1582", "10000", "abc", "2023x", "-2023", "+2023", "", "02023"}) {
    auto r = run_plazo({"holidays", year});
    EXPECT_EQ(r.exit_code, 64) << year;
    EXPECT_EQ(r.out, "") << year;
    EXPECT_EQ(r.err, std::string("plazo: the year must be a number from 1583 to 9999, not \"") +
                         year + "\" (usage: plazo holidays YEAR)\n");
  }
  EXPECT_EQ(run_plazo({"holidays", "1583"}).exit_code, 0);
  EXPECT_EQ(run_plazo({"holidays", "9999"}).exit_code, 0);
}

TEST(HolidaysCommand, TwoYearsIsUsageError) {
  auto r = run_plazo({"holidays", "2023", "2024"});
  EXPECT_EQ(r.exit_code, 64);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err,
            "plazo: holidays takes one YEAR, not 2 arguments (usage: plazo holidays YEAR)\n");
}

TEST(HolidaysCommand, MissingConfigNamedByTheAdminIsConfigError) {
  TempDir dir;
  const std::string path = dir.file("absent.toml");
  const std::string expected = "plazo: the config file \"" + path +
                               "\" does not exist (give an existing file with --config or "
                               "$PLAZO_CONFIG)\n";
  auto r = run_plazo({"holidays", "2023", "--config", path});
  EXPECT_EQ(r.exit_code, 78);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, expected);
  auto from_env = run_plazo({"holidays", "2023"}, {{"PLAZO_CONFIG", path}});
  EXPECT_EQ(from_env.exit_code, 78);
  EXPECT_EQ(from_env.err, expected);
}

TEST(HolidaysCommand, BrokenConfigIsConfigErrorNamingTheFile) {
  TempDir dir;
  const std::string path = dir.write("plazo.toml", "[calendar\nholidays = \n");
  auto r = run_plazo({"holidays", "2023", "--config", path});
  EXPECT_EQ(r.exit_code, 78);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err.rfind(path + ":", 0), 0u) << r.err;  // "file:line:col: message"
}

// A config with entity closures.
TEST(HolidaysCommand, ListsConfiguredClosures) {
  TempDir dir;
  const std::string path = dir.write("plazo.toml", R"([daemon]
database = "/var/lib/plazo/plazo.db"
timezone = "America/Bogota"

[calendar]
holidays = "CO"
extra_closed = ["2023-12-29", "2023-12-26", "2024-01-02"]
saturday_is_business_day = false

[email]
url = "smtp://127.0.0.1:25"
from = "PAAC <paac@example.org>"

[[units]]
id = "planeacion"
name = "Departamento Administrativo de Planeación"
email = ["planeacion@example.org"]
)");
  auto r = run_plazo({"holidays", "2023", "--config", path});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, std::string(kHolidays2023) +
                       "2023-12-26  martes     Cierre de la entidad\n"
                       "2023-12-29  viernes    Cierre de la entidad\n"
                       "20 días de cierre en 2023: 18 festivos y 2 cierres de la entidad\n");
  EXPECT_EQ(r.err, "");
}

TEST(HolidaysCommand, ConfigWithoutCountryHolidays) {
  TempDir dir;
  const std::string path = dir.write("plazo.toml", R"([calendar]
holidays = "none"
extra_closed = ["2023-12-26"]

[email]
url = "smtp://127.0.0.1:25"
from = "PAAC <paac@example.org>"

[[units]]
id = "planeacion"
name = "Departamento Administrativo de Planeación"
email = ["planeacion@example.org"]
)");
  auto r = run_plazo({"holidays", "2023"}, {{"PLAZO_CONFIG", path}});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "2023-12-26  martes     Cierre de la entidad\n"
            "1 día de cierre en 2023: 0 festivos y 1 cierre de la entidad\n");
}

}  // namespace
}  // namespace plazo::testing
