// The usgs-geojson format: the real USGS all_day capture end to end (every event, through
// cap::validate and xmllint with the official CAP 1.2 XSD), each mapping rule table-driven on
// hand-made features, the Alert/Update/Cancel lifecycle across polls through `memory`, bad input,
// and identifier stability.
#include <catch2/catch.hpp>

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "capcast/cap/parse.h"
#include "capcast/cap/validate.h"
#include "capcast/ingest/format.h"
#include "capcast/ingest/settings.h"
#include "support/helpers.h"
#include "support/process.h"

using namespace capcast;
using namespace capcast::ingest;
using Json = nlohmann::json;

namespace {

const char* kUrl = "https://earthquake.usgs.gov/earthquakes/feed/v1.0/summary/all_day.geojson";
constexpr int64_t kT0 = 1537070000000;  // 2018-09-16T03:53:20Z

const Format& format() {
  const Format* f = find_format("usgs-geojson");
  REQUIRE(f);
  return *f;
}

// The format's defaults with some keys set, as a [[source]] entry would.
config::Section options(const std::map<std::string, config::Value>& set = {}) {
  config::Section s = default_options(format());
  s.set("sender", config::Value{std::string("quakes.example.org")}, {}, false);
  for (const auto& [k, v] : set)
    s.set(k, v, {}, false);
  return s;
}

struct Poll {
  Extracted ex;
  std::vector<cap::Alert> alerts;
};

Poll poll(const std::string& body, const config::Section& opts, std::string_view memory = "",
          int64_t now_ms = kT0 + 3'600'000) {
  Input in;
  in.body = body;
  in.url = kUrl;
  in.source = "usgs";
  in.options = &opts;
  in.memory = memory;
  in.now_ms = now_ms;
  Poll p{format().extract(in), {}};
  for (const auto& doc : p.ex.documents) {
    auto report = cap::validate(doc);
    for (const auto& f : report.findings) {
      INFO(doc);
      INFO(f.path + " " + f.rule + ": " + f.message);
      CHECK(f.level != cap::Level::kError);
    }
    auto parsed = cap::parse(doc);
    REQUIRE(parsed.ok());
    p.alerts.push_back(parsed->alert);
  }
  return p;
}

Json feature(const std::string& id, Json mag, int64_t time_ms, int64_t updated_ms) {
  return Json{{"type", "Feature"},
              {"id", id},
              {"properties",
               {{"mag", mag},
                {"place", "10km N of Testville"},
                {"time", time_ms},
                {"updated", updated_ms},
                {"url", "https://earthquake.usgs.gov/earthquakes/eventpage/" + id},
                {"alert", nullptr},
                {"status", "reviewed"},
                {"tsunami", 0},
                {"sig", 400},
                {"ids", "," + id + ","},
                {"magType", "mww"},
                {"type", "earthquake"},
                {"title", "M test - 10km N of Testville"}}},
              {"geometry", {{"type", "Point"}, {"coordinates", {-148.2799, 61.5, 12.5}}}}};
}

std::string feed(const std::vector<Json>& features, int64_t generated = kT0 + 3'600'000) {
  Json f = {{"type", "FeatureCollection"},
            {"metadata", {{"generated", generated}, {"url", kUrl}, {"count", features.size()}}},
            {"features", features}};
  return f.dump();
}

std::string param(const cap::Alert& a, const std::string& name) {
  for (const auto& p : a.infos.at(0).parameters) {
    if (p.value_name == name) return p.value;
  }
  return "<none>";
}

std::string capture() {
  return test::read_file(test::source_dir() /
                         "tests/data/feeds/usgs-geojson/usgs_all_earthquakes_past_day.json");
}

}  // namespace

TEST_CASE("usgs-geojson: registered, with its keys and a placeholder sender") {
  const config::Section& d = default_options(format());
  CHECK(d.get_string("sender") == "sender-not-configured.invalid");
  CHECK(d.get_double("min_magnitude") == 4.5);
  CHECK(d.get_bool("cancel_when_missing"));
  CHECK(format().keys.size() == 15);
}

