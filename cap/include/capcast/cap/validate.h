// Validation of a CAP message, in layers, each finding with a level, the element path
// (/alert/info[2]/area[1]/polygon[1]), a rule id and a message that says what to change:
//   1. schema: what the official CAP 1.2 XSD checks (element order and cardinality, enumerations,
//      date-time, integer, decimal and language lexical forms, no stray text, attributes or
//      foreign elements), checked natively on the document tree;
//   2. spec: the rules of CAP 1.2 beyond the schema (identifiers, date-times, references, scope,
//      geometry, resources, URIs, text);
//   3. profiles, when asked for (profile.h): IPAWS, CAP-CP, CAP-AU, MeteoAlarm;
// Thread-safe (pure functions).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "capcast/cap/model.h"
#include "capcast/cap/parse.h"

namespace capcast::cap {

enum class Level { kError, kWarning, kRecommendation };
const char* level_name(Level l);

struct Finding {
  Level level = Level::kError;
  std::string path;     // "/alert/info[1]/area[2]/polygon[1]"; "/" for the document itself
  std::string rule;     // "schema.order", "polygon.closed", ...
  std::string message;  // what is wrong and what to change, citing the standard
};

struct ValidateOptions {
  ParseOptions parse;
  // Profiles to apply on top of CAP 1.2 (profile.h): names such as "ipaws", or "auto" for every
  // profile the alert declares in its <code>s.
  std::vector<std::string> profiles;
};

struct Report {
  std::optional<Parsed> parsed;  // absent when the document could not be parsed at all
  std::vector<Finding> findings;
  bool has_errors() const;
  size_t count(Level level) const;
};

// Parses and validates a document. Never throws; a document that cannot be parsed yields a
// single error finding (rule "xml").
Report validate(std::string_view xml, const ValidateOptions& options = {});

// Layer 2 alone, on a model (for alerts built in memory rather than parsed).
std::vector<Finding> check_rules(const Alert& alert);

}  // namespace capcast::cap
