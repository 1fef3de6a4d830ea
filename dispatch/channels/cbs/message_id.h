// Which cell broadcast Message Identifier (3GPP TS 23.041 §9.4.1.2.2) a CAP <info> goes out
// with: a country profile is an ordered table of rules, the first rule that matches the alert
// and the <info> wins. The built-in profiles follow the standard's names for the identifiers
// (CMAS / WEA in the US, EU-Alert in ETSI TS 102 900, ETWS for earthquake and tsunami); an
// operator's configuration may put rules of its own before them (profile_config.h).
// Pure data and functions, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "capcast/cap/model.h"
#include "cbs/broadcast.h"

namespace capcast::dispatch::cbs {

// TS 23.041 §9.4.1.2.2 Message Identifiers used by the built-in profiles.
namespace msgid {
inline constexpr uint16_t kEtwsEarthquake = 4352;         // 0x1100
inline constexpr uint16_t kEtwsTsunami = 4353;            // 0x1101
inline constexpr uint16_t kEtwsEarthquakeTsunami = 4354;  // 0x1102
inline constexpr uint16_t kEtwsTest = 4355;               // 0x1103
inline constexpr uint16_t kEtwsOther = 4356;              // 0x1104
inline constexpr uint16_t kPresidential = 4370;           // 0x1112, EU-Alert Level 1
inline constexpr uint16_t kExtremeImmediateObserved = 4371;
inline constexpr uint16_t kExtremeImmediateLikely = 4372;
inline constexpr uint16_t kExtremeExpectedObserved = 4373;
inline constexpr uint16_t kExtremeExpectedLikely = 4374;
inline constexpr uint16_t kSevereImmediateObserved = 4375;
inline constexpr uint16_t kSevereImmediateLikely = 4376;
inline constexpr uint16_t kSevereExpectedObserved = 4377;
inline constexpr uint16_t kSevereExpectedLikely = 4378;
inline constexpr uint16_t kAmber = 4379;        // child abduction emergency
inline constexpr uint16_t kMonthlyTest = 4380;  // Required Monthly Test
inline constexpr uint16_t kExercise = 4381;
inline constexpr uint16_t kOperatorDefined = 4382;
// 4383-4395: the same as 4370-4382, for an additional language (+13).
inline constexpr uint16_t kAdditionalLanguageOffset = 13;
inline constexpr uint16_t kPublicSafety = 4396;  // WEA 3.0 Public Safety, EU-Alert Level 4
inline constexpr uint16_t kPublicSafetyLang2 = 4397;
inline constexpr uint16_t kStateLocalTest = 4398;  // WEA State/Local Test, EU-Test
inline constexpr uint16_t kStateLocalTestLang2 = 4399;
inline constexpr uint16_t kEuInfo = 6400;  // EU-Info (local language)
}  // namespace msgid

// A rule: every condition given must hold (an empty list holds for anything); a list holds when
// one of its values does. Values compare exactly as CAP 1.2 spells them ("Extreme", "Immediate",
// "Observed"). What the event is, is one condition: an <eventCode> listed in event_codes, or an
// <event> that contains (case-insensitively) one of event_contains.
struct Rule {
  std::string label;  // what the identifier means, e.g. "CMAS Extreme/Immediate/Observed"
  std::vector<std::string> status;       // <status>
  std::vector<std::string> event_codes;  // "valueName=value" of an <eventCode>, e.g. "SAME=EAN"
  std::vector<std::string> event_contains;
  std::vector<std::string> categories;
  std::vector<std::string>
      parameters;  // "valueName=value" of a <parameter>, e.g. "WEAHandling=Public Safety"
  std::vector<std::string> severity;
  std::vector<std::string> urgency;
  std::vector<std::string> certainty;
  uint16_t message_id = 0;
  // For a further <info> language; nullopt: the same identifier (no second-language one exists).
  std::optional<uint16_t> additional_id;
  // An ETWS primary notification goes out too (TS 23.041 §9.3.24; CBSP WRITE-REPLACE ETWS).
  std::optional<EtwsWarningType> etws;
  bool broadcast = true;  // false: alerts this rule matches are not broadcast (a reason to say)
};

struct Profile {
  std::string name;
  std::string primary_language;  // "" : the first <info> is the primary one
  // Most characters of text a message carries when the channel sets none (0: what 15 pages
  // hold). WEA: 360 (47 CFR §10.430, the IPAWS CMAMlongtext limit).
  size_t max_chars = 0;
  std::vector<Rule> rules;
};

// The built-in profiles: "wea" (alias "cmas"), "eu-alert", and "etws" (Japan-style: ETWS for
// earthquake and tsunami, otherwise as "wea"). nullptr for another name.
const Profile* builtin_profile(std::string_view name);
std::vector<std::string> builtin_profile_names();

// The first rule of the profile that matches; nullptr when none does.
const Rule* match(const Profile& profile, const cap::Alert& alert, const cap::Info& info);

}  // namespace capcast::dispatch::cbs
