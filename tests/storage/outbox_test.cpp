// The delivery stage's queries on SqliteStore (storage/sqlite_outbox.cpp):
// claim, record, defer, take back, retry, next due and the delivery log.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <map>

#include "storage/message_json.h"
#include "storage/sqlite_store.h"
#include "support/fake_clock.h"

namespace plazo {
namespace {

using namespace std::chrono_literals;
using testing::FakeClock;

const Instant kNow = date::sys_days{date::year{2023} / 11 / 23} + 13h;

class OutboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = SqliteStore::open(":memory:", clock_);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    store_ = std::move(opened).value();
    Unit general;
    general.id = "general";
    general.name = "Secretaría General";
    ASSERT_TRUE(store_->sync_units({general}).ok());
  }

  // Enqueues one webhook message due at `due`; returns its id.
  int64_t add(Instant due, const std::string& activity) {
    Message message;
    message.at = due;
    message.day = date::floor<date::days>(due);
    message.unit_id = "general";
    message.channel = Channel::kWebhook;
    message.target = "teams";
    MessageItem item;
    item.activity = activity;
    item.deadline = message.day;
    message.items.push_back(item);
    auto added = store_->enqueue({message}, std::nullopt);
    EXPECT_TRUE(added.ok() && *added == 1);
    return store_->database().last_insert_rowid();
  }

  OutboxEntry entry(int64_t id) {
    auto all = store_->outbox(std::nullopt, 0);
    EXPECT_TRUE(all.ok());
    for (const auto& e : *all) {
      if (e.id == id) return e;
    }
    ADD_FAILURE() << "no entry " << id;
    return {};
  }

  std::vector<int64_t> ids(const std::vector<OutboxEntry>& entries) {
    std::vector<int64_t> out;
    for (const auto& e : entries) out.push_back(e.id);
    return out;
  }

  std::vector<OutboxEntry> claim(int limit, const std::vector<std::string>& skip = {}) {
    auto claimed = store_->claim_due(clock_.now(), limit, 90s, skip);
    EXPECT_TRUE(claimed.ok()) << claimed.error().message;
    return claimed.ok() ? *claimed : std::vector<OutboxEntry>{};
  }

  Status run(const char* sql, auto... values) {
    auto statement = store_->database().prepare(sql);
    if (!statement) return statement.error();
    if (auto bound = statement->bind_all(values...); !bound) return bound;
    return statement->run();
  }

  static Store::OutboxUpdate outcome(int64_t id, OutboxStatus status, std::string error = "",
                                     Instant at = kNow) {
    Store::OutboxUpdate update;
    update.id = id;
    update.status = status;
    update.error = error;
    update.next_attempt_at = at + 60s;
    update.destination = "https://hooks.example.org:443";
    update.attempt.at = at;
    update.attempt.channel = Channel::kWebhook;
    update.attempt.recipient = "teams (https://hooks.example.org:443)";
    update.attempt.result = std::string(to_string(status));
    update.attempt.status_code = status == OutboxStatus::kSent ? 200 : 503;
    update.attempt.error = error;
    update.attempt.duration_ms = 42;
    return update;
  }

  std::vector<Store::LoggedAttempt> log(Store::DeliveryLogQuery query = {}) {
    auto rows = store_->delivery_log(query);
    EXPECT_TRUE(rows.ok()) << rows.error().message;
    return rows.ok() ? *rows : std::vector<Store::LoggedAttempt>{};
  }

  FakeClock clock_{kNow};
  std::unique_ptr<SqliteStore> store_;
};

// -- claim_due -------------------------------------------------------------------

