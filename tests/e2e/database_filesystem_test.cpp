// The database's filesystem fails under a running daemon (`plazo run --now
// T`, the real binary, the seed plan and the Itagüí example on 127.0.0.1):
//  - it fills up (a size-limited tmpfs, filled by the test): deliveries that
//    cannot be claimed wait, outcomes of deliveries in flight that cannot be
//    recorded are kept, a scheduling pass that cannot be recorded is tried
//    again;
//  - its files become unwritable (FS_IMMUTABLE_FL on an ext4 image mounted
//    on a loop device: ext4 then refuses writes even through files already
//    open, as a read-only filesystem would; a read-only remount or bind
//    mount is refused by the kernel while plazo holds its files open for
//    writing, and chmod does not stop root).
// In every case /readyz answers 503 naming the failure and the log says it,
// nothing committed is lost, and once the filesystem takes writes again
// /readyz is back to 200 and every pending message is delivered, once.
//
// They need root and mount(2) (tmpfs; for the ext4 one also mkfs.ext4 and
// loop devices); where the machine refuses, they skip and say why.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "daemon/loopback_http.h"
#include "storage/sqlite_store.h"
#include "support/loopback.h"
#include "support/process.h"

namespace plazo::testing {
namespace {

using namespace std::chrono_literals;

const std::string kSupport = std::string(PLAZO_SOURCE_DIR) + "/tests/support/";
// The digests of Thursday 23 November 2023 (the README's demo day): six
// emails and four webhooks (tests/e2e/run_once_test.cpp counts them too).
constexpr size_t kEmails = 6;
constexpr size_t kWebhooks = 4;
constexpr int kMessages = static_cast<int>(kEmails + kWebhooks);
// Slow, but not failed: deliveries are still in flight when the test has
// filled the disk (it takes milliseconds).
constexpr const char* kReceiverDelay = "5";

// A filesystem mounted for one test on a directory of its own, unmounted
// (lazily: a process killed by the test may still hold it for a moment)
// when destroyed.
class ScratchMount {
 public:
  /// A tmpfs of `size` ("8m") at `dir`; nullptr and `why` when refused.
  static std::unique_ptr<ScratchMount> tmpfs(const std::string& dir, const std::string& size,
                                             std::string& why) {
    std::filesystem::create_directories(dir);
    const std::string options = "size=" + size + ",mode=0755";
    if (::mount("tmpfs", dir.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options.c_str()) != 0) {
      why = "mount -t tmpfs is refused here: " + std::string(std::strerror(errno));
      return nullptr;
    }
    return std::unique_ptr<ScratchMount>(new ScratchMount(dir));
  }

