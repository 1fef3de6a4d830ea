// Deliveries to people (issue 6): numbers sealed at rest, one delivery per recipient, the
// follow-up of an Update or Cancel only to those who were sent the original, and the parts and
// receipts of what the peer accepted.
#include <sqlite3.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <iterator>

#include "capcast/store/store.h"
#include "support/helpers.h"

using namespace capcast;
using namespace capcast::store;

namespace {

const char* kKey = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

std::shared_ptr<const Sealer> sealer(const char* key = kKey) {
  auto s = sodium_sealer(key);
  REQUIRE(s.ok());
  return std::shared_ptr<const Sealer>(std::move(*s));
}

NewAlert alert(const std::string& id, const std::string& msg_type = "Alert") {
  NewAlert a;
  a.sender = "met@example.org";
  a.identifier = id;
  a.sent = "2024-01-01T00:00:00-00:00";
  a.status = "Actual";
  a.msg_type = msg_type;
  a.xml = "<alert>" + id + "</alert>";
  return a;
}

std::string file_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_CASE("the sealer: authenticated, randomised, keyed lookups") {
  auto s = sealer();
  auto a = s->seal("+254700000001");
  auto b = s->seal("+254700000001");
  CHECK(a != b);  // a random nonce each time
  CHECK(a.find("254700000001") == std::string::npos);
  CHECK(*s->open(a) == "+254700000001");
  CHECK(s->lookup_key("+254700000001") == s->lookup_key("+254700000001"));
  CHECK(s->lookup_key("+254700000001") != s->lookup_key("+254700000002"));
  // Another key neither opens it nor finds it.
  auto other = sealer("ff0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  CHECK_FALSE(other->open(a).ok());
  CHECK(other->lookup_key("+254700000001") != s->lookup_key("+254700000001"));
  a[a.size() - 1] ^= 1;  // one bit changed: refused, not garbage
  CHECK_FALSE(s->open(a).ok());
  CHECK_FALSE(sodium_sealer("abc").ok());
  CHECK(new_sealer_key().size() == 64);
  CHECK(new_sealer_key() != new_sealer_key());
}

TEST_CASE("recipients: a delivery each, numbers sealed at rest and opened by the claim") {
  test::TempDir dir;
  auto path = dir / "capcast.db";
  auto st = open_sqlite(path, sealer());
  REQUIRE(st.ok());
  Store& store = **st;
  NewAlert a = alert("a1");
  a.recipients = {{"sms", {"+254700000001", "+254700000002", "+254700000001"}, {}}};
  auto r = store.accept_alert(a, {"files"});
  REQUIRE(r.ok());
  auto ds = *store.deliveries_of(r->alert_id);
  REQUIRE(ds.size() == 3);  // files, and each number once on sms
  CHECK(std::count_if(ds.begin(), ds.end(), [](const Delivery& d) {
          return d.channel == "sms" && d.recipient_id != 0;
        }) == 2);
  auto due = store.claim_due(0, 10, {"sms", ""});
  REQUIRE(due.ok());
  REQUIRE(due->size() == 2);
  std::vector<std::string> numbers{(*due)[0].recipient, (*due)[1].recipient};
  std::sort(numbers.begin(), numbers.end());
  CHECK(numbers == std::vector<std::string>{"+254700000001", "+254700000002"});
  CHECK((*due)[0].recipient_masked.find("*") != std::string::npos);
  // The same number in another alert is the same recipient.
  NewAlert b = alert("b1");
  b.recipients = {{"sms", {"+254700000002"}, {}}};
  auto rb = store.accept_alert(b, {});
  auto db = *store.deliveries_of(rb->alert_id);
  REQUIRE(db.size() == 1);
  CHECK(std::any_of(due->begin(), due->end(),
                    [&](const Delivery& d) { return d.recipient_id == db[0].recipient_id; }));
  st->reset();
  // Nowhere in the database files in clear (the WAL included).
  std::string bytes = file_bytes(path) + file_bytes(path.string() + "-wal");
  CHECK(bytes.find("254700000001") == std::string::npos);
  CHECK(bytes.find("254700000002") == std::string::npos);

  // Opened with another key: the claim fails and says so, with the number masked.
  auto wrong =
      open_sqlite(path, sealer("ff0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"));
  REQUIRE(wrong.ok());
  auto bad = (*wrong)->claim_due(0, 10, {"sms", ""});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().find("another key") != std::string::npos);
  CHECK(bad.status().message().find("254700000002") == std::string::npos);
}

TEST_CASE("recipients: a damaged number fails its own delivery, not the claim") {
  // One sealed number altered on disk: the claim still hands out the others, and that delivery
  // carries the error (masked) for the engine to retry and dead-letter. The store knows its key
  // is right (a value it sealed with it opens), so even all numbers damaged fail one by one;
  // another key fails the claim (test above).
  test::TempDir dir;
  auto path = dir / "capcast.db";
  auto st = open_sqlite(path, sealer());
  REQUIRE(st.ok());
  NewAlert a = alert("d1");
  a.recipients = {{"sms", {"+254700000001", "+254700000002", "+254700000003"}, {}}};
  auto r = (*st)->accept_alert(a, {});
  REQUIRE(r.ok());
  auto alter = [&](const char* sql) {
    sqlite3* db = nullptr;
    sqlite3_open(path.c_str(), &db);
    int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
    sqlite3_close(db);
    return rc;
  };
  // The second recipient's sealed number zeroed (nonce, box and MAC no longer match).
  REQUIRE(alter("UPDATE recipients SET sealed = zeroblob(length(sealed)) WHERE id = 2") ==
          SQLITE_OK);
  auto due = (*st)->claim_due(0, 10, {"sms", ""});
  REQUIRE(due.ok());
  REQUIRE(due->size() == 3);
  int damaged = 0;
  for (const auto& d : *due) {
    if (d.recipient_id == 2) {
      ++damaged;
      CHECK(d.recipient.empty());
      CHECK_THAT(d.recipient_error, Catch::Contains("another key, or the data was altered"));
      CHECK_THAT(d.recipient_error, Catch::Contains("*"));  // masked
      CHECK(d.recipient_error.find("254700000002") == std::string::npos);
    } else {
      CHECK(d.recipient_error.empty());
      CHECK(d.recipient.rfind("+2547000000", 0) == 0);
    }
  }
  CHECK(damaged == 1);
  REQUIRE((*st)->recover_in_flight().ok());
  // A recipient row gone (removed behind the outbox's back) fails its delivery alone too.
  REQUIRE(alter("DELETE FROM recipients WHERE id = 3") == SQLITE_OK);
  auto gone = (*st)->claim_due(0, 10, {"sms", ""});
  REQUIRE(gone.ok());
  REQUIRE(gone->size() == 3);
  for (const auto& d : *gone) {
    if (d.recipient_id == 3) CHECK_THAT(d.recipient_error, Catch::Contains("recipient 3 is gone"));
    if (d.recipient_id == 1) CHECK(d.recipient == "+254700000001");
  }
  REQUIRE((*st)->recover_in_flight().ok());
  REQUIRE(alter("UPDATE recipients SET sealed = zeroblob(length(sealed))") == SQLITE_OK);
  auto all = (*st)->claim_due(0, 10, {"sms", ""});
  REQUIRE(all.ok());
  REQUIRE(all->size() == 3);
  for (const auto& d : *all)
    CHECK_FALSE(d.recipient_error.empty());
}

TEST_CASE("recipients: a store from before the key check learns it from its numbers") {
  // Stores written before migration 9 have no sealer_check: the first open with a key that
  // opens their numbers writes it; one with another key writes nothing and its claims fail.
  test::TempDir dir;
  auto path = dir / "capcast.db";
  {
    auto st = open_sqlite(path, sealer());
    REQUIRE(st.ok());
    NewAlert a = alert("k1");
    a.recipients = {{"sms", {"+254700000001"}, {}}};
    REQUIRE((*st)->accept_alert(a, {}).ok());
  }
  auto count_checks = [&] {
    sqlite3* db = nullptr;
    sqlite3_open(path.c_str(), &db);
    sqlite3_stmt* q = nullptr;
    sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM sealer_check", -1, &q, nullptr);
    sqlite3_step(q);
    int n = sqlite3_column_int(q, 0);
    sqlite3_finalize(q);
    if (n < 0) return n;
    sqlite3_exec(db, "DELETE FROM sealer_check", nullptr, nullptr, nullptr);  // as before 9
    sqlite3_close(db);
    return n;
  };
  REQUIRE(count_checks() == 1);  // written at the first open (no numbers yet)
  const char* other = "ff0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
  {
    auto wrong = open_sqlite(path, sealer(other));
    REQUIRE(wrong.ok());  // the store opens: other channels go on
    auto c = (*wrong)->claim_due(0, 10, {"sms", ""});
    REQUIRE_FALSE(c.ok());
    CHECK_THAT(c.status().message(), Catch::Contains("another key"));
  }
  CHECK(count_checks() == 0);  // another key wrote nothing
  {
    auto right = open_sqlite(path, sealer());
    REQUIRE(right.ok());
    auto c = (*right)->claim_due(0, 10, {"sms", ""});
    REQUIRE(c.ok());
    REQUIRE(c->size() == 1);
    CHECK((*c)[0].recipient == "+254700000001");
  }
  CHECK(count_checks() == 1);  // learnt from the number that opened
}

TEST_CASE("recipients: refused without a key, and nothing stored") {
  test::TempDir dir;
  auto st = open_sqlite(dir / "capcast.db");
  REQUIRE(st.ok());
  NewAlert a = alert("a1");
  a.recipients = {{"sms", {"+254700000001"}, {}}};
  auto r = (*st)->accept_alert(a, {"files"});
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Code::kInvalidArgument);
  CHECK(r.status().message().find("never stored in clear") != std::string::npos);
  CHECK((*st)->stats()->alerts == 0);
}

