// plazo check-config as the admin runs it: the real binary, real files.

#include <gtest/gtest.h>

#include "support/process.h"

namespace plazo::testing {
namespace {

const std::string kItagui = std::string(PLAZO_SOURCE_DIR) + "/config/examples/itagui-2023.toml";
const std::string kMinimal = std::string(PLAZO_SOURCE_DIR) + "/config/examples/minimal.toml";

TEST(CheckConfig, ItaguiExampleIsOk) {
  auto r = run_plazo({"check-config", "--config", kItagui});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "ok: " + kItagui +
                ": 12 units (12 by email, 5 by webhook), 2 cycles, channels email+webhook\n");
  EXPECT_EQ(r.err, "");
}

TEST(CheckConfig, MinimalExampleIsOk) {
  auto r = run_plazo({"check-config", "--config", kMinimal});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "ok: " + kMinimal +
                       ": 3 units (3 by email, 0 by webhook), 0 cycles, channels email+webhook\n");
  EXPECT_EQ(r.err, "");
}

TEST(CheckConfig, WarningsGoToStderrAndStillPass) {
  TempDir dir;
  const std::string path = dir.write("plazo.toml", R"([reminders]
channels = ["webhook"]
[[units]]
id = "general"
name = "Secretaría General"
)");
  auto r = run_plazo({"check-config", "--config", path});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out,
            "ok: " + path + ": 1 unit (0 by email, 0 by webhook), 0 cycles, channels webhook\n");
  EXPECT_EQ(
      r.err,
      "warning: " + path +
          ":3:1: unit \"general\" has no email address and no webhook, so it gets no "
          "reminders (add email = [\"...\"] or webhooks = [\"...\"])\n"
          "warning: " +
          path +
          ": no unit has oversight = true, so escalations after 10 days overdue go nowhere "
          "(set oversight = true on the internal-control unit, or escalate_after_days = 0)\n");
}

TEST(CheckConfig, BadFilePrintsEveryErrorAndExits78) {
  TempDir dir;
  const std::string path = dir.write("plazo.toml", R"([daemon]
timezone = "America/Bogot"

[email]
url = "smtp://127.0.0.1:25"
from = "paac@example.org"
tiemout_seconds = 30

[[units]]
id = "evaluacion"
name = "Secretaría de Evaluación y Control"
email = ["evaluacion@"]
oversight = true
)");
  auto r = run_plazo({"check-config", "--config", path});
  EXPECT_EQ(r.exit_code, 78);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, path +
                       ":2:12: [daemon] timezone: unknown time zone \"America/Bogot\" (use an IANA "
                       "zone name such as \"America/Bogota\")\n" +
                       path +
                       ":7:1: unknown key \"tiemout_seconds\" in [email] (did you mean "
                       "\"timeout_seconds\"?)\n" +
                       path +
                       ":12:10: unit \"evaluacion\" email: \"evaluacion@\" is not a valid email "
                       "address (write it as \"name@example.org\")\n" +
                       "warning: " + path +
                       ":9:1: unit \"evaluacion\" has no email address and no "
                       "webhook, so it gets no reminders (add email = [\"...\"] or "
                       "webhooks = [\"...\"])\n" +
                       "3 errors in " + path + "\n");
}

TEST(CheckConfig, SyntaxErrorIsOneError) {
  TempDir dir;
  const std::string path = dir.write("plazo.toml", "[daemon\n");
  auto r = run_plazo({"check-config", "--config", path});
  EXPECT_EQ(r.exit_code, 78);
  EXPECT_EQ(r.err, path +
                       ":1:8: Error while parsing table header: expected ']', saw '\\n' (the "
                       "file is not valid TOML; fix this first, nothing else was checked)\n"
                       "1 error in " +
                       path + "\n");
}

TEST(CheckConfig, MissingFileExits78) {
  TempDir dir;
  const std::string path = dir.file("absent.toml");
  auto r = run_plazo({"check-config", "--config", path});
  EXPECT_EQ(r.exit_code, 78);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, path +
                       ": cannot read the config file: No such file or directory (pass the "
                       "right path with --config or $PLAZO_CONFIG)\n"
                       "1 error in " +
                       path + "\n");
}

TEST(CheckConfig, HonoursPlazoConfigVariable) {
  auto r = run_plazo({"check-config"}, {{"PLAZO_CONFIG", kMinimal}});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("ok: " + kMinimal + ": ", 0), 0u) << r.out;
}

TEST(CheckConfig, ConfigOptionBeatsTheVariable) {
  TempDir dir;
  auto r =
      run_plazo({"check-config", "--config", kItagui}, {{"PLAZO_CONFIG", dir.file("absent.toml")}});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("ok: " + kItagui + ": ", 0), 0u) << r.out;
}

}  // namespace
}  // namespace plazo::testing
