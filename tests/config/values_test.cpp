#include "config/values.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace plazo {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

TEST(Values, SlugsAreLowercaseLettersDigitsDashUnderscore) {
  EXPECT_TRUE(is_slug("planeacion"));
  EXPECT_TRUE(is_slug("servicios-administrativos_2"));
  EXPECT_FALSE(is_slug(""));
  EXPECT_FALSE(is_slug("Planeacion"));
  EXPECT_FALSE(is_slug("planeación"));
  EXPECT_FALSE(is_slug("a b"));
}

TEST(Values, TimeOfDay) {
  EXPECT_EQ(parse_time_of_day("08:00"), minutes{480});
  EXPECT_EQ(parse_time_of_day("8:05"), minutes{485});
  EXPECT_EQ(parse_time_of_day("23:59"), minutes{23 * 60 + 59});
  EXPECT_EQ(parse_time_of_day("24:00"), std::nullopt);
  EXPECT_EQ(parse_time_of_day("08:60"), std::nullopt);
  EXPECT_EQ(parse_time_of_day("08:0"), std::nullopt);
  EXPECT_EQ(parse_time_of_day("0800"), std::nullopt);
  EXPECT_EQ(parse_time_of_day("8am"), std::nullopt);
}

TEST(Values, Durations) {
  EXPECT_EQ(parse_duration("12h"), hours{12});
  EXPECT_EQ(parse_duration("30m"), minutes{30});
  EXPECT_EQ(parse_duration("90s"), seconds{90});
  EXPECT_EQ(parse_duration("2d"), hours{48});
  EXPECT_EQ(parse_duration("1h30m"), minutes{90});
  EXPECT_EQ(parse_duration("1d2h3m4s"), seconds{86400 + 7200 + 180 + 4});
  EXPECT_EQ(parse_duration("0s"), seconds{0});
  EXPECT_EQ(parse_duration(""), std::nullopt);
  EXPECT_EQ(parse_duration("12"), std::nullopt);
  EXPECT_EQ(parse_duration("h"), std::nullopt);
  EXPECT_EQ(parse_duration("30m1h"), std::nullopt);  // units out of order
  EXPECT_EQ(parse_duration("1h1h"), std::nullopt);   // unit repeated
  EXPECT_EQ(parse_duration("12 h"), std::nullopt);
  EXPECT_EQ(parse_duration("1w"), std::nullopt);
  EXPECT_EQ(parse_duration("99999999999d"), std::nullopt);  // overflow
}

TEST(Values, FormatDurationReadsBack) {
  EXPECT_EQ(format_duration(hours{12}), "12h");
  EXPECT_EQ(format_duration(minutes{90}), "1h30m");
  EXPECT_EQ(format_duration(hours{24 * 7}), "7d");
  EXPECT_EQ(format_duration(seconds{0}), "0s");
  EXPECT_EQ(format_duration(seconds{86400 + 61}), "1d1m1s");
}

TEST(Values, MonthDays) {
  auto april_30 = parse_month_day("04-30");
  ASSERT_TRUE(april_30.has_value());
  EXPECT_EQ(*april_30, date::April / 30);
  EXPECT_EQ(parse_month_day("02-29"), date::February / 29);
  EXPECT_EQ(parse_month_day("04-31"), std::nullopt);
  EXPECT_EQ(parse_month_day("13-01"), std::nullopt);
  EXPECT_EQ(parse_month_day("00-10"), std::nullopt);
  EXPECT_EQ(parse_month_day("4-30"), std::nullopt);
  EXPECT_EQ(parse_month_day("2023-04-30"), std::nullopt);
}

TEST(Values, EmailAddresses) {
  EXPECT_TRUE(is_email_address("planeacion@example.org"));
  EXPECT_TRUE(is_email_address("control.interno+paac@mail.example.org"));
  EXPECT_TRUE(is_email_address("root@localhost"));
  EXPECT_FALSE(is_email_address("planeacion@"));
  EXPECT_FALSE(is_email_address("@example.org"));
  EXPECT_FALSE(is_email_address("planeacion.example.org"));
  EXPECT_FALSE(is_email_address(".a@example.org"));
  EXPECT_FALSE(is_email_address("a..b@example.org"));
  EXPECT_FALSE(is_email_address("a b@example.org"));
  EXPECT_FALSE(is_email_address("a@-example.org"));
  EXPECT_FALSE(is_email_address("a@example..org"));
  EXPECT_FALSE(is_email_address("PAAC <a@example.org>"));
}

