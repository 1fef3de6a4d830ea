// CAP area geometry (CAP 1.2 §3.2.4): <polygon> and <circle> text parsed into numbers, the
// polygon checks that validation reports, bounding boxes, point-in-area tests for targeting
// subscribers and cells, and area-area intersection. Geocodes are not geometry: they stay
// (valueName, value) pairs in the model (model.h).
//
// Coordinates are WGS-84 degrees, latitude first as CAP writes them. Polygon edges are straight
// lines in (longitude, latitude) (plate carrée), the usual reading of CAP polygons; circles are
// spherical caps measured by great-circle distance. Polygons may cross the antimeridian (their
// longitudes jump from +179 to -179); polygons that enclose a pole are not supported.
//
// Thread-safe: the functions are pure, and the Prepared* objects are immutable once built, so
// any number of threads may query one object. Queries on Prepared* objects never allocate.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "capcast/cap/model.h"
#include "capcast/core/result.h"

namespace capcast::cap::geo {

// IUGG mean Earth radius R1 = (2a + b) / 3 of the GRS 80 / WGS-84 ellipsoid (H. Moritz,
// "Geodetic Reference System 1980", Journal of Geodesy 74 (2000), pp. 128-133).
inline constexpr double kEarthRadiusKm = 6371.0088;
// Circles contain points up to radius + this. It makes the radius-0 circles of CAP ("lat,lon 0",
// an epicentre) contain their own centre and points within 1 m of it, despite rounding.
inline constexpr double kCircleToleranceKm = 0.001;
// Points within this many degrees (about 0.1 mm) of a polygon's edge count as on the edge.
inline constexpr double kEdgeToleranceDeg = 1e-9;

struct Point {
  double lat = 0;  // degrees north, [-90, 90]
  double lon = 0;  // degrees east, [-180, 180]
  bool operator==(const Point&) const = default;
};

// A <polygon>: the ring as written, closing pair included (CAP 1.2 §3.2.4 requires at least 4
// pairs, the first and last the same; check_polygon() says whether it complies).
struct Polygon {
  std::vector<Point> ring;
  bool operator==(const Polygon&) const = default;
};

// A <circle>: centre and radius in km (CAP 1.2 §3.2.4). Radius 0 denotes the point itself.
struct Circle {
  Point center;
  double radius_km = 0;
  bool operator==(const Circle&) const = default;
};

// A latitude/longitude box. When crosses_antimeridian, min_lon > max_lon and the box spans
// [min_lon, 180] and [-180, max_lon]; otherwise min_lon <= max_lon. A box around a pole spans all
// longitudes: min_lon = -180, max_lon = 180.
struct BBox {
  double min_lat = 0;
  double min_lon = 0;
  double max_lat = 0;
  double max_lon = 0;
  bool crosses_antimeridian = false;
  bool operator==(const BBox&) const = default;
};

// The geometry of one <area>: the union of its polygons and circles (CAP 1.2 §3.2.4 <area>
// note 3). An area with geocodes only has empty geometry.
struct Area {
  std::vector<Polygon> polygons;
  std::vector<Circle> circles;
  bool operator==(const Area&) const = default;
};

// ---- Parsing. Errors are kInvalidArgument and say what is wrong and where, e.g.
// `pair 3 "91.0,10": latitude out of range [-90, 90]`. Pairs are counted from 1.

// "lat,lon": decimal degrees, an optional sign, no spaces around the comma.
Result<Point> parse_point(std::string_view text);
// "lat,lon lat,lon ...": pairs separated by any XML whitespace. Only the syntax and the ranges
// are checked here (an empty text gives an empty ring); check_polygon() checks the ring.
Result<Polygon> parse_polygon(std::string_view text);
// "lat,lon radius_km", separated by XML whitespace; the radius is finite and >= 0.
Result<Circle> parse_circle(std::string_view text);
// Every <polygon> and <circle> of a model area; errors are prefixed "polygon N: " or
// "circle N: ".
Result<Area> parse_area(const cap::Area& area);

// ---- The polygon rules that validation reports.

enum class PolygonDefect {
  kNone,
  kOutOfRange,        // a latitude outside [-90, 90] or longitude outside [-180, 180]
  kTooFewPairs,       // fewer than 4 pairs (CAP 1.2 §3.2.4)
  kNotClosed,         // first pair != last pair (CAP 1.2 §3.2.4)
  kSelfIntersecting,  // two edges meet other than adjacent edges at their shared vertex
};

struct PolygonCheck {
  PolygonDefect defect = PolygonDefect::kNone;
  // What and where, e.g. "ring intersects itself: the edge from pair 2 to 3 meets the edge from
  // pair 4 to 5 at (1.5,2)"; empty when ok. It cites no rule: the caller adds that.
  std::string message;
  bool ok() const { return defect == PolygonDefect::kNone; }
};

// The first defect, in the order of PolygonDefect. Repeated consecutive pairs are tolerated; a
// ring that doubles back along an edge (a spike) or touches itself at a vertex intersects
// itself. Antimeridian-safe. Cost: sort plus a sweep over latitude, O(n log n + k) for n pairs
// and k edge pairs whose latitude ranges overlap (O(n^2) at worst).
PolygonCheck check_polygon(const Polygon& polygon);

// ---- Measures.

// Great-circle (haversine) distance on the sphere of radius kEarthRadiusKm.
double distance_km(Point a, Point b);
BBox bbox_of(const Polygon& polygon);
// Spherical-cap bounds (radius + kCircleToleranceKm): latitude +- r/R, longitude +-
// asin(sin(r/R) / cos(lat)), the exact widening; all longitudes when the cap covers a pole.
BBox bbox_of(const Circle& circle);
bool contains(const BBox& box, Point p);
bool intersects(const BBox& a, const BBox& b);

// ---- Prepared geometry: built once, queried millions of times without allocating.

class PreparedCircle;

// A polygon with its box, its ring unwrapped so that consecutive longitudes differ by at most
// 180 degrees (starting at the first pair's longitude), and an index of edges by latitude band
// (at most about 5 entries per edge).
class PreparedPolygon {
 public:
  // Any ring is accepted: an unclosed ring is closed, and one with fewer than 3 distinct
  // vertices contains nothing.
  explicit PreparedPolygon(const Polygon& polygon);

