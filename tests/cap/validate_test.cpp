#include <catch2/catch.hpp>

#include <filesystem>

#include "capcast/cap/serialize.h"
#include "capcast/cap/validate.h"
#include "support/helpers.h"

using namespace capcast;
using namespace capcast::cap;

namespace {

// A valid CAP 1.2 alert to mutate: every rule case below changes one thing in it.
const char* kBase = R"(<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>KE-KMD-2024-0001</identifier>
  <sender>warnings@meteo.go.ke</sender>
  <sent>2024-04-20T06:00:00+03:00</sent>
  <status>Actual</status>
  <msgType>Alert</msgType>
  <scope>Public</scope>
  <info>
    <language>en-KE</language>
    <category>Met</category>
    <event>Flood</event>
    <responseType>Evacuate</responseType>
    <urgency>Immediate</urgency>
    <severity>Severe</severity>
    <certainty>Likely</certainty>
    <effective>2024-04-20T06:00:00+03:00</effective>
    <expires>2024-04-21T06:00:00+03:00</expires>
    <headline>Flood warning for the Tana River basin</headline>
    <description>Heavy rain upstream.</description>
    <instruction>Move to higher ground.</instruction>
    <web>https://meteo.go.ke/warnings</web>
    <resource>
      <resourceDesc>map</resourceDesc>
      <mimeType>image/png</mimeType>
      <size>4</size>
      <uri>https://meteo.go.ke/map.png</uri>
    </resource>
    <area>
      <areaDesc>Tana River</areaDesc>
      <polygon>-1.5,39.5 -1.5,40.5 -0.5,40.5 -0.5,39.5 -1.5,39.5</polygon>
      <circle>-1.0,40.0 10</circle>
      <geocode><valueName>ISO3166-2</valueName><value>KE-40</value></geocode>
    </area>
  </info>
</alert>
)";

std::string replace(std::string s, const std::string& from, const std::string& to) {
  auto pos = s.find(from);
  REQUIRE(pos != std::string::npos);
  s.replace(pos, from.size(), to);
  return s;
}

bool has(const Report& r, const std::string& rule, const std::string& path, Level level) {
  for (const auto& f : r.findings) {
    if (f.rule == rule && f.path == path && f.level == level) return true;
  }
  return false;
}

std::string dump(const Report& r) {
  std::string s;
  for (const auto& f : r.findings) {
    s += std::string(level_name(f.level)) + " " + f.path + " [" + f.rule + "] " + f.message + "\n";
  }
  return s;
}

struct Case {
  const char* name;
  const char* from;
  const char* to;
  const char* rule;
  const char* path;
  Level level;
};