TEST(Values, Mailboxes) {
  EXPECT_EQ(*mailbox_address("PAAC Itagüí <paac@example.org>"), "paac@example.org");
  EXPECT_EQ(*mailbox_address("\"PAAC, Itagüí\" <paac@example.org>"), "paac@example.org");
  EXPECT_EQ(*mailbox_address("<paac@example.org>"), "paac@example.org");
  EXPECT_EQ(*mailbox_address("paac@example.org"), "paac@example.org");
  EXPECT_EQ(mailbox_address("PAAC <paac@").error().message,
            "\"PAAC <paac@\" has no closing '>' after the address");
  EXPECT_EQ(mailbox_address("PAAC <paac@>").error().message,
            "\"paac@\" is not a valid email address");
  EXPECT_EQ(mailbox_address("PAAC, Itagüí <paac@example.org>").error().message,
            "the display name \"PAAC, Itagüí\" has special characters and needs double quotes "
            "around it");
  EXPECT_EQ(mailbox_address("PAAC\r\nBcc: x@y.org <paac@example.org>").error().message,
            "\"PAAC\r\nBcc: x@y.org <paac@example.org>\" contains a control character");
}

TEST(Values, Urls) {
  auto url = parse_url("smtp://mail.example.org:587");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->scheme, "smtp");
  EXPECT_EQ(url->host, "mail.example.org");
  EXPECT_EQ(url->port, 587);
  EXPECT_EQ(url->rest, "");

  url = parse_url("HTTPS://[::1]:8443/hooks/x?a=1");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->scheme, "https");
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->port, 8443);
  EXPECT_EQ(url->rest, "/hooks/x?a=1");

  EXPECT_EQ(parse_url("https://example.org").value().port, 0);
  EXPECT_EQ(parse_url("example.org/hook").error().message, "\"example.org/hook\" is not a URL");
  EXPECT_EQ(parse_url("smtp://").error().message, "\"smtp://\" has no host");
  EXPECT_EQ(parse_url("smtp://:25").error().message, "\"smtp://:25\" has no host");
  EXPECT_EQ(parse_url("smtp://host:0").error().message,
            "port \"0\" is not a number from 1 to 65535 in \"smtp://host:0\"");
  EXPECT_EQ(parse_url("smtp://user:pw@host").error().message,
            "\"smtp://user:pw@host\" contains credentials");
  EXPECT_EQ(parse_url("https://exa mple.org").error().message,
            "\"https://exa mple.org\" contains a space or control character");
  EXPECT_EQ(parse_url("https://exa_mple.org").error().message,
            "\"exa_mple.org\" in \"https://exa_mple.org\" is not a valid host name");
  EXPECT_EQ(parse_url("https://[zz]/").error().message,
            "\"zz\" in \"https://[zz]/\" is not an IPv6 address");
}

TEST(Values, LoopbackHosts) {
  EXPECT_TRUE(is_loopback_host("localhost"));
  EXPECT_TRUE(is_loopback_host("127.0.0.1"));
  EXPECT_TRUE(is_loopback_host("127.1.2.3"));
  EXPECT_TRUE(is_loopback_host("::1"));
  EXPECT_FALSE(is_loopback_host("10.0.0.1"));
  EXPECT_FALSE(is_loopback_host("example.org"));
}

TEST(Values, ListenAddresses) {
  auto v4 = parse_listen_address("127.0.0.1:9464");
  ASSERT_TRUE(v4.ok());
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->port, 9464);
  auto v6 = parse_listen_address("[::1]:9464");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 9464);
  EXPECT_EQ(parse_listen_address("127.0.0.1").error().message, "\"127.0.0.1\" has no port");
  EXPECT_EQ(parse_listen_address("localhost:9464").error().message,
            "\"localhost\" is not an IP address");
  EXPECT_EQ(parse_listen_address("::1:9464").error().message,
            "the IPv6 address in \"::1:9464\" needs brackets");
  EXPECT_EQ(parse_listen_address("[::1]").error().message, "\"[::1]\" has no port");
  EXPECT_EQ(parse_listen_address("127.0.0.1:70000").error().message,
            "port \"70000\" is not a number from 1 to 65535");
  EXPECT_EQ(parse_listen_address("127.0.0.1:http").error().message,
            "port \"http\" is not a number from 1 to 65535");
}

TEST(Values, EditDistanceCountsTranspositionsOnce) {
  EXPECT_EQ(edit_distance("timeout_seconds", "timeout_seconds"), 0u);
  EXPECT_EQ(edit_distance("tiemout_seconds", "timeout_seconds"), 1u);
  EXPECT_EQ(edit_distance("emial", "email"), 1u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
}

TEST(Values, ClosestMatchFindsLikelyTypos) {
  const std::string_view keys[] = {"url", "from", "starttls", "timeout_seconds"};
  EXPECT_EQ(closest_match("tiemout_seconds", keys), "timeout_seconds");
  EXPECT_EQ(closest_match("URL", keys), "url");
  EXPECT_EQ(closest_match("startls", keys), "starttls");
  EXPECT_EQ(closest_match("password", keys), std::nullopt);
  const std::string_view levels[] = {"trace", "debug", "info", "warn"};
  EXPECT_EQ(closest_match("warning", levels), "warn");
  EXPECT_EQ(closest_match("inf", levels), "info");
  EXPECT_EQ(closest_match("w", levels), std::nullopt);
  const std::string_view names[] = {"a"};
  EXPECT_EQ(closest_match("b", names), std::nullopt);
}

}  // namespace
}  // namespace plazo
