#pragma once
/// \file
/// Message <-> JSON, lossless: the outbox stores each Message as this JSON,
/// and anything that needs a Message back (delivery, `plazo outbox`) reads it
/// with message_from_json(). This is the storage format, versioned with a
/// "version" member; the public webhook body (DESIGN.md) is a different,
/// rendered document built by the notifiers.
///
/// Shape (every member always present but "target"; optionals are null when
/// empty):
///   {"version": 1, "at": "2023-11-23T13:00:00Z", "day": "2023-11-23",
///    "unit_id": "general", "channel": "email", "key": "…",
///    ["target": "planeacion-teams",]   (webhook messages only)
///    "items": [{"kind": "upcoming", "role": "responsible", "activity": "2.1",
///               "title": "…", "deliverable": "…", "deadline": "2023-11-30",
///               "days_left": 5, "progress": 66, "units": ["general"],
///               "cycle": "", "cutoff": null}]}

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "domain/dates.h"
#include "domain/message.h"
#include "domain/result.h"

namespace plazo {

/// The JSON form of `message`. Never throws. Strings are kept as given; use
/// dump_json() to serialize, which replaces invalid UTF-8 instead of throwing.
nlohmann::json message_to_json(const Message& message);

/// dump_json(message_to_json(message)), written directly (no JSON tree):
/// what the outbox stores for every message.
std::string message_json_text(const Message& message);

/// Reads a Message written by message_to_json(). Error (one sentence saying
/// which member is wrong) for anything else; never throws.
Result<Message> message_from_json(const nlohmann::json& json);

/// Parses JSON text and reads the Message in it; never throws. Text exactly
/// as message_json_text() writes it is read directly (read_stored_message);
/// anything else goes through nlohmann and message_from_json().
Result<Message> message_from_json_text(std::string_view text);

/// The Message in `text` when the text is exactly what message_json_text()
/// writes (members in its order, no spaces, only the escapes it uses, valid
/// UTF-8 and values message_from_json() accepts); nullopt otherwise, even
/// for other valid JSON of the same message. What it returns is what
/// message_from_json() would read. The claim of every delivery reads one,
/// and a JSON tree for it cost as much as the claim's queries.
std::optional<Message> read_stored_message(std::string_view text);

/// Compact JSON text; invalid UTF-8 is replaced by U+FFFD, never thrown.
std::string dump_json(const nlohmann::json& json);

/// "2023-11-23T13:00:00Z" (UTC, to the second).
std::string format_utc(Instant instant);

/// Inverse of format_utc: exactly "YYYY-MM-DDTHH:MM:SSZ"; nullopt otherwise.
std::optional<Instant> parse_utc(std::string_view text);

}  // namespace plazo
