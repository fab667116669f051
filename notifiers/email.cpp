#include "notifiers/email.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>

namespace plazo {
namespace {

// RFC 2047 section 2: a line holding encoded-words is at most 76 characters.
constexpr size_t kMaxLine = 76;
constexpr size_t kMaxEncodedWord = 75;
constexpr std::string_view kWordStart = "=?UTF-8?B?";
constexpr std::string_view kWordEnd = "?=";

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) {
      return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
    };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::string trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

// Header values must never carry a line break of their own (header
// injection); folding is added by HeaderFolder only.
std::string without_line_breaks(std::string_view text) {
  std::string out;
  for (const char c : text) out += (c == '\r' || c == '\n') ? ' ' : c;
  return out;
}

bool printable_ascii(std::string_view text) {
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u > 0x7e) return false;
  }
  return true;
}

// Splits UTF-8 text into whole characters; an invalid byte becomes U+FFFD so
// that every encoded word decodes to valid UTF-8.
std::vector<std::string> utf8_characters(std::string_view text) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    size_t length = 0;
    if (lead < 0x80) {
      length = 1;
    } else if (lead >= 0xc2 && lead <= 0xdf) {
      length = 2;
    } else if (lead >= 0xe0 && lead <= 0xef) {
      length = 3;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      length = 4;
    }
    bool valid = length > 0 && i + length <= text.size();
    for (size_t k = 1; valid && k < length; ++k) {
      valid = (static_cast<unsigned char>(text[i + k]) & 0xc0) == 0x80;
    }
    if (valid && length == 3) {
      const auto second = static_cast<unsigned char>(text[i + 1]);
      valid = !(lead == 0xe0 && second < 0xa0) && !(lead == 0xed && second > 0x9f);
    } else if (valid && length == 4) {
      const auto second = static_cast<unsigned char>(text[i + 1]);
      valid = !(lead == 0xf0 && second < 0x90) && !(lead == 0xf4 && second > 0x8f);
    }
    if (valid) {
      out.emplace_back(text.substr(i, length));
      i += length;
    } else {
      out.emplace_back("\xef\xbf\xbd");
      ++i;
    }
  }
  return out;
}

std::string base64(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t n = (static_cast<uint32_t>(static_cast<unsigned char>(bytes[i])) << 16) |
                       (static_cast<uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8) |
                       static_cast<uint32_t>(static_cast<unsigned char>(bytes[i + 2]));
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  if (i < bytes.size()) {
    uint32_t n = static_cast<uint32_t>(static_cast<unsigned char>(bytes[i])) << 16;
    if (i + 1 < bytes.size())
      n |= static_cast<uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

// Lays out a header value token by token, folding before a token that would
// pass the line limit. Tokens are never split, except encoded text, which is
// cut into as many encoded-words as the room on each line allows.
class HeaderFolder {
 public:
  explicit HeaderFolder(std::string_view header_name) : line_(header_name.size() + 2) {}

  void token(std::string_view text) {
    if (!value_.empty()) {
      if (line_ + 1 + text.size() > kMaxLine) {
        value_ += "\r\n ";
        line_ = 1;
      } else {
        value_ += ' ';
        ++line_;
      }
    }
    value_ += text;
    line_ += text.size();
  }

  void encoded(std::string_view utf8) {
    const auto characters = utf8_characters(utf8);
    size_t next = 0;
    while (next < characters.size()) {
      size_t room = kMaxEncodedWord;
      if (value_.empty()) room = std::min(room, kMaxLine - line_);
      // Bytes that fit: the base64 of n bytes is 4*ceil(n/3) characters.
      const size_t overhead = kWordStart.size() + kWordEnd.size();
      size_t max_bytes = room > overhead ? (room - overhead) / 4 * 3 : 0;
      if (max_bytes < 4) max_bytes = (kMaxEncodedWord - overhead) / 4 * 3;  // fold instead
      std::string chunk;
      while (next < characters.size() && chunk.size() + characters[next].size() <= max_bytes) {
        chunk += characters[next++];
      }
      token(std::string(kWordStart) + base64(chunk) + std::string(kWordEnd));
    }
  }

  void mailbox(const Mailbox& box, bool last) {
    const std::string address = "<" + box.address + ">" + (last ? "" : ",");
    const std::string name = trim(box.name);
    if (name.empty()) {
      token(address);
      return;
    }
    if (printable_ascii(name)) {
      bool special = false;
      for (const char c : name) {
        if (std::string_view("()<>[]:;@\\,.\"").find(c) != std::string_view::npos) special = true;
      }
      if (special) {
        std::string quoted = "\"";
        for (const char c : name) {
          if (c == '"' || c == '\\') quoted += '\\';
          quoted += c;
        }
        token(quoted + "\"");
      } else {
        token(name);
      }
    } else {
      encoded(name);
    }
    token(address);
  }

  const std::string& value() const { return value_; }

 private:
  std::string value_;
  size_t line_;
};

}  // namespace

const std::string* EmailMessage::header(std::string_view name) const {
  for (const auto& header : headers) {
    if (iequals(header.name, name)) return &header.value;
  }
  return nullptr;
}

std::optional<Mailbox> parse_mailbox(std::string_view text) {
  const std::string clean = trim(without_line_breaks(text));
  const auto open = clean.rfind('<');
  Mailbox box;
  if (open == std::string::npos) {
    box.address = clean;
  } else {
    const auto close = clean.find('>', open);
    if (close == std::string::npos) return std::nullopt;
    box.address = trim(std::string_view(clean).substr(open + 1, close - open - 1));
    std::string name = trim(std::string_view(clean).substr(0, open));
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
      std::string unquoted;
      for (size_t i = 1; i + 1 < name.size(); ++i) {
        if (name[i] == '\\' && i + 2 < name.size()) ++i;
        unquoted += name[i];
      }
      name = unquoted;
    }
    box.name = name;
  }
  if (box.address.find('@') == std::string::npos ||
      box.address.find_first_of(" <>,\t") != std::string::npos) {
    return std::nullopt;
  }
  return box;
}

