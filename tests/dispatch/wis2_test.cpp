// The WIS2 Notification Message codec (dispatch/channels/mqtt/wis2.h): structure, the 4096-byte
// content and 8192-byte message limits, links per event and data_id scheme, geometry, ids; and
// every produced message checked against the official WNM JSON Schema by Debian's
// python3-jsonschema (tests/dispatch/validate_wnm.py), which must also pass the official
// examples and refuse broken messages.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "capcast/cap/parse.h"
#include "mqtt/wis2.h"
#include "support/helpers.h"
#include "support/process.h"

using namespace capcast;
using namespace capcast::dispatch::mqtt;
using Json = nlohmann::json;

namespace {

constexpr const char* kCentre = "int-capcast-test";
constexpr const char* kHref = "https://alerts.example.org/alerts/7.xml";
constexpr const char* kPrefix = "int-capcast-test/data/core/weather/advisories-warnings/";

// 1, 2, 3 ... from `start`: ids that tests can predict.
RandomSource counter(uint64_t start = 1) {
  return [n = start]() mutable { return n++; };
}

Wis2Options options() {
  Wis2Options o;
  o.centre_id = kCentre;
  o.href = kHref;
  o.now = from_unix_ms(1'780'000'000'123);  // 2026-05-28T20:26:40.123Z
  o.random = counter();
  return o;
}

// An alert with the given areas in one <info>, built in the model directly: the codec reads only
// identifier, sent, references and the areas, and treats the CAP bytes as opaque.
cap::Alert alert_with(std::vector<cap::Area> areas, std::string identifier = "A-1") {
  cap::Alert a;
  a.identifier = std::move(identifier);
  a.sender = "warnings@met.example";
  a.sent = "2026-05-28T22:00:00+02:00";
  a.status = "Actual";
  a.msg_type = "Alert";
  a.scope = "Public";
  cap::Info info;
  info.areas = std::move(areas);
  a.infos.push_back(std::move(info));
  return a;
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

Json build(const cap::Alert& a, std::string_view xml, store::Event e = store::Event::kNew,
           const Wis2Options& o = options()) {
  auto r = build_notification(a, xml, e, o);
  INFO(r.status().to_string());
  REQUIRE(r.ok());
  CHECK(r->size() <= kWnmMaxMessageBytes);
  return Json::parse(*r);
}

// A closed ring of n pairs around (lat, lon), counterclockwise in (lon, lat), 6 decimals.
std::string ring_text(int n, double lat, double lon, double r) {
  std::string out;
  char buf[64];
  for (int k = 0; k <= n; ++k) {
    double t = 2 * M_PI * (k % n) / n;
    std::snprintf(buf, sizeof buf, "%.6f,%.6f ", lat + r * std::sin(t), lon + r * std::cos(t));
    out += buf;
  }
  out.pop_back();
  return out;
}

std::string sample(const std::string& name) {
  return test::read_file(test::source_dir() / "tests/data/wis2" / name);
}

cap::Alert parsed(const std::string& xml) {
  auto p = cap::parse(xml);
  INFO(p.status().to_string());
  REQUIRE(p.ok());
  return p->alert;
}

// validate_wnm.py over the documents, written to files named after their keys: the verdict
// line per key ("valid" or the reasons), and the exit code. check_content: also that inline
// content decodes to `size` bytes whose sha512 is the integrity value.
struct Verdicts {
  int rc = -1;
  std::map<std::string, std::string> by_name;
  std::string output;
};
Verdicts validate(const std::map<std::string, std::string>& docs, bool check_content = true) {
  test::TempDir dir;
  std::vector<std::string> cmd = {"/usr/bin/python3",
                                  (test::source_dir() / "tests/dispatch/validate_wnm.py").string()};
  if (check_content) cmd.push_back("--check-content");
  cmd.push_back(
      (test::source_dir() / "tests/data/wis2/wis2-notification-message-bundled.json").string());
  for (const auto& [name, doc] : docs) {
    test::write_file(dir / (name + ".json"), doc);
    cmd.push_back((dir / (name + ".json")).string());
  }
  Verdicts v;
  v.rc = test::run(cmd, &v.output);
  for (const auto& [name, doc] : docs) {
    std::string file = (dir / (name + ".json")).string();
    if (v.output.find("\nvalid " + file + "\n") != std::string::npos ||
        v.output.rfind("valid " + file + "\n", 0) == 0) {
      v.by_name[name] = "valid";
    } else if (auto at = v.output.find("invalid " + file + ":"); at != std::string::npos) {
      v.by_name[name] = v.output.substr(at, v.output.find('\n', at) - at);
    }
  }
  return v;
}

}  // namespace

TEST_CASE("wis2: the notification for a real CAP alert, field by field", "[wis2]") {
  std::string xml = sample("wis2box-cap_example.xml");
  REQUIRE(xml.size() == 4307);
  Json m = build(parsed(xml), xml);

  CHECK(m["id"] == uuid_v4(counter()));
  CHECK(m["conformsTo"] == Json::array({"http://wis.wmo.int/spec/wnm/1/conf/core"}));
  CHECK(m["type"] == "Feature");
  // The one <polygon>, as [lon, lat] in the order written (already counterclockwise, as RFC 7946
  // §3.1.6 wants), closed, 14 pairs.
  REQUIRE(m["geometry"]["type"] == "Polygon");
  const Json& ring = m["geometry"]["coordinates"][0];
  REQUIRE(ring.size() == 14);
  CHECK(ring.front() == Json::array({46.078276, -9.186965}));
  CHECK(ring.back() == ring.front());
  CHECK(ring[1] == Json::array({45.936002, -9.336746}));

  const Json& p = m["properties"];
  CHECK(p["pubtime"] == "2026-05-28T20:26:40.123Z");
  CHECK(p["datetime"] == "2024-05-19T13:18:00Z");  // <sent>2024-05-19T17:18:00+04:00
  CHECK(p["data_id"] == std::string(kPrefix) + "urn:oid:2.49.0.0.690.0.2024.5.19.13.18.0");
  CHECK_FALSE(p.contains("metadata_id"));
  // `openssl dgst -sha512 -binary tests/data/wis2/wis2box-cap_example.xml | base64 -w0`
  CHECK(p["integrity"] == Json{{"method", "sha512"},
                               {"value",
                                "wg4vQF6E2IFh1W7ru5uPvi6JwyoJO+XTfwrfSY7SOKGQuIMWs/"
                                "PkG9nCJBeOIcVm0R6iFjWyH2JcFKczUZxLMg=="}});
  CHECK_FALSE(p.contains("content"));  // 4307 bytes of UTF-8: over the 4096 of /req/core/content

  REQUIRE(m["links"].size() == 1);
  CHECK(m["links"][0] == Json{{"href", kHref},
                              {"rel", "canonical"},
                              {"type", "application/cap+xml"},
                              {"length", 4307}});
}

TEST_CASE("wis2: the topic, the centre-id, the link and the random source are checked", "[wis2]") {
  CHECK(*wis2_topic("int-wmo-test") ==
        "origin/a/wis2/int-wmo-test/data/core/weather/advisories-warnings");
  CHECK(*wis2_topic("eu-eumetnet-warnings") ==
        "origin/a/wis2/eu-eumetnet-warnings/data/core/weather/advisories-warnings");
  for (const char* bad :
       {"", "Int-wmo-test", "a/b", "a+b", "a#", "a.b", "-ab", "ab-", "a--b", "a b", "ca-écc"}) {
    INFO(bad);
    CHECK(wis2_topic(bad).status().code() == Code::kInvalidArgument);
  }
  cap::Alert a = alert_with({});
  auto o = options();
  o.centre_id = "a/b";
  CHECK(build_notification(a, "<alert/>", store::Event::kNew, o).status().code() ==
        Code::kInvalidArgument);
  for (const char* href :
       {"", "file:///var/alerts/7.xml", "alerts/7.xml", "https://", "javascript:alert(1)"}) {
    INFO(href);
    o = options();
    o.href = href;
    CHECK(build_notification(a, "<alert/>", store::Event::kNew, o).status().code() ==
          Code::kInvalidArgument);
  }
  for (const char* href : {"http://x/a.xml", "HTTPS://x/a.xml", "ftp://x/a.xml", "sftp://x/a"}) {
    o = options();
    o.href = href;
    CHECK(build_notification(a, "<alert/>", store::Event::kNew, o).ok());
  }
  o = options();
  o.random = nullptr;
  CHECK(build_notification(a, "<alert/>", store::Event::kNew, o).status().code() ==
        Code::kInvalidArgument);
}

TEST_CASE("wis2: ids are RFC 4122 version 4 UUIDs drawn from the given source", "[wis2]") {
  std::regex v4("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  CHECK(uuid_v4([] { return uint64_t{0}; }) == "00000000-0000-4000-8000-000000000000");
  CHECK(uuid_v4([] { return ~uint64_t{0}; }) == "ffffffff-ffff-4fff-bfff-ffffffffffff");
  CHECK(uuid_v4(counter(0x0123456789abcdefULL)) == "01234567-89ab-4def-8123-456789abcdf0");
  // Deterministic: the same source gives the same message, byte for byte.
  cap::Alert a = alert_with({area({}, {"10,20 5"})});
  CHECK(*build_notification(a, "<alert/>", store::Event::kNew, options()) ==
        *build_notification(a, "<alert/>", store::Event::kNew, options()));
  // Fresh per message: successive calls on one source differ.
  auto o = options();
  auto first = Json::parse(*build_notification(a, "<alert/>", store::Event::kNew, o));
  auto second = Json::parse(*build_notification(a, "<alert/>", store::Event::kNew, o));
  CHECK(first["id"] != second["id"]);
  RandomSource shared = counter();
  std::set<std::string> ids;
  for (int k = 0; k < 100; ++k)
    ids.insert(uuid_v4(shared));
  CHECK(ids.size() == 100);
  RandomSource sys = system_random();
  std::string s1 = uuid_v4(sys), s2 = uuid_v4(sys);
  CHECK(std::regex_match(s1, v4));
  CHECK(std::regex_match(s2, v4));
  CHECK(s1 != s2);
  for (const auto& id : ids)
    CHECK(std::regex_match(id, v4));
}

TEST_CASE("wis2: content is inline up to 4096 encoded bytes, utf-8 or base64", "[wis2]") {
  cap::Alert a = alert_with({});
  SECTION("utf-8: 4096 bytes fit, 4097 do not") {
    for (size_t n : {1u, 4095u, 4096u, 4097u, 5000u}) {
      INFO(n);
      std::string xml = "<alert>" + std::string(n - std::min<size_t>(n, 15), 'x') + "</alert>";
      xml.resize(n, 'y');
      Json m = build(a, xml);
      if (n <= 4096) {
        REQUIRE(m["properties"].contains("content"));
        CHECK(m["properties"]["content"] ==
              Json{{"encoding", "utf-8"}, {"value", xml}, {"size", n}});
      } else {
        CHECK_FALSE(m["properties"].contains("content"));
      }
      CHECK(m["links"][0]["length"] == n);
    }
  }
  SECTION("multibyte UTF-8 counts in bytes, not characters") {
    std::string xml;
    while (xml.size() < 4096)
      xml += "\xC3\xA9";  // é: 2048 characters, 4096 bytes
    CHECK(build(a, xml)["properties"]["content"]["encoding"] == "utf-8");
    xml += "\xC3\xA9";  // 4098 bytes
    CHECK_FALSE(build(a, xml)["properties"].contains("content"));
  }
  SECTION("not UTF-8 (ISO-8859-1): base64, 3072 raw bytes fit (4096 encoded), 3073 do not") {
    std::string xml(3072, 'a');
    xml[100] = '\xE9';  // é in ISO-8859-1: not UTF-8
    Json m = build(a, xml);
    REQUIRE(m["properties"].contains("content"));
    CHECK(m["properties"]["content"]["encoding"] == "base64");
    CHECK(m["properties"]["content"]["value"].get<std::string>().size() == 4096);
    CHECK(m["properties"]["content"]["size"] == 3072);  // the data's size before encoding
    xml += 'a';
    CHECK_FALSE(build(a, xml)["properties"].contains("content"));
  }
  SECTION("malformed UTF-8 of every kind goes base64") {
    for (std::string bad :
         {std::string("\xC0\xAF"), std::string("\xED\xA0\x80"), std::string("\xF4\x90\x80\x80"),
          std::string("\xE2\x82"), std::string("\x80"), std::string("\xFF")}) {
      CHECK(build(a, "<alert>" + bad)["properties"]["content"]["encoding"] == "base64");
    }
    CHECK(build(a, "<alert>\xF0\x9F\x8C\x8A</alert>")["properties"]["content"]["encoding"] ==
          "utf-8");
  }
  SECTION("the real ISO-8859-1 USGS sample round-trips through base64") {
    std::string xml =
        test::read_file(test::samples_dir() / "us-usgs-earthquake-circle-signed-iso8859-1.xml");
    Json m = build(parsed(xml), xml);
    if (m["properties"].contains("content")) {
      CHECK(m["properties"]["content"]["encoding"] == "base64");
      CHECK(m["properties"]["content"]["size"] == xml.size());
    } else {
      CHECK((xml.size() + 2) / 3 * 4 > 4096);
    }
  }
}

TEST_CASE("wis2: the whole message stays within 8192 bytes", "[wis2]") {
  cap::Alert a = alert_with({area({}, {"10,20 5"})});
  // 3000 quotes: 3000 bytes of content, 6000 once escaped in JSON.
  std::string xml(3000, '"');
  auto o = options();
  std::string base = *build_notification(a, xml, store::Event::kNew, o);
  REQUIRE(base.size() < 8192);
  SECTION("exactly 8192 bytes keeps the content, 8193 drops it") {
    o.href += std::string(8192 - base.size(), 'p');
    auto at = build_notification(a, xml, store::Event::kNew, o);
    REQUIRE(at.ok());
    CHECK(at->size() == 8192);
    CHECK(Json::parse(*at)["properties"].contains("content"));
    o.href += "p";
    auto over = build_notification(a, xml, store::Event::kNew, o);
    REQUIRE(over.ok());
    CHECK(over->size() < 8192);
    CHECK_FALSE(Json::parse(*over)["properties"].contains("content"));
    CHECK(Json::parse(*over)["links"][0]["href"] == o.href);
  }
  SECTION("content under 4096 bytes whose escaping overflows the message is dropped") {
    std::string controls(4000, '\x01');  // 6 bytes each in JSON (\u0001)
    Json m = build(a, controls);
    CHECK_FALSE(m["properties"].contains("content"));
  }
  SECTION("a polygon too large for the message becomes its bounding box") {
    Json m = build(alert_with({area({ring_text(600, 10, 20, 0.5)})}), "<alert/>");
    REQUIRE(m["geometry"]["type"] == "Polygon");
    const Json& box = m["geometry"]["coordinates"][0];
    REQUIRE(box.size() == 5);
    CHECK(box[0] == Json::array({19.5, 9.5}));
    CHECK(box[2] == Json::array({20.5, 10.5}));
    CHECK_FALSE(m["properties"].contains("content"));  // dropped first
    // 200 pairs fit: the polygon stays as it is.
    Json fits = build(alert_with({area({ring_text(200, 10, 20, 0.5)})}), "<alert/>");
    CHECK(fits["geometry"]["coordinates"][0].size() == 201);
  }
  SECTION("an href that alone exceeds the limit is an error") {
    o.href = "https://x/" + std::string(8200, 'p');
    auto r = build_notification(a, "<alert/>", store::Event::kNew, o);
    CHECK(r.status().code() == Code::kInvalidArgument);
    CHECK_THAT(r.status().message(), Catch::Contains("8192"));
  }
}

TEST_CASE("wis2: one link per notification, its relation from the event and the scheme", "[wis2]") {
  cap::Alert update = alert_with({}, "A-2");
  update.msg_type = "Update";
  // Listed newest first: the incident's first message is the earliest sent, not the first listed.
  update.references =
      "warnings@met.example,A-1,2026-05-28T21:00:00+02:00 "
      "warnings@met.example,A-0,2026-05-28T20:00:00+02:00";
  auto rel = [](const Json& m) {
    REQUIRE(m["links"].size() == 1);  // /req/core/links I: never combined
    return m["links"][0]["rel"].get<std::string>();
  };
  auto data_id = [](const Json& m) { return m["properties"]["data_id"].get<std::string>(); };

  SECTION("per message (the default): every CAP message is new data; expiry deletes it") {
    for (auto e : {store::Event::kNew, store::Event::kUpdated, store::Event::kCancelled,
                   store::Event::kAck, store::Event::kError}) {
      Json m = build(update, "<alert/>", e);
      CHECK(rel(m) == "canonical");
      CHECK(data_id(m) == std::string(kPrefix) + "A-2");
      CHECK(m["properties"].contains("content"));
    }
    Json gone = build(update, "<alert/>", store::Event::kExpired);
    CHECK(rel(gone) == "deletion");
    CHECK(data_id(gone) == std::string(kPrefix) + "A-2");
    CHECK_FALSE(gone["properties"].contains("content"));
    CHECK(gone["properties"].contains("integrity"));
  }
  SECTION("per incident: updates and cancels share the first message's data_id") {
    auto o = options();
    o.data_id_scheme = DataIdScheme::kPerIncident;
    Json first = build(alert_with({}, "A-0"), "<alert/>", store::Event::kNew, o);
    CHECK(rel(first) == "canonical");
    CHECK(data_id(first) == std::string(kPrefix) + "A-0");
    Json upd = build(update, "<alert/>", store::Event::kUpdated, o);
    CHECK(rel(upd) == "update");
    CHECK(data_id(upd) == data_id(first));
    CHECK(upd["properties"]["pubtime"] == "2026-05-28T20:26:40.123Z");
    cap::Alert cancel = update;
    cancel.identifier = "A-3";
    cancel.msg_type = "Cancel";
    Json can = build(cancel, "<alert/>", store::Event::kCancelled, o);
    CHECK(rel(can) == "update");  // the Cancel replaces the incident's data: caches must serve it
    CHECK(data_id(can) == data_id(first));
    CHECK(can["properties"].contains("content"));
    Json gone = build(update, "<alert/>", store::Event::kExpired, o);
    CHECK(rel(gone) == "deletion");
    CHECK(data_id(gone) == data_id(first));
    // The caller's knowledge (the store's lifecycle) wins over <references>.
    o.incident_identifier = "A-first";
    CHECK(data_id(build(update, "<alert/>", store::Event::kUpdated, o)) ==
          std::string(kPrefix) + "A-first");
    // No references: the alert's own identifier.
    o.incident_identifier.clear();
    CHECK(data_id(build(alert_with({}, "B-1"), "<alert/>", store::Event::kUpdated, o)) ==
          std::string(kPrefix) + "B-1");
  }
  SECTION("prefix and metadata_id") {
    auto o = options();
    o.data_id_prefix = "wis2/int-capcast-test/cap";
    o.metadata_id = "urn:wmo:md:int-capcast-test:cap";
    Json m = build(update, "<alert/>", store::Event::kNew, o);
    CHECK(data_id(m) == "wis2/int-capcast-test/cap/A-2");
    CHECK(m["properties"]["metadata_id"] == "urn:wmo:md:int-capcast-test:cap");
  }
}

TEST_CASE("wis2: geometry is a Polygon, a Point or null", "[wis2]") {
  auto geometry = [](std::vector<cap::Area> areas) {
    return build(alert_with(std::move(areas)), "<alert/>")["geometry"];
  };
  auto box = [](double w, double s, double e, double n) {
    Json ring = Json::array({Json::array({w, s}), Json::array({e, s}), Json::array({e, n}),
                             Json::array({w, n}), Json::array({w, s})});
    return Json{{"type", "Polygon"}, {"coordinates", Json::array({ring})}};
  };
  Json square = Json::parse(R"({"type": "Polygon",
                                "coordinates": [[[2, 1], [3, 1], [3, 2], [2, 2], [2, 1]]]})");
  SECTION("one polygon, counterclockwise as given, stays as it is") {
    CHECK(geometry({area({"1,2 1,3 2,3 2,2 1,2"})}) == square);
  }
  SECTION("one clockwise polygon is reversed (RFC 7946 §3.1.6)") {
    CHECK(geometry({area({"1,2 2,2 2,3 1,3 1,2"})}) == square);
  }
  SECTION("a polygon repeated by every <info> of a multilingual alert is still one") {
    cap::Alert a = alert_with({area({"1,2 1,3 2,3 2,2 1,2"})});
    a.infos.push_back(a.infos.front());
    CHECK(build(a, "<alert/>")["geometry"]["coordinates"][0].size() == 5);
  }
  SECTION("an epicentre (circle of radius 0) is a Point") {
    CHECK(geometry({area({}, {"-33.5,151.25 0"})}) ==
          Json::parse(R"({"type": "Point", "coordinates": [151.25, -33.5]})"));
  }
  SECTION("a circle is its bounding box, which contains it") {
    Json g = geometry({area({}, {"0,10 111.2"})});  // ~1 degree of latitude
    REQUIRE(g["type"] == "Polygon");
    const Json& r = g["coordinates"][0];
    REQUIRE(r.size() == 5);
    CHECK(r[0][0].get<double>() <= 9.0);
    CHECK(r[0][1].get<double>() <= -1.0);
    CHECK(r[2][0].get<double>() >= 11.0);
    CHECK(r[2][1].get<double>() >= 1.0);
    CHECK(r[2][1].get<double>() < 1.01);
  }
  SECTION("several shapes, in one area or several, are their joint bounding box") {
    CHECK(geometry({area({"1,2 1,3 2,3 2,2 1,2", "5,6 5,7 6,7 6,6 5,6"})}) == box(2, 1, 7, 6));
    CHECK(geometry({area({"1,2 1,3 2,3 2,2 1,2"}), area({"-5,-6 -5,-7 -6,-7 -6,-6 -5,-6"})}) ==
          box(-7, -6, 3, 2));
    // An epicentre among them counts as its point (within the 1 m tolerance of a circle).
    Json g = geometry({area({"1,2 1,3 2,3 2,2 1,2"}, {"4,5 0"})});
    REQUIRE(g["coordinates"][0].size() == 5);
    CHECK(g["coordinates"][0][0] == Json::array({2, 1}));
    CHECK(g["coordinates"][0][2][0].get<double>() == Approx(5).margin(1e-4));
    CHECK(g["coordinates"][0][2][1].get<double>() == Approx(4).margin(1e-4));
  }
  SECTION("null when no outline can be derived") {
    CHECK(geometry({}).is_null());
    CHECK(geometry({area({}, {}, {{"EMMA_ID", "IE004"}})}).is_null());  // geocodes only
    CHECK(geometry({area({"1,2 1,3 nonsense"})}).is_null());
    CHECK(geometry({area({"1,2 1,3 2,3 2,2 1,2"}, {"91,0 5"})}).is_null());  // one unparsable
    // Across the antimeridian a Polygon would have to be cut into a MultiPolygon (RFC 7946
    // §3.1.9), which WNM does not allow.
    CHECK(geometry({area({"-17,179 -17,-179 -18,-179 -18,179 -17,179"})}).is_null());
    cap::Alert none = alert_with({});
    none.infos.clear();
    CHECK(build(none, "<alert/>")["geometry"].is_null());
  }
}

TEST_CASE("wis2: the official schema validator passes the official examples", "[wis2][schema]") {
  std::map<std::string, std::string> docs;
  for (const char* name :
       {"example1", "example2", "example3", "example4", "eumetsat-msg-seviri-core-notification"})
    docs[name] = sample(std::string(name) + ".json");
  Verdicts v = validate(docs, false);  // their integrity values are placeholders
  INFO(v.output);
  CHECK(v.rc == 0);
  for (const auto& [name, doc] : docs)
    CHECK(v.by_name[name] == "valid");
}

TEST_CASE("wis2: every notification produced is valid against the official WNM schema",
          "[wis2][schema]") {
  std::map<std::string, std::string> docs;
  int n = 0;
  auto add = [&](const std::string& label, const cap::Alert& a, const std::string& xml,
                 store::Event e, const Wis2Options& o) {
    auto r = build_notification(a, xml, e, o);
    INFO(label << ": " << r.status().to_string());
    REQUIRE(r.ok());
    docs[std::to_string(n++) + "-" + label] = *r;
  };
  auto per_incident = options();
  per_incident.data_id_scheme = DataIdScheme::kPerIncident;
  per_incident.metadata_id = "urn:wmo:md:int-capcast-test:cap";
  std::vector<std::pair<std::string, std::string>> cap_docs = {
      {"wis2box", sample("wis2box-cap_example.xml")}};
  for (const auto& entry : std::filesystem::directory_iterator(test::samples_dir()))
    cap_docs.emplace_back(entry.path().stem().string(), test::read_file(entry.path()));
  for (const auto& [name, xml] : cap_docs) {
    cap::Alert a = parsed(xml);
    for (auto e : {store::Event::kNew, store::Event::kUpdated, store::Event::kCancelled,
                   store::Event::kExpired}) {
      add(name + "-" + store::event_name(e), a, xml, e, options());
      add(name + "-" + store::event_name(e) + "-incident", a, xml, e, per_incident);
    }
  }
  // The shapes of the geometry cases and the size limits.
  add("point", alert_with({area({}, {"-33.5,151.25 0"})}), "<alert/>", store::Event::kNew,
      options());
  add("circle-box", alert_with({area({}, {"60,10 300"})}), "<alert/>", store::Event::kNew,
      options());
  add("null-geocodes", alert_with({area({}, {}, {{"EMMA_ID", "IE004"}})}), "<alert/>",
      store::Event::kNew, options());
  add("big-polygon-box", alert_with({area({ring_text(600, 10, 20, 0.5)})}), "<alert/>",
      store::Event::kNew, options());
  add("content-4096-utf8", alert_with({}), std::string(4096, 'x'), store::Event::kNew, options());
  std::string latin1(3072, 'a');
  latin1[0] = '\xE9';
  add("content-4096-base64", alert_with({}), latin1, store::Event::kNew, options());
  auto at_limit = options();
  std::string quotes(3000, '"');
  at_limit.href += std::string(
      8192 - build_notification(alert_with({}), quotes, store::Event::kNew, at_limit)->size(), 'p');
  add("message-8192", alert_with({}), quotes, store::Event::kNew, at_limit);
  REQUIRE(docs.rbegin()->second.size() <= 8192);

  Verdicts v = validate(docs);
  INFO(v.output);
  CHECK(v.rc == 0);
  for (const auto& [name, doc] : docs) {
    INFO(name);
    CHECK(v.by_name[name] == "valid");
  }
  CHECK(docs.size() == cap_docs.size() * 8 + 7);
}

TEST_CASE("wis2: the schema check refuses broken notifications", "[wis2][schema]") {
  Json good = build(alert_with({area({"1,2 1,3 2,3 2,2 1,2"})}), "<alert/>");
  std::map<std::string, Json> broken;
  broken["no-id"] = good;
  broken["no-id"].erase("id");
  broken["id-not-uuid"] = good;
  broken["id-not-uuid"]["id"] = "A-1";
  broken["no-conformsTo"] = good;
  broken["no-conformsTo"].erase("conformsTo");
  broken["wrong-conformsTo"] = good;
  broken["wrong-conformsTo"]["conformsTo"] =
      Json::array({"http://wis.wmo.int/spec/wnm/2/conf/core"});
  broken["multipolygon"] = good;
  broken["multipolygon"]["geometry"] = Json::parse(R"({"type": "MultiPolygon",
                        "coordinates": [[[[2, 1], [3, 1], [3, 2], [2, 1]]]]})");
  broken["pubtime-not-rfc3339"] = good;
  broken["pubtime-not-rfc3339"]["properties"]["pubtime"] = "2026-05-28 20:26:40";
  broken["no-data_id"] = good;
  broken["no-data_id"]["properties"].erase("data_id");
  broken["no-datetime"] = good;
  broken["no-datetime"]["properties"].erase("datetime");
  broken["content-4097"] = good;
  broken["content-4097"]["properties"]["content"] =
      Json{{"encoding", "utf-8"}, {"value", std::string(4097, 'x')}, {"size", 4097}};
  broken["no-links"] = good;
  broken["no-links"]["links"] = Json::array();
  broken["link-without-rel"] = good;
  broken["link-without-rel"]["links"][0].erase("rel");
  broken["integrity-mismatch"] = good;
  broken["integrity-mismatch"]["properties"]["content"]["value"] = "<alert/ >";
  broken["integrity-mismatch"]["properties"]["content"]["size"] = 9;
  broken["size-mismatch"] = good;
  broken["size-mismatch"]["properties"]["content"]["size"] = 9;
  broken["over-8192"] = good;
  broken["over-8192"]["properties"]["padding"] = std::string(8200, 'x');
  std::map<std::string, std::string> docs;
  for (const auto& [name, doc] : broken)
    docs[name] = doc.dump();
  docs["control-good"] = good.dump();

  Verdicts v = validate(docs);
  INFO(v.output);
  CHECK(v.rc == 1);
  CHECK(v.by_name["control-good"] == "valid");
  for (const auto& [name, doc] : broken) {
    INFO(name);
    CHECK_THAT(v.by_name[name], Catch::StartsWith("invalid "));
  }
}
