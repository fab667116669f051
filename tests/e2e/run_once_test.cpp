#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <regex>

#include "support/loopback.h"
#include "support/process.h"

namespace plazo::testing {
namespace {

// The seed plan imported into a fresh database with the Itagüí example,
// its relay and webhooks on 127.0.0.1 ports nothing listens on: every
// delivery is refused locally and stays in the outbox to retry.
class RunOnce : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = local_example_config(dir_, free_port(), free_port());
    const std::string text = read_file(config_);
    const std::regex url(R"re(\nurl = "([^"]*)")re");
    int urls = 0;
    for (auto it = std::sregex_iterator(text.begin(), text.end(), url); it != std::sregex_iterator();
         ++it, ++urls) {
      ASSERT_EQ((*it)[1].str().find("://127.0.0.1:"), (*it)[1].str().find("://")) << (*it)[1];
    }
    ASSERT_EQ(urls, 6);  // the relay and the five webhooks
    const std::string seed = std::string(PLAZO_SEED_DIR) + "/paac-itagui-2023-seguimiento-2.txt";
    auto imported = plazo({"import", seed});
    ASSERT_EQ(imported.exit_code, 0) << imported.err;
  }
  ProcessResult plazo(std::vector<std::string> args) {
    args.insert(args.end(), {"--config", config_, "--database", dir_.file("plazo.db")});
    return run_plazo(args);
  }
  // What a --once line says of the pass, without what delivery did.
  static std::string pass_part(const std::string& out) { return out.substr(0, out.find(';')); }
  TempDir dir_;
  std::string config_;
};

TEST_F(RunOnce, EnqueuesADayOnceEvenWhenTheClockJumpsBack) {
  auto first = plazo({"run", "--once", "--now", "2023-11-23T08:00"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(pass_part(first.out),
            "pass at 2023-11-23T08:00:00-05:00: 10 messages due for 2023-11-23, 10 new in the "
            "outbox");
  EXPECT_NE(first.out.find("; delivered 0, "), std::string::npos) << first.out;
  EXPECT_NE(first.out.find(" 0 dead; 10 pending\n"), std::string::npos) << first.out;
  // The wall clock steps back a day, then forward again: nothing repeats.
  auto back = plazo({"run", "--once", "--now", "2023-11-22T08:00"});
  EXPECT_EQ(pass_part(back.out), "pass at 2023-11-22T08:00:00-05:00: 0 messages due, 0 new in the outbox");
  auto again = plazo({"run", "--once", "--now", "2023-11-23T09:00"});
  EXPECT_EQ(pass_part(again.out), "pass at 2023-11-23T09:00:00-05:00: 0 messages due, 0 new in the outbox");
  EXPECT_NE(again.out.find(" 10 pending\n"), std::string::npos) << again.out;
}

TEST_F(RunOnce, PreviewJsonFollowsTheContract) {
  auto preview = plazo({"preview", "--from", "2023-11-23", "--to", "2023-11-23", "--unit", "general",
                        "--format", "json"});
  ASSERT_EQ(preview.exit_code, 0) << preview.err;
  const auto json = nlohmann::ordered_json::parse(preview.out);
  ASSERT_TRUE(json.is_array());
  ASSERT_FALSE(json.empty());
  for (const auto& message : json) {
    std::vector<std::string> keys;
    for (const auto& [key, value] : message.items()) keys.push_back(key);
    EXPECT_EQ(keys, (std::vector<std::string>{"at", "unit", "channel", "key", "items"}));
    EXPECT_EQ(message["at"], "2023-11-23T08:00:00-05:00");
    EXPECT_EQ(message["unit"], (nlohmann::ordered_json{{"id", "general"}, {"name", "Secretaría General"}}));
    EXPECT_EQ(message["key"].get<std::string>().size(), 32u);
    for (const auto& item : message["items"]) {
      std::vector<std::string> item_keys;
      for (const auto& [key, value] : item.items()) item_keys.push_back(key);
      EXPECT_EQ(item_keys, (std::vector<std::string>{"kind", "activity", "deadline", "role"}));
    }
  }
}

}  // namespace
}  // namespace plazo::testing

namespace plazo::testing {
namespace {

// --render prints what each message says, from the built-in Spanish
// templates: the subject and the plain-text body.
TEST_F(RunOnce, PreviewRenderShowsTheSubjectAndTheText) {
  auto table = plazo({"preview", "--from", "2023-11-23", "--to", "2023-11-23", "--unit", "general",
                      "--render"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_TRUE(table.out.starts_with("=== 2023-11-23T08:00  general  email\nAsunto: "))
      << table.out;
  EXPECT_NE(table.out.find("Secretaría General"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("30 de noviembre de 2023"), std::string::npos) << table.out;

  auto json = plazo({"preview", "--from", "2023-11-23", "--to", "2023-11-23", "--unit", "general",
                     "--format", "json", "--render"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const auto messages = nlohmann::ordered_json::parse(json.out);
  ASSERT_FALSE(messages.empty());
  for (const auto& message : messages) {
    std::vector<std::string> keys;
    for (const auto& [key, value] : message.items()) keys.push_back(key);
    EXPECT_EQ(keys, (std::vector<std::string>{"at", "unit", "channel", "key", "items", "subject",
                                              "text"}));
    EXPECT_NE(table.out.find("Asunto: " + message["subject"].get<std::string>() + "\n\n" +
                             message["text"].get<std::string>()),
              std::string::npos)
        << "the table and the JSON render the same message";
  }
}

}  // namespace
}  // namespace plazo::testing
