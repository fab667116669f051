#pragma once
/// \file
/// Turns a Message for one unit into the words it is sent with: a subject, a
/// plain-text body and an HTML body, in Spanish. The default templates are
/// built into the binary (from notifiers/templates/*.mustache); an admin can
/// replace any of them by putting a file of the same name in
/// `[templates] dir`.
///
/// Templates are Mustache (kainjow). The HTML template escapes `{{x}}`; the
/// subject and text templates must use `{{{x}}}` so that "Planeación & TIC"
/// is not written as "Planeación &amp; TIC". Variables (every value is text;
/// a key whose value would be empty is left out, so `{{#x}}...{{/x}}` shows a
/// block only when x has a value):
///
///   subject                   the rendered subject (text and HTML only)
///   unit.id, unit.name        the recipient unit
///   day, day_iso              the message's day: "23 de noviembre de 2023", "2023-11-23"
///   key                       the idempotency key
///   summary                   "2 vencen hoy, 1 vencida"
///   count                     number of items
///   business_days             true when days are counted in business days
///   sections                  the sections present, in order (see below)
///   today, upcoming, overdue, escalation, report_due, publish_due
///                             the section of that kind, absent when it is empty
///
/// A section: `kind` ("today", ...), `heading` ("Vencen hoy"), `count`,
/// `items`, and for report_due `cycles`: one group per (cycle, cutoff) with
/// `cycle`, `cutoff`, `cutoff_iso`, `when` and its `items`.
///
/// An item: `kind`, `activity` ("2.1"), `title`, `deliverable`, `deadline`
/// ("30 de noviembre de 2023"), `deadline_iso`, `days_left` ("-3"), `when`
/// ("vence hoy", "faltan 5 días hábiles", "vencida hace 3 días hábiles"),
/// `role` ("responsable"), `role_id` ("responsible"), `progress` ("avance 66 %"
/// or "sin avance registrado"), `percent` ("66", absent without progress),
/// `units` (escalation: list of {id, name}), `units_text` ("A, B"), `cycle`,
/// `cutoff`, `cutoff_iso` (report_due, publish_due), `line` (the whole item in
/// one line of plain text, as chat messages show it).
///
/// Partials (`{{>x}}`) render nothing: values are text and are never
/// rendered as templates, whatever they hold (titles come from the matrix).
///
/// notifiers/templates/README.md says the same for admins.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "domain/message.h"
#include "domain/model.h"
#include "domain/result.h"

namespace plazo {

/// One item as a line of a chat message: `lead` names it ("2.1 Publicar el
/// mapa de riesgos"), `detail` says what is due ("plazo: 30 de noviembre de
/// 2023, faltan 5 días hábiles · responsable · avance 66 %").
struct RenderedLine {
  std::string lead;
  std::string detail;
};

/// A section of a digest as plain text pieces, for the chat presets that
/// format it with their own markup. report_due has one section per cycle
/// cutoff, its `intro` naming the cycle and cutoff.
struct RenderedSection {
  ItemKind kind = ItemKind::kUpcoming;
  std::string heading;  ///< "Vencen hoy"
  std::string intro;    ///< may be empty
  std::vector<RenderedLine> lines;
};

/// A message in words. `subject` is one line (no CR/LF), UTF-8; `text` and
/// `html` are UTF-8 bodies; `sections` the same content, structured, in the
/// digest's order.
struct RenderedMessage {
  std::string subject;
  std::string text;
  std::string html;
  std::vector<RenderedSection> sections;
};

/// The three templates a Renderer uses.
enum class TemplatePart { kSubject, kText, kHtml };
/// "subject.mustache", "text.mustache", "html.mustache".
std::string_view template_file_name(TemplatePart part);
/// The built-in (Spanish) template, as compiled in from notifiers/templates/.
std::string_view builtin_template(TemplatePart part);

struct CompiledTemplates;

/// Renders messages with the built-in templates or the admin's overrides.
/// Immutable once loaded: render() may be called from any thread at once
/// (copies share the templates, parsed once at load()).
class Renderer {
 public:
  /// Reads the overrides from `config.templates.dir` (each of
  /// subject/text/html.mustache that exists replaces its default; the others
  /// stay built in) and parses all three. A directory that does not exist, a
  /// file that cannot be read or a template that does not parse is an Error
  /// naming the file, so check-config and reload can report it.
  /// `config.reminders.business_days` decides the "días hábiles" wording.
  static Result<Renderer> load(const Config& config);

  /// A template's text and what messages call it ("built-in
  /// text.mustache", or the file's path).
  struct Source {
    std::string text;
    std::string origin;
  };
  /// Parses templates already in memory, as load() does once it has read
  /// them: an Error naming the origin of the first one that does not parse.
  /// `business_days` as in load().
  static Result<Renderer> compile(Source subject, Source text, Source html, bool business_days);

  /// Renders `message` for `unit` (its recipient). `all_units` names the
  /// units that escalation items refer to by id (an unknown id is shown as
  /// is). Items are grouped into sections in the contract order (today,
  /// upcoming, overdue, escalation, report_due, publish_due) and sorted by
  /// deadline and activity number within each. Never fails: a missing
  /// variable renders empty. Without `with_html` (webhooks carry no HTML)
  /// `html` is left empty.
  RenderedMessage render(const Message& message, const Unit& unit,
                         const std::vector<Unit>& all_units, bool with_html = true) const;

  /// The template source in use for `part` (override or built-in).
  const std::string& source(TemplatePart part) const;

 private:
  Renderer(std::string subject, std::string text, std::string html, bool business_days);

  std::string subject_;
  std::string text_;
  std::string html_;
  bool business_days_ = true;
  std::shared_ptr<CompiledTemplates> compiled_;
};

// -- Spanish wording, shared by the renderer and the chat presets -----------

/// "30 de noviembre de 2023", "1 de enero de 2024".
std::string spanish_date(Date day);
/// "vence hoy", "falta 1 día hábil", "faltan 5 días hábiles", "vencida hace 1
/// día hábil", "vencida hace 3 días" (without "hábil(es)" when
/// `business_days` is false).
std::string days_left_phrase(int days_left, bool business_days);
/// "avance 66 %" or "sin avance registrado".
std::string progress_phrase(std::optional<int> percent);
/// The section heading of a kind: "Vencen hoy", "Próximos vencimientos",
/// "Vencidas", "Escalamiento", "Reporte de seguimiento", "Publicación del
/// seguimiento".
std::string_view section_heading(ItemKind kind);

}  // namespace plazo
