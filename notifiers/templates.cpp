#include "notifiers/templates.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <kainjow/mustache.hpp>
#include <map>
#include <mutex>
#include <sstream>
#include <utility>

namespace plazo {
namespace {

namespace mustache = kainjow::mustache;

constexpr std::array<ItemKind, 6> kSectionOrder = {ItemKind::kToday,     ItemKind::kUpcoming,
                                                   ItemKind::kOverdue,   ItemKind::kEscalation,
                                                   ItemKind::kReportDue, ItemKind::kPublishDue};

constexpr std::array<std::string_view, 12> kMonths = {
    "enero", "febrero", "marzo",      "abril",   "mayo",      "junio",
    "julio", "agosto",  "septiembre", "octubre", "noviembre", "diciembre"};

// Activity numbers sort as people read them: 1.2 before 1.10.
bool activity_less(std::string_view a, std::string_view b) {
  while (!a.empty() && !b.empty()) {
    const auto a_end = std::min(a.find('.'), a.size());
    const auto b_end = std::min(b.find('.'), b.size());
    const std::string_view a_part = a.substr(0, a_end);
    const std::string_view b_part = b.substr(0, b_end);
    int a_num = 0;
    int b_num = 0;
    const auto [a_ptr, a_ec] = std::from_chars(a_part.data(), a_part.data() + a_part.size(), a_num);
    const auto [b_ptr, b_ec] = std::from_chars(b_part.data(), b_part.data() + b_part.size(), b_num);
    const bool a_numeric = a_ec == std::errc() && a_ptr == a_part.data() + a_part.size();
    const bool b_numeric = b_ec == std::errc() && b_ptr == b_part.data() + b_part.size();
    if (a_numeric && b_numeric) {
      if (a_num != b_num) return a_num < b_num;
    } else if (a_part != b_part) {
      return a_part < b_part;
    }
    a.remove_prefix(std::min(a_end + 1, a.size()));
    b.remove_prefix(std::min(b_end + 1, b.size()));
  }
  return a.size() < b.size();
}

std::string plural(int count, std::string_view one, std::string_view many) {
  return std::to_string(count) + " " + std::string(count == 1 ? one : many);
}

std::string summary_part(ItemKind kind, int count) {
  switch (kind) {
    case ItemKind::kToday:
      return plural(count, "vence hoy", "vencen hoy");
    case ItemKind::kUpcoming:
      return plural(count, "próxima a vencer", "próximas a vencer");
    case ItemKind::kOverdue:
      return plural(count, "vencida", "vencidas");
    case ItemKind::kEscalation:
      return plural(count, "en escalamiento", "en escalamiento");
    case ItemKind::kReportDue:
      return "reporte de seguimiento";
    case ItemKind::kPublishDue:
      return "publicación del seguimiento";
  }
  return {};
}

// A subject becomes a mail header: a template must not be able to smuggle a
// line break (header injection) or leave the trailing newline of its file.
std::string one_line(std::string_view text) {
  std::string out;
  bool space = false;
  for (const char c : text) {
    if (c == '\r' || c == '\n' || c == '\t' || c == ' ') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
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

std::string unit_name(const std::string& id, const std::vector<Unit>& all_units) {
  for (const auto& unit : all_units) {
    if (unit.id == id) return unit.name.empty() ? id : unit.name;
  }
  return id;
}

// The data tree is built in place: kainjow's data copies whole subtrees
// when made from an object or list, and a message's tree used to be copied
// several times over on its way up (most of a webhook's render time).
using Data = mustache::data;

Data object_node() { return Data(Data::type::object); }
Data list_node() { return Data(Data::type::list); }

// Only non-empty values become keys: kainjow treats "" as true in sections.
void put(Data& object, const std::string& key, const std::string& value) {
  if (!value.empty()) object[key] = Data(value);
}

struct Wording {
  bool business_days = true;
  const std::vector<Unit>* all_units = nullptr;
};

RenderedLine describe(const MessageItem& item, const Wording& wording) {
  RenderedLine line;
  line.lead = join({item.activity, item.title}, " ");
  const std::string when = days_left_phrase(item.days_left, wording.business_days);
  const std::string role(role_label_es(item.role));
  const std::string deadline = "plazo: " + spanish_date(item.deadline) + ", " + when;
  switch (item.kind) {
    case ItemKind::kToday:
    case ItemKind::kUpcoming:
    case ItemKind::kOverdue:
      line.detail = join({item.deliverable.empty() ? "" : "entregable: " + item.deliverable,
                          deadline, role, progress_phrase(item.progress)},
                         " · ");
      break;
    case ItemKind::kEscalation: {
      std::vector<std::string> names;
      for (const auto& id : item.units) names.push_back(unit_name(id, *wording.all_units));
      line.detail = join({deadline, names.empty() ? "" : "unidades: " + join(names, ", "),
                          progress_phrase(item.progress)},
                         " · ");
      break;
    }
    case ItemKind::kReportDue:
      line.detail = role + " · " + progress_phrase(item.progress);
      break;
    case ItemKind::kPublishDue:
      line.lead = item.cycle;
      if (item.cutoff) line.lead += ", corte del " + spanish_date(*item.cutoff);
      line.detail = "publicar a más tardar el " + spanish_date(item.deadline) + ", " + when;
      break;
  }
  return line;
}

// `line` is describe(item, wording), worked out once by the caller.
Data item_data(const MessageItem& item, const RenderedLine& line, const Wording& wording) {
  Data object = object_node();
  put(object, "kind", std::string(to_string(item.kind)));
  put(object, "activity", item.activity);
  put(object, "title", item.title);
  put(object, "deliverable", item.deliverable);
  put(object, "deadline", spanish_date(item.deadline));
  put(object, "deadline_iso", format_iso_date(item.deadline));
  put(object, "days_left", std::to_string(item.days_left));
  put(object, "when", days_left_phrase(item.days_left, wording.business_days));
  put(object, "role", std::string(role_label_es(item.role)));
  put(object, "role_id", std::string(to_string(item.role)));
  put(object, "progress", progress_phrase(item.progress));
  if (item.progress) put(object, "percent", std::to_string(*item.progress));
  if (!item.units.empty()) {
    Data units = list_node();
    std::vector<std::string> names;
    for (const auto& id : item.units) {
      Data unit = object_node();
      put(unit, "id", id);
      put(unit, "name", unit_name(id, *wording.all_units));
      names.push_back(unit_name(id, *wording.all_units));
      units.push_back(unit);
    }
    object["units"] = std::move(units);
    put(object, "units_text", join(names, ", "));
  }
  put(object, "cycle", item.cycle);
  if (item.cutoff) {
    put(object, "cutoff", spanish_date(*item.cutoff));
    put(object, "cutoff_iso", format_iso_date(*item.cutoff));
  }
  put(object, "line", line.detail.empty() ? line.lead : line.lead + " — " + line.detail);
  return object;
}

// kainjow looks a partial ({{>name}}) up among the data and renders any
// string it finds there as a template: {{>title}} would run an activity
// title from the matrix as Mustache, a title that does not parse would leave
// its error in the shared template (blanking every later message), and a
// subject that prints "{{>subject}}" recursed until the stack overflowed.
// plazo's data is text, never a template: a partial renders nothing, like
// any unknown name.
class NoPartialsContext : public mustache::context<std::string> {
 public:
  explicit NoPartialsContext(const mustache::data* data) : mustache::context<std::string>(data) {}
  const mustache::data* get_partial(const std::string& /*name*/) const override { return nullptr; }
};

std::string render_template(mustache::mustache& tmpl, const mustache::data& data) {
  // Parsed and checked at load time; a failure while rendering (none is
  // known for these templates) gives an empty part rather than half a
  // message.
  if (!tmpl.is_valid()) return {};
  NoPartialsContext context(&data);
  std::string out = tmpl.render(context);
  return tmpl.is_valid() ? out : std::string{};
}

Result<std::string> read_text_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{"cannot read template " + path.string()};
  std::ostringstream contents;
  contents << in.rdbuf();
  if (in.bad()) return Error{"cannot read template " + path.string()};
  return contents.str();
}

}  // namespace

std::string_view template_file_name(TemplatePart part) {
  switch (part) {
    case TemplatePart::kSubject:
      return "subject.mustache";
    case TemplatePart::kText:
      return "text.mustache";
    case TemplatePart::kHtml:
      return "html.mustache";
  }
  return "text.mustache";
}

std::string spanish_date(Date day) {
  const date::year_month_day ymd{day};
  return std::to_string(static_cast<unsigned>(ymd.day())) + " de " +
         std::string(kMonths[static_cast<unsigned>(ymd.month()) - 1]) + " de " +
         std::to_string(static_cast<int>(ymd.year()));
}

std::string days_left_phrase(int days_left, bool business_days) {
  if (days_left == 0) return "vence hoy";
  const int days = days_left < 0 ? -days_left : days_left;
  std::string amount = std::to_string(days);
  if (days == 1) {
    amount += business_days ? " día hábil" : " día";
  } else {
    amount += business_days ? " días hábiles" : " días";
  }
  if (days_left < 0) return "vencida hace " + amount;
  return (days == 1 ? "falta " : "faltan ") + amount;
}

std::string progress_phrase(std::optional<int> percent) {
  if (!percent) return "sin avance registrado";
  return "avance " + std::to_string(*percent) + " %";
}

std::string_view section_heading(ItemKind kind) {
  switch (kind) {
    case ItemKind::kToday:
      return "Vencen hoy";
    case ItemKind::kUpcoming:
      return "Próximos vencimientos";
    case ItemKind::kOverdue:
      return "Vencidas";
    case ItemKind::kEscalation:
      return "Escalamiento";
    case ItemKind::kReportDue:
      return "Reporte de seguimiento";
    case ItemKind::kPublishDue:
      return "Publicación del seguimiento";
  }
  return "";
}

// The three templates parsed once (parsing was most of a render's cost).
struct CompiledTemplates {
  CompiledTemplates(const std::string& subject_source, const std::string& text_source,
                    const std::string& html_source)
      : subject(subject_source), text(text_source), html(html_source) {}
  std::mutex mutex;
  mustache::mustache subject;
  mustache::mustache text;
  mustache::mustache html;
};

Renderer::Renderer(std::string subject, std::string text, std::string html, bool business_days)
    : subject_(std::move(subject)),
      text_(std::move(text)),
      html_(std::move(html)),
      business_days_(business_days),
      compiled_(std::make_shared<CompiledTemplates>(subject_, text_, html_)) {}

Result<Renderer> Renderer::load(const Config& config) {
  constexpr std::array<TemplatePart, 3> kParts = {TemplatePart::kSubject, TemplatePart::kText,
                                                  TemplatePart::kHtml};
  std::array<std::string, 3> sources;
  std::array<std::string, 3> origins;
  const std::filesystem::path dir = config.templates.dir;
  if (!dir.empty()) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) {
      return Error{"templates directory " + dir.string() + " does not exist or is not a directory"};
    }
  }
  for (size_t i = 0; i < kParts.size(); ++i) {
    sources[i] = std::string(builtin_template(kParts[i]));
    origins[i] = "built-in " + std::string(template_file_name(kParts[i]));
    if (dir.empty()) continue;
    const auto path = dir / template_file_name(kParts[i]);
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) continue;
    auto contents = read_text_file(path);
    if (!contents) return contents.error();
    sources[i] = std::move(contents.value());
    origins[i] = path.string();
  }
  return compile({std::move(sources[0]), std::move(origins[0])},
                 {std::move(sources[1]), std::move(origins[1])},
                 {std::move(sources[2]), std::move(origins[2])}, config.reminders.business_days);
}