TEST_CASE("usgs-geojson: the real all_day capture, every event, end to end") {
  auto opts = options({{"min_magnitude", config::Value{-10.0}}});
  Poll p = poll(capture(), opts, "", 1537071067000);
  CHECK(p.ex.problems.empty());
  REQUIRE(p.alerts.size() == 188);
  std::set<std::string> ids;
  for (const auto& a : p.alerts) {
    ids.insert(a.identifier);
    CHECK(a.sender == "quakes.example.org");
    CHECK(a.msg_type == "Alert");
    CHECK(a.infos.at(0).event == "Earthquake");
  }
  CHECK(ids.size() == 188);
  // The first feature, field by field.
  const cap::Alert& a = p.alerts[0];
  CHECK(a.identifier == "usgs.ak20255160.1537070826993");
  CHECK(a.sent == "2018-09-16T04:07:06-00:00");  // `updated`
  CHECK(a.incidents == "ak20255160");
  const cap::Info& i = a.infos[0];
  CHECK(i.onset == "2018-09-16T04:00:31-00:00");  // `time`
  CHECK(i.expires == "2018-09-17T04:07:06-00:00");
  CHECK(i.headline == "M 2.0 - 132km WNW of Arctic Village, Alaska");
  CHECK(i.web == "https://earthquake.usgs.gov/earthquakes/eventpage/ak20255160");
  CHECK(i.severity == "Minor");
  CHECK(i.areas.at(0).area_desc == "132km WNW of Arctic Village, Alaska");
  CHECK(i.areas[0].circles == std::vector<std::string>{"68.7636,-148.2799 10"});
  CHECK(param(a, "magnitude") == "2");
  CHECK(param(a, "magnitudeType") == "ml");
  CHECK(param(a, "depthKm") == "0.1");
  CHECK(param(a, "usgsIds") == "ak20255160");
  CHECK(param(a, "usgsTsunamiFlag") == "0");
  // The origin, under the NTWC's names, for linking with the tsunami centres' alerts.
  CHECK(param(a, "EventOriginTime") == "2018-09-16T04:00:31-00:00");
  CHECK(param(a, "EventLatLon") == "68.7636,-148.2799");
  // The three events with a PAGER level, and the one above sea level.
  int green = 0, negative_depth = 0;
  for (const auto& al : p.alerts) {
    if (param(al, "pagerAlertLevel") == "green") {
      ++green;
      CHECK(al.infos[0].severity == "Minor");
    }
    if (param(al, "depthKm") == "-1.69") ++negative_depth;
  }
  CHECK(green == 3);
  CHECK(negative_depth == 1);
}

TEST_CASE("usgs-geojson: min_magnitude keeps the events at or above it") {
  Json all = Json::parse(capture());
  size_t expected = 0;
  for (const auto& f : all["features"])
    expected += f["properties"]["mag"].get<double>() >= 4.5;
  REQUIRE(expected > 5);
  Poll p = poll(capture(), options(), "", 1537071067000);
  CHECK(p.alerts.size() == expected);
  for (const auto& a : p.alerts)
    CHECK(std::stod(param(a, "magnitude")) >= 4.5);
}

TEST_CASE("usgs-geojson: severity from PAGER, else from configurable magnitude bands") {
  struct Row {
    Json alert;
    double mag;
    const char* severity;
  };
  const Row rows[] = {
      {"red", 5.0, "Extreme"},    {"orange", 5.0, "Severe"}, {"yellow", 9.0, "Moderate"},
      {"green", 8.5, "Minor"},    {nullptr, 4.5, "Minor"},   {nullptr, 5.99, "Minor"},
      {nullptr, 6.0, "Moderate"}, {nullptr, 7.0, "Severe"},  {nullptr, 8.0, "Extreme"},
      {"purple", 7.2, "Severe"},  // not a PAGER level: reported, then the magnitude decides
  };
  for (const auto& r : rows) {
    INFO(r.alert.dump() + " M" + std::to_string(r.mag));
    Json f = feature("us1", r.mag, kT0, kT0 + 1000);
    f["properties"]["alert"] = r.alert;
    Poll p = poll(feed({f}), options());
    REQUIRE(p.alerts.size() == 1);
    CHECK(p.alerts[0].infos[0].severity == r.severity);
    CHECK(p.ex.problems.size() == (r.alert == "purple" ? 1u : 0u));
  }
  auto bands = options({{"moderate_magnitude", config::Value{5.0}},
                        {"severe_magnitude", config::Value{5.5}},
                        {"extreme_magnitude", config::Value{6.0}}});
  for (auto [mag, severity] : {std::pair{4.9, "Minor"}, std::pair{5.0, "Moderate"},
                               std::pair{5.7, "Severe"}, std::pair{6.1, "Extreme"}}) {
    Poll p = poll(feed({feature("us1", mag, kT0, kT0 + 1000)}), bands);
    REQUIRE(p.alerts.size() == 1);
    CHECK(p.alerts[0].infos[0].severity == std::string(severity));
  }
  auto bad = options({{"severe_magnitude", config::Value{9.0}}});
  Poll p = poll(feed({feature("us1", 7.0, kT0, kT0 + 1000)}), bad);
  CHECK(p.alerts.empty());
  CHECK(p.ex.problems.size() == 1);
}

