// The Router: [[route]] conditions, [[region]] areas, BLOCKCHANNEL, and config errors.
#include <catch2/catch.hpp>

#include "capcast/cap/parse.h"
#include "capcast/dispatch/registry.h"
#include "capcast/dispatch/routing.h"
#include "support/helpers.h"

using namespace capcast;
using namespace capcast::dispatch;
using Names = std::vector<std::string>;

namespace {

const Names kChannels = {"a", "b", "c"};

const config::Schema& schema() {
  static const config::Schema s = [] {
    config::Schema out;
    out.sections = {channel_section(), route_section(), region_section()};
    return out;
  }();
  return s;
}

// Three file channels a, b, c and whatever routes and regions `toml` adds. The file lives in
// `dir` (so that relative GeoJSON paths resolve there).
Result<Router> router(const test::TempDir& dir, const std::string& toml) {
  std::string text;
  for (const auto& c : kChannels)
    text += "[[channel]]\nname = \"" + c + "\"\nurl = \"file:" + c + "\"\n";
  test::write_file(dir / "r.toml", text + toml);
  auto doc = config::load_file(dir / "r.toml", schema());
  if (!doc.ok()) return doc.status();
  return Router::build(*doc, kChannels);
}

Router must_build(const test::TempDir& dir, const std::string& toml) {
  auto r = router(dir, toml);
  INFO(r.status().message());
  REQUIRE(r.ok());
  return *r;
}

cap::Info info(std::string event, std::string severity = "Severe",
               std::string urgency = "Immediate", std::string certainty = "Observed") {
  cap::Info i;
  i.categories = {"Met"};
  i.event = std::move(event);
  i.severity = std::move(severity);
  i.urgency = std::move(urgency);
  i.certainty = std::move(certainty);
  return i;
}

cap::Alert alert(std::vector<cap::Info> infos = {info("Flood")}) {
  cap::Alert a;
  a.identifier = "A-1";
  a.sender = "met@example.org";
  a.sent = "2024-01-01T00:00:00-00:00";
  a.status = "Actual";
  a.msg_type = "Alert";
  a.scope = "Public";
  a.infos = std::move(infos);
  return a;
}

cap::Alert with_area(cap::Area area) {
  auto i = info("Flood");
  i.areas.push_back(std::move(area));
  return alert({i});
}

cap::Area area(std::vector<std::string> polygons, std::vector<std::string> circles = {},
               std::vector<cap::ValuePair> geocodes = {}) {
  cap::Area a;
  a.area_desc = "somewhere";
  a.polygons = std::move(polygons);
  a.circles = std::move(circles);
  a.geocodes = std::move(geocodes);
  return a;
}

// Routes every alert that meets `condition` to channel b (and nothing else to anything).
Router only_b_when(const test::TempDir& dir, const std::string& condition) {
  return must_build(dir, "[[route]]\nname = \"r\"\nchannels = [\"b\"]\n" + condition + "\n");
}

}  // namespace

TEST_CASE("routing: no [[route]] sends every alert to every channel") {
  test::TempDir dir;
  Router r = must_build(dir, "");
  CHECK_FALSE(r.has_routes());
  CHECK(r.route(alert()) == kChannels);
  CHECK(Router(kChannels).route(alert()) == kChannels);
  auto d = r.decide(alert());
  CHECK(d.matched.empty());
  CHECK(d.blocked.empty());
}

TEST_CASE("routing: alert-level conditions, each matching and not, without case") {
  test::TempDir dir;
  auto a = alert();
  struct Case {
    const char* condition;
    bool matches;
  };
  for (auto [condition, matches] : {
           Case{"status = [\"Actual\"]", true},
           Case{"status = [\"actual\", \"Exercise\"]", true},
           Case{"status = [\"Exercise\"]", false},
           Case{"msg_type = [\"ALERT\"]", true},
           Case{"msg_type = [\"Update\", \"Cancel\"]", false},
           Case{"scope = [\"Public\"]", true},
           Case{"scope = [\"Restricted\"]", false},
           Case{"sender = [\"MET@example.org\"]", true},
           Case{"sender = [\"other@example.org\"]", false},
       }) {
    INFO(condition);
    Router r = only_b_when(dir, condition);
    CHECK(r.has_routes());
    CHECK(r.route(a) == (matches ? Names{"b"} : Names{}));
  }
}

