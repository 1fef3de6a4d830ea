// The hand-made MeteoAlarm warning and the table of mapping rules that
// tests/ingest/meteoalarm_json_test.cpp runs: each row changes the alert and checks the CAP it
// becomes, or the problem it reports.
#pragma once

#include <catch2/catch.hpp>

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "capcast/cap/model.h"

namespace meteoalarm_cases {

namespace cap = capcast::cap;
using Json = nlohmann::ordered_json;

// A warning using every CAP element the JSON can carry.
inline Json base_warning() {
  return Json::parse(R"({"uuid": "0f1e2d3c-0000-4000-8000-000000000001", "alert": {
    "identifier": "2.49.0.0.756.0.CH.240601120000.1", "sender": "meteoalarm.cap@meteoswiss.ch",
    "sent": "2024-06-01T12:00:00+02:00", "status": "Actual", "msgType": "Update",
    "source": "MeteoSwiss", "scope": "Public", "code": ["profile:METEOALARM:1.0"],
    "note": "test note",
    "references": "meteoalarm.cap@meteoswiss.ch,2.49.0.0.756.0.CH.240601060000.1,2024-06-01T06:00:00+02:00",
    "incidents": "Alert",
    "info": [{
      "language": "en-GB", "category": ["Met"], "event": "Thunderstorm",
      "responseType": ["Monitor", "Prepare"], "urgency": "Expected", "severity": "Severe",
      "certainty": "Likely", "audience": "public",
      "eventCode": [{"valueName": "SIGMA_TYPE", "value": "3"}],
      "effective": "2024-06-01T12:00:00+02:00", "onset": "2024-06-01T14:00:00+02:00",
      "expires": "2024-06-01T22:00:00+02:00", "senderName": "MeteoSwiss",
      "headline": "Orange thunderstorm warning", "description": "Thunderstorms with hail.",
      "instruction": "Stay indoors.", "web": "https://www.meteoswiss.admin.ch",
      "contact": "MeteoSwiss",
      "parameter": [{"valueName": "awareness_level", "value": "3; orange; Severe"},
                    {"valueName": "awareness_type", "value": "3; Thunderstorm"}],
      "resource": [{"resourceDesc": "map", "mimeType": "image/png",
                    "uri": "https://www.meteoswiss.admin.ch/map.png", "size": 1234}],
      "area": [{"areaDesc": "Mendrisiotto", "altitude": 0.0, "ceiling": 3000,
                "polygon": ["45.9,8.9 45.9,9.0 46.0,9.0 45.9,8.9"],
                "circle": ["45.9,8.95 5"],
                "geocode": [{"valueName": "EMMA_ID", "value": "CH021"}]}]
    }]}})");
}

inline std::string feed(std::vector<Json> warnings) {
  Json root = {{"warnings", Json::array()}};
  for (auto& w : warnings)
    root["warnings"].push_back(std::move(w));
  return root.dump();
}

struct Row {
  const char* rule;
  std::function<void(Json& alert)> mutate;
  std::function<void(const cap::Alert&)> check;  // unset: `problem` and no document
  const char* problem = nullptr;
};

inline Json& info0(Json& a) {
  return a["info"][0];
}
inline Json& area0(Json& a) {
  return a["info"][0]["area"][0];
}