TEST_CASE("recipients: an Update or Cancel follows up with those who were sent the original") {
  test::TempDir dir;
  auto st = open_sqlite(dir / "capcast.db", sealer());
  REQUIRE(st.ok());
  Store& store = **st;
  NewAlert a = alert("a1");
  a.recipients = {{"sms", {"+254700000001", "+254700000002", "+254700000003"}, {}}};
  auto r = store.accept_alert(a, {"mqtt"});
  REQUIRE(r.ok());
  // 01 was delivered, 02 is in flight, 03 not attempted yet.
  auto due = *store.claim_due(0, 2, {"sms", ""});
  REQUIRE(due.size() == 2);
  auto first = std::find_if(due.begin(), due.end(),
                            [](const Delivery& d) { return d.recipient == "+254700000001"; });
  REQUIRE(first != due.end());
  REQUIRE(store.finish_attempt(first->id, DeliveryState::kDelivered, 0, "").ok());

  NewAlert c = alert("c1", "Cancel");
  c.sent = "2024-01-01T01:00:00-00:00";
  c.references = {{"met@example.org", "a1", "2024-01-01T00:00:00-00:00"}};
  c.follow_references = true;
  auto rc = store.accept_alert(c, {});
  REQUIRE(rc.ok());
  auto dc = *store.deliveries_of(rc->alert_id);
  std::vector<std::string> got;
  for (const auto& d : dc)
    got.push_back(d.channel + (d.recipient_id ? ":person" : ""));
  std::sort(got.begin(), got.end());
  // The channel-level mqtt delivery, and the two people who got (or are getting) the alert;
  // the third, never sent it, is not told of its cancellation, and its delivery is dead.
  CHECK(got == std::vector<std::string>{"mqtt", "sms:person", "sms:person"});
  auto da = *store.deliveries_of(r->alert_id);
  CHECK(std::count_if(da.begin(), da.end(), [](const Delivery& d) {
          return d.channel == "sms" && d.state == DeliveryState::kDead &&
                 d.last_error.find("cancelled by") != std::string::npos;
        }) == 1);
  auto follow = *store.claim_due(0, 10, {"sms", ""});
  std::vector<std::string> numbers;
  for (const auto& d : follow)
    if (d.alert_id == rc->alert_id) numbers.push_back(d.recipient);
  std::sort(numbers.begin(), numbers.end());
  CHECK(numbers == std::vector<std::string>{"+254700000001", "+254700000002"});
}