TEST_CASE("routing: info-level conditions: category, event and the three minimums") {
  test::TempDir dir;
  struct Case {
    const char* condition;
    cap::Info info;
    bool matches;
  };
  auto with_categories = [](Names cats) {
    auto i = info("Flood");
    i.categories = std::move(cats);
    return i;
  };
  for (const auto& [condition, inf, matches] : {
           Case{"category = [\"met\"]", info("Flood"), true},
           Case{"category = [\"Geo\", \"Fire\"]", info("Flood"), false},
           Case{"category = [\"Fire\"]", with_categories({"Met", "Fire"}), true},
           Case{"event = [\"flood\", \"Storm\"]", info("Flood"), true},
           Case{"event = [\"Storm\"]", info("Flood"), false},
           // Severity: Extreme > Severe > Moderate > Minor; Unknown never meets a minimum.
           Case{"min_severity = \"Severe\"", info("F", "Extreme"), true},
           Case{"min_severity = \"Severe\"", info("F", "Severe"), true},
           Case{"min_severity = \"severe\"", info("F", "Moderate"), false},
           Case{"min_severity = \"Minor\"", info("F", "Unknown"), false},
           Case{"min_severity = \"Minor\"", info("F", "Minor"), true},
           // Urgency: Immediate > Expected > Future > Past.
           Case{"min_urgency = \"Expected\"", info("F", "Severe", "Immediate"), true},
           Case{"min_urgency = \"Expected\"", info("F", "Severe", "Expected"), true},
           Case{"min_urgency = \"Expected\"", info("F", "Severe", "Future"), false},
           Case{"min_urgency = \"Past\"", info("F", "Severe", "Unknown"), false},
           // Certainty: Observed > Likely > Possible > Unlikely.
           Case{"min_certainty = \"Likely\"", info("F", "Severe", "Immediate", "Observed"), true},
           Case{"min_certainty = \"Likely\"", info("F", "Severe", "Immediate", "Likely"), true},
           Case{"min_certainty = \"Likely\"", info("F", "Severe", "Immediate", "Possible"), false},
           Case{"min_certainty = \"Unlikely\"", info("F", "Severe", "Immediate", "Unknown"), false},
       }) {
    INFO(condition << " / " << inf.event << " " << inf.severity << " " << inf.urgency << " "
                   << inf.certainty);
    CHECK(only_b_when(dir, condition).route(alert({inf})) == (matches ? Names{"b"} : Names{}));
  }
  // Info-level conditions need an <info>: an alert without one matches none of them.
  CHECK(only_b_when(dir, "min_severity = \"Minor\"").route(alert({})).empty());
  CHECK(only_b_when(dir, "status = [\"Actual\"]").route(alert({})) == Names{"b"});
}

TEST_CASE("routing: one <info> must meet every info-level condition by itself") {
  test::TempDir dir;
  Router r = only_b_when(dir, "event = [\"Fire\"]\nmin_severity = \"Severe\"");
  // One info is severe, the other is about the fire but minor: no match.
  CHECK(r.route(alert({info("Flood", "Extreme"), info("Fire", "Minor")})).empty());
  // One info is both.
  CHECK(r.route(alert({info("Flood", "Minor"), info("Fire", "Extreme")})) == Names{"b"});
}

TEST_CASE("routing: channels are the union of the matched routes, in configured order") {
  test::TempDir dir;
  Router r = must_build(dir,
                        "[[route]]\nname = \"severe\"\nchannels = [\"c\", \"a\"]\n"
                        "min_severity = \"Severe\"\n"
                        "[[route]]\nname = \"floods\"\nchannels = [\"a\", \"b\"]\n"
                        "event = [\"Flood\"]\n"
                        "[[route]]\nname = \"tests\"\nchannels = [\"c\"]\n"
                        "status = [\"Test\"]\n");
  auto d = r.decide(alert({info("Flood", "Extreme")}));
  CHECK(d.channels == Names{"a", "b", "c"});
  CHECK(d.matched == Names{"severe", "floods"});
  CHECK(r.route(alert({info("Storm", "Extreme")})) == Names{"a", "c"});
  // Routes are configured but none matches: no channel at all.
  auto none = r.decide(alert({info("Storm", "Minor")}));
  CHECK(none.channels.empty());
  CHECK(none.matched.empty());
}