  // Even-odd rule. Boundary convention: a point on an edge or vertex (within kEdgeToleranceDeg)
  // is inside, so two polygons sharing an edge both contain it. The point is tested at lon,
  // lon + 360 and lon - 360 against the unwrapped ring, so antimeridian rings work.
  // Cost: the edges listed in the point's latitude band, a handful for a smooth ring (about
  // 50 ns per point for 3000 pairs); a jagged ring that every parallel crosses many times costs
  // in proportion to those crossings.
  bool contains(Point p) const;
  const BBox& bbox() const { return bbox_; }
  // Unwrapped and closed; empty when the polygon is degenerate.
  const std::vector<Point>& ring() const { return ring_; }

 private:
  friend bool intersects(const PreparedPolygon& a, const PreparedPolygon& b);
  friend bool intersects(const PreparedPolygon& polygon, const PreparedCircle& circle);

  bool contains_unwrapped(double lon, double lat) const;
  // The index of edges by latitude band: band b lists (as i, for the edge ring_[i] ->
  // ring_[i + 1]) the edges whose latitude range, widened by kEdgeToleranceDeg, meets it.
  int band_of(double lat) const;

  BBox bbox_;
  std::vector<Point> ring_;
  double min_ulon_ = 0, max_ulon_ = 0;  // range of the unwrapped longitudes
  double band_height_inv_ = 0;
  std::vector<uint32_t> band_start_;  // one offset into band_edges_ per band, and the end
  std::vector<uint32_t> band_edges_;
};

class PreparedCircle {
 public:
  explicit PreparedCircle(const Circle& circle);

  // Great-circle distance from the centre <= radius_km + kCircleToleranceKm.
  bool contains(Point p) const;
  const BBox& bbox() const { return bbox_; }
  const Circle& circle() const { return circle_; }

 private:
  friend bool intersects(const PreparedPolygon& polygon, const PreparedCircle& circle);

  // sin^2(d / 2R), the haversine of the angle from the centre to p; contains(p) compares it
  // with max_hav_, that of the radius, which avoids asin and sqrt per point.
  double haversine_to(Point p) const;

  Circle circle_;
  BBox bbox_;
  double cos_lat_ = 1;
  double max_hav_ = 0;
};

class PreparedArea {
 public:
  explicit PreparedArea(const Area& area);

  // In any of the polygons or circles (their union, CAP 1.2 §3.2.4).
  bool contains(Point p) const;
  bool empty() const { return polygons_.empty() && circles_.empty(); }
  const std::vector<PreparedPolygon>& polygons() const { return polygons_; }
  const std::vector<PreparedCircle>& circles() const { return circles_; }

 private:
  std::vector<PreparedPolygon> polygons_;
  std::vector<PreparedCircle> circles_;
};

// One-off conveniences; they prepare (and allocate) on every call.
bool point_in_polygon(const Polygon& polygon, Point p);
bool point_in_circle(const Circle& circle, Point p);

// ---- Intersection. Touching counts (boundaries are inside). Boxes are compared first.

// An edge of one meets an edge of the other, or one contains a vertex of the other.
bool intersects(const PreparedPolygon& a, const PreparedPolygon& b);
// The centre is inside the polygon, or the great-circle distance from the centre to the nearest
// point of an edge is <= radius + kCircleToleranceKm. The nearest point is found in a local
// equirectangular projection around the centre (which maps the plate-carrée edges to straight
// lines), then its distance is measured by haversine. The projection's east-west scale is off by
// e = tan(lat) * d / R at distance d from the centre, but as the distance is stationary at the
// nearest point this enters to second order: the distance is overestimated by about d * e^2 / 2,
// i.e. < 1 m for d = 25 km and about 12 m for d = 100 km at 45 degrees, 1 km for 300 km at 60.
bool intersects(const PreparedPolygon& polygon, const PreparedCircle& circle);
// Distance between centres <= r1 + r2 + kCircleToleranceKm.
bool intersects(const PreparedCircle& a, const PreparedCircle& b);
// Any member of one intersects any member of the other.
bool intersects(const PreparedArea& a, const PreparedArea& b);

}  // namespace capcast::cap::geo
