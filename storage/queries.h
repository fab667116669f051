#pragma once
/// \file
/// The SQL of the scheduling queries, shared by SqliteStore and its tests
/// (which run EXPLAIN QUERY PLAN on exactly this text to prove the partial
/// indexes are used). Internal to storage/: not part of the Store contract.
/// Every value is a bound parameter; lists arrive as one JSON array read with
/// json_each().
///
/// The scheduling queries name their partial index with INDEXED BY: SQLite
/// then refuses to prepare them ("no query solution") rather than silently
/// fall back to a scan of every activity if a schema change broke the index.

namespace plazo::sql {

// The columns every activity query returns, in the order SqliteStore reads
// them ("a" is activities, "p" its plan).
#define PLAZO_ACTIVITY_COLUMNS                                                                   \
  "SELECT a.id, p.name, p.year, a.number, a.component, a.subcomponent, a.title, a.deliverable, " \
  "a.indicator, a.goal, a.periods, a.deadline, a.progress_percent, a.progress_as_of, "           \
  "a.progress_note "

/// Every deadline of open activities, with how many have it. No parameters.
/// Read from the summary the triggers of schema step 3 keep.
inline constexpr const char* kOpenDeadlines =
    "SELECT deadline, open_count FROM open_deadlines ORDER BY deadline";

/// Open activities whose deadline is in ?1 (JSON array of 'YYYY-MM-DD').
/// CROSS JOIN makes the few requested days the outer loop, so each is one
/// index lookup.
inline constexpr const char* kOpenActivitiesDue = PLAZO_ACTIVITY_COLUMNS
    "FROM (SELECT DISTINCT value AS day FROM json_each(?1)) d "
    "CROSS JOIN activities a INDEXED BY activities_open_by_deadline "
    "JOIN plans p ON p.id = a.plan_id "
    "WHERE a.deadline = d.day AND a.done = 0 "
    "ORDER BY a.deadline, p.name, p.year, a.sort_key";

/// Open activities of plans of year ?1; when ?2 (JSON array of activity
/// numbers) is not NULL, only those numbers.
inline constexpr const char* kOpenActivitiesOfYear = PLAZO_ACTIVITY_COLUMNS
    "FROM plans p CROSS JOIN activities a INDEXED BY activities_open_by_plan "
    "ON a.plan_id = p.id "
    "WHERE p.year = ?1 AND a.done = 0 "
    "AND (?2 IS NULL OR a.number IN (SELECT value FROM json_each(?2))) "
    "ORDER BY p.name, a.sort_key";

/// Activities filtered by plan name ?1, year ?2 and unit id ?3 (each NULL =
/// any), in natural order.
inline constexpr const char* kActivities = PLAZO_ACTIVITY_COLUMNS
    "FROM activities a JOIN plans p ON p.id = a.plan_id "
    "WHERE (?1 IS NULL OR p.name = ?1) AND (?2 IS NULL OR p.year = ?2) "
    "AND (?3 IS NULL OR EXISTS (SELECT 1 FROM activity_units u "
    "WHERE u.activity_id = a.id AND u.unit_id = ?3)) "
    "ORDER BY p.name, p.year, a.sort_key";

#undef PLAZO_ACTIVITY_COLUMNS

}  // namespace plazo::sql
