#include "notifiers/email.h"

#include <gtest/gtest.h>

#include "sample.h"

namespace plazo {
namespace {

using testing::general_unit;

std::vector<std::string> split_lines(const std::string& value) {
  std::vector<std::string> lines;
  size_t start = 0;
  for (;;) {
    const auto end = value.find("\r\n", start);
    lines.push_back(
        value.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) return lines;
    start = end + 2;
  }
}

std::string base64_decode(const std::string& text) {
  static const std::string kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (const char c : text) {
    if (c == '=') break;
    const auto index = kAlphabet.find(c);
    if (index == std::string::npos) ADD_FAILURE() << "not base64: " << text;
    buffer = (buffer << 6) | static_cast<unsigned>(index);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xff);
    }
  }
  return out;
}

// True when `bytes` is complete, valid UTF-8 (no character cut in two).
bool valid_utf8(const std::string& bytes) {
  size_t i = 0;
  while (i < bytes.size()) {
    const auto lead = static_cast<unsigned char>(bytes[i]);
    const size_t length = lead < 0x80    ? 1
                          : lead >= 0xf0 ? 4
                          : lead >= 0xe0 ? 3
                          : lead >= 0xc2 ? 2
                                         : 0;
    if (length == 0 || i + length > bytes.size()) return false;
    for (size_t k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(bytes[i + k]) & 0xc0) != 0x80) return false;
    }
    i += length;
  }
  return true;
}

// Decodes a folded header of B-encoded words, checking each word on the way.
std::string decode_words(const std::string& header_name, const std::string& value) {
  const auto lines = split_lines(value);
  std::string decoded;
  const std::string start = "=?UTF-8?B?";
  const std::string end = "?=";
  for (size_t i = 0; i < lines.size(); ++i) {
    const size_t line_length = (i == 0 ? header_name.size() + 2 : 0) + lines[i].size();
    EXPECT_LE(line_length, 76u) << lines[i];
    std::string line = lines[i];
    if (i > 0) {
      EXPECT_EQ(line.substr(0, 1), " ");
      line.erase(0, 1);
    }
    const bool framed = line.size() >= start.size() + end.size() &&
                        line.compare(0, start.size(), start) == 0 &&
                        line.compare(line.size() - end.size(), end.size(), end) == 0;
    EXPECT_TRUE(framed) << line;
    if (!framed) continue;
    EXPECT_LE(line.size(), 75u);
    const std::string chunk =
        base64_decode(line.substr(start.size(), line.size() - start.size() - end.size()));
    EXPECT_TRUE(valid_utf8(chunk)) << "a character was split in " << line;
    decoded += chunk;
  }
  return decoded;
}

TEST(Rfc2047, PlainAsciiStaysPlain) {
  EXPECT_EQ(encode_header_text("Subject", "[PAAC] Planeacion: 1 vencida"),
            "[PAAC] Planeacion: 1 vencida");
}

TEST(Rfc2047, LongAsciiFoldsAtSpaces) {
  const std::string subject(40, 'a');
  const std::string value = encode_header_text("Subject", subject + " " + subject);
  EXPECT_EQ(value, subject + "\r\n " + subject);
}

TEST(Rfc2047, ShortUtf8IsOneWord) {
  EXPECT_EQ(encode_header_text("Subject", "Secretaría"), "=?UTF-8?B?U2VjcmV0YXLDrWE=?=");
}

TEST(Rfc2047, SplitsIntoWordsThatFitTheLine) {
  // First word: "Subject: " leaves 67 characters, so 39 bytes; then 45 bytes.
  EXPECT_EQ(encode_header_text("Subject", "[PAAC] Secretaría General: 2 vencen hoy, 1 vencida"),
            "=?UTF-8?B?W1BBQUNdIFNlY3JldGFyw61hIEdlbmVyYWw6IDIgdmVuY2VuIGhv?=\r\n"
            " =?UTF-8?B?eSwgMSB2ZW5jaWRh?=");
}

TEST(Rfc2047, NeverSplitsACharacter) {
  // Two- and four-byte characters at every offset against the word limits.
  for (int prefix = 0; prefix < 6; ++prefix) {
    std::string subject(static_cast<size_t>(prefix), 'x');
    for (int i = 0; i < 40; ++i) subject += (i % 3 == 0) ? "\xF0\x9F\x93\x85" : "ñ";
    const std::string value = encode_header_text("Subject", subject);
    EXPECT_EQ(decode_words("Subject", value), subject) << "prefix " << prefix;
  }
}

TEST(Rfc2047, InvalidUtf8BecomesReplacementCharacter) {
  const std::string value = encode_header_text("Subject", "Planeaci\xF3n");
  EXPECT_EQ(decode_words("Subject", value), "Planeaci\xEF\xBF\xBDn");
}

TEST(Rfc2047, AsciiThatLooksEncodedIsEncoded) {
  const std::string value = encode_header_text("Subject", "=?UTF-8?B?x?=");
  EXPECT_EQ(decode_words("Subject", value), "=?UTF-8?B?x?=");
}

