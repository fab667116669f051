#include "domain/message.h"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace plazo {

std::string_view to_string(ItemKind kind) {
  switch (kind) {
    case ItemKind::kUpcoming: return "upcoming";
    case ItemKind::kToday: return "today";
    case ItemKind::kOverdue: return "overdue";
    case ItemKind::kEscalation: return "escalation";
    case ItemKind::kReportDue: return "report_due";
    case ItemKind::kPublishDue: return "publish_due";
  }
  return "upcoming";
}

std::optional<ItemKind> parse_item_kind(std::string_view text) {
  for (ItemKind kind : {ItemKind::kUpcoming, ItemKind::kToday, ItemKind::kOverdue,
                        ItemKind::kEscalation, ItemKind::kReportDue, ItemKind::kPublishDue}) {
    if (to_string(kind) == text) return kind;
  }
  return std::nullopt;
}

namespace {

bool starts_link(std::string_view text, size_t at) {
  for (const std::string_view scheme : {"http://", "https://"}) {
    if (text.size() - at <= scheme.size()) continue;
    const bool same = std::equal(
        scheme.begin(), scheme.end(), text.begin() + at,
        [](char a, char b) { return a == (b >= 'A' && b <= 'Z' ? static_cast<char>(b + 32) : b); });
    if (same) return true;
  }
  return false;
}

bool ends_link(char c) {
  return static_cast<unsigned char>(c) <= ' ' ||
         std::string_view("\"'<>`").find(c) != std::string_view::npos;
}

}  // namespace

std::vector<std::string> find_links(std::string_view text, size_t max) {
  std::vector<std::string> links;
  for (size_t at = 0; at < text.size() && links.size() < max; ++at) {
    // A scheme starts a link only at the start of a word ("xhttp://" is not one).
    const bool word_start = at == 0 || !std::isalnum(static_cast<unsigned char>(text[at - 1]));
    if (!word_start || !starts_link(text, at)) continue;
    size_t end = at;
    while (end < text.size() && !ends_link(text[end])) ++end;
    std::string_view link = text.substr(at, end - at);
    at = end;
    const auto balance = [](std::string_view part) {
      return std::count(part.begin(), part.end(), '(') - std::count(part.begin(), part.end(), ')');
    };
    while (!link.empty()) {
      const char last = link.back();
      const bool punctuation = std::string_view(".,;:!?]}").find(last) != std::string_view::npos;
      if (!punctuation && !(last == ')' && balance(link) < 0)) break;
      link.remove_suffix(1);
    }
    const size_t scheme_end = link.find("://") + 3;
    if (link.size() <= scheme_end) continue;
    if (std::find(links.begin(), links.end(), link) == links.end()) links.emplace_back(link);
  }
  return links;
}

std::vector<ItemKind> distinct_kinds(const Message& message) {
  unsigned seen = 0;
  for (const auto& item : message.items) seen |= 1u << static_cast<unsigned>(item.kind);
  std::vector<ItemKind> kinds;
  for (unsigned kind = 0; seen >> kind != 0; ++kind) {
    if ((seen >> kind & 1u) != 0) kinds.push_back(static_cast<ItemKind>(kind));
  }
  return kinds;
}

std::string idempotency_key(const Message& message) {
  // Canonical text: fields separated by \x1f, items by \x1e, items sorted so
  // the order the scheduler happened to produce does not matter.
  std::vector<std::string> items;
  items.reserve(message.items.size());
  for (const auto& item : message.items) {
    std::string line;
    line += to_string(item.kind);
    line += '\x1f';
    line += item.plan;
    line += '\x1f';
    line += std::to_string(item.plan_year);
    line += '\x1f';
    line += item.activity;
    line += '\x1f';
    line += format_iso_date(item.deadline);
    line += '\x1f';
    line += item.cycle;
    items.push_back(std::move(line));
  }
  std::sort(items.begin(), items.end());
  // v2: items name their plan (v1 keys of two plans' "1.1" were equal).
  std::string canonical = "plazo-v2\x1f" + message.unit_id + '\x1f' +
                          std::string(to_string(message.channel)) + '\x1f' + message.target +
                          '\x1f' + format_iso_date(message.day);
  for (const auto& line : items) {
    canonical += '\x1e';
    canonical += line;
  }

  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_Digest(canonical.data(), canonical.size(), digest.data(), &length, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string key;
  // 128 bits are plenty to tell messages apart and keep Message-IDs short.
  for (unsigned i = 0; i < 16 && i < length; ++i) {
    key += kHex[digest[i] >> 4];
    key += kHex[digest[i] & 0xf];
  }
  return key;
}

}  // namespace plazo
