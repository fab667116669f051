#include "domain/json_writer.h"

#include <gtest/gtest.h>

#include <limits>
#include <nlohmann/json.hpp>

namespace plazo {
namespace {

// What nlohmann writes for the same string (dump_json's settings).
std::string nlohmann_text(const std::string& text) {
  return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string written(const std::string& text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

TEST(JsonWriter, StringsAreEscapedAsNlohmannEscapesThem) {
  constexpr char kControl[] = "nul \0 bel \x07 esc \x1b del \x7f";
  const std::string control(kControl, sizeof kControl - 1);  // the NUL is part of it
  for (const std::string& text : {
           std::string("plain"),
           std::string("quote \" backslash \\ slash /"),
           std::string("\b\f\n\r\t"),
           control,
           std::string("Secretaría General — «PAAC» 𝄞"),
           std::string(""),
       }) {
    EXPECT_EQ(written(text), nlohmann_text(text)) << text;
  }
  EXPECT_EQ(written("a\x01z"), "\"a\\u0001z\"");
}

TEST(JsonWriter, InvalidUtf8BecomesOneReplacementPerBadSequenceAsInNlohmann) {
  for (const std::string& text : {
           std::string("bad \xff byte"),
           std::string("lone continuation \x80 here"),
           std::string("overlong \xc0\xaf and \xe0\x80\xaf"),
           std::string("surrogate \xed\xa0\x80"),
           std::string("above U+10FFFF \xf4\x90\x80\x80"),
           std::string("cut \xe2\x82 short"),
           std::string("cut at the end \xf0\x9f\x98"),
           std::string("Planeaci\xf3n"),
       }) {
    EXPECT_EQ(written(text), nlohmann_text(text)) << text;
  }
  EXPECT_EQ(written("x\xffy"), "\"x\xef\xbf\xbdy\"");
}

TEST(JsonWriter, PlacesCommasAndColonsInNestedDocuments) {
  JsonWriter out;
  out.begin_object().member("a", 1).member("b", "dos");
  out.key("c").begin_array().value(-3).value(nullptr).begin_object().end_object();
  out.begin_array().end_array().end_array();
  out.member("d", std::optional<int>{}).member("e", std::optional<int>{7});
  out.member("min", std::numeric_limits<int64_t>::min()).end_object();
  EXPECT_EQ(out.take(), R"({"a":1,"b":"dos","c":[-3,null,{},[]],"d":null,"e":7,)"
                        R"("min":-9223372036854775808})");
  out.begin_array().value("again").end_array();
  EXPECT_EQ(out.take(), R"(["again"])") << "take() leaves the writer empty";
}

}  // namespace
}  // namespace plazo