  /// A new ext4 filesystem of `megabytes` in the file `image`, mounted at
  /// `dir` through a loop device; nullptr and `why` when refused.
  static std::unique_ptr<ScratchMount> ext4_image(const std::string& image, const std::string& dir,
                                                  int megabytes, std::string& why) {
    std::filesystem::create_directories(dir);
    std::string mkfs;
    for (const char* path : {"/usr/sbin/mkfs.ext4", "/sbin/mkfs.ext4"}) {
      if (::access(path, X_OK) == 0) mkfs = path;
    }
    if (mkfs.empty()) {
      why = "mkfs.ext4 is not installed (Debian: e2fsprogs)";
      return nullptr;
    }
    {
      const int fd = ::open(image.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
      const bool sized = fd >= 0 && ::ftruncate(fd, off_t{megabytes} << 20) == 0;
      if (fd >= 0) ::close(fd);
      if (!sized) {
        why = "cannot create the image " + image;
        return nullptr;
      }
    }
    auto made = run_process({mkfs, "-q", "-F", "-m", "0", image});
    if (made.exit_code != 0) {
      why = "mkfs.ext4 failed: " + made.err;
      return nullptr;
    }
    auto mounted = run_process({"/usr/bin/mount", "-o", "loop", image, dir});
    if (mounted.exit_code != 0) {
      why = "mount -o loop is refused here: " + mounted.err;
      return nullptr;
    }
    return std::unique_ptr<ScratchMount>(new ScratchMount(dir));
  }

  ~ScratchMount() { ::umount2(dir_.c_str(), MNT_DETACH); }
  ScratchMount(const ScratchMount&) = delete;
  ScratchMount& operator=(const ScratchMount&) = delete;

 private:
  explicit ScratchMount(std::string dir) : dir_(std::move(dir)) {}
  std::string dir_;
};

/// Writes `path` until the filesystem has no room left; true when it is
/// full (ENOSPC), false on any other outcome.
bool fill_up(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  const std::string chunk(1 << 16, 'x');
  int error = 0;
  for (;;) {
    const ssize_t n = ::write(fd, chunk.data(), chunk.size());
    if (n < 0) {
      error = errno;
      break;
    }
  }
  ::close(fd);
  return error == ENOSPC;
}

/// Sets or clears FS_IMMUTABLE_FL ("chattr +i"); false with `why` when the
/// filesystem does not support it.
bool set_immutable(const std::string& path, bool on, std::string& why) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    why = "cannot open " + path + ": " + std::strerror(errno);
    return false;
  }
  int flags = 0;
  bool ok = ::ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0;
  if (ok) {
    flags = on ? (flags | FS_IMMUTABLE_FL) : (flags & ~FS_IMMUTABLE_FL);
    ok = ::ioctl(fd, FS_IOC_SETFLAGS, &flags) == 0;
  }
  if (!ok) why = "chattr " + std::string(on ? "+i " : "-i ") + path + ": " + std::strerror(errno);
  ::close(fd);
  return ok;
}

class DatabaseFilesystem : public ::testing::Test {
 protected:
  void SetUp() override {
    smtp_port_ = free_port();
    hook_port_ = free_port();
    health_port_ = free_port();
    mail_dir_ = dir_.file("mail");
    hooks_log_ = dir_.file("webhooks.jsonl");
    mount_dir_ = dir_.file("db");
    database_ = mount_dir_ + "/plazo.db";
    // The example, with retries every second or two instead of 30 s.
    config_ = local_example_config(dir_, smtp_port_, hook_port_, health_port_);
    std::string text = read_file(config_);
    text = std::regex_replace(text, std::regex(R"re(\ninitial_backoff = "[^"]*")re"),
                              "\ninitial_backoff = \"1s\"");
    text = std::regex_replace(text, std::regex(R"re(\nmax_backoff = "[^"]*")re"),
                              "\nmax_backoff = \"2s\"");
    dir_.write("plazo.toml", text);
  }

  void TearDown() override {
    plazo_.reset();  // killed (if still running) before its filesystem goes
    smtp_.reset();
    hooks_.reset();
    held_.reset();
    mount_.reset();
  }

  // The seed plan, imported into the database on the mounted filesystem.
  void import_seed() {
    auto imported =
        run_plazo({"import", std::string(PLAZO_SEED_DIR) + "/paac-itagui-2023-seguimiento-2.txt",
                   "--config", config_, "--database", database_});
    ASSERT_EQ(imported.exit_code, 0) << imported.err;
  }

  void start_smtp() {
    smtp_ = std::make_unique<LocalServer>(
        std::vector<std::string>{"/usr/bin/python3", kSupport + "smtp_sink.py", "--port",
                                 std::to_string(smtp_port_), "--dir", mail_dir_},
        smtp_port_);
    ASSERT_TRUE(smtp_->ready()) << smtp_->diagnostics();
  }

  void start_webhooks(std::vector<std::string> options = {}) {
    std::vector<std::string> argv = {"/usr/bin/python3",
                                     kSupport + "webhook_receiver.py",
                                     "--port",
                                     std::to_string(hook_port_),
                                     "--log",
                                     hooks_log_};
    argv.insert(argv.end(), options.begin(), options.end());
    hooks_ = std::make_unique<LocalServer>(argv, hook_port_);
    ASSERT_TRUE(hooks_->ready()) << hooks_->diagnostics();
  }

  void start_plazo(const std::string& now) {
    plazo_ = std::make_unique<Child>(
        std::vector<std::string>{PLAZO_BINARY, "run", "--config", config_, "--database", database_,
                                 "--now", now},
        std::map<std::string, std::string>{
            {"PLAZO_CONFIG", ""}, {"PLAZO_DATABASE", ""}, {"JOURNAL_STREAM", ""}});
    ASSERT_TRUE(plazo_->started());
    ASSERT_TRUE(eventually([&] { return readyz().is_object(); })) << plazo_->err();
  }

  nlohmann::json readyz() {
    if (!probe_) probe_ = std::make_unique<HttpProbe>(health_port_);
    auto reply = probe_->get("/readyz");
    if (!reply) return nullptr;
    auto body = nlohmann::json::parse(reply->body, nullptr, false);
    if (body.is_object()) body["http_status"] = reply->status;
    return body;
  }

  // Polls /readyz until `holds` says yes; the last answer is in `last_`.
  template <typename Predicate>
  bool readyz_until(Predicate holds, std::chrono::milliseconds timeout = 30s) {
    return eventually(
        [&] {
          last_ = readyz();
          return last_.is_object() && holds(last_);
        },
        timeout);
  }

  static bool not_ready_because(const nlohmann::json& r, const std::string& cause) {
    if (r["http_status"] != 503 || r["ready"] != false || r["database"]["ok"] != false)
      return false;
    for (const auto& problem : r["problems"]) {
      if (problem.get<std::string>().find(cause) != std::string::npos) return true;
    }
    return false;
  }

  // Ready again, with every message of the day sent.
  static bool ready_and_all_sent(const nlohmann::json& r) {
    return r["http_status"] == 200 && r["ready"] == true && r["problems"].empty() &&
           r["outbox"]["pending"] == 0 && r["outbox"]["sent"] == kMessages;
  }

  size_t mails() const {
    size_t n = 0;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(mail_dir_, ec)) {
      n += entry.path().extension() == ".json";
    }
    return n;
  }

  // Idempotency keys of everything both servers received (Message-ID for
  // email), with repeats.
  std::multiset<std::string> received_keys() const {
    std::multiset<std::string> keys;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(mail_dir_, ec)) {
      if (entry.path().extension() != ".eml") continue;
      static const std::regex kMessageId(R"re(\nMessage-ID: <([0-9a-f]+)@plazo>)re",
                                         std::regex::icase);
      std::smatch m;
      const std::string text = read_file(entry.path().string());
      if (std::regex_search(text, m, kMessageId)) keys.insert(m[1]);
    }
    std::istringstream in(read_file(hooks_log_));
    for (std::string line; std::getline(in, line);) {
      if (line.empty()) continue;
      keys.insert(nlohmann::json::parse(line)["headers"].value("Idempotency-Key", ""));
    }
    return keys;
  }

