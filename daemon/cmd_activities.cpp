// plazo activities [--unit U] [--plan NAME] [--year Y] [--format table|json|csv]

#include <algorithm>
#include <charconv>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "daemon/cli.h"
#include "daemon/command_support.h"
#include "domain/model.h"

namespace plazo {
namespace {

enum class Format { kTable, kJson, kCsv };

constexpr size_t kTableWidth = 100;

using UnitNames = std::map<std::string, std::string>;

// -- JSON (DESIGN.md contract: keys in this order) ------------------------------

nlohmann::ordered_json units_json(const std::vector<std::string>& ids, const UnitNames& names) {
  auto list = nlohmann::ordered_json::array();
  for (const auto& id : ids) {
    auto name = names.find(id);
    list.push_back({{"id", id}, {"name", name != names.end() ? name->second : id}});
  }
  return list;
}

std::string to_json(const std::vector<Activity>& activities, const UnitNames& names) {
  auto list = nlohmann::ordered_json::array();
  for (const auto& a : activities) {
    nlohmann::ordered_json item;
    item["id"] = a.number;
    item["plan"] = a.plan;
    item["year"] = a.year;
    item["component"] = a.component;
    item["subcomponent"] = a.subcomponent;
    item["title"] = a.title;
    item["deliverable"] = a.deliverable;
    item["indicator"] = a.indicator;
    item["goal"] = a.goal;
    item["deadline"] = a.deadline ? nlohmann::ordered_json(format_iso_date(*a.deadline))
                                  : nlohmann::ordered_json(nullptr);
    item["responsible"] = units_json(a.responsible, names);
    item["co_responsible"] = units_json(a.co_responsible, names);
    item["periods"] = a.periods;
    if (a.progress) {
      item["progress"] = {{"percent", a.progress->percent},
                          {"as_of", format_iso_date(a.progress->as_of)}};
    } else {
      item["progress"] = nullptr;
    }
    list.push_back(std::move(item));
  }
  // Matrix cells are not always valid UTF-8; replace rather than throw.
  return list.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

// -- CSV (RFC 4180) ------------------------------------------------------------

std::string csv_field(const std::string& value) {
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string quoted = "\"";
  for (char c : value) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

template <typename T>
std::string join(const std::vector<T>& values, std::string_view separator) {
  std::string text;
  for (const auto& value : values) {
    if (!text.empty()) text += separator;
    if constexpr (std::is_same_v<T, std::string>) {
      text += value;
    } else {
      text += std::to_string(value);
    }
  }
  return text;
}

std::string to_csv(const std::vector<Activity>& activities) {
  std::string out =
      "id,plan,year,component,subcomponent,title,deliverable,indicator,goal,deadline,"
      "responsible,co_responsible,periods,progress_percent,progress_as_of\r\n";
  for (const auto& a : activities) {
    const std::vector<std::string> fields = {
        a.number,
        a.plan,
        std::to_string(a.year),
        a.component,
        a.subcomponent,
        a.title,
        a.deliverable,
        a.indicator,
        a.goal,
        a.deadline ? format_iso_date(*a.deadline) : "",
        join(a.responsible, "; "),
        join(a.co_responsible, "; "),
        join(a.periods, "; "),
        a.progress ? std::to_string(a.progress->percent) : "",
        a.progress ? format_iso_date(a.progress->as_of) : "",
    };
    for (size_t i = 0; i < fields.size(); ++i) {
      if (i > 0) out += ',';
      out += csv_field(fields[i]);
    }
    out += "\r\n";
  }
  return out;
}

// -- Table ---------------------------------------------------------------------

// Terminal columns of UTF-8 text, counted as code points: accented Spanish
// letters are one column, and CJK or combining marks do not occur here.
size_t display_width(std::string_view text) {
  return static_cast<size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

// At most `width` columns; cut text ends with "…". Never splits a code point.
std::string fit(std::string_view text, size_t width) {
  if (display_width(text) <= width) return std::string(text);
  if (width == 0) return {};
  size_t columns = 0;
  size_t end = 0;
  while (end < text.size()) {
    if ((text[end] & 0xC0) != 0x80) {
      if (columns == width - 1) break;
      ++columns;
    }
    ++end;
  }
  return std::string(text.substr(0, end)) + "…";
}

std::string pad_right(const std::string& text, size_t width) {
  const size_t used = display_width(text);
  return used >= width ? text : text + std::string(width - used, ' ');
}

std::string pad_left(const std::string& text, size_t width) {
  const size_t used = display_width(text);
  return used >= width ? text : std::string(width - used, ' ') + text;
}

// Cells may hold line breaks and tabs from the matrix; a table row is one line.
std::string one_line(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return text;
}

std::string to_table(const std::vector<Activity>& activities) {
  if (activities.empty()) return "No activities found.\n";
  constexpr size_t kMaxUnitsWidth = 24;
  constexpr std::string_view kGap = "  ";

  std::set<std::string> plans;
  for (const auto& a : activities) plans.insert(plan_label(a.plan, a.year));
  const bool show_plan = plans.size() > 1;

  struct Row {
    std::string plan, number, deadline, progress, units, title;
  };
  std::vector<Row> rows;
  Row header{"PLAN", "N°", "DEADLINE", "PROGRESS", "RESPONSIBLE", "TITLE"};
  size_t plan_width = display_width(header.plan);
  size_t number_width = display_width(header.number);
  size_t units_width = display_width(header.units);
  for (const auto& a : activities) {
    Row row{plan_label(a.plan, a.year),
            one_line(a.number),
            a.deadline ? format_iso_date(*a.deadline) : "-",
            a.progress ? std::to_string(a.progress->percent) + "%" : "-",
            fit(join(a.responsible, ","), kMaxUnitsWidth),
            one_line(a.title)};
    plan_width = std::max(plan_width, display_width(row.plan));
    number_width = std::max(number_width, display_width(row.number));
    units_width = std::max(units_width, display_width(row.units));
    rows.push_back(std::move(row));
  }
  constexpr size_t kDeadlineWidth = 10;
  const size_t progress_width = display_width(header.progress);
  size_t used = number_width + kDeadlineWidth + progress_width + units_width + 4 * kGap.size();
  if (show_plan) used += plan_width + kGap.size();
  // The title takes what is left of the 100 columns, but never vanishes.
  const size_t title_width = used + 20 <= kTableWidth ? kTableWidth - used : 20;

  std::string out;
  auto add = [&](const Row& row) {
    std::string line;
    if (show_plan) line += pad_right(row.plan, plan_width) + std::string(kGap);
    line += pad_right(row.number, number_width) + std::string(kGap);
    line += pad_right(row.deadline, kDeadlineWidth) + std::string(kGap);
    line += pad_left(row.progress, progress_width) + std::string(kGap);
    line += pad_right(row.units, units_width) + std::string(kGap);
    line += fit(row.title, title_width);
    out += line + "\n";
  };
  add(header);
  for (const auto& row : rows) add(row);
  return out;
}

}  // namespace

int cmd_activities(const CommandContext& ctx) {
  if (!ctx.line.positional.empty()) {
    ctx.err << "plazo: activities takes no arguments (got \"" << ctx.line.positional.front()
            << "\"); see plazo --help.\n";
    return kExitUsage;
  }
  Format format = Format::kTable;
  if (auto text = ctx.line.get("--format")) {
    if (*text == "table") {
      format = Format::kTable;
    } else if (*text == "json") {
      format = Format::kJson;
    } else if (*text == "csv") {
      format = Format::kCsv;
    } else {
      ctx.err << "plazo: unknown format \"" << *text << "\" (use table, json or csv).\n";
      return kExitUsage;
    }
  }
  ActivityFilter filter;
  filter.plan = ctx.line.get("--plan");
  if (auto text = ctx.line.get("--year")) {
    int year = 0;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), year);
    if (ec != std::errc() || end != text->data() + text->size()) {
      ctx.err << "plazo: --year must be a year like 2023 (got \"" << *text << "\").\n";
      return kExitUsage;
    }
    filter.year = year;
  }

  int exit_code = kExitOk;
  auto app = open_app(ctx, exit_code);
  if (!app) return exit_code;

  auto units = app->store->units();
  if (!units) {
    ctx.err << "plazo: " << units.error().message << "\n";
    return kExitIoError;
  }
  UnitNames names;
  for (const auto& unit : *units) names[unit.id] = unit.name;
  if (auto unit = ctx.line.get("--unit")) {
    if (names.count(*unit) == 0) {
      std::string known;
      for (const auto& configured : app->config.units) {
        known += (known.empty() ? "" : ", ") + configured.id;
      }
      ctx.err << "plazo: unknown unit \"" << *unit
              << "\" (configured units: " << (known.empty() ? "none" : known) << ").\n";
      return kExitUsage;
    }
    filter.unit = *unit;
  }

  auto activities = app->store->activities(filter);
  if (!activities) {
    ctx.err << "plazo: " << activities.error().message << "\n";
    return kExitIoError;
  }
  switch (format) {
    case Format::kJson:
      ctx.out << to_json(*activities, names);
      break;
    case Format::kCsv:
      ctx.out << to_csv(*activities);
      break;
    case Format::kTable:
      ctx.out << to_table(*activities);
      break;
  }
  return kExitOk;
}

}  // namespace plazo