// Every rule: one failing case here; the base alert (which passes every rule) is the passing one.
const Case kCases[] = {
    // Layer 1: the schema.
    {"element out of order", "<status>Actual</status>\n  <msgType>Alert</msgType>",
     "<msgType>Alert</msgType>\n  <status>Actual</status>", "schema.order", "/alert/status[1]",
     Level::kError},
    {"required element missing", "<scope>Public</scope>", "", "schema.missing", "/alert",
     Level::kError},
    {"element twice", "<scope>Public</scope>", "<scope>Public</scope><scope>Public</scope>",
     "schema.cardinality", "/alert/scope[2]", Level::kError},
    {"unknown element", "<scope>Public</scope>", "<scope>Public</scope><priority>1</priority>",
     "schema.unknown", "/alert/priority[1]", Level::kError},
    {"bad enumeration", "<status>Actual</status>", "<status>actual</status>", "schema.enum",
     "/alert/status[1]", Level::kError},
    {"enumeration with spaces", "<urgency>Immediate</urgency>", "<urgency> Immediate</urgency>",
     "schema.enum", "/alert/info[1]/urgency[1]", Level::kError},
    {"bad date-time", "<sent>2024-04-20T06:00:00+03:00</sent>", "<sent>2024-04-20T06:00:00Z</sent>",
     "schema.datetime", "/alert/sent[1]", Level::kError},
    {"bad integer", "<size>4</size>", "<size>4.5</size>", "schema.integer",
     "/alert/info[1]/resource[1]/size[1]", Level::kError},
    {"bad language", "<language>en-KE</language>", "<language>en_KE</language>", "schema.language",
     "/alert/info[1]/language[1]", Level::kError},
    {"attribute", "<scope>Public</scope>", "<scope lang=\"en\">Public</scope>", "schema.attribute",
     "/alert/scope[1]", Level::kError},
    {"stray text", "<scope>Public</scope>", "<scope>Public</scope>oops", "schema.text", "/alert",
     Level::kError},
    {"foreign element", "<scope>Public</scope>", "<scope>Public</scope><x:y xmlns:x=\"urn:x\"/>",
     "schema.namespace", "/alert/y[1]", Level::kError},
    {"element in text element", "<event>Flood</event>", "<event><b>Flood</b></event>",
     "schema.content", "/alert/info[1]/event[1]", Level::kError},
    // Layer 2: the rules of the spec.
    {"identifier with a space", "<identifier>KE-KMD-2024-0001</identifier>",
     "<identifier>KE KMD 2024</identifier>", "identifier.chars", "/alert/identifier",
     Level::kError},
    {"sender with a comma", "<sender>warnings@meteo.go.ke</sender>",
     "<sender>warnings,meteo</sender>", "sender.chars", "/alert/sender", Level::kError},
    {"sent on a day that does not exist", "<sent>2024-04-20T06:00:00+03:00</sent>",
     "<sent>2023-02-29T06:00:00+03:00</sent>", "datetime.format", "/alert/sent", Level::kError},
    {"restricted without restriction", "<scope>Public</scope>", "<scope>Restricted</scope>",
     "restriction.required", "/alert/restriction", Level::kError},
    {"restriction on public scope", "<scope>Public</scope>",
     "<scope>Public</scope><restriction>staff</restriction>", "restriction.scope",
     "/alert/restriction", Level::kWarning},
    {"private without addresses", "<scope>Public</scope>", "<scope>Private</scope>",
     "addresses.required", "/alert/addresses", Level::kError},
    {"addresses on public scope", "<scope>Public</scope>",
     "<scope>Public</scope><addresses>ops</addresses>", "addresses.scope", "/alert/addresses",
     Level::kWarning},
    {"unbalanced quote in addresses", "<scope>Public</scope>",
     "<scope>Private</scope><addresses>\"ops room</addresses>", "addresses.format",
     "/alert/addresses", Level::kError},
    {"update without references", "<msgType>Alert</msgType>", "<msgType>Update</msgType>",
     "references.missing", "/alert/references", Level::kWarning},
    {"reference not a triple", "<scope>Public</scope>",
     "<scope>Public</scope><references>warnings@meteo.go.ke,X1</references>", "references.format",
     "/alert/references", Level::kError},
    {"self reference", "<msgType>Alert</msgType>\n  <scope>Public</scope>",
     "<msgType>Update</msgType>\n  <scope>Public</scope><references>warnings@meteo.go.ke,"
     "KE-KMD-2024-0001,2024-04-20T06:00:00+03:00</references>",
     "references.self", "/alert/references", Level::kError},
    {"reference to a later message", "<msgType>Alert</msgType>\n  <scope>Public</scope>",
     "<msgType>Update</msgType>\n  <scope>Public</scope><references>warnings@meteo.go.ke,X9,"
     "2024-04-20T07:00:00+03:00</references>",
     "references.future", "/alert/references", Level::kError},
    {"alert with references", "<scope>Public</scope>",
     "<scope>Public</scope><references>warnings@meteo.go.ke,X0,2024-04-19T07:00:00+03:00"
     "</references>",
     "references.alert", "/alert/references", Level::kWarning},
    {"error without note", "<msgType>Alert</msgType>\n  <scope>Public</scope>",
     "<msgType>Error</msgType>\n  <scope>Public</scope><references>warnings@meteo.go.ke,X0,"
     "2024-04-19T07:00:00+03:00</references>",
     "note.error", "/alert/note", Level::kWarning},
    {"effective after expires", "<effective>2024-04-20T06:00:00+03:00</effective>",
     "<effective>2024-04-22T06:00:00+03:00</effective>", "effective.after_expires",
     "/alert/info[1]/effective", Level::kError},
    {"onset after expires", "<effective>2024-04-20T06:00:00+03:00</effective>",
     "<effective>2024-04-20T06:00:00+03:00</effective><onset>2024-04-22T06:00:00+03:00</onset>",
     "onset.after_expires", "/alert/info[1]/onset", Level::kWarning},
    {"expires before sent",
     "<effective>2024-04-20T06:00:00+03:00</effective>\n    <expires>2024-04-21T06:00:00+03:00"
     "</expires>",
     "<expires>2024-04-20T05:00:00+03:00</expires>", "expires.before_sent",
     "/alert/info[1]/expires", Level::kWarning},
    {"relative web", "<web>https://meteo.go.ke/warnings</web>", "<web>/warnings</web>",
     "web.absolute", "/alert/info[1]/web", Level::kError},
    {"html in description", "<description>Heavy rain upstream.</description>",
     "<description>Heavy &lt;b&gt;rain&lt;/b&gt; upstream.</description>", "text.html",
     "/alert/info[1]/description", Level::kWarning},
    {"long headline", "<headline>Flood warning for the Tana River basin</headline>",
     "<headline>Flood warning for the Tana River basin, with a headline that goes on and on "
     "well past what a phone screen shows, and then further still, past one hundred and sixty "
     "characters</headline>",
     "headline.length", "/alert/info[1]/headline", Level::kRecommendation},
    {"empty valueName", "<valueName>ISO3166-2</valueName>", "<valueName></valueName>",
     "valuename.empty", "/alert/info[1]/area[1]/geocode[1]/valueName", Level::kWarning},
    {"bad MIME type", "<mimeType>image/png</mimeType>", "<mimeType>png</mimeType>",
     "mimetype.format", "/alert/info[1]/resource[1]/mimeType", Level::kError},
    // The slash after ';' is a parameter's: this once threw std::out_of_range.
    {"MIME type without its slash, one in a parameter", "<mimeType>image/png</mimeType>",
     "<mimeType>text; a/b</mimeType>", "mimetype.format", "/alert/info[1]/resource[1]/mimeType",
     Level::kError},
    {"derefUri not base64", "<uri>https://meteo.go.ke/map.png</uri>",
     "<uri>https://meteo.go.ke/map.png</uri><derefUri>not base64!</derefUri>", "derefuri.base64",
     "/alert/info[1]/resource[1]/derefUri", Level::kError},
    {"relative uri without derefUri", "<uri>https://meteo.go.ke/map.png</uri>",
     "<uri>map.png</uri>", "uri.relative", "/alert/info[1]/resource[1]/uri", Level::kError},
    {"digest not SHA-1", "<uri>https://meteo.go.ke/map.png</uri>",
     "<uri>https://meteo.go.ke/map.png</uri><digest>abc</digest>", "digest.sha1",
     "/alert/info[1]/resource[1]/digest", Level::kWarning},
    {"polygon not closed", "-1.5,39.5 -1.5,40.5 -0.5,40.5 -0.5,39.5 -1.5,39.5",
     "-1.5,39.5 -1.5,40.5 -0.5,40.5 -0.5,39.5 -1.4,39.5", "polygon.closed",
     "/alert/info[1]/area[1]/polygon[1]", Level::kError},
    {"polygon with three pairs", "-1.5,39.5 -1.5,40.5 -0.5,40.5 -0.5,39.5 -1.5,39.5",
     "-1.5,39.5 -1.5,40.5 -1.5,39.5", "polygon.pairs", "/alert/info[1]/area[1]/polygon[1]",
     Level::kError},
    {"polygon out of range", "-1.5,39.5 -1.5,40.5 -0.5,40.5 -0.5,39.5 -1.5,39.5",
     "-1.5,39.5 -1.5,40.5 95,40.5 -0.5,39.5 -1.5,39.5", "polygon.format",
     "/alert/info[1]/area[1]/polygon[1]", Level::kError},
    {"self-intersecting polygon", "-1.5,39.5 -1.5,40.5 -0.5,40.5 -0.5,39.5 -1.5,39.5",
     "-1.5,39.5 -0.5,40.5 -1.5,40.5 -0.5,39.5 -1.5,39.5", "polygon.self_intersecting",
     "/alert/info[1]/area[1]/polygon[1]", Level::kWarning},
    {"empty web", "<web>https://meteo.go.ke/warnings</web>", "<web></web>", "web.empty",
     "/alert/info[1]/web", Level::kWarning},
    {"polygon as lon,lat garbage", "-1.5,39.5 -1.5,40.5 -0.5,40.5 -0.5,39.5 -1.5,39.5",
     "-1.5;39.5 -1.5;40.5", "polygon.format", "/alert/info[1]/area[1]/polygon[1]", Level::kError},
    {"circle without radius", "<circle>-1.0,40.0 10</circle>", "<circle>-1.0,40.0</circle>",
     "circle.format", "/alert/info[1]/area[1]/circle[1]", Level::kError},
    {"ceiling without altitude", "</geocode>", "</geocode><ceiling>100</ceiling>",
     "ceiling.altitude", "/alert/info[1]/area[1]/ceiling", Level::kError},
    {"ceiling below altitude", "</geocode>",
     "</geocode><altitude>500</altitude><ceiling>100</ceiling>", "ceiling.below_altitude",
     "/alert/info[1]/area[1]/ceiling", Level::kError},
    {"empty areaDesc", "<areaDesc>Tana River</areaDesc>", "<areaDesc></areaDesc>", "areadesc.empty",
     "/alert/info[1]/area[1]/areaDesc", Level::kError},
};

}  // namespace

