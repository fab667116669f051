#include "domain/message.h"

#include <gtest/gtest.h>

namespace plazo {
namespace {

Message sample() {
  Message m;
  m.day = *parse_iso_date("2023-11-23");
  m.unit_id = "general";
  m.channel = Channel::kEmail;
  MessageItem a;
  a.kind = ItemKind::kUpcoming;
  a.activity = "2.1";
  a.deadline = *parse_iso_date("2023-11-30");
  MessageItem b;
  b.kind = ItemKind::kOverdue;
  b.activity = "3.6";
  b.deadline = *parse_iso_date("2023-11-01");
  m.items = {a, b};
  return m;
}

TEST(DistinctKinds, EachKindOnceInKindOrder) {
  Message m = sample();  // upcoming, overdue
  std::swap(m.items[0], m.items[1]);
  m.items.push_back(m.items[0]);
  m.items.back().kind = ItemKind::kPublishDue;
  m.items.push_back(m.items[0]);  // overdue again
  EXPECT_EQ(distinct_kinds(m), (std::vector<ItemKind>{ItemKind::kUpcoming, ItemKind::kOverdue,
                                                      ItemKind::kPublishDue}));
  EXPECT_TRUE(distinct_kinds(Message{}).empty());
}

TEST(IdempotencyKey, IgnoresItemOrderAndTexts) {
  Message m = sample();
  const std::string key = idempotency_key(m);
  EXPECT_EQ(key.size(), 32u);
  std::swap(m.items[0], m.items[1]);
  m.items[0].title = "reworded by a re-import";
  m.items[0].progress = 40;
  EXPECT_EQ(idempotency_key(m), key);
}

TEST(IdempotencyKey, ChangesWithIdentity) {
  const std::string key = idempotency_key(sample());
  Message other_channel = sample();
  other_channel.channel = Channel::kWebhook;
  Message other_day = sample();
  other_day.day += date::days{1};
  Message other_unit = sample();
  other_unit.unit_id = "planeacion";
  Message other_deadline = sample();
  other_deadline.items[0].deadline += date::days{1};
  EXPECT_NE(idempotency_key(other_channel), key);
  EXPECT_NE(idempotency_key(other_day), key);
  EXPECT_NE(idempotency_key(other_unit), key);
  EXPECT_NE(idempotency_key(other_deadline), key);
}

TEST(FindLinks, TakesTheLinksOfAFollowUpNote) {
  // As the seed's follow-up notes write them.
  const std::string note =
      "Publicado en la sede electrónica www.itagui.gov.co (http://www.itagui.gov.co). "
      "Se puede consultar en el siguiente link: "
      "https://itagui.gov.co/transparencia/informacion_publica, y el informe en\n"
      "HTTPS://itagui.gov.co/uploads/entidad/control/e8f24-informe.pdf.";
  EXPECT_EQ(
      find_links(note, 5),
      (std::vector<std::string>{
          "http://www.itagui.gov.co", "https://itagui.gov.co/transparencia/informacion_publica",
          "HTTPS://itagui.gov.co/uploads/entidad/control/e8f24-informe.pdf"}));
}

TEST(FindLinks, EndsWhereTheLinkEnds) {
  EXPECT_EQ(find_links("ver <https://a.org/x?b=1&c=2>, \"http://b.org/\"", 5),
            (std::vector<std::string>{"https://a.org/x?b=1&c=2", "http://b.org/"}));
  // A parenthesis inside the link stays; one closing text around it goes.
  EXPECT_EQ(
      find_links("(https://es.wikipedia.org/wiki/Itag%C3%BC%C3%AD_(Antioquia))", 5),
      (std::vector<std::string>{"https://es.wikipedia.org/wiki/Itag%C3%BC%C3%AD_(Antioquia)"}));
  EXPECT_EQ(find_links("fin: https://c.org/a;b. Listo!", 5),
            (std::vector<std::string>{"https://c.org/a;b"}));
}

TEST(FindLinks, SkipsWhatIsNotALinkAndRepeats) {
  EXPECT_TRUE(find_links("", 5).empty());
  EXPECT_TRUE(find_links("https:// y http://. y www.itagui.gov.co y ftp://x.org", 5).empty());
  EXPECT_TRUE(find_links("xhttps://a.org", 5).empty());
  EXPECT_EQ(find_links("https://a.org https://a.org https://b.org", 5),
            (std::vector<std::string>{"https://a.org", "https://b.org"}));
  EXPECT_EQ(find_links("http://1.org http://2.org http://3.org", 2),
            (std::vector<std::string>{"http://1.org", "http://2.org"}));
}

TEST(IdempotencyKey, IgnoresEvidence) {
  Message linked = sample();
  linked.items[0].evidence = {"https://a.org/informe.pdf"};
  EXPECT_EQ(idempotency_key(linked), idempotency_key(sample()));
}

}  // namespace
}  // namespace plazo
