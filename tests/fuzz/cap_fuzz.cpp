// libFuzzer target for the whole of cap/: validate() (hardened XML loading, the model, the
// native schema layer, the CAP rules) on arbitrary bytes, then, on what it parsed, every profile,
// text and channel fitting, geometry, date-times, the typed enums and the lifecycle index. A crash,
// a sanitizer report, a leak or a hang is a finding; so is a broken contract that we check here,
// which traps:
//   - serialize.h: parse(serialize(a)).alert == a for an alert parse produced (checked for those
//     that validate without errors), and the output is namespace-well-formed XML;
//   - model.h: an enveloped <Signature> is kept byte for byte as it was received.
// Built and run by tests/fuzz/run-fuzz.
#include <pugixml.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "capcast/cap/channel_fit.h"
#include "capcast/cap/datetime.h"
#include "capcast/cap/enums.h"
#include "capcast/cap/geometry.h"
#include "capcast/cap/lifecycle.h"
#include "capcast/cap/parse.h"
#include "capcast/cap/profile.h"
#include "capcast/cap/safe_xml.h"
#include "capcast/cap/serialize.h"
#include "capcast/cap/text_fit.h"
#include "capcast/cap/validate.h"

namespace {

using namespace capcast;
using namespace capcast::cap;

// Keeps the optimiser from dropping a computation whose result we do not check.
template <typename T>
void keep(const T& v) {
  asm volatile("" : : "r"(&v) : "memory");
}

[[noreturn]] void fail(const std::string& what, const std::string& detail) {
  std::fprintf(stderr, "cap_fuzz: %s\n%s\n", what.c_str(), detail.c_str());
  __builtin_trap();
}

// Every profile by name, whether or not the alert declares it, and "auto".
const std::vector<std::string>& all_profiles() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v{"auto"};
    for (const auto& p : profiles())
      v.emplace_back(p.name);
    return v;
  }();
  return names;
}

void fit_text(const std::optional<std::string>& text) {
  if (!text) return;
  keep(fit(*text));
  keep(fit(*text, {ConcatRef::k16Bit, CbsLanguage::kInText}));
}

void check_date(const std::optional<std::string>& text) {
  if (!text) return;
  if (auto dt = parse_datetime(*text)) keep(format_datetime(dt->unix_ms, dt->offset_minutes));
}

// Geometry of one <area>: parsing, the polygon rules, and the prepared queries used for
// targeting (each polygon's and circle's own points must not crash them).
void check_area(const Area& area) {
  for (const auto& text : area.polygons) {
    auto polygon = geo::parse_polygon(text);
    if (!polygon.ok()) continue;
    keep(geo::check_polygon(*polygon));
    keep(geo::bbox_of(*polygon));
    geo::PreparedPolygon prepared(*polygon);
    for (const auto& p : polygon->ring)
      keep(prepared.contains(p));
  }
  for (const auto& text : area.circles) {
    auto circle = geo::parse_circle(text);
    if (!circle.ok()) continue;
    keep(geo::bbox_of(*circle));
    keep(geo::point_in_circle(*circle, circle->center));
  }
  auto parsed = geo::parse_area(area);
  if (!parsed.ok()) return;
  geo::PreparedArea prepared(*parsed);
  keep(geo::intersects(prepared, prepared));
  for (const auto& c : parsed->circles)
    keep(prepared.contains(c.center));
}

bool prefix_declared(pugi::xml_node element, std::string_view name) {
  auto colon = name.find(':');
  if (colon == std::string_view::npos) return true;
  std::string_view prefix = name.substr(0, colon);
  if (prefix == "xml" || prefix == "xmlns") return true;
  std::string attr = "xmlns:" + std::string(prefix);
  for (auto n = element; n && n.type() == pugi::node_element; n = n.parent()) {
    if (n.attribute(attr.c_str())) return true;
  }
  return false;
}

// Namespaces in XML 1.0 §5: every prefix of an element or attribute name is declared in scope.
// pugixml does not check this, so parse() alone would not notice.
void check_prefixes(pugi::xml_node element, const std::string& xml) {
  if (!prefix_declared(element, element.name()))
    fail(std::string("serialize() output uses an undeclared prefix: <") + element.name() + ">",
         xml);
  for (auto a : element.attributes()) {
    if (!prefix_declared(element, a.name()))
      fail(std::string("serialize() output uses an undeclared prefix: @") + a.name(), xml);
  }
  for (auto c : element.children()) {
    if (c.type() == pugi::node_element) check_prefixes(c, xml);
  }
}

// The contract of serialize.h, for an alert that validated without errors.
void check_round_trip(const Alert& alert) {
  std::string xml = serialize(alert);
  auto again = parse(xml);
  if (!again.ok()) fail("serialize() output does not parse: " + again.status().message(), xml);
  if (!(again->alert == alert)) fail("parse(serialize(a)).alert != a", xml);
  if (again->version != Version::kCap12) fail("serialize() output is not CAP 1.2", xml);
  pugi::xml_document doc;
  if (doc.load_buffer(xml.data(), xml.size())) check_prefixes(doc.document_element(), xml);
}

// model.h: the signature is the received bytes (of the UTF-8 text, after ISO-8859-1 conversion).
// Not checked for UTF-16/32 input (NUL bytes), which pugixml converts before parsing.
void check_signature_bytes(std::string_view input, const Alert& alert) {
  if (!alert.signature_xml) return;
  auto converted = latin1_to_utf8(input);
  std::string_view text = converted ? std::string_view(*converted) : input;
  if (text.find('\0') != std::string_view::npos) return;
  if (text.find(*alert.signature_xml) == std::string_view::npos)
    fail("<Signature> not kept byte for byte", *alert.signature_xml);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view xml(reinterpret_cast<const char*>(data), size);
  Report report = validate(xml);
  if (!report.parsed) return 0;
  const Alert& alert = report.parsed->alert;

  keep(check_profiles(alert, all_profiles()));
  keep(typed(alert));
  for (const auto& info : alert.infos) {
    keep(typed(info));
    keep(channel_fit(info));
    fit_text(info.headline);
    fit_text(info.description);
    fit_text(info.instruction);
    check_date(info.effective);
    check_date(info.onset);
    check_date(info.expires);
    for (const auto& area : info.areas)
      check_area(area);
  }
  check_date(alert.sent);
  if (alert.references) keep(parse_references(*alert.references));

  AlertIndex index;
  index.add(alert);
  keep(index.state(key_of(alert), 0));
  keep(index.current(key_of(alert), 0));

  check_signature_bytes(xml, alert);
  if (!report.has_errors()) check_round_trip(alert);
  return 0;
}
