// Cell broadcast profiles of the operator's own (issue 7: "the table is configurable per country
// profile"): a [[cbs_profile]] names a profile and, optionally, the built-in one whose rules
// follow its own (`base`); each [[cbs_rule]] adds a rule to the profile it names, in file order.
// Rules are sections of their own, tied to their profile by name as [[route]]s are to
// [[region]]s, because the configuration schema declares flat tables (config/schema.h).
//
// Everything is checked when the configuration is loaded, each error with file, line, column,
// the section and the key: CAP values spelled as CAP 1.2 spells them (a rule written "extreme"
// would never match), identifiers in the ranges TS 23.041 §9.4.1.2.2 allows for what they carry.
// Pure: no I/O beyond the loaded Document; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "capcast/config/config.h"
#include "capcast/config/schema.h"
#include "capcast/core/result.h"
#include "cbs/message_id.h"

namespace capcast::dispatch::cbs {

config::SectionSpec profile_section();  // [[cbs_profile]]
config::SectionSpec rule_section();     // [[cbs_rule]]

struct OperatorProfiles {
  // Each [[cbs_profile]], its own rules first (file order), then its base's.
  std::vector<Profile> profiles;
  // Allowed but probably not meant, "file:line:column: ...": an identifier outside the public
  // warning range, which handsets show only on a channel the user enabled.
  std::vector<std::string> warnings;
};

// kInvalidArgument listing every error, one per line.
Result<OperatorProfiles> operator_profiles(const config::Document& doc);

// The profile of that name: the operator's (from `doc`, when given) or a built-in one.
// kInvalidArgument "unknown profile 'x' (...)" naming those there are, or the operator's
// profiles' errors.
Result<Profile> find_profile(std::string_view name, const config::Document* doc);

}  // namespace capcast::dispatch::cbs
