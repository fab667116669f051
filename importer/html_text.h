#pragma once
/// \file
/// Plain text from the HTML that follow-up tools paste into matrix cells.

#include <string>
#include <string_view>

namespace plazo {

/// The plain text of a cell that may hold HTML:
/// - tags are removed; `<p>`, `<br>`, `<li>`, `<div>`, `<ul>`, `<ol>`, `<tr>`
///   and headings end a line;
/// - `<a href="U">T</a>` becomes "T (U)"; just "U" when T is U or empty;
///   just T when U is "mailto:" followed by T;
/// - character references are decoded (`&amp;`, `&nbsp;`, `&aacute;`,
///   `&#243;`, `&#xF3;`, ...); unknown ones are kept as written;
/// - `<script>`/`<style>` contents and comments are dropped;
/// - each line is trimmed, runs of spaces become one, empty lines go.
/// A '<' that does not open a tag ("a < b") is kept.
std::string html_to_text(std::string_view html);

/// Whether `text` looks like it holds HTML (a tag or a character reference),
/// i.e. whether html_to_text() would change more than whitespace.
bool looks_like_html(std::string_view text);

/// The text of a matrix cell as plazo stores it: HTML turned into plain text
/// when the cell holds any, else the cell with line ends normalised to "\n"
/// and leading and trailing whitespace removed.
std::string clean_cell_text(std::string_view cell);

}  // namespace plazo
