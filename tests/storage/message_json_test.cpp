#include "storage/message_json.h"

#include <gtest/gtest.h>

namespace plazo {
namespace {

Date day(const char* text) {
  return *parse_iso_date(text);
}

Message full_message() {
  Message m;
  m.at = Instant{day("2023-11-23").time_since_epoch()} + std::chrono::hours{13} +
         std::chrono::seconds{7};
  m.day = day("2023-11-23");
  m.unit_id = "general";
  m.channel = Channel::kWebhook;
  m.key = "0123456789abcdef0123456789abcdef";
  MessageItem upcoming;
  upcoming.kind = ItemKind::kUpcoming;
  upcoming.role = Role::kCoResponsible;
  upcoming.activity = "2.1";
  upcoming.plan = "Plan de Acción \"Itagüí\"";
  upcoming.plan_year = 2023;
  upcoming.title = "Publicar el informe \"trimestral\"\nen la sede electrónica";
  upcoming.deliverable = "Informe publicado";
  upcoming.deadline = day("2023-11-30");
  upcoming.days_left = 5;
  upcoming.progress = 66;
  upcoming.evidence = {"https://itagui.gov.co/uploads/informe.pdf",
                       "http://www.itagui.gov.co/?a=1&b=\"2\""};
  MessageItem escalation;
  escalation.kind = ItemKind::kEscalation;
  escalation.role = Role::kOversight;
  escalation.activity = "3.6";
  escalation.plan = "PAAC";
  escalation.plan_year = 2022;
  escalation.deadline = day("2023-10-31");
  escalation.days_left = -16;
  escalation.units = {"general", "tic"};
  MessageItem report;
  report.kind = ItemKind::kReportDue;
  report.role = Role::kPublisher;
  report.deadline = day("2023-12-31");
  report.progress = 0;
  report.cycle = "Seguimiento PAAC";
  report.cutoff = day("2023-12-31");
  m.items = {upcoming, escalation, report};
  return m;
}

void expect_same(const Message& a, const Message& b) {
  EXPECT_EQ(a.at, b.at);
  EXPECT_EQ(a.day, b.day);
  EXPECT_EQ(a.unit_id, b.unit_id);
  EXPECT_EQ(a.channel, b.channel);
  EXPECT_EQ(a.key, b.key);
  ASSERT_EQ(a.items.size(), b.items.size());
  for (size_t i = 0; i < a.items.size(); ++i) {
    SCOPED_TRACE("item " + std::to_string(i));
    const MessageItem& x = a.items[i];
    const MessageItem& y = b.items[i];
    EXPECT_EQ(x.kind, y.kind);
    EXPECT_EQ(x.role, y.role);
    EXPECT_EQ(x.activity, y.activity);
    EXPECT_EQ(x.plan, y.plan);
    EXPECT_EQ(x.plan_year, y.plan_year);
    EXPECT_EQ(x.title, y.title);
    EXPECT_EQ(x.deliverable, y.deliverable);
    EXPECT_EQ(x.deadline, y.deadline);
    EXPECT_EQ(x.days_left, y.days_left);
    EXPECT_EQ(x.progress, y.progress);
    EXPECT_EQ(x.evidence, y.evidence);
    EXPECT_EQ(x.units, y.units);
    EXPECT_EQ(x.cycle, y.cycle);
    EXPECT_EQ(x.cutoff, y.cutoff);
  }
}

TEST(MessageJson, RoundTripIsLossless) {
  const Message original = full_message();
  auto back = message_from_json_text(dump_json(message_to_json(original)));
  ASSERT_TRUE(back.ok()) << back.error().message;
  expect_same(*back, original);
  EXPECT_EQ(idempotency_key(*back), idempotency_key(original));
}

TEST(MessageJson, EveryKindAndRoleRoundTrips) {
  for (ItemKind kind : {ItemKind::kUpcoming, ItemKind::kToday, ItemKind::kOverdue,
                        ItemKind::kEscalation, ItemKind::kReportDue, ItemKind::kPublishDue}) {
    for (Role role :
         {Role::kResponsible, Role::kCoResponsible, Role::kOversight, Role::kPublisher}) {
      Message m;
      m.items.push_back(MessageItem{});
      m.items[0].kind = kind;
      m.items[0].role = role;
      auto back = message_from_json(message_to_json(m));
      ASSERT_TRUE(back.ok()) << back.error().message;
      EXPECT_EQ(back->items[0].kind, kind);
      EXPECT_EQ(back->items[0].role, role);
    }
  }
}

TEST(MessageJson, DocumentHasTheStoredShape) {
  Message m;
  m.at = Instant{day("2023-11-23").time_since_epoch()} + std::chrono::hours{13};
  m.day = day("2023-11-23");
  m.unit_id = "general";
  m.key = "k";
  MessageItem item;
  item.activity = "2.1";
  item.title = "Título";
  item.deadline = day("2023-11-30");
  item.days_left = 5;
  m.items = {item};
  EXPECT_EQ(dump_json(message_to_json(m)),
            R"({"at":"2023-11-23T13:00:00Z","channel":"email","day":"2023-11-23",)"
            R"("items":[{"activity":"2.1","cutoff":null,"cycle":"","days_left":5,)"
            R"("deadline":"2023-11-30","deliverable":"","kind":"upcoming","progress":null,)"
            R"("role":"responsible","title":"Título","units":[]}],"key":"k",)"
            R"("unit_id":"general","version":1})");
}

TEST(MessageJson, StoredTextIsTheDumpOfTheTree) {
  Message webhook = full_message();
  webhook.channel = Channel::kWebhook;
  webhook.target = "planeacion-teams";
  Message odd = full_message();
  odd.items[0].title = "bad \xff byte, \"quoted\"\n\x01";
  odd.items[0].cutoff.reset();
  odd.items[0].progress.reset();
  odd.items[0].days_left = -16;
  odd.items[0].evidence.clear();
  for (const Message& m : {full_message(), webhook, odd, Message{}}) {
    EXPECT_EQ(message_json_text(m), dump_json(message_to_json(m)));
  }
  auto back = message_from_json_text(message_json_text(webhook));
  ASSERT_TRUE(back.ok()) << back.error().message;
  expect_same(*back, webhook);
  EXPECT_EQ(back->target, "planeacion-teams");
}

TEST(MessageJson, StoredTextIsReadDirectlyToWhatTheGeneralReaderReads) {
  Message webhook = full_message();
  webhook.target = "planeacion-teams";
  Message odd = full_message();
  odd.items[0].title = "tab\t, nul \x01, quote \" and backslash \\ / ñ 𝄞";
  odd.items[0].cutoff.reset();
  odd.items[0].progress.reset();
  odd.items[1].days_left = 0;
  odd.items[1].evidence = {"https://a.example.org/ñ"};
  odd.items[2].days_left = -2147483647 - 1;
  odd.items[2].units = {};
  Message empty;
  empty.key = "k";
  for (const Message& m : {full_message(), webhook, odd, empty}) {
    const std::string text = message_json_text(m);
    SCOPED_TRACE(text);
    auto direct = read_stored_message(text);
    ASSERT_TRUE(direct.has_value()) << "the stored form is read directly";
    auto general = message_from_json(nlohmann::json::parse(text));
    ASSERT_TRUE(general.ok()) << general.error().message;
    expect_same(*direct, *general);
    EXPECT_EQ(direct->target, general->target);
    EXPECT_EQ(direct->at, general->at);
    EXPECT_EQ(direct->day, general->day);
  }
}

TEST(MessageJson, AnyOtherTextGoesTheGeneralWayWithItsErrors) {
  const std::string stored = message_json_text(full_message());
  const auto replaced = [&](const std::string& from, const std::string& to) {
    std::string text = stored;
    const size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return text.replace(at, from.size(), to);
  };
  // Valid JSON of the same message, not in the stored form: read the
  // general way, to the same message.
  for (const std::string& text : {
           std::string(" ") + stored,
           replaced("\"key\":", "\"key\" : "),
           replaced("electrónica", "electr\\u00f3nica"),
           nlohmann::ordered_json::parse(replaced("{\"at\"", "{\"version\":1,\"at\"")).dump(),
       }) {
    SCOPED_TRACE(text);
    EXPECT_FALSE(read_stored_message(text).has_value());
    auto read = message_from_json_text(text);
    ASSERT_TRUE(read.ok()) << read.error().message;
    expect_same(*read, full_message());
  }
  // Wrong texts: not read directly, and the general reader's error.
  const std::vector<std::pair<std::string, std::string>> wrong = {
      {replaced("\"days_left\":5", "\"days_left\":5.0"),
       "The message JSON has no valid \"days_left\" in item 1 (expected an integer)."},
      {replaced("\"days_left\":5", "\"days_left\":05"), "The message JSON cannot be parsed."},
      {replaced("\"kind\":\"upcoming\"", "\"kind\":\"someday\""),
       "The message JSON has no valid \"kind\" in item 1 (expected an item kind)."},
      {replaced("\"evidence\":[\"", "\"evidence\":[1,\""),
       "The message JSON has no valid \"evidence\" in item 1 (expected an array of links)."},
      {replaced("\"plan_year\":2023", "\"plan_year\":\"2023\""),
       "The message JSON has no valid \"plan_year\" in item 1 (expected an integer)."},
      {replaced("\"version\":1", "\"version\":2"),
       "The message JSON has version 2, which this plazo cannot read."},
      {replaced("electrónica", "electr\xf3nica"), "The message JSON cannot be parsed."},
      {stored + "x", "The message JSON cannot be parsed."},
      {stored.substr(0, stored.size() - 1), "The message JSON cannot be parsed."},
  };
  for (const auto& [text, error] : wrong) {
    SCOPED_TRACE(text);
    EXPECT_FALSE(read_stored_message(text).has_value());
    auto read = message_from_json_text(text);
    ASSERT_FALSE(read.ok());
    EXPECT_EQ(read.error().message, error);
  }
}

TEST(MessageJson, InvalidUtf8IsReplacedNotThrown) {
  Message m;
  m.items.push_back(MessageItem{});
  m.items[0].title = "bad \xff byte";
  const std::string text = dump_json(message_to_json(m));
  auto back = message_from_json_text(text);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->items[0].title, "bad \xef\xbf\xbd byte");  // U+FFFD
}

TEST(MessageJson, ErrorsNameTheMember) {
  auto json = message_to_json(full_message());
  json["items"][1]["days_left"] = "five";
  auto result = message_from_json(json);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message,
            "The message JSON has no valid \"days_left\" in item 2 (expected an integer).");

