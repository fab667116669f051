#include "importer/html_text.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>
#include <vector>

#include "importer/text.h"

namespace plazo {
namespace {

struct NamedEntity {
  std::string_view name;
  char32_t code_point;
};

// The references Spanish office tools produce; anything else is kept as written.
constexpr std::array<NamedEntity, 44> kEntities = {{
    {"amp", '&'},      {"lt", '<'},       {"gt", '>'},       {"quot", '"'},      {"apos", '\''},
    {"nbsp", 0xA0},    {"aacute", 0xE1},  {"eacute", 0xE9},  {"iacute", 0xED},   {"oacute", 0xF3},
    {"uacute", 0xFA},  {"Aacute", 0xC1},  {"Eacute", 0xC9},  {"Iacute", 0xCD},   {"Oacute", 0xD3},
    {"Uacute", 0xDA},  {"ntilde", 0xF1},  {"Ntilde", 0xD1},  {"uuml", 0xFC},     {"Uuml", 0xDC},
    {"ordf", 0xAA},    {"ordm", 0xBA},    {"deg", 0xB0},     {"iexcl", 0xA1},    {"iquest", 0xBF},
    {"laquo", 0xAB},   {"raquo", 0xBB},   {"middot", 0xB7},  {"copy", 0xA9},     {"reg", 0xAE},
    {"euro", 0x20AC},  {"ndash", 0x2013}, {"mdash", 0x2014}, {"lsquo", 0x2018},  {"rsquo", 0x2019},
    {"ldquo", 0x201C}, {"rdquo", 0x201D}, {"bull", 0x2022},  {"hellip", 0x2026}, {"agrave", 0xE0},
    {"egrave", 0xE8},  {"ccedil", 0xE7},  {"shy", 0xAD},     {"times", 0xD7},
}};

bool is_ascii_alpha(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) != 0;
}

std::string lower_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Decodes the character reference at text[i] == '&'. Returns how many bytes
// it used (0 if it is not a reference we know).
size_t decode_reference(std::string_view text, size_t i, std::string& out) {
  const size_t semicolon = text.find(';', i + 1);
  if (semicolon == std::string_view::npos || semicolon - i > 12 || semicolon == i + 1) return 0;
  const std::string_view body = text.substr(i + 1, semicolon - i - 1);
  if (body[0] == '#') {
    char32_t value = 0;
    const bool hex = body.size() > 1 && (body[1] == 'x' || body[1] == 'X');
    const std::string_view digits = body.substr(hex ? 2 : 1);
    if (digits.empty()) return 0;
    for (char c : digits) {
      int digit = -1;
      if (c >= '0' && c <= '9') digit = c - '0';
      if (hex && c >= 'a' && c <= 'f') digit = c - 'a' + 10;
      if (hex && c >= 'A' && c <= 'F') digit = c - 'A' + 10;
      if (digit < 0) return 0;
      value = value * (hex ? 16 : 10) + static_cast<char32_t>(digit);
      if (value > 0x10FFFF) return 0;
    }
    append_utf8(out, value == 0 ? 0xFFFD : value);
    return semicolon - i + 1;
  }
  for (const auto& entity : kEntities) {
    if (entity.name == body) {
      append_utf8(out, entity.code_point);
      return semicolon - i + 1;
    }
  }
  return 0;
}

std::string decode_references(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '&') {
      if (size_t used = decode_reference(text, i, out); used > 0) {
        i += used - 1;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

// The value of attribute `name` inside a tag's text ("a href=\"x\" ..."), or "".
std::string attribute(std::string_view tag, std::string_view name) {
  const std::string lowered = lower_ascii(tag);
  size_t pos = 0;
  while ((pos = lowered.find(name, pos)) != std::string::npos) {
    const bool starts_word = pos > 0 && std::isspace(static_cast<unsigned char>(lowered[pos - 1]));
    size_t k = pos + name.size();
    while (k < tag.size() && tag[k] == ' ') ++k;
    if (!starts_word || k >= tag.size() || tag[k] != '=') {
      pos += name.size();
      continue;
    }
    ++k;
    while (k < tag.size() && tag[k] == ' ') ++k;
    if (k >= tag.size()) return {};
    if (tag[k] == '"' || tag[k] == '\'') {
      const size_t close = tag.find(tag[k], k + 1);
      return decode_references(tag.substr(
          k + 1, close == std::string_view::npos ? std::string_view::npos : close - k - 1));
    }
    size_t end = k;
    while (end < tag.size() && !std::isspace(static_cast<unsigned char>(tag[end]))) ++end;
    return decode_references(tag.substr(k, end - k));
  }
  return {};
}

bool ends_line(std::string_view name) {
  static constexpr std::array<std::string_view, 14> kBlock = {
      "p", "br", "li", "div", "ul", "ol", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table"};
  return std::find(kBlock.begin(), kBlock.end(), name) != kBlock.end();
}

// Trims each line, collapses runs of spaces, drops empty lines.
std::string tidy_lines(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = trim_text(text.substr(start, end - start));
    if (!line.empty()) {
      if (!out.empty()) out.push_back('\n');
      bool in_space = false;
      for (size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        const bool nbsp = c == '\xC2' && i + 1 < line.size() && line[i + 1] == '\xA0';
        if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' || nbsp) {
          if (nbsp) ++i;
          in_space = true;
          continue;
        }
        if (in_space) out.push_back(' ');
        in_space = false;
        out.push_back(c);
      }
    }
    start = end + 1;
  }
  return out;
}

}  // namespace

bool looks_like_html(std::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '<' && i + 1 < text.size() &&
        (is_ascii_alpha(text[i + 1]) || text[i + 1] == '/' || text[i + 1] == '!') &&
        text.find('>', i) != std::string_view::npos) {
      return true;
    }
    if (text[i] == '&') {
      std::string scratch;
      if (decode_reference(text, i, scratch) > 0) return true;
    }
  }
  return false;
}

