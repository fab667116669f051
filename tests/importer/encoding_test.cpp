#include "importer/encoding.h"

#include <gtest/gtest.h>

namespace plazo {
namespace {

std::string decode_all(TextDecoder& decoder, std::string_view bytes, size_t chunk) {
  std::string out;
  for (size_t i = 0; i < bytes.size(); i += chunk) {
    const Status status = decoder.decode(bytes.substr(i, chunk), out);
    EXPECT_TRUE(status.ok()) << status.error().message;
  }
  EXPECT_TRUE(decoder.finish(out).ok());
  return out;
}

TEST(Windows1252, HighBytesMapToUnicode) {
  EXPECT_EQ(windows1252_to_utf8("Planeaci\xF3n \x95 \x96 \x80 \xD1"), "Planeación • – € Ñ");
  EXPECT_EQ(windows1252_to_utf8("\x81"), "\xC2\x81");
}

TEST(TextDecoder, Utf8PassesThroughAndBomIsDropped) {
  TextDecoder decoder;
  EXPECT_EQ(decode_all(decoder, "\xEF\xBB\xBFItagüí", 64), "Itagüí");
  EXPECT_EQ(decoder.encoding(), TextEncoding::kUtf8);
  EXPECT_TRUE(decoder.had_bom());
}

TEST(TextDecoder, SequencesSplitAcrossChunksSurvive) {
  const std::string text =
      "\xEF\xBB\xBF"
      "Dirección • Itagüí\n€";
  for (size_t chunk = 1; chunk <= 4; ++chunk) {
    TextDecoder decoder;
    EXPECT_EQ(decode_all(decoder, text, chunk), "Dirección • Itagüí\n€") << chunk;
    EXPECT_EQ(decoder.fallback_bytes(), 0);
  }
}

TEST(TextDecoder, InvalidUtf8MeansWindows1252) {
  TextDecoder decoder;
  EXPECT_EQ(decode_all(decoder, "ASCII first\nPlaneaci\xF3n \x93x\x94", 3),
            "ASCII first\nPlaneación “x”");
  EXPECT_EQ(decoder.encoding(), TextEncoding::kWindows1252);
  EXPECT_EQ(decoder.fallback_bytes(), 0);
}

TEST(TextDecoder, StrayByteInUtf8IsCountedWithItsLine) {
  TextDecoder decoder;
  EXPECT_EQ(decode_all(decoder, "ó\nuno\ndos \xE9 y \xE1", 5), "ó\nuno\ndos é y á");
  EXPECT_EQ(decoder.encoding(), TextEncoding::kUtf8);
  EXPECT_EQ(decoder.fallback_bytes(), 2);
  EXPECT_EQ(decoder.first_fallback_line(), 3);
}

TEST(TextDecoder, Utf16WithBom) {
  TextDecoder little;
  EXPECT_EQ(decode_all(little, std::string("\xFF\xFEN\0\xBA\0\t\0\x3D\xD8\x00\xDE", 12), 3),
            "Nº\t😀");
  EXPECT_EQ(little.encoding(), TextEncoding::kUtf16Le);
  TextDecoder big;
  EXPECT_EQ(decode_all(big, std::string("\xFE\xFF\0N\0\xF3", 6), 1), "Nó");
  EXPECT_EQ(big.encoding(), TextEncoding::kUtf16Be);
}

TEST(TextDecoder, ControlBytesMeanBinary) {
  TextDecoder decoder;
  std::string out;
  ASSERT_TRUE(decoder.decode("uno\ndos", out).ok());
  const Status status = decoder.decode(std::string_view("\x00tres", 5), out);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().message,
            "the file holds binary data (byte 0x00 on line 2), so it is not a plan matrix in "
            "text, TSV or CSV form");
  EXPECT_FALSE(decoder.decode("más", out).ok());
  EXPECT_FALSE(decoder.finish(out).ok());
}

TEST(TextDecoder, TabsAndLineEndsAreText) {
  TextDecoder decoder;
  EXPECT_EQ(decode_all(decoder, "a\tb\r\nc\fd\ve", 2), "a\tb\r\nc\fd\ve");
}

}  // namespace
}  // namespace plazo
