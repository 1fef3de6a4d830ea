// Cell broadcast profiles of the operator's own ([[cbs_profile]], [[cbs_rule]]:
// dispatch/channels/cbs/profile_config.h): what a configuration becomes, every error it can
// have (with file, line and key), and how the operator's rules and the base's take turns.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "capcast/dispatch/registry.h"
#include "cbs/plan.h"
#include "cbs/profile_config.h"

using namespace capcast;
using namespace capcast::dispatch::cbs;

namespace {

config::Schema schema() {
  config::Schema s;
  s.sections.push_back(profile_section());
  s.sections.push_back(rule_section());
  s.sections.push_back(dispatch::channel_section());
  return s;
}

config::Document load(const std::string& toml) {
  auto doc = config::load_string(toml, "ops.toml", schema());
  INFO((doc.ok() ? "" : doc.status().message()));
  REQUIRE(doc.ok());
  return std::move(*doc);
}

// The profiles' errors, one string; "" when there are none.
std::string errors_of(const std::string& toml) {
  auto ops = operator_profiles(load(toml));
  return ops.ok() ? "" : ops.status().message();
}

const char* kNl = R"(
[[cbs_profile]]
name = "nl-alert"
base = "eu-alert"
primary_language = "nl"
max_chars = 500

[[cbs_rule]]
profile = "nl-alert"
label = "NL-Alert national"
status = ["Actual"]
severity = ["Extreme"]
urgency = ["Immediate"]
message_id = 4370
additional_id = 4383

[[cbs_rule]]
profile = "nl-alert"
label = "no heat alerts on cell broadcast"
event_contains = ["heat"]
broadcast = false
)";

cap::Alert alert(std::string severity, std::string urgency, std::string certainty,
                 std::string event = "Flood") {
  cap::Alert a;
  a.identifier = "A-1";
  a.sender = "crisis@example.nl";
  a.sent = "2030-01-01T00:00:00-00:00";
  a.status = "Actual";
  a.msg_type = "Alert";
  a.scope = "Public";
  cap::Info i;
  i.language = "nl-NL";
  i.categories = {"Met"};
  i.event = std::move(event);
  i.severity = std::move(severity);
  i.urgency = std::move(urgency);
  i.certainty = std::move(certainty);
  i.headline = "Overstroming";
  i.instruction = "Ga naar hoger gelegen gebied.";
  a.infos.push_back(std::move(i));
  return a;
}

const Profile& only(const OperatorProfiles& ops) {
  REQUIRE(ops.profiles.size() == 1);
  return ops.profiles[0];
}

}  // namespace

TEST_CASE("cbs profiles: a [[cbs_profile]] and its [[cbs_rule]]s, then the base's rules") {
  auto ops = operator_profiles(load(kNl));
  REQUIRE(ops.ok());
  CHECK(ops->warnings.empty());
  const Profile& p = only(*ops);
  CHECK(p.name == "nl-alert");
  CHECK(p.primary_language == "nl");
  CHECK(p.max_chars == 500);
  const Profile* eu = builtin_profile("eu-alert");
  REQUIRE(p.rules.size() == 2 + eu->rules.size());
  CHECK(p.rules[0].label == "NL-Alert national");
  CHECK(p.rules[0].status == std::vector<std::string>{"Actual"});
  CHECK(p.rules[0].severity == std::vector<std::string>{"Extreme"});
  CHECK(p.rules[0].message_id == 4370);
  CHECK(p.rules[0].additional_id == std::optional<uint16_t>(4383));
  CHECK_FALSE(p.rules[0].etws);
  CHECK(p.rules[0].broadcast);
  CHECK_FALSE(p.rules[1].broadcast);
  CHECK(p.rules[2].label == eu->rules[0].label);
  CHECK(p.rules.back().label == eu->rules.back().label);
}

