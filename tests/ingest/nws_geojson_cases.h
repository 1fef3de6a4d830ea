// The hand-made NWS API alert and the table of mapping rules that tests/ingest/nws_geojson_test.cpp
// runs: each row changes the alert and checks the CAP it becomes, or the problem it reports.
#pragma once

#include <catch2/catch.hpp>

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "capcast/cap/model.h"

namespace nws_cases {

namespace cap = capcast::cap;
using Json = nlohmann::ordered_json;

// A complete alert as the API writes it (shape of the 2025 responses: scope, code, language,
// web, eventCode, expiredReferences), with a Polygon.
inline Json base_feature() {
  return Json::parse(R"({
    "id": "https://api.weather.gov/alerts/urn:oid:2.49.0.1.840.0.abc.001.1",
    "type": "Feature",
    "geometry": {"type": "Polygon",
                 "coordinates": [[[-95.5, 30.25], [-95.0, 30.25], [-95.0, 30.75], [-95.5, 30.25]]]},
    "properties": {
      "@id": "https://api.weather.gov/alerts/urn:oid:2.49.0.1.840.0.abc.001.1",
      "@type": "wx:Alert",
      "id": "urn:oid:2.49.0.1.840.0.abc.001.1",
      "areaDesc": "Harris, TX",
      "geocode": {"SAME": ["048201"], "UGC": ["TXC201"]},
      "affectedZones": ["https://api.weather.gov/zones/county/TXC201"],
      "references": [{"@id": "https://api.weather.gov/alerts/urn:oid:2.49.0.1.840.0.old.001.1",
                      "identifier": "urn:oid:2.49.0.1.840.0.old.001.1",
                      "sender": "w-nws.webmaster@noaa.gov",
                      "sent": "2024-05-01T09:00:00-05:00"}],
      "sent": "2024-05-01T10:00:00-05:00",
      "effective": "2024-05-01T10:00:00-05:00",
      "onset": "2024-05-01T10:00:00-05:00",
      "expires": "2024-05-01T12:00:00-05:00",
      "ends": "2024-05-01T13:00:00-05:00",
      "status": "Actual",
      "messageType": "Update",
      "category": "Met",
      "severity": "Severe",
      "certainty": "Observed",
      "urgency": "Immediate",
      "event": "Severe Thunderstorm Warning",
      "sender": "w-nws.webmaster@noaa.gov",
      "senderName": "NWS Houston/Galveston TX",
      "headline": "Severe Thunderstorm Warning issued May 1",
      "description": "At 1000 AM CDT, a severe thunderstorm was located near Houston.",
      "instruction": "Move to an interior room.",
      "response": "Shelter",
      "parameters": {"AWIPSidentifier": ["SVSHGX"], "BLOCKCHANNEL": ["EAS", "NWEM", "CMAS"],
                     "maxHailSize": [1.75],
                     "expiredReferences": ["w-nws.webmaster@noaa.gov,urn:oid:2.49.0.1.840.0.older.001.1,2024-05-01T08:00:00-05:00"]},
      "scope": "Public",
      "code": "IPAWSv1.0",
      "language": "en-US",
      "web": "http://www.weather.gov",
      "eventCode": {"SAME": ["SVR"], "NationalWeatherService": ["SVW"]},
      "replacedBy": "https://api.weather.gov/alerts/urn:oid:2.49.0.1.840.0.new.001.1"
    }
  })");
}

inline std::string collection(std::vector<Json> features) {
  Json fc = {{"type", "FeatureCollection"}, {"features", Json::array()}};
  for (auto& f : features)
    fc["features"].push_back(std::move(f));
  return fc.dump();
}

struct Row {
  const char* rule;
  std::function<void(Json& feature)> mutate;
  // When set, the alert is converted and checked; when not, `problem` must be reported and
  // nothing converted.
  std::function<void(const cap::Alert&)> check;
  const char* problem = nullptr;  // a problem that must be reported (with or without the alert)
};

inline Json& props(Json& f) {
  return f["properties"];
}

