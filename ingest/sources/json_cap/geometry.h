// GeoJSON and WKT geometry turned into CAP <polygon>s. GeoJSON positions are [longitude,
// latitude] (RFC 7946 §3.1.1) and WKT points "longitude latitude" (OGC 06-103r4 §6.1.11; the NWS
// API writes JSON-LD geometry as WKT, its OpenAPI schema GeometryString); a CAP polygon is
// "lat,lon lat,lon ...", at least four pairs, the first and last the same (CAP 1.2 §3.2.4). CAP
// has no holes: a polygon's interior rings are left out, so the CAP area covers the hole too
// (noted as a problem; the alert goes on). Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "json_cap.h"

namespace capcast::ingest::json_cap {

// One linear ring, [[lon, lat], ...] (extra coordinates such as altitude ignored), as a CAP
// polygon: closed if it was not, coordinates in range, at least 4 pairs. nullopt and why if not.
std::optional<std::string> ring_to_polygon(const Json& ring, std::string* why = nullptr);

// The CAP polygons of a geometry: a GeoJSON object (Polygon; MultiPolygon, one <polygon> per
// member; GeometryCollection of those), a WKT string (POLYGON, MULTIPOLYGON, ... EMPTY), or
// absent/null (none). Any other geometry, or a bad ring, fails `field`.
std::vector<std::string> polygons(const Json* geometry, const std::string& field, Problems& pr);

// WKT POLYGON / MULTIPOLYGON / GEOMETRYCOLLECTION (of those) / ... EMPTY as the equivalent
// GeoJSON geometry object; nullopt and why if the text is not one of those.
std::optional<Json> wkt_to_geojson(std::string_view wkt, std::string* why = nullptr);

// A coordinate as CAP writes it: plain decimal (no exponent), the shortest text that reads back
// as the same double.
std::string decimal(double v);

}  // namespace capcast::ingest::json_cap
