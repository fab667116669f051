#include "domain/timezone.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace plazo {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

Date d(const char* iso) {
  return parse_iso_date(iso).value_or(Date{});
}

// An instant written in UTC, "YYYY-MM-DD" plus a time of day.
Instant utc(const char* day, hours h, minutes m = minutes{0}, seconds s = seconds{0}) {
  return Instant{d(day)} + h + m + s;
}

TimeZone zone(const char* name) {
  auto located = TimeZone::locate(name);
  EXPECT_TRUE(located.ok()) << name;
  return located.value();
}

TEST(TimeZone, LocatesIanaNames) {
  auto bogota = TimeZone::locate("America/Bogota");
  ASSERT_TRUE(bogota.ok());
  EXPECT_EQ(bogota->name(), "America/Bogota");
}

TEST(TimeZone, RejectsUnknownNames) {
  auto mars = TimeZone::locate("Mars/Olympus_Mons");
  ASSERT_FALSE(mars.ok());
  EXPECT_EQ(mars.error().message, "unknown time zone \"Mars/Olympus_Mons\"");
  auto empty = TimeZone::locate("");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().message, "unknown time zone \"\"");
}

TEST(TimeZone, BogotaIsFiveHoursBehindUtcAllYear) {
  const TimeZone bogota = zone("America/Bogota");
  EXPECT_EQ(bogota.at(d("2023-11-23"), hours{8}), utc("2023-11-23", hours{13}));
  EXPECT_EQ(bogota.at(d("2023-07-01"), hours{8}), utc("2023-07-01", hours{13}));
  // 20:00 local is already the next day in UTC.
  EXPECT_EQ(bogota.at(d("2023-12-31"), hours{20}), utc("2024-01-01", hours{1}));
  EXPECT_EQ(bogota.at(d("2023-11-23"), minutes{0}), utc("2023-11-23", hours{5}));
}

TEST(TimeZone, SpringForwardGapTakesTheInstantAfterTheGap) {
  // New York, 12 Mar 2023: clocks jump from 02:00 EST to 03:00 EDT (07:00Z).
  const TimeZone new_york = zone("America/New_York");
  EXPECT_EQ(new_york.at(d("2023-03-12"), hours{1} + minutes{59}),
            utc("2023-03-12", hours{6}, minutes{59}));
  EXPECT_EQ(new_york.at(d("2023-03-12"), hours{2}), utc("2023-03-12", hours{7}));
  EXPECT_EQ(new_york.at(d("2023-03-12"), hours{2} + minutes{30}), utc("2023-03-12", hours{7}));
  EXPECT_EQ(new_york.at(d("2023-03-12"), hours{3}), utc("2023-03-12", hours{7}));
  EXPECT_EQ(new_york.at(d("2023-03-12"), hours{3} + minutes{30}),
            utc("2023-03-12", hours{7}, minutes{30}));
  EXPECT_EQ(new_york.format_rfc3339(new_york.at(d("2023-03-12"), hours{2} + minutes{30})),
            "2023-03-12T03:00:00-04:00");
}

TEST(TimeZone, FallBackAmbiguityTakesTheEarlierInstant) {
  // New York, 5 Nov 2023: 01:00-02:00 happens twice, first EDT then EST.
  const TimeZone new_york = zone("America/New_York");
  const Instant first = new_york.at(d("2023-11-05"), hours{1} + minutes{30});
  EXPECT_EQ(first, utc("2023-11-05", hours{5}, minutes{30}));  // 01:30 EDT, not 06:30Z
  EXPECT_EQ(new_york.format_rfc3339(first), "2023-11-05T01:30:00-04:00");
  EXPECT_EQ(new_york.format_rfc3339(first + hours{1}), "2023-11-05T01:30:00-05:00");
  EXPECT_EQ(new_york.at(d("2023-11-05"), hours{2}), utc("2023-11-05", hours{7}));
  EXPECT_EQ(new_york.at(d("2023-11-05"), minutes{30}), utc("2023-11-05", hours{4}, minutes{30}));
}

TEST(TimeZone, LocalDayAndTimeOfDay) {
  const TimeZone bogota = zone("America/Bogota");
  const Instant late = utc("2023-11-24", hours{3}, minutes{15}, seconds{59});  // 22:15:59 local
  EXPECT_EQ(bogota.local_day(late), d("2023-11-23"));
  EXPECT_EQ(bogota.local_time_of_day(late), minutes{22 * 60 + 15});
  const Instant morning = utc("2023-11-24", hours{13});
  EXPECT_EQ(bogota.local_day(morning), d("2023-11-24"));
  EXPECT_EQ(bogota.local_time_of_day(morning), minutes{8 * 60});
  // Before 1970: floor, not truncation toward zero.
  const Instant old = utc("1969-12-31", hours{23});
  EXPECT_EQ(bogota.local_day(old), d("1969-12-31"));
  EXPECT_EQ(bogota.local_time_of_day(old), minutes{18 * 60});
  const TimeZone new_york = zone("America/New_York");
  EXPECT_EQ(new_york.local_time_of_day(utc("2023-11-05", hours{6}, minutes{30})), minutes{90});
  EXPECT_EQ(new_york.local_day(utc("2023-11-05", hours{3}, minutes{59})), d("2023-11-04"));
}