TEST_F(OutboxTest, ClaimTakesDueEntriesEarliestFirstUpToTheLimit) {
  const int64_t later = add(kNow - 1min, "1.1");
  const int64_t earliest = add(kNow - 1h, "1.2");
  const int64_t future = add(kNow + 1min, "1.3");
  const int64_t tie = add(kNow - 1h, "1.4");  // same instant: by id

  auto claimed = claim(2);
  EXPECT_EQ(ids(claimed), (std::vector<int64_t>{earliest, tie}));
  for (const auto& e : claimed) {
    EXPECT_EQ(e.status, OutboxStatus::kInFlight);
    EXPECT_EQ(e.attempts, 1);
    EXPECT_EQ(e.lease_until, kNow + 90s);
    EXPECT_EQ(e.message.target, "teams");
    EXPECT_EQ(entry(e.id).status, OutboxStatus::kInFlight);
    EXPECT_EQ(entry(e.id).lease_until, kNow + 90s);
  }
  EXPECT_EQ(ids(claim(10)), (std::vector<int64_t>{later}));
  EXPECT_TRUE(claim(10).empty()) << "in flight and future entries are not claimed";
  EXPECT_EQ(entry(future).status, OutboxStatus::kPending);
  EXPECT_TRUE(claim(0).empty());
}

TEST_F(OutboxTest, ClaimTakesRetriesTooAndPassesOverSkippedDestinations) {
  const int64_t retry = add(kNow - 2h, "1.1");
  const int64_t paused = add(kNow - 1h, "1.2");
  const int64_t fresh = add(kNow - 30min, "1.3");
  ASSERT_TRUE(run("UPDATE outbox SET status = 'retry', attempts = 2 WHERE id = ?1", retry).ok());
  ASSERT_TRUE(run("UPDATE outbox SET destination = 'http://a:80' WHERE id = ?1", paused).ok());
  auto claimed = claim(10, {"http://a:80"});
  EXPECT_EQ(ids(claimed), (std::vector<int64_t>{retry, fresh}));
  EXPECT_EQ(claimed[0].attempts, 3);
  EXPECT_EQ(entry(paused).status, OutboxStatus::kPending);
  EXPECT_EQ(ids(claim(10)), (std::vector<int64_t>{paused}));
}

TEST_F(OutboxTest, ClaimBuriesAnUnreadableMessageInsteadOfFailing) {
  const int64_t broken = add(kNow - 1h, "1.1");
  const int64_t good = add(kNow - 1min, "1.2");
  ASSERT_TRUE(run("UPDATE outbox SET payload = '{\"version\": 99}' WHERE id = ?1", broken).ok());
  EXPECT_EQ(ids(claim(10)), (std::vector<int64_t>{good}));
  // Read by hand: outbox() refuses to list a row it cannot read.
  auto row = store_->database().prepare("SELECT status, last_error FROM outbox WHERE id = ?1");
  ASSERT_TRUE(row.ok());
  ASSERT_TRUE(row->bind(1, broken).ok());
  ASSERT_EQ(*row->step(), Step::kRow);
  EXPECT_EQ(row->column_text(0), "dead");
  EXPECT_NE(row->column_text(1).find("cannot be read"), std::string::npos) << row->column_text(1);
  auto rows = log();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].attempt.outbox_id, broken);
  EXPECT_EQ(rows[0].attempt.result, "dead");
}

int remember_sql(unsigned /*type*/, void* texts, void* /*statement*/, void* sql) {
  static_cast<std::vector<std::string>*>(texts)->push_back(static_cast<const char*>(sql));
  return 0;
}

TEST_F(OutboxTest, ClaimAndNextDueDoNotSortEveryDueRow) {
  // The plans of the statements the store really runs (caught by a trace):
  // each arm walks the status index in order and the arms are merged; a
  // temp B-tree would mean sorting every due row on each claim.
  std::vector<std::string> texts;
  sqlite3_trace_v2(store_->database().handle(), SQLITE_TRACE_STMT, remember_sql, &texts);
  add(kNow - 1h, "1.1");
  claim(5);
  ASSERT_TRUE(store_->next_attempt_at({"http://a:80"}).ok());
  sqlite3_trace_v2(store_->database().handle(), 0, nullptr, nullptr);
  int checked = 0;
  for (const auto& sql : texts) {
    if (sql.find("UNION ALL") == std::string::npos) continue;
    ++checked;
    auto plan = store_->database().prepare("EXPLAIN QUERY PLAN " + sql);
    ASSERT_TRUE(plan.ok()) << plan.error().message;
    std::string text;
    while (*plan->step() == Step::kRow) text += plan->column_text(3) + "\n";
    EXPECT_NE(text.find("MERGE"), std::string::npos) << sql << "\n" << text;
    EXPECT_NE(text.find("outbox_by_status"), std::string::npos) << text;
    EXPECT_EQ(text.find("TEMP B-TREE"), std::string::npos) << sql << "\n" << text;
  }
  EXPECT_EQ(checked, 2) << "the claim and the next-due query";

  // And at scale: claiming from 20,000 due rows takes them in order.
  std::vector<Message> messages;
  for (int i = 0; i < 20000; ++i) {
    Message message;
    message.at = kNow - std::chrono::seconds{20000 - i};
    message.day = date::floor<date::days>(kNow);
    message.unit_id = "general";
    message.key = "k" + std::to_string(i);
    messages.push_back(message);
  }
  ASSERT_EQ(*store_->enqueue(messages, std::nullopt), 20000);
  int64_t previous = 0;
  for (int batch = 0; batch < 100; ++batch) {
    auto claimed = claim(64);
    ASSERT_EQ(claimed.size(), 64u);
    for (const auto& e : claimed) {
      ASSERT_GT(e.id, previous);
      previous = e.id;
    }
  }
}

