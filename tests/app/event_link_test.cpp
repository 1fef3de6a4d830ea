// One earthquake from the tsunami centres and from USGS, linked in the store by its origin: the
// real SEHW70 PHEB statement (2016-03-31 11:16 PM HST = 2016-04-01 09:16 UTC, 20.7N 155.3W, M4.2)
// through the nws-tsunami format, and a USGS GeoJSON feed that this test builds itself (no
// capture of USGS's solution of that quake is kept here; its numbers are made up near the
// statement's) through the usgs-geojson format, each alert through to_new_alert into a store.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "accept.h"
#include "capcast/ingest/format.h"
#include "support/helpers.h"

using namespace capcast;

namespace {

constexpr int64_t kOrigin = 1'459'502'160'000;  // 2016-04-01T09:16:00Z

std::vector<std::string> extract(const char* format, const std::string& body,
                                 const std::string& sender) {
  const ingest::Format* f = ingest::find_format(format);
  REQUIRE(f);
  config::Section opts = ingest::default_options(*f);
  opts.set("sender", config::Value{sender}, {}, false);
  ingest::Input in;
  in.body = body;
  in.url = "file:///feed";
  in.source = format;
  in.options = &opts;
  in.now_ms = kOrigin + 3'600'000;
  auto out = f->extract(in);
  INFO((out.problems.empty() ? std::string() : out.problems.front()));
  CHECK(out.problems.empty());
  return out.documents;
}

nlohmann::json feature(const std::string& id, int64_t time_ms, double lat, double lon) {
  return {{"type", "Feature"},
          {"id", id},
          {"properties",
           {{"mag", 4.6},
            {"place", "test quake"},
            {"time", time_ms},
            {"updated", time_ms + 600'000},
            {"status", "reviewed"},
            {"ids", "," + id + ","},
            {"type", "earthquake"}}},
          {"geometry", {{"type", "Point"}, {"coordinates", {lon, lat, 9.8}}}}};
}

}  // namespace

TEST_CASE("the tsunami centre's statement is linked with USGS's alert about the same quake") {
  // The same quake 23 s after the statement's minute and 3 km away; one 10 minutes later at the
  // same place; one at the same time 300 km away (2.7 degrees of latitude).
  nlohmann::json feed = {{"type", "FeatureCollection"},
                         {"metadata", {{"generated", kOrigin + 3'600'000}, {"count", 3}}},
                         {"features",
                          {feature("hv00000001", kOrigin + 23'000, 20.72, -155.28),
                           feature("hv00000002", kOrigin + 600'000, 20.7, -155.3),
                           feature("hv00000003", kOrigin + 23'000, 23.4, -155.3)}}};
  auto usgs = extract("usgs-geojson", feed.dump(), "usgs.example.org");
  REQUIRE(usgs.size() == 3);
  auto statement =
      extract("nws-tsunami",
              test::read_file(test::source_dir() / "tests/data/feeds/nws-tsunami/"
                                                   "pdc-parser_21_raw_21.1459502762326.txt"),
              "tsunami.example.org");
  REQUIRE(statement.size() == 1);

  test::TempDir dir;
  auto s = store::open_sqlite(dir / "capcast.db");
  REQUIRE(s.ok());
  std::vector<int64_t> ids;
  for (const auto& doc : usgs) {
    auto n = app::to_new_alert("usgs", doc);
    REQUIRE(n.ok());
    REQUIRE(n->origin);  // EventOriginTime and EventLatLon, as usgs-geojson writes them
    auto r = (*s)->accept_alert(*n, {});
    REQUIRE(r.ok());
    CHECK(r->linked.empty());
    ids.push_back(r->alert_id);
  }
  auto n = app::to_new_alert("ptwc", statement[0]);
  REQUIRE(n.ok());
  REQUIRE(n->origin);
  CHECK(n->origin->time_ms == kOrigin);
  CHECK(n->origin->lat == 20.7);
  CHECK(n->origin->lon == -155.3);
  auto r = (*s)->accept_alert(*n, {});
  REQUIRE(r.ok());
  CHECK(r->linked == std::vector<int64_t>{ids[0]});
  CHECK(*(*s)->linked(ids[0]) == std::vector<int64_t>{r->alert_id});
  CHECK((*s)->linked(ids[1])->empty());
  CHECK((*s)->linked(ids[2])->empty());
}

TEST_CASE("an origin needs both parameters, valid, and the NTWC's EventLatLon form is read") {
  auto with = [](const std::string& params) {
    auto n = app::to_new_alert(
        "t",
        "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><identifier>I</identifier>"
        "<sender>s@x</sender><sent>2024-01-01T00:00:00-00:00</sent><status>Actual</status>"
        "<msgType>Alert</msgType><scope>Public</scope><info><category>Geo</category>"
        "<event>E</event><urgency>Past</urgency><severity>Minor</severity>"
        "<certainty>Observed</certainty>" +
            params + "</info></alert>");
    REQUIRE(n.ok());
    return n->origin;
  };
  auto p = [](const std::string& name, const std::string& value) {
    return "<parameter><valueName>" + name + "</valueName><value>" + value + "</value></parameter>";
  };
  const std::string time = p("EventOriginTime", "2011-09-02T10:55:55-00:00");
  // As the NTWC's real CAP writes it (PAAQ-2-lqw6d6): "lat,lon depth".
  auto o = with(time + p("EventLatLon", "51.800,-171.400 0.000"));
  REQUIRE(o);
  CHECK(o->time_ms == 1'314'960'955'000);
  CHECK(o->lat == 51.8);
  CHECK(o->lon == -171.4);
  CHECK_FALSE(with(time));
  CHECK_FALSE(with(p("EventLatLon", "51.8,-171.4")));
  CHECK_FALSE(with(time + p("EventLatLon", "91,0")));
  CHECK_FALSE(with(time + p("EventLatLon", "51.8;-171.4")));
  CHECK_FALSE(with(time + p("EventLatLon", "51.8,-171.4x")));
  CHECK_FALSE(with(p("EventOriginTime", "2011-09-02 10:55") + p("EventLatLon", "51.8,-171.4")));
}
