// A cell broadcast profile of the operator's own ([[cbs_profile]], [[cbs_rule]]) as a user meets
// it: `capcast cbs encode --config F --profile P` on a real MeteoAlarm capture (French and
// English <info>s), `capcast config check` with its errors and warnings, `config schema`.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/helpers.h"
#include "support/process.h"

using namespace capcast;

namespace {

// MeteoAlarm's French avalanche warning: Moderate/Future/Likely, awareness_type "9; avalanches",
// <info>s in fr-FR then en-GB. eu-alert alone makes it EU-Alert Level 4 (4396, 4397).
const char* kSample = "eu-meteoalarm-fr-avalanche-update-nuts3-bilingual.xml";

const char* kProfile = R"toml(
[[cbs_profile]]
name = "fr-alert"
base = "eu-alert"
primary_language = "fr"

[[cbs_rule]]
profile = "fr-alert"
label = "FR-Alert avalanche (operator defined)"
parameters = ["awareness_type=9; avalanches"]
message_id = 4382
additional_id = 4395
)toml";

nlohmann::json json_of(const std::string& out) {
  // test::run's output is "--- stdout\n...--- stderr\n...": the JSON is the first part.
  const size_t begin = out.find('{');
  REQUIRE(begin != std::string::npos);
  return nlohmann::json::parse(out.substr(begin, out.find("--- stderr") - begin));
}

}  // namespace

TEST_CASE("capcast cbs encode --config F --profile P: the operator's rule, both languages") {
  test::TempDir dir;
  test::write_file(dir / "capcast.toml", kProfile);
  const std::string alert = (test::samples_dir() / kSample).string();
  std::string out;
  CHECK(test::run({CAPCAST_BINARY, "cbs", "encode", alert, "--config",
                   (dir / "capcast.toml").string(), "--profile", "fr-alert", "--format", "json"},
                  &out) == 0);
  INFO(out);
  auto j = json_of(out);
  REQUIRE(j["messages"].size() == 2);
  CHECK(j["messages"][0]["message_id"] == 4382);
  CHECK(j["messages"][0]["language"] == "fr");
  CHECK(j["messages"][0]["meaning"] == "FR-Alert avalanche (operator defined)");
  CHECK(j["messages"][1]["message_id"] == 4395);
  CHECK(j["messages"][1]["language"] == "en");
  // The built-in table alone: Level 4.
  CHECK(test::run({CAPCAST_BINARY, "cbs", "encode", alert, "--format", "json"}, &out) == 0);
  CHECK(json_of(out)["messages"][0]["message_id"] == 4396);
  // Without the configuration the name means nothing: a usage error that says what to do.
  CHECK(test::run({CAPCAST_BINARY, "cbs", "encode", alert, "--profile", "fr-alert"}, &out) == 2);
  CHECK(out.find("unknown profile 'fr-alert'") != std::string::npos);
  CHECK(out.find("needs its configuration") != std::string::npos);
}

TEST_CASE("capcast cbs encode --config: no base, no match: exit 1 with the reason") {
  test::TempDir dir;
  test::write_file(dir / "capcast.toml", R"toml(
[[cbs_profile]]
name = "quakes"
[[cbs_rule]]
profile = "quakes"
label = "ETWS earthquake"
event_contains = ["earthquake", "séisme"]
message_id = 4352
etws = "earthquake"
)toml");
  std::string out;
  CHECK(test::run({CAPCAST_BINARY, "cbs", "encode", (test::samples_dir() / kSample).string(), "-c",
                   (dir / "capcast.toml").string(), "--profile", "quakes"},
                  &out) == 1);
  INFO(out);
  CHECK(out.find("cannot be broadcast: no rule of cell broadcast profile 'quakes' matches") !=
        std::string::npos);
}

TEST_CASE("capcast config check and cbs encode refuse a profile's mistakes with file and line") {
  test::TempDir dir;
  const std::string file = (dir / "capcast.toml").string();
  test::write_file(dir / "capcast.toml", std::string(kProfile) + R"toml(
[[cbs_rule]]
profile = "fr-alert"
label = "lowercase"
severity = ["extreme"]
message_id = 4371

[[channel]]
name = "cbc"
url = "ecbe://127.0.0.1:1"
profile = "fr-alrt"
)toml");
  std::string out;
  CHECK(test::run({CAPCAST_BINARY, "config", "check", file}, &out) == 2);
  INFO(out);
  CHECK(out.find(file + ":17:12: [[cbs_rule]] #2 'lowercase': severity: 'extreme' is not a CAP "
                        "value") != std::string::npos);
  CHECK(out.find(file + ":23:11: [[channel]] #1: unknown cell broadcast profile 'fr-alrt' (wea, "
                        "cmas, eu-alert, etws, fr-alert)") != std::string::npos);
  CHECK(test::run({CAPCAST_BINARY, "cbs", "encode", (test::samples_dir() / kSample).string(),
                   "--config", file, "--profile", "fr-alert"},
                  &out) == 2);
  CHECK(out.find("'extreme' is not a CAP value") != std::string::npos);
}

TEST_CASE("capcast config check warns of an identifier outside the public warning range") {
  test::TempDir dir;
  test::write_file(dir / "capcast.toml", std::string(kProfile) + R"toml(
[[cbs_rule]]
profile = "fr-alert"
label = "channel 919"
message_id = 919
)toml");
  std::string out;
  CHECK(test::run({CAPCAST_BINARY, "config", "check", (dir / "capcast.toml").string()}, &out) == 0);
  INFO(out);
  CHECK(out.find("warning: ") != std::string::npos);
  CHECK(out.find("message_id: 919 is outside the public warning range 4352-6399") !=
        std::string::npos);
  CHECK(test::run({CAPCAST_BINARY, "config", "schema"}, &out) == 0);
  CHECK(out.find("[[cbs_profile]]") != std::string::npos);
  CHECK(out.find("[[cbs_rule]]") != std::string::npos);
  CHECK(out.find("additional_id (integer)") != std::string::npos);
}