TEST(Rfc2047, LineBreaksCannotInjectHeaders) {
  const std::string value = encode_header_text("Subject", "Hola\r\nBcc: x@example.org");
  EXPECT_EQ(value, "Hola Bcc: x@example.org");
}

TEST(Mailbox, Parses) {
  auto box = parse_mailbox("PAAC Itagüí <paac@example.org>");
  ASSERT_TRUE(box);
  EXPECT_EQ(box->name, "PAAC Itagüí");
  EXPECT_EQ(box->address, "paac@example.org");
  box = parse_mailbox(" paac@example.org ");
  ASSERT_TRUE(box);
  EXPECT_EQ(box->name, "");
  EXPECT_EQ(box->address, "paac@example.org");
  box = parse_mailbox("\"Alcaldía, \\\"PAAC\\\"\" <paac@example.org>");
  ASSERT_TRUE(box);
  EXPECT_EQ(box->name, "Alcaldía, \"PAAC\"");
  EXPECT_FALSE(parse_mailbox("PAAC <paac@example.org"));
  EXPECT_FALSE(parse_mailbox("not an address"));
}

TEST(Email, DateIsRfc5322) {
  const Instant at =
      date::sys_days{date::year{2023} / 11 / 23} + std::chrono::hours{13} + std::chrono::seconds{3};
  EXPECT_EQ(format_rfc5322_date(at), "Thu, 23 Nov 2023 13:00:03 +0000");
  EXPECT_EQ(format_rfc5322_date(date::sys_days{date::year{2024} / 2 / 29}),
            "Thu, 29 Feb 2024 00:00:00 +0000");
}

TEST(Email, HeadersAndParts) {
  RenderedMessage rendered{
      "[PAAC] Secretaría General: 2 vencen hoy, 1 vencida", "texto", "<p>html</p>", {}};
  const Message message = testing::sample_digest();
  EmailSettings settings;
  settings.from = "PAAC Itagüí <paac@example.org>";
  const Instant now = date::sys_days{date::year{2023} / 11 / 23} + std::chrono::hours{13};
  const EmailMessage email = build_email(rendered, message, general_unit(), settings, now);

  EXPECT_EQ(email.key, message.key);
  EXPECT_EQ(email.envelope_from, "paac@example.org");
  EXPECT_EQ(email.recipients,
            (std::vector<std::string>{"general@example.org", "archivo@example.org"}));
  std::vector<std::string> names;
  for (const auto& header : email.headers) names.push_back(header.name);
  EXPECT_EQ(names, (std::vector<std::string>{"Date", "From", "To", "Subject", "Message-ID",
                                             "Auto-Submitted", "X-Auto-Response-Suppress",
                                             "X-Plazo-Key"}));
  EXPECT_EQ(*email.header("date"), "Thu, 23 Nov 2023 13:00:00 +0000");
  EXPECT_EQ(*email.header("From"), "=?UTF-8?B?UEFBQyBJdGFnw7zDrQ==?= <paac@example.org>");
  EXPECT_EQ(*email.header("To"),
            "=?UTF-8?B?U2VjcmV0YXLDrWEgR2VuZXJhbA==?= <general@example.org>,\r\n"
            " =?UTF-8?B?U2VjcmV0YXLDrWEgR2VuZXJhbA==?= <archivo@example.org>");
  EXPECT_EQ(*email.header("Subject"),
            "=?UTF-8?B?W1BBQUNdIFNlY3JldGFyw61hIEdlbmVyYWw6IDIgdmVuY2VuIGhv?=\r\n"
            " =?UTF-8?B?eSwgMSB2ZW5jaWRh?=");
  EXPECT_EQ(*email.header("Message-ID"), "<" + message.key + "@plazo>");
  EXPECT_EQ(*email.header("Auto-Submitted"), "auto-generated");
  EXPECT_EQ(*email.header("X-Plazo-Key"), message.key);
  EXPECT_EQ(email.header("Bcc"), nullptr);
  EXPECT_EQ(email.text, "texto");
  EXPECT_EQ(email.html, "<p>html</p>");
}

TEST(Email, AsciiSenderWithSpecialsIsQuotedAndKeyIsDerivedWhenMissing) {
  RenderedMessage rendered{"Aviso", "t", "h", {}};
  Message message = testing::sample_digest();
  const std::string key = message.key;
  message.key.clear();
  EmailSettings settings;
  settings.from = "Alcaldia de Itagui, PAAC <paac@example.org>";
  Unit unit = general_unit();
  unit.name = "Planeacion";
  unit.emails = {"planeacion@example.org"};
  const EmailMessage email = build_email(rendered, message, unit, settings, Instant{});
  EXPECT_EQ(*email.header("From"), "\"Alcaldia de Itagui, PAAC\" <paac@example.org>");
  EXPECT_EQ(*email.header("To"), "Planeacion <planeacion@example.org>");
  EXPECT_EQ(*email.header("Subject"), "Aviso");
  EXPECT_EQ(email.key, key);
  EXPECT_EQ(*email.header("Message-ID"), "<" + key + "@plazo>");
}

}  // namespace
}  // namespace plazo