TEST_CASE("the base alert passes every rule") {
  Report r = validate(kBase);
  INFO(dump(r));
  CHECK(r.findings.empty());
}

TEST_CASE("each rule fails on its case, at its path, with its level") {
  for (const auto& c : kCases) {
    SECTION(c.name) {
      Report r = validate(replace(kBase, c.from, c.to));
      INFO(dump(r));
      CHECK(has(r, c.rule, c.path, c.level));
      if (c.level == Level::kError) {
        CHECK(r.has_errors());
      } else {
        CHECK_FALSE(r.has_errors());
      }
    }
  }
}

TEST_CASE("every bundled real-world sample has no error") {
  for (const auto& e : std::filesystem::directory_iterator(test::samples_dir())) {
    Report r = validate(test::read_file(e.path()));
    INFO(e.path().filename().string() << "\n" << dump(r));
    CHECK_FALSE(r.has_errors());
    CHECK(r.parsed.has_value());
  }
}

TEST_CASE("each negative sample is rejected for the right reason") {
  auto dir = test::source_dir() / "tests/data/cap/negative";
  Report xxe = validate(test::read_file(dir / "xxe-external-entity-attack.xml"));
  REQUIRE(xxe.findings.size() == 1);
  CHECK(xxe.findings[0].rule == "xml");
  CHECK(xxe.findings[0].message.find("DOCTYPE is not allowed") != std::string::npos);

  // cap-library's invalid.cap: XSD-invalid CAP 1.2.
  Report invalid = validate(test::read_file(dir / "invalid.xml"));
  INFO(dump(invalid));
  CHECK(invalid.has_errors());
  bool schema_error = false;
  for (const auto& f : invalid.findings)
    schema_error |= f.rule.rfind("schema.", 0) == 0;
  CHECK(schema_error);
}

