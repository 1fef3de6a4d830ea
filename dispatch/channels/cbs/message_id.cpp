#include "cbs/message_id.h"

#include <algorithm>
#include <cctype>

namespace capcast::dispatch::cbs {

namespace {

using V = std::vector<std::string>;

Rule rule(std::string label, uint16_t id, std::optional<uint16_t> lang2) {
  Rule r;
  r.label = std::move(label);
  r.message_id = id;
  r.additional_id = lang2;
  return r;
}

uint16_t lang2(uint16_t id) {
  return static_cast<uint16_t>(id + msgid::kAdditionalLanguageOffset);
}

// The eight imminent-threat identifiers, 4371-4378 (TS 23.041 §9.4.1.2.2 names them by CAP
// severity x urgency x certainty; the thresholds are those of WEA Imminent Threat alerts,
// 47 CFR §10.400(b)). `names` labels each for the profile.
void imminent_threats(std::vector<Rule>& rules, const std::string& extreme_immediate_label,
                      const std::string& other_label) {
  const char* sev[] = {"Extreme", "Severe"};
  const char* urg[] = {"Immediate", "Expected"};
  const char* cer[] = {"Observed", "Likely"};
  uint16_t id = msgid::kExtremeImmediateObserved;
  for (const char* s : sev) {
    for (const char* u : urg) {
      for (const char* c : cer) {
        const bool top = std::string(s) == "Extreme" && std::string(u) == "Immediate";
        Rule r =
            rule((top ? extreme_immediate_label : other_label) + " (" + s + "/" + u + "/" + c + ")",
                 id, lang2(id));
        r.status = {"Actual"};
        r.severity = {s};
        r.urgency = {u};
        r.certainty = {c};
        rules.push_back(std::move(r));
        ++id;
      }
    }
  }
}

Rule not_broadcast(std::string label, V status) {
  Rule r = rule(std::move(label), 0, std::nullopt);
  r.status = std::move(status);
  r.broadcast = false;
  return r;
}

Rule with_status(Rule r, V status) {
  r.status = std::move(status);
  return r;
}

Rule with_codes(Rule r, V codes) {
  r.event_codes = std::move(codes);
  return r;
}

Rule with_parameter(Rule r, std::string parameter) {
  r.parameters = {std::move(parameter)};
  return r;
}

std::vector<Rule> wea_rules() {
  std::vector<Rule> rules;
  // What the status says comes first: an exercise or a test is never broadcast as the real thing.
  rules.push_back(
      with_status(rule("CMAS Exercise", msgid::kExercise, lang2(msgid::kExercise)), {"Exercise"}));
  rules.push_back(with_codes(
      rule("CMAS Required Monthly Test", msgid::kMonthlyTest, lang2(msgid::kMonthlyTest)),
      {"SAME=RMT"}));
  rules.push_back(with_status(
      rule("WEA State/Local Test", msgid::kStateLocalTest, msgid::kStateLocalTestLang2), {"Test"}));
  rules.push_back(not_broadcast("status System or Draft: not for the public", {"System", "Draft"}));
  // IPAWS-OPEN's WEAHandling parameter, when the originator set it, says which WEA class it is
  // (IPAWS-OPEN CAP profile; FEMA's samples carry "Imminent Threat" and "Public Safety").
  // "Imminent Threat" has no rule of its own: the severity table below picks the identifier.
  rules.push_back(with_parameter(
      rule("CMAS Presidential Alert", msgid::kPresidential, lang2(msgid::kPresidential)),
      "WEAHandling=Presidential"));
  rules.push_back(with_parameter(
      rule("CMAS Child Abduction Emergency (AMBER)", msgid::kAmber, lang2(msgid::kAmber)),
      "WEAHandling=Child Abduction"));
  rules.push_back(with_parameter(
      rule("WEA Public Safety Message", msgid::kPublicSafety, msgid::kPublicSafetyLang2),
      "WEAHandling=Public Safety"));
  rules.push_back(with_parameter(
      rule("WEA State/Local Test", msgid::kStateLocalTest, msgid::kStateLocalTestLang2),
      "WEAHandling=State/Local Test"));
  // IPAWS: a national alert (SAME EAN) is the Presidential Alert (47 CFR §10.400(a)).
  rules.push_back(
      with_codes(rule("CMAS Presidential Alert", msgid::kPresidential, lang2(msgid::kPresidential)),
                 {"SAME=EAN"}));
  Rule amber = with_codes(
      rule("CMAS Child Abduction Emergency (AMBER)", msgid::kAmber, lang2(msgid::kAmber)),
      {"SAME=CAE"});
  amber.event_contains = {"child abduction", "amber alert"};
  rules.push_back(std::move(amber));
  imminent_threats(rules, "CMAS Imminent Threat", "CMAS Imminent Threat");
  // Below the imminent-threat thresholds: WEA 3.0 Public Safety Message (47 CFR §10.400(d)).
  rules.push_back(with_status(
      rule("WEA Public Safety Message", msgid::kPublicSafety, msgid::kPublicSafetyLang2),
      {"Actual"}));
  return rules;
}

// ETSI TS 102 900 (EU-Alert) names the same identifiers by level. Level 1 (4370) is for the
// national authority's own alerts: no built-in rule chooses it; a country adds one (config).
std::vector<Rule> eu_rules() {
  std::vector<Rule> rules;
  rules.push_back(
      with_status(rule("EU-Exercise", msgid::kExercise, lang2(msgid::kExercise)), {"Exercise"}));
  rules.push_back(
      with_codes(rule("Required Monthly Test", msgid::kMonthlyTest, lang2(msgid::kMonthlyTest)),
                 {"SAME=RMT"}));
  rules.push_back(
      with_status(rule("EU-Test", msgid::kStateLocalTest, msgid::kStateLocalTestLang2), {"Test"}));
  rules.push_back(not_broadcast("status System or Draft: not for the public", {"System", "Draft"}));
  Rule amber = with_codes(
      with_status(rule("EU-Amber", msgid::kAmber, lang2(msgid::kAmber)), {"Actual"}), {"SAME=CAE"});
  amber.event_contains = {"child abduction", "amber alert"};
  rules.push_back(std::move(amber));
  imminent_threats(rules, "EU-Alert Level 2", "EU-Alert Level 3");
  Rule info = with_status(rule("EU-Info", msgid::kEuInfo, std::nullopt), {"Actual"});
  info.severity = {"Minor"};
  rules.push_back(std::move(info));
  rules.push_back(with_status(
      rule("EU-Alert Level 4", msgid::kPublicSafety, msgid::kPublicSafetyLang2), {"Actual"}));
  return rules;
}

// ETWS (TS 23.041 §9.3.24 Warning-Type; identifiers 4352-4356) for earthquakes and tsunamis,
// recognised by their SAME codes (EQW, TSW) or their <event>; everything else as "wea".
std::vector<Rule> etws_rules() {
  std::vector<Rule> rules;
  auto etws = [](std::string label, uint16_t id, EtwsWarningType type, V codes, V contains) {
    Rule r = rule(std::move(label), id, std::nullopt);
    r.event_codes = std::move(codes);
    r.event_contains = std::move(contains);
    r.etws = type;
    return r;
  };
  Rule test = etws("ETWS test", msgid::kEtwsTest, EtwsWarningType::kTest, {"SAME=EQW", "SAME=TSW"},
                   {"earthquake", "tsunami"});
  test.status = {"Test", "Exercise"};
  rules.push_back(std::move(test));
  rules.push_back(not_broadcast("status System or Draft: not for the public", {"System", "Draft"}));
  rules.push_back(
      with_status(etws("ETWS earthquake and tsunami", msgid::kEtwsEarthquakeTsunami,
                       EtwsWarningType::kEarthquakeAndTsunami, {},
                       {"earthquake and tsunami", "earthquake/tsunami", "earthquake & tsunami"}),
                  {"Actual"}));
  rules.push_back(with_status(etws("ETWS tsunami", msgid::kEtwsTsunami, EtwsWarningType::kTsunami,
                                   {"SAME=TSW", "SAME=TSA"}, {"tsunami"}),
                              {"Actual"}));
  rules.push_back(with_status(etws("ETWS earthquake", msgid::kEtwsEarthquake,
                                   EtwsWarningType::kEarthquake, {"SAME=EQW"}, {"earthquake"}),
                              {"Actual"}));
  for (auto& r : wea_rules())
    rules.push_back(std::move(r));
  return rules;
}

const std::vector<Profile>& profiles() {
  static const std::vector<Profile> all = {
      {"wea", "en", 360, wea_rules()},
      {"eu-alert", "", 0, eu_rules()},
      {"etws", "", 0, etws_rules()},
  };
  return all;
}

bool lower_contains(std::string_view haystack, std::string_view needle) {
  auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                        [](char a, char b) {
                          return std::tolower(static_cast<unsigned char>(a)) ==
                                 std::tolower(static_cast<unsigned char>(b));
                        });
  return it != haystack.end();
}

bool holds(const V& allowed, std::string_view value) {
  return allowed.empty() || std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

bool event_holds(const Rule& r, const cap::Info& info) {
  if (r.event_codes.empty() && r.event_contains.empty()) return true;
  for (const auto& code : info.event_codes) {
    const std::string pair = code.value_name + "=" + code.value;
    if (std::find(r.event_codes.begin(), r.event_codes.end(), pair) != r.event_codes.end()) {
      return true;
    }
  }
  for (const auto& needle : r.event_contains) {
    if (lower_contains(info.event, needle)) return true;
  }
  return false;
}

}  // namespace

const Profile* builtin_profile(std::string_view name) {
  if (name == "cmas") name = "wea";
  for (const auto& p : profiles()) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

std::vector<std::string> builtin_profile_names() {
  return {"wea", "cmas", "eu-alert", "etws"};
}

const Rule* match(const Profile& profile, const cap::Alert& alert, const cap::Info& info) {
  for (const auto& r : profile.rules) {
    if (!holds(r.status, alert.status)) continue;
    if (!holds(r.severity, info.severity) || !holds(r.urgency, info.urgency) ||
        !holds(r.certainty, info.certainty)) {
      continue;
    }
    if (!r.categories.empty()) {
      bool any = false;
      for (const auto& c : info.categories)
        any = any || holds(r.categories, c);
      if (!any) continue;
    }
    if (!event_holds(r, info)) continue;
    if (!r.parameters.empty()) {
      bool any = false;
      for (const auto& p : info.parameters) {
        any = any || holds(r.parameters, p.value_name + "=" + p.value);
      }
      if (!any) continue;
    }
    return &r;
  }
  return nullptr;
}

}  // namespace capcast::dispatch::cbs