// -- record_outcomes -------------------------------------------------------------

TEST_F(OutboxTest, RecordWritesEveryOutcomeAndItsLogRow) {
  const int64_t a = add(kNow - 3min, "1.1");
  const int64_t b = add(kNow - 2min, "1.2");
  const int64_t c = add(kNow - 1min, "1.3");
  ASSERT_EQ(claim(3).size(), 3u);
  ASSERT_TRUE(run("UPDATE outbox SET last_error = 'earlier' WHERE id = ?1", a).ok());
  ASSERT_TRUE(store_
                  ->record_outcomes({outcome(a, OutboxStatus::kSent),
                                     outcome(b, OutboxStatus::kRetry, "HTTP 503"),
                                     outcome(c, OutboxStatus::kDead, "HTTP 410 Gone")})
                  .ok());
  const OutboxEntry sent = entry(a);
  EXPECT_EQ(sent.status, OutboxStatus::kSent);
  EXPECT_EQ(sent.last_error, "");
  EXPECT_FALSE(sent.lease_until);
  EXPECT_EQ(sent.destination, "https://hooks.example.org:443");
  const OutboxEntry retry = entry(b);
  EXPECT_EQ(retry.status, OutboxStatus::kRetry);
  EXPECT_EQ(retry.next_attempt_at, kNow + 60s);
  EXPECT_EQ(retry.last_error, "HTTP 503");
  EXPECT_EQ(retry.attempts, 1);
  const OutboxEntry dead = entry(c);
  EXPECT_EQ(dead.status, OutboxStatus::kDead);
  EXPECT_EQ(dead.last_error, "HTTP 410 Gone");
  EXPECT_EQ(dead.next_attempt_at, kNow - 1min) << "a dead entry keeps its last due instant";

  auto rows = log();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].attempt.outbox_id, a);
  EXPECT_EQ(rows[0].attempt.result, "sent");
  EXPECT_EQ(rows[0].attempt.status_code, 200);
  EXPECT_EQ(rows[0].attempt.duration_ms, 42);
  EXPECT_EQ(rows[0].attempt.at, kNow);
  EXPECT_EQ(rows[0].attempt.recipient, "teams (https://hooks.example.org:443)");
  EXPECT_EQ(rows[0].unit_id, "general");
  EXPECT_EQ(rows[0].key, sent.message.key);
  EXPECT_EQ(rows[1].attempt.result, "retry");
  EXPECT_EQ(rows[1].attempt.error, "HTTP 503");
  EXPECT_EQ(rows[2].attempt.result, "dead");
}

TEST_F(OutboxTest, RecordIsAllOrNothing) {
  const int64_t a = add(kNow - 2min, "1.1");
  const int64_t b = add(kNow - 1min, "1.2");
  ASSERT_EQ(claim(2).size(), 2u);
  // The second update is not an outcome: nothing of the batch is written.
  auto recorded = store_->record_outcomes(
      {outcome(a, OutboxStatus::kSent), outcome(b, OutboxStatus::kPending)});
  ASSERT_FALSE(recorded.ok());
  EXPECT_NE(recorded.error().message.find("outbox message " + std::to_string(b)), std::string::npos)
      << recorded.error().message;
  EXPECT_EQ(entry(a).status, OutboxStatus::kInFlight);
  EXPECT_TRUE(log().empty());
}

