// Cell broadcast state in the store (issue 7): one message code per incident and channel, kept
// across an alert's Updates and across restarts, freed when nothing is on air; per-cell states.
#include <catch2/catch.hpp>

#include "capcast/store/store.h"
#include "support/helpers.h"

using namespace capcast;
using namespace capcast::store;

namespace {

AlertRef alert_ref(const std::string& id) {
  return {"met@example.org", id, "2030-01-01T00:00:00-00:00"};
}

NewAlert new_alert(const std::string& id, const std::string& msg_type,
                   std::vector<AlertRef> references = {}) {
  NewAlert a;
  a.sender = "met@example.org";
  a.identifier = id;
  a.sent = "2030-01-01T00:00:00-00:00";
  a.status = "Actual";
  a.msg_type = msg_type;
  a.references = std::move(references);
  a.xml = "<alert>" + id + "</alert>";
  return a;
}

}  // namespace

TEST_CASE("cbs store: an incident keeps its message code through Updates and restarts") {
  test::TempDir dir;
  const auto path = dir / "capcast.db";
  int64_t incident = 0;
  {
    auto st = open_sqlite(path);
    REQUIRE(st.ok());
    auto& s = **st;
    auto a = s.cbs_incident("cb", alert_ref("A"), {});
    REQUIRE(a.ok());
    CHECK(a->created);
    CHECK(a->message_code == 0);
    CHECK(a->update_number == -1);
    CHECK(a->on_air == "[]");
    incident = a->id;
    // Not saved yet (the peers have not confirmed): a retry of A gets the same, still new.
    auto retry = s.cbs_incident("cb", alert_ref("A"), {});
    REQUIRE(retry.ok());
    CHECK(retry->id == incident);
    CHECK(retry->message_code == 0);
    // The code is taken: a second incident gets the next one even before A is saved.
    auto b = s.cbs_incident("cb", alert_ref("B"), {});
    REQUIRE(b.ok());
    CHECK(b->message_code == 1);
    REQUIRE(s.cbs_save("cb", incident, alert_ref("A"), 0, "[{\"id\":4371}]", true).ok());
    auto again = s.cbs_incident("cb", alert_ref("A"), {});
    REQUIRE(again.ok());
    CHECK_FALSE(again->created);
    CHECK(again->id == incident);
    CHECK(again->update_number == 0);
    CHECK(again->on_air == "[{\"id\":4371}]");
  }
  auto st = open_sqlite(path);
  REQUIRE(st.ok());
  auto& s = **st;
  // An Update of A (after a restart) is in A's incident: same code, its state.
  auto u = s.cbs_incident("cb", alert_ref("U"), {alert_ref("unknown"), alert_ref("A")});
  REQUIRE(u.ok());
  CHECK(u->id == incident);
  CHECK(u->message_code == 0);
  CHECK(u->update_number == 0);
  // Another channel has incidents of its own.
  auto other = s.cbs_incident("other", alert_ref("U"), {alert_ref("A")});
  REQUIRE(other.ok());
  CHECK(other->created);
  CHECK(other->id != incident);
}

TEST_CASE("cbs store: codes on air are skipped, freed ones are reused, all 1024 busy is refused") {
  test::TempDir dir;
  auto st = open_sqlite(dir / "capcast.db");
  REQUIRE(st.ok());
  auto& s = **st;
  std::vector<int64_t> ids;
  for (int i = 0; i < 1024; ++i) {
    auto inc = s.cbs_incident("cb", alert_ref("A" + std::to_string(i)), {});
    REQUIRE(inc.ok());
    CHECK(inc->message_code == i);
    REQUIRE(s.cbs_save("cb", inc->id, alert_ref("A" + std::to_string(i)), 0, "[1]", true).ok());
    ids.push_back(inc->id);
  }
  auto full = s.cbs_incident("cb", alert_ref("X"), {});
  REQUIRE_FALSE(full.ok());
  CHECK(full.status().code() == Code::kUnavailable);
  CHECK(full.status().message().find("1024") != std::string::npos);
  // Incident 7 is cancelled (nothing on air): its code is free again.
  REQUIRE(s.cbs_save("cb", ids[7], alert_ref("C7"), 0, "[]", false).ok());
  auto next = s.cbs_incident("cb", alert_ref("X"), {});
  REQUIRE(next.ok());
  CHECK(next->message_code == 7);
}

