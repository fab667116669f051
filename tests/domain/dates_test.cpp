#include "domain/dates.h"

#include <gtest/gtest.h>

namespace plazo {
namespace {

TEST(Dates, ParsesIsoDates) {
  auto day = parse_iso_date("2023-12-29");
  ASSERT_TRUE(day.has_value());
  EXPECT_EQ(format_iso_date(*day), "2023-12-29");
  EXPECT_FALSE(parse_iso_date("2023-02-29").has_value());
  EXPECT_FALSE(parse_iso_date("2023-1-29").has_value());
  EXPECT_FALSE(parse_iso_date("2023-12-29x").has_value());
}

TEST(Dates, ParsesDayMonthYear) {
  EXPECT_EQ(format_iso_date(*parse_dmy_date("20/01/2023")), "2023-01-20");
  EXPECT_EQ(format_iso_date(*parse_dmy_date("5/1/2023")), "2023-01-05");
  EXPECT_FALSE(parse_dmy_date("31/02/2023").has_value());
  EXPECT_FALSE(parse_dmy_date("30/12/23").has_value());
  EXPECT_FALSE(parse_dmy_date("100%").has_value());
}

TEST(Dates, WeekdaysAreIso) {
  EXPECT_EQ(iso_weekday(*parse_iso_date("2023-12-30")), 6u);  // Saturday
  EXPECT_EQ(iso_weekday(*parse_iso_date("2023-11-13")), 1u);  // Monday
}

}  // namespace
}  // namespace plazo

namespace plazo {
namespace {

// The hand-written formatter agrees with the date library on every day of
// two centuries (leap days, month ends, years with fewer than four digits).
TEST(Dates, IsoFormatMatchesTheDateLibraryEveryDay) {
  for (Date day = date::sys_days{date::year{1900} / 1 / 1};
       day < date::sys_days{date::year{2101} / 1 / 1}; day += date::days{1}) {
    ASSERT_EQ(format_iso_date(day), date::format("%F", day));
  }
  const Date early = date::sys_days{date::year{999} / 12 / 31};
  EXPECT_EQ(format_iso_date(early), "0999-12-31");
}

TEST(Dates, IsoDateTimeMatchesTheDateLibrary) {
  // Every hour, minute and second value turns up: a prime step over a year
  // and a half, from before the epoch.
  const Instant first = date::sys_days{date::year{1969} / 12 / 30};
  for (Instant t = first; t < first + date::days{550}; t += std::chrono::seconds{7919}) {
    ASSERT_EQ(format_iso_date_time(t), date::format("%FT%T", t));
  }
  EXPECT_EQ(format_iso_date_time(Instant{} - std::chrono::seconds{1}), "1969-12-31T23:59:59");
}

}  // namespace
}  // namespace plazo
