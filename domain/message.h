#pragma once
/// \file
/// What the scheduler decides to send: one Message to one unit on one
/// channel, holding one or more items (a digest). Rendering and delivery are
/// the notifiers' business; this is the content only.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/dates.h"
#include "domain/model.h"

namespace plazo {

/// Why an item is in a message (JSON contract strings in to_string).
enum class ItemKind { kUpcoming, kToday, kOverdue, kEscalation, kReportDue, kPublishDue };
/// "upcoming", "today", "overdue", "escalation", "report_due", "publish_due".
std::string_view to_string(ItemKind kind);
std::optional<ItemKind> parse_item_kind(std::string_view text);

/// One line of a message.
struct MessageItem {
  ItemKind kind = ItemKind::kUpcoming;
  Role role = Role::kResponsible;
  /// Activity number ("2.1"); empty for publish_due.
  std::string activity;
  /// The activity's plan ("PAAC") and its year: two plans may both have a
  /// "1.1" due the same day. Empty and 0 for publish_due.
  std::string plan;
  int plan_year = 0;
  std::string title;
  std::string deliverable;
  /// Activity deadline; for report_due the cycle cutoff; for publish_due the
  /// publication deadline.
  Date deadline{};
  /// Days from the message's day to `deadline`, negative when overdue. Counted
  /// in business days when the policy counts business days.
  int days_left = 0;
  /// Latest progress percent of the activity, if any.
  std::optional<int> progress;
  /// The http(s) links in the latest progress note (the follow-up's
  /// evidence: where the deliverable was published), see find_links().
  std::vector<std::string> evidence;
  /// Escalation: ids of the activity's responsible and co-responsible units.
  std::vector<std::string> units;
  /// report_due / publish_due: the cycle's name and cutoff.
  std::string cycle;
  std::optional<Date> cutoff;
};

/// One message to one unit on one channel.
struct Message {
  Instant at{};         ///< when it is due (the day's send time, local)
  Date day{};           ///< the local day it belongs to
  std::string unit_id;  ///< recipient unit
  Channel channel = Channel::kEmail;
  /// Webhook channel: the name of the unit's [webhooks.NAME] entry (a unit
  /// with two webhooks gets one message on each). Empty for email.
  std::string target;
  std::string key;  ///< idempotency key; see idempotency_key()
  std::vector<MessageItem> items;
};

/// A stable key for a message: a hex SHA-256 prefix over the unit, channel,
/// target, day and the identity of its items (kind, plan, year, activity,
/// deadline, cycle) — never over texts that a re-import may reword. The same
/// inputs give the same key across restarts.
std::string idempotency_key(const Message& message);

/// The http:// and https:// links in `text`, in order, each once, at most
/// `max`. A link ends at whitespace, a quote or an angle bracket; trailing
/// sentence punctuation and a ')' that closes a parenthesis opened before
/// the link are not part of it ("(https://x.org/a)." gives https://x.org/a).
std::vector<std::string> find_links(std::string_view text, size_t max);

/// The kinds of the message's items, each once, in ItemKind order.
std::vector<ItemKind> distinct_kinds(const Message& message);

}  // namespace plazo
