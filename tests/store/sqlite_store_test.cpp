#include <sqlite3.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <optional>

#include "capcast/store/store.h"
#include "support/helpers.h"

using namespace capcast;
using namespace capcast::store;

namespace {

NewAlert alert(const std::string& id, const std::string& sent = "2024-01-01T00:00:00-00:00") {
  NewAlert a;
  a.sender = "met@example.org";
  a.identifier = id;
  a.sent = sent;
  a.sent_ms = 1'704'067'200'000;
  a.status = "Actual";
  a.msg_type = "Alert";
  a.title = "Flood " + id;
  a.source = "test";
  a.xml = "<alert>" + id + "</alert>";
  return a;
}

int user_version(const std::filesystem::path& p) {
  sqlite3* db = nullptr;
  sqlite3_open(p.c_str(), &db);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, nullptr);
  sqlite3_step(st);
  int v = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}

}  // namespace

TEST_CASE("migrations run once, and reopening keeps the data") {
  test::TempDir dir;
  auto path = dir / "sub" / "capcast.db";
  {
    auto s = open_sqlite(path);
    REQUIRE(s.ok());
    REQUIRE((*s)->accept_alert(alert("a1"), {"files"}).ok());
  }
  CHECK(user_version(path) == sqlite_schema_version());
  auto again = open_sqlite(path);
  REQUIRE(again.ok());
  auto stats = (*again)->stats();
  REQUIRE(stats.ok());
  CHECK(stats->alerts == 1);
  CHECK(stats->deliveries_pending == 1);
}

TEST_CASE("a store from a newer capcast is refused") {
  test::TempDir dir;
  auto path = dir / "capcast.db";
  REQUIRE(open_sqlite(path).ok());
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_exec(db, "PRAGMA user_version = 999", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  auto s = open_sqlite(path);
  REQUIRE_FALSE(s.ok());
  CHECK(s.status().message().find("newer than this capcast knows") != std::string::npos);
}

TEST_CASE("the store runs in WAL mode with foreign keys on") {
  test::TempDir dir;
  auto path = dir / "capcast.db";
  REQUIRE(open_sqlite(path).ok());
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, nullptr);
  REQUIRE(sqlite3_step(st) == SQLITE_ROW);
  CHECK(std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 0))) == "wal");
  sqlite3_finalize(st);
  sqlite3_close(db);
}

