#include "importer/matrix.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <unordered_map>

#include "importer/activity_spool.h"
#include "importer/cells.h"
#include "importer/encoding.h"
#include "importer/header.h"
#include "importer/html_text.h"
#include "importer/record_reader.h"
#include "importer/row_aligner.h"
#include "importer/text.h"
#include "importer/unit_resolver.h"

namespace plazo {
namespace {

// Unit names are looked up once per spelling; longer cells are never units.
constexpr size_t kMaxUnitCellBytes = 200;

std::string quote(std::string_view text) {
  constexpr size_t kMaxQuoted = 60;
  std::string shown(text.substr(0, kMaxQuoted));
  if (text.size() > kMaxQuoted) {
    // Do not cut a UTF-8 sequence in half.
    while (!shown.empty() && (static_cast<unsigned char>(shown.back()) & 0xC0) == 0x80) {
      shown.pop_back();
    }
    if (!shown.empty() && static_cast<unsigned char>(shown.back()) >= 0xC0) shown.pop_back();
    shown += "…";
  }
  for (char& c : shown) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return "\"" + shown + "\"";
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const auto& part : parts) {
    if (part.empty()) continue;
    if (!out.empty()) out += separator;
    out += part;
  }
  return out;
}

std::string ordinal_columns(int count) {
  switch (count) {
    case 1:
      return "one column";
    case 2:
      return "two columns";
    case 3:
      return "three columns";
    default:
      return std::to_string(count) + " columns";
  }
}

std::string format_dmy(Date day) {
  return date::format("%d/%m/%Y", day);
}

std::string format_cut(date::month_day cut) {
  return date::format("%d/%m", date::year{2000} / cut);
}

// "3: Mecanismos para…" / "2. Racionalización…" / "5:Transparencia…" -> (3, name).
std::optional<std::pair<int, std::string>> numbered_component(std::string_view cell) {
  if (is_activity_number(cell)) return std::nullopt;
  size_t i = 0;
  int number = 0;
  while (i < cell.size() && i < 3 && cell[i] >= '0' && cell[i] <= '9') {
    number = number * 10 + (cell[i] - '0');
    ++i;
  }
  if (i == 0 || i >= cell.size()) return std::nullopt;
  while (i < cell.size() && cell[i] == ' ') ++i;
  if (i >= cell.size() || (cell[i] != ':' && cell[i] != '.' && cell[i] != ')' && cell[i] != '-')) {
    return std::nullopt;
  }
  ++i;
  const std::string name = clean_cell_text(cell.substr(i));
  if (name.empty() || (name.front() >= '0' && name.front() <= '9')) return std::nullopt;
  return std::make_pair(number, name);
}

int component_of(std::string_view number) {
  int value = 0;
  for (char c : number) {
    if (c == '.') break;
    value = value * 10 + (c - '0');
  }
  return value;
}

// A follow-up cut as read from a row, before the plan's year is known.
struct PendingCut {
  int cut = 0;  // 1-based index into the cutoffs
  std::optional<int> percent;
  std::string note;
};

// Until finish() a spooled activity's component and subcomponent hold the
// COMPONENTE (when it has no component number) and SUBCOMPONENTE cells as
// written, and its history's dates are placeholders: day k after the epoch
// for the k-th cut.
Date cut_placeholder(int cut) {
  return Date{date::days{cut}};
}
int cut_of_placeholder(Date day) {
  return static_cast<int>(day.time_since_epoch().count());
}

// Hashes std::string and std::string_view alike, so lookups need no copy.
struct TextHash {
  using is_transparent = void;
  size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
};

// A follow-up cell in row order.
struct FollowUpCell {
  std::string_view text;
  CellKind kind = CellKind::kEmpty;
};

// What placing components carries from one activity to the next, in file
// order.
struct ComponentPass {
  bool numbered = false;  // some COMPONENTE cell gave a component number
  int current = -1;       // the component of the previous activity
  std::string carried_sub;
  std::string carried_plain;
  // The ends of component names read so far, as the warnings quote them.
  std::map<int, std::string> tails_so_far;
  std::map<int, bool> unnamed_warned;
};

}  // namespace

struct MatrixParser::Impl {
  explicit Impl(ImportOptions opts)
      : options(std::move(opts)),
        resolver(options.units),
        reader([this](int line, std::span<const std::string> cells) { on_record(line, cells); }) {}

  void on_record(int line, std::span<const std::string> cells);
  void on_header(Layout new_layout);
  void on_text_row(int line, std::span<const std::string> cells, size_t non_empty);
  void on_activity_row(int line, std::span<const std::string> cells);

  // The steps of on_activity_row.
  struct PlacedRow;
  void classify(std::span<const std::string> cells);
  void mark_units(int from, int to);
  bool claim_number(int line, const std::string& number);
  void place_cells(int line, const Alignment& alignment, Activity& activity, SpooledRow& row,
                   PlacedRow& placed);
  void place_extra_cells(const Alignment& alignment, PlacedRow& placed);
  void describe_moves(const Alignment& alignment, const std::vector<int>& periods,
                      std::vector<std::pair<int, std::string>>& moves) const;
  void read_row(int line, PlacedRow& placed, ImportedActivity& imported);
  // The cell's units, from the cache or resolved into `scratch`.
  const UnitMatch& resolve_units(std::string_view text, UnitMatch& scratch);
  void read_units(int line, const std::string& number, std::string_view role,
                  const std::vector<std::string_view>& texts, std::vector<std::string>& ids,
                  std::string& written);
  void read_follow_ups(int line, const std::string& number, const std::vector<FollowUpCell>& region,
                       bool in_columns,
                       const std::vector<std::pair<const Column*, std::string_view>>& by_column,
                       std::vector<Progress>& history);
  int cut_of_slot(size_t slot) const;
  void warn(int line, std::string activity, std::string message) {
    warnings.push_back({line, std::move(activity), std::move(message)});
  }
  void keep(const SpooledRow& row);
  // The steps of finish(), once the whole file is read.
  Status end_input();
  Result<MatrixSummary> build(const ActivitySink& sink);
  void warn_about_the_file();
  void place_component(SpooledRow& row, ComponentPass& pass);
  void date_row(ImportedActivity& imported, const std::string& plan, int year);

