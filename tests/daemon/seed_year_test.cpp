// The whole of 2023 for the Alcaldía de Itagüí: the real example config
// (config/examples/itagui-2023.toml), the real follow-up matrix
// (../shared/seed/paac-itagui-2023-seguimiento-2.txt) through the real
// importer into a SqliteStore on ":memory:", and one scheduling pass
// (run_pass) at 08:00 America/Bogota (13:00 UTC) on every day of the year.
//
// The expectations below are worked out by hand from the seed's rows, the
// config and the rules of DESIGN.md ("Reminder semantics") and README.md
// ("How reminders are scheduled"); they were not copied from the program.
// The reasoning is written next to each day.
//
// ---------------------------------------------------------------------------
// Encoding of a message item (one string each; a message's items are compared
// as a sorted list):
//   "upcoming 2.1 responsible"        kind, activity, the unit's role
//   "today 2.6 co_responsible"        (upcoming / today / overdue)
//   "overdue 6.3 responsible"
//   "escalation 3.2 planeacion"       activity, then the ids of its
//                                     responsible + co-responsible units,
//                                     sorted and comma-joined
//   "report_due 1.5 responsible @paac"  activity, role, cycle: @paac is
//                                     "Seguimiento PAAC", @trim is
//                                     "Informes trimestrales"
//   "publish_due - - @paac 2023-09-14"  no activity, no role, cycle and the
//                                     publication deadline
// A message is identified by unit id and channel: "email", or
// "webhook:NAME" for the unit's [webhooks.NAME].
//
// ---------------------------------------------------------------------------
// Facts used (hand-checked against the seed; the importer's parse, printed
// once with `plazo activities --format json`, agrees with them):
//
// Calendar 2023, Colombia (Easter 9 Apr) + extra_closed: weekdays closed are
//   Mon 9 Jan (Reyes, 6 Jan moved), Mon 20 Mar (San José, 19 Mar moved),
//   Thu 6 / Fri 7 Apr (Semana Santa), Mon 1 May, Mon 22 May (Ascensión),
//   Mon 12 Jun (Corpus), Mon 19 Jun (Sagrado Corazón), Mon 3 Jul (San Pedro),
//   Thu 20 Jul, Mon 7 Aug, Mon 21 Aug (Asunción), Mon 16 Oct (Raza),
//   Mon 6 Nov (Todos los Santos), Mon 13 Nov (Cartagena, 11 Nov moved),
//   Fri 8 Dec, Mon 25 Dec, and Tue 26 Dec (extra_closed). 1 Jan is a Sunday.
//   260 weekdays - 18 = 242 business days.
//
// Done (latest progress 100 %, so no reminders and no report lines at all):
//   1.1 1.2 1.3 1.4 1.6 1.9 2.2 2.5 3.5 3.12 3.13 3.14 4.2 4.3 4.4 4.12 4.13
//   4.20 4.21 5.8 5.13 6.1 6.2 6.8. The whole matrix (with the 31 Aug
//   follow-up) is imported before the walk, so "latest progress" is the
//   31 Aug figure on every day: e.g. 4.13 (Gobierno, due 30 Aug, 50 % in
//   April, 100 % in August) is done all year. Hence educacion, gobierno and
//   familia, which own only done activities, hear nothing in 2023.
//   3.1 is an empty row: no deadline, no unit: nothing.
//   3.11's August cell has no percentage: latest is 25 % (30 Apr): open.
//
// Open activities, by deadline (R = responsible, C = co-responsible; [..] =
// cuatrimestres):
//   Fri 30 Dec 2022: 6.3 juridica [123]   (deadline outside the plan year)
//   Tue 11 Jul: 3.2 planeacion [2]
//   Fri 14 Jul: 4.9 planeacion [2]
//   Thu 30 Nov (24): 2.1 2.3 3.6 5.4 5.5 5.6 5.10[3] 5.11[2] general;
//     2.6 2.7 general, C tic; 2.4 evaluacion; 5.15 evaluacion [23];
//     4.7 planeacion [2], C tic; 4.10 4.15 4.16 4.18 6.4 6.5 planeacion;
//     4.8 4.14 participacion; 3.7 5.2[12] 6.7 servicios-administrativos
//   Fri 15 Dec: 3.8 5.3 servicios-administrativos; 4.22 evaluacion
//   Fri 29 Dec: 1.5 1.11 3.3 3.4 planeacion; 1.7 4.6 planeacion, C tic;
//     3.9[12] 3.10 5.14[23] general
//   Sat 30 Dec: 1.10 1.15 4.1 4.5[23] planeacion; 4.11 planeacion C tic;
//     4.17 planeacion C hacienda,tic; 4.19 planeacion C juridica,tic;
//     5.7[12] planeacion C comunicaciones,tic; 1.12 1.13 1.14 6.6 evaluacion;
//     1.8 3.11 evaluacion C tic; 6.9 tic C evaluacion; 5.1[12] 5.9 tic;
//     5.12 juridica C tic; 6.10[23] tic + comunicaciones (both R)
//   Wed 30 Aug 2028: 3.15 general [2]      (outside 2023: report lines only)
//   Periods not shown are [123]; 2.4 2.6 2.7 3.6 5.4 5.5 5.6 are [12].
//
// Rules from the config: before_days 15, 5, 1 and overdue every 5 and
// escalation after 10, all in business days (k before a deadline on a closed
// day counts from the business day before it); on_deadline; escalation goes
// to the one oversight unit, evaluacion. A Saturday deadline (30 Dec) is
// "today" on Fri 29 Dec. Overdue D+5, D+10, ...; escalation D+10, D+15, ...
//
// Cycle days (same rule for a cutoff on a closed day: count from the
// business day before it; period = the cuatrimestre the cutoff falls in):
//   Seguimiento PAAC (publisher evaluacion, all activities):
//     31 Dec 2022 (last year's third cut): publish_due Mon 2 Jan (first
//       business day after) and Mon 16 Jan (10th: 2,3,4,5,6,10,11,12,13,16).
//     Sun 30 Apr (p1) -> Fri 28 Apr: report_due Fri 14 Apr (-10), Tue 25 Apr
//       (-3); publish_due Tue 2 May (1 May closed) and Mon 15 May.
//     Thu 31 Aug (p2): report_due Wed 16 Aug (-10: 30,29,28,25,24,23,22,
//       [21 closed],18,17,16) and Mon 28 Aug (-3); publish_due Fri 1 Sep and
//       Thu 14 Sep (1,4,5,6,7,8,11,12,13,14).
//     Sun 31 Dec (p3) -> Fri 29 Dec: report_due Wed 13 Dec (-10) and Fri
//       22 Dec (-3: 28, 27, [26 and 25 closed], 22); publish_due falls in
//       January 2024 (2 and 16 Jan): outside the walk.
//   Informes trimestrales (publisher planeacion; 1.7 1.11 planeacion,
//   1.8 1.12 3.11 evaluacion, all [123] and open):
//     31 Dec 2022: publish_due Mon 2 Jan and Mon 16 Jan.
//     Fri 31 Mar (p1): report_due Thu 16 Mar (20 Mar closed), Tue 28 Mar;
//       publish_due Mon 3 Apr and Tue 18 Apr (3,4,5,[6,7],10,...,17,18).
//     Fri 30 Jun (p2): report_due Thu 15 Jun (19 Jun closed), Tue 27 Jun;
//       publish_due Tue 4 Jul (3 Jul closed) and Mon 17 Jul.
//     Sat 30 Sep (p3) -> Fri 29 Sep: report_due Fri 15 Sep, Tue 26 Sep;
//       publish_due Mon 2 Oct and Fri 13 Oct.
//     Sun 31 Dec (p3): report_due Wed 13 Dec and Fri 22 Dec, like the PAAC
//       cycle's: both cycles' report lines appear (two different reports).
//
// Overdue series of the activities already late in 2023 (D + 5j business
// days; escalation from j = 2):
//   6.3 (30 Dec 2022): every 5th business day of 2023: 6 Jan, 16 Jan, 23 Jan
//     ... 29 Aug, 5 Sep, ... 9 Nov, 17 Nov, 24 Nov, 1 Dec, 11 Dec, 18 Dec,
//     27 Dec: 48 overdue (242 / 5), 47 escalations.
//   3.2 (11 Jul): 18 Jul, 26 Jul, 2 Aug, 10 Aug, 17 Aug, 25 Aug, 1 Sep,
//     8 Sep, 15 Sep, 22 Sep, 29 Sep, 6 Oct, 13 Oct, 23 Oct, 30 Oct, 7 Nov,
//     15 Nov, 22 Nov, 29 Nov, 6 Dec, 14 Dec, 21 Dec: 22 overdue, 21 esc.
//   4.9 (14 Jul): 24 Jul, 31 Jul, 8 Aug, 15 Aug, 23 Aug, 30 Aug, 6 Sep,
//     13 Sep, 20 Sep, 27 Sep, 4 Oct, 11 Oct, 19 Oct, 26 Oct, 2 Nov, 10 Nov,
//     20 Nov, 27 Nov, 4 Dec, 12 Dec, 19 Dec, 28 Dec: 22 overdue, 21 esc.
//   The 30 Nov group: 7 Dec, 15 Dec (first escalation), 22 Dec (the next,
//     3 Jan 2024, is outside). The 15 Dec group: 22 Dec only.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <initializer_list>
#include <map>
#include <optional>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "config/config.h"
#include "daemon/scheduling.h"
#include "domain/dates.h"
#include "domain/message.h"
#include "importer/matrix.h"
#include "storage/sqlite_store.h"

