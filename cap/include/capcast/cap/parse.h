// Parsing CAP 1.0, 1.1 and 1.2 XML into the model. Hardened: no DTD processing (a DOCTYPE is
// refused, so no entity, external or internal, is ever declared or expanded), no network or file
// access, a size limit and a depth limit. Thread-safe (no shared state).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "capcast/cap/model.h"
#include "capcast/core/result.h"

namespace capcast::cap {

struct ParseOptions {
  size_t max_bytes = 8 * 1024 * 1024;  // larger documents are refused before parsing
  int max_depth = 32;                  // CAP needs 5 (alert/info/area/geocode/value)
};

struct Parsed {
  Alert alert;
  Version version = Version::kCap12;
  // What was changed to bring a CAP 1.0/1.1 document to CAP 1.2 (empty for 1.2).
  std::vector<std::string> upgrade_notes;
};

// Errors are kParseError with the line and column of the problem ("line 3, column 7: ...").
Result<Parsed> parse(std::string_view xml, const ParseOptions& options = {});

// The CAP namespaces (§3.2.1 xmlns).
inline constexpr std::string_view kNs10 = "http://www.incident.com/cap/1.0";
inline constexpr std::string_view kNs11 = "urn:oasis:names:tc:emergency:cap:1.1";
inline constexpr std::string_view kNs12 = "urn:oasis:names:tc:emergency:cap:1.2";

}  // namespace capcast::cap