TEST_CASE("routing: regions by polygon, circle and geocode") {
  test::TempDir dir;
  // A 1-degree square at 45-46 N, 5-6 E, with a geocode of its own.
  Router r = only_b_when(dir,
                         "regions = [\"alps\"]\n"
                         "[[region]]\nname = \"alps\"\n"
                         "polygons = [\"45,5 45,6 46,6 46,5 45,5\"]\n"
                         "geocodes = [\"NUTS3=FRK27\"]\n");
  // A polygon overlapping the square, one inside it, one far away.
  CHECK(r.route(with_area(area({"45.5,5.5 45.5,7 47,7 47,5.5 45.5,5.5"}))) == Names{"b"});
  CHECK(r.route(with_area(area({"45.2,5.2 45.2,5.4 45.4,5.4 45.2,5.2"}))) == Names{"b"});
  CHECK(r.route(with_area(area({"10,10 10,11 11,11 10,10"}))).empty());
  // A circle whose centre lies 0.1 degree (about 7.9 km) east of the square's edge: a 10 km
  // radius reaches it, a 5 km one does not.
  CHECK(r.route(with_area(area({}, {"45.5,6.1 10"}))) == Names{"b"});
  CHECK(r.route(with_area(area({}, {"45.5,6.1 5"}))).empty());
  // Geocodes: valueName without case, value exactly.
  CHECK(r.route(with_area(area({}, {}, {{"nuts3", "FRK27"}}))) == Names{"b"});
  CHECK(r.route(with_area(area({}, {}, {{"NUTS3", "FRK28"}}))).empty());
  CHECK(r.route(with_area(area({}, {}, {{"SAME", "FRK27"}}))).empty());
  // No area at all, or an area whose polygon does not parse: no match.
  CHECK(r.route(alert()).empty());
  CHECK(r.route(with_area(area({"not a polygon"}))).empty());
  // A second area of the same info may be the one that touches.
  auto i = info("Flood");
  i.areas = {area({"10,10 10,11 11,11 10,10"}), area({}, {"45.5,5.5 0"})};
  CHECK(r.route(alert({i})) == Names{"b"});
}

TEST_CASE("routing: a region from a GeoJSON file, Polygon and MultiPolygon") {
  test::TempDir dir;
  // [longitude, latitude] (RFC 7946 §3.1.1): the square at 45-46 N, 5-6 E, and one at 0-1 N,
  // 0-1 E as the second polygon of a MultiPolygon in a FeatureCollection.
  test::write_file(dir / "square.geojson",
                   R"({"type": "Polygon", "coordinates": [[[5,45],[6,45],[6,46],[5,46],[5,45]]]})");
  test::write_file(
      dir / "multi.geojson",
      R"({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},
          "geometry": {"type": "MultiPolygon", "coordinates": [
            [[[5,45],[6,45],[6,46],[5,46],[5,45]]],
            [[[0,0],[1,0],[1,1],[0,1],[0,0]]]]}}]})");
  for (const char* file : {"square.geojson", "multi.geojson"}) {
    INFO(file);
    Router r = only_b_when(dir, std::string("regions = [\"z\"]\n[[region]]\nname = \"z\"\n") +
                                    "geojson = \"" + file + "\"\n");
    CHECK(r.route(with_area(area({}, {"45.5,5.5 1"}))) == Names{"b"});
    // Latitude and longitude swapped would put the square at 5-6 N, 45-46 E.
    CHECK(r.route(with_area(area({}, {"5.5,45.5 1"}))).empty());
    CHECK(r.route(with_area(area({}, {"0.5,0.5 1"}))) ==
          (std::string(file) == "multi.geojson" ? Names{"b"} : Names{}));
  }
}