TEST_F(OutboxTest, RecordLeavesAnEntryThatIsNoLongerInFlightButLogsTheAttempt) {
  const int64_t a = add(kNow - 1min, "1.1");
  ASSERT_EQ(claim(1).size(), 1u);
  ASSERT_EQ(*store_->take_back_leases(), 1);  // another process took it back
  ASSERT_TRUE(store_->record_outcomes({outcome(a, OutboxStatus::kSent)}).ok());
  EXPECT_EQ(entry(a).status, OutboxStatus::kPending);
  auto rows = log();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].attempt.result, "sent");
}

// -- defer -----------------------------------------------------------------------

TEST_F(OutboxTest, DeferPutsClaimedEntriesBackWithoutCountingTheAttempt) {
  const int64_t fresh = add(kNow - 2min, "1.1");
  const int64_t retried = add(kNow - 1min, "1.2");
  const int64_t other = add(kNow - 1min, "1.3");
  ASSERT_TRUE(run("UPDATE outbox SET status = 'retry', attempts = 1 WHERE id = ?1", retried).ok());
  ASSERT_EQ(claim(2).size(), 2u);
  ASSERT_TRUE(store_
                  ->defer({{fresh, "http://a:80", kNow + 5min},
                           {retried, "http://a:80", kNow + 5min},
                           {other, "http://b:80", kNow + 9min}})
                  .ok());
  const OutboxEntry back = entry(fresh);
  EXPECT_EQ(back.status, OutboxStatus::kPending);
  EXPECT_EQ(back.attempts, 0);
  EXPECT_EQ(back.next_attempt_at, kNow + 5min);
  EXPECT_EQ(back.destination, "http://a:80");
  EXPECT_FALSE(back.lease_until);
  EXPECT_EQ(entry(retried).status, OutboxStatus::kRetry);
  EXPECT_EQ(entry(retried).attempts, 1);
  // Not in flight: left alone.
  EXPECT_EQ(entry(other).next_attempt_at, kNow - 1min);
  EXPECT_EQ(entry(other).destination, "");
  EXPECT_TRUE(log().empty()) << "a deferral is not an attempt";
}

// -- take_back_leases ------------------------------------------------------------

TEST_F(OutboxTest, TakeBackReleasesEveryLeaseAndLogsTheLostAttempt) {
  const int64_t a = add(kNow - 2min, "1.1");
  const int64_t b = add(kNow - 1min, "1.2");
  const int64_t waiting = add(kNow + 1h, "1.3");
  ASSERT_EQ(claim(5).size(), 2u);
  clock_.advance(10min);
  ASSERT_EQ(*store_->take_back_leases(), 2);
  // Due again as they were due before the claim: at once for any clock
  // at or after it (the store's clock is not the daemon's under --now).
  for (auto [id, due] : {std::pair{a, kNow - 2min}, std::pair{b, kNow - 1min}}) {
    const OutboxEntry e = entry(id);
    EXPECT_EQ(e.status, OutboxStatus::kPending);
    EXPECT_EQ(e.attempts, 1) << "the lost attempt still counts";
    EXPECT_EQ(e.next_attempt_at, due);
    EXPECT_FALSE(e.lease_until);
  }
  EXPECT_EQ(entry(waiting).next_attempt_at, kNow + 1h);
  auto rows = log();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].attempt.result, "interrupted");
  EXPECT_EQ(rows[0].attempt.at, kNow + 10min);
  EXPECT_EQ(rows[0].attempt.channel, Channel::kWebhook);
  EXPECT_EQ(*store_->take_back_leases(), 0);
}

// -- retry -----------------------------------------------------------------------