  size_t webhooks() const {
    const std::string text = read_file(hooks_log_);
    return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
  }

  // After plazo stopped: the outbox as stored, keys by status.
  std::map<std::string, std::set<std::string>> stored_outbox() const {
    std::map<std::string, std::set<std::string>> by_status;
    auto store = SqliteStore::open(database_);
    EXPECT_TRUE(store.ok()) << store.error().message;
    if (!store.ok()) return by_status;
    auto entries = (*store)->outbox(std::nullopt, 1000);
    EXPECT_TRUE(entries.ok());
    if (!entries.ok()) return by_status;
    for (const auto& e : *entries)
      by_status[std::string(to_string(e.status))].insert(e.message.key);
    return by_status;
  }

  void stop_plazo() {
    plazo_->signal(SIGTERM);
    EXPECT_EQ(plazo_->wait(), 0) << plazo_->err();
  }

  TempDir dir_;
  unsigned short smtp_port_ = 0;
  unsigned short hook_port_ = 0;
  unsigned short health_port_ = 0;
  std::string mail_dir_;
  std::string hooks_log_;
  std::string mount_dir_;
  std::string database_;
  std::string config_;
  std::unique_ptr<ScratchMount> mount_;
  std::unique_ptr<SqliteStore> held_;
  std::unique_ptr<LocalServer> smtp_;
  std::unique_ptr<LocalServer> hooks_;
  std::unique_ptr<Child> plazo_;
  std::unique_ptr<HttpProbe> probe_;
  nlohmann::json last_;
};

// The disk fills while the day's digests are going out: the SMTP relay is
// down (the emails wait to be retried) and the webhook receiver is slow
// (four deliveries are in flight).
TEST_F(DatabaseFilesystem, FullDiskHoldsDeliveriesAndReleasesThemOnceWhenSpaceReturns) {
  std::string why;
  mount_ = ScratchMount::tmpfs(mount_dir_, "8m", why);
  if (!mount_) GTEST_SKIP() << why;
  import_seed();
  start_webhooks({"--delay", kReceiverDelay});
  start_plazo("2023-11-23T08:00");

  // The pass is recorded; the webhooks are in flight (the receiver logs a
  // request before it waits), the emails failed and wait for their retry.
  ASSERT_TRUE(eventually([&] { return webhooks() == kWebhooks; })) << plazo_->err();
  ASSERT_TRUE(readyz_until([](const nlohmann::json& r) {
    return r["ready"] == true && r["delivery"]["retried"] >= 1;
  })) << last_.dump()
      << plazo_->err();

  ASSERT_TRUE(fill_up(mount_dir_ + "/filler"));
  // The next claim of an email cannot be written, nor can the outcome of a
  // webhook when its answer comes: not ready, and why.
  ASSERT_TRUE(readyz_until([](const nlohmann::json& r) {
    return not_ready_because(r, "database or disk is full");
  })) << last_.dump()
      << plazo_->err();
  ASSERT_TRUE(eventually([&] {
    return plazo_->err().find("Cannot record delivery outcomes") != std::string::npos;
  })) << plazo_->err();
  EXPECT_NE(plazo_->err().find("error starting deliveries failed"), std::string::npos)
      << plazo_->err();
  EXPECT_EQ(readyz()["http_status"], 503) << "reads still work, and still it is not ready";
  start_smtp();  // the relay is back, but nothing can be claimed yet

  ASSERT_EQ(::unlink((mount_dir_ + "/filler").c_str()), 0);
  ASSERT_TRUE(readyz_until(ready_and_all_sent)) << last_.dump() << plazo_->err();
  EXPECT_NE(plazo_->err().find("the database works again for starting and recording deliveries"),
            std::string::npos)
      << plazo_->err();
  ASSERT_TRUE(eventually([&] { return mails() == kEmails; })) << mails();
  // Every digest arrived once: the webhooks whose outcomes were held were
  // not sent again.
  const auto keys = received_keys();
  EXPECT_EQ(keys.size(), static_cast<size_t>(kMessages));
  EXPECT_EQ(std::set<std::string>(keys.begin(), keys.end()).size(), keys.size());
  EXPECT_EQ(webhooks(), kWebhooks);

  stop_plazo();
  const auto stored = stored_outbox();
  ASSERT_TRUE(stored.contains("sent"));
  EXPECT_EQ(stored.at("sent"), std::set<std::string>(keys.begin(), keys.end()));
  EXPECT_EQ(stored.size(), 1u) << "only sent entries";
}

// The disk is full when the day's pass comes: the pass cannot be recorded,
// so it is tried again, and its digests go out once there is room.
TEST_F(DatabaseFilesystem, FullDiskDelaysTheDaysPassWithoutLosingIt) {
  std::string why;
  mount_ = ScratchMount::tmpfs(mount_dir_, "8m", why);
  if (!mount_) GTEST_SKIP() << why;
  import_seed();
  start_smtp();
  start_webhooks();
  // The day before, in one pass: what it sends is committed.
  auto before = run_plazo(
      {"run", "--once", "--now", "2023-11-22T08:00", "--config", config_, "--database", database_});
  ASSERT_EQ(before.exit_code, 0) << before.err;
  ASSERT_NE(before.out.find("; delivered 4, 0 to retry, 0 dead; 0 pending"), std::string::npos)
      << before.out;
  const auto received_before = received_keys();
  // A connection held open keeps SQLite's -wal and -shm files in place (the
  // last one to close removes them), so that plazo can open the database on
  // the full disk; without them it would not start (exit 74, "disk I/O
  // error"), which systemd would retry.
  auto held = SqliteStore::open(database_);
  ASSERT_TRUE(held.ok()) << held.error().message;
  held_ = std::move(held).value();
  ASSERT_TRUE(fill_up(mount_dir_ + "/filler"));

  start_plazo("2023-11-23T08:00");
  ASSERT_TRUE(readyz_until([](const nlohmann::json& r) {
    return not_ready_because(r, "scheduling pass failed") &&
           not_ready_because(r, "database or disk is full");
  })) << last_.dump()
      << plazo_->err();
  // Nothing of the 23rd is recorded: the last pass is the 22nd's.
  EXPECT_EQ(last_["scheduler"]["last_pass"], "2023-11-22T13:00:00Z");
  EXPECT_EQ(last_["outbox"]["sent"], 4);
  EXPECT_EQ(received_keys(), received_before);

  ASSERT_EQ(::unlink((mount_dir_ + "/filler").c_str()), 0);
  // The pass is tried again 10 s after it failed.
  ASSERT_TRUE(readyz_until([](const nlohmann::json& r) {
    return r["http_status"] == 200 && r["problems"].empty() && r["outbox"]["pending"] == 0 &&
           r["outbox"]["sent"] == 4 + kMessages;
  })) << last_.dump()
      << plazo_->err();
  EXPECT_EQ(last_["scheduler"]["last_pass"].get<std::string>().substr(0, 16), "2023-11-23T13:00");
  EXPECT_NE(plazo_->err().find("the database works again for the scheduling pass"),
            std::string::npos)
      << plazo_->err();
  EXPECT_NE(plazo_->err().find("10 messages due for 2023-11-23, 10 new in the outbox"),
            std::string::npos)
      << plazo_->err();
  ASSERT_TRUE(eventually([&] { return received_keys().size() == 4 + kEmails + kWebhooks; }))
      << mails();
  const auto keys = received_keys();
  EXPECT_EQ(std::set<std::string>(keys.begin(), keys.end()).size(), keys.size());
  stop_plazo();
}

// The database's files stop taking writes (immutable, which ext4 enforces
// on files already open) while digests wait for the relay; lifting it lets
// them go.
TEST_F(DatabaseFilesystem, UnwritableFilesHoldDeliveriesUntilWritable) {
  std::string why;
  mount_ = ScratchMount::ext4_image(dir_.file("db.img"), mount_dir_, 16, why);
  if (!mount_) GTEST_SKIP() << why;
  {
    // Does this kernel refuse writes through an open file once it is
    // immutable? (ext4 has since Linux 5.4; tmpfs does not.)
    const std::string probe = mount_dir_ + "/probe";
    const int fd = ::open(probe.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    ASSERT_GE(fd, 0);
    if (!set_immutable(probe, true, why)) {
      ::close(fd);
      GTEST_SKIP() << why;
    }
    const bool refused = ::pwrite(fd, "x", 1, 0) < 0 && errno == EPERM;
    ::close(fd);
    ASSERT_TRUE(set_immutable(probe, false, why)) << why;
    ::unlink(probe.c_str());
    if (!refused) GTEST_SKIP() << "this kernel lets an open file be written after chattr +i";
  }
  import_seed();
  start_plazo("2023-11-23T08:00");  // relay and receiver down: everything waits
  ASSERT_TRUE(readyz_until([](const nlohmann::json& r) {
    return r["ready"] == true && r["delivery"]["retried"] >= kMessages &&
           r["outbox"]["pending"] == kMessages;
  })) << last_.dump()
      << plazo_->err();

  // The directory and the database and its write-ahead log. (Not the -shm
  // index: SQLite writes it through a shared memory map, and ext4 answers a
  // write fault on an immutable file with SIGBUS.)
  const std::vector<std::string> locked = {mount_dir_, database_, database_ + "-wal"};
  for (const auto& path : locked) ASSERT_TRUE(set_immutable(path, true, why)) << why;
  ASSERT_TRUE(readyz_until([](const nlohmann::json& r) {
    return not_ready_because(r, "starting deliveries failed");
  })) << last_.dump()
      << plazo_->err();
  const std::string reason = last_["database"]["error"];
  RecordProperty("reason", reason);
  start_smtp();
  start_webhooks();

  for (const auto& path : locked) ASSERT_TRUE(set_immutable(path, false, why)) << why;
  ASSERT_TRUE(readyz_until(ready_and_all_sent)) << last_.dump() << plazo_->err();
  EXPECT_NE(plazo_->err().find("the database works again for starting and recording deliveries (it "
                               "failed: " +
                               reason + ")"),
            std::string::npos)
      << plazo_->err();
  ASSERT_TRUE(eventually([&] { return mails() == kEmails && webhooks() == kWebhooks; }));
  const auto keys = received_keys();
  EXPECT_EQ(std::set<std::string>(keys.begin(), keys.end()).size(), keys.size());
  stop_plazo();
  EXPECT_EQ(stored_outbox().at("sent").size(), static_cast<size_t>(kMessages));
}

}  // namespace
}  // namespace plazo::testing