namespace plazo {
namespace {

using Items = std::vector<std::string>;
/// unit id -> the items of its message(s) that day, any order.
using UnitItems = std::map<std::string, Items>;

// -- Building expectations ----------------------------------------------------

Items with(const char* kind, const char* role, std::initializer_list<const char*> activities) {
  Items out;
  for (const char* a : activities) out.push_back(std::string(kind) + " " + a + " " + role);
  return out;
}
Items up(const char* role, std::initializer_list<const char*> activities) {
  return with("upcoming", role, activities);
}
Items report(const char* cycle, std::initializer_list<const char*> activities) {
  Items out;
  for (const char* a : activities) {
    out.push_back(std::string("report_due ") + a + " responsible @" + cycle);
  }
  return out;
}
Items esc(std::initializer_list<std::pair<const char*, const char*>> activity_units) {
  Items out;
  for (const auto& [a, units] : activity_units) {
    out.push_back(std::string("escalation ") + a + " " + units);
  }
  return out;
}
Items publish(const char* cycle, const char* deadline) {
  return {std::string("publish_due - - @") + cycle + " " + deadline};
}
Items operator+(Items a, const Items& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

constexpr const char* R = "responsible";
constexpr const char* C = "co_responsible";

// The activities due Thu 30 Nov, per unit and role.
Items nov30(const char* kind, const std::string& unit) {
  if (unit == "general") {
    return with(kind, R, {"2.1", "2.3", "2.6", "2.7", "3.6", "5.4", "5.5", "5.6", "5.10", "5.11"});
  }
  if (unit == "evaluacion") return with(kind, R, {"2.4", "5.15"});
  if (unit == "participacion") return with(kind, R, {"4.8", "4.14"});
  if (unit == "planeacion") {
    return with(kind, R, {"4.7", "4.10", "4.15", "4.16", "4.18", "6.4", "6.5"});
  }
  if (unit == "servicios-administrativos") return with(kind, R, {"3.7", "5.2", "6.7"});
  if (unit == "tic") return with(kind, C, {"2.6", "2.7", "4.7"});
  return {};
}
// Escalations of the 24 activities due 30 Nov (to evaluacion), including
// evaluacion's own 2.4 and 5.15: the rule makes no exception for the
// oversight unit's own activities, so it hears both overdue and escalation.
Items nov30_escalations() {
  return esc({{"2.1", "general"},
              {"2.3", "general"},
              {"2.4", "evaluacion"},
              {"2.6", "general,tic"},
              {"2.7", "general,tic"},
              {"3.6", "general"},
              {"3.7", "servicios-administrativos"},
              {"4.7", "planeacion,tic"},
              {"4.8", "participacion"},
              {"4.10", "planeacion"},
              {"4.14", "participacion"},
              {"4.15", "planeacion"},
              {"4.16", "planeacion"},
              {"4.18", "planeacion"},
              {"5.2", "servicios-administrativos"},
              {"5.4", "general"},
              {"5.5", "general"},
              {"5.6", "general"},
              {"5.10", "general"},
              {"5.11", "general"},
              {"5.15", "evaluacion"},
              {"6.4", "planeacion"},
              {"6.5", "planeacion"},
              {"6.7", "servicios-administrativos"}});
}
// The activities due Fri 29 Dec and Sat 30 Dec (effectively Fri 29 Dec, so
// their 15/5/1-day reminders and "today" fall on the same days), by unit.
UnitItems year_end(const char* kind) {
  return {
      {"planeacion", with(kind, R,
                          {"1.5", "1.7", "1.10", "1.11", "1.15", "3.3", "3.4", "4.1", "4.5", "4.6",
                           "4.11", "4.17", "4.19", "5.7"})},
      {"tic",
       with(kind, R, {"5.1", "5.9", "6.9", "6.10"}) +
           with(kind, C, {"1.7", "1.8", "3.11", "4.6", "4.11", "4.17", "4.19", "5.7", "5.12"})},
      {"evaluacion",
       with(kind, R, {"1.8", "1.12", "1.13", "1.14", "3.11", "6.6"}) + with(kind, C, {"6.9"})},
      {"general", with(kind, R, {"3.9", "3.10", "5.14"})},
      {"comunicaciones", with(kind, R, {"6.10"}) + with(kind, C, {"5.7"})},
      {"hacienda", with(kind, C, {"4.17"})},
      {"juridica", with(kind, R, {"5.12"}) + with(kind, C, {"4.19"})},
  };
}

// Report lines of the PAAC cycle: each unit's open activities (as
// responsible) active in the cutoff's cuatrimestre.
// p1 (30 Apr): everything open but the [2], [23] and [3]-only ones
// (3.2 4.5 4.7 4.9 planeacion; 5.15 evaluacion; 3.15 5.10 5.11 5.14 general;
// 6.10 tic/comunicaciones).
UnitItems paac_p1() {
  return {
      {"planeacion",
       report("paac", {"1.5", "1.7", "1.10", "1.11", "1.15", "3.3", "3.4", "4.1", "4.6", "4.10",
                       "4.11", "4.15", "4.16", "4.17", "4.18", "4.19", "5.7", "6.4", "6.5"})},
      {"evaluacion", report("paac", {"1.8", "1.12", "1.13", "1.14", "2.4", "3.11", "4.22", "6.6"})},
      {"general",
       report("paac", {"2.1", "2.3", "2.6", "2.7", "3.6", "3.9", "3.10", "5.4", "5.5", "5.6"})},
      {"juridica", report("paac", {"5.12", "6.3"})},
      {"participacion", report("paac", {"4.8", "4.14"})},
      {"servicios-administrativos", report("paac", {"3.7", "3.8", "5.2", "5.3", "6.7"})},
      {"tic", report("paac", {"5.1", "5.9", "6.9"})},
  };
}
// p2 (31 Aug): every open activity but 5.10 (the only [3]-only one); over p1
// this adds 3.2 4.5 4.7 4.9 (planeacion), 5.15 (evaluacion), 3.15 5.11 5.14
// (general; 3.15 is due in 2028 but is an open activity of the 2023 plan)
// and 6.10 (tic and comunicaciones, both responsible).
UnitItems paac_p2() {
  return {
      {"planeacion", report("paac", {"1.5",  "1.7",  "1.10", "1.11", "1.15", "3.2",  "3.3",  "3.4",
                                     "4.1",  "4.5",  "4.6",  "4.7",  "4.9",  "4.10", "4.11", "4.15",
                                     "4.16", "4.17", "4.18", "4.19", "5.7",  "6.4",  "6.5"})},
      {"evaluacion",
       report("paac", {"1.8", "1.12", "1.13", "1.14", "2.4", "3.11", "4.22", "5.15", "6.6"})},
      {"general", report("paac", {"2.1", "2.3", "2.6", "2.7", "3.6", "3.9", "3.10", "3.15", "5.4",
                                  "5.5", "5.6", "5.11", "5.14"})},
      {"juridica", report("paac", {"5.12", "6.3"})},
      {"participacion", report("paac", {"4.8", "4.14"})},
      {"servicios-administrativos", report("paac", {"3.7", "3.8", "5.2", "5.3", "6.7"})},
      {"tic", report("paac", {"5.1", "5.9", "6.9", "6.10"})},
      {"comunicaciones", report("paac", {"6.10"})},
  };
}
// p3 (31 Dec): over p2, drops the [2]- and [12]-only ones (2.4, 2.6, 2.7,
// 3.2, 3.6, 3.9, 3.15, 4.7, 4.9, 5.1, 5.2, 5.4, 5.5, 5.6, 5.7, 5.11) and adds
// 5.10 [3]; plus the quarterly cycle's lines for the same cutoff.
UnitItems dec31_reports() {
  return {
      {"planeacion",
       report("paac", {"1.5", "1.7", "1.10", "1.11", "1.15", "3.3", "3.4", "4.1", "4.5", "4.6",
                       "4.10", "4.11", "4.15", "4.16", "4.17", "4.18", "4.19", "6.4", "6.5"}) +
           report("trim", {"1.7", "1.11"})},
      {"evaluacion",
       report("paac", {"1.8", "1.12", "1.13", "1.14", "3.11", "4.22", "5.15", "6.6"}) +
           report("trim", {"1.8", "1.12", "3.11"})},
      {"general", report("paac", {"2.1", "2.3", "3.10", "5.10", "5.14"})},
      {"juridica", report("paac", {"5.12", "6.3"})},
      {"participacion", report("paac", {"4.8", "4.14"})},
      {"servicios-administrativos", report("paac", {"3.7", "3.8", "5.3", "6.7"})},
      {"tic", report("paac", {"5.9", "6.9", "6.10"})},
      {"comunicaciones", report("paac", {"6.10"})},
  };
}
// The quarterly cycle's lines (any cutoff: its five activities are [123]).
UnitItems quarterly() {
  return {{"planeacion", report("trim", {"1.7", "1.11"})},
          {"evaluacion", report("trim", {"1.8", "1.12", "3.11"})}};
}
UnitItems merge(UnitItems a, const UnitItems& b) {
  for (const auto& [unit, items] : b) a[unit] = a[unit] + items;
  return a;
}

// What a few items say besides their identity: the deadline they count to
// and the business days left (negative when late), worked out by hand.
struct ItemDetail {
  const char* day;
  const char* unit;
  ItemKind kind;
  const char* activity;  ///< "" for publish_due
  const char* cycle;     ///< report_due / publish_due: the cycle's name; else ""
  const char* deadline;
  int days_left;
};
const std::vector<ItemDetail> kDetails = {
    // 15 business days before Thu 30 Nov (see 8 Nov in chosen_days()).
    {"2023-11-08", "general", ItemKind::kUpcoming, "2.1", "", "2023-11-30", 15},
    // Saturday deadline: "its 5-day reminder says 5 business days are left"
    // (README): business days in (20 Dec, 30 Dec] are 21, 22, 27, 28, 29.
    {"2023-12-20", "planeacion", ItemKind::kUpcoming, "1.10", "", "2023-12-30", 5},
    {"2023-12-20", "planeacion", ItemKind::kUpcoming, "1.5", "", "2023-12-29", 5},
    {"2023-12-28", "tic", ItemKind::kUpcoming, "5.1", "", "2023-12-30", 1},
    // Due "today" on Friday for Saturday: no business day in (29, 30].
    {"2023-12-29", "tic", ItemKind::kToday, "5.1", "", "2023-12-30", 0},
    // Late: business days in [30 Nov, 7 Dec) = 30, 1, 4, 5, 6.
    {"2023-12-07", "general", ItemKind::kOverdue, "2.1", "", "2023-11-30", -5},
    // [30 Nov, 15 Dec) = 30, 1, 4, 5, 6, 7, 11, 12, 13, 14 (8 Dec closed).
    {"2023-12-15", "evaluacion", ItemKind::kEscalation, "2.1", "", "2023-11-30", -10},
    // [30 Dec 2022, 16 Jan) = 30 Dec, 2, 3, 4, 5, 6, 10, 11, 12, 13 Jan.
    {"2023-01-16", "juridica", ItemKind::kOverdue, "6.3", "", "2022-12-30", -10},
    // A report counts to its cutoff: (13 Dec, 31 Dec] holds 10 business days.
    {"2023-12-13", "planeacion", ItemKind::kReportDue, "1.7", "Seguimiento PAAC", "2023-12-31", 10},
    {"2023-12-13", "planeacion", ItemKind::kReportDue, "1.7", "Informes trimestrales", "2023-12-31",
     10},
    {"2023-08-16", "general", ItemKind::kReportDue, "2.1", "Seguimiento PAAC", "2023-08-31", 10},
    // Publication counts to the publication deadline: (1 Sep, 14 Sep] = 4, 5,
    // 6, 7, 8, 11, 12, 13, 14; (2 Jan, 16 Jan] = 3, 4, 5, 6, 10, 11, 12, 13, 16.
    {"2023-09-01", "evaluacion", ItemKind::kPublishDue, "", "Seguimiento PAAC", "2023-09-14", 9},
    {"2023-09-14", "evaluacion", ItemKind::kPublishDue, "", "Seguimiento PAAC", "2023-09-14", 0},
    {"2023-01-02", "planeacion", ItemKind::kPublishDue, "", "Informes trimestrales", "2023-01-16",
     9},
};

struct DayCase {
  const char* day;
  UnitItems units;  ///< empty: nothing at all is sent that day
};

std::vector<DayCase> chosen_days() {
  std::vector<DayCase> days;

  // Mon 2 Jan: first business day after the 31 Dec 2022 cutoff of both
  // cycles: each publisher is reminded (deadline 16 Jan). 6.3 is only 1
  // business day overdue: nothing for it yet.
  // (Correction: my first working left out the 2022 cut's publication
  // reminders on 2 and 16 Jan. The program was right: cutoffs are month-days
  // that recur every year, and the README's own example puts the 31 Dec
  // cut's publication deadline in the next January, "16 January 2024".)
  days.push_back({"2023-01-02",
                  {{"evaluacion", publish("paac", "2023-01-16")},
                   {"planeacion", publish("trim", "2023-01-16")}}});
  // Fri 6 Jan: 6.3 (due Fri 30 Dec 2022) is 5 business days overdue
  // (2,3,4,5,6 Jan): overdue to juridica; no escalation before 10.
  days.push_back({"2023-01-06", {{"juridica", with("overdue", R, {"6.3"})}}});
  // Mon 9 Jan: Reyes (6 Jan moved to Monday): closed, nothing.
  days.push_back({"2023-01-09", {}});
  // Mon 16 Jan: 6.3 10 business days overdue (10,11,12,13,16 after the 6th;
  // 9 Jan closed): overdue + first escalation; and the publication deadline
  // of the 31 Dec 2022 cut (10th business day) for both publishers.
  days.push_back({"2023-01-16",
                  {{"juridica", with("overdue", R, {"6.3"})},
                   {"evaluacion", esc({{"6.3", "juridica"}}) + publish("paac", "2023-01-16")},
                   {"planeacion", publish("trim", "2023-01-16")}}});
  // Thu 16 Mar: quarterly cut Fri 31 Mar - 10 business days (30,29,28,27,24,
  // 23,22,21,[20 San José],17,16).
  days.push_back({"2023-03-16", quarterly()});
  // Mon 20 Mar: San José (19 Mar moved): nothing.
  days.push_back({"2023-03-20", {}});
  // Tue 28 Mar: 31 Mar - 3 (30, 29, 28); 6.3's 12th overdue also falls here.
  days.push_back({"2023-03-28", merge(quarterly(), {{"juridica", with("overdue", R, {"6.3"})},
                                                    {"evaluacion", esc({{"6.3", "juridica"}})}})});
  // Mon 3 Apr: first business day after the 31 Mar quarterly cut.
  days.push_back({"2023-04-03", {{"planeacion", publish("trim", "2023-04-18")}}});
  // Fri 14 Apr: PAAC cut Sun 30 Apr counts from Fri 28 Apr; -10 = 14 Apr
  // (27,26,25,24,21,20,19,18,17,14). p1 lines.
  days.push_back({"2023-04-14", paac_p1()});
  // Tue 18 Apr: quarterly publication deadline, 10th business day after
  // 31 Mar (3,4,5,[6,7 Semana Santa],10,11,12,13,14,17,18).
  days.push_back({"2023-04-18", {{"planeacion", publish("trim", "2023-04-18")}}});
  // Tue 25 Apr: 28 Apr - 3 (27, 26, 25): p1 lines again.
  days.push_back({"2023-04-25", paac_p1()});
  // Tue 2 May: first business day after 30 Apr (1 May closed).
  days.push_back({"2023-05-02", {{"evaluacion", publish("paac", "2023-05-15")}}});
  // Mon 15 May: 10th business day after 30 Apr (2,3,4,5,8,9,10,11,12,15).
  days.push_back({"2023-05-15", {{"evaluacion", publish("paac", "2023-05-15")}}});
  // Tue 4 Jul: first business day after the 30 Jun quarterly cut (1-2 Jul
  // weekend, 3 Jul San Pedro) and 3.2's 5-day reminder (Tue 11 Jul - 5:
  // 10,7,6,5,4): one digest with both.
  days.push_back({"2023-07-04", {{"planeacion", publish("trim", "2023-07-17") + up(R, {"3.2"})}}});
  // Tue 11 Jul: 3.2 due today (4.9, due Fri 14 Jul, has its 1-day on the 13th
  // and 5-day on the 7th).
  days.push_back({"2023-07-11", {{"planeacion", with("today", R, {"3.2"})}}});
  // Wed 26 Jul: 3.2 is 10 business days overdue (12,13,14,17,18,19,[20],21,
  // 24,25,26): overdue + escalation.
  days.push_back({"2023-07-26",
                  {{"planeacion", with("overdue", R, {"3.2"})},
                   {"evaluacion", esc({{"3.2", "planeacion"}})}}});
  // Wed 16 Aug: Thu 31 Aug - 10 (21 Aug closed): p2 lines.
  days.push_back({"2023-08-16", paac_p2()});
  // Thu 17 Aug: not a cycle day (16 Aug is, because of the 21 Aug holiday);
  // only 3.2's 5th overdue (10 Aug + 11,14,15,16,17).
  days.push_back({"2023-08-17",
                  {{"planeacion", with("overdue", R, {"3.2"})},
                   {"evaluacion", esc({{"3.2", "planeacion"}})}}});
  // Mon 28 Aug: 31 Aug - 3 (30, 29, 28): p2 lines again. (3.2 was on 25 Aug,
  // 4.9 is on 30 Aug, 6.3 on 29 Aug.)
  days.push_back({"2023-08-28", paac_p2()});
  // Thu 31 Aug: the cutoff itself: no rule fires on it; 4.13 (due 30 Aug) is
  // done; nothing.
  days.push_back({"2023-08-31", {}});
  // Fri 1 Sep: first business day after 31 Aug: publish_due (deadline
  // 14 Sep) to evaluacion, which also gets 3.2's escalation (7th overdue).
  days.push_back({"2023-09-01",
                  {{"planeacion", with("overdue", R, {"3.2"})},
                   {"evaluacion", esc({{"3.2", "planeacion"}}) + publish("paac", "2023-09-14")}}});
  // Thu 14 Sep: the PAAC publication deadline, 10th business day after
  // 31 Aug (1,4,5,6,7,8,11,12,13,14). 4.9 was on the 13th, 3.2 is on the 15th.
  days.push_back({"2023-09-14", {{"evaluacion", publish("paac", "2023-09-14")}}});
  // Fri 15 Sep: quarterly cut Sat 30 Sep counts from Fri 29 Sep; -10 = 15 Sep
  // (28,27,26,25,22,21,20,19,18,15); and 3.2's 9th overdue.
  days.push_back(
      {"2023-09-15", merge(quarterly(), {{"planeacion", with("overdue", R, {"3.2"})},
                                         {"evaluacion", esc({{"3.2", "planeacion"}})}})});
  // Wed 8 Nov: 15 business days before Thu 30 Nov (29,28,27,24,23,22,21,20,
  // 17,16,15,14,[13 closed],10,9,8): the whole 30 Nov group.
  days.push_back({"2023-11-08",
                  {{"general", nov30("upcoming", "general")},
                   {"evaluacion", nov30("upcoming", "evaluacion")},
                   {"participacion", nov30("upcoming", "participacion")},
                   {"planeacion", nov30("upcoming", "planeacion")},
                   {"servicios-administrativos", nov30("upcoming", "servicios-administrativos")},
                   {"tic", nov30("upcoming", "tic")}}});
  // Fri 10 Nov: 4.9's 16th overdue (2 Nov + 3,7,8,9,10; 6 Nov closed).
  days.push_back({"2023-11-10",
                  {{"planeacion", with("overdue", R, {"4.9"})},
                   {"evaluacion", esc({{"4.9", "planeacion"}})}}});
  // Mon 13 Nov: Independencia de Cartagena (Sat 11 Nov moved): nothing is
  // sent. Counting skips it, so what it pushes moves later: 3.2's overdue
  // after 7 Nov is the 15th (8,9,10,14,15), 4.9's after 10 Nov the 20th,
  // 6.3's after 9 Nov the 17th; and the 30 Nov 15-day reminder is on the 8th.
  days.push_back({"2023-11-13", {}});
  // Tue 14 Nov: would have had 3.2's overdue if 13 Nov were worked: nothing.
  days.push_back({"2023-11-14", {}});
  // Wed 15 Nov: 3.2's 17th overdue, deferred by the holiday.
  days.push_back({"2023-11-15",
                  {{"planeacion", with("overdue", R, {"3.2"})},
                   {"evaluacion", esc({{"3.2", "planeacion"}})}}});
  // Thu 23 Nov: 30 Nov - 5 (29,28,27,24,23) for the 30 Nov group; and
  // Fri 15 Dec - 15 (14,13,12,11,[8],7,6,5,4,1,30,29,28,27,24,23) for 3.8 5.3
  // (servicios-administrativos) and 4.22 (evaluacion).
  days.push_back({"2023-11-23",
                  {{"general", nov30("upcoming", "general")},
                   {"evaluacion", nov30("upcoming", "evaluacion") + up(R, {"4.22"})},
                   {"participacion", nov30("upcoming", "participacion")},
                   {"planeacion", nov30("upcoming", "planeacion")},
                   {"servicios-administrativos",
                    nov30("upcoming", "servicios-administrativos") + up(R, {"3.8", "5.3"})},
                   {"tic", nov30("upcoming", "tic")}}});
  // Wed 29 Nov: 30 Nov - 1 for the group; 3.2's 19th overdue (22 Nov +
  // 23,24,27,28,29) shares planeacion's and evaluacion's digests.
  days.push_back({"2023-11-29",
                  {{"general", nov30("upcoming", "general")},
                   {"evaluacion", nov30("upcoming", "evaluacion") + esc({{"3.2", "planeacion"}})},
                   {"participacion", nov30("upcoming", "participacion")},
                   {"planeacion", nov30("upcoming", "planeacion") + with("overdue", R, {"3.2"})},
                   {"servicios-administrativos", nov30("upcoming", "servicios-administrativos")},
                   {"tic", nov30("upcoming", "tic")}}});
  // Thu 30 Nov: due today, the 24 activities. (No cycle day, no overdue.)
  days.push_back({"2023-11-30",
                  {{"general", nov30("today", "general")},
                   {"evaluacion", nov30("today", "evaluacion")},
                   {"participacion", nov30("today", "participacion")},
                   {"planeacion", nov30("today", "planeacion")},
                   {"servicios-administrativos", nov30("today", "servicios-administrativos")},
                   {"tic", nov30("today", "tic")}}});
  // Thu 7 Dec: 5 business days after 30 Nov (1,4,5,6,7): first overdue of the
  // group, no escalation yet; and 15 Dec - 5 (14,13,12,11,[8 closed],7).
  days.push_back({"2023-12-07",
                  {{"general", nov30("overdue", "general")},
                   {"evaluacion", nov30("overdue", "evaluacion") + up(R, {"4.22"})},
                   {"participacion", nov30("overdue", "participacion")},
                   {"planeacion", nov30("overdue", "planeacion")},
                   {"servicios-administrativos",
                    nov30("overdue", "servicios-administrativos") + up(R, {"3.8", "5.3"})},
                   {"tic", nov30("overdue", "tic")}}});
  // Wed 13 Dec: Sun 31 Dec counts from Fri 29 Dec; -10 = 13 Dec (28,27,
  // [26,25],22,21,20,19,18,15,14,13): both cycles' report lines. (4.9 was on
  // the 12th, 3.2 is on the 14th; 29 Dec - 15 is 5 Dec.)
  days.push_back({"2023-12-13", dec31_reports()});
  // Thu 14 Dec: 15 Dec - 1; 3.2's 21st overdue.
  days.push_back({"2023-12-14",
                  {{"servicios-administrativos", up(R, {"3.8", "5.3"})},
                   {"evaluacion", up(R, {"4.22"}) + esc({{"3.2", "planeacion"}})},
                   {"planeacion", with("overdue", R, {"3.2"})}}});
  // Fri 15 Dec: 3.8 5.3 4.22 due today; the 30 Nov group is 10 business days
  // overdue (8,11,12,13,14,15 after 7 Dec, 8 Dec closed): overdue to each
  // unit and 24 escalations to evaluacion.
  days.push_back({"2023-12-15",
                  {{"general", nov30("overdue", "general")},
                   {"evaluacion", nov30("overdue", "evaluacion") + nov30_escalations() +
                                      with("today", R, {"4.22"})},
                   {"participacion", nov30("overdue", "participacion")},
                   {"planeacion", nov30("overdue", "planeacion")},
                   {"servicios-administrativos", nov30("overdue", "servicios-administrativos") +
                                                     with("today", R, {"3.8", "5.3"})},
                   {"tic", nov30("overdue", "tic")}}});
  // Wed 20 Dec: 5 business days before the year-end deadlines. Sat 30 Dec
  // counts from Fri 29 Dec, so both groups: 28, 27, [26, 25 closed], 22, 21,
  // 20. (Counting from the Saturday would give 21 Dec.)
  days.push_back({"2023-12-20", year_end("upcoming")});
  // Fri 22 Dec: 31 Dec - 3 (28, 27, 22): both cycles' report lines; the 30 Nov
  // group's third overdue + escalations (18,19,20,21,22); the 15 Dec group's
  // first overdue (same five days).
  {
    UnitItems d = dec31_reports();
    for (const char* unit : {"general", "evaluacion", "participacion", "planeacion",
                             "servicios-administrativos", "tic"}) {
      d[unit] = d[unit] + nov30("overdue", unit);
    }
    d["evaluacion"] = d["evaluacion"] + nov30_escalations() + with("overdue", R, {"4.22"});
    d["servicios-administrativos"] =
        d["servicios-administrativos"] + with("overdue", R, {"3.8", "5.3"});
    days.push_back({"2023-12-22", d});
  }
  // Mon 25 Dec (Navidad) and Tue 26 Dec (extra_closed): nothing.
  days.push_back({"2023-12-25", {}});
  days.push_back({"2023-12-26", {}});
  // Wed 27 Dec: 6.3's 48th overdue (18 Dec + 19,20,21,22,27) only.
  days.push_back(
      {"2023-12-27",
       {{"juridica", with("overdue", R, {"6.3"})}, {"evaluacion", esc({{"6.3", "juridica"}})}}});
  // Thu 28 Dec: 1 business day before both year-end groups; 4.9's 22nd
  // overdue (19 Dec + 20,21,22,27,28).
  days.push_back(
      {"2023-12-28", merge(year_end("upcoming"), {{"planeacion", with("overdue", R, {"4.9"})},
                                                  {"evaluacion", esc({{"4.9", "planeacion"}})}})});
  // Fri 29 Dec: "today" for the 29 Dec group and for the 30 Dec (Saturday)
  // group, moved back to Friday. Nothing overdue lands here: 3.2's next is
  // 2 Jan, the 30 Nov group's 3 Jan, the 15 Dec group's 3 Jan.
  days.push_back({"2023-12-29", year_end("today")});
  // Sat 30 Dec: closed; its reminders went out on Friday.
  days.push_back({"2023-12-30", {}});
  return days;
}

// Whole-year totals, per unit: messages on the email channel (every unit has
// one) and items by kind. Units not listed get nothing (educacion, gobierno,
// familia: all their activities are done).
struct Totals {
  int messages, upcoming, today, overdue, escalation, report_due, publish_due;
  bool operator==(const Totals&) const = default;
};
const std::map<std::string, Totals> kTotals = {
    // 23 open activities as R with a 2023 deadline (3.2, 4.9, 7 on 30 Nov,
    // 6 on 29 Dec, 8 on 30 Dec): 23 today, 69 upcoming. Overdue 22 (3.2) +
    // 22 (4.9) + 7 x 3 (30 Nov) = 65. Report: PAAC (19 + 23 + 19) x 2 = 122,
    // quarterly 2 x 4 cuts x 2 = 16. Publish: 2 Jan, 16 Jan, 3 Apr, 18 Apr,
    // 4 Jul, 17 Jul, 2 Oct, 13 Oct. Messages: 44 overdue days + 8 for 3.2/4.9
    // upcoming/today + 6 of the 30 Nov group (29 Nov is also 3.2's) + 3 of
    // the year-end (28 Dec is also 4.9's) + 10 report days (15 Sep and 22 Dec
    // shared) + 6 publish days (4 Jul and 13 Oct shared) = 77.
    {"planeacion", {77, 69, 23, 65, 0, 138, 8}},
    // Today: 2.4 5.15 4.22 1.8 1.12 1.13 1.14 3.11 6.6 + 6.9 as C = 10.
    // Overdue: 2.4, 5.15 x 3 + 4.22 x 1. Escalation: 6.3 47 + 3.2 21 + 4.9 21
    // + 24 x 2 (15 and 22 Dec) = 137. Report: PAAC (8 + 9 + 8) x 2 + quarterly
    // 3 x 4 x 2 = 74. Publish: 2 Jan, 16 Jan, 2 May, 15 May, 1 Sep, 14 Sep.
    // Messages: 89 escalation days (the three series never meet) + 6 of the
    // 30 Nov group (29 Nov is 3.2's; 4.22's days are all shared) + 3 of the
    // year end (28 Dec is 4.9's) + 8 report days (28 Mar, 26 Sep are 6.3's,
    // 15 Sep 3.2's, 22 Dec the 30 Nov group's) + 4 publish days (16 Jan is
    // 6.3's, 1 Sep 3.2's) = 110.
    {"evaluacion", {110, 30, 10, 7, 137, 74, 6}},
    // 10 on 30 Nov + 3 on 29 Dec; overdue 10 x 3; report (10 + 13 + 5) x 2.
    // Messages: 7 days of the 30 Nov group + 4 of the year-end + 5 report
    // days (22 Dec already counted).
    {"general", {16, 39, 13, 30, 0, 56, 0}},
    // 3.7 5.2 6.7 (30 Nov) + 3.8 5.3 (15 Dec); overdue 3 x 3 + 2 x 1; report
    // (5 + 5 + 4) x 2. Messages: 7 (30 Nov group) + 14 Dec + 5 report days.
    {"servicios-administrativos", {13, 15, 5, 11, 0, 28, 0}},
    // 3 as C on 30 Nov + 13 at year end; overdue 3 x 3; report (3 + 4 + 3) x 2.
    // Messages: 7 + 4 + 5.
    {"tic", {16, 48, 16, 9, 0, 20, 0}},
    // 4.8 4.14: overdue 2 x 3; report 2 x 3 x 2. Messages: 7 + 5.
    {"participacion", {12, 6, 2, 6, 0, 12, 0}},
    // 5.12 (R) and 4.19 (C) at year end; 6.3 overdue on every 5th of the 242
    // business days = 48; report 2 x 3 x 2. Messages: 48 + 4 + 6 (none shared).
    {"juridica", {58, 6, 2, 48, 0, 12, 0}},
    // 6.10 (R) and 5.7 (C); report 6.10 at p2 and p3, twice each.
    {"comunicaciones", {8, 6, 2, 0, 0, 4, 0}},
    // 4.17 as C: 5, 20, 28 Dec upcoming, 29 Dec today.
    {"hacienda", {4, 3, 1, 0, 0, 0, 0}},
};

// The channels each unit hears on (config: channels = email, webhook).
const std::map<std::string, std::vector<std::string>> kChannels = {
    {"planeacion", {"email", "webhook:planeacion-teams"}},
    {"evaluacion", {"email", "webhook:evaluacion-hook"}},
    {"general", {"email", "webhook:general-mattermost"}},
    {"educacion", {"email", "webhook:educacion-chat"}},
    {"tic", {"email", "webhook:tic-slack"}},
    {"servicios-administrativos", {"email"}},
    {"participacion", {"email"}},
    {"juridica", {"email"}},
    {"comunicaciones", {"email"}},
    {"gobierno", {"email"}},
    {"familia", {"email"}},
    {"hacienda", {"email"}},
};

// -- Reading what the program did -----------------------------------------------

std::string cycle_tag(const std::string& name) {
  if (name == "Seguimiento PAAC") return "paac";
  if (name == "Informes trimestrales") return "trim";
  return name.empty() ? "?" : name;
}

std::string encode(const MessageItem& item) {
  const std::string kind(to_string(item.kind));
  const std::string activity = item.activity.empty() ? "-" : item.activity;
  switch (item.kind) {
    case ItemKind::kEscalation: {
      std::vector<std::string> units = item.units;
      std::sort(units.begin(), units.end());
      std::string joined;
      for (const auto& u : units) {
        if (!joined.empty()) joined += ",";
        joined += u;
      }
      return kind + " " + activity + " " + (joined.empty() ? "-" : joined);
    }
    case ItemKind::kReportDue:
      return kind + " " + activity + " " + std::string(to_string(item.role)) + " @" +
             cycle_tag(item.cycle);
    case ItemKind::kPublishDue:
      return kind + " " + activity + " - @" + cycle_tag(item.cycle) + " " +
             format_iso_date(item.deadline);
    default:
      return kind + " " + activity + " " + std::string(to_string(item.role));
  }
}

/// A message's items, encoded and sorted.
Items encode_all(const Message& m) {
  Items items;
  for (const auto& item : m.items) items.push_back(encode(item));
  std::sort(items.begin(), items.end());
  return items;
}

std::string channel_of(const Message& m) {
  std::string c(to_string(m.channel));
  if (!m.target.empty()) c += ":" + m.target;
  return c;
}

Items sorted(Items items) {
  std::sort(items.begin(), items.end());
  return items;
}

std::string join(const Items& items) {
  std::string out;
  for (const auto& s : items) out += "\n      " + s;
  return out.empty() ? " (none)" : out;
}

Date day_of(const char* iso) {
  auto d = parse_iso_date(iso);
  EXPECT_TRUE(d) << iso;
  return d.value_or(Date{});
}

// "unit channel" -> sorted items, for one day.
using DayMessages = std::map<std::string, Items>;

void compare_day(const DayCase& expected, const DayMessages& actual) {
  DayMessages want;
  for (const auto& [unit, items] : expected.units) {
    auto channels = kChannels.find(unit);
    ASSERT_NE(channels, kChannels.end()) << "no channels written down for " << unit;
    for (const auto& channel : channels->second) want[unit + " " + channel] = sorted(items);
  }
  std::set<std::string> keys;
  for (const auto& [k, v] : want) keys.insert(k);
  for (const auto& [k, v] : actual) keys.insert(k);
  for (const auto& key : keys) {
    const Items w = want.contains(key) ? want.at(key) : Items{};
    const Items a = actual.contains(key) ? actual.at(key) : Items{};
    if (w == a) continue;
    Items missing;
    Items extra;
    std::set_difference(w.begin(), w.end(), a.begin(), a.end(), std::back_inserter(missing));
    std::set_difference(a.begin(), a.end(), w.begin(), w.end(), std::back_inserter(extra));
    ADD_FAILURE() << expected.day << " " << key << ": expected but not sent:" << join(missing)
                  << "\n    sent but not expected:" << join(extra);
  }
}

Totals totals_of(const std::vector<Message>& messages, const std::string& unit) {
  Totals t{};
  for (const auto& m : messages) {
    if (m.unit_id != unit || m.channel != Channel::kEmail) continue;
    ++t.messages;
    for (const auto& item : m.items) {
      switch (item.kind) {
        case ItemKind::kUpcoming:
          ++t.upcoming;
          break;
        case ItemKind::kToday:
          ++t.today;
          break;
        case ItemKind::kOverdue:
          ++t.overdue;
          break;
        case ItemKind::kEscalation:
          ++t.escalation;
          break;
        case ItemKind::kReportDue:
          ++t.report_due;
          break;
        case ItemKind::kPublishDue:
          ++t.publish_due;
          break;
      }
    }
  }
  return t;
}

std::string show(const Totals& t) {
  std::ostringstream out;
  out << "{messages " << t.messages << ", upcoming " << t.upcoming << ", today " << t.today
      << ", overdue " << t.overdue << ", escalation " << t.escalation << ", report_due "
      << t.report_due << ", publish_due " << t.publish_due << "}";
  return out.str();
}

void PrintTo(const Totals& t, std::ostream* out) {
  *out << show(t);
}

// -- The test ---------------------------------------------------------------------

TEST(SeedYear, EveryDayOf2023ForTheItaguiExample) {
  const LoadResult loaded =
      load_config(std::string(PLAZO_SOURCE_DIR) + "/config/examples/itagui-2023.toml");
  ASSERT_TRUE(loaded.ok()) << (loaded.errors.empty() ? "" : loaded.errors.front().to_string());
  const Config& config = *loaded.config;

  ImportOptions options;
  options.units = config.units;
  auto matrix = parse_matrix_file(
      std::string(PLAZO_SEED_DIR) + "/paac-itagui-2023-seguimiento-2.txt", options);
  ASSERT_TRUE(matrix) << matrix.error().message;
  ASSERT_EQ(matrix->plan, "PAAC");
  ASSERT_EQ(matrix->year, 2023);
  ASSERT_EQ(matrix->activities.size(), 84u);

  auto opened = SqliteStore::open(":memory:");
  ASSERT_TRUE(opened) << opened.error().message;
  SqliteStore& store = **opened;
  ASSERT_TRUE(store.sync_units(config.units));
  auto imported = store.apply_import("PAAC", 2023, matrix->activities, /*dry_run=*/false);
  ASSERT_TRUE(imported) << imported.error().message;
  ASSERT_EQ(imported->added, 84);

  auto scheduler = make_scheduler(config);
  ASSERT_TRUE(scheduler) << scheduler.error().message;

  const Date first = day_of("2023-01-01");
  const Date last = day_of("2023-12-31");
  // 08:00 in Bogotá (UTC-5, no daylight saving) is 13:00 UTC.
  ASSERT_EQ(scheduler->send_instant(first), Instant(first) + std::chrono::hours(13));

  // Walk the year: one pass a day at the send time.
  std::vector<Message> all;
  std::map<Date, DayMessages> by_day;
  std::set<std::string> keys;
  for (Date day = first; day <= last; day += date::days(1)) {
    const Instant now = Instant(day) + std::chrono::hours(13);
    // What the pass should write, worked out whole (the vector form of the
    // same pass) before run_pass streams it into the outbox.
    StorePlanReader plan(store);
    auto last_pass = store.last_pass();
    ASSERT_TRUE(last_pass) << last_pass.error().message;
    auto expected = scheduler->pass(now, *last_pass, plan);
    ASSERT_TRUE(expected) << format_iso_date(day) << ": " << expected.error().message;
    auto pass = run_pass(*scheduler, store, now);
    ASSERT_TRUE(pass) << format_iso_date(day) << ": " << pass.error().message;
    EXPECT_TRUE(pass->skipped.empty()) << format_iso_date(day) << ": a daily walk skips nothing";
    EXPECT_EQ(pass->enqueued, static_cast<int>(expected->messages.size())) << format_iso_date(day);
    EXPECT_EQ(pass->due, static_cast<int>(expected->messages.size())) << format_iso_date(day);
    for (auto& m : expected->messages) {
      EXPECT_EQ(m.day, day) << m.unit_id;
      EXPECT_EQ(m.at, now) << m.unit_id;
      EXPECT_FALSE(m.items.empty()) << format_iso_date(day) << " " << m.unit_id << ": empty digest";
      EXPECT_TRUE(keys.insert(m.key).second) << format_iso_date(day) << " " << m.unit_id << " "
                                             << channel_of(m) << ": key " << m.key << " used twice";
      const std::string id = m.unit_id + " " + channel_of(m);
      EXPECT_FALSE(by_day[day].contains(id))
          << format_iso_date(day) << " " << id << ": two digests";
      by_day[day][id] = encode_all(m);
      all.push_back(std::move(m));
    }
  }

  // The outbox holds exactly what the passes worked out, as worked out.
  auto outbox = store.outbox(std::nullopt, 1'000'000);
  ASSERT_TRUE(outbox) << outbox.error().message;
  ASSERT_EQ(outbox->size(), all.size());
  {
    std::map<std::string, Items> stored;
    for (const auto& entry : *outbox) stored[entry.message.key] = encode_all(entry.message);
    for (const auto& m : all) {
      EXPECT_EQ(stored[m.key], encode_all(m)) << "outbox entry " << m.key << " of " << m.unit_id;
    }
  }

  // 1. The chosen days, exactly.
  const auto cases = chosen_days();
  for (const auto& c : cases) {
    SCOPED_TRACE(c.day);
    const Date day = day_of(c.day);
    compare_day(c, by_day.contains(day) ? by_day.at(day) : DayMessages{});
  }

  // 2. What some items say: deadline and business days left.
  for (const auto& d : kDetails) {
    const Date day = day_of(d.day);
    const MessageItem* found = nullptr;
    for (const auto& m : all) {
      if (m.day != day || m.unit_id != d.unit || m.channel != Channel::kEmail) continue;
      for (const auto& item : m.items) {
        const bool same_cycle = d.cycle[0] == '\0' || item.cycle == d.cycle;
        if (item.kind == d.kind && item.activity == d.activity && same_cycle) found = &item;
      }
    }
    const std::string what = std::string(d.day) + " " + d.unit + " " +
                             std::string(to_string(d.kind)) + " " + d.activity + " " + d.cycle;
    if (found == nullptr) {
      ADD_FAILURE() << what << ": no such item";
      continue;
    }
    EXPECT_EQ(format_iso_date(found->deadline), d.deadline) << what;
    EXPECT_EQ(found->days_left, d.days_left) << what;
  }

  // 3. Every webhook digest mirrors the unit's email digest of that day.
  for (const auto& [day, messages] : by_day) {
    for (const auto& [id, items] : messages) {
      const std::string unit = id.substr(0, id.find(' '));
      const std::string channel = id.substr(id.find(' ') + 1);
      const auto& channels = kChannels.at(unit);
      EXPECT_NE(std::find(channels.begin(), channels.end(), channel), channels.end())
          << format_iso_date(day) << " " << id << ": a channel the unit does not have";
      for (const auto& other : channels) {
        const auto it = messages.find(unit + " " + other);
        EXPECT_TRUE(it != messages.end() && it->second == items)
            << format_iso_date(day) << " " << unit << ": " << channel << " and " << other
            << " differ";
      }
    }
  }

  // 4. Totals per unit and kind over the year.
  size_t expected_messages = 0;
  for (const auto& [unit, channels] : kChannels) {
    const auto it = kTotals.find(unit);
    const Totals want = it == kTotals.end() ? Totals{} : it->second;
    EXPECT_EQ(totals_of(all, unit), want) << unit;
    expected_messages += static_cast<size_t>(want.messages) * channels.size();
  }
  // 314 email + 219 webhook digests (planeacion 77, evaluacion 110,
  // general 16, tic 16 on their webhooks).
  EXPECT_EQ(expected_messages, 533u);
  EXPECT_EQ(all.size(), expected_messages);
  EXPECT_EQ(keys.size(), all.size());

  // 5. Running the whole year again on the same store adds nothing, and so
  // does offering the same messages to the outbox again (keys dedupe).
  for (Date day = first; day <= last; day += date::days(1)) {
    auto pass = run_pass(*scheduler, store, Instant(day) + std::chrono::hours(13));
    ASSERT_TRUE(pass) << format_iso_date(day) << ": " << pass.error().message;
    EXPECT_EQ(pass->enqueued, 0) << format_iso_date(day);
    EXPECT_TRUE(pass->fresh_kinds.empty()) << format_iso_date(day);
  }
  auto again = store.enqueue(all, std::nullopt);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(*again, 0);
  auto after = store.outbox_counts();
  ASSERT_TRUE(after) << after.error().message;
  EXPECT_EQ(static_cast<size_t>(after->pending), all.size());
}

}  // namespace
}  // namespace plazo