TEST_CASE("cbs profiles: the operator's rule wins over the base's, the rest falls through") {
  const auto doc = load(kNl);
  auto found = find_profile("nl-alert", &doc);
  REQUIRE(found.ok());
  // eu-alert alone gives Extreme/Immediate/Observed 4371 (Level 2); the operator says 4370.
  const Rule* r = match(*found, alert("Extreme", "Immediate", "Observed"),
                        alert("Extreme", "Immediate", "Observed").infos[0]);
  REQUIRE(r != nullptr);
  CHECK(r->message_id == 4370);
  CHECK(r->label == "NL-Alert national");
  CHECK(match(*builtin_profile("eu-alert"), alert("Extreme", "Immediate", "Observed"),
              alert("Extreme", "Immediate", "Observed").infos[0])
            ->message_id == 4371);
  // Nothing of the operator's holds: the base's table decides (Level 3, 4378).
  auto severe = alert("Severe", "Expected", "Likely");
  r = match(*found, severe, severe.infos[0]);
  REQUIRE(r != nullptr);
  CHECK(r->message_id == 4378);
  // The operator's "not broadcast" rule, before the base's Level 3 rule, with its reason.
  PlanOptions o;
  o.profile = &*found;
  auto heat = plan(alert("Severe", "Immediate", "Observed", "Extreme heat"), IncidentState{}, o);
  REQUIRE_FALSE(heat.ok());
  CHECK(heat.status().message() ==
        "not broadcast under profile 'nl-alert': no heat alerts on cell broadcast");
  auto flood = plan(alert("Extreme", "Immediate", "Observed"), IncidentState{}, o);
  REQUIRE(flood.ok());
  REQUIRE(flood->broadcasts.size() == 1);
  CHECK(flood->broadcasts[0].message_id == 4370);
  CHECK(flood->rule == "NL-Alert national");
}

TEST_CASE("cbs profiles: without a base, an alert no rule matches is not broadcast, and why") {
  const std::string toml = R"(
[[cbs_profile]]
name = "quake-only"
[[cbs_rule]]
profile = "quake-only"
label = "ETWS earthquake"
event_codes = ["SAME=EQW"]
event_contains = ["earthquake"]
message_id = 4352
etws = "earthquake"
)";
  const auto doc = load(toml);
  auto found = find_profile("quake-only", &doc);
  REQUIRE(found.ok());
  REQUIRE(found->rules.size() == 1);
  CHECK(found->rules[0].etws == std::optional<EtwsWarningType>(EtwsWarningType::kEarthquake));
  CHECK(found->primary_language.empty());
  CHECK(found->max_chars == 0);
  PlanOptions o;
  o.profile = &*found;
  auto p = plan(alert("Extreme", "Immediate", "Observed"), IncidentState{}, o);
  REQUIRE_FALSE(p.ok());
  CHECK(p.status().message() ==
        "no rule of cell broadcast profile 'quake-only' matches status Actual, "
        "Extreme/Immediate/Observed, event 'Flood'");
  auto quake = plan(alert("Severe", "Immediate", "Observed", "Earthquake"), IncidentState{}, o);
  REQUIRE(quake.ok());
  REQUIRE_FALSE(quake->broadcasts.empty());
  CHECK(quake->broadcasts[0].message_id == 4352);
}

TEST_CASE("cbs profiles: find_profile names the profiles there are") {
  CHECK(find_profile("cmas", nullptr)->name == "wea");
  auto none = find_profile("nl-alert", nullptr);
  REQUIRE_FALSE(none.ok());
  CHECK(none.status().message().starts_with("unknown profile 'nl-alert' (wea, cmas, eu-alert"));
  CHECK(none.status().message().find("needs its configuration") != std::string::npos);
  auto doc = load(kNl);
  auto other = find_profile("be-alert", &doc);
  REQUIRE_FALSE(other.ok());
  CHECK(other.status().message() ==
        "unknown profile 'be-alert' (wea, cmas, eu-alert, etws, nl-alert)");
}