TEST(TimeZone, FormatsRfc3339WithTheLocalOffset) {
  EXPECT_EQ(zone("America/Bogota").format_rfc3339(utc("2023-11-23", hours{13})),
            "2023-11-23T08:00:00-05:00");
  EXPECT_EQ(
      zone("America/Bogota").format_rfc3339(utc("2023-11-23", hours{13}, minutes{0}, seconds{3})),
      "2023-11-23T08:00:03-05:00");
  EXPECT_EQ(zone("America/New_York").format_rfc3339(utc("2023-07-04", hours{16})),
            "2023-07-04T12:00:00-04:00");
  EXPECT_EQ(zone("Etc/UTC").format_rfc3339(utc("2023-11-23", hours{13})),
            "2023-11-23T13:00:00+00:00");
  EXPECT_EQ(zone("Asia/Kolkata").format_rfc3339(utc("2023-11-23", hours{8})),
            "2023-11-23T13:30:00+05:30");
}

TEST(TimeZone, ParsesLocalTimes) {
  const TimeZone bogota = zone("America/Bogota");
  EXPECT_EQ(bogota.parse_local("2023-11-23T08:00"), utc("2023-11-23", hours{13}));
  EXPECT_EQ(bogota.parse_local("2023-11-23 08:00"), utc("2023-11-23", hours{13}));
  EXPECT_EQ(bogota.parse_local("2023-11-23T08:00:30"),
            utc("2023-11-23", hours{13}, minutes{0}, seconds{30}));
  EXPECT_EQ(bogota.parse_local("2023-11-23T23:59:59"),
            utc("2023-11-24", hours{4}, minutes{59}, seconds{59}));
  const TimeZone new_york = zone("America/New_York");
  EXPECT_EQ(new_york.parse_local("2023-03-12T02:30"), utc("2023-03-12", hours{7}));  // gap
  EXPECT_EQ(new_york.parse_local("2023-11-05T01:30"),
            utc("2023-11-05", hours{5}, minutes{30}));  // ambiguous: earlier
}

TEST(TimeZone, ParsesExplicitOffsetsInsteadOfTheZone) {
  const TimeZone bogota = zone("America/Bogota");
  EXPECT_EQ(bogota.parse_local("2023-11-23T08:00Z"), utc("2023-11-23", hours{8}));
  EXPECT_EQ(bogota.parse_local("2023-11-23T08:00:00Z"), utc("2023-11-23", hours{8}));
  EXPECT_EQ(bogota.parse_local("2023-11-23T08:00:00z"), utc("2023-11-23", hours{8}));
  EXPECT_EQ(bogota.parse_local("2023-11-23T08:00:00-05:00"), utc("2023-11-23", hours{13}));
  EXPECT_EQ(bogota.parse_local("2023-11-23T08:00+01:00"), utc("2023-11-23", hours{7}));
  EXPECT_EQ(bogota.parse_local("2023-11-23T08:00-03:30"),
            utc("2023-11-23", hours{11}, minutes{30}));
  // Round trip of what format_rfc3339 writes.
  const Instant t = utc("2023-11-05", hours{5}, minutes{30});
  EXPECT_EQ(bogota.parse_local(zone("America/New_York").format_rfc3339(t)), t);
}

TEST(TimeZone, RejectsMalformedTimes) {
  const TimeZone bogota = zone("America/Bogota");
  for (const char* text : {
           "",
           "2023-11-23",
           "2023-11-23T",
           "2023-11-23T8:00",
           "2023-11-23T08:0",
           "2023-11-23T08-00",
           "2023-11-23X08:00",
           "23-11-2023T08:00",
           "2023-13-01T08:00",
           "2023-02-29T08:00",
           "2023-11-23T24:00",
           "2023-11-23T08:60",
           "2023-11-23T08:00:60",
           "2023-11-23T-1:00",
           "2023-11-23T08:-1",
           "2023-11-23T+1:00",
           "2023-11-23T08:00:0",
           "2023-11-23T08:00:00.5",
           "2023-11-23T08:00Zx",
           "2023-11-23T08:00+5:00",
           "2023-11-23T08:00+05",
           "2023-11-23T08:00+0500",
           "2023-11-23T08:00+05:00x",
           "2023-11-23T08:00+24:00",
           "2023-11-23T08:00-05:60",
           "2023-11-23T08:00 ",
       }) {
    EXPECT_FALSE(bogota.parse_local(text).has_value()) << '"' << text << '"';
  }
}

}  // namespace
}  // namespace plazo