TEST_CASE("cbs store: per-cell states, the latest word per cell") {
  test::TempDir dir;
  auto st = open_sqlite(dir / "capcast.db");
  REQUIRE(st.ok());
  auto& s = **st;
  REQUIRE(s.cbs_record_cells("cb", {{"bsc1:48049", 4371, 0x4010, "262-01-100-7", false, 3, -1, 1},
                                    {"bsc1:48049", 4371, 0x4010, "262-01-100-8", true, -1, 5, 1}})
              .ok());
  // The BSC says later that cell 7 works too.
  REQUIRE(s.cbs_record_cells("cb", {{"bsc1:48049", 4371, 0x4010, "262-01-100-7", true, -1, 2, 2}})
              .ok());
  auto cells = s.cbs_cells("cb", 4371, 0x4010);
  REQUIRE(cells.ok());
  REQUIRE(cells->size() == 2);
  CHECK((*cells)[0].cell == "262-01-100-7");
  CHECK((*cells)[0].ok);
  CHECK((*cells)[0].broadcasts_completed == 2);
  CHECK((*cells)[1].broadcasts_completed == 5);
  CHECK(s.cbs_cells("cb", 4371, 0x4011)->empty());
}

TEST_CASE("cbs store: accept_alert allocates the message code for a cell broadcast channel") {
  test::TempDir dir;
  auto st = open_sqlite(dir / "capcast.db");
  REQUIRE(st.ok());
  auto& s = **st;
  s.cbs_allocate_on_accept("cb", true);
  // A first alert routed to "cb" and to a channel that did not ask.
  REQUIRE(s.accept_alert(new_alert("A", "Alert"), {"cb", "file"}).ok());
  auto a = s.cbs_incident("cb", alert_ref("A"), {});
  REQUIRE(a.ok());
  CHECK_FALSE(a->created);  // allocated with the alert, found now
  CHECK(a->message_code == 0);
  auto file = s.cbs_incident("file", alert_ref("A"), {});
  REQUIRE(file.ok());
  CHECK(file->created);  // nothing was allocated for "file" by accept_alert
  // An Update is in A's incident: nothing new is allocated for it.
  REQUIRE(s.accept_alert(new_alert("U", "Update", {alert_ref("A")}), {"cb"}).ok());
  auto b = s.cbs_incident("cb", alert_ref("B"), {});
  REQUIRE(b.ok());
  CHECK(b->created);
  CHECK(b->message_code == 1);  // not 2: the Update took no code of its own
  // A Cancel allocates nothing; at its delivery it finds its references' incident.
  REQUIRE(s.accept_alert(new_alert("C", "Cancel", {alert_ref("B")}), {"cb"}).ok());
  auto c = s.cbs_incident("cb", alert_ref("C"), {alert_ref("B")});
  REQUIRE(c.ok());
  CHECK_FALSE(c->created);
  CHECK(c->id == b->id);
  // A channel that no longer asks: accept_alert leaves it alone.
  s.cbs_allocate_on_accept("cb", false);
  REQUIRE(s.accept_alert(new_alert("D", "Alert"), {"cb"}).ok());
  auto d = s.cbs_incident("cb", alert_ref("D"), {});
  REQUIRE(d.ok());
  CHECK(d->created);
}

TEST_CASE("cbs store: accept_alert accepts an alert even when every message code is on air") {
  test::TempDir dir;
  auto st = open_sqlite(dir / "capcast.db");
  REQUIRE(st.ok());
  auto& s = **st;
  for (int i = 0; i < 1024; ++i) {
    auto inc = s.cbs_incident("cb", alert_ref("A" + std::to_string(i)), {});
    REQUIRE(inc.ok());
    REQUIRE(s.cbs_save("cb", inc->id, alert_ref("A" + std::to_string(i)), 0, "[1]", true).ok());
  }
  s.cbs_allocate_on_accept("cb", true);
  auto acc = s.accept_alert(new_alert("X", "Alert"), {"cb"});
  REQUIRE(acc.ok());
  CHECK(acc->inserted);
  auto pending = s.claim_due(0, 10);
  REQUIRE(pending.ok());
  CHECK(pending->size() == 1);  // its delivery is there, to try again later
  auto x = s.cbs_incident("cb", alert_ref("X"), {});
  REQUIRE_FALSE(x.ok());
  CHECK(x.status().code() == Code::kUnavailable);
}