TEST_CASE("cbs profiles: each mistake is an error with file, line, section and key") {
  using Case = std::pair<std::string, std::string>;  // the TOML, what the error must say
  const std::string profile = "[[cbs_profile]]\nname = \"x\"\n";
  const std::string rule = "[[cbs_rule]]\nprofile = \"x\"\nlabel = \"L\"\n";
  for (const auto& [toml, expected] : std::vector<Case>{
           {"[[cbs_profile]]\nname = \"eu-alert\"\n",
            "ops.toml:2:8: [[cbs_profile]] #1 'eu-alert': name: 'eu-alert' is a built-in profile"},
           {profile + "base = \"uk-alert\"\n",
            "ops.toml:3:8: [[cbs_profile]] #1 'x': base: 'uk-alert' is not a built-in profile "
            "(wea, cmas, eu-alert, etws)"},
           {profile + "base = \"wea\"\n" + profile + "base = \"wea\"\n",
            "ops.toml:5:8: [[cbs_profile]] #2 'x': name: a profile named 'x' exists already, at "
            "ops.toml:1:1"},
           {profile + "primary_language = \"NL\"\n" + rule + "message_id = 4370\n",
            "ops.toml:3:20: [[cbs_profile]] #1 'x': primary_language: 'NL' is not a language "
            "code"},
           {profile + "max_chars = -1\n" + rule + "message_id = 4370\n",
            "[[cbs_profile]] #1 'x': max_chars: must be 0 or more"},
           {profile,
            "ops.toml:2:8: [[cbs_profile]] #1 'x': name: no [[cbs_rule]] names this "
            "profile and it has no base"},
           {profile + "base = \"wea\"\n[[cbs_rule]]\nprofile = \"y\"\nlabel = \"L\"\n"
                      "message_id = 4370\n",
            "ops.toml:5:11: [[cbs_rule]] #1 'L': profile: no [[cbs_profile]] is named 'y' "
            "(there are: x)"},
           {profile + rule + "severity = [\"extreme\"]\nmessage_id = 4371\n",
            "ops.toml:6:12: [[cbs_rule]] #1 'L': severity: 'extreme' is not a CAP value: "
            "Extreme, Severe, Moderate, Minor, Unknown, spelled so (CAP 1.2 §3.2.2)"},
           {profile + rule + "status = [\"Real\"]\nmessage_id = 4371\n",
            "status: 'Real' is not a CAP value"},
           {profile + rule + "urgency = [\"Now\"]\nmessage_id = 4371\n",
            "urgency: 'Now' is not a CAP value"},
           {profile + rule + "certainty = [\"Sure\"]\nmessage_id = 4371\n",
            "certainty: 'Sure' is not a CAP value"},
           {profile + rule + "categories = [\"Weather\"]\nmessage_id = 4371\n",
            "categories: 'Weather' is not a CAP value"},
           {profile + rule + "event_codes = [\"EAN\"]\nmessage_id = 4370\n",
            "event_codes: 'EAN' is not \"valueName=value\""},
           {profile + rule + "parameters = [\"=x\"]\nmessage_id = 4370\n",
            "parameters: '=x' is not \"valueName=value\""},
           {profile + rule + "event_contains = [\"\"]\nmessage_id = 4370\n",
            "event_contains: an empty text would match every <event>"},
           {profile + rule, "ops.toml:3:1: [[cbs_rule]] #1 'L': message_id: missing"},
           {profile + rule + "message_id = 65535\n",
            "message_id: 65535 (0xFFFF) is reserved (TS 23.041 §9.4.1.2.2)"},
           {profile + rule + "message_id = 70000\n",
            "message_id: 70000 is not a message identifier: 0 to 65535"},
           {profile + rule + "message_id = 4200\n",
            "message_id: 4200 is in 4096-4351, for SIM data download"},
           {profile + rule + "message_id = 4370\nadditional_id = 4100\n",
            "additional_id: 4100 is in 4096-4351"},
           {profile + rule + "message_id = 4352\netws = \"volcano\"\n",
            "etws: 'volcano' is not an ETWS warning type"},
           {profile + rule + "message_id = 4371\netws = \"earthquake\"\n",
            "message_id: 4371 is not an ETWS identifier: 4352-4359 (TS 23.041 §9.4.1.2.2)"},
           {profile + rule + "message_id = 4352\nadditional_id = 4383\netws = \"earthquake\"\n",
            "additional_id: ETWS identifiers have no additional-language counterparts"},
           {profile + rule + "broadcast = false\nmessage_id = 4370\n",
            "ops.toml:7:14: [[cbs_rule]] #1 'L': message_id: a rule with broadcast = false sends "
            "nothing"},
       }) {
    INFO(toml);
    const std::string errors = errors_of(toml);
    INFO(errors);
    CHECK(errors.find(expected) != std::string::npos);
  }
}

