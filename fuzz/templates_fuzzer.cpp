// Fuzzes message templates as an admin writes them in `[templates] dir`:
// the input is one Mustache template, compiled with Renderer::compile() as
// Renderer::load() compiles a file, and used as the subject, text and HTML
// template at once to render the notifier tests' sample digest (every
// section, escalation units, report_due cycles) and a message whose texts
// are hostile (Mustache tags, HTML, invalid UTF-8, a line break).
//
// Checks (notifiers/templates.h): a template that does not compile is an
// Error naming its origin; one that compiles always renders ("never
// fails"), to a subject of one line, and renders the same message the same
// way every time (a Renderer is reused for every message of the daemon's
// life).
//
// Seeds: fuzz/corpus/templates/ (the built-in templates and small ones
// using sections, inverted sections, partials, comments and delimiters).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_support.h"
#include "notifiers/templates.h"
#include "tests/notifiers/sample.h"

namespace {

plazo::Message hostile_message() {
  using plazo::testing::item;
  plazo::Message message;
  message.day = plazo::testing::day("2023-11-23");
  message.unit_id = "general";
  message.channel = plazo::Channel::kWebhook;
  message.target = "chat";
  message.items.push_back(item(plazo::ItemKind::kOverdue, "1.{{x}}",
                               "{{#sections}}{{/sections}} <b>&amp;</b> \"'\r\n\xC3\x28",
                               "{{{title}}}", "2023-11-01", -16, plazo::Role::kResponsible, 100));
  plazo::MessageItem escalation = item(plazo::ItemKind::kEscalation, "", "", "", "2023-10-01", -40,
                                       plazo::Role::kOversight, std::nullopt);
  escalation.units = {"general", "{{unit.id}}", ""};
  message.items.push_back(escalation);
  message.key = plazo::idempotency_key(message);
  return message;
}

bool same(const plazo::RenderedMessage& a, const plazo::RenderedMessage& b) {
  if (a.subject != b.subject || a.text != b.text || a.html != b.html) return false;
  if (a.sections.size() != b.sections.size()) return false;
  for (size_t i = 0; i < a.sections.size(); ++i) {
    const auto& x = a.sections[i];
    const auto& y = b.sections[i];
    if (x.kind != y.kind || x.heading != y.heading || x.intro != y.intro ||
        x.lines.size() != y.lines.size()) {
      return false;
    }
    for (size_t k = 0; k < x.lines.size(); ++k) {
      if (x.lines[k].lead != y.lines[k].lead || x.lines[k].detail != y.lines[k].detail) {
        return false;
      }
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string source(reinterpret_cast<const char*>(data), size);
  static const plazo::Unit unit = plazo::testing::general_unit();
  static const std::vector<plazo::Unit> all_units = plazo::testing::all_units();
  static const std::vector<plazo::Message> messages = {plazo::testing::sample_digest(),
                                                       hostile_message()};

  const bool business_days = size % 2 == 0;
  auto renderer =
      plazo::Renderer::compile({source, "/etc/plazo/templates/subject.mustache"},
                               {source, "/etc/plazo/templates/text.mustache"},
                               {source, "/etc/plazo/templates/html.mustache"}, business_days);
  if (!renderer.ok()) {
    const std::string& message = renderer.error().message;
    PLAZO_FUZZ_CHECK(message.find("/etc/plazo/templates/") != std::string::npos, message);
    return 0;
  }
  for (const auto& message : messages) {
    const plazo::RenderedMessage first = renderer->render(message, unit, all_units);
    PLAZO_FUZZ_CHECK(first.subject.find_first_of("\r\n") == std::string::npos, first.subject);
    const plazo::RenderedMessage again = renderer->render(message, unit, all_units);
    PLAZO_FUZZ_CHECK(same(first, again), "--- first\n" + first.subject + "\n" + first.text +
                                             "\n--- again\n" + again.subject + "\n" + again.text);
  }
  return 0;
}
