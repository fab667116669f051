// A simulated year through the real binary: the seed plan
// (../shared/seed/paac-itagui-2023-seguimiento-2.txt) imported with
// `plazo import` under config/examples/itagui-2023.toml (its relay and
// webhooks on 127.0.0.1, as local_example_config writes it), then
// `plazo run --once --now <day>T<send_time>` on every business day of 2023,
// with tests/support/smtp_sink.py and tests/support/webhook_receiver.py
// recording what arrives. The business days come from plazo itself
// (`plazo holidays 2023` with that config, weekends per its [calendar]).
//
// Everything received is summed up and, for a few days, written out in full
// in tests/e2e/golden/seed_year_2023.txt, compared byte for byte. The file
// begins with a hand-written comment (every line up to the first line that
// does not start with '#'): why the days shown are right, checked by hand
// against the seed and the config. The test keeps that comment and compares
// the rest. To regenerate the rest after an intended change:
//
//   PLAZO_UPDATE_GOLDEN=1 build/tests/e2e/e2e_tests --gtest_filter='SimulatedYear*'
//
// then review the diff (git diff tests/e2e/golden/) and update the comment.
// Normalised, because they vary from run to run: the seconds of the email
// Date header and of the generic webhook's sent_at (the --now clock runs on
// from the send time while a run delivers). Nothing else varies: Message-IDs
// are "<key@plazo>", the keys derive from unit, channel, day and content,
// and no port or host of the test appears in what is compared.
//
// Then the whole year is walked again: every pass finds its day done, and
// the servers receive nothing more.

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "config/config.h"
#include "domain/dates.h"
#include "support/loopback.h"
#include "support/process.h"

namespace plazo::testing {
namespace {

const std::string kGolden = std::string(PLAZO_SOURCE_DIR) + "/tests/e2e/golden/seed_year_2023.txt";
const std::string kSupport = std::string(PLAZO_SOURCE_DIR) + "/tests/support/";

// The days written out in full in the golden file (see its comment).
const std::set<std::string> kShownDays = {"2023-03-28", "2023-07-11", "2023-07-26", "2023-08-31",
                                          "2023-09-01", "2023-09-14", "2023-11-23"};

// -- Reading a received mail ----------------------------------------------------

std::string lf_lines(std::string text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    out += text[i];
  }
  return out;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::string base64_decode(std::string_view in) {
  static const std::string kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : in) {
    const size_t value = kAlphabet.find(c);
    if (value == std::string::npos) continue;  // padding, line breaks
    buffer = (buffer << 6) | static_cast<unsigned>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  return out;
}

// Quoted-printable (RFC 2045 6.7) of a body with LF line ends.
std::string quoted_printable_decode(std::string_view in) {
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '=') {
      out += in[i];
    } else if (i + 1 < in.size() && in[i + 1] == '\n') {
      ++i;  // soft line break
    } else if (i + 2 < in.size() && hex_digit(in[i + 1]) >= 0 && hex_digit(in[i + 2]) >= 0) {
      out += static_cast<char>(hex_digit(in[i + 1]) * 16 + hex_digit(in[i + 2]));
      i += 2;
    } else {
      out += '=';
    }
  }
  return out;
}

// An unfolded header value with its RFC 2047 encoded-words decoded (the
// space between two adjacent encoded-words is dropped).
std::string decode_header(const std::string& value) {
  static const std::regex kWord(R"re(=\?([^?]+)\?([BbQq])\?([^?]*)\?=)re");
  std::string out;
  auto last = value.cbegin();
  bool after_word = false;
  for (auto it = std::sregex_iterator(value.begin(), value.end(), kWord);
       it != std::sregex_iterator(); ++it) {
    const std::string between(last, value.cbegin() + it->position());
    if (!(after_word && between.find_first_not_of(" \t") == std::string::npos)) out += between;
    const std::string text = (*it)[3];
    if ((*it)[2] == "B" || (*it)[2] == "b") {
      out += base64_decode(text);
    } else {
      std::string q = text;
      std::replace(q.begin(), q.end(), '_', ' ');
      out += quoted_printable_decode(q);
    }
    last = value.cbegin() + it->position() + it->length();
    after_word = true;
  }
  out.append(last, value.cend());
  return out;
}

