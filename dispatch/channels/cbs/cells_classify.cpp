// The shortcut past the exact test (cells.h, select()): the squares around one query shape
// classified as inside it, outside it, or neither, and what that settles for a cell.
//
// Why the shortcut gives the exact test's answer, not just the true one. A square is marked
// inside (outside) a shape only when every point within kMarginDeg (1e-6 degrees, 0.1 m) of it
// is inside (outside); a cell's anchor and box lie within kMarginDeg / 2 of their squares
// (in_squares, checked when the index is built). So every point the exact test computes with
// is at least 5e-7 degrees from the shape's edge, while its rounding is about 1e-12 degrees and
// its edge tolerance kEdgeToleranceDeg 1e-9: every comparison it makes comes out as exact
// arithmetic would, except the edge-against-edge one (below). Case by case (cap/geometry.cpp):
//  - a polygon, any cell whose anchor is in an inside square: intersects() first asks the
//    polygon whether it contains the anchor (the circle's centre, the sector's first pair) and
//    returns true if so;
//  - a polygon, a sector with another of its pairs, v, in an inside square: if the polygon
//    does not contain the first pair (which the exact test tries first), the ring of the
//    sector runs from that pair, outside the polygon by more than the edge tolerance, to v,
//    inside it by at least the margin, so one of its edges crosses an edge of the polygon, v
//    being far from it; at a crossing away from the polygon's vertices all four cross products
//    of segments_meet() are far from 0; at a vertex V shared by two polygon edges, the sign
//    computed for V against the sector's edge is one value, and whichever it is, one of the two
//    polygon edges has its ends on both sides (or V is found on it): true either way. (Not for
//    a circle query: its exact test measures in a plane, whose distances differ from the
//    sphere's by more than the 10 m margin across a large circle;)
//  - a polygon, an omni cell whose whole box is in outside squares: it asks whether the
//    polygon contains the centre (no), then measures from the centre to the nearest point of
//    each edge, and every edge point is outside the box, which holds the whole circle: false;
//  - a polygon, a sector whose whole box is in outside squares: the polygon does not contain
//    its first pair, it does not contain the polygon's (which is outside its box), and no edge
//    of one meets an edge of the other. But segments_meet() decides that from the signs of
//    four rounded cross products, and for two segments far apart these can all be wrong only
//    if both lie within rounding (eta, about 4.3 u D for D the largest coordinate difference,
//    u = 2^-53: under 1e-12 degrees) of a common line: an end of one within eta of the other's
//    line, and the other's line within eta of a point of the first, at least g = 5e-7 degrees
//    apart, so the two directions differ by less than 2 eta / g, about 4e-6 radians. So the
//    shortcut settles such a sector only when none of its edges runs within kParallelRad
//    (1e-5) of the direction of any polygon edge (Squares::parallel): otherwise it keeps the
//    exact test;
//  - a circle, an omni cell whose centre is in an inside square: the exact test is the
//    distance between centres <= r1 + r2 + 1 m, and the centre is within the alert's radius;
//  - a circle, a cell whose whole box is in inside (outside) squares: every point of its
//    coverage is inside (outside) the circle by kCircleMarginKm (10 m), the point the exact
//    test measures on a sector's edge included; an omni cell's circle (radius + 1 m) lies in its
//    box, so outside means centres more than r1 + r2 + 1 m apart.
#include <algorithm>
#include <cmath>

#include "cbs/cells.h"
#include "cbs/cells_grid.h"

