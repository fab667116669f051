#include "notifiers/templates.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <kainjow/mustache.hpp>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <utility>

#include "domain/model.h"

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

// kainjow's push_back copies its argument, subtree and all: a list grows by
// an empty object that is then filled in place.
Data& append_object(Data& list) {
  list.push_back(object_node());
  // list_value() is the only access kainjow gives to a list's elements; the
  // list is ours and not const.
  return const_cast<Data&>(list.list_value().back());
}

// The names the templates can look up. A key that no template names cannot
// change what they render, so the data tree leaves it out: building the
// tree was half of a render, and the default text template names about
// half of the keys (no `sections`, the deep copy of every section).
class Names {
 public:
  // Every segment of every tag's name ("unit.name": "unit" and "name").
  // A template that changes its delimiters ({{=<% %>=}}) is not read here:
  // then every key is built.
  void add_template(std::string_view source) {
    if (all_) return;
    size_t at = 0;
    while ((at = source.find("{{", at)) != std::string_view::npos) {
      at += 2;
      const size_t end = source.find("}}", at);
      if (end == std::string_view::npos) return;
      std::string_view tag = trim(source.substr(at, end - at));
      at = end + 2;
      if (!tag.empty() && tag.front() == '=') {
        all_ = true;
        return;
      }
      if (!tag.empty() && std::string_view("#^/&{>!").find(tag.front()) != std::string_view::npos) {
        tag.remove_prefix(1);
      }
      while (!tag.empty()) {
        const size_t dot = std::min(tag.find('.'), tag.size());
        names_.emplace(trim(tag.substr(0, dot)));
        tag.remove_prefix(std::min(dot + 1, tag.size()));
      }
    }
  }
  bool has(std::string_view name) const { return all_ || names_.contains(name); }

 private:
  static std::string_view trim(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
      text.remove_prefix(1);
    }
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
      text.remove_suffix(1);
    }
    return text;
  }

  bool all_ = false;
  std::set<std::string, std::less<>> names_;
};

// Only non-empty values become keys: kainjow treats "" as true in sections.
// The value is worked out only when a template names the key.
template <typename MakeValue>
void put(Data& object, const Names& names, const char* key, MakeValue&& make_value) {
  if (!names.has(key)) return;
  std::string value = std::forward<MakeValue>(make_value)();
  if (!value.empty()) object[key] = Data(std::move(value));
}

struct Wording {
  bool business_days = true;
  const std::vector<Unit>* all_units = nullptr;
  const Names* names = nullptr;  // what the templates being rendered name
  // The message holds items of more than one plan: each line names its
  // plan, or two plans' "1.1" would read the same.
  bool several_plans = false;
};

// "PAAC 2023"; empty for an item of no activity (publish_due).
std::string plan_of(const MessageItem& item) {
  return item.plan.empty() ? std::string() : plan_label(item.plan, item.plan_year);
}

bool several_plans(const Message& message) {
  const MessageItem* first = nullptr;
  for (const auto& item : message.items) {
    if (item.plan.empty()) continue;
    if (first == nullptr) {
      first = &item;
    } else if (item.plan != first->plan || item.plan_year != first->plan_year) {
      return true;
    }
  }
  return false;
}