  ImportOptions options;
  UnitResolver resolver;
  TextDecoder decoder;
  RecordReader reader;
  std::string decoded;  // scratch between decoder and reader
  std::optional<Error> failure;
  int64_t bytes_seen = 0;

  std::optional<Layout> layout;
  std::vector<int> slot_cuts;  // per slot of a paired layout: 1-based cut
  bool expect_subheader = false;
  int first_header_line = 0;
  int last_record_line = 0;
  size_t last_record_cells = 0;

  std::optional<std::string> title_plan;
  std::optional<int> title_year;
  int title_line = 0;

  // The activity rows read so far (see cut_placeholder), packed: held as
  // ImportedActivity values they would take about three times the memory.
  ActivitySpool spool;
  int last_activity_line = 0;
  std::string last_activity_number;
  // The ends of component names broken across a page, by component, as they
  // stand after the rows read so far. They only count if some component
  // turns out to be numbered (see place_component).
  std::map<int, std::string> component_tails;
  std::vector<CellInfo> infos;  // per row, reused
  std::unordered_map<std::string, int, TextHash, std::equal_to<>> first_line_of_number;
  std::map<int, std::pair<std::string, int>> component_names;  // number -> (name, line)
  // Resolutions of cells that name units (or "No aplica"); other cells are
  // mostly unique texts and not worth keeping.
  std::unordered_map<std::string, UnitMatch, TextHash, std::equal_to<>> unit_cache;
  std::vector<ImportWarning> warnings;
};

MatrixParser::MatrixParser(ImportOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}

MatrixParser::~MatrixParser() = default;

void MatrixParser::expect_bytes(uint64_t bytes) {
  // Matrix rows take a few hundred bytes; sizing for the shortest likely
  // rows spares rehashing a growing index. The index is small next to the
  // rows, so overestimating costs little.
  constexpr uint64_t kShortRowBytes = 256;
  constexpr uint64_t kMaxReserved = 4'000'000;
  const auto rows = static_cast<size_t>(std::min(bytes / kShortRowBytes + 16, kMaxReserved));
  impl_->first_line_of_number.reserve(rows);
}

Status MatrixParser::feed(std::string_view bytes) {
  Impl& s = *impl_;
  if (s.failure) return *s.failure;
  s.bytes_seen += static_cast<int64_t>(bytes.size());
  s.decoded.clear();
  Status status = s.decoder.decode(bytes, s.decoded);
  if (status) status = s.reader.add_text(s.decoded);
  if (!status) s.failure = status.error();
  return status;
}

Result<ParsedMatrix> MatrixParser::finish() {
  Impl& s = *impl_;
  if (Status ended = s.end_input(); !ended) return ended.error();
  ParsedMatrix matrix;
  // Exactly as many as there will be: a growing vector would briefly hold
  // every activity twice.
  matrix.activities.reserve(s.spool.size());
  auto summary = s.build([&matrix](ImportedActivity& activity) {
    matrix.activities.push_back(std::move(activity));
    return Status{};
  });
  if (!summary) return summary.error();
  matrix.plan = std::move(summary->plan);
  matrix.year = summary->year;
  matrix.warnings = std::move(summary->warnings);
  return matrix;
}

Result<MatrixSummary> MatrixParser::finish(const ActivitySink& sink) {
  Impl& s = *impl_;
  if (Status ended = s.end_input(); !ended) return ended.error();
  return s.build(sink);
}

Status MatrixParser::Impl::end_input() {
  if (failure) return *failure;
  decoded.clear();
  Status status = decoder.finish(decoded);
  if (status) status = reader.add_text(decoded);
  if (status) status = reader.finish();
  if (!status) failure = status.error();
  return status;
}

// ---------------------------------------------------------------------------
// Records

void MatrixParser::Impl::on_record(int line, std::span<const std::string> cells) {
  size_t non_empty = 0;
  bool has_number = false;
  bool maybe_header = false;
  for (const auto& cell : cells) {
    const std::string_view text = trim_text(cell);
    if (text.empty()) continue;
    ++non_empty;
    if (!has_number && text.size() <= 16 && is_activity_number(text)) has_number = true;
    // Header cells are short; checking for ACTIVIDAD spares folding long rows.
    if (!maybe_header && text.size() <= 40 && text.size() >= 9 && (text[0] | 0x20) == 'a') {
      maybe_header = fold_for_match(text).rfind("actividad", 0) == 0;
    }
  }
  if (non_empty == 0) return;
  last_record_line = line;
  last_record_cells = cells.size();

  if (maybe_header && !has_number) {
    if (auto recognised = recognise_header(line, cells)) {
      on_header(std::move(*recognised));
      return;
    }
  }
  if (expect_subheader) {
    expect_subheader = false;
    if (!has_number && apply_period_subheader(*layout, cells)) return;
  }
  if (!has_number) {
    on_text_row(line, cells, non_empty);
    return;
  }
  if (!layout) {
    warn(line, "", "a row with an activity number comes before any header row, so it was skipped");
    return;
  }
  on_activity_row(line, cells);
}