TEST_CASE("routing: BLOCKCHANNEL keeps an alert from the channels that list the value") {
  test::TempDir dir;
  std::string text;
  for (const auto& [name, blocks] :
       {std::pair{"wea", "[\"CMAS\"]"}, std::pair{"eas", "[\"EAS\"]"}, std::pair{"all", "[]"}})
    text += std::string("[[channel]]\nname = \"") + name + "\"\nurl = \"file:" + name +
            "\"\nblock_names = " + blocks + "\n";
  test::write_file(dir / "b.toml", text);
  auto doc = config::load_file(dir / "b.toml", schema());
  REQUIRE(doc.ok());
  auto r = Router::build(*doc, {"wea", "eas", "all"});
  REQUIRE(r.ok());

  auto a = alert();
  CHECK(r->route(a) == Names{"wea", "eas", "all"});
  a.infos[0].parameters = {{"BLOCKCHANNEL", "cmas"}, {"BLOCKCHANNEL", "NWEM"}};
  auto d = r->decide(a);
  CHECK(d.channels == Names{"eas", "all"});
  CHECK(d.blocked == Names{"wea"});
  a.infos[0].parameters = {{"OTHER", "CMAS"}};
  CHECK(r->route(a) == Names{"wea", "eas", "all"});

  // A real IPAWS alert: FEMA's Required Monthly Test, EAS only (BLOCKCHANNEL PUBLIC, CMAS, NWEM).
  auto parsed = cap::parse(
      test::read_file(test::samples_dir() / "us-ipaws-fema-rmt-eas-blockchannel-signed.xml"));
  REQUIRE(parsed.ok());
  CHECK(r->route(parsed->alert) == Names{"eas", "all"});
}

TEST_CASE("routing: configuration errors name the file, the line and what is wrong") {
  test::TempDir dir;
  struct Case {
    std::string toml;
    std::string error;
  };
  const std::string route = "[[route]]\nname = \"r\"\n";  // lines 10 and 11
  for (const auto& [toml, error] : {
           Case{route + "channels = [\"a\", \"nosuch\"]\n",
                "r.toml:12:12: [[route]] #1 'r': channels: no channel named 'nosuch' "
                "(configured: a, b, c)"},
           Case{route + "channels = []\n", "channels: name at least one channel"},
           Case{route + "channels = [\"a\"]\nregions = [\"nowhere\"]\n",
                "r.toml:13:11: [[route]] #1 'r': regions: no [[region]] named 'nowhere'"},
           Case{route + "channels = [\"a\"]\nmin_severity = \"Unknown\"\n",
                "r.toml:13:16: [[route]] #1 'r': min_severity: \"Unknown\" is not one of "
                "Extreme, Severe, Moderate, Minor"},
           Case{route + "channels = [\"a\"]\nmin_urgency = \"Soon\"\n", "min_urgency: \"Soon\""},
           Case{route + "channels = [\"a\"]\nmin_certainty = \"Sure\"\n",
                "min_certainty: \"Sure\""},
           Case{route + "channels = [\"a\"]\nstatus = [\"Real\"]\n", "status: \"Real\" is not"},
           Case{route + "channels = [\"a\"]\nmsg_type = [\"Alarm\"]\n", "msg_type: \"Alarm\""},
           Case{route + "channels = [\"a\"]\nscope = [\"Open\"]\n", "scope: \"Open\""},
           Case{route + "channels = [\"a\"]\ncategory = [\"Weather\"]\n", "category: \"Weather\""},
           Case{route + "channels = [\"a\"]\n" + route + "channels = [\"b\"]\n",
                "a route named 'r' exists"},
           Case{"[[region]]\nname = \"x\"\npolygons = [\"45,5 45,6 46,6\"]\n",
                "r.toml:12:12: [[region]] #1 'x': polygons: polygon 1: "},
           Case{"[[region]]\nname = \"x\"\ngeojson = \"missing.json\"\n",
                "missing.json: cannot read the file"},
           Case{"[[region]]\nname = \"x\"\ngeojson = \"bad.json\"\n", "bad.json: not valid JSON"},
           Case{"[[region]]\nname = \"x\"\ngeojson = \"point.json\"\n",
                "point.json: a Point is not an area"},
           Case{"[[region]]\nname = \"x\"\ngeocodes = [\"SAME\"]\n",
                "geocodes: \"SAME\" is not valueName=value"},
           Case{"[[region]]\nname = \"x\"\n", "give polygons, geojson or geocodes"},
           Case{"[[region]]\nname = \"x\"\ngeocodes = [\"a=b\"]\n[[region]]\nname = \"x\"\n"
                "geocodes = [\"a=b\"]\n",
                "a region named 'x' already exists"},
       }) {
    test::write_file(dir / "bad.json", "{\"type\": ");
    test::write_file(dir / "point.json", R"({"type": "Point", "coordinates": [5, 45]})");
    INFO(toml);
    auto r = router(dir, toml);
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.status().message(), Catch::Contains(error));
  }
}
