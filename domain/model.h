#pragma once
/// \file
/// The nouns of plazo, as plain values shared by every layer: units, plans,
/// activities and their progress, the reminder policy and reporting cycles.
/// Nothing here does I/O. Field names follow ../shared/DESIGN.md.

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/dates.h"
#include "domain/result.h"

namespace plazo {

/// A delivery channel.
enum class Channel { kEmail, kWebhook };
/// "email" / "webhook".
std::string_view to_string(Channel channel);
/// Inverse of to_string; nullopt for anything else.
std::optional<Channel> parse_channel(std::string_view text);

/// The part a unit plays for an item of a message.
enum class Role { kResponsible, kCoResponsible, kOversight, kPublisher };
/// "responsible", "co_responsible", "oversight", "publisher" (JSON contract).
std::string_view to_string(Role role);
/// "responsable", "corresponsable", "control interno", "publicador" (messages).
std::string_view role_label_es(Role role);

/// An administrative unit, as configured. The config is the source of truth;
/// the database keeps a copy so activities can refer to units by id.
struct Unit {
  std::string id;                     ///< slug, e.g. "planeacion"
  std::string name;                   ///< "Departamento Administrativo de Planeación"
  std::vector<std::string> aliases;   ///< other spellings used in matrices
  std::vector<std::string> emails;    ///< addresses for the email channel
  std::vector<std::string> webhooks;  ///< names of [webhooks.NAME] entries
  bool oversight = false;             ///< receives escalations
};

/// One follow-up entry of an activity: how far along it was on a date.
struct Progress {
  Date as_of{};
  int percent = 0;   ///< 0..100
  std::string note;  ///< the follow-up text, plain (HTML already removed)
};

/// How a plan is named to people: "PAAC 2023".
std::string plan_label(const std::string& plan, int year);

/// A dated activity of a plan. Identified by (plan, year, number).
struct Activity {
  std::string plan;    ///< "PAAC"
  int year = 0;        ///< 2023
  std::string number;  ///< "1.5"
  std::string component;
  std::string subcomponent;
  std::string title;  ///< the ACTIVIDAD text
  std::string deliverable;
  std::string indicator;
  std::string goal;
  std::vector<std::string> responsible;     ///< unit ids, 1+ when known
  std::vector<std::string> co_responsible;  ///< unit ids, 0+
  std::vector<int> periods;                 ///< cuatrimestres 1..3; empty = all
  std::optional<Date> deadline;             ///< none: no reminders (warned at import)
  std::optional<Progress> progress;         ///< the latest entry, if any

  /// Done activities (latest progress 100 %) get no reminders.
  bool done() const { return progress.has_value() && progress->percent >= 100; }
  /// An activity with no periods is active in all of them.
  bool active_in_period(int period) const;
};

/// Called with each activity a reader hands over, one at a time; the first
/// error it returns stops the reading and is returned by the read.
using ActivityVisitor = std::function<Status(const Activity&)>;

/// An activity as read from a plan matrix, before storage: the activity
/// (its `progress` is the latest of `history`) with every follow-up entry and
/// the cells as written, for the audit trail and for warnings.
struct ImportedActivity {
  Activity activity;
  std::vector<Progress> history;     ///< sorted by as_of, one per follow-up cut
  int source_line = 0;               ///< 1-based line (or CSV record start line)
  std::string responsible_text;      ///< the cell as written
  std::string co_responsible_text;   ///< the cell as written
};

/// When and how units are reminded of activity deadlines ([reminders]).
struct ReminderPolicy {
  std::vector<int> before_days{15, 5, 1};  ///< remind D-k for each k
  bool business_days = true;               ///< count k in business days
  bool on_deadline = true;                 ///< remind on D
  int overdue_every_days = 5;              ///< repeat every N days after D; 0 = never
  int escalate_after_days = 10;            ///< escalate once overdue this long; 0 = never
  bool digest = true;                      ///< one message per unit, day and channel
  std::vector<Channel> channels{Channel::kEmail, Channel::kWebhook};
  std::chrono::seconds misfire_grace{std::chrono::hours{12}};
};

/// A reporting schedule ([[cycles]]).
struct Cycle {
  std::string name;                           ///< "Seguimiento PAAC"
  std::vector<date::month_day> cutoffs;       ///< 04-30, 08-31, 12-31
  std::vector<int> remind_before_days{10, 3};
  int publish_within_business_days = 10;      ///< 0 = no publish reminders
  std::string publisher;                      ///< unit id; empty = nobody
  std::optional<std::vector<std::string>> activities;  ///< nullopt = all
};

/// The cuatrimestre (1..3) a date falls in: Jan-Apr, May-Aug, Sep-Dec.
/// A cycle cutoff's period is the cuatrimestre of its date.
int cuatrimestre_of(Date day);

}  // namespace plazo