TEST_CASE("parts and receipts: the peer's ids recorded, receipts matched, final states kept") {
  test::TempDir dir;
  auto st = open_sqlite(dir / "capcast.db", sealer());
  REQUIRE(st.ok());
  Store& store = **st;
  NewAlert a = alert("a1");
  a.recipients = {{"sms", {"+254700000001"}, {}}};
  REQUIRE(store.accept_alert(a, {}).ok());
  auto d = (*store.claim_due(0, 1, {"sms", ""}))[0];
  REQUIRE(store
              .finish_attempts(
                  {Finish{d.id, DeliveryState::kDelivered, 0, "", false, {"a0000", "a0001"}}})
              .ok());
  auto parts = *store.parts_of(d.id);
  REQUIRE(parts.size() == 2);
  CHECK(parts[1].message_id == "a0001");
  CHECK(parts[1].state == "submitted");
  // A receipt whose id is written in decimal (655361 = 0xa0001): found under its second key.
  auto m = store.record_receipt("sms", {{"655361", "a0001"}, "DELIVRD", true, 1000});
  REQUIRE(m.ok());
  REQUIRE(m->has_value());
  CHECK((*m)->delivery_id == d.id);
  CHECK((*m)->part == 1);
  CHECK((*store.parts_of(d.id))[1].state == "DELIVRD");
  // A late intermediate receipt does not undo the final state.
  auto late = store.record_receipt("sms", {{"a0001"}, "ENROUTE", false, 2000});
  REQUIRE(late.ok());
  CHECK((*store.parts_of(d.id))[1].state == "DELIVRD");
  // Another channel's ids, or unknown ids, match nothing.
  CHECK_FALSE(store.record_receipt("other", {{"a0001"}, "DELIVRD", true, 0})->has_value());
  CHECK_FALSE(store.record_receipt("sms", {{"ffff"}, "DELIVRD", true, 0})->has_value());
}