TEST_CASE("cbs profiles: unknown keys and wrong types are refused by the schema, with the line") {
  auto doc = config::load_string(
      "[[cbs_profile]]\nname = \"x\"\nbase = \"wea\"\n[[cbs_rule]]\nprofile = \"x\"\n"
      "label = \"L\"\nmessage_id = \"4370\"\ncolour = \"red\"\n",
      "ops.toml", schema());
  REQUIRE_FALSE(doc.ok());
  INFO(doc.status().message());
  CHECK(doc.status().message().find("ops.toml:7:14: key 'message_id': expected integer") !=
        std::string::npos);
  CHECK(doc.status().message().find("ops.toml:8:10: [[cbs_rule]] #1: unknown key 'colour'") !=
        std::string::npos);
}

TEST_CASE("cbs profiles: an identifier outside the public warning range is a warning") {
  auto ops = operator_profiles(load(R"toml(
[[cbs_profile]]
name = "nl-alert"
base = "eu-alert"
[[cbs_rule]]
profile = "nl-alert"
label = "NL-Alert on channel 919 (older handsets)"
message_id = 919
[[cbs_rule]]
profile = "nl-alert"
label = "EU-Info"
message_id = 6400
)toml"));
  REQUIRE(ops.ok());
  REQUIRE(ops->warnings.size() == 1);  // 6400, EU-Info, is not one
  CHECK(ops->warnings[0].starts_with(
      "ops.toml:8:14: [[cbs_rule]] #1 'NL-Alert on channel 919 (older handsets)': message_id: "
      "919 is outside the public warning range 4352-6399 (TS 23.041 §9.4.1.2.2)"));
  CHECK(only(*ops).rules[0].message_id == 919);
}

TEST_CASE("cbs profiles: a channel uses one by name, an unknown name is an error with its line") {
  auto doc = load(std::string(kNl) + R"(
[[channel]]
name = "cbc"
url = "ecbe://127.0.0.1:1"
profile = "nl-alert"
)");
  auto channels = dispatch::build_channels(doc);
  INFO((channels.ok() ? "" : channels.status().message()));
  CHECK(channels.ok());
  auto bad = load(std::string(kNl) + R"(
[[channel]]
name = "cbc"
url = "ecbe://127.0.0.1:1"
profile = "nl-alrt"
)");
  auto refused = dispatch::build_channels(bad);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().message() ==
        "ops.toml:26:11: [[channel]] #1: unknown cell broadcast profile 'nl-alrt' (wea, cmas, "
        "eu-alert, etws, nl-alert)");
  // The profiles' own errors are said once, even with no channel using them.
  auto broken = load(std::string(kNl) + "[[cbs_rule]]\nprofile = \"nl-alert\"\nlabel = \"L\"\n");
  auto once = dispatch::build_channels(broken);
  REQUIRE_FALSE(once.ok());
  CHECK(once.status().message() ==
        "ops.toml:22:1: [[cbs_rule]] #3 'L': message_id: missing: the identifier the matching "
        "alerts go out with (or broadcast = false)");
}