inline const std::vector<Row>& rows() {
  static const std::vector<Row> kRows = {
      {"alert elements kept as written", [](Json&) {},
       [](const cap::Alert& a) {
         CHECK(a.identifier == "2.49.0.0.756.0.CH.240601120000.1");
         CHECK(a.sender == "meteoalarm.cap@meteoswiss.ch");
         CHECK(a.sent == "2024-06-01T12:00:00+02:00");
         CHECK(a.status == "Actual");
         CHECK(a.msg_type == "Update");
         CHECK(a.source == "MeteoSwiss");
         CHECK(a.scope == "Public");
         CHECK(a.codes == std::vector<std::string>{"profile:METEOALARM:1.0"});
         CHECK(a.note == "test note");
         CHECK(a.references ==
               "meteoalarm.cap@meteoswiss.ch,2.49.0.0.756.0.CH.240601060000.1,"
               "2024-06-01T06:00:00+02:00");
         CHECK(a.incidents == "Alert");
       }},
      {"info elements kept as written", [](Json&) {},
       [](const cap::Alert& a) {
         REQUIRE(a.infos.size() == 1);
         const auto& i = a.infos[0];
         CHECK(i.language == "en-GB");
         CHECK(i.categories == std::vector<std::string>{"Met"});
         CHECK(i.event == "Thunderstorm");
         CHECK(i.response_types == std::vector<std::string>{"Monitor", "Prepare"});
         CHECK(i.urgency == "Expected");
         CHECK(i.severity == "Severe");
         CHECK(i.certainty == "Likely");
         CHECK(i.audience == "public");
         CHECK(i.event_codes == std::vector<cap::ValuePair>{{"SIGMA_TYPE", "3"}});
         CHECK(i.effective == "2024-06-01T12:00:00+02:00");
         CHECK(i.onset == "2024-06-01T14:00:00+02:00");
         CHECK(i.expires == "2024-06-01T22:00:00+02:00");
         CHECK(i.sender_name == "MeteoSwiss");
         CHECK(i.headline == "Orange thunderstorm warning");
         CHECK(i.description == "Thunderstorms with hail.");
         CHECK(i.instruction == "Stay indoors.");
         CHECK(i.web == "https://www.meteoswiss.admin.ch");
         CHECK(i.contact == "MeteoSwiss");
         std::vector<cap::ValuePair> params = {{"awareness_level", "3; orange; Severe"},
                                               {"awareness_type", "3; Thunderstorm"}};
         CHECK(i.parameters == params);
         REQUIRE(i.resources.size() == 1);
         CHECK(i.resources[0].resource_desc == "map");
         CHECK(i.resources[0].mime_type == "image/png");
         CHECK(i.resources[0].size == "1234");
         CHECK(i.resources[0].uri == "https://www.meteoswiss.admin.ch/map.png");
       }},
      {"area: EMMA_ID geocode, polygon, circle, altitude and ceiling", [](Json&) {},
       [](const cap::Alert& a) {
         REQUIRE(a.infos[0].areas.size() == 1);
         const auto& ar = a.infos[0].areas[0];
         CHECK(ar.area_desc == "Mendrisiotto");
         CHECK(ar.polygons == std::vector<std::string>{"45.9,8.9 45.9,9.0 46.0,9.0 45.9,8.9"});
         CHECK(ar.circles == std::vector<std::string>{"45.9,8.95 5"});
         CHECK(ar.geocodes == std::vector<cap::ValuePair>{{"EMMA_ID", "CH021"}});
         CHECK(ar.altitude == "0.0");
         CHECK(ar.ceiling == "3000");
       }},
      {"several polygons, several <polygon>s",
       [](Json& a) { area0(a)["polygon"].push_back("46.1,8.9 46.1,9.0 46.2,9.0 46.1,8.9"); },
       [](const cap::Alert& a) { CHECK(a.infos[0].areas[0].polygons.size() == 2); }},
      {"a single polygon string", [](Json& a) { area0(a)["polygon"] = "1,1 1,2 2,2 1,1"; },
       [](const cap::Alert& a) {
         CHECK(a.infos[0].areas[0].polygons == std::vector<std::string>{"1,1 1,2 2,2 1,1"});
       }},
      {"null polygon: none", [](Json& a) { area0(a)["polygon"] = nullptr; },
       [](const cap::Alert& a) { CHECK(a.infos[0].areas[0].polygons.empty()); }},
      {"a polygon that is not closed is refused (CAP 1.2 §3.2.4)",
       [](Json& a) { area0(a)["polygon"] = {"1,1 1,2 2,2"}; }, nullptr,
       "/alert/info[1]/area[1]/polygon[1]"},
      {"several areas and infos, in order",
       [](Json& a) {
         Json second = area0(a);
         second["areaDesc"] = "Ticino";
         info0(a)["area"].push_back(second);
         Json hr = info0(a);
         hr["language"] = "it-CH";
         a["info"].push_back(hr);
       },
       [](const cap::Alert& a) {
         REQUIRE(a.infos.size() == 2);
         CHECK(a.infos[1].language == "it-CH");
         REQUIRE(a.infos[0].areas.size() == 2);
         CHECK(a.infos[0].areas[1].area_desc == "Ticino");
       }},
      {"info as a single object", [](Json& a) { a["info"] = info0(a); },
       [](const cap::Alert& a) { CHECK(a.infos.size() == 1); }},
      {"missing optional elements are left out",
       [](Json& a) {
         for (const char* k : {"source", "code", "note", "references", "incidents"})
           a.erase(k);
         for (const char* k : {"language", "responseType", "audience", "eventCode", "effective",
                               "onset", "senderName", "headline", "description", "instruction",
                               "web", "contact", "parameter", "resource"})
           info0(a).erase(k);
         for (const char* k : {"polygon", "circle", "geocode", "altitude", "ceiling"})
           area0(a).erase(k);
         a["msgType"] = "Alert";
       },
       [](const cap::Alert& a) {
         CHECK_FALSE(a.source);
         CHECK_FALSE(a.references);
         const auto& i = a.infos[0];
         CHECK_FALSE(i.language);
         CHECK_FALSE(i.headline);
         CHECK_FALSE(i.onset);
         CHECK(i.parameters.empty());
         CHECK(i.resources.empty());
         CHECK(i.areas[0].geocodes.empty());
         CHECK_FALSE(i.areas[0].altitude);
       }},
      {"'Z' in sent becomes -00:00", [](Json& a) { a["sent"] = "2024-06-01T10:00:00Z"; },
       [](const cap::Alert& a) { CHECK(a.sent == "2024-06-01T10:00:00-00:00"); }},
      {"references' sent put in CAP form",
       [](Json& a) { a["references"] = "s,old.1,2024-06-01T04:00:00.000Z"; },
       [](const cap::Alert& a) { CHECK(a.references == "s,old.1,2024-06-01T04:00:00-00:00"); }},
      {"a malformed reference is refused", [](Json& a) { a["references"] = "a,b"; }, nullptr,
       "alert.references: reference 1 \"a,b\" is not sender,identifier,sent"},
      {"a geocode value that is a number is written as text",
       [](Json& a) { area0(a)["geocode"][0]["value"] = 21; },
       [](const cap::Alert& a) {
         CHECK(a.infos[0].areas[0].geocodes == std::vector<cap::ValuePair>{{"EMMA_ID", "21"}});
       }},
      {"a geocode without value is refused", [](Json& a) { area0(a)["geocode"][0].erase("value"); },
       nullptr, "alert.info[0].area[0].geocode[0].value: is missing"},
      {"wrong enum: severity", [](Json& a) { info0(a)["severity"] = "Orange"; }, nullptr,
       "alert.info[0].severity: \"Orange\" is not one of"},
      {"wrong enum: msgType", [](Json& a) { a["msgType"] = "Warning"; }, nullptr,
       "alert.msgType: \"Warning\""},
      {"wrong enum: responseType", [](Json& a) { info0(a)["responseType"] = {"Hide"}; }, nullptr,
       "alert.info[0].responseType: \"Hide\""},
      {"wrong enum: category", [](Json& a) { info0(a)["category"] = {"Weather"}; }, nullptr,
       "alert.info[0].category"},
      {"missing category is refused", [](Json& a) { info0(a).erase("category"); }, nullptr,
       "alert.info[0].category: is missing"},
      {"missing scope is refused", [](Json& a) { a.erase("scope"); }, nullptr,
       "alert.scope: is missing"},
      {"missing areaDesc is refused", [](Json& a) { area0(a).erase("areaDesc"); }, nullptr,
       "alert.info[0].area[0].areaDesc: is missing"},
      {"a text that is not a string is refused", [](Json& a) { info0(a)["event"] = {"x"}; },
       nullptr, "alert.info[0].event: is a JSON array"},
      {"area that is not an object is refused", [](Json& a) { info0(a)["area"] = {"x"}; }, nullptr,
       "alert.info[0].area[0]: is a JSON string"},
      {"unknown keys are ignored",
       [](Json& a) {
         a["x-extra"] = {{"y", 1}};
         info0(a)["colour"] = "orange";
         area0(a)["nuts"] = "CH070";
       },
       [](const cap::Alert& a) { CHECK(a.infos[0].areas.size() == 1); }},
  };
  return kRows;
}

}  // namespace meteoalarm_cases