  json = message_to_json(full_message());
  json["at"] = "2023-11-23 13:00";
  result = message_from_json(json);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message,
            "The message JSON has no valid \"at\" in the message (expected an instant "
            "YYYY-MM-DDTHH:MM:SSZ).");

  json = message_to_json(full_message());
  json["items"][0]["kind"] = "someday";
  result = message_from_json(json);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message,
            "The message JSON has no valid \"kind\" in item 1 (expected an item kind).");

  json = message_to_json(full_message());
  json["version"] = 2;
  result = message_from_json(json);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message,
            "The message JSON has version 2, which this plazo cannot read.");

  json = message_to_json(full_message());
  json.erase("unit_id");
  result = message_from_json(json);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message,
            "The message JSON has no valid \"unit_id\" in the message (expected a string).");

  auto unparsable = message_from_json_text("{\"version\": 1,");
  ASSERT_FALSE(unparsable.ok());
  EXPECT_EQ(unparsable.error().message, "The message JSON cannot be parsed.");
  auto not_object = message_from_json_text("[1]");
  ASSERT_FALSE(not_object.ok());
  EXPECT_EQ(not_object.error().message, "The message JSON is not an object.");
}

TEST(UtcText, FormatsAndParsesExactly) {
  const Instant t = Instant{day("2024-02-29").time_since_epoch()} + std::chrono::hours{23} +
                    std::chrono::minutes{59} + std::chrono::seconds{58};
  EXPECT_EQ(format_utc(t), "2024-02-29T23:59:58Z");
  EXPECT_EQ(format_utc(Instant{} - std::chrono::seconds{1}), "1969-12-31T23:59:59Z");
  EXPECT_EQ(format_utc(Instant{day("2023-11-23").time_since_epoch()}), "2023-11-23T00:00:00Z");
  EXPECT_EQ(parse_utc("2024-02-29T23:59:58Z"), t);
  EXPECT_EQ(parse_utc("2023-02-29T00:00:00Z"), std::nullopt);
  EXPECT_EQ(parse_utc("2024-02-29T24:00:00Z"), std::nullopt);
  EXPECT_EQ(parse_utc("2024-02-29T23:59:58"), std::nullopt);
  EXPECT_EQ(parse_utc("2024-02-29T23:59:58+00:00"), std::nullopt);
  EXPECT_EQ(parse_utc("2024-02-29T2x:59:58Z"), std::nullopt);
}

}  // namespace
}  // namespace plazo