namespace capcast::dispatch::cbs {

namespace {

namespace geo = cap::geo;
using cells_grid::kDirectionBins;
using cells_grid::kMarginDeg;
using cells_grid::kPi;
using cells_grid::wrap180;
using cells_grid::wrap360;

// See above: twice the largest direction difference rounding can hide, and more.
constexpr double kParallelRad = 1e-5;
// Circles: every point of an inside square is within radius - this (10 m, far above the
// rounding of haversine and of the latitude widths below), of an outside square beyond radius
// + this; and the radius is at most kMaxShortcutKm (45 degrees of arc: see classify).
constexpr double kCircleMarginKm = 0.01;
constexpr double kMaxShortcutKm = 5000;

}  // namespace

// A polygon. Boundary squares: those a polygon edge may meet, found by cutting each edge into
// pieces of at most a square and marking every square the piece's box, widened by the margin,
// touches, at whichever turn of 360 degrees (x is taken mod 360): a superset, which only costs
// speed. Every other square is crossed by no edge, so (Jordan curve theorem, as the even-odd
// rule counts it) all its points are on the same side of the ring, and so are those of a run of
// such squares side by side in a row: one point-in-polygon test of a square's centre decides
// the run. A square reaching the antimeridian is left out (its points' longitudes, as
// contains() shifts them by 360, would not all fall in the same copy of the ring).
void CellInventory::classify(const geo::PreparedPolygon& polygon, Squares& sq) const {
  const Grid& g = grid_;
  const std::vector<geo::Point>& ring = polygon.ring();
  const double m = kMarginDeg;
  auto mark = [&](double lat0, double lat1, double lon0, double lon1) {
    const uint32_t ra = std::max(square_row(lat0 - m), sq.r0),
                   rb = std::min(square_row(lat1 + m), sq.r1);
    const double x = wrap360(lon0 - m - g.lon0), w = lon1 - lon0 + 2 * m;
    uint32_t spans[2][2] = {{square_col(x), square_col(x + w)}, {1, 0}};
    if (w >= 360) {
      spans[0][0] = 0, spans[0][1] = g.square_cols - 1;
    } else if (x + w >= 360) {
      spans[0][1] = g.square_cols - 1, spans[1][0] = 0, spans[1][1] = square_col(x + w - 360);
    }
    for (uint32_t r = ra; r <= rb; ++r)
      for (const auto& span : spans)
        for (uint32_t c = span[0]; c <= span[1]; ++c)
          sq.state[size_t{r - sq.r0} * g.square_cols + c] = Squares::kBoundary;
  };
  sq.parallel.assign(kDirectionBins / 64, 0);
  for (size_t k = 0; k + 1 < ring.size(); ++k) {
    const geo::Point a = ring[k], b = ring[k + 1];
    const double dy = b.lat - a.lat, dx = b.lon - a.lon;
    const double need = std::ceil(std::max(std::abs(dx) * g.col_inv, std::abs(dy) * g.row_inv));
    const int pieces = static_cast<int>(std::clamp(need, 1.0, 256.0));
    geo::Point p = a;
    for (int j = 1; j <= pieces; ++j) {
      const double t = static_cast<double>(j) / pieces;
      const geo::Point q = j == pieces ? b : geo::Point{a.lat + t * dy, a.lon + t * dx};
      mark(std::min(p.lat, q.lat), std::max(p.lat, q.lat), std::min(p.lon, q.lon),
           std::max(p.lon, q.lon));
      p = q;
    }
    // The edge's direction, give or take kParallelRad, and the rounding a shift by 360 (about
    // 1e-13 degrees at each end) brings to a short edge's direction. A repeated pair is no
    // edge: segments_meet() finds all its cross products 0 and meets nothing outside.
    const double length = std::hypot(dx, dy);
    if (length == 0) continue;
    const double tau = kParallelRad + 1e-12 / length, bin = kDirectionBins / kPi;
    double angle = std::atan2(dy, dx);
    if (angle < 0) angle += kPi;
    const double lo = std::floor((angle - tau) * bin), hi = std::floor((angle + tau) * bin);
    for (double d = lo; d <= std::min(hi, lo + kDirectionBins); ++d) {
      const auto at = static_cast<uint32_t>(static_cast<int64_t>(d) & (kDirectionBins - 1));
      sq.parallel[at / 64] |= uint64_t{1} << (at % 64);
    }
  }
  for (uint32_t r = sq.r0; r <= sq.r1; ++r) {
    const double lat = (lat_at(r) + lat_at(r + 1)) / 2;
    uint8_t run = Squares::kOff;  // the state of the run going on, or kOff
    for (uint32_t c = 0; c < g.square_cols; ++c) {
      uint8_t& state = sq.state[size_t{r - sq.r0} * g.square_cols + c];
      if (state != Squares::kOpen) {
        run = Squares::kOff;
        continue;
      }
      const double half = (x_at(c + 1) - x_at(c)) / 2 + m;
      const double lon = wrap180(g.lon0 + x_at(c) + half - m);
      if (lon - half <= -180 || lon + half >= 180) {
        state = Squares::kBoundary;
        run = Squares::kOff;
        continue;
      }
      if (run == Squares::kOff)
        run = polygon.contains({lat, lon}) ? Squares::kInside : Squares::kOutside;
      state = run;
    }
  }
}

// A circle of radius r <= 45 degrees of arc, not around a pole. On a parallel, the distance to
// the centre grows with the longitude difference (haversine: sin^2(dlon / 2) scaled by cos(lat)
// >= 0) while that stays within 180 degrees; on a meridian, within 45 degrees of the centre, it
// has no maximum inside a segment whose ends are within 45 degrees (a great circle's distance
// from a point peaks only at the far side, at least 135 degrees away). So a square whose four
// corners are within the radius lies within it. The points of the parallel at latitude lat
// within a radius d are those with |dlon| <= w(lat) = 2 asin(sqrt(s)), s = (hav(d) - hav(lat -
// lat_c)) / (cos(lat_c) cos(lat)). w rises and then falls with lat (the cap's boundary has one
// eastmost point, where a meridian touches it, at sin(lat) = sin(lat_c) / cos(d)), so over a
// row of squares its least value is at one of the row's edges, and its greatest there too
// unless the row holds that latitude, where it is the box's asin(sin(d) / cos(lat_c)).
void CellInventory::classify(const geo::PreparedCircle& circle, Squares& sq) const {
  constexpr double kRad = kPi / 180;
  const Grid& g = grid_;
  const geo::Circle& cc = circle.circle();
  if (cc.radius_km > kMaxShortcutKm || circle.bbox().min_lat <= -90 || circle.bbox().max_lat >= 90)
    return;
  const double cos_c = std::cos(cc.center.lat * kRad);
  auto half_width = [&](double lat, double d) {  // degrees; < 0 when the parallel misses
    const double s =
        (std::pow(std::sin(d / 2), 2) - std::pow(std::sin((lat - cc.center.lat) * kRad / 2), 2)) /
        (cos_c * std::cos(lat * kRad));
    return s < 0 ? -1.0 : s >= 1 ? 180.0 : 2 * std::asin(std::sqrt(s)) / kRad;
  };
  const double r = std::max(cc.radius_km, 0.0) + geo::kCircleToleranceKm;
  const double d_in = (r - kCircleMarginKm) / geo::kEarthRadiusKm,
               d_out = (r + kCircleMarginKm) / geo::kEarthRadiusKm;
  const double sin_peak = std::sin(cc.center.lat * kRad) / std::cos(d_out);
  if (!(std::abs(sin_peak) < 1)) return;  // the outer circle reaches a pole
  const double peak = std::asin(sin_peak) / kRad;
  const double widest = std::asin(std::min(1.0, std::sin(d_out) / cos_c)) / kRad + 1e-9;
  const double m = kMarginDeg;
  for (uint32_t row = sq.r0; row <= sq.r1; ++row) {
    const double lat0 = lat_at(row) - m, lat1 = lat_at(row + 1) + m;
    const double in = d_in > 0 ? std::min(half_width(lat0, d_in), half_width(lat1, d_in)) : -1;
    const double out = lat0 <= peak && peak <= lat1
                           ? widest
                           : std::max(half_width(lat0, d_out), half_width(lat1, d_out)) + 1e-9;
    for (uint32_t c = 0; c < g.square_cols; ++c) {
      uint8_t& state = sq.state[size_t{row - sq.r0} * g.square_cols + c];
      if (state != Squares::kOpen) continue;
      state = Squares::kBoundary;
      const double xa = x_at(c) - m, xb = x_at(c + 1) + m;
      const double da = wrap180(g.lon0 + xa - cc.center.lon), db = da + (xb - xa);
      if (in >= 0 && da >= -in && db <= in && da > -180 && db < 180) {
        state = Squares::kInside;
        continue;
      }
      // Outside: the square's longitudes, at every turn of 360, miss [-out, out].
      bool meets = out >= 180;
      for (double s : {-360.0, 0.0, 360.0})
        meets = meets || (da + s <= out && db + s >= -out);
      if (!meets) state = Squares::kOutside;
    }
  }
}

int CellInventory::settled(uint32_t k, const Squares& sq) const {
  const Slot& s = slots_[k];
  const bool sector = s.coverage & kSectorBit;
  if (!(sq.circle && sector) && sq.at(s.anchor) == Squares::kInside) return 1;
  const uint32_t j = s.coverage & ~kSectorBit;
  if (s.box_in_squares) {
    if (sq.circle && sq.all(s.srow0, s.srow1, s.scol0, s.scol1, Squares::kInside)) return 1;
    if (sq.all(s.srow0, s.srow1, s.scol0, s.scol1, Squares::kOutside)) {
      if (sq.circle || !sector) return 0;
      // A sector outside a polygon: not when one of its edges runs nearly parallel to one of
      // the polygon's (see the top of this file).
      for (uint32_t e = direction_start_[j]; e < direction_start_[j + 1]; ++e)
        if (sq.parallel[directions_[e] / 64] >> (directions_[e] % 64) & 1) return -1;
      return 0;
    }
  }
  // A sector and a polygon, another pair of the sector in an inside square (see the top).
  if (sector && !sq.circle)
    for (uint32_t v = vertex_start_[j]; v < vertex_start_[j + 1]; ++v)
      if (sq.at(vertex_squares_[v]) == Squares::kInside) return 1;
  return -1;
}

}  // namespace capcast::dispatch::cbs