TEST_CASE("the AU sample's HTML in text is a warning, as in cap-library") {
  Report r = validate(test::read_file(test::samples_dir() / "au-nsw-rfs-fire-capau-prefixed.xml"));
  bool html = false;
  for (const auto& f : r.findings)
    html |= f.rule == "text.html" && f.level == Level::kWarning;
  CHECK(html);
}

TEST_CASE("serialize: parse(serialize(a)) == a for every sample") {
  for (const auto& e : std::filesystem::directory_iterator(test::samples_dir())) {
    INFO(e.path().filename().string());
    auto first = parse(test::read_file(e.path()));
    REQUIRE(first.ok());
    std::string xml = serialize(first->alert);
    auto second = parse(xml);
    REQUIRE(second.ok());
    CHECK(second->alert == first->alert);
    // Canonical output is itself valid.
    Report r = validate(xml);
    INFO(dump(r));
    CHECK_FALSE(r.has_errors());
  }
}

TEST_CASE("serialize escapes what XML needs and keeps CR") {
  Alert a;
  a.identifier = "I";
  a.sender = "S";
  a.sent = "2024-01-01T00:00:00-00:00";
  a.status = "Actual";
  a.msg_type = "Alert";
  a.scope = "Public";
  a.note = "a < b & c > d ]]> \"q\" line\r\nnext";
  std::string xml = serialize(a);
  CHECK(xml.find("a &lt; b &amp; c &gt; d ]]&gt;") != std::string::npos);
  auto back = parse(xml);
  REQUIRE(back.ok());
  CHECK(back->alert == a);
}