void MatrixParser::Impl::on_header(Layout new_layout) {
  if (first_header_line == 0) first_header_line = new_layout.line;
  layout = std::move(new_layout);
  expect_subheader = true;
  slot_cuts.clear();
  if (!layout->paired_follow_ups) {
    bool any = false;
    for (const auto& column : layout->columns) any = any || is_follow_up_field(column.field);
    if (any) {
      warn(layout->line, "",
           "the follow-up columns of this header are not pairs of a text and a percentage, so "
           "each row's follow-up cells are read in order and dated by their order");
    }
    return;
  }
  // Months decide only when every slot names one cutoff month, rising.
  bool by_month = !layout->slots.empty();
  const FollowUpSlot* odd = nullptr;
  int previous = 0;
  for (const auto& slot : layout->slots) {
    int cut = 0;
    for (size_t k = 0; k < options.cutoffs.size() && slot.month > 0; ++k) {
      if (static_cast<unsigned>(options.cutoffs[k].month()) == static_cast<unsigned>(slot.month)) {
        cut = static_cast<int>(k) + 1;
      }
    }
    if (cut == 0 || cut <= previous) {
      by_month = false;
      if (odd == nullptr) odd = &slot;
    }
    previous = cut;
    slot_cuts.push_back(cut);
  }
  if (by_month) return;
  // By order; worth a word only when a header named months that do not fit.
  for (size_t s = 0; s < slot_cuts.size(); ++s) slot_cuts[s] = static_cast<int>(s) + 1;
  if (odd == nullptr) return;
  const std::string& name = layout->columns[static_cast<size_t>(odd->text_column)].name;
  if (!mentions_month(name)) return;
  const size_t position = static_cast<size_t>(odd - layout->slots.data());
  const std::string when =
      position < options.cutoffs.size() ? ", " + format_cut(options.cutoffs[position]) : "";
  warn(layout->line, "",
       "the follow-up column " + quote(name) +
           " does not name one cut month in order, so this block's follow-ups are dated by "
           "their order (it is follow-up " +
           std::to_string(position + 1) + when + ")");
}

void MatrixParser::Impl::on_text_row(int line, std::span<const std::string> cells,
                                     size_t non_empty) {
  if (!title_year || !title_plan) {
    std::string text;
    for (const auto& cell : cells) {
      const std::string_view trimmed = trim_text(cell);
      if (!trimmed.empty()) text += std::string(trimmed) + " ";
    }
    const std::string folded = fold_for_match(text);
    if (folded.find("plan") != std::string::npos) {
      if (!title_plan && folded.find("plan anticorrupcion") != std::string::npos) {
        title_plan = "PAAC";
        if (title_line == 0) title_line = line;
      }
      if (!title_year) {
        for (size_t i = 0; i + 4 <= folded.size(); ++i) {
          const bool starts = i == 0 || folded[i - 1] == ' ';
          const bool ends = i + 4 == folded.size() || folded[i + 4] == ' ';
          if (!starts || !ends) continue;
          const std::string_view word = std::string_view(folded).substr(i, 4);
          if ((word.substr(0, 2) == "19" || word.substr(0, 2) == "20") &&
              std::all_of(word.begin(), word.end(), [](char c) { return c >= '0' && c <= '9'; })) {
            title_year = std::stoi(std::string(word));
            if (title_line == 0) title_line = line;
            break;
          }
        }
      }
    }
  }
  // Titles and notes between blocks are one cell; a wider row without a
  // number inside a block is data plazo cannot place.
  if (layout && non_empty >= 2) {
    std::string first;
    for (const auto& cell : cells) {
      if (!trim_text(cell).empty()) {
        first = std::string(trim_text(cell));
        break;
      }
    }
    warn(line, "",
         "a row with no activity number (it starts with " + quote(first) + ") was skipped");
  }
}

const UnitMatch& MatrixParser::Impl::resolve_units(std::string_view text, UnitMatch& scratch) {
  if (auto it = unit_cache.find(text); it != unit_cache.end()) return it->second;
  scratch = resolver.resolve(text);
  if (!scratch.resolved()) return scratch;
  return unit_cache.emplace(std::string(text), std::move(scratch)).first->second;
}

void MatrixParser::Impl::read_units(int line, const std::string& number, std::string_view role,
                                    const std::vector<std::string_view>& texts,
                                    std::vector<std::string>& ids, std::string& written) {
  std::vector<std::string> shown;
  for (std::string_view text : texts) {
    if (text.empty()) continue;
    shown.emplace_back(text);
    UnitMatch scratch;
    if (text.size() > kMaxUnitCellBytes) scratch.unknown.emplace_back(text);
    const UnitMatch& match =
        text.size() <= kMaxUnitCellBytes ? resolve_units(text, scratch) : scratch;
    for (const auto& id : match.unit_ids) {
      if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
    }
    for (const auto& unknown : match.unknown) {
      warn(line, number,
           "the " + std::string(role) + " unit " + quote(unknown) +
               " is not in the config; add it to the aliases of the right unit");
    }
  }
  written = join(shown, " / ");
}

int MatrixParser::Impl::cut_of_slot(size_t slot) const {
  if (slot < slot_cuts.size()) return slot_cuts[slot];
  return static_cast<int>(slot) + 1;
}