struct Entity {
  std::map<std::string, std::string> headers;  ///< lower-case names, unfolded values
  std::string body;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

// Headers and body of a MIME entity with LF line ends.
Entity parse_entity(const std::string& text) {
  Entity entity;
  size_t end = text.find("\n\n");
  const std::string head = text.substr(0, end);
  entity.body = end == std::string::npos ? "" : text.substr(end + 2);
  std::string name;
  std::istringstream lines(head);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) {
      if (!name.empty()) entity.headers[name] += line;  // unfolding keeps the blank
      continue;
    }
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), ::tolower);
    entity.headers[name] = line.substr(line.find_first_not_of(' ', colon + 1) == std::string::npos
                                           ? line.size()
                                           : line.find_first_not_of(' ', colon + 1));
  }
  return entity;
}

std::string boundary_of(const std::string& content_type) {
  static const std::regex kBoundary(R"re(boundary="?([^";]+)"?)re", std::regex::icase);
  std::smatch match;
  return std::regex_search(content_type, match, kBoundary) ? match[1].str() : "";
}

struct Mail {
  Entity top;
  std::string subject;  ///< decoded
  std::string text;     ///< the text/plain part, decoded
  std::vector<std::string> recipients;
};

// One message as smtp_sink.py stored it (N.eml and N.json).
Mail read_mail(const std::string& base) {
  Mail mail;
  mail.top = parse_entity(lf_lines(read_file(base + ".eml")));
  mail.subject = decode_header(mail.top.header("subject"));
  const auto meta = nlohmann::json::parse(read_file(base + ".json"));
  for (const auto& r : meta["rcpt_tos"]) mail.recipients.push_back(r.get<std::string>());
  const std::string boundary = boundary_of(mail.top.header("content-type"));
  std::vector<Entity> parts;
  if (boundary.empty()) {
    parts.push_back(mail.top);
  } else {
    const std::string delimiter = "--" + boundary;
    const std::string& body = mail.top.body;
    size_t at = body.find(delimiter);
    while (at != std::string::npos) {
      size_t start = body.find('\n', at);
      if (start == std::string::npos || body.compare(at + delimiter.size(), 2, "--") == 0) break;
      size_t next = body.find("\n" + delimiter, start);
      parts.push_back(parse_entity(body.substr(
          start + 1, next == std::string::npos ? std::string::npos : next - start - 1)));
      at = next == std::string::npos ? next : next + 1;
    }
  }
  for (const auto& part : parts) {
    if (part.header("content-type").rfind("text/plain", 0) != 0) continue;
    const std::string encoding = part.header("content-transfer-encoding");
    if (encoding == "quoted-printable") {
      mail.text = quoted_printable_decode(part.body);
    } else if (encoding == "base64") {
      mail.text = lf_lines(base64_decode(part.body));
    } else {
      mail.text = part.body;
    }
  }
  return mail;
}

// -- Sections of a digest ---------------------------------------------------------

// Items per section of the digest, in the templates' order.
constexpr const char* kSections[] = {
    "Vencen hoy",   "Próximos vencimientos",  "Vencidas",
    "Escalamiento", "Reporte de seguimiento", "Publicación del seguimiento"};
constexpr size_t kSectionCount = std::size(kSections);
// The same sections as the generic webhook's item kinds name them.
constexpr const char* kKinds[] = {"today",      "upcoming",   "overdue",
                                  "escalation", "report_due", "publish_due"};
using Counts = std::array<int, kSectionCount>;

Counts& operator+=(Counts& a, const Counts& b) {
  for (size_t i = 0; i < kSectionCount; ++i) a[i] += b[i];
  return a;
}

// Counts the "* " items under each section heading of a plain-text digest;
// a heading that states its count ("Vencidas (3):") must agree with it.
Counts count_sections(const std::string& text) {
  Counts counts{};
  std::optional<size_t> section;
  std::optional<int> stated;
  auto close = [&] {
    if (section && stated) {
      EXPECT_EQ(counts[*section], *stated) << kSections[*section] << "\n" << text;
    }
  };
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line == "--") break;  // the footer
    bool heading = false;
    for (size_t i = 0; i < kSectionCount; ++i) {
      const std::string name = kSections[i];
      if (line.rfind(name + ":", 0) == 0 || line.rfind(name + " (", 0) == 0) {
        close();
        section = i;
        stated.reset();
        if (line[name.size()] == ' ') stated = std::atoi(line.c_str() + name.size() + 2);
        heading = true;
      }
    }
    if (!heading && section && line.rfind("* ", 0) == 0) ++counts[*section];
  }
  close();
  return counts;
}

