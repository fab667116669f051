#include "notifiers/webhook.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "sample.h"

namespace plazo {
namespace {

using nlohmann::json;
using testing::all_units;
using testing::general_unit;

// 2023-11-23T13:00:03Z = 08:00:03 in Bogotá.
const Instant kNow = Instant{std::chrono::seconds{1700744403}};

TimeZone bogota() {
  return TimeZone::locate("America/Bogota").value();
}

WebhookSettings settings(WebhookFormat format) {
  WebhookSettings out;
  out.name = "hook";
  out.url = "https://example.org/hook";
  out.format = format;
  out.timeout_seconds = 12;
  out.ca_file = "/etc/plazo/ca.pem";
  return out;
}

RenderedMessage render_sample(const Message& message) {
  auto renderer = Renderer::load(Config{});
  EXPECT_TRUE(renderer.ok());
  return renderer->render(message, general_unit(), all_units());
}

json body_of(const HttpRequest& request) {
  const json body = json::parse(request.body, nullptr, false);
  EXPECT_FALSE(body.is_discarded()) << request.body;
  return body;
}

TEST(WebhookSignature, MatchesOpenSslVector) {
  // printf '%s' '1700744403.{"version":1,"key":"abc"}' | openssl dgst -sha256 -hmac 's3cr3t'
  EXPECT_EQ(webhook_signature("s3cr3t", "1700744403", "{\"version\":1,\"key\":\"abc\"}"),
            "sha256=760933a7b524ad775772b3a4bb349add8e1e6e64f532d46d9c8f4a64a641d52a");
  // printf '%s' '1700744403.' | openssl dgst -sha256 -hmac 'key with ñ'
  EXPECT_EQ(webhook_signature("key with ñ", "1700744403", ""),
            "sha256=df29d8a2a4d037778a4149bf3e88075e2591d08fdd87655f34e23d47537a4a19");
}

TEST(Webhook, GenericPayloadIsExactlyTheContract) {
  Message message;
  message.day = testing::day("2023-11-23");
  message.key = "abc123";
  message.items.push_back(testing::item(ItemKind::kUpcoming, "2.1", "Publicar", "Informe",
                                        "2023-11-30", 5, Role::kCoResponsible, 66));
  MessageItem publish = testing::item(ItemKind::kPublishDue, "", "", "", "2023-12-07", 10,
                                      Role::kPublisher, std::nullopt);
  publish.cycle = "Seguimiento PAAC";
  message.items.push_back(publish);
  const RenderedMessage rendered{"S", "T\nñ", "<p>H</p>", {}};
  const HttpRequest request = build_webhook(
      rendered, message, general_unit(), settings(WebhookFormat::kGeneric), {}, "", kNow, bogota());
  EXPECT_EQ(
      request.body,
      "{\"version\":1,\"key\":\"abc123\",\"sent_at\":\"2023-11-23T08:00:03-05:00\","
      "\"unit\":{\"id\":\"general\",\"name\":\"Secretaría General\"},"
      "\"subject\":\"S\",\"text\":\"T\\nñ\","
      "\"items\":[{\"kind\":\"upcoming\",\"activity\":\"2.1\","
      "\"plan\":{\"name\":\"PAAC\",\"year\":2023},\"title\":\"Publicar\","
      "\"deadline\":\"2023-11-30\",\"days_left\":5,\"role\":\"co_responsible\",\"progress\":66,"
      "\"links\":[]},"
      "{\"kind\":\"publish_due\",\"activity\":\"\",\"plan\":null,\"title\":\"\","
      "\"deadline\":\"2023-12-07\","
      "\"days_left\":10,\"role\":\"publisher\",\"progress\":null,\"links\":[]}],\"links\":[]}");
  EXPECT_EQ(request.url, "https://example.org/hook");
  EXPECT_EQ(request.timeout, std::chrono::seconds{12});
  EXPECT_EQ(request.ca_file, "/etc/plazo/ca.pem");
}

TEST(Webhook, GenericLinksThePlanTheActivityPageAndTheEvidence) {
  Message message;
  message.day = testing::day("2023-11-23");
  message.key = "abc123";
  MessageItem upcoming = testing::item(ItemKind::kUpcoming, "2.1", "Publicar", "Informe",
                                       "2023-11-30", 5, Role::kResponsible, 66);
  upcoming.evidence = {"https://itagui.gov.co/a.pdf", "http://www.itagui.gov.co"};
  message.items.push_back(upcoming);
  MessageItem publish = testing::item(ItemKind::kPublishDue, "", "", "", "2023-12-07", 10,
                                      Role::kPublisher, std::nullopt);
  message.items.push_back(publish);
  LinkSettings links;
  links.plan = "https://itagui.gov.co/transparencia/plan_accion";
  links.activity = "https://intranet.example.org/paac/{activity}?v={activity}";
  const RenderedMessage rendered{"S", "T", "", {}};
  const std::string body =
      build_webhook(rendered, message, general_unit(), settings(WebhookFormat::kGeneric), links, "",
                    kNow, bogota())
          .body;
  // Exactly these bytes: the links close each item and the payload.
  EXPECT_NE(
      body.find("\"progress\":66,\"links\":["
                "{\"rel\":\"activity\",\"href\":\"https://intranet.example.org/paac/2.1?v=2.1\"},"
                "{\"rel\":\"evidence\",\"href\":\"https://itagui.gov.co/a.pdf\"},"
                "{\"rel\":\"evidence\",\"href\":\"http://www.itagui.gov.co\"}]}"),
      std::string::npos)
      << body;
  // A publish_due item has no activity, so no activity page.
  EXPECT_NE(body.find("\"progress\":null,\"links\":[]}],"
                      "\"links\":[{\"rel\":\"plan\",\"href\":"
                      "\"https://itagui.gov.co/transparencia/plan_accion\"}]}"),
            std::string::npos)
      << body;
  EXPECT_FALSE(json::parse(body, nullptr, false).is_discarded());
}

TEST(Webhook, ActivityLinksEncodeTheNumber) {
  Message message;
  message.key = "k";
  message.items.push_back(testing::item(ItemKind::kToday, "3.1 a/ñ", "T", "", "2023-11-23", 0,
                                        Role::kResponsible, std::nullopt));
  LinkSettings links;
  links.activity = "https://x.example.org/{activity}";
  const json body =
      body_of(build_webhook(RenderedMessage{"S", "T", "", {}}, message, general_unit(),
                            settings(WebhookFormat::kGeneric), links, "", kNow, bogota()));
  EXPECT_EQ(body["items"][0]["links"][0]["href"], "https://x.example.org/3.1%20a%2F%C3%B1");
  EXPECT_EQ(body["links"], json::array());
}

TEST(Webhook, InvalidUtf8IsReplacedNotThrown) {
  Message message = testing::sample_digest();
  message.items[0].title = "Planeaci\xF3n";
  const RenderedMessage rendered{"Asunto \xFF", "texto", "", {}};
  const HttpRequest request = build_webhook(
      rendered, message, general_unit(), settings(WebhookFormat::kGeneric), {}, "", kNow, bogota());
  const json body = body_of(request);
  EXPECT_EQ(body["subject"], "Asunto \xEF\xBF\xBD");
  EXPECT_EQ(body["items"][0]["title"], "Planeaci\xEF\xBF\xBDn");
}

TEST(Webhook, HeadersWithoutSecret) {
  const Message message = testing::sample_digest();
  const HttpRequest request =
      build_webhook(render_sample(message), message, general_unit(),
                    settings(WebhookFormat::kGeneric), {}, "", kNow, bogota());
  ASSERT_EQ(request.headers.size(), 3u);
  EXPECT_EQ(*request.header("content-type"), "application/json");
  EXPECT_EQ(*request.header("User-Agent"), std::string("plazo/") + PLAZO_VERSION);
  EXPECT_EQ(*request.header("Idempotency-Key"), message.key);
  EXPECT_EQ(request.header("X-Plazo-Signature"), nullptr);
  EXPECT_EQ(request.header("X-Plazo-Timestamp"), nullptr);
}

TEST(Webhook, SignedWhenASecretIsSet) {
  const Message message = testing::sample_digest();
  for (const auto format :
       {WebhookFormat::kGeneric, WebhookFormat::kSlack, WebhookFormat::kTeams}) {
    const HttpRequest request = build_webhook(render_sample(message), message, general_unit(),
                                              settings(format), {}, "s3cr3t", kNow, bogota());
    ASSERT_NE(request.header("X-Plazo-Timestamp"), nullptr);
    EXPECT_EQ(*request.header("X-Plazo-Timestamp"), "1700744403");
    ASSERT_NE(request.header("X-Plazo-Signature"), nullptr);
    EXPECT_EQ(*request.header("X-Plazo-Signature"),
              webhook_signature("s3cr3t", "1700744403", request.body));
  }
}

TEST(Webhook, GenericCarriesEveryItem) {
  const Message message = testing::sample_digest();
  const RenderedMessage rendered = render_sample(message);
  const json body =
      body_of(build_webhook(rendered, message, general_unit(), settings(WebhookFormat::kGeneric),
                            {}, "", kNow, bogota()));
  EXPECT_EQ(body["version"], 1);
  EXPECT_EQ(body["key"], message.key);
  EXPECT_EQ(body["subject"], rendered.subject);
  EXPECT_EQ(body["text"], rendered.text);
  ASSERT_EQ(body["items"].size(), message.items.size());
  EXPECT_EQ(body["items"][1]["kind"], "today");
  EXPECT_EQ(body["items"][1]["activity"], "1.5");
  EXPECT_EQ(body["items"][1]["progress"], 66);
  EXPECT_EQ(body["items"][5]["kind"], "escalation");
  EXPECT_EQ(body["items"][5]["role"], "oversight");
  EXPECT_EQ(body["items"][5]["days_left"], -16);
}

TEST(Webhook, SlackBlocks) {
  const Message message = testing::sample_digest();
  const RenderedMessage rendered = render_sample(message);
  const json body = body_of(build_webhook(rendered, message, general_unit(),
                                          settings(WebhookFormat::kSlack), {}, "", kNow, bogota()));
  EXPECT_EQ(body["text"], rendered.subject);
  const json& blocks = body["blocks"];
  ASSERT_EQ(blocks.size(), 8u);  // header, six sections, context
  EXPECT_EQ(blocks[0]["type"], "header");
  EXPECT_EQ(blocks[0]["text"]["type"], "plain_text");
  EXPECT_LE(blocks[0]["text"]["text"].get<std::string>().size(), 150u);
  for (size_t i = 1; i <= 6; ++i) {
    EXPECT_EQ(blocks[i]["type"], "section");
    EXPECT_EQ(blocks[i]["text"]["type"], "mrkdwn");
  }
  EXPECT_EQ(blocks[1]["text"]["text"],
            "*Vencen hoy*\n• *1.5 Actualizar el mapa de riesgos de corrupción* — entregable: Mapa "
            "de riesgos actualizado · plazo: 23 de noviembre de 2023, vence hoy · responsable · "
            "avance 66 %");
  EXPECT_EQ(blocks[5]["text"]["text"].get<std::string>().rfind(
                "*Reporte de seguimiento*\nSeguimiento PAAC, corte del 29 de diciembre de 2023", 0),
            0u);
  EXPECT_EQ(blocks[7]["type"], "context");
  EXPECT_EQ(blocks[7]["elements"][0]["text"], "plazo · ref. " + message.key);
}

TEST(Webhook, SlackEscapesControlCharactersAndSplitsLongSections) {
  Message message;
  message.day = testing::day("2023-11-23");
  for (int i = 0; i < 120; ++i) {
    message.items.push_back(testing::item(ItemKind::kOverdue, "9." + std::to_string(i),
                                          "Revisar <!channel> & informar en el sistema de gestión",
                                          "Acta firmada por el comité", "2023-11-20", -3,
                                          Role::kResponsible, 10));
  }
  const json body = body_of(build_webhook(render_sample(message), message, general_unit(),
                                          settings(WebhookFormat::kSlack), {}, "", kNow, bogota()));
  const json& blocks = body["blocks"];
  ASSERT_LE(blocks.size(), 50u);
  ASSERT_GT(blocks.size(), 3u);
  size_t listed = 0;
  for (size_t i = 1; i + 1 < blocks.size(); ++i) {
    const std::string text = blocks[i]["text"]["text"];
    EXPECT_LE(text.size(), 3000u);
    EXPECT_EQ(text.find("<!channel>"), std::string::npos);
    for (size_t at = text.find("&lt;!channel&gt; &amp; informar"); at != std::string::npos;
         at = text.find("&lt;!channel&gt; &amp; informar", at + 1)) {
      ++listed;
    }
  }
  EXPECT_EQ(listed, 120u);  // every item, over several sections
}

TEST(Webhook, TeamsAdaptiveCard) {
  const Message message = testing::sample_digest();
  const RenderedMessage rendered = render_sample(message);
  const json body = body_of(build_webhook(rendered, message, general_unit(),
                                          settings(WebhookFormat::kTeams), {}, "", kNow, bogota()));
  EXPECT_EQ(body["type"], "message");
  ASSERT_EQ(body["attachments"].size(), 1u);
  const json& attachment = body["attachments"][0];
  EXPECT_EQ(attachment["contentType"], "application/vnd.microsoft.card.adaptive");
  const json& card = attachment["content"];
  EXPECT_EQ(card["type"], "AdaptiveCard");
  EXPECT_EQ(card["$schema"], "http://adaptivecards.io/schemas/adaptive-card.json");
  EXPECT_EQ(card["version"], "1.4");
  const json& elements = card["body"];
  for (const auto& element : elements) {
    EXPECT_EQ(element["type"], "TextBlock");
    EXPECT_EQ(element["wrap"], true);
  }
  EXPECT_EQ(elements[0]["text"], rendered.subject);
  EXPECT_EQ(elements[0]["weight"], "Bolder");
  EXPECT_EQ(elements[1]["text"], "Vencen hoy");
  EXPECT_EQ(elements[1]["weight"], "Bolder");
  EXPECT_EQ(elements[2]["text"],
            "**1.5 Actualizar el mapa de riesgos de corrupción** — entregable: Mapa de riesgos "
            "actualizado · plazo: 23 de noviembre de 2023, vence hoy · responsable · avance 66 %");
  // subject + 6 headings + report intro + 9 item lines + footer
  EXPECT_EQ(elements.size(), 18u);
  EXPECT_EQ(elements.back()["text"], "plazo · ref. " + message.key);
}

TEST(Webhook, GoogleChatText) {
  Message message;
  message.day = testing::day("2023-11-23");
  message.key = "k1";
  message.items.push_back(testing::item(ItemKind::kToday, "1.5", "Actualizar el mapa", "",
                                        "2023-11-23", 0, Role::kResponsible, 66));
  message.items.push_back(testing::item(ItemKind::kOverdue, "3.6", "Medir", "Informe", "2023-11-20",
                                        -3, Role::kCoResponsible, std::nullopt));
  const json body =
      body_of(build_webhook(render_sample(message), message, general_unit(),
                            settings(WebhookFormat::kGoogleChat), {}, "", kNow, bogota()));
  ASSERT_EQ(body.size(), 1u);
  EXPECT_EQ(body["text"],
            "*[PAAC] Secretaría General: 1 vence hoy, 1 vencida*\n"
            "\n*Vencen hoy*\n"
            "• *1.5 Actualizar el mapa* — plazo: 23 de noviembre de 2023, vence hoy · responsable "
            "· avance 66 %\n"
            "\n*Vencidas*\n"
            "• *3.6 Medir* — entregable: Informe · plazo: 20 de noviembre de 2023, vencida hace 3 "
            "días hábiles · corresponsable · sin avance registrado\n"
            "\nplazo · ref. k1");
}

TEST(Webhook, MattermostMarkdown) {
  Message message;
  message.day = testing::day("2023-11-23");
  message.key = "k2";
  message.items.push_back(testing::item(ItemKind::kUpcoming, "2.1", "Publicar el *PAAC*_v2", "",
                                        "2023-11-30", 5, Role::kResponsible, 50));
  const json body =
      body_of(build_webhook(render_sample(message), message, general_unit(),
                            settings(WebhookFormat::kMattermost), {}, "", kNow, bogota()));
  ASSERT_EQ(body.size(), 1u);
  EXPECT_EQ(body["text"],
            "#### \\[PAAC\\] Secretaría General: 1 próxima a vencer\n"
            "\n**Próximos vencimientos**\n"
            "- **2.1 Publicar el \\*PAAC\\*\\_v2** — plazo: 30 de noviembre de 2023, faltan 5 "
            "días hábiles · responsable · avance 50 %\n"
            "\nplazo · ref. k2");
}

TEST(Webhook, ChatTextStaysUnderTheServiceLimit) {
  Message message;
  message.day = testing::day("2023-11-23");
  for (int i = 0; i < 200; ++i) {
    message.items.push_back(testing::item(ItemKind::kUpcoming, "5." + std::to_string(i),
                                          std::string(60, 'x'), "", "2023-11-30", 5,
                                          Role::kResponsible, 50));
  }
  const RenderedMessage rendered = render_sample(message);
  const json chat =
      body_of(build_webhook(rendered, message, general_unit(), settings(WebhookFormat::kGoogleChat),
                            {}, "", kNow, bogota()));
  const std::string text = chat["text"];
  EXPECT_LE(text.size(), 4000u);
  EXPECT_NE(text.find("elementos más."), std::string::npos);
  const json teams = body_of(build_webhook(
      rendered, message, general_unit(), settings(WebhookFormat::kTeams), {}, "", kNow, bogota()));
  EXPECT_LE(teams.dump().size(), 28u * 1024u);
}

}  // namespace
}  // namespace plazo
