// A configured [[region]] as routing uses it: prepared polygons and geocodes, and whether one
// CAP <area> touches it. Private to dispatch/. Immutable once built; thread-safe to query.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "capcast/cap/geometry.h"
#include "capcast/cap/model.h"
#include "capcast/core/result.h"

namespace capcast::dispatch {

// The outer rings of a GeoJSON Polygon or MultiPolygon (RFC 7946 §3.1.6, §3.1.7), or of every
// such geometry in a Feature, FeatureCollection or GeometryCollection (§3.2, §3.3, §3.1.8).
// Positions are [longitude, latitude] (§3.1.1). Holes are left out: a region with a hole also
// covers the hole, which can only route an alert to more channels, never lose one. Pure.
Result<std::vector<cap::geo::Polygon>> polygons_from_geojson(std::string_view json);

// An <area> of an alert, prepared once per alert: its polygons and circles that parse (one bad
// polygon does not hide the others; validation reports it) and its geocodes.
struct AlertArea {
  cap::geo::PreparedArea geometry;
  const std::vector<cap::ValuePair>* geocodes = nullptr;
};
AlertArea prepare_area(const cap::Area& area);

class Region {
 public:
  Region(std::string name, const std::vector<cap::geo::Polygon>& polygons,
         std::vector<cap::ValuePair> geocodes);

  const std::string& name() const { return name_; }
  // The area's polygons or circles intersect the region's polygons (touching counts), or the
  // area has a geocode the region lists (valueName compared without case, value exactly).
  bool touches(const AlertArea& area) const;

 private:
  std::string name_;
  cap::geo::PreparedArea geometry_;
  std::vector<cap::ValuePair> geocodes_;
};

}  // namespace capcast::dispatch