namespace {

// Runs one statement on a second connection to the store's file; the first column of its first
// row, or nullopt when it returns none.
std::optional<std::string> other_connection(const std::filesystem::path& p, const char* sql) {
  sqlite3* db = nullptr;
  sqlite3_open(p.c_str(), &db);
  sqlite3_stmt* st = nullptr;
  std::optional<std::string> out;
  if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != nullptr)
    out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

// SQLite's plan for `sql` (EXPLAIN QUERY PLAN's details, one per line).
std::string query_plan(const std::filesystem::path& p, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open(p.c_str(), &db);
  sqlite3_stmt* st = nullptr;
  std::string out;
  if (sqlite3_prepare_v2(db, ("EXPLAIN QUERY PLAN " + sql).c_str(), -1, &st, nullptr) ==
      SQLITE_OK) {
    while (sqlite3_step(st) == SQLITE_ROW)
      out += reinterpret_cast<const char*>(sqlite3_column_text(st, 3)) + std::string("\n");
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

}  // namespace

TEST_CASE("the store turns off SQLite's memory statistics: no process-wide lock per allocation") {
  // Each test case runs in a process of its own (catch_discover_tests), and the store is the
  // first to use SQLite in it, as in capcast: SQLITE_CONFIG_MEMSTATUS can then be set. With the
  // statistics on, SQLite counts every allocation under one mutex (the outbox's hot path).
  test::TempDir dir;
  auto s = open_sqlite(dir / "capcast.db");
  REQUIRE(s.ok());
  auto a = (*s)->accept_alert(alert("m1"), {"files"});
  REQUIRE(a.ok());
  REQUIRE((*s)->claim_due(1000, 1)->size() == 1);
  sqlite3_int64 used = -1, highwater = -1;
  REQUIRE(sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &used, &highwater, 0) == SQLITE_OK);
  CHECK(used == 0);  // SQLite allocated (a database is open), but counted nothing
  CHECK(highwater == 0);
}

TEST_CASE("the store keeps its hot statements prepared but leaves no read open between calls") {
  // The claim, the outcomes, find_alert and next_due_ms reuse statements prepared once; one
  // left stepped but not reset would hold a read transaction open, and no checkpoint could then
  // move the WAL back into the database (the WAL would grow for as long as capcast runs).
  test::TempDir dir;
  auto path = dir / "capcast.db";
  auto s = open_sqlite(path);
  REQUIRE(s.ok());
  Store& store = **s;
  for (int i = 0; i < 3; ++i) {
    auto a = store.accept_alert(alert("a" + std::to_string(i)), {"files", "mqtt"});
    REQUIRE(a.ok());
    REQUIRE((*store.find_alert(a->alert_id)).has_value());
  }
  auto due = store.claim_due(1000, 4);
  REQUIRE(due.ok());
  REQUIRE(due->size() == 4);
  std::vector<Finish> done;
  for (const auto& d : *due)
    done.push_back(
        {d.id, DeliveryState::kDelivered, 1000, "", false, {"id-" + std::to_string(d.id)}});
  done.back().state = DeliveryState::kRetrying;
  done.back().next_attempt_ms = 9000;
  done.back().message_ids.clear();
  REQUIRE(store.finish_attempts(done).ok());
  REQUIRE(store.next_due_ms()->has_value());
  // Twice, so that each statement has been used again after its first reset.
  REQUIRE(store.claim_due(1000, 1)->size() == 1);
  REQUIRE(store.find_alert(1)->has_value());

  // 0 = the checkpoint was not blocked by a reader (its first column is "busy").
  CHECK(other_connection(path, "PRAGMA wal_checkpoint(TRUNCATE)") == "0");
  // The parts were recorded under the delivery's channel.
  CHECK(other_connection(path,
                         "SELECT COUNT(*) FROM delivery_parts WHERE message_id LIKE 'id-%' "
                         "AND channel IN ('files', 'mqtt')") == "3");
  // The due index holds only what is due; what is delivered, dead or in flight is not in it
  // (recording an outcome touches no index of deliveries but the in-flight one). Migration 10:
  // it is the channels' index alone, the one across channels is gone (a write less a claim).
  CHECK(other_connection(path,
                         "SELECT COUNT(*) FROM deliveries INDEXED BY deliveries_channel_due WHERE "
                         "state IN (0, 3)") == "2");
  CHECK(other_connection(path,
                         "SELECT COUNT(*) FROM sqlite_master WHERE name = "
                         "'deliveries_due'") == "0");
  // next_due_ms seeks each (channel, priority) group in that index, never reads the backlog.
  auto next_plan = query_plan(
      path,
      "SELECT channel, priority, next_attempt_ms FROM deliveries WHERE state IN (0, 3) AND "
      "(channel, priority) > ('sms', 0) ORDER BY channel, priority, next_attempt_ms LIMIT 1");
  CHECK_THAT(next_plan, Catch::Contains("SEARCH deliveries USING INDEX deliveries_channel_due"));
  CHECK_THAT(next_plan, !Catch::Contains("TEMP B-TREE"));
  // The leases (checked twice a lease period) find the in-flight rows through an index of their
  // own, not by reading every delivery the outbox ever made.
  CHECK_THAT(query_plan(path, "SELECT id, claimed_by, claimed_ms FROM deliveries WHERE state = 1"),
             Catch::Contains("deliveries_in_flight"));
  CHECK(other_connection(path,
                         "SELECT COUNT(*) FROM deliveries INDEXED BY deliveries_in_flight "
                         "WHERE state = 1") == "1");
  CHECK(*store.recover_in_flight() == 1);
  // A lane's claim (the store's SQL, recipients joined) walks its channel's due index in order:
  // no sort of the backlog, and the recipient and subscriber found by their keys.
  auto claim = query_plan(
      path,
      "SELECT d.id, r.sealed, s.languages FROM deliveries d LEFT JOIN recipients r ON r.id = "
      "d.recipient_id "
      "LEFT JOIN subscribers s ON s.recipient_id = d.recipient_id WHERE d.state IN (0, 3) AND "
      "d.next_attempt_ms <= 5 AND d.channel = 'sms' ORDER BY d.priority, d.next_attempt_ms, d.id "
      "LIMIT 10");
  CHECK_THAT(claim, Catch::Contains("deliveries_channel_due"));
  CHECK_THAT(claim, !Catch::Contains("TEMP B-TREE"));
  CHECK_THAT(claim, Catch::Contains("INTEGER PRIMARY KEY"));
}

TEST_CASE("next_due_ms: the earliest due time of a channel or of all, across priorities") {
  test::TempDir dir;
  auto s = open_sqlite(dir / "capcast.db");
  REQUIRE(s.ok());
  Store& store = **s;
  CHECK_FALSE(store.next_due_ms()->has_value());
  NewAlert urgent = alert("u1");
  urgent.urgent = true;  // priority 0
  REQUIRE(store.accept_alert(alert("n1"), {"a", "b", "c"}).ok());
  REQUIRE(store.accept_alert(urgent, {"a", "b"}).ok());
  auto due = store.claim_due(0, 10);
  REQUIRE(due->size() == 5);
  std::vector<Finish> later;
  for (const auto& d : *due) {
    // a: urgent at 7000, normal at 3000; b: urgent at 2000, normal at 9000; c: delivered.
    int64_t at =
        d.channel == "a" ? (d.priority == 0 ? 7000 : 3000) : (d.priority == 0 ? 2000 : 9000);
    if (d.channel == "c")
      later.push_back({d.id, DeliveryState::kDelivered, 0, "", false, {}});
    else
      later.push_back({d.id, DeliveryState::kRetrying, at, "down", false, {}});
  }
  REQUIRE(store.finish_attempts(later).ok());
  CHECK(store.next_due_ms("a")->value() == 3000);  // the normal one, behind the urgent group
  CHECK(store.next_due_ms("b")->value() == 2000);
  CHECK_FALSE(store.next_due_ms("c")->has_value());
  CHECK_FALSE(store.next_due_ms("aa")->has_value());  // a channel sorting after "a"
  CHECK(store.next_due_ms()->value() == 2000);
}

TEST_CASE("alerts are deduplicated on (sender, identifier, sent)") {
  test::TempDir dir;
  auto s = open_sqlite(dir / "capcast.db");
  REQUIRE(s.ok());
  Store& store = **s;
  auto first = store.accept_alert(alert("a1"), {"files", "mqtt"});
  REQUIRE(first.ok());
  CHECK(first->inserted);
  auto dup = store.accept_alert(alert("a1"), {"files", "mqtt"});
  REQUIRE(dup.ok());
  CHECK_FALSE(dup->inserted);
  CHECK(dup->alert_id == first->alert_id);
  // Same identifier, another sent: another message (an Update may reuse nothing, but a sender
  // that does must not lose it).
  auto other = store.accept_alert(alert("a1", "2024-01-01T01:00:00-00:00"), {"files"});
  REQUIRE(other.ok());
  CHECK(other->inserted);
  auto stats = store.stats();
  REQUIRE(stats.ok());
  CHECK(stats->alerts == 2);
  CHECK(stats->deliveries_pending == 3);  // the duplicate added no delivery
}

TEST_CASE("the outbox: claim, retry, deliver, recover") {
  test::TempDir dir;
  auto s = open_sqlite(dir / "capcast.db");
  REQUIRE(s.ok());
  Store& store = **s;
  auto a = store.accept_alert(alert("a1"), {"files"});
  REQUIRE(a.ok());

  auto due = store.claim_due(1000, 10);
  REQUIRE(due.ok());
  REQUIRE(due->size() == 1);
  CHECK((*due)[0].state == DeliveryState::kInFlight);
  CHECK((*due)[0].attempts == 1);
  // Claimed rows are not claimed twice.
  CHECK(store.claim_due(1000, 10)->empty());

  REQUIRE(store.finish_attempt((*due)[0].id, DeliveryState::kRetrying, 5000, "broker down").ok());
  CHECK(store.claim_due(4999, 10)->empty());
  CHECK(store.next_due_ms()->value() == 5000);
  auto again = store.claim_due(5000, 10);
  REQUIRE(again->size() == 1);
  CHECK((*again)[0].attempts == 2);
  CHECK((*again)[0].last_error == "broker down");

  // A crash now leaves it in flight; the next start takes it back.
  auto recovered = store.recover_in_flight();
  REQUIRE(recovered.ok());
  CHECK(*recovered == 1);
  auto third = store.claim_due(5000, 10);
  REQUIRE(third->size() == 1);
  REQUIRE(store.finish_attempt((*third)[0].id, DeliveryState::kDelivered, 6000, "").ok());
  CHECK(store.claim_due(100'000, 10)->empty());
  auto ds = store.deliveries_of(a->alert_id);
  REQUIRE(ds->size() == 1);
  CHECK((*ds)[0].state == DeliveryState::kDelivered);
  CHECK(store.stats()->deliveries_delivered == 1);
}

TEST_CASE("recent_alerts is newest first, find_alert returns the XML as received") {
  test::TempDir dir;
  auto s = open_sqlite(dir / "capcast.db");
  REQUIRE(s.ok());
  auto older = alert("old");
  older.sent_ms = 1000;
  auto newer = alert("new");
  newer.sent_ms = 2000;
  newer.expires_ms = 9000;
  REQUIRE((*s)->accept_alert(older, {}).ok());
  auto id = (*s)->accept_alert(newer, {});
  auto rows = (*s)->recent_alerts(10);
  REQUIRE(rows->size() == 2);
  CHECK((*rows)[0].identifier == "new");
  CHECK((*rows)[0].expires_ms == 9000);
  CHECK_FALSE((*rows)[1].expires_ms.has_value());
  auto found = (*s)->find_alert(id->alert_id);
  REQUIRE(found->has_value());
  CHECK((*found)->xml == "<alert>new</alert>");
  CHECK_FALSE((*s)->find_alert(12345)->has_value());
}

TEST_CASE("source state survives a restart") {
  test::TempDir dir;
  {
    auto s = open_sqlite(dir / "capcast.db");
    SourceState st;
    st.name = "nws";
    st.etag = "\"abc\"";
    st.last_modified = "Wed, 15 Aug 2018 22:57:00 GMT";
    st.consecutive_failures = 2;
    st.last_error = "HTTP status 503";
    REQUIRE((*s)->save_source(st).ok());
    st.consecutive_failures = 3;
    REQUIRE((*s)->save_source(st).ok());
  }
  auto s = open_sqlite(dir / "capcast.db");
  auto st = (*s)->load_source("nws");
  REQUIRE(st.ok());
  REQUIRE(st->has_value());
  CHECK((*st)->etag == "\"abc\"");
  CHECK((*st)->consecutive_failures == 3);
  CHECK_FALSE((*s)->load_source("other")->has_value());
  CHECK((*s)->sources()->size() == 1);
}

namespace {

NewAlert follow_up(const std::string& id, const std::string& msg_type,
                   std::vector<std::string> refs, const std::string& sent) {
  NewAlert a = alert(id, sent);
  a.msg_type = msg_type;
  for (const auto& r : refs)
    a.references.push_back({"met@example.org", r, "2024-01-01T00:00:00-00:00"});
  return a;
}

AlertState state_of(Store& store, int64_t id) {
  auto row = store.find_alert(id);
  REQUIRE(row.ok());
  REQUIRE(row->has_value());
  return (*row)->state;
}

}  // namespace

TEST_CASE("lifecycle: an Update supersedes and a Cancel retracts every alert it references") {
  test::TempDir dir;
  auto s = open_sqlite(dir / "capcast.db");
  REQUIRE(s.ok());
  Store& store = **s;
  auto a1 = store.accept_alert(alert("a1"), {"files"});
  auto a2 = store.accept_alert(alert("a2"), {"files"});
  REQUIRE((a1.ok() && a2.ok()));
  CHECK(a1->event == Event::kNew);
  // a1 was delivered already; a2's delivery was not attempted yet.
  auto due = store.claim_due(0, 1);
  REQUIRE(due->size() == 1);
  REQUIRE((*due)[0].alert_id == a1->alert_id);
  REQUIRE(store.finish_attempt((*due)[0].id, DeliveryState::kDelivered, 0, "").ok());

  // An Update naming both (CAP 1.2 §3.2.1: all triples count, not the first one only).
  auto u = store.accept_alert(follow_up("u1", "Update", {"a1", "a2"}, "2024-01-01T01:00:00-00:00"),
                              {"files"});
  REQUIRE(u.ok());
  CHECK(u->event == Event::kUpdated);
  CHECK(u->ended == std::vector<int64_t>{a1->alert_id, a2->alert_id});
  CHECK(u->unresolved == 0);
  CHECK(state_of(store, a1->alert_id) == AlertState::kSuperseded);
  CHECK(state_of(store, a2->alert_id) == AlertState::kSuperseded);
  CHECK((*store.find_alert(a2->alert_id))->replaced_by == u->alert_id);
  // The stale a2 is not sent any more; the delivered a1 stays delivered.
  auto d2 = *store.deliveries_of(a2->alert_id);
  REQUIRE(d2.size() == 1);
  CHECK(d2[0].state == DeliveryState::kDead);
  CHECK(d2[0].last_error == "superseded by (met@example.org, u1) before delivery");
  CHECK((*store.deliveries_of(a1->alert_id))[0].state == DeliveryState::kDelivered);
  CHECK((*store.deliveries_of(u->alert_id))[0].event == Event::kUpdated);

  // A Cancel wins over the Update; an Update cannot bring a cancelled alert back.
  auto c =
      store.accept_alert(follow_up("c1", "Cancel", {"a1"}, "2024-01-01T02:00:00-00:00"), {"files"});
  REQUIRE(c.ok());
  CHECK(c->event == Event::kCancelled);
  CHECK(state_of(store, a1->alert_id) == AlertState::kCancelled);
  auto u2 =
      store.accept_alert(follow_up("u2", "Update", {"a1"}, "2024-01-01T03:00:00-00:00"), {"files"});
  REQUIRE(u2.ok());
  CHECK(u2->ended.empty());
  CHECK(state_of(store, a1->alert_id) == AlertState::kCancelled);
  // An Ack references without changing anything.
  auto ack = store.accept_alert(follow_up("k1", "Ack", {"u1"}, "2024-01-01T04:00:00-00:00"), {});
  REQUIRE(ack.ok());
  CHECK(ack->event == Event::kAck);
  CHECK(state_of(store, u->alert_id) == AlertState::kActive);
}

TEST_CASE("lifecycle: an Update or Cancel follows its alerts to their channels when asked") {
  test::TempDir dir;
  auto s = open_sqlite(dir / "capcast.db");
  REQUIRE(s.ok());
  Store& store = **s;
  auto a1 = store.accept_alert(alert("a1"), {"sms", "files"});
  auto a2 = store.accept_alert(alert("a2"), {"mqtt"});
  REQUIRE((a1.ok() && a2.ok()));
  auto channels_of = [&](int64_t id) {
    std::vector<std::string> out;
    for (const auto& d : *store.deliveries_of(id))
      out.push_back(d.channel);
    std::sort(out.begin(), out.end());
    return out;
  };
  // Routed nowhere by its own content (say, a Cancel without <info>): it still reaches every
  // channel that the alerts it names went to, once each.
  NewAlert c = follow_up("c1", "Cancel", {"a1", "a2"}, "2024-01-01T02:00:00-00:00");
  c.follow_references = true;
  auto cancel = store.accept_alert(c, {"files"});
  REQUIRE(cancel.ok());
  CHECK(channels_of(cancel->alert_id) == std::vector<std::string>{"files", "mqtt", "sms"});
  // Without the flag (capcast send to --channel URLs): only the channels given.
  auto u =
      store.accept_alert(follow_up("u1", "Update", {"a1"}, "2024-01-01T03:00:00-00:00"), {"files"});
  REQUIRE(u.ok());
  CHECK(channels_of(u->alert_id) == std::vector<std::string>{"files"});
}

TEST_CASE("lifecycle: a Cancel that arrives before its alert still wins") {
  test::TempDir dir;
  auto s = open_sqlite(dir / "capcast.db");
  REQUIRE(s.ok());
  Store& store = **s;
  auto c = store.accept_alert(follow_up("c1", "Cancel", {"late"}, "2024-01-01T02:00:00-00:00"),
                              {"files"});
  REQUIRE(c.ok());
  CHECK(c->ended.empty());
  CHECK(c->unresolved == 1);
  auto late = store.accept_alert(alert("late"), {"files", "sms"});
  REQUIRE(late.ok());
  CHECK(late->inserted);
  CHECK(late->state == AlertState::kCancelled);
  CHECK(state_of(store, late->alert_id) == AlertState::kCancelled);
  CHECK((*store.find_alert(late->alert_id))->replaced_by == c->alert_id);
  for (const auto& d : *store.deliveries_of(late->alert_id)) {
    CHECK(d.state == DeliveryState::kDead);
    CHECK(d.last_error == "already cancelled by a message received before it");
  }
  // Resolved once: another copy is a duplicate, and an unrelated alert is untouched.
  CHECK_FALSE(store.accept_alert(alert("late"), {"files"})->inserted);
  auto other = store.accept_alert(alert("other"), {"files"});
  CHECK(other->state == AlertState::kActive);
}

TEST_CASE("lifecycle: expiry is noticed once, and told only where the alert went out") {
  test::TempDir dir;
  auto s = open_sqlite(dir / "capcast.db");
  REQUIRE(s.ok());
  Store& store = **s;
  NewAlert a = alert("a1");
  a.expires_ms = 10'000;
  auto id = store.accept_alert(a, {"mqtt", "files"})->alert_id;
  NewAlert cancel = follow_up("c1", "Cancel", {}, "2024-01-01T01:00:00-00:00");
  cancel.expires_ms = 10'000;
  auto cancel_id = store.accept_alert(cancel, {"mqtt"})->alert_id;
  // Delivered on mqtt only.
  for (const auto& d : *store.claim_due(0, 10)) {
    REQUIRE(store
                .finish_attempt(
                    d.id,
                    d.channel == "mqtt" ? DeliveryState::kDelivered : DeliveryState::kRetrying,
                    d.channel == "mqtt" ? 0 : 50'000, "")
                .ok());
  }
  CHECK(store.expire_due(9'999, {"mqtt", "files"})->empty());
  auto expired = store.expire_due(10'000, {"mqtt", "files"});
  REQUIRE(expired.ok());
  REQUIRE(expired->size() == 2);
  CHECK((*expired)[0].alert_id == id);
  CHECK((*expired)[1].alert_id == cancel_id);
  CHECK(state_of(store, id) == AlertState::kExpired);
  CHECK(store.expire_due(20'000, {"mqtt", "files"})->empty());  // once
  int expiry_deliveries = 0;
  for (const auto& d : *store.deliveries_of(id)) {
    if (d.event != Event::kExpired) continue;
    ++expiry_deliveries;
    CHECK(d.channel == "mqtt");  // "files" never delivered it: nothing to take back there
    CHECK(d.state == DeliveryState::kPending);
  }
  CHECK(expiry_deliveries == 1);
  // A Cancel's own expiry tells nobody anything.
  CHECK(store.deliveries_of(cancel_id)->size() == 1);
  // An Update still supersedes an expired alert (the state history stays exact).
  auto u =
      store.accept_alert(follow_up("u1", "Update", {"a1"}, "2024-01-01T03:00:00-00:00"), {"mqtt"});
  CHECK(state_of(store, id) == AlertState::kSuperseded);
  // The expiry notice already queued is not dead-lettered by the Update.
  for (const auto& d : *store.deliveries_of(id)) {
    if (d.event == Event::kExpired) CHECK(d.state == DeliveryState::kPending);
  }
  CHECK(u->ended.size() == 1);
}

TEST_CASE("migration 3 keeps a v2 store's alerts and outbox, with their events") {
  test::TempDir dir;
  auto path = dir / "capcast.db";
  {
    // A store as capcast wrote it at schema version 2 (migrations 1 and 2 as shipped).
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    const char* v2 = R"sql(
CREATE TABLE alerts (id INTEGER PRIMARY KEY, sender TEXT NOT NULL, identifier TEXT NOT NULL,
  sent TEXT NOT NULL, sent_ms INTEGER NOT NULL, status TEXT NOT NULL, msg_type TEXT NOT NULL,
  expires_ms INTEGER, title TEXT NOT NULL, source TEXT NOT NULL, received_ms INTEGER NOT NULL,
  xml TEXT NOT NULL, UNIQUE (sender, identifier, sent));
CREATE TABLE deliveries (id INTEGER PRIMARY KEY, alert_id INTEGER NOT NULL REFERENCES alerts (id)
  ON DELETE CASCADE, channel TEXT NOT NULL, state INTEGER NOT NULL, attempts INTEGER NOT NULL
  DEFAULT 0, next_attempt_ms INTEGER NOT NULL DEFAULT 0, last_error TEXT NOT NULL DEFAULT '',
  UNIQUE (alert_id, channel));
CREATE TABLE sources (name TEXT PRIMARY KEY, etag TEXT NOT NULL DEFAULT '', last_modified TEXT
  NOT NULL DEFAULT '', last_attempt_ms INTEGER NOT NULL DEFAULT 0, last_success_ms INTEGER NOT
  NULL DEFAULT 0, last_error TEXT NOT NULL DEFAULT '', consecutive_failures INTEGER NOT NULL
  DEFAULT 0, alerts_accepted INTEGER NOT NULL DEFAULT 0, memory TEXT NOT NULL DEFAULT '');
INSERT INTO alerts VALUES (7, 's', 'A', 't', 0, 'Actual', 'Alert', NULL, 'x', 'feed', 0, '<a/>');
INSERT INTO alerts VALUES (8, 's', 'C', 't', 0, 'Actual', 'Cancel', NULL, 'x', 'feed', 0, '<c/>');
INSERT INTO deliveries VALUES (70, 7, 'files', 2, 1, 0, '');
INSERT INTO deliveries VALUES (80, 8, 'files', 3, 2, 5000, 'disk full');
PRAGMA user_version = 2;
)sql";
    REQUIRE(sqlite3_exec(db, v2, nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
  }
  auto s = open_sqlite(path);
  REQUIRE(s.ok());
  CHECK(user_version(path) == sqlite_schema_version());
  auto d7 = *(*s)->deliveries_of(7);
  REQUIRE(d7.size() == 1);
  CHECK(d7[0].id == 70);
  CHECK(d7[0].event == Event::kNew);
  CHECK(d7[0].state == DeliveryState::kDelivered);
  auto d8 = *(*s)->deliveries_of(8);
  REQUIRE(d8.size() == 1);
  CHECK(d8[0].event == Event::kCancelled);
  CHECK(d8[0].last_error == "disk full");
  CHECK(d8[0].next_attempt_ms == 5000);
  CHECK((*(*s)->find_alert(8))->event == Event::kCancelled);
  CHECK((*(*s)->find_alert(8))->state == AlertState::kActive);
  // The outbox still works on the migrated table.
  auto due = (*s)->claim_due(5000, 10);
  REQUIRE(due->size() == 1);
  CHECK((*due)[0].id == 80);
}

TEST_CASE("alerts of different senders that share an event key are linked") {
  test::TempDir dir;
  auto s = open_sqlite(dir / "capcast.db");
  REQUIRE(s.ok());
  Store& store = **s;
  NewAlert usgs = alert("usgs-1");
  usgs.event_keys = {"usgs:at00pf3q2v", "usgs:us70006s89"};
  auto u = store.accept_alert(usgs, {});
  REQUIRE(u.ok());
  CHECK(u->linked.empty());
  NewAlert gdacs = alert("EQ1200043");
  gdacs.sender = "gdacs@example.org";
  gdacs.event_keys = {"usgs:us70006s89"};
  auto g = store.accept_alert(gdacs, {});
  REQUIRE(g.ok());
  CHECK(g->linked == std::vector<int64_t>{u->alert_id});
  CHECK(*store.linked(u->alert_id) == std::vector<int64_t>{g->alert_id});
  // The same sender's next message about the quake is its own Update, not a cross-feed link.
  NewAlert again = alert("usgs-2", "2024-01-01T01:00:00-00:00");
  again.event_keys = {"usgs:us70006s89"};
  auto a = store.accept_alert(again, {});
  CHECK(a->linked == std::vector<int64_t>{g->alert_id});
  NewAlert unrelated = alert("EQ-other");
  unrelated.sender = "gdacs@example.org";
  unrelated.event_keys = {"usgs:us7000zzzz"};
  CHECK(store.accept_alert(unrelated, {})->linked.empty());
}

TEST_CASE("urgent deliveries are claimed first") {
  test::TempDir dir;
  auto s = open_sqlite(dir / "capcast.db");
  REQUIRE(s.ok());
  Store& store = **s;
  for (int i = 0; i < 5; ++i)
    REQUIRE(store.accept_alert(alert("routine-" + std::to_string(i)), {"sms"}).ok());
  NewAlert cancel = alert("cancel-1", "2024-01-01T02:00:00-00:00");
  cancel.msg_type = "Cancel";
  cancel.urgent = true;
  auto c = store.accept_alert(cancel, {"sms"});
  REQUIRE(c.ok());
  auto due = store.claim_due(0, 2);
  REQUIRE(due->size() == 2);
  CHECK((*due)[0].alert_id == c->alert_id);
  CHECK((*due)[0].priority == 0);
  CHECK((*due)[1].priority == 1);
}

TEST_CASE("outcomes recorded a run at a time keep each delivery's own parts, ids byte for byte") {
  // finish_attempts records plain "delivered" outcomes of the same millisecond with one UPDATE
  // and their parts with one INSERT (ids handed to SQLite as JSON): a message id with quotes,
  // backslashes or control characters must come back as the SMSC sent it, each delivery must
  // get its own parts, a delivery gone with its alert none, and the others one row at a time.
  test::TempDir dir;
  auto path = dir / "capcast.db";
  auto s = open_sqlite(path);
  REQUIRE(s.ok());
  Store& store = **s;
  for (int i = 0; i < 3; ++i)
    REQUIRE(store.accept_alert(alert("r" + std::to_string(i)), {"sms", "mqtt"}).ok());
  auto due = store.claim_due(1000, 10);
  REQUIRE(due.ok());
  REQUIRE(due->size() == 6);
  std::map<std::pair<int64_t, std::string>, int64_t> id;  // (alert, channel) -> delivery
  for (const auto& d : *due)
    id[{d.alert_id, d.channel}] = d.id;
  // The third alert goes (with its deliveries) while its attempts are in flight.
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  REQUIRE(sqlite3_exec(db, "PRAGMA foreign_keys = ON; DELETE FROM alerts WHERE id = 3", nullptr,
                       nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);

  const std::string odd = "q\"b\\s\n\x01z";
  std::vector<Finish> batch = {
      {id[{1, "sms"}], DeliveryState::kDelivered, 5000, "", false, {"1a", odd}},
      {id[{1, "mqtt"}], DeliveryState::kDelivered, 5000, "", false, {}},
      {id[{3, "sms"}], DeliveryState::kDelivered, 5000, "", false, {"gone"}},
      {id[{2, "sms"}], DeliveryState::kRetrying, 9000, "ESME_RTHROTTLED", false, {}},
      {id[{2, "mqtt"}], DeliveryState::kDelivered, 5001, "", false, {"2m"}},
      {id[{3, "mqtt"}], DeliveryState::kDelivered, 5001, "", false, {}},
  };
  REQUIRE(store.finish_attempts(batch).ok());

  auto q = [&](const std::string& sql) { return other_connection(path, sql.c_str()); };
  CHECK(q("SELECT COUNT(*) FROM delivery_parts") == "3");
  CHECK(q("SELECT message_id FROM delivery_parts WHERE delivery_id = " +
          std::to_string(id[{1, "sms"}]) + " AND part = 0") == "1a");
  CHECK(q("SELECT message_id FROM delivery_parts WHERE delivery_id = " +
          std::to_string(id[{1, "sms"}]) + " AND part = 1") == odd);
  CHECK(q("SELECT channel || '/' || state || '/' || (updated_ms > 0) FROM delivery_parts WHERE "
          "delivery_id = " +
          std::to_string(id[{2, "mqtt"}])) == "mqtt/submitted/1");
  CHECK(q("SELECT COUNT(*) FROM delivery_parts WHERE message_id = 'gone'") == "0");
  // Each row's own state, time and error; the run of plain ones and the one between them.
  auto row = [&](int64_t d) {
    return q(
        "SELECT state || '/' || next_attempt_ms || '/' || last_error || '/' || attempts "
        "FROM deliveries WHERE id = " +
        std::to_string(d));
  };
  CHECK(row(id[{1, "sms"}]) == "2/5000//1");
  CHECK(row(id[{1, "mqtt"}]) == "2/5000//1");
  CHECK(row(id[{2, "sms"}]) == "3/9000/ESME_RTHROTTLED/1");
  CHECK(row(id[{2, "mqtt"}]) == "2/5001//1");
  CHECK(row(id[{3, "sms"}]) == std::nullopt);
  // A receipt finds the part with the odd id.
  Receipt r;
  r.message_id_keys = {odd};
  r.state = "DELIVRD";
  r.at_ms = 6000;
  auto part = store.record_receipt("sms", r);
  REQUIRE(part.ok());
  CHECK(q("SELECT state FROM delivery_parts WHERE message_id = '1a'") == "submitted");
  CHECK(q("SELECT COUNT(*) FROM delivery_parts WHERE state = 'DELIVRD' AND part = 1") == "1");
}