TEST_CASE("subscribers: upserted by number, listed masked, found by box and by geocode") {
  test::TempDir dir;
  auto st = open_sqlite(dir / "capcast.db", sealer());
  REQUIRE(st.ok());
  Store& store = **st;
  std::vector<Subscriber> subs(3);
  subs[0].number = "+254700000001";
  subs[0].languages = {"sw", "en"};
  subs[0].lat = -1.28;
  subs[0].lon = 36.82;
  subs[1].number = "+254700000002";
  subs[1].geocodes = {"UGC=KEZ001", "FIPS6=006037"};
  subs[1].channels = {"sms"};
  subs[2].number = "+6491234567";  // near the antimeridian
  subs[2].lat = -36.85;
  subs[2].lon = 179.5;
  REQUIRE(*store.upsert_subscribers(subs) == 3);
  auto all = *store.list_subscribers(10, 0);
  REQUIRE(all.size() == 3);
  CHECK(all[0].number.empty());  // never returned in clear
  CHECK(all[0].masked == "+2547******01");
  CHECK(all[0].languages == std::vector<std::string>{"sw", "en"});
  CHECK(all[1].geocodes == std::vector<std::string>{"FIPS6=006037", "UGC=KEZ001"});
  CHECK(all[1].channels == std::vector<std::string>{"sms"});

  auto box = *store.subscribers_in_box(-2, -1, 36, 37);
  REQUIRE(box.size() == 1);
  CHECK(box[0].recipient_id == all[0].recipient_id);
  // A box across the antimeridian: 179..-179 degrees east.
  auto wrap = *store.subscribers_in_box(-37, -36, 179, -179);
  REQUIRE(wrap.size() == 1);
  CHECK(wrap[0].masked == all[2].masked);
  CHECK(store.subscribers_in_box(-37, -36, 170, 175)->empty());
  auto geo = *store.subscribers_with_geocodes({"UGC=KEZ001", "FIPS6=006037", "X=1"});
  REQUIRE(geo.size() == 1);  // once, though two of its areas match
  CHECK(geo[0].recipient_id == all[1].recipient_id);

  // Upsert replaces (same number, same recipient): new location, areas replaced.
  subs[1].geocodes = {"UGC=KEZ002"};
  REQUIRE(store.upsert_subscribers({subs[1]}).ok());
  CHECK(store.subscribers_with_geocodes({"UGC=KEZ001"})->empty());
  CHECK(store.subscribers_with_geocodes({"UGC=KEZ002"})->size() == 1);
  CHECK(store.list_subscribers(10, 0)->size() == 3);
  // A subscriber's languages reach the claim of a delivery to them.
  NewAlert a = alert("a1");
  a.recipients = {{"sms", {}, {all[0].recipient_id}}};
  REQUIRE(store.accept_alert(a, {}).ok());
  auto due = *store.claim_due(0, 10, {"sms", ""});
  REQUIRE(due.size() == 1);
  CHECK(due[0].recipient == "+254700000001");
  CHECK(due[0].recipient_languages == std::vector<std::string>{"sw", "en"});

  CHECK(*store.remove_subscriber("+254700000001"));
  CHECK_FALSE(*store.remove_subscriber("+254700000001"));
  CHECK(store.list_subscribers(10, 0)->size() == 2);
}
