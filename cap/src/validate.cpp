#include "capcast/cap/validate.h"

#include "build.h"
#include "capcast/cap/profile.h"
#include "capcast/cap/safe_xml.h"
#include "fast_parse.h"
#include "schema_check.h"

namespace capcast::cap {

const char* level_name(Level l) {
  switch (l) {
    case Level::kError:
      return "error";
    case Level::kWarning:
      return "warning";
    case Level::kRecommendation:
      return "recommendation";
  }
  return "?";
}

bool Report::has_errors() const {
  return count(Level::kError) > 0;
}

size_t Report::count(Level level) const {
  size_t n = 0;
  for (const auto& f : findings)
    n += f.level == level;
  return n;
}

Report validate(std::string_view original, const ValidateOptions& options) {
  Report report;
  // The usual document, plain and valid CAP 1.2 (fast_parse.h): the model in one pass, which
  // also establishes that the XML and schema layers have nothing to report. It fills the
  // report's model in place (moving a whole Alert cost about 1 % of validate's time).
  if (fast_parse(original, options.parse, &report.parsed.emplace())) {
    report.findings = check_rules(report.parsed->alert);
    if (!options.profiles.empty()) {
      auto prof = check_profiles(report.parsed->alert, options.profiles);
      report.findings.insert(report.findings.end(), prof.begin(), prof.end());
    }
    return report;
  }
  report.parsed.reset();
  auto converted = latin1_to_utf8(original);
  std::string_view xml = converted ? std::string_view(*converted) : original;
  pugi::xml_document doc;
  auto st = load_safe_xml(
      doc, xml, {options.parse.max_bytes, options.parse.max_depth, converted.has_value()});
  if (!st.ok()) {
    report.findings.push_back({Level::kError, "/", "xml", st.message()});
    return report;
  }
  auto parsed = build(doc, xml);
  if (!parsed.ok()) {
    report.findings.push_back({Level::kError, "/", "cap.root", parsed.status().message()});
    return report;
  }
  if (parsed->version == Version::kCap12) {
    check_schema(doc, report.findings);
  } else {
    report.findings.push_back(
        {Level::kWarning, "/alert", "cap.version",
         std::string(version_name(parsed->version)) +
             " document: read as CAP 1.2 (the schema layer checks CAP 1.2 documents only)"});
  }
  auto rules = check_rules(parsed->alert);
  report.findings.insert(report.findings.end(), rules.begin(), rules.end());
  if (!options.profiles.empty()) {
    auto prof = check_profiles(parsed->alert, options.profiles);
    report.findings.insert(report.findings.end(), prof.begin(), prof.end());
  }
  report.parsed = std::move(*parsed);
  return report;
}

}  // namespace capcast::cap
