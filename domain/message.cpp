#include "domain/message.h"

#include <openssl/evp.h>

#include <algorithm>
#include <array>

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
    line += item.activity;
    line += '\x1f';
    line += format_iso_date(item.deadline);
    line += '\x1f';
    line += item.cycle;
    items.push_back(std::move(line));
  }
  std::sort(items.begin(), items.end());
  std::string canonical = "plazo-v1\x1f" + message.unit_id + '\x1f' +
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