std::string html_to_text(std::string_view html) {
  std::string out;
  out.reserve(html.size());
  // Open <a> elements: where their text starts in `out`, and their href.
  std::vector<std::pair<size_t, std::string>> anchors;
  size_t i = 0;
  while (i < html.size()) {
    const char c = html[i];
    if (c == '&') {
      if (size_t used = decode_reference(html, i, out); used > 0) {
        i += used;
        continue;
      }
      out.push_back(c);
      ++i;
      continue;
    }
    const bool opens_tag =
        c == '<' && i + 1 < html.size() &&
        (is_ascii_alpha(html[i + 1]) || html[i + 1] == '/' || html[i + 1] == '!');
    if (!opens_tag) {
      out.push_back(c);
      ++i;
      continue;
    }
    if (html.substr(i, 4) == "<!--") {
      const size_t close = html.find("-->", i + 4);
      i = close == std::string_view::npos ? html.size() : close + 3;
      continue;
    }
    const size_t close = html.find('>', i);
    if (close == std::string_view::npos) {  // "<b" with no end: text, not a tag
      out.push_back(c);
      ++i;
      continue;
    }
    const std::string_view tag = html.substr(i + 1, close - i - 1);
    i = close + 1;
    const bool closing = !tag.empty() && tag[0] == '/';
    size_t name_end = closing ? 1 : 0;
    while (name_end < tag.size() && std::isalnum(static_cast<unsigned char>(tag[name_end]))) {
      ++name_end;
    }
    const std::string name = lower_ascii(tag.substr(closing ? 1 : 0, name_end - (closing ? 1 : 0)));
    if (!closing && (name == "script" || name == "style")) {
      const size_t end = lower_ascii(html.substr(i)).find("</" + name);
      i = end == std::string::npos ? html.size() : i + end;
      continue;
    }
    if (name == "a") {
      if (!closing) {
        anchors.emplace_back(out.size(), attribute(tag, "href"));
      } else if (!anchors.empty()) {
        auto [start, href] = std::move(anchors.back());
        anchors.pop_back();
        const std::string label(trim_text(std::string_view(out).substr(start)));
        const std::string target(trim_text(href));
        out.resize(start);
        if (target.empty() || label == target ||
            (target.rfind("mailto:", 0) == 0 && label == target.substr(7))) {
          out += label.empty() ? target : label;
        } else if (label.empty()) {
          out += target;
        } else {
          out += label + " (" + target + ")";
        }
      }
      continue;
    }
    if (ends_line(name)) out.push_back('\n');
  }
  return tidy_lines(out);
}

std::string clean_cell_text(std::string_view cell) {
  if (looks_like_html(cell)) return html_to_text(cell);
  const std::string_view trimmed = trim_text(cell);
  if (trimmed.find('\r') == std::string_view::npos) return std::string(trimmed);
  std::string out;
  out.reserve(trimmed.size());
  for (size_t i = 0; i < trimmed.size(); ++i) {
    if (trimmed[i] == '\r') {
      if (i + 1 < trimmed.size() && trimmed[i + 1] == '\n') continue;
      out.push_back('\n');
      continue;
    }
    out.push_back(trimmed[i]);
  }
  return out;
}

}  // namespace plazo
