#include <sqlite3.h>
#include <catch2/catch.hpp>

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