RenderedLine describe(const MessageItem& item, const Wording& wording) {
  RenderedLine line;
  line.lead = join({item.activity, item.title}, " ");
  if (wording.several_plans && !item.plan.empty()) line.lead += " (" + plan_of(item) + ")";
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

// Fills an item's object. `line` is describe(item, wording), worked out
// once by the caller.
void fill_item(Data& object, const MessageItem& item, const RenderedLine& line,
               const Wording& wording) {
  const Names& names = *wording.names;
  put(object, names, "kind", [&] { return std::string(to_string(item.kind)); });
  put(object, names, "activity", [&] { return item.activity; });
  put(object, names, "plan", [&] { return plan_of(item); });
  put(object, names, "title", [&] { return item.title; });
  put(object, names, "deliverable", [&] { return item.deliverable; });
  put(object, names, "deadline", [&] { return spanish_date(item.deadline); });
  put(object, names, "deadline_iso", [&] { return format_iso_date(item.deadline); });
  put(object, names, "days_left", [&] { return std::to_string(item.days_left); });
  put(object, names, "when",
      [&] { return days_left_phrase(item.days_left, wording.business_days); });
  put(object, names, "role", [&] { return std::string(role_label_es(item.role)); });
  put(object, names, "role_id", [&] { return std::string(to_string(item.role)); });
  put(object, names, "progress", [&] { return progress_phrase(item.progress); });
  put(object, names, "percent",
      [&] { return item.progress ? std::to_string(*item.progress) : std::string(); });
  if (!item.evidence.empty() && names.has("evidence")) {
    Data& evidence = object["evidence"];
    evidence = list_node();
    for (const auto& url : item.evidence) {
      Data& link = append_object(evidence);
      put(link, names, "url", [&] { return url; });
    }
  }
  if (!item.units.empty() && names.has("units")) {
    Data& units = object["units"];
    units = list_node();
    for (const auto& id : item.units) {
      Data& unit = append_object(units);
      put(unit, names, "id", [&] { return id; });
      put(unit, names, "name", [&] { return unit_name(id, *wording.all_units); });
    }
  }
  put(object, names, "units_text", [&] {
    std::vector<std::string> unit_names;
    for (const auto& id : item.units) unit_names.push_back(unit_name(id, *wording.all_units));
    return join(unit_names, ", ");
  });
  put(object, names, "cycle", [&] { return item.cycle; });
  put(object, names, "cutoff",
      [&] { return item.cutoff ? spanish_date(*item.cutoff) : std::string(); });
  put(object, names, "cutoff_iso",
      [&] { return item.cutoff ? format_iso_date(*item.cutoff) : std::string(); });
  put(object, names, "line",
      [&] { return line.detail.empty() ? line.lead : line.lead + " — " + line.detail; });
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
      : subject(subject_source), text(text_source), html(html_source) {
    for (Names* names : {&without_html, &every_part}) {
      names->add_template(subject_source);
      names->add_template(text_source);
    }
    every_part.add_template(html_source);
  }
  std::mutex mutex;
  mustache::mustache subject;
  mustache::mustache text;
  mustache::mustache html;
  Names without_html;  // what the subject and text templates name
  Names every_part;    // and the HTML template
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
  const Names& names = with_html ? compiled_->every_part : compiled_->without_html;
  const Wording wording{business_days_, &all_units, &names, several_plans(message)};
  RenderedMessage rendered;

  Data top = object_node();
  Data unit_object = object_node();
  put(unit_object, names, "id", [&] { return unit.id; });
  put(unit_object, names, "name", [&] { return unit.name.empty() ? unit.id : unit.name; });
  top["unit"] = std::move(unit_object);
  put(top, names, "day", [&] { return spanish_date(message.day); });
  put(top, names, "day_iso", [&] { return format_iso_date(message.day); });
  put(top, names, "key", [&] { return message.key; });
  put(top, names, "count", [&] { return std::to_string(message.items.size()); });
  top["business_days"] = Data(business_days_);
  if (wording.several_plans && names.has("several_plans")) top["several_plans"] = Data(true);

  std::vector<std::string> summary;
  const bool listed = names.has("sections");
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

    // The section's data, when a template names it: as {{#upcoming}}, as an
    // entry of {{#sections}}, or both (then copied once at the end).
    const std::string kind_name(to_string(kind));
    const bool named = names.has(kind_name);
    Data unlisted = object_node();
    Data* section = nullptr;
    if (listed || named) {
      section = listed ? &append_object(sections) : &unlisted;
      put(*section, names, "kind", [&] { return kind_name; });
      put(*section, names, "heading", [&] { return std::string(section_heading(kind)); });
      put(*section, names, "count", [&] { return std::to_string(items.size()); });
    }
    // Fills `list` (when there is a section) with the items' objects, and
    // `lines` with their lines.
    const auto add_items = [&](Data* list, const std::vector<const MessageItem*>& of,
                               std::vector<RenderedLine>& lines) {
      lines.reserve(of.size());
      for (const auto* item : of) {
        lines.push_back(describe(*item, wording));
        if (list != nullptr) fill_item(append_object(*list), *item, lines.back(), wording);
      }
    };
    // A fresh list under `key` in `object`; nullptr when there is no object
    // or no template names the key.
    const auto new_list = [&names](Data* object, const char* key) -> Data* {
      if (object == nullptr || !names.has(key)) return nullptr;
      Data& list = (*object)[key];
      list = list_node();
      return &list;
    };

    if (kind == ItemKind::kReportDue) {
      // One group per cycle cutoff: the unit reports per cut, and a digest
      // may hold two cycles (the PAAC follow-up and a quarterly report).
      // {{#items}} holds them all, {{#cycles}} each group's.
      if (Data* all = new_list(section, "items"); all != nullptr) {
        std::vector<RenderedLine> unused;  // the sections' lines come from the groups
        add_items(all, items, unused);
      }
      std::map<std::pair<Date, std::string>, std::vector<const MessageItem*>> groups;
      for (const auto* item : items) {
        groups[{item->cutoff.value_or(item->deadline), item->cycle}].push_back(item);
      }
      Data* cycles = new_list(section, "cycles");
      for (auto& [group_key, group_items] : groups) {
        std::stable_sort(group_items.begin(), group_items.end(),
                         [](const MessageItem* a, const MessageItem* b) {
                           return activity_less(a->activity, b->activity);
                         });
        // Named copies, not a structured binding: lambdas below capture them
        // (clang before 16 cannot capture a binding).
        const Date cutoff = group_key.first;
        const std::string& cycle = group_key.second;
        const std::string when = days_left_phrase(group_items.front()->days_left, business_days_);
        Data* group = cycles != nullptr ? &append_object(*cycles) : nullptr;
        if (group != nullptr) {
          put(*group, names, "cycle", [&] { return cycle; });
          put(*group, names, "cutoff", [&] { return spanish_date(cutoff); });
          put(*group, names, "cutoff_iso", [&] { return format_iso_date(cutoff); });
          put(*group, names, "when", [&] { return when; });
        }
        RenderedSection rendered_section{kind, std::string(section_heading(kind)), {}, {}};
        rendered_section.intro = join({cycle, "corte del " + spanish_date(cutoff)}, ", ") + " (" +
                                 when + "): reporte el avance de estas actividades.";
        add_items(new_list(group, "items"), group_items, rendered_section.lines);
        rendered.sections.push_back(std::move(rendered_section));
      }
    } else {
      RenderedSection rendered_section{kind, std::string(section_heading(kind)), {}, {}};
      add_items(new_list(section, "items"), items, rendered_section.lines);
      rendered.sections.push_back(std::move(rendered_section));
    }

    if (named) top[kind_name] = listed ? Data(*section) : std::move(unlisted);
  }
  if (listed) top["sections"] = std::move(sections);
  put(top, names, "summary", [&] { return join(summary, ", "); });

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
