#include "importer/html_text.h"

#include <gtest/gtest.h>

namespace plazo {
namespace {

TEST(HtmlToText, ParagraphsBreaksAndListItemsEndLines) {
  EXPECT_EQ(html_to_text("<p>Uno</p> <p>Dos<br>Tres<br/>Cuatro</p>"), "Uno\nDos\nTres\nCuatro");
  EXPECT_EQ(
      html_to_text("Temas:<ul style=\"list-style-type: none\"> <li>• A</li> <li>• B</li></ul>"),
      "Temas:\n• A\n• B");
}

TEST(HtmlToText, OtherTagsAreRemoved) {
  EXPECT_EQ(
      html_to_text("<strong>Se</strong> <em>publicó</em> <span class=\"x\">el</span> informe"),
      "Se publicó el informe");
}

TEST(HtmlToText, LinksKeepTheirText) {
  EXPECT_EQ(html_to_text("Ver <a href=\"https://itagui.gov.co/x\">https://itagui.gov.co/x</a>"),
            "Ver https://itagui.gov.co/x");
  EXPECT_EQ(html_to_text("la <a href=\"http://www.itagui.gov.co\">sede</a> web"),
            "la sede (http://www.itagui.gov.co) web");
  EXPECT_EQ(html_to_text("<a href='mailto:paac@itagui.gov.co'>paac@itagui.gov.co</a>"),
            "paac@itagui.gov.co");
  EXPECT_EQ(html_to_text("enlace: <a href=\"https://a.co/?x=1&amp;y=2\"></a>"),
            "enlace: https://a.co/?x=1&y=2");
  EXPECT_EQ(html_to_text("<A HREF=\"https://a.co\">Aquí</A>"), "Aquí (https://a.co)");
}

TEST(HtmlToText, EntitiesAreDecoded) {
  EXPECT_EQ(html_to_text("<p>Informe &quot;anual&quot; &amp; anexos</p>"),
            "Informe \"anual\" & anexos");
  EXPECT_EQ(html_to_text("<p>Gesti&oacute;n&nbsp;de&#160;la informaci&#xF3;n &ntilde;</p>"),
            "Gestión de la información ñ");
  EXPECT_EQ(html_to_text("<p>R&D &unknown; &#;</p>"), "R&D &unknown; &#;");
}

TEST(HtmlToText, CommentsScriptsAndStraySigns) {
  EXPECT_EQ(html_to_text("<p>a<!-- nota --> b</p><script>alert(1)</script><style>p{}</style>c"),
            "a b\nc");
  EXPECT_EQ(html_to_text("<p>si a < b y b > c</p>"), "si a < b y b > c");
  EXPECT_EQ(html_to_text("<p>sin cierre <b"), "sin cierre <b");
}

TEST(HtmlToText, WhitespaceIsTidied) {
  EXPECT_EQ(html_to_text("<p>  uno \t  dos  </p>\n\n<p></p><p> tres</p>"), "uno dos\ntres");
}

TEST(CleanCellText, PlainCellsAreOnlyTrimmed) {
  EXPECT_FALSE(looks_like_html("Avance del 50% en a < b"));
  EXPECT_TRUE(looks_like_html("uno<br>dos"));
  EXPECT_TRUE(looks_like_html("Gesti&oacute;n"));
  EXPECT_EQ(clean_cell_text("  descentralizadas:  Juventudes \r\nsigue  "),
            "descentralizadas:  Juventudes \nsigue");
  EXPECT_EQ(clean_cell_text("<p>Uno</p><p>Dos</p>"), "Uno\nDos");
}

}  // namespace
}  // namespace plazo