void MatrixParser::Impl::read_follow_ups(
    int line, const std::string& number, const std::vector<FollowUpCell>& region, bool in_columns,
    const std::vector<std::pair<const Column*, std::string_view>>& by_column,
    std::vector<Progress>& history) {
  std::vector<PendingCut> cuts;
  if (in_columns) {
    // Paired layout, every cell in its own column.
    std::vector<PendingCut> slots(layout->slots.size());
    for (const auto& [column, text] : by_column) {
      PendingCut& cut = slots[static_cast<size_t>(column->slot)];
      if (column->field == Field::kFollowUpText) {
        cut.note = clean_cell_text(text);
      } else if (!text.empty()) {
        cut.percent = parse_percent(text);
      }
    }
    for (size_t s = 0; s < slots.size(); ++s) {
      if (!slots[s].percent && slots[s].note.empty()) continue;
      slots[s].cut = cut_of_slot(s);
      cuts.push_back(std::move(slots[s]));
    }
  } else {
    // Cells out of their columns, or a block whose follow-up columns are not
    // pairs: each percentage closes a cut and a text goes with the percentage
    // after it ("text, 33%"). Two texts between two percentages are one for
    // each ("33%, text, text, 66%": the first text belongs to 33%), and texts
    // after the last percentage join it when it has none ("33%, text"), else
    // make a cut of their own that has no percentage.
    std::vector<std::string> pending;
    for (const auto& cell : region) {
      if (cell.kind == CellKind::kEmpty) continue;
      if (cell.kind != CellKind::kPercent) {
        pending.push_back(clean_cell_text(cell.text));
        continue;
      }
      if (!cuts.empty() && cuts.back().note.empty() && pending.size() >= 2) {
        cuts.back().note = std::move(pending.front());
        pending.erase(pending.begin());
      }
      PendingCut cut;
      cut.percent = parse_percent(cell.text);
      cut.note = join(pending, "\n");
      pending.clear();
      cuts.push_back(std::move(cut));
    }
    if (!pending.empty()) {
      if (!cuts.empty() && cuts.back().note.empty()) {
        cuts.back().note = join(pending, "\n");
      } else {
        PendingCut cut;
        cut.note = join(pending, "\n");
        cuts.push_back(std::move(cut));
      }
    }
    for (size_t k = 0; k < cuts.size(); ++k) {
      cuts[k].cut = layout->paired_follow_ups ? cut_of_slot(k) : static_cast<int>(k) + 1;
    }
    if (layout->paired_follow_ups && !cuts.empty()) {
      std::vector<std::string> read;
      for (const auto& cut : cuts) {
        const auto index = static_cast<size_t>(cut.cut - 1);
        std::string part = index < options.cutoffs.size() ? format_cut(options.cutoffs[index])
                                                          : "follow-up " + std::to_string(cut.cut);
        part += cut.percent ? " " + std::to_string(*cut.percent) + "%" : " no percentage";
        part += cut.note.empty() ? " without a note" : " with a note";
        read.push_back(std::move(part));
      }
      warn(line, number,
           "the follow-up cells are out of their columns and were read in order as " +
               join(read, ", "));
    }
  }
  for (auto& cut : cuts) {
    const auto index = static_cast<size_t>(cut.cut - 1);
    // Only for warnings: date::format builds a stream each time, which
    // showed in profiles when done for every cut of every row.
    const auto when = [&] {
      return index < options.cutoffs.size()
                 ? "the follow-up of " + format_cut(options.cutoffs[index])
                 : "follow-up " + std::to_string(cut.cut);
    };
    if (index >= options.cutoffs.size()) {
      warn(line, number,
           when() + " has no cut date (a year has " + std::to_string(options.cutoffs.size()) +
               " cuts), so it is not recorded");
      continue;
    }
    if (!cut.percent) {
      warn(line, number,
           when() + " has a note but no percentage, so it is not recorded as progress");
      continue;
    }
    if (*cut.percent > 100) {
      warn(line, number,
           when() + " says " + std::to_string(*cut.percent) + "%, which was taken as 100%");
      cut.percent = 100;
    }
    history.push_back(Progress{cut_placeholder(cut.cut), *cut.percent, std::move(cut.note)});
  }
}

// Where the cells of one row went, beyond the Activity's own fields.
struct MatrixParser::Impl::PlacedRow {
  std::vector<std::string_view> responsible;
  std::vector<std::string_view> co_responsible;
  std::string_view deadline;
  bool has_deadline_column = false;
  // Follow-up cells under their columns, and every follow-up cell (extra
  // ones too) with its cell index, to be read in row order.
  std::vector<std::pair<const Column*, std::string_view>> follow_ups_by_column;
  std::vector<std::pair<int, FollowUpCell>> follow_ups_in_order;
  bool follow_ups_in_columns = true;
  // What was moved or dropped, by cell index, for the warning.
  std::vector<std::pair<int, std::string>> moves;
};

void MatrixParser::Impl::classify(std::span<const std::string> cells) {
  infos.resize(cells.size());
  for (size_t i = 0; i < cells.size(); ++i) {
    infos[i].text = trim_text(cells[i]);
    infos[i].kind = classify_cell(infos[i].text);
  }
}

void MatrixParser::Impl::mark_units(int from, int to) {
  for (int i = std::max(from, 0); i <= to && i < static_cast<int>(infos.size()); ++i) {
    CellInfo& info = infos[static_cast<size_t>(i)];
    if (info.kind != CellKind::kText || info.text.size() > kMaxUnitCellBytes) continue;
    UnitMatch scratch;
    if (resolve_units(info.text, scratch).resolved()) info.kind = CellKind::kUnit;
  }
}

