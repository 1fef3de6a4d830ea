// The meteoalarm-json format: every warning of the real Croatian capture rebuilt element by
// element (and checked against its JSON, with cap::validate and the meteoalarm profile, and with
// xmllint and the official XSD), each mapping rule on a hand-made warning (table-driven), bad
// input, and determinism.
#include <catch2/catch.hpp>

#include <functional>
#include <nlohmann/json.hpp>

#include "capcast/cap/parse.h"
#include "capcast/cap/validate.h"
#include "capcast/ingest/format.h"
#include "ingest/meteoalarm_json_cases.h"
#include "support/helpers.h"
#include "support/process.h"

using namespace capcast;
using namespace capcast::ingest;
using Json = nlohmann::ordered_json;
using namespace meteoalarm_cases;

namespace {

const char* kUrl = "https://feeds.meteoalarm.org/api/v1/warnings/feeds-croatia";

Extracted extract(const std::string& body) {
  const Format* f = find_format("meteoalarm-json");
  REQUIRE(f);
  Input in;
  in.body = body;
  in.url = kUrl;
  in.source = "meteoalarm-hr";
  in.options = &default_options(*f);
  return f->extract(in);
}

std::string capture() {
  return test::read_file(test::source_dir() /
                         "tests/data/feeds/meteoalarm-json/em-jov_fixture_croatia.json");
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

std::string str(const Json& j, const char* key) {
  return j.at(key).get<std::string>();
}

}  // namespace

TEST_CASE("meteoalarm-json is registered") {
  REQUIRE(find_format("meteoalarm-json"));
}

TEST_CASE("meteoalarm-json: every warning of the real Croatian capture, element by element") {
  Json root = Json::parse(capture());
  const Json& warnings = root.at("warnings");
  REQUIRE(warnings.size() == 63);
  Extracted ex = extract(capture());
  CHECK(ex.problems.empty());
  CHECK(ex.links.empty());
  CHECK_FALSE(ex.memory);
  REQUIRE(ex.documents.size() == warnings.size());
  size_t updates = 0;
  for (size_t w = 0; w < warnings.size(); ++w) {
    const Json& j = warnings[w].at("alert");
    INFO("warning " << w + 1 << " " << str(j, "identifier"));
    cap::ValidateOptions options;
    options.profiles = {"meteoalarm"};
    auto report = cap::validate(ex.documents[w], options);
    for (const auto& f : report.findings) {
      INFO(f.path << ": " << f.rule << ": " << f.message);
      CHECK(f.level != cap::Level::kError);
    }
    cap::Alert a = parsed(ex.documents[w]);
    CHECK(a.identifier == str(j, "identifier"));
    CHECK(a.sender == str(j, "sender"));
    CHECK(a.sent == str(j, "sent"));
    CHECK(a.status == str(j, "status"));
    CHECK(a.msg_type == str(j, "msgType"));
    CHECK(a.scope == str(j, "scope"));
    CHECK(a.incidents == str(j, "incidents"));
    if (j.contains("references")) {
      ++updates;
      CHECK(a.references == str(j, "references"));
    } else {
      CHECK_FALSE(a.references);
    }
    REQUIRE(a.infos.size() == j.at("info").size());
    for (size_t k = 0; k < a.infos.size(); ++k) {
      const Json& ji = j.at("info")[k];
      const cap::Info& i = a.infos[k];
      CHECK(i.language == str(ji, "language"));
      CHECK(i.categories == ji.at("category").get<std::vector<std::string>>());
      CHECK(i.event == str(ji, "event"));
      CHECK(i.response_types == ji.at("responseType").get<std::vector<std::string>>());
      CHECK(i.urgency == str(ji, "urgency"));
      CHECK(i.severity == str(ji, "severity"));
      CHECK(i.certainty == str(ji, "certainty"));
      CHECK(i.effective == str(ji, "effective"));
      CHECK(i.onset == str(ji, "onset"));
      CHECK(i.expires == str(ji, "expires"));
      CHECK(i.sender_name == str(ji, "senderName"));
      CHECK(i.description == str(ji, "description"));
      CHECK(i.instruction == str(ji, "instruction"));
      REQUIRE(i.parameters.size() == ji.at("parameter").size());
      for (size_t p = 0; p < i.parameters.size(); ++p) {
        CHECK(i.parameters[p].value_name == str(ji.at("parameter")[p], "valueName"));
        CHECK(i.parameters[p].value == str(ji.at("parameter")[p], "value"));
      }
      REQUIRE(i.areas.size() == ji.at("area").size());
      for (size_t r = 0; r < i.areas.size(); ++r) {
        const Json& ja = ji.at("area")[r];
        CHECK(i.areas[r].area_desc == str(ja, "areaDesc"));
        REQUIRE(i.areas[r].geocodes.size() == ja.at("geocode").size());
        CHECK(i.areas[r].geocodes[0].value_name == "EMMA_ID");
        CHECK(i.areas[r].geocodes[0].value == str(ja.at("geocode")[0], "value"));
      }
    }
  }
  CHECK(updates == 20);
  CHECK(parsed(ex.documents[0]).infos[1].language == "en-GB");
}

TEST_CASE("meteoalarm-json: each mapping rule (table)") {
  for (const auto& row : rows()) {
    DYNAMIC_SECTION(row.rule) {
      Json w = base_warning();
      row.mutate(w["alert"]);
      Extracted ex = extract(feed({w}));
      INFO(Json(ex.problems).dump(1));
      if (row.check) {
        REQUIRE(ex.documents.size() == 1);
        CHECK(ex.problems.empty());
        CHECK_FALSE(cap::validate(ex.documents[0]).has_errors());
        row.check(parsed(ex.documents[0]));
      } else {
        CHECK(ex.documents.empty());
        CHECK(any_contains(ex.problems, row.problem));
        CHECK(any_contains(ex.problems, std::string(kUrl) + ": warning 1 (identifier "));
      }
    }
  }
}

TEST_CASE("meteoalarm-json: a bad warning is reported, the others go on") {
  Json bad = base_warning();
  bad["alert"].erase("identifier");
  bad["alert"]["info"][0]["urgency"] = "Soon";
  Json other = base_warning();
  other["alert"]["identifier"] = "2.49.0.0.756.0.CH.240601120000.2";
  Extracted ex = extract(feed({base_warning(), bad, Json(42), Json::object(), other}));
  REQUIRE(ex.documents.size() == 2);
  CHECK(parsed(ex.documents[1]).identifier == "2.49.0.0.756.0.CH.240601120000.2");
  CHECK(any_contains(ex.problems,
                     "warning 2 (uuid 0f1e2d3c-0000-4000-8000-000000000001): "
                     "alert.identifier: is missing"));
  CHECK(any_contains(ex.problems,
                     "warning 2 (uuid 0f1e2d3c-0000-4000-8000-000000000001): "
                     "alert.info[0].urgency: \"Soon\""));
  CHECK(any_contains(ex.problems, "warning 3: not an object"));
  CHECK(any_contains(ex.problems, "warning 4: no \"alert\" object"));
  CHECK(ex.problems.size() == 4);
}

TEST_CASE("meteoalarm-json: input that is not a warnings document is one problem") {
  for (std::string body :
       {std::string("{\"warnings\": [{\"alert\": {"), std::string(""),
        std::string("{\"warnings\": {}}"), std::string("{\"items\": []}"), std::string("null")}) {
    INFO(body);
    Extracted ex = extract(body);
    CHECK(ex.documents.empty());
    CHECK(ex.problems.size() == 1);
  }
  CHECK(extract(R"({"warnings": []})").problems.empty());
  CHECK(extract(base_warning().dump()).documents.size() == 1);  // one warning on its own
}

TEST_CASE("meteoalarm-json: the same input gives byte-identical documents") {
  CHECK(extract(capture()).documents == extract(capture()).documents);
}

TEST_CASE("meteoalarm-json: every produced alert passes xmllint with the official CAP 1.2 XSD") {
  std::vector<std::string> docs = extract(capture()).documents;
  REQUIRE(docs.size() == 63);
  for (const auto& row : rows()) {
    if (!row.check) continue;
    Json w = base_warning();
    row.mutate(w["alert"]);
    for (auto& d : extract(feed({w})).documents)
      docs.push_back(std::move(d));
  }
  auto lint = test::xmllint_cap(docs);
  INFO(lint.output);
  CHECK(lint.rc == 0);
  CHECK(lint.validates == docs.size());
}