TEST_F(OutboxTest, RetryRevivesOnlyDeadEntries) {
  const int64_t a = add(kNow - 1h, "1.1");
  const int64_t pending = add(kNow - 1h, "1.2");
  ASSERT_EQ(claim(1).size(), 1u);
  ASSERT_TRUE(store_->record_outcomes({outcome(a, OutboxStatus::kDead, "HTTP 404")}).ok());
  clock_.advance(1h);
  ASSERT_TRUE(store_->retry(a).ok());
  const OutboxEntry revived = entry(a);
  EXPECT_EQ(revived.status, OutboxStatus::kPending);
  EXPECT_EQ(revived.attempts, 0);
  EXPECT_EQ(revived.next_attempt_at, kNow + 1h);
  EXPECT_EQ(revived.last_error, "HTTP 404");

  auto again = store_->retry(a);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().message, "Outbox message " + std::to_string(a) +
                                       " is pending, not dead: only dead messages can be retried.");
  EXPECT_FALSE(store_->retry(pending).ok());
  auto unknown = store_->retry(999);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().message, "No outbox message has id 999.");
}

// -- next_attempt_at -------------------------------------------------------------

TEST_F(OutboxTest, NextAttemptIsTheEarliestPendingOrRetry) {
  EXPECT_FALSE(*store_->next_attempt_at({}));
  const int64_t in_flight = add(kNow - 2h, "1.1");
  ASSERT_EQ(claim(1).size(), 1u);
  EXPECT_FALSE(*store_->next_attempt_at({})) << "in flight is not waiting";
  const int64_t retry = add(kNow + 2h, "1.2");
  const int64_t pending = add(kNow + 1h, "1.3");
  ASSERT_TRUE(run("UPDATE outbox SET status = 'retry', next_attempt_at = ?2 WHERE id = ?1", retry,
                  int64_t{(kNow + 30min).time_since_epoch().count()})
                  .ok());
  EXPECT_EQ(**store_->next_attempt_at({}), kNow + 30min);
  ASSERT_TRUE(run("UPDATE outbox SET destination = 'http://a:80' WHERE id = ?1", retry).ok());
  EXPECT_EQ(**store_->next_attempt_at({"http://a:80"}), kNow + 1h);
  ASSERT_TRUE(store_->record_outcomes({outcome(in_flight, OutboxStatus::kSent)}).ok());
  ASSERT_TRUE(run("UPDATE outbox SET status = 'dead' WHERE id = ?1", pending).ok());
  EXPECT_FALSE(*store_->next_attempt_at({"http://a:80"}));
}

// -- delivery_log ----------------------------------------------------------------

TEST_F(OutboxTest, DeliveryLogFiltersBySinceEntryAndLimit) {
  const int64_t a = add(kNow - 1h, "1.1");
  const int64_t b = add(kNow - 1h, "1.2");
  ASSERT_EQ(claim(2).size(), 2u);
  ASSERT_TRUE(store_
                  ->record_outcomes({outcome(a, OutboxStatus::kRetry, "e1", kNow),
                                     outcome(b, OutboxStatus::kRetry, "e2", kNow + 1min)})
                  .ok());
  clock_.advance(2h);
  ASSERT_EQ(claim(2).size(), 2u);
  ASSERT_TRUE(store_
                  ->record_outcomes({outcome(a, OutboxStatus::kSent, "", kNow + 2h),
                                     outcome(b, OutboxStatus::kDead, "e3", kNow + 2h)})
                  .ok());

  auto all = log();
  ASSERT_EQ(all.size(), 4u);
  for (size_t i = 1; i < all.size(); ++i) EXPECT_GT(all[i].id, all[i - 1].id);

  Store::DeliveryLogQuery by_entry;
  by_entry.outbox_id = b;
  auto of_b = log(by_entry);
  ASSERT_EQ(of_b.size(), 2u);
  EXPECT_EQ(of_b[0].attempt.error, "e2");
  EXPECT_EQ(of_b[1].attempt.error, "e3");

  Store::DeliveryLogQuery since;
  since.since = kNow + 1min;
  EXPECT_EQ(log(since).size(), 3u);

  Store::DeliveryLogQuery last_two;
  last_two.limit = 2;
  auto recent = log(last_two);
  ASSERT_EQ(recent.size(), 2u);
  EXPECT_EQ(recent[0].attempt.result, "sent");
  EXPECT_EQ(recent[1].attempt.result, "dead");
}

}  // namespace
}  // namespace plazo