std::string encode_header_text(std::string_view header_name, std::string_view text) {
  const std::string clean = trim(without_line_breaks(text));
  HeaderFolder folder(header_name);
  // "=?" in plain text could be read back as the start of an encoded-word.
  if (printable_ascii(clean) && clean.find("=?") == std::string::npos) {
    size_t start = 0;
    while (start < clean.size()) {
      auto end = clean.find(' ', start);
      if (end == std::string::npos) end = clean.size();
      if (end > start) folder.token(std::string_view(clean).substr(start, end - start));
      start = end + 1;
    }
    return folder.value();
  }
  folder.encoded(clean);
  return folder.value();
}

std::string format_rfc5322_date(Instant instant) {
  static constexpr std::array<std::string_view, 7> kWeekdays = {"Sun", "Mon", "Tue", "Wed",
                                                                "Thu", "Fri", "Sat"};
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const auto day = date::floor<date::days>(instant);
  const date::year_month_day ymd{day};
  const date::hh_mm_ss<std::chrono::seconds> time{instant - day};
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%s, %02u %s %04d %02d:%02d:%02d +0000",
                kWeekdays[date::weekday{day}.c_encoding()].data(), static_cast<unsigned>(ymd.day()),
                kMonths[static_cast<unsigned>(ymd.month()) - 1].data(),
                static_cast<int>(ymd.year()), static_cast<int>(time.hours().count()),
                static_cast<int>(time.minutes().count()), static_cast<int>(time.seconds().count()));
  return buffer;
}

EmailMessage build_email(const RenderedMessage& rendered, const Message& message, const Unit& unit,
                         const EmailSettings& settings, Instant now) {
  EmailMessage email;
  email.key = message.key.empty() ? idempotency_key(message) : message.key;

  const auto from = parse_mailbox(settings.from);
  const Mailbox sender = from.value_or(Mailbox{"", trim(without_line_breaks(settings.from))});
  email.envelope_from = sender.address;

  HeaderFolder from_header("From");
  from_header.mailbox(sender, true);

  HeaderFolder to_header("To");
  std::vector<std::string> addresses;
  for (const auto& address : unit.emails) {
    const std::string clean = trim(without_line_breaks(address));
    if (!clean.empty()) addresses.push_back(clean);
  }
  for (size_t i = 0; i < addresses.size(); ++i) {
    to_header.mailbox(Mailbox{unit.name, addresses[i]}, i + 1 == addresses.size());
  }
  email.recipients = addresses;

  email.headers = {
      {"Date", format_rfc5322_date(now)},
      {"From", from_header.value()},
      {"To", to_header.value()},
      {"Subject", encode_header_text("Subject", rendered.subject)},
      {"Message-ID", "<" + email.key + "@plazo>"},
      {"Auto-Submitted", "auto-generated"},
      // Keeps Exchange from answering with out-of-office replies.
      {"X-Auto-Response-Suppress", "All"},
      {"X-Plazo-Key", email.key},
  };
  email.text = rendered.text;
  email.html = rendered.html;
  return email;
}

}  // namespace plazo