// -- What arrived -------------------------------------------------------------------

struct Received {
  std::string unit;
  std::string route;  ///< "correo" or the webhook's name
  std::string key;
  std::optional<Counts> counts;  ///< email text, or the generic webhook's items
  std::string shown;             ///< the message as the golden file shows it
};

std::string seconds_masked(std::string text, const std::regex& pattern) {
  return std::regex_replace(text, pattern, "$1SS$2");
}

Received from_mail(const Mail& mail, const std::map<std::string, std::string>& unit_of_address) {
  Received r;
  r.route = "correo";
  r.unit = mail.recipients.empty()                          ? "?"
           : unit_of_address.count(mail.recipients[0]) != 0 ? unit_of_address.at(mail.recipients[0])
                                                            : "?" + mail.recipients[0];
  r.key = mail.top.header("x-plazo-key");
  r.counts = count_sections(mail.text);
  // "Tue, 11 Jul 2023 13:00:02 +0000": the seconds are those of the run.
  static const std::regex kDateSeconds(R"re(^(.* \d\d:\d\d:)\d\d( .*)$)re");
  std::string recipients;
  for (const auto& a : mail.recipients) recipients += (recipients.empty() ? "" : ", ") + a;
  std::ostringstream out;
  out << "--- correo a " << r.unit << " (sobre: " << recipients << ")\n";
  out << "Date: " << seconds_masked(mail.top.header("date"), kDateSeconds) << "\n";
  for (const char* name : {"From", "To", "Subject", "Message-ID", "Auto-Submitted"}) {
    std::string key = name;
    std::transform(key.begin(), key.end(), key.begin(), ::tolower);
    out << name << ": " << decode_header(mail.top.header(key)) << "\n";
  }
  out << "\n" << mail.text;
  if (!mail.text.empty() && mail.text.back() != '\n') out << "\n";
  r.shown = out.str();
  return r;
}

Received from_webhook(
    const nlohmann::json& request,
    const std::map<std::string, std::pair<std::string, std::string>>& hook_of_path) {
  Received r;
  const std::string path = request["path"];
  const auto found = hook_of_path.find(path);
  r.route = found == hook_of_path.end() ? "?" + path : found->second.first;
  r.unit = found == hook_of_path.end() ? "?" : found->second.second;
  const auto& headers = request["headers"];
  r.key = headers.value("Idempotency-Key", "");
  auto body = nlohmann::ordered_json::parse(request["body"].get<std::string>(), nullptr, false);
  if (body.is_object() && body.contains("sent_at")) {
    static const std::regex kSentAtSeconds(R"re(^(.*T\d\d:\d\d:)\d\d([+-].*)$)re");
    body["sent_at"] = seconds_masked(body["sent_at"].get<std::string>(), kSentAtSeconds);
  }
  if (body.is_object() && body.contains("items")) {
    Counts counts{};
    for (const auto& item : body["items"]) {
      for (size_t i = 0; i < kSectionCount; ++i) {
        if (item.value("kind", "") == kKinds[i]) ++counts[i];
      }
    }
    r.counts = counts;
  }
  std::ostringstream out;
  out << "--- webhook " << r.route << " de " << r.unit << ": "
      << request["method"].get<std::string>() << " " << path << "\n";
  out << "Content-Type: " << headers.value("Content-Type", "") << "\n";
  out << "Idempotency-Key: " << r.key << "\n\n";
  out << body.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  r.shown = out.str();
  return r;
}

// -- The golden file ----------------------------------------------------------------

// The leading '#' lines of the golden file: the hand-written part.
std::string golden_comment(const std::string& golden) {
  std::string comment;
  std::istringstream lines(golden);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("#", 0) != 0) break;
    comment += line + "\n";
  }
  return comment;
}

std::string pad(const std::string& text, size_t width) {
  size_t chars = 0;
  for (unsigned char c : text) chars += (c & 0xC0) != 0x80;
  return chars >= width ? text : text + std::string(width - chars, ' ');
}

std::string pad_left(const std::string& text, size_t width) {
  return text.size() >= width ? text : std::string(width - text.size(), ' ') + text;
}

constexpr const char* kWeekdays[] = {"lun", "mar", "mié", "jue", "vie", "sáb", "dom"};

