#include "domain/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace plazo {
namespace {

TEST(Utf8, SequencesByTheirLeadByte) {
  EXPECT_EQ(utf8_sequence_at("ñ", 0).length, 2u);
  EXPECT_EQ(utf8_sequence_at("€", 0).length, 3u);
  EXPECT_EQ(utf8_sequence_at("𝄞", 0).length, 4u);
  EXPECT_EQ(utf8_sequence_at("a\xc3\xb1", 1).length, 2u);
}

TEST(Utf8, InvalidSequencesTellTheirValidPrefix) {
  const auto at0 = [](const std::string& text) { return utf8_sequence_at(text, 0); };
  for (const std::string cannot_lead :
       {"\x80", "\xc0\xaf", "\xc1\xbf", "\xf5\x80\x80\x80", "\xff"}) {
    EXPECT_EQ(at0(cannot_lead).length, 0u);
    EXPECT_EQ(at0(cannot_lead).valid_prefix, 0u);
  }
  EXPECT_EQ(at0("\xe0\x80\xaf").valid_prefix, 1u) << "overlong";
  EXPECT_EQ(at0("\xed\xa0\x80").valid_prefix, 1u) << "surrogate";
  EXPECT_EQ(at0("\xf4\x90\x80\x80").valid_prefix, 1u) << "above U+10FFFF";
  EXPECT_EQ(at0("\xe2\x82x").valid_prefix, 2u);
  EXPECT_EQ(at0("\xe2\x82x").length, 0u);
  EXPECT_FALSE(at0("\xe2\x82x").truncated);
}

TEST(Utf8, TextEndingInsideASequenceIsTruncatedNotInvalid) {
  const Utf8Sequence cut = utf8_sequence_at("\xf0\x9f\x98", 0);
  EXPECT_EQ(cut.length, 0u);
  EXPECT_TRUE(cut.truncated);
  EXPECT_EQ(cut.valid_prefix, 3u);
  EXPECT_FALSE(utf8_sequence_at("\xf0\x9f\x98\x80", 0).truncated);
}

TEST(Utf8, WholeTexts) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("Secretaría General — 𝄞 ok"));
  EXPECT_FALSE(is_valid_utf8("Planeaci\xf3n"));
  EXPECT_FALSE(is_valid_utf8("cut \xe2\x82"));
}

}  // namespace
}  // namespace plazo
