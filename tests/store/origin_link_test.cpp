// Linking alerts about one earthquake by its origin (NewAlert::origin): within 90 s and 100 km,
// other senders only, at the limits, and across every border a grid of cells would have (the
// minute, the day and the year, a whole degree, the equator, the antimeridian, the pole), where
// a bucketed design could miss a pair.
#include <catch2/catch.hpp>

#include <algorithm>

#include "capcast/store/store.h"
#include "support/helpers.h"

using namespace capcast;
using namespace capcast::store;

namespace {

constexpr int64_t kT = 1'459'502'160'000;  // 2016-04-01T09:16:00Z

int serial = 0;

NewAlert quake(const std::string& sender, int64_t time_ms, double lat, double lon) {
  NewAlert a;
  a.sender = sender;
  a.identifier = "q" + std::to_string(++serial);
  a.sent = "2016-04-01T09:30:00-00:00";
  a.sent_ms = kT;
  a.status = "Actual";
  a.msg_type = "Alert";
  a.title = "quake";
  a.source = "test";
  a.xml = "<alert/>";
  a.origin = EventOrigin{time_ms, lat, lon};
  return a;
}

// Whether the second alert, stored after the first, is linked with it (both ways).
bool linked(const EventOrigin& a, const EventOrigin& b) {
  test::TempDir dir;
  auto s = open_sqlite(dir / "capcast.db");
  REQUIRE(s.ok());
  auto first = (*s)->accept_alert(quake("usgs.example.org", a.time_ms, a.lat, a.lon), {});
  REQUIRE(first.ok());
  CHECK(first->linked.empty());
  auto second = (*s)->accept_alert(quake("tsunami.example.org", b.time_ms, b.lat, b.lon), {});
  REQUIRE(second.ok());
  auto back = (*s)->linked(first->alert_id);
  REQUIRE(back.ok());
  bool there = second->linked == std::vector<int64_t>{first->alert_id};
  CHECK(there == (*back == std::vector<int64_t>{second->alert_id}));
  return there;
}

}  // namespace

TEST_CASE("origins: the same quake from two senders is linked, another one is not") {
  EventOrigin ptwc{kT, 20.7, -155.3};
  CHECK(linked(ptwc, {kT + 37'000, 20.71, -155.28}));
  CHECK_FALSE(linked(ptwc, {kT + 600'000, 20.7, -155.3}));  // 10 minutes later
  CHECK_FALSE(linked(ptwc, {kT, 23.4, -155.3}));            // 300 km north
  CHECK_FALSE(linked(ptwc, {kT, 20.7, -158.18}));           // 300 km west
}

TEST_CASE("origins: the limits are 90 s and 100 km, both included") {
  EventOrigin o{kT, 10.0, 100.0};
  CHECK(linked(o, {kT + 90'000, 10.0, 100.0}));
  CHECK(linked(o, {kT - 90'000, 10.0, 100.0}));
  CHECK_FALSE(linked(o, {kT + 90'001, 10.0, 100.0}));
  CHECK_FALSE(linked(o, {kT - 90'001, 10.0, 100.0}));
  // One degree of latitude is 111.2 km on the IUGG mean sphere.
  CHECK(linked(o, {kT, 10.0 + 99.9 / 111.195, 100.0}));
  CHECK_FALSE(linked(o, {kT, 10.0 + 100.1 / 111.195, 100.0}));
  CHECK(linked(o, {kT + 89'000, 10.0 - 99.0 / 111.195, 100.0}));  // both near their limit
}

TEST_CASE("origins: pairs across the borders a grid of cells would have") {
  // Times across a minute, an hour, a day and a year.
  CHECK(linked({1'483'228'770'000, 0.5, 0.5},
               {1'483'228'850'000, 0.5, 0.5}));  // 23:59:30 -> 00:00:50
  // Places across a whole degree, the equator, the prime meridian, the antimeridian, a pole.
  CHECK(linked({kT, 20.98, -155.02}, {kT, 21.02, -154.98}));
  CHECK(linked({kT, 0.3, 120.0}, {kT, -0.3, 120.0}));      // 66.7 km
  CHECK(linked({kT, 51.5, -0.2}, {kT, 51.5, 0.2}));        // 27.7 km
  CHECK(linked({kT, -17.0, 179.8}, {kT, -17.0, -179.8}));  // 42.5 km, Fiji and Tonga's side
  CHECK(linked({kT, 89.9, 0.0}, {kT, 89.9, 180.0}));       // 22.2 km over the pole
  // And the far side of the antimeridian is not near because the numbers are.
  CHECK_FALSE(linked({kT, -17.0, 179.8}, {kT, -17.0, 170.0}));
}

TEST_CASE("origins: only other senders, with keys too, each linked alert once") {
  test::TempDir dir;
  auto s = open_sqlite(dir / "capcast.db");
  REQUIRE(s.ok());
  Store& store = **s;
  NewAlert usgs = quake("usgs.example.org", kT + 20'000, 20.69, -155.31);
  usgs.event_keys = {"usgs:hv61262201"};
  auto u = store.accept_alert(usgs, {});
  REQUIRE(u.ok());
  // GDACS: the same key and the same origin: linked once.
  NewAlert gdacs = quake("gdacs.example.org", kT + 20'000, 20.69, -155.31);
  gdacs.event_keys = {"usgs:hv61262201"};
  auto g = store.accept_alert(gdacs, {});
  CHECK(g->linked == std::vector<int64_t>{u->alert_id});
  // The tsunami centre's statement: by its origin alone, with both.
  NewAlert statement = quake("tsunami.example.org", kT, 20.7, -155.3);
  auto t = store.accept_alert(statement, {});
  CHECK(t->linked == std::vector<int64_t>{u->alert_id, g->alert_id});
  CHECK(*store.linked(u->alert_id) == std::vector<int64_t>{g->alert_id, t->alert_id});
  // The centre's next statement about the quake is its own, not a cross-feed link with itself.
  auto t2 = store.accept_alert(quake("tsunami.example.org", kT, 20.7, -155.3), {});
  CHECK(t2->linked == std::vector<int64_t>{u->alert_id, g->alert_id});
  // No origin and no keys: nothing looked up, nothing linked.
  NewAlert plain = quake("met.example.org", kT, 20.7, -155.3);
  plain.origin.reset();
  auto p = store.accept_alert(plain, {});
  CHECK(p->linked.empty());
  CHECK(store.linked(p->alert_id)->empty());
  // The same statement polled again is a duplicate: nothing changes.
  auto again = store.accept_alert(statement, {});
  REQUIRE(again.ok());
  CHECK_FALSE(again->inserted);
  CHECK(again->alert_id == t->alert_id);
  CHECK(*store.linked(u->alert_id) == std::vector<int64_t>{g->alert_id, t->alert_id, t2->alert_id});
}