using Year = std::map<std::string, std::vector<Received>>;  // by day, sorted

std::string golden_body(const Year& year, const std::vector<std::string>& business_days) {
  std::ostringstream out;
  // Totals per unit and route.
  std::map<std::pair<std::string, std::string>, std::pair<int, std::optional<Counts>>> totals;
  size_t messages = 0;
  for (const auto& [day, received] : year) {
    for (const auto& r : received) {
      auto& [count, kinds] = totals[{r.unit, r.route}];
      ++count;
      ++messages;
      if (r.counts) {
        if (!kinds) kinds = Counts{};
        *kinds += *r.counts;
      }
    }
  }
  out << "== Totales de 2023: " << business_days.size() << " días hábiles, " << messages
      << " mensajes recibidos ==\n";
  out << "Por unidad y vía; las columnas son los apartados del resumen (ítems).\n"
      << "Un webhook de formato teams, slack, google_chat o mattermost no lleva los ítems\n"
      << "por apartado: solo se cuentan sus mensajes.\n\n";
  out << pad("unidad", 26) << pad("vía", 19) << "mensajes";
  const char* short_names[] = {"hoy", "próximos", "vencidas", "escalam.", "reporte", "publicac."};
  for (const char* name : short_names) out << "  " << pad(name, 9);
  out << "\n";
  for (const auto& [id, value] : totals) {
    const auto& [count, kinds] = value;
    std::string line = pad(id.first, 26) + pad(id.second, 19) + pad_left(std::to_string(count), 8);
    if (kinds) {
      for (int n : *kinds) line += "  " + pad(pad_left(std::to_string(n), 8), 9);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << "\n";
  }

  out << "\n== Cada día hábil: mensajes recibidos (unidad: vías) ==\n";
  for (const auto& day : business_days) {
    const auto date = parse_iso_date(day);
    out << day << " " << kWeekdays[iso_weekday(*date) - 1];
    const auto it = year.find(day);
    if (it == year.end()) {
      out << "  -\n";
      continue;
    }
    std::map<std::string, std::vector<std::string>> routes;
    for (const auto& r : it->second) routes[r.unit].push_back(r.route);
    out << "  " << it->second.size() << ":";
    for (const auto& [unit, list] : routes) {
      out << " " << unit << " (";
      for (size_t i = 0; i < list.size(); ++i) out << (i ? ", " : "") << list[i];
      out << ")";
    }
    out << "\n";
  }

  for (const auto& day : kShownDays) {
    out << "\n== " << day << ": los mensajes completos ==\n";
    const auto it = year.find(day);
    if (it == year.end()) {
      out << "(ninguno)\n";
      continue;
    }
    for (const auto& r : it->second) out << "\n" << r.shown;
  }
  return out.str();
}

// -- The test -------------------------------------------------------------------------

struct PassLine {
  int due = -1, fresh = -1, delivered = -1, retry = -1, dead = -1, pending = -1;
};

// "pass at T: N messages due[ for D], N new in the outbox; delivered N, N to
// retry, N dead; N pending"
std::optional<PassLine> parse_pass(const std::string& out) {
  static const std::regex kLine(
      R"re(^pass at \S+: (\d+) messages due(?: for \S+)?, (\d+) new in the outbox; delivered (\d+), (\d+) to retry, (\d+) dead; (\d+) pending\n$)re");
  std::smatch m;
  if (!std::regex_match(out, m, kLine)) return std::nullopt;
  return PassLine{std::stoi(m[1]), std::stoi(m[2]), std::stoi(m[3]),
                  std::stoi(m[4]), std::stoi(m[5]), std::stoi(m[6])};
}

size_t count_mails(const std::string& dir) {
  size_t n = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    n += entry.path().extension() == ".json";
  }
  return n;
}

