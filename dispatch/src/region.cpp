#include "region.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>

namespace capcast::dispatch {

namespace geo = cap::geo;
using nlohmann::json;

namespace {

Status invalid(const std::string& what) {
  return Status(Code::kInvalidArgument, what);
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// A linear ring: at least four positions, each [longitude, latitude, (altitude)] (RFC 7946
// §3.1.1, §3.1.6).
Result<geo::Polygon> ring_of(const json& ring) {
  if (!ring.is_array() || ring.size() < 4)
    return invalid("a linear ring must be an array of at least 4 positions (RFC 7946 §3.1.6)");
  geo::Polygon p;
  for (const auto& pos : ring) {
    if (!pos.is_array() || pos.size() < 2 || !pos[0].is_number() || !pos[1].is_number())
      return invalid("a position must be [longitude, latitude] (RFC 7946 §3.1.1)");
    double lon = pos[0].get<double>(), lat = pos[1].get<double>();
    if (lat < -90 || lat > 90 || lon < -180 || lon > 180)
      return invalid("position [" + std::to_string(lon) + ", " + std::to_string(lat) +
                     "] is out of range");
    p.ring.push_back(geo::Point{lat, lon});
  }
  return p;
}

Status collect(const json& j, std::vector<geo::Polygon>& out, int depth) {
  if (depth > 8) return invalid("nested too deeply");
  if (!j.is_object() || !j.contains("type") || !j["type"].is_string())
    return invalid("not a GeoJSON object (no \"type\")");
  const std::string type = j["type"].get<std::string>();
  auto outer_ring = [&](const json& polygon) -> Status {
    if (!polygon.is_array() || polygon.empty())
      return invalid("a Polygon's coordinates must be an array of rings (RFC 7946 §3.1.6)");
    auto ring = ring_of(polygon[0]);
    if (!ring.ok()) return ring.status();
    out.push_back(std::move(ring).value());
    return Status();
  };
  if (type == "Polygon" || type == "MultiPolygon") {
    if (!j.contains("coordinates")) return invalid(type + " without \"coordinates\"");
    const json& c = j["coordinates"];
    if (type == "Polygon") return outer_ring(c);
    if (!c.is_array()) return invalid("a MultiPolygon's coordinates must be an array");
    for (const auto& polygon : c) {
      if (auto st = outer_ring(polygon); !st.ok()) return st;
    }
    return Status();
  }
  if (type == "Feature") {
    if (!j.contains("geometry") || j["geometry"].is_null()) return Status();
    return collect(j["geometry"], out, depth + 1);
  }
  const char* member = type == "FeatureCollection"    ? "features"
                       : type == "GeometryCollection" ? "geometries"
                                                      : nullptr;
  if (!member) return invalid("a " + type + " is not an area (use Polygon or MultiPolygon)");
  if (!j.contains(member) || !j[member].is_array())
    return invalid(type + " without \"" + member + "\" array");
  for (const auto& item : j[member]) {
    if (auto st = collect(item, out, depth + 1); !st.ok()) return st;
  }
  return Status();
}

}  // namespace

Result<std::vector<geo::Polygon>> polygons_from_geojson(std::string_view text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return invalid("not valid JSON");
  std::vector<geo::Polygon> out;
  if (auto st = collect(j, out, 0); !st.ok()) return st;
  if (out.empty()) return invalid("no Polygon or MultiPolygon in it");
  return out;
}

AlertArea prepare_area(const cap::Area& area) {
  geo::Area g;
  for (const auto& text : area.polygons) {
    if (auto p = geo::parse_polygon(text); p.ok()) g.polygons.push_back(std::move(p).value());
  }
  for (const auto& text : area.circles) {
    if (auto c = geo::parse_circle(text); c.ok()) g.circles.push_back(*c);
  }
  return AlertArea{geo::PreparedArea(g), &area.geocodes};
}

Region::Region(std::string name, const std::vector<geo::Polygon>& polygons,
               std::vector<cap::ValuePair> geocodes)
    : name_(std::move(name)), geometry_(geo::Area{polygons, {}}), geocodes_(std::move(geocodes)) {}

bool Region::touches(const AlertArea& area) const {
  if (area.geocodes) {
    for (const auto& mine : geocodes_) {
      for (const auto& theirs : *area.geocodes) {
        if (iequals(mine.value_name, theirs.value_name) && mine.value == theirs.value) return true;
      }
    }
  }
  return !geometry_.empty() && !area.geometry.empty() && geo::intersects(geometry_, area.geometry);
}

}  // namespace capcast::dispatch