inline const std::vector<Row>& rows() {
  static const std::vector<Row> kRows = {
      {"identifier, sender and sent are NWS's own", [](Json&) {},
       [](const cap::Alert& a) {
         CHECK(a.identifier == "urn:oid:2.49.0.1.840.0.abc.001.1");
         CHECK(a.sender == "w-nws.webmaster@noaa.gov");
         CHECK(a.sent == "2024-05-01T10:00:00-05:00");
         CHECK(a.status == "Actual");
         CHECK(a.msg_type == "Update");
         CHECK(a.scope == "Public");
         CHECK(a.codes == std::vector<std::string>{"IPAWSv1.0"});
       }},
      {"references then expiredReferences triples", [](Json&) {},
       [](const cap::Alert& a) {
         CHECK(
             a.references ==
             "w-nws.webmaster@noaa.gov,urn:oid:2.49.0.1.840.0.old.001.1,2024-05-01T09:00:00-05:00 "
             "w-nws.webmaster@noaa.gov,urn:oid:2.49.0.1.840.0.older.001.1,2024-05-01T08:00:00-05:"
             "00");
       }},
      {"expiredReferences: several triples in one string, duplicates once",
       [](Json& f) {
         props(f)["parameters"]["expiredReferences"] = {
             "w-nws.webmaster@noaa.gov,urn:oid:2.49.0.1.840.0.old.001.1,2024-05-01T09:00:00-05:00 "
             "w-nws.webmaster@noaa.gov,X.2,2024-05-01T13:00:00Z\n w-nws.webmaster@noaa.gov,X.3,"
             "2024-04-30T01:00:00-05:00"};
       },
       [](const cap::Alert& a) {
         CHECK(
             a.references ==
             "w-nws.webmaster@noaa.gov,urn:oid:2.49.0.1.840.0.old.001.1,2024-05-01T09:00:00-05:00 "
             "w-nws.webmaster@noaa.gov,X.2,2024-05-01T13:00:00-00:00 "
             "w-nws.webmaster@noaa.gov,X.3,2024-04-30T01:00:00-05:00");
       }},
      {"no references: none written",
       [](Json& f) {
         props(f)["references"] = Json::array();
         props(f)["parameters"].erase("expiredReferences");
         props(f)["messageType"] = "Alert";
       },
       [](const cap::Alert& a) {
         CHECK_FALSE(a.references);
         CHECK(a.msg_type == "Alert");
       }},
      {"a malformed expiredReferences triple is refused",
       [](Json& f) { props(f)["parameters"]["expiredReferences"] = {"not-a-triple"}; }, nullptr,
       "parameters.expiredReferences: reference 1"},
      {"a reference without identifier is refused",
       [](Json& f) { props(f)["references"][0].erase("identifier"); }, nullptr,
       "properties.references[0].identifier: is missing"},
      {"'Z' becomes -00:00", [](Json& f) { props(f)["sent"] = "2024-05-01T15:00:00Z"; },
       [](const cap::Alert& a) { CHECK(a.sent == "2024-05-01T15:00:00-00:00"); }},
      {"+00:00 becomes -00:00",
       [](Json& f) { props(f)["effective"] = "2024-05-01T15:00:00+00:00"; },
       [](const cap::Alert& a) { CHECK(a.infos[0].effective == "2024-05-01T15:00:00-00:00"); }},
      {"fractional seconds are dropped",
       [](Json& f) { props(f)["onset"] = "2024-05-01T10:00:00.750-05:00"; },
       [](const cap::Alert& a) { CHECK(a.infos[0].onset == "2024-05-01T10:00:00-05:00"); }},
      {"an offset without colon gets one",
       [](Json& f) { props(f)["expires"] = "2024-05-01T12:00:00-0500"; },
       [](const cap::Alert& a) { CHECK(a.infos[0].expires == "2024-05-01T12:00:00-05:00"); }},
      {"a time without offset is refused",
       [](Json& f) { props(f)["expires"] = "2024-05-01T12:00:00"; }, nullptr,
       "properties.expires: \"2024-05-01T12:00:00\" has no UTC offset"},
      {"a day that does not exist is refused",
       [](Json& f) { props(f)["sent"] = "2024-02-30T10:00:00-05:00"; }, nullptr, "properties.sent"},
      {"null onset: no <onset>", [](Json& f) { props(f)["onset"] = nullptr; },
       [](const cap::Alert& a) { CHECK_FALSE(a.infos[0].onset); }},
      {"messageType is msgType, case-sensitive",
       [](Json& f) { props(f)["messageType"] = "update"; }, nullptr,
       "properties.messageType: \"update\" is not one of"},
      {"unknown status refused", [](Json& f) { props(f)["status"] = "Real"; }, nullptr,
       "properties.status"},
      {"unknown severity refused", [](Json& f) { props(f)["severity"] = "Catastrophic"; }, nullptr,
       "properties.severity: \"Catastrophic\""},
      {"unknown certainty refused", [](Json& f) { props(f)["certainty"] = "Sure"; }, nullptr,
       "properties.certainty"},
      {"unknown urgency refused", [](Json& f) { props(f)["urgency"] = "Now"; }, nullptr,
       "properties.urgency"},
      {"missing urgency refused", [](Json& f) { props(f).erase("urgency"); }, nullptr,
       "properties.urgency: is missing"},
      {"severity, certainty, urgency, category, event kept", [](Json&) {},
       [](const cap::Alert& a) {
         const auto& i = a.infos.at(0);
         CHECK(i.severity == "Severe");
         CHECK(i.certainty == "Observed");
         CHECK(i.urgency == "Immediate");
         CHECK(i.categories == std::vector<std::string>{"Met"});
         CHECK(i.event == "Severe Thunderstorm Warning");
       }},
      {"category as an array",
       [](Json& f) {
         props(f)["category"] = {"Met", "Geo"};
       },
       [](const cap::Alert& a) {
         CHECK(a.infos[0].categories == std::vector<std::string>{"Met", "Geo"});
       }},
      {"unknown category refused", [](Json& f) { props(f)["category"] = "Weather"; }, nullptr,
       "properties.category"},
      {"response is responseType", [](Json&) {},
       [](const cap::Alert& a) {
         CHECK(a.infos[0].response_types == std::vector<std::string>{"Shelter"});
       }},
      {"null response: no responseType", [](Json& f) { props(f)["response"] = nullptr; },
       [](const cap::Alert& a) { CHECK(a.infos[0].response_types.empty()); }},
      {"unknown response refused", [](Json& f) { props(f)["response"] = "Run"; }, nullptr,
       "properties.response: \"Run\""},
      {"texts kept", [](Json&) {},
       [](const cap::Alert& a) {
         const auto& i = a.infos.at(0);
         CHECK(i.sender_name == "NWS Houston/Galveston TX");
         CHECK(i.headline == "Severe Thunderstorm Warning issued May 1");
         CHECK(i.description == "At 1000 AM CDT, a severe thunderstorm was located near Houston.");
         CHECK(i.instruction == "Move to an interior room.");
         CHECK(i.web == "http://www.weather.gov");
       }},
      {"null instruction: no <instruction>", [](Json& f) { props(f)["instruction"] = nullptr; },
       [](const cap::Alert& a) { CHECK_FALSE(a.infos[0].instruction); }},
      {"a headline that is not a string is refused", [](Json& f) { props(f)["headline"] = 42; },
       nullptr, "properties.headline: is a JSON number"},
      {"language kept, en-US when absent", [](Json& f) { props(f).erase("language"); },
       [](const cap::Alert& a) { CHECK(a.infos[0].language == "en-US"); }},
      {"Spanish alerts stay es-US", [](Json& f) { props(f)["language"] = "es-US"; },
       [](const cap::Alert& a) { CHECK(a.infos[0].language == "es-US"); }},
      {"scope Public when absent", [](Json& f) { props(f).erase("scope"); },
       [](const cap::Alert& a) { CHECK(a.scope == "Public"); }},
      {"parameters: one <parameter> per value, numbers written as JSON", [](Json&) {},
       [](const cap::Alert& a) {
         std::vector<cap::ValuePair> want = {
             {"AWIPSidentifier", "SVSHGX"},
             {"BLOCKCHANNEL", "EAS"},
             {"BLOCKCHANNEL", "NWEM"},
             {"BLOCKCHANNEL", "CMAS"},
             {"maxHailSize", "1.75"},
             {"expiredReferences",
              "w-nws.webmaster@noaa.gov,urn:oid:2.49.0.1.840.0.older.001.1,"
              "2024-05-01T08:00:00-05:00"}};
         CHECK(a.infos[0].parameters == want);
       }},
      {"a parameter value that is an object is refused",
       [](Json& f) {
         props(f)["parameters"]["x"] = Json::array({Json::object({{"a", 1}})});
       },
       nullptr, "properties.parameters.x[0]"},
      {"eventCode: one <eventCode> per value", [](Json&) {},
       [](const cap::Alert& a) {
         std::vector<cap::ValuePair> want = {{"SAME", "SVR"}, {"NationalWeatherService", "SVW"}};
         CHECK(a.infos[0].event_codes == want);
       }},
      {"geocode SAME and UGC, areaDesc", [](Json&) {},
       [](const cap::Alert& a) {
         REQUIRE(a.infos[0].areas.size() == 1);
         const auto& area = a.infos[0].areas[0];
         CHECK(area.area_desc == "Harris, TX");
         std::vector<cap::ValuePair> want = {{"SAME", "048201"}, {"UGC", "TXC201"}};
         CHECK(area.geocodes == want);
       }},
      {"Polygon: lon,lat becomes lat,lon", [](Json&) {},
       [](const cap::Alert& a) {
         CHECK(a.infos[0].areas[0].polygons ==
               std::vector<std::string>{"30.25,-95.5 30.25,-95 30.75,-95 30.25,-95.5"});
       }},
      {"an open ring is closed",
       [](Json& f) {
         f["geometry"]["coordinates"] = Json::parse("[[[-95.5,30.25],[-95,30.25],[-95,30.75]]]");
       },
       [](const cap::Alert& a) {
         CHECK(a.infos[0].areas[0].polygons ==
               std::vector<std::string>{"30.25,-95.5 30.25,-95 30.75,-95 30.25,-95.5"});
       }},
      {"a ring of 3 positions is refused",
       [](Json& f) {
         f["geometry"]["coordinates"] = Json::parse("[[[-95.5,30.25],[-95,30.25],[-95.5,30.25]]]");
       },
       nullptr, "geometry: a ring of 3 positions"},
      {"a latitude out of range is refused",
       [](Json& f) {
         f["geometry"]["coordinates"][0][1] = {-95.0, 95.0};
       },
       nullptr, "geometry: position 2 [-95, 95] is outside WGS 84"},
      {"MultiPolygon: one <polygon> per member",
       [](Json& f) {
         f["geometry"] = Json::parse(R"({"type": "MultiPolygon", "coordinates": [
           [[[1,2],[3,2],[3,4],[1,2]]], [[[10.5,-20],[11,-20],[11,-19],[10.5,-20]]]]})");
       },
       [](const cap::Alert& a) {
         CHECK(a.infos[0].areas[0].polygons ==
               std::vector<std::string>{"2,1 2,3 4,3 2,1", "-20,10.5 -20,11 -19,11 -20,10.5"});
       }},
      {"null geometry: geocodes only", [](Json& f) { f["geometry"] = nullptr; },
       [](const cap::Alert& a) {
         CHECK(a.infos[0].areas[0].polygons.empty());
         CHECK(a.infos[0].areas[0].geocodes.size() == 2);
       }},
      {"a Point cannot be a polygon",
       [](Json& f) { f["geometry"] = Json::parse(R"({"type": "Point", "coordinates": [1, 2]})"); },
       nullptr, "geometry: a Point cannot be a CAP <polygon>"},
      {"areaDesc missing with geocodes is refused", [](Json& f) { props(f).erase("areaDesc"); },
       nullptr, "properties.areaDesc: is missing"},
      {"no id is refused", [](Json& f) { props(f).erase("id"); }, nullptr,
       "properties.id: is missing"},
      {"an identifier with a space is refused (CAP 1.2 §3.2.1)",
       [](Json& f) { props(f)["id"] = "NWS 1"; }, nullptr, "/alert/identifier"},
      {"unknown keys are ignored",
       [](Json& f) {
         props(f)["somethingNew"] = {{"a", {1, 2}}};
         f["bbox"] = {1, 2, 3, 4};
       },
       [](const cap::Alert& a) { CHECK(a.infos.size() == 1); }},
  };
  return kRows;
}

}  // namespace nws_cases
