#pragma once
/// \file
/// The small text formats a plazo config uses inside TOML strings: ids, times
/// of day, durations, month-days, email addresses, URLs and listen addresses,
/// plus the "did you mean" search used in error hints. Pure functions: no I/O,
/// no TOML, no allocation beyond their results. The loader (loader.cpp) turns
/// a nullopt or an Error from here into a ConfigError with a position.

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "domain/dates.h"
#include "domain/result.h"

namespace plazo {

/// True for a unit or webhook id: one or more of a-z, 0-9, '-', '_'.
bool is_slug(std::string_view text);

/// Parses "HH:MM" (hour 0..23, one or two digits; minutes two digits) into
/// minutes since midnight. nullopt if malformed.
std::optional<std::chrono::minutes> parse_time_of_day(std::string_view text);

/// Parses a duration written as numbers with units in decreasing order, each
/// unit at most once: "2d", "12h", "30m", "90s", "1h30m", "1d2h3m4s".
/// nullopt if malformed or absurdly large (more than 100 years).
std::optional<std::chrono::seconds> parse_duration(std::string_view text);

/// The shortest text parse_duration reads back as `duration`: "12h", "1h30m",
/// "0s".
std::string format_duration(std::chrono::seconds duration);

/// Parses "MM-DD" (two digits each) into a month and day that exist in some
/// year; "02-29" is accepted. nullopt otherwise.
std::optional<date::month_day> parse_month_day(std::string_view text);

/// True for an address "local@domain" plazo can put in an SMTP envelope: a
/// dot-atom local part (RFC 5322 atext, dots not leading, trailing or doubled)
/// and a domain of letter/digit/hyphen labels. ASCII only; no display name.
bool is_email_address(std::string_view text);

/// The address of an RFC 5322 mailbox written as "Name <addr>",
/// "\"Name\" <addr>" or a bare "addr". Error saying what is wrong when the
/// display name or the address is malformed.
Result<std::string> mailbox_address(std::string_view mailbox);

/// A URL split the way plazo needs it; no percent-decoding is done.
struct UrlParts {
  std::string scheme;  ///< lowercase, e.g. "smtp", "https"
  std::string host;    ///< host name, IPv4 literal, or IPv6 literal without brackets
  int port = 0;        ///< 0 when the URL has none
  std::string rest;    ///< path, query and fragment as written ("" or starting with '/', '?', '#')
};

/// Parses "scheme://host[:port][/path][?query]". Userinfo ("user@") is
/// refused: credentials belong in username / password_file. Error says what
/// is wrong.
Result<UrlParts> parse_url(std::string_view text);

/// True when `host` (as in UrlParts::host) is localhost or a loopback literal.
bool is_loopback_host(std::string_view host);

/// The [health] listen address: an IPv4 literal or a bracketed IPv6 literal,
/// and a port 1..65535.
struct ListenAddress {
  std::string host;  ///< without brackets
  unsigned short port = 0;
};

/// Parses "127.0.0.1:9464" or "[::1]:9464". Host names are refused because
/// the endpoint binds without resolving. Error says what is wrong.
Result<ListenAddress> parse_listen_address(std::string_view text);

/// Optimal-string-alignment distance between two strings (insertions,
/// deletions, substitutions and adjacent transpositions each cost 1),
/// compared byte by byte.
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate closest to `word` (ignoring ASCII case) if it is close enough
/// to be a likely typo: at most max(1, size/3) edits, and fewer edits than
/// the longer of the two has letters; or when one starts with the other and
/// the shorter has 3+ letters ("warning" for "warn"). The first of equally
/// close candidates wins. nullopt when nothing is close.
std::optional<std::string_view> closest_match(std::string_view word,
                                              std::span<const std::string_view> candidates);

}  // namespace plazo
