#include "domain/calendar.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace plazo {
namespace {

using date::days;
using Listed = std::vector<std::pair<std::string, std::string>>;  // (ISO date, name)

Date d(const char* iso) {
  const auto day = parse_iso_date(iso);
  EXPECT_TRUE(day.has_value()) << iso;
  return day.value_or(Date{});
}

Listed listed(const std::vector<Holiday>& holidays) {
  Listed out;
  for (const auto& h : holidays) out.emplace_back(format_iso_date(h.date), h.name);
  return out;
}

std::string iso(Date day) {
  return format_iso_date(day);
}

// ---------------------------------------------------------------------------
// Easter and the Colombian holidays, checked against published lists. The
// expected dates are literals copied from the sources named above each test,
// never computed by the code under test.

TEST(EasterSunday, MatchesKnownDates) {
  // Gregorian Easter dates, including the earliest (22 March) and latest
  // (25 April) possible ones.
  EXPECT_EQ(iso(easter_sunday(1583)), "1583-04-10");
  EXPECT_EQ(iso(easter_sunday(1818)), "1818-03-22");
  EXPECT_EQ(iso(easter_sunday(1943)), "1943-04-25");
  EXPECT_EQ(iso(easter_sunday(2000)), "2000-04-23");
  EXPECT_EQ(iso(easter_sunday(2008)), "2008-03-23");
  EXPECT_EQ(iso(easter_sunday(2019)), "2019-04-21");
  EXPECT_EQ(iso(easter_sunday(2023)), "2023-04-09");
  EXPECT_EQ(iso(easter_sunday(2024)), "2024-03-31");
  EXPECT_EQ(iso(easter_sunday(2025)), "2025-04-20");
  EXPECT_EQ(iso(easter_sunday(2038)), "2038-04-25");
  EXPECT_EQ(iso(easter_sunday(2285)), "2285-03-22");
}

// Source: Noticias Caracol, "Calendario Colombia 2023: ¿cuáles son los días
// festivos y celebraciones del año?"
// https://noticiascaracol.com/colombia/calendario-colombia-2023-cuales-son-los-dias-festivos-y-celebraciones-del-ano-so35
// (Domingo de Ramos and Domingo de Pascua, listed there too, are Sundays and
// not public holidays.)
TEST(ColombianHolidays, Year2023MatchesPublishedList) {
  const Listed expected = {
      {"2023-01-01", "Año Nuevo"},
      {"2023-01-09", "Día de los Reyes Magos"},
      {"2023-03-20", "Día de San José"},
      {"2023-04-06", "Jueves Santo"},
      {"2023-04-07", "Viernes Santo"},
      {"2023-05-01", "Día del Trabajo"},
      {"2023-05-22", "Ascensión del Señor"},
      {"2023-06-12", "Corpus Christi"},
      {"2023-06-19", "Sagrado Corazón"},
      {"2023-07-03", "San Pedro y San Pablo"},
      {"2023-07-20", "Día de la Independencia"},
      {"2023-08-07", "Batalla de Boyacá"},
      {"2023-08-21", "Asunción de la Virgen"},
      {"2023-10-16", "Día de la Raza"},
      {"2023-11-06", "Todos los Santos"},
      {"2023-11-13", "Independencia de Cartagena"},
      {"2023-12-08", "Inmaculada Concepción"},
      {"2023-12-25", "Navidad"},
  };
  EXPECT_EQ(listed(colombian_holidays(2023)), expected);
}

// Source: Seguimiento.co, "Conozca por qué los colombianos tendrán que
// trabajar más en 2019" https://www.seguimiento.co/node/20346 — Sagrado
// Corazón and San Pedro y San Pablo both on Monday 1 July 2019; Easter on
// 21 April; New Year on a Tuesday, 20 July on a Saturday, 8 December on a
// Sunday; the Monday holidays listed. Jueves/Viernes Santo are Easter -3/-2.
TEST(ColombianHolidays, Year2019HasTwoHolidaysOnFirstOfJuly) {
  const Listed expected = {
      {"2019-01-01", "Año Nuevo"},
      {"2019-01-07", "Día de los Reyes Magos"},
      {"2019-03-25", "Día de San José"},
      {"2019-04-18", "Jueves Santo"},
      {"2019-04-19", "Viernes Santo"},
      {"2019-05-01", "Día del Trabajo"},
      {"2019-06-03", "Ascensión del Señor"},
      {"2019-06-24", "Corpus Christi"},
      {"2019-07-01", "Sagrado Corazón"},
      {"2019-07-01", "San Pedro y San Pablo"},
      {"2019-07-20", "Día de la Independencia"},
      {"2019-08-07", "Batalla de Boyacá"},
      {"2019-08-19", "Asunción de la Virgen"},
      {"2019-10-14", "Día de la Raza"},
      {"2019-11-04", "Todos los Santos"},
      {"2019-11-11", "Independencia de Cartagena"},
      {"2019-12-08", "Inmaculada Concepción"},
      {"2019-12-25", "Navidad"},
  };
  EXPECT_EQ(listed(colombian_holidays(2019)), expected);
}

// Source: Enciso Systems, "National Holidays" (citing the Banco de la
// República) https://encisosystems.com/about/national-holidays, and
// holiday-times.com/public-holidays-colombia/ (Palm and Easter Sunday left
// out: they are Sundays, not public holidays).
TEST(ColombianHolidays, Year2024MatchesPublishedList) {
  const Listed expected = {
      {"2024-01-01", "Año Nuevo"},
      {"2024-01-08", "Día de los Reyes Magos"},
      {"2024-03-25", "Día de San José"},
      {"2024-03-28", "Jueves Santo"},
      {"2024-03-29", "Viernes Santo"},
      {"2024-05-01", "Día del Trabajo"},
      {"2024-05-13", "Ascensión del Señor"},
      {"2024-06-03", "Corpus Christi"},
      {"2024-06-10", "Sagrado Corazón"},
      {"2024-07-01", "San Pedro y San Pablo"},
      {"2024-07-20", "Día de la Independencia"},
      {"2024-08-07", "Batalla de Boyacá"},
      {"2024-08-19", "Asunción de la Virgen"},
      {"2024-10-14", "Día de la Raza"},
      {"2024-11-04", "Todos los Santos"},
      {"2024-11-11", "Independencia de Cartagena"},
      {"2024-12-08", "Inmaculada Concepción"},
      {"2024-12-25", "Navidad"},
  };
  EXPECT_EQ(listed(colombian_holidays(2024)), expected);
}

// Source: festivos.com.co, "Días festivos en Colombia 2025"
// https://www.festivos.com.co/2025, and publicholidays.co/es/2025-dates/
// (which points to banrep.gov.co): 30 June 2025 is both Sagrado Corazón and
// San Pedro y San Pablo.
TEST(ColombianHolidays, Year2025HasTwoHolidaysOnThirtiethOfJune) {
  const Listed expected = {
      {"2025-01-01", "Año Nuevo"},
      {"2025-01-06", "Día de los Reyes Magos"},
      {"2025-03-24", "Día de San José"},
      {"2025-04-17", "Jueves Santo"},
      {"2025-04-18", "Viernes Santo"},
      {"2025-05-01", "Día del Trabajo"},
      {"2025-06-02", "Ascensión del Señor"},
      {"2025-06-23", "Corpus Christi"},
      {"2025-06-30", "Sagrado Corazón"},
      {"2025-06-30", "San Pedro y San Pablo"},
      {"2025-07-20", "Día de la Independencia"},
      {"2025-08-07", "Batalla de Boyacá"},
      {"2025-08-18", "Asunción de la Virgen"},
      {"2025-10-13", "Día de la Raza"},
      {"2025-11-03", "Todos los Santos"},
      {"2025-11-17", "Independencia de Cartagena"},
      {"2025-12-08", "Inmaculada Concepción"},
      {"2025-12-25", "Navidad"},
  };
  EXPECT_EQ(listed(colombian_holidays(2025)), expected);
}

// The rules themselves, over every year plazo accepts: eighteen holidays, all
// inside the year and sorted; the ones Ley 51 moves land on a Monday within a
// week of their feast; the fixed ones keep their dates.
TEST(ColombianHolidays, EveryYearFollowsTheLaw) {
  const std::vector<std::string> moved = {"Día de los Reyes Magos", "Día de San José",
                                          "Ascensión del Señor",    "Corpus Christi",
                                          "Sagrado Corazón",        "San Pedro y San Pablo",
                                          "Asunción de la Virgen",  "Día de la Raza",
                                          "Todos los Santos",       "Independencia de Cartagena"};
  for (int year = 1583; year <= 9999; ++year) {
    const auto holidays = colombian_holidays(year);
    ASSERT_EQ(holidays.size(), 18u) << year;
    std::map<std::string, Date> by_name;
    for (std::size_t i = 0; i < holidays.size(); ++i) {
      ASSERT_EQ(year_of(holidays[i].date), year) << holidays[i].name;
      ASSERT_TRUE(i == 0 || holidays[i - 1].date <= holidays[i].date) << year;
      by_name[holidays[i].name] = holidays[i].date;
    }
    ASSERT_EQ(by_name.size(), 18u) << year;
    for (const auto& name : moved) {
      ASSERT_EQ(iso_weekday(by_name.at(name)), 1u) << year << " " << name;
    }
    const Date easter = easter_sunday(year);
    ASSERT_EQ(iso_weekday(easter), 7u) << year;
    ASSERT_EQ(by_name.at("Jueves Santo"), easter - days{3}) << year;
    ASSERT_EQ(by_name.at("Viernes Santo"), easter - days{2}) << year;
    ASSERT_EQ(by_name.at("Ascensión del Señor"), easter + days{43}) << year;
    ASSERT_EQ(by_name.at("Corpus Christi"), easter + days{64}) << year;
    ASSERT_EQ(by_name.at("Sagrado Corazón"), easter + days{71}) << year;
    ASSERT_EQ(by_name.at("Año Nuevo"), *make_date(year, 1, 1));
    ASSERT_EQ(by_name.at("Día del Trabajo"), *make_date(year, 5, 1));
    ASSERT_EQ(by_name.at("Día de la Independencia"), *make_date(year, 7, 20));
    ASSERT_EQ(by_name.at("Batalla de Boyacá"), *make_date(year, 8, 7));
    ASSERT_EQ(by_name.at("Inmaculada Concepción"), *make_date(year, 12, 8));
    ASSERT_EQ(by_name.at("Navidad"), *make_date(year, 12, 25));
    const Date san_jose = *make_date(year, 3, 19);
    ASSERT_GE(by_name.at("Día de San José"), san_jose) << year;
    ASSERT_LT(by_name.at("Día de San José"), san_jose + days{7}) << year;
    const Date cartagena = *make_date(year, 11, 11);
    ASSERT_GE(by_name.at("Independencia de Cartagena"), cartagena) << year;
    ASSERT_LT(by_name.at("Independencia de Cartagena"), cartagena + days{7}) << year;
  }
}

// ---------------------------------------------------------------------------
// Business days.

TEST(Calendar, WeekendsAndHolidaysAreClosed) {
  const Calendar calendar;
  EXPECT_TRUE(calendar.is_business_day(d("2023-01-10")));   // Tuesday
  EXPECT_FALSE(calendar.is_business_day(d("2023-01-09")));  // Monday, Reyes Magos
  EXPECT_FALSE(calendar.is_business_day(d("2023-12-30")));  // Saturday
  EXPECT_FALSE(calendar.is_business_day(d("2023-12-31")));  // Sunday
  EXPECT_FALSE(calendar.is_business_day(d("2023-04-06")));  // Jueves Santo
  EXPECT_FALSE(calendar.is_business_day(d("2023-07-20")));  // Thursday, Independencia
  EXPECT_TRUE(calendar.is_business_day(d("2023-07-21")));
  EXPECT_TRUE(calendar.is_business_day(d("2023-12-26")));  // not closed unless configured
}

TEST(Calendar, OnOrBeforeAndAfterShiftToTheClosestBusinessDay) {
  const Calendar calendar;
  EXPECT_EQ(iso(calendar.on_or_before(d("2023-11-23"))), "2023-11-23");  // business day stays
  EXPECT_EQ(iso(calendar.on_or_after(d("2023-11-23"))), "2023-11-23");
  EXPECT_EQ(iso(calendar.on_or_before(d("2023-12-30"))), "2023-12-29");  // Saturday -> Friday
  EXPECT_EQ(iso(calendar.on_or_after(d("2023-12-30"))), "2024-01-02");   // over 1 Jan holiday
  // Monday holiday: the Friday before, the Tuesday after.
  EXPECT_EQ(iso(calendar.on_or_before(d("2023-01-09"))), "2023-01-06");
  EXPECT_EQ(iso(calendar.on_or_after(d("2023-01-09"))), "2023-01-10");
  // Holy week: Easter Sunday 2023 goes back over Viernes and Jueves Santo.
  EXPECT_EQ(iso(calendar.on_or_before(d("2023-04-09"))), "2023-04-05");
  EXPECT_EQ(iso(calendar.on_or_after(d("2023-04-06"))), "2023-04-10");
}

TEST(Calendar, ExtraClosedDaysAreClosedAndListed) {
  Calendar::Options options;
  options.extra_closed = {d("2023-12-26"), d("2023-12-25"), d("2023-12-26"), d("2024-01-02")};
  const Calendar calendar(options);
  EXPECT_FALSE(calendar.is_business_day(d("2023-12-26")));
  EXPECT_TRUE(calendar.is_business_day(d("2023-12-27")));
  EXPECT_EQ(iso(calendar.on_or_after(d("2023-12-25"))), "2023-12-27");
  EXPECT_EQ(iso(calendar.on_or_before(d("2023-12-26"))), "2023-12-22");
  EXPECT_EQ(iso(calendar.on_or_after(d("2023-12-30"))), "2024-01-03");

  const auto holidays = listed(calendar.holidays(2023));
  ASSERT_EQ(holidays.size(), 20u);
  EXPECT_EQ(holidays[17], (std::pair<std::string, std::string>{"2023-12-25", "Navidad"}));
  EXPECT_EQ(holidays[18],
            (std::pair<std::string, std::string>{"2023-12-25", "Cierre de la entidad"}));
  EXPECT_EQ(holidays[19],
            (std::pair<std::string, std::string>{"2023-12-26", "Cierre de la entidad"}));
  const auto next_year = listed(calendar.holidays(2024));
  ASSERT_EQ(next_year.size(), 19u);
  EXPECT_EQ(next_year[1],
            (std::pair<std::string, std::string>{"2024-01-02", "Cierre de la entidad"}));
}

TEST(Calendar, SaturdaysWorkedAreBusinessDaysUnlessHolidays) {
  Calendar::Options options;
  options.saturday_is_business_day = true;
  const Calendar calendar(options);
  EXPECT_TRUE(calendar.is_business_day(d("2023-12-30")));   // Saturday
  EXPECT_FALSE(calendar.is_business_day(d("2023-12-31")));  // Sunday stays closed
  EXPECT_FALSE(calendar.is_business_day(d("2024-07-20")));  // Saturday, Independencia
  EXPECT_EQ(iso(calendar.on_or_before(d("2023-12-31"))), "2023-12-30");
  EXPECT_EQ(iso(calendar.on_or_before(d("2024-07-21"))), "2024-07-19");
  // Six business days a week: after Thursday 31 Aug 2023 come Fri 1, Sat 2,
  // Mon 4 to Sat 9 (8), Mon 11, Tue 12 (10) September.
  EXPECT_EQ(iso(calendar.add_business_days(d("2023-08-31"), 10)), "2023-09-12");
}

TEST(Calendar, WithoutCountryOnlyWeekendsAndExtraDaysAreClosed) {
  Calendar::Options options;
  options.country = "none";
  options.extra_closed = {d("2023-03-01")};
  const Calendar calendar(options);
  EXPECT_TRUE(calendar.is_business_day(d("2023-01-09")));
  EXPECT_TRUE(calendar.is_business_day(d("2023-04-07")));
  EXPECT_FALSE(calendar.is_business_day(d("2023-03-01")));
  EXPECT_EQ(listed(calendar.holidays(2023)), (Listed{{"2023-03-01", "Cierre de la entidad"}}));
  EXPECT_TRUE(calendar.holidays(2024).empty());
}

// PAAC publication deadlines: the follow-up is published within the first
// ten business days after each four-monthly cutoff. Worked out by hand from
// the real 2023-2024 calendar:
// - 30 Apr 2023 (Sun): 1 May is Día del Trabajo. May 2,3,4,5 (4), 8-12 (9),
//   15 (10) -> Monday 15 May 2023.
// - 31 Aug 2023 (Thu): no holidays in September. Sep 1 (1), 4-8 (6),
//   11-14 (10) -> Thursday 14 September 2023.
// - 31 Dec 2023 (Sun): 1 Jan 2024 Año Nuevo; Jan 2-5 (4); 8 Jan Reyes
//   Magos; 9-12 (8), 15, 16 (10) -> Tuesday 16 January 2024.
TEST(Calendar, PaacPublicationDeadlines2023) {
  const Calendar calendar;
  EXPECT_EQ(iso(calendar.add_business_days(d("2023-04-30"), 10)), "2023-05-15");
  EXPECT_EQ(iso(calendar.add_business_days(d("2023-08-31"), 10)), "2023-09-14");
  EXPECT_EQ(iso(calendar.add_business_days(d("2023-12-31"), 10)), "2024-01-16");
  // The first business day after each cutoff (the publisher's first reminder).
  EXPECT_EQ(iso(calendar.add_business_days(d("2023-04-30"), 1)), "2023-05-02");
  EXPECT_EQ(iso(calendar.add_business_days(d("2023-08-31"), 1)), "2023-09-01");
  EXPECT_EQ(iso(calendar.add_business_days(d("2023-12-31"), 1)), "2024-01-02");
}

TEST(Calendar, AddBusinessDaysCountsFromTheDayExclusive) {
  const Calendar calendar;
  EXPECT_EQ(iso(calendar.add_business_days(d("2023-01-08"), 0)), "2023-01-08");  // Sunday kept
  EXPECT_EQ(iso(calendar.add_business_days(d("2023-01-08"), 1)), "2023-01-10");
  EXPECT_EQ(iso(calendar.add_business_days(d("2023-01-10"), 1)), "2023-01-11");
  EXPECT_EQ(iso(calendar.add_business_days(d("2023-01-10"), -1)), "2023-01-06");
  // Back from 15 May 2023 over the 1 May holiday and a weekend.
  EXPECT_EQ(iso(calendar.add_business_days(d("2023-05-15"), -10)), "2023-04-28");
  // Back over New Year: 1 Jan 2024 holiday, 30-31 Dec weekend.
  EXPECT_EQ(iso(calendar.add_business_days(d("2024-01-02"), -1)), "2023-12-29");
  // 2023 has 243 business days (260 weekdays, 17 holidays on weekdays):
  // 243 after 31 Dec 2022 is the last one, Friday 29 Dec 2023.
  EXPECT_EQ(iso(calendar.add_business_days(d("2022-12-31"), 243)), "2023-12-29");
  EXPECT_EQ(iso(calendar.add_business_days(d("2022-12-31"), 244)), "2024-01-02");
  EXPECT_EQ(iso(calendar.add_business_days(d("2024-01-01"), -243)), "2023-01-02");
}

TEST(Calendar, LongClosuresAreSkipped) {
  Calendar::Options options;
  for (Date day = d("2023-01-01"); day <= d("2023-12-31"); day += days{1}) {
    options.extra_closed.push_back(day);
  }
  const Calendar calendar(options);
  // Closed all 2023: from Friday 30 Dec 2022, five business days are
  // 2, 3, 4, 5 and 9 Jan 2024 (1 and 8 Jan are holidays).
  EXPECT_EQ(iso(calendar.add_business_days(d("2022-12-30"), 5)), "2024-01-09");
  EXPECT_EQ(iso(calendar.add_business_days(d("2024-01-02"), -1)), "2022-12-30");
  EXPECT_EQ(iso(calendar.on_or_after(d("2023-06-15"))), "2024-01-02");
  EXPECT_EQ(iso(calendar.on_or_before(d("2023-06-15"))), "2022-12-30");
  EXPECT_EQ(calendar.business_days_between(d("2022-12-30"), d("2024-01-09")), 5);
  EXPECT_EQ(calendar.holidays(2023).size(), 18u + 365u);
}

TEST(Calendar, BusinessDaysBetween) {
  const Calendar calendar;
  EXPECT_EQ(calendar.business_days_between(d("2023-04-30"), d("2023-05-15")), 10);
  EXPECT_EQ(calendar.business_days_between(d("2023-04-30"), d("2023-05-14")), 9);  // Sunday
  EXPECT_EQ(calendar.business_days_between(d("2023-05-15"), d("2023-05-15")), 0);
  EXPECT_EQ(calendar.business_days_between(d("2023-05-15"), d("2023-04-28")), -10);
  EXPECT_EQ(calendar.business_days_between(d("2023-05-15"), d("2023-04-30")), -9);
  EXPECT_EQ(calendar.business_days_between(d("2022-12-31"), d("2023-12-31")), 243);
  EXPECT_EQ(calendar.business_days_between(d("2023-12-31"), d("2024-12-31")), 246);
  EXPECT_EQ(calendar.business_days_between(d("2024-12-31"), d("2025-12-31")), 245);
}

// The bit tricks against the plain definition, one day at a time, on every
// pair of days of a span crossing two year boundaries, with a fresh calendar
// for some queries so that the cache grows in both directions.
TEST(Calendar, FastPathsAgreeWithDayByDayCounting) {
  Calendar::Options options;
  options.extra_closed = {d("2023-12-26"), d("2024-02-29"), d("2024-12-31")};
  const Calendar calendar(options);
  const Date first = d("2023-11-01");
  const Date last = d("2025-02-28");
  for (Date from = first; from <= last; from += days{7}) {
    int count = 0;
    for (Date to = from; to <= last; to += days{1}) {
      if (to > from && calendar.is_business_day(to)) ++count;
      ASSERT_EQ(calendar.business_days_between(from, to), count) << iso(from) << " " << iso(to);
      if (to == from) continue;
      // Reversed: minus the business days in [from, to).
      const int reversed =
          count + (calendar.is_business_day(from) ? 1 : 0) - (calendar.is_business_day(to) ? 1 : 0);
      ASSERT_EQ(calendar.business_days_between(to, from), -reversed) << iso(from) << " " << iso(to);
      if (calendar.is_business_day(to)) {
        ASSERT_EQ(calendar.add_business_days(from, count), to) << iso(from) << " " << count;
        // Back from `to` by the same count lands on `from` or, when `from`
        // is closed, on the business day before it.
        ASSERT_EQ(Calendar(options).add_business_days(to, -count), calendar.on_or_before(from))
            << iso(to) << " " << count;
      }
    }
  }
  // Stepping n times by one equals one step of n, far in both directions.
  for (const int n : {1, 2, 63, 64, 65, 130, 300, 700}) {
    Date step = d("2024-06-15");
    Date back = step;
    for (int i = 0; i < n; ++i) {
      step = calendar.add_business_days(step, 1);
      back = calendar.add_business_days(back, -1);
    }
    EXPECT_EQ(Calendar(options).add_business_days(d("2024-06-15"), n), step) << n;
    EXPECT_EQ(Calendar(options).add_business_days(d("2024-06-15"), -n), back) << n;
  }
}

TEST(Calendar, YearsCanBeAskedInAnyOrder) {
  const Calendar calendar;
  EXPECT_FALSE(calendar.is_business_day(d("2030-01-01")));
  EXPECT_FALSE(calendar.is_business_day(d("2019-07-01")));  // Sagrado Corazón + San Pedro
  EXPECT_TRUE(calendar.is_business_day(d("2019-07-02")));
  EXPECT_FALSE(calendar.is_business_day(d("2025-06-30")));
  EXPECT_TRUE(calendar.is_business_day(d("2025-07-01")));
  EXPECT_FALSE(calendar.is_business_day(d("2030-01-01")));
  EXPECT_FALSE(calendar.is_business_day(d("1990-12-25")));
}

// Not a benchmark assertion: prints how long one million lookups take (well
// under 50 ms expected) and checks they are right. 2023-2025 have 243 + 246 +
// 245 = 734 business days (see BusinessDaysBetween).
TEST(Calendar, MillionLookupsOverThreeYears) {
  const Calendar calendar;
  const Date first = d("2023-01-01");
  constexpr int kSpan = 365 + 366 + 365;
  constexpr int kPasses = 913;  // 1,000,648 calls
  long open = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int pass = 0; pass < kPasses; ++pass) {
    for (int i = 0; i < kSpan; ++i) open += calendar.is_business_day(first + days{i}) ? 1 : 0;
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  std::printf("[          ] %d is_business_day calls: %.2f ms\n", kPasses * kSpan,
              std::chrono::duration<double, std::milli>(elapsed).count());
  EXPECT_EQ(open, 734L * kPasses);
}

}  // namespace
}  // namespace plazo