TEST_CASE("usgs-geojson: the circle is lat,lon and its radius 10^(0.43 M) km, clamped") {
  struct Row {
    double mag;
    const char* radius;
  };
  // Dobrovolsky et al. (1979): 10^(0.43*4.5) = 86.1, 10^(0.43*6) = 380.2, 10^(0.43*7) = 1023.3.
  const Row rows[] = {{4.5, "86.1"},   {6.0, "380.2"}, {7.0, "1023.3"},
                      {8.0, "2754.2"}, {9.1, "3000"},  {2.0, "10"}};
  auto opts = options({{"min_magnitude", config::Value{0.0}}});
  for (const auto& r : rows) {
    INFO(r.mag);
    Poll p = poll(feed({feature("us1", r.mag, kT0, kT0 + 1000)}), opts);
    REQUIRE(p.alerts.size() == 1);
    CHECK(p.alerts[0].infos[0].areas[0].circles[0] == std::string("61.5,-148.2799 ") + r.radius);
  }
  auto custom = options({{"radius_slope", config::Value{0.5}},
                         {"radius_intercept", config::Value{-1.0}},
                         {"radius_max_km", config::Value{500.0}}});
  Poll p = poll(feed({feature("us1", 5.0, kT0, kT0 + 1000)}), custom);
  REQUIRE(p.alerts.size() == 1);
  CHECK(p.alerts[0].infos[0].areas[0].circles[0] == "61.5,-148.2799 31.6");  // 10^1.5
}

TEST_CASE("usgs-geojson: fixed fields, tsunami flag, negative depth, missing optional fields") {
  Json f = feature("us7000abcd", 7.3, kT0, kT0 + 5000);
  f["properties"]["tsunami"] = 1;
  f["geometry"]["coordinates"] = {142.1, -3.25, -0.8};
  Poll p = poll(feed({f}), options());
  REQUIRE(p.alerts.size() == 1);
  const cap::Alert& a = p.alerts[0];
  CHECK(a.status == "Actual");
  CHECK(a.scope == "Public");
  CHECK(a.sent == "2018-09-16T03:53:25-00:00");
  const cap::Info& i = a.infos[0];
  CHECK(i.categories == std::vector<std::string>{"Geo"});
  CHECK(i.event == "Earthquake");  // never a tsunami warning
  CHECK(i.urgency == "Past");
  CHECK(i.certainty == "Observed");
  CHECK(i.areas[0].circles[0] == "-3.25,142.1 1377.2");
  CHECK(param(a, "usgsTsunamiFlag") == "1");
  CHECK(param(a, "depthKm") == "-0.8");
  CHECK(i.description->find("not a tsunami warning") != std::string::npos);
  CHECK(i.description->find("above the depth datum") != std::string::npos);

  // Only what a message needs: no title, place, url, magType, depth, ids.
  Json bare = {{"type", "Feature"},
               {"id", "nc1"},
               {"properties", {{"mag", 5.0}, {"time", kT0}, {"updated", kT0}}},
               {"geometry", {{"type", "Point"}, {"coordinates", {10.0, 20.0}}}}};
  Poll b = poll(feed({bare}), options());
  CHECK(b.ex.problems.empty());
  REQUIRE(b.alerts.size() == 1);
  CHECK(b.alerts[0].infos[0].headline == "M 5");
  CHECK(b.alerts[0].infos[0].areas[0].area_desc == "Epicentre 20, 10");
  CHECK_FALSE(b.alerts[0].infos[0].web);
  CHECK(param(b.alerts[0], "depthKm") == "<none>");
}