Result<Renderer> Renderer::compile(Source subject, Source text, Source html, bool business_days) {
  for (const Source* source : {&subject, &text, &html}) {
    const mustache::mustache tmpl{source->text};
    if (!tmpl.is_valid()) {
      return Error{"template " + source->origin + " does not parse: " + tmpl.error_message()};
    }
  }
  return Renderer(std::move(subject.text), std::move(text.text), std::move(html.text),
                  business_days);
}

const std::string& Renderer::source(TemplatePart part) const {
  switch (part) {
    case TemplatePart::kSubject:
      return subject_;
    case TemplatePart::kText:
      return text_;
    case TemplatePart::kHtml:
      return html_;
  }
  return text_;
}

RenderedMessage Renderer::render(const Message& message, const Unit& unit,
                                 const std::vector<Unit>& all_units, bool with_html) const {
  const Wording wording{business_days_, &all_units};
  RenderedMessage rendered;

  Data top = object_node();
  Data unit_object = object_node();
  put(unit_object, "id", unit.id);
  put(unit_object, "name", unit.name.empty() ? unit.id : unit.name);
  top["unit"] = std::move(unit_object);
  put(top, "day", spanish_date(message.day));
  put(top, "day_iso", format_iso_date(message.day));
  put(top, "key", message.key);
  put(top, "count", std::to_string(message.items.size()));
  top["business_days"] = Data(business_days_);

  std::vector<std::string> summary;
  Data sections = list_node();
  for (const ItemKind kind : kSectionOrder) {
    std::vector<const MessageItem*> items;
    for (const auto& item : message.items) {
      if (item.kind == kind) items.push_back(&item);
    }
    if (items.empty()) continue;
    std::stable_sort(items.begin(), items.end(), [](const MessageItem* a, const MessageItem* b) {
      if (a->deadline != b->deadline) return a->deadline < b->deadline;
      return activity_less(a->activity, b->activity);
    });
    summary.push_back(summary_part(kind, static_cast<int>(items.size())));

    Data section = object_node();
    put(section, "kind", std::string(to_string(kind)));
    put(section, "heading", std::string(section_heading(kind)));
    put(section, "count", std::to_string(items.size()));
    std::vector<RenderedLine> lines;
    lines.reserve(items.size());
    Data item_list = list_node();
    for (const auto* item : items) {
      lines.push_back(describe(*item, wording));
      item_list.push_back(item_data(*item, lines.back(), wording));
    }
    section["items"] = std::move(item_list);

    if (kind == ItemKind::kReportDue) {
      // One group per cycle cutoff: the unit reports per cut, and a digest
      // may hold two cycles (the PAAC follow-up and a quarterly report).
      std::map<std::pair<Date, std::string>, std::vector<const MessageItem*>> groups;
      for (const auto* item : items) {
        groups[{item->cutoff.value_or(item->deadline), item->cycle}].push_back(item);
      }
      Data cycles = list_node();
      for (auto& [group_key, group_items] : groups) {
        std::stable_sort(group_items.begin(), group_items.end(),
                         [](const MessageItem* a, const MessageItem* b) {
                           return activity_less(a->activity, b->activity);
                         });
        const auto& [cutoff, cycle] = group_key;
        const std::string when = days_left_phrase(group_items.front()->days_left, business_days_);
        Data group = object_node();
        put(group, "cycle", cycle);
        put(group, "cutoff", spanish_date(cutoff));
        put(group, "cutoff_iso", format_iso_date(cutoff));
        put(group, "when", when);
        Data group_list = list_node();
        RenderedSection rendered_section{kind, std::string(section_heading(kind)), {}, {}};
        rendered_section.intro = join({cycle, "corte del " + spanish_date(cutoff)}, ", ") + " (" +
                                 when + "): reporte el avance de estas actividades.";
        for (const auto* item : group_items) {
          rendered_section.lines.push_back(describe(*item, wording));
          group_list.push_back(item_data(*item, rendered_section.lines.back(), wording));
        }
        group["items"] = std::move(group_list);
        cycles.push_back(group);
        rendered.sections.push_back(std::move(rendered_section));
      }
      section["cycles"] = std::move(cycles);
    } else {
      RenderedSection rendered_section{kind, std::string(section_heading(kind)), {}, {}};
      rendered_section.lines = std::move(lines);
      rendered.sections.push_back(std::move(rendered_section));
    }

    // The one copy left: a section is both {{#upcoming}} and an entry of
    // {{#sections}}.
    sections.push_back(section);
    top[std::string(to_string(kind))] = std::move(section);
  }
  top["sections"] = std::move(sections);
  put(top, "summary", join(summary, ", "));

  Data& data = top;
  // kainjow's render() is not const (it may record an error): one render at
  // a time per Renderer and its copies.
  std::lock_guard lock(compiled_->mutex);
  rendered.subject = one_line(render_template(compiled_->subject, data));
  data.set("subject", mustache::data{rendered.subject});
  rendered.text = render_template(compiled_->text, data);
  if (with_html) rendered.html = render_template(compiled_->html, data);
  return rendered;
}

}  // namespace plazo