std::vector<std::string> webhook_lines(const std::string& log) {
  std::vector<std::string> lines;
  std::istringstream in(read_file(log));
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

class SimulatedYear : public ::testing::Test {
 protected:
  void SetUp() override {
    mail_dir_ = dir_.file("mail");
    hooks_log_ = dir_.file("webhooks.jsonl");
    const unsigned short smtp_port = free_port();
    const unsigned short hook_port = free_port();
    smtp_ = std::make_unique<LocalServer>(
        std::vector<std::string>{"/usr/bin/python3", kSupport + "smtp_sink.py", "--port",
                                 std::to_string(smtp_port), "--dir", mail_dir_},
        smtp_port);
    ASSERT_TRUE(smtp_->ready()) << smtp_->diagnostics();
    hooks_ = std::make_unique<LocalServer>(
        std::vector<std::string>{"/usr/bin/python3", kSupport + "webhook_receiver.py", "--port",
                                 std::to_string(hook_port), "--log", hooks_log_},
        hook_port);
    ASSERT_TRUE(hooks_->ready()) << hooks_->diagnostics();
    config_path_ = local_example_config(dir_, smtp_port, hook_port);
    auto loaded = load_config(config_path_);
    ASSERT_TRUE(loaded.ok()) << loaded.errors.at(0).to_string();
    config_ = *loaded.config;
    for (const auto& unit : config_.units) {
      for (const auto& address : unit.emails) unit_of_address_[address] = unit.id;
      for (const auto& hook : unit.webhooks) {
        const std::string url = config_.webhooks.at(hook).url;
        const std::string path = url.substr(url.find('/', url.find("://") + 3));
        hook_of_path_[path] = {hook, unit.id};
      }
    }
    auto imported =
        plazo({"import", std::string(PLAZO_SEED_DIR) + "/paac-itagui-2023-seguimiento-2.txt"});
    ASSERT_EQ(imported.exit_code, 0) << imported.err;
  }

  ProcessResult plazo(std::vector<std::string> args) {
    args.insert(args.end(), {"--config", config_path_, "--database", dir_.file("plazo.db")});
    return run_plazo(args);
  }

  // Business days of `year` as plazo's calendar (and the config) has them.
  std::vector<std::string> business_days(int year) {
    auto listed = plazo({"holidays", std::to_string(year)});
    EXPECT_EQ(listed.exit_code, 0) << listed.err;
    std::set<std::string> closed;
    std::istringstream lines(listed.out);
    static const std::regex kDay(R"re(^(\d{4}-\d\d-\d\d)  .*)re");
    for (std::string line; std::getline(lines, line);) {
      std::smatch m;
      if (std::regex_match(line, m, kDay)) closed.insert(m[1]);
    }
    EXPECT_FALSE(closed.empty()) << listed.out;
    std::vector<std::string> days;
    for (Date d = *make_date(year, 1, 1); year_of(d) == year; d += date::days(1)) {
      const unsigned weekday = iso_weekday(d);
      const bool workday =
          weekday <= 5 || (weekday == 6 && config_.calendar.saturday_is_business_day);
      if (workday && closed.count(format_iso_date(d)) == 0) days.push_back(format_iso_date(d));
    }
    return days;
  }

  std::string send_time() const {
    const auto minutes = config_.daemon.send_time.count();
    char text[8];
    std::snprintf(text, sizeof text, "%02d:%02d", static_cast<int>(minutes / 60),
                  static_cast<int>(minutes % 60));
    return text;
  }

  TempDir dir_;
  std::string mail_dir_;
  std::string hooks_log_;
  std::unique_ptr<LocalServer> smtp_;
  std::unique_ptr<LocalServer> hooks_;
  std::string config_path_;
  Config config_;
  std::map<std::string, std::string> unit_of_address_;
  std::map<std::string, std::pair<std::string, std::string>> hook_of_path_;  // name, unit
};

TEST_F(SimulatedYear, EveryBusinessDayOf2023ThroughTheRealBinaryMatchesTheGoldenFile) {
  const std::vector<std::string> days = business_days(2023);
  ASSERT_FALSE(days.empty());
  const std::string at = "T" + send_time();

  Year year;
  std::set<std::string> keys;
  size_t mails = 0;
  size_t hooks = 0;
  for (const auto& day : days) {
    SCOPED_TRACE(day);
    auto run = plazo({"run", "--once", "--now", day + at});
    ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
    const auto pass = parse_pass(run.out);
    ASSERT_TRUE(pass) << run.out;
    EXPECT_EQ(pass->due, pass->fresh) << run.out;
    EXPECT_EQ(pass->delivered, pass->fresh) << run.out;
    EXPECT_EQ(pass->retry + pass->dead + pass->pending, 0) << run.out << run.err;
    // Both servers record a message before they acknowledge it, so what
    // plazo counted as delivered is there when it exits.
    ASSERT_TRUE(eventually([&] {
      return count_mails(mail_dir_) + webhook_lines(hooks_log_).size() ==
             mails + hooks + static_cast<size_t>(pass->delivered);
    })) << run.out;
    std::vector<Received> received;
    const size_t mails_now = count_mails(mail_dir_);
    for (size_t n = mails + 1; n <= mails_now; ++n) {
      received.push_back(
          from_mail(read_mail(mail_dir_ + "/" + std::to_string(n)), unit_of_address_));
    }
    const auto lines = webhook_lines(hooks_log_);
    for (size_t i = hooks; i < lines.size(); ++i) {
      received.push_back(from_webhook(nlohmann::json::parse(lines[i]), hook_of_path_));
    }
    mails = mails_now;
    hooks = lines.size();
    for (const auto& r : received) {
      EXPECT_EQ(r.unit.find('?'), std::string::npos) << r.shown;
      EXPECT_FALSE(r.key.empty()) << r.shown;
      EXPECT_TRUE(keys.insert(r.key).second) << "key sent twice: " << r.shown;
      ASSERT_TRUE(r.counts || r.route != "correo");
    }
    // A unit's webhook digest carries what its email digest does.
    for (const auto& r : received) {
      if (r.route == "correo" || !r.counts) continue;
      const auto mail = std::find_if(received.begin(), received.end(), [&](const Received& m) {
        return m.route == "correo" && m.unit == r.unit;
      });
      ASSERT_NE(mail, received.end()) << r.shown;
      EXPECT_EQ(*mail->counts, *r.counts) << r.shown << mail->shown;
    }
    // By unit; a unit's email first, then its webhooks by name.
    std::sort(received.begin(), received.end(), [](const Received& a, const Received& b) {
      const bool a_mail = a.route == "correo";
      const bool b_mail = b.route == "correo";
      return std::tie(a.unit, b_mail, a.route) < std::tie(b.unit, a_mail, b.route);
    });
    if (!received.empty()) year[day] = std::move(received);
  }

  // The seed's latest follow-up of 2.1 cites "(http://www.itagui.gov.co)":
  // its reminders carry that evidence, in the email text and in the
  // generic payload's links (its escalations reach evaluacion's generic hook).
  size_t mailed = 0;
  size_t posted = 0;
  for (const auto& [day, received] : year) {
    for (const auto& r : received) {
      if (r.shown.find("\n  Evidencia: http://www.itagui.gov.co\n") != std::string::npos) {
        mailed += r.route == "correo" ? 1 : 0;
      }
      if (r.shown.find(
              "\"rel\": \"evidence\",\n          \"href\": \"http://www.itagui.gov.co\"") !=
          std::string::npos) {
        posted += r.route == "evaluacion-hook" ? 1 : 0;
      }
    }
  }
  EXPECT_GT(mailed, 0u);
  EXPECT_GT(posted, 0u);

  const std::string current = read_file(kGolden);
  const std::string actual = golden_comment(current) + "\n" + golden_body(year, days);
  if (const char* update = std::getenv("PLAZO_UPDATE_GOLDEN"); update && *update == '1') {
    std::filesystem::create_directories(std::filesystem::path(kGolden).parent_path());
    std::ofstream(kGolden, std::ios::binary) << actual;
    std::cout << "rewrote " << kGolden << "\n";
  } else if (current != actual) {
    // This run's version stays beside the test binary, for a diff.
    const std::string kept =
        (std::filesystem::current_path() / "seed_year_2023.actual.txt").string();
    std::ofstream(kept, std::ios::binary) << actual;
    ADD_FAILURE() << "what plazo sent differs from " << kGolden << ": see diff -u " << kGolden
                  << " " << kept
                  << "; after an intended change, run with PLAZO_UPDATE_GOLDEN=1 and review the "
                     "diff";
  }

  // The year again: every day is done already; nothing more arrives.
  for (const auto& day : days) {
    SCOPED_TRACE(day);
    auto run = plazo({"run", "--once", "--now", day + at});
    ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
    const auto pass = parse_pass(run.out);
    ASSERT_TRUE(pass) << run.out;
    EXPECT_EQ(pass->due, 0) << run.out;
    EXPECT_EQ(pass->fresh + pass->delivered + pass->pending, 0) << run.out;
  }
  EXPECT_EQ(count_mails(mail_dir_), mails);
  EXPECT_EQ(webhook_lines(hooks_log_).size(), hooks);
}

}  // namespace
}  // namespace plazo::testing
