#include "rules_area.h"

#include <charconv>

#include "capcast/cap/geometry.h"

namespace capcast::cap {
namespace {

std::optional<double> number(const std::string& s) {
  double v = 0;
  const char* b = s.data();
  const char* e = s.data() + s.size();
  while (b < e && (*b == ' ' || *b == '\t' || *b == '\n' || *b == '\r'))
    ++b;
  while (e > b && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
    --e;
  if (b < e && *b == '+') ++b;
  auto [p, ec] = std::from_chars(b, e, v);
  if (ec != std::errc() || p != e) return std::nullopt;
  return v;
}

// What the polygon rules find in one <polygon> text (no rule: nothing).
PolygonMemo::Outcome check_polygon_text(const std::string& text) {
  auto poly = geo::parse_polygon(text);
  if (!poly.ok()) {
    return {Level::kError, "polygon.format",
            poly.status().message() + " (CAP 1.2 §3.2.4: \"lat,lon\" pairs in WGS 84)"};
  }
  auto check = geo::check_polygon(*poly);
  if (check.ok()) return {};
  const char* rule = "polygon.self_intersecting";
  // CAP 1.2 §3.2.4 requires 4 pairs, closed, in WGS 84; it does not forbid a ring that
  // crosses or touches itself, so that is a warning here (profiles such as IPAWS make it an
  // error): receivers disagree about the inside of such a ring. Met Eireann's sample has one.
  Level level = Level::kError;
  switch (check.defect) {
    case geo::PolygonDefect::kOutOfRange:
      rule = "polygon.range";
      break;
    case geo::PolygonDefect::kTooFewPairs:
      rule = "polygon.pairs";
      break;
    case geo::PolygonDefect::kNotClosed:
      rule = "polygon.closed";
      break;
    default:
      level = Level::kWarning;
      break;
  }
  return {level, rule, check.message + " (CAP 1.2 §3.2.4)"};
}

}  // namespace

const PolygonMemo::Outcome& PolygonMemo::check(const std::string& text) {
  for (const auto& [seen, outcome] : seen_) {
    if (*seen == text) return outcome;
  }
  if (seen_.size() == kMaxTexts) seen_.pop_back();  // a later text is as likely to repeat
  return seen_.emplace_back(&text, check_polygon_text(text)).second;
}

void check_area(const Area& area, const std::string& info_path, size_t index, PolygonMemo& memo,
                std::vector<Finding>& out) {
  // The paths are built only for a finding.
  auto at = [&](const std::string& tail) {
    return info_path + "/area[" + std::to_string(index) + "]" + tail;
  };
  for (size_t k = 0; k < area.polygons.size(); ++k) {
    const PolygonMemo::Outcome& found = memo.check(area.polygons[k]);
    if (found.rule) {
      out.push_back(
          {found.level, at("/polygon[" + std::to_string(k + 1) + "]"), found.rule, found.message});
    }
  }
  for (size_t k = 0; k < area.circles.size(); ++k) {
    auto c = geo::parse_circle(area.circles[k]);
    if (!c.ok()) {
      out.push_back({Level::kError, at("/circle[" + std::to_string(k + 1) + "]"), "circle.format",
                     c.status().message() + " (CAP 1.2 §3.2.4: \"lat,lon radius\" in km)"});
    }
  }
  // §3.2.4 altitude and ceiling, in feet above mean sea level: "ceiling MUST NOT be used except
  // in combination with the altitude element".
  if (area.ceiling && !area.altitude) {
    out.push_back({Level::kError, at("/ceiling"), "ceiling.altitude",
                   "<ceiling> is used without <altitude> (CAP 1.2 §3.2.4)"});
  }
  if (area.ceiling && area.altitude) {
    auto lo = number(*area.altitude), hi = number(*area.ceiling);
    if (lo && hi && *hi < *lo) {
      out.push_back({Level::kError, at("/ceiling"), "ceiling.below_altitude",
                     "ceiling (" + *area.ceiling + ") is below altitude (" + *area.altitude +
                         ") (CAP 1.2 §3.2.4)"});
    }
  }
  if (area.area_desc.empty()) {
    out.push_back({Level::kError, at("/areaDesc"), "areadesc.empty",
                   "<areaDesc> must describe the area in words (CAP 1.2 §3.2.4)"});
  }
}

}  // namespace capcast::cap