bool MatrixParser::Impl::claim_number(int line, const std::string& number) {
  auto [seen, fresh] = first_line_of_number.try_emplace(number, line);
  if (!fresh) {
    warn(line, number,
         "activity " + number + " appears again (first on line " + std::to_string(seen->second) +
             "); this row was ignored");
  }
  return fresh;
}

void MatrixParser::Impl::on_activity_row(int line, std::span<const std::string> cells) {
  const Layout& lay = *layout;
  classify(cells);
  const auto non_empty = std::count_if(infos.begin(), infos.end(), [](const CellInfo& info) {
    return info.kind != CellKind::kEmpty;
  });
  const auto first_number = std::find_if(infos.begin(), infos.end(), [](const CellInfo& info) {
    return info.kind == CellKind::kNumber;
  });

  if (non_empty == 1) {
    // Only the number: keep the activity so the plan is complete, but there
    // is nothing to remind anyone of.
    const std::string number(first_number->text);
    if (!claim_number(line, number)) return;
    warn(line, number,
         "the row is empty except for its number; the activity is kept with no deadline and "
         "gets no reminders");
    SpooledRow row;
    row.imported.source_line = line;
    row.imported.activity.number = number;
    row.component = component_of(number);
    row.empty = true;
    keep(row);
    return;
  }

  // Unit names are anchors too: first in the unit columns; only when the row
  // does not fit its header, also in the cells around them, where a shifted
  // or extra unit may sit.
  for (const auto& column : lay.columns) {
    if (is_unit_field(column.field)) mark_units(column.index, column.index);
  }
  Alignment alignment = align_row(lay, infos);
  if (alignment.cost > 0) {
    for (const auto& column : lay.columns) {
      if (is_unit_field(column.field)) mark_units(column.index - 1, column.index + 2);
    }
    alignment = align_row(lay, infos);
  }

  const Column* number_column = lay.find(Field::kNumber);
  const int under_number =
      alignment.cell_of_column[static_cast<size_t>(number_column - lay.columns.data())];
  const std::string number(under_number >= 0 && infos[static_cast<size_t>(under_number)].kind ==
                                                    CellKind::kNumber
                               ? infos[static_cast<size_t>(under_number)].text
                               : first_number->text);
  if (!claim_number(line, number)) return;

  SpooledRow row;
  ImportedActivity& imported = row.imported;
  imported.source_line = line;
  imported.activity.number = number;
  row.component = component_of(number);
  PlacedRow placed;
  placed.follow_ups_in_columns = lay.paired_follow_ups;
  place_cells(line, alignment, imported.activity, row, placed);
  place_extra_cells(alignment, placed);
  describe_moves(alignment, imported.activity.periods, placed.moves);
  if (!placed.moves.empty()) {
    std::stable_sort(placed.moves.begin(), placed.moves.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<std::string> parts;
    for (auto& move : placed.moves) parts.push_back(std::move(move.second));
    warn(line, number,
         (alignment.in_place ? std::string() : std::string("realigned the row: ")) +
             join(parts, ", "));
  }
  read_row(line, placed, imported);
  keep(row);
}

void MatrixParser::Impl::keep(const SpooledRow& row) {
  const Activity& activity = row.imported.activity;
  // A COMPONENTE cell without a number next to a filled SUBCOMPONENTE is
  // the end of the component's name; all of it is needed for the first row
  // of the component already, so it is gathered now (place_component).
  if (!activity.component.empty() && !activity.subcomponent.empty()) {
    std::string& tail = component_tails[row.component];
    if (!tail.empty()) tail += ' ';
    tail += activity.component;
  }
  last_activity_line = row.imported.source_line;
  last_activity_number = activity.number;
  spool.append(row);
}

void MatrixParser::Impl::place_cells(int line, const Alignment& alignment, Activity& activity,
                                     SpooledRow& row, PlacedRow& placed) {
  const Layout& lay = *layout;
  const std::string& number = activity.number;
  for (size_t c = 0; c < lay.columns.size(); ++c) {
    const Column& column = lay.columns[c];
    const int cell = alignment.cell_of_column[c];
    if (column.field == Field::kDeadline) placed.has_deadline_column = true;
    if (cell < 0) continue;
    const CellInfo& info = infos[static_cast<size_t>(cell)];
    // The first cell wins when a header names a field twice.
    auto take_text = [&](std::string& field) {
      if (field.empty()) field = clean_cell_text(info.text);
    };
    switch (column.field) {
      case Field::kNumber:
      case Field::kOther:
        break;
      case Field::kComponent:
        if (info.text == number) break;  // the number, repeated in the wrong column
        if (auto numbered = numbered_component(info.text)) {
          auto [it, inserted] =
              component_names.emplace(numbered->first, std::make_pair(numbered->second, line));
          if (!inserted && fold_for_match(it->second.first) != fold_for_match(numbered->second)) {
            warn(line, number,
                 "component " + std::to_string(numbered->first) + " is named " +
                     quote(numbered->second) + " here but " + quote(it->second.first) +
                     " on line " + std::to_string(it->second.second) + "; the first name is kept");
          }
        } else {
          take_text(activity.component);  // placed for good in build()
        }
        break;
      case Field::kSubcomponent:
        if (info.text == number) {
          row.number_in_subcomponent = true;
        } else {
          take_text(activity.subcomponent);
        }
        break;
      case Field::kTitle:
        take_text(activity.title);
        break;
      case Field::kDeliverable:
        take_text(activity.deliverable);
        break;
      case Field::kIndicator:
        take_text(activity.indicator);
        break;
      case Field::kGoal:
        take_text(activity.goal);
        break;
      case Field::kResponsible:
        placed.responsible.push_back(info.text);
        break;
      case Field::kCoResponsible:
        placed.co_responsible.push_back(info.text);
        break;
      case Field::kPeriod:
        if (is_mark(info.text)) {
          activity.periods.push_back(column.period);
        } else if (!info.text.empty()) {
          warn(line, number,
               "the " + column.name + " cell " + quote(info.text) +
                   " is not an X, so it was ignored");
        }
        break;
      case Field::kDeadline:
        if (placed.deadline.empty()) placed.deadline = info.text;
        break;
      case Field::kFollowUpText:
      case Field::kFollowUpPercent: {
        placed.follow_ups_by_column.emplace_back(&column, info.text);
        placed.follow_ups_in_order.push_back({cell, {info.text, info.kind}});
        // A percentage under a text header, or text under a percentage one.
        const bool text_column = column.field == Field::kFollowUpText;
        if ((text_column && info.kind == CellKind::kPercent) ||
            (!text_column && info.kind != CellKind::kEmpty && info.kind != CellKind::kPercent)) {
          placed.follow_ups_in_columns = false;
        }
        break;
      }
      case Field::kUnnamed:
        if (!info.text.empty()) {
          placed.moves.emplace_back(cell, "the cell " + quote(info.text) + " in column " +
                                              std::to_string(cell + 1) +
                                              ", which has no header, was ignored");
        }
        break;
    }
  }
  std::sort(activity.periods.begin(), activity.periods.end());
  activity.periods.erase(std::unique(activity.periods.begin(), activity.periods.end()),
                         activity.periods.end());
}

void MatrixParser::Impl::place_extra_cells(const Alignment& alignment, PlacedRow& placed) {
  const Layout& lay = *layout;
  for (const auto& extra_cell : alignment.extras) {
    const CellInfo& info = infos[static_cast<size_t>(extra_cell.cell)];
    const Field before = extra_cell.after_column >= 0
                             ? lay.columns[static_cast<size_t>(extra_cell.after_column)].field
                             : Field::kUnnamed;
    const auto next = static_cast<size_t>(extra_cell.after_column + 1);
    const Field after = next < lay.columns.size() ? lay.columns[next].field : Field::kUnnamed;
    const std::string where = "column " + std::to_string(extra_cell.cell + 1);
    if (info.kind == CellKind::kEmpty) {
      placed.moves.emplace_back(extra_cell.cell,
                                "an extra empty cell in " + where + " was skipped");
    } else if (info.kind == CellKind::kUnit && is_unit_field(before)) {
      // A third unit spilling out of the two unit columns: the first is
      // responsible, the rest share the work.
      placed.co_responsible.push_back(info.text);
      placed.moves.emplace_back(extra_cell.cell, "the extra unit " + quote(info.text) + " in " +
                                                     where + " was taken as co-responsible");
    } else if (is_follow_up_field(before) || is_follow_up_field(after)) {
      placed.follow_ups_in_order.push_back({extra_cell.cell, {info.text, info.kind}});
      placed.follow_ups_in_columns = false;
    } else {
      placed.moves.emplace_back(
          extra_cell.cell, "the extra cell " + quote(info.text) + " in " + where + " was ignored");
    }
  }
}

void MatrixParser::Impl::describe_moves(const Alignment& alignment, const std::vector<int>& periods,
                                        std::vector<std::pair<int, std::string>>& moves) const {
  if (alignment.in_place) return;
  const Layout& lay = *layout;
  const auto name = [&](size_t k) {
    return lay.columns[k].name.empty() ? std::string("an unnamed column") : lay.columns[k].name;
  };
  // Columns whose cells sat elsewhere, in runs of equal offset.
  size_t c = 0;
  while (c < lay.columns.size()) {
    const int cell = alignment.cell_of_column[c];
    const int offset = cell < 0 ? 0 : cell - lay.columns[c].index;
    if (offset == 0) {
      ++c;
      continue;
    }
    size_t last = c;
    for (size_t k = c + 1; k < lay.columns.size(); ++k) {
      const int next = alignment.cell_of_column[k];
      if (next < 0) continue;
      if (next - lay.columns[k].index != offset) break;
      last = k;
    }
    std::string what = last == c ? name(c) + " sat " : name(c) + " to " + name(last) + " sat ";
    what += ordinal_columns(std::abs(offset)) + (offset < 0 ? " to the left" : " to the right");
    moves.emplace_back(cell, std::move(what));
    c = last + 1;
  }
  // A missing CUATRIMESTRE cell makes the marks ambiguous: say which
  // reading was taken (the aligner keeps marks in their columns as long as
  // it can, so the last period is the one taken as missing).
  const auto missing = std::count_if(
      alignment.missing_columns.begin(), alignment.missing_columns.end(),
      [&](int column) { return lay.columns[static_cast<size_t>(column)].field == Field::kPeriod; });
  if (missing > 0) {
    std::vector<std::string> marked;
    for (int p : periods) marked.push_back(std::to_string(p));
    std::string what = "the row has only " + std::to_string(3 - missing) +
                       " of the 3 CUATRIMESTRE cells, so which cuatrimestre its X marks is a "
                       "guess: ";
    what += marked.empty() ? "none was marked" : "took cuatrimestre " + join(marked, " and ");
    moves.emplace(moves.begin(), -1, std::move(what));
  }
}

void MatrixParser::Impl::read_row(int line, PlacedRow& placed, ImportedActivity& imported) {
  Activity& activity = imported.activity;
  const std::string& number = activity.number;
  read_units(line, number, "responsible", placed.responsible, activity.responsible,
             imported.responsible_text);
  read_units(line, number, "co-responsible", placed.co_responsible, activity.co_responsible,
             imported.co_responsible_text);
  // Unknown names were warned about already; this is for cells saying none.
  UnitMatch scratch;
  if (activity.responsible.empty() && (imported.responsible_text.empty() ||
                                       resolve_units(imported.responsible_text, scratch).none)) {
    warn(line, number, "the row names no responsible unit, so nobody is reminded of it");
  }

  if (!placed.deadline.empty()) {
    activity.deadline = parse_cell_date(placed.deadline);
    if (!activity.deadline) {
      warn(line, number,
           "the deadline " + quote(placed.deadline) +
               " is not a DD/MM/YYYY date, so the activity gets no reminders");
    }
  } else if (placed.has_deadline_column) {
    warn(line, number, "the row has no deadline, so the activity gets no reminders");
  }

  std::sort(placed.follow_ups_in_order.begin(), placed.follow_ups_in_order.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<FollowUpCell> ordered;
  ordered.reserve(placed.follow_ups_in_order.size());
  for (const auto& entry : placed.follow_ups_in_order) ordered.push_back(entry.second);
  read_follow_ups(line, number, ordered, placed.follow_ups_in_columns, placed.follow_ups_by_column,
                  imported.history);
}

// ---------------------------------------------------------------------------
// The whole file

Result<MatrixSummary> MatrixParser::Impl::build(const ActivitySink& sink) {
  if (bytes_seen == 0) return Error{"the file is empty"};
  if (first_header_line == 0) {
    return Error{
        "no header row naming N° and ACTIVIDAD columns was found, so this is not a "
        "plan matrix"};
  }
  if (spool.size() == 0) {
    return Error{"the file ends after the header row on line " + std::to_string(first_header_line) +
                 " without any activity row; it may be cut short"};
  }
  MatrixSummary result;
  if (options.plan) {
    result.plan = *options.plan;
  } else if (title_plan) {
    result.plan = *title_plan;
  } else {
    return Error{"the plan's name is not in the file's title; give it with --plan"};
  }
  if (options.year) {
    result.year = *options.year;
    if (title_year && *title_year != *options.year) {
      warn(title_line, "",
           "the title says " + std::to_string(*title_year) + " but the year given is " +
               std::to_string(*options.year) + "; " + std::to_string(*options.year) + " was used");
    }
  } else if (title_year) {
    result.year = *title_year;
  } else {
    return Error{"the plan's year is not in the file's title; give it with --year"};
  }

  // A file that ends inside a quoted cell or in the middle of an activity's
  // row was cut short (an interrupted download or copy). Importing it would
  // overwrite good activities with the halves of rows and the components a
  // missing row names: refuse it whole instead, before anything is handed
  // over, so the database stays as it was.
  constexpr const char* kCutShort =
      "; the file looks cut short, so nothing was imported (export or copy the whole "
      "matrix again)";
  if (reader.unterminated_quote_line() > 0) {
    return Error{"line " + std::to_string(reader.unterminated_quote_line()) +
                 ": a quoted cell that starts on this line is not closed before the end of the "
                 "file" +
                 kCutShort};
  }
  if (reader.missing_final_newline() && layout &&
      last_record_cells + 1 < layout->columns.size() && last_record_line == last_activity_line) {
    return Error{"line " + std::to_string(last_record_line) + ": the file ends in the middle of "
                 "the row of activity " + last_activity_number + kCutShort};
  }
  warn_about_the_file();
  // Only rows still to come could be duplicates; give the memory back.
  decltype(first_line_of_number)().swap(first_line_of_number);
  // Every row is complete now: finish each and hand it over. The warnings
  // this adds are sorted in with the others below, so handing the rows out
  // one at a time orders them as a pass over all rows per step would.
  ComponentPass pass;
  pass.numbered = !component_names.empty();
  SpooledRow row;
  while (spool.read(row)) {
    place_component(row, pass);
    date_row(row.imported, result.plan, result.year);
    if (Status taken = sink(row.imported); !taken) {
      failure = taken.error();
      return *failure;
    }
    ++result.activities;
  }
  // By line; on one line, what concerns the file comes before the row's own.
  std::stable_sort(warnings.begin(), warnings.end(),
                   [](const ImportWarning& a, const ImportWarning& b) {
                     if (a.line != b.line) return a.line < b.line;
                     return a.activity.empty() && !b.activity.empty();
                   });
  result.warnings = std::move(warnings);
  return result;
}

void MatrixParser::Impl::warn_about_the_file() {
  if (decoder.fallback_bytes() > 0) {
    const int64_t count = decoder.fallback_bytes();
    warn(decoder.first_fallback_line(), "",
         count == 1 ? std::string("1 byte on this line is not valid UTF-8 and was read as "
                                  "Windows-1252")
                    : std::to_string(count) +
                          " bytes from this line on are not valid UTF-8 and were read as "
                          "Windows-1252");
  }
  // A file cut short is refused in build(), before this runs.
}

void MatrixParser::Impl::place_component(SpooledRow& row, ComponentPass& pass) {
  // Components and subcomponents, now that every component name is known.
  // A COMPONENTE cell without a number is the subcomponent when SUBCOMPONENTE
  // is empty, else the end of the component's name broken across a page.
  ImportedActivity& imported = row.imported;
  Activity& activity = imported.activity;
  const int line = imported.source_line;
  const std::string& number = activity.number;
  if (row.component != pass.current) {
    pass.current = row.component;
    pass.carried_sub.clear();
  }
  std::string component_cell = std::move(activity.component);
  std::string sub = std::move(activity.subcomponent);
  activity.component.clear();
  activity.subcomponent.clear();
  if (!component_cell.empty()) {
    if (!pass.numbered) {
      pass.carried_plain = component_cell;
    } else if (sub.empty()) {
      if (row.number_in_subcomponent) {
        warn(line, number,
             "the SUBCOMPONENTE cell repeats the activity number, so " + quote(component_cell) +
                 " in COMPONENTE was taken as the subcomponent");
      }
      sub = std::move(component_cell);
    } else {
      // keep() gathered the whole tail already; the warning quotes the name
      // as far as this row.
      std::string& tail = pass.tails_so_far[row.component];
      if (!tail.empty()) tail += ' ';
      tail += component_cell;
      auto name = component_names.find(row.component);
      const std::string full =
          name == component_names.end() ? tail : name->second.first + " " + tail;
      warn(line, number,
           "the COMPONENTE cell " + quote(component_cell) +
               " has no component number and SUBCOMPONENTE is filled, so it was read as the "
               "end of component " +
               std::to_string(row.component) + "'s name, " + quote(full));
    }
  } else if (row.number_in_subcomponent) {
    warn(line, number, "the SUBCOMPONENTE cell repeats the activity number, so it was ignored");
  }
  if (!row.empty) {
    if (!sub.empty()) pass.carried_sub = std::move(sub);
    activity.subcomponent = pass.carried_sub;
  }
  if (!pass.numbered) {
    activity.component = pass.carried_plain;
    return;
  }
  const int component = row.component;
  if (auto name = component_names.find(component); name != component_names.end()) {
    activity.component = name->second.first;
    if (auto tail = component_tails.find(component); tail != component_tails.end()) {
      activity.component += " " + tail->second;
    }
  } else if (auto tail = component_tails.find(component); tail != component_tails.end()) {
    activity.component = tail->second;
  } else if (!pass.unnamed_warned[component]) {
    pass.unnamed_warned[component] = true;
    warn(line, activity.number,
         "no name was found for component " + std::to_string(component) +
             ", so its activities have no component");
  }
}

void MatrixParser::Impl::date_row(ImportedActivity& imported, const std::string& plan, int year) {
  // Deadlines against the year, follow-ups at their cuts.
  Activity& activity = imported.activity;
  activity.plan = plan;
  activity.year = year;
  if (activity.deadline && year_of(*activity.deadline) != year) {
    warn(imported.source_line, activity.number,
         "the deadline " + format_dmy(*activity.deadline) + " is outside the plan's year " +
             std::to_string(year) + "; it is stored as written");
  }
  auto& history = imported.history;
  for (auto& progress : history) {
    const auto index = static_cast<size_t>(cut_of_placeholder(progress.as_of) - 1);
    progress.as_of = Date{date::year{year} / options.cutoffs[index]};
  }
  std::stable_sort(history.begin(), history.end(),
                   [](const Progress& a, const Progress& b) { return a.as_of < b.as_of; });
  for (size_t k = 1; k < history.size(); ++k) {
    if (history[k].as_of != history[k - 1].as_of) continue;
    warn(imported.source_line, activity.number,
         "two follow-ups fall on " + format_dmy(history[k].as_of) + "; the later one was kept");
    history.erase(history.begin() + static_cast<std::ptrdiff_t>(k - 1));
    --k;
  }
  if (!history.empty()) activity.progress = history.back();
}

Result<ParsedMatrix> parse_matrix(std::string_view bytes, const ImportOptions& options) {
  MatrixParser parser(options);
  parser.expect_bytes(bytes.size());
  // Chunks keep the decoder's scratch buffer small for large inputs.
  constexpr size_t kChunk = 1 << 20;
  for (size_t offset = 0; offset < bytes.size(); offset += kChunk) {
    if (Status status = parser.feed(bytes.substr(offset, kChunk)); !status) return status.error();
  }
  return parser.finish();
}

namespace {

// Feeds the file at `path` to `parser` in chunks.
Status feed_file(const std::string& path, MatrixParser& parser) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{"cannot read " + path + ": " + std::strerror(errno)};
  std::error_code size_error;
  const auto size = std::filesystem::file_size(path, size_error);
  if (!size_error) parser.expect_bytes(size);
  std::string buffer(1 << 18, '\0');
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const auto got = static_cast<size_t>(in.gcount());
    if (got == 0) break;
    if (Status status = parser.feed(std::string_view(buffer.data(), got)); !status) {
      return status.error();
    }
  }
  if (in.bad()) return Error{"cannot read " + path + ": " + std::strerror(errno)};
  return {};
}

}  // namespace

Result<ParsedMatrix> parse_matrix_file(const std::string& path, const ImportOptions& options) {
  MatrixParser parser(options);
  if (Status fed = feed_file(path, parser); !fed) return fed.error();
  return parser.finish();
}

Result<MatrixSummary> parse_matrix_file(const std::string& path, const ImportOptions& options,
                                        const ActivitySink& sink) {
  MatrixParser parser(options);
  if (Status fed = feed_file(path, parser); !fed) return fed.error();
  return parser.finish(sink);
}

}  // namespace plazo