TEST_CASE("usgs-geojson: a changed `updated` is an Update referencing the previous message") {
  auto opts = options();
  Poll first = poll(feed({feature("us1", 5.0, kT0, kT0 + 1000)}), opts);
  REQUIRE(first.alerts.size() == 1);
  REQUIRE(first.ex.memory);
  // The same feed again: the same message, byte for byte, and nothing new.
  Poll again = poll(feed({feature("us1", 5.0, kT0, kT0 + 1000)}), opts, *first.ex.memory);
  CHECK(again.ex.documents == first.ex.documents);
  Json changed = feature("us1", 5.4, kT0, kT0 + 60'000);
  changed["properties"]["alert"] = "yellow";
  Poll second = poll(feed({changed}), opts, *again.ex.memory);
  REQUIRE(second.alerts.size() == 1);
  const cap::Alert& u = second.alerts[0];
  CHECK(u.msg_type == "Update");
  CHECK(u.identifier == "usgs.us1." + std::to_string(kT0 + 60'000));
  CHECK(u.references == cap::key_of(first.alerts[0]).to_string());
  CHECK(u.infos[0].severity == "Moderate");
  // An older version afterwards (a stale cache) changes nothing.
  Poll stale = poll(feed({feature("us1", 5.0, kT0, kT0 + 1000)}), opts, *second.ex.memory);
  CHECK(stale.alerts.empty());
  // An alerted event is followed below min_magnitude, and with no magnitude at all.
  Poll weaker = poll(feed({feature("us1", nullptr, kT0, kT0 + 90'000)}), opts, *second.ex.memory);
  REQUIRE(weaker.alerts.size() == 1);
  CHECK(weaker.alerts[0].references == cap::key_of(u).to_string());
  CHECK(weaker.alerts[0].infos[0].severity == "Unknown");
  CHECK(weaker.alerts[0].infos[0].areas[0].circles[0] == "61.5,-148.2799 10");
}

TEST_CASE("usgs-geojson: update_on_any_change = false ignores a new `updated` alone") {
  auto opts = options({{"update_on_any_change", config::Value{false}}});
  Poll first = poll(feed({feature("us1", 5.0, kT0, kT0 + 1000)}), opts);
  REQUIRE(first.alerts.size() == 1);
  // Only `updated` moved (USGS added a product, e.g. felt reports): the same message again.
  Poll bumped = poll(feed({feature("us1", 5.0, kT0, kT0 + 30'000)}), opts, *first.ex.memory);
  CHECK(bumped.ex.documents == first.ex.documents);
  Poll changed = poll(feed({feature("us1", 5.2, kT0, kT0 + 60'000)}), opts, *bumped.ex.memory);
  REQUIRE(changed.alerts.size() == 1);
  CHECK(changed.alerts[0].msg_type == "Update");
  CHECK(changed.alerts[0].references == cap::key_of(first.alerts[0]).to_string());
  // With the default, the bump alone is an Update.
  Poll strict = poll(feed({feature("us1", 5.0, kT0, kT0 + 30'000)}), options(), *first.ex.memory);
  REQUIRE(strict.alerts.size() == 1);
  CHECK(strict.alerts[0].msg_type == "Update");
}

TEST_CASE("usgs-geojson: status deleted and reclassification cancel, unknown events do not") {
  auto opts = options();
  Poll first =
      poll(feed({feature("us1", 5.0, kT0, kT0 + 1000), feature("us2", 5.0, kT0, kT0)}), opts);
  REQUIRE(first.alerts.size() == 2);
  Json deleted = feature("us1", 5.0, kT0, kT0 + 7000);
  deleted["properties"]["status"] = "deleted";
  Json blast = feature("us2", 5.0, kT0, kT0 + 8000);
  blast["properties"]["type"] = "quarry blast";
  Json never = feature("us3", 6.0, kT0, kT0 + 9000);
  never["properties"]["status"] = "deleted";
  Poll second = poll(feed({deleted, blast, never}), opts, *first.ex.memory);
  REQUIRE(second.alerts.size() == 2);
  for (size_t k = 0; k < 2; ++k) {
    CHECK(second.alerts[k].msg_type == "Cancel");
    CHECK(second.alerts[k].references == cap::key_of(first.alerts[k]).to_string());
    CHECK(second.alerts[k].note);
  }
  CHECK(second.alerts[0].note->find("deleted") != std::string::npos);
  CHECK(second.alerts[1].note->find("quarry blast") != std::string::npos);
  // The cancelled events seen again unchanged: the same Cancels, nothing else.
  Poll third = poll(feed({deleted, blast, never}), opts, *second.ex.memory);
  CHECK(third.ex.documents == second.ex.documents);
}

TEST_CASE("usgs-geojson: an event gone from inside the feed's window is cancelled") {
  auto opts = options();
  auto a = feature("us1", 5.0, kT0, kT0);  // the oldest
  auto b = feature("us2", 5.0, kT0 + 60'000, kT0 + 60'000);
  auto c = feature("us3", 5.0, kT0 + 120'000, kT0 + 120'000);
  Poll first = poll(feed({c, b, a}), opts);
  REQUIRE(first.alerts.size() == 3);
  SECTION("gone while newer than the oldest listed event: Cancel") {
    Poll second = poll(feed({a}, kT0 + 7'200'000), opts, *first.ex.memory);
    REQUIRE(second.alerts.size() == 3);  // us1 again, and two Cancels
    CHECK(second.ex.documents[0] == first.ex.documents[2]);
    for (size_t k = 1; k < 3; ++k) {
      CHECK(second.alerts[k].msg_type == "Cancel");
      CHECK(second.alerts[k].infos.empty());
      CHECK(second.alerts[k].sent == "2018-09-16T05:53:20-00:00");  // metadata.generated
    }
    CHECK(second.alerts[1].references == cap::key_of(first.alerts[1]).to_string());
    // Back again after that: a new Alert, not an Update of a cancelled message.
    Poll third = poll(feed({c, a}, kT0 + 7'260'000), opts, *second.ex.memory);
    REQUIRE(third.alerts.size() == 2);
    CHECK(third.alerts[0].msg_type == "Alert");
    CHECK(third.alerts[0].identifier == "usgs.us3." + std::to_string(kT0 + 7'200'001));
  }
  SECTION("aged out of the window (older than every listed event): nothing") {
    auto d = feature("us4", 5.0, kT0 + 180'000, kT0 + 180'000);
    Poll second = poll(feed({d, c, b}), opts, *first.ex.memory);
    for (const auto& al : second.alerts)
      CHECK(al.msg_type == "Alert");
    CHECK(second.alerts.size() == 3);
  }
  SECTION("cancel_when_missing = false: nothing") {
    auto off = options({{"cancel_when_missing", config::Value{false}}});
    CHECK(poll(feed({a}), off, *first.ex.memory).alerts.size() == 1);
  }
  SECTION("a feed whose metadata.count disagrees may be truncated: nothing, and a problem") {
    Json f = Json::parse(feed({a}));
    f["metadata"]["count"] = 3;
    Poll second = poll(f.dump(), opts, *first.ex.memory);
    CHECK(second.alerts.size() == 1);
    CHECK(second.ex.problems.size() == 1);
  }
}

TEST_CASE("usgs-geojson: a new preferred id is the same event, found through `ids`") {
  auto opts = options();
  Poll first = poll(feed({feature("ak1", 5.0, kT0, kT0 + 1000)}), opts);
  Json renamed = feature("us9", 5.1, kT0, kT0 + 5000);
  renamed["properties"]["ids"] = ",us9,ak1,";
  Poll second = poll(feed({renamed}), opts, *first.ex.memory);
  REQUIRE(second.alerts.size() == 1);
  CHECK(second.alerts[0].msg_type == "Update");
  CHECK(second.alerts[0].identifier == "usgs.ak1." + std::to_string(kT0 + 5000));
  CHECK(second.alerts[0].references == cap::key_of(first.alerts[0]).to_string());
  CHECK(param(second.alerts[0], "usgsEventId") == "us9");
}

TEST_CASE("usgs-geojson: malformed fields are reported with where, the rest goes on") {
  struct Row {
    const char* what;
    std::function<void(Json&)> mutate;
    bool kept;
  };
  const std::vector<Row> rows = {
      {"mag as text", [](Json& f) { f["properties"]["mag"] = "big"; }, false},
      {"no time", [](Json& f) { f["properties"].erase("time"); }, false},
      {"time in the year 300000", [](Json& f) { f["properties"]["time"] = 9e15; }, false},
      {"no updated", [](Json& f) { f["properties"].erase("updated"); }, false},
      {"geometry a Polygon", [](Json& f) { f["geometry"]["type"] = "Polygon"; }, false},
      {"latitude 95",
       [](Json& f) {
         f["geometry"]["coordinates"] = {10.0, 95.0};
       },
       false},
      {"coordinates text", [](Json& f) { f["geometry"]["coordinates"] = "1,2"; }, false},
      {"id with a space", [](Json& f) { f["id"] = "us 1"; }, false},
      {"no properties", [](Json& f) { f.erase("properties"); }, false},
      {"not an object", [](Json& f) { f = 42; }, false},
      {"tsunami as text", [](Json& f) { f["properties"]["tsunami"] = "yes"; }, true},
      {"depth as text", [](Json& f) { f["geometry"]["coordinates"][2] = "deep"; }, true},
      {"place as number", [](Json& f) { f["properties"]["place"] = 7; }, true},
      {"magnitude 40", [](Json& f) { f["properties"]["mag"] = 40; }, false},
  };
  for (const auto& r : rows) {
    INFO(r.what);
    Json bad = feature("us1", 5.0, kT0, kT0);
    r.mutate(bad);
    Poll p = poll(feed({bad, feature("us2", 5.0, kT0, kT0)}), options());
    REQUIRE(p.ex.problems.size() >= 1);
    CHECK(p.ex.problems[0].rfind("features[0]", 0) == 0);
    REQUIRE(p.alerts.size() == (r.kept ? 2u : 1u));
    CHECK(p.alerts.back().identifier == "usgs.us2." + std::to_string(kT0));
  }
  // Text XML 1.0 cannot carry is dropped, silently.
  Json ctl = feature("us1", 5.0, kT0, kT0);
  ctl["properties"]["place"] = std::string(
      "A\x01"
      "B\0C",
      5);
  Poll p = poll(feed({ctl}), options());
  REQUIRE(p.alerts.size() == 1);
  CHECK(p.alerts[0].infos[0].areas[0].area_desc == "ABC");
}

TEST_CASE("usgs-geojson: a body that is not a feed yields a problem and keeps the memory") {
  for (std::string body :
       std::vector<std::string>{"", "not json", "{\"type\":\"FeatureCollection\"}", "[1,2]",
                                "{\"features\": {}}", capture().substr(0, 5000)}) {
    Poll p = poll(body, options(), "{\"version\":1,\"events\":{}}");
    CHECK(p.ex.documents.empty());
    CHECK(p.ex.problems.size() == 1);
    CHECK_FALSE(p.ex.memory);  // kept as it was: no Cancel for a broken feed
  }
}

TEST_CASE("usgs-geojson: memory round trip, bounds, and unreadable memory") {
  auto opts = options({{"forget_after", config::Value{int64_t{86'400'000}}},
                       {"max_events", config::Value{int64_t{2}}}});
  std::vector<Json> three = {feature("us1", 5.0, kT0, kT0), feature("us2", 5.0, kT0 + 1, kT0 + 1),
                             feature("us3", 5.0, kT0 + 2, kT0 + 2)};
  Poll p = poll(feed(three), opts);
  CHECK(p.alerts.size() == 3);
  Json mem = Json::parse(*p.ex.memory);
  CHECK(mem["events"].size() == 2);  // max_events
  // Two days later, a feed without them (aged out): forgotten.
  Poll later = poll(feed({feature("us9", 5.0, kT0 + 172'800'000, kT0 + 172'800'000)}), opts,
                    *p.ex.memory, kT0 + 172'800'000);
  Json mem2 = Json::parse(*later.ex.memory);
  CHECK(mem2["events"].size() == 1);
  CHECK(mem2["events"].contains("us9"));

  Poll garbage = poll(feed({feature("us1", 5.0, kT0, kT0)}), options(), "{not json");
  CHECK(garbage.alerts.size() == 1);
  CHECK(garbage.ex.problems.size() == 1);
  Poll bad_entry = poll(feed({feature("us1", 5.0, kT0, kT0)}), options(),
                        R"({"version":1,"events":{"us1":{"sent":"x"}}})");
  CHECK(bad_entry.ex.problems.size() == 1);
  CHECK(bad_entry.alerts.size() == 1);
}

TEST_CASE("usgs-geojson: sender, event types, and the small fixture") {
  auto fixture = test::read_file(test::source_dir() /
                                 "tests/data/feeds/usgs-geojson/earthquakes-1.fixture.json");
  auto bad_sender = options({{"sender", config::Value{std::string("my agency")}}});
  Poll p = poll(fixture, bad_sender);
  CHECK(p.ex.documents.empty());
  CHECK(p.ex.problems.size() == 1);
  // The fixture's types are "Type 1".."Type 3", not earthquakes; with them allowed, two events
  // (the third has no magnitude) and a problem for the PAGER level "Alert 1"...
  Poll none = poll(fixture, options({{"min_magnitude", config::Value{0.0}}}));
  CHECK(none.alerts.empty());
  auto typed = options(
      {{"min_magnitude", config::Value{0.0}},
       {"event_types", config::Value{std::vector<std::string>{"Type 1", "Type 2", "Type 3"}}}});
  Poll two = poll(fixture, typed);
  REQUIRE(two.alerts.size() == 2);
  CHECK(two.ex.problems.size() == 2);
  CHECK(two.alerts[0].infos[0].severity == "Minor");  // from M3, "Alert 1" not being PAGER
}

TEST_CASE("usgs-geojson: the same input gives byte-identical documents and memory") {
  auto opts = options({{"min_magnitude", config::Value{2.5}}});
  Poll a = poll(capture(), opts, "", 1537071067000);
  Poll b = poll(capture(), opts, "", 1537071067000);
  CHECK(a.ex.documents == b.ex.documents);
  CHECK(a.ex.memory == b.ex.memory);
  Poll c = poll(capture(), opts, *a.ex.memory, 1537071127000);  // a restart, a minute later
  CHECK(c.ex.documents == a.ex.documents);
}

TEST_CASE("usgs-geojson: every produced alert passes xmllint with the official CAP 1.2 XSD") {
  auto opts = options({{"min_magnitude", config::Value{-10.0}}});
  Poll p = poll(capture(), opts, "", 1537071067000);
  std::vector<std::string> docs = p.ex.documents;
  Json f = feature("us1", 7.5, kT0, kT0 + 1000);
  f["properties"]["tsunami"] = 1;
  Poll first = poll(feed({f, feature("us2", 5.0, kT0 + 10, kT0 + 10)}), opts);
  f["properties"]["updated"] = kT0 + 9000;
  f["properties"]["status"] = "deleted";
  Poll second = poll(feed({f}), opts, *first.ex.memory);  // a Cancel with info, one without
  for (const auto* more : {&first, &second})
    docs.insert(docs.end(), more->ex.documents.begin(), more->ex.documents.end());
  REQUIRE(docs.size() == 188 + 2 + 2);
  auto lint = test::xmllint_cap(docs);
  INFO(lint.output);
  CHECK(lint.rc == 0);
  CHECK(lint.validates == docs.size());
}

TEST_CASE("usgs-geojson and gdacs-rss: a configuration must set a valid sender") {
  config::Schema schema{{ingest_section(), source_section()}};
  auto load = [&](const std::string& type, const std::string& sender_line) {
    auto doc = config::load_string("[[source]]\nname = \"feed\"\ntype = \"" + type +
                                       "\"\nurl = \"https://example.org/feed\"\n" + sender_line,
                                   "sources.toml", schema);
    REQUIRE(doc.ok());
    return sources_from(*doc);
  };
  for (const std::string type : {"usgs-geojson", "gdacs-rss"}) {
    INFO(type);
    auto unset = load(type, "");
    REQUIRE_FALSE(unset.ok());
    CHECK(unset.status().message().find("sources.toml:1:") != std::string::npos);
    CHECK(unset.status().message().find("set sender") != std::string::npos);
    auto spaced = load(type, "sender = \"Met Service, Kenya\"\n");
    REQUIRE_FALSE(spaced.ok());
    CHECK(spaced.status().message().find("sources.toml:5:") != std::string::npos);
    CHECK(spaced.status().message().find("may not contain spaces, commas") != std::string::npos);
    CHECK(load(type, "sender = \"quakes@met.example.org\"\n").ok());
  }
}
