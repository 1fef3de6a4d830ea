// The nws-geojson format: the real api.weather.gov capture end to end, each mapping rule on a
// hand-made alert (table-driven), bad input, JSON-LD, determinism, and every produced alert
// through xmllint with the official CAP 1.2 XSD.
#include <catch2/catch.hpp>

#include <functional>
#include <nlohmann/json.hpp>

#include "capcast/cap/parse.h"
#include "capcast/cap/validate.h"
#include "capcast/ingest/format.h"
#include "ingest/nws_geojson_cases.h"
#include "support/helpers.h"
#include "support/process.h"

using namespace capcast;
using namespace capcast::ingest;
using Json = nlohmann::ordered_json;
using namespace nws_cases;

namespace {

const char* kUrl = "https://api.weather.gov/alerts/active";

Extracted extract(const std::string& body) {
  const Format* f = find_format("nws-geojson");
  REQUIRE(f);
  Input in;
  in.body = body;
  in.url = kUrl;
  in.source = "nws";
  in.options = &default_options(*f);
  return f->extract(in);
}

std::string capture() {
  return test::read_file(test::source_dir() /
                         "tests/data/feeds/nws-geojson/pynws_alerts_active_zone.json");
}

cap::Alert parsed(const std::string& xml) {
  auto p = cap::parse(xml);
  REQUIRE(p.ok());
  return p->alert;
}

bool any_contains(const std::vector<std::string>& v, const std::string& needle) {
  for (const auto& s : v)
    if (s.find(needle) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("nws-geojson is registered") {
  REQUIRE(find_format("nws-geojson"));
}

TEST_CASE("nws-geojson: the real api.weather.gov capture, end to end") {
  Extracted ex = extract(capture());
  CHECK(ex.problems.empty());
  CHECK(ex.links.empty());
  CHECK_FALSE(ex.memory);
  REQUIRE(ex.documents.size() == 1);
  auto report = cap::validate(ex.documents[0]);
  for (const auto& f : report.findings) {
    INFO(f.path << ": " << f.message);
    CHECK(f.level != cap::Level::kError);
  }
  cap::Alert a = parsed(ex.documents[0]);
  CHECK(a.identifier == "NWS-IDP-PROD-3965873-3369046");
  CHECK(a.sender == "w-nws.webmaster@noaa.gov");
  CHECK(a.sent == "2019-12-20T13:34:00-08:00");
  CHECK(a.status == "Actual");
  CHECK(a.msg_type == "Update");
  CHECK(a.scope == "Public");
  CHECK(a.references ==
        "w-nws.webmaster@noaa.gov,NWS-IDP-PROD-3964821-3368352,2019-12-19T12:52:00-08:00 "
        "w-nws.webmaster@noaa.gov,NWS-IDP-PROD-3965324-3368680,2019-12-20T01:47:00-08:00 "
        "w-nws.webmaster@noaa.gov,NWS-IDP-PROD-3965155-3368578,2019-12-19T21:23:00-08:00 "
        "w-nws.webmaster@noaa.gov,NWS-IDP-PROD-3963421-3367361,2019-12-18T12:29:00-08:00");
  REQUIRE(a.infos.size() == 1);
  const auto& i = a.infos[0];
  CHECK(i.language == "en-US");
  CHECK(i.categories == std::vector<std::string>{"Met"});
  CHECK(i.event == "Flood Watch");
  CHECK(i.response_types == std::vector<std::string>{"Prepare"});
  CHECK(i.urgency == "Future");
  CHECK(i.severity == "Severe");
  CHECK(i.certainty == "Possible");
  CHECK(i.effective == "2019-12-20T13:34:00-08:00");
  CHECK(i.onset == "2019-12-20T13:34:00-08:00");
  CHECK(i.expires == "2019-12-21T05:30:00-08:00");
  CHECK(i.sender_name == "NWS Portland OR");
  CHECK(i.headline->rfind("Flood Watch issued December 20 at 1:34PM PST", 0) == 0);
  CHECK(i.description->rfind("The Flood Watch continues for\n\n* Portions", 0) == 0);
  CHECK(i.instruction->rfind("A Flood Watch means", 0) == 0);
  REQUIRE(i.parameters.size() == 8);
  CHECK(i.parameters[0] ==
        cap::ValuePair{"NWSheadline", "FLOOD WATCH REMAINS IN EFFECT THROUGH SUNDAY MORNING"});
  CHECK(i.parameters[1] ==
        cap::ValuePair{"VTEC", "/O.CON.KPQR.FA.A.0004.000000T0000Z-191222T1800Z/"});
  CHECK(i.parameters[4] == cap::ValuePair{"BLOCKCHANNEL", "CMAS"});
  CHECK(i.parameters[7] == cap::ValuePair{"eventEndingTime", "2019-12-22T10:00:00-08:00"});
  REQUIRE(i.areas.size() == 1);
  CHECK(i.areas[0].area_desc.rfind("North Oregon Coast; Greater Portland Metro Area", 0) == 0);
  CHECK(i.areas[0].polygons.empty());
  REQUIRE(i.areas[0].geocodes.size() == 11 + 16);
  CHECK(i.areas[0].geocodes.front() == cap::ValuePair{"UGC", "ORZ001"});
  CHECK(i.areas[0].geocodes.back() == cap::ValuePair{"SAME", "053059"});
}

TEST_CASE("nws-geojson: each mapping rule (table)") {
  for (const auto& row : rows()) {
    DYNAMIC_SECTION(row.rule) {
      Json f = base_feature();
      row.mutate(f);
      Extracted ex = extract(collection({f}));
      if (row.check) {
        INFO(Json(ex.problems).dump(1));
        REQUIRE(ex.documents.size() == 1);
        CHECK(ex.problems.empty());
        auto report = cap::validate(ex.documents[0]);
        CHECK_FALSE(report.has_errors());
        row.check(parsed(ex.documents[0]));
      } else {
        CHECK(ex.documents.empty());
        INFO(Json(ex.problems).dump(1));
        REQUIRE_FALSE(ex.problems.empty());
        CHECK(any_contains(ex.problems, row.problem));
        // Where: the feature's number and its id, when it has one.
        CHECK(any_contains(ex.problems, std::string(kUrl) + ": feature 1"));
      }
    }
  }
}

TEST_CASE("nws-geojson: a polygon's holes are left out, noted, and the alert goes on") {
  Json f = base_feature();
  f["geometry"]["coordinates"].push_back(
      Json::parse("[[-95.3,30.3],[-95.2,30.3],[-95.2,30.4],[-95.3,30.3]]"));
  Extracted ex = extract(collection({f}));
  REQUIRE(ex.documents.size() == 1);
  REQUIRE(ex.problems.size() == 1);
  CHECK(ex.problems[0].find("1 hole(s) left out") != std::string::npos);
  CHECK(parsed(ex.documents[0]).infos[0].areas[0].polygons.size() == 1);
}

TEST_CASE("nws-geojson: a bad alert is reported by its number and id, the others go on") {
  Json good = base_feature();
  Json bad = base_feature();
  props(bad)["id"] = "urn:oid:bad";
  props(bad)["severity"] = "Yellow";
  Json other = base_feature();
  props(other)["id"] = "urn:oid:other";
  std::string body = collection({good, bad, Json("not a feature"), other});
  Extracted ex = extract(body);
  REQUIRE(ex.documents.size() == 2);
  CHECK(parsed(ex.documents[0]).identifier == "urn:oid:2.49.0.1.840.0.abc.001.1");
  CHECK(parsed(ex.documents[1]).identifier == "urn:oid:other");
  REQUIRE(ex.problems.size() == 2);
  CHECK(ex.problems[0].find("feature 2 (id urn:oid:bad): properties.severity") !=
        std::string::npos);
  CHECK(ex.problems[1].find("feature 3: not a GeoJSON Feature") != std::string::npos);
}

TEST_CASE("nws-geojson: input that is not an alert collection is one problem") {
  for (std::string body : {std::string("{\"type\": \"FeatureCollection\", \"features\": ["),
                           std::string("<html>503</html>"), std::string("[1, 2]"),
                           std::string("{\"type\": \"FeatureCollection\"}"),
                           std::string("{\"@graph\": 3}"), std::string("\"\xff\xfe\"")}) {
    INFO(body);
    Extracted ex = extract(body);
    CHECK(ex.documents.empty());
    CHECK(ex.problems.size() == 1);
  }
  Extracted empty = extract(R"({"type": "FeatureCollection", "features": []})");
  CHECK(empty.documents.empty());
  CHECK(empty.problems.empty());
}

TEST_CASE("nws-geojson: JSON-LD, with WKT geometry, and single alerts") {
  Json item = base_feature()["properties"];
  item["geometry"] = "POLYGON((-95.5 30.25,-95 30.25,-95 30.75,-95.5 30.25))";
  Json multi = item;
  multi["id"] = "urn:oid:multi";
  multi["geometry"] = "MULTIPOLYGON (((1 2, 3 2, 3 4, 1 2)), ((10.5 -20, 11 -20, 11 -19)))";
  Json none = item;
  none["id"] = "urn:oid:none";
  none["geometry"] = nullptr;
  Json bad = item;
  bad["id"] = "urn:oid:badwkt";
  bad["geometry"] = "POLYGON((1 2, 3";
  Json ld = {{"@context", Json::array()}, {"@graph", {item, multi, none, bad}}};
  Extracted ex = extract(ld.dump());
  REQUIRE(ex.documents.size() == 3);
  CHECK(parsed(ex.documents[0]).infos[0].areas[0].polygons ==
        std::vector<std::string>{"30.25,-95.5 30.25,-95 30.75,-95 30.25,-95.5"});
  CHECK(parsed(ex.documents[1]).infos[0].areas[0].polygons ==
        std::vector<std::string>{"2,1 2,3 4,3 2,1", "-20,10.5 -20,11 -19,11 -20,10.5"});
  CHECK(parsed(ex.documents[2]).infos[0].areas[0].polygons.empty());
  REQUIRE(ex.problems.size() == 1);
  CHECK(ex.problems[0].find("@graph item 4 (id urn:oid:badwkt): geometry: is not WKT") !=
        std::string::npos);

  Extracted one_ld = extract(item.dump());  // /alerts/{id} as JSON-LD
  CHECK(one_ld.documents.size() == 1);
  Extracted one_feature = extract(base_feature().dump());  // /alerts/{id} as GeoJSON
  REQUIRE(one_feature.documents.size() == 1);
  CHECK(one_feature.documents == extract(collection({base_feature()})).documents);
}

TEST_CASE("nws-geojson: the same input gives byte-identical documents") {
  std::string body = collection({base_feature()});
  CHECK(extract(body).documents == extract(body).documents);
  CHECK(extract(capture()).documents == extract(capture()).documents);
}

TEST_CASE("nws-geojson: every produced alert passes xmllint with the official CAP 1.2 XSD") {
  std::vector<std::string> docs = extract(capture()).documents;
  size_t expected = docs.size();
  for (const auto& row : rows()) {
    if (!row.check) continue;
    ++expected;
    Json f = base_feature();
    row.mutate(f);
    for (auto& d : extract(collection({f})).documents)
      docs.push_back(std::move(d));
  }
  REQUIRE(docs.size() == expected);
  REQUIRE(docs.size() > 20);
  auto lint = test::xmllint_cap(docs);
  INFO(lint.output);
  CHECK(lint.rc == 0);
  CHECK(lint.validates == docs.size());
}

TEST_CASE("nws-geojson: pagination.next is the next page, up to max_pages, until a page is empty") {
  const Format* f = find_format("nws-geojson");
  REQUIRE(f);
  auto page = [&](int n, const config::Section* options, Json body) {
    Input in;
    std::string text = body.dump();
    in.body = text;
    in.url = "https://api.weather.gov/alerts?limit=2";
    in.source = "nws";
    in.options = options;
    in.page = n;
    return f->extract(in);
  };
  Json geo = Json::parse(collection({base_feature()}));
  geo["pagination"] = {{"next", "https://api.weather.gov/alerts?cursor=abc"}};
  Json ld = {{"@graph", {base_feature()["properties"]}},
             {"pagination", {{"next", "/alerts?cursor=def"}}}};
  CHECK(page(1, &default_options(*f), geo).next_page ==
        "https://api.weather.gov/alerts?cursor=abc");
  CHECK(page(1, &default_options(*f), ld).next_page ==
        "https://api.weather.gov/alerts?cursor=def");  // resolved against the page's URL
  // The default limit, 10 pages: page 10 gives no next page, and says why.
  CHECK(page(9, &default_options(*f), geo).next_page.size() > 0);
  Extracted tenth = page(10, &default_options(*f), geo);
  CHECK(tenth.next_page.empty());
  REQUIRE(tenth.problems.size() == 1);
  CHECK(tenth.problems[0].find("max_pages (10)") != std::string::npos);
  CHECK(tenth.documents.size() == 1);
  config::Section one("source", 1, config::Location{});
  one.set("max_pages", config::Value{int64_t{1}}, {}, false);
  CHECK(page(1, &one, geo).next_page.empty());
  // A page without alerts ends the walk, whatever its next link says.
  Json empty = {{"type", "FeatureCollection"},
                {"features", Json::array()},
                {"pagination", {{"next", "https://api.weather.gov/alerts?cursor=zzz"}}}};
  Extracted last = page(4, &default_options(*f), empty);
  CHECK(last.next_page.empty());
  CHECK(last.problems.empty());
  Json no_next = Json::parse(collection({base_feature()}));
  CHECK(page(1, &default_options(*f), no_next).next_page.empty());
}
