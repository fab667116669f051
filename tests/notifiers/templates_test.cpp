#include "notifiers/templates.h"

#include <gtest/gtest.h>

#include "sample.h"
#include "support/temp_dir.h"

namespace plazo {
namespace {

using testing::all_units;
using testing::day;
using testing::general_unit;
using testing::sample_digest;

Renderer builtin(bool business_days = true) {
  Config config;
  config.reminders.business_days = business_days;
  auto renderer = Renderer::load(config);
  EXPECT_TRUE(renderer.ok());
  return std::move(renderer).value();
}

TEST(SpanishWording, Dates) {
  EXPECT_EQ(spanish_date(day("2023-11-30")), "30 de noviembre de 2023");
  EXPECT_EQ(spanish_date(day("2024-01-01")), "1 de enero de 2024");
  EXPECT_EQ(spanish_date(day("2023-09-14")), "14 de septiembre de 2023");
}

TEST(SpanishWording, DaysLeft) {
  EXPECT_EQ(days_left_phrase(0, true), "vence hoy");
  EXPECT_EQ(days_left_phrase(5, true), "faltan 5 días hábiles");
  EXPECT_EQ(days_left_phrase(1, true), "falta 1 día hábil");
  EXPECT_EQ(days_left_phrase(-3, true), "vencida hace 3 días hábiles");
  EXPECT_EQ(days_left_phrase(-1, true), "vencida hace 1 día hábil");
  EXPECT_EQ(days_left_phrase(5, false), "faltan 5 días");
  EXPECT_EQ(days_left_phrase(1, false), "falta 1 día");
  EXPECT_EQ(days_left_phrase(-1, false), "vencida hace 1 día");
}

TEST(SpanishWording, Progress) {
  EXPECT_EQ(progress_phrase(66), "avance 66 %");
  EXPECT_EQ(progress_phrase(0), "avance 0 %");
  EXPECT_EQ(progress_phrase(std::nullopt), "sin avance registrado");
}

TEST(Templates, BuiltInTextMatchesTheFilesOnDisk) {
  for (const auto part : {TemplatePart::kSubject, TemplatePart::kText, TemplatePart::kHtml}) {
    const std::string path = std::string(PLAZO_SOURCE_DIR) + "/notifiers/templates/" +
                             std::string(template_file_name(part));
    const std::string on_disk = testing::read_file(path);
    ASSERT_FALSE(on_disk.empty()) << path;
    EXPECT_EQ(std::string(builtin_template(part)), on_disk) << path;
  }
}

TEST(Templates, SubjectIsShortAndSpecific) {
  Message message;
  message.day = day("2023-11-23");
  message.key = "k";
  message.items = {
      testing::item(ItemKind::kToday, "1.5", "A", "", "2023-11-23", 0, Role::kResponsible, 10),
      testing::item(ItemKind::kOverdue, "1.6", "B", "", "2023-11-20", -3, Role::kResponsible, 0),
      testing::item(ItemKind::kToday, "1.7", "C", "", "2023-11-23", 0, Role::kCoResponsible, {}),
  };
  const auto rendered = builtin().render(message, general_unit(), all_units());
  EXPECT_EQ(rendered.subject, "[PAAC] Secretaría General: 2 vencen hoy, 1 vencida");
}

TEST(Templates, SubjectOfEverySection) {
  const auto rendered = builtin().render(sample_digest(), general_unit(), all_units());
  EXPECT_EQ(rendered.subject,
            "[PAAC] Secretaría General: 1 vence hoy, 3 próximas a vencer, 1 vencida, 1 en "
            "escalamiento, reporte de seguimiento, publicación del seguimiento");
}

TEST(Templates, TextOfASampleDigest) {
  const Message message = sample_digest();
  const auto rendered = builtin().render(message, general_unit(), all_units());
  const std::string expected =
      "Hola, Secretaría General:\n"
      "\n"
      "Este es el resumen de plazos del 23 de noviembre de 2023.\n"
      "\n"
      "Vencen hoy (1):\n"
      "\n"
      "* 1.5 Actualizar el mapa de riesgos de corrupción\n"
      "  Entregable: Mapa de riesgos actualizado\n"
      "  Plazo: 23 de noviembre de 2023 (vence hoy)\n"
      "  Rol: responsable · avance 66 %\n"
      "\n"
      "Próximos vencimientos (3):\n"
      "\n"
      "* 3.2 Actualizar la carta de trato digno\n"
      "  Entregable: Carta publicada\n"
      "  Plazo: 24 de noviembre de 2023 (falta 1 día hábil)\n"
      "  Rol: responsable · avance 0 %\n"
      "\n"
      "* 1.10 Capacitar a los servidores públicos\n"
      "  Plazo: 30 de noviembre de 2023 (faltan 5 días hábiles)\n"
      "  Rol: responsable · avance 50 %\n"
      "\n"
      "* 2.1 Publicar el informe de rendición de cuentas\n"
      "  Entregable: Informe publicado\n"
      "  Plazo: 30 de noviembre de 2023 (faltan 5 días hábiles)\n"
      "  Rol: corresponsable · sin avance registrado\n"
      "\n"
      "Vencidas (1):\n"
      "\n"
      "* 3.6 Medir la satisfacción ciudadana\n"
      "  Entregable: Informe de la encuesta\n"
      "  Plazo: 20 de noviembre de 2023 (vencida hace 3 días hábiles)\n"
      "  Rol: responsable · avance 40 %\n"
      "\n"
      "Escalamiento (1):\n"
      "\n"
      "* 4.1 Publicar los datos abiertos\n"
      "  Entregable: Conjunto de datos\n"
      "  Plazo: 1 de noviembre de 2023 (vencida hace 16 días hábiles)\n"
      "  Unidades: Secretaría General, Secretaría de Hacienda\n"
      "  Rol: control interno · sin avance registrado\n"
      "\n"
      "Reporte de seguimiento:\n"
      "\n"
      "Seguimiento PAAC, corte del 29 de diciembre de 2023 (faltan 24 días hábiles). Reporte el "
      "avance de estas actividades:\n"
      "* 1.5 Actualizar el mapa de riesgos de corrupción (responsable · avance 66 %)\n"
      "* 2.1 Publicar el informe de rendición de cuentas (responsable · sin avance registrado)\n"
      "\n"
      "Publicación del seguimiento:\n"
      "\n"
      "* Seguimiento PAAC, corte del 31 de agosto de 2023: publicar a más tardar el 7 de "
      "diciembre de 2023 (faltan 10 días hábiles).\n"
      "\n"
      "--\n"
      "Mensaje automático de plazo. Referencia: " +
      message.key + "\n";
  EXPECT_EQ(rendered.text, expected);
}

TEST(Templates, CalendarDaysWhenThePolicySaysSo) {
  const auto rendered = builtin(false).render(sample_digest(), general_unit(), all_units());
  EXPECT_NE(rendered.text.find("(faltan 5 días)"), std::string::npos);
  EXPECT_NE(rendered.text.find("(vencida hace 3 días)"), std::string::npos);
  EXPECT_EQ(rendered.text.find("hábil"), std::string::npos);
}

TEST(Templates, SectionsAppearOnlyWithItems) {
  Message message;
  message.day = day("2023-11-23");
  message.items = {testing::item(ItemKind::kOverdue, "3.6", "Medir", "", "2023-11-20", -3,
                                 Role::kResponsible, 40)};
  message.key = "abc";
  const auto rendered = builtin().render(message, general_unit(), all_units());
  // No stray blank lines where the other sections (and the deliverable) would be.
  EXPECT_EQ(rendered.text,
            "Hola, Secretaría General:\n"
            "\n"
            "Este es el resumen de plazos del 23 de noviembre de 2023.\n"
            "\n"
            "Vencidas (1):\n"
            "\n"
            "* 3.6 Medir\n"
            "  Plazo: 20 de noviembre de 2023 (vencida hace 3 días hábiles)\n"
            "  Rol: responsable · avance 40 %\n"
            "\n"
            "--\n"
            "Mensaje automático de plazo. Referencia: abc\n");
  for (const char* absent : {"Vencen hoy", "Próximos vencimientos", "Escalamiento",
                             "Reporte de seguimiento", "Publicación del seguimiento"}) {
    EXPECT_EQ(rendered.text.find(absent), std::string::npos) << absent;
    EXPECT_EQ(rendered.html.find(absent), std::string::npos) << absent;
  }
  EXPECT_EQ(rendered.subject, "[PAAC] Secretaría General: 1 vencida");
  ASSERT_EQ(rendered.sections.size(), 1u);
  EXPECT_EQ(rendered.sections[0].heading, "Vencidas");
}

TEST(Templates, HtmlHasEverySectionInOrder) {
  const auto rendered = builtin().render(sample_digest(), general_unit(), all_units());
  size_t position = 0;
  for (const char* heading : {"Vencen hoy (1)</h2>", "Próximos vencimientos (3)</h2>",
                              "Vencidas (1)</h2>", "Escalamiento (1)</h2>",
                              "Reporte de seguimiento</h2>", "Publicación del seguimiento</h2>"}) {
    const auto found = rendered.html.find(heading, position);
    ASSERT_NE(found, std::string::npos) << heading;
    position = found;
  }
  EXPECT_NE(rendered.html.find("<li><strong>1.5</strong> Actualizar el mapa de riesgos de "
                               "corrupción<br>\nEntregable: Mapa de riesgos actualizado<br>\n"
                               "Plazo: 23 de noviembre de 2023 (<strong>vence hoy</strong>)<br>\n"
                               "Rol: responsable · avance 66 %</li>"),
            std::string::npos)
      << rendered.html;
  EXPECT_NE(rendered.html.find("<title>[PAAC] Secretaría General: 1 vence hoy"), std::string::npos);
}

TEST(Templates, StructuredSectionsForChat) {
  const auto rendered = builtin().render(sample_digest(), general_unit(), all_units());
  ASSERT_EQ(rendered.sections.size(), 6u);
  EXPECT_EQ(rendered.sections[0].kind, ItemKind::kToday);
  ASSERT_EQ(rendered.sections[0].lines.size(), 1u);
  EXPECT_EQ(rendered.sections[0].lines[0].lead, "1.5 Actualizar el mapa de riesgos de corrupción");
  EXPECT_EQ(rendered.sections[0].lines[0].detail,
            "entregable: Mapa de riesgos actualizado · plazo: 23 de noviembre de 2023, vence hoy · "
            "responsable · avance 66 %");
  EXPECT_EQ(rendered.sections[3].lines[0].detail,
            "plazo: 1 de noviembre de 2023, vencida hace 16 días hábiles · unidades: Secretaría "
            "General, Secretaría de Hacienda · sin avance registrado");
  EXPECT_EQ(rendered.sections[4].intro,
            "Seguimiento PAAC, corte del 29 de diciembre de 2023 (faltan 24 días hábiles): "
            "reporte el avance de estas actividades.");
  EXPECT_EQ(rendered.sections[5].lines[0].lead, "Seguimiento PAAC, corte del 31 de agosto de 2023");
  EXPECT_EQ(rendered.sections[5].lines[0].detail,
            "publicar a más tardar el 7 de diciembre de 2023, faltan 10 días hábiles");
}

TEST(Templates, HtmlIsEscapedAndTextIsNot) {
  Unit unit = general_unit();
  unit.name = "Planeación & TIC <área>";
  Message message;
  message.day = day("2023-11-23");
  message.items = {testing::item(ItemKind::kToday, "1.5", "Publicar \"datos\" <abiertos> & más", "",
                                 "2023-11-23", 0, Role::kResponsible, {})};
  const auto rendered = builtin().render(message, unit, {unit});
  EXPECT_NE(rendered.text.find("Hola, Planeación & TIC <área>:"), std::string::npos);
  EXPECT_NE(rendered.text.find("* 1.5 Publicar \"datos\" <abiertos> & más"), std::string::npos);
  EXPECT_EQ(rendered.subject, "[PAAC] Planeación & TIC <área>: 1 vence hoy");
  EXPECT_NE(rendered.html.find("Hola, Planeación &amp; TIC &lt;área&gt;:"), std::string::npos);
  EXPECT_NE(rendered.html.find("Publicar &quot;datos&quot; &lt;abiertos&gt; &amp; más"),
            std::string::npos);
  EXPECT_EQ(rendered.html.find("<abiertos>"), std::string::npos);
}

TEST(Templates, EvidenceLinksFollowTheItem) {
  Message message;
  message.day = day("2023-11-23");
  MessageItem linked = testing::item(ItemKind::kOverdue, "1.7", "Publicar la matriz", "",
                                     "2023-11-20", -3, Role::kResponsible, 66);
  linked.evidence = {"https://itagui.gov.co/a.pdf", "https://itagui.gov.co/b?x=1&y=2"};
  message.items = {linked, testing::item(ItemKind::kOverdue, "1.8", "Sin evidencia", "",
                                         "2023-11-20", -3, Role::kResponsible, {})};
  const auto rendered = builtin().render(message, general_unit(), all_units());
  EXPECT_NE(rendered.text.find("  Rol: responsable · avance 66 %\n"
                               "  Evidencia: https://itagui.gov.co/a.pdf\n"
                               "  Evidencia: https://itagui.gov.co/b?x=1&y=2\n\n* 1.8"),
            std::string::npos)
      << rendered.text;
  EXPECT_NE(
      rendered.html.find("avance 66 %<br>\nEvidencia: <a href=\"https://itagui.gov.co/a.pdf\">"
                         "https://itagui.gov.co/a.pdf</a><br>\nEvidencia: <a href=\""
                         "https://itagui.gov.co/b?x=1&amp;y=2\">https://itagui.gov.co/b?x=1&amp;"
                         "y=2</a></li>"),
      std::string::npos)
      << rendered.html;
  // One "Evidencia" line per link, none for the item without.
  size_t count = 0;
  for (size_t at = 0; (at = rendered.text.find("Evidencia:", at)) != std::string::npos; ++at)
    ++count;
  EXPECT_EQ(count, 2u);
}

TEST(Templates, SubjectIsOneLineEvenIfTheTemplateBreaksIt) {
  testing::TempDir dir;
  dir.write("subject.mustache", "Aviso\r\nBcc: victim@example.org\n{{{unit.name}}}\n\n");
  Config config;
  config.templates.dir = dir.path().string();
  auto renderer = Renderer::load(config);
  ASSERT_TRUE(renderer.ok()) << renderer.error().message;
  const auto rendered = renderer->render(sample_digest(), general_unit(), all_units());
  EXPECT_EQ(rendered.subject, "Aviso Bcc: victim@example.org Secretaría General");
}

TEST(Templates, ItemsOfSeveralPlansNameTheirPlan) {
  Message message;
  message.day = day("2023-11-23");
  MessageItem paac = testing::item(ItemKind::kToday, "1.1", "Publicar el PAAC", "", "2023-11-23", 0,
                                   Role::kResponsible, {});
  MessageItem other = paac;
  other.plan = "Plan de Acción";
  other.title = "Publicar el plan de acción";
  message.items = {paac, other};
  const auto rendered = builtin().render(message, general_unit(), all_units());
  EXPECT_NE(rendered.text.find("* 1.1 Publicar el PAAC (PAAC 2023)\n"), std::string::npos)
      << rendered.text;
  EXPECT_NE(rendered.text.find("* 1.1 Publicar el plan de acción (Plan de Acción 2023)\n"),
            std::string::npos)
      << rendered.text;
  EXPECT_NE(rendered.html.find("<strong>1.1</strong> Publicar el PAAC (PAAC 2023)<br>"),
            std::string::npos)
      << rendered.html;
  ASSERT_EQ(rendered.sections.size(), 1u);  // what the chat presets show
  EXPECT_EQ(rendered.sections[0].lines[1].lead,
            "1.1 Publicar el plan de acción (Plan de Acción 2023)");

  // One plan, as nearly always: the lines stay as they were.
  message.items = {paac};
  const auto one = builtin().render(message, general_unit(), all_units());
  EXPECT_NE(one.text.find("* 1.1 Publicar el PAAC\n"), std::string::npos) << one.text;
  EXPECT_EQ(one.text.find("(PAAC 2023)"), std::string::npos) << one.text;
  EXPECT_EQ(one.html.find("(PAAC 2023)"), std::string::npos) << one.html;

  // And templates can name it.
  testing::TempDir dir;
  dir.write("text.mustache", "{{#today}}{{#items}}[{{{plan}}}]{{/items}}{{/today}}");
  Config config;
  config.templates.dir = dir.path().string();
  auto renderer = Renderer::load(config);
  ASSERT_TRUE(renderer.ok()) << renderer.error().message;
  message.items = {paac, other};
  EXPECT_EQ(renderer->render(message, general_unit(), all_units()).text,
            "[PAAC 2023][Plan de Acción 2023]");
}

TEST(Templates, OverridesReplaceEachPartIndependently) {
  testing::TempDir dir;
  dir.write("text.mustache",
            "{{#overdue}}{{#items}}[{{{activity}}}|{{{when}}}|{{{percent}}}]"
            "{{/items}}{{/overdue}} para {{{unit.id}}} el {{{day_iso}}}");
  Config config;
  config.templates.dir = dir.path().string();
  auto renderer = Renderer::load(config);
  ASSERT_TRUE(renderer.ok()) << renderer.error().message;
  const auto rendered = renderer->render(sample_digest(), general_unit(), all_units());
  EXPECT_EQ(rendered.text, "[3.6|vencida hace 3 días hábiles|40] para general el 2023-11-23");
  // Subject and HTML stay built in.
  EXPECT_EQ(renderer->source(TemplatePart::kSubject),
            std::string(builtin_template(TemplatePart::kSubject)));
  EXPECT_EQ(renderer->source(TemplatePart::kHtml),
            std::string(builtin_template(TemplatePart::kHtml)));
  EXPECT_NE(rendered.html.find("<h2"), std::string::npos);
}

TEST(Templates, GenericSectionsListAndCycleGroups) {
  testing::TempDir dir;
  dir.write("text.mustache",
            "{{#sections}}{{{kind}}}={{{count}}};{{/sections}}"
            "{{#report_due}}{{#cycles}}<{{{cycle}}} {{{cutoff_iso}}}:{{#items}} {{{activity}}}"
            "{{/items}}>{{/cycles}}{{/report_due}}"
            "{{#report_due}}[{{#items}}{{{activity}}},{{/items}}]{{/report_due}}"
            "{{#escalation}}{{#items}}{{#units}}({{{id}}}={{{name}}}){{/units}}{{/items}}"
            "{{/escalation}}");
  Config config;
  config.templates.dir = dir.path().string();
  auto renderer = Renderer::load(config);
  ASSERT_TRUE(renderer.ok()) << renderer.error().message;
  const auto rendered = renderer->render(sample_digest(), general_unit(), all_units());
  EXPECT_EQ(rendered.text,
            "today=1;upcoming=3;overdue=1;escalation=1;report_due=2;publish_due=1;"
            "<Seguimiento PAAC 2023-12-29: 1.5 2.1>[1.5,2.1,]"
            "(general=Secretaría General)(hacienda=Secretaría de Hacienda)");
}

// The data tree holds only the keys the templates name. A template that
// changes its delimiters is not read for names, so it gets every key: the
// same template in both spellings must render the same.
TEST(Templates, EveryKeyATemplateNamesIsThereWhateverItsSpelling) {
  const std::string names =
      "{{#sections}}{{&kind}}:{{#items}}[{{&kind}} {{ &deadline_iso }} {{&days_left}} "
      "{{&role_id}} {{&percent}} {{&line}} {{&cutoff_iso}}]{{/items}}{{/sections}} "
      "{{&unit.id}} {{&day_iso}} {{&count}}";
  std::string changed = "{{=<% %>=}}" + names;
  for (const auto& [from, to] : {std::pair<std::string, std::string>{"{{", "<%"}, {"}}", "%>"}}) {
    for (size_t at = changed.find(from, 11); at != std::string::npos;
         at = changed.find(from, at + to.size())) {
      changed.replace(at, from.size(), to);
    }
  }
  ASSERT_EQ(changed.find("{{", 11), std::string::npos) << changed;
  auto plain = Renderer::compile({"s", "subject"}, {names, "text"}, {"", "html"}, true);
  auto other = Renderer::compile({"s", "subject"}, {changed, "text"}, {"", "html"}, true);
  ASSERT_TRUE(plain.ok()) << plain.error().message;
  ASSERT_TRUE(other.ok()) << other.error().message;
  const std::string text = plain->render(sample_digest(), general_unit(), all_units()).text;
  EXPECT_EQ(text, other->render(sample_digest(), general_unit(), all_units()).text);
  EXPECT_NE(text.find("overdue:[overdue 2023-11-20 -3 responsible 40 3.6 Medir la satisfacción"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(" general 2023-11-23 9"), std::string::npos) << text;
  // A list of sections is there when only its name is named, and a name
  // looked up where the data has none (kind, outside a section) renders
  // nothing.
  auto bare = Renderer::compile({"s", "subject"}, {"{{#sections}}x{{/sections}}{{&kind}}", "text"},
                                {"", "html"}, true);
  ASSERT_TRUE(bare.ok()) << bare.error().message;
  EXPECT_EQ(bare->render(sample_digest(), general_unit(), all_units()).text, "xxxxxx");
}

TEST(Templates, BrokenOverrideIsAnErrorAtLoad) {
  testing::TempDir dir;
  dir.write("html.mustache", "<p>{{#today}}sin cerrar</p>");
  Config config;
  config.templates.dir = dir.path().string();
  auto renderer = Renderer::load(config);
  ASSERT_FALSE(renderer.ok());
  EXPECT_NE(renderer.error().message.find(dir.file("html.mustache")), std::string::npos)
      << renderer.error().message;
  EXPECT_NE(renderer.error().message.find("does not parse"), std::string::npos);
}

TEST(Templates, MissingDirectoryIsAnError) {
  Config config;
  config.templates.dir = "/nonexistent/plazo-templates";
  auto renderer = Renderer::load(config);
  ASSERT_FALSE(renderer.ok());
  EXPECT_EQ(
      renderer.error().message,
      "templates directory /nonexistent/plazo-templates does not exist or is not a directory");
}

// Found by fuzz/templates_fuzzer.cpp. kainjow resolves `{{>name}}` against
// the data and renders any string it finds there as a template: a subject
// that prints "{{>subject}}" (here by changing delimiters) made the text
// template recurse until the stack overflowed. plazo's data is text, never a
// template: a partial renders nothing.
TEST(Templates, PartialsNeverRenderTheDataAsATemplate) {
  auto renderer = Renderer::compile({"{{=<% %>=}}{{>subject}}", "subject override"},
                                    {"[{{>subject}}]", "text override"},
                                    {"<p>{{>subject}}</p>", "html override"}, true);
  ASSERT_TRUE(renderer.ok()) << renderer.error().message;
  const RenderedMessage rendered = renderer->render(sample_digest(), general_unit(), all_units());
  EXPECT_EQ(rendered.subject, "{{>subject}}");
  EXPECT_EQ(rendered.text, "[]");
  EXPECT_EQ(rendered.html, "<p></p>");
}

// Activity titles come from the imported matrix: one written like a
// template is shown as written, and one that would not parse as a template
// leaves the renderer working for the next message.
TEST(Templates, MatrixTextIsNeverEvaluated) {
  auto renderer = Renderer::compile(
      {"{{{count}}}", "subject override"},
      {"{{#overdue}}{{#items}}<{{>title}}|{{{title}}}>{{/items}}{{/overdue}}", "text override"},
      {"", "html override"}, true);
  ASSERT_TRUE(renderer.ok()) << renderer.error().message;
  Message hostile = sample_digest();
  hostile.items = {testing::item(ItemKind::kOverdue, "3.6", "{{unit.name}} {{#sin cerrar", "",
                                 "2023-11-20", -3, Role::kResponsible, 40)};
  EXPECT_EQ(renderer->render(hostile, general_unit(), all_units()).text,
            "<|{{unit.name}} {{#sin cerrar>");
  EXPECT_EQ(renderer->render(sample_digest(), general_unit(), all_units()).text,
            "<|Medir la satisfacción ciudadana>");
}

}  // namespace
}  // namespace plazo
